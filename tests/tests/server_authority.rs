//! The security suite, part one: the server's authority over binds and
//! policy changes, attacked through the public API on SQLite and
//! PostgreSQL. Each test is an attack from `../shared/reviews/security.md`
//! (H3, H4; attack tests 8–14 and 37) that the server accepted before.
//!
//! The server runs in this process so the tests can move its clock.

use reqwest::StatusCode;
use serde_json::{json, Value};
use time::Duration;
use uw_rating::pack::digest;
use uw_rating::{LoadMode, PackFiles, RatePack, TrustedKeys};
use uw_sync_server::admin::{self, BackdateKind};
use uw_sync_server::audit::Actor;
use uw_system_tests::api::{
    bind_payload, policy_request, rated_payload, term_premium, tx_auto_example, tx_auto_pack, tx_draft_effective, Device,
};
use uw_system_tests::testserver::{enroll, TestServer};
use uw_system_tests::workspace_root;

/// The server's today (its clock may have been moved).
fn server_today(server: &TestServer) -> time::Date {
    server.state.clock.now().date()
}

/// A revision of the Texas auto pack, signed with the development key:
/// bodily injury dearer, in force for new business and renewals from `from`.
fn tx_revision(version: &str, from: time::Date) -> PackFiles {
    let key_hex = std::fs::read_to_string(workspace_root().join("rate-packs/keys/uw-dev-2026.key")).expect("dev key");
    tx_revision_signed(version, from, "uw-dev-2026", &digest::signing_key_from_hex(&key_hex).expect("key"))
}

/// [`tx_revision`] signed with `key` as `key_id`.
fn tx_revision_signed(version: &str, from: time::Date, key_id: &str, key: &ed25519_dalek::SigningKey) -> PackFiles {
    let draft = tx_draft_effective(version, "560.00", &from.to_string(), &from.to_string());
    let mut files = draft.files().clone();
    files.insert(digest::SIGNATURE_FILE.into(), digest::sign(&digest::digest(&draft), key_id, key));
    PackFiles::from_files("revision", files)
}

/// Publishes `files` as the operator does (`admin publish-packs`), and
/// returns the compiled pack.
async fn publish(server: &TestServer, files: &PackFiles) -> RatePack {
    publish_signed(server, files, &TrustedKeys::development()).await
}

