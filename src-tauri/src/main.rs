//! The desktop application: logging (and traces, when `UW_OTLP_ENDPOINT`
//! names a collector), then the window (`uw_desktop::run`).

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use tracing_subscriber::fmt::writer::MakeWriterExt as _;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::Layer as _;

fn main() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into());
    let log = tracing_subscriber::fmt::layer().with_writer(std::io::stderr.and(uw_desktop::logs::LogFile::global())).with_ansi(false);
    let registry = tracing_subscriber::registry().with(log.with_filter(filter));
    // Traces of each sync, off unless an organisation's collector is named.
    let traces = std::env::var("UW_OTLP_ENDPOINT").ok().filter(|e| !e.trim().is_empty()).map(|endpoint| {
        uw_telemetry::TraceConfig::new(&endpoint, std::env::var("UW_OTLP_SAMPLING").ok().as_deref(), "uw-desktop")
            .and_then(|config| uw_telemetry::Telemetry::start(&config))
    });
    let telemetry = match traces {
        Some(Ok((telemetry, layer))) => {
            let spans = tracing_subscriber::filter::Targets::new()
                .with_target("uw_workstation", tracing::Level::INFO)
                .with_target("uw_desktop", tracing::Level::INFO)
                .with_default(tracing::Level::WARN);
            registry.with(layer.with_filter(spans)).init();
            Some(telemetry)
        }
        Some(Err(e)) => {
            registry.init();
            tracing::error!("traces are off: {e}");
            None
        }
        None => {
            registry.init();
            None
        }
    };
    let result = uw_desktop::run();
    drop(telemetry);
    if let Err(e) = result {
        tracing::error!("the desktop application failed: {e}");
        std::process::exit(1);
    }
}
