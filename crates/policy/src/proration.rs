//! Earned and unearned premium: pro rata by days or by months, the short-rate
//! penalty, and rounding to the cent.
//!
//! A term runs from its start date to its end date, the end excluded (a policy
//! written 2021-01-01 to 2022-01-01 covers 365 days). Every amount is computed
//! exactly with [`Decimal`] and rounded **once**, at the end, to the cent, half
//! away from zero ([`round_money`]); nothing here ever uses floating point.

use rust_decimal::{Decimal, RoundingStrategy};
use time::Date;
pub use uw_rating::dates::add_months;

use crate::error::LifecycleError;

/// How the days of a term are counted when premium is split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum ProrationMethod {
    /// Days elapsed over days in the term: 181/365.
    Days,
    /// Months elapsed over months in the term, a part month by its days: 6/12.
    Months,
}

/// How an insured-initiated cancellation is penalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "snake_case", tag = "method")]
pub enum ShortRate {
    /// The standard short-rate table ([`short_rate_retained`]).
    Table,
    /// This percentage of the pro-rata return (90 returns 90% of it).
    PercentOfProRata {
        #[cfg_attr(feature = "ts", ts(type = "string"))]
        percent: Decimal,
    },
}

/// A policy term: `start` included, `end` excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Term {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub start: Date,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub end: Date,
}

impl Term {
    /// A term of `months` from `start` (a 31 January start ends on the last day
    /// of the month `months` later when that month is shorter).
    pub fn of_months(start: Date, months: u32) -> Result<Self, LifecycleError> {
        let end = add_months(start, months).ok_or(LifecycleError::DateOutOfRange { date: start })?;
        Self::new(start, end)
    }

    pub fn new(start: Date, end: Date) -> Result<Self, LifecycleError> {
        if end <= start {
            return Err(LifecycleError::EmptyTerm { start, end });
        }
        Ok(Self { start, end })
    }

    /// The days the term covers.
    pub fn days(&self) -> i64 {
        (self.end - self.start).whole_days()
    }

    pub fn contains(&self, date: Date) -> bool {
        self.start <= date && date < self.end
    }

    /// Whole months in the term, if it is a whole number of months.
    pub fn whole_months(&self) -> Option<u32> {
        let elapsed = months_elapsed(self.start, self.end);
        (elapsed.fract().is_zero()).then(|| u32::try_from(elapsed.trunc().mantissa()).ok()).flatten()
    }
}

