//! Every sync-server endpoint, driven over HTTP against an in-process server
//! on each database: the same story runs on SQLite and on PostgreSQL.

use reqwest::StatusCode;
use serde_json::{json, Value};
use uw_protocol::Role;
use uw_sync_server::admin;
use uw_sync_server::audit::Actor;
use uw_system_tests::api::{
    bind_payload, check_openapi, openapi_operation, policy_request, random_key, term_premium, tx_auto_example, tx_auto_pack,
    tx_draft_effective,
};
use uw_system_tests::testserver::{enroll, TestServer, PASSWORD};
use uw_system_tests::workspace_root;

fn example(name: &str) -> Value {
    tx_auto_example(name)
}

fn rated_payload(quote_number: &str, version: u32, quote: &Value) -> Value {
    uw_system_tests::api::rated_payload(&tx_auto_pack(), quote_number, version, quote)
}

async fn story(engine: &str) {
    let server = TestServer::start(engine).await;
    let anonymous = server.client(None);

    // The protocol version is required and checked.
    let response = reqwest::Client::new().post(format!("{}/v1/sessions", server.base)).json(&json!({})).send().await.expect("send");
    assert_eq!(response.status(), StatusCode::UPGRADE_REQUIRED);
    assert_eq!(response.json::<Value>().await.expect("json")["code"], "protocol.missing_version");
    let response =
        reqwest::Client::new().get(format!("{}/v1/me", server.base)).header(uw_protocol::VERSION_HEADER, "7").send().await.expect("send");
    assert_eq!(response.status(), StatusCode::UPGRADE_REQUIRED);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["code"], "protocol.unsupported_version");
    assert!(body["message"].as_str().expect("message").contains("update the workstation"), "{body}");

    // Health, readiness, and no token.
    let (status, health) = anonymous.get("/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(health["database"]["engine"], engine);
    let (status, _) = anonymous.get("/readyz").await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = anonymous.get("/v1/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "auth.missing_token");

    // Failed logins slow the next ones (from the fifth, per account and address) before the password is checked.
    for _ in 0..5 {
        let (status, body) = anonymous.post("/v1/sessions", &json!({ "username": "agent2", "password": "wrong password!" })).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
        assert_eq!(body["code"], "auth.invalid_credentials");
    }
    let response = reqwest::Client::new()
        .post(format!("{}/v1/sessions", server.base))
        .header(uw_protocol::VERSION_HEADER, "1")
        .json(&json!({ "username": "agent2", "password": PASSWORD }))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password waits its turn");
    let wait = response.headers().get("retry-after").and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    assert!(wait.is_some_and(|w| (1..=5).contains(&w)), "a short wait, not a lockout: {wait:?}");

    // Two devices enroll and get their own device numbers; no block is granted.
    let (mut a, enrolled_a) = enroll(&server, "agent1").await;
    let (b, enrolled_b) = enroll(&server, "uw1").await;
    assert_eq!(enrolled_a["user"]["role"], "agent");
    assert_eq!(enrolled_a["server_instance_id"], health["database"]["instance_id"]);
    assert_eq!((enrolled_a["device_number"].as_u64(), enrolled_b["device_number"].as_u64()), (Some(1), Some(2)));
    assert!(enrolled_a.get("quote_numbers").is_none(), "{enrolled_a}");
    let (status, body) =
        server.client(None).post("/v1/enroll", &uw_system_tests::api::enroll_body("admin1", PASSWORD, &random_key())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "admins work online: {body}");

    // A rated quote is re-rated and recorded; a replay is a duplicate.
    let clean = example("01-clean-standard.json");
    let q1 = a.quote_number();
    let rated = rated_payload(&q1, 1, &clean);
    let op1 = a.op("quote.rated", &rated);
    let results = a.push(std::slice::from_ref(&op1)).await;
    assert_eq!(results[0]["outcome"], "accepted", "{results:?}");
    assert_eq!(results[0]["result"]["type"], "quote_recorded");
    assert_eq!(results[0]["result"]["status"], "rated");
    let again = a.push(std::slice::from_ref(&op1)).await;
    assert_eq!(again[0]["outcome"], "duplicate", "{again:?}");
    assert_eq!(again[0]["result"], results[0]["result"]);

    // The same sequence with different content is an explicit error.
    let reused = a.signed(1, op1["op_id"].as_str().expect("id"), "quote.rated", &rated_payload(&q1, 2, &clean).to_string());
    let results = a.push(&[reused]).await;
    assert_eq!(results[0]["outcome"], "rejected");
    assert_eq!(results[0]["code"], "sync.sequence_reused", "{results:?}");

    // A gap stops the batch; a bad signature is refused and not recorded.
    let skipped = a.signed(5, &"e".repeat(32), "quote.saved", "{}");
    let results = a.push(&[skipped]).await;
    assert_eq!(results[0]["code"], "sync.sequence_gap", "{results:?}");
    assert!(results[0]["reason"].as_str().expect("reason").contains("push from sequence 2"), "{results:?}");
    let mut forged = a.signed(2, &"f".repeat(32), "quote.saved", "{}");
    forged["payload"] = json!("{\"changed\":true}");
    let results = a.push(&[forged]).await;
    assert_eq!(results[0]["code"], "sync.bad_signature", "{results:?}");

    // A tampered premium in a rating is refused with its reason.
    let q2 = a.quote_number();
    let mut tampered = rated_payload(&q2, 1, &clean);
    tampered["total"] = json!("1.00");
    let results = a.push(&[a.signed(2, &format!("{:032x}", 2002), "quote.rated", &tampered.to_string())]).await;
    a.next_seq = 3;
    assert_eq!(results[0]["code"], "rating.premium_mismatch", "{results:?}");
    assert!(results[0]["reason"].as_str().expect("reason").contains("the device says 1.00"), "{results:?}");

    // Bind with a tampered premium: rejected with its reason. Then the real bind.
    let mut bad_bind = bind_payload(&rated);
    bad_bind["total"] = json!("999.99");
    let results = a.push_op("quote.bind_requested", &bad_bind).await;
    assert_eq!(results[0]["code"], "bind.premium_mismatch", "{results:?}");
    let results = a.push_op("quote.bind_requested", &bind_payload(&rated)).await;
    assert_eq!(results[0]["outcome"], "accepted", "{results:?}");
    let policy_number = results[0]["result"]["policy_number"].as_str().expect("policy").to_owned();
    // Numbered in the year the policy takes effect.
    let year = uw_system_tests::api::next_effective_date().year();
    assert_eq!(policy_number, format!("POL-TX-{year}-000001"));
    assert_eq!(results[0]["result"]["premium"], rated["total"]);

    // Another device's number, an unenrolled device's, a year the server
    // has not reached yet: refused.
    let theirs = uw_policy::QuoteNumber::for_device(a.year, b.device_number, 1).expect("number").to_string();
    for (number, code) in [
        (theirs, "quote.number_not_allocated"),
        (format!("QUOT-{}-000001", a.year), "quote.number_not_allocated"),
        (uw_policy::QuoteNumber::for_device(a.year + 2, a.device_number, 1).expect("number").to_string(), "quote.number_year"),
        ("QUOT-2026-42-1".to_owned(), "sync.bad_payload"),
    ] {
        let results = a.push_op("quote.rated", &rated_payload(&number, 1, &clean)).await;
        assert_eq!(results[0]["code"], code, "{number}: {results:?}");
    }
    // The same number and version with another input is another quote
    // under a reused number (a restored device): a conflict, never an overwrite.
    let reused = a.quote_number();
    assert_eq!(a.push_op("quote.rated", &rated_payload(&reused, 1, &clean)).await[0]["outcome"], "accepted");
    let other_input = example("03-no-credit-renewal.json");
    let results = a.push_op("quote.rated", &rated_payload(&reused, 1, &other_input)).await;
    assert_eq!(results[0]["outcome"], "conflict", "{results:?}");
    assert!(results[0]["reason"].as_str().unwrap_or_default().contains("used twice"), "{results:?}");
    // The server remembers how far each device's series got.
    let (status, me) = a.client.get("/v1/devices/me").await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["device_number"], enrolled_a["device_number"]);
    assert_eq!(me["quote_serials"], json!([{ "year": a.year, "highest": 3 }]), "{me}");

    // A referred quote cannot be bound until an underwriter approves it.
    let referred_quote = example("02-referred-high-mileage.json");
    let q3 = a.quote_number();
    let referred = rated_payload(&q3, 1, &referred_quote);
    assert_eq!(referred["status"], "referred");
    let results = a.push_op("quote.rated", &referred).await;
    assert_eq!(results[0]["result"]["status"], "referred", "{results:?}");
    let results = a.push_op("quote.bind_requested", &bind_payload(&referred)).await;
    assert_eq!(results[0]["code"], "bind.not_approved", "{results:?}");
    let underwriter = server.login("uw2").await;
    let (status, queue) = underwriter.get("/v1/referrals").await;
    assert_eq!(status, StatusCode::OK);
    assert!(queue.as_array().expect("list").iter().any(|r| r["quote_number"] == q3.as_str()), "{queue}");
    let (status, body) =
        underwriter.post(&format!("/v1/referrals/{q3}/decision"), &json!({ "version": 2, "approve": true, "reason": "ok" })).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["current_version"], 1, "{body}");
    let (status, body) = underwriter
        .post(&format!("/v1/referrals/{q3}/decision"), &json!({ "version": 1, "approve": true, "reason": "mileage verified" }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "approved");
    let results = a.push_op("quote.bind_requested", &bind_payload(&referred)).await;
    assert_eq!(results[0]["outcome"], "accepted", "{results:?}");
    assert_eq!(results[0]["result"]["policy_number"], format!("POL-TX-{year}-000002"));

    // Pull: packs, keys and the agent's own decisions and policies, resumable by cursor.
    let (status, page) = a.client.get("/v1/sync/pull?cursor=0&limit=1").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(page["changes"].as_array().expect("changes").len(), 1);
    assert_eq!(page["more"], true);
    let mut cursor = page["cursor"].as_u64().expect("cursor");
    let mut kinds = vec![page["changes"][0]["kind"].as_str().expect("kind").to_owned()];
    loop {
        let (_, page) = a.client.get(&format!("/v1/sync/pull?cursor={cursor}&limit=2")).await;
        for change in page["changes"].as_array().expect("changes") {
            assert!(change["index"].as_u64().expect("index") >= cursor);
            kinds.push(change["kind"].as_str().expect("kind").to_owned());
        }
        cursor = page["cursor"].as_u64().expect("cursor");
        if page["more"] == false {
            break;
        }
    }
    assert_eq!(kinds, ["key_trusted", "pack_published", "policy_issued", "referral_decided", "policy_issued"]);
    let (_, other) = b.client.get("/v1/sync/pull?cursor=0").await;
    let other_kinds: Vec<&str> = other["changes"].as_array().expect("changes").iter().map(|c| c["kind"].as_str().expect("kind")).collect();
    assert_eq!(other_kinds, ["key_trusted", "pack_published"], "another user sees no one else's policies");
    let (_, empty) = a.client.get(&format!("/v1/sync/pull?cursor={cursor}")).await;
    assert_eq!(empty["changes"], json!([]));
    assert_eq!(empty["cursor"], cursor);

    // Long poll: with nothing new it answers unchanged after its timeout; a
    // change wakes a waiting device.
    let started = std::time::Instant::now();
    let (status, idle) = a.client.get(&format!("/v1/sync/wait?cursor={cursor}&timeout=1")).await;
    assert_eq!(status, StatusCode::OK, "{idle}");
    assert_eq!((&idle["changed"], &idle["log_size"]), (&json!(false), &json!(cursor)), "{idle}");
    assert!(started.elapsed() >= std::time::Duration::from_millis(900), "it waited for the timeout");
    let waiter = {
        let client = a.client.clone();
        tokio::spawn(async move { client.get(&format!("/v1/sync/wait?cursor={cursor}&timeout=20")).await })
    };
    let results = a.push_op("quote.saved", &json!({})).await;
    assert_eq!(results[0]["outcome"], "accepted", "{results:?}");
    let (status, woke) = waiter.await.expect("waiter");
    assert_eq!(status, StatusCode::OK, "{woke}");
    assert_eq!(woke["changed"], true, "{woke}");
    assert!(woke["log_size"].as_u64().expect("size") > cursor, "{woke}");

    // Policies: an agent sees their own.
    let (_, mine) = a.client.get("/v1/policies").await;
    assert_eq!(mine.as_array().expect("list").len(), 2);
    let (_, theirs) = b.client.get("/v1/policies").await;
    assert_eq!(theirs.as_array().expect("list").len(), 2, "underwriters see all");

    // Audit: a signed checkpoint, an inclusion proof, and an export that verifies.
    let auditor = server.login("auditor1").await;
    // Auditors see a policy's evidence, never the customer's contact details
    // or licence numbers; the underwriter working it sees the licences only.
    let (status, seen) = auditor.get(&format!("/v1/policies/{policy_number}")).await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    assert!(seen["input"]["quote"].is_object(), "{seen}");
    assert!(seen["input"].get("contact").is_none() && seen["input"].get("licenses").is_none(), "{seen}");
    let (_, worked) = server.login("uw1").await.get(&format!("/v1/policies/{policy_number}")).await;
    assert!(worked["input"].get("contact").is_none() && worked["input"]["licenses"].is_array(), "{worked}");
    let (status, keys) = auditor.get("/v1/audit/keys").await;
    assert_eq!(status, StatusCode::OK);
    let verifiers: Vec<uw_ledger::NoteVerifier> = keys["verifier_keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| uw_ledger::NoteVerifier::parse(k.as_str().expect("key")).expect("verifier"))
        .collect();
    let (status, checkpoint) = auditor.post("/v1/audit/checkpoints", &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{checkpoint}");
    let size = checkpoint["size"].as_u64().expect("size");
    let (parsed, _) = uw_ledger::Checkpoint::open(checkpoint["note"].as_str().expect("note"), &verifiers).expect("the checkpoint verifies");
    assert_eq!(parsed.size, size);
    let (status, proof) = auditor.get(&format!("/v1/audit/proofs/inclusion?index=3&size={size}")).await;
    assert_eq!(status, StatusCode::OK, "{proof}");
    let (status, export) = auditor.get(&format!("/v1/audit/export?start=0&end={size}")).await;
    assert_eq!(status, StatusCode::OK);
    let export = export.as_str().expect("text export");
    let verified = uw_ledger::export::verify(export, &verifiers, None).expect("the export verifies");
    assert_eq!(verified.end, size);
    let proof: Vec<[u8; 32]> = proof["hashes"]
        .as_array()
        .expect("hashes")
        .iter()
        .map(|h| hex::decode(h.as_str().expect("hex")).expect("hex").try_into().expect("32"))
        .collect();
    let entry3 = verified.entries[3].clone();
    uw_ledger::merkle::verify_inclusion(&uw_ledger::merkle::leaf_hash(&entry3), 3, size, &proof, &parsed.root).expect("inclusion verifies");
    let identity = age::x25519::Identity::generate();
    let (status, encrypted) = auditor.get(&format!("/v1/audit/export?start=0&recipient={}", identity.to_public())).await;
    assert_eq!(status, StatusCode::OK);
    assert!(encrypted.as_str().expect("text").starts_with("-----BEGIN AGE ENCRYPTED FILE-----"), "{encrypted}");

    // Admin: devices listed, one revoked; it is refused from then on.
    let admin = server.login("admin1").await;
    let (status, devices) = admin.get("/v1/admin/devices").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(devices.as_array().expect("list").len(), 2);
    let device_id = enrolled_a["device_id"].as_str().expect("id");
    let (status, revoked) = admin.post(&format!("/v1/admin/devices/{device_id}/revoke"), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{revoked}");
    let op = a.op("quote.saved", &json!({}));
    let (status, body) = a.client.post("/v1/sync/push", &json!({ "operations": [op] })).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "auth.device_revoked");

    // Users: add, change role, disable (its tokens stop working).
    let (status, user) = admin.post("/v1/admin/users", &json!({ "username": "agent3", "password": PASSWORD, "role": "agent" })).await;
    assert_eq!(status, StatusCode::OK, "{user}");
    let (status, body) = admin.post("/v1/admin/users", &json!({ "username": "agent4", "password": "short", "role": "agent" })).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "user.weak_password");
    let agent3 = server.login("agent3").await;
    let (status, _) = admin.send(reqwest::Method::PATCH, "/v1/admin/users/agent3", Some(&json!({ "disabled": true }))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = agent3.get("/v1/me").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "auth.user_disabled");

    // The log holds every mutation in one consistent tree.
    let (_, latest) = auditor.post("/v1/audit/checkpoints", &json!({})).await;
    let new_size = latest["size"].as_u64().expect("size");
    assert!(new_size > size);
    let (_, consistency) = auditor.get(&format!("/v1/audit/proofs/consistency?old={size}&size={new_size}")).await;
    let hashes: Vec<[u8; 32]> = consistency["hashes"]
        .as_array()
        .expect("hashes")
        .iter()
        .map(|h| hex::decode(h.as_str().expect("hex")).expect("hex").try_into().expect("32"))
        .collect();
    let (new_cp, _) = uw_ledger::Checkpoint::open(latest["note"].as_str().expect("note"), &verifiers).expect("verifies");
    uw_ledger::merkle::verify_consistency(size, new_size, &parsed.root, &new_cp.root, &hashes).expect("the log only grew");

    let _ = &server.state;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_story() {
    story("sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_story() {
    story("postgres").await;
}

/// Concurrent pushes share group commits. A push that fails inside the
/// group's transaction (an op id reused under a new sequence number: a
/// unique-key failure, which on PostgreSQL aborts the transaction) is rolled
/// back alone, answered with its error, and every other push in the group
/// commits, each operation logged once.
async fn group_commit(engine: &str) {
    const DEVICES: usize = 12;
    const ROUNDS: usize = 6;
    let server = TestServer::start(engine).await;
    let mut devices = Vec::new();
    for i in 0..DEVICES {
        devices.push(enroll(&server, if i % 2 == 0 { "agent1" } else { "agent2" }).await.0);
    }
    let template = rated_payload("QUOT-2026-000001", 1, &example("01-clean-standard.json"));
    let payload = |number: String| {
        let mut p = template.clone();
        p["quote_number"] = Value::String(number);
        p
    };
    let mut bad = enroll(&server, "agent1").await.0;
    let number = bad.quote_number();
    let first = bad.op("quote.rated", &payload(number));
    let first_id = first["op_id"].as_str().expect("op_id").to_owned();
    let mut accepted: Vec<String> = vec![first["signature"].as_str().expect("signature").to_owned()];
    assert_eq!(bad.push(&[first]).await[0]["outcome"], "accepted");

    let mut refused_quotes = Vec::new();
    for round in 0..ROUNDS {
        // A push whose first operation is good and whose second reuses an op
        // id: the first was applied when the second fails, and must go too.
        let (refused, other) = (payload(bad.quote_number()), payload(bad.quote_number()));
        let good = bad.signed(2, &format!("{:032x}", round + 1), "quote.rated", &refused.to_string());
        let reused = bad.signed(3, &first_id, "quote.rated", &other.to_string());
        refused_quotes.extend([refused, other]);
        let mut pushes = Vec::new();
        for device in &mut devices {
            let number = device.quote_number();
            let op = device.op("quote.rated", &payload(number));
            accepted.push(op["signature"].as_str().expect("signature").to_owned());
            let client = device.client.clone();
            pushes.push(tokio::spawn(async move { client.post("/v1/sync/push", &json!({ "operations": [op] })).await }));
        }
        let client = bad.client.clone();
        let bad_push = tokio::spawn(async move { client.post("/v1/sync/push", &json!({ "operations": [good, reused] })).await });
        for push in pushes {
            let (status, body) = push.await.expect("push task");
            assert_eq!(status, StatusCode::OK, "{body}");
            assert_eq!(body["results"][0]["outcome"], "accepted", "{body}");
        }
        let (status, body) = bad_push.await.expect("push task");
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("sync.op_id_reused")), "{body}");
    }
    // The failed pushes consumed nothing: sequence 2 is still the next.
    let body = payload(bad.quote_number()).to_string();
    let retry = bad.signed(2, &format!("{:032x}", 0xfeed_u64), "quote.rated", &body);
    accepted.push(retry["signature"].as_str().expect("signature").to_owned());
    assert_eq!(bad.push(&[retry]).await[0]["outcome"], "accepted");
    bad.next_seq = 3;
    // Nor did they leave anything behind: the server never heard of their quotes.
    for refused in &refused_quotes {
        let bind = bad.op("quote.bind_requested", &bind_payload(refused));
        accepted.push(bind["signature"].as_str().expect("signature").to_owned());
        let results = bad.push(&[bind]).await;
        assert_eq!(results[0]["code"], "bind.unknown_quote", "{results:?}");
    }

    // Pushes did share transactions (the test proves isolation only if so).
    let metrics = server.state.metrics.render();
    let counter =
        |name: &str| -> u64 { metrics.lines().find_map(|l| l.strip_prefix(&format!("{name} "))).and_then(|v| v.parse().ok()).expect(name) };
    let (groups, grouped) = (counter("uw_sync_push_groups_total"), counter("uw_sync_grouped_pushes_total"));
    // The first push, the retry, each round's pushes, and two binds a round.
    assert_eq!(grouped, 2 + (DEVICES as u64 + 3) * ROUNDS as u64, "every push went through a group");
    assert!(groups < grouped, "no two pushes shared a transaction: {groups} groups for {grouped} pushes");

    // Every accepted operation is in the log once; the failed ones are not.
    let logged = uw_system_tests::system::device_signatures(&server.client(None), ("auditor1", PASSWORD)).await;
    let mut logged: Vec<String> = logged.iter().map(hex::encode).collect();
    logged.sort_unstable();
    accepted.sort_unstable();
    assert_eq!(logged, accepted);
    server.stop().await;
}

uw_system_tests::both_engines! { group_commit => group_commit_sqlite, group_commit_postgres; }

/// One cell of the matrix: method, path, body, the roles allowed, and
/// whether a device token is required.
type Cell<'a> = (reqwest::Method, &'a str, Option<Value>, &'a [Role], bool);

/// Every endpoint × every role: allowed roles get past authorization (any
/// status but 401 and 403), every other role gets `403 auth.forbidden`.
async fn authorization_matrix(engine: &str) {
    use Role::{Admin, Agent, Auditor, Underwriter};
    let server = TestServer::start(engine).await;
    // Publishing alone is off by default (403 for everyone); the matrix checks who may when it is on.
    admin::set_direct_publishing(&server.state, &Actor::system(admin::CLI_ACTOR), true).await.expect("turned on");
    let mut sessions = Vec::new();
    for (name, role) in [("agent1", Agent), ("uw1", Underwriter), ("admin1", Admin), ("auditor1", Auditor)] {
        sessions.push((role, false, server.login(name).await));
    }
    for (name, role) in [("agent2", Agent), ("uw2", Underwriter)] {
        let (device, _) = enroll(&server, name).await;
        sessions.push((role, true, device.client));
    }
    let all = [Agent, Underwriter, Admin, Auditor];
    let decision = json!({ "version": 1, "approve": true, "reason": "matrix" });
    let new_user = json!({ "username": "matrix-user", "password": PASSWORD, "role": "agent" });
    let policy_change = policy_request("POL-TX-2026-000001", 1, json!({ "kind": "reinstate" }), None);
    // (method, path, body, roles allowed, device token required)
    let cells: Vec<Cell<'_>> = vec![
        (reqwest::Method::GET, "/v1/me", None, &all, false),
        (reqwest::Method::GET, "/v1/me/second-factor", None, &all, false),
        (reqwest::Method::POST, "/v1/me/second-factor/totp", Some(json!({})), &all, false),
        (reqwest::Method::POST, "/v1/me/second-factor/totp/confirm", Some(json!({ "code": "not a code" })), &all, false),
        (reqwest::Method::GET, "/v1/admin/second-factor-policy", None, &[Admin], false),
        (reqwest::Method::PUT, "/v1/admin/second-factor-policy", Some(json!({ "roles": [] })), &[Admin], false),
        (reqwest::Method::POST, "/v1/admin/users/nobody/second-factor/reset", Some(json!({})), &[Admin], false),
        (reqwest::Method::GET, "/v1/organisation", None, &all, false),
        (
            reqwest::Method::PUT,
            "/v1/admin/organisation",
            Some(
                json!({ "legal_name": "Matrix Mutual", "street": "1 Main St", "city": "Columbus", "state": "OH", "zip": "43215", "naic_code": null, "phone": null }),
            ),
            &[Admin],
            false,
        ),
        (reqwest::Method::GET, "/v1/desktop/versions", None, &all, false),
        (reqwest::Method::GET, "/v1/desktop/releases/9.9.9/linux-x86_64-deb", None, &all, false),
        (reqwest::Method::PUT, "/v1/admin/desktop-versions", Some(json!({ "minimum": null, "recommended": null })), &[Admin], false),
        (reqwest::Method::GET, "/v1/migration/policies/NOPE-1", None, &[Underwriter, Admin], false),
        (reqwest::Method::GET, "/v1/admin/migration/waves/none", None, &[Admin], false),
        (reqwest::Method::POST, "/v1/admin/migration/waves/none/dry-run", None, &[Admin], false),
        (reqwest::Method::POST, "/v1/admin/migration/waves/none/run", None, &[Admin], false),
        (reqwest::Method::POST, "/v1/admin/migration/waves/none/rollback", None, &[Admin], false),
        (reqwest::Method::GET, "/v1/admin/migration/waves/none/reconciliation", None, &[Admin], false),
        (reqwest::Method::GET, "/v1/devices/me", None, &[Agent, Underwriter], true),
        (reqwest::Method::POST, "/v1/sync/push", Some(json!({ "operations": [] })), &[Agent, Underwriter], true),
        (reqwest::Method::GET, "/v1/sync/pull?cursor=0", None, &[Agent, Underwriter], false),
        (reqwest::Method::GET, "/v1/sync/wait?cursor=0&timeout=1", None, &[Agent, Underwriter], false),
        (reqwest::Method::GET, "/v1/customers?name=Nobody%20Here", None, &[Agent, Underwriter], false),
        (reqwest::Method::GET, "/v1/admin/retention-rules", None, &[Admin], false),
        (
            reqwest::Method::PUT,
            "/v1/admin/retention-rules",
            Some(json!({ "kind": "unbound_quote", "state": "TX", "days": null })),
            &[Admin],
            false,
        ),
        (reqwest::Method::POST, "/v1/admin/retention/run", Some(json!({ "dry_run": true })), &[Admin], false),
        (reqwest::Method::GET, "/v1/admin/identity-providers", None, &[Admin], false),
        (reqwest::Method::POST, "/v1/admin/customers/00000000000000000000000000000000/export-requests", None, &[Admin], false),
        (reqwest::Method::GET, "/v1/admin/subject-requests", None, &[Admin], false),
        (
            reqwest::Method::POST,
            "/v1/devices/me/subject-requests/00000000000000000000000000000000",
            Some(json!({ "held": {} })),
            &[Agent, Underwriter],
            true,
        ),
        (
            reqwest::Method::PUT,
            "/v1/admin/identity-providers/matrix",
            Some(
                json!({ "display_name": "", "issuer": "", "client_id": "", "username_claim": "email", "roles_claim": "groups", "role_rules": [] }),
            ),
            &[Admin],
            false,
        ),
        (reqwest::Method::DELETE, "/v1/admin/identity-providers/matrix", None, &[Admin], false),
        (reqwest::Method::POST, "/v1/admin/identity-providers/check", None, &[Admin], false),
        (reqwest::Method::GET, "/v1/admin/customers?name=Nobody%20Here", None, &[Admin], false),
        (reqwest::Method::GET, "/v1/admin/customers/00000000000000000000000000000000/export", None, &[Admin], false),
        (
            reqwest::Method::POST,
            "/v1/admin/customers/00000000000000000000000000000000/erase",
            Some(json!({ "reason": "matrix" })),
            &[Admin],
            false,
        ),
        (reqwest::Method::GET, "/v1/referrals", None, &[Underwriter], false),
        (reqwest::Method::POST, "/v1/referrals/QUOT-2026-000001/decision", Some(decision), &[Underwriter], false),
        (reqwest::Method::GET, "/v1/packs", None, &all, false),
        (reqwest::Method::POST, "/v1/packs", Some(json!({ "files": {} })), &[Admin], false),
        (reqwest::Method::GET, "/v1/pack-drafts?status=submitted", None, &[Underwriter], false),
        (
            reqwest::Method::POST,
            "/v1/pack-drafts",
            Some(json!({ "draft_id": "d", "base_pack_id": "x", "files": {}, "note": "" })),
            &[Underwriter],
            false,
        ),
        (
            reqwest::Method::POST,
            "/v1/pack-drafts/nothing/decision",
            Some(json!({ "approve": false, "comment": "no" })),
            &[Underwriter],
            false,
        ),
        (reqwest::Method::POST, "/v1/admin/pack-keys", Some(json!({ "key_id": "k", "public_key": "00" })), &[Admin], false),
        (reqwest::Method::GET, "/v1/book?state=CA&product=personal-auto", None, &[Underwriter], false),
        (reqwest::Method::GET, "/v1/policies", None, &[Agent, Underwriter, Auditor], false),
        (reqwest::Method::GET, "/v1/policies/POL-TX-2026-000001", None, &[Agent, Underwriter, Auditor], false),
        (reqwest::Method::POST, "/v1/policies/POL-TX-2026-000001/transactions", Some(policy_change), &[Agent, Underwriter], false),
        (reqwest::Method::GET, "/v1/admin/users", None, &[Admin], false),
        (reqwest::Method::POST, "/v1/admin/users", Some(new_user), &[Admin], false),
        (reqwest::Method::PATCH, "/v1/admin/users/nobody", Some(json!({ "disabled": true })), &[Admin], false),
        (reqwest::Method::GET, "/v1/admin/devices", None, &[Admin], false),
        (reqwest::Method::POST, "/v1/admin/devices/0123/revoke", Some(json!({})), &[Admin], false),
        (reqwest::Method::GET, "/v1/admin/login-throttles", None, &[Admin], false),
        (reqwest::Method::GET, "/v1/admin/pack-keys", None, &[Admin], false),
        (reqwest::Method::GET, "/v1/policy-referrals", None, &[Underwriter], false),
        (
            reqwest::Method::POST,
            "/v1/policy-referrals/00000000000000000000000000000000/decision",
            Some(json!({ "approve": true })),
            &[Underwriter],
            false,
        ),
        (reqwest::Method::POST, "/v1/admin/pack-keys/no-such-key/revoke", Some(json!({})), &[Admin], false),
        (reqwest::Method::GET, "/v1/admin/pack-key-requests", None, &[Admin], false),
        (reqwest::Method::POST, "/v1/admin/pack-key-requests/no-such-key/approve", Some(json!({})), &[Admin], false),
        (reqwest::Method::POST, "/v1/admin/pack-key-requests/no-such-key/refuse", Some(json!({})), &[Admin], false),
        (
            reqwest::Method::POST,
            "/v1/pack-keys/requests",
            Some(json!({ "key_id": "k", "public_key": "11".repeat(32), "proof": "22".repeat(64) })),
            &[Underwriter],
            false,
        ),
        (reqwest::Method::POST, "/v1/admin/login-throttles/clear", Some(json!({ "address": "192.0.2.1" })), &[Admin], false),
        (reqwest::Method::GET, "/v1/audit/keys", None, &[Auditor], false),
        (reqwest::Method::GET, "/v1/audit/checkpoint", None, &[Auditor], false),
        (reqwest::Method::POST, "/v1/audit/checkpoints", Some(json!({})), &[Auditor], false),
        (reqwest::Method::GET, "/v1/audit/proofs/inclusion?index=0&size=1", None, &[Auditor], false),
        (reqwest::Method::GET, "/v1/audit/proofs/consistency?old=1&size=2", None, &[Auditor], false),
        (reqwest::Method::GET, "/v1/audit/export?start=0&end=1", None, &[Auditor], false),
        (reqwest::Method::GET, "/v1/audit/entries?limit=1", None, &[Auditor], false),
        (reqwest::Method::GET, "/v1/audit/range?to=2100-01-01T00:00:00Z", None, &[Auditor], false),
    ];
    // The OpenAPI document names the same roles for every endpoint, and
    // lists no endpoint the matrix does not check.
    let (status, doc) = server.client(None).get("/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let public = [
        ("POST", "/v1/enroll"),
        ("POST", "/v1/sessions"),
        ("GET", "/v1/sso/providers"),
        ("POST", "/v1/sso/authorizations"),
        ("POST", "/v1/sso/sessions"),
        ("POST", "/v1/sso/enrollments"),
        ("POST", "/v1/devices/{device_id}/challenge"),
        ("POST", "/v1/devices/{device_id}/token"),
        ("GET", "/healthz"),
        ("GET", "/readyz"),
        ("GET", "/openapi.json"),
    ];
    let mut documented = 0;
    for (template, item) in doc["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("path item") {
            documented += 1;
            let roles: Vec<&str> = operation["x-roles"].as_array().expect("x-roles").iter().filter_map(Value::as_str).collect();
            if public.contains(&(method.to_ascii_uppercase().as_str(), template.as_str())) {
                assert!(roles.is_empty() && operation["security"] == json!([]), "{method} {template} is public");
                continue;
            }
            let cell = cells.iter().find(|(m, p, ..)| {
                m.as_str().eq_ignore_ascii_case(method) && openapi_operation(&doc, m.as_str(), p).is_some_and(|(t, _)| t == template)
            });
            let (_, _, _, allowed, device_only) = cell.unwrap_or_else(|| panic!("{method} {template} is documented but not in the matrix"));
            assert_eq!(roles, allowed.iter().map(|r| r.name()).collect::<Vec<_>>(), "{method} {template}: x-roles");
            assert_eq!(operation["x-device-token"], json!(device_only), "{method} {template}: x-device-token");
        }
    }
    assert_eq!(documented, cells.len() + public.len(), "every endpoint of the matrix is documented");

    let mut samples = Vec::new();
    let mut checked = 0;
    for (method, path, body, allowed, device_only) in &cells {
        let (template, operation) =
            openapi_operation(&doc, method.as_str(), path).unwrap_or_else(|| panic!("{method} {path} is not documented"));
        for (role, is_device, client) in &sessions {
            let (status, answer) = client.send(method.clone(), path, body.as_ref()).await;
            let cell = format!("{method} {path} as {} ({})", role.name(), if *is_device { "device" } else { "session" });
            // Every answer matches the schema the document gives for its status.
            let documented = &operation["responses"][status.as_str()];
            assert!(documented.is_object(), "{cell}: status {status} is not documented for {method} {template}");
            if let Some(schema) = documented["content"]["application/json"]["schema"].as_object() {
                samples.push((format!("{cell} → {status}"), Value::Object(schema.clone()), answer.clone()));
            } else if documented["$ref"] == "#/components/responses/Error" {
                samples.push((format!("{cell} → {status}"), json!({ "$ref": "#/components/schemas/ErrorBody" }), answer.clone()));
            }
            if !allowed.contains(role) {
                assert_eq!(status, StatusCode::FORBIDDEN, "{cell}: {answer}");
                assert_eq!(answer["code"], "auth.forbidden", "{cell}: {answer}");
            } else if *device_only && !is_device {
                assert_eq!(status, StatusCode::FORBIDDEN, "{cell}: {answer}");
                assert_eq!(answer["code"], "auth.device_required", "{cell}: {answer}");
            } else {
                assert!(status != StatusCode::FORBIDDEN && status != StatusCode::UNAUTHORIZED, "{cell} must be allowed: {status} {answer}");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, cells.len() * sessions.len());
    check_openapi(&doc, &samples);
    server.stop().await;
}

uw_system_tests::both_engines! { authorization_matrix => authorization_matrix_sqlite, authorization_matrix_postgres; }

/// Bind, then endorsements from two devices of one agent: the second, prepared
/// on the same version, gets a conflict carrying the current version and
/// changes nothing. Then the roles' limits, an underwriter's cancellation and
/// reinstatement online, and the timeline with its audit entries.
async fn policy_lifecycle(engine: &str) {
    let server = TestServer::start(engine).await;
    let (mut laptop, _) = enroll(&server, "agent1").await;
    let (mut tablet, _) = enroll(&server, "agent1").await;

    // A 12-month policy starting today (the server's clock decides what "today" is).
    let today = time::OffsetDateTime::now_utc().date();
    let mut quote = example("01-clean-standard.json");
    quote["effective_date"] = json!(today.to_string());
    quote["term_months"] = json!(12);
    let number = laptop.quote_number();
    let rated = rated_payload(&number, 1, &quote);
    assert_eq!(laptop.push_op("quote.rated", &rated).await[0]["outcome"], "accepted");
    let bound = laptop.push_op("quote.bind_requested", &bind_payload(&rated)).await;
    assert_eq!(bound[0]["outcome"], "accepted", "{bound:?}");
    let policy_number = bound[0]["result"]["policy_number"].as_str().expect("policy number").to_owned();

    // Both devices prepare a change on version 1.
    let mut higher_deductible = quote.clone();
    higher_deductible["coverages"][5]["deductible"] = json!("1000");
    let mut more_limits = quote.clone();
    more_limits["coverages"][0]["limit"] = json!("100/300");
    let endorse = |q: &Value, what: &str| {
        let transaction =
            json!({ "kind": "endorse", "effective": today.to_string(), "term_premium": term_premium(q), "description": what });
        policy_request(&policy_number, 1, transaction, Some(&json!({ "quote": q, "contact": {}, "licenses": [] })))
    };
    let first = tablet.push_op("policy.transaction", &endorse(&more_limits, "Raise liability limits")).await;
    assert_eq!(first[0]["outcome"], "accepted", "{first:?}");
    assert_eq!(first[0]["result"]["type"], "policy_transacted");
    assert_eq!(first[0]["result"]["version"], 2);
    assert_eq!(first[0]["result"]["kind"], "endorse");
    let stale = laptop.push_op("policy.transaction", &endorse(&higher_deductible, "Raise the collision deductible")).await;
    assert_eq!(stale[0]["outcome"], "conflict", "{stale:?}");
    assert_eq!(stale[0]["current_version"], 2);
    assert!(stale[0]["reason"].as_str().expect("reason").contains("server holds version 2"), "{stale:?}");

    // The agent sees the policy at version 2 with the first change's premium.
    let agent = server.login("agent1").await;
    let (status, detail) = agent.get(&format!("/v1/policies/{policy_number}")).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["summary"]["policy_version"], 2);
    assert_eq!(detail["policy"]["term_premium"], json!(term_premium(&more_limits)));
    assert_eq!(detail["input"]["quote"]["coverages"][0]["limit"], "100/300");
    assert_eq!(detail["input"]["quote"]["coverages"][5]["deductible"], "500", "the stale change was not applied");
    let kinds: Vec<&str> = detail["timeline"].as_array().expect("timeline").iter().map(|e| e["kind"].as_str().expect("kind")).collect();
    assert_eq!(kinds, ["bind", "endorse"]);

    // A premium the server does not reproduce is refused.
    let mut wrong = endorse(&higher_deductible, "Raise the collision deductible");
    wrong["base_version"] = json!(2);
    wrong["transaction"]["term_premium"] = json!("1.00");
    let (status, body) = agent.post(&format!("/v1/policies/{policy_number}/transactions"), &wrong).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "policy.premium_mismatch");

    // An agent cannot cancel for the insurer; another agent cannot touch it.
    let insurer_cancel = policy_request(
        &policy_number,
        2,
        json!({ "kind": "cancel", "effective": (today + time::Duration::days(30)).to_string(), "reason": "substantial_change_in_risk" }),
        None,
    );
    let (status, body) = agent.post(&format!("/v1/policies/{policy_number}/transactions"), &insurer_cancel).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("auth.forbidden")), "{body}");
    let other = server.login("agent2").await;
    let (status, _) = other.get(&format!("/v1/policies/{policy_number}")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The underwriter: too little notice is refused; a stale version is 409; then it cancels and reinstates.
    let underwriter = server.login("uw1").await;
    let mut short = insurer_cancel.clone();
    short["transaction"]["effective"] = json!((today + time::Duration::days(5)).to_string());
    let (status, body) = underwriter.post(&format!("/v1/policies/{policy_number}/transactions"), &short).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("policy.notice_too_short")), "{body}");
    let mut stale_online = insurer_cancel.clone();
    stale_online["base_version"] = json!(1);
    let (status, body) = underwriter.post(&format!("/v1/policies/{policy_number}/transactions"), &stale_online).await;
    assert_eq!((status, body["current_version"].as_u64()), (StatusCode::CONFLICT, Some(2)), "{body}");
    let (status, cancelled) = underwriter.post(&format!("/v1/policies/{policy_number}/transactions"), &insurer_cancel).await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    assert_eq!((cancelled["version"].as_u64(), cancelled["status"].as_str()), (Some(3), Some("cancelled")));
    let returned: rust_decimal::Decimal = cancelled["amount"].as_str().expect("amount").parse().expect("decimal");
    assert!(returned.is_sign_negative(), "a cancellation returns premium: {cancelled}");
    let reinstate = policy_request(&policy_number, 3, json!({ "kind": "reinstate" }), None);
    let (status, reinstated) = underwriter.post(&format!("/v1/policies/{policy_number}/transactions"), &reinstate).await;
    assert_eq!(status, StatusCode::OK, "{reinstated}");
    assert_eq!(reinstated["amount"].as_str().expect("amount").parse::<rust_decimal::Decimal>().expect("decimal"), -returned);
    assert_eq!(reinstated["status"], "in_force");

    // The timeline: every transaction in order, each with its worksheet and its own audit entry.
    let (_, detail) = agent.get(&format!("/v1/policies/{policy_number}")).await;
    let timeline = detail["timeline"].as_array().expect("timeline");
    let kinds: Vec<&str> = timeline.iter().map(|e| e["kind"].as_str().expect("kind")).collect();
    assert_eq!(kinds, ["bind", "endorse", "cancel", "reinstate"]);
    let indices: Vec<u64> = timeline.iter().map(|e| e["log_index"].as_u64().expect("index")).collect();
    assert!(indices.windows(2).all(|w| w[0] < w[1]), "{indices:?}");
    assert_eq!(timeline[2]["by"], "uw1");
    assert!(timeline[2]["worksheet"]["lines"].as_array().expect("lines").iter().any(|l| l["label"] == "Returned pro rata"), "{detail}");

    // The agent's devices learn of each change through pull.
    let (status, pulled) = tablet.client.get("/v1/sync/pull?cursor=0").await;
    assert_eq!(status, StatusCode::OK);
    let changed: Vec<u64> = pulled["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| c["kind"] == "policy_changed")
        .map(|c| c["body"]["version"].as_u64().expect("version"))
        .collect();
    assert_eq!(changed, [2, 3, 4]);

    // The book for impact analysis: the quote in force, without names or street; underwriters only.
    let (status, book) = underwriter.get("/v1/book?state=TX&product=personal-auto").await;
    assert_eq!(status, StatusCode::OK, "{book}");
    let entries = book["policies"].as_array().expect("policies");
    let entry = entries.iter().find(|e| e["policy_number"] == json!(policy_number)).expect("the policy is in the book");
    assert_eq!(entry["quote"]["coverages"][0]["limit"], "100/300", "the endorsed input is in force");
    assert_eq!(entry["quote"]["applicant"]["name"], "(withheld)");
    assert_eq!(entry["quote"]["applicant"]["address"]["street"], "(withheld)");
    assert_eq!(entry["quote"]["drivers"][0]["name"], "Driver 1");
    assert_eq!(entry["quote"]["applicant"]["address"]["zip"], quote["applicant"]["address"]["zip"]);
    assert!(entry.get("contact").is_none() && entry["quote"].get("contact").is_none());
    assert_eq!(book["next_after"], Value::Null);
    let (status, page) = underwriter.get("/v1/book?state=TX&product=personal-auto&limit=1").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["policies"].as_array().map(Vec::len), Some(1));
    assert_eq!(page["next_after"], page["policies"][0]["policy_number"]);
    let (_, empty) = underwriter.get("/v1/book?state=CA&product=personal-auto").await;
    assert_eq!(empty["policies"], json!([]));
    let (status, body) = underwriter.get("/v1/book?state=texas&product=personal-auto").await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("book.state")));
    assert_eq!(agent.get("/v1/book?state=TX&product=personal-auto").await.0, StatusCode::FORBIDDEN);

    // A six-month policy that started five months ago: its renewal is due.
    // Binding it needs the organisation's leave to backdate 152 days.
    let system = Actor::system(admin::CLI_ACTOR);
    admin::allow_backdating(&server.state, &system, ("TX", "personal-auto"), admin::BackdateKind::NewBusiness, 160).await.expect("allowed");
    let start = today - time::Duration::days(152);
    let mut six = example("01-clean-standard.json");
    six["effective_date"] = json!(start.to_string());
    six["term_months"] = json!(6);
    let number = laptop.quote_number();
    let rated = rated_payload(&number, 1, &six);
    assert_eq!(laptop.push_op("quote.rated", &rated).await[0]["outcome"], "accepted");
    let bound = laptop.push_op("quote.bind_requested", &bind_payload(&rated)).await;
    let renewing = bound[0]["result"]["policy_number"].as_str().expect("policy number").to_owned();
    let (_, detail) = agent.get(&format!("/v1/policies/{renewing}")).await;
    let term_end = detail["policy"]["term"]["end"].as_str().expect("term end").to_owned();
    let mut renewal = six.clone();
    renewal["effective_date"] = json!(term_end);
    renewal["renewal"] = json!(true);
    let pack = tx_auto_pack();
    let offer = |premium: &str, digest: &str| {
        json!({ "policy_number": renewing, "base_version": 1,
                "transaction": { "kind": "offer_renewal", "premium": premium, "pack_id": pack.id() },
                "input": { "quote": renewal, "contact": {}, "licenses": [] }, "pack_digest": digest })
    };
    let digest = pack.digest().to_hex();
    let (status, body) =
        agent.post(&format!("/v1/policies/{renewing}/transactions"), &offer(&term_premium(&renewal), &"0".repeat(64))).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("policy.renewal_pack")), "{body}");
    let (status, offered) = agent.post(&format!("/v1/policies/{renewing}/transactions"), &offer(&term_premium(&renewal), &digest)).await;
    assert_eq!(status, StatusCode::OK, "{offered}");
    assert_eq!((offered["kind"].as_str(), offered["version"].as_u64()), (Some("offer_renewal"), Some(2)));
    let accept = policy_request(&renewing, 2, json!({ "kind": "renew" }), None);
    let (status, renewed) = agent.post(&format!("/v1/policies/{renewing}/transactions"), &accept).await;
    assert_eq!(status, StatusCode::OK, "{renewed}");
    assert_eq!(renewed["effective_date"], json!(term_end));
    let (_, detail) = agent.get(&format!("/v1/policies/{renewing}")).await;
    assert_eq!(detail["policy"]["term"]["start"], json!(term_end));
    assert_eq!(detail["policy"]["renewals"], 1);
    assert_eq!(detail["input"]["quote"]["renewal"], true, "the renewal's input is in force");
    server.stop().await;
}

