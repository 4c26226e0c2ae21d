//! C2SP tlog-proof (c2sp.org/tlog-proof@v1): a self-contained, offline
//! proof that one entry is in the log, for handing a single record to
//! someone.
//!
//! ```text
//! c2sp.org/tlog-proof@v1
//! extra <base64>            (optional)
//! index <N>
//! <base64 hash>             (the inclusion proof, one hash a line)
//!
//! <the signed checkpoint note>
//! ```

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;

use crate::merkle::{leaf_hash, verify_inclusion, MerkleTree, NodeStore, ProofError, TreeError};
use crate::note::{Checkpoint, NoteError, NoteVerifier};

const HEADER: &str = "c2sp.org/tlog-proof@v1";

/// Builds the proof for entry `index` against the signed checkpoint note.
pub fn build<S: NodeStore>(
    tree: &MerkleTree<S>,
    index: u64,
    checkpoint_note: &str,
    checkpoint: &Checkpoint,
    extra: Option<&[u8]>,
) -> Result<String, TreeError<S::Error>> {
    let mut out = format!("{HEADER}\n");
    if let Some(extra) = extra {
        out.push_str(&format!("extra {}\n", B64.encode(extra)));
    }
    out.push_str(&format!("index {index}\n"));
    for h in tree.inclusion_proof(index, checkpoint.size)? {
        out.push_str(&B64.encode(h));
        out.push('\n');
    }
    out.push('\n');
    out.push_str(checkpoint_note);
    Ok(out)
}

/// Why a tlog-proof does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TlogProofError {
    #[error("malformed proof: {0}")]
    Malformed(&'static str),
    #[error("checkpoint: {0}")]
    Checkpoint(NoteError),
    #[error("the checkpoint is for `{found}`, not `{expected}`")]
    WrongOrigin { expected: String, found: String },
    #[error("inclusion: {0}")]
    Inclusion(ProofError),
}

/// A verified proof: the entry's index, the checkpoint, the extra data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedProof {
    pub index: u64,
    pub checkpoint: Checkpoint,
    pub extra: Option<Vec<u8>>,
}

/// Verifies that `entry` is in the log named `origin` by the proof's signed checkpoint.
pub fn verify(proof: &str, entry: &[u8], origin: &str, verifiers: &[NoteVerifier]) -> Result<VerifiedProof, TlogProofError> {
    let (head, note) = proof.split_once("\n\n").ok_or(TlogProofError::Malformed("no blank line before the checkpoint"))?;
    let mut lines = head.lines();
    if lines.next() != Some(HEADER) {
        return Err(TlogProofError::Malformed("the first line is not c2sp.org/tlog-proof@v1"));
    }
    let mut line = lines.next().ok_or(TlogProofError::Malformed("no index line"))?;
    let extra = match line.strip_prefix("extra ") {
        Some(b64) => {
            let bytes = B64.decode(b64).map_err(|_| TlogProofError::Malformed("extra is not base64"))?;
            line = lines.next().ok_or(TlogProofError::Malformed("no index line"))?;
            Some(bytes)
        }
        None => None,
    };
    let index: u64 = line.strip_prefix("index ").and_then(|n| n.parse().ok()).ok_or(TlogProofError::Malformed("expected `index <N>`"))?;
    let hashes = lines
        .map(|l| B64.decode(l).ok().and_then(|b| b.try_into().ok()))
        .collect::<Option<Vec<[u8; 32]>>>()
        .ok_or(TlogProofError::Malformed("a proof line is not a base64 SHA-256 hash"))?;
    let (checkpoint, _) = Checkpoint::open(note, verifiers).map_err(TlogProofError::Checkpoint)?;
    if checkpoint.origin != origin {
        return Err(TlogProofError::WrongOrigin { expected: origin.to_owned(), found: checkpoint.origin });
    }
    verify_inclusion(&leaf_hash(entry), index, checkpoint.size, &hashes, &checkpoint.root).map_err(TlogProofError::Inclusion)?;
    Ok(VerifiedProof { index, checkpoint, extra })
}
