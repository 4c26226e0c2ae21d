//! Encrypted backups of the store: a consistent snapshot, age-encrypted to
//! one or more X25519 recipients or to a passphrase (age's scrypt recipient,
//! with the work factor pinned at [`PASSPHRASE_WORK_FACTOR`]).
//!
//! The snapshot is `VACUUM INTO`, which SQLCipher writes encrypted with the
//! store's own key, so a backup is protected twice: by age in transit and at
//! rest, and by the store key once decrypted. Restoring decrypts (age
//! authenticates every chunk), opens the copy with the key, runs the full
//! integrity check, and only then replaces the store, by rename.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use age::secrecy::{ExposeSecret, SecretString};

use crate::key::StoreKey;
use crate::store::{Store, StoreError};

/// scrypt work factor for passphrase backups: N = 2^18, about 256 MiB and a
/// second or so to derive. Pinned, rather than age's machine-dependent
/// default, so every laptop writes backups every other laptop can open; a
/// backup asking for more is refused as a denial-of-service attempt.
pub const PASSPHRASE_WORK_FACTOR: u8 = 18;

/// The shortest passphrase a backup accepts.
pub const MIN_PASSPHRASE_CHARS: usize = 12;

/// Who can open a backup.
pub enum Lock {
    /// Any of these X25519 recipients (`age1…`).
    Recipients(Vec<age::x25519::Recipient>),
    /// Whoever knows this passphrase.
    Passphrase(SecretString),
}

/// What opens a backup.
pub enum Unlock {
    Identities(Vec<age::x25519::Identity>),
    Passphrase(SecretString),
}

impl std::fmt::Debug for Lock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Recipients(r) => write!(f, "Lock::Recipients({} recipients)", r.len()),
            Self::Passphrase(_) => f.write_str("Lock::Passphrase([redacted])"),
        }
    }
}

impl std::fmt::Debug for Unlock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Identities(i) => write!(f, "Unlock::Identities({} identities)", i.len()),
            Self::Passphrase(_) => f.write_str("Unlock::Passphrase([redacted])"),
        }
    }
}

impl Lock {
    fn encryptor(&self, out: &Path) -> Result<age::Encryptor, BackupError> {
        let fail = |message: String| BackupError::Encrypt { path: out.to_owned(), message };
        match self {
            Self::Recipients(recipients) if recipients.is_empty() => Err(BackupError::NoRecipients),
            Self::Recipients(recipients) => {
                age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient)).map_err(|e| fail(e.to_string()))
            }
            Self::Passphrase(passphrase) => {
                let chars = passphrase.expose_secret().chars().count();
                if chars < MIN_PASSPHRASE_CHARS {
                    return Err(BackupError::WeakPassphrase { chars });
                }
                let mut recipient = age::scrypt::Recipient::new(passphrase.clone());
                recipient.set_work_factor(PASSPHRASE_WORK_FACTOR);
                age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient)).map_err(|e| fail(e.to_string()))
            }
        }
    }
}

/// Why a backup could not be made, verified or restored.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("a backup needs at least one recipient")]
    NoRecipients,
    #[error("the passphrase has {chars} characters; a backup passphrase needs at least 12")]
    WeakPassphrase { chars: usize },
    #[error("encrypting {}: {message}", path.display())]
    Encrypt { path: PathBuf, message: String },
    /// The backup does not decrypt with these identities, or it was altered.
    #[error("{}: cannot decrypt: {message}; nothing was replaced", path.display())]
    Decrypt { path: PathBuf, message: String },
    /// The decrypted snapshot is not a sound store for this key.
    #[error("the backup's snapshot does not open or check: {0}; nothing was replaced")]
    Snapshot(#[source] StoreError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io { path: path.to_owned(), source }
}

fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().map(std::ffi::OsStr::to_os_string).unwrap_or_default();
    name.push(suffix);
    path.with_file_name(name)
}

/// Writes an age-encrypted snapshot of `store` to `out` (atomically: a
/// temporary file, fsync, rename).
pub fn create(store: &Store, out: &Path, lock: &Lock) -> Result<u64, BackupError> {
    let encryptor = lock.encryptor(out)?;
    let snapshot = sibling(out, ".snapshot");
    let _ = std::fs::remove_file(&snapshot);
    store.snapshot_into(&snapshot)?;
    let result = (|| {
        let plain = std::fs::read(&snapshot).map_err(io(&snapshot))?;
        let tmp = sibling(out, ".tmp");
        let file = std::fs::File::create(&tmp).map_err(io(&tmp))?;
        let mut writer = encryptor.wrap_output(file).map_err(io(&tmp))?;
        writer.write_all(&plain).map_err(io(&tmp))?;
        let file = writer.finish().map_err(io(&tmp))?;
        file.sync_all().map_err(io(&tmp))?;
        std::fs::rename(&tmp, out).map_err(io(out))?;
        Ok(u64::try_from(plain.len()).unwrap_or(u64::MAX))
    })();
    let _ = std::fs::remove_file(&snapshot);
    result
}

