// The app's words for what the engine and the server say in their own terms:
// an error as a sentence the user can act on (its codes and raw text kept for
// support), a field path as the field's name, money with its cents, and a
// coverage limit as an amount.
import type { CommandError } from "../api";
import { MESSAGES } from "./messages";

/** What the sentence says when no code of the error has one. */
export const GENERIC_SENTENCE =
  "Something went wrong and this was not done. Try again; if it keeps happening, send the Details to your support contact.";

/** An error in words: the sentence, each field's problem by its name, and what support needs. */
export interface DescribedError {
  sentence: string;
  /** One line for each field the error named; `path` is the engine's, for `data-path`. */
  fields: { label: string; message: string; path: string }[];
  /** For the Details disclosure: never shown outside it. */
  details: { code: string; serverCode?: string; message: string };
}

/** The sentence for the server's code first (when there is one), then the workstation's, else the generic one. */
export function describeError(error: CommandError): DescribedError {
  const sentence = (error.serverCode !== undefined ? MESSAGES[error.serverCode] : undefined) ?? MESSAGES[error.code] ?? GENERIC_SENTENCE;
  return {
    sentence,
    fields: (error.fields ?? []).map((f) => ({ label: fieldLabel(f.path), message: f.message, path: f.path })),
    details: { code: error.code, ...(error.serverCode !== undefined ? { serverCode: error.serverCode } : {}), message: error.message },
  };
}

/** The name of each field as the user knows it, by the engine's snake_case name (camelCase form keys are converted first). */
const FIELD_NAMES: Record<string, string> = {
  accidents: "Accidents",
  annual_miles: "Annual miles",
  anti_theft: "Anti-theft device",
  applicant: "Customer",
  at_fault: "At fault",
  bodily_injury: "Injury caused",
  carrier: "Prior insurer",
  cause: "Cause",
  city: "City",
  claims: "Losses",
  construction: "Construction",
  cost_new: "Price when new",
  course_date: "Course completed on",
  coverage_a: "Dwelling limit (Coverage A)",
  coverages: "Coverages",
  credit_tier: "Credit tier",
  date: "Date",
  date_of_birth: "Date of birth",
  decision: "Decision",
  deductible: "Deductible",
  defensive_driving: "Defensive driving course",
  drivers: "Drivers",
  effective_date: "Effective date",
  elections: "Signed forms",
  email: "Email",
  excluded: "Excluded driver",
  form: "Form number",
  garaging_zip: "Garaging ZIP code",
  good_student: "Good student",
  inception_date: "Inception date",
  installment_plan: "Payment plan",
  kind: "Type",
  lapse_days: "Days without cover",
  license_date: "First licensed",
  license_number: "License number",
  license_state: "License state",
  limit: "Limit",
  make: "Make",
  measures: "Wildfire measures",
  model: "Model",
  months: "Months of continuous cover",
  name: "Name",
  opening_protection: "Opening protection",
  payment_method: "Paid by",
  phone: "Phone",
  principal_driver: "Principal driver",
  prior_carrier: "Prior insurer",
  prior_lapse_days: "Days without cover",
  prior_months: "Months of continuous cover",
  product: "Product",
  protection_class: "Protection class",
  renewal: "Renewal",
  roof_age: "Roof age",
  roof_deck: "Roof deck",
  roof_shape: "Roof shape",
  roof_to_wall: "Roof-to-wall connection",
  roof_type: "Roof type",
  secondary_water_resistance: "Secondary water resistance",
  selected: "Included",
  signed_by: "Signed by",
  signed_on: "Signed on",
  square_feet: "Living area",
  state: "State",
  street: "Street",
  term_months: "Term",
  use: "Use",
  vehicle_year: "Vehicle model year",
  vehicles: "Vehicles",
  vin: "VIN",
  violations: "Violations",
  wildfire_community: "Wildfire community",
  year: "Model year",
  year_built: "Year built",
  zip: "ZIP code",
};

