/*!
The sync server: the authority for policies, policy numbers, published rate
packs and the audit log. This first slice serves `/healthz` over either
database and shuts down cleanly on SIGTERM.

**Architecture invariant:** the server never trusts the client's premium,
role or clock; internal errors are logged and answered generically.
*/

mod db;

use std::future::Future;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

pub use db::{Database, DatabaseHealth, DatabaseTarget, DbError};

/// Shared state of every handler.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: Database,
}

/// The HTTP API.
pub fn router(state: AppState) -> Router {
    Router::new().route("/healthz", get(healthz)).layer(TraceLayer::new_for_http()).with_state(state)
}

#[derive(Debug, serde::Serialize)]
struct Health {
    status: &'static str,
    version: &'static str,
    database: DatabaseHealth,
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.db.health().await {
        Ok(database) => Json(Health { status: "ok", version: env!("CARGO_PKG_VERSION"), database }).into_response(),
        Err(e) => {
            // The detail goes to the log, never to an unauthenticated caller.
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({ "status": "unavailable" }))).into_response()
        }
    }
}

/// Serves `state` on `listener` until `shutdown` resolves, then finishes the
/// requests in flight and closes the database.
pub async fn serve(listener: TcpListener, state: AppState, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    let db = state.db.clone();
    axum::serve(listener, router(state)).with_graceful_shutdown(shutdown).await?;
    db.close().await;
    Ok(())
}

/// Resolves on SIGTERM or SIGINT (Ctrl-C).
pub async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = terminate => tracing::info!("SIGTERM received, shutting down"),
        result = tokio::signal::ctrl_c() => match result {
            Ok(()) => tracing::info!("interrupt received, shutting down"),
            Err(e) => tracing::error!("cannot listen for Ctrl-C: {e}"),
        },
    }
}
