//! Single sign-on through a real OpenID Connect provider (the npm package
//! `oidc-provider`, started by the test over HTTPS): sessions and device
//! enrollment through it, users made at first sign-in with their role from
//! their groups, the ID token attacked (wrong audience, expired, foreign
//! issuer, a key not published, a replayed nonce, a stolen code without its
//! verifier), a signing key rotated, and a person the provider disables
//! losing their sessions and devices. On SQLite and PostgreSQL.

use ed25519_dalek::Signer as _;
use reqwest::StatusCode;
use serde_json::{json, Value};
use uw_system_tests::api::{random_key, renewal, Device};
use uw_system_tests::oidc::{config, pkce, query, OidcProvider};
use uw_system_tests::testserver::TestServer;

/// Where the native app would listen (the browser stops before it).
const REDIRECT: &str = "http://127.0.0.1:49152/callback";

/// A sign-in at the provider, up to the redirect back: the state, the
/// code and the PKCE verifier.
struct Redirected {
    state: String,
    code: String,
    verifier: String,
}

async fn sign_in_at_provider(server: &TestServer, provider: &OidcProvider, username: &str) -> Result<Redirected, String> {
    let (verifier, challenge) = pkce();
    let (status, started) = server
        .client(None)
        .post("/v1/sso/authorizations", &json!({ "provider": "corp", "redirect_uri": REDIRECT, "code_challenge": challenge }))
        .await;
    assert_eq!(status, StatusCode::OK, "{started}");
    let url = started["authorization_url"].as_str().expect("authorization_url");
    assert!(url.starts_with(&format!("{}/", provider.issuer)), "{url}");
    let back = provider.browser().sign_in(url, username).await?;
    assert!(back.starts_with(REDIRECT), "{back}");
    let params = query(&back);
    assert_eq!(params["state"], started["state"].as_str().expect("state"), "the state comes back");
    Ok(Redirected { state: params["state"].clone(), code: params["code"].clone(), verifier })
}

async fn session(server: &TestServer, at: &Redirected) -> (StatusCode, Value) {
    let body = json!({ "state": at.state, "code": at.code, "code_verifier": at.verifier });
    server.client(None).post("/v1/sso/sessions", &body).await
}

