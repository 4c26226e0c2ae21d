//! The checkpoint signing key, stored encrypted at rest.
//!
//! Signing keys live in the `signing_key` table, their secrets age-encrypted
//! to the server's key-encryption identity: an age X25519 identity in a file
//! the administrator names explicitly (`key_file` in the configuration). The
//! database alone (or a backup of it) cannot sign. Rotation adds a key and
//! retires the old one; retired keys stay listed, so checkpoints they signed
//! stay verifiable.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use uw_ledger::{CheckpointSigner, NoteSigner, NoteVerifier};
use zeroize::Zeroizing;

use crate::audit::{self, latest_checkpoint, read_tree, AuditError, Mutation};
use crate::storage::{args, Tx};

/// Why the signing key cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read the key-encryption identity {path}: {source}; set key_file to the file `uw-sync-server admin init` wrote")]
    ReadIdentity { path: PathBuf, source: std::io::Error },
    #[error("{path} is not an age X25519 identity (AGE-SECRET-KEY-1…): {message}")]
    BadIdentity { path: PathBuf, message: String },
    #[error("cannot write {path}: {source}")]
    WriteIdentity { path: PathBuf, source: std::io::Error },
    #[error("{path} exists already; refusing to overwrite a key-encryption identity")]
    IdentityExists { path: PathBuf },
    #[error("the server has no active signing key; run `uw-sync-server admin init`")]
    NoKey,
    #[error("signing key {key_id} cannot be decrypted with the identity in {path}: {message}")]
    Decrypt { key_id: String, path: PathBuf, message: String },
    #[error("cannot encrypt the signing key: {0}")]
    Encrypt(String),
    #[error("the random source failed: {0}")]
    Random(String),
    #[error("the organisation is not initialised; run `uw-sync-server admin init`")]
    NoOrganisation,
    /// The database holds less of the audit log than the server has signed:
    /// it was restored from a backup (or replaced by an older copy).
    #[error("the database holds an older audit log than this server signed: its log `{origin}` has {size} entries, but the last checkpoint signed (kept in {witness}) covers {signed}. It was restored from a backup. Nothing was served. Run `uw-sync-server admin restored` with the same database and key-file options to continue the log under a new origin linked to that checkpoint (desktops and auditors are told), then start the server again")]
    RolledBack { origin: String, size: u64, signed: u64, witness: PathBuf },
    /// The database's log and the last checkpoint signed differ at the same size.
    #[error("the database's audit log `{origin}` differs from the last checkpoint this server signed at size {size} (kept in {witness}): it is not the database this server signed for. Nothing was served; restore the right database, or declare a restore with `uw-sync-server admin restored` (same database and key-file options)")]
    Diverged { origin: String, size: u64, witness: PathBuf },
    #[error("cannot keep the last checkpoint in {path}: {source}")]
    Witness { path: PathBuf, source: std::io::Error },
    /// `admin restored` on a database whose log the last checkpoint agrees with.
    #[error("nothing to do: the database's audit log `{origin}` ({size} entries) agrees with the last checkpoint signed ({signed} entries); it was not restored from an older backup")]
    NotRestored { origin: String, size: u64, signed: u64 },
    /// `admin restored` with no record of the last checkpoint signed.
    #[error("no last checkpoint is known for this database (no {witness}); give the last checkpoint an auditor holds with --last-checkpoint FILE")]
    NoWitness { witness: PathBuf },
    #[error(transparent)]
    Audit(#[from] AuditError),
    #[error(transparent)]
    Storage(#[from] crate::storage::StorageError),
}

impl From<KeyError> for crate::error::ApiError {
    fn from(error: KeyError) -> Self {
        Self::internal(error)
    }
}

/// The key-encryption identity, read from its file.
pub struct KeyEncryption {
    path: PathBuf,
    identity: age::x25519::Identity,
}

impl std::fmt::Debug for KeyEncryption {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyEncryption").field("path", &self.path).finish_non_exhaustive()
    }
}

impl KeyEncryption {
    /// Where the last checkpoint this server signed is kept, outside the
    /// database: beside the key-encryption identity, which a database backup
    /// does not hold either.
    pub fn witness_path(&self) -> PathBuf {
        let mut name = self.path.file_name().map(std::ffi::OsString::from).unwrap_or_default();
        name.push(".checkpoint");
        self.path.with_file_name(name)
    }