/** Groups whose name adds nothing to the field's (`quote.applicant.address.zip` is "ZIP code"). */
const SILENT = new Set(["quote", "contact", "input", "applicant", "address", "dwelling"]);

/** Groups that name a part of the form. */
const GROUPS: Record<string, string> = {
  prior_insurance: "Prior insurance",
  wind_mitigation: "Wind mitigation",
  wildfire_mitigation: "Wildfire mitigation",
  effective: "Effective",
};

/** One item of a list: `drivers[1]` is "Driver 2". */
const ITEMS: Record<string, string> = {
  accidents: "Accident",
  claims: "Loss",
  coverages: "Coverage",
  drivers: "Driver",
  elections: "Signed form",
  licenses: "Driver",
  payments: "Payment",
  prior_claims: "Loss",
  steps: "Step",
  vehicles: "Vehicle",
  violations: "Violation",
};

/** Coverages by their rate-pack code. */
const COVERAGE_NAMES: Record<string, string> = {
  BI: "Bodily injury",
  COLL: "Collision",
  COMP: "Comprehensive",
  DWELLING: "Dwelling",
  HURRICANE: "Hurricane",
  LIABILITY: "Personal liability",
  MED: "Medical payments",
  ORDINANCE: "Law and ordinance",
  PD: "Property damage",
  PIP: "Personal injury protection",
  SINKHOLE: "Sinkhole loss",
  UM: "Uninsured motorist",
};

const ELECTION_KINDS: Record<string, string> = {
  "reject-in-writing": "rejection",
  offer: "offer",
  "lower-limits-in-writing": "lower limits",
};

/** `violation_points_3y`, `dateOfBirth`, `roof-type` in words: "Violation points 3y", "Date of birth", "Roof type". */
export function words(name: string): string {
  const spaced = name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_\-.[\]]+/g, " ")
    .trim()
    .toLowerCase()
    .replace(/\s+/g, " ");
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** `dateOfBirth` is `date_of_birth`; a code in capitals (`BI`) stays as it is. */
function snake(name: string): string {
  if (/^[A-Z0-9_]+$/.test(name)) return name;
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

function singular(collection: string): string {
  const known = ITEMS[snake(collection)];
  if (known) return known;
  const w = words(collection);
  return w.endsWith("ies") ? `${w.slice(0, -3)}y` : w.endsWith("s") ? w.slice(0, -1) : w;
}

/** What `fieldLabel` may name items by, where the screen knows them. */
export interface FieldNames {
  /** Each driver's name by index ("" when not typed yet). */
  drivers?: string[];
  /** Each vehicle's label by index ("2020 Honda Accord"). */
  vehicles?: string[];
}

/**
 * A field path as the user knows it: `quote.drivers[1].date_of_birth` is
 * "Driver 2 · Date of birth", `quote.applicant.address.zip` is "ZIP code",
 * the wizard's `coverages.BI.limit` is "Bodily injury · Limit". Never shows
 * brackets, dots or snake_case: an unknown name reads as words.
 */
export function fieldLabel(path: string, names: FieldNames = {}): string {
  const segments = path
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter((s) => s !== "");
  const parts: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const key = snake(segment);
    const next = segments[i + 1];
    // The group this segment is in, past a list's index: `licenses[1].number` is in `licenses`.
    const parent = snake(
      segments
        .slice(0, i)
        .filter((s) => !/^\d+$/.test(s))
        .at(-1) ?? "",
    );
    // A list's item: by its index, or a coverage by its code.
    if (next !== undefined && /^\d+$/.test(next)) {
      const n = Number(next);
      const named = key === "drivers" || key === "licenses" ? names.drivers?.[n] : key === "vehicles" ? names.vehicles?.[n] : undefined;
      parts.push(named?.trim() ? named.trim() : `${singular(segment)} ${n + 1}`);
      i++;
      continue;
    }
    if (key === "coverages" && next !== undefined && /^[A-Z][A-Z0-9_]*$/.test(next)) {
      parts.push(COVERAGE_NAMES[next] ?? `Coverage ${next}`);
      i++;
      continue;
    }
    if (key === "elections" && next !== undefined && next.includes(":")) {
      const [code, kind] = next.split(":");
      parts.push(`${COVERAGE_NAMES[code] ?? code} ${ELECTION_KINDS[kind] ?? words(kind)}`.trim());
      i++;
      continue;
    }
    if (SILENT.has(key) && i < segments.length - 1) {
      // A home rated at its own address: its street is the home's, not the customer's.
      if ((key === "address" && parent === "dwelling") || (key === "dwelling" && /^(street|city|state|zip)$/.test(next))) {
        parts.push("Home address");
      }
      continue;
    }
    if (GROUPS[key] && i < segments.length - 1) {
      parts.push(GROUPS[key]);
      continue;
    }
    if (parent === "licenses" && (key === "number" || key === "state")) {
      parts.push(key === "number" ? "License number" : "License state");
      continue;
    }
    if (parent === "applicant" && key === "name") {
      parts.push("Customer name");
      continue;
    }
    parts.push(FIELD_NAMES[key] ?? words(segment));
  }
  return parts.length > 0 ? parts.join(" · ") : words(path);
}

