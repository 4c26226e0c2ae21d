//! Legacy import benchmark: a synthetic 100,000-row auto dump in the shape of
//! `tests/data/legacy-auto.csv`, imported through `tests/data/legacy-auto.toml`.
//! Rows vary in state (CA, TX, NY), ZIP, model year, VIN, drivers (one or
//! two), vehicles (one or two), limits and dates; about 3 % are bad in one of
//! seven ways.
//!
//! Run with `cargo bench -p uw-policy --bench import`.

use std::time::Duration;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use uw_policy::{import, Mapping};
use uw_rating::refdata::{vin, zip};

const ROWS: usize = 100_000;
/// One row in this many is bad.
const BAD_EVERY: usize = 33;

const MAPPING: &str = include_str!("../tests/data/legacy-auto.toml");
const SAMPLE: &str = include_str!("../tests/data/legacy-auto.csv");

/// A small deterministic generator (SplitMix64), so every run imports the same file.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// A valid VIN for a 2010-2025 model year: a Honda-style prefix, the check
/// digit computed, the year code, plant `A` and a serial.
fn make_vin(year: i32, serial: usize) -> String {
    const CODES: &[u8; 16] = b"ABCDEFGHJKLMNPRS";
    let code = char::from(CODES[usize::try_from(year - 2010).unwrap_or(0)]);
    let mut vin = format!("1HGCV1F30{code}A{:06}", serial % 1_000_000);
    let check = vin::check_digit(&vin).unwrap_or('0');
    vin.replace_range(8..9, &check.to_string());
    vin
}

fn date(month: usize, day: usize, year: i32) -> String {
    format!("{month:02}/{day:02}/{year}")
}

