//! Loading and pricing through the public API, data-driven through two
//! helpers: `pack` builds a pack in memory from a manifest and tables, and
//! `check_error` asserts the error names the file, the line and the message.

use std::path::Path;
use std::str::FromStr;

use rust_decimal::Decimal;
use uw_rating::{compile, price_all, price_coverage, PackError, PackFiles, RatePack, RatingError, RatingInput};

const MANIFEST: &str = r#"id = "test-auto"
state = "CA"
product = "personal-auto"
version = "1"

[rounding]
places = 2
mode = "half-up"

[tables.territory]
file = "territory.csv"
kind = "exact"

[tables.year]
file = "year.csv"
kind = "bands"

[[coverages]]
code = "BI"
name = "Bodily injury"
base_rate = "30"
steps = [
  { table = "territory", input = "garaging_zip" },
  { table = "year", input = "vehicle_year" },
]
"#;

const TERRITORY: &str = "key,factor\n94110,1.93\n90001,2.00\n";
const YEAR: &str = "from,to,factor\n1990,2009,0.85\n2010,2030,1.00\n";

fn files(manifest: &str, territory: &str, year: &str) -> PackFiles {
    PackFiles::in_memory("packs/test-auto")
        .with_file("manifest.toml", manifest)
        .with_file("territory.csv", territory)
        .with_file("year.csv", year)
}

fn pack() -> RatePack {
    compile(&files(MANIFEST, TERRITORY, YEAR)).expect("the test pack compiles")
}

fn input(zip: &str, year: i32) -> RatingInput {
    RatingInput { garaging_zip: zip.into(), vehicle_year: year }
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("test decimal")
}

/// Compiles the pack and checks the error's text names `file:line` and
/// contains `needle`.
fn check_error(files: PackFiles, file_line: &str, needle: &str) {
    let err = compile(&files).expect_err("the pack must not compile");
    let text = err.to_string();
    assert!(text.starts_with(&format!("packs/test-auto/{file_line}:")), "error `{text}` should start with {file_line}");
    assert!(text.contains(needle), "error `{text}` should mention `{needle}`");
}

#[test]
fn public_example_rounds_half_up_in_decimal() {
    // 30 x 1.93 x 0.85 = 49.215 exactly; binary floating point gives 49.2149...
    let premium = price_coverage(&pack(), "BI", &input("94110", 2005)).expect("rates");
    assert_eq!(premium.premium, dec("49.22"));
    assert_eq!(premium.pack_id, "test-auto@1");
}

#[test]
fn worksheet_multiplies_out_to_its_premium() {
    let premium = price_coverage(&pack(), "BI", &input("90001", 2012)).expect("rates");
    let ops: Vec<_> = premium.worksheet.iter().map(|l| (l.operation, l.value)).collect();
    assert_eq!(ops, vec![("base rate", dec("30")), ("factor", dec("2.00")), ("factor", dec("1.00")), ("round", dec("60.00"))]);
    // Independently: the product of base and factors, rounded, is the premium.
    let product: Decimal = premium.worksheet.iter().filter(|l| l.operation != "round").map(|l| l.value).product();
    assert_eq!(product.round_dp(2), premium.premium);
    assert_eq!(premium.worksheet.last().map(|l| l.subtotal), Some(premium.premium));
}

#[test]
fn band_edges_are_inclusive() {
    let p = pack();
    assert_eq!(price_coverage(&p, "BI", &input("94110", 2009)).expect("rates").premium, dec("49.22"));
    assert_eq!(price_coverage(&p, "BI", &input("94110", 2010)).expect("rates").premium, dec("57.90"));
    assert_eq!(price_coverage(&p, "BI", &input("94110", 1990)).expect("rates").premium, dec("49.22"));
}

#[test]
fn unrated_values_are_errors_naming_the_field() {
    let p = pack();
    let err = price_coverage(&p, "BI", &input("10001", 2015)).expect_err("ZIP is not rated");
    assert_eq!(
        err,
        RatingError::NotRated {
            pack: "test-auto@1".into(),
            table: "territory".into(),
            field: "garaging_zip".into(),
            value: "10001".into()
        }
    );
    let err = price_coverage(&p, "BI", &input("94110", 1989)).expect_err("year is not rated");
    assert!(err.to_string().starts_with("vehicle_year: `1989`"), "{err}");
    let err = price_coverage(&p, "COLL", &input("94110", 2015)).expect_err("no such coverage");
    assert!(matches!(err, RatingError::UnknownCoverage { .. }));
}

