//! Users, devices and sign-in throttles (administrators).

use axum::extract::{Path, State};
use axum::Json;
use uw_protocol::Role;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::http::extract::{Body, RequestId};
use crate::{identity, AppState};

pub(crate) async fn users(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<uw_protocol::UserRecord>>, ApiError> {
    Ok(Json(identity::users(&state, &caller).await?))
}

pub(crate) async fn add_user(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Body(user): Body<uw_protocol::NewUser>,
) -> Result<Json<uw_protocol::UserRecord>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(identity::add_user(&state, &caller.actor(), user, &id).await?))
}

pub(crate) async fn change_user(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Path(username): Path<String>,
    Body(change): Body<uw_protocol::UserChange>,
) -> Result<Json<uw_protocol::UserRecord>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(identity::change_user(&state, &caller.actor(), &username, change, &id).await?))
}

/// The insurer's details as documents print them, with the caller's agency:
/// any signed-in caller.
pub(crate) async fn organisation(State(state): State<AppState>, caller: Caller) -> Result<Json<uw_protocol::OrganisationInfo>, ApiError> {
    Ok(Json(crate::organisation::info(&state, Some(&caller.user_id)).await?))
}

pub(crate) async fn set_organisation(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Body(details): Body<uw_protocol::OrganisationDetails>,
) -> Result<Json<uw_protocol::OrganisationInfo>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(crate::organisation::set_details(&state, &caller.actor(), details, &id).await?))
}

pub(crate) async fn set_desktop_versions(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Body(update): Body<uw_protocol::DesktopVersionsUpdate>,
) -> Result<Json<uw_protocol::DesktopVersions>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(crate::desktop_versions::set_versions(&state, &caller.actor(), update, &id).await?))
}

pub(crate) async fn devices(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<uw_protocol::DeviceRecord>>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(identity::devices(&state).await?))
}

pub(crate) async fn revoke_device(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Path(device_id): Path<String>,
) -> Result<Json<uw_protocol::DeviceRecord>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(identity::revoke_device(&state, &caller.actor(), &device_id, &id).await?))
}

pub(crate) async fn login_throttles(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<uw_protocol::LoginThrottle>>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(identity::login_throttles(&state).await?))
}

pub(crate) async fn clear_login_throttles(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Json(request): Json<uw_protocol::ClearLoginThrottles>,
) -> Result<Json<uw_protocol::LoginThrottlesCleared>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(identity::clear_login_throttles(&state, &caller.actor(), &request, &id).await?))
}

pub(crate) async fn second_factor_policy(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<uw_protocol::SecondFactorPolicy>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(crate::second_factor::policy(&state).await?))
}

pub(crate) async fn set_second_factor_policy(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Body(policy): Body<uw_protocol::SecondFactorPolicy>,
) -> Result<Json<uw_protocol::SecondFactorPolicy>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(crate::second_factor::set_policy(&state, &caller.actor(), &policy, &id).await?))
}

pub(crate) async fn reset_second_factor(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Path(username): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    caller.require(&[Role::Admin])?;
    crate::second_factor::reset(&state, &caller.actor(), &username, &id).await?;
    Ok(Json(serde_json::json!({ "username": username, "second_factor": false })))
}

#[derive(Debug, serde::Deserialize)]
pub(crate) struct CustomersQuery {
    name: String,
}

pub(crate) async fn customers(
    State(state): State<AppState>,
    caller: Caller,
    axum::extract::Query(q): axum::extract::Query<CustomersQuery>,
) -> Result<Json<Vec<uw_protocol::CustomerMatch>>, ApiError> {
    Ok(Json(crate::customers::find_as_admin(&state, &caller, &q.name).await?))
}

pub(crate) async fn export_customer(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Path(customer_id): Path<String>,
) -> Result<Json<serde_json::Value>, ApiError> {
    Ok(Json(crate::customers::export_as_admin(&state, &caller, &customer_id, &id).await?))
}

pub(crate) async fn erase_customer(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Path(customer_id): Path<String>,
    Body(request): Body<uw_protocol::CustomerErasureRequest>,
) -> Result<Json<uw_protocol::CustomerErasure>, ApiError> {
    Ok(Json(crate::customers::erase_as_admin(&state, &caller, &customer_id, &request, &id).await?))
}

pub(crate) async fn retention_rules(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<uw_protocol::RetentionRule>>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(crate::retention::rules(&state).await?))
}

pub(crate) async fn set_retention_rule(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Body(change): Body<uw_protocol::RetentionRuleChange>,
) -> Result<Json<Vec<uw_protocol::RetentionRule>>, ApiError> {
    caller.require(&[Role::Admin])?;
    crate::retention::set_rule(&state, &caller.actor(), (&change.kind, &change.state, change.days), &id).await?;
    Ok(Json(crate::retention::rules(&state).await?))
}

pub(crate) async fn run_retention(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Body(run): Body<uw_protocol::RetentionRun>,
) -> Result<Json<uw_protocol::RetentionReport>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(crate::retention::apply(&state, &caller.actor(), run.dry_run, &id).await?))
}

pub(crate) async fn identity_providers(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<uw_protocol::IdentityProvider>>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(crate::sso::providers(&state).await?))
}

pub(crate) async fn set_provider(
    State(state): State<AppState>,
    caller: Caller,
    Path(provider_id): Path<String>,
    RequestId(id): RequestId,
    Body(change): Body<uw_protocol::IdentityProviderChange>,
) -> Result<Json<uw_protocol::IdentityProvider>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(crate::sso::set_provider(&state, &caller.actor(), &provider_id, change, &id).await?))
}

pub(crate) async fn remove_provider(
    State(state): State<AppState>,
    caller: Caller,
    Path(provider_id): Path<String>,
    RequestId(id): RequestId,
) -> Result<Json<Vec<uw_protocol::IdentityProvider>>, ApiError> {
    caller.require(&[Role::Admin])?;
    crate::sso::remove_provider(&state, &caller.actor(), &provider_id, &id).await?;
    Ok(Json(crate::sso::providers(&state).await?))
}

pub(crate) async fn check_identity_providers(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<uw_protocol::SsoCheckReport>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(crate::sso::check(&state, None).await?))
}

pub(crate) async fn request_customer_export(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Path(customer_id): Path<String>,
) -> Result<Json<uw_protocol::SubjectRequest>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(crate::subject_requests::request_export(&state, &caller.actor(), &customer_id, &id).await?))
}

pub(crate) async fn subject_requests(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<uw_protocol::SubjectRequest>>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(crate::subject_requests::list(&state).await?))
}
