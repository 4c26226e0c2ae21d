//! Backups: age-encrypted snapshots that the reference `age` tool decrypts,
//! that restore to the same data, and that are refused when tampered with
//! before anything is replaced.

use std::path::Path;
use std::str::FromStr;

use age::secrecy::ExposeSecret as _;
use rust_decimal::Decimal;
use uw_workstation::backup::{self, BackupError};
use uw_workstation::{NewQuote, Store, StoreKey};

fn quote(zip: &str, premium: i64) -> NewQuote {
    NewQuote {
        garaging_zip: zip.into(),
        vehicle_year: 2020,
        pack_id: "ca-personal-auto/2026.1@abc".into(),
        premium: Decimal::from(premium),
        worksheet_json: "[]".into(),
    }
}

fn zips(path: &Path, key: &StoreKey) -> Vec<(String, Decimal)> {
    let store = Store::open(path, key).expect("opens");
    (1..).map_while(|id| store.load_quote(id).ok()).map(|q| (q.quote.garaging_zip, q.quote.premium)).collect()
}

#[test]
fn backup_decrypts_with_the_reference_tool_and_restores_identically() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("ws.db");
    let key = StoreKey::generate().expect("key");
    let auditor = age::x25519::Identity::generate();
    {
        let mut store = Store::open(&db, &key).expect("opens");
        for (i, zip) in ["94110", "90001", "95814"].iter().enumerate() {
            store.save_quote(&quote(zip, 500 + i64::try_from(i).unwrap_or(0))).expect("saves");
        }
        backup::create(&store, &dir.path().join("ws.backup"), &[auditor.to_public()]).expect("backs up");
    }
    let expected = zips(&db, &key);
    assert_eq!(expected.len(), 3);

    // The reference implementation decrypts it to a store our key opens.
    let identity = dir.path().join("id.txt");
    std::fs::write(&identity, format!("{}\n", auditor.to_string().expose_secret())).expect("identity");
    let decrypted = dir.path().join("decrypted.db");
    let status = std::process::Command::new("age")
        .args([
            "-d",
            "-i",
            identity.to_str().expect("utf-8"),
            "-o",
            decrypted.to_str().expect("utf-8"),
            dir.path().join("ws.backup").to_str().expect("utf-8"),
        ])
        .status()
        .expect("the `age` tool runs (the test command installs Debian's age package)");
    assert!(status.success());
    assert!(!std::fs::read(&decrypted).expect("read").starts_with(b"SQLite format 3"), "the snapshot is still SQLCipher-encrypted");
    assert_eq!(zips(&decrypted, &key), expected);

    // Restore over a store that has since changed.
    {
        let mut store = Store::open(&db, &key).expect("opens");
        store.save_quote(&quote("96001", 999)).expect("saves");
    }
    assert_eq!(zips(&db, &key).len(), 4);
    backup::verify(&dir.path().join("ws.backup"), std::slice::from_ref(&auditor), &key).expect("verifies");
    backup::restore(&dir.path().join("ws.backup"), &[auditor], &key, &db).expect("restores");
    assert_eq!(zips(&db, &key), expected);
    assert_eq!(Decimal::from_str("500").expect("decimal"), expected[0].1);
}

#[test]
fn a_tampered_or_foreign_backup_is_refused_and_nothing_is_replaced() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("ws.db");
    let key = StoreKey::generate().expect("key");
    let owner = age::x25519::Identity::generate();
    let path = dir.path().join("ws.backup");
    {
        let mut store = Store::open(&db, &key).expect("opens");
        store.save_quote(&quote("94110", 601)).expect("saves");
        backup::create(&store, &path, &[owner.to_public()]).expect("backs up");
        store.save_quote(&quote("90001", 700)).expect("saves after the backup");
    }
    let before = std::fs::read(&db).expect("read");

    let mut bytes = std::fs::read(&path).expect("read");
    let at = bytes.len() - 100;
    bytes[at] ^= 0x01;
    let tampered = dir.path().join("tampered.backup");
    std::fs::write(&tampered, bytes).expect("write");
    let err = backup::restore(&tampered, std::slice::from_ref(&owner), &key, &db).expect_err("tampered");
    assert!(matches!(err, BackupError::Decrypt { .. }), "{err:?}");
    assert!(err.to_string().contains("nothing was replaced"), "{err}");
    assert_eq!(std::fs::read(&db).expect("read"), before);

    let stranger = age::x25519::Identity::generate();
    assert!(matches!(backup::restore(&path, &[stranger], &key, &db), Err(BackupError::Decrypt { .. })));
    let wrong_key = StoreKey::generate().expect("key");
    assert!(matches!(backup::restore(&path, &[owner], &wrong_key, &db), Err(BackupError::Snapshot(_))));
    assert_eq!(std::fs::read(&db).expect("read"), before);
    assert_eq!(zips(&db, &key).len(), 2);
}
