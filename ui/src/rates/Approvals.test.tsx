import { describe, expect, it } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { Channel } from "@tauri-apps/api/core";
import type { ApprovalKeyView, ImpactProgress, ImpactView, PackDiff, ReviewView } from "../bindings";
import { Approvals } from "./Approvals";
import { BASE, DRAFT_PACK, impactView } from "./testdata";
import { Handler, mockCommands } from "../test/ipc";

const PUBLIC = "3f".repeat(32);

const diff: PackDiff = {
  fields: [{ key: "coverages.BI.steps.0.value", label: "BI: Base rate (annual)", before: "310.00", after: "325.00", line: 20 }],
  tables: [],
  manifest_lines: [],
  other_files: [],
};

const review = (draftId: string, impact: ReviewView["impact"]): ReviewView => ({
  draftId,
  packId: DRAFT_PACK,
  basePackId: BASE,
  author: "uw1",
  submittedAt: "2026-11-24T09:00:00Z",
  note: "BI +5% after the loss-cost review",
  impact,
  impactProblem: null,
  decision: null,
  refusal: null,
});

function commands(extra: Record<string, Handler>) {
  return mockCommands({
    approval_key: () => ({ keyId: "uw2-approval", publicKey: PUBLIC }),
    pack_reviews: () => [],
    rate_draft_diff: () => diff,
    ...extra,
  });
}

const item = (draftId: string) => document.querySelector(`li.review[data-draft-id="${draftId}"]`) as HTMLElement;

describe("approval key", () => {
  it("creates the key, which asks the server to register it, and says an administrator approves it", async () => {
    let key: ApprovalKeyView | null = null;
    const calls = commands({
      approval_key: () => key,
      create_approval_key: (args) => {
        key = { keyId: args.keyId as string, publicKey: PUBLIC, registered: false };
        return key;
      },
    });
    const user = userEvent.setup();
    render(<Approvals username="uw2" />);
    const keyId = (await screen.findByLabelText("Key id")) as HTMLInputElement;
    expect(keyId.id).toBe("approval-key-id");
    expect(keyId.value).toBe("uw2-approval");
    expect(document.getElementById("approval-public-key")).toBeNull();
    await user.clear(keyId);
    await user.type(keyId, "uw2-2026");
    await user.click(screen.getByRole("button", { name: "Create approval key" }));
    await waitFor(() => expect(document.getElementById("approval-public-key")?.textContent).toBe(PUBLIC));
    expect(calls).toContainEqual(["create_approval_key", { keyId: "uw2-2026" }]);
    expect(document.getElementById("approval-key-status")!.textContent).toContain("An administrator must approve it on the Admin screen");
    expect(document.getElementById("approval-key")!.textContent).not.toContain("uw-sync-server");
    expect(screen.queryByRole("button", { name: "Create approval key" })).toBeNull();
    // Asking again sends the same key.
    await user.click(screen.getByRole("button", { name: "Ask again" }));
    expect(calls.filter(([cmd]) => cmd === "create_approval_key").at(-1)).toEqual(["create_approval_key", { keyId: "uw2-2026" }]);
  });

  it("shows why a key was not made", async () => {
    commands({
      approval_key: () => null,
      create_approval_key: () => Promise.reject({ code: "input.invalid", message: "a key id is letters, digits, `-`, `.` or `_`" }),
    });
    const user = userEvent.setup();
    render(<Approvals username="uw2" />);
    await user.type(await screen.findByLabelText("Key id"), " x");
    await user.click(screen.getByRole("button", { name: "Create approval key" }));
    expect((await screen.findByRole("alert")).textContent).toContain("a key id is letters");
    expect(document.getElementById("approval-public-key")).toBeNull();
  });
});

