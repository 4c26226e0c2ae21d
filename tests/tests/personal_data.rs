//! Customers' personal data at rest on the server (issue 29, item 3),
//! through the real binaries on SQLite and PostgreSQL: a customer quoted
//! twice and bound from a laptop is one customer on the server, found by
//! exact name; the database file (with its write-ahead log) and its backup
//! (`admin backup`, or `pg_dump`) hold none of their personal values in
//! clear, while what rating reads without naming anyone stays readable;
//! rotating the wrapping key leaves every value readable and rewrites no
//! data; a sealed value moved to another field does not open.

#[path = "../../crates/workstation/tests/common/mod.rs"]
mod common;

use common::good_driver;
use reqwest::StatusCode;
use uw_system_tests::api::ApiClient;
use uw_system_tests::system::{now, Laptop, Org};
use uw_system_tests::PostgresDatabase;
use uw_workstation::{DriverLicense, QuoteInput, QuoteStatus, Secret};

const NAME: &str = "Philippa Okonkwo-Lindqvist";
const STREET: &str = "8812 Quillfeather Lane";
const CITY: &str = "Altadena Heights";
const BIRTH: &str = "1981-02-27";
const EMAIL: &str = "philippa.ol@example.net";
const PHONE: &str = "(626) 555-0187";
const LICENCE: &str = "Q9081726354";
const VIN: &str = "1HGCV1F30LA274806";

/// Every personal value of the seeded customer, as it would appear in clear.
const PERSONAL: [&str; 8] = [NAME, STREET, CITY, BIRTH, EMAIL, PHONE, LICENCE, VIN];

fn customer(miles: u32) -> QuoteInput {
    let mut input = good_driver();
    input.quote.applicant.name = NAME.into();
    input.quote.applicant.address.street = STREET.into();
    input.quote.applicant.address.city = CITY.into();
    input.quote.drivers[0].name = NAME.into();
    input.quote.drivers[0].date_of_birth = time::macros::date!(1981 - 02 - 27);
    input.quote.vehicles[0].vin = Some(VIN.into());
    input.quote.vehicles[0].annual_miles = miles;
    input.contact.date_of_birth = Some(time::macros::date!(1981 - 02 - 27));
    input.contact.email = Some(EMAIL.into());
    input.contact.phone = Some(PHONE.into());
    input.licenses = vec![Some(DriverLicense { number: LICENCE.into(), state: "CA".into() })];
    input
}

/// The personal values found in `bytes`, in clear.
fn in_clear(bytes: &[u8]) -> Vec<&'static str> {
    PERSONAL.into_iter().filter(|value| bytes.windows(value.len()).any(|w| w == value.as_bytes())).collect()
}

