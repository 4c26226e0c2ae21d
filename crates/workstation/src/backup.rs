//! Encrypted backups of the store: a consistent snapshot, age-encrypted to
//! one or more X25519 recipients.
//!
//! The snapshot is `VACUUM INTO`, which SQLCipher writes encrypted with the
//! store's own key, so a backup is protected twice: by age in transit and at
//! rest, and by the store key once decrypted. Restoring decrypts (age
//! authenticates every chunk), opens the copy with the key, runs the full
//! integrity check, and only then replaces the store, by rename.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::key::StoreKey;
use crate::store::{Store, StoreError};

/// Why a backup could not be made, verified or restored.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    #[error("a backup needs at least one recipient")]
    NoRecipients,
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
pub fn create(store: &Store, out: &Path, recipients: &[age::x25519::Recipient]) -> Result<u64, BackupError> {
    if recipients.is_empty() {
        return Err(BackupError::NoRecipients);
    }
    let snapshot = sibling(out, ".snapshot");
    let _ = std::fs::remove_file(&snapshot);
    store.snapshot_into(&snapshot)?;
    let result = (|| {
        let plain = std::fs::read(&snapshot).map_err(io(&snapshot))?;
        let tmp = sibling(out, ".tmp");
        let encryptor = age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
            .map_err(|e| BackupError::Encrypt { path: out.to_owned(), message: e.to_string() })?;
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
fn decrypt_to(backup: &Path, identities: &[age::x25519::Identity], dest: &Path) -> Result<(), BackupError> {
    let bytes = std::fs::read(backup).map_err(io(backup))?;
    let fail = |message: String| BackupError::Decrypt { path: backup.to_owned(), message };
    let decryptor = age::Decryptor::new(&bytes[..]).map_err(|e| fail(e.to_string()))?;
    let mut reader = decryptor.decrypt(identities.iter().map(|i| i as &dyn age::Identity)).map_err(|e| fail(e.to_string()))?;
    let mut plain = Vec::with_capacity(bytes.len());
    reader.read_to_end(&mut plain).map_err(|e| fail(format!("the file was altered ({e})")))?;
    let mut file = std::fs::File::create(dest).map_err(io(dest))?;
    file.write_all(&plain).map_err(io(dest))?;
    file.sync_all().map_err(io(dest))
}

/// Decrypts and checks a backup without touching any store.
pub fn verify(backup: &Path, identities: &[age::x25519::Identity], key: &StoreKey) -> Result<(), BackupError> {
    let dir = tempfile_dir(backup)?;
    let copy = dir.join("verify.db");
    let result = decrypt_to(backup, identities, &copy).and_then(|()| {
        let store = Store::open(&copy, key).map_err(BackupError::Snapshot)?;
        store.check().map_err(BackupError::Snapshot)
    });
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// Restores a backup over `target` after decrypting and checking it; on any
/// failure `target` is left exactly as it was.
pub fn restore(backup: &Path, identities: &[age::x25519::Identity], key: &StoreKey, target: &Path) -> Result<(), BackupError> {
    let staged = sibling(target, ".restore");
    let _ = std::fs::remove_file(&staged);
    let checked = decrypt_to(backup, identities, &staged).and_then(|()| {
        let store = Store::open(&staged, key).map_err(BackupError::Snapshot)?;
        store.check().map_err(BackupError::Snapshot)
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

fn tempfile_dir(near: &Path) -> Result<PathBuf, BackupError> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| BackupError::Io { path: near.to_owned(), source: std::io::Error::other(e.to_string()) })?;
    let dir = std::env::temp_dir().join(format!("uw-backup-verify-{}", hex::encode(bytes)));
    std::fs::create_dir(&dir).map_err(io(&dir))?;
    Ok(dir)
}
