//! One error type for every handler, mapped to a status code and a stable
//! `code`. Internal errors are logged with the request id and answered
//! generically: their detail never reaches the caller.

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;

use crate::storage::StorageError;

/// An error answer.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: std::borrow::Cow<'static, str>,
    pub message: String,
    /// For `409` version conflicts: the version the server holds.
    pub current_version: Option<u32>,
    /// For `429`: seconds until another attempt may succeed.
    pub retry_after: Option<u64>,
    /// For `500`: what went wrong, for the log only.
    internal: Option<String>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: impl Into<std::borrow::Cow<'static, str>>, message: impl Into<String>) -> Self {
        Self { status, code: code.into(), message: message.into(), current_version: None, retry_after: None, internal: None }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, code, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, uw_protocol::codes::FORBIDDEN, message)
    }

    /// A well-formed request the domain refuses (`422`), with the domain's code.
    pub fn unprocessable(code: impl Into<std::borrow::Cow<'static, str>>, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    pub fn unauthorized(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code, message)
    }

    /// `401 auth.device_revoked`: an administrator revoked the device.
    pub fn device_revoked() -> Self {
        Self::unauthorized(uw_protocol::codes::DEVICE_REVOKED, "this device has been revoked by an administrator; it can no longer sync")
    }

    /// `401 auth.user_disabled`: the user is disabled.
    pub fn user_disabled() -> Self {
        Self::unauthorized("auth.user_disabled", "this user is disabled; ask an administrator")
    }

    /// A failure that is ours, not the caller's.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self {
            internal: Some(detail.to_string()),
            ..Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "internal server error; the server log has the detail")
        }
    }

    /// What went wrong inside, for an operator's own console (the admin
    /// command line); never for an API caller.
    pub fn internal_detail(&self) -> Option<&str> {
        self.internal.as_deref()
    }

    pub fn with_current_version(mut self, version: u32) -> Self {
        self.current_version = Some(version);
        self
    }
}

impl From<StorageError> for ApiError {
    fn from(error: StorageError) -> Self {
        Self::internal(error)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Some(detail) = &self.internal {
            // The request id is on the enclosing span.
            tracing::error!(error = %detail, "internal error");
        }
        let mut body = serde_json::json!({ "code": self.code, "message": self.message });
        if let Some(version) = self.current_version {
            body["current_version"] = version.into();
        }
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after {
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(axum::http::header::RETRY_AFTER, value);
            }
        }
        response
    }
}
