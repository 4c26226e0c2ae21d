//! Legacy book import through a mapping file, and the canonical book format:
//! a hand-written auto dump and a homeowners dump (`tests/data/`), every
//! good row kept with exact values, every bad row rejected naming its field
//! and column, the counts, the rejects file, mapping and book errors with
//! their lines, and a property over random mixes of good and bad rows.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::str::FromStr;

use proptest::prelude::*;
use rust_decimal::Decimal;
use time::macros::date;
use uw_policy::{
    import, read_book, write_book, write_rejects, BookError, CanonicalPolicy, CanonicalStatus, Import, ImportError, Mapping, MappingError,
    ProblemKind, Reject,
};
use uw_rating::quote::{VehicleUse, ViolationKind};
use uw_rating::Quote;

fn data(name: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)).unwrap()
}

/// An example quote as a legacy dump carries it: without the signed
/// coverage decisions, which version 1 of the canonical model has no place
/// for (a book's policies were bound before; the forms stay on file).
fn example(name: &str) -> Quote {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rate-packs/examples").join(name);
    let mut quote = Quote::from_json(&std::fs::read_to_string(path).unwrap()).unwrap();
    quote.elections.clear();
    quote
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn auto_mapping() -> Mapping {
    Mapping::parse(&data("legacy-auto.toml"), "legacy-auto.toml").unwrap()
}

fn import_auto() -> Import {
    import(&auto_mapping(), data("legacy-auto.csv").as_bytes()).unwrap()
}

fn import_home() -> Import {
    let mapping = Mapping::parse(&data("legacy-home.toml"), "legacy-home.toml").unwrap();
    import(&mapping, data("legacy-home.psv").as_bytes()).unwrap()
}

fn policy<'a>(import: &'a Import, number: &str) -> &'a CanonicalPolicy {
    import.policies.iter().find(|p| p.policy_number == number).unwrap_or_else(|| panic!("{number} was not accepted"))
}

/// Every reject's line with its problems as the rejects file writes them.
fn rejects_by_line(import: &Import) -> BTreeMap<u64, Vec<String>> {
    import.rejects.iter().map(|r| (r.line, r.problems.iter().map(ToString::to_string).collect())).collect()
}

/// Checks that exactly these lines were rejected, each with exactly these problems.
fn check_rejects(import: &Import, expected: &[(u64, &[&str])]) {
    let expected: BTreeMap<u64, Vec<String>> =
        expected.iter().map(|(line, problems)| (*line, problems.iter().map(|p| (*p).to_owned()).collect())).collect();
    assert_eq!(rejects_by_line(import), expected);
}

// ---- the auto dump ----------------------------------------------------------------------

#[test]
fn every_good_auto_row_is_kept_in_file_order() {
    let import = import_auto();
    let numbers: Vec<&str> = import.policies.iter().map(|p| p.policy_number.as_str()).collect();
    assert_eq!(numbers, ["CA-A-100001", "TX-A-200001", "NY-A-300001", "TX-A-200005", "TX-C-200002", "CA-X-100002", "TX-A-200007"]);
    let lines: Vec<Option<u64>> = import.policies.iter().map(|p| p.source_line).collect();
    assert_eq!(lines, [Some(2), Some(3), Some(4), Some(5), Some(6), Some(7), Some(17)]);
    assert!(import.policies.iter().all(|p| p.model_version == 1));
}

#[test]
fn a_two_driver_two_vehicle_row_becomes_exactly_the_reviewed_example_quote() {
    let import = import_auto();
    let p = policy(&import, "CA-A-100001");
    assert_eq!(p.status, CanonicalStatus::InForce);
    assert_eq!(p.term_start, date!(2026 - 06 - 15));
    assert_eq!(p.term_end, date!(2026 - 12 - 15));
    assert_eq!(p.written_premium, Some(dec("1412.00")));
    // The example applies comprehensive and collision to the Tesla only; the
    // legacy dump has no per-vehicle coverages, so they cover both cars.
    let mut expected = example("ca-personal-auto/05-family-two-vehicles.json");
    for coverage in &mut expected.coverages {
        coverage.vehicles = None;
    }
    // Version 1 of the canonical model has no course dates (the example's
    // dated course discount needs version 2).
    for d in &mut expected.drivers {
        d.course_date = None;
    }
    assert_eq!(p.rating, expected);
}

#[test]
fn one_driver_rows_get_one_driver_and_blank_coverage_columns_leave_the_coverage_out() {
    let import = import_auto();
    assert_eq!(policy(&import, "TX-A-200001").rating, example("tx-personal-auto/01-clean-standard.json"));
    // New York: PIP filled, MED blank.
    assert_eq!(policy(&import, "NY-A-300001").rating, example("ny-personal-auto/01-clean-standard.json"));
    // Liability only, a renewal, no credit tier.
    assert_eq!(policy(&import, "TX-A-200005").rating, example("tx-personal-auto/03-no-credit-renewal.json"));
}

