// The typed boundary to the Tauri commands in src-tauri/src/main.rs.
import { invoke } from "@tauri-apps/api/core";

/** The one error shape every command returns. Switch on `code`, never on `message`. */
export interface CommandError {
  code: string;
  message: string;
}

export interface WorksheetLine {
  step: string;
  key: string | null;
  label: string | null;
  /** Decimal as a string: money never becomes a JavaScript float. */
  value: string;
  subtotal: string;
}

export interface CoverageView {
  code: string;
  name: string;
  option: string | null;
  premium: string;
  worksheet: WorksheetLine[];
}

export interface QuoteView {
  quoteId: number;
  packId: string;
  /** The term premium, a decimal string. */
  premium: string;
  coverages: CoverageView[];
  fees: { name: string; amount: string }[];
  assumptions: string[];
  decision: "accept" | "refer" | "decline";
  reasons: string[];
}

export function isCommandError(e: unknown): e is CommandError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

function asCommandError(e: unknown): CommandError {
  if (isCommandError(e)) return e;
  return { code: "ipc.failed", message: String(e) };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw asCommandError(e);
  }
}

export const api = {
  startupStatus: () => call<null>("startup_status"),
  rateQuote: (zip: string, vehicleYear: number) => call<QuoteView>("rate_quote", { zip, vehicleYear }),
};

/** Formats a decimal string as US dollars without converting it to a float. */
export function formatUsd(decimal: string): string {
  const negative = decimal.startsWith("-");
  const [whole, fraction] = (negative ? decimal.slice(1) : decimal).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const cents = fraction === undefined ? "" : `.${fraction.padEnd(2, "0")}`;
  return `${negative ? "-" : ""}$${grouped}${cents}`;
}
