import { describe, expect, it } from "vitest";
import { electionNeeded, emptyForm, fieldKey, fromQuoteInput, initialCoverages, stepOf, toQuoteInput, WizardForm } from "./form";
import { hoOptions, options } from "./testdata";
import { autoForm, homeForm } from "../test/fixtures";

function complete(): WizardForm {
  const form = autoForm();
  return {
    ...form,
    name: " Ana Reyes ",
    state: "ca",
    coverages: { ...form.coverages, BI: { selected: true, limit: "100/300", deductible: "" } },
    vehicles: [{ ...form.vehicles[0], vin: "1hgcv1f39la151313", model: "" }],
    drivers: [{ ...form.drivers[0], licenseNumber: "d1234567" }],
  };
}

describe("the wizard form", () => {
  it("records a signed rejection only while the coverage is left out, and reads it back", () => {
    const um = {
      coverage: "UM",
      name: "uninsured motorist",
      kind: "reject-in-writing" as const,
      written_by: null,
      law: "Cal. Ins. Code 11580.2(a)(1)",
    };
    const withRule = { ...options, elections: [um] };
    const signed = { signed: true, decision: "rejected" as const, form: "CA-UM-REJ 01-26", signedOn: "2026-02-01", signedBy: "Ana Reyes" };
    const base = complete();
    const without = {
      ...base,
      coverages: { ...base.coverages, UM: { ...base.coverages.UM, selected: false } },
      elections: { "UM:reject-in-writing": signed },
    };
    expect(electionNeeded(um, without, withRule)).toBe(true);
    const { input, problems } = toQuoteInput(without, withRule);
    expect(problems).toEqual({});
    expect(input?.quote.elections).toEqual([
      { coverage: "UM", decision: "rejected", form: "CA-UM-REJ 01-26", signed_on: "2026-02-01", signed_by: "Ana Reyes" },
    ]);
    expect(fromQuoteInput(input!).elections["UM:reject-in-writing"]).toEqual(signed);
    // The agent took UM after all: the rejection is not sent.
    const taken = { ...without, coverages: base.coverages };
    expect(electionNeeded(um, taken, withRule)).toBe(false);
    expect(toQuoteInput(taken, withRule).input?.quote.elections).toBeUndefined();
    // A signed form names its form, date and signer.
    const blank = { ...without, elections: { "UM:reject-in-writing": { ...signed, form: " ", signedOn: "1 Feb" } } };
    expect(toQuoteInput(blank, withRule).problems).toEqual({
      "elections.UM:reject-in-writing.form": "is required",
      "elections.UM:reject-in-writing.signedOn": "must be a date written as YYYY-MM-DD",
    });
    expect(stepOf("elections.UM:reject-in-writing.form")).toBe(2);
  });

  it("carries prior insurance, the payment method and a vehicle's price when new, and reads them back", () => {
    const base = complete();
    const form: WizardForm = {
      ...base,
      priorInsured: true,
      priorCarrier: "Acme Mutual",
      priorMonths: "48",
      priorLapseDays: "0",
      paymentMethod: "eft",
      vehicles: [{ ...base.vehicles[0], costNew: "$32,500" }],
    };
    const { input, problems } = toQuoteInput(form, options);
    expect(problems).toEqual({});
    expect(input?.quote.prior_insurance).toEqual({ carrier: "Acme Mutual", months: 48, lapse_days: 0 });
    expect(input?.quote.payment_method).toBe("eft");
    expect(input?.quote.vehicles[0].cost_new).toBe("32500");
    expect(fromQuoteInput(input!)).toMatchObject({ priorInsured: true, priorMonths: "48", paymentMethod: "eft" });
    expect(toQuoteInput({ ...form, priorMonths: "four years" }, options).problems.priorMonths).toBe(
      "must be a whole number, such as 2,400",
    );
    // Not said: nothing is sent.
    const none = toQuoteInput({ ...base, vehicles: [{ ...base.vehicles[0], costNew: undefined as unknown as string }] }, options).input!
      .quote;
    expect([none.prior_insurance, none.payment_method, none.vehicles[0].cost_new]).toEqual([undefined, undefined, undefined]);
  });

  it("asks for the signed selection of lower limits only when UM is below BI", () => {
    const lower = {
      coverage: "UM",
      name: "uninsured motorist",
      kind: "lower-limits-in-writing" as const,
      written_by: null,
      law: "Fla. Stat. 627.727(1)",
    };
    const withRule = { ...options, elections: [lower] };
    const base = complete();
    const equal = { ...base, coverages: { ...base.coverages, UM: { selected: true, limit: "100/300", deductible: "" } } };
    expect(electionNeeded(lower, equal, withRule)).toBe(false);
    const below = { ...base, coverages: { ...base.coverages, UM: { selected: true, limit: "30/60", deductible: "" } } };
    expect(electionNeeded(lower, below, withRule)).toBe(true);
  });

  it("carries a wind mitigation inspection and wildfire measures into the quote and back", () => {
    const home = homeForm();
    const form: WizardForm = {
      ...home,
      dwelling: {
        ...home.dwelling,
        yearBuilt: "2019",
        protectionClass: "2",
        roofAge: "7",
        squareFeet: "2300",
        coverageA: "450000",
        windInspected: true,
        roofShape: "hip",
        roofDeck: "c",
        roofToWall: "double-wraps",
        openingProtection: "hurricane",
        secondaryWaterResistance: true,
        wildfireMeasures: ["class-a-roof"],
      },
    };
    const { input } = toQuoteInput(form, hoOptions);
    expect(input?.quote.dwelling?.wind_mitigation).toEqual({
      roof_shape: "hip",
      roof_deck: "c",
      roof_to_wall: "double-wraps",
      opening_protection: "hurricane",
      secondary_water_resistance: true,
    });
    expect(input?.quote.dwelling?.wildfire_mitigation).toEqual({ community: null, measures: ["class-a-roof"] });
    expect(fromQuoteInput(input!).dwelling).toMatchObject({
      windInspected: true,
      roofShape: "hip",
      wildfireMeasures: ["class-a-roof"],
      wildfireCommunity: "",
    });
    // Not inspected: nothing is sent, and the home rates as unknown.
    expect(
      toQuoteInput({ ...form, dwelling: { ...form.dwelling, windInspected: false, wildfireMeasures: [] } }, hoOptions).input?.quote.dwelling
        ?.wind_mitigation,
    ).toBeUndefined();
  });

  it("rates a home at its own address when it is not the mailing address, and reads it back", () => {
    const base = complete();
    const home = emptyForm("homeowners-ho3", new Date(2026, 1, 1));
    const form: WizardForm = {
      ...home,
      name: base.name,
      street: "PO Box 12",
      city: "Sacramento",
      state: "ca",
      zip: "95814",
      coverages: { DWELLING: { selected: true, limit: "", deductible: "1000" } },
      dwelling: {
        ...home.dwelling,
        yearBuilt: "2001",
        protectionClass: "3",
        roofAge: "5",
        squareFeet: "1800",
        coverageA: "400000",
        elsewhere: true,
        street: "9 Pine Rd",
        city: "Truckee",
        zip: "",
      },
    };
    expect(toQuoteInput(form, hoOptions).problems["dwelling.zip"]).toBe("must be a five-digit ZIP code");
    const { input, problems } = toQuoteInput({ ...form, dwelling: { ...form.dwelling, zip: "96161" } }, hoOptions);
    expect(problems).toEqual({});
    expect(input?.quote.dwelling?.address).toEqual({ street: "9 Pine Rd", city: "Truckee", state: "CA", zip: "96161" });
    expect(fromQuoteInput(input!).dwelling).toMatchObject({ elsewhere: true, street: "9 Pine Rd", zip: "96161" });
  });

  it("starts with today's date, one vehicle and one driver for auto, a dwelling for homeowners", () => {
    const auto = emptyForm("personal-auto", new Date(2026, 10, 24));
    expect(auto.effectiveDate).toBe("2026-11-24");
    expect([auto.vehicles.length, auto.drivers.length]).toEqual([1, 1]);
    const home = emptyForm("homeowners-ho3");
    expect([home.vehicles.length, home.drivers.length]).toEqual([0, 0]);
  });

  it("preselects required coverages and recommendations, with UM at the BI limit", () => {
    const chosen = initialCoverages(options);
    expect(chosen.BI).toEqual({ selected: true, limit: "30/60", deductible: "" });
    expect(chosen.UM).toEqual({ selected: true, limit: "30/60", deductible: "" });
    expect(chosen.COLL.selected).toBe(false);
  });

  it("makes the engine's input from a complete form: trimmed, upper-cased, the customer's ZIP for garaging", () => {
    const { input, problems } = toQuoteInput(complete(), options);
    expect(problems).toEqual({});
    expect(input?.quote.state).toBe("CA");
    expect(input?.quote.applicant).toEqual({
      name: "Ana Reyes",
      address: { street: "1 Valencia St", city: "San Francisco", state: "CA", zip: "94110" },
    });
    expect(input?.quote.vehicles[0]).toMatchObject({ vin: "1HGCV1F39LA151313", year: 2020, model: null, garaging_zip: "94110" });
    expect(input?.quote.coverages.map((c) => [c.code, c.limit, c.deductible])).toEqual([
      ["BI", "100/300", null],
      ["UM", "30/60", null],
    ]);
    expect(input?.licenses).toEqual([{ number: "D1234567", state: "CA" }]);
    expect(input?.contact).toEqual({ date_of_birth: null, email: null, phone: null });
  });

  it("names every field it cannot convert, and makes no input", () => {
    const form = complete();
    form.zip = "941";
    form.drivers[0].licenseDate = "06/01/2003";
    form.vehicles[0].year = "twenty";
    const { input, problems } = toQuoteInput(form, options);
    expect(input).toBeNull();
    expect(problems).toEqual({
      zip: "must be a five-digit ZIP code",
      "drivers.0.licenseDate": "must be a date written as YYYY-MM-DD",
      "vehicles.0.year": "must be a whole number, such as 2,400",
    });
  });

  it("waits for the pack's coverages before it makes an input", () => {
    expect(toQuoteInput(complete(), null).problems.coverages).toBeDefined();
  });

  it("reads a saved quote back into the form it came from", () => {
    const { input } = toQuoteInput(complete(), options);
    const again = toQuoteInput(fromQuoteInput(input!), options);
    expect(again.input).toEqual(input);
  });

  it("maps the engine's field paths to the form's fields and steps", () => {
    const { input } = toQuoteInput(complete(), options);
    expect(fieldKey("quote.drivers[0].license_date", input)).toBe("drivers.0.licenseDate");
    expect(fieldKey("quote.applicant.address.zip", input)).toBe("zip");
    expect(fieldKey("quote.dwelling.address.zip", input)).toBe("dwelling.zip");
    expect(fieldKey("quote.vehicles[0].garaging_zip", input)).toBe("vehicles.0.garagingZip");
    expect(fieldKey("quote.coverages[1].limit", input)).toBe("coverages.UM.limit");
    expect(fieldKey("licenses[0].number", input)).toBe("drivers.0.licenseNumber");
    expect(fieldKey("contact.email", input)).toBe("email");
    expect(fieldKey("quote.prior_claims[0].date", input)).toBe("claims.0.date");
    expect([
      stepOf("zip"),
      stepOf("vehicles.0.vin"),
      stepOf("coverages.UM.limit"),
      stepOf("drivers.0.name"),
      stepOf("claims.0.date"),
    ]).toEqual([0, 1, 2, 3, 3]);
  });
});
