//! One pushed operation applied: a rated quote, a bind request, a policy
//! transaction; each with its outcome and audit entry.

use rust_decimal::Decimal;
use uw_protocol::{BindRequestedPayload, ChangeBody, OpResult, Outcome, PolicyTransactionRequest, QuoteRatedPayload, ServerResult};
use uw_rating::{Quote, Rating};

use super::group_commit::{Answer, Checked, Job};
use super::records::{QuoteWrite, Record, Records};
use crate::audit::Mutation;
use crate::auth::Caller;
use crate::authority::{backdate_allowance, rerate, PackRule};
use crate::error::ApiError;
use crate::keys::unix_ms;
use crate::storage::{args, SqlRow};
use crate::AppState;

/// Applies one push's operations in order.
pub(crate) async fn apply_job(state: &AppState, m: &mut Mutation, records: &mut Records, job: &Job) -> Answer {
    let mut results = Vec::with_capacity(job.operations.len());
    // After a gap nothing more is applied: the device must resend from the
    // expected sequence. After a reused sequence number neither: the device
    // (restored from a backup) sends it and everything after it again under
    // new numbers, in the same order, so nothing after it may be applied now.
    let mut gap: Option<u64> = None;
    let mut reused = false;
    for checked in &job.operations {
        let op = &checked.op;
        let outcome = match gap {
            _ if reused => Outcome::Rejected {
                code: uw_protocol::codes::SEQUENCE_GAP.into(),
                reason: "not applied: an earlier operation of this push reused a sequence number; push again from it".into(),
            },
            Some(expected) => gap_outcome(op.seq, expected),
            None => match apply_op(state, m, records, job, checked).await? {
                Applies::Done(outcome) => {
                    reused = matches!(&outcome, Outcome::Rejected { code, .. } if code == uw_protocol::codes::SEQUENCE_REUSED);
                    outcome
                }
                Applies::Gap { expected } => {
                    gap = Some(expected);
                    gap_outcome(op.seq, expected)
                }
            },
        };
        results.push(OpResult { seq: op.seq, op_id: op.op_id.clone(), outcome });
    }
    Ok(results)
}

fn gap_outcome(seq: u64, expected: u64) -> Outcome {
    Outcome::Rejected {
        code: uw_protocol::codes::SEQUENCE_GAP.into(),
        reason: format!("sequence {seq} is beyond the next one the server expects ({expected}); push from sequence {expected}"),
    }
}

/// What became of one operation: an outcome, or a gap before it.
pub(crate) enum Applies {
    Done(Outcome),
    Gap { expected: u64 },
}