/// Rounds to the cent, half away from zero: 294.5205 → 294.52, 49.215 → 49.22.
pub fn round_money(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// The exact share of `term` that lies between `from` and `to` (each clamped to
/// the term), by `method`. Zero when `to` is not after `from`.
pub fn term_fraction(term: &Term, from: Date, to: Date, method: ProrationMethod) -> Result<Decimal, LifecycleError> {
    let from = from.clamp(term.start, term.end);
    let to = to.clamp(term.start, term.end);
    if to <= from {
        return Ok(Decimal::ZERO);
    }
    match method {
        ProrationMethod::Days => Ok(Decimal::from((to - from).whole_days()) / Decimal::from(term.days())),
        ProrationMethod::Months => {
            let months = term.whole_months().ok_or(LifecycleError::TermNotWholeMonths { start: term.start, end: term.end })?;
            let span = months_elapsed(term.start, to) - months_elapsed(term.start, from);
            Ok(span / Decimal::from(months))
        }
    }
}

/// `amount` for the part of `term` between `from` and `to`, rounded to the cent.
///
/// $1,000 for 2021-01-01 to 2022-01-01, from the start to 2021-07-01: $495.89 by
/// days (181/365), $500.00 by months (6/12).
pub fn prorate(amount: Decimal, term: &Term, from: Date, to: Date, method: ProrationMethod) -> Result<Decimal, LifecycleError> {
    Ok(round_money(amount * term_fraction(term, from, to, method)?))
}

/// The premium returned when a policy whose premium for the whole term is
/// `premium` is cancelled pro rata on `cancelled`: `premium` × the part of the
/// term from `cancelled` to its end. $500 for a year cancelled after 150 days
/// returns 215/365 × 500 = $294.52.
pub fn pro_rata_return(premium: Decimal, term: &Term, cancelled: Date, method: ProrationMethod) -> Result<Decimal, LifecycleError> {
    prorate(premium, term, cancelled, term.end, method)
}

/// The share of a year's premium the standard short-rate table keeps after
/// `days_in_force` days of a 365-day term, as a fraction (0.52 for 150 days).
///
/// For a term of another length the days in force are first scaled to a
/// 365-day term, rounding up: 75 days of a 181-day term count as 152.
pub fn short_rate_retained(days_in_force: i64, term_days: i64) -> Decimal {
    let scaled = if term_days == 365 || term_days <= 0 { days_in_force } else { (days_in_force * 365 + term_days - 1) / term_days };
    let percent = SHORT_RATE_TABLE.iter().find(|(last_day, _)| scaled <= *last_day).map_or(100, |(_, percent)| *percent);
    Decimal::new(percent, 2)
}

/// The standard short-rate cancellation table for a one-year term: the last day
/// of each band and the percent of the annual premium retained. Days 1–54
/// retain 25%; from day 361 everything is earned.
const SHORT_RATE_TABLE: [(i64, i64); 76] = [
    (54, 25),
    (58, 26),
    (62, 27),
    (65, 28),
    (69, 29),
    (73, 30),
    (76, 31),
    (80, 32),
    (83, 33),
    (87, 34),
    (91, 35),
    (94, 36),
    (98, 37),
    (102, 38),
    (105, 39),
    (109, 40),
    (113, 41),
    (116, 42),
    (120, 43),
    (124, 44),
    (127, 45),
    (131, 46),
    (135, 47),
    (138, 48),
    (142, 49),
    (146, 50),
    (149, 51),
    (153, 52),
    (156, 53),
    (160, 54),
    (164, 55),
    (167, 56),
    (171, 57),
    (175, 58),
    (178, 59),
    (182, 60),
    (187, 61),
    (191, 62),
    (196, 63),
    (200, 64),
    (205, 65),
    (209, 66),
    (214, 67),
    (218, 68),
    (223, 69),
    (228, 70),
    (232, 71),
    (237, 72),
    (241, 73),
    (246, 74),
    (250, 75),
    (255, 76),
    (260, 77),
    (264, 78),
    (269, 79),
    (273, 80),
    (278, 81),
    (282, 82),
    (287, 83),
    (291, 84),
    (296, 85),
    (301, 86),
    (305, 87),
    (310, 88),
    (314, 89),
    (319, 90),
    (323, 91),
    (328, 92),
    (332, 93),
    (337, 94),
    (342, 95),
    (346, 96),
    (351, 97),
    (355, 98),
    (360, 99),
    (365, 100),
];

/// The short-rate return for a policy whose whole-term premium is `premium`,
/// cancelled on `cancelled`: with [`ShortRate::PercentOfProRata`] that share of
/// the exact pro-rata return ($500 after 150 days at 90%: $265.07); with the
/// table, the premium less what the table retains, never more than pro rata.
pub fn short_rate_return(
    premium: Decimal,
    term: &Term,
    cancelled: Date,
    method: ProrationMethod,
    short_rate: ShortRate,
) -> Result<Decimal, LifecycleError> {
    let unearned = premium * term_fraction(term, cancelled, term.end, method)?;
    Ok(round_money(short_rate_of(unearned, premium, term, cancelled, short_rate)))
}

/// The short-rate return, unrounded, from the exact pro-rata return.
pub(crate) fn short_rate_of(pro_rata: Decimal, premium: Decimal, term: &Term, cancelled: Date, short_rate: ShortRate) -> Decimal {
    match short_rate {
        ShortRate::PercentOfProRata { percent } => pro_rata * percent / Decimal::ONE_HUNDRED,
        ShortRate::Table => {
            let in_force = (cancelled.clamp(term.start, term.end) - term.start).whole_days();
            let retained = if in_force == 0 { Decimal::ZERO } else { premium * short_rate_retained(in_force, term.days()) };
            (premium - retained).clamp(Decimal::ZERO, pro_rata.max(Decimal::ZERO))
        }
    }
}

/// Months from `start` to `to`: whole months, then the part month by its days.
fn months_elapsed(start: Date, to: Date) -> Decimal {
    let mut whole = 0u32;
    while let Some(next) = add_months(start, whole + 1) {
        if next > to {
            break;
        }
        whole += 1;
    }
    let (Some(from), Some(next)) = (add_months(start, whole), add_months(start, whole + 1)) else {
        return Decimal::from(whole);
    };
    let part = Decimal::from((to - from).whole_days()) / Decimal::from((next - from).whole_days());
    Decimal::from(whole) + part
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::str::FromStr;

    use time::macros::date;

    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn the_table_is_ordered_and_ends_on_day_365() {
        assert!(SHORT_RATE_TABLE.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 < w[1].1));
        assert_eq!(SHORT_RATE_TABLE.last(), Some(&(365, 100)));
    }

    #[test]
    fn add_months_clamps_to_the_end_of_a_short_month() {
        assert_eq!(add_months(date!(2026 - 01 - 31), 1), Some(date!(2026 - 02 - 28)));
        assert_eq!(add_months(date!(2024 - 01 - 31), 1), Some(date!(2024 - 02 - 29)));
        assert_eq!(add_months(date!(2026 - 11 - 15), 2), Some(date!(2027 - 01 - 15)));
    }

    #[test]
    fn a_part_month_counts_by_its_days() {
        // 2021-01-01 + 1 month and 14 of February's 28 days.
        assert_eq!(months_elapsed(date!(2021 - 01 - 01), date!(2021 - 02 - 15)), dec("1.5"));
    }

    #[test]
    fn six_month_terms_scale_to_the_table() {
        // 75 of 181 days ≈ 151.2 of 365, rounded up to 152: 52%.
        assert_eq!(short_rate_retained(75, 181), dec("0.52"));
    }
}
