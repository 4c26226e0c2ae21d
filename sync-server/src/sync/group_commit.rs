//! Group commit: pushes from many devices wait in one queue and are applied
//! together, one transaction per group, so the audit log and the database
//! advance once per group.

use tokio::sync::oneshot;
use uw_protocol::{OpResult, Outcome, PushOp};

use super::ops::apply_job;
use super::records::Records;
use super::MAX_GROUP_OPERATIONS;
use crate::audit::Mutation;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::storage::args;
use crate::AppState;

/// One push waiting for its group commit.
pub(crate) struct Job {
    pub(crate) caller: Caller,
    pub(crate) device_id: String,
    pub(crate) operations: Vec<Checked>,
    pub(crate) request_id: String,
}

/// An operation and the verdict on its signature.
pub(crate) struct Checked {
    pub(crate) op: PushOp,
    pub(crate) signature: Result<[u8; 64], String>,
}

pub(crate) type Answer = Result<Vec<OpResult>, ApiError>;

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
    pub(crate) async fn submit(&self, state: &AppState, job: Job) -> Answer {
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
            // In the span of the push that leads, so its trace shows the
            // group commit it waited for.
            let lead = async move {
                let _lead = Leading(&state.pushes);
                loop {
                    let group = state.pushes.take_group();
                    if group.is_empty() {
                        break;
                    }
                    apply_group(&state, group).await;
                }
            };
            tokio::spawn(tracing::Instrument::in_current_span(lead));
        }
        answer.await.map_err(|_| ApiError::internal("a push's group commit ended without answering it"))?
    }

    /// The public key `device_id` enrolled with.
    pub(crate) async fn device_key(&self, state: &AppState, device_id: &str) -> Result<ed25519_dalek::VerifyingKey, ApiError> {
        if let Some(key) = self.keys.read().unwrap_or_else(std::sync::PoisonError::into_inner).get(device_id) {
            return Ok(*key);
        }
        let row = state.storage.query_one("SELECT public_key FROM device WHERE device_id = $1", args![device_id]).await?;
        let key = ed25519_dalek::VerifyingKey::from_bytes(&row.bytes32(0)?).map_err(ApiError::internal)?;
        self.keys.write().unwrap_or_else(std::sync::PoisonError::into_inner).insert(device_id.to_owned(), key);
        Ok(key)
    }

    /// Pushes waiting for a group commit (not those being applied).
    pub fn depth(&self) -> usize {
        self.lock().waiting.len()
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
    let span = if uw_telemetry::recording() { tracing::info_span!("group_commit", pushes = group.len()) } else { tracing::Span::none() };
    tracing::Instrument::instrument(apply_group_in_span(state, group), span).await;
}

async fn apply_group_in_span(state: &AppState, group: Vec<(Job, oneshot::Sender<Answer>)>) {
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
    if let Err(e) = records.prefetch(&state.vault, &mut m, jobs).await {
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