/// Applies one operation inside the group's transaction.
async fn apply_op(state: &AppState, m: &mut Mutation, records: &mut Records, job: &Job, checked: &Checked) -> Result<Applies, ApiError> {
    let (caller, device_id) = (&job.caller, job.device_id.as_str());
    let op = &checked.op;
    // Refused for this operation alone: an error here would roll back and
    // rerun the whole group, every other device's pushes with it.
    let Ok(seq) = i64::try_from(op.seq) else {
        return Ok(Applies::Done(Outcome::rejected(
            "sync.bad_payload",
            format!("seq: {} is beyond the largest sequence number, 2^63 - 1", op.seq),
        )));
    };
    let device = records.device_row(m, device_id, seq, &op.op_id).await?;
    if device.opt_int(1)?.is_some() {
        return Err(ApiError::device_revoked());
    }
    let digest = uw_protocol::content_digest(op.seq, &op.op_id, &op.kind, &op.payload);
    let replay = match (records.replay(device_id, seq), device.opt_text(3)?) {
        (Some(r), _) => Some((r.digest.to_vec(), r.answer.clone(), r.op_id.clone())),
        (None, Some(answer)) => Some((device.bytes(2)?, answer, device.text(4)?)),
        (None, None) => None,
    };
    if let Some((first_digest, answer, first_op_id)) = replay {
        if first_digest == digest {
            let first: Outcome = serde_json::from_str(&answer).map_err(ApiError::internal)?;
            return Ok(Applies::Done(match first {
                Outcome::Accepted { result } => Outcome::Duplicate { result },
                other => other,
            }));
        }
        return Ok(Applies::Done(Outcome::rejected(
            uw_protocol::codes::SEQUENCE_REUSED,
            format!(
                "sequence {} was already used by operation {first_op_id} with different content; nothing was applied. A device restored from a backup sends it again under a new sequence number",
                op.seq
            ),
        )));
    }
    let stored_seq = device.int(0)?;
    let last_seq = u64::try_from(records.last_seq.get(device_id).map_or(stored_seq, |&s| s.max(stored_seq))).map_err(ApiError::internal)?;
    let expected = last_seq + 1;
    if op.seq > expected {
        return Ok(Applies::Gap { expected });
    }
    if op.seq < expected || op.seq == 0 {
        return Ok(Applies::Done(Outcome::rejected(
            uw_protocol::codes::SEQUENCE_REUSED,
            format!("sequence {} was consumed before; the next expected is {expected}", op.seq),
        )));
    }
    // An unsigned or badly signed operation is not recorded: it did not come
    // from the device, and recording it would let a stolen token burn the
    // device's sequence numbers.
    let signature = match &checked.signature {
        Ok(signature) => *signature,
        Err(reason) => return Ok(Applies::Done(Outcome::rejected(uw_protocol::codes::BAD_SIGNATURE, reason.clone()))),
    };
    if device.opt_int(5)?.is_some() || records.by_op_id.contains_key(&(device_id.to_owned(), op.op_id.clone())) {
        return Err(ApiError::conflict("sync.op_id_reused", format!("op_id {} was used by another sequence number", op.op_id)));
    }
    let applied = if op.op_id.len() != 32 || !op.op_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        Applied::rejected(&op.kind, Outcome::rejected("sync.bad_payload", "op_id: expected 32 hexadecimal digits"))
    } else if uw_ledger::AuditEntry::validate_time(&op.created_at).is_err() {
        Applied::rejected(
            &op.kind,
            Outcome::rejected("sync.bad_payload", format!("created_at: `{}` is not a UTC time YYYY-MM-DDTHH:MM:SS.mmmZ", op.created_at)),
        )
    } else {
        match op.kind.as_str() {
            "quote.rated" => quote_rated(state, m, records, caller, device_id, &op.payload).await?,
            "quote.bind_requested" => bind_requested(state, m, records, caller, &op.payload).await?,
            "quote.saved" => Applied {
                outcome: Outcome::Accepted { result: ServerResult::Recorded },
                action: "quote.saved".into(),
                resource: ("quick-quote".into(), op.op_id.clone()),
                change: None,
                after: None,
            },
            "policy.transaction" => policy_transaction(state, m, records, caller, &op.payload).await?,
            other => Applied::rejected(
                other,
                Outcome::rejected("sync.unknown_kind", format!("kind: `{other}` is not an operation this server knows")),
            ),
        }
    };
    let answer = serde_json::to_string(&applied.outcome).map_err(ApiError::internal)?;
    records.add(Record {
        device_id: device_id.to_owned(),
        seq,
        op_id: op.op_id.clone(),
        kind: op.kind.clone(),
        digest,
        outcome: applied.outcome.name(),
        answer,
    });
    let change = serde_json::json!({ "seq": op.seq, "op_id": op.op_id, "kind": op.kind, "outcome": applied.outcome, "payload_sha256": hex::encode(digest) });
    let index = m
        .audit(&caller.actor(), &applied.action, (&applied.resource.0, &applied.resource.1), &change, Some((&op.created_at, signature)))
        .await?;
    if let Some((user, body)) = &applied.change {
        m.publish(index, user.as_deref(), body).await?;
    }
    match &applied.after {
        None => {}
        Some(AfterAudit::Bound { policy_number, quote, rating, refunds, input, user_id }) => {
            crate::policies::bind(m, policy_number, (quote, rating, *refunds), input, user_id, index).await?;
        }
        Some(AfterAudit::Transacted(transacted)) => transacted.record(m, index).await?,
    }
    Ok(Applies::Done(applied.outcome))
}

/// What applying an operation did.
struct Applied {
    outcome: Outcome,
    action: String,
    resource: (String, String),
    /// A change for pull: (the user who sees it, or everyone; the change).
    change: Option<(Option<String>, ChangeBody)>,
    /// What must be written with the audit entry's index.
    after: Option<AfterAudit>,
}

/// Writes that name the operation's audit entry, made once it is appended.
enum AfterAudit {
    /// The policy's first lifecycle version and its timeline row.
    Bound {
        policy_number: String,
        quote: Box<Quote>,
        rating: Box<Rating>,
        /// How the pack that priced it returns premium when the insured cancels.
        refunds: uw_rating::Refunds,
        input: serde_json::Value,
        user_id: String,
    },
    /// A policy transaction's timeline row and change.
    Transacted(Box<crate::policies::Transacted>),
}

