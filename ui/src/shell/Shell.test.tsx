import { describe, expect, it } from "vitest";
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { mockCommands } from "../test/ipc";
import { emptyDashboard, enrolledAgent } from "../test/fixtures";
import type { PaletteItem } from "./CommandPalette";
import { keyLabels, SHORTCUTS } from "./shortcuts";
import { THEME_KEY } from "./theme";

/** The commands the shell's screens call, as an offline workstation or one enrolled as `role`. */
function commands(role: string | null = null) {
  return mockCommands({
    startup_status: () => null,
    setup_status: () => ({ mode: role ? "enrolled" : "offline" }),
    enrollment_status: () => (role ? { ...enrolledAgent, username: `${role}1`, role } : { state: "notEnrolled" }),
    sync_issues: () => [],
    dashboard: () => emptyDashboard(),
    list_quotes: () => [],
    rate_drafts: () => [],
    pack_reviews: () => [],
    approval_key: () => null,
  });
}

const main = () => document.querySelector("main")!;

/** The App once its sidebar shows. */
async function renderApp(props: Parameters<typeof App>[0] = {}) {
  render(<App {...props} />);
  await screen.findByRole("navigation", { name: "Screens" });
  await waitFor(() => expect(document.getElementById("offline-banner")).not.toBeNull());
}

describe("the command palette", () => {
  it("opens with Ctrl+K, filters as typed and opens the screen picked with Enter", async () => {
    commands();
    const user = userEvent.setup();
    await renderApp();
    await user.keyboard("{Control>}k{/Control}");
    const dialog = await screen.findByRole("dialog", { name: "Command palette" });
    const box = within(dialog).getByRole("textbox", { name: "Search or run a command" });
    expect(document.activeElement).toBe(box);
    // Everything an agent may open, and the actions.
    for (const name of [
      "Go to Dashboard",
      "Go to Quotes",
      "Go to Sync",
      "New auto quote",
      "New home quote",
      "Sync now",
      "Show keyboard shortcuts",
    ]) {
      expect(within(dialog).getByRole("menuitem", { name })).toBeTruthy();
    }
    expect(within(dialog).queryByRole("menuitem", { name: "Go to Referrals" })).toBeNull();

    await user.type(box, "quotes");
    expect(
      within(dialog)
        .getAllByRole("menuitem")
        .map((item) => item.textContent),
    ).toEqual(["Go to Quotes"]);
    await user.keyboard("{Enter}");
    await waitFor(() => expect(main().dataset.screen).toBe("quotes"));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.getElementById("nav-quotes")!.getAttribute("aria-current")).toBe("page");
  });

  it("runs an action picked with the arrow keys, and Escape closes it and gives focus back", async () => {
    commands();
    const user = userEvent.setup();
    await renderApp();
    const commandsButton = screen.getByRole("button", { name: "Commands" });
    await user.click(commandsButton);
    await screen.findByRole("dialog", { name: "Command palette" });
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
    await waitFor(() => expect(document.activeElement).toBe(commandsButton));

    await user.keyboard("{Meta>}k{/Meta}");
    await screen.findByRole("dialog", { name: "Command palette" });
    const box = screen.getByRole("textbox", { name: "Search or run a command" });
    await user.keyboard("new");
    const items = within(screen.getByRole("dialog")).getAllByRole("menuitem");
    expect(items.map((item) => item.textContent)).toEqual(["Go to New quote", "New auto quote", "New home quote"]);
    // The first is picked as the list filters; the arrows move the pick.
    await waitFor(() => expect(box.getAttribute("aria-activedescendant")).toBe(items[0].id));
    await user.keyboard("{ArrowDown}{ArrowDown}");
    expect(box.getAttribute("aria-activedescendant")).toBe(items[2].id);
    await user.keyboard("{Enter}");
    await waitFor(() => expect(main().dataset.screen).toBe("wizard"));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(await screen.findByRole("heading", { name: "New homeowners quote" })).toBeTruthy();
  });

  it("lists another source's results under their own heading, with Searching… until they come", async () => {
    commands();
    const user = userEvent.setup();
    const asked: string[] = [];
    let answer: (items: PaletteItem[]) => void = () => {};
    const opened: string[] = [];
    const extraResults = (query: string) => {
      asked.push(query);
      return new Promise<PaletteItem[]>((resolve) => (answer = resolve));
    };
    await renderApp({ extraResults });
    await user.keyboard("{Control>}k{/Control}");
    const dialog = await screen.findByRole("dialog", { name: "Command palette" });
    await user.keyboard("Reyes");
    expect(await within(dialog).findByText("Searching…")).toBeTruthy();
    await waitFor(() => expect(asked).toEqual(["Reyes"]));
    act(() =>
      answer([{ id: "customer:1", label: "Ana Reyes", group: "Customers", detail: "2 quotes", run: () => opened.push("Ana Reyes") }]),
    );
    const item = await within(dialog).findByRole("menuitem", { name: /Ana Reyes/ });
    expect(within(dialog).getByText("Customers")).toBeTruthy();
    expect(within(dialog).queryByText("Searching…")).toBeNull();
    await user.click(item);
    expect(opened).toEqual(["Ana Reyes"]);
  });
});

