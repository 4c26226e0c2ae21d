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

fn export_verify(c: &mut Criterion) {
    use uw_ledger::{AuditEntry, Checkpoint, CheckpointSigner, NoteSigner, Role};
    let signer = NoteSigner::new("audit.uw.example", ed25519_dalek::SigningKey::from_bytes(&[1; 32])).expect("signer");
    let verifier = signer.verifier();
    let entries: Vec<Vec<u8>> = (0..1_000_000u64)
        .map(|i| {
            AuditEntry {
                actor_user: format!("u-{}", i % 977),
                actor_role: Role::Agent,
                actor_device: Some(format!("dev-{}", i % 31)),
                action: "quote.rate".into(),
                resource_type: "quote".into(),
                resource_id: format!("QUOT-2026-{i:06}"),
                server_time: "2026-11-23T10:00:00.000Z".into(),
                device_time: None,
                device_signature: None,
                change_sha256: [7; 32],
                request_id: format!("r-{i}"),
            }
            .encode()
            .expect("encodes")
        })
        .collect();
    let mut tree = MerkleTree::in_memory();
    for e in &entries {
        tree.append(e).expect("append");
    }
    let mut cs = CheckpointSigner::new("audit.uw.example/log", signer, None);
    let note = cs.sign(&tree).expect("sign");
    let (checkpoint, _) = Checkpoint::open(&note, std::slice::from_ref(&verifier)).expect("open");
    let export = uw_ledger::export::build(&tree, &note, &checkpoint, 0, &entries, None, &[]).expect("builds");
    let mut group = c.benchmark_group("export");
    group.sample_size(10);
    group.bench_function("verify an export of 1,000,000 entries", |b| {
        b.iter(|| uw_ledger::export::verify(black_box(&export), std::slice::from_ref(&verifier), None).expect("verifies"))
    });
    group.finish();
}

criterion_group!(export, export_verify);
criterion_group!(ledger, benches);
criterion_main!(ledger, export);
