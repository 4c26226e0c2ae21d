//! The sync channel as it is deployed: the real `uw-sync-server` binary
//! terminating TLS with a certificate from a CA made in the test (and
//! reloading it on SIGHUP), or behind a real nginx that forwards client
//! addresses; real workstations that trust only the right certificate; and
//! plain HTTP refused wherever it would leave this machine.

#[path = "../../crates/workstation/tests/common/mod.rs"]
mod common;

use std::process::Command;
use std::time::Duration;

use common::good_driver;
use reqwest::StatusCode;
use serde_json::{json, Value};
use uw_system_tests::proxy::Nginx;
use uw_system_tests::system::{now, refs, Laptop, Org};
use uw_system_tests::tls::TestCa;
use uw_system_tests::{workspace_bin, ServerProcess};
use uw_workstation::{Secret, WorkstationError};

fn code(e: &WorkstationError) -> &'static str {
    e.code()
}

fn sqlite_org(dir: &std::path::Path) -> Org {
    let db = dir.join("server.sqlite3");
    Org::create(&["--sqlite", db.to_str().expect("utf-8")])
}

#[test]
fn the_server_serves_https_refuses_strangers_and_reloads_its_certificate_on_sighup() {
    let dir = tempfile::tempdir().expect("tempdir");
    let org_ca = TestCa::new("Acme Mutual Issuing CA");
    let stranger = TestCa::new("Somebody Else's CA");
    let good = org_ca.issue_server(dir.path(), "good");
    let bad = stranger.issue_server(dir.path(), "bad");
    // The files the server is configured with; replaced below, then SIGHUP.
    let live = uw_system_tests::tls::ServerCertificate {
        certificate_chain: dir.path().join("live.crt"),
        private_key: dir.path().join("live.key"),
    };
    let install = |from: &uw_system_tests::tls::ServerCertificate| {
        std::fs::copy(&from.certificate_chain, &live.certificate_chain).expect("copy certificate");
        std::fs::copy(&from.private_key, &live.private_key).expect("copy key");
    };
    install(&good);
    let org = sqlite_org(dir.path());
    let mut args = org.args.clone();
    args.extend([
        "--tls-cert".to_owned(),
        live.certificate_chain.to_str().expect("utf-8").to_owned(),
        "--tls-key".to_owned(),
        live.private_key.to_str().expect("utf-8").to_owned(),
    ]);
    let metrics_addr = format!("127.0.0.1:{}", uw_system_tests::free_port());
    args.extend(["--metrics-listen".to_owned(), metrics_addr.clone()]);
    let server = ServerProcess::start_on(&org.listen, &refs(&args));
    // The metrics say when the certificate expires (issued for 90 days), for
    // the alert that warns before it does.
    let expiry = || -> i64 {
        let text = reqwest::blocking::get(format!("http://{metrics_addr}/metrics")).expect("GET /metrics").text().expect("text");
        text.lines()
            .find_map(|l| l.strip_prefix("uw_tls_certificate_expiry_timestamp_seconds "))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no certificate expiry in:\n{text}"))
    };
    let in_90_days = time::OffsetDateTime::now_utc().unix_timestamp() + 90 * 86_400;
    assert!((in_90_days - 7_200..=in_90_days + 60).contains(&expiry()), "{} against {in_90_days}", expiry());
    assert!(server.base_url.starts_with("https://"), "{}", server.base_url);
    let password = Secret::new(org.demo.password("agent"));

    // A laptop that trusts only the operating system's store (which knows
    // nothing of this CA) is refused, in words it can act on, and keeps nothing.
    let mut stranger_laptop = Laptop::open(&dir.path().join("unpinned"));
    let refused = stranger_laptop.ws.enroll(&server.base_url, "agent", &password, "laptop", now()).expect_err("untrusted");
    assert_eq!(code(&refused), "sync.untrusted_server", "{refused}");
    let message = refused.to_string();
    assert!(message.contains("did not prove it is your organisation's server"), "{message}");
    assert!(message.contains("nothing was sent"), "{message}");
    assert!(stranger_laptop.ws.enrollment().expect("reads").is_none());

    // Pinned to the organisation's CA, the laptop enrolls and syncs.
    let mut laptop = Laptop::open(&dir.path().join("pinned"));
    laptop.ws.set_server_ca(Some(org_ca.pem()));
    laptop.ws.enroll(&server.base_url, "agent", &password, "agent-laptop", now()).expect("enrolls over HTTPS");
    laptop.rated(good_driver());
    assert_eq!(laptop.ws.sync(now()).expect("syncs").push.accepted, 1);

    // The server now presents another CA's certificate (a replaced server,
    // or someone in the middle): the laptop refuses it and sends nothing.
    install(&bad);
    let hup = Command::new("kill").args(["-HUP", &server.pid().to_string()]).status().expect("kill -HUP");
    assert!(hup.success());
    std::thread::sleep(Duration::from_millis(500));
    laptop.rated(good_driver());
    let refused = laptop.ws.sync(now()).expect_err("another CA");
    assert_eq!(code(&refused), "sync.untrusted_server", "{refused}");
    assert_eq!(laptop.unsent(), 1, "the quote waits in the outbox");

    // The right certificate again, reloaded without a restart: sync resumes.
    install(&good);
    let hup = Command::new("kill").args(["-HUP", &server.pid().to_string()]).status().expect("kill -HUP");
    assert!(hup.success());
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(laptop.ws.sync(now()).expect("syncs again").push.accepted, 1);

    // A key that does not match the certificate is refused at reload, and
    // the certificate in use stays.
    std::fs::copy(&bad.private_key, &live.private_key).expect("copy key");
    let hup = Command::new("kill").args(["-HUP", &server.pid().to_string()]).status().expect("kill -HUP");
    assert!(hup.success());
    std::thread::sleep(Duration::from_millis(500));
    laptop.rated(good_driver());
    assert_eq!(laptop.ws.sync(now()).expect("still the good certificate").push.accepted, 1);
    let exit = server.terminate();
    assert!(exit.stderr.contains("TLS certificate not reloaded"), "{}", exit.stderr);
}