describe("review queue", () => {
  it("says when nothing waits", async () => {
    commands({});
    render(<Approvals username="uw2" />);
    expect(await screen.findByText("No drafts await your approval. Sync to fetch new ones.")).toBeTruthy();
  });

  it("shows the diff and the author's impact, rejects only with a comment, and approves with one", async () => {
    let queue = [review("d1", impactView.summary), review("d2", null)];
    const calls = commands({
      pack_reviews: () => queue,
      decide_pack_draft: (args) => {
        queue = queue.map((r) =>
          r.draftId === args.draftId ? { ...r, decision: { approve: args.approve as boolean, comment: args.comment as string } } : r,
        );
        return null;
      },
    });
    const user = userEvent.setup();
    render(<Approvals username="uw2" />);
    await waitFor(() => expect(document.querySelector("#review-diff-d1 tr.diff-field")).not.toBeNull());
    const first = item("d1");
    expect(first.textContent).toContain("California personal auto, 2026.2");
    expect(first.textContent).toContain("from uw1");
    expect(first.textContent).toContain("BI +5% after the loss-cost review");
    expect(first.querySelector('tr.diff-field[data-key="coverages.BI.steps.0.value"]')!.textContent).toContain("310.00 → 325.00");
    expect(calls).toContainEqual(["rate_draft_diff", { draftId: "d1" }]);
    // The author's summary, under its own ids.
    expect(document.getElementById("author-impact-d1-total-change")!.textContent).toContain("+$450.00 (+4.50%)");
    expect(first.querySelectorAll("#author-impact-d1-histogram div.band").length).toBe(3);
    expect(document.getElementById("impact-total-change")).toBeNull();
    expect(item("d2").textContent).toContain("The author attached no impact run.");

    const reject = first.querySelector("button.reject-draft") as HTMLButtonElement;
    const approve = first.querySelector("button.approve-draft") as HTMLButtonElement;
    expect(reject.disabled).toBe(true);
    expect(approve.disabled).toBe(false);
    const comment = first.querySelector("textarea.review-comment") as HTMLTextAreaElement;
    await user.type(comment, "   ");
    expect(reject.disabled).toBe(true);
    await user.clear(comment);
    await user.type(comment, "Checked the territory factors");
    expect(reject.disabled).toBe(false);
    await user.click(approve);
    await waitFor(() => expect(item("d1").querySelector(".review-decision")?.textContent).toContain("Approved — sync to deliver"));
    expect(calls).toContainEqual(["decide_pack_draft", { draftId: "d1", approve: true, comment: "Checked the territory factors" }]);
    expect(item("d1").querySelector("button.approve-draft")).toBeNull();
    // The queue is read again and carries the decision until sync delivers it.
    expect(calls.filter(([cmd]) => cmd === "pack_reviews").length).toBe(2);
    expect(item("d1").getAttribute("data-decision")).toBe("approved");
    expect(item("d2").querySelector(".review-decision")).toBeNull();
  });

  it("says why the author's impact summary cannot be shown", async () => {
    commands({
      pack_reviews: () => [{ ...review("d3", null), impactProblem: "the author's impact summary does not read: missing field `total`" }],
    });
    render(<Approvals username="uw2" />);
    await waitFor(() => expect(item("d3")).toBeTruthy());
    expect(within(item("d3")).getByRole("alert").textContent).toContain("missing field `total`");
    expect(item("d3").textContent).not.toContain("The author attached no impact run.");
  });

  it("shows a rejection decided earlier from the reloaded queue", async () => {
    commands({ pack_reviews: () => [{ ...review("d1", null), decision: { approve: false, comment: "Too steep" } }] });
    render(<Approvals username="uw2" />);
    await waitFor(() => expect(item("d1")?.querySelector(".review-decision")?.textContent).toContain("Rejected — sync to deliver"));
    expect(item("d1").textContent).toContain("Too steep");
    expect(item("d1").querySelector("button.reject-draft")).toBeNull();
  });

  it("hands back a decision the server refused, with the reason, to make again", async () => {
    commands({
      pack_reviews: () => [{ ...review("d1", null), refusal: "the approval's signature is refused: signed with a revoked key" }],
    });
    render(<Approvals username="uw2" />);
    await waitFor(() => expect(item("d1")?.querySelector(".review-refusal")).not.toBeNull());
    expect(item("d1").querySelector(".review-refusal")!.textContent).toContain("The server refused your last decision");
    expect(item("d1").querySelector(".review-refusal")!.textContent).toContain("revoked key");
    expect(item("d1").querySelector("button.approve-draft")).not.toBeNull();
  });

  it("tells an approver without a key to create one", async () => {
    commands({
      pack_reviews: () => [review("d1", null)],
      decide_pack_draft: () => Promise.reject({ code: "pack.no_approval_key", message: "uw2 has no approval key" }),
    });
    const user = userEvent.setup();
    render(<Approvals username="uw2" />);
    await waitFor(() => expect(item("d1")).not.toBeNull());
    await user.click(item("d1").querySelector("button.approve-draft")!);
    const alert = await within(item("d1")).findByRole("alert");
    expect(alert.getAttribute("data-code")).toBe("pack.no_approval_key");
    expect(alert.textContent).toContain("create one");
    expect(alert.textContent).toContain("uw2 has no approval key");
    expect(item("d1").querySelector(".review-decision")).toBeNull();
  });

  it("runs impact on the server's book and shows the report with worksheets under distinct ids", async () => {
    let progress: Channel<ImpactProgress> | null = null;
    let finish: (v: ImpactView) => void = () => {};
    const calls = commands({
      pack_reviews: () => [review("d1", impactView.summary)],
      run_impact: (args) => {
        progress = args.onProgress as Channel<ImpactProgress>;
        return new Promise((resolve) => {
          finish = resolve;
        });
      },
    });
    const user = userEvent.setup();
    render(<Approvals username="uw2" />);
    await waitFor(() => expect(item("d1")).not.toBeNull());
    await user.click(within(item("d1")).getByLabelText("The server's book"));
    await user.click(item("d1").querySelector("button.review-impact")!);
    expect(calls.find(([cmd]) => cmd === "run_impact")![1]).toMatchObject({ draftId: "d1", book: { kind: "server" } });
    progress!.onmessage({ done: 6, total: 12 });
    const bar = (await within(item("d1")).findByLabelText("6 of 12 policies rated")) as HTMLProgressElement;
    expect([bar.value, bar.max]).toEqual([6, 12]);
    finish(impactView);
    await waitFor(() => expect(item("d1").querySelector(".review-impact-result")).not.toBeNull());
    const increase = document.querySelector('#review-impact-d1-largest li.increase[data-policy-id="QUOT-2026-000004"]') as HTMLElement;
    expect(increase.querySelector("div.worksheet-base h4")!.textContent).toBe("Base California personal auto, 2026.1: $1,229.50");
    expect(increase.querySelector("div.worksheet-draft h4")!.textContent).toBe("Draft California personal auto, 2026.2: $1,350.00");
    // The author's summary stays, and no id is used twice.
    expect(document.getElementById("author-impact-d1-total-change")).not.toBeNull();
    const ids = [...document.querySelectorAll("[id]")].map((e) => e.id);
    expect(ids.length).toBe(new Set(ids).size);
  });
});
