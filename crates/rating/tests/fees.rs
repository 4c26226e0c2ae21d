//! State-required charges the fee model expresses (domain review C2): New
//! York's Motor Vehicle Law Enforcement fee per vehicle, halved for short
//! terms (NY Ins. Law 9110); Texas's MVCPA fee per motor-vehicle-year (Tex.
//! Transp. Code 1006.153(b)); Florida's assessments as a percentage of
//! premium (Fla. Stat. 631.57). Each is its own line, premium or not,
//! earned when charged or over the term.

mod common;

use rust_decimal::Decimal;
use uw_rating::{compile, rate, FeeClass, FeeEarning, LoadMode, PackFiles, Quote, RatePack, Rating, TrustedKeys};

fn bundled(name: &str) -> RatePack {
    let dir = common::bundled_pack_dirs().into_iter().find(|d| d.ends_with(name)).expect("a bundled pack");
    RatePack::load_dir(&dir, LoadMode::Verified(&TrustedKeys::development())).expect("loads")
}

fn two_cars(state: &str, zip: &str, term: u32, coverages: &str) -> Quote {
    let json = format!(
        r#"{{ "product": "personal-auto", "state": "{state}", "effective_date": "2026-06-01", "term_months": {term},
             "applicant": {{ "name": "Jordan Lee", "address": {{ "street": "500 Elm St", "city": "X", "state": "{state}", "zip": "{zip}" }} }},
             "drivers": [ {{ "name": "Jordan Lee", "date_of_birth": "1979-03-14", "license_date": "1996-05-01" }} ],
             "vehicles": [
               {{ "year": 2022, "use": "commute", "annual_miles": 12000, "garaging_zip": "{zip}", "principal_driver": 0 }},
               {{ "year": 2015, "use": "pleasure", "annual_miles": 6000, "garaging_zip": "{zip}", "principal_driver": 0 }}
             ],
             "coverages": {coverages},
             "installment_plan": "two-pay" }}"#
    );
    Quote::from_json(&json).expect("a quote")
}

fn fee(r: &Rating, code: &str) -> uw_rating::FeeLine {
    r.fees.iter().find(|f| &*f.code == code).unwrap_or_else(|| panic!("no {code} line in {:?}", r.fees)).clone()
}

const NY: &str = r#"[ { "code": "BI", "limit": "25/50" }, { "code": "PD", "limit": "10000" }, { "code": "PIP", "limit": "50000" }, { "code": "UM", "limit": "25/50" } ]"#;
const TX: &str = r#"[ { "code": "BI", "limit": "30/60" }, { "code": "PD", "limit": "25000" } ]"#;

#[test]
fn new_york_mvle_is_ten_dollars_a_vehicle_and_five_for_six_months() {
    let pack = bundled("ny-personal-auto");
    let six = rate(&pack, &common::valid(two_cars("NY", "10001", 6, NY))).expect("rates");
    let mvle = fee(&six, "mvle");
    assert_eq!(mvle.amount, Decimal::new(1000, 2), "2 vehicles x $5 for a six-month term");
    assert_eq!((mvle.class, mvle.earning), (FeeClass::NonPremium, FeeEarning::FullyEarned));
    assert_eq!(mvle.note.as_deref(), Some("2 vehicles x 5.00"));
    let year = rate(&pack, &common::valid(two_cars("NY", "10001", 12, NY))).expect("rates");
    assert_eq!(fee(&year, "mvle").amount, Decimal::new(2000, 2), "2 vehicles x $10 for a year");
}

#[test]
fn texas_mvcpa_is_five_dollars_a_vehicle_year_earned_over_the_term() {
    let pack = bundled("tx-personal-auto");
    let year = rate(&pack, &common::valid(two_cars("TX", "75201", 12, TX))).expect("rates");
    let mvcpa = fee(&year, "mvcpa");
    assert_eq!(mvcpa.amount, Decimal::new(1000, 2), "2 vehicles x $5 x 1 year");
    assert_eq!(mvcpa.earning, FeeEarning::ProRata);
    // Earned over the term: it prorates with the premium, so it is not in
    // the fees a cancellation keeps.
    assert_eq!(year.fee_total(), year.all_fees() - mvcpa.amount);
    let six = rate(&pack, &common::valid(two_cars("TX", "75201", 6, TX))).expect("rates");
    assert_eq!(fee(&six, "mvcpa").amount, Decimal::new(500, 2), "2 vehicles x $5 x half a year");
}

