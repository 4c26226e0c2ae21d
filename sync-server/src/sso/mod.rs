//! Single sign-on through the organisation's OpenID Connect providers.
//!
//! The desktop is a native app (RFC 8252): it makes a PKCE verifier, asks
//! the server to start a sign-in (`POST /v1/sso/authorizations`: the server
//! keeps a state, a nonce and the PKCE challenge, and answers the
//! provider's authorization address), opens it in the system browser and
//! listens on a loopback port for the redirect. It hands the code and the
//! verifier back to the server (`POST /v1/sso/sessions` or
//! `/v1/sso/enrollments`), which exchanges the code at the provider's token
//! endpoint itself and checks the ID token fully (signature against the
//! provider's published keys, read again when they rotate; issuer,
//! audience, expiry, nonce) before it signs anyone in.
//!
//! Who the person is: the provider's `sub` once linked; at the first
//! sign-in, the user whose username is the configured claim (`email`, say),
//! or a new user when the provider creates users. What role: the first
//! value of the roles claim (groups) a rule names, applied at every sign-in.
//!
//! Leavers: the server keeps the person's refresh token (age-encrypted) and
//! asks the provider every few minutes, and at each device's token renewal,
//! whether it still honours it. When the provider says no, every session
//! and device token of the person is revoked and their devices cannot renew.
//!
//! Local passwords remain for organisations without a provider and for a
//! break-glass administrator; a user linked to a provider signs in only
//! through it.

pub mod id_token;
pub mod provider;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::Digest as _;
use uw_protocol::{
    EnrollResponse, IdentityProvider, IdentityProviderChange, LoginResponse, NewUser, Role, Secret, SsoAuthorization, SsoBegin,
    SsoCheckReport, SsoComplete, SsoEnroll, SsoProvider, SsoRoleRule, UserChange, UserInfo,
};

use crate::audit::{Actor, Mutation};
use crate::auth;
use crate::error::ApiError;
use crate::keys::unix_ms;
use crate::storage::{args, SqlRow, TxMode};
use crate::AppState;

/// How long a person has to finish signing in at the provider.
pub const ATTEMPT_MINUTES: i64 = 10;
/// How often the server asks providers whether their people may still sign in.
pub const CHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(5 * 60);
/// Scopes every sign-in asks for: who the person is, and a refresh token to
/// ask again later whether they still may sign in.
pub const BASE_SCOPES: &str = "openid profile email offline_access";

const PROVIDER_COLUMNS: &str = "SELECT provider_id, display_name, issuer, client_id, client_secret, username_claim, roles_claim,
     role_rules, create_users, agency, extra_scopes, ca_certificate FROM identity_provider";

fn provider_row(row: &SqlRow) -> Result<(IdentityProvider, Option<Vec<u8>>), ApiError> {
    let secret = row.opt_bytes(4)?;
    let rules: Vec<SsoRoleRule> = serde_json::from_str(&row.text(7)?).map_err(ApiError::internal)?;
    Ok((
        IdentityProvider {
            id: row.text(0)?,
            display_name: row.text(1)?,
            issuer: row.text(2)?,
            client_id: row.text(3)?,
            has_client_secret: secret.is_some(),
            username_claim: row.text(5)?,
            roles_claim: row.text(6)?,
            role_rules: rules,
            create_users: row.int(8)? != 0,
            agency: row.opt_text(9)?,
            extra_scopes: row.text(10)?.split_whitespace().map(str::to_owned).collect(),
            ca_certificate: row.opt_text(11)?,
        },
        secret,
    ))
}

/// The providers the server trusts (administrators).
pub async fn providers(state: &AppState) -> Result<Vec<IdentityProvider>, ApiError> {
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let rows = tx.fetch(&format!("{PROVIDER_COLUMNS} ORDER BY provider_id"), args![]).await?;
    rows.iter().map(|r| provider_row(r).map(|(p, _)| p)).collect()
}

