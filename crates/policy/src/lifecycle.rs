//! A policy term's transactions and the money they move.
//!
//! [`Policy::bind`] starts a policy; [`Policy::apply`] applies one
//! [`Transaction`] and returns the next version of the policy with a
//! [`Worksheet`] that shows every figure used. Both are pure: the caller (the
//! server, which is authoritative, or the desktop preparing a change offline)
//! stores the result, and an error changes nothing.
//!
//! **Money.** Each transaction computes its amount exactly and rounds once, to
//! the cent, half away from zero. The premium charged so far for the term
//! (`written_premium`) is the sum of those rounded amounts. A mid-term change
//! is a [`Charge`] from its effective date to the end of the term; a
//! cancellation returns the unearned part of every charge (each charge × the
//! share of its own window still to run), so a refund never exceeds what was
//! charged.
//!
//! **Sequence.** Transactions take effect in date order: one dated before the
//! latest effective date on the policy is refused
//! ([`LifecycleError::OutOfSequence`]) rather than rewriting history.

use rust_decimal::Decimal;
use time::{Date, Duration};
use uw_rating::{RefundMethod, Refunds};

use crate::error::LifecycleError;
use crate::proration::{round_money, short_rate_of, term_fraction, ProrationMethod, ShortRate, Term};
use crate::rules::{product_rules, state_limits, CancelReason, NonRenewalReason, ProductRules, INSURED_BACKDATE_DAYS, RENEWAL_OFFER_DAYS};

/// Where a policy is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum PolicyStatus {
    /// Bound, and not cancelled (a non-renewed policy stays in force to the end of its term).
    InForce,
    /// Cancelled, effective on the cancellation's date.
    Cancelled,
}

/// A premium charge (or return, when negative) for a window running from
/// `from` to the end of the term.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Charge {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub from: Date,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub amount: Decimal,
}

/// How a cancellation returned premium.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CancelMethod {
    /// Effective when the term starts: everything is returned.
    Flat,
    /// The unearned premium, by the product's proration method.
    ProRata,
    /// Pro rata less the short-rate penalty.
    ShortRate,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Cancellation {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub effective: Date,
    pub reason: CancelReason,
    pub method: CancelMethod,
    /// The premium returned.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub returned: Decimal,
    /// The pro-rata return less what was returned (zero unless short rate).
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub penalty: Decimal,
    /// The day it was processed; for an insurer's cancellation, the day the
    /// notice is mailed.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub processed_on: Date,
    /// The notice the insurer gave, in days (0 for the insured's request).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub notice_days: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NonRenewal {
    pub reason: NonRenewalReason,
    /// The day the notice is mailed.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub mailed_on: Date,
    /// The term's end: the day coverage stops.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub effective: Date,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub notice_days: i64,
}

/// The next term, priced on the renewal pack in force at its start.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RenewalOffer {
    pub term: Term,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub premium: Decimal,
    /// The current term's premium, for comparison.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub prior_premium: Decimal,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub change: Decimal,
    /// The change in percent of the prior premium, to one decimal place.
    #[cfg_attr(feature = "ts", ts(type = "string | null"))]
    pub change_percent: Option<Decimal>,
    pub pack_id: String,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub offered_on: Date,
}

/// A policy as of its latest version.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Policy {
    pub policy_number: String,
    pub state: String,
    pub product: String,
    /// 1 when bound; each transaction adds one. A change based on an older
    /// version is a conflict.
    pub version: u32,
    pub status: PolicyStatus,
    pub term: Term,
    /// The premium of the coverage now in force, for a whole term.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub term_premium: Decimal,
    /// The premium charged for this term so far, net of returns.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub written_premium: Decimal,
    pub charges: Vec<Charge>,
    /// The latest effective date of any transaction this term.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub last_effective: Date,
    pub cancellation: Option<Cancellation>,
    pub non_renewal: Option<NonRenewal>,
    pub renewal_offer: Option<RenewalOffer>,
    /// How many times the policy has renewed.
    pub renewals: u32,
    /// How premium is returned when the insured cancels, as the rate pack
    /// that priced the policy files it; what it leaves out is the state's
    /// default ([`ProductRules::insured_cancellation`]). Left out when
    /// nothing is filed, so older policies read as before.
    #[serde(default, skip_serializing_if = "Refunds::is_unfiled")]
    #[cfg_attr(feature = "ts", ts(optional, as = "Option<Refunds>"))]
    pub refunds: Refunds,
}

