/*!
The desktop application's core, with no Tauri inside.

[`Workstation`] opens the encrypted [`Store`] with a key from its
[`KeySource`], verifies the bundled rate packs, rates and saves quotes, and
syncs with the server ([`sync`]). The Tauri shell (`src-tauri`) only adapts
its commands to these calls, so everything here is testable without a webview.

**Architecture invariant:** no silent fallbacks. A missing or locked keychain,
a wrong key, a store written by a newer version, an unrateable input: each is
a typed error with a stable [`WorkstationError::code`] for the UI.
*/

pub mod backup;
mod config;
pub mod console;
pub mod desk;
mod key;
pub mod pii;
pub mod policies;
mod policy_docs;
pub use policy_docs::PolicyDocument;
pub mod quoting;
pub mod rate_changes;
pub mod recovery;
mod services;
mod store;
pub mod sync;
pub mod wizard;

/// The rating engine, for the types its results carry.
pub use uw_rating as rating;

use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use serde::Serialize;
use time::Date;
use uw_rating::quote::{Address, Applicant, CoverageChoice, Driver, Vehicle, VehicleUse};
use uw_rating::refdata::zip;
use uw_rating::{InputErrors, LoadMode, PackError, PackFiles, PackRegistry, Product, Quote, Rating, RatingError, SelectError, TrustedKeys};

pub use config::{ConfigError, WorkstationConfig, STORE_FILE};
pub use console::{AuditVerdict, ExportFile, SavedExport, SessionInfo};
pub use key::{KeyError, KeySource, StoreKey, DEFAULT_KEYCHAIN_SERVICE, DEVICE_KEYCHAIN_ACCOUNT, KEYCHAIN_ACCOUNT, KEY_LEN};
pub use quoting::{
    AuditEvent, Contact, DraftSummary, DriverLicense, PolicySummary, QuoteCursor, QuoteDetail, QuoteDraft, QuoteFilter, QuoteInput,
    QuoteScreen, QuoteSummary, RatedQuote, RatingInfo, ValidInput, VersionInfo, MAX_DRAFT_BYTES,
};
pub use store::{NewQuickQuote, OutboxEntry, RatingRecord, Store, StoreError, StoredQuickQuote, StoredRateDraft, MIGRATIONS};
pub use sync::{EnrollmentInfo, PullReport, PushReport, RetryPolicy, SyncError, SyncIssue, SyncProgress, SyncReport};
pub use uw_policy::{QuoteNumber, QuoteStatus};
pub use uw_protocol::{
    AuditKeys, DeviceRecord, LoginThrottle, PackKeyRecord, PendingApprovalKey, PolicyReferral, QuoteNumberBlock, ReferralDecided, Role,
    Secret, UserChange, UserInfo, UserRecord,
};
pub use wizard::{CoverageOption, Dashboard, ElectionOption, PackSummary, PlanOption, QuoteOptions, Recommendation, VinInfo, ZipInfo};

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled_packs.rs"));
}

/// The keys whose pack signatures the desktop accepts: the organisation's
/// pack-signing keys fixed when the package was built (`scripts/package.sh`),
/// and in debug builds the development key too. A release build never
/// trusts the development key, whoever announces it. Keys the organisation
/// adds later arrive from its server over the authenticated sync channel.
pub fn trusted_keys() -> TrustedKeys {
    let mut keys = if cfg!(debug_assertions) { TrustedKeys::development() } else { TrustedKeys::new() };
    for (id, hex) in bundled::ORGANISATION_PACK_KEYS {
        if !may_trust_key(id, hex) {
            tracing::error!(key_id = id, "an organisation pack key fixed at packaging time is the development key; it is not trusted");
            continue;
        }
        // The build script checked the form; a key that is not a curve point is a packaging defect.
        if let Err(e) = keys.add_hex(id, hex) {
            tracing::error!(key_id = id, error = %e, "an organisation pack key fixed at packaging time is not usable");
        }
    }
    keys
}

