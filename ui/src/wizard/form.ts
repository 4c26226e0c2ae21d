// The quote wizard's form: what the agent has typed, as strings, and its
// conversion to the engine's `QuoteInput`. The form is what a draft saves, so
// a half-finished quote (a date half typed, a VIN not yet checked) survives
// closing the app exactly as it was left.
import type {
  CoverageChoice,
  CoverageOption,
  Driver,
  ElectionOption,
  Product,
  QuoteInput,
  QuoteOptions,
  Vehicle,
  VehicleUse,
  ViolationKind,
  Construction,
  RoofType,
  Election,
  ElectionDecision,
  OpeningProtection,
  RoofDeck,
  RoofShape,
  RoofToWall,
  WildfireCommunity,
  WildfireMeasure,
  PaymentMethod,
} from "../bindings";
import { isDate, today } from "../shared/dates";

// The date helpers live in shared/dates; the wizard's modules and tests read them from here too.
export { isDate, isoDate, today } from "../shared/dates";

export interface ViolationForm {
  date: string;
  kind: ViolationKind;
}

export interface AccidentForm {
  date: string;
  atFault: boolean;
  bodilyInjury: boolean;
}

export interface DriverForm {
  name: string;
  dateOfBirth: string;
  licenseDate: string;
  licenseNumber: string;
  licenseState: string;
  goodStudent: boolean;
  defensiveDriving: boolean;
  /** The day the course was completed (YYYY-MM-DD); the discount lasts three years from it. */
  courseDate: string;
  /** Excluded from cover by name (a signed named-driver exclusion): listed, not rated. */
  excluded: boolean;
  violations: ViolationForm[];
  accidents: AccidentForm[];
}

export interface VehicleForm {
  vin: string;
  year: string;
  make: string;
  model: string;
  use: VehicleUse;
  annualMiles: string;
  garagingZip: string;
  antiTheft: boolean;
  principalDriver: string;
  /** The price when new, in dollars (rates physical damage by price symbol); "" when not known. */
  costNew: string;
}

export interface DwellingForm {
  yearBuilt: string;
  construction: Construction;
  protectionClass: string;
  roofAge: string;
  roofType: RoofType;
  squareFeet: string;
  coverageA: string;
  /** The home is not at the mailing address: rate it at its own. */
  elsewhere: boolean;
  street: string;
  city: string;
  zip: string;
  /** A wind mitigation inspection (form OIR-B1-1802) was done. */
  windInspected: boolean;
  roofShape: RoofShape;
  roofDeck: RoofDeck;
  roofToWall: RoofToWall;
  openingProtection: OpeningProtection;
  secondaryWaterResistance: boolean;
  /** Wildfire mitigation (10 CCR 2644.9): the community's designation, or "". */
  wildfireCommunity: WildfireCommunity | "";
  wildfireMeasures: WildfireMeasure[];
}

/** A coverage decision the insured signed, as the wizard records it. */
export interface ElectionForm {
  signed: boolean;
  /** For an offer: what the insured chose. */
  decision: ElectionDecision;
  form: string;
  signedOn: string;
  signedBy: string;
}

export interface CoverageForm {
  selected: boolean;
  limit: string;
  deductible: string;
}

export interface WizardForm {
  product: Product;
  effectiveDate: string;
  termMonths: string;
  name: string;
  street: string;
  city: string;
  state: string;
  zip: string;
  dateOfBirth: string;
  email: string;
  phone: string;
  vehicles: VehicleForm[];
  dwelling: DwellingForm;
  /** By coverage code; filled from the pack's options when they first load. */
  coverages: Record<string, CoverageForm>;
  drivers: DriverForm[];
  /** Losses in the past five years. */
  claims: ClaimForm[];
  installmentPlan: string;
  /** Signed coverage decisions, by `coverage:kind` (see `electionKey`). */
  elections: Record<string, ElectionForm>;
  /** How the premium is paid; "" when not said. */
  paymentMethod: PaymentMethod | "";
  /** Personal auto: the insured's cover before this policy, when known. */
  priorInsured: boolean;
  priorCarrier: string;
  priorMonths: string;
  priorLapseDays: string;
}

export interface ClaimForm {
  date: string;
  cause: string;
}

export const STEPS = ["Customer", "Vehicles", "Coverages", "Drivers", "Review"] as const;
export const HOME_STEPS = ["Customer", "Property", "Coverages", "Household", "Review"] as const;