impl Applied {
    pub(crate) fn rejected(kind: &str, outcome: Outcome) -> Self {
        Self {
            outcome,
            action: format!("{kind}.refused"),
            resource: ("operation".into(), kind.replace(' ', "_")),
            change: None,
            after: None,
        }
    }

    fn for_quote(quote_number: &str, action: &str, outcome: Outcome) -> Self {
        Self { outcome, action: action.into(), resource: ("quote".into(), quote_number.into()), change: None, after: None }
    }
}

/// The server's record of a quote.
struct QuoteRecord {
    user_id: String,
    version: u32,
    input: String,
    pack_digest: String,
    total: Decimal,
    status: String,
    /// When the server last recorded a rating of it (Unix ms).
    rated_at: i64,
}

impl QuoteRecord {
    /// The record in `row`'s columns from `first` on; None when they are null
    /// (an outer join found no record).
    fn from_row(row: &SqlRow, first: usize) -> Result<Self, ApiError> {
        Ok(Self {
            user_id: row.text(first)?,
            version: u32::try_from(row.int(first + 1)?).map_err(ApiError::internal)?,
            input: row.text(first + 2)?,
            pack_digest: row.text(first + 3)?,
            total: row.text(first + 4)?.parse().map_err(ApiError::internal)?,
            status: row.text(first + 5)?,
            rated_at: row.int(first + 7)?,
        })
    }
}

/// The quote number in `text`, and the [`QUOTE_READ`] row for it; an
/// outcome refusing the operation if `text` is not a quote number.
async fn quote_row(m: &mut Mutation, records: &Records, text: &str) -> Result<Result<SqlRow, Outcome>, ApiError> {
    let Ok(number) = text.parse::<uw_policy::QuoteNumber>() else {
        return Ok(Err(Outcome::rejected("sync.bad_payload", format!("quote_number: `{text}` is not QUOT-YYYY-DDDDD-NNNNN"))));
    };
    Ok(Ok(records.quote_row(m, text, number).await?))
}

/// The server's record of a quote, from a [`QUOTE_READ`] row.
fn quote_record(row: &SqlRow) -> Result<Option<QuoteRecord>, ApiError> {
    match row.opt_text(1)? {
        Some(_) => Ok(Some(QuoteRecord::from_row(row, 1)?)),
        None => Ok(None),
    }
}

