//! The audit log: keys, checkpoints, proofs and exports.

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use uw_protocol::Role;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::http::extract::RequestId;
use crate::storage::TxMode;
use crate::{audit, keys, AppState};

pub(crate) async fn audit_keys(State(state): State<AppState>, caller: Caller) -> Result<Json<uw_protocol::AuditKeys>, ApiError> {
    caller.require(&[Role::Auditor])?;
    let mut tx = state.storage.begin(TxMode::Read).await?;
    Ok(Json(uw_protocol::AuditKeys { origin: keys::origin(&mut *tx).await?, verifier_keys: keys::verifiers(&mut *tx).await? }))
}

fn checkpoint_response(note: String, checkpoint: &uw_ledger::Checkpoint) -> uw_protocol::CheckpointResponse {
    uw_protocol::CheckpointResponse { note, size: checkpoint.size, root: hex::encode(checkpoint.root) }
}

pub(crate) async fn latest_checkpoint(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<uw_protocol::CheckpointResponse>, ApiError> {
    caller.require(&[Role::Auditor])?;
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let (note, checkpoint) = audit::latest_checkpoint(&mut *tx).await?.ok_or_else(|| {
        ApiError::not_found("audit.no_checkpoint", "no checkpoint has been signed yet; POST /v1/audit/checkpoints signs one")
    })?;
    Ok(Json(checkpoint_response(note, &checkpoint)))
}

pub(crate) async fn sign_checkpoint(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
) -> Result<Json<uw_protocol::CheckpointResponse>, ApiError> {
    caller.require(&[Role::Auditor])?;
    let (note, checkpoint) = crate::sign_checkpoint_now(&state, &id).await?;
    Ok(Json(checkpoint_response(note, &checkpoint)))
}

#[derive(Debug, Deserialize)]
pub(crate) struct InclusionQuery {
    index: u64,
    size: u64,
}

fn hex_hashes(hashes: Vec<[u8; 32]>) -> uw_protocol::ProofResponse {
    uw_protocol::ProofResponse { hashes: hashes.into_iter().map(hex::encode).collect() }
}

async fn checked_size(tx: &mut dyn crate::storage::Tx, size: u64) -> Result<(), ApiError> {
    let log = audit::log_size(tx).await?;
    if size > log {
        return Err(ApiError::bad_request("audit.bad_range", format!("size: {size} is beyond the log's {log} entries")));
    }
    Ok(())
}

pub(crate) async fn inclusion_proof(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<InclusionQuery>,
) -> Result<Json<uw_protocol::ProofResponse>, ApiError> {
    caller.require(&[Role::Auditor])?;
    let mut tx = state.storage.begin(TxMode::Read).await?;
    checked_size(&mut *tx, q.size).await?;
    if q.index >= q.size {
        return Err(ApiError::bad_request("audit.bad_range", format!("index: {} is not below size {}", q.index, q.size)));
    }
    let proof = audit::read_tree(&mut *tx, q.size, |t| t.inclusion_proof(q.index, q.size), audit::missing_node, |e| e.to_string()).await?;
    Ok(Json(hex_hashes(proof)))
}

#[derive(Debug, Deserialize)]
pub(crate) struct ConsistencyQuery {
    old: u64,
    size: u64,
}

pub(crate) async fn consistency_proof(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ConsistencyQuery>,
) -> Result<Json<uw_protocol::ProofResponse>, ApiError> {
    caller.require(&[Role::Auditor])?;
    let mut tx = state.storage.begin(TxMode::Read).await?;
    checked_size(&mut *tx, q.size).await?;
    if q.old > q.size {
        return Err(ApiError::bad_request("audit.bad_range", format!("old: {} is beyond size {}", q.old, q.size)));
    }
    let proof = audit::read_tree(&mut *tx, q.size, |t| t.consistency_proof(q.old, q.size), audit::missing_node, |e| e.to_string()).await?;
    Ok(Json(hex_hashes(proof)))
}

/// A span of time as the query gives it: RFC 3339 instants, `to` exclusive.
#[derive(Debug, Deserialize)]
pub(crate) struct TimeSpan {
    from: Option<String>,
    to: Option<String>,
}

impl TimeSpan {
    /// The entries of a log of `size` the span selects, `start..end`.
    async fn range(&self, tx: &mut dyn crate::storage::Tx, size: u64) -> Result<(u64, u64), ApiError> {
        let instant = |field: &str, text: &Option<String>| -> Result<Option<String>, ApiError> {
            text.as_deref()
                .map(|t| {
                    time::OffsetDateTime::parse(t, &time::format_description::well_known::Rfc3339).map(audit::log_time).map_err(|_| {
                        ApiError::bad_request(
                            "audit.bad_time",
                            format!("{field}: `{t}` is not an RFC 3339 time such as 2026-12-01T00:00:00Z"),
                        )
                    })
                })
                .transpose()
        };
        let (from, to) = (instant("from", &self.from)?, instant("to", &self.to)?);
        if let (Some(f), Some(t)) = (&from, &to) {
            if f > t {
                return Err(ApiError::bad_request("audit.bad_range", "from: the span must start before it ends"));
            }
        }
        let start = match &from {
            Some(f) => audit::first_at_or_after(tx, size, f).await?,
            None => 0,
        };
        let end = match &to {
            Some(t) => audit::first_at_or_after(tx, size, t).await?,
            None => size,
        };
        Ok((start, end.max(start)))
    }
}

/// The entries recorded in a span of time, as an index range to export.
pub(crate) async fn audit_range(
    State(state): State<AppState>,
    caller: Caller,
    Query(span): Query<TimeSpan>,
) -> Result<Json<uw_protocol::AuditRange>, ApiError> {
    caller.require(&[Role::Auditor])?;
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let log_size = audit::log_size(&mut *tx).await?;
    let (start, end) = span.range(&mut *tx, log_size).await?;
    Ok(Json(uw_protocol::AuditRange { start, end, log_size }))
}

#[derive(Debug, Deserialize)]
pub(crate) struct BrowseQuery {
    // Not a flattened `TimeSpan`: serde's flatten buffers the query, and a
    // buffered number then reads as text.
    from: Option<String>,
    to: Option<String>,
    /// A username, or a system actor's name.
    user: Option<String>,
    action: Option<String>,
    resource: Option<String>,
    before: Option<u64>,
    limit: Option<usize>,
}

/// The most entries a page holds.
const PAGE_LIMIT: usize = 200;

/// A page of the log's entries, newest first, decoded, with the acting
/// user's name: by time span, user, action and resource.
pub(crate) async fn audit_entries(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<BrowseQuery>,
) -> Result<Json<uw_protocol::AuditEntryPage>, ApiError> {
    caller.require(&[Role::Auditor])?;
    let limit = q.limit.unwrap_or(50);
    if limit == 0 || limit > PAGE_LIMIT {
        return Err(ApiError::bad_request("audit.bad_range", format!("limit: give 1 to {PAGE_LIMIT}")));
    }
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let size = audit::log_size(&mut *tx).await?;
    let (start, end) = TimeSpan { from: q.from, to: q.to }.range(&mut *tx, size).await?;
    let names: std::collections::HashMap<String, String> = tx
        .fetch("SELECT user_id, username FROM app_user", crate::storage::args![])
        .await?
        .iter()
        .map(|r| Ok((r.text(0)?, r.text(1)?)))
        .collect::<Result<_, ApiError>>()?;
    let mut filter = audit::EntryFilter {
        action: q.action.map(|a| a.trim().to_owned()).filter(|a| !a.is_empty()),
        resource: q.resource.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()),
        ..audit::EntryFilter::default()
    };
    if let Some(user) = q.user.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty()) {
        // A username names its user's id; any other text, a system actor.
        filter.actors.extend(names.iter().filter(|(_, name)| name.eq_ignore_ascii_case(&user)).map(|(id, _)| id.clone()));
        filter.actors.push(user);
    }
    let (found, next_before) = audit::browse(&mut *tx, (start, end), q.before, &filter, limit).await?;
    let entries = found
        .into_iter()
        .map(|(index, e)| uw_protocol::AuditEntryRecord {
            index,
            username: names.get(&e.actor_user).cloned(),
            server_time: e.server_time,
            actor: e.actor_user,
            role: e.actor_role.name().to_owned(),
            device_id: e.actor_device,
            action: e.action,
            resource_type: e.resource_type,
            resource_id: e.resource_id,
            device_time: e.device_time,
            request_id: e.request_id,
        })
        .collect();
    Ok(Json(uw_protocol::AuditEntryPage { entries, next_before, start, end }))
}

