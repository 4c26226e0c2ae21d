import { describe, expect, it } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Dashboard } from "./Dashboard";
import { mockCommands } from "../test/ipc";

const draft = {
  id: 4,
  quote_id: null,
  product: "personal-auto",
  step: 2,
  label: "Ana Reyes",
  created_at: "",
  updated_at: "2026-12-06T10:00:00Z",
};

describe("the dashboard's unfinished quotes", () => {
  it("discards a draft once the agent confirms, and lists the drafts again", async () => {
    let drafts = [draft];
    const calls = mockCommands({
      dashboard: () => ({ recent_quotes: [], drafts, policies: [], outbox_pending: 0, last_delivery_at: null, packs: [] }),
      discard_draft: ({ id }) => {
        drafts = drafts.filter((d) => d.id !== id);
        return true;
      },
    });
    const user = userEvent.setup();
    render(<Dashboard onNewQuote={() => {}} onOpenQuote={() => {}} onResumeDraft={() => {}} onOpenPolicy={() => {}} onLoaded={() => {}} />);
    const list = await screen.findByRole("list");
    await user.click(within(list).getByRole("button", { name: "Discard the unfinished quote for Ana Reyes" }));
    expect(calls.some(([c]) => c === "discard_draft")).toBe(false);
    // Cancel keeps it.
    await user.click(within(list).getByRole("button", { name: "Cancel" }));
    await user.click(within(list).getByRole("button", { name: "Discard the unfinished quote for Ana Reyes" }));
    await user.click(within(list).getByRole("button", { name: "Discard it: the unfinished quote for Ana Reyes" }));
    await waitFor(() => expect(screen.queryByRole("button", { name: /Resume Ana Reyes/ })).toBeNull());
    expect(calls.filter(([c]) => c === "discard_draft").map(([, a]) => a)).toEqual([{ id: 4 }]);
    expect(calls.filter(([c]) => c === "dashboard").length).toBe(2);
  });
});
