//! What sync brought that the user should hear about: a policy issued or
//! changed, a referral decided (with the underwriter's note), a rate pack
//! installed, a rate draft approved or rejected, a change the server
//! refused. Sync writes each in the savepoint that applies the change, so
//! the user is told exactly what happened, once.

use serde::Serialize;
use time::OffsetDateTime;
use ts_rs::TS;

use crate::{Workstation, WorkstationError};

/// How many notifications the list keeps showing, newest first.
pub const NOTIFICATIONS_SHOWN: u32 = 100;

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// The server issued a policy for one of this device's quotes.
    PolicyIssued,
    /// A policy this device holds moved to a new version (an endorsement,
    /// a cancellation, a reinstatement made elsewhere).
    PolicyChanged,
    /// An underwriter approved a referred quote; the note says why.
    ReferralApproved,
    /// An underwriter declined a referred quote; the note says why.
    ReferralDeclined,
    /// A rate pack arrived and verified; quotes rate with it from its effective date.
    PackInstalled,
    /// Another underwriter approved this underwriter's rate draft.
    DraftApproved,
    /// Another underwriter rejected this underwriter's rate draft.
    DraftRejected,
    /// The server refused a change sent from here; the Sync screen says what to do.
    ChangeRefused,
}

impl NotificationKind {
    pub fn name(self) -> &'static str {
        match self {
            Self::PolicyIssued => "policy_issued",
            Self::PolicyChanged => "policy_changed",
            Self::ReferralApproved => "referral_approved",
            Self::ReferralDeclined => "referral_declined",
            Self::PackInstalled => "pack_installed",
            Self::DraftApproved => "draft_approved",
            Self::DraftRejected => "draft_rejected",
            Self::ChangeRefused => "change_refused",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        [
            Self::PolicyIssued,
            Self::PolicyChanged,
            Self::ReferralApproved,
            Self::ReferralDeclined,
            Self::PackInstalled,
            Self::DraftApproved,
            Self::DraftRejected,
            Self::ChangeRefused,
        ]
        .into_iter()
        .find(|k| k.name() == name)
    }
}

/// One notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Notification {
    #[ts(type = "number")]
    pub id: i64,
    pub kind: NotificationKind,
    /// A quote number, a policy number or a pack id.
    pub subject: String,
    /// The quote to open, when it is one of this device's.
    #[ts(type = "number | null")]
    pub quote_id: Option<i64>,
    /// The underwriter's note on a referral or a rate draft.
    pub note: Option<String>,
    pub created_at: String,
    pub read: bool,
}

/// The notifications and where sync stands, for the top bar and the sidebar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct Notifications {
    /// Newest first, at most [`NOTIFICATIONS_SHOWN`].
    pub items: Vec<Notification>,
    pub unread: u32,
    /// Unread notifications about quotes (referral decisions, policies issued).
    pub unread_quotes: u32,
    /// Sync issues the user has not dismissed.
    pub open_sync_issues: u32,
    /// When a sync last ran to the end.
    pub last_synced_at: Option<String>,
    /// The error code of the newest sync, when it failed after the last success.
    pub last_sync_error: Option<String>,
}

impl Workstation {
    pub fn notifications(&self) -> Result<Notifications, WorkstationError> {
        Ok(self.store.notifications(NOTIFICATIONS_SHOWN)?)
    }

    /// Marks every notification up to and including `up_to` read; returns how many changed.
    pub fn mark_notifications_read(&mut self, up_to: i64, now: OffsetDateTime) -> Result<usize, WorkstationError> {
        Ok(self.store.mark_notifications_read(up_to, now)?)
    }
}

#[cfg(test)]
mod tests {
    use super::NotificationKind;

    #[test]
    fn every_kind_reads_back_from_its_name() {
        for name in [
            "policy_issued",
            "policy_changed",
            "referral_approved",
            "referral_declined",
            "pack_installed",
            "draft_approved",
            "draft_rejected",
            "change_refused",
        ] {
            assert_eq!(NotificationKind::from_name(name).map(NotificationKind::name), Some(name));
        }
        assert_eq!(NotificationKind::from_name("policy_cancelled"), None);
    }
}
