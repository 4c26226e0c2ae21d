//! Errors from loading a pack, selecting one, and rating a quote.

use std::path::PathBuf;

use crate::pack::Location;
use crate::quote::InputErrors;

/// Why a rate pack could not be loaded. Every variant names the file, and
/// where it can, the line and the field.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    /// A pack file could not be read from disk.
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: std::io::Error },
    /// The manifest names a file the pack does not contain.
    #[error("{}: file is missing from the pack", path.display())]
    MissingFile { path: PathBuf },
    /// The manifest is not valid TOML or does not match the format (an
    /// unknown key, a missing key, a wrong type).
    #[error("{at}: {message}")]
    Manifest { at: Location, message: String },
    /// The manifest parsed but a value is wrong or refers to nothing.
    #[error("{at}: {field}: {message}")]
    Invalid { at: Location, field: String, message: String },
    /// A lookup table is malformed: bad header, bad number, duplicate row, a
    /// gap or an overlap between bands.
    #[error("{at}: {field}: {message}")]
    Table { at: Location, field: String, message: String },
    /// The pack breaks a state's law: a forbidden factor, a missing mandated
    /// discount or coverage, the wrong factor order.
    #[error("{at}: {field}: {message}")]
    StateRule { at: Location, field: String, message: String },
    /// A signed load found no signature file.
    #[error("{}: the pack is not signed; sign it, or load it explicitly as a draft", path.display())]
    Unsigned { path: PathBuf },
    /// The signature does not verify.
    #[error("{}: {message}", path.display())]
    Signature { path: PathBuf, message: String },
}

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
