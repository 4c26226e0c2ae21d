/*!
The sync protocol between the desktop and the sync server: versioned wire
types, encoded as JSON with serde, and documented in `docs/sync-protocol.md`.

Every request carries the header [`VERSION_HEADER`] with the protocol version
the client speaks; the server answers an unsupported one with
`426 Upgrade Required` and the code `protocol.unsupported_version`.

**Architecture invariant:** this crate is pure. It knows nothing of HTTP
clients, servers or databases, so the desktop and the server cannot disagree
about the wire format: they compile the same types.

**API boundary:** the types here are the wire format. Renaming a field is a
protocol change and needs a new [`PROTOCOL_VERSION`].
*/

pub mod codes;
mod desktop_release;
mod migration;
pub mod redact;
mod secret;
mod wire;

pub use desktop_release::*;
pub use migration::*;
pub use secret::Secret;
pub use wire::*;

/// The protocol version this build speaks.
pub const PROTOCOL_VERSION: u32 = 1;

/// The oldest protocol version the server still accepts.
pub const OLDEST_SUPPORTED_VERSION: u32 = 1;

/// The request header that states the client's protocol version.
pub const VERSION_HEADER: &str = "uw-protocol-version";

/// The most operations one push may carry: the device sends its outbox in
/// batches of this many; the server refuses a larger push.
pub const MAX_PUSH_OPERATIONS: usize = 500;

/// The most changes one pull page holds: the device asks for this many; the
/// server never returns more (and refuses a device answer that would).
pub const MAX_PULL_CHANGES: usize = 500;

/// Why a client's protocol version is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// The request did not say which version it speaks.
    #[error("the request has no `{VERSION_HEADER}` header; send `{VERSION_HEADER}: {PROTOCOL_VERSION}`")]
    Missing,
    /// The header is not a number.
    #[error("`{VERSION_HEADER}: {0}` is not a protocol version; send `{VERSION_HEADER}: {PROTOCOL_VERSION}`")]
    Malformed(String),
    /// A version this server does not speak.
    #[error("protocol version {given} is not supported; this server speaks versions {OLDEST_SUPPORTED_VERSION} to {PROTOCOL_VERSION}: update the workstation")]
    Unsupported { given: u32 },
}

/// Checks the value of a request's [`VERSION_HEADER`].
pub fn check_version(header: Option<&str>) -> Result<u32, VersionError> {
    let text = header.ok_or(VersionError::Missing)?.trim();
    let given: u32 = text.parse().map_err(|_| VersionError::Malformed(text.to_owned()))?;
    if !(OLDEST_SUPPORTED_VERSION..=PROTOCOL_VERSION).contains(&given) {
        return Err(VersionError::Unsupported { given });
    }
    Ok(given)
}

/// The bytes a device signs for one outbox operation: the tag `uw-outbox-v1`,
/// then the sequence number, the client id, the kind and the payload, one per
/// line. The payload is the exact JSON text the device stored; the server
/// verifies the signature over these bytes before it parses anything.
pub fn signed_message(seq: u64, op_id: &str, kind: &str, payload: &str) -> String {
    format!("uw-outbox-v1\n{seq}\n{op_id}\n{kind}\n{payload}")
}

/// The bytes a device signs when it enrolls, to prove it holds the private
/// half of the key it registers: the tag `uw-device-enroll-v1`, the
/// username and the public key (hex), one per line, as sent.
pub fn enroll_proof_message(username: &str, device_public_key: &str) -> String {
    format!("uw-device-enroll-v1\n{username}\n{device_public_key}")
}

/// What an underwriter's approval key signs to ask for its registration,
/// proving the asker holds its secret half: the tag `uw-approval-key-v1`,
/// the username, the key id and the public key (lower-case hex), one a line.
pub fn approval_key_proof_message(username: &str, key_id: &str, public_key: &str) -> String {
    format!("uw-approval-key-v1\n{username}\n{key_id}\n{public_key}")
}

/// The bytes a device signs to renew its token: the tag
/// `uw-device-token-v1`, the server's instance id, the device id, the
/// challenge and its expiry, one per line. Binding the instance and the
/// device means a signature cannot be replayed to another server or device.
pub fn token_renewal_message(instance_id: &str, device_id: &str, challenge: &str, expires_at: &str) -> String {
    format!("uw-device-token-v1\n{instance_id}\n{device_id}\n{challenge}\n{expires_at}")
}

/// SHA-256 of an operation's signed message: what the server remembers to
/// tell a replay (same content) from a different operation reusing the
/// sequence number.
pub fn content_digest(seq: u64, op_id: &str, kind: &str, payload: &str) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(signed_message(seq, op_id, kind, payload).as_bytes()).into()
}

/// Verifies a device's hex signature over an operation.
pub fn verify_operation(key: &ed25519_dalek::VerifyingKey, op: &PushOp) -> Result<(), SignatureError> {
    let bytes: [u8; 64] = hex::decode(&op.signature).ok().and_then(|b| b.try_into().ok()).ok_or(SignatureError::Malformed)?;
    let signature = ed25519_dalek::Signature::from_bytes(&bytes);
    key.verify_strict(signed_message(op.seq, &op.op_id, &op.kind, &op.payload).as_bytes(), &signature).map_err(|_| SignatureError::Invalid)
}

/// Why an operation's signature was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the signature is not 128 hexadecimal digits")]
    Malformed,
    #[error("the signature does not verify with the device's registered key")]
    Invalid,
}

#[cfg(test)]
mod tests;
