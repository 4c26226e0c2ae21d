// The server consoles. Administrators and auditors work online: they sign in
// to the sync server (the token stays in the workstation's memory, never in
// the page or the store) and the server checks their role on every request.
// The auditor verifies saved exports offline, signed in or not.
import { FormEvent, useCallback, useEffect, useState } from "react";
import { api, AuditVerdictView, CommandError, DeviceView, ExportFileView, Role, SessionView, ThrottleView, UserView } from "./api";
import { ErrorAlert } from "./Sync";

const ROLES: Role[] = ["agent", "underwriter", "admin", "auditor"];
const ROLE_LABEL: Record<Role, string> = { agent: "Agent", underwriter: "Underwriter", admin: "Administrator", auditor: "Auditor" };

type Loaded<T> = { kind: "loading" } | { kind: "loaded"; value: T } | { kind: "failed"; error: CommandError };
type Action<T = string> = { kind: "idle" } | { kind: "busy" } | { kind: "done"; value: T } | { kind: "failed"; error: CommandError };

/** The console session, shared by the screens through the workstation. */
function useSession() {
  const [session, setSession] = useState<Loaded<SessionView | null>>({ kind: "loading" });
  const reload = useCallback(() => {
    api.sessionStatus().then(
      (value) => setSession({ kind: "loaded", value }),
      (error: CommandError) => setSession({ kind: "failed", error }),
    );
  }, []);
  useEffect(reload, [reload]);
  return { session, setSession, reload };
}

function SignIn({ role, onSignedIn }: { role: Role; onSignedIn: (s: SessionView) => void }) {
  const [serverUrl, setServerUrl] = useState("");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [attempt, setAttempt] = useState<Action<SessionView>>({ kind: "idle" });
  const prefix = `sign-in-${role}`;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const secret = password;
    // The password is sent once and not kept in the page.
    setPassword("");
    setAttempt({ kind: "busy" });
    try {
      const s = await api.signIn(serverUrl.trim(), username.trim(), secret);
      setAttempt({ kind: "done", value: s });
      onSignedIn(s);
    } catch (e) {
      setAttempt({ kind: "failed", error: e as CommandError });
    }
  }

  return (
    <>
      <form onSubmit={submit} aria-label={`Sign in as ${ROLE_LABEL[role].toLowerCase()}`} id={`${prefix}-form`}>
        <label>
          Server URL
          <input
            id={`${prefix}-server-url`}
            className="wide"
            inputMode="url"
            placeholder="The enrolled server if left empty"
            value={serverUrl}
            onChange={(e) => setServerUrl(e.target.value)}
          />
        </label>
        <label>
          Username
          <input id={`${prefix}-username`} autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <label>
          Password
          <input id={`${prefix}-password`} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        <button type="submit" id={`${prefix}`} disabled={attempt.kind === "busy"}>
          {attempt.kind === "busy" ? "Signing in..." : "Sign in"}
        </button>
      </form>
      {attempt.kind === "failed" && <ErrorAlert id={`${prefix}-error`} error={attempt.error} />}
    </>
  );
}

/** Who is signed in, with a way out; or the sign-in form when the role does not match. */
function SessionBar({
  role,
  session,
  onChange,
}: {
  role: Role;
  session: Loaded<SessionView | null>;
  onChange: (s: SessionView | null) => void;
}) {
  if (session.kind === "loading") return <p>Loading...</p>;
  if (session.kind === "failed") return <ErrorAlert id="session-error" error={session.error} />;
  const s = session.value;
  async function signOut() {
    await api.signOut().catch(() => false);
    onChange(null);
  }
  if (s && s.role === role) {
    return (
      <p className="session" id="console-session" data-role={s.role}>
        Signed in to {s.serverUrl} as <strong>{s.username}</strong> ({ROLE_LABEL[s.role]}).{" "}
        <button type="button" className="secondary" id="sign-out" onClick={signOut}>
          Sign out
        </button>
      </p>
    );
  }
  return (
    <>
      {s && (
        <p className="meta" id="console-wrong-role">
          Signed in as {s.username}, who is {ROLE_LABEL[s.role].toLowerCase()}; this screen needs {ROLE_LABEL[role].toLowerCase()}.
        </p>
      )}
      <p>Sign in to the sync server as {ROLE_LABEL[role].toLowerCase()}. The session lasts until you sign out or close the app.</p>
      <SignIn role={role} onSignedIn={onChange} />
    </>
  );
}

// ---------------------------------------------------------------- admin