/// Whether this build may trust a pack-signing key: a release build never
/// trusts the development key, whose private half is in the repository,
/// under its own id or any other (the key itself is compared).
pub fn may_trust_key(key_id: &str, public_key_hex: &str) -> bool {
    if cfg!(debug_assertions) {
        return true;
    }
    let development = TrustedKeys::development();
    let is_development = development.iter().any(|(id, key)| {
        id == key_id || hex::decode(public_key_hex.trim()).is_ok_and(|bytes| bytes.as_slice() == key.as_bytes().as_slice())
    });
    !is_development
}

/// The rate packs compiled into the application, each verified against
/// `trusted`. A pack signed by a key this build does not trust (the
/// development key, in a release build) is left out, with a warning: it
/// never prices. Any other problem with a bundled pack is an error.
pub fn bundled_packs(trusted: &TrustedKeys) -> Result<PackRegistry, PackError> {
    let mut packs = Vec::with_capacity(bundled::BUNDLED_PACKS.len());
    for (dir, files) in bundled::BUNDLED_PACKS {
        let signer = files
            .iter()
            .find(|(name, _)| *name == "SIGNATURE")
            .and_then(|(_, text)| text.lines().find_map(|l| l.strip_prefix("key-id: ")).map(str::trim));
        if let Some(key_id) = signer.filter(|id| !trusted.iter().any(|(trusted_id, _)| trusted_id == *id)) {
            tracing::warn!(pack = dir, key_id, "bundled pack refused: this build does not trust its signing key");
            continue;
        }
        let pack_files = PackFiles::from_files(format!("rate-packs/{dir}"), files.iter().map(|(n, t)| ((*n).to_owned(), (*t).to_owned())));
        packs.push(uw_rating::compile(&pack_files, LoadMode::Verified(trusted))?);
    }
    Ok(PackRegistry::new(packs))
}

/// A quick quote: a garaging ZIP and a model year. Everything else is one of
/// the [`QUICK_QUOTE_ASSUMPTIONS`], which the UI shows with the premium.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickQuoteRequest {
    pub zip: String,
    pub vehicle_year: i32,
}

/// What a quick quote assumes; shown to the agent beside the premium.
pub const QUICK_QUOTE_ASSUMPTIONS: &[&str] = &[
    "one driver, 40 years old, licensed 20 years, no violations or accidents",
    "the vehicle is used to commute, 12,000 miles a year, no anti-theft device",
    "only the coverages the state requires, at the lowest limits the rate pack offers",
    "a 12-month term, paid in full, effective today",
];

impl QuickQuoteRequest {
    /// The full quote these assumptions describe, effective `today`.
    pub fn to_quote(&self, registry: &PackRegistry, today: Date) -> Result<Quote, WorkstationError> {
        let state = zip::lookup(&self.zip)
            .map_err(|e| WorkstationError::InvalidInput { field: "zip".into(), message: e.to_string() })?
            .state
            .to_owned();
        let pack = registry.select(&state, Product::PersonalAuto, today, false)?;
        let coverages = pack
            .coverages()
            .filter(|c| c.required)
            .map(|c| CoverageChoice {
                code: c.code.to_owned(),
                limit: c.limits.first().cloned(),
                deductible: c.deductibles.first().cloned(),
                vehicles: None,
            })
            .collect();
        let years_ago = |n: i32| today.replace_year(today.year() - n).unwrap_or(today);
        Ok(Quote {
            product: Product::PersonalAuto,
            state: state.clone(),
            effective_date: today,
            term_months: 12,
            renewal: false,
            applicant: Applicant {
                name: "Quick quote".into(),
                address: Address { street: "(not given)".into(), city: "(not given)".into(), state, zip: self.zip.clone() },
            },
            drivers: vec![Driver {
                name: "Quick quote driver".into(),
                date_of_birth: years_ago(40),
                license_date: years_ago(20),
                violations: Vec::new(),
                accidents: Vec::new(),
                good_student: false,
                defensive_driving: false,
                course_date: None,
                excluded: false,
            }],
            vehicles: vec![Vehicle {
                vin: None,
                year: self.vehicle_year,
                make: None,
                model: None,
                usage: VehicleUse::Commute,
                annual_miles: 12_000,
                garaging_zip: self.zip.clone(),
                anti_theft: false,
                principal_driver: 0,
                cost_new: None,
            }],
            dwelling: None,
            coverages,
            prior_claims: Vec::new(),
            credit_tier: None,
            installment_plan: "pay-in-full".into(),
            elections: Vec::new(),
            prior_insurance: None,
            inception_date: None,
            payment_method: None,
        })
    }
}

