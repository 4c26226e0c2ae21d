//! `uw-sync-server`: serve the sync API, or administer the server.
//!
//! Configuration is layered: built-in defaults, then a TOML file
//! (`--config`), then environment variables (`UW_SYNC_*`), then flags.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Parser, Subcommand};
use uw_protocol::{NewUser, Role, Secret, UserChange};
use uw_sync_server::audit::{Actor, Mutation};
use uw_sync_server::keys::KeyEncryption;
use uw_sync_server::{storage, AppState, DatabaseTarget};

#[derive(Debug, Parser)]
#[command(name = "uw-sync-server", version, about = "Sync server of the underwriting workstation")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the sync API until SIGTERM or Ctrl-C.
    Serve(ServeArgs),
    /// Administer the server: organisation, users, devices, keys, backups.
    Admin {
        #[command(flatten)]
        common: CommonArgs,
        #[command(subcommand)]
        command: AdminCommand,
    },
}

/// Where the data and the key-encryption identity are.
#[derive(Debug, Clone, clap::Args)]
struct CommonArgs {
    /// A TOML configuration file; its values sit between the defaults and the environment.
    #[arg(long, env = "UW_SYNC_CONFIG", global = true)]
    config: Option<PathBuf>,
    /// SQLite database file (the embedded default), created if missing.
    #[arg(long, env = "UW_SYNC_SQLITE", global = true, conflicts_with = "database_url")]
    sqlite: Option<PathBuf>,
    /// PostgreSQL URL (postgres://USER:PASSWORD@HOST:PORT/DB); replaces SQLite.
    #[arg(long, env = "UW_SYNC_DATABASE_URL", hide_env_values = true, global = true)]
    database_url: Option<String>,
    /// The age identity that decrypts the checkpoint signing key (written by `admin init`).
    #[arg(long, env = "UW_SYNC_KEY_FILE", global = true)]
    key_file: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Address to listen on (default 127.0.0.1:8787). Port 0 picks a free
    /// port; the bound address is printed as `listening on http://ADDR`.
    #[arg(long, env = "UW_SYNC_LISTEN")]
    listen: Option<SocketAddr>,
    /// Address of the Prometheus metrics listener (default: none). Printed as `metrics on http://ADDR`.
    #[arg(long, env = "UW_SYNC_METRICS_LISTEN")]
    metrics_listen: Option<SocketAddr>,
    /// Seconds between periodic checkpoints while the log grows (default 60).
    #[arg(long, env = "UW_SYNC_CHECKPOINT_SECONDS")]
    checkpoint_seconds: Option<u64>,
    /// `text` (default) or `json` log lines.
    #[arg(long, env = "UW_SYNC_LOG_FORMAT")]
    log_format: Option<String>,
    /// PEM certificate chain (the server's certificate first): serve HTTPS
    /// (TLS 1.2 and newer). SIGHUP reloads it and the key without dropping connections.
    #[arg(long, env = "UW_SYNC_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PEM private key of `--tls-cert` (unencrypted; keep it mode 0600).
    #[arg(long, env = "UW_SYNC_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Networks of the reverse proxies in front of the server (CIDR or
    /// addresses, comma-separated): their `X-Forwarded-For` names the client
    /// for login limits; nobody else's is believed.
    #[arg(long, env = "UW_SYNC_TRUSTED_PROXIES", value_delimiter = ',', num_args = 1..)]
    trusted_proxies: Vec<String>,
    /// Devices one user may have enrolled and not revoked (default 10); a
    /// stolen password cannot enroll an army of devices.
    #[arg(long, env = "UW_SYNC_MAX_DEVICES_PER_USER")]
    max_devices_per_user: Option<u32>,
}

/// The configuration file's keys (all optional).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    sqlite: Option<PathBuf>,
    database_url: Option<String>,
    key_file: Option<PathBuf>,
    listen: Option<SocketAddr>,
    metrics_listen: Option<SocketAddr>,
    checkpoint_seconds: Option<u64>,
    log_format: Option<String>,
    tls_cert: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    trusted_proxies: Option<Vec<String>>,
    max_devices_per_user: Option<u32>,
}