/** One of the administrator's lists, loaded on mount and on `reload`; a refusal may mean the session ended. */
function useAdminList<T>(fetch: () => Promise<T[]>, onSessionLost: (e: CommandError) => void): [Loaded<T[]>, () => void] {
  const [list, setList] = useState<Loaded<T[]>>({ kind: "loading" });
  const reload = useCallback(() => {
    fetch().then(
      (value) => setList({ kind: "loaded", value }),
      (error: CommandError) => {
        setList({ kind: "failed", error });
        onSessionLost(error);
      },
    );
  }, [fetch, onSessionLost]);
  useEffect(reload, [reload]);
  return [list, reload];
}

/**
 * An administrator's action: busy, then done with its message and the lists
 * reloaded, or failed (a refused session is handed on).
 */
function useAdminAction(onSessionLost: (e: CommandError) => void, reload: () => void): [Action, (done: string, f: () => Promise<unknown>) => Promise<void>] {
  const [action, setAction] = useState<Action>({ kind: "idle" });
  async function run(done: string, f: () => Promise<unknown>) {
    setAction({ kind: "busy" });
    try {
      await f();
      setAction({ kind: "done", value: done });
      reload();
    } catch (e) {
      setAction({ kind: "failed", error: e as CommandError });
      onSessionLost(e as CommandError);
    }
  }
  return [action, run];
}

/** What the last administrator action of a section did: `ID-result` or `ID-action-error`. */
function ActionResult({ id, action }: { id: string; action: Action }) {
  return (
    <>
      {action.kind === "done" && (
        <p role="status" id={`${id}-result`}>
          {action.value}
        </p>
      )}
      {action.kind === "failed" && <ErrorAlert id={`${id}-action-error`} error={action.error} />}
    </>
  );
}

/** A Revoke button that asks once more before it acts. */
function ConfirmRevoke({ name, disabled, onConfirm }: { name: string; disabled: boolean; onConfirm: () => void }) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className="secondary" aria-label={`Revoke ${name}`} disabled={disabled} onClick={() => setAsking(true)}>
        Revoke
      </button>
    );
  }
  return (
    <>
      <button
        type="button"
        className="danger"
        aria-label={`Confirm revoking ${name}`}
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        Confirm revoke
      </button>
      <button type="button" className="secondary" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </>
  );
}

function Users({ onSessionLost }: { onSessionLost: (e: CommandError) => void }) {
  const [users, load] = useAdminList(api.adminUsers, onSessionLost);
  const [action, act] = useAdminAction(onSessionLost, load);
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("agent");
  /** A change that takes a user's access away or changes it, waiting for the administrator to confirm it. */
  const [pending, setPending] = useState<{ question: string; confirm: string; done: string; change: () => Promise<unknown> } | null>(null);

  function askRole(u: UserView, next: Role) {
    if (next === u.role) return;
    setPending({
      question: `Make ${u.username} ${ROLE_LABEL[next].toLowerCase()}? Their sessions and devices are signed out; they sign in again with the new role's access.`,
      confirm: `Confirm making ${u.username} ${ROLE_LABEL[next].toLowerCase()}`,
      done: `${u.username} is now ${ROLE_LABEL[next].toLowerCase()}.`,
      change: () => api.adminChangeUser(u.username, { role: next }),
    });
  }

  function askDisable(u: UserView) {
    if (u.disabled) {
      void run(`${u.username} is enabled.`, () => api.adminChangeUser(u.username, { disabled: false }));
      return;
    }
    setPending({
      question: `Disable ${u.username}? Their sessions end and their devices stop syncing at once; enabling them later does not bring those back.`,
      confirm: `Confirm disabling ${u.username}`,
      done: `${u.username} is disabled.`,
      change: () => api.adminChangeUser(u.username, { disabled: true }),
    });
  }

  function run(what: string, f: () => Promise<unknown>) {
    setPending(null);
    return act(what, f);
  }

  function add(event: FormEvent) {
    event.preventDefault();
    const [name, secret] = [username.trim(), password];
    setPassword("");
    void run(`Added ${name} as ${ROLE_LABEL[role].toLowerCase()}.`, async () => {
      await api.adminAddUser(name, secret, role);
      setUsername("");
    });
  }

  return (
    <section aria-labelledby="users-heading" id="admin-users">
      <h3 id="users-heading">Users</h3>
      {users.kind === "failed" && <ErrorAlert id="users-error" error={users.error} />}
      {users.kind === "loaded" && (
        <table id="users-table" data-count={users.value.length}>
          <thead>
            <tr>
              <th scope="col">Username</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {users.value.map((u) => (
              <tr key={u.userId} data-username={u.username} data-role={u.role} data-disabled={u.disabled}>
                <td>{u.username}</td>
                <td>
                  <label className="inline">
                    <span className="visually-hidden">Role of {u.username}</span>
                    <select
                      value={u.role}
                      disabled={action.kind === "busy"}
                      onChange={(e) => askRole(u, e.target.value as Role)}
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r}>
                          {ROLE_LABEL[r]}
                        </option>
                      ))}
                    </select>
                  </label>
                </td>
                <td>{u.disabled ? "Disabled" : "Active"}</td>
                <td>
                  <button
                    type="button"
                    className="secondary"
                    disabled={action.kind === "busy"}
                    aria-label={`${u.disabled ? "Enable" : "Disable"} ${u.username}`}
                    onClick={() => askDisable(u)}
                  >
                    {u.disabled ? "Enable" : "Disable"}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pending && (
        <div role="alertdialog" aria-labelledby="user-confirm-question" id="user-confirm" className="confirm">
          <p id="user-confirm-question">{pending.question}</p>
          <button type="button" className="danger" aria-label={pending.confirm} onClick={() => run(pending.done, pending.change)}>
            Confirm
          </button>
          <button type="button" className="secondary" onClick={() => setPending(null)}>
            Cancel
          </button>
        </div>
      )}
      <form onSubmit={add} aria-label="Add a user" id="add-user-form" className="filters">
        <label>
          New username
          <input id="new-username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <label>
          Initial password
          <input id="new-password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        <label>
          Role
          <select id="new-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {ROLE_LABEL[r]}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" id="add-user" disabled={action.kind === "busy"}>
          Add user
        </button>
      </form>
      <ActionResult id="users" action={action} />
    </section>
  );
}

