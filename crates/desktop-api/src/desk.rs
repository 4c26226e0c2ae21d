//! The underwriter's desk: referred quotes and referred policy changes.

use serde::Serialize;
use ts_rs::TS;
use uw_workstation::desk::ReferralCase;
use uw_workstation::rating::Quote;
use uw_workstation::{PolicyReferral, ReferralDecided};

use crate::quotes::RatingView;

/// A referred quote in the underwriter's queue, as the server reports it.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReferralView {
    pub quote_number: String,
    pub version: u32,
    pub agent: String,
    pub pack_id: String,
    /// The term premium, a decimal string.
    pub total: String,
    pub reasons: Vec<String>,
    /// The input re-rated here with the same pack: worksheet, risk reasons.
    pub rating: Option<RatingView>,
    /// Why it could not be re-rated here (the pack is not installed, say).
    pub rating_error: Option<String>,
    /// What the agent quoted, for the card's risk summary: the applicant,
    /// drivers with their violations, vehicles or dwelling, prior claims.
    /// `None` when it does not read as a quote of this engine.
    pub quote: Option<Quote>,
    /// When the version was referred (RFC 3339), for the referral's age.
    pub referred_at: Option<String>,
}

/// What the server recorded for a referral decision.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReferralDecidedView {
    pub quote_number: String,
    pub version: u32,
    pub status: String,
}

/// A policy change the underwriting rules referred, for the underwriter's desk.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PolicyReferralView {
    pub referral_id: String,
    pub policy_number: String,
    pub base_version: u32,
    pub kind: String,
    pub agent: String,
    pub requested_at: String,
    pub reasons: Vec<String>,
    /// The change as the agent described it.
    pub description: Option<String>,
    pub effective: Option<String>,
}

impl From<ReferralCase> for ReferralView {
    fn from(case: ReferralCase) -> Self {
        let r = case.referral;
        let quote = serde_json::from_value::<Quote>(r.quote.clone()).ok();
        let (rating, rating_error) = match case.rating {
            Ok(rating) => (Some(RatingView::from(&rating)), None),
            Err(e) => (None, Some(e.to_string())),
        };
        Self {
            quote_number: r.quote_number,
            version: r.version,
            agent: r.agent,
            pack_id: r.pack_id,
            total: r.total.to_string(),
            reasons: r.reasons,
            rating,
            rating_error,
            quote,
            referred_at: r.referred_at,
        }
    }
}

impl From<ReferralDecided> for ReferralDecidedView {
    fn from(d: ReferralDecided) -> Self {
        Self { quote_number: d.quote_number, version: d.version, status: d.status }
    }
}

impl From<PolicyReferral> for PolicyReferralView {
    fn from(r: PolicyReferral) -> Self {
        let text = |key: &str| r.request["transaction"].get(key).and_then(serde_json::Value::as_str).map(str::to_owned);
        Self {
            description: text("description"),
            effective: text("effective"),
            referral_id: r.referral_id,
            policy_number: r.policy_number,
            base_version: r.base_version,
            kind: r.kind,
            agent: r.agent,
            requested_at: r.requested_at,
            reasons: r.reasons,
        }
    }
}
