//! Pack digests and detached Ed25519 signatures.
//!
//! The digest is SHA-256 over a canonical form of the pack's files: a domain
//! tag, then for each file in byte order of its name (the signature file
//! excluded) the name, the length and the text with line endings normalised
//! to LF. Any change to any file, or a renamed file, changes the digest.
//!
//! The signature file `SIGNATURE` holds the signer's key id and an Ed25519
//! signature over `uw-rate-pack-v1:` followed by the digest in hex.

use std::collections::BTreeMap;
use std::fmt;

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest as _, Sha256};

use super::PackFiles;

/// File name of a pack's detached signature.
pub const SIGNATURE_FILE: &str = "SIGNATURE";
const SIGNATURE_HEADER: &str = "uw-rate-pack-signature-v1";
const DIGEST_TAG: &[u8] = b"uw-rate-pack-digest-v1\n";
const SIGNED_PREFIX: &str = "uw-rate-pack-v1:";

/// SHA-256 of a pack's canonical form.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PackDigest(pub [u8; 32]);

impl PackDigest {
    /// Lower-case hex, a byte at a time from a table (every rating names
    /// its pack's digest, so this is on the quote path).
    pub fn to_hex(&self) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(64);
        for byte in self.0 {
            out.push(char::from(DIGITS[usize::from(byte >> 4)]));
            out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
        }
        out
    }
}

impl fmt::Display for PackDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for PackDigest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PackDigest({})", self.to_hex())
    }
}

/// Computes the digest of a pack's files.
pub fn digest(files: &PackFiles) -> PackDigest {
    let mut hasher = Sha256::new();
    hasher.update(DIGEST_TAG);
    for (name, text) in files.files.iter().filter(|(name, _)| name.as_str() != SIGNATURE_FILE) {
        let normalized = text.replace("\r\n", "\n");
        hasher.update(name.as_bytes());
        hasher.update(b"\n");
        hasher.update(normalized.len().to_string().as_bytes());
        hasher.update(b"\n");
        hasher.update(normalized.as_bytes());
    }
    PackDigest(hasher.finalize().into())
}

/// Public keys trusted to sign packs, by key id.
#[derive(Debug, Clone, Default)]
pub struct TrustedKeys {
    keys: BTreeMap<String, VerifyingKey>,
}

/// The development signing key's id and public half. Development builds of
/// the desktop trust it; production builds trust only keys an administrator
/// installs.
pub const DEV_KEY_ID: &str = "uw-dev-2026";
const DEV_PUBLIC_KEY_HEX: &str = include_str!("../../../../rate-packs/keys/uw-dev-2026.pub");

impl TrustedKeys {
    pub fn new() -> Self {
        Self::default()
    }

    /// Trusts `key` under `id`.
    pub fn add(&mut self, id: &str, key: VerifyingKey) {
        self.keys.insert(id.to_owned(), key);
    }

    /// Parses a public key given as 64 hex digits and trusts it.
    pub fn add_hex(&mut self, id: &str, hex_text: &str) -> Result<(), String> {
        let bytes: [u8; 32] = hex::decode(hex_text.trim())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| format!("key `{id}` is not 64 hexadecimal digits"))?;
        let key = VerifyingKey::from_bytes(&bytes).map_err(|e| format!("key `{id}` is not an Ed25519 public key: {e}"))?;
        self.add(id, key);
        Ok(())
    }

    /// Only the development key.
    pub fn development() -> Self {
        let mut keys = Self::new();
        keys.add_hex(DEV_KEY_ID, DEV_PUBLIC_KEY_HEX).unwrap_or_else(|e| unreachable!("the bundled development key is valid: {e}"));
        keys
    }

    /// Every trusted key, by id.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &VerifyingKey)> {
        self.keys.iter().map(|(id, key)| (id.as_str(), key))
    }

    pub(crate) fn get(&self, id: &str) -> Option<&VerifyingKey> {
        self.keys.get(id)
    }
}

/// A signing key read from 64 hex digits (the 32-byte Ed25519 seed).
pub fn signing_key_from_hex(hex_text: &str) -> Result<SigningKey, String> {
    let bytes: [u8; 32] = hex::decode(hex_text.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or("a signing key is 64 hexadecimal digits (a 32-byte seed)")?;
    Ok(SigningKey::from_bytes(&bytes))
}

/// The public half of a signing key, as 64 hex digits.
pub fn public_key_hex(key: &SigningKey) -> String {
    hex::encode(key.verifying_key().as_bytes())
}

/// The text of a `SIGNATURE` file for a pack with `digest`.
pub fn sign(digest: &PackDigest, key_id: &str, key: &SigningKey) -> String {
    let message = format!("{SIGNED_PREFIX}{}", digest.to_hex());
    let signature = key.sign(message.as_bytes());
    format!("{SIGNATURE_HEADER}\nkey-id: {key_id}\ndigest: {}\nsignature: {}\n", digest.to_hex(), hex::encode(signature.to_bytes()))
}

/// Checks a `SIGNATURE` file against the digest and the trusted keys, and
/// returns the signer's key id.
pub fn verify(signature_text: &str, digest: &PackDigest, trusted: &TrustedKeys) -> Result<String, String> {
    let mut lines = signature_text.lines();
    if lines.next() != Some(SIGNATURE_HEADER) {
        return Err(format!("line 1: expected `{SIGNATURE_HEADER}`"));
    }
    let mut fields = BTreeMap::new();
    for (i, line) in lines.enumerate() {
        let (k, v) = line.split_once(": ").ok_or_else(|| format!("line {}: expected `name: value`", i + 2))?;
        fields.insert(k, v);
    }
    let field = |name: &str| fields.get(name).copied().ok_or_else(|| format!("no `{name}` line"));
    let key_id = field("key-id")?;
    let signed_digest = field("digest")?;
    if signed_digest != digest.to_hex() {
        return Err(format!(
            "it signs digest {signed_digest}, but the pack's files digest to {digest}; the pack was changed after signing"
        ));
    }
    let bytes: [u8; 64] =
        hex::decode(field("signature")?).ok().and_then(|b| b.try_into().ok()).ok_or("the signature is not 128 hexadecimal digits")?;
    let key = trusted.get(key_id).ok_or_else(|| format!("key `{key_id}` is not trusted"))?;
    let message = format!("{SIGNED_PREFIX}{}", digest.to_hex());
    key.verify(message.as_bytes(), &Signature::from_bytes(&bytes)).map_err(|_| format!("the signature by `{key_id}` does not verify"))?;
    Ok(key_id.to_owned())
}
