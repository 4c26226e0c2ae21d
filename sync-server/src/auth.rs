//! Identity: Argon2id passwords, random tokens stored hashed, login rate
//! limits, and who a request's token belongs to.

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::Argon2;
use sha2::Digest as _;
use time::OffsetDateTime;
use uw_protocol::{Role, Secret};

use crate::error::ApiError;
use crate::keys::unix_ms;
use crate::storage::{args, Tx};

/// Device tokens last 90 days; session tokens 12 hours.
pub const DEVICE_TOKEN_DAYS: i64 = 90;
pub const SESSION_TOKEN_HOURS: i64 = 12;
/// The shortest password an administrator may set.
pub const MIN_PASSWORD_CHARS: usize = 12;

fn argon2() -> Argon2<'static> {
    // OWASP's Argon2id minimum: 19 MiB, 2 iterations, 1 lane.
    let params = argon2::Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
}

/// Hashes a password to a PHC string (`$argon2id$…`).
pub fn hash_password(password: &Secret) -> Result<String, ApiError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(ApiError::internal)?;
    let salt = SaltString::encode_b64(&salt).map_err(ApiError::internal)?;
    Ok(argon2().hash_password(password.expose().as_bytes(), &salt).map_err(ApiError::internal)?.to_string())
}

/// Checks a password against a stored hash.
pub fn verify_password(password: &Secret, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| argon2().verify_password(password.expose().as_bytes(), &parsed).is_ok())
}

/// A password an administrator sets must be long enough.
pub fn check_new_password(password: &Secret) -> Result<(), ApiError> {
    if password.expose().chars().count() < MIN_PASSWORD_CHARS {
        return Err(ApiError::bad_request("user.weak_password", format!("password: use at least {MIN_PASSWORD_CHARS} characters")));
    }
    Ok(())
}

/// A new random token and the SHA-256 the server keeps.
pub fn new_token() -> Result<(Secret, [u8; 32]), ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(ApiError::internal)?;
    let token = hex::encode(bytes);
    let hash = token_hash(&token);
    Ok((Secret::new(token), hash))
}

pub fn token_hash(token: &str) -> [u8; 32] {
    sha2::Sha256::digest(token.as_bytes()).into()
}

/// A random 128-bit id in hexadecimal.
pub fn new_id() -> Result<String, ApiError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(ApiError::internal)?;
    Ok(hex::encode(bytes))
}

/// Who is calling, from the server's own records.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: String,
    pub username: String,
    pub role: Role,
    /// Set when the token is a device token.
    pub device_id: Option<String>,
    /// The organisation requires a second factor of the caller's role and
    /// this session signed in without one: it may reach only its own
    /// enrollment (the `Caller` extractor refuses everything else).
    pub second_factor_missing: bool,
    /// The SHA-256 of the caller's token (to mark the session once a second
    /// factor is enrolled).
    pub token_hash: [u8; 32],
}

impl Caller {
    pub fn actor(&self) -> crate::audit::Actor {
        crate::audit::Actor { user_id: self.user_id.clone(), role: ledger_role(self.role), device_id: self.device_id.clone() }
    }

    /// Refuses unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!("the {} role may not do this", self.role.name())))
        }
    }

    /// Refuses unless the token is a device's.
    pub fn device(&self) -> Result<&str, ApiError> {
        self.device_id.as_deref().ok_or_else(|| {
            ApiError::new(
                axum::http::StatusCode::FORBIDDEN,
                "auth.device_required",
                "this needs an enrolled device's token, not a session token",
            )
        })
    }
}

pub fn ledger_role(role: Role) -> uw_ledger::Role {
    match role {
        Role::Agent => uw_ledger::Role::Agent,
        Role::Underwriter => uw_ledger::Role::Underwriter,
        Role::Admin => uw_ledger::Role::Admin,
        Role::Auditor => uw_ledger::Role::Auditor,
    }
}

