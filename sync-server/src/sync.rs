//! Push and pull.
//!
//! Pushes commit in groups: a push joins a queue, and a leader task applies
//! every queued push in one database transaction, then commits once. One
//! commit (one fsync, one turn of the log-head lock) then serves many
//! devices, and the group reads and writes in a few multi-row statements
//! what its operations would otherwise have read and written one round trip
//! at a time (see `Records`). A crash at any point still leaves each
//! operation applied once or not at all, because an operation, its audit
//! entry and its recorded answer commit together; a replay gets the first
//! answer again.

use axum::http::StatusCode;
use rust_decimal::Decimal;
use tokio::sync::oneshot;
use uw_protocol::{
    BindRequestedPayload, Change, ChangeBody, OpResult, Outcome, PolicyTransactionRequest, PullResponse, PushOp, PushRequest, PushResponse,
    QuoteRatedPayload, Role, ServerResult, WaitResponse,
};
use uw_rating::{Quote, Rating};

use crate::audit::Mutation;
use crate::auth::Caller;
use crate::authority::{backdate_allowance, rerate, PackRule};
use crate::error::ApiError;
use crate::keys::unix_ms;
use crate::storage::{args, SqlRow, TxMode};
use crate::AppState;

/// The most operations one push may carry.
pub const MAX_PUSH_OPERATIONS: usize = 500;
/// The most operations one group commit applies (it takes at least one push,
/// whatever its size).
pub const MAX_GROUP_OPERATIONS: usize = 1000;
/// The most changes one pull returns.
pub const MAX_PULL_CHANGES: u64 = 500;

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
    let public_key = state.pushes.device_key(state, &device_id).await?;
    // Signatures are checked here, outside the commit group, and each
    // verdict is used when the operation's turn comes. (A replay of a
    // recorded operation is answered from the record whatever its verdict.)
    let operations = request
        .operations
        .into_iter()
        .map(|op| {
            let signature = check_signature(&public_key, &op);
            Checked { op, signature }
        })
        .collect();
    let job = Job { caller: caller.clone(), device_id, operations, request_id: request_id.to_owned() };
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
    operations: Vec<Checked>,
    request_id: String,
}

/// An operation and the verdict on its signature.
struct Checked {
    op: PushOp,
    signature: Result<[u8; 64], String>,
}

type Answer = Result<Vec<OpResult>, ApiError>;

/// Pushes waiting to be applied, and whether a leader is applying them.
///
/// The first push to find no leader starts one: a task that applies what is
/// waiting as one group, then what arrived meanwhile, until nothing waits.
/// Every other push only waits for its answer. (A leader lock that each push
/// had to take in turn would make every push lead once: a queue of 100
/// pushes then ran as 100 groups of one, each group taking the few pushes
/// that arrived during the last.)
#[derive(Debug, Default)]
pub struct PushQueue {
    state: std::sync::Mutex<Queue>,
    /// Devices' public keys: a device's key never changes (revocation is
    /// checked inside the group's transaction).
    keys: std::sync::RwLock<std::collections::HashMap<String, ed25519_dalek::VerifyingKey>>,
    /// The audit tree's right edge after the last group committed.
    edge: std::sync::Mutex<crate::audit::Edge>,
}

#[derive(Debug, Default)]
struct Queue {
    waiting: Vec<(Job, oneshot::Sender<Answer>)>,
    leading: bool,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job").field("device_id", &self.device_id).field("operations", &self.operations.len()).finish_non_exhaustive()
    }
}

impl PushQueue {
    /// Queues `job`, starts a leader if none is running, and waits for the
    /// answer.
    async fn submit(&self, state: &AppState, job: Job) -> Answer {
        let (reply, answer) = oneshot::channel();
        let lead = {
            let mut queue = self.lock();
            queue.waiting.push((job, reply));
            !std::mem::replace(&mut queue.leading, true)
        };
        if lead {
            let state = state.clone();
            // A task of its own: a group holds other devices' pushes, so it
            // must finish even if this request's client goes away.
            tokio::spawn(async move {
                let _lead = Leading(&state.pushes);
                loop {
                    let group = state.pushes.take_group();
                    if group.is_empty() {
                        break;
                    }
                    apply_group(&state, group).await;
                }
            });
        }
        answer.await.map_err(|_| ApiError::internal("a push's group commit ended without answering it"))?
    }

