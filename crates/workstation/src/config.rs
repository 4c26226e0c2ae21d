//! Workstation configuration, read explicitly from the environment.
//!
//! Variables (all optional):
//! - `UW_DATA_DIR`: where the store lives; default: the platform's app-data
//!   directory, supplied by the caller.
//! - `UW_KEY_SOURCE`: `keychain` (default), `file:PATH` or `env:VARIABLE`.
//! - `UW_KEYCHAIN_SERVICE`: the keychain service name; default `uw-workstation`.
//!   Tests set their own so they never touch a real user's entry.

use std::path::PathBuf;

use crate::key::{KeySource, DEFAULT_KEYCHAIN_SERVICE};

/// File name of the encrypted store inside the data directory.
pub const STORE_FILE: &str = "workstation.db";

/// Where the workstation keeps its data and its key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkstationConfig {
    pub data_dir: PathBuf,
    pub key_source: KeySource,
}

impl WorkstationConfig {
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
        Ok(Self { data_dir, key_source })
    }

    /// Reads the configuration from the process environment.
    pub fn from_env(default_data_dir: PathBuf) -> Result<Self, ConfigError> {
        Self::from_lookup(default_data_dir, |name| std::env::var(name).ok())
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
