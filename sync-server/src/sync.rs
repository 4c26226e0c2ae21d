//! Push and pull.
//!
//! Pushes commit in groups: a push joins a queue, and whichever push holds
//! the queue's leadership applies every queued push in one database
//! transaction, each inside its own savepoint, then commits once. One commit
//! (one fsync, one turn of the log-head lock) then serves many devices,
//! where the cost of a commit used to be paid per operation. A crash at any
//! point still leaves each operation applied once or not at all, because
//! an operation, its audit entry and its recorded answer commit together;
//! a replay gets the first answer again.

use std::sync::Arc;

use axum::http::StatusCode;
use rust_decimal::Decimal;
use time::OffsetDateTime;
use tokio::sync::oneshot;
use uw_protocol::{
    BindRequestedPayload, Change, ChangeBody, OpResult, Outcome, PullResponse, PushOp, PushRequest, PushResponse, QuoteRatedPayload, Role,
    ServerResult, WaitResponse,
};
use uw_rating::{Quote, RatePack, Rating};

use crate::audit::Mutation;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::keys::unix_ms;
use crate::storage::{args, TxMode};
use crate::AppState;

/// The most operations one push may carry.
pub const MAX_PUSH_OPERATIONS: usize = 500;
/// The most operations one group commit applies (it takes at least one push,
/// whatever its size).
pub const MAX_GROUP_OPERATIONS: usize = 1000;
/// The most changes one pull returns.
pub const MAX_PULL_CHANGES: u64 = 500;
/// How many quote numbers a device gets at enrollment.
pub const QUOTE_NUMBER_BLOCK: u32 = 1000;

/// Handles a push: checks what needs no database, then waits for its group
/// commit. Answers in order.
pub async fn push(state: &AppState, caller: &Caller, request: PushRequest, request_id: &str) -> Result<PushResponse, ApiError> {
    caller.require(&[Role::Agent, Role::Underwriter])?;
    let device_id = caller.device()?.to_owned();
    if request.operations.len() > MAX_PUSH_OPERATIONS {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "sync.batch_too_large",
            format!("a push carries at most {MAX_PUSH_OPERATIONS} operations; send the rest in the next push"),
        ));
    }
    let (public_key, last_seq) = {
        let mut tx = state.storage.begin(TxMode::Read).await?;
        let row = tx.fetch_one("SELECT public_key, last_seq FROM device WHERE device_id = $1", args![device_id.as_str()]).await?;
        (ed25519_dalek::VerifyingKey::from_bytes(&row.bytes32(0)?).map_err(ApiError::internal)?, row.int(1)?)
    };
    // Signatures are checked here, outside the commit group, and each
    // verdict is used when the operation's turn comes. A sequence number
    // the device has consumed already is a replay, answered from the record
    // whatever its signature, so it is not checked (sequence numbers only
    // grow, so it is still consumed then).
    let consumed = u64::try_from(last_seq).map_err(ApiError::internal)?;
    let operations = request
        .operations
        .into_iter()
        .map(|op| {
            let signature = (op.seq > consumed).then(|| check_signature(&public_key, &op));
            Checked { op, signature }
        })
        .collect();
    let job = Job { caller: caller.clone(), device_id, public_key, operations, request_id: request_id.to_owned() };
    let results = state.pushes.submit(state, job).await?;
    Ok(PushResponse { results })
}

/// The operation's 64-byte signature, or why it does not verify.
fn check_signature(public_key: &ed25519_dalek::VerifyingKey, op: &PushOp) -> Result<[u8; 64], String> {
    uw_protocol::verify_operation(public_key, op).map_err(|e| format!("operation {}: {e}", op.seq))?;
    hex::decode(&op.signature)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| format!("operation {}: the signature is not 64 bytes", op.seq))
}

/// One push waiting for its group commit.
struct Job {
    caller: Caller,
    device_id: String,
    public_key: ed25519_dalek::VerifyingKey,
    operations: Vec<Checked>,
    request_id: String,
}

