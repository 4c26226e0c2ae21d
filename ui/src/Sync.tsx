// The Sync screen: enroll this device with the organisation's sync server,
// then push the outbox and pull the server's changes on demand, and read or
// dismiss what sync could not do.
import { FormEvent, useCallback, useEffect, useState } from "react";
import { api, CommandError, EnrollmentStatus, EnrollmentView, SyncIssue, SyncProgress, SyncResult } from "./api";

// `seq` numbers each request, so a reader (a person or the end-to-end test)
// can tell a fresh answer from the previous one.
type Attempt<T> =
  | { kind: "idle"; seq: number }
  | { kind: "busy"; seq: number }
  | { kind: "done"; seq: number; value: T }
  | { kind: "failed"; seq: number; error: CommandError };

type Loaded<T> = { kind: "loading" } | { kind: "loaded"; value: T } | { kind: "failed"; error: CommandError };

/** Messages for codes the agent can act on; the workstation's message follows, with the server's reason. */
function explain(error: CommandError): string {
  switch (error.code) {
    case "sync.unauthorized":
      return error.serverCode === "auth.invalid_credentials"
        ? `Wrong username or password. ${error.message}`
        : `The sync server refused the sign-in. ${error.message}`;
    case "sync.unreachable":
      return `The sync server cannot be reached. ${error.message}`;
    case "sync.device_revoked":
      return `This device is no longer allowed to sync. ${error.message}`;
    case "sync.not_enrolled":
      return `Enroll this device first. ${error.message}`;
    case "sync.rate_limited":
      return `Too many attempts. ${error.message}`;
    default:
      return error.message;
  }
}

export function ErrorAlert({ id, error, seq }: { id: string; error: CommandError; seq?: number }) {
  return (
    <div role="alert" className="error" id={id} data-code={error.code} data-server-code={error.serverCode} data-seq={seq}>
      {explain(error)}
    </div>
  );
}

