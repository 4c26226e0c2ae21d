//! Rating through the public API on the in-memory test pack.

mod common;

use std::str::FromStr;

use rust_decimal::Decimal;
use uw_rating::{compile, rate, Action, LoadMode, PackFiles, RatingError};

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("decimal")
}

#[test]
fn public_example_rounds_half_up_in_decimal() {
    // BI: 30 x 1.93 (territory 60601) x 0.85 (clean record) = 49.215 exactly,
    // which rounds half up to 49.22; binary floating point gives 49.2149...
    let rating = rate(&common::pack(), &common::valid(common::quote())).expect("rates");
    let bi = &rating.coverages[0];
    assert_eq!((&*bi.coverage, bi.premium), ("BI", dec("49.22")));
    assert_eq!(bi.worksheet.iter().map(|l| l.value).collect::<Vec<_>>(), vec![dec("30"), dec("1.93"), dec("0.85"), dec("49.22")]);
    let territory = bi.worksheet.get(1).expect("the territory line");
    assert_eq!(territory.label, Some("Chicago Loop"));
    assert_eq!(territory.key.map(|k| k.to_string()).as_deref(), Some("vehicle.garaging_zip=60601"));
    assert_eq!(rating.coverages[1].premium, dec("100.00"));
    assert_eq!(rating.total, dec("149.22"));
    assert!(rating.draft, "the in-memory pack is unsigned");
    assert_eq!(rating.decision.action, Action::Accept);
    assert_eq!(rating.installments.installments.len(), 1);
    assert_eq!(rating.installments.installments[0].amount, dec("149.22"));
}

#[test]
fn interpolation_matches_the_homeowners_manual_example() {
    // A $90,500 limit between rows $90,000 = $229 and $91,000 = $233 rates
    // at 229 + 500/1,000 x 4 = $231.
    let manifest = r#"format = 1
id = "test-home"
state = "IL"
product = "homeowners-ho3"
version = "1"
terms = [12]

[effective]
new_business = 2026-01-01
renewal = 2026-01-01

[filing]
reference = "TEST-H"
type = "informational"

[rounding]
coverage = { places = 0, mode = "half-up" }

[tables.aoi]
file = "aoi.csv"
keys = [{ column = "coverage_a", match = "interpolate" }]

[[coverages]]
code = "DWELLING"
name = "Dwelling"
per = "policy"
required = true
steps = [{ op = "base", table = "aoi", keys = ["dwelling.coverage_a"] }]

[[coverages]]
code = "LIABILITY"
name = "Personal liability"
per = "policy"
required = true
limits = ["100000"]
steps = [{ op = "base", value = "0" }]

[[installment_plans]]
code = "pay-in-full"
name = "Pay in full"
installments = 1
"#;
    let pack = compile(
        &PackFiles::in_memory("packs/test-home")
            .with_file("manifest.toml", manifest)
            .with_file("aoi.csv", "coverage_a,value\n90000,229\n91000,233\n"),
        LoadMode::Draft,
    )
    .expect("compiles");
    let quote = |coverage_a: &str| {
        uw_rating::Quote::from_json(&format!(
            r#"{{ "product": "homeowners-ho3", "state": "IL", "effective_date": "2026-03-01", "term_months": 12,
                 "applicant": {{ "name": "Pat Doe", "address": {{ "street": "1 Main St", "city": "Chicago", "state": "IL", "zip": "60601" }} }},
                 "dwelling": {{ "year_built": 1990, "construction": "frame", "protection_class": 3, "roof_age": 5, "roof_type": "asphalt-shingle", "square_feet": 1800, "coverage_a": "{coverage_a}" }},
                 "coverages": [ {{ "code": "DWELLING" }}, {{ "code": "LIABILITY", "limit": "100000" }} ],
                 "installment_plan": "pay-in-full" }}"#
        ))
        .expect("parses")
        .validate()
        .expect("valid")
    };
    let rating = rate(&pack, &quote("90500")).expect("rates");
    let line = rating.coverages[0].worksheet.get(0).expect("the base line");
    assert_eq!(line.value, dec("231"));
    assert_eq!(line.note.map(|n| n.to_string()).as_deref(), Some("interpolated between 90000 = 229 and 91000 = 233"));
    assert_eq!(rate(&pack, &quote("91000")).expect("rates").coverages[0].premium, dec("233"));
    let err = rate(&pack, &quote("95000")).expect_err("outside the table");
    assert!(err.to_string().contains("dwelling.coverage_a=95000: no row of table `aoi` matches"), "{err}");
}

