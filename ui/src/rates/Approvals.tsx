// The approver's side of rate management: this underwriter's approval key
// (making it asks the server to register it; an administrator approves it
// on the Admin screen), and the
// drafts other underwriters submitted, each with its diff, the author's
// impact run and a run of one's own, to approve (signed with the key) or
// reject with a comment. Decisions wait in the local store for the next sync.
import { useState } from "react";
import { api, CommandError } from "../api";
import type { ReviewDecisionView, ReviewView } from "../bindings";
import { ErrorBox } from "../shared/ErrorBox";
import { packName } from "../shared/format";
import { useCommand } from "../shared/useCommand";
import { ImpactRunning, ImpactSummaryView, useImpactRun } from "./ImpactReport";
import { PackDiffView } from "./PackDiff";

function ApprovalKeyPanel({ username }: { username: string | null }) {
  const key = useCommand(api.approvalKey, []);
  const [keyId, setKeyId] = useState(username ? `${username}-approval` : "");
  const [create, setCreate] = useState<{ busy: boolean; error: CommandError | null }>({ busy: false, error: null });

  async function createKey() {
    setCreate({ busy: true, error: null });
    try {
      const id = key.kind === "loaded" && key.value ? key.value.keyId : keyId.trim();
      const value = await api.createApprovalKey(id);
      key.set({ kind: "loaded", value });
      setCreate({ busy: false, error: null });
    } catch (e) {
      setCreate({ busy: false, error: e as CommandError });
    }
  }

  return (
    <section
      id="approval-key"
      aria-labelledby="approval-key-heading"
      data-state={key.kind === "loaded" ? (key.value ? "created" : "none") : key.kind}
    >
      <h3 id="approval-key-heading">Approval key</h3>
      {key.kind === "loading" && <p aria-busy="true">Loading...</p>}
      {key.kind === "failed" && <ErrorBox error={key.error} />}
      {key.kind === "loaded" && key.value === null && (
        <>
          <p className="meta">
            Approving a draft signs it with your approval key. Make one here; its secret half stays in this workstation's keychain.
          </p>
          <div className="row">
            <div className="field">
              <label htmlFor="approval-key-id">Key id</label>
              <input id="approval-key-id" className="medium" value={keyId} onChange={(e) => setKeyId(e.target.value)} />
            </div>
            <button type="button" id="create-approval-key" disabled={create.busy || !keyId.trim()} onClick={createKey}>
              Create approval key
            </button>
          </div>
          {create.error && <ErrorBox id="approval-key-error" error={create.error} />}
        </>
      )}
      {key.kind === "loaded" && key.value !== null && (
        <>
          <div>
            Your approval key is <strong id="approval-key-name">{key.value.keyId}</strong>.
            <details className="key-details">
              <summary>Public key</summary>
              <code id="approval-public-key">{key.value.publicKey}</code>
            </details>
          </div>
          {key.value.registered ? (
            <p id="approval-key-status" data-registered="true">
              The server has registered it: your approvals are accepted.
            </p>
          ) : (
            <>
              <p id="approval-key-status" data-registered="false" className="notice">
                An administrator must approve it on the Admin screen before your approvals are accepted. Sync after they do.
              </p>
              <button type="button" className="secondary" id="ask-again-approval-key" disabled={create.busy} onClick={createKey}>
                Ask again
              </button>
              {create.error && <ErrorBox id="approval-key-error" error={create.error} />}
            </>
          )}
        </>
      )}
    </section>
  );
}

type BookKind = "local" | "server";

function decisionText(decision: ReviewDecisionView): string {
  return decision.approve ? "Approved — sync to deliver" : "Rejected — sync to deliver";
}