/// A rated, saved quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuoteOutcome {
    pub quote_id: i64,
    pub pack_id: String,
    pub total: Decimal,
    pub rating: Rating,
    pub assumptions: &'static [&'static str],
}

/// The open workstation: its store and the packs it rates with.
#[derive(Debug)]
pub struct Workstation {
    store: Store,
    packs: PackRegistry,
    device_key: ed25519_dalek::SigningKey,
    /// How sync requests are retried.
    retry: RetryPolicy,
    /// The server console's signed-in session (memory only).
    session: Option<console::Session>,
    /// Where this user's approval key seed lives (made on request, for underwriters).
    approval_source: KeySource,
    /// The organisation CA (PEM) the sync server must present a certificate
    /// from (`UW_SERVER_CA`); `None` trusts the operating system's store.
    server_ca: Option<String>,
    /// Set when a sync found the server restored from a backup, until the
    /// sync's report tells the user.
    server_restored: bool,
}

impl Workstation {
    /// Opens the store named by `config`, creating it and its key on first
    /// use. An existing store whose key is missing is an error, never a
    /// reason to make a new key.
    pub fn open(config: &WorkstationConfig) -> Result<Self, WorkstationError> {
        Self::open_trusting(config, &trusted_keys())
    }

    /// [`Workstation::open`], accepting packs signed by `trusted` (benchmarks
    /// of release builds, which trust no development key by default).
    pub fn open_trusting(config: &WorkstationConfig, trusted: &TrustedKeys) -> Result<Self, WorkstationError> {
        let packs = bundled_packs(trusted)?;
        let server_ca = config.server_ca_pem()?;
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
        // The device key signs the outbox. Like the store key it is made
        // once, with the store; an existing store without it is an error.
        let device_source = config.key_source.device();
        let device_seed = match device_source.load()? {
            Some(seed) => seed,
            None if exists => return Err(WorkstationError::KeyMissing { path, source_name: device_source.to_string() }),
            None => {
                let seed = StoreKey::generate()?;
                device_source.store_new(&seed)?;
                seed
            }
        };
        // The recovery copy is written with the keys, before the store, so a
        // store never exists whose keys the organisation cannot recover.
        if let Some(recipient) = config.recovery_recipient()? {
            let copy = config.data_dir.join(recovery::RECOVERY_FILE);
            if !copy.exists() {
                let keys = recovery::RecoveredKeys { store_key: key.clone(), device_key: device_seed.clone() };
                recovery::write(&copy, &keys, &recipient)?;
            }
        }
        let mut store = Store::open(&path, &key)?;
        let bundled: Vec<&uw_rating::RatePack> = packs.packs().iter().collect();
        store.record_installed_packs(trusted, &bundled, time::OffsetDateTime::now_utc())?;
        // Packs pulled from the server join the bundled ones; packs signed
        // by a key the server revoked leave.
        let packs = sync::packs_in_force(packs, &store)?;
        Ok(Self {
            store,
            packs,
            device_key: ed25519_dalek::SigningKey::from_bytes(device_seed.as_bytes()),
            retry: RetryPolicy::default(),
            session: None,
            approval_source: config.key_source.approval(),
            server_ca,
            server_restored: false,
        })
    }

