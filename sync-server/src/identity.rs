//! Enrollment, login, users and devices.

use axum::http::StatusCode;
use time::OffsetDateTime;
use uw_protocol::{
    DeviceRecord, EnrollRequest, EnrollResponse, LoginRequest, LoginResponse, NewUser, Role, UserChange, UserInfo, UserRecord,
};

use crate::audit::{Actor, Mutation};
use crate::auth::{self, Caller};
use crate::error::ApiError;
use crate::keys::unix_ms;
use crate::storage::{args, StorageError, TxMode};
use crate::AppState;

async fn check_credentials(
    state: &AppState,
    username: &str,
    password: &uw_protocol::Secret,
    address: &str,
    now: OffsetDateTime,
) -> Result<auth::UserCredentials, ApiError> {
    let result = {
        let mut tx = state.storage.begin(TxMode::Read).await?;
        auth::check_login(&mut *tx, username, password, address, now).await
    };
    match result {
        Ok(user) => Ok(user),
        Err(failure) => {
            if matches!(failure, auth::LoginFailure::BadCredentials) {
                let mut tx = state.storage.begin(TxMode::Write).await?;
                auth::record_failure(&mut *tx, username, address, now).await?;
                tx.commit().await?;
            }
            Err(failure.into())
        }
    }
}

/// Enrolls a device: credentials and the device's public key in, a device
/// token and a block of quote numbers out.
pub async fn enroll(state: &AppState, request: EnrollRequest, address: &str, request_id: &str) -> Result<EnrollResponse, ApiError> {
    let public_key: [u8; 32] = hex::decode(&request.device_public_key)
        .ok()
        .and_then(|b| b.try_into().ok())
        .filter(|b: &[u8; 32]| ed25519_dalek::VerifyingKey::from_bytes(b).is_ok())
        .ok_or_else(|| {
            ApiError::bad_request("enroll.bad_key", "device_public_key: expected an Ed25519 public key as 64 hexadecimal digits")
        })?;
    let device_name = request.device_name.trim();
    if device_name.is_empty() || device_name.len() > 100 {
        return Err(ApiError::bad_request("enroll.bad_name", "device_name: give the device a name of 1 to 100 characters"));
    }
    let now = OffsetDateTime::now_utc();
    let user = check_credentials(state, &request.username, &request.password, address, now).await?;
    if !matches!(user.role, Role::Agent | Role::Underwriter) {
        return Err(ApiError::forbidden(format!("the {} role works online and does not enroll devices; log in instead", user.role.name())));
    }
    let mut m = Mutation::begin(state.storage.as_ref(), request_id).await?;
    let device_id = auth::new_id()?;
    m.tx.execute(
        "INSERT INTO device (device_id, user_id, name, public_key, enrolled_at) VALUES ($1, $2, $3, $4, $5)",
        args![device_id.as_str(), user.user_id.as_str(), device_name, &public_key, unix_ms(now)],
    )
    .await
    .map_err(|e| match e {
        StorageError::Duplicate { .. } => {
            ApiError::conflict("enroll.key_in_use", "device_public_key: this key is enrolled already; a device enrolls once")
        }
        other => other.into(),
    })?;
    let (token, expires) = auth::issue_token(&mut *m.tx, &user.user_id, Some(&device_id), now).await?;
    auth::clear_failures(&mut *m.tx, &user.username).await?;
    let quote_numbers = crate::sync::allocate_quote_numbers(&mut m, &device_id, now).await?;
    let actor = Actor { user_id: user.user_id.clone(), role: auth::ledger_role(user.role), device_id: Some(device_id.clone()) };
    let change = serde_json::json!({ "device_id": device_id, "name": device_name, "public_key": request.device_public_key, "quote_numbers": [quote_numbers.first, quote_numbers.last] });
    m.audit(&actor, "device.enroll", ("device", &device_id), &change, None).await?;
    let instance = m.tx.fetch_one("SELECT instance_id FROM server_instance WHERE singleton = 1", args![]).await?.text(0)?;
    m.commit().await?;
    state.log_grew();
    Ok(EnrollResponse {
        device_id,
        token,
        token_expires_at: auth::rfc3339(expires),
        user: UserInfo { user_id: user.user_id, username: user.username, role: user.role },
        server_instance_id: instance,
        quote_numbers,
    })
}

