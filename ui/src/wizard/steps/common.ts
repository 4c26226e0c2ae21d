// What every step of the wizard is given, and the small helpers they share.
import type { WizardForm } from "../form";

export interface StepProps {
  form: WizardForm;
  /** Changes the form (and marks it touched, so the draft is saved). */
  update: (change: (f: WizardForm) => WizardForm) => void;
  /** Sets one of the form's top-level fields. */
  set: <K extends keyof WizardForm>(key: K, value: WizardForm[K]) => void;
  /** The message to show next to a field, if any. */
  problemAt: (key: string) => string | undefined;
}

/** A YYYY-MM-DD date moved by whole years (`2026-02-01` less 40 is `1986-02-01`; 29 February lands on 1 March). */
export function yearsFrom(date: string, years: number): string {
  const year = String(Number(date.slice(0, 4)) + years).padStart(4, "0");
  const rest = date.slice(4) === "-02-29" ? "-03-01" : date.slice(4);
  return `${year}${rest}`;
}

/** `masonry-veneer` reads "Masonry veneer". */
export function kindLabel(kind: string): string {
  return kind.replace(/-/g, " ").replace(/^./, (c) => c.toUpperCase());
}

/** Replaces the item at `i` of `list`. */
export function at<T>(list: T[], i: number, value: T): T[] {
  return list.map((x, j) => (j === i ? value : x));
}
