import { describe, expect, it } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type {
  DesktopVersionsView,
  DeviceView,
  IdentityProviderInput,
  IdentityProviderView,
  SubjectRequestView,
  UserView,
} from "../bindings";
import { AdminScreen } from "./AdminScreen";
import { AuditScreen, failureSentence } from "./AuditScreen";
import { temporaryPassword } from "./Users";
import { formatInstant } from "../shared/language";
import { Calls, Handler, mockCommands } from "../test/ipc";

/** The text of an element without what its closed "Technical details" hide. */
function visibleText(element: Element): string {
  const copy = element.cloneNode(true) as Element;
  copy.querySelectorAll("details").forEach((d) => d.remove());
  return copy.textContent ?? "";
}

const session = (role: string, mustEnrollSecondFactor = false) => ({
  serverUrl: "http://127.0.0.1:8787",
  username: `${role}1`,
  role,
  expiresAt: "2026-11-25T10:00:00Z",
  mustEnrollSecondFactor,
});

/** The administrator's lists, each empty (administrators and auditors need an authenticator app), then the test's own commands. */
function mockAdmin(handlers: Record<string, Handler>): Calls {
  return mockCommands({
    admin_users: () => [],
    admin_devices: () => [],
    admin_pack_key_requests: () => [],
    admin_pack_keys: () => [],
    admin_login_throttles: () => [],
    admin_second_factor_policy: () => ({ roles: ["admin", "auditor"] }),
    admin_identity_providers: () => [],
    admin_retention_rules: () => [],
    admin_subject_requests: () => [],
    admin_desktop_versions: () => ({ minimum: null, recommended: null, releases: [] }),
    ...handlers,
  });
}

