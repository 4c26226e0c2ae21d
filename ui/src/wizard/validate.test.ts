import { describe, expect, it } from "vitest";
import fc from "fast-check";
import type { QuoteOptions } from "../bindings";
import { emptyForm, formatAmount, formatPhone, stepOf, toQuoteInput, WizardForm } from "./form";
import { hoOptions, options } from "./testdata";
import { autoForm, homeForm } from "../test/fixtures";
import {
  Checks,
  flagged,
  formProblems,
  navigate,
  Nav,
  prefillDriver,
  problemSentence,
  REVIEW,
  startNav,
  withInsuredAsDriver,
} from "./validate";

const TODAY = "2026-12-07";
const checks: Checks = {
  today: TODAY,
  zips: { "94110": { state: "CA" }, "10001": { state: "NY" }, "33629": { state: "FL" }, "00000": { error: "is not a ZIP code we know" } },
  vins: { "1HGCV1F39LA151313": null },
  engine: {},
};

/** Sets the field at a dotted path (`vehicles.0.year`). */
function setPath(form: WizardForm, path: string, value: string): WizardForm {
  const copy = structuredClone(form) as unknown as Record<string, unknown>;
  const parts = path.split(".");
  let at = copy as Record<string, unknown>;
  for (const p of parts.slice(0, -1)) at = at[p] as Record<string, unknown>;
  at[parts[parts.length - 1]] = value;
  return copy as unknown as WizardForm;
}

const problemsOf = (form: WizardForm, o: QuoteOptions = options) => formProblems(form, o, checks);

describe("the problems refused at their own step", () => {
  it("a date of birth in the future, or a driver too young to be licensed", () => {
    expect(problemsOf({ ...autoForm(), dateOfBirth: "2030-01-01" }).dateOfBirth).toBe("is in the future");
    expect(problemsOf(setPath(autoForm(), "drivers.0.dateOfBirth", "2030-01-01"))["drivers.0.dateOfBirth"]).toBe("is in the future");
    expect(problemsOf(setPath(autoForm(), "drivers.0.dateOfBirth", "2015-05-01"))["drivers.0.dateOfBirth"]).toBe(
      "makes the driver younger than 14, too young to be licensed",
    );
    expect(problemsOf(setPath(autoForm(), "drivers.0.dateOfBirth", "1985-02-30"))["drivers.0.dateOfBirth"]).toBe(
      "is not a date on the calendar",
    );
    expect(stepOf("dateOfBirth")).toBe(0);
    expect(stepOf("drivers.0.dateOfBirth")).toBe(3);
    expect(problemSentence("drivers.0.dateOfBirth", "is in the future")).toBe("Driver 1 · Date of birth is in the future");
  });

  it("a malformed email", () => {
    for (const email of ["name@example", "ana mail@x.com", "@x.com", "ana@.com", "ana@x."])
      expect(problemsOf({ ...autoForm(), email }).email, email).toMatch(/^is not a complete email address/);
    expect(problemsOf({ ...autoForm(), email: "ana.reyes@mail.co" }).email).toBeUndefined();
  });

  it("a ZIP that is not in the quote's state, or that the look-up does not know", () => {
    expect(problemsOf({ ...autoForm(), zip: "10001" }).zip).toBe("is in New York, not in California where the quote is");
    expect(problemsOf({ ...autoForm(), zip: "00000" }).zip).toBe("is not a ZIP code we know");
    expect(problemsOf(setPath(autoForm(), "vehicles.0.garagingZip", "10001"))["vehicles.0.garagingZip"]).toMatch(/^is in New York/);
    expect(problemsOf(autoForm()).zip).toBeUndefined();
  });

  it("a license date before the 14th birthday or in the future", () => {
    expect(problemsOf(setPath(autoForm(), "drivers.0.licenseDate", "1998-06-01"))["drivers.0.licenseDate"]).toBe(
      "is before the driver's 14th birthday",
    );
    expect(problemsOf(setPath(autoForm(), "drivers.0.licenseDate", "2027-06-01"))["drivers.0.licenseDate"]).toBe("is in the future");
    expect(problemsOf(setPath(autoForm(), "drivers.0.licenseDate", "1999-03-02"))["drivers.0.licenseDate"]).toBeUndefined();
  });

  it("a VIN that fails its check digit, here or at the look-up", () => {
    expect(problemsOf(setPath(autoForm(), "vehicles.0.vin", "1HGCV1F38LA151313"))["vehicles.0.vin"]).toMatch(/check digit/);
    expect(problemsOf(setPath(autoForm(), "vehicles.0.vin", "1HGCV1F3"))["vehicles.0.vin"]).toBe("must be 17 characters (this one has 8)");
    const refused = formProblems(setPath(autoForm(), "vehicles.0.vin", "1HGCV1F39LA151313"), options, {
      ...checks,
      vins: { "1HGCV1F39LA151313": "has a model-year code no model year uses" },
    });
    expect(refused["vehicles.0.vin"]).toBe("has a model-year code no model year uses");
  });

  it("negative or non-numeric money and miles", () => {
    expect(problemsOf(setPath(autoForm(), "vehicles.0.costNew", "-100"))["vehicles.0.costNew"]).toBe("cannot be negative");
    expect(problemsOf(setPath(autoForm(), "vehicles.0.costNew", "lots"))["vehicles.0.costNew"]).toBe(
      "must be an amount in dollars, such as $450,000",
    );
    expect(problemsOf(setPath(autoForm(), "vehicles.0.annualMiles", "-5"))["vehicles.0.annualMiles"]).toBe("cannot be negative");
    expect(problemsOf(setPath(autoForm(), "vehicles.0.annualMiles", "many"))["vehicles.0.annualMiles"]).toMatch(/whole number/);
    expect(problemsOf(setPath(homeForm(), "dwelling.coverageA", "-450,000"), hoOptions)["dwelling.coverageA"]).toBe("cannot be negative");
    expect(problemsOf(setPath(homeForm(), "dwelling.coverageA", "0"), hoOptions)["dwelling.coverageA"]).toBe("must be more than zero");
    expect(problemsOf(setPath(homeForm(), "dwelling.yearBuilt", "2031"), hoOptions)["dwelling.yearBuilt"]).toBe(
      "must be a year from 1700 to 2027",
    );
    expect(problemsOf(setPath(homeForm(), "dwelling.protectionClass", "11"), hoOptions)["dwelling.protectionClass"]).toBe(
      "must be a protection class from 1 to 10",
    );
  });
});

