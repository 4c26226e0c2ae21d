//! The HTTP API: routes, the version and authentication extractors, and the
//! layers (request ids, tracing, metrics, body limit, timeout, concurrency).

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, MatchedPath, Path, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde::Deserialize;
use uw_protocol::Role;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::storage::TxMode;
use crate::{audit, identity, keys, pack_keys, sync, underwriting, AppState};

/// The largest request body (a rate pack is the largest thing sent).
pub const BODY_LIMIT: usize = 8 * 1024 * 1024;
/// The largest body of a request that needs no token (enrollment, login,
/// token renewal).
pub const PUBLIC_BODY_LIMIT: usize = 16 * 1024;
/// Requests in flight at once; more wait. Long polls are counted apart.
pub const CONCURRENCY_LIMIT: usize = 1024;
/// Long polls held at once; more wait. A waiting device costs a socket and
/// a watch subscription, not a database connection (about 64 KiB with TLS).
/// Above the 20,000 devices an organisation may keep waiting at once.
pub const WAIT_LIMIT: usize = 32 * 1024;
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
const REQUEST_ID: &str = "x-request-id";

/// The API router.
pub fn router(state: AppState) -> Router {
    // What anyone may send without a token is small: a few KiB, not the
    // 8 MiB a rate pack needs.
    let public = Router::new()
        .route("/v1/enroll", post(enroll))
        .route("/v1/sessions", post(login))
        .route("/v1/devices/{device_id}/challenge", post(device_challenge))
        .route("/v1/devices/{device_id}/token", post(renew_token))
        .layer(axum::extract::DefaultBodyLimit::max(PUBLIC_BODY_LIMIT));
    let api = Router::new()
        .merge(public)
        .route("/v1/devices/me", get(device_state))
        .route("/v1/me", get(me))
        .route("/v1/sync/push", post(push))
        .route("/v1/sync/pull", get(pull))
        .route("/v1/referrals", get(referrals))
        .route("/v1/referrals/{quote_number}/decision", post(decide))
        .route("/v1/packs", get(packs).post(publish))
        .route("/v1/pack-drafts", get(pack_drafts).post(submit_pack_draft))
        .route("/v1/book", get(book))
        .route("/v1/pack-drafts/{draft_id}/decision", post(decide_pack_draft))
        .route("/v1/admin/pack-keys", get(pack_key_list).post(register_pack_key))
        .route("/v1/admin/pack-keys/{key_id}/revoke", post(revoke_pack_key))
        .route("/v1/admin/pack-key-requests", get(pack_key_requests))
        .route("/v1/admin/pack-key-requests/{key_id}/approve", post(approve_pack_key_request))
        .route("/v1/admin/pack-key-requests/{key_id}/refuse", post(refuse_pack_key_request))
        .route("/v1/pack-keys/requests", post(request_pack_key))
        .route("/v1/policy-referrals", get(policy_referrals))
        .route("/v1/policy-referrals/{referral_id}/decision", post(decide_policy_referral))
        .route("/v1/policies", get(policies))
        .route("/v1/policies/{policy_number}", get(policy_detail))
        .route("/v1/policies/{policy_number}/transactions", post(policy_transaction))
        .route("/v1/admin/users", get(users).post(add_user))
        .route("/v1/admin/users/{username}", patch(change_user))
        .route("/v1/admin/devices", get(devices))
        .route("/v1/admin/devices/{device_id}/revoke", post(revoke_device))
        .route("/v1/admin/login-throttles", get(login_throttles))
        .route("/v1/admin/login-throttles/clear", post(clear_login_throttles))
        .route("/v1/audit/keys", get(audit_keys))
        .route("/v1/audit/checkpoint", get(latest_checkpoint))
        .route("/v1/audit/checkpoints", post(sign_checkpoint))
        .route("/v1/audit/proofs/inclusion", get(inclusion_proof))
        .route("/v1/audit/proofs/consistency", get(consistency_proof))
        .route("/v1/audit/export", get(audit_export))
        .layer(axum::middleware::from_fn(require_version))
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(CONCURRENCY_LIMIT));
    let waits = Router::new()
        .route("/v1/sync/wait", get(wait))
        .layer(axum::middleware::from_fn(require_version))
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(WAIT_LIMIT));
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/openapi.json", get(openapi))
        .merge(api)
        .merge(waits)
        .layer(axum::middleware::from_fn_with_state(state.clone(), observe))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        .with_state(state)
}

