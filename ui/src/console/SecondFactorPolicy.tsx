// Which roles must sign in with an authenticator app: the administrator's
// choice, saved only when confirmed (a role added is asked for its app at
// its next sign-in; its users' devices keep syncing on their own keys).
import { FormEvent, useState } from "react";
import { api, CommandError, Role } from "../api";
import { ConfirmDialog, Confirmation } from "../shared/ConfirmDialog";
import { ErrorBox } from "../shared/ErrorBox";
import { useCommand } from "../shared/useCommand";
import { ActionResult, useAdminAction } from "./adminParts";
import { ROLE_LABEL, ROLES } from "./session";

export function SecondFactorPolicy({ onSessionLost }: { onSessionLost: (e: CommandError) => void }) {
  const [chosen, setChosen] = useState<Role[] | null>(null);
  const policy = useCommand(api.adminSecondFactorPolicy, [], { onFailed: onSessionLost, onLoaded: (p) => setChosen(p.roles) });
  const [pending, setPending] = useState<Confirmation | null>(null);
  const [action, run] = useAdminAction(onSessionLost, policy.reload);

  function save(event: FormEvent) {
    event.preventDefault();
    if (!chosen) return;
    const roles = ROLES.filter((r) => chosen.includes(r));
    const names = roles.map((r) => ROLE_LABEL[r].toLowerCase() + "s");
    setPending({
      question: roles.length ? `Require an authenticator app of ${names.join(", ")}?` : "Require no authenticator app?",
      consequence: roles.length
        ? "Users of these roles without an app set one up at their next sign-in before they can do anything else; those with one give its code each time."
        : "Everyone signs in with their password alone. Regulations such as 23 NYCRR 500 require a second factor for remote access.",
      confirm: "Save",
      run: () => void run("The sign-in rules are saved.", () => api.adminSetSecondFactorPolicy(roles)),
    });
  }

  return (
    <section aria-labelledby="second-factor-policy-heading" id="admin-second-factor">
      <h3 id="second-factor-policy-heading">Authenticator apps</h3>
      <p className="meta">The roles whose users must give a code from an authenticator app when they sign in.</p>
      {policy.kind === "failed" && <ErrorBox id="second-factor-policy-error" error={policy.error} />}
      {chosen && (
        <form onSubmit={save} aria-label="Roles that need an authenticator app" id="second-factor-policy-form">
          <fieldset>
            <legend>Required of</legend>
            {ROLES.map((r) => (
              <label className="checkbox" key={r}>
                <input
                  type="checkbox"
                  id={`second-factor-${r}`}
                  checked={chosen.includes(r)}
                  onChange={(e) => setChosen(e.target.checked ? [...chosen, r] : chosen.filter((c) => c !== r))}
                />
                {ROLE_LABEL[r]}
              </label>
            ))}
          </fieldset>
          <button type="submit" id="second-factor-policy-save" disabled={action.kind === "busy"}>
            Save
          </button>
        </form>
      )}
      <ActionResult id="second-factor-policy" action={action} />
      <ConfirmDialog id="second-factor-policy-confirm" pending={pending} onClose={() => setPending(null)} />
    </section>
  );
}
