//! The HTTP API: routes, the version and authentication extractors, and the
//! layers (request ids, tracing, metrics, body limit, timeout, concurrency).

mod extract;
mod handlers;
mod layers;

use std::time::Duration;

use axum::http::StatusCode;
use axum::routing::{get, patch, post, put};
use axum::Router;

use crate::AppState;

pub use handlers::health::metrics_router;

/// The largest request body (a rate pack is the largest thing sent).
pub const BODY_LIMIT: usize = 8 * 1024 * 1024;

/// The largest body of a request that needs no token (enrollment, login,
/// token renewal).
pub const PUBLIC_BODY_LIMIT: usize = 16 * 1024;

/// Requests in flight at once; more wait. Long polls are counted apart.
pub const CONCURRENCY_LIMIT: usize = 1024;

/// Long polls held at once; more wait. A waiting device costs a socket and
/// a watch subscription, not a database connection (about 64 KiB with TLS).
/// Above the 20,000 devices an organisation may keep waiting at once.
pub const WAIT_LIMIT: usize = 32 * 1024;

pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The API router.
pub fn router(state: AppState) -> Router {
    // What anyone may send without a token is small: a few KiB, not the
    // 8 MiB a rate pack needs.
    let public = Router::new()
        .route("/v1/enroll", post(handlers::identity::enroll))
        .route("/v1/sessions", post(handlers::identity::login))
        .route("/v1/sso/providers", get(handlers::identity::sso_providers))
        .route("/v1/sso/authorizations", post(handlers::identity::sso_begin))
        .route("/v1/sso/sessions", post(handlers::identity::sso_login))
        .route("/v1/sso/enrollments", post(handlers::identity::sso_enroll))
        .route("/v1/devices/{device_id}/challenge", post(handlers::identity::device_challenge))
        .route("/v1/devices/{device_id}/token", post(handlers::identity::renew_token))
        .layer(axum::extract::DefaultBodyLimit::max(PUBLIC_BODY_LIMIT));
    let api = Router::new()
        .merge(public)
        .route("/v1/devices/me", get(handlers::identity::device_state))
        .route("/v1/me", get(handlers::identity::me))
        .route("/v1/me/second-factor", get(handlers::identity::second_factor))
        .route("/v1/me/second-factor/totp", post(handlers::identity::begin_totp))
        .route("/v1/me/second-factor/totp/confirm", post(handlers::identity::confirm_totp))
        .route("/v1/admin/second-factor-policy", get(handlers::admin::second_factor_policy).put(handlers::admin::set_second_factor_policy))
        .route("/v1/admin/users/{username}/second-factor/reset", post(handlers::admin::reset_second_factor))
        .route("/v1/admin/retention-rules", get(handlers::admin::retention_rules).put(handlers::admin::set_retention_rule))
        .route("/v1/admin/retention/run", post(handlers::admin::run_retention))
        .route("/v1/admin/identity-providers", get(handlers::admin::identity_providers))
        .route("/v1/admin/identity-providers/check", post(handlers::admin::check_identity_providers))
        .route("/v1/admin/identity-providers/{provider_id}", put(handlers::admin::set_provider).delete(handlers::admin::remove_provider))
        .route("/v1/admin/customers", get(handlers::admin::customers))
        .route("/v1/admin/customers/{customer_id}/export", get(handlers::admin::export_customer))
        .route("/v1/admin/customers/{customer_id}/erase", post(handlers::admin::erase_customer))
        .route("/v1/admin/customers/{customer_id}/export-requests", post(handlers::admin::request_customer_export))
        .route("/v1/admin/subject-requests", get(handlers::admin::subject_requests))
        .route("/v1/devices/me/subject-requests/{request_id}", post(handlers::identity::answer_subject_request))
        .route("/v1/organisation", get(handlers::admin::organisation))
        .route("/v1/admin/organisation", put(handlers::admin::set_organisation))
        .route("/v1/admin/desktop-versions", put(handlers::admin::set_desktop_versions))
        .route("/v1/desktop/versions", get(handlers::sync::desktop_versions))
        .route("/v1/desktop/releases/{version}/{platform}", get(handlers::sync::desktop_release))
        .route("/v1/sync/push", post(handlers::sync::push))
        .route("/v1/sync/pull", get(handlers::sync::pull))
        .route("/v1/referrals", get(handlers::desk::referrals))
        .route("/v1/referrals/{quote_number}/decision", post(handlers::desk::decide))
        .route("/v1/packs", get(handlers::packs::packs).post(handlers::packs::publish))
        .route("/v1/pack-drafts", get(handlers::packs::pack_drafts).post(handlers::packs::submit_pack_draft))
        .route("/v1/book", get(handlers::packs::book))
        .route("/v1/pack-drafts/{draft_id}/decision", post(handlers::packs::decide_pack_draft))
        .route("/v1/admin/pack-keys", get(handlers::packs::pack_key_list).post(handlers::packs::register_pack_key))
        .route("/v1/admin/pack-keys/{key_id}/revoke", post(handlers::packs::revoke_pack_key))
        .route("/v1/admin/pack-key-requests", get(handlers::packs::pack_key_requests))
        .route("/v1/admin/pack-key-requests/{key_id}/approve", post(handlers::packs::approve_pack_key_request))
        .route("/v1/admin/pack-key-requests/{key_id}/refuse", post(handlers::packs::refuse_pack_key_request))
        .route("/v1/pack-keys/requests", post(handlers::packs::request_pack_key))
        .route("/v1/policy-referrals", get(handlers::desk::policy_referrals))
        .route("/v1/policy-referrals/{referral_id}/decision", post(handlers::desk::decide_policy_referral))
        .route("/v1/customers", get(handlers::policies::customers))
        .route("/v1/policies", get(handlers::policies::policies))
        .route("/v1/policies/{policy_number}", get(handlers::policies::policy_detail))
        .route("/v1/policies/{policy_number}/transactions", post(handlers::policies::policy_transaction))
        .route("/v1/migration/policies/{number}", get(handlers::migration::track))
        .route("/v1/admin/migration/waves/{wave}", get(handlers::migration::wave))
        .route("/v1/admin/migration/waves/{wave}/dry-run", post(handlers::migration::dry_run))
        .route("/v1/admin/migration/waves/{wave}/run", post(handlers::migration::run))
        .route("/v1/admin/migration/waves/{wave}/rollback", post(handlers::migration::rollback))
        .route("/v1/admin/migration/waves/{wave}/reconciliation", get(handlers::migration::reconciliation))
        .route("/v1/admin/users", get(handlers::admin::users).post(handlers::admin::add_user))
        .route("/v1/admin/users/{username}", patch(handlers::admin::change_user))
        .route("/v1/admin/devices", get(handlers::admin::devices))
        .route("/v1/admin/devices/{device_id}/revoke", post(handlers::admin::revoke_device))
        .route("/v1/admin/login-throttles", get(handlers::admin::login_throttles))
        .route("/v1/admin/login-throttles/clear", post(handlers::admin::clear_login_throttles))
        .route("/v1/audit/keys", get(handlers::audit::audit_keys))
        .route("/v1/audit/checkpoint", get(handlers::audit::latest_checkpoint))
        .route("/v1/audit/checkpoints", post(handlers::audit::sign_checkpoint))
        .route("/v1/audit/proofs/inclusion", get(handlers::audit::inclusion_proof))
        .route("/v1/audit/proofs/consistency", get(handlers::audit::consistency_proof))
        .route("/v1/audit/export", get(handlers::audit::audit_export))
        .route("/v1/audit/entries", get(handlers::audit::audit_entries))
        .route("/v1/audit/range", get(handlers::audit::audit_range))
        .layer(axum::middleware::from_fn(layers::require_version))
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(CONCURRENCY_LIMIT));
    let waits = Router::new()
        .route("/v1/sync/wait", get(handlers::sync::wait))
        .layer(axum::middleware::from_fn(layers::require_version))
        .layer(tower::limit::GlobalConcurrencyLimitLayer::new(WAIT_LIMIT));
    Router::new()
        .route("/healthz", get(handlers::health::healthz))
        .route("/readyz", get(handlers::health::readyz))
        .route("/openapi.json", get(handlers::health::openapi))
        .merge(api)
        .merge(waits)
        // Inside `observe`: a request that runs out of time is counted (408)
        // with its latency, so a stuck server shows in the metrics.
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        .layer(axum::middleware::from_fn_with_state(state.clone(), layers::observe))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}