    /// Reads the identity at `path`.
    pub fn load(path: &Path) -> Result<Self, KeyError> {
        let text =
            Zeroizing::new(std::fs::read_to_string(path).map_err(|source| KeyError::ReadIdentity { path: path.to_owned(), source })?);
        let line = text.lines().find(|l| l.starts_with("AGE-SECRET-KEY-")).unwrap_or_default();
        let identity: age::x25519::Identity =
            line.parse().map_err(|e: &str| KeyError::BadIdentity { path: path.to_owned(), message: e.to_owned() })?;
        Ok(Self { path: path.to_owned(), identity })
    }

    /// Creates a new identity file (mode 0600), refusing to overwrite one.
    pub fn create(path: &Path) -> Result<Self, KeyError> {
        use age::secrecy::ExposeSecret as _;
        use std::os::unix::fs::OpenOptionsExt as _;
        let identity = age::x25519::Identity::generate();
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path).map_err(|source| {
            if source.kind() == std::io::ErrorKind::AlreadyExists {
                KeyError::IdentityExists { path: path.to_owned() }
            } else {
                KeyError::WriteIdentity { path: path.to_owned(), source }
            }
        })?;
        let text = Zeroizing::new(format!(
            "# uw-sync-server key-encryption identity; public key: {}\n{}\n",
            identity.to_public(),
            identity.to_string().expose_secret()
        ));
        file.write_all(text.as_bytes())
            .and_then(|()| file.sync_all())
            .map_err(|source| KeyError::WriteIdentity { path: path.to_owned(), source })?;
        Ok(Self { path: path.to_owned(), identity })
    }

    /// `secret` age-encrypted to this identity.
    pub(crate) fn encrypt(&self, secret: &[u8]) -> Result<Vec<u8>, KeyError> {
        let recipient = self.identity.to_public();
        let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
            .map_err(|e| KeyError::Encrypt(e.to_string()))?;
        let mut out = Vec::new();
        let mut writer = encryptor.wrap_output(&mut out).map_err(|e| KeyError::Encrypt(e.to_string()))?;
        writer.write_all(secret).map_err(|e| KeyError::Encrypt(e.to_string()))?;
        writer.finish().map_err(|e| KeyError::Encrypt(e.to_string()))?;
        Ok(out)
    }

    /// The secret `bytes` hold, age-encrypted to this identity by [`Self::encrypt`].
    pub(crate) fn decrypt_secret(&self, key_id: &str, bytes: &[u8]) -> Result<Zeroizing<Vec<u8>>, KeyError> {
        let fail = |message: String| KeyError::Decrypt { key_id: key_id.to_owned(), path: self.path.clone(), message };
        let decryptor = age::Decryptor::new(bytes).map_err(|e| fail(e.to_string()))?;
        let mut reader = decryptor.decrypt(std::iter::once(&self.identity as &dyn age::Identity)).map_err(|e| fail(e.to_string()))?;
        let mut plain = Zeroizing::new(Vec::new());
        reader.read_to_end(&mut plain).map_err(|e| fail(e.to_string()))?;
        Ok(plain)
    }

    fn decrypt(&self, key_id: &str, bytes: &[u8]) -> Result<SigningKey, KeyError> {
        let fail = |message: String| KeyError::Decrypt { key_id: key_id.to_owned(), path: self.path.clone(), message };
        let plain = self.decrypt_secret(key_id, bytes)?;
        let seed: [u8; 32] = plain.as_slice().try_into().map_err(|_| fail("the secret is not 32 bytes".into()))?;
        Ok(SigningKey::from_bytes(&seed))
    }
}

/// The name of the checkpoint signing keys: the organisation's first log
/// origin, which a restore does not change, so verifier keys stay valid.
pub async fn key_name(tx: &mut dyn Tx) -> Result<String, KeyError> {
    let row = tx.fetch_optional("SELECT log_origin FROM organisation WHERE singleton = 1", args![]).await?;
    Ok(row.ok_or(KeyError::NoOrganisation)?.text(0)?)
}

/// The log's current origin line: the first origin, or the origin the log
/// went on under after the latest restore.
pub async fn origin(tx: &mut dyn Tx) -> Result<String, KeyError> {
    let restored = tx.fetch_optional("SELECT new_origin FROM log_restore ORDER BY restored_at DESC LIMIT 1", args![]).await?;
    match restored {
        Some(row) => Ok(row.text(0)?),
        None => key_name(tx).await,
    }
}

