// The dashboard's dates and counts in words.

/** A calendar date (`2026-01-19`) as "Jan 19", with the year when `withYear`; other text stays as written. */
export function dayLabel(date: string, withYear = false): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return date;
  const at = new Date(`${date}T00:00:00Z`);
  if (Number.isNaN(at.getTime())) return date;
  return at.toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC", ...(withYear ? { year: "numeric" } : {}) });
}

/** "1 quote", "3 quotes". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
