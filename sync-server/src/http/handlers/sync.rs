//! Push, pull and the long poll.

use std::time::Duration;

use axum::extract::{Query, State};
use axum::Json;
use serde::Deserialize;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::http::extract::{Body, RequestId};
use crate::{sync, AppState};

pub(crate) async fn push(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Body(request): Body<uw_protocol::PushRequest>,
) -> Result<Json<uw_protocol::PushResponse>, ApiError> {
    Ok(Json(sync::push(&state, &caller, request, &id).await?))
}

#[derive(Debug, Deserialize)]
pub(crate) struct PullQuery {
    cursor: u64,
    limit: Option<u64>,
}

pub(crate) async fn pull(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<PullQuery>,
) -> Result<Json<uw_protocol::PullResponse>, ApiError> {
    Ok(Json(sync::pull(&state, &caller, q.cursor, q.limit).await?))
}

#[derive(Debug, Deserialize)]
pub(crate) struct WaitQuery {
    cursor: u64,
    /// Seconds to wait at most (default and maximum 25).
    timeout: Option<u64>,
}

pub(crate) async fn wait(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<WaitQuery>,
) -> Result<Json<uw_protocol::WaitResponse>, ApiError> {
    let timeout = q.timeout.map_or(sync::MAX_WAIT, Duration::from_secs);
    Ok(Json(sync::wait(&state, &caller, q.cursor, timeout).await?))
}