/// [`publish`] for a pack signed by one of `keys`.
async fn publish_signed(server: &TestServer, files: &PackFiles, keys: &TrustedKeys) -> RatePack {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files.files() {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    admin::publish_packs(&server.state, &Actor::system(admin::CLI_ACTOR), dir.path()).await.expect("published");
    uw_rating::compile(files, LoadMode::Verified(keys)).expect("compiles")
}

/// A Texas auto quote effective on `on`.
fn tx_quote(on: time::Date) -> Value {
    let mut quote = tx_auto_example("01-clean-standard.json");
    quote["effective_date"] = json!(on.to_string());
    quote
}

/// Pushes `quote.rated` for `quote` priced with `pack`; returns the payload and the result.
async fn rate(device: &mut Device, pack: &RatePack, quote: &Value) -> (Value, Value) {
    let number = device.quote_number();
    let rated = uw_system_tests::api::rated_payload(pack, &number, 1, quote);
    let result = device.push_op("quote.rated", &rated).await.remove(0);
    (rated, result)
}

async fn bind(device: &mut Device, rated: &Value) -> Value {
    device.push_op("quote.bind_requested", &bind_payload(rated)).await.remove(0)
}

fn code(result: &Value) -> &str {
    result["code"].as_str().unwrap_or(result["outcome"].as_str().unwrap_or("?"))
}

/// Binds are the server's to decide: not with a superseded pack, not as a
/// renewal, not before the server's today (beyond what the organisation
/// allows), not after 30 days by the server's clock.
async fn binds_the_server_decides(engine: &str) {
    let server = TestServer::start(engine).await;
    let (mut laptop, _) = enroll(&server, "agent1").await;
    let v1 = tx_auto_pack();
    let tomorrow = server_today(&server) + Duration::days(1);

    // Rated with the pack in force, before a revision is published.
    let (early, result) = rate(&mut laptop, &v1, &tx_quote(tomorrow)).await;
    assert_eq!(result["outcome"], "accepted", "{result}");

    // A revision takes effect today: v1 is superseded for tomorrow's cover.
    let v2 = publish(&server, &tx_revision("2026.9", server_today(&server))).await;
    let (_, result) = rate(&mut laptop, &v1, &tx_quote(tomorrow)).await;
    assert_eq!(code(&result), "rating.pack_superseded", "{result}");
    assert!(result["reason"].as_str().unwrap_or_default().contains("tx-personal-auto 2026.9"), "names the pack in force: {result}");
    assert!(!result["reason"].as_str().unwrap_or_default().contains('@'), "no digest on an agent's screen: {result}");
    let result = bind(&mut laptop, &early).await;
    assert_eq!(code(&result), "rating.pack_superseded", "a quote rated before the revision binds at the new rates only: {result}");
    let (current, result) = rate(&mut laptop, &v2, &tx_quote(tomorrow)).await;
    assert_eq!(result["outcome"], "accepted", "{result}");
    assert_eq!(bind(&mut laptop, &current).await["outcome"], "accepted");

    // New business cannot call itself a renewal (renewal-only factors and dates).
    let mut renewal = tx_quote(tomorrow);
    renewal["renewal"] = json!(true);
    let (_, result) = rate(&mut laptop, &v2, &renewal).await;
    assert_eq!(code(&result), "quote.renewal_flag", "{result}");

    // Cover that started before the server's today: refused at bind (a
    // policy bound after a loss), unless the organisation allows it.
    let backdated = tx_quote(server_today(&server) - Duration::days(10));
    let (rated, result) = rate(&mut laptop, &v1, &backdated).await;
    assert_eq!(result["outcome"], "accepted", "a quote may be priced for any date: {result}");
    let result = bind(&mut laptop, &rated).await;
    assert_eq!(code(&result), "bind.backdated", "{result}");
    let reason = result["reason"].as_str().unwrap_or_default();
    assert!(reason.contains(&server_today(&server).to_string()), "says which date would do: {reason}");
    let system = Actor::system(admin::CLI_ACTOR);
    admin::allow_backdating(&server.state, &system, ("TX", "personal-auto"), BackdateKind::NewBusiness, 5).await.expect("allowed");
    assert_eq!(code(&bind(&mut laptop, &rated).await), "bind.backdated", "10 days is beyond the 5 allowed");
    admin::allow_backdating(&server.state, &system, ("TX", "personal-auto"), BackdateKind::NewBusiness, 10).await.expect("allowed");
    assert_eq!(bind(&mut laptop, &rated).await["outcome"], "accepted", "within the allowance");
    let too_far = admin::allow_backdating(&server.state, &system, ("TX", "personal-auto"), BackdateKind::NewBusiness, 400).await;
    assert!(too_far.as_ref().is_err_and(|e| e.to_string().starts_with("days: 400 is outside 0..=")), "{too_far:?}");

    // A quote rated 31 days ago by the server's clock: expired, whatever the device's clock says.
    let far = server_today(&server) + Duration::days(45);
    let (stale, result) = rate(&mut laptop, &v2, &tx_quote(far)).await;
    assert_eq!(result["outcome"], "accepted", "{result}");
    server.state.clock.advance(Duration::days(31));
    let result = bind(&mut laptop, &stale).await;
    assert_eq!(code(&result), "bind.quote_expired", "{result}");
    assert!(result["reason"].as_str().unwrap_or_default().contains("rate it again"), "{result}");

    // Each refusal is in the audit log.
    let actions = server.audit_actions().await;
    let refused = actions.iter().filter(|a| *a == "policy.bind.refused" || *a == "quote.rated.refused").count();
    assert!(refused >= 6, "every refusal is audited: {refused} found");
    server.stop().await;
}

/// B3: Texas includes PIP and UM unless the insured rejects them in
/// writing (Tex. Ins. Code 1952.152, 1952.101). A device that skips its own
/// check and asks to bind a quote without PIP and without the signed
/// rejection is refused by the server; before, it bound.
async fn a_bind_needs_the_signed_rejections(engine: &str) {
    let server = TestServer::start(engine).await;
    let (mut laptop, _) = enroll(&server, "agent1").await;
    let pack = tx_auto_pack();
    let tomorrow = server_today(&server) + Duration::days(1);
    let mut unsigned = tx_quote(tomorrow);
    unsigned.as_object_mut().expect("an object").remove("elections");
    let (rated, result) = rate(&mut laptop, &pack, &unsigned).await;
    assert_eq!(result["outcome"], "accepted", "a quote without the form still rates: {result}");
    let result = bind(&mut laptop, &rated).await;
    assert_eq!(code(&result), "bind.unsigned", "{result}");
    let reason = result["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("Personal injury protection is included unless the insured rejects it in writing (Tex. Ins. Code 1952.152)"),
        "{reason}"
    );
    let mut signed = tx_quote(tomorrow);
    signed["elections"][0]["signed_on"] = json!(tomorrow.to_string());
    let (rated, result) = rate(&mut laptop, &pack, &signed).await;
    assert_eq!(result["outcome"], "accepted", "{result}");
    assert_eq!(bind(&mut laptop, &rated).await["outcome"], "accepted", "with the signed rejection it binds");
    server.stop().await;
}

uw_system_tests::both_engines! { a_bind_needs_the_signed_rejections => a_bind_needs_the_signed_rejections_sqlite, a_bind_needs_the_signed_rejections_postgres; }

uw_system_tests::both_engines! { binds_the_server_decides => binds_the_server_decides_sqlite, binds_the_server_decides_postgres; }

/// The first driver with `reckless` reckless-driving convictions 100 days
/// before `on` (the term's start, the date an endorsement's input rates).
fn with_reckless_driver(quote: &Value, on: time::Date, reckless: usize) -> Value {
    let mut changed = quote.clone();
    let date = (on - Duration::days(100)).to_string();
    changed["drivers"][0]["violations"] = json!(vec![json!({ "date": date, "kind": "reckless-driving" }); reckless]);
    changed
}

/// Policy changes are underwritten as new business is: a decline is refused,
/// a referral is an underwriter's; an agent's endorsement is not backdated;
/// an insurer's cancellation is undone only by an underwriter.
async fn policy_changes_are_underwritten(engine: &str) {
    let server = TestServer::start(engine).await;
    let (mut laptop, _) = enroll(&server, "agent1").await;
    let start = server_today(&server) + Duration::days(1);
    let mut quote = tx_quote(start);
    quote["term_months"] = json!(12);
    let rated = rated_payload(&tx_auto_pack(), &laptop.quote_number(), 1, &quote);
    assert_eq!(laptop.push_op("quote.rated", &rated).await[0]["outcome"], "accepted");
    let bound = bind(&mut laptop, &rated).await;
    let policy = bound["result"]["policy_number"].as_str().expect("policy number").to_owned();
    let path = format!("/v1/policies/{policy}/transactions");
    let endorse = |q: &Value, on: time::Date, version: u32| {
        let input = json!({ "quote": q, "contact": {}, "licenses": [] });
        policy_request(
            &policy,
            version,
            json!({ "kind": "endorse", "effective": on.to_string(), "term_premium": term_premium(q), "description": "a change" }),
            Some(&input),
        )
    };

    // 150 days into the term.
    server.state.clock.advance(Duration::days(151));
    let today = server_today(&server);
    let agent = server.login("agent1").await;
    let underwriter = server.login("uw1").await;

    // A driver the rules decline (6 points): refused for everyone.
    let declined = with_reckless_driver(&quote, start, 2);
    for (who, client) in [("agent", &agent), ("underwriter", &underwriter)] {
        let (status, body) = client.post(&path, &endorse(&declined, today, 1)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("policy.declined")), "{who}: {body}");
        assert!(body["message"].as_str().unwrap_or_default().contains("Six or more violation points"), "{body}");
    }

    // A vehicle the rules refer (over 50,000 miles): the agent's change waits
    // for an underwriter, as a referred quote does.
    let mut referred = quote.clone();
    referred["vehicles"][0]["annual_miles"] = json!(60_000);
    let (status, body) = agent.post(&path, &endorse(&referred, today, 1)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("policy.referred")), "{body}");
    assert!(body["message"].as_str().unwrap_or_default().contains("waits for their decision"), "{body}");
    let (_, waiting) = underwriter.get("/v1/policy-referrals").await;
    let waiting = waiting.as_array().expect("referrals").clone();
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    assert_eq!((waiting[0]["policy_number"].as_str(), waiting[0]["agent"].as_str()), (Some(policy.as_str()), Some("agent1")));
    assert!(waiting[0]["reasons"][0].as_str().unwrap_or_default().contains("50,000 miles"), "{waiting:?}");
    let referral_id = waiting[0]["referral_id"].as_str().expect("id").to_owned();
    let decide = format!("/v1/policy-referrals/{referral_id}/decision");
    assert_eq!(agent.post(&decide, &json!({ "approve": true })).await.0, StatusCode::FORBIDDEN, "not the agent's to decide");
    let (status, body) = underwriter.post(&decide, &json!({ "approve": false, "note": " " })).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("referral.note")), "{body}");

    // Back to the term's first day (a loss on day 150, cover bought "on day 1"): not for an agent.
    let mut comprehensive = quote.clone();
    comprehensive["coverages"][4]["deductible"] = json!("250");
    let (status, body) = agent.post(&path, &endorse(&comprehensive, start, 1)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("policy.backdated")), "{body}");
    let (status, body) = agent.post(&path, &endorse(&comprehensive, today, 1)).await;
    assert_eq!(status, StatusCode::OK, "dated today, the same change goes through: {body}");
    // The referral was prepared on version 1; the policy moved on: making
    // it now is a conflict, and it stays waiting.
    let (status, body) = underwriter.post(&decide, &json!({ "approve": true, "note": "verified" })).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("policy.stale_version")), "{body}");
    let (status, body) = underwriter.post(&decide, &json!({ "approve": false, "note": "prepared on an old version; send it again" })).await;
    assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("declined")), "{body}");
    assert_eq!(underwriter.post(&decide, &json!({ "approve": true })).await.0, StatusCode::CONFLICT, "decided already");
    // Asked again on the current version, the underwriter makes it as prepared.
    let (_, body) = agent.post(&path, &endorse(&referred, today, 2)).await;
    assert_eq!(body["code"], "policy.referred", "{body}");
    let (_, waiting) = underwriter.get("/v1/policy-referrals").await;
    let again = waiting[0]["referral_id"].as_str().expect("id").to_owned();
    let (status, made) =
        underwriter.post(&format!("/v1/policy-referrals/{again}/decision"), &json!({ "approve": true, "note": "mileage verified" })).await;
    assert_eq!((status, made["status"].as_str()), (StatusCode::OK, Some("approved")), "{made}");
    assert_eq!(made["transacted"]["version"], 3, "{made}");
    let (_, detail) = agent.get(&format!("/v1/policies/{policy}")).await;
    assert_eq!(detail["input"]["quote"]["vehicles"][0]["annual_miles"], 60_000, "the agent's change is in force");
    assert!(underwriter.get("/v1/policy-referrals").await.1.as_array().is_some_and(Vec::is_empty));

    // The underwriter cancels for misrepresentation; the agent may not reinstate it.
    let cancel = policy_request(
        &policy,
        3,
        json!({ "kind": "cancel", "effective": (today + Duration::days(30)).to_string(), "reason": "material_misrepresentation" }),
        None,
    );
    let (status, body) = underwriter.post(&path, &cancel).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let reinstate = policy_request(&policy, 4, json!({ "kind": "reinstate" }), None);
    let (status, body) = agent.post(&path, &reinstate).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("auth.forbidden")), "{body}");
    let (status, body) = underwriter.post(&path, &reinstate).await;
    assert_eq!(status, StatusCode::OK, "the underwriter may: {body}");

    // Pushed from a laptop that was offline, a referred change waits too.
    let mut farther = quote.clone();
    farther["vehicles"][0]["annual_miles"] = json!(70_000);
    // (The first laptop's 90-day token ran out while the clock moved; a tablet enrolls now.)
    let (mut tablet, _) = enroll(&server, "agent1").await;
    let results = tablet.push_op("policy.transaction", &endorse(&farther, today, 5)).await;
    assert_eq!((results[0]["outcome"].as_str(), results[0]["code"].as_str()), (Some("rejected"), Some("policy.referred")), "{results:?}");
    let (_, waiting) = underwriter.get("/v1/policy-referrals").await;
    assert_eq!(waiting.as_array().map(Vec::len), Some(1), "{waiting}");
    assert_eq!(waiting[0]["base_version"], 5);
    assert!(waiting[0]["request"]["input"].get("contact").is_none(), "{waiting}");
    server.stop().await;
}

