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

/// Checks a sign-in: the throttle admits it (counting it, in the same write
/// transaction that reads the user), then Argon2 runs with no database
/// transaction or reader held, then the second factor where the user has
/// one. A right password and second factor take the count back (in a
/// transaction of their own, whatever becomes of the request after it); a
/// wrong second factor stays counted like a wrong password.
async fn check_credentials(
    state: &AppState,
    username: &str,
    password: &uw_protocol::Secret,
    second_factor: Option<&uw_protocol::Secret>,
    address: &str,
    now: OffsetDateTime,
) -> Result<(auth::UserCredentials, crate::second_factor::Checked), ApiError> {
    let candidate = {
        let mut tx = state.storage.begin(TxMode::Write).await?;
        if let Err(wait) = crate::throttle::admit(&mut *tx, username, address, now).await? {
            tx.commit().await?;
            state.metrics.login_throttled();
            return Err(auth::LoginFailure::RateLimited(wait).into());
        }
        let candidate = auth::login_candidate(&mut *tx, username).await;
        tx.commit().await?;
        candidate
    };
    let user = auth::verify_login(candidate?, password).await?;
    {
        let mut tx = state.storage.begin(TxMode::Read).await?;
        auth::refuse_password(&mut *tx, &user.user_id).await?;
    }
    let checked = match crate::second_factor::check(state, &user.user_id, second_factor, now).await {
        Ok(checked) => checked,
        Err(e) => {
            if e.code == uw_protocol::codes::SECOND_FACTOR_REQUIRED {
                let mut tx = state.storage.begin(TxMode::Write).await?;
                crate::throttle::password_only(&mut *tx, username, address, now).await?;
                tx.commit().await?;
            }
            return Err(e);
        }
    };
    let mut tx = state.storage.begin(TxMode::Write).await?;
    crate::throttle::succeeded(&mut *tx, username, address, now).await?;
    // The administrator's "last sign-in": operational, not a change of
    // record, so not in the audit log (like a device's last call).
    tx.execute("UPDATE app_user SET last_login_at = $2 WHERE user_id = $1", args![user.user_id.as_str(), unix_ms(now)]).await?;
    tx.commit().await?;
    Ok((user, checked))
}

/// A device's name and public key, checked, and proven held by the caller.
pub(crate) struct NewDevice {
    pub name: String,
    pub public_key: [u8; 32],
    pub public_key_hex: String,
}

/// Checks a device's name, its Ed25519 public key and the proof that the
/// caller holds the private key (a signature over
/// [`uw_protocol::enroll_proof_message`] for `signer`).
pub(crate) fn checked_device(name: &str, public_key_hex: &str, key_proof: &str, signer: &str) -> Result<NewDevice, ApiError> {
    let public_key: [u8; 32] = hex::decode(public_key_hex)
        .ok()
        .and_then(|b| b.try_into().ok())
        .filter(|b: &[u8; 32]| ed25519_dalek::VerifyingKey::from_bytes(b).is_ok())
        .ok_or_else(|| {
            ApiError::bad_request("enroll.bad_key", "device_public_key: expected an Ed25519 public key as 64 hexadecimal digits")
        })?;
    let name = name.trim();
    if name.is_empty() || name.len() > 100 {
        return Err(ApiError::bad_request("enroll.bad_name", "device_name: give the device a name of 1 to 100 characters"));
    }
    // The device proves it holds the private key: nobody registers a key
    // that is not theirs, nor recovers a known device with the password alone.
    let proof: Option<[u8; 64]> = hex::decode(key_proof).ok().and_then(|b| b.try_into().ok());
    let proven = proof.is_some_and(|bytes| {
        ed25519_dalek::VerifyingKey::from_bytes(&public_key).is_ok_and(|key| {
            key.verify_strict(
                uw_protocol::enroll_proof_message(signer, public_key_hex).as_bytes(),
                &ed25519_dalek::Signature::from_bytes(&bytes),
            )
            .is_ok()
        })
    });
    if !proven {
        return Err(ApiError::bad_request(
            "enroll.bad_proof",
            "key_proof: expected the device key's signature over `uw-device-enroll-v1\\n<username>\\n<device_public_key>`",
        ));
    }
    Ok(NewDevice { name: name.to_owned(), public_key, public_key_hex: public_key_hex.to_owned() })
}

