//! Desktop versions: the oldest desktop the organisation's server syncs with,
//! the one it recommends, and the update packages it hands out.
//!
//! Every desktop request carries [`DESKTOP_VERSION_HEADER`]. A desktop below
//! the minimum is refused sync with `426` and [`crate::codes::DESKTOP_TOO_OLD`]
//! (it keeps working offline); one below the recommended version shows a
//! notice. An update package is signed by the vendor's release key over
//! [`release_message`]; the desktop checks it against the key built into
//! the app before it hands the package to the system installer.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The request header that states the desktop app's version.
pub const DESKTOP_VERSION_HEADER: &str = "uw-desktop-version";

/// The domain separator of a release signature.
const RELEASE_CONTEXT: &str = "uw-desktop-release-v1";

/// What a release signature signs: the version, the platform and the
/// package's SHA-256, each on its own line after the context.
pub fn release_message(version: &str, platform: &str, sha256_hex: &str) -> Vec<u8> {
    format!("{RELEASE_CONTEXT}\n{version}\n{platform}\n{sha256_hex}\n").into_bytes()
}

/// A desktop version: `MAJOR.MINOR.PATCH` (a pre-release suffix orders
/// before its release, as semantic versioning has it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DesktopVersion {
    numbers: [u64; 3],
    /// `None` for a release, which orders after every pre-release of it.
    pre: Option<Vec<PreRelease>>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum PreRelease {
    Number(u64),
    Text(String),
}

impl DesktopVersion {
    /// Parses `1.4.2` or `1.5.0-rc.1`; the error says what is wrong.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (core, pre) = match text.split_once('-') {
            Some((core, pre)) => (core, Some(pre)),
            None => (text, None),
        };
        let parts: Vec<&str> = core.split('.').collect();
        let bad = || format!("`{text}` is not a version: write MAJOR.MINOR.PATCH, such as 1.4.2");
        if parts.len() != 3 {
            return Err(bad());
        }
        let mut numbers = [0; 3];
        for (slot, part) in numbers.iter_mut().zip(&parts) {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) || (part.len() > 1 && part.starts_with('0')) {
                return Err(bad());
            }
            *slot = part.parse().map_err(|_| bad())?;
        }
        let pre = match pre {
            None => None,
            Some(p) if p.is_empty() || p.split('.').any(str::is_empty) => return Err(bad()),
            Some(p) => Some(
                p.split('.')
                    .map(|id| match id.parse() {
                        Ok(n) if id.bytes().all(|b| b.is_ascii_digit()) => PreRelease::Number(n),
                        _ => PreRelease::Text(id.to_owned()),
                    })
                    .collect(),
            ),
        };
        Ok(Self { numbers, pre })
    }

    fn order(&self) -> DesktopVersionOrder<'_> {
        DesktopVersionOrder(self)
    }

    /// Whether this version is older than `other`.
    pub fn is_below(&self, other: &Self) -> bool {
        self.order() < other.order()
    }
}

/// Semantic-versioning order: numbers first; a release after its
/// pre-releases; pre-release identifiers numbers before text.
#[derive(Debug, PartialEq, Eq)]
struct DesktopVersionOrder<'a>(&'a DesktopVersion);

impl Ord for DesktopVersionOrder<'_> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let (a, b) = (self.0, other.0);
        a.numbers.cmp(&b.numbers).then_with(|| match (&a.pre, &b.pre) {
            (None, None) => std::cmp::Ordering::Equal,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (Some(_), None) => std::cmp::Ordering::Less,
            (Some(x), Some(y)) => x.cmp(y),
        })
    }
}

impl PartialOrd for DesktopVersionOrder<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl std::fmt::Display for DesktopVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let [major, minor, patch] = self.numbers;
        write!(f, "{major}.{minor}.{patch}")?;
        if let Some(pre) = &self.pre {
            let ids: Vec<String> = pre
                .iter()
                .map(|id| match id {
                    PreRelease::Number(n) => n.to_string(),
                    PreRelease::Text(t) => t.clone(),
                })
                .collect();
            write!(f, "-{}", ids.join("."))?;
        }
        Ok(())
    }
}

/// `GET /v1/desktop/versions`: what the organisation's server asks of
/// desktops, and the newest package it holds for each platform.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DesktopVersions {
    /// Desktops below this version may not sync; `None` when any may.
    pub minimum: Option<String>,
    /// Desktops below this version are told an update is available.
    pub recommended: Option<String>,
    /// The newest package for each platform.
    #[serde(default)]
    pub releases: Vec<DesktopRelease>,
}

/// An update package the server holds, as the vendor signed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DesktopRelease {
    pub version: String,
    /// Such as `linux-x86_64-deb`.
    pub platform: String,
    pub size: u64,
    /// The package's SHA-256, lowercase hex.
    pub sha256: String,
    /// The vendor's Ed25519 signature over [`release_message`], base64.
    pub signature: String,
}

/// `PUT /v1/admin/desktop-versions`: an administrator sets the minimum and
/// recommended versions (either may be cleared).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DesktopVersionsUpdate {
    pub minimum: Option<String>,
    pub recommended: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::DesktopVersion;

    fn v(text: &str) -> DesktopVersion {
        DesktopVersion::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn versions_order_as_semantic_versioning_says() {
        let ordered =
            ["0.1.0", "0.1.1", "0.2.0-alpha", "0.2.0-alpha.1", "0.2.0-alpha.beta", "0.2.0-rc.2", "0.2.0-rc.10", "0.2.0", "0.10.0", "1.0.0"];
        for pair in ordered.windows(2) {
            assert!(v(pair[0]).is_below(&v(pair[1])), "{} < {}", pair[0], pair[1]);
            assert!(!v(pair[1]).is_below(&v(pair[0])), "{} !< {}", pair[1], pair[0]);
        }
        assert!(!v("1.2.3").is_below(&v("1.2.3")));
        assert_eq!(v("1.5.0-rc.1").to_string(), "1.5.0-rc.1");
    }

    #[test]
    fn a_bad_version_is_named() {
        for bad in ["", "1", "1.2", "1.2.3.4", "01.2.3", "1.x.3", "1.2.3-", "1.2.3-a..b", "v1.2.3"] {
            let e = DesktopVersion::parse(bad).expect_err(bad);
            assert!(e.contains("MAJOR.MINOR.PATCH"), "{e}");
        }
    }
}
