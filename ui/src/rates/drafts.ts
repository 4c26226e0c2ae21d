// What the rate editor works out about a draft: its first effective dates,
// its inputs' ids, whether it changes anything, where a loader problem is,
// and its status in words.
import type { DraftEdits, ManifestField, Problem, StoredRateDraft } from "../bindings";

/** How long typing pauses before the loader checks the draft: a check compiles the whole pack. */
export const CHECK_DELAY_MS = 300;
/** Rows a table renders at once; a territory table has thousands, so the filter finds the rest. */
export const MAX_ROWS = 100;

export const noEdits = (): DraftEdits => ({ fields: {}, tables: {} });

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

export function sameRows(a: string[][], b: string[][]): boolean {
  return a.length === b.length && a.every((row, i) => row.length === b[i].length && row.every((cell, j) => cell === b[i][j]));
}

export function hasChanges(edits: DraftEdits): boolean {
  return Object.keys(edits.fields).length > 0 || Object.keys(edits.tables).length > 0;
}

/** Where a loader problem is, in the words of the editor's grid (rows numbered from 1, as shown). */
export function problemPlace(problem: Problem, fields: ManifestField[]): string {
  const label = problem.key ? fields.find((f) => f.key === problem.key)?.label : undefined;
  const parts = [
    problem.file,
    problem.line !== null ? `line ${problem.line}` : null,
    problem.row !== null ? `row ${problem.row + 1}` : null,
    label ? `field ${label}` : problem.field ? `${problem.row !== null ? "column" : "field"} ${problem.field}` : null,
  ].filter(Boolean);
  return parts.length ? `In ${parts.join(", ")}.` : "";
}

export function draftStatusText(draft: StoredRateDraft): string {
  switch (draft.status) {
    case "editing":
      return "Being edited.";
    case "submitted":
      return draft.sent_at
        ? "Submitted and delivered; it awaits another underwriter's decision."
        : "Submitted for approval; the next sync delivers it.";
    case "approved":
      return `Approved by ${draft.decided_by ?? "another underwriter"}${draft.comment ? `: ${draft.comment}` : "."}`;
    case "rejected":
      return `Rejected by ${draft.decided_by ?? "another underwriter"}${draft.comment ? `: ${draft.comment}` : "."}`;
    default:
      return draft.status;
  }
}
