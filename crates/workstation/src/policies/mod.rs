/*!
Policy changes prepared on the desktop, offline: endorse, cancel, reinstate,
offer a renewal, renew, non-renew (`docs/policy-lifecycle.md`).

A change is worked out here exactly as the server will work it out: the
rating input is rated with the policy's own pack (or the renewal pack in
force), [`Policy::apply`] computes the money, and the result is queued in the
outbox as a `policy.transaction` on the version it was prepared on. The
server re-rates, recomputes and answers; a change prepared on a version the
server has moved past comes back as a conflict, never a silent overwrite.

The policy a change starts from is the server's detail as last fetched
(every sync fetches the detail of each policy whose version moved), with the
changes prepared here and not yet answered applied on top. A policy the
server bound but whose detail has not arrived yet starts from its bind,
rebuilt from the bound quote as the server builds it.

**Architecture invariant:** the desktop never claims a policy version the
server did not report; when its detail is behind, a change is refused with
`policy.needs_sync` rather than prepared on a guess.
*/

mod documents;

use serde::Deserialize;
use time::{Date, OffsetDateTime};
use tracing::instrument;
use uw_policy::{Applied, Transaction};
use uw_protocol::{PolicyDetail, PolicyTransactionRequest, Role};
use uw_rating::{RatePack, Rating};

use crate::quotes::model::{utc_date, QuoteInput};
use crate::store::NewPolicyChange;
use crate::sync::SyncError;
use crate::{Workstation, WorkstationError};

pub use crate::store::{PolicyChange, StoredPolicy};
pub use documents::PolicyDocument;
/// The lifecycle's types a caller names.
pub use uw_policy::{
    CancelMethod, CancelReason, Cancellation, Charge, NonRenewal, NonRenewalReason, Policy, PolicyStatus, RenewalOffer, Term,
    TransactionKind, Worksheet, WorksheetLine,
};
pub use uw_protocol::PolicyEvent;

/// A change to a policy, as the agent or underwriter asks for it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, ts_rs::TS)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PolicyChangeRequest {
    /// A mid-term change from `effective`: the whole rating input with the
    /// change made (its own effective date stays the term's start).
    Endorse {
        #[ts(type = "string")]
        effective: Date,
        description: String,
        input: Box<QuoteInput>,
    },
    Cancel {
        #[ts(type = "string")]
        effective: Date,
        reason: CancelReason,
    },
    Reinstate,
    /// Re-rates the input in force for the next term on the renewal pack in force then.
    OfferRenewal,
    Renew,
    NonRenew {
        reason: NonRenewalReason,
    },
}

impl PolicyChangeRequest {
    fn kind(&self) -> TransactionKind {
        match self {
            Self::Endorse { .. } => TransactionKind::Endorse,
            Self::Cancel { .. } => TransactionKind::Cancel,
            Self::Reinstate => TransactionKind::Reinstate,
            Self::OfferRenewal => TransactionKind::OfferRenewal,
            Self::Renew => TransactionKind::Renew,
            Self::NonRenew { .. } => TransactionKind::NonRenew,
        }
    }
}

/// A change worked out but not yet queued: what it does to the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedChange {
    /// The version it was prepared on.
    pub base_version: u32,
    /// The policy before and after.
    pub before: Policy,
    pub applied: Applied,
    /// The rating of an endorsement or a renewal offer.
    pub rating: Option<Rating>,
    pub description: String,
    request: PolicyTransactionRequest,
    rated: Option<(QuoteInput, String)>,
}

/// Everything the workstation knows about a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFile {
    pub stored: StoredPolicy,
    /// The policy as a new change would start from it: the server's version
    /// with this device's unanswered changes on top. `None` while the
    /// server's detail is behind (sync first).
    pub working: Option<Policy>,
    /// The rating input a new endorsement starts from (`None` with `working`).
    pub input: Option<QuoteInput>,
    /// The server's timeline as last fetched (empty until fetched).
    pub timeline: Vec<PolicyEvent>,
    /// The changes prepared here, oldest first, answered or not.
    pub changes: Vec<PolicyChange>,
}