export const VIOLATION_KINDS: ViolationKind[] = [
  "speeding",
  "running-red-light",
  "failure-to-yield",
  "reckless-driving",
  "dui",
  "suspended-license",
  "other-moving",
];

export function emptyVehicle(): VehicleForm {
  return {
    vin: "",
    year: "",
    make: "",
    model: "",
    use: "commute",
    annualMiles: "12000",
    garagingZip: "",
    antiTheft: false,
    principalDriver: "0",
    costNew: "",
  };
}

export function emptyDriver(): DriverForm {
  return {
    name: "",
    dateOfBirth: "",
    licenseDate: "",
    licenseNumber: "",
    licenseState: "",
    goodStudent: false,
    defensiveDriving: false,
    courseDate: "",
    excluded: false,
    violations: [],
    accidents: [],
  };
}

export function emptyForm(product: Product, now: Date = new Date()): WizardForm {
  return {
    product,
    effectiveDate: today(now),
    termMonths: "12",
    name: "",
    street: "",
    city: "",
    state: "",
    zip: "",
    dateOfBirth: "",
    email: "",
    phone: "",
    vehicles: product === "personal-auto" ? [emptyVehicle()] : [],
    dwelling: {
      yearBuilt: "",
      construction: "frame",
      protectionClass: "",
      roofAge: "",
      roofType: "asphalt-shingle",
      squareFeet: "",
      coverageA: "",
      elsewhere: false,
      street: "",
      city: "",
      zip: "",
      ...NO_MITIGATION,
    },
    coverages: {},
    drivers: product === "personal-auto" ? [emptyDriver()] : [],
    claims: [],
    installmentPlan: "pay-in-full",
    elections: {},
    paymentMethod: "",
    priorInsured: false,
    priorCarrier: "",
    priorMonths: "",
    priorLapseDays: "0",
  };
}

const NO_MITIGATION = {
  windInspected: false,
  roofShape: "other",
  roofDeck: "a",
  roofToWall: "toe-nails",
  openingProtection: "none",
  secondaryWaterResistance: false,
  wildfireCommunity: "",
  wildfireMeasures: [],
} satisfies Partial<DwellingForm>;

export const WILDFIRE_MEASURES: { value: WildfireMeasure; label: string }[] = [
  { value: "class-a-roof", label: "Class A fire-rated roof" },
  { value: "ember-resistant-zone", label: "Five-foot ember-resistant zone, fencing included" },
  { value: "noncombustible-clearance", label: "Six inches of noncombustible clearance at the base of the walls" },
  { value: "ember-resistant-vents", label: "Ember- and fire-resistant vents" },
  { value: "enclosed-eaves", label: "Enclosed eaves" },
  { value: "upgraded-windows", label: "Multi-pane or tempered windows" },
  { value: "defensible-space", label: "Defensible space as state and local law require" },
];

/** The key of an election rule's entry in `WizardForm.elections`. */
export function electionKey(e: ElectionOption): string {
  return `${e.coverage}:${e.kind}`;
}

/** Whether both limits are split limits and `a` is below `b` (e.g. 25/50 below 100/300). */
function limitBelow(a: string, b: string): boolean {
  const parts = (l: string) => l.split("/").map((p) => Number.parseInt(p.trim(), 10));
  const x = parts(a);
  const y = parts(b);
  return a !== b && x.length === y.length && x.every((n, i) => Number.isFinite(n) && n <= y[i]);
}

/**
 * Whether an election rule asks something of this quote: the coverage is
 * left out (a rejection), not taken (an offer), or UM is below BI.
 */
export function electionNeeded(e: ElectionOption, form: WizardForm, options: QuoteOptions): boolean {
  const taken = (code: string) => {
    const c = options.coverages.find((x) => x.code === code);
    return c != null && (c.required || (form.coverages[code]?.selected ?? false));
  };
  switch (e.kind) {
    case "reject-in-writing":
      return !taken(e.coverage);
    case "offer":
      return !taken(e.coverage);
    case "lower-limits-in-writing": {
      const um = form.coverages.UM;
      const bi = form.coverages.BI;
      return taken("UM") && taken("BI") && um != null && bi != null && limitBelow(um.limit, bi.limit);
    }
  }
}
/** The coverages a new form starts with: what the state requires, and what it recommends. */
export function initialCoverages(options: QuoteOptions): Record<string, CoverageForm> {
  const chosen: Record<string, CoverageForm> = {};
  for (const c of options.coverages) {
    const rec = c.recommendation;
    chosen[c.code] = {
      selected: c.required || (rec?.select ?? false),
      limit: rec?.limit ?? c.limits[0] ?? "",
      deductible: rec?.deductible ?? c.deductibles[0] ?? "",
    };
  }
  for (const c of options.coverages) {
    const same = c.recommendation?.same_limit_as;
    if (same && chosen[same] && c.limits.includes(chosen[same].limit)) chosen[c.code].limit = chosen[same].limit;
  }
  return chosen;
}

