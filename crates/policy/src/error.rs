//! Why a policy transaction was refused, with the stable code clients switch
//! on. It sits on the crate's ground floor: the lifecycle, proration and the
//! product rules all answer with it.

use rust_decimal::Decimal;
use time::Date;

/// Why a transaction was refused. Nothing changes when one is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LifecycleError {
    #[error("no lifecycle rules for {product} in {state}")]
    UnknownProduct { state: String, product: String },
    #[error("a term must end after it starts ({start} to {end})")]
    EmptyTerm { start: Date, end: Date },
    #[error("{date} plus the term is beyond the calendar")]
    DateOutOfRange { date: Date },
    #[error("the term {start} to {end} is not a whole number of months, so it cannot be prorated by months")]
    TermNotWholeMonths { start: Date, end: Date },
    #[error("{field} must not be negative (got {amount})")]
    NegativeAmount { field: &'static str, amount: Decimal },
    #[error("effective date {effective} is outside the term {start} to {end}")]
    OutsideTerm { effective: Date, start: Date, end: Date },
    #[error("effective date {effective} is before {latest}, the latest change already on the policy; out-of-sequence changes are refused, so cancel or re-enter the later change first")]
    OutOfSequence { effective: Date, latest: Date },
    #[error("the policy is {status}; a {kind} needs it in force")]
    NotInForce { status: &'static str, kind: &'static str },
    #[error("the policy is not cancelled, so there is nothing to reinstate")]
    NotCancelled,
    #[error("reinstatement closed on {last_day}, {days} days after the cancellation took effect")]
    ReinstatementWindowClosed { last_day: Date, days: i64 },
    #[error("an insurer's cancellation needs {notice_days} days' notice: the earliest effective date is {earliest}")]
    NoticeTooShort { notice_days: i64, earliest: Date },
    #[error(
        "a non-renewal needs {notice_days} days' notice before the term ends on {term_end}: the last day to mail it was {last_mailing}"
    )]
    NonRenewalTooLate { notice_days: i64, term_end: Date, last_mailing: Date },
    #[error("an insured's cancellation may be backdated at most {days} days: the earliest effective date is {earliest}")]
    BackdatedTooFar { days: i64, earliest: Date },
    #[error("reason {code} does not apply to {product}")]
    ReasonNotAllowed { code: &'static str, product: String },
    #[error("reason {code} is not one {law} allows{}", if *days > 0 { format!(" once a policy has been in effect {days} days") } else { String::new() })]
    ReasonNotAllowedByLaw { code: &'static str, days: i64, law: &'static str },
    #[error("a non-renewal may be mailed at most {days} days before the term ends on {term_end} ({law}): the first day to mail it is {first_mailing}")]
    NonRenewalTooEarly { days: i64, term_end: Date, first_mailing: Date, law: &'static str },
    #[error(
        "the renewal premium must be offered at least {days} days before the term ends on {term_end} ({law}): the last day was {last_day}"
    )]
    RenewalOfferTooLate { days: i64, term_end: Date, last_day: Date, law: &'static str },
    #[error("the renewal offer is due from {offer_from}, {days} days before the term ends")]
    RenewalNotDue { offer_from: Date, days: i64 },
    #[error("the term ended on {end}; a renewal offer must be made before then")]
    TermEnded { end: Date },
    #[error("a renewal has already been offered for the term ending {end}")]
    RenewalAlreadyOffered { end: Date },
    #[error("no renewal has been offered, so there is nothing to accept")]
    NoRenewalOffer,
    #[error("the policy is being non-renewed; it cannot be offered a renewal")]
    NonRenewed,
    #[error("a renewal was offered; it cannot also be non-renewed")]
    RenewalOffered,
    #[error("version {given} is stale: the policy is at version {current}")]
    StaleVersion { given: u32, current: u32 },
}

impl LifecycleError {
    /// The stable code clients switch on.
    pub const fn code(&self) -> &'static str {
        match self {
            Self::UnknownProduct { .. } => "policy.unknown_product",
            Self::EmptyTerm { .. } | Self::DateOutOfRange { .. } | Self::TermNotWholeMonths { .. } => "policy.bad_term",
            Self::NegativeAmount { .. } => "policy.negative_amount",
            Self::OutsideTerm { .. } => "policy.outside_term",
            Self::OutOfSequence { .. } => "policy.out_of_sequence",
            Self::NotInForce { .. } => "policy.not_in_force",
            Self::NotCancelled => "policy.not_cancelled",
            Self::ReinstatementWindowClosed { .. } => "policy.reinstatement_closed",
            Self::NoticeTooShort { .. } | Self::NonRenewalTooLate { .. } => "policy.notice_too_short",
            Self::BackdatedTooFar { .. } => "policy.backdated",
            Self::ReasonNotAllowed { .. } | Self::ReasonNotAllowedByLaw { .. } => "policy.reason_not_allowed",
            Self::NonRenewalTooEarly { .. } => "policy.notice_too_early",
            Self::RenewalOfferTooLate { .. } => "policy.renewal_too_late",
            Self::RenewalNotDue { .. } => "policy.renewal_not_due",
            Self::TermEnded { .. } => "policy.term_ended",
            Self::RenewalAlreadyOffered { .. } => "policy.renewal_offered",
            Self::NoRenewalOffer => "policy.no_renewal_offer",
            Self::NonRenewed => "policy.non_renewed",
            Self::RenewalOffered => "policy.renewal_offered",
            Self::StaleVersion { .. } => "policy.stale_version",
        }
    }
}