/// Enrolls a device: credentials and the device's public key in, a device
/// token and a block of quote numbers out.
pub async fn enroll(state: &AppState, request: EnrollRequest, address: &str, request_id: &str) -> Result<EnrollResponse, ApiError> {
    let device = checked_device(&request.device_name, &request.device_public_key, &request.key_proof, &request.username)?;
    let now = state.clock.now();
    let (user, checked) =
        check_credentials(state, &request.username, &request.password, request.second_factor.as_ref(), address, now).await?;
    // A device token counts as a second factor, so a role that must have
    // one enrolls a device only with it.
    if checked == crate::second_factor::Checked::NotEnrolled && matches!(user.role, Role::Agent | Role::Underwriter) {
        let mut tx = state.storage.begin(TxMode::Read).await?;
        if crate::second_factor::required(&mut *tx, user.role).await? {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                uw_protocol::codes::SECOND_FACTOR_ENROLLMENT_REQUIRED,
                "your organisation requires a second factor for your role; sign in to the console and set up an authenticator app first",
            ));
        }
    }
    enroll_device(state, &UserInfo { user_id: user.user_id, username: user.username, role: user.role }, device, request_id).await
}

/// Enrolls (or recovers) `device` for a user whose sign-in was checked.
pub(crate) async fn enroll_device(
    state: &AppState,
    user: &UserInfo,
    device: NewDevice,
    request_id: &str,
) -> Result<EnrollResponse, ApiError> {
    if !matches!(user.role, Role::Agent | Role::Underwriter) {
        return Err(ApiError::forbidden(format!("the {} role works online and does not enroll devices; log in instead", user.role.name())));
    }
    let NewDevice { name: device_name, public_key, public_key_hex } = device;
    let device_name = device_name.as_str();
    let now = state.clock.now();
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    let known =
        m.tx.fetch_optional(
            "SELECT device_id, user_id, revoked_at, last_seq, device_number FROM device WHERE public_key = $1",
            args![&public_key],
        )
        .await?;
    let actor_for = |device_id: &str| Actor {
        user_id: user.user_id.clone(),
        role: auth::ledger_role(user.role),
        device_id: Some(device_id.to_owned()),
    };
    let (device_id, device_number, last_seq, recovered) = match known {
        // The same user enrolling a key the server knows: a reinstall that
        // kept the keychain, an enroll answer lost on the way, or a device
        // whose token lapsed. The device comes back as it was.
        Some(row) => {
            let device_id = row.text(0)?;
            if row.text(1)? != user.user_id {
                return Err(ApiError::conflict(
                    "enroll.key_in_use",
                    "device_public_key: this key belongs to another user's device; a device enrolls for one user",
                ));
            }
            if row.opt_int(2)?.is_some() {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "enroll.device_revoked",
                    "an administrator revoked this device; it cannot enroll again with the same key",
                ));
            }
            let last_seq = u64::try_from(row.int(3)?).map_err(ApiError::internal)?;
            auth::revoke_device_tokens(&mut *m.tx, &device_id, unix_ms(now)).await?;
            let device_number = u32::try_from(row.int(4)?).map_err(ApiError::internal)?;
            let change = serde_json::json!({ "device_id": device_id, "name": device_name, "last_seq": last_seq });
            m.audit(&actor_for(&device_id), "device.recover", ("device", &device_id), &change, None).await?;
            (device_id, device_number, last_seq, true)
        }
        None => {
            let active =
                m.tx.fetch_one("SELECT COUNT(*) FROM device WHERE user_id = $1 AND revoked_at IS NULL", args![user.user_id.as_str()])
                    .await?
                    .int(0)?;
            if active >= state.max_devices_per_user {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "enroll.too_many_devices",
                    format!(
                        "{} has {active} enrolled devices, the most one user may have; ask an administrator to revoke one no longer in use",
                        user.username
                    ),
                ));
            }
            let device_id = auth::new_id()?;
            let device_number = next_device_number(&mut *m.tx).await?;
            m.tx.execute(
                "INSERT INTO device (device_id, user_id, name, public_key, enrolled_at, device_number) VALUES ($1, $2, $3, $4, $5, $6)",
                args![device_id.as_str(), user.user_id.as_str(), device_name, &public_key, unix_ms(now), device_number],
            )
            .await?;
            let change = serde_json::json!({ "device_id": device_id, "name": device_name, "public_key": public_key_hex, "device_number": device_number });
            m.audit(&actor_for(&device_id), "device.enroll", ("device", &device_id), &change, None).await?;
            (device_id, u32::try_from(device_number).map_err(ApiError::internal)?, 0, false)
        }
    };
    let quote_serials = quote_serials(&mut *m.tx, &device_id).await?;
    let (token, expires) = auth::issue_token(&mut *m.tx, &user.user_id, Some(&device_id), true, now).await?;
    let instance = crate::storage::instance_id(&mut *m.tx).await?;
    m.commit().await?;
    state.log_grew();
    Ok(EnrollResponse {
        device_id,
        token,
        token_expires_at: crate::keys::rfc3339(expires),
        user: user.clone(),
        server_instance_id: instance,
        device_number,
        quote_serials,
        quote_numbers: None,
        recovered,
        last_seq,
    })
}