describe("keyboard shortcuts", () => {
  it("open screens with g then a letter, and a new auto quote with Ctrl+N", async () => {
    commands();
    const user = userEvent.setup();
    await renderApp();
    await user.keyboard("gs");
    expect(main().dataset.screen).toBe("sync");
    await user.keyboard("gq");
    expect(main().dataset.screen).toBe("quotes");
    await user.keyboard("{Control>}n{/Control}");
    expect(main().dataset.screen).toBe("wizard");
  });

  it("do not fire while the user types in a field, except the palette's", async () => {
    commands();
    const user = userEvent.setup();
    await renderApp();
    await user.click(screen.getByRole("button", { name: "Quick quote" }));
    const zip = screen.getByLabelText("Garaging ZIP");
    await user.type(zip, "gs?");
    expect(main().dataset.screen).toBe("quick");
    expect(screen.queryByRole("dialog")).toBeNull();
    await user.keyboard("{Control>}n{/Control}");
    expect(main().dataset.screen).toBe("quick");
    await user.keyboard("{Control>}k{/Control}");
    expect(await screen.findByRole("dialog", { name: "Command palette" })).toBeTruthy();
  });

  it("are listed in the help from the one table, which opens with ? and closes with Escape", async () => {
    commands("underwriter");
    const user = userEvent.setup();
    await renderApp();
    await user.keyboard("?");
    const help = await screen.findByRole("dialog", { name: "Keyboard shortcuts" });
    const rows = within(help).getAllByRole("row").slice(1);
    expect(rows.map((row) => row.querySelectorAll("td")[1].textContent)).toEqual(SHORTCUTS.map((s) => s.description));
    expect(rows.map((row) => [...row.querySelectorAll("kbd")].map((k) => k.textContent))).toEqual(SHORTCUTS.map((s) => keyLabels(s.keys)));
    // Focus is inside the dialog; other shortcuts wait while it is open.
    expect(help.contains(document.activeElement)).toBe(true);
    await user.keyboard("gs");
    expect(main().dataset.screen).toBe("dashboard");
    await user.keyboard("{Escape}");
    await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  });

  it("leave out an underwriter's screens for an agent, in the help as in the sidebar", async () => {
    commands("agent");
    const user = userEvent.setup();
    await renderApp();
    await waitFor(() => expect(document.getElementById("offline-banner")?.dataset.state).toBe("enrolled"));
    for (const id of ["nav-desk", "nav-rates", "nav-approvals"]) expect(document.getElementById(id)).toBeNull();
    expect(screen.queryByText("Underwriting")).toBeNull();
    await user.click(screen.getByRole("button", { name: "Help" }));
    const help = await screen.findByRole("dialog", { name: "Keyboard shortcuts" });
    expect(within(help).queryByText("Go to Referrals")).toBeNull();
    expect(within(help).getByText("Go to Sync")).toBeTruthy();
    await user.keyboard("gr");
    expect(main().dataset.screen).toBe("dashboard");
  });
});

describe("the shell", () => {
  it("groups an underwriter's screens and shows a badge given for one", async () => {
    commands("underwriter");
    await renderApp({ badges: { desk: 3 } });
    const nav = screen.getByRole("navigation", { name: "Screens" });
    await waitFor(() => expect(within(nav).getByRole("list", { name: "Underwriting" })).toBeTruthy());
    const underwriting = within(nav).getByRole("list", { name: "Underwriting" });
    expect(
      within(underwriting)
        .getAllByRole("button")
        .map((b) => b.id),
    ).toEqual(["nav-desk", "nav-rates", "nav-approvals"]);
    expect(within(nav).getByRole("button", { name: "Referrals 3 waiting" })).toBeTruthy();
    expect(within(nav).getByRole("button", { name: "Dashboard" }).getAttribute("aria-current")).toBe("page");
  });

  it("shows the user, role, organisation and last sync when enrolled", async () => {
    commands("underwriter");
    await renderApp({ organisation: "Golden State Mutual", lastSyncedAt: null });
    const bar = screen.getByRole("banner");
    await waitFor(() => expect(within(bar).getByText("underwriter1")).toBeTruthy());
    expect(bar.textContent).toContain("(Underwriter)");
    expect(bar.textContent).toContain("Golden State Mutual");
    expect(document.getElementById("offline-banner")!.textContent).toContain("Enrolled with 127.0.0.1:8787");
    expect(document.getElementById("last-synced")!.textContent).toBe("Never synced");
  });

  it("says an offline workstation is not enrolled, without a user or sync time", async () => {
    commands();
    await renderApp({ organisation: null, lastSyncedAt: "2026-11-24T10:42:00Z" });
    const banner = document.getElementById("offline-banner")!;
    expect(banner.getAttribute("role")).toBe("status");
    expect(banner.dataset.state).toBe("offline");
    expect(banner.textContent).toContain("Offline: not enrolled");
    expect(document.getElementById("last-synced")).toBeNull();
    expect(document.getElementById("topbar-user")).toBeNull();
  });
});

describe("the theme", () => {
  it("follows the system until chosen, then keeps the choice and sets data-theme", async () => {
    commands();
    const user = userEvent.setup();
    const { unmount } = render(<App />);
    const select = await screen.findByRole("combobox", { name: "Theme" });
    expect((select as HTMLSelectElement).value).toBe("system");
    expect(document.documentElement.dataset.theme).toBeUndefined();

    await user.selectOptions(select, "Dark");
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(localStorage.getItem(THEME_KEY)).toBe("dark");
    unmount();

    // A new start reads the choice back.
    render(<App />);
    expect(((await screen.findByRole("combobox", { name: "Theme" })) as HTMLSelectElement).value).toBe("dark");
    await user.selectOptions(screen.getByRole("combobox", { name: "Theme" }), "System");
    expect(document.documentElement.dataset.theme).toBeUndefined();
    expect(localStorage.getItem(THEME_KEY)).toBeNull();
  });

  it("toggles from the palette", async () => {
    commands();
    const user = userEvent.setup();
    await renderApp();
    await user.keyboard("{Control>}k{/Control}");
    await screen.findByRole("dialog", { name: "Command palette" });
    await user.keyboard("dark theme{Enter}");
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(localStorage.getItem(THEME_KEY)).toBe("dark");
  });
});
