//! US ZIP code to state and county, for every active ZIP code.
//!
//! The data (`data/us-zips.txt`) groups ZIPs by state and county as ranges of
//! consecutive existing codes, which keeps it small (about 250 KB for 41,749
//! ZIPs) while staying exact: every code inside a range exists.

use std::sync::OnceLock;

const DATA: &str = include_str!("../../data/us-zips.txt");

/// Where a ZIP code is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Place {
    pub zip: u32,
    /// Two-letter USPS code (states, DC, territories, and AA/AE/AP military).
    pub state: &'static str,
    /// County name as the source gives it; empty for military and some territory codes.
    pub county: &'static str,
}

/// Why a ZIP code could not be looked up.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ZipError {
    /// Not five ASCII digits.
    #[error("`{0}` is not a five-digit ZIP code")]
    Malformed(String),
    /// Well formed, but not an active US ZIP code.
    #[error("ZIP {0} is not an active US ZIP code")]
    Unknown(String),
}

#[derive(Debug, Clone, Copy)]
struct Range {
    first: u32,
    last: u32,
    state: &'static str,
    county: &'static str,
}

fn ranges() -> &'static [Range] {
    static RANGES: OnceLock<Vec<Range>> = OnceLock::new();
    RANGES.get_or_init(|| {
        let mut out = Vec::with_capacity(16_000);
        for line in DATA.lines().filter(|l| !l.starts_with('#') && !l.is_empty()) {
            let mut fields = line.splitn(3, '|');
            let (Some(state), Some(county), Some(items)) = (fields.next(), fields.next(), fields.next()) else { continue };
            for item in items.split(';') {
                let (a, b) = item.split_once('-').unwrap_or((item, item));
                if let (Ok(first), Ok(last)) = (a.parse(), b.parse()) {
                    out.push(Range { first, last, state, county });
                }
            }
        }
        out.sort_unstable_by_key(|r| r.first);
        out
    })
}

/// Looks a ZIP code up.
pub fn lookup(zip: &str) -> Result<Place, ZipError> {
    if zip.len() != 5 || !zip.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ZipError::Malformed(zip.to_owned()));
    }
    let n: u32 = zip.parse().map_err(|_| ZipError::Malformed(zip.to_owned()))?;
    let ranges = ranges();
    let i = ranges.partition_point(|r| r.first <= n);
    match i.checked_sub(1).map(|i| ranges[i]) {
        Some(r) if n <= r.last => Ok(Place { zip: n, state: r.state, county: r.county }),
        _ => Err(ZipError::Unknown(zip.to_owned())),
    }
}

/// Every ZIP code of a state, ascending, formatted with five digits.
pub fn zips_in_state(state: &str) -> Vec<String> {
    let mut out: Vec<u32> = ranges().iter().filter(|r| r.state == state).flat_map(|r| r.first..=r.last).collect();
    out.sort_unstable();
    out.into_iter().map(|z| format!("{z:05}")).collect()
}

/// Every county of a state with its ZIP codes, for building territory tables.
pub fn counties_in_state(state: &str) -> Vec<(&'static str, Vec<u32>)> {
    let mut map: std::collections::BTreeMap<&'static str, Vec<u32>> = std::collections::BTreeMap::new();
    for r in ranges().iter().filter(|r| r.state == state) {
        map.entry(r.county).or_default().extend(r.first..=r.last);
    }
    map.into_iter().collect()
}