/// Decrypts a backup into `dest`.
fn decrypt_to(backup: &Path, unlock: &Unlock, dest: &Path) -> Result<(), BackupError> {
    let plain = decrypt(backup, unlock)?;
    let mut file = std::fs::File::create(dest).map_err(io(dest))?;
    file.write_all(&plain).map_err(io(dest))?;
    file.sync_all().map_err(io(dest))
}

/// Decrypts an age file in memory. age authenticates every 64 KiB chunk, so
/// an altered file fails here.
pub(crate) fn decrypt(backup: &Path, unlock: &Unlock) -> Result<Vec<u8>, BackupError> {
    let bytes = std::fs::read(backup).map_err(io(backup))?;
    let fail = |message: String| BackupError::Decrypt { path: backup.to_owned(), message };
    let decryptor = age::Decryptor::new(&bytes[..]).map_err(|e| fail(e.to_string()))?;
    let mut reader = match unlock {
        Unlock::Identities(identities) => decryptor.decrypt(identities.iter().map(|i| i as &dyn age::Identity)),
        Unlock::Passphrase(passphrase) => {
            let mut identity = age::scrypt::Identity::new(passphrase.clone());
            identity.set_max_work_factor(PASSPHRASE_WORK_FACTOR);
            decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity))
        }
    }
    .map_err(|e| fail(describe(&e)))?;
    let mut plain = Vec::with_capacity(bytes.len());
    reader.read_to_end(&mut plain).map_err(|e| fail(format!("the file was altered ({e})")))?;
    Ok(plain)
}

/// Decrypts and checks a backup without touching any store.
pub fn verify(backup: &Path, unlock: &Unlock, key: &StoreKey) -> Result<(), BackupError> {
    let dir = tempfile_dir(backup)?;
    let copy = dir.join("verify.db");
    let result = decrypt_to(backup, unlock, &copy).and_then(|()| {
        let store = Store::open(&copy, key).map_err(BackupError::Snapshot)?;
        store.check().map_err(BackupError::Snapshot)
    });
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// Restores a backup over `target` after decrypting and checking it; on any
/// failure `target` is left exactly as it was.
pub fn restore(backup: &Path, unlock: &Unlock, key: &StoreKey, target: &Path) -> Result<(), BackupError> {
    let staged = sibling(target, ".restore");
    let _ = std::fs::remove_file(&staged);
    let checked = decrypt_to(backup, unlock, &staged).and_then(|()| {
        let mut store = Store::open(&staged, key).map_err(BackupError::Snapshot)?;
        store.check().map_err(BackupError::Snapshot)?;
        // The next sync learns how far this device really got and renumbers
        // what was made since under numbers the server already holds.
        store.mark_restored(time::OffsetDateTime::now_utc()).map_err(BackupError::Snapshot)
    });
    if let Err(e) = checked {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(sibling(&staged, suffix));
        }
        return Err(e);
    }
    // The old store's WAL and shared memory belong to the old file; a stale
    // WAL must never be replayed onto the restored one.
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(sibling(target, suffix));
        let _ = std::fs::remove_file(sibling(&staged, suffix));
    }
    std::fs::rename(&staged, target).map_err(io(target))
}

/// age 0.12's own `Display` for `ExcessiveWork` subtracts the work factors
/// without checking and panics when the file asks for less than the
/// machine's target; describe that case ourselves.
fn describe(e: &age::DecryptError) -> String {
    match e {
        age::DecryptError::ExcessiveWork { required, .. } => {
            format!("the passphrase stanza demands scrypt work factor {required}; backups use {PASSPHRASE_WORK_FACTOR} and more is refused")
        }
        other => other.to_string(),
    }
}

fn tempfile_dir(near: &Path) -> Result<PathBuf, BackupError> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| BackupError::Io { path: near.to_owned(), source: std::io::Error::other(e.to_string()) })?;
    let dir = std::env::temp_dir().join(format!("uw-backup-verify-{}", hex::encode(bytes)));
    std::fs::create_dir(&dir).map_err(io(&dir))?;
    Ok(dir)
}