/// The next device's number. Device numbers are never reused; the log-head
/// lock every mutation takes first makes this MAX + 1 safe across replicas.
/// After a restore, numbers the lost part of the log may have given out stay
/// unused (`log_restore.device_number_floor`).
pub(crate) async fn next_device_number(tx: &mut dyn crate::storage::Tx) -> Result<i64, ApiError> {
    Ok(tx
        .fetch_one(
            "SELECT CASE WHEN n > f THEN n ELSE f END FROM
                 (SELECT COALESCE(MAX(device_number), 0) + 1 AS n FROM device) d,
                 (SELECT COALESCE(MAX(device_number_floor), 0) + 1 AS f FROM log_restore) r",
            args![],
        )
        .await?
        .int(0)?)
}

/// A user may have this many devices enrolled and not revoked, unless the
/// server is configured otherwise (`--max-devices-per-user`).
pub const MAX_ACTIVE_DEVICES_PER_USER: i64 = 10;

/// The highest quote serial the server holds from a device, per year.
async fn quote_serials(tx: &mut dyn crate::storage::Tx, device_id: &str) -> Result<Vec<uw_protocol::QuoteSerial>, ApiError> {
    let rows = tx.fetch("SELECT year, highest FROM device_quote_serial WHERE device_id = $1 ORDER BY year", args![device_id]).await?;
    rows.iter()
        .map(|r| {
            Ok(uw_protocol::QuoteSerial {
                year: i32::try_from(r.int(0)?).map_err(ApiError::internal)?,
                highest: u32::try_from(r.int(1)?).map_err(ApiError::internal)?,
            })
        })
        .collect()
}

/// Where the server says the calling device is: its number, the last
/// sequence number processed and the highest quote serials recorded.
pub async fn device_state(state: &AppState, caller: &Caller) -> Result<uw_protocol::DeviceState, ApiError> {
    caller.require(&[Role::Agent, Role::Underwriter])?;
    let device_id = caller.device()?;
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let row = tx
        .fetch_optional("SELECT device_number, last_seq FROM device WHERE device_id = $1", args![device_id])
        .await?
        .ok_or_else(|| ApiError::not_found("device.not_found", "no such device"))?;
    Ok(uw_protocol::DeviceState {
        device_id: device_id.to_owned(),
        device_number: u32::try_from(row.int(0)?).map_err(ApiError::internal)?,
        last_seq: u64::try_from(row.int(1)?).map_err(ApiError::internal)?,
        quote_serials: quote_serials(&mut *tx, device_id).await?,
    })
}

/// Logs in for online work: a session token without a device.
pub async fn login(state: &AppState, request: LoginRequest, address: &str) -> Result<LoginResponse, ApiError> {
    let now = state.clock.now();
    let (user, checked) =
        check_credentials(state, &request.username, &request.password, request.second_factor.as_ref(), address, now).await?;
    let passed = checked == crate::second_factor::Checked::Passed;
    let mut tx = state.storage.begin(TxMode::Write).await?;
    let must_enroll = !passed && crate::second_factor::required(&mut *tx, user.role).await?;
    let (token, expires) = auth::issue_token(&mut *tx, &user.user_id, None, passed, now).await?;
    tx.commit().await?;
    Ok(LoginResponse {
        token,
        expires_at: crate::keys::rfc3339(expires),
        user: UserInfo { user_id: user.user_id, username: user.username, role: user.role },
        must_enroll_second_factor: must_enroll,
    })
}

const USER_COLUMNS: &str = "SELECT user_id, username, role, disabled, agency, last_login_at,
     (SELECT COUNT(*) FROM user_totp f WHERE f.user_id = app_user.user_id AND f.confirmed_at IS NOT NULL),
     (SELECT p.display_name FROM sso_identity i JOIN identity_provider p ON p.provider_id = i.provider_id WHERE i.user_id = app_user.user_id)
     FROM app_user";