impl CommonArgs {
    fn file(&self) -> anyhow::Result<FileConfig> {
        match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path).with_context(|| format!("cannot read the configuration {}", path.display()))?;
                toml::from_str(&text).with_context(|| format!("configuration {}", path.display()))
            }
            None => Ok(FileConfig::default()),
        }
    }

    fn target(&self, file: &FileConfig) -> DatabaseTarget {
        match self.database_url.clone().or_else(|| if self.sqlite.is_some() { None } else { file.database_url.clone() }) {
            Some(url) => DatabaseTarget::Postgres(url),
            None => DatabaseTarget::Sqlite(
                self.sqlite.clone().or_else(|| file.sqlite.clone()).unwrap_or_else(|| "uw-sync-server.sqlite3".into()),
            ),
        }
    }

    fn key_file(&self, file: &FileConfig) -> PathBuf {
        self.key_file.clone().or_else(|| file.key_file.clone()).unwrap_or_else(|| "uw-sync-server.key".into())
    }
}

#[derive(Debug, Subcommand)]
enum AdminCommand {
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
        kind: uw_sync_server::admin::BackdateKind,
        #[arg(long)]
        days: i64,
    },
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

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from --password-env or generated and printed once.
    Add {
        username: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        password_env: Option<String>,
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
    List,
}

