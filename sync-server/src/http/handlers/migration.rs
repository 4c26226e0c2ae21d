//! Migration waves (administrators) and the policy tracker (underwriters and
//! administrators); see `crate::migration`.

use axum::extract::{Path, State};
use axum::Json;
use uw_protocol::{Reconciliation, Role, TrackedPolicy, WaveReport, WaveStatus};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::http::extract::RequestId;
use crate::{migration, AppState};

pub(crate) async fn track(
    State(state): State<AppState>,
    caller: Caller,
    Path(number): Path<String>,
) -> Result<Json<TrackedPolicy>, ApiError> {
    caller.require(&[Role::Underwriter, Role::Admin])?;
    migration::track(&state, &number).await?.map(Json).ok_or_else(|| {
        ApiError::not_found("migration.not_tracked", format!("no policy {number} in the legacy books loaded on this server"))
    })
}

pub(crate) async fn wave(State(state): State<AppState>, caller: Caller, Path(wave): Path<String>) -> Result<Json<WaveStatus>, ApiError> {
    caller.require(&[Role::Admin])?;
    migration::status(&state, &wave)
        .await?
        .map(Json)
        .ok_or_else(|| ApiError::not_found("migration.no_wave", format!("no wave {wave} is planned")))
}

pub(crate) async fn dry_run(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Path(wave): Path<String>,
) -> Result<Json<WaveReport>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(migration::dry_run(&state, &caller.actor(), &wave, &id).await?))
}

/// Checks the gates and, when they pass, runs the wave in the background
/// (it resumes after a restart); answers with the wave's state. A wave a
/// gate stopped stays planned, with the gate's report.
pub(crate) async fn run(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Path(wave): Path<String>,
) -> Result<Json<WaveStatus>, ApiError> {
    caller.require(&[Role::Admin])?;
    let actor = caller.actor();
    if migration::start(&state, &actor, &wave, &id).await?.is_none() {
        let (state, wave) = (state.clone(), wave.clone());
        tokio::spawn(async move {
            if let Err(e) = migration::drive(&state, &actor, &wave).await {
                tracing::error!(wave, error = ?e, "a migration wave stopped");
            }
        });
    }
    migration::status(&state, &wave).await?.map(Json).ok_or_else(|| ApiError::internal("the wave vanished"))
}

pub(crate) async fn rollback(
    State(state): State<AppState>,
    caller: Caller,
    RequestId(id): RequestId,
    Path(wave): Path<String>,
) -> Result<Json<WaveStatus>, ApiError> {
    caller.require(&[Role::Admin])?;
    match migration::rollback(&state, &caller.actor(), &wave, &id).await? {
        Ok(status) => Ok(Json(status)),
        Err(blocked) => {
            let list: Vec<String> =
                blocked.iter().map(|b| format!("{} (legacy {}): {}", b.policy_number, b.legacy_number, b.why)).collect();
            Err(ApiError::conflict(
                "migration.rollback_blocked",
                format!("wave {wave} cannot roll back, because these policies changed after their migration: {}", list.join("; ")),
            ))
        }
    }
}

pub(crate) async fn reconciliation(
    State(state): State<AppState>,
    caller: Caller,
    Path(wave): Path<String>,
) -> Result<Json<Reconciliation>, ApiError> {
    caller.require(&[Role::Admin])?;
    Ok(Json(migration::reconcile(&state, &wave).await?))
}
