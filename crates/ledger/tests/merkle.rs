//! RFC 6962 test vectors (the Certificate Transparency reference tree, as
//! published in transparency-dev/merkle's test data) and property tests for
//! every proof.

use proptest::prelude::*;
use uw_ledger::merkle::TreeError;
use uw_ledger::{empty_root, leaf_hash, verify_consistency, verify_inclusion, Hash, MerkleTree, ProofError};

fn h(text: &str) -> Hash {
    hex::decode(text).expect("hex").try_into().expect("32 bytes")
}

const LEAVES: [&str; 8] = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];
const ROOTS: [&str; 8] = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

fn reference_tree() -> MerkleTree<uw_ledger::MemoryStore> {
    let mut tree = MerkleTree::in_memory();
    for leaf in LEAVES {
        tree.append(&hex::decode(leaf).expect("hex")).expect("append");
    }
    tree
}

#[test]
fn roots_of_the_reference_tree_at_every_size() {
    let tree = reference_tree();
    assert_eq!(tree.root(0).expect("root"), h("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    assert_eq!(tree.root(0).expect("root"), empty_root());
    for (n, root) in ROOTS.iter().enumerate() {
        assert_eq!(tree.root(n as u64 + 1).expect("root"), h(root), "size {}", n + 1);
    }
}

#[test]
fn reference_inclusion_proofs() {
    let tree = reference_tree();
    let cases: [(u64, u64, &[&str]); 4] = [
        (
            0,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            5,
            8,
            &[
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (2, 3, &["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
        (
            1,
            5,
            &[
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
    ];
    for (index, size, expected) in cases {
        let proof = tree.inclusion_proof(index, size).expect("proof");
        assert_eq!(proof, expected.iter().map(|x| h(x)).collect::<Vec<_>>(), "index {index} size {size}");
        let leaf = leaf_hash(&hex::decode(LEAVES[index as usize]).expect("hex"));
        verify_inclusion(&leaf, index, size, &proof, &tree.root(size).expect("root")).expect("verifies");
    }
}

#[test]
fn reference_consistency_proofs() {
    let tree = reference_tree();
    let cases: [(u64, u64, &[&str]); 4] = [
        (1, 1, &[]),
        (
            1,
            8,
            &[
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            6,
            8,
            &[
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            5,
            &[
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
    ];
    for (old, new, expected) in cases {
        let proof = tree.consistency_proof(old, new).expect("proof");
        assert_eq!(proof, expected.iter().map(|x| h(x)).collect::<Vec<_>>(), "{old} -> {new}");
        verify_consistency(old, new, &tree.root(old).expect("root"), &tree.root(new).expect("root"), &proof).expect("verifies");
    }
}

fn tree_of(n: u64) -> MerkleTree<uw_ledger::MemoryStore> {
    let mut tree = MerkleTree::in_memory();
    for i in 0..n {
        tree.append(&i.to_be_bytes()).expect("append");
    }
    tree
}

#[test]
fn every_inclusion_proof_verifies_up_to_300() {
    let tree = tree_of(300);
    for size in 1..=300 {
        let root = tree.root(size).expect("root");
        for index in 0..size {
            let proof = tree.inclusion_proof(index, size).expect("proof");
            let leaf = tree.leaf(index).expect("leaf");
            verify_inclusion(&leaf, index, size, &proof, &root).unwrap_or_else(|e| panic!("{index}/{size}: {e}"));
            if size > 1 {
                let other = (index + 1) % size;
                let moved = verify_inclusion(&leaf, other, size, &proof, &root);
                assert!(
                    matches!(moved, Err(ProofError::RootMismatch | ProofError::WrongLength { .. })),
                    "{index}/{size} at index {other}: {moved:?}"
                );
            }
        }
    }
}

#[test]
fn every_consistency_proof_verifies_up_to_128() {
    let tree = tree_of(128);
    let roots: Vec<Hash> = (0..=128).map(|n| tree.root(n).expect("root")).collect();
    for new in 1..=128u64 {
        for old in 1..=new {
            let proof = tree.consistency_proof(old, new).expect("proof");
            verify_consistency(old, new, &roots[old as usize], &roots[new as usize], &proof)
                .unwrap_or_else(|e| panic!("{old} -> {new}: {e}"));
            if old < new {
                assert!(
                    verify_consistency(old, new, &roots[old as usize - 1], &roots[new as usize], &proof).is_err(),
                    "{old} -> {new} with a wrong old root"
                );
            }
        }
    }
}

#[test]
fn out_of_range_requests_are_errors() {
    let tree = tree_of(5);
    assert!(matches!(tree.root(6), Err(TreeError::OutOfRange { .. })));
    assert!(matches!(tree.inclusion_proof(5, 5), Err(TreeError::OutOfRange { .. })));
    assert!(matches!(tree.consistency_proof(4, 6), Err(TreeError::OutOfRange { .. })));
    assert_eq!(verify_inclusion(&[0; 32], 3, 3, &[], &[0; 32]), Err(ProofError::IndexBeyondSize { index: 3, size: 3 }));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Flipping any bit of an inclusion proof, the leaf or the root is detected.
    #[test]
    fn any_flipped_bit_breaks_an_inclusion_proof(size in 1u64..200, index_seed in any::<u64>(), which in 0usize..3, bit_seed in any::<u64>()) {
        let tree = tree_of(size);
        let index = index_seed % size;
        let mut proof = tree.inclusion_proof(index, size).expect("proof");
        let mut leaf = tree.leaf(index).expect("leaf");
        let mut root = tree.root(size).expect("root");
        let bit = (bit_seed % 256) as usize;
        match which {
            0 if !proof.is_empty() => { let i = (bit_seed as usize / 256) % proof.len(); proof[i][bit / 8] ^= 1 << (bit % 8); }
            1 => leaf[bit / 8] ^= 1 << (bit % 8),
            _ => root[bit / 8] ^= 1 << (bit % 8),
        }
        prop_assert_eq!(verify_inclusion(&leaf, index, size, &proof, &root), Err(ProofError::RootMismatch));
    }

    /// Flipping any bit of a consistency proof or either root is detected.
    #[test]
    fn any_flipped_bit_breaks_a_consistency_proof(new in 2u64..128, old_seed in any::<u64>(), which in 0usize..3, bit_seed in any::<u64>()) {
        let tree = tree_of(new);
        let old = 1 + old_seed % (new - 1);
        let mut proof = tree.consistency_proof(old, new).expect("proof");
        let (mut old_root, mut new_root) = (tree.root(old).expect("root"), tree.root(new).expect("root"));
        let bit = (bit_seed % 256) as usize;
        match which {
            0 => { let i = (bit_seed as usize / 256) % proof.len(); proof[i][bit / 8] ^= 1 << (bit % 8); }
            1 => old_root[bit / 8] ^= 1 << (bit % 8),
            _ => new_root[bit / 8] ^= 1 << (bit % 8),
        }
        prop_assert_eq!(verify_consistency(old, new, &old_root, &new_root, &proof), Err(ProofError::RootMismatch));
    }

    /// Changing any bit of any entry changes the root.
    #[test]
    fn any_flipped_entry_bit_changes_the_root(size in 1u64..100, index_seed in any::<u64>(), bit in 0u32..64) {
        let tree = tree_of(size);
        let index = index_seed % size;
        let mut other = MerkleTree::in_memory();
        for i in 0..size {
            let v = if i == index { i ^ (1 << bit) } else { i };
            other.append(&v.to_be_bytes()).expect("append");
        }
        prop_assert_ne!(tree.root(size).expect("root"), other.root(size).expect("root"));
    }
}