/// The providers a sign-in screen offers (anyone).
pub async fn sign_in_choices(state: &AppState) -> Result<Vec<SsoProvider>, ApiError> {
    Ok(providers(state).await?.into_iter().map(|p| SsoProvider { id: p.id, display_name: p.display_name }).collect())
}

/// A provider and what the server needs to reach it.
async fn load(state: &AppState, id: &str) -> Result<(IdentityProvider, provider::Config), ApiError> {
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let row = tx
        .fetch_optional(&format!("{PROVIDER_COLUMNS} WHERE provider_id = $1"), args![id])
        .await?
        .ok_or_else(|| ApiError::not_found("sso.unknown_provider", format!("provider: no identity provider `{id}`")))?;
    drop(tx);
    let (public, secret) = provider_row(&row)?;
    let client_secret = match secret {
        Some(sealed) => {
            let plain = state.keys.decrypt_secret("identity-provider", &sealed)?;
            Some(zeroize::Zeroizing::new(String::from_utf8(plain.to_vec()).map_err(ApiError::internal)?))
        }
        None => None,
    };
    let config = provider::Config {
        id: public.id.clone(),
        issuer: public.issuer.clone(),
        client_id: public.client_id.clone(),
        client_secret,
        ca_certificate: public.ca_certificate.clone(),
    };
    Ok((public, config))
}

fn bad(field: &str, message: impl std::fmt::Display) -> ApiError {
    ApiError::bad_request("sso.bad_provider", format!("{field}: {message}"))
}

/// Adds or changes a provider. Audited (never the client secret).
pub async fn set_provider(
    state: &AppState,
    actor: &Actor,
    id: &str,
    change: IdentityProviderChange,
    request_id: &str,
) -> Result<IdentityProvider, ApiError> {
    if id.is_empty() || id.len() > 40 || !id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        return Err(bad("id", "use 1 to 40 lower-case letters, digits and dashes, such as `entra`"));
    }
    let display_name = change.display_name.trim();
    if display_name.is_empty() || display_name.chars().count() > 80 {
        return Err(bad("display_name", "give the name people will see in 1 to 80 characters, such as `Contoso sign-in`"));
    }
    let issuer = change.issuer.trim();
    if !issuer.starts_with("https://") || issuer.len() > 500 || issuer.contains(['?', '#', ' ']) {
        return Err(bad("issuer", "give the provider's issuer, an https:// address without query or fragment"));
    }
    if change.client_id.trim().is_empty() {
        return Err(bad("client_id", "give the client id the provider registered for this server"));
    }
    for (field, claim) in [("username_claim", &change.username_claim), ("roles_claim", &change.roles_claim)] {
        if claim.trim().is_empty() || claim.contains(char::is_whitespace) {
            return Err(bad(field, "name one claim, such as `email` or `groups`"));
        }
    }
    if change.role_rules.iter().any(|r| r.value.trim().is_empty()) {
        return Err(bad("role_rules", "each rule needs the claim value it matches"));
    }
    if change.create_users && change.role_rules.is_empty() {
        return Err(bad("create_users", "users created at first sign-in take their role from a rule; add role rules first"));
    }
    if change.extra_scopes.iter().any(|s| s.is_empty() || !s.bytes().all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\')) {
        return Err(bad("extra_scopes", "give each scope as one word, such as `groups`"));
    }
    if let Some(pem) = &change.ca_certificate {
        openssl::x509::X509::from_pem(pem.as_bytes())
            .map_err(|_| bad("ca_certificate", "expected a PEM certificate (-----BEGIN CERTIFICATE-----)"))?;
    }
    let agency = change.agency.as_deref().map(str::trim).filter(|a| !a.is_empty());
    let secret = match &change.client_secret {
        Some(secret) if !secret.expose().is_empty() => Some(state.keys.encrypt(secret.expose().as_bytes())?),
        _ => None,
    };
    let rules = serde_json::to_string(&change.role_rules).map_err(ApiError::internal)?;
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    m.tx.execute(
        "INSERT INTO identity_provider (provider_id, display_name, issuer, client_id, client_secret, username_claim, roles_claim,
             role_rules, create_users, agency, extra_scopes, ca_certificate, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         ON CONFLICT (provider_id) DO UPDATE SET display_name = excluded.display_name, issuer = excluded.issuer,
             client_id = excluded.client_id,
             client_secret = CASE WHEN $14 = 1 THEN NULL ELSE COALESCE(excluded.client_secret, identity_provider.client_secret) END,
             username_claim = excluded.username_claim, roles_claim = excluded.roles_claim, role_rules = excluded.role_rules,
             create_users = excluded.create_users, agency = excluded.agency, extra_scopes = excluded.extra_scopes,
             ca_certificate = excluded.ca_certificate",
        args![
            id,
            display_name,
            issuer,
            change.client_id.trim(),
            crate::storage::SqlValue::Bytes(secret),
            change.username_claim.trim(),
            change.roles_claim.trim(),
            rules,
            i64::from(change.create_users),
            agency,
            change.extra_scopes.join(" "),
            change.ca_certificate.as_deref(),
            unix_ms(m.now),
            i64::from(change.remove_client_secret)
        ],
    )
    .await?;
    let summary = serde_json::json!({
        "display_name": display_name,
        "issuer": issuer,
        "client_id": change.client_id.trim(),
        "client_secret_changed": change.client_secret.is_some() || change.remove_client_secret,
        "username_claim": change.username_claim.trim(),
        "roles_claim": change.roles_claim.trim(),
        "role_rules": change.role_rules,
        "create_users": change.create_users,
        "agency": agency,
        "extra_scopes": change.extra_scopes,
        "ca_certificate": change.ca_certificate.is_some(),
    });
    m.audit(actor, "identity_provider.set", ("identity_provider", id), &summary, None).await?;
    m.commit().await?;
    state.log_grew();
    state.sso.forget(id).await;
    Ok(load(state, id).await?.0)
}

