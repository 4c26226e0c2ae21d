//! The administration command line (`uw-sync-server admin ...`): its
//! commands and what each does to an opened server.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Subcommand;
use uw_protocol::{NewUser, Role, Secret, UserChange};

use super::CLI_ACTOR;
use crate::audit::{Actor, Mutation};
use crate::AppState;

/// Tells whoever started the program what it did, or where the server
/// listens: scripts and tests read these lines.
#[allow(clippy::print_stdout, reason = "the bound address and a command's result are the program's output, read by scripts and tests")]
pub fn announce(line: &str) {
    use std::io::Write as _;
    println!("{line}");
    let _ = std::io::stdout().flush();
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// A policy's whole timeline: every transaction from the bind on, with
    /// its amount, who made it and its audit-log entry.
    Policy {
        policy_number: String,
        /// Print the `PolicyDetail` JSON the API serves instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Create the organisation, the key-encryption identity (if missing), the
    /// first signing key and the first administrator.
    Init {
        /// The organisation's name.
        #[arg(long)]
        org: String,
        /// The first administrator's username.
        #[arg(long)]
        admin: String,
        /// Read the administrator's password from this environment variable
        /// (otherwise one is generated and printed once).
        #[arg(long)]
        password_env: Option<String>,
    },
    /// A demo organisation: one agent, underwriter, admin and auditor
    /// (passwords printed once), the development pack key trusted and the
    /// bundled packs published. Does nothing if the organisation exists.
    Demo {
        /// The directory of rate packs to publish.
        #[arg(long, default_value = "rate-packs")]
        packs: PathBuf,
    },
    /// Users.
    #[command(subcommand)]
    User(UserCommand),
    /// Devices.
    #[command(subcommand)]
    Device(DeviceCommand),
    /// Customers: find one by name, and a data-subject request's export
    /// and erasure.
    #[command(subcommand)]
    Customer(CustomerCommand),
    /// How long records are kept, and applying it (the server also applies
    /// it daily).
    #[command(subcommand)]
    Retention(RetentionCommand),
    /// Single sign-on: the OpenID Connect providers people sign in with.
    #[command(subcommand)]
    Sso(SsoCommand),
    /// Moving a legacy book onto this server in waves: load a book routed
    /// by rules, plan a wave, dry-run it, run it, roll it back, reconcile
    /// it, and find where a policy is (`docs/migration.md`).
    #[command(subcommand)]
    Migration(MigrationCommand),
    /// Write a support bundle: versions, the configuration without secrets,
    /// counts of what the database holds, the audit log's state and, with
    /// --log, the recent log (such as `journalctl -u uw-sync-server
    /// --since -1h`), every customer's personal data taken out.
    SupportBundle {
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        log: Option<PathBuf>,
    },
    /// Desktop app versions: the oldest that may sync and the one
    /// recommended, and the update packages desktops download.
    #[command(subcommand)]
    Desktop(DesktopCommand),
    /// Rotate the checkpoint signing key (old checkpoints stay verifiable).
    RotateKey,
    /// Trust a pack-signing key (hex Ed25519 public key); with --user, as
    /// that underwriter's approval key (the only key their approvals may use).
    TrustPackKey {
        key_id: String,
        public_key: String,
        #[arg(long)]
        user: Option<String>,
    },
    /// Revoke a pack-signing key: its approvals are refused, and packs signed
    /// only by it stop pricing new business here and on every desktop.
    RevokePackKey { key_id: String },
    /// Pack-signing keys, and approval keys underwriters asked to register.
    PackKeys,
    /// Publish every signed rate pack directory under DIR (or DIR itself).
    PublishPacks { dir: PathBuf },
    /// Let an administrator publish a signed pack alone through the API
    /// (`on`), or require every rate change to go through a draft another
    /// underwriter approves (`off`, the default).
    DirectPublishing {
        #[arg(value_parser = ["on", "off"])]
        setting: String,
    },
    /// Set what documents print about the insurer: its legal name, mailing
    /// address, NAIC company code and telephone (desktops pick it up at
    /// their next sync).
    Organisation {
        #[arg(long)]
        legal_name: String,
        #[arg(long)]
        street: String,
        #[arg(long)]
        city: String,
        /// Two-letter state code.
        #[arg(long)]
        state: String,
        #[arg(long)]
        zip: String,
        /// The NAIC company code (five digits).
        #[arg(long)]
        naic: Option<String>,
        #[arg(long)]
        phone: Option<String>,
    },
    /// The roles that must sign in with a second factor (an authenticator
    /// app): a comma-separated list such as `admin,auditor`, or `none`.
    /// Without ROLES, prints them.
    SecondFactor { roles: Option<String> },
    /// Failed sign-ins counted per account, address and account at an
    /// address, and any wait in force.
    Throttles,
    /// Clear the sign-in throttles naming an account, an address, or both.
    ClearThrottles {
        #[arg(long)]
        account: Option<String>,
        #[arg(long)]
        address: Option<String>,
    },
    /// Let binds (or agents' endorsements) of a state and product take
    /// effect up to DAYS before the server's today (the default is none).
    AllowBackdating {
        /// Two-letter state code, e.g. TX.
        state: String,
        /// personal-auto or homeowners-ho3.
        product: String,
        #[arg(long, value_enum, default_value = "new-business")]
        kind: crate::admin::BackdateKind,
        #[arg(long)]
        days: i64,
    },
    /// Wrap every customer's data key with a new wrapping key and retire
    /// the old one (the encrypted personal data is not rewritten).
    RotateDataKeys,
    /// Copy the SQLite database to OUT while the server runs (PostgreSQL: use pg_dump).
    Backup { out: PathBuf },
    /// Sign a checkpoint now and print it.
    Checkpoint,
    /// Declare that this database was restored from a backup: the audit log
    /// goes on under a new origin whose first entry links the last checkpoint
    /// signed before (so auditors holding later checkpoints are told, never
    /// shown a fork), and the server gets a new instance id (desktops carry
    /// on and send again what the backup lacks). The server refuses to start
    /// on a restored database until this is done.
    Restored {
        /// The last checkpoint signed before the restore, when the witness
        /// file beside the key file was lost too (an auditor keeps one).
        #[arg(long)]
        last_checkpoint: Option<PathBuf>,
    },
}

impl AdminCommand {
    /// Whether the command may create the server's key file (the first
    /// `init`, or `demo`); every other command needs the existing one.
    pub fn creates_key(&self) -> bool {
        matches!(self, Self::Init { .. } | Self::Demo { .. })
    }
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user; the password is read from --password-env or generated and printed once.
    Add {
        username: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        password_env: Option<String>,
        /// The agency an agent writes for, as documents print it.
        #[arg(long)]
        agency: Option<String>,
    },
    /// Set the agency a user writes for, as their documents print it; an
    /// empty name removes it.
    Agency {
        username: String,
        agency: String,
    },
    Disable {
        username: String,
    },
    Enable {
        username: String,
    },
    /// Reset a password (revokes the user's tokens).
    Reset {
        username: String,
        #[arg(long)]
        password_env: Option<String>,
    },
    /// Change a role.
    Role {
        username: String,
        role: String,
    },
    /// Remove a user's second factor and recovery codes (a lost phone) and
    /// end their sessions; they set one up again at their next sign-in.
    ResetSecondFactor {
        username: String,
    },
    List,
}

#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// The rules in force.
    List,
    /// Keep KIND (unbound_quote or ended_policy) of STATE (or * for every
    /// state without its own rule) for DAYS.
    Set { kind: String, state: String, days: i64 },
    /// Remove a rule: that kind of record in that state is kept.
    Remove { kind: String, state: String },
    /// Apply the rules now; with --dry-run, report what would go.
    Run {
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Debug, clap::Args)]
pub struct SsoProviderArgs {
    /// The provider's id (lower-case letters, digits, dashes).
    id: String,
    /// The name people see on the sign-in button: "Contoso sign-in".
    #[arg(long)]
    name: String,
    /// The issuer, exactly as the provider's ID tokens name it (https://…).
    #[arg(long)]
    issuer: String,
    /// The client id the provider registered for this server.
    #[arg(long)]
    client_id: String,
    /// A file holding the client secret of a confidential client (kept
    /// encrypted; without it a public client, or the secret stored before).
    #[arg(long)]
    client_secret_file: Option<PathBuf>,
    /// The claim that is a user's username.
    #[arg(long, default_value = "email")]
    username_claim: String,
    /// The claim listing the person's groups or roles.
    #[arg(long, default_value = "groups")]
    roles_claim: String,
    /// VALUE=ROLE: a value of the roles claim that gives a role (first match wins; repeat).
    #[arg(long = "role")]
    roles: Vec<String>,
    /// Create a user at a person's first sign-in (their role from the rules).
    #[arg(long)]
    create_users: bool,
    /// The agency of agents created at first sign-in.
    #[arg(long)]
    agency: Option<String>,
    /// A scope to ask for besides `openid profile email offline_access` (repeat).
    #[arg(long = "scope")]
    scopes: Vec<String>,
    /// A PEM file of the CA that issued the provider's HTTPS certificate,
    /// when the system does not trust it.
    #[arg(long)]
    ca_file: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum DesktopCommand {
    /// Print the minimum and recommended versions and the packages held.
    Versions,
    /// Set the oldest version that may sync (`--minimum`) and the one
    /// desktops are told to install (`--recommended`); an empty value
    /// clears one. Desktops below the minimum stop syncing (they keep
    /// working offline) until they update.
    SetVersions {
        #[arg(long)]
        minimum: Option<String>,
        #[arg(long)]
        recommended: Option<String>,
    },
    /// Hold an update package for desktops to download, with the vendor's
    /// signature file (base64, from `uw release sign`). A release is never
    /// replaced.
    AddRelease {
        package: PathBuf,
        #[arg(long)]
        version: String,
        /// Such as `linux-x86_64-deb`.
        #[arg(long)]
        platform: String,
        #[arg(long)]
        signature: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum MigrationCommand {
    /// Load a canonical book (JSON Lines, from `uw book import`) and route
    /// every policy by a rules file. Loading a later dump again re-routes
    /// the policies still in legacy and lists those changed in legacy after
    /// their migration.
    Load {
        #[arg(long)]
        book: PathBuf,
        #[arg(long)]
        rules: PathBuf,
    },
    /// Plan a wave: the policies the rules send to it, owned by an agent.
    Plan {
        wave: String,
        /// The agent whose policies the migrated ones become.
        #[arg(long)]
        owner: String,
        /// How far, in percent, this system's premium may lie from the
        /// legacy premium and still agree.
        #[arg(long, default_value = "5")]
        tolerance: rust_decimal::Decimal,
        #[arg(long, default_value = "99")]
        min_complete: rust_decimal::Decimal,
        #[arg(long, default_value = "90")]
        min_score: rust_decimal::Decimal,
        #[arg(long, default_value = "95")]
        min_agreement: rust_decimal::Decimal,
        #[arg(long, default_value = "0")]
        max_duplicates: u64,
    },
    /// Re-rate every policy of a planned wave and check its gates; writes
    /// nothing but the report.
    DryRun { wave: String },
    /// Run a wave here to its end (or resume one a crash stopped). A
    /// failing gate stops it before it writes anything.
    Run { wave: String },
    /// Remove what a completed wave created, if none of its policies has
    /// changed since.
    Rollback { wave: String },
    /// A wave's state, counts and last report (JSON).
    Status { wave: String },
    /// Counts and premiums of a wave in the legacy book, the journal, the
    /// server and the audit log (JSON).
    Reconcile { wave: String },
    /// Where a policy is, by its legacy or new number (JSON).
    Where { number: String },
}

#[derive(Debug, Subcommand)]
pub enum SsoCommand {
    /// The providers the server trusts.
    List,
    /// Add or change a provider.
    Set(Box<SsoProviderArgs>),
    /// Remove a provider: its people can no longer sign in.
    Remove { id: String },
    /// Ask the providers now whether their people may still sign in (the
    /// server asks every five minutes); ends those they refuse.
    Check,
}

#[derive(Debug, Subcommand)]
pub enum CustomerCommand {
    /// The customers of an exact name (case and spacing aside), with their
    /// ids, addresses, quotes and policies.
    Find { name: String },
    /// Everything the server holds about a customer, as JSON: their
    /// quotes with their inputs, policies, waiting changes and the audit
    /// entries about them.
    Export {
        customer_id: String,
        /// Write the export here (mode 0600) instead of printing it.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Ask the desktops that may hold a customer's data for it (a
    /// data-subject export): each answers at its next sync, and `customer
    /// export` then includes what they hold.
    RequestExport { customer_id: String },
    /// The latest data-subject requests and where each stands.
    Requests,
    /// Erase a customer's personal data at their request: their data key is
    /// destroyed, so every value sealed with it is unrecoverable; audited;
    /// agents' desktops drop the customer at their next sync.
    Erase {
        customer_id: String,
        /// Why: the request's reference, kept in the audit log.
        #[arg(long)]
        reason: String,
        /// Erase even though the customer holds policies in force (whose
        /// records the law may require keeping): the carrier's decision.
        #[arg(long)]
        include_policies: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum DeviceCommand {
    List,
    Revoke { device_id: String },
}

fn password_from(env: Option<&str>) -> anyhow::Result<(Secret, bool)> {
    match env {
        Some(var) => Ok((Secret::new(std::env::var(var).with_context(|| format!("environment variable {var} is not set"))?), false)),
        None => {
            let mut bytes = [0u8; 12];
            getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("the random source failed: {e}"))?;
            Ok((Secret::new(hex::encode(bytes)), true))
        }
    }
}

fn role(name: &str) -> anyhow::Result<Role> {
    Role::from_name(name).with_context(|| format!("role: `{name}` is not one of agent, underwriter, admin, auditor"))
}

fn json_line(value: &impl serde::Serialize) -> anyhow::Result<String> {
    Ok(serde_json::to_string_pretty(value)?)
}

async fn migration_command(state: &AppState, actor: &Actor, command: MigrationCommand, request_id: &str) -> anyhow::Result<()> {
    use crate::migration;
    match command {
        MigrationCommand::Load { book, rules } => {
            let rules_text = std::fs::read_to_string(&rules).with_context(|| format!("reading {}", rules.display()))?;
            let parsed = uw_policy::Rules::parse(&rules_text, &rules.display().to_string())?;
            let bytes = std::fs::read(&book).with_context(|| format!("reading {}", book.display()))?;
            let sha: String = {
                use sha2::Digest as _;
                sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect()
            };
            let policies = uw_policy::read_book(bytes.as_slice()).map_err(|e| anyhow::anyhow!("{}: {e}", book.display()))?;
            let report =
                migration::load_book(state, actor, (&policies, &sha), (&parsed, &rules_text), request_id).await.map_err(super::api)?;
            announce(&json_line(&report)?);
        }
        MigrationCommand::Plan { wave, owner, tolerance, min_complete, min_score, min_agreement, max_duplicates } => {
            let gates = uw_protocol::WaveGates {
                min_complete_percent: min_complete,
                min_mean_score: min_score,
                min_agreement_percent: min_agreement,
                max_duplicates,
            };
            let status = migration::plan_wave(state, actor, &wave, (&owner, tolerance, &gates), request_id).await.map_err(super::api)?;
            announce(&format!("wave {wave} planned: {} policies", status.policies));
        }
        MigrationCommand::DryRun { wave } => {
            let report = migration::dry_run(state, actor, &wave, request_id).await.map_err(super::api)?;
            announce(&json_line(&report)?);
        }
        MigrationCommand::Run { wave } => {
            let outcome = migration::run_wave(state, actor, &wave, request_id).await.map_err(super::api)?;
            announce(&json_line(&outcome)?);
        }
        MigrationCommand::Rollback { wave } => match migration::rollback(state, actor, &wave, request_id).await.map_err(super::api)? {
            Ok(status) => announce(&format!("wave {wave} rolled back: {} policies removed", status.rolled_back)),
            Err(blocked) => {
                let list: Vec<String> = blocked.iter().map(|b| format!("{} ({}): {}", b.policy_number, b.legacy_number, b.why)).collect();
                anyhow::bail!("wave {wave} cannot roll back; these policies changed after their migration:\n  {}", list.join("\n  "));
            }
        },
        MigrationCommand::Status { wave } => match migration::status(state, &wave).await.map_err(super::api)? {
            Some(status) => announce(&json_line(&status)?),
            None => anyhow::bail!("no wave {wave} is planned"),
        },
        MigrationCommand::Reconcile { wave } => announce(&json_line(&migration::reconcile(state, &wave).await.map_err(super::api)?)?),
        MigrationCommand::Where { number } => match migration::track(state, &number).await.map_err(super::api)? {
            Some(tracked) => announce(&json_line(&tracked)?),
            None => anyhow::bail!("no policy {number} in the legacy books loaded on this server"),
        },
    }
    Ok(())
}

async fn retention_command(state: &AppState, actor: &Actor, command: RetentionCommand, request_id: &str) -> anyhow::Result<()> {
    match command {
        RetentionCommand::List => {
            let rules = crate::retention::rules(state).await.map_err(super::api)?;
            if rules.is_empty() {
                announce("no retention rules: every record is kept");
            }
            for r in rules {
                announce(&format!("{} in {}: kept {} days", r.kind, r.state, r.days));
            }
        }
        RetentionCommand::Set { kind, state: us_state, days } => {
            crate::retention::set_rule(state, actor, (&kind, &us_state, Some(days)), request_id).await.map_err(super::api)?;
            announce(&format!("{kind} in {us_state}: kept {days} days"));
        }
        RetentionCommand::Remove { kind, state: us_state } => {
            crate::retention::set_rule(state, actor, (&kind, &us_state, None), request_id).await.map_err(super::api)?;
            announce(&format!("{kind} in {us_state}: kept (no rule)"));
        }
        RetentionCommand::Run { dry_run } => {
            let report = crate::retention::apply(state, actor, dry_run, request_id).await.map_err(super::api)?;
            let verb = if dry_run { ("would delete", "would erase") } else { ("deleted", "erased") };
            announce(&format!(
                "{} {} quotes never bound: {}",
                verb.0,
                report.deleted_quotes.len(),
                if report.deleted_quotes.is_empty() { "none".to_owned() } else { report.deleted_quotes.join(" ") }
            ));
            announce(&format!(
                "{} the personal data of {} customers: {}",
                verb.1,
                report.erased_customers.len(),
                if report.erased_customers.is_empty() { "none".to_owned() } else { report.erased_customers.join(" ") }
            ));
        }
    }
    Ok(())
}

/// Writes a support bundle to `out` and says where.
pub fn write_bundle(out: &std::path::Path, bundle: &serde_json::Value) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(bundle)?;
    std::fs::write(out, text).with_context(|| format!("cannot write {}", out.display()))?;
    announce(&format!("support bundle written to {} (no customer's personal data in it)", out.display()));
    Ok(())
}

async fn desktop_command(state: &AppState, actor: &Actor, command: DesktopCommand, request_id: &str) -> anyhow::Result<()> {
    let versions = match command {
        DesktopCommand::Versions => crate::desktop_versions::versions(state).await.map_err(super::api)?,
        DesktopCommand::SetVersions { minimum, recommended } => {
            let current = crate::desktop_versions::versions(state).await.map_err(super::api)?;
            let update = uw_protocol::DesktopVersionsUpdate {
                minimum: minimum.or(current.minimum),
                recommended: recommended.or(current.recommended),
            };
            crate::desktop_versions::set_versions(state, actor, update, request_id).await.map_err(super::api)?
        }
        DesktopCommand::AddRelease { package, version, platform, signature } => {
            let content = std::fs::read(&package).with_context(|| format!("cannot read the package {}", package.display()))?;
            let signature =
                std::fs::read_to_string(&signature).with_context(|| format!("cannot read the signature {}", signature.display()))?;
            let release = crate::desktop_versions::add_release(state, actor, (&version, &platform), &content, &signature, request_id)
                .await
                .map_err(super::api)?;
            announce(&format!("holding {} {} ({} bytes, sha256 {})", release.platform, release.version, release.size, release.sha256));
            return Ok(());
        }
    };
    announce(&format!(
        "minimum: {}; recommended: {}",
        versions.minimum.as_deref().unwrap_or("none"),
        versions.recommended.as_deref().unwrap_or("none")
    ));
    for r in &versions.releases {
        announce(&format!("package {} {} ({} bytes, sha256 {})", r.platform, r.version, r.size, r.sha256));
    }
    Ok(())
}

async fn sso_command(state: &AppState, actor: &Actor, command: SsoCommand, request_id: &str) -> anyhow::Result<()> {
    match command {
        SsoCommand::List => {
            let providers = crate::sso::providers(state).await.map_err(super::api)?;
            if providers.is_empty() {
                announce("no identity providers: people sign in with passwords");
            }
            for p in providers {
                let rules: Vec<String> = p.role_rules.iter().map(|r| format!("{}={}", r.value, r.role.name())).collect();
                announce(&format!(
                    "{} ({}): issuer {}, client {}{}, username from `{}`, roles from `{}`: {}{}",
                    p.id,
                    p.display_name,
                    p.issuer,
                    p.client_id,
                    if p.has_client_secret { " with a secret" } else { "" },
                    p.username_claim,
                    p.roles_claim,
                    if rules.is_empty() { "no rules (roles set here)".to_owned() } else { rules.join(" ") },
                    if p.create_users { "; creates users" } else { "" },
                ));
            }
        }
        SsoCommand::Set(args) => {
            let SsoProviderArgs {
                id,
                name,
                issuer,
                client_id,
                client_secret_file,
                username_claim,
                roles_claim,
                roles,
                create_users,
                agency,
                scopes,
                ca_file,
            } = *args;
            let read = |path: &PathBuf| std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()));
            let client_secret = client_secret_file.as_ref().map(read).transpose()?.map(|s| Secret::new(s.trim().to_owned()));
            let ca_certificate = ca_file.as_ref().map(read).transpose()?;
            let role_rules = roles
                .iter()
                .map(|rule| {
                    let (value, role_name) =
                        rule.rsplit_once('=').with_context(|| format!("--role: `{rule}` is not VALUE=ROLE, such as uw-agents=agent"))?;
                    Ok(uw_protocol::SsoRoleRule { value: value.to_owned(), role: role(role_name)? })
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let change = uw_protocol::IdentityProviderChange {
                display_name: name,
                issuer,
                client_id,
                client_secret,
                remove_client_secret: false,
                username_claim,
                roles_claim,
                role_rules,
                create_users,
                agency,
                extra_scopes: scopes,
                ca_certificate,
            };
            let provider = crate::sso::set_provider(state, actor, &id, change, request_id).await.map_err(super::api)?;
            announce(&format!("identity provider {} ({}) saved", provider.id, provider.display_name));
        }
        SsoCommand::Remove { id } => {
            crate::sso::remove_provider(state, actor, &id, request_id).await.map_err(super::api)?;
            announce(&format!("identity provider {id} removed"));
        }
        SsoCommand::Check => {
            let report = crate::sso::check(state, None).await.map_err(super::api)?;
            announce(&format!(
                "{} still signed in, {} ended{}, {} not reached",
                report.still_active,
                report.ended.len(),
                if report.ended.is_empty() { String::new() } else { format!(" ({})", report.ended.join(", ")) },
                report.unreachable
            ));
        }
    }
    Ok(())
}

async fn customer_command(state: &AppState, actor: &Actor, command: CustomerCommand, request_id: &str) -> anyhow::Result<()> {
    match command {
        CustomerCommand::Find { name } => {
            let found = crate::customers::find_for_operator(state, &name).await.map_err(super::api)?;
            if found.is_empty() {
                announce(&format!("no customer named {name}"));
            }
            for c in found {
                announce(&format!(
                    "{}  {}, {}, {}, {} {}  quotes: {}  policies: {}",
                    c.customer_id,
                    c.name,
                    c.street,
                    c.city,
                    c.state,
                    c.zip,
                    c.quotes.join(" "),
                    if c.policies.is_empty() { "none".to_owned() } else { c.policies.join(" ") }
                ));
            }
        }
        CustomerCommand::Export { customer_id, out } => {
            let export = crate::customers::export(state, &customer_id).await.map_err(super::api)?;
            crate::customers::audit_export(state, actor, &customer_id, request_id).await.map_err(super::api)?;
            let text = serde_json::to_string_pretty(&export)?;
            match out {
                Some(path) => {
                    use std::io::Write as _;
                    use std::os::unix::fs::OpenOptionsExt as _;
                    let mut file = std::fs::OpenOptions::new()
                        .write(true)
                        .create_new(true)
                        .mode(0o600)
                        .open(&path)
                        .with_context(|| format!("cannot create {}", path.display()))?;
                    file.write_all(text.as_bytes())
                        .and_then(|()| file.sync_all())
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    announce(&format!("customer {customer_id}: everything held written to {}", path.display()));
                }
                None => announce(&text),
            }
        }
        CustomerCommand::RequestExport { customer_id } => {
            let request = crate::subject_requests::request_export(state, actor, &customer_id, request_id).await.map_err(super::api)?;
            announce(&format!(
                "export request {} for customer {customer_id}: {}",
                request.request_id,
                if request.desktops.is_empty() {
                    "no desktop holds their data; `customer export` has everything now".to_owned()
                } else {
                    match request.desktops.len() {
                        1 => "waiting for 1 desktop to answer at its next sync".to_owned(),
                        n => format!("waiting for {n} desktops to answer at their next sync"),
                    }
                }
            ));
        }
        CustomerCommand::Requests => {
            let requests = crate::subject_requests::list(state).await.map_err(super::api)?;
            if requests.is_empty() {
                announce("no data-subject requests");
            }
            for r in requests {
                let answered = r.desktops.iter().filter(|d| d.answered_at.is_some()).count();
                announce(&format!(
                    "{} {} of customer {} by {} at {}: {}{}",
                    r.request_id,
                    r.kind,
                    r.customer_id,
                    r.requested_by,
                    r.requested_at,
                    r.status,
                    if r.desktops.is_empty() { String::new() } else { format!(" ({answered} of {} desktops answered)", r.desktops.len()) }
                ));
            }
        }
        CustomerCommand::Erase { customer_id, reason, include_policies } => {
            let erasure =
                crate::customers::erase(state, actor, &customer_id, &reason, include_policies, request_id).await.map_err(super::api)?;
            announce(&format!(
                "customer {customer_id}'s personal data is erased (audit entry {}): quotes {}; policies {}. backups made before this erasure still hold it until they expire; desktops drop it at their next sync",
                erasure.log_index,
                erasure.quotes.join(" "),
                if erasure.policies.is_empty() { "none".to_owned() } else { erasure.policies.join(" ") }
            ));
        }
    }
    Ok(())
}

/// Runs one administration command on the opened server.
pub async fn run(state: &AppState, command: AdminCommand) -> anyhow::Result<()> {
    let actor = Actor::system(CLI_ACTOR);
    let request_id = "admin-cli";
    match command {
        AdminCommand::Init { org, admin, password_env } => {
            crate::admin::init(state, &org).await?;
            let (password, generated) = password_from(password_env.as_deref())?;
            let user = crate::identity::add_user(
                state,
                &actor,
                NewUser { username: admin, password: password.clone(), role: Role::Admin, agency: None },
                request_id,
            )
            .await
            .map_err(super::api)?;
            announce(&format!("organisation `{org}` created; administrator `{}`", user.username));
            if generated {
                announce(&format!("password (shown once): {}", password.expose()));
            }
        }
        AdminCommand::Demo { packs } => demo(state, &packs).await?,
        AdminCommand::Policy { policy_number, json } => {
            let detail = crate::policies::detail_for_operator(state, &policy_number).await.map_err(super::api)?;
            if json {
                announce(&serde_json::to_string_pretty(&detail)?);
            } else {
                announce(policy_timeline_text(&detail).trim_end());
            }
        }
        AdminCommand::User(command) => user_command(state, &actor, command).await?,
        AdminCommand::Device(DeviceCommand::List) => {
            for d in crate::identity::devices(state).await.map_err(super::api)? {
                let status = d.revoked_at.as_deref().map_or_else(|| "active".to_owned(), |at| format!("revoked {at}"));
                announce(&format!("{}  {}  {}  last seq {}  {status}", d.device_id, d.username, d.name, d.last_seq));
            }
        }
        AdminCommand::Customer(command) => customer_command(state, &actor, command, request_id).await?,
        AdminCommand::Retention(command) => retention_command(state, &actor, command, request_id).await?,
        AdminCommand::Sso(command) => sso_command(state, &actor, command, request_id).await?,
        AdminCommand::Migration(command) => migration_command(state, &actor, command, request_id).await?,
        AdminCommand::Desktop(command) => desktop_command(state, &actor, command, request_id).await?,
        AdminCommand::SupportBundle { out, log } => {
            // The configuration is the binary's to describe (`main.rs`).
            let bundle = crate::support::bundle(state, serde_json::Value::Null, log.as_deref()).await?;
            write_bundle(&out, &bundle)?;
        }
        AdminCommand::Device(DeviceCommand::Revoke { device_id }) => {
            crate::identity::revoke_device(state, &actor, &device_id, request_id).await.map_err(super::api)?;
            announce(&format!("device {device_id} revoked"));
        }
        AdminCommand::RotateKey => {
            let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
            let key = crate::keys::add_signing_key(&mut m, &state.keys, &actor).await?;
            m.commit().await?;
            announce(&format!("new checkpoint key: {key}"));
        }
        AdminCommand::TrustPackKey { key_id, public_key, user } => {
            crate::pack_keys::trust_pack_key(state, &actor, &key_id, &public_key, user.as_deref(), request_id).await.map_err(super::api)?;
            announce(&format!("pack key {key_id} trusted"));
        }
        AdminCommand::PublishPacks { dir } => {
            for summary in crate::admin::publish_packs(state, &actor, &dir).await? {
                announce(&format!("published {} ({})", summary.pack_id, &summary.digest[..12]));
            }
        }
        AdminCommand::RevokePackKey { key_id } => {
            crate::pack_keys::revoke_pack_key(state, &actor, &key_id, request_id).await.map_err(super::api)?;
            announce(&format!("pack key {key_id} revoked; desktops stop pricing with packs signed only by it after their next sync"));
        }
        AdminCommand::PackKeys => {
            for k in crate::pack_keys::pack_keys(state).await.map_err(super::api)? {
                let whose = k.username.as_deref().map_or_else(|| "organisation".to_owned(), |u| format!("approval key of {u}"));
                let status = k.revoked_at.as_deref().map_or_else(|| "trusted".to_owned(), |at| format!("revoked {at}"));
                announce(&format!("{}  {}  {whose}  {status}", k.key_id, k.public_key));
            }
            for p in crate::pack_keys::pending_requests(state).await.map_err(super::api)? {
                announce(&format!(
                    "{}  {}  asked for by {} at {} (approve on the Admin screen)",
                    p.key_id, p.public_key, p.username, p.requested_at
                ));
            }
        }
        AdminCommand::DirectPublishing { setting } => {
            crate::admin::set_direct_publishing(state, &actor, setting == "on").await?;
            announce(&format!("direct publishing by an administrator is {setting}"));
        }
        AdminCommand::SecondFactor { roles } => {
            let policy = match roles {
                Some(list) => {
                    let roles = match list.trim() {
                        "none" => Vec::new(),
                        list => list.split(',').map(|r| role(r.trim())).collect::<anyhow::Result<Vec<_>>>()?,
                    };
                    let policy = uw_protocol::SecondFactorPolicy { roles };
                    crate::second_factor::set_policy(state, &actor, &policy, "admin-second-factor").await.map_err(super::api)?
                }
                None => crate::second_factor::policy(state).await.map_err(super::api)?,
            };
            let names: Vec<&str> = policy.roles.iter().map(|r| r.name()).collect();
            announce(&match names.as_slice() {
                [] => "no role must sign in with a second factor".to_owned(),
                names => format!("a second factor is required of: {}", names.join(", ")),
            });
        }
        AdminCommand::Throttles => {
            for t in crate::identity::login_throttles(state).await.map_err(super::api)? {
                let who = match (&t.account, &t.address) {
                    (Some(account), Some(address)) => format!("{account} from {address}"),
                    (Some(account), None) => format!("{account} from anywhere"),
                    (None, Some(address)) => format!("anyone from {address}"),
                    (None, None) => continue,
                };
                let wait = t.waiting_until.as_deref().map_or_else(String::new, |until| format!("  waiting until {until}"));
                announce(&format!("{who}: {} failed, last {}{wait}", t.failures, t.last_failure_at));
            }
        }
        AdminCommand::Organisation { legal_name, street, city, state: code, zip, naic, phone } => {
            let details = uw_protocol::OrganisationDetails { legal_name, street, city, state: code, zip, naic_code: naic, phone };
            let info = crate::organisation::set_details(state, &actor, details, request_id).await.map_err(super::api)?;
            announce(&format!("the details documents print for `{}` are set", info.name));
        }
        AdminCommand::ClearThrottles { account, address } => {
            let request = uw_protocol::ClearLoginThrottles { account, address };
            let cleared = crate::identity::clear_login_throttles(state, &actor, &request, request_id).await.map_err(super::api)?;
            announce(&format!("{} throttles cleared", cleared.cleared));
        }
        AdminCommand::AllowBackdating { state: code, product, kind, days } => {
            crate::admin::allow_backdating(state, &actor, (&code, &product), kind, days).await?;
            announce(&format!("{code} {product} {}: up to {days} days before today", kind.name()));
        }
        AdminCommand::Backup { out } => {
            state.storage.backup(&out).await?;
            announce(&format!("backup written to {}", out.display()));
        }
        AdminCommand::RotateDataKeys => {
            let rotation = crate::personal::rotate(state, &actor, request_id).await.map_err(super::api)?;
            announce(&format!(
                "customers' data keys are wrapped with {} now ({} re-wrapped); retired: {}",
                rotation.key_id,
                rotation.rewrapped,
                if rotation.retired.is_empty() { "none".to_owned() } else { rotation.retired.join(", ") }
            ));
        }
        AdminCommand::Checkpoint => {
            let (note, _) = crate::sign_checkpoint_now(state, request_id).await.map_err(super::api)?;
            announce(note.trim_end());
        }
        AdminCommand::Restored { last_checkpoint } => {
            let witness = state.keys.witness_path();
            let (note, last) = match &last_checkpoint {
                Some(file) => crate::keys::read_witness(file)?.with_context(|| format!("{} holds no checkpoint", file.display()))?,
                None => crate::keys::read_witness(&witness)?.ok_or(crate::keys::KeyError::NoWitness { witness: witness.clone() })?,
            };
            let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
            let restore = crate::keys::declare_restored(&mut m, &state.keys, &actor, (&note, &last)).await?;
            m.commit().await?;
            crate::keys::write_witness(&witness, &restore.note, &restore.checkpoint)?;
            let (old, new, kept) = (&restore.old_origin, &restore.new_origin, restore.kept);
            announce(&format!(
                "the audit log `{old}` ended at {} entries; the restored database kept {kept}. The log goes on as `{new}`, its first entry linking the old log's last checkpoint. Entries {kept}..{} are not in the database: desktops send again what they delivered after the backup when they next sync; auditors holding a checkpoint beyond {kept} are told so when they verify. Device and policy numbers go on above any the lost entries may have given out. Revocations, disables, password resets, role changes and customer erasures made after the backup are undone: make them again now (an erased customer's data can be read again until you do).",
                last.size, last.size
            ));
        }
    }
    state.storage.close().await;
    Ok(())
}

/// The organisation's name, if the database holds one.
async fn organisation_name(state: &AppState) -> anyhow::Result<Option<String>> {
    let mut tx = state.storage.begin(crate::storage::TxMode::Read).await?;
    let row = tx.fetch_optional("SELECT name FROM organisation WHERE singleton = 1", crate::args![]).await?;
    Ok(row.map(|r| r.text(0)).transpose()?)
}

/// The demo organisation's name: `admin demo` runs only on an empty
/// database or on its own demo.
const DEMO_ORGANISATION: &str = "Demo Mutual";

async fn demo(state: &AppState, packs: &Path) -> anyhow::Result<()> {
    match organisation_name(state).await?.as_deref() {
        Some(DEMO_ORGANISATION) => {
            announce("demo organisation exists already; its credentials were printed when it was created");
            return Ok(());
        }
        Some(real) => anyhow::bail!(
            "this database holds the organisation `{real}`, made with `admin init`; `admin demo` runs only on an empty database or on its own demo (it trusts the development pack key, whose private half is public). Nothing was changed"
        ),
        None => {}
    }
    crate::admin::init(state, DEMO_ORGANISATION).await?;
    let actor = Actor::system(CLI_ACTOR);
    // Marked as a demonstration on every document, with no NAIC code: no
    // real insurer's.
    let details = uw_protocol::OrganisationDetails {
        legal_name: "Demo Mutual Insurance Company (demonstration only)".into(),
        street: "100 Example Plaza".into(),
        city: "Columbus".into(),
        state: "OH".into(),
        zip: "43215".into(),
        naic_code: None,
        phone: Some("(614) 555-0100".into()),
    };
    crate::organisation::set_details(state, &actor, details, "admin-demo").await.map_err(super::api)?;
    // A demonstration signs in with passwords alone, and says so; a real
    // organisation (`admin init`) requires a second factor of
    // administrators and auditors.
    let none = uw_protocol::SecondFactorPolicy { roles: Vec::new() };
    crate::second_factor::set_policy(state, &actor, &none, "admin-demo").await.map_err(super::api)?;
    announce("demo: no role must sign in with a second factor (`admin second-factor admin,auditor` requires one)");
    let mut lines = vec![format!("demo organisation `{DEMO_ORGANISATION}` created; credentials (shown once):")];
    for (username, role) in [("agent", Role::Agent), ("underwriter", Role::Underwriter), ("admin", Role::Admin), ("auditor", Role::Auditor)]
    {
        let (password, _) = password_from(None)?;
        // The demonstration agent writes for a demonstration agency, so its
        // documents show where the agency's name goes.
        let agency = (role == Role::Agent).then(|| "Demo Insurance Agency (demonstration only)".to_owned());
        crate::identity::add_user(
            state,
            &actor,
            NewUser { username: username.into(), password: password.clone(), role, agency },
            "admin-demo",
        )
        .await
        .map_err(super::api)?;
        lines.push(format!("  {role:<12} {username:<12} {}", password.expose(), role = role.name()));
    }
    let dev_key =
        std::fs::read_to_string(packs.join("keys/uw-dev-2026.pub")).with_context(|| format!("{}/keys/uw-dev-2026.pub", packs.display()))?;
    crate::pack_keys::trust_pack_key(state, &actor, "uw-dev-2026", dev_key.trim(), None, "admin-demo").await.map_err(super::api)?;
    for summary in crate::admin::publish_packs(state, &actor, packs).await? {
        announce(&format!("published {} ({})", summary.pack_id, &summary.digest[..12]));
    }
    for line in lines {
        announce(&line);
    }
    Ok(())
}

async fn user_command(state: &AppState, actor: &Actor, command: UserCommand) -> anyhow::Result<()> {
    let change = |username: &str, change: UserChange| {
        let username = username.to_owned();
        async move { crate::identity::change_user(state, actor, &username, change, "admin-cli").await.map_err(super::api) }
    };
    match command {
        UserCommand::Add { username, role: role_name, password_env, agency } => {
            let (password, generated) = password_from(password_env.as_deref())?;
            let user = crate::identity::add_user(
                state,
                actor,
                NewUser { username, password: password.clone(), role: role(&role_name)?, agency },
                "admin-cli",
            )
            .await
            .map_err(super::api)?;
            announce(&format!("user `{}` added as {}", user.username, user.role.name()));
            if generated {
                announce(&format!("password (shown once): {}", password.expose()));
            }
        }
        UserCommand::Disable { username } => {
            change(&username, UserChange { disabled: Some(true), ..UserChange::default() }).await?;
            announce(&format!("user `{username}` disabled"));
        }
        UserCommand::Enable { username } => {
            change(&username, UserChange { disabled: Some(false), ..UserChange::default() }).await?;
            announce(&format!("user `{username}` enabled"));
        }
        UserCommand::Reset { username, password_env } => {
            let (password, generated) = password_from(password_env.as_deref())?;
            change(&username, UserChange { password: Some(password.clone()), ..UserChange::default() }).await?;
            announce(&format!("password of `{username}` reset; their tokens are revoked"));
            if generated {
                announce(&format!("password (shown once): {}", password.expose()));
            }
        }
        UserCommand::ResetSecondFactor { username } => {
            crate::second_factor::reset(state, actor, &username, "admin-reset-second-factor").await.map_err(super::api)?;
            announce(&format!(
                "the second factor of `{username}` is removed and their sessions ended; they set one up at their next sign-in"
            ));
        }
        UserCommand::Role { username, role: role_name } => {
            let user = change(&username, UserChange { role: Some(role(&role_name)?), ..UserChange::default() }).await?;
            announce(&format!("user `{}` is now {}", user.username, user.role.name()));
        }
        UserCommand::Agency { username, agency } => {
            let user = change(&username, UserChange { agency: Some(agency), ..UserChange::default() }).await?;
            match user.agency {
                Some(agency) => announce(&format!("user `{}` writes for {agency}", user.username)),
                None => announce(&format!("user `{}` has no agency", user.username)),
            }
        }
        UserCommand::List => {
            let mut tx = state.storage.begin(crate::storage::TxMode::Read).await?;
            let rows =
                tx.fetch("SELECT username, role, disabled, agency, last_login_at FROM app_user ORDER BY username", crate::args![]).await?;
            for row in rows {
                let disabled = if row.int(2)? != 0 { "  disabled" } else { "" };
                let agency = row.opt_text(3)?.map(|a| format!("  agency: {a}")).unwrap_or_default();
                let signed_in = match row.opt_int(4)? {
                    Some(ms) => format!("  last sign-in {}", crate::keys::rfc3339_ms(ms).map_err(super::api)?),
                    None => String::new(),
                };
                announce(&format!("{}  {}{disabled}{agency}{signed_in}", row.text(0)?, row.text(1)?));
            }
        }
    }
    Ok(())
}

/// A policy's timeline as a table for people.
fn policy_timeline_text(detail: &uw_protocol::PolicyDetail) -> String {
    use std::fmt::Write as _;
    let p = &detail.summary;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{}  {} {}  {}  version {}  agent {}  quote {}",
        p.policy_number,
        p.state,
        p.product,
        p.status.replace('_', " "),
        p.policy_version,
        p.agent,
        p.quote_number
    );
    let policy = &detail.policy;
    let _ = writeln!(
        out,
        "term {} to {}  term premium {}  written {}  pack {}",
        policy["term"]["start"].as_str().unwrap_or("?"),
        policy["term"]["end"].as_str().unwrap_or("?"),
        policy["term_premium"].as_str().unwrap_or("?"),
        policy["written_premium"].as_str().unwrap_or("?"),
        detail.pack_id
    );
    for event in &detail.timeline {
        let audit = event.log_index.map_or_else(|| "log: its policy.bind entry".to_owned(), |index| format!("log #{index}"));
        let _ = writeln!(
            out,
            "v{:<3} {:<14} effective {}  {:>12}  by {:<12} at {}  {audit}",
            event.version,
            event.kind,
            event.effective_date,
            format!("{:+}", event.amount),
            event.by,
            event.recorded_at
        );
        for line in event.worksheet["lines"].as_array().into_iter().flatten() {
            let _ = writeln!(out, "       {}: {}", line["label"].as_str().unwrap_or(""), line["value"].as_str().unwrap_or(""));
        }
    }
    out
}