/** The recommended limit for `c` given the form's other choices, if it differs from nothing. */
export function recommendedLimit(c: CoverageOption, coverages: Record<string, CoverageForm>): string | null {
  const rec = c.recommendation;
  if (!rec) return null;
  if (rec.same_limit_as) {
    const other = coverages[rec.same_limit_as];
    return other && c.limits.includes(other.limit) ? other.limit : null;
  }
  return rec.limit;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Problems found before asking the engine, by field key: each a predicate that follows the field's name ("is in the future"). */
export type Problems = Record<string, string>;

/** The youngest age at which any state licenses a driver (the engine refuses a license before the 14th birthday). */
export const LICENSING_AGE = 14;

/**
 * An amount as people type it (`$450,000`, `2,400`, ` 12 000 `) as the
 * engine reads it (`450000`, `2400`, `12000`): dollar signs, commas and
 * spaces go; anything else stays, for the checks to refuse.
 */
export function normalizeAmount(value: string): string {
  return value.trim().replace(/[$,\s]/g, "");
}

function int(value: string): number | null {
  const v = normalizeAmount(value);
  return /^\d+$/.test(v) ? Number.parseInt(v, 10) : null;
}

/** Whole years from one YYYY-MM-DD date to another (an age). */
export function fullYears(from: string, to: string): number {
  const years = Number(to.slice(0, 4)) - Number(from.slice(0, 4));
  return to.slice(5) < from.slice(5) ? years - 1 : years;
}

/** Whether an email address has a name, an @ and a domain with a dot, and no spaces (as the engine checks). */
export function isEmail(value: string): boolean {
  return value.length <= 254 && /^[^\s@]+@[^\s@.][^\s@]*\.[^\s@.]+$/.test(value);
}

/** A phone number as people read it: ten digits as (415) 555-0134; anything else as typed. */
export function formatPhone(value: string): string {
  const digits = value.replace(/\D/g, "");
  const national = digits.length === 11 && digits.startsWith("1") && !value.trim().startsWith("+") ? digits.slice(1) : digits;
  if (national.length !== 10 || value.trim().startsWith("+")) return value.trim();
  return `(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`;
}

/**
 * A phone number masked as it is typed: `2135550142` reads `(213) 555-0142`
 * digit by digit. A number that is not ten US digits (one written with `+`
 * or a leading 1, or longer) stays as typed; `formatPhone` tidies it when
 * the field is left.
 */
export function maskPhone(value: string): string {
  const digits = value.replace(/\D/g, "");
  if (value.trim().startsWith("+") || digits.startsWith("1") || digits.length === 0 || digits.length > 10) return value;
  if (digits.length <= 3) return `(${digits}`;
  if (digits.length <= 6) return `(${digits.slice(0, 3)}) ${digits.slice(3)}`;
  return `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`;
}

/** An amount grouped in thousands as people read it (`450000` reads `450,000`), or the text as typed when it is not one. */
export function formatAmount(value: string): string {
  const v = normalizeAmount(value);
  const m = /^(\d+)(\.\d{1,2})?$/.exec(v);
  if (!m) return value.trim();
  return `${m[1].replace(/^0+(?=\d)/, "").replace(/\B(?=(\d{3})+(?!\d))/g, ",")}${m[2] ?? ""}`;
}

const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];
const VIN_VALUES: Record<string, number> = Object.fromEntries(
  [..."ABCDEFGHJKLMNPRSTUVWXYZ"].map((c) => [
    c,
    [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9]["ABCDEFGHJKLMNPRSTUVWXYZ".indexOf(c)],
  ]),
);