/// The restores the log went through, oldest first, as export links.
pub async fn restore_links(tx: &mut dyn Tx) -> Result<Vec<uw_ledger::export::RestoreLink>, KeyError> {
    let rows = tx.fetch("SELECT old_note, restored_size FROM log_restore ORDER BY restored_at", args![]).await?;
    rows.iter()
        .map(|r| {
            Ok(uw_ledger::export::RestoreLink {
                note: r.text(0)?,
                restored_size: u64::try_from(r.int(1)?).map_err(|_| KeyError::Encrypt("negative restored size".into()))?,
            })
        })
        .collect()
}

/// The last checkpoint this server signed, from the witness file.
pub fn read_witness(path: &Path) -> Result<Option<(String, uw_ledger::Checkpoint)>, KeyError> {
    let note = match std::fs::read_to_string(path) {
        Ok(note) => note,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(KeyError::Witness { path: path.to_owned(), source }),
    };
    let body = note.split("\n\n").next().unwrap_or_default().to_owned() + "\n";
    let checkpoint = uw_ledger::Checkpoint::parse(&body)
        .map_err(|e| KeyError::Witness { path: path.to_owned(), source: std::io::Error::other(e.to_string()) })?;
    Ok(Some((note, checkpoint)))
}

/// Keeps `note` as the last checkpoint signed, unless the witness already
/// holds a later one of the same origin: written to a temporary file,
/// flushed and renamed, so a crash leaves the old witness or the new.
pub fn write_witness(path: &Path, note: &str, checkpoint: &uw_ledger::Checkpoint) -> Result<(), KeyError> {
    // One writer at a time in this process (the periodic task, the API and
    // exports all sign), each through its own temporary file.
    static WRITING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _writing = WRITING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((_, held)) = read_witness(path)? {
        if held.origin == checkpoint.origin && held.size >= checkpoint.size {
            return Ok(());
        }
    }
    let fail = |source| KeyError::Witness { path: path.to_owned(), source };
    let mut unique = [0u8; 8];
    getrandom::fill(&mut unique).map_err(|e| KeyError::Random(e.to_string()))?;
    let staged = path.with_extension(format!("checkpoint.{}.tmp", hex::encode(unique)));
    {
        use std::io::Write as _;
        let mut file = std::fs::File::create(&staged).map_err(fail)?;
        file.write_all(note.as_bytes()).map_err(fail)?;
        file.sync_all().map_err(fail)?;
    }
    std::fs::rename(&staged, path).map_err(fail)
}

/// Checks, before serving, that the database holds the log this server
/// signed: a log shorter than the last checkpoint signed, or different at
/// its size, means the database was restored or replaced, and the server
/// must not sign anything that forks from what auditors already hold.
pub async fn check_witness(tx: &mut dyn Tx, encryption: &KeyEncryption) -> Result<(), KeyError> {
    let witness = encryption.witness_path();
    let Some((_, signed)) = read_witness(&witness)? else { return Ok(()) };
    let origin = origin(tx).await?;
    let size = audit::log_size(tx).await?;
    if signed.origin != origin {
        // The witness of an origin this log left after a restore is old news.
        let left = tx.fetch_optional("SELECT 1 FROM log_restore WHERE old_origin = $1", args![signed.origin.as_str()]).await?;
        if left.is_some() {
            return Ok(());
        }
        return Err(KeyError::Diverged { origin, size: signed.size, witness });
    }
    if size < signed.size {
        return Err(KeyError::RolledBack { origin, size, signed: signed.size, witness });
    }
    let root = read_tree(tx, size, |tree| tree.root(signed.size), audit::missing_node, |e| e.to_string())
        .await
        .map_err(|e| KeyError::Audit(AuditError::Sign(e.to_string())))?;
    if root != signed.root {
        return Err(KeyError::Diverged { origin, size: signed.size, witness });
    }
    Ok(())
}

