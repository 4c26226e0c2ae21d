//! Rate management on an underwriter's workstation: edit a pack in force
//! into a draft, see its diff and its impact on a book, submit it, and
//! approve or reject other underwriters' drafts, signing an approval with
//! this user's own approval key from the keychain.
//!
//! Drafts and decisions are kept in the encrypted store and delivered by the
//! next sync ([`Workstation::sync_rate_changes`]), so an underwriter can
//! work offline. The server checks everything again: it compiles the draft,
//! refuses the author's own decision, and verifies the approval's signature
//! against the key an administrator registered to the approver.
//!
//! **Invariant:** the desktop never signs a draft its own user wrote; the
//! server would refuse it, and the schema forbids it.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use time::OffsetDateTime;
use uw_protocol::{BookPage, PackDraft, PackDraftDecision, Role, SubmitPackDraft};
use uw_rating::impact::{impact, BookPolicy, ImpactControl, ImpactFailure, ImpactGroup, ImpactReport};
use uw_rating::pack::digest::{self, SIGNATURE_FILE};
use uw_rating::pack::edit::{diff, manifest_fields, table_grids, DraftEdits, ManifestField, PackDiff, Problem, TableGrid};
use uw_rating::{LoadMode, PackFiles, RatePack};

use crate::store::StoredRateDraft;
use crate::sync::{Replay, Server, SyncError};
use crate::{StoreKey, Workstation, WorkstationError};

/// A pack opened in the rate editor.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct EditorPack {
    pub pack_id: String,
    pub fields: Vec<ManifestField>,
    pub tables: Vec<TableGrid>,
}

/// What the editor shows after each edit: the loader's verdict on the draft
/// and how it differs from its base.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct DraftCheck {
    /// The draft's id (`name/version@digest`) when it loads.
    pub pack_id: Option<String>,
    /// The loader's error, placed in the grid; none when the draft loads.
    pub problem: Option<Problem>,
    pub diff: PackDiff,
}

/// Which book an impact run re-rates.
#[derive(Debug, Clone)]
pub enum BookSource {
    /// The latest version of every quote in this store.
    Local,
    /// The server's in-force book of the pack's state and product.
    Server,
    /// A canonical book file (`uw book import` writes one from a legacy dump).
    File(PathBuf),
    /// Policies given by the caller.
    Given(Vec<BookPolicy>),
}

/// Everything an impact run needs, gathered so the run itself holds no
/// lock on the workstation: a million policies take seconds.
#[derive(Debug)]
pub struct ImpactRun {
    pub base: RatePack,
    pub draft: RatePack,
    pub book: Vec<BookPolicy>,
    /// The book's policies not in force, left out of it.
    pub not_in_force: u64,
}

impl ImpactRun {
    pub fn run(&self, cancel: &AtomicBool, progress: &(dyn Fn(u64, u64) + Sync)) -> Result<ImpactReport, WorkstationError> {
        let mut report = impact(&self.base, &self.draft, &self.book, &ImpactControl { cancel, progress })?;
        report.not_in_force = self.not_in_force;
        Ok(report)
    }
}

/// A canonical book file as impact analysis reads it: its policies in
/// force (a rate change does not price cancelled or expired ones), and how
/// many it left out. A policy whose rating input does not validate cannot
/// be in a book `read_book` accepts.
pub fn read_book_file(path: &Path) -> Result<(Vec<BookPolicy>, u64), WorkstationError> {
    let file = std::fs::File::open(path).map_err(|source| WorkstationError::BookFile { path: path.to_owned(), source })?;
    let policies =
        uw_policy::read_book(std::io::BufReader::new(file)).map_err(|source| WorkstationError::Book { path: path.to_owned(), source })?;
    let all = policies.len();
    let book = policies
        .into_iter()
        .filter(|p| p.status == uw_policy::CanonicalStatus::InForce)
        .map(|p| {
            let quote = p.valid_rating().map_err(WorkstationError::InvalidQuote)?;
            Ok(BookPolicy { id: p.policy_number, quote })
        })
        .collect::<Result<Vec<_>, WorkstationError>>()?;
    let left_out = u64::try_from(all - book.len()).unwrap_or(u64::MAX);
    Ok((book, left_out))
}

