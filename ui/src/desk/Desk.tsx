// The underwriter's desk: the server's referral queue, oldest first, each
// with its age, the full risk summary (applicant, drivers and their records,
// vehicles or the dwelling, prior claims), its premium, the rules that
// referred it and the risk score's top reasons; approve or decline with a
// note the agent reads.
// Below it, policy changes the rules referred: make one as the agent
// prepared it, or decline it with a note. Online only; the server allows it
// to underwriters alone.
import { ReactNode, useState } from "react";
import { api, CommandError } from "../api";
import type { PolicyReferralView, ReferralView } from "../bindings";
import { ErrorBox, ErrorText } from "../shared/ErrorBox";
import { packName } from "../shared/format";
import { formatMoney, riskReasonText, ruleLabel, sentenceCase, subjectLabel } from "../shared/language";
import { RatingReview } from "../shared/RatingReview";
import { ReasonList, RuleDetails } from "../shared/Reasons";
import { RiskSummary, vehicleName } from "../shared/RiskSummary";
import { useCommand } from "../shared/useCommand";

type Decision = { busy: boolean; error: CommandError | null };

/**
 * How long ago `iso` was, in words: "just now", "5 minutes ago", "3 hours
 * ago", "2 days ago"; null when it is not an instant.
 */
export function ageText(iso: string, now: Date = new Date()): string | null {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return null;
  const minutes = Math.max(0, Math.floor((now.getTime() - at) / 60000));
  const count = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"} ago`;
  if (minutes < 1) return "just now";
  if (minutes < 60) return count(minutes, "minute");
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return count(hours, "hour");
  return count(Math.floor(hours / 24), "day");
}

/** The queue oldest first; a referral without a time (an older server's) last. */
export function oldestFirst(queue: ReferralView[]): ReferralView[] {
  const time = (r: ReferralView) => {
    const t = r.referredAt ? Date.parse(r.referredAt) : NaN;
    return Number.isNaN(t) ? Infinity : t;
  };
  return [...queue].sort((a, b) => time(a) - time(b));
}

/** When it was referred: its age, with the local time in a tooltip. */
function ReferredAt({ at }: { at: string }) {
  const age = ageText(at);
  if (age === null) return null;
  return (
    <time className="referral-age" dateTime={at} title={new Date(at).toLocaleString()}>
      Referred {age}
    </time>
  );
}

/**
 * A decision on a referral: `decide(approve)` runs it and hands `onDecided`
 * what it did in words; while it runs the buttons wait, and a refusal shows
 * on the note.
 */
function useDecision(
  run: (approve: boolean) => Promise<string>,
  onDecided: (message: string) => void,
): [Decision, (approve: boolean) => Promise<void>] {
  const [state, setState] = useState<Decision>({ busy: false, error: null });
  async function decide(approve: boolean) {
    setState({ busy: true, error: null });
    try {
      onDecided(await run(approve));
    } catch (e) {
      setState({ busy: false, error: e as CommandError });
    }
  }
  return [state, decide];
}

/** The note a decision carries, with the refusal of the last attempt below it (`ID-error`). */
function DecisionNote({
  id,
  label,
  note,
  onChange,
  error,
  hintId,
  children,
}: {
  id: string;
  label: string;
  note: string;
  onChange: (note: string) => void;
  error: CommandError | null;
  /** The id of the hint (`children`), which then describes the field too. */
  hintId?: string;
  /** A hint below the field. */
  children?: ReactNode;
}) {
  const describedBy = [error ? `${id}-error` : null, hintId].filter(Boolean).join(" ");
  return (
    <div className="field wide">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        rows={2}
        cols={60}
        value={note}
        onChange={(e) => onChange(e.target.value)}
        aria-describedby={describedBy || undefined}
      />
      {children}
      {error && (
        <div className="field-error" role="alert" id={`${id}-error`} data-code={error.code} data-server-code={error.serverCode}>
          <ErrorText error={error} />
        </div>
      )}
    </div>
  );
}

/**
 * Why a quote was referred: the queue sends the rule's code; the rule's
 * message and subject come from the re-rating here when it has them, else the
 * app's own sentence for the rule. The code stays in `data-code` and Details.
 */
