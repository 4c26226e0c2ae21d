//! What the server's answers mean for this device: the results of a push
//! and the changes of a pull, applied to the store.
//!
//! Each answer is applied in one savepoint: the outbox entries it settles,
//! the quote statuses it moves (always through `uw-policy`'s machine), the
//! policies it reports, the issues the user must see and, for a pull, the
//! new cursor. An interrupted sync therefore leaves either all of one answer
//! or none of it, and a pull resumes exactly where the last committed page
//! ended.

use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;
use serde_json::json;
use time::OffsetDateTime;
use uw_policy::{QuoteEvent, QuoteStatus};
use uw_protocol::codes::{BAD_SIGNATURE, SEQUENCE_GAP, SEQUENCE_REUSED};
use uw_protocol::{ChangeBody, OpResult, Outcome, PolicyTransacted, PullResponse, ServerResult};
use uw_rating::{LoadMode, PackError, PackStatus, RatePack, TrustedKeys};

use crate::notifications::NotificationKind;
use crate::quotes::model::instant_text;
use crate::store::{active_keys, audit, mirror_status, notify, pack_files, parse_date, sql_err, OutboxEntry, Store, StoreError};

/// What one push answer did to the store.
#[derive(Debug, Default)]
pub(crate) struct PushApplied {
    pub accepted: usize,
    pub duplicate: usize,
    pub rejected: usize,
    pub conflict: usize,
    /// Policy numbers the server reported issued.
    pub policies_issued: Vec<String>,
    /// The first operation refused with [`SEQUENCE_GAP`] and the server's reason;
    /// it and everything after it stay unsent.
    pub gap: Option<(u64, String)>,
    /// The first operation refused with [`SEQUENCE_REUSED`]: it and
    /// everything after it stay unsent, to go again under new numbers.
    pub reused: Option<i64>,
}

impl PushApplied {
    pub fn delivered(&self) -> usize {
        self.accepted + self.duplicate + self.rejected + self.conflict
    }
}

/// What one pull page did to the store.
#[derive(Debug, Default)]
pub(crate) struct PullApplied {
    /// Changes that changed something here.
    pub applied: usize,
    /// Changes with nothing left to do: already applied, a quote this device
    /// does not hold, a decision on a version since edited.
    pub ignored: usize,
    /// Changes recorded as issues instead (a pack that does not verify, ...).
    pub not_applied: usize,
    /// Packs installed, verified, for the in-memory registry.
    pub installed: Vec<RatePack>,
    /// Keys revoked: packs they signed leave the in-memory registry.
    pub revoked_keys: Vec<String>,
}

/// Where an issue came from.
#[derive(Clone, Copy)]
enum Origin<'a> {
    Push(&'a OutboxEntry),
    Pull(u64),
}

/// What applying one piece of news did.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Effect {
    Applied,
    Ignored,
    NotApplied,
}

