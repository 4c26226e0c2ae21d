// The administrator's users: add one, change a role, reset a password,
// disable or enable, set the agency an agent writes for. Every change that
// takes something away goes through a confirmation that names what the
// user loses; a role is chosen first and saved after.
import { FormEvent, useState } from "react";
import { Dialog, Heading, Modal, ModalOverlay } from "react-aria-components";
import { api, CommandError, Role, UserView } from "../api";
import { ConfirmDialog, Confirmation } from "../shared/ConfirmDialog";
import { ErrorBox } from "../shared/ErrorBox";
import { formatInstant } from "../shared/language";
import { ActionResult, useAdminAction, useAdminList } from "./adminParts";
import { ROLE_DESCRIPTION, ROLE_LABEL, ROLE_NOUN, ROLE_SCREENS, ROLES } from "./session";

/** The shortest temporary password the server accepts. */
const MIN_PASSWORD = 12;

/** The roles a user can have, as a select's options. */
function RoleOptions() {
  return ROLES.map((r) => (
    <option key={r} value={r}>
      {ROLE_LABEL[r]}
    </option>
  ));
}

/** A temporary password easy to read out: four groups of four letters and digits, none that look alike. */
export function temporaryPassword(): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const chars = Array.from(bytes, (b) => alphabet[b % alphabet.length]);
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join("")).join("-");
}

/** The longest agency name the server accepts. */
const MAX_AGENCY = 200;

/** How long ago an instant was, roughly: "just now", "5 minutes ago", "3 days ago"; "" for one still to come. */
export function timeAgo(iso: string, now: Date = new Date()): string {
  const ms = now.getTime() - new Date(iso).getTime();
  if (Number.isNaN(ms) || ms < 0) return "";
  const count = (n: number, unit: string) => `${n} ${unit}${n === 1 ? "" : "s"} ago`;
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return count(minutes, "minute");
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return count(hours, "hour");
  const days = Math.floor(hours / 24);
  if (days < 60) return count(days, "day");
  const months = Math.floor(days / 30);
  return months < 24 ? count(months, "month") : count(Math.floor(days / 365), "year");
}

/** When a user last signed in with their password, in words. */
function LastSignIn({ at }: { at: string | null }) {
  if (at === null) return <>Never</>;
  const ago = timeAgo(at);
  return (
    <>
      <time dateTime={at} title={new Date(at).toLocaleString()}>
        {formatInstant(at)}
      </time>
      {ago && <span className="meta"> ({ago})</span>}
    </>
  );
}

/** A change asked about; `resetFor` marks a password reset, whose field the dialog shows. */
type Pending = Confirmation & { resetFor?: UserView };

