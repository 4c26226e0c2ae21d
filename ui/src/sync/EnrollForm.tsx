// Enrolling this device with the organisation's sync server: on the first
// launch and on the Sync screen of a workstation that works offline. With a
// username and password, or through the organization's sign-in service when
// the server offers one.
import { FormEvent, useRef, useState } from "react";
import { api, CommandError, EnrollmentView, EnrollRequest, SignInProviderView } from "../api";
import { CredentialFields, useCredentials } from "../shared/Credentials";
import { ErrorBox } from "../shared/ErrorBox";
import { ProviderButtons, useCancelSignIn, useSignInProviders } from "../shared/ProviderSignIn";
import { asksForCode, CodeField, mustSetUp, SecondFactorSetup } from "../shared/SecondFactor";
import type { Attempt } from "./attempt";

/** Where enrollment stands: the form, setting up an authenticator app, or the app's code. */
type Stage = "form" | "setup" | "code";

export function EnrollForm({ onEnrolled }: { onEnrolled: (view: EnrollmentView) => void }) {
  const credentials = useCredentials();
  const [deviceName, setDeviceName] = useState("");
  const [attempt, setAttempt] = useState<Attempt<EnrollmentView>>({ kind: "idle", seq: 0 });
  // The server enrolls with the password and the app's code together: the
  // request waits here, in memory only, while the user reads the code.
  const pending = useRef<EnrollRequest | null>(null);
  const [stage, setStage] = useState<Stage>("form");
  const [code, setCode] = useState("");
  const { providers, look } = useSignInProviders(credentials.serverUrl);
  /** The sign-in service the person is signing in with in the browser. */
  const [via, setVia] = useState<string | null>(null);
  const signIn = useCancelSignIn();
  const deviceField = useRef<HTMLInputElement>(null);

  function startOver() {
    pending.current = null;
    setStage("form");
    setCode("");
    setAttempt({ kind: "idle", seq: attempt.seq + 1 });
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const seq = attempt.seq + 1;
    // The password is sent once and not kept: the field is empty whatever the answer.
    const request: EnrollRequest =
      stage === "code" && pending.current
        ? { ...pending.current, secondFactor: code.trim() }
        : { ...credentials.take(), deviceName: deviceName.trim() };
    setAttempt({ kind: "busy", seq });
    try {
      const view = await api.enroll(request);
      pending.current = null;
      setStage("form");
      setCode("");
      setAttempt({ kind: "done", seq, value: view });
      onEnrolled(view);
    } catch (e) {
      const error = e as CommandError;
      setCode("");
      if (stage === "form" && asksForCode(error)) {
        pending.current = request;
        setStage("code");
        setAttempt({ kind: "idle", seq });
      } else if (stage === "form" && mustSetUp(error)) {
        // The app is set up through a console session, which ends once it is.
        pending.current = request;
        try {
          await api.signIn(request.serverUrl, request.username, request.password);
          setStage("setup");
          setAttempt({ kind: "idle", seq });
        } catch (signInError) {
          pending.current = null;
          setAttempt({ kind: "failed", seq, error: signInError as CommandError });
        }
      } else {
        setAttempt({ kind: "failed", seq, error });
      }
    }
  }

  /** Enrolls through `provider` in the system browser, with the device name typed; the browser may take minutes. */
  async function enrollWith(provider: SignInProviderView) {
    // The name is needed once the person is back: ask for it before they go.
    if (deviceField.current && !deviceField.current.reportValidity()) return;
    const seq = attempt.seq + 1;
    setVia(provider.id);
    setAttempt({ kind: "busy", seq });
    signIn.begin();
    try {
      const view = await api.enrollWithProvider(credentials.serverUrl.trim(), provider.id, deviceName.trim());
      setVia(null);
      setAttempt({ kind: "done", seq, value: view });
      onEnrolled(view);
    } catch (e) {
      setVia(null);
      setAttempt(signIn.cancelled.current ? { kind: "idle", seq } : { kind: "failed", seq, error: e as CommandError });
    }
  }

  const busy = attempt.kind === "busy";
  if (stage === "setup") {
    return (
      <SecondFactorSetup
        onDone={() => {
          void api.signOut().catch(() => false);
          setStage("code");
        }}
      />
    );
  }
  if (stage === "code") {
    return (
      <>
        <form onSubmit={submit} aria-label="Code from your authenticator app" id="enroll-code-form" data-seq={attempt.seq}>
          <p>
            Enter the code your authenticator app shows for this account now, or one of your recovery codes, to finish enrolling this
            device.
          </p>
          <CodeField id="enroll-code" label="Code" value={code} onChange={setCode} autoFocus />
          <button id="enroll-verify" type="submit" disabled={busy}>
            {busy ? "Enrolling..." : "Enroll"}
          </button>{" "}
          <button type="button" className="secondary" id="enroll-start-over" onClick={startOver}>
            Start over
          </button>
        </form>
        {attempt.kind === "failed" && <ErrorBox id="enroll-error" error={attempt.error} seq={attempt.seq} />}
      </>
    );
  }
  return (
    <>
      <form onSubmit={submit} aria-label="Enroll with a sync server" id="enroll-form" data-seq={attempt.seq}>
        <CredentialFields
          idPrefix="enroll"
          state={credentials}
          serverPlaceholder="http://127.0.0.1:8787"
          serverRequired
          onServerBlur={look}
        />
        <label>
          Device name
          <input
            ref={deviceField}
            id="enroll-device-name"
            name="device-name"
            className="medium"
            placeholder="e.g. agent-laptop"
            value={deviceName}
            onChange={(e) => setDeviceName(e.target.value)}
            required
          />
        </label>
        <button id="enroll" type="submit" disabled={busy}>
          {busy && via === null ? "Enrolling..." : "Enroll"}
        </button>
      </form>
      <ProviderButtons
        idPrefix="enroll"
        providers={providers}
        intro="Or enroll with your organization's account instead of a username and password; the device name above is used."
        disabled={busy}
        waiting={via !== null}
        onCancel={signIn.cancel}
        onChoose={(p) => void enrollWith(p)}
      />
      {attempt.kind === "failed" && <ErrorBox id="enroll-error" error={attempt.error} seq={attempt.seq} />}
    </>
  );
}