/// An operation and the verdict on its signature, when it was checked.
struct Checked {
    op: PushOp,
    signature: Option<Result<[u8; 64], String>>,
}

type Answer = Result<Vec<OpResult>, ApiError>;

/// Pushes waiting to be applied, and who applies them.
#[derive(Debug, Default)]
pub struct PushQueue {
    waiting: std::sync::Mutex<Vec<(Job, oneshot::Sender<Answer>)>>,
    leader: Arc<tokio::sync::Mutex<()>>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job").field("device_id", &self.device_id).field("operations", &self.operations.len()).finish_non_exhaustive()
    }
}

impl PushQueue {
    /// Queues `job` and waits for its answer. The push that takes the
    /// leadership applies everything queued by then: its own job, unless an
    /// earlier leader already took it.
    async fn submit(&self, state: &AppState, job: Job) -> Answer {
        let (reply, answer) = oneshot::channel();
        self.lock_waiting().push((job, reply));
        let leader = self.leader.clone().lock_owned().await;
        let group = self.take_group();
        if group.is_empty() {
            drop(leader);
        } else {
            let state = state.clone();
            // A task of its own: the group holds other devices' pushes, so
            // it must finish even if this request's client goes away.
            tokio::spawn(async move {
                apply_group(&state, group).await;
                drop(leader);
            });
        }
        answer.await.map_err(|_| ApiError::internal("a push's group commit ended without answering it"))?
    }

    fn lock_waiting(&self) -> std::sync::MutexGuard<'_, Vec<(Job, oneshot::Sender<Answer>)>> {
        self.waiting.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The oldest waiting pushes, up to [`MAX_GROUP_OPERATIONS`] operations.
    fn take_group(&self) -> Vec<(Job, oneshot::Sender<Answer>)> {
        let mut waiting = self.lock_waiting();
        let mut operations = 0;
        let mut n = 0;
        for (job, _) in waiting.iter() {
            if n > 0 && operations + job.operations.len() > MAX_GROUP_OPERATIONS {
                break;
            }
            operations += job.operations.len();
            n += 1;
        }
        waiting.drain(..n).collect()
    }
}

/// Applies a group of pushes in one transaction, each in a savepoint: a push
/// that fails (a revoked device, a database error) is rolled back alone and
/// answered with its error; the others commit.
async fn apply_group(state: &AppState, group: Vec<(Job, oneshot::Sender<Answer>)>) {
    let first_request = group.first().map_or("", |(job, _)| job.request_id.as_str());
    let mut m = match Mutation::begin(state.storage.as_ref(), first_request).await {
        Ok(m) => m,
        Err(e) => {
            let detail = e.to_string();
            for (_, reply) in group {
                let _ = reply.send(Err(ApiError::internal(&detail)));
            }
            return;
        }
    };
    let mut answers = Vec::with_capacity(group.len());
    let mut broken = None;
    for (job, _) in &group {
        if broken.is_some() {
            answers.push(Err(ApiError::internal("an earlier push in the same commit group failed")));
            continue;
        }
        m.request_id.clone_from(&job.request_id);
        let answer = match m.savepoint().await {
            Ok(savepoint) => {
                let answer = apply_job(state, &mut m, job).await;
                let ended = if answer.is_ok() { m.release(savepoint).await } else { m.rollback_to(savepoint).await };
                if let Err(e) = ended {
                    broken = Some(e.to_string());
                }
                answer
            }
            Err(e) => {
                broken = Some(e.to_string());
                Err(ApiError::internal(e))
            }
        };
        answers.push(answer);
    }
    let committed = match broken {
        Some(detail) => Err(detail),
        None => m.commit().await.map_err(|e| e.to_string()),
    };
    state.metrics.push_group(group.len());
    let mut grew = false;
    for ((job, reply), answer) in group.into_iter().zip(answers) {
        let answer = match (&committed, answer) {
            (Err(detail), Ok(_)) => Err(ApiError::internal(detail)),
            (_, answer) => answer,
        };
        if let Ok(results) = &answer {
            grew |= !results.is_empty();
            for (checked, result) in job.operations.iter().zip(results) {
                state.metrics.sync_operation(result.outcome.name());
                if checked.op.kind == "quote.bind_requested" {
                    state.metrics.bind(match &result.outcome {
                        Outcome::Accepted { .. } => "issued",
                        Outcome::Conflict { .. } => "conflict",
                        _ => "rejected",
                    });
                }
            }
        }
        // The client may have gone; its answer is then only in the database.
        let _ = reply.send(answer);
    }
    if grew {
        state.log_grew();
    }
}

