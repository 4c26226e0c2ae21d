// The quote list (search and filters) and one quote: its versions, its
// current rating explained, its proposal PDF and its bind request.
import { FormEvent, useCallback, useEffect, useState } from "react";
import { api, CommandError, formatUsd } from "./api";
import type { QuoteDetailView, QuoteStatus, QuoteSummary } from "./bindings";
import { RatingReview } from "./RatingReview";
import { fromQuoteInput, vehicleLabel, WizardForm } from "./wizard/form";

export const STATUS_LABEL: Record<QuoteStatus, string> = {
  draft: "Not rated",
  rated: "Rated",
  referred: "Referred",
  approved: "Approved",
  declined: "Declined",
  bind_requested: "Bind requested",
  bound: "Bound",
  bind_rejected: "Bind rejected",
  expired: "Expired",
};

export function StatusBadge({ status }: { status: QuoteStatus }) {
  return (
    <span className={`status status-${status}`} data-status={status}>
      {STATUS_LABEL[status]}
    </span>
  );
}

export function QuoteList({ onOpen, refresh }: { onOpen: (quoteId: number) => void; refresh: number }) {
  const [text, setText] = useState("");
  const [status, setStatus] = useState<QuoteStatus | "">("");
  const [effectiveFrom, setEffectiveFrom] = useState("");
  const [effectiveTo, setEffectiveTo] = useState("");
  const [createdFrom, setCreatedFrom] = useState("");
  const [createdTo, setCreatedTo] = useState("");
  const [rows, setRows] = useState<{ kind: "loading" } | { kind: "loaded"; quotes: QuoteSummary[]; more: boolean } | { kind: "failed"; error: CommandError }>({
    kind: "loading",
  });
  const PAGE = 50;

  const load = useCallback(
    async (after: QuoteSummary | null, previous: QuoteSummary[]) => {
      try {
        const quotes = await api.listQuotes({
          text: text.trim() || null,
          status: status || null,
          created_from: createdFrom.trim() || null,
          created_to: createdTo.trim() || null,
          effective_from: effectiveFrom.trim() || null,
          effective_to: effectiveTo.trim() || null,
          after: after ? { updated_at: after.updated_at, id: after.id } : null,
          limit: PAGE,
        });
        setRows({ kind: "loaded", quotes: [...previous, ...quotes], more: quotes.length === PAGE });
      } catch (e) {
        setRows({ kind: "failed", error: e as CommandError });
      }
    },
    [text, status, effectiveFrom, effectiveTo, createdFrom, createdTo],
  );

  useEffect(() => {
    void load(null, []);
    // Reload when another screen changed quotes; the filters reload on submit.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [refresh]);

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
          <input id="quote-search" className="wide" placeholder="Quote number or customer name" value={text} onChange={(e) => setText(e.target.value)} />
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
          <input id="quote-effective-from" className="medium" placeholder="YYYY-MM-DD" value={effectiveFrom} onChange={(e) => setEffectiveFrom(e.target.value)} />
        </label>
        <label>
          Effective to
          <input id="quote-effective-to" className="medium" placeholder="YYYY-MM-DD" value={effectiveTo} onChange={(e) => setEffectiveTo(e.target.value)} />
        </label>
        <label>
          Started from
          <input id="quote-created-from" className="medium" placeholder="YYYY-MM-DD" value={createdFrom} onChange={(e) => setCreatedFrom(e.target.value)} />
        </label>
        <label>
          Started to
          <input id="quote-created-to" className="medium" placeholder="YYYY-MM-DD" value={createdTo} onChange={(e) => setCreatedTo(e.target.value)} />
        </label>
        <button type="submit" id="quote-search-go">
          Search
        </button>
      </form>
      {rows.kind === "failed" && (
        <div role="alert" className="error" data-code={rows.error.code}>
          {rows.error.message}
        </div>
      )}
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

export function QuoteTable({ quotes, onOpen, caption }: { quotes: QuoteSummary[]; onOpen: (quoteId: number) => void; caption: string }) {
  return (
    <table className="quotes">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Quote</th>
          <th scope="col">Customer</th>
          <th scope="col">Product</th>
          <th scope="col">Effective</th>
          <th scope="col">Status</th>
          <th scope="col" className="num">
            Premium
          </th>
        </tr>
      </thead>
      <tbody>
        {quotes.map((q) => (
          <tr key={q.id} data-quote-number={q.quote_number}>
            <td>
              <button type="button" className="link" onClick={() => onOpen(q.id)}>
                {q.quote_number}
              </button>{" "}
              <span className="meta">v{q.version}</span>
            </td>
            <td>{q.customer_name}</td>
            <td>
              {q.product === "personal-auto" ? "Auto" : "Home"} &middot; {q.state}
            </td>
            <td>{q.effective_date}</td>
            <td>
              <StatusBadge status={q.status} />
            </td>
            <td className="num">{q.premium ? formatUsd(q.premium) : ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function QuoteScreen({
  quoteId,
  onEdit,
  onResumeDraft,
  onChanged,
}: {
  quoteId: number;
  onEdit: (quoteId: number, form: WizardForm) => void;
  onResumeDraft: (draftId: number) => void;
  onChanged: () => void;
}) {
  const [view, setView] = useState<{ kind: "loading" } | { kind: "loaded"; value: QuoteDetailView } | { kind: "failed"; error: CommandError }>({
    kind: "loading",
  });
  const [action, setAction] = useState<{ kind: "idle" } | { kind: "busy" } | { kind: "done"; message: string; path?: string } | { kind: "failed"; error: CommandError }>({
    kind: "idle",
  });

  const load = useCallback(() => {
    api.getQuote(quoteId).then(
      (value) => setView({ kind: "loaded", value }),
      (error: CommandError) => setView({ kind: "failed", error }),
    );
  }, [quoteId]);
  useEffect(load, [load]);

  if (view.kind === "loading") return <p aria-busy="true">Loading the quote...</p>;
  if (view.kind === "failed")
    return (
      <div role="alert" className="error" data-code={view.error.code}>
        {view.error.message}
      </div>
    );
  const { detail, rating, draftId, syncIssues } = view.value;
  const s = detail.summary;
  const canProposal = ["rated", "referred", "approved", "bind_requested"].includes(s.status);
  const canBind = s.status === "rated" || s.status === "approved";
  // A bind the server refused, or a quote past its date, is priced again as a new version.
  const canRerate = (s.status === "bind_rejected" || s.status === "expired") && draftId === null;

  async function run(kind: "proposal" | "bind" | "rerate") {
    setAction({ kind: "busy" });
    try {
      if (kind === "proposal") {
        const doc = await api.saveProposal(quoteId);
        setAction({ kind: "done", message: "Proposal saved to", path: doc.path });
      } else if (kind === "rerate") {
        const saved = await api.rerateQuote(quoteId);
        setAction({
          kind: "done",
          message: `Re-rated as version ${saved.summary.version} with ${saved.rating.packId.split("@")[0]}: ${formatUsd(saved.rating.premium)} (${STATUS_LABEL[saved.summary.status].toLowerCase()}).`,
        });
        onChanged();
        load();
      } else {
        await api.requestBind(quoteId);
        setAction({ kind: "done", message: "Bind request queued; it goes to the server with the next sync." });
        onChanged();
        load();
      }
    } catch (e) {
      setAction({ kind: "failed", error: e as CommandError });
    }
  }

  return (
    <section aria-label={`Quote ${s.quote_number}`} id="quote-screen" data-quote-number={s.quote_number} data-status={s.status}>
      <h2>
        {s.quote_number} <span className="meta">version {s.version}</span> <StatusBadge status={s.status} />
      </h2>
      <dl className="counts">
        <div>
          <dt>Customer</dt>
          <dd>{s.customer_name}</dd>
        </div>
        <div>
          <dt>Product</dt>
          <dd>
            {s.product === "personal-auto" ? "Personal auto" : "Homeowners (HO-3)"}, {s.state}
          </dd>
        </div>
        <div>
          <dt>Effective</dt>
          <dd>{s.effective_date}</dd>
        </div>
        {s.expires_on && (
          <div>
            <dt>Quote valid until</dt>
            <dd>{s.expires_on}</dd>
          </div>
        )}
      </dl>
      <div className="actions">
        {draftId !== null ? (
          <button type="button" id="resume-edit" onClick={() => onResumeDraft(draftId)}>
            Resume editing (draft {draftId})
          </button>
        ) : (
          <button type="button" id="edit-quote" disabled={s.status === "bound" || s.status === "bind_requested"} onClick={() => onEdit(quoteId, fromQuoteInput(detail.input))}>
            Edit as a new version
          </button>
        )}
        <button type="button" id="save-proposal" disabled={!canProposal || action.kind === "busy"} onClick={() => run("proposal")}>
          Proposal PDF
        </button>
        <button type="button" id="request-bind" disabled={!canBind || action.kind === "busy"} onClick={() => run("bind")}>
          Request bind
        </button>
        {canRerate && (
          <button type="button" id="rerate-quote" disabled={action.kind === "busy"} onClick={() => run("rerate")}>
            Re-rate with the pack in force
          </button>
        )}
      </div>
      {syncIssues.length > 0 && (
        <div className={s.status === "bind_rejected" ? "error" : "notice"} role={s.status === "bind_rejected" ? "alert" : "note"} id="quote-sync-issues">
          <strong>What the server said</strong>
          <ul>
            {syncIssues.map((issue) => (
              <li key={issue.id} data-code={issue.code ?? undefined} data-outcome={issue.outcome}>
                {issue.kind === "quote.bind_requested" ? "Bind request" : issue.kind} {issue.outcome.replace("_", " ")}
                {issue.code && (
                  <>
                    {" "}
                    (<code>{issue.code}</code>)
                  </>
                )}
                : {issue.reason}{" "}
                <span className="meta">
                  {issue.receivedAt.replace("T", " ").slice(0, 16)} UTC{issue.currentVersion !== null && `; the server has version ${issue.currentVersion}`}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {action.kind === "done" && (
        <p role="status" id="action-result">
          {action.message} {action.path && <code id="document-path">{action.path}</code>}
        </p>
      )}
      {action.kind === "failed" && (
        <div role="alert" className="error" id="action-error" data-code={action.error.code}>
          {action.error.message}
          {action.error.fields && (
            <ul>
              {action.error.fields.map((f) => (
                <li key={f.path}>
                  {f.path}: {f.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
      {rating ? (
        <RatingReview rating={rating} vehicleLabels={fromQuoteInput(detail.input).vehicles.map(vehicleLabel)} driverNames={fromQuoteInput(detail.input).drivers.map((d) => d.name)} />
      ) : (
        <p className="meta">This version has not been rated.</p>
      )}
      <h3>Versions</h3>
      <table id="versions">
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Saved</th>
            <th scope="col">Rate pack</th>
            <th scope="col">Decision</th>
            <th scope="col" className="num">
              Premium
            </th>
          </tr>
        </thead>
        <tbody>
          {detail.versions.map((v) => (
            <tr key={v.version} data-version={v.version}>
              <td>{v.version}</td>
              <td>{v.created_at.replace("T", " ").slice(0, 16)} UTC</td>
              <td>{v.rating ? v.rating.pack_id.split("@")[0] : ""}</td>
              <td>{v.rating?.decision ?? "not rated"}</td>
              <td className="num">{v.rating ? formatUsd(v.rating.total) : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