    /// Pins the sync server to this organisation CA (PEM), or (`None`) trusts
    /// the operating system's store, for enrollments and console sign-ins
    /// from now on. An enrolled device keeps the CA it enrolled with.
    pub fn set_server_ca(&mut self, pem: Option<String>) {
        self.server_ca = pem;
    }

    /// The public half of this device's outbox signing key.
    pub fn device_public_key(&self) -> ed25519_dalek::VerifyingKey {
        self.device_key.verifying_key()
    }

    /// The existing store's key, for maintenance (check, backup, restore).
    /// Never creates a key: no key is an error.
    pub fn existing_key(config: &WorkstationConfig) -> Result<StoreKey, WorkstationError> {
        config
            .key_source
            .load()?
            .ok_or_else(|| WorkstationError::KeyMissing { path: config.store_path(), source_name: config.key_source.to_string() })
    }

    /// Opens an existing store without loading packs or creating anything.
    pub fn open_existing_store(config: &WorkstationConfig) -> Result<Store, WorkstationError> {
        let path = config.store_path();
        if !path.is_file() {
            return Err(WorkstationError::DataDir {
                path,
                source: std::io::Error::new(std::io::ErrorKind::NotFound, "no workstation store here"),
            });
        }
        let key = Self::existing_key(config)?;
        Ok(Store::open(&path, &key)?)
    }

    /// The store underneath, for inspection.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The packs the workstation rates with.
    pub fn packs(&self) -> &PackRegistry {
        &self.packs
    }

