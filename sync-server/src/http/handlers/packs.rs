//! Rate packs, rate drafts, the book for impact runs, and pack-signing keys.

use axum::extract::{Path, Query, State};
use axum::Json;
use uw_protocol::Role;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::http::extract::{Body, RequestId};
use crate::{pack_keys, underwriting, AppState};

pub(crate) async fn packs(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<uw_protocol::PackSummary>>, ApiError> {
    Ok(Json(underwriting::packs(&state, &caller).await?))
}

pub(crate) async fn publish(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Body(request): Body<uw_protocol::PublishPack>,
) -> Result<Json<uw_protocol::PackSummary>, ApiError> {
    Ok(Json(underwriting::publish(&state, &caller, request, &id).await?))
}

#[derive(Debug, serde::Deserialize)]
pub(crate) struct DraftQuery {
    status: Option<String>,
}

pub(crate) async fn pack_drafts(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<DraftQuery>,
) -> Result<Json<Vec<uw_protocol::PackDraft>>, ApiError> {
    Ok(Json(crate::rate_drafts::drafts(&state, &caller, query.status.as_deref()).await?))
}

#[derive(Debug, serde::Deserialize)]
pub(crate) struct BookQuery {
    state: String,
    product: String,
    after: Option<String>,
    limit: Option<u64>,
}

pub(crate) async fn book(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<BookQuery>,
) -> Result<Json<uw_protocol::BookPage>, ApiError> {
    Ok(Json(crate::book::page(&state, &caller, &q.state, &q.product, q.after.as_deref(), q.limit).await?))
}

pub(crate) async fn submit_pack_draft(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Body(request): Body<uw_protocol::SubmitPackDraft>,
) -> Result<Json<uw_protocol::PackDraft>, ApiError> {
    Ok(Json(crate::rate_drafts::submit(&state, &caller, request, &id).await?))
}

pub(crate) async fn decide_pack_draft(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Path(draft_id): Path<String>,
    Body(decision): Body<uw_protocol::PackDraftDecision>,
) -> Result<Json<uw_protocol::PackDraft>, ApiError> {
    Ok(Json(crate::rate_drafts::decide(&state, &caller, &draft_id, decision, &id).await?))
}

pub(crate) async fn register_pack_key(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Body(request): Body<uw_protocol::RegisterPackKey>,
) -> Result<Json<uw_protocol::RegisterPackKey>, ApiError> {
    caller.require(&[Role::Admin])?;
    pack_keys::trust_pack_key(&state, &caller.actor(), &request.key_id, &request.public_key, request.username.as_deref(), &id).await?;
    Ok(Json(uw_protocol::RegisterPackKey { public_key: request.public_key.trim().to_ascii_lowercase(), ..request }))
}

pub(crate) async fn pack_key_list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<uw_protocol::PackKeyRecord>>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(pack_keys::pack_keys(&state).await?))
}

pub(crate) async fn revoke_pack_key(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Path(key_id): Path<String>,
) -> Result<Json<uw_protocol::PackKeyRecord>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(pack_keys::revoke_pack_key(&state, &caller.actor(), &key_id, &id).await?))
}

pub(crate) async fn pack_key_requests(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<uw_protocol::PendingApprovalKey>>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(pack_keys::pending_requests(&state).await?))
}

pub(crate) async fn approve_pack_key_request(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Path(key_id): Path<String>,
) -> Result<Json<uw_protocol::PackKeyRecord>, ApiError> {
    caller.require(&[Role::Admin])?;
    let record = pack_keys::decide_request(&state, &caller.actor(), &key_id, true, &id).await?;
    Ok(Json(record.ok_or_else(|| ApiError::internal("the approved key is missing"))?))
}

pub(crate) async fn refuse_pack_key_request(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Path(key_id): Path<String>,
) -> Result<Json<uw_protocol::PendingApprovalKey>, ApiError> {
    caller.require(&[Role::Admin])?;
    let pending = pack_keys::pending_requests(&state).await?.into_iter().find(|p| p.key_id == key_id);
    pack_keys::decide_request(&state, &caller.actor(), &key_id, false, &id).await?;
    Ok(Json(pending.ok_or_else(|| ApiError::internal("the refused request is missing"))?))
}

pub(crate) async fn request_pack_key(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Body(request): Body<uw_protocol::ApprovalKeyRequest>,
) -> Result<Json<uw_protocol::PendingApprovalKey>, ApiError> {
    Ok(Json(pack_keys::request_approval_key(&state, &caller, &request, &id).await?))
}
