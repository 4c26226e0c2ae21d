// How a draft pack differs from its base: changed manifest values, table
// cells, added and removed rows, and other manifest lines. The rate editor
// shows it as the underwriter types; the approvals screen shows a submitted
// draft's, so the approver reads the same thing the author did.
import type { PackDiff } from "../bindings";
import { tableLabel } from "../shared/language";

/** A value that is absent on one side reads "(none)", not an empty cell. */
function Change({ before, after }: { before: string | null; after: string | null }) {
  return (
    <>
      <span className="before">{before ?? "(none)"}</span> → <span className="after">{after ?? "(none)"}</span>
    </>
  );
}

export function isEmptyDiff(diff: PackDiff): boolean {
  return diff.fields.length === 0 && diff.tables.length === 0 && diff.manifest_lines.length === 0 && diff.other_files.length === 0;
}

export function PackDiffView({ diff, id, heading = "Changes from the base pack" }: { diff: PackDiff; id: string; heading?: string }) {
  const cells = diff.tables.flatMap((t) => t.cells.map((c) => ({ table: t, change: c })));
  const added = diff.tables.flatMap((t) => t.added.map((r) => ({ table: t, row: r })));
  const removed = diff.tables.flatMap((t) => t.removed.map((r) => ({ table: t, row: r })));
  return (
    <section id={id} className="pack-diff" aria-label={heading} data-empty={isEmptyDiff(diff) ? "true" : undefined}>
      <h3>{heading}</h3>
      {isEmptyDiff(diff) && <p className="meta">No changes from the base pack.</p>}
      {diff.fields.length > 0 && (
        <table className="diff-fields">
          <caption>Manifest values</caption>
          <thead>
            <tr>
              <th scope="col">Value</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {diff.fields.map((f) => (
              <tr key={f.key} className="diff-field" data-key={f.key}>
                <td>
                  {f.label} <span className="meta">line {f.line}</span>
                </td>
                <td>
                  <Change before={f.before} after={f.after} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {cells.length > 0 && (
        <table className="diff-cells">
          <caption>Table cells</caption>
          <thead>
            <tr>
              <th scope="col">Table</th>
              <th scope="col">Row</th>
              <th scope="col">Column</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {cells.map(({ table, change }) => (
              <tr
                key={`${table.file}-${change.row}-${change.column}`}
                className="diff-cell"
                data-table={table.file}
                data-row={change.row}
                data-column={change.column}
              >
                <td>{tableLabel(table.name)}</td>
                <td>
                  {change.key.join(" / ")} <span className="meta">line {change.line}</span>
                </td>
                <td>{tableLabel(change.column)}</td>
                <td>
                  <Change before={change.before} after={change.after} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {(added.length > 0 || removed.length > 0) && (
        <table className="diff-rows">
          <caption>Rows added and removed</caption>
          <thead>
            <tr>
              <th scope="col">Table</th>
              <th scope="col">Row</th>
              <th scope="col">Cells</th>
            </tr>
          </thead>
          <tbody>
            {added.map(({ table, row }) => (
              <tr key={`a-${table.file}-${row.line}`} className="diff-row-added" data-table={table.file}>
                <td>{tableLabel(table.name)}</td>
                <td>
                  Added {row.key.join(" / ")} <span className="meta">line {row.line}</span>
                </td>
                <td>{row.cells.join(", ")}</td>
              </tr>
            ))}
            {removed.map(({ table, row }) => (
              <tr key={`r-${table.file}-${row.line}`} className="diff-row-removed" data-table={table.file}>
                <td>{tableLabel(table.name)}</td>
                <td>
                  Removed {row.key.join(" / ")} <span className="meta">base line {row.line}</span>
                </td>
                <td>{row.cells.join(", ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {diff.manifest_lines.length > 0 && (
        <table className="diff-lines">
          <caption>Other manifest lines</caption>
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Change</th>
            </tr>
          </thead>
          <tbody>
            {diff.manifest_lines.map((l, i) => (
              <tr key={i} className="diff-line">
                <td>
                  {l.base_line ?? "new"} → {l.draft_line ?? "removed"}
                </td>
                <td>
                  <code>
                    <Change before={l.before} after={l.after} />
                  </code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {diff.other_files.length > 0 && <p className="diff-files">Other files changed: {diff.other_files.join(", ")}</p>}
    </section>
  );
}