async fn quote_rated(
    state: &AppState,
    m: &mut Mutation,
    records: &mut Records,
    caller: &Caller,
    device_id: &str,
    payload: &str,
) -> Result<Applied, ApiError> {
    let p: QuoteRatedPayload = match serde_json::from_str(payload) {
        Ok(p) => p,
        Err(e) => return Ok(Applied::rejected("quote.rated", Outcome::rejected("sync.bad_payload", format!("payload: {e}")))),
    };
    let number = p.quote_number.clone();
    let row = match quote_row(m, records, &number).await? {
        Ok(row) => row,
        Err(outcome) => return Ok(Applied::for_quote(&number, "quote.rated.refused", outcome)),
    };
    if row.opt_text(0)?.as_deref() != Some(device_id) {
        let reason =
            format!("quote_number: {number} is not one of this device's numbers; quotes made before enrollment must be re-created");
        return Ok(Applied::for_quote(&number, "quote.rated.refused", Outcome::rejected("quote.number_not_allocated", reason)));
    }
    let parsed: uw_policy::QuoteNumber = number.parse().map_err(ApiError::internal)?;
    // The year comes from the device's clock: a year ahead of the server's
    // is a clock set wrong, not a quote.
    if parsed.year() > m.now.year() + 1 {
        let reason = format!("quote_number: {number} is dated {}; check the device's clock", parsed.year());
        return Ok(Applied::for_quote(&number, "quote.rated.refused", Outcome::rejected("quote.number_year", reason)));
    }
    let existing = quote_record(&row)?;
    // Who the quote belongs to: whoever first recorded it.
    let owner = existing.as_ref().map_or_else(|| caller.user_id.clone(), |e| e.user_id.clone());
    // Its customer: whoever an earlier version was about.
    let mut person = None;
    if let Some(existing) = existing {
        if existing.version > p.version {
            let reason = format!("{number} version {} is stale: the server holds version {}", p.version, existing.version);
            return Ok(Applied::for_quote(
                &number,
                "quote.rated.conflict",
                Outcome::Conflict { current_version: existing.version, reason },
            ));
        }
        if existing.status == "bound" {
            return Ok(Applied::for_quote(
                &number,
                "quote.rated.refused",
                Outcome::rejected("quote.already_bound", format!("{number} is bound; it cannot be re-rated")),
            ));
        }
        // Each edit makes a new version: the same version with another
        // input is another quote under a reused number (a device restored
        // from a backup), never a reason to overwrite this one.
        let stored: serde_json::Value = serde_json::from_str(&existing.input).map_err(ApiError::internal)?;
        person = crate::personal::sealed_for(&stored).map(str::to_owned);
        let held = match state.vault.open_in(&mut *m.tx, &mut records.people, &stored).await {
            Ok(held) => held,
            Err(crate::personal::PersonalError::Erased { .. }) => {
                return Ok(Applied::for_quote(&number, "quote.rated.refused", erased(&number)));
            }
            Err(e) => return Err(e.into()),
        };
        if existing.version == p.version && held != p.input {
            let reason = format!(
                "{number} version {} is already recorded with another input; the number was used twice (was the device restored from a backup?)",
                p.version
            );
            return Ok(Applied::for_quote(
                &number,
                "quote.rated.conflict",
                Outcome::Conflict { current_version: existing.version, reason },
            ));
        }
    }
    let (quote, pack, rating) = match rerate(&state.packs, m, &p.input, &p.pack_id, &p.pack_digest, PackRule::NewBusiness).await? {
        Ok(r) => r,
        Err(outcome) => return Ok(Applied::for_quote(&number, "quote.rated.refused", outcome)),
    };
    if rating.total != p.total {
        let reason = format!("total: the device says {} but the server's rating with {} gives {}", p.total, pack.id(), rating.total);
        return Ok(Applied::for_quote(&number, "quote.rated.refused", Outcome::rejected("rating.premium_mismatch", reason)));
    }
    let (decision, status) = match rating.decision.action {
        uw_rating::Action::Accept => ("accept", "rated"),
        uw_rating::Action::Refer => ("refer", "referred"),
        uw_rating::Action::Decline => ("decline", "declined"),
    };
    let reasons: Vec<&str> = rating.decision.reasons.iter().map(|r| &*r.code).collect();
    let sealed = state.vault.seal_in(&mut *m.tx, &mut records.people, &p.input, person.as_deref(), unix_ms(m.now)).await?;
    let input = sealed.document.to_string();
    records.write_quote(
        &number,
        QuoteWrite {
            values: args![
                number.as_str(),
                device_id,
                owner.as_str(),
                p.version,
                quote.state.as_str(),
                quote.product.name(),
                quote.effective_date.to_string(),
                input.as_str(),
                pack.id(),
                p.pack_digest.as_str(),
                rating.total.to_string(),
                decision,
                serde_json::to_string(&reasons).map_err(ApiError::internal)?,
                status,
                unix_ms(m.now),
                unix_ms(m.now),
                sealed.person_id.as_str()
            ],
        },
        SqlRow::new(args![
            device_id,
            owner,
            p.version,
            input,
            p.pack_digest.as_str(),
            rating.total.to_string(),
            status,
            number.as_str(),
            unix_ms(m.now)
        ]),
    );
    if parsed.device().is_some() {
        let high = records.serials.entry((device_id.to_owned(), parsed.year())).or_insert(0);
        *high = (*high).max(parsed.serial());
    }
    let result = ServerResult::QuoteRecorded { quote_number: number.clone(), version: p.version, status: status.to_owned() };
    Ok(Applied::for_quote(&number, "quote.rated", Outcome::Accepted { result }))
}

/// The refusal of a quote whose customer's data was erased.
fn erased(number: &str) -> Outcome {
    Outcome::rejected(
        "customer.erased",
        format!("the customer of {number} had their personal data erased at their request; the quote can no longer be changed or bound"),
    )
}