#[test]
fn plain_http_is_refused_off_loopback_by_both_ends() {
    let dir = tempfile::tempdir().expect("tempdir");
    let org = sqlite_org(dir.path());
    // The server will not speak plain HTTP on a network address without a
    // TLS-terminating proxy in front of it.
    let output = Command::new(workspace_bin("uw-sync-server"))
        .args(["serve", "--listen", "0.0.0.0:0"])
        .args(&org.args)
        .output()
        .expect("run the server");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("refusing to serve plain HTTP on 0.0.0.0:0"), "{stderr}");
    assert!(stderr.contains("--tls-cert"), "the message says what to do: {stderr}");

    // The desktop will not send a password to a remote http:// address.
    let mut laptop = Laptop::open(&dir.path().join("laptop"));
    let refused = laptop
        .ws
        .enroll("http://192.0.2.10:8787", "agent", &Secret::new(org.demo.password("agent")), "laptop", now())
        .expect_err("cleartext");
    assert_eq!(code(&refused), "input.invalid", "{refused}");
    assert!(refused.to_string().contains("https://"), "{refused}");
    // Nor will the administrator's console sign in over it.
    let refused = laptop.ws.sign_in("http://192.0.2.10:8787", "admin", &Secret::new("x"), None).expect_err("cleartext");
    assert_eq!(code(&refused), "input.invalid", "{refused}");
}

/// A client that connects from `local` (a loopback address) and trusts only `ca`.
fn client_from(local: &str, ca: &TestCa) -> reqwest::Client {
    let ca = reqwest::Certificate::from_pem(ca.pem().as_bytes()).expect("CA");
    reqwest::Client::builder()
        .local_address(local.parse::<std::net::IpAddr>().expect("address"))
        .tls_certs_only([ca])
        .build()
        .expect("client")
}

