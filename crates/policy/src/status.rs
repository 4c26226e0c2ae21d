//! The quote status machine.
//!
//! ```text
//!            edit (new version)                 ┌──────────── approve ──► approved ─┐
//!   ┌──────────────────────────────┐            │                                   │
//!   ▼                              │            │                                   ▼
//! draft ── rate ─┬─ accept ──► rated ──────────────────────────── request bind ─► bind requested ─┬─► bound
//!                ├─ refer ───► referred ─── decline ──► declined                                  └─► bind rejected
//!                └─ decline ─► declined
//! rated, referred, approved ── 30 days after rating ──► expired
//! ```
//!
//! Any status but `bind requested` and `bound` may be edited, which saves a
//! new version and returns the quote to `draft`; an expired quote is revived
//! that way, by re-rating it on the pack in force.

use std::fmt;
use std::str::FromStr;

use time::{Date, Duration};

/// How long a rated quote may be bound: it expires this many days after the
/// day it was rated.
pub const QUOTE_VALID_DAYS: i64 = 30;

/// The first day on which a quote rated on `rated_on` is expired. A quote
/// rated on 1 November may be bound through 30 November and is expired on
/// 1 December.
pub fn expiry_date(rated_on: Date) -> Date {
    rated_on.saturating_add(Duration::days(QUOTE_VALID_DAYS))
}

/// Where a quote is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum QuoteStatus {
    Draft,
    Rated,
    Referred,
    Approved,
    Declined,
    BindRequested,
    Bound,
    BindRejected,
    Expired,
}

/// What happens to a quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuoteEvent {
    /// Its input changed: a new version, not yet rated.
    Edited,
    /// The engine rated it and its underwriting rules accepted it.
    RatedAccepted,
    /// The engine rated it and a rule referred it to an underwriter.
    RatedReferred,
    /// The engine rated it and a rule declined it.
    RatedDeclined,
    /// An underwriter approved the referral.
    Approved,
    /// An underwriter declined the referral.
    Declined,
    /// The agent asked the server to bind it.
    BindRequested,
    /// The server bound it and issued a policy.
    BindAccepted,
    /// The server refused to bind it.
    BindRejected,
    /// Its 30 days ran out.
    Expired,
}

impl QuoteStatus {
    pub const ALL: [Self; 9] = [
        Self::Draft,
        Self::Rated,
        Self::Referred,
        Self::Approved,
        Self::Declined,
        Self::BindRequested,
        Self::Bound,
        Self::BindRejected,
        Self::Expired,
    ];

    /// The stored and wire name.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Rated => "rated",
            Self::Referred => "referred",
            Self::Approved => "approved",
            Self::Declined => "declined",
            Self::BindRequested => "bind_requested",
            Self::Bound => "bound",
            Self::BindRejected => "bind_rejected",
            Self::Expired => "expired",
        }
    }

    /// The status after `event`, or why the event cannot happen now.
    pub fn apply(self, event: QuoteEvent) -> Result<Self, StatusError> {
        use QuoteEvent as E;
        use QuoteStatus as S;
        let next = match (self, event) {
            (S::BindRequested | S::Bound, E::Edited) => None,
            (_, E::Edited) => Some(S::Draft),
            (S::Draft, E::RatedAccepted) => Some(S::Rated),
            (S::Draft, E::RatedReferred) => Some(S::Referred),
            (S::Draft, E::RatedDeclined) => Some(S::Declined),
            (S::Referred, E::Approved) => Some(S::Approved),
            (S::Referred, E::Declined) => Some(S::Declined),
            (S::Rated | S::Approved, E::BindRequested) => Some(S::BindRequested),
            (S::BindRequested, E::BindAccepted) => Some(S::Bound),
            (S::BindRequested, E::BindRejected) => Some(S::BindRejected),
            (S::Rated | S::Referred | S::Approved, E::Expired) => Some(S::Expired),
            _ => None,
        };
        next.ok_or(StatusError { from: self, event })
    }

    /// Whether a quote in this status can expire (it has a rating an agent
    /// could still bind or have approved).
    pub const fn can_expire(self) -> bool {
        matches!(self, Self::Rated | Self::Referred | Self::Approved)
    }
}

