// The typed boundary to the Tauri commands in src-tauri/src/main.rs.
import { invoke } from "@tauri-apps/api/core";

/** The one error shape every command returns. Switch on `code`, never on `message`. */
export interface CommandError {
  code: string;
  message: string;
  /** The sync server's own code (e.g. `auth.invalid_credentials`) when it refused a request. */
  serverCode?: string;
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

/** This device's enrollment with a sync server. The device token never reaches the UI. */
export interface EnrollmentView {
  serverUrl: string;
  username: string;
  role: "agent" | "underwriter" | "admin" | "auditor";
  deviceId: string;
  deviceName: string;
  firstQuoteNumber: string;
  lastQuoteNumber: string;
  /** Null when the block is used up. */
  nextQuoteNumber: string | null;
  enrolledAt: string;
  tokenExpiresAt: string;
}

export type EnrollmentStatus = { state: "notEnrolled" } | ({ state: "enrolled" } & EnrollmentView);

export interface EnrollRequest {
  serverUrl: string;
  username: string;
  password: string;
  deviceName: string;
}

/** What one sync (push, then pull) did. */
export interface SyncResult {
  delivered: number;
  accepted: number;
  duplicate: number;
  rejected: number;
  conflict: number;
  policiesIssued: string[];
  changesPulled: number;
  changesApplied: number;
  changesNotApplied: number;
  packsInstalled: string[];
}

export interface SyncIssue {
  id: number;
  source: "push" | "pull";
  kind: string;
  subject: string | null;
  outcome: "rejected" | "conflict" | "not_applied";
  code: string | null;
  reason: string;
  currentVersion: number | null;
  receivedAt: string;
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