export function Users({
  me,
  onSessionLost,
  onSelfChanged,
}: {
  /** The signed-in administrator's username: a change to their own account signs them out. */
  me: string | null;
  onSessionLost: (e: CommandError) => void;
  /** Called with what happened after a change to the administrator's own account. */
  onSelfChanged: (message: string) => void;
}) {
  const users = useAdminList(api.adminUsers, onSessionLost);
  const load = users.reload;
  const [action, act] = useAdminAction(onSessionLost, load);
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("agent");
  const [agency, setAgency] = useState("");
  /** The user whose agency is being set, and the agency as typed. */
  const [agencyFor, setAgencyFor] = useState<{ user: UserView; value: string } | null>(null);
  /** Each user's chosen role, not yet saved. */
  const [drafts, setDrafts] = useState<Record<string, Role>>({});
  const [pending, setPending] = useState<Pending | null>(null);
  const [temporary, setTemporary] = useState("");
  const busy = action.kind === "busy";

  /** Makes a change; one to the administrator's own account ends their session. */
  async function change(u: UserView, done: string, f: () => Promise<unknown>) {
    const made = await act(done, f);
    if (made && u.username === me) onSelfChanged(done);
    return made;
  }

  function askRole(u: UserView) {
    const next = drafts[u.username];
    if (next === undefined || next === u.role) return;
    const self = u.username === me;
    const run = () =>
      void change(u, self ? `Your role is now ${ROLE_LABEL[next].toLowerCase()}.` : `${u.username} is now ${ROLE_NOUN[next]}.`, () =>
        api.adminChangeUser(u.username, { role: next }),
      ).then(() =>
        // Made or refused, the select shows the role the server has.
        setDrafts((d) => {
          const rest = { ...d };
          delete rest[u.username];
          return rest;
        }),
      );
    setPending(
      self
        ? {
            question: `Change your own role to ${ROLE_LABEL[next].toLowerCase()}?`,
            consequence: `You will lose ${ROLE_SCREENS[u.role]} and be signed out here. Only another administrator can give it back.`,
            confirm: "Change my role",
            run,
          }
        : {
            question: `Make ${u.username} ${ROLE_NOUN[next]}?`,
            consequence: `They will lose ${ROLE_SCREENS[u.role]} and get ${ROLE_SCREENS[next]}. They are signed out everywhere, and every device they enrolled must sign in again on its next sync.`,
            confirm: `Make ${u.username} ${ROLE_NOUN[next]}`,
            run,
          },
    );
  }

  function askDisable(u: UserView) {
    const self = u.username === me;
    if (u.disabled) {
      setPending({
        question: `Enable ${u.username}?`,
        consequence: "They can sign in again with their password, and their devices sync again on their next sync.",
        confirm: `Enable ${u.username}`,
        run: () => void change(u, `${u.username} is enabled.`, () => api.adminChangeUser(u.username, { disabled: false })),
      });
      return;
    }
    setPending({
      question: self ? "Disable your own account?" : `Disable ${u.username}?`,
      consequence: self
        ? "You will be signed out here and cannot sign in again until another administrator enables you."
        : "They are signed out everywhere and cannot sign in or sync until an administrator enables them. Their devices stay enrolled.",
      confirm: self ? "Disable my account" : `Disable ${u.username}`,
      run: () => void change(u, `${u.username} is disabled.`, () => api.adminChangeUser(u.username, { disabled: true })),
    });
  }

  function askReset(u: UserView) {
    const self = u.username === me;
    setTemporary(temporaryPassword());
    setPending({
      question: self ? "Reset your own password?" : `Reset ${u.username}'s password?`,
      consequence: self
        ? "You will be signed out here and sign in again with the new password; every device you enrolled must sign in again on its next sync."
        : "They are signed out everywhere and sign in with the temporary password below; every device they enrolled must sign in again on its next sync. Give them the password in person or by phone.",
      confirm: "Reset password",
      resetFor: u,
      // The password is read when confirmed, from the field as it is then (confirmReset).
      run: () => undefined,
    });
  }

  function askResetApp(u: UserView) {
    const self = u.username === me;
    setPending({
      question: self ? "Reset your own authenticator app?" : `Reset ${u.username}'s authenticator app?`,
      consequence: self
        ? "Your app and recovery codes stop working and you are signed out here; you set up an app again when you next sign in."
        : "Their app and recovery codes stop working and they are signed out everywhere; they set up an app again when they next sign in. Do this when they lost their phone, after checking it is really them asking.",
      confirm: "Reset authenticator app",
      run: () =>
        void change(u, `${u.username}'s authenticator app is reset; they set up a new one when they next sign in.`, () =>
          api.adminResetSecondFactor(u.username),
        ),
    });
  }

  function confirmReset(u: UserView) {
    const secret = temporary;
    setTemporary("");
    void change(u, `${u.username}'s password is reset; they sign in with the temporary password you gave them.`, () =>
      api.adminChangeUser(u.username, { password: secret }),
    );
  }

  function add(event: FormEvent) {
    event.preventDefault();
    const [name, secret, writesFor] = [username.trim(), password, agency.trim()];
    setPassword("");
    const done = writesFor ? `Added ${name} as ${ROLE_NOUN[role]}, writing for ${writesFor}.` : `Added ${name} as ${ROLE_NOUN[role]}.`;
    void act(done, async () => {
      await api.adminAddUser(name, secret, role, writesFor || null);
      setUsername("");
      setAgency("");
    });
  }

  function saveAgency(event: FormEvent) {
    event.preventDefault();
    if (!agencyFor) return;
    const { user: u, value } = agencyFor;
    const next = value.trim();
    setAgencyFor(null);
    // The agency changes what documents print, not what the user may do: no session ends.
    void act(next ? `${u.username}'s agency is now ${next}.` : `${u.username} no longer has an agency.`, () =>
      api.adminChangeUser(u.username, { agency: next }),
    );
  }

  const resetFor = pending?.resetFor ?? null;
  return (
    <section aria-labelledby="users-heading" id="admin-users">
      <h3 id="users-heading">Users</h3>
      {users.kind === "failed" && <ErrorBox id="users-error" error={users.error} />}
      {users.kind === "loaded" && (
        <table id="users-table" className="admin-table" data-count={users.value.length}>
          <colgroup>
            <col className="col-user" />
            <col className="col-role" />
            <col className="col-agency" />
            <col className="col-when" />
            <col className="col-status" />
            <col className="col-actions" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Username</th>
              <th scope="col">Role</th>
              <th scope="col">Agency</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.value.map((u) => {
              const draft = drafts[u.username] ?? u.role;
              return (
                <tr key={u.userId} data-username={u.username} data-role={u.role} data-disabled={u.disabled} data-agency={u.agency ?? ""}>
                  <td>
                    {u.username}
                    {u.username === me && <span className="meta"> (you)</span>}
                  </td>
                  <td>
                    <div className="role-choice">
                      <label className="inline">
                        <span className="visually-hidden">Role of {u.username}</span>
                        <select
                          value={draft}
                          disabled={busy}
                          aria-describedby={`role-help-${u.userId}`}
                          onChange={(e) => setDrafts((d) => ({ ...d, [u.username]: e.target.value as Role }))}
                        >
                          <RoleOptions />
                        </select>
                      </label>
                      <button
                        type="button"
                        className="secondary"
                        aria-label={`Save role of ${u.username}`}
                        disabled={busy || draft === u.role}
                        onClick={() => askRole(u)}
                      >
                        Save role…
                      </button>
                    </div>
                    <span className="meta role-help" id={`role-help-${u.userId}`}>
                      {ROLE_DESCRIPTION[draft]}
                    </span>
                  </td>
                  <td className="agency-cell">
                    <span className="user-agency">{u.agency ?? "—"}</span>
                    <button
                      type="button"
                      className="secondary"
                      disabled={busy}
                      aria-label={`Set agency of ${u.username}`}
                      onClick={() => setAgencyFor({ user: u, value: u.agency ?? "" })}
                    >
                      Set agency…
                    </button>
                  </td>
                  <td className="last-sign-in">
                    <LastSignIn at={u.lastSignInAt ?? null} />
                  </td>
                  <td className="status-cell">
                    {u.disabled ? "Disabled" : "Active"}
                    {u.secondFactor && (
                      <span className="meta second-factor-state" title="An authenticator app is set up for signing in">
                        App set up
                      </span>
                    )}
                    {u.secondFactor && (
                      <button
                        type="button"
                        className="secondary"
                        disabled={busy}
                        aria-label={`Reset authenticator app of ${u.username}`}
                        onClick={() => askResetApp(u)}
                      >
                        Reset app…
                      </button>
                    )}
                  </td>
                  <td className="row-actions">
                    {u.signInService ? (
                      <span className="meta" data-testid="sign-in-service">
                        Signs in with {u.signInService}
                      </span>
                    ) : (
                      <button
                        type="button"
                        className="secondary"
                        disabled={busy}
                        aria-label={`Reset password of ${u.username}`}
                        onClick={() => askReset(u)}
                      >
                        Reset password…
                      </button>
                    )}
                    <button
                      type="button"
                      className="secondary"
                      disabled={busy}
                      aria-label={`${u.disabled ? "Enable" : "Disable"} ${u.username}`}
                      onClick={() => askDisable(u)}
                    >
                      {u.disabled ? "Enable…" : "Disable…"}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <ConfirmDialog
        id="user-confirm"
        pending={pending && resetFor ? { ...pending, run: () => confirmReset(resetFor) } : pending}
        onClose={() => setPending(null)}
        confirmDisabled={resetFor !== null && temporary.length < MIN_PASSWORD}
      >
        {resetFor && (
          <div className="reset-password">
            <label>
              Temporary password
              <input
                id="reset-password"
                spellCheck={false}
                autoComplete="off"
                aria-describedby="reset-password-help"
                value={temporary}
                onChange={(e) => setTemporary(e.target.value)}
                autoFocus
              />
            </label>
            <button type="button" className="secondary" id="reset-password-generate" onClick={() => setTemporary(temporaryPassword())}>
              Generate another
            </button>
            <p className="meta" id="reset-password-help">
              At least {MIN_PASSWORD} characters. It is not shown again once you reset.
            </p>
          </div>
        )}
      </ConfirmDialog>
      <ModalOverlay
        className="modal-overlay"
        isDismissable
        isOpen={agencyFor !== null}
        onOpenChange={(open) => !open && setAgencyFor(null)}
      >
        <Modal className="modal confirm-dialog">
          <Dialog className="dialog" id="agency-dialog" aria-describedby="agency-help">
            {agencyFor && (
              <form onSubmit={saveAgency}>
                <Heading slot="title" level={3}>
                  Agency of {agencyFor.user.username}
                </Heading>
                <label>
                  Agency
                  <input
                    id="agency-input"
                    className="wide"
                    maxLength={MAX_AGENCY}
                    autoComplete="off"
                    aria-describedby="agency-help"
                    value={agencyFor.value}
                    onChange={(e) => setAgencyFor({ ...agencyFor, value: e.target.value })}
                    autoFocus
                  />
                </label>
                <p className="meta" id="agency-help">
                  The agency an agent writes for; printed on their quotes and policies. Leave it empty to remove it.
                </p>
                <div className="confirm-buttons">
                  <button type="submit" id="agency-confirm">
                    Save agency
                  </button>
                  <button type="button" className="secondary" id="agency-cancel" onClick={() => setAgencyFor(null)}>
                    Cancel
                  </button>
                </div>
              </form>
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
      <form onSubmit={add} aria-label="Add a user" id="add-user-form" className="filters">
        <label>
          New username
          <input id="new-username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <label>
          Initial password
          <input
            id="new-password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <label>
          Role
          <select id="new-role" value={role} aria-describedby="new-role-help" onChange={(e) => setRole(e.target.value as Role)}>
            <RoleOptions />
          </select>
        </label>
        <span className="meta role-help" id="new-role-help">
          {ROLE_DESCRIPTION[role]}
        </span>
        <label>
          Agency (optional)
          <input
            id="new-agency"
            className="medium"
            maxLength={MAX_AGENCY}
            autoComplete="off"
            aria-describedby="new-agency-help"
            value={agency}
            onChange={(e) => setAgency(e.target.value)}
          />
        </label>
        <span className="meta role-help" id="new-agency-help">
          The agency an agent writes for; printed on their quotes and policies
        </span>
        <button type="submit" id="add-user" disabled={busy}>
          Add user
        </button>
      </form>
      <ActionResult id="users" action={action} />
    </section>
  );
}
