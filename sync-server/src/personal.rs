//! Customers' personal data at rest: field-level envelope encryption.
//!
//! Every personal value of a stored rating input (see [`PERSONAL`]: names,
//! street and city, dates of birth, e-mail, phone, licence numbers, VINs,
//! who signed an election) is replaced by its ciphertext under the data key
//! of the customer the input is about: XChaCha20-Poly1305 with a random
//! nonce, the person and the value's place in the document as associated
//! data, so a ciphertext moved to another field or person does not open.
//! What rating and reporting read without naming anyone (state, ZIP code,
//! vehicles' years, coverages, claims) stays in clear.
//!
//! Each customer's data key is random and stored only wrapped by the
//! vault's active wrapping key; the vault's keys are stored only
//! age-encrypted to the server's key-encryption identity, the key file
//! outside the database (as the checkpoint signing key is). The database, and
//! every backup of it, holds only ciphertext. Rotation
//! ([`Vault::rotate`]) wraps every data key with a new wrapping key without
//! touching the data. Erasing a person destroys their wrapped key: the
//! ciphertext stays where it is (the audit log, which holds only digests,
//! is untouched) and can no longer be read.
//!
//! Exact look-ups still work through keyed hashes (HMAC-SHA-256 under the
//! vault's search key) of a customer's normalised name, and of name and
//! address, which tells the same customer's quotes apart from another's.
//!
//! A sealed document carries its person in [`SEALED_FOR`]; [`Vault::open`]
//! gives back the document the desktop sent.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use chacha20poly1305::aead::{Aead as _, KeyInit as _, Payload};
use chacha20poly1305::XChaCha20Poly1305;
use hmac::Mac as _;
use serde_json::Value;
use zeroize::Zeroizing;

use crate::keys::{KeyEncryption, KeyError};
use crate::storage::{args, StorageError, Tx};

/// The member of a sealed document that names whose data key sealed it.
pub const SEALED_FOR: &str = "sealed_for";

/// How a sealed value starts: version 1 of this format.
const PREFIX: &str = "pd1:";

/// Where personal values are in a rating input (`QuoteInput`: the quote, the
/// contact details and the licences); `*` is every element of an array.
pub const PERSONAL: &[&str] = &[
    "quote/applicant/name",
    "quote/applicant/address/street",
    "quote/applicant/address/city",
    "quote/drivers/*/name",
    "quote/drivers/*/date_of_birth",
    "quote/vehicles/*/vin",
    "quote/dwelling/address/street",
    "quote/dwelling/address/city",
    "quote/elections/*/signed_by",
    "contact/date_of_birth",
    "contact/email",
    "contact/phone",
    "licenses/*/number",
];

/// Why personal data cannot be sealed or opened.
#[derive(Debug, thiserror::Error)]
pub enum PersonalError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The person's data key was destroyed at their request.
    #[error("the personal data of customer {person_id} was erased on request")]
    Erased { person_id: String },
    #[error("the stored document names customer {person_id}, whom the database does not hold")]
    UnknownPerson { person_id: String },
    /// A ciphertext that does not open: altered, moved, or not ours.
    #[error("{path}: the sealed value of customer {person_id} does not open with their data key (altered or moved)")]
    Tampered { person_id: String, path: String },
    #[error("vault key {key_id} is missing")]
    MissingKey { key_id: String },
    #[error("the vault's keys: {0}")]
    Malformed(String),
}

impl From<PersonalError> for crate::error::ApiError {
    fn from(error: PersonalError) -> Self {
        Self::internal(error)
    }
}

type Secret = Arc<Zeroizing<[u8; 32]>>;

/// The vault: seals and opens personal values, with the vault's keys
/// decrypted once per process (by key id: a key's secret never changes).
pub struct Vault {
    keys: Arc<KeyEncryption>,
    secrets: Mutex<HashMap<String, Secret>>,
}

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vault").finish_non_exhaustive()
    }
}

/// A document sealed for one person.
#[derive(Debug, Clone)]
pub struct Sealed {
    pub document: Value,
    pub person_id: String,
}

