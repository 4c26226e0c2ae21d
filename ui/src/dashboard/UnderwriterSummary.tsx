// What waits for an underwriter, at the top of their dashboard: the referral
// queue (its count, the oldest's age and the five oldest), the rate drafts
// awaiting their approval, and the latest rate changes on this workstation.
// The queue and the drafts come from the server: offline, each says so in a
// sentence and the rest of the dashboard shows as usual.
import type { ReactNode } from "react";
import { api, CommandError } from "../api";
import type { PackSummary, ReferralView } from "../bindings";
import { ageText, oldestFirst } from "../desk/Desk";
import { describeError, formatMoney, packLabel } from "../shared/language";
import { num, TableHead } from "../shared/TableHead";
import { useCommand } from "../shared/useCommand";
import { dayLabel, plural } from "./words";

/** The codes that mean the server could not be asked: not enrolled, not signed in, not reachable. */
const OFFLINE = new Set(["sync.not_enrolled", "sync.not_signed_in", "sync.unreachable"]);

/** A failed server call in a sentence: "Connect to see …" when offline, else the error's own sentence. */
function failure(error: CommandError, what: string): ReactNode {
  if (OFFLINE.has(error.code)) {
    return (
      <p className="meta offline-note" data-code={error.code}>
        Connect to see {what}.
      </p>
    );
  }
  return (
    <p className="meta" role="status" data-code={error.code}>
      {describeError(error).sentence}
    </p>
  );
}

/** How long the oldest has waited, without "ago": "2 days", "just now". */
function waited(iso: string | null): string | null {
  const age = iso ? ageText(iso) : null;
  return age === null ? null : age.replace(/ ago$/, "");
}

function Queue({ onOpenDesk }: { onOpenDesk: () => void }) {
  const queue = useCommand(api.referrals, []);
  return (
    <section className="uw-card" id="uw-queue" aria-labelledby="uw-queue-heading">
      <h3 id="uw-queue-heading">Referral queue</h3>
      {queue.kind === "loading" && <p aria-busy="true">Loading...</p>}
      {queue.kind === "failed" && failure(queue.error, "the referral queue")}
      {queue.kind === "loaded" && <QueueSummary queue={queue.value} onOpenDesk={onOpenDesk} />}
    </section>
  );
}

function QueueSummary({ queue, onOpenDesk }: { queue: ReferralView[]; onOpenDesk: () => void }) {
  const sorted = oldestFirst(queue);
  if (sorted.length === 0) return <p id="uw-queue-summary">No referral is waiting.</p>;
  const oldest = waited(sorted[0].referredAt);
  return (
    <>
      <p id="uw-queue-summary" className="uw-count">
        {sorted.length} waiting{oldest ? ` · oldest ${oldest}` : ""}
      </p>
      <table className="compact">
        <caption className="visually-hidden">The oldest referrals</caption>
        <TableHead columns={["Quote", "Agent", num("Premium"), "Waiting"]} />
        <tbody>
          {sorted.slice(0, 5).map((r) => (
            <tr key={`${r.quoteNumber}-${r.version}`} data-quote-number={r.quoteNumber}>
              <td>
                <button type="button" className="link" onClick={onOpenDesk}>
                  {r.quoteNumber}
                </button>
              </td>
              <td>{r.agent}</td>
              <td className="num">{formatMoney(r.total)}</td>
              <td>{waited(r.referredAt) ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" className="link" id="uw-open-desk" onClick={onOpenDesk}>
        Open the referral desk
      </button>
    </>
  );
}

function Reviews({ onOpenApprovals }: { onOpenApprovals: () => void }) {
  const reviews = useCommand(api.packReviews, []);
  const waiting = reviews.kind === "loaded" ? reviews.value.filter((r) => r.decision === null) : [];
  return (
    <section className="uw-card" id="uw-reviews" aria-labelledby="uw-reviews-heading">
      <h3 id="uw-reviews-heading">Rate drafts awaiting your approval</h3>
      {reviews.kind === "loading" && <p aria-busy="true">Loading...</p>}
      {reviews.kind === "failed" && failure(reviews.error, "the rate drafts awaiting your approval")}
      {reviews.kind === "loaded" && (
        <>
          <p id="uw-reviews-summary" className="uw-count">
            {waiting.length === 0 ? "None waiting." : `${plural(waiting.length, "draft")} waiting`}
          </p>
          {waiting.length > 0 && (
            <ul className="uw-list">
              {waiting.map((r) => (
                <li key={r.draftId}>
                  {packLabel(r.packId)} <span className="meta">by {r.author}</span>
                </li>
              ))}
            </ul>
          )}
          <button type="button" className="link" id="uw-open-approvals" onClick={onOpenApprovals}>
            Open approvals
          </button>
        </>
      )}
    </section>
  );
}

/** The packs newest first by their new-business date, the first three. */
export function recentPacks(packs: PackSummary[]): PackSummary[] {
  return [...packs].sort((a, b) => b.effective_new_business.localeCompare(a.effective_new_business)).slice(0, 3);
}

function RateChanges({ packs }: { packs: PackSummary[] | null }) {
  return (
    <section className="uw-card" id="uw-rate-changes" aria-labelledby="uw-rate-changes-heading">
      <h3 id="uw-rate-changes-heading">Recent rate changes</h3>
      {packs === null ? (
        <p aria-busy="true">Loading...</p>
      ) : packs.length === 0 ? (
        <p className="meta">No rate pack is installed on this workstation.</p>
      ) : (
        <ul className="uw-list">
          {recentPacks(packs).map((p) => (
            <li key={p.pack_id} data-pack-id={p.pack_id}>
              {packLabel(p.pack_id)}{" "}
              <span className="meta">
                new business from {dayLabel(p.effective_new_business, true)}
                {p.in_force ? ", in force today" : ""}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function UnderwriterSummary({
  packs,
  onOpenDesk,
  onOpenApprovals,
}: {
  /** The dashboard's packs, null while it loads. */
  packs: PackSummary[] | null;
  onOpenDesk: () => void;
  onOpenApprovals: () => void;
}) {
  return (
    <div className="uw-summary" id="uw-summary">
      <Queue onOpenDesk={onOpenDesk} />
      <Reviews onOpenApprovals={onOpenApprovals} />
      <RateChanges packs={packs} />
    </div>
  );
}