/// Where a new change starts: the policy, and what it is rated on.
pub(crate) struct Working {
    pub(crate) policy: Policy,
    /// The rating input in force and its pack; unknown after a renewal
    /// accepted here whose offer came from elsewhere (sync first).
    pub(crate) rated: Option<(QuoteInput, String)>,
}

impl Workstation {
    /// The policy with its timeline and the changes prepared here.
    pub fn policy_file(&self, policy_number: &str) -> Result<PolicyFile, WorkstationError> {
        let stored = self.stored(policy_number)?;
        let changes = self.store.policy_changes(policy_number)?;
        let (working, input) = match self.working(&stored, &changes) {
            Ok(w) => (Some(w.policy), w.rated.map(|(input, _)| input)),
            Err(WorkstationError::PolicyNeedsSync { .. }) => (None, None),
            Err(e) => return Err(e),
        };
        let timeline = stored.detail.as_ref().map(|(d, _)| d.timeline.clone()).unwrap_or_default();
        Ok(PolicyFile { stored, working, input, timeline, changes })
    }

    /// Works out `request` on the policy without queueing it, for the user to review.
    #[instrument(skip(self, request, now), fields(kind = request.kind().name()), err(Display))]
    pub fn preview_policy_change(
        &self,
        policy_number: &str,
        request: &PolicyChangeRequest,
        now: OffsetDateTime,
    ) -> Result<PreparedChange, WorkstationError> {
        self.check_role(request)?;
        let stored = self.stored(policy_number)?;
        let changes = self.store.policy_changes(policy_number)?;
        let working = self.working(&stored, &changes)?;
        let today = utc_date(now);
        let policy = &working.policy;
        let (transaction, rating, rated, description) = match request {
            PolicyChangeRequest::Endorse { effective, description, input } => {
                let (in_force, pack_id) = working.rated.as_ref().ok_or_else(|| needs_sync(&stored))?;
                check_rates_term(policy, input, policy.term.start, policy.renewals > 0)?;
                let pack = self.pack(pack_id)?;
                let rating = rate(pack, input)?;
                let term_premium = rating.total - rate(pack, in_force)?.fee_total();
                let description = description.trim();
                if description.is_empty() {
                    return Err(WorkstationError::InvalidInput {
                        field: "description".into(),
                        message: "say what the endorsement changes".into(),
                    });
                }
                let transaction = Transaction::Endorse { effective: *effective, term_premium, description: description.to_owned() };
                (transaction, Some(rating), Some(((**input).clone(), pack_id.clone())), description.to_owned())
            }
            PolicyChangeRequest::OfferRenewal => {
                let (in_force, _) = working.rated.as_ref().ok_or_else(|| needs_sync(&stored))?;
                let mut input = in_force.clone();
                input.quote.effective_date = policy.term.end;
                input.quote.renewal = true;
                let pack = self.packs.select(&policy.state, input.quote.product, policy.term.end, true)?;
                let rating = rate(pack, &input)?;
                let premium = rating.total - rating.fee_total();
                let transaction = Transaction::OfferRenewal { premium, pack_id: pack.id().to_owned() };
                let description = format!("Renewal offer for the term from {}, rated on {}", policy.term.end, pack.id());
                (transaction, Some(rating), Some((input, pack.id().to_owned())), description)
            }
            PolicyChangeRequest::Cancel { effective, reason } => {
                (Transaction::Cancel { effective: *effective, reason: *reason }, None, None, reason.description().to_owned())
            }
            PolicyChangeRequest::Reinstate => (Transaction::Reinstate, None, None, "Reinstatement".to_owned()),
            PolicyChangeRequest::Renew => (Transaction::Renew, None, None, "Renewal accepted".to_owned()),
            PolicyChangeRequest::NonRenew { reason } => {
                (Transaction::NonRenew { reason: *reason }, None, None, reason.description().to_owned())
            }
        };
        let applied = policy.apply(&transaction, today)?;
        let request = PolicyTransactionRequest {
            policy_number: policy_number.to_owned(),
            base_version: policy.version,
            transaction: to_value(&transaction)?,
            input: rated.as_ref().map(|(input, _)| to_value(input)).transpose()?,
            pack_digest: match (&transaction, &rating) {
                (Transaction::OfferRenewal { .. }, Some(r)) => Some(r.pack_digest.clone()),
                _ => None,
            },
        };
        Ok(PreparedChange { base_version: policy.version, before: policy.clone(), applied, rating, description, request, rated })
    }

