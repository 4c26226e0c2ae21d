//! What each product and state says about a policy's life: how premium is
//! split, how an insured's cancellation is penalised, the notice an insurer must
//! give, how long a cancelled policy may be reinstated and when a renewal offer
//! is due; and the reason codes.
//!
//! Notice periods are state law and live here, in code, like the rating
//! crate's `jurisdiction.rs`: they are days of notice mailed before the
//! effective date. The figures follow the states' statutes for personal auto
//! and homeowners as commonly summarised; like the bundled rate packs they are
//! illustrative and must be confirmed by compliance before real business.

use rust_decimal::Decimal;

use crate::error::LifecycleError;
use crate::proration::{ProrationMethod, ShortRate};

/// A renewal offer is produced this many days before the term ends.
pub const RENEWAL_OFFER_DAYS: i64 = 60;

/// An insured's cancellation may take effect up to this many days before the
/// day it is processed (the day the request was received, typically), never
/// earlier.
pub const INSURED_BACKDATE_DAYS: i64 = 30;

/// Days of notice an insurer must mail before a cancellation or non-renewal
/// takes effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NoticeDays {
    /// Cancellation for non-payment of premium.
    pub nonpayment: i64,
    /// Cancellation for any other reason the insurer may cancel for.
    pub other: i64,
    /// Non-renewal, before the term ends.
    pub nonrenewal: i64,
}

/// A product's lifecycle rules in one state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProductRules {
    pub state: &'static str,
    pub product: &'static str,
    pub proration: ProrationMethod,
    /// How an insured-initiated cancellation returns premium.
    pub insured_cancellation: ShortRate,
    pub notice: NoticeDays,
    /// A cancelled policy may be reinstated until this many days after the
    /// cancellation took effect.
    pub reinstatement_days: i64,
    /// Statute or regulation behind the notice periods.
    pub authority: &'static str,
}

const NINETY_PERCENT: ShortRate = ShortRate::PercentOfProRata { percent: Decimal::from_parts(90, 0, 0, false, 0) };

/// Every state and product the bundled packs write.
const RULES: [ProductRules; 10] = [
    ProductRules {
        state: "CA",
        product: "personal-auto",
        proration: ProrationMethod::Days,
        insured_cancellation: NINETY_PERCENT,
        notice: NoticeDays { nonpayment: 10, other: 20, nonrenewal: 20 },
        reinstatement_days: 30,
        authority: "Cal. Ins. Code 662, 663",
    },
    ProductRules {
        state: "CA",
        product: "homeowners-ho3",
        proration: ProrationMethod::Days,
        insured_cancellation: ShortRate::Table,
        notice: NoticeDays { nonpayment: 10, other: 20, nonrenewal: 45 },
        reinstatement_days: 30,
        authority: "Cal. Ins. Code 677, 678",
    },
    ProductRules {
        state: "NY",
        product: "personal-auto",
        proration: ProrationMethod::Days,
        insured_cancellation: NINETY_PERCENT,
        notice: NoticeDays { nonpayment: 15, other: 20, nonrenewal: 45 },
        reinstatement_days: 30,
        authority: "N.Y. Ins. Law 3425, 3426",
    },
    ProductRules {
        state: "NY",
        product: "homeowners-ho3",
        proration: ProrationMethod::Days,
        insured_cancellation: ShortRate::Table,
        notice: NoticeDays { nonpayment: 15, other: 30, nonrenewal: 45 },
        reinstatement_days: 30,
        authority: "N.Y. Ins. Law 3425",
    },
    ProductRules {
        state: "TX",
        product: "personal-auto",
        proration: ProrationMethod::Days,
        insured_cancellation: NINETY_PERCENT,
        notice: NoticeDays { nonpayment: 10, other: 10, nonrenewal: 30 },
        reinstatement_days: 30,
        authority: "Tex. Ins. Code 551.104, 551.105",
    },
    ProductRules {
        state: "TX",
        product: "homeowners-ho3",
        proration: ProrationMethod::Days,
        insured_cancellation: ShortRate::Table,
        notice: NoticeDays { nonpayment: 10, other: 10, nonrenewal: 30 },
        reinstatement_days: 30,
        authority: "Tex. Ins. Code 551.054, 551.105",
    },
    ProductRules {
        state: "FL",
        product: "personal-auto",
        proration: ProrationMethod::Days,
        insured_cancellation: NINETY_PERCENT,
        notice: NoticeDays { nonpayment: 10, other: 45, nonrenewal: 45 },
        reinstatement_days: 30,
        authority: "Fla. Stat. 627.728",
    },
    ProductRules {
        state: "FL",
        product: "homeowners-ho3",
        proration: ProrationMethod::Days,
        insured_cancellation: ShortRate::Table,
        notice: NoticeDays { nonpayment: 10, other: 120, nonrenewal: 120 },
        reinstatement_days: 30,
        authority: "Fla. Stat. 627.4133",
    },
    ProductRules {
        state: "IL",
        product: "personal-auto",
        proration: ProrationMethod::Days,
        insured_cancellation: NINETY_PERCENT,
        notice: NoticeDays { nonpayment: 10, other: 30, nonrenewal: 30 },
        reinstatement_days: 30,
        authority: "215 ILCS 5/143.14, 143.17",
    },
    ProductRules {
        state: "IL",
        product: "homeowners-ho3",
        proration: ProrationMethod::Months,
        insured_cancellation: ShortRate::Table,
        notice: NoticeDays { nonpayment: 10, other: 30, nonrenewal: 30 },
        reinstatement_days: 30,
        authority: "215 ILCS 5/143.21",
    },
];

