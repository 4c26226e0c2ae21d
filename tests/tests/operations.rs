//! Running the server for a carrier: desktop versions and update packages.
//!
//! A desktop below the organisation's minimum version keeps its work and is
//! refused sync, by itself and by the server (a client that does not check
//! is refused too); one below the recommended version is told; an update
//! package is written only when the publisher's release key signed it.

#[path = "../../crates/workstation/tests/common/mod.rs"]
mod common;

use common::good_driver;
use reqwest::StatusCode;
use serde_json::json;
use uw_system_tests::api::{ApiClient, Device};
use uw_system_tests::system::{now, Laptop, Org};
use uw_system_tests::workspace_bin;
use uw_workstation::update::{ReleaseKeys, PLATFORM};
use uw_workstation::{Secret, WorkstationError};

/// A demo organisation on a SQLite file under `dir`.
fn sqlite_org(dir: &std::path::Path) -> Org {
    Org::create(&["--sqlite", dir.join("server.sqlite3").to_str().expect("utf-8")])
}

fn files_in(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default()
}

/// `uw release sign`, as the publisher runs it.
fn sign(dir: &std::path::Path, package: &std::path::Path, version: &str, seed: [u8; 32]) -> std::path::PathBuf {
    let key = dir.join(format!("release-{version}.key"));
    std::fs::write(&key, hex::encode(seed)).expect("write key");
    let signature = dir.join(format!("{version}.sig"));
    let output = std::process::Command::new(workspace_bin("uw"))
        .args(["release", "sign"])
        .arg(package)
        .args(["--version", version, "--platform", PLATFORM.expect("a platform the app installs on")])
        .arg("--key")
        .arg(&key)
        .arg("--out")
        .arg(&signature)
        .output()
        .expect("run uw");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    signature
}