export function EnrollForm({ onEnrolled }: { onEnrolled: (view: EnrollmentView) => void }) {
  const [serverUrl, setServerUrl] = useState("");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [deviceName, setDeviceName] = useState("");
  const [attempt, setAttempt] = useState<Attempt<EnrollmentView>>({ kind: "idle", seq: 0 });

  async function submit(event: FormEvent) {
    event.preventDefault();
    const seq = attempt.seq + 1;
    const request = { serverUrl: serverUrl.trim(), username: username.trim(), password, deviceName: deviceName.trim() };
    // The password is sent once and not kept: the field is empty whatever the answer.
    setPassword("");
    setAttempt({ kind: "busy", seq });
    try {
      const view = await api.enroll(request);
      setAttempt({ kind: "done", seq, value: view });
      onEnrolled(view);
    } catch (e) {
      setAttempt({ kind: "failed", seq, error: e as CommandError });
    }
  }

  const busy = attempt.kind === "busy";
  return (
    <>
      <form onSubmit={submit} aria-label="Enroll with a sync server" id="enroll-form" data-seq={attempt.seq}>
        <label>
          Server URL
          <input
            id="enroll-server-url"
            name="server-url"
            className="wide"
            inputMode="url"
            placeholder="http://127.0.0.1:8787"
            autoComplete="url"
            value={serverUrl}
            onChange={(e) => setServerUrl(e.target.value)}
            required
          />
        </label>
        <label>
          Username
          <input id="enroll-username" name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <label>
          Password
          <input
            id="enroll-password"
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <label>
          Device name
          <input id="enroll-device-name" name="device-name" className="medium" placeholder="e.g. agent-laptop" value={deviceName} onChange={(e) => setDeviceName(e.target.value)} required />
        </label>
        <button id="enroll" type="submit" disabled={busy}>
          {busy ? "Enrolling..." : "Enroll"}
        </button>
      </form>
      {attempt.kind === "failed" && <ErrorAlert id="enroll-error" error={attempt.error} seq={attempt.seq} />}
    </>
  );
}

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
          Rate packs: {result.packsInstalled.join(", ")}
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
            This laptop was restored from a backup, and these quotes had been given numbers that already belonged to other
            quotes. They have new numbers now; print their proposals again and replace any copy you handed out.
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
        <label htmlFor="sync-progress-bar">{total === 0 ? "Sending: nothing waits in the outbox" : `Sending: ${sent} of ${total} changes`}</label>
        <progress id="sync-progress-bar" max={Math.max(total, 1)} value={total === 0 ? 0 : sent} />
      </div>
    );
  }
  return (
    <div id="sync-progress" data-phase="pull" className="progress">
      <label htmlFor="sync-progress-bar">
        Receiving: {progress.changes} {progress.changes === 1 ? "change" : "changes"} in {progress.pages} {progress.pages === 1 ? "page" : "pages"}
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

function SyncIssues({
  issues,
  onDismiss,
  onOpenQuote,
}: {
  issues: Loaded<SyncIssue[]>;
  onDismiss: (id: number) => void;
  onOpenQuote: (quoteId: number) => void;
}) {
  if (issues.kind === "loading") return <p id="sync-issues" data-state="loading">Loading sync issues...</p>;
  if (issues.kind === "failed") return <ErrorAlert id="sync-issues-error" error={issues.error} />;
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
          <th>Kind</th>
          <th>Subject</th>
          <th>Outcome</th>
          <th>Code</th>
          <th>Reason</th>
          <th></th>
        </tr>
      </thead>
      <tbody>
        {issues.value.map((issue) => (
          <tr key={issue.id} data-issue-id={issue.id} data-code={issue.code ?? undefined}>
            <td>{issue.kind}</td>
            <td>{issue.subject ?? ""}</td>
            <td>
              {issue.outcome}
              {issue.currentVersion !== null && ` (server has version ${issue.currentVersion})`}
            </td>
            <td>{issue.code ?? ""}</td>
            <td>
              {issue.reason}
              {issueAdvice(issue) && <div className="meta">{issueAdvice(issue)}</div>}
            </td>
            <td className="row-actions">
              {issue.quoteId !== null && (
                <button type="button" data-action="open-quote" onClick={() => onOpenQuote(issue.quoteId as number)} aria-label={`Open quote ${issue.subject ?? ""}`.trim()}>
                  Open quote
                </button>
              )}
              <button type="button" className="secondary" data-action="dismiss" onClick={() => onDismiss(issue.id)} aria-label={`Dismiss ${issue.kind} issue ${issue.subject ?? ""}`.trim()}>
                Dismiss
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Enrolled({ enrollment, onOpenQuote }: { enrollment: EnrollmentView; onOpenQuote: (quoteId: number) => void }) {
  const [sync, setSync] = useState<Attempt<{ result: SyncResult; at: Date }>>({ kind: "idle", seq: 0 });
  const [progress, setProgress] = useState<SyncProgress | null>(null);
  const [issues, setIssues] = useState<Loaded<SyncIssue[]>>({ kind: "loading" });

  const loadIssues = useCallback(async () => {
    try {
      setIssues({ kind: "loaded", value: await api.syncIssues() });
    } catch (e) {
      setIssues({ kind: "failed", error: e as CommandError });
    }
  }, []);

  useEffect(() => {
    void loadIssues();
  }, [loadIssues]);

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
    await loadIssues();
  }

  async function dismiss(id: number) {
    try {
      await api.dismissSyncIssue(id);
    } catch (e) {
      setIssues({ kind: "failed", error: e as CommandError });
      return;
    }
    await loadIssues();
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
      {sync.kind === "failed" && <ErrorAlert id="sync-error" error={sync.error} seq={sync.seq} />}
      <h3>Sync issues</h3>
      <SyncIssues issues={issues} onDismiss={dismiss} onOpenQuote={onOpenQuote} />
    </>
  );
}

export function SyncScreen({ hidden, onOpenQuote }: { hidden: boolean; onOpenQuote: (quoteId: number) => void }) {
  const [status, setStatus] = useState<Loaded<EnrollmentStatus>>({ kind: "loading" });

  useEffect(() => {
    api.enrollmentStatus().then(
      (value) => setStatus({ kind: "loaded", value }),
      (error: CommandError) => setStatus({ kind: "failed", error }),
    );
  }, []);

  const state = status.kind === "loaded" ? status.value.state : status.kind;
  return (
    <section id="sync-screen" aria-labelledby="sync-heading" hidden={hidden} data-enrollment={state}>
      <h2 id="sync-heading">Sync</h2>
      {status.kind === "loading" && <p>Loading...</p>}
      {status.kind === "failed" && <ErrorAlert id="enrollment-error" error={status.error} />}
      {status.kind === "loaded" && status.value.state === "notEnrolled" && (
        <p>This workstation is not enrolled with a sync server. Enroll it to send your quotes and receive rate packs and decisions.</p>
      )}
      {status.kind === "loaded" && status.value.state === "notEnrolled" && (
        <EnrollForm onEnrolled={(view) => setStatus({ kind: "loaded", value: { state: "enrolled", ...view } })} />
      )}
      {status.kind === "loaded" && status.value.state === "enrolled" && <Enrolled enrollment={status.value} onOpenQuote={onOpenQuote} />}
    </section>
  );
}
