//! The RFC 6962 / RFC 9162 Merkle tree: hashing, roots of any size,
//! inclusion and consistency proofs, and their verification.
//!
//! Leaves hash as `SHA-256(0x00 || entry)`, interior nodes as
//! `SHA-256(0x01 || left || right)`, a tree of n > 1 leaves splits at the
//! largest power of two smaller than n, and the empty tree's root is
//! `SHA-256("")`. The tree keeps the hash of every complete, aligned subtree
//! in a [`NodeStore`], so any root or proof costs O(log n) reads whatever
//! the tree's size: the server keeps the same hashes in its database.

use sha2::{Digest, Sha256};

/// A SHA-256 hash.
pub type Hash = [u8; 32];

/// `SHA-256(0x00 || entry)`.
pub fn leaf_hash(entry: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(entry);
    h.finalize().into()
}

/// `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the empty tree, `SHA-256("")`.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The largest power of two strictly smaller than `n` (n > 1).
pub fn split_point(n: u64) -> u64 {
    debug_assert!(n > 1);
    1 << (63 - (n - 1).leading_zeros())
}

/// Where the hashes of complete subtrees live. `level` 0 holds leaf hashes;
/// the node at (`level`, `index`) covers leaves `index << level` to
/// `((index + 1) << level) - 1`.
pub trait NodeStore {
    /// The store's own failure (a database error, say).
    type Error: std::error::Error + Send + Sync + 'static;

    fn get(&self, level: u8, index: u64) -> Result<Option<Hash>, Self::Error>;
    fn put(&mut self, level: u8, index: u64, hash: Hash) -> Result<(), Self::Error>;
}

/// Node hashes in memory, one vector per level.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    levels: Vec<Vec<Hash>>,
}

impl NodeStore for MemoryStore {
    type Error = std::convert::Infallible;

    fn get(&self, level: u8, index: u64) -> Result<Option<Hash>, Self::Error> {
        let i = usize::try_from(index).unwrap_or(usize::MAX);
        Ok(self.levels.get(usize::from(level)).and_then(|l| l.get(i)).copied())
    }

    fn put(&mut self, level: u8, index: u64, hash: Hash) -> Result<(), Self::Error> {
        let level = usize::from(level);
        if self.levels.len() <= level {
            self.levels.resize_with(level + 1, Vec::new);
        }
        let nodes = &mut self.levels[level];
        let i = usize::try_from(index).unwrap_or(usize::MAX);
        // Appends arrive in order, so `i` is the next slot or an overwrite of
        // the same value.
        if i == nodes.len() {
            nodes.push(hash);
        } else if i < nodes.len() {
            nodes[i] = hash;
        }
        Ok(())
    }
}

