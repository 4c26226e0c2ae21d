import { expect, it } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Policy, PolicyChangePreviewView, PolicyView } from "../bindings";
import { mockCommands, names } from "../test/ipc";
import { quoteInput } from "../test/fixtures";
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

it("takes the effective date typed as YYYY-MM-DD or MM/DD/YYYY, or picked from its calendar", async () => {
  const calls = mockCommands({
    policy_file: () => view,
    preview_policy_change: () => Promise.reject({ code: "policy.notice_too_short", message: "too short" }),
  });
  const previews = () => calls.filter(([cmd]) => cmd === "preview_policy_change").map(([, args]) => args.change as { effective: string });
  const user = userEvent.setup();
  render(<PolicyScreen policyNumber="POL-CA-2026-000001" endorsement={null} onEndorse={() => {}} onEndorsementDone={() => {}} />);
  await user.click(await screen.findByRole("button", { name: "Cancel" }));
  const input = screen.getByLabelText("Effective date") as HTMLInputElement;
  expect(input.id).toBe("change-effective");
  expect(input.type).toBe("text");
  expect(input.inputMode).toBe("numeric");
  expect(input.required).toBe(true);
  expect(document.querySelector('input[type="date"]')).toBeNull();

  // ISO, then Enter submits the form.
  await user.clear(input);
  await user.type(input, "2027-05-25{Enter}");
  await waitFor(() => expect(previews().at(-1)?.effective).toBe("2027-05-25"));

  // The US way: written as YYYY-MM-DD when the field is left, or when Enter submits straight away.
  await user.clear(input);
  await user.type(input, "06/01/2027");
  await user.tab();
  expect(input.value).toBe("2027-06-01");
  await user.clear(input);
  await user.type(input, "6/2/2027{Enter}");
  await waitFor(() => expect(previews().at(-1)?.effective).toBe("2027-06-02"));
  expect(input.value).toBe("2027-06-02");

  // From the calendar beside it, by keyboard.
  input.focus();
  await user.tab();
  const button = screen.getByRole("button", { name: "Choose effective date" });
  expect(document.activeElement).toBe(button);
  await user.keyboard("{Enter}");
  const dialog = await screen.findByRole("dialog", { name: "Choose effective date" });
  await waitFor(() => expect(document.activeElement?.getAttribute("aria-label")).toMatch(/June 2, 2027/));
  await user.keyboard("{ArrowDown}{Enter}");
  expect(input.value).toBe("2027-06-09");
  await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  // And by mouse.
  await user.click(button);
  await user.click(within(await screen.findByRole("dialog")).getByText("15"));
  expect(input.value).toBe("2027-06-15");
  await user.click(screen.getByRole("button", { name: "Work it out" }));
  await waitFor(() => expect(previews().at(-1)?.effective).toBe("2027-06-15"));
  expect(dialog.isConnected).toBe(false);

  // A date that is not one is named next to the field, and nothing is asked.
  const asked = previews().length;
  await user.clear(input);
  await user.type(input, "2027-02-30");
  await user.click(screen.getByRole("button", { name: "Work it out" }));
  const error = await screen.findByText("Type the effective date as YYYY-MM-DD or MM/DD/YYYY.");
  expect(error.id).toBe("change-effective-error");
  expect(input.getAttribute("aria-invalid")).toBe("true");
  expect(input.getAttribute("aria-describedby")).toBe("change-effective-error");
  expect(previews().length).toBe(asked);
  await user.type(input, "{Backspace}8");
  expect(input.getAttribute("aria-invalid")).toBeNull();
});

it("asks for a sync when the server's latest version has not arrived", async () => {
  mockCommands({ policy_file: () => ({ ...view, working: null, policyVersion: 4 }) });
  render(<PolicyScreen policyNumber="POL-CA-2026-000001" endorsement={null} onEndorse={() => {}} onEndorsementDone={() => {}} />);
  expect((await screen.findByText(/The server has version 4 of this policy/)).id).toBe("policy-needs-sync");
  expect(screen.queryByRole("button", { name: "Cancel" })).toBeNull();
  expect((screen.getByRole("button", { name: "Declarations page" }) as HTMLButtonElement).disabled).toBe(true);
});

