//! `Round::apply` (integer division of the mantissa, for speed) gives
//! exactly what `Decimal::round_dp_with_strategy` gives: the same value,
//! scale, sign and text, for every mode, over random decimals of every
//! scale (issue 28: integer arithmetic proven equal to `Decimal`).

use proptest::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};
use uw_rating::pack::{Round, RoundingMode};

const MODES: [(RoundingMode, RoundingStrategy); 4] = [
    (RoundingMode::HalfUp, RoundingStrategy::MidpointAwayFromZero),
    (RoundingMode::HalfEven, RoundingStrategy::MidpointNearestEven),
    (RoundingMode::Down, RoundingStrategy::ToZero),
    (RoundingMode::Up, RoundingStrategy::AwayFromZero),
];

fn same(value: Decimal, places: u32) {
    for (mode, strategy) in MODES {
        let ours = Round { places, mode }.apply(value);
        let library = value.round_dp_with_strategy(places, strategy);
        assert_eq!(
            (ours, ours.scale(), ours.is_sign_negative(), ours.to_string()),
            (library, library.scale(), library.is_sign_negative(), library.to_string()),
            "{value} to {places} places {}",
            mode.name()
        );
    }
}

/// A decimal with a mantissa of up to 96 bits and any scale.
fn decimal() -> impl Strategy<Value = Decimal> {
    (any::<u32>(), any::<u32>(), any::<u32>(), any::<bool>(), 0u32..=28)
        .prop_map(|(lo, mid, hi, negative, scale)| Decimal::from_parts(lo, mid, hi, negative, scale))
}

/// Money as the engine meets it: a few places, halves included.
fn money() -> impl Strategy<Value = Decimal> {
    (-10_000_000i64..10_000_000, 0u32..=6).prop_map(|(units, scale)| Decimal::new(units, scale))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(20_000))]

    #[test]
    fn every_decimal_rounds_as_the_library_rounds(value in decimal(), places in 0u32..=8) {
        same(value, places);
    }

    #[test]
    fn money_rounds_as_the_library_rounds(value in money(), places in 0u32..=4) {
        same(value, places);
    }
}

#[test]
fn halves_zeros_and_the_extremes() {
    for text in ["49.215", "-49.215", "49.225", "-49.225", "0.005", "-0.005", "-0.001", "0.000", "-0.000", "2.5", "3.5", "-2.5"] {
        let value: Decimal = text.parse().expect("a decimal");
        for places in 0..=3 {
            same(value, places);
        }
    }
    for value in [Decimal::MAX, Decimal::MIN, Decimal::from_parts(u32::MAX, u32::MAX, u32::MAX, true, 28)] {
        for places in [0, 2, 27] {
            same(value, places);
        }
    }
}
