//! Everything that can go wrong in the workstation, each with a stable code.

use std::path::PathBuf;

use uw_policy::QuoteStatus;
use uw_rating::{InputErrors, PackError, RatingError, SelectError};

use crate::config::ConfigError;
use crate::key::KeyError;
use crate::recovery;
use crate::store::StoreError;
use crate::sync::SyncError;

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
    /// A document must name the insurer, and this workstation has never
    /// learnt it from its organisation's server.
    #[error("policy {policy_number}: the insurer's name is not known on this workstation; sync it once with the organization's server")]
    OrganisationUnknown { policy_number: String },
    /// A path the UI asked to open, print or show that is not a document
    /// this workstation saved in its documents folder.
    #[error("{path} is not a document saved in this workstation's documents folder")]
    NotASavedDocument { path: String },
    /// A saved document is no longer where it was saved.
    #[error("{} is no longer there", path.display())]
    SavedDocumentMissing { path: PathBuf },
    /// The computer's program for opening, showing or printing a file failed or is missing.
    #[error("{program}: {message}")]
    DesktopProgram { program: &'static str, message: String },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A bundled pack does not load or verify; the build is broken.
    #[error("bundled rate pack: {0}")]
    Pack(#[from] PackError),
    /// One field of a request is malformed.
    #[error("{field}: {message}")]
    InvalidInput { field: String, message: String },
    /// A sign-in through the organisation's identity provider did not come
    /// back: the browser was closed, the time ran out, or the provider said no.
    #[error("the sign-in through the identity provider did not finish: {message}")]
    SignInStopped { message: String },
    /// An update package was refused: its signature is not the vendor's, or
    /// it is not the package the server described. Nothing was kept.
    #[error("the update package was refused and not kept: {reason}")]
    UpdateRefused { reason: String },
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
            Self::Store(StoreError::CustomerNotFound { .. }) => "customer.not_found",
            Self::Store(StoreError::Status(_)) => "quote.status",
            Self::Store(StoreError::Expired { .. }) => "quote.expired",
            Self::Store(StoreError::StaleVersion { .. }) => "quote.stale",
            Self::Store(StoreError::ProductChanged { .. } | StoreError::BadFilter { .. } | StoreError::BadDraft { .. }) => "input.invalid",
            Self::Store(StoreError::DraftNotFound { .. }) => "draft.not_found",
            Self::Store(_) => "store.failed",
            Self::Pack(_) => "pack.invalid",
            Self::InvalidInput { .. } | Self::InvalidQuote(_) => "input.invalid",
            Self::SignInStopped { .. } => "sso.stopped",
            Self::UpdateRefused { .. } => "update.refused",
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
            Self::OrganisationUnknown { .. } => "organisation.unknown",
            Self::NotASavedDocument { .. } => "document.not_saved_here",
            Self::SavedDocumentMissing { .. } => "document.missing",
            Self::DesktopProgram { program: "lp", .. } => "document.print_failed",
            Self::DesktopProgram { .. } => "document.open_failed",
            Self::DocumentFile { .. } => "document.write",
            Self::AuditFile { .. } => "audit.file",
            Self::Recovery(_) => "key.recovery",
            Self::NoProposal { .. } => "quote.status",
            Self::Sync(e) => e.code(),
            Self::Internal { .. } => "internal",
        }
    }
}

impl From<SyncError> for WorkstationError {
    fn from(e: SyncError) -> Self {
        Self::Sync(Box::new(e))
    }
}