async fn login(client: &reqwest::Client, base: &str, username: &str, password: &str, forwarded: Option<&str>) -> (StatusCode, Value) {
    let mut request = client
        .post(format!("{base}/v1/sessions"))
        .header(uw_protocol::VERSION_HEADER, uw_protocol::PROTOCOL_VERSION.to_string())
        .json(&json!({ "username": username, "password": password }));
    if let Some(f) = forwarded {
        request = request.header("x-forwarded-for", f);
    }
    let response = request.send().await.expect("send");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// 20 failed logins (each for another unknown user, so no account limit
/// applies) from one client; the 21st is refused for its address.
async fn exhaust(client: &reqwest::Client, base: &str, tag: &str, forwarded: impl Fn(usize) -> Option<String>) {
    for i in 0..20 {
        let (status, body) = login(client, base, &format!("nobody-{tag}-{i}"), "wrong password!", forwarded(i).as_deref()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{tag} attempt {i}: {body}");
    }
}

#[test]
fn behind_nginx_the_login_limit_sees_each_client_and_forged_forwarding_is_ignored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = TestCa::new("Acme Mutual Issuing CA");
    let certificate = ca.issue_server(dir.path(), "proxy");
    let org = sqlite_org(dir.path());
    // nginx reaches the server from 127.0.0.2, the only address it trusts.
    let mut args = org.args.clone();
    args.extend(["--trusted-proxies".to_owned(), "127.0.0.2/32".to_owned()]);
    let server = ServerProcess::start_on(&org.listen, &refs(&args));
    let nginx = Nginx::start(&certificate, &org.listen, "127.0.0.2");
    let direct = server.base_url.clone();
    let proxied = nginx.base_url.clone();
    let agent_password = org.demo.password("agent").to_owned();

    // A desktop enrolls and syncs through the proxy over HTTPS.
    let mut laptop = Laptop::open(&dir.path().join("laptop"));
    laptop.ws.set_server_ca(Some(ca.pem()));
    laptop.ws.enroll(&proxied, "agent", &Secret::new(&agent_password), "agent-laptop", now()).expect("enrolls through nginx");
    laptop.rated(good_driver());
    assert_eq!(laptop.ws.sync(now()).expect("syncs through nginx").push.accepted, 1);

    let rt = tokio::runtime::Runtime::new().expect("runtime");
    rt.block_on(async {
        let a = client_from("127.0.0.3", &ca);
        let b = client_from("127.0.0.4", &ca);
        let c = client_from("127.0.0.5", &ca);
        // A guesses from 127.0.0.3 until its address is limited...
        exhaust(&a, &proxied, "a", |_| None).await;
        let (status, body) = login(&a, &proxied, "agent", &agent_password, None).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("auth.rate_limited")), "{body}");
        // ...and B, behind the same proxy, still signs in: the server saw
        // each client's own address, not nginx's.
        let (status, body) = login(&b, &proxied, "agent", &agent_password, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");

        // C forges X-Forwarded-For through the proxy, naming another address
        // each time; nginx appends C's real address and the server takes it.
        exhaust(&c, &proxied, "c", |i| Some(format!("198.51.100.{i}"))).await;
        let (status, _) = login(&c, &proxied, "agent", &agent_password, Some("198.51.100.200")).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "C is limited whatever it claims");
        // Nor can C frame B by naming it: B still signs in.
        let (status, body) = login(&b, &proxied, "agent", &agent_password, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");

        // Straight to the server, from a peer that is not a trusted proxy,
        // the header is ignored altogether.
        let d =
            reqwest::Client::builder().local_address("127.0.0.6".parse::<std::net::IpAddr>().expect("address")).build().expect("client");
        exhaust(&d, &direct, "d", |i| Some(format!("203.0.113.{i}"))).await;
        let (status, _) = login(&d, &direct, "agent", &agent_password, Some("203.0.113.250")).await;
        assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "a forged header from an untrusted peer is ignored");
    });
    drop(nginx);
    let exit = server.terminate();
    assert!(exit.status.success(), "{}", exit.stderr);
}