/// Removes a provider: its people can no longer sign in through it (nor
/// with a password: they never had one of their own). Audited.
pub async fn remove_provider(state: &AppState, actor: &Actor, id: &str, request_id: &str) -> Result<(), ApiError> {
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    let removed = m.tx.execute("DELETE FROM identity_provider WHERE provider_id = $1", args![id]).await?;
    if removed == 0 {
        return Err(ApiError::not_found("sso.unknown_provider", format!("provider: no identity provider `{id}`")));
    }
    m.audit(actor, "identity_provider.remove", ("identity_provider", id), &serde_json::json!({}), None).await?;
    m.commit().await?;
    state.log_grew();
    state.sso.forget(id).await;
    Ok(())
}

/// A loopback redirect of a native app (RFC 8252 §7.3): `http`, the IP
/// literal 127.0.0.1 or ::1 (never the name `localhost`), a port, a path.
fn loopback_redirect(uri: &str) -> Result<(), ApiError> {
    let rest = uri.strip_prefix("http://127.0.0.1:").or_else(|| uri.strip_prefix("http://[::1]:"));
    let ok = rest.is_some_and(|rest| {
        let (port, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        port.parse::<u16>().is_ok_and(|p| p > 0) && path.starts_with('/') && uri.len() <= 200 && !path.contains(['#', '?', ' ', '\\'])
    });
    if ok {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "sso.bad_redirect",
            "redirect_uri: expected a loopback address such as http://127.0.0.1:49152/callback (RFC 8252)",
        ))
    }
}

fn random_text() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(ApiError::internal)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The S256 challenge of a PKCE verifier (RFC 7636 §4.2).
pub fn code_challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()))
}

