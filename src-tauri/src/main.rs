//! The desktop application: logging, then the window (`uw_desktop::run`).

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    use tracing_subscriber::fmt::writer::MakeWriterExt as _;
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr.and(uw_desktop::logs::LogFile::global()))
        .with_ansi(false)
        .init();
    if let Err(e) = uw_desktop::run() {
        tracing::error!("the desktop application failed: {e}");
        std::process::exit(1);
    }
}
