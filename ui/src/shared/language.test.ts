import { describe, expect, it } from "vitest";
import {
  GENERIC_SENTENCE,
  VARIABLE_NAMES,
  decisionLabel,
  describeError,
  fieldLabel,
  formatDeductible,
  formatInstant,
  formatLimit,
  formatMoney,
  operationLabel,
  packLabel,
  riskReasonText,
  ruleLabel,
  splitReason,
  statusLabel,
  subjectLabel,
  syncKindLabel,
  tableLabel,
  variableLabel,
  variableValue,
  worksheetKey,
} from "./language";
import variables from "../../../crates/rating/src/variable.rs?raw";
import { MESSAGES } from "./messages";

describe("fieldLabel", () => {
  it.each([
    ["quote.drivers[1].date_of_birth", "Driver 2 · Date of birth"],
    ["quote.vehicles[0].vin", "Vehicle 1 · VIN"],
    ["quote.applicant.address.zip", "ZIP code"],
    ["quote.coverages[0].limit", "Coverage 1 · Limit"],
    ["quote.applicant.name", "Customer name"],
    ["contact.date_of_birth", "Date of birth"],
    ["quote.drivers[0].violations[2].date", "Driver 1 · Violation 3 · Date"],
    ["licenses[1].number", "Driver 2 · License number"],
    ["quote.dwelling.address.zip", "Home address · ZIP code"],
    ["quote.dwelling.coverage_a", "Dwelling limit (Coverage A)"],
    ["quote.prior_insurance.lapse_days", "Prior insurance · Days without cover"],
    ["quote.prior_claims[0].cause", "Loss 1 · Cause"],
    ["quote.effective_date", "Effective date"],
    ["vehicle_year", "Vehicle model year"],
    // The wizard's own keys.
    ["drivers.0.dateOfBirth", "Driver 1 · Date of birth"],
    ["vehicles.1.garagingZip", "Vehicle 2 · Garaging ZIP code"],
    ["coverages.BI.limit", "Bodily injury · Limit"],
    ["elections.UM:reject-in-writing.signedOn", "Uninsured motorist rejection · Signed on"],
    ["dwelling.zip", "Home address · ZIP code"],
    ["priorCarrier", "Prior insurer"],
    // Anything else reads as words.
    ["driver.violation_points_3y", "Driver · Violation points 3y"],
    ["quote.widgets[3].frobCount", "Widget 4 · Frob count"],
    ["coverages.BI.steps.0.value", "Bodily injury · Step 1 · Value"],
  ])("%s reads %s", (path, label) => {
    expect(fieldLabel(path)).toBe(label);
  });

  it("names drivers and vehicles as the agent typed them, where it knows", () => {
    const names = { drivers: ["Ana Reyes", ""], vehicles: ["2020 Honda Accord"] };
    expect(fieldLabel("drivers.0.licenseDate", names)).toBe("Ana Reyes · First licensed");
    expect(fieldLabel("quote.drivers[1].name", names)).toBe("Driver 2 · Name");
    expect(fieldLabel("quote.vehicles[0].year", names)).toBe("2020 Honda Accord · Model year");
  });

  it("never shows brackets, dots, underscores or camelCase", () => {
    for (const path of ["a.b_c[0].dE", "quote.x_y.z[12]", "someThing_else.more[0][1]", "line 3 column 5"]) {
      expect(fieldLabel(path)).not.toMatch(/[[\]._]|[a-z][A-Z]/);
    }
  });
});

describe("tableLabel", () => {
  it("names rate tables and columns in words, coverages spelled out", () => {
    expect(tableLabel("bi_limit")).toBe("Bodily injury limit");
    expect(tableLabel("coll_deductible")).toBe("Collision deductible");
    expect(tableLabel("annual_miles")).toBe("Annual miles");
    expect(tableLabel("miles_from")).toBe("Miles from");
    expect(tableLabel("territory.csv")).toBe("Territory");
    expect(tableLabel("zip")).toBe("ZIP");
  });
});

describe("formatMoney", () => {
  it("always shows cents, grouped thousands, and the sign before the dollar", () => {
    expect(formatMoney("1290")).toBe("$1,290.00");
    expect(formatMoney("25")).toBe("$25.00");
    expect(formatMoney("1234567.5")).toBe("$1,234,567.50");
    expect(formatMoney("0.1")).toBe("$0.10");
    expect(formatMoney("-294.52")).toBe("-$294.52");
    expect(formatMoney("0")).toBe("$0.00");
  });

  it("is exact: never through a float, nothing finer than a cent dropped", () => {
    expect(formatMoney("10000000000000000.30")).toBe("$10,000,000,000,000,000.30");
    expect(formatMoney("1.125")).toBe("$1.125");
    expect(formatMoney("3.500")).toBe("$3.50");
  });

  it("leaves text that is not a number as it is", () => {
    expect(formatMoney("n/a")).toBe("n/a");
  });
});

