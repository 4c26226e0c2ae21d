// A notification in words, and the screen it opens.
import type { Notification } from "../bindings";
import type { Screen } from "../shell/screens";
import { packLabel, syncKindLabel } from "../shared/language";

/** The underwriter's note in quotation marks, after a colon; nothing without one. */
function quoted(note: string | null): string {
  const text = note?.trim();
  return text ? `: “${text}”` : "";
}

/** What a change the server refused was about: its number, or the kind of change when it names none. */
function refusedSubject(subject: string): string {
  return /^[a-z_]+\.[a-z_]+$/.test(subject) ? `a ${syncKindLabel(subject).toLowerCase()}` : subject;
}

/** The notification as a sentence. */
export function notificationText(n: Notification): string {
  switch (n.kind) {
    case "policy_issued":
      return `Policy ${n.subject} was issued`;
    case "policy_changed":
      return `Policy ${n.subject} changed`;
    case "referral_approved":
      return `${n.subject} was approved by underwriting${quoted(n.note)}`;
    case "referral_declined":
      return `${n.subject} was declined by underwriting${quoted(n.note)}`;
    case "pack_installed":
      return `Rate pack ${packLabel(n.subject)} is installed`;
    case "draft_approved":
      return `Your rate draft for ${packLabel(n.subject)} was approved${quoted(n.note)}`;
    case "draft_rejected":
      return `Your rate draft for ${packLabel(n.subject)} was rejected${quoted(n.note)}`;
    case "change_refused":
      return `The server refused a change to ${refusedSubject(n.subject)} — open Sync for what to do`;
    default:
      return "Something changed on the server";
  }
}

/** Whether it is an underwriter's decision on a referred quote. */
export function isReferralDecision(n: Notification): boolean {
  return n.kind === "referral_approved" || n.kind === "referral_declined";
}

/** The screen a notification opens: its quote, its policy, Sync or the rates. */
export function notificationTarget(n: Notification, underwriter: boolean): Screen {
  switch (n.kind) {
    case "policy_issued":
    case "policy_changed":
      return { kind: "policy", policyNumber: n.subject, endorsement: null };
    case "referral_approved":
    case "referral_declined":
      return n.quote_id !== null ? { kind: "quote", quoteId: n.quote_id } : { kind: "quotes" };
    case "pack_installed":
      return underwriter ? { kind: "rates" } : { kind: "dashboard" };
    case "draft_approved":
    case "draft_rejected":
      return underwriter ? { kind: "rates" } : { kind: "dashboard" };
    default:
      return { kind: "sync" };
  }
}
