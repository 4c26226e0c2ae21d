//! Moving a legacy book onto the real `uw-sync-server`, on SQLite and on
//! PostgreSQL (issue 30): a generated book with known defects is loaded and
//! routed by a rules file into two waves and the legacy system; a gate
//! stops the first wave before it writes; the dry run reports; the second
//! wave runs in the server and is killed with SIGKILL at random points, and
//! the server, restarted, resumes it with nothing duplicated or lost; the
//! tracker answers for every policy; a changed policy blocks the rollback,
//! and the rollback of an untouched wave removes what it created;
//! reconciliation adds up exactly, from the journal, the server and the
//! audit log.

use std::collections::HashSet;
use std::time::Duration;

use reqwest::StatusCode;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use uw_system_tests::api::ApiClient;
use uw_system_tests::system::Org;
use uw_system_tests::{workspace_root, PostgresDatabase, Rng};

/// The policies of the generated book: the A book, then the B book (large
/// enough that every kill lands while its wave runs).
const A: usize = 600;
const B: usize = 4800;
const BOOK: usize = A + B;
/// SIGKILLs while the second wave runs.
const KILLS: usize = 20;

const RULES: &str = r#"routing_version = 1
name = "Test carrier, Texas auto"
revision = 1
default = "legacy"

[[rule]]
name = "incomplete records wait for the data team"
priority = 10
when = ["quality.failed in [rates, unique]"]
route = "quality-queue"

[[rule]]
name = "the A book moves first"
priority = 20
when = ["policy_number starts with TX-A-", "product = personal-auto"]
route = "wave:tx-a"

[[rule]]
name = "then the B book"
priority = 30
when = ["policy_number starts with TX-B-"]
route = "wave:tx-b"
"#;

/// The canonical policy of `docs/canonical-policy-model.md`, starting on
/// 2026-10-01 for six months.
fn sample() -> Value {
    let doc = std::fs::read_to_string(workspace_root().join("docs/canonical-policy-model.md")).expect("model doc");
    let line = doc.lines().find(|l| l.starts_with("{\"model_version\":1,\"policy_number\":\"TX-A-200001\"")).expect("sample line");
    let mut p: Value = serde_json::from_str(line).expect("json");
    p["term_start"] = json!("2026-10-01");
    p["term_end"] = json!("2027-04-01");
    p["rating"]["effective_date"] = json!("2026-10-01");
    p.as_object_mut().expect("object").remove("source_line");
    p
}

/// What the Texas pack charges the sample.
fn rated_total(p: &Value) -> Decimal {
    let pack = uw_system_tests::api::tx_auto_pack();
    let quote: uw_rating::Quote = serde_json::from_value(p["rating"].clone()).expect("quote");
    uw_rating::rate(&pack, &quote.validate().expect("valid")).expect("rates").total
}

/// The book, with its known defects: every 50th policy of the A book
/// without a legacy premium, every 7th of the B book priced 40 % above
/// this system's rating, and one insured kept under two numbers (the
/// quality queue).
fn book(dir: &std::path::Path) -> (std::path::PathBuf, Decimal) {
    let base = sample();
    let total = rated_total(&base);
    let mut lines = Vec::with_capacity(BOOK + 1);
    for i in 0..BOOK {
        let mut p = base.clone();
        let (letter, n) = if i < A { ("A", i) } else { ("B", i - A) };
        p["policy_number"] = json!(format!("TX-{letter}-{:06}", n));
        p["rating"]["applicant"]["name"] = json!(format!("Insured {letter} {n}"));
        let premium = if letter == "A" && n % 50 == 0 {
            None
        } else if letter == "B" && n % 7 == 0 {
            Some((total * Decimal::new(14, 1)).round_dp(2))
        } else {
            Some(total)
        };
        match premium {
            Some(w) => p["written_premium"] = json!(w.to_string()),
            None => {
                p.as_object_mut().expect("object").remove("written_premium");
            }
        }
        lines.push(p.to_string());
    }
    // One insured kept twice, under two numbers: both go to the quality queue.
    for n in 1..=2 {
        let mut dup = base.clone();
        dup["policy_number"] = json!(format!("TX-C-{n:06}"));
        lines.push(dup.to_string());
    }
    let path = dir.join("book.jsonl");
    std::fs::write(&path, lines.join("\n") + "\n").expect("book written");
    (path, total)
}

