import { describe, expect, it } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import type { CustomerRecord } from "../bindings";
import { Args, mockCommands } from "../test/ipc";
import { emptyDashboard, mariaFound, mariasAccount } from "../test/fixtures";
import { CustomerScreen } from "./CustomerScreen";

/** An offline workstation whose store finds Maria Lopez. */
function commands(more: Record<string, (args: Args) => unknown> = {}) {
  return mockCommands({
    startup_status: () => null,
    setup_status: () => ({ mode: "offline" }),
    enrollment_status: () => ({ state: "notEnrolled" }),
    sync_issues: () => [],
    dashboard: () => emptyDashboard(),
    search: () => mariaFound,
    customer: () => mariasAccount,
    ...more,
  });
}

async function openPalette(user: ReturnType<typeof userEvent.setup>) {
  render(<App />);
  await screen.findByRole("navigation", { name: "Screens" });
  await user.keyboard("{Control>}k{/Control}");
  return screen.findByRole("dialog", { name: "Command palette" });
}

describe("the palette's global search", () => {
  it("lists customers, quotes, policies and vehicles in words, and opens the customer picked", async () => {
    const calls = commands();
    const user = userEvent.setup();
    const dialog = await openPalette(user);
    await user.keyboard("maria");
    // Each item is named by all it shows; the customer is the one whose name starts with hers.
    const customer = await within(dialog).findByRole("menuitem", { name: /^Maria Lopez/ });
    expect(calls).toContainEqual(["search", { text: "maria" }]);
    for (const group of ["Customers", "Quotes", "Policies", "Vehicles"]) expect(within(dialog).getByText(group)).toBeTruthy();
    expect(customer.textContent).toContain("San Francisco, CA · 1 quote · 1 policy · Auto");
    const quote = within(dialog).getByRole("menuitem", { name: /^QUOT-2026-000004/ });
    expect(quote.textContent).toContain("Maria Lopez · Approved · $1,290.50");
    expect(within(dialog).getByRole("menuitem", { name: /^POL-CA-2026-000003/ }).textContent).toContain("Maria Lopez · In force");
    expect(within(dialog).getByRole("menuitem", { name: /^1HGCV1F39LA151313/ }).textContent).toContain(
      "2020 Honda Accord · QUOT-2026-000004 · Maria Lopez",
    );

    await user.click(customer);
    const account = await screen.findByRole("heading", { name: "Maria Lopez", level: 2 });
    expect(account.closest("#customer-screen")?.getAttribute("data-customer-id")).toBe("7");
    expect(document.querySelector("main")?.dataset.screen).toBe("customer");
    expect(calls).toContainEqual(["customer", { customerId: 7 }]);
  });

  it("opens a vehicle's quote and a policy", async () => {
    commands();
    const user = userEvent.setup();
    let dialog = await openPalette(user);
    await user.keyboard("1HGCV1");
    await user.click(await within(dialog).findByRole("menuitem", { name: /^1HGCV1F39LA151313/ }));
    expect(document.querySelector("main")?.dataset.screen).toBe("quote");

    await user.keyboard("{Control>}k{/Control}");
    dialog = await screen.findByRole("dialog", { name: "Command palette" });
    await user.keyboard("POL-CA");
    await user.click(await within(dialog).findByRole("menuitem", { name: /^POL-CA-2026-000003/ }));
    expect(document.querySelector("main")?.dataset.screen).toBe("policy");
  });

  it("does not search for a single character", async () => {
    const calls = commands();
    const user = userEvent.setup();
    const dialog = await openPalette(user);
    await user.keyboard("m");
    await waitFor(() => expect(within(dialog).queryByText("Searching…")).toBeNull());
    expect(calls.map(([cmd]) => cmd)).not.toContain("search");
  });
});

function renderCustomer(opened: string[] = []) {
  return render(
    <CustomerScreen
      customerId={7}
      onOpenQuote={(id) => opened.push(`quote ${id}`)}
      onOpenPolicy={(number) => opened.push(`policy ${number}`)}
      onNewQuote={(product, prefill) => opened.push(`new ${product} for ${prefill.name}`)}
    />,
  );
}

