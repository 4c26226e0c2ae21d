//! Personal data: masked where shown, never in logs.
//!
//! Types that hold PII implement `Debug` by hand through these helpers, so
//! a `tracing` field or a panic message cannot print a name, a licence
//! number or an address by accident. Code that must show PII to the agent
//! reads the field itself; code that shows it elsewhere uses [`mask_tail`].

use std::fmt;

/// Shows only the last four characters: `D1234567` → `••••4567`. Anything
/// of four characters or fewer is masked entirely.
pub fn mask_tail(value: &str) -> String {
    let chars: Vec<char> = value.chars().collect();
    if chars.len() <= 4 {
        return "•".repeat(chars.len().max(4));
    }
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("••••{tail}")
}

/// A value that prints as `[redacted]` in `Debug` and `Display`.
#[derive(Clone, Copy)]
pub struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_all_but_the_last_four() {
        assert_eq!(mask_tail("D1234567"), "••••4567");
        assert_eq!(mask_tail("1HGCM82633A004352"), "••••4352");
        assert_eq!(mask_tail("12345"), "••••2345");
        assert_eq!(mask_tail("1234"), "••••");
        assert_eq!(mask_tail(""), "••••");
        assert_eq!(format!("{Redacted:?} {Redacted}"), "[redacted] [redacted]");
    }
}
