//! Desktop versions: the oldest desktop app this organisation's server syncs
//! with, the one it recommends, and the update packages it hands out.
//!
//! A device whose `uw-desktop-version` is below the minimum (or that does
//! not say) is refused push, pull and wait with `426 desktop.too_old`; it
//! keeps working offline and may still read the versions and download a
//! package. The server stores the vendor's signature with each package and
//! never vouches for it: desktops check it against the key built into the app.

use std::sync::RwLock;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, StatusCode};
use sha2::Digest as _;
use uw_protocol::{DesktopRelease, DesktopVersion, DesktopVersions, DesktopVersionsUpdate, DESKTOP_VERSION_HEADER};

use crate::audit::{Actor, Mutation};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::storage::{args, TxMode};
use crate::AppState;

/// How long a replica trusts the minimum it read (another replica may
/// change it; this one forgets at once when it changes it itself).
const CACHE_FOR: Duration = Duration::from_secs(5);

/// The minimum version as last read, so that a push does not read it.
#[derive(Debug, Default)]
pub struct MinimumCache(RwLock<Option<(Instant, Option<DesktopVersion>)>>);

impl MinimumCache {
    fn forget(&self) {
        *self.0.write().unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }
}

async fn minimum(state: &AppState) -> Result<Option<DesktopVersion>, ApiError> {
    if let Some((read_at, minimum)) = &*state.desktop_minimum.0.read().unwrap_or_else(std::sync::PoisonError::into_inner) {
        if read_at.elapsed() < CACHE_FOR {
            return Ok(minimum.clone());
        }
    }
    let row = state.storage.query_one("SELECT desktop_minimum FROM organisation WHERE singleton = 1", args![]).await?;
    let minimum = row.opt_text(0)?.map(|v| DesktopVersion::parse(&v)).transpose().map_err(ApiError::internal)?;
    *state.desktop_minimum.0.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some((Instant::now(), minimum.clone()));
    Ok(minimum)
}

/// Refuses sync to a device below the organisation's minimum version.
/// Users (consoles) are not desktops' sync and pass.
pub async fn admit(state: &AppState, caller: &Caller, headers: &HeaderMap) -> Result<(), ApiError> {
    if caller.device_id.is_none() {
        return Ok(());
    }
    let Some(minimum) = minimum(state).await? else { return Ok(()) };
    let said = headers.get(DESKTOP_VERSION_HEADER).and_then(|v| v.to_str().ok());
    let running = said.and_then(|v| DesktopVersion::parse(v).ok());
    match running {
        Some(running) if !running.is_below(&minimum) => Ok(()),
        _ => Err(ApiError::new(
            StatusCode::UPGRADE_REQUIRED,
            uw_protocol::codes::DESKTOP_TOO_OLD,
            format!(
                "this desktop app is {}; the organisation's server syncs with version {minimum} or later: install the update, then sync again",
                said.map_or_else(|| "of an unknown version".to_owned(), |v| format!("version {v}"))
            ),
        )),
    }
}

/// The minimum and recommended versions, and the newest package for each platform.
pub async fn versions(state: &AppState) -> Result<DesktopVersions, ApiError> {
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let row = tx.fetch_one("SELECT desktop_minimum, desktop_recommended FROM organisation WHERE singleton = 1", args![]).await?;
    let (minimum, recommended) = (row.opt_text(0)?, row.opt_text(1)?);
    let rows = tx.fetch("SELECT version, platform, size, sha256, signature FROM desktop_release", args![]).await?;
    let mut releases: Vec<(DesktopVersion, DesktopRelease)> = Vec::new();
    for row in rows {
        let release = DesktopRelease {
            version: row.text(0)?,
            platform: row.text(1)?,
            size: u64::try_from(row.int(2)?).unwrap_or(0),
            sha256: row.text(3)?,
            signature: row.text(4)?,
        };
        let version = DesktopVersion::parse(&release.version).map_err(ApiError::internal)?;
        match releases.iter_mut().find(|(_, r)| r.platform == release.platform) {
            Some(newest) if newest.0.is_below(&version) => *newest = (version, release),
            Some(_) => {}
            None => releases.push((version, release)),
        }
    }
    let mut releases: Vec<DesktopRelease> = releases.into_iter().map(|(_, r)| r).collect();
    releases.sort_by(|a, b| a.platform.cmp(&b.platform));
    Ok(DesktopVersions { minimum, recommended, releases })
}

fn parsed(field: &str, text: Option<String>) -> Result<Option<(String, DesktopVersion)>, ApiError> {
    match text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => DesktopVersion::parse(&t)
            .map(|v| Some((v.to_string(), v)))
            .map_err(|e| ApiError::bad_request("desktop.invalid_version", format!("{field}: {e}"))),
    }
}

