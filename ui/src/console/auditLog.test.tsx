// The auditor's screen: browsing the log, exporting by days, and verifying
// an export opened from another folder.
import { describe, expect, it } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { AuditEntryView } from "../bindings";
import { AuditScreen } from "./AuditScreen";
import { entryTime } from "./auditWords";
import { mockCommands } from "../test/ipc";

/** The end-to-end check's patterns of internal language. */
const INTERNAL: [string, RegExp][] = [
  ["an indexed path", /[a-z]+\[\d+\]/],
  ["a digest", /\b[0-9a-f]{64}\b/],
  ["a snake_case identifier", /[a-z]+_[a-z_]+/],
  ["a dotted code", /[a-z]+\.[a-z_]+/],
  ["an HTTP status in an error", /\b(error|status|refused|request)\b[^.]{0,40}\b[45]\d\d\b|\b[45]\d\d\b\s*\(/i],
  ["an underwriting rule code", /UW-[A-Z]+/],
];

/** The text a user sees, every <details> removed, each text node apart. */
function visibleText(root: Element): string {
  const copy = root.cloneNode(true) as Element;
  copy.querySelectorAll("details").forEach((d) => d.remove());
  const walker = document.createTreeWalker(copy, NodeFilter.SHOW_TEXT);
  const parts: string[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) parts.push(node.nodeValue ?? "");
  return parts.join(" ").replace(/\s+/g, " ");
}

/** The same as one string, the way textContent runs it together, for what a screen should say. */
function shownText(root: Element): string {
  const copy = root.cloneNode(true) as Element;
  copy.querySelectorAll("details").forEach((d) => d.remove());
  return (copy.textContent ?? "").replace(/\s+/g, " ");
}

function expectNoInternalLanguage(root: Element) {
  const text = visibleText(root);
  for (const [what, pattern] of INTERNAL) {
    const m = pattern.exec(text);
    expect(m, `${what} ${m?.[0]} in: ${text}`).toBeNull();
  }
}

const session = { serverUrl: "http://127.0.0.1:8787", username: "auditor1", role: "auditor", expiresAt: "2026-11-25T10:00:00Z" };
const USER_ID = "0123456789abcdef0123456789abcdef";
const DEVICE_ID = "fedcba9876543210fedcba9876543210";

function entry(index: number, action: string, more: Partial<AuditEntryView> = {}): AuditEntryView {
  return {
    index,
    serverTime: "2026-12-06T15:04:05.123Z",
    actor: "agent1",
    isUser: true,
    role: "agent",
    deviceId: DEVICE_ID,
    action,
    resourceType: "policy",
    resourceId: "CA-PA-2026-000042",
    deviceTime: "2026-12-06T15:00:00.000Z",
    requestId: "req-3f2a9c0e",
    ...more,
  };
}

const FIRST_PAGE: AuditEntryView[] = [
  entry(451, "policy.bind.refused"),
  entry(450, "policy.bind"),
  entry(449, "user.add", { actor: "admin1", role: "admin", deviceId: null, deviceTime: null, resourceType: "user", resourceId: USER_ID }),
  entry(448, "organisation.init", {
    actor: "admin-cli",
    isUser: false,
    role: "system",
    deviceId: null,
    deviceTime: null,
    resourceType: "organisation",
    resourceId: "uw.example/audit",
    requestId: "admin-cli",
  }),
  entry(447, "pack.publish", {
    actor: "uw1",
    role: "underwriter",
    deviceId: null,
    deviceTime: null,
    resourceType: "pack",
    resourceId: `ca-personal-auto/2026.1@${"ab".repeat(32)}`,
  }),
  entry(446, "widget.frobnicate_all", { resourceType: "device", resourceId: DEVICE_ID }),
];

describe("the audit log", () => {
  it("loads once signed in and shows each entry as a sentence, its codes only in its details", async () => {
    const calls = mockCommands({
      session_status: () => session,
      audit_exports: () => [],
      audit_entries: () => ({ entries: FIRST_PAGE, nextBefore: null, start: 0, end: 452 }),
    });
    render(<AuditScreen />);
    const table = await screen.findByRole("table");
    expect(table.id).toBe("log-table");
    expect(calls).toContainEqual(["audit_entries", { from: null, to: null, user: null, action: null, resource: null, before: null }]);
    expect(
      within(table)
        .getAllByRole("columnheader")
        .map((h) => h.textContent),
    ).toEqual(["When", "Who", "What", "On", "Entry"]);
    const row = (index: number) => table.querySelector(`tr[data-index="${index}"]`) as HTMLElement;
    expect(row(450).getAttribute("data-action")).toBe("policy.bind");
    expect(shownText(row(451))).toContain("A bind was refused.");
    expect(shownText(row(450))).toContain("Bound a policy.");
    expect(shownText(row(450))).toContain("agent1 (Agent)");
    expect(shownText(row(450))).toContain("Policy CA-PA-2026-000042");
    expect(shownText(row(450))).toContain(entryTime("2026-12-06T15:04:05.123Z"));
    expect(shownText(row(449))).toContain("Added a user.");
    expect(shownText(row(449))).toContain("A user");
    expect(shownText(row(449))).toContain("admin1 (Administrator)");
    expect(shownText(row(448))).toContain("Server administration (command line)");
    expect(shownText(row(448))).toContain("Created the organization.");
    expect(shownText(row(447))).toContain("Rate pack California personal auto, 2026.1");
    expect(shownText(row(446))).toContain("Widget frobnicate all.");
    expect(shownText(row(446))).toContain("A device");
    // The codes and ids are in each row's details.
    const details = row(446).querySelector("details") as HTMLElement;
    expect(details.textContent).toContain("widget.frobnicate_all");
    expect(details.textContent).toContain(DEVICE_ID);
    expect(details.textContent).toContain("req-3f2a9c0e");
    expect(screen.getByText("Showing 6 entries, newest first.").getAttribute("role")).toBe("status");
    expect(screen.queryByRole("button", { name: "Show older entries" })).toBeNull();
    expectNoInternalLanguage(document.getElementById("audit-screen")!);
  });

  it("sends the filters, the days as local midnights with the last day's end exclusive", async () => {
    const calls = mockCommands({
      session_status: () => session,
      audit_exports: () => [],
      audit_entries: (args) =>
        args.user ? { entries: [], nextBefore: null, start: 400, end: 452 } : { entries: FIRST_PAGE, nextBefore: null, start: 0, end: 452 },
    });
    const user = userEvent.setup();
    render(<AuditScreen />);
    await screen.findByRole("table");
    await user.type(document.getElementById("log-from")!, "2026-12-01");
    await user.type(document.getElementById("log-to")!, "2026-12-07");
    await user.type(screen.getByLabelText("User"), "agent1");
    await user.selectOptions(screen.getByLabelText("Action"), "Policies");
    await user.type(screen.getByLabelText("Policy, quote or user"), "CA-PA-2026");
    await user.click(screen.getByRole("button", { name: "Search" }));
    await waitFor(() =>
      expect(calls).toContainEqual([
        "audit_entries",
        {
          from: new Date(2026, 11, 1).toISOString(),
          to: new Date(2026, 11, 8).toISOString(),
          user: "agent1",
          action: "policy",
          resource: "CA-PA-2026",
          before: null,
        },
      ]),
    );
    expect(await screen.findByText("No entry matches these filters.")).toBeTruthy();
    expect(screen.queryByRole("table")).toBeNull();
  });

  it("refuses a day it cannot read, and a last day before the first, without asking the server", async () => {
    const calls = mockCommands({
      session_status: () => session,
      audit_exports: () => [],
      audit_entries: () => ({ entries: FIRST_PAGE, nextBefore: null, start: 0, end: 452 }),
    });
    const user = userEvent.setup();
    render(<AuditScreen />);
    await screen.findByRole("table");
    const asked = calls.filter(([cmd]) => cmd === "audit_entries").length;
    await user.type(document.getElementById("log-from")!, "2026-12-09");
    await user.type(document.getElementById("log-to")!, "2026-12-02");
    await user.click(screen.getByRole("button", { name: "Search" }));
    expect(document.getElementById("log-to-error")?.textContent).toMatch(/before the first/);
    expect(document.getElementById("log-to")?.getAttribute("aria-invalid")).toBe("true");
    expect(calls.filter(([cmd]) => cmd === "audit_entries").length).toBe(asked);
  });

  it("shows older entries from where the page ended", async () => {
    const calls = mockCommands({
      session_status: () => session,
      audit_exports: () => [],
      audit_entries: (args) =>
        args.before === null
          ? { entries: FIRST_PAGE, nextBefore: 446, start: 0, end: 452 }
          : {
              entries: [entry(445, "quote.saved", { resourceType: "quote", resourceId: "QUOT-2026-000017" })],
              nextBefore: null,
              start: 0,
              end: 452,
            },
    });
    const user = userEvent.setup();
    render(<AuditScreen />);
    await user.click(await screen.findByRole("button", { name: "Show older entries" }));
    expect(calls).toContainEqual(["audit_entries", { from: null, to: null, user: null, action: null, resource: null, before: 446 }]);
    const older = await waitFor(() => document.querySelector('#log-table tr[data-index="445"]') as HTMLElement);
    expect(shownText(older)).toContain("Saved a quote.");
    expect(shownText(older)).toContain("Quote QUOT-2026-000017");
    expect(document.querySelectorAll("#log-table tbody tr").length).toBe(7);
    expect(screen.getByText("Showing 7 entries, newest first.")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Show older entries" })).toBeNull();
  });
});

describe("an export by dates", () => {
  it("exports the days chosen, the last one whole, and says why when no entry was recorded on them", async () => {
    let answer: "saved" | "none" = "none";
    const calls = mockCommands({
      session_status: () => session,
      audit_exports: () => [],
      audit_entries: () => ({ entries: [], nextBefore: null, start: 0, end: 0 }),
      save_audit_export_between: () =>
        answer === "none"
          ? Promise.reject({
              code: "input.invalid",
              message: "dates: no entry was recorded between these dates",
              fields: [{ path: "dates", message: "no entry was recorded between these dates" }],
            })
          : {
              fileName: "audit-export-40-52-52.txt",
              path: "/docs/Audit exports/audit-export-40-52-52.txt",
              start: 40,
              end: 52,
              checkpointSize: 52,
              consistencyFrom: null,
            },
    });
    const user = userEvent.setup();
    render(<AuditScreen />);
    expect(((await screen.findByLabelText("By dates")) as HTMLInputElement).checked).toBe(true);
    await user.type(document.getElementById("export-from")!, "2026-11-30");
    await user.type(document.getElementById("export-to")!, "2026-12-01");
    await user.click(screen.getByRole("button", { name: "Export and save" }));
    expect(calls).toContainEqual([
      "save_audit_export_between",
      { from: new Date(2026, 10, 30).toISOString(), to: new Date(2026, 11, 2).toISOString(), previous: null },
    ]);
    const error = await screen.findByRole("alert");
    expect(error.id).toBe("export-error");
    expect(shownText(error)).toContain("Dates: no entry was recorded between these dates");
    expectNoInternalLanguage(error);
    answer = "saved";
    await user.click(screen.getByRole("button", { name: "Export and save" }));
    const saved = await waitFor(() => document.getElementById("export-saved")!);
    expect(saved.getAttribute("data-file")).toBe("audit-export-40-52-52.txt");
    expect(calls.some(([cmd]) => cmd === "save_audit_export")).toBe(false);
  });

  it("exports the whole log with one click when no day is given", async () => {
    const calls = mockCommands({
      session_status: () => session,
      audit_exports: () => [],
      audit_entries: () => ({ entries: [], nextBefore: null, start: 0, end: 0 }),
      save_audit_export: () => ({
        fileName: "audit-export-0-12-12.txt",
        path: "/docs/Audit exports/audit-export-0-12-12.txt",
        start: 0,
        end: 12,
        checkpointSize: 12,
        consistencyFrom: null,
      }),
    });
    const user = userEvent.setup();
    render(<AuditScreen />);
    await user.click(await screen.findByRole("button", { name: "Export and save" }));
    expect(calls).toContainEqual(["save_audit_export", { start: 0, end: null, previous: null }]);
    expect(calls.some(([cmd]) => cmd === "save_audit_export_between")).toBe(false);
  });
});

describe("an export opened from another folder", () => {
  it("is verified from its name and text, and a saved export chosen instead is verified by its name", async () => {
    const calls = mockCommands({
      session_status: () => null,
      audit_exports: () => [{ fileName: "audit-export-0-12-12.txt", bytes: 4096 }],
      verify_audit_text: () => ({ verdict: "failed", reason: "from a colleague.txt: entry 3: missing" }),
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
    await screen.findAllByRole("option", { name: /audit-export-0-12-12.txt/ });
    await user.type(screen.getByLabelText("Audit key"), "uw.example+01020304+AQID");
    const verify = screen.getByRole("button", { name: "Verify" });
    expect(verify.hasAttribute("disabled")).toBe(true);
    const text = "uw-audit-export/1\nentry 0 ...\n";
    await user.upload(
      screen.getByLabelText("Or open an export from another folder"),
      new File([text], "from a colleague.txt", { type: "text/plain" }),
    );
    expect(verify.hasAttribute("disabled")).toBe(false);
    expect(document.getElementById("verify-opened")?.getAttribute("data-file")).toBe("from a colleague.txt");
    expect(document.getElementById("verify-opened")?.textContent).toContain("from a colleague");
    await user.click(verify);
    await waitFor(() =>
      expect(calls).toContainEqual([
        "verify_audit_text",
        { name: "from a colleague.txt", text, key: "uw.example+01020304+AQID", previous: null },
      ]),
    );
    const failed = await waitFor(() => document.querySelector('#audit-verdict[data-verdict="failed"]') as HTMLElement);
    expect(shownText(failed)).toContain("entry 3 was removed");
    // Choosing a saved export forgets the opened one.
    await user.selectOptions(screen.getByLabelText("Export"), "audit-export-0-12-12.txt");
    expect(document.getElementById("verify-opened")).toBeNull();
    expect((screen.getByLabelText("Or open an export from another folder") as HTMLInputElement).value).toBe("");
    await user.click(verify);
    await waitFor(() =>
      expect(calls).toContainEqual([
        "verify_audit_export",
        { file: "audit-export-0-12-12.txt", key: "uw.example+01020304+AQID", previous: null },
      ]),
    );
    expect(calls.filter(([cmd]) => cmd === "verify_audit_text").length).toBe(1);
  });

  it("sends an export too large for the app to the command-line verifier", async () => {
    const calls = mockCommands({ session_status: () => null, audit_exports: () => [] });
    const user = userEvent.setup();
    render(<AuditScreen />);
    await screen.findByRole("button", { name: "Sign in" });
    const big = new File(["x"], "whole-log.txt", { type: "text/plain" });
    Object.defineProperty(big, "size", { value: 65 * 1024 * 1024 });
    await user.upload(screen.getByLabelText("Or open an export from another folder"), big);
    const alert = await screen.findByRole("alert");
    expect(shownText(alert)).toMatch(/larger than 64\.0 MiB are verified with the command-line verifier/);
    expect(alert.querySelector("details")?.textContent).toContain("uw audit verify");
    expect(screen.getByRole("button", { name: "Verify" }).hasAttribute("disabled")).toBe(true);
    expect(calls.some(([cmd]) => cmd.startsWith("verify_"))).toBe(false);
  });
});