#[test]
fn a_cancelled_policy_keeps_its_violation_second_driver_and_codes() {
    let import = import_auto();
    let p = policy(&import, "TX-C-200002");
    assert_eq!(p.status, CanonicalStatus::Cancelled);
    assert_eq!(p.written_premium, Some(dec("1118.75")));
    let q = &p.rating;
    assert_eq!(q.credit_tier.as_deref(), Some("fair"));
    assert_eq!(q.installment_plan, "two-pay");
    assert_eq!(q.drivers.len(), 2);
    assert_eq!(q.drivers[0].violations.len(), 1);
    assert_eq!(q.drivers[0].violations[0].date, date!(2024 - 11 - 03));
    assert_eq!(q.drivers[0].violations[0].kind, ViolationKind::Speeding);
    assert!(q.drivers[1].violations.is_empty());
    assert_eq!(q.drivers[1].name, "Ana Martinez");
    assert_eq!(q.vehicles.len(), 1);
    assert_eq!(q.vehicles[0].usage, VehicleUse::Business);
    assert_eq!(q.vehicles[0].annual_miles, 22_000);
    assert_eq!(q.vehicles[0].model.as_deref(), Some("Silverado 1500"));
    let coverages: Vec<(&str, Option<&str>, Option<&str>)> =
        q.coverages.iter().map(|c| (c.code.as_str(), c.limit.as_deref(), c.deductible.as_deref())).collect();
    assert_eq!(
        coverages,
        [("BI", Some("30/60"), None), ("PD", Some("25000"), None), ("COMP", None, Some("1000")), ("COLL", None, Some("1000"))]
    );
    let expired = policy(&import, "CA-X-100002");
    assert_eq!(expired.status, CanonicalStatus::Expired);
    assert!(expired.rating.vehicles[0].anti_theft);
    // A good row after nine bad ones: grouped miles read as a number.
    assert_eq!(policy(&import, "TX-A-200007").rating.vehicles[0].annual_miles, 7_500);
}

#[test]
fn every_bad_auto_row_is_rejected_with_every_reason_naming_field_and_column() {
    check_rejects(
        &import_auto(),
        &[
            (8, &["rating.applicant.name (column INSURED_NM): required, but the column is blank"]),
            (
                9,
                &[
                    "term_start (column EFF_DT): `13/45/2026` is not a date in the format [month]/[day]/[year]",
                    "rating.effective_date (column EFF_DT): `13/45/2026` is not a date in the format [month]/[day]/[year]",
                ],
            ),
            (10, &["rating.product (column LOB): `CM` is not a code in table `product`"]),
            (11, &["rating.vehicles[0].vin (column VEH1_VIN): `1HGCV1F38LA151313` has check digit `8` but its characters give `9`"]),
            (12, &["rating.vehicles[0].garaging_zip (column VEH1_GARAGE_ZIP): ZIP 78704 is in TX, not in the quoted state CA"]),
            (13, &["policy_number (column POLICY_NO): policy number TX-A-200003 already appears on line 8; a policy is one row, so neither row is imported"]),
            (14, &["rating.vehicles[0].annual_miles (column VEH1_MILES): `12K` is not a whole number"]),
            // Two problems in different parts of the row: both are reported.
            (
                15,
                &[
                    "rating.drivers[1].date_of_birth (column DRV2_DOB): `02/30/2001` is not a date in the format [month]/[day]/[year]",
                    "rating.vehicles[0].vin (column VEH1_VIN): `5YJ3E1EA5PF477748` has check digit `5` but its characters give `3`",
                ],
            ),
            (16, &["record: has 54 fields; the header has 53"]),
        ],
    );
}

#[test]
fn the_vin_check_digits_in_the_expected_messages_are_the_real_ones() {
    // Guards the expectations above against a typo: the VINs differ from
    // valid ones only in the character the message names.
    assert_eq!(uw_rating::refdata::vin::check_digit("1HGCV1F38LA151313"), Some('9'));
    assert_eq!(uw_rating::refdata::vin::check_digit("5YJ3E1EA5PF477748"), Some('3'));
    assert!(uw_rating::refdata::vin::decode("1HGCV1F39LA151313").is_ok());
}

#[test]
fn the_auto_report_counts_rows_fields_and_problem_kinds() {
    let import = import_auto();
    let r = &import.report;
    assert_eq!((r.rows_read, r.accepted, r.rejected), (16, 7, 9));
    assert_eq!(r.accepted + r.rejected, r.rows_read);
    assert_eq!(r.accepted as usize, import.policies.len());
    assert_eq!(r.rejected as usize, import.rejects.len());
    let field = |path: &str| r.fields.iter().find(|f| f.field == path).unwrap();
    // 15 rows split into fields (line 16 has the wrong field count).
    let name = field("rating.applicant.name");
    assert_eq!((name.source.as_str(), name.populated, name.blank, name.invalid), ("INSURED_NM", 14, 1, 1));
    let second_driver = field("rating.drivers[1].name");
    assert_eq!((second_driver.populated, second_driver.blank, second_driver.invalid), (3, 12, 0));
    assert_eq!(field("rating.vehicles[0].vin").invalid, 2);
    assert_eq!(field("rating.drivers[1].date_of_birth").invalid, 1);
    let bi = field("rating.coverages[0].code");
    assert_eq!((bi.source.as_str(), bi.populated, bi.blank), ("constant \"BI\"", 15, 0));
    assert_eq!(r.fields.len(), 61, "one entry per mapped field");
    let kinds: Vec<(ProblemKind, u64)> = r.problems_by_kind.iter().map(|(k, n)| (*k, *n)).collect();
    assert_eq!(
        kinds,
        [
            (ProblemKind::Blank, 1),
            (ProblemKind::BadValue, 4),
            (ProblemKind::UnknownCode, 1),
            (ProblemKind::Rule, 3),
            (ProblemKind::Duplicate, 1),
            (ProblemKind::MalformedRow, 1)
        ]
    );
    assert_eq!(r.problems_elsewhere.iter().map(|(k, n)| (k.as_str(), *n)).collect::<Vec<_>>(), [("record", 1)]);
    let json = serde_json::to_value(r).unwrap();
    assert_eq!(json["problems_by_kind"]["bad-value"], 4);
    assert_eq!(json["fields"][0]["field"], "policy_number");
}

