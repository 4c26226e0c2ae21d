//! The real `uw-sync-server` binary on each database: the same story runs on
//! SQLite and PostgreSQL.

use reqwest::StatusCode;
use serde_json::Value;
use uw_system_tests::api::{bind_payload, rated_payload, tx_auto_example, tx_auto_pack, ApiClient, Device};
use uw_system_tests::system::{refs, Org};
use uw_system_tests::{free_port, workspace_root, PostgresDatabase, ServerProcess};

fn migration_count(engine: &str) -> i64 {
    let dir = workspace_root().join("migrations/server").join(engine);
    let count = std::fs::read_dir(&dir)
        .expect("migrations dir")
        .filter(|e| e.as_ref().is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql")))
        .count();
    i64::try_from(count).expect("count fits")
}

async fn healthz(server: &ServerProcess) -> Value {
    let response = reqwest::get(format!("{}/healthz", server.base_url)).await.expect("GET /healthz");
    assert_eq!(response.status(), 200);
    response.json().await.expect("JSON body")
}

/// Initialise, start, check health, restart on the same database (migrations
/// are applied once and the instance id survives), then stop with SIGTERM.
async fn health_and_restart_story(engine: &str, database_args: &[&str]) {
    let keys = tempfile::tempdir().expect("tempdir");
    let key_file = keys.path().join("server.key");
    let key_file = key_file.to_str().expect("utf-8 path");
    let mut database_args = database_args.to_vec();
    database_args.extend(["--key-file", key_file]);
    let database_args = &database_args[..];

    // Serving needs the organisation and its signing key first.
    let exit = ServerProcess::run_to_exit(database_args);
    assert!(!exit.status.success());
    assert!(exit.stderr.contains("server.key") && exit.stderr.contains("admin init"), "{}", exit.stderr);
    let mut init = database_args.to_vec();
    init.extend(["init", "--org", "Test Org", "--admin", "root"]);
    let output = ServerProcess::admin(&init);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(printed.contains("password (shown once): "), "{printed}");
    let again = ServerProcess::admin(&init);
    assert!(!again.status.success(), "init runs once");
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));

    let server = ServerProcess::start(database_args);
    let first = healthz(&server).await;
    assert_eq!(first["status"], "ok", "{first}");
    assert_eq!(first["database"]["engine"], engine, "{first}");
    assert_eq!(first["database"]["schema_version"], migration_count(engine), "{first}");
    let instance_id = first["database"]["instance_id"].as_str().expect("instance id").to_owned();
    assert_eq!(instance_id.len(), 32);
    assert!(instance_id.bytes().all(|b| b.is_ascii_hexdigit()), "{instance_id}");
    let exit = server.terminate();
    assert!(exit.status.success(), "SIGTERM must end the server cleanly: {:?}\n{}", exit.status, exit.stderr);
    assert!(exit.stderr.contains("shut down cleanly"), "{}", exit.stderr);

    let again = ServerProcess::start(database_args);
    let second = healthz(&again).await;
    assert_eq!(second["database"]["instance_id"], instance_id.as_str(), "a restart keeps the instance id");
    assert_eq!(second["database"]["schema_version"], migration_count(engine));
    let exit = again.terminate();
    assert!(exit.status.success(), "{}", exit.stderr);
}

#[tokio::test]
async fn sqlite_serves_health_restarts_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("server.sqlite3");
    let path = path.to_str().expect("utf-8 path");
    health_and_restart_story("sqlite", &["--sqlite", path]).await;
    let header = std::fs::read(path).expect("the SQLite file exists");
    assert!(header.starts_with(b"SQLite format 3"), "the server's embedded store is a plain SQLite file");
}

#[tokio::test]
async fn postgres_serves_health_restarts_and_stops_on_sigterm() {
    let db = PostgresDatabase::create().await;
    health_and_restart_story("postgres", &["--database-url", &db.url]).await;
    db.drop_database().await;
}

#[test]
fn unreachable_postgres_is_a_clear_error_without_the_password() {
    let exit = ServerProcess::run_to_exit(&["--database-url", "postgres://uw:s3cret-pw@127.0.0.1:1/uw", "--key-file", "/nonexistent"]);
    assert!(!exit.status.success());
    assert!(exit.stderr.contains("cannot connect to postgres://***@127.0.0.1:1/uw"), "{}", exit.stderr);
    assert!(!exit.stderr.contains("s3cret-pw"), "the password must never be printed: {}", exit.stderr);
}

#[test]
fn sqlite_and_postgres_are_mutually_exclusive() {
    let exit = ServerProcess::run_to_exit(&["--sqlite", "/tmp/x.sqlite3", "--database-url", "postgres://u@127.0.0.1/x"]);
    assert_eq!(exit.status.code(), Some(2), "{}", exit.stderr);
    assert!(exit.stderr.contains("cannot be used with"), "{}", exit.stderr);
}

