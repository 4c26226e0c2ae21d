/*!
The desktop application's core, with no Tauri inside.

[`Workstation`] opens the encrypted [`Store`] with a key from its
[`KeySource`], verifies the bundled rate packs, rates and saves quotes, and
syncs with the server ([`sync`]). Its modules are named after the domain:
[`quotes`], [`policies`], [`rates`], [`desk`], [`sync`], [`console`]. The
Tauri shell (`src-tauri`) only adapts its commands to these calls, so
everything here is testable without a webview.

**Architecture invariant:** no silent fallbacks. A missing or locked keychain,
a wrong key, a store written by a newer version, an unrateable input: each is
a typed error with a stable [`WorkstationError::code`] for the UI.
*/

pub mod accounts;
pub mod backup;
mod config;
pub mod console;
mod dashboard;
pub mod desk;
mod error;
mod key;
pub mod notifications;
pub mod pii;
pub mod policies;
pub mod quotes;
pub mod rates;
pub mod recovery;
pub mod saved;
mod setup;
mod store;
pub mod support;
pub mod sync;
pub mod update;

/// The rating engine, for the types its results carry.
pub use uw_rating as rating;

use std::path::{Path, PathBuf};

use uw_rating::{LoadMode, PackError, PackFiles, PackRegistry, TrustedKeys};

pub use config::{ConfigError, WorkstationConfig, DEFAULT_SYNC_INTERVAL, STORE_FILE};
pub use console::{AuditQuery, AuditVerdict, ExportFile, SavedExport, SessionInfo};
pub use dashboard::{BookStats, Dashboard, PackSummary, WeekStats};
pub use error::WorkstationError;
pub use key::{KeyError, KeySource, StoreKey, DEFAULT_KEYCHAIN_SERVICE, DEVICE_KEYCHAIN_ACCOUNT, KEYCHAIN_ACCOUNT, KEY_LEN};
pub use policies::PolicyDocument;
pub use quotes::{
    AuditEvent, Contact, CoverageOption, DraftSummary, DriverLicense, ElectionOption, PlanOption, PolicySummary, QuickQuoteRequest,
    QuoteCursor, QuoteDetail, QuoteDraft, QuoteFilter, QuoteInput, QuoteOptions, QuoteOutcome, QuoteScreen, QuoteSummary, RatedQuote,
    RatingInfo, Recommendation, ValidInput, VersionInfo, VinInfo, ZipInfo, MAX_DRAFT_BYTES, QUICK_QUOTE_ASSUMPTIONS,
};
pub use store::{NewQuickQuote, OutboxEntry, RatingRecord, Store, StoreError, StoredQuickQuote, StoredRateDraft, MIGRATIONS};
pub use sync::{EnrollmentInfo, PullReport, PushReport, RetryPolicy, ServerProbe, SyncError, SyncIssue, SyncProgress, SyncReport};
pub use uw_policy::{QuoteNumber, QuoteStatus};
pub use uw_protocol::{
    AuditEntryPage, AuditEntryRecord, AuditKeys, AuditRange, CustomerErasure, CustomerMatch, DesktopVersions, DeviceRecord,
    IdentityProvider, IdentityProviderChange, LoginThrottle, PackKeyRecord, PendingApprovalKey, PolicyReferral, QuoteNumberBlock,
    RecoveryCodes, ReferralDecided, RetentionReport, RetentionRule, Role, SecondFactorPolicy, Secret, SsoCheckReport, SsoProvider,
    SsoRoleRule, SubjectRequest, SubjectRequestDesktop, TotpEnrollment, UserChange, UserInfo, UserRecord,
};

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
    /// The app's version, sent with every request (`uw-desktop-version`):
    /// the server refuses sync below its minimum.
    app_version: String,
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
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
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
