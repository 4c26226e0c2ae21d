// The second step of signing in for users who have an authenticator app,
// and setting one up when the organization requires it of their role: in
// the consoles' sign-in and in a device's enrollment.
import { FormEvent, useState } from "react";
import { api, CommandError, RecoveryCodesView, TotpSetupView } from "../api";
import { ErrorBox } from "./ErrorBox";

type Step<T> = { kind: "idle" } | { kind: "busy" } | { kind: "done"; value: T } | { kind: "failed"; error: CommandError };

/** Whether the server asked for the code of the user's authenticator app. */
export function asksForCode(error: CommandError): boolean {
  return error.serverCode === "auth.second_factor_required" || error.code === "auth.second_factor_required";
}

/** Whether the organization requires an authenticator app of the user's role and they have none yet. */
export function mustSetUp(error: CommandError): boolean {
  return error.serverCode === "auth.second_factor_enrollment_required" || error.code === "auth.second_factor_enrollment_required";
}

/**
 * Setting up an authenticator app, which the organization requires of this
 * role before the session may do anything: the key as a QR code (or typed),
 * a code from the app to confirm it, then the recovery codes, shown once.
 */
/**
 * The field a one-time code is typed into: the browser's one-time-code
 * autofill, a code from the app or (unless `digitsOnly`) a recovery code.
 */
export function CodeField({
  id,
  label,
  value,
  onChange,
  digitsOnly = false,
  autoFocus = false,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (code: string) => void;
  digitsOnly?: boolean;
  autoFocus?: boolean;
}) {
  return (
    <label>
      {label}
      <input
        id={id}
        name="one-time-code"
        autoComplete="one-time-code"
        inputMode={digitsOnly ? "numeric" : undefined}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        required
        autoFocus={autoFocus}
      />
    </label>
  );
}

export function SecondFactorSetup({ onDone }: { onDone: () => void }) {
  const [setup, setSetup] = useState<Step<TotpSetupView>>({ kind: "idle" });
  const [code, setCode] = useState("");
  const [confirmed, setConfirmed] = useState<Step<RecoveryCodesView>>({ kind: "idle" });

  async function start() {
    setSetup({ kind: "busy" });
    try {
      setSetup({ kind: "done", value: await api.beginTotp() });
    } catch (e) {
      setSetup({ kind: "failed", error: e as CommandError });
    }
  }

  async function confirm(event: FormEvent) {
    event.preventDefault();
    setConfirmed({ kind: "busy" });
    try {
      setConfirmed({ kind: "done", value: await api.confirmTotp(code.trim()) });
    } catch (e) {
      setConfirmed({ kind: "failed", error: e as CommandError });
    }
    setCode("");
  }

  if (confirmed.kind === "done") {
    return (
      <section id="second-factor-codes" aria-labelledby="second-factor-codes-title">
        <h3 id="second-factor-codes-title">Your recovery codes</h3>
        <p>
          Your authenticator app is set up. Keep these recovery codes somewhere safe, away from your phone: each one signs you in once if
          you lose the app. They are shown only now.
        </p>
        <ul className="recovery-codes">
          {confirmed.value.codes.map((c) => (
            <li key={c}>
              <code>{c}</code>
            </li>
          ))}
        </ul>
        <button type="button" id="second-factor-done" onClick={onDone}>
          I have saved them
        </button>
      </section>
    );
  }

  return (
    <section id="second-factor-setup" aria-labelledby="second-factor-title">
      <h3 id="second-factor-title">Set up an authenticator app</h3>
      <p>
        Your organization requires a code from an authenticator app (such as Google Authenticator, Microsoft Authenticator or 1Password)
        each time you sign in with this role. Set one up to continue.
      </p>
      {setup.kind !== "done" && (
        <button type="button" id="second-factor-start" onClick={start} disabled={setup.kind === "busy"}>
          {setup.kind === "busy" ? "Preparing..." : "Set up an authenticator app"}
        </button>
      )}
      {setup.kind === "failed" && <ErrorBox id="second-factor-error" error={setup.error} />}
      {setup.kind === "done" && (
        <form onSubmit={confirm} aria-label="Confirm your authenticator app" id="second-factor-form">
          <p>Scan this code with the app, then enter the code it shows.</p>
          {setup.value.qrSvg && (
            <img
              id="second-factor-qr"
              className="qr"
              width={200}
              height={200}
              alt="QR code to scan with your authenticator app"
              src={`data:image/svg+xml;utf8,${encodeURIComponent(setup.value.qrSvg)}`}
            />
          )}
          <p className="meta">
            Cannot scan? Enter this key in the app instead: <code id="second-factor-secret">{setup.value.secret}</code>
          </p>
          <CodeField id="second-factor-code" label="Code from the app" value={code} onChange={setCode} digitsOnly />
          <button type="submit" id="second-factor-confirm" disabled={confirmed.kind === "busy"}>
            {confirmed.kind === "busy" ? "Checking..." : "Confirm"}
          </button>
          {confirmed.kind === "failed" && <ErrorBox id="second-factor-confirm-error" error={confirmed.error} />}
        </form>
      )}
    </section>
  );
}
