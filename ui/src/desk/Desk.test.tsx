import { expect, it } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReferralView } from "../bindings";
import { mockCommands } from "../test/ipc";
import { acceptedRating, referral as waiting, referredQuote } from "../test/fixtures";
import { ageText, Desk } from "./Desk";
import { MESSAGES } from "../shared/messages";

const referral: ReferralView = {
  quoteNumber: "QUOT-2026-000002",
  version: 1,
  agent: "agent",
  packId: "ca-personal-auto/2026.1@abc",
  total: "2263.5",
  reasons: ["UW-POINTS: three or more points in three years"],
  rating: null,
  ratingError: "rate pack ca-personal-auto/2026.1@abc is not installed on this workstation",
  quote: null,
  referredAt: null,
};

it("approves a referral with the underwriter's note and reloads the queue", async () => {
  let queue = [referral];
  const calls = mockCommands({
    referrals: () => queue,
    decide_referral: () => {
      queue = [];
      return { quoteNumber: referral.quoteNumber, version: 1, status: "approved" };
    },
  });
  const user = userEvent.setup();
  render(<Desk />);
  expect(await screen.findByRole("heading", { name: /QUOT-2026-000002/ })).toBeTruthy();
  expect(screen.getByText("$2,263.50")).toBeTruthy();
  expect(screen.getByText(/The worksheet cannot be shown here: this workstation could not re-rate the quote/)).toBeTruthy();
  expect(within(screen.getByRole("list", { name: "Why QUOT-2026-000002 was referred" })).getByText(/three or more points/)).toBeTruthy();
  const approve = screen.getByRole("button", { name: "Approve QUOT-2026-000002" }) as HTMLButtonElement;
  expect(approve.disabled).toBe(true);
  await user.type(screen.getByLabelText("Note for QUOT-2026-000002"), "MVR checked");
  await user.click(approve);
  expect((await screen.findByRole("status")).textContent).toBe("QUOT-2026-000002 version 1 is approved.");
  expect(calls).toContainEqual(["decide_referral", { quoteNumber: "QUOT-2026-000002", version: 1, approve: true, reason: "MVR checked" }]);
  await waitFor(() => expect(screen.getByText("No quotes wait for a decision.")).toBeTruthy());
});

it("shows the server's refusal next to the note and keeps the referral", async () => {
  mockCommands({
    referrals: () => [referral],
    decide_referral: () =>
      Promise.reject({ code: "sync.refused", serverCode: "referral.four_eyes", message: "the quote's own agent may not decide it" }),
  });
  const user = userEvent.setup();
  render(<Desk />);
  await user.type(await screen.findByLabelText("Note for QUOT-2026-000002"), "looks fine");
  await user.click(screen.getByRole("button", { name: "Decline QUOT-2026-000002" }));
  const note = screen.getByLabelText("Note for QUOT-2026-000002");
  // The server's code is not one the app has words for: the workstation's sentence, the server's text in the details.
  const described = () => (note.getAttribute("aria-describedby") ?? "").split(" ");
  await waitFor(() => expect(described()).toContain("note-QUOT-2026-000002-error"));
  expect(described()).toContain("note-QUOT-2026-000002-required");
  const refusal = document.getElementById("note-QUOT-2026-000002-error")!;
  expect(refusal.querySelector(".error-sentence")?.textContent).toBe(MESSAGES["sync.refused"]);
  expect(refusal.querySelector("details")?.textContent).toContain("the quote's own agent may not decide it");
  expect(screen.getByText("$2,263.50")).toBeTruthy();
});

