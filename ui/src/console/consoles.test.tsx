import { describe, expect, it } from "vitest";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { DeviceView, UserView } from "../bindings";
import { AdminScreen } from "./AdminScreen";
import { AuditScreen } from "./AuditScreen";
import { mockCommands } from "../test/ipc";

const session = (role: string) => ({ serverUrl: "http://127.0.0.1:8787", username: `${role}1`, role, expiresAt: "2026-11-25T10:00:00Z" });

describe("admin screen", () => {
  it("signs in, lists users and devices, and revokes a device only after confirming", async () => {
    let signedIn: ReturnType<typeof session> | null = null;
    const users: UserView[] = [
      { userId: "u1", username: "admin1", role: "admin", disabled: false },
      { userId: "u2", username: "agent1", role: "agent", disabled: false },
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
      },
    ];
    const calls = mockCommands({
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
    expect(calls).toContainEqual(["sign_in", { serverUrl: "", username: "admin1", password: "s3cret" }]);
    expect(await screen.findByText(/Signed in to http:\/\/127.0.0.1:8787 as/)).toBeTruthy();
    expect(await screen.findByRole("combobox", { name: "Role of agent1" })).toBeTruthy();
    await user.click(await screen.findByRole("button", { name: "Revoke agent-laptop" }));
    expect(calls.some(([cmd]) => cmd === "admin_revoke_device")).toBe(false);
    await user.click(screen.getByRole("button", { name: "Confirm revoking agent-laptop" }));
    expect(await screen.findByText(/agent-laptop \(agent1\) is revoked/)).toBeTruthy();
    expect(calls).toContainEqual(["admin_revoke_device", { deviceId: "d-1" }]);
    const row = document.querySelector('[data-device-id="d-1"]') as HTMLElement;
    expect(within(row).getByText(/Revoked 2026-11-24 08:00/)).toBeTruthy();
  });

  it("changes a user's role and adds a user with the role chosen", async () => {
    const calls = mockCommands({
      session_status: () => session("admin"),
      admin_users: () => [{ userId: "u2", username: "agent1", role: "agent", disabled: false }],
      admin_devices: () => [],
      admin_change_user: () => ({ userId: "u2", username: "agent1", role: "underwriter", disabled: false }),
      admin_add_user: () => ({ userId: "u3", username: "auditor1", role: "auditor", disabled: false }),
    });
    const user = userEvent.setup();
    render(<AdminScreen />);
    await user.selectOptions(await screen.findByRole("combobox", { name: "Role of agent1" }), "underwriter");
    expect(calls.some(([cmd]) => cmd === "admin_change_user")).toBe(false);
    expect(screen.getByRole("alertdialog").textContent).toMatch(/Make agent1 underwriter\?/);
    await user.click(screen.getByRole("button", { name: "Confirm making agent1 underwriter" }));
    expect(calls).toContainEqual(["admin_change_user", { username: "agent1", role: "underwriter", disabled: null, password: null }]);
    expect(await screen.findByText("agent1 is now underwriter.")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Disable agent1" }));
    await user.click(screen.getByRole("button", { name: "Cancel" }));
    expect(calls.some(([cmd, args]) => cmd === "admin_change_user" && (args as { disabled: boolean | null }).disabled === true)).toBe(
      false,
    );
    await user.type(screen.getByLabelText("New username"), "auditor1");
    await user.type(screen.getByLabelText("Initial password"), "pw-for-auditor");
    await user.selectOptions(screen.getByLabelText("Role"), "auditor");
    await user.click(screen.getByRole("button", { name: "Add user" }));
    expect(calls).toContainEqual(["admin_add_user", { username: "auditor1", password: "pw-for-auditor", role: "auditor" }]);
    expect(await screen.findByText("Added auditor1 as auditor.")).toBeTruthy();
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
    const calls = mockCommands({
      session_status: () => session("admin"),
      admin_users: () => [],
      admin_devices: () => [],
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
    expect(calls).toContainEqual(["admin_decide_pack_key_request", { keyId: "uw2-approval", approve: true }]);
    expect(await screen.findByText(/uw2's key uw2-approval is registered/)).toBeTruthy();
    expect(await screen.findByText("No underwriter is waiting for a key.")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Revoke acme-2026" }));
    expect(calls.some(([cmd]) => cmd === "admin_revoke_pack_key")).toBe(false);
    await user.click(screen.getByRole("button", { name: "Confirm revoking acme-2026" }));
    expect(calls).toContainEqual(["admin_revoke_pack_key", { keyId: "acme-2026" }]);
    expect(await screen.findByText(/acme-2026 is revoked/)).toBeTruthy();
  });

  it("shows failed sign-ins and clears an account's", async () => {
    let throttles = [
      { account: "admin1", address: null, failures: 12, waitingUntil: "2026-12-06T10:05:00Z", lastFailureAt: "2026-12-06T10:04:55Z" },
      { account: null, address: "203.0.113.9", failures: 3, waitingUntil: null, lastFailureAt: "2026-12-06T10:04:55Z" },
    ];
    const calls = mockCommands({
      session_status: () => session("admin"),
      admin_users: () => [],
      admin_devices: () => [],
      admin_pack_key_requests: () => [],
      admin_pack_keys: () => [],
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

  it("asks an agent's session to sign in as an administrator", async () => {
    mockCommands({ session_status: () => session("agent") });
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
    expect(await screen.findByText("/docs/Audit exports/audit-export-0-12-12.txt")).toBeTruthy();
    // The saved export is chosen for verification.
    expect((screen.getByLabelText("Export") as HTMLSelectElement).value).toBe("audit-export-0-12-12.txt");
    await user.click(screen.getByRole("button", { name: "Use the key the server publishes" }));
    expect((screen.getByLabelText("Log verifier key") as HTMLInputElement).value).toBe("uw.example+01020304+AQID");
    await user.click(screen.getByRole("button", { name: "Verify" }));
    expect(calls).toContainEqual([
      "verify_audit_export",
      { file: "audit-export-0-12-12.txt", key: "uw.example+01020304+AQID", previous: null },
    ]);
    const verdict = await screen.findByText(/Verified\./);
    expect(verdict.closest("#audit-verdict")?.getAttribute("data-verdict")).toBe("verified");
    expect(screen.getByText(/Entries 0 to 11 are in the server.s audit log exactly as it recorded/)).toBeTruthy();
  });

  it("verifies offline without signing in, and shows why a tampered export fails", async () => {
    mockCommands({
      session_status: () => null,
      audit_exports: () => [{ fileName: "audit-export-0-12-12.txt", bytes: 4096 }],
      verify_audit_export: () => ({ verdict: "failed", reason: "audit-export-0-12-12.txt: entry 7 was modified" }),
    });
    const user = userEvent.setup();
    render(<AuditScreen />);
    expect(await screen.findByRole("button", { name: "Sign in" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Export and save" })).toBeNull();
    await user.type(screen.getByLabelText("Log verifier key"), "uw.example+01020304+AQID");
    await screen.findAllByRole("option", { name: /audit-export-0-12-12.txt/ });
    await user.selectOptions(screen.getByLabelText("Export"), "audit-export-0-12-12.txt");
    await user.click(screen.getByRole("button", { name: "Verify" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("Verification failed.");
    expect(alert.textContent).toContain("entry 7 was modified");
  });
});