fn story(database_args: &[&str], dump: &dyn Fn(&Org, &std::path::Path) -> Vec<u8>) {
    let org = Org::create(database_args);
    let server = org.start();
    let dirs = tempfile::tempdir().expect("tempdir");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let mut laptop = Laptop::open(&dirs.path().join("laptop"));
    laptop.ws.enroll(&server.base_url, "agent", &Secret::new(org.demo.password("agent")), "agent-laptop", now()).expect("enrolls");

    // Two quotes for the customer, one bound; another customer beside them.
    let first = laptop.rated(customer(9_000));
    let second = laptop.rated(customer(12_000));
    let other = laptop.rated(good_driver());
    laptop.ws.request_bind(second, now()).expect("bind requested");
    let report = laptop.ws.sync(now()).expect("syncs");
    assert_eq!(laptop.status(second), QuoteStatus::Bound, "{report:?}");
    let policy = report.push.policies_issued.first().cloned().expect("a policy is issued");
    let (first, second, other) = (laptop.number(first), laptop.number(second), laptop.number(other));

    // Found by exact name (case and spacing aside), as one customer.
    let api = ApiClient::new(&server.base_url, None);
    let underwriter = rt.block_on(api.login("underwriter", org.demo.password("underwriter")));
    let (status, found) = rt.block_on(underwriter.get("/v1/customers?name=%20philippa%20%20OKONKWO-lindqvist"));
    assert_eq!(status, StatusCode::OK, "{found}");
    let found = found.as_array().expect("a list");
    assert_eq!(found.len(), 1, "one customer: {found:?}");
    assert_eq!(found[0]["name"], NAME);
    assert_eq!(found[0]["street"], STREET);
    let mut quotes = vec![first.clone(), second.clone()];
    quotes.sort();
    assert_eq!(found[0]["quotes"], serde_json::json!(quotes), "both quotes are theirs, not {other}");
    assert_eq!(found[0]["policies"], serde_json::json!([policy]));
    let (_, nobody) = rt.block_on(underwriter.get("/v1/customers?name=Philippa"));
    assert_eq!(nobody, serde_json::json!([]), "an exact look-up, not a prefix search");
    // Another agent finds none of this agent's customers.
    let password = org.add_user("agent2", "agent");
    let agent2 = rt.block_on(api.login("agent2", &password));
    let (status, theirs) = rt.block_on(agent2.get(&format!("/v1/customers?name={}", NAME.replace(' ', "%20"))));
    assert_eq!((status, theirs), (StatusCode::OK, serde_json::json!([])));

    // The agent reads the policy with every detail, opened.
    let agent = rt.block_on(api.login("agent", org.demo.password("agent")));
    let (status, detail) = rt.block_on(agent.get(&format!("/v1/policies/{policy}")));
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["input"]["quote"]["applicant"]["name"], NAME);
    assert_eq!(detail["input"]["contact"]["email"], EMAIL);
    assert_eq!(detail["input"]["licenses"][0]["number"], LICENCE);
    assert!(detail["input"].get("sealed_for").is_none(), "the seal is the server's business: {detail}");

    // The database and its backup hold only ciphertext of them.
    let bytes = dump(&org, dirs.path());
    assert_eq!(in_clear(&bytes), Vec::<&str>::new(), "personal values in clear in the database or its backup");
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("pay-in-full") && text.contains("\"sealed_for\":\""), "the dump holds the sealed documents");
    assert!(text.contains("pd1:"), "the dump holds sealed values");

    // Rotation re-wraps every data key; nothing becomes unreadable.
    let rotated = org.admin(&["rotate-data-keys"]);
    assert!(rotated.contains("wrap-2") && rotated.contains("retired: wrap-1"), "{rotated}");
    let (status, again) = rt.block_on(agent.get(&format!("/v1/policies/{policy}")));
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["input"], detail["input"], "the same input after rotation");
    let (_, found_again) = rt.block_on(underwriter.get(&format!("/v1/customers?name={}", NAME.replace(' ', "%20"))));
    assert_eq!(found_again[0]["quotes"], serde_json::json!(quotes));
    // The server restarted (no key cached) still opens them.
    drop(server);
    let server = org.start();
    let agent = rt.block_on(ApiClient::new(&server.base_url, None).login("agent", org.demo.password("agent")));
    let (status, after) = rt.block_on(agent.get(&format!("/v1/policies/{policy}")));
    assert_eq!((status, &after["input"]), (StatusCode::OK, &detail["input"]));

    // The administrator's data-subject request over the API: found, exported
    // (and the export audited), refused erasure while the policy is in force.
    let admin = rt.block_on(ApiClient::new(&server.base_url, None).login("admin", org.demo.password("admin")));
    let (status, listed) = rt.block_on(admin.get("/v1/admin/customers?name=philippa%20okonkwo-lindqvist"));
    assert_eq!(status, StatusCode::OK, "{listed}");
    let id = listed[0]["customer_id"].as_str().expect("an id").to_owned();
    let (status, export) = rt.block_on(admin.get(&format!("/v1/admin/customers/{id}/export")));
    assert_eq!(status, StatusCode::OK, "{export}");
    assert_eq!(export["quotes"].as_array().map(Vec::len), Some(2));
    assert_eq!(export["quotes"][0]["input"]["contact"]["phone"], PHONE);
    let (status, refused) = rt.block_on(admin.post(&format!("/v1/admin/customers/{id}/erase"), &serde_json::json!({ "reason": "DSR-7" })));
    assert_eq!((status, refused["code"].as_str()), (StatusCode::CONFLICT, Some("customer.retained")), "{refused}");
    let auditor = rt.block_on(ApiClient::new(&server.base_url, None).login("auditor", org.demo.password("auditor")));
    let (_, entries) = rt.block_on(auditor.get("/v1/audit/entries?action=customer.export"));
    assert!(entries.to_string().contains(&id), "the export is in the audit log: {entries}");
    drop(server);
}

