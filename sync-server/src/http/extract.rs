//! The extractors: the request id, the authenticated caller, a JSON body with a
//! typed error, the client address.

use std::net::SocketAddr;

use axum::extract::rejection::JsonRejection;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;

use super::layers::request_id;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::AppState;

/// The request's id, as set by [`observe`].
pub(crate) struct RequestId(pub(crate) String);

impl<S: Send + Sync> FromRequestParts<S> for RequestId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(request_id(&parts.headers)))
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let Enrolling(caller) = Enrolling::from_request_parts(parts, state).await?;
        if caller.second_factor_missing {
            return Err(ApiError::new(
                axum::http::StatusCode::FORBIDDEN,
                uw_protocol::codes::SECOND_FACTOR_ENROLLMENT_REQUIRED,
                "your organisation requires a second factor for your role; set up an authenticator app before anything else",
            ));
        }
        Ok(caller)
    }
}

/// The caller of the few routes a session may use before it has the second
/// factor its role requires: who they are, and enrolling one. Every other
/// route takes [`Caller`], which is this and the second factor.
pub(crate) struct Enrolling(pub(crate) Caller);

impl FromRequestParts<AppState> for Enrolling {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let header = parts.headers.get(axum::http::header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        let Some(token) = header.and_then(|h| h.strip_prefix("Bearer ")) else {
            return Err(ApiError::unauthorized("auth.missing_token", "send `Authorization: Bearer <token>`; enroll or log in to get one"));
        };
        Ok(Self(crate::auth::authenticate(state.storage.as_ref(), token.trim(), state.clock.now()).await?))
    }
}

/// A JSON body whose errors are answered in the API's error form, naming the field.
pub(crate) struct Body<T>(pub(crate) T);

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
pub(crate) struct ClientAddress(pub(crate) std::net::IpAddr);

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
