// The auditor's console: request an export of the server's audit log tied
// to a signed checkpoint (by days or by entry numbers), verify an export
// here, offline, signed in or not (a saved one, or one opened from any
// folder), and browse the log.
import { ChangeEvent, FormEvent, useRef, useState } from "react";
import { api, AuditVerdictView, CommandError, SavedExportView } from "../api";
import { ErrorBox } from "../shared/ErrorBox";
import { useCommand } from "../shared/useCommand";
import { AuditLog, DayField, dateProblems, daySpan } from "./AuditLog";
import { Action, SessionBar, useSession } from "./session";

/** The largest export verified here; a larger one is verified with the command-line verifier. */
export const MAX_OPENED_EXPORT_BYTES = 64 * 1024 * 1024;

/** A file's text: `File.text()` where the browser has it, else a FileReader. */
function readText(file: File): Promise<string> {
  if (typeof file.text === "function") return file.text();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result ?? ""));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(file);
  });
}

/**
 * Why an export failed, in plain words, from the verifier's reason (the file
 * name, a colon, then what it found; the reason itself stays in the details).
 */
export function failureSentence(reason: string): string {
  const entry = reason.match(/entry (\d+): (modified|missing|extra|reordered)/);
  if (entry) {
    const n = entry[1];
    switch (entry[2]) {
      case "modified":
        return `This export has been altered: entry ${n} does not match the signed log.`;
      case "missing":
        return `This export has been altered: entry ${n} was removed from it.`;
      case "extra":
        return `This export has been altered: entry ${n} was added and is not in the signed log.`;
      default:
        return `This export has been altered: entries were moved, and entry ${n} is not where the signed log has it.`;
    }
  }
  if (reason.includes("do not rebuild the checkpoint root"))
    return "This export has been altered: its entries do not match the signed log, though no single entry can be named.";
  if (reason.includes("was restored from a backup"))
    return "The server's log was restored from a backup since your previous export: entries your previous export covered are no longer in the log.";
  if (reason.includes("fork:") || reason.includes("inconsistent with the previous checkpoint"))
    return "The log was rewritten since your previous export: entries it had then were changed or removed.";
  if (reason.includes("consistency proof starts at"))
    return "This export was not made against the previous export you chose. Choose the previous export it was requested with, or none.";
  if (reason.includes("previous checkpoint:"))
    return "The previous export you chose could not be checked with this key. Choose another previous export, or none.";
  if (/does not verify|no signature from a known key|malformed verifier key/.test(reason))
    return "This export is not signed by the key you gave: either the key is not your organization's audit key, or the export's signature was changed.";
  if (reason.includes("wrong origin")) return "This export's entries and its signature are from different logs, so it has been altered.";
  if (/line \d+:|malformed|beyond the checkpoint/.test(reason))
    return "This file is not a complete audit export, so it could not be checked. Export it again.";
  return "This export could not be verified, so it cannot be relied on.";
}

/** "1 entry", "33 entries". */
function entries(n: number): string {
  return n === 1 ? "1 entry" : `${n} entries`;
}