#[test]
fn the_report_prints_as_an_aligned_table() {
    let text = import_auto().report.to_string();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[..3], ["rows read         16", "accepted           7", "rejected           9"]);
    let table: Vec<&str> = lines[4..].iter().copied().take_while(|l| !l.is_empty()).collect();
    assert_eq!(table.len(), 62, "a heading and 61 fields");
    assert!(table[0].starts_with("field "));
    assert!(table[0].ends_with("populated  blank  invalid  complete"));
    let width = table[0].chars().count();
    assert!(table.iter().all(|l| l.chars().count() == width), "every row as wide as the heading");
    let name = table.iter().find(|l| l.starts_with("rating.applicant.name ")).unwrap();
    assert!(name.ends_with("INSURED_NM              14      1        1     93.3%"), "{name}");
    assert!(text.contains("problems by kind\n  blank"));
    assert!(text.contains("  malformed-row          1\n"));
}

#[test]
fn the_rejects_file_holds_line_problems_and_the_original_fields() {
    let import = import_auto();
    let mut out = Vec::new();
    write_rejects(&import.rejects, &import.header, &mut out).unwrap();
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(out.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(header[..3], ["line", "problems", "POLICY_NO"]);
    assert_eq!(header.len(), 2 + 53);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 9);
    assert_eq!(&rows[0][0], "8");
    assert_eq!(&rows[0][1], "rating.applicant.name (column INSURED_NM): required, but the column is blank");
    assert_eq!(&rows[0][2], "TX-A-200003");
    assert_eq!(&rows[0][11], "", "the blank name stays blank");
    // Two problems joined by "; ".
    assert_eq!(
        &rows[1][1],
        "term_start (column EFF_DT): `13/45/2026` is not a date in the format [month]/[day]/[year]; \
         rating.effective_date (column EFF_DT): `13/45/2026` is not a date in the format [month]/[day]/[year]"
    );
    // Every original field survives, quoted where it must be.
    let line_9: Vec<&str> = rows[1].iter().skip(2).collect();
    assert_eq!(line_9[8], "$1,500.00");
    assert_eq!(line_9[9], "Karen Wu");
    // The row with one field too many keeps all 54.
    assert_eq!(&rows[8][0], "16");
    assert_eq!(rows[8].len(), 2 + 54);
    assert_eq!((&rows[8][11], &rows[8][12]), ("Smith", " Jo"));
}

#[test]
fn rejects_shorter_than_the_header_are_padded() {
    let rejects = [Reject { line: 4, record: vec!["A".to_owned()], problems: Vec::new() }];
    let mut out = Vec::new();
    write_rejects(&rejects, &["X".to_owned(), "Y".to_owned()], &mut out).unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), "line,problems,X,Y\n4,,A,\n");
}

// ---- the homeowners dump ----------------------------------------------------------------

#[test]
fn good_homeowners_rows_become_the_reviewed_example_quotes() {
    let import = import_home();
    let numbers: Vec<&str> = import.policies.iter().map(|p| p.policy_number.as_str()).collect();
    assert_eq!(numbers, ["HO-CA-500001", "HO-TX-600001", "HO-NY-700001", "HO-NY-700003"]);
    assert_eq!(policy(&import, "HO-CA-500001").rating, example("ca-homeowners-ho3/01-standard-los-angeles.json"));
    assert_eq!(policy(&import, "HO-TX-600001").rating, example("tx-homeowners-ho3/01-standard-austin.json"));
    // Three claims, read from three pairs of columns.
    assert_eq!(policy(&import, "HO-NY-700001").rating, example("ny-homeowners-ho3/02-declined-prior-claims.json"));
    let brooklyn = policy(&import, "HO-NY-700003");
    assert_eq!(brooklyn.term_start, date!(2026 - 05 - 01));
    assert_eq!(brooklyn.term_end, date!(2027 - 05 - 01));
    assert_eq!(brooklyn.written_premium, Some(dec("4480.00")));
    assert_eq!(brooklyn.rating.state, "NY", "upper = true");
    assert_eq!(brooklyn.rating.applicant.address.state, "NY");
    assert_eq!(brooklyn.rating.credit_tier, None, "a blank optional column is absent");
    assert_eq!(brooklyn.rating.dwelling.as_ref().unwrap().coverage_a, dec("1250000"));
    assert_eq!(brooklyn.rating.prior_claims.len(), 1);
    assert_eq!(brooklyn.rating.prior_claims[0].cause, "fire");
    assert_eq!(brooklyn.rating.prior_claims[0].date, date!(2021 - 06 - 10));
    assert_eq!(brooklyn.source_line, Some(10));
}

#[test]
fn every_bad_homeowners_row_is_rejected_naming_field_and_column() {
    let import = import_home();
    check_rejects(
        &import,
        &[
            (5, &["rating.dwelling.roof_age (column ROOF_AGE): a 40-year-old roof is older than the dwelling (built 2015)"]),
            (6, &["rating.dwelling.protection_class (column PROT_CL): 12 is not a protection class from 1 to 10"]),
            (7, &["rating.applicant.address.zip (column ZIP): `9581` is not a five-digit ZIP code"]),
            (8, &["rating.dwelling.year_built (column YR_BUILT): required, but the column is blank"]),
            (9, &["rating.prior_claims[0].date (column CLM1_DT): required, but the column is blank"]),
        ],
    );
    assert_eq!((import.report.rows_read, import.report.accepted, import.report.rejected), (9, 4, 5));
    let constant = import.report.fields.iter().find(|f| f.field == "rating.term_months").unwrap();
    assert_eq!((constant.source.as_str(), constant.populated), ("constant \"12\"", 9));
}