#[derive(Debug, Deserialize)]
pub(crate) struct ExportQuery {
    start: u64,
    end: Option<u64>,
    /// The size of the auditor's previous checkpoint.
    previous: Option<u64>,
    /// An age recipient to encrypt the export to.
    recipient: Option<String>,
}

pub(crate) async fn audit_export(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Query(q): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    caller.require(&[Role::Auditor])?;
    let recipient =
        match &q.recipient {
            Some(text) => Some(text.parse::<age::x25519::Recipient>().map_err(|e| {
                ApiError::bad_request("audit.bad_recipient", format!("recipient: not an age X25519 recipient (age1…): {e}"))
            })?),
            None => None,
        };
    // A fresh checkpoint covers everything up to now.
    let (note, checkpoint) = crate::sign_checkpoint_now(&state, &id).await?;
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let end = q.end.unwrap_or(checkpoint.size).min(checkpoint.size);
    if q.start >= end {
        return Err(ApiError::bad_request(
            "audit.bad_range",
            format!("start: {} must be below end {end} (the log has {} entries)", q.start, checkpoint.size),
        ));
    }
    let previous = match q.previous {
        Some(size) => {
            let row = tx
                .fetch_optional(
                    "SELECT note FROM checkpoint WHERE size = $1",
                    crate::storage::args![i64::try_from(size).unwrap_or(i64::MAX)],
                )
                .await?;
            let Some(row) = row else {
                // A checkpoint the restore of the database from a backup lost.
                let lost = tx
                    .fetch_optional(
                        "SELECT restored_size, new_origin FROM log_restore WHERE restored_size < $1 AND old_size >= $1 ORDER BY restored_at DESC LIMIT 1",
                        crate::storage::args![i64::try_from(size).unwrap_or(i64::MAX)],
                    )
                    .await?;
                return Err(match lost {
                    Some(r) => ApiError::not_found(
                        "audit.checkpoint_lost_in_restore",
                        format!(
                            "previous: your checkpoint of size {size} covers entries the database lost when it was restored from a backup that kept {}; the log goes on as `{}`. Export without `previous` and verify it with your checkpoint to see the link",
                            r.int(0)?,
                            r.text(1)?
                        ),
                    ),
                    None => ApiError::not_found("audit.no_checkpoint", format!("previous: no checkpoint of size {size} was signed")),
                });
            };
            let text = row.text(0)?;
            Some(uw_ledger::Checkpoint::parse(text.split("\n\n").next().unwrap_or_default()).map_err(ApiError::internal)?)
        }
        None => None,
    };
    let links = keys::restore_links(&mut *tx).await?;
    // The header needs O(log n) nodes; the entries then stream in batches
    // from the same read transaction (one snapshot), each with its leaf hash.
    let header = audit::read_tree(
        &mut *tx,
        checkpoint.size,
        |t| uw_ledger::export::header(t, &note, &checkpoint, (q.start, end), previous.as_ref(), &links),
        |e| match e {
            uw_ledger::export::BuildError::Tree(t) => audit::missing_node(t),
            _ => None,
        },
        |e| e.to_string(),
    )
    .await?;
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<axum::body::Bytes, std::io::Error>>(4);
    tokio::spawn(stream_export(tx, header, (q.start, end), recipient, sender));
    let body = axum::body::Body::from_stream(tokio_stream::wrappers::ReceiverStream::new(receiver));
    let content_type = if q.recipient.is_some() { "text/plain; charset=us-ascii" } else { "text/plain; charset=utf-8" };
    Ok(([(axum::http::header::CONTENT_TYPE, content_type)], body).into_response())
}

