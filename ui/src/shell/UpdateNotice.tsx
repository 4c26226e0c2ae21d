// The notice under the top bar when this app is older than the
// organization's server asks for: below the minimum, sync stops until the
// app is updated (a warning that stays); below the recommended version, a
// notice the user may dismiss. Either offers "Download and install" when the
// server holds a newer package for this computer: the app checks the
// package is the publisher's and opens it with the system installer.
import { useState } from "react";
import { api, AppUpdate, CommandError } from "../api";
import { ErrorBox } from "../shared/ErrorBox";

type Install = { kind: "idle" } | { kind: "busy" } | { kind: "done"; path: string } | { kind: "failed"; error: CommandError };

/** "Download and install", busy while the package downloads and is checked, then what to do next or why it failed. */
function InstallUpdate() {
  const [install, setInstall] = useState<Install>({ kind: "idle" });
  async function run() {
    setInstall({ kind: "busy" });
    try {
      setInstall({ kind: "done", path: await api.installUpdate() });
    } catch (e) {
      setInstall({ kind: "failed", error: e as CommandError });
    }
  }
  return (
    <>
      {install.kind !== "done" && (
        <button type="button" id="install-update" onClick={() => void run()} disabled={install.kind === "busy"}>
          {install.kind === "busy" ? "Downloading and checking the update…" : "Download and install"}
        </button>
      )}
      {install.kind === "done" && (
        <div role="status" id="install-update-result">
          <p>The installer has opened. Finish there, then restart the app.</p>
          <details className="document-location">
            <summary>Where the update is</summary>
            <code>{install.path}</code>
          </details>
        </div>
      )}
      {install.kind === "failed" && <ErrorBox id="install-update-error" error={install.error} />}
    </>
  );
}

export function UpdateNotice({ update }: { update: AppUpdate | null }) {
  // The recommended version the user dismissed the notice of: a later one shows it again.
  const [dismissed, setDismissed] = useState<string | null>(null);
  if (!update || !(update.syncRefused || update.updateRecommended)) return null;
  const ask = update.package === null && <> Ask your administrator for the update.</>;

  if (update.syncRefused) {
    return (
      <div className="update-notice refused" role="region" aria-label="App update" id="update-notice" data-state="refused">
        <p>
          This app is version {update.running}. Your organization&apos;s server needs{" "}
          {update.minimum ? `version ${update.minimum} or later` : "a newer version"} to sync. Your work is kept on this laptop.{ask}
        </p>
        {update.package !== null && <InstallUpdate />}
      </div>
    );
  }

  const newer = update.recommended ?? update.package;
  const key = `${newer ?? ""}/${update.package ?? ""}`;
  if (dismissed === key) return null;
  return (
    <div className="update-notice" role="region" aria-label="App update" id="update-notice" data-state="recommended">
      <p>
        {newer ? `Version ${newer} of the app is available.` : "A newer version of the app is available."}
        {ask}
      </p>
      {update.package !== null && <InstallUpdate />}
      <button
        type="button"
        className="secondary"
        id="dismiss-update"
        aria-label="Dismiss the update notice"
        onClick={() => setDismissed(key)}
      >
        Dismiss
      </button>
    </div>
  );
}
