// The quote list: search by number or name, filter by status and dates,
// newest change first, fifty at a time.
import { FormEvent, useCallback, useEffect, useEffectEvent, useState } from "react";
import { api, CommandError } from "../api";
import type { QuoteStatus, QuoteSummary } from "../bindings";
import { ErrorBox } from "../shared/ErrorBox";
import { useInvalidation } from "../shared/useCommand";
import { QUOTES } from "./invalidation";
import { QuoteTable } from "./QuoteTable";
import { STATUS_LABEL } from "./status";

/** Quotes a page of the list shows. */
const PAGE = 50;

export function QuoteList({ onOpen }: { onOpen: (quoteId: number) => void }) {
  const [text, setText] = useState("");
  const [status, setStatus] = useState<QuoteStatus | "">("");
  const [effectiveFrom, setEffectiveFrom] = useState("");
  const [effectiveTo, setEffectiveTo] = useState("");
  const [createdFrom, setCreatedFrom] = useState("");
  const [createdTo, setCreatedTo] = useState("");
  const [rows, setRows] = useState<
    { kind: "loading" } | { kind: "loaded"; quotes: QuoteSummary[]; more: boolean } | { kind: "failed"; error: CommandError }
  >({
    kind: "loading",
  });

  const load = useCallback(
    (after: QuoteSummary | null, previous: QuoteSummary[]) =>
      api
        .listQuotes({
          text: text.trim() || null,
          status: status || null,
          created_from: createdFrom.trim() || null,
          created_to: createdTo.trim() || null,
          effective_from: effectiveFrom.trim() || null,
          effective_to: effectiveTo.trim() || null,
          after: after ? { updated_at: after.updated_at, id: after.id } : null,
          limit: PAGE,
        })
        .then(
          (quotes) => setRows({ kind: "loaded", quotes: [...previous, ...quotes], more: quotes.length === PAGE }),
          (error: CommandError) => setRows({ kind: "failed", error }),
        ),
    [text, status, effectiveFrom, effectiveTo, createdFrom, createdTo],
  );

  // Load on opening, and again when another screen changed quotes; the
  // filters apply on submit.
  const loadFirst = useEffectEvent(() => void load(null, []));
  useEffect(() => loadFirst(), []);
  useInvalidation(QUOTES, () => void load(null, []));

  function search(event: FormEvent) {
    event.preventDefault();
    setRows({ kind: "loading" });
    void load(null, []);
  }

  return (
    <section aria-label="Quotes" id="quote-list">
      <h2>Quotes</h2>
      <form onSubmit={search} aria-label="Search quotes" className="filters">
        <label>
          Search
          <input
            id="quote-search"
            className="wide"
            placeholder="Quote number or customer name"
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        </label>
        <label>
          Status
          <select id="quote-status" value={status} onChange={(e) => setStatus(e.target.value as QuoteStatus | "")}>
            <option value="">Any</option>
            {Object.entries(STATUS_LABEL).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Effective from
          <input
            id="quote-effective-from"
            className="medium"
            placeholder="YYYY-MM-DD"
            value={effectiveFrom}
            onChange={(e) => setEffectiveFrom(e.target.value)}
          />
        </label>
        <label>
          Effective to
          <input
            id="quote-effective-to"
            className="medium"
            placeholder="YYYY-MM-DD"
            value={effectiveTo}
            onChange={(e) => setEffectiveTo(e.target.value)}
          />
        </label>
        <label>
          Started from
          <input
            id="quote-created-from"
            className="medium"
            placeholder="YYYY-MM-DD"
            value={createdFrom}
            onChange={(e) => setCreatedFrom(e.target.value)}
          />
        </label>
        <label>
          Started to
          <input
            id="quote-created-to"
            className="medium"
            placeholder="YYYY-MM-DD"
            value={createdTo}
            onChange={(e) => setCreatedTo(e.target.value)}
          />
        </label>
        <button type="submit" id="quote-search-go">
          Search
        </button>
      </form>
      {rows.kind === "failed" && <ErrorBox error={rows.error} />}
      {rows.kind === "loaded" && rows.quotes.length === 0 && <p className="meta">No quotes match.</p>}
      {rows.kind === "loaded" && rows.quotes.length > 0 && (
        <QuoteTable quotes={rows.quotes} onOpen={onOpen} caption="Quotes, most recently changed first" />
      )}
      {rows.kind === "loaded" && rows.more && (
        <button type="button" className="secondary" onClick={() => load(rows.quotes[rows.quotes.length - 1], rows.quotes)}>
          Show more
        </button>
      )}
    </section>
  );
}