/** What is wrong with a VIN, checked as the engine does (49 CFR 565): its length, its characters and its check digit. */
export function vinProblem(vin: string): string | null {
  const v = vin.trim().toUpperCase();
  if (v.length !== 17) return `must be 17 characters (this one has ${v.length})`;
  const bad = [...v].findIndex((c) => !/[0-9A-HJ-NPR-Z]/.test(c));
  if (bad >= 0) return `cannot contain ${v[bad]} (character ${bad + 1}); a VIN uses digits and letters other than I, O and Q`;
  const sum = [...v].reduce((n, c, i) => n + (/\d/.test(c) ? Number(c) : VIN_VALUES[c]) * VIN_WEIGHTS[i], 0);
  const expected = sum % 11 === 10 ? "X" : String(sum % 11);
  if (v[8] !== expected) return "does not pass its check digit (character 9); check it for a typing mistake";
  return null;
}

function vehicleLabel(v: VehicleForm, i: number): string {
  const words = [v.year, v.make, v.model].map((w) => w.trim()).filter(Boolean);
  return words.length ? words.join(" ") : `Vehicle ${i + 1}`;
}

export { vehicleLabel };

/**
 * The engine's input for this form, or the problems that stop it being one.
 * What the form itself can tell is checked here, in the agent's words, so it
 * is refused at its own step: a date's shape and sense (a birth in the
 * future, a license before the 14th birthday), an email, a VIN's check
 * digit, an amount; what needs the engine or a look-up is theirs to say.
 * `now` is today (YYYY-MM-DD), for what cannot be in the future.
 */
