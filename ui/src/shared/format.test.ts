import { describe, expect, it } from "vitest";
import { formatUsd } from "./format";

describe("formatUsd", () => {
  it("groups thousands and keeps the decimal string's cents exactly", () => {
    expect(formatUsd("1234567.5")).toBe("$1,234,567.50");
    expect(formatUsd("0.1")).toBe("$0.10");
    expect(formatUsd("999")).toBe("$999");
    expect(formatUsd("-294.52")).toBe("-$294.52");
  });

  it("never goes through a float", () => {
    // 0.1 + 0.2 as a float would print 0.30000000000000004.
    expect(formatUsd("10000000000000000.30")).toBe("$10,000,000,000,000,000.30");
  });
});
