//! The policy lifecycle's money: the public worked examples that
//! `docs/policy-lifecycle.md` gives, each transaction's rules, and properties.
#![allow(clippy::unwrap_used)]

use std::str::FromStr;

use proptest::prelude::*;
use rust_decimal::Decimal;
use time::macros::date;
use time::{Date, Duration};
use uw_policy::{
    pro_rata_return, prorate, short_rate_retained, short_rate_return, CancelMethod, CancelReason, LifecycleError, NonRenewalReason, Policy,
    PolicyStatus, ProrationMethod, ShortRate, Term, Transaction, TransactionKind,
};
use uw_rating::Refunds;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn year_2021() -> Term {
    Term::new(date!(2021 - 01 - 01), date!(2022 - 01 - 01)).unwrap()
}

// ---- the worked examples of docs/policy-lifecycle.md ----------------------------------

#[test]
fn five_hundred_cancelled_after_150_days_returns_294_52_pro_rata_and_265_07_short_rate() {
    let term = year_2021();
    let cancelled = term.start + Duration::days(150);
    assert_eq!(pro_rata_return(dec("500"), &term, cancelled, ProrationMethod::Days).unwrap(), dec("294.52"));
    let ninety = ShortRate::PercentOfProRata { percent: dec("90") };
    assert_eq!(short_rate_return(dec("500"), &term, cancelled, ProrationMethod::Days, ninety).unwrap(), dec("265.07"));
}

#[test]
fn a_thousand_split_on_july_first_is_495_89_by_days_and_500_by_months() {
    let term = year_2021();
    let split = date!(2021 - 07 - 01);
    assert_eq!(prorate(dec("1000"), &term, term.start, split, ProrationMethod::Days).unwrap(), dec("495.89"));
    assert_eq!(prorate(dec("1000"), &term, term.start, split, ProrationMethod::Months).unwrap(), dec("500.00"));
}

#[test]
fn the_standard_short_rate_table_matches_the_published_values() {
    let published = [
        (1, "0.25"),
        (54, "0.25"),
        (55, "0.26"),
        (75, "0.31"),
        (90, "0.35"),
        (112, "0.41"),
        (149, "0.51"),
        (150, "0.52"),
        (186, "0.61"),
        (223, "0.69"),
        (260, "0.77"),
        (297, "0.86"),
        (334, "0.94"),
        (338, "0.95"),
        (343, "0.96"),
        (347, "0.97"),
        (365, "1.00"),
    ];
    for (days, retained) in published {
        assert_eq!(short_rate_retained(days, 365), dec(retained), "{days} days");
    }
}

#[test]
fn the_table_short_rate_return_is_the_premium_less_what_the_table_keeps() {
    let term = year_2021();
    // 150 days retains 52%: $500 returns $240.00.
    let returned = short_rate_return(dec("500"), &term, term.start + Duration::days(150), ProrationMethod::Days, ShortRate::Table).unwrap();
    assert_eq!(returned, dec("240.00"));
}

// ---- transactions -----------------------------------------------------------------------

/// A CA auto policy (days; 90% of pro rata for the insured) bound for $500 in 2021.
fn ca_auto() -> Policy {
    Policy::bind("CA-PA-2021-000001", "CA", "personal-auto", year_2021(), dec("500"), Refunds::default()).unwrap().policy
}

fn apply(policy: &Policy, transaction: Transaction, today: Date) -> Result<uw_policy::Applied, LifecycleError> {
    policy.apply(&transaction, today)
}

#[test]
fn bind_charges_the_term_premium_at_version_one() {
    let applied = Policy::bind("CA-PA-2021-000001", "CA", "personal-auto", year_2021(), dec("500"), Refunds::default()).unwrap();
    assert_eq!(applied.policy.version, 1);
    assert_eq!(applied.policy.written_premium, dec("500.00"));
    assert_eq!(applied.worksheet.kind, TransactionKind::Bind);
    assert_eq!(applied.worksheet.amount, dec("500.00"));
}