uw_system_tests::both_engines! { policy_lifecycle => policy_lifecycle_sqlite, policy_lifecycle_postgres; }

/// The TX auto pack with its BI base rate raised, as a new unsigned version.
/// A revision of the Texas auto pack taking effect mid-year, after the base.
fn tx_draft(version: &str, bi_base: &str) -> uw_rating::PackFiles {
    tx_draft_effective(version, bi_base, "2026-07-01", "2026-09-01")
}

fn signing_key() -> ed25519_dalek::SigningKey {
    random_key()
}

fn signature(files: &uw_rating::PackFiles, key_id: &str, key: &ed25519_dalek::SigningKey) -> String {
    uw_rating::pack::digest::sign(&uw_rating::pack::digest::digest(files), key_id, key)
}

/// Four eyes: the author cannot approve their own draft, an agent cannot
/// touch drafts, an approval must be signed with the approver's own
/// registered key, and approval publishes the pack to every desktop.
async fn rate_change_four_eyes(engine: &str) {
    let server = TestServer::start(engine).await;
    let (uw1, uw2, admin, agent) =
        (server.login("uw1").await, server.login("uw2").await, server.login("admin1").await, server.login("agent1").await);
    let base_id = {
        let (_, packs) = uw1.get("/v1/packs").await;
        packs[0]["pack_id"].as_str().expect("the TX pack is published").to_owned()
    };
    // A revision taking effect the same day as the pack in force would leave
    // two in force that day and stop every Texas auto quote: refused at
    // submission, saying what to do.
    let same_day = tx_draft_effective("2026.2", "540.00", "2026-01-01", "2026-09-01");
    let (status, body) = server
        .client(None)
        .with_token(uw1.token.as_deref())
        .post(
            "/v1/pack-drafts",
            &json!({ "draft_id": "draft-tx-0", "base_pack_id": base_id, "files": same_day.files(), "note": "same day", "impact": null }),
        )
        .await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("pack.same_day")), "{body}");
    assert!(body["message"].as_str().unwrap_or_default().contains("2026-01-02 or later"), "{body}");
    let draft = tx_draft("2026.2", "540.00");
    let draft_pack = uw_rating::compile(&draft, uw_rating::LoadMode::Draft).expect("compiles").id().to_owned();
    // The impact run the approver reads names the draft and its base.
    let impact = json!({ "base_pack": base_id, "draft_pack": draft_pack, "rated": 10 });
    let submit = json!({ "draft_id": "draft-tx-1", "base_pack_id": base_id, "files": draft.files(), "note": "BI +8%", "impact": impact });
    let (status, body) = agent.post("/v1/pack-drafts", &submit).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("auth.forbidden")), "{body}");
    let (status, submitted) = uw1.post("/v1/pack-drafts", &submit).await;
    assert_eq!(status, StatusCode::OK, "{submitted}");
    assert_eq!((submitted["status"].as_str(), submitted["author"].as_str()), (Some("submitted"), Some("uw1")));
    assert!(submitted["pack_id"].as_str().is_some_and(|id| id.starts_with("tx-personal-auto/2026.2@")));
    // The same submission again (an answer lost on the way) is recognised.
    assert_eq!(uw1.post("/v1/pack-drafts", &submit).await, (StatusCode::OK, submitted.clone()));
    let mut other = submit.clone();
    other["files"] = json!(tx_draft("2026.2", "541.00").files());
    assert_eq!(uw1.post("/v1/pack-drafts", &other).await.1["code"], "pack.draft_exists");
    // A draft that does not load, or repeats the base's version, is refused.
    let mut same_version = submit.clone();
    same_version["draft_id"] = json!("draft-tx-same");
    same_version["files"] = json!(tx_draft("2026.1", "541.00").files());
    let (status, body) = uw1.post("/v1/pack-drafts", &same_version).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("pack.invalid")), "{body}");
    assert!(body["message"].as_str().is_some_and(|m| m.contains("version")), "{body}");

    // Approval keys, registered by an administrator to each underwriter.
    let (k1, k2) = (signing_key(), signing_key());
    for (id, key, user) in [("uw1-approval", &k1, "uw1"), ("uw2-approval", &k2, "uw2")] {
        let register = json!({ "key_id": id, "public_key": hex::encode(key.verifying_key().as_bytes()), "username": user });
        assert_eq!(uw1.post("/v1/admin/pack-keys", &register).await.0, StatusCode::FORBIDDEN);
        let (status, body) = admin.post("/v1/admin/pack-keys", &register).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let agent_key =
        json!({ "key_id": "agent-key", "public_key": hex::encode(signing_key().verifying_key().as_bytes()), "username": "agent1" });
    assert_eq!(admin.post("/v1/admin/pack-keys", &agent_key).await.1["code"], "key.owner");

    // The author cannot decide their own draft, whatever key they sign with.
    let decide = |sig: Option<String>, approve: bool, comment: &str| json!({ "approve": approve, "comment": comment, "signature": sig });
    let path = "/v1/pack-drafts/draft-tx-1/decision";
    let (status, body) = uw1.post(path, &decide(Some(signature(&draft, "uw1-approval", &k1)), true, "fine")).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("pack.four_eyes")), "{body}");
    assert_eq!(uw1.post(path, &decide(None, false, "withdrawn")).await.1["code"], "pack.four_eyes");
    assert_eq!(agent.post(path, &decide(Some(signature(&draft, "uw2-approval", &k2)), true, "")).await.1["code"], "auth.forbidden");
    // Another underwriter must sign with their own key: not the author's,
    // not an organisation key, and over these files.
    let dev = uw_rating::pack::digest::signing_key_from_hex(
        &std::fs::read_to_string(workspace_root().join("rate-packs/keys/uw-dev-2026.key")).expect("dev key"),
    )
    .expect("dev key");
    for sig in [
        signature(&draft, "uw1-approval", &k1),
        signature(&draft, "uw-dev-2026", &dev),
        signature(&tx_draft("2026.2", "541.00"), "uw2-approval", &k2),
    ] {
        let (status, body) = uw2.post(path, &decide(Some(sig), true, "ok")).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("pack.signature")), "{body}");
    }
    let (_, queue) = uw2.get("/v1/pack-drafts?status=submitted").await;
    assert_eq!(queue.as_array().map(Vec::len), Some(1), "refused approvals changed nothing: {queue}");

    let (status, approved) = uw2.post(path, &decide(Some(signature(&draft, "uw2-approval", &k2)), true, "impact reviewed")).await;
    assert_eq!(status, StatusCode::OK, "{approved}");
    assert_eq!((approved["status"].as_str(), approved["decided_by"].as_str()), (Some("approved"), Some("uw2")));
    assert_eq!(uw2.post(path, &decide(Some(signature(&draft, "uw2-approval", &k2)), true, "")).await.1["code"], "pack.decided");
    let (_, packs) = agent.get("/v1/packs").await;
    let published =
        packs.as_array().expect("packs").iter().find(|p| p["pack_id"] == approved["pack_id"]).expect("the approved pack is published");
    assert_eq!(published["published_by"], "uw2");

    // Published packs are immutable, and only an organisation key publishes
    // outside the workflow: an approval key alone cannot.
    let mut signed = tx_draft("2026.3", "560.00");
    signed.set_file("SIGNATURE", signature(&signed, "uw2-approval", &k2));
    let publish = json!({ "files": signed.files() });
    assert_eq!(uw2.post("/v1/packs", &publish).await.1["code"], "auth.forbidden");
    // An administrator alone publishes nothing unless the organisation allows it...
    let (status, body) = admin.post("/v1/packs", &publish).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("pack.direct_publishing_off")), "{body}");
    // ...and even then only with an organisation key.
    admin::set_direct_publishing(&server.state, &Actor::system(admin::CLI_ACTOR), true).await.expect("turned on");
    let (status, body) = admin.post("/v1/packs", &publish).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("pack.invalid")), "{body}");

    // A rejection needs a comment, and the author reads it.
    let second = json!({ "draft_id": "draft-tx-2", "base_pack_id": approved["pack_id"], "files": tx_draft_effective("2026.3", "600.00", "2026-10-01", "2026-12-01").files(), "note": "BI +11%" });
    assert_eq!(uw2.post("/v1/pack-drafts", &second).await.0, StatusCode::OK);
    let path = "/v1/pack-drafts/draft-tx-2/decision";
    assert_eq!(uw1.post(path, &decide(None, false, " ")).await.1["code"], "pack.comment");
    let (status, rejected) = uw1.post(path, &decide(None, false, "too steep for one filing")).await;
    assert_eq!(status, StatusCode::OK, "{rejected}");
    let (_, list) = uw2.get("/v1/pack-drafts?status=rejected").await;
    assert_eq!(list[0]["comment"], "too steep for one filing");
    assert_eq!(list[0]["decided_by"], "uw1");
    server.stop().await;
}