#[test]
fn violations_raise_the_record_factor_and_refer_nothing_here() {
    let mut q = common::quote();
    q.drivers[0]
        .violations
        .push(uw_rating::quote::Violation { date: time::macros::date!(2025 - 06 - 01), kind: uw_rating::quote::ViolationKind::Speeding });
    let rating = rate(&common::pack(), &common::valid(q)).expect("rates");
    // 30 x 1.93 x 1.20 = 69.48.
    assert_eq!(rating.coverages[0].premium, dec("69.48"));
}

#[test]
fn pack_dependent_input_errors_name_the_field() {
    let pack = common::pack();
    let mut q = common::quote();
    q.coverages[0].limit = Some("1000/2000".into());
    q.coverages.remove(1);
    q.installment_plan = "monthly".into();
    q.term_months = 6;
    let err = rate(&pack, &common::valid(q)).expect_err("several problems");
    let RatingError::Input(errors) = err else { panic!("an input error") };
    let text = errors.to_string();
    for expected in [
        "term_months: 6 months is not a term this pack offers ([12])",
        "installment_plan: `monthly` is not one of pay-in-full",
        "coverages[0].limit: `1000/2000` is not one of 25/50, 100/300",
        "coverages: PD (Property damage) is required",
    ] {
        assert!(text.contains(expected), "`{text}` should contain `{expected}`");
    }
}

#[test]
fn an_unrated_zip_is_an_input_error_naming_the_vehicle() {
    let mut q = common::quote();
    q.vehicles[0].garaging_zip = "60602".into();
    let err = rate(&common::pack(), &common::valid(q)).expect_err("60602 is not in the territory table");
    assert_eq!(err.to_string(), "vehicles[0] (coverages[0] BI): vehicle.garaging_zip=60602: no row of table `territory` matches");
}

#[test]
fn quote_validation_reports_every_problem_with_its_path() {
    let mut q = common::quote();
    q.state = "Xx".into();
    q.drivers[0]
        .violations
        .push(uw_rating::quote::Violation { date: time::macros::date!(2027 - 01 - 01), kind: uw_rating::quote::ViolationKind::Dui });
    q.vehicles[0].vin = Some("1G4AH59H45G118341".into());
    q.vehicles[0].garaging_zip = "94110".into();
    q.vehicles[0].principal_driver = 3;
    let errors = q.validate().expect_err("invalid");
    let text = errors.to_string();
    for expected in [
        "state: `Xx` is not a two-letter",
        "applicant.address.zip: ZIP 60601 is in IL, not in the quoted state Xx",
        "drivers[0].violations[0].date: 2027-01-01 is in the future (after the effective date 2026-03-01)",
        "vehicles[0].vin: model-year code `5` means 2005, not 2020",
        "vehicles[0].garaging_zip: ZIP 94110 is in CA, not in the quoted state Xx",
        "vehicles[0].principal_driver: no driver 3; the quote has 1",
    ] {
        assert!(text.contains(expected), "`{text}` should contain `{expected}`");
    }
}

#[test]
fn worksheet_operations_replay_to_each_premium() {
    let rating = rate(&common::pack(), &common::valid(common::quote())).expect("rates");
    for c in &rating.coverages {
        assert_eq!(common::replay(c), c.premium);
    }
}