// ---- smaller dumps, built here ---------------------------------------------------------

/// The auto dump's header and its Texas row (line 13), with some columns
/// changed, as CSV text.
fn auto_csv(rows: &[&[(&str, &str)]]) -> String {
    let text = data("legacy-auto.csv");
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let columns: Vec<&str> = header.split(',').collect();
    // Line 13 is line 3's Texas policy without quoted commas, under the
    // number of the rejected line 8; as TX-A-200001 here.
    let mut base: Vec<&str> =
        lines.find(|l| l.contains("KM8JBCAE7RU788397") && l.contains("Michael Johnson") && !l.contains('"')).unwrap().split(',').collect();
    base[0] = "TX-A-200001";
    assert_eq!(base.len(), columns.len());
    let mut out = format!("{header}\n");
    for changes in rows {
        let mut row: Vec<String> = base.iter().map(|s| (*s).to_owned()).collect();
        for (column, value) in *changes {
            let i = columns.iter().position(|c| c == column).unwrap_or_else(|| panic!("no column {column}"));
            row[i] = if value.contains(',') { format!("\"{value}\"") } else { (*value).to_owned() };
        }
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

#[test]
fn a_second_driver_without_a_first_is_a_list_gap_not_a_shifted_list() {
    let csv = auto_csv(&[&[
        ("DRV1_NAME", ""),
        ("DRV1_DOB", ""),
        ("DRV1_LIC_DT", ""),
        ("DRV1_GOOD_STU", ""),
        ("DRV1_DEF_DRV", ""),
        ("DRV2_NAME", "Michael Johnson"),
        ("DRV2_DOB", "03/17/1980"),
        ("DRV2_LIC_DT", "04/01/1996"),
    ]]);
    let imported = import(&auto_mapping(), csv.as_bytes()).unwrap();
    check_rejects(
        &imported,
        &[(
            2,
            &["rating.drivers[0]: is blank (all its columns are) while rating.drivers[1] is filled; fill the list from its first element"],
        )],
    );
}

#[test]
fn a_partly_filled_driver_names_each_blank_required_column() {
    let csv = auto_csv(&[&[("DRV2_NAME", "Ana Johnson"), ("DRV2_GOOD_STU", "Y")]]);
    let imported = import(&auto_mapping(), csv.as_bytes()).unwrap();
    check_rejects(
        &imported,
        &[(
            2,
            &[
                "rating.drivers[1].date_of_birth (column DRV2_DOB): required, but the column is blank",
                "rating.drivers[1].license_date (column DRV2_LIC_DT): required, but the column is blank",
            ],
        )],
    );
}

#[test]
fn a_row_with_many_problems_reports_them_all() {
    let csv = auto_csv(&[&[
        ("POL_STATUS", "Q"),
        ("RENEWAL_IND", "MAYBE"),
        ("VEH1_YEAR", "1975"),
        ("VEH1_VIN", ""),
        ("MAIL_ZIP", "00000"),
        ("WRITTEN_PREM", "-$5.00"),
    ]]);
    let imported = import(&auto_mapping(), csv.as_bytes()).unwrap();
    check_rejects(
        &imported,
        &[(
            2,
            &[
                "status (column POL_STATUS): `Q` is not a code in table `status`",
                "rating.renewal (column RENEWAL_IND): `MAYBE` is not yes or no (Y/N, YES/NO, T/F, TRUE/FALSE, 1/0)",
                "written_premium (column WRITTEN_PREM): must not be negative",
                "rating.applicant.address.zip (column MAIL_ZIP): ZIP 00000 is not an active US ZIP code",
                "rating.vehicles[0].year (column VEH1_YEAR): 1975 is not a model year from 1981 to 2027",
            ],
        )],
    );
}

#[test]
fn rules_on_a_part_with_an_unreadable_field_are_skipped_not_guessed() {
    // The principal driver's code is unknown, so the vehicle's own rules are
    // not checked against a stand-in value; the applicant's still are.
    let csv = auto_csv(&[&[("VEH1_PRIN_DRV", "3"), ("VEH1_YEAR", "1975"), ("MAIL_ZIP", "00000")]]);
    let imported = import(&auto_mapping(), csv.as_bytes()).unwrap();
    check_rejects(
        &imported,
        &[(
            2,
            &[
                "rating.vehicles[0].principal_driver (column VEH1_PRIN_DRV): `3` is not a code in table `driver_number`",
                "rating.applicant.address.zip (column MAIL_ZIP): ZIP 00000 is not an active US ZIP code",
            ],
        )],
    );
    // The state is read by rules everywhere: none is checked without it.
    let csv = auto_csv(&[&[("RISK_ST", "99"), ("MAIL_ZIP", "00000")]]);
    let imported = import(&auto_mapping(), csv.as_bytes()).unwrap();
    check_rejects(&imported, &[(2, &["rating.state (column RISK_ST): `99` is not a code in table `state`"])]);
}

#[test]
fn a_policy_rule_is_reported_when_the_term_fields_read() {
    let csv = auto_csv(&[&[("EXP_DT", "01/01/2026"), ("WRITTEN_PREM", "-$5.00")]]);
    let imported = import(&auto_mapping(), csv.as_bytes()).unwrap();
    check_rejects(
        &imported,
        &[(
            2,
            &[
                "term_end (column EXP_DT): 2026-01-01 is not after term_start 2026-02-01",
                "written_premium (column WRITTEN_PREM): must not be negative",
            ],
        )],
    );
}

#[test]
fn a_windows_1252_file_reads_with_its_encoding_and_is_rejected_row_by_row_without() {
    let csv = auto_csv(&[&[("INSURED_NM", "Jos\u{e9} Pe\u{f1}a")], &[("POLICY_NO", "TX-A-2")]]);
    // Re-encode: every character here is below U+0100, so one byte each.
    let bytes: Vec<u8> = csv.chars().map(|c| u8::try_from(u32::from(c)).unwrap()).collect();
    let utf8 = import(&auto_mapping(), bytes.as_slice()).unwrap();
    check_rejects(&utf8, &[(2, &["record: field 10 is not UTF-8 text; set [source] encoding in the mapping file"])]);
    assert_eq!(utf8.policies.len(), 1, "the next row is unaffected");
    assert_eq!(utf8.rejects[0].record[9], "Jos\u{fffd} Pe\u{fffd}a");

    let text = data("legacy-auto.toml").replace("delimiter = \",\"", "delimiter = \",\"\nencoding = \"windows-1252\"");
    let mapping = Mapping::parse(&text, "legacy-auto.toml").unwrap();
    let cp1252 = import(&mapping, bytes.as_slice()).unwrap();
    assert!(cp1252.rejects.is_empty());
    assert_eq!(cp1252.policies[0].rating.applicant.name, "Jos\u{e9} Pe\u{f1}a");
}

#[test]
fn a_header_with_a_byte_order_mark_and_padded_names_still_matches() {
    let csv = auto_csv(&[&[]]).replacen("POLICY_NO,POL_STATUS", "\u{feff}POLICY_NO , POL_STATUS", 1);
    let imported = import(&auto_mapping(), csv.as_bytes()).unwrap();
    assert_eq!(imported.policies.len(), 1);
    assert_eq!(imported.header[..2], ["POLICY_NO", "POL_STATUS"]);
}

#[test]
fn a_header_missing_mapped_columns_stops_the_import_naming_them() {
    let csv = auto_csv(&[&[]]).replacen("VEH1_MILES", "VEH1_MILEAGE", 1).replacen("PAY_PLAN", "PLAN", 1);
    let err = import(&auto_mapping(), csv.as_bytes()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "legacy-auto.toml: the CSV header has no column `PAY_PLAN` (for rating.installment_plan, line 22), \
         `VEH1_MILES` (for rating.vehicles[0].annual_miles, line 50)"
    );
    assert!(matches!(err, ImportError::Header(MappingError::MissingColumns { ref columns, .. }) if columns.len() == 2));
}

#[test]
fn a_mapped_column_named_twice_in_the_header_is_ambiguous() {
    let csv = auto_csv(&[&[]]).replacen("COLL_DED", "COMP_DED", 1);
    let err = import(&auto_mapping(), csv.as_bytes()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "legacy-auto.toml:77: column `COMP_DED` appears 2 times in the CSV header, so rating.coverages[5].deductible is ambiguous"
    );
}

#[test]
fn an_empty_file_has_no_header() {
    assert!(matches!(import(&auto_mapping(), &b""[..]), Err(ImportError::NoHeader)));
}

// ---- the book -------------------------------------------------------------------------

#[test]
fn a_book_written_and_read_back_is_the_same_policies() {
    let mut policies = import_auto().policies;
    policies.extend(import_home().policies);
    let mut book = Vec::new();
    write_book(&policies, &mut book).unwrap();
    let text = String::from_utf8(book.clone()).unwrap();
    assert_eq!(text.lines().count(), 11);
    assert!(text.lines().all(|l| l.starts_with("{\"model_version\":1,\"policy_number\":")));
    assert!(text.lines().next().unwrap().contains("\"written_premium\":\"1412.00\""), "money is a JSON string");
    assert_eq!(read_book(book.as_slice()).unwrap(), policies);
}

/// One valid book line: the Texas auto policy.
fn book_line() -> String {
    let mut book = Vec::new();
    write_book([policy(&import_auto(), "TX-A-200001")], &mut book).unwrap();
    String::from_utf8(book).unwrap().trim_end().to_owned()
}

fn book_error(lines: &[&str]) -> BookError {
    read_book(lines.join("\n").as_bytes()).unwrap_err()
}

#[test]
fn read_book_names_the_line_of_each_kind_of_bad_line() {
    let good = book_line();
    let other = good.replace("TX-A-200001", "TX-A-200002");

    let err = book_error(&[&good, "", "{\"model_version\": 1, "]);
    assert!(matches!(err, BookError::Json { line: 3, .. }), "{err}");
    assert!(err.to_string().starts_with("line 3: not JSON: EOF while parsing"), "{err}");

    let unknown = other.replacen("\"status\"", "\"colour\":\"red\",\"status\"", 1);
    let err = book_error(&[&good, &unknown]);
    assert!(matches!(err, BookError::Shape { line: 2, .. }), "{err}");
    assert!(err.to_string().starts_with("line 2: not a canonical policy: unknown field `colour`, expected one of"), "{err}");

    let v2 = other.replacen("\"model_version\":1", "\"model_version\":2", 1);
    let err = book_error(&[&good, &v2]);
    assert_eq!(err.to_string(), "line 2: model_version 2 is not 1; this reader reads canonical policy model version 1");

    let none = other.replacen("\"model_version\":1,", "", 1);
    let err = book_error(&[&none]);
    assert!(matches!(err, BookError::ModelVersion { line: 1, found: None }), "{err}");

    let bad_vin = other.replacen("KM8JBCAE7RU788397", "KM8JBCAE8RU788397", 1);
    let err = book_error(&[&good, "", &bad_vin]);
    assert_eq!(err.to_string(), "line 3: rating.vehicles[0].vin: `KM8JBCAE8RU788397` has check digit `8` but its characters give `7`");
    let BookError::Invalid { line: 3, errors } = err else { panic!("not Invalid") };
    assert_eq!(errors.0[0].path, "rating.vehicles[0].vin");

    let err = book_error(&[&good, &good]);
    assert_eq!(err.to_string(), "line 2: policy number TX-A-200001 already appears on line 1");

    let backwards = other.replacen("\"term_end\":\"2026-08-01\"", "\"term_end\":\"2026-01-01\"", 1);
    let err = book_error(&[&backwards]);
    assert_eq!(err.to_string(), "line 1: term_end: 2026-01-01 is not after term_start 2026-02-01");
}

#[test]
fn valid_rating_gives_the_quote_to_rate() {
    let import = import_auto();
    let p = policy(&import, "NY-A-300001");
    assert_eq!(p.valid_rating().unwrap().quote(), &p.rating);
    assert!(p.check().is_ok());
    let mut broken = p.clone();
    broken.rating.vehicles[0].garaging_zip = "90026".to_owned();
    let errors = broken.valid_rating().unwrap_err();
    assert_eq!(errors.0[0].path, "vehicles[0].garaging_zip");
    assert_eq!(broken.check().unwrap_err().0[0].path, "rating.vehicles[0].garaging_zip");
}

// ---- mapping errors -------------------------------------------------------------------

/// A small valid mapping; each case below changes one thing.
const MINIMAL: &str = r#"mapping_version = 1

[source]
date_format = "[month]/[day]/[year]"

[fields]
policy_number = "POLICY_NO"
status = { column = "POL_STATUS", codes = "status" }
term_start = "EFF_DT"
term_end = "EXP_DT"
"rating.product" = { constant = "personal-auto" }
"rating.state" = "MAIL_ST"
"rating.effective_date" = "EFF_DT"
"rating.term_months" = "TERM_MOS"
"rating.installment_plan" = { constant = "pay-in-full" }
"rating.applicant.name" = "INSURED_NM"
"rating.applicant.address.street" = "MAIL_ADDR1"
"rating.applicant.address.city" = "MAIL_CITY"
"rating.applicant.address.state" = "MAIL_ST"
"rating.applicant.address.zip" = "MAIL_ZIP"
"rating.drivers[0].name" = "DRV1_NAME"
"rating.drivers[0].date_of_birth" = "DRV1_DOB"
"rating.drivers[0].license_date" = "DRV1_LIC_DT"
"rating.coverages[0].code" = { constant = "BI" }
"rating.coverages[0].limit" = "BI_LIMIT"

[codes.status]
A = "in-force"
"#;

/// The mapping error for MINIMAL with `from` replaced by `to`.
fn mapping_error(from: &str, to: &str) -> String {
    assert!(MINIMAL.contains(from), "{from}");
    Mapping::parse(&MINIMAL.replacen(from, to, 1), "auto.toml").unwrap_err().to_string()
}

#[test]
fn the_minimal_mapping_is_valid() {
    let mapping = Mapping::parse(MINIMAL, "auto.toml").unwrap();
    assert_eq!(mapping.columns().len(), 14, "EFF_DT and MAIL_ST are read twice");
    assert_eq!(mapping.delimiter(), b',');
}

#[test]
fn mapping_errors_name_the_line() {
    let cases: &[(&str, &str, &str)] = &[
        ("[source]", "colour = \"red\"\n[source]", "auto.toml:3: unknown field `colour`, expected one of `mapping_version`, `source`, `fields`, `codes`"),
        ("mapping_version = 1", "mapping_version = 2", "auto.toml:1: mapping_version 2 is not 1, the version this importer reads"),
        (
            "date_format = \"[month]/[day]/[year]\"",
            "date_format = \"[month]/[dya]/[year]\"",
            "auto.toml:4: date format `[month]/[dya]/[year]` is not a `time` format description: invalid component name `dya` at byte index 9",
        ),
        (
            "date_format = \"[month]/[day]/[year]\"",
            "date_format = \"[month]/[day]\"",
            "auto.toml:4: date format `[month]/[day]` does not describe a whole date: it needs a year, a month and a day, as [month]/[day]/[year]",
        ),
        ("date_format", "delimiter = \";;\"\ndate_format", "auto.toml:4: delimiter `;;` is not a single ASCII character other than `\"` or a line break"),
        (
            "\"rating.drivers[0].name\"",
            "\"rating.drivers[0].nmae\"",
            "auto.toml:21: rating.drivers[0].nmae: rating.drivers[0] has no field `nmae`; its fields are name, date_of_birth, license_date, violations, accidents, good_student, defensive_driving",
        ),
        (
            "\"rating.drivers[0].name\"",
            "\"rating.drivers.name\"",
            "auto.toml:21: rating.drivers.name: rating.drivers is a list: address one element, as rating.drivers[0].name",
        ),
        (
            "\"rating.drivers[0].name\" = \"DRV1_NAME\"",
            "\"rating.drivers[0].name\" = \"DRV1_NAME\"\nmodel_version = \"VERSION\"",
            "auto.toml:22: model_version: model_version is set by the importer and cannot be mapped",
        ),
        (
            "\"rating.applicant.name\" = \"INSURED_NM\"",
            "\"rating.applicant.name\" = { colum = \"INSURED_NM\" }",
            "auto.toml:16: rating.applicant.name: unknown key `colum` in the source; the keys are column, constant, date, codes, decimal, integer, boolean, trim, upper and optional",
        ),
        (
            "codes = \"status\"",
            "codes = \"statuses\"",
            "auto.toml:8: status: no code table `statuses`; define it as [codes.statuses]",
        ),
        (
            "A = \"in-force\"",
            "A = \"in-force\"\nZ = \"lapsed\"",
            "auto.toml:29: code table `status`: code `Z` means `lapsed`, which status (column POL_STATUS) cannot hold: `lapsed` is not one of in-force, cancelled, expired",
        ),
        ("term_end = \"EXP_DT\"\n", "", "auto.toml:6: term_end is required by canonical policy model v1 but is not mapped"),
        (
            "\"rating.drivers[0].license_date\" = \"DRV1_LIC_DT\"\n",
            "",
            "auto.toml:21: rating.drivers[0].license_date is required by canonical policy model v1 but is not mapped",
        ),
        (
            "\"rating.coverages[0].code\" = { constant = \"BI\" }\n\"rating.coverages[0].limit\" = \"BI_LIMIT\"\n",
            "",
            "auto.toml:6: rating.coverages[0].code is required by canonical policy model v1 but is not mapped",
        ),
        (
            "\"rating.drivers[0].name\"",
            "\"rating.drivers[2].name\"",
            "auto.toml:21: rating.drivers[2] is mapped but rating.drivers[1] is not; number list elements from 0 without gaps",
        ),
        (
            "\"rating.state\" = \"MAIL_ST\"",
            "\"rating.state\" = { column = \"MAIL_ST\", optional = true }",
            "auto.toml:12: rating.state: is required by canonical policy model v1, so it cannot be optional",
        ),
        (
            "\"rating.term_months\" = \"TERM_MOS\"",
            "\"rating.term_months\" = { column = \"TERM_MOS\", date = \"[year]\" }",
            "auto.toml:14: rating.term_months: `date` applies only to date fields; the field is a whole number from 0 to 4294967295",
        ),
        (
            "\"rating.term_months\" = \"TERM_MOS\"",
            "\"rating.term_months\" = { constant = \"twelve\" }",
            "auto.toml:14: rating.term_months: the constant cannot be used: `twelve` is not a whole number",
        ),
        (
            "\"rating.term_months\" = \"TERM_MOS\"",
            "\"rating.term_months\" = { column = \"TERM_MOS\", boolean = true }",
            "auto.toml:14: rating.term_months: `boolean = true` does not apply: the field is a whole number from 0 to 4294967295",
        ),
        (
            "policy_number = \"POLICY_NO\"",
            "policy_number = \"POLICY_NO\"\n\"\" = \"X\"",
            "auto.toml:8: \"\": an empty key is not a field path",
        ),
        (
            "\"rating.applicant.name\" = \"INSURED_NM\"",
            "\"rating.applicant\" = \"INSURED_NM\"",
            "auto.toml:16: rating.applicant: rating.applicant is an object: map its fields, as rating.applicant.name",
        ),
    ];
    for (from, to, expected) in cases {
        assert_eq!(mapping_error(from, to), *expected, "replacing {from:?} with {to:?}");
    }
}

#[test]
fn a_field_mapped_twice_through_a_nested_table_is_refused() {
    let text = format!("{MINIMAL}\n[fields.rating]\nstate = \"RISK_ST\"\n").replacen("[codes.status]\nA = \"in-force\"\n", "", 1);
    let text = format!("{text}\n[codes.status]\nA = \"in-force\"\n");
    assert_eq!(Mapping::parse(&text, "auto.toml").unwrap_err().to_string(), "auto.toml:29: rating.state: is mapped twice");
}

#[test]
fn a_toml_syntax_error_names_its_line() {
    let err = Mapping::parse(&MINIMAL.replacen("term_start = \"EFF_DT\"", "term_start = EFF_DT", 1), "auto.toml").unwrap_err();
    assert!(matches!(err, MappingError::Toml { line: 9, .. }), "{err}");
}

// ---- never lose a good row ------------------------------------------------------------

/// Ways to spoil the Texas row; each must get it rejected.
const SPOILERS: &[&[(&str, &str)]] = &[
    &[("INSURED_NM", "")],
    &[("EFF_DT", "2026-02-01")],
    &[("LOB", "XX")],
    &[("VEH1_VIN", "KM8JBCAE8RU788397")],
    &[("MAIL_ZIP", "94110")],
    &[("VEH1_MILES", "lots")],
    &[("DRV1_DOB", "")],
    &[("VEH1_USE", "Z")],
    &[("TERM_MOS", "0")],
    &[("DRV2_NAME", "Half Filled")],
    &[("RISK_ST", "99"), ("VEH1_YEAR", "20x4")],
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn every_row_is_accepted_or_rejected_and_every_good_row_is_accepted(
        kinds in proptest::collection::vec(proptest::option::of(0..SPOILERS.len()), 1..30),
    ) {
        let numbers: Vec<String> = (0..kinds.len()).map(|i| format!("TX-P-{i:06}")).collect();
        let rows: Vec<Vec<(&str, &str)>> = kinds
            .iter()
            .zip(&numbers)
            .map(|(kind, number)| {
                let mut row = vec![("POLICY_NO", number.as_str())];
                if let Some(k) = kind {
                    row.extend_from_slice(SPOILERS[*k]);
                }
                row
            })
            .collect();
        let row_refs: Vec<&[(&str, &str)]> = rows.iter().map(Vec::as_slice).collect();
        let csv = auto_csv(&row_refs);
        let import = import(&auto_mapping(), csv.as_bytes()).unwrap();
        let report = &import.report;
        prop_assert_eq!(report.rows_read, kinds.len() as u64);
        prop_assert_eq!(report.accepted + report.rejected, report.rows_read);
        prop_assert_eq!(import.policies.len() + import.rejects.len(), kinds.len());
        let accepted: HashMap<&str, u64> =
            import.policies.iter().map(|p| (p.policy_number.as_str(), p.source_line.unwrap())).collect();
        for (i, (kind, number)) in kinds.iter().zip(&numbers).enumerate() {
            let line = i as u64 + 2;
            match kind {
                None => prop_assert_eq!(accepted.get(number.as_str()), Some(&line), "good row {} lost", number),
                Some(_) => {
                    let reject = import.rejects.iter().find(|r| r.line == line);
                    prop_assert!(reject.is_some(), "bad row {} accepted", number);
                    prop_assert!(!reject.unwrap().problems.is_empty());
                }
            }
        }
    }
}

#[test]
fn a_read_failure_stops_the_import_naming_the_line() {
    /// Gives the header and one row, then fails.
    struct Failing(std::io::Cursor<Vec<u8>>);
    impl std::io::Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            match self.0.read(buf)? {
                0 => Err(std::io::Error::other("disk went away")),
                n => Ok(n),
            }
        }
    }
    let csv = auto_csv(&[&[]]);
    let err = import(&auto_mapping(), Failing(std::io::Cursor::new(csv.into_bytes()))).unwrap_err();
    assert!(matches!(err, ImportError::Read { line: 3, .. }), "{err}");
    assert_eq!(err.to_string(), "cannot read the CSV at line 3: disk went away");
}

