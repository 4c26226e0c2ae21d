//! Vehicle identification numbers (49 CFR 565): check digit, model year and
//! maker.

use std::sync::OnceLock;

const WMI_DATA: &str = include_str!("../../data/wmi.csv");

/// A decoded VIN.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DecodedVin {
    pub vin: String,
    /// World Manufacturer Identifier, positions 1-3.
    pub wmi: String,
    /// The maker named by the WMI, when the bundled table knows it.
    pub manufacturer: Option<&'static str>,
    /// Position 10.
    pub model_year_code: char,
    /// The model year position 10 means, with position 7 settling the 30-year
    /// cycle as it does for light vehicles (a list, so heavier vehicles can
    /// report both cycles later).
    pub model_years: Vec<i32>,
    /// Position 9.
    pub check_digit: char,
}

/// Why a VIN is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VinError {
    #[error("`{vin}` has {len} characters; a VIN has 17")]
    Length { vin: String, len: usize },
    #[error("`{vin}` contains `{ch}` at position {position}; a VIN uses digits and letters other than I, O and Q")]
    Character { vin: String, ch: char, position: usize },
    #[error("`{vin}` has check digit `{found}` but its characters give `{expected}`")]
    CheckDigit { vin: String, found: char, expected: char },
    #[error("`{vin}` has model-year code `{code}` at position 10, which no model year uses (never U, Z or 0)")]
    ModelYear { vin: String, code: char },
}

const WEIGHTS: [u32; 17] = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

fn transliterate(c: char) -> Option<u32> {
    Some(match c {
        '0'..='9' => c.to_digit(10)?,
        'A' | 'J' => 1,
        'B' | 'K' | 'S' => 2,
        'C' | 'L' | 'T' => 3,
        'D' | 'M' | 'U' => 4,
        'E' | 'N' | 'V' => 5,
        'F' | 'W' => 6,
        'G' | 'P' | 'X' => 7,
        'H' | 'Y' => 8,
        'R' | 'Z' => 9,
        _ => return None,
    })
}

/// The check digit the other 16 characters call for (`X` for 10).
pub fn check_digit(vin: &str) -> Option<char> {
    let mut sum = 0;
    for (i, c) in vin.chars().enumerate() {
        if i < 17 {
            sum += transliterate(c)? * WEIGHTS[i];
        }
    }
    Some(match sum % 11 {
        10 => 'X',
        n => char::from_digit(n, 10)?,
    })
}

/// The first model year (1980-2009 cycle) a position-10 code stands for.
fn first_cycle_year(code: char) -> Option<i32> {
    const LETTERS: &str = "ABCDEFGHJKLMNPRSTVWXY";
    if let Some(i) = LETTERS.find(code) {
        return i32::try_from(i).ok().map(|i| 1980 + i);
    }
    match code {
        '1'..='9' => code.to_digit(10).and_then(|d| i32::try_from(d).ok()).map(|d| 2000 + d),
        _ => None,
    }
}

/// Validates and decodes a VIN.
pub fn decode(vin: &str) -> Result<DecodedVin, VinError> {
    let len = vin.chars().count();
    if len != 17 {
        return Err(VinError::Length { vin: vin.to_owned(), len });
    }
    for (i, ch) in vin.chars().enumerate() {
        if !ch.is_ascii_digit() && !ch.is_ascii_uppercase() || matches!(ch, 'I' | 'O' | 'Q') {
            return Err(VinError::Character { vin: vin.to_owned(), ch, position: i + 1 });
        }
    }
    let chars: Vec<char> = vin.chars().collect();
    let expected = check_digit(vin).ok_or_else(|| VinError::Character { vin: vin.to_owned(), ch: '?', position: 0 })?;
    if chars[8] != expected {
        return Err(VinError::CheckDigit { vin: vin.to_owned(), found: chars[8], expected });
    }
    let code = chars[9];
    let first = first_cycle_year(code).ok_or_else(|| VinError::ModelYear { vin: vin.to_owned(), code })?;
    // For light vehicles a letter in position 7 marks the 2010-2039 cycle and
    // a digit the 1980-2009 one.
    let model_years = if chars[6].is_ascii_alphabetic() { vec![first + 30] } else { vec![first] };
    let wmi: String = chars[..3].iter().collect();
    Ok(DecodedVin { manufacturer: manufacturer(&wmi), wmi, vin: vin.to_owned(), model_year_code: code, model_years, check_digit: chars[8] })
}

/// The maker a WMI names, from the bundled table of common WMIs.
pub fn manufacturer(wmi: &str) -> Option<&'static str> {
    static TABLE: OnceLock<Vec<(&'static str, &'static str)>> = OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut rows: Vec<_> = WMI_DATA.lines().skip(1).filter_map(|l| l.split_once(',')).collect();
        rows.sort_unstable();
        rows
    });
    table.binary_search_by_key(&wmi, |(w, _)| w).ok().map(|i| table[i].1)
}