/// The path of the book `file_name` in `dir`: a plain `.jsonl` file name,
/// so the UI cannot name a file elsewhere.
pub fn book_in(dir: &Path, file_name: &str) -> Result<PathBuf, WorkstationError> {
    let plain = file_name.len() > ".jsonl".len()
        && file_name.ends_with(".jsonl")
        && !file_name.starts_with('.')
        && !file_name.contains(['/', '\\', ':']);
    if !plain {
        return Err(invalid("file_name", format!("`{file_name}` is not the name of a .jsonl book in the Books folder")));
    }
    Ok(dir.join(file_name))
}

/// The canonical books (`*.jsonl`) in `dir`, by name; none when it does not exist.
pub fn book_files(dir: &Path) -> Result<Vec<(String, u64)>, WorkstationError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(WorkstationError::BookFile { path: dir.to_owned(), source }),
    };
    let mut books = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| WorkstationError::BookFile { path: dir.to_owned(), source })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".jsonl") {
            let bytes = entry.metadata().map_err(|source| WorkstationError::BookFile { path: entry.path(), source })?.len();
            books.push((name, bytes));
        }
    }
    books.sort();
    Ok(books)
}

/// What sync did for rate management.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RateSyncReport {
    pub drafts_sent: usize,
    pub decisions_sent: usize,
    /// Decisions the server refused; each is back with its underwriter, with the reason.
    pub decisions_refused: Vec<String>,
    pub drafts_decided: Vec<String>,
    pub reviews: usize,
}

fn invalid(field: &str, message: impl Into<String>) -> WorkstationError {
    WorkstationError::InvalidInput { field: field.into(), message: message.into() }
}

impl Workstation {
    fn signed_in(&self) -> Result<uw_protocol::UserInfo, WorkstationError> {
        Ok(self.store.sync_enrollment()?.ok_or(SyncError::NotEnrolled)?.user)
    }

    fn require_underwriter(&self) -> Result<uw_protocol::UserInfo, WorkstationError> {
        let user = self.signed_in()?;
        if user.role != Role::Underwriter {
            return Err(WorkstationError::Forbidden {
                message: format!("rate changes are an underwriter's work, and {} is {}", user.username, user.role.name()),
            });
        }
        Ok(user)
    }

    /// The files of an installed pack (bundled or synced).
    pub fn pack_files(&self, pack_id: &str) -> Result<PackFiles, WorkstationError> {
        let not_installed = || WorkstationError::PackNotInstalled { pack_id: pack_id.to_owned() };
        let pack = self.packs.by_id(pack_id).ok_or_else(not_installed)?;
        // The editor asks on every keystroke: digest only the bundled
        // directory named after the pack.
        for (dir, files) in crate::bundled::BUNDLED_PACKS.iter().filter(|(dir, _)| *dir == pack.info().name) {
            let named = files.iter().map(|(name, text)| ((*name).to_owned(), (*text).to_owned()));
            let pack_files = PackFiles::from_files(format!("rate-packs/{dir}"), named);
            if digest::digest(&pack_files) == pack.digest() {
                return Ok(pack_files);
            }
        }
        self.store.synced_packs()?.into_iter().find(|(id, _)| id == pack_id).map(|(_, files)| files).ok_or_else(not_installed)
    }

    /// Opens an installed pack in the rate editor: its editable manifest
    /// values and its tables.
    pub fn open_pack_for_editing(&self, pack_id: &str) -> Result<EditorPack, WorkstationError> {
        self.require_underwriter()?;
        let files = self.pack_files(pack_id)?;
        let problem = |e: uw_rating::PackError| WorkstationError::PackDraftInvalid { problem: Box::new(Problem::locate(&e, &files)) };
        Ok(EditorPack {
            pack_id: pack_id.to_owned(),
            fields: manifest_fields(&files).map_err(problem)?,
            tables: table_grids(&files).map_err(problem)?,
        })
    }

