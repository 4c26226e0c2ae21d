// Calendar dates as the forms keep them: YYYY-MM-DD.

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Today as YYYY-MM-DD in the agent's time zone. */
export function today(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** A date typed as YYYY-MM-DD that is on the calendar (not 2026-02-30). */
export function isDate(value: string): boolean {
  const v = value.trim();
  if (!DATE.test(v)) return false;
  const [y, m, d] = v.split("-").map(Number);
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/**
 * A date as typed, written as the form keeps it: the US `MM/DD/YYYY` (or
 * `M/D/YYYY`) becomes `YYYY-MM-DD`; anything else stays as typed, for the
 * checks to accept or refuse.
 */
export function isoDate(value: string): string {
  const m = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(value);
  if (!m) return value;
  return `${m[3]}-${m[1].padStart(2, "0")}-${m[2].padStart(2, "0")}`;
}