describe("formatLimit and formatDeductible", () => {
  it("reads split limits and small amounts as thousands, larger ones as dollars", () => {
    expect(formatLimit("100/300")).toBe("$100,000 / $300,000");
    expect(formatLimit("250/500")).toBe("$250,000 / $500,000");
    expect(formatLimit("30/60")).toBe("$30,000 / $60,000");
    expect(formatLimit("15")).toBe("$15,000");
    expect(formatLimit("15000")).toBe("$15,000");
    expect(formatLimit("100000")).toBe("$100,000");
    expect(formatLimit("1000")).toBe("$1,000");
  });

  it("keeps percentages and anything it does not know", () => {
    expect(formatLimit("25%")).toBe("25%");
    expect(formatLimit("Actual cash value")).toBe("Actual cash value");
    expect(formatDeductible("2%")).toBe("2%");
  });

  it("reads deductibles as dollars", () => {
    expect(formatDeductible("500")).toBe("$500");
    expect(formatDeductible("1000")).toBe("$1,000");
    expect(formatDeductible("2500")).toBe("$2,500");
  });
});

describe("describeError", () => {
  it("takes the server's sentence first, then the workstation's", () => {
    const both = describeError({ code: "sync.unauthorized", serverCode: "auth.invalid_credentials", message: "refused" });
    expect(both.sentence).toBe(MESSAGES["auth.invalid_credentials"]);
    const unknownServer = describeError({ code: "sync.refused", serverCode: "made.up", message: "nope" });
    expect(unknownServer.sentence).toBe(MESSAGES["sync.refused"]);
    expect(describeError({ code: "rating.no_pack", message: "no pack" }).sentence).toBe(MESSAGES["rating.no_pack"]);
  });

  it("gives an unknown code the generic sentence, with something to try", () => {
    const d = describeError({ code: "never.heard_of", message: "boom" });
    expect(d.sentence).toBe(GENERIC_SENTENCE);
    expect(d.sentence).toMatch(/^Something went wrong/);
    expect(d.sentence).toMatch(/Try again/);
  });

  it("keeps the codes and the raw message for support, and names the fields", () => {
    const d = describeError({
      code: "input.invalid",
      serverCode: "user.weak_password",
      message: "the sync server refused the request with 400 (user.weak_password): password: use at least 12 characters",
      fields: [{ path: "quote.drivers[0].license_date", message: "is before the driver's 14th birthday" }],
    });
    expect(d.details).toEqual({
      code: "input.invalid",
      serverCode: "user.weak_password",
      message: "the sync server refused the request with 400 (user.weak_password): password: use at least 12 characters",
    });
    expect(d.fields).toEqual([
      { label: "Driver 1 · First licensed", message: "is before the driver's 14th birthday", path: "quote.drivers[0].license_date" },
    ]);
    expect(describeError({ code: "internal", message: "x" }).details).toEqual({ code: "internal", message: "x" });
  });
});

describe("variableLabel", () => {
  it.each([
    ["driver.violation_points_3y", "Violation points (3 years)"],
    ["vehicle.age", "Vehicle age"],
    ["driver.age", "Driver's age"],
    ["vehicle.garaging_zip", "Garaging ZIP code"],
    ["dwelling.coverage_a", "Dwelling limit (Coverage A)"],
    ["policy.term_months", "Term (months)"],
    // One the app does not know yet still reads as words.
    ["driver.speeding_tickets_5y", "Speeding tickets (5 years)"],
    ["vehicle.paint_color", "Paint color"],
  ])("%s reads %s", (name, label) => {
    expect(variableLabel(name)).toBe(label);
  });

  it("names every variable the engine knows (crates/rating/src/variable.rs)", () => {
    const names = [...variables.matchAll(/^\s+\w+ = "([a-z_0-9.]+)": \w+, \w+;/gm)].map((m) => m[1]);
    expect(names.length).toBeGreaterThan(40);
    expect(names.filter((n) => !(n in VARIABLE_NAMES))).toEqual([]);
    expect(Object.keys(VARIABLE_NAMES).filter((n) => !names.includes(n))).toEqual([]);
  });

  it("reads a value's yes or no", () => {
    expect(variableValue("true")).toBe("Yes");
    expect(variableValue("false")).toBe("No");
    expect(variableValue("commute")).toBe("commute");
    expect(variableValue("true", "driver.good_student")).toBe("Yes");
    expect(variableValue("false", "dwelling.secondary_water_resistance")).toBe("No");
  });

  it("turns a value written as a name into words even without its variable", () => {
    expect(variableValue("masonry_veneer")).toBe("masonry veneer");
    expect(variableValue("roofToWall")).toBe("roof to wall");
  });
});

