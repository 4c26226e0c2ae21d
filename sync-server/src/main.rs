//! `uw-sync-server`: the command line of the sync server.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};
use uw_sync_server::{AppState, Database, DatabaseTarget};

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
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// Address to listen on. Port 0 picks a free port; the bound address is
    /// printed on standard output as `listening on http://ADDR`.
    #[arg(long, env = "UW_SYNC_LISTEN", default_value = "127.0.0.1:8787")]
    listen: SocketAddr,
    /// SQLite database file (the embedded default), created if missing.
    #[arg(long, env = "UW_SYNC_SQLITE", default_value = "uw-sync-server.sqlite3", conflicts_with = "database_url")]
    sqlite: PathBuf,
    /// PostgreSQL URL (postgres://USER:PASSWORD@HOST:PORT/DB); replaces SQLite.
    #[arg(long, env = "UW_SYNC_DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,sqlx=warn".into()))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the async runtime")?;
    match cli.command {
        Command::Serve(args) => runtime.block_on(serve(args)),
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let target = match args.database_url {
        Some(url) => DatabaseTarget::Postgres(url),
        None => DatabaseTarget::Sqlite(args.sqlite),
    };
    tracing::info!(database = %target.redacted(), "opening database");
    let db = Database::open(&target).await?;
    let listener = tokio::net::TcpListener::bind(args.listen).await.with_context(|| format!("cannot listen on {}", args.listen))?;
    let addr = listener.local_addr().context("listener has no local address")?;
    tracing::info!(%addr, "serving");
    announce(addr);
    uw_sync_server::serve(listener, AppState { db }, uw_sync_server::shutdown_signal()).await.context("server failed")?;
    tracing::info!("shut down cleanly");
    Ok(())
}

/// Tells whoever started the server where it listens (scripts and tests read this line).
#[allow(clippy::print_stdout, reason = "the bound address is the program's output, read by scripts and tests")]
fn announce(addr: SocketAddr) {
    use std::io::Write;
    println!("listening on http://{addr}");
    let _ = std::io::stdout().flush();
}