#[test]
fn a_desktop_below_the_minimum_version_stops_syncing_and_an_update_must_carry_the_publishers_signature() {
    let dir = tempfile::tempdir().expect("tempdir");
    let org = sqlite_org(dir.path());
    let server = org.start();
    let platform = PLATFORM.expect("the tests run where the app installs packages");
    let rt = tokio::runtime::Runtime::new().expect("runtime");

    let mut laptop = Laptop::open(&dir.path().join("laptop"));
    laptop.ws.set_app_version("1.0.0").expect("a version");
    laptop.ws.enroll(&server.base_url, "agent", &Secret::new(org.demo.password("agent")), "agent-laptop", now()).expect("enrolls");
    laptop.rated(good_driver());
    assert_eq!(laptop.ws.sync(now()).expect("no minimum yet").push.accepted, 1);
    let update = laptop.ws.app_update().expect("reads");
    assert!(!update.sync_refused && !update.update_recommended, "{update:?}");

    // The administrator raises the minimum past this laptop's version.
    let said = org.admin(&["desktop", "set-versions", "--minimum", "1.1.0", "--recommended", "1.2.0"]);
    assert!(said.contains("minimum: 1.1.0; recommended: 1.2.0"), "{said}");
    let quote = laptop.rated(good_driver());
    let refused = laptop.ws.sync(now()).expect_err("below the minimum");
    let WorkstationError::Sync(e) = &refused else { panic!("{refused}") };
    assert_eq!(e.code(), "sync.desktop_too_old", "{refused}");
    let message = refused.to_string();
    assert!(message.contains("version 1.0.0") && message.contains("version 1.1.0 or later"), "{message}");
    assert!(message.contains("Your work stays on this laptop and nothing was sent"), "{message}");
    assert_eq!(laptop.unsent(), 1, "the quote waits in the outbox");
    assert!(laptop.ws.quote(quote).is_ok(), "and works offline");
    let update = laptop.ws.app_update().expect("reads");
    assert!(update.sync_refused && update.update_recommended, "{update:?}");
    assert_eq!(update.minimum.as_deref(), Some("1.1.0"));

    // The server refuses it too: a client that does not check (or does not
    // say its version) is refused push and pull, and may still read the
    // versions to update itself.
    rt.block_on(async {
        let api = ApiClient::new(&server.base_url, None);
        let (mut device, _) = Device::enroll(&api, "agent", org.demo.password("agent")).await.expect("enrolls");
        // A server learns a minimum set from the command line within 5 s
        // (each replica keeps what it read that long).
        let op = device.op("quote.saved", &json!({}));
        let (mut status, mut body) = (StatusCode::OK, json!(null));
        for _ in 0..70 {
            (status, body) = device.client.post("/v1/sync/push", &json!({ "operations": [op.clone()] })).await;
            if status != StatusCode::OK {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        assert_eq!((status, body["code"].as_str()), (StatusCode::UPGRADE_REQUIRED, Some("desktop.too_old")), "{body}");
        assert!(body["message"].as_str().is_some_and(|m| m.contains("1.1.0 or later")), "{body}");
        let (status, body) = device.client.get("/v1/sync/pull?cursor=0").await;
        assert_eq!(status, StatusCode::UPGRADE_REQUIRED, "{body}");
        let (status, body) = device.client.get("/v1/desktop/versions").await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["minimum"], "1.1.0");
        // An administrator cannot recommend less than the minimum.
        let admin = api.login("admin", org.demo.password("admin")).await;
        let (status, body) = admin
            .send(reqwest::Method::PUT, "/v1/admin/desktop-versions", Some(&json!({ "minimum": "1.1.0", "recommended": "1.0.9" })))
            .await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("desktop.invalid_version")), "{body}");
        let (status, body) =
            admin.send(reqwest::Method::PUT, "/v1/admin/desktop-versions", Some(&json!({ "minimum": "1.1", "recommended": null }))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(body["message"].as_str().is_some_and(|m| m.starts_with("minimum: ")), "{body}");
    });

    // Updated to the minimum, the laptop syncs what waited, and is told a
    // newer version is recommended.
    laptop.ws.set_app_version("1.1.0").expect("a version");
    assert_eq!(laptop.ws.sync(now()).expect("at the minimum").push.accepted, 1);
    let update = laptop.ws.app_update().expect("reads");
    assert!(!update.sync_refused && update.update_recommended && update.package.is_none(), "{update:?}");

    // The publisher signs 1.2.0; the administrator puts it on the server.
    let publisher = [7u8; 32];
    let package = dir.path().join("uw-desktop_1.2.0_amd64.deb");
    std::fs::write(&package, b"!<arch>\nthe 1.2.0 package".repeat(1000)).expect("write package");
    let signature = sign(dir.path(), &package, "1.2.0", publisher);
    let said = org.admin(&[
        "desktop",
        "add-release",
        package.to_str().expect("utf-8"),
        "--version",
        "1.2.0",
        "--platform",
        platform,
        "--signature",
        signature.to_str().expect("utf-8"),
    ]);
    assert!(said.contains("holding") && said.contains("1.2.0"), "{said}");
    laptop.ws.sync(now()).expect("syncs");
    assert_eq!(laptop.ws.app_update().expect("reads").package.as_deref(), Some("1.2.0"));

    // Checked against the publisher's key: written, byte for byte.
    let downloads = dir.path().join("downloads");
    let publisher_key = ReleaseKeys::new(vec![ed25519_dalek::SigningKey::from_bytes(&publisher).verifying_key()]);
    let written = laptop.ws.download_update(&downloads, &publisher_key).expect("verified");
    assert_eq!(std::fs::read(&written).expect("read"), std::fs::read(&package).expect("read"));

    // Against any other key (the build's own, in a test build none): refused, nothing written.
    let elsewhere = dir.path().join("elsewhere");
    for keys in [ReleaseKeys::new(vec![ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]).verifying_key()]), ReleaseKeys::built_in()] {
        let refused = laptop.ws.download_update(&elsewhere, &keys).expect_err("not the publisher's key");
        assert_eq!(refused.code(), "update.refused", "{refused}");
        assert!(files_in(&elsewhere).is_empty(), "{:?}", files_in(&elsewhere));
    }

    // A tampered package carrying the genuine signature: refused, nothing written.
    let tampered = dir.path().join("uw-desktop_1.3.0_amd64.deb");
    std::fs::write(&tampered, b"!<arch>\nsomething else".repeat(1000)).expect("write");
    let genuine_for_other_bytes = sign(dir.path(), &package, "1.3.0", publisher);
    org.admin(&[
        "desktop",
        "add-release",
        tampered.to_str().expect("utf-8"),
        "--version",
        "1.3.0",
        "--platform",
        platform,
        "--signature",
        genuine_for_other_bytes.to_str().expect("utf-8"),
    ]);
    let refused = laptop.ws.download_update(&elsewhere, &publisher_key).expect_err("tampered");
    assert_eq!(refused.code(), "update.refused", "{refused}");
    assert!(refused.to_string().contains("not signed by the app's publisher"), "{refused}");
    assert!(files_in(&elsewhere).is_empty(), "{:?}", files_in(&elsewhere));
    drop(server);
}