#[test]
fn a_florida_assessment_is_a_percentage_of_the_premium() {
    let pack = bundled("fl-homeowners-ho3");
    let json = r#"{ "product": "homeowners-ho3", "state": "FL", "effective_date": "2026-06-01", "term_months": 12,
        "applicant": { "name": "Pat Doe", "address": { "street": "1 Main St", "city": "Orlando", "state": "FL", "zip": "32801" } },
        "dwelling": { "year_built": 2005, "construction": "masonry", "protection_class": 3, "roof_age": 6, "roof_type": "asphalt-shingle", "square_feet": 2000, "coverage_a": "300000" },
        "coverages": [ { "code": "DWELLING", "deductible": "1000" }, { "code": "LIABILITY", "limit": "300000" }, { "code": "HURRICANE", "deductible": "2%" } ],
        "installment_plan": "pay-in-full" }"#;
    let r = rate(&pack, &common::valid(Quote::from_json(json).expect("a quote"))).expect("rates");
    let premium: Decimal = r.coverages.iter().map(|c| c.premium).sum::<Decimal>() + r.minimum_premium_adjustment;
    let figa = fee(&r, "figa");
    assert_eq!(figa.amount, (premium / Decimal::ONE_HUNDRED).round_dp(2), "1.0% of {premium}");
    assert_eq!(fee(&r, "empa").amount, Decimal::new(200, 2), "EMPA stays a flat $2 (Fla. Stat. 252.372)");
    assert_eq!(r.total, premium + r.all_fees());
}

#[test]
fn fees_earned_when_charged_are_due_with_the_first_installment() {
    let pack = bundled("ny-personal-auto");
    let r = rate(&pack, &common::valid(two_cars("NY", "10001", 12, NY))).expect("rates");
    let [first, second] = r.installments.installments.as_slice() else { panic!("two payments: {:?}", r.installments) };
    assert_eq!(first.premium - second.premium, r.fee_total(), "the policy fee and the MVLE come first");
    assert_eq!(first.premium + second.premium, r.total);
}

#[test]
fn a_fee_is_an_amount_or_a_rate_and_only_auto_counts_vehicles() {
    let manifest = common::MANIFEST
        .replace("[[installment_plans]]", "[[fees]]\ncode = \"x\"\nname = \"X\"\namount = \"1\"\nrate = \"0.01\"\n\n[[installment_plans]]");
    let err = compile(&common::files(&manifest), LoadMode::Draft).expect_err("both");
    assert!(err.to_string().contains("a fee has an `amount` or a `rate`, not both"), "{err}");
    let manifest = common::MANIFEST
        .replace("[[installment_plans]]", "[[fees]]\ncode = \"x\"\nname = \"X\"\namount = \"1\"\nper = \"car\"\n\n[[installment_plans]]");
    let err = compile(&common::files(&manifest), LoadMode::Draft).expect_err("an unknown basis");
    assert!(err.to_string().contains("`car` is not one of policy, vehicle, vehicle-year"), "{err}");
    let home = PackFiles::read_dir(&common::bundled_pack_dirs().into_iter().find(|d| d.ends_with("fl-homeowners-ho3")).expect("FL HO"))
        .expect("files");
    let mut files = home.clone();
    let text = home.file("manifest.toml").expect("manifest").replace("amount = \"2.00\"", "amount = \"2.00\"\nper = \"vehicle\"");
    files.set_file("manifest.toml", text);
    let err = compile(&files, LoadMode::Draft).expect_err("no vehicles on a home");
    assert!(err.to_string().contains("a homeowners policy has no vehicles"), "{err}");
}

/// A home is rated where it is, not where its owner's mail goes (issue 25:
/// homeowners were rated at the mailing address). A New Yorker's Miami
/// condo: the Miami territory, the quoted state Florida.
#[test]
fn a_home_is_rated_at_its_own_address_not_the_mailing_address() {
    let pack = bundled("fl-homeowners-ho3");
    let quote = |mailing: &str, risk: &str| {
        let json = format!(
            r#"{{ "product": "homeowners-ho3", "state": "FL", "effective_date": "2026-06-01", "term_months": 12,
                 "applicant": {{ "name": "Pat Doe", "address": {mailing} }},
                 "dwelling": {{ "year_built": 2005, "construction": "masonry", "protection_class": 3, "roof_age": 6, "roof_type": "metal", "square_feet": 1400, "coverage_a": "300000"{risk} }},
                 "coverages": [ {{ "code": "DWELLING", "deductible": "1000" }}, {{ "code": "LIABILITY", "limit": "300000" }}, {{ "code": "HURRICANE", "deductible": "2%" }} ],
                 "installment_plan": "pay-in-full" }}"#
        );
        Quote::from_json(&json).expect("a quote")
    };
    let miami = r#"{ "street": "100 Biscayne Blvd", "city": "Miami", "state": "FL", "zip": "33132" }"#;
    let new_york = r#"{ "street": "1 Fifth Ave", "city": "New York", "state": "NY", "zip": "10003" }"#;
    let at_home = rate(&pack, &common::valid(quote(miami, ""))).expect("rates");
    let away = rate(&pack, &common::valid(quote(new_york, &format!(r#", "address": {miami}"#)))).expect("rates");
    assert_eq!(away.total, at_home.total, "the same Miami home, whoever's mail goes where");
    // Without its own address, a New York mailing address is not a Florida risk.
    let err = quote(new_york, "").validate().expect_err("mailing address out of state");
    assert!(err.to_string().contains("applicant.address.state"), "{err}");
    // And the home itself must be in the quoted state.
    let err = quote(miami, &format!(r#", "address": {new_york}"#)).validate().expect_err("a New York home on a Florida quote");
    assert!(err.to_string().contains("dwelling.address.state"), "{err}");
}
