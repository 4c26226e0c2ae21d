import { describe, expect, it, vi } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { RatingView } from "../bindings";
import { emptyForm, WizardForm } from "./form";
import { options } from "./testdata";
import { Wizard } from "./Wizard";
import { Handler, mockCommands } from "../test/ipc";
import { customer, driver } from "../test/fixtures";

const rating: RatingView = {
  packId: "ca-personal-auto/2026.1@abc",
  packDigest: "abc",
  draft: false,
  premium: "1234.5",
  coverages: [
    {
      code: "BI",
      name: "Bodily injury liability",
      vehicle: 0,
      driver: 0,
      limit: "30/60",
      deductible: null,
      option: "30/60",
      premium: "1209.5",
      worksheet: [
        { step: "base", operation: "base", table: null, key: null, label: "Base rate", value: "462", subtotal: "462", note: null },
      ],
    },
  ],
  drivers: [{ driver: 0, role: "principal", vehicles: [0], rank: "100" }],
  fees: [{ name: "Policy fee", amount: "25" }],
  minimumPremiumAdjustment: "0",
  installments: {
    plan: "pay-in-full",
    name: "Pay in full",
    totalPayable: "1234.5",
    payments: [{ number: 1, due: "2026-02-01", amount: "1234.5" }],
  },
  risk: {
    unit: "vehicles[0]",
    frequency: "0.1065",
    relativity: "1.2",
    cappedRelativity: "1.2",
    applied: false,
    topReasons: [{ variable: "driver.violation_points_3y", value: "1", contribution: "0.18" }],
  },
  decision: "refer",
  reasons: [{ code: "UW-POINTS", action: "refer", message: "Three or more points", subject: "drivers[0]" }],
  unsigned: [],
};

/** A form the engine can rate, as a saved quote opens for editing. */
function complete(): WizardForm {
  const form = emptyForm("personal-auto", new Date(2026, 1, 1));
  return {
    ...form,
    ...customer,
    coverages: { BI: { selected: true, limit: "30/60", deductible: "" }, UM: { selected: true, limit: "30/60", deductible: "" } },
    vehicles: [{ ...form.vehicles[0], year: "2020" }],
    drivers: [{ ...form.drivers[0], ...driver }],
  };
}

function commands(overrides: Record<string, Handler> = {}) {
  return mockCommands({
    quote_options: () => options,
    lookup_zip: ({ zip }) => ({ zip, state: "CA", county: "San Francisco" }),
    decode_vin: ({ vin }) => ({ vin, manufacturer: "Honda", model_years: [2020] }),
    price_quote: () => rating,
    save_draft: ({ id }) => ({ id: id ?? 7, quote_id: null, product: "personal-auto", step: 1, label: "", created_at: "", updated_at: "" }),
    ...overrides,
  });
}