export function toQuoteInput(
  form: WizardForm,
  options: QuoteOptions | null,
  now: string = today(),
): { input: QuoteInput | null; problems: Problems } {
  const problems: Problems = {};
  const need = (key: string, value: string, what = "is required") => {
    if (!value.trim()) problems[key] = what;
  };
  /** A required date; whether it is one. */
  const date = (key: string, value: string): boolean => {
    if (!value.trim()) problems[key] = "is required";
    else if (!DATE.test(value.trim())) problems[key] = "must be a date written as YYYY-MM-DD";
    else if (!isDate(value)) problems[key] = "is not a date on the calendar";
    else return true;
    return false;
  };
  const number = (key: string, value: string, min?: number, max?: number, range?: string) => {
    const n = int(value);
    if (!value.trim()) problems[key] = "is required";
    else if (/^\s*-/.test(value)) problems[key] = "cannot be negative";
    else if (n === null) problems[key] = "must be a whole number, such as 2,400";
    else if ((min !== undefined && n < min) || (max !== undefined && n > max)) problems[key] = `must be ${range}`;
  };
  /** An amount in dollars; "" when it is not one (or empty). */
  const money = (key: string, value: string, required: boolean): string => {
    const v = normalizeAmount(value);
    if (!v) {
      if (required) problems[key] = "is required";
    } else if (v.startsWith("-")) problems[key] = "cannot be negative";
    else if (!/^\d+(\.\d{1,2})?$/.test(v)) problems[key] = "must be an amount in dollars, such as $450,000";
    else return v;
    return "";
  };
  const effective = isDate(form.effectiveDate) ? form.effectiveDate.trim() : null;
  const effYear = effective ? Number(effective.slice(0, 4)) : Number(now.slice(0, 4));
  /** A date that cannot be after today or the effective date. */
  const past = (key: string, value: string) => {
    const v = value.trim();
    if (v > now) problems[key] = "is in the future";
    else if (effective && v > effective) problems[key] = "is after the effective date";
  };
  need("name", form.name);
  need("street", form.street);
  need("city", form.city);
  if (!form.state.trim()) problems.state = "is required";
  else if (!/^[A-Za-z]{2}$/.test(form.state.trim())) problems.state = "must be a two-letter state code, such as CA";
  if (!/^\d{5}$/.test(form.zip.trim())) problems.zip = "must be a five-digit ZIP code";
  date("effectiveDate", form.effectiveDate);
  number("termMonths", form.termMonths);
  if (form.dateOfBirth.trim() && date("dateOfBirth", form.dateOfBirth)) {
    const dob = form.dateOfBirth.trim();
    if (dob > now) problems.dateOfBirth = "is in the future";
    else if (effective && dob >= effective) problems.dateOfBirth = "must be before the effective date";
    else if (fullYears(dob, now) > 120) problems.dateOfBirth = "is more than 120 years ago";
  }
  const email = form.email.trim();
  if (email && !isEmail(email)) problems.email = "is not a complete email address: it needs a name, an @ and a domain with a dot";
  const phone = form.phone.trim();
  if (phone) {
    const digits = phone.replace(/\D/g, "").length;
    if (!/^[\d\s+\-().]+$/.test(phone) || digits < 10 || digits > 15 || phone.length > 20)
      problems.phone = "must be a phone number of 10 digits, such as (415) 555-0134";
  }

  const auto = form.product === "personal-auto";
  const drivers: Driver[] = [];
  const licenses: QuoteInput["licenses"] = [];
  if (auto) {
    form.drivers.forEach((d, i) => {
      const at = (f: string) => `drivers.${i}.${f}`;
      need(at("name"), d.name);
      const born = date(at("dateOfBirth"), d.dateOfBirth) ? d.dateOfBirth.trim() : null;
      if (born && born > now) problems[at("dateOfBirth")] = "is in the future";
      else if (born && fullYears(born, effective ?? now) < LICENSING_AGE)
        problems[at("dateOfBirth")] = `makes the driver younger than ${LICENSING_AGE}, too young to be licensed`;
      else if (born && fullYears(born, now) > 120) problems[at("dateOfBirth")] = "is more than 120 years ago";
      if (date(at("licenseDate"), d.licenseDate)) {
        const licensed = d.licenseDate.trim();
        past(at("licenseDate"), licensed);
        if (!problems[at("licenseDate")] && born && fullYears(born, licensed) < LICENSING_AGE)
          problems[at("licenseDate")] = `is before the driver's ${LICENSING_AGE}th birthday`;
      }
      const incident = (key: string, value: string) => {
        if (!date(key, value)) return;
        past(key, value);
        if (!problems[key] && born && value.trim() < born) problems[key] = "is before the driver was born";
      };
      d.violations.forEach((v, j) => incident(at(`violations.${j}.date`), v.date));
      d.accidents.forEach((a, j) => incident(at(`accidents.${j}.date`), a.date));
      if (d.defensiveDriving && d.courseDate.trim() && date(at("courseDate"), d.courseDate)) past(at("courseDate"), d.courseDate);
      const licenseNumber = d.licenseNumber.trim();
      if (licenseNumber && !/^[A-Za-z0-9]{4,20}$/.test(licenseNumber)) problems[at("licenseNumber")] = "must be 4 to 20 letters and digits";
      if (d.licenseState.trim() && !/^[A-Za-z]{2}$/.test(d.licenseState.trim()))
        problems[at("licenseState")] = "must be a two-letter state code, such as CA";
      drivers.push({
        name: d.name.trim(),
        date_of_birth: d.dateOfBirth.trim(),
        license_date: d.licenseDate.trim(),
        violations: d.violations.map((v) => ({ date: v.date.trim(), kind: v.kind })),
        accidents: d.accidents.map((a) => ({ date: a.date.trim(), at_fault: a.atFault, bodily_injury: a.bodilyInjury })),
        good_student: d.goodStudent,
        defensive_driving: d.defensiveDriving,
        ...(d.defensiveDriving && d.courseDate.trim() ? { course_date: d.courseDate.trim() } : {}),
        excluded: d.excluded,
      });
      const number = d.licenseNumber.trim();
      licenses.push(number ? { number: number.toUpperCase(), state: (d.licenseState.trim() || form.state.trim()).toUpperCase() } : null);
    });
    while (licenses.length && licenses[licenses.length - 1] === null) licenses.pop();
  }
  const vehicles: Vehicle[] = [];
  if (auto) {
    form.vehicles.forEach((v, i) => {
      const at = (f: string) => `vehicles.${i}.${f}`;
      if (v.vin.trim()) {
        const wrong = vinProblem(v.vin);
        if (wrong) problems[at("vin")] = wrong;
      }
      number(at("year"), v.year, 1981, effYear + 1, `a model year from 1981 to ${effYear + 1}`);
      number(at("annualMiles"), v.annualMiles, 0, 150_000, "at most 150,000 miles a year");
      // Empty means the customer's ZIP, which step 1 checks.
      if (v.garagingZip.trim() && !/^\d{5}$/.test(v.garagingZip.trim())) problems[at("garagingZip")] = "must be a five-digit ZIP code";
      const costNew = money(at("costNew"), v.costNew ?? "", false);
      vehicles.push({
        ...(costNew ? { cost_new: costNew } : {}),
        vin: v.vin.trim() ? v.vin.trim().toUpperCase() : null,
        year: int(v.year) ?? 0,
        make: v.make.trim() || null,
        model: v.model.trim() || null,
        use: v.use,
        annual_miles: int(v.annualMiles) ?? 0,
        garaging_zip: v.garagingZip.trim() || form.zip.trim(),
        anti_theft: v.antiTheft,
        principal_driver: int(v.principalDriver) ?? 0,
      });
    });
  }
  let dwelling: QuoteInput["quote"]["dwelling"] = null;
  if (!auto) {
    const d = form.dwelling;
    number("dwelling.yearBuilt", d.yearBuilt, 1700, effYear + 1, `a year from 1700 to ${effYear + 1}`);
    number("dwelling.protectionClass", d.protectionClass, 1, 10, "a protection class from 1 to 10");
    const built = int(d.yearBuilt);
    const oldest = built !== null && built <= effYear + 1 ? Math.max(effYear - built, 0) + 1 : undefined;
    number("dwelling.roofAge", d.roofAge, 0, oldest, `at most ${oldest} years: the roof cannot be older than the home`);
    number("dwelling.squareFeet", d.squareFeet, 200, 30_000, "a living area from 200 to 30,000 square feet");
    const coverageA = money("dwelling.coverageA", d.coverageA, true);
    if (coverageA && Number(coverageA) <= 0) problems["dwelling.coverageA"] = "must be more than zero";
    dwelling = {
      year_built: int(d.yearBuilt) ?? 0,
      construction: d.construction,
      protection_class: int(d.protectionClass) ?? 0,
      roof_age: int(d.roofAge) ?? 0,
      roof_type: d.roofType,
      square_feet: int(d.squareFeet) ?? 0,
      coverage_a: coverageA,
    };
    if (d.elsewhere) {
      need("dwelling.street", d.street);
      need("dwelling.city", d.city);
      if (!/^\d{5}$/.test(d.zip.trim())) problems["dwelling.zip"] = "must be a five-digit ZIP code";
      dwelling.address = { street: d.street.trim(), city: d.city.trim(), state: form.state.trim().toUpperCase(), zip: d.zip.trim() };
    }
    if (d.windInspected) {
      dwelling.wind_mitigation = {
        roof_shape: d.roofShape,
        roof_deck: d.roofDeck,
        roof_to_wall: d.roofToWall,
        opening_protection: d.openingProtection,
        secondary_water_resistance: d.secondaryWaterResistance,
      };
    }
    if (d.wildfireCommunity || d.wildfireMeasures.length > 0) {
      dwelling.wildfire_mitigation = { community: d.wildfireCommunity || null, measures: d.wildfireMeasures };
    }
  }
  form.claims.forEach((c, i) => {
    if (date(`claims.${i}.date`, c.date)) past(`claims.${i}.date`, c.date);
    need(`claims.${i}.cause`, c.cause);
  });
  if (!options) problems.coverages = "are not available until the customer's state and the effective date are entered";
  const coverages: CoverageChoice[] = [];
  for (const c of options?.coverages ?? []) {
    const chosen = form.coverages[c.code];
    if (!(c.required || chosen?.selected)) continue;
    coverages.push({
      code: c.code,
      limit: c.limits.length ? chosen?.limit || c.limits[0] : null,
      deductible: c.deductibles.length ? chosen?.deductible || c.deductibles[0] : null,
      vehicles: null,
    });
  }
  // Only the decisions this quote asks for go in: a rejection recorded
  // before the agent took the coverage after all is left out, not sent.
  const elections: Election[] = [];
  for (const e of options?.elections ?? []) {
    const key = electionKey(e);
    const signed = form.elections[key];
    if (!signed?.signed || !options || !electionNeeded(e, form, options)) continue;
    need(`elections.${key}.form`, signed.form);
    need(`elections.${key}.signedBy`, signed.signedBy);
    if (date(`elections.${key}.signedOn`, signed.signedOn)) past(`elections.${key}.signedOn`, signed.signedOn);
    const decision: ElectionDecision =
      e.kind === "lower-limits-in-writing" ? "lower-limits" : e.kind === "offer" ? signed.decision : "rejected";
    elections.push({
      coverage: e.coverage,
      decision,
      form: signed.form.trim(),
      signed_on: signed.signedOn.trim(),
      signed_by: signed.signedBy.trim(),
    });
  }
  let prior: QuoteInput["quote"]["prior_insurance"] = undefined;
  if (auto && form.priorInsured) {
    need("priorCarrier", form.priorCarrier);
    number("priorMonths", form.priorMonths, 0, 600, "at most 600 months (50 years)");
    number("priorLapseDays", form.priorLapseDays);
    prior = { carrier: form.priorCarrier.trim(), months: int(form.priorMonths) ?? 0, lapse_days: int(form.priorLapseDays) ?? 0 };
  }
  if (Object.keys(problems).length > 0) return { input: null, problems };
  const state = form.state.trim().toUpperCase();
  return {
    problems,
    input: {
      quote: {
        product: form.product,
        state,
        effective_date: form.effectiveDate.trim(),
        term_months: int(form.termMonths) ?? 0,
        renewal: false,
        applicant: {
          name: form.name.trim(),
          address: { street: form.street.trim(), city: form.city.trim(), state: state, zip: form.zip.trim() },
        },
        drivers,
        vehicles,
        dwelling,
        coverages,
        prior_claims: form.claims.map((c) => ({ date: c.date.trim(), cause: c.cause.trim() })),
        credit_tier: null,
        installment_plan: form.installmentPlan,
        ...(elections.length > 0 ? { elections } : {}),
        ...(prior ? { prior_insurance: prior } : {}),
        ...(form.paymentMethod ? { payment_method: form.paymentMethod } : {}),
      },
      contact: {
        date_of_birth: form.dateOfBirth.trim() || null,
        email: form.email.trim() || null,
        phone: form.phone.trim() || null,
      },
      licenses,
    },
  };
}

