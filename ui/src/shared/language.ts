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
  dates: "Dates",
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

/**
 * A coverage by its rate-pack code (`BI` is "Bodily injury"); a code the app
 * does not know reads as words (`ROADSIDE_PLUS` is "Roadside plus").
 */
export function coverageName(code: string): string {
  const known = COVERAGE_NAMES[code.trim()];
  if (known) return known;
  return /[_\-.]/.test(code) ? words(code) : code;
}

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

/** The coverages rate tables are named after, by their short names. */
const TABLE_WORDS: Record<string, string> = {
  bi: "bodily injury",
  pd: "property damage",
  um: "uninsured motorist",
  uim: "underinsured motorist",
  med: "medical payments",
  pip: "personal injury protection",
  coll: "collision",
  comp: "comprehensive",
};

/** A rate table or column by its pack name, in words: `bi_limit` is "Bodily injury limit", `miles_from` "Miles from". */
export function tableLabel(name: string): string {
  const spelled = name
    .replace(/\.csv$/, "")
    .split(/[_\-.]+/)
    .map((part) => TABLE_WORDS[part.toLowerCase()] ?? part)
    .join(" ");
  return words(spelled).replace(/\bzip\b/gi, "ZIP");
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

/**
 * Every rating variable the engine knows (crates/rating/src/variable.rs), by
 * the name packs use, in the user's words.
 */
export const VARIABLE_NAMES: Record<string, string> = {
  "policy.term_months": "Term (months)",
  "policy.credit_tier": "Credit tier",
  "policy.prior_claims_5y": "Claims (5 years)",
  "policy.chargeable_claims_3y": "Chargeable claims (3 years)",
  "policy.renewal": "Renewal",
  "policy.vehicle_count": "Vehicles on the policy",
  "policy.paid_in_full": "Paid in full",
  "policy.eft": "Automatic payments",
  "policy.prior_insurance_months": "Months of prior insurance",
  "policy.lapse_days": "Days without cover",
  "policy.tenure_years": "Years with the insurer",
  "driver.age": "Driver's age",
  "driver.years_licensed": "Years licensed",
  "driver.violation_points_3y": "Violation points (3 years)",
  "driver.at_fault_accidents_3y": "At-fault accidents (3 years)",
  "driver.at_fault_injury_accidents_3y": "At-fault accidents with injury (3 years)",
  "driver.dui_3y": "DUI convictions (3 years)",
  "driver.dui_10y": "DUI convictions (10 years)",
  "driver.good_student": "Good student",
  "driver.defensive_driving": "Defensive driving course",
  "driver.course_years": "Years since the driving course",
  "driver.ca_good_driver": "California Good Driver",
  "vehicle.garaging_zip": "Garaging ZIP code",
  "vehicle.model_year": "Model year",
  "vehicle.age": "Vehicle age",
  "vehicle.use": "Vehicle use",
  "vehicle.annual_miles": "Annual miles",
  "vehicle.anti_theft": "Anti-theft device",
  "vehicle.price_symbol": "Price symbol",
  "dwelling.zip": "Home ZIP code",
  "dwelling.coverage_a": "Dwelling limit (Coverage A)",
  "dwelling.age": "Age of the home",
  "dwelling.construction": "Construction",
  "dwelling.protection_class": "Protection class",
  "dwelling.roof_age": "Roof age",
  "dwelling.roof_type": "Roof type",
  "dwelling.square_feet": "Living area (square feet)",
  "dwelling.roof_shape": "Roof shape",
  "dwelling.roof_deck": "Roof deck attachment",
  "dwelling.roof_to_wall": "Roof-to-wall connection",
  "dwelling.opening_protection": "Opening protection",
  "dwelling.secondary_water_resistance": "Secondary water resistance",
  "dwelling.wildfire_community": "Wildfire community",
  "dwelling.wildfire_measures": "Wildfire measures in place",
  "coverage.limit": "Limit",
  "coverage.deductible": "Deductible",
};

/**
 * A rating variable in words: `driver.violation_points_3y` is "Violation
 * points (3 years)". One the app does not know yet reads as words too
 * (`driver.new_thing_5y` is "New thing (5 years)"), never as its name.
 */
export function variableLabel(name: string): string {
  const known = VARIABLE_NAMES[name.trim()];
  if (known) return known;
  const rest = name.trim().replace(/^(policy|driver|vehicle|dwelling|coverage)\./, "");
  const years = /_(\d+)y$/.exec(rest);
  const base = years ? rest.slice(0, years.index) : rest;
  const text = words(base);
  return years ? `${text} (${years[1]} ${years[1] === "1" ? "year" : "years"})` : text;
}

/**
 * How a variable's number reads: `count` grouped in thousands (`52,000`),
 * `plain` as written (a ZIP code, a model year, a class), `money` in dollars,
 * `limit` and `deductible` as the rate packs mean them, `years` with the
 * unit (`16 years`). A value that is not a number reads as words whatever the kind.
 */
type ValueKind = "count" | "plain" | "money" | "limit" | "deductible" | "years";

/** The variables whose value is not a count or a word, by the name packs use. */
const VALUE_KINDS: Record<string, ValueKind> = {
  "policy.term_months": "plain",
  "vehicle.garaging_zip": "plain",
  "vehicle.model_year": "plain",
  "vehicle.price_symbol": "plain",
  "vehicle.age": "years",
  "dwelling.zip": "plain",
  "dwelling.protection_class": "plain",
  "dwelling.coverage_a": "money",
  "dwelling.age": "years",
  "dwelling.roof_age": "years",
  "coverage.limit": "limit",
  "coverage.deductible": "deductible",
};

/** Values the packs name that words() would not spell well. */
const VALUE_WORDS: Record<string, string> = {
  "firewise-usa": "Firewise USA",
  "no-hit": "No credit history",
  commute: "Commuting",
};

/** A variable the app does not know: its kind guessed from its name, so a year or a ZIP code is never grouped. */
function guessedKind(name: string): ValueKind {
  const parts = snake(name).split(/[_.-]+/);
  if (parts.some((p) => ["zip", "postal", "code", "symbol", "class", "tier", "year", "id", "number"].includes(p))) return "plain";
  if (parts.some((p) => ["amount", "premium", "cost", "price", "dollars"].includes(p)) || /coverage_[a-f]$/.test(name)) return "money";
  return "count";
}

/** A decimal string's whole part grouped in thousands: `52000` reads `52,000`; anything else is null. */
function groupedNumber(value: string): string | null {
  const m = /^(-?)(\d+)(\.\d+)?$/.exec(value);
  if (!m) return null;
  return `${m[1]}${grouped(m[2].replace(/^0+(?=\d)/, ""))}${m[3] ?? ""}`;
}

/** Dollars, with cents only where the amount has them: `250000` reads `$250,000`, `1250.5` reads `$1,250.50`. */
function dollarsAndCents(value: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value);
  if (!m) return value;
  if (!m[3] || /^0+$/.test(m[3])) return `${m[1]}${dollars(m[2])}`;
  return formatMoney(value);
}