#[test]
fn an_insureds_cancellation_is_short_rate_and_the_worksheet_shows_the_penalty() {
    let policy = ca_auto();
    let effective = date!(2021 - 05 - 31); // day 150
    let applied = apply(&policy, Transaction::Cancel { effective, reason: CancelReason::InsuredRequest }, effective).unwrap();
    let cancellation = applied.policy.cancellation.clone().unwrap();
    assert_eq!(cancellation.method, CancelMethod::ShortRate);
    assert_eq!(cancellation.returned, dec("265.07"));
    assert_eq!(cancellation.penalty, dec("29.45"));
    assert_eq!(applied.worksheet.amount, dec("-265.07"));
    assert_eq!(applied.policy.written_premium, dec("234.93"));
    assert_eq!(applied.policy.status, PolicyStatus::Cancelled);
    assert_eq!(applied.policy.version, 2);
    let text: Vec<String> = applied.worksheet.lines.iter().map(|l| format!("{}: {}", l.label, l.value)).collect();
    assert!(text.contains(&"Pro-rata return: 294.52".to_string()), "{text:?}");
    assert!(text.contains(&"Short rate: 90% of pro rata".to_string()), "{text:?}");
    assert!(text.contains(&"Unearned: 215 of 365 days".to_string()), "{text:?}");
}

#[test]
fn an_insurers_cancellation_is_pro_rata_and_needs_the_states_notice() {
    let policy = ca_auto();
    let today = date!(2021 - 05 - 11);
    // California: 20 days for reasons other than non-payment.
    let too_soon =
        apply(&policy, Transaction::Cancel { effective: date!(2021 - 05 - 30), reason: CancelReason::SubstantialChangeInRisk }, today);
    assert_eq!(too_soon.unwrap_err(), LifecycleError::NoticeTooShort { notice_days: 20, earliest: date!(2021 - 05 - 31) });
    let applied =
        apply(&policy, Transaction::Cancel { effective: date!(2021 - 05 - 31), reason: CancelReason::SubstantialChangeInRisk }, today)
            .unwrap();
    let cancellation = applied.policy.cancellation.unwrap();
    assert_eq!((cancellation.method, cancellation.returned, cancellation.penalty), (CancelMethod::ProRata, dec("294.52"), dec("0")));
    // Non-payment needs only 10 days.
    let nonpayment =
        apply(&policy, Transaction::Cancel { effective: date!(2021 - 05 - 21), reason: CancelReason::Nonpayment }, today).unwrap();
    assert_eq!(nonpayment.policy.cancellation.unwrap().notice_days, 10);
}

#[test]
fn a_cancellation_when_the_term_starts_is_flat() {
    let policy = ca_auto();
    let applied =
        apply(&policy, Transaction::Cancel { effective: policy.term.start, reason: CancelReason::InsuredRequest }, policy.term.start)
            .unwrap();
    let cancellation = applied.policy.cancellation.unwrap();
    assert_eq!((cancellation.method, cancellation.returned), (CancelMethod::Flat, dec("500.00")));
    assert_eq!(applied.policy.written_premium, dec("0.00"));
}

#[test]
fn homeowners_insureds_cancel_by_the_short_rate_table() {
    let policy = Policy::bind("TX-HO-2021-000001", "TX", "homeowners-ho3", year_2021(), dec("1200"), Refunds::default()).unwrap().policy;
    let effective = policy.term.start + Duration::days(90);
    let applied = apply(&policy, Transaction::Cancel { effective, reason: CancelReason::InsuredReplacedCoverage }, effective).unwrap();
    // 90 days retains 35%: 1,200 × 0.65 = 780.00; pro rata would be 1,200 × 275/365 = 904.11.
    let cancellation = applied.policy.cancellation.unwrap();
    assert_eq!((cancellation.returned, cancellation.penalty), (dec("780.00"), dec("124.11")));
}

