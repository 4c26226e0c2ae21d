//! California's Good Driver discount (Ins. Code 1861.02, 1861.025) and its
//! ban on credit, on the bundled, signed California auto pack.

use std::path::Path;

use rust_decimal::Decimal;
use time::macros::date;
use uw_rating::quote::{Accident, Address, Applicant, CoverageChoice, Driver, Vehicle, VehicleUse, Violation, ViolationKind};
use uw_rating::{compile, rate, LoadMode, Operation, PackError, PackFiles, Product, Quote, RatePack, Rating, TrustedKeys};

const EFFECTIVE: time::Date = date!(2026 - 06 - 01);

fn dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rate-packs/ca-personal-auto")
}

fn pack() -> RatePack {
    RatePack::load_dir(&dir(), LoadMode::Verified(&TrustedKeys::development())).expect("the signed California pack loads")
}

fn quote(pack: &RatePack, license_date: time::Date, violations: Vec<Violation>, accidents: Vec<Accident>) -> Quote {
    Quote {
        product: Product::PersonalAuto,
        state: "CA".into(),
        effective_date: EFFECTIVE,
        term_months: 12,
        renewal: false,
        applicant: Applicant {
            name: "Alex Rivera".into(),
            address: Address { street: "1 Valencia St".into(), city: "San Francisco".into(), state: "CA".into(), zip: "94110".into() },
        },
        drivers: vec![Driver {
            name: "Alex Rivera".into(),
            date_of_birth: date!(1980 - 02 - 10),
            license_date,
            violations,
            accidents,
            good_student: false,
            defensive_driving: false,
            excluded: false,
        }],
        vehicles: vec![Vehicle {
            vin: None,
            year: 2021,
            make: None,
            model: None,
            usage: VehicleUse::Commute,
            annual_miles: 11_000,
            garaging_zip: "94110".into(),
            anti_theft: false,
            principal_driver: 0,
        }],
        dwelling: None,
        coverages: pack
            .coverages()
            .map(|c| CoverageChoice {
                code: c.code.into(),
                limit: c.limits.first().cloned(),
                deductible: c.deductibles.first().cloned(),
                vehicles: None,
            })
            .collect(),
        prior_claims: Vec::new(),
        credit_tier: None,
        installment_plan: "pay-in-full".into(),
    }
}

fn rated(pack: &RatePack, q: Quote) -> Rating {
    rate(pack, &q.validate().expect("valid")).expect("rates")
}

/// The Good Driver rate applied to every coverage, or `None` if to none.
fn good_driver_rate(r: &Rating) -> Option<Decimal> {
    let rates: Vec<Option<Decimal>> = r
        .coverages
        .iter()
        .map(|c| {
            c.worksheet
                .iter()
                .find(|l| l.operation == Operation::Discount && l.key.as_ref().is_some_and(|k| k.to_string() == "good-driver"))
                .map(|l| l.value)
        })
        .collect();
    assert!(rates.iter().all(|x| x == &rates[0]), "the discount applies to all coverages or none: {rates:?}");
    rates[0]
}

fn years_ago(years: i32, month: u8, day: u8) -> time::Date {
    time::Date::from_calendar_date(EFFECTIVE.year() - years, time::Month::try_from(month).expect("month"), day).expect("date")
}

#[test]
fn an_eligible_driver_gets_at_least_twenty_percent() {
    let pack = pack();
    let r = rated(&pack, quote(&pack, date!(1998 - 06 - 01), vec![], vec![]));
    let rate = good_driver_rate(&r).expect("a clean driver licensed 28 years is a Good Driver");
    assert!(rate >= Decimal::new(20, 2), "{rate}");
    // One violation point in three years still qualifies.
    let one_point = vec![Violation { date: years_ago(1, 3, 1), kind: ViolationKind::Speeding }];
    assert!(good_driver_rate(&rated(&pack, quote(&pack, date!(1998 - 06 - 01), one_point, vec![]))).is_some());
}

#[test]
fn a_dui_nine_years_ago_disqualifies() {
    let pack = pack();
    let dui = vec![Violation { date: years_ago(9, 1, 15), kind: ViolationKind::Dui }];
    let r = rated(&pack, quote(&pack, date!(1998 - 06 - 01), dui, vec![]));
    assert_eq!(good_driver_rate(&r), None);
    // The same conviction eleven years ago no longer counts.
    let old = vec![Violation { date: years_ago(11, 1, 15), kind: ViolationKind::Dui }];
    assert!(good_driver_rate(&rated(&pack, quote(&pack, date!(1998 - 06 - 01), old, vec![]))).is_some());
}

