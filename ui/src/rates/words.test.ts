import { describe, expect, it } from "vitest";
import { bandName, coverageGroupName, coverageList, packSide, territoryGroupName } from "./words";

describe("impact report groups in words", () => {
  it.each([
    ["BI", "Bodily injury"],
    ["PD", "Property damage"],
    ["COLL", "Collision"],
    ["PIP", "Personal injury protection"],
    ["DWELLING", "Dwelling"],
    ["LIABILITY", "Personal liability"],
    ["coverage:BI", "Bodily injury"],
    ["coverage=UM", "Uninsured motorist"],
    // A code the app does not know yet reads as words.
    ["ROADSIDE_PLUS", "Roadside plus"],
  ])("the coverage %s reads %s", (name, label) => {
    expect(coverageGroupName(name)).toBe(label);
  });

  it.each([
    // The labels of the packs' territory tables.
    ["T19 Los Angeles County", "Territory 19, Los Angeles County"],
    ["T057 Dallas County", "Territory 57, Dallas County"],
    ["T58 St. Johns County", "Territory 58, St. Johns County"],
    ["T12", "Territory 12"],
    ["12", "Territory 12"],
    ["territory=T12", "Territory 12"],
    ["territory:T3 Cook County", "Territory 3, Cook County"],
    // A ZIP code the table has without a label, and one it lacks.
    ["factor 1.22", "Territory without a name (factor 1.22)"],
    ["no territory", "No territory for the ZIP code"],
    // Other labels as the pack wrote them; a key as words.
    ["Bay Area", "Bay Area"],
    ["north_coast", "North coast"],
  ])("the territory %s reads %s", (name, label) => {
    expect(territoryGroupName(name)).toBe(label);
  });

  it.each([
    ["decrease over 10%", "Decrease over 10%"],
    ["-10% to -5%", "-10% to -5%"],
    ["no change", "No change"],
    ["+5% to +10%", "+5% to +10%"],
    ["increase over 20%", "Increase over 20%"],
  ])("the band %s reads %s", (name, label) => {
    expect(bandName(name)).toBe(label);
  });

  it("lists the repriced coverages in a sentence and names the pack a policy failed with", () => {
    expect(coverageList(["BI"])).toBe("bodily injury");
    expect(coverageList(["BI", "PD"])).toBe("bodily injury and property damage");
    expect(coverageList(["BI", "PD", "COLL"])).toBe("bodily injury, property damage and collision");
    expect(packSide("draft")).toBe("Draft");
    expect(packSide("base")).toBe("Base");
  });

  it("never shows underscores, a key's punctuation or a bare code", () => {
    for (const name of ["BI", "COMP", "MED", "SINKHOLE", "HURRICANE", "ORDINANCE", "coverage:PD", "NEW_THING"]) {
      expect(coverageGroupName(name)).not.toMatch(/_|:|^[A-Z]+$/);
    }
    for (const name of ["T1 Alameda County", "territory=T9", "factor 0.95", "no territory", "some_zone"]) {
      expect(territoryGroupName(name)).not.toMatch(/_|=|^T\d/);
    }
  });
});
