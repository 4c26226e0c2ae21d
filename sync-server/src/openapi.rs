/*!
The OpenAPI 3.1 document served at `/openapi.json`, built from the code it
describes: the request and response schemas are generated from the
`uw-protocol` wire types (JSON Schema 2020-12, which OpenAPI 3.1 uses), and
the endpoint table below carries each endpoint's roles as `x-roles`, which the
system tests compare with the authorization matrix they check cell by cell.
*/

use std::sync::OnceLock;

use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::{JsonSchema, Schema};
use serde_json::{json, Map, Value};
use uw_protocol::Role;

/// Who may call an endpoint.
#[derive(Debug, Clone, Copy)]
enum Access {
    /// No token.
    Public,
    /// A session or device token of one of these roles.
    Roles(&'static [Role]),
    /// A device token of one of these roles.
    Device(&'static [Role]),
}

const ANY: &[Role] = &Role::ALL;
const FIELD: &[Role] = &[Role::Agent, Role::Underwriter];
const UNDERWRITER: &[Role] = &[Role::Underwriter];
const ADMIN: &[Role] = &[Role::Admin];
const AUDITOR: &[Role] = &[Role::Auditor];

/// A query or path parameter: name, required, description.
type Param = (&'static str, bool, &'static str);

/// One operation of the API.
struct Operation {
    method: &'static str,
    path: &'static str,
    id: &'static str,
    summary: &'static str,
    access: Access,
    query: &'static [Param],
    request: Option<Schema>,
    /// The 200 answer: JSON of this schema, or (`None`) text.
    response: Option<Schema>,
    /// Error statuses beyond the ones every authenticated call can give.
    errors: &'static [u16],
}

/// The document, built once.
pub fn document() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(build)
}

fn build() -> Value {
    let mut g = SchemaSettings::draft2020_12().with(|s| s.definitions_path = "/components/schemas".into()).into_generator();
    let operations = operations(&mut g);
    let mut paths = Map::new();
    for op in operations {
        let (path, method) = (op.path, op.method);
        paths.entry(path).or_insert_with(|| json!({}))[method] = operation(op);
    }
    let mut schemas = Map::new();
    for (name, schema) in g.take_definitions(true) {
        schemas.insert(name, schema);
    }
    json!({
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "info": {
            "title": "uw-sync-server",
            "version": env!("CARGO_PKG_VERSION"),
            "description": format!(
                "The sync server of the underwriting workstation: identity, devices, sync, underwriting, administration and the audit log. \
                 Every /v1 request carries the header `{}: {}`. Errors are `ErrorBody` with a stable `code`. \
                 See docs/sync-protocol.md.",
                uw_protocol::VERSION_HEADER,
                uw_protocol::PROTOCOL_VERSION
            ),
        },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "token": { "type": "http", "scheme": "bearer", "description": "A session token (POST /v1/sessions) or a device token (POST /v1/enroll)." }
            },
            "parameters": {
                "ProtocolVersion": {
                    "name": uw_protocol::VERSION_HEADER, "in": "header", "required": true,
                    "description": "The protocol version the client speaks; an unsupported one is 426.",
                    "schema": { "type": "integer", "const": uw_protocol::PROTOCOL_VERSION }
                }
            },
            "responses": {
                "Error": { "description": "An error with a stable code.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ErrorBody" } } } }
            }
        }
    })
}

fn schema<T: JsonSchema>(g: &mut SchemaGenerator) -> Option<Schema> {
    Some(g.subschema_for::<T>())
}