/// A change to a policy. (No `ts_rs::TS`: ts-rs cannot read
/// `deny_unknown_fields` on a tagged enum, and unknown fields must be refused.)
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[serde(deny_unknown_fields)]
pub enum Transaction {
    /// A mid-term change, re-rated by the caller: `term_premium` is the
    /// premium for a whole term with the change.
    Endorse {
        effective: Date,
        term_premium: Decimal,
        description: String,
    },
    Cancel {
        effective: Date,
        reason: CancelReason,
    },
    /// Reverses the cancellation, and any short-rate penalty, within the window.
    Reinstate,
    /// The renewal's premium, rated by the caller on the renewal pack in
    /// force at the next term's start.
    OfferRenewal {
        premium: Decimal,
        pack_id: String,
    },
    /// The insured accepts the offer: the next term begins when this one ends.
    Renew,
    NonRenew {
        reason: NonRenewalReason,
    },
}

/// What a transaction is, for timelines and documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum TransactionKind {
    Bind,
    /// Taken over from a legacy system in a migration wave: the term and
    /// premium as the legacy system had them.
    Migrated,
    Endorse,
    Cancel,
    Reinstate,
    OfferRenewal,
    Renew,
    NonRenew,
}

impl TransactionKind {
    pub const fn name(self) -> &'static str {
        match self {
            Self::Bind => "bind",
            Self::Migrated => "migrated",
            Self::Endorse => "endorse",
            Self::Cancel => "cancel",
            Self::Reinstate => "reinstate",
            Self::OfferRenewal => "offer_renewal",
            Self::Renew => "renew",
            Self::NonRenew => "non_renew",
        }
    }
}

impl Transaction {
    pub const fn kind(&self) -> TransactionKind {
        match self {
            Self::Endorse { .. } => TransactionKind::Endorse,
            Self::Cancel { .. } => TransactionKind::Cancel,
            Self::Reinstate => TransactionKind::Reinstate,
            Self::OfferRenewal { .. } => TransactionKind::OfferRenewal,
            Self::Renew => TransactionKind::Renew,
            Self::NonRenew { .. } => TransactionKind::NonRenew,
        }
    }
}

/// One figure of a transaction's worksheet.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "PolicyWorksheetLine"))]
pub struct WorksheetLine {
    pub label: String,
    pub value: String,
}

/// How a transaction's money was worked out.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "PolicyWorksheet"))]
pub struct Worksheet {
    pub kind: TransactionKind,
    /// The policy version the transaction produced.
    pub version: u32,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub effective: Date,
    pub lines: Vec<WorksheetLine>,
    /// Charged (positive) or returned (negative) by this transaction.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub amount: Decimal,
}

/// A transaction's result: the next version and its worksheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub policy: Policy,
    pub worksheet: Worksheet,
}

fn money(amount: Decimal) -> String {
    format!("{:.2}", round_money(amount))
}

fn line(label: impl Into<String>, value: impl Into<String>) -> WorksheetLine {
    WorksheetLine { label: label.into(), value: value.into() }
}

fn non_negative(field: &'static str, amount: Decimal) -> Result<(), LifecycleError> {
    if amount.is_sign_negative() && !amount.is_zero() {
        return Err(LifecycleError::NegativeAmount { field, amount });
    }
    Ok(())
}

/// "215 of 365 days" or "6.5 of 12 months": the share a proration used.
fn share_text(term: &Term, from: Date, to: Date, method: ProrationMethod) -> Result<String, LifecycleError> {
    Ok(match method {
        ProrationMethod::Days => {
            format!("{} of {} days", (to.clamp(term.start, term.end) - from.clamp(term.start, term.end)).whole_days().max(0), term.days())
        }
        ProrationMethod::Months => {
            let months = term.whole_months().ok_or(LifecycleError::TermNotWholeMonths { start: term.start, end: term.end })?;
            let share = term_fraction(term, from, to, method)? * Decimal::from(months);
            format!("{} of {months} months", share.round_dp(4).normalize())
        }
    })
}