async fn single_sign_on(engine: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let provider = OidcProvider::start(
        dir.path(),
        &config(
            &["uw-server", "another-app"],
            &[
                ("ann", "ann@carrier.example", &["uw-agents"]),
                ("bob", "bob@carrier.example", &["staff", "uw-admins"]),
                ("carl", "carl@carrier.example", &["marketing"]),
            ],
        ),
    );
    let server = TestServer::start(engine).await;
    let admin = server.login("admin1").await;

    // The administrator trusts the provider; the sign-in screen offers it.
    let settings = json!({
        "display_name": "Carrier sign-in", "issuer": provider.issuer, "client_id": "uw-server",
        "username_claim": "email", "roles_claim": "groups",
        "role_rules": [{ "value": "uw-agents", "role": "agent" }, { "value": "uw-admins", "role": "admin" }],
        "create_users": true, "agency": "Carrier Direct", "extra_scopes": ["groups"], "ca_certificate": provider.ca_pem,
    });
    let (status, saved) = admin.send(reqwest::Method::PUT, "/v1/admin/identity-providers/corp", Some(&settings)).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["has_client_secret"], false);
    let (_, choices) = server.client(None).get("/v1/sso/providers").await;
    assert_eq!(choices, json!([{ "id": "corp", "display_name": "Carrier sign-in" }]));

    // Bob signs in for a session: a user is made for him, an administrator
    // by his groups, who signs in with no password of his own.
    let bob_at = sign_in_at_provider(&server, &provider, "bob").await.expect("bob signs in");
    let (status, signed_in) = session(&server, &bob_at).await;
    assert_eq!(status, StatusCode::OK, "{signed_in}");
    assert_eq!(signed_in["user"]["username"], "bob@carrier.example");
    assert_eq!(signed_in["user"]["role"], "admin");
    assert_eq!(signed_in["must_enroll_second_factor"], false, "the provider answers for the second factor");
    let bob = server.client(signed_in["token"].as_str());
    let (status, users) = bob.get("/v1/admin/users").await;
    assert_eq!(status, StatusCode::OK, "bob reaches the admin endpoints: {users}");
    // The same state and code again: refused (a sign-in works once).
    let (status, again) = session(&server, &bob_at).await;
    assert_eq!((status, again["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("sso.attempt_unknown")), "{again}");

    // Ann enrolls her laptop through the provider: an agent of the
    // configured agency, her device proven by its key.
    let key = random_key();
    let ann_at = sign_in_at_provider(&server, &provider, "ann").await.expect("ann signs in");
    let public = hex::encode(key.verifying_key().as_bytes());
    let proof = hex::encode(key.sign(uw_protocol::enroll_proof_message(&format!("sso:{}", ann_at.state), &public).as_bytes()).to_bytes());
    let body = json!({ "state": ann_at.state, "code": ann_at.code, "code_verifier": ann_at.verifier,
                       "device_name": "ann-laptop", "device_public_key": public, "key_proof": proof });
    let (status, enrolled) = server.client(None).post("/v1/sso/enrollments", &body).await;
    assert_eq!(status, StatusCode::OK, "{enrolled}");
    assert_eq!(enrolled["user"]["role"], "agent");
    let ann = Device::enrolled(&server.client(None), key, &enrolled);
    let (status, _) = ann.client.get("/v1/devices/me").await;
    assert_eq!(status, StatusCode::OK);
    let (_, users) = admin.get("/v1/admin/users").await;
    let ann_user = users.as_array().expect("users").iter().find(|u| u["username"] == "ann@carrier.example").expect("ann's user");
    assert_eq!(ann_user["agency"], "Carrier Direct");
    assert_eq!(ann_user["sign_in_service"], "Carrier sign-in", "the administrator sees how she signs in");
    // Her password (nobody's) does not sign her in.
    let (status, _) =
        server.client(None).post("/v1/sessions", &json!({ "username": "ann@carrier.example", "password": "any password at all" })).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Carl's groups give no role here.
    let carl_at = sign_in_at_provider(&server, &provider, "carl").await.expect("carl signs in at the provider");
    let (status, refused) = session(&server, &carl_at).await;
    assert_eq!((status, refused["code"].as_str()), (StatusCode::FORBIDDEN, Some("sso.no_role")), "{refused}");

    // The ID token attacked: each one is refused, and nobody is signed in.
    for mode in ["audience", "expired", "issuer", "foreign-key", "replay"] {
        let at = sign_in_at_provider(&server, &provider, "bob").await.expect("bob signs in");
        provider.tamper(mode).await;
        let (status, refused) = session(&server, &at).await;
        assert_eq!((status, refused["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("sso.token_invalid")), "{mode}: {refused}");
        assert!(refused.get("token").is_none());
    }
    // A code without its verifier (stolen from the redirect) is worthless.
    let mut at = sign_in_at_provider(&server, &provider, "bob").await.expect("bob signs in");
    at.verifier = pkce().0;
    let (status, refused) = session(&server, &at).await;
    assert_eq!((status, refused["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("sso.verifier_mismatch")), "{refused}");
    // A redirect that is not the app's own loopback is refused up front.
    let (status, refused) = server
        .client(None)
        .post(
            "/v1/sso/authorizations",
            &json!({ "provider": "corp", "redirect_uri": "https://evil.example/cb", "code_challenge": pkce().1 }),
        )
        .await;
    assert_eq!((status, refused["code"].as_str()), (StatusCode::BAD_REQUEST, Some("sso.bad_redirect")));

    // The provider rotates its signing key: the server reads the new one.
    provider.rotate().await;
    let (status, rotated) = session(&server, &sign_in_at_provider(&server, &provider, "bob").await.expect("bob")).await;
    assert_eq!(status, StatusCode::OK, "after the rotation: {rotated}");

    // The provider disables Ann: her laptop cannot renew its token (the
    // server asks the provider then), and every token she holds is revoked.
    provider.disable("ann").await;
    assert!(sign_in_at_provider(&server, &provider, "ann").await.is_err(), "the provider refuses her");
    let (status, challenge) = server.client(None).post(&format!("/v1/devices/{}/challenge", ann.device_id), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{challenge}");
    let instance = enrolled["server_instance_id"].as_str().expect("instance");
    let (status, refused) = server
        .client(None)
        .post(&format!("/v1/devices/{}/token", ann.device_id), &renewal(instance, &ann.device_id, &challenge, &ann.key))
        .await;
    assert_eq!((status, refused["code"].as_str()), (StatusCode::FORBIDDEN, Some("auth.provider_ended")), "{refused}");
    let (status, _) = ann.client.get("/v1/devices/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "her device token was revoked");

    // The provider disables Bob: the next check ends his session.
    let (status, report) = admin.post("/v1/admin/identity-providers/check", &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["ended"], json!([]));
    assert!(report["still_active"].as_u64().expect("count") >= 1, "{report}");
    let (status, _) = bob.get("/v1/admin/users").await;
    assert_eq!(status, StatusCode::OK, "still signed in");
    provider.disable("bob").await;
    // Another replica is asking about Bob right now (its lease on his row):
    // this one leaves him alone rather than send his refresh token twice.
    let lease = |until: i64| {
        let storage = server.state.storage.clone();
        async move {
            let mut tx = storage.begin(uw_sync_server::storage::TxMode::Write).await.expect("begin");
            tx.execute(
                "UPDATE sso_identity SET checking_until = $1
                 WHERE user_id = (SELECT user_id FROM app_user WHERE username = 'bob@carrier.example')",
                uw_sync_server::storage::args![until],
            )
            .await
            .expect("lease");
            tx.commit().await.expect("commit");
        }
    };
    let now_ms = i64::try_from(time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000).expect("ms");
    lease(now_ms + 60_000).await;
    let (_, report) = admin.post("/v1/admin/identity-providers/check", &json!({})).await;
    assert_eq!((report["ended"].clone(), report["still_active"].clone()), (json!([]), json!(0)), "{report}");
    // The lease lapses (that replica died): the next check ends him.
    lease(now_ms - 1).await;
    let (_, report) = admin.post("/v1/admin/identity-providers/check", &json!({})).await;
    assert_eq!(report["ended"], json!(["bob@carrier.example"]), "{report}");
    let (status, _) = bob.get("/v1/admin/users").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "his session ended");

    // Every step is in the audit log; no token or secret is.
    let actions = server.audit_actions().await;
    for action in ["identity_provider.set", "user.add", "user.sso_link", "device.enroll", "user.sso_ended"] {
        assert!(actions.iter().any(|a| a == action), "{action} in {actions:?}");
    }
    assert_eq!(actions.iter().filter(|a| *a == "user.sso_ended").count(), 2);
    server.stop().await;
}

uw_system_tests::both_engines! { single_sign_on => single_sign_on_sqlite, single_sign_on_postgres; }

/// The desktop enrolls through the provider as a native app: the
/// administrator trusts the provider from the command line, the app opens
/// the sign-in page in "the system browser" (here the test's browser,
/// which signs in and follows the redirect to the app's loopback port),
/// and the device then syncs on its own key.
#[test]
fn a_desktop_enrolls_through_the_provider_in_the_system_browser() {
    use uw_system_tests::system::{now, Laptop, Org};
    let dirs = tempfile::tempdir().expect("tempdir");
    let provider = OidcProvider::start(dirs.path(), &config(&["uw-server"], &[("dee", "dee@carrier.example", &["uw-agents"])]));
    let ca = dirs.path().join("provider-ca.pem");
    std::fs::write(&ca, &provider.ca_pem).expect("write CA");
    let database = dirs.path().join("server.sqlite3");
    let org = Org::create(&["--sqlite", database.to_str().expect("utf-8")]);
    let said = org.admin(&[
        "sso",
        "set",
        "corp",
        "--name",
        "Carrier sign-in",
        "--issuer",
        &provider.issuer,
        "--client-id",
        "uw-server",
        "--role",
        "uw-agents=agent",
        "--create-users",
        "--scope",
        "groups",
        "--ca-file",
        ca.to_str().expect("utf-8"),
    ]);
    assert!(said.contains("corp"), "{said}");
    let server = org.start();
    let mut laptop = Laptop::open(&dirs.path().join("laptop"));
    let choices = laptop.ws.sign_in_providers(&server.base_url).expect("providers");
    assert_eq!(choices.iter().map(|p| p.display_name.as_str()).collect::<Vec<_>>(), ["Carrier sign-in"]);

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let mut browser = provider.browser();
    let mut browsing = None;
    let mut open = |url: &str| -> Result<(), uw_workstation::WorkstationError> {
        let back = runtime.block_on(browser.sign_in(url, "dee")).expect("dee signs in at the provider");
        // The browser follows the redirect to the app's loopback listener.
        browsing = Some(std::thread::spawn(move || reqwest::blocking::get(back).expect("the app answers").text().expect("page")));
        Ok(())
    };
    let enrolled = laptop.ws.enroll_with_provider(&server.base_url, "corp", "dee-laptop", &mut open, now()).expect("enrolled");
    let page = browsing.expect("the browser was opened").join().expect("browser");
    assert!(page.contains("You are signed in"), "{page}");
    assert_eq!(enrolled.user.username, "dee@carrier.example");
    assert_eq!(enrolled.user.role, uw_protocol::Role::Agent);
    laptop.ws.sync(now()).expect("the device syncs on its own key");
    drop(server);
}