fn operations(g: &mut SchemaGenerator) -> Vec<Operation> {
    use uw_protocol as p;
    // Error bodies are named by the shared `Error` response.
    let _ = (g.subschema_for::<p::ErrorBody>(), g.subschema_for::<p::ConflictBody>());
    let health = Schema::try_from(json!({
        "type": "object", "required": ["status"],
        "properties": {
            "status": { "type": "string" }, "version": { "type": "string" }, "reason": { "type": "string" },
            "database": { "type": "object", "properties": {
                "engine": { "enum": ["sqlite", "postgres"] }, "schema_version": { "type": "integer" }, "instance_id": { "type": "string" },
                "restored_from": { "type": "array", "items": { "type": "string" }, "description": "Instance ids before restores from backups, newest first." } } }
        }
    }))
    .expect("an object schema");
    let openapi = Schema::try_from(json!({ "type": "object", "description": "This document." })).expect("an object schema");
    vec![
        op("get", "/healthz", "health", "Alive: the process answers and names its database.", Access::Public, &[], None, Some(health.clone()), &[503]),
        op("get", "/readyz", "ready", "Ready: the database answers and every migration is applied.", Access::Public, &[], None, Some(health), &[503]),
        op("get", "/openapi.json", "openapi", "This document.", Access::Public, &[], None, Some(openapi), &[]),
        op(
            "post",
            "/v1/enroll",
            "enroll",
            "Enroll a device: credentials and the device's Ed25519 public key give a device token and a block of quote numbers.",
            Access::Public,
            &[],
            schema::<p::EnrollRequest>(g),
            schema::<p::EnrollResponse>(g),
            &[400, 401, 403, 409, 413, 429],
        ),
        op(
            "post",
            "/v1/sessions",
            "login",
            "Log in for a session token (12 hours).",
            Access::Public,
            &[],
            schema::<p::LoginRequest>(g),
            schema::<p::LoginResponse>(g),
            &[400, 401, 413, 429],
        ),
        op(
            "get",
            "/v1/sso/providers",
            "sso_providers",
            "The identity providers people may sign in with (for the sign-in screen).",
            Access::Public,
            &[],
            None,
            schema::<Vec<p::SsoProvider>>(g),
            &[],
        ),
        op(
            "post",
            "/v1/sso/authorizations",
            "sso_begin",
            "Starts a sign-in through an identity provider: the client's loopback redirect and PKCE challenge give the provider's authorization address and the state.",
            Access::Public,
            &[],
            schema::<p::SsoBegin>(g),
            schema::<p::SsoAuthorization>(g),
            &[400, 404, 413, 502],
        ),
        op(
            "post",
            "/v1/sso/sessions",
            "sso_login",
            "Finishes a sign-in through an identity provider (the code and PKCE verifier) for a session token.",
            Access::Public,
            &[],
            schema::<p::SsoComplete>(g),
            schema::<p::LoginResponse>(g),
            &[400, 401, 403, 409, 413, 502],
        ),
        op(
            "post",
            "/v1/sso/enrollments",
            "sso_enroll",
            "Finishes a sign-in through an identity provider and enrolls (or recovers) a device with it.",
            Access::Public,
            &[],
            schema::<p::SsoEnroll>(g),
            schema::<p::EnrollResponse>(g),
            &[400, 401, 403, 409, 413, 502],
        ),
        op(
            "post",
            "/v1/devices/{device_id}/challenge",
            "device_challenge",
            "A single-use challenge (five minutes) for a device to sign with its registered key; no token needed.",
            Access::Public,
            &[],
            None,
            schema::<p::DeviceChallenge>(g),
            &[401, 404, 429],
        ),
        op(
            "post",
            "/v1/devices/{device_id}/token",
            "renew_token",
            "Renew a device token with the device's signature over `uw-device-token-v1\\n<instance>\\n<device>\\n<challenge>\\n<expires_at>`; no password. Earlier tokens of the device are revoked; refused for a revoked device or a disabled user.",
            Access::Public,
            &[],
            schema::<p::RenewTokenRequest>(g),
            schema::<p::RenewTokenResponse>(g),
            &[400, 401, 403, 404, 413],
        ),
        op(
            "get",
            "/v1/devices/me",
            "device_state",
            "Where the server says this device is: its number, the last sequence number processed, the highest quote serial per year.",
            Access::Device(FIELD),
            &[],
            None,
            schema::<p::DeviceState>(g),
            &[],
        ),
        op(
            "post",
            "/v1/devices/me/subject-requests/{request_id}",
            "answer_subject_request",
            "The device's answer to a data-subject request: what it holds of the customer (sealed with the customer's key; audited).",
            Access::Device(FIELD),
            &[],
            schema::<p::SubjectRequestAnswer>(g),
            schema::<p::SubjectRequestDesktop>(g),
            &[404],
        ),
        op("get", "/v1/me", "me", "The caller.", Access::Roles(ANY), &[], None, schema::<p::UserInfo>(g), &[]),
        op("get", "/v1/me/second-factor", "second_factor", "Where the caller stands with a second factor (any session, before enrolling too).", Access::Roles(ANY), &[], None, schema::<p::SecondFactorStatus>(g), &[]),
        op("post", "/v1/me/second-factor/totp", "begin_totp", "A new authenticator key for the caller, in force once a code from it is confirmed.", Access::Roles(ANY), &[], None, schema::<p::TotpEnrollment>(g), &[409]),
        op("post", "/v1/me/second-factor/totp/confirm", "confirm_totp", "Confirm the new authenticator key with its current code: the recovery codes, shown once (audited).", Access::Roles(ANY), &[], schema::<p::TotpConfirm>(g), schema::<p::RecoveryCodes>(g), &[409, 422]),
        op("get", "/v1/admin/second-factor-policy", "second_factor_policy", "The roles that must sign in with a second factor.", Access::Roles(ADMIN), &[], None, schema::<p::SecondFactorPolicy>(g), &[]),
        op("put", "/v1/admin/second-factor-policy", "set_second_factor_policy", "Set the roles that must sign in with a second factor (audited).", Access::Roles(ADMIN), &[], schema::<p::SecondFactorPolicy>(g), schema::<p::SecondFactorPolicy>(g), &[400]),
        op("post", "/v1/admin/users/{username}/second-factor/reset", "reset_second_factor", "Remove a user's second factor and recovery codes and end their sessions (audited).", Access::Roles(ADMIN), &[], None, None, &[404, 409]),
        op(
            "get",
            "/v1/organisation",
            "organisation",
            "The insurer's legal name, address, NAIC code and telephone, as documents print them (none until an administrator sets them).",
            Access::Roles(ANY),
            &[],
            None,
            schema::<p::OrganisationInfo>(g),
            &[],
        ),
        op(
            "put",
            "/v1/admin/organisation",
            "set_organisation",
            "Set the insurer's details documents print; recorded in the audit log.",
            Access::Roles(ADMIN),
            &[],
            schema::<p::OrganisationDetails>(g),
            schema::<p::OrganisationInfo>(g),
            &[400],
        ),
        op(
            "get",
            "/v1/desktop/versions",
            "desktop_versions",
            "The oldest desktop version that may sync, the recommended one, and the newest update package for each platform with its publisher's signature (a desktop below the minimum may read this).",
            Access::Roles(ANY),
            &[],
            None,
            schema::<p::DesktopVersions>(g),
            &[],
        ),
        op(
            "get",
            "/v1/desktop/releases/{version}/{platform}",
            "desktop_release",
            "An update package's bytes (application/octet-stream); desktops check its SHA-256 and the publisher's signature before keeping it.",
            Access::Roles(ANY),
            &[],
            None,
            None,
            &[404],
        ),
        op(
            "put",
            "/v1/admin/desktop-versions",
            "set_desktop_versions",
            "Set the oldest desktop version that may sync (older ones are answered 426 desktop.too_old on push, pull and wait) and the recommended one; recorded in the audit log.",
            Access::Roles(ADMIN),
            &[],
            schema::<p::DesktopVersionsUpdate>(g),
            schema::<p::DesktopVersions>(g),
            &[400],
        ),
        op(
            "post",
            "/v1/sync/push",
            "push",
            "Push signed operations; each gets accepted, duplicate, rejected or conflict.",
            Access::Device(FIELD),
            &[],
            schema::<p::PushRequest>(g),
            schema::<p::PushResponse>(g),
            &[400],
        ),
        op(
            "get",
            "/v1/sync/pull",
            "pull",
            "Changes visible to the caller from a log index on, a page at a time.",
            Access::Roles(FIELD),
            &[("cursor", true, "The log index to start from (0 at first)."), ("limit", false, "Changes per page, at most 500.")],
            None,
            schema::<p::PullResponse>(g),
            &[400],
        ),
        op(
            "get",
            "/v1/sync/wait",
            "wait",
            "Long poll: answers when the log grows past the cursor, or after the timeout.",
            Access::Roles(FIELD),
            &[("cursor", true, "The cursor of the last pull."), ("timeout", false, "Seconds to wait, at most 25 (the default).")],
            None,
            schema::<p::WaitResponse>(g),
            &[400],
        ),
        op("get", "/v1/referrals", "referrals", "Quotes waiting for an underwriter.", Access::Roles(UNDERWRITER), &[], None, schema::<Vec<p::Referral>>(g), &[]),
        op(
            "post",
            "/v1/referrals/{quote_number}/decision",
            "decide",
            "Approve or decline a referred quote (never one's own); a stale version is 409 with the current one.",
            Access::Roles(UNDERWRITER),
            &[],
            schema::<p::ReferralDecision>(g),
            schema::<p::ReferralDecided>(g),
            &[400, 404, 409],
        ),
        op("get", "/v1/packs", "packs", "Published rate packs.", Access::Roles(ANY), &[], None, schema::<Vec<p::PackSummary>>(g), &[]),
        op(
            "post",
            "/v1/packs",
            "publish",
            "Publish a rate pack signed outside the approval workflow, when the organisation allows it (otherwise 403 pack.direct_publishing_off); the signature must verify against an organisation key.",
            Access::Roles(ADMIN),
            &[],
            schema::<p::PublishPack>(g),
            schema::<p::PackSummary>(g),
            &[400, 409, 422],
        ),
        op(
            "get",
            "/v1/pack-drafts",
            "pack_drafts",
            "Draft rate packs, newest first, with their files, note and impact.",
            Access::Roles(UNDERWRITER),
            &[("status", false, "submitted, approved or rejected")],
            None,
            schema::<Vec<p::PackDraft>>(g),
            &[],
        ),
        op(
            "post",
            "/v1/pack-drafts",
            "submit_pack_draft",
            "Submit a draft pack (unsigned, a new version of a published pack) for another underwriter's approval.",
            Access::Roles(UNDERWRITER),
            &[],
            schema::<p::SubmitPackDraft>(g),
            schema::<p::PackDraft>(g),
            &[400, 404, 409, 422],
        ),
        op(
            "post",
            "/v1/pack-drafts/{draft_id}/decision",
            "decide_pack_draft",
            "Approve (signed with the approver's own registered key; publishes the pack) or reject with a comment; never one's own draft (403 pack.four_eyes).",
            Access::Roles(UNDERWRITER),
            &[],
            schema::<p::PackDraftDecision>(g),
            schema::<p::PackDraft>(g),
            &[400, 404, 409, 422],
        ),
        op(
            "get",
            "/v1/book",
            "book",
            "One page of the in-force book of a state and product (policy number and rating input), for impact analysis.",
            Access::Roles(UNDERWRITER),
            &[
                ("state", true, "two-letter state code"),
                ("product", true, "personal-auto or homeowners"),
                ("after", false, "the previous page's next_after"),
                ("limit", false, "at most 5000 (the default)"),
            ],
            None,
            schema::<p::BookPage>(g),
            &[400],
        ),
        op(
            "get",
            "/v1/admin/identity-providers",
            "identity_providers",
            "The OpenID Connect providers the server trusts, with their claim and role rules (never a client secret).",
            Access::Roles(&[Role::Admin]),
            &[],
            None,
            schema::<Vec<p::IdentityProvider>>(g),
            &[],
        ),
        op(
            "put",
            "/v1/admin/identity-providers/{provider_id}",
            "set_identity_provider",
            "Adds or changes an identity provider; audited.",
            Access::Roles(&[Role::Admin]),
            &[],
            schema::<p::IdentityProviderChange>(g),
            schema::<p::IdentityProvider>(g),
            &[400],
        ),
        op(
            "delete",
            "/v1/admin/identity-providers/{provider_id}",
            "remove_identity_provider",
            "Removes an identity provider (its people can no longer sign in); audited. Answers the providers left.",
            Access::Roles(&[Role::Admin]),
            &[],
            None,
            schema::<Vec<p::IdentityProvider>>(g),
            &[404],
        ),
        op(
            "post",
            "/v1/admin/identity-providers/check",
            "check_identity_providers",
            "Asks the providers now whether the people signed in through them may still sign in, and ends those they refuse.",
            Access::Roles(&[Role::Admin]),
            &[],
            None,
            schema::<p::SsoCheckReport>(g),
            &[],
        ),
        op(
            "get",
            "/v1/admin/retention-rules",
            "retention_rules",
            "How long each kind of record is kept, per state (none by default: nothing is purged).",
            Access::Roles(&[Role::Admin]),
            &[],
            None,
            schema::<Vec<p::RetentionRule>>(g),
            &[],
        ),
        op(
            "put",
            "/v1/admin/retention-rules",
            "set_retention_rule",
            "Sets a retention rule, or removes it (days null); audited. Answers the rules now in force.",
            Access::Roles(&[Role::Admin]),
            &[],
            schema::<p::RetentionRuleChange>(g),
            schema::<Vec<p::RetentionRule>>(g),
            &[400],
        ),
        op(
            "post",
            "/v1/admin/retention/run",
            "run_retention",
            "Applies the retention rules now (the server also does daily), or with dry_run only reports what would go.",
            Access::Roles(&[Role::Admin]),
            &[],
            schema::<p::RetentionRun>(g),
            schema::<p::RetentionReport>(g),
            &[],
        ),
        op(
            "get",
            "/v1/admin/customers",
            "admin_customers",
            "A data-subject request: the customers of an exact name, every agent's, with their quotes and policies.",
            Access::Roles(&[Role::Admin]),
            &[("name", true, "the customer's full name")],
            None,
            schema::<Vec<p::CustomerMatch>>(g),
            &[400],
        ),
        op(
            "get",
            "/v1/admin/customers/{customer_id}/export",
            "export_customer",
            "Everything the server holds about a customer (quotes with their inputs, policies with their timelines, waiting changes, the audit entries about them), as JSON; audited as customer.export.",
            Access::Roles(&[Role::Admin]),
            &[],
            None,
            schema::<serde_json::Value>(g),
            &[404],
        ),
        op(
            "post",
            "/v1/admin/customers/{customer_id}/erase",
            "erase_customer",
            "Erases a customer's personal data by destroying their data key; refused while they hold a policy in force unless include_policies (409 customer.retained); audited; desktops drop the customer at their next sync.",
            Access::Roles(&[Role::Admin]),
            &[],
            schema::<p::CustomerErasureRequest>(g),
            schema::<p::CustomerErasure>(g),
            &[400, 404, 409],
        ),
        op(
            "post",
            "/v1/admin/customers/{customer_id}/export-requests",
            "request_customer_export",
            "A data-subject export request: asks the desktops that may hold the customer's data for it (they answer at their next sync); audited.",
            Access::Roles(&[Role::Admin]),
            &[],
            None,
            schema::<p::SubjectRequest>(g),
            &[404, 409],
        ),
        op(
            "get",
            "/v1/admin/subject-requests",
            "subject_requests",
            "The latest data-subject requests (exports and erasures) and where each stands, with the desktops asked.",
            Access::Roles(&[Role::Admin]),
            &[],
            None,
            schema::<Vec<p::SubjectRequest>>(g),
            &[],
        ),
        op(
            "get",
            "/v1/customers",
            "customers",
            "The customers of an exact name (case and spacing aside), found by a keyed hash: names are kept only encrypted. An agent sees the customers of their own quotes.",
            Access::Roles(&[Role::Agent, Role::Underwriter]),
            &[("name", true, "the customer's full name")],
            None,
            schema::<Vec<p::CustomerMatch>>(g),
            &[400],
        ),
        op("get", "/v1/policies", "policies", "Issued policies (an agent sees their own).", Access::Roles(&[Role::Agent, Role::Underwriter, Role::Auditor]), &[], None, schema::<Vec<p::PolicySummary>>(g), &[]),
        op(
            "get",
            "/v1/policies/{policy_number}",
            "policy_detail",
            "A policy now and its timeline, each transaction with its worksheet and audit entry (an agent sees their own).",
            Access::Roles(&[Role::Agent, Role::Underwriter, Role::Auditor]),
            &[],
            None,
            schema::<p::PolicyDetail>(g),
            &[404],
        ),
        op(
            "get",
            "/v1/migration/policies/{number}",
            "track_policy",
            "Where a policy is while a legacy book moves here, by its legacy or new number: the system that holds it, its wave, every routing and migration event, its reconciliation status.",
            Access::Roles(&[Role::Underwriter, Role::Admin]),
            &[],
            None,
            schema::<p::TrackedPolicy>(g),
            &[404],
        ),
        op(
            "get",
            "/v1/admin/migration/waves/{wave}",
            "migration_wave",
            "A migration wave's state, counts, gates and last report.",
            Access::Roles(ADMIN),
            &[],
            None,
            schema::<p::WaveStatus>(g),
            &[404],
        ),
        op(
            "post",
            "/v1/admin/migration/waves/{wave}/dry-run",
            "migration_dry_run",
            "Re-rate every policy of a planned wave with the pack the server would use, compare with the legacy premium and check the gates; writes only the report.",
            Access::Roles(ADMIN),
            &[],
            None,
            schema::<p::WaveReport>(g),
            &[404, 409],
        ),
        op(
            "post",
            "/v1/admin/migration/waves/{wave}/run",
            "migration_run",
            "Check a planned wave's gates and, when they pass, migrate its policies in the background (a running wave resumes after a restart); a wave a gate stopped stays planned with the report.",
            Access::Roles(ADMIN),
            &[],
            None,
            schema::<p::WaveStatus>(g),
            &[404, 409],
        ),
        op(
            "post",
            "/v1/admin/migration/waves/{wave}/rollback",
            "migration_rollback",
            "Remove what a completed wave created, recording each removal; refused (409 migration.rollback_blocked, listing them) while any of its policies changed since.",
            Access::Roles(ADMIN),
            &[],
            None,
            schema::<p::WaveStatus>(g),
            &[404, 409],
        ),
        op(
            "get",
            "/v1/admin/migration/waves/{wave}/reconciliation",
            "migration_reconciliation",
            "Counts and premiums per state and product in the legacy book, the wave, the server and the audit log, each difference explained.",
            Access::Roles(ADMIN),
            &[],
            None,
            schema::<p::Reconciliation>(g),
            &[404],
        ),
        op(
            "post",
            "/v1/policies/{policy_number}/transactions",
            "policy_transaction",
            "Endorse, cancel, reinstate, offer a renewal, renew or non-renew; the server re-rates any changed input, a stale base_version is 409 with the current one, and an insurer's cancellation or a non-renewal is an underwriter's.",
            Access::Roles(&[Role::Agent, Role::Underwriter]),
            &[],
            schema::<p::PolicyTransactionRequest>(g),
            schema::<p::PolicyTransacted>(g),
            &[400, 409, 422],
        ),
        op("get", "/v1/admin/users", "users", "Users.", Access::Roles(ADMIN), &[], None, schema::<Vec<p::UserRecord>>(g), &[]),
        op("post", "/v1/admin/users", "add_user", "Add a user.", Access::Roles(ADMIN), &[], schema::<p::NewUser>(g), schema::<p::UserRecord>(g), &[400, 409]),
        op(
            "patch",
            "/v1/admin/users/{username}",
            "change_user",
            "Disable, enable, reset the password of, or change the role of a user; all but enabling revoke their tokens. Refused (409 user.last_admin) when it would leave no active administrator.",
            Access::Roles(ADMIN),
            &[],
            schema::<p::UserChange>(g),
            schema::<p::UserRecord>(g),
            &[400, 404, 409],
        ),
        op(
            "post",
            "/v1/admin/pack-keys",
            "register_pack_key",
            "Trust a pack-signing key; with a username, as that underwriter's approval key.",
            Access::Roles(ADMIN),
            &[],
            schema::<p::RegisterPackKey>(g),
            schema::<p::RegisterPackKey>(g),
            &[400, 404, 409, 422],
        ),
        op("get", "/v1/admin/pack-keys", "pack_keys", "Pack-signing keys, trusted and revoked.", Access::Roles(ADMIN), &[], None, schema::<Vec<p::PackKeyRecord>>(g), &[]),
        op(
            "post",
            "/v1/admin/pack-keys/{key_id}/revoke",
            "revoke_pack_key",
            "Revoke a pack key: desktops learn it (key_revoked); packs signed only by it stop pricing new business.",
            Access::Roles(ADMIN),
            &[],
            None,
            schema::<p::PackKeyRecord>(g),
            &[404, 409],
        ),
        op(
            "get",
            "/v1/admin/pack-key-requests",
            "pack_key_requests",
            "Approval keys underwriters asked to register.",
            Access::Roles(ADMIN),
            &[],
            None,
            schema::<Vec<p::PendingApprovalKey>>(g),
            &[],
        ),
        op(
            "post",
            "/v1/admin/pack-key-requests/{key_id}/approve",
            "approve_pack_key_request",
            "Trust a requested approval key as its underwriter's.",
            Access::Roles(ADMIN),
            &[],
            None,
            schema::<p::PackKeyRecord>(g),
            &[404, 409, 422],
        ),
        op(
            "post",
            "/v1/admin/pack-key-requests/{key_id}/refuse",
            "refuse_pack_key_request",
            "Turn down a requested approval key.",
            Access::Roles(ADMIN),
            &[],
            None,
            schema::<p::PendingApprovalKey>(g),
            &[404],
        ),
        op(
            "post",
            "/v1/pack-keys/requests",
            "request_pack_key",
            "Ask for this underwriter's approval key to be registered; the key signs the request.",
            Access::Roles(UNDERWRITER),
            &[],
            schema::<p::ApprovalKeyRequest>(g),
            schema::<p::PendingApprovalKey>(g),
            &[400, 409, 422],
        ),
        op(
            "get",
            "/v1/policy-referrals",
            "policy_referrals",
            "Policy changes the underwriting rules referred, waiting for an underwriter.",
            Access::Roles(UNDERWRITER),
            &[],
            None,
            schema::<Vec<p::PolicyReferral>>(g),
            &[],
        ),
        op(
            "post",
            "/v1/policy-referrals/{referral_id}/decision",
            "decide_policy_referral",
            "Make a referred policy change as prepared, or decline it with a note.",
            Access::Roles(UNDERWRITER),
            &[],
            schema::<p::PolicyReferralDecision>(g),
            schema::<p::PolicyReferralDecided>(g),
            &[400, 404, 409, 422],
        ),
        op("get", "/v1/admin/devices", "devices", "Enrolled devices.", Access::Roles(ADMIN), &[], None, schema::<Vec<p::DeviceRecord>>(g), &[]),
        op(
            "post",
            "/v1/admin/devices/{device_id}/revoke",
            "revoke_device",
            "Revoke a device: its token stops working at once.",
            Access::Roles(ADMIN),
            &[],
            None,
            schema::<p::DeviceRecord>(g),
            &[404],
        ),
        op(
            "get",
            "/v1/admin/login-throttles",
            "login_throttles",
            "Failed sign-ins counted per account, address and account at an address, with any wait in force.",
            Access::Roles(ADMIN),
            &[],
            None,
            schema::<Vec<p::LoginThrottle>>(g),
            &[],
        ),
        op(
            "post",
            "/v1/admin/login-throttles/clear",
            "clear_login_throttles",
            "Clear the throttles naming an account, an address, or both (audited).",
            Access::Roles(ADMIN),
            &[],
            schema::<p::ClearLoginThrottles>(g),
            schema::<p::LoginThrottlesCleared>(g),
            &[400],
        ),
        op("get", "/v1/audit/keys", "audit_keys", "The log's origin and its checkpoint verifier keys, old ones included.", Access::Roles(AUDITOR), &[], None, schema::<p::AuditKeys>(g), &[]),
        op("get", "/v1/audit/checkpoint", "latest_checkpoint", "The latest signed checkpoint.", Access::Roles(AUDITOR), &[], None, schema::<p::CheckpointResponse>(g), &[404]),
        op("post", "/v1/audit/checkpoints", "sign_checkpoint", "Sign a checkpoint of the log as it is now.", Access::Roles(AUDITOR), &[], None, schema::<p::CheckpointResponse>(g), &[]),
        op(
            "get",
            "/v1/audit/proofs/inclusion",
            "inclusion_proof",
            "An RFC 9162 inclusion proof of entry `index` in the tree of `size`.",
            Access::Roles(AUDITOR),
            &[("index", true, "The entry."), ("size", true, "A checkpointed tree size.")],
            None,
            schema::<p::ProofResponse>(g),
            &[400, 404],
        ),
        op(
            "get",
            "/v1/audit/proofs/consistency",
            "consistency_proof",
            "An RFC 9162 consistency proof between two checkpointed sizes.",
            Access::Roles(AUDITOR),
            &[("old", true, "The older size."), ("size", true, "The newer size.")],
            None,
            schema::<p::ProofResponse>(g),
            &[400, 404],
        ),
        op(
            "get",
            "/v1/audit/entries",
            "audit_entries",
            "A page of the log's entries, newest first, decoded, with the acting user's name; by time span, user, action and resource.",
            Access::Roles(AUDITOR),
            &[
                ("from", false, "The first instant (RFC 3339)."),
                ("to", false, "The instant the span ends before (RFC 3339)."),
                ("user", false, "A username, or a system actor's name."),
                ("action", false, "An action, or its first part: `policy` matches `policy.bind`."),
                ("resource", false, "Text in the resource's id (a policy number), or its type."),
                ("before", false, "Continue below this entry (the last page's `next_before`)."),
                ("limit", false, "Entries a page holds, 1 to 200 (default 50)."),
            ],
            None,
            schema::<p::AuditEntryPage>(g),
            &[400],
        ),
        op(
            "get",
            "/v1/audit/range",
            "audit_range",
            "The entries recorded in a span of time, as the range `start..end` to export.",
            Access::Roles(AUDITOR),
            &[("from", false, "The first instant (RFC 3339)."), ("to", false, "The instant the span ends before (RFC 3339).")],
            None,
            schema::<p::AuditRange>(g),
            &[400],
        ),
        op(
            "get",
            "/v1/audit/export",
            "audit_export",
            "The log's entries in a range with a fresh signed checkpoint and proofs, verifiable offline with `uw audit verify`; optionally age-encrypted.",
            Access::Roles(AUDITOR),
            &[
                ("start", true, "The first entry."),
                ("end", false, "One past the last entry (default: the whole log)."),
                ("previous", false, "The size of the auditor's previous checkpoint, to prove the log only grew."),
                ("recipient", false, "An age X25519 recipient (age1...) to encrypt the export to."),
            ],
            None,
            None,
            &[400, 404],
        ),
    ]
}