#[derive(Debug, Subcommand)]
enum DeviceCommand {
    List,
    Revoke { device_id: String },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let log_format = match &cli.command {
        Command::Serve(args) => args.log_format.clone().or_else(|| args.common.file().ok().and_then(|f| f.log_format)),
        Command::Admin { .. } => None,
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if log_format.as_deref() == Some("json") {
        builder.json().init();
    } else {
        builder.init();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = match cli.command {
        Command::Serve(args) => runtime.block_on(serve(args)),
        Command::Admin { common, command } => runtime.block_on(admin(common, command)),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn open_state(common: &CommonArgs, file: &FileConfig, create_key_file: bool) -> anyhow::Result<AppState> {
    let target = common.target(file);
    tracing::info!(database = %target.redacted(), "opening database");
    let storage = storage::open(&target).await?;
    let key_path = common.key_file(file);
    let keys = if create_key_file && !key_path.exists() {
        tracing::info!(path = %key_path.display(), "creating the key-encryption identity");
        KeyEncryption::create(&key_path)?
    } else {
        KeyEncryption::load(&key_path)?
    };
    Ok(AppState::new(storage, keys, storage::migration_count(&target)))
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let file = args.common.file()?;
    let listen = args.listen.or(file.listen).unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8787)));
    let proxies =
        if args.trusted_proxies.is_empty() { file.trusted_proxies.clone().unwrap_or_default() } else { args.trusted_proxies.clone() };
    let trusted_proxies = uw_sync_server::tls::parse_networks(&proxies).map_err(|e| anyhow::anyhow!("--trusted-proxies: {e}"))?;
    let tls = match (args.tls_cert.clone().or(file.tls_cert.clone()), args.tls_key.clone().or(file.tls_key.clone())) {
        (Some(certificate_chain), Some(private_key)) => Some(uw_sync_server::tls::TlsFiles { certificate_chain, private_key }),
        (None, None) => None,
        _ => anyhow::bail!("give both tls_cert and tls_key, or neither"),
    };
    // Plain HTTP leaves loopback only behind a TLS-terminating proxy.
    if tls.is_none() && !listen.ip().is_loopback() && trusted_proxies.is_empty() {
        anyhow::bail!(
            "refusing to serve plain HTTP on {listen}: passwords, tokens and customers' data would cross the network in clear. \
             Give --tls-cert and --tls-key, or --trusted-proxies with the networks of the TLS-terminating reverse proxy in front of this server"
        );
    }
    let transport = match &tls {
        Some(files) => {
            let config = uw_sync_server::tls::config(files)?;
            uw_sync_server::tls::reload_on_sighup(files.clone(), config.clone());
            uw_sync_server::Transport::Tls(config)
        }
        None => uw_sync_server::Transport::Http,
    };
    let state = open_state(&args.common, &file, false).await?;
    {
        let mut tx = state.storage.begin(storage::TxMode::Read).await?;
        let key = uw_sync_server::keys::check_signing_key(&mut *tx, &state.keys).await?;
        tracing::info!(checkpoint_key = %key, "signing key decrypted");
        // Never sign a checkpoint that forks from one already signed.
        uw_sync_server::keys::check_witness(&mut *tx, &state.keys).await?;
        let witness = state.keys.witness_path();
        if uw_sync_server::keys::read_witness(&witness)?.is_none() {
            if let Some((note, checkpoint)) = uw_sync_server::audit::latest_checkpoint(&mut *tx).await? {
                // An upgrade from before the witness, or a key file moved
                // without it: nothing tells a restored database from the
                // latest, so say so loudly and start the record here.
                tracing::warn!(
                    witness = %witness.display(),
                    size = checkpoint.size,
                    "no record of the last checkpoint signed; starting it from the database's latest. If this database was restored from a backup, stop now and run `uw-sync-server admin restored --last-checkpoint FILE` with an auditor's latest checkpoint"
                );
                uw_sync_server::keys::write_witness(&witness, &note, &checkpoint)?;
            }
        }
    }
    let mut state = state.with_trusted_proxies(trusted_proxies);
    if let Some(max) = args.max_devices_per_user.or(file.max_devices_per_user) {
        state.max_devices_per_user = i64::from(max.max(1));
    }
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr().context("listener has no local address")?;
    let metrics = match args.metrics_listen.or(file.metrics_listen) {
        Some(m) => {
            let l = tokio::net::TcpListener::bind(m).await.with_context(|| format!("cannot listen on {m} for metrics"))?;
            announce(&format!("metrics on http://{}", l.local_addr().context("metrics listener has no address")?));
            Some(l)
        }
        None => None,
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    tracing::info!(%addr, scheme, proxies = state.trusted_proxies.len(), "serving");
    announce(&format!("listening on {scheme}://{addr}"));
    let every = std::time::Duration::from_secs(args.checkpoint_seconds.or(file.checkpoint_seconds).unwrap_or(60).max(1));
    uw_sync_server::serve_over(listener, transport, metrics, state, every, uw_sync_server::shutdown_signal())
        .await
        .context("server failed")?;
    tracing::info!("shut down cleanly");
    Ok(())
}

/// Tells whoever started the server where it listens (scripts and tests read this line).
#[allow(clippy::print_stdout, reason = "the bound address is the program's output, read by scripts and tests")]
fn announce(line: &str) {
    use std::io::Write as _;
    println!("{line}");
    let _ = std::io::stdout().flush();
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

use uw_sync_server::admin::CLI_ACTOR;

fn api(e: uw_sync_server::error::ApiError) -> anyhow::Error {
    anyhow::anyhow!("{} ({})", e.message, e.code)
}

async fn admin(common: CommonArgs, command: AdminCommand) -> anyhow::Result<()> {
    let file = common.file()?;
    let creates_key = matches!(command, AdminCommand::Init { .. } | AdminCommand::Demo { .. });
    let state = open_state(&common, &file, creates_key).await?;
    let actor = Actor::system(CLI_ACTOR);
    let request_id = "admin-cli";
    match command {
        AdminCommand::Init { org, admin, password_env } => {
            uw_sync_server::admin::init(&state, &org).await?;
            let (password, generated) = password_from(password_env.as_deref())?;
            let user = uw_sync_server::identity::add_user(
                &state,
                &actor,
                NewUser { username: admin, password: password.clone(), role: Role::Admin },
                request_id,
            )
            .await
            .map_err(api)?;
            announce(&format!("organisation `{org}` created; administrator `{}`", user.username));
            if generated {
                announce(&format!("password (shown once): {}", password.expose()));
            }
        }
        AdminCommand::Demo { packs } => demo(&state, &packs).await?,
        AdminCommand::Policy { policy_number, json } => {
            let detail = uw_sync_server::policies::detail_for_operator(&state, &policy_number).await.map_err(api)?;
            if json {
                announce(&serde_json::to_string_pretty(&detail)?);
            } else {
                announce(policy_timeline_text(&detail).trim_end());
            }
        }
        AdminCommand::User(command) => user_command(&state, &actor, command).await?,
        AdminCommand::Device(DeviceCommand::List) => {
            for d in uw_sync_server::identity::devices(&state).await.map_err(api)? {
                let status = d.revoked_at.as_deref().map_or_else(|| "active".to_owned(), |at| format!("revoked {at}"));
                announce(&format!("{}  {}  {}  last seq {}  {status}", d.device_id, d.username, d.name, d.last_seq));
            }
        }
        AdminCommand::Device(DeviceCommand::Revoke { device_id }) => {
            uw_sync_server::identity::revoke_device(&state, &actor, &device_id, request_id).await.map_err(api)?;
            announce(&format!("device {device_id} revoked"));
        }
        AdminCommand::RotateKey => {
            let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
            let key = uw_sync_server::keys::add_signing_key(&mut m, &state.keys, &actor).await?;
            m.commit().await?;
            announce(&format!("new checkpoint key: {key}"));
        }
        AdminCommand::TrustPackKey { key_id, public_key, user } => {
            uw_sync_server::pack_keys::trust_pack_key(&state, &actor, &key_id, &public_key, user.as_deref(), request_id)
                .await
                .map_err(api)?;
            announce(&format!("pack key {key_id} trusted"));
        }
        AdminCommand::PublishPacks { dir } => {
            for summary in uw_sync_server::admin::publish_packs(&state, &actor, &dir).await? {
                announce(&format!("published {} ({})", summary.pack_id, &summary.digest[..12]));
            }
        }
        AdminCommand::RevokePackKey { key_id } => {
            uw_sync_server::pack_keys::revoke_pack_key(&state, &actor, &key_id, request_id).await.map_err(api)?;
            announce(&format!("pack key {key_id} revoked; desktops stop pricing with packs signed only by it after their next sync"));
        }
        AdminCommand::PackKeys => {
            for k in uw_sync_server::pack_keys::pack_keys(&state).await.map_err(api)? {
                let whose = k.username.as_deref().map_or_else(|| "organisation".to_owned(), |u| format!("approval key of {u}"));
                let status = k.revoked_at.as_deref().map_or_else(|| "trusted".to_owned(), |at| format!("revoked {at}"));
                announce(&format!("{}  {}  {whose}  {status}", k.key_id, k.public_key));
            }
            for p in uw_sync_server::pack_keys::pending_requests(&state).await.map_err(api)? {
                announce(&format!(
                    "{}  {}  asked for by {} at {} (approve on the Admin screen)",
                    p.key_id, p.public_key, p.username, p.requested_at
                ));
            }
        }
        AdminCommand::DirectPublishing { setting } => {
            uw_sync_server::admin::set_direct_publishing(&state, &actor, setting == "on").await?;
            announce(&format!("direct publishing by an administrator is {setting}"));
        }
        AdminCommand::Throttles => {
            for t in uw_sync_server::identity::login_throttles(&state).await.map_err(api)? {
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
        AdminCommand::ClearThrottles { account, address } => {
            let request = uw_protocol::ClearLoginThrottles { account, address };
            let cleared = uw_sync_server::identity::clear_login_throttles(&state, &actor, &request, request_id).await.map_err(api)?;
            announce(&format!("{} throttles cleared", cleared.cleared));
        }
        AdminCommand::AllowBackdating { state: code, product, kind, days } => {
            uw_sync_server::admin::allow_backdating(&state, &actor, (&code, &product), kind, days).await?;
            announce(&format!("{code} {product} {}: up to {days} days before today", kind.name()));
        }
        AdminCommand::Backup { out } => {
            state.storage.backup(&out).await?;
            announce(&format!("backup written to {}", out.display()));
        }
        AdminCommand::Checkpoint => {
            let (note, _) = uw_sync_server::sign_checkpoint_now(&state, request_id).await.map_err(api)?;
            announce(note.trim_end());
        }
        AdminCommand::Restored { last_checkpoint } => {
            let witness = state.keys.witness_path();
            let (note, last) = match &last_checkpoint {
                Some(file) => {
                    uw_sync_server::keys::read_witness(file)?.with_context(|| format!("{} holds no checkpoint", file.display()))?
                }
                None => uw_sync_server::keys::read_witness(&witness)?
                    .ok_or(uw_sync_server::keys::KeyError::NoWitness { witness: witness.clone() })?,
            };
            let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
            let restore = uw_sync_server::keys::declare_restored(&mut m, &state.keys, &actor, (&note, &last)).await?;
            m.commit().await?;
            uw_sync_server::keys::write_witness(&witness, &restore.note, &restore.checkpoint)?;
            let (old, new, kept) = (&restore.old_origin, &restore.new_origin, restore.kept);
            announce(&format!(
                "the audit log `{old}` ended at {} entries; the restored database kept {kept}. The log goes on as `{new}`, its first entry linking the old log's last checkpoint. Entries {kept}..{} are not in the database: desktops send again what they delivered after the backup when they next sync; auditors holding a checkpoint beyond {kept} are told so when they verify. Device and policy numbers go on above any the lost entries may have given out. Revocations, disables, password resets and role changes made after the backup are undone: make them again now.",
                last.size, last.size
            ));
        }
    }
    state.storage.close().await;
    Ok(())
}

/// The organisation's name, if the database holds one.
async fn organisation_name(state: &AppState) -> anyhow::Result<Option<String>> {
    let mut tx = state.storage.begin(storage::TxMode::Read).await?;
    let row = tx.fetch_optional("SELECT name FROM organisation WHERE singleton = 1", storage::args![]).await?;
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
    uw_sync_server::admin::init(state, DEMO_ORGANISATION).await?;
    let actor = Actor::system(CLI_ACTOR);
    let mut lines = vec![format!("demo organisation `{DEMO_ORGANISATION}` created; credentials (shown once):")];
    for (username, role) in [("agent", Role::Agent), ("underwriter", Role::Underwriter), ("admin", Role::Admin), ("auditor", Role::Auditor)]
    {
        let (password, _) = password_from(None)?;
        uw_sync_server::identity::add_user(
            state,
            &actor,
            NewUser { username: username.into(), password: password.clone(), role },
            "admin-demo",
        )
        .await
        .map_err(api)?;
        lines.push(format!("  {role:<12} {username:<12} {}", password.expose(), role = role.name()));
    }
    let dev_key =
        std::fs::read_to_string(packs.join("keys/uw-dev-2026.pub")).with_context(|| format!("{}/keys/uw-dev-2026.pub", packs.display()))?;
    uw_sync_server::pack_keys::trust_pack_key(state, &actor, "uw-dev-2026", dev_key.trim(), None, "admin-demo").await.map_err(api)?;
    for summary in uw_sync_server::admin::publish_packs(state, &actor, packs).await? {
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
        async move { uw_sync_server::identity::change_user(state, actor, &username, change, "admin-cli").await.map_err(api) }
    };
    match command {
        UserCommand::Add { username, role: role_name, password_env } => {
            let (password, generated) = password_from(password_env.as_deref())?;
            let user = uw_sync_server::identity::add_user(
                state,
                actor,
                NewUser { username, password: password.clone(), role: role(&role_name)? },
                "admin-cli",
            )
            .await
            .map_err(api)?;
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
        UserCommand::Role { username, role: role_name } => {
            let user = change(&username, UserChange { role: Some(role(&role_name)?), ..UserChange::default() }).await?;
            announce(&format!("user `{}` is now {}", user.username, user.role.name()));
        }
        UserCommand::List => {
            let mut tx = state.storage.begin(storage::TxMode::Read).await?;
            for row in tx.fetch("SELECT username, role, disabled FROM app_user ORDER BY username", storage::args![]).await? {
                let disabled = if row.int(2)? != 0 { "  disabled" } else { "" };
                announce(&format!("{}  {}{disabled}", row.text(0)?, row.text(1)?));
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