/// The rules for `product` in `state` ("CA", "personal-auto").
pub fn product_rules(state: &str, product: &str) -> Result<&'static ProductRules, LifecycleError> {
    RULES
        .iter()
        .find(|r| r.state == state && r.product == product)
        .ok_or_else(|| LifecycleError::UnknownProduct { state: state.to_owned(), product: product.to_owned() })
}

/// What state law limits beyond the notice periods: the reasons an insurer
/// may still cancel for once a policy has been in effect a while, the
/// non-renewal reasons it may never give, and notice windows with an upper
/// bound. Illustrative, like the notice periods: confirm with compliance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateLimits {
    /// From this many days in effect (0: from the first day), an insurer may
    /// cancel only for these reasons; the law that says so.
    pub cancel_after: Option<(i64, &'static [CancelReason], &'static str)>,
    /// Non-renewal reasons the state does not allow; the law.
    pub nonrenewal_forbidden: (&'static [NonRenewalReason], &'static str),
    /// A non-renewal notice may be mailed at most this many days before the
    /// term ends; the law.
    pub nonrenewal_max_notice: Option<(i64, &'static str)>,
    /// A renewal offer (the renewal premium) must be mailed at least this
    /// many days before the term ends; the law.
    pub renewal_offer_notice: Option<(i64, &'static str)>,
}

use CancelReason::{LicenseSuspended as LS, MaterialMisrepresentation as MM, Nonpayment as NP, SubstantialChangeInRisk as SC};

/// The limits of one state and product.
pub fn state_limits(state: &str, product: &str) -> StateLimits {
    let auto = product == "personal-auto";
    let none = StateLimits { cancel_after: None, nonrenewal_forbidden: (&[], ""), nonrenewal_max_notice: None, renewal_offer_notice: None };
    match (state, auto) {
        // Cancellation or non-renewal only for non-payment, fraud or
        // misrepresentation, or a substantial increase in the hazard, from
        // the first day; agency termination is not such an increase.
        ("CA", true) => StateLimits {
            cancel_after: Some((0, &[NP, MM, SC, LS], "Cal. Ins. Code 661 and 1861.03(c)")),
            nonrenewal_forbidden: (
                &[NonRenewalReason::UnderwritingGuidelines, NonRenewalReason::AgencyTerminated],
                "Cal. Ins. Code 1861.03(c) and 10 CCR 2632.19(a)(7)",
            ),
            ..none
        },
        ("CA", false) => StateLimits { cancel_after: Some((60, &[NP, MM, SC], "Cal. Ins. Code 676")), ..none },
        ("NY", _) => StateLimits {
            cancel_after: Some((60, if auto { &[NP, MM, LS, SC] } else { &[NP, MM, SC] }, "N.Y. Ins. Law 3425(c)")),
            nonrenewal_max_notice: Some((60, "N.Y. Ins. Law 3425(d) and VTL 313(1)(a): at least 45 but not more than 60 days")),
            ..none
        },
        ("FL", true) => StateLimits { cancel_after: Some((60, &[NP, MM, LS], "Fla. Stat. 627.728(3)(a)")), ..none },
        ("FL", false) => StateLimits {
            cancel_after: Some((90, &[NP, MM, SC], "Fla. Stat. 627.4133(2)")),
            renewal_offer_notice: Some((45, "Fla. Stat. 627.4133(1)(a): the renewal premium at least 45 days before the term ends")),
            ..none
        },
        ("TX", _) => {
            StateLimits { cancel_after: Some((60, if auto { &[NP, MM, LS, SC] } else { &[NP, MM, SC] }, "Tex. Ins. Code 551.104")), ..none }
        }
        ("IL", true) => StateLimits { cancel_after: Some((60, &[NP, MM, LS, SC], "215 ILCS 5/143.19")), ..none },
        ("IL", false) => StateLimits { cancel_after: Some((60, &[NP, MM, SC], "215 ILCS 5/143.21")), ..none },
        _ => none,
    }
}

/// Who asked for a cancellation decides how premium is returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum CancelReason {
    /// The insured asked (short rate, or flat before the term starts).
    InsuredRequest,
    /// The insured replaced the policy or sold the car or home (short rate).
    InsuredReplacedCoverage,
    /// The premium was not paid (insurer; pro rata; non-payment notice).
    Nonpayment,
    /// The application misstated a material fact (insurer; pro rata).
    MaterialMisrepresentation,
    /// The named insured's or a regular driver's licence was suspended or
    /// revoked (insurer; auto only).
    LicenseSuspended,
    /// The risk changed substantially since the policy was written (insurer).
    SubstantialChangeInRisk,
    /// The policy was written in error or fails underwriting within the
    /// underwriting period (insurer).
    UnderwritingError,
    /// The named insured entered active military service or received
    /// orders (the insured asks; pro rata, no penalty: Florida requires it
    /// for auto, Fla. Stat. 627.7283(5)).
    MilitaryService,
}

