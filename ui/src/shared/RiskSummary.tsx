// Who and what a quote or a policy insures, in words: the applicant and
// address, each driver (age, years licensed, violations and accidents with
// their dates), each vehicle (year, make, model, VIN) or the dwelling, and
// the prior claims. The referral desk's cards and the policy screen show it.
import type { Accident, Address, Claim, Driver, DriverLicense, Dwelling, Quote, Vehicle, ViolationKind } from "../bindings";
import { formatMoney, stateName, words } from "./language";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** A calendar date (`2025-05-14`) as people write it: "May 14, 2025". Text that is not a date stays as it is. */
export function formatDate(date: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return date;
  return `${MONTHS[Number(m[2]) - 1]} ${Number(m[3])}, ${m[1]}`;
}

/** Whole years from `from` to `to` (both `YYYY-MM-DD`), as a birthday counts them; null when either is not a date. */
export function yearsBetween(from: string, to: string): number | null {
  const a = /^(\d{4})-(\d{2})-(\d{2})$/.exec(from.trim());
  const b = /^(\d{4})-(\d{2})-(\d{2})$/.exec(to.trim());
  if (!a || !b) return null;
  let years = Number(b[1]) - Number(a[1]);
  if (b[2] < a[2] || (b[2] === a[2] && b[3] < a[3])) years -= 1;
  return years;
}