impl Policy {
    /// The first version of a policy: the whole term's premium charged at
    /// bind, with the refund methods the pricing pack files.
    pub fn bind(
        policy_number: &str,
        state: &str,
        product: &str,
        term: Term,
        premium: Decimal,
        refunds: Refunds,
    ) -> Result<Applied, LifecycleError> {
        product_rules(state, product)?;
        non_negative("premium", premium)?;
        let premium = round_money(premium);
        let policy = Policy {
            policy_number: policy_number.to_owned(),
            state: state.to_owned(),
            product: product.to_owned(),
            version: 1,
            status: PolicyStatus::InForce,
            term,
            term_premium: premium,
            written_premium: premium,
            charges: vec![Charge { from: term.start, amount: premium }],
            last_effective: term.start,
            cancellation: None,
            non_renewal: None,
            renewal_offer: None,
            renewals: 0,
            refunds,
        };
        let worksheet = Worksheet {
            kind: TransactionKind::Bind,
            version: 1,
            effective: term.start,
            lines: vec![
                line("Term", format!("{} to {} ({} days)", term.start, term.end, term.days())),
                line("Term premium", money(premium)),
                line("Charged at bind", money(premium)),
            ],
            amount: premium,
        };
        Ok(Applied { policy, worksheet })
    }

    /// The first version of a policy taken over from a legacy system: its
    /// term and premium as the legacy system had them (this system's own
    /// rating of it is recorded beside it, never charged), with the refund
    /// methods of the pack that prices its changes from now on.
    pub fn migrate(
        policy_number: &str,
        (legacy_number, legacy_premium): (&str, Decimal),
        (state, product): (&str, &str),
        term: Term,
        rated: Option<Decimal>,
        refunds: Refunds,
    ) -> Result<Applied, LifecycleError> {
        let Applied { policy, worksheet } = Self::bind(policy_number, state, product, term, legacy_premium, refunds)?;
        let premium = policy.term_premium;
        let mut lines = vec![
            line("Migrated from", format!("legacy policy {legacy_number}")),
            line("Term", format!("{} to {} ({} days)", term.start, term.end, term.days())),
            line("Term premium (legacy)", money(premium)),
        ];
        if let Some(rated) = rated {
            let rated = round_money(rated);
            lines.push(line("This system's rating", money(rated)));
            lines.push(line("Difference, not charged", money(rated - premium)));
        }
        Ok(Applied { policy, worksheet: Worksheet { kind: TransactionKind::Migrated, lines, ..worksheet } })
    }