uw_system_tests::both_engines! { policy_changes_are_underwritten => policy_changes_are_underwritten_sqlite, policy_changes_are_underwritten_postgres; }

/// After a revision, a renewal is offered on the pack in force for renewals
/// then: the latest, never "two packs, ambiguous" (attack test 37).
async fn renewal_after_a_revision(engine: &str) {
    let server = TestServer::start(engine).await;
    let (mut laptop, _) = enroll(&server, "agent1").await;
    let agent = server.login("agent1").await;
    let system = Actor::system(admin::CLI_ACTOR);
    admin::allow_backdating(&server.state, &system, ("TX", "personal-auto"), BackdateKind::NewBusiness, 160).await.expect("allowed");
    let today = server_today(&server);
    let mut six = tx_quote(today - Duration::days(152));
    six["term_months"] = json!(6);
    let rated = rated_payload(&tx_auto_pack(), &laptop.quote_number(), 1, &six);
    assert_eq!(laptop.push_op("quote.rated", &rated).await[0]["outcome"], "accepted");
    let bound = bind(&mut laptop, &rated).await;
    let policy = bound["result"]["policy_number"].as_str().expect("policy number").to_owned();
    let v2 = publish(&server, &tx_revision("2026.9", today)).await;
    let (_, detail) = agent.get(&format!("/v1/policies/{policy}")).await;
    let term_end = detail["policy"]["term"]["end"].as_str().expect("term end").to_owned();
    let mut renewal = six.clone();
    renewal["effective_date"] = json!(term_end);
    renewal["renewal"] = json!(true);
    let valid = uw_rating::Quote::from_json(&renewal.to_string()).and_then(uw_rating::Quote::validate).expect("valid");
    let offer = |pack: &RatePack| {
        let rating = uw_rating::rate(pack, &valid).expect("rates");
        let premium = rating.total - rating.fee_total();
        policy_request(&policy, 1, json!({ "kind": "offer_renewal", "premium": premium.to_string(), "pack_id": pack.id() }), None)
            .as_object()
            .cloned()
            .map(|mut o| {
                o.insert("input".into(), json!({ "quote": renewal, "contact": {}, "licenses": [] }));
                o.insert("pack_digest".into(), json!(pack.digest().to_hex()));
                Value::Object(o)
            })
            .expect("object")
    };
    let path = format!("/v1/policies/{policy}/transactions");
    let (status, body) = agent.post(&path, &offer(&tx_auto_pack())).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("policy.renewal_pack")), "{body}");
    assert!(body["message"].as_str().unwrap_or_default().contains(&v2.info().label()), "{body}");
    let (status, body) = agent.post(&path, &offer(&v2)).await;
    assert_eq!(status, StatusCode::OK, "renewed on the revision: {body}");
    server.stop().await;
}