/// Starts a sign-in: keeps its state, nonce and PKCE challenge, and
/// answers where to send the person's browser.
pub async fn begin(state: &AppState, request: SsoBegin) -> Result<SsoAuthorization, ApiError> {
    loopback_redirect(&request.redirect_uri)?;
    if request.code_challenge.len() != 43 || !request.code_challenge.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(ApiError::bad_request(
            "sso.bad_challenge",
            "code_challenge: expected BASE64URL(SHA-256(code_verifier)), 43 characters (RFC 7636, S256)",
        ));
    }
    let (public, config) = load(state, &request.provider).await?;
    let remote = state.sso.get(&config).await?;
    let (attempt, nonce) = (random_text()?, random_text()?);
    let now = state.clock.now();
    let expires = now + time::Duration::minutes(ATTEMPT_MINUTES);
    let mut tx = state.storage.begin(TxMode::Write).await?;
    tx.execute("DELETE FROM sso_attempt WHERE expires_at <= $1", args![unix_ms(now)]).await?;
    tx.execute(
        "INSERT INTO sso_attempt (state, provider_id, nonce, code_challenge, redirect_uri, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        args![
            attempt.as_str(),
            public.id.as_str(),
            nonce.as_str(),
            request.code_challenge.as_str(),
            request.redirect_uri.as_str(),
            unix_ms(expires)
        ],
    )
    .await?;
    tx.commit().await?;
    let mut scope = BASE_SCOPES.to_owned();
    for extra in &public.extra_scopes {
        scope.push(' ');
        scope.push_str(extra);
    }
    let query = [
        ("response_type", "code"),
        ("client_id", public.client_id.as_str()),
        ("redirect_uri", request.redirect_uri.as_str()),
        ("scope", scope.as_str()),
        ("state", attempt.as_str()),
        ("nonce", nonce.as_str()),
        ("code_challenge", request.code_challenge.as_str()),
        ("code_challenge_method", "S256"),
    ]
    .iter()
    .map(|(k, v)| format!("{k}={}", crate::second_factor::percent(v)))
    .collect::<Vec<_>>()
    .join("&");
    let endpoint = &remote.discovery.authorization_endpoint;
    let separator = if endpoint.contains('?') { '&' } else { '?' };
    Ok(SsoAuthorization {
        authorization_url: format!("{endpoint}{separator}{query}"),
        state: attempt,
        expires_at: crate::keys::rfc3339(expires),
    })
}

/// A person the provider vouched for, and the user they are here.
struct SignedIn {
    user: UserInfo,
    provider_id: String,
}

fn untrusted(provider: &str, error: &id_token::TokenError) -> ApiError {
    tracing::warn!(provider, reason = %error, "an ID token was refused");
    ApiError::unauthorized(
        "sso.token_invalid",
        format!("the sign-in could not be trusted: {error}; start it again, and tell your administrator if this keeps happening"),
    )
}

/// The values of a claim that is a string or a list of strings.
fn claim_values(claims: &serde_json::Map<String, serde_json::Value>, name: &str) -> Vec<String> {
    match claims.get(name) {
        Some(serde_json::Value::String(one)) => vec![one.clone()],
        Some(serde_json::Value::Array(many)) => many.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
        _ => Vec::new(),
    }
}