/// What a field agent and an administrator send to support never holds a
/// customer's name, address, licence number, VIN, e-mail or telephone, even
/// where a log line leaked them.
#[test]
fn support_bundles_from_the_desktop_and_the_server_carry_no_customers_personal_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let org = sqlite_org(dir.path());
    let server = org.start();
    let mut laptop = Laptop::open(&dir.path().join("laptop"));
    laptop.ws.enroll(&server.base_url, "agent", &Secret::new(org.demo.password("agent")), "agent-laptop", now()).expect("enrolls");
    // Maria Delgado, 2417 Echo Park Ave, licence D7654321, VIN 1HGCV1F39LA151313.
    let quote = laptop.rated(good_driver());
    laptop.ws.sync(now()).expect("syncs");
    let number = laptop.ws.quote(quote).expect("the quote").summary.quote_number.clone();
    let personal = [
        "Maria",
        "Delgado",
        "2417 Echo Park Ave",
        "Echo Park",
        "D7654321",
        "1HGCV1F39LA151313",
        "maria.delgado@example.com",
        "555-0142",
        "1983-07-14",
    ];
    let leaky = format!(
        "2026-12-07T10:42:00Z INFO sync: pushed {number} for Maria Delgado of 2417 Echo Park Ave, licence D7654321, VIN 1HGCV1F39LA151313\n\
         2026-12-07T10:42:01Z WARN sync: call (213) 555-0142 or write maria.delgado@example.com; born 1983-07-14\n\
         2026-12-07T10:42:02Z INFO sync: request_id=4f1c9a0b7d2e done\n"
    );

    // The desktop: its own log, with lines that should never have been written.
    let log = laptop.dir.join("data").join(uw_workstation::support::LOG_FILE);
    std::fs::create_dir_all(log.parent().expect("a folder")).expect("logs folder");
    std::fs::write(&log, &leaky).expect("write the log");
    let written = laptop.ws.write_support_bundle(&dir.path().join("support"), now()).expect("a bundle");
    let text = std::fs::read_to_string(&written).expect("read the bundle");
    let bundle: serde_json::Value = serde_json::from_str(&text).expect("the bundle is JSON");
    assert_eq!(bundle["bundle"], "uw-desktop-support-v1");
    assert_eq!(bundle["versions"]["app"], env!("CARGO_PKG_VERSION"));
    assert_eq!(bundle["configuration"]["enrolled"], true);
    assert_eq!(bundle["store"]["outbox"]["unsent"], 0);
    assert!(bundle["store"]["quotes_by_status"].as_object().is_some_and(|s| !s.is_empty()), "{text}");
    assert!(bundle["store"]["sync_runs"][0]["outcome"] == "ok", "{text}");
    let lines = bundle["log"].as_array().expect("log lines");
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].as_str().is_some_and(|l| l.contains(&number) && l.contains("[redacted]")), "the quote number stays: {text}");
    assert!(lines[2].as_str().is_some_and(|l| l.contains("request_id=4f1c9a0b7d2e")), "ids stay: {text}");
    for value in personal {
        assert!(!text.to_lowercase().contains(&value.to_lowercase()), "{value} in the desktop's bundle:\n{text}");
    }

    // The server: its log as the operator exported it.
    let server_log = dir.path().join("server.log");
    std::fs::write(&server_log, &leaky).expect("write the log");
    let out = dir.path().join("server-support.json");
    let said = org.admin(&["support-bundle", "--out", out.to_str().expect("utf-8"), "--log", server_log.to_str().expect("utf-8")]);
    assert!(said.contains("support bundle written"), "{said}");
    let text = std::fs::read_to_string(&out).expect("read the bundle");
    let bundle: serde_json::Value = serde_json::from_str(&text).expect("the bundle is JSON");
    assert_eq!(bundle["bundle"], "uw-server-support-v1");
    assert_eq!(bundle["versions"]["engine"], "sqlite");
    assert_eq!(bundle["database"]["devices"]["active"], 1, "{text}");
    assert!(bundle["audit_log"]["entries"].as_u64().is_some_and(|n| n > 0), "{text}");
    assert_eq!(bundle["log"].as_array().map(Vec::len), Some(3), "{text}");
    for value in personal {
        assert!(!text.to_lowercase().contains(&value.to_lowercase()), "{value} in the server's bundle:\n{text}");
    }
    drop(server);
}