/** Text in words: `masonry-veneer` is "Masonry veneer", `roofToWall` "Roof to wall", `frame` "Frame". */
function valueWords(value: string): string {
  const known = VALUE_WORDS[value];
  if (known) return known;
  return /[_\-.]|[a-z][A-Z]/.test(value) ? words(value) : sentenceCase(value);
}

/**
 * A variable's value as the user reads it: `true` is "Yes", `false` "No".
 * Given the variable, by its kind: `vehicle.annual_miles` 52000 is "52,000",
 * `vehicle.model_year` 2020 stays "2020", `dwelling.coverage_a` 350000 is
 * "$350,000", `vehicle.age` 16 is "16 years", `vehicle.use` business is
 * "Business". Without it, a snake_case or camelCase name reads as words and
 * anything else as written. Never shows underscores or dots of a name.
 */
export function variableValue(value: string, variable?: string): string {
  const text = value.trim();
  if (text === "true") return "Yes";
  if (text === "false") return "No";
  if (variable === undefined) return /_|[a-z][A-Z]|^[a-z]+(\.[a-z]+)+$/.test(text) ? words(text).toLowerCase() : value;
  const name = variable.trim();
  const kind = VALUE_KINDS[name] ?? guessedKind(name.replace(/^[a-z]+\./, ""));
  const numeric = /^-?\d+(\.\d+)?$/.test(text);
  switch (kind) {
    case "limit":
      return formatLimit(text);
    case "deductible":
      return formatDeductible(text);
    case "money":
      return numeric ? dollarsAndCents(text) : valueWords(text);
    case "years":
      return numeric ? `${text} ${text === "1" ? "year" : "years"}` : valueWords(text);
    case "plain":
      return numeric ? text : valueWords(text);
    default:
      return numeric ? (groupedNumber(text) ?? text) : valueWords(text);
  }
}

