//! Support bundles: one file a field agent sends to support when something
//! goes wrong. It holds the app's and store's versions, the configuration
//! without secrets, counts and sync state from the store, the last sync runs
//! and issues, and the recent log, and no customer's data: every text in it
//! passes through a [`Redactor`] that knows every personal value the store
//! holds and what e-mail addresses, telephone numbers, VINs and licence
//! numbers look like.

use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use time::OffsetDateTime;
use uw_protocol::redact::Redactor;

use crate::{Workstation, WorkstationError};

/// The desktop's log, under its data directory (the app writes it; the
/// previous one is kept as `desktop.log.1`).
pub const LOG_FILE: &str = "logs/desktop.log";

/// The most log lines a bundle carries (the newest).
const LOG_LINES: usize = 2_000;

/// The newest `LOG_LINES` lines of the log and its predecessor.
fn recent_log(data_dir: &Path) -> Vec<String> {
    let current = data_dir.join(LOG_FILE);
    let mut previous = current.clone().into_os_string();
    previous.push(".1");
    let mut lines: Vec<String> = Vec::new();
    for file in [PathBuf::from(previous), current] {
        if let Ok(text) = std::fs::read_to_string(&file) {
            lines.extend(text.lines().map(str::to_owned));
        }
    }
    let skip = lines.len().saturating_sub(LOG_LINES);
    lines.split_off(skip)
}

/// The server's address without anything but scheme, host and port.
fn server_origin(url: &str) -> String {
    reqwest::Url::parse(url).ok().map_or_else(|| "unreadable".to_owned(), |u| u.origin().ascii_serialization())
}

impl Workstation {
    /// The bundle, as JSON.
    pub fn support_bundle(&self, now: OffsetDateTime) -> Result<Value, WorkstationError> {
        let data_dir = self.store.path().parent().map(Path::to_owned).unwrap_or_default();
        let mut redactor = Redactor::new();
        self.store.personal_values(&mut redactor)?;
        let enrollment = self.store.sync_enrollment()?;
        let issues: Vec<Value> = self
            .store
            .sync_issues()?
            .into_iter()
            .take(20)
            .map(|i| {
                json!({ "kind": i.kind, "outcome": i.outcome, "code": i.code, "subject": i.subject, "reason": i.reason, "received_at": i.received_at })
            })
            .collect();
        let mut bundle = json!({
            "bundle": "uw-desktop-support-v1",
            "created_at": crate::quotes::model::instant_text(now),
            "versions": {
                "app": self.app_version,
                "protocol": uw_protocol::PROTOCOL_VERSION,
                "store_schema": crate::MIGRATIONS.len(),
                "packs_installed": self.store.installed_pack_ids()?,
                "update": self.app_update()?,
            },
            "configuration": {
                "enrolled": enrollment.is_some(),
                "server": enrollment.as_ref().map(|e| server_origin(&e.server_url)),
                "server_instance_id": enrollment.as_ref().map(|e| e.server_instance_id.clone()),
                "device_id": enrollment.as_ref().map(|e| e.device_id.clone()),
                "role": enrollment.as_ref().map(|e| e.user.role.name()),
                "organisation_ca_pinned": enrollment.as_ref().is_some_and(|e| e.server_ca.is_some()) || self.server_ca.is_some(),
                "token_expires_at": enrollment.as_ref().map(|e| e.token_expires_at.clone()),
            },
            "store": self.store.support_summary()?,
            "sync_issues": issues,
            "log": recent_log(&data_dir),
        });
        redactor.redact_strings(&mut bundle);
        Ok(bundle)
    }

    /// Writes the bundle under `dir` as `uw-support-<time>.json` and returns
    /// its path.
    pub fn write_support_bundle(&self, dir: &Path, now: OffsetDateTime) -> Result<PathBuf, WorkstationError> {
        let bundle = self.support_bundle(now)?;
        let stamp = format!(
            "{:04}{:02}{:02}-{:02}{:02}{:02}",
            now.year(),
            u8::from(now.month()),
            now.day(),
            now.hour(),
            now.minute(),
            now.second()
        );
        let path = dir.join(format!("uw-support-{stamp}.json"));
        let text = serde_json::to_string_pretty(&bundle)
            .map_err(|e| WorkstationError::DocumentFile { path: path.clone(), source: std::io::Error::other(e) })?;
        std::fs::create_dir_all(dir)
            .and_then(|()| std::fs::write(&path, text))
            .map_err(|source| WorkstationError::DocumentFile { path: path.clone(), source })?;
        tracing::info!(path = %path.display(), "support bundle written");
        Ok(path)
    }
}