/** `date` (`YYYY-MM-DD`) moved on by `months`, the day kept where the month has it (else its last day). */
export function addMonths(date: string, months: number): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  if (!m) return date;
  const total = Number(m[1]) * 12 + Number(m[2]) - 1 + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const day = Math.min(Number(m[3]), last);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${year}-${pad(month)}-${pad(day)}`;
}

const VIOLATIONS: Record<ViolationKind, string> = {
  speeding: "Speeding",
  "running-red-light": "Ran a red light",
  "failure-to-yield": "Failure to yield",
  "reckless-driving": "Reckless driving",
  dui: "DUI",
  "suspended-license": "Driving with a suspended license",
  "other-moving": "Other moving violation",
};

/** A violation's kind in words: `running-red-light` is "Ran a red light". */
export function violationLabel(kind: string): string {
  return VIOLATIONS[kind as ViolationKind] ?? words(kind);
}

function accidentLabel(a: Accident): string {
  if (!a.at_fault) return "Accident, not at fault";
  return a.bodily_injury ? "At-fault accident with injury" : "At-fault accident";
}

/** A claim's cause of loss (`water`, `wind`) in words. */
function claimLabel(c: Claim): string {
  return `${words(c.cause)} loss`;
}

function addressLine(a: Address): string {
  return `${a.street}, ${a.city}, ${a.state} ${a.zip}`;
}

/** A vehicle as people name it: "2020 Honda Accord". */
export function vehicleName(v: Vehicle, i: number): string {
  const name = [String(v.year), v.make, v.model].filter((w) => w && w.trim()).join(" ");
  return name || `Vehicle ${i + 1}`;
}

const USE: Record<string, string> = { pleasure: "Pleasure use", commute: "Commuting", business: "Business use" };

function DriverItem({ driver, on, license }: { driver: Driver; on: string; license?: DriverLicense | null }) {
  const age = yearsBetween(driver.date_of_birth, on);
  const licensed = yearsBetween(driver.license_date, on);
  const events = [
    ...driver.violations.map((v) => ({ date: v.date, text: violationLabel(v.kind), kind: "violation" })),
    ...driver.accidents.map((a) => ({ date: a.date, text: accidentLabel(a), kind: "accident" })),
  ].sort((x, y) => y.date.localeCompare(x.date));
  return (
    <li className="insured-driver">
      <strong>{driver.name}</strong>
      {driver.excluded && <span className="meta"> (excluded from cover by name)</span>}
      <span className="driver-facts">
        {age !== null && `, age ${age}`} <span className="meta">(born {formatDate(driver.date_of_birth)})</span>
        {licensed !== null && `, licensed ${licensed} ${licensed === 1 ? "year" : "years"}`}
        {license && license.state && `, ${stateName(license.state)} license`}
      </span>
      {events.length === 0 ? (
        <span className="meta">; no violations or accidents</span>
      ) : (
        <ul className="driver-record" aria-label={`${driver.name}'s driving record`}>
          {events.map((e, i) => (
            <li key={i} data-kind={e.kind}>
              {e.text} on {formatDate(e.date)}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

function DwellingFacts({ dwelling }: { dwelling: Dwelling }) {
  return (
    <dl className="facts dwelling-facts">
      {dwelling.address && (
        <>
          <dt>Location</dt>
          <dd>{addressLine(dwelling.address)}</dd>
        </>
      )}
      <dt>Built</dt>
      <dd>{dwelling.year_built}</dd>
      <dt>Construction</dt>
      <dd>{words(dwelling.construction)}</dd>
      <dt>Roof</dt>
      <dd>
        {words(dwelling.roof_type)}, {dwelling.roof_age} {dwelling.roof_age === 1 ? "year" : "years"} old
      </dd>
      <dt>Living area</dt>
      <dd>{dwelling.square_feet.toLocaleString("en-US")} square feet</dd>
      <dt>Protection class</dt>
      <dd>{dwelling.protection_class}</dd>
      <dt>Dwelling limit (Coverage A)</dt>
      <dd>{formatMoney(dwelling.coverage_a)}</dd>
    </dl>
  );
}

/**
 * The quote's insured and risk: `level` is the heading level of its parts
 * (Insured, Drivers, Vehicles or Dwelling, Prior claims), `on` the date ages
 * are counted at (the quote's effective date unless given). `licenses`, by
 * driver, add the state each licence is from; the number is never shown.
 */
export function RiskSummary({
  quote,
  level = 4,
  on,
  licenses = [],
  idPrefix,
}: {
  quote: Quote;
  level?: 3 | 4;
  on?: string;
  licenses?: (DriverLicense | null)[];
  /** Prefixes the ids of the parts (`<prefix>-insured`, `-drivers`, `-vehicles`, `-dwelling`, `-claims`). */
  idPrefix?: string;
}) {
  const H = level === 3 ? "h3" : "h4";
  const at = on ?? quote.effective_date;
  const id = (part: string) => (idPrefix ? `${idPrefix}-${part}` : undefined);
  const home = quote.product === "homeowners-ho3" || quote.dwelling !== null;
  return (
    <div className="risk-summary">
      <div className="insured-part" id={id("insured")}>
        <H>Insured</H>
        <p>
          <strong>{quote.applicant.name}</strong>
          <br />
          {addressLine(quote.applicant.address)}
        </p>
      </div>
      {quote.drivers.length > 0 && (
        <div className="insured-part" id={id("drivers")}>
          <H>Drivers</H>
          <ul className="insured-list" aria-label="Drivers">
            {quote.drivers.map((d, i) => (
              <DriverItem key={i} driver={d} on={at} license={licenses[i]} />
            ))}
          </ul>
        </div>
      )}
      {quote.vehicles.length > 0 && (
        <div className="insured-part" id={id("vehicles")}>
          <H>Vehicles</H>
          <ul className="insured-list" aria-label="Vehicles">
            {quote.vehicles.map((v, i) => (
              <li key={i}>
                <strong>{vehicleName(v, i)}</strong>
                {v.vin && <span className="vin"> VIN {v.vin}</span>}
                <span className="meta">
                  {" "}
                  ({USE[v.use] ?? words(v.use)}, {v.annual_miles.toLocaleString("en-US")} miles a year
                  {quote.drivers[v.principal_driver] ? `, driven mostly by ${quote.drivers[v.principal_driver].name}` : ""})
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {quote.dwelling && (
        <div className="insured-part" id={id("dwelling")}>
          <H>Dwelling</H>
          <DwellingFacts dwelling={quote.dwelling} />
        </div>
      )}
      {(home || quote.prior_claims.length > 0) && (
        <div className="insured-part" id={id("claims")}>
          <H>Prior claims</H>
          {quote.prior_claims.length === 0 ? (
            <p className="meta">None in the last five years.</p>
          ) : (
            <ul className="insured-list" aria-label="Prior claims">
              {[...quote.prior_claims]
                .sort((x, y) => y.date.localeCompare(x.date))
                .map((c, i) => (
                  <li key={i}>
                    {claimLabel(c)} on {formatDate(c.date)}
                  </li>
                ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
