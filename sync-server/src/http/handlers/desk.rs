//! The underwriters' referral queues and their decisions.

use axum::extract::{Path, State};
use axum::Json;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::http::extract::{Body, RequestId};
use crate::{underwriting, AppState};

pub(crate) async fn referrals(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<uw_protocol::Referral>>, ApiError> {
    Ok(Json(underwriting::referrals(&state, &caller).await?))
}

pub(crate) async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Path(quote_number): Path<String>,
    Body(decision): Body<uw_protocol::ReferralDecision>,
) -> Result<Json<uw_protocol::ReferralDecided>, ApiError> {
    Ok(Json(underwriting::decide(&state, &caller, &quote_number, decision, &id).await?))
}

pub(crate) async fn policy_referrals(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<uw_protocol::PolicyReferral>>, ApiError> {
    Ok(Json(crate::policy_referrals::waiting(&state, &caller).await?))
}

pub(crate) async fn decide_policy_referral(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Path(referral_id): Path<String>,
    Body(decision): Body<uw_protocol::PolicyReferralDecision>,
) -> Result<Json<uw_protocol::PolicyReferralDecided>, ApiError> {
    Ok(Json(crate::policy_referrals::decide(&state, &caller, &referral_id, &decision, &id).await?))
}