it("makes a referred policy change as the agent prepared it, and declines one only with a note", async () => {
  let changes = [
    {
      referralId: "a".repeat(32),
      policyNumber: "POL-TX-2026-000001",
      baseVersion: 2,
      kind: "endorse",
      agent: "agent1",
      requestedAt: "2026-12-06T10:00:00Z",
      reasons: ["More than 50,000 miles a year"],
      description: "New work truck",
      effective: "2026-12-07",
    },
    {
      referralId: "b".repeat(32),
      policyNumber: "POL-TX-2026-000002",
      baseVersion: 1,
      kind: "offer_renewal",
      agent: "agent2",
      requestedAt: "2026-12-06T10:01:00Z",
      reasons: ["DUI conviction in the last three years"],
      description: null,
      effective: null,
    },
  ];
  const calls = mockCommands({
    referrals: () => [],
    policy_referrals: () => changes,
    decide_policy_referral: (args) => {
      const { referralId, approve } = args as { referralId: string; approve: boolean };
      changes = changes.filter((c) => c.referralId !== referralId);
      return approve ? "approved" : "declined";
    },
  });
  const user = userEvent.setup();
  render(<Desk />);
  expect(await screen.findByRole("heading", { name: /Change to POL-TX-2026-000001/ })).toBeTruthy();
  expect(screen.getByText("More than 50,000 miles a year")).toBeTruthy();
  expect(screen.getByText("New work truck")).toBeTruthy();
  await user.click(screen.getByRole("button", { name: "Make the change to POL-TX-2026-000001" }));
  expect(calls).toContainEqual(["decide_policy_referral", { referralId: "a".repeat(32), approve: true, note: "" }]);
  expect(await screen.findByText("The change to POL-TX-2026-000001 is made.")).toBeTruthy();
  const decline = screen.getByRole("button", { name: "Decline the change to POL-TX-2026-000002" }) as HTMLButtonElement;
  expect(decline.disabled).toBe(true);
  await user.type(screen.getByLabelText("Note for agent2"), "Needs a motor vehicle record first");
  await user.click(decline);
  expect(calls).toContainEqual([
    "decide_policy_referral",
    { referralId: "b".repeat(32), approve: false, note: "Needs a motor vehicle record first" },
  ]);
  expect(await screen.findByText("The renewal offer to POL-TX-2026-000002 is declined.")).toBeTruthy();
  await waitFor(() => expect(document.getElementById("no-policy-referrals")).not.toBeNull());
});

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3600_000).toISOString();

it("shows each referral's full risk summary, its age and the rules in words, oldest first", async () => {
  const home = {
    ...waiting(hoursAgo(3)),
    quoteNumber: "QUOT-2026-000009",
    total: "1800",
    reasons: ["UW-PRIOR-CLAIMS"],
    quote: {
      ...referredQuote(),
      product: "homeowners-ho3" as const,
      drivers: [],
      vehicles: [],
      dwelling: {
        year_built: 1965,
        construction: "masonry-veneer" as const,
        protection_class: 3,
        roof_age: 18,
        roof_type: "asphalt-shingle" as const,
        square_feet: 1800,
        coverage_a: "400000",
      },
      prior_claims: [
        { date: "2023-02-10", cause: "water" },
        { date: "2025-07-01", cause: "wind" },
      ],
    },
  };
  // One instant for the mock and the check: two calls can fall either side of a second.
  const older = waiting(hoursAgo(50));
  mockCommands({ referrals: () => [home, older], policy_referrals: () => [] });
  render(<Desk />);
  const header = await screen.findByText(/2 quotes wait for a decision/);
  expect(header.closest("p")?.textContent).toBe("2 quotes wait for a decision; the oldest was referred 2 days ago.");
  const cards = [...document.querySelectorAll<HTMLElement>("li.referral")];
  expect(cards.map((c) => c.dataset.quoteNumber)).toEqual(["QUOT-2026-000002", "QUOT-2026-000009"]);

  const auto = within(cards[0]);
  expect(auto.getByRole("heading", { name: /QUOT-2026-000002 for Ana Reyes/ })).toBeTruthy();
  expect(auto.getByText("Referred 2 days ago").getAttribute("title")).toBe(new Date(older.referredAt!).toLocaleString());
  expect(cards[0].textContent).toContain("1 Valencia St, San Francisco, CA 94110");
  const driver = auto.getByRole("list", { name: "Drivers" }).querySelector("li")!;
  expect(driver.textContent).toContain("Ana Reyes, age 41");
  expect(driver.textContent).toContain("licensed 23 years");
  const record = auto.getByRole("list", { name: "Ana Reyes's driving record" });
  expect(
    within(record)
      .getAllByRole("listitem")
      .map((li) => li.textContent),
  ).toEqual(["DUI on May 14, 2025", "At-fault accident on Jan 3, 2024"]);
  expect(within(auto.getByRole("list", { name: "Vehicles" })).getByText("2020 Honda Accord")).toBeTruthy();
  expect(cards[0].textContent).toContain("VIN 1HGCV1F39LA151313");
  expect(within(auto.getByRole("list", { name: "Why QUOT-2026-000002 was referred" })).getByText(/DUI conviction/)).toBeTruthy();
  expect(auto.getByText("$2,263.50")).toBeTruthy();

  const house = within(cards[1]);
  expect(house.getByText("Referred 3 hours ago")).toBeTruthy();
  expect(house.getByRole("heading", { name: "Dwelling" })).toBeTruthy();
  expect(cards[1].textContent).toContain("Masonry veneer");
  expect(cards[1].textContent).toContain("Asphalt shingle, 18 years old");
  expect(house.getByText("$400,000.00")).toBeTruthy();
  expect(
    within(house.getByRole("list", { name: "Prior claims" }))
      .getAllByRole("listitem")
      .map((li) => li.textContent),
  ).toEqual(["Wind loss on Jul 1, 2025", "Water loss on Feb 10, 2023"]);
  expect(house.queryByRole("list", { name: "Drivers" })).toBeNull();
});