uw_system_tests::both_engines! { current_thread: rate_change_four_eyes => rate_change_four_eyes_sqlite, rate_change_four_eyes_postgres; }

/// Asks for a renewal challenge for `device_id`.
async fn challenge(server: &TestServer, device_id: &str) -> (StatusCode, Value) {
    server.client(None).post(&format!("/v1/devices/{device_id}/challenge"), &json!({})).await
}

use uw_system_tests::api::renewal;

/// Token renewal attacked through the API: only the device's own key, once
/// per challenge, in time, for that device, while neither it nor its user is
/// stopped; the old token dies; a known key re-enrolls as the same device.
async fn device_renewal(engine: &str) {
    let server = TestServer::start(engine).await;
    let (mut a, answer) = enroll(&server, "agent1").await;
    let (b, _) = enroll(&server, "agent2").await;
    let instance = answer["server_instance_id"].as_str().expect("instance").to_owned();
    let renew = |device: &str, body: &Value| {
        let client = server.client(None);
        let path = format!("/v1/devices/{device}/token");
        let body = body.clone();
        async move { client.post(&path, &body).await }
    };

    // Unknown and malformed devices.
    assert_eq!(challenge(&server, &"0".repeat(32)).await.0, StatusCode::NOT_FOUND);
    assert_eq!(challenge(&server, "../admin").await.0, StatusCode::NOT_FOUND);

    // Another key's signature is refused, and uses the challenge up.
    let (status, c1) = challenge(&server, &a.device_id).await;
    assert_eq!(status, StatusCode::OK, "{c1}");
    let (status, body) = renew(&a.device_id, &renewal(&instance, &a.device_id, &c1, &b.key)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("device.bad_signature")), "{body}");
    let (status, body) = renew(&a.device_id, &renewal(&instance, &a.device_id, &c1, &a.key)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("device.challenge_invalid")), "{body}");

    // A signature bound to another device, or another server instance, is refused.
    let (_, c2) = challenge(&server, &a.device_id).await;
    let (status, body) = renew(&a.device_id, &renewal(&instance, &b.device_id, &c2, &a.key)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (_, c3) = challenge(&server, &a.device_id).await;
    let (status, body) = renew(&a.device_id, &renewal("another-instance", &a.device_id, &c3, &a.key)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    // A's challenge cannot renew B.
    let (_, c4) = challenge(&server, &a.device_id).await;
    let (status, body) = renew(&b.device_id, &renewal(&instance, &b.device_id, &c4, &b.key)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("device.challenge_invalid")), "{body}");

    // At most four open challenges per device: a fifth replaces the oldest,
    // so asking in the device's name cannot lock it out.
    let (_, oldest) = challenge(&server, &b.device_id).await;
    for _ in 0..4 {
        assert_eq!(challenge(&server, &b.device_id).await.0, StatusCode::OK);
    }
    let (status, body) = renew(&b.device_id, &renewal(&instance, &b.device_id, &oldest, &b.key)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("device.challenge_invalid")), "{body}");
    let (_, newest) = challenge(&server, &b.device_id).await;
    let (status, body) = renew(&b.device_id, &renewal(&instance, &b.device_id, &newest, &b.key)).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // A challenge answered after five minutes is refused.
    let (_, late) = challenge(&server, &a.device_id).await;
    server.state.clock.advance(time::Duration::minutes(6));
    let (status, body) = renew(&a.device_id, &renewal(&instance, &a.device_id, &late, &a.key)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("device.challenge_invalid")), "{body}");

    // 91 days after the token expired, the device renews with its key alone;
    // the old token is dead, the new one works, and the renewal is audited.
    server.state.clock.advance(time::Duration::days(181));
    let (status, body) = a.client.get("/v1/me").await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("auth.token_expired")), "{body}");
    let (_, c5) = challenge(&server, &a.device_id).await;
    let answer5 = renewal(&instance, &a.device_id, &c5, &a.key);
    let (status, renewed) = renew(&a.device_id, &answer5).await;
    assert_eq!(status, StatusCode::OK, "{renewed}");
    let old = a.client.clone();
    a.client = server.client(renewed["token"].as_str());
    assert_eq!(a.client.get("/v1/me").await.0, StatusCode::OK);
    // The same answer again: single use.
    let (status, _) = renew(&a.device_id, &answer5).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // A second renewal revokes the first renewed token.
    let (_, c6) = challenge(&server, &a.device_id).await;
    let (status, again) = renew(&a.device_id, &renewal(&instance, &a.device_id, &c6, &a.key)).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    let (status, body) = a.client.get("/v1/me").await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("auth.invalid_token")), "{body}");
    assert_eq!(old.get("/v1/me").await.0, StatusCode::UNAUTHORIZED);
    a.client = server.client(again["token"].as_str());
    let quote = example("01-clean-standard.json");
    let number = a.quote_number();
    let results = a.push_op("quote.rated", &rated_payload(&number, 1, &quote)).await;
    assert_eq!(results[0]["outcome"], "accepted", "the renewed device syncs: {results:?}");

    // A disabled user's device cannot renew; re-enabled, it can, and the
    // tokens from before the disable stay dead.
    let admin = server.login("admin1").await;
    let (status, body) = admin.send(reqwest::Method::PATCH, "/v1/admin/users/agent1", Some(&json!({ "disabled": true }))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, c7) = challenge(&server, &a.device_id).await;
    let (status, body) = renew(&a.device_id, &renewal(&instance, &a.device_id, &c7, &a.key)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("auth.user_disabled")), "{body}");
    let (status, _) = admin.send(reqwest::Method::PATCH, "/v1/admin/users/agent1", Some(&json!({ "disabled": false }))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = a.client.get("/v1/me").await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("auth.invalid_token")), "{body}");
    let (_, c8) = challenge(&server, &a.device_id).await;
    assert_eq!(renew(&a.device_id, &renewal(&instance, &a.device_id, &c8, &a.key)).await.0, StatusCode::OK);

    // A known key re-enrolls as the same device, with its sequence state;
    // another user cannot take it over.
    let enrolling = |user: &str, key: &ed25519_dalek::SigningKey| uw_system_tests::api::enroll_body(user, PASSWORD, key);
    let (status, again) = server.client(None).post("/v1/enroll", &enrolling("agent1", &a.key)).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["device_id"], json!(a.device_id));
    assert_eq!((again["recovered"].as_bool(), again["last_seq"].as_u64()), (Some(true), Some(1)), "{again}");
    let (_, twice) = server.client(None).post("/v1/enroll", &enrolling("agent1", &a.key)).await;
    assert_eq!((twice["device_id"].as_str(), twice["recovered"].as_bool()), (a.device_id.as_str().into(), Some(true)), "{twice}");
    assert_eq!(twice["quote_numbers"], again["quote_numbers"], "no block is burnt by recovering");
    // The password and the public key alone, without the key, take nothing over.
    let mut unproven = enrolling("agent1", &a.key);
    unproven["key_proof"] = json!(hex::encode(ed25519_dalek::Signer::sign(&b.key, b"uw-device-enroll-v1").to_bytes()));
    let (status, body) = server.client(None).post("/v1/enroll", &unproven).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::BAD_REQUEST, Some("enroll.bad_proof")), "{body}");
    let mut missing = enrolling("agent1", &a.key);
    missing.as_object_mut().expect("object").remove("key_proof");
    assert_eq!(server.client(None).post("/v1/enroll", &missing).await.0, StatusCode::BAD_REQUEST);
    let (status, taken) = server.client(None).post("/v1/enroll", &enrolling("agent2", &a.key)).await;
    assert_eq!((status, taken["code"].as_str()), (StatusCode::CONFLICT, Some("enroll.key_in_use")), "{taken}");
    let (_, devices) = admin.get("/v1/admin/devices").await;
    assert_eq!(devices.as_array().expect("devices").len(), 2, "one device each, not a duplicate: {devices}");

    // A user made an administrator (who works online) keeps no device token.
    let (status, _) = admin.send(reqwest::Method::PATCH, "/v1/admin/users/agent2", Some(&json!({ "role": "admin" }))).await;
    assert_eq!(status, StatusCode::OK);
    let (_, c9) = challenge(&server, &b.device_id).await;
    let (status, body) = renew(&b.device_id, &renewal(&instance, &b.device_id, &c9, &b.key)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("auth.forbidden")), "{body}");

    // A revoked device can neither renew nor re-enroll.
    let (status, _) = admin.post(&format!("/v1/admin/devices/{}/revoke", a.device_id), &json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = challenge(&server, &a.device_id).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("auth.device_revoked")), "{body}");
    let (status, body) = server.client(None).post("/v1/enroll", &enrolling("agent1", &a.key)).await;
    assert_eq!((status, body["code"].as_str()), (StatusCode::FORBIDDEN, Some("enroll.device_revoked")), "{body}");
    server.stop().await;
}