describe("admin screen", () => {
  it("signs in, lists users and devices, and revokes a device only after confirming", async () => {
    let signedIn: ReturnType<typeof session> | null = null;
    const users: UserView[] = [
      {
        userId: "u1",
        username: "admin1",
        role: "admin",
        disabled: false,
        agency: null,
        lastSignInAt: "2026-11-24T15:00:00Z",
        secondFactor: false,
        signInService: null,
      },
      {
        userId: "u2",
        username: "agent1",
        role: "agent",
        disabled: false,
        agency: "Buckeye Insurance Agency, LLC",
        lastSignInAt: null,
        secondFactor: false,
        signInService: null,
      },
    ];
    const devices: DeviceView[] = [
      {
        deviceId: "d-1",
        username: "agent1",
        name: "agent-laptop",
        publicKey: "ab",
        enrolledAt: "2026-11-20T09:00:00Z",
        revokedAt: null,
        lastSeq: 12,
        lastSeenAt: null,
      },
    ];
    const calls = mockAdmin({
      session_status: () => signedIn,
      sign_in: () => {
        signedIn = session("admin");
        return signedIn;
      },
      admin_users: () => users,
      admin_devices: () => devices,
      admin_revoke_device: () => {
        devices[0] = { ...devices[0], revokedAt: "2026-11-24T08:00:00Z" };
        return devices[0];
      },
    });
    const user = userEvent.setup();
    render(<AdminScreen />);
    await user.type(await screen.findByLabelText("Username"), "admin1");
    await user.type(screen.getByLabelText("Password"), "s3cret");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    expect(calls).toContainEqual(["sign_in", { serverUrl: "", username: "admin1", password: "s3cret", secondFactor: null }]);
    expect(await screen.findByText(/Signed in to http:\/\/127.0.0.1:8787 as/)).toBeTruthy();
    expect(await screen.findByRole("combobox", { name: "Role of agent1" })).toBeTruthy();
    const enrolled = document.querySelector('[data-device-id="d-1"]') as HTMLElement;
    expect(within(enrolled).getByText(formatInstant("2026-11-20T09:00:00Z"))).toBeTruthy();
    await user.click(await screen.findByRole("button", { name: "Revoke agent-laptop" }));
    expect(calls.some(([cmd]) => cmd === "admin_revoke_device")).toBe(false);
    const dialog = screen.getByRole("alertdialog");
    expect(dialog.textContent).toMatch(/Revoke agent-laptop, agent1's device\?/);
    expect(dialog.textContent).toMatch(/changes made on it that have not synced never reach the server/);
    await user.click(within(dialog).getByRole("button", { name: "Revoke agent-laptop" }));
    expect(await screen.findByText(/agent-laptop \(agent1\) is revoked/)).toBeTruthy();
    expect(calls).toContainEqual(["admin_revoke_device", { deviceId: "d-1" }]);
    const row = document.querySelector('[data-device-id="d-1"]') as HTMLElement;
    expect(within(row).getByText(`Revoked ${formatInstant("2026-11-24T08:00:00Z")}`)).toBeTruthy();
  });

  it("asks for the authenticator code when the server wants one, and sends it with the same password", async () => {
    let signedIn: ReturnType<typeof session> | null = null;
    const calls = mockAdmin({
      session_status: () => signedIn,
      sign_in: (args) => {
        const code = (args as { secondFactor: string | null }).secondFactor;
        if (code === null) {
          return Promise.reject({ code: "sync.unauthorized", serverCode: "auth.second_factor_required", message: "the code is needed" });
        }
        if (code !== "123456") {
          return Promise.reject({ code: "sync.unauthorized", serverCode: "auth.second_factor_invalid", message: "wrong code" });
        }
        signedIn = session("admin");
        return signedIn;
      },
    });
    const user = userEvent.setup();
    render(<AdminScreen />);
    await user.type(await screen.findByLabelText("Username"), "admin1");
    await user.type(screen.getByLabelText("Password"), "s3cret");
    await user.click(screen.getByRole("button", { name: "Sign in" }));
    // Not an error: the next step.
    expect(screen.queryByRole("alert")).toBeNull();
    await user.type(await screen.findByLabelText("Code"), "000000");
    await user.click(screen.getByRole("button", { name: "Verify" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/code/i);
    await user.type(screen.getByLabelText("Code"), "123456");
    await user.click(screen.getByRole("button", { name: "Verify" }));
    expect(await screen.findByText(/Signed in to http:\/\/127.0.0.1:8787 as/)).toBeTruthy();
    expect(calls).toContainEqual(["sign_in", { serverUrl: "", username: "admin1", password: "s3cret", secondFactor: "123456" }]);
  });

  it("sets up an authenticator app before anything else when the organization requires one, and shows the recovery codes once", async () => {
    let signedIn: ReturnType<typeof session> | null = session("admin", true);
    const calls = mockAdmin({
      session_status: () => signedIn,
      begin_totp: () => ({
        secret: "GEZD GNBV GY3T QOJQ",
        qrSvg: '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
        digits: 6,
        periodSeconds: 30,
      }),
      confirm_totp: (args) => {
        if ((args as { code: string }).code !== "654321") {
          return Promise.reject({ code: "sync.refused", serverCode: "auth.second_factor_invalid", message: "wrong code" });
        }
        signedIn = session("admin");
        return { codes: ["ABCD-EFGH-IJKL-MNOP", "QRST-UVWX-YZ23-4567"] };
      },
    });
    const user = userEvent.setup();
    render(<AdminScreen />);
    expect(await screen.findByRole("heading", { name: "Set up an authenticator app" })).toBeTruthy();
    // The console itself waits.
    expect(calls.some(([cmd]) => cmd === "admin_users")).toBe(false);
    await user.click(screen.getByRole("button", { name: "Set up an authenticator app" }));
    const qr = (await screen.findByRole("img", { name: "QR code to scan with your authenticator app" })) as HTMLImageElement;
    expect(qr.src.startsWith("data:image/svg+xml")).toBe(true);
    expect(screen.getByText("GEZD GNBV GY3T QOJQ")).toBeTruthy();
    await user.type(screen.getByLabelText("Code from the app"), "111111");
    await user.click(screen.getByRole("button", { name: "Confirm" }));
    expect(await screen.findByRole("alert")).toBeTruthy();
    await user.type(screen.getByLabelText("Code from the app"), "654321");
    await user.click(screen.getByRole("button", { name: "Confirm" }));
    expect(await screen.findByText("ABCD-EFGH-IJKL-MNOP")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "I have saved them" }));
    await waitFor(() => expect(calls.some(([cmd]) => cmd === "admin_users")).toBe(true));
    expect(screen.queryByText("ABCD-EFGH-IJKL-MNOP")).toBeNull();
  });

  it("resets a user's authenticator app after confirming, and saves the roles that need one", async () => {
    const users: UserView[] = [
      {
        userId: "u1",
        username: "admin1",
        role: "admin",
        disabled: false,
        agency: null,
        lastSignInAt: null,
        secondFactor: true,
        signInService: null,
      },
      {
        userId: "u2",
        username: "uw1",
        role: "underwriter",
        disabled: false,
        agency: null,
        lastSignInAt: null,
        secondFactor: true,
        signInService: null,
      },
    ];
    let roles = ["admin", "auditor"];
    const calls = mockAdmin({
      session_status: () => session("admin"),
      admin_users: () => users,
      admin_second_factor_policy: () => ({ roles }),
      admin_set_second_factor_policy: (args) => {
        roles = (args as { roles: string[] }).roles;
        return { roles };
      },
      admin_reset_second_factor: () => {
        users[1] = { ...users[1], secondFactor: false };
        return null;
      },
    });
    const user = userEvent.setup();
    render(<AdminScreen />);
    await user.click(await screen.findByRole("button", { name: "Reset authenticator app of uw1" }));
    expect(calls.some(([cmd]) => cmd === "admin_reset_second_factor")).toBe(false);
    const dialog = screen.getByRole("alertdialog");
    expect(dialog.textContent).toMatch(/Reset uw1's authenticator app\?/);
    expect(dialog.textContent).toMatch(/lost their phone/);
    await user.click(within(dialog).getByRole("button", { name: "Reset authenticator app" }));
    expect(await screen.findByText(/uw1's authenticator app is reset/)).toBeTruthy();
    expect(calls).toContainEqual(["admin_reset_second_factor", { username: "uw1" }]);

    const underwriter = (await screen.findByRole("checkbox", { name: "Underwriter" })) as HTMLInputElement;
    expect(underwriter.checked).toBe(false);
    expect((screen.getByRole("checkbox", { name: "Administrator" }) as HTMLInputElement).checked).toBe(true);
    await user.click(underwriter);
    await user.click(screen.getByRole("button", { name: "Save" }));
    const confirm = screen.getByRole("alertdialog");
    expect(confirm.textContent).toMatch(/Require an authenticator app of underwriters, administrators, auditors\?/);
    await user.click(within(confirm).getByRole("button", { name: "Save" }));
    expect(await screen.findByText("The sign-in rules are saved.")).toBeTruthy();
    expect(calls).toContainEqual(["admin_set_second_factor_policy", { roles: ["underwriter", "admin", "auditor"] }]);
  });

  it("finds a customer by name, saves their data, and erases it only with a reason after confirming", async () => {
    const customer = {
      customerId: "c1",
      name: "Maria Delgado",
      address: "2417 Echo Park Ave, Los Angeles, CA 90026",
      quotes: ["QUOT-2026-00001-00001"],
      policies: ["POL-CA-2026-000001"],
    };
    let erased = false;
    const calls = mockAdmin({
      session_status: () => session("admin"),
      admin_find_customers: () => (erased ? [] : [customer]),
      admin_save_customer_export: () => "customer-c1-2026-12-07.json",
      admin_erase_customer: () => {
        erased = true;
        return { quotes: customer.quotes, policies: customer.policies };
      },
    });
    const user = userEvent.setup();
    render(<AdminScreen />);
    await user.type(await screen.findByLabelText("Customer's full name"), "maria delgado");
    await user.click(screen.getByRole("button", { name: "Find" }));
    expect(calls).toContainEqual(["admin_find_customers", { name: "maria delgado" }]);
    await user.click(await screen.findByRole("button", { name: "Save Maria Delgado's data" }));
    expect(await screen.findByText(/Everything held about Maria Delgado is saved/)).toBeTruthy();
    expect(calls).toContainEqual(["admin_save_customer_export", { customerId: "c1" }]);

    await user.click(screen.getByRole("button", { name: "Erase Maria Delgado's data" }));
    const dialog = screen.getByRole("alertdialog");
    expect(dialog.textContent).toMatch(/cannot be undone/);
    const confirm = within(dialog).getByRole("button", { name: "Erase Maria Delgado's data" }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    await user.type(within(dialog).getByLabelText("Reason (the request's reference)"), "DSR-42");
    await user.click(within(dialog).getByRole("checkbox"));
    await user.click(confirm);
    expect(await screen.findByText("Maria Delgado's personal data is erased.")).toBeTruthy();
    expect(calls).toContainEqual(["admin_erase_customer", { customerId: "c1", reason: "DSR-42", includePolicies: true }]);
    expect(await screen.findByText("No customer is named maria delgado.")).toBeTruthy();
  });

  it("asks the laptops for a customer's data, says what happens next, and refreshes the requests", async () => {
    const customer = {
      customerId: "c1",
      name: "Maria Delgado",
      address: "2417 Echo Park Ave, Los Angeles, CA 90026",
      quotes: ["QUOT-2026-00001-00001"],
      policies: [],
    };
    const request = (desktops: number, waitingFor: string[]): SubjectRequestView => ({
      requestId: `r${desktops}`,
      customerId: "c1",
      kind: "export",
      status: desktops === 0 ? "ready" : "waiting",
      requestedAt: "2026-12-07T10:00:00Z",
      requestedBy: "admin1",
      completedAt: null,
      desktops,
      answered: 0,
      waitingFor,
    });
    let desktops = 0;
    let requests: SubjectRequestView[] = [];
    const calls = mockAdmin({
      session_status: () => session("admin"),
      admin_find_customers: () => [customer],
      admin_subject_requests: () => requests,
      admin_request_customer_export: () => {
        const r = request(desktops, desktops === 0 ? [] : ["laptop-1 (agent1)", "laptop-2 (agent2)"]);
        requests = [r, ...requests];
        return r;
      },
    });
    const user = userEvent.setup();
    render(<AdminScreen />);
    expect(await screen.findByText("No data requests yet.")).toBeTruthy();
    await user.type(screen.getByLabelText("Customer's full name"), "Maria Delgado");
    await user.click(screen.getByRole("button", { name: "Find" }));

    await user.click(await screen.findByRole("button", { name: "Ask laptops for Maria Delgado's data" }));
    expect((await screen.findByText("No laptop holds this customer's data. The export already has everything.")).id).toBe(
      "customers-result",
    );
    expect(calls).toContainEqual(["admin_request_customer_export", { customerId: "c1" }]);
    // The list is refreshed after the ask, the customer found named beside their ID.
    const table = await screen.findByRole("table", { name: "Requests" });
    const first = table.querySelector('[data-request-id="r0"]') as HTMLElement;
    expect(visibleText(first)).toContain(formatInstant("2026-12-07T10:00:00Z"));
    expect(visibleText(first)).toContain("c1 (Maria Delgado)");
    expect(visibleText(first)).toContain("Export");
    expect(visibleText(first)).toContain("admin1");
    expect(within(first).getAllByRole("cell")[4].textContent).toBe("Ready");

    desktops = 2;
    await user.click(screen.getByRole("button", { name: "Ask laptops for Maria Delgado's data" }));
    expect(
      await screen.findByText("Asked 2 laptops. Each sends what it holds at its next sync; save the export again once they have."),
    ).toBeTruthy();
    const waiting = (await within(table).findByText(/Waiting for laptops/)).closest("tr") as HTMLElement;
    expect(waiting.dataset.requestId).toBe("r2");
    expect(within(waiting).getAllByRole("cell")[4].textContent).toBe(
      "Waiting for laptops: 0 of 2 answeredStill to answer: laptop-1 (agent1), laptop-2 (agent2)",
    );
    expect(table.querySelectorAll("tbody tr")).toHaveLength(2);
  });

  it("lists the data requests with where each stands, in words, and refreshes them on request", async () => {
    const base = {
      customerId: "c1",
      requestedAt: "2026-12-07T10:00:00Z",
      requestedBy: "admin1",
      completedAt: null,
      desktops: 0,
      answered: 0,
      waitingFor: [],
    };
    let requests: SubjectRequestView[] = [
      {
        ...base,
        requestId: "w",
        kind: "export",
        status: "waiting",
        desktops: 3,
        answered: 1,
        waitingFor: ["laptop-2 (agent2)", "laptop-3 (agent3)"],
      },
      { ...base, requestId: "r", kind: "export", status: "ready", desktops: 2, answered: 2 },
      { ...base, requestId: "n", kind: "export", status: "ready" },
      { ...base, requestId: "d", customerId: "c2", kind: "erasure", status: "done", completedAt: "2026-12-06T10:00:00Z" },
      { ...base, requestId: "e", customerId: "c2", kind: "export", status: "erased", completedAt: "2026-12-06T10:00:00Z" },
    ];
    const calls = mockAdmin({ session_status: () => session("admin"), admin_subject_requests: () => requests });
    const user = userEvent.setup();
    render(<AdminScreen />);
    const table = await screen.findByRole("table", { name: "Requests" });
    const status = (id: string) => within(table.querySelector(`[data-request-id="${id}"]`) as HTMLElement).getAllByRole("cell")[4];
    expect(status("w").textContent).toBe("Waiting for laptops: 1 of 3 answeredStill to answer: laptop-2 (agent2), laptop-3 (agent3)");
    expect(within(status("w")).getByText("Still to answer: laptop-2 (agent2), laptop-3 (agent3)").className).toBe("meta");
    expect(status("r").textContent).toBe("Ready (all laptops answered)");
    expect(status("n").textContent).toBe("Ready");
    expect(status("d").textContent).toBe("Erased");
    expect(status("e").textContent).toBe("Customer erased since");
    expect(visibleText(table.querySelector('[data-request-id="d"]') as HTMLElement)).toContain("Erasure");

    requests = [];
    const before = calls.filter(([cmd]) => cmd === "admin_subject_requests").length;
    await user.click(screen.getByRole("button", { name: "Refresh" }));
    expect(await screen.findByText("No data requests yet.")).toBeTruthy();
    expect(calls.filter(([cmd]) => cmd === "admin_subject_requests").length).toBe(before + 1);
  });

  it("says why asking the laptops failed, in a sentence", async () => {
    const customer = { customerId: "c1", name: "Maria Delgado", address: "Los Angeles, CA", quotes: [], policies: [] };
    mockAdmin({
      session_status: () => session("admin"),
      admin_find_customers: () => [customer],
      admin_request_customer_export: () =>
        Promise.reject({ code: "sync.refused", serverCode: "customer.erased", message: "customer c1's personal data was erased already" }),
    });
    const user = userEvent.setup();
    render(<AdminScreen />);
    await user.type(await screen.findByLabelText("Customer's full name"), "Maria Delgado");
    await user.click(screen.getByRole("button", { name: "Find" }));
    await user.click(await screen.findByRole("button", { name: "Ask laptops for Maria Delgado's data" }));
    const error = (await screen.findByRole("alert")) as HTMLElement;
    expect(error.id).toBe("customers-action-error");
    expect(visibleText(error)).toMatch(/personal data was erased at their request/);
    expect(visibleText(error)).not.toMatch(/customer\.erased|sync\.refused/);
  });

  it("sets a retention rule, previews what it would remove, and applies it only after confirming", async () => {
    let rules: { kind: string; state: string; days: number }[] = [];
    const calls = mockAdmin({
      session_status: () => session("admin"),
      admin_second_factor_policy: () => ({ roles: [] }),
      admin_retention_rules: () => rules,
      admin_set_retention_rule: (args) => {
        const { kind, state, days } = args as { kind: string; state: string; days: number | null };
        rules = days === null ? [] : [{ kind, state, days }];
        return rules;
      },
      admin_run_retention: (args) => ({
        dryRun: (args as { dryRun: boolean }).dryRun,
        deletedQuotes: ["QUOT-2026-00001-00001"],
        erasedCustomers: 1,
      }),
    });
    const user = userEvent.setup();
    render(<AdminScreen />);
    expect(await screen.findByText("No rules: every record is kept.")).toBeTruthy();
    await user.selectOptions(screen.getByLabelText("Records"), "unbound_quote");
    await user.clear(screen.getByLabelText("State (two letters, or * for all others)"));
    await user.type(screen.getByLabelText("State (two letters, or * for all others)"), "tx");
    await user.type(screen.getByLabelText("Days kept"), "90");
    await user.click(screen.getByRole("button", { name: "Save rule" }));
    expect(calls).toContainEqual(["admin_set_retention_rule", { kind: "unbound_quote", state: "TX", days: 90 }]);
    expect(await screen.findByText(/90 days after the quote was last rated/)).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Preview what would be removed" }));
    expect((await screen.findByText(/would now remove 1 quote never bound and the personal data of 1 customer/)).id).toBe(
      "retention-report",
    );
    expect(calls).toContainEqual(["admin_run_retention", { dryRun: true }]);
    await user.click(screen.getByRole("button", { name: "Apply now…" }));
    expect(calls.some(([cmd, args]) => cmd === "admin_run_retention" && (args as { dryRun: boolean }).dryRun === false)).toBe(false);
    await user.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Apply now" }));
    expect(await screen.findByText("Removed 1 quote never bound and the personal data of 1 customer.")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Remove the rule for quotes never bound in tx" }));
    expect(calls).toContainEqual(["admin_set_retention_rule", { kind: "unbound_quote", state: "TX", days: null }]);
  });

  it("shows the app versions and the update packages held, and saves new versions only after a warning", async () => {
    let versions: DesktopVersionsView = {
      minimum: "1.3.0",
      recommended: null,
      releases: [{ version: "1.5.0", platform: "linux-x86_64-deb", size: 48_230_000 }],
    };
    const calls = mockAdmin({
      session_status: () => session("admin"),
      admin_desktop_versions: () => versions,
      admin_set_desktop_versions: (args) => {
        const { minimum, recommended } = args as { minimum: string | null; recommended: string | null };
        versions = { ...versions, minimum, recommended };
        return versions;
      },
    });
    const user = userEvent.setup();
    render(<AdminScreen />);
    const section = await screen.findByRole("region", { name: "App versions" });
    await waitFor(() => expect(within(section).getByTestId("desktop-minimum").textContent).toBe("1.3.0"));
    expect(within(section).getByTestId("desktop-recommended").textContent).toBe("None");
    const row = within(section).getByRole("row", { name: /1\.5\.0/ });
    expect(row.textContent).toContain("Linux, 64-bit Intel or AMD, Debian package");
    expect(row.textContent).toContain("48.2 MB");

    const minimum = within(section).getByLabelText("Minimum version") as HTMLInputElement;
    expect(minimum.value).toBe("1.3.0");
    await user.clear(minimum);
    await user.type(minimum, "1.4.0");
    await user.type(within(section).getByLabelText("Recommended version"), "1.5.0");
    await user.click(within(section).getByRole("button", { name: "Save versions" }));
    expect(calls.some(([cmd]) => cmd === "admin_set_desktop_versions")).toBe(false);
    const dialog = screen.getByRole("alertdialog");
    expect(dialog.textContent).toContain("Laptops below the minimum stop syncing until they update.");
    await user.click(within(dialog).getByRole("button", { name: "Save versions" }));
    expect(calls).toContainEqual(["admin_set_desktop_versions", { minimum: "1.4.0", recommended: "1.5.0" }]);
    expect(await within(section).findByText(/The app versions are saved: laptops need version 1\.4\.0 or later to sync/)).toBeTruthy();
    await waitFor(() => expect(within(section).getByTestId("desktop-recommended").textContent).toBe("1.5.0"));

    // Emptied, a version is cleared.
    await user.clear(within(section).getByLabelText("Minimum version"));
    await user.click(within(section).getByRole("button", { name: "Save versions" }));
    expect(screen.getByRole("alertdialog").textContent).toContain("every version of the app may sync");
    await user.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Save versions" }));
    expect(calls).toContainEqual(["admin_set_desktop_versions", { minimum: null, recommended: "1.5.0" }]);
  });

  it("says in words why the server refused the app versions", async () => {
    mockAdmin({
      session_status: () => session("admin"),
      admin_set_desktop_versions: () =>
        Promise.reject({
          code: "sync.refused",
          serverCode: "desktop.invalid_version",
          message: "recommended: 1.2.0 is below the minimum 1.4.0",
        }),
    });
    const user = userEvent.setup();
    render(<AdminScreen />);
    const section = await screen.findByRole("region", { name: "App versions" });
    expect(await within(section).findByText(/The server holds no update packages/)).toBeTruthy();
    await user.type(within(section).getByLabelText("Minimum version"), "1.4.0");
    await user.type(within(section).getByLabelText("Recommended version"), "1.2.0");
    await user.click(within(section).getByRole("button", { name: "Save versions" }));
    await user.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Save versions" }));
    const alert = await within(section).findByRole("alert");
    expect(visibleText(alert)).toContain("Write versions as three numbers, such as 1.4.2.");
    expect(visibleText(alert)).not.toContain("desktop");
  });

  it("changes a user's role only when saved and confirmed, and adds a user with the role chosen", async () => {
    let role = "agent";
    const calls = mockAdmin({
      session_status: () => session("admin"),
      admin_users: () => [{ userId: "u2", username: "agent1", role, disabled: false }],
      admin_change_user: () => {
        role = "underwriter";
        return { userId: "u2", username: "agent1", role, disabled: false };
      },
      admin_add_user: () => ({ userId: "u3", username: "auditor1", role: "auditor", disabled: false }),
    });
    const user = userEvent.setup();
    render(<AdminScreen />);
    const select = await screen.findByRole("combobox", { name: "Role of agent1" });
    expect(screen.getByRole("button", { name: "Save role of agent1" }).hasAttribute("disabled")).toBe(true);
    expect(select.getAttribute("aria-describedby")).toBeTruthy();
    expect(document.getElementById(select.getAttribute("aria-describedby")!)?.textContent).toBe("Quotes and binds");
    await user.selectOptions(select, "underwriter");
    // Choosing applies nothing and asks nothing: the description follows the choice.
    expect(calls.some(([cmd]) => cmd === "admin_change_user")).toBe(false);
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(document.getElementById(select.getAttribute("aria-describedby")!)?.textContent).toBe("Referrals and rate changes");
    await user.click(screen.getByRole("button", { name: "Save role of agent1" }));
    const dialog = screen.getByRole("alertdialog");
    expect(dialog.textContent).toMatch(/Make agent1 an underwriter\?/);
    expect(dialog.textContent).toMatch(/They will lose the agent's screens/);
    expect(dialog.textContent).toMatch(/every device they enrolled must sign in again/);
    // Escape cancels: nothing is called.
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(calls.some(([cmd]) => cmd === "admin_change_user")).toBe(false);
    await user.click(screen.getByRole("button", { name: "Save role of agent1" }));
    await user.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Make agent1 an underwriter" }));
    expect(calls).toContainEqual([
      "admin_change_user",
      { username: "agent1", role: "underwriter", disabled: null, password: null, agency: null },
    ]);
    expect(await screen.findByText("agent1 is now an underwriter.")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Disable agent1" }));
    expect(screen.getByRole("alertdialog").textContent).toMatch(/They are signed out everywhere and cannot sign in or sync/);
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(calls.some(([cmd, args]) => cmd === "admin_change_user" && (args as { disabled: boolean | null }).disabled === true)).toBe(
      false,
    );
    await user.type(screen.getByLabelText("New username"), "auditor1");
    await user.type(screen.getByLabelText("Initial password"), "pw-for-auditor");
    await user.selectOptions(screen.getByLabelText("Role"), "auditor");
    await user.click(screen.getByRole("button", { name: "Add user" }));
    expect(calls).toContainEqual(["admin_add_user", { username: "auditor1", password: "pw-for-auditor", role: "auditor", agency: null }]);
    expect(await screen.findByText("Added auditor1 as an auditor.")).toBeTruthy();
  });

  it("warns before the administrator's own role change, and shows the server's refusal to leave no administrator as a sentence", async () => {
    const calls = mockAdmin({
      session_status: () => session("admin"),
      admin_users: () => [
        {
          userId: "u1",
          username: "admin1",
          role: "admin",
          disabled: false,
          agency: null,
          lastSignInAt: "2026-11-24T15:00:00Z",
          secondFactor: false,
          signInService: null,
        },
      ],
      admin_change_user: () =>
        Promise.reject({
          code: "sync.refused",
          serverCode: "user.last_admin",
          message: "admin1 is the only active administrator; make another user an administrator first",
        }),
    });
    const user = userEvent.setup();
    render(<AdminScreen />);
    await user.selectOptions(await screen.findByRole("combobox", { name: "Role of admin1" }), "auditor");
    await user.click(screen.getByRole("button", { name: "Save role of admin1" }));
    const dialog = screen.getByRole("alertdialog");
    expect(dialog.textContent).toMatch(/Change your own role to auditor\?/);
    expect(dialog.textContent).toMatch(/You will lose the administrator console/);
    await user.click(within(dialog).getByRole("button", { name: "Change my role" }));
    const error = await screen.findByRole("alert");
    expect(error.id).toBe("users-action-error");
    expect(error.textContent).toContain("This is the only administrator, so the role cannot be changed");
    // Nothing claims the change happened: the row and its select show the role the server kept, and the session stays.
    expect(screen.queryByText(/is now/)).toBeNull();
    expect((screen.getByRole("combobox", { name: "Role of admin1" }) as HTMLSelectElement).value).toBe("admin");
    expect(document.querySelector('#users-table tr[data-username="admin1"]')?.getAttribute("data-role")).toBe("admin");
    expect(calls.some(([cmd]) => cmd === "sign_out")).toBe(false);
    expect(document.querySelector("#console-session")?.textContent).toMatch(/as admin1 \(Administrator\)/);
  });

  it("signs the administrator out after they disable their own account", async () => {
    let signedIn: ReturnType<typeof session> | null = session("admin");
    const calls = mockAdmin({
      session_status: () => signedIn,
      sign_out: () => {
        signedIn = null;
        return true;
      },
      admin_users: () => [
        {
          userId: "u1",
          username: "admin1",
          role: "admin",
          disabled: false,
          agency: null,
          lastSignInAt: "2026-11-24T15:00:00Z",
          secondFactor: false,
          signInService: null,
        },
        { userId: "u2", username: "admin2", role: "admin", disabled: false },
      ],
      admin_change_user: () => ({ userId: "u1", username: "admin1", role: "admin", disabled: true }),
    });
    const user = userEvent.setup();
    render(<AdminScreen />);
    await user.click(await screen.findByRole("button", { name: "Disable admin1" }));
    const dialog = screen.getByRole("alertdialog");
    expect(dialog.textContent).toMatch(/Disable your own account\?/);
    await user.click(within(dialog).getByRole("button", { name: "Disable my account" }));
    expect(calls).toContainEqual(["admin_change_user", { username: "admin1", role: null, disabled: true, password: null, agency: null }]);
    expect((await screen.findByRole("status")).textContent).toMatch(/admin1 is disabled\. The server signed you out\./);
    expect(calls.some(([cmd]) => cmd === "sign_out")).toBe(true);
    expect(await screen.findByRole("button", { name: "Sign in" })).toBeTruthy();
  });

  it("resets a user's password with a temporary one, naming what it does", async () => {
    const calls = mockAdmin({
      session_status: () => session("admin"),
      admin_users: () => [
        {
          userId: "u2",
          username: "agent1",
          role: "agent",
          disabled: false,
          agency: "Buckeye Insurance Agency, LLC",
          lastSignInAt: null,
          secondFactor: false,
          signInService: null,
        },
      ],
      admin_change_user: () => ({
        userId: "u2",
        username: "agent1",
        role: "agent",
        disabled: false,
        agency: "Buckeye Insurance Agency, LLC",
        lastSignInAt: null,
      }),
    });
    const user = userEvent.setup();
    render(<AdminScreen />);
    await user.click(await screen.findByRole("button", { name: "Reset password of agent1" }));
    const dialog = screen.getByRole("alertdialog");
    expect(dialog.textContent).toMatch(/Reset agent1's password\?/);
    expect(dialog.textContent).toMatch(/every device they enrolled must sign in again/);
    const field = within(dialog).getByLabelText("Temporary password") as HTMLInputElement;
    // A temporary password is proposed; one too short cannot be confirmed.
    expect(field.value).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){3}$/);
    await user.clear(field);
    await user.type(field, "short");
    const confirm = within(dialog).getByRole("button", { name: "Reset password" });
    expect(confirm.hasAttribute("disabled")).toBe(true);
    await user.clear(field);
    await user.type(field, "a temporary password 1");
    await user.click(confirm);
    expect(calls).toContainEqual([
      "admin_change_user",
      { username: "agent1", role: null, disabled: null, password: "a temporary password 1", agency: null },
    ]);
    expect(await screen.findByText(/agent1's password is reset/)).toBeTruthy();
    expect(temporaryPassword()).not.toBe(temporaryPassword());
  });

  it("approves an underwriter's approval key and revokes a pack key only after confirming", async () => {
    let requests = [{ keyId: "uw2-approval", publicKey: "ab".repeat(32), username: "uw2", requestedAt: "2026-12-06T10:00:00Z" }];
    const keys = [
      {
        keyId: "acme-2026",
        publicKey: "cd".repeat(32),
        username: null,
        trustedAt: "2026-01-01T00:00:00Z",
        revokedAt: null as string | null,
      },
    ];
    const calls = mockAdmin({
      session_status: () => session("admin"),
      admin_pack_key_requests: () => requests,
      admin_pack_keys: () => keys,
      admin_decide_pack_key_request: () => {
        requests = [];
        return null;
      },
      admin_revoke_pack_key: () => {
        keys[0] = { ...keys[0], revokedAt: "2026-12-06T11:00:00Z" };
        return keys[0];
      },
    });
    const user = userEvent.setup();
    render(<AdminScreen />);
    await screen.findByRole("button", { name: "Approve uw2-approval for uw2" });
    const row = document.querySelector('#key-requests-table tr[data-key-id="uw2-approval"]') as HTMLElement;
    expect(row.textContent).toContain("ab".repeat(32));
    await user.click(screen.getByRole("button", { name: "Approve uw2-approval for uw2" }));
    expect(calls.some(([cmd]) => cmd === "admin_decide_pack_key_request")).toBe(false);
    expect(screen.getByRole("alertdialog").textContent).toMatch(/Rates uw2 approves are published with this key/);
    await user.click(screen.getByRole("button", { name: "Register the key" }));
    expect(calls).toContainEqual(["admin_decide_pack_key_request", { keyId: "uw2-approval", approve: true }]);
    expect(await screen.findByText(/uw2's key uw2-approval is registered/)).toBeTruthy();
    expect(await screen.findByText("No underwriter is waiting for a key.")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Revoke acme-2026" }));
    expect(calls.some(([cmd]) => cmd === "admin_revoke_pack_key")).toBe(false);
    expect(screen.getByRole("alertdialog").textContent).toMatch(/Rates signed only by it stop pricing on every workstation/);
    await user.click(within(screen.getByRole("alertdialog")).getByRole("button", { name: "Revoke acme-2026" }));
    expect(calls).toContainEqual(["admin_revoke_pack_key", { keyId: "acme-2026" }]);
    expect(await screen.findByText(/acme-2026 is revoked/)).toBeTruthy();
  });

  it("shows failed sign-ins and clears an account's", async () => {
    let throttles = [
      { account: "admin1", address: null, failures: 12, waitingUntil: "2026-12-06T10:05:00Z", lastFailureAt: "2026-12-06T10:04:55Z" },
      { account: null, address: "203.0.113.9", failures: 3, waitingUntil: null, lastFailureAt: "2026-12-06T10:04:55Z" },
    ];
    const calls = mockAdmin({
      session_status: () => session("admin"),
      admin_login_throttles: () => throttles,
      admin_clear_login_throttles: () => {
        throttles = throttles.filter((t) => t.account !== "admin1");
        return 1;
      },
    });
    const user = userEvent.setup();
    render(<AdminScreen />);
    await user.click(await screen.findByRole("button", { name: "Clear admin1 from anywhere" }));
    expect(calls).toContainEqual(["admin_clear_login_throttles", { account: "admin1", address: null }]);
    expect(await screen.findByText("Sign-ins of admin1 no longer wait.")).toBeTruthy();
    expect(screen.getByRole("button", { name: "Clear anyone from 203.0.113.9" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Clear admin1 from anywhere" })).toBeNull();
  });

  it("shows each user's agency and last sign-in, sets an agency in a dialog, and adds a user with one", async () => {
    const users: UserView[] = [
      {
        userId: "u1",
        username: "admin1",
        role: "admin",
        disabled: false,
        agency: null,
        lastSignInAt: new Date(Date.now() - 3 * 86_400_000).toISOString(),
        secondFactor: false,
        signInService: "Carrier sign-in",
      },
      {
        userId: "u2",
        username: "agent1",
        role: "agent",
        disabled: false,
        agency: "Buckeye Insurance Agency, LLC",
        lastSignInAt: null,
        secondFactor: false,
        signInService: null,
      },
    ];
    const calls = mockAdmin({
      session_status: () => session("admin"),
      admin_users: () => users,
      admin_change_user: (args) => {
        users[1] = { ...users[1], agency: (args.agency as string) || null };
        return users[1];
      },
      admin_add_user: (args) => ({
        userId: "u3",
        username: args.username,
        role: args.role,
        disabled: false,
        agency: args.agency,
        lastSignInAt: null,
      }),
    });
    const user = userEvent.setup();
    render(<AdminScreen />);
    await screen.findByRole("combobox", { name: "Role of agent1" });
    const table = document.getElementById("users-table") as HTMLElement;
    expect(
      within(table)
        .getAllByRole("columnheader")
        .map((h) => h.textContent),
    ).toEqual(["Username", "Role", "Agency", "Last sign-in", "Status", "Actions"]);
    const row = (name: string) => table.querySelector(`tr[data-username="${name}"]`) as HTMLElement;
    expect(row("agent1").textContent).toContain("Buckeye Insurance Agency, LLC");
    expect(row("agent1").textContent).toContain("Never");
    expect(row("admin1").textContent).toContain("—");
    expect(row("admin1").textContent).toContain(formatInstant(users[0].lastSignInAt!));
    // Who signs in through the organization's sign-in service has no password here to reset.
    expect(row("admin1").textContent).toContain("Signs in with Carrier sign-in");
    expect(within(row("admin1")).queryByRole("button", { name: "Reset password of admin1" })).toBeNull();
    expect(within(row("agent1")).getByRole("button", { name: "Reset password of agent1" })).toBeTruthy();
    expect(row("admin1").textContent).toContain("(3 days ago)");

    await user.click(screen.getByRole("button", { name: "Set agency of agent1" }));
    const dialog = screen.getByRole("dialog");
    const field = within(dialog).getByLabelText("Agency") as HTMLInputElement;
    expect(field.id).toBe("agency-input");
    expect(field.value).toBe("Buckeye Insurance Agency, LLC");
    await user.clear(field);
    await user.type(field, "Lakeshore Agency");
    await user.click(within(dialog).getByRole("button", { name: "Save agency" }));
    expect(calls).toContainEqual([
      "admin_change_user",
      { username: "agent1", role: null, disabled: null, password: null, agency: "Lakeshore Agency" },
    ]);
    expect(await screen.findByText("agent1's agency is now Lakeshore Agency.")).toBeTruthy();
    await waitFor(() => expect(row("agent1").getAttribute("data-agency")).toBe("Lakeshore Agency"));
    // No session ends for an agency.
    expect(calls.some(([cmd]) => cmd === "sign_out")).toBe(false);

    // Emptied, the agency is removed.
    await user.click(screen.getByRole("button", { name: "Set agency of agent1" }));
    await user.clear(within(screen.getByRole("dialog")).getByLabelText("Agency"));
    await user.click(document.getElementById("agency-confirm")!);
    expect(calls).toContainEqual(["admin_change_user", { username: "agent1", role: null, disabled: null, password: null, agency: "" }]);
    expect(await screen.findByText("agent1 no longer has an agency.")).toBeTruthy();

    await user.type(screen.getByLabelText("New username"), "agent2");
    await user.type(screen.getByLabelText("Initial password"), "pw-for-agent-two");
    await user.type(screen.getByLabelText("Agency (optional)"), "  Buckeye Insurance Agency, LLC ");
    await user.click(screen.getByRole("button", { name: "Add user" }));
    expect(calls).toContainEqual([
      "admin_add_user",
      { username: "agent2", password: "pw-for-agent-two", role: "agent", agency: "Buckeye Insurance Agency, LLC" },
    ]);
    expect(await screen.findByText("Added agent2 as an agent, writing for Buckeye Insurance Agency, LLC.")).toBeTruthy();
  });

  it("says how long ago a sign-in was", async () => {
    const { timeAgo } = await import("./Users");
    const now = new Date("2026-12-07T12:00:00Z");
    expect(timeAgo("2026-12-07T11:59:40Z", now)).toBe("just now");
    expect(timeAgo("2026-12-07T11:59:00Z", now)).toBe("1 minute ago");
    expect(timeAgo("2026-12-07T07:00:00Z", now)).toBe("5 hours ago");
    expect(timeAgo("2026-12-04T12:00:00Z", now)).toBe("3 days ago");
    expect(timeAgo("2026-08-01T12:00:00Z", now)).toBe("4 months ago");
    expect(timeAgo("2026-12-08T12:00:00Z", now)).toBe("");
  });

  it("signs in through the organization's sign-in service of the server typed, waiting for the browser", async () => {
    let signedIn: ReturnType<typeof session> | null = null;
    let finish: () => void = () => {};
    const calls = mockAdmin({
      session_status: () => signedIn,
      sign_in_providers: (args) => (args.serverUrl === "https://uw.example" ? [{ id: "contoso", displayName: "Contoso" }] : []),
      sign_in_with_provider: () =>
        new Promise((resolve) => {
          finish = () => {
            signedIn = { ...session("admin"), serverUrl: "https://uw.example" };
            resolve(signedIn);
          };
        }),
    });
    const user = userEvent.setup();
    render(<AdminScreen />);
    // An empty address is the enrolled server's: nothing is asked of it here.
    await user.type(await screen.findByLabelText("Username"), "admin1");
    expect(calls.some(([cmd]) => cmd === "sign_in_providers")).toBe(false);
    // Once typing pauses, the server typed is asked.
    await user.type(screen.getByLabelText("Server URL"), "https://uw.example");
    const button = (await screen.findByRole("button", { name: "Sign in with Contoso" }, { timeout: 3000 })) as HTMLButtonElement;
    expect(calls).toContainEqual(["sign_in_providers", { serverUrl: "https://uw.example" }]);
    await user.click(button);
    expect(calls).toContainEqual(["sign_in_with_provider", { serverUrl: "https://uw.example", provider: "contoso" }]);
    expect((await screen.findByRole("status")).textContent).toBe(
      "Finish signing in in your browser. This window continues when you are done.",
    );
    expect(button.disabled).toBe(true);
    expect((screen.getByRole("button", { name: "Sign in" }) as HTMLButtonElement).disabled).toBe(true);
    finish();
    expect(await screen.findByText(/Signed in to https:\/\/uw.example as/)).toBeTruthy();
    expect(calls.some(([cmd]) => cmd === "sign_in")).toBe(false);
    await waitFor(() => expect(calls.some(([cmd]) => cmd === "admin_users")).toBe(true));
  });

  it("says in words why signing in through the organization's service failed", async () => {
    mockAdmin({
      session_status: () => null,
      sign_in_providers: () => [{ id: "contoso", displayName: "Contoso" }],
      sign_in_with_provider: () =>
        Promise.reject({ code: "sync.unauthorized", serverCode: "sso.unknown_user", message: "no user for this identity" }),
    });
    const user = userEvent.setup();
    render(<AdminScreen />);
    await user.type(await screen.findByLabelText("Server URL"), "https://uw.example");
    await user.tab();
    await user.click(await screen.findByRole("button", { name: "Sign in with Contoso" }));
    const alert = await screen.findByRole("alert");
    expect(alert.id).toBe("sign-in-admin-error");
    expect(visibleText(alert)).toBe("You do not have an account on this server yet. Ask your administrator to add you.");
  });

  it("lists the organization's sign-in services, adds one with its role rules, changes a secret, removes one after confirming, and checks them", async () => {
    const contoso: IdentityProviderView = {
      id: "contoso",
      displayName: "Contoso",
      issuer: "https://login.contoso.example",
      clientId: "uw-desktop",
      hasClientSecret: true,
      usernameClaim: "email",
      rolesClaim: "groups",
      roleRules: [
        { value: "uw-agents", role: "agent" },
        { value: "uw-admins", role: "admin" },
      ],
      createUsers: true,
      agency: "Buckeye Insurance Agency, LLC",
      extraScopes: ["groups"],
      caCertificate: null,
    };
    let providers: IdentityProviderView[] = [contoso];
    const calls = mockAdmin({
      session_status: () => session("admin"),
      admin_identity_providers: () => providers,
      admin_set_identity_provider: (args) => {
        const { id, provider } = args as { id: string; provider: IdentityProviderInput };
        const saved: IdentityProviderView = {
          ...provider,
          id,
          hasClientSecret: provider.clientSecret !== undefined,
          roleRules: provider.roleRules,
        };
        providers = [...providers.filter((p) => p.id !== id), saved];
        return saved;
      },
      admin_remove_identity_provider: (args) => {
        providers = providers.filter((p) => p.id !== args.id);
        return providers;
      },
      admin_check_identity_providers: () => ({ stillActive: 3, ended: ["ann@contoso.example"], unreachable: 1 }),
    });
    const user = userEvent.setup();
    render(<AdminScreen />);
    const section = (await screen.findByRole("heading", { name: "Organization sign-in" })).closest("section") as HTMLElement;
    expect(section.textContent).toContain("The server asks the service every five minutes whether they still may");
    const row = await within(section).findByText("Contoso");
    const contosoRow = row.closest("tr") as HTMLElement;
    expect(contosoRow.textContent).toContain("https://login.contoso.example");
    expect(contosoRow.textContent).toContain("Username from email");
    expect(within(contosoRow).getByText("uw-agents → Agent")).toBeTruthy();
    expect(within(contosoRow).getByText("uw-admins → Administrator")).toBeTruthy();
    expect(contosoRow.textContent).toContain("Yes");

    // Adding: the defaults, a role rule, and no client secret.
    await user.click(within(section).getByRole("button", { name: "Add a sign-in service" }));
    const form = within(section).getByRole("form", { name: "Add a sign-in service" });
    expect((within(form).getByLabelText("Username claim") as HTMLInputElement).value).toBe("email");
    expect((within(form).getByLabelText("Groups claim") as HTMLInputElement).value).toBe("groups");
    await user.type(within(form).getByLabelText("ID"), "okta");
    await user.type(within(form).getByLabelText("Name shown on the sign-in button"), "Okta");
    await user.type(within(form).getByLabelText("Issuer"), "https://okta.example/oauth2/default");
    await user.type(within(form).getByLabelText("Client ID"), "0oa-uw");
    await user.click(within(form).getByRole("button", { name: "Add a rule" }));
    await user.type(within(form).getByLabelText("Group of rule 1"), "uw-underwriters");
    await user.selectOptions(within(form).getByLabelText("Role of rule 1"), "underwriter");
    await user.click(within(form).getByRole("button", { name: "Add a rule" }));
    await user.type(within(form).getByLabelText("Group of rule 2"), "temp");
    await user.click(within(form).getByRole("button", { name: "Remove rule 2" }));
    await user.click(within(form).getByLabelText("Create users at their first sign-in"));
    await user.type(within(form).getByLabelText("Extra scopes (optional)"), "groups  offline_access");
    await user.click(within(form).getByRole("button", { name: "Save" }));
    const added = calls.find(([cmd]) => cmd === "admin_set_identity_provider");
    expect(added).toEqual([
      "admin_set_identity_provider",
      {
        id: "okta",
        provider: {
          displayName: "Okta",
          issuer: "https://okta.example/oauth2/default",
          clientId: "0oa-uw",
          removeClientSecret: false,
          usernameClaim: "email",
          rolesClaim: "groups",
          roleRules: [{ value: "uw-underwriters", role: "underwriter" }],
          createUsers: true,
          agency: null,
          extraScopes: ["groups", "offline_access"],
          caCertificate: null,
        },
      },
    ]);
    expect("clientSecret" in (added![1].provider as object)).toBe(false);
    expect(await within(section).findByText(/Okta is added/)).toBeTruthy();
    expect(await within(section).findByText("uw-underwriters → Underwriter")).toBeTruthy();
    expect(within(section).queryByRole("form")).toBeNull();

    // Changing: the secret kept is not shown; a new one replaces it.
    await user.click(within(section).getByRole("button", { name: "Edit Contoso" }));
    const change = within(section).getByRole("form", { name: "Change Contoso" });
    expect(within(change).queryByLabelText("ID")).toBeNull();
    const secret = within(change).getByLabelText("Client secret") as HTMLInputElement;
    expect(secret.type).toBe("password");
    expect(secret.value).toBe("");
    expect(secret.placeholder).toBe("Kept; type to replace");
    expect(within(change).getByLabelText("Remove the kept secret")).toBeTruthy();
    expect((within(change).getByLabelText("Group of rule 2") as HTMLInputElement).value).toBe("uw-admins");
    await user.type(secret, "new-secret");
    await user.click(within(change).getByRole("button", { name: "Save" }));
    expect(calls).toContainEqual([
      "admin_set_identity_provider",
      {
        id: "contoso",
        provider: {
          displayName: "Contoso",
          issuer: "https://login.contoso.example",
          clientId: "uw-desktop",
          clientSecret: "new-secret",
          removeClientSecret: false,
          usernameClaim: "email",
          rolesClaim: "groups",
          roleRules: contoso.roleRules,
          createUsers: true,
          agency: "Buckeye Insurance Agency, LLC",
          extraScopes: ["groups"],
          caCertificate: null,
        },
      },
    ]);
    expect(await within(section).findByText("Contoso is saved.")).toBeTruthy();

    // Removing asks first.
    await user.click(within(section).getByRole("button", { name: "Remove Contoso" }));
    expect(calls.some(([cmd]) => cmd === "admin_remove_identity_provider")).toBe(false);
    const dialog = screen.getByRole("alertdialog");
    expect(dialog.textContent).toMatch(/Remove Contoso\?/);
    expect(dialog.textContent).toMatch(/People who sign in with it can no longer sign in\./);
    await user.click(within(dialog).getByRole("button", { name: "Remove Contoso" }));
    expect(calls).toContainEqual(["admin_remove_identity_provider", { id: "contoso" }]);
    expect(await within(section).findByText("Contoso is removed.")).toBeTruthy();
    await waitFor(() => expect(section.querySelector('tr[data-provider-id="contoso"]')).toBeNull());

    await user.click(within(section).getByRole("button", { name: "Check now" }));
    expect(calls).toContainEqual(["admin_check_identity_providers", {}]);
    expect((await within(section).findByText(/can still sign in/)).textContent).toBe(
      "3 people can still sign in. Access ended for: ann@contoso.example. 1 could not be checked; they will be checked again.",
    );
  });

  it("says what a check of the sign-in services found, whatever the counts", async () => {
    const { checkSentence } = await import("./IdentityProviders");
    expect(checkSentence({ stillActive: 1, ended: [], unreachable: 0 })).toBe("1 person can still sign in.");
    expect(checkSentence({ stillActive: 0, ended: ["ann@x", "bob@x"], unreachable: 0 })).toBe("Access ended for: ann@x, bob@x.");
    expect(checkSentence({ stillActive: 0, ended: [], unreachable: 2 })).toBe("2 could not be checked; they will be checked again.");
    expect(checkSentence({ stillActive: 0, ended: [], unreachable: 0 })).toBe("No one has signed in with these services yet.");
  });

  it("asks an agent's session to sign in as an administrator", async () => {
    mockAdmin({ session_status: () => session("agent") });
    render(<AdminScreen />);
    expect(await screen.findByText(/who is agent; this screen needs administrator/)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Sign in" })).toBeTruthy();
  });
});

describe("audit screen", () => {
  it("exports a range, saves it, and shows the verdict of verifying it with the key", async () => {
    let files: { fileName: string; bytes: number }[] = [];
    const calls = mockCommands({
      session_status: () => session("auditor"),
      audit_entries: () => ({ entries: [], nextBefore: null, start: 0, end: 12 }),
      audit_exports: () => files,
      audit_keys: () => ({ origin: "uw.example/audit", verifierKeys: ["uw.example+01020304+AQID"] }),
      save_audit_export: () => {
        files = [{ fileName: "audit-export-0-12-12.txt", bytes: 4096 }];
        return {
          fileName: files[0].fileName,
          path: "/docs/Audit exports/audit-export-0-12-12.txt",
          start: 0,
          end: 12,
          checkpointSize: 12,
          consistencyFrom: null,
        };
      },
      verify_audit_export: () => ({
        verdict: "verified",
        origin: "uw.example/audit",
        start: 0,
        end: 12,
        checkpointSize: 12,
        root: "ab".repeat(32),
        signers: ["uw.example"],
        consistentWith: null,
      }),
    });
    const user = userEvent.setup();
    render(<AuditScreen />);
    await user.click(await screen.findByRole("button", { name: "Export and save" }));
    expect(calls).toContainEqual(["save_audit_export", { start: 0, end: null, previous: null }]);
    // By entry numbers, "Up to entry" includes the entry it names.
    await user.click(screen.getByLabelText("By entry numbers"));
    await user.type(screen.getByLabelText("Up to entry"), "11");
    await user.click(screen.getByRole("button", { name: "Export and save" }));
    expect(calls).toContainEqual(["save_audit_export", { start: 0, end: 12, previous: null }]);
    expect(await screen.findByText("/docs/Audit exports/audit-export-0-12-12.txt")).toBeTruthy();
    // The saved export is chosen for verification.
    expect((screen.getByLabelText("Export") as HTMLSelectElement).value).toBe("audit-export-0-12-12.txt");
    await user.click(screen.getByRole("button", { name: "Use the key the server publishes" }));
    expect((screen.getByLabelText("Audit key") as HTMLInputElement).value).toBe("uw.example+01020304+AQID");
    await user.click(screen.getByRole("button", { name: "Verify" }));
    expect(calls).toContainEqual([
      "verify_audit_export",
      { file: "audit-export-0-12-12.txt", key: "uw.example+01020304+AQID", previous: null },
    ]);
    const box = (await screen.findByText("This export is intact:")).closest("#audit-verdict") as HTMLElement;
    expect(box.getAttribute("data-verdict")).toBe("verified");
    expect(visibleText(box)).toMatch(
      /^This export is intact: 12 entries, the whole log, exactly as the server recorded them, signed by the server's audit key\./,
    );
    // The cryptography stays in the closed technical details.
    expect(visibleText(box)).not.toMatch(/[0-9a-f]{16}/);
    expect(box.querySelector("details summary")?.textContent).toBe("Technical details");
    expect(box.querySelector("details")?.textContent).toContain("ab".repeat(32));
  });

  it("verifies offline without signing in, and shows why a tampered export fails", async () => {
    mockCommands({
      session_status: () => null,
      audit_exports: () => [{ fileName: "audit-export-0-12-12.txt", bytes: 4096 }],
      verify_audit_export: () => ({ verdict: "failed", reason: "audit-export-0-12-12.txt: entry 7: modified (its hash is not the log's)" }),
    });
    const user = userEvent.setup();
    render(<AuditScreen />);
    expect(await screen.findByRole("button", { name: "Sign in" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Export and save" })).toBeNull();
    await user.type(screen.getByLabelText("Audit key"), "uw.example+01020304+AQID");
    await screen.findAllByRole("option", { name: /audit-export-0-12-12.txt/ });
    await user.selectOptions(screen.getByLabelText("Export"), "audit-export-0-12-12.txt");
    await user.click(screen.getByRole("button", { name: "Verify" }));
    const alert = await screen.findByRole("alert");
    expect(visibleText(alert)).toBe("This export has been altered: entry 7 does not match the signed log.");
    // The verifier's own words stay in the technical details (the end-to-end test reads them).
    expect(alert.querySelector("details")?.textContent).toContain("entry 7: modified");
  });

  it("says why an export failed in plain words", () => {
    const cases: [string, RegExp][] = [
      ["f.txt: entry 3: missing", /entry 3 was removed/],
      ["f.txt: entry 4: extra entry not in the range", /entry 4 was added/],
      ["f.txt: entry 5: reordered (the entry at this position is entry 6)", /entries were moved, and entry 5/],
      [
        "f.txt: the entries and their listed leaf hashes do not rebuild the checkpoint root: an entry was replaced together with its hash",
        /no single entry can be named/,
      ],
      ["f.txt: checkpoint: the signature by uw (key id 0a0b0c0d) does not verify", /not signed by the key you gave/],
      ["f.txt: checkpoint: no signature from a known key", /not signed by the key you gave/],
      ["f.txt: fork: the previous checkpoint and this one both have size 9 with different roots", /log was rewritten/],
      ["f.txt: line 3: bad entry line", /not a complete audit export/],
      ["f.txt: something new", /could not be verified/],
    ];
    for (const [reason, sentence] of cases) {
      expect(failureSentence(reason)).toMatch(sentence);
      expect(failureSentence(reason)).not.toMatch(/[0-9a-f]{8}|checkpoint|hash/);
    }
  });
});

describe("a device's last call", () => {
  it("reads as a time, and a week's silence is called out", async () => {
    const { lastSeen, staleDays } = await import("./serverLists");
    const now = new Date("2026-12-07T12:00:00Z");
    expect(lastSeen(null, true, now)).toBe("Not yet");
    expect(staleDays("2026-12-06T12:00:00Z", now)).toBeNull();
    expect(staleDays("2026-11-28T12:00:00Z", now)).toBe(9);
    expect(lastSeen("2026-11-28T12:00:00Z", true, now)).toMatch(/^Not seen for 9 days \(/);
    expect(lastSeen("2026-11-28T12:00:00Z", false, now)).not.toMatch(/Not seen/);
  });
});
