//! Dollars and cents, from [`Decimal`], with integer arithmetic only.
//!
//! Rounding is the rating engine's business, not a document's: [`format_money`] shows an
//! amount that is already a whole number of cents, with exactly two decimals, and refuses
//! an amount that still has fractions of a cent (`12.345`) instead of quietly rounding it,
//! so a document can never show a figure that differs from the one that was priced.
//! Trailing zeros beyond the cents are not fractions of a cent: `12.3400` is `$12.34`.

use rust_decimal::Decimal;

/// An amount that cannot be shown as dollars and cents without rounding it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{amount} has fractions of a cent; amounts must be rounded to whole cents before they reach a document")]
pub struct MoneyError {
    /// The amount as it was given.
    pub amount: Decimal,
}

/// Formats an amount as US dollars: `$1,234.56`, `-$1,234.56`, `$0.00`.
///
/// The amount must be a whole number of cents (see the module documentation); otherwise
/// this returns [`MoneyError`] rather than rounding. A negative zero shows as `$0.00`.
pub fn format_money(amount: Decimal) -> Result<String, MoneyError> {
    let scale = amount.scale();
    let mantissa = amount.mantissa();
    // A Decimal's mantissa is at most 96 bits and its scale at most 28, so neither the
    // multiplication by 100 nor 10^26 can overflow an i128.
    let cents: i128 = if scale <= 2 {
        mantissa * 10_i128.pow(2 - scale)
    } else {
        let divisor = 10_i128.pow(scale - 2);
        if mantissa % divisor != 0 {
            return Err(MoneyError { amount });
        }
        mantissa / divisor
    };
    let magnitude = cents.unsigned_abs();
    let dollars = group_thousands(&(magnitude / 100).to_string());
    let sign = if cents < 0 { "-" } else { "" };
    Ok(format!("{sign}${dollars}.{:02}", magnitude % 100))
}

/// `1234567` → `1,234,567`; `digits` is ASCII digits only.
fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use std::str::FromStr;

    fn fmt(s: &str) -> Result<String, MoneyError> {
        format_money(Decimal::from_str(s).unwrap())
    }

    #[test]
    fn thousands_and_cents() {
        assert_eq!(fmt("1234.56").unwrap(), "$1,234.56");
        assert_eq!(fmt("1234567.89").unwrap(), "$1,234,567.89");
        assert_eq!(fmt("999.99").unwrap(), "$999.99");
        assert_eq!(fmt("1000").unwrap(), "$1,000.00");
        assert_eq!(fmt("100000").unwrap(), "$100,000.00");
        assert_eq!(fmt("0.05").unwrap(), "$0.05");
        assert_eq!(fmt("12.5").unwrap(), "$12.50");
    }

    #[test]
    fn zero_and_negative() {
        assert_eq!(fmt("0").unwrap(), "$0.00");
        assert_eq!(fmt("0.00").unwrap(), "$0.00");
        assert_eq!(fmt("-0.00").unwrap(), "$0.00");
        assert_eq!(fmt("-1234.56").unwrap(), "-$1,234.56");
        assert_eq!(fmt("-0.01").unwrap(), "-$0.01");
    }

    #[test]
    fn trailing_zeros_beyond_cents_are_fine() {
        assert_eq!(fmt("12.3400").unwrap(), "$12.34");
        assert_eq!(fmt("-7.000000").unwrap(), "-$7.00");
    }

    #[test]
    fn fractions_of_a_cent_are_refused_not_rounded() {
        let err = fmt("12.345").unwrap_err();
        assert_eq!(err.amount, Decimal::from_str("12.345").unwrap());
        assert!(err.to_string().contains("12.345"), "{err}");
        assert_eq!(fmt("0.001").map_err(|e| e.amount), Err(Decimal::from_str("0.001").unwrap()));
        assert_eq!(fmt("-0.005").map_err(|e| e.amount), Err(Decimal::from_str("-0.005").unwrap()));
    }

    #[test]
    fn extremes_do_not_overflow() {
        assert_eq!(format_money(Decimal::MAX).unwrap(), "$79,228,162,514,264,337,593,543,950,335.00");
        assert_eq!(format_money(Decimal::MIN).unwrap(), "-$79,228,162,514,264,337,593,543,950,335.00");
        // The smallest positive Decimal is 1e-28: far below a cent.
        assert_eq!(format_money(Decimal::new(1, 28)), Err(MoneyError { amount: Decimal::new(1, 28) }));
    }
}