uw_system_tests::both_engines! { renewal_after_a_revision => renewal_after_a_revision_sqlite, renewal_after_a_revision_postgres; }

/// A fresh Ed25519 key and its public half in hex.
fn new_key() -> (ed25519_dalek::SigningKey, String) {
    let key = uw_system_tests::api::random_key();
    let public = hex::encode(key.verifying_key().as_bytes());
    (key, public)
}

/// Pack keys: an underwriter registers an approval key only by proving they
/// hold it, and only an administrator's approval makes it count; a revoked
/// key reaches desktops, and a pack signed only by it stops pricing new
/// business (attack test 26).
async fn pack_keys_are_registered_and_revoked(engine: &str) {
    let server = TestServer::start(engine).await;
    let underwriter = server.login("uw1").await;
    let admin = server.login("admin1").await;
    let (key, public) = new_key();
    let proof = |signer: &ed25519_dalek::SigningKey, username: &str| {
        let message = uw_protocol::approval_key_proof_message(username, "uw1-approval", &public);
        hex::encode(ed25519_dalek::Signer::sign(signer, message.as_bytes()).to_bytes())
    };
    let ask = |proof: String| json!({ "key_id": "uw1-approval", "public_key": public, "proof": proof });
    // Someone else's key (signed by another key, or for another user) is refused.
    let (other, _) = new_key();
    let (status, body) = underwriter.post("/v1/pack-keys/requests", &ask(proof(&other, "uw1"))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("key.proof")), "{body}");
    let (status, body) = underwriter.post("/v1/pack-keys/requests", &ask(proof(&key, "uw2"))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("key.proof")), "{body}");
    let agent = server.login("agent1").await;
    assert_eq!(agent.post("/v1/pack-keys/requests", &ask(proof(&key, "agent1"))).await.0, StatusCode::FORBIDDEN);
    let (status, pending) = underwriter.post("/v1/pack-keys/requests", &ask(proof(&key, "uw1"))).await;
    assert_eq!(status, StatusCode::OK, "{pending}");
    assert_eq!(underwriter.post("/v1/pack-keys/requests", &ask(proof(&key, "uw1"))).await.0, StatusCode::OK, "asking again is answered");
    // Asked for is not trusted until an administrator approves it.
    let trusted_ids =
        |keys: &Value| keys.as_array().expect("keys").iter().map(|k| k["key_id"].as_str().unwrap_or("").to_owned()).collect::<Vec<_>>();
    let (_, keys) = admin.get("/v1/admin/pack-keys").await;
    assert!(!trusted_ids(&keys).contains(&"uw1-approval".to_owned()), "{keys}");
    let (status, listed) = admin.get("/v1/admin/pack-key-requests").await;
    assert_eq!((status, listed[0]["username"].as_str()), (StatusCode::OK, Some("uw1")), "{listed}");
    let (status, trusted) = admin.post("/v1/admin/pack-key-requests/uw1-approval/approve", &json!({})).await;
    assert_eq!((status, trusted["username"].as_str()), (StatusCode::OK, Some("uw1")), "{trusted}");
    assert!(server.audit_actions().await.iter().any(|a| a == "pack_key.request"));
    let (_, keys) = admin.get("/v1/admin/pack-keys").await;
    assert!(trusted_ids(&keys).contains(&"uw1-approval".to_owned()), "{keys}");

    // An organisation key signs a revision; it prices until the key is revoked.
    let (org_key, org_public) = new_key();
    uw_sync_server::pack_keys::trust_pack_key(&server.state, &Actor::system(admin::CLI_ACTOR), "acme-2026", &org_public, None, "test")
        .await
        .expect("trusted");
    let revision = tx_revision_signed("2026.9", server_today(&server), "acme-2026", &org_key);
    let mut acme = TrustedKeys::new();
    acme.add_hex("acme-2026", &org_public).expect("key");
    let v2 = publish_signed(&server, &revision, &acme).await;
    let (mut laptop, _) = enroll(&server, "agent1").await;
    let tomorrow = server_today(&server) + Duration::days(1);
    let (_, result) = rate(&mut laptop, &v2, &tx_quote(tomorrow)).await;
    assert_eq!(result["outcome"], "accepted", "{result}");
    let (status, revoked) = admin.post("/v1/admin/pack-keys/acme-2026/revoke", &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    assert!(revoked["revoked_at"].is_string(), "{revoked}");
    let (status, again) = admin.post("/v1/admin/pack-keys/acme-2026/revoke", &json!({})).await;
    assert_eq!((status, again["code"].as_str()), (StatusCode::CONFLICT, Some("key.revoked")), "{again}");
    let (_, result) = rate(&mut laptop, &v2, &tx_quote(tomorrow)).await;
    assert_eq!(code(&result), "rating.pack_revoked", "{result}");
    let (_, result) = rate(&mut laptop, &tx_auto_pack(), &tx_quote(tomorrow)).await;
    assert_eq!(result["outcome"], "accepted", "the revision gone, the pack before it is in force again: {result}");
    // Desktops learn of it on their next pull.
    let (_, page) = laptop.client.get("/v1/sync/pull?cursor=0").await;
    let revoked_change =
        page["changes"].as_array().expect("changes").iter().any(|c| c["kind"] == "key_revoked" && c["body"]["key_id"] == "acme-2026");
    assert!(revoked_change, "{page}");
    server.stop().await;
}

