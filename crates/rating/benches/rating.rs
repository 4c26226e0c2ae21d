//! Rating benchmarks; results and the machine are recorded in docs/benchmarks.md.
//!
//! Run with `cargo bench -p uw-rating --bench rating`.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use criterion::{black_box, criterion_group, criterion_main, BatchSize, Criterion};
use rayon::prelude::*;
use uw_rating::impact::{impact, BookPolicy, ImpactControl};
use uw_rating::pack::edit::DraftEdits;
use uw_rating::{compile, rate, rate_by_engine, rate_total, LoadMode, PackFiles, Quote, RatePack, ValidQuote};

fn pack_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rate-packs").join(name)
}

fn load(name: &str) -> RatePack {
    RatePack::load_dir(&pack_dir(name), LoadMode::Draft).expect("pack loads")
}

fn quote(file: &str) -> ValidQuote {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches").join(file);
    Quote::from_json(&std::fs::read_to_string(path).expect("bench quote")).expect("parses").validate().expect("valid")
}

fn single_quotes(c: &mut Criterion) {
    let auto = load("tx-personal-auto");
    let auto_quote = quote("auto-2-vehicles-3-drivers.json");
    assert_eq!(rate(&auto, &auto_quote).expect("rates").coverages.len(), 12, "2 vehicles x 6 coverages");
    c.bench_function("auto quote, 2 vehicles x 3 drivers x 6 coverages, with worksheet", |b| {
        b.iter(|| rate(black_box(&auto), black_box(&auto_quote)))
    });
    c.bench_function("auto quote, same, with worksheet, by the engine alone", |b| {
        b.iter(|| rate_by_engine(black_box(&auto), black_box(&auto_quote)))
    });
    c.bench_function("auto quote, same, total only", |b| b.iter(|| rate_total(black_box(&auto), black_box(&auto_quote))));
    let home = load("fl-homeowners-ho3");
    let home_quote = quote("ho3-florida.json");
    c.bench_function("HO-3 quote with worksheet", |b| b.iter(|| rate(black_box(&home), black_box(&home_quote))));
}

fn pack_loading(c: &mut Criterion) {
    let files = PackFiles::read_dir(&pack_dir("ca-personal-auto")).expect("files");
    c.bench_function("compile the California auto pack (2,588 territories)", |b| {
        b.iter_batched(|| files.clone(), |f| compile(&f, LoadMode::Draft).expect("compiles"), BatchSize::SmallInput)
    });
    c.bench_function("read and compile the California auto pack from disk", |b| {
        b.iter(|| RatePack::load_dir(&pack_dir("ca-personal-auto"), LoadMode::Draft).expect("loads"))
    });
}

/// A synthetic book: the bench quote with its garaging ZIP, model year and
/// miles varied, so lookups hit every part of the tables.
fn book(base: &ValidQuote, pack: &RatePack, size: usize) -> Vec<ValidQuote> {
    let zips = pack.territory_zips();
    (0..size)
        .map(|i| {
            let mut q = base.clone().into_inner();
            for v in &mut q.vehicles {
                v.garaging_zip = zips[(i * 7919) % zips.len()].to_owned();
                v.year = 2005 + i32::try_from(i % 21).unwrap_or(0);
                v.vin = None;
                v.annual_miles = 3000 + u32::try_from((i * 37) % 30000).unwrap_or(0);
            }
            q.applicant.address.zip = q.vehicles[0].garaging_zip.clone();
            q.validate().expect("book quote is valid")
        })
        .collect()
}

/// The million-quote book, built the first time a benchmark that reads it
/// runs (so a filtered run of the single quotes does not pay for it).
fn million(pack: &RatePack) -> &'static [ValidQuote] {
    static BOOK: std::sync::OnceLock<Vec<ValidQuote>> = std::sync::OnceLock::new();
    BOOK.get_or_init(|| book(&quote("auto-2-vehicles-3-drivers.json"), pack, 1_000_000))
}

fn book_rerate(c: &mut Criterion) {
    let pack = load("tx-personal-auto");
    let mut group = c.benchmark_group("book");
    group.sample_size(10);
    // Impact analysis needs each policy's new premium, not its worksheet.
    group.bench_function("re-rate 1,000,000 auto quotes on all cores, totals", |b| {
        let quotes = million(&pack);
        b.iter(|| quotes.par_iter().map(|q| rate_total(&pack, q).unwrap_or_default()).sum::<rust_decimal::Decimal>())
    });
    group.finish();
}

/// Impact analysis on the same million-policy book, of a draft that raises
/// the BI base rate (only BI is priced with the draft: see `Reprice`) and of
/// one that changes a discount every coverage reads (every policy priced in
/// full with both packs); each with the histogram, the coverage and
/// territory sums and the largest increases.
fn impact_run(c: &mut Criterion) {
    let files = PackFiles::read_dir(&pack_dir("tx-personal-auto")).expect("reads");
    let base = compile(&files, LoadMode::Draft).expect("base");
    let mut edits = DraftEdits::default();
    edits.fields.insert("coverages.BI.steps.0.value".into(), "520.00".into());
    edits.fields.insert("version".into(), "bench".into());
    let draft = compile(&edits.apply(&files).expect("applies"), LoadMode::Draft).expect("draft");
    let book: std::sync::OnceLock<Vec<BookPolicy>> = std::sync::OnceLock::new();
    let book = || {
        book.get_or_init(|| {
            million(&base).iter().enumerate().map(|(i, quote)| BookPolicy { id: format!("P{i}"), quote: quote.clone() }).collect()
        })
    };
    let cancel = AtomicBool::new(false);
    let mut group = c.benchmark_group("impact");
    group.sample_size(10);
    group.bench_function("impact of a draft on 1,000,000 auto policies, all cores", |b| {
        let book = book();
        b.iter(|| impact(&base, &draft, book, &ImpactControl { cancel: &cancel, progress: &|_, _| {} }).expect("runs"))
    });
    let mut edits = DraftEdits::default();
    // Multi-car applies to every policy of the book (two vehicles each).
    edits.fields.insert("discounts.multi-car.rate".into(), "0.12".into());
    edits.fields.insert("version".into(), "bench-discount".into());
    let every = compile(&edits.apply(&files).expect("applies"), LoadMode::Draft).expect("draft");
    group.bench_function("impact of a discount change on 1,000,000 auto policies, all cores", |b| {
        let book = book();
        b.iter(|| impact(&base, &every, book, &ImpactControl { cancel: &cancel, progress: &|_, _| {} }).expect("runs"))
    });
    group.finish();
}

criterion_group!(benches, single_quotes, pack_loading, book_rerate, impact_run);
criterion_main!(benches);
