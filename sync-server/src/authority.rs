//! The server's authority over a rating: it re-rates every premium a device
//! sends with the published pack the device names (`rerate`), and decides
//! how far before its own today cover may start (`backdate_allowance`).
//! Quotes and binds (`sync/ops.rs`) and policy changes (`policies.rs`) all
//! ask here.

use uw_protocol::Outcome;
use uw_rating::{Quote, RatePack, Rating};

use crate::audit::Mutation;
use crate::error::ApiError;
use crate::packs::PackCache;
use crate::storage::args;

/// Which pack may price a rating the server checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PackRule {
    /// New business (a quote and its bind): the pack the server finds in
    /// force for new business on the effective date, never one a later
    /// revision superseded, and the quote must not claim to be a renewal.
    NewBusiness,
    /// A change within a term, or a policy read back: the pack the term was
    /// rated with, which stays the term's however the rates move on.
    Term,
}

/// Re-rates `input` with the published pack `digest`: the server's own
/// premium, whatever the device said.
pub(crate) async fn rerate(
    packs: &PackCache,
    m: &mut Mutation,
    input: &serde_json::Value,
    pack_id: &str,
    digest: &str,
    rule: PackRule,
) -> Result<Result<(Quote, std::sync::Arc<RatePack>, Rating), Outcome>, ApiError> {
    let Some(pack) = packs.get(&mut *m.tx, digest).await? else {
        return Ok(Err(Outcome::rejected(
            "rating.pack_unknown",
            format!("pack_digest: no published pack has digest {digest}; the device rated with a pack this server never published"),
        )));
    };
    if pack.id() != pack_id {
        return Ok(Err(Outcome::rejected(
            "rating.pack_unknown",
            format!("pack_id: `{pack_id}` does not match the pack with that digest ({})", pack.id()),
        )));
    }
    let Some(quote_json) = input.get("quote") else {
        return Ok(Err(Outcome::rejected("sync.bad_payload", "input.quote: missing")));
    };
    let quote = match Quote::from_json(&quote_json.to_string()).and_then(Quote::validate) {
        Ok(valid) => valid,
        Err(errors) => return Ok(Err(Outcome::rejected("quote.invalid", format!("input.quote: {errors}")))),
    };
    let info = pack.info();
    let q = quote.quote();
    if info.state != q.state || info.product != q.product {
        return Ok(Err(Outcome::rejected(
            "rating.pack_mismatch",
            format!("pack {} rates {} {}, not this {} quote in {}", pack.id(), info.state, info.product.name(), q.product.name(), q.state),
        )));
    }
    if rule == PackRule::NewBusiness && q.renewal {
        return Ok(Err(Outcome::rejected(
            "quote.renewal_flag",
            "input.quote.renewal: a quote is new business; a renewal is offered from the policy it renews",
        )));
    }
    if !info.in_force(q.effective_date, q.renewal) {
        return Ok(Err(Outcome::rejected(
            "rating.pack_not_in_force",
            format!("pack {} is not in force on the effective date {}", pack.id(), q.effective_date),
        )));
    }
    if rule == PackRule::NewBusiness {
        // The pack in force (which excludes packs of revoked keys) is the
        // usual answer; why another one is not is asked only then.
        let current = crate::packs::in_force(packs, &mut *m.tx, &q.state, q.product, q.effective_date, false).await?;
        if !matches!(&current, Ok(current) if current.digest() == pack.digest()) {
            let revoked = crate::pack_keys::revoked_key_ids(&mut *m.tx).await?;
            if crate::packs::signed_by_any(&pack, &revoked) {
                return Ok(Err(Outcome::rejected(
                    "rating.pack_revoked",
                    format!(
                        "the rates of {} were withdrawn (their signing key was revoked); sync and rate the quote again",
                        pack.info().label()
                    ),
                )));
            }
            return Ok(Err(match current {
                Ok(current) => Outcome::rejected(
                    "rating.pack_superseded",
                    format!(
                        "the rates of {} were replaced by {} for new business effective {}; sync to receive the new rates and rate the quote again",
                        pack.info().label(),
                        current.info().label(),
                        q.effective_date
                    ),
                ),
                Err(e) => Outcome::rejected("rating.no_pack", e.to_string()),
            }));
        }
    }
    let rating = match uw_rating::rate(&pack, &quote) {
        Ok(rating) => rating,
        Err(e) => return Ok(Err(Outcome::rejected("rating.failed", e.to_string()))),
    };
    Ok(Ok((quote.into_inner(), pack, rating)))
}

/// How many days before the server's today a `kind` (`new_business` or
/// `endorsement`) of `state` and `product` may take effect: none unless the
/// organisation allows it (`uw-sync-server admin allow-backdating`).
pub(crate) async fn backdate_allowance(m: &mut Mutation, state: &str, product: &str, kind: &str) -> Result<i64, ApiError> {
    let row = m
        .tx
        .fetch_optional("SELECT days FROM backdate_allowance WHERE state = $1 AND product = $2 AND kind = $3", args![state, product, kind])
        .await?;
    Ok(match row {
        Some(row) => row.int(0)?,
        None => 0,
    })
}