/// Logs in for online work: a session token without a device.
pub async fn login(state: &AppState, request: LoginRequest, address: &str) -> Result<LoginResponse, ApiError> {
    let now = OffsetDateTime::now_utc();
    let user = check_credentials(state, &request.username, &request.password, address, now).await?;
    let mut tx = state.storage.begin(TxMode::Write).await?;
    let (token, expires) = auth::issue_token(&mut *tx, &user.user_id, None, now).await?;
    auth::clear_failures(&mut *tx, &user.username).await?;
    tx.commit().await?;
    Ok(LoginResponse {
        token,
        expires_at: auth::rfc3339(expires),
        user: UserInfo { user_id: user.user_id, username: user.username, role: user.role },
    })
}

fn user_record(row: &crate::storage::SqlRow) -> Result<UserRecord, ApiError> {
    let role = row.text(2)?;
    Ok(UserRecord {
        user_id: row.text(0)?,
        username: row.text(1)?,
        role: Role::from_name(&role).ok_or_else(|| ApiError::internal(format!("unknown role {role}")))?,
        disabled: row.int(3)? != 0,
    })
}

pub async fn users(state: &AppState, caller: &Caller) -> Result<Vec<UserRecord>, ApiError> {
    caller.require(&[Role::Admin])?;
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let rows = tx.fetch("SELECT user_id, username, role, disabled FROM app_user ORDER BY username", args![]).await?;
    rows.iter().map(user_record).collect()
}

/// Adds a user (HTTP for admins, and the command line).
pub async fn add_user(state: &AppState, actor: &Actor, user: NewUser, request_id: &str) -> Result<UserRecord, ApiError> {
    let username = user.username.trim();
    if username.is_empty() || username.len() > 64 || username.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ApiError::bad_request("user.bad_name", "username: 1 to 64 characters without spaces"));
    }
    auth::check_new_password(&user.password)?;
    let password = user.password.clone();
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password)).await.map_err(ApiError::internal)??;
    let mut m = Mutation::begin(state.storage.as_ref(), request_id).await?;
    let user_id = auth::new_id()?;
    m.tx.execute(
        "INSERT INTO app_user (user_id, username, role, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
        args![user_id.as_str(), username, user.role.name(), hash, unix_ms(m.now)],
    )
    .await
    .map_err(|e| match e {
        StorageError::Duplicate { .. } => ApiError::conflict("user.exists", format!("username: `{username}` is taken")),
        other => other.into(),
    })?;
    m.audit(actor, "user.add", ("user", &user_id), &serde_json::json!({ "username": username, "role": user.role }), None).await?;
    m.commit().await?;
    state.log_grew();
    Ok(UserRecord { user_id, username: username.to_owned(), role: user.role, disabled: false })
}

/// Changes a user's role, disables or re-enables them, or resets their
/// password (which revokes their tokens).
pub async fn change_user(
    state: &AppState,
    actor: &Actor,
    username: &str,
    change: UserChange,
    request_id: &str,
) -> Result<UserRecord, ApiError> {
    if let Some(password) = &change.password {
        auth::check_new_password(password)?;
    }
    let hash = match change.password.clone() {
        Some(password) => Some(tokio::task::spawn_blocking(move || auth::hash_password(&password)).await.map_err(ApiError::internal)??),
        None => None,
    };
    let mut m = Mutation::begin(state.storage.as_ref(), request_id).await?;
    let row =
        m.tx.fetch_optional("SELECT user_id, username, role, disabled FROM app_user WHERE username = $1", args![username])
            .await?
            .ok_or_else(|| ApiError::not_found("user.not_found", format!("no user `{username}`")))?;
    let mut user = user_record(&row)?;
    if let Some(role) = change.role {
        m.tx.execute("UPDATE app_user SET role = $2 WHERE user_id = $1", args![user.user_id.as_str(), role.name()]).await?;
        user.role = role;
    }
    if let Some(disabled) = change.disabled {
        m.tx.execute("UPDATE app_user SET disabled = $2 WHERE user_id = $1", args![user.user_id.as_str(), i64::from(disabled)]).await?;
        user.disabled = disabled;
    }
    if let Some(hash) = hash {
        m.tx.execute("UPDATE app_user SET password_hash = $2 WHERE user_id = $1", args![user.user_id.as_str(), hash]).await?;
        m.tx.execute(
            "UPDATE auth_token SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
            args![user.user_id.as_str(), unix_ms(m.now)],
        )
        .await?;
    }
    let summary = serde_json::json!({ "role": change.role, "disabled": change.disabled, "password_reset": change.password.is_some() });
    m.audit(actor, "user.change", ("user", &user.user_id), &summary, None).await?;
    m.commit().await?;
    state.log_grew();
    Ok(user)
}

