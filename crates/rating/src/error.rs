//! Errors from loading a pack and from rating a quote.

use std::path::PathBuf;

use crate::pack::Location;

/// Why a rate pack could not be loaded. Every variant names the file, and
/// where it can, the line and field.
#[derive(Debug, thiserror::Error)]
pub enum PackError {
    /// A pack file could not be read from disk.
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    /// The manifest names a file the pack does not contain.
    #[error("{path}: file is missing from the pack")]
    MissingFile { path: PathBuf },
    /// The manifest is not valid TOML or does not match the format (an
    /// unknown key, a missing key, a wrong type).
    #[error("{at}: {message}")]
    Manifest { at: Location, message: String },
    /// The manifest parsed but a value is wrong.
    #[error("{at}: {field}: {message}")]
    Invalid { at: Location, field: String, message: String },
    /// A lookup table is malformed: bad header, bad number, duplicate key,
    /// a gap or an overlap between bands.
    #[error("{at}: {field}: {message}")]
    Table { at: Location, field: String, message: String },
}

/// Why a quote could not be rated by a pack that loaded fine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RatingError {
    /// The pack rates no coverage with this code.
    #[error("coverage `{coverage}` is not rated by pack {pack}")]
    UnknownCoverage { pack: String, coverage: String },
    /// A table has no row for the quote's value, for example a ZIP outside
    /// the pack's territories or a model year outside every band.
    #[error("{field}: `{value}` is not rated by table `{table}` of pack {pack}")]
    NotRated { pack: String, table: String, field: String, value: String },
}