/// The alerting rules shipped in `deploy/prometheus` load (`promtool check
/// rules`) and pass their unit tests (`promtool test rules`), in which every
/// alert has a case that fires and one that does not.
#[test]
fn the_alerting_rules_load_and_pass_their_unit_tests() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/prometheus");
    let run = |args: &[&str]| {
        let output = std::process::Command::new("promtool")
            .args(args)
            .current_dir(&dir)
            .output()
            .expect("promtool is installed by the README's test command (Debian package prometheus)");
        let said = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        assert!(output.status.success(), "promtool {args:?}:\n{said}");
        said
    };
    let checked = run(&["check", "rules", "uw-alerts.yml"]);
    assert!(checked.contains("SUCCESS"), "{checked}");
    let tested = run(&["test", "rules", "uw-alerts.test.yml"]);
    assert!(tested.contains("SUCCESS"), "{tested}");

    // Every alert the rules define is tested firing and not firing.
    let rules = std::fs::read_to_string(dir.join("uw-alerts.yml")).expect("rules");
    let tests = std::fs::read_to_string(dir.join("uw-alerts.test.yml")).expect("tests");
    let alerts: std::collections::BTreeSet<&str> = rules.lines().filter_map(|l| l.trim().strip_prefix("- alert: ")).collect();
    assert!(alerts.len() >= 9, "{alerts:?}");
    for alert in alerts {
        let cases: Vec<&str> = tests.split("- eval_time:").filter(|case| case.contains(&format!("alertname: {alert}"))).collect();
        assert!(cases.iter().any(|c| c.contains("exp_alerts:") && c.contains("exp_labels")), "{alert} is never tested firing");
        assert!(
            cases.iter().any(|c| c.contains("exp_alerts: []") || c.trim_end().ends_with("exp_alerts:")),
            "{alert} is never tested silent"
        );
    }
}