/**
 * One of the risk score's top reasons, as the user reads it: the variable by
 * its name in words and its value by its kind, e.g. `vehicle.annual_miles`
 * 52000 is "Annual miles: 52,000".
 */
export function riskReasonText(reason: { variable: string; value: string }): string {
  return `${variableLabel(reason.variable)}: ${variableValue(reason.value, reason.variable)}`;
}

/**
 * What a rule or a risk score names, as the user knows it: `drivers[0]` is
 * "Driver 1" (or the driver's name), `drivers[0] with vehicles[1]` is
 * "Driver 1 on Vehicle 2", `dwelling` is "The home".
 */
export function subjectLabel(subject: string, names: FieldNames = {}): string {
  const text = subject.trim();
  if (text === "") return "";
  if (text === "dwelling") return "The home";
  if (text === "policy") return "The policy";
  return text
    .split(/\s+with\s+/)
    .map((part) => fieldLabel(part, names))
    .join(" on ");
}

/** The underwriting decision in words, by the engine's name for it. */
export const DECISION_LABEL: Record<string, string> = {
  accept: "Accepted",
  refer: "Referred to an underwriter",
  decline: "Declined",
};

/** `accept` is "Accepted"; an unknown decision reads as words. */
export function decisionLabel(decision: string): string {
  return DECISION_LABEL[decision] ?? words(decision);
}

/** What a rule does to the quote, as the reason's lead-in. */
export function actionLabel(action: string): string {
  return action === "decline" ? "Declines" : action === "refer" ? "Refers" : "Note";
}

/** Underwriting rules by their code, for where only the code arrives (the referral queue). */
export const RULE_NAMES: Record<string, string> = {
  "UW-AT-FAULT-ACCIDENTS": "More than two at-fault accidents in the last three years",
  "UW-DUI": "DUI conviction in the last three years",
  "UW-HIGH-MILEAGE": "More than 50,000 miles a year",
  "UW-HIGH-VALUE": "Coverage A over $2,000,000: high-value underwriting review",
  "UW-INEXPERIENCED-BUSINESS": "Driver licensed less than a year on a business-use vehicle",
  "UW-OLD-DWELLING-ROOF": "Dwelling over 50 years old with a roof over 15 years old",
  "UW-POINTS": "Six or more violation points in the last three years",
  "UW-PRIOR-CLAIMS": "Three or more claims in the last five years",
  "UW-PROTECTION-CLASS-10": "Unprotected dwelling (protection class 10)",
  "UW-ROOF-AGE": "Roof more than 20 years old: inspection required",
};

/** A rule by its code: its sentence, or a plain one when the app does not know the rule. */
export function ruleLabel(code: string): string {
  return RULE_NAMES[code.trim()] ?? "An underwriting rule applies (see Details)";
}