/// Applies one push's operations in order.
async fn apply_job(state: &AppState, m: &mut Mutation, job: &Job) -> Answer {
    let mut results = Vec::with_capacity(job.operations.len());
    // After a gap nothing more is applied: the device must resend from the
    // expected sequence.
    let mut gap: Option<u64> = None;
    for checked in &job.operations {
        let op = &checked.op;
        let outcome = match gap {
            Some(expected) => gap_outcome(op.seq, expected),
            None => match apply_op(state, m, job, checked).await? {
                Applies::Done(outcome) => outcome,
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
        code: "sync.sequence_gap".into(),
        reason: format!("sequence {seq} is beyond the next one the server expects ({expected}); push from sequence {expected}"),
    }
}

/// What became of one operation: an outcome, or a gap before it.
enum Applies {
    Done(Outcome),
    Gap { expected: u64 },
}

fn rejected(code: &str, reason: impl Into<String>) -> Outcome {
    Outcome::Rejected { code: code.to_owned(), reason: reason.into() }
}

/// Applies one operation inside the group's transaction.
async fn apply_op(state: &AppState, m: &mut Mutation, job: &Job, checked: &Checked) -> Result<Applies, ApiError> {
    let (caller, device_id) = (&job.caller, job.device_id.as_str());
    let op = &checked.op;
    let device = m.tx.fetch_one("SELECT last_seq, revoked_at FROM device WHERE device_id = $1", args![device_id]).await?;
    if device.opt_int(1)?.is_some() {
        return Err(ApiError::unauthorized(
            "auth.device_revoked",
            "this device has been revoked by an administrator; it can no longer sync",
        ));
    }
    let last_seq = u64::try_from(device.int(0)?).map_err(ApiError::internal)?;
    let digest = uw_protocol::content_digest(op.seq, &op.op_id, &op.kind, &op.payload);
    let seq = i64::try_from(op.seq).map_err(|_| ApiError::bad_request("sync.bad_payload", "seq: too large"))?;
    if let Some(row) =
        m.tx.fetch_optional("SELECT content_sha256, answer, op_id FROM sync_op WHERE device_id = $1 AND seq = $2", args![device_id, seq])
            .await?
    {
        if row.bytes(0)? == digest {
            let first: Outcome = serde_json::from_str(&row.text(1)?).map_err(ApiError::internal)?;
            return Ok(Applies::Done(match first {
                Outcome::Accepted { result } => Outcome::Duplicate { result },
                other => other,
            }));
        }
        return Ok(Applies::Done(rejected(
            "sync.sequence_reused",
            format!(
                "sequence {} was already used by operation {} with different content; nothing was applied. The device's outbox is inconsistent with what it sent before: contact support",
                op.seq,
                row.text(2)?
            ),
        )));
    }
    let expected = last_seq + 1;
    if op.seq > expected {
        return Ok(Applies::Gap { expected });
    }
    if op.seq < expected || op.seq == 0 {
        return Ok(Applies::Done(rejected(
            "sync.sequence_reused",
            format!("sequence {} was consumed before; the next expected is {expected}", op.seq),
        )));
    }
    // An unsigned or badly signed operation is not recorded: it did not come
    // from the device, and recording it would let a stolen token burn the
    // device's sequence numbers.
    let verdict = match &checked.signature {
        Some(verdict) => verdict.clone(),
        None => check_signature(&job.public_key, op),
    };
    let signature = match verdict {
        Ok(signature) => signature,
        Err(reason) => return Ok(Applies::Done(rejected("sync.bad_signature", reason))),
    };
    let applied = if op.op_id.len() != 32 || !op.op_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        Applied::rejected(&op.kind, rejected("sync.bad_payload", "op_id: expected 32 hexadecimal digits"))
    } else if uw_ledger::AuditEntry::validate_time(&op.created_at).is_err() {
        Applied::rejected(
            &op.kind,
            rejected("sync.bad_payload", format!("created_at: `{}` is not a UTC time YYYY-MM-DDTHH:MM:SS.mmmZ", op.created_at)),
        )
    } else {
        match op.kind.as_str() {
            "quote.rated" => quote_rated(state, m, caller, device_id, &op.payload).await?,
            "quote.bind_requested" => bind_requested(state, m, caller, &op.payload).await?,
            "quote.saved" => Applied {
                outcome: Outcome::Accepted { result: ServerResult::Recorded },
                action: "quote.saved".into(),
                resource: ("quick-quote".into(), op.op_id.clone()),
                change: None,
            },
            other => {
                Applied::rejected(other, rejected("sync.unknown_kind", format!("kind: `{other}` is not an operation this server knows")))
            }
        }
    };
    let answer = serde_json::to_string(&applied.outcome).map_err(ApiError::internal)?;
    m.tx
        .execute(
            "INSERT INTO sync_op (device_id, seq, op_id, kind, content_sha256, outcome, answer, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            args![device_id, seq, op.op_id.as_str(), op.kind.as_str(), &digest, applied.outcome.name(), answer, unix_ms(m.now)],
        )
        .await
        .map_err(|e| match e {
            crate::storage::StorageError::Duplicate { .. } => ApiError::conflict("sync.op_id_reused", format!("op_id {} was used by another sequence number", op.op_id)),
            other => other.into(),
        })?;
    m.tx.execute("UPDATE device SET last_seq = $1 WHERE device_id = $2", args![seq, device_id]).await?;
    let change = serde_json::json!({ "seq": op.seq, "op_id": op.op_id, "kind": op.kind, "outcome": applied.outcome, "payload_sha256": hex::encode(digest) });
    let index = m
        .audit(&caller.actor(), &applied.action, (&applied.resource.0, &applied.resource.1), &change, Some((&op.created_at, signature)))
        .await?;
    if let Some((user, body)) = &applied.change {
        m.publish(index, user.as_deref(), body).await?;
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
}

impl Applied {
    fn rejected(kind: &str, outcome: Outcome) -> Self {
        Self { outcome, action: format!("{kind}.refused"), resource: ("operation".into(), kind.replace(' ', "_")), change: None }
    }

    fn for_quote(quote_number: &str, action: &str, outcome: Outcome) -> Self {
        Self { outcome, action: action.into(), resource: ("quote".into(), quote_number.into()), change: None }
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
}

async fn quote_record(m: &mut Mutation, quote_number: &str) -> Result<Option<QuoteRecord>, ApiError> {
    let row =
        m.tx.fetch_optional(
            "SELECT user_id, version, input, pack_digest, total, status FROM quote_record WHERE quote_number = $1",
            args![quote_number],
        )
        .await?;
    let Some(row) = row else { return Ok(None) };
    Ok(Some(QuoteRecord {
        user_id: row.text(0)?,
        version: u32::try_from(row.int(1)?).map_err(ApiError::internal)?,
        input: row.text(2)?,
        pack_digest: row.text(3)?,
        total: row.text(4)?.parse().map_err(ApiError::internal)?,
        status: row.text(5)?,
    }))
}

/// Re-rates `input` with the published pack `digest`: the server's own
/// premium, whatever the device said.
async fn rerate(
    state: &AppState,
    m: &mut Mutation,
    input: &serde_json::Value,
    pack_id: &str,
    digest: &str,
) -> Result<Result<(Quote, std::sync::Arc<RatePack>, Rating), Outcome>, ApiError> {
    let Some(pack) = state.packs.get(&mut *m.tx, digest).await? else {
        return Ok(Err(rejected(
            "rating.pack_unknown",
            format!("pack_digest: no published pack has digest {digest}; the device rated with a pack this server never published"),
        )));
    };
    if pack.id() != pack_id {
        return Ok(Err(rejected(
            "rating.pack_unknown",
            format!("pack_id: `{pack_id}` does not match the pack with that digest ({})", pack.id()),
        )));
    }
    let Some(quote_json) = input.get("quote") else {
        return Ok(Err(rejected("sync.bad_payload", "input.quote: missing")));
    };
    let quote = match Quote::from_json(&quote_json.to_string()).and_then(Quote::validate) {
        Ok(valid) => valid,
        Err(errors) => return Ok(Err(rejected("quote.invalid", format!("input.quote: {errors}")))),
    };
    let info = pack.info();
    let q = quote.quote();
    if info.state != q.state || info.product != q.product {
        return Ok(Err(rejected(
            "rating.pack_mismatch",
            format!("pack {} rates {} {}, not this {} quote in {}", pack.id(), info.state, info.product.name(), q.product.name(), q.state),
        )));
    }
    let starts = if q.renewal { info.effective_renewal } else { info.effective_new_business };
    if q.effective_date < starts || info.expires.is_some_and(|end| q.effective_date >= end) {
        return Ok(Err(rejected(
            "rating.pack_not_in_force",
            format!("pack {} is not in force on the effective date {}", pack.id(), q.effective_date),
        )));
    }
    let rating = match uw_rating::rate(&pack, &quote) {
        Ok(rating) => rating,
        Err(e) => return Ok(Err(rejected("rating.failed", e.to_string()))),
    };
    Ok(Ok((quote.into_inner(), pack, rating)))
}

async fn check_quote_number(m: &mut Mutation, device_id: &str, text: &str) -> Result<Option<Outcome>, ApiError> {
    let Ok(number) = text.parse::<uw_policy::QuoteNumber>() else {
        return Ok(Some(rejected("sync.bad_payload", format!("quote_number: `{text}` is not QUOT-YYYY-NNNNNN"))));
    };
    let owner =
        m.tx.fetch_optional(
            "SELECT device_id FROM quote_number_block WHERE year = $1 AND first <= $2 AND last >= $2",
            args![number.year(), number.serial()],
        )
        .await?;
    match owner {
        Some(row) if row.text(0)? == device_id => Ok(None),
        _ => Ok(Some(rejected(
            "quote.number_not_allocated",
            format!("quote_number: {text} is not in a block the server gave this device; quotes made before enrollment must be re-created"),
        ))),
    }
}

async fn quote_rated(state: &AppState, m: &mut Mutation, caller: &Caller, device_id: &str, payload: &str) -> Result<Applied, ApiError> {
    let p: QuoteRatedPayload = match serde_json::from_str(payload) {
        Ok(p) => p,
        Err(e) => return Ok(Applied::rejected("quote.rated", rejected("sync.bad_payload", format!("payload: {e}")))),
    };
    let number = p.quote_number.clone();
    if let Some(outcome) = check_quote_number(m, device_id, &number).await? {
        return Ok(Applied::for_quote(&number, "quote.rated.refused", outcome));
    }
    if let Some(existing) = quote_record(m, &number).await? {
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
                rejected("quote.already_bound", format!("{number} is bound; it cannot be re-rated")),
            ));
        }
    }
    let (quote, pack, rating) = match rerate(state, m, &p.input, &p.pack_id, &p.pack_digest).await? {
        Ok(r) => r,
        Err(outcome) => return Ok(Applied::for_quote(&number, "quote.rated.refused", outcome)),
    };
    if rating.total != p.total {
        let reason = format!("total: the device says {} but the server's rating with {} gives {}", p.total, pack.id(), rating.total);
        return Ok(Applied::for_quote(&number, "quote.rated.refused", rejected("rating.premium_mismatch", reason)));
    }
    let (decision, status) = match rating.decision.action {
        uw_rating::Action::Accept => ("accept", "rated"),
        uw_rating::Action::Refer => ("refer", "referred"),
        uw_rating::Action::Decline => ("decline", "declined"),
    };
    let reasons: Vec<&str> = rating.decision.reasons.iter().map(|r| &*r.code).collect();
    let sql = "INSERT INTO quote_record (quote_number, device_id, user_id, version, state, product, effective_date, input, pack_id, pack_digest, total, decision, reasons, status, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
               ON CONFLICT (quote_number) DO UPDATE SET version = $4, input = $8, pack_id = $9, pack_digest = $10, total = $11, decision = $12,
                   reasons = $13, status = $14, decided_by = NULL, decision_reason = NULL, updated_at = $15";
    m.tx.execute(
        sql,
        args![
            number.as_str(),
            device_id,
            caller.user_id.as_str(),
            p.version,
            quote.state.as_str(),
            quote.product.name(),
            quote.effective_date.to_string(),
            p.input.to_string(),
            pack.id(),
            p.pack_digest.as_str(),
            rating.total.to_string(),
            decision,
            serde_json::to_string(&reasons).map_err(ApiError::internal)?,
            status,
            unix_ms(m.now)
        ],
    )
    .await?;
    let result = ServerResult::QuoteRecorded { quote_number: number.clone(), version: p.version, status: status.to_owned() };
    Ok(Applied::for_quote(&number, "quote.rated", Outcome::Accepted { result }))
}

