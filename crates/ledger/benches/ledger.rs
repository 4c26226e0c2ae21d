//! Ledger benchmarks; results in docs/benchmarks.md.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use uw_ledger::{verify_inclusion, MerkleTree};

fn million() -> MerkleTree<uw_ledger::MemoryStore> {
    let mut tree = MerkleTree::in_memory();
    for i in 0..1_000_000u64 {
        tree.append(&i.to_be_bytes()).expect("append");
    }
    tree
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("ledger");
    group.sample_size(10);
    group.bench_function("hash and append 1,000,000 leaves in memory", |b| b.iter(million));
    group.finish();
    let tree = million();
    let size = tree.size();
    let root = tree.root(size).expect("root");
    c.bench_function("inclusion proof in a 1,000,000-leaf tree", |b| {
        b.iter(|| tree.inclusion_proof(black_box(654_321), size).expect("proof"))
    });
    c.bench_function("consistency proof 999,999 -> 1,000,000", |b| {
        b.iter(|| tree.consistency_proof(black_box(999_999), size).expect("proof"))
    });
    let proof = tree.inclusion_proof(654_321, size).expect("proof");
    let leaf = tree.leaf(654_321).expect("leaf");
    c.bench_function("verify an inclusion proof", |b| b.iter(|| verify_inclusion(&leaf, 654_321, size, black_box(&proof), &root)));
}

criterion_group!(ledger, benches);
criterion_main!(ledger);
