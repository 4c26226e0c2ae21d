//! The declarations page, rendered from plain data to PDF bytes. The same page
//! is drawn by `tools/bench/declarations_reportlab.py` for comparison
//! (`bash scripts/bench-documents.sh` runs both); results in docs/benchmarks.md.
#![allow(clippy::unwrap_used)]

use criterion::{criterion_group, criterion_main, Criterion};
use uw_documents::declarations_pdf;

#[path = "../tests/common/fixtures.rs"]
mod fixtures;

fn declarations(c: &mut Criterion) {
    let page = fixtures::two_car_declarations();
    let bytes = declarations_pdf(&page).unwrap();
    eprintln!("declarations page: {} bytes", bytes.len());
    c.bench_function("declarations page (two cars, nine coverages)", |b| b.iter(|| declarations_pdf(std::hint::black_box(&page)).unwrap()));
}

criterion_group!(benches, declarations);
criterion_main!(benches);
