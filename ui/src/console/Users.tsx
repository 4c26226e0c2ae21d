// The administrator's users: add one, change a role, disable or enable.
import { FormEvent, useState } from "react";
import { api, CommandError, Role, UserView } from "../api";
import { ErrorBox } from "../shared/ErrorBox";
import { ActionResult, useAdminAction, useAdminList } from "./adminParts";
import { ROLE_LABEL, ROLES } from "./session";

/** The roles a user can have, as a select's options. */
function RoleOptions() {
  return ROLES.map((r) => (
    <option key={r} value={r}>
      {ROLE_LABEL[r]}
    </option>
  ));
}

export function Users({ onSessionLost }: { onSessionLost: (e: CommandError) => void }) {
  const users = useAdminList(api.adminUsers, onSessionLost);
  const load = users.reload;
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
      {users.kind === "failed" && <ErrorBox id="users-error" error={users.error} />}
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
                    <select value={u.role} disabled={action.kind === "busy"} onChange={(e) => askRole(u, e.target.value as Role)}>
                      <RoleOptions />
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
          <select id="new-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <RoleOptions />
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
