import { expect, it } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { ReferralView } from "../bindings";
import { mockCommands } from "../test/ipc";
import { Desk } from "./Desk";
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
  await waitFor(() => expect(document.getElementById(note.getAttribute("aria-describedby")!)).not.toBeNull());
  const refusal = document.getElementById(note.getAttribute("aria-describedby")!)!;
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
