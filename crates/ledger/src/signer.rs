//! The checkpoint signer: signs a log's state, and never two states that
//! contradict each other.

use crate::merkle::{verify_consistency, MerkleTree, NodeStore, TreeError};
use crate::note::{Checkpoint, NoteError, NoteSigner};

/// Why the signer refused.
#[derive(Debug, thiserror::Error)]
pub enum SignError<E: std::error::Error + 'static> {
    /// The tree is smaller than, or differs from, what was signed before:
    /// signing it would fork the log.
    #[error("refusing to sign size {size}: it is inconsistent with the last signed checkpoint (size {last_size}): {reason}")]
    Inconsistent { size: u64, last_size: u64, reason: String },
    #[error(transparent)]
    Tree(#[from] TreeError<E>),
    #[error(transparent)]
    Note(#[from] NoteError),
}

/// Signs checkpoints for one log origin, remembering the last one it signed.
#[derive(Debug)]
pub struct CheckpointSigner {
    origin: String,
    signer: NoteSigner,
    last: Option<Checkpoint>,
}

impl CheckpointSigner {
    /// A signer for `origin` whose last signed checkpoint was `last`.
    pub fn new(origin: &str, signer: NoteSigner, last: Option<Checkpoint>) -> Self {
        Self { origin: origin.to_owned(), signer, last }
    }

    pub fn last(&self) -> Option<&Checkpoint> {
        self.last.as_ref()
    }

    /// Signs the tree's current state, after proving it extends the last
    /// signed checkpoint.
    pub fn sign<S: NodeStore>(&mut self, tree: &MerkleTree<S>) -> Result<String, SignError<S::Error>> {
        let size = tree.size();
        let root = tree.root(size)?;
        if let Some(last) = &self.last {
            let inconsistent = |reason: String| SignError::Inconsistent { size, last_size: last.size, reason };
            if size < last.size {
                return Err(inconsistent("the tree shrank".into()));
            }
            let proof = tree.consistency_proof(last.size, size)?;
            verify_consistency(last.size, size, &last.root, &root, &proof).map_err(|e| inconsistent(e.to_string()))?;
        }
        let checkpoint = Checkpoint { origin: self.origin.clone(), size, root };
        let note = self.signer.sign(&checkpoint.text())?;
        self.last = Some(checkpoint);
        Ok(note)
    }
}
