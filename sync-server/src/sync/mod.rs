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

mod group_commit;
mod ops;
pub(crate) mod records;

use axum::http::StatusCode;
use uw_protocol::{Change, ChangeBody, PullResponse, PushOp, PushRequest, PushResponse, Role, WaitResponse};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::storage::{args, TxMode};
use crate::AppState;
use group_commit::{Checked, Job};

pub use group_commit::PushQueue;

/// The most operations one group commit applies (it takes at least one push,
/// whatever its size).
pub const MAX_GROUP_OPERATIONS: usize = 1000;

/// The most changes one pull returns.
const MAX_PULL_CHANGES: u64 = uw_protocol::MAX_PULL_CHANGES as u64;

/// Handles a push: checks what needs no database, then waits for its group
/// commit. Answers in order.
pub async fn push(state: &AppState, caller: &Caller, request: PushRequest, request_id: &str) -> Result<PushResponse, ApiError> {
    caller.require(&[Role::Agent, Role::Underwriter])?;
    let device_id = caller.device()?.to_owned();
    if request.operations.len() > uw_protocol::MAX_PUSH_OPERATIONS {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "sync.batch_too_large",
            format!("a push carries at most {} operations; send the rest in the next push", uw_protocol::MAX_PUSH_OPERATIONS),
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
