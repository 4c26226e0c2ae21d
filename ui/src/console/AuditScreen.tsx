// The auditor's console: request an export of the server's audit log tied
// to a signed checkpoint, and verify a saved export here, offline, signed in
// or not.
import { FormEvent, useState } from "react";
import { api, AuditVerdictView, CommandError } from "../api";
import { ErrorBox } from "../shared/ErrorBox";
import { useCommand } from "../shared/useCommand";
import { Action, SessionBar, useSession } from "./session";

function Verdict({ verdict }: { verdict: AuditVerdictView }) {
  if (verdict.verdict === "failed") {
    return (
      <div role="alert" className="error" id="audit-verdict" data-verdict="failed">
        <strong>Verification failed.</strong> {verdict.reason}
      </div>
    );
  }
  return (
    <div role="status" className="verdict ok" id="audit-verdict" data-verdict="verified">
      <strong>Verified.</strong> Entries {verdict.start} to {verdict.end - 1} are in the server's audit log exactly as it recorded and
      signed them; nothing in this export was changed, added or removed.
      {verdict.consistentWith !== null && " Nothing was changed or removed from the log since your previous export; it only grew."}
      <details className="verdict-details">
        <summary>Details</summary>
        <dl>
          <dt>Log</dt>
          <dd>
            <code>{verdict.origin}</code>
          </dd>
          <dt>Signed checkpoint size</dt>
          <dd>{verdict.checkpointSize}</dd>
          <dt>Root hash</dt>
          <dd>
            <code className="verdict-root">{verdict.root}</code>
          </dd>
          <dt>Signed by</dt>
          <dd>{verdict.signers.join(", ")}</dd>
          {verdict.consistentWith !== null && (
            <>
              <dt>Previous checkpoint size</dt>
              <dd>{verdict.consistentWith}</dd>
            </>
          )}
        </dl>
      </details>
    </div>
  );
}

function formatBytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function AuditScreen() {
  const session = useSession();
  const files = useCommand(api.auditExports, []);
  const [key, setKey] = useState("");
  const [published, setPublished] = useState<Action<string>>({ kind: "idle" });
  const [start, setStart] = useState("0");
  const [end, setEnd] = useState("");
  const [requestPrevious, setRequestPrevious] = useState("");
  const [saved, setSaved] = useState<Action<{ fileName: string; path: string }>>({ kind: "idle" });
  const [file, setFile] = useState("");
  const [verifyPrevious, setVerifyPrevious] = useState("");
  const [verdict, setVerdict] = useState<Action<AuditVerdictView>>({ kind: "idle" });
  const signedIn = session.kind === "loaded" && session.value?.role === "auditor";

  async function usePublishedKey() {
    setPublished({ kind: "busy" });
    try {
      const keys = await api.auditKeys();
      if (keys.verifierKeys.length === 0) throw { code: "audit.no_key", message: "The server publishes no verifier key." };
      setKey(keys.verifierKeys[0]);
      setPublished({ kind: "done", value: keys.origin });
    } catch (e) {
      setPublished({ kind: "failed", error: e as CommandError });
    }
  }

  async function requestExport(event: FormEvent) {
    event.preventDefault();
    setSaved({ kind: "busy" });
    try {
      const s = await api.saveAuditExport(Number(start), end.trim() === "" ? null : Number(end), requestPrevious || null);
      setSaved({ kind: "done", value: { fileName: s.fileName, path: s.path } });
      await files.reload();
      setFile(s.fileName);
      setVerifyPrevious(requestPrevious);
      setVerdict({ kind: "idle" });
    } catch (e) {
      setSaved({ kind: "failed", error: e as CommandError });
    }
  }

  async function verify(event: FormEvent) {
    event.preventDefault();
    setVerdict({ kind: "busy" });
    try {
      setVerdict({ kind: "done", value: await api.verifyAuditExport(file, key.trim(), verifyPrevious || null) });
    } catch (e) {
      setVerdict({ kind: "failed", error: e as CommandError });
    }
  }

  const fileList = files.kind === "loaded" ? files.value : [];
  const options = (exclude: string) =>
    fileList
      .filter((f) => f.fileName !== exclude)
      .map((f) => (
        <option key={f.fileName} value={f.fileName}>
          {f.fileName}
        </option>
      ));

  return (
    <section id="audit-screen" aria-labelledby="audit-heading" data-signed-in={signedIn}>
      <h2 id="audit-heading">Audit</h2>
      <p>
        Export a range of the server's audit log tied to a signed checkpoint, save it, and verify it here without the network. A verified
        export proves every entry in it is in the log exactly as signed; with a previous export it also proves the log only grew since.
      </p>
      <h3>Request an export</h3>
      <SessionBar role="auditor" session={session} onChange={(value) => session.set({ kind: "loaded", value })} />
      {signedIn && (
        <form onSubmit={requestExport} aria-label="Request an audit export" id="export-form" className="filters">
          <label>
            First entry
            <input
              id="export-start"
              className="short"
              inputMode="numeric"
              pattern="[0-9]+"
              value={start}
              onChange={(e) => setStart(e.target.value)}
              required
            />
          </label>
          <label>
            End (exclusive)
            <input
              id="export-end"
              className="short"
              inputMode="numeric"
              pattern="[0-9]*"
              placeholder="log end"
              value={end}
              onChange={(e) => setEnd(e.target.value)}
            />
          </label>
          <label>
            Prove growth since
            <select id="export-previous" value={requestPrevious} onChange={(e) => setRequestPrevious(e.target.value)}>
              <option value="">No previous export</option>
              {options("")}
            </select>
          </label>
          <button type="submit" id="request-export" disabled={saved.kind === "busy"}>
            {saved.kind === "busy" ? "Exporting..." : "Export and save"}
          </button>
        </form>
      )}
      {saved.kind === "done" && (
        <div role="status" id="export-saved" data-file={saved.value.fileName}>
          The export is saved in your documents folder, under Audit exports.
          <details className="document-location">
            <summary>Where it is</summary>
            <code>{saved.value.path}</code>
          </details>
        </div>
      )}
      {saved.kind === "failed" && <ErrorBox id="export-error" error={saved.error} />}

      <h3>Verify a saved export</h3>
      {files.kind === "failed" && <ErrorBox id="exports-error" error={files.error} />}
      {files.kind === "loaded" && fileList.length === 0 && <p className="meta">No export has been saved on this computer yet.</p>}
      <form onSubmit={verify} aria-label="Verify an audit export" id="verify-form">
        <label>
          Log verifier key
          <input
            id="verifier-key"
            className="key"
            spellCheck={false}
            placeholder="name+keyid+base64key"
            aria-describedby="verifier-key-help"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            required
          />
        </label>
        <p className="meta" id="verifier-key-help">
          Use the key your organisation gave you outside this app. The server's published key proves only that the server is consistent with
          itself.
          {signedIn && (
            <>
              {" "}
              <button type="button" className="link" id="use-published-key" onClick={usePublishedKey}>
                Use the key the server publishes
              </button>
            </>
          )}
          {published.kind === "done" && (
            <span id="published-origin" data-origin={published.value}>
              {" "}
              (the server's key is filled in)
            </span>
          )}
        </p>
        {published.kind === "failed" && <ErrorBox id="published-key-error" error={published.error} />}
        <label>
          Export
          <select id="verify-file" value={file} onChange={(e) => setFile(e.target.value)} required>
            <option value="">Choose a saved export</option>
            {fileList.map((f) => (
              <option key={f.fileName} value={f.fileName}>
                {f.fileName} ({formatBytes(f.bytes)})
              </option>
            ))}
          </select>
        </label>
        <label>
          Previous export
          <select id="verify-previous" value={verifyPrevious} onChange={(e) => setVerifyPrevious(e.target.value)}>
            <option value="">None</option>
            {options(file)}
          </select>
        </label>
        <button type="submit" id="verify-export" disabled={verdict.kind === "busy" || file === ""}>
          Verify
        </button>
      </form>
      {verdict.kind === "done" && <Verdict verdict={verdict.value} />}
      {verdict.kind === "failed" && <ErrorBox id="verify-error" error={verdict.error} />}
    </section>
  );
}