/// Finishes a sign-in: uses up its attempt, exchanges the code, checks
/// the ID token and finds (or makes) the user.
async fn complete(state: &AppState, attempt: &str, code: &Secret, verifier: &Secret, request_id: &str) -> Result<SignedIn, ApiError> {
    let now = state.clock.now();
    let unknown = || ApiError::unauthorized("sso.attempt_unknown", "this sign-in is unknown, used or expired; start it again");
    // The attempt is used up whatever follows, in its own transaction: a
    // state, a code and a nonce each sign in once.
    let row = {
        let mut tx = state.storage.begin(TxMode::Write).await?;
        let row = tx
            .fetch_optional(
                "DELETE FROM sso_attempt WHERE state = $1 RETURNING provider_id, nonce, code_challenge, redirect_uri, expires_at",
                args![attempt],
            )
            .await?;
        tx.commit().await?;
        row.ok_or_else(unknown)?
    };
    if row.int(4)? <= unix_ms(now) {
        return Err(unknown());
    }
    let (provider_id, nonce, challenge, redirect_uri) = (row.text(0)?, row.text(1)?, row.text(2)?, row.text(3)?);
    if !openssl::memcmp::eq(code_challenge(verifier.expose()).as_bytes(), challenge.as_bytes()) {
        return Err(ApiError::unauthorized("sso.verifier_mismatch", "code_verifier: it is not the one this sign-in started with"));
    }
    let (public, config) = load(state, &provider_id).await?;
    let remote = state.sso.get(&config).await?;
    let tokens = remote.exchange_code(&config, code.expose(), verifier.expose(), &redirect_uri).await?;
    let token = tokens.id_token.ok_or_else(|| provider::unreachable(&public.id, "its token endpoint gave no ID token"))?;
    let claims = remote.verify(&public.id, &token).await.map_err(|e| untrusted(&public.id, &e))?;
    let expected = id_token::Expected { issuer: &public.issuer, client_id: &public.client_id, nonce: Some(&nonce), now };
    let subject = id_token::check_claims(&claims, expected).map_err(|e| untrusted(&public.id, &e))?;
    let username = claim_values(&claims, &public.username_claim).into_iter().next().filter(|u| !u.trim().is_empty()).ok_or_else(|| {
        ApiError::forbidden(format!(
            "the identity provider did not say who you are (its sign-in has no `{}`); ask your administrator",
            public.username_claim
        ))
    })?;
    let values = claim_values(&claims, &public.roles_claim);
    let role = public.role_rules.iter().find(|rule| values.contains(&rule.value)).map(|rule| rule.role);
    let user = resolve(state, &public, (&subject, username.trim(), role), request_id).await?;
    let sealed = tokens.refresh_token.map(|t| state.keys.encrypt(t.as_bytes())).transpose()?;
    let mut tx = state.storage.begin(TxMode::Write).await?;
    tx.execute(
        "UPDATE sso_identity SET refresh_token = COALESCE($3, refresh_token), checked_at = $4, ended_at = NULL
         WHERE provider_id = $1 AND subject = $2",
        args![public.id.as_str(), subject.as_str(), crate::storage::SqlValue::Bytes(sealed), unix_ms(now)],
    )
    .await?;
    tx.execute("UPDATE app_user SET last_login_at = $2 WHERE user_id = $1", args![user.user_id.as_str(), unix_ms(now)]).await?;
    tx.commit().await?;
    Ok(SignedIn { user, provider_id: public.id })
}

