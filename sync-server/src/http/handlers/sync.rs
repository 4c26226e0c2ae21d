//! Push, pull and the long poll.

use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::http::extract::{Body, RequestId};
use crate::{desktop_versions, sync, AppState};

pub(crate) async fn push(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    RequestId(id): RequestId,
    Body(request): Body<uw_protocol::PushRequest>,
) -> Result<Json<uw_protocol::PushResponse>, ApiError> {
    desktop_versions::admit(&state, &caller, &headers).await?;
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
    headers: HeaderMap,
    Query(q): Query<PullQuery>,
) -> Result<Json<uw_protocol::PullResponse>, ApiError> {
    desktop_versions::admit(&state, &caller, &headers).await?;
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
    headers: HeaderMap,
    Query(q): Query<WaitQuery>,
) -> Result<Json<uw_protocol::WaitResponse>, ApiError> {
    desktop_versions::admit(&state, &caller, &headers).await?;
    let timeout = q.timeout.map_or(sync::MAX_WAIT, Duration::from_secs);
    Ok(Json(sync::wait(&state, &caller, q.cursor, timeout).await?))
}

/// The minimum and recommended desktop versions and the newest packages:
/// any signed-in caller, a device below the minimum included.
pub(crate) async fn desktop_versions(
    State(state): State<AppState>,
    _caller: Caller,
) -> Result<Json<uw_protocol::DesktopVersions>, ApiError> {
    Ok(Json(desktop_versions::versions(&state).await?))
}

/// An update package's bytes, as the vendor signed them.
pub(crate) async fn desktop_release(
    State(state): State<AppState>,
    _caller: Caller,
    Path((version, platform)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let bytes = desktop_versions::release_content(&state, &version, &platform).await?;
    Ok(([(axum::http::header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response())
}
