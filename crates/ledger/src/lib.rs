/*!
The audit ledger: an append-only RFC 6962 Merkle log with C2SP signed
checkpoints.

[`entry`] is the canonical, versioned encoding of an audit entry (its bytes
are the leaf). [`merkle`] hashes entries into a tree whose complete subtrees live in a
[`merkle::NodeStore`] (memory here, the server's database later), and makes
and checks inclusion and consistency proofs. [`note`] signs and opens C2SP
signed notes and tlog checkpoints with Ed25519; [`signer`] refuses to sign a
state that does not extend the last one it signed, so it cannot fork the log.

**Architecture invariant:** pure: no tauri, axum, sqlx, rusqlite or reqwest
(CI checks with `cargo tree -i`). The formats are public standards, so a
verifier we did not write can check what this crate produces.
*/

pub mod entry;
pub mod export;
pub mod merkle;
pub mod note;
pub mod proof;
pub mod signer;

pub use entry::{AuditEntry, EntryError, Role};
pub use merkle::{
    empty_root, leaf_hash, node_hash, verify_consistency, verify_inclusion, Hash, MemoryStore, MerkleTree, NodeStore, ProofError, TreeError,
};
pub use note::{Checkpoint, NoteError, NoteSigner, NoteVerifier};
pub use signer::{CheckpointSigner, SignError};
