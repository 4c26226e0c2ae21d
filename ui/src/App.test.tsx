import { describe, expect, it } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "./App";
import { MESSAGES } from "./shared/messages";
import type { QuoteView } from "./bindings";
import { mockCommands } from "./test/ipc";
import { biCoverage, emptyDashboard } from "./test/fixtures";

const quote: QuoteView = {
  quoteId: 42,
  packId: "ca-auto-2026@sha256:abc",
  premium: "1234.5",
  coverages: [
    biCoverage("600.25", [
      { step: "base", operation: "base", table: null, key: null, label: "Base rate", value: "500.00", subtotal: "500.00", note: null },
    ]),
  ],
  fees: [{ name: "Policy fee", amount: "25" }],
  assumptions: ["one driver, clean record"],
  decision: "refer",
  reasons: ["vehicle.age: older than 20 years"],
};

/** Mocks the commands; `rate` answers `rate_quote`. Returns the calls made. */
function commands(
  rate: (args: unknown) => unknown = () => quote,
  startup: () => unknown = () => null,
  setup: { mode: string | null } = { mode: "offline" },
) {
  const calls = mockCommands({
    startup_status: () => startup(),
    setup_status: () => setup,
    work_offline: () => {
      setup.mode = "offline";
      return setup;
    },
    rate_quote: (args) => rate(args),
    enrollment_status: () => ({ state: "notEnrolled" }),
    sync_issues: () => [],
    dashboard: () => emptyDashboard(),
  });
  return calls;
}

describe("quick quote", () => {
  it("rates what the agent typed and shows the premium as money with its breakdown", async () => {
    const calls = commands();
    const user = userEvent.setup();
    render(<App />);
    await user.click(screen.getByRole("button", { name: "Quick quote" }));
    await user.type(screen.getByLabelText("Garaging ZIP"), "90210");
    await user.type(screen.getByLabelText("Vehicle model year"), "2020");
    await user.click(screen.getByRole("button", { name: "Rate" }));

    const premium = await screen.findByRole("region", { name: "Premium" });
    expect(within(premium).getByText("$1,234.50")).toBeTruthy();
    expect(within(premium).getByText("$600.25")).toBeTruthy();
    expect(within(premium).getByText("$25.00")).toBeTruthy();
    expect(within(premium).getByText("Older than 20 years")).toBeTruthy();
    expect(premium.querySelector('li[data-code="vehicle.age"]')).not.toBeNull();
    expect(calls).toContainEqual(["rate_quote", { zip: "90210", vehicleYear: 2020 }]);
  });

  it("refuses a model year that is not four digits next to the form, without calling the engine", async () => {
    const calls = commands();
    const user = userEvent.setup();
    render(<App />);
    await user.click(screen.getByRole("button", { name: "Quick quote" }));
    await user.type(screen.getByLabelText("Garaging ZIP"), "90210");
    await user.type(screen.getByLabelText("Vehicle model year"), "20");
    await user.click(screen.getByRole("button", { name: "Rate" }));

    expect((await screen.findByRole("alert")).textContent).toContain("vehicle_year: enter a four-digit model year");
    expect(calls.map(([cmd]) => cmd)).not.toContain("rate_quote");
  });

  it("explains an error code the agent can act on", async () => {
    commands(() => Promise.reject({ code: "rating.no_pack", message: "no pack for ZIP 99999" }));
    const user = userEvent.setup();
    render(<App />);
    await user.click(screen.getByRole("button", { name: "Quick quote" }));
    await user.type(screen.getByLabelText("Garaging ZIP"), "99999");
    await user.type(screen.getByLabelText("Vehicle model year"), "2020");
    await user.click(screen.getByRole("button", { name: "Rate" }));

    const alert = await screen.findByRole("alert");
    // The sentence, then the raw message for support inside the closed Details.
    expect(alert.querySelector(".error-sentence")?.textContent).toBe(MESSAGES["rating.no_pack"]);
    expect(alert.querySelector("details:not([open])")?.textContent).toContain("no pack for ZIP 99999");
    expect(alert.dataset.code).toBe("rating.no_pack");
  });
});