async fn bind_requested(
    state: &AppState,
    m: &mut Mutation,
    records: &mut Records,
    caller: &Caller,
    payload: &str,
) -> Result<Applied, ApiError> {
    let p: BindRequestedPayload = match serde_json::from_str(payload) {
        Ok(p) => p,
        Err(e) => return Ok(Applied::rejected("quote.bind_requested", Outcome::rejected("sync.bad_payload", format!("payload: {e}")))),
    };
    let number = p.quote_number.clone();
    let refuse = |code: &str, reason: String| Ok(Applied::for_quote(&number, "policy.bind.refused", Outcome::rejected(code, reason)));
    let row = match quote_row(m, records, &number).await? {
        Ok(row) => row,
        Err(outcome) => return Ok(Applied::for_quote(&number, "policy.bind.refused", outcome)),
    };
    let Some(record) = quote_record(&row)? else {
        return refuse("bind.unknown_quote", format!("{number} was never rated on this server; push its rating first"));
    };
    if record.user_id != caller.user_id {
        return refuse("bind.not_yours", format!("{number} belongs to another agent"));
    }
    if p.version < record.version {
        let reason =
            format!("{number} version {} is stale: the server holds version {}; re-rate before binding", p.version, record.version);
        return Ok(Applied::for_quote(&number, "policy.bind.conflict", Outcome::Conflict { current_version: record.version, reason }));
    }
    if p.version > record.version {
        return refuse(
            "bind.unknown_version",
            format!("{number} version {} was never rated on this server (it holds version {})", p.version, record.version),
        );
    }
    match record.status.as_str() {
        "rated" | "approved" => {}
        "referred" => {
            return refuse(
                "bind.not_approved",
                format!("{number} version {} was referred; an underwriter must approve it before it can be bound", p.version),
            )
        }
        "declined" => return refuse("bind.declined", format!("{number} version {} was declined", p.version)),
        "bound" => return refuse("bind.already_bound", format!("{number} is bound already")),
        other => return Err(ApiError::internal(format!("quote {number} has status {other}"))),
    }
    if p.pack_digest != record.pack_digest {
        return refuse(
            "bind.pack_changed",
            format!("pack_digest: the bind names a different pack from the one version {} was rated with", p.version),
        );
    }
    let stored_input: serde_json::Value = serde_json::from_str(&record.input).map_err(ApiError::internal)?;
    let recorded = match state.vault.open_in(&mut *m.tx, &mut records.people, &stored_input).await {
        Ok(recorded) => recorded,
        Err(crate::personal::PersonalError::Erased { .. }) => {
            return Ok(Applied::for_quote(&number, "policy.bind.refused", erased(&number)))
        }
        Err(e) => return Err(e.into()),
    };
    if recorded != p.input {
        return refuse("bind.input_changed", format!("input: differs from the rated version {}; re-rate before binding", p.version));
    }
    // A quote is good for 30 days from its rating by the server's clock;
    // the device's clock, which decided "still valid" offline, is not asked.
    let expires = record.rated_at.saturating_add(uw_policy::QUOTE_VALID_DAYS * 86_400_000);
    if unix_ms(m.now) >= expires {
        let rated_on = crate::keys::rfc3339_ms(record.rated_at).map_or_else(|_| "more than 30 days ago".to_owned(), |t| t[..10].to_owned());
        return refuse(
            "bind.quote_expired",
            format!("{number} was rated on {rated_on} and quotes are good for {} days; rate it again to bind", uw_policy::QUOTE_VALID_DAYS),
        );
    }
    let (quote, pack, rating) = match rerate(&state.packs, m, &p.input, &p.pack_id, &p.pack_digest, PackRule::NewBusiness).await? {
        Ok(r) => r,
        Err(outcome) => return Ok(Applied::for_quote(&number, "policy.bind.refused", outcome)),
    };
    // Cover starts no earlier than the server's today, less what the
    // organisation allows for this state and product.
    let allowed = backdate_allowance(m, &quote.state, quote.product.name(), "new_business").await?;
    let earliest = m.now.date().checked_sub(time::Duration::days(allowed)).unwrap_or(time::Date::MIN);
    if quote.effective_date < earliest {
        let allowance = if allowed == 0 { "today".to_owned() } else { format!("{earliest} ({allowed} days back)") };
        return refuse(
            "bind.backdated",
            format!(
                "{number} takes effect on {}, before the earliest date a {} {} policy may start when bound today: {allowance}. Rate it again with an effective date of {earliest} or later",
                quote.effective_date,
                quote.state,
                quote.product.name()
            ),
        );
    }
    if rating.total != p.total || rating.total != record.total {
        return refuse(
            "bind.premium_mismatch",
            format!(
                "total: the bind request says {} but the server's rating gives {}; the premium must match to the cent",
                p.total, rating.total
            ),
        );
    }
    // Coverage decisions the law requires in writing (a rejected PIP or UM,
    // an answered offer, lower UM limits) are part of the bound record: a
    // device that skipped its own check is refused here.
    if !rating.unsigned.is_empty() {
        let missing: Vec<&str> = rating.unsigned.iter().map(|u| u.message.as_str()).collect();
        return refuse(
            "bind.unsigned",
            format!("{number} cannot be bound until the insured signs what the law requires: {}", missing.join("; ")),
        );
    }
    // The policy refers to the quote record, and the bind updates it: the
    // group's pending quote records go to the database first.
    records.write_quotes(m).await?;
    let year = quote.effective_date.year();
    let row =
        m.tx.fetch_one(
            "INSERT INTO policy_number_next (state, year, next)
                 VALUES ($1, $2, 2 + (SELECT COALESCE(SUM(old_size - restored_size), 0) FROM log_restore))
             ON CONFLICT (state, year) DO UPDATE SET next = policy_number_next.next + 1 RETURNING next - 1",
            args![quote.state.as_str(), year],
        )
        .await?;
    let policy_number = format!("POL-{}-{year}-{:06}", quote.state, row.int(0)?);
    let effective_date = quote.effective_date.to_string();
    m.tx.execute(
        "INSERT INTO policy (policy_number, quote_number, version, state, product, premium, effective_date, user_id, issued_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        args![
            policy_number.as_str(),
            number.as_str(),
            p.version,
            quote.state.as_str(),
            quote.product.name(),
            rating.total.to_string(),
            effective_date.as_str(),
            caller.user_id.as_str(),
            unix_ms(m.now)
        ],
    )
    .await?;
    m.tx.execute(
        "UPDATE quote_record SET status = 'bound', updated_at = $2 WHERE quote_number = $1",
        args![number.as_str(), unix_ms(m.now)],
    )
    .await?;
    records.wrote_quote(&number);
    let body = ChangeBody::PolicyIssued {
        quote_number: number.clone(),
        version: p.version,
        policy_number: policy_number.clone(),
        premium: rating.total,
        effective_date,
    };
    let result = ServerResult::PolicyIssued {
        quote_number: number.clone(),
        version: p.version,
        policy_number: policy_number.clone(),
        premium: rating.total,
    };
    Ok(Applied {
        outcome: Outcome::Accepted { result },
        action: "policy.bind".into(),
        resource: ("policy".into(), policy_number.clone()),
        change: Some((Some(caller.user_id.clone()), body)),
        after: Some(AfterAudit::Bound {
            policy_number,
            quote: Box::new(quote),
            rating: Box::new(rating),
            refunds: pack.refunds(),
            // The recorded input, sealed: the same document (checked above).
            input: stored_input,
            user_id: caller.user_id.clone(),
        }),
    })
}