describe("the quote wizard", () => {
  it("keeps the agent on a step until its fields are filled, with each message next to its field", async () => {
    const calls = commands();
    const user = userEvent.setup();
    render(<Wizard start={{ kind: "new", product: "personal-auto" }} onSaved={() => {}} onClose={() => {}} />);
    await user.type(screen.getByLabelText("City"), "San Francisco");
    await user.click(screen.getByRole("button", { name: /Next: Vehicles/ }));

    const name = screen.getByLabelText("Customer name");
    expect(name.getAttribute("aria-invalid")).toBe("true");
    expect(document.getElementById(name.getAttribute("aria-describedby")!)?.textContent).toBe("Customer name is required");
    expect(screen.getByLabelText("City").getAttribute("aria-invalid")).toBeNull();
    expect(screen.getByRole("group", { name: "Customer and address" })).toBeTruthy();
    expect(document.activeElement).toBe(name);
    expect(calls.map(([c]) => c)).not.toContain("price_quote");
  });

  it("fills the state from the ZIP and says when they disagree", async () => {
    commands({ lookup_zip: ({ zip }) => ({ zip, state: "NY", county: "New York" }) });
    const user = userEvent.setup();
    render(<Wizard start={{ kind: "new", product: "personal-auto" }} onSaved={() => {}} onClose={() => {}} />);
    await user.type(screen.getByLabelText("ZIP"), "10001");
    await user.tab();
    await waitFor(() => expect((screen.getByLabelText("State") as HTMLInputElement).value).toBe("NY"));
    await user.clear(screen.getByLabelText("State"));
    await user.type(screen.getByLabelText("State"), "CA");
    const zip = screen.getByLabelText("ZIP");
    await waitFor(() =>
      expect(document.getElementById(zip.getAttribute("aria-describedby")!)?.textContent).toBe(
        "ZIP code is in New York, not in California where the quote is",
      ),
    );
    // It is refused at its own step.
    await user.click(screen.getByRole("button", { name: /Next: Vehicles/ }));
    expect(document.querySelector("section.wizard")?.getAttribute("data-step")).toBe("1");
  });

  it("decodes a VIN into the model year and make", async () => {
    commands();
    const user = userEvent.setup();
    render(
      <Wizard
        start={{ kind: "edit", quoteId: 3, form: { ...complete(), vehicles: [{ ...complete().vehicles[0], year: "" }] } }}
        onSaved={() => {}}
        onClose={() => {}}
      />,
    );
    await user.click(screen.getByRole("button", { name: "2. Vehicles" }));
    await user.type(screen.getByLabelText("VIN"), "1hgcv1f39la151313");
    await user.click(screen.getByRole("button", { name: "Decode VIN of vehicle 1" }));
    await waitFor(() => expect((screen.getByLabelText("Model year") as HTMLInputElement).value).toBe("2020"));
    expect((screen.getByLabelText("Make") as HTMLInputElement).value).toBe("Honda");
    expect((screen.getByLabelText("VIN") as HTMLInputElement).value).toBe("1HGCV1F39LA151313");
  });

  it("offers limits and deductibles as amounts, under the coverage's name", async () => {
    commands();
    const user = userEvent.setup();
    render(<Wizard start={{ kind: "edit", quoteId: 3, form: complete() }} onSaved={() => {}} onClose={() => {}} />);
    await user.click(screen.getByRole("button", { name: "3. Coverages" }));
    const bi = (await screen.findByLabelText("Bodily injury limit")) as HTMLSelectElement;
    expect([...bi.options].map((o) => [o.value, o.textContent])).toEqual([
      ["30/60", "$30,000 / $60,000"],
      ["100/300", "$100,000 / $300,000"],
    ]);
    const coll = screen.getByLabelText("Collision deductible") as HTMLSelectElement;
    expect([...coll.options].map((o) => o.textContent)).toEqual(["$250", "$500"]);
  });

  it("re-prices once typing pauses and shows the premium as money", async () => {
    const calls = commands();
    const user = userEvent.setup();
    render(<Wizard start={{ kind: "edit", quoteId: 3, form: complete() }} onSaved={() => {}} onClose={() => {}} />);
    await waitFor(() => expect(screen.getByText("$1,234.50")).toBeTruthy());
    const before = calls.filter(([c]) => c === "price_quote").length;
    expect(before).toBe(1);
    await user.type(screen.getByLabelText("Street"), " Apt 4");
    // Until the new price arrives, the last one shows, marked as updating.
    expect(screen.getByText("$1,234.50 (updating)").dataset.state).toBe("pricing");
    await waitFor(() => expect(calls.filter(([c]) => c === "price_quote").length).toBe(2), { timeout: 2000 });
    await waitFor(() => expect(screen.getByText("$1,234.50").dataset.state).toBe("priced"));
    const last = calls.filter(([c]) => c === "price_quote").pop()![1] as {
      input: { quote: { applicant: { address: { street: string } } } };
    };
    expect(last.input.quote.applicant.address.street).toBe("1 Valencia St Apt 4");
  });

  it("puts the engine's problem next to the field it names", async () => {
    commands({
      price_quote: () =>
        Promise.reject({
          code: "input.invalid",
          message: "quote.drivers[0].license_date: 2003-06-01 is before the driver's 14th birthday",
          fields: [{ path: "quote.drivers[0].license_date", message: "2003-06-01 is before the driver's 14th birthday" }],
        }),
    });
    const user = userEvent.setup();
    render(<Wizard start={{ kind: "edit", quoteId: 3, form: complete() }} onSaved={() => {}} onClose={() => {}} />);
    await waitFor(() => expect(screen.getByText("Cannot price yet")).toBeTruthy());
    expect(screen.getByRole("button", { name: "4. Drivers" }).dataset.problems).toBeUndefined();
    await user.click(screen.getByRole("button", { name: "4. Drivers" }));
    const field = screen.getByLabelText("First licensed");
    expect(document.getElementById(field.getAttribute("aria-describedby")!)?.textContent).toBe(
      `${driver.name} · First licensed: 2003-06-01 is before the driver's 14th birthday`,
    );
    // Review cannot be reached: the move stops on the drivers, with the focus on the field.
    await user.click(screen.getByRole("button", { name: "5. Review" }));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText("First licensed")));
    expect(document.querySelector("section.wizard")?.getAttribute("data-step")).toBe("4");
    expect(screen.queryByRole("button", { name: "Save as a new version" })).toBeNull();
    // The field is named as the agent knows it: the driver by name, never the engine's path.
    const problem = document.querySelector("#step-problems li[data-path='drivers.0.licenseDate']") as HTMLElement;
    expect(problem.textContent).toBe(`${driver.name} · First licensed: 2003-06-01 is before the driver's 14th birthday`);
    expect(screen.getByRole("button", { name: /^4\. Drivers/ }).dataset.problems).toBe("1");
  });

  it("saves the draft as the agent types, and the finished quote with its draft", async () => {
    const calls = commands({
      save_quote: () => ({ summary: { id: 3, quote_number: "QUOT-2026-000003" }, rating }),
    });
    const onSaved = vi.fn();
    const user = userEvent.setup();
    render(<Wizard start={{ kind: "edit", quoteId: 3, form: complete() }} onSaved={onSaved} onClose={() => {}} />);
    await user.clear(screen.getByLabelText("Customer name"));
    await user.type(screen.getByLabelText("Customer name"), "Ana Reyes-Ortiz");
    await waitFor(() => expect(calls.some(([c]) => c === "save_draft")).toBe(true), { timeout: 2000 });
    const draft = calls.filter(([c]) => c === "save_draft").pop()![1] as {
      id: number | null;
      draft: { quote_id: number; label: string; step: number; form: WizardForm };
    };
    expect(draft.draft.quote_id).toBe(3);
    expect(draft.draft.label).toBe("Ana Reyes-Ortiz");
    expect(draft.draft.form.name).toBe("Ana Reyes-Ortiz");
    expect(await screen.findByText("Draft saved (draft 7)")).toBeTruthy();

    await user.click(screen.getByRole("button", { name: "5. Review" }));
    const review = await screen.findByRole("region", { name: "Premium" });
    expect(within(review).getAllByText("$1,234.50").length).toBeGreaterThan(0);
    expect(within(review).getByText("Referred to an underwriter")).toBeTruthy();
    expect(within(review).getByText(/Three or more points/)).toBeTruthy();
    expect(within(review).getByText(/Violation points \(3 years\): 1/)).toBeTruthy();
    await waitFor(() => expect((screen.getByRole("button", { name: "Save as a new version" }) as HTMLButtonElement).disabled).toBe(false));
    await user.click(screen.getByRole("button", { name: "Save as a new version" }));
    await waitFor(() => expect(onSaved).toHaveBeenCalledWith({ id: 3, quote_number: "QUOT-2026-000003" }));
    const save = calls.find(([c]) => c === "save_quote")![1] as {
      draftId: number;
      quoteId: number;
      input: { quote: { applicant: { name: string } } };
    };
    expect([save.draftId, save.quoteId, save.input.quote.applicant.name]).toEqual([7, 3, "Ana Reyes-Ortiz"]);
  });

  it("resumes a draft at its step, with fields an older draft lacks filled in", async () => {
    const { claims: _, ...older } = complete();
    commands({
      load_draft: () => ({
        summary: { id: 4, quote_id: null, product: "personal-auto", step: 4, label: "Ana Reyes", created_at: "", updated_at: "" },
        draft: { quote_id: null, product: "personal-auto", step: 4, label: "Ana Reyes", form: older },
      }),
    });
    render(<Wizard start={{ kind: "draft", draftId: 4 }} onSaved={() => {}} onClose={() => {}} />);
    expect(await screen.findByRole("group", { name: "Losses in the past five years" })).toBeTruthy();
    expect((screen.getByLabelText("Driver name") as HTMLInputElement).value).toBe("Ana Reyes");
    expect(screen.getByRole("button", { name: "4. Drivers" }).getAttribute("aria-current")).toBe("step");
  });

  it("refuses a date of birth in the future at its own step: the message by the field, the focus on it, the step flagged once visited", async () => {
    commands();
    const user = userEvent.setup();
    render(<Wizard start={{ kind: "new", product: "personal-auto" }} onSaved={() => {}} onClose={() => {}} />);
    for (const [label, value] of [
      ["Customer name", "Ana Reyes"],
      ["Street", "1 Valencia St"],
      ["City", "San Francisco"],
      ["ZIP", "94110"],
      ["Date of birth", "2030-01-01"],
    ])
      await user.type(screen.getByLabelText(label), value);
    // Nothing is flagged on steps not visited yet.
    expect(document.querySelectorAll("button.step-button[data-problems]").length).toBe(0);
    await user.click(screen.getByRole("button", { name: /Next: Vehicles/ }));
    const dob = screen.getByLabelText("Date of birth");
    await waitFor(() => expect(document.activeElement).toBe(dob));
    expect(document.querySelector("section.wizard")?.getAttribute("data-step")).toBe("1");
    expect(document.getElementById(dob.getAttribute("aria-describedby")!)?.textContent).toBe("Date of birth is in the future");
    expect(screen.getByRole("button", { name: /^1\. Customer/ }).dataset.problems).toBe("1");
    expect(screen.getByRole("button", { name: /^2\. Vehicles/ }).dataset.problems).toBeUndefined();
    // Corrected, Next goes on.
    await user.clear(dob);
    await user.type(dob, "1985-03-02");
    await user.click(screen.getByRole("button", { name: /Next: Vehicles/ }));
    await waitFor(() => expect(document.querySelector("section.wizard")?.getAttribute("data-step")).toBe("2"));
  });

  it("checks a field as it is left, and refuses a malformed email", async () => {
    commands();
    const user = userEvent.setup();
    render(<Wizard start={{ kind: "new", product: "personal-auto" }} onSaved={() => {}} onClose={() => {}} />);
    const email = screen.getByLabelText("Email");
    await user.type(email, "name@example");
    expect(email.getAttribute("aria-invalid")).toBeNull();
    await user.tab();
    expect(email.getAttribute("aria-invalid")).toBe("true");
    expect(document.getElementById(email.getAttribute("aria-describedby")!)?.textContent).toMatch(/^Email is not a complete email address/);
  });

  it("formats the phone and the amounts as they are left, and fills driver 1 from the named insured", async () => {
    commands();
    const user = userEvent.setup();
    render(<Wizard start={{ kind: "new", product: "personal-auto" }} onSaved={() => {}} onClose={() => {}} />);
    await user.type(screen.getByLabelText("Customer name"), "Ana Reyes");
    await user.type(screen.getByLabelText("Date of birth"), "1985-03-02");
    await user.type(screen.getByLabelText("Phone"), "4155550134");
    await user.tab();
    expect((screen.getByLabelText("Phone") as HTMLInputElement).value).toBe("(415) 555-0134");
    await user.click(screen.getByRole("button", { name: /^2\. Vehicles/ }));
    const miles = screen.getByLabelText("Annual miles") as HTMLInputElement;
    await user.clear(miles);
    await user.type(miles, "2400");
    await user.tab();
    expect(miles.value).toBe("2,400");
    expect(miles.getAttribute("aria-invalid")).toBeNull();
    await user.click(screen.getByRole("button", { name: /^4\. Drivers/ }));
    expect((screen.getByLabelText("Driver name") as HTMLInputElement).value).toBe("Ana Reyes");
    expect((screen.getByLabelText("Driver date of birth") as HTMLInputElement).value).toBe("1985-03-02");
    // Retyped by the agent, driver 1 ends as typed.
    await user.clear(screen.getByLabelText("Driver name"));
    await user.type(screen.getByLabelText("Driver name"), "Ana Reyes");
    expect((screen.getByLabelText("Driver name") as HTMLInputElement).value).toBe("Ana Reyes");
  });

  it("refuses a VIN the look-up cannot decode when Next leaves the vehicles", async () => {
    commands({
      decode_vin: () => Promise.reject({ code: "input.invalid", message: "bad", fields: [{ path: "vin", message: "has no model year" }] }),
    });
    const user = userEvent.setup();
    render(<Wizard start={{ kind: "edit", quoteId: 3, form: complete() }} onSaved={() => {}} onClose={() => {}} />);
    await user.click(screen.getByRole("button", { name: /^2\. Vehicles/ }));
    await user.type(screen.getByLabelText("VIN"), "1HGCV1F39LA151313");
    await user.click(screen.getByRole("button", { name: /Next: Coverages/ }));
    const vin = screen.getByLabelText("VIN");
    await waitFor(() => expect(document.activeElement).toBe(vin));
    expect(document.getElementById(vin.getAttribute("aria-describedby")!)?.textContent).toBe("2020 · VIN has no model year");
    expect(document.querySelector("section.wizard")?.getAttribute("data-step")).toBe("2");
  });

  it("says why it cannot price, with a button to the field", async () => {
    commands({
      price_quote: () =>
        Promise.reject({
          code: "input.invalid",
          message: "invalid",
          fields: [
            { path: "quote.drivers[0].date_of_birth", message: "2030-01-01 is in the future (after the effective date 2026-02-01)" },
          ],
        }),
    });
    const user = userEvent.setup();
    render(<Wizard start={{ kind: "edit", quoteId: 3, form: complete() }} onSaved={() => {}} onClose={() => {}} />);
    await waitFor(() => expect(document.getElementById("price-reason")?.textContent).toMatch(/Date of birth/));
    expect(document.getElementById("price-reason")?.textContent).toContain(
      `${driver.name} · Date of birth: 2030-01-01 is in the future (after the effective date 2026-02-01).`,
    );
    await user.click(screen.getByRole("button", { name: "Go to the field" }));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByLabelText("Driver date of birth")));
    expect(document.querySelector("section.wizard")?.getAttribute("data-step")).toBe("4");
  });

  it("keeps a summary beside every step: the premium, the decision in words and the key facts", async () => {
    const calls = commands();
    const user = userEvent.setup();
    render(<Wizard start={{ kind: "edit", quoteId: 3, form: complete() }} onSaved={() => {}} onClose={() => {}} />);
    const summary = screen.getByRole("complementary", { name: "Quote summary" });
    await waitFor(() => expect(within(summary).getByText("$1,234.50").id).toBe("live-premium"));
    expect(document.querySelectorAll("#live-premium")).toHaveLength(1);
    const decision = document.getElementById("summary-decision")!;
    expect(decision.textContent).toBe("Needs an underwriter");
    expect(decision.dataset.decision).toBe("refer");
    const facts = Object.fromEntries(
      [...summary.querySelectorAll(".summary-facts div")].map((d) => [
        d.querySelector("dt")!.textContent,
        d.querySelector("dd")!.textContent,
      ]),
    );
    expect(facts).toEqual({
      Insured: "Ana Reyes",
      State: "California",
      Product: "Personal auto",
      Effective: "2026-02-01",
      Drivers: "1",
      Vehicles: "1",
    });
    // It stays on every step.
    await user.click(screen.getByRole("button", { name: /Next: Vehicles/ }));
    await waitFor(() => expect(document.querySelector("section.wizard")?.getAttribute("data-step")).toBe("2"));
    expect(within(screen.getByRole("complementary", { name: "Quote summary" })).getByText("Ana Reyes")).toBeTruthy();
    expect(calls.some(([c]) => c === "price_quote")).toBe(true);
  });

  it("fills a date from its calendar through the same path as typing", async () => {
    commands();
    const user = userEvent.setup();
    render(<Wizard start={{ kind: "new", product: "personal-auto" }} onSaved={() => {}} onClose={() => {}} />);
    await user.click(screen.getByRole("button", { name: "Choose date of birth" }));
    const dialog = await screen.findByRole("dialog", { name: "Choose date of birth" });
    await user.selectOptions(within(dialog).getByLabelText("Year"), "1985");
    await user.selectOptions(within(dialog).getByLabelText("Month"), "3");
    await user.click(within(dialog).getByRole("button", { name: /March 2, 1985/ }));
    expect((screen.getByLabelText("Date of birth") as HTMLInputElement).value).toBe("1985-03-02");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    // The summary follows the form as it is filled.
    await user.type(screen.getByLabelText("Customer name"), "Ana Reyes");
    expect(screen.getByRole("complementary", { name: "Quote summary" }).textContent).toContain("Ana Reyes");
  });

  it("discards a resumed draft once the agent confirms", async () => {
    const calls = commands({
      load_draft: () => ({
        summary: { id: 4, quote_id: null, product: "personal-auto", step: 2, label: "Ana Reyes", created_at: "", updated_at: "" },
        draft: { quote_id: null, product: "personal-auto", step: 2, label: "Ana Reyes", form: complete() },
      }),
      discard_draft: () => true,
    });
    const onClose = vi.fn();
    const user = userEvent.setup();
    render(<Wizard start={{ kind: "draft", draftId: 4 }} onSaved={() => {}} onClose={onClose} />);
    await user.click(await screen.findByRole("button", { name: "Discard draft" }));
    expect(calls.some(([c]) => c === "discard_draft")).toBe(false);
    await user.click(screen.getByRole("button", { name: "Discard this draft" }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(calls.filter(([c]) => c === "discard_draft").map(([, a]) => a)).toEqual([{ id: 4 }]);
    expect(calls.some(([c]) => c === "save_draft")).toBe(false);
  });
});