/// The user a provider's person is: linked before, or linked now by
/// username, or created when the provider creates users. The role rules,
/// when there are any, decide the role at every sign-in.
async fn resolve(
    state: &AppState,
    provider: &IdentityProvider,
    (subject, username, role): (&str, &str, Option<Role>),
    request_id: &str,
) -> Result<UserInfo, ApiError> {
    let system = Actor::system(&format!("sso:{}", provider.id));
    if !provider.role_rules.is_empty() && role.is_none() {
        return Err(ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            "sso.no_role",
            "your groups at the identity provider give you no role here; ask your administrator",
        ));
    }
    let linked = {
        let mut tx = state.storage.begin(TxMode::Read).await?;
        tx.fetch_optional(
            "SELECT u.user_id, u.username, u.role, u.disabled FROM sso_identity i JOIN app_user u ON u.user_id = i.user_id
             WHERE i.provider_id = $1 AND i.subject = $2",
            args![provider.id.as_str(), subject],
        )
        .await?
    };
    let row = match linked {
        Some(row) => row,
        None => {
            let mut tx = state.storage.begin(TxMode::Read).await?;
            let existing = tx
                .fetch_optional("SELECT user_id FROM app_user WHERE username = $1", args![username])
                .await?
                .map(|r| r.text(0))
                .transpose()?;
            drop(tx);
            let user_id = match existing {
                Some(user_id) => user_id,
                None if provider.create_users => {
                    let mut password = [0u8; 32];
                    getrandom::fill(&mut password).map_err(ApiError::internal)?;
                    let new = NewUser {
                        username: username.to_owned(),
                        // Nobody knows it: the person signs in through the provider.
                        password: Secret::new(hex::encode(password)),
                        role: role.unwrap_or(Role::Agent),
                        agency: if role == Some(Role::Agent) { provider.agency.clone() } else { None },
                    };
                    crate::identity::add_user(state, &system, new, request_id).await?.user_id
                }
                None => {
                    return Err(ApiError::new(
                        axum::http::StatusCode::FORBIDDEN,
                        "sso.unknown_user",
                        format!("{username} has no account on this server; ask your administrator to add you"),
                    ))
                }
            };
            let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
            m.tx.execute(
                "INSERT INTO sso_identity (provider_id, subject, user_id, linked_at) VALUES ($1, $2, $3, $4)",
                args![provider.id.as_str(), subject, user_id.as_str(), unix_ms(m.now)],
            )
            .await
            .map_err(|e| match e {
                crate::storage::StorageError::Duplicate { .. } => ApiError::conflict(
                    "sso.user_linked",
                    format!("{username} already signs in through another identity; ask your administrator"),
                ),
                other => other.into(),
            })?;
            let change = serde_json::json!({ "provider": provider.id, "subject": subject, "username": username });
            m.audit(&system, "user.sso_link", ("user", &user_id), &change, None).await?;
            let row =
                m.tx.fetch_one("SELECT user_id, username, role, disabled FROM app_user WHERE user_id = $1", args![user_id.as_str()])
                    .await?;
            m.commit().await?;
            state.log_grew();
            row
        }
    };
    if row.int(3)? != 0 {
        return Err(ApiError::user_disabled());
    }
    let mut user = UserInfo {
        user_id: row.text(0)?,
        username: row.text(1)?,
        role: Role::from_name(&row.text(2)?).ok_or_else(|| ApiError::internal("unknown role in the database"))?,
    };
    if let Some(role) = role.filter(|r| *r != user.role) {
        let change = UserChange { role: Some(role), disabled: None, password: None, agency: None };
        crate::identity::change_user(state, &system, &user.username, change, request_id).await?;
        user.role = role;
    }
    Ok(user)
}

/// Signs in for online work through a provider.
pub async fn login(state: &AppState, request: SsoComplete, request_id: &str) -> Result<LoginResponse, ApiError> {
    let signed_in = complete(state, &request.state, &request.code, &request.code_verifier, request_id).await?;
    let now = state.clock.now();
    let mut tx = state.storage.begin(TxMode::Write).await?;
    // The provider answers for the second factor (organisations require it
    // there), so the session counts as signed in with one.
    let (token, expires) = auth::issue_token(&mut *tx, &signed_in.user.user_id, None, true, now).await?;
    tx.commit().await?;
    tracing::info!(provider = signed_in.provider_id, user = signed_in.user.user_id, "signed in through an identity provider");
    Ok(LoginResponse { token, expires_at: crate::keys::rfc3339(expires), user: signed_in.user, must_enroll_second_factor: false })
}

/// Signs in through a provider and enrolls (or recovers) a device.
pub async fn enroll(state: &AppState, request: SsoEnroll, request_id: &str) -> Result<EnrollResponse, ApiError> {
    let device = crate::identity::checked_device(
        &request.device_name,
        &request.device_public_key,
        &request.key_proof,
        &format!("sso:{}", request.state),
    )?;
    let signed_in = complete(state, &request.state, &request.code, &request.code_verifier, request_id).await?;
    crate::identity::enroll_device(state, &signed_in.user, device, request_id).await
}

