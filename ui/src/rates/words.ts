// The impact report's words: the groups the engine sums a book by (coverage
// codes, territory labels, bands of change) as a rate analyst reads them.
// The engine's own name stays in the markup's `data-name` and in a `title`.
import { coverageName, sentenceCase, words } from "../shared/language";

/** A prefix some group names carry: `coverage:BI`, `territory=T19 Los Angeles County`. */
const PREFIXED = /^\s*([a-z][a-z_.]*)\s*[:=]\s*(.+)$/i;

/** A code's digits as a number: `057` is `57`. */
function number(digits: string): string {
  return digits.replace(/^0+(?=\d)/, "");
}

/**
 * A coverage group by its rate-pack code: `BI` (or `coverage:BI`) is
 * "Bodily injury", an unknown code reads as words (`ROADSIDE_PLUS` is
 * "Roadside plus").
 */
export function coverageGroupName(name: string): string {
  const m = PREFIXED.exec(name);
  const code = m && /^coverage$/i.test(m[1]) ? m[2].trim() : name.trim();
  return coverageName(code);
}

/**
 * A territory group as the engine labels it from the base pack's territory
 * table: `T19 Los Angeles County` is "Territory 19, Los Angeles County",
 * `T057` or `12` is "Territory 57" or "Territory 12". A ZIP code's territory
 * the table has no label for reads by its factor; one the table lacks says so.
 * Any other label stays as the pack wrote it.
 */
export function territoryGroupName(name: string): string {
  const m = PREFIXED.exec(name);
  const label = (m && /^territory$/i.test(m[1]) ? m[2] : name).trim();
  const coded = /^T(\d+)(?:\s*[-,:·]?\s+(.+))?$/i.exec(label);
  if (coded) return coded[2] ? `Territory ${number(coded[1])}, ${coded[2]}` : `Territory ${number(coded[1])}`;
  if (/^\d+$/.test(label)) return `Territory ${number(label)}`;
  const factor = /^factor\s+(\S+)$/i.exec(label);
  if (factor) return `Territory without a name (factor ${factor[1]})`;
  if (/^no territory$/i.test(label)) return "No territory for the ZIP code";
  // A label the pack wrote in words stays as written; a key (`north_coast`) reads as words.
  return /^\S+$/.test(label) && /[_.]|[a-z][A-Z]/.test(label) ? words(label) : label;
}

/**
 * A band of change in premium: `no change` is "No change", `decrease over
 * 10%` "Decrease over 10%"; a range such as `+5% to +10%` stays as written.
 */
export function bandName(name: string): string {
  return sentenceCase(name.trim());
}

/** The coverages a draft reprices, in a sentence: `["BI", "PD"]` is "bodily injury and property damage". */
export function coverageList(codes: string[]): string {
  const names = codes.map((c) => coverageGroupName(c).toLowerCase());
  return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}

/** Which pack a policy failed to rate with: `draft` is "Draft", `base` "Base". */
export function packSide(pack: string): string {
  return pack === "draft" ? "Draft" : pack === "base" ? "Base" : words(pack);
}