#[test]
fn personal_data_is_sealed_at_rest_found_by_name_and_rotated_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("server.sqlite3");
    let database = path.clone();
    story(&["--sqlite", path.to_str().expect("utf-8")], &move |org, work| {
        let backup = work.join("backup.sqlite3");
        org.admin(&["backup", backup.to_str().expect("utf-8")]);
        let mut bytes = std::fs::read(&backup).expect("the backup");
        for suffix in ["", "-wal", "-shm"] {
            let mut name = database.clone().into_os_string();
            name.push(suffix);
            if let Ok(more) = std::fs::read(&name) {
                bytes.extend(more);
            }
        }
        bytes
    });
}

#[test]
fn personal_data_is_sealed_at_rest_found_by_name_and_rotated_on_postgres() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let db = rt.block_on(PostgresDatabase::create());
    let url = db.url.clone();
    story(&["--database-url", &db.url], &move |_, work| {
        let out = work.join("dump.sql");
        let dumped = std::process::Command::new("pg_dump").arg("-f").arg(&out).arg(&url).status().expect("pg_dump");
        assert!(dumped.success(), "pg_dump");
        std::fs::read(&out).expect("the dump")
    });
    rt.block_on(db.drop_database());
}

/// The vault itself: a customer quoted again is the same customer; a
/// sealed value opens only in its own field, for its own customer, with
/// the server's own key file.
#[tokio::test]
async fn a_sealed_value_opens_only_in_its_place_for_its_customer_with_the_key_file() {
    use std::sync::Arc;
    use uw_sync_server::keys::KeyEncryption;
    use uw_sync_server::personal::{PersonalError, Vault};
    use uw_sync_server::storage::{self, DatabaseTarget, TxMode};

    let dir = tempfile::tempdir().expect("tempdir");
    let storage = storage::open(&DatabaseTarget::Sqlite(dir.path().join("server.sqlite3"))).await.expect("opens");
    let vault = Vault::new(Arc::new(KeyEncryption::create(&dir.path().join("server.key")).expect("key file")));
    let input = serde_json::to_value(customer(9_000)).expect("json");
    let mut tx = storage.begin(TxMode::Write).await.expect("begin");
    let sealed = vault.seal(&mut *tx, &input, None, 0).await.expect("seals");
    assert_eq!(in_clear(sealed.document.to_string().as_bytes()), Vec::<&str>::new(), "{}", sealed.document);
    assert_eq!(sealed.document["quote"]["applicant"]["address"]["zip"], "90026", "what names nobody stays in clear");
    assert_eq!(vault.open(&mut *tx, &sealed.document).await.expect("opens"), input);

    let again = vault.seal(&mut *tx, &serde_json::to_value(customer(12_000)).expect("json"), None, 0).await.expect("seals");
    assert_eq!(again.person_id, sealed.person_id, "the same name and address are the same customer");
    assert_ne!(again.document["quote"]["applicant"]["name"], sealed.document["quote"]["applicant"]["name"], "a fresh nonce each time");

    let mut moved = sealed.document.clone();
    moved["quote"]["applicant"]["address"]["street"] = sealed.document["quote"]["applicant"]["name"].clone();
    match vault.open(&mut *tx, &moved).await {
        Err(PersonalError::Tampered { path, .. }) => assert_eq!(path, "/quote/applicant/address/street"),
        other => panic!("a value moved to another field opened: {other:?}"),
    }
    let other = vault.seal(&mut *tx, &serde_json::to_value(good_driver()).expect("json"), None, 0).await.expect("seals");
    assert_ne!(other.person_id, sealed.person_id, "another customer");
    let mut foreign = other.document.clone();
    foreign["quote"]["applicant"]["name"] = sealed.document["quote"]["applicant"]["name"].clone();
    assert!(matches!(vault.open(&mut *tx, &foreign).await, Err(PersonalError::Tampered { .. })), "another customer's value opened");
    tx.commit().await.expect("commit");

    // The database without its key file opens nothing.
    let stranger = Vault::new(Arc::new(KeyEncryption::create(&dir.path().join("other.key")).expect("key file")));
    let mut tx = storage.begin(TxMode::Read).await.expect("begin");
    assert!(matches!(stranger.open(&mut *tx, &sealed.document).await, Err(PersonalError::Key(_))), "opened without the key file");
}