/// Entries an export reads and sends at a time.
const EXPORT_BATCH: i64 = 5_000;

/// Sends an export's `header`, its entries `start..end` a batch at a time
/// (read in `tx`, one snapshot) and its end, through `sender`; encrypted to
/// `recipient` (ASCII-armoured age) when there is one. A failure ends the
/// body early: without its `end` line no verifier accepts it.
async fn stream_export(
    mut tx: Box<dyn crate::storage::Tx>,
    header: String,
    (start, end): (u64, u64),
    recipient: Option<age::x25519::Recipient>,
    sender: tokio::sync::mpsc::Sender<Result<axum::body::Bytes, std::io::Error>>,
) {
    let mut sink = match ExportSink::new(recipient) {
        Ok(sink) => sink,
        Err(e) => {
            tracing::error!(error = %e, "audit export: cannot start the encryption");
            return;
        }
    };
    let mut next = start;
    let mut chunk = header;
    loop {
        match sink.write(chunk.as_bytes()) {
            Ok(bytes) if bytes.is_empty() => {}
            Ok(bytes) => {
                if sender.send(Ok(bytes.into())).await.is_err() {
                    return; // The client went away.
                }
            }
            Err(e) => {
                tracing::error!(error = %e, "audit export: encryption failed");
                return;
            }
        }
        if next >= end {
            break;
        }
        let upto = end.min(next.saturating_add(EXPORT_BATCH.unsigned_abs()));
        chunk = match export_batch(&mut *tx, next, upto).await {
            Ok(text) => text,
            Err(e) => {
                tracing::error!(error = %e.message, start = next, "audit export: reading entries failed");
                let _ = sender.send(Err(std::io::Error::other("the export could not be read"))).await;
                return;
            }
        };
        next = upto;
        if next >= end {
            chunk.push_str(uw_ledger::export::END);
        }
    }
    match sink.finish() {
        Ok(bytes) if bytes.is_empty() => {}
        Ok(bytes) => {
            let _ = sender.send(Ok(bytes.into())).await;
        }
        Err(e) => tracing::error!(error = %e, "audit export: finishing the encryption failed"),
    }
    let _ = tx.commit().await;
}