    /// Applies `edits` to the base and runs the loader: what the editor shows
    /// as the user types.
    pub fn check_rate_draft(&self, base_pack_id: &str, edits: &DraftEdits) -> Result<DraftCheck, WorkstationError> {
        let base = self.pack_files(base_pack_id)?;
        let draft = edits.apply(&base)?;
        let (pack_id, problem) = match uw_rating::compile(&draft, LoadMode::Draft) {
            Ok(pack) => (Some(pack.id().to_owned()), None),
            Err(e) => (None, Some(Problem::locate(&e, &draft))),
        };
        Ok(DraftCheck { pack_id, problem, diff: diff(&base, &draft) })
    }

    /// Saves a draft (a new one when `draft_id` is none). It must load, and
    /// carry a new version; a submitted draft can no longer change.
    pub fn save_rate_draft(
        &mut self,
        draft_id: Option<&str>,
        base_pack_id: &str,
        edits: &DraftEdits,
        note: &str,
        now: OffsetDateTime,
    ) -> Result<StoredRateDraft, WorkstationError> {
        let user = self.require_underwriter()?;
        let base_files = self.pack_files(base_pack_id)?;
        let files = edits.apply(&base_files)?;
        let pack = uw_rating::compile(&files, LoadMode::Draft)
            .map_err(|e| WorkstationError::PackDraftInvalid { problem: Box::new(Problem::locate(&e, &files)) })?;
        let base = self.packs.by_id(base_pack_id).ok_or_else(|| WorkstationError::PackNotInstalled { pack_id: base_pack_id.to_owned() })?;
        if pack.info().version == base.info().version {
            return Err(invalid("version", format!("give the draft a new version; {} is the base's", base.info().version)));
        }
        let draft_id = match draft_id {
            Some(id) => {
                let existing = self.store.rate_draft(id)?.ok_or_else(|| WorkstationError::RateDraftNotFound { draft_id: id.to_owned() })?;
                if existing.status != "editing" {
                    return Err(invalid("status", format!("draft {id} is {}; only a draft being edited can change", existing.status)));
                }
                id.to_owned()
            }
            None => hex::encode(&StoreKey::generate()?.as_bytes()[..12]),
        };
        let record = StoredRateDraft {
            draft_id: draft_id.clone(),
            base_pack_id: base_pack_id.to_owned(),
            edits: serde_json::to_value(edits).map_err(|e| invalid("edits", e.to_string()))?,
            files: files.files().clone(),
            pack_id: pack.id().to_owned(),
            digest: pack.digest().to_hex(),
            note: note.trim().to_owned(),
            author: user.username,
            status: "editing".into(),
            impact: None,
            submitted_at: None,
            sent_at: None,
            decided_by: None,
            comment: None,
            updated_at: String::new(),
        };
        self.store.save_rate_draft(&record, now)?;
        self.store.rate_draft(&draft_id)?.ok_or(WorkstationError::RateDraftNotFound { draft_id })
    }

    /// This user's drafts, most recently changed first.
    pub fn rate_drafts(&self) -> Result<Vec<StoredRateDraft>, WorkstationError> {
        Ok(self.store.rate_drafts()?)
    }

    /// Throws away one of this user's drafts still being edited. A draft
    /// already submitted is the approvers' to decide and stays. Returns
    /// whether there was such a draft.
    pub fn discard_rate_draft(&mut self, draft_id: &str) -> Result<bool, WorkstationError> {
        self.require_underwriter()?;
        if self.store.discard_rate_draft(draft_id)? {
            return Ok(true);
        }
        match self.store.rate_draft(draft_id)? {
            None => Ok(false),
            Some(d) => Err(invalid("status", format!("draft {draft_id} is {}; only a draft being edited can be discarded", d.status))),
        }
    }