describe("the customer screen", () => {
  it("shows contact, quotes, policies, notes, activity in words and the multi-policy opportunity", async () => {
    commands();
    const user = userEvent.setup();
    const opened: string[] = [];
    renderCustomer(opened);
    await screen.findByRole("heading", { name: "Maria Lopez" });
    const section = document.getElementById("customer-screen")!;
    expect(section.textContent).toContain("12 Mission St, San Francisco, CA 94110");
    expect(section.textContent).toContain("1980-05-14");
    expect(section.textContent).toContain("maria@example.com");
    expect(section.textContent).toContain("415-555-0142");

    const quotes = screen.getByRole("table", { name: "Quotes" });
    const quoteRow = within(quotes).getByRole("row", { name: /QUOT-2026-000004/ });
    expect(quoteRow.textContent).toContain("Personal auto");
    expect(quoteRow.textContent).toContain("Approved");
    expect(quoteRow.textContent).toContain("$1,290.50");
    const policies = screen.getByRole("table", { name: "Policies" });
    const policyRow = within(policies).getByRole("row", { name: /POL-CA-2026-000003/ });
    expect(policyRow.textContent).toContain("In force");
    expect(policyRow.textContent).toContain("2026-11-01 to 2027-11-01");

    expect(screen.getByText("Prefers calls after 5pm")).toBeTruthy();
    const activity = document.getElementById("customer-activity")!;
    expect(activity.textContent).toContain("Referral approved");
    expect(activity.textContent).toContain("Bind requested");
    expect(activity.textContent).not.toMatch(/quote\.|version/);

    const opportunity = screen.getByRole("note");
    expect(opportunity.textContent).toContain("Multi-policy opportunity");
    expect(opportunity.textContent).toContain("Maria has auto insurance with us but no home");
    await user.click(within(opportunity).getByRole("button", { name: "Start a home quote for Maria" }));
    await user.click(within(quotes).getByRole("button", { name: "QUOT-2026-000004" }));
    await user.click(within(policies).getByRole("button", { name: "POL-CA-2026-000003" }));
    expect(opened).toEqual(["new homeowners-ho3 for Maria Lopez", "quote 4", "policy POL-CA-2026-000003"]);
  });

  it("adds a note with the command and lists it", async () => {
    const withNote: CustomerRecord = {
      ...mariasAccount,
      notes: [{ id: 3, body: "Asked about umbrella cover", author: "agent1", created_at: "2026-11-04T10:00:00Z" }, ...mariasAccount.notes],
    };
    const calls = commands({ add_customer_note: () => withNote });
    const user = userEvent.setup();
    renderCustomer();
    await user.type(await screen.findByLabelText("Note"), "Asked about umbrella cover");
    await user.click(screen.getByRole("button", { name: "Add note" }));
    expect(await screen.findByText("Asked about umbrella cover")).toBeTruthy();
    expect(calls).toContainEqual(["add_customer_note", { customerId: 7, body: "Asked about umbrella cover" }]);
    expect((screen.getByLabelText("Note") as HTMLTextAreaElement).value).toBe("");
  });

  it("keeps the typed note and says what is wrong when it is refused", async () => {
    commands({
      add_customer_note: () =>
        Promise.reject({
          code: "input.invalid",
          message: "note: too long",
          fields: [{ path: "note", message: "at most 4000 characters" }],
        }),
    });
    const user = userEvent.setup();
    renderCustomer();
    const field = await screen.findByLabelText("Note");
    await user.type(field, "Too long a note");
    await user.click(screen.getByRole("button", { name: "Add note" }));
    const alert = await screen.findByRole("alert");
    expect(alert.id).toBe("note-error");
    expect(alert.textContent).toContain("Note: at most 4000 characters");
    expect((field as HTMLTextAreaElement).value).toBe("Too long a note");
    expect(field.getAttribute("aria-invalid")).toBe("true");
  });
});