/// Gives every request an id (or keeps the caller's), a tracing span that
/// carries it, and a metrics observation.
async fn observe(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.len() <= 64 && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
        .map(str::to_owned)
        .unwrap_or_else(|| crate::auth::new_id().unwrap_or_else(|_| "unknown".into()));
    if let Ok(value) = HeaderValue::from_str(&id) {
        request.headers_mut().insert(REQUEST_ID, value);
    }
    let route = request.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    // A closed set: a client inventing methods must not grow the metrics.
    let method = match request.method().as_str() {
        m @ ("GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS") => m.to_owned(),
        _ => "other".to_owned(),
    };
    let span = tracing::info_span!("request", request_id = %id, %method, %route);
    let started = Instant::now();
    let mut response = {
        use tracing::Instrument as _;
        next.run(request).instrument(span.clone()).await
    };
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    let status = response.status().as_u16();
    state.metrics.request(&method, &route, status, micros);
    span.in_scope(|| tracing::info!(status, micros, "request done"));
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

async fn require_version(request: Request, next: Next) -> Response {
    let header = request.headers().get(uw_protocol::VERSION_HEADER).map(|v| v.to_str().unwrap_or("?"));
    match uw_protocol::check_version(header) {
        Ok(_) => next.run(request).await,
        Err(e) => {
            let code =
                if matches!(e, uw_protocol::VersionError::Missing) { "protocol.missing_version" } else { "protocol.unsupported_version" };
            ApiError::new(StatusCode::UPGRADE_REQUIRED, code, e.to_string()).into_response()
        }
    }
}

fn request_id(parts_headers: &axum::http::HeaderMap) -> String {
    parts_headers.get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("unknown").to_owned()
}

/// The request's id, as set by [`observe`].
struct RequestId(String);

impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(request_id(&parts.headers)))
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let header = parts.headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        let Some(token) = header.and_then(|h| h.strip_prefix("Bearer ")) else {
            return Err(ApiError::unauthorized("auth.missing_token", "send `Authorization: Bearer <token>`; enroll or log in to get one"));
        };
        crate::auth::authenticate(state.storage.as_ref(), token.trim(), state.clock.now()).await
    }
}

/// A JSON body whose errors are answered in the API's error form, naming the field.
struct Body<T>(T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(match &rejection {
                JsonRejection::MissingJsonContentType(_) => {
                    ApiError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "request.content_type", rejection.body_text())
                }
                JsonRejection::BytesRejection(_) => {
                    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "request.too_large", rejection.body_text())
                }
                _ => ApiError::bad_request("request.bad_body", rejection.body_text()),
            }),
        }
    }
}

/// The address of the client: the socket's peer, or what a trusted reverse
/// proxy says in `X-Forwarded-For` (see [`crate::tls::client_address`]).
struct ClientAddress(std::net::IpAddr);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .ok_or_else(|| ApiError::internal("the connection's peer address is missing"))?;
        Ok(Self(crate::tls::client_address(peer, &parts.headers, &state.trusted_proxies)))
    }
}

async fn enroll(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    RequestId(id): RequestId,
    Body(request): Body<uw_protocol::EnrollRequest>,
) -> Result<Json<uw_protocol::EnrollResponse>, ApiError> {
    Ok(Json(identity::enroll(&state, request, &address.to_string(), &id).await?))
}

async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Body(request): Body<uw_protocol::LoginRequest>,
) -> Result<Json<uw_protocol::LoginResponse>, ApiError> {
    Ok(Json(identity::login(&state, request, &address.to_string()).await?))
}

async fn device_challenge(
    State(state): State<AppState>,
    Path(device_id): Path<String>,
) -> Result<Json<uw_protocol::DeviceChallenge>, ApiError> {
    Ok(Json(identity::device_challenge(&state, &device_id).await?))
}

async fn device_state(State(state): State<AppState>, caller: Caller) -> Result<Json<uw_protocol::DeviceState>, ApiError> {
    Ok(Json(identity::device_state(&state, &caller).await?))
}

async fn renew_token(
    State(state): State<AppState>,
    Path(device_id): Path<String>,
    RequestId(id): RequestId,
    Body(request): Body<uw_protocol::RenewTokenRequest>,
) -> Result<Json<uw_protocol::RenewTokenResponse>, ApiError> {
    Ok(Json(identity::renew_token(&state, &device_id, request, &id).await?))
}