/// Sets the minimum and recommended versions (an administrator), recorded
/// in the audit log. The recommended version may not be below the minimum.
pub async fn set_versions(
    state: &AppState,
    actor: &Actor,
    update: DesktopVersionsUpdate,
    request_id: &str,
) -> Result<DesktopVersions, ApiError> {
    let minimum = parsed("minimum", update.minimum)?;
    let recommended = parsed("recommended", update.recommended)?;
    if let (Some((m, min)), Some((r, rec))) = (&minimum, &recommended) {
        if rec.is_below(min) {
            return Err(ApiError::bad_request(
                "desktop.invalid_version",
                format!("recommended: {r} is below the minimum {m}; recommend the minimum or a later version"),
            ));
        }
    }
    let (minimum, recommended) = (minimum.map(|(t, _)| t), recommended.map(|(t, _)| t));
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    m.tx.execute(
        "UPDATE organisation SET desktop_minimum = $1, desktop_recommended = $2 WHERE singleton = 1",
        args![minimum.clone(), recommended.clone()],
    )
    .await?;
    let change = serde_json::json!({ "minimum": minimum, "recommended": recommended });
    m.audit(actor, "desktop.versions", ("organisation", "desktop_versions"), &change, None).await?;
    m.commit().await?;
    state.log_grew();
    state.desktop_minimum.forget();
    versions(state).await
}

/// Adds an update package as the vendor signed it (`signature`: base64 of
/// the Ed25519 signature over [`uw_protocol::release_message`]). The server
/// checks the form, not the key: it does not hold the vendor's key.
pub async fn add_release(
    state: &AppState,
    actor: &Actor,
    (version, platform): (&str, &str),
    content: &[u8],
    signature: &str,
    request_id: &str,
) -> Result<DesktopRelease, ApiError> {
    let version = DesktopVersion::parse(version).map_err(|e| ApiError::bad_request("desktop.invalid_version", format!("version: {e}")))?;
    if platform.is_empty() || !platform.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_') {
        return Err(ApiError::bad_request(
            "desktop.invalid_release",
            format!("platform: `{platform}` is not a platform name; use lowercase letters, digits and dashes, such as linux-x86_64-deb"),
        ));
    }
    if content.is_empty() {
        return Err(ApiError::bad_request("desktop.invalid_release", "the package is empty"));
    }
    let decoded = base64::Engine::decode(&base64::engine::general_purpose::STANDARD, signature.trim())
        .ok()
        .filter(|s| s.len() == ed25519_dalek::SIGNATURE_LENGTH)
        .ok_or_else(|| ApiError::bad_request("desktop.invalid_release", "signature: not a base64 Ed25519 signature (64 bytes)"))?;
    let release = DesktopRelease {
        version: version.to_string(),
        platform: platform.to_owned(),
        size: u64::try_from(content.len()).unwrap_or(u64::MAX),
        sha256: hex::encode(sha2::Sha256::digest(content)),
        signature: base64::Engine::encode(&base64::engine::general_purpose::STANDARD, decoded),
    };
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    let exists = m
        .tx
        .fetch_optional("SELECT 1 FROM desktop_release WHERE version = $1 AND platform = $2", args![release.version.as_str(), platform])
        .await?;
    if exists.is_some() {
        return Err(ApiError::conflict(
            "desktop.release_exists",
            format!("a {platform} package of version {} is already held; a release is never replaced", release.version),
        ));
    }
    m.tx.execute(
        "INSERT INTO desktop_release (version, platform, size, sha256, signature, content, added_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        args![
            release.version.as_str(),
            platform,
            i64::try_from(content.len()).unwrap_or(i64::MAX),
            release.sha256.as_str(),
            release.signature.as_str(),
            content,
            crate::keys::unix_ms(m.now)
        ],
    )
    .await?;
    let change = serde_json::json!({ "version": release.version, "platform": platform, "size": release.size, "sha256": release.sha256 });
    m.audit(actor, "desktop.release_added", ("desktop_release", &format!("{}/{platform}", release.version)), &change, None).await?;
    m.commit().await?;
    state.log_grew();
    Ok(release)
}

/// A package's bytes.
pub async fn release_content(state: &AppState, version: &str, platform: &str) -> Result<Vec<u8>, ApiError> {
    let row = state
        .storage
        .query_optional("SELECT content FROM desktop_release WHERE version = $1 AND platform = $2", args![version, platform])
        .await?
        .ok_or_else(|| ApiError::not_found("desktop.release_unknown", format!("no {platform} package of version {version} is held")))?;
    Ok(row.bytes(0)?)
}