/// What a rotation did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rotation {
    pub key_id: String,
    pub retired: Vec<String>,
    pub rewrapped: u64,
}

/// The first keys' ids; rotation numbers on (`wrap-2`, …).
const FIRST_WRAP: &str = "wrap-1";
const SEARCH: &str = "search-1";

impl Vault {
    pub fn new(keys: Arc<KeyEncryption>) -> Self {
        Self { keys, secrets: Mutex::new(HashMap::new()) }
    }

    /// Seals the personal values of `input` (a rating input as the desktop
    /// sent it) for `person`: the customer an earlier document of the same
    /// quote or policy was sealed for; None finds (or makes) the customer
    /// by name and address. A document already sealed is returned as it is.
    pub async fn seal(&self, tx: &mut dyn Tx, input: &Value, person: Option<&str>, now: i64) -> Result<Sealed, PersonalError> {
        let mut people = People::default();
        let sealed = self.seal_in(tx, &mut people, input, person, now).await?;
        people.write(tx).await?;
        Ok(sealed)
    }

    /// [`Vault::seal`] among `people`: the customers a group of pushes read
    /// ahead ([`Vault::read_ahead`]); a new customer is kept in `people`
    /// until [`People::write`] writes them all at once.
    pub async fn seal_in(
        &self,
        tx: &mut dyn Tx,
        people: &mut People,
        input: &Value,
        person: Option<&str>,
        now: i64,
    ) -> Result<Sealed, PersonalError> {
        if !input.is_object() {
            return Err(PersonalError::Malformed("a rating input is not a JSON object".into()));
        }
        if let Some(person_id) = sealed_for(input) {
            return Ok(Sealed { document: input.clone(), person_id: person_id.to_owned() });
        }
        let (person_id, key) = match person {
            Some(person_id) => (person_id.to_owned(), self.data_key(tx, people, person_id).await?),
            None => self.person_for(tx, people, input, now).await?,
        };
        let mut document = input.clone();
        for pattern in PERSONAL {
            let mut failed = None;
            visit(&mut document, pattern, &mut |path, value| {
                if value.is_null() || failed.is_some() {
                    return;
                }
                let aad = associated(&person_id, path);
                match encrypt(&key, aad.as_bytes(), value.to_string().as_bytes()) {
                    Ok(bytes) => {
                        *value = Value::String(format!("{PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)));
                    }
                    Err(e) => failed = Some(e),
                }
            });
            if let Some(e) = failed {
                return Err(e);
            }
        }
        if let Some(object) = document.as_object_mut() {
            object.insert(SEALED_FOR.into(), Value::String(person_id.clone()));
        }
        Ok(Sealed { document, person_id })
    }

    /// The document `stored` was sealed from; a document never sealed (kept
    /// before this version, until [`seal_existing`] reaches it) as it is.
    pub async fn open(&self, tx: &mut dyn Tx, stored: &Value) -> Result<Value, PersonalError> {
        self.open_in(tx, &mut People::default(), stored).await
    }

    /// [`Vault::open`] among `people` (see [`Vault::seal_in`]).
    pub async fn open_in(&self, tx: &mut dyn Tx, people: &mut People, stored: &Value) -> Result<Value, PersonalError> {
        let Some(person_id) = sealed_for(stored).map(str::to_owned) else {
            return Ok(stored.clone());
        };
        let key = self.data_key(tx, people, &person_id).await?;
        let mut document = stored.clone();
        if let Some(object) = document.as_object_mut() {
            object.remove(SEALED_FOR);
        }
        for pattern in PERSONAL {
            let mut failed = None;
            visit(&mut document, pattern, &mut |path, value| {
                let Some(text) = value.as_str().and_then(|s| s.strip_prefix(PREFIX)) else {
                    return;
                };
                let tampered = || PersonalError::Tampered { person_id: person_id.clone(), path: path.to_owned() };
                let opened = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(text)
                    .ok()
                    .and_then(|bytes| decrypt(&key, associated(&person_id, path).as_bytes(), &bytes))
                    .and_then(|plain| serde_json::from_slice(&plain).ok());
                match opened {
                    Some(plain) => *value = plain,
                    None => failed = failed.take().or_else(|| Some(tampered())),
                }
            });
            if let Some(e) = failed {
                return Err(e);
            }
        }
        Ok(document)
    }

    /// [`Vault::open`], or for a customer whose data was erased the
    /// document without its personal values (each null), and true.
    pub async fn open_or_redact(&self, tx: &mut dyn Tx, stored: &Value) -> Result<(Value, bool), PersonalError> {
        self.open_or_redact_in(tx, &mut People::default(), stored).await
    }

    /// [`Vault::open_or_redact`] among `people` (see [`Vault::seal_in`]).
    pub async fn open_or_redact_in(&self, tx: &mut dyn Tx, people: &mut People, stored: &Value) -> Result<(Value, bool), PersonalError> {
        match self.open_in(tx, people, stored).await {
            Ok(document) => Ok((document, false)),
            Err(PersonalError::Erased { .. }) => Ok((redacted(stored), true)),
            Err(e) => Err(e),
        }
    }

    /// Seals `plain` (a whole document, such as what a desktop holds of a
    /// customer) with `person_id`'s data key, bound to `label`: erasing
    /// the customer makes it unrecoverable with the rest of their data.
    pub async fn seal_bytes(&self, tx: &mut dyn Tx, person_id: &str, label: &str, plain: &[u8]) -> Result<Vec<u8>, PersonalError> {
        let key = self.data_key(tx, &mut People::default(), person_id).await?;
        encrypt(&key, associated(person_id, label).as_bytes(), plain)
    }

    /// What [`Vault::seal_bytes`] sealed.
    pub async fn open_bytes(&self, tx: &mut dyn Tx, person_id: &str, label: &str, sealed: &[u8]) -> Result<Vec<u8>, PersonalError> {
        let key = self.data_key(tx, &mut People::default(), person_id).await?;
        decrypt(&key, associated(person_id, label).as_bytes(), sealed)
            .ok_or_else(|| PersonalError::Tampered { person_id: person_id.to_owned(), path: label.to_owned() })
    }

    /// Destroys `person_id`'s data key: what was sealed with it stays,
    /// unreadable. False if they were erased already.
    pub async fn erase(&self, tx: &mut dyn Tx, person_id: &str, now: i64) -> Result<bool, PersonalError> {
        let erased = tx
            .execute(
                "UPDATE person SET key_id = NULL, wrapped_key = NULL, erased_at = $2 WHERE person_id = $1 AND erased_at IS NULL",
                args![person_id, now],
            )
            .await?;
        Ok(erased == 1)
    }

    /// [`Vault::open`] of a stored document's text.
    pub async fn open_text(&self, tx: &mut dyn Tx, stored: &str) -> Result<Value, PersonalError> {
        let value: Value = serde_json::from_str(stored).map_err(|e| PersonalError::Malformed(format!("a stored document: {e}")))?;
        self.open(tx, &value).await
    }

    /// The customers whose name is `name` (compared as [`normalised`]).
    pub async fn find_by_name(&self, tx: &mut dyn Tx, name: &str) -> Result<Vec<String>, PersonalError> {
        let hash = self.keyed_hash(tx, &["name", &normalised(name)]).await?;
        let rows =
            tx.fetch("SELECT person_id FROM person WHERE name_hash = $1 AND erased_at IS NULL ORDER BY created_at", args![&hash]).await?;
        Ok(rows.iter().map(|r| r.text(0)).collect::<Result<_, _>>()?)
    }

    /// Wraps every data key with a new wrapping key and retires the old
    /// ones; the sealed data is not touched.
    pub async fn rotate(&self, tx: &mut dyn Tx, now: i64) -> Result<Rotation, PersonalError> {
        let (old_id, _) = self.active_wrap(tx, now).await?;
        let count = tx.fetch_one("SELECT COUNT(*) FROM vault_key WHERE purpose = 'wrap'", args![]).await?.int(0)?;
        let key_id = format!("wrap-{}", count + 1);
        let new = self.create_key(tx, &key_id, "wrap", now).await?;
        let rows = tx.fetch("SELECT person_id, key_id, wrapped_key FROM person WHERE wrapped_key IS NOT NULL", args![]).await?;
        let mut rewrapped = 0u64;
        for row in &rows {
            let person_id = row.text(0)?;
            let wrapping = self.secret(tx, &row.text(1)?).await?;
            let key = unwrap_key(&wrapping, &person_id, &row.bytes(2)?)?;
            let wrapped = wrap_key(&new, &person_id, &key)?;
            tx.execute("UPDATE person SET key_id = $2, wrapped_key = $3 WHERE person_id = $1", args![person_id, key_id.as_str(), wrapped])
                .await?;
            rewrapped += 1;
        }
        let retired = tx
            .fetch("SELECT key_id FROM vault_key WHERE purpose = 'wrap' AND retired_at IS NULL AND key_id <> $1", args![key_id.as_str()])
            .await?
            .iter()
            .map(|r| r.text(0))
            .collect::<Result<Vec<_>, _>>()?;
        tx.execute(
            "UPDATE vault_key SET retired_at = $2 WHERE purpose = 'wrap' AND retired_at IS NULL AND key_id <> $1",
            args![key_id.as_str(), now],
        )
        .await?;
        debug_assert!(retired.contains(&old_id));
        Ok(Rotation { key_id, retired, rewrapped })
    }

    /// The customer `input` is about, made with a new data key if the
    /// database holds nobody of that name and address.
    /// The keyed hash of who `input` is about (their name, street and ZIP
    /// code); None for a nameless document (never valid for rating), which
    /// gets a customer of its own.
    pub async fn identity(&self, tx: &mut dyn Tx, input: &Value) -> Result<Option<[u8; 32]>, PersonalError> {
        let applicant = &input["quote"]["applicant"];
        let name = normalised(applicant["name"].as_str().unwrap_or_default());
        if name.is_empty() {
            return Ok(None);
        }
        let address = &applicant["address"];
        let street = normalised(address["street"].as_str().unwrap_or_default());
        let zip = normalised(address["zip"].as_str().unwrap_or_default());
        Ok(Some(self.keyed_hash(tx, &["person", &name, &street, &zip]).await?))
    }

    /// Reads, in a few statements, the customers of `identities` (see
    /// [`Vault::identity`]) and the customers `person_ids` into `people`.
    pub async fn read_ahead(
        &self,
        tx: &mut dyn Tx,
        people: &mut People,
        identities: &[[u8; 32]],
        person_ids: &[String],
    ) -> Result<(), PersonalError> {
        const KEYS: usize = 200;
        let columns = "SELECT person_id, identity_hash, key_id, wrapped_key FROM person WHERE erased_at IS NULL AND";
        let mut rows = Vec::new();
        people.read.extend(identities.iter().copied());
        for chunk in identities.chunks(KEYS) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!("{columns} identity_hash IN ({})", marks.join(", "));
            rows.extend(tx.fetch(&sql, chunk.iter().map(crate::storage::SqlValue::from).collect()).await?);
        }
        for chunk in person_ids.chunks(KEYS) {
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!("{columns} person_id IN ({})", marks.join(", "));
            rows.extend(tx.fetch(&sql, chunk.iter().map(crate::storage::SqlValue::from).collect()).await?);
        }
        for row in rows {
            let person_id = row.text(0)?;
            let wrapping = self.secret(tx, &row.text(2)?).await?;
            let key = unwrap_key(&wrapping, &person_id, &row.bytes(3)?)?;
            people.by_identity.insert(row.bytes32(1)?, (person_id.clone(), key.clone()));
            people.by_id.insert(person_id, key);
        }
        Ok(())
    }

    /// The customer `input` is about, made with a new data key if the
    /// database holds nobody of that name and address.
    async fn person_for(&self, tx: &mut dyn Tx, people: &mut People, input: &Value, now: i64) -> Result<(String, Secret), PersonalError> {
        let identity = self.identity(tx, input).await?;
        if let Some(identity) = identity {
            if let Some((person_id, key)) = people.by_identity.get(&identity) {
                return Ok((person_id.clone(), key.clone()));
            }
            if !people.read.contains(&identity) {
                people.read.insert(identity);
                self.read_ahead(tx, people, &[identity], &[]).await?;
                if let Some((person_id, key)) = people.by_identity.get(&identity) {
                    return Ok((person_id.clone(), key.clone()));
                }
            }
        }
        let name = normalised(input["quote"]["applicant"]["name"].as_str().unwrap_or_default());
        let name_hash = self.keyed_hash(tx, &["name", &name]).await?;
        let person_id = hex::encode(random::<16>()?);
        let key: Secret = Arc::new(Zeroizing::new(random::<32>()?));
        let (key_id, wrapping) = self.active_wrap(tx, now).await?;
        let wrapped = wrap_key(&wrapping, &person_id, &key)?;
        let hash = match identity {
            Some(identity) => identity,
            None => random::<32>()?,
        };
        people.made.push(args![person_id.as_str(), &hash, &name_hash, key_id.as_str(), wrapped, now]);
        people.by_identity.insert(hash, (person_id.clone(), key.clone()));
        people.by_id.insert(person_id.clone(), key.clone());
        Ok((person_id, key))
    }

    /// A person's data key.
    async fn data_key(&self, tx: &mut dyn Tx, people: &mut People, person_id: &str) -> Result<Secret, PersonalError> {
        if let Some(key) = people.by_id.get(person_id) {
            return Ok(key.clone());
        }
        let row = tx
            .fetch_optional("SELECT key_id, wrapped_key FROM person WHERE person_id = $1", args![person_id])
            .await?
            .ok_or_else(|| PersonalError::UnknownPerson { person_id: person_id.to_owned() })?;
        let (Some(key_id), true) = (row.opt_text(0)?, row.opt_bytes(1)?.is_some()) else {
            return Err(PersonalError::Erased { person_id: person_id.to_owned() });
        };
        let wrapping = self.secret(tx, &key_id).await?;
        let key = unwrap_key(&wrapping, person_id, &row.bytes(1)?)?;
        people.by_id.insert(person_id.to_owned(), key.clone());
        Ok(key)
    }

    /// HMAC-SHA-256 under the search key of `parts`, each ended by a zero byte.
    async fn keyed_hash(&self, tx: &mut dyn Tx, parts: &[&str]) -> Result<[u8; 32], PersonalError> {
        let key = match self.cached(SEARCH) {
            Some(key) => key,
            None => {
                self.ensure_key(tx, SEARCH, "search").await?;
                self.secret(tx, SEARCH).await?
            }
        };
        let mut mac =
            <hmac::Hmac<sha2::Sha256> as hmac::Mac>::new_from_slice(&key[..]).map_err(|e| PersonalError::Malformed(e.to_string()))?;
        for part in parts {
            mac.update(part.as_bytes());
            mac.update(&[0]);
        }
        Ok(mac.finalize().into_bytes().into())
    }

    /// The active wrapping key, made if the vault has none yet.
    async fn active_wrap(&self, tx: &mut dyn Tx, now: i64) -> Result<(String, Secret), PersonalError> {
        let active = "SELECT key_id FROM vault_key WHERE purpose = 'wrap' AND retired_at IS NULL ORDER BY created_at DESC, key_id DESC";
        let key_id = match tx.fetch_optional(active, args![]).await? {
            Some(row) => row.text(0)?,
            None => {
                self.ensure_key_at(tx, FIRST_WRAP, "wrap", now).await?;
                FIRST_WRAP.to_owned()
            }
        };
        let secret = self.secret(tx, &key_id).await?;
        Ok((key_id, secret))
    }

    async fn ensure_key(&self, tx: &mut dyn Tx, key_id: &str, purpose: &str) -> Result<(), PersonalError> {
        let now = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
        self.ensure_key_at(tx, key_id, purpose, now).await
    }

    /// Makes the vault key `key_id` unless it exists (another process may
    /// have made it first: then that one is the key).
    async fn ensure_key_at(&self, tx: &mut dyn Tx, key_id: &str, purpose: &str, now: i64) -> Result<(), PersonalError> {
        if tx.fetch_optional("SELECT 1 FROM vault_key WHERE key_id = $1", args![key_id]).await?.is_none() {
            let secret = Zeroizing::new(random::<32>()?);
            let encrypted = self.keys.encrypt(&secret[..])?;
            tx.execute(
                "INSERT INTO vault_key (key_id, purpose, encrypted_secret, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (key_id) DO NOTHING",
                args![key_id, purpose, encrypted, now],
            )
            .await?;
        }
        Ok(())
    }

    async fn create_key(&self, tx: &mut dyn Tx, key_id: &str, purpose: &str, now: i64) -> Result<Secret, PersonalError> {
        let secret: Secret = Arc::new(Zeroizing::new(random::<32>()?));
        let encrypted = self.keys.encrypt(&secret[..])?;
        tx.execute(
            "INSERT INTO vault_key (key_id, purpose, encrypted_secret, created_at) VALUES ($1, $2, $3, $4)",
            args![key_id, purpose, encrypted, now],
        )
        .await?;
        self.secrets.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(key_id.to_owned(), secret.clone());
        Ok(secret)
    }

    fn cached(&self, key_id: &str) -> Option<Secret> {
        self.secrets.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(key_id).cloned()
    }

    /// A vault key's secret, decrypted with the key-encryption identity.
    async fn secret(&self, tx: &mut dyn Tx, key_id: &str) -> Result<Secret, PersonalError> {
        if let Some(secret) = self.cached(key_id) {
            return Ok(secret);
        }
        let row = tx
            .fetch_optional("SELECT encrypted_secret FROM vault_key WHERE key_id = $1", args![key_id])
            .await?
            .ok_or_else(|| PersonalError::MissingKey { key_id: key_id.to_owned() })?;
        let plain = self.keys.decrypt_secret(key_id, &row.bytes(0)?)?;
        let secret: Secret = Arc::new(Zeroizing::new(
            plain.as_slice().try_into().map_err(|_| PersonalError::Malformed(format!("vault key {key_id} is not 32 bytes")))?,
        ));
        self.secrets.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(key_id.to_owned(), secret.clone());
        Ok(secret)
    }
}

/// [`Vault::rotate`] as one audited mutation.
pub async fn rotate(state: &crate::AppState, actor: &crate::audit::Actor, request_id: &str) -> Result<Rotation, crate::error::ApiError> {
    let mut m = crate::audit::Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    let rotation = state.vault.rotate(&mut *m.tx, crate::keys::unix_ms(m.now)).await?;
    let change = serde_json::json!({ "key_id": rotation.key_id, "retired": rotation.retired, "rewrapped": rotation.rewrapped });
    m.audit(actor, "vault.rotate", ("vault_key", &rotation.key_id), &change, None).await?;
    m.commit().await?;
    state.log_grew();
    Ok(rotation)
}

/// The customers one transaction seals for and opens: read ahead in a few
/// statements, or one at a time on first use; new ones are written by
/// [`People::write`] (before anything that refers to them).
#[derive(Default)]
pub struct People {
    by_identity: HashMap<[u8; 32], (String, Secret)>,
    by_id: HashMap<String, Secret>,
    /// Identities looked for already (found or not).
    read: std::collections::HashSet<[u8; 32]>,
    /// New customers' rows, not yet written.
    made: Vec<Vec<crate::storage::SqlValue>>,
}

impl std::fmt::Debug for People {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("People").field("known", &self.by_id.len()).field("made", &self.made.len()).finish()
    }
}