uw_system_tests::both_engines! { pack_keys_are_registered_and_revoked => pack_keys_are_registered_and_revoked_sqlite, pack_keys_are_registered_and_revoked_postgres; }

/// Every number on the wire is checked before it reaches the database:
/// values beyond any column's range, negative where unsigned, fractional
/// where whole, or absurd amounts, are refused with a 4xx that names the
/// field, never a 500 (item 5 of the issue; attack test 19's cousins).
async fn extreme_numbers_are_refused(engine: &str) {
    let server = TestServer::start(engine).await;
    let (mut laptop, _) = enroll(&server, "agent1").await;
    let underwriter = server.login("uw1").await;
    let auditor = server.login("auditor1").await;
    let huge = "18446744073709551615";
    let beyond = "18446744073709551616";
    let client_for = |path: &str| {
        if path.starts_with("/v1/audit") {
            &auditor
        } else if path.starts_with("/v1/book") {
            &underwriter
        } else {
            &laptop.client
        }
    };
    for path in [
        format!("/v1/sync/pull?cursor={huge}"),
        format!("/v1/sync/pull?cursor={beyond}"),
        "/v1/sync/pull?cursor=-1".to_owned(),
        format!("/v1/sync/pull?cursor=0&limit={huge}"),
        "/v1/sync/pull?cursor=0.5".to_owned(),
        format!("/v1/sync/wait?cursor=0&timeout={huge}"),
        format!("/v1/sync/wait?cursor={huge}&timeout=1"),
        format!("/v1/book?state=TX&product=personal-auto&limit={huge}"),
        format!("/v1/audit/proofs/inclusion?index={huge}&size={huge}"),
        format!("/v1/audit/proofs/consistency?old={huge}&size={huge}"),
        format!("/v1/audit/export?start={huge}"),
        format!("/v1/audit/export?start=0&previous={huge}"),
    ] {
        let (status, body) = client_for(&path).get(&path).await;
        assert!(status.is_client_error() || status.is_success(), "GET {path}: {status} {body}");
        assert_ne!(status, StatusCode::INTERNAL_SERVER_ERROR, "GET {path}: {body}");
    }

    // Bodies: versions beyond u32, negative, fractional; absurd money.
    let quote = tx_quote(server_today(&server) + Duration::days(1));
    let rated = rated_payload(&tx_auto_pack(), &laptop.quote_number(), 1, &quote);
    for (field, value) in [
        ("version", json!(4_294_967_296u64)),
        ("version", json!(-1)),
        ("version", json!(1.5)),
        ("total", json!("79228162514264337593543950336")),
        ("total", json!("-0.01")),
        ("total", json!("1e400")),
    ] {
        let mut payload = rated.clone();
        payload[field] = value.clone();
        let results = laptop.push_op("quote.rated", &payload).await;
        assert_eq!(results[0]["outcome"], "rejected", "{field} = {value}: {results:?}");
        assert!(
            matches!(results[0]["code"].as_str(), Some("sync.bad_payload" | "rating.premium_mismatch")),
            "{field} = {value}: {results:?}"
        );
    }
    for body in
        [json!({ "version": 4_294_967_296u64, "approve": true, "reason": "x" }), json!({ "version": -3, "approve": true, "reason": "x" })]
    {
        let (status, answer) = underwriter.post("/v1/referrals/QUOT-2026-00001-00001/decision", &body).await;
        assert!(status.is_client_error(), "{body}: {status} {answer}");
    }
    let policy_change = json!({ "policy_number": "POL-TX-2026-000001", "base_version": 4_294_967_296u64,
                                "transaction": { "kind": "reinstate" }, "input": null, "pack_digest": null });
    let (status, answer) = underwriter.post("/v1/policies/POL-TX-2026-000001/transactions", &policy_change).await;
    assert!(status.is_client_error(), "{status} {answer}");
    // The server is still well.
    assert_eq!(laptop.push_op("quote.rated", &rated).await[0]["outcome"], "accepted");
    server.stop().await;
}

