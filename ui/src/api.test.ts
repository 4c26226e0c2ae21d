import { describe, expect, it } from "vitest";
import { mockIPC } from "@tauri-apps/api/mocks";
import { api } from "./api";

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
      ["enroll", { serverUrl: "https://uw.example", username: "agent1", password: "pw", deviceName: "laptop", secondFactor: null }],
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