    /// The public key `device_id` enrolled with.
    async fn device_key(&self, state: &AppState, device_id: &str) -> Result<ed25519_dalek::VerifyingKey, ApiError> {
        if let Some(key) = self.keys.read().unwrap_or_else(std::sync::PoisonError::into_inner).get(device_id) {
            return Ok(*key);
        }
        let row = state.storage.query_one("SELECT public_key FROM device WHERE device_id = $1", args![device_id]).await?;
        let key = ed25519_dalek::VerifyingKey::from_bytes(&row.bytes32(0)?).map_err(ApiError::internal)?;
        self.keys.write().unwrap_or_else(std::sync::PoisonError::into_inner).insert(device_id.to_owned(), key);
        Ok(key)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The oldest waiting pushes, up to [`MAX_GROUP_OPERATIONS`] operations;
    /// none, and the leader stands down, when nothing waits.
    fn take_group(&self) -> Vec<(Job, oneshot::Sender<Answer>)> {
        let mut queue = self.lock();
        let mut operations = 0;
        let mut n = 0;
        for (job, _) in &queue.waiting {
            if n > 0 && operations + job.operations.len() > MAX_GROUP_OPERATIONS {
                break;
            }
            operations += job.operations.len();
            n += 1;
        }
        if n == 0 {
            queue.leading = false;
        }
        queue.waiting.drain(..n).collect()
    }
}

/// Held by the leader task: if it panics, the next push starts a new leader.
struct Leading<'a>(&'a PushQueue);

impl Drop for Leading<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.lock().leading = false;
        }
    }
}

