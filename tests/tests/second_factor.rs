//! The second factor (issue 29, item 2), attacked through the public API on
//! SQLite and PostgreSQL: an administrator without one reaches nothing but
//! its enrollment when the policy requires it; a code signs in once; a
//! wrong code is throttled like a wrong password while asking for the code
//! costs nothing; a recovery code works once; an administrator's reset ends
//! the user's sessions. The TOTP arithmetic itself is tested against RFC
//! 6238's vectors in `sync-server/src/second_factor.rs`.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use uw_protocol::{Role, SecondFactorPolicy};
use uw_sync_server::second_factor::{totp, Algorithm};
use uw_system_tests::testserver::{TestServer, PASSWORD};

/// `POST /v1/sessions` from the client `address`.
async fn sign_in(server: &TestServer, address: &str, username: &str, second_factor: Option<&str>) -> (StatusCode, Value) {
    let mut body = json!({ "username": username, "password": PASSWORD });
    if let Some(code) = second_factor {
        body["second_factor"] = json!(code);
    }
    let response = reqwest::Client::new()
        .post(format!("{}/v1/sessions", server.base))
        .header(uw_protocol::VERSION_HEADER, "1")
        .header("x-forwarded-for", address)
        .json(&body)
        .send()
        .await
        .expect("send");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn code_at(key: &[u8], offset_seconds: i64) -> String {
    code_at_time(key, time::OffsetDateTime::now_utc().unix_timestamp() + offset_seconds)
}

fn code_at_time(key: &[u8], unix_seconds: i64) -> String {
    totp(key, Algorithm::Sha1, 6, 30, unix_seconds)
}

/// Sets up an authenticator for the session `token`; returns its key, the
/// recovery codes and the time (Unix seconds) of the code that confirmed it,
/// so a test names that step's codes even when a 30-second step ends meanwhile.
async fn enroll_totp(server: &TestServer, token: &str) -> (Vec<u8>, Vec<String>, i64) {
    let session = server.client(Some(token));
    let (status, started) = session.post("/v1/me/second-factor/totp", &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{started}");
    let secret = started["secret"].as_str().expect("secret");
    let uri = started["uri"].as_str().expect("uri");
    assert!(uri.starts_with("otpauth://totp/Test%20Org:") && uri.contains(&format!("secret={secret}")), "{uri}");
    let key = uw_system_tests::base32_decode(secret);
    assert_eq!(key.len(), 20);
    let (status, body) = session.post("/v1/me/second-factor/totp/confirm", &json!({ "code": "000000" })).await;
    let wrong = if code_at(&key, 0) == "000000" { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    assert_eq!(status, wrong, "a wrong code does not confirm: {body}");
    let confirmed_at = time::OffsetDateTime::now_utc().unix_timestamp();
    let (status, codes) = session.post("/v1/me/second-factor/totp/confirm", &json!({ "code": code_at_time(&key, confirmed_at) })).await;
    assert_eq!(status, StatusCode::OK, "{codes}");
    let codes: Vec<String> = codes["codes"].as_array().expect("codes").iter().map(|c| c.as_str().expect("code").to_owned()).collect();
    assert_eq!(codes.len(), 10);
    (key, codes, confirmed_at)
}

async fn an_administrator_needs_a_second_factor(engine: &str) {
    let server = TestServer::start(engine).await;
    // The policy `admin init` sets for a real organisation.
    let policy = SecondFactorPolicy { roles: vec![Role::Admin, Role::Auditor] };
    uw_sync_server::second_factor::set_policy(&server.state, &uw_sync_server::audit::Actor::system("test"), &policy, "t")
        .await
        .expect("policy");

    // The password alone gives a session that reaches nothing but enrollment.
    let (status, login) = sign_in(&server, "198.51.100.1", "admin1", None).await;
    assert_eq!(status, StatusCode::OK, "{login}");
    assert_eq!(login["must_enroll_second_factor"], true, "{login}");
    let token = login["token"].as_str().expect("token").to_owned();
    let admin = server.client(Some(&token));
    for (method, path, body) in [
        (Method::GET, "/v1/admin/users", None),
        (Method::GET, "/v1/admin/devices", None),
        (Method::PUT, "/v1/admin/second-factor-policy", Some(json!({ "roles": [] }))),
        (Method::POST, "/v1/admin/users", Some(json!({ "username": "mallory", "password": "a long enough password", "role": "admin" }))),
        (Method::GET, "/v1/audit/checkpoint", None),
        (Method::GET, "/v1/policies", None),
    ] {
        let (status, body) = admin.send(method.clone(), path, body.as_ref()).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::FORBIDDEN, Some(uw_protocol::codes::SECOND_FACTOR_ENROLLMENT_REQUIRED)),
            "{method} {path}: {body}"
        );
    }
    let (status, me) = admin.get("/v1/me").await;
    assert_eq!((status, me["username"].as_str()), (StatusCode::OK, Some("admin1")), "{me}");
    let (status, state) = admin.get("/v1/me/second-factor").await;
    assert_eq!((status, &state), (StatusCode::OK, &json!({ "required": true, "enrolled": false, "recovery_codes_left": 0 })));

    // Enrolling unlocks this session.
    let (key, recovery, confirmed_at) = enroll_totp(&server, &token).await;
    let (status, users) = admin.get("/v1/admin/users").await;
    assert_eq!(status, StatusCode::OK, "{users}");
    let listed = users.as_array().expect("users").iter().find(|u| u["username"] == "admin1").cloned().expect("admin1");
    assert_eq!(listed["second_factor"], true, "{listed}");
    let (status, again) = admin.post("/v1/me/second-factor/totp", &json!({})).await;
    assert_eq!(
        (status, again["code"].as_str()),
        (StatusCode::CONFLICT, Some("second_factor.enrolled")),
        "a stolen session cannot swap the key"
    );

    // From now on the password alone is not enough, and asking for the code
    // costs nothing: ten times over, never a wait.
    for _ in 0..10 {
        let (status, body) = sign_in(&server, "198.51.100.2", "admin1", None).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some(uw_protocol::codes::SECOND_FACTOR_REQUIRED)), "{body}");
    }
    // The code used to confirm cannot sign in again (replay); the next
    // step's can, once.
    let (status, body) = sign_in(&server, "198.51.100.2", "admin1", Some(&code_at_time(&key, confirmed_at))).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some(uw_protocol::codes::SECOND_FACTOR_INVALID)),
        "replayed: {body}"
    );
    let next = code_at_time(&key, confirmed_at + 30);
    let (status, body) = sign_in(&server, "198.51.100.2", "admin1", Some(&next)).await;
    assert_eq!(status, StatusCode::OK, "the next step's code: {body}");
    assert_eq!(body["must_enroll_second_factor"], false);
    assert_eq!(server.client(body["token"].as_str()).get("/v1/admin/devices").await.0, StatusCode::OK);
    let (status, body) = sign_in(&server, "198.51.100.3", "admin1", Some(&next)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a code signs in once: {body}");

    // A recovery code signs in once, typed however.
    let typed = recovery[0].to_lowercase().replace('-', " ");
    assert_eq!(sign_in(&server, "198.51.100.4", "admin1", Some(&typed)).await.0, StatusCode::OK);
    assert_eq!(sign_in(&server, "198.51.100.4", "admin1", Some(&recovery[0])).await.0, StatusCode::UNAUTHORIZED, "used up");
    let (_, state) = admin.get("/v1/me/second-factor").await;
    assert_eq!(state["recovery_codes_left"], 9, "{state}");

    // Guessing codes with the right password is throttled like guessing
    // passwords: the account at one address has five free attempts.
    let guesser = "203.0.113.9";
    let mut statuses = Vec::new();
    for i in 0..8 {
        statuses.push(sign_in(&server, guesser, "admin1", Some(&format!("{:06}", 100_000 + i))).await.0);
    }
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "wrong codes are throttled: {statuses:?}");

    // The auditor enrolls; the administrator resets it (a lost phone),
    // which ends the auditor's sessions.
    let (_, login) = sign_in(&server, "198.51.100.5", "auditor1", None).await;
    let auditor_token = login["token"].as_str().expect("token").to_owned();
    enroll_totp(&server, &auditor_token).await;
    let auditor = server.client(Some(&auditor_token));
    assert_eq!(auditor.get("/v1/audit/keys").await.0, StatusCode::OK, "enrolled: the auditor works");
    let (status, body) = admin.post("/v1/admin/users/auditor1/second-factor/reset", &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(auditor.get("/v1/me").await.0, StatusCode::UNAUTHORIZED, "the auditor's session ended");
    let (status, login) = sign_in(&server, "198.51.100.5", "auditor1", None).await;
    assert_eq!((status, login["must_enroll_second_factor"].as_bool()), (StatusCode::OK, Some(true)), "sets one up again: {login}");

    // An agent is not required to have one, and the policy is the
    // administrator's to change.
    let (_, login) = sign_in(&server, "198.51.100.6", "agent1", None).await;
    assert_eq!(login["must_enroll_second_factor"], false, "{login}");
    let (status, policy) = admin.send(Method::PUT, "/v1/admin/second-factor-policy", Some(&json!({ "roles": ["agent", "admin"] }))).await;
    assert_eq!((status, policy), (StatusCode::OK, json!({ "roles": ["agent", "admin"] })));
    let (_, login) = sign_in(&server, "198.51.100.6", "agent1", None).await;
    assert_eq!(login["must_enroll_second_factor"], true, "{login}");

    let actions = server.audit_actions().await;
    for action in ["second_factor.policy", "user.second_factor_enroll", "user.second_factor_reset"] {
        assert!(actions.iter().any(|a| a == action), "{action} is audited: {actions:?}");
    }
    server.stop().await;
}