const DEVICE_COLUMNS: &str = "SELECT d.device_id, u.username, d.name, d.public_key, d.enrolled_at, d.revoked_at, d.last_seq FROM device d JOIN app_user u ON u.user_id = d.user_id";

fn device_record(row: &crate::storage::SqlRow) -> Result<DeviceRecord, ApiError> {
    let time =
        |ms: i64| OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).map(auth::rfc3339).map_err(ApiError::internal);
    Ok(DeviceRecord {
        device_id: row.text(0)?,
        username: row.text(1)?,
        name: row.text(2)?,
        public_key: hex::encode(row.bytes(3)?),
        enrolled_at: time(row.int(4)?)?,
        revoked_at: row.opt_int(5)?.map(time).transpose()?,
        last_seq: u64::try_from(row.int(6)?).map_err(ApiError::internal)?,
    })
}

pub async fn devices(state: &AppState) -> Result<Vec<DeviceRecord>, ApiError> {
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let rows = tx.fetch(&format!("{DEVICE_COLUMNS} ORDER BY d.enrolled_at"), args![]).await?;
    rows.iter().map(device_record).collect()
}

/// Revokes a device and every token it holds.
pub async fn revoke_device(state: &AppState, actor: &Actor, device_id: &str, request_id: &str) -> Result<DeviceRecord, ApiError> {
    let mut m = Mutation::begin(state.storage.as_ref(), request_id).await?;
    let at = unix_ms(m.now);
    let changed =
        m.tx.execute("UPDATE device SET revoked_at = $2 WHERE device_id = $1 AND revoked_at IS NULL", args![device_id, at]).await?;
    let row =
        m.tx.fetch_optional(&format!("{DEVICE_COLUMNS} WHERE d.device_id = $1"), args![device_id])
            .await?
            .ok_or_else(|| ApiError::not_found("device.not_found", format!("no device {device_id}")))?;
    if changed == 0 {
        return Err(ApiError::new(StatusCode::CONFLICT, "device.already_revoked", format!("device {device_id} is revoked already")));
    }
    m.tx.execute("UPDATE auth_token SET revoked_at = $2 WHERE device_id = $1 AND revoked_at IS NULL", args![device_id, at]).await?;
    m.audit(actor, "device.revoke", ("device", device_id), &serde_json::json!({ "device_id": device_id }), None).await?;
    m.commit().await?;
    state.log_grew();
    device_record(&row)
}

/// Trusts a pack-signing key; every desktop learns it on its next pull.
pub async fn trust_pack_key(
    state: &AppState,
    actor: &Actor,
    key_id: &str,
    public_key_hex: &str,
    username: Option<&str>,
    request_id: &str,
) -> Result<(), ApiError> {
    let mut check = uw_rating::TrustedKeys::new();
    check.add_hex(key_id, public_key_hex).map_err(|e| ApiError::bad_request("key.invalid", format!("public key: {e}")))?;
    let mut m = Mutation::begin(state.storage.as_ref(), request_id).await?;
    // An approval key belongs to one active underwriter.
    let owner = match username {
        None => None,
        Some(name) => {
            let row =
                m.tx.fetch_optional("SELECT user_id, role, disabled FROM app_user WHERE username = $1", args![name])
                    .await?
                    .ok_or_else(|| ApiError::not_found("user.not_found", format!("no user {name}")))?;
            if row.text(1)? != "underwriter" || row.int(2)? != 0 {
                return Err(ApiError::unprocessable(
                    "key.owner",
                    format!("{name} is not an active underwriter; approval keys are for underwriters"),
                ));
            }
            Some(row.text(0)?)
        }
    };
    m.tx.execute(
        "INSERT INTO pack_key (key_id, public_key, trusted_at, user_id) VALUES ($1, $2, $3, $4)",
        args![key_id, public_key_hex.trim().to_ascii_lowercase(), unix_ms(m.now), owner.as_deref()],
    )
    .await
    .map_err(|e| match e {
        StorageError::Duplicate { .. } => ApiError::conflict("key.exists", format!("pack key {key_id} is trusted already")),
        other => other.into(),
    })?;
    let change = serde_json::json!({ "public_key": public_key_hex, "user": username });
    let index = m.audit(actor, "pack_key.trust", ("pack-key", key_id), &change, None).await?;
    m.publish(
        index,
        None,
        &uw_protocol::ChangeBody::KeyTrusted { key_id: key_id.to_owned(), public_key: public_key_hex.trim().to_ascii_lowercase() },
    )
    .await?;
    m.commit().await?;
    state.log_grew();
    Ok(())
}