impl CancelReason {
    pub const ALL: [CancelReason; 8] = [
        Self::InsuredRequest,
        Self::InsuredReplacedCoverage,
        Self::Nonpayment,
        Self::MaterialMisrepresentation,
        Self::LicenseSuspended,
        Self::SubstantialChangeInRisk,
        Self::UnderwritingError,
        Self::MilitaryService,
    ];

    /// The code on notices and in the audit log.
    pub const fn code(self) -> &'static str {
        match self {
            Self::InsuredRequest => "CX-IR",
            Self::InsuredReplacedCoverage => "CX-RC",
            Self::Nonpayment => "CX-NP",
            Self::MaterialMisrepresentation => "CX-MM",
            Self::LicenseSuspended => "CX-LS",
            Self::SubstantialChangeInRisk => "CX-SC",
            Self::UnderwritingError => "CX-UW",
            Self::MilitaryService => "CX-MS",
        }
    }

    /// The reason as a notice states it.
    pub const fn description(self) -> &'static str {
        match self {
            Self::InsuredRequest => "Cancelled at the request of the named insured",
            Self::InsuredReplacedCoverage => "Cancelled at the insured's request: coverage replaced, or the insured property sold",
            Self::Nonpayment => "Non-payment of premium",
            Self::MaterialMisrepresentation => "Material misrepresentation or fraud in the application",
            Self::LicenseSuspended => "Suspension or revocation of the driver's license of the named insured or a regular operator",
            Self::SubstantialChangeInRisk => "Substantial change in the risk since the policy was issued",
            Self::UnderwritingError => "The policy does not meet the company's underwriting guidelines (underwriting period)",
            Self::MilitaryService => "Cancelled at the insured's request: active military service or orders",
        }
    }

    /// Whether the insured asked for it.
    pub const fn insured_initiated(self) -> bool {
        matches!(self, Self::InsuredRequest | Self::InsuredReplacedCoverage | Self::MilitaryService)
    }

    /// Whether the insured's cancellation keeps the short-rate penalty: a
    /// servicemember's does not.
    pub const fn short_rate(self) -> bool {
        matches!(self, Self::InsuredRequest | Self::InsuredReplacedCoverage)
    }

    /// The notice the insurer must give; none for an insured's request.
    pub const fn notice_days(self, notice: &NoticeDays) -> i64 {
        match self {
            Self::InsuredRequest | Self::InsuredReplacedCoverage | Self::MilitaryService => 0,
            Self::Nonpayment => notice.nonpayment,
            _ => notice.other,
        }
    }

    /// Whether the reason applies to `product`.
    pub fn applies_to(self, product: &str) -> bool {
        self != Self::LicenseSuspended || product == "personal-auto"
    }
}

