//! The restore drill on the server: the real `uw-sync-server` binary on a
//! SQLite file (backed up with `admin backup` while it runs and a laptop
//! pushes) and on PostgreSQL (`pg_dump`, `pg_restore` into a new database,
//! as `docs/operations.md` tells an operator to), then put back from that
//! backup. The
//! server refuses to sign on the older database until an administrator
//! declares the restore; the log then goes on under a new origin linked to
//! the last checkpoint signed; a desktop carries on and sends again what the
//! backup lacks; an auditor's old checkpoint is answered with the link,
//! never with a silent fork.

#[path = "../../crates/workstation/tests/common/mod.rs"]
mod common;

use std::process::Command;

use common::good_driver;
use reqwest::StatusCode;
use serde_json::json;
use uw_system_tests::api::ApiClient;
use uw_system_tests::system::{now, refs, verifier_keys, Laptop, Org};
use uw_system_tests::{workspace_bin, PostgresDatabase, ServerProcess};
use uw_workstation::Secret;

/// `uw audit verify EXPORT --key KEY [--previous NOTE]`: exit code and output.
fn audit_verify(export: &str, key: &str, previous: Option<&str>) -> (i32, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let export_file = dir.path().join("export.txt");
    std::fs::write(&export_file, export).expect("write export");
    let mut command = Command::new(workspace_bin("uw"));
    command.args(["audit", "verify"]).arg(&export_file).args(["--key", key]);
    if let Some(note) = previous {
        let previous_file = dir.path().join("previous.txt");
        std::fs::write(&previous_file, note).expect("write previous");
        command.arg("--previous").arg(previous_file);
    }
    let output = command.output().expect("run uw");
    (output.status.code().unwrap_or(-1), format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr)))
}

/// Where the organisation's database lives, and how it is backed up and put back.
enum Database {
    Sqlite(std::path::PathBuf),
    Postgres { live: PostgresDatabase, restored: Option<PostgresDatabase> },
}

impl Database {
    fn args(&self) -> Vec<String> {
        match self {
            Self::Sqlite(path) => vec!["--sqlite".into(), path.to_str().expect("utf-8").into()],
            Self::Postgres { restored: Some(db), .. } | Self::Postgres { live: db, restored: None } => {
                vec!["--database-url".into(), db.url.clone()]
            }
        }
    }

    /// The nightly backup: `admin backup` (SQLite) or `pg_dump`.
    fn back_up(&self, org: &Org, to: &std::path::Path) {
        match self {
            Self::Sqlite(_) => {
                org.admin(&["backup", to.to_str().expect("utf-8")]);
            }
            Self::Postgres { live, .. } => {
                let dumped = Command::new("pg_dump").args(["-Fc", "-f"]).arg(to).arg(&live.url).status().expect("pg_dump");
                assert!(dumped.success(), "pg_dump");
            }
        }
    }

    /// Puts the backup back in place of the lost database (the server stopped).
    fn restore(&mut self, rt: &tokio::runtime::Runtime, from: &std::path::Path) {
        match self {
            Self::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
                std::fs::copy(from, &*path).expect("restore the backup");
            }
            Self::Postgres { restored, .. } => {
                let db = rt.block_on(PostgresDatabase::create());
                let put = Command::new("pg_restore").args(["--no-owner", "-d", &db.url]).arg(from).status().expect("pg_restore");
                assert!(put.success(), "pg_restore");
                *restored = Some(db);
            }
        }
    }
}

#[test]
fn a_server_restored_from_a_backup_links_a_new_log_origin_and_loses_no_desktop_work_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    drill(Database::Sqlite(dir.path().join("server.sqlite3")), dir.path());
}

#[test]
fn a_server_restored_from_a_backup_links_a_new_log_origin_and_loses_no_desktop_work_on_postgres() {
    let dir = tempfile::tempdir().expect("tempdir");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let live = rt.block_on(PostgresDatabase::create());
    drill(Database::Postgres { live, restored: None }, dir.path());
}

