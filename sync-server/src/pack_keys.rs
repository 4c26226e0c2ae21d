//! Pack-signing keys: organisation keys and underwriters' approval keys,
//! trusted, asked for, approved and revoked. Every desktop learns of a
//! trusted or revoked key on its next pull (`key_trusted`, `key_revoked`);
//! a pack signed only by a revoked key stops pricing new business on the
//! server and on every desktop.

use uw_protocol::{ApprovalKeyRequest, PackKeyRecord, PendingApprovalKey, Role};

use crate::audit::{Actor, Mutation};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::keys::unix_ms;
use crate::storage::{args, StorageError, Tx, TxMode};
use crate::AppState;

/// Trusts a pack-signing key; every desktop learns it on its next pull.
pub async fn trust_pack_key(
    state: &AppState,
    actor: &Actor,
    key_id: &str,
    public_key_hex: &str,
    username: Option<&str>,
    request_id: &str,
) -> Result<(), ApiError> {
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    trust_in(&mut m, actor, key_id, public_key_hex, username).await?;
    m.commit().await?;
    state.log_grew();
    Ok(())
}

/// [`trust_pack_key`] within `m`.
async fn trust_in(m: &mut Mutation, actor: &Actor, key_id: &str, public_key_hex: &str, username: Option<&str>) -> Result<(), ApiError> {
    let mut check = uw_rating::TrustedKeys::new();
    check.add_hex(key_id, public_key_hex).map_err(|e| ApiError::bad_request("key.invalid", format!("public key: {e}")))?;
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
    let public_key = public_key_hex.trim().to_ascii_lowercase();
    // Trusted by other means (the command line), a request for it is answered.
    m.tx.execute("DELETE FROM pack_key_request WHERE key_id = $1 OR public_key = $2", args![key_id, public_key.as_str()]).await?;
    m.tx.execute(
        "INSERT INTO pack_key (key_id, public_key, trusted_at, user_id) VALUES ($1, $2, $3, $4)",
        args![key_id, public_key.as_str(), unix_ms(m.now), owner.as_deref()],
    )
    .await
    .map_err(|e| match e {
        StorageError::Duplicate { .. } => ApiError::conflict("key.exists", format!("pack key {key_id} is trusted already")),
        other => other.into(),
    })?;
    let change = serde_json::json!({ "public_key": public_key, "user": username });
    let index = m.audit(actor, "pack_key.trust", ("pack-key", key_id), &change, None).await?;
    m.publish(index, None, &uw_protocol::ChangeBody::KeyTrusted { key_id: key_id.to_owned(), public_key }).await?;
    Ok(())
}