/// Declares the database restored from a backup: the log goes on under a
/// new origin whose first entry links the old origin's last checkpoint
/// (`last`, the witness or an auditor's copy), and the server gets a new
/// instance id. Signs the new origin's first checkpoint.
pub async fn declare_restored(
    m: &mut Mutation,
    encryption: &KeyEncryption,
    actor: &audit::Actor,
    last: (&str, &uw_ledger::Checkpoint),
) -> Result<Restore, KeyError> {
    let (last_note, last) = last;
    let old_origin = origin(&mut *m.tx).await?;
    let size = m.log_size();
    if last.origin != old_origin {
        return Err(KeyError::Diverged { origin: old_origin, size: last.size, witness: encryption.witness_path() });
    }
    if size >= last.size {
        let root = read_tree(&mut *m.tx, size, |tree| tree.root(last.size), audit::missing_node, |e| e.to_string())
            .await
            .map_err(|e| KeyError::Audit(AuditError::Sign(e.to_string())))?;
        if root == last.root {
            return Err(KeyError::NotRestored { origin: old_origin, size, signed: last.size });
        }
        return Err(KeyError::Diverged { origin: old_origin, size: last.size, witness: encryption.witness_path() });
    }
    let base = key_name(&mut *m.tx).await?;
    let count = m.tx.fetch_one("SELECT COUNT(*) FROM log_restore", args![]).await?.int(0)?;
    let new_origin = format!("{base}/restored-{}", count + 1);
    let old_instance = crate::storage::instance_id(&mut *m.tx).await?;
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| KeyError::Random(e.to_string()))?;
    let new_instance = hex::encode(bytes);
    m.tx.execute("UPDATE server_instance SET instance_id = $1 WHERE singleton = 1", args![new_instance.as_str()]).await?;
    // Every number the server hands out writes an audit entry, so the lost
    // entries bound what the lost part of the log may have handed out: no
    // device number or policy number below that is given out again.
    let lost = i64::try_from(last.size - size).unwrap_or(i64::MAX);
    let highest_device = m.tx.fetch_one("SELECT COALESCE(MAX(device_number), 0) FROM device", args![]).await?.int(0)?;
    m.tx.execute("UPDATE policy_number_next SET next = next + $1", args![lost]).await?;
    m.tx.execute(
        "INSERT INTO log_restore (new_origin, old_origin, old_note, old_size, restored_size, old_instance_id, new_instance_id,
                                  device_number_floor, restored_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        args![
            new_origin.as_str(),
            old_origin.as_str(),
            last_note,
            i64::try_from(last.size).unwrap_or(i64::MAX),
            i64::try_from(size).unwrap_or(i64::MAX),
            old_instance.as_str(),
            new_instance.as_str(),
            highest_device.saturating_add(lost),
            unix_ms(m.now)
        ],
    )
    .await?;
    let change = serde_json::json!({
        "old_origin": old_origin, "old_checkpoint_size": last.size, "old_checkpoint_root": hex::encode(last.root),
        "restored_size": size, "new_origin": new_origin, "old_instance_id": old_instance, "new_instance_id": new_instance,
    });
    m.audit(actor, "log.restored", ("log", &new_origin), &change, None).await?;
    let (note, checkpoint) = sign_checkpoint(m, encryption).await?;
    Ok(Restore { old_origin, new_origin, kept: size, note, checkpoint })
}

/// What [`declare_restored`] did.
#[derive(Debug)]
pub struct Restore {
    pub old_origin: String,
    pub new_origin: String,
    /// The entries the restored database kept.
    pub kept: u64,
    /// The new origin's first signed checkpoint.
    pub note: String,
    pub checkpoint: uw_ledger::Checkpoint,
}

/// Generates a signing key and makes it the active one, retiring the
/// previous; returns the new key's id.
pub async fn add_signing_key(m: &mut Mutation, encryption: &KeyEncryption, actor: &audit::Actor) -> Result<String, KeyError> {
    let mut seed = Zeroizing::new([0u8; 32]);
    getrandom::fill(seed.as_mut()).map_err(|e| KeyError::Random(e.to_string()))?;
    let key = SigningKey::from_bytes(&seed);
    let name = key_name(&mut *m.tx).await?;
    let verifier = NoteSigner::new(&name, key.clone()).map_err(|e| KeyError::Encrypt(e.to_string()))?.verifier();
    let key_id = verifier.to_string();
    let at = unix_ms(m.now);
    m.tx.execute("UPDATE signing_key SET retired_at = $1 WHERE retired_at IS NULL", args![at]).await?;
    m.tx.execute(
        "INSERT INTO signing_key (key_id, public_key, encrypted_secret, created_at) VALUES ($1, $2, $3, $4)",
        args![key_id.as_str(), key.verifying_key().as_bytes(), encryption.encrypt(seed.as_ref())?, at],
    )
    .await?;
    m.audit(actor, "key.rotate", ("signing-key", &short_id(&key_id)), &serde_json::json!({ "verifier": key_id }), None).await?;
    Ok(key_id)
}

/// The key id of a verifier `name+keyid+base64key`. The base64 key may
/// itself hold `+` (and `++`), so the id is counted from the left.
fn short_id(verifier: &str) -> String {
    verifier.split('+').nth(1).filter(|id| !id.is_empty()).unwrap_or("key").to_owned()
}

