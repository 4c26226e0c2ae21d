// The audit log in the auditor's words: what each entry records as a
// sentence, who did it, what it was done to, and when. The log's own codes
// (`policy.bind`, `pack-key`, a user's 32-hex id) stay in each entry's
// Details disclosure; nothing here returns one.
import type { AuditEntryView } from "../api";
import { platformLabel } from "../shared/format";
import { packLabel, stateName, syncKindLabel, words } from "../shared/language";
import { ROLE_LABEL } from "./session";

/** The categories the log's actions begin with, as the filter offers them: the value is the prefix the server matches. */
export const ACTION_CATEGORIES: { value: string; label: string }[] = [
  { value: "", label: "All actions" },
  { value: "quote", label: "Quotes" },
  { value: "policy", label: "Policies" },
  { value: "referral", label: "Referrals" },
  { value: "pack", label: "Rate packs" },
  { value: "pack_key", label: "Pack signing keys" },
  { value: "user", label: "Users" },
  { value: "device", label: "Devices" },
  { value: "settings", label: "Organization settings" },
  { value: "organisation", label: "Organization details" },
  { value: "key", label: "Audit keys" },
  { value: "log", label: "Log" },
  { value: "login_throttle", label: "Sign-in limits" },
  { value: "desktop", label: "App versions and updates" },
  { value: "migration", label: "Legacy book migration" },
];

/** Each action the server records, as a sentence about the one who did it. */
const SENTENCES: Record<string, string> = {
  "quote.saved": "Saved a quote",
  "quote.rated": "Priced a quote",
  "quote.rated.refused": "A priced quote was refused",
  "quote.rated.conflict": "A priced quote was refused: the server had a newer version of it",
  "quote.bind_requested": "Asked to bind a quote",
  "referral.approve": "Approved a referral",
  "referral.decline": "Declined a referral",
  "policy.bind": "Bound a policy",
  "policy.bind.refused": "A bind was refused",
  "policy.bind.conflict": "A bind was refused",
  "policy.endorse": "Changed a policy (endorsement)",
  "policy.cancel": "Cancelled a policy",
  "policy.reinstate": "Reinstated a policy",
  "policy.offer_renewal": "Offered a renewal",
  "policy.renew": "Renewed a policy",
  "policy.non_renew": "Sent a non-renewal",
  "policy.transaction.referred": "A policy change was referred to an underwriter",
  "policy.transaction.refused": "A policy change was refused",
  "policy.transaction.conflict": "A policy change was refused: the server had a newer version of the policy",
  "policy.referral_approved": "Approved a referred policy change",
  "policy.referral_declined": "Declined a referred policy change",
  "pack.publish": "Published a rate pack",
  "pack.draft_submit": "Submitted a rate change for approval",
  "pack.draft_approve": "Approved a rate change",
  "pack.draft_reject": "Rejected a rate change",
  "pack_key.trust": "Trusted a pack signing key",
  "pack_key.request": "Asked for an approval key",
  "pack_key.request_refused": "Refused an approval key request",
  "pack_key.revoke": "Revoked a pack signing key",
  "user.add": "Added a user",
  "user.change": "Changed a user",
  "device.enroll": "Enrolled a device",
  "device.recover": "Recovered a device",
  "device.revoke": "Revoked a device",
  "device.token_renew": "A device renewed its access",
  "organisation.init": "Created the organization",
  "organisation.update": "Changed the organization's details",
  "settings.backdating": "Changed how far back changes may be dated",
  "settings.direct_publishing": "Changed whether rate packs may be published without approval",
  "login_throttle.clear": "Cleared sign-in limits",
  "desktop.versions": "Changed which app versions may sync",
  "desktop.release_added": "Added an app update",
  "key.rotate": "Replaced the audit log's signing key",
  "log.restored": "The log was restored from a backup",
  "policy.migrated": "Moved a policy from the legacy system",
  "policy.migration_rolled_back": "Removed a moved policy when its wave was rolled back",
  "device.legacy_source": "Recorded the legacy system as the source of moved policies",
  "migration.book_loaded": "Loaded a legacy book and routed its policies",
  "migration.wave_planned": "Planned a migration wave",
  "migration.dry_run": "Ran a migration wave's dry run",
  "migration.wave_stopped": "A migration wave was stopped by its checks",
  "migration.wave_started": "Started a migration wave",
  "migration.wave_completed": "A migration wave finished",
  "migration.wave_rolled_back": "Rolled back a migration wave",
};

/** What was refused, by the action it would have been: `policy.endorse.refused` is "An endorsement was refused". */
const REFUSED_SUBJECTS: Record<string, string> = {
  "quote.saved": "A saved quote",
  "quote.rated": "A priced quote",
  "quote.bind_requested": "A bind request",
  "policy.bind": "A bind",
  "policy.transaction": "A policy change",
  "policy.endorse": "An endorsement",
  "policy.cancel": "A cancellation",
  "policy.reinstate": "A reinstatement",
  "policy.offer_renewal": "A renewal offer",
  "policy.renew": "A renewal",
  "policy.non_renew": "A non-renewal",
  "referral.approve": "A referral approval",
  "referral.decline": "A referral decline",
};

/** An action the app has no sentence for, as words: `policy.split_term` is "Policy split term". */
function humanised(action: string): string {
  const text = words(action.replace(/[._]+/g, " "));
  return text === "" ? "An action the app does not name" : text;
}