uw_system_tests::both_engines! { device_renewal => device_renewal_sqlite, device_renewal_postgres; }

/// A device restored from a backup pushes operations under sequence numbers
/// the server has used: the first reused one stops its push, so nothing
/// after it is applied out of order, and the device can send it all again
/// under new numbers.
async fn reused_sequence_stops_the_push(engine: &str) {
    let server = TestServer::start(engine).await;
    let (mut a, _) = enroll(&server, "agent1").await;
    let first = a.op("quote.saved", &json!({ "n": 1 }));
    assert_eq!(a.push(std::slice::from_ref(&first)).await[0]["outcome"], "accepted");
    // The restored device's next operations: sequence 1 again, then 2.
    let reused = a.signed(1, &format!("{:032x}", 0xbeef_u64), "quote.saved", "{\"n\":2}");
    let after = a.signed(2, &format!("{:032x}", 0xcafe_u64), "quote.saved", "{\"n\":3}");
    let results = a.push(&[reused, after.clone()]).await;
    assert_eq!(results[0]["code"], "sync.sequence_reused", "{results:?}");
    assert_eq!(results[1]["code"], "sync.sequence_gap", "{results:?}");
    assert!(results[1]["reason"].as_str().unwrap_or_default().contains("reused a sequence number"), "{results:?}");
    // Nothing of it was applied: sent again under the numbers after the
    // server's, both go through.
    let resent = a.signed(2, &format!("{:032x}", 0xbeef_u64), "quote.saved", "{\"n\":2}");
    let resent_after = a.signed(3, &format!("{:032x}", 0xcafe_u64), "quote.saved", "{\"n\":3}");
    let results = a.push(&[resent, resent_after]).await;
    assert_eq!((results[0]["outcome"].as_str(), results[1]["outcome"].as_str()), (Some("accepted"), Some("accepted")), "{results:?}");
    server.stop().await;
}