/// Every value of every table of `laptop`'s store, read with its key as any
/// SQLCipher client could, as one text.
fn store_text(laptop: &Laptop) -> String {
    let text = std::fs::read_to_string(laptop.dir.join("store.key")).expect("key file");
    let key = uw_workstation::StoreKey::from_hex(&text, "store.key").expect("key");
    let conn = rusqlite::Connection::open(laptop.dir.join("data").join(uw_workstation::STORE_FILE)).expect("open");
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\"; PRAGMA cipher_compatibility = 4;", &*key.to_hex())).expect("key");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("tables");
    let mut all = String::new();
    for table in tables {
        let mut statement = conn.prepare(&format!("SELECT * FROM \"{table}\"")).expect("select");
        let columns = statement.column_count();
        let mut rows = statement.query([]).expect("rows");
        while let Some(row) = rows.next().expect("row") {
            for i in 0..columns {
                match row.get_ref(i).expect("value") {
                    rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => all.push_str(&String::from_utf8_lossy(t)),
                    other => all.push_str(&format!("{other:?}")),
                }
                all.push('\n');
            }
        }
    }
    all
}

/// A data-subject request, end to end: a customer with two quotes and a
/// policy is exported (everything held), refused erasure while the policy
/// is in force, then erased: the database, a backup made afterwards and the
/// agent's laptop after its next sync hold nothing readable of them, the
/// server answers for their policy without their data and refuses to change
/// it, and the audit log, which erasure never touches, still verifies.
fn erasure_story(database_args: &[&str], backup: &dyn Fn(&Org, &std::path::Path) -> Vec<u8>) {
    let org = Org::create(database_args);
    let server = org.start();
    let dirs = tempfile::tempdir().expect("tempdir");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let mut laptop = Laptop::open(&dirs.path().join("laptop"));
    laptop.ws.enroll(&server.base_url, "agent", &Secret::new(org.demo.password("agent")), "agent-laptop", now()).expect("enrolls");
    let first = laptop.rated(customer(9_000));
    let second = laptop.rated(customer(12_000));
    let other = laptop.rated(good_driver());
    laptop.ws.request_bind(second, now()).expect("bind requested");
    let report = laptop.ws.sync(now()).expect("syncs");
    let policy = report.push.policies_issued.first().cloned().expect("a policy is issued");
    let first_id = first;
    let (first, second, other) = (laptop.number(first), laptop.number(second), laptop.number(other));

    let found = org.admin(&["customer", "find", NAME]);
    let customer_id = found.split_whitespace().next().expect("an id").to_owned();
    assert!(found.contains(STREET) && found.contains(&policy), "{found}");

    // The export asks the agent's laptops what they hold of them; each
    // answers at its next sync, and one revoked meanwhile is not waited for.
    let mut spare = Laptop::open(&dirs.path().join("spare"));
    let spare_id = spare
        .ws
        .enroll(&server.base_url, "agent", &Secret::new(org.demo.password("agent")), "agent-spare", now())
        .expect("enrolls")
        .device_id;
    let asked = org.admin(&["customer", "request-export", &customer_id]);
    assert!(asked.contains("waiting for 2 desktops"), "{asked}");
    let requests = org.admin(&["customer", "requests"]);
    assert!(requests.contains("export") && requests.contains("waiting (0 of 2 desktops answered)"), "{requests}");
    laptop.ws.sync(now()).expect("syncs and answers");
    let requests = org.admin(&["customer", "requests"]);
    assert!(requests.contains("waiting (1 of 2 desktops answered)"), "{requests}");
    org.admin(&["device", "revoke", &spare_id]);
    let requests = org.admin(&["customer", "requests"]);
    assert!(requests.contains("ready (1 of 1 desktops answered)"), "{requests}");

    // The export holds everything, the laptop's too.
    let export_file = dirs.path().join("export.json");
    org.admin(&["customer", "export", &customer_id, "--out", export_file.to_str().expect("utf-8")]);
    let export: serde_json::Value = serde_json::from_slice(&std::fs::read(&export_file).expect("export")).expect("json");
    let quotes: Vec<&str> =
        export["quotes"].as_array().expect("quotes").iter().map(|q| q["quote_number"].as_str().expect("number")).collect();
    let mut expected = vec![first.as_str(), second.as_str()];
    expected.sort_unstable();
    assert_eq!(quotes, expected, "both quotes, not {other}");
    for quote in export["quotes"].as_array().expect("quotes") {
        assert_eq!(quote["input"]["quote"]["applicant"]["name"], NAME);
        assert_eq!(quote["input"]["contact"]["email"], EMAIL);
        assert_eq!(quote["input"]["licenses"][0]["number"], LICENCE);
    }
    assert_eq!(export["policies"][0]["summary"]["policy_number"], policy.as_str());
    assert_eq!(export["policies"][0]["input"]["quote"]["drivers"][0]["date_of_birth"], BIRTH);
    let actions: Vec<&str> =
        export["audit_entries"].as_array().expect("entries").iter().map(|e| e["action"].as_str().expect("action")).collect();
    assert_eq!(actions.iter().filter(|a| **a == "quote.rated").count(), 2, "{actions:?}");
    assert!(actions.contains(&"policy.bind"), "{actions:?}");
    let desktop = &export["desktops"][0];
    assert_eq!(desktop["device_name"], "agent-laptop", "{desktop}");
    assert_eq!(desktop["held"]["customer"][0]["name"], NAME, "{desktop}");
    let held_quotes: Vec<&str> =
        desktop["held"]["quote"].as_array().expect("quotes").iter().map(|q| q["quote_number"].as_str().expect("number")).collect();
    assert_eq!(held_quotes.len(), 2, "{held_quotes:?}");
    assert!(held_quotes.contains(&first.as_str()) && held_quotes.contains(&second.as_str()), "{held_quotes:?}");
    assert!(desktop["held"]["quote_version"].as_array().is_some_and(|v| !v.is_empty()), "the inputs, version by version");
    assert!(!desktop.to_string().contains(&other) && !desktop.to_string().contains("Maria Delgado"), "nobody else's: {desktop}");

    // Not while the policy is in force, unless the carrier decides so.
    let mut refused = uw_system_tests::system::refs(&org.args);
    refused.extend(["customer", "erase", &customer_id, "--reason", "DSR-2026-0042"]);
    let output = uw_system_tests::ServerProcess::admin(&refused);
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success() && said.contains("in force") && said.contains(&policy), "{said}");
    let erased = org.admin(&["customer", "erase", &customer_id, "--reason", "DSR-2026-0042", "--include-policies"]);
    assert!(erased.contains("erased") && erased.contains(&policy), "{erased}");

    // The server: nothing readable; the policy stays, without them.
    let agent = rt.block_on(ApiClient::new(&server.base_url, None).login("agent", org.demo.password("agent")));
    let (status, detail) = rt.block_on(agent.get(&format!("/v1/policies/{policy}")));
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(detail["input"]["quote"]["applicant"]["name"], serde_json::Value::Null);
    assert_eq!(detail["input"]["quote"]["applicant"]["address"]["zip"], "90026", "what names nobody stays");
    assert_eq!(org.admin(&["customer", "find", NAME]).trim(), format!("no customer named {NAME}"));
    let again = dirs.path().join("again.json");
    org.admin(&["customer", "export", &customer_id, "--out", again.to_str().expect("utf-8")]);
    let again: serde_json::Value = serde_json::from_slice(&std::fs::read(&again).expect("export")).expect("json");
    assert!(again["erased_at"].is_string(), "{again}");
    assert_eq!(again["desktops"][0]["held"], serde_json::Value::Null, "what the laptop sent is unrecoverable too");
    let requests = org.admin(&["customer", "requests"]);
    assert!(requests.contains("erasure") && requests.contains("done") && requests.contains(": erased"), "{requests}");
    assert_eq!(in_clear(again.to_string().as_bytes()), Vec::<&str>::new(), "the export after erasure");
    let bytes = backup(&org, dirs.path());
    assert_eq!(in_clear(&bytes), Vec::<&str>::new(), "personal values in the database or the backup made afterwards");
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.contains("pd1:"), "the sealed values are still there, unreadable");

    // The laptop drops the customer at its next sync; the other stays.
    // It had rated one of their quotes again meanwhile, offline: the server
    // refuses that change, and the laptop keeps no copy of what it held.
    laptop.ws.rerate_quote(first_id, now()).expect("rated again offline");
    let report = laptop.ws.sync(now()).expect("syncs");
    assert_eq!(report.push.rejected, 1, "the change to an erased customer's quote is refused: {report:?}");
    assert!(report.pull.applied >= 1, "{report:?}");
    let held = store_text(&laptop);
    assert_eq!(in_clear(held.as_bytes()), Vec::<&str>::new(), "the laptop still holds the erased customer");
    assert!(!held.to_lowercase().contains("okonkwo"), "not even in the name index");
    assert!(held.contains(&other) && held.contains("Maria Delgado"), "the other customer is untouched");

    // The audit log still verifies, and the erasure is in it.
    let auditor = rt.block_on(ApiClient::new(&server.base_url, None).login("auditor", org.demo.password("auditor")));
    let key = rt.block_on(uw_system_tests::system::verifier_keys(&auditor)).first().expect("a verifier key").to_string();
    let (status, log) = rt.block_on(auditor.get("/v1/audit/export?start=0"));
    assert_eq!(status, StatusCode::OK);
    let log_file = dirs.path().join("log.txt");
    std::fs::write(&log_file, log.as_str().expect("text")).expect("write");
    let verified = std::process::Command::new(uw_system_tests::workspace_bin("uw"))
        .args(["audit", "verify"])
        .arg(&log_file)
        .args(["--key", &key])
        .output()
        .expect("uw audit verify");
    assert!(verified.status.success(), "{}{}", String::from_utf8_lossy(&verified.stdout), String::from_utf8_lossy(&verified.stderr));
    let (_, entries) = rt.block_on(auditor.get("/v1/audit/entries?action=customer.erase"));
    assert!(entries.to_string().contains(&customer_id), "{entries}");
    drop(server);
}

