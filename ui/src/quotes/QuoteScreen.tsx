// One quote: its versions, its current rating explained, its proposal PDF
// and its bind request, sent after a confirmation that says what will be
// bound and a checklist (BindDialog).
import { SavedDocument } from "../shared/SavedDocument";
import { useState } from "react";
import { api, CommandError } from "../api";
import { ErrorBox, ErrorText } from "../shared/ErrorBox";
import { packName } from "../shared/format";
import { decisionLabel, formatMoney, statusLabel, syncKindLabel } from "../shared/language";
import { RatingReview } from "../shared/RatingReview";
import { useCommand } from "../shared/useCommand";
import { fromQuoteInput, vehicleLabel, WizardForm } from "../wizard/form";
import { STATUS_LABEL, StatusBadge } from "./status";
import { num, TableHead } from "../shared/TableHead";
import { BindDialog } from "./BindDialog";
import type { QuoteStatus } from "../bindings";

/** Why a quote in this status cannot be bound now, in words. */
const WHY_NOT_BIND: Partial<Record<QuoteStatus, string>> = {
  draft: "Rate the quote before binding it",
  referred: "Waiting for an underwriter's decision",
  declined: "Declined by an underwriter: it cannot be bound",
  bind_requested: "The bind request goes to the server with the next sync",
  bound: "Bound: the policy is issued",
  bind_rejected: "The server refused the bind: re-rate the quote first",
  expired: "The quote has expired: re-rate it first",
};