uw_system_tests::both_engines! { reused_sequence_stops_the_push => reused_sequence_stops_the_push_sqlite, reused_sequence_stops_the_push_postgres; }

/// Attacks on the server's resources and its administration, through the
/// API: an organisation never loses its last administrator; invented HTTP
/// methods do not grow the metrics; what needs no token is small; a
/// sequence number beyond the database's range is refused for its own
/// operation, not by rolling back everyone's group.
async fn limits_hold(engine: &str) {
    let server = TestServer::start(engine).await;
    let admin = server.login("admin1").await;

    // The only administrator cannot be demoted or disabled, by themselves or anyone.
    for change in [json!({ "role": "agent" }), json!({ "disabled": true })] {
        let (status, body) = admin.send(reqwest::Method::PATCH, "/v1/admin/users/admin1", Some(&change)).await;
        assert_eq!((status, body["code"].as_str()), (StatusCode::CONFLICT, Some("user.last_admin")), "{change}: {body}");
    }
    let (status, _) = admin.send(reqwest::Method::PATCH, "/v1/admin/users/uw2", Some(&json!({ "role": "admin" }))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = admin.send(reqwest::Method::PATCH, "/v1/admin/users/admin1", Some(&json!({ "role": "agent" }))).await;
    assert_eq!(status, StatusCode::OK, "with another administrator it may: {body}");

    // Invented methods share one metrics label.
    let http = reqwest::Client::new();
    for i in 0..200 {
        let method = reqwest::Method::from_bytes(format!("M{i}X").as_bytes()).expect("a method");
        let _ = http.request(method, format!("{}/v1/me", server.base)).send().await.expect("send");
    }
    let methods: std::collections::BTreeSet<String> = server
        .state
        .metrics
        .render()
        .lines()
        .filter_map(|l| l.split("method=\"").nth(1).and_then(|r| r.split('"').next()).map(str::to_owned))
        .collect();
    assert!(methods.len() <= 8 && methods.contains("other"), "{methods:?}");

    // A request without a token carries a few KiB at most.
    let big = "x".repeat(64 * 1024);
    let response = http
        .post(format!("{}/v1/sessions", server.base))
        .header(uw_protocol::VERSION_HEADER, "1")
        .json(&json!({ "username": "agent1", "password": big }))
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // seq = 2^64 - 1: refused for that operation; the device's next one goes through.
    let (mut a, _) = enroll(&server, "agent1").await;
    let huge = a.signed(u64::MAX, &format!("{:032x}", 0xdead_u64), "quote.saved", "{}");
    let results = a.push(&[huge]).await;
    assert_eq!(results[0]["code"], "sync.bad_payload", "{results:?}");
    assert_eq!(a.push_op("quote.saved", &json!({})).await[0]["outcome"], "accepted");
    server.stop().await;
}

uw_system_tests::both_engines! { limits_hold => limits_hold_sqlite, limits_hold_postgres; }