/// Applies the server's answer to one push of `sent`, in one savepoint.
/// `results` must answer `sent` one for one, in order (the caller checks).
pub(crate) fn apply_push_results(
    store: &mut Store,
    sent: &[OutboxEntry],
    results: &[OpResult],
    now: OffsetDateTime,
) -> Result<PushApplied, StoreError> {
    let path = store.path().to_owned();
    let err = sql_err(&path);
    let at = instant_text(now);
    let by_seq: HashMap<i64, &OutboxEntry> = sent.iter().map(|e| (e.seq, e)).collect();
    let mut applied = PushApplied::default();
    let mut highest: Option<i64> = None;
    let sp = store.savepoint().map_err(err)?;
    for result in results {
        let Some(entry) = i64::try_from(result.seq).ok().and_then(|seq| by_seq.get(&seq)).copied() else { continue };
        let origin = Origin::Push(entry);
        let subject = payload_quote(entry).map(|(number, _)| number).or_else(|| payload_policy(entry));
        match &result.outcome {
            Outcome::Rejected { code, reason } if code == SEQUENCE_GAP || code == BAD_SIGNATURE => {
                applied.gap = Some((result.seq, reason.clone()));
                break;
            }
            Outcome::Rejected { code, .. } if code == SEQUENCE_REUSED => {
                applied.reused = Some(entry.seq);
                break;
            }
            Outcome::Accepted { result: server } | Outcome::Duplicate { result: server } => {
                if matches!(result.outcome, Outcome::Accepted { .. }) {
                    applied.accepted += 1;
                } else {
                    applied.duplicate += 1;
                }
                if let ServerResult::PolicyIssued { quote_number, version, policy_number, premium } = server {
                    let news = PolicyNews { quote_number, version: *version, policy_number, premium: *premium, effective_date: None };
                    policy_issued(&sp, &news, origin, &at)?;
                    applied.policies_issued.push(policy_number.clone());
                }
                if let ServerResult::PolicyTransacted(t) = server {
                    policy_transacted(&sp, t, &at).map_err(err)?;
                    change_answered(&sp, entry.seq, "accepted", &at).map_err(err)?;
                }
            }
            Outcome::Rejected { code, reason } => {
                applied.rejected += 1;
                record_issue(&sp, origin, &entry.kind, subject.as_deref(), "rejected", Some(code), reason, None, &at).map_err(err)?;
                refused(&sp, entry, subject.as_deref(), &at)?;
                bind_refused(&sp, entry, code, &at)?;
                change_answered(&sp, entry.seq, "rejected", &at).map_err(err)?;
            }
            Outcome::Conflict { current_version, reason } => {
                applied.conflict += 1;
                record_issue(&sp, origin, &entry.kind, subject.as_deref(), "conflict", None, reason, Some(*current_version), &at)
                    .map_err(err)?;
                refused(&sp, entry, subject.as_deref(), &at)?;
                bind_refused(&sp, entry, "conflict", &at)?;
                change_answered(&sp, entry.seq, "conflict", &at).map_err(err)?;
                if let Some(number) = payload_policy(entry) {
                    // The server is ahead: the next sync fetches its version.
                    sp.execute(
                        "UPDATE policy SET policy_version = max(COALESCE(policy_version, 1), ?2) WHERE policy_number = ?1",
                        params![number, current_version],
                    )
                    .map_err(err)?;
                }
            }
        }
        sp.execute("UPDATE outbox SET sent_at = ?2 WHERE seq = ?1 AND sent_at IS NULL", params![entry.seq, at]).map_err(err)?;
        highest = highest.max(Some(entry.seq));
    }
    if let Some(seq) = highest {
        sp.execute(
            "INSERT INTO sync_state (key, value) VALUES ('acked_seq', ?1)
             ON CONFLICT (key) DO UPDATE SET value = CAST(max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER)) AS TEXT)",
            [seq.to_string()],
        )
        .map_err(err)?;
    }
    sp.commit().map_err(err)?;
    Ok(applied)
}

