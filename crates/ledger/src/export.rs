//! The auditor export: a range of the log's entries, tied to a signed
//! checkpoint, verifiable offline with nothing but the log's public key.
//! The format is documented in `docs/audit-export-format.md`.
//!
//! Verification first authenticates the listed leaf hashes: together with
//! the range proof (the hashes of the subtrees wholly outside the range) they
//! must rebuild the checkpoint's root. Then each entry's own hash is compared
//! with its authenticated leaf hash, which names the first bad entry.

use std::fmt::Write as _;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;

use crate::merkle::{leaf_hash, node_hash, split_point, verify_consistency, Hash, MerkleTree, NodeStore, TreeError};
use crate::note::{Checkpoint, NoteError, NoteVerifier};

const HEADER: &str = "uw-audit-export/1";

/// Why an export could not be built.
#[derive(Debug, thiserror::Error)]
pub enum BuildError<E: std::error::Error + 'static> {
    #[error("the range {start}..{end} is empty or beyond the checkpoint's {size} entries")]
    BadRange { start: u64, end: u64, size: u64 },
    #[error("{given} entries given for a range of {expected}")]
    WrongEntryCount { given: usize, expected: u64 },
    #[error("the previous checkpoint (size {previous}) is larger than the exported one ({size})")]
    PreviousTooLarge { previous: u64, size: u64 },
    #[error("entry {index} is not UTF-8 text; canonical entries always are")]
    NotText { index: u64 },
    #[error(transparent)]
    Tree(#[from] TreeError<E>),
    #[error(transparent)]
    Note(#[from] NoteError),
}

/// A restore the log went through: the last checkpoint the server signed
/// for the log before it was restored from a backup, and how many entries
/// the restored log kept. The log goes on under a new origin from there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreLink {
    /// The signed checkpoint note of the old origin.
    pub note: String,
    /// The entries the restored log kept (the backup's size).
    pub restored_size: u64,
}

/// Builds an export of `entries` (the canonical bytes of entries `start..`)
/// against the signed `checkpoint_note`, with a consistency proof from the
/// auditor's `previous` checkpoint if given, and every restore the log went
/// through (`links`), so a checkpoint of an earlier origin is answered with
/// its link to this one.
pub fn build<S: NodeStore>(
    tree: &MerkleTree<S>,
    checkpoint_note: &str,
    checkpoint: &Checkpoint,
    start: u64,
    entries: &[Vec<u8>],
    previous: Option<&Checkpoint>,
    links: &[RestoreLink],
) -> Result<String, BuildError<S::Error>> {
    let count = u64::try_from(entries.len()).unwrap_or(u64::MAX);
    let end = start.saturating_add(count);
    let mut out = header(tree, checkpoint_note, checkpoint, (start, end), previous, links)?;
    out.reserve(entries.iter().map(|e| e.len() + 100).sum::<usize>() + 8);
    for (i, entry) in entries.iter().enumerate() {
        let index = start + i as u64;
        entry_line(&mut out, index, &tree.leaf(index)?, entry)?;
    }
    out.push_str(END);
    Ok(out)
}

/// The export's last line.
pub const END: &str = "end\n";

/// Everything of an export of entries `start..end` before its entries: the
/// range proof and the consistency proof need O(log n) nodes of `tree`; the
/// entries follow ([`entry_line`], a batch at a time) and then [`END`].
pub fn header<S: NodeStore>(
    tree: &MerkleTree<S>,
    checkpoint_note: &str,
    checkpoint: &Checkpoint,
    (start, end): (u64, u64),
    previous: Option<&Checkpoint>,
    links: &[RestoreLink],
) -> Result<String, BuildError<S::Error>> {
    let size = checkpoint.size;
    if start >= end || end > size {
        return Err(BuildError::BadRange { start, end, size });
    }
    let mut out = String::with_capacity(4096);
    let _ = writeln!(out, "{HEADER}");
    let _ = writeln!(out, "origin {}", checkpoint.origin);
    let _ = writeln!(out, "range {start} {end}");
    let _ = writeln!(out, "checkpoint {}", B64.encode(checkpoint_note));
    let mut proof = Vec::new();
    range_proof(tree, 0, size, start, end, &mut proof)?;
    let _ = writeln!(out, "range-proof {}", hashes(&proof));
    match previous {
        Some(p) if p.size > size => return Err(BuildError::PreviousTooLarge { previous: p.size, size }),
        Some(p) => {
            let _ = writeln!(out, "consistency-from {}", p.size);
            let _ = writeln!(out, "consistency {}", hashes(&tree.consistency_proof(p.size, size)?));
        }
        None => {
            let _ = writeln!(out, "consistency-from -");
            let _ = writeln!(out, "consistency -");
        }
    }
    for link in links {
        let _ = writeln!(out, "restored-from {} {}", B64.encode(&link.note), link.restored_size);
    }
    Ok(out)
}