fn drill(mut database: Database, dir: &std::path::Path) {
    let org = Org::create(&refs(&database.args()));
    let server = org.start();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let api = ApiClient::new(&server.base_url, None);
    let auditor = rt.block_on(api.login("auditor", org.demo.password("auditor")));
    let key = rt.block_on(verifier_keys(&auditor)).first().expect("a verifier key").to_string();

    let mut laptop = Laptop::open(&dir.join("laptop"));
    let enrolled =
        laptop.ws.enroll(&server.base_url, "agent", &Secret::new(org.demo.password("agent")), "agent-laptop", now()).expect("enrolls");
    let first = laptop.rated(good_driver());
    laptop.ws.sync(now()).expect("syncs");
    // An auditor's checkpoint from before the backup.
    let (status, early) = rt.block_on(auditor.post("/v1/audit/checkpoints", &json!({})));
    assert_eq!(status, StatusCode::OK, "{early}");
    let early_note = early["note"].as_str().expect("note").to_owned();

    // The nightly backup, taken while the server runs and another laptop
    // keeps pushing: a backup under load.
    let backup = dir.join("nightly.backup");
    let mut busy = Laptop::open(&dir.join("busy"));
    busy.ws.enroll(&server.base_url, "agent", &Secret::new(org.demo.password("agent")), "busy-laptop", now()).expect("enrolls");
    let stop = std::sync::atomic::AtomicBool::new(false);
    let (backup_took, pushed_under_load) = std::thread::scope(|s| {
        let pusher = s.spawn(|| {
            let mut pushed = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                busy.rated(good_driver());
                pushed += busy.ws.sync(now()).expect("syncs while the backup runs").push.accepted;
            }
            pushed
        });
        std::thread::sleep(std::time::Duration::from_millis(300));
        let started = std::time::Instant::now();
        database.back_up(&org, &backup);
        let took = started.elapsed();
        std::thread::sleep(std::time::Duration::from_millis(300));
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        (took, pusher.join().expect("the pushing laptop"))
    });
    assert!(pushed_under_load >= 2, "the other laptop pushed {pushed_under_load} quotes around the backup");

    // The next day's work reaches the server, and an auditor keeps a checkpoint.
    let later: Vec<i64> = (0..2).map(|_| laptop.rated(good_driver())).collect();
    assert_eq!(laptop.ws.sync(now()).expect("syncs").push.accepted, 2);
    let (_, late) = rt.block_on(auditor.post("/v1/audit/checkpoints", &json!({})));
    let late_note = late["note"].as_str().expect("note").to_owned();
    let late_size = late["size"].as_u64().expect("size");
    let exit = server.terminate();
    assert!(exit.status.success(), "{}", exit.stderr);

    // The disk is lost; the database comes back from the backup.
    let started = std::time::Instant::now();
    database.restore(&rt, &backup);
    let restore_took = started.elapsed();
    let key_file = org.args.iter().skip_while(|a| *a != "--key-file").nth(1).expect("--key-file").clone();
    let mut args = database.args();
    args.extend(["--key-file".to_owned(), key_file]);

    // The server will not sign on a database older than what it signed.
    let refused = Command::new(workspace_bin("uw-sync-server"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(refs(&args))
        .output()
        .expect("run the server");
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("restored from a backup") && said.contains("admin restored"), "{said}");
    assert!(!String::from_utf8_lossy(&refused.stdout).contains("listening on"), "nothing was served");

    // The administrator declares the restore; the log goes on as a new origin.
    let mut restore = refs(&args);
    restore.push("restored");
    let declared = ServerProcess::admin(&restore);
    let said = String::from_utf8_lossy(&declared.stdout);
    assert!(declared.status.success() && said.contains("/restored-1"), "{said}{}", String::from_utf8_lossy(&declared.stderr));
    assert!(said.contains("make them again"), "the operator is told to redo what the restore undid: {said}");
    assert!(said.contains("customer erasures"), "an erasure the restore undid is named: {said}");
    let started = std::time::Instant::now();
    let server = ServerProcess::start_on(&org.listen, &refs(&args));
    let start_took = started.elapsed();
    // The figures docs/operations.md quotes (a small database; see there
    // for a large one).
    eprintln!(
        "restore drill ({}): backup under load {} ms, restore {} ms, server serving {} ms after start",
        if matches!(database, Database::Sqlite(_)) { "sqlite" } else { "postgres" },
        backup_took.as_millis(),
        restore_took.as_millis(),
        start_took.as_millis()
    );
    let health: serde_json::Value = rt.block_on(ApiClient::new(&server.base_url, None).get("/healthz")).1;
    assert_ne!(health["database"]["instance_id"], json!(enrolled.server_instance_id));
    assert_eq!(health["database"]["restored_from"], json!([enrolled.server_instance_id]));

    // The desktop carries on: it is told, and the two quotes the backup
    // lacks reach the server again.
    let report = laptop.ws.sync(now()).expect("syncs with the restored server");
    assert!(report.server_restored, "{report:?}");
    assert_eq!((report.push.accepted, report.push.rejected, report.push.conflict), (2, 0, 0), "{report:?}");
    for id in std::iter::once(first).chain(later) {
        assert!(laptop.ws.quote(id).is_ok());
    }
    assert_eq!(laptop.unsent(), 0);
    // The laptop that pushed during the backup carries on too: what the
    // backup caught is known, the rest is accepted again, nothing conflicts.
    let report = busy.ws.sync(now()).expect("the busy laptop syncs with the restored server");
    assert!(report.server_restored, "{report:?}");
    assert_eq!((report.push.rejected, report.push.conflict), (0, 0), "{report:?}");
    assert_eq!(busy.unsent(), 0);

    // Auditors: an old checkpoint within the backup is proved consistent
    // with the new origin; one beyond it is answered with the restore and
    // the entries lost, in words.
    let auditor = rt.block_on(ApiClient::new(&server.base_url, None).login("auditor", org.demo.password("auditor")));
    let early_size = early["size"].as_u64().expect("size");
    let (status, export) = rt.block_on(auditor.get(&format!("/v1/audit/export?start=0&previous={early_size}")));
    assert_eq!(status, StatusCode::OK, "{export}");
    let export = export.as_str().expect("text").to_owned();
    assert!(export.contains("\nrestored-from "), "the export carries the link");
    let (code, said) = audit_verify(&export, &key, Some(&early_note));
    assert_eq!(code, 0, "{said}");
    assert!(said.contains("restored from a backup") && said.contains("consistent with your previous checkpoint"), "{said}");
    let (status, plain) = rt.block_on(auditor.get("/v1/audit/export?start=0"));
    assert_eq!(status, StatusCode::OK);
    let (code, said) = audit_verify(plain.as_str().expect("text"), &key, Some(&late_note));
    assert_eq!(code, 4, "{said}");
    assert!(said.contains("restored from a backup") && said.contains(&format!("covers {late_size} entries")), "{said}");
    assert!(said.contains("/restored-1"), "the new origin is named: {said}");
    let exit = server.terminate();
    assert!(exit.status.success(), "{}", exit.stderr);
    if let Database::Postgres { live, restored } = database {
        rt.block_on(live.drop_database());
        if let Some(db) = restored {
            rt.block_on(db.drop_database());
        }
    }
}
