// The Sync screen: enroll this device with the organisation's sync server,
// then push the outbox and pull the server's changes on demand, and read or
// dismiss what sync could not do; and a support bundle for the support team.
import { useState } from "react";
import { api, CommandError, EnrollmentView, SyncIssue, SyncProgress, SyncResult } from "../api";
import { ErrorBox } from "../shared/ErrorBox";
import { SavedDocument } from "../shared/SavedDocument";
import { packName } from "../shared/format";
import { statusLabel, syncKindLabel } from "../shared/language";
import { MESSAGES } from "../shared/messages";
import { Loaded, useCommand } from "../shared/useCommand";
import type { Attempt } from "./attempt";
import { EnrollForm } from "./EnrollForm";

function SyncResultView({ result, seq, at }: { result: SyncResult; seq: number; at: Date }) {
  const counts: [string, string, number][] = [
    ["sync-delivered", "Operations delivered", result.delivered],
    ["sync-accepted", "Accepted", result.accepted],
    ["sync-duplicate", "Already received", result.duplicate],
    ["sync-rejected", "Rejected", result.rejected],
    ["sync-conflict", "In conflict", result.conflict],
    ["sync-policies", "Policies issued", result.policiesIssued.length],
    ["sync-changes", "Changes pulled", result.changesPulled],
    ["sync-packs", "Rate packs installed", result.packsInstalled.length],
  ];
  return (
    <div role="status" id="sync-result" className="sync-result" data-seq={seq}>
      <p>
        Last sync finished at <time dateTime={at.toISOString()}>{at.toLocaleTimeString()}</time>.
      </p>
      <dl className="counts">
        {counts.map(([testId, label, value]) => (
          <div key={testId}>
            <dt>{label}</dt>
            <dd data-testid={testId}>{value}</dd>
          </div>
        ))}
      </dl>
      {result.policiesIssued.length > 0 && (
        <p className="meta" id="sync-policies-issued">
          Policies: {result.policiesIssued.join(", ")}
        </p>
      )}
      {result.packsInstalled.length > 0 && (
        <p className="meta" id="sync-packs-installed">
          Rate packs: {result.packsInstalled.map(packName).join("; ")}
        </p>
      )}
      {result.serverRestored && (
        <p id="sync-server-restored">
          The sync server was restored from a backup. This laptop sent it again everything it had lost, so nothing is missing.
        </p>
      )}
      {result.renumbered.length > 0 && (
        <div id="sync-renumbered">
          <p>
            This laptop was restored from a backup, and these quotes had been given numbers that already belonged to other quotes. They have
            new numbers now; print their proposals again and replace any copy you handed out.
          </p>
          <ul>
            {result.renumbered.map((r) => (
              <li key={r.was} data-was={r.was} data-now={r.now}>
                {r.was} is now {r.now}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

/** Push has a known total; pull does not until the server says it is done, so its bar is indeterminate. */
function SyncProgressBar({ progress }: { progress: SyncProgress | null }) {
  if (!progress || progress.phase === "push") {
    const sent = progress?.sent ?? 0;
    const total = progress?.total ?? 0;
    return (
      <div id="sync-progress" data-phase="push" className="progress">
        <label htmlFor="sync-progress-bar">
          {total === 0 ? "Sending: nothing waits in the outbox" : `Sending: ${sent} of ${total} changes`}
        </label>
        <progress id="sync-progress-bar" max={Math.max(total, 1)} value={total === 0 ? 0 : sent} />
      </div>
    );
  }
  return (
    <div id="sync-progress" data-phase="pull" className="progress">
      <label htmlFor="sync-progress-bar">
        Receiving: {progress.changes} {progress.changes === 1 ? "change" : "changes"} in {progress.pages}{" "}
        {progress.pages === 1 ? "page" : "pages"}
      </label>
      <progress id="sync-progress-bar" />
    </div>
  );
}

/** What the agent can do about an issue, besides dismissing it. */
function issueAdvice(issue: SyncIssue): string {
  if (issue.code === "bind.premium_mismatch") return "Open the quote and re-rate it with the pack in force, then request the bind again.";
  if (issue.outcome === "conflict") return "The server holds a newer version: open the quote to review it before editing again.";
  if (issue.code?.startsWith("bind.")) return "Open the quote to see why, correct it as a new version, and request the bind again.";
  if (issue.source === "pull") return "Nothing to do here; an administrator may need to look at the server.";
  return "";
}

/** The issue's code as a sentence (messages.ts); the code itself stays in `data-code`. */
function issueSentence(issue: SyncIssue): string {
  if (issue.code !== null && MESSAGES[issue.code]) return MESSAGES[issue.code];
  if (issue.outcome === "conflict") return "The server holds a newer version of this.";
  return "The server did not accept this change.";
}

function SyncIssues({
  issues,
  onDismiss,
  onOpenQuote,
}: {
  issues: Loaded<SyncIssue[]>;
  onDismiss: (id: number) => void;
  onOpenQuote: (quoteId: number) => void;
}) {
  if (issues.kind === "loading")
    return (
      <p id="sync-issues" data-state="loading">
        Loading sync issues...
      </p>
    );
  if (issues.kind === "failed") return <ErrorBox id="sync-issues-error" error={issues.error} />;
  if (issues.value.length === 0) {
    return (
      <p id="sync-issues" data-state="loaded" data-count={0}>
        No sync issues.
      </p>
    );
  }
  return (
    <table id="sync-issues" data-state="loaded" data-count={issues.value.length}>
      <caption>Sync issues</caption>
      <thead>
        <tr>
          <th>What</th>
          <th>Subject</th>
          <th>Outcome</th>
          <th>Problem</th>
          <th>What to do</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        {issues.value.map((issue) => (
          <tr key={issue.id} data-issue-id={issue.id} data-code={issue.code ?? undefined}>
            <td data-kind={issue.kind}>{syncKindLabel(issue.kind)}</td>
            <td>{issue.subject ?? ""}</td>
            <td data-outcome={issue.outcome}>
              {statusLabel(issue.outcome)}
              {issue.currentVersion !== null && ` (server has version ${issue.currentVersion})`}
            </td>
            <td data-code={issue.code ?? undefined}>{issueSentence(issue)}</td>
            <td>
              {issueAdvice(issue) && <div>{issueAdvice(issue)}</div>}
              {/* The server's own words, for support: its field names and codes stay out of sight. */}
              <details className="error-details">
                <summary>Details</summary>
                {issue.reason}
              </details>
            </td>
            <td className="row-actions">
              {issue.quoteId !== null && (
                <button
                  type="button"
                  data-action="open-quote"
                  onClick={() => onOpenQuote(issue.quoteId as number)}
                  aria-label={`Open quote ${issue.subject ?? ""}`.trim()}
                >
                  Open quote
                </button>
              )}
              <button
                type="button"
                className="secondary"
                data-action="dismiss"
                onClick={() => onDismiss(issue.id)}
                aria-label={`Dismiss ${syncKindLabel(issue.kind).toLowerCase()} issue ${issue.subject ?? ""}`.trim()}
              >
                Dismiss
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Enrolled({
  enrollment,
  onOpenQuote,
  onSynced,
}: {
  enrollment: EnrollmentView;
  onOpenQuote: (quoteId: number) => void;
  onSynced?: () => void;
}) {
  const [sync, setSync] = useState<Attempt<{ result: SyncResult; at: Date }>>({ kind: "idle", seq: 0 });
  const [progress, setProgress] = useState<SyncProgress | null>(null);
  const issues = useCommand(api.syncIssues, []);

  async function syncNow() {
    const seq = sync.seq + 1;
    setSync({ kind: "busy", seq });
    setProgress(null);
    try {
      const result = await api.syncNow(setProgress);
      setSync({ kind: "done", seq, value: { result, at: new Date() } });
    } catch (e) {
      setSync({ kind: "failed", seq, error: e as CommandError });
    }
    // A failed sync may still have recorded issues for the part it finished.
    await issues.reload();
    onSynced?.();
  }

  async function dismiss(id: number) {
    try {
      await api.dismissSyncIssue(id);
    } catch (e) {
      issues.set({ kind: "failed", error: e as CommandError });
      return;
    }
    await issues.reload();
  }

  const busy = sync.kind === "busy";
  return (
    <>
      <dl className="enrollment" id="enrollment" data-username={enrollment.username} data-role={enrollment.role}>
        <div>
          <dt>Server</dt>
          <dd data-testid="enrollment-server">{enrollment.serverUrl}</dd>
        </div>
        <div>
          <dt>User</dt>
          <dd data-testid="enrollment-username">{enrollment.username}</dd>
        </div>
        <div>
          <dt>Role</dt>
          <dd data-testid="enrollment-role">{enrollment.role}</dd>
        </div>
        <div>
          <dt>Device</dt>
          <dd data-testid="enrollment-device">{enrollment.deviceName}</dd>
        </div>
        <div>
          <dt>Quote numbers</dt>
          <dd data-testid="enrollment-block">{enrollment.quoteNumbers}</dd>
        </div>
        <div>
          <dt>Next quote number</dt>
          <dd data-testid="enrollment-next">{enrollment.nextQuoteNumber ?? "none left: sync to learn this device's own series"}</dd>
        </div>
      </dl>
      <p>
        <button id="sync-now" type="button" onClick={syncNow} disabled={busy} data-seq={sync.seq}>
          {busy ? "Syncing..." : "Sync now"}
        </button>
      </p>
      {busy && <SyncProgressBar progress={progress} />}
      {sync.kind === "done" && <SyncResultView result={sync.value.result} at={sync.value.at} seq={sync.seq} />}
      {sync.kind === "failed" && <ErrorBox id="sync-error" error={sync.error} seq={sync.seq} />}
      <h3>Sync issues</h3>
      <SyncIssues issues={issues} onDismiss={dismiss} onOpenQuote={onOpenQuote} />
    </>
  );
}

/** A file for the support team (versions, settings, recent activity; no customer's data), saved in the documents folder. */
function SupportBundle() {
  const [bundle, setBundle] = useState<Attempt<string>>({ kind: "idle", seq: 0 });
  async function create() {
    const seq = bundle.seq + 1;
    setBundle({ kind: "busy", seq });
    try {
      setBundle({ kind: "done", seq, value: await api.createSupportBundle() });
    } catch (e) {
      setBundle({ kind: "failed", seq, error: e as CommandError });
    }
  }
  return (
    <section aria-labelledby="support-heading" id="support-bundle">
      <h3 id="support-heading">Support</h3>
      <p className="meta" id="support-bundle-explanation">
        A file for your support team with versions, settings and recent activity. It contains no customer information.
      </p>
      <p>
        <button
          type="button"
          className="secondary"
          id="create-support-bundle"
          aria-describedby="support-bundle-explanation"
          onClick={() => void create()}
          disabled={bundle.kind === "busy"}
          data-seq={bundle.seq}
        >
          {bundle.kind === "busy" ? "Creating support bundle…" : "Create support bundle"}
        </button>
      </p>
      {bundle.kind === "done" && (
        <div id="support-bundle-saved" data-seq={bundle.seq}>
          <p role="status">The support bundle is saved. Use Show in folder to find it, then send it to your support team.</p>
          <SavedDocument path={bundle.value} what="support bundle" pathId="support-bundle-path" printable={false} />
        </div>
      )}
      {bundle.kind === "failed" && <ErrorBox id="support-bundle-error" error={bundle.error} seq={bundle.seq} />}
    </section>
  );
}

export function SyncScreen({
  hidden,
  onOpenQuote,
  onSynced,
}: {
  hidden: boolean;
  onOpenQuote: (quoteId: number) => void;
  /** Hears each "Sync now" finish, done or failed. */
  onSynced?: () => void;
}) {
  const status = useCommand(api.enrollmentStatus, []);

  const state = status.kind === "loaded" ? status.value.state : status.kind;
  return (
    <section id="sync-screen" aria-labelledby="sync-heading" hidden={hidden} data-enrollment={state}>
      <h2 id="sync-heading">Sync</h2>
      {status.kind === "loading" && <p>Loading...</p>}
      {status.kind === "failed" && <ErrorBox id="enrollment-error" error={status.error} />}
      {status.kind === "loaded" && status.value.state === "notEnrolled" && (
        <p>This workstation is not enrolled with a sync server. Enroll it to send your quotes and receive rate packs and decisions.</p>
      )}
      {status.kind === "loaded" && status.value.state === "notEnrolled" && (
        <EnrollForm onEnrolled={(view) => status.set({ kind: "loaded", value: { state: "enrolled", ...view } })} />
      )}
      {status.kind === "loaded" && status.value.state === "enrolled" && (
        <Enrolled enrollment={status.value} onOpenQuote={onOpenQuote} onSynced={onSynced} />
      )}
      <SupportBundle />
    </section>
  );
}
