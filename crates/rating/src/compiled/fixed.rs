//! Non-negative decimals as an `i64` mantissa and a scale, with exactly the
//! results `Decimal` gives (the same value and scale) for the operations a
//! premium uses, or [`Bail`] where they might differ (a product beyond
//! `i64`, a scale beyond 28, a negative operand): the caller then prices
//! with `Decimal`. `Decimal`'s own routines handle 96 bits, signs and
//! rescaling in every call; a premium's amounts are a few digits.

use rust_decimal::Decimal;

use crate::pack::{Round, RoundingMode};

/// A non-negative decimal `m / 10^s`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Fixed {
    m: i64,
    s: u32,
}

/// An operation whose `Decimal` result the fast form may not repeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Bail;

const MAX_SCALE: u32 = 28;

/// 10^0 to 10^18, the powers an `i64` holds.
const POW10: [i64; 19] = {
    let mut out = [1_i64; 19];
    let mut i = 1;
    while i < 19 {
        out[i] = out[i - 1] * 10;
        i += 1;
    }
    out
};

impl Fixed {
    /// `d`, where it is non-negative and its mantissa fits in `i64`.
    pub(crate) fn of(d: Decimal) -> Option<Self> {
        if d.is_sign_negative() {
            return None;
        }
        Some(Self { m: i64::try_from(d.mantissa()).ok()?, s: d.scale() })
    }

    pub(crate) fn to_decimal(self) -> Decimal {
        Decimal::new(self.m, self.s)
    }

    pub(crate) const ZERO: Self = Self { m: 0, s: 0 };

    /// No value: what a `Decimal` with no fixed form keeps in its place
    /// (a valid value is never negative), so a table's row stays small.
    pub(crate) const NONE: Self = Self { m: -1, s: 0 };

    /// The value, unless it is [`Self::NONE`].
    pub(crate) fn known(self) -> Result<Self, Bail> {
        if self.m < 0 {
            Err(Bail)
        } else {
            Ok(self)
        }
    }

    /// `self * other` as `Decimal` multiplies: zero is `0` (scale 0), and an
    /// exact product keeps the sum of the scales.
    pub(crate) fn mul(self, other: Self) -> Result<Self, Bail> {
        if self.m == 0 || other.m == 0 {
            return Ok(Self::ZERO);
        }
        let s = self.s + other.s;
        let m = self.m.checked_mul(other.m).ok_or(Bail)?;
        if s > MAX_SCALE {
            return Err(Bail);
        }
        Ok(Self { m, s })
    }

    /// As [`Round::apply`] (and so `Decimal::round_dp_with_strategy`).
    pub(crate) fn round(self, r: Round) -> Result<Self, Bail> {
        if self.s <= r.places {
            return Ok(self);
        }
        let shift = self.s - r.places;
        let Some(&divisor) = POW10.get(shift as usize) else { return Err(Bail) };
        // Non-negative, so the rounding of `divide_i64` without its signs:
        // twice the remainder is below 2 x 10^18 and fits.
        let (q, rem) = (self.m / divisor, self.m % divisor);
        let away = match r.mode {
            RoundingMode::HalfUp => 2 * rem >= divisor,
            RoundingMode::HalfEven => 2 * rem > divisor || (2 * rem == divisor && q % 2 == 1),
            RoundingMode::Down => false,
            RoundingMode::Up => rem != 0,
        };
        Ok(Self { m: q + i64::from(away), s: r.places })
    }

    fn cmp(self, other: Self) -> std::cmp::Ordering {
        // Both scales are at most 28 and both mantissas below 2^63, so each
        // side scaled to the larger scale fits in i128 unless the gap is
        // large; compare by value through Decimal then (rare).
        let s = self.s.max(other.s);
        let scaled = |x: Self| 10_i128.checked_pow(s - x.s).and_then(|p| i128::from(x.m).checked_mul(p));
        match (scaled(self), scaled(other)) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => self.to_decimal().cmp(&other.to_decimal()),
        }
    }

    /// As `Decimal::max`: `self` when equal.
    pub(crate) fn max(self, other: Self) -> Self {
        if self.cmp(other) == std::cmp::Ordering::Less {
            other
        } else {
            self
        }
    }

    /// As `Decimal::min`: `self` when equal.
    pub(crate) fn min(self, other: Self) -> Self {
        if self.cmp(other) == std::cmp::Ordering::Greater {
            other
        } else {
            self
        }
    }

    pub(crate) fn lt(self, other: Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Less
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn decimal() -> impl Strategy<Value = Decimal> {
        prop_oneof![
            (0i64..100_000_000, 0u32..6).prop_map(|(m, s)| Decimal::new(m, s)),
            (0i64..i64::MAX, 0u32..29).prop_map(|(m, s)| Decimal::new(m, s)),
            Just(Decimal::ZERO),
            (0u32..10).prop_map(|s| Decimal::new(0, s)),
        ]
    }

    fn same(fixed: Fixed, d: Decimal) -> Result<(), TestCaseError> {
        let back = fixed.to_decimal();
        prop_assert_eq!(back, d);
        prop_assert_eq!(back.scale(), d.scale(), "{} against {}", back, d);
        prop_assert_eq!(back.is_sign_negative(), d.is_sign_negative());
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 20_000, ..ProptestConfig::default() })]

        #[test]
        fn products_are_decimals_products(a in decimal(), b in decimal()) {
            let (fa, fb) = (Fixed::of(a).expect("fits"), Fixed::of(b).expect("fits"));
            if let Ok(p) = fa.mul(fb) {
                same(p, a * b)?;
            }
        }

        #[test]
        fn rounding_is_the_packs_rounding(a in decimal(), places in 0u32..6, mode in 0usize..4) {
            let mode = [RoundingMode::HalfUp, RoundingMode::HalfEven, RoundingMode::Down, RoundingMode::Up][mode];
            let r = Round { places, mode };
            if let Ok(x) = Fixed::of(a).expect("fits").round(r) {
                same(x, r.apply(a))?;
            }
        }

        #[test]
        fn max_and_min_pick_what_decimal_picks(a in decimal(), b in decimal()) {
            let (fa, fb) = (Fixed::of(a).expect("fits"), Fixed::of(b).expect("fits"));
            same(fa.max(fb), a.max(b))?;
            same(fa.min(fb), a.min(b))?;
            prop_assert_eq!(fa.lt(fb), a < b);
        }

        #[test]
        fn equal_values_of_other_scales_pick_as_decimal_does(m in 0i64..1_000_000, s in 0u32..4, extra in 1u32..4) {
            let (a, b) = (Decimal::new(m, s), Decimal::new(m * 10_i64.pow(extra), s + extra));
            let (fa, fb) = (Fixed::of(a).expect("fits"), Fixed::of(b).expect("fits"));
            same(fa.max(fb), a.max(b))?;
            same(fa.min(fb), a.min(b))?;
            same(fb.max(fa), b.max(a))?;
            same(fb.min(fa), b.min(a))?;
        }
    }

    #[test]
    fn negatives_and_wide_mantissas_are_left_to_decimal() {
        assert_eq!(Fixed::of(Decimal::new(-5, 0)), None);
        assert_eq!(Fixed::of(Decimal::MAX), None);
        let big = Fixed::of(Decimal::new(i64::MAX, 0)).expect("fits");
        assert_eq!(big.mul(Fixed::of(Decimal::TWO).expect("fits")), Err(Bail));
    }
}
