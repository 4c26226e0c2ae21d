//! Golden worksheets: every example quote under `rate-packs/examples/` is
//! rated with the signed bundled pack in force and compared with its
//! reviewed snapshot (`tests/snapshots/`). Each worksheet is also replayed
//! independently, line by line, to its premium, and the premiums and fees
//! summed to the total.

mod common;

use std::path::{Path, PathBuf};

use rust_decimal::Decimal;
use uw_rating::{rate, LoadMode, PackRegistry, Quote, RatePack, Rating, TrustedKeys};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rate-packs")
}

fn registry() -> PackRegistry {
    let keys = TrustedKeys::development();
    PackRegistry::new(
        common::bundled_pack_dirs()
            .iter()
            .map(|d| RatePack::load_dir(d, LoadMode::Verified(&keys)).unwrap_or_else(|e| panic!("{e}")))
            .collect(),
    )
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

/// Replays every worksheet independently and sums premiums and fees.
fn replay(rating: &Rating) -> Decimal {
    let premiums: Decimal = rating
        .coverages
        .iter()
        .map(|c| {
            let replayed = common::replay(c);
            assert_eq!(replayed, c.premium, "{} worksheet does not replay to its premium", c.coverage);
            replayed
        })
        .sum();
    premiums + rating.fees.iter().map(|f| f.amount).sum::<Decimal>() + rating.minimum_premium_adjustment
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