    /// The base and the draft pack of one of this user's drafts, or of a
    /// draft under review.
    pub fn rate_draft_packs(&self, draft_id: &str) -> Result<(RatePack, RatePack), WorkstationError> {
        let (base_id, files) = if let Some(d) = self.store.rate_draft(draft_id)? {
            (d.base_pack_id, d.files)
        } else if let Some((d, _)) = self.store.reviews()?.into_iter().find(|(d, _)| d.draft_id == draft_id) {
            (d.base_pack_id, d.files)
        } else {
            return Err(WorkstationError::RateDraftNotFound { draft_id: draft_id.to_owned() });
        };
        let base = self.packs.by_id(&base_id).cloned().ok_or(WorkstationError::PackNotInstalled { pack_id: base_id })?;
        let pack_files = PackFiles::from_files(format!("draft/{draft_id}"), files.into_iter().filter(|(name, _)| name != SIGNATURE_FILE));
        let draft = uw_rating::compile(&pack_files, LoadMode::Draft)
            .map_err(|e| WorkstationError::PackDraftInvalid { problem: Box::new(Problem::locate(&e, &pack_files)) })?;
        Ok((base, draft))
    }

    /// The local book for a pack's state and product: the latest version of
    /// every quote in this store (bound quotes included).
    pub fn local_book(&self, pack: &RatePack) -> Result<Vec<BookPolicy>, WorkstationError> {
        let info = pack.info();
        let mut book = Vec::new();
        for (number, input) in self.store.latest_inputs(&info.state, info.product.name())? {
            let quote: uw_rating::Quote = serde_json::from_str(&input).map_err(|e| invalid("input", format!("{number}: {e}")))?;
            // A version still being completed does not rate; it is not part of the book.
            if let Ok(quote) = quote.validate() {
                book.push(BookPolicy { id: number, quote });
            }
        }
        Ok(book)
    }

    /// Re-rates a book with a draft's base and the draft.
    pub fn rate_draft_impact(
        &self,
        draft_id: &str,
        book: BookSource,
        cancel: &AtomicBool,
        progress: &(dyn Fn(u64, u64) + Sync),
    ) -> Result<ImpactReport, WorkstationError> {
        self.impact_run(draft_id, book)?.run(cancel, progress)
    }

    /// The packs and the book of an impact run on a draft.
    pub fn impact_run(&self, draft_id: &str, book: BookSource) -> Result<ImpactRun, WorkstationError> {
        self.require_underwriter()?;
        let (base, draft) = self.rate_draft_packs(draft_id)?;
        let (book, not_in_force) = match book {
            BookSource::Local => (self.local_book(&base)?, 0),
            BookSource::Server => (self.server_book(&base)?, 0),
            BookSource::File(path) => read_book_file(&path)?,
            BookSource::Given(policies) => (policies, 0),
        };
        Ok(ImpactRun { base, draft, book, not_in_force })
    }

    /// The server's in-force book of a pack's state and product, page by page.
    pub fn server_book(&self, pack: &RatePack) -> Result<Vec<BookPolicy>, WorkstationError> {
        let server = self.connect()?;
        let info = pack.info();
        let mut book = Vec::new();
        let mut after = String::new();
        loop {
            let page: BookPage =
                server.get(&format!("/v1/book?state={}&product={}&after={}", info.state, info.product.name(), urlencoding(&after)))?;
            for entry in page.policies {
                let quote = uw_rating::Quote::from_json(&entry.quote.to_string())
                    .and_then(uw_rating::Quote::validate)
                    .map_err(|e| invalid("book", format!("the server's policy {}: {e}", entry.policy_number)))?;
                book.push(BookPolicy { id: entry.policy_number, quote });
            }
            match page.next_after {
                Some(next) => after = next,
                None => return Ok(book),
            }
        }
    }

    /// Keeps an impact run's summary on this user's draft being edited, so
    /// submitting sends the impact the author last saw.
    pub fn record_rate_draft_impact(&mut self, draft_id: &str, report: &ImpactReport) -> Result<bool, WorkstationError> {
        Ok(self.store.record_rate_draft_impact(draft_id, &impact_summary(report))?)
    }

