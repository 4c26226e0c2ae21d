//! The security suite, part two: sign-in throttling attacked through the
//! public API on SQLite and PostgreSQL (`../shared/reviews/security.md` H5;
//! attack tests 15 and 16). Before, 5 guesses locked any named account
//! (administrators included) for everyone, a user's own sign-in wiped the
//! attacker's count, and concurrent guesses all passed a count read in a
//! separate transaction.
//!
//! The in-process server trusts 127.0.0.1 as its proxy, so each request says
//! which client address it comes from.

use reqwest::StatusCode;
use serde_json::{json, Value};
use uw_system_tests::testserver::{TestServer, PASSWORD};

/// `POST /v1/sessions` for `username` from the client `address`.
async fn sign_in(server: &TestServer, address: &str, username: &str, password: &str) -> (StatusCode, Value, Option<u64>) {
    sign_in_at(&server.base, address, username, password).await
}

async fn sign_in_at(base: &str, address: &str, username: &str, password: &str) -> (StatusCode, Value, Option<u64>) {
    let response = reqwest::Client::new()
        .post(format!("{base}/v1/sessions"))
        .header(uw_protocol::VERSION_HEADER, "1")
        .header("x-forwarded-for", address)
        .json(&json!({ "username": username, "password": password }))
        .send()
        .await
        .expect("send");
    let status = response.status();
    let retry_after = response.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    (status, response.json().await.unwrap_or(Value::Null), retry_after)
}

/// Guessing an administrator's password from many addresses slows the
/// guesses without keeping the administrator out where they usually sign in,
/// without touching anyone else, and without the administrator's own
/// sign-in wiping the count; an administrator sees the throttle and clears it.
async fn guesses_never_lock_out_the_user_or_the_office(engine: &str) {
    let server = TestServer::start(engine).await;
    let usual = "198.51.100.7";
    assert_eq!(sign_in(&server, usual, "admin1", PASSWORD).await.0, StatusCode::OK, "the administrator's usual address");

    // Two guesses from each of 12 addresses: 24 failures on the account.
    for i in 0..12 {
        for _ in 0..2 {
            let (status, body, _) = sign_in(&server, &format!("203.0.113.{i}"), "admin1", "wrong password!").await;
            assert!(matches!(status, StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS), "{status} {body}");
        }
    }
    // From a new address the account now waits (a delay, never a lockout)...
    let (status, body, retry_after) = sign_in(&server, "198.51.100.99", "admin1", PASSWORD).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::TOO_MANY_REQUESTS, Some("auth.rate_limited")), "{body}");
    let wait = retry_after.expect("Retry-After");
    assert!((1..=900).contains(&wait), "a bounded wait: {wait}");
    // ...but the administrator signs in where they usually do,
    let (status, session, _) = sign_in(&server, usual, "admin1", PASSWORD).await;
    assert_eq!(status, StatusCode::OK, "the right password from the usual address: {session}");
    // and that success does not wipe the attacker's count,
    assert_eq!(sign_in(&server, "198.51.100.99", "admin1", PASSWORD).await.0, StatusCode::TOO_MANY_REQUESTS);
    // nor is anyone else slowed, from any address.
    for address in ["203.0.113.0", "198.51.100.20"] {
        let (status, body, _) = sign_in(&server, address, "agent1", PASSWORD).await;
        assert_eq!(status, StatusCode::OK, "agent1 from {address}: {body}");
    }

    // The administrator sees the throttle and clears it.
    let admin = server.client(session["token"].as_str());
    let (status, throttles) = admin.get("/v1/admin/login-throttles").await;
    assert_eq!(status, StatusCode::OK, "{throttles}");
    let account = throttles
        .as_array()
        .expect("list")
        .iter()
        .find(|t| t["account"] == "admin1" && t["address"].is_null())
        .unwrap_or_else(|| panic!("the account's throttle is listed: {throttles}"));
    assert!(account["failures"].as_u64() >= Some(10), "{account}");
    assert!(account["waiting_until"].is_string(), "{account}");
    let (status, cleared) = admin.post("/v1/admin/login-throttles/clear", &json!({ "account": "admin1" })).await;
    assert_eq!(status, StatusCode::OK, "{cleared}");
    assert!(cleared["cleared"].as_u64() >= Some(1), "{cleared}");
    assert_eq!(sign_in(&server, "198.51.100.99", "admin1", PASSWORD).await.0, StatusCode::OK, "cleared");
    assert!(server.audit_actions().await.iter().any(|a| a == "login_throttle.clear"), "clearing is audited");
    let (status, body) = admin.post("/v1/admin/login-throttles/clear", &json!({})).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("throttle.subject")), "{body}");
    server.stop().await;
}

uw_system_tests::both_engines! { guesses_never_lock_out_the_user_or_the_office => guesses_never_lock_out_the_user_or_the_office_sqlite, guesses_never_lock_out_the_user_or_the_office_postgres; }

/// Fifty guesses at once from one address: only the free five reach the
/// password check (a 401); the rest are told to wait (a 429).
async fn concurrent_guesses_are_counted_atomically(engine: &str) {
    let server = TestServer::start(engine).await;
    let mut guesses = tokio::task::JoinSet::new();
    for i in 0..50 {
        let base = server.base.clone();
        guesses.spawn(async move { sign_in_at(&base, "203.0.113.50", "uw1", &format!("guess number {i}")).await.0 });
    }
    let statuses = guesses.join_all().await;
    let checked = statuses.iter().filter(|s| **s == StatusCode::UNAUTHORIZED).count();
    let waited = statuses.iter().filter(|s| **s == StatusCode::TOO_MANY_REQUESTS).count();
    assert_eq!((checked, waited), (5, 45), "{statuses:?}");

    // The right password, five at once from one address, round after round:
    // each is counted and taken back without sign-ins waiting on each other
    // in a circle (PostgreSQL once answered some with a deadlock, a 500).
    for round in 0..10 {
        let mut sign_ins = tokio::task::JoinSet::new();
        for _ in 0..5 {
            let base = server.base.clone();
            sign_ins.spawn(async move { sign_in_at(&base, "203.0.113.60", "agent1", PASSWORD).await.0 });
        }
        let statuses = sign_ins.join_all().await;
        assert!(statuses.iter().all(|s| *s == StatusCode::OK), "round {round}: {statuses:?}");
    }
    server.stop().await;
}

uw_system_tests::both_engines! { concurrent_guesses_are_counted_atomically => concurrent_guesses_are_counted_atomically_sqlite, concurrent_guesses_are_counted_atomically_postgres; }