/// Why an insurer will not renew. There is deliberately no credit reason:
/// Texas forbids credit as the sole reason to non-renew, and the others
/// restrict it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum NonRenewalReason {
    /// Claims frequency or severity beyond the guidelines.
    LossHistory,
    /// Violations or at-fault accidents beyond the guidelines (auto).
    DrivingRecord,
    /// The dwelling's condition: roof, wiring, upkeep (homeowners).
    PropertyCondition,
    /// The company no longer writes this class of risk in the area.
    UnderwritingGuidelines,
    /// The producing agent's contract ended and no other agent took the policy.
    AgencyTerminated,
}

impl NonRenewalReason {
    pub const ALL: [NonRenewalReason; 5] =
        [Self::LossHistory, Self::DrivingRecord, Self::PropertyCondition, Self::UnderwritingGuidelines, Self::AgencyTerminated];

    pub const fn code(self) -> &'static str {
        match self {
            Self::LossHistory => "NR-LH",
            Self::DrivingRecord => "NR-DR",
            Self::PropertyCondition => "NR-PC",
            Self::UnderwritingGuidelines => "NR-UG",
            Self::AgencyTerminated => "NR-AT",
        }
    }

    pub const fn description(self) -> &'static str {
        match self {
            Self::LossHistory => "Loss history: claims beyond the company's underwriting guidelines",
            Self::DrivingRecord => "Driving record: violations or at-fault accidents beyond the company's guidelines",
            Self::PropertyCondition => "Condition of the insured property does not meet the company's guidelines",
            Self::UnderwritingGuidelines => "The company no longer writes this class of risk in your area",
            Self::AgencyTerminated => "Your agent no longer represents the company and no other agent has taken the policy",
        }
    }

    pub fn applies_to(self, product: &str) -> bool {
        match self {
            Self::DrivingRecord => product == "personal-auto",
            Self::PropertyCondition => product == "homeowners-ho3",
            _ => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_state_and_product_has_rules() {
        for state in ["CA", "NY", "TX", "FL", "IL"] {
            for product in ["personal-auto", "homeowners-ho3"] {
                let rules = product_rules(state, product).unwrap_or_else(|e| panic!("{e}"));
                assert!(rules.notice.nonrenewal > 0 && rules.notice.other > 0 && rules.notice.nonpayment > 0);
            }
        }
        assert!(matches!(product_rules("HI", "personal-auto"), Err(LifecycleError::UnknownProduct { .. })));
    }

    #[test]
    fn codes_are_unique() {
        let mut codes: Vec<_> = CancelReason::ALL.iter().map(|r| r.code()).chain(NonRenewalReason::ALL.iter().map(|r| r.code())).collect();
        let count = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), count);
    }

    #[test]
    fn ninety_percent_is_ninety() {
        assert_eq!(NINETY_PERCENT, ShortRate::PercentOfProRata { percent: Decimal::from(90) });
    }
}