/// The metrics listener's Prometheus text counts what happened, and passes
/// `promtool check metrics` (format and naming lints).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_requests_operations_and_binds_and_pass_promtool() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("server.sqlite3");
    let org = Org::create(&["--sqlite", path.to_str().expect("utf-8")]);
    let metrics_addr = format!("127.0.0.1:{}", free_port());
    let mut args = refs(&org.args);
    args.extend(["--metrics-listen", &metrics_addr, "--checkpoint-seconds", "1"]);
    let server = ServerProcess::start(&args);
    let api = ApiClient::new(&server.base_url, None);
    // Guesses past the throttle's free attempts are refused and counted.
    let mut throttled = 0;
    for _ in 0..7 {
        let response = reqwest::Client::new()
            .post(format!("{}/v1/sessions", server.base_url))
            .header(uw_protocol::VERSION_HEADER, "1")
            .json(&serde_json::json!({ "username": "somebody-guessed", "password": "not the password" }))
            .send()
            .await
            .expect("sign-in");
        throttled += usize::from(response.status() == StatusCode::TOO_MANY_REQUESTS);
    }
    assert!(throttled >= 1, "seven wrong passwords in a row were never throttled");

    let (mut device, _) = Device::enroll(&api, "agent", org.demo.password("agent")).await.expect("enrolls");
    let rated = rated_payload(&tx_auto_pack(), &device.quote_number(), 1, &tx_auto_example("01-clean-standard.json"));
    assert_eq!(device.push_op("quote.rated", &rated).await[0]["outcome"], "accepted");
    assert_eq!(device.push_op("quote.bind_requested", &bind_payload(&rated)).await[0]["outcome"], "accepted");
    let (status, _) = api.get("/v1/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let text = reqwest::get(format!("http://{metrics_addr}/metrics")).await.expect("GET /metrics").text().await.expect("text");
    for line in [
        r#"uw_sync_operations_total{outcome="accepted"} 2"#,
        r#"uw_binds_total{outcome="issued"} 1"#,
        r#"uw_http_requests_total{method="POST",route="/v1/sync/push",status="200"} 2"#,
        r#"uw_http_requests_total{method="GET",route="/v1/me",status="401"} 1"#,
        r#"uw_http_request_duration_seconds_count{method="POST",route="/v1/sync/push"} 2"#,
    ] {
        assert!(text.lines().any(|l| l == line), "missing `{line}` in:\n{text}");
    }
    let entries: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix("uw_audit_log_entries "))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no uw_audit_log_entries in:\n{text}"));
    assert!(entries > 2, "{entries}");
    let gauge = |name: &str| -> i64 {
        text.lines()
            .find_map(|l| l.strip_prefix(name).and_then(|rest| rest.strip_prefix(' ')))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in:\n{text}"))
    };
    assert_eq!(gauge("uw_login_throttled_total"), i64::try_from(throttled).expect("small"));
    assert_eq!(gauge("uw_sync_push_queue_depth"), 0);
    let database = std::fs::metadata(&path).expect("database file").len();
    assert!(gauge("uw_storage_size_bytes") >= i64::try_from(database).expect("size"), "{text}");
    assert!(gauge("uw_storage_available_bytes") > 0, "{text}");
    assert!(text.lines().any(|l| l == format!("uw_build_info{{version=\"{}\"}} 1", env!("CARGO_PKG_VERSION"))), "{text}");
    // Plain HTTP on loopback: no certificate, so no expiry to report.
    assert!(!text.contains("uw_tls_certificate_expiry_timestamp_seconds"), "{text}");
    // A checkpoint is signed every second here; the gauge says when.
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let mut signed = 0;
    for _ in 0..50 {
        let text = reqwest::get(format!("http://{metrics_addr}/metrics")).await.expect("GET /metrics").text().await.expect("text");
        signed =
            text.lines().find_map(|l| l.strip_prefix("uw_audit_checkpoint_timestamp_seconds ")).and_then(|v| v.parse().ok()).unwrap_or(0);
        if signed > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!((now - 120..=now + 120).contains(&signed), "checkpoint signed at {signed}, now {now}");

    let mut promtool = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("promtool is installed by the README's test command (Debian package prometheus)");
    std::io::Write::write_all(&mut promtool.stdin.take().expect("stdin"), text.as_bytes()).expect("write metrics");
    let output = promtool.wait_with_output().expect("promtool");
    let said = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success() && said.trim().is_empty(), "promtool check metrics: {said}\n{text}");
    drop(server);
}

/// The demo is a convenience that trusts the development pack key: it
/// refuses a database that holds a real organisation, and changes nothing.
#[test]
fn admin_demo_refuses_a_database_holding_a_real_organisation() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("server.sqlite3");
    let key = dir.path().join("server.key");
    let common = ["--sqlite", db.to_str().expect("utf-8"), "--key-file", key.to_str().expect("utf-8")];
    let mut init = common.to_vec();
    init.extend(["init", "--org", "Acme Mutual", "--admin", "alice"]);
    let made = ServerProcess::admin(&init);
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let packs = workspace_root().join("rate-packs");
    let mut demo = common.to_vec();
    demo.extend(["demo", "--packs", packs.to_str().expect("utf-8")]);
    let refused = ServerProcess::admin(&demo);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("Acme Mutual") && said.contains("development pack key") && said.contains("Nothing was changed"), "{said}");
    let mut users = common.to_vec();
    users.extend(["user", "list"]);
    let listed = String::from_utf8_lossy(&ServerProcess::admin(&users).stdout).into_owned();
    assert!(listed.contains("alice") && !listed.contains("auditor"), "no demo user was added: {listed}");
}
