//! Enrollment, sign-in, device challenges and token renewal.

use axum::extract::{Path, State};
use axum::Json;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::http::extract::{Body, ClientAddress, Enrolling, RequestId};
use crate::{identity, AppState};

pub(crate) async fn enroll(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    RequestId(id): RequestId,
    Body(request): Body<uw_protocol::EnrollRequest>,
) -> Result<Json<uw_protocol::EnrollResponse>, ApiError> {
    Ok(Json(identity::enroll(&state, request, &address.to_string(), &id).await?))
}

pub(crate) async fn login(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Body(request): Body<uw_protocol::LoginRequest>,
) -> Result<Json<uw_protocol::LoginResponse>, ApiError> {
    Ok(Json(identity::login(&state, request, &address.to_string()).await?))
}

pub(crate) async fn device_challenge(
    State(state): State<AppState>,
    Path(device_id): Path<String>,
) -> Result<Json<uw_protocol::DeviceChallenge>, ApiError> {
    Ok(Json(crate::renewal::device_challenge(&state, &device_id).await?))
}

pub(crate) async fn device_state(State(state): State<AppState>, caller: Caller) -> Result<Json<uw_protocol::DeviceState>, ApiError> {
    Ok(Json(identity::device_state(&state, &caller).await?))
}

pub(crate) async fn renew_token(
    State(state): State<AppState>,
    Path(device_id): Path<String>,
    RequestId(id): RequestId,
    Body(request): Body<uw_protocol::RenewTokenRequest>,
) -> Result<Json<uw_protocol::RenewTokenResponse>, ApiError> {
    Ok(Json(crate::renewal::renew_token(&state, &device_id, request, &id).await?))
}

/// Who the caller is: any signed-in session, with or without the second
/// factor its role requires.
pub(crate) async fn me(Enrolling(caller): Enrolling) -> Json<uw_protocol::UserInfo> {
    Json(uw_protocol::UserInfo { user_id: caller.user_id, username: caller.username, role: caller.role })
}

pub(crate) async fn second_factor(
    State(state): State<AppState>,
    Enrolling(caller): Enrolling,
) -> Result<Json<uw_protocol::SecondFactorStatus>, ApiError> {
    Ok(Json(crate::second_factor::status(&state, &caller).await?))
}

pub(crate) async fn begin_totp(
    State(state): State<AppState>,
    Enrolling(caller): Enrolling,
) -> Result<Json<uw_protocol::TotpEnrollment>, ApiError> {
    Ok(Json(crate::second_factor::begin_enrollment(&state, &caller).await?))
}

pub(crate) async fn confirm_totp(
    State(state): State<AppState>,
    Enrolling(caller): Enrolling,
    RequestId(id): RequestId,
    Body(request): Body<uw_protocol::TotpConfirm>,
) -> Result<Json<uw_protocol::RecoveryCodes>, ApiError> {
    Ok(Json(crate::second_factor::confirm_enrollment(&state, &caller, &caller.token_hash, &request.code, &id).await?))
}

/// The identity providers a sign-in screen offers.
pub(crate) async fn sso_providers(State(state): State<AppState>) -> Result<Json<Vec<uw_protocol::SsoProvider>>, ApiError> {
    Ok(Json(crate::sso::sign_in_choices(&state).await?))
}

pub(crate) async fn sso_begin(
    State(state): State<AppState>,
    Body(request): Body<uw_protocol::SsoBegin>,
) -> Result<Json<uw_protocol::SsoAuthorization>, ApiError> {
    Ok(Json(crate::sso::begin(&state, request).await?))
}

pub(crate) async fn sso_login(
    State(state): State<AppState>,
    RequestId(id): RequestId,
    Body(request): Body<uw_protocol::SsoComplete>,
) -> Result<Json<uw_protocol::LoginResponse>, ApiError> {
    Ok(Json(crate::sso::login(&state, request, &id).await?))
}

pub(crate) async fn sso_enroll(
    State(state): State<AppState>,
    RequestId(id): RequestId,
    Body(request): Body<uw_protocol::SsoEnroll>,
) -> Result<Json<uw_protocol::EnrollResponse>, ApiError> {
    Ok(Json(crate::sso::enroll(&state, request, &id).await?))
}

/// A desktop's answer to a data-subject request: what it holds of the customer.
pub(crate) async fn answer_subject_request(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Path(request_id): Path<String>,
    Body(answer): Body<uw_protocol::SubjectRequestAnswer>,
) -> Result<Json<uw_protocol::SubjectRequestDesktop>, ApiError> {
    caller.require(&[uw_protocol::Role::Agent, uw_protocol::Role::Underwriter])?;
    Ok(Json(crate::subject_requests::answer(&state, &caller, &request_id, answer, &id).await?))
}
