import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { api, formatUsd } from "./api";

afterEach(() => clearMocks());

describe("formatUsd", () => {
  it("groups thousands and keeps the decimal string's cents exactly", () => {
    expect(formatUsd("1234567.5")).toBe("$1,234,567.50");
    expect(formatUsd("0.1")).toBe("$0.10");
    expect(formatUsd("999")).toBe("$999");
    expect(formatUsd("-294.52")).toBe("-$294.52");
  });

  it("never goes through a float", () => {
    // 0.1 + 0.2 as a float would print 0.30000000000000004.
    expect(formatUsd("10000000000000000.30")).toBe("$10,000,000,000,000,000.30");
  });
});

describe("commands", () => {
  it("pass their arguments under the names the Rust commands take", async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return cmd === "dismiss_sync_issue" ? true : null;
    });
    await api.dismissSyncIssue(7);
    await api.enroll({ serverUrl: "https://uw.example", username: "agent1", password: "pw", deviceName: "laptop" });
    expect(calls).toEqual([
      ["dismiss_sync_issue", { id: 7 }],
      ["enroll", { serverUrl: "https://uw.example", username: "agent1", password: "pw", deviceName: "laptop" }],
    ]);
  });

  it("reject with the command's {code, message}", async () => {
    mockIPC(() => Promise.reject({ code: "sync.offline", message: "the server did not answer" }));
    await expect(api.syncNow(() => {})).rejects.toEqual({ code: "sync.offline", message: "the server did not answer" });
  });

  it("turn any other failure into the same error shape", async () => {
    mockIPC(() => Promise.reject("window closed"));
    await expect(api.syncIssues()).rejects.toEqual({ code: "ipc.failed", message: "window closed" });
  });
});
