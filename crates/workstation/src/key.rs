//! The store's encryption key and where it lives.
//!
//! The key is 32 random bytes, used raw by SQLCipher (no passphrase
//! derivation). By default it lives in the OS keychain; a key file or an
//! environment variable can be used instead, but only when configuration says
//! so: there is no silent fallback from one source to another.

use std::fmt;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

/// Length of the raw store key in bytes (256 bits).
pub const KEY_LEN: usize = 32;

/// The raw key of an encrypted store. Its `Debug` output never shows it.
#[derive(Clone)]
pub struct StoreKey(Zeroizing<[u8; KEY_LEN]>);

impl StoreKey {
    /// A fresh key from the operating system's random source.
    pub fn generate() -> Result<Self, KeyError> {
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        getrandom::fill(bytes.as_mut()).map_err(|e| KeyError::Random(e.to_string()))?;
        Ok(Self(bytes))
    }

    /// Parses 64 hexadecimal digits; `origin` names where they came from.
    pub fn from_hex(hex_text: &str, origin: &str) -> Result<Self, KeyError> {
        let mut bytes = Zeroizing::new([0u8; KEY_LEN]);
        hex::decode_to_slice(hex_text.trim(), bytes.as_mut())
            .map_err(|_| KeyError::Malformed { origin: origin.to_owned(), expected: KEY_LEN * 2 })?;
        Ok(Self(bytes))
    }

    /// The key as 64 lower-case hexadecimal digits.
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(&self.0[..]))
    }

    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }
}

impl fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StoreKey(<redacted>)")
    }
}

impl PartialEq for StoreKey {
    fn eq(&self, other: &Self) -> bool {
        self.0[..] == other.0[..]
    }
}

/// Where the store key is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeySource {
    /// The OS keychain (Secret Service and the kernel keyring on Linux), under
    /// this service and account name.
    Keychain { service: String, account: String },
    /// A file holding 64 hex digits, readable by its owner only (mode 0600).
    File(PathBuf),
    /// An environment variable holding 64 hex digits. Never created.
    Env(String),
}

/// Keychain service name used unless configuration names another.
pub const DEFAULT_KEYCHAIN_SERVICE: &str = "uw-workstation";
/// Keychain account name of the store key.
pub const KEYCHAIN_ACCOUNT: &str = "store-key";
/// Keychain account name of the device's signing key seed.
pub const DEVICE_KEYCHAIN_ACCOUNT: &str = "device-key";
/// Keychain account name of the underwriter's approval (pack-signing) key seed.
pub const APPROVAL_KEYCHAIN_ACCOUNT: &str = "approval-key";

impl KeySource {
    /// The default: the OS keychain under the product's service name.
    pub fn keychain(service: &str) -> Self {
        Self::Keychain { service: service.to_owned(), account: KEYCHAIN_ACCOUNT.to_owned() }
    }

    /// Where this device's Ed25519 signing key seed is kept, beside the store
    /// key: the keychain account `device-key`, the file `<key file>.device`,
    /// or the variable `<VAR>_DEVICE`.
    pub fn device(&self) -> Self {
        match self {
            Self::Keychain { service, .. } => Self::Keychain { service: service.clone(), account: DEVICE_KEYCHAIN_ACCOUNT.to_owned() },
            Self::File(path) => {
                let mut name = path.file_name().map(std::ffi::OsStr::to_os_string).unwrap_or_default();
                name.push(".device");
                Self::File(path.with_file_name(name))
            }
            Self::Env(var) => Self::Env(format!("{var}_DEVICE")),
        }
    }

    /// Where the underwriter's approval key seed is kept, beside the store
    /// key: the keychain account `approval-key`, the file `<key file>.approval`,
    /// or the variable `<VAR>_APPROVAL`. It signs the packs this user approves.
    pub fn approval(&self) -> Self {
        match self {
            Self::Keychain { service, .. } => Self::Keychain { service: service.clone(), account: APPROVAL_KEYCHAIN_ACCOUNT.to_owned() },
            Self::File(path) => {
                let mut name = path.file_name().map(std::ffi::OsStr::to_os_string).unwrap_or_default();
                name.push(".approval");
                Self::File(path.with_file_name(name))
            }
            Self::Env(var) => Self::Env(format!("{var}_APPROVAL")),
        }
    }

