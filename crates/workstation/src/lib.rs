/*!
The desktop application's core, with no Tauri inside.

[`Workstation`] opens the encrypted [`Store`] with a key from its
[`KeySource`], loads the bundled rate pack, and rates and saves quotes. The
Tauri shell (`src-tauri`) only adapts its commands to these calls, so
everything here is testable without a webview.

**Architecture invariant:** no silent fallbacks. A missing or locked keychain,
a wrong key, a store written by a newer version, an unrateable input: each is
a typed error with a stable [`WorkstationError::code`] for the UI.
*/

mod config;
mod key;
mod store;

use std::path::PathBuf;

use rust_decimal::Decimal;
use serde::Serialize;
use uw_rating::{PackError, PackFiles, RatePack, RatingError, RatingInput, WorksheetLine};

pub use config::{ConfigError, WorkstationConfig, STORE_FILE};
pub use key::{KeyError, KeySource, StoreKey, DEFAULT_KEYCHAIN_SERVICE, KEYCHAIN_ACCOUNT, KEY_LEN};
pub use store::{NewQuote, Store, StoreError, StoredQuote, MIGRATIONS};

/// The rate pack compiled into the application. Packs get their own signed,
/// selectable distribution with the rating engine; until then the desktop
/// carries exactly one.
pub fn bundled_pack() -> Result<RatePack, PackError> {
    let files = PackFiles::in_memory("rate-packs/ca-personal-auto")
        .with_file("manifest.toml", include_str!("../../../rate-packs/ca-personal-auto/manifest.toml"))
        .with_file("territory.csv", include_str!("../../../rate-packs/ca-personal-auto/territory.csv"))
        .with_file("model_year.csv", include_str!("../../../rate-packs/ca-personal-auto/model_year.csv"));
    uw_rating::compile(&files)
}

/// The coverage the walking skeleton quotes.
pub const SKELETON_COVERAGE: &str = "BI";

/// What the agent typed: a garaging ZIP and a vehicle's model year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteRequest {
    pub zip: String,
    pub vehicle_year: i32,
}

/// A rated, saved quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuoteOutcome {
    pub quote_id: i64,
    pub pack_id: String,
    pub coverage: String,
    pub premium: Decimal,
    pub worksheet: Vec<WorksheetLine>,
}

/// The open workstation: its store and the pack it rates with.
#[derive(Debug)]
pub struct Workstation {
    store: Store,
    pack: RatePack,
}

impl Workstation {
    /// Opens the store named by `config`, creating it and its key on first
    /// use. An existing store whose key is missing is an error, never a
    /// reason to make a new key.
    pub fn open(config: &WorkstationConfig) -> Result<Self, WorkstationError> {
        let pack = bundled_pack()?;
        std::fs::create_dir_all(&config.data_dir).map_err(|source| WorkstationError::DataDir { path: config.data_dir.clone(), source })?;
        let path = config.store_path();
        let exists = std::fs::metadata(&path).map(|m| m.len() > 0).unwrap_or(false);
        let key = match config.key_source.load()? {
            Some(key) => key,
            None if exists => return Err(WorkstationError::KeyMissing { path, source_name: config.key_source.to_string() }),
            None => {
                let key = StoreKey::generate()?;
                config.key_source.store_new(&key)?;
                key
            }
        };
        let store = Store::open(&path, &key)?;
        Ok(Self { store, pack })
    }

    /// The store underneath, for inspection.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Validates the request, rates it with the bundled pack and saves it.
    pub fn rate_and_save(&mut self, request: &QuoteRequest) -> Result<QuoteOutcome, WorkstationError> {
        validate(request)?;
        let input = RatingInput { garaging_zip: request.zip.clone(), vehicle_year: request.vehicle_year };
        let priced = uw_rating::price_coverage(&self.pack, SKELETON_COVERAGE, &input)?;
        let worksheet_json =
            serde_json_string(&priced.worksheet).map_err(|message| WorkstationError::Internal { message: message.to_string() })?;
        let quote_id = self.store.save_quote(&NewQuote {
            garaging_zip: request.zip.clone(),
            vehicle_year: request.vehicle_year,
            pack_id: priced.pack_id.clone(),
            premium: priced.premium,
            worksheet_json,
        })?;
        Ok(QuoteOutcome {
            quote_id,
            pack_id: priced.pack_id,
            coverage: priced.coverage,
            premium: priced.premium,
            worksheet: priced.worksheet,
        })
    }
}

fn serde_json_string(worksheet: &[WorksheetLine]) -> Result<String, serde_json::Error> {
    serde_json::to_string(worksheet)
}

fn validate(request: &QuoteRequest) -> Result<(), WorkstationError> {
    if request.zip.len() != 5 || !request.zip.bytes().all(|b| b.is_ascii_digit()) {
        return Err(WorkstationError::InvalidInput { field: "zip", message: format!("`{}` is not a five-digit ZIP code", request.zip) });
    }
    // 17-character VINs, and so the model years a pack can rate, start in 1981.
    if !(1981..=2100).contains(&request.vehicle_year) {
        return Err(WorkstationError::InvalidInput {
            field: "vehicle_year",
            message: format!("{} is not a model year between 1981 and 2100", request.vehicle_year),
        });
    }
    Ok(())
}

/// Everything that can go wrong in the workstation, each with a stable code.
#[derive(Debug, thiserror::Error)]
pub enum WorkstationError {
    /// The configuration is unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The data directory cannot be created.
    #[error("cannot create data directory {}: {source}", path.display())]
    DataDir { path: PathBuf, source: std::io::Error },
    /// The key source failed.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The store exists but its key is gone.
    #[error("{} exists but {source_name} holds no key for it; restore the key (or the key recovery copy) before opening the store", path.display())]
    KeyMissing { path: PathBuf, source_name: String },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The bundled pack does not load; the build is broken.
    #[error("bundled rate pack: {0}")]
    Pack(#[from] PackError),
    /// The request is malformed.
    #[error("{field}: {message}")]
    InvalidInput { field: &'static str, message: String },
    /// The pack cannot rate the request.
    #[error(transparent)]
    Rating(#[from] RatingError),
    /// A bug: something that should not fail did.
    #[error("internal error: {message}")]
    Internal { message: String },
}

impl WorkstationError {
    /// A stable, machine-readable code for the UI to switch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Config(_) => "config.invalid",
            Self::DataDir { .. } => "store.data_dir",
            Self::Key(KeyError::Keychain { .. }) => "key.keychain_unavailable",
            Self::Key(_) => "key.invalid",
            Self::KeyMissing { .. } => "key.missing",
            Self::Store(StoreError::WrongKey { .. }) => "store.wrong_key",
            Self::Store(StoreError::TooNew { .. }) => "store.too_new",
            Self::Store(_) => "store.failed",
            Self::Pack(_) => "pack.invalid",
            Self::InvalidInput { .. } => "input.invalid",
            Self::Rating(RatingError::NotRated { .. }) => "rating.not_rated",
            Self::Rating(_) => "rating.failed",
            Self::Internal { .. } => "internal",
        }
    }
}
