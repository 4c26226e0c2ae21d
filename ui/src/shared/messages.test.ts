import { expect, it } from "vitest";
import { MESSAGES } from "./messages";
import source from "./messages.ts?raw";

/** The patterns of internal language no user-facing sentence may hold. */
const INTERNAL = [
  ["an indexed path", /[a-z]+\[\d+\]/],
  ["a 64-hex digest", /\b[0-9a-f]{64}\b/i],
  ["a snake_case identifier", /\b[a-z0-9]+(_[a-z0-9]+)+\b/i],
  ["an HTTP status code", /\b[1-5]\d\d\b/],
  ["an underwriting rule code", /UW-/],
  ["a dotted code", /\b[a-z]+\.[a-z_]+\b/],
] as const;

/** British spellings the app does not use. */
const NOT_US = /organis|licence|enrol\b|enrolment|cancell|behaviour|colour|authoris|recognis|catalogue|cheque/i;

it("says every code in words a user can act on", () => {
  for (const [code, sentence] of Object.entries(MESSAGES)) {
    for (const [what, pattern] of INTERNAL) expect(sentence, `${code}: ${what}`).not.toMatch(pattern);
    expect(sentence, code).not.toMatch(NOT_US);
    expect(sentence, code).toMatch(/^[A-Z].*[.!]$/);
    expect(sentence, code).not.toContain(code);
  }
});

it("has a sentence for each code the desktop, the policy lifecycle and the server answer", () => {
  const codes = [
    // The desktop's (CommandError.code).
    "audit.file auth.forbidden config.invalid document.failed document.write draft.not_found impact.book_file impact.book_invalid",
    "impact.cancelled impact.different_lines input.invalid key.invalid key.keychain_unavailable key.missing key.recovery",
    "pack.approval_key_unregistered pack.draft_not_found pack.four_eyes pack.invalid pack.no_approval_key pack.same_day",
    "policy.needs_sync policy.no_notice policy.not_found quote.expired quote.not_found quote.not_rated quote.stale quote.status",
    "quote.unsigned rating.draft_pack rating.failed rating.no_pack rating.not_reproducible rating.pack_not_installed store.corrupt",
    "store.data_dir store.failed store.too_new store.wrong_key sync.device_revoked sync.not_enrolled sync.not_signed_in sync.protocol",
    "sync.rate_limited sync.refused sync.sequence_gap sync.server sync.unauthorized sync.unreachable sync.untrusted_server",
    "sync.upgrade_required sync.wrong_server internal ipc.failed",
    // The policy lifecycle's (LifecycleError::code).
    "policy.unknown_product policy.bad_term policy.negative_amount policy.outside_term policy.out_of_sequence policy.not_in_force",
    "policy.not_cancelled policy.reinstatement_closed policy.notice_too_short policy.backdated policy.reason_not_allowed",
    "policy.notice_too_early policy.renewal_too_late policy.renewal_not_due policy.term_ended policy.renewal_offered",
    "policy.no_renewal_offer policy.non_renewed policy.stale_version",
    // The server's (CommandError.serverCode).
    "audit.bad_range audit.bad_recipient audit.no_checkpoint auth.invalid_credentials auth.missing_token auth.invalid_token",
    "auth.token_expired auth.device_revoked auth.user_disabled book.product book.state device.already_revoked device.bad_signature",
    "device.challenge_invalid device.not_found enroll.bad_key enroll.bad_name key.exists key.invalid key.not_found key.proof",
    "key.request_not_found key.revoked pack.comment pack.decided pack.draft_exists pack.draft_not_found pack.exists pack.invalid",
    "pack.not_found pack.same_day pack.signature policy.not_found policy.number_mismatch policy.referred policy.stale_version",
    "quote.not_found referral.decided referral.not_found referral.note referral.reason_required request.bad_body",
    "request.content_type request.too_large sync.bad_cursor sync.op_id_reused throttle.subject user.bad_name user.exists",
    "user.not_found user.weak_password user.last_admin",
    // Found in the server's ApiError constructors besides those.
    "audit.checkpoint_lost_in_restore auth.device_required auth.rate_limited enroll.bad_proof enroll.device_revoked enroll.key_in_use",
    "enroll.too_many_devices key.owner key.request_waiting pack.direct_publishing_off pack.draft_id pack.impact_mismatch",
    "referral.not_pending referral.stale_version sync.batch_too_large protocol.missing_version protocol.unsupported_version",
    // Issue 29: the second factor.
    "auth.second_factor_required auth.second_factor_invalid auth.second_factor_enrollment_required second_factor.enrolled",
    "second_factor.not_started second_factor.none",
    // Issue 31: desktop versions and updates.
    "sync.desktop_too_old update.refused desktop.invalid_release desktop.invalid_version desktop.release_exists",
    "desktop.release_unknown desktop.too_old",
  ]
    .join(" ")
    .split(" ");
  expect(codes.filter((code) => !(code in MESSAGES))).toEqual([]);
});

it("keeps the one-entry-a-line shape the Rust check parses", () => {
  const start = source.indexOf("export const MESSAGES: Record<string, string> = {\n");
  expect(start).toBeGreaterThan(-1);
  const body = source.slice(start, source.lastIndexOf("};") + 2);
  expect(body.length).toBeGreaterThan(100);
  const keys = [...body.matchAll(/^ {2}"([a-z_]+(?:\.[a-z_]+)*)":/gm)].map((m) => m[1]);
  expect(keys.sort()).toEqual(Object.keys(MESSAGES).sort());
});
