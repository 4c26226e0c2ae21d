//! Quote numbers: `QUOT-YYYY-NNNNNN`, the year the quote was started and a
//! six-digit serial within that year.

use std::fmt;
use std::str::FromStr;

/// A quote number, `QUOT-2026-000123`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QuoteNumber {
    year: u16,
    serial: u32,
}

impl QuoteNumber {
    /// The largest serial six digits hold.
    pub const MAX_SERIAL: u32 = 999_999;

    pub fn new(year: i32, serial: u32) -> Result<Self, QuoteNumberError> {
        let year = u16::try_from(year).ok().filter(|y| (1000..=9999).contains(y)).ok_or(QuoteNumberError::Year { year })?;
        if serial == 0 || serial > Self::MAX_SERIAL {
            return Err(QuoteNumberError::Serial { serial });
        }
        Ok(Self { year, serial })
    }

    pub fn year(self) -> i32 {
        i32::from(self.year)
    }

    pub fn serial(self) -> u32 {
        self.serial
    }
}

impl fmt::Display for QuoteNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "QUOT-{:04}-{:06}", self.year, self.serial)
    }
}

impl FromStr for QuoteNumber {
    type Err = QuoteNumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let malformed = || QuoteNumberError::Malformed { text: s.to_owned() };
        let rest = s.strip_prefix("QUOT-").ok_or_else(malformed)?;
        let (year, serial) = rest.split_once('-').ok_or_else(malformed)?;
        let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(year, 4) || !digits(serial, 6) {
            return Err(malformed());
        }
        Self::new(year.parse().map_err(|_| malformed())?, serial.parse().map_err(|_| malformed())?)
    }
}

impl serde::Serialize for QuoteNumber {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for QuoteNumber {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuoteNumberError {
    #[error("`{text}` is not a quote number; expected QUOT-YYYY-NNNNNN, for example QUOT-2026-000123")]
    Malformed { text: String },
    #[error("quote number year {year} is not a four-digit year")]
    Year { year: i32 },
    #[error("quote number serial {serial} is outside 1..=999999")]
    Serial { serial: u32 },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses() {
        let n = QuoteNumber::new(2026, 123).expect("valid");
        assert_eq!(n.to_string(), "QUOT-2026-000123");
        assert_eq!("QUOT-2026-000123".parse::<QuoteNumber>(), Ok(n));
        assert_eq!(QuoteNumber::new(2026, 999_999).map(|n| n.to_string()), Ok("QUOT-2026-999999".to_owned()));
    }

    #[test]
    fn refuses_malformed() {
        for bad in
            ["", "QUOT-2026-00012", "QUOT-2026-0001234", "quot-2026-000123", "QUOT-26-000123", "QUOT-2026-00012a", "QUOT-2026-000000"]
        {
            assert!(bad.parse::<QuoteNumber>().is_err(), "{bad} parsed");
        }
        assert_eq!(QuoteNumber::new(2026, 1_000_000), Err(QuoteNumberError::Serial { serial: 1_000_000 }));
        assert_eq!(QuoteNumber::new(99, 1), Err(QuoteNumberError::Year { year: 99 }));
    }
}
