//! A small Illinois auto pack built in memory, and helpers to break it.
#![allow(dead_code, reason = "each test file uses a different part of the helpers")]

pub mod random;

use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use uw_rating::{compile, CoveragePremium, LoadMode, Operation, PackError, PackFiles, Quote, RatePack, ValidQuote};

pub const MANIFEST: &str = r#"format = 1
id = "test-auto"
state = "IL"
product = "personal-auto"
version = "1"
terms = [12]

[effective]
new_business = 2026-01-01
renewal = 2026-01-01

[filing]
reference = "TEST-1"
type = "informational"

[rounding]
coverage = { places = 2, mode = "half-up" }

[points]
speeding = 1
running-red-light = 1
failure-to-yield = 1
reckless-driving = 2
dui = 2
suspended-license = 2
other-moving = 1
at-fault-accident = 1

[tables.territory]
file = "territory.csv"
keys = [{ column = "zip", match = "exact" }]

[tables.record]
file = "record.csv"
keys = [{ column = "points", match = "band" }]

[[coverages]]
code = "BI"
name = "Bodily injury"
per = "vehicle"
required = true
limits = ["25/50", "100/300"]
steps = [
  { op = "base", value = "30" },
  { op = "lookup", table = "territory", keys = ["vehicle.garaging_zip"] },
  { op = "lookup", table = "record", keys = ["driver.violation_points_3y"] },
]

[[coverages]]
code = "PD"
name = "Property damage"
per = "vehicle"
required = true
steps = [{ op = "base", value = "100" }]

[[installment_plans]]
code = "pay-in-full"
name = "Pay in full"
installments = 1
"#;

pub const TERRITORY: &str = "zip,value,label\n60601,1.93,Chicago Loop\n62701,1.00,Springfield\n";
pub const RECORD: &str = "points_from,points_to,value\n0,0,0.85\n1,,1.20\n";

pub fn files(manifest: &str) -> PackFiles {
    PackFiles::in_memory("packs/test-auto")
        .with_file("manifest.toml", manifest)
        .with_file("territory.csv", TERRITORY)
        .with_file("record.csv", RECORD)
}

pub fn pack() -> RatePack {
    compile(&files(MANIFEST), LoadMode::Draft).expect("the test pack compiles")
}

/// The 1-based line where `needle` (which may span lines) first starts.
pub fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).unwrap_or_else(|| panic!("`{needle}` not in the text"));
    text[..at].matches('\n').count() + 1
}

/// Compiles and checks the error names `file:line` and contains `needle`.
pub fn check_error(files: PackFiles, file_line: &str, needle: &str) -> PackError {
    let err = compile(&files, LoadMode::Draft).expect_err("the pack must not compile");
    let text = err.to_string();
    assert!(text.starts_with(&format!("packs/test-auto/{file_line}:")), "error `{text}` should start with packs/test-auto/{file_line}:");
    assert!(text.contains(needle), "error `{text}` should mention `{needle}`");
    err
}

pub const QUOTE: &str = r#"{
  "product": "personal-auto",
  "state": "IL",
  "effective_date": "2026-03-01",
  "term_months": 12,
  "applicant": { "name": "Pat Doe", "address": { "street": "1 Main St", "city": "Chicago", "state": "IL", "zip": "60601" } },
  "drivers": [
    { "name": "Pat Doe", "date_of_birth": "1980-05-05", "license_date": "1998-06-01" }
  ],
  "vehicles": [
    { "year": 2020, "use": "commute", "annual_miles": 12000, "garaging_zip": "60601", "principal_driver": 0 }
  ],
  "coverages": [ { "code": "BI", "limit": "100/300" }, { "code": "PD" } ],
  "installment_plan": "pay-in-full"
}"#;

pub fn quote() -> Quote {
    Quote::from_json(QUOTE).expect("the test quote parses")
}

pub fn valid(q: Quote) -> ValidQuote {
    q.validate().expect("the test quote is valid")
}

/// The bundled pack directories under `rate-packs/`, sorted.
pub fn bundled_pack_dirs() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rate-packs");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("rate-packs")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("manifest.toml").is_file())
        .collect();
    dirs.sort();
    dirs
}

/// Replays a coverage's worksheet independently of the engine and returns
/// the premium it arrives at. Each line's subtotal must follow from the
/// previous one by the line's operation (to within one unit of the
/// subtotal's last place, where the pack rounds every step).
pub fn replay(c: &CoveragePremium) -> Decimal {
    let mut running = Decimal::ZERO;
    for line in &c.worksheet {
        running = match line.operation {
            Operation::Base | Operation::Round | Operation::Minimum => line.value,
            Operation::Factor | Operation::Multiply | Operation::RiskFactor => running * line.value,
            Operation::Add => running + line.value,
            Operation::AtLeast => running.max(line.value),
            Operation::AtMost => running.min(line.value),
            Operation::Discount => running * (Decimal::ONE - line.value),
            Operation::Surcharge => running * (Decimal::ONE + line.value),
        };
        assert!(
            (running - line.subtotal).abs() < Decimal::new(1, line.subtotal.scale()),
            "{}: {line:?} does not follow from {running}",
            c.coverage
        );
        running = line.subtotal;
    }
    running
}