/** The form a saved quote's input fills, to edit it as the next version. */
export function fromQuoteInput(input: QuoteInput): WizardForm {
  const q = input.quote;
  const form = emptyForm(q.product);
  const coverages: Record<string, CoverageForm> = {};
  for (const c of q.coverages) coverages[c.code] = { selected: true, limit: c.limit ?? "", deductible: c.deductible ?? "" };
  return {
    ...form,
    effectiveDate: q.effective_date,
    termMonths: String(q.term_months),
    name: q.applicant.name,
    street: q.applicant.address.street,
    city: q.applicant.address.city,
    state: q.state,
    zip: q.applicant.address.zip,
    dateOfBirth: input.contact.date_of_birth ?? "",
    email: input.contact.email ?? "",
    phone: input.contact.phone ?? "",
    vehicles: q.vehicles.map((v) => ({
      vin: v.vin ?? "",
      year: String(v.year),
      make: v.make ?? "",
      model: v.model ?? "",
      use: v.use,
      annualMiles: String(v.annual_miles),
      garagingZip: v.garaging_zip,
      antiTheft: v.anti_theft,
      principalDriver: String(v.principal_driver),
      costNew: v.cost_new ?? "",
    })),
    dwelling: q.dwelling
      ? {
          yearBuilt: String(q.dwelling.year_built),
          construction: q.dwelling.construction,
          protectionClass: String(q.dwelling.protection_class),
          roofAge: String(q.dwelling.roof_age),
          roofType: q.dwelling.roof_type,
          squareFeet: String(q.dwelling.square_feet),
          coverageA: q.dwelling.coverage_a,
          elsewhere: q.dwelling.address != null,
          street: q.dwelling.address?.street ?? "",
          city: q.dwelling.address?.city ?? "",
          zip: q.dwelling.address?.zip ?? "",
          ...NO_MITIGATION,
          ...(q.dwelling.wind_mitigation
            ? {
                windInspected: true,
                roofShape: q.dwelling.wind_mitigation.roof_shape,
                roofDeck: q.dwelling.wind_mitigation.roof_deck,
                roofToWall: q.dwelling.wind_mitigation.roof_to_wall,
                openingProtection: q.dwelling.wind_mitigation.opening_protection,
                secondaryWaterResistance: q.dwelling.wind_mitigation.secondary_water_resistance,
              }
            : {}),
          wildfireCommunity: q.dwelling.wildfire_mitigation?.community ?? "",
          wildfireMeasures: q.dwelling.wildfire_mitigation?.measures ?? [],
        }
      : form.dwelling,
    coverages,
    drivers: q.drivers.map((d, i) => ({
      name: d.name,
      dateOfBirth: d.date_of_birth,
      licenseDate: d.license_date,
      licenseNumber: input.licenses[i]?.number ?? "",
      licenseState: input.licenses[i]?.state ?? "",
      goodStudent: d.good_student,
      defensiveDriving: d.defensive_driving,
      courseDate: d.course_date ?? "",
      excluded: d.excluded ?? false,
      violations: d.violations.map((v) => ({ date: v.date, kind: v.kind })),
      accidents: d.accidents.map((a) => ({ date: a.date, atFault: a.at_fault, bodilyInjury: a.bodily_injury })),
    })),
    claims: q.prior_claims.map((c) => ({ date: c.date, cause: c.cause })),
    installmentPlan: q.installment_plan,
    paymentMethod: q.payment_method ?? "",
    priorInsured: q.prior_insurance != null,
    priorCarrier: q.prior_insurance?.carrier ?? "",
    priorMonths: q.prior_insurance ? String(q.prior_insurance.months) : "",
    priorLapseDays: q.prior_insurance ? String(q.prior_insurance.lapse_days) : "0",
    elections: Object.fromEntries(
      (q.elections ?? [])
        .map((e) => {
          const kind = e.decision === "lower-limits" ? "lower-limits-in-writing" : e.decision === "accepted" ? "offer" : null;
          // A rejection answers either a coverage included unless rejected or
          // an offer; both keys hold it, and only the rule the pack has reads it.
          const form: ElectionForm = { signed: true, decision: e.decision, form: e.form, signedOn: e.signed_on, signedBy: e.signed_by };
          return kind
            ? [[`${e.coverage}:${kind}`, form]]
            : [
                [`${e.coverage}:reject-in-writing`, form],
                [`${e.coverage}:offer`, form],
              ];
        })
        .flat(),
    ),
  };
}