/// Resolves a bearer token to its caller.
pub async fn authenticate(storage: &dyn crate::storage::Storage, token: &str, now: OffsetDateTime) -> Result<Caller, ApiError> {
    let hash = token_hash(token);
    let row = storage
        .query_optional(
            "SELECT u.user_id, u.username, u.role, u.disabled, t.device_id, t.expires_at, t.revoked_at, d.revoked_at, d.last_seen_at,
                    t.second_factor, p.role
             FROM auth_token t JOIN app_user u ON u.user_id = t.user_id
             LEFT JOIN device d ON d.device_id = t.device_id
             LEFT JOIN second_factor_policy p ON p.role = u.role
             WHERE t.token_hash = $1",
            args![&hash],
        )
        .await?;
    let Some(row) = row else {
        return Err(ApiError::unauthorized(uw_protocol::codes::INVALID_TOKEN, "the token is not valid; enroll or log in again"));
    };
    if row.opt_int(7)?.is_some() {
        return Err(ApiError::device_revoked());
    }
    // A disabled user hears so first: their tokens were revoked with the
    // disable, and renewing a device's would be refused for the same reason.
    if row.int(3)? != 0 {
        return Err(ApiError::user_disabled());
    }
    if row.opt_int(6)?.is_some() {
        return Err(ApiError::unauthorized(uw_protocol::codes::INVALID_TOKEN, "the token was revoked; enroll or log in again"));
    }
    if row.int(5)? <= unix_ms(now) {
        return Err(ApiError::unauthorized(uw_protocol::codes::TOKEN_EXPIRED, "the token has expired; enroll or log in again"));
    }
    let device_id = row.opt_text(4)?;
    if let Some(device) = &device_id {
        let seen = row.opt_int(8)?;
        if seen.is_none_or(|at| unix_ms(now) - at >= LAST_SEEN_EVERY_MS) {
            note_seen(storage, device, unix_ms(now)).await?;
        }
    }
    let role = row.text(2)?;
    // A device token counts as a second factor: the device proves its own
    // key on every renewal, and enrolled with the user's second factor
    // where they had one.
    let second_factor_missing = row.opt_text(10)?.is_some() && device_id.is_none() && row.int(9)? == 0;
    Ok(Caller {
        user_id: row.text(0)?,
        username: row.text(1)?,
        role: Role::from_name(&role).ok_or_else(|| ApiError::internal(format!("unknown role {role} in the database")))?,
        device_id,
        second_factor_missing,
        token_hash: hash,
    })
}

/// How often a device's last-seen time is written: at most once in five minutes.
const LAST_SEEN_EVERY_MS: i64 = 5 * 60 * 1000;

/// Records that `device` called now: operational, not audited.
async fn note_seen(storage: &dyn crate::storage::Storage, device: &str, at_ms: i64) -> Result<(), ApiError> {
    let mut tx = storage.begin(crate::storage::TxMode::Write).await?;
    tx.execute(
        "UPDATE device SET last_seen_at = $2 WHERE device_id = $1 AND (last_seen_at IS NULL OR last_seen_at <= $3)",
        args![device, at_ms, at_ms - LAST_SEEN_EVERY_MS],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A user's stored credentials.
#[derive(Debug)]
pub struct UserCredentials {
    pub user_id: String,
    pub username: String,
    pub role: Role,
    pub password_hash: String,
    pub disabled: bool,
}

/// The stored credentials for `username` (`None` for an unknown user),
/// read in the caller's transaction. The password is checked afterwards by
/// [`verify_login`], outside any transaction, so a slow Argon2 never holds a
/// database reader.
pub async fn login_candidate(tx: &mut dyn Tx, username: &str) -> Result<Option<UserCredentials>, LoginFailure> {
    let row = tx
        .fetch_optional("SELECT user_id, username, role, password_hash, disabled FROM app_user WHERE username = $1", args![username])
        .await?;
    match row {
        Some(row) => Ok(Some(UserCredentials {
            user_id: row.text(0)?,
            username: row.text(1)?,
            role: Role::from_name(&row.text(2)?).ok_or(LoginFailure::Internal("unknown role in the database".into()))?,
            password_hash: row.text(3)?,
            disabled: row.int(4)? != 0,
        })),
        None => Ok(None),
    }
}

/// Checks `password` against the candidate's hash (Argon2id, on a blocking
/// thread, holding no database resource). An unknown user is checked
/// against a fixed hash, so the answer takes as long either way and does
/// not reveal which usernames exist.
pub async fn verify_login(user: Option<UserCredentials>, password: &Secret) -> Result<UserCredentials, LoginFailure> {
    let hash = match &user {
        Some(u) => u.password_hash.clone(),
        None => dummy_hash().to_owned(),
    };
    let password = password.clone();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await.unwrap_or(false);
    match user {
        Some(user) if ok => {
            if user.disabled {
                return Err(LoginFailure::Disabled);
            }
            Ok(user)
        }
        _ => Err(LoginFailure::BadCredentials),
    }
}

fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password(&Secret::new("no user has this password")).unwrap_or_default())
}