async fn bind_requested(state: &AppState, m: &mut Mutation, caller: &Caller, payload: &str) -> Result<Applied, ApiError> {
    let p: BindRequestedPayload = match serde_json::from_str(payload) {
        Ok(p) => p,
        Err(e) => return Ok(Applied::rejected("quote.bind_requested", rejected("sync.bad_payload", format!("payload: {e}")))),
    };
    let number = p.quote_number.clone();
    let refuse = |code: &str, reason: String| Ok(Applied::for_quote(&number, "policy.bind.refused", rejected(code, reason)));
    let Some(record) = quote_record(m, &number).await? else {
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
    let recorded_input: serde_json::Value = serde_json::from_str(&record.input).map_err(ApiError::internal)?;
    if recorded_input != p.input {
        return refuse("bind.input_changed", format!("input: differs from the rated version {}; re-rate before binding", p.version));
    }
    let (quote, _pack, rating) = match rerate(state, m, &p.input, &p.pack_id, &p.pack_digest).await? {
        Ok(r) => r,
        Err(outcome) => return Ok(Applied::for_quote(&number, "policy.bind.refused", outcome)),
    };
    if rating.total != p.total || rating.total != record.total {
        return refuse(
            "bind.premium_mismatch",
            format!(
                "total: the bind request says {} but the server's rating gives {}; the premium must match to the cent",
                p.total, rating.total
            ),
        );
    }
    let year = quote.effective_date.year();
    let row =
        m.tx.fetch_one(
            "INSERT INTO policy_number_next (state, year, next) VALUES ($1, $2, 2)
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
        resource: ("policy".into(), policy_number),
        change: Some((Some(caller.user_id.clone()), body)),
    })
}