it("says what raised the risk score most in words, numbers grouped and levels spelled out", async () => {
  const rated: ReferralView = {
    ...waiting(),
    rating: {
      ...acceptedRating("2263.5"),
      decision: "refer",
      risk: {
        unit: "drivers[0] with vehicles[0]",
        frequency: "0.1432",
        relativity: "1.41",
        cappedRelativity: "1.41",
        applied: false,
        topReasons: [
          { variable: "vehicle.annual_miles", value: "52000", contribution: "0.4" },
          { variable: "vehicle.use", value: "business", contribution: "0.15" },
          { variable: "driver.tickets_in_a_row_3y", value: "true", contribution: "0.1" },
        ],
      },
    },
    ratingError: null,
  };
  mockCommands({ referrals: () => [rated], policy_referrals: () => [] });
  render(<Desk />);
  const reasons = await screen.findByRole("list", { name: "What raised the risk score of QUOT-2026-000002" });
  expect(
    within(reasons)
      .getAllByRole("listitem")
      .map((li) => [li.dataset.variable, li.textContent]),
  ).toEqual([
    ["vehicle.annual_miles", "Annual miles: 52,000"],
    ["vehicle.use", "Vehicle use: Business"],
    ["driver.tickets_in_a_row_3y", "Tickets in a row (3 years): Yes"],
  ]);
});

it("says a note is required and keeps the decision buttons off until one is typed", async () => {
  mockCommands({ referrals: () => [waiting()], policy_referrals: () => [] });
  const user = userEvent.setup();
  render(<Desk />);
  const note = await screen.findByLabelText("Note for QUOT-2026-000002");
  const hint = screen.getByText("A note is required: the agent reads it with your decision.");
  expect(note.getAttribute("aria-describedby")).toBe(hint.id);
  const approve = screen.getByRole("button", { name: "Approve QUOT-2026-000002" }) as HTMLButtonElement;
  const decline = screen.getByRole("button", { name: "Decline QUOT-2026-000002" }) as HTMLButtonElement;
  for (const button of [approve, decline]) {
    expect(button.disabled).toBe(true);
    expect(button.getAttribute("aria-describedby")).toBe(hint.id);
  }
  await user.type(note, "  ");
  expect(approve.disabled).toBe(true);
  await user.type(note, "MVR checked");
  expect(approve.disabled).toBe(false);
  expect(decline.disabled).toBe(false);
});

it("says a referral's age in words", () => {
  const now = new Date("2026-11-03T12:00:00Z");
  expect(ageText("2026-11-03T11:59:40Z", now)).toBe("just now");
  expect(ageText("2026-11-03T11:55:00Z", now)).toBe("5 minutes ago");
  expect(ageText("2026-11-03T11:00:00Z", now)).toBe("1 hour ago");
  expect(ageText("2026-11-03T09:00:00+00:00", now)).toBe("3 hours ago");
  expect(ageText("2026-11-01T12:00:00Z", now)).toBe("2 days ago");
  expect(ageText("not a time", now)).toBeNull();
});