    /// How one of this user's drafts, or a draft under review, differs from its base.
    pub fn rate_draft_diff(&self, draft_id: &str) -> Result<PackDiff, WorkstationError> {
        let (base_id, files) = if let Some(d) = self.store.rate_draft(draft_id)? {
            (d.base_pack_id, d.files)
        } else if let Some((d, _)) = self.store.reviews()?.into_iter().find(|(d, _)| d.draft_id == draft_id) {
            (d.base_pack_id, d.files)
        } else {
            return Err(WorkstationError::RateDraftNotFound { draft_id: draft_id.to_owned() });
        };
        let base = self.pack_files(&base_id)?;
        let draft = PackFiles::from_files(format!("draft/{draft_id}"), files.into_iter().filter(|(name, _)| name != SIGNATURE_FILE));
        Ok(diff(&base, &draft))
    }

    /// Queues a draft for approval, with the impact summary the approver
    /// will see; the next sync delivers it.
    pub fn submit_rate_draft(
        &mut self,
        draft_id: &str,
        impact: Option<&ImpactReport>,
        now: OffsetDateTime,
    ) -> Result<StoredRateDraft, WorkstationError> {
        self.require_underwriter()?;
        let (_, draft) = self.rate_draft_packs(draft_id)?;
        self.refuse_same_day(&draft)?;
        let summary = impact.map(impact_summary);
        if !self.store.submit_rate_draft(draft_id, summary.as_ref(), now)? {
            return match self.store.rate_draft(draft_id)? {
                None => Err(WorkstationError::RateDraftNotFound { draft_id: draft_id.to_owned() }),
                Some(d) => Err(invalid("status", format!("draft {draft_id} is {} already", d.status))),
            };
        }
        self.store.rate_draft(draft_id)?.ok_or_else(|| WorkstationError::RateDraftNotFound { draft_id: draft_id.to_owned() })
    }

    /// A revision that would take effect the same day as a pack in force
    /// here is refused before it goes anywhere: the server would refuse it,
    /// and had it not, every quote of that state and product would stop.
    fn refuse_same_day(&self, draft: &RatePack) -> Result<(), WorkstationError> {
        match uw_rating::same_day_rival(self.packs.packs(), draft.id(), draft.info()) {
            Some(message) => Err(WorkstationError::PackSameDay { message }),
            None => Ok(()),
        }
    }

    /// This user's approval key, if made, and whether the server has
    /// registered it (as this workstation last heard).
    pub fn approval_key(&self) -> Result<Option<ApprovalKey>, WorkstationError> {
        let user = self.signed_in()?;
        let Some((key_id, public_key)) = self.store.approval_key(&user.username)? else { return Ok(None) };
        let registered = self.store.key_is_trusted(&key_id, &public_key)?;
        Ok(Some(ApprovalKey { key_id, public_key, registered }))
    }

