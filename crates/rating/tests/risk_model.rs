//! A risk model used honestly (domain review E1, E2): one that moves the
//! premium says how it was fitted, so it does not price again what the class
//! plan prices, and multiplies only the coverages it names; the bundled
//! models, fitted apart from their class plans, only inform.

mod common;

use uw_rating::{compile, rate, LoadMode, Operation, PackFiles, Quote, RatePack};

fn tx_files() -> PackFiles {
    PackFiles::read_dir(&common::bundled_pack_dirs().into_iter().find(|d| d.ends_with("tx-personal-auto")).expect("TX auto"))
        .expect("files")
}

fn with_model(rates: &str) -> Result<RatePack, uw_rating::PackError> {
    let mut files = tx_files();
    let manifest = files.file("manifest.toml").expect("manifest").replace(
        "[risk_model]\nusage = \"inform\"\n",
        &format!("[risk_model]\nusage = \"rate\"\nmin_factor = \"0.90\"\nmax_factor = \"1.10\"\n{rates}"),
    );
    files.set_file("manifest.toml", manifest);
    compile(&files, LoadMode::Draft)
}

fn bench_quote() -> Quote {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/auto-2-vehicles-3-drivers.json");
    Quote::from_json(&std::fs::read_to_string(path).expect("reads")).expect("parses")
}

#[test]
fn a_model_that_moves_the_premium_says_how_it_was_fitted_and_where() {
    let err = with_model("").expect_err("no basis, no coverages");
    assert!(err.to_string().contains("says how it was fitted"), "{err}");
    assert!(err.to_string().contains("tx-personal-auto/manifest.toml:"), "names the file and line: {err}");
}

#[test]
fn a_model_that_replaces_factors_may_not_rate_a_coverage_that_prices_them() {
    let err = with_model("basis = \"replaces-factors\"\ncoverages = [\"BI\"]\n").expect_err("BI prices the driving record");
    assert!(err.to_string().contains("BI's step `Driving record` prices driver.violation_points_3y"), "{err}");
}

/// The review's TX-02 case: comprehensive is not rated on the driving
/// record, yet the risk factor (points, accidents) multiplied it.
#[test]
fn a_rating_model_multiplies_only_the_coverages_it_names() {
    let pack = with_model("basis = \"class-plan-offset\"\ncoverages = [\"BI\", \"PD\"]\n").expect("compiles");
    let r = rate(&pack, &common::valid(bench_quote())).expect("rates");
    let has_risk = |code: &str| {
        r.coverages.iter().filter(|c| &*c.coverage == code).all(|c| c.worksheet.iter().any(|l| l.operation == Operation::RiskFactor))
    };
    let risk = r.risk.as_ref().expect("scored");
    assert!(risk.capped_relativity != rust_decimal::Decimal::ONE, "the bench drivers move the score: {risk:?}");
    assert!(has_risk("BI") && has_risk("PD"));
    for code in ["COMP", "COLL", "UM", "MED"] {
        assert!(
            r.coverages.iter().filter(|c| &*c.coverage == code).all(|c| c.worksheet.iter().all(|l| l.operation != Operation::RiskFactor)),
            "{code}"
        );
    }
}

#[test]
fn the_bundled_models_only_inform() {
    for dir in common::bundled_pack_dirs() {
        let pack = RatePack::load_dir(&dir, LoadMode::Draft).expect("loads");
        let example_dir = dir.parent().expect("rate-packs").join("examples").join(dir.file_name().expect("name"));
        for entry in std::fs::read_dir(example_dir).expect("examples") {
            let q = Quote::from_json(&std::fs::read_to_string(entry.expect("entry").path()).expect("reads")).expect("parses");
            let r = rate(&pack, &common::valid(q)).expect("rates");
            assert!(r.risk.as_ref().is_none_or(|s| !s.applied), "{}", pack.id());
            assert!(r.coverages.iter().all(|c| c.worksheet.iter().all(|l| l.operation != Operation::RiskFactor)), "{}", pack.id());
        }
    }
}