describe("what people type", () => {
  it("takes amounts and miles as typed, and sends the engine plain numbers", () => {
    const typed = setPath(setPath(autoForm(), "vehicles.0.annualMiles", "2,400"), "vehicles.0.costNew", "$32,500");
    const { input, problems } = toQuoteInput(typed, options, TODAY);
    expect(problems).toEqual({});
    expect([input?.quote.vehicles[0].annual_miles, input?.quote.vehicles[0].cost_new]).toEqual([2400, "32500"]);
    for (const [typedA, sent] of [
      ["$450,000", "450000"],
      ["450,000", "450000"],
      ["450000", "450000"],
    ]) {
      const h = toQuoteInput(setPath(setPath(homeForm(), "dwelling.coverageA", typedA), "dwelling.squareFeet", "2,400"), hoOptions, TODAY);
      expect(h.problems).toEqual({});
      expect([h.input?.quote.dwelling?.coverage_a, h.input?.quote.dwelling?.square_feet]).toEqual([sent, 2400]);
    }
    expect([formatAmount("450000"), formatAmount("$450,000"), formatAmount("32500.5"), formatAmount("lots")]).toEqual([
      "450,000",
      "450,000",
      "32,500.5",
      "lots",
    ]);
  });

  it("formats a phone number, and refuses one that is not", () => {
    expect([
      formatPhone("4155550134"),
      formatPhone("415.555.0134"),
      formatPhone("1 415 555 0134"),
      formatPhone("+44 20 7946 0958"),
    ]).toEqual(["(415) 555-0134", "(415) 555-0134", "(415) 555-0134", "+44 20 7946 0958"]);
    expect(problemsOf({ ...autoForm(), phone: "(415) 555-0134" }).phone).toBeUndefined();
    expect(problemsOf({ ...autoForm(), phone: "555-0134" }).phone).toMatch(/^must be a phone number/);
    expect(toQuoteInput({ ...autoForm(), phone: "(415) 555-0134" }, options, TODAY).input?.contact.phone).toBe("(415) 555-0134");
  });

  it("prefills driver 1 from the named insured until the agent types a driver", () => {
    const blank = emptyForm("personal-auto", new Date(2026, 1, 1));
    let form = blank;
    for (const name of ["A", "An", "Ana", "Ana Reyes"]) form = prefillDriver(form, { ...form, name });
    form = prefillDriver(form, { ...form, dateOfBirth: "1985-03-02" });
    expect([form.drivers[0].name, form.drivers[0].dateOfBirth]).toEqual(["Ana Reyes", "1985-03-02"]);
    // The agent typed a driver of their own: the customer's changes no longer follow.
    form = prefillDriver(form, { ...form, drivers: [{ ...form.drivers[0], name: "Luis Reyes" }] });
    form = prefillDriver(form, { ...form, name: "Ana Reyes-Ortiz" });
    expect(form.drivers[0].name).toBe("Luis Reyes");
    // Cleared and retyped, driver 1 ends as typed.
    form = prefillDriver(form, { ...form, drivers: [{ ...form.drivers[0], name: "" }] });
    expect(form.drivers[0].name).toBe("");
    // Opened on the drivers step with no driver typed: filled from the insured.
    expect(withInsuredAsDriver({ ...blank, name: "Ana Reyes", dateOfBirth: "1985-03-02" }).drivers[0]).toMatchObject({
      name: "Ana Reyes",
      dateOfBirth: "1985-03-02",
    });
    expect(withInsuredAsDriver(homeForm())).toEqual(homeForm());
  });
});

