//! Personal data never reaches the logs. Its own test binary: `tracing`
//! caches each call site's interest process-wide, so a test sharing a
//! process with others that ran first without a subscriber would miss events.

mod common;

use common::good_driver;
use std::path::Path;
use std::sync::{Arc, Mutex};

use time::macros::datetime;
use time::OffsetDateTime;
use uw_workstation::{DriverLicense, KeySource, QuoteFilter, Workstation, WorkstationConfig};

const NOW: OffsetDateTime = datetime!(2026-01-20 15:30:00 UTC);

fn open(dir: &Path) -> Workstation {
    Workstation::open(&WorkstationConfig::new(dir.join("data"), KeySource::File(dir.join("store.key")))).expect("opens a new workstation")
}

/// Collects everything the tracing subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn personal_data_never_reaches_logs_or_debug_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber =
        tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_ansi(false).with_writer(move || writer.clone()).finish();
    let secrets = ["Maria", "Delgado", "Echo Park", "D7654321", "maria.delgado", "555-0142", "1983-07-14"];
    tracing::subscriber::with_default(subscriber, || {
        let mut ws = open(dir.path());
        let id = ws.create_quote(good_driver(), NOW).expect("creates").id;
        ws.rate_quote(id, NOW).expect("rates");
        ws.request_bind(id, NOW).expect("binds");
        let mut bad = good_driver();
        bad.contact.email = Some("not an address".into());
        ws.update_quote(id, bad, NOW).expect_err("frozen and invalid");
        let found = ws.list_quotes(&QuoteFilter { text: Some("Delgado".into()), ..QuoteFilter::default() }).expect("search");
        tracing::debug!(?found, "listed");
        tracing::debug!(detail = ?ws.quote(id).expect("detail"), "detail");
    });
    let log = String::from_utf8(captured.0.lock().expect("lock").clone()).expect("utf-8");
    assert!(log.contains("quote rated") && log.contains("QUOT-2026-000001"), "the services log what they do:\n{log}");
    for secret in secrets {
        assert!(!log.contains(secret), "`{secret}` leaked into the log:\n{log}");
    }
    let license = DriverLicense { number: "D7654321".into(), state: "CA".into() };
    assert_eq!(license.masked(), "••••4321");
    assert_eq!(format!("{license:?}"), "DriverLicense { number: \"••••4321\", state: \"CA\" }");
}