/// Appends entry `index` (its canonical bytes, whose leaf hash is `leaf`) to an export.
pub fn entry_line<E: std::error::Error + 'static>(out: &mut String, index: u64, leaf: &Hash, entry: &[u8]) -> Result<(), BuildError<E>> {
    let _ = writeln!(out, "entry {index} {} {}", hex::encode(leaf), entry.len());
    out.push_str(std::str::from_utf8(entry).map_err(|_| BuildError::NotText { index })?);
    out.push('\n');
    Ok(())
}

fn range_proof<S: NodeStore>(
    tree: &MerkleTree<S>,
    lo: u64,
    hi: u64,
    start: u64,
    end: u64,
    out: &mut Vec<Hash>,
) -> Result<(), TreeError<S::Error>> {
    if hi <= start || lo >= end {
        out.push(tree.subtree(lo, hi)?);
        return Ok(());
    }
    if hi - lo == 1 {
        return Ok(());
    }
    let k = split_point(hi - lo);
    range_proof(tree, lo, lo + k, start, end, out)?;
    range_proof(tree, lo + k, hi, start, end, out)
}

/// Rebuilds the root of a tree of `size` leaves from the leaves of
/// `start..end` and the range proof; `None` when the proof is the wrong length.
fn root_from_range(leaves: &[Hash], start: u64, size: u64, proof: &[Hash]) -> Option<Hash> {
    fn walk(lo: u64, hi: u64, start: u64, end: u64, leaves: &[Hash], proof: &mut std::slice::Iter<'_, Hash>) -> Option<Hash> {
        if hi <= start || lo >= end {
            return proof.next().copied();
        }
        if hi - lo == 1 {
            return leaves.get(usize::try_from(lo - start).ok()?).copied();
        }
        let k = split_point(hi - lo);
        let left = walk(lo, lo + k, start, end, leaves, proof)?;
        let right = walk(lo + k, hi, start, end, leaves, proof)?;
        Some(node_hash(&left, &right))
    }
    let end = start + u64::try_from(leaves.len()).ok()?;
    let mut iter = proof.iter();
    let root = walk(0, size, start, end, leaves, &mut iter)?;
    iter.next().is_none().then_some(root)
}

fn unhex(text: &str) -> Option<Hash> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(text, &mut out).ok()?;
    Some(out)
}

fn hashes(list: &[Hash]) -> String {
    if list.is_empty() {
        return "-".into();
    }
    list.iter().map(hex::encode).collect::<Vec<_>>().join(",")
}

fn parse_hashes(text: &str) -> Option<Vec<Hash>> {
    if text == "-" {
        return Some(Vec::new());
    }
    text.split(',').map(unhex).collect()
}

