//! Texas homeowners claims (domain review D3): a renewal surcharge rests only
//! on two or more claims in the preceding three years that the insured could
//! be charged for, not weather or other acts of God, nor appliances (Tex.
//! Ins. Code 551.107, 544.353). Before, two hail claims last year gave the
//! +25 % prior-claims surcharge (and the risk factor 1.10).

mod common;

use uw_rating::{compile, rate, LoadMode, Operation, PackFiles, Quote, RatePack, Rating, TrustedKeys};

fn dir() -> std::path::PathBuf {
    common::bundled_pack_dirs().into_iter().find(|d| d.ends_with("tx-homeowners-ho3")).expect("TX HO")
}

fn renewal(claims: &[(&str, &str)]) -> Quote {
    let claims: Vec<String> = claims.iter().map(|(date, cause)| format!(r#"{{ "date": "{date}", "cause": "{cause}" }}"#)).collect();
    let json = format!(
        r#"{{ "product": "homeowners-ho3", "state": "TX", "effective_date": "2026-06-01", "term_months": 12, "renewal": true,
             "applicant": {{ "name": "Pat Doe", "address": {{ "street": "1 Main St", "city": "Austin", "state": "TX", "zip": "78704" }} }},
             "dwelling": {{ "year_built": 2005, "construction": "masonry", "protection_class": 3, "roof_age": 6, "roof_type": "asphalt-shingle", "square_feet": 2000, "coverage_a": "300000" }},
             "coverages": [ {{ "code": "DWELLING", "deductible": "1000" }}, {{ "code": "LIABILITY", "limit": "300000" }} ],
             "prior_claims": [ {} ],
             "installment_plan": "pay-in-full" }}"#,
        claims.join(", ")
    );
    Quote::from_json(&json).expect("a quote")
}

fn adjustments(r: &Rating) -> Vec<String> {
    let mut codes: Vec<String> = r
        .coverages
        .iter()
        .flat_map(|c| c.worksheet.iter())
        .filter(|l| matches!(l.operation, Operation::Surcharge | Operation::Discount))
        .filter_map(|l| l.key.as_ref().map(ToString::to_string))
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

fn pack() -> RatePack {
    RatePack::load_dir(&dir(), LoadMode::Verified(&TrustedKeys::development())).expect("loads")
}

#[test]
fn texas_homeowners_are_not_surcharged_for_weather_claims() {
    let pack = pack();
    let hail = rate(&pack, &common::valid(renewal(&[("2025-08-10", "hail"), ("2025-09-02", "Hail")]))).expect("rates");
    assert!(!adjustments(&hail).contains(&"prior-claims".to_owned()), "{:?}", adjustments(&hail));
    assert!(adjustments(&hail).contains(&"claims-free".to_owned()), "hail is not held against the insured");
    let water = rate(&pack, &common::valid(renewal(&[("2025-08-10", "water"), ("2025-09-02", "theft")]))).expect("rates");
    assert!(adjustments(&water).contains(&"prior-claims".to_owned()), "{:?}", adjustments(&water));
    // Outside the three years, a claim no longer counts.
    let old = rate(&pack, &common::valid(renewal(&[("2023-05-31", "water"), ("2025-09-02", "theft")]))).expect("rates");
    assert!(!adjustments(&old).contains(&"prior-claims".to_owned()), "{:?}", adjustments(&old));
    assert!(hail.total < water.total);
}

#[test]
fn a_texas_homeowners_pack_may_not_rate_on_all_claims_in_five_years() {
    let mut files = PackFiles::read_dir(&dir()).expect("files");
    let text = files.file("manifest.toml").expect("manifest").replacen("policy.chargeable_claims_3y", "policy.prior_claims_5y", 1);
    files.set_file("manifest.toml", text);
    let err = compile(&files, LoadMode::Draft).expect_err("five years of every claim");
    assert!(err.to_string().contains("policy.prior_claims_5y is forbidden in TX"), "{err}");
    assert!(err.to_string().contains("551.107"), "{err}");
}