uw_system_tests::both_engines! { extreme_numbers_are_refused => extreme_numbers_are_refused_sqlite, extreme_numbers_are_refused_postgres; }

/// Personal data as far as each role's work needs (attack test 33 and
/// item 6): the owning agent sees the customer's contact details and
/// licence numbers; an underwriter the licence numbers but not the contact
/// details; an auditor neither. An underwriter's change keeps the contact
/// details in force, which they never saw.
async fn personal_data_by_role(engine: &str) {
    let server = TestServer::start(engine).await;
    let (mut laptop, _) = enroll(&server, "agent1").await;
    let mut quote = tx_quote(server_today(&server) + Duration::days(1));
    quote["term_months"] = json!(12);
    let mut rated = rated_payload(&tx_auto_pack(), &laptop.quote_number(), 1, &quote);
    rated["input"]["contact"] = json!({ "email": "maria@example.com", "phone": "(512) 555-0142" });
    rated["input"]["licenses"] = json!([{ "number": "TX12345678", "state": "TX" }]);
    assert_eq!(laptop.push_op("quote.rated", &rated).await[0]["outcome"], "accepted");
    let policy = bind(&mut laptop, &rated).await["result"]["policy_number"].as_str().expect("policy").to_owned();
    let path = format!("/v1/policies/{policy}");
    let seen = |detail: &Value| (detail["input"].get("contact").is_some(), detail["input"].get("licenses").is_some());
    let (_, as_agent) = server.login("agent1").await.get(&path).await;
    assert_eq!(seen(&as_agent), (true, true), "{as_agent}");
    let underwriter = server.login("uw1").await;
    let (_, as_underwriter) = underwriter.get(&path).await;
    assert_eq!(seen(&as_underwriter), (false, true), "{as_underwriter}");
    assert!(!as_underwriter.to_string().contains("maria@example.com"));
    let (_, as_auditor) = server.login("auditor1").await.get(&path).await;
    assert_eq!(seen(&as_auditor), (false, false), "{as_auditor}");
    assert!(!as_auditor.to_string().contains("TX12345678"));

    // The underwriter endorses with the input they were shown.
    let mut changed = as_underwriter["input"].clone();
    changed["quote"]["coverages"][4]["deductible"] = json!("250");
    let today = server_today(&server);
    let request = policy_request(
        &policy,
        1,
        json!({ "kind": "endorse", "effective": (today + Duration::days(1)).to_string(), "term_premium": term_premium(&changed["quote"]), "description": "COMP deductible" }),
        Some(&changed),
    );
    let (status, body) = underwriter.post(&format!("{path}/transactions"), &request).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, after) = server.login("agent1").await.get(&path).await;
    assert_eq!(after["input"]["contact"]["email"], "maria@example.com", "the contact details in force are kept: {after}");
    assert_eq!(after["input"]["quote"]["coverages"][4]["deductible"], "250");
    server.stop().await;
}