/// Why a tree operation failed.
#[derive(Debug, thiserror::Error)]
pub enum TreeError<E: std::error::Error + 'static> {
    /// A size beyond the tree, or an index beyond the size.
    #[error("{what} {value} is out of range for a tree of {size} entries")]
    OutOfRange { what: &'static str, value: u64, size: u64 },
    /// The store lacks a node it should have: it was written by something else
    /// or lost data.
    #[error("the node store has no hash at level {level} index {index}")]
    MissingNode { level: u8, index: u64 },
    /// The store failed.
    #[error("node store: {0}")]
    Store(#[source] E),
}

/// An append-only Merkle tree over a [`NodeStore`].
#[derive(Debug, Clone)]
pub struct MerkleTree<S> {
    store: S,
    size: u64,
}

impl MerkleTree<MemoryStore> {
    /// An empty tree in memory.
    pub fn in_memory() -> Self {
        Self { store: MemoryStore::default(), size: 0 }
    }
}

impl<S: NodeStore> MerkleTree<S> {
    /// A tree over an existing store holding `size` leaves.
    pub fn open(store: S, size: u64) -> Self {
        Self { store, size }
    }

    /// Number of leaves.
    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    /// The node store, giving the tree up.
    pub fn into_store(self) -> S {
        self.store
    }

    /// Appends an entry and returns its index.
    pub fn append(&mut self, entry: &[u8]) -> Result<u64, TreeError<S::Error>> {
        self.append_hash(leaf_hash(entry))
    }

    /// Appends a leaf hash and returns its index; completes every subtree the
    /// new leaf closes.
    pub fn append_hash(&mut self, leaf: Hash) -> Result<u64, TreeError<S::Error>> {
        let index = self.size;
        self.store.put(0, index, leaf).map_err(TreeError::Store)?;
        let (mut hash, mut i, mut level) = (leaf, index, 0u8);
        while i & 1 == 1 {
            let left = self.node(level, i - 1)?;
            hash = node_hash(&left, &hash);
            i >>= 1;
            level += 1;
            self.store.put(level, i, hash).map_err(TreeError::Store)?;
        }
        self.size += 1;
        Ok(index)
    }

    fn node(&self, level: u8, index: u64) -> Result<Hash, TreeError<S::Error>> {
        self.store.get(level, index).map_err(TreeError::Store)?.ok_or(TreeError::MissingNode { level, index })
    }

    /// MTH(D[start:end]): a perfect aligned range is one stored node; any
    /// other splits at the largest power of two.
    fn range_hash(&self, start: u64, end: u64) -> Result<Hash, TreeError<S::Error>> {
        let n = end - start;
        if n.is_power_of_two() && start % n == 0 {
            return self.node(u8::try_from(n.trailing_zeros()).unwrap_or(u8::MAX), start >> n.trailing_zeros());
        }
        let k = split_point(n);
        let left = self.range_hash(start, start + k)?;
        let right = self.range_hash(start + k, end)?;
        Ok(node_hash(&left, &right))
    }

    fn check_size(&self, size: u64) -> Result<(), TreeError<S::Error>> {
        if size > self.size {
            return Err(TreeError::OutOfRange { what: "size", value: size, size: self.size });
        }
        Ok(())
    }

    /// The root of the tree's first `size` leaves.
    pub fn root(&self, size: u64) -> Result<Hash, TreeError<S::Error>> {
        self.check_size(size)?;
        if size == 0 {
            return Ok(empty_root());
        }
        self.range_hash(0, size)
    }

    /// MTH of leaves `start..end`, any range within the tree.
    pub fn subtree(&self, start: u64, end: u64) -> Result<Hash, TreeError<S::Error>> {
        if start >= end || end > self.size {
            return Err(TreeError::OutOfRange { what: "range end", value: end, size: self.size });
        }
        self.range_hash(start, end)
    }

    /// The leaf hash at `index`.
    pub fn leaf(&self, index: u64) -> Result<Hash, TreeError<S::Error>> {
        if index >= self.size {
            return Err(TreeError::OutOfRange { what: "index", value: index, size: self.size });
        }
        self.node(0, index)
    }

    /// The inclusion proof of leaf `index` in the tree of `size` leaves
    /// (RFC 9162 2.1.3.1), nearest sibling first.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Result<Vec<Hash>, TreeError<S::Error>> {
        self.check_size(size)?;
        if index >= size {
            return Err(TreeError::OutOfRange { what: "index", value: index, size });
        }
        let mut proof = Vec::new();
        self.path(index, 0, size, &mut proof)?;
        Ok(proof)
    }

    fn path(&self, m: u64, start: u64, end: u64, out: &mut Vec<Hash>) -> Result<(), TreeError<S::Error>> {
        let n = end - start;
        if n <= 1 {
            return Ok(());
        }
        let k = split_point(n);
        if m < k {
            self.path(m, start, start + k, out)?;
            out.push(self.range_hash(start + k, end)?);
        } else {
            self.path(m - k, start + k, end, out)?;
            out.push(self.range_hash(start, start + k)?);
        }
        Ok(())
    }

    /// The consistency proof from the tree of `old` leaves to the tree of
    /// `new` leaves (RFC 9162 2.1.4.1). Empty when `old` is 0 or equals `new`.
    pub fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Hash>, TreeError<S::Error>> {
        self.check_size(new)?;
        if old > new {
            return Err(TreeError::OutOfRange { what: "old size", value: old, size: new });
        }
        let mut proof = Vec::new();
        if old > 0 && old < new {
            self.subproof(old, 0, new, true, &mut proof)?;
        }
        Ok(proof)
    }

    fn subproof(&self, m: u64, start: u64, end: u64, complete: bool, out: &mut Vec<Hash>) -> Result<(), TreeError<S::Error>> {
        let n = end - start;
        if m == n {
            if !complete {
                out.push(self.range_hash(start, end)?);
            }
            return Ok(());
        }
        let k = split_point(n);
        if m <= k {
            self.subproof(m, start, start + k, complete, out)?;
            out.push(self.range_hash(start + k, end)?);
        } else {
            self.subproof(m - k, start + k, end, false, out)?;
            out.push(self.range_hash(start, start + k)?);
        }
        Ok(())
    }
}