describe("the step gate", () => {
  it("flags a step only after it was visited, and stops Next on the step's problems", () => {
    const form = { ...autoForm(), dateOfBirth: "2030-01-01" };
    const problems = problemsOf(form);
    let nav: Nav = startNav(0);
    expect(flagged(nav, problems, 0)).toBe(false);
    const tried = navigate(nav, 1, problems, "next");
    expect(tried).toEqual({ nav: { step: 0, visited: [0] }, stopped: 0 });
    expect(flagged(tried.nav, problems, 0)).toBe(true);
    nav = navigate(tried.nav, 3, problems, "jump").nav;
    expect(nav.step).toBe(3);
    expect(navigate(nav, REVIEW, problems, "jump")).toEqual({ nav: { step: 0, visited: [0, 3] }, stopped: 0 });
    expect(navigate(nav, REVIEW, problemsOf(autoForm()), "jump").nav.step).toBe(REVIEW);
  });
});

/** Each field a property run may edit, with values valid together and values each of which is a problem. */
type Field = { path: string; valid: string[]; invalid: string[] };
const COMMON: Field[] = [
  { path: "name", valid: ["Ana Reyes"], invalid: ["", "  "] },
  { path: "street", valid: ["1 Valencia St"], invalid: [""] },
  { path: "city", valid: ["San Francisco"], invalid: [""] },
  { path: "dateOfBirth", valid: ["", "1985-03-02"], invalid: ["2030-01-01", "1985-13-01", "03/02/1985"] },
  { path: "email", valid: ["", "ana.reyes@mail.co"], invalid: ["name@example", "ana reyes@mail.co"] },
  { path: "phone", valid: ["", "4155550134", "(415) 555-0134"], invalid: ["555", "call me"] },
  { path: "effectiveDate", valid: ["2026-02-01"], invalid: ["", "2026-02-30", "Feb 1"] },
];
const AUTO_FIELDS: Field[] = [
  ...COMMON,
  { path: "state", valid: ["CA"], invalid: ["", "C", "TX"] },
  { path: "zip", valid: ["94110"], invalid: ["941", "10001", "00000"] },
  { path: "vehicles.0.vin", valid: ["", "1HGCV1F39LA151313"], invalid: ["1HGCV1F38LA151313", "SHORT"] },
  { path: "vehicles.0.year", valid: ["2020"], invalid: ["", "twenty", "1975", "2031"] },
  { path: "vehicles.0.annualMiles", valid: ["12000", "2,400", "12 000"], invalid: ["-5", "lots", "200000", ""] },
  { path: "vehicles.0.garagingZip", valid: ["", "94110"], invalid: ["10001", "9411"] },
  { path: "vehicles.0.costNew", valid: ["", "$32,500", "32500.50"], invalid: ["-100", "abc"] },
  { path: "drivers.0.name", valid: ["Ana Reyes"], invalid: [""] },
  { path: "drivers.0.dateOfBirth", valid: ["1985-03-02"], invalid: ["2030-01-01", "2020-01-01", ""] },
  { path: "drivers.0.licenseDate", valid: ["2003-06-01"], invalid: ["1995-01-01", "2027-01-01", ""] },
  { path: "drivers.0.licenseNumber", valid: ["", "D1234567"], invalid: ["D1", "D-12345"] },
];
const HOME_FIELDS: Field[] = [
  ...COMMON,
  { path: "state", valid: ["FL"], invalid: ["", "F", "TX"] },
  { path: "zip", valid: ["33629"], invalid: ["336", "94110"] },
  { path: "dwelling.yearBuilt", valid: ["2001"], invalid: ["2031", "", "19x1"] },
  { path: "dwelling.protectionClass", valid: ["3"], invalid: ["11", "0", ""] },
  { path: "dwelling.roofAge", valid: ["5"], invalid: ["-1", "abc", "40"] },
  { path: "dwelling.squareFeet", valid: ["1800", "2,400"], invalid: ["100", "big"] },
  { path: "dwelling.coverageA", valid: ["400000", "$450,000", "450,000"], invalid: ["-5", "0", "lots", ""] },
];