uw_system_tests::both_engines! { personal_data_by_role => personal_data_by_role_sqlite, personal_data_by_role_postgres; }

/// The rest of the review's server attack tests: a draft id that is a path
/// (31), an impact summary of another pack (28), another agent's policy
/// answered as a missing one (32), and an export verified with the keys the
/// server publishes after a key rotation (39).
async fn drafts_oracles_and_rotated_keys(engine: &str) {
    let server = TestServer::start(engine).await;
    let underwriter = server.login("uw1").await;
    let base_id = tx_auto_pack().id().to_owned();
    let mut files = tx_revision("2026.9", server_today(&server) + Duration::days(1)).files().clone();
    files.remove(digest::SIGNATURE_FILE);
    let draft_pack = uw_rating::compile(&PackFiles::from_files("draft", files.clone()), LoadMode::Draft).expect("compiles").id().to_owned();
    let submit = |draft_id: &str, impact: Value| json!({ "draft_id": draft_id, "base_pack_id": base_id, "files": files, "note": "n", "impact": impact });
    let (status, body) = underwriter.post("/v1/pack-drafts", &submit("../pack-drafts/OTHER?", Value::Null)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("pack.draft_id")), "{body}");
    let other = json!({ "base_pack": base_id, "draft_pack": "tx-personal-auto/2026.8@0000", "rated": 10 });
    let (status, body) = underwriter.post("/v1/pack-drafts", &submit("draft-1", other)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("pack.impact_mismatch")), "{body}");
    let own = json!({ "base_pack": base_id, "draft_pack": draft_pack, "rated": 10 });
    let (status, body) = underwriter.post("/v1/pack-drafts", &submit("draft-1", own)).await;
    assert_eq!(status, StatusCode::OK, "its own impact run is accepted: {body}");

    // Another agent's policy and no policy at all get the same answer.
    let (mut laptop, _) = enroll(&server, "agent1").await;
    let rated = rated_payload(&tx_auto_pack(), &laptop.quote_number(), 1, &tx_quote(server_today(&server) + Duration::days(1)));
    assert_eq!(laptop.push_op("quote.rated", &rated).await[0]["outcome"], "accepted");
    let policy = bind(&mut laptop, &rated).await["result"]["policy_number"].as_str().expect("policy").to_owned();
    let intruder = server.login("agent2").await;
    let reinstate = |number: &str| policy_request(number, 1, json!({ "kind": "reinstate" }), None);
    let (s1, theirs) = intruder.post(&format!("/v1/policies/{policy}/transactions"), &reinstate(&policy)).await;
    let missing = "POL-TX-2099-999999";
    let (s2, none) = intruder.post(&format!("/v1/policies/{missing}/transactions"), &reinstate(missing)).await;
    assert_eq!((s1, theirs["code"].clone()), (s2, none["code"].clone()), "{theirs} / {none}");
    assert_eq!(theirs["code"], "policy.not_found");

    // After a key rotation, an export verifies with the keys the server publishes.
    let mut m = uw_sync_server::audit::Mutation::begin(server.state.storage.as_ref(), "rotate").await.expect("begin");
    uw_sync_server::keys::add_signing_key(&mut m, &server.state.keys, &Actor::system(admin::CLI_ACTOR)).await.expect("rotated");
    m.commit().await.expect("commit");
    let auditor = server.login("auditor1").await;
    let verifiers = uw_system_tests::system::verifier_keys(&auditor).await;
    assert!(verifiers.len() >= 2, "the old key and the new: {}", verifiers.len());
    let (status, export) = auditor.get("/v1/audit/export?start=0").await;
    assert_eq!(status, StatusCode::OK);
    uw_ledger::export::verify(export.as_str().expect("text"), &verifiers, None).expect("verifies with the published keys");
    server.stop().await;
}