function Review({ review, onDecided }: { review: ReviewView; onDecided: () => void }) {
  const id = review.draftId;
  const diff = useCommand(api.rateDraftDiff, [id]);
  const [book, setBook] = useState<BookKind>("local");
  const { state, run, cancel } = useImpactRun();
  const [comment, setComment] = useState("");
  const [decide, setDecide] = useState<{ busy: boolean; error: CommandError | null }>({ busy: false, error: null });
  // Shown at once; the reloaded queue carries it too until sync delivers it.
  const [decided, setDecided] = useState<ReviewDecisionView | null>(null);
  const decision = review.decision ?? decided;

  async function decideDraft(approve: boolean) {
    setDecide({ busy: true, error: null });
    try {
      await api.decidePackDraft(id, approve, comment);
      setDecided({ approve, comment: comment.trim() });
      setDecide({ busy: false, error: null });
      onDecided();
    } catch (e) {
      setDecide({ busy: false, error: e as CommandError });
    }
  }

  const commentId = `review-comment-${id}`;
  return (
    <li className="review" data-draft-id={id} data-decision={decision ? (decision.approve ? "approved" : "rejected") : undefined}>
      <h3>
        {packName(review.packId)} <span className="meta">from {review.author}</span>
      </h3>
      <p className="meta">
        Changes {packName(review.basePackId)}; submitted {review.submittedAt.replace("T", " ").slice(0, 16)}.
      </p>
      {review.note && <blockquote className="review-note">{review.note}</blockquote>}
      {diff.kind === "loading" && <p aria-busy="true">Comparing with the base pack...</p>}
      {diff.kind === "failed" && <ErrorBox error={diff.error}>The changes could not be shown.</ErrorBox>}
      {diff.kind === "loaded" && <PackDiffView diff={diff.value} id={`review-diff-${id}`} />}
      <h4>The author's impact run</h4>
      {review.impact ? (
        <div className="author-impact">
          <ImpactSummaryView summary={review.impact} idPrefix={`author-impact-${id}`} />
        </div>
      ) : review.impactProblem ? (
        <p className="error" role="alert">
          {review.impactProblem}
        </p>
      ) : (
        <p className="meta">The author attached no impact run.</p>
      )}
      <h4>Run impact yourself</h4>
      <div className="row">
        {(["local", "server"] as const).map((kind) => (
          <div className="check" key={kind}>
            <input
              type="radio"
              name={`review-book-${id}`}
              id={`review-book-${id}-${kind}`}
              value={kind}
              checked={book === kind}
              onChange={() => setBook(kind)}
            />
            <label htmlFor={`review-book-${id}-${kind}`}>{kind === "local" ? "Quotes on this workstation" : "The server's book"}</label>
          </div>
        ))}
        <button
          type="button"
          className="secondary review-impact"
          disabled={state.kind === "running"}
          onClick={() => run(id, { kind: book })}
        >
          Run impact
        </button>
      </div>
      {state.kind === "running" && (
        <ImpactRunning
          progress={state.progress}
          progressId={`review-impact-progress-${id}`}
          cancelClassName="review-cancel-impact"
          onCancel={cancel}
        />
      )}
      {state.kind === "cancelled" && (
        <p role="status" className="review-impact-cancelled">
          Cancelled.
        </p>
      )}
      {state.kind === "failed" && (
        <ErrorBox className="review-impact-error" error={state.error}>
          The impact run failed.
        </ErrorBox>
      )}
      {state.kind === "done" && (
        <div className="review-impact-result" id={`review-impact-result-${id}`} data-rated={state.view.summary.rated}>
          <ImpactSummaryView summary={state.view.summary} worksheets={state.view.worksheets} idPrefix={`review-impact-${id}`} />
        </div>
      )}
      {!decision && review.refusal && (
        <div role="alert" className="error review-refusal" data-draft-id={id}>
          The server refused your last decision, so it is yours to make again. {review.refusal}
        </div>
      )}
      {decision ? (
        <p className="review-decision" role="status" data-approve={decision.approve ? "true" : "false"}>
          {decisionText(decision)}
          {decision.comment && <span className="meta"> Your comment: {decision.comment}</span>}
        </p>
      ) : (
        <>
          <div className="field wide">
            <label htmlFor={commentId}>Comment for {review.author}</label>
            <textarea
              id={commentId}
              className="review-comment"
              rows={2}
              cols={60}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
            />
            <span className="hint">A rejection needs one; the author reads it.</span>
          </div>
          <div className="actions">
            <button type="button" className="approve-draft" disabled={decide.busy} onClick={() => decideDraft(true)}>
              Approve
            </button>
            <button
              type="button"
              className="secondary reject-draft"
              disabled={decide.busy || !comment.trim()}
              onClick={() => decideDraft(false)}
            >
              Reject
            </button>
          </div>
          {decide.error && <ErrorBox className="review-error" error={decide.error} />}
        </>
      )}
    </li>
  );
}

export function Approvals({ username }: { username: string | null }) {
  // Reloading keeps the list shown: a decision reloads it under the approver's eyes.
  const queue = useCommand(api.packReviews, []);
  const load = () => void queue.reload();

  return (
    <section id="approvals" aria-labelledby="approvals-heading">
      <h2 id="approvals-heading">Approvals</h2>
      <ApprovalKeyPanel username={username} />
      <h3>Drafts awaiting your decision</h3>
      <div className="actions">
        <button type="button" className="secondary" id="approvals-refresh" onClick={load}>
          Refresh
        </button>
      </div>
      {queue.kind === "loading" && <p aria-busy="true">Loading...</p>}
      {queue.kind === "failed" && <ErrorBox error={queue.error}>The drafts could not be loaded.</ErrorBox>}
      {queue.kind === "loaded" && queue.value.length === 0 && (
        <p className="meta" id="approvals-empty">
          No drafts await your approval. Sync to fetch new ones.
        </p>
      )}
      {queue.kind === "loaded" && queue.value.length > 0 && (
        <ul className="reviews" id="reviews">
          {queue.value.map((r) => (
            <Review key={r.draftId} review={r} onDecided={load} />
          ))}
        </ul>
      )}
    </section>
  );
}