/// An underwriter asks for their approval key to be registered. The key's
/// signature over [`uw_protocol::approval_key_proof_message`] proves they
/// hold it. Asking again with the same key is answered as before; one
/// waiting request a user.
pub async fn request_approval_key(
    state: &AppState,
    caller: &Caller,
    request: &ApprovalKeyRequest,
    request_id: &str,
) -> Result<PendingApprovalKey, ApiError> {
    caller.require(&[Role::Underwriter])?;
    let key_id = request.key_id.trim();
    if key_id.is_empty() || key_id.len() > 64 || !key_id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b)) {
        return Err(ApiError::bad_request("key.invalid", "key_id: letters, digits, `-`, `.` or `_`, at most 64"));
    }
    let public_key = request.public_key.trim().to_ascii_lowercase();
    let verifying = public_key_of(&public_key)?;
    let proof = hex::decode(request.proof.trim())
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .map(|b| ed25519_dalek::Signature::from_bytes(&b))
        .ok_or_else(|| ApiError::bad_request("key.proof", "proof: a signature is 128 hexadecimal digits"))?;
    let message = uw_protocol::approval_key_proof_message(&caller.username, key_id, &public_key);
    verifying.verify_strict(message.as_bytes(), &proof).map_err(|_| {
        ApiError::unprocessable("key.proof", "proof: the key did not sign this request; ask from the desktop that holds the key")
    })?;
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    if m.tx
        .fetch_optional("SELECT 1 FROM pack_key WHERE key_id = $1 OR public_key = $2", args![key_id, public_key.as_str()])
        .await?
        .is_some()
    {
        return Err(ApiError::conflict("key.exists", format!("pack key {key_id} (or that public key) is registered already")));
    }
    if let Some(row) =
        m.tx.fetch_optional("SELECT key_id, public_key FROM pack_key_request WHERE user_id = $1", args![caller.user_id.as_str()]).await?
    {
        if row.text(0)? == key_id && row.text(1)? == public_key {
            let pending = pending(&mut *m.tx, Some(key_id)).await?;
            return pending.into_iter().next().ok_or_else(|| ApiError::internal("the waiting request vanished"));
        }
        return Err(ApiError::conflict(
            "key.request_waiting",
            format!("{} already asked for key {} to be registered; an administrator decides it first", caller.username, row.text(0)?),
        ));
    }
    m.tx.execute(
        "INSERT INTO pack_key_request (key_id, public_key, user_id, requested_at) VALUES ($1, $2, $3, $4)",
        args![key_id, public_key.as_str(), caller.user_id.as_str(), unix_ms(m.now)],
    )
    .await
    .map_err(|e| match e {
        StorageError::Duplicate { .. } => {
            ApiError::conflict("key.exists", format!("key {key_id} (or that public key) is asked for already"))
        }
        other => other.into(),
    })?;
    let change = serde_json::json!({ "public_key": public_key });
    m.audit(&caller.actor(), "pack_key.request", ("pack-key", key_id), &change, None).await?;
    let pending = pending(&mut *m.tx, Some(key_id)).await?;
    m.commit().await?;
    state.log_grew();
    pending.into_iter().next().ok_or_else(|| ApiError::internal("the request just recorded is missing"))
}

fn public_key_of(hex_text: &str) -> Result<ed25519_dalek::VerifyingKey, ApiError> {
    hex::decode(hex_text)
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .and_then(|b| ed25519_dalek::VerifyingKey::from_bytes(&b).ok())
        .ok_or_else(|| ApiError::bad_request("key.invalid", "public_key: an Ed25519 public key is 64 hexadecimal digits"))
}

/// The waiting requests: all of them, or the one for `key_id`.
async fn pending(tx: &mut dyn Tx, key_id: Option<&str>) -> Result<Vec<PendingApprovalKey>, ApiError> {
    let sql = "SELECT r.key_id, r.public_key, u.username, r.requested_at FROM pack_key_request r
               JOIN app_user u ON u.user_id = r.user_id";
    let rows = match key_id {
        Some(id) => tx.fetch(&format!("{sql} WHERE r.key_id = $1"), args![id]).await?,
        None => tx.fetch(&format!("{sql} ORDER BY r.requested_at, r.key_id"), args![]).await?,
    };
    rows.iter()
        .map(|r| {
            Ok(PendingApprovalKey {
                key_id: r.text(0)?,
                public_key: r.text(1)?,
                username: r.text(2)?,
                requested_at: crate::keys::rfc3339_ms(r.int(3)?)?,
            })
        })
        .collect()
}

/// Approval keys waiting for an administrator.
pub async fn pending_requests(state: &AppState) -> Result<Vec<PendingApprovalKey>, ApiError> {
    let mut tx = state.storage.begin(TxMode::Read).await?;
    pending(&mut *tx, None).await
}