impl fmt::Display for QuoteStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for QuoteStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|st| st.name() == s)
            .ok_or_else(|| format!("`{s}` is not a quote status; expected one of {}", Self::ALL.map(Self::name).join(", ")))
    }
}

/// An event that cannot happen in the quote's current status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a quote that is {from} cannot be {}", event_text(*event))]
pub struct StatusError {
    pub from: QuoteStatus,
    pub event: QuoteEvent,
}

fn event_text(event: QuoteEvent) -> &'static str {
    match event {
        QuoteEvent::Edited => "edited",
        QuoteEvent::RatedAccepted | QuoteEvent::RatedReferred | QuoteEvent::RatedDeclined => "rated",
        QuoteEvent::Approved => "approved",
        QuoteEvent::Declined => "declined",
        QuoteEvent::BindRequested => "sent for binding",
        QuoteEvent::BindAccepted => "bound",
        QuoteEvent::BindRejected => "refused binding",
        QuoteEvent::Expired => "expired",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;
    use QuoteEvent as E;
    use QuoteStatus as S;

    #[test]
    fn the_happy_paths() {
        let bound = S::Draft.apply(E::RatedAccepted).and_then(|s| s.apply(E::BindRequested)).and_then(|s| s.apply(E::BindAccepted));
        assert_eq!(bound, Ok(S::Bound));
        let referred_then_bound = S::Draft
            .apply(E::RatedReferred)
            .and_then(|s| s.apply(E::Approved))
            .and_then(|s| s.apply(E::BindRequested))
            .and_then(|s| s.apply(E::BindRejected));
        assert_eq!(referred_then_bound, Ok(S::BindRejected));
    }

    #[test]
    fn a_referral_cannot_be_bound_until_approved() {
        assert_eq!(S::Referred.apply(E::BindRequested), Err(StatusError { from: S::Referred, event: E::BindRequested }));
        assert_eq!(
            S::Declined.apply(E::BindRequested).map_err(|e| e.to_string()),
            Err("a quote that is declined cannot be sent for binding".into())
        );
        assert_eq!(S::Draft.apply(E::BindRequested), Err(StatusError { from: S::Draft, event: E::BindRequested }));
        assert_eq!(S::Expired.apply(E::BindRequested), Err(StatusError { from: S::Expired, event: E::BindRequested }));
    }

    #[test]
    fn a_quote_sent_for_binding_is_frozen() {
        for status in [S::BindRequested, S::Bound] {
            assert_eq!(status.apply(E::Edited), Err(StatusError { from: status, event: E::Edited }));
            assert_eq!(status.apply(E::Expired), Err(StatusError { from: status, event: E::Expired }));
        }
        for status in [S::Draft, S::Rated, S::Referred, S::Approved, S::Declined, S::BindRejected, S::Expired] {
            assert_eq!(status.apply(E::Edited), Ok(S::Draft));
        }
    }

    #[test]
    fn only_open_ratings_expire() {
        for status in S::ALL {
            assert_eq!(status.apply(E::Expired).is_ok(), status.can_expire(), "{status}");
        }
    }

    #[test]
    fn expiry_is_thirty_days_after_rating() {
        assert_eq!(expiry_date(date!(2026 - 11 - 01)), date!(2026 - 12 - 01));
        assert_eq!(expiry_date(date!(2026 - 12 - 15)), date!(2027 - 01 - 14));
        assert_eq!(expiry_date(date!(2028 - 02 - 10)), date!(2028 - 03 - 11));
    }

    #[test]
    fn names_round_trip() {
        for status in S::ALL {
            assert_eq!(status.name().parse::<S>(), Ok(status));
        }
        assert!("bindrequested".parse::<S>().is_err());
    }
}
