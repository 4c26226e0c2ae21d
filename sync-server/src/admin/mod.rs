//! Administration shared by the command line and the tests: creating the
//! organisation, publishing pack directories and the organisation's
//! underwriting settings.

pub mod cli;

use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::audit::{Actor, Mutation};
use crate::AppState;

/// The actor the administration command line records in the audit log.
pub const CLI_ACTOR: &str = "admin-cli";

pub(crate) fn api(e: crate::error::ApiError) -> anyhow::Error {
    // The operator at the console may read what the API never tells a caller.
    match e.internal_detail() {
        Some(detail) => anyhow::anyhow!("{} ({}): {detail}", e.message, e.code),
        None => anyhow::anyhow!("{} ({})", e.message, e.code),
    }
}

/// Creates the organisation and its first signing key.
pub async fn init(state: &AppState, org: &str) -> anyhow::Result<()> {
    let slug: String = org.to_lowercase().chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).collect();
    let origin = format!("{}/uw-audit-log", slug.trim_matches('-'));
    let mut m = Mutation::begin_at(state.storage.as_ref(), "admin-init", state.clock.now()).await?;
    let inserted =
        m.tx.execute(
            "INSERT INTO organisation (singleton, name, log_origin, created_at) VALUES (1, $1, $2, $3) ON CONFLICT DO NOTHING",
            crate::args![org, origin.as_str(), crate::keys::unix_ms(m.now)],
        )
        .await?;
    anyhow::ensure!(inserted == 1, "the organisation exists already; `admin init` runs once");
    // Administrators and auditors sign in with a second factor from the
    // start (23 NYCRR 500.12); `admin second-factor` changes it.
    for role in [uw_protocol::Role::Admin, uw_protocol::Role::Auditor] {
        m.tx.execute("INSERT INTO second_factor_policy (role) VALUES ($1)", crate::args![role.name()]).await?;
    }
    let actor = Actor::system(CLI_ACTOR);
    let change = serde_json::json!({ "name": org, "origin": origin, "second_factor_roles": ["admin", "auditor"] });
    m.audit(&actor, "organisation.init", ("organisation", &origin), &change, None).await?;
    crate::keys::add_signing_key(&mut m, &state.keys, &actor).await?;
    m.commit().await?;
    Ok(())
}

pub async fn publish_packs(state: &AppState, actor: &Actor, dir: &Path) -> anyhow::Result<Vec<uw_protocol::PackSummary>> {
    let mut published = Vec::new();
    let mut dirs: Vec<PathBuf> = if dir.join("manifest.toml").exists() {
        vec![dir.to_owned()]
    } else {
        std::fs::read_dir(dir)
            .with_context(|| format!("cannot read {}", dir.display()))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.join("manifest.toml").exists() && p.join("SIGNATURE").exists())
            .collect()
    };
    dirs.sort();
    for pack_dir in dirs {
        let mut files = std::collections::BTreeMap::new();
        for entry in std::fs::read_dir(&pack_dir).with_context(|| format!("cannot read {}", pack_dir.display()))? {
            let path = entry?.path();
            if path.is_file() {
                let name = path.file_name().and_then(|n| n.to_str()).context("file name is not UTF-8")?.to_owned();
                files.insert(name, std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?);
            }
        }
        let summary = crate::underwriting::publish_as(state, actor, CLI_ACTOR, uw_protocol::PublishPack { files }, "admin-publish")
            .await
            .map_err(|e| anyhow::anyhow!("{}: {}", pack_dir.display(), api(e)))?;
        published.push(summary);
    }
    Ok(published)
}

/// What a backdating allowance applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BackdateKind {
    /// Binding a new policy.
    NewBusiness,
    /// An agent's mid-term change (underwriters may correct any day of the term).
    Endorsement,
}

impl BackdateKind {
    pub const fn name(self) -> &'static str {
        match self {
            Self::NewBusiness => "new_business",
            Self::Endorsement => "endorsement",
        }
    }
}

/// The most days an allowance may reach back.
pub const MAX_BACKDATE_DAYS: i64 = 366;

/// Lets binds (or agents' endorsements) of `state` and `product` take effect
/// up to `days` before the server's today; 0 takes the allowance away.
pub async fn allow_backdating(
    state: &AppState,
    actor: &Actor,
    (state_code, product): (&str, &str),
    kind: BackdateKind,
    days: i64,
) -> anyhow::Result<()> {
    anyhow::ensure!(
        state_code.len() == 2 && state_code.chars().all(|c| c.is_ascii_uppercase()),
        "state: `{state_code}` is not a two-letter state code such as TX"
    );
    anyhow::ensure!(
        uw_rating::Product::from_name(product).is_some(),
        "product: `{product}` is not a product; use personal-auto or homeowners-ho3"
    );
    anyhow::ensure!((0..=MAX_BACKDATE_DAYS).contains(&days), "days: {days} is outside 0..={MAX_BACKDATE_DAYS}");
    let mut m = Mutation::begin_at(state.storage.as_ref(), "admin-backdating", state.clock.now()).await?;
    m.tx.execute(
        "INSERT INTO backdate_allowance (state, product, kind, days, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (state, product, kind) DO UPDATE SET days = excluded.days, updated_at = excluded.updated_at",
        crate::args![state_code, product, kind.name(), days, crate::keys::unix_ms(m.now)],
    )
    .await?;
    let subject = format!("{state_code}/{product}/{}", kind.name());
    m.audit(actor, "settings.backdating", ("backdate_allowance", &subject), &serde_json::json!({ "days": days }), None).await?;
    m.commit().await?;
    Ok(())
}

/// Turns publishing by an administrator alone (`POST /v1/packs`) on or off.
pub async fn set_direct_publishing(state: &AppState, actor: &Actor, on: bool) -> anyhow::Result<()> {
    let mut m = Mutation::begin_at(state.storage.as_ref(), "admin-settings", state.clock.now()).await?;
    let changed = m.tx.execute("UPDATE organisation SET direct_publishing = $1 WHERE singleton = 1", crate::args![i64::from(on)]).await?;
    anyhow::ensure!(changed == 1, "the organisation is not initialised; run `uw-sync-server admin init`");
    m.audit(actor, "settings.direct_publishing", ("organisation", "direct_publishing"), &serde_json::json!({ "on": on }), None).await?;
    m.commit().await?;
    Ok(())
}
