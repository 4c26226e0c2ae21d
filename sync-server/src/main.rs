//! `uw-sync-server`: serve the sync API, or administer the server.
//!
//! Configuration is layered: built-in defaults, then a TOML file
//! (`--config`), then environment variables (`UW_SYNC_*`), then flags.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use uw_sync_server::admin::cli::{announce, AdminCommand};
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
    /// Export traces over OTLP (HTTP/protobuf) to this collector
    /// (`https://otel:4318`); off when not given.
    #[arg(long, env = "UW_SYNC_OTLP_ENDPOINT")]
    otlp_endpoint: Option<String>,
    /// The share of traces the server starts that it keeps (0 to 1,
    /// default 1); a desktop's trace is kept when the desktop kept it.
    #[arg(long, env = "UW_SYNC_OTLP_SAMPLING")]
    otlp_sampling: Option<String>,
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
    otlp_endpoint: Option<String>,
    otlp_sampling: Option<String>,
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

/// Opens the server named by `common` and runs one administration command.
async fn admin(common: CommonArgs, command: AdminCommand) -> anyhow::Result<()> {
    let file = common.file()?;
    let state = open_state(&common, &file, command.creates_key()).await?;
    if let AdminCommand::SupportBundle { out, log } = &command {
        let configuration = serde_json::json!({
            "database": common.target(&file).redacted(),
            "key_file": common.key_file(&file).display().to_string(),
            "config_file": common.config.as_ref().map(|p| p.display().to_string()),
            "listen": file.listen.map(|a| a.to_string()),
            "metrics_listen": file.metrics_listen.map(|a| a.to_string()),
            "checkpoint_seconds": file.checkpoint_seconds,
            "log_format": file.log_format,
            "tls_certificate": file.tls_cert.as_ref().map(|p| p.display().to_string()),
            "tls_certificate_expires": file.tls_cert.as_ref().and_then(|certificate_chain| {
                uw_sync_server::tls::certificate_not_after(&uw_sync_server::tls::TlsFiles { certificate_chain: certificate_chain.clone(), private_key: PathBuf::new() })
            }),
            "trusted_proxies": file.trusted_proxies,
            "max_devices_per_user": file.max_devices_per_user,
        });
        let bundle = uw_sync_server::support::bundle(&state, configuration, log.as_deref()).await?;
        return uw_sync_server::admin::cli::write_bundle(out, &bundle);
    }
    uw_sync_server::admin::cli::run(&state, command).await
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let (log_format, traces) = match &cli.command {
        Command::Serve(args) => {
            let file = args.common.file().ok();
            let endpoint = args.otlp_endpoint.clone().or_else(|| file.as_ref().and_then(|f| f.otlp_endpoint.clone()));
            let sampling = args.otlp_sampling.clone().or_else(|| file.as_ref().and_then(|f| f.otlp_sampling.clone()));
            let traces = match endpoint {
                Some(endpoint) => match uw_telemetry::TraceConfig::new(&endpoint, sampling.as_deref(), "uw-sync-server") {
                    Ok(config) => Some(uw_telemetry::TraceConfig { decide_at_edge: true, ..config }),
                    Err(e) => {
                        eprintln!("error: --otlp-endpoint/--otlp-sampling: {e}");
                        return std::process::ExitCode::from(2);
                    }
                },
                None => None,
            };
            (args.log_format.clone().or_else(|| file.and_then(|f| f.log_format)), traces)
        }
        Command::Admin { .. } => (None, None),
    };
    let telemetry = match init_logging(log_format.as_deref(), traces.as_ref()) {
        Ok(telemetry) => telemetry,
        Err(e) => {
            eprintln!("error: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
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
    // The spans still waiting are sent before the process ends.
    drop(telemetry);
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Log lines to standard error (text or JSON), and traces when a collector
/// is configured: the server's own spans down to its database statements
/// (`debug`), whatever the log level.
fn init_logging(format: Option<&str>, traces: Option<&uw_telemetry::TraceConfig>) -> anyhow::Result<Option<uw_telemetry::Telemetry>> {
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    use tracing_subscriber::Layer as _;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into());
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let fmt = if format == Some("json") { fmt.json().boxed() } else { fmt.boxed() };
    let registry = tracing_subscriber::registry().with(fmt.with_filter(filter));
    match traces {
        None => {
            registry.init();
            Ok(None)
        }
        Some(config) => {
            let (telemetry, layer) = uw_telemetry::Telemetry::start(config)?;
            // Requests not traced make their span (for the log) under
            // `…::http::layers`, which traces never see; a traced request's
            // span is `uw_sync_server::traced`.
            let spans = tracing_subscriber::filter::Targets::new()
                .with_target("uw_sync_server", tracing::Level::DEBUG)
                .with_target("uw_sync_server::http::layers", tracing_subscriber::filter::LevelFilter::OFF)
                .with_default(tracing::Level::WARN);
            registry.with(layer.with_filter(spans)).init();
            Ok(Some(telemetry))
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
    let tls = match tls {
        Some(files) => Some((uw_sync_server::tls::config(&files)?, files)),
        None => None,
    };
    let state = open_state(&args.common, &file, false).await?;
    let transport = match &tls {
        Some((config, files)) => {
            uw_sync_server::tls::reload_on_sighup(files.clone(), config.clone(), state.metrics.clone());
            uw_sync_server::Transport::Tls(config.clone())
        }
        None => uw_sync_server::Transport::Http,
    };
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
    // Customers' personal data kept before it was sealed at rest: sealed now.
    let sealed = uw_sync_server::personal::seal_existing(state.storage.as_ref(), &state.vault).await?;
    if sealed > 0 {
        tracing::info!(documents = sealed, "sealed the personal data stored before encryption at rest");
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
