//! Desktop versions and updates.
//!
//! The organisation's server says which desktop versions may sync and which
//! it recommends (`GET /v1/desktop/versions`); a sync reads it first, keeps
//! it for the screens, and stops before sending anything when this app is
//! below the minimum (the server refuses it too: `426 desktop.too_old`).
//! Below the recommended version the app shows a notice.
//!
//! An update package comes from the organisation's server, but only the
//! vendor's release key vouches for it: the package's SHA-256 and an
//! Ed25519 signature over [`uw_protocol::release_message`] are checked
//! against [`ReleaseKeys::built_in`] before a byte reaches the disk. The
//! key is fixed in the app at build time (`UW_RELEASE_PUBLIC_KEY`, hex);
//! a build without one refuses every package (install updates by hand).

use std::path::{Path, PathBuf};

use ed25519_dalek::{Signature, VerifyingKey};
use serde::Serialize;
use sha2::Digest as _;
use uw_protocol::{DesktopRelease, DesktopVersion, DesktopVersions};

use crate::sync::SyncError;
use crate::{Workstation, WorkstationError};

/// The package format this build installs, or `None` where the app cannot
/// hand a package to the system installer.
pub const PLATFORM: Option<&str> = if cfg!(all(target_os = "linux", target_arch = "x86_64")) {
    Some("linux-x86_64-deb")
} else if cfg!(all(target_os = "linux", target_arch = "aarch64")) {
    Some("linux-aarch64-deb")
} else {
    None
};

/// The release keys an update package must be signed with.
#[derive(Debug, Clone, Default)]
pub struct ReleaseKeys(Vec<VerifyingKey>);

impl ReleaseKeys {
    /// The vendor's key fixed in this build (`UW_RELEASE_PUBLIC_KEY` when it
    /// was built); none in a build made without one.
    pub fn built_in() -> Self {
        Self(option_env!("UW_RELEASE_PUBLIC_KEY").and_then(parse_key).into_iter().collect())
    }

    /// Other keys (tests, and carriers who build and sign the app themselves).
    pub fn new(keys: Vec<VerifyingKey>) -> Self {
        Self(keys)
    }

    fn verifies(&self, message: &[u8], signature: &Signature) -> bool {
        self.0.iter().any(|key| key.verify_strict(message, signature).is_ok())
    }
}

fn parse_key(hex_text: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = hex::decode(hex_text.trim()).ok()?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

/// What the screens say about this app's version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
pub struct AppUpdate {
    /// This app's version.
    pub running: String,
    /// The oldest version the server syncs with, as last heard.
    pub minimum: Option<String>,
    /// The version the organisation recommends, as last heard.
    pub recommended: Option<String>,
    /// Below the minimum: sync stops until the app is updated.
    pub sync_refused: bool,
    /// Below the recommended version (or the minimum).
    pub update_recommended: bool,
    /// A newer package for this computer the server holds, if any.
    pub package: Option<String>,
}

impl AppUpdate {
    fn from(running: &str, versions: Option<&DesktopVersions>) -> Self {
        let parsed = DesktopVersion::parse(running).ok();
        let below = |other: Option<&String>| match (&parsed, other.and_then(|o| DesktopVersion::parse(o).ok())) {
            (Some(running), Some(other)) => running.is_below(&other),
            _ => false,
        };
        let minimum = versions.and_then(|v| v.minimum.clone());
        let recommended = versions.and_then(|v| v.recommended.clone());
        let sync_refused = below(minimum.as_ref());
        let package = versions.and_then(|v| newer_package(running, v)).map(|r| r.version.clone());
        Self {
            running: running.to_owned(),
            update_recommended: sync_refused || below(recommended.as_ref()),
            minimum,
            recommended,
            sync_refused,
            package,
        }
    }
}

/// The package for [`PLATFORM`] newer than `running`, if the server holds one.
fn newer_package<'a>(running: &str, versions: &'a DesktopVersions) -> Option<&'a DesktopRelease> {
    let running = DesktopVersion::parse(running).ok()?;
    let platform = PLATFORM?;
    versions
        .releases
        .iter()
        .filter(|r| r.platform == platform)
        .find(|r| DesktopVersion::parse(&r.version).is_ok_and(|v| running.is_below(&v)))
}

/// Signs a package as its publisher (`uw release sign`): the release
/// description a server holds, with the signature in base64.
pub fn sign_package(content: &[u8], version: &str, platform: &str, key: &ed25519_dalek::SigningKey) -> Result<DesktopRelease, String> {
    let version = DesktopVersion::parse(version)?.to_string();
    let sha256 = hex::encode(sha2::Sha256::digest(content));
    let signature = ed25519_dalek::Signer::sign(key, &uw_protocol::release_message(&version, platform, &sha256));
    Ok(DesktopRelease {
        version,
        platform: platform.to_owned(),
        size: u64::try_from(content.len()).unwrap_or(u64::MAX),
        sha256,
        signature: base64::Engine::encode(&base64::engine::general_purpose::STANDARD, signature.to_bytes()),
    })
}