export function QuoteScreen({
  quoteId,
  onEdit,
  onResumeDraft,
  onChanged,
  onOpenCustomer,
  referralNote = null,
}: {
  quoteId: number;
  /** Opens the customer's account. */
  onOpenCustomer?: (customerId: number) => void;
  /** The underwriter's note on the newest referral decision about this quote, from the notifications. */
  referralNote?: string | null;
  onEdit: (quoteId: number, form: WizardForm) => void;
  onResumeDraft: (draftId: number) => void;
  onChanged: () => void;
}) {
  const view = useCommand(api.getQuote, [quoteId]);
  const [action, setAction] = useState<
    { kind: "idle" } | { kind: "busy" } | { kind: "done"; message: string; path?: string } | { kind: "failed"; error: CommandError }
  >({
    kind: "idle",
  });
  const [confirming, setConfirming] = useState(false);

  if (view.kind === "loading") return <p aria-busy="true">Loading the quote...</p>;
  if (view.kind === "failed") return <ErrorBox error={view.error} />;
  const { detail, rating, draftId, syncIssues } = view.value;
  const s = detail.summary;
  const canProposal = ["rated", "referred", "approved", "bind_requested"].includes(s.status);
  const canBind = s.status === "rated" || s.status === "approved";
  const whyNotBind = canBind ? null : (WHY_NOT_BIND[s.status] ?? null);
  // A bind the server refused, or a quote past its date, is priced again as a new version.
  const canRerate = (s.status === "bind_rejected" || s.status === "expired") && draftId === null;

  async function run(kind: "proposal" | "bind" | "rerate") {
    setAction({ kind: "busy" });
    try {
      if (kind === "proposal") {
        const doc = await api.saveProposal(quoteId);
        setAction({ kind: "done", message: "The proposal PDF is saved in your documents folder.", path: doc.path });
      } else if (kind === "rerate") {
        const saved = await api.rerateQuote(quoteId);
        setAction({
          kind: "done",
          message: `Re-rated as version ${saved.summary.version} with ${packName(saved.rating.packId)}: ${formatMoney(saved.rating.premium)} (${STATUS_LABEL[saved.summary.status].toLowerCase()}).`,
        });
        onChanged();
        void view.reload();
      } else {
        await api.requestBind(quoteId);
        setAction({ kind: "done", message: "Bind request queued; it goes to the server with the next sync." });
        onChanged();
        void view.reload();
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
          <dd>
            {onOpenCustomer ? (
              <button
                type="button"
                className="link"
                id="open-customer"
                data-customer-id={s.customer_id}
                title="Open customer"
                onClick={() => onOpenCustomer(s.customer_id)}
              >
                {s.customer_name}
              </button>
            ) : (
              s.customer_name
            )}
          </dd>
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
          <button
            type="button"
            id="edit-quote"
            disabled={s.status === "bound" || s.status === "bind_requested"}
            onClick={() => onEdit(quoteId, fromQuoteInput(detail.input))}
          >
            Edit as a new version
          </button>
        )}
        <button type="button" id="save-proposal" disabled={!canProposal || action.kind === "busy"} onClick={() => run("proposal")}>
          Proposal PDF
        </button>
        <button
          type="button"
          id="request-bind"
          disabled={!canBind || action.kind === "busy"}
          aria-describedby={whyNotBind ? "bind-why-not" : undefined}
          onClick={() => setConfirming(true)}
        >
          Request bind
        </button>
        {whyNotBind && (
          <span className="meta bind-waiting" id="bind-why-not">
            {whyNotBind}
          </span>
        )}
        {canRerate && (
          <button type="button" id="rerate-quote" disabled={action.kind === "busy"} onClick={() => run("rerate")}>
            Re-rate with the pack in force
          </button>
        )}
      </div>
      <BindDialog isOpen={confirming} onOpenChange={setConfirming} detail={detail} rating={rating} onConfirm={() => void run("bind")} />
      {referralNote && (s.status === "approved" || s.status === "declined") && (
        <p className="notice" role="note" id="underwriting-note">
          <strong>Underwriting note:</strong> {referralNote}
        </p>
      )}
      {syncIssues.length > 0 && (
        <div
          className={s.status === "bind_rejected" ? "error" : "notice"}
          role={s.status === "bind_rejected" ? "alert" : "note"}
          id="quote-sync-issues"
        >
          <strong>What the server said</strong>
          <ul>
            {syncIssues.map((issue) => (
              <li key={issue.id} data-code={issue.code ?? undefined} data-outcome={issue.outcome}>
                {syncKindLabel(issue.kind)} {statusLabel(issue.outcome).toLowerCase()}:{" "}
                <ErrorText
                  error={{ code: issue.code ?? (issue.outcome === "conflict" ? "quote.stale" : "sync.refused"), message: issue.reason }}
                />{" "}
                <span className="meta">
                  {issue.receivedAt.replace("T", " ").slice(0, 16)} UTC
                  {issue.currentVersion !== null && `; the server has version ${issue.currentVersion}`}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {action.kind === "done" && (
        <div role="status" id="action-result">
          {action.message}
          {action.path && <SavedDocument path={action.path} what="proposal" pathId="document-path" />}
        </div>
      )}
      {action.kind === "failed" && <ErrorBox id="action-error" error={action.error} />}
      {rating ? (
        <RatingReview
          rating={rating}
          vehicleLabels={fromQuoteInput(detail.input).vehicles.map(vehicleLabel)}
          driverNames={fromQuoteInput(detail.input).drivers.map((d) => d.name)}
        />
      ) : (
        <p className="meta">This version has not been rated.</p>
      )}
      <h3>Versions</h3>
      <table id="versions">
        <TableHead columns={["Version", "Saved", "Rate pack", "Decision", num("Premium")]} />
        <tbody>
          {detail.versions.map((v) => (
            <tr key={v.version} data-version={v.version}>
              <td>{v.version}</td>
              <td>{v.created_at.replace("T", " ").slice(0, 16)} UTC</td>
              <td data-pack-id={v.rating?.pack_id}>{v.rating ? packName(v.rating.pack_id) : ""}</td>
              <td data-decision={v.rating?.decision}>{v.rating ? decisionLabel(v.rating.decision) : "Not rated"}</td>
              <td className="num">{v.rating ? formatMoney(v.rating.total) : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