function ReferralReason({ code, referral }: { code: string; referral: ReferralView }) {
  const fired = referral.rating?.reasons.filter((x) => x.code === code) ?? [];
  const q = referral.quote;
  const names = q ? { drivers: q.drivers.map((d) => d.name), vehicles: q.vehicles.map(vehicleName) } : {};
  const subjects = fired.map((x) => subjectLabel(x.subject, names)).filter(Boolean);
  return (
    <li data-code={code}>
      {fired.length > 0 ? sentenceCase(fired[0].message) : ruleLabel(code)}
      {subjects.length > 0 && <span className="meta"> ({subjects.join(", ")})</span>}
      <RuleDetails code={code} />
    </li>
  );
}

function Referral({ referral, onDecided }: { referral: ReferralView; onDecided: (message: string) => void }) {
  const [note, setNote] = useState("");
  const [state, decide] = useDecision(async (approve) => {
    const decided = await api.decideReferral(referral.quoteNumber, referral.version, approve, note);
    return `${decided.quoteNumber} version ${decided.version} is ${decided.status}.`;
  }, onDecided);

  const q = referral.quote;
  const hintId = `note-${referral.quoteNumber}-required`;
  const topReasons = referral.rating?.risk?.topReasons ?? [];
  return (
    <li className="referral" data-quote-number={referral.quoteNumber} data-referred-at={referral.referredAt ?? undefined}>
      <h3>
        {referral.quoteNumber}
        {q && <> for {q.applicant.name}</>}{" "}
        <span className="meta">
          version {referral.version}, from {referral.agent}
        </span>
      </h3>
      <p className="referral-line">
        {referral.referredAt && (
          <>
            <ReferredAt at={referral.referredAt} />
            {" · "}
          </>
        )}
        Premium <strong>{formatMoney(referral.total)}</strong> <span className="meta">rate pack {packName(referral.packId)}</span>
      </p>
      {q ? (
        <RiskSummary quote={q} idPrefix={`referral-${referral.quoteNumber}`} />
      ) : (
        <p className="meta">The application cannot be shown here: it is not a quote this workstation reads.</p>
      )}
      <h4>Why it was referred</h4>
      <ul className="reasons" aria-label={`Why ${referral.quoteNumber} was referred`}>
        {referral.reasons.map((r) => (
          <ReferralReason key={r} code={r} referral={referral} />
        ))}
      </ul>
      {topReasons.length > 0 && (
        <>
          <h4>What raised the risk score most</h4>
          <ol className="risk-reasons" aria-label={`What raised the risk score of ${referral.quoteNumber}`}>
            {topReasons.map((r) => (
              <li key={r.variable} data-variable={r.variable}>
                {riskReasonText(r)}
              </li>
            ))}
          </ol>
        </>
      )}
      {referral.rating ? (
        <details className="referral-rating">
          <summary>Worksheet and risk score</summary>
          <RatingReview
            rating={referral.rating}
            vehicleLabels={q?.vehicles.map(vehicleName) ?? []}
            driverNames={q?.drivers.map((d) => d.name) ?? []}
          />
        </details>
      ) : (
        <div className="meta" data-rating-error={referral.ratingError ?? undefined}>
          The worksheet cannot be shown here: this workstation could not re-rate the quote. Its rates may not have arrived yet; sync, then
          refresh.
          <details>
            <summary>Details</summary>
            {referral.ratingError}
          </details>
        </div>
      )}
      <DecisionNote
        id={`note-${referral.quoteNumber}`}
        label={`Note for ${referral.quoteNumber}`}
        note={note}
        onChange={setNote}
        error={state.error}
        hintId={hintId}
      >
        <span className="hint" id={hintId}>
          A note is required: the agent reads it with your decision.
        </span>
      </DecisionNote>
      <div className="actions">
        <button type="button" disabled={state.busy || !note.trim()} aria-describedby={hintId} onClick={() => decide(true)}>
          Approve {referral.quoteNumber}
        </button>
        <button
          type="button"
          className="secondary"
          disabled={state.busy || !note.trim()}
          aria-describedby={hintId}
          onClick={() => decide(false)}
        >
          Decline {referral.quoteNumber}
        </button>
      </div>
    </li>
  );
}

const CHANGE_KIND: Record<string, string> = { endorse: "Change", offer_renewal: "Renewal offer" };

