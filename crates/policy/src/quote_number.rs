//! Quote numbers. An enrolled device numbers its quotes
//! `QUOT-YYYY-DDDDD-NNNNN`: the year the quote was started (on the device's
//! clock), the device's own number, which the server gives it once at
//! enrollment and never gives another device, and a serial the device counts
//! itself within that year. No two devices can hand out the same number,
//! offline or not, across New Year too, and nothing has to be granted per
//! year. Each group has at least five digits and grows when it must
//! (`QUOT-2031-104233-00017`), so neither devices nor quotes run out.
//!
//! Numbers of the first scheme, `QUOT-YYYY-NNNNNN` (a six-digit serial from
//! a block the server granted, or from an unenrolled device's local range),
//! stay valid as they were printed.

use std::fmt;
use std::str::FromStr;

/// A quote number: `QUOT-2026-00042-00123`, or the first scheme's `QUOT-2026-000123`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QuoteNumber {
    year: u16,
    /// The device's number; `None` for the first scheme.
    device: Option<u32>,
    serial: u32,
}

impl QuoteNumber {
    /// The largest serial of the first scheme (six digits).
    pub const MAX_SERIAL: u32 = 999_999;
    /// Digits each group of a device number has at least.
    pub const GROUP_DIGITS: usize = 5;

    /// A number of the first scheme, `QUOT-YYYY-NNNNNN`.
    pub fn new(year: i32, serial: u32) -> Result<Self, QuoteNumberError> {
        let year = Self::check_year(year)?;
        if serial == 0 || serial > Self::MAX_SERIAL {
            return Err(QuoteNumberError::Serial { serial });
        }
        Ok(Self { year, device: None, serial })
    }

    /// Device `device`'s quote `serial` of `year`: `QUOT-YYYY-DDDDD-NNNNN`.
    pub fn for_device(year: i32, device: u32, serial: u32) -> Result<Self, QuoteNumberError> {
        let year = Self::check_year(year)?;
        if device == 0 {
            return Err(QuoteNumberError::Device { device });
        }
        if serial == 0 {
            return Err(QuoteNumberError::Serial { serial });
        }
        Ok(Self { year, device: Some(device), serial })
    }

    fn check_year(year: i32) -> Result<u16, QuoteNumberError> {
        u16::try_from(year).ok().filter(|y| (1000..=9999).contains(y)).ok_or(QuoteNumberError::Year { year })
    }

    pub fn year(self) -> i32 {
        i32::from(self.year)
    }

    /// The number of the device that handed it out (`None` for the first scheme).
    pub fn device(self) -> Option<u32> {
        self.device
    }

    pub fn serial(self) -> u32 {
        self.serial
    }
}

impl fmt::Display for QuoteNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.device {
            None => write!(f, "QUOT-{:04}-{:06}", self.year, self.serial),
            Some(device) => write!(f, "QUOT-{:04}-{device:05}-{:05}", self.year, self.serial),
        }
    }
}

impl FromStr for QuoteNumber {
    type Err = QuoteNumberError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let malformed = || QuoteNumberError::Malformed { text: s.to_owned() };
        let rest = s.strip_prefix("QUOT-").ok_or_else(malformed)?;
        let parts: Vec<&str> = rest.split('-').collect();
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        // A group wider than five digits has no leading zero: one spelling per number.
        let group = |t: &str| -> Result<u32, QuoteNumberError> {
            if !digits(t) || t.len() < Self::GROUP_DIGITS || (t.len() > Self::GROUP_DIGITS && t.starts_with('0')) {
                return Err(malformed());
            }
            t.parse().map_err(|_| malformed())
        };
        match parts[..] {
            [year, serial] if year.len() == 4 && digits(year) && serial.len() == 6 && digits(serial) => {
                Self::new(year.parse().map_err(|_| malformed())?, serial.parse().map_err(|_| malformed())?)
            }
            [year, device, serial] if year.len() == 4 && digits(year) => {
                Self::for_device(year.parse().map_err(|_| malformed())?, group(device)?, group(serial)?)
            }
            _ => Err(malformed()),
        }
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
    #[error("`{text}` is not a quote number; expected QUOT-YYYY-DDDDD-NNNNN (for example QUOT-2026-00042-00123) or QUOT-YYYY-NNNNNN")]
    Malformed { text: String },
    #[error("quote number year {year} is not a four-digit year")]
    Year { year: i32 },
    #[error("quote number serial {serial} is outside 1..=999999")]
    Serial { serial: u32 },
    #[error("device number {device} is not one the server gives (they start at 1)")]
    Device { device: u32 },
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
        for bad in ["", "QUOT-2026-00012", "QUOT-2026-0001234", "quot-2026-000123", "QUOT-26-000123", "QUOT-2026-00012a"] {
            assert_eq!(bad.parse::<QuoteNumber>(), Err(QuoteNumberError::Malformed { text: bad.to_owned() }));
        }
        assert_eq!("QUOT-2026-000000".parse::<QuoteNumber>(), Err(QuoteNumberError::Serial { serial: 0 }));
        assert_eq!(QuoteNumber::new(2026, 1_000_000), Err(QuoteNumberError::Serial { serial: 1_000_000 }));
        assert_eq!(QuoteNumber::new(99, 1), Err(QuoteNumberError::Year { year: 99 }));
    }

    #[test]
    fn device_numbers_format_parse_and_grow() {
        let n = QuoteNumber::for_device(2027, 42, 17).expect("valid");
        assert_eq!(n.to_string(), "QUOT-2027-00042-00017");
        assert_eq!("QUOT-2027-00042-00017".parse::<QuoteNumber>(), Ok(n));
        assert_eq!((n.year(), n.device(), n.serial()), (2027, Some(42), 17));
        let wide = QuoteNumber::for_device(2031, 104_233, 123_456).expect("valid");
        assert_eq!(wide.to_string(), "QUOT-2031-104233-123456");
        assert_eq!(wide.to_string().parse::<QuoteNumber>(), Ok(wide));
        // Different devices, or the two schemes, never print the same text.
        assert_ne!(QuoteNumber::for_device(2026, 1, 2).expect("valid").to_string(), QuoteNumber::new(2026, 12).expect("valid").to_string());
        for bad in [
            "QUOT-2026-0042-00017",
            "QUOT-2026-00042-0017",
            "QUOT-2026-000042-00017",
            "QUOT-2026-00042-00017-1",
            "QUOT-2026-00042-",
            "QUOT-2026-99999999999-00001",
        ] {
            assert_eq!(bad.parse::<QuoteNumber>(), Err(QuoteNumberError::Malformed { text: bad.to_owned() }));
        }
        assert_eq!("QUOT-2026-00000-00001".parse::<QuoteNumber>(), Err(QuoteNumberError::Device { device: 0 }));
        assert_eq!("QUOT-2026-00001-00000".parse::<QuoteNumber>(), Err(QuoteNumberError::Serial { serial: 0 }));
    }
}