type Action = { edit: string; value: string } | { go: number; how: "next" | "jump" } | { engine: string | null };

function actions(fields: Field[]): fc.Arbitrary<Action[]> {
  const edit = fc
    .constantFrom(...fields)
    .chain((f) => fc.constantFrom(...f.valid, ...f.invalid).map((value): Action => ({ edit: f.path, value })));
  const go = fc.record({ go: fc.integer({ min: 0, max: REVIEW }), how: fc.constantFrom<"next" | "jump">("next", "jump") });
  // The engine's answer: a field error on any field, or none.
  const engine = fc.option(fc.constantFrom(...fields.map((f) => f.path)), { nil: null }).map((key): Action => ({ engine: key }));
  return fc.array(fc.oneof({ arbitrary: edit, weight: 5 }, { arbitrary: go, weight: 3 }, { arbitrary: engine, weight: 1 }), {
    maxLength: 60,
  });
}

/** Runs the edits and moves as the wizard does; Review is never shown while a field has a problem, and is once none has. */
function run(start: WizardForm, fields: Field[], o: QuoteOptions, steps: Action[]) {
  let form = start;
  let nav: Nav = startNav(0);
  let engine: Record<string, string> = {};
  const problems = () => formProblems(form, o, { ...checks, engine });
  for (const a of steps) {
    if ("edit" in a) {
      // A field is edited on its own step (the step list goes anywhere before Review).
      if (nav.step !== stepOf(a.edit)) nav = navigate(nav, stepOf(a.edit), problems(), "jump").nav;
      expect(nav.step).toBe(stepOf(a.edit));
      form = prefillDriver(form, setPath(form, a.edit, a.value));
      // An invalid value always leaves a problem somewhere.
      if (fields.find((f) => f.path === a.edit)!.invalid.includes(a.value)) expect(problems()).not.toEqual({});
    } else if ("go" in a) {
      const target = a.how === "next" ? Math.min(nav.step + 1, REVIEW) : a.go;
      const before = problems();
      const moved = navigate(nav, target, before, a.how);
      if (moved.nav.step === REVIEW) expect(before).toEqual({});
      if (target === REVIEW && nav.step !== REVIEW) expect(moved.nav.step === REVIEW).toBe(Object.keys(before).length === 0);
      if (moved.stopped !== null) expect(flagged(moved.nav, before, moved.stopped)).toBe(true);
      nav = moved.nav;
    } else if (nav.step !== REVIEW) {
      // The engine answers for the form as edited; on Review nothing is edited, and the move there waited for its answer.
      engine = a.engine ? { [a.engine]: "the engine refuses it" } : {};
    }
    if (nav.step === REVIEW) expect(problems()).toEqual({});
  }
  // Every field made valid, the engine content: Review is reached by Next alone.
  engine = {};
  for (const f of fields) {
    if (nav.step !== stepOf(f.path)) nav = navigate(nav, stepOf(f.path), problems(), "jump").nav;
    form = prefillDriver(form, setPath(form, f.path, f.valid[f.valid.length - 1]));
  }
  expect(problems()).toEqual({});
  for (let i = 0; i < REVIEW && nav.step < REVIEW; i++) nav = navigate(nav, nav.step + 1, problems(), "next").nav;
  expect(nav.step).toBe(REVIEW);
}

describe("the wizard's state model, over random edits and moves", () => {
  it("never reaches Review with an invalid field of an auto quote, and reaches it once all are valid", () => {
    fc.assert(
      fc.property(actions(AUTO_FIELDS), (steps) => run(autoForm(), AUTO_FIELDS, options, steps)),
      { numRuns: 300 },
    );
  });

  it("never reaches Review with an invalid field of a homeowners quote, and reaches it once all are valid", () => {
    fc.assert(
      fc.property(actions(HOME_FIELDS), (steps) => run(homeForm(), HOME_FIELDS, hoOptions, steps)),
      { numRuns: 300 },
    );
  });
});