function PolicyChange({ referral, onDecided }: { referral: PolicyReferralView; onDecided: (message: string) => void }) {
  const [note, setNote] = useState("");
  const [state, decide] = useDecision(async (approve) => {
    const status = await api.decidePolicyReferral(referral.referralId, approve, note);
    return `The ${(CHANGE_KIND[referral.kind] ?? "change").toLowerCase()} to ${referral.policyNumber} is ${status === "approved" ? "made" : "declined"}.`;
  }, onDecided);

  return (
    <li className="policy-referral" data-referral-id={referral.referralId} data-policy-number={referral.policyNumber}>
      <h3>
        {CHANGE_KIND[referral.kind] ?? "Change"} to {referral.policyNumber}{" "}
        <span className="meta">
          from {referral.agent}, on version {referral.baseVersion}
          {referral.effective ? `, effective ${referral.effective}` : ""}
        </span>
      </h3>
      {referral.description && <p>{referral.description}</p>}
      <ReasonList reasons={referral.reasons} label={`Why the change to ${referral.policyNumber} was referred`} />
      <DecisionNote
        id={`change-note-${referral.referralId}`}
        label={`Note for ${referral.agent}`}
        note={note}
        onChange={setNote}
        error={state.error}
      >
        <span className="hint">A decline needs one; the agent reads it.</span>
      </DecisionNote>
      <div className="actions">
        <button type="button" disabled={state.busy} onClick={() => decide(true)} aria-label={`Make the change to ${referral.policyNumber}`}>
          Make the change
        </button>
        <button
          type="button"
          className="secondary"
          disabled={state.busy || !note.trim()}
          onClick={() => decide(false)}
          aria-label={`Decline the change to ${referral.policyNumber}`}
        >
          Decline
        </button>
      </div>
    </li>
  );
}

/** How many wait, and how long the oldest has. */
function QueueHeader({ queue }: { queue: ReferralView[] }) {
  const oldest = oldestFirst(queue)[0];
  const age = oldest.referredAt ? ageText(oldest.referredAt) : null;
  return (
    <p className="queue-header" id="referral-count" data-count={queue.length}>
      <strong>
        {queue.length} {queue.length === 1 ? "quote waits" : "quotes wait"} for a decision
      </strong>
      {age && oldest.referredAt && (
        <>
          ; the oldest was referred{" "}
          <time dateTime={oldest.referredAt} title={new Date(oldest.referredAt).toLocaleString()}>
            {age}
          </time>
        </>
      )}
      .
    </p>
  );
}

export function Desk() {
  // The queue says "Asking the server..." again on each refresh; the policy changes stay shown.
  const queue = useCommand(api.referrals, [], { resetOnReload: true });
  const changes = useCommand(api.policyReferrals, []);
  const [last, setLast] = useState<string | null>(null);

  const load = () => {
    void queue.reload();
    void changes.reload();
  };

  return (
    <section aria-label="Referrals" id="desk">
      <h2>Referrals</h2>
      <div className="actions">
        <button type="button" className="secondary" id="desk-refresh" onClick={load}>
          Refresh
        </button>
      </div>
      {last && (
        <p role="status" id="desk-result">
          {last}
        </p>
      )}
      {queue.kind === "loading" && <p aria-busy="true">Asking the server...</p>}
      {queue.kind === "failed" && <ErrorBox error={queue.error}>The referral queue could not be loaded.</ErrorBox>}
      {queue.kind === "loaded" && queue.value.length === 0 && <p className="meta">No quotes wait for a decision.</p>}
      {queue.kind === "loaded" && queue.value.length > 0 && <QueueHeader queue={queue.value} />}
      {queue.kind === "loaded" && queue.value.length > 0 && (
        <ul className="referrals" id="referrals">
          {oldestFirst(queue.value).map((r) => (
            <Referral
              key={`${r.quoteNumber}-${r.version}`}
              referral={r}
              onDecided={(message) => {
                setLast(message);
                load();
              }}
            />
          ))}
        </ul>
      )}
      <h2>Policy changes</h2>
      {changes.kind === "failed" && <ErrorBox error={changes.error}>The referred policy changes could not be loaded.</ErrorBox>}
      {changes.kind === "loaded" && changes.value.length === 0 && (
        <p className="meta" id="no-policy-referrals">
          No policy changes wait for a decision.
        </p>
      )}
      {changes.kind === "loaded" && changes.value.length > 0 && (
        <ul className="referrals" id="policy-referrals">
          {changes.value.map((r) => (
            <PolicyChange
              key={r.referralId}
              referral={r}
              onDecided={(message) => {
                setLast(message);
                load();
              }}
            />
          ))}
        </ul>
      )}
    </section>
  );
}