async fn me(caller: Caller) -> Json<uw_protocol::UserInfo> {
    Json(uw_protocol::UserInfo { user_id: caller.user_id, username: caller.username, role: caller.role })
}

async fn push(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Body(request): Body<uw_protocol::PushRequest>,
) -> Result<Json<uw_protocol::PushResponse>, ApiError> {
    Ok(Json(sync::push(&state, &caller, request, &id).await?))
}

#[derive(Debug, Deserialize)]
struct PullQuery {
    cursor: u64,
    limit: Option<u64>,
}

async fn pull(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<PullQuery>,
) -> Result<Json<uw_protocol::PullResponse>, ApiError> {
    Ok(Json(sync::pull(&state, &caller, q.cursor, q.limit).await?))
}

#[derive(Debug, Deserialize)]
struct WaitQuery {
    cursor: u64,
    /// Seconds to wait at most (default and maximum 25).
    timeout: Option<u64>,
}

async fn wait(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<WaitQuery>,
) -> Result<Json<uw_protocol::WaitResponse>, ApiError> {
    let timeout = q.timeout.map_or(sync::MAX_WAIT, Duration::from_secs);
    Ok(Json(sync::wait(&state, &caller, q.cursor, timeout).await?))
}

async fn referrals(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<uw_protocol::Referral>>, ApiError> {
    Ok(Json(underwriting::referrals(&state, &caller).await?))
}

async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Path(quote_number): Path<String>,
    Body(decision): Body<uw_protocol::ReferralDecision>,
) -> Result<Json<uw_protocol::ReferralDecided>, ApiError> {
    Ok(Json(underwriting::decide(&state, &caller, &quote_number, decision, &id).await?))
}

async fn packs(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<uw_protocol::PackSummary>>, ApiError> {
    Ok(Json(underwriting::packs(&state, &caller).await?))
}

async fn publish(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Body(request): Body<uw_protocol::PublishPack>,
) -> Result<Json<uw_protocol::PackSummary>, ApiError> {
    Ok(Json(underwriting::publish(&state, &caller, request, &id).await?))
}

#[derive(Debug, serde::Deserialize)]
struct DraftQuery {
    status: Option<String>,
}

async fn pack_drafts(
    State(state): State<AppState>,
    caller: Caller,
    Query(query): Query<DraftQuery>,
) -> Result<Json<Vec<uw_protocol::PackDraft>>, ApiError> {
    Ok(Json(crate::rate_drafts::drafts(&state, &caller, query.status.as_deref()).await?))
}

#[derive(Debug, serde::Deserialize)]
struct BookQuery {
    state: String,
    product: String,
    after: Option<String>,
    limit: Option<u64>,
}

async fn book(State(state): State<AppState>, caller: Caller, Query(q): Query<BookQuery>) -> Result<Json<uw_protocol::BookPage>, ApiError> {
    Ok(Json(crate::book::page(&state, &caller, &q.state, &q.product, q.after.as_deref(), q.limit).await?))
}

async fn submit_pack_draft(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Body(request): Body<uw_protocol::SubmitPackDraft>,
) -> Result<Json<uw_protocol::PackDraft>, ApiError> {
    Ok(Json(crate::rate_drafts::submit(&state, &caller, request, &id).await?))
}

async fn decide_pack_draft(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Path(draft_id): Path<String>,
    Body(decision): Body<uw_protocol::PackDraftDecision>,
) -> Result<Json<uw_protocol::PackDraft>, ApiError> {
    Ok(Json(crate::rate_drafts::decide(&state, &caller, &draft_id, decision, &id).await?))
}

async fn register_pack_key(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Body(request): Body<uw_protocol::RegisterPackKey>,
) -> Result<Json<uw_protocol::RegisterPackKey>, ApiError> {
    caller.require(&[Role::Admin])?;
    pack_keys::trust_pack_key(&state, &caller.actor(), &request.key_id, &request.public_key, request.username.as_deref(), &id).await?;
    Ok(Json(uw_protocol::RegisterPackKey { public_key: request.public_key.trim().to_ascii_lowercase(), ..request }))
}

async fn pack_key_list(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<uw_protocol::PackKeyRecord>>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(pack_keys::pack_keys(&state).await?))
}