impl People {
    /// Writes the customers made since the last write.
    pub async fn write(&mut self, tx: &mut dyn Tx) -> Result<(), StorageError> {
        const ROWS: usize = 100;
        let made = std::mem::take(&mut self.made);
        for chunk in made.chunks(ROWS) {
            let sql = crate::audit::multi_row_insert(
                "person (person_id, identity_hash, name_hash, key_id, wrapped_key, created_at)",
                6,
                chunk.len(),
            );
            tx.execute(&sql, chunk.concat()).await?;
        }
        Ok(())
    }
}

/// The person a stored document was sealed for.
pub fn sealed_for(document: &Value) -> Option<&str> {
    document.get(SEALED_FOR).and_then(Value::as_str)
}

/// `stored` with its seal removed and every sealed value null.
fn redacted(stored: &Value) -> Value {
    let mut document = stored.clone();
    if let Some(object) = document.as_object_mut() {
        object.remove(SEALED_FOR);
    }
    for pattern in PERSONAL {
        visit(&mut document, pattern, &mut |_, value| {
            if value.as_str().is_some_and(|s| s.starts_with(PREFIX)) {
                *value = Value::Null;
            }
        });
    }
    document
}

/// A name or address as look-ups compare it: trimmed, lower case, single spaces.
pub fn normalised(text: &str) -> String {
    text.split_whitespace().map(str::to_lowercase).collect::<Vec<_>>().join(" ")
}

