import { describe, expect, it } from "vitest";
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import type { BackgroundSyncEvent, Notifications, QuoteDetailView, SyncResult } from "../bindings";
import { Args, mockCommands, names } from "../test/ipc";
import { emptyDashboard, enrolledAgent, mariasQuote, quoteInput, someNotifications } from "../test/fixtures";

const quoteView: QuoteDetailView = {
  detail: { summary: mariasQuote, input: quoteInput(), versions: [] },
  rating: null,
  draftId: null,
  syncIssues: [],
};

/** An enrolled agent's workstation whose notifications are `notes()`. */
function commands(notes: () => Notifications = () => someNotifications(), more: Record<string, (args: Args) => unknown> = {}) {
  return mockCommands({
    startup_status: () => null,
    setup_status: () => ({ mode: "enrolled" }),
    enrollment_status: () => enrolledAgent,
    sync_issues: () => [],
    dashboard: () => emptyDashboard(),
    notifications: () => notes(),
    mark_notifications_read: () => 4,
    get_quote: () => quoteView,
    list_quotes: () => [],
    ...more,
  });
}

async function renderApp(props: Parameters<typeof App>[0] = {}) {
  render(<App {...props} />);
  return waitFor(() => {
    const bell = document.getElementById("nav-notifications");
    expect(bell).not.toBeNull();
    return bell as HTMLElement;
  });
}

const INTERNAL = [/[a-z]+_[a-z_]+/, /[a-z]+\.[a-z_]+/, /\b[0-9a-f]{64}\b/, /@/];

describe("notifications", () => {
  it("the bell says how many are unread; the panel lists them in words and opening it marks them read", async () => {
    let notes = someNotifications();
    const calls = commands(() => notes);
    const user = userEvent.setup();
    const bell = await renderApp();
    expect(bell.getAttribute("aria-label")).toBe("Notifications, 5 unread");
    expect(bell.dataset.unread).toBe("5");

    // Once read, the store answers with none unread.
    notes = { ...notes, unread: 0, unread_quotes: 0, items: notes.items.map((n) => ({ ...n, read: true })) };
    await user.click(bell);
    const panel = await screen.findByRole("dialog", { name: "Notifications" });
    expect(panel.id).toBe("notifications");
    expect(calls).toContainEqual(["mark_notifications_read", { upTo: 8 }]);
    const text = (kind: string) => panel.querySelector(`[data-kind="${kind}"]`)?.textContent ?? "";
    expect(text("policy_issued")).toContain("Policy POL-CA-2026-000003 was issued");
    expect(text("referral_approved")).toContain("QUOT-2026-000004 was approved by underwriting: “driving record verified”");
    expect(text("referral_declined")).toContain("QUOT-2026-000002 was declined by underwriting: “too many losses”");
    expect(text("pack_installed")).toContain("Rate pack California personal auto, 2026.1 is installed");
    expect(text("draft_approved")).toContain("Your rate draft for California personal auto, 2026.3 was approved: “looks right”");
    expect(text("draft_rejected")).toContain("was rejected: “base rate too high”");
    expect(text("change_refused")).toContain("The server refused a change to a bind request — open Sync for what to do");
    for (const pattern of INTERNAL) expect(panel.textContent).not.toMatch(pattern);
    await waitFor(() => expect(bell.getAttribute("aria-label")).toBe("Notifications, none unread"));

    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog", { name: "Notifications" })).toBeNull());
  });

  it("opens the quote an item is about, with the underwriter's note and the customer's link", async () => {
    commands();
    const user = userEvent.setup();
    await user.click(await renderApp());
    const panel = await screen.findByRole("dialog", { name: "Notifications" });
    await user.click(within(panel).getByRole("button", { name: /QUOT-2026-000004 was approved/ }));
    const quote = await screen.findByRole("region", { name: "Quote QUOT-2026-000004" });
    expect(quote.querySelector("#underwriting-note")?.textContent).toBe("Underwriting note: driving record verified");
    expect(within(quote).getByRole("button", { name: "Maria Lopez" }).id).toBe("open-customer");
  });

  it("wires the sidebar's badges, the last sync time and a failed sync into the shell", async () => {
    commands(() => ({ ...someNotifications(), last_sync_error: "sync.unreachable" }));
    await renderApp();
    const nav = screen.getByRole("navigation", { name: "Screens" });
    await waitFor(() => expect(within(nav).getByRole("button", { name: /Quotes/ }).textContent).toContain("2"));
    expect(within(nav).getByRole("button", { name: /Sync/ }).textContent).toContain("1");
    expect(document.getElementById("last-synced")?.textContent).toContain("Last synced");
    const failed = document.getElementById("last-sync-error")!;
    expect(failed.textContent).toMatch(/^Last sync failed/);
    expect(failed.getAttribute("title")).not.toContain("sync.unreachable");
  });

  it("says Never synced when enrolled and never synced", async () => {
    commands(() => ({ ...someNotifications(), last_synced_at: null }));
    await renderApp();
    await waitFor(() => expect(document.getElementById("last-synced")?.textContent).toBe("Never synced"));
  });

  it("loads again after a background sync and at each screen change", async () => {
    const calls = commands();
    let hear: (event: BackgroundSyncEvent) => void = () => {};
    const user = userEvent.setup();
    await renderApp({ onBackgroundSync: (handler) => Promise.resolve(((hear = handler), () => undefined)) });
    const loads = () => names(calls).filter((c) => c === "notifications").length;
    const before = loads();
    await user.click(within(screen.getByRole("navigation", { name: "Screens" })).getByRole("button", { name: /^Quotes/ }));
    await waitFor(() => expect(loads()).toBe(before + 1));
    const listed = names(calls).filter((c) => c === "list_quotes").length;
    const result: SyncResult = {
      delivered: 0,
      accepted: 0,
      duplicate: 0,
      rejected: 0,
      conflict: 0,
      policiesIssued: ["POL-CA-2026-000009"],
      changesPulled: 1,
      changesApplied: 1,
      changesNotApplied: 0,
      packsInstalled: [],
      renumbered: [],
      serverRestored: false,
    };
    act(() => hear({ outcome: "synced", result }));
    await waitFor(() => expect(loads()).toBe(before + 2));
    // The open quote list loads again too.
    await waitFor(() => expect(names(calls).filter((c) => c === "list_quotes").length).toBe(listed + 1));
    act(() => hear({ outcome: "unreachable", retryInSeconds: 60 }));
    await waitFor(() => expect(loads()).toBe(before + 3));
  });
});