/// Approves (trusts it as its underwriter's approval key) or turns down a
/// waiting request.
pub async fn decide_request(
    state: &AppState,
    actor: &Actor,
    key_id: &str,
    approve: bool,
    request_id: &str,
) -> Result<Option<PackKeyRecord>, ApiError> {
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    let pending = pending(&mut *m.tx, Some(key_id))
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::not_found("key.request_not_found", format!("nobody asked for key {key_id} to be registered")))?;
    m.tx.execute("DELETE FROM pack_key_request WHERE key_id = $1", args![key_id]).await?;
    if approve {
        trust_in(&mut m, actor, key_id, &pending.public_key, Some(&pending.username)).await?;
    } else {
        let change = serde_json::json!({ "user": pending.username });
        m.audit(actor, "pack_key.request_refused", ("pack-key", key_id), &change, None).await?;
    }
    let record = key_records(&mut *m.tx, Some(key_id)).await?.into_iter().next();
    m.commit().await?;
    state.log_grew();
    Ok(record)
}

/// The pack keys: all of them, or `key_id`.
async fn key_records(tx: &mut dyn Tx, key_id: Option<&str>) -> Result<Vec<PackKeyRecord>, ApiError> {
    let sql = "SELECT k.key_id, k.public_key, u.username, k.trusted_at, k.revoked_at FROM pack_key k
               LEFT JOIN app_user u ON u.user_id = k.user_id";
    let rows = match key_id {
        Some(id) => tx.fetch(&format!("{sql} WHERE k.key_id = $1"), args![id]).await?,
        None => tx.fetch(&format!("{sql} ORDER BY k.trusted_at, k.key_id"), args![]).await?,
    };
    rows.iter()
        .map(|r| {
            Ok(PackKeyRecord {
                key_id: r.text(0)?,
                public_key: r.text(1)?,
                username: r.opt_text(2)?,
                trusted_at: crate::keys::rfc3339_ms(r.int(3)?)?,
                revoked_at: r.opt_int(4)?.map(crate::keys::rfc3339_ms).transpose()?,
            })
        })
        .collect()
}

/// Every pack key the server trusts or trusted.
pub async fn pack_keys(state: &AppState) -> Result<Vec<PackKeyRecord>, ApiError> {
    let mut tx = state.storage.begin(TxMode::Read).await?;
    key_records(&mut *tx, None).await
}

/// Revokes a pack key: its approvals are refused from now on, and a pack
/// signed only by it stops pricing new business here and, after their next
/// pull, on every desktop. Policies already priced with it keep their rates.
pub async fn revoke_pack_key(state: &AppState, actor: &Actor, key_id: &str, request_id: &str) -> Result<PackKeyRecord, ApiError> {
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    let changed =
        m.tx.execute("UPDATE pack_key SET revoked_at = $2 WHERE key_id = $1 AND revoked_at IS NULL", args![key_id, unix_ms(m.now)]).await?;
    if changed == 0 {
        let exists = m.tx.fetch_optional("SELECT 1 FROM pack_key WHERE key_id = $1", args![key_id]).await?.is_some();
        return Err(if exists {
            ApiError::conflict("key.revoked", format!("pack key {key_id} is revoked already"))
        } else {
            ApiError::not_found("key.not_found", format!("no pack key {key_id}"))
        });
    }
    let index = m.audit(actor, "pack_key.revoke", ("pack-key", key_id), &serde_json::json!({}), None).await?;
    m.publish(index, None, &uw_protocol::ChangeBody::KeyRevoked { key_id: key_id.to_owned() }).await?;
    let record = key_records(&mut *m.tx, Some(key_id)).await?.into_iter().next().ok_or_else(|| ApiError::internal("the key vanished"))?;
    m.commit().await?;
    state.log_grew();
    Ok(record)
}

/// The keys the server revoked: a pack signed by one of them prices no new business.
pub async fn revoked_key_ids(tx: &mut dyn Tx) -> Result<Vec<String>, ApiError> {
    let rows = tx.fetch("SELECT key_id FROM pack_key WHERE revoked_at IS NOT NULL", args![]).await?;
    rows.iter().map(|r| Ok(r.text(0)?)).collect()
}