/// Ends a person's access: the provider no longer honours their refresh
/// token. Every token they hold is revoked. Audited.
async fn end(state: &AppState, provider_id: &str, subject: &str, user_id: &str, username: &str) -> Result<(), ApiError> {
    let mut m = Mutation::begin_at(state.storage.as_ref(), &format!("sso-end-{subject}"), state.clock.now()).await?;
    m.tx.execute(
        "UPDATE sso_identity SET ended_at = $3, refresh_token = NULL, checking_until = NULL WHERE provider_id = $1 AND subject = $2",
        args![provider_id, subject, unix_ms(m.now)],
    )
    .await?;
    m.tx.execute("UPDATE auth_token SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL", args![user_id, unix_ms(m.now)]).await?;
    let change = serde_json::json!({ "provider": provider_id, "username": username });
    m.audit(&Actor::system(&format!("sso:{provider_id}")), "user.sso_ended", ("user", user_id), &change, None).await?;
    m.commit().await?;
    state.log_grew();
    tracing::info!(provider = provider_id, user = user_id, "the identity provider ended a person's access");
    Ok(())
}

/// Asks the providers whether the people signed in through them (with a
/// live token here) may still sign in; ends those they refuse. Only
/// `user_id`'s when given.
pub async fn check(state: &AppState, user_id: Option<&str>) -> Result<SsoCheckReport, ApiError> {
    let _one_at_a_time = state.sso.checking.lock().await;
    let now = unix_ms(state.clock.now());
    let rows = {
        let mut tx = state.storage.begin(TxMode::Read).await?;
        tx.fetch(
            "SELECT i.provider_id, i.subject, i.user_id, i.refresh_token, u.username FROM sso_identity i
             JOIN app_user u ON u.user_id = i.user_id
             WHERE i.ended_at IS NULL AND i.refresh_token IS NOT NULL AND u.disabled = 0 AND ($2 = '' OR i.user_id = $2)
               AND EXISTS (SELECT 1 FROM auth_token t WHERE t.user_id = i.user_id AND t.revoked_at IS NULL AND t.expires_at > $1)
             ORDER BY i.provider_id",
            args![now, user_id.unwrap_or_default()],
        )
        .await?
    };
    let mut report = SsoCheckReport::default();
    let mut configs: std::collections::HashMap<String, Option<provider::Config>> = std::collections::HashMap::new();
    for row in rows {
        let (provider_id, subject, user_id, username) = (row.text(0)?, row.text(1)?, row.text(2)?, row.text(4)?);
        if !configs.contains_key(&provider_id) {
            let config = load(state, &provider_id).await.ok().map(|(_, c)| c);
            configs.insert(provider_id.clone(), config);
        }
        let Some(config) = configs.get(&provider_id).cloned().flatten() else {
            report.unreachable += 1;
            continue;
        };
        // One check of a person at a time across replicas: a lease on the
        // row, taken in its own short transaction (never held over the
        // provider's answer), and the refresh token read under it.
        let Some(sealed) = claim(state, &provider_id, &subject, now).await? else {
            continue;
        };
        let refresh_token = state.keys.decrypt_secret("sso-refresh-token", &sealed)?;
        let refresh_token = String::from_utf8(refresh_token.to_vec()).map_err(ApiError::internal)?;
        let answer = match state.sso.get(&config).await {
            Ok(remote) => remote.refresh(&config, &refresh_token).await,
            Err(e) => Err(e),
        };
        match answer {
            Ok(provider::Refreshed::Active(rotated)) => {
                let sealed = rotated.map(|t| state.keys.encrypt(t.as_bytes())).transpose()?;
                let mut tx = state.storage.begin(TxMode::Write).await?;
                tx.execute(
                    "UPDATE sso_identity SET refresh_token = COALESCE($3, refresh_token), checked_at = $4, checking_until = NULL
                     WHERE provider_id = $1 AND subject = $2 AND ended_at IS NULL",
                    args![provider_id.as_str(), subject.as_str(), crate::storage::SqlValue::Bytes(sealed), now],
                )
                .await?;
                tx.commit().await?;
                report.still_active += 1;
            }
            Ok(provider::Refreshed::Ended(_)) => {
                end(state, &provider_id, &subject, &user_id, &username).await?;
                report.ended.push(username);
            }
            Err(_) => {
                let mut tx = state.storage.begin(TxMode::Write).await?;
                tx.execute(
                    "UPDATE sso_identity SET checking_until = NULL WHERE provider_id = $1 AND subject = $2",
                    args![provider_id.as_str(), subject.as_str()],
                )
                .await?;
                tx.commit().await?;
                report.unreachable += 1;
            }
        }
    }
    Ok(report)
}

