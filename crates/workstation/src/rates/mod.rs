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

pub(crate) mod impact;
mod review;

use std::collections::BTreeMap;

use time::OffsetDateTime;
use uw_protocol::{PackDraft, Role, SubmitPackDraft};
use uw_rating::impact::ImpactReport;
use uw_rating::pack::digest::{self, SIGNATURE_FILE};
use uw_rating::pack::edit::{diff, manifest_fields, table_grids, DraftEdits, ManifestField, PackDiff, Problem, TableGrid};
use uw_rating::{LoadMode, PackFiles, RatePack};

use crate::store::StoredRateDraft;
use crate::sync::{Replay, Server, SyncError};
use crate::{StoreKey, Workstation, WorkstationError};

pub use impact::{book_files, book_in, impact_summary, read_book_file, BookSource, ImpactRun, ImpactSummary, IncreaseSummary};
pub use review::{ApprovalKey, PackReview};

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

    /// The base pack's id and the files of one of this user's drafts, or of
    /// a draft under review.
    fn draft_files(&self, draft_id: &str) -> Result<(String, BTreeMap<String, String>), WorkstationError> {
        if let Some(d) = self.store.rate_draft(draft_id)? {
            return Ok((d.base_pack_id, d.files));
        }
        match self.store.reviews()?.into_iter().find(|(d, _)| d.draft_id == draft_id) {
            Some((d, _)) => Ok((d.base_pack_id, d.files)),
            None => Err(WorkstationError::RateDraftNotFound { draft_id: draft_id.to_owned() }),
        }
    }

    /// The base and the draft pack of one of this user's drafts, or of a
    /// draft under review.
    pub fn rate_draft_packs(&self, draft_id: &str) -> Result<(RatePack, RatePack), WorkstationError> {
        let (base_id, files) = self.draft_files(draft_id)?;
        let base = self.packs.by_id(&base_id).cloned().ok_or(WorkstationError::PackNotInstalled { pack_id: base_id })?;
        let pack_files = PackFiles::from_files(format!("draft/{draft_id}"), files.into_iter().filter(|(name, _)| name != SIGNATURE_FILE));
        let draft = uw_rating::compile(&pack_files, LoadMode::Draft)
            .map_err(|e| WorkstationError::PackDraftInvalid { problem: Box::new(Problem::locate(&e, &pack_files)) })?;
        Ok((base, draft))
    }

    /// How one of this user's drafts, or a draft under review, differs from its base.
    pub fn rate_draft_diff(&self, draft_id: &str) -> Result<PackDiff, WorkstationError> {
        let (base_id, files) = self.draft_files(draft_id)?;
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