/// A coverage's `vehicles` names each vehicle once, and a required coverage
/// covers every vehicle (domain review, Money right): BI on `[1, 1]` of two
/// vehicles passed, left vehicle 0 without BI and charged vehicle 1 twice.
#[test]
fn a_required_coverage_covers_every_vehicle_once() {
    let two_vehicles = |vehicles: Vec<usize>| {
        let mut q = common::quote();
        let second = q.vehicles[0].clone();
        q.vehicles.push(second);
        q.coverages[0].vehicles = Some(vehicles);
        q
    };
    let errors = two_vehicles(vec![1, 1]).validate().expect_err("a vehicle named twice");
    assert!(errors.to_string().contains("coverages[0].vehicles[1]: vehicle 1 is named twice"), "{errors}");
    let err = rate(&common::pack(), &common::valid(two_vehicles(vec![1]))).expect_err("vehicle 0 without BI");
    assert!(err.to_string().contains("coverages[0].vehicles: BI is required on every vehicle; vehicle 0 has none"), "{err}");
    let both = rate(&common::pack(), &common::valid(two_vehicles(vec![1, 0]))).expect("both vehicles, in any order");
    assert_eq!(both.coverages.iter().filter(|c| &*c.coverage == "BI").count(), 2);
}

/// Uninsured motorist limits within bodily injury's where the law bounds
/// them (domain review B2: NY Ins. Law 3420(f)(2)(A), 215 ILCS 5/143a-2(1),
/// Fla. Stat. 627.727(1)); elsewhere the pack's lists decide.
#[test]
fn uninsured_motorist_limits_stay_within_bodily_injury_where_the_law_says() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rate-packs");
    let pack_of = |name: &str| {
        uw_rating::RatePack::load_dir(&root.join(name), uw_rating::LoadMode::Verified(&uw_rating::TrustedKeys::development()))
            .expect("loads")
    };
    let example = |name: &str| {
        uw_rating::Quote::from_json(&std::fs::read_to_string(root.join("examples").join(name)).expect("example")).expect("quote")
    };
    let with_limits = |mut q: uw_rating::Quote, bi: &str, um: &str| {
        for c in &mut q.coverages {
            match c.code.as_str() {
                "BI" => c.limit = Some(bi.into()),
                "UM" => c.limit = Some(um.into()),
                _ => {}
            }
        }
        q
    };
    let ny = pack_of("ny-personal-auto");
    let q = example("ny-personal-auto/01-clean-standard.json");
    assert!(q.coverages.iter().any(|c| c.code == "UM"), "{:?}", q.coverages);
    let err = rate(&ny, &common::valid(with_limits(q.clone(), "25/50", "250/500"))).expect_err("SUM above BI");
    assert!(err.to_string().contains("UM 250/500 is above BI 25/50: NY Ins. Law 3420(f)(2)(A)"), "{err}");
    rate(&ny, &common::valid(with_limits(q.clone(), "250/500", "250/500"))).expect("UM equal to BI");
    rate(&ny, &common::valid(with_limits(q, "250/500", "25/50"))).expect("UM below BI");
    // Texas does not bound it here.
    let tx = pack_of("tx-personal-auto");
    let q = example("tx-personal-auto/01-clean-standard.json");
    if q.coverages.iter().any(|c| c.code == "UM") {
        rate(&tx, &common::valid(with_limits(q, "30/60", "250/500"))).expect("no Texas bound in this check");
    }
}

/// Each kebab-case name a view shows is the one the JSON carries.
#[test]
fn names_are_the_json_names() {
    use uw_rating::{Action, DriverRole, Operation};
    let json = |value: serde_json::Value| value.as_str().expect("a string").to_owned();
    for action in [Action::Accept, Action::Refer, Action::Decline] {
        assert_eq!(action.name(), json(serde_json::to_value(action).expect("json")));
    }
    for role in [DriverRole::Principal, DriverRole::Assigned, DriverRole::Occasional, DriverRole::Excess, DriverRole::Excluded] {
        assert_eq!(role.name(), json(serde_json::to_value(role).expect("json")));
    }
    for operation in [
        Operation::Base,
        Operation::Factor,
        Operation::Multiply,
        Operation::Add,
        Operation::AtLeast,
        Operation::AtMost,
        Operation::Discount,
        Operation::Surcharge,
        Operation::RiskFactor,
        Operation::Round,
        Operation::Minimum,
    ] {
        assert_eq!(operation.name(), json(serde_json::to_value(operation).expect("json")));
    }
}
