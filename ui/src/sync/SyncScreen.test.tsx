import { expect, it } from "vitest";
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Channel } from "@tauri-apps/api/core";
import type { SyncIssue, SyncProgress, SyncResult } from "../bindings";
import { SyncScreen } from "./SyncScreen";
import { mockCommands } from "../test/ipc";
import { enrolledAgent, rejectedBind } from "../test/fixtures";

const result: SyncResult = {
  delivered: 2,
  accepted: 1,
  duplicate: 0,
  rejected: 1,
  conflict: 0,
  policiesIssued: [],
  changesPulled: 0,
  changesApplied: 0,
  changesNotApplied: 0,
  packsInstalled: [],
  renumbered: [],
  serverRestored: false,
};

it("shows sync progress as it is reported, then the result and the rejection with a way to open its quote", async () => {
  let finish: (r: SyncResult) => void = () => {};
  let progress: Channel<SyncProgress> | null = null;
  let issues: SyncIssue[] = [];
  mockCommands({
    enrollment_status: () => enrolledAgent,
    sync_issues: () => issues,
    sync_now: (args) => {
      progress = (args as { onProgress: Channel<SyncProgress> }).onProgress;
      return new Promise((resolve) => {
        finish = resolve;
      });
    },
  });
  const opened: number[] = [];
  const user = userEvent.setup();
  render(<SyncScreen hidden={false} onOpenQuote={(id) => opened.push(id)} />);
  await user.click(await screen.findByRole("button", { name: "Sync now" }));
  expect(progress).not.toBeNull();
  progress!.onmessage({ phase: "push", sent: 1, total: 2 });
  const bar = (await screen.findByLabelText("Sending: 1 of 2 changes")) as HTMLProgressElement;
  expect([bar.value, bar.max]).toEqual([1, 2]);
  progress!.onmessage({ phase: "pull", pages: 1, changes: 3 });
  expect(await screen.findByLabelText("Receiving: 3 changes in 1 page")).toBeTruthy();
  issues = [rejectedBind];
  finish(result);
  expect(await screen.findByText(/Last sync finished/)).toBeTruthy();
  expect(screen.queryByLabelText(/Receiving/)).toBeNull();
  expect(await screen.findByText(/re-rate it with the pack in force/)).toBeTruthy();
  await user.click(screen.getByRole("button", { name: "Open quote QUOT-2026-000002" }));
  expect(opened).toEqual([2]);
});

it("tells the agent which quotes a restore renumbered and that the server was restored", async () => {
  mockCommands({
    enrollment_status: () => enrolledAgent,
    sync_issues: () => [],
    sync_now: () => ({
      ...result,
      rejected: 0,
      serverRestored: true,
      renumbered: [{ was: "QUOT-2026-00007-00003", now: "QUOT-2026-00007-00005" }],
    }),
  });
  const user = userEvent.setup();
  render(<SyncScreen hidden={false} onOpenQuote={() => {}} />);
  await user.click(await screen.findByRole("button", { name: "Sync now" }));
  expect(await screen.findByText(/The sync server was restored from a backup/)).toBeTruthy();
  expect(screen.getByText(/print their proposals again/)).toBeTruthy();
  expect(screen.getByText("QUOT-2026-00007-00003 is now QUOT-2026-00007-00005")).toBeTruthy();
});

it("creates a support bundle and shows where it is, with no way to print it", async () => {
  const path = "/home/agent/Documents/Underwriting Workstation/Support/support-2026-11-24T080000Z.json";
  const calls = mockCommands({
    enrollment_status: () => enrolledAgent,
    sync_issues: () => [],
    create_support_bundle: () => path,
    show_document_in_folder: () => null,
  });
  const user = userEvent.setup();
  render(<SyncScreen hidden={false} onOpenQuote={() => {}} />);
  const create = await screen.findByRole("button", { name: "Create support bundle" });
  expect(create.getAttribute("aria-describedby")).toBe("support-bundle-explanation");
  expect(screen.getByText(/It contains no customer information\./)).toBeTruthy();
  await user.click(create);
  expect(await screen.findByText(/The support bundle is saved\./)).toBeTruthy();
  const actions = screen.getByRole("group", { name: "The support bundle" });
  expect(within(actions).queryByRole("button", { name: "Print" })).toBeNull();
  await user.click(within(actions).getByRole("button", { name: "Show in folder" }));
  expect(calls).toContainEqual(["create_support_bundle", {}]);
  expect(calls).toContainEqual(["show_document_in_folder", { path }]);
  expect(document.getElementById("support-bundle-path")?.textContent).toBe(path);
});

it("says in words why the support bundle could not be saved", async () => {
  mockCommands({
    enrollment_status: () => ({ state: "notEnrolled" }),
    create_support_bundle: () => Promise.reject({ code: "document.write", message: "No space left on device (os error 28)" }),
  });
  const user = userEvent.setup();
  render(<SyncScreen hidden={false} onOpenQuote={() => {}} />);
  await user.click(await screen.findByRole("button", { name: "Create support bundle" }));
  const alert = await screen.findByRole("alert");
  expect(alert.textContent).toContain("could not be saved to your documents folder");
  expect(alert.querySelector("details")?.textContent).toContain("No space left on device");
});
