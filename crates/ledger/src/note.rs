//! C2SP signed notes (c2sp.org/signed-note) with Ed25519 signatures, and
//! tlog checkpoints (c2sp.org/tlog-checkpoint) carried in them.
//!
//! A note is text ending in a newline, a blank line, then signature lines
//! `— <key name> <base64(key id || signature)>`. The key id is the first four
//! bytes of SHA-256(name || 0x0A || 0x01 || public key). Verifier keys travel
//! as `<name>+<hex key id>+<base64(0x01 || public key)>`. A note verifies when
//! at least one signature from a known key verifies; signatures from unknown
//! keys are ignored, and a bad signature from a known key rejects the note.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::merkle::Hash;

/// Ed25519's signature type byte in signed notes.
const ED25519: u8 = 0x01;
const SIG_PREFIX: &str = "\u{2014} ";
/// Notes with more signatures are refused, as Go's `note.Open` does.
const MAX_SIGNATURES: usize = 100;

/// Why a note or key is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("malformed note: {0}")]
    Malformed(&'static str),
    #[error("malformed verifier key: {0}")]
    BadKey(&'static str),
    #[error("the signature by {name} (key id {key_id:08x}) does not verify")]
    BadSignature { name: String, key_id: u32 },
    #[error("no signature from a known key")]
    NoKnownSignature,
    #[error("malformed checkpoint: {0}")]
    Checkpoint(&'static str),
}

/// The key id of an Ed25519 key under `name`.
pub fn key_id(name: &str, key: &VerifyingKey) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', ED25519]);
    h.update(key.as_bytes());
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

fn valid_name(name: &str) -> bool {
    !name.is_empty() && !name.contains('+') && !name.chars().any(char::is_whitespace)
}

/// A public key that verifies notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteVerifier {
    pub name: String,
    pub key_id: u32,
    pub key: VerifyingKey,
}

impl NoteVerifier {
    pub fn new(name: &str, key: VerifyingKey) -> Result<Self, NoteError> {
        if !valid_name(name) {
            return Err(NoteError::BadKey("a key name is non-empty, without spaces or '+'"));
        }
        Ok(Self { name: name.to_owned(), key_id: key_id(name, &key), key })
    }

    /// Parses `<name>+<hex key id>+<base64(0x01 || key)>`, checking the id.
    pub fn parse(text: &str) -> Result<Self, NoteError> {
        let mut parts = text.trim().splitn(3, '+');
        let (Some(name), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(NoteError::BadKey("expected <name>+<hex key id>+<base64 key>"));
        };
        let id = u32::from_str_radix(id, 16).map_err(|_| NoteError::BadKey("the key id is not 8 hex digits"))?;
        let bytes = B64.decode(key).map_err(|_| NoteError::BadKey("the key is not base64"))?;
        let (&kind, raw) = bytes.split_first().ok_or(NoteError::BadKey("the key is empty"))?;
        if kind != ED25519 {
            return Err(NoteError::BadKey("only Ed25519 keys (type 0x01) are supported"));
        }
        let raw: [u8; 32] = raw.try_into().map_err(|_| NoteError::BadKey("an Ed25519 key is 32 bytes"))?;
        let key = VerifyingKey::from_bytes(&raw).map_err(|_| NoteError::BadKey("not an Ed25519 public key"))?;
        let verifier = Self::new(name, key)?;
        if verifier.key_id != id {
            return Err(NoteError::BadKey("the key id does not match the name and key"));
        }
        Ok(verifier)
    }
}

impl std::fmt::Display for NoteVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut bytes = vec![ED25519];
        bytes.extend_from_slice(self.key.as_bytes());
        write!(f, "{}+{:08x}+{}", self.name, self.key_id, B64.encode(bytes))
    }
}

/// A key that signs notes.
#[derive(Debug, Clone)]
pub struct NoteSigner {
    name: String,
    key: SigningKey,
}

impl NoteSigner {
    pub fn new(name: &str, key: SigningKey) -> Result<Self, NoteError> {
        if !valid_name(name) {
            return Err(NoteError::BadKey("a key name is non-empty, without spaces or '+'"));
        }
        Ok(Self { name: name.to_owned(), key })
    }

    pub fn verifier(&self) -> NoteVerifier {
        NoteVerifier { name: self.name.clone(), key_id: key_id(&self.name, &self.key.verifying_key()), key: self.key.verifying_key() }
    }