/// Applies one page of pulled changes and moves the cursor past it, in one savepoint.
pub(crate) fn apply_pull_page(store: &mut Store, page: &PullResponse, now: OffsetDateTime) -> Result<PullApplied, StoreError> {
    let path = store.path().to_owned();
    let err = sql_err(&path);
    let at = instant_text(now);
    let mut applied = PullApplied::default();
    let sp = store.savepoint().map_err(err)?;
    for change in &page.changes {
        let origin = Origin::Pull(change.index);
        let effect = match &change.body {
            ChangeBody::ReferralDecided { quote_number, version, approved, reason } => {
                referral_decided(&sp, quote_number, *version, *approved, reason, &at)?
            }
            ChangeBody::PolicyIssued { quote_number, version, policy_number, premium, effective_date } => {
                let news =
                    PolicyNews { quote_number, version: *version, policy_number, premium: *premium, effective_date: Some(effective_date) };
                policy_issued(&sp, &news, origin, &at)?
            }
            ChangeBody::PolicyChanged(t) => {
                let held: Option<u32> = sp
                    .query_row("SELECT COALESCE(policy_version, 1) FROM policy WHERE policy_number = ?1", [&t.policy_number], |r| r.get(0))
                    .optional()
                    .map_err(err)?;
                if held.is_some_and(|v| v < t.version) {
                    let quote_id = sp
                        .query_row("SELECT quote_id FROM policy WHERE policy_number = ?1", [&t.policy_number], |r| r.get(0))
                        .map_err(err)?;
                    notify(&sp, NotificationKind::PolicyChanged, &t.policy_number, quote_id, None, &at).map_err(err)?;
                }
                if policy_transacted(&sp, t, &at).map_err(err)? {
                    Effect::Applied
                } else {
                    Effect::Ignored
                }
            }
            ChangeBody::CustomerErased { quote_numbers, policy_numbers } => {
                customer_erased(&sp, quote_numbers, policy_numbers, &at).map_err(err)?
            }
            ChangeBody::CustomerExportRequested { request_id, quote_numbers, policy_numbers } => {
                // Answered after the pull (`Workstation::answer_subject_requests`).
                crate::store::subject_requests::record(&sp, request_id, quote_numbers, policy_numbers, &at).map_err(err)?;
                Effect::Applied
            }
            ChangeBody::KeyTrusted { key_id, public_key } => key_trusted(&sp, origin, key_id, public_key, &at)?,
            ChangeBody::KeyRevoked { key_id } => {
                let changed = sp
                    .execute("UPDATE trusted_key SET revoked_at = ?2 WHERE key_id = ?1 AND revoked_at IS NULL", params![key_id, at])
                    .map_err(err)?;
                applied.revoked_keys.push(key_id.clone());
                if changed > 0 {
                    Effect::Applied
                } else {
                    Effect::Ignored
                }
            }
            ChangeBody::PackPublished { pack_id, digest, files } => {
                let (effect, pack) = pack_published(&sp, origin, pack_id, digest, files, &at)?;
                applied.installed.extend(pack);
                effect
            }
        };
        match effect {
            Effect::Applied => applied.applied += 1,
            Effect::Ignored => applied.ignored += 1,
            Effect::NotApplied => applied.not_applied += 1,
        }
    }
    sp.execute(
        "INSERT INTO sync_state (key, value) VALUES ('pull_cursor', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [page.cursor.to_string()],
    )
    .map_err(err)?;
    sp.commit().map_err(err)?;
    Ok(applied)
}

/// The quote number and version an operation's payload names, if any.
fn payload_quote(entry: &OutboxEntry) -> Option<(String, Option<u32>)> {
    let payload: serde_json::Value = serde_json::from_str(&entry.payload).ok()?;
    let number = payload.get("quote_number")?.as_str()?.to_owned();
    let version = payload.get("version").and_then(serde_json::Value::as_u64).and_then(|v| u32::try_from(v).ok());
    Some((number, version))
}

#[allow(clippy::too_many_arguments)] // One column each; a struct would only rename them.
fn record_issue(
    sp: &Connection,
    origin: Origin<'_>,
    kind: &str,
    subject: Option<&str>,
    outcome: &str,
    code: Option<&str>,
    reason: &str,
    current_version: Option<u32>,
    at: &str,
) -> rusqlite::Result<()> {
    let (source, seq, op_id, index) = match origin {
        Origin::Push(entry) => ("push", Some(entry.seq), Some(entry.op_id.as_str()), None),
        Origin::Pull(index) => ("pull", None, None, Some(index)),
    };
    // An answer is applied once (its savepoint also marks the entry sent),
    // so a second issue for one sequence can only be a replay: keep the first.
    sp.execute(
        "INSERT INTO sync_issue (source, seq, op_id, change_index, kind, subject, outcome, code, reason, current_version, received_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT (seq) DO NOTHING",
        params![source, seq, op_id, index, kind, subject, outcome, code, reason, current_version, at],
    )?;
    Ok(())
}

/// A quote as sync needs it.
struct LocalQuote {
    id: i64,
    number: String,
    customer_id: i64,
    status: QuoteStatus,
    version: u32,
}

