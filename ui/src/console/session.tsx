// The server consoles. Administrators and auditors work online: they sign in
// to the sync server (the token stays in the workstation's memory, never in
// the page or the store) and the server checks their role on every request.
// They sign in with a password, or through the organization's sign-in
// service when the server offers one. The auditor verifies saved exports
// offline, signed in or not.
import { FormEvent, useRef, useState } from "react";
import { api, CommandError, Role, SessionView, SignInProviderView } from "../api";
import { CredentialFields, Credentials, useCredentials } from "../shared/Credentials";
import { ErrorBox } from "../shared/ErrorBox";
import { ProviderButtons, useCancelSignIn, useSignInProviders } from "../shared/ProviderSignIn";
import { asksForCode, CodeField, SecondFactorSetup } from "../shared/SecondFactor";
import { Loaded, useCommand } from "../shared/useCommand";

export const ROLES: Role[] = ["agent", "underwriter", "admin", "auditor"];
export const ROLE_LABEL: Record<Role, string> = { agent: "Agent", underwriter: "Underwriter", admin: "Administrator", auditor: "Auditor" };
/** Each role with its article, for a sentence: "Make jsmith an auditor?". */
export const ROLE_NOUN: Record<Role, string> = {
  agent: "an agent",
  underwriter: "an underwriter",
  admin: "an administrator",
  auditor: "an auditor",
};
/** What each role does, beside the role's choice. */
export const ROLE_DESCRIPTION: Record<Role, string> = {
  agent: "Quotes and binds",
  underwriter: "Referrals and rate changes",
  admin: "Users, devices and keys",
  auditor: "Reads and exports the audit log",
};
/** What a user of each role works in, for what a change of role takes away. */
export const ROLE_SCREENS: Record<Role, string> = {
  agent: "the agent's screens (quotes and binds)",
  underwriter: "the underwriter's desk (referrals and rate changes)",
  admin: "the administrator console (users, devices and keys)",
  auditor: "the audit screen (reading and exporting the audit log)",
};

export type Action<T = string> = { kind: "idle" } | { kind: "busy" } | { kind: "done"; value: T } | { kind: "failed"; error: CommandError };

/** The console session, shared by the screens through the workstation. */
export function useSession() {
  return useCommand(api.sessionStatus, []);
}

function SignIn({ role, onSignedIn }: { role: Role; onSignedIn: (s: SessionView) => void }) {
  const credentials = useCredentials();
  const [attempt, setAttempt] = useState<Action<SessionView>>({ kind: "idle" });
  // The server signs in with the password and the code together: the
  // credentials wait here, in memory only, while the user reads the code.
  const pending = useRef<Credentials | null>(null);
  const [code, setCode] = useState("");
  const [needsCode, setNeedsCode] = useState(false);
  const prefix = `sign-in-${role}`;
  // The services of the server typed; an empty address (the enrolled server) offers none here.
  const { providers, look } = useSignInProviders(credentials.serverUrl, { enrolledWhenEmpty: true });
  /** The sign-in service the person is signing in with in the browser. */
  const [via, setVia] = useState<string | null>(null);
  const signIn = useCancelSignIn();

  function startOver() {
    pending.current = null;
    setNeedsCode(false);
    setCode("");
    setAttempt({ kind: "idle" });
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const taken = needsCode && pending.current ? pending.current : credentials.take();
    const given = needsCode ? code.trim() : null;
    setAttempt({ kind: "busy" });
    try {
      const s = await api.signIn(taken.serverUrl, taken.username, taken.password, given);
      pending.current = null;
      setNeedsCode(false);
      setCode("");
      setAttempt({ kind: "done", value: s });
      onSignedIn(s);
    } catch (e) {
      const error = e as CommandError;
      if (!needsCode && asksForCode(error)) {
        pending.current = taken;
        setNeedsCode(true);
        setAttempt({ kind: "idle" });
        return;
      }
      setCode("");
      setAttempt({ kind: "failed", error });
    }
  }

  /** Signs in through `provider` in the system browser; the browser may take minutes. */
  async function signInWith(provider: SignInProviderView) {
    setVia(provider.id);
    setAttempt({ kind: "busy" });
    signIn.begin();
    try {
      const s = await api.signInWithProvider(credentials.serverUrl.trim(), provider.id);
      setVia(null);
      setAttempt({ kind: "done", value: s });
      onSignedIn(s);
    } catch (e) {
      setVia(null);
      setAttempt(signIn.cancelled.current ? { kind: "idle" } : { kind: "failed", error: e as CommandError });
    }
  }

  if (needsCode) {
    return (
      <>
        <form onSubmit={submit} aria-label="Code from your authenticator app" id={`${prefix}-code-form`}>
          <p>Enter the code your authenticator app shows for this account, or one of your recovery codes.</p>
          <CodeField id={`${prefix}-code`} label="Code" value={code} onChange={setCode} autoFocus />
          <button type="submit" id={`${prefix}-verify`} disabled={attempt.kind === "busy"}>
            {attempt.kind === "busy" ? "Checking..." : "Verify"}
          </button>{" "}
          <button type="button" className="secondary" id={`${prefix}-start-over`} onClick={startOver}>
            Start over
          </button>
        </form>
        {attempt.kind === "failed" && <ErrorBox id={`${prefix}-error`} error={attempt.error} />}
      </>
    );
  }

  return (
    <>
      <form onSubmit={submit} aria-label={`Sign in as ${ROLE_LABEL[role].toLowerCase()}`} id={`${prefix}-form`}>
        <CredentialFields idPrefix={prefix} state={credentials} serverPlaceholder="The enrolled server if left empty" onServerBlur={look} />
        <button type="submit" id={`${prefix}`} disabled={attempt.kind === "busy"}>
          {attempt.kind === "busy" && via === null ? "Signing in..." : "Sign in"}
        </button>
      </form>
      <ProviderButtons
        idPrefix={prefix}
        providers={providers}
        intro="Or sign in with your organization's account instead of a username and password."
        disabled={attempt.kind === "busy"}
        waiting={via !== null}
        onCancel={signIn.cancel}
        onChoose={(p) => void signInWith(p)}
      />
      {attempt.kind === "failed" && <ErrorBox id={`${prefix}-error`} error={attempt.error} />}
    </>
  );
}

/** Who is signed in, with a way out; or the sign-in form when the role does not match. */
export function SessionBar({
  role,
  session,
  onChange,
}: {
  role: Role;
  session: Loaded<SessionView | null>;
  onChange: (s: SessionView | null) => void;
}) {
  if (session.kind === "loading") return <p>Loading...</p>;
  if (session.kind === "failed") return <ErrorBox id="session-error" error={session.error} />;
  const s = session.value;
  async function signOut() {
    await api.signOut().catch(() => false);
    onChange(null);
  }
  if (s && s.role === role) {
    const bar = (
      <p className="session" id="console-session" data-role={s.role}>
        Signed in to {s.serverUrl} as <strong>{s.username}</strong> ({ROLE_LABEL[s.role]}).{" "}
        <button type="button" className="secondary" id="sign-out" onClick={signOut}>
          Sign out
        </button>
      </p>
    );
    if (s.mustEnrollSecondFactor) {
      return (
        <>
          {bar}
          <SecondFactorSetup onDone={() => onChange({ ...s, mustEnrollSecondFactor: false })} />
        </>
      );
    }
    return bar;
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