    /// Makes this underwriter's approval key (the seed goes to the keychain,
    /// beside the store key) and asks the server to register it; an
    /// administrator approves the request on the Admin screen. Called again
    /// with the key made, it asks again (after a failed request).
    pub fn create_approval_key(&mut self, key_id: &str, now: OffsetDateTime) -> Result<ApprovalKey, WorkstationError> {
        let user = self.require_underwriter()?;
        let (key_id, public_key) = match self.store.approval_key(&user.username)? {
            Some(existing) => existing,
            None => {
                if key_id.is_empty() || key_id.len() > 64 || !key_id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b)) {
                    return Err(invalid("key_id", "a key id is letters, digits, `-`, `.` or `_`"));
                }
                let seed = StoreKey::generate()?;
                self.approval_source.store_new(&seed)?;
                let public = hex::encode(ed25519_dalek::SigningKey::from_bytes(seed.as_bytes()).verifying_key().as_bytes());
                self.store.save_approval_key(&user.username, key_id, &public, now)?;
                (key_id.to_owned(), public)
            }
        };
        if !self.store.key_is_trusted(&key_id, &public_key)? {
            let seed = self.approval_source.load()?.ok_or_else(|| WorkstationError::NoApprovalKey { username: user.username.clone() })?;
            let signing = ed25519_dalek::SigningKey::from_bytes(seed.as_bytes());
            let message = uw_protocol::approval_key_proof_message(&user.username, &key_id, &public_key);
            let proof = hex::encode(ed25519_dalek::Signer::sign(&signing, message.as_bytes()).to_bytes());
            let request = uw_protocol::ApprovalKeyRequest { key_id: key_id.clone(), public_key: public_key.clone(), proof };
            let server = self.connect()?;
            let _: uw_protocol::PendingApprovalKey = server.post("/v1/pack-keys/requests", &request, Replay::Safe)?;
        }
        let registered = self.store.key_is_trusted(&key_id, &public_key)?;
        Ok(ApprovalKey { key_id, public_key, registered })
    }

    /// Drafts by other underwriters awaiting review, as last synced, each
    /// with this user's decision if it is still waiting for sync.
    pub fn pack_reviews(&self) -> Result<Vec<(PackDraft, Option<PackDraftDecision>)>, WorkstationError> {
        Ok(self.store.reviews()?)
    }

    /// The review queue as the approver reads it: each draft with this
    /// user's decision waiting for sync, the server's refusal of their last
    /// one, and the author's impact summary. A summary that does not read is
    /// reported on its draft rather than failing the whole queue; the
    /// approver can run impact themselves.
    pub fn pack_review_queue(&self) -> Result<Vec<PackReview>, WorkstationError> {
        let mut queue = Vec::new();
        for (mut draft, decision) in self.pack_reviews()? {
            let refusal = self.pack_review_refusal(&draft.draft_id)?;
            let impact = draft
                .impact
                .take()
                .map(|v| serde_json::from_value::<ImpactSummary>(v).map_err(|e| format!("the author's impact summary does not read: {e}")))
                .transpose();
            queue.push(PackReview { draft, decision, refusal, impact });
        }
        Ok(queue)
    }

    /// Why the server refused this user's last decision on `draft_id`, if
    /// it did (the decision is back with them to make again).
    pub fn pack_review_refusal(&self, draft_id: &str) -> Result<Option<String>, WorkstationError> {
        Ok(self.store.decision_refusal(draft_id)?)
    }

    /// Approves (signing the draft's digest with this user's approval key)
    /// or rejects a draft under review; the next sync delivers the decision.
    /// The author of a draft cannot decide it.
    pub fn decide_pack_draft(&mut self, draft_id: &str, approve: bool, comment: &str, now: OffsetDateTime) -> Result<(), WorkstationError> {
        let user = self.require_underwriter()?;
        if self.store.rate_draft(draft_id)?.is_some() {
            return Err(WorkstationError::FourEyes {
                message: format!("{} wrote draft {draft_id}; another underwriter must approve or reject it", user.username),
            });
        }
        let (draft, decided) = self
            .store
            .reviews()?
            .into_iter()
            .find(|(d, _)| d.draft_id == draft_id)
            .ok_or_else(|| WorkstationError::RateDraftNotFound { draft_id: draft_id.to_owned() })?;
        if draft.author == user.username {
            return Err(WorkstationError::FourEyes {
                message: format!("{} wrote draft {draft_id}; another underwriter must approve or reject it", user.username),
            });
        }
        if decided.is_some() || draft.status != "submitted" {
            return Err(invalid("status", format!("draft {draft_id} is decided already")));
        }
        if !approve && comment.trim().is_empty() {
            return Err(invalid("comment", "say why the draft is rejected; the author reads it"));
        }
        let signature = if approve {
            let (key_id, public) = self
                .store
                .approval_key(&user.username)?
                .ok_or_else(|| WorkstationError::NoApprovalKey { username: user.username.clone() })?;
            let seed = self.approval_source.load()?.ok_or_else(|| WorkstationError::NoApprovalKey { username: user.username.clone() })?;
            let key = ed25519_dalek::SigningKey::from_bytes(seed.as_bytes());
            if hex::encode(key.verifying_key().as_bytes()) != public {
                return Err(WorkstationError::NoApprovalKey { username: user.username.clone() });
            }
            // An approval the server cannot check is refused here, before it queues.
            if !self.store.key_is_trusted(&key_id, &public)? {
                return Err(WorkstationError::ApprovalKeyNotRegistered { key_id });
            }
            // Sign what the files are, not what the server says they are.
            let files = PackFiles::from_files(
                format!("draft/{draft_id}"),
                draft.files.iter().filter(|(name, _)| *name != SIGNATURE_FILE).map(|(n, t)| (n.clone(), t.clone())),
            );
            let pack = uw_rating::compile(&files, LoadMode::Draft)
                .map_err(|e| WorkstationError::PackDraftInvalid { problem: Box::new(Problem::locate(&e, &files)) })?;
            if pack.digest().to_hex() != draft.digest {
                return Err(invalid(
                    "digest",
                    format!("draft {draft_id}'s files digest to {}, not the {} the server announced", pack.digest(), draft.digest),
                ));
            }
            self.refuse_same_day(&pack)?;
            Some(digest::sign(&pack.digest(), &key_id, &key))
        } else {
            None
        };
        let decision = PackDraftDecision { approve, comment: comment.trim().to_owned(), signature };
        if !self.store.queue_decision(draft_id, &decision, now)? {
            return Err(invalid("status", format!("draft {draft_id} is decided already")));
        }
        tracing::info!(draft_id, approve, "rate draft decision queued");
        Ok(())
    }

    /// Delivers queued drafts and decisions, then refreshes the review queue
    /// and this user's drafts' statuses. Only for underwriters; others skip.
    pub fn sync_rate_changes(&mut self, now: OffsetDateTime) -> Result<RateSyncReport, WorkstationError> {
        let server = self.connect()?;
        self.sync_rate_changes_with(&server, now)
    }

    pub(crate) fn sync_rate_changes_with(&mut self, server: &Server, now: OffsetDateTime) -> Result<RateSyncReport, WorkstationError> {
        let mut report = RateSyncReport::default();
        if self.signed_in()?.role != Role::Underwriter {
            return Ok(report);
        }
        for d in self.store.unsent_rate_drafts()? {
            let request = SubmitPackDraft {
                draft_id: d.draft_id.clone(),
                base_pack_id: d.base_pack_id.clone(),
                files: d.files.clone(),
                note: d.note.clone(),
                impact: d.impact.clone(),
            };
            let _: PackDraft = server.post("/v1/pack-drafts", &request, Replay::Safe)?;
            self.store.mark_rate_draft_sent(&d.draft_id, now)?;
            report.drafts_sent += 1;
        }
        for (d, decision) in self.store.reviews()? {
            let Some(decision) = decision else { continue };
            match server.post::<PackDraft>(&format!("/v1/pack-drafts/{}/decision", d.draft_id), &decision, Replay::OnlyIfUnprocessed) {
                Ok(_) => {}
                // Decided by someone else meanwhile, or our own answer was lost:
                // the refreshed list below says which.
                Err(SyncError::Refused { status: 409, code, .. }) if code == "pack.decided" => {}
                // Refused for itself (a key the server does not know, a
                // revision that now clashes): the decision comes back to the
                // underwriter with the reason, and the sync carries on.
                Err(SyncError::Refused { status, code, message }) if (400..500).contains(&status) && status != 401 => {
                    tracing::warn!(draft_id = %d.draft_id, %code, "rate draft decision refused");
                    self.store.decision_refused(&d.draft_id, &code, &message, now)?;
                    report.decisions_refused.push(d.draft_id.clone());
                    continue;
                }
                Err(e) => return Err(e.into()),
            }
            self.store.mark_decision_sent(&d.draft_id, now)?;
            report.decisions_sent += 1;
        }
        let all: Vec<PackDraft> = server.get("/v1/pack-drafts")?;
        let me = self.signed_in()?.username;
        for d in all.iter().filter(|d| d.author == me && d.status != "submitted") {
            if self.store.rate_draft(&d.draft_id)?.is_some_and(|mine| mine.status != d.status) {
                self.store.rate_draft_decided(d, now)?;
                report.drafts_decided.push(d.draft_id.clone());
            }
        }
        let queue: Vec<PackDraft> = all.into_iter().filter(|d| d.status == "submitted" && d.author != me).collect();
        report.reviews = queue.len();
        self.store.save_reviews(&queue, now)?;
        Ok(report)
    }
}