/// How long a replica's check of one person may take before another may
/// check them again.
const CHECK_LEASE_MS: i64 = 60_000;

/// Takes the lease to check a person now and returns their sealed refresh
/// token; `None` while another check holds the lease (or the person ended).
async fn claim(state: &AppState, provider_id: &str, subject: &str, now: i64) -> Result<Option<Vec<u8>>, ApiError> {
    let mut tx = state.storage.begin(TxMode::Write).await?;
    let claimed = tx
        .execute(
            "UPDATE sso_identity SET checking_until = $3
             WHERE provider_id = $1 AND subject = $2 AND ended_at IS NULL AND refresh_token IS NOT NULL
               AND (checking_until IS NULL OR checking_until <= $4)",
            args![provider_id, subject, now + CHECK_LEASE_MS, now],
        )
        .await?;
    let token = if claimed == 1 {
        tx.fetch_optional("SELECT refresh_token FROM sso_identity WHERE provider_id = $1 AND subject = $2", args![provider_id, subject])
            .await?
            .map(|r| r.bytes(0))
            .transpose()?
    } else {
        None
    };
    tx.commit().await?;
    Ok(token)
}

/// Refuses a device's renewal when its user signs in through a provider
/// that no longer honours them (asking it now). A provider that cannot be
/// reached does not stop the renewal: the periodic check asks again.
pub async fn renewal_allowed(state: &AppState, user_id: &str) -> Result<(), ApiError> {
    let ended = {
        let mut tx = state.storage.begin(TxMode::Read).await?;
        tx.fetch_optional("SELECT ended_at FROM sso_identity WHERE user_id = $1", args![user_id]).await?
    };
    let Some(row) = ended else { return Ok(()) };
    if row.opt_int(0)?.is_some() {
        return Err(ended_error());
    }
    let report = check(state, Some(user_id)).await?;
    if report.ended.is_empty() {
        Ok(())
    } else {
        Err(ended_error())
    }
}

fn ended_error() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::FORBIDDEN,
        "auth.provider_ended",
        "your organisation's identity provider no longer lets you sign in; ask your administrator",
    )
}

/// Asks the providers about their people every [`CHECK_EVERY`] while the server runs.
pub(crate) async fn periodic(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = stop.wait_for(|s| *s) => return,
            () = tokio::time::sleep(CHECK_EVERY) => {}
        }
        match check(&state, None).await {
            Ok(report) if !report.ended.is_empty() || report.unreachable > 0 => {
                tracing::info!(ended = report.ended.len(), unreachable = report.unreachable, "identity providers checked");
            }
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e.message, "checking the identity providers failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_ip_literals_are_redirects() {
        assert!(loopback_redirect("http://127.0.0.1:49152/callback").is_ok());
        assert!(loopback_redirect("http://[::1]:8080/cb").is_ok());
        for refused in [
            "http://localhost:49152/callback",
            "https://127.0.0.1:49152/callback",
            "http://127.0.0.1/callback",
            "http://127.0.0.1:0/callback",
            "http://127.0.0.1:49152",
            "http://127.0.0.1.evil.example:80/callback",
            "http://127.0.0.1:49152/cb#x",
            "http://evil.example/callback",
        ] {
            assert!(loopback_redirect(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn the_challenge_is_rfc_7636_s256() {
        // RFC 7636 Appendix B.
        assert_eq!(code_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
    }
}