    /// Reads the key. `Ok(None)` means the source holds no key yet.
    pub fn load(&self) -> Result<Option<StoreKey>, KeyError> {
        match self {
            Self::Keychain { service, account } => {
                let entry = keychain_entry(service, account)?;
                match entry.get_password() {
                    Ok(hex_text) => StoreKey::from_hex(&hex_text, &self.to_string()).map(Some),
                    Err(keyring::Error::NoEntry) => Ok(None),
                    Err(e) => Err(KeyError::Keychain { service: service.clone(), message: e.to_string() }),
                }
            }
            Self::File(path) => load_key_file(path),
            Self::Env(var) => match std::env::var(var) {
                Ok(hex_text) => StoreKey::from_hex(&hex_text, &self.to_string()).map(Some),
                Err(std::env::VarError::NotPresent) => Ok(None),
                Err(std::env::VarError::NotUnicode(_)) => Err(KeyError::Malformed { origin: self.to_string(), expected: KEY_LEN * 2 }),
            },
        }
    }

    /// Stores a new key and reads it back, so that a keychain which accepts
    /// writes but keeps nothing (keyring's in-memory mock, a locked
    /// collection) is caught now rather than on the next start.
    pub fn store_new(&self, key: &StoreKey) -> Result<(), KeyError> {
        match self {
            Self::Keychain { service, account } => {
                let entry = keychain_entry(service, account)?;
                entry.set_password(&key.to_hex()).map_err(|e| KeyError::Keychain { service: service.clone(), message: e.to_string() })?;
            }
            Self::File(path) => write_key_file(path, key)?,
            Self::Env(var) => return Err(KeyError::EnvNotWritable { var: var.clone() }),
        }
        match self.load()? {
            Some(read_back) if read_back == *key => Ok(()),
            _ => Err(KeyError::NotPersisted { source_name: self.to_string() }),
        }
    }

    /// Removes the key from its source. Used by tests and by explicit reset.
    pub fn delete(&self) -> Result<(), KeyError> {
        match self {
            Self::Keychain { service, account } => match keychain_entry(service, account)?.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(e) => Err(KeyError::Keychain { service: service.clone(), message: e.to_string() }),
            },
            Self::File(path) => match std::fs::remove_file(path) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(source) => Err(KeyError::Io { path: path.clone(), source }),
            },
            Self::Env(var) => Err(KeyError::EnvNotWritable { var: var.clone() }),
        }
    }
}

impl fmt::Display for KeySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Keychain { service, account } => write!(f, "keychain entry {service}/{account}"),
            Self::File(path) => write!(f, "key file {}", path.display()),
            Self::Env(var) => write!(f, "environment variable {var}"),
        }
    }
}

fn keychain_entry(service: &str, account: &str) -> Result<keyring::Entry, KeyError> {
    keyring::Entry::new(service, account).map_err(|e| KeyError::Keychain { service: service.to_owned(), message: e.to_string() })
}

fn load_key_file(path: &Path) -> Result<Option<StoreKey>, KeyError> {
    let metadata = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => return Err(KeyError::Io { path: path.to_owned(), source }),
    };
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(KeyError::FilePermissions { path: path.to_owned(), mode });
    }
    let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|source| KeyError::Io { path: path.to_owned(), source })?);
    StoreKey::from_hex(&text, &format!("key file {}", path.display())).map(Some)
}

fn write_key_file(path: &Path, key: &StoreKey) -> Result<(), KeyError> {
    let io = |source| KeyError::Io { path: path.to_owned(), source };
    // `create_new` refuses to replace a key someone else wrote meanwhile.
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path).map_err(io)?;
    file.write_all(key.to_hex().as_bytes()).map_err(io)?;
    file.sync_all().map_err(io)
}

/// Why the store key could not be read or kept.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The OS keychain refused or is not running (on Linux: no Secret Service
    /// on the session bus, or the collection is locked).
    #[error("OS keychain unavailable for service `{service}`: {message}; unlock the keychain, or configure a key file with UW_KEY_SOURCE=file:PATH")]
    Keychain { service: String, message: String },
    /// The key text is not 64 hex digits.
    #[error("{origin} does not hold a {expected}-digit hexadecimal key")]
    Malformed { origin: String, expected: usize },
    /// A key file others can read.
    #[error("key file {} has mode {mode:03o}; it must be readable by its owner only (chmod 600)", path.display())]
    FilePermissions { path: PathBuf, mode: u32 },
    /// Reading or writing a key file failed.
    #[error("key file {}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
    /// An environment variable cannot hold a newly generated key.
    #[error("environment variable {var} holds no key, and a key cannot be created there; set it to 64 hex digits")]
    EnvNotWritable { var: String },
    /// The key was written but could not be read back.
    #[error("{source_name} accepted the key but did not keep it; the keychain may be a non-persistent mock")]
    NotPersisted { source_name: String },
    /// The operating system's random source failed.
    #[error("cannot generate a key: {0}")]
    Random(String),
}