/// A draft by another underwriter in this user's review queue.
#[derive(Debug)]
pub struct PackReview {
    /// The draft as last synced (its `impact` taken out into `impact`).
    pub draft: PackDraft,
    /// This user's decision, waiting for sync.
    pub decision: Option<PackDraftDecision>,
    /// Why the server refused this user's last decision (it is theirs to make again).
    pub refusal: Option<String>,
    /// The author's impact run, or why its summary does not read.
    pub impact: Result<Option<ImpactSummary>, String>,
}

/// An underwriter's approval key as this workstation knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalKey {
    pub key_id: String,
    /// The Ed25519 public key, 64 hex digits.
    pub public_key: String,
    /// The server has announced it as trusted, and not revoked it.
    pub registered: bool,
}

/// Percent-encodes a query value (policy numbers are letters, digits and `-`,
/// but nothing here assumes it).
fn urlencoding(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// What an approver sees of the author's impact run: the whole report but
/// the worksheets of the largest increases (they run it again to see those).
/// It travels to the server as JSON in [`SubmitPackDraft::impact`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct ImpactSummary {
    pub base_pack: String,
    pub draft_pack: String,
    #[ts(type = "number")]
    pub policies: u64,
    #[ts(type = "number")]
    pub out_of_scope: u64,
    /// Cancelled or expired policies of the book, left out of the run.
    #[serde(default)]
    #[ts(type = "number")]
    pub not_in_force: u64,
    #[ts(type = "number")]
    pub rated: u64,
    #[ts(type = "number")]
    pub failed: u64,
    pub failures: Vec<ImpactFailure>,
    #[ts(type = "number")]
    pub increased: u64,
    #[ts(type = "number")]
    pub decreased: u64,
    #[ts(type = "number")]
    pub unchanged: u64,
    pub total: ImpactGroup,
    pub bands: Vec<ImpactGroup>,
    pub by_coverage: Vec<ImpactGroup>,
    pub by_territory: Vec<ImpactGroup>,
    pub largest_increases: Vec<IncreaseSummary>,
    /// The coverages the draft priced, when it changed only those; none
    /// when every policy was priced with both packs in full.
    #[serde(default)]
    pub repriced: Option<Vec<String>>,
}

