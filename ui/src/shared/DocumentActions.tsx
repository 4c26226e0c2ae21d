// Open, Print and Show in folder for a document the workstation just saved
// (Print only for what is meant for paper).
// The desktop only acts on files inside its documents folder.
import { useState } from "react";
import { api, CommandError } from "../api";
import { ErrorBox } from "./ErrorBox";

export function DocumentActions({ path, what, printable = true }: { path: string; what: string; printable?: boolean }) {
  const [state, setState] = useState<{ kind: "idle" } | { kind: "busy" } | { kind: "printed" } | { kind: "failed"; error: CommandError }>({
    kind: "idle",
  });
  const run = (action: () => Promise<unknown>, done: "idle" | "printed") => {
    setState({ kind: "busy" });
    action().then(
      () => setState({ kind: done }),
      (error: CommandError) => setState({ kind: "failed", error }),
    );
  };
  const busy = state.kind === "busy";
  return (
    <div className="document-actions">
      <div className="actions" role="group" aria-label={`The ${what}`}>
        <button
          type="button"
          className="secondary"
          data-action="open-document"
          disabled={busy}
          onClick={() => run(() => api.openDocument(path), "idle")}
        >
          Open
        </button>
        {printable && (
          <button
            type="button"
            className="secondary"
            data-action="print-document"
            disabled={busy}
            onClick={() => run(() => api.printDocument(path), "printed")}
          >
            Print
          </button>
        )}
        <button
          type="button"
          className="secondary"
          data-action="show-document"
          disabled={busy}
          onClick={() => run(() => api.showDocumentInFolder(path), "idle")}
        >
          Show in folder
        </button>
      </div>
      {state.kind === "printed" && <p role="status">Sent to the printer.</p>}
      {state.kind === "failed" && <ErrorBox error={state.error} />}
    </div>
  );
}