it("shows who and what is insured: the named insured, drivers without the license number, vehicles and coverages", async () => {
  const input = quoteInput();
  input.quote = {
    ...input.quote,
    coverages: [
      { code: "BI", limit: "100/300", deductible: null, vehicles: null },
      { code: "COLL", limit: null, deductible: "500", vehicles: [0] },
    ],
  };
  mockCommands({ policy_file: () => ({ ...view, input }) });
  render(<PolicyScreen policyNumber="POL-CA-2026-000001" endorsement={null} onEndorse={() => {}} onEndorsementDone={() => {}} />);
  const insured = await screen.findByRole("heading", { name: "Insured" });
  const section = insured.closest("#policy-insured-summary") as HTMLElement;
  expect(section.textContent).toContain("Ana Reyes");
  expect(section.textContent).toContain("1 Valencia St, San Francisco, CA 94110");
  const driver = within(screen.getByRole("list", { name: "Drivers" })).getAllByRole("listitem")[0];
  expect(driver.textContent).toContain("born Mar 2, 1985");
  expect(driver.textContent).toContain("California license");
  expect(section.textContent).not.toContain("D1234567");
  expect(section.textContent).not.toContain("4567");
  expect(within(screen.getByRole("list", { name: "Vehicles" })).getByText("2020 Honda Accord")).toBeTruthy();
  expect(section.textContent).toContain("VIN 1HGCV1F39LA151313");
  const coverages = section.querySelector("#policy-coverages") as HTMLElement;
  expect([...coverages.querySelectorAll("tbody tr")].map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent))).toEqual([
    ["Bodily injury", "$100,000 / $300,000", "None", "All"],
    ["Collision", "Included", "$500", "2020 Honda Accord"],
  ]);
  // The heading order puts it above the timeline.
  const headings = screen.getAllByRole("heading").map((h) => h.textContent);
  expect(headings.indexOf("Insured")).toBeLessThan(headings.indexOf("Timeline"));
});

it("shows a homeowners policy's dwelling and prior claims", async () => {
  const input = quoteInput();
  input.quote = {
    ...input.quote,
    product: "homeowners-ho3",
    drivers: [],
    vehicles: [],
    coverages: [{ code: "DWELLING", limit: "400000", deductible: "2%", vehicles: null }],
    dwelling: {
      year_built: 2001,
      construction: "frame",
      protection_class: 3,
      roof_age: 5,
      roof_type: "tile",
      square_feet: 1800,
      coverage_a: "400000",
      address: { street: "1 Main St", city: "Tampa", state: "FL", zip: "33629" },
    },
    prior_claims: [],
  };
  input.licenses = [];
  mockCommands({ policy_file: () => ({ ...view, working: { ...inForce, product: "homeowners-ho3" }, input }) });
  render(<PolicyScreen policyNumber="POL-CA-2026-000001" endorsement={null} onEndorse={() => {}} onEndorsementDone={() => {}} />);
  expect(await screen.findByRole("heading", { name: "Dwelling" })).toBeTruthy();
  const section = document.getElementById("policy-insured-summary")!;
  expect(section.textContent).toContain("1 Main St, Tampa, FL 33629");
  expect(section.textContent).toContain("Tile, 5 years old");
  expect(section.textContent).toContain("$400,000.00");
  expect(section.textContent).toContain("None in the last five years.");
  expect(screen.queryByRole("heading", { name: "Drivers" })).toBeNull();
  const row = section.querySelector('#policy-coverages tr[data-coverage="DWELLING"]')!;
  expect([...row.querySelectorAll("td")].map((td) => td.textContent)).toEqual(["Dwelling", "$400,000", "2%"]);
});
