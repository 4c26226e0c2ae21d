// The states (and DC) a state field offers, and how what is typed into one
// becomes a two-letter code: the form keeps the code, the list shows the name.
import { stateName } from "../shared/language";

/** The fifty states and the District of Columbia, by postal code. */
export const STATE_CODES = [
  "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
  "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC",
  "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
]; // prettier-ignore

const CODES = new Set(STATE_CODES);

/** `CA` reads "CA — California". */
export function stateOption(code: string): string {
  return `${code} — ${stateName(code)}`;
}

/** Whether `text` is the start of a state's name (`new y` is New York's). */
function startsAName(text: string): boolean {
  const t = text.trim().toLowerCase();
  return t.length > 0 && STATE_CODES.some((c) => stateName(c).toLowerCase().startsWith(t));
}

/**
 * The field's text after a keystroke. Two letters or fewer read as a code
 * (upper case); a chosen option ("CA — California") as its code; typing on
 * after a whole code (the ZIP look-up filled `NY`, the agent types `CA`)
 * starts a new code rather than being lost; anything else (a name being
 * typed) stays as typed, until the field is left.
 */
export function typedState(previous: string, typed: string): string {
  const option = /^\s*([A-Za-z]{2})\s+—/.exec(typed);
  if (option) return option[1].toUpperCase();
  const prev = previous.trim().toUpperCase();
  if (CODES.has(prev) && typed.length > prev.length && typed.toUpperCase().startsWith(prev) && !startsAName(typed)) {
    return typedState("", typed.slice(prev.length));
  }
  return typed.trim().length <= 2 ? typed.toUpperCase() : typed;
}

/** The field's text as it is left: a code, or a state's name (or the only state it starts), as its code. */
export function resolveState(text: string): string {
  const t = text.trim();
  if (t.length <= 2) return t.toUpperCase();
  const option = /^([A-Za-z]{2})\s+—/.exec(t);
  if (option) return option[1].toUpperCase();
  const lower = t.toLowerCase();
  const exact = STATE_CODES.find((c) => stateName(c).toLowerCase() === lower);
  if (exact) return exact;
  const starting = STATE_CODES.filter((c) => stateName(c).toLowerCase().startsWith(lower));
  return starting.length === 1 ? starting[0] : text;
}

/** Whether a state (by code) matches the typed text: its code starts it, or its name contains it. */
export function matchesState(code: string, typed: string): boolean {
  const t = typed.trim().toLowerCase();
  if (!t) return true;
  return code.toLowerCase().startsWith(t) || stateName(code).toLowerCase().includes(t);
}
