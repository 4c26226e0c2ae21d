//! Workstation configuration, read explicitly from the environment.
//!
//! Variables (all optional):
//! - `UW_DATA_DIR`: where the store lives; default: the platform's app-data
//!   directory, supplied by the caller.
//! - `UW_KEY_SOURCE`: `keychain` (default), `file:PATH` or `env:VARIABLE`.
//! - `UW_KEYCHAIN_SERVICE`: the keychain service name; default `uw-workstation`.
//!   Tests set their own so they never touch a real user's entry.
//! - `UW_RECOVERY_RECIPIENT`: the organisation's age recovery recipient
//!   (`age1…`). When set, the workstation keeps a recovery copy of its keys,
//!   encrypted to it, beside the store.
//! - `UW_SERVER_CA`: a PEM file with the organisation's certificate
//!   authority. When set, the sync server's certificate must be issued by it
//!   (and not merely by any authority the operating system trusts); the CA in
//!   use at enrollment is kept with the enrollment.
//! - `UW_DOCUMENTS_DIR`: where proposals, policy documents, audit exports and
//!   impact books are kept; default: the caller's (the desktop uses the
//!   user's documents folder).
//! - `UW_SYNC_INTERVAL_SECS`: how often the desktop syncs in the background
//!   while the server answers; default 60, `0` turns background sync off
//!   ("Sync now" always works).

use std::path::PathBuf;
use std::time::Duration;

use crate::key::{KeySource, DEFAULT_KEYCHAIN_SERVICE};

/// File name of the encrypted store inside the data directory.
pub const STORE_FILE: &str = "workstation.db";

/// Where the workstation keeps its data and its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkstationConfig {
    pub data_dir: PathBuf,
    pub key_source: KeySource,
    /// The organisation's age recovery recipient, checked to parse.
    pub recovery_recipient: Option<String>,
    /// The organisation's certificate authority (PEM file) the sync server is pinned to.
    pub server_ca: Option<PathBuf>,
    /// Where documents are written and books read; `None`: the caller's default.
    pub documents_dir: Option<PathBuf>,
    /// How often to sync in the background; `None`: never.
    pub sync_interval: Option<Duration>,
}

/// The background sync's interval unless `UW_SYNC_INTERVAL_SECS` says otherwise.
pub const DEFAULT_SYNC_INTERVAL: Duration = Duration::from_secs(60);

impl WorkstationConfig {
    /// A configuration with no recovery recipient.
    pub fn new(data_dir: PathBuf, key_source: KeySource) -> Self {
        Self {
            data_dir,
            key_source,
            recovery_recipient: None,
            server_ca: None,
            documents_dir: None,
            sync_interval: Some(DEFAULT_SYNC_INTERVAL),
        }
    }

    /// The recovery recipient, parsed.
    pub fn recovery_recipient(&self) -> Result<Option<age::x25519::Recipient>, ConfigError> {
        self.recovery_recipient
            .as_deref()
            .map(|r| {
                r.parse::<age::x25519::Recipient>().map_err(|_| ConfigError::Invalid {
                    var: "UW_RECOVERY_RECIPIENT",
                    value: r.to_owned(),
                    expected: "an age X25519 recipient (age1…)",
                })
            })
            .transpose()
    }

    /// Reads the configuration from `lookup` (normally `std::env::var`),
    /// with `default_data_dir` used when `UW_DATA_DIR` is unset.
    pub fn from_lookup(default_data_dir: PathBuf, lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let data_dir = lookup("UW_DATA_DIR").map_or(default_data_dir, PathBuf::from);
        let service = lookup("UW_KEYCHAIN_SERVICE").unwrap_or_else(|| DEFAULT_KEYCHAIN_SERVICE.to_owned());
        if service.trim().is_empty() {
            return Err(ConfigError::Invalid { var: "UW_KEYCHAIN_SERVICE", value: service, expected: "a non-empty service name" });
        }
        let key_source = match lookup("UW_KEY_SOURCE") {
            None => KeySource::keychain(&service),
            Some(value) => match value.split_once(':') {
                None if value == "keychain" => KeySource::keychain(&service),
                Some(("file", path)) if !path.is_empty() => KeySource::File(PathBuf::from(path)),
                Some(("env", var)) if !var.is_empty() => KeySource::Env(var.to_owned()),
                _ => {
                    return Err(ConfigError::Invalid { var: "UW_KEY_SOURCE", value, expected: "`keychain`, `file:PATH` or `env:VARIABLE`" })
                }
            },
        };
        let config = Self {
            data_dir,
            key_source,
            recovery_recipient: lookup("UW_RECOVERY_RECIPIENT").filter(|r| !r.is_empty()),
            server_ca: lookup("UW_SERVER_CA").filter(|p| !p.is_empty()).map(PathBuf::from),
            documents_dir: lookup("UW_DOCUMENTS_DIR").filter(|d| !d.is_empty()).map(PathBuf::from),
            sync_interval: match lookup("UW_SYNC_INTERVAL_SECS").filter(|v| !v.is_empty()) {
                None => Some(DEFAULT_SYNC_INTERVAL),
                Some(text) => match text.parse::<u64>() {
                    Ok(0) => None,
                    Ok(secs) if secs <= 86_400 => Some(Duration::from_secs(secs)),
                    _ => {
                        return Err(ConfigError::Invalid {
                            var: "UW_SYNC_INTERVAL_SECS",
                            value: text,
                            expected: "seconds between background syncs, 0 (off) to 86400",
                        })
                    }
                },
            },
        };
        config.recovery_recipient()?;
        Ok(config)
    }

    /// Reads the configuration from the process environment.
    pub fn from_env(default_data_dir: PathBuf) -> Result<Self, ConfigError> {
        Self::from_lookup(default_data_dir, |name| std::env::var(name).ok())
    }

    /// The pinned certificate authority's PEM text, checked to hold at least one certificate.
    pub fn server_ca_pem(&self) -> Result<Option<String>, ConfigError> {
        let Some(path) = &self.server_ca else { return Ok(None) };
        let invalid = |expected: &'static str| ConfigError::Invalid { var: "UW_SERVER_CA", value: path.display().to_string(), expected };
        let text =
            std::fs::read_to_string(path).map_err(|_| invalid("a readable PEM file with the organisation's certificate authority"))?;
        if !text.contains("-----BEGIN CERTIFICATE-----") {
            return Err(invalid("a PEM file holding at least one `BEGIN CERTIFICATE` block"));
        }
        Ok(Some(text))
    }

    /// The store's file.
    pub fn store_path(&self) -> PathBuf {
        self.data_dir.join(STORE_FILE)
    }
}

/// A configuration value that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// An environment variable has a value outside what it accepts.
    #[error("{var}=`{value}` is not valid; expected {expected}")]
    Invalid { var: &'static str, value: String, expected: &'static str },
}