#[test]
fn a_customer_is_exported_then_erased_everywhere_and_the_log_still_verifies_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("server.sqlite3");
    erasure_story(&["--sqlite", path.to_str().expect("utf-8")], &|org, work| {
        let out = work.join("after.sqlite3");
        org.admin(&["backup", out.to_str().expect("utf-8")]);
        std::fs::read(&out).expect("the backup")
    });
}

#[test]
fn a_customer_is_exported_then_erased_everywhere_and_the_log_still_verifies_on_postgres() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let db = rt.block_on(PostgresDatabase::create());
    let url = db.url.clone();
    erasure_story(&["--database-url", &db.url], &move |_, work| {
        let out = work.join("after.sql");
        let dumped = std::process::Command::new("pg_dump").arg("-f").arg(&out).arg(&url).status().expect("pg_dump");
        assert!(dumped.success(), "pg_dump");
        std::fs::read(&out).expect("the dump")
    });
    rt.block_on(db.drop_database());
}

/// Retention, applied by the server's own clock moved ahead: without rules
/// nothing goes; a dry run says what would go and changes nothing; a quote
/// never bound goes once its rule's days have passed, and its customer with
/// it when nothing else of theirs is kept; a policy's customer is erased
/// only once the policy ended that long ago, the policy staying without
/// them; the agent's laptop drops what went at its next sync.
#[test]
fn retention_purges_old_quotes_and_erases_customers_only_when_every_record_has_ended() {
    use uw_sync_server::audit::Actor;
    use uw_sync_server::retention;
    use uw_system_tests::inprocess::{InProcessServer, PASSWORD};

    let server = InProcessServer::start(None);
    let dirs = tempfile::tempdir().expect("tempdir");
    let mut laptop = Laptop::open(&dirs.path().join("laptop"));
    laptop.ws.enroll(&server.base_url, "agent1", &Secret::new(PASSWORD), "agent1-laptop", now()).expect("enrolls");
    let unbound = laptop.rated(good_driver());
    let bound = laptop.rated(customer(9_000));
    laptop.ws.request_bind(bound, now()).expect("bind requested");
    let report = laptop.ws.sync(now()).expect("syncs");
    let policy = report.push.policies_issued.first().cloned().expect("a policy");
    let unbound_number = laptop.number(unbound);
    let actor = Actor::system("test");
    let find = |name: &str| -> Vec<String> {
        server
            .block_on(uw_sync_server::customers::find_for_operator(&server.state, name))
            .expect("finds")
            .into_iter()
            .map(|c| c.customer_id)
            .collect()
    };
    let (maria, philippa) = (find("Maria Delgado"), find(NAME));
    assert_eq!((maria.len(), philippa.len()), (1, 1));
    let run = |dry_run: bool| server.block_on(retention::apply(&server.state, &actor, dry_run, "test")).expect("applies");

    // No rule, nothing goes, however old.
    server.state.clock.advance(time::Duration::days(3_000));
    assert_eq!(run(false), retention::RetentionReport::default());
    server.state.clock.advance(time::Duration::days(-3_000));
    for (kind, days) in [("unbound_quote", 30), ("ended_policy", 365)] {
        server.block_on(retention::set_rule(&server.state, &actor, (kind, "*", Some(days)), "test")).expect("rule");
    }
    let refused = server.block_on(retention::set_rule(&server.state, &actor, ("everything", "*", Some(1)), "test"));
    assert_eq!(refused.expect_err("no such kind").code, "retention.kind");
    assert!(run(false).deleted_quotes.is_empty(), "nothing is 30 days old yet");

    // Forty days on: the unbound quote and Maria (who has nothing else) go;
    // Philippa's policy is in force.
    server.state.clock.advance(time::Duration::days(40));
    let dry = run(true);
    assert_eq!(
        (dry.deleted_quotes.clone(), dry.erased_customers.clone(), dry.log_index),
        (vec![unbound_number.clone()], maria.clone(), None)
    );
    assert_eq!(find("Maria Delgado"), maria, "a dry run changes nothing");
    let done = run(false);
    assert_eq!((done.deleted_quotes, done.erased_customers), (vec![unbound_number.clone()], maria));
    assert!(done.log_index.is_some());
    assert!(find("Maria Delgado").is_empty());
    assert_eq!(find(NAME), philippa, "a customer with a policy in force is kept");
    assert!(server.audit_actions().contains(&"retention.apply".to_owned()));
    laptop.ws.sync(now()).expect("syncs");
    assert!(laptop.ws.quote(unbound).is_err(), "the laptop dropped the purged quote");
    assert!(!store_text(&laptop).contains("Maria Delgado"));
    assert!(laptop.ws.quote(bound).is_ok(), "and kept the bound one");

    // A year after the policy's term ended, its customer goes; the policy stays.
    server.state.clock.advance(time::Duration::days(365 + 366));
    let later = run(false);
    assert_eq!((later.deleted_quotes.len(), later.erased_customers), (0, philippa));
    let detail = server.block_on(uw_sync_server::policies::detail_for_operator(&server.state, &policy)).expect("the policy stays");
    assert_eq!(detail.input["quote"]["applicant"]["name"], serde_json::Value::Null);
    assert_eq!(run(false), retention::RetentionReport::default(), "nothing left to do");
}

