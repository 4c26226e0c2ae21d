// Which app versions may sync: the oldest the organization's server syncs
// with (laptops below it stop syncing until they update, their work kept)
// and the one it recommends (laptops below it show a notice), saved only
// when confirmed; and the update packages the server holds, the newest for
// each platform (they are added on the server itself).
import { FormEvent, useState } from "react";
import { api, CommandError, DesktopVersionsView } from "../api";
import { ConfirmDialog, Confirmation } from "../shared/ConfirmDialog";
import { ErrorBox } from "../shared/ErrorBox";
import { platformLabel } from "../shared/format";
import { useCommand } from "../shared/useCommand";
import { ActionResult, useAdminAction } from "./adminParts";

/** A package's size in megabytes: "48.2 MB". */
function megabytes(bytes: number): string {
  const mb = bytes / 1_000_000;
  if (mb < 0.1) return "less than 0.1 MB";
  return `${mb.toLocaleString("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 })} MB`;
}

/** What was saved, as a sentence. */
function savedSentence(v: DesktopVersionsView): string {
  const minimum = v.minimum ? `laptops need version ${v.minimum} or later to sync` : "every version may sync";
  const recommended = v.recommended ? `version ${v.recommended} is recommended` : "no version is recommended";
  return `The app versions are saved: ${minimum}, and ${recommended}.`;
}

export function DesktopVersions({ onSessionLost }: { onSessionLost: (e: CommandError) => void }) {
  const [minimum, setMinimum] = useState("");
  const [recommended, setRecommended] = useState("");
  const versions = useCommand(api.adminDesktopVersions, [], {
    onFailed: onSessionLost,
    onLoaded: (v) => {
      setMinimum(v.minimum ?? "");
      setRecommended(v.recommended ?? "");
    },
  });
  const [action, run] = useAdminAction(onSessionLost, versions.reload);
  const [pending, setPending] = useState<Confirmation | null>(null);

  function save(event: FormEvent) {
    event.preventDefault();
    const min = minimum.trim();
    const rec = recommended.trim();
    setPending({
      question: "Change which app versions may sync?",
      consequence: (
        <>
          {min ? (
            <p>
              Laptops below the minimum stop syncing until they update. Those older than version {min} keep working and keep their work, but
              send and receive nothing until the update is installed.
            </p>
          ) : (
            <p>With no minimum, every version of the app may sync.</p>
          )}
          {rec ? <p>Laptops older than version {rec} show a notice that an update is available.</p> : <p>No update notice is shown.</p>}
        </>
      ),
      confirm: "Save versions",
      run: () => void run(savedSentence, () => api.adminSetDesktopVersions(min || null, rec || null)),
    });
  }

  return (
    <section aria-labelledby="desktop-versions-heading" id="admin-desktop-versions">
      <h3 id="desktop-versions-heading">App versions</h3>
      <p className="meta">
        The oldest version of the app that may sync with the server, and the version laptops are asked to update to. Laptops below the
        minimum keep working offline but stop syncing until they update.
      </p>
      {versions.kind === "failed" && <ErrorBox id="desktop-versions-error" error={versions.error} />}
      {versions.kind === "loaded" && (
        <>
          <dl className="counts" id="desktop-versions-current">
            <div>
              <dt>Minimum</dt>
              <dd data-testid="desktop-minimum">{versions.value.minimum ?? "None: every version may sync"}</dd>
            </div>
            <div>
              <dt>Recommended</dt>
              <dd data-testid="desktop-recommended">{versions.value.recommended ?? "None"}</dd>
            </div>
          </dl>
          {versions.value.releases.length === 0 ? (
            <p className="meta" id="no-desktop-releases">
              The server holds no update packages. They are added on the server itself; until then, laptops are updated by hand.
            </p>
          ) : (
            <table id="desktop-releases" data-count={versions.value.releases.length}>
              <caption>Update packages on the server, the newest for each platform</caption>
              <thead>
                <tr>
                  <th scope="col">Version</th>
                  <th scope="col">Platform</th>
                  <th scope="col">Size</th>
                </tr>
              </thead>
              <tbody>
                {versions.value.releases.map((r) => (
                  <tr key={`${r.version}/${r.platform}`} data-version={r.version} data-platform={r.platform}>
                    <td>{r.version}</td>
                    <td>{platformLabel(r.platform)}</td>
                    <td>{megabytes(r.size)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <form onSubmit={save} aria-label="Set the app versions" id="desktop-versions-form" className="filters">
            <label>
              Minimum version
              <input
                id="desktop-minimum-input"
                className="short"
                inputMode="decimal"
                aria-describedby="desktop-versions-hint"
                value={minimum}
                onChange={(e) => setMinimum(e.target.value)}
              />
            </label>
            <label>
              Recommended version
              <input
                id="desktop-recommended-input"
                className="short"
                inputMode="decimal"
                aria-describedby="desktop-versions-hint"
                value={recommended}
                onChange={(e) => setRecommended(e.target.value)}
              />
            </label>
            <button type="submit" id="desktop-versions-save" disabled={action.kind === "busy"}>
              Save versions
            </button>
          </form>
          <p className="meta" id="desktop-versions-hint">
            Write versions as three numbers, such as 1.4.2; leave one empty for none.
          </p>
        </>
      )}
      <ActionResult id="desktop-versions" action={action} />
      <ConfirmDialog id="desktop-versions-confirm" pending={pending} onClose={() => setPending(null)} />
    </section>
  );
}