fn user_record(row: &crate::storage::SqlRow) -> Result<UserRecord, ApiError> {
    let role = row.text(2)?;
    Ok(UserRecord {
        user_id: row.text(0)?,
        username: row.text(1)?,
        role: Role::from_name(&role).ok_or_else(|| ApiError::internal(format!("unknown role {role}")))?,
        disabled: row.int(3)? != 0,
        agency: row.opt_text(4)?,
        last_sign_in_at: row.opt_int(5)?.map(crate::keys::rfc3339_ms).transpose()?,
        second_factor: row.int(6)? > 0,
        sign_in_service: row.opt_text(7)?,
    })
}

pub async fn users(state: &AppState, caller: &Caller) -> Result<Vec<UserRecord>, ApiError> {
    caller.require(&[Role::Admin])?;
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let rows = tx.fetch(&format!("{USER_COLUMNS} ORDER BY username"), args![]).await?;
    rows.iter().map(user_record).collect()
}

/// An agency name as documents print it: trimmed; empty is none.
fn checked_agency(agency: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(agency) = agency.map(str::trim).filter(|a| !a.is_empty()) else { return Ok(None) };
    if agency.chars().count() > 200 || agency.chars().any(char::is_control) {
        return Err(ApiError::bad_request("user.bad_agency", "agency: give the agency's name in 1 to 200 characters on one line"));
    }
    Ok(Some(agency.to_owned()))
}

/// Adds a user (HTTP for admins, and the command line).
pub async fn add_user(state: &AppState, actor: &Actor, user: NewUser, request_id: &str) -> Result<UserRecord, ApiError> {
    let username = user.username.trim();
    if username.is_empty() || username.len() > 64 || username.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ApiError::bad_request("user.bad_name", "username: 1 to 64 characters without spaces"));
    }
    auth::check_new_password(&user.password)?;
    let agency = checked_agency(user.agency.as_deref())?;
    let password = user.password.clone();
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password)).await.map_err(ApiError::internal)??;
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    let user_id = auth::new_id()?;
    m.tx.execute(
        "INSERT INTO app_user (user_id, username, role, password_hash, created_at, agency) VALUES ($1, $2, $3, $4, $5, $6)",
        args![user_id.as_str(), username, user.role.name(), hash, unix_ms(m.now), agency.as_deref()],
    )
    .await
    .map_err(|e| match e {
        StorageError::Duplicate { .. } => ApiError::conflict("user.exists", format!("username: `{username}` is taken")),
        other => other.into(),
    })?;
    let change = serde_json::json!({ "username": username, "role": user.role, "agency": agency });
    m.audit(actor, "user.add", ("user", &user_id), &change, None).await?;
    m.commit().await?;
    state.log_grew();
    Ok(UserRecord {
        user_id,
        username: username.to_owned(),
        role: user.role,
        disabled: false,
        agency,
        last_sign_in_at: None,
        second_factor: false,
        sign_in_service: None,
    })
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
    let agency = change.agency.as_deref().map(|a| checked_agency(Some(a))).transpose()?;
    let hash = match change.password.clone() {
        Some(password) => Some(tokio::task::spawn_blocking(move || auth::hash_password(&password)).await.map_err(ApiError::internal)??),
        None => None,
    };
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    let row =
        m.tx.fetch_optional(&format!("{USER_COLUMNS} WHERE username = $1"), args![username])
            .await?
            .ok_or_else(|| ApiError::not_found("user.not_found", format!("no user `{username}`")))?;
    let mut user = user_record(&row)?;
    // The organisation always keeps an active administrator.
    let demoted = change.role.is_some_and(|r| r != Role::Admin) || change.disabled == Some(true);
    if user.role == Role::Admin && !user.disabled && demoted {
        let others =
            m.tx.fetch_one(
                "SELECT COUNT(*) FROM app_user WHERE role = 'admin' AND disabled = 0 AND user_id <> $1",
                args![user.user_id.as_str()],
            )
            .await?
            .int(0)?;
        if others == 0 {
            return Err(ApiError::conflict(
                "user.last_admin",
                format!("{username} is the only active administrator; make another user an administrator first"),
            ));
        }
    }
    if let Some(role) = change.role {
        m.tx.execute("UPDATE app_user SET role = $2 WHERE user_id = $1", args![user.user_id.as_str(), role.name()]).await?;
        user.role = role;
    }
    if let Some(disabled) = change.disabled {
        m.tx.execute("UPDATE app_user SET disabled = $2 WHERE user_id = $1", args![user.user_id.as_str(), i64::from(disabled)]).await?;
        user.disabled = disabled;
    }
    // A password reset, a role change and a disable revoke every token
    // the user holds, sessions and devices alike: a stolen token dies with
    // them. Enrolled devices are not lost: each renews its token with its
    // own key (never the password) on its next sync, once the user is enabled.
    if hash.is_some() || change.role.is_some() || change.disabled == Some(true) {
        m.tx.execute(
            "UPDATE auth_token SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
            args![user.user_id.as_str(), unix_ms(m.now)],
        )
        .await?;
    }
    if let Some(hash) = hash {
        m.tx.execute("UPDATE app_user SET password_hash = $2 WHERE user_id = $1", args![user.user_id.as_str(), hash]).await?;
    }
    if let Some(agency) = &agency {
        m.tx.execute("UPDATE app_user SET agency = $2 WHERE user_id = $1", args![user.user_id.as_str(), agency.as_deref()]).await?;
        user.agency.clone_from(agency);
    }
    let summary = serde_json::json!({
        "role": change.role,
        "disabled": change.disabled,
        "password_reset": change.password.is_some(),
        "agency": agency,
    });
    m.audit(actor, "user.change", ("user", &user.user_id), &summary, None).await?;
    m.commit().await?;
    state.log_grew();
    Ok(user)
}