    /// Builds a quick quote, rates it with the pack in force `today`, and saves it.
    pub fn quick_quote(&mut self, request: &QuickQuoteRequest, today: Date) -> Result<QuoteOutcome, WorkstationError> {
        let quote = request.to_quote(&self.packs, today)?.validate()?;
        let pack = self.packs.select(&quote.state, quote.product, quote.effective_date, quote.renewal)?;
        let rating = uw_rating::rate(pack, &quote)?;
        if rating.draft {
            return Err(WorkstationError::DraftPack { pack_id: rating.pack_id });
        }
        let worksheet_json = serde_json::to_string(&rating).map_err(|e| WorkstationError::Internal { message: e.to_string() })?;
        let (quote_id, _seq) = self.store.save_quick_quote_with_outbox(
            &NewQuickQuote {
                garaging_zip: request.zip.clone(),
                vehicle_year: request.vehicle_year,
                pack_id: rating.pack_id.clone(),
                premium: rating.total,
                worksheet_json,
            },
            &self.device_key,
        )?;
        Ok(QuoteOutcome { quote_id, pack_id: rating.pack_id.clone(), total: rating.total, rating, assumptions: QUICK_QUOTE_ASSUMPTIONS })
    }
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
    /// A bundled pack does not load or verify; the build is broken.
    #[error("bundled rate pack: {0}")]
    Pack(#[from] PackError),
    /// One field of a request is malformed.
    #[error("{field}: {message}")]
    InvalidInput { field: String, message: String },
    /// The quote built from the request is invalid.
    #[error("{0}")]
    InvalidQuote(#[from] InputErrors),
    /// The law requires the insured's signature on a coverage decision the
    /// quote does not record yet (a rejection, an offer, lower limits).
    #[error("{quote_number} cannot be bound until the insured signs what the law requires: {}", missing.join("; "))]
    UnsignedElections { quote_number: String, missing: Vec<String> },
    /// No pack (or more than one) is in force for the quote.
    #[error(transparent)]
    NoPack(Box<SelectError>),
    /// The pack cannot rate the quote.
    #[error(transparent)]
    Rating(Box<RatingError>),
    /// The pack in force is an unsigned draft, whose premiums are never final.
    #[error("pack {pack_id} is a draft; its premiums can be previewed but not saved")]
    DraftPack { pack_id: String },
    /// The version was never rated.
    #[error("quote {quote_id} version {version} has not been rated")]
    NotRated { quote_id: i64, version: u32 },
    /// The pack that rated a stored quote is no longer on this workstation.
    #[error("rate pack {pack_id} is not installed on this workstation")]
    PackNotInstalled { pack_id: String },
    /// Re-rating a stored version with its own pack gave a different worksheet.
    #[error("quote {quote_id} version {version} does not re-rate to its stored worksheet with {pack_id}; report this as a defect")]
    NotReproducible { quote_id: i64, version: u32, pack_id: String },
    /// Producing a document failed.
    #[error("document: {0}")]
    Document(#[from] uw_documents::DocumentError),
    /// A saved audit export could not be read.
    #[error("cannot read {}: {source}", path.display())]
    AuditFile { path: PathBuf, source: std::io::Error },
    /// A document could not be written to disk.
    #[error("cannot write {}: {source}", path.display())]
    DocumentFile { path: PathBuf, source: std::io::Error },
    /// No policy with this number is on this workstation (it learns of policies by syncing).
    #[error("no policy {policy_number} on this workstation; sync to receive it")]
    PolicyNotFound { policy_number: String },
    /// The server has a newer version of the policy than this workstation
    /// holds the detail of; a change must start from the server's latest.
    #[error("the server has version {version} of {policy_number} and this workstation has not received it yet; sync, then make the change again")]
    PolicyNeedsSync { policy_number: String, version: u32 },
    /// The lifecycle refused the change (a date, a window, a status).
    #[error(transparent)]
    Lifecycle(#[from] uw_policy::LifecycleError),
    /// The policy has no cancellation or non-renewal to give notice of.
    #[error("{policy_number} is neither cancelled nor non-renewed; there is no notice to print")]
    NoNotice { policy_number: String },
    /// The signed-in role may not do this.
    #[error("not allowed: {message}")]
    Forbidden { message: String },
    /// The author of a rate draft tried to decide it: another underwriter must.
    #[error("{message}")]
    FourEyes { message: String },
    /// No rate draft (or draft under review) has this id.
    #[error("no rate draft {draft_id} on this workstation")]
    RateDraftNotFound { draft_id: String },
    /// A rate draft does not load; the problem names the file, line and cell.
    #[error("the draft does not load: {}", problem.message)]
    PackDraftInvalid { problem: Box<uw_rating::pack::edit::Problem> },
    /// A rate draft's edits cannot be applied to its base.
    #[error("{0}")]
    PackEdit(#[from] uw_rating::pack::edit::EditError),
    /// This user has no approval key yet.
    #[error("{username} has no approval key on this workstation; create one and have an administrator register it")]
    NoApprovalKey { username: String },
    /// The server has not registered (or has revoked) this user's approval key.
    #[error("your approval key {key_id} is not registered with the sync server yet: an administrator approves it on the Admin screen; sync after that, then approve")]
    ApprovalKeyNotRegistered { key_id: String },
    /// A rate revision would take effect the same day as a pack in force.
    #[error("{message}")]
    PackSameDay { message: String },
    /// An impact run stopped.
    #[error(transparent)]
    Impact(#[from] uw_rating::impact::ImpactError),
    /// A book file for impact analysis cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    BookFile { path: PathBuf, source: std::io::Error },
    /// A book file is not a canonical book; the error names its line.
    #[error("{}: {source}", path.display())]
    Book { path: PathBuf, source: uw_policy::BookError },
    /// Only a quote with a live rating has a proposal.
    #[error("{quote_number} is {status}; only a rated, referred, approved or bind-requested quote has a proposal")]
    NoProposal { quote_number: String, status: QuoteStatus },
    /// The key recovery copy could not be written.
    #[error("key recovery copy: {0}")]
    Recovery(#[from] recovery::RecoveryError),
    /// Sync with the server failed.
    #[error(transparent)]
    Sync(Box<SyncError>),
    /// A bug: something that should not fail did.
    #[error("internal error: {message}")]
    Internal { message: String },
}

// Boxed: these carry several strings, and a small error keeps every
// `Result` in the desktop's command path small.
impl From<SelectError> for WorkstationError {
    fn from(e: SelectError) -> Self {
        Self::NoPack(Box::new(e))
    }
}

impl From<RatingError> for WorkstationError {
    fn from(e: RatingError) -> Self {
        Self::Rating(Box::new(e))
    }
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
            Self::Store(StoreError::Truncated { .. } | StoreError::Corrupt { .. }) => "store.corrupt",
            Self::Store(StoreError::QuoteNotFound { .. } | StoreError::QuoteNumberNotFound { .. }) => "quote.not_found",
            Self::Store(StoreError::Status(_)) => "quote.status",
            Self::Store(StoreError::Expired { .. }) => "quote.expired",
            Self::Store(StoreError::StaleVersion { .. }) => "quote.stale",
            Self::Store(StoreError::ProductChanged { .. } | StoreError::BadFilter { .. } | StoreError::BadDraft { .. }) => "input.invalid",
            Self::Store(StoreError::DraftNotFound { .. }) => "draft.not_found",
            Self::Store(_) => "store.failed",
            Self::Pack(_) => "pack.invalid",
            Self::InvalidInput { .. } | Self::InvalidQuote(_) => "input.invalid",
            Self::UnsignedElections { .. } => "quote.unsigned",
            Self::Rating(e) if matches!(**e, RatingError::Input(_)) => "input.invalid",
            Self::NoPack(_) => "rating.no_pack",
            Self::Rating(_) => "rating.failed",
            Self::DraftPack { .. } => "rating.draft_pack",
            Self::NotRated { .. } => "quote.not_rated",
            Self::PackNotInstalled { .. } => "rating.pack_not_installed",
            Self::NotReproducible { .. } => "rating.not_reproducible",
            Self::Document(_) => "document.failed",
            Self::PolicyNotFound { .. } => "policy.not_found",
            Self::PolicyNeedsSync { .. } => "policy.needs_sync",
            Self::Lifecycle(e) => e.code(),
            Self::Forbidden { .. } => "auth.forbidden",
            Self::FourEyes { .. } => "pack.four_eyes",
            Self::RateDraftNotFound { .. } => "pack.draft_not_found",
            Self::PackDraftInvalid { .. } | Self::PackEdit(_) => "pack.invalid",
            Self::NoApprovalKey { .. } => "pack.no_approval_key",
            Self::ApprovalKeyNotRegistered { .. } => "pack.approval_key_unregistered",
            Self::PackSameDay { .. } => "pack.same_day",
            Self::Impact(uw_rating::impact::ImpactError::Cancelled { .. }) => "impact.cancelled",
            Self::Impact(uw_rating::impact::ImpactError::DifferentLines { .. }) => "impact.different_lines",
            Self::BookFile { .. } => "impact.book_file",
            Self::Book { .. } => "impact.book_invalid",
            Self::NoNotice { .. } => "policy.no_notice",
            Self::DocumentFile { .. } => "document.write",
            Self::AuditFile { .. } => "audit.file",
            Self::Recovery(_) => "key.recovery",
            Self::NoProposal { .. } => "quote.status",
            Self::Sync(e) => e.code(),
            Self::Internal { .. } => "internal",
        }
    }
}

/// Writes `bytes` to `dir/name` by writing beside it and renaming, so a
/// failure never leaves half a file under the final name.
pub(crate) fn write_beside(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, WorkstationError> {
    let io = |path: &Path, source: std::io::Error| WorkstationError::DocumentFile { path: path.to_owned(), source };
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    let path = dir.join(name);
    let partial = dir.join(format!("{name}.partial"));
    std::fs::write(&partial, bytes).map_err(|e| io(&partial, e))?;
    std::fs::rename(&partial, &path).map_err(|e| io(&path, e))?;
    Ok(path)
}