/// What a sealed value is bound to: its person and its place.
fn associated(person_id: &str, path: &str) -> String {
    format!("{person_id}/{path}")
}

fn random<const N: usize>() -> Result<[u8; N], PersonalError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| PersonalError::Malformed(format!("the random source failed: {e}")))?;
    Ok(bytes)
}

/// XChaCha20-Poly1305 under `key` with a random nonce, bound to `aad`: the
/// nonce, then the ciphertext and its tag.
fn encrypt(key: &[u8; 32], aad: &[u8], plain: &[u8]) -> Result<Vec<u8>, PersonalError> {
    let nonce = random::<24>()?;
    let sealed = XChaCha20Poly1305::new(key.into())
        .encrypt((&nonce).into(), Payload { msg: plain, aad })
        .map_err(|_| PersonalError::Malformed("encryption failed".into()))?;
    let mut bytes = nonce.to_vec();
    bytes.extend_from_slice(&sealed);
    Ok(bytes)
}

/// What [`encrypt`] sealed; `None` when it does not open (another key or
/// `aad`, or tampered).
fn decrypt(key: &[u8; 32], aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
    if sealed.len() <= 24 {
        return None;
    }
    XChaCha20Poly1305::new(key.into()).decrypt(sealed[..24].into(), Payload { msg: &sealed[24..], aad }).ok()
}

