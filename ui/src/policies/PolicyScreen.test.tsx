import { expect, it } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Policy, PolicyChangePreviewView, PolicyView } from "../bindings";
import { mockCommands, names } from "../test/ipc";
import { PolicyScreen } from "./PolicyScreen";

const inForce: Policy = {
  policy_number: "POL-CA-2026-000001",
  state: "CA",
  product: "personal-auto",
  version: 2,
  status: "in_force",
  term: { start: "2026-11-24", end: "2027-11-24" },
  term_premium: "2400.00",
  written_premium: "2400.00",
  charges: [{ from: "2026-11-24", amount: "2400.00" }],
  last_effective: "2026-11-24",
  cancellation: null,
  non_renewal: null,
  renewal_offer: null,
  renewals: 0,
};

const view: PolicyView = {
  policyNumber: "POL-CA-2026-000001",
  status: "issued",
  policyVersion: 2,
  premium: "2450.00",
  working: inForce,
  input: null,
  timeline: [
    {
      version: 1,
      kind: "bind",
      effectiveDate: "2026-11-24",
      amount: "2263.00",
      lines: [{ label: "Charged at bind", value: "2263.00" }],
      recordedAt: "2026-11-24T10:00:00.000Z",
      by: "agent",
      logIndex: 7,
    },
    {
      version: 2,
      kind: "endorse",
      effectiveDate: "2026-11-24",
      amount: "137.00",
      lines: [{ label: "Change", value: "Raise BI to 250/500" }],
      recordedAt: "2026-11-24T11:00:00.000Z",
      by: "agent",
      logIndex: 9,
    },
  ],
  changes: [],
  fetchedAt: "2026-11-24T11:00:01.000Z",
};

const cancelled: Policy = {
  ...inForce,
  version: 3,
  status: "cancelled",
  written_premium: "1200.00",
  cancellation: {
    effective: "2027-05-25",
    reason: "insured_request",
    method: "short_rate",
    returned: "1080.00",
    penalty: "120.00",
    processed_on: "2026-11-24",
    notice_days: 0,
  },
};

it("shows the timeline with its audit entries and works out a cancellation before queueing it", async () => {
  const preview: PolicyChangePreviewView = {
    baseVersion: 2,
    before: inForce,
    after: cancelled,
    worksheet: {
      kind: "cancel",
      version: 3,
      effective: "2027-05-25",
      lines: [{ label: "Returned", value: "1080.00" }],
      amount: "-1080.00",
    },
    description: "Cancelled at the request of the named insured",
    rating: null,
  };
  const calls = mockCommands({
    policy_file: () => view,
    preview_policy_change: () => preview,
    prepare_policy_change: () => ({
      ...view,
      working: cancelled,
      changes: [
        {
          id: 1,
          baseVersion: 2,
          kind: "cancel",
          effectiveDate: "2027-05-25",
          amount: "-1080.00",
          description: preview.description,
          worksheet: preview.worksheet,
          preparedAt: "2026-11-24T12:00:00.000Z",
          outcome: null,
        },
      ],
    }),
  });
  const user = userEvent.setup();
  render(<PolicyScreen policyNumber="POL-CA-2026-000001" endorsement={null} onEndorse={() => {}} onEndorsementDone={() => {}} />);
  await screen.findByText("Endorsement");
  const timeline = document.getElementById("policy-timeline")!;
  expect(within(timeline).getByText("Endorsement")).toBeTruthy();
  expect(within(timeline).getByText("9")).toBeTruthy();
  expect(screen.getByText("$2,400.00")).toBeTruthy();
  expect((screen.getByRole("button", { name: "Reinstate" }) as HTMLButtonElement).disabled).toBe(true);

  await user.click(screen.getByRole("button", { name: "Cancel" }));
  await user.clear(screen.getByLabelText("Effective date"));
  await user.type(screen.getByLabelText("Effective date"), "2027-05-25");
  await user.click(screen.getByRole("button", { name: "Work it out" }));
  expect(await screen.findByText(/Cancelled at the request of the named insured: \$1,080.00 returned/)).toBeTruthy();
  expect(calls).toContainEqual([
    "preview_policy_change",
    { policyNumber: "POL-CA-2026-000001", change: { kind: "cancel", effective: "2027-05-25", reason: "insured_request" } },
  ]);
  expect(calls.some(([cmd]) => cmd === "prepare_policy_change")).toBe(false);
  await user.click(screen.getByRole("button", { name: "Queue this change" }));
  await waitFor(() => expect(screen.getByText("waiting to sync")).toBeTruthy());
  expect(screen.getByRole("button", { name: "Cancellation notice" })).toBeTruthy();
  expect((screen.getByRole("button", { name: "Reinstate" }) as HTMLButtonElement).disabled).toBe(false);
});

it("names a refusal by the lifecycle next to the change and queues nothing", async () => {
  const calls = mockCommands({
    policy_file: () => view,
    preview_policy_change: () =>
      Promise.reject({
        code: "policy.notice_too_short",
        message: "an insurer's cancellation needs 20 days' notice: effective 2026-12-14 or later",
      }),
  });
  const user = userEvent.setup();
  render(<PolicyScreen policyNumber="POL-CA-2026-000001" endorsement={null} onEndorse={() => {}} onEndorsementDone={() => {}} />);
  await user.click(await screen.findByRole("button", { name: "Cancel" }));
  await user.selectOptions(screen.getByLabelText("Reason"), "nonpayment");
  await user.click(screen.getByRole("button", { name: "Work it out" }));
  const alert = await screen.findByRole("alert");
  expect(alert.getAttribute("data-code")).toBe("policy.notice_too_short");
  expect(alert.textContent).toContain("20 days' notice");
  expect(names(calls)).not.toContain("prepare_policy_change");
});

it("asks for a sync when the server's latest version has not arrived", async () => {
  mockCommands({ policy_file: () => ({ ...view, working: null, policyVersion: 4 }) });
  render(<PolicyScreen policyNumber="POL-CA-2026-000001" endorsement={null} onEndorse={() => {}} onEndorsementDone={() => {}} />);
  expect((await screen.findByText(/The server has version 4 of this policy/)).id).toBe("policy-needs-sync");
  expect(screen.queryByRole("button", { name: "Cancel" })).toBeNull();
  expect((screen.getByRole("button", { name: "Declarations page" }) as HTMLButtonElement).disabled).toBe(true);
});