/// F4: the refund on an insured's cancellation is what the rate pack that
/// priced the policy files. The bundled Texas homeowners pack files pro rata
/// (a home sold, or any request); before, every Texas home kept the
/// short-rate table's 25 % minimum, 10 days in (the review's example).
#[test]
fn a_homeowners_refund_is_what_the_pack_files() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rate-packs");
    let pack = |name: &str| {
        uw_rating::RatePack::load_dir(&dir.join(name), uw_rating::LoadMode::Verified(&uw_rating::TrustedKeys::development())).unwrap()
    };
    let tx = pack("tx-homeowners-ho3").refunds();
    let policy = Policy::bind("TX-HO-2021-000001", "TX", "homeowners-ho3", year_2021(), dec("1200"), tx).unwrap().policy;
    let effective = policy.term.start + Duration::days(10);
    for reason in [CancelReason::InsuredRequest, CancelReason::InsuredReplacedCoverage] {
        let cancellation = apply(&policy, Transaction::Cancel { effective, reason }, effective).unwrap().policy.cancellation.unwrap();
        // 1,200 × 355/365 = 1,167.12, no penalty.
        assert_eq!(
            (cancellation.method, cancellation.returned, cancellation.penalty),
            (CancelMethod::ProRata, dec("1167.12"), dec("0")),
            "{reason:?}"
        );
    }
    // California files the short-rate table at the insured's request and
    // pro rata for a home sold.
    let ca = pack("ca-homeowners-ho3").refunds();
    let policy = Policy::bind("CA-HO-2021-000001", "CA", "homeowners-ho3", year_2021(), dec("1200"), ca).unwrap().policy;
    let sold = apply(&policy, Transaction::Cancel { effective, reason: CancelReason::InsuredReplacedCoverage }, effective).unwrap();
    assert_eq!(sold.policy.cancellation.unwrap().method, CancelMethod::ProRata);
    let asked = apply(&policy, Transaction::Cancel { effective, reason: CancelReason::InsuredRequest }, effective).unwrap();
    let asked = asked.policy.cancellation.unwrap();
    // 10 days retains the table's minimum 25 %: 1,200 × 0.75 = 900.00.
    assert_eq!((asked.method, asked.returned), (CancelMethod::ShortRate, dec("900.00")));
    // The policy keeps what was filed, whatever the pack does later.
    let json = serde_json::to_value(&policy).unwrap();
    assert_eq!(
        json["refunds"],
        serde_json::json!({ "insured_request": { "method": "short-rate-table" }, "replaced_or_sold": { "method": "pro-rata" } })
    );
}

#[test]
fn reinstatement_reverses_the_cancellation_and_its_penalty_within_the_window() {
    let policy = ca_auto();
    let effective = date!(2021 - 05 - 31);
    let cancelled = apply(&policy, Transaction::Cancel { effective, reason: CancelReason::InsuredRequest }, effective).unwrap().policy;
    let closed = apply(&cancelled, Transaction::Reinstate, date!(2021 - 07 - 01));
    assert_eq!(closed.unwrap_err(), LifecycleError::ReinstatementWindowClosed { last_day: date!(2021 - 06 - 30), days: 30 });
    let reinstated = apply(&cancelled, Transaction::Reinstate, date!(2021 - 06 - 30)).unwrap();
    assert_eq!(reinstated.worksheet.amount, dec("265.07"));
    assert_eq!(reinstated.policy.status, PolicyStatus::InForce);
    assert_eq!(reinstated.policy.written_premium, policy.written_premium);
    assert_eq!(reinstated.policy.cancellation, None);
    assert_eq!(reinstated.policy.version, 3);
    assert_eq!(apply(&policy, Transaction::Reinstate, effective).unwrap_err(), LifecycleError::NotCancelled);
}

#[test]
fn an_endorsement_charges_the_difference_pro_rata_for_the_rest_of_the_term() {
    let policy = ca_auto();
    // Add a car on day 150: the whole-term premium goes from 500 to 860.
    let effective = date!(2021 - 05 - 31);
    let endorse = Transaction::Endorse { effective, term_premium: dec("860"), description: "Add 2019 Toyota Camry".into() };
    let applied = apply(&policy, endorse, effective).unwrap();
    // 360 × 215/365 = 212.0547… → 212.05.
    assert_eq!(applied.worksheet.amount, dec("212.05"));
    assert_eq!(applied.policy.written_premium, dec("712.05"));
    assert_eq!(applied.policy.term_premium, dec("860.00"));
    // Cancelling it pro rata later returns the unearned part of both charges.
    let later = date!(2021 - 10 - 01);
    let cancelled =
        apply(&applied.policy, Transaction::Cancel { effective: later, reason: CancelReason::Nonpayment }, later - Duration::days(10))
            .unwrap();
    // 500 × 92/365 + 212.05 × 92/215 = 126.0273… + 90.7376… = 216.765… → 216.77.
    assert_eq!(cancelled.policy.cancellation.unwrap().returned, dec("216.77"));
}

