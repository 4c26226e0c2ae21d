// Editing a pack into a draft: its manifest values and tables, checked by
// the loader as the underwriter types, saved with a new version.
import { useEffect, useMemo, useRef, useState } from "react";
import { api, CommandError } from "../api";
import type { DraftEdits, ManifestField, PackDiff, Problem, StoredRateDraft, TableGrid } from "../bindings";
import { DateInput } from "../shared/DateField";
import { ErrorBox, ErrorText } from "../shared/ErrorBox";
import { packName } from "../shared/format";
import { useCommand } from "../shared/useCommand";
import { CHECK_DELAY_MS, fieldInputId, hasChanges, noEdits, problemPlace, proposedDates, sameRows } from "./drafts";
import { tableLabel } from "../shared/language";
import { PackDiffView } from "./PackDiff";
import { TableEditor } from "./TableEditor";

/** The loader's verdict on the draft as it stands; the diff and problem stay shown while the next check runs. */
type Check = {
  /** The edits the loader answered for; other edits are still being checked. */
  edits: DraftEdits | null;
  status: "ok" | "problem";
  diff: PackDiff | null;
  problem: Problem | null;
  error: CommandError | null;
};

type Save =
  { kind: "idle" } | { kind: "busy" } | { kind: "done"; draft: StoredRateDraft; edits: string } | { kind: "failed"; error: CommandError };

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
  const inputClass = `medium${changed ? " changed" : ""}`;
  const describedBy = invalid ? "draft-problem" : changed ? `${id}-was` : undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{field.label}</label>
      {field.kind === "date" ? (
        <DateInput
          id={id}
          fieldKey={field.key}
          className={inputClass}
          value={value}
          inputMode="numeric"
          invalid={invalid}
          describedBy={describedBy}
          pickerLabel={`Choose date: ${field.label}`}
          calendarLabel={field.label}
          onChange={onChange}
        />
      ) : (
        <input
          id={id}
          data-field-key={field.key}
          type="text"
          className={inputClass}
          value={value}
          aria-invalid={invalid ? "true" : undefined}
          aria-describedby={describedBy}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {changed && (
        <span className="hint" id={`${id}-was`}>
          Was {field.value || "(empty)"}
        </span>
      )}
    </div>
  );
}

const NO_FIELDS: ManifestField[] = [];

export function RateEditor({
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
  const [edits, setEdits] = useState<DraftEdits>(() => draft?.edits ?? noEdits());
  const [check, setCheck] = useState<Check>({ edits: null, status: "problem", diff: null, problem: null, error: null });
  const [tableFile, setTableFile] = useState("");
  const [note, setNote] = useState(draft?.note ?? "");
  // The first save makes a draft; later ones update it.
  const [draftId, setDraftId] = useState<string | null>(draft?.draft_id ?? null);
  const [save, setSave] = useState<Save>({ kind: "idle" });
  const checkSeq = useRef(0);

  const pack = useCommand(api.openPackForEditing, [basePackId], {
    onLoaded: (value) => {
      setTableFile((file) => file || (value.tables[0]?.file ?? ""));
      // A new revision starts with effective dates after the base's.
      if (!draft) {
        const dates = proposedDates(value.fields, new Date().toISOString().slice(0, 10));
        setEdits((e) => ({ ...e, fields: { ...dates, ...e.fields } }));
      }
    },
  });

  // Check the draft once typing pauses; an answer to an older edit is dropped.
  const loaded = pack.kind === "loaded";
  useEffect(() => {
    if (!loaded) return;
    const seq = ++checkSeq.current;
    const timer = setTimeout(() => {
      api.checkRateDraft(basePackId, edits).then(
        (result) => {
          if (seq === checkSeq.current)
            setCheck({ edits, status: result.problem ? "problem" : "ok", diff: result.diff, problem: result.problem, error: null });
        },
        (error: CommandError) => {
          if (seq === checkSeq.current) setCheck((c) => ({ edits, status: "problem", diff: c.diff, problem: null, error }));
        },
      );
    }, CHECK_DELAY_MS);
    return () => clearTimeout(timer);
  }, [basePackId, edits, loaded]);

  // Until the loader answers for the edits as they stand, the last answer stays shown as "checking".
  const status = loaded && check.edits === edits ? check.status : "checking";

  const fields = pack.kind === "loaded" ? pack.value.fields : NO_FIELDS;
  const groups = useMemo(() => {
    const byGroup = new Map<string, ManifestField[]>();
    for (const f of fields) byGroup.set(f.group, [...(byGroup.get(f.group) ?? []), f]);
    return [...byGroup];
  }, [fields]);

  if (pack.kind === "loading") return <p aria-busy="true">Opening {packName(basePackId)}...</p>;
  if (pack.kind === "failed") {
    return (
      <ErrorBox id="editor-error" error={pack.error}>
        {packName(basePackId)} could not be opened.
      </ErrorBox>
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
    <div id="rate-editor" data-check={status} data-base-pack-id={basePackId} data-draft-id={draftId ?? undefined}>
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
        {status === "checking" ? "Checking the draft..." : status === "ok" ? "The draft loads." : "The draft does not load yet."}
      </p>
      {(problem || check.error) && (
        <div id="draft-problem" role="alert" className="error" data-code={check.error?.code} data-file={problem?.file ?? undefined}>
          {problem ? (
            <>
              <strong>The draft does not load:</strong> {problem.message}{" "}
              <span className="problem-place">{problemPlace(problem, fields)}</span>
              {problemTable && problemTable.file !== tableFile && (
                <>
                  {" "}
                  <button type="button" className="link" id="show-problem-table" onClick={() => setTableFile(problemTable.file)}>
                    Open table {tableLabel(problemTable.name)}
                  </button>
                </>
              )}
            </>
          ) : (
            check.error && <ErrorText error={check.error} />
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
                  {tableLabel(t.name)}
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
        <button type="button" id="save-draft" disabled={status !== "ok" || !changes || save.kind === "busy"} onClick={saveDraft}>
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
        <ErrorBox id="save-error" error={save.error}>
          The draft was not saved.
        </ErrorBox>
      )}
    </div>
  );
}
