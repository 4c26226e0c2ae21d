// A table's column headings: each a `th scope="col"`, a column of amounts
// right-aligned (`num`) as its cells are.

/** A heading: its text, or `num(text)` for a column of amounts. */
export type Column = string | { num: string };

/** The heading of a column of amounts. */
export const num = (label: string): Column => ({ num: label });

export function TableHead({ columns }: { columns: Column[] }) {
  return (
    <thead>
      <tr>
        {columns.map((c, i) =>
          typeof c === "string" ? (
            <th key={i} scope="col">
              {c}
            </th>
          ) : (
            <th key={i} scope="col" className="num">
              {c.num}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}