function Verdict({ verdict }: { verdict: AuditVerdictView }) {
  if (verdict.verdict === "failed") {
    return (
      <div role="alert" className="error" id="audit-verdict" data-verdict="failed">
        <strong>{failureSentence(verdict.reason)}</strong>
        <details className="verdict-details">
          <summary>Technical details</summary>
          <p>{verdict.reason}</p>
        </details>
      </div>
    );
  }
  const count = verdict.end - verdict.start;
  const whole = verdict.start === 0 && verdict.end === verdict.checkpointSize;
  return (
    <div role="status" className="verdict ok" id="audit-verdict" data-verdict="verified">
      <strong>This export is intact:</strong> {entries(count)}
      {whole ? ", the whole log," : count > 0 ? `, entry ${verdict.start} up to entry ${verdict.end - 1},` : ""} exactly as the server
      recorded them, signed by the server's audit key. Nothing in it was changed, added or removed.
      {verdict.consistentWith !== null &&
        ` Since your previous export, which covered ${entries(verdict.consistentWith)}, the log only grew: nothing in it was changed or removed.`}
      <details className="verdict-details">
        <summary>Technical details</summary>
        <dl>
          <dt>Log</dt>
          <dd>
            <code>{verdict.origin}</code>
          </dd>
          <dt>Entries in the export</dt>
          <dd>
            {verdict.start} to {verdict.end - 1} (end exclusive: {verdict.end})
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

/** Which entries an export holds: a span of days, or a range of entry numbers. */
type ExportBy = "dates" | "entries";

/** An export opened from another folder, not read until it is verified. */
type Opened = { file: File; tooLarge: boolean };

/** A file's name as the screen shows it, without its `.txt` (the file input itself shows the whole name). */
function shownName(name: string): string {
  return name.replace(/\.txt$/i, "");
}

export function AuditScreen() {
  const session = useSession();
  const files = useCommand(api.auditExports, []);
  const [key, setKey] = useState("");
  const [published, setPublished] = useState<Action<string>>({ kind: "idle" });
  const [by, setBy] = useState<ExportBy>("dates");
  const [exportFrom, setExportFrom] = useState("");
  const [exportTo, setExportTo] = useState("");
  const [dayProblems, setDayProblems] = useState<{ from?: string; to?: string }>({});
  const [start, setStart] = useState("0");
  const [end, setEnd] = useState("");
  const [requestPrevious, setRequestPrevious] = useState("");
  const [saved, setSaved] = useState<Action<{ fileName: string; path: string }>>({ kind: "idle" });
  const [file, setFile] = useState("");
  const [opened, setOpened] = useState<Opened | null>(null);
  const openInput = useRef<HTMLInputElement>(null);
  const [verifyPrevious, setVerifyPrevious] = useState("");
  const [verdict, setVerdict] = useState<Action<AuditVerdictView>>({ kind: "idle" });
  const signedIn = session.kind === "loaded" && session.value?.role === "auditor" && !session.value.mustEnrollSecondFactor;

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

  /** Forgets the export opened from another folder, and clears the file input. */
  function closeOpened() {
    setOpened(null);
    if (openInput.current) openInput.current.value = "";
  }

  /** The export the form asks for: by days (none given is the whole log), or by entry numbers. */
  function exportAsked(): Promise<SavedExportView> {
    const previous = requestPrevious || null;
    if (by === "entries") {
      // "Up to entry" includes the entry named; the server's end excludes it.
      return api.saveAuditExport(Number(start), end.trim() === "" ? null : Number(end) + 1, previous);
    }
    const span = daySpan(exportFrom, exportTo);
    if (span.from === null && span.to === null) return api.saveAuditExport(0, null, previous);
    return api.saveAuditExportBetween(span.from, span.to, previous);
  }

  async function requestExport(event: FormEvent) {
    event.preventDefault();
    if (by === "dates") {
      const found = dateProblems(exportFrom, exportTo);
      setDayProblems(found);
      if (found.from || found.to) return;
    }
    setSaved({ kind: "busy" });
    try {
      const s = await exportAsked();
      setSaved({ kind: "done", value: { fileName: s.fileName, path: s.path } });
      await files.reload();
      setFile(s.fileName);
      closeOpened();
      setVerifyPrevious(requestPrevious);
      setVerdict({ kind: "idle" });
    } catch (e) {
      setSaved({ kind: "failed", error: e as CommandError });
    }
  }

  function chooseSaved(name: string) {
    setFile(name);
    if (name !== "") closeOpened();
    setVerdict({ kind: "idle" });
  }

  function openFile(event: ChangeEvent<HTMLInputElement>) {
    const chosen = event.target.files?.[0] ?? null;
    setVerdict({ kind: "idle" });
    if (chosen === null) {
      setOpened(null);
      return;
    }
    setOpened({ file: chosen, tooLarge: chosen.size > MAX_OPENED_EXPORT_BYTES });
    setFile("");
  }

  async function verify(event: FormEvent) {
    event.preventDefault();
    if (opened?.tooLarge) return;
    setVerdict({ kind: "busy" });
    try {
      const previous = verifyPrevious || null;
      let found: AuditVerdictView;
      if (opened) {
        let text: string;
        try {
          text = await readText(opened.file);
        } catch (e) {
          throw { code: "audit.file", message: `${opened.file.name}: ${String(e)}` };
        }
        found = await api.verifyAuditText(opened.file.name, text, key.trim(), previous);
      } else {
        found = await api.verifyAuditExport(file, key.trim(), previous);
      }
      setVerdict({ kind: "done", value: found });
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
  const chosen = file !== "" || (opened !== null && !opened.tooLarge);

  return (
    <section id="audit-screen" aria-labelledby="audit-heading" data-signed-in={signedIn}>
      <h2 id="audit-heading">Audit</h2>
      <p>
        Export the server's audit log, or part of it, with the server's signature, save it, and check it here without the network. An intact
        export proves every entry in it is in the log exactly as the server recorded it; checked against a previous export, it also proves
        nothing was changed or removed since.
      </p>
      <h3>Request an export</h3>
      <SessionBar role="auditor" session={session} onChange={(value) => session.set({ kind: "loaded", value })} />
      {signedIn && (
        <form onSubmit={requestExport} aria-label="Request an audit export" id="export-form" className="filters">
          <fieldset className="export-by">
            <legend>Which entries</legend>
            <label className="radio">
              <input type="radio" id="export-by-dates" name="export-by" checked={by === "dates"} onChange={() => setBy("dates")} />
              By dates
            </label>
            <label className="radio">
              <input type="radio" id="export-by-entries" name="export-by" checked={by === "entries"} onChange={() => setBy("entries")} />
              By entry numbers
            </label>
          </fieldset>
          {by === "dates" ? (
            <>
              <DayField
                id="export-from"
                label="From"
                value={exportFrom}
                onChange={setExportFrom}
                problem={dayProblems.from}
                pickerLabel="Choose the first day to export"
              />
              <DayField
                id="export-to"
                label="To"
                value={exportTo}
                onChange={setExportTo}
                problem={dayProblems.to}
                pickerLabel="Choose the last day to export"
              />
              <p className="meta export-help" id="export-dates-help">
                The entries recorded on these days, your computer's days. Leave both empty to export the whole log.
              </p>
            </>
          ) : (
            <>
              <label>
                From entry
                <input
                  id="export-start"
                  className="short"
                  inputMode="numeric"
                  pattern="[0-9]+"
                  aria-describedby="entry-numbers-help"
                  value={start}
                  onChange={(e) => setStart(e.target.value)}
                  required
                />
              </label>
              <label>
                Up to entry
                <input
                  id="export-end"
                  className="short"
                  inputMode="numeric"
                  pattern="[0-9]*"
                  placeholder="latest"
                  aria-describedby="entry-numbers-help"
                  value={end}
                  onChange={(e) => setEnd(e.target.value)}
                />
              </label>
              <p className="meta export-help" id="entry-numbers-help">
                The log numbers its entries in the order the server recorded them, from 0 for the first; a number always means the same
                entry. Leave "Up to entry" empty to export up to the latest.
              </p>
            </>
          )}
          <label>
            Compare with
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

      <h3>Verify an export</h3>
      {files.kind === "failed" && <ErrorBox id="exports-error" error={files.error} />}
      {files.kind === "loaded" && fileList.length === 0 && (
        <p className="meta">No export has been saved on this computer yet; you can open one from another folder.</p>
      )}
      <form onSubmit={verify} aria-label="Verify an audit export" id="verify-form">
        <label>
          Audit key
          <input
            id="verifier-key"
            className="key"
            spellCheck={false}
            placeholder="Paste your organization's audit key"
            aria-describedby="verifier-key-help"
            value={key}
            onChange={(e) => setKey(e.target.value)}
            required
          />
        </label>
        <p className="meta" id="verifier-key-help">
          Use the key your organization gave you outside this app. The server's published key proves only that the server is consistent with
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
          <select id="verify-file" value={file} onChange={(e) => chooseSaved(e.target.value)} required={opened === null}>
            <option value="">{opened ? "None: the opened export is verified" : "Choose a saved export"}</option>
            {fileList.map((f) => (
              <option key={f.fileName} value={f.fileName}>
                {f.fileName} ({formatBytes(f.bytes)})
              </option>
            ))}
          </select>
        </label>
        <label>
          Or open an export from another folder
          <input
            type="file"
            id="verify-open-file"
            className="file"
            accept=".txt,text/plain"
            ref={openInput}
            aria-describedby={opened ? "verify-opened" : undefined}
            onChange={openFile}
          />
        </label>
        <label>
          Previous export
          <select id="verify-previous" value={verifyPrevious} onChange={(e) => setVerifyPrevious(e.target.value)}>
            <option value="">None</option>
            {options(file)}
          </select>
        </label>
        <button type="submit" id="verify-export" disabled={verdict.kind === "busy" || !chosen}>
          Verify
        </button>
      </form>
      {opened && !opened.tooLarge && (
        <p role="status" className="meta" id="verify-opened" data-file={opened.file.name}>
          Opened from another folder: {shownName(opened.file.name)} ({formatBytes(opened.file.size)}). Verify checks this file, not a saved
          export.
        </p>
      )}
      {opened?.tooLarge && (
        <div role="alert" className="error" id="verify-opened" data-file={opened.file.name}>
          {shownName(opened.file.name)} is {formatBytes(opened.file.size)}: exports larger than {formatBytes(MAX_OPENED_EXPORT_BYTES)} are
          verified with the command-line verifier, not here.
          <details className="verdict-details">
            <summary>How to verify it</summary>
            <code>uw audit verify EXPORT --key KEY [--previous CHECKPOINT]</code>
          </details>
        </div>
      )}
      {verdict.kind === "done" && <Verdict verdict={verdict.value} />}
      {verdict.kind === "failed" && <ErrorBox id="verify-error" error={verdict.error} />}
      {signedIn && <AuditLog />}
    </section>
  );
}
