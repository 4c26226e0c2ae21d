//! A policy's file: where it stands, its timeline and the changes prepared here.

use serde::Serialize;
use ts_rs::TS;
use uw_workstation::policies::{Policy, PolicyChange, PolicyEvent, PolicyFile, PreparedChange, Worksheet, WorksheetLine};
use uw_workstation::QuoteInput;

use crate::quotes::RatingView;

/// A policy: where it stands, its timeline from the server and the changes
/// prepared on this workstation.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PolicyView {
    pub policy_number: String,
    /// `issued` or `cancelled`, as the server last reported.
    pub status: String,
    /// The newest version the server reported.
    pub policy_version: u32,
    /// Decimal text: the premium with fees.
    pub premium: String,
    /// The policy as a new change starts from it: the server's version with
    /// the changes waiting to sync on top. `None` until sync brings the
    /// server's latest version.
    pub working: Option<Policy>,
    /// The rating input in force, for an endorsement to start from.
    pub input: Option<QuoteInput>,
    pub timeline: Vec<PolicyEventView>,
    pub changes: Vec<PolicyChangeView>,
    /// When the server's detail was fetched, if ever.
    pub fetched_at: Option<String>,
}

impl From<PolicyFile> for PolicyView {
    fn from(file: PolicyFile) -> Self {
        let stored = file.stored;
        Self {
            fetched_at: stored.detail.as_ref().map(|(_, at)| at.clone()),
            policy_number: stored.policy_number,
            status: stored.status,
            policy_version: stored.policy_version,
            premium: stored.premium,
            working: file.working,
            input: file.input,
            timeline: file.timeline.into_iter().map(PolicyEventView::from).collect(),
            changes: file.changes.into_iter().map(PolicyChangeView::from).collect(),
        }
    }
}

/// One transaction in the server's timeline, with its audit entry.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PolicyEventView {
    pub version: u32,
    pub kind: String,
    pub effective_date: String,
    /// Decimal text: charged (positive) or returned (negative).
    pub amount: String,
    pub lines: Vec<WorksheetLine>,
    pub recorded_at: String,
    pub by: String,
    /// The audit log entry that records it.
    #[ts(type = "number | null")]
    pub log_index: Option<u64>,
}

impl From<PolicyEvent> for PolicyEventView {
    fn from(e: PolicyEvent) -> Self {
        // A worksheet this version cannot read is said so, never shown as empty.
        let lines = serde_json::from_value::<Worksheet>(e.worksheet)
            .map(|w| w.lines)
            .unwrap_or_else(|err| vec![WorksheetLine { label: "Worksheet".into(), value: format!("cannot be shown: {err}") }]);
        Self {
            version: e.version,
            kind: e.kind,
            effective_date: e.effective_date,
            amount: e.amount.to_string(),
            lines,
            recorded_at: e.recorded_at,
            by: e.by,
            log_index: e.log_index,
        }
    }
}

/// A change prepared on this workstation and what the server said.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PolicyChangeView {
    #[ts(type = "number")]
    pub id: i64,
    pub base_version: u32,
    pub kind: String,
    pub effective_date: String,
    pub amount: String,
    pub description: String,
    pub worksheet: Worksheet,
    pub prepared_at: String,
    /// `accepted`, `rejected` or `conflict`; `None` while it waits to sync.
    pub outcome: Option<String>,
}

impl From<PolicyChange> for PolicyChangeView {
    fn from(c: PolicyChange) -> Self {
        Self {
            id: c.id,
            base_version: c.base_version,
            kind: c.kind,
            effective_date: c.effective_date,
            amount: c.amount.to_string(),
            description: c.description,
            worksheet: c.worksheet,
            prepared_at: c.prepared_at,
            outcome: c.outcome,
        }
    }
}

/// A change worked out for review, not yet queued.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PolicyChangePreviewView {
    pub base_version: u32,
    pub before: Policy,
    pub after: Policy,
    pub worksheet: Worksheet,
    pub description: String,
    /// The rating of an endorsement or a renewal offer.
    pub rating: Option<RatingView>,
}

impl From<PreparedChange> for PolicyChangePreviewView {
    fn from(p: PreparedChange) -> Self {
        Self {
            base_version: p.base_version,
            before: p.before,
            after: p.applied.policy,
            worksheet: p.applied.worksheet,
            description: p.description,
            rating: p.rating.as_ref().map(RatingView::from),
        }
    }
}