#[test]
fn an_out_of_sequence_endorsement_is_refused_clearly() {
    let policy = ca_auto();
    let first = Transaction::Endorse { effective: date!(2021 - 06 - 01), term_premium: dec("600"), description: "Raise limits".into() };
    let policy = apply(&policy, first, date!(2021 - 06 - 01)).unwrap().policy;
    let earlier = Transaction::Endorse { effective: date!(2021 - 04 - 01), term_premium: dec("550"), description: "Add driver".into() };
    let err = apply(&policy, earlier, date!(2021 - 06 - 02)).unwrap_err();
    assert_eq!(err, LifecycleError::OutOfSequence { effective: date!(2021 - 04 - 01), latest: date!(2021 - 06 - 01) });
    assert_eq!(err.code(), "policy.out_of_sequence");
    assert!(err.to_string().contains("before 2021-06-01"), "{err}");
}

#[test]
fn a_cancelled_policy_cannot_be_endorsed_and_outside_the_term_is_refused() {
    let policy = ca_auto();
    let outside = Transaction::Endorse { effective: date!(2022 - 01 - 01), term_premium: dec("600"), description: "x".into() };
    assert!(matches!(apply(&policy, outside, date!(2021 - 12 - 01)), Err(LifecycleError::OutsideTerm { .. })));
    let cancelled = apply(
        &policy,
        Transaction::Cancel { effective: date!(2021 - 03 - 01), reason: CancelReason::InsuredRequest },
        date!(2021 - 03 - 01),
    )
    .unwrap()
    .policy;
    let endorse = Transaction::Endorse { effective: date!(2021 - 04 - 01), term_premium: dec("600"), description: "x".into() };
    assert_eq!(
        apply(&cancelled, endorse, date!(2021 - 04 - 01)).unwrap_err(),
        LifecycleError::NotInForce { status: "cancelled", kind: "endorse" }
    );
}

#[test]
fn a_renewal_is_offered_sixty_days_out_on_the_renewal_premium_and_accepted() {
    let policy = ca_auto();
    let offer = Transaction::OfferRenewal { premium: dec("540"), pack_id: "ca-personal-auto@2026.1".into() };
    assert_eq!(
        apply(&policy, offer.clone(), date!(2021 - 11 - 01)).unwrap_err(),
        LifecycleError::RenewalNotDue { offer_from: date!(2021 - 11 - 02), days: 60 }
    );
    let offered = apply(&policy, offer, date!(2021 - 11 - 02)).unwrap();
    let renewal = offered.policy.renewal_offer.clone().unwrap();
    assert_eq!(renewal.term, Term::new(date!(2022 - 01 - 01), date!(2023 - 01 - 01)).unwrap());
    assert_eq!((renewal.change, renewal.change_percent), (dec("40.00"), Some(dec("8.0"))));
    assert_eq!(offered.worksheet.amount, dec("0"));
    let renewed = apply(&offered.policy, Transaction::Renew, date!(2021 - 12 - 15)).unwrap();
    assert_eq!(renewed.policy.term.start, date!(2022 - 01 - 01));
    assert_eq!((renewed.policy.term_premium, renewed.policy.written_premium, renewed.policy.renewals), (dec("540.00"), dec("540.00"), 1));
    assert_eq!(apply(&policy, Transaction::Renew, date!(2021 - 12 - 15)).unwrap_err(), LifecycleError::NoRenewalOffer);
}