/// Why an export does not verify. Entry problems name the first bad index.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("line {line}: {message}")]
    Malformed { line: usize, message: String },
    #[error("checkpoint: {0}")]
    Checkpoint(NoteError),
    #[error("previous checkpoint: {0}")]
    PreviousCheckpoint(NoteError),
    #[error("wrong origin: the export says `{export}`, the checkpoint is for `{checkpoint}`")]
    WrongOrigin { export: String, checkpoint: String },
    #[error("the range {start}..{end} is beyond the checkpoint's {size} entries")]
    RangeBeyondCheckpoint { start: u64, end: u64, size: u64 },
    #[error("entry {index}: missing")]
    Missing { index: u64 },
    #[error("entry {index}: extra entry not in the range")]
    Extra { index: u64 },
    #[error("entry {index}: reordered (the entry at this position is entry {found})")]
    Reordered { index: u64, found: u64 },
    #[error("entry {index}: modified (its hash is not the log's)")]
    Modified { index: u64 },
    #[error("the entries and their listed leaf hashes do not rebuild the checkpoint root: an entry was replaced together with its hash, or entries were reordered with their labels kept; no single entry can be blamed")]
    RootMismatch,
    #[error("fork: the previous checkpoint and this one both have size {size} with different roots")]
    Fork { size: u64 },
    #[error("inconsistent with the previous checkpoint (size {previous}): {reason}")]
    Inconsistent { previous: u64, reason: String },
    #[error("the export's consistency proof starts at size {export}, but the previous checkpoint has size {previous}")]
    WrongConsistencyStart { export: u64, previous: u64 },
    /// The auditor's checkpoint is of a log that was restored from a backup
    /// to fewer entries than the checkpoint covers: those entries are gone.
    #[error("the log was restored from a backup: your checkpoint of `{origin}` covers {size} entries, but the restore kept only the first {restored} (the old log's last checkpoint covered {last}) and the log goes on as `{now}`; entries {restored}..{size} your checkpoint covers are no longer in the log")]
    LostInRestore { origin: String, size: u64, restored: u64, last: u64, now: String },
}

/// A restore between the auditor's previous checkpoint and this export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    /// The origin the previous checkpoint was of.
    pub from_origin: String,
    /// The entries the restored log kept; the previous checkpoint is within them.
    pub restored_size: u64,
    /// The old origin's last checkpoint size.
    pub last_size: u64,
}

/// What a verified export proves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub checkpoint: Checkpoint,
    pub signers: Vec<String>,
    pub start: u64,
    pub end: u64,
    /// The entries' canonical bytes, in order.
    pub entries: Vec<Vec<u8>>,
    /// The size of the previous checkpoint it was proved consistent with.
    pub consistent_with: Option<u64>,
    /// Set when that previous checkpoint was of an origin the log left when
    /// it was restored from a backup.
    pub restored: Option<Restored>,
}

/// The lines every export begins with.
struct Head<'a> {
    origin: &'a str,
    start: u64,
    end: u64,
    /// The signed checkpoint note, not yet verified.
    note: String,
}

fn head<'a>(l: &mut Lines<'a>) -> Result<Head<'a>, VerifyError> {
    if l.next_line() != Some(HEADER) {
        return Err(VerifyError::Malformed { line: 1, message: format!("expected `{HEADER}`") });
    }
    let origin = l.field("origin")?;
    let range = l.field("range")?;
    let (start, end) = range
        .split_once(' ')
        .and_then(|(a, b)| Some((a.parse::<u64>().ok()?, b.parse::<u64>().ok()?)))
        .filter(|(a, b)| a < b)
        .ok_or_else(|| l.err("range is `<start> <end>` with start < end".into()))?;
    let note = l.field("checkpoint")?;
    let note =
        B64.decode(note).ok().and_then(|b| String::from_utf8(b).ok()).ok_or_else(|| l.err("checkpoint is a base64 signed note".into()))?;
    Ok(Head { origin, start, end, note })
}

/// The signed checkpoint note an export carries and the checkpoint it
/// states, *not verified*: what an auditor keeps from one audit to prove
/// at the next that the log only grew ([`verify`]'s `previous_note`, and
/// the size to ask the server's consistency proof from).
pub fn checkpoint_of(export: &str) -> Result<(String, Checkpoint), VerifyError> {
    let mut l = Lines { text: export, pos: 0, line: 0 };
    let Head { note, .. } = head(&mut l)?;
    let body = note.split("\n\n").next().unwrap_or_default();
    let checkpoint = Checkpoint::parse(body).map_err(VerifyError::Checkpoint)?;
    Ok((note, checkpoint))
}

