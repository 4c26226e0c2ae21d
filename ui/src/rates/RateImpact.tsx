// A draft's impact on a book of policies, and its submission for another
// underwriter's approval.
import { useState } from "react";
import { api, CommandError } from "../api";
import type { StoredRateDraft } from "../bindings";
import { ErrorBox } from "../shared/ErrorBox";
import { packName } from "../shared/format";
import { useCommand } from "../shared/useCommand";
import { draftStatusText } from "./drafts";
import { asImpactSummary, ImpactRunning, ImpactSummaryView, useImpactRun } from "./ImpactReport";

type BookKind = "local" | "server" | "file";

const BOOK_LABELS: [BookKind, string][] = [
  ["local", "Quotes on this workstation"],
  ["server", "The server's book"],
  ["file", "An imported book"],
];

export function RateImpact({ draft, onChanged }: { draft: StoredRateDraft; onChanged: () => void }) {
  const [current, setCurrent] = useState(draft);
  const [book, setBook] = useState<BookKind>("local");
  const [fileName, setFileName] = useState("");
  // The Books folder is read once an imported book is chosen.
  const [wantBooks, setWantBooks] = useState(false);
  const books = useCommand(api.impactBooks, [], {
    enabled: wantBooks,
    onLoaded: (value) => setFileName((name) => name || (value[0]?.fileName ?? "")),
  });
  const [submit, setSubmit] = useState<{ busy: boolean; error: CommandError | null }>({ busy: false, error: null });
  // A run on a draft being edited is recorded with it: the list shows it attached.
  const { state, run, cancel } = useImpactRun(onChanged);

  const chooseBook = (kind: BookKind) => {
    setBook(kind);
    if (kind === "file") setWantBooks(true);
  };

  async function submitDraft() {
    setSubmit({ busy: true, error: null });
    try {
      setCurrent(await api.submitRateDraft(current.draft_id));
      setSubmit({ busy: false, error: null });
      onChanged();
    } catch (e) {
      setSubmit({ busy: false, error: e as CommandError });
    }
  }

  const running = state.kind === "running";
  const last = asImpactSummary(current.impact);
  const attached = state.kind === "done" || last !== null;
  return (
    <section id="impact" aria-labelledby="impact-heading" data-draft-id={current.draft_id} data-run={state.kind}>
      <h3 id="impact-heading">Impact of {packName(current.pack_id)}</h3>
      <p className="meta">
        Re-rates a book of policies with {packName(current.base_pack_id)} and with the draft, and compares the premiums.
      </p>
      <fieldset>
        <legend>Book</legend>
        {BOOK_LABELS.map(([kind, label]) => (
          <div className="check" key={kind}>
            <input
              type="radio"
              name="impact-book"
              id={`impact-book-choice-${kind}`}
              value={kind}
              checked={book === kind}
              onChange={() => chooseBook(kind)}
            />
            <label htmlFor={`impact-book-choice-${kind}`}>{label}</label>
          </div>
        ))}
        {book === "file" && books.kind === "loading" && <p aria-busy="true">Looking in the Books folder...</p>}
        {book === "file" && books.kind === "failed" && <ErrorBox error={books.error} />}
        {book === "file" && books.kind === "loaded" && books.value.length === 0 && (
          <p className="meta" id="impact-no-books">
            No books yet: put a canonical <code>.jsonl</code> book in the <strong>Books</strong> folder of your documents folder.{" "}
            <code>uw book import</code> writes one from a legacy dump.
          </p>
        )}
        {book === "file" && books.kind === "loaded" && books.value.length > 0 && (
          <div className="field">
            <label htmlFor="impact-book-file">Book file</label>
            <select id="impact-book-file" value={fileName} onChange={(e) => setFileName(e.target.value)}>
              {books.value.map((b) => (
                <option key={b.fileName} value={b.fileName}>
                  {b.fileName} ({Math.ceil(b.bytes / 1024)} KB)
                </option>
              ))}
            </select>
          </div>
        )}
      </fieldset>
      <div className="actions">
        <button
          type="button"
          id="run-impact"
          disabled={running || (book === "file" && !fileName)}
          onClick={() => run(current.draft_id, book === "file" ? { kind: "file", fileName } : { kind: book })}
        >
          {running ? "Running..." : "Run impact"}
        </button>
      </div>
      {state.kind === "running" && (
        <ImpactRunning progress={state.progress} progressId="impact-progress" cancelId="cancel-impact" onCancel={cancel} />
      )}
      {state.kind === "cancelled" && (
        <p role="status" id="impact-cancelled">
          Cancelled.
        </p>
      )}
      {state.kind === "failed" && (
        <ErrorBox id="impact-error" error={state.error}>
          The impact run failed.
        </ErrorBox>
      )}
      {state.kind === "done" && (
        <div id="impact-result" data-rated={state.view.summary.rated}>
          <ImpactSummaryView summary={state.view.summary} worksheets={state.view.worksheets} />
        </div>
      )}
      {state.kind !== "done" && last && (
        <details id="last-impact" open={state.kind === "idle"}>
          <summary>The impact last run on this draft</summary>
          <ImpactSummaryView summary={last} idPrefix="last-impact" />
        </details>
      )}
      {current.status === "editing" ? (
        <div className="submit">
          <p className="meta">
            {attached
              ? "Submitting attaches the impact last run on this draft for the approver."
              : "No impact run is attached yet: run one first, or submit without; the approver can run their own."}
          </p>
          <button type="button" id="submit-draft" disabled={running || submit.busy} onClick={submitDraft}>
            Submit for approval
          </button>
          {submit.error && <ErrorBox id="submit-error" error={submit.error} />}
        </div>
      ) : (
        <p id="draft-status" role="status" data-status={current.status}>
          {draftStatusText(current)}
        </p>
      )}
    </section>
  );
}
