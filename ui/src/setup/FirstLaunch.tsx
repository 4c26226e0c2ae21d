// The first launch: work offline at once, or enroll this device with the
// organisation's sync server. Either way the choice is kept in the store and
// this screen does not come back; an offline workstation can enroll later
// from the Sync screen.
import { useState } from "react";
import { api, CommandError, EnrollmentView } from "../api";
import { ErrorBox } from "../shared/ErrorBox";
import { EnrollForm } from "../sync/EnrollForm";

export function FirstLaunch({ onDone }: { onDone: (enrolled: EnrollmentView | null) => void }) {
  const [offline, setOffline] = useState<{ kind: "idle" } | { kind: "busy" } | { kind: "failed"; error: CommandError }>({ kind: "idle" });

  async function workOffline() {
    setOffline({ kind: "busy" });
    try {
      await api.workOffline();
      onDone(null);
    } catch (e) {
      setOffline({ kind: "failed", error: e as CommandError });
    }
  }

  return (
    <section id="first-launch" aria-labelledby="first-launch-heading">
      <h2 id="first-launch-heading">Welcome</h2>
      <p>
        Quotes, drafts and rate packs live in an encrypted store on this computer. Choose how to start; you can enroll with a sync server
        later from the Sync screen.
      </p>
      <div className="choices">
        <article aria-labelledby="choice-offline-heading" className="choice">
          <h3 id="choice-offline-heading">Work offline</h3>
          <p>Quote at once with the rate packs bundled with this app. Quotes wait on this device until it is enrolled and synced.</p>
          <button type="button" id="work-offline" onClick={workOffline} disabled={offline.kind === "busy"}>
            {offline.kind === "busy" ? "Starting..." : "Work offline"}
          </button>
          {offline.kind === "failed" && <ErrorBox id="work-offline-error" error={offline.error} />}
        </article>
        <article aria-labelledby="choice-enroll-heading" className="choice">
          <h3 id="choice-enroll-heading">Enroll this device</h3>
          <p>
            Connect to your organization's sync server with the address and the account your administrator gave you, or with your
            organization's sign-in when the server offers it.
          </p>
          <EnrollForm onEnrolled={(view) => onDone(view)} />
        </article>
      </div>
    </section>
  );
}
