// The typed boundary to the Tauri commands in src-tauri/src/main.rs.
import { invoke } from "@tauri-apps/api/core";

import type {
  CommandError,
  CoverageView,
  EnrollmentStatus,
  EnrollmentView,
  FeeView,
  QuoteView,
  SyncIssue,
  SyncResult,
  WorksheetLine,
} from "./bindings";

// The commands' output types are generated from the Rust types (./bindings.ts).
export type { CommandError, CoverageView, EnrollmentStatus, EnrollmentView, FeeView, QuoteView, SyncIssue, SyncResult, WorksheetLine };

export interface EnrollRequest {
  serverUrl: string;
  username: string;
  password: string;
  deviceName: string;
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
  enrollmentStatus: () => call<EnrollmentStatus>("enrollment_status"),
  enroll: (request: EnrollRequest) => call<EnrollmentView>("enroll", { ...request }),
  syncNow: () => call<SyncResult>("sync_now"),
  syncIssues: () => call<SyncIssue[]>("sync_issues"),
  dismissSyncIssue: (id: number) => call<boolean>("dismiss_sync_issue", { id }),
};

/** Formats a decimal string as US dollars without converting it to a float. */
export function formatUsd(decimal: string): string {
  const negative = decimal.startsWith("-");
  const [whole, fraction] = (negative ? decimal.slice(1) : decimal).split(".");
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const cents = fraction === undefined ? "" : `.${fraction.padEnd(2, "0")}`;
  return `${negative ? "-" : ""}$${grouped}${cents}`;
}
