//! Liveness, readiness, the OpenAPI document and metrics.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};

use crate::error::ApiError;
use crate::storage::TxMode;
use crate::{audit, AppState};

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
pub(crate) async fn healthz(State(state): State<AppState>) -> Response {
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
pub(crate) async fn readyz(State(state): State<AppState>) -> Response {
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

pub(crate) async fn openapi() -> Json<&'static serde_json::Value> {
    Json(crate::openapi::document())
}

/// The metrics listener's router.
pub fn metrics_router(state: AppState) -> Router {
    Router::new().route("/metrics", get(metrics)).with_state(state)
}

pub(crate) async fn metrics(State(state): State<AppState>) -> Response {
    let mut scrape = crate::metrics::Scrape { push_queue: state.pushes.depth(), ..Default::default() };
    if let Ok(mut tx) = state.storage.begin(TxMode::Read).await {
        if let Ok(size) = audit::log_size(&mut *tx).await {
            state.metrics.set_log_size(size);
        }
        if let Ok(Some(row)) = tx.fetch_optional("SELECT MAX(signed_at) FROM checkpoint", crate::storage::args![]).await {
            scrape.checkpoint_signed_at = row.opt_int(0).ok().flatten().map(|ms| ms / 1000);
        }
    }
    let storage = state.storage.clone();
    scrape.storage = tokio::task::spawn_blocking(move || storage.file_usage()).await.ok().flatten();
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], state.metrics.render_with(&scrape)).into_response()
}
