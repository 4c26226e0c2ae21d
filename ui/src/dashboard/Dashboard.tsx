// The first screen, by the user's role. Everyone who quotes sees their book
// in figures and by week, drafts to resume, recent quotes and policies, and
// (folded away) the rate packs this workstation prices with. An underwriter
// first sees what waits for them: the referral queue, the rate drafts to
// approve and the latest rate changes. An administrator or an auditor first
// sees where their work is: the consoles.
import { api } from "../api";
import type { Dashboard as DashboardData, EnrollmentView, Product } from "../bindings";
import { QUOTES } from "../quotes/invalidation";
import { QuoteTable } from "../quotes/QuoteTable";
import { ConfirmButton } from "../shared/ConfirmButton";
import { ErrorBox } from "../shared/ErrorBox";
import { packName } from "../shared/format";
import { formatMoney, statusLabel } from "../shared/language";
import { useState } from "react";
import type { CommandError } from "../api";
import { useCommand } from "../shared/useCommand";
import { num, TableHead } from "../shared/TableHead";
import { BookFigures } from "./BookFigures";
import { UnderwriterSummary } from "./UnderwriterSummary";
import { dayLabel } from "./words";

export type Role = EnrollmentView["role"];

/** Where an administrator's or an auditor's work is. */
function ConsoleCard({ role, onOpen }: { role: "admin" | "auditor"; onOpen: (kind: "admin" | "audit") => void }) {
  const admin = role === "admin";
  return (
    <section className="uw-card console-card" id="console-card" aria-labelledby="console-card-heading">
      <h3 id="console-card-heading">{admin ? "Administration" : "Audit"}</h3>
      <p>
        {admin
          ? "Sign in to the administrator console to manage users and devices."
          : "Sign in to the audit console to browse, export and verify the audit log."}
      </p>
      <button type="button" id="console-card-open" onClick={() => onOpen(admin ? "admin" : "audit")}>
        {admin ? "Open Admin" : "Open Audit"}
      </button>
    </section>
  );
}

export function Dashboard({
  onNewQuote,
  onOpenQuote,
  onResumeDraft,
  onOpenPolicy,
  onLoaded,
  role = null,
  onOpen = () => {},
}: {
  onNewQuote: (product: Product) => void;
  onOpenQuote: (quoteId: number) => void;
  onResumeDraft: (draftId: number) => void;
  onOpenPolicy: (policyNumber: string) => void;
  onLoaded: (data: DashboardData) => void;
  /** The enrolled user's role; null (not enrolled, or not known yet) shows the agent's dashboard. */
  role?: Role | null;
  /** Opens another screen: the referral desk, the approvals, or a console. */
  onOpen?: (kind: "desk" | "approvals" | "admin" | "audit") => void;
}) {
  // Loaded on opening, and again when another screen changed quotes.
  const data = useCommand(api.dashboard, [], { tag: QUOTES, onLoaded });
  const [discardError, setDiscardError] = useState<CommandError | null>(null);

  /** Deletes an unfinished quote the agent confirmed they do not want, then shows the list without it. */
  async function discard(draftId: number) {
    setDiscardError(null);
    try {
      await api.discardDraft(draftId);
    } catch (e) {
      setDiscardError(e as CommandError);
    }
    await data.reload();
  }

  return (
    <section aria-label="Dashboard" id="dashboard">
      <div className="actions">
        <button type="button" id="new-auto-quote" onClick={() => onNewQuote("personal-auto")}>
          New auto quote
        </button>
        <button type="button" id="new-home-quote" onClick={() => onNewQuote("homeowners-ho3")}>
          New homeowners quote
        </button>
      </div>
      {role === "underwriter" && (
        <UnderwriterSummary
          packs={data.kind === "loaded" ? data.value.packs : data.kind === "failed" ? [] : null}
          onOpenDesk={() => onOpen("desk")}
          onOpenApprovals={() => onOpen("approvals")}
        />
      )}
      {(role === "admin" || role === "auditor") && <ConsoleCard role={role} onOpen={onOpen} />}
      {data.kind === "loading" && <p aria-busy="true">Loading...</p>}
      {data.kind === "failed" && <ErrorBox error={data.error} />}
      {data.kind === "loaded" && (
        <>
          <BookFigures book={data.value.book} onOpenQuote={onOpenQuote} />
          <h3>Unfinished quotes</h3>
          {discardError && (
            <ErrorBox id="discard-error" error={discardError}>
              The unfinished quote was not discarded.
            </ErrorBox>
          )}
          {data.value.drafts.length === 0 ? (
            <p className="meta">None.</p>
          ) : (
            <ul className="drafts" id="drafts">
              {data.value.drafts.map((d) => (
                <li key={d.id} data-draft-id={d.id}>
                  <button type="button" className="link" onClick={() => onResumeDraft(d.id)}>
                    Resume {d.label || "(no name yet)"}
                  </button>{" "}
                  <span className="meta">
                    {d.product === "personal-auto" ? "auto" : "homeowners"}, step {d.step} of 5
                    {d.quote_id !== null ? ", editing a saved quote" : ""}, changed {d.updated_at.replace("T", " ").slice(0, 16)} UTC
                  </span>{" "}
                  <ConfirmButton
                    label="Discard"
                    name={`Discard the unfinished quote for ${d.label || "a customer not named yet"}`}
                    confirm="Discard it"
                    confirmName={`Discard it: the unfinished quote for ${d.label || "a customer not named yet"}`}
                    question="Discard this unfinished quote? It cannot be brought back."
                    onConfirm={() => void discard(d.id)}
                  />
                </li>
              ))}
            </ul>
          )}
          <h3>Recent quotes</h3>
          {data.value.recent_quotes.length === 0 ? (
            <p className="meta">No quotes yet.</p>
          ) : (
            <QuoteTable quotes={data.value.recent_quotes} onOpen={onOpenQuote} caption="Most recently changed" />
          )}
          <h3>Policies</h3>
          {data.value.policies.length === 0 ? (
            <p className="meta">No policies have synced to this workstation.</p>
          ) : (
            <table id="policies">
              <TableHead columns={["Policy", "Quote", "Status", "Term", num("Premium")]} />
              <tbody>
                {data.value.policies.map((p) => (
                  <tr key={p.policy_number}>
                    <td>
                      <button type="button" className="link" data-policy={p.policy_number} onClick={() => onOpenPolicy(p.policy_number)}>
                        {p.policy_number}
                      </button>
                    </td>
                    <td>{p.quote_number ?? ""}</td>
                    <td data-status={p.status}>{statusLabel(p.status)}</td>
                    <td>
                      {p.effective_date} to {p.expiration_date}
                    </td>
                    <td className="num">{formatMoney(p.premium)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <details className="packs-in-force" id="packs-in-force">
            <summary>Rate packs in force ({data.value.packs.filter((p) => p.in_force).length})</summary>
            <table id="packs" className="compact">
              <TableHead columns={["Pack", "New business from", "In force today"]} />
              <tbody>
                {data.value.packs.map((p) => (
                  <tr key={p.pack_id} data-pack-id={p.pack_id}>
                    <td>{packName(p.pack_id)}</td>
                    <td>{dayLabel(p.effective_new_business, true)}</td>
                    <td>{p.in_force ? "Yes" : "No"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </section>
  );
}