/** The first letter in capitals. */
export function sentenceCase(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A reason the engine wrote as `CODE: message` (the quick quote's): the
 * message in words and the code apart, for a Details disclosure or a
 * `data-code`. Text without a code is all message.
 */
export function splitReason(reason: string): { code: string | null; message: string } {
  const m = /^([A-Za-z0-9_.-]+):\s+([\s\S]*)$/.exec(reason.trim());
  if (!m || !/[A-Z_.-]/.test(m[1])) return { code: null, message: sentenceCase(reason.trim()) };
  return { code: m[1], message: sentenceCase(m[2]) };
}

/** Worksheet operations in words, by the engine's name (`at-least`). */
export const OPERATION_LABEL: Record<string, string> = {
  base: "Base rate",
  factor: "Factor from a table",
  multiply: "Multiplied by",
  add: "Added",
  "at-least": "Raised to at least",
  "at-most": "Lowered to at most",
  discount: "Discount",
  surcharge: "Surcharge",
  "risk-factor": "Risk score factor",
  round: "Rounded",
  minimum: "Minimum premium",
};

export function operationLabel(operation: string): string {
  return OPERATION_LABEL[operation] ?? words(operation);
}

/**
 * What keyed a worksheet line, in words: `vehicle.garaging_zip=94110` is
 * "Garaging ZIP code 94110", two keys join with "and". A discount's code
 * (no `=`) says nothing the step's name does not, so it reads as nothing.
 */
export function worksheetKey(key: string | null): string {
  if (!key || !key.includes("=")) return "";
  return key
    .split(/,\s*(?=[a-z_]+\.[a-z_0-9]+=)/)
    .map((part) => {
      const at = part.indexOf("=");
      const variable = part.slice(0, at);
      return `${variableLabel(variable)} ${variableValue(part.slice(at + 1), variable)}`;
    })
    .join(" and ");
}

const STATE_NAMES: Record<string, string> = {
  AL: "Alabama",
  AK: "Alaska",
  AZ: "Arizona",
  AR: "Arkansas",
  CA: "California",
  CO: "Colorado",
  CT: "Connecticut",
  DE: "Delaware",
  DC: "District of Columbia",
  FL: "Florida",
  GA: "Georgia",
  HI: "Hawaii",
  ID: "Idaho",
  IL: "Illinois",
  IN: "Indiana",
  IA: "Iowa",
  KS: "Kansas",
  KY: "Kentucky",
  LA: "Louisiana",
  ME: "Maine",
  MD: "Maryland",
  MA: "Massachusetts",
  MI: "Michigan",
  MN: "Minnesota",
  MS: "Mississippi",
  MO: "Missouri",
  MT: "Montana",
  NE: "Nebraska",
  NV: "Nevada",
  NH: "New Hampshire",
  NJ: "New Jersey",
  NM: "New Mexico",
  NY: "New York",
  NC: "North Carolina",
  ND: "North Dakota",
  OH: "Ohio",
  OK: "Oklahoma",
  OR: "Oregon",
  PA: "Pennsylvania",
  RI: "Rhode Island",
  SC: "South Carolina",
  SD: "South Dakota",
  TN: "Tennessee",
  TX: "Texas",
  UT: "Utah",
  VT: "Vermont",
  VA: "Virginia",
  WA: "Washington",
  WV: "West Virginia",
  WI: "Wisconsin",
  WY: "Wyoming",
};

/** A state's name by its postal code (`CA` is "California"); an unknown code stays. */
export function stateName(code: string): string {
  return STATE_NAMES[code.toUpperCase()] ?? code;
}

const PRODUCT_NAMES: Record<string, string> = {
  "personal-auto": "personal auto",
  "homeowners-ho3": "homeowners (HO-3)",
};

/**
 * A rate pack by its id, as the user reads it: `ca-personal-auto/2026.1@<digest>`
 * is "California personal auto, 2026.1". The digest is never part of it.
 * An id of another form loses its digest and reads as written.
 */
export function packLabel(packId: string): string {
  const id = packId.split("@")[0].trim();
  const m = /^([a-z]{2})-([a-z0-9-]+)\/(.+)$/.exec(id);
  if (!m || !STATE_NAMES[m[1].toUpperCase()]) return id;
  const product = PRODUCT_NAMES[m[2]] ?? words(m[2]).toLowerCase();
  return `${stateName(m[1])} ${product}, ${m[3]}`;
}

/** A status the server or the store names in snake_case (`in_force`), in words ("In force"). */
const STATUS_NAMES: Record<string, string> = {
  in_force: "In force",
  cancelled: "Cancelled",
  issued: "Issued",
  expired: "Expired",
  non_renewed: "Not renewed",
  editing: "Being edited",
  submitted: "Submitted for approval",
  approved: "Approved",
  rejected: "Rejected",
  conflict: "In conflict",
  not_applied: "Not applied",
};

export function statusLabel(status: string): string {
  return STATUS_NAMES[status] ?? words(status);
}

/** What a sync operation was, by its kind (`quote.rated`), in words. */
const SYNC_KINDS: Record<string, string> = {
  "quote.rated": "Rated quote",
  "quote.saved": "Saved quote",
  "quote.created": "New quote",
  "quote.updated": "Quote change",
  "quote.bind_requested": "Bind request",
  "quote.bind_rejected": "Refused bind",
  "quote.bound": "Bound quote",
  "quote.approved": "Approved referral",
  "quote.declined": "Declined referral",
  "policy.transaction": "Policy change",
};

export function syncKindLabel(kind: string): string {
  const known = SYNC_KINDS[kind];
  if (known) return known;
  const [group, rest] = kind.includes(".") ? kind.split(".", 2) : ["", kind];
  return group ? `${words(group)}: ${words(rest).toLowerCase()}` : words(kind);
}

/**
 * An instant in the user's local time: the time alone on the day it happened
 * ("10:42 AM"), else the date too ("Mar 2, 10:42 AM"). Text that is not an
 * instant is returned as it is.
 */
export function formatInstant(iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const time = at.toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });
  if (at.toDateString() === now.toDateString()) return time;
  const sameYear = at.getFullYear() === now.getFullYear();
  const date = at.toLocaleDateString([], { month: "short", day: "numeric", ...(sameYear ? {} : { year: "numeric" }) });
  return `${date}, ${time}`;
}