function camel(segment: string): string {
  return segment.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The form field an engine path names (`quote.drivers[0].license_date` is
 * `drivers.0.licenseDate`), so its message can stand next to the field.
 */
export function fieldKey(path: string, input: QuoteInput | null): string {
  const p = path.replace(/\[(\d+)\]/g, ".$1");
  const direct: Record<string, string> = {
    "quote.applicant.name": "name",
    "quote.applicant.address.street": "street",
    "quote.applicant.address.city": "city",
    "quote.applicant.address.state": "state",
    "quote.applicant.address.zip": "zip",
    "quote.dwelling.address.street": "dwelling.street",
    "quote.dwelling.address.city": "dwelling.city",
    "quote.dwelling.address.state": "dwelling.zip",
    "quote.dwelling.address.zip": "dwelling.zip",
    "quote.state": "state",
    "quote.effective_date": "effectiveDate",
    "quote.term_months": "termMonths",
    "quote.installment_plan": "installmentPlan",
    "quote.payment_method": "paymentMethod",
    "quote.prior_insurance.carrier": "priorCarrier",
    "quote.prior_insurance.months": "priorMonths",
    "quote.prior_insurance.lapse_days": "priorLapseDays",
    "quote.prior_insurance": "priorCarrier",
    "contact.date_of_birth": "dateOfBirth",
    "contact.email": "email",
    "contact.phone": "phone",
  };
  if (direct[p]) return direct[p];
  const licence = /^licenses\.(\d+)\.(number|state)$/.exec(p);
  if (licence) return `drivers.${licence[1]}.license${licence[2] === "number" ? "Number" : "State"}`;
  // A signed form's problem stands with the signed forms of the coverages step.
  if (/^quote\.elections\b/.test(p)) return "elections";
  const coverage = /^quote\.coverages\.(\d+)(?:\.(\w+))?/.exec(p);
  if (coverage) {
    const code = input?.quote.coverages[Number(coverage[1])]?.code;
    if (code) return `coverages.${code}${coverage[2] === "deductible" ? ".deductible" : ".limit"}`;
    return "coverages";
  }
  return p
    .replace(/^quote\./, "")
    .replace(/^prior_claims\./, "claims.")
    .split(".")
    .map(camel)
    .join(".");
}

/** The wizard step (0-based) a field key belongs to. */
export function stepOf(key: string): number {
  if (/^(vehicles|dwelling)\b/.test(key)) return 1;
  if (/^(coverages|installmentPlan|termMonths|elections|paymentMethod)\b/.test(key)) return 2;
  if (/^(prior)/.test(key)) return 3;
  if (/^(drivers|claims)\b/.test(key)) return 3;
  return 0;
}
