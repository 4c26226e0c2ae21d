//! The key recovery copy: the store key and the device key, age-encrypted to
//! the organisation's recovery recipient.
//!
//! The keychain is the only other place these keys exist, so a reinstalled
//! operating system or a wiped login keyring would otherwise make the store
//! unreadable. The copy sits beside the store (`store-key.recovery.age`); only
//! the holder of the organisation's recovery identity can open it. Restoring
//! writes the keys into the configured key source, and only when that source
//! holds no key, so a recovery can never replace a live key.
//!
//! Inside the age file:
//!
//! ```text
//! uw-key-recovery-v1
//! store-key <64 hex digits>
//! device-key <64 hex digits>
//! ```

use std::io::Write as _;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::backup::{self, BackupError, Unlock};
use crate::key::{KeyError, KeySource, StoreKey};

/// File name of the recovery copy inside the data directory.
pub const RECOVERY_FILE: &str = "store-key.recovery.age";
const HEADER: &str = "uw-key-recovery-v1";

/// The keys a recovery copy holds.
#[derive(Debug)]
pub struct RecoveredKeys {
    pub store_key: StoreKey,
    pub device_key: StoreKey,
}

/// Why a recovery copy could not be written, read or restored.
#[derive(Debug, thiserror::Error)]
pub enum RecoveryError {
    #[error(transparent)]
    Age(#[from] BackupError),
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{}: not a key recovery copy ({problem})", path.display())]
    Format { path: PathBuf, problem: String },
    /// The key source already holds a key; recovery never replaces one.
    #[error("{source_name} already holds a key; recovery writes only into an empty key source")]
    KeyExists { source_name: String },
    #[error(transparent)]
    Key(#[from] KeyError),
}

/// Writes the recovery copy to `out` atomically (temporary file, fsync, rename).
pub fn write(out: &Path, keys: &RecoveredKeys, recipient: &age::x25519::Recipient) -> Result<(), RecoveryError> {
    let io = |source| RecoveryError::Io { path: out.to_owned(), source };
    let plain = Zeroizing::new(format!("{HEADER}\nstore-key {}\ndevice-key {}\n", &*keys.store_key.to_hex(), &*keys.device_key.to_hex()));
    let encryptor = age::Encryptor::with_recipients(std::iter::once(recipient as &dyn age::Recipient))
        .map_err(|e| BackupError::Encrypt { path: out.to_owned(), message: e.to_string() })?;
    let mut tmp_name = out.file_name().map(std::ffi::OsStr::to_os_string).unwrap_or_default();
    tmp_name.push(".tmp");
    let tmp = out.with_file_name(tmp_name);
    let file = std::fs::File::create(&tmp).map_err(io)?;
    let mut writer = encryptor.wrap_output(file).map_err(io)?;
    writer.write_all(plain.as_bytes()).map_err(io)?;
    writer.finish().map_err(io)?.sync_all().map_err(io)?;
    std::fs::rename(&tmp, out).map_err(io)
}

/// Decrypts and parses a recovery copy.
pub fn read(file: &Path, identities: Vec<age::x25519::Identity>) -> Result<RecoveredKeys, RecoveryError> {
    let plain = Zeroizing::new(backup::decrypt(file, &Unlock::Identities(identities))?);
    let format = |problem: &str| RecoveryError::Format { path: file.to_owned(), problem: problem.to_owned() };
    let text = std::str::from_utf8(&plain).map_err(|_| format("not text"))?;
    let mut lines = text.lines();
    if lines.next() != Some(HEADER) {
        return Err(format("the first line is not uw-key-recovery-v1"));
    }
    let mut field = |name: &str| -> Result<StoreKey, RecoveryError> {
        let line = lines.next().ok_or_else(|| format(&format!("no {name} line")))?;
        let value =
            line.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')).ok_or_else(|| format(&format!("expected `{name} …`")))?;
        Ok(StoreKey::from_hex(value, &format!("{} {name}", file.display()))?)
    };
    let store_key = field("store-key")?;
    let device_key = field("device-key")?;
    Ok(RecoveredKeys { store_key, device_key })
}

/// Writes recovered keys into `source` (and its device sibling), refusing
/// if either already holds a key.
pub fn restore_into(keys: &RecoveredKeys, source: &KeySource) -> Result<(), RecoveryError> {
    let device = source.device();
    for s in [source, &device] {
        if s.load()?.is_some() {
            return Err(RecoveryError::KeyExists { source_name: s.to_string() });
        }
    }
    source.store_new(&keys.store_key)?;
    device.store_new(&keys.device_key)?;
    Ok(())
}
