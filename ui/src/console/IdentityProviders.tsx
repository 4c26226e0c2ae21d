// The organization's sign-in services (OpenID Connect providers) the server
// trusts: people sign in with their organization's account, their role from
// the groups the service gives them. The administrator adds, changes and
// removes them, and can ask the services now whether their people still may
// sign in (the server asks every five minutes anyway).
import { FormEvent, useState } from "react";
import { api, CommandError, IdentityProviderInput, IdentityProviderView, ProviderCheckView, Role } from "../api";
import { ErrorBox } from "../shared/ErrorBox";
import { ActionResult, useAdminAction, useAdminList, useConfirmation } from "./adminParts";
import { ROLE_LABEL, ROLES } from "./session";

/** A role rule as edited, with the key its row keeps while rows come and go. */
interface RuleRow {
  key: number;
  value: string;
  role: Role;
}

/** The form as typed: a new service (`editing` null) or the changes to one. */
interface Draft {
  editing: IdentityProviderView | null;
  id: string;
  displayName: string;
  issuer: string;
  clientId: string;
  /** A new client secret; empty keeps the one kept. */
  clientSecret: string;
  removeSecret: boolean;
  usernameClaim: string;
  rolesClaim: string;
  rules: RuleRow[];
  createUsers: boolean;
  agency: string;
  /** Separated by spaces. */
  scopes: string;
  caCertificate: string;
}

const NEW_DRAFT: Draft = {
  editing: null,
  id: "",
  displayName: "",
  issuer: "",
  clientId: "",
  clientSecret: "",
  removeSecret: false,
  usernameClaim: "email",
  rolesClaim: "groups",
  rules: [],
  createUsers: false,
  agency: "",
  scopes: "",
  caCertificate: "",
};

function draftOf(p: IdentityProviderView): Draft {
  return {
    editing: p,
    id: p.id,
    displayName: p.displayName,
    issuer: p.issuer,
    clientId: p.clientId,
    clientSecret: "",
    removeSecret: false,
    usernameClaim: p.usernameClaim,
    rolesClaim: p.rolesClaim,
    rules: p.roleRules.map((r, i) => ({ key: i + 1, value: r.value, role: r.role })),
    createUsers: p.createUsers,
    agency: p.agency ?? "",
    scopes: p.extraScopes.join(" "),
    caCertificate: p.caCertificate ?? "",
  };
}

/** What the server saves: a client secret only when one is typed (none keeps the one kept). */
function providerInput(d: Draft): IdentityProviderInput {
  const secret = d.removeSecret ? "" : d.clientSecret.trim();
  return {
    displayName: d.displayName.trim(),
    issuer: d.issuer.trim(),
    clientId: d.clientId.trim(),
    ...(secret ? { clientSecret: secret } : {}),
    removeClientSecret: d.removeSecret,
    usernameClaim: d.usernameClaim.trim(),
    rolesClaim: d.rolesClaim.trim(),
    roleRules: d.rules.map((r) => ({ value: r.value.trim(), role: r.role })),
    createUsers: d.createUsers,
    agency: d.agency.trim() || null,
    extraScopes: d.scopes.split(/\s+/).filter((s) => s !== ""),
    caCertificate: d.caCertificate.trim() || null,
  };
}

/** What a check found, in one or more sentences: "3 people can still sign in. Access ended for: ann@x." */
export function checkSentence(r: ProviderCheckView): string {
  const parts: string[] = [];
  if (r.stillActive > 0) parts.push(`${r.stillActive} ${r.stillActive === 1 ? "person" : "people"} can still sign in.`);
  if (r.ended.length > 0) parts.push(`Access ended for: ${r.ended.join(", ")}.`);
  if (r.unreachable > 0) parts.push(`${r.unreachable} could not be checked; they will be checked again.`);
  return parts.length > 0 ? parts.join(" ") : "No one has signed in with these services yet.";
}