const DEVICE_COLUMNS: &str = "SELECT d.device_id, u.username, d.name, d.public_key, d.enrolled_at, d.revoked_at, d.last_seq, d.last_seen_at FROM device d JOIN app_user u ON u.user_id = d.user_id";

fn device_record(row: &crate::storage::SqlRow) -> Result<DeviceRecord, ApiError> {
    let time = crate::keys::rfc3339_ms;
    Ok(DeviceRecord {
        device_id: row.text(0)?,
        username: row.text(1)?,
        name: row.text(2)?,
        public_key: hex::encode(row.bytes(3)?),
        enrolled_at: time(row.int(4)?)?,
        revoked_at: row.opt_int(5)?.map(time).transpose()?,
        last_seq: u64::try_from(row.int(6)?).map_err(ApiError::internal)?,
        last_seen_at: row.opt_int(7)?.map(time).transpose()?,
    })
}

pub async fn devices(state: &AppState) -> Result<Vec<DeviceRecord>, ApiError> {
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let rows = tx.fetch(&format!("{DEVICE_COLUMNS} ORDER BY d.enrolled_at"), args![]).await?;
    rows.iter().map(device_record).collect()
}

/// The sign-in throttles with failures counted.
pub async fn login_throttles(state: &AppState) -> Result<Vec<uw_protocol::LoginThrottle>, ApiError> {
    let mut tx = state.storage.begin(TxMode::Read).await?;
    crate::throttle::list(&mut *tx, state.clock.now()).await
}

/// Clears the throttles naming an account or an address (audited).
pub async fn clear_login_throttles(
    state: &AppState,
    actor: &Actor,
    request: &uw_protocol::ClearLoginThrottles,
    request_id: &str,
) -> Result<uw_protocol::LoginThrottlesCleared, ApiError> {
    let (account, address) = (request.account.as_deref().map(str::trim), request.address.as_deref().map(str::trim));
    if account.is_none_or(str::is_empty) && address.is_none_or(str::is_empty) {
        return Err(ApiError::bad_request("throttle.subject", "account, address: name the account or the address to clear"));
    }
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    let cleared = crate::throttle::clear(&mut *m.tx, account.filter(|a| !a.is_empty()), address.filter(|a| !a.is_empty())).await?;
    let change = serde_json::json!({ "account": account, "address": address, "cleared": cleared });
    m.audit(actor, "login_throttle.clear", ("login_throttle", account.or(address).unwrap_or_default()), &change, None).await?;
    m.commit().await?;
    Ok(uw_protocol::LoginThrottlesCleared { cleared })
}

/// Revokes a device and every token it holds.
pub async fn revoke_device(state: &AppState, actor: &Actor, device_id: &str, request_id: &str) -> Result<DeviceRecord, ApiError> {
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
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
    auth::revoke_device_tokens(&mut *m.tx, device_id, at).await?;
    crate::subject_requests::forget_device(&mut *m.tx, device_id, at).await?;
    m.audit(actor, "device.revoke", ("device", device_id), &serde_json::json!({ "device_id": device_id }), None).await?;
    m.commit().await?;
    state.log_grew();
    device_record(&row)
}
