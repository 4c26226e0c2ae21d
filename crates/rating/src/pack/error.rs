//! Why a rate pack could not be loaded, and where: the ground floor of the
//! pack module, which every stage of loading reports through.

use std::fmt;
use std::path::PathBuf;

/// A place in a pack file, shown as `path:line`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    pub line: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.path.display(), self.line)
    }
}

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