/** Groups a string of digits in threes: `1234567` reads `1,234,567`. */
function grouped(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/**
 * Money as US dollars, always with cents: `1290` reads `$1,290.00`,
 * `-294.5` reads `-$294.50`. Exact: the decimal string never becomes a
 * float, and a fraction finer than a cent is kept, not rounded. Text that is
 * not a decimal number is returned as it is.
 */
export function formatMoney(decimal: string): string {
  const text = decimal.trim().replace(/,/g, "");
  const m = /^([-+]?)\$?(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) return decimal;
  const [, sign, whole, fraction = ""] = m;
  const cents = fraction.length <= 2 ? fraction.padEnd(2, "0") : fraction.replace(/0+$/, "").padEnd(2, "0");
  const units = grouped(whole.replace(/^0+(?=\d)/, "") || "0");
  return `${sign === "-" ? "-" : ""}$${units}.${cents}`;
}

/** Whole dollars, no cents: `250000` reads `$250,000`. */
function dollars(digits: string): string {
  return `$${grouped(digits.replace(/^0+(?=\d)/, ""))}`;
}

/**
 * A coverage limit as the rate packs write it: split limits are thousands
 * (`100/300` reads `$100,000 / $300,000`), as is a bare amount under a
 * thousand (`15` reads `$15,000`); a larger one is dollars (`15000` reads
 * `$15,000`); a percentage (`25%`) stays as it is. Anything else is returned
 * as written.
 */
export function formatLimit(limit: string): string {
  const text = limit.trim().replace(/,/g, "");
  if (/^\d+(\.\d+)?%$/.test(text)) return text;
  if (/^\d+(\/\d+)+$/.test(text)) {
    return text
      .split("/")
      .map((n) => dollars(`${n}000`))
      .join(" / ");
  }
  const amount = /^\$?(\d+)$/.exec(text);
  if (amount) return dollars(Number(amount[1]) < 1000 && !text.startsWith("$") ? `${amount[1]}000` : amount[1]);
  return limit;
}

/**
 * A deductible as the rate packs write it: dollars (`1000` reads `$1,000`)
 * or a percentage of the dwelling limit (`2%` stays `2%`).
 */
export function formatDeductible(deductible: string): string {
  const text = deductible.trim().replace(/,/g, "");
  if (/^\d+(\.\d+)?%$/.test(text)) return text;
  const amount = /^\$?(\d+)$/.exec(text);
  return amount ? dollars(amount[1]) : deductible;
}