/// Checks a downloaded package against the release the server described
/// and the vendor's keys.
pub fn verify_package(release: &DesktopRelease, bytes: &[u8], keys: &ReleaseKeys) -> Result<(), WorkstationError> {
    let refused = |reason: &str| Err(WorkstationError::UpdateRefused { reason: reason.to_owned() });
    if u64::try_from(bytes.len()).ok() != Some(release.size) || hex::encode(sha2::Sha256::digest(bytes)) != release.sha256 {
        return refused("the download is not the package the organisation's server described (its size or checksum differs)");
    }
    let signature = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, release.signature.trim())
        .ok()
        .and_then(|b| <[u8; 64]>::try_from(b.as_slice()).ok())
        .map(|b| Signature::from_bytes(&b));
    let Some(signature) = signature else {
        return refused("its signature is not a signature");
    };
    if keys.0.is_empty() {
        return refused("this build of the app has no release key to check packages with; install the update your administrator provides");
    }
    if !keys.verifies(&uw_protocol::release_message(&release.version, &release.platform, &release.sha256), &signature) {
        return refused("it is not signed by the app's publisher, so it may have been tampered with");
    }
    Ok(())
}

impl Workstation {
    /// Sets the version this app reports to the server (the desktop app
    /// passes its own; the default is this crate's).
    pub fn set_app_version(&mut self, version: &str) -> Result<(), WorkstationError> {
        DesktopVersion::parse(version).map_err(|message| WorkstationError::InvalidInput { field: "app_version".into(), message })?;
        self.app_version = version.trim().to_owned();
        Ok(())
    }

    /// This app's version against what the server last said.
    pub fn app_update(&self) -> Result<AppUpdate, WorkstationError> {
        Ok(AppUpdate::from(&self.app_version, self.store.desktop_versions()?.as_ref()))
    }

    /// Reads the server's versions at the start of a sync, keeps them, and
    /// refuses to go on below the minimum. A server from before desktop
    /// versions (404) asks nothing.
    pub(crate) fn check_desktop_versions(&mut self, server: &crate::sync::Server) -> Result<(), WorkstationError> {
        let versions = match server.get::<DesktopVersions>("/v1/desktop/versions") {
            Ok(versions) => versions,
            Err(SyncError::Refused { status: 404, .. }) => return Ok(()),
            Err(e) => return Err(e.into()),
        };
        self.store.save_desktop_versions(&versions)?;
        let update = AppUpdate::from(&self.app_version, Some(&versions));
        if update.sync_refused {
            tracing::warn!(running = %update.running, minimum = ?update.minimum, "this app is below the server's minimum version; sync stops");
            return Err(SyncError::DesktopTooOld { running: update.running, minimum: update.minimum }.into());
        }
        Ok(())
    }

    /// Downloads the newer package for this computer from the
    /// organisation's server, checks it against `keys` (the app passes
    /// [`ReleaseKeys::built_in`]) and writes it under `dir`, returning its
    /// path for the system installer. A package that fails a check is
    /// never written.
    pub fn download_update(&mut self, dir: &Path, keys: &ReleaseKeys) -> Result<PathBuf, WorkstationError> {
        let server = self.connect()?;
        let versions: DesktopVersions = server.get("/v1/desktop/versions")?;
        self.store.save_desktop_versions(&versions)?;
        let release = newer_package(&self.app_version, &versions).cloned().ok_or_else(|| WorkstationError::InvalidInput {
            field: "update".into(),
            message: format!("the organisation's server holds no newer package of the app for this computer than {}", self.app_version),
        })?;
        let path = format!("/v1/desktop/releases/{}/{}", release.version, release.platform);
        let bytes = server.get_bytes(&path)?;
        verify_package(&release, &bytes, keys)?;
        let file = dir.join(format!(
            "uw-desktop_{}_{}.{}",
            release.version,
            release.platform,
            release.platform.rsplit('-').next().unwrap_or("pkg")
        ));
        let partial = file.with_extension("partial");
        let write = |p: &Path| std::fs::create_dir_all(dir).and_then(|()| std::fs::write(p, &bytes));
        write(&partial)
            .and_then(|()| std::fs::rename(&partial, &file))
            .map_err(|source| WorkstationError::DocumentFile { path: file.clone(), source })?;
        tracing::info!(version = %release.version, platform = %release.platform, "update package downloaded and verified");
        Ok(file)
    }
}