#[test]
fn two_violation_points_in_three_years_disqualify() {
    let pack = pack();
    let two = vec![
        Violation { date: years_ago(2, 5, 1), kind: ViolationKind::Speeding },
        Violation { date: years_ago(1, 8, 1), kind: ViolationKind::Speeding },
    ];
    assert_eq!(good_driver_rate(&rated(&pack, quote(&pack, date!(1998 - 06 - 01), two, vec![]))), None);
}

#[test]
fn an_at_fault_injury_accident_or_a_new_licence_disqualifies() {
    let pack = pack();
    let injury = vec![Accident { date: years_ago(1, 2, 1), at_fault: true, bodily_injury: true }];
    assert_eq!(good_driver_rate(&rated(&pack, quote(&pack, date!(1998 - 06 - 01), vec![], injury))), None);
    assert_eq!(good_driver_rate(&rated(&pack, quote(&pack, years_ago(2, 1, 1), vec![], vec![]))), None, "licensed only two years");
}

#[test]
fn the_risk_score_never_moves_a_california_premium() {
    let pack = pack();
    let r = rated(&pack, quote(&pack, date!(1998 - 06 - 01), vec![], vec![]));
    let risk = r.risk.expect("the pack has a risk model");
    assert!(!risk.applied);
    assert!(r.coverages.iter().all(|c| c.worksheet.iter().all(|l| l.operation != Operation::RiskFactor)));
}

#[test]
fn a_california_pack_that_uses_credit_fails_to_load() {
    let mut files = PackFiles::read_dir(&dir()).expect("files");
    let manifest = files.file("manifest.toml").expect("manifest").to_owned();
    let credit = "\n[[surcharges]]\ncode = \"credit\"\nname = \"Credit tier\"\nrate = \"0.10\"\nwhen = [{ var = \"policy.credit_tier\", op = \"==\", value = \"poor\" }]\n";
    files.set_file("manifest.toml", format!("{manifest}{credit}"));
    let err = compile(&files, LoadMode::Draft).expect_err("credit is forbidden in California");
    assert!(matches!(err, PackError::StateRule { .. }), "{err}");
    let text = err.to_string();
    assert!(text.starts_with(&format!("{}:{}:", dir().join("manifest.toml").display(), manifest.lines().count() + 6)), "{text}");
    assert!(text.contains("policy.credit_tier is forbidden in CA"), "{text}");
}

#[test]
fn a_california_quote_with_a_credit_tier_is_refused() {
    let pack = pack();
    let mut q = quote(&pack, date!(1998 - 06 - 01), vec![], vec![]);
    q.credit_tier = Some("excellent".into());
    let err = rate(&pack, &q.validate().expect("valid apart from the pack")).expect_err("credit is not allowed");
    assert!(err.to_string().contains("credit_tier: must be left out in CA: California does not allow credit"), "{err}");
}

/// Ins. Code 1861.025(c): the DUI period runs "commencing on … the date 10
/// years prior", and 10 CCR 2632.13.1(b)(1) counts convictions "not more
/// than three years preceding" the effective date: the boundary day itself
/// is inside both windows (domain review A3).
#[test]
fn look_back_windows_include_their_first_day() {
    let pack = pack();
    let licensed = date!(1998 - 06 - 01);
    let dui = vec![Violation { date: date!(2016 - 06 - 01), kind: ViolationKind::Dui }];
    assert_eq!(good_driver_rate(&rated(&pack, quote(&pack, licensed, dui, vec![]))), None, "a DUI exactly ten years before");
    let day_after = vec![Violation { date: date!(2016 - 06 - 02), kind: ViolationKind::Dui }];
    assert_eq!(good_driver_rate(&rated(&pack, quote(&pack, licensed, day_after, vec![]))), None);
    let day_before = vec![Violation { date: date!(2016 - 05 - 31), kind: ViolationKind::Dui }];
    assert!(good_driver_rate(&rated(&pack, quote(&pack, licensed, day_before, vec![]))).is_some(), "outside the ten years");
    let two = vec![
        Violation { date: date!(2023 - 06 - 01), kind: ViolationKind::Speeding },
        Violation { date: date!(2025 - 01 - 10), kind: ViolationKind::Speeding },
    ];
    assert_eq!(good_driver_rate(&rated(&pack, quote(&pack, licensed, two, vec![]))), None, "a second ticket exactly three years before");
}