describe("risk score reasons in words", () => {
  it.each([
    // Counts are grouped in thousands.
    ["vehicle.annual_miles", "52000", "Annual miles: 52,000"],
    ["dwelling.square_feet", "2400", "Living area (square feet): 2,400"],
    ["driver.violation_points_3y", "1", "Violation points (3 years): 1"],
    ["policy.prior_claims_5y", "3", "Claims (5 years): 3"],
    // Ages and years are plain numbers; a model year is never grouped.
    ["driver.age", "19", "Driver's age: 19"],
    ["driver.years_licensed", "2", "Years licensed: 2"],
    ["vehicle.age", "16", "Vehicle age: 16 years"],
    ["dwelling.roof_age", "1", "Roof age: 1 year"],
    ["dwelling.age", "62", "Age of the home: 62 years"],
    ["vehicle.model_year", "2020", "Model year: 2020"],
    ["policy.term_months", "12", "Term (months): 12"],
    // Codes stay as written.
    ["vehicle.garaging_zip", "94110", "Garaging ZIP code: 94110"],
    ["dwelling.protection_class", "10", "Protection class: 10"],
    // Money in dollars, cents only where the amount has them.
    ["dwelling.coverage_a", "350000", "Dwelling limit (Coverage A): $350,000"],
    ["dwelling.coverage_a", "350000.00", "Dwelling limit (Coverage A): $350,000"],
    ["dwelling.coverage_a", "1250.5", "Dwelling limit (Coverage A): $1,250.50"],
    ["coverage.limit", "100/300", "Limit: $100,000 / $300,000"],
    ["coverage.deductible", "2%", "Deductible: 2%"],
    // Yes or no.
    ["driver.good_student", "false", "Good student: No"],
    ["vehicle.anti_theft", "true", "Anti-theft device: Yes"],
    // A level the score rates on, in words.
    ["vehicle.use", "business", "Vehicle use: Business"],
    ["dwelling.construction", "frame", "Construction: Frame"],
    ["dwelling.construction", "masonry-veneer", "Construction: Masonry veneer"],
    ["dwelling.wildfire_community", "firewise-usa", "Wildfire community: Firewise USA"],
    ["dwelling.roof_to_wall", "toe_nails", "Roof-to-wall connection: Toe nails"],
  ])("%s %s reads %s", (variable, value, text) => {
    expect(riskReasonText({ variable, value })).toBe(text);
  });

  it("reads a variable the app does not know as words, its value by what its name says", () => {
    expect(riskReasonText({ variable: "vehicle.yearly_odometer_reading", value: "48000" })).toBe("Yearly odometer reading: 48,000");
    expect(riskReasonText({ variable: "dwelling.year_built", value: "1962" })).toBe("Year built: 1962");
    expect(riskReasonText({ variable: "driver.speeding_tickets_5y", value: "2" })).toBe("Speeding tickets (5 years): 2");
    expect(riskReasonText({ variable: "dwelling.contents_amount", value: "75000" })).toBe("Contents amount: $75,000");
    expect(riskReasonText({ variable: "dwelling.heatingSystem", value: "oil_furnace" })).toBe("Heating system: Oil furnace");
    expect(riskReasonText({ variable: "annual_mileage", value: "true" })).toBe("Annual mileage: Yes");
  });

  it("never shows a name's underscores, dots or camelCase, nor an ungrouped large count", () => {
    const reasons = [
      { variable: "vehicle.annual_miles", value: "123456" },
      { variable: "policy.some_new_thing", value: "some_level" },
      { variable: "someNewThing", value: "aLevel" },
      { variable: "x.y.z_w", value: "1000000" },
    ];
    for (const r of reasons) {
      const text = riskReasonText(r);
      expect(text).not.toMatch(/_|\.[a-z]|[a-z][A-Z]|\d{4,}/);
    }
  });
});

