//! Wizard drafts: the form as the agent left it, kept across restarts.

use time::OffsetDateTime;

use crate::quotes::model::{DraftSummary, QuoteDraft};
use crate::{Workstation, WorkstationError};

impl Workstation {
    /// Saves the wizard's form as draft `id`, or as a new draft.
    pub fn save_draft(&mut self, id: Option<i64>, draft: &QuoteDraft, now: OffsetDateTime) -> Result<DraftSummary, WorkstationError> {
        Ok(self.store.save_draft(id, draft, now)?)
    }

    /// A draft and its form.
    pub fn draft(&self, id: i64) -> Result<(DraftSummary, QuoteDraft), WorkstationError> {
        Ok(self.store.draft(id)?)
    }

    /// Every draft, most recently changed first.
    pub fn drafts(&self) -> Result<Vec<DraftSummary>, WorkstationError> {
        Ok(self.store.drafts()?)
    }

    /// The open draft editing quote `quote_id`, if any: editing resumes it.
    pub fn draft_for_quote(&self, quote_id: i64) -> Result<Option<i64>, WorkstationError> {
        Ok(self.store.draft_for_quote(quote_id)?)
    }

    /// Deletes a draft; returns whether it existed.
    pub fn discard_draft(&mut self, id: i64) -> Result<bool, WorkstationError> {
        Ok(self.store.discard_draft(id)?)
    }
}