    pub fn rules(&self) -> Result<&'static ProductRules, LifecycleError> {
        product_rules(&self.state, &self.product)
    }

    /// How a cancellation for `reason` returns premium when the insured
    /// asked for it with a penalty allowed: the pack's filed method, else
    /// the state's default. `None` for every other reason (pro rata).
    pub fn refund_method(&self, reason: CancelReason, rules: &ProductRules) -> Option<RefundMethod> {
        if !reason.short_rate() {
            return None;
        }
        let filed = match reason {
            CancelReason::InsuredReplacedCoverage => self.refunds.replaced_or_sold,
            _ => self.refunds.insured_request,
        };
        Some(filed.unwrap_or(match rules.insured_cancellation {
            ShortRate::Table => RefundMethod::ShortRateTable,
            ShortRate::PercentOfProRata { percent } => RefundMethod::PercentOfProRata { percent },
        }))
    }

    /// Refuses a change based on a version other than the current one.
    pub fn check_version(&self, base: u32) -> Result<(), LifecycleError> {
        if base != self.version {
            return Err(LifecycleError::StaleVersion { given: base, current: self.version });
        }
        Ok(())
    }

    /// The first day a renewal offer may be made.
    pub fn renewal_offer_from(&self) -> Date {
        self.term.end.saturating_sub(Duration::days(RENEWAL_OFFER_DAYS))
    }

    /// Applies `transaction` on `today` (the server's date; a desktop's
    /// offline preparation is checked again by the server).
    pub fn apply(&self, transaction: &Transaction, today: Date) -> Result<Applied, LifecycleError> {
        let rules = self.rules()?;
        let mut next = self.clone();
        next.version = self.version + 1;
        let (effective, lines, amount) = match transaction {
            Transaction::Endorse { effective, term_premium, description } => {
                self.endorse(&mut next, rules, *effective, *term_premium, description)?
            }
            Transaction::Cancel { effective, reason } => self.cancel(&mut next, rules, *effective, *reason, today)?,
            Transaction::Reinstate => self.reinstate(&mut next, rules, today)?,
            Transaction::OfferRenewal { premium, pack_id } => self.offer_renewal(&mut next, *premium, pack_id, today)?,
            Transaction::Renew => self.renew(&mut next)?,
            Transaction::NonRenew { reason } => self.non_renew(&mut next, rules, *reason, today)?,
        };
        let worksheet = Worksheet { kind: transaction.kind(), version: next.version, effective, lines, amount };
        Ok(Applied { policy: next, worksheet })
    }

    fn require_in_force(&self, kind: TransactionKind) -> Result<(), LifecycleError> {
        match self.status {
            PolicyStatus::InForce => Ok(()),
            PolicyStatus::Cancelled => Err(LifecycleError::NotInForce { status: "cancelled", kind: kind.name() }),
        }
    }

    fn require_in_sequence(&self, effective: Date) -> Result<(), LifecycleError> {
        if !self.term.contains(effective) {
            return Err(LifecycleError::OutsideTerm { effective, start: self.term.start, end: self.term.end });
        }
        if effective < self.last_effective {
            return Err(LifecycleError::OutOfSequence { effective, latest: self.last_effective });
        }
        Ok(())
    }

    fn endorse(
        &self,
        next: &mut Policy,
        rules: &ProductRules,
        effective: Date,
        term_premium: Decimal,
        description: &str,
    ) -> Result<(Date, Vec<WorksheetLine>, Decimal), LifecycleError> {
        self.require_in_force(TransactionKind::Endorse)?;
        self.require_in_sequence(effective)?;
        non_negative("term_premium", term_premium)?;
        let term_premium = round_money(term_premium);
        let change = term_premium - self.term_premium;
        let fraction = term_fraction(&self.term, effective, self.term.end, rules.proration)?;
        let amount = round_money(change * fraction);
        next.term_premium = term_premium;
        next.written_premium = self.written_premium + amount;
        next.charges.push(Charge { from: effective, amount });
        next.last_effective = effective;
        let lines = vec![
            line("Change", description.to_owned()),
            line("Term premium before", money(self.term_premium)),
            line("Term premium after", money(term_premium)),
            line("Change for a whole term", money(change)),
            line("Remaining", share_text(&self.term, effective, self.term.end, rules.proration)?),
            line(if amount.is_sign_negative() { "Returned pro rata" } else { "Charged pro rata" }, money(amount.abs())),
            line("Written premium after", money(next.written_premium)),
        ];
        Ok((effective, lines, amount))
    }

    /// The exact unearned premium if cancelled on `cancelled`: every charge ×
    /// the share of its own window from `cancelled` to the term's end.
    fn unearned(&self, cancelled: Date, method: ProrationMethod) -> Result<Decimal, LifecycleError> {
        let mut unearned = Decimal::ZERO;
        for charge in &self.charges {
            let window = term_fraction(&self.term, charge.from, self.term.end, method)?;
            if window.is_zero() {
                continue;
            }
            let left = term_fraction(&self.term, cancelled.max(charge.from), self.term.end, method)?;
            unearned += charge.amount * left / window;
        }
        Ok(unearned)
    }

    fn cancel(
        &self,
        next: &mut Policy,
        rules: &ProductRules,
        effective: Date,
        reason: CancelReason,
        today: Date,
    ) -> Result<(Date, Vec<WorksheetLine>, Decimal), LifecycleError> {
        self.require_in_force(TransactionKind::Cancel)?;
        if !reason.applies_to(&self.product) {
            return Err(LifecycleError::ReasonNotAllowed { code: reason.code(), product: self.product.clone() });
        }
        if !reason.insured_initiated() {
            if let Some((after, allowed, law)) = state_limits(&self.state, &self.product).cancel_after {
                // Days in effect when the notice is mailed; a renewed policy
                // has been in effect longer than any such period.
                let in_effect = if self.renewals > 0 { i64::MAX } else { (today - self.term.start).whole_days() };
                if in_effect >= after && !allowed.contains(&reason) {
                    return Err(LifecycleError::ReasonNotAllowedByLaw { code: reason.code(), days: after, law });
                }
            }
        }
        self.require_in_sequence(effective)?;
        let notice_days = reason.notice_days(&rules.notice);
        if reason.insured_initiated() {
            let earliest = today.saturating_sub(Duration::days(INSURED_BACKDATE_DAYS));
            if effective < earliest {
                return Err(LifecycleError::BackdatedTooFar { days: INSURED_BACKDATE_DAYS, earliest });
            }
        } else {
            let earliest = today.saturating_add(Duration::days(notice_days));
            if effective < earliest {
                return Err(LifecycleError::NoticeTooShort { notice_days, earliest });
            }
        }
        let pro_rata_exact = self.unearned(effective, rules.proration)?;
        // The insured's own cancellation returns what the pack files (a home
        // sold may return pro rata), else the state's default.
        let short_rate = match self.refund_method(reason, rules) {
            Some(RefundMethod::ShortRateTable) => Some(ShortRate::Table),
            Some(RefundMethod::PercentOfProRata { percent }) => Some(ShortRate::PercentOfProRata { percent }),
            Some(RefundMethod::ProRata) | None => None,
        };
        let (method, returned_exact) = if effective == self.term.start {
            (CancelMethod::Flat, self.written_premium)
        } else if let Some(short_rate) = short_rate {
            let short = short_rate_of(pro_rata_exact, self.term_premium, &self.term, effective, short_rate);
            (CancelMethod::ShortRate, short)
        } else {
            (CancelMethod::ProRata, pro_rata_exact)
        };
        let returned = round_money(returned_exact);
        let pro_rata = round_money(pro_rata_exact);
        let penalty = if method == CancelMethod::ShortRate { pro_rata - returned } else { Decimal::ZERO };
        next.status = PolicyStatus::Cancelled;
        next.written_premium = self.written_premium - returned;
        next.last_effective = effective;
        next.renewal_offer = None;
        next.cancellation = Some(Cancellation { effective, reason, method, returned, penalty, processed_on: today, notice_days });

        let mut lines = vec![
            line("Reason", format!("{} {}", reason.code(), reason.description())),
            line("Written premium", money(self.written_premium)),
            line("Unearned", share_text(&self.term, effective, self.term.end, rules.proration)?),
            line("Pro-rata return", money(pro_rata)),
        ];
        match method {
            CancelMethod::Flat => lines.push(line("Flat cancellation: returned", money(returned))),
            CancelMethod::ProRata => lines.push(line("Returned pro rata", money(returned))),
            CancelMethod::ShortRate => {
                let basis = match short_rate.unwrap_or(rules.insured_cancellation) {
                    ShortRate::PercentOfProRata { percent } => format!("{}% of pro rata", percent.normalize()),
                    ShortRate::Table => {
                        let days = (effective - self.term.start).whole_days();
                        format!(
                            "short-rate table: {days} days in force retains {}%",
                            (crate::proration::short_rate_retained(days, self.term.days()) * Decimal::ONE_HUNDRED).normalize()
                        )
                    }
                };
                lines.push(line("Short rate", basis));
                lines.push(line("Short-rate penalty", money(penalty)));
                lines.push(line("Returned", money(returned)));
            }
        }
        if notice_days > 0 {
            lines.push(line("Notice", format!("{notice_days} days ({}), mailed {today}", rules.authority)));
        }
        Ok((effective, lines, -returned))
    }

    fn reinstate(
        &self,
        next: &mut Policy,
        rules: &ProductRules,
        today: Date,
    ) -> Result<(Date, Vec<WorksheetLine>, Decimal), LifecycleError> {
        let Some(cancellation) = &self.cancellation else { return Err(LifecycleError::NotCancelled) };
        let last_day = cancellation.effective.saturating_add(Duration::days(rules.reinstatement_days));
        if today > last_day {
            return Err(LifecycleError::ReinstatementWindowClosed { last_day, days: rules.reinstatement_days });
        }
        next.status = PolicyStatus::InForce;
        next.written_premium = self.written_premium + cancellation.returned;
        next.cancellation = None;
        let lines = vec![
            line("Cancellation reversed", format!("{} effective {}", cancellation.reason.code(), cancellation.effective)),
            line("Returned at cancellation, charged again", money(cancellation.returned)),
            line("Short-rate penalty reversed", money(cancellation.penalty)),
            line("Written premium after", money(next.written_premium)),
            line("Reinstatement window", format!("through {last_day}")),
        ];
        Ok((cancellation.effective, lines, cancellation.returned))
    }

    fn offer_renewal(
        &self,
        next: &mut Policy,
        premium: Decimal,
        pack_id: &str,
        today: Date,
    ) -> Result<(Date, Vec<WorksheetLine>, Decimal), LifecycleError> {
        self.require_in_force(TransactionKind::OfferRenewal)?;
        if self.non_renewal.is_some() {
            return Err(LifecycleError::NonRenewed);
        }
        if self.renewal_offer.is_some() {
            return Err(LifecycleError::RenewalAlreadyOffered { end: self.term.end });
        }
        let offer_from = self.renewal_offer_from();
        if today < offer_from {
            return Err(LifecycleError::RenewalNotDue { offer_from, days: RENEWAL_OFFER_DAYS });
        }
        if today >= self.term.end {
            return Err(LifecycleError::TermEnded { end: self.term.end });
        }
        if let Some((days, law)) = state_limits(&self.state, &self.product).renewal_offer_notice {
            let last_day = self.term.end.saturating_sub(Duration::days(days));
            if today > last_day {
                return Err(LifecycleError::RenewalOfferTooLate { days, term_end: self.term.end, last_day, law });
            }
        }
        non_negative("premium", premium)?;
        let premium = round_money(premium);
        let months = self.term.whole_months().ok_or(LifecycleError::TermNotWholeMonths { start: self.term.start, end: self.term.end })?;
        let term = Term::of_months(self.term.end, months)?;
        let change = premium - self.term_premium;
        let change_percent = (!self.term_premium.is_zero()).then(|| {
            (change * Decimal::ONE_HUNDRED / self.term_premium)
                .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
        });
        let offer = RenewalOffer {
            term,
            premium,
            prior_premium: self.term_premium,
            change,
            change_percent,
            pack_id: pack_id.to_owned(),
            offered_on: today,
        };
        let lines = vec![
            line("Renewal term", format!("{} to {}", term.start, term.end)),
            line("Rated on renewal pack", pack_id.to_owned()),
            line("Current term premium", money(self.term_premium)),
            line("Renewal premium", money(premium)),
            line(
                "Change",
                match change_percent {
                    Some(p) => format!("{} ({}{}%)", money(change), if p.is_sign_negative() { "" } else { "+" }, p),
                    None => money(change),
                },
            ),
        ];
        next.renewal_offer = Some(offer);
        Ok((term.start, lines, Decimal::ZERO))
    }

    fn renew(&self, next: &mut Policy) -> Result<(Date, Vec<WorksheetLine>, Decimal), LifecycleError> {
        self.require_in_force(TransactionKind::Renew)?;
        let Some(offer) = &self.renewal_offer else { return Err(LifecycleError::NoRenewalOffer) };
        next.term = offer.term;
        next.term_premium = offer.premium;
        next.written_premium = offer.premium;
        next.charges = vec![Charge { from: offer.term.start, amount: offer.premium }];
        next.last_effective = offer.term.start;
        next.renewal_offer = None;
        next.renewals = self.renewals + 1;
        let lines = vec![
            line("Term", format!("{} to {} ({} days)", offer.term.start, offer.term.end, offer.term.days())),
            line("Rated on renewal pack", offer.pack_id.clone()),
            line("Term premium", money(offer.premium)),
            line("Charged for the new term", money(offer.premium)),
        ];
        Ok((offer.term.start, lines, offer.premium))
    }

    fn non_renew(
        &self,
        next: &mut Policy,
        rules: &ProductRules,
        reason: NonRenewalReason,
        today: Date,
    ) -> Result<(Date, Vec<WorksheetLine>, Decimal), LifecycleError> {
        self.require_in_force(TransactionKind::NonRenew)?;
        if !reason.applies_to(&self.product) {
            return Err(LifecycleError::ReasonNotAllowed { code: reason.code(), product: self.product.clone() });
        }
        let limits = state_limits(&self.state, &self.product);
        if limits.nonrenewal_forbidden.0.contains(&reason) {
            return Err(LifecycleError::ReasonNotAllowedByLaw { code: reason.code(), days: 0, law: limits.nonrenewal_forbidden.1 });
        }
        if let Some((days, law)) = limits.nonrenewal_max_notice {
            let first_mailing = self.term.end.saturating_sub(Duration::days(days));
            if today < first_mailing {
                return Err(LifecycleError::NonRenewalTooEarly { days, term_end: self.term.end, first_mailing, law });
            }
        }
        if self.renewal_offer.is_some() {
            return Err(LifecycleError::RenewalOffered);
        }
        if self.non_renewal.is_some() {
            return Err(LifecycleError::NonRenewed);
        }
        let notice_days = rules.notice.nonrenewal;
        let last_mailing = self.term.end.saturating_sub(Duration::days(notice_days));
        if today > last_mailing {
            return Err(LifecycleError::NonRenewalTooLate { notice_days, term_end: self.term.end, last_mailing });
        }
        next.non_renewal = Some(NonRenewal { reason, mailed_on: today, effective: self.term.end, notice_days });
        let lines = vec![
            line("Reason", format!("{} {}", reason.code(), reason.description())),
            line("Coverage ends", self.term.end.to_string()),
            line("Notice", format!("{notice_days} days ({}), mailed {today}, last day to mail {last_mailing}", rules.authority)),
        ];
        Ok((self.term.end, lines, Decimal::ZERO))
    }
}