/// Why a login failed.
#[derive(Debug)]
pub enum LoginFailure {
    RateLimited(crate::throttle::Wait),
    BadCredentials,
    Disabled,
    Internal(String),
}

impl From<crate::storage::StorageError> for LoginFailure {
    fn from(error: crate::storage::StorageError) -> Self {
        Self::Internal(error.to_string())
    }
}

impl From<LoginFailure> for ApiError {
    fn from(failure: LoginFailure) -> Self {
        match failure {
            LoginFailure::RateLimited(wait) => {
                let mut e = ApiError::new(
                    axum::http::StatusCode::TOO_MANY_REQUESTS,
                    "auth.rate_limited",
                    format!("too many failed sign-ins; try again in {} seconds", wait.seconds),
                );
                e.retry_after = Some(wait.seconds);
                e
            }
            LoginFailure::BadCredentials => ApiError::unauthorized("auth.invalid_credentials", "the username or password is wrong"),
            LoginFailure::Disabled => ApiError::user_disabled(),
            LoginFailure::Internal(detail) => ApiError::internal(detail),
        }
    }
}

/// Issues a token for `user_id` (and `device_id`), valid until the returned
/// time; `second_factor` says the sign-in gave one.
pub async fn issue_token(
    tx: &mut dyn Tx,
    user_id: &str,
    device_id: Option<&str>,
    second_factor: bool,
    now: OffsetDateTime,
) -> Result<(Secret, OffsetDateTime), ApiError> {
    let (token, hash) = new_token()?;
    let expires = match device_id {
        Some(_) => now + time::Duration::days(DEVICE_TOKEN_DAYS),
        None => now + time::Duration::hours(SESSION_TOKEN_HOURS),
    };
    tx.execute(
        "INSERT INTO auth_token (token_hash, user_id, device_id, issued_at, expires_at, second_factor) VALUES ($1, $2, $3, $4, $5, $6)",
        args![&hash, user_id, device_id, unix_ms(now), unix_ms(expires), i64::from(second_factor)],
    )
    .await?;
    Ok((token, expires))
}

/// Revokes every live token of a device (renewal, recovery, revocation).
pub async fn revoke_device_tokens(tx: &mut dyn Tx, device_id: &str, at_ms: i64) -> Result<(), ApiError> {
    tx.execute("UPDATE auth_token SET revoked_at = $2 WHERE device_id = $1 AND revoked_at IS NULL", args![device_id, at_ms]).await?;
    Ok(())
}

/// Refuses a password sign-in for a user linked to a provider: they sign
/// in through it, so a leaver's password cannot outlive the provider's no.
pub async fn refuse_password(tx: &mut dyn Tx, user_id: &str) -> Result<(), ApiError> {
    let row = tx
        .fetch_optional(
            "SELECT p.display_name FROM sso_identity i JOIN identity_provider p ON p.provider_id = i.provider_id WHERE i.user_id = $1",
            args![user_id],
        )
        .await?;
    match row {
        Some(row) => Err(ApiError::new(
            axum::http::StatusCode::FORBIDDEN,
            "auth.use_provider",
            format!("you sign in through {}, not with a password", row.text(0)?),
        )),
        None => Ok(()),
    }
}