async fn revoke_pack_key(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Path(key_id): Path<String>,
) -> Result<Json<uw_protocol::PackKeyRecord>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(pack_keys::revoke_pack_key(&state, &caller.actor(), &key_id, &id).await?))
}

async fn pack_key_requests(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<uw_protocol::PendingApprovalKey>>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(pack_keys::pending_requests(&state).await?))
}

async fn approve_pack_key_request(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Path(key_id): Path<String>,
) -> Result<Json<uw_protocol::PackKeyRecord>, ApiError> {
    caller.require(&[Role::Admin])?;
    let record = pack_keys::decide_request(&state, &caller.actor(), &key_id, true, &id).await?;
    Ok(Json(record.ok_or_else(|| ApiError::internal("the approved key is missing"))?))
}

async fn refuse_pack_key_request(
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

async fn request_pack_key(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Body(request): Body<uw_protocol::ApprovalKeyRequest>,
) -> Result<Json<uw_protocol::PendingApprovalKey>, ApiError> {
    Ok(Json(pack_keys::request_approval_key(&state, &caller, &request, &id).await?))
}

async fn policy_referrals(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<uw_protocol::PolicyReferral>>, ApiError> {
    Ok(Json(crate::policy_referrals::waiting(&state, &caller).await?))
}

async fn decide_policy_referral(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Path(referral_id): Path<String>,
    Body(decision): Body<uw_protocol::PolicyReferralDecision>,
) -> Result<Json<uw_protocol::PolicyReferralDecided>, ApiError> {
    Ok(Json(crate::policy_referrals::decide(&state, &caller, &referral_id, &decision, &id).await?))
}

async fn policies(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<uw_protocol::PolicySummary>>, ApiError> {
    Ok(Json(underwriting::policies(&state, &caller).await?))
}

async fn policy_detail(
    State(state): State<AppState>,
    caller: Caller,
    Path(policy_number): Path<String>,
) -> Result<Json<uw_protocol::PolicyDetail>, ApiError> {
    Ok(Json(crate::policies::detail(&state, &caller, &policy_number).await?))
}

async fn policy_transaction(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Path(policy_number): Path<String>,
    Body(request): Body<uw_protocol::PolicyTransactionRequest>,
) -> Result<Json<uw_protocol::PolicyTransacted>, ApiError> {
    if request.policy_number != policy_number {
        return Err(ApiError::bad_request("policy.number_mismatch", "policy_number: differs from the policy in the path"));
    }
    Ok(Json(crate::policies::transact_online(&state, &caller, request, &id).await?))
}

async fn users(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<uw_protocol::UserRecord>>, ApiError> {
    Ok(Json(identity::users(&state, &caller).await?))
}

async fn add_user(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Body(user): Body<uw_protocol::NewUser>,
) -> Result<Json<uw_protocol::UserRecord>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(identity::add_user(&state, &caller.actor(), user, &id).await?))
}

async fn change_user(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Path(username): Path<String>,
    Body(change): Body<uw_protocol::UserChange>,
) -> Result<Json<uw_protocol::UserRecord>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(identity::change_user(&state, &caller.actor(), &username, change, &id).await?))
}

async fn devices(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<uw_protocol::DeviceRecord>>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(identity::devices(&state).await?))
}

async fn revoke_device(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Path(device_id): Path<String>,
) -> Result<Json<uw_protocol::DeviceRecord>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(identity::revoke_device(&state, &caller.actor(), &device_id, &id).await?))
}

async fn login_throttles(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<uw_protocol::LoginThrottle>>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(identity::login_throttles(&state).await?))
}

async fn clear_login_throttles(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Json(request): Json<uw_protocol::ClearLoginThrottles>,
) -> Result<Json<uw_protocol::LoginThrottlesCleared>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(identity::clear_login_throttles(&state, &caller.actor(), &request, &id).await?))
}

async fn audit_keys(State(state): State<AppState>, caller: Caller) -> Result<Json<uw_protocol::AuditKeys>, ApiError> {
    caller.require(&[Role::Auditor])?;
    let mut tx = state.storage.begin(TxMode::Read).await?;
    Ok(Json(uw_protocol::AuditKeys { origin: keys::origin(&mut *tx).await?, verifier_keys: keys::verifiers(&mut *tx).await? }))
}