struct Lines<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
}

impl<'a> Lines<'a> {
    fn next_line(&mut self) -> Option<&'a str> {
        let rest = &self.text[self.pos..];
        let n = rest.find('\n')?;
        self.pos += n + 1;
        self.line += 1;
        Some(&rest[..n])
    }

    fn field(&mut self, name: &str) -> Result<&'a str, VerifyError> {
        let line = self.next_line().ok_or_else(|| self.err(format!("expected `{name} …`, found the end")))?;
        line.strip_prefix(name).and_then(|r| r.strip_prefix(' ')).ok_or_else(|| self.err(format!("expected `{name} …`")))
    }

    fn err(&self, message: String) -> VerifyError {
        VerifyError::Malformed { line: self.line, message }
    }
}

/// Verifies an export against the log's verifier keys and, optionally, the
/// auditor's previous signed checkpoint.
pub fn verify(export: &str, verifiers: &[NoteVerifier], previous_note: Option<&str>) -> Result<Verified, VerifyError> {
    let mut l = Lines { text: export, pos: 0, line: 0 };
    let Head { origin, start, end, note } = head(&mut l)?;
    let range_proof =
        parse_hashes(l.field("range-proof")?).ok_or_else(|| l.err("range-proof is hex hashes separated by commas, or -".into()))?;
    let consistency_from = l.field("consistency-from")?;
    let consistency_from = if consistency_from == "-" {
        None
    } else {
        Some(consistency_from.parse::<u64>().map_err(|_| l.err("consistency-from is a size or -".into()))?)
    };
    let consistency =
        parse_hashes(l.field("consistency")?).ok_or_else(|| l.err("consistency is hex hashes separated by commas, or -".into()))?;
    let mut links = Vec::new();
    loop {
        let (pos, line) = (l.pos, l.line);
        match l.next_line().and_then(|text| text.strip_prefix("restored-from ")) {
            Some(rest) => {
                let (note, size) = rest
                    .split_once(' ')
                    .and_then(|(n, s)| Some((String::from_utf8(B64.decode(n).ok()?).ok()?, s.parse::<u64>().ok()?)))
                    .ok_or_else(|| l.err("restored-from is `<base64 signed note> <restored size>`".into()))?;
                links.push(RestoreLink { note, restored_size: size });
            }
            None => {
                (l.pos, l.line) = (pos, line);
                break;
            }
        }
    }

    let (checkpoint, signers) = Checkpoint::open(&note, verifiers).map_err(VerifyError::Checkpoint)?;
    if checkpoint.origin != origin {
        return Err(VerifyError::WrongOrigin { export: origin.to_owned(), checkpoint: checkpoint.origin });
    }
    if end > checkpoint.size {
        return Err(VerifyError::RangeBeyondCheckpoint { start, end, size: checkpoint.size });
    }

    // Entries: index, listed leaf hash, length, then the canonical bytes.
    let capacity = usize::try_from(end - start).unwrap_or(0);
    let (mut listed, mut entries, mut indexes) = (Vec::with_capacity(capacity), Vec::with_capacity(capacity), Vec::with_capacity(capacity));
    loop {
        let line = l.next_line().ok_or_else(|| l.err("expected `entry …` or `end`".into()))?;
        if line == "end" {
            break;
        }
        let mut parts =
            line.strip_prefix("entry ").ok_or_else(|| l.err("expected `entry <index> <leaf hash> <length>`".into()))?.split(' ');
        let (Some(index), Some(hash), Some(len), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(l.err("expected `entry <index> <leaf hash> <length>`".into()));
        };
        let index: u64 = index.parse().map_err(|_| l.err("the entry index is not a number".into()))?;
        let hash = unhex(hash).ok_or_else(|| l.err("the leaf hash is not 64 hex digits".into()))?;
        let len: usize = len.parse().map_err(|_| l.err("the entry length is not a number".into()))?;
        let bytes = export.as_bytes().get(l.pos..l.pos + len).ok_or_else(|| l.err("the entry is cut short".into()))?;
        if export.as_bytes().get(l.pos + len) != Some(&b'\n') {
            return Err(l.err("an entry's bytes are followed by a newline".into()));
        }
        l.line += bytes.iter().filter(|&&b| b == b'\n').count() + 1;
        l.pos += len + 1;
        indexes.push(index);
        listed.push(hash);
        entries.push(bytes.to_vec());
    }

    // The sequence of indexes: missing, extra or out of order.
    for (k, &found) in indexes.iter().enumerate() {
        let expected = start + k as u64;
        if expected >= end || found >= end {
            return Err(VerifyError::Extra { index: found });
        }
        if found == expected {
            continue;
        }
        if found < start {
            return Err(VerifyError::Extra { index: found });
        }
        if found < expected || indexes[k + 1..].contains(&expected) {
            return Err(VerifyError::Reordered { index: expected, found });
        }
        return Err(VerifyError::Missing { index: expected });
    }
    let count = u64::try_from(indexes.len()).unwrap_or(u64::MAX);
    if count < end - start {
        return Err(VerifyError::Missing { index: start + count });
    }

    // Authenticate the listed leaf hashes against the signed root.
    let computed: Vec<Hash> = entries.iter().map(|e| leaf_hash(e)).collect();
    if root_from_range(&listed, start, checkpoint.size, &range_proof) == Some(checkpoint.root) {
        // The listed hashes are the log's: compare each entry with them.
        for (k, (c, h)) in computed.iter().zip(&listed).enumerate() {
            if c != h {
                let index = start + k as u64;
                return Err(match listed.iter().position(|x| x == c) {
                    Some(other) => VerifyError::Reordered { index, found: start + other as u64 },
                    None => VerifyError::Modified { index },
                });
            }
        }
    } else {
        // The listed hashes were altered too. Entries that do not match their
        // listed hash are the likeliest culprits; otherwise say what we know.
        if let Some(k) = computed.iter().zip(&listed).position(|(c, h)| c != h) {
            return Err(VerifyError::Modified { index: start + k as u64 });
        }
        return Err(VerifyError::RootMismatch);
    }

    // Consistency with the auditor's previous checkpoint (of this origin, or
    // of one this log continues after a restore, within what it kept).
    let mut restored = None;
    let consistent_with = match previous_note {
        None => None,
        Some(prev) => {
            let (previous, _) = Checkpoint::open(prev, verifiers).map_err(VerifyError::PreviousCheckpoint)?;
            if previous.origin != checkpoint.origin {
                // Another origin: the log this one continues after a restore,
                // or nothing of this log.
                let link = links.iter().find_map(|link| {
                    Checkpoint::open(&link.note, verifiers)
                        .ok()
                        .filter(|(last, _)| last.origin == previous.origin)
                        .map(|(last, _)| (last.size, link.restored_size))
                });
                let Some((last_size, restored_size)) = link else {
                    return Err(VerifyError::WrongOrigin { export: previous.origin, checkpoint: checkpoint.origin });
                };
                if previous.size > restored_size {
                    return Err(VerifyError::LostInRestore {
                        origin: previous.origin,
                        size: previous.size,
                        restored: restored_size,
                        last: last_size,
                        now: checkpoint.origin,
                    });
                }
                restored = Some(Restored { from_origin: previous.origin.clone(), restored_size, last_size });
            }
            if previous.size == checkpoint.size && previous.root != checkpoint.root {
                return Err(VerifyError::Fork { size: previous.size });
            }
            if consistency_from != Some(previous.size) {
                return Err(VerifyError::WrongConsistencyStart { export: consistency_from.unwrap_or(0), previous: previous.size });
            }
            verify_consistency(previous.size, checkpoint.size, &previous.root, &checkpoint.root, &consistency)
                .map_err(|e| VerifyError::Inconsistent { previous: previous.size, reason: e.to_string() })?;
            Some(previous.size)
        }
    };
    Ok(Verified { checkpoint, signers, start, end, entries, consistent_with, restored })
}