describe("reasons and decisions in words", () => {
  it.each([
    ["drivers[0]", "Driver 1"],
    ["vehicles[1]", "Vehicle 2"],
    ["drivers[0] with vehicles[1]", "Driver 1 on Vehicle 2"],
    ["dwelling", "The home"],
  ])("the subject %s reads %s", (subject, label) => {
    expect(subjectLabel(subject)).toBe(label);
  });

  it("names the driver and the vehicle as the agent typed them", () => {
    expect(subjectLabel("drivers[0] with vehicles[0]", { drivers: ["Ana Reyes"], vehicles: ["2020 Honda Accord"] })).toBe(
      "Ana Reyes on 2020 Honda Accord",
    );
  });

  it("splits a reason written CODE: message, keeping the code apart", () => {
    expect(splitReason("UW-DUI: DUI conviction in the last three years")).toEqual({
      code: "UW-DUI",
      message: "DUI conviction in the last three years",
    });
    expect(splitReason("vehicle.age: older than 20 years")).toEqual({ code: "vehicle.age", message: "Older than 20 years" });
    expect(splitReason("three or more points: review")).toEqual({ code: null, message: "Three or more points: review" });
  });

  it("says a rule by its code, and something plain for a rule it does not know", () => {
    expect(ruleLabel("UW-DUI")).toBe("DUI conviction in the last three years");
    expect(ruleLabel("UW-NEW-RULE")).not.toMatch(/UW-/);
  });

  it.each([
    ["accept", "Accepted"],
    ["refer", "Referred to an underwriter"],
    ["decline", "Declined"],
  ])("the decision %s reads %s", (decision, label) => {
    expect(decisionLabel(decision)).toBe(label);
  });

  it("says statuses and sync operations in words", () => {
    expect(statusLabel("in_force")).toBe("In force");
    expect(statusLabel("not_applied")).toBe("Not applied");
    expect(statusLabel("some_new_state")).toBe("Some new state");
    expect(syncKindLabel("quote.rated")).toBe("Rated quote");
    expect(syncKindLabel("quote.bind_requested")).toBe("Bind request");
    expect(syncKindLabel("policy.something_new")).toBe("Policy: something new");
  });
});

describe("worksheets and packs in words", () => {
  it.each([
    ["at-least", "Raised to at least"],
    ["risk-factor", "Risk score factor"],
    ["base", "Base rate"],
    ["discount", "Discount"],
  ])("the operation %s reads %s", (operation, label) => {
    expect(operationLabel(operation)).toBe(label);
  });

  it("says what keyed a line", () => {
    expect(worksheetKey("vehicle.garaging_zip=94110")).toBe("Garaging ZIP code 94110");
    expect(worksheetKey("driver.violation_points_3y=1, driver.years_licensed=20")).toBe(
      "Violation points (3 years) 1 and Years licensed 20",
    );
    expect(worksheetKey("driver.ca_good_driver=true")).toBe("California Good Driver Yes");
    expect(worksheetKey("vehicle.annual_miles=15000")).toBe("Annual miles 15,000");
    expect(worksheetKey("coverage.limit=100/300")).toBe("Limit $100,000 / $300,000");
    expect(worksheetKey("dwelling.protection_class=4, dwelling.construction=masonry-veneer")).toBe(
      "Protection class 4 and Construction Masonry veneer",
    );
    // A discount's code: the step already names it.
    expect(worksheetKey("good-driver")).toBe("");
    expect(worksheetKey(null)).toBe("");
  });

  it("names a pack without its id's punctuation or its digest", () => {
    expect(packLabel(`ca-personal-auto/2026.1@${"3f2a".repeat(16)}`)).toBe("California personal auto, 2026.1");
    expect(packLabel("fl-homeowners-ho3/2026.2")).toBe("Florida homeowners (HO-3), 2026.2");
    expect(packLabel("tx-personal-auto/2026.1@abc")).toBe("Texas personal auto, 2026.1");
    expect(packLabel("some-pack@abc")).toBe("some-pack");
  });
});

describe("formatInstant", () => {
  // Local time, as the top bar's "Last synced" reads it.
  const now = new Date(2026, 10, 24, 15, 0);
  const time = (d: Date) => d.toLocaleTimeString([], { hour: "numeric", minute: "2-digit" });

  it("shows the time alone on the same day, the date too on another", () => {
    const today = new Date(2026, 10, 24, 10, 42);
    expect(formatInstant(today.toISOString(), now)).toBe(time(today));
    const earlier = new Date(2026, 10, 2, 10, 42);
    expect(formatInstant(earlier.toISOString(), now)).toBe(
      `${earlier.toLocaleDateString([], { month: "short", day: "numeric" })}, ${time(earlier)}`,
    );
    const lastYear = new Date(2025, 10, 2, 10, 42);
    expect(formatInstant(lastYear.toISOString(), now)).toContain("2025");
  });

  it("returns text that is not an instant as it is", () => {
    expect(formatInstant("soon", now)).toBe("soon");
  });
});