/** What an entry records, as a sentence without its full stop: `policy.bind` is "Bound a policy". Never the code itself. */
export function entrySentence(e: Pick<AuditEntryView, "action">): string {
  const action = e.action.trim();
  const known = SENTENCES[action];
  if (known) return known;
  const refused = /^(.+)\.(refused|conflict)$/.exec(action);
  if (refused) {
    const subject = REFUSED_SUBJECTS[refused[1]] ?? humanised(refused[1]);
    return refused[2] === "conflict" ? `${subject} was refused: the server had a newer version` : `${subject} was refused`;
  }
  return humanised(action);
}

/** The server's command-line actor: the administration commands run on the server. */
const CLI_ACTOR = "admin-cli";

/** Who did it: the username, or the server in words ("The server", "Server administration (command line)"). */
export function actorName(e: Pick<AuditEntryView, "actor" | "isUser" | "role">): string {
  if (e.isUser) return e.actor;
  if (e.role === "system") return e.actor === CLI_ACTOR ? "Server administration (command line)" : "The server";
  // A user the server no longer names: never their id.
  return "A user the server no longer lists";
}

/** The role the actor acted in, in words, or null for the server itself. */
export function actorRole(e: Pick<AuditEntryView, "role">): string | null {
  return e.role === "system" ? null : (ROLE_LABEL[e.role] ?? words(e.role));
}

/**
 * Whether text may be shown as it is: no long run of hex digits (an id, a
 * digest), no snake_case or dotted code, no indexed path, no rule code.
 */
export function readable(text: string): boolean {
  const t = text.trim();
  return (
    t !== "" &&
    !/[0-9a-f]{16,}/i.test(t) &&
    !/[a-z]+_[a-z_]+/.test(t) &&
    !/[a-z]+\.[a-z_]+/.test(t) &&
    !/[a-z]+\[\d+\]/.test(t) &&
    !/UW-[A-Z]+/.test(t)
  );
}

const PRODUCT_WORDS: Record<string, string> = { "personal-auto": "personal auto", "homeowners-ho3": "homeowners (HO-3)" };

/** A back-dating limit by its subject, `CA/personal-auto/endorse`: "Back-dating of California personal auto (endorse)". */
function backdatingLabel(subject: string): string {
  const m = /^([A-Z]{2})\/([a-z0-9-]+)\/([a-z_]+)$/.exec(subject.trim());
  if (!m) return "How far back changes may be dated";
  const product = PRODUCT_WORDS[m[2]] ?? words(m[2]).toLowerCase();
  return `How far back changes may be dated: ${stateName(m[1])} ${product}, ${words(m[3]).toLowerCase()}`;
}

/**
 * What an entry was done to, in words: "Policy CA-PA-2026-000042",
 * "Quote QUOT-…", "A user", "A device". A 32-hex id is never shown here.
 */
export function resourceLabel(e: Pick<AuditEntryView, "resourceType" | "resourceId">): string {
  const id = e.resourceId.trim();
  const named = (noun: string, otherwise: string) => (readable(id) ? `${noun} ${id}` : otherwise);
  switch (e.resourceType) {
    case "policy":
      return named("Policy", "A policy");
    case "quote":
      return named("Quote", "A quote");
    case "quick-quote":
      return "A quick quote";
    case "user":
      return "A user";
    case "device":
      return "A device";
    case "pack": {
      const label = packLabel(id);
      return readable(label) ? `Rate pack ${label}` : "A rate pack";
    }
    case "pack-draft":
      return "A rate change";
    case "pack-key":
      return named("Pack signing key", "A pack signing key");
    case "signing-key":
      return "The audit log's signing key";
    case "log":
      return "The audit log";
    case "organisation":
      if (id === "direct_publishing") return "Publishing rate packs without approval";
      if (id === "details") return "The organization's details";
      if (id === "desktop_versions") return "The app versions that may sync";
      return "The organization";
    case "backdate_allowance":
      return backdatingLabel(id);
    case "desktop_release": {
      // `1.5.0/linux-x86_64-deb`: the version, then the platform.
      const [version, platform] = id.split("/");
      if (!version || !readable(version)) return "An app update";
      return platform && readable(platform) ? `App update ${version} (${platformLabel(platform)})` : `App update ${version}`;
    }
    case "login_throttle":
      return named("Sign-in limits of", "Sign-in limits");
    case "operation": {
      const kind = syncKindLabel(id);
      return readable(kind) ? `A change sent from a device (${kind.toLowerCase()})` : "A change sent from a device";
    }
    default: {
      const type = words(e.resourceType) || "Something";
      return readable(id) ? `${type} ${id}` : type;
    }
  }
}

/** When the server recorded it, in the auditor's local date and time: "Dec 7, 2026, 10:42:05 AM". */
export function entryTime(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return at.toLocaleString([], { dateStyle: "medium", timeStyle: "medium" });
}

/** A YYYY-MM-DD day's local midnight, `days` after it, as an instant: what the server's filters take. */
function localMidnight(date: string, days: number): string {
  const [y, m, d] = date.trim().split("-").map(Number);
  return new Date(y, m - 1, d + days).toISOString();
}

/** The instant the auditor's local day starts: "From" 2026-12-01 is local midnight of December 1. */
export function dayStart(date: string): string {
  return localMidnight(date, 0);
}

/** The instant after the auditor's local day ends (the server's `to` is exclusive): "To" 2026-12-07 is local midnight of December 8. */
export function dayEnd(date: string): string {
  return localMidnight(date, 1);
}

/** "1 entry", "50 entries". */
export function entryCount(n: number): string {
  return n === 1 ? "1 entry" : `${n} entries`;
}