/// Changes visible to `caller` from log index `cursor` on.
pub async fn pull(state: &AppState, caller: &Caller, cursor: u64, limit: Option<u64>) -> Result<PullResponse, ApiError> {
    caller.require(&[Role::Agent, Role::Underwriter])?;
    let limit = limit.unwrap_or(MAX_PULL_CHANGES).clamp(1, MAX_PULL_CHANGES);
    let mut tx = state.storage.begin(TxMode::Read).await?;
    // Every index below the head's size is committed (appends commit in
    // index order under the head lock), so the page ends there at most.
    let size = crate::audit::log_size(&mut *tx).await?;
    let to_i64 = |n: u64| i64::try_from(n).map_err(|_| ApiError::bad_request("sync.bad_cursor", "cursor: too large"));
    let rows = tx
        .fetch(
            "SELECT log_index, kind, body FROM change_feed WHERE log_index >= $1 AND log_index < $2 AND (user_id IS NULL OR user_id = $3)
             ORDER BY log_index LIMIT $4",
            args![to_i64(cursor)?, to_i64(size)?, caller.user_id.as_str(), to_i64(limit)?],
        )
        .await?;
    let mut changes = Vec::with_capacity(rows.len());
    for row in &rows {
        let index = u64::try_from(row.int(0)?).map_err(ApiError::internal)?;
        let body: ChangeBody = serde_json::from_value(serde_json::json!({ "kind": row.text(1)?, "body": serde_json::from_str::<serde_json::Value>(&row.text(2)?).map_err(ApiError::internal)? }))
            .map_err(ApiError::internal)?;
        changes.push(Change { index, body });
    }
    let full = u64::try_from(changes.len()).unwrap_or(u64::MAX) == limit;
    let next = match (full, changes.last()) {
        (true, Some(last)) => last.index + 1,
        _ => size.max(cursor),
    };
    Ok(PullResponse { changes, cursor: next, more: full && next < size })
}

