//! A filed minimum premium applies to premium. Fees and surcharges (a policy
//! fee, Florida's EMPA surcharge, Fla. Stat. 252.372) are not premium: they
//! are stated separately and never count toward the minimum
//! (`../shared/reviews/domain.md`, finding C1).

mod common;

use proptest::prelude::*;
use rust_decimal::Decimal;
use uw_rating::{LoadMode, Quote, RatePack, TrustedKeys};

fn fl_homeowners() -> RatePack {
    let dir = common::bundled_pack_dirs().into_iter().find(|d| d.ends_with("fl-homeowners-ho3")).expect("the FL HO-3 pack");
    RatePack::load_dir(&dir, LoadMode::Verified(&TrustedKeys::development())).expect("loads")
}

/// The review's worked case: Lakeland, Coverage A $50,000, protection class
/// 1, fire-resistive, built 2024, metal roof, $5,000 all-perils deductible,
/// 10 % hurricane deductible, $100,000 liability.
fn lakeland(coverage_a: &str, aop: &str, hurricane: &str) -> Quote {
    let json = format!(
        r#"{{ "product": "homeowners-ho3", "state": "FL", "effective_date": "2026-03-01", "term_months": 12,
             "applicant": {{ "name": "Pat Doe", "address": {{ "street": "1 Main St", "city": "Lakeland", "state": "FL", "zip": "33801" }} }},
             "dwelling": {{ "year_built": 2024, "construction": "fire-resistive", "protection_class": 1, "roof_age": 1,
                            "roof_type": "metal", "square_feet": 900, "coverage_a": "{coverage_a}" }},
             "coverages": [ {{ "code": "DWELLING", "deductible": "{aop}" }}, {{ "code": "LIABILITY", "limit": "100000" }},
                            {{ "code": "HURRICANE", "deductible": "{hurricane}" }} ],
             "installment_plan": "pay-in-full" }}"#
    );
    Quote::from_json(&json).expect("a quote")
}

fn coverage_sum(rating: &uw_rating::Rating) -> Decimal {
    rating.coverages.iter().map(|c| c.premium).sum()
}

#[test]
fn minimum_premium_applies_to_premium_never_fees() {
    let pack = fl_homeowners();
    let rating = uw_rating::rate(&pack, &common::valid(lakeland("50000", "5000", "10%"))).expect("rates");
    let (coverages, fees) = (coverage_sum(&rating), rating.fee_total());
    assert_eq!(fees, Decimal::new(3050, 2), "policy fee $25, EMPA $2, and the FIGA assessment, 1% of the $350 premium");
    assert!(coverages < Decimal::new(350, 0), "the case is under the $350 minimum: {coverages}");
    // The premium is raised to the minimum; the fees come on top.
    assert_eq!(rating.minimum_premium_adjustment, Decimal::new(350, 0) - coverages);
    assert_eq!(rating.total, Decimal::new(38050, 2), "$350 of premium plus $30.50 of fees");
    assert_eq!(rating.total - rating.fee_total(), Decimal::new(350, 0), "what bind and endorse treat as premium");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the risk: the premium (total less fees) is the coverage
    /// premiums raised to the minimum, and the fees are never part of it.
    #[test]
    fn fees_never_count_toward_the_minimum_premium(
        coverage_a in prop::sample::select(vec!["50000", "90000", "150000", "250000", "400000"]),
        aop in prop::sample::select(vec!["500", "1000", "2500", "5000"]),
        hurricane in prop::sample::select(vec!["500", "2%", "5%", "10%"]),
    ) {
        let pack = fl_homeowners();
        let rating = uw_rating::rate(&pack, &common::valid(lakeland(coverage_a, aop, hurricane))).expect("rates");
        let minimum = Decimal::new(350, 0);
        prop_assert_eq!(rating.total - rating.fee_total(), coverage_sum(&rating).max(minimum));
        prop_assert_eq!(rating.minimum_premium_adjustment, (minimum - coverage_sum(&rating)).max(Decimal::ZERO));
    }
}

mod hurricane_deductible {
    use super::*;
    use uw_rating::Operation;

    fn factor(coverage_a: u32, deductible: &str) -> Decimal {
        let r = uw_rating::rate(&fl_homeowners(), &common::valid(lakeland(&coverage_a.to_string(), "1000", deductible))).expect("rates");
        let line = r
            .coverages
            .iter()
            .filter(|c| &*c.coverage == "HURRICANE")
            .flat_map(|c| c.worksheet.iter())
            .find(|l| l.operation == Operation::Factor && l.table == Some("hurricane_deductible"))
            .expect("a hurricane deductible line");
        line.value
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// The $500 deductible's relativity against 2 % rises with Coverage A
        /// (domain review D2: a flat 1.38 overpriced small homes and
        /// underpriced large ones); a percentage deductible's does not move.
        #[test]
        fn the_flat_deductibles_relativity_rises_with_the_amount_of_insurance(a in 50u32..3000, b in 50u32..3000) {
            let (small, large) = (a.min(b) * 1000, a.max(b) * 1000);
            let ratio = |amount: u32| factor(amount, "500") / factor(amount, "2%");
            prop_assert!(ratio(small) <= ratio(large), "{small}: {} > {large}: {}", ratio(small), ratio(large));
            prop_assert_eq!(factor(small, "5%"), factor(large, "5%"));
        }
    }

    #[test]
    fn at_the_ends_of_the_table() {
        assert!(factor(50_000, "500") < factor(3_000_000, "500"));
    }
}
