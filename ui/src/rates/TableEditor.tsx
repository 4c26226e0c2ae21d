// One rate table as a grid of inputs: find rows, edit cells, add and remove
// rows; changed cells and the loader's problem are marked.
import { useState } from "react";
import type { PackDiff, Problem, TableGrid } from "../bindings";
import { tableLabel } from "../shared/language";
import { MAX_ROWS } from "./drafts";

export function TableEditor({
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
        <table className="rate-table" data-table-file={grid.file} aria-label={`Table ${tableLabel(grid.name)}`}>
          <thead>
            <tr>
              <th scope="col">Row</th>
              {grid.header.map((h) => (
                <th scope="col" key={h} data-column={h} title={grid.keys.includes(h) ? "Key column" : undefined}>
                  {tableLabel(h)}
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
                        aria-label={`${tableLabel(grid.header[c])}, row ${r + 1}`}
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