fn local_quote(sp: &Connection, quote_number: &str) -> Result<Option<LocalQuote>, StoreError> {
    let err = |source| StoreError::Sqlite { path: sp.path().map(Into::into).unwrap_or_default(), source };
    let row: Option<(i64, i64, String, u32)> = sp
        .query_row("SELECT id, customer_id, status, current_version FROM quote WHERE quote_number = ?1", [quote_number], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()
        .map_err(err)?;
    row.map(|(id, customer_id, status, version)| {
        let status = QuoteStatus::from_str(&status).map_err(|problem| StoreError::BadStoredValue {
            table: "quote",
            id,
            field: "status",
            problem,
        })?;
        Ok(LocalQuote { id, number: quote_number.to_owned(), customer_id, status, version })
    })
    .transpose()
}

/// Moves a quote's status by `event` if it is still at `version` and the
/// machine allows it; anything else is news that no longer applies.
fn transition(
    sp: &Connection,
    quote: &LocalQuote,
    version: u32,
    event: QuoteEvent,
    action: &str,
    details: serde_json::Value,
    at: &str,
) -> Result<bool, StoreError> {
    let err = |source| StoreError::Sqlite { path: sp.path().map(Into::into).unwrap_or_default(), source };
    if quote.version != version {
        return Ok(false);
    }
    let Ok(status) = quote.status.apply(event) else { return Ok(false) };
    sp.execute(
        "UPDATE quote SET status = ?2, updated_at = ?3 WHERE id = ?1 AND current_version = ?4",
        params![quote.id, status.name(), at, version],
    )
    .map_err(err)?;
    audit(sp, at, action, &quote.number, details).map_err(err)?;
    Ok(true)
}

/// A customer's personal data was erased on the server at their request:
/// this device drops the quotes and policies named, their versions, drafts
/// and changes, the customer (with their notes) once no quote of theirs is
/// left, and the inputs in the outbox entries the server acknowledged.
/// Deleted pages are overwritten (`secure_delete`), so the customer does
/// not linger in the store's free pages either. Entries not yet
/// acknowledged stay as signed; the server refuses them.
fn customer_erased(sp: &Connection, quotes: &[String], policies: &[String], at: &str) -> rusqlite::Result<Effect> {
    sp.pragma_update(None, "secure_delete", true)?;
    let mut dropped = 0;
    let mut customers = std::collections::BTreeSet::new();
    for number in policies {
        sp.execute("DELETE FROM policy_change WHERE policy_number = ?1", [number])?;
        dropped += sp.execute("DELETE FROM policy WHERE policy_number = ?1", [number])?;
    }
    for number in quotes {
        let found: Option<(i64, i64)> = sp
            .query_row("SELECT id, customer_id FROM quote WHERE quote_number = ?1", [number], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        if let Some((id, customer)) = found {
            customers.insert(customer);
            dropped += sp.execute("DELETE FROM quote WHERE id = ?1", [id])?;
        }
    }
    for customer in customers {
        sp.execute("DELETE FROM customer WHERE id = ?1 AND NOT EXISTS (SELECT 1 FROM quote WHERE customer_id = ?1)", [customer])?;
    }
    // The name index keeps a deleted name's terms until its segments merge.
    sp.execute("INSERT INTO customer_name_fts (customer_name_fts) VALUES ('optimize')", [])?;
    let names = serde_json::to_string(&quotes.iter().chain(policies).collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into());
    sp.execute(
        "UPDATE outbox SET payload = '{\"erased\":true}'
         WHERE seq <= COALESCE((SELECT CAST(value AS INTEGER) FROM sync_state WHERE key = 'acked_seq'), 0)
           AND (json_extract(payload, '$.quote_number') IN (SELECT value FROM json_each(?1))
             OR json_extract(payload, '$.policy_number') IN (SELECT value FROM json_each(?1)))",
        [&names],
    )?;
    let subject = quotes.first().or(policies.first()).map_or("customer", String::as_str);
    audit(sp, at, "customer.erased", subject, json!({ "quotes": quotes.len(), "policies": policies.len(), "source": "sync" }))?;
    Ok(if dropped > 0 { Effect::Applied } else { Effect::Ignored })
}

fn referral_decided(
    sp: &Connection,
    quote_number: &str,
    version: u32,
    approved: bool,
    reason: &str,
    at: &str,
) -> Result<Effect, StoreError> {
    let Some(quote) = local_quote(sp, quote_number)? else { return Ok(Effect::Ignored) };
    let (event, action) = if approved { (QuoteEvent::Approved, "quote.approved") } else { (QuoteEvent::Declined, "quote.declined") };
    let details = json!({ "version": version, "reason": reason, "source": "sync" });
    if !transition(sp, &quote, version, event, action, details, at)? {
        return Ok(Effect::Ignored);
    }
    let kind = if approved { NotificationKind::ReferralApproved } else { NotificationKind::ReferralDeclined };
    notify(sp, kind, quote_number, Some(quote.id), Some(reason), at)
        .map_err(|source| StoreError::Sqlite { path: sp.path().map(Into::into).unwrap_or_default(), source })?;
    Ok(Effect::Applied)
}

/// A policy transaction the server applied (this device's, answered in a
/// push, or anyone's, pulled): the mirror takes its status and version. Its
/// premium and timeline come with the policy's detail, which the sync then
/// fetches (the change carries the premium without fees). Returns whether
/// the policy is here.
fn policy_transacted(sp: &Connection, t: &PolicyTransacted, at: &str) -> rusqlite::Result<bool> {
    let changed = sp.execute(
        "UPDATE policy SET status = ?2, policy_version = max(COALESCE(policy_version, 1), ?3), synced_at = ?4 WHERE policy_number = ?1",
        params![t.policy_number, mirror_status(&t.status), t.version, at],
    )?;
    Ok(changed > 0)
}

/// The server's answer for a change prepared here, by its outbox sequence.
fn change_answered(sp: &Connection, seq: i64, outcome: &str, at: &str) -> rusqlite::Result<()> {
    sp.execute("UPDATE policy_change SET outcome = ?2, answered_at = ?3 WHERE seq = ?1 AND outcome IS NULL", params![seq, outcome, at])?;
    Ok(())
}

/// The policy a `policy.transaction` operation is about.
fn payload_policy(entry: &OutboxEntry) -> Option<String> {
    if entry.kind != "policy.transaction" {
        return None;
    }
    let payload: serde_json::Value = serde_json::from_str(&entry.payload).ok()?;
    Some(payload.get("policy_number")?.as_str()?.to_owned())
}

/// A policy the server issued, from a push answer or a pulled change.
struct PolicyNews<'a> {
    quote_number: &'a str,
    version: u32,
    policy_number: &'a str,
    premium: Decimal,
    /// The policy's effective date when the server says it; otherwise the
    /// bound version's.
    effective_date: Option<&'a str>,
}

/// Records the policy in the local mirror and binds the quote. Idempotent:
/// the same news twice changes nothing the second time. A policy for a quote
/// that is not awaiting binding at that version is recorded, but the quote's
/// status is left to the machine, and the user sees an issue.
fn policy_issued(sp: &Connection, news: &PolicyNews<'_>, origin: Origin<'_>, at: &str) -> Result<Effect, StoreError> {
    let err = |source| StoreError::Sqlite { path: sp.path().map(Into::into).unwrap_or_default(), source };
    let Some(quote) = local_quote(sp, news.quote_number)? else { return Ok(Effect::Ignored) };
    let input: Option<String> = sp
        .query_row("SELECT input FROM quote_version WHERE quote_id = ?1 AND version = ?2", params![quote.id, news.version], |r| r.get(0))
        .optional()
        .map_err(err)?;
    let Some(input) = input else { return Ok(Effect::Ignored) };
    let bad =
        |field: &'static str| move |problem: String| StoreError::BadStoredValue { table: "quote_version", id: quote.id, field, problem };
    let rated: uw_rating::Quote = serde_json::from_str(&input).map_err(|e| bad("input")(e.to_string()))?;
    let effective = match news.effective_date {
        Some(text) => parse_date(text).map_err(|problem| StoreError::BadStoredValue {
            table: "policy",
            id: quote.id,
            field: "effective_date",
            problem: format!("the server sent {problem}"),
        })?,
        None => rated.effective_date,
    };
    let expiration = uw_rating::dates::add_months(effective, rated.term_months)
        .ok_or_else(|| bad("term_months")(format!("{} months", rated.term_months)))?;
    let document = json!({
        "quote_number": news.quote_number, "version": news.version, "policy_number": news.policy_number,
        "premium": news.premium.to_string(), "effective_date": effective.to_string(), "term_months": rated.term_months,
    });
    let before: Option<String> =
        sp.query_row("SELECT document FROM policy WHERE policy_number = ?1", [news.policy_number], |r| r.get(0)).optional().map_err(err)?;
    sp.execute(
        "INSERT INTO policy (policy_number, quote_id, customer_id, status, version, effective_date, expiration_date, premium, document, synced_at)
         VALUES (?1, ?2, ?3, 'issued', ?4, ?5, ?6, ?7, ?8, ?9)
         ON CONFLICT (policy_number) DO UPDATE SET version = excluded.version, effective_date = excluded.effective_date,
             expiration_date = excluded.expiration_date, premium = excluded.premium, document = excluded.document,
             synced_at = excluded.synced_at",
        params![
            news.policy_number,
            quote.id,
            quote.customer_id,
            news.version,
            effective.to_string(),
            expiration.to_string(),
            news.premium.to_string(),
            document.to_string(),
            at
        ],
    )
    .map_err(err)?;
    if before.is_none() {
        notify(sp, NotificationKind::PolicyIssued, news.policy_number, Some(quote.id), None, at).map_err(err)?;
    }
    if quote.status == QuoteStatus::Bound {
        return Ok(if before.is_some() { Effect::Ignored } else { Effect::Applied });
    }
    let details = json!({ "version": news.version, "policy_number": news.policy_number, "premium": news.premium.to_string() });
    if transition(sp, &quote, news.version, QuoteEvent::BindAccepted, "quote.bound", details, at)? {
        return Ok(Effect::Applied);
    }
    let kind = match origin {
        Origin::Push(entry) => entry.kind.as_str(),
        Origin::Pull(_) => "policy_issued",
    };
    let reason = format!(
        "the server issued policy {} for {} version {}, but here the quote is {} at version {}; the policy is recorded, the quote's status is unchanged",
        news.policy_number, news.quote_number, news.version, quote.status, quote.version
    );
    record_issue(sp, origin, kind, Some(news.quote_number), "not_applied", Some("sync.status_mismatch"), &reason, None, at).map_err(err)?;
    Ok(Effect::NotApplied)
}

/// A bind the server refused (rejected or in conflict) ends the quote's
/// wait: it becomes bind rejected, so the agent can edit it again. Left in
/// bind requested it would be frozen for good, since the refusal is final.
fn bind_refused(sp: &Connection, entry: &OutboxEntry, code: &str, at: &str) -> Result<(), StoreError> {
    if entry.kind != "quote.bind_requested" {
        return Ok(());
    }
    let Some((number, Some(version))) = payload_quote(entry) else { return Ok(()) };
    let Some(quote) = local_quote(sp, &number)? else { return Ok(()) };
    let details = json!({ "version": version, "code": code, "seq": entry.seq });
    transition(sp, &quote, version, QuoteEvent::BindRejected, "quote.bind_rejected", details, at)?;
    Ok(())
}

/// Tells the user the server refused a change sent from here: the Sync
/// screen lists it with what to do.
fn refused(sp: &Connection, entry: &OutboxEntry, subject: Option<&str>, at: &str) -> Result<(), StoreError> {
    let err = |source| StoreError::Sqlite { path: sp.path().map(Into::into).unwrap_or_default(), source };
    let quote_id = match payload_quote(entry) {
        Some((number, _)) => local_quote(sp, &number)?.map(|q| q.id),
        None => None,
    };
    notify(sp, NotificationKind::ChangeRefused, subject.unwrap_or(&entry.kind), quote_id, None, at).map_err(err)
}

fn key_trusted(sp: &Connection, origin: Origin<'_>, key_id: &str, public_key: &str, at: &str) -> Result<Effect, StoreError> {
    let err = |source| StoreError::Sqlite { path: sp.path().map(Into::into).unwrap_or_default(), source };
    let public_key = public_key.trim().to_ascii_lowercase();
    let refuse = |code: &str, reason: String| -> Result<Effect, StoreError> {
        record_issue(sp, origin, "key_trusted", Some(key_id), "not_applied", Some(code), &reason, None, at).map_err(err)?;
        Ok(Effect::NotApplied)
    };
    if key_id.trim().is_empty() {
        return refuse("key.invalid", "the server sent a key without an id".into());
    }
    if let Err(problem) = TrustedKeys::new().add_hex(key_id, &public_key) {
        return refuse("key.invalid", problem);
    }
    if !crate::may_trust_key(key_id, &public_key) {
        return refuse(
            "key.development",
            format!("the server trusts {key_id}, the development key whose private half is public; a release build never does"),
        );
    }
    let existing: Option<(String, Option<String>)> = sp
        .query_row("SELECT public_key, revoked_at FROM trusted_key WHERE key_id = ?1", [key_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
        .map_err(err)?;
    match existing {
        None => {
            sp.execute(
                "INSERT INTO trusted_key (key_id, public_key, source, added_at) VALUES (?1, ?2, 'sync', ?3)",
                params![key_id, public_key, at],
            )
            .map_err(err)?;
            Ok(Effect::Applied)
        }
        Some((known, _)) if known != public_key => refuse(
            "key.conflict",
            format!(
                "the server trusts key {key_id} as {public_key}, but this workstation holds another key under that id; it keeps its own"
            ),
        ),
        Some((_, Some(_))) => {
            // The server trusts again a key it revoked; its log order decides.
            sp.execute("UPDATE trusted_key SET revoked_at = NULL WHERE key_id = ?1", [key_id]).map_err(err)?;
            Ok(Effect::Applied)
        }
        Some((_, None)) => Ok(Effect::Ignored),
    }
}

/// Verifies a published pack against the keys trusted at this point of the
/// log and installs it; a pack that does not verify, or is not what the
/// change says it is, becomes an issue and is not installed.
fn pack_published(
    sp: &Connection,
    origin: Origin<'_>,
    pack_id: &str,
    digest: &str,
    files: &BTreeMap<String, String>,
    at: &str,
) -> Result<(Effect, Option<RatePack>), StoreError> {
    let err = |source| StoreError::Sqlite { path: sp.path().map(Into::into).unwrap_or_default(), source };
    let refuse = |code: &str, reason: String| -> Result<(Effect, Option<RatePack>), StoreError> {
        record_issue(sp, origin, "pack_published", Some(pack_id), "not_applied", Some(code), &reason, None, at).map_err(err)?;
        Ok((Effect::NotApplied, None))
    };
    let keys = active_keys(sp).map_err(err)?;
    let pack = match uw_rating::compile(&pack_files(pack_id, files), LoadMode::Verified(&keys)) {
        Ok(pack) => pack,
        Err(e @ (PackError::Unsigned { .. } | PackError::Signature { .. })) => {
            return refuse("pack.unverified", format!("not installed: its signature does not verify with a trusted key: {e}"))
        }
        Err(e) => return refuse("pack.invalid", format!("not installed: {e}")),
    };
    if pack.id() != pack_id || !pack.digest().to_hex().eq_ignore_ascii_case(digest) {
        return refuse(
            "pack.mismatch",
            format!("not installed: the files are pack {} with digest {}, not what the server announced", pack.id(), pack.digest()),
        );
    }
    let PackStatus::Signed { key_id } = pack.status() else { return refuse("pack.unverified", "not installed: not signed".into()) };
    let info = pack.info();
    let inserted = sp
        .execute(
            "INSERT INTO installed_pack (pack_id, state, product, digest, key_id, source, installed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'sync', ?6) ON CONFLICT (pack_id) DO NOTHING",
            params![pack.id(), info.state, info.product.name(), pack.digest().to_string(), key_id, at],
        )
        .map_err(err)?;
    if inserted == 0 {
        // Already installed (bundled, or pulled before).
        return Ok((Effect::Ignored, None));
    }
    let files_json = serde_json::to_string(files).map_err(|e| StoreError::BadStoredValue {
        table: "synced_pack",
        id: 0,
        field: "files",
        problem: e.to_string(),
    })?;
    let index = match origin {
        Origin::Pull(index) => index,
        Origin::Push(entry) => u64::try_from(entry.seq).unwrap_or_default(),
    };
    sp.execute("INSERT INTO synced_pack (pack_id, files, change_index) VALUES (?1, ?2, ?3)", params![pack.id(), files_json, index])
        .map_err(err)?;
    notify(sp, NotificationKind::PackInstalled, pack.id(), None, None, at).map_err(err)?;
    Ok((Effect::Applied, Some(pack)))
}
