//! The layers every request passes: a request id with its tracing span and
//! metrics, and the protocol version check.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::AppState;

const REQUEST_ID: &str = "x-request-id";

/// Gives every request an id (or keeps the caller's), a tracing span that
/// carries it, and a metrics observation.
pub(crate) async fn observe(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
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
    // A request chosen for tracing (the desktop's sampled `traceparent`, or
    // the server's own share) gets a span traces see and continues the
    // desktop's trace; any other gets one only the log sees, and nothing
    // below it makes a span either (`uw_telemetry::recording`).
    let span = if uw_telemetry::should_trace(request.headers()) {
        let span = tracing::info_span!(target: "uw_sync_server::traced", "request", request_id = %id, %method, %route, status = tracing::field::Empty);
        uw_telemetry::continue_trace(&span, request.headers());
        span
    } else {
        tracing::info_span!("request", request_id = %id, %method, %route)
    };
    let started = Instant::now();
    let mut response = {
        use tracing::Instrument as _;
        next.run(request).instrument(span.clone()).await
    };
    let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    let status = response.status().as_u16();
    span.record("status", status);
    state.metrics.request(&method, &route, status, micros);
    span.in_scope(|| tracing::info!(status, micros, "request done"));
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}

pub(crate) async fn require_version(request: Request, next: Next) -> Response {
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

pub(crate) fn request_id(parts_headers: &axum::http::HeaderMap) -> String {
    parts_headers.get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("unknown").to_owned()
}
