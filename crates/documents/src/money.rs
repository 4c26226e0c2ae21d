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

/// A coverage limit as rate packs write it, as a customer reads it, the
/// same way the desktop's screens show it: split limits in thousands
/// (`100/300` → `$100,000 / $300,000`), a lone number under 1,000 in
/// thousands (`15` → `$15,000`), dollars otherwise (`250000` →
/// `$250,000`), a percentage as it is (`2%`). Anything else is shown as given.
pub fn format_limit(limit: &str) -> String {
    let text: String = limit.trim().chars().filter(|c| *c != ',').collect();
    if is_percent(&text) {
        return text;
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if text.contains('/') && text.split('/').all(digits) {
        return text.split('/').map(|n| format!("${},000", group_thousands(n.trim_start_matches('0')))).collect::<Vec<_>>().join(" / ");
    }
    match text.strip_prefix('$') {
        Some(d) if digits(d) => format!("${}", group_thousands(d)),
        None if digits(&text) => match text.parse::<u64>() {
            Ok(n) if n < 1000 => format!("${},000", group_thousands(&n.to_string())),
            _ => format!("${}", group_thousands(&text)),
        },
        _ => limit.to_owned(),
    }
}

/// A deductible as rate packs write it: dollars (`1000` → `$1,000`) or a
/// percentage of the dwelling limit (`2%` stays `2%`).
pub fn format_deductible(deductible: &str) -> String {
    let text: String = deductible.trim().chars().filter(|c| *c != ',').collect();
    if is_percent(&text) {
        return text;
    }
    let d = text.strip_prefix('$').unwrap_or(&text);
    if !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()) {
        format!("${}", group_thousands(d))
    } else {
        deductible.to_owned()
    }
}

/// `2%`, `2.5%`.
fn is_percent(text: &str) -> bool {
    text.strip_suffix('%').is_some_and(|n| {
        let mut parts = n.splitn(2, '.');
        let whole = parts.next().unwrap_or("");
        let frac = parts.next();
        !whole.is_empty()
            && whole.bytes().all(|b| b.is_ascii_digit())
            && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
    })
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

    #[test]
    fn limits_and_deductibles_read_as_the_screens_show_them() {
        for (given, shown) in [
            ("100/300", "$100,000 / $300,000"),
            ("250/500/100", "$250,000 / $500,000 / $100,000"),
            ("15", "$15,000"),
            ("250000", "$250,000"),
            ("$1000", "$1,000"),
            ("1,000,000", "$1,000,000"),
            ("2%", "2%"),
            ("Actual cash value", "Actual cash value"),
        ] {
            assert_eq!(format_limit(given), shown, "{given}");
        }
        for (given, shown) in [("500", "$500"), ("1000", "$1,000"), ("2%", "2%"), ("2.5%", "2.5%"), ("none", "none")] {
            assert_eq!(format_deductible(given), shown, "{given}");
        }
    }

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
