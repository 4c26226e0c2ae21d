// Generated from the Rust types in src-tauri/src/main.rs by the test
// `bindings_are_current`; do not edit. To regenerate:
//   UW_UPDATE_BINDINGS=1 cargo test -p uw-desktop bindings_are_current

/**
 * The one error shape every command returns. Switch on `code`, never on `message`.
 */
export type CommandError = { code: string, message: string, 
/**
 * The sync server's own code (`auth.invalid_credentials`, ...) when a
 * sync request was refused; `code` stays the workstation's.
 */
serverCode?: string, };

/**
 * One line of a coverage's worksheet.
 */
export type WorksheetLine = { step: string, key: string | null, label: string | null, 
/**
 * Decimal as a string: money never becomes a JavaScript float.
 */
value: string, subtotal: string, };

export type CoverageView = { code: string, name: string, option: string | null, premium: string, worksheet: Array<WorksheetLine>, };

export type FeeView = { name: string, amount: string, };

/**
 * A rated quote as the UI shows it. Money travels as decimal strings so the
 * UI never holds a premium in a JavaScript float.
 */
export type QuoteView = { quoteId: number, packId: string, 
/**
 * The term premium, a decimal string.
 */
premium: string, coverages: Array<CoverageView>, fees: Array<FeeView>, assumptions: string[], decision: "accept" | "refer" | "decline", reasons: Array<string>, };

/**
 * This device's enrollment with a sync server. The device token never reaches the UI.
 */
export type EnrollmentView = { serverUrl: string, username: string, role: "agent" | "underwriter" | "admin" | "auditor", deviceId: string, deviceName: string, 
/**
 * The first and last quote numbers of the block the server granted.
 */
firstQuoteNumber: string, lastQuoteNumber: string, 
/**
 * The number the next new quote gets, or `None` when the block is used up.
 */
nextQuoteNumber: string | null, enrolledAt: string, tokenExpiresAt: string, };

/**
 * Whether this device is enrolled with a sync server. The device token
 * never leaves the workstation crate, so it cannot appear here.
 */
export type EnrollmentStatus = { "state": "notEnrolled" } | { "state": "enrolled" } & EnrollmentView;

/**
 * What one "Sync now" (push, then pull) did.
 */
export type SyncResult = { 
/**
 * Outbox operations the server answered for.
 */
delivered: number, accepted: number, duplicate: number, rejected: number, conflict: number, policiesIssued: Array<string>, changesPulled: number, changesApplied: number, changesNotApplied: number, packsInstalled: Array<string>, };

/**
 * Something sync could not do, for the agent to read and dismiss.
 */
export type SyncIssue = { id: number, source: "push" | "pull", kind: string, subject: string | null, outcome: "rejected" | "conflict" | "not_applied", code: string | null, reason: string, currentVersion: number | null, receivedAt: string, };
