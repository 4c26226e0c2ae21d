//! The underwriter's desk: referred quotes and referred policy changes,
//! online, as the server queues them.

use uw_protocol::{PolicyReferral, PolicyReferralDecided, PolicyReferralDecision, Referral, ReferralDecided, ReferralDecision};
use uw_rating::Rating;

use crate::sync::{Replay, SyncError};
use crate::{Workstation, WorkstationError};

/// A referred quote as the desk shows it: the server's entry and its input
/// re-rated here with the pack that priced it.
#[derive(Debug)]
pub struct ReferralCase {
    pub referral: Referral,
    /// The worksheet and risk reasons, or why it could not be re-rated here
    /// (the pack is not installed, say).
    pub rating: Result<Rating, WorkstationError>,
}

impl Workstation {
    /// The referral queue with each quote re-rated here: one that cannot be
    /// re-rated is listed with the reason rather than failing the desk.
    pub fn referral_desk(&self) -> Result<Vec<ReferralCase>, WorkstationError> {
        Ok(self.referrals()?.into_iter().map(|referral| ReferralCase { rating: self.rate_referral(&referral), referral }).collect())
    }

    /// The server's referral queue: quotes whose current version an
    /// underwriting rule referred and no underwriter has decided. Online
    /// only, and only for an underwriter: the server refuses anyone else
    /// (`sync.refused`, server code `auth.forbidden`).
    pub fn referrals(&self) -> Result<Vec<Referral>, WorkstationError> {
        Ok(self.connect()?.get("/v1/referrals")?)
    }

    /// Policy changes the underwriting rules referred, waiting for an
    /// underwriter (underwriters only).
    pub fn policy_referrals(&self) -> Result<Vec<PolicyReferral>, WorkstationError> {
        Ok(self.connect()?.get("/v1/policy-referrals")?)
    }

    /// Makes a referred policy change as the agent prepared it, or declines
    /// it with a note the agent reads. A change prepared on a version since
    /// replaced is a conflict: decline it and have the agent ask again.
    pub fn decide_policy_referral(&self, referral_id: &str, approve: bool, note: &str) -> Result<PolicyReferralDecided, WorkstationError> {
        if referral_id.len() != 32 || !referral_id.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(WorkstationError::InvalidInput {
                field: "referral_id".into(),
                message: format!("`{referral_id}` is not a referral id"),
            });
        }
        if !approve && note.trim().is_empty() {
            return Err(WorkstationError::InvalidInput {
                field: "note".into(),
                message: "say why the change is declined; the agent reads it".into(),
            });
        }
        let decision = PolicyReferralDecision { approve, note: note.trim().to_owned() };
        Ok(self.connect()?.post(&format!("/v1/policy-referrals/{referral_id}/decision"), &decision, Replay::OnlyIfUnprocessed)?)
    }

    /// Approves or declines a referred quote's `version`, with the
    /// underwriter's reason. The server refuses the quote's own agent, an
    /// empty reason, and a version that is no longer current (a conflict).
    /// The agent's device learns the decision on its next pull.
    pub fn decide_referral(
        &self,
        quote_number: &str,
        version: u32,
        approve: bool,
        reason: &str,
    ) -> Result<ReferralDecided, WorkstationError> {
        // The number goes into the request path: only a well-formed one.
        let number: uw_policy::QuoteNumber =
            quote_number.parse().map_err(|e| WorkstationError::InvalidInput { field: "quote_number".into(), message: format!("{e}") })?;
        if reason.trim().is_empty() {
            return Err(WorkstationError::InvalidInput {
                field: "reason".into(),
                message: "say why the quote is approved or declined".into(),
            });
        }
        let decision = ReferralDecision { version, approve, reason: reason.trim().to_owned() };
        // Not replayed blindly: a decision the server applied and whose
        // answer was lost would be refused the second time.
        Ok(self.connect()?.post(&format!("/v1/referrals/{number}/decision"), &decision, Replay::OnlyIfUnprocessed)?)
    }

    /// Re-rates a referral's input with the pack that priced it, for the
    /// desk to show the worksheet and the risk reasons. The pack must be
    /// installed here (packs arrive with sync).
    pub fn rate_referral(&self, referral: &Referral) -> Result<Rating, WorkstationError> {
        let quote: uw_rating::Quote = serde_json::from_value(referral.quote.clone()).map_err(|e| SyncError::Protocol {
            request: "GET /v1/referrals".into(),
            message: format!("{}: quote: {e}", referral.quote_number),
        })?;
        let pack =
            self.packs.by_id(&referral.pack_id).ok_or_else(|| WorkstationError::PackNotInstalled { pack_id: referral.pack_id.clone() })?;
        Ok(uw_rating::rate(pack, &quote.validate()?)?)
    }
}
