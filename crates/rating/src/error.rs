//! Errors from selecting a pack and rating a quote; a pack's load errors
//! are `pack::error`'s.

use crate::quote::InputErrors;

/// Why a quote could not be rated. The pack is never at fault: every pack
/// problem is found when it is loaded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RatingError {
    /// The quote's input is invalid for this pack (an unoffered limit, a
    /// missing required coverage, an unrated ZIP).
    #[error("{0}")]
    Input(InputErrors),
    /// The quote is for another state or product than the pack.
    #[error("pack {pack} rates {pack_state} {pack_product}, not {state} {product}")]
    WrongPack { pack: String, pack_state: String, pack_product: String, state: String, product: String },
}

/// Why no pack could be chosen for a quote.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectError {
    /// No pack is in force.
    #[error("no {product} pack for {state} is in force for {kind} effective {date}")]
    NoneInForce { state: String, product: String, kind: &'static str, date: time::Date },
    /// Two packs for the same state and product took effect on the same day.
    #[error("packs {first} and {second} both took effect for {state} {product} {kind} on or before {date} on the same day; give one a later effective date or an expiry date")]
    Ambiguous { state: String, product: String, kind: &'static str, date: time::Date, first: String, second: String },
}