/// With tracing on, one sync is one trace: the desktop's sync, its HTTP
/// request, the server's handler, the group commit, the audit append and
/// the database statements, each span's parent in the trace, and no
/// customer's personal value in any attribute or event.
#[test]
fn tracing_spans_the_desktop_the_server_and_the_database() {
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::Layer as _;

    let receiver = uw_system_tests::otlp::OtlpReceiver::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let org = sqlite_org(dir.path());
    let mut args = uw_system_tests::system::refs(&org.args);
    args.extend(["--otlp-endpoint", &receiver.url, "--otlp-sampling", "1"]);
    let server = uw_system_tests::ServerProcess::start_on(&org.listen, &args);

    // The desktop's side, in this process, as the app sets it up.
    let config = uw_telemetry::TraceConfig::new(&receiver.url, Some("1"), "uw-desktop").expect("a configuration");
    let (telemetry, layer) = uw_telemetry::Telemetry::start(&config).expect("tracing starts");
    let spans_filter = tracing_subscriber::filter::Targets::new().with_target("uw_workstation", tracing::Level::INFO);
    let subscriber = tracing_subscriber::registry().with(layer.with_filter(spans_filter));
    let _tracing = tracing::subscriber::set_default(subscriber);

    let mut laptop = Laptop::open(&dir.path().join("laptop"));
    laptop.ws.enroll(&server.base_url, "agent", &Secret::new(org.demo.password("agent")), "agent-laptop", now()).expect("enrolls");
    laptop.rated(good_driver());
    assert_eq!(laptop.ws.sync(now()).expect("syncs").push.accepted, 1);
    telemetry.flush();
    let exit = server.terminate();
    assert!(exit.status.success(), "{}", exit.stderr);

    let spans = receiver.wait_for(|spans| {
        let root = spans.iter().find(|s| s.service == "uw-desktop" && s.name == "sync_with_progress");
        root.is_some_and(|root| spans.iter().any(|s| s.trace_id == root.trace_id && s.name == "audit_append"))
    });
    let root = spans.iter().find(|s| s.service == "uw-desktop" && s.name == "sync_with_progress").expect("the desktop's sync span");
    assert!(root.parent_span_id.is_empty(), "the sync starts the trace: {root:?}");
    let trace: Vec<&uw_system_tests::otlp::ReceivedSpan> = spans.iter().filter(|s| s.trace_id == root.trace_id).collect();
    let by_id: std::collections::HashMap<&str, &uw_system_tests::otlp::ReceivedSpan> =
        trace.iter().map(|s| (s.span_id.as_str(), *s)).collect();
    for span in &trace {
        assert!(
            span.parent_span_id.is_empty() || by_id.contains_key(span.parent_span_id.as_str()),
            "{} ({}) names a parent not in the trace: {span:?}",
            span.name,
            span.service
        );
    }
    // A database statement of the push, and its ancestry back to the sync.
    let ancestry = |span: &uw_system_tests::otlp::ReceivedSpan| {
        let mut names = vec![(span.service.clone(), span.name.clone())];
        let mut at = span;
        while let Some(parent) = by_id.get(at.parent_span_id.as_str()) {
            names.push((parent.service.clone(), parent.name.clone()));
            at = parent;
        }
        names
    };
    let statement = trace
        .iter()
        .filter(|s| s.service == "uw-sync-server" && s.name == "db.statement")
        .find(|s| ancestry(s).iter().any(|(_, n)| n == "group_commit"))
        .expect("a statement of the group commit");
    let names = ancestry(statement);
    let expect = [
        ("uw-sync-server", "db.statement"),
        ("uw-sync-server", "group_commit"),
        ("uw-sync-server", "request"),
        ("uw-desktop", "http.request"),
        ("uw-desktop", "sync_with_progress"),
    ];
    let mut names_iter = names.iter();
    for (service, name) in expect {
        assert!(names_iter.any(|(s, n)| s == service && n == name), "{service} {name} is not an ancestor in order: {names:?}");
    }
    let operation = statement.attributes.iter().find(|(k, _)| k == "db.operation.name").map(|(_, v)| v.clone()).unwrap_or_default();
    assert!(
        !operation.is_empty() && operation.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_lowercase() || c == '_' || c == ' '),
        "{operation}"
    );
    assert!(trace.iter().any(|s| s.name == "audit_append" && s.service == "uw-sync-server"), "the audit append is in the trace");
    let push = trace
        .iter()
        .find(|s| s.name == "request" && s.attributes.iter().any(|(k, v)| k == "route" && v == "/v1/sync/push"))
        .expect("the push's request span");
    assert!(push.attributes.iter().any(|(k, _)| k == "request_id"), "{push:?}");

    // Nothing personal, anywhere in any span received.
    for span in &spans {
        for (key, value) in &span.attributes {
            for personal in ["Maria", "Delgado", "Echo Park", "D7654321", "1HGCV1F39LA151313", "maria.delgado", "555-0142", "1983-07-14"] {
                assert!(!value.contains(personal), "{personal} in {}'s {key} = {value}", span.name);
            }
        }
    }
}