fn wrap_key(wrapping: &[u8; 32], person_id: &str, key: &[u8; 32]) -> Result<Vec<u8>, PersonalError> {
    encrypt(wrapping, person_id.as_bytes(), key)
}

fn unwrap_key(wrapping: &[u8; 32], person_id: &str, wrapped: &[u8]) -> Result<Secret, PersonalError> {
    let bad = || PersonalError::Malformed(format!("the data key of customer {person_id} does not unwrap"));
    let plain = Zeroizing::new(decrypt(wrapping, person_id.as_bytes(), wrapped).ok_or_else(bad)?);
    Ok(Arc::new(Zeroizing::new(plain.as_slice().try_into().map_err(|_| bad())?)))
}

/// Calls `f` with the path and value of every member `pattern` names.
fn visit(document: &mut Value, pattern: &str, f: &mut dyn FnMut(&str, &mut Value)) {
    fn walk(value: &mut Value, parts: &[&str], path: &mut String, f: &mut dyn FnMut(&str, &mut Value)) {
        let Some((first, rest)) = parts.split_first() else {
            f(path, value);
            return;
        };
        let len = path.len();
        if *first == "*" {
            if let Some(items) = value.as_array_mut() {
                for (i, item) in items.iter_mut().enumerate() {
                    path.push_str(&format!("/{i}"));
                    walk(item, rest, path, f);
                    path.truncate(len);
                }
            }
        } else if let Some(member) = value.get_mut(*first) {
            path.push('/');
            path.push_str(first);
            walk(member, rest, path, f);
            path.truncate(len);
        }
    }
    let parts: Vec<&str> = pattern.split('/').collect();
    walk(document, &parts, &mut String::new(), f);
}

