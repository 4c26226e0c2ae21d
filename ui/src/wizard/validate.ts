// The wizard's step gate: every problem the form has (its own checks, the
// look-ups' answers and the engine's field errors), which step owns each, and
// where a move through the steps may go. Pure, so a property test can drive
// it: Review is reachable exactly when no field has a problem.
import { fieldLabel, FieldNames, stateName } from "../shared/language";
import type { QuoteOptions } from "../bindings";
import { Problems, stepOf, toQuoteInput, vehicleLabel, WizardForm } from "./form";

/** The Review step's index. */
export const REVIEW = 4;

/** What `lookup_zip` said about a ZIP: its state, or why it has none. */
export type ZipCheck = { state: string } | { error: string };

/** What the wizard knows beyond the form: today, the look-ups' answers and the engine's. */
export interface Checks {
  /** Today, YYYY-MM-DD, in the agent's time zone. */
  today: string;
  /** By ZIP: what `lookup_zip` answered. */
  zips: Record<string, ZipCheck>;
  /** By VIN (upper case): why `decode_vin` refused it, or null when it decoded. */
  vins: Record<string, string | null>;
  /** The engine's field errors for the form's latest pricing, by field key. */
  engine: Problems;
}

export const NO_CHECKS: Omit<Checks, "today"> = { zips: {}, vins: {}, engine: {} };

/** The ZIPs a form holds, by the field that holds them. */
export function zipFields(form: WizardForm): [string, string][] {
  const zips: [string, string][] = [["zip", form.zip.trim()]];
  if (form.product === "personal-auto") form.vehicles.forEach((v, i) => zips.push([`vehicles.${i}.garagingZip`, v.garagingZip.trim()]));
  else if (form.dwelling.elsewhere) zips.push(["dwelling.zip", form.dwelling.zip.trim()]);
  return zips.filter(([, zip]) => /^\d{5}$/.test(zip));
}

/**
 * Every problem the form has, by field key: the form's own checks first, then
 * what the look-ups said (a ZIP outside the quote's state, a VIN that does not
 * decode), then the engine's field errors for what neither caught.
 */
export function formProblems(form: WizardForm, options: QuoteOptions | null, checks: Checks): Problems {
  const problems: Problems = { ...toQuoteInput(form, options, checks.today).problems };
  const state = form.state.trim().toUpperCase();
  for (const [key, zip] of zipFields(form)) {
    const found = checks.zips[zip];
    if (!found || problems[key]) continue;
    if ("error" in found) problems[key] = found.error;
    else if (/^[A-Z]{2}$/.test(state) && found.state !== state)
      problems[key] = `is in ${stateName(found.state)}, not in ${stateName(state)} where the quote is`;
  }
  if (form.product === "personal-auto") {
    form.vehicles.forEach((v, i) => {
      const refused = checks.vins[v.vin.trim().toUpperCase()];
      if (refused && !problems[`vehicles.${i}.vin`]) problems[`vehicles.${i}.vin`] = refused;
    });
  }
  for (const [key, message] of Object.entries(checks.engine)) problems[key] ??= message;
  return problems;
}

/** The fields of step `step` that have a problem. */
export function problemsOn(problems: Problems, step: number): string[] {
  return Object.keys(problems).filter((k) => stepOf(k) === step);
}

/** Where the agent is, and the steps they have been on and left (or tried to leave): only those are flagged. */
export interface Nav {
  step: number;
  visited: readonly number[];
}

/** A wizard opened at `step` (a resumed draft): the steps before it were visited. */
export function startNav(step: number): Nav {
  return { step, visited: Array.from({ length: step }, (_, i) => i) };
}

function visit(visited: readonly number[], ...steps: number[]): number[] {
  return [...new Set([...visited, ...steps])].sort((a, b) => a - b);
}