#[test]
fn price_all_totals_the_coverages() {
    let (total, premiums) = price_all(&pack(), &input("94110", 2015)).expect("rates");
    assert_eq!(premiums.len(), 1);
    assert_eq!(total, dec("57.90"));
}

#[test]
fn manifest_errors_name_file_and_line() {
    check_error(
        files(&MANIFEST.replace("version = \"1\"", "version = \"1\"\ncolour = \"red\""), TERRITORY, YEAR),
        "manifest.toml:5",
        "unknown field `colour`",
    );
    check_error(
        files(&MANIFEST.replace("mode = \"half-up\"", "mode = \"sideways\""), TERRITORY, YEAR),
        "manifest.toml:8",
        "unknown variant `sideways`",
    );
    check_error(
        files(&MANIFEST.replace("{ table = \"year\"", "{ table = \"yeer\""), TERRITORY, YEAR),
        "manifest.toml:24",
        "no table named `yeer`",
    );
    check_error(
        files(&MANIFEST.replace("base_rate = \"30\"", "base_rate = \"3O\""), TERRITORY, YEAR),
        "manifest.toml:21",
        "`3O` is not a decimal",
    );
    check_error(files(&MANIFEST.replace("state = \"CA\"", "state = \"California\""), TERRITORY, YEAR), "manifest.toml:2", "two-letter");
    check_error(
        files(&MANIFEST.replace("input = \"vehicle_year\"", "input = \"credit_score\""), TERRITORY, YEAR),
        "manifest.toml:24",
        "unknown variant `credit_score`",
    );
}

#[test]
fn table_errors_name_file_and_line() {
    check_error(files(MANIFEST, "key,factor\n94110,1.93\n94110,2.00\n", YEAR), "territory.csv:3", "already appears on line 2");
    check_error(files(MANIFEST, "key,factor\n94110,abc\n", YEAR), "territory.csv:2", "`abc` is not a decimal");
    check_error(files(MANIFEST, "key,factor\n94110,-1\n", YEAR), "territory.csv:2", "greater than zero");
    check_error(files(MANIFEST, "zip,factor\n94110,1\n", YEAR), "territory.csv:1", "expected columns `key,factor`");
    check_error(files(MANIFEST, "key,factor\n", YEAR), "territory.csv:1", "no rows");
    check_error(
        files(MANIFEST, TERRITORY, "from,to,factor\n1990,2009,0.85\n2011,2030,1.00\n"),
        "year.csv:3",
        "gap between band 1990..=2009 and band 2011..=2030",
    );
    check_error(files(MANIFEST, TERRITORY, "from,to,factor\n1990,2009,0.85\n2005,2030,1.00\n"), "year.csv:3", "overlaps");
    check_error(files(MANIFEST, TERRITORY, "from,to,factor\n2009,1990,0.85\n"), "year.csv:2", "ends (1990) before it starts (2009)");
    check_error(files(MANIFEST, TERRITORY, "from,to,factor\n19x0,2009,0.85\n"), "year.csv:2", "`19x0` is not a whole number");
}

#[test]
fn missing_table_file_is_named() {
    let files = PackFiles::in_memory("packs/test-auto").with_file("manifest.toml", MANIFEST).with_file("territory.csv", TERRITORY);
    let err = compile(&files).expect_err("year.csv is missing");
    assert!(matches!(&err, PackError::MissingFile { path } if path == Path::new("packs/test-auto/year.csv")), "{err}");
}

#[test]
fn bundled_california_pack_loads_and_rates() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rate-packs/ca-personal-auto");
    let pack = RatePack::load_dir(&dir).expect("the bundled pack loads");
    assert_eq!((pack.state(), pack.product(), pack.id().as_str()), ("CA", "personal-auto", "ca-personal-auto@2026.1"));
    // 412.00 x 1.35 (94110) x 1.08 (2019-2023) = 600.696, whole dollars half up.
    let premium = price_coverage(&pack, "BI", &input("94110", 2020)).expect("rates");
    assert_eq!(premium.premium, dec("601"));
}

#[test]
fn load_dir_names_a_missing_directory() {
    let err = RatePack::load_dir(Path::new("/nonexistent/pack")).expect_err("no such pack");
    assert!(err.to_string().starts_with("cannot read /nonexistent/pack/manifest.toml"), "{err}");
}