fn json_of(printed: &str) -> Value {
    serde_json::from_str(printed.trim()).unwrap_or_else(|e| panic!("{e}: {printed}"))
}

/// The legacy book's personal data is sealed at rest like a quote's: no
/// insured's name or VIN is in the clear in the rows `sql` reads.
fn no_personal_data_in_clear(file: &std::path::Path, sql: &str) {
    let db = rusqlite::Connection::open(file).expect("the server's file");
    let mut statement = db.prepare(sql).expect("query");
    let rows: Vec<String> = statement.query_map([], |r| r.get(0)).expect("rows").map(|r| r.expect("row")).collect();
    assert!(!rows.is_empty(), "{sql}: no rows");
    for row in rows {
        assert!(!row.contains("Insured ") && !row.contains("KM8JBCAE7RU788397") && !row.contains("Congress"), "{sql}: in the clear: {row}");
    }
}

fn story(database_args: &[&str], sqlite_file: Option<&std::path::Path>) {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let org = Org::create(database_args);
    let dir = tempfile::tempdir().expect("tempdir");
    let (book_path, total) = book(dir.path());
    let rules_path = dir.path().join("routing.toml");
    std::fs::write(&rules_path, RULES).expect("rules");

    // Load and route.
    let load = json_of(&org.admin(&[
        "migration",
        "load",
        "--book",
        book_path.to_str().expect("utf-8"),
        "--rules",
        rules_path.to_str().expect("utf-8"),
    ]));
    assert_eq!(load["read"], json!(BOOK + 2));
    assert_eq!(load["loaded"], json!(BOOK + 2));
    assert_eq!(load["by_destination"], json!({ "quality-queue": 2, "wave:tx-a": A, "wave:tx-b": B }));
    if let Some(file) = sqlite_file {
        no_personal_data_in_clear(file, "SELECT document FROM legacy_policy");
    }

    // Wave A: 12 of its 600 have no legacy premium (98 %), under the 99 % gate.
    let planned = org.admin(&["migration", "plan", "tx-a", "--owner", "agent", "--tolerance", "5"]);
    assert!(planned.contains("600 policies"), "{planned}");
    let dry = json_of(&org.admin(&["migration", "dry-run", "tx-a"]));
    assert_eq!(dry["policies"], json!(600));
    assert_eq!(dry["legacy"]["count"], json!(588));
    let completeness = dry["gates"].as_array().expect("gates").iter().find(|g| g["gate"] == "completeness").expect("gate").clone();
    assert_eq!((completeness["measured"].as_str(), completeness["passed"].as_bool()), (Some("98%"), Some(false)), "{dry}");
    let stopped = json_of(&org.admin(&["migration", "run", "tx-a"]));
    assert_eq!(stopped["outcome"], "stopped", "{stopped}");
    let status = json_of(&org.admin(&["migration", "status", "tx-a"]));
    assert_eq!(
        (status["state"].as_str(), status["migrated"].as_u64()),
        (Some("planned"), Some(0)),
        "a gate stops before anything is written"
    );
    // Planned again with the gate the data team accepts: 12 will be rejected, each with why.
    org.admin(&["migration", "plan", "tx-a", "--owner", "agent", "--min-complete", "95"]);

    // Wave B: one in seven priced 40 % above this system; the agreement gate is set to let it run.
    org.admin(&["migration", "plan", "tx-b", "--owner", "agent", "--min-agreement", "80"]);
    let dry = json_of(&org.admin(&["migration", "dry-run", "tx-b"]));
    assert_eq!(dry["passed"], json!(true), "{dry}");
    let outside = B.div_ceil(7);
    assert_eq!(dry["within_tolerance"].as_u64(), Some((B - outside) as u64), "{dry}");
    assert_eq!(dry["differences"].as_array().map(Vec::len), Some(outside.min(100)));

    // Wave B runs in the server, which is killed at random points and restarted.
    let mut server = org.start();
    let admin = rt.block_on(ApiClient::new(&server.base_url, None).login("admin", org.demo.password("admin")));
    let (code, body) = rt.block_on(admin.post("/v1/admin/migration/waves/tx-b/run", &json!({})));
    assert_eq!(code, StatusCode::OK, "{body}");
    let mut rng = Rng::seeded();
    // A kill counts when the wave was still running after it: it landed in
    // the middle of the wave.
    let mut kills = 0;
    while kills < KILLS {
        std::thread::sleep(Duration::from_millis(10 + rng.below(150)));
        let _ = server.kill();
        server = org.start();
        let admin = rt.block_on(ApiClient::new(&server.base_url, None).login("admin", org.demo.password("admin")));
        let (_, wave) = rt.block_on(admin.get("/v1/admin/migration/waves/tx-b"));
        assert_eq!(wave["state"], "running", "the wave finished after {kills} kills; make the B book larger: {wave}");
        assert!(wave["pending"].as_u64().is_some_and(|p| p > 0), "{wave}");
        kills += 1;
    }
    let admin = rt.block_on(ApiClient::new(&server.base_url, None).login("admin", org.demo.password("admin")));
    let deadline = std::time::Instant::now() + Duration::from_secs(300);
    let wave = loop {
        let (_, wave) = rt.block_on(admin.get("/v1/admin/migration/waves/tx-b"));
        if wave["state"] == "completed" {
            break wave;
        }
        assert!(std::time::Instant::now() < deadline, "wave tx-b did not finish after the restarts: {wave}");
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(
        (wave["migrated"].as_u64(), wave["rejected"].as_u64(), wave["pending"].as_u64()),
        (Some(B as u64), Some(0), Some(0)),
        "{wave}"
    );
    let exit = server.terminate();
    assert!(exit.status.success(), "{}", exit.stderr);

    // Wave A runs from the command line (a resume is the same command).
    let done = json_of(&org.admin(&["migration", "run", "tx-a"]));
    assert_eq!(done["outcome"], "completed", "{done}");
    assert_eq!((done["status"]["migrated"].as_u64(), done["status"]["rejected"].as_u64()), (Some(588), Some(12)), "{done}");

    // A later legacy dump changed one migrated policy: the load lists it, the tracker says so.
    let later = dir.path().join("later.jsonl");
    let text = std::fs::read_to_string(&book_path).expect("book");
    let changed_line =
        |l: &str| if l.contains("\"TX-A-000003\"") { l.replace("\"written_premium\":\"", "\"written_premium\":\"1") } else { l.to_owned() };
    std::fs::write(&later, text.lines().map(changed_line).collect::<Vec<_>>().join("\n") + "\n").expect("later dump");
    let reload = json_of(&org.admin(&[
        "migration",
        "load",
        "--book",
        later.to_str().expect("utf-8"),
        "--rules",
        rules_path.to_str().expect("utf-8"),
    ]));
    assert_eq!(reload["changed_after_migration"], json!(["TX-A-000003"]), "{reload}");
    assert_eq!(reload["migrated_unchanged"].as_u64(), Some((B + 588 - 1) as u64), "{reload}");

    // Nothing twice: every migrated legacy policy has one new number, all distinct.
    let server = org.start();
    let underwriter = rt.block_on(ApiClient::new(&server.base_url, None).login("underwriter", org.demo.password("underwriter")));
    let mut numbers = HashSet::new();
    for i in 0..BOOK {
        let (letter, n) = if i < A { ("A", i) } else { ("B", i - A) };
        let legacy = format!("TX-{letter}-{n:06}");
        let (code, tracked) = rt.block_on(underwriter.get(&format!("/v1/migration/policies/{legacy}")));
        assert_eq!(code, StatusCode::OK, "{legacy}: {tracked}");
        let kinds: Vec<&str> = tracked["events"].as_array().expect("events").iter().filter_map(|e| e["kind"].as_str()).collect();
        if letter == "A" && n % 50 == 0 {
            assert_eq!((tracked["system"].as_str(), tracked["reconciliation"].as_str()), (Some("legacy"), Some("rejected")), "{tracked}");
            // Still in legacy, so the later dump routed it again.
            assert_eq!(kinds, ["routed", "rejected", "routed"]);
            continue;
        }
        assert_eq!(tracked["system"], "server", "{tracked}");
        let expected_kinds: &[&str] =
            if legacy == "TX-A-000003" { &["routed", "migrated", "changed_in_legacy"] } else { &["routed", "migrated"] };
        assert_eq!(kinds, expected_kinds, "{tracked}");
        let number = tracked["policy_number"].as_str().expect("new number").to_owned();
        let expected = if letter == "B" && n % 7 == 0 {
            "rating difference"
        } else if legacy == "TX-A-000003" {
            "changed in legacy after migration"
        } else {
            "matches"
        };
        assert_eq!(tracked["reconciliation"], expected, "{tracked}");
        // The tracker answers by the new number too.
        let (_, by_new) = rt.block_on(underwriter.get(&format!("/v1/migration/policies/{number}")));
        assert_eq!(by_new["legacy_number"], legacy.as_str());
        assert!(numbers.insert(number), "a number issued twice");
    }
    assert_eq!(numbers.len(), B + 588);
    let (_, queued) = rt.block_on(underwriter.get("/v1/migration/policies/TX-C-000001"));
    assert_eq!((queued["destination"].as_str(), queued["system"].as_str()), (Some("quality-queue"), Some("legacy")), "{queued}");

    if let Some(file) = sqlite_file {
        no_personal_data_in_clear(file, "SELECT input FROM policy WHERE quote_number LIKE 'LEGACY-%'");
        no_personal_data_in_clear(file, "SELECT input FROM quote_record WHERE quote_number LIKE 'LEGACY-%'");
    }

    // A migrated policy is an ordinary policy: its timeline starts with `migrated`, and it cancels.
    let (_, tracked) = rt.block_on(underwriter.get("/v1/migration/policies/TX-A-000001"));
    let changed = tracked["policy_number"].as_str().expect("number").to_owned();
    let agent = rt.block_on(ApiClient::new(&server.base_url, None).login("agent", org.demo.password("agent")));
    let (code, detail) = rt.block_on(agent.get(&format!("/v1/policies/{changed}")));
    assert_eq!(code, StatusCode::OK, "{detail}");
    assert_eq!(detail["timeline"][0]["kind"], "migrated", "{detail}");
    let cancel = json!({
        "policy_number": changed,
        "base_version": 1,
        "transaction": { "kind": "cancel", "effective": "2026-12-15", "reason": "insured_request" },
        "input": null,
        "pack_digest": null,
    });
    let (code, body) = rt.block_on(agent.post(&format!("/v1/policies/{changed}/transactions"), &cancel));
    assert_eq!(code, StatusCode::OK, "{body}");

    // Another is endorsed: the server rates the change with its own pack.
    let (_, tracked) = rt.block_on(underwriter.get("/v1/migration/policies/TX-A-000002"));
    let endorsed = tracked["policy_number"].as_str().expect("number").to_owned();
    let mut changed_quote = sample();
    changed_quote["rating"]["applicant"]["name"] = json!("Insured A 2");
    for c in changed_quote["rating"]["coverages"].as_array_mut().expect("coverages") {
        if c["code"] == "BI" {
            c["limit"] = json!("100/300");
        }
    }
    let rating = {
        let quote: uw_rating::Quote = serde_json::from_value(changed_quote["rating"].clone()).expect("quote");
        uw_rating::rate(&uw_system_tests::api::tx_auto_pack(), &quote.validate().expect("valid")).expect("rates")
    };
    let endorse = json!({
        "policy_number": endorsed,
        "base_version": 1,
        "transaction": { "kind": "endorse", "effective": "2026-12-15", "term_premium": (rating.total - rating.fee_total()).to_string(), "description": "Higher liability limits" },
        "input": { "quote": changed_quote["rating"] },
        "pack_digest": null,
    });
    let (code, body) = rt.block_on(agent.post(&format!("/v1/policies/{endorsed}/transactions"), &endorse));
    assert_eq!(code, StatusCode::OK, "{body}");
    let (_, detail) = rt.block_on(agent.get(&format!("/v1/policies/{endorsed}")));
    let kinds: Vec<&str> = detail["timeline"].as_array().expect("timeline").iter().filter_map(|t| t["kind"].as_str()).collect();
    assert_eq!(kinds, ["migrated", "endorse"], "{detail}");

    // The changed policy blocks wave A's rollback, by name; wave B rolls back.
    let (code, body) = rt.block_on(admin_of(&rt, &server.base_url, &org).post("/v1/admin/migration/waves/tx-a/rollback", &json!({})));
    assert_eq!(code, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["code"], "migration.rollback_blocked");
    assert!(body["message"].as_str().is_some_and(|m| m.contains(&changed)), "{body}");
    let (code, body) = rt.block_on(admin_of(&rt, &server.base_url, &org).post("/v1/admin/migration/waves/tx-b/rollback", &json!({})));
    assert_eq!(code, StatusCode::OK, "{body}");
    assert_eq!(body["rolled_back"], json!(B));
    let (_, tracked) = rt.block_on(underwriter.get("/v1/migration/policies/TX-B-000003"));
    assert_eq!((tracked["system"].as_str(), tracked["reconciliation"].as_str()), (Some("legacy"), Some("rolled back")), "{tracked}");

    // Reconciliation adds up exactly, for both waves, from the journal, the server and the audit log.
    for (wave, legacy, migrated, rejected, rolled_back) in [("tx-a", A, 588u64, 12u64, 0u64), ("tx-b", B, 0, 0, B as u64)] {
        let (code, r) = rt.block_on(admin_of(&rt, &server.base_url, &org).get(&format!("/v1/admin/migration/waves/{wave}/reconciliation")));
        assert_eq!(code, StatusCode::OK, "{r}");
        assert_eq!(r["balanced"], json!(true), "{r}");
        let g = &r["groups"][0];
        assert_eq!((g["state"].as_str(), g["product"].as_str()), (Some("TX"), Some("personal-auto")));
        assert_eq!(g["legacy"]["count"].as_u64(), Some(legacy as u64));
        assert_eq!(g["migrated"]["count"].as_u64(), Some(migrated));
        assert_eq!(g["rejected"]["count"].as_u64(), Some(rejected));
        assert_eq!(g["rolled_back"]["count"].as_u64(), Some(rolled_back));
        assert_eq!(g["server"], g["migrated"], "{r}");
        assert_eq!(g["audit"], g["migrated"], "{r}");
        if wave == "tx-a" {
            let premium: Decimal = g["migrated"]["premium"].as_str().expect("premium").parse().expect("decimal");
            assert_eq!(premium, total * Decimal::from(588u32));
        }
    }
    let exit = server.terminate();
    assert!(exit.status.success(), "{}", exit.stderr);
}

fn admin_of(rt: &tokio::runtime::Runtime, base: &str, org: &Org) -> ApiClient {
    rt.block_on(ApiClient::new(base, None).login("admin", org.demo.password("admin")))
}

#[test]
fn a_legacy_book_moves_in_waves_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("server.sqlite3");
    story(&["--sqlite", path.to_str().expect("utf-8")], Some(&path));
}

#[test]
fn a_legacy_book_moves_in_waves_on_postgres() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let db = rt.block_on(PostgresDatabase::create());
    story(&["--database-url", &db.url], None);
    rt.block_on(db.drop_database());
}