#[test]
fn a_non_renewal_needs_the_states_notice_before_the_term_ends() {
    let policy = Policy::bind("FL-HO-2021-000001", "FL", "homeowners-ho3", year_2021(), dec("2400"), Refunds::default()).unwrap().policy;
    // Florida homeowners: 120 days, so the last day to mail is 2021-09-03.
    let late = apply(&policy, Transaction::NonRenew { reason: NonRenewalReason::PropertyCondition }, date!(2021 - 09 - 04));
    assert_eq!(
        late.unwrap_err(),
        LifecycleError::NonRenewalTooLate { notice_days: 120, term_end: date!(2022 - 01 - 01), last_mailing: date!(2021 - 09 - 03) }
    );
    let applied = apply(&policy, Transaction::NonRenew { reason: NonRenewalReason::PropertyCondition }, date!(2021 - 09 - 03)).unwrap();
    let non_renewal = applied.policy.non_renewal.clone().unwrap();
    assert_eq!((non_renewal.effective, non_renewal.notice_days), (date!(2022 - 01 - 01), 120));
    assert_eq!(applied.policy.status, PolicyStatus::InForce);
    let offer = Transaction::OfferRenewal { premium: dec("2500"), pack_id: "fl".into() };
    assert_eq!(apply(&applied.policy, offer, date!(2021 - 11 - 15)).unwrap_err(), LifecycleError::NonRenewed);
    // A driving-record reason does not apply to a home.
    let wrong = apply(&policy, Transaction::NonRenew { reason: NonRenewalReason::DrivingRecord }, date!(2021 - 06 - 01));
    assert!(matches!(wrong, Err(LifecycleError::ReasonNotAllowed { code: "NR-DR", .. })));
}

#[test]
fn a_stale_version_is_named_with_the_current_one() {
    let policy = ca_auto();
    assert_eq!(policy.check_version(1), Ok(()));
    assert_eq!(policy.check_version(0), Err(LifecycleError::StaleVersion { given: 0, current: 1 }));
}

#[test]
fn illinois_homeowners_prorate_by_months() {
    let policy = Policy::bind("IL-HO-2021-000001", "IL", "homeowners-ho3", year_2021(), dec("1000"), Refunds::default()).unwrap().policy;
    let effective = date!(2021 - 07 - 01);
    let applied = apply(&policy, Transaction::Cancel { effective, reason: CancelReason::Nonpayment }, date!(2021 - 06 - 01)).unwrap();
    assert_eq!(applied.policy.cancellation.unwrap().returned, dec("500.00"));
}

// ---- properties -------------------------------------------------------------------------

fn cents() -> impl Strategy<Value = Decimal> {
    (0i64..50_000_000).prop_map(|c| Decimal::new(c, 2))
}

fn product() -> impl Strategy<Value = (&'static str, &'static str)> {
    prop::sample::select(vec![
        ("CA", "personal-auto"),
        ("NY", "homeowners-ho3"),
        ("TX", "personal-auto"),
        ("FL", "homeowners-ho3"),
        ("IL", "homeowners-ho3"),
        ("IL", "personal-auto"),
    ])
}

fn term() -> impl Strategy<Value = Term> {
    (0i64..3650, prop::sample::select(vec![6u32, 12]))
        .prop_map(|(offset, months)| Term::of_months(date!(2020 - 01 - 01) + Duration::days(offset), months).unwrap())
}

proptest! {
    #[test]
    fn proration_over_the_whole_term_is_the_term_premium(premium in cents(), term in term(), months in any::<bool>()) {
        let method = if months { ProrationMethod::Months } else { ProrationMethod::Days };
        prop_assert_eq!(prorate(premium, &term, term.start, term.end, method).unwrap(), premium);
    }

    #[test]
    fn an_endorsement_and_its_reverse_restore_the_premium(
        (state, product) in product(), term in term(), premium in cents(), changed in cents(), day in 0i64..400,
    ) {
        let policy = Policy::bind("P", state, product, term, premium, Refunds::default()).unwrap().policy;
        let effective = term.start + Duration::days(day % term.days());
        let change = Transaction::Endorse { effective, term_premium: changed, description: "change".into() };
        let endorsed = policy.apply(&change, effective).unwrap();
        let reverse = Transaction::Endorse { effective, term_premium: premium, description: "reverse".into() };
        let reversed = endorsed.policy.apply(&reverse, effective).unwrap();
        prop_assert_eq!(reversed.policy.term_premium, policy.term_premium);
        prop_assert_eq!(reversed.policy.written_premium, policy.written_premium);
        prop_assert_eq!(endorsed.worksheet.amount + reversed.worksheet.amount, Decimal::ZERO);
    }

    #[test]
    fn a_refund_never_exceeds_what_was_paid(
        (state, product) in product(), term in term(), premium in cents(),
        changes in prop::collection::vec((cents(), 0i64..400), 0..5), cancel_day in 0i64..400, insured in any::<bool>(),
    ) {
        let mut policy = Policy::bind("P", state, product, term, premium, Refunds::default()).unwrap().policy;
        let mut days: Vec<i64> = changes.iter().map(|(_, d)| d % term.days()).collect();
        days.sort_unstable();
        for ((changed, _), day) in changes.iter().zip(days) {
            let effective = term.start + Duration::days(day);
            let change = Transaction::Endorse { effective, term_premium: *changed, description: "change".into() };
            policy = policy.apply(&change, effective).unwrap().policy;
        }
        let earliest = (policy.last_effective - term.start).whole_days();
        let effective = term.start + Duration::days(earliest + cancel_day % (term.days() - earliest));
        let (reason, today) = if insured {
            (CancelReason::InsuredRequest, effective)
        } else {
            (CancelReason::Nonpayment, effective - Duration::days(15))
        };
        let paid = policy.written_premium;
        let cancelled = policy.apply(&Transaction::Cancel { effective, reason }, today).unwrap();
        let returned = cancelled.policy.cancellation.as_ref().unwrap().returned;
        prop_assert!(returned >= Decimal::ZERO, "returned {returned}");
        prop_assert!(returned <= paid, "returned {returned} of {paid} paid");
        prop_assert!(cancelled.policy.cancellation.as_ref().unwrap().penalty >= Decimal::ZERO);
    }
}