/// One of the largest increases, without its worksheets.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct IncreaseSummary {
    pub id: String,
    #[ts(type = "string")]
    pub change: rust_decimal::Decimal,
    #[ts(type = "string | null")]
    pub change_pct: Option<rust_decimal::Decimal>,
}

impl From<&ImpactReport> for ImpactSummary {
    fn from(r: &ImpactReport) -> Self {
        Self {
            base_pack: r.base_pack.clone(),
            draft_pack: r.draft_pack.clone(),
            policies: r.policies,
            out_of_scope: r.out_of_scope,
            not_in_force: r.not_in_force,
            rated: r.rated,
            failed: r.failed,
            failures: r.failures.clone(),
            increased: r.increased,
            decreased: r.decreased,
            unchanged: r.unchanged,
            total: r.total.clone(),
            bands: r.bands.clone(),
            by_coverage: r.by_coverage.clone(),
            by_territory: r.by_territory.clone(),
            largest_increases: r
                .largest_increases
                .iter()
                .map(|c| IncreaseSummary { id: c.id.clone(), change: c.change, change_pct: c.change_pct })
                .collect(),
            repriced: r.repriced.clone(),
        }
    }
}

/// The summary as JSON, for the store and the server.
pub fn impact_summary(report: &ImpactReport) -> serde_json::Value {
    serde_json::to_value(ImpactSummary::from(report)).unwrap_or_default()
}
