//! Policies, their detail and their transactions; customers by name.

use axum::extract::{Path, Query, State};
use axum::Json;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::http::extract::{Body, RequestId};
use crate::{underwriting, AppState};

pub(crate) async fn policies(State(state): State<AppState>, caller: Caller) -> Result<Json<Vec<uw_protocol::PolicySummary>>, ApiError> {
    Ok(Json(underwriting::policies(&state, &caller).await?))
}

#[derive(Debug, serde::Deserialize)]
pub(crate) struct CustomersQuery {
    name: String,
}

pub(crate) async fn customers(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<CustomersQuery>,
) -> Result<Json<Vec<uw_protocol::CustomerMatch>>, ApiError> {
    Ok(Json(crate::customers::find(&state, &caller, &q.name).await?))
}

pub(crate) async fn policy_detail(
    State(state): State<AppState>,
    caller: Caller,
    Path(policy_number): Path<String>,
) -> Result<Json<uw_protocol::PolicyDetail>, ApiError> {
    Ok(Json(crate::policies::detail(&state, &caller, &policy_number).await?))
}

pub(crate) async fn policy_transaction(
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
