// Enrolling this device with the organisation's sync server: on the first
// launch and on the Sync screen of a workstation that works offline.
import { FormEvent, useState } from "react";
import { api, CommandError, EnrollmentView } from "../api";
import { ErrorBox } from "../shared/ErrorBox";
import type { Attempt } from "./attempt";
import { explainSync } from "./explain";

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
          <input
            id="enroll-username"
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
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
          <input
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
          {busy ? "Enrolling..." : "Enroll"}
        </button>
      </form>
      {attempt.kind === "failed" && <ErrorBox id="enroll-error" error={attempt.error} seq={attempt.seq} explain={explainSync} />}
    </>
  );
}