#[test]
fn date_formats_follow_the_time_crate_padding_rules() {
    let padded = data("legacy-auto.toml");
    let unpadded = padded.replace("[month]/[day]/[year]", "[month padding:none]/[day padding:none]/[year]");
    let csv = auto_csv(&[&[("DRV1_DOB", "3/7/1980")]]);
    // `[month]` and `[day]` want two digits.
    let strict = import(&Mapping::parse(&padded, "legacy-auto.toml").unwrap(), csv.as_bytes()).unwrap();
    check_rejects(
        &strict,
        &[(2, &["rating.drivers[0].date_of_birth (column DRV1_DOB): `3/7/1980` is not a date in the format [month]/[day]/[year]"])],
    );
    // `padding:none` takes one or two.
    let lenient = import(&Mapping::parse(&unpadded, "legacy-auto.toml").unwrap(), csv.as_bytes()).unwrap();
    assert_eq!(lenient.policies[0].rating.drivers[0].date_of_birth, date!(1980 - 03 - 07));
    let two_digits = auto_csv(&[&[("DRV1_DOB", "03/17/1980")]]);
    let lenient = import(&Mapping::parse(&unpadded, "legacy-auto.toml").unwrap(), two_digits.as_bytes()).unwrap();
    assert_eq!(lenient.policies[0].rating.drivers[0].date_of_birth, date!(1980 - 03 - 17));
}

