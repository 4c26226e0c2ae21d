//! Device token renewal: a device proves its registered key by signing a
//! single-use challenge, and gets a new token; refused for a revoked
//! device, a disabled user, and a person their identity provider no
//! longer honours (asked at each renewal).

use uw_protocol::Role;

use crate::audit::{Actor, Mutation};
use crate::auth;
use crate::error::ApiError;
use crate::keys::unix_ms;
use crate::storage::{args, TxMode};
use crate::AppState;

/// How long a token-renewal challenge may be answered.
pub const CHALLENGE_SECONDS: i64 = 300;
/// Unanswered challenges a device may hold at once; a new one replaces the oldest.
pub const OPEN_CHALLENGES_PER_DEVICE: i64 = 4;

fn device_id_checked(device_id: &str) -> Result<&str, ApiError> {
    if device_id.len() == 32 && device_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(device_id)
    } else {
        Err(ApiError::not_found("device.not_found", "no such device"))
    }
}

/// A single-use challenge for a device to sign with its registered key.
/// Needs no token: it is how a device whose token expired or was revoked
/// gets a new one.
pub async fn device_challenge(state: &AppState, device_id: &str) -> Result<uw_protocol::DeviceChallenge, ApiError> {
    let device_id = device_id_checked(device_id)?;
    let now = state.clock.now();
    let mut tx = state.storage.begin(TxMode::Write).await?;
    let device = tx.fetch_optional("SELECT revoked_at FROM device WHERE device_id = $1", args![device_id]).await?;
    match device {
        None => return Err(ApiError::not_found("device.not_found", "no such device")),
        Some(row) if row.opt_int(0)?.is_some() => return Err(ApiError::device_revoked()),
        Some(_) => {}
    }
    tx.execute("DELETE FROM device_challenge WHERE expires_at <= $1", args![unix_ms(now)]).await?;
    // A new challenge replaces the oldest beyond the limit rather than being
    // refused: whoever asks in the device's name cannot lock it out.
    let open = tx.fetch_one("SELECT COUNT(*) FROM device_challenge WHERE device_id = $1", args![device_id]).await?.int(0)?;
    if open >= OPEN_CHALLENGES_PER_DEVICE {
        tx.execute(
            "DELETE FROM device_challenge WHERE challenge IN
                 (SELECT challenge FROM device_challenge WHERE device_id = $1 ORDER BY expires_at LIMIT $2)",
            args![device_id, open - OPEN_CHALLENGES_PER_DEVICE + 1],
        )
        .await?;
    }
    let mut challenge = [0u8; 32];
    getrandom::fill(&mut challenge).map_err(ApiError::internal)?;
    let expires_ms = unix_ms(now) + CHALLENGE_SECONDS * 1000;
    tx.execute(
        "INSERT INTO device_challenge (challenge, device_id, expires_at) VALUES ($1, $2, $3)",
        args![&challenge, device_id, expires_ms],
    )
    .await?;
    tx.commit().await?;
    Ok(uw_protocol::DeviceChallenge { challenge: hex::encode(challenge), expires_at: crate::keys::rfc3339_ms(expires_ms)? })
}

/// Renews a device's token: the device signed a challenge it was given
/// with its registered key. Every earlier token of the device is revoked.
/// Refused for a revoked device and a disabled user.
pub async fn renew_token(
    state: &AppState,
    device_id: &str,
    request: uw_protocol::RenewTokenRequest,
    request_id: &str,
) -> Result<uw_protocol::RenewTokenResponse, ApiError> {
    let device_id = device_id_checked(device_id)?;
    let refused = || ApiError::unauthorized("device.challenge_invalid", "the challenge is unknown, used or expired; ask for a new one");
    let challenge: [u8; 32] = hex::decode(&request.challenge).ok().and_then(|b| b.try_into().ok()).ok_or_else(refused)?;
    let signature: [u8; 64] = hex::decode(&request.signature).ok().and_then(|b| b.try_into().ok()).ok_or_else(|| {
        ApiError::bad_request("device.bad_signature", "signature: expected an Ed25519 signature as 128 hexadecimal digits")
    })?;
    let now = state.clock.now();
    // The challenge is used up whatever follows: it is deleted in its own
    // transaction before the signature is checked.
    let expires_ms = {
        let mut tx = state.storage.begin(TxMode::Write).await?;
        let row = tx
            .fetch_optional(
                "DELETE FROM device_challenge WHERE challenge = $1 AND device_id = $2 RETURNING expires_at",
                args![&challenge, device_id],
            )
            .await?;
        tx.commit().await?;
        row.ok_or_else(refused)?.int(0)?
    };
    if expires_ms <= unix_ms(now) {
        return Err(refused());
    }
    // A person who signs in through an identity provider renews only while
    // the provider still honours them (asked now, outside any transaction).
    let owner = state.storage.query_optional("SELECT user_id FROM device WHERE device_id = $1", args![device_id]).await?;
    if let Some(owner) = owner {
        crate::sso::renewal_allowed(state, &owner.text(0)?).await?;
    }
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    let row = m
        .tx
        .fetch_optional(
            "SELECT d.public_key, d.revoked_at, u.user_id, u.role, u.disabled FROM device d JOIN app_user u ON u.user_id = d.user_id WHERE d.device_id = $1",
            args![device_id],
        )
        .await?
        .ok_or_else(|| ApiError::not_found("device.not_found", "no such device"))?;
    if row.opt_int(1)?.is_some() {
        return Err(ApiError::device_revoked());
    }
    if row.int(4)? != 0 {
        return Err(ApiError::user_disabled());
    }
    let key = ed25519_dalek::VerifyingKey::from_bytes(&row.bytes32(0)?).map_err(ApiError::internal)?;
    let instance = crate::storage::instance_id(&mut *m.tx).await?;
    let message = uw_protocol::token_renewal_message(
        &instance,
        device_id,
        &request.challenge.to_ascii_lowercase(),
        &crate::keys::rfc3339_ms(expires_ms)?,
    );
    key.verify_strict(message.as_bytes(), &ed25519_dalek::Signature::from_bytes(&signature))
        .map_err(|_| ApiError::unauthorized("device.bad_signature", "the signature does not verify with the device's registered key"))?;
    let user_id = row.text(2)?;
    let role_name = row.text(3)?;
    let role = Role::from_name(&role_name).ok_or_else(|| ApiError::internal(format!("unknown role {role_name}")))?;
    // A user whose role changed to one that works online keeps no device.
    if !matches!(role, Role::Agent | Role::Underwriter) {
        return Err(ApiError::forbidden(format!("the {} role works online and does not renew device tokens", role.name())));
    }
    auth::revoke_device_tokens(&mut *m.tx, device_id, unix_ms(now)).await?;
    let (token, expires) = auth::issue_token(&mut *m.tx, &user_id, Some(device_id), true, now).await?;
    let actor = Actor { user_id, role: auth::ledger_role(role), device_id: Some(device_id.to_owned()) };
    let change = serde_json::json!({ "device_id": device_id, "expires_at": crate::keys::rfc3339(expires) });
    m.audit(&actor, "device.token_renew", ("device", device_id), &change, None).await?;
    m.commit().await?;
    state.log_grew();
    Ok(uw_protocol::RenewTokenResponse { token, token_expires_at: crate::keys::rfc3339(expires) })
}