function Devices({ onSessionLost }: { onSessionLost: (e: CommandError) => void }) {
  const [devices, load] = useAdminList(api.adminDevices, onSessionLost);
  const [action, run] = useAdminAction(onSessionLost, load);

  const revoke = (d: DeviceView) => run(`${d.name} (${d.username}) is revoked; it can no longer sync.`, () => api.adminRevokeDevice(d.deviceId));

  return (
    <section aria-labelledby="devices-heading" id="admin-devices">
      <h3 id="devices-heading">Devices</h3>
      {devices.kind === "failed" && <ErrorAlert id="devices-error" error={devices.error} />}
      {devices.kind === "loaded" && devices.value.length === 0 && <p className="meta">No device has enrolled.</p>}
      {devices.kind === "loaded" && devices.value.length > 0 && (
        <table id="devices-table" data-count={devices.value.length}>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">User</th>
              <th scope="col">Enrolled</th>
              <th scope="col" className="num">
                Operations received
              </th>
              <th scope="col">Status</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {devices.value.map((d) => (
              <tr key={d.deviceId} data-device-id={d.deviceId} data-device-name={d.name} data-revoked={d.revokedAt !== null}>
                <td title={`Key ${d.publicKey}`}>{d.name}</td>
                <td>{d.username}</td>
                <td>{d.enrolledAt.replace("T", " ").slice(0, 16)}</td>
                <td className="num">{d.lastSeq}</td>
                <td>{d.revokedAt ? `Revoked ${d.revokedAt.replace("T", " ").slice(0, 16)}` : "Active"}</td>
                <td className="row-actions">
                  {d.revokedAt === null && <ConfirmRevoke name={d.name} disabled={action.kind === "busy"} onConfirm={() => void revoke(d)} />}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ActionResult id="devices" action={action} />
    </section>
  );
}

/** Failed sign-ins the server is counting, and clearing them. */
function Throttles({ onSessionLost }: { onSessionLost: (e: CommandError) => void }) {
  const [throttles, load] = useAdminList(api.adminLoginThrottles, onSessionLost);
  const [action, run] = useAdminAction(onSessionLost, load);

  function clear(t: ThrottleView) {
    // An account's row clears the account everywhere; an address's row, the address.
    const account = t.account ?? null;
    const address = t.account ? null : (t.address ?? null);
    return run(`${account ? `Sign-ins of ${account}` : `Sign-ins from ${address}`} no longer wait.`, () => api.adminClearLoginThrottles(account, address));
  }

  const who = (t: ThrottleView) =>
    t.account && t.address ? `${t.account} from ${t.address}` : t.account ? `${t.account} from anywhere` : `anyone from ${t.address}`;
  return (
    <section aria-labelledby="throttles-heading" id="admin-throttles">
      <h3 id="throttles-heading">Failed sign-ins</h3>
      <p className="meta">After a few wrong passwords, further sign-ins wait a little longer each time, never locked out; a user is never slowed where they usually sign in.</p>
      {throttles.kind === "failed" && <ErrorAlert id="throttles-error" error={throttles.error} />}
      {throttles.kind === "loaded" && throttles.value.length === 0 && <p className="meta" id="no-throttles">No failed sign-ins are being counted.</p>}
      {throttles.kind === "loaded" && throttles.value.length > 0 && (
        <table id="throttles-table" data-count={throttles.value.length}>
          <thead>
            <tr>
              <th scope="col">Who</th>
              <th scope="col" className="num">
                Failed
              </th>
              <th scope="col">Waiting until</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {throttles.value.map((t) => (
              <tr key={`${t.account ?? ""}|${t.address ?? ""}`} data-account={t.account ?? ""} data-address={t.address ?? ""}>
                <td>{who(t)}</td>
                <td className="num">{t.failures}</td>
                <td>{t.waitingUntil ? t.waitingUntil.replace("T", " ").slice(0, 19) : "—"}</td>
                <td className="row-actions">
                  <button type="button" className="secondary" aria-label={`Clear ${who(t)}`} disabled={action.kind === "busy"} onClick={() => clear(t)}>
                    Clear
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ActionResult id="throttles" action={action} />
    </section>
  );
}

/** Approval keys underwriters asked to register, and the pack keys the server trusts. */
function PackKeys({ onSessionLost }: { onSessionLost: (e: CommandError) => void }) {
  const [requests, loadRequests] = useAdminList(api.adminPackKeyRequests, onSessionLost);
  const [keys, loadKeys] = useAdminList(api.adminPackKeys, onSessionLost);
  const reload = useCallback(() => {
    loadRequests();
    loadKeys();
  }, [loadRequests, loadKeys]);
  const [action, run] = useAdminAction(onSessionLost, reload);

  const busy = action.kind === "busy";
  return (
    <section aria-labelledby="pack-keys-heading" id="admin-pack-keys">
      <h3 id="pack-keys-heading">Approval keys</h3>
      <p className="meta">An underwriter's approvals publish rates only with a key registered here. Compare the public key with the one on their Approvals screen before you approve it.</p>
      {requests.kind === "failed" && <ErrorAlert id="key-requests-error" error={requests.error} />}
      {requests.kind === "loaded" && requests.value.length === 0 && <p className="meta" id="no-key-requests">No underwriter is waiting for a key.</p>}
      {requests.kind === "loaded" && requests.value.length > 0 && (
        <table id="key-requests-table" data-count={requests.value.length}>
          <thead>
            <tr>
              <th scope="col">Underwriter</th>
              <th scope="col">Key</th>
              <th scope="col">Asked</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {requests.value.map((r) => (
              <tr key={r.keyId} data-key-id={r.keyId}>
                <td>{r.username}</td>
                <td>
                  {r.keyId} <code className="key-hex">{r.publicKey}</code>
                </td>
                <td>{r.requestedAt.replace("T", " ").slice(0, 16)}</td>
                <td className="row-actions">
                  <button type="button" aria-label={`Approve ${r.keyId} for ${r.username}`} disabled={busy} onClick={() => run(`${r.username}'s key ${r.keyId} is registered; their approvals are accepted after their next sync.`, () => api.adminDecidePackKeyRequest(r.keyId, true))}>
                    Approve
                  </button>
                  <button type="button" className="secondary" aria-label={`Turn down ${r.keyId}`} disabled={busy} onClick={() => run(`${r.username}'s key ${r.keyId} is turned down.`, () => api.adminDecidePackKeyRequest(r.keyId, false))}>
                    Turn down
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {keys.kind === "failed" && <ErrorAlert id="pack-keys-error" error={keys.error} />}
      {keys.kind === "loaded" && keys.value.length > 0 && (
        <table id="pack-keys-table" data-count={keys.value.length}>
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Whose</th>
              <th scope="col">Status</th>
              <th scope="col"></th>
            </tr>
          </thead>
          <tbody>
            {keys.value.map((k) => (
              <tr key={k.keyId} data-key-id={k.keyId} data-revoked={k.revokedAt !== null}>
                <td title={`Public key ${k.publicKey}`}>{k.keyId}</td>
                <td>{k.username ?? "Organisation"}</td>
                <td>{k.revokedAt ? `Revoked ${k.revokedAt.replace("T", " ").slice(0, 16)}` : "Trusted"}</td>
                <td className="row-actions">
                  {k.revokedAt === null && (
                    <ConfirmRevoke
                      name={k.keyId}
                      disabled={busy}
                      onConfirm={() => void run(`${k.keyId} is revoked; packs signed only by it stop pricing after each desktop's next sync.`, () => api.adminRevokePackKey(k.keyId))}
                    />
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ActionResult id="pack-keys" action={action} />
    </section>
  );
}

export function AdminScreen() {
  const { session, setSession, reload } = useSession();
  // A refused or expired session is forgotten by the workstation: ask again.
  const onSessionLost = useCallback(
    (e: CommandError) => {
      if (e.code === "sync.unauthorized" || e.code === "sync.not_signed_in") reload();
    },
    [reload],
  );
  const signedIn = session.kind === "loaded" && session.value?.role === "admin";
  return (
    <section id="admin-screen" aria-labelledby="admin-heading" data-signed-in={signedIn}>
      <h2 id="admin-heading">Administration</h2>
      <SessionBar role="admin" session={session} onChange={(value) => setSession({ kind: "loaded", value })} />
      {signedIn && (
        <>
          <Users onSessionLost={onSessionLost} />
          <Devices onSessionLost={onSessionLost} />
          <PackKeys onSessionLost={onSessionLost} />
          <Throttles onSessionLost={onSessionLost} />
        </>
      )}
    </section>
  );
}

// ---------------------------------------------------------------- audit

function Verdict({ verdict }: { verdict: AuditVerdictView }) {
  if (verdict.verdict === "failed") {
    return (
      <div role="alert" className="error" id="audit-verdict" data-verdict="failed">
        <strong>Verification failed.</strong> {verdict.reason}
      </div>
    );
  }
  return (
    <div role="status" className="verdict ok" id="audit-verdict" data-verdict="verified">
      <strong>Verified.</strong> Entries {verdict.start} to {verdict.end - 1} of {verdict.origin} are exactly the entries of the signed checkpoint of size{" "}
      {verdict.checkpointSize} (root <code>{verdict.root.slice(0, 16)}…</code>), signed by {verdict.signers.join(", ")}.
      {verdict.consistentWith !== null && ` The log only grew since your previous checkpoint of size ${verdict.consistentWith}.`}
    </div>
  );
}

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function AuditScreen() {
  const { session, setSession } = useSession();
  const [files, setFiles] = useState<Loaded<ExportFileView[]>>({ kind: "loading" });
  const [key, setKey] = useState("");
  const [published, setPublished] = useState<Action<string>>({ kind: "idle" });
  const [start, setStart] = useState("0");
  const [end, setEnd] = useState("");
  const [requestPrevious, setRequestPrevious] = useState("");
  const [saved, setSaved] = useState<Action<{ fileName: string; path: string }>>({ kind: "idle" });
  const [file, setFile] = useState("");
  const [verifyPrevious, setVerifyPrevious] = useState("");
  const [verdict, setVerdict] = useState<Action<AuditVerdictView>>({ kind: "idle" });
  const signedIn = session.kind === "loaded" && session.value?.role === "auditor";

  const loadFiles = useCallback(async () => {
    try {
      const value = await api.auditExports();
      setFiles({ kind: "loaded", value });
      return value;
    } catch (e) {
      setFiles({ kind: "failed", error: e as CommandError });
      return [];
    }
  }, []);
  useEffect(() => {
    void loadFiles();
  }, [loadFiles]);

  async function usePublishedKey() {
    setPublished({ kind: "busy" });
    try {
      const keys = await api.auditKeys();
      if (keys.verifierKeys.length === 0) throw { code: "audit.no_key", message: "The server publishes no verifier key." };
      setKey(keys.verifierKeys[0]);
      setPublished({ kind: "done", value: keys.origin });
    } catch (e) {
      setPublished({ kind: "failed", error: e as CommandError });
    }
  }

  async function requestExport(event: FormEvent) {
    event.preventDefault();
    setSaved({ kind: "busy" });
    try {
      const s = await api.saveAuditExport(Number(start), end.trim() === "" ? null : Number(end), requestPrevious || null);
      setSaved({ kind: "done", value: { fileName: s.fileName, path: s.path } });
      await loadFiles();
      setFile(s.fileName);
      setVerifyPrevious(requestPrevious);
      setVerdict({ kind: "idle" });
    } catch (e) {
      setSaved({ kind: "failed", error: e as CommandError });
    }
  }

  async function verify(event: FormEvent) {
    event.preventDefault();
    setVerdict({ kind: "busy" });
    try {
      setVerdict({ kind: "done", value: await api.verifyAuditExport(file, key.trim(), verifyPrevious || null) });
    } catch (e) {
      setVerdict({ kind: "failed", error: e as CommandError });
    }
  }

  const fileList = files.kind === "loaded" ? files.value : [];
  const options = (exclude: string) =>
    fileList
      .filter((f) => f.fileName !== exclude)
      .map((f) => (
        <option key={f.fileName} value={f.fileName}>
          {f.fileName}
        </option>
      ));

  return (
    <section id="audit-screen" aria-labelledby="audit-heading" data-signed-in={signedIn}>
      <h2 id="audit-heading">Audit</h2>
      <p>
        Export a range of the server's audit log tied to a signed checkpoint, save it, and verify it here without the network. A verified export proves every
        entry in it is in the log exactly as signed; with a previous export it also proves the log only grew since.
      </p>
      <h3>Request an export</h3>
      <SessionBar role="auditor" session={session} onChange={(value) => setSession({ kind: "loaded", value })} />
      {signedIn && (
        <form onSubmit={requestExport} aria-label="Request an audit export" id="export-form" className="filters">
          <label>
            First entry
            <input id="export-start" className="short" inputMode="numeric" pattern="[0-9]+" value={start} onChange={(e) => setStart(e.target.value)} required />
          </label>
          <label>
            End (exclusive)
            <input id="export-end" className="short" inputMode="numeric" pattern="[0-9]*" placeholder="log end" value={end} onChange={(e) => setEnd(e.target.value)} />
          </label>
          <label>
            Prove growth since
            <select id="export-previous" value={requestPrevious} onChange={(e) => setRequestPrevious(e.target.value)}>
              <option value="">No previous export</option>
              {options("")}
            </select>
          </label>
          <button type="submit" id="request-export" disabled={saved.kind === "busy"}>
            {saved.kind === "busy" ? "Exporting..." : "Export and save"}
          </button>
        </form>
      )}
      {saved.kind === "done" && (
        <p role="status" id="export-saved" data-file={saved.value.fileName}>
          Saved to <code>{saved.value.path}</code>
        </p>
      )}
      {saved.kind === "failed" && <ErrorAlert id="export-error" error={saved.error} />}

      <h3>Verify a saved export</h3>
      {files.kind === "failed" && <ErrorAlert id="exports-error" error={files.error} />}
      {files.kind === "loaded" && fileList.length === 0 && <p className="meta">No export has been saved on this computer yet.</p>}
      <form onSubmit={verify} aria-label="Verify an audit export" id="verify-form">
        <label>
          Log verifier key
          <input
            id="verifier-key"
            className="key"
            spellCheck={false}
            placeholder="name+keyid+base64key"
            aria-describedby="verifier-key-help"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            required
          />
        </label>
        <p className="meta" id="verifier-key-help">
          Use the key your organisation gave you outside this app. The server's published key proves only that the server is consistent with itself.
          {signedIn && (
            <>
              {" "}
              <button type="button" className="link" id="use-published-key" onClick={usePublishedKey}>
                Use the key the server publishes
              </button>
            </>
          )}
          {published.kind === "done" && <span id="published-origin"> (log {published.value})</span>}
        </p>
        {published.kind === "failed" && <ErrorAlert id="published-key-error" error={published.error} />}
        <label>
          Export
          <select id="verify-file" value={file} onChange={(e) => setFile(e.target.value)} required>
            <option value="">Choose a saved export</option>
            {fileList.map((f) => (
              <option key={f.fileName} value={f.fileName}>
                {f.fileName} ({formatBytes(f.bytes)})
              </option>
            ))}
          </select>
        </label>
        <label>
          Previous export
          <select id="verify-previous" value={verifyPrevious} onChange={(e) => setVerifyPrevious(e.target.value)}>
            <option value="">None</option>
            {options(file)}
          </select>
        </label>
        <button type="submit" id="verify-export" disabled={verdict.kind === "busy" || file === ""}>
          Verify
        </button>
      </form>
      {verdict.kind === "done" && <Verdict verdict={verdict.value} />}
      {verdict.kind === "failed" && <ErrorAlert id="verify-error" error={verdict.error} />}
    </section>
  );
}