/// The longest a long poll waits.
pub const MAX_WAIT: std::time::Duration = std::time::Duration::from_secs(25);

/// `GET /v1/sync/wait`: answers when the log grows past `cursor`, after
/// `timeout` (at most [`MAX_WAIT`]), or at once when the server shuts down.
/// A waiting device holds no database connection: the process's log watcher
/// reads the size for all of them.
pub async fn wait(state: &AppState, caller: &Caller, cursor: u64, timeout: std::time::Duration) -> Result<WaitResponse, ApiError> {
    caller.require(&[Role::Agent, Role::Underwriter])?;
    let mut size = state.watch_log();
    let mut stopping = state.watch_stopping();
    tokio::select! {
        _ = tokio::time::timeout(timeout.min(MAX_WAIT), size.wait_for(|s| *s > cursor)) => {}
        _ = stopping.wait_for(|s| *s) => {}
    }
    let log_size = *size.borrow();
    Ok(WaitResponse { log_size, changed: log_size > cursor })
}

/// Reserves a block of quote numbers for a device (inside its enrollment).
pub async fn allocate_quote_numbers(
    m: &mut Mutation,
    device_id: &str,
    now: OffsetDateTime,
) -> Result<uw_protocol::QuoteNumberBlock, ApiError> {
    let year = now.year();
    let row =
        m.tx.fetch_one(
            "INSERT INTO quote_number_next (year, next_first) VALUES ($1, $2)
             ON CONFLICT (year) DO UPDATE SET next_first = quote_number_next.next_first + $3 RETURNING next_first - $3",
            args![year, i64::from(QUOTE_NUMBER_BLOCK) + 1, i64::from(QUOTE_NUMBER_BLOCK)],
        )
        .await?;
    let first = u32::try_from(row.int(0)?).map_err(ApiError::internal)?;
    let last = first + QUOTE_NUMBER_BLOCK - 1;
    if last > 999_999 {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "quote_numbers.exhausted",
            format!("every quote number for {year} is allocated"),
        ));
    }
    m.tx.execute(
        "INSERT INTO quote_number_block (year, first, last, device_id) VALUES ($1, $2, $3, $4)",
        args![year, first, last, device_id],
    )
    .await?;
    Ok(uw_protocol::QuoteNumberBlock { year, first, last })
}