/// A policy transaction prepared on a desktop (`policy.transaction`).
async fn policy_transaction(
    state: &AppState,
    m: &mut Mutation,
    records: &mut Records,
    caller: &Caller,
    payload: &str,
) -> Result<Applied, ApiError> {
    let request: PolicyTransactionRequest = match serde_json::from_str(payload) {
        Ok(r) => r,
        Err(e) => return Ok(Applied::rejected("policy.transaction", Outcome::rejected("sync.bad_payload", format!("payload: {e}")))),
    };
    // A bind earlier in the group may have made the policy.
    records.write_quotes(m).await?;
    let number = request.policy_number.clone();
    let resource = ("policy".to_owned(), number.clone());
    match crate::policies::transact(state, m, caller, &request).await? {
        Ok(transacted) => Ok(Applied {
            outcome: Outcome::Accepted { result: ServerResult::PolicyTransacted(transacted.result.clone()) },
            action: transacted.action(),
            resource,
            change: None,
            after: Some(AfterAudit::Transacted(Box::new(transacted))),
        }),
        Err(refused) => {
            let action = match refused {
                crate::policies::Refused::Conflict { .. } => "policy.transaction.conflict",
                crate::policies::Refused::Rejected { .. } => "policy.transaction.refused",
                crate::policies::Refused::Referred { .. } => "policy.transaction.referred",
            };
            Ok(Applied { outcome: refused.outcome(), action: action.into(), resource, change: None, after: None })
        }
    }
}