it("says why the local store did not open", async () => {
  commands(undefined, () => Promise.reject({ code: "key.keychain_unavailable", message: "no secret service" }));
  render(<App />);
  const alert = await screen.findByRole("alert");
  expect(alert.textContent).toContain("The local store did not open.");
  expect(alert.textContent).toContain("The system keychain is locked or unavailable");
});

describe("first launch", () => {
  it("asks to work offline or enroll before anything else, and keeps the choice", async () => {
    const calls = commands(undefined, undefined, { mode: null });
    const user = userEvent.setup();
    render(<App />);
    expect(await screen.findByRole("heading", { name: "Welcome" })).toBeTruthy();
    // Nothing else is offered until the choice is made.
    expect(screen.queryByRole("navigation", { name: "Screens" })).toBeNull();
    expect(screen.getByLabelText("Server URL")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Work offline" }));
    expect(await screen.findByRole("navigation", { name: "Screens" })).toBeTruthy();
    expect(screen.queryByRole("heading", { name: "Welcome" })).toBeNull();
    await waitFor(() => expect(document.getElementById("offline-banner")?.dataset.state).toBe("offline"));
    expect(calls.filter(([cmd]) => cmd === "work_offline")).toHaveLength(1);
  });

  it("goes straight to the dashboard once the choice was made", async () => {
    const calls = commands();
    render(<App />);
    expect(await screen.findByRole("navigation", { name: "Screens" })).toBeTruthy();
    expect(screen.queryByRole("heading", { name: "Welcome" })).toBeNull();
    expect(calls.some(([cmd]) => cmd === "work_offline")).toBe(false);
  });
});

describe("rate management tabs", () => {
  /** Mocks startup and an enrollment with `role`; the rate screens answer with nothing to show. */
  function enrolledAs(role: string) {
    mockCommands({
      startup_status: () => null,
      setup_status: () => ({ mode: "enrolled" }),
      enrollment_status: () => ({
        state: "enrolled",
        serverUrl: "http://127.0.0.1:8787",
        username: `${role}1`,
        role,
        deviceId: "d-1",
        deviceName: "laptop",
        quoteNumbers: "QUOT-2026-00007-NNNNN, this device's own",
        nextQuoteNumber: "QUOT-2026-00007-00001",
        enrolledAt: "2026-11-20T09:00:00Z",
        tokenExpiresAt: "2026-12-20T09:00:00Z",
      }),
      sync_issues: () => [],
      rate_drafts: () => [],
      pack_reviews: () => [],
      approval_key: () => null,
      dashboard: () => emptyDashboard(),
    });
  }

  it("offers Rates and Approvals to an underwriter", async () => {
    enrolledAs("underwriter");
    const user = userEvent.setup();
    render(<App />);
    await user.click(await screen.findByRole("button", { name: "Rates" }));
    expect(document.querySelector("main")!.dataset.screen).toBe("rates");
    expect(await screen.findByText("No drafts yet: edit a pack to start one.")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Approvals" }));
    expect(document.querySelector("main")!.dataset.screen).toBe("approvals");
    expect(document.getElementById("nav-approvals")!.getAttribute("aria-current")).toBe("page");
    // The key id suggested is the enrolled user's.
    expect(((await screen.findByLabelText("Key id")) as HTMLInputElement).value).toBe("underwriter1-approval");
  });

  it("does not offer them to an agent", async () => {
    enrolledAs("agent");
    render(<App />);
    await waitFor(() => expect(document.getElementById("offline-banner")?.dataset.state).toBe("enrolled"));
    expect(document.getElementById("nav-rates")).toBeNull();
    expect(document.getElementById("nav-approvals")).toBeNull();
  });
});