export function IdentityProviders({ onSessionLost }: { onSessionLost: (e: CommandError) => void }) {
  const providers = useAdminList(api.adminIdentityProviders, onSessionLost);
  const [action, run] = useAdminAction(onSessionLost, providers.reload);
  const { ask, dialog } = useConfirmation("provider-confirm");
  const [draft, setDraft] = useState<Draft | null>(null);
  const [check, setCheck] = useState<
    { kind: "idle" | "busy" } | { kind: "done"; value: ProviderCheckView } | { kind: "failed"; error: CommandError }
  >({ kind: "idle" });
  const busy = action.kind === "busy";

  const edit = (change: Partial<Draft>) => setDraft((d) => (d ? { ...d, ...change } : d));
  const editRule = (key: number, change: Partial<RuleRow>) =>
    setDraft((d) => (d ? { ...d, rules: d.rules.map((r) => (r.key === key ? { ...r, ...change } : r)) } : d));
  const addRule = () =>
    setDraft((d) =>
      d ? { ...d, rules: [...d.rules, { key: Math.max(0, ...d.rules.map((r) => r.key)) + 1, value: "", role: "agent" }] } : d,
    );
  const removeRule = (key: number) => setDraft((d) => (d ? { ...d, rules: d.rules.filter((r) => r.key !== key) } : d));

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!draft) return;
    const id = draft.editing ? draft.editing.id : draft.id.trim();
    const input = providerInput(draft);
    const done = draft.editing
      ? `${input.displayName} is saved.`
      : `${input.displayName} is added: people can now choose it when they sign in.`;
    // The form and its secret stay while the server refuses, so the administrator can correct it.
    if (await run(done, () => api.adminSetIdentityProvider(id, input))) setDraft(null);
  }

  const remove = (p: IdentityProviderView) =>
    ask({
      question: `Remove ${p.displayName}?`,
      consequence: "People who sign in with it can no longer sign in.",
      confirm: `Remove ${p.displayName}`,
      run: () =>
        void run(`${p.displayName} is removed.`, async () => {
          await api.adminRemoveIdentityProvider(p.id);
          setDraft((d) => (d?.editing?.id === p.id ? null : d));
        }),
    });

  async function checkNow() {
    setCheck({ kind: "busy" });
    try {
      setCheck({ kind: "done", value: await api.adminCheckIdentityProviders() });
    } catch (e) {
      setCheck({ kind: "failed", error: e as CommandError });
      onSessionLost(e as CommandError);
    }
  }

  const list = providers.kind === "loaded" ? providers.value : [];
  const needsRule = draft !== null && draft.createUsers && draft.rules.length === 0;
  const keptSecret = draft?.editing?.hasClientSecret ?? false;
  return (
    <section aria-labelledby="identity-providers-heading" id="admin-identity-providers">
      <h3 id="identity-providers-heading">Organization sign-in</h3>
      <p className="meta">
        People sign in with your organization's account. The server asks the service every five minutes whether they still may; when it says
        no, their sessions and devices stop working.
      </p>
      {providers.kind === "failed" && <ErrorBox id="identity-providers-error" error={providers.error} />}
      {providers.kind === "loaded" && list.length === 0 && (
        <p className="meta" id="no-identity-providers">
          No sign-in service is set up: people sign in with their username and password.
        </p>
      )}
      {list.length > 0 && (
        <table id="identity-providers-table" data-count={list.length}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Issuer</th>
              <th scope="col">Client</th>
              <th scope="col">Accounts</th>
              <th scope="col">Role rules</th>
              <th scope="col">Creates users</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((p) => (
              <tr key={p.id} data-provider-id={p.id}>
                <td>
                  {p.displayName}
                  <span className="meta provider-id"> ({p.id})</span>
                </td>
                <td>{p.issuer}</td>
                <td>
                  {p.clientId}
                  {p.hasClientSecret && <span className="meta"> (secret kept)</span>}
                </td>
                <td>Username from {p.usernameClaim}</td>
                <td>
                  {p.roleRules.length === 0 ? (
                    <span className="meta">None: people keep their account's role</span>
                  ) : (
                    <ul className="role-rules">
                      {p.roleRules.map((r) => (
                        <li key={`${r.value}/${r.role}`}>
                          {r.value} → {ROLE_LABEL[r.role]}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td>
                  {p.createUsers ? "Yes" : "No"}
                  {p.createUsers && p.agency && <span className="meta"> (agents of {p.agency})</span>}
                </td>
                <td className="row-actions">
                  <button
                    type="button"
                    className="secondary"
                    disabled={busy}
                    aria-label={`Edit ${p.displayName}`}
                    onClick={() => setDraft(draftOf(p))}
                  >
                    Edit
                  </button>
                  <button
                    type="button"
                    className="secondary"
                    disabled={busy}
                    aria-label={`Remove ${p.displayName}`}
                    onClick={() => remove(p)}
                  >
                    Remove…
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {draft === null && (
        <p>
          <button type="button" id="provider-add" disabled={busy} onClick={() => setDraft(NEW_DRAFT)}>
            Add a sign-in service
          </button>{" "}
          {list.length > 0 && (
            <button
              type="button"
              className="secondary"
              id="provider-check"
              disabled={check.kind === "busy"}
              onClick={() => void checkNow()}
            >
              {check.kind === "busy" ? "Checking..." : "Check now"}
            </button>
          )}
        </p>
      )}
      {draft !== null && (
        <form
          onSubmit={save}
          aria-label={draft.editing ? `Change ${draft.editing.displayName}` : "Add a sign-in service"}
          id="provider-form"
          className="provider-form"
        >
          {!draft.editing && (
            <div className="field">
              <label>
                ID
                <input
                  id="provider-id"
                  className="medium"
                  pattern="[a-z0-9\-]{1,40}"
                  maxLength={40}
                  autoComplete="off"
                  spellCheck={false}
                  aria-describedby="provider-id-help"
                  value={draft.id}
                  onChange={(e) => edit({ id: e.target.value })}
                  required
                  autoFocus
                />
              </label>
              <span className="meta" id="provider-id-help">
                Lower-case letters, digits and dashes, such as contoso; it cannot be changed later
              </span>
            </div>
          )}
          <label>
            Name shown on the sign-in button
            <input
              id="provider-name"
              className="medium"
              maxLength={80}
              autoComplete="off"
              placeholder="e.g. Contoso"
              value={draft.displayName}
              onChange={(e) => edit({ displayName: e.target.value })}
              required
              autoFocus={draft.editing !== null}
            />
          </label>
          <label>
            Issuer
            <input
              id="provider-issuer"
              className="wide"
              inputMode="url"
              pattern="https://\S+"
              autoComplete="off"
              spellCheck={false}
              placeholder="https://login.example.com"
              value={draft.issuer}
              onChange={(e) => edit({ issuer: e.target.value })}
              required
            />
          </label>
          <label>
            Client ID
            <input
              id="provider-client-id"
              className="medium"
              autoComplete="off"
              spellCheck={false}
              value={draft.clientId}
              onChange={(e) => edit({ clientId: e.target.value })}
              required
            />
          </label>
          <label>
            Client secret
            <input
              id="provider-client-secret"
              className="medium"
              type="password"
              autoComplete="new-password"
              placeholder={keptSecret ? "Kept; type to replace" : "If the service gave one"}
              disabled={draft.removeSecret}
              value={draft.clientSecret}
              onChange={(e) => edit({ clientSecret: e.target.value })}
            />
          </label>
          {keptSecret && (
            <label className="checkbox">
              <input
                type="checkbox"
                id="provider-remove-secret"
                checked={draft.removeSecret}
                onChange={(e) => edit({ removeSecret: e.target.checked, clientSecret: "" })}
              />
              Remove the kept secret
            </label>
          )}
          <label>
            Username claim
            <input
              id="provider-username-claim"
              className="short"
              autoComplete="off"
              spellCheck={false}
              value={draft.usernameClaim}
              onChange={(e) => edit({ usernameClaim: e.target.value })}
              required
            />
          </label>
          <label>
            Groups claim
            <input
              id="provider-roles-claim"
              className="short"
              autoComplete="off"
              spellCheck={false}
              value={draft.rolesClaim}
              onChange={(e) => edit({ rolesClaim: e.target.value })}
              required
            />
          </label>
          <fieldset className="role-rules" aria-describedby="provider-rules-help">
            <legend>Role rules</legend>
            <p className="meta" id="provider-rules-help">
              The first rule whose group the person has gives their role, at every sign-in. With rules, someone who matches none cannot sign
              in; without any, people keep their account's role.
            </p>
            {draft.rules.map((r, i) => (
              <div className="role-rule" key={r.key} data-rule={i + 1}>
                <label>
                  <span>
                    Group<span className="visually-hidden"> of rule {i + 1}</span>
                  </span>
                  <input
                    id={`provider-rule-value-${r.key}`}
                    className="medium"
                    autoComplete="off"
                    spellCheck={false}
                    placeholder="e.g. uw-agents"
                    value={r.value}
                    onChange={(e) => editRule(r.key, { value: e.target.value })}
                    required
                  />
                </label>
                <label>
                  <span>
                    Role<span className="visually-hidden"> of rule {i + 1}</span>
                  </span>
                  <select
                    id={`provider-rule-role-${r.key}`}
                    value={r.role}
                    onChange={(e) => editRule(r.key, { role: e.target.value as Role })}
                  >
                    {ROLES.map((role) => (
                      <option key={role} value={role}>
                        {ROLE_LABEL[role]}
                      </option>
                    ))}
                  </select>
                </label>
                <button type="button" className="secondary" aria-label={`Remove rule ${i + 1}`} onClick={() => removeRule(r.key)}>
                  Remove
                </button>
              </div>
            ))}
            <button type="button" className="secondary" id="provider-add-rule" onClick={addRule}>
              Add a rule
            </button>
          </fieldset>
          <label className="checkbox">
            <input
              type="checkbox"
              id="provider-create-users"
              checked={draft.createUsers}
              onChange={(e) => edit({ createUsers: e.target.checked })}
            />
            Create users at their first sign-in
          </label>
          <label>
            Agency for new agents (optional)
            <input
              id="provider-agency"
              className="medium"
              maxLength={200}
              autoComplete="off"
              value={draft.agency}
              onChange={(e) => edit({ agency: e.target.value })}
            />
          </label>
          <div className="field">
            <label>
              Extra scopes (optional)
              <input
                id="provider-scopes"
                className="medium"
                autoComplete="off"
                spellCheck={false}
                aria-describedby="provider-scopes-help"
                placeholder="e.g. groups"
                value={draft.scopes}
                onChange={(e) => edit({ scopes: e.target.value })}
              />
            </label>
            <span className="meta" id="provider-scopes-help">
              Separated by spaces
            </span>
          </div>
          <div className="field provider-ca">
            <label>
              CA certificate (optional)
              <textarea
                id="provider-ca"
                rows={4}
                spellCheck={false}
                aria-describedby="provider-ca-help"
                placeholder="-----BEGIN CERTIFICATE-----"
                value={draft.caCertificate}
                onChange={(e) => edit({ caCertificate: e.target.value })}
              />
            </label>
            <span className="meta" id="provider-ca-help">
              Only when the service's certificate is not trusted by the computer the server runs on
            </span>
          </div>
          {needsRule && (
            <p className="warning" id="provider-needs-rule">
              New users take their role from a rule: add one, or clear "Create users at their first sign-in".
            </p>
          )}
          <div className="confirm-buttons">
            <button type="submit" id="provider-save" disabled={busy || needsRule}>
              {busy ? "Saving..." : "Save"}
            </button>
            <button type="button" className="secondary" id="provider-cancel" onClick={() => setDraft(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      <ActionResult id="identity-providers" action={action} />
      {check.kind === "done" && (
        <p role="status" id="provider-check-result">
          {checkSentence(check.value)}
        </p>
      )}
      {check.kind === "failed" && <ErrorBox id="provider-check-error" error={check.error} />}
      {dialog}
    </section>
  );
}
