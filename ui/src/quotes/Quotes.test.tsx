import { expect, it } from "vitest";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { QuoteDetailView } from "../bindings";
import { QuoteList } from "./QuoteList";
import { QuoteScreen } from "./QuoteScreen";
import { mockCommands } from "../test/ipc";
import { quoteInput, rejectedBind, rejectedQuote } from "../test/fixtures";

it("shows why the server refused the bind and re-rates the quote as its next version", async () => {
  let view: QuoteDetailView = {
    detail: { summary: rejectedQuote, input: quoteInput(""), versions: [{ version: 1, created_at: "2026-11-01T09:00:00Z", rating: null }] },
    rating: null,
    draftId: null,
    syncIssues: [rejectedBind],
  };
  const calls = mockCommands({
    get_quote: () => view,
    rerate_quote: () => {
      const next = { ...rejectedQuote, status: "rated" as const, version: 2 };
      view = { ...view, detail: { ...view.detail, summary: next } };
      return { summary: next, rating: { packId: "ca-personal-auto/2026.1@abc", premium: "1180.00" } };
    },
  });
  let changed = 0;
  const user = userEvent.setup();
  render(<QuoteScreen quoteId={2} onEdit={() => {}} onResumeDraft={() => {}} onChanged={() => (changed += 1)} />);
  const alert = await screen.findByRole("alert");
  expect(alert.textContent).toContain("bind.premium_mismatch");
  expect(alert.textContent).toContain("does not match the server's re-rating 1180.00");
  expect((screen.getByRole("button", { name: "Request bind" }) as HTMLButtonElement).disabled).toBe(true);
  await user.click(screen.getByRole("button", { name: "Re-rate with the pack in force" }));
  expect(calls).toContainEqual(["rerate_quote", { quoteId: 2 }]);
  expect(await screen.findByText(/Re-rated as version 2 with California personal auto, 2026.1: \$1,180.00 \(rated\)/)).toBeTruthy();
  expect(changed).toBe(1);
  expect(((await screen.findByRole("button", { name: "Request bind" })) as HTMLButtonElement).disabled).toBe(false);
});

it("filters the list by the dates quotes were started", async () => {
  const calls = mockCommands({ list_quotes: () => [] });
  const user = userEvent.setup();
  render(<QuoteList onOpen={() => {}} />);
  await user.type(screen.getByLabelText("Started from"), "2026-11-01");
  await user.type(screen.getByLabelText("Started to"), "2026-11-30");
  await user.click(screen.getByRole("button", { name: "Search" }));
  const last = calls[calls.length - 1][1] as { filter: { created_from: string; created_to: string } };
  expect([last.filter.created_from, last.filter.created_to]).toEqual(["2026-11-01", "2026-11-30"]);
});
