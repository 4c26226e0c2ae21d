import { describe, expect, it, vi } from "vitest";
import type { AuditEntryView } from "../api";
import { actorName, actorRole, dayEnd, dayStart, entrySentence, readable, resourceLabel } from "./auditWords";

/** The end-to-end check's patterns of internal language. */
const INTERNAL = [/[a-z]+\[\d+\]/, /\b[0-9a-f]{64}\b/, /[a-z]+_[a-z_]+/, /[a-z]+\.[a-z_]+/, /UW-[A-Z]+/];

function expectWords(text: string) {
  for (const pattern of INTERNAL) expect(text, `${pattern} in ${text}`).not.toMatch(pattern);
}

const USER_ID = "0123456789abcdef0123456789abcdef";

describe("an audit entry in words", () => {
  it("says what each known action did", () => {
    const cases: [string, string][] = [
      ["quote.saved", "Saved a quote"],
      ["quote.rated", "Priced a quote"],
      ["quote.rated.refused", "A priced quote was refused"],
      ["quote.bind_requested", "Asked to bind a quote"],
      ["referral.approve", "Approved a referral"],
      ["referral.decline", "Declined a referral"],
      ["policy.bind", "Bound a policy"],
      ["policy.endorse", "Changed a policy (endorsement)"],
      ["policy.cancel", "Cancelled a policy"],
      ["policy.reinstate", "Reinstated a policy"],
      ["policy.offer_renewal", "Offered a renewal"],
      ["policy.renew", "Renewed a policy"],
      ["policy.non_renew", "Sent a non-renewal"],
      ["policy.transaction.referred", "A policy change was referred to an underwriter"],
      ["policy.referral_approved", "Approved a referred policy change"],
      ["policy.referral_declined", "Declined a referred policy change"],
      ["policy.bind.refused", "A bind was refused"],
      ["policy.bind.conflict", "A bind was refused"],
      ["pack.publish", "Published a rate pack"],
      ["pack.draft_submit", "Submitted a rate change for approval"],
      ["pack.draft_approve", "Approved a rate change"],
      ["pack.draft_reject", "Rejected a rate change"],
      ["pack_key.trust", "Trusted a pack signing key"],
      ["pack_key.request", "Asked for an approval key"],
      ["pack_key.request_refused", "Refused an approval key request"],
      ["pack_key.revoke", "Revoked a pack signing key"],
      ["user.add", "Added a user"],
      ["user.change", "Changed a user"],
      ["device.enroll", "Enrolled a device"],
      ["device.recover", "Recovered a device"],
      ["device.revoke", "Revoked a device"],
      ["device.token_renew", "A device renewed its access"],
      ["organisation.init", "Created the organization"],
      ["organisation.update", "Changed the organization's details"],
      ["settings.backdating", "Changed how far back changes may be dated"],
      ["settings.direct_publishing", "Changed whether rate packs may be published without approval"],
      ["login_throttle.clear", "Cleared sign-in limits"],
      ["key.rotate", "Replaced the audit log's signing key"],
      ["log.restored", "The log was restored from a backup"],
      ["desktop.versions", "Changed which app versions may sync"],
      ["desktop.release_added", "Added an app update"],
    ];
    for (const [action, sentence] of cases) {
      expect(entrySentence({ action })).toBe(sentence);
      expectWords(entrySentence({ action }));
    }
  });

  it("says any other refusal was refused, and an unknown action in words, never as its code", () => {
    expect(entrySentence({ action: "policy.endorse.refused" })).toBe("An endorsement was refused");
    expect(entrySentence({ action: "policy.transaction.refused" })).toBe("A policy change was refused");
    expect(entrySentence({ action: "quote.saved.refused" })).toBe("A saved quote was refused");
    expect(entrySentence({ action: "widget.frobnicate.refused" })).toBe("Widget frobnicate was refused");
    expect(entrySentence({ action: "quote.rated.conflict" })).toMatch(/^A priced quote was refused/);
    expect(entrySentence({ action: "policy.split_term" })).toBe("Policy split term");
    expect(entrySentence({ action: "archive" })).toBe("Archive");
    for (const action of ["policy.split_term", "widget.frobnicate.refused", "some_new.thing_done", "a.b.c_d"]) {
      expectWords(entrySentence({ action }));
    }
  });

  it("names who did it: the user, or the server in words", () => {
    const base = { actor: "agent1", isUser: true, role: "agent" as const };
    expect(actorName(base)).toBe("agent1");
    expect(actorRole(base)).toBe("Agent");
    expect(actorRole({ role: "admin" })).toBe("Administrator");
    expect(actorName({ actor: "admin-cli", isUser: false, role: "system" })).toBe("Server administration (command line)");
    expect(actorName({ actor: "sync-server", isUser: false, role: "system" })).toBe("The server");
    expect(actorRole({ role: "system" })).toBeNull();
    // A user the server no longer names is never shown by their id.
    expect(actorName({ actor: USER_ID, isUser: false, role: "agent" })).not.toContain(USER_ID);
  });

  it("names what it was done to without ids or codes", () => {
    const on = (resourceType: string, resourceId: string) => resourceLabel({ resourceType, resourceId } as AuditEntryView);
    expect(on("policy", "CA-PA-2026-000042")).toBe("Policy CA-PA-2026-000042");
    expect(on("quote", "QUOT-2026-000017")).toBe("Quote QUOT-2026-000017");
    expect(on("user", USER_ID)).toBe("A user");
    expect(on("device", USER_ID)).toBe("A device");
    expect(on("quick-quote", USER_ID)).toBe("A quick quote");
    expect(on("pack", `ca-personal-auto/2026.1@${"ab".repeat(32)}`)).toBe("Rate pack California personal auto, 2026.1");
    expect(on("pack-key", "uw2-approval")).toBe("Pack signing key uw2-approval");
    expect(on("signing-key", "0a0b0c0d")).toBe("The audit log's signing key");
    expect(on("organisation", "direct_publishing")).toBe("Publishing rate packs without approval");
    expect(on("backdate_allowance", "CA/personal-auto/endorse")).toBe(
      "How far back changes may be dated: California personal auto, endorse",
    );
    expect(on("login_throttle", "agent1")).toBe("Sign-in limits of agent1");
    expect(on("organisation", "desktop_versions")).toBe("The app versions that may sync");
    expect(on("desktop_release", "1.5.0/linux-x86_64-deb")).toBe("App update 1.5.0 (Linux, 64-bit Intel or AMD, Debian package)");
    expect(on("operation", "policy.transaction")).toBe("A change sent from a device (policy change)");
    expect(on("mystery_thing", "x.y_z")).toBe("Mystery thing");
    for (const [type, id] of [
      ["user", USER_ID],
      ["pack", `weird_pack@${"cd".repeat(32)}`],
      ["organisation", "uw.example/audit"],
      ["backdate_allowance", "odd"],
      ["operation", "weird_kind"],
      ["policy", "policy.bind"],
    ]) {
      expectWords(on(type, id));
    }
    expect(readable(USER_ID)).toBe(false);
    expect(readable("CA-PA-2026-000042")).toBe(true);
  });

  it("turns the auditor's days into the instants the server filters by, the last day's end exclusive", () => {
    expect(dayStart("2026-12-01")).toBe(new Date(2026, 11, 1).toISOString());
    expect(dayEnd("2026-12-07")).toBe(new Date(2026, 11, 8).toISOString());
    expect(dayEnd("2026-12-31")).toBe(new Date(2027, 0, 1).toISOString());
    expect(dayEnd("2028-02-28")).toBe(new Date(2028, 1, 29).toISOString());
    // In California, a day starts at 08:00 UTC (07:00 in summer time).
    vi.stubEnv("TZ", "America/Los_Angeles");
    try {
      expect(dayStart("2026-12-01")).toBe("2026-12-01T08:00:00.000Z");
      expect(dayEnd("2026-12-07")).toBe("2026-12-08T08:00:00.000Z");
      expect(dayEnd("2026-07-04")).toBe("2026-07-05T07:00:00.000Z");
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