/// Seals the rating inputs stored before this version (quote records,
/// policies, renewal offers, referred policy changes), a batch per
/// transaction; returns how many documents it sealed. Run at start-up:
/// idempotent, and a crash in the middle leaves each row sealed or not.
/// Once a pass finds nothing left, a marker (`vault_upgrade`) spares later
/// starts the scan of every stored input: this version seals everything it
/// writes.
pub async fn seal_existing(storage: &dyn crate::storage::Storage, vault: &Vault) -> Result<u64, PersonalError> {
    const BATCH: i64 = 500;
    const UNSEALED: &str = "NOT LIKE '%\"sealed_for\":%'";
    const MARKER: &str = "inputs-sealed";
    if storage.query_optional("SELECT 1 FROM vault_upgrade WHERE step = $1", args![MARKER]).await?.is_some() {
        return Ok(0);
    }
    let mut sealed = 0;
    let now = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    loop {
        let mut tx = storage.begin(crate::storage::TxMode::Write).await?;
        let mut done = 0;
        let quotes =
            tx.fetch(&format!("SELECT quote_number, input FROM quote_record WHERE input {UNSEALED} LIMIT {BATCH}"), args![]).await?;
        for row in &quotes {
            let input: Value = serde_json::from_str(&row.text(1)?).map_err(|e| PersonalError::Malformed(e.to_string()))?;
            let s = vault.seal(&mut *tx, &input, None, now).await?;
            tx.execute(
                "UPDATE quote_record SET input = $2, person_id = $3 WHERE quote_number = $1",
                args![row.text(0)?, s.document.to_string(), s.person_id],
            )
            .await?;
            done += 1;
        }
        // A policy's and its offer's inputs belong to the customer of its quote.
        for (table, key) in [("policy", "policy_number"), ("policy_renewal_offer", "policy_number")] {
            let rows = tx
                .fetch(
                    &format!(
                        "SELECT t.{key}, t.input, q.person_id FROM {table} t
                         JOIN policy p ON p.policy_number = t.policy_number JOIN quote_record q ON q.quote_number = p.quote_number
                         WHERE t.input IS NOT NULL AND t.input {UNSEALED} LIMIT {BATCH}"
                    ),
                    args![],
                )
                .await?;
            for row in &rows {
                let input: Value = serde_json::from_str(&row.text(1)?).map_err(|e| PersonalError::Malformed(e.to_string()))?;
                let s = vault.seal(&mut *tx, &input, row.opt_text(2)?.as_deref(), now).await?;
                tx.execute(&format!("UPDATE {table} SET input = $2 WHERE {key} = $1"), args![row.text(0)?, s.document.to_string()]).await?;
                done += 1;
            }
        }
        let referrals = tx
            .fetch(
                &format!(
                    "SELECT r.referral_id, r.request, q.person_id FROM policy_referral r
                     JOIN policy p ON p.policy_number = r.policy_number JOIN quote_record q ON q.quote_number = p.quote_number
                     WHERE r.request LIKE '%\"input\":{{%' AND r.request {UNSEALED} LIMIT {BATCH}"
                ),
                args![],
            )
            .await?;
        for row in &referrals {
            let mut request: Value = serde_json::from_str(&row.text(1)?).map_err(|e| PersonalError::Malformed(e.to_string()))?;
            if let Some(input) = request.get("input").filter(|i| i.is_object()).cloned() {
                let s = vault.seal(&mut *tx, &input, row.opt_text(2)?.as_deref(), now).await?;
                request["input"] = s.document;
            }
            tx.execute("UPDATE policy_referral SET request = $2 WHERE referral_id = $1", args![row.text(0)?, request.to_string()]).await?;
            done += 1;
        }
        if done == 0 {
            tx.execute("INSERT INTO vault_upgrade (step, done_at) VALUES ($1, $2) ON CONFLICT (step) DO NOTHING", args![MARKER, now])
                .await?;
        }
        tx.commit().await?;
        sealed += done;
        if done == 0 {
            return Ok(sealed);
        }
    }
}