    /// Signs `text` (which must end in a newline and contain no blank line)
    /// and returns the whole note.
    pub fn sign(&self, text: &str) -> Result<String, NoteError> {
        check_text(text)?;
        let signature = self.key.sign(text.as_bytes());
        let mut blob = self.verifier().key_id.to_be_bytes().to_vec();
        blob.extend_from_slice(&signature.to_bytes());
        Ok(format!("{text}\n{SIG_PREFIX}{} {}\n", self.name, B64.encode(blob)))
    }
}

fn check_text(text: &str) -> Result<(), NoteError> {
    if !text.ends_with('\n') {
        return Err(NoteError::Malformed("the text does not end in a newline"));
    }
    if text.contains("\n\n") {
        return Err(NoteError::Malformed("the text contains a blank line"));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(NoteError::Malformed("the text contains a control character"));
    }
    Ok(())
}

/// Opens a note: returns its text and the names of the known keys whose
/// signatures verified.
pub fn open<'a>(note: &'a str, verifiers: &[NoteVerifier]) -> Result<(&'a str, Vec<String>), NoteError> {
    let split = note.rfind("\n\n").ok_or(NoteError::Malformed("no blank line before the signatures"))?;
    let (text, sigs) = (&note[..=split], &note[split + 2..]);
    check_text(text)?;
    if !sigs.ends_with('\n') {
        return Err(NoteError::Malformed("the signatures do not end in a newline"));
    }
    let lines: Vec<&str> = sigs.lines().collect();
    if lines.is_empty() || lines.len() > MAX_SIGNATURES {
        return Err(NoteError::Malformed("a note has 1 to 100 signature lines"));
    }
    let mut good = Vec::new();
    for line in lines {
        let rest = line.strip_prefix(SIG_PREFIX).ok_or(NoteError::Malformed("a signature line starts with an em dash and a space"))?;
        let (name, blob) = rest.split_once(' ').ok_or(NoteError::Malformed("a signature line is `— <name> <base64>`"))?;
        let blob = B64.decode(blob).map_err(|_| NoteError::Malformed("a signature is not base64"))?;
        if blob.len() < 5 || !valid_name(name) {
            return Err(NoteError::Malformed("a signature line is `— <name> <base64>`"));
        }
        let id = u32::from_be_bytes([blob[0], blob[1], blob[2], blob[3]]);
        let Some(v) = verifiers.iter().find(|v| v.name == name && v.key_id == id) else { continue };
        let sig: [u8; 64] = blob[4..].try_into().map_err(|_| NoteError::BadSignature { name: name.to_owned(), key_id: id })?;
        v.key
            .verify_strict(text.as_bytes(), &Signature::from_bytes(&sig))
            .map_err(|_| NoteError::BadSignature { name: name.to_owned(), key_id: id })?;
        good.push(name.to_owned());
    }
    if good.is_empty() {
        return Err(NoteError::NoKnownSignature);
    }
    Ok((text, good))
}

/// A tlog checkpoint: the log's origin, its size and its root hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
}

impl Checkpoint {
    /// The checkpoint's note text.
    pub fn text(&self) -> String {
        format!("{}\n{}\n{}\n", self.origin, self.size, B64.encode(self.root))
    }

    /// Parses a checkpoint's note text (extension lines are allowed and ignored).
    pub fn parse(text: &str) -> Result<Self, NoteError> {
        let mut lines = text.lines();
        let origin = lines.next().filter(|o| !o.is_empty()).ok_or(NoteError::Checkpoint("no origin line"))?;
        let size = lines.next().ok_or(NoteError::Checkpoint("no size line"))?;
        if size.is_empty() || (size.len() > 1 && size.starts_with('0')) || !size.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NoteError::Checkpoint("the size is not a decimal number without leading zeros"));
        }
        let size = size.parse().map_err(|_| NoteError::Checkpoint("the size does not fit 64 bits"))?;
        let root = lines.next().ok_or(NoteError::Checkpoint("no root hash line"))?;
        let root: Hash = B64
            .decode(root)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or(NoteError::Checkpoint("the root hash is not 32 bytes of base64"))?;
        Ok(Self { origin: origin.to_owned(), size, root })
    }

    /// Opens a signed checkpoint note.
    pub fn open(note: &str, verifiers: &[NoteVerifier]) -> Result<(Self, Vec<String>), NoteError> {
        let (text, signers) = open(note, verifiers)?;
        Ok((Self::parse(text)?, signers))
    }
}