/// The export lines of entries `from..to`.
async fn export_batch(tx: &mut dyn crate::storage::Tx, from: u64, to: u64) -> Result<String, ApiError> {
    let to_i64 = |n: u64| i64::try_from(n).map_err(ApiError::internal);
    let rows = tx
        .fetch(
            "SELECT idx, entry, leaf_hash FROM audit_entry WHERE idx >= $1 AND idx < $2 ORDER BY idx",
            crate::storage::args![to_i64(from)?, to_i64(to)?],
        )
        .await?;
    let mut out = String::with_capacity(rows.len() * 400);
    let mut expected = from;
    for row in rows {
        let index = u64::try_from(row.int(0)?).map_err(ApiError::internal)?;
        if index != expected {
            return Err(ApiError::internal(format!("audit entry {expected} is missing")));
        }
        let leaf: [u8; 32] = row.bytes(2)?.try_into().map_err(|_| ApiError::internal("a leaf hash is not 32 bytes"))?;
        uw_ledger::export::entry_line::<std::convert::Infallible>(&mut out, index, &leaf, &row.bytes(1)?)
            .map_err(|e| ApiError::internal(e.to_string()))?;
        expected += 1;
    }
    if expected != to {
        return Err(ApiError::internal(format!("audit entry {expected} is missing")));
    }
    Ok(out)
}

/// Where export text goes: straight out, or through age encryption to an
/// ASCII-armoured output drained after every write.
enum ExportSink {
    Plain,
    Encrypted(Box<age::stream::StreamWriter<age::armor::ArmoredWriter<SharedBuffer>>>, SharedBuffer),
}

/// A buffer the age writer writes into and the sender drains.
#[derive(Clone, Default)]
struct SharedBuffer(pub(crate) std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for SharedBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().map_err(|_| std::io::Error::other("export buffer poisoned"))?.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl SharedBuffer {
    fn take(&self) -> std::io::Result<Vec<u8>> {
        Ok(std::mem::take(&mut *self.0.lock().map_err(|_| std::io::Error::other("export buffer poisoned"))?))
    }
}

impl ExportSink {
    fn new(recipient: Option<age::x25519::Recipient>) -> Result<Self, String> {
        let Some(recipient) = recipient else { return Ok(Self::Plain) };
        let buffer = SharedBuffer::default();
        let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient)).map_err(|e| e.to_string())?;
        let armor = age::armor::ArmoredWriter::wrap_output(buffer.clone(), age::armor::Format::AsciiArmor).map_err(|e| e.to_string())?;
        let writer = encryptor.wrap_output(armor).map_err(|e| e.to_string())?;
        Ok(Self::Encrypted(Box::new(writer), buffer))
    }

    /// Writes `text`; returns the bytes ready to send.
    fn write(&mut self, text: &[u8]) -> std::io::Result<Vec<u8>> {
        match self {
            Self::Plain => Ok(text.to_vec()),
            Self::Encrypted(writer, buffer) => {
                std::io::Write::write_all(writer, text)?;
                buffer.take()
            }
        }
    }

    /// Ends the output; returns its last bytes.
    fn finish(self) -> std::io::Result<Vec<u8>> {
        match self {
            Self::Plain => Ok(Vec::new()),
            Self::Encrypted(writer, buffer) => {
                writer.finish().and_then(age::armor::ArmoredWriter::finish)?;
                buffer.take()
            }
        }
    }
}
