//! Enrollment, sync results and sync issues, and the first-launch choice.

use serde::Serialize;
use ts_rs::TS;
use uw_workstation::{EnrollmentInfo, QuoteNumber, SyncIssue, SyncReport, WorkstationError};

use crate::CommandError;

/// Whether this device is enrolled with a sync server. The device token
/// never leaves the workstation crate, so it cannot appear here.
#[derive(Debug, Serialize, TS)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum EnrollmentStatus {
    NotEnrolled,
    Enrolled(Box<EnrollmentView>),
}

/// This device's enrollment with a sync server. The device token never reaches the UI.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EnrollmentView {
    pub server_url: String,
    pub username: String,
    #[ts(type = "\"agent\" | \"underwriter\" | \"admin\" | \"auditor\"")]
    pub role: &'static str,
    pub device_id: String,
    pub device_name: String,
    /// The quote numbers this device hands out, in words: its own series
    /// (`QUOT-2026-00042-NNNNN`), or a first-scheme block.
    pub quote_numbers: String,
    /// The number the next new quote gets, or `None` when a block is used up.
    pub next_quote_number: Option<String>,
    pub enrolled_at: String,
    pub token_expires_at: String,
    /// The insurer's legal name (else the organisation's name), once a sync brought it.
    pub organisation: Option<String>,
}

impl TryFrom<EnrollmentInfo> for EnrollmentView {
    type Error = WorkstationError;

    fn try_from(e: EnrollmentInfo) -> Result<Self, WorkstationError> {
        // The workstation validated the numbers when it enrolled, so one
        // that does not format is a defect, not a user error.
        fn defect(err: impl std::fmt::Display) -> WorkstationError {
            WorkstationError::Internal { message: format!("stored quote numbers: {err}") }
        }
        let quote_numbers = match (e.device_number, e.quote_numbers) {
            (Some(device), _) => {
                let year = e.next_quote_number.map_or_else(|| time::OffsetDateTime::now_utc().year(), QuoteNumber::year);
                let first = QuoteNumber::for_device(year, device, 1).map_err(defect)?.to_string();
                let series = first.rsplit_once('-').map_or(first.as_str(), |(prefix, _)| prefix);
                format!("{series}-NNNNN, this device's own")
            }
            (None, Some(block)) => format!(
                "{} to {}",
                QuoteNumber::new(block.year, block.first).map_err(defect)?,
                QuoteNumber::new(block.year, block.last).map_err(defect)?
            ),
            (None, None) => String::new(),
        };
        Ok(Self {
            quote_numbers,
            next_quote_number: e.next_quote_number.map(|n| n.to_string()),
            server_url: e.server_url,
            username: e.user.username,
            role: e.user.role.name(),
            device_id: e.device_id,
            device_name: e.device_name,
            enrolled_at: e.enrolled_at,
            token_expires_at: e.token_expires_at,
            organisation: e.organisation,
        })
    }
}

/// What one "Sync now" (push, then pull) did.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "SyncResult")]
pub struct SyncResultView {
    /// Outbox operations the server answered for.
    pub delivered: usize,
    pub accepted: usize,
    pub duplicate: usize,
    pub rejected: usize,
    pub conflict: usize,
    pub policies_issued: Vec<String>,
    pub changes_pulled: usize,
    pub changes_applied: usize,
    pub changes_not_applied: usize,
    pub packs_installed: Vec<String>,
    /// Quotes made after this laptop was restored from a backup whose number
    /// the server already held: each got a new one (print its proposal again).
    pub renumbered: Vec<RenumberedQuote>,
    /// The sync server had been restored from a backup; this laptop carried
    /// on and sent again what the server had lost.
    pub server_restored: bool,
}

/// What one background sync did, sent to the window as the event
/// [`BACKGROUND_SYNC_EVENT`] after each attempt.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "outcome", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum BackgroundSyncEvent {
    /// The sync ran to the end.
    Synced { result: SyncResultView },
    /// The server did not answer; the next attempt is in `retry_in_seconds`.
    Unreachable {
        #[ts(type = "number")]
        retry_in_seconds: u64,
    },
    /// The sync failed; the next attempt is in `retry_in_seconds`.
    Failed {
        error: CommandError,
        #[ts(type = "number")]
        retry_in_seconds: u64,
    },
}

/// The event name of [`BackgroundSyncEvent`].
pub const BACKGROUND_SYNC_EVENT: &str = "background-sync";

/// A quote renumbered by a sync.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RenumberedQuote {
    pub was: String,
    pub now: String,
}

impl From<SyncReport> for SyncResultView {
    fn from(r: SyncReport) -> Self {
        Self {
            delivered: r.push.delivered,
            accepted: r.push.accepted,
            duplicate: r.push.duplicate,
            rejected: r.push.rejected,
            conflict: r.push.conflict,
            policies_issued: r.push.policies_issued,
            changes_pulled: r.pull.changes,
            changes_applied: r.pull.applied,
            changes_not_applied: r.pull.not_applied,
            packs_installed: r.pull.packs_installed,
            renumbered: r.push.renumbered.into_iter().map(|(was, now)| RenumberedQuote { was, now }).collect(),
            server_restored: r.server_restored,
        }
    }
}

/// Something sync could not do, for the agent to read and dismiss.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "SyncIssue")]
pub struct SyncIssueView {
    #[ts(type = "number")]
    pub id: i64,
    #[ts(type = "\"push\" | \"pull\"")]
    pub source: String,
    pub kind: String,
    pub subject: Option<String>,
    #[ts(type = "\"rejected\" | \"conflict\" | \"not_applied\"")]
    pub outcome: String,
    pub code: Option<String>,
    pub reason: String,
    pub current_version: Option<u32>,
    pub received_at: String,
    /// The quote on this device it is about, to open it from the issue.
    #[ts(type = "number | null")]
    pub quote_id: Option<i64>,
}

impl From<SyncIssue> for SyncIssueView {
    fn from(i: SyncIssue) -> Self {
        Self {
            id: i.id,
            source: i.source,
            kind: i.kind,
            subject: i.subject,
            outcome: i.outcome,
            code: i.code,
            reason: i.reason,
            current_version: i.current_version,
            received_at: i.received_at,
            quote_id: i.quote_id,
        }
    }
}

/// How the workstation was set up on its first launch.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SetupView {
    /// `null` until the agent chooses: the first-launch screen shows.
    #[ts(type = "\"offline\" | \"enrolled\" | null")]
    pub mode: Option<String>,
}
