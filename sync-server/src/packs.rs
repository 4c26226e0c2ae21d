//! Published rate packs: compiled once and kept in memory by digest. A
//! replica that has not seen a pack yet loads it from the database, so
//! replicas never disagree about which packs exist.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

use uw_rating::{LoadMode, PackFiles, RatePack, TrustedKeys};

use crate::error::ApiError;
use crate::storage::{args, Tx};

/// Compiled published packs by digest.
#[derive(Debug, Default, Clone)]
pub struct PackCache(Arc<RwLock<HashMap<String, Arc<RatePack>>>>);

impl PackCache {
    /// The published pack with `digest`, or None if none was published.
    pub async fn get(&self, tx: &mut dyn Tx, digest: &str) -> Result<Option<Arc<RatePack>>, ApiError> {
        if let Some(pack) = self.0.read().map_err(|_| ApiError::internal("pack cache poisoned"))?.get(digest) {
            return Ok(Some(pack.clone()));
        }
        let Some(row) = tx.fetch_optional("SELECT pack_id, files FROM published_pack WHERE digest = $1", args![digest]).await? else {
            return Ok(None);
        };
        let files: BTreeMap<String, String> = serde_json::from_str(&row.text(1)?).map_err(ApiError::internal)?;
        // Published packs were verified against a trusted key when published;
        // they stay usable for re-rating after that key is revoked, so check
        // against every key the server has ever trusted.
        let keys = pack_keys(tx, true).await?;
        let pack = compile(&row.text(0)?, &files, &keys)
            .map_err(|e| ApiError::internal(format!("published pack {digest} no longer compiles: {e}")))?;
        let pack = Arc::new(pack);
        self.0.write().map_err(|_| ApiError::internal("pack cache poisoned"))?.insert(digest.to_owned(), pack.clone());
        Ok(Some(pack))
    }
}

/// Compiles a pack from its files, requiring a signature from `keys`.
pub fn compile(origin: &str, files: &BTreeMap<String, String>, keys: &TrustedKeys) -> Result<RatePack, uw_rating::PackError> {
    let pack_files = PackFiles::from_files(format!("published/{origin}"), files.clone());
    uw_rating::compile(&pack_files, LoadMode::Verified(keys))
}

/// The pack-signing keys the server trusts (and, with `include_revoked`,
/// those it trusted once).
pub async fn pack_keys(tx: &mut dyn Tx, include_revoked: bool) -> Result<TrustedKeys, ApiError> {
    let sql = if include_revoked {
        "SELECT key_id, public_key FROM pack_key"
    } else {
        "SELECT key_id, public_key FROM pack_key WHERE revoked_at IS NULL"
    };
    keys_from(tx, sql, args![]).await
}

/// The keys `sql` selects as (key_id, public_key) rows.
async fn keys_from(tx: &mut dyn Tx, sql: &str, args: Vec<crate::storage::SqlValue>) -> Result<TrustedKeys, ApiError> {
    let mut keys = TrustedKeys::new();
    for row in tx.fetch(sql, args).await? {
        let id = row.text(0)?;
        keys.add_hex(&id, &row.text(1)?).map_err(|e| ApiError::internal(format!("pack key {id}: {e}")))?;
    }
    Ok(keys)
}

/// A user's approval keys (not revoked): the only keys their approvals may use.
pub async fn approval_keys(tx: &mut dyn Tx, user_id: &str) -> Result<TrustedKeys, ApiError> {
    keys_from(tx, "SELECT key_id, public_key FROM pack_key WHERE user_id = $1 AND revoked_at IS NULL", args![user_id]).await
}

/// The organisation's pack-signing keys (not revoked, and no user's approval
/// key): what a pack published outside the approval workflow must be signed with.
pub async fn organisation_keys(tx: &mut dyn Tx) -> Result<TrustedKeys, ApiError> {
    keys_from(tx, "SELECT key_id, public_key FROM pack_key WHERE revoked_at IS NULL AND user_id IS NULL", args![]).await
}

/// A published pack (other than `pack_id`) taking effect the same day as
/// `info` and still in force then ([`uw_rating::same_day_rival`]): the
/// sentence that refuses the revision, if there is one.
pub async fn same_day_rival(
    cache: &PackCache,
    tx: &mut dyn Tx,
    pack_id: &str,
    info: &uw_rating::PackInfo,
) -> Result<Option<String>, ApiError> {
    let rows = tx
        .fetch("SELECT digest FROM published_pack WHERE state = $1 AND product = $2", args![info.state.as_str(), info.product.name()])
        .await?;
    let mut packs = Vec::with_capacity(rows.len());
    for row in rows {
        if let Some(pack) = cache.get(tx, &row.text(0)?).await? {
            packs.push(pack);
        }
    }
    Ok(uw_rating::same_day_rival(packs.iter().map(|p| &**p), pack_id, info))
}

/// Whether `pack` was signed by one of `keys`.
pub fn signed_by_any(pack: &RatePack, keys: &[String]) -> bool {
    matches!(pack.status(), uw_rating::PackStatus::Signed { key_id } if keys.contains(key_id))
}

/// The one published pack in force for `state`, `product` and `date`, for
/// new business or renewals, by the rule the desktops use
/// ([`uw_rating::select_pack`]): a later revision supersedes an earlier one
/// from its own effective date, and a pack signed by a revoked key is out.
pub async fn in_force(
    cache: &PackCache,
    tx: &mut dyn Tx,
    state: &str,
    product: uw_rating::Product,
    date: time::Date,
    renewal: bool,
) -> Result<Result<Arc<RatePack>, uw_rating::SelectError>, ApiError> {
    let rows = tx.fetch("SELECT digest FROM published_pack WHERE state = $1 AND product = $2", args![state, product.name()]).await?;
    let revoked = crate::pack_keys::revoked_key_ids(tx).await?;
    let mut packs = Vec::with_capacity(rows.len());
    for row in rows {
        if let Some(pack) = cache.get(tx, &row.text(0)?).await? {
            // A pack signed by a revoked key is no longer in force.
            if !signed_by_any(&pack, &revoked) {
                packs.push(pack);
            }
        }
    }
    let digest = match uw_rating::select_pack(packs.iter().map(|p| &**p), state, product, date, renewal) {
        Ok(chosen) => chosen.digest(),
        Err(e) => return Ok(Err(e)),
    };
    Ok(Ok(packs.into_iter().find(|p| p.digest() == digest).ok_or_else(|| ApiError::internal("the chosen pack vanished"))?))
}