    /// Works out `request` and queues it for the server, with its audit event.
    #[instrument(skip(self, request, now), fields(kind = request.kind().name()), err(Display))]
    pub fn prepare_policy_change(
        &mut self,
        policy_number: &str,
        request: &PolicyChangeRequest,
        now: OffsetDateTime,
    ) -> Result<PolicyChange, WorkstationError> {
        let prepared = self.preview_policy_change(policy_number, request, now)?;
        let change = self.store.record_policy_change(
            &NewPolicyChange {
                request: &prepared.request,
                description: &prepared.description,
                policy: &prepared.applied.policy,
                worksheet: &prepared.applied.worksheet,
                rated: prepared.rated.as_ref().map(|(input, pack)| (input, pack.as_str())),
            },
            &self.device_key,
            now,
        )?;
        tracing::info!(policy_number, base_version = change.base_version, seq = change.seq, "policy change queued");
        Ok(change)
    }

    /// Fetches the server's detail of `policy_number` and keeps it.
    #[instrument(skip(self, now), err(Display))]
    pub fn refresh_policy(&mut self, policy_number: &str, now: OffsetDateTime) -> Result<PolicyDetail, WorkstationError> {
        let server = self.connect()?;
        self.fetch_policy(&server, policy_number, now)
    }

    pub(crate) fn fetch_policy(
        &mut self,
        server: &crate::sync::Server,
        policy_number: &str,
        now: OffsetDateTime,
    ) -> Result<PolicyDetail, WorkstationError> {
        let detail: PolicyDetail = server.get(&format!("/v1/policies/{policy_number}"))?;
        if detail.summary.policy_number != policy_number {
            return Err(SyncError::Protocol {
                request: format!("GET /v1/policies/{policy_number}"),
                message: format!("the answer is about {}", detail.summary.policy_number),
            }
            .into());
        }
        self.store.save_policy_detail(&detail, now)?;
        Ok(detail)
    }

    fn stored(&self, policy_number: &str) -> Result<StoredPolicy, WorkstationError> {
        self.store.stored_policy(policy_number)?.ok_or_else(|| WorkstationError::PolicyNotFound { policy_number: policy_number.to_owned() })
    }

    fn pack(&self, pack_id: &str) -> Result<&RatePack, WorkstationError> {
        self.packs.by_id(pack_id).ok_or_else(|| WorkstationError::PackNotInstalled { pack_id: pack_id.to_owned() })
    }

    /// An insurer's cancellation and a non-renewal are an underwriter's;
    /// the server enforces this too, this only says so before queueing.
    fn check_role(&self, request: &PolicyChangeRequest) -> Result<(), WorkstationError> {
        let role = self.store.sync_enrollment()?.ok_or(SyncError::NotEnrolled)?.user.role;
        let insurer = match request {
            PolicyChangeRequest::Cancel { reason, .. } => !reason.insured_initiated(),
            PolicyChangeRequest::NonRenew { .. } => true,
            _ => false,
        };
        match role {
            Role::Underwriter => Ok(()),
            Role::Agent if !insurer => Ok(()),
            Role::Agent => Err(WorkstationError::Forbidden {
                message: "an insurer's cancellation or a non-renewal is an underwriter's decision; an agent may cancel only at the insured's request".into(),
            }),
            Role::Admin | Role::Auditor => Err(WorkstationError::Forbidden { message: "only agents and underwriters change policies".into() }),
        }
    }

