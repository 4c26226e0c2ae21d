//! Golden worksheets: every example quote under `rate-packs/examples/` is
//! rated with the signed bundled pack in force and compared with its
//! reviewed snapshot (`tests/snapshots/`). Each worksheet is also replayed
//! independently, line by line, to its premium, and the premiums and fees
//! summed to the total.

use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use uw_rating::{rate, LoadMode, Operation, PackRegistry, Quote, RatePack, Rating, TrustedKeys};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rate-packs")
}

fn registry() -> PackRegistry {
    let keys = TrustedKeys::development();
    let mut dirs: Vec<_> = std::fs::read_dir(root())
        .expect("rate-packs")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("manifest.toml").is_file())
        .collect();
    dirs.sort();
    PackRegistry::new(dirs.iter().map(|d| RatePack::load_dir(d, LoadMode::Verified(&keys)).unwrap_or_else(|e| panic!("{e}"))).collect())
}

fn examples() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in std::fs::read_dir(root().join("examples")).expect("examples").filter_map(Result::ok) {
        for file in std::fs::read_dir(dir.path()).expect("example dir").filter_map(Result::ok) {
            if file.path().extension().is_some_and(|x| x == "json") {
                files.push(file.path());
            }
        }
    }
    files.sort();
    files
}

/// Replays a worksheet independently of the engine.
fn replay(rating: &Rating) -> Decimal {
    let mut total = Decimal::ZERO;
    for c in &rating.coverages {
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
            // With per-step rounding the subtotal is the running value rounded
            // at its own scale: equal to within one unit of its last place.
            assert!(
                (running - line.subtotal).abs() < Decimal::new(1, line.subtotal.scale()),
                "{}: {line:?} does not follow from {running}",
                c.coverage
            );
            running = line.subtotal;
        }
        assert_eq!(running, c.premium, "{} worksheet does not replay to its premium", c.coverage);
        total += c.premium;
    }
    total + rating.fees.iter().map(|f| f.amount).sum::<Decimal>() + rating.minimum_premium_adjustment
}

#[test]
fn every_example_matches_its_reviewed_worksheet() {
    let registry = registry();
    let files = examples();
    assert!(files.len() >= 30, "expected at least three examples per pack, found {}", files.len());
    let mut packs_seen = std::collections::BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read example");
        let quote = Quote::from_json(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()))
            .validate()
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let pack = registry
            .select(&quote.state, quote.product, quote.effective_date, quote.renewal)
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let rating = rate(pack, &quote).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert!(!rating.draft);
        assert_eq!(replay(&rating), rating.total, "{}", file.display());
        packs_seen.insert(pack.info().name.clone());
        let name = format!(
            "{}__{}",
            file.parent().and_then(|p| p.file_name()).and_then(|n| n.to_str()).unwrap_or("pack"),
            file.file_stem().and_then(|n| n.to_str()).unwrap_or("example")
        );
        insta::assert_json_snapshot!(name, rating);
    }
    assert_eq!(packs_seen.len(), 10, "every bundled pack has examples: {packs_seen:?}");
}
