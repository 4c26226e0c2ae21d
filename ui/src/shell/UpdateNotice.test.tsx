import { describe, expect, it } from "vitest";
import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import type { AppUpdate, BackgroundSyncEvent } from "../bindings";
import { Handler, mockCommands, names } from "../test/ipc";
import { emptyDashboard, enrolledAgent } from "../test/fixtures";

const current: AppUpdate = {
  running: "1.5.0",
  minimum: "1.4.0",
  recommended: "1.5.0",
  syncRefused: false,
  updateRecommended: false,
  package: null,
};
const refused: AppUpdate = { ...current, running: "1.3.2", syncRefused: true, updateRecommended: true, package: "1.5.0" };
const recommended: AppUpdate = { ...current, running: "1.4.1", updateRecommended: true, package: "1.5.0" };

/** An enrolled agent's workstation whose app update reads `update()`. */
function commands(update: () => AppUpdate, more: Record<string, Handler> = {}) {
  return mockCommands({
    startup_status: () => null,
    setup_status: () => ({ mode: "enrolled" }),
    enrollment_status: () => enrolledAgent,
    sync_issues: () => [],
    dashboard: () => emptyDashboard(),
    list_quotes: () => [],
    app_update: () => update(),
    ...more,
  });
}

async function renderApp(props: Parameters<typeof App>[0] = {}) {
  render(<App {...props} />);
  await screen.findByRole("navigation", { name: "Screens" });
}

const notice = () => screen.findByRole("region", { name: "App update" });

describe("the app update notice", () => {
  it("warns on every screen that sync stops below the minimum, and installs the update the server holds", async () => {
    let finish: (path: string) => void = () => {};
    const calls = commands(() => refused, {
      install_update: () => new Promise<string>((resolve) => (finish = resolve)),
    });
    const user = userEvent.setup();
    await renderApp();
    const banner = await notice();
    expect(banner.textContent).toContain(
      "This app is version 1.3.2. Your organization's server needs version 1.4.0 or later to sync. Your work is kept on this laptop.",
    );
    expect(within(banner).queryByRole("button", { name: /Dismiss/ })).toBeNull();

    // Still there on another screen.
    await user.click(within(screen.getByRole("navigation", { name: "Screens" })).getByRole("button", { name: /^Quotes/ }));
    await waitFor(() => expect(document.querySelector("main")!.dataset.screen).toBe("quotes"));
    expect(await notice()).toBe(banner);

    await user.click(within(banner).getByRole("button", { name: "Download and install" }));
    expect(names(calls)).toContain("install_update");
    const busy = within(banner).getByRole("button", { name: /Downloading/ }) as HTMLButtonElement;
    expect(busy.disabled).toBe(true);
    act(() => finish("/home/agent/Documents/Underwriting Workstation/Updates/uw-desktop_1.5.0_linux-x86_64-deb.deb"));
    expect((await within(banner).findByRole("status")).textContent).toContain(
      "The installer has opened. Finish there, then restart the app.",
    );
    expect(within(banner).queryByRole("button", { name: "Download and install" })).toBeNull();
  });

  it("asks for the update from the administrator when the server holds no package", async () => {
    commands(() => ({ ...refused, package: null }));
    await renderApp();
    const banner = await notice();
    expect(banner.textContent).toContain("Ask your administrator for the update.");
    expect(within(banner).queryByRole("button", { name: "Download and install" })).toBeNull();
  });

  it("says why installing failed, in words, with the reason under Details", async () => {
    commands(() => refused, {
      install_update: () =>
        Promise.reject({ code: "update.refused", message: "the package was refused: it is not signed by the app's publisher" }),
    });
    const user = userEvent.setup();
    await renderApp();
    await user.click(within(await notice()).getByRole("button", { name: "Download and install" }));
    const alert = await screen.findByRole("alert");
    expect(alert.dataset.code).toBe("update.refused");
    expect(alert.textContent).toContain("could not be verified as coming from the app's publisher. Nothing was changed.");
    expect(alert.querySelector("details")?.textContent).toContain("not signed by the app's publisher");
  });

  it("offers a recommended version in a notice that can be dismissed", async () => {
    const calls = commands(() => recommended, { install_update: () => "/tmp/uw-desktop_1.5.0_linux-x86_64-deb.deb" });
    const user = userEvent.setup();
    await renderApp();
    const banner = await notice();
    expect(banner.dataset.state).toBe("recommended");
    expect(banner.textContent).toContain("Version 1.5.0 of the app is available.");
    expect(banner.textContent).not.toContain("too old");
    await user.click(within(banner).getByRole("button", { name: "Download and install" }));
    expect(await within(banner).findByText("The installer has opened. Finish there, then restart the app.")).toBeTruthy();
    expect(names(calls).filter((c) => c === "install_update")).toHaveLength(1);
    await user.click(within(banner).getByRole("button", { name: "Dismiss the update notice" }));
    expect(screen.queryByRole("region", { name: "App update" })).toBeNull();
  });

  it("shows nothing when this app is current, and reads the versions again after each sync", async () => {
    let update = current;
    const calls = commands(() => update, { notifications: () => Promise.reject({ code: "test.none", message: "" }) });
    let hear: (event: BackgroundSyncEvent) => void = () => {};
    await renderApp({ onBackgroundSync: (handler) => Promise.resolve(((hear = handler), () => undefined)) });
    await waitFor(() => expect(names(calls)).toContain("app_update"));
    expect(screen.queryByRole("region", { name: "App update" })).toBeNull();

    // A sync learned a new minimum from the server.
    update = { ...refused, package: null };
    act(() => hear({ outcome: "failed", error: { code: "sync.desktop_too_old", message: "too old" }, retryInSeconds: 60 }));
    expect((await notice()).textContent).toContain("needs version 1.4.0 or later to sync");
  });

  it("reads the versions again when Sync now is refused for an old app, and says so on the Sync screen", async () => {
    let update = current;
    commands(() => update, {
      sync_now: () => {
        update = { ...refused, package: null };
        return Promise.reject({ code: "sync.desktop_too_old", message: "this app is version 1.3.2; the server syncs with 1.4.0 or later" });
      },
    });
    const user = userEvent.setup();
    await renderApp();
    await user.click(within(screen.getByRole("navigation", { name: "Screens" })).getByRole("button", { name: /^Sync/ }));
    await user.click(await screen.findByRole("button", { name: "Sync now" }));
    const error = await screen.findByRole("alert");
    expect(error.dataset.code).toBe("sync.desktop_too_old");
    expect(error.textContent).toContain("too old to sync with your organization's server. Your work is kept on this laptop.");
    expect((await notice()).textContent).toContain("This app is version 1.3.2.");
  });
});