/// A book line whose rating term disagrees with its policy term is refused
/// (domain review G4): a 6-month rating of a 12-month term was priced at
/// half without comment.
#[test]
fn a_rating_term_that_disagrees_with_the_policy_term_is_refused() {
    let good = book_line();
    assert!(good.contains("\"term_months\":6") && good.contains("\"term_end\":\"2026-08-01\""), "{good}");
    let year = good.replace("\"term_end\":\"2026-08-01\"", "\"term_end\":\"2027-02-01\"");
    let err = book_error(&[&year]);
    assert!(
        err.to_string().contains("rating.term_months: 6 months does not match the term 2026-02-01 to 2027-02-01, which is 12 months"),
        "{err}"
    );
    read_book(good.as_bytes()).unwrap();
}

/// G2: a dump with a row per vehicle (or driver, or violation) used to keep
/// its first row as the whole policy, one vehicle short, and reject the
/// rest as duplicates; impact then priced a partial policy. Now a policy
/// number on rows that differ rejects every one of them; the same row sent
/// twice is still one policy.
#[test]
fn a_policy_on_more_than_one_row_is_not_imported_in_part() {
    let mapping = auto_mapping();
    let car = [("VEH1_VIN", "KM8JBCAE7RU788397")];
    let second_car = [("VEH1_VIN", "1HGCV1F39LA151313"), ("VEH1_YEAR", "2020"), ("VEH1_MAKE", "Honda"), ("VEH1_MODEL", "Accord")];
    let import = import(&mapping, auto_csv(&[&car, &second_car]).as_bytes()).unwrap();
    assert!(import.policies.is_empty(), "{:?}", import.policies.iter().map(|p| &p.policy_number).collect::<Vec<_>>());
    assert_eq!(
        rejects_by_line(&import),
        BTreeMap::from([
            (2, vec!["policy_number (column POLICY_NO): policy number TX-A-200001 appears again on line 3; a policy is one row, so this row is not imported alone either (a dump with a row per vehicle, driver or violation must be joined into one row per policy)".to_owned()]),
            (3, vec!["policy_number (column POLICY_NO): policy number TX-A-200001 already appears on line 2; a policy is one row, so neither row is imported".to_owned()]),
        ])
    );
    assert_eq!((import.report.accepted, import.report.rejected), (0, 2));
    // The withdrawn row keeps its fields for the rejects file.
    assert_eq!(import.rejects[0].record[0], "TX-A-200001");
    assert!(import.rejects[0].record.iter().any(|f| f == "KM8JBCAE7RU788397"));
    // The same row twice: one policy, and the copy rejected.
    let import = import_twice(&mapping, &car);
    assert_eq!(import.policies.len(), 1);
    assert_eq!(import.rejects.len(), 1);
    assert!(import.rejects[0].problems[0].message.ends_with("with the same fields; this copy is not imported"));
}

fn import_twice(mapping: &Mapping, row: &[(&str, &str)]) -> Import {
    import(mapping, auto_csv(&[row, row]).as_bytes()).unwrap()
}
