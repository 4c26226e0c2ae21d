//! The `uw` binary end to end: output, exit status (0 ok, 2 invalid input,
//! 3 pack error) and messages that name the field, file or line.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn uw(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_uw")).args(args).current_dir(root()).output().expect("run uw")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn rate_prints_the_worksheet_as_json() {
    let o = uw(&["rate", "--quote", "rate-packs/examples/ca-personal-auto/01-good-driver.json", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert!(json["pack_id"].as_str().is_some_and(|id| id.starts_with("ca-personal-auto/2026.1@")), "{json}");
    assert_eq!(json["pack_digest"].as_str().map(str::len), Some(64));
    assert_eq!(json["draft"], false);
    let coverages = json["coverages"].as_array().expect("coverages");
    assert!(!coverages.is_empty());
    for c in coverages {
        assert!(c["premium"].is_string(), "money is a decimal string: {c}");
        let lines = c["worksheet"].as_array().expect("worksheet");
        assert!(lines.iter().all(|l| l["value"].is_string() && l["subtotal"].is_string()));
    }
    assert!(json["risk"]["contributions"].as_array().is_some_and(|c| !c.is_empty()));
    assert!(json["decision"]["action"].is_string());
    assert!(json["total"].is_string());
}

#[test]
fn rate_table_format_shows_the_total_and_decision() {
    let o = uw(&["rate", "--quote", "rate-packs/examples/fl-homeowners-ho3/03-key-west-500-hurricane.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("HURRICANE"), "{text}");
    assert!(text.contains("TOTAL"), "{text}");
    assert!(text.contains("decision"), "{text}");
}

#[test]
fn invalid_quotes_exit_2_naming_the_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("q.json");
    let text = std::fs::read_to_string(root().join("rate-packs/examples/ca-personal-auto/01-good-driver.json")).expect("example");
    let mut quote: serde_json::Value = serde_json::from_str(&text).expect("json");
    quote["drivers"][0]["violations"] = serde_json::json!([{ "date": "2099-01-01", "kind": "speeding" }]);
    std::fs::write(&path, quote.to_string()).expect("write");
    let o = uw(&["rate", "--quote", path.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("drivers[0].violations[0].date: 2099-01-01 is in the future"), "{}", stderr(&o));

    std::fs::write(&path, "{ \"product\": \"personal-auto\",\n  \"state\": 7 }").expect("write");
    let o = uw(&["rate", "--quote", path.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("line 2 column"), "{}", stderr(&o));
}

#[test]
fn pack_errors_exit_3_naming_file_and_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pack = dir.path().join("ca-personal-auto");
    std::fs::create_dir(&pack).expect("mkdir");
    for entry in std::fs::read_dir(root().join("rate-packs/ca-personal-auto")).expect("pack") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), pack.join(entry.file_name())).expect("copy");
    }
    let o = uw(&["pack", "verify", pack.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0), "an intact copy verifies: {}", stderr(&o));

    // Any change breaks the signature.
    let territory = pack.join("territory.csv");
    let text = std::fs::read_to_string(&territory).expect("read");
    std::fs::write(&territory, text.replacen(",1.17,", ",1.16,", 1)).expect("write");
    let o = uw(&["pack", "verify", pack.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("SIGNATURE: it signs digest"), "{}", stderr(&o));

    // A malformed row names its file and line, even in draft mode.
    std::fs::write(&territory, text.replacen(",1.17,", ",1.1x,", 1)).expect("write");
    let line = text.lines().position(|l| l.contains(",1.17,")).expect("row") + 1;
    let o = uw(&["pack", "validate", "--draft", pack.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains(&format!("territory.csv:{line}: value: `1.1x` is not a decimal number")), "{}", stderr(&o));
}

#[test]
fn digest_sign_and_verify_round_trip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pack = dir.path().join("il-personal-auto");
    std::fs::create_dir(&pack).expect("mkdir");
    for entry in std::fs::read_dir(root().join("rate-packs/il-personal-auto")).expect("pack") {
        let entry = entry.expect("entry");
        if entry.file_name() != "SIGNATURE" {
            std::fs::copy(entry.path(), pack.join(entry.file_name())).expect("copy");
        }
    }
    let p = pack.to_str().expect("utf-8");
    let o = uw(&["pack", "verify", p]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("the pack is not signed"), "{}", stderr(&o));
    let digest = stdout(&uw(&["pack", "digest", p])).trim().to_owned();
    assert_eq!(digest.len(), 64);
    let key = dir.path().join("key");
    std::fs::write(&key, "42".repeat(32)).expect("key");
    let o = uw(&["pack", "sign", p, "--key", key.to_str().expect("utf-8"), "--key-id", "test"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let public = stdout(&o).trim().rsplit('(').next().expect("public key").trim_end_matches(')').to_owned();
    let o = uw(&["pack", "verify", p]);
    assert_eq!(o.status.code(), Some(3), "an unknown key is not trusted");
    let pubfile = dir.path().join("test.pub");
    std::fs::write(&pubfile, public).expect("pub");
    let trust = format!("test={}", pubfile.display());
    let o = uw(&["pack", "verify", p, "--trust", &trust, "--no-dev-key"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains(&digest), "{}", stdout(&o));
}

#[test]
fn vin_and_zip_lookups() {
    let o = uw(&["vin", "decode", "1J9RP1A36A1644345"]);
    assert_eq!(o.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(json["model_years"], serde_json::json!([2010]));
    let o = uw(&["vin", "decode", "1J9RP1A37A1644345"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("has check digit `7` but its characters give `6`"), "{}", stderr(&o));
    let o = uw(&["zip", "lookup", "60601"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!((json["state"].as_str(), json["county"].as_str()), (Some("IL"), Some("Cook County")));
    let o = uw(&["zip", "lookup", "00000"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn audit_verify_accepts_an_honest_export_and_names_a_tampered_entry() {
    use uw_ledger::{AuditEntry, Checkpoint, CheckpointSigner, MerkleTree, NoteSigner, Role};
    let dir = tempfile::tempdir().expect("tempdir");
    let signer = NoteSigner::new("audit.uw.example", ed25519_dalek::SigningKey::from_bytes(&[8; 32])).expect("signer");
    let verifier = signer.verifier();
    let entries: Vec<Vec<u8>> = (0..12u64)
        .map(|i| {
            AuditEntry {
                actor_user: format!("u-{i}"),
                actor_role: Role::Underwriter,
                actor_device: None,
                action: "quote.approve".into(),
                resource_type: "quote".into(),
                resource_id: format!("QUOT-2026-{i:06}"),
                server_time: "2026-11-23T10:00:00.000Z".into(),
                device_time: None,
                device_signature: None,
                change_sha256: [1; 32],
                request_id: format!("r-{i}"),
            }
            .encode()
            .expect("encodes")
        })
        .collect();
    let mut tree = MerkleTree::in_memory();
    for e in &entries {
        tree.append(e).expect("append");
    }
    let mut cs = CheckpointSigner::new("audit.uw.example/log", signer, None);
    let note = cs.sign(&tree).expect("sign");
    let (checkpoint, _) = Checkpoint::open(&note, std::slice::from_ref(&verifier)).expect("open");
    let export = uw_ledger::export::build(&tree, &note, &checkpoint, 2, &entries[2..10], None, &[]).expect("builds");
    let bundle = dir.path().join("export.txt");
    std::fs::write(&bundle, &export).expect("write");
    let key = verifier.to_string();
    let o = uw(&["audit", "verify", bundle.to_str().expect("utf-8"), "--key", &key]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("ok: entries 2..10 of audit.uw.example/log (tree size 12"), "{}", stdout(&o));
    std::fs::write(&bundle, export.replacen("actor-user u-5", "actor-user u-6", 1)).expect("write");
    let o = uw(&["audit", "verify", bundle.to_str().expect("utf-8"), "--key", &key]);
    assert_eq!(o.status.code(), Some(4));
    assert!(stderr(&o).contains("entry 5: modified"), "{}", stderr(&o));

    // Encrypted to the auditor with the reference `age` tool (Debian's package,
    // installed by the test command), decrypted by `uw audit verify --identity`.
    use age::secrecy::ExposeSecret as _;
    let auditor = age::x25519::Identity::generate();
    let identity_file = dir.path().join("auditor.key");
    std::fs::write(&identity_file, format!("{}\n", auditor.to_string().expose_secret())).expect("write identity");
    std::fs::write(&bundle, &export).expect("write");
    let encrypted = dir.path().join("export.txt.age");
    let status = std::process::Command::new("age")
        .args(["-r", &auditor.to_public().to_string(), "-o", encrypted.to_str().expect("utf-8"), bundle.to_str().expect("utf-8")])
        .status()
        .expect("the `age` tool runs (the test command installs Debian's age package)");
    assert!(status.success());
    let o =
        uw(&["audit", "verify", encrypted.to_str().expect("utf-8"), "--key", &key, "--identity", identity_file.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A flipped byte in the ciphertext is refused before anything is trusted.
    let mut bytes = std::fs::read(&encrypted).expect("read");
    let last = bytes.len() - 20;
    bytes[last] ^= 1;
    std::fs::write(&encrypted, bytes).expect("write");
    let o =
        uw(&["audit", "verify", encrypted.to_str().expect("utf-8"), "--key", &key, "--identity", identity_file.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
}

#[test]
fn store_check_and_backup_round_trip_through_the_command_line() {
    use age::secrecy::ExposeSecret as _;
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let key_source = format!("file:{}", dir.path().join("store.key").display());
    let config = uw_workstation::WorkstationConfig::new(data.clone(), uw_workstation::KeySource::File(dir.path().join("store.key")));
    let mut ws = uw_workstation::Workstation::open(&config).expect("creates a store");
    ws.quick_quote(&uw_workstation::QuickQuoteRequest { zip: "94110".into(), vehicle_year: 2020 }, time::macros::date!(2026 - 03 - 01))
        .expect("rates");
    drop(ws);
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_uw"))
            .args(args)
            .env("UW_DATA_DIR", &data)
            .env("UW_KEY_SOURCE", &key_source)
            .output()
            .expect("run uw")
    };
    let o = run(&["store", "check"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let id = age::x25519::Identity::generate();
    let identity = dir.path().join("id.txt");
    std::fs::write(&identity, format!("{}\n", id.to_string().expose_secret())).expect("identity");
    let backup = dir.path().join("ws.backup");
    let b = backup.to_str().expect("utf-8");
    let i = identity.to_str().expect("utf-8");
    let o = run(&["backup", "create", "--out", b, "--recipient", &id.to_public().to_string()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&["backup", "verify", b, "--identity", i]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&["backup", "restore", b, "--identity", i]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let mut bytes = std::fs::read(&backup).expect("read");
    let at = bytes.len() / 2;
    bytes[at] ^= 0x10;
    std::fs::write(&backup, bytes).expect("tamper");
    let o = run(&["backup", "restore", b, "--identity", i]);
    assert_eq!(o.status.code(), Some(5));
    assert!(stderr(&o).contains("nothing was replaced"), "{}", stderr(&o));
    let o = run(&["store", "check"]);
    assert_eq!(o.status.code(), Some(0), "the store survived the refused restore: {}", stderr(&o));

    // A passphrase backup: the passphrase comes from the environment, never argv.
    let p = dir.path().join("ws-pass.backup");
    let p = p.to_str().expect("utf-8");
    let o = run(&["backup", "create", "--out", p, "--passphrase-env", "UW_TEST_BACKUP_PASSPHRASE"]);
    assert_eq!(o.status.code(), Some(1), "an unset variable is refused");
    assert!(stderr(&o).contains("UW_TEST_BACKUP_PASSPHRASE"), "{}", stderr(&o));
    let with_pass = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_uw"))
            .args(args)
            .env("UW_DATA_DIR", &data)
            .env("UW_KEY_SOURCE", &key_source)
            .env("UW_TEST_BACKUP_PASSPHRASE", "correct horse battery staple")
            .output()
            .expect("runs uw")
    };
    let o = with_pass(&["backup", "create", "--out", p, "--passphrase-env", "UW_TEST_BACKUP_PASSPHRASE"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = with_pass(&["backup", "restore", p, "--passphrase-env", "UW_TEST_BACKUP_PASSPHRASE"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));

    // A recovery copy brings back lost keys.
    let copy = dir.path().join("keys.recovery.age");
    let c = copy.to_str().expect("utf-8");
    let o = run(&["key", "recovery-copy", "--recipient", &id.to_public().to_string(), "--out", c]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&["key", "recover", c, "--identity", i]);
    assert_eq!(o.status.code(), Some(5), "the keys are still there: {}", stderr(&o));
    assert!(stderr(&o).contains("already holds a key"), "{}", stderr(&o));
    std::fs::remove_file(dir.path().join("store.key")).expect("lose the key");
    std::fs::remove_file(dir.path().join("store.key.device")).expect("lose the device key");
    assert_eq!(run(&["store", "check"]).status.code(), Some(5), "no key, no store");
    let o = run(&["key", "recover", c, "--identity", i]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(run(&["store", "check"]).status.code(), Some(0));
}

/// A copy of the CA auto pack with its BI base rate changed, unsigned.
fn ca_draft(dir: &Path) -> PathBuf {
    let draft = dir.join("ca-draft");
    std::fs::create_dir(&draft).expect("mkdir");
    for entry in std::fs::read_dir(root().join("rate-packs/ca-personal-auto")).expect("pack") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("name").to_owned();
        if name != "SIGNATURE" {
            std::fs::copy(&path, draft.join(name)).expect("copy");
        }
    }
    let manifest = std::fs::read_to_string(draft.join("manifest.toml")).expect("manifest");
    let manifest = manifest
        .replace(r#"{ op = "base", value = "462.00""#, r#"{ op = "base", value = "480.00""#)
        .replace("version = \"2026.1\"", "version = \"2026.2\"");
    std::fs::write(draft.join("manifest.toml"), manifest).expect("write");
    draft
}

#[test]
fn pack_diff_names_the_changed_value_and_its_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let draft = ca_draft(dir.path());
    let o = uw(&["pack", "diff", "rate-packs/ca-personal-auto", draft.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("coverages.BI.steps.0.value (BI: Base rate (annual)): 462.00 -> 480.00"), "{text}");
    assert!(text.contains("version (Version): 2026.1 -> 2026.2"), "{text}");
    assert!(text.contains("2 change(s)"), "{text}");
    let o = uw(&["pack", "diff", "rate-packs/ca-personal-auto", draft.to_str().expect("utf-8"), "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(json["fields"].as_array().map(Vec::len), Some(2), "{json}");
    assert_eq!(json["tables"], serde_json::json!([]));
}

#[test]
fn a_legacy_dump_imports_into_a_book_that_feeds_impact() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("legacy.csv");
    std::fs::copy(root().join("crates/policy/tests/data/legacy-auto.csv"), &csv).expect("copy");
    let o = uw(&[
        "book",
        "import",
        "--mapping",
        "crates/policy/tests/data/legacy-auto.toml",
        "--input",
        csv.to_str().expect("utf-8"),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = stdout(&o);
    let (report, summary) = text.rsplit_once("}\n").expect("a JSON report then a summary line");
    let report: serde_json::Value = serde_json::from_str(&format!("{report}}}")).expect("JSON report");
    let (read, accepted, rejected) = (report["rows_read"].as_u64(), report["accepted"].as_u64(), report["rejected"].as_u64());
    assert_eq!(read, Some(accepted.unwrap_or(0) + rejected.unwrap_or(0)), "{report}");
    assert!(accepted > Some(0) && rejected > Some(0), "the sample has good and bad rows: {report}");
    let book = dir.path().join("legacy.book.jsonl");
    let rejects = std::fs::read_to_string(dir.path().join("legacy.rejects.csv")).expect("rejects");
    assert_eq!(std::fs::read_to_string(&book).expect("book").lines().count() as u64, accepted.unwrap_or(0));
    assert_eq!(rejects.lines().count() as u64, rejected.unwrap_or(0) + 1, "a header and one line per reject");
    assert!(summary.contains("policies"), "{summary}");

    let draft = ca_draft(dir.path());
    let args = [
        "pack",
        "impact",
        "--base",
        "rate-packs/ca-personal-auto",
        "--draft",
        draft.to_str().expect("utf-8"),
        "--book",
        book.to_str().expect("utf-8"),
    ];
    let o = uw(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let impact: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    // Only the policies in force are priced (domain review G5: the sample's
    // cancelled and expired policies were counted and rated).
    let book_text = std::fs::read_to_string(&book).expect("book");
    let in_force = book_text.lines().filter(|l| l.contains("\"status\":\"in-force\"")).count() as u64;
    assert!(in_force < accepted.unwrap_or(0), "the sample has policies not in force");
    assert_eq!(impact["policies"].as_u64(), Some(in_force));
    assert!(
        stderr(&o).contains(&format!(
            "left out {} of {} policies: cancelled or expired",
            accepted.unwrap_or(0) - in_force,
            accepted.unwrap_or(0)
        )),
        "{}",
        stderr(&o)
    );
    let counted = ["rated", "failed", "out_of_scope"].iter().map(|k| impact[k].as_u64().unwrap_or(0)).sum::<u64>();
    assert_eq!(Some(counted), Some(in_force), "{impact}");
    assert!(impact["rated"].as_u64() > Some(0), "the sample has California policies: {impact}");
    let change: rust_decimal::Decimal = impact["total"]["change"].as_str().expect("money is text").parse().expect("decimal");
    assert!(change > rust_decimal::Decimal::ZERO, "a higher BI base rate raises the book: {impact}");
    let o = uw(&args);
    assert!(stdout(&o).contains("percent change") && stdout(&o).contains("largest increases"), "{}", stdout(&o));
}

/// `uw book route`: where every policy of an imported book goes, and why;
/// a rules file's mistake names its line (issue 30).
#[test]
fn a_book_routes_by_rules_and_says_why() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = dir.path().join("legacy.csv");
    std::fs::copy(root().join("crates/policy/tests/data/legacy-auto.csv"), &csv).expect("copy");
    let o = uw(&["book", "import", "--mapping", "crates/policy/tests/data/legacy-auto.toml", "--input", csv.to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let book = dir.path().join("legacy.book.jsonl");
    let rules = dir.path().join("routing.toml");
    let text = "routing_version = 1\ndefault = \"legacy\"\n\n[[rule]]\nname = \"not rated here\"\npriority = 1\nwhen = [\"quality.rates = false\"]\nroute = \"quality-queue\"\n\n[[rule]]\nname = \"California in force\"\npriority = 2\nwhen = [\"state = CA\", \"status = in-force\"]\nroute = \"wave:ca-1\"\n";
    std::fs::write(&rules, text).expect("rules");
    let args = [
        "book",
        "route",
        "--book",
        book.to_str().expect("utf-8"),
        "--rules",
        rules.to_str().expect("utf-8"),
        "--packs",
        "rate-packs",
        "--on",
        "2026-03-01",
    ];
    let o = uw(&[&args[..], &["--format", "json"]].concat());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let routed: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).expect("JSON");
    let book_text = std::fs::read_to_string(&book).expect("book");
    assert_eq!(routed.len(), book_text.lines().count(), "every policy is routed");
    for (line, r) in book_text.lines().zip(&routed) {
        let p: serde_json::Value = serde_json::from_str(line).expect("policy");
        let expected = if p["rating"]["state"] == "CA" && p["status"] == "in-force" { "ca-1" } else { "" };
        if expected.is_empty() {
            assert_ne!(r["routed"]["destination"]["wave"], "ca-1", "{r}");
        } else {
            assert_eq!(r["routed"]["destination"], serde_json::json!({ "to": "wave", "wave": "ca-1" }), "{r}");
            assert!(r["routed"]["because"].as_str().is_some_and(|b| b.contains("state = CA (is CA)")), "{r}");
        }
    }
    assert!(routed.iter().any(|r| r["routed"]["destination"]["wave"] == "ca-1"), "the sample has California policies in force");
    let o = uw(&args);
    assert!(stdout(&o).contains("wave:ca-1") && stdout(&o).contains("rule \"California in force\" (line 10)"), "{}", stdout(&o));

    std::fs::write(&rules, text.replace("state = CA", "state = California")).expect("rules");
    let o = uw(&args);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("routing.toml:13: rule \"California in force\": condition `state = California`"), "{}", stderr(&o));
}

/// `uw pack report`: what a filing reviewer checks (issue 25 item 8).
#[test]
fn pack_report_prints_weights_fees_and_state_law() {
    let o = uw(&["pack", "report", root().join("rate-packs/ca-personal-auto").to_str().expect("utf-8"), "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let bi = report["coverages"].as_array().expect("coverages").iter().find(|c| c["code"] == "BI").expect("BI");
    let weight = |table: &str| {
        bi["factors"].as_array().expect("factors").iter().find(|f| f["table"] == table).expect("factor")["weight"]
            .as_str()
            .expect("a weight")
            .parse::<f64>()
            .expect("number")
    };
    assert!(weight("driving_record") > weight("annual_miles") && weight("annual_miles") > weight("years_licensed"));
    assert!(report["state_law"].to_string().contains("10 CCR 2632.8"), "{}", report["state_law"]);
    let o = uw(&["pack", "report", root().join("rate-packs/ny-personal-auto").to_str().expect("utf-8")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = String::from_utf8(o.stdout).expect("utf-8");
    assert!(text.contains("10.00 per vehicle (5.00 for six months or less)"), "{text}");
    assert!(text.contains("UM within BI: NY Ins. Law 3420(f)(2)(A)"), "{text}");
    assert!(text.contains("  at their request    90% of pro-rata\n  replaced or sold    pro-rata\n"), "{text}");
    let o = uw(&["pack", "report", root().join("rate-packs/tx-personal-auto").to_str().expect("utf-8")]);
    let text = String::from_utf8(o.stdout).expect("utf-8");
    assert!(
        text.contains("signed forms a bind needs\n  PIP (personal injury protection): included unless the insured rejects it in writing (Tex. Ins. Code 1952.152)\n"),
        "{text}"
    );
}