uw_system_tests::both_engines! { an_administrator_needs_a_second_factor => an_administrator_needs_a_second_factor_sqlite, an_administrator_needs_a_second_factor_postgres; }

/// A device of a role the organisation requires a second factor of, through
/// the workstation against the real server: enrollment is refused until the
/// user has an authenticator app; they set one up in a console session,
/// then enroll with a recovery code; the device then syncs on its own key.
#[test]
fn an_underwriter_sets_up_an_app_then_enrolls_a_device_with_a_code() {
    use uw_system_tests::system::{codes, now, Laptop, Org};
    use uw_workstation::Secret;
    let dirs = tempfile::tempdir().expect("tempdir");
    let database = dirs.path().join("server.sqlite3");
    let org = Org::create(&["--sqlite", database.to_str().expect("utf-8")]);
    org.admin(&["second-factor", "underwriter"]);
    let server = org.start();
    let password = Secret::new(org.demo.password("underwriter"));
    let mut desk = Laptop::open(&dirs.path().join("desk"));
    let refused = desk.ws.enroll(&server.base_url, "underwriter", &password, "desk", now()).expect_err("no app yet");
    assert_eq!(codes(&refused).1.as_deref(), Some("auth.second_factor_enrollment_required"), "{refused}");

    let session = desk.ws.sign_in(&server.base_url, "underwriter", &password, None).expect("a session to set up the app");
    assert!(session.must_enroll_second_factor);
    let setup = desk.ws.begin_totp().expect("a key");
    let key = uw_system_tests::base32_decode(setup.secret.expose());
    let recovery = desk.ws.confirm_totp(&Secret::new(code_at(&key, 0))).expect("confirmed").codes;
    desk.ws.sign_out();

    let asked = desk.ws.enroll(&server.base_url, "underwriter", &password, "desk", now()).expect_err("the code is needed now");
    assert_eq!(codes(&asked).1.as_deref(), Some("auth.second_factor_required"), "{asked}");
    let wrong = desk
        .ws
        .enroll_with_code(&server.base_url, ("underwriter", &password, Some(&Secret::new("000000"))), "desk", now())
        .expect_err("a wrong code");
    assert_eq!(codes(&wrong).1.as_deref(), Some("auth.second_factor_invalid"), "{wrong}");
    let enrolled = desk
        .ws
        .enroll_with_code(&server.base_url, ("underwriter", &password, Some(&recovery[0])), "desk", now())
        .expect("enrolls with a recovery code");
    assert!(!enrolled.device_id.is_empty());
    desk.ws.sync(now()).expect("the device syncs on its own key");
    drop(server);
}
