//! Property tests over every bundled pack: random valid quotes, rated twice.

mod common;

use common::random::{build, days_before, shape};
use proptest::prelude::*;
use rust_decimal::Decimal;
use uw_rating::quote::{Accident, Violation, ViolationKind};
use uw_rating::{rate, Product, Quote, RatePack, Rating};

fn rated(pack: &RatePack, quote: Quote) -> Rating {
    let valid = quote.clone().validate().unwrap_or_else(|e| panic!("generated quote is invalid: {e}\n{quote:?}"));
    rate(pack, &valid).unwrap_or_else(|e| panic!("{}: {e}", pack.id()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn rating_is_deterministic_to_the_byte(s in shape()) {
        let (pack, quote) = build(&s);
        let a = rated(pack, quote.clone());
        let b = rated(pack, quote);
        prop_assert_eq!(serde_json::to_vec(&a).expect("json"), serde_json::to_vec(&b).expect("json"));
    }

    #[test]
    fn total_is_coverages_plus_fees_and_never_negative(s in shape()) {
        let (pack, quote) = build(&s);
        let r = rated(pack, quote);
        let sum: Decimal = r.coverages.iter().map(|c| c.premium).sum::<Decimal>() + r.fees.iter().map(|f| f.amount).sum::<Decimal>();
        prop_assert_eq!(r.total, sum + r.minimum_premium_adjustment);
        prop_assert!(r.coverages.iter().all(|c| !c.premium.is_sign_negative()));
        prop_assert!(!r.minimum_premium_adjustment.is_sign_negative());
        let paid: Decimal = r.installments.installments.iter().map(|i| i.premium).sum();
        prop_assert_eq!(paid, r.total, "installments add up to the total");
        let (pack, quote) = build(&s);
        let total_only = uw_rating::rate_total(pack, &quote.validate().expect("valid")).expect("rates");
        prop_assert_eq!(total_only, r.total, "totals-only rating agrees with the full rating");
    }

    #[test]
    fn a_new_violation_or_accident_never_lowers_the_premium(s in shape(), kind in 0usize..7, accident in any::<bool>(), days in 1i64..1000) {
        let (pack, quote) = build(&s);
        prop_assume!(quote.product == Product::PersonalAuto);
        let before = rated(pack, quote.clone());
        let mut worse = quote;
        let driver = worse.vehicles[0].principal_driver;
        let date = days_before(days).max(worse.drivers[driver].date_of_birth);
        if accident {
            worse.drivers[driver].accidents.push(Accident { date, at_fault: true, bodily_injury: false });
        } else {
            worse.drivers[driver].violations.push(Violation { date, kind: ViolationKind::ALL[kind] });
        }
        let after = rated(pack, worse);
        prop_assert!(after.total >= before.total, "{} -> {} on {}", before.total, after.total, pack.id());
        prop_assert!(after.decision.action >= before.decision.action);
    }
}
