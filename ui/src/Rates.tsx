// Rate management for underwriters: open a pack in force as a draft, edit
// its manifest values and tables while the loader checks each change, save
// it with a new version, see its impact on a book of policies, and submit it
// for another underwriter's approval. Drafts live in the local store; the
// next sync delivers a submission, so all of this works offline but the
// server's book.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { api, CommandError, packName } from "./api";
import type { BookFileView, DraftEdits, EditorPack, ManifestField, PackDiff, PackSummary, Problem, StoredRateDraft, TableGrid } from "./bindings";
import { explain } from "./explain";
import { asImpactSummary, ImpactRunning, ImpactSummaryView, useImpactRun } from "./ImpactReport";
import { PackDiffView } from "./PackDiff";

type Loaded<T> = { kind: "loading" } | { kind: "loaded"; value: T } | { kind: "failed"; error: CommandError };

/** How long typing pauses before the loader checks the draft: a check compiles the whole pack. */
const CHECK_DELAY_MS = 300;
/** Rows a table renders at once; a territory table has thousands, so the filter finds the rest. */
const MAX_ROWS = 100;

const noEdits = (): DraftEdits => ({ fields: {}, tables: {} });

/** The day after `day` (YYYY-MM-DD). */
function dayAfter(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/**
 * The effective dates a new revision starts with: after the base's (a
 * revision taking effect the same day as the pack in force would stop every
 * quote, and is refused) and no earlier than tomorrow.
 */
export function proposedDates(fields: ManifestField[], today: string): Record<string, string> {
  const tomorrow = dayAfter(today);
  const proposed: Record<string, string> = {};
  for (const key of ["effective.new_business", "effective.renewal"]) {
    const field = fields.find((f) => f.key === key);
    if (!field || !/^\d{4}-\d{2}-\d{2}$/.test(field.value)) continue;
    const after = dayAfter(field.value);
    proposed[key] = after > tomorrow ? after : tomorrow;
  }
  return proposed;
}

/** An input's id for a manifest key: `coverages.BI.steps.0.value` gives `field-coverages-BI-steps-0-value`. */
export function fieldInputId(key: string): string {
  return `field-${key.replace(/\./g, "-")}`;
}

function sameRows(a: string[][], b: string[][]): boolean {
  return a.length === b.length && a.every((row, i) => row.length === b[i].length && row.every((cell, j) => cell === b[i][j]));
}

function hasChanges(edits: DraftEdits): boolean {
  return Object.keys(edits.fields).length > 0 || Object.keys(edits.tables).length > 0;
}

/** Where a loader problem is, in the words of the editor's grid (rows numbered from 1, as shown). */
function problemPlace(problem: Problem, fields: ManifestField[]): string {
  const label = problem.key ? fields.find((f) => f.key === problem.key)?.label : undefined;
  const parts = [
    problem.file,
    problem.line !== null ? `line ${problem.line}` : null,
    problem.row !== null ? `row ${problem.row + 1}` : null,
    label ? `field ${label}` : problem.field ? `${problem.row !== null ? "column" : "field"} ${problem.field}` : null,
  ].filter(Boolean);
  return parts.length ? `In ${parts.join(", ")}.` : "";
}

function draftStatusText(draft: StoredRateDraft): string {
  switch (draft.status) {
    case "editing":
      return "Being edited.";
    case "submitted":
      return draft.sent_at ? "Submitted and delivered; it awaits another underwriter's decision." : "Submitted for approval; the next sync delivers it.";
    case "approved":
      return `Approved by ${draft.decided_by ?? "another underwriter"}${draft.comment ? `: ${draft.comment}` : "."}`;
    case "rejected":
      return `Rejected by ${draft.decided_by ?? "another underwriter"}${draft.comment ? `: ${draft.comment}` : "."}`;
    default:
      return draft.status;
  }
}

/** The loader's verdict on the draft as it stands; the diff and problem stay shown while the next check runs. */
type Check = { status: "checking" | "ok" | "problem"; diff: PackDiff | null; problem: Problem | null; error: CommandError | null };

type Save = { kind: "idle" } | { kind: "busy" } | { kind: "done"; draft: StoredRateDraft; edits: string } | { kind: "failed"; error: CommandError };

function FieldInput({
  field,
  value,
  invalid,
  onChange,
}: {
  field: ManifestField;
  value: string;
  invalid: boolean;
  onChange: (value: string) => void;
}) {
  const id = fieldInputId(field.key);
  const changed = value !== field.value;
  return (
    <div className="field">
      <label htmlFor={id}>{field.label}</label>
      <input
        id={id}
        data-field-key={field.key}
        type={field.kind === "date" ? "date" : "text"}
        className={`medium${changed ? " changed" : ""}`}
        value={value}
        aria-invalid={invalid ? "true" : undefined}
        aria-describedby={invalid ? "draft-problem" : changed ? `${id}-was` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {changed && (
        <span className="hint" id={`${id}-was`}>
          Was {field.value || "(empty)"}
        </span>
      )}
    </div>
  );
}

function TableEditor({
  base,
  grid,
  diff,
  problem,
  onChange,
}: {
  base: TableGrid;
  grid: TableGrid;
  diff: PackDiff | null;
  problem: Problem | null;
  onChange: (grid: TableGrid) => void;
}) {
  const [filter, setFilter] = useState("");
  // Rows added or edited since the filter last changed stay shown, so a
  // new row or one edited out of the filter does not vanish while typed in.
  const [pinned, setPinned] = useState<number[]>([]);

  const needle = filter.trim().toLowerCase();
  const matching = grid.rows.flatMap((row, index) => (!needle || row.some((cell) => cell.toLowerCase().includes(needle)) ? [index] : []));
  const problemRow = problem && problem.file === grid.file && problem.row !== null && problem.row < grid.rows.length ? problem.row : null;
  const visible = [...new Set([...matching.slice(0, MAX_ROWS), ...pinned, ...(problemRow !== null ? [problemRow] : [])])]
    .filter((i) => i < grid.rows.length)
    .sort((a, b) => a - b);

  // Changed cells as the last check saw them, and at once for a cell edited
  // in place (rows not yet added or removed).
  const tableDiff = diff?.tables.find((t) => t.file === grid.file);
  const diffCells = new Set(tableDiff?.cells.map((c) => `${c.row}:${c.column}`));
  const addedRows = new Set(tableDiff?.added.map((r) => r.line - 2));
  const inPlace = grid.rows.length === base.rows.length;
  const changed = (r: number, c: number) =>
    addedRows.has(r) || diffCells.has(`${r}:${grid.header[c]}`) || (inPlace && base.rows[r]?.[c] !== grid.rows[r][c]);

  const setCell = (r: number, c: number, value: string) => {
    onChange({ ...grid, rows: grid.rows.map((row, i) => (i === r ? row.map((cell, j) => (j === c ? value : cell)) : row)) });
    setPinned((p) => (p.includes(r) ? p : [...p, r]));
  };
  const removeRow = (r: number) => {
    onChange({ ...grid, rows: grid.rows.filter((_, i) => i !== r) });
    setPinned((p) => p.filter((i) => i !== r).map((i) => (i > r ? i - 1 : i)));
  };
  const addRow = () => {
    onChange({ ...grid, rows: [...grid.rows, grid.header.map(() => "")] });
    setPinned((p) => [...p, grid.rows.length]);
  };

  return (
    <div className="table-editor">
      <div className="row">
        <div className="field">
          <label htmlFor="table-filter">Find rows</label>
          <input
            id="table-filter"
            type="search"
            className="medium"
            value={filter}
            placeholder="any cell"
            onChange={(e) => {
              setFilter(e.target.value);
              setPinned([]);
            }}
          />
        </div>
        <p id="table-count" className="meta" data-shown={visible.length} data-total={grid.rows.length} data-matching={matching.length}>
          Showing {visible.length} of {grid.rows.length} rows
          {needle ? `; ${matching.length} match “${filter.trim()}”` : ""}
          {matching.length > MAX_ROWS ? `; filter to find rows past the first ${MAX_ROWS}` : ""}.
        </p>
      </div>
      <div className="table-scroll">
        <table className="rate-table" data-table-file={grid.file} aria-label={`Table ${grid.name}`}>
          <thead>
            <tr>
              <th scope="col">Row</th>
              {grid.header.map((h) => (
                <th scope="col" key={h} title={grid.keys.includes(h) ? "Key column" : undefined}>
                  {h}
                  {grid.keys.includes(h) && <span className="meta"> (key)</span>}
                </th>
              ))}
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {visible.map((r) => (
              <tr key={r} data-row={r}>
                <th scope="row">{r + 1}</th>
                {grid.rows[r].map((cell, c) => {
                  const invalid = problemRow === r && problem?.field === grid.header[c];
                  return (
                    <td key={c}>
                      <input
                        data-row={r}
                        data-col={c}
                        aria-label={`${grid.header[c]}, row ${r + 1}`}
                        className={changed(r, c) ? "changed" : undefined}
                        aria-invalid={invalid ? "true" : undefined}
                        aria-describedby={invalid ? "draft-problem" : undefined}
                        value={cell}
                        onChange={(e) => setCell(r, c, e.target.value)}
                      />
                    </td>
                  );
                })}
                <td>
                  <button type="button" className="secondary remove-row" aria-label={`Remove row ${r + 1}`} onClick={() => removeRow(r)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="actions">
        <button type="button" className="secondary" id="add-row" onClick={addRow}>
          Add a row
        </button>
      </div>
    </div>
  );
}

function RateEditor({
  basePackId,
  draft,
  onSaved,
  onOpenImpact,
  onClose,
}: {
  basePackId: string;
  draft: StoredRateDraft | null;
  onSaved: (draft: StoredRateDraft) => void;
  onOpenImpact: (draft: StoredRateDraft) => void;
  onClose: () => void;
}) {
  const [pack, setPack] = useState<Loaded<EditorPack>>({ kind: "loading" });
  const [edits, setEdits] = useState<DraftEdits>(() => draft?.edits ?? noEdits());
  const [check, setCheck] = useState<Check>({ status: "checking", diff: null, problem: null, error: null });
  const [tableFile, setTableFile] = useState("");
  const [note, setNote] = useState(draft?.note ?? "");
  // The first save makes a draft; later ones update it.
  const [draftId, setDraftId] = useState<string | null>(draft?.draft_id ?? null);
  const [save, setSave] = useState<Save>({ kind: "idle" });
  const checkSeq = useRef(0);

  useEffect(() => {
    api.openPackForEditing(basePackId).then(
      (value) => {
        setPack({ kind: "loaded", value });
        setTableFile((file) => file || (value.tables[0]?.file ?? ""));
        // A new revision starts with effective dates after the base's.
        if (!draft) {
          const dates = proposedDates(value.fields, new Date().toISOString().slice(0, 10));
          setEdits((e) => ({ ...e, fields: { ...dates, ...e.fields } }));
        }
      },
      (error: CommandError) => setPack({ kind: "failed", error }),
    );
  }, [basePackId]);

  // Check the draft once typing pauses; an answer to an older edit is dropped.
  const loaded = pack.kind === "loaded";
  useEffect(() => {
    if (!loaded) return;
    const seq = ++checkSeq.current;
    setCheck((c) => ({ ...c, status: "checking" }));
    const timer = setTimeout(() => {
      api.checkRateDraft(basePackId, edits).then(
        (result) => {
          if (seq === checkSeq.current) setCheck({ status: result.problem ? "problem" : "ok", diff: result.diff, problem: result.problem, error: null });
        },
        (error: CommandError) => {
          if (seq === checkSeq.current) setCheck((c) => ({ status: "problem", diff: c.diff, problem: null, error }));
        },
      );
    }, CHECK_DELAY_MS);
    return () => clearTimeout(timer);
  }, [basePackId, edits, loaded]);

  const fields = pack.kind === "loaded" ? pack.value.fields : [];
  const groups = useMemo(() => {
    const byGroup = new Map<string, ManifestField[]>();
    for (const f of fields) byGroup.set(f.group, [...(byGroup.get(f.group) ?? []), f]);
    return [...byGroup];
  }, [fields]);

  if (pack.kind === "loading") return <p aria-busy="true">Opening {packName(basePackId)}...</p>;
  if (pack.kind === "failed") {
    return (
      <div role="alert" className="error" id="editor-error" data-code={pack.error.code}>
        {packName(basePackId)} could not be opened. {explain(pack.error)}
      </div>
    );
  }

  const setField = (field: ManifestField, value: string) =>
    setEdits((e) => {
      const next = { ...e.fields };
      // Back to the base value is no change at all.
      if (value === field.value) delete next[field.key];
      else next[field.key] = value;
      return { ...e, fields: next };
    });
  const setTable = (base: TableGrid, grid: TableGrid) =>
    setEdits((e) => {
      const next = { ...e.tables };
      if (sameRows(grid.rows, base.rows)) delete next[base.file];
      else next[base.file] = grid;
      return { ...e, tables: next };
    });

  async function saveDraft() {
    setSave({ kind: "busy" });
    try {
      const saved = await api.saveRateDraft(draftId, basePackId, edits, note);
      setDraftId(saved.draft_id);
      setSave({ kind: "done", draft: saved, edits: JSON.stringify(edits) });
      onSaved(saved);
    } catch (e) {
      setSave({ kind: "failed", error: e as CommandError });
    }
  }

  const problem = check.problem;
  // A save refused on a field (`version` must change) marks that field too.
  const refused = new Set(save.kind === "failed" ? (save.error.fields ?? []).map((f) => f.path) : []);
  const baseTable = pack.value.tables.find((t) => t.file === tableFile);
  const problemTable = problem?.file ? pack.value.tables.find((t) => t.file === problem.file) : undefined;
  const changes = hasChanges(edits);

  return (
    <div id="rate-editor" data-check={check.status} data-base-pack-id={basePackId} data-draft-id={draftId ?? undefined}>
      <div className="editor-head">
        <h3>
          Editing {packName(basePackId)}
          {draftId && <span className="meta"> draft {draftId}</span>}
        </h3>
        <button type="button" className="secondary" id="close-editor" onClick={onClose}>
          Close
        </button>
      </div>
      <p className="meta" role="status" id="draft-check">
        {check.status === "checking" ? "Checking the draft..." : check.status === "ok" ? "The draft loads." : "The draft does not load yet."}
      </p>
      {(problem || check.error) && (
        <div id="draft-problem" role="alert" className="error" data-code={check.error?.code} data-file={problem?.file ?? undefined}>
          {problem ? (
            <>
              <strong>The draft does not load:</strong> {problem.message} <span className="problem-place">{problemPlace(problem, fields)}</span>
              {problemTable && problemTable.file !== tableFile && (
                <>
                  {" "}
                  <button type="button" className="link" id="show-problem-table" onClick={() => setTableFile(problemTable.file)}>
                    Open table {problemTable.name}
                  </button>
                </>
              )}
            </>
          ) : (
            check.error && explain(check.error)
          )}
        </div>
      )}
      {groups.map(([group, groupFields]) => (
        <fieldset key={group} data-group={group}>
          <legend>{group}</legend>
          {groupFields.map((f) => (
            <FieldInput
              key={f.key}
              field={f}
              value={edits.fields[f.key] ?? f.value}
              invalid={problem?.key === f.key || refused.has(f.key)}
              onChange={(value) => setField(f, value)}
            />
          ))}
        </fieldset>
      ))}
      {pack.value.tables.length > 0 && (
        <fieldset className="tables">
          <legend>Tables</legend>
          <div className="field">
            <label htmlFor="table-choice">Table</label>
            <select id="table-choice" value={tableFile} onChange={(e) => setTableFile(e.target.value)}>
              {pack.value.tables.map((t) => (
                <option key={t.file} value={t.file}>
                  {t.name}
                  {edits.tables[t.file] ? " (changed)" : ""}
                </option>
              ))}
            </select>
          </div>
          {baseTable && (
            <TableEditor
              key={baseTable.file}
              base={baseTable}
              grid={edits.tables[baseTable.file] ?? baseTable}
              diff={check.diff}
              problem={problem}
              onChange={(grid) => setTable(baseTable, grid)}
            />
          )}
        </fieldset>
      )}
      {check.diff && <PackDiffView diff={check.diff} id="draft-diff" />}
      <div className="field wide">
        <label htmlFor="draft-note">Note for the approver</label>
        <textarea id="draft-note" rows={3} cols={60} value={note} onChange={(e) => setNote(e.target.value)} />
      </div>
      <div className="actions">
        <button type="button" id="save-draft" disabled={check.status !== "ok" || !changes || save.kind === "busy"} onClick={saveDraft}>
          {save.kind === "busy" ? "Saving..." : draftId ? "Save draft" : "Save as a new draft"}
        </button>
        {!changes && <span className="meta">Change a value or a table to save a draft.</span>}
      </div>
      {save.kind === "done" && (
        <p id="draft-saved" role="status" data-draft-id={save.draft.draft_id}>
          Saved draft {packName(save.draft.pack_id)}.{save.edits !== JSON.stringify(edits) && " Changes since then are not saved yet."}{" "}
          <button type="button" className="link" id="open-draft-impact" onClick={() => onOpenImpact(save.draft)}>
            See its impact and submit it
          </button>
        </p>
      )}
      {save.kind === "failed" && (
        <div role="alert" className="error" id="save-error" data-code={save.error.code}>
          The draft was not saved. {explain(save.error)}
          {save.error.fields && save.error.fields.length > 0 && (
            <ul>
              {save.error.fields.map((f) => (
                <li key={`${f.path}-${f.message}`} data-path={f.path}>
                  {f.path}: {f.message}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}

type BookKind = "local" | "server" | "file";

const BOOK_LABELS: [BookKind, string][] = [
  ["local", "Quotes on this workstation"],
  ["server", "The server's book"],
  ["file", "An imported book"],
];

function RateImpact({ draft, onChanged }: { draft: StoredRateDraft; onChanged: () => void }) {
  const [current, setCurrent] = useState(draft);
  const [book, setBook] = useState<BookKind>("local");
  const [books, setBooks] = useState<Loaded<BookFileView[]> | null>(null);
  const [fileName, setFileName] = useState("");
  const [submit, setSubmit] = useState<{ busy: boolean; error: CommandError | null }>({ busy: false, error: null });
  // A run on a draft being edited is recorded with it: the list shows it attached.
  const { state, run, cancel } = useImpactRun(onChanged);

  useEffect(() => {
    if (book !== "file" || books !== null) return;
    setBooks({ kind: "loading" });
    api.impactBooks().then(
      (value) => {
        setBooks({ kind: "loaded", value });
        setFileName((name) => name || (value[0]?.fileName ?? ""));
      },
      (error: CommandError) => setBooks({ kind: "failed", error }),
    );
  }, [book, books]);

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
            <input type="radio" name="impact-book" id={`impact-book-choice-${kind}`} value={kind} checked={book === kind} onChange={() => setBook(kind)} />
            <label htmlFor={`impact-book-choice-${kind}`}>{label}</label>
          </div>
        ))}
        {book === "file" && books?.kind === "loading" && <p aria-busy="true">Looking in the Books folder...</p>}
        {book === "file" && books?.kind === "failed" && (
          <div role="alert" className="error" data-code={books.error.code}>
            {explain(books.error)}
          </div>
        )}
        {book === "file" && books?.kind === "loaded" && books.value.length === 0 && (
          <p className="meta" id="impact-no-books">
            No books yet: put a canonical <code>.jsonl</code> book in the <strong>Books</strong> folder of your documents folder.{" "}
            <code>uw book import</code> writes one from a legacy dump.
          </p>
        )}
        {book === "file" && books?.kind === "loaded" && books.value.length > 0 && (
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
      {state.kind === "running" && <ImpactRunning progress={state.progress} progressId="impact-progress" cancelId="cancel-impact" onCancel={cancel} />}
      {state.kind === "cancelled" && (
        <p role="status" id="impact-cancelled">
          Cancelled.
        </p>
      )}
      {state.kind === "failed" && (
        <div role="alert" className="error" id="impact-error" data-code={state.error.code}>
          The impact run failed. {explain(state.error)}
        </div>
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
          {submit.error && (
            <div role="alert" className="error" id="submit-error" data-code={submit.error.code}>
              {explain(submit.error)}
            </div>
          )}
        </div>
      ) : (
        <p id="draft-status" role="status" data-status={current.status}>
          {draftStatusText(current)}
        </p>
      )}
    </section>
  );
}

type Panel =
  | { kind: "none" }
  | { kind: "editor"; basePackId: string; draft: StoredRateDraft | null; key: number }
  | { kind: "impact"; draft: StoredRateDraft; key: number };

export function Rates() {
  const [packs, setPacks] = useState<Loaded<PackSummary[]>>({ kind: "loading" });
  const [drafts, setDrafts] = useState<Loaded<StoredRateDraft[]>>({ kind: "loading" });
  const [panel, setPanel] = useState<Panel>({ kind: "none" });
  // Opening a panel again starts it afresh, even for the same pack or draft.
  const opened = useRef(0);

  const loadDrafts = useCallback(() => {
    api.rateDrafts().then(
      (value) => setDrafts({ kind: "loaded", value }),
      (error: CommandError) => setDrafts({ kind: "failed", error }),
    );
  }, []);
  useEffect(() => {
    api.dashboard().then(
      (d) => setPacks({ kind: "loaded", value: d.packs }),
      (error: CommandError) => setPacks({ kind: "failed", error }),
    );
    loadDrafts();
  }, [loadDrafts]);

  // The panel opens below the lists; bring it into view (jsdom has no scrolling).
  const panelRef = useRef<HTMLDivElement>(null);
  const panelKey = panel.kind === "none" ? 0 : panel.key;
  useEffect(() => {
    if (panelKey) panelRef.current?.scrollIntoView?.({ block: "start", behavior: "smooth" });
  }, [panelKey]);

  const openEditor = (basePackId: string, draft: StoredRateDraft | null) =>
    setPanel({ kind: "editor", basePackId, draft, key: ++opened.current });
  const openImpact = (draft: StoredRateDraft) => setPanel({ kind: "impact", draft, key: ++opened.current });

  return (
    <section id="rates" aria-labelledby="rates-heading">
      <h2 id="rates-heading">Rates</h2>
      <h3>Packs on this workstation</h3>
      {packs.kind === "loading" && <p aria-busy="true">Loading...</p>}
      {packs.kind === "failed" && (
        <div role="alert" className="error" data-code={packs.error.code}>
          {explain(packs.error)}
        </div>
      )}
      {packs.kind === "loaded" && (
        <ul className="packs" id="rate-packs">
          {packs.value.map((p) => (
            <li key={p.pack_id} data-pack-id={p.pack_id} title={p.pack_id}>
              <button type="button" className="secondary open-pack" data-pack-id={p.pack_id} onClick={() => openEditor(p.pack_id, null)}>
                Edit {packName(p.pack_id)}
              </button>{" "}
              <span className="meta">
                {p.state} {p.product === "personal-auto" ? "auto" : "homeowners"}, new business from {p.effective_new_business}
                {p.in_force ? ", in force" : ""}
              </span>
            </li>
          ))}
        </ul>
      )}
      <h3>My drafts</h3>
      {drafts.kind === "loading" && <p aria-busy="true">Loading...</p>}
      {drafts.kind === "failed" && (
        <div role="alert" className="error" data-code={drafts.error.code}>
          {explain(drafts.error)}
        </div>
      )}
      {drafts.kind === "loaded" && drafts.value.length === 0 && <p className="meta">No drafts yet: edit a pack to start one.</p>}
      {drafts.kind === "loaded" && drafts.value.length > 0 && (
        <ul className="rate-drafts" id="rate-drafts">
          {drafts.value.map((d) => (
            <li key={d.draft_id} className="rate-draft" data-draft-id={d.draft_id} data-status={d.status}>
              <strong>{packName(d.pack_id)}</strong> <span className={`status status-${d.status}`}>{d.status}</span>{" "}
              <span className="meta">
                from {packName(d.base_pack_id)}, changed {d.updated_at.replace("T", " ").slice(0, 16)}
              </span>
              {d.note && <p className="draft-note">{d.note}</p>}
              {d.decided_by && (
                <p className="draft-decision">
                  {d.status === "approved" ? "Approved" : d.status === "rejected" ? "Rejected" : "Decided"} by {d.decided_by}
                  {d.comment ? `: ${d.comment}` : ""}
                </p>
              )}
              <p className="meta draft-impact-state">{d.impact !== null && d.impact !== undefined ? "Impact run attached." : "No impact run attached."}</p>
              <div className="row-actions">
                {d.status === "editing" && (
                  <button type="button" className="secondary resume-draft" onClick={() => openEditor(d.base_pack_id, d)}>
                    Resume editing
                  </button>
                )}
                <button type="button" className="secondary draft-impact" onClick={() => openImpact(d)}>
                  {d.status === "editing" ? "Impact and submit" : "Impact"}
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
      <div ref={panelRef}>
        {panel.kind === "editor" && (
          <RateEditor
            key={panel.key}
            basePackId={panel.basePackId}
            draft={panel.draft}
            onSaved={loadDrafts}
            onOpenImpact={openImpact}
            onClose={() => setPanel({ kind: "none" })}
          />
        )}
        {panel.kind === "impact" && <RateImpact key={panel.key} draft={panel.draft} onChanged={loadDrafts} />}
      </div>
    </section>
  );
}