/// Applies a group of pushes in one transaction and commits once. A push
/// that fails (a revoked device, an op id reused, a database error) is
/// answered with its error and the transaction is rolled back and run again
/// without it, so it leaves nothing behind; failures are rare, and a
/// savepoint around every push would cost two round trips each.
async fn apply_group(state: &AppState, group: Vec<(Job, oneshot::Sender<Answer>)>) {
    let mut failed: Vec<Option<ApiError>> = group.iter().map(|_| None).collect();
    let committed = loop {
        match attempt_group(state, &group, &failed).await {
            Attempt::Committed(results) => break Ok(results),
            Attempt::JobFailed(i, error) => failed[i] = Some(error),
            Attempt::Broken(detail) => break Err(detail),
        }
    };
    state.metrics.push_group(group.len());
    let mut results = match committed {
        Ok(results) => results.into_iter().map(|r| r.map(Ok)).collect(),
        Err(detail) => group.iter().map(|_| Some(Err(ApiError::internal(&detail)))).collect::<Vec<_>>(),
    };
    let mut grew = false;
    for (i, (job, reply)) in group.into_iter().enumerate() {
        let answer = match failed[i].take() {
            Some(error) => Err(error),
            None => results[i].take().unwrap_or_else(|| Err(ApiError::internal("a push of the group was not applied"))),
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

/// How one run of a group's transaction ended.
enum Attempt {
    /// Committed: each push's results, None for those left out.
    Committed(Vec<Option<Vec<OpResult>>>),
    /// Push `i` failed; the transaction was rolled back.
    JobFailed(usize, ApiError),
    /// The transaction itself failed: no push was applied.
    Broken(String),
}

/// Applies the group's pushes, except those that `failed` already, in one
/// transaction.
async fn attempt_group(state: &AppState, group: &[(Job, oneshot::Sender<Answer>)], failed: &[Option<ApiError>]) -> Attempt {
    let first_request = group.iter().zip(failed).find(|(_, f)| f.is_none()).map_or("", |((job, _), _)| job.request_id.as_str());
    let mut m = match Mutation::begin_at(state.storage.as_ref(), first_request, state.clock.now()).await {
        Ok(m) => m,
        Err(e) => return Attempt::Broken(e.to_string()),
    };
    m.seed_edge(&state.pushes.edge.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    let mut records = Records::default();
    let jobs = group.iter().zip(failed).filter(|(_, f)| f.is_none()).map(|((job, _), _)| job);
    if let Err(e) = records.prefetch(&mut m, jobs).await {
        return Attempt::Broken(e.to_string());
    }
    let mut results = Vec::with_capacity(group.len());
    for ((job, _), failed) in group.iter().zip(failed) {
        if failed.is_some() {
            results.push(None);
            continue;
        }
        m.request_id.clone_from(&job.request_id);
        match apply_job(state, &mut m, &mut records, job).await {
            Ok(r) => results.push(Some(r)),
            // Dropping the transaction rolls it back.
            Err(error) => return Attempt::JobFailed(results.len(), error),
        }
    }
    if let Err(e) = records.write(&mut m).await {
        return Attempt::Broken(e.to_string());
    }
    let edge = m.edge();
    match m.commit().await {
        Ok(()) => {
            *state.pushes.edge.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = edge;
            Attempt::Committed(results)
        }
        Err(e) => Attempt::Broken(e.to_string()),
    }
}

/// A recorded operation: the answer a replay of it gets.
struct Record {
    device_id: String,
    seq: i64,
    op_id: String,
    kind: String,
    digest: [u8; 32],
    outcome: &'static str,
    answer: String,
}

/// The operations a group has applied, and each device's last sequence
/// number, written in a few statements when the group ends; until then
/// replays and reused op ids inside the group are found here.
///
/// Also what the group's operations read, fetched for all of them in a few
/// statements before the first is applied (a round trip for each would cost
/// more than the rest of the work): each device's row with its record of
/// the operation's sequence number (valid for the whole group: revocations
/// take the log head, and the group writes sync records only at its end),
/// and each quote number's block and quote record (dropped once the group
/// writes that quote, so later reads see the write).
#[derive(Default)]
struct Records {
    records: Vec<Record>,
    by_seq: std::collections::HashMap<(String, i64), usize>,
    by_op_id: std::collections::HashMap<(String, String), i64>,
    last_seq: std::collections::BTreeMap<String, i64>,
    /// (device, seq) → the columns of [`DEVICE_READ`].
    devices: std::collections::HashMap<(String, i64), SqlRow>,
    /// Quote number → the columns of [`QUOTE_READ`].
    quotes: std::collections::HashMap<String, SqlRow>,
    /// Quote records to write at the group's end, by quote number.
    quote_writes: std::collections::BTreeMap<String, QuoteWrite>,
    /// (device, year) → the highest serial of its device-numbered quotes
    /// accepted in the group, kept in `device_quote_serial` at the end.
    serials: std::collections::BTreeMap<(String, i32), u32>,
}

/// A quote record to write: the values of [`QUOTE_COLUMNS`].
struct QuoteWrite {
    values: Vec<crate::storage::SqlValue>,
}

const QUOTE_COLUMNS: &str = "quote_record (quote_number, device_id, user_id, version, state, product, effective_date, input, pack_id,
    pack_digest, total, decision, reasons, status, updated_at, rated_at)";

/// Rows per quote upsert: sixteen parameters a row.
const QUOTES_PER_UPSERT: usize = 60;

/// A device, its record of a sequence number, and the sequence number that
/// used an op id, for keys `k(device_id, seq, op_id)`; the key's device and
/// sequence number come last.
const DEVICE_READ: &str = "SELECT d.last_seq, d.revoked_at, s.content_sha256, s.answer, s.op_id,
        (SELECT o.seq FROM sync_op o WHERE o.device_id = k.device_id AND o.op_id = k.op_id), k.device_id, k.seq
    FROM k JOIN device d ON d.device_id = k.device_id
    LEFT JOIN sync_op s ON s.device_id = k.device_id AND s.seq = k.seq";

/// The device a quote number belongs to, and the quote's record, for keys
/// `k(quote_number, year, serial, device_number)`: a device-numbered quote
/// (`QUOT-YYYY-DDDDD-NNNNN`) belongs to the device with that number; one of
/// the first scheme (`device_number` NULL) to the device whose block holds
/// it. Then the quote number, and when the server last rated the quote.
const QUOTE_READ: &str = "SELECT COALESCE(dv.device_id, b.device_id), q.user_id, q.version, q.input, q.pack_digest, q.total, q.status,
        k.quote_number, COALESCE(q.rated_at, q.updated_at)
    FROM k LEFT JOIN quote_number_block b ON k.device_number IS NULL AND b.year = k.year AND b.first <= k.serial AND b.last >= k.serial
    LEFT JOIN device dv ON dv.device_number = k.device_number
    LEFT JOIN quote_record q ON q.quote_number = k.quote_number";

const QUOTE_KEY: (&str, [&str; 4]) = ("quote_number, year, serial, device_number", ["TEXT", "BIGINT", "BIGINT", "BIGINT"]);

/// Keys per prefetch statement: at most four parameters a key.
const KEYS_PER_READ: usize = 240;

/// `WITH k(columns) AS (VALUES ($1, $2, …), …) query`, with the first row's
/// parameters cast so PostgreSQL knows the columns' types.
fn keyed<const N: usize>(query: &str, columns: &str, types: [&str; N], rows: usize) -> String {
    let mut values = Vec::with_capacity(rows);
    for row in 0..rows {
        let n = row * N;
        let cells: Vec<String> =
            (0..N).map(|c| if row == 0 { format!("CAST(${} AS {})", n + c + 1, types[c]) } else { format!("${}", n + c + 1) }).collect();
        values.push(format!("({})", cells.join(", ")));
    }
    format!("WITH k({columns}) AS (VALUES {}) {query}", values.join(", "))
}

/// The key of [`QUOTE_READ`] for a quote number.
fn quote_key(text: &str, number: uw_policy::QuoteNumber) -> Vec<crate::storage::SqlValue> {
    args![text, number.year(), number.serial(), number.device().map(i64::from)]
}

/// The quote number an operation's payload names, for the prefetch.
#[derive(serde::Deserialize)]
struct NamesQuote {
    quote_number: String,
}

/// Rows per multi-row statement: eight parameters a row stays under
/// SQLite's oldest limit of 999 parameters a statement.
const RECORDS_PER_INSERT: usize = 120;

impl Records {
    /// Reads, in a few statements, what the operations of `jobs` will read.
    async fn prefetch<'a>(&mut self, m: &mut Mutation, jobs: impl Iterator<Item = &'a Job>) -> Result<(), crate::storage::StorageError> {
        let mut ops = Vec::new();
        let mut quotes = Vec::new();
        for job in jobs {
            for checked in &job.operations {
                let op = &checked.op;
                let Ok(seq) = i64::try_from(op.seq) else { continue };
                ops.push(args![job.device_id.as_str(), seq, op.op_id.as_str()]);
                if matches!(op.kind.as_str(), "quote.rated" | "quote.bind_requested") {
                    // A payload that names no valid quote number is refused
                    // when it is applied; there is nothing to read for it.
                    let named = serde_json::from_str::<NamesQuote>(&op.payload).ok();
                    if let Some((text, Ok(number))) =
                        named.map(|n| (n.quote_number.clone(), n.quote_number.parse::<uw_policy::QuoteNumber>()))
                    {
                        quotes.push(quote_key(&text, number));
                    }
                }
            }
        }
        for chunk in ops.chunks(KEYS_PER_READ) {
            let sql = keyed(DEVICE_READ, "device_id, seq, op_id", ["TEXT", "BIGINT", "TEXT"], chunk.len());
            for row in m.tx.fetch(&sql, chunk.concat()).await? {
                self.devices.insert((row.text(6)?, row.int(7)?), row);
            }
        }
        for chunk in quotes.chunks(KEYS_PER_READ) {
            let sql = keyed(QUOTE_READ, QUOTE_KEY.0, QUOTE_KEY.1, chunk.len());
            for row in m.tx.fetch(&sql, chunk.concat()).await? {
                self.quotes.insert(row.text(7)?, row);
            }
        }
        Ok(())
    }

    /// The [`DEVICE_READ`] row for an operation: prefetched, or read now.
    async fn device_row(&self, m: &mut Mutation, device_id: &str, seq: i64, op_id: &str) -> Result<SqlRow, ApiError> {
        if let Some(row) = self.devices.get(&(device_id.to_owned(), seq)) {
            return Ok(row.clone());
        }
        let sql = keyed(DEVICE_READ, "device_id, seq, op_id", ["TEXT", "BIGINT", "TEXT"], 1);
        Ok(m.tx.fetch_one(&sql, args![device_id, seq, op_id]).await?)
    }

    /// The [`QUOTE_READ`] row for a quote number: prefetched and not written
    /// since, or read now.
    async fn quote_row(&self, m: &mut Mutation, text: &str, number: uw_policy::QuoteNumber) -> Result<SqlRow, ApiError> {
        if let Some(row) = self.quotes.get(text) {
            return Ok(row.clone());
        }
        let sql = keyed(QUOTE_READ, QUOTE_KEY.0, QUOTE_KEY.1, 1);
        Ok(m.tx.fetch_one(&sql, quote_key(text, number)).await?)
    }

    /// The group wrote `number`'s quote record: later reads go to the database.
    fn wrote_quote(&mut self, number: &str) {
        self.quotes.remove(number);
    }

    /// Records a quote for the group's end: `row` (the columns of
    /// [`QUOTE_READ`]) is what later reads in the group see meanwhile. A
    /// second write of the same quote replaces the first.
    fn write_quote(&mut self, number: &str, write: QuoteWrite, row: SqlRow) {
        self.quotes.insert(number.to_owned(), row);
        self.quote_writes.insert(number.to_owned(), write);
    }

    /// Writes the pending quote records: one multi-row upsert; and each
    /// device's highest serial of the year, which a restored device numbers on from.
    async fn write_quotes(&mut self, m: &mut Mutation) -> Result<(), crate::storage::StorageError> {
        let serials = std::mem::take(&mut self.serials);
        let serials: Vec<Vec<crate::storage::SqlValue>> =
            serials.into_iter().map(|((device, year), highest)| args![device, year, highest]).collect();
        for chunk in serials.chunks(RECORDS_PER_INSERT) {
            let sql = format!(
                "{} ON CONFLICT (device_id, year) DO UPDATE SET highest =
                     CASE WHEN excluded.highest > device_quote_serial.highest THEN excluded.highest ELSE device_quote_serial.highest END",
                crate::audit::multi_row_insert("device_quote_serial (device_id, year, highest)", 3, chunk.len())
            );
            m.tx.execute(&sql, chunk.concat()).await?;
        }
        let writes: Vec<QuoteWrite> = std::mem::take(&mut self.quote_writes).into_values().collect();
        for chunk in writes.chunks(QUOTES_PER_UPSERT) {
            let sql = format!(
                "{} ON CONFLICT (quote_number) DO UPDATE SET version = excluded.version, state = excluded.state, product = excluded.product,
                     effective_date = excluded.effective_date, input = excluded.input, pack_id = excluded.pack_id,
                     pack_digest = excluded.pack_digest, total = excluded.total, decision = excluded.decision, reasons = excluded.reasons,
                     status = excluded.status, decided_by = NULL, decision_reason = NULL, updated_at = excluded.updated_at,
                     rated_at = excluded.rated_at",
                crate::audit::multi_row_insert(QUOTE_COLUMNS, 16, chunk.len())
            );
            m.tx.execute(&sql, chunk.iter().flat_map(|w| w.values.iter().cloned()).collect()).await?;
        }
        Ok(())
    }

    fn add(&mut self, record: Record) {
        let key = (record.device_id.clone(), record.seq);
        self.by_op_id.insert((record.device_id.clone(), record.op_id.clone()), record.seq);
        self.last_seq.insert(record.device_id.clone(), record.seq);
        self.by_seq.insert(key, self.records.len());
        self.records.push(record);
    }

    /// This group's record of `device_id`'s operation `seq`, if it applied one.
    fn replay(&self, device_id: &str, seq: i64) -> Option<&Record> {
        self.by_seq.get(&(device_id.to_owned(), seq)).map(|&i| &self.records[i])
    }

    async fn write(&mut self, m: &mut Mutation) -> Result<(), crate::storage::StorageError> {
        self.write_quotes(m).await?;
        let now = unix_ms(m.now);
        for chunk in self.records.chunks(RECORDS_PER_INSERT) {
            let mut values = Vec::with_capacity(chunk.len() * 8);
            for r in chunk {
                values.extend(args![
                    r.device_id.as_str(),
                    r.seq,
                    r.op_id.as_str(),
                    r.kind.as_str(),
                    &r.digest,
                    r.outcome,
                    r.answer.as_str(),
                    now
                ]);
            }
            let sql = crate::audit::multi_row_insert(
                "sync_op (device_id, seq, op_id, kind, content_sha256, outcome, answer, received_at)",
                8,
                chunk.len(),
            );
            m.tx.execute(&sql, values).await?;
        }
        let devices: Vec<_> = self.last_seq.iter().collect();
        for chunk in devices.chunks(RECORDS_PER_INSERT * 3) {
            let mut sql = "UPDATE device SET last_seq = CASE device_id".to_owned();
            let mut values = Vec::with_capacity(chunk.len() * 2);
            for (i, (device_id, seq)) in chunk.iter().enumerate() {
                sql.push_str(&format!(" WHEN ${} THEN ${}", 2 * i + 1, 2 * i + 2));
                values.extend(args![device_id.as_str(), **seq]);
            }
            sql.push_str(" END WHERE device_id IN (");
            sql.push_str(&(0..chunk.len()).map(|i| format!("${}", 2 * i + 1)).collect::<Vec<_>>().join(", "));
            sql.push(')');
            m.tx.execute(&sql, values).await?;
        }
        Ok(())
    }
}

/// Applies one push's operations in order.
async fn apply_job(state: &AppState, m: &mut Mutation, records: &mut Records, job: &Job) -> Answer {
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
                code: "sync.sequence_gap".into(),
                reason: "not applied: an earlier operation of this push reused a sequence number; push again from it".into(),
            },
            Some(expected) => gap_outcome(op.seq, expected),
            None => match apply_op(state, m, records, job, checked).await? {
                Applies::Done(outcome) => {
                    reused = matches!(&outcome, Outcome::Rejected { code, .. } if code == "sync.sequence_reused");
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
    Outcome::rejected(code, reason)
}

/// Applies one operation inside the group's transaction.
async fn apply_op(state: &AppState, m: &mut Mutation, records: &mut Records, job: &Job, checked: &Checked) -> Result<Applies, ApiError> {
    let (caller, device_id) = (&job.caller, job.device_id.as_str());
    let op = &checked.op;
    // Refused for this operation alone: an error here would roll back and
    // rerun the whole group, every other device's pushes with it.
    let Ok(seq) = i64::try_from(op.seq) else {
        return Ok(Applies::Done(rejected("sync.bad_payload", format!("seq: {} is beyond the largest sequence number, 2^63 - 1", op.seq))));
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
        return Ok(Applies::Done(rejected(
            "sync.sequence_reused",
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
        return Ok(Applies::Done(rejected(
            "sync.sequence_reused",
            format!("sequence {} was consumed before; the next expected is {expected}", op.seq),
        )));
    }
    // An unsigned or badly signed operation is not recorded: it did not come
    // from the device, and recording it would let a stolen token burn the
    // device's sequence numbers.
    let signature = match &checked.signature {
        Ok(signature) => *signature,
        Err(reason) => return Ok(Applies::Done(rejected("sync.bad_signature", reason.clone()))),
    };
    if device.opt_int(5)?.is_some() || records.by_op_id.contains_key(&(device_id.to_owned(), op.op_id.clone())) {
        return Err(ApiError::conflict("sync.op_id_reused", format!("op_id {} was used by another sequence number", op.op_id)));
    }
    let applied = if op.op_id.len() != 32 || !op.op_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        Applied::rejected(&op.kind, rejected("sync.bad_payload", "op_id: expected 32 hexadecimal digits"))
    } else if uw_ledger::AuditEntry::validate_time(&op.created_at).is_err() {
        Applied::rejected(
            &op.kind,
            rejected("sync.bad_payload", format!("created_at: `{}` is not a UTC time YYYY-MM-DDTHH:MM:SS.mmmZ", op.created_at)),
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
            other => {
                Applied::rejected(other, rejected("sync.unknown_kind", format!("kind: `{other}` is not an operation this server knows")))
            }
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
    fn rejected(kind: &str, outcome: Outcome) -> Self {
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
        return Ok(Err(rejected("sync.bad_payload", format!("quote_number: `{text}` is not QUOT-YYYY-DDDDD-NNNNN"))));
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
        Err(e) => return Ok(Applied::rejected("quote.rated", rejected("sync.bad_payload", format!("payload: {e}")))),
    };
    let number = p.quote_number.clone();
    let row = match quote_row(m, records, &number).await? {
        Ok(row) => row,
        Err(outcome) => return Ok(Applied::for_quote(&number, "quote.rated.refused", outcome)),
    };
    if row.opt_text(0)?.as_deref() != Some(device_id) {
        let reason =
            format!("quote_number: {number} is not one of this device's numbers; quotes made before enrollment must be re-created");
        return Ok(Applied::for_quote(&number, "quote.rated.refused", rejected("quote.number_not_allocated", reason)));
    }
    let parsed: uw_policy::QuoteNumber = number.parse().map_err(ApiError::internal)?;
    // The year comes from the device's clock: a year ahead of the server's
    // is a clock set wrong, not a quote.
    if parsed.year() > m.now.year() + 1 {
        let reason = format!("quote_number: {number} is dated {}; check the device's clock", parsed.year());
        return Ok(Applied::for_quote(&number, "quote.rated.refused", rejected("quote.number_year", reason)));
    }
    let existing = quote_record(&row)?;
    // Who the quote belongs to: whoever first recorded it.
    let owner = existing.as_ref().map_or_else(|| caller.user_id.clone(), |e| e.user_id.clone());
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
                rejected("quote.already_bound", format!("{number} is bound; it cannot be re-rated")),
            ));
        }
        // Each edit makes a new version: the same version with another
        // input is another quote under a reused number (a device restored
        // from a backup), never a reason to overwrite this one.
        let held: serde_json::Value = serde_json::from_str(&existing.input).map_err(ApiError::internal)?;
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
        return Ok(Applied::for_quote(&number, "quote.rated.refused", rejected("rating.premium_mismatch", reason)));
    }
    let (decision, status) = match rating.decision.action {
        uw_rating::Action::Accept => ("accept", "rated"),
        uw_rating::Action::Refer => ("refer", "referred"),
        uw_rating::Action::Decline => ("decline", "declined"),
    };
    let reasons: Vec<&str> = rating.decision.reasons.iter().map(|r| &*r.code).collect();
    let input = p.input.to_string();
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
                unix_ms(m.now)
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

async fn bind_requested(
    state: &AppState,
    m: &mut Mutation,
    records: &mut Records,
    caller: &Caller,
    payload: &str,
) -> Result<Applied, ApiError> {
    let p: BindRequestedPayload = match serde_json::from_str(payload) {
        Ok(p) => p,
        Err(e) => return Ok(Applied::rejected("quote.bind_requested", rejected("sync.bad_payload", format!("payload: {e}")))),
    };
    let number = p.quote_number.clone();
    let refuse = |code: &str, reason: String| Ok(Applied::for_quote(&number, "policy.bind.refused", rejected(code, reason)));
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
    let recorded_input: serde_json::Value = serde_json::from_str(&record.input).map_err(ApiError::internal)?;
    if recorded_input != p.input {
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
            input: p.input.clone(),
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
        Err(e) => return Ok(Applied::rejected("policy.transaction", rejected("sync.bad_payload", format!("payload: {e}")))),
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
