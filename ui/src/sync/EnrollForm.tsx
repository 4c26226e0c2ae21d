// Enrolling this device with the organisation's sync server: on the first
// launch and on the Sync screen of a workstation that works offline.
import { FormEvent, useState } from "react";
import { api, CommandError, EnrollmentView } from "../api";
import { CredentialFields, useCredentials } from "../shared/Credentials";
import { ErrorBox } from "../shared/ErrorBox";
import type { Attempt } from "./attempt";

export function EnrollForm({ onEnrolled }: { onEnrolled: (view: EnrollmentView) => void }) {
  const credentials = useCredentials();
  const [deviceName, setDeviceName] = useState("");
  const [attempt, setAttempt] = useState<Attempt<EnrollmentView>>({ kind: "idle", seq: 0 });

  async function submit(event: FormEvent) {
    event.preventDefault();
    const seq = attempt.seq + 1;
    // The password is sent once and not kept: the field is empty whatever the answer.
    const request = { ...credentials.take(), deviceName: deviceName.trim() };
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
        <CredentialFields idPrefix="enroll" state={credentials} serverPlaceholder="http://127.0.0.1:8787" serverRequired />
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
      {attempt.kind === "failed" && <ErrorBox id="enroll-error" error={attempt.error} seq={attempt.seq} />}
    </>
  );
}
