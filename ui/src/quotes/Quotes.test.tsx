import { expect, it } from "vitest";
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import type { QuoteDetailView, QuoteSummary, RatingView } from "../bindings";
import { QuoteList } from "./QuoteList";
import { QuoteScreen } from "./QuoteScreen";
import { mockCommands } from "../test/ipc";
import { acceptedRating, quoteInput, rejectedBind, rejectedQuote } from "../test/fixtures";

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

/** Quote 2, rated or as `status` says, with its rating `rating`. */
function quoteView(status: QuoteSummary["status"], rating: RatingView | null, input = quoteInput()): QuoteDetailView {
  return {
    detail: {
      summary: { ...rejectedQuote, status },
      input,
      versions: [{ version: 1, created_at: "2026-11-01T09:00:00Z", rating: null }],
    },
    rating,
    draftId: null,
    syncIssues: [],
  };
}

it("binds only after the dialog says what will be bound and the agent ticks the checklist", async () => {
  let view = quoteView("rated", acceptedRating("1180.5"));
  const calls = mockCommands({
    get_quote: () => view,
    request_bind: () => {
      view = quoteView("bind_requested", view.rating);
      return null;
    },
  });
  const user = userEvent.setup();
  render(<QuoteScreen quoteId={2} onEdit={() => {}} onResumeDraft={() => {}} onChanged={() => {}} />);
  const request = await screen.findByRole("button", { name: "Request bind" });
  await user.click(request);
  const dialog = await screen.findByRole("dialog", { name: "Bind QUOT-2026-000002?" });
  const text = dialog.textContent ?? "";
  expect(text).toContain("Ana Reyes, 1 Valencia St, San Francisco, CA 94110");
  expect(text).toContain("Personal auto, California");
  expect(text).toContain("Nov 1, 2026 through Nov 1, 2027");
  expect(within(dialog).getByText("$1,180.50", { selector: "#bind-premium" })).toBeTruthy();
  expect(text).toContain("Paid in full: $1,180.50");
  // No signed elections on this quote: no rejections to check.
  expect(within(dialog).queryByLabelText(/signed rejections/)).toBeNull();
  const send = within(dialog).getByRole("button", { name: "Send bind request" }) as HTMLButtonElement;
  expect(send.id).toBe("bind-confirm");
  expect(send.disabled).toBe(true);
  await user.click(within(dialog).getByLabelText("The applicant signed the application"));
  expect(send.disabled).toBe(true);
  await user.click(within(dialog).getByLabelText(/The documents were given to the applicant/));
  expect(send.disabled).toBe(false);
  expect(calls.some(([name]) => name === "request_bind")).toBe(false);
  await user.click(send);
  expect(calls).toContainEqual(["request_bind", { quoteId: 2 }]);
  expect(await screen.findByText("Bind request queued; it goes to the server with the next sync.")).toBeTruthy();
  expect(screen.queryByRole("dialog")).toBeNull();
});

it("asks for signed rejections when the quote has elections, shows the payment plan, and Escape closes it back to the button", async () => {
  const input = quoteInput();
  input.quote = {
    ...input.quote,
    payment_method: "eft",
    elections: [{ coverage: "UM", decision: "rejected", form: "CA-UM-1", signed_on: "2026-10-30", signed_by: "Ana Reyes" }],
  };
  const rating = acceptedRating("1200", [
    { due: "2026-11-01", amount: "300" },
    { due: "2027-02-01", amount: "300" },
    { due: "2027-05-01", amount: "300" },
    { due: "2027-08-01", amount: "300" },
  ]);
  const calls = mockCommands({ get_quote: () => quoteView("approved", rating, input) });
  const user = userEvent.setup();
  render(<QuoteScreen quoteId={2} onEdit={() => {}} onResumeDraft={() => {}} onChanged={() => {}} />);
  const request = await screen.findByRole("button", { name: "Request bind" });
  await user.click(request);
  const dialog = await screen.findByRole("dialog", { name: "Bind QUOT-2026-000002?" });
  expect(dialog.textContent).toContain(
    "Monthly: 4 payments, the first $300.00 due Nov 1, 2026; $1,200.00 in all, by automatic payments from a bank account",
  );
  const rejections = within(dialog).getByLabelText(/Coverages the state requires to be rejected in writing have signed rejections/);
  expect(rejections.closest("label")?.textContent).toContain("Uninsured motorist rejected, signed by Ana Reyes on Oct 30, 2026");
  for (const box of within(dialog)
    .getAllByRole("checkbox")
    .filter((b) => b !== rejections))
    await user.click(box);
  expect((within(dialog).getByRole("button", { name: "Send bind request" }) as HTMLButtonElement).disabled).toBe(true);
  await user.click(rejections);
  expect((within(dialog).getByRole("button", { name: "Send bind request" }) as HTMLButtonElement).disabled).toBe(false);
  await user.keyboard("{Escape}");
  await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
  await waitFor(() => expect(document.activeElement).toBe(request));
  expect(calls.some(([name]) => name === "request_bind")).toBe(false);
  // Opened again, the checklist starts over.
  await user.click(request);
  const again = await screen.findByRole("dialog", { name: "Bind QUOT-2026-000002?" });
  expect((within(again).getByRole("button", { name: "Send bind request" }) as HTMLButtonElement).disabled).toBe(true);
  await user.click(within(again).getByRole("button", { name: "Cancel" }));
  await waitFor(() => expect(screen.queryByRole("dialog")).toBeNull());
});

it("says why a referred quote cannot be bound yet", async () => {
  mockCommands({ get_quote: () => quoteView("referred", acceptedRating()) });
  render(<QuoteScreen quoteId={2} onEdit={() => {}} onResumeDraft={() => {}} onChanged={() => {}} />);
  const request = (await screen.findByRole("button", { name: "Request bind" })) as HTMLButtonElement;
  expect(request.disabled).toBe(true);
  expect(screen.getByText("Waiting for an underwriter's decision").id).toBe(request.getAttribute("aria-describedby"));
});