    /// The policy as the server last issued it: its detail when current,
    /// else version 1 rebuilt from the bound quote as the server builds it.
    pub(crate) fn issued(&self, stored: &StoredPolicy) -> Result<Working, WorkstationError> {
        if let Some(detail) = stored.current_detail() {
            let policy: Policy = serde_json::from_value(detail.policy.clone()).map_err(|e| bad_detail(stored, "policy", &e))?;
            let input: QuoteInput = serde_json::from_value(detail.input.clone()).map_err(|e| bad_detail(stored, "input", &e))?;
            return Ok(Working { policy, rated: Some((input, detail.pack_id.clone())) });
        }
        let (None, 1, Some((quote_id, version))) = (&stored.detail, stored.policy_version, stored.quote) else {
            return Err(needs_sync(stored));
        };
        let rating = self.rerate_version(quote_id, version)?;
        let input = self.store.quote_input(quote_id, version)?;
        let quote = &input.quote;
        let term = Term::of_months(quote.effective_date, quote.term_months)?;
        let refunds = self.packs.by_id(&rating.pack_id).map(uw_rating::RatePack::refunds).unwrap_or_default();
        let bound =
            Policy::bind(&stored.policy_number, &quote.state, quote.product.name(), term, rating.total - rating.fee_total(), refunds)?;
        Ok(Working { policy: bound.policy, rated: Some((input, rating.pack_id)) })
    }

    /// Where a new change starts (see the module documentation).
    fn working(&self, stored: &StoredPolicy, changes: &[PolicyChange]) -> Result<Working, WorkstationError> {
        let mut working = self.issued(stored)?;
        let mut offer = None;
        for change in changes.iter().filter(|c| c.pending()) {
            if change.base_version != working.policy.version {
                // Prepared on a version the server has since replaced: it will come back as a conflict.
                continue;
            }
            working.policy = change.policy.clone();
            match change.kind.as_str() {
                "endorse" => working.rated.clone_from(&change.rated),
                "offer_renewal" => offer.clone_from(&change.rated),
                "renew" => working.rated = offer.take(),
                _ => {}
            }
        }
        Ok(working)
    }
}

fn to_value(value: &impl serde::Serialize) -> Result<serde_json::Value, WorkstationError> {
    serde_json::to_value(value).map_err(|e| WorkstationError::Internal { message: e.to_string() })
}

pub(crate) fn needs_sync(stored: &StoredPolicy) -> WorkstationError {
    WorkstationError::PolicyNeedsSync { policy_number: stored.policy_number.clone(), version: stored.policy_version }
}

fn bad_detail(stored: &StoredPolicy, field: &str, e: &serde_json::Error) -> WorkstationError {
    WorkstationError::Internal { message: format!("the server's detail of {} has an unreadable {field}: {e}", stored.policy_number) }
}

pub(crate) fn rate(pack: &RatePack, input: &QuoteInput) -> Result<Rating, WorkstationError> {
    Ok(uw_rating::rate(pack, input.clone().validate()?.quote())?)
}

/// The input must rate this policy's term: its state and product, from `starts`.
fn check_rates_term(policy: &Policy, input: &QuoteInput, starts: Date, renewal: bool) -> Result<(), WorkstationError> {
    let quote = &input.quote;
    let wrong = |field: &str, message: String| Err(WorkstationError::InvalidInput { field: format!("input.quote.{field}"), message });
    if quote.state != policy.state {
        return wrong("state", format!("the policy is written in {}; an endorsement cannot move it to {}", policy.state, quote.state));
    }
    if quote.product.name() != policy.product {
        return wrong("product", format!("the policy is {}; an endorsement cannot change the product", policy.product));
    }
    if quote.effective_date != starts {
        return wrong(
            "effective_date",
            format!("an endorsement rates the whole term from its start, {starts}; the change's own date is its effective date"),
        );
    }
    if quote.renewal != renewal {
        return wrong("renewal", format!("must be {renewal} for this term"));
    }
    Ok(())
}