uw_system_tests::both_engines! { drafts_oracles_and_rotated_keys => drafts_oracles_and_rotated_keys_sqlite, drafts_oracles_and_rotated_keys_postgres; }

/// Only an administrator sets what documents print about the insurer; every
/// signed-in user reads it; a malformed value is refused naming its field,
/// and nothing is kept.
async fn the_insurers_details_are_an_administrators(engine: &str) {
    let server = TestServer::start(engine).await;
    let details = json!({
        "legal_name": " Prairie Mutual Insurance Company ", "street": "1 Main St", "city": "Springfield", "state": "il",
        "zip": "62701", "naic_code": "12345", "phone": "(217) 555-0100"
    });
    let (status, before) = server.login("agent1").await.get("/v1/organisation").await;
    assert_eq!((status, &before["details"]), (StatusCode::OK, &Value::Null), "{before}");
    for user in ["agent1", "uw1", "auditor1"] {
        let (status, body) = server.login(user).await.send(reqwest::Method::PUT, "/v1/admin/organisation", Some(&details)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("auth.forbidden")), "{user}: {body}");
    }
    let admin = server.login("admin1").await;
    let mut bad = details.clone();
    bad["naic_code"] = json!("12");
    bad["zip"] = json!("6270");
    let (status, body) = admin.send(reqwest::Method::PUT, "/v1/admin/organisation", Some(&bad)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("organisation.invalid")), "{body}");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(message.contains("naic_code") && message.contains("zip"), "{message}");
    let (_, still) = admin.get("/v1/organisation").await;
    assert_eq!(still["details"], Value::Null, "a refused change keeps nothing");

    let (status, set) = admin.send(reqwest::Method::PUT, "/v1/admin/organisation", Some(&details)).await;
    assert_eq!(status, StatusCode::OK, "{set}");
    assert_eq!(
        (set["details"]["legal_name"].as_str(), set["details"]["state"].as_str()),
        (Some("Prairie Mutual Insurance Company"), Some("IL"))
    );
    let (laptop, _) = enroll(&server, "agent1").await;
    let (status, read) = laptop.client.get("/v1/organisation").await;
    assert_eq!((status, &read["details"]), (StatusCode::OK, &set["details"]), "a device reads it too");
    server.stop().await;
}

uw_system_tests::both_engines! {
    the_insurers_details_are_an_administrators => the_insurers_details_are_an_administrators_sqlite, the_insurers_details_are_an_administrators_postgres;
}

/// The administrator sees when each device last called, without the device
/// doing anything but its own work; a device that never called has no time.
async fn devices_are_seen_when_they_call(engine: &str) {
    let server = TestServer::start(engine).await;
    let (laptop, _) = enroll(&server, "agent1").await;
    let (quiet, _) = enroll(&server, "agent2").await;
    let admin = server.login("admin1").await;
    let seen = |devices: &Value, id: &str| {
        devices.as_array().expect("devices").iter().find(|d| d["device_id"] == id).map(|d| d["last_seen_at"].clone()).expect("listed")
    };
    let (_, before) = admin.get("/v1/admin/devices").await;
    assert_eq!(seen(&before, &laptop.device_id), Value::Null, "enrolling is not calling with the token: {before}");
    let (status, _) = laptop.client.get("/v1/devices/me").await;
    assert_eq!(status, StatusCode::OK);
    let (_, after) = admin.get("/v1/admin/devices").await;
    let at = seen(&after, &laptop.device_id);
    let at = at.as_str().unwrap_or_else(|| panic!("seen: {after}"));
    assert!(time::OffsetDateTime::parse(at, &time::format_description::well_known::Rfc3339).is_ok(), "{at}");
    assert_eq!(seen(&after, &quiet.device_id), Value::Null, "the quiet laptop was not seen");
    server.stop().await;
}

uw_system_tests::both_engines! {
    devices_are_seen_when_they_call => devices_are_seen_when_they_call_sqlite, devices_are_seen_when_they_call_postgres;
}