// ---- state law on reasons and windows (domain review F1-F3) ------------------------------

fn bound(state: &str, product: &str) -> Policy {
    Policy::bind(&format!("{state}-X-2021-000001"), state, product, year_2021(), dec("1200"), Refunds::default()).unwrap().policy
}

/// Cal. Ins. Code 661 and 1861.03(c): California auto may be cancelled or
/// non-renewed only for non-payment, fraud or misrepresentation, or a
/// substantial increase in the hazard, and 10 CCR 2632.19(a)(7) says an
/// agency termination is not one. The review's case: day 200.
#[test]
fn california_auto_is_cancelled_and_non_renewed_only_for_the_reasons_the_law_lists() {
    let policy = bound("CA", "personal-auto");
    let today = date!(2021 - 07 - 20); // day 200
    let effective = date!(2021 - 08 - 20);
    let err = apply(&policy, Transaction::Cancel { effective, reason: CancelReason::UnderwritingError }, today).unwrap_err();
    assert_eq!(err.code(), "policy.reason_not_allowed");
    assert!(err.to_string().contains("Cal. Ins. Code 661 and 1861.03(c)"), "{err}");
    // Even on day one: the statute is not limited to an underwriting period.
    let day_one = apply(
        &policy,
        Transaction::Cancel { effective: date!(2021 - 02 - 01), reason: CancelReason::UnderwritingError },
        date!(2021 - 01 - 02),
    );
    assert_eq!(day_one.map_err(|e| e.code()).err(), Some("policy.reason_not_allowed"));
    apply(&policy, Transaction::Cancel { effective, reason: CancelReason::SubstantialChangeInRisk }, today).unwrap();
    let err = apply(&policy, Transaction::NonRenew { reason: NonRenewalReason::AgencyTerminated }, today).unwrap_err();
    assert!(err.to_string().contains("10 CCR 2632.19(a)(7)"), "{err}");
    let guidelines = apply(&policy, Transaction::NonRenew { reason: NonRenewalReason::UnderwritingGuidelines }, today);
    assert_eq!(guidelines.map_err(|e| e.code()).err(), Some("policy.reason_not_allowed"));
    apply(&policy, Transaction::NonRenew { reason: NonRenewalReason::DrivingRecord }, today).unwrap();
}