/// Why a proof does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("index {index} is not below the tree size {size}")]
    IndexBeyondSize { index: u64, size: u64 },
    #[error("old size {old} is larger than new size {new}")]
    OldLargerThanNew { old: u64, new: u64 },
    #[error("the proof has the wrong number of hashes ({found}) for these sizes")]
    WrongLength { found: usize },
    #[error("the proof does not lead to the expected root")]
    RootMismatch,
    #[error("equal sizes need an empty proof and equal roots")]
    SameSizeDifferentRoots,
}

/// Verifies an inclusion proof (RFC 9162 2.1.3.2).
pub fn verify_inclusion(leaf: &Hash, index: u64, size: u64, proof: &[Hash], root: &Hash) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexBeyondSize { index, size });
    }
    let (mut f_n, mut s_n) = (index, size - 1);
    let mut r = *leaf;
    for p in proof {
        if s_n == 0 {
            return Err(ProofError::WrongLength { found: proof.len() });
        }
        if f_n & 1 == 1 || f_n == s_n {
            r = node_hash(p, &r);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    if s_n != 0 {
        return Err(ProofError::WrongLength { found: proof.len() });
    }
    if r == *root {
        Ok(())
    } else {
        Err(ProofError::RootMismatch)
    }
}

/// Verifies a consistency proof (RFC 9162 2.1.4.2).
pub fn verify_consistency(old: u64, new: u64, old_root: &Hash, new_root: &Hash, proof: &[Hash]) -> Result<(), ProofError> {
    if old > new {
        return Err(ProofError::OldLargerThanNew { old, new });
    }
    if old == new {
        return if proof.is_empty() && old_root == new_root { Ok(()) } else { Err(ProofError::SameSizeDifferentRoots) };
    }
    if old == 0 {
        // Every tree is consistent with the empty tree; the proof is empty.
        return if proof.is_empty() { Ok(()) } else { Err(ProofError::WrongLength { found: proof.len() }) };
    }
    let mut path: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if old.is_power_of_two() {
        path.push(*old_root);
    }
    path.extend_from_slice(proof);
    let Some((first, rest)) = path.split_first() else { return Err(ProofError::WrongLength { found: 0 }) };
    let (mut f_n, mut s_n) = (old - 1, new - 1);
    while f_n & 1 == 1 {
        f_n >>= 1;
        s_n >>= 1;
    }
    let (mut fr, mut sr) = (*first, *first);
    for c in rest {
        if s_n == 0 {
            return Err(ProofError::WrongLength { found: proof.len() });
        }
        if f_n & 1 == 1 || f_n == s_n {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    if s_n != 0 {
        return Err(ProofError::WrongLength { found: proof.len() });
    }
    if fr == *old_root && sr == *new_root {
        Ok(())
    } else {
        Err(ProofError::RootMismatch)
    }
}