#[allow(clippy::too_many_arguments, reason = "one row of the endpoint table")]
fn op(
    method: &'static str,
    path: &'static str,
    id: &'static str,
    summary: &'static str,
    access: Access,
    query: &'static [Param],
    request: Option<Schema>,
    response: Option<Schema>,
    errors: &'static [u16],
) -> Operation {
    Operation { method, path, id, summary, access, query, request, response, errors }
}

fn operation(op: Operation) -> Value {
    let mut parameters: Vec<Value> = Vec::new();
    if op.path.starts_with("/v1/") {
        parameters.push(json!({ "$ref": "#/components/parameters/ProtocolVersion" }));
    }
    for segment in op.path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))) {
        parameters.push(json!({ "name": segment, "in": "path", "required": true, "schema": { "type": "string" } }));
    }
    for (name, required, description) in op.query {
        let schema = if *name == "recipient" { json!({ "type": "string" }) } else { json!({ "type": "integer", "minimum": 0 }) };
        parameters.push(json!({ "name": name, "in": "query", "required": required, "description": description, "schema": schema }));
    }
    let has_body = op.request.is_some();
    let ok = match op.response {
        Some(schema) => json!({ "description": "OK", "content": { "application/json": { "schema": schema } } }),
        None => json!({ "description": "OK", "content": { "text/plain": { "schema": { "type": "string" } } } }),
    };
    let mut responses = Map::new();
    responses.insert("200".into(), ok);
    let mut errors: Vec<u16> = op.errors.to_vec();
    if op.path.starts_with("/v1/") {
        errors.extend([426, 500]);
    }
    if has_body {
        errors.extend([400, 413]);
    }
    let (roles, security) = match op.access {
        Access::Public => (Vec::new(), json!([])),
        Access::Roles(roles) | Access::Device(roles) => {
            errors.extend([401, 403]);
            (roles.iter().map(|r| r.name()).collect(), json!([{ "token": [] }]))
        }
    };
    errors.sort_unstable();
    errors.dedup();
    for status in errors {
        responses.insert(status.to_string(), json!({ "$ref": "#/components/responses/Error" }));
    }
    let mut operation = json!({
        "operationId": op.id,
        "summary": op.summary,
        "parameters": parameters,
        "responses": responses,
        "security": security,
        "x-roles": roles,
        "x-device-token": matches!(op.access, Access::Device(_)),
    });
    if let Some(request) = op.request {
        operation["requestBody"] = json!({ "required": true, "content": { "application/json": { "schema": request } } });
    }
    operation
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every route the router serves, as `(METHOD, path)`, read from its
    /// source: each `.route("/path", get(handler).post(handler))`.
    fn routed() -> std::collections::BTreeSet<(String, String)> {
        let source = include_str!("http/mod.rs");
        let mut routes = std::collections::BTreeSet::new();
        for call in source.split(".route(\"").skip(1) {
            let (path, rest) = call.split_once('"').expect("a quoted path");
            let methods = &rest[..rest.find("))\n").unwrap_or(rest.len())];
            for method in ["get", "post", "patch", "put", "delete"] {
                if methods.contains(&format!(" {method}(")) || methods.contains(&format!(".{method}(")) {
                    routes.insert((method.to_uppercase(), path.to_owned()));
                }
            }
        }
        routes
    }

    /// The document cannot drift from the router: each routed method and
    /// path is documented, and nothing else is.
    #[test]
    fn the_document_describes_exactly_the_routes_served() {
        let documented: std::collections::BTreeSet<(String, String)> = document()["paths"]
            .as_object()
            .expect("paths")
            .iter()
            .flat_map(|(path, item)| item.as_object().expect("path item").keys().map(move |m| (m.to_uppercase(), path.clone())))
            .filter(|(method, _)| ["GET", "POST", "PATCH", "PUT", "DELETE"].contains(&method.as_str()))
            .collect();
        let routed = routed();
        assert!(routed.len() > 40, "the router's routes were not read: {routed:?}");
        let undocumented: Vec<_> = routed.difference(&documented).collect();
        let unrouted: Vec<_> = documented.difference(&routed).collect();
        assert!(
            undocumented.is_empty() && unrouted.is_empty(),
            "routed but not documented: {undocumented:?}; documented but not routed: {unrouted:?}"
        );
    }

    #[test]
    fn every_reference_resolves_and_every_operation_is_unique() {
        let doc = document();
        let text = doc.to_string();
        let schemas = doc["components"]["schemas"].as_object().expect("schemas");
        for reference in text.split("\"$ref\":\"").skip(1).map(|rest| &rest[..rest.find('"').expect("closing quote")]) {
            if let Some(name) = reference.strip_prefix("#/components/schemas/") {
                assert!(schemas.contains_key(name), "{reference} does not resolve");
            } else {
                assert!(
                    reference.starts_with("#/components/parameters/") || reference.starts_with("#/components/responses/"),
                    "{reference}"
                );
            }
        }
        let mut ids: Vec<&str> = doc["paths"]
            .as_object()
            .expect("paths")
            .values()
            .flat_map(|item| item.as_object().expect("path item").values())
            .map(|op| op["operationId"].as_str().expect("operationId"))
            .collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count, "operation ids are unique");
        assert_eq!(count, 82);
    }

    #[test]
    fn money_is_a_decimal_string_and_secrets_are_strings() {
        let doc = document();
        let schemas = &doc["components"]["schemas"];
        let premium = &schemas["PolicySummary"]["properties"]["premium"];
        let resolved =
            premium.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next()).map_or(premium, |name| &schemas[name]);
        assert_eq!(resolved["type"], "string", "{premium}");
        let password = &schemas["LoginRequest"]["properties"]["password"];
        let resolved =
            password.get("$ref").and_then(Value::as_str).and_then(|r| r.rsplit('/').next()).map_or(password, |name| &schemas[name]);
        assert_eq!(resolved["type"], "string", "{password}");
    }
}