/// A server upgraded from before field encryption seals the inputs it
/// stored in clear at its first start, and marks the upgrade done, so
/// later starts do not scan every stored input again.
#[tokio::test]
async fn inputs_stored_in_clear_before_the_upgrade_are_sealed_at_start_up_once() {
    use uw_sync_server::personal::seal_existing;
    use uw_sync_server::storage::{args, TxMode};
    let server = uw_system_tests::testserver::TestServer::start("sqlite").await;
    let (device, _) = uw_system_tests::testserver::enroll(&server, "agent1").await;
    let storage = server.state.storage.clone();
    let user =
        storage.query_one("SELECT user_id FROM app_user WHERE username = 'agent1'", args![]).await.expect("agent1").text(0).expect("id");
    let clear = serde_json::to_value(customer(9_000)).expect("json").to_string();
    let mut tx = storage.begin(TxMode::Write).await.expect("begin");
    tx.execute(
        "INSERT INTO quote_record (quote_number, device_id, user_id, version, state, product, effective_date, input, pack_id,
             pack_digest, total, decision, reasons, status, updated_at)
         VALUES ('QUOT-2025-000042', $1, $2, 1, 'CA', 'personal-auto', '2025-06-01', $3, 'p@1', 'd', '1000.00', 'accept', '[]', 'rated', 0)",
        args![device.device_id.as_str(), user.as_str(), clear.as_str()],
    )
    .await
    .expect("a row as an old version stored it");
    // As a database from before this version: the upgrade never ran.
    tx.execute("DELETE FROM vault_upgrade", args![]).await.expect("no marker");
    tx.commit().await.expect("commit");

    assert_eq!(seal_existing(storage.as_ref(), &server.state.vault).await.expect("seals"), 1);
    let stored =
        storage.query_one("SELECT input, person_id FROM quote_record WHERE quote_number = 'QUOT-2025-000042'", args![]).await.expect("row");
    let input = stored.text(0).expect("input");
    assert_eq!(in_clear(input.as_bytes()), Vec::<&str>::new(), "{input}");
    assert!(stored.opt_text(1).expect("person").is_some(), "linked to its customer");
    let marked = storage.query_optional("SELECT done_at FROM vault_upgrade WHERE step = 'inputs-sealed'", args![]).await.expect("query");
    assert!(marked.is_some(), "the upgrade is marked done");
    assert_eq!(seal_existing(storage.as_ref(), &server.state.vault).await.expect("runs"), 0, "nothing left, nothing scanned");
    server.stop().await;
}