fn checkpoint_response(note: String, checkpoint: &uw_ledger::Checkpoint) -> uw_protocol::CheckpointResponse {
    uw_protocol::CheckpointResponse { note, size: checkpoint.size, root: hex::encode(checkpoint.root) }
}

async fn latest_checkpoint(State(state): State<AppState>, caller: Caller) -> Result<Json<uw_protocol::CheckpointResponse>, ApiError> {
    caller.require(&[Role::Auditor])?;
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let (note, checkpoint) = audit::latest_checkpoint(&mut *tx).await?.ok_or_else(|| {
        ApiError::not_found("audit.no_checkpoint", "no checkpoint has been signed yet; POST /v1/audit/checkpoints signs one")
    })?;
    Ok(Json(checkpoint_response(note, &checkpoint)))
}

async fn sign_checkpoint(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
) -> Result<Json<uw_protocol::CheckpointResponse>, ApiError> {
    caller.require(&[Role::Auditor])?;
    let (note, checkpoint) = crate::sign_checkpoint_now(&state, &id).await?;
    Ok(Json(checkpoint_response(note, &checkpoint)))
}

#[derive(Debug, Deserialize)]
struct InclusionQuery {
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

async fn inclusion_proof(
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
struct ConsistencyQuery {
    old: u64,
    size: u64,
}

async fn consistency_proof(
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

#[derive(Debug, Deserialize)]
struct ExportQuery {
    start: u64,
    end: Option<u64>,
    /// The size of the auditor's previous checkpoint.
    previous: Option<u64>,
    /// An age recipient to encrypt the export to.
    recipient: Option<String>,
}

async fn audit_export(
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
struct SharedBuffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

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

#[derive(Debug, serde::Serialize)]
struct Health {
    status: &'static str,
    version: &'static str,
    database: DatabaseHealth,
}

#[derive(Debug, serde::Serialize)]
struct DatabaseHealth {
    engine: &'static str,
    schema_version: i64,
    instance_id: String,
    /// The instance ids this database had before restores from backups,
    /// newest first: a desktop enrolled with one of them carries on here
    /// and sends again what the restored database lost.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    restored_from: Vec<String>,
}

async fn database_health(state: &AppState) -> Result<DatabaseHealth, ApiError> {
    let schema_version = state.storage.schema_version().await?;
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let instance_id = crate::storage::instance_id(&mut *tx).await?;
    // Before migration 7 there is no restore table; `/healthz` answers anyway.
    let restored_from = if schema_version >= 7 {
        let rows = tx.fetch("SELECT old_instance_id FROM log_restore ORDER BY restored_at DESC", crate::storage::args![]).await?;
        rows.iter().map(|r| r.text(0)).collect::<Result<_, _>>()?
    } else {
        Vec::new()
    };
    Ok(DatabaseHealth { engine: state.storage.engine(), schema_version, instance_id, restored_from })
}

/// Alive: the process answers, and says which database it uses.
async fn healthz(State(state): State<AppState>) -> Response {
    match database_health(&state).await {
        Ok(database) => Json(Health { status: "ok", version: env!("CARGO_PKG_VERSION"), database }).into_response(),
        Err(e) => {
            // The detail goes to the log, never to an unauthenticated caller.
            tracing::error!(error = %e.message, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({ "status": "unavailable" }))).into_response()
        }
    }
}

/// Ready: the database answers and every migration this build knows is applied.
async fn readyz(State(state): State<AppState>) -> Response {
    match database_health(&state).await {
        Ok(db) if db.schema_version == state.expected_schema_version => Json(serde_json::json!({ "status": "ready" })).into_response(),
        Ok(db) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "status": "unavailable", "reason": format!("schema version {} but this build needs {}", db.schema_version, state.expected_schema_version) })),
        )
            .into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({ "status": "unavailable", "reason": "the database does not answer" }))).into_response(),
    }
}

async fn openapi() -> Json<&'static serde_json::Value> {
    Json(crate::openapi::document())
}

/// The metrics listener's router.
pub fn metrics_router(state: AppState) -> Router {
    Router::new().route("/metrics", get(metrics)).with_state(state)
}

async fn metrics(State(state): State<AppState>) -> Response {
    if let Ok(mut tx) = state.storage.begin(TxMode::Read).await {
        if let Ok(size) = audit::log_size(&mut *tx).await {
            state.metrics.set_log_size(size);
        }
    }
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render()).into_response()
}