/**
 * A move to `target`: "next" leaves the current step only when it has no
 * problem; "jump" (the step list, Back) goes anywhere before Review. Review is
 * reached only when no step has a problem; otherwise the move stops at the
 * first step that has one. `stopped` is where a refused move stopped, the
 * step whose first problem takes the focus.
 */
export function navigate(nav: Nav, target: number, problems: Problems, how: "next" | "jump"): { nav: Nav; stopped: number | null } {
  const here = nav.step;
  if (how === "next" && problemsOn(problems, here).length > 0) {
    return { nav: { step: here, visited: visit(nav.visited, here) }, stopped: here };
  }
  if (target >= REVIEW) {
    const first = [0, 1, 2, 3].find((s) => problemsOn(problems, s).length > 0);
    if (first !== undefined) return { nav: { step: first, visited: visit(nav.visited, here, first) }, stopped: first };
    return { nav: { step: REVIEW, visited: visit(nav.visited, here) }, stopped: null };
  }
  return { nav: { step: Math.max(0, target), visited: target === here ? nav.visited : visit(nav.visited, here) }, stopped: null };
}

/** Whether the step list marks step `step`: it has a problem and the agent has been there. */
export function flagged(nav: Nav, problems: Problems, step: number): boolean {
  return step < REVIEW && nav.visited.includes(step) && problemsOn(problems, step).length > 0;
}

/** The form's drivers and vehicles by the names the agent gave them, for `fieldLabel`. */
export function namesOf(form: WizardForm): FieldNames {
  return { drivers: form.drivers.map((d) => d.name), vehicles: form.vehicles.map(vehicleLabel) };
}

/**
 * A problem as a sentence with its field's name: "Driver 1 · Date of birth is
 * in the future"; a message that is not a predicate follows a colon.
 */
export function problemSentence(key: string, message: string, names: FieldNames = {}): string {
  const label = key === "name" ? "Customer name" : fieldLabel(key, names);
  const text = message.replace(/`/g, "");
  return /^(is|are|must|cannot|can't|does|has|makes)\b/.test(text) ? `${label} ${text}` : `${label}: ${text}`;
}

/** The problem that keeps the premium from being worked out, first by step; null when none is known. */
export function firstProblem(problems: Problems): string | null {
  const keys = Object.keys(problems);
  for (let s = 0; s < REVIEW; s++) {
    const k = keys.find((key) => stepOf(key) === s);
    if (k) return k;
  }
  return keys[0] ?? null;
}

/**
 * Driver 1 follows the named insured while the agent has not typed a driver
 * of their own: when the customer's name or date of birth changes, driver 1's
 * takes it if it was empty or still the customer's.
 */
export function prefillDriver(before: WizardForm, after: WizardForm): WizardForm {
  const d = after.drivers[0];
  if (after.product !== "personal-auto" || !d || before.drivers[0] !== d) return after;
  const follows = (driver: string, was: string) => driver.trim() === "" || driver.trim() === was.trim();
  const name = after.name !== before.name && follows(d.name, before.name) ? after.name.trim() : d.name;
  const dateOfBirth =
    after.dateOfBirth !== before.dateOfBirth && follows(d.dateOfBirth, before.dateOfBirth) ? after.dateOfBirth.trim() : d.dateOfBirth;
  if (name === d.name && dateOfBirth === d.dateOfBirth) return after;
  return { ...after, drivers: [{ ...d, name, dateOfBirth }, ...after.drivers.slice(1)] };
}

/** Driver 1 filled from the named insured when the agent has typed nothing for any driver yet. */
export function withInsuredAsDriver(form: WizardForm): WizardForm {
  const d = form.drivers[0];
  if (form.product !== "personal-auto" || !d || d.name.trim() || d.dateOfBirth.trim()) return form;
  if (!form.name.trim() && !form.dateOfBirth.trim()) return form;
  return { ...form, drivers: [{ ...d, name: form.name.trim(), dateOfBirth: form.dateOfBirth.trim() }, ...form.drivers.slice(1)] };
}