/// Every checkpoint verifier key, current and retired.
pub async fn verifiers(tx: &mut dyn Tx) -> Result<Vec<String>, KeyError> {
    let rows = tx.fetch("SELECT key_id FROM signing_key ORDER BY created_at", args![]).await?;
    rows.iter().map(|r| r.text(0).map_err(KeyError::from)).collect()
}

/// Parsed verifiers, for checking checkpoints.
pub async fn note_verifiers(tx: &mut dyn Tx) -> Result<Vec<NoteVerifier>, KeyError> {
    verifiers(tx)
        .await?
        .iter()
        .map(|v| NoteVerifier::parse(v).map_err(|e| KeyError::Decrypt { key_id: v.clone(), path: PathBuf::new(), message: e.to_string() }))
        .collect()
}

async fn active_signer(tx: &mut dyn Tx, encryption: &KeyEncryption) -> Result<NoteSigner, KeyError> {
    let row = tx
        .fetch_optional("SELECT key_id, encrypted_secret FROM signing_key WHERE retired_at IS NULL", args![])
        .await?
        .ok_or(KeyError::NoKey)?;
    let key_id = row.text(0)?;
    let key = encryption.decrypt(&key_id, &row.bytes(1)?)?;
    NoteSigner::new(&key_name(tx).await?, key).map_err(|e| KeyError::Encrypt(e.to_string()))
}

/// Checks the active key decrypts, so a misconfigured server fails at start.
pub async fn check_signing_key(tx: &mut dyn Tx, encryption: &KeyEncryption) -> Result<String, KeyError> {
    Ok(active_signer(tx, encryption).await?.verifier().to_string())
}

/// Signs a checkpoint of the log as it is now (or returns the latest one if
/// the log has not grown). Holds the log head, so no append interleaves, and
/// proves the new checkpoint consistent with the last before signing.
pub async fn sign_checkpoint(m: &mut Mutation, encryption: &KeyEncryption) -> Result<(String, uw_ledger::Checkpoint), KeyError> {
    m.flush().await?;
    // Whoever asks (the periodic task, an export, the command line), nothing
    // is signed that forks from the last checkpoint this server signed.
    check_witness(&mut *m.tx, encryption).await?;
    let size = m.log_size();
    let last = latest_checkpoint(&mut *m.tx).await?;
    if let Some((note, checkpoint)) = &last {
        if checkpoint.size == size {
            return Ok((note.clone(), checkpoint.clone()));
        }
    }
    let signer = active_signer(&mut *m.tx, encryption).await?;
    let key_id = signer.verifier().to_string();
    let origin = origin(&mut *m.tx).await?;
    let mut checkpoint_signer = CheckpointSigner::new(&origin, signer, last.map(|(_, c)| c));
    let note = read_tree(
        &mut *m.tx,
        size,
        |tree| checkpoint_signer.sign(tree),
        |e| match e {
            uw_ledger::SignError::Tree(t) => audit::missing_node(t),
            _ => None,
        },
        |e| e.to_string(),
    )
    .await
    .map_err(|e| KeyError::Audit(AuditError::Sign(e.to_string())))?;
    let checkpoint = checkpoint_signer.last().cloned().ok_or(KeyError::NoKey)?;
    m.tx.execute(
        "INSERT INTO checkpoint (size, root, note, key_id, signed_at) VALUES ($1, $2, $3, $4, $5)",
        args![i64::try_from(size).unwrap_or(i64::MAX), &checkpoint.root, note.as_str(), key_id, unix_ms(m.now)],
    )
    .await?;
    Ok((note, checkpoint))
}

/// RFC 3339 text.
pub fn rfc3339(t: time::OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}

/// RFC 3339 text of a stored time (Unix milliseconds).
pub fn rfc3339_ms(ms: i64) -> Result<String, crate::error::ApiError> {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).map(rfc3339).map_err(crate::error::ApiError::internal)
}

/// Milliseconds since the Unix epoch: how the server stores times.
pub fn unix_ms(t: time::OffsetDateTime) -> i64 {
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod short_id_tests {
    /// Regression: a checkpoint key whose base64 held `++` gave an empty
    /// resource id, and `admin init` failed about once in a few dozen runs.
    #[test]
    fn the_key_id_is_found_when_the_base64_key_holds_plus_signs() {
        assert_eq!(super::short_id("org/uw-audit-log+1a2b3c4d+AQ++Cd/+Ef+="), "1a2b3c4d");
        assert_eq!(super::short_id("org/uw-audit-log+1a2b3c4d+AQCdEf="), "1a2b3c4d");
    }
}
