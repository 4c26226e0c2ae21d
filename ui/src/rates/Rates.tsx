// Rate management for underwriters: open a pack in force as a draft, edit
// its manifest values and tables while the loader checks each change, save
// it with a new version, see its impact on a book of policies, and submit it
// for another underwriter's approval. Drafts live in the local store; the
// next sync delivers a submission, so all of this works offline but the
// server's book.
import { useEffect, useRef, useState } from "react";
import { api, CommandError } from "../api";
import type { StoredRateDraft } from "../bindings";
import { ConfirmButton } from "../shared/ConfirmButton";
import { ErrorBox } from "../shared/ErrorBox";
import { packName } from "../shared/format";
import { statusLabel } from "../shared/language";
import { useCommand } from "../shared/useCommand";
import { RateEditor } from "./RateEditor";
import { RateImpact } from "./RateImpact";

type Panel =
  | { kind: "none" }
  | { kind: "editor"; basePackId: string; draft: StoredRateDraft | null; key: number }
  | { kind: "impact"; draft: StoredRateDraft; key: number };

/** Discarding a draft: under way, done (`false`: it was already gone), or refused. */
type Discard =
  | { kind: "idle" }
  | { kind: "busy"; draftId: string }
  | { kind: "done"; discarded: boolean }
  | { kind: "failed"; draftId: string; error: CommandError };

export function Rates() {
  const dashboard = useCommand(api.dashboard, []);
  const drafts = useCommand(api.rateDrafts, []);
  const loadDrafts = drafts.reload;
  const [panel, setPanel] = useState<Panel>({ kind: "none" });
  // Opening a panel again starts it afresh, even for the same pack or draft.
  const opened = useRef(0);

  // The panel opens below the lists; bring it into view (jsdom has no scrolling).
  const panelRef = useRef<HTMLDivElement>(null);
  const panelKey = panel.kind === "none" ? 0 : panel.key;
  useEffect(() => {
    if (panelKey) panelRef.current?.scrollIntoView?.({ block: "start", behavior: "smooth" });
  }, [panelKey]);

  const openEditor = (basePackId: string, draft: StoredRateDraft | null) =>
    setPanel({ kind: "editor", basePackId, draft, key: ++opened.current });
  const openImpact = (draft: StoredRateDraft) => setPanel({ kind: "impact", draft, key: ++opened.current });

  const [discard, setDiscard] = useState<Discard>({ kind: "idle" });
  /** Deletes a draft still being edited (its panel closes), then lists the drafts again, whatever the answer. */
  async function discardDraft(draftId: string) {
    setDiscard({ kind: "busy", draftId });
    try {
      const discarded = await api.discardRateDraft(draftId);
      setPanel((p) => (p.kind !== "none" && p.draft?.draft_id === draftId ? { kind: "none" } : p));
      setDiscard({ kind: "done", discarded });
    } catch (e) {
      setDiscard({ kind: "failed", draftId, error: e as CommandError });
    }
    await loadDrafts();
  }

  return (
    <section id="rates" aria-labelledby="rates-heading">
      <h2 id="rates-heading">Rates</h2>
      <h3>Packs on this workstation</h3>
      {dashboard.kind === "loading" && <p aria-busy="true">Loading...</p>}
      {dashboard.kind === "failed" && <ErrorBox error={dashboard.error} />}
      {dashboard.kind === "loaded" && (
        <ul className="packs" id="rate-packs">
          {dashboard.value.packs.map((p) => (
            <li key={p.pack_id} data-pack-id={p.pack_id}>
              <button type="button" className="secondary open-pack" data-pack-id={p.pack_id} onClick={() => openEditor(p.pack_id, null)}>
                Edit {packName(p.pack_id)}
              </button>{" "}
              <span className="meta">
                {p.state} {p.product === "personal-auto" ? "auto" : "homeowners"}, new business from {p.effective_new_business}
                {p.in_force ? ", in force" : ""}
              </span>
            </li>
          ))}
        </ul>
      )}
      <h3>My drafts</h3>
      {drafts.kind === "loading" && <p aria-busy="true">Loading...</p>}
      {drafts.kind === "failed" && <ErrorBox error={drafts.error} />}
      {discard.kind === "done" && (
        <p role="status" id="draft-discarded">
          {discard.discarded ? "The draft is discarded." : "The draft was already gone."}
        </p>
      )}
      {drafts.kind === "loaded" && drafts.value.length === 0 && <p className="meta">No drafts yet: edit a pack to start one.</p>}
      {drafts.kind === "loaded" && drafts.value.length > 0 && (
        <ul className="rate-drafts" id="rate-drafts">
          {drafts.value.map((d) => (
            <li key={d.draft_id} className="rate-draft" data-draft-id={d.draft_id} data-status={d.status}>
              <strong>{packName(d.pack_id)}</strong>{" "}
              <span className={`status status-${d.status}`} data-status={d.status}>
                {statusLabel(d.status)}
              </span>{" "}
              <span className="meta">
                from {packName(d.base_pack_id)}, changed {d.updated_at.replace("T", " ").slice(0, 16)}
              </span>
              {d.note && <p className="draft-note">{d.note}</p>}
              {d.decided_by && (
                <p className="draft-decision">
                  {d.status === "approved" ? "Approved" : d.status === "rejected" ? "Rejected" : "Decided"} by {d.decided_by}
                  {d.comment ? `: ${d.comment}` : ""}
                </p>
              )}
              <p className="meta draft-impact-state">
                {d.impact !== null && d.impact !== undefined ? "Impact run attached." : "No impact run attached."}
              </p>
              <div className="row-actions">
                {d.status === "editing" && (
                  <button type="button" className="secondary resume-draft" onClick={() => openEditor(d.base_pack_id, d)}>
                    Resume editing
                  </button>
                )}
                <button type="button" className="secondary draft-impact" onClick={() => openImpact(d)}>
                  {d.status === "editing" ? "Impact and submit" : "Impact"}
                </button>
                {d.status === "editing" && (
                  <ConfirmButton
                    label="Discard draft"
                    name={`Discard draft ${packName(d.pack_id)}`}
                    className="secondary discard-draft"
                    question="Its edits are deleted; this cannot be undone."
                    confirm="Discard"
                    confirmName={`Confirm discarding draft ${packName(d.pack_id)}`}
                    disabled={discard.kind === "busy"}
                    onConfirm={() => void discardDraft(d.draft_id)}
                  />
                )}
              </div>
              {discard.kind === "failed" && discard.draftId === d.draft_id && (
                <ErrorBox id="discard-error" error={discard.error}>
                  The draft could not be discarded.
                </ErrorBox>
              )}
            </li>
          ))}
        </ul>
      )}
      <div ref={panelRef}>
        {panel.kind === "editor" && (
          <RateEditor
            key={panel.key}
            basePackId={panel.basePackId}
            draft={panel.draft}
            onSaved={loadDrafts}
            onOpenImpact={openImpact}
            onClose={() => setPanel({ kind: "none" })}
          />
        )}
        {panel.kind === "impact" && <RateImpact key={panel.key} draft={panel.draft} onChanged={loadDrafts} />}
      </div>
    </section>
  );
}