/// The synthetic dump and how many of its rows are bad.
fn dump() -> (String, usize) {
    let header = SAMPLE.lines().next().unwrap_or_default();
    let columns: Vec<&str> = header.split(',').collect();
    let states = [("04", "CA", zip::zips_in_state("CA")), ("42", "TX", zip::zips_in_state("TX")), ("31", "NY", zip::zips_in_state("NY"))];
    let mut rng = Rng(2026);
    let mut out = String::with_capacity(ROWS * 420);
    out.push_str(header);
    out.push('\n');
    let mut bad = 0;
    let mut row: Vec<String> = vec![String::new(); columns.len()];
    let at = |name: &str| columns.iter().position(|c| *c == name).unwrap_or(0);
    for i in 0..ROWS {
        row.iter_mut().for_each(String::clear);
        let (state_code, state, zips) = &states[i % states.len()];
        let zip_code = zips[rng.below(zips.len())].as_str();
        let month = 1 + rng.below(12);
        let day = 1 + rng.below(28);
        let term = if rng.below(2) == 0 { 6 } else { 12 };
        let (end_month, end_year) = if month + term > 12 { (month + term - 12, 2027) } else { (month + term, 2026) };
        let mut set = |name: &str, value: String| row[at(name)] = value;
        set("POLICY_NO", format!("{state}-A-{i:07}"));
        set("POL_STATUS", rng.pick(&["A", "A", "A", "C", "X"]).to_owned());
        set("LOB", "PA".to_owned());
        set("RISK_ST", (*state_code).to_owned());
        set("EFF_DT", date(month, day, 2026));
        set("EXP_DT", date(end_month, day, end_year));
        set("TERM_MOS", term.to_string());
        set("RENEWAL_IND", rng.pick(&["Y", "N"]).to_owned());
        set("WRITTEN_PREM", format!("\"${},{:03}.{:02}\"", 1 + rng.below(3), rng.below(1000), rng.below(100)));
        set("INSURED_NM", format!("Insured {i}"));
        set("MAIL_ADDR1", format!("{} Main St", 1 + rng.below(9999)));
        set("MAIL_CITY", "Springfield".to_owned());
        set("MAIL_ST", (*state).to_owned());
        set("MAIL_ZIP", zip_code.to_owned());
        set("PAY_PLAN", rng.pick(&["PIF", "2P", "6P", "MO"]).to_owned());
        if *state == "TX" {
            set("CREDIT_TIER", rng.pick(&["G", "F", "P", "NH"]).to_owned());
        }
        let drivers = 1 + rng.below(2);
        for d in 1..=drivers {
            let born = 1950 + i32::try_from(rng.below(55)).unwrap_or(0);
            set(&format!("DRV{d}_NAME"), format!("Driver {d} of {i}"));
            set(&format!("DRV{d}_DOB"), date(1 + rng.below(12), 1 + rng.below(28), born));
            set(&format!("DRV{d}_LIC_DT"), date(1 + rng.below(12), 1 + rng.below(28), born + 17));
            set(&format!("DRV{d}_GOOD_STU"), rng.pick(&["Y", "N", "N", "N"]).to_owned());
            set(&format!("DRV{d}_DEF_DRV"), rng.pick(&["Y", "N", ""]).to_owned());
        }
        if rng.below(5) == 0 {
            set("DRV1_VIOL_DT", date(1 + rng.below(12), 1 + rng.below(28), 2024));
            set("DRV1_VIOL_CD", rng.pick(&["SPD", "RRL", "FTY", "MOV"]).to_owned());
        }
        let vehicles = 1 + rng.below(2);
        for v in 1..=vehicles {
            let year = 2010 + i32::try_from(rng.below(16)).unwrap_or(0);
            set(&format!("VEH{v}_VIN"), make_vin(year, i * 2 + v));
            set(&format!("VEH{v}_YEAR"), year.to_string());
            set(&format!("VEH{v}_MAKE"), "Honda".to_owned());
            set(&format!("VEH{v}_MODEL"), "Accord".to_owned());
            set(&format!("VEH{v}_USE"), rng.pick(&["P", "W", "B"]).to_owned());
            set(&format!("VEH{v}_MILES"), format!("\"{},{:03}\"", 2 + rng.below(20), rng.below(1000)));
            set(&format!("VEH{v}_GARAGE_ZIP"), zip_code.to_owned());
            set(&format!("VEH{v}_ANTI_THEFT"), rng.pick(&["Y", "N"]).to_owned());
            set(&format!("VEH{v}_PRIN_DRV"), (1 + rng.below(drivers)).to_string());
        }
        set("BI_LIMIT", rng.pick(&["030060", "050100", "100300", "250500"]).to_owned());
        set("PD_LIMIT", rng.pick(&["25000", "\"50,000\"", "100000"]).to_owned());
        set("UM_LIMIT", rng.pick(&["", "030060", "100300"]).to_owned());
        if *state == "NY" {
            set("PIP_LIMIT", "50000".to_owned());
        } else {
            set("MED_LIMIT", rng.pick(&["", "2000", "5000"]).to_owned());
        }
        set("COMP_DED", rng.pick(&["", "250", "500", "1000"]).to_owned());
        set("COLL_DED", rng.pick(&["", "500", "1000"]).to_owned());
        if i % BAD_EVERY == BAD_EVERY - 1 {
            bad += 1;
            match (i / BAD_EVERY) % 7 {
                0 => set("INSURED_NM", String::new()),
                1 => set("EFF_DT", "2026-13-01".to_owned()),
                2 => set("LOB", "CM".to_owned()),
                3 => set("VEH1_VIN", make_vin(2020, i).replacen("1HGCV1F", "1HGCV1G", 1)),
                4 => set("VEH1_GARAGE_ZIP", if *state == "TX" { "94110" } else { "78704" }.to_owned()),
                5 => set("VEH1_MILES", "12K".to_owned()),
                // The row before is good, and from the state before; a
                // policy number on two different rows rejects both.
                _ => {
                    set("POLICY_NO", format!("{}-A-{:07}", states[(i - 1) % states.len()].1, i - 1));
                    bad += 1;
                }
            }
        }
        for (j, cell) in row.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            out.push_str(cell);
        }
        out.push('\n');
    }
    (out, bad)
}

fn legacy_import(c: &mut Criterion) {
    let mapping = Mapping::parse(MAPPING, "legacy-auto.toml").unwrap_or_else(|e| panic!("{e}"));
    let (csv, bad) = dump();
    let first = import(&mapping, csv.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let report = &first.report;
    assert_eq!(report.rows_read, ROWS as u64);
    assert_eq!(report.accepted + report.rejected, report.rows_read);
    assert_eq!(report.rejected, bad as u64, "exactly the spoiled rows are rejected: {:?}", first.rejects.first());
    let mut group = c.benchmark_group("legacy import");
    group.sample_size(10).measurement_time(Duration::from_secs(30));
    group.bench_function(format!("{ROWS} auto rows ({bad} bad), {} MB", csv.len() / 1_000_000), |b| {
        b.iter(|| import(black_box(&mapping), black_box(csv.as_bytes())))
    });
    group.finish();
}

criterion_group!(benches, legacy_import);
criterion_main!(benches);