/// After the first 60 days (90 for Florida homes) an insurer may cancel only
/// for the reasons each statute lists; before, for any reason with notice.
#[test]
fn after_the_underwriting_period_an_insurer_cancels_only_for_the_listed_reasons() {
    for (state, product, period) in [
        ("NY", "personal-auto", 60),
        ("NY", "homeowners-ho3", 60),
        ("FL", "personal-auto", 60),
        ("FL", "homeowners-ho3", 90),
        ("TX", "homeowners-ho3", 60),
        ("IL", "personal-auto", 60),
        ("CA", "homeowners-ho3", 60),
    ] {
        let policy = bound(state, product);
        let early = year_2021().start + Duration::days(period - 1);
        let late = year_2021().start + Duration::days(period);
        let effective = |today: Date| today + Duration::days(130);
        apply(&policy, Transaction::Cancel { effective: effective(early), reason: CancelReason::UnderwritingError }, early)
            .unwrap_or_else(|e| panic!("{state} {product} day {}: {e}", period - 1));
        let err =
            apply(&policy, Transaction::Cancel { effective: effective(late), reason: CancelReason::UnderwritingError }, late).unwrap_err();
        assert!(err.to_string().contains(&format!("in effect {period} days")), "{state} {product}: {err}");
        apply(&policy, Transaction::Cancel { effective: effective(late), reason: CancelReason::Nonpayment }, late).unwrap();
    }
}

/// N.Y. Ins. Law 3425(d), VTL 313(1)(a): a non-renewal notice at least 45
/// but not more than 60 days before the term ends. The review's case: 90.
#[test]
fn a_new_york_non_renewal_is_mailed_between_sixty_and_forty_five_days_ahead() {
    let policy = bound("NY", "personal-auto");
    let err = apply(&policy, Transaction::NonRenew { reason: NonRenewalReason::DrivingRecord }, date!(2021 - 10 - 03)).unwrap_err();
    assert_eq!(err.code(), "policy.notice_too_early");
    assert_eq!(
        err,
        LifecycleError::NonRenewalTooEarly {
            days: 60,
            term_end: date!(2022 - 01 - 01),
            first_mailing: date!(2021 - 11 - 02),
            law: "N.Y. Ins. Law 3425(d) and VTL 313(1)(a): at least 45 but not more than 60 days"
        }
    );
    apply(&policy, Transaction::NonRenew { reason: NonRenewalReason::DrivingRecord }, date!(2021 - 11 - 02)).unwrap();
    assert!(
        apply(&policy, Transaction::NonRenew { reason: NonRenewalReason::DrivingRecord }, date!(2021 - 11 - 18)).is_err(),
        "under 45 days"
    );
}

/// Fla. Stat. 627.4133(1)(a): the renewal premium at least 45 days before
/// the term ends. The review's case: 20 days.
#[test]
fn a_florida_home_renewal_offer_comes_at_least_forty_five_days_ahead() {
    let policy = bound("FL", "homeowners-ho3");
    let offer = || Transaction::OfferRenewal { premium: dec("1300"), pack_id: "fl-homeowners-ho3/2026.1".into() };
    let err = apply(&policy, offer(), date!(2021 - 12 - 12)).unwrap_err();
    assert_eq!(err.code(), "policy.renewal_too_late");
    assert!(err.to_string().contains("the last day was 2021-11-17"), "{err}");
    apply(&policy, offer(), date!(2021 - 11 - 17)).unwrap();
    // Other states keep the plain window (up to the day before the term ends).
    apply(&bound("TX", "homeowners-ho3"), offer(), date!(2021 - 12 - 12)).unwrap();
}

/// Fla. Stat. 627.7283(5): a servicemember who cancels gets the whole
/// unearned premium back, without the short-rate penalty (domain review
/// F4). The same $500 policy on day 150: 294.52 pro rata, where the insured's
/// own request returns 90 % of it.
#[test]
fn a_servicemember_cancelling_gets_the_whole_unearned_premium() {
    let policy = Policy::bind("FL-PA-2021-000001", "FL", "personal-auto", year_2021(), dec("500"), Refunds::default()).unwrap().policy;
    let effective = date!(2021 - 05 - 31); // day 150
    let service = apply(&policy, Transaction::Cancel { effective, reason: CancelReason::MilitaryService }, effective).unwrap();
    let c = service.policy.cancellation.unwrap();
    assert_eq!((c.method, c.returned, c.penalty), (CancelMethod::ProRata, dec("294.52"), dec("0")));
    assert_eq!(c.notice_days, 0, "the insured asked");
    let own = apply(&policy, Transaction::Cancel { effective, reason: CancelReason::InsuredRequest }, effective).unwrap();
    assert_eq!(own.policy.cancellation.unwrap().returned, dec("265.07"));
}
