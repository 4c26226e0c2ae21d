//! The encrypted store and its keys, on real SQLCipher files and (in
//! `keychain_*`) the real OS keychain under a test-only service name.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::str::FromStr;

use rust_decimal::Decimal;
use uw_workstation::{
    KeyError, KeySource, NewQuickQuote, QuickQuoteRequest, Store, StoreError, StoreKey, Workstation, WorkstationConfig, WorkstationError,
    MIGRATIONS,
};

const TODAY: time::Date = time::macros::date!(2026 - 03 - 01);

fn request(zip: &str, vehicle_year: i32) -> QuickQuoteRequest {
    QuickQuoteRequest { zip: zip.into(), vehicle_year }
}

fn quote(zip: &str) -> NewQuickQuote {
    NewQuickQuote {
        garaging_zip: zip.into(),
        vehicle_year: 2020,
        pack_id: "ca-personal-auto@2026.1".into(),
        premium: Decimal::from_str("601").expect("decimal"),
        worksheet_json: "[]".into(),
    }
}

fn file_config(dir: &Path) -> WorkstationConfig {
    WorkstationConfig::new(dir.join("data"), KeySource::File(dir.join("store.key")))
}

#[test]
fn store_file_is_encrypted_and_round_trips() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ws.db");
    let key = StoreKey::generate().expect("key");
    let id = {
        let mut store = Store::open(&path, &key).expect("opens");
        assert_eq!(store.schema_version().expect("version"), MIGRATIONS.len());
        store.save_quick_quote(&quote("94110")).expect("saves")
    };
    let bytes = std::fs::read(&path).expect("read");
    assert!(bytes.len() >= 4096, "the store has at least one page");
    assert!(!bytes.starts_with(b"SQLite format 3"), "the header must be encrypted");
    assert!(!bytes.windows(5).any(|w| w == b"94110"), "quote data must not appear in clear text");

    let store = Store::open(&path, &key).expect("reopens with the same key");
    let loaded = store.load_quick_quote(id).expect("loads");
    assert_eq!(loaded.quote, quote("94110"));
    assert!(loaded.created_at.ends_with('Z'), "{}", loaded.created_at);
    assert!(matches!(store.load_quick_quote(id + 1), Err(StoreError::QuickQuoteNotFound { .. })));
}

#[test]
fn wrong_key_fails_clearly_and_leaves_the_file_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ws.db");
    {
        let mut store = Store::open(&path, &StoreKey::generate().expect("key")).expect("opens");
        store.save_quick_quote(&quote("94110")).expect("saves");
    }
    let before = std::fs::read(&path).expect("read");
    let err = Store::open(&path, &StoreKey::generate().expect("key")).expect_err("a different key must not open the store");
    assert!(matches!(err, StoreError::WrongKey { .. }), "{err:?}");
    let message = err.to_string();
    assert!(message.starts_with(&format!("cannot decrypt {}", path.display())), "{message}");
    assert!(message.contains("left unchanged"), "{message}");
    assert_eq!(std::fs::read(&path).expect("read"), before, "the file must be byte-for-byte unchanged");
    assert!(!dir.path().join("ws.db-wal").exists(), "no WAL may be created by a failed open");
}

#[test]
fn a_plain_sqlite_file_is_not_a_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("plain.db");
    {
        // No key: an ordinary, unencrypted SQLite database.
        let conn = rusqlite::Connection::open(&path).expect("plain sqlite");
        conn.execute_batch("CREATE TABLE t (x); INSERT INTO t VALUES (1);").expect("write");
    }
    assert!(std::fs::read(&path).expect("read").starts_with(b"SQLite format 3"));
    let err = Store::open(&path, &StoreKey::generate().expect("key")).expect_err("not a store");
    assert!(matches!(err, StoreError::WrongKey { .. }), "{err:?}");
    // A short file that is not even whole pages is refused before SQLite sees it.
    let short = dir.path().join("short.db");
    std::fs::write(&short, b"SQLite format 3\0 but not really a database").expect("write");
    assert!(matches!(Store::open(&short, &StoreKey::generate().expect("key")), Err(StoreError::Truncated { .. })));
}

#[test]
fn check_constraints_reject_bad_rows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("ws.db"), &StoreKey::generate().expect("key")).expect("opens");
    let err = store.save_quick_quote(&quote("9411")).expect_err("a four-digit ZIP violates the CHECK");
    assert!(err.to_string().contains("CHECK constraint failed"), "{err}");
}

#[test]
fn every_migration_file_is_compiled_in_order() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations/workstation");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("migrations dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".sql"))
        .collect();
    on_disk.sort();
    let compiled: Vec<String> = MIGRATIONS.iter().map(|(name, _)| (*name).to_owned()).collect();
    assert_eq!(compiled, on_disk);
}

#[test]
fn key_file_is_created_owner_only_and_group_readable_files_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = KeySource::File(dir.path().join("store.key"));
    assert_eq!(source.load().expect("no key yet"), None);
    let key = StoreKey::generate().expect("key");
    source.store_new(&key).expect("stores");
    let mode = std::fs::metadata(dir.path().join("store.key")).expect("meta").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert_eq!(source.load().expect("loads"), Some(key.clone()));
    let again = source.store_new(&key).expect_err("an existing key file is never replaced");
    assert!(matches!(&again, KeyError::Io { source, .. } if source.kind() == std::io::ErrorKind::AlreadyExists), "{again}");

    std::fs::set_permissions(dir.path().join("store.key"), std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let err = source.load().expect_err("mode 644 is refused");
    assert!(err.to_string().contains("mode 644"), "{err}");
}

#[test]
fn key_debug_output_is_redacted() {
    let key = StoreKey::generate().expect("key");
    let debug = format!("{key:?}");
    assert_eq!(debug, "StoreKey(<redacted>)");
    assert!(!debug.contains(&key.to_hex()[..8]));
}

#[test]
fn env_key_source_reads_but_never_creates() {
    let source = KeySource::Env("UW_TEST_KEY_THAT_IS_NEVER_SET".into());
    assert_eq!(source.load().expect("unset is no key"), None);
    let err = source.store_new(&StoreKey::generate().expect("key")).expect_err("not writable");
    assert!(matches!(&err, KeyError::EnvNotWritable { var } if var == "UW_TEST_KEY_THAT_IS_NEVER_SET"), "{err}");
}

#[test]
fn workstation_rates_saves_and_reopens() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = file_config(dir.path());
    let outcome = {
        let mut ws = Workstation::open(&config).expect("opens");
        ws.quick_quote(&request("94110", 2020), TODAY).expect("rates")
    };
    assert!(outcome.pack_id.starts_with("ca-personal-auto/"), "{}", outcome.pack_id);
    assert!(!outcome.rating.draft, "bundled packs are signed");
    let codes: Vec<&str> = outcome.rating.coverages.iter().map(|c| &*c.coverage).collect();
    assert_eq!(codes, vec!["BI", "PD"], "a quick quote carries the coverages California requires");
    assert_eq!(
        outcome.total,
        outcome.rating.coverages.iter().map(|c| c.premium).sum::<Decimal>()
            + outcome.rating.fees.iter().map(|f| f.amount).sum::<Decimal>()
            + outcome.rating.minimum_premium_adjustment
    );
    let ws = Workstation::open(&config).expect("reopens with the stored key");
    let stored = ws.store().load_quick_quote(outcome.quote_id).expect("loads");
    assert_eq!((stored.quote.premium, stored.quote.pack_id.as_str()), (outcome.total, outcome.pack_id.as_str()));
    let rating: serde_json::Value = serde_json::from_str(&stored.quote.worksheet_json).expect("json");
    assert_eq!(rating["total"], outcome.total.to_string());
}

#[test]
fn every_bundled_pack_is_signed_and_loads() {
    let registry = uw_workstation::bundled_packs(&uw_workstation::trusted_keys()).expect("bundled packs verify");
    assert_eq!(registry.packs().len(), 10);
    assert!(registry.packs().iter().all(uw_rating::RatePack::is_signed));
}

#[test]
fn workstation_errors_carry_stable_codes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = Workstation::open(&file_config(dir.path())).expect("opens");
    let err = ws.quick_quote(&request("9411", 2020), TODAY).expect_err("bad zip");
    assert_eq!((err.code(), err.to_string().as_str()), ("input.invalid", "zip: `9411` is not a five-digit ZIP code"));
    let err = ws.quick_quote(&request("98101", 2020), TODAY).expect_err("no Washington pack");
    assert_eq!(err.code(), "rating.no_pack");
    assert!(err.to_string().starts_with("no personal-auto pack for WA is in force"), "{err}");
    let err = ws.quick_quote(&request("94110", 1970), TODAY).expect_err("too old");
    assert_eq!(err.code(), "input.invalid");
    assert!(err.to_string().starts_with("vehicles[0].year: 1970 is not a model year"), "{err}");
}

#[test]
fn an_existing_store_without_its_key_is_an_error_not_a_new_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = file_config(dir.path());
    drop(Workstation::open(&config).expect("creates"));
    let before = std::fs::read(config.store_path()).expect("read");
    std::fs::remove_file(dir.path().join("store.key")).expect("remove key");
    let err = Workstation::open(&config).expect_err("key is gone");
    assert!(matches!(err, WorkstationError::KeyMissing { .. }), "{err:?}");
    assert_eq!(err.code(), "key.missing");
    assert!(!dir.path().join("store.key").exists(), "no replacement key may be made");
    assert_eq!(std::fs::read(config.store_path()).expect("read"), before);
}

#[test]
fn config_parses_key_sources_and_rejects_unknown_ones() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned())
    };
    let default = WorkstationConfig::from_lookup("/d".into(), env(&[])).expect("default");
    assert_eq!(default.key_source, KeySource::keychain("uw-workstation"));
    let file = WorkstationConfig::from_lookup("/d".into(), env(&[("UW_KEY_SOURCE", "file:/k"), ("UW_DATA_DIR", "/x")])).expect("file");
    assert_eq!((file.key_source, file.data_dir), (KeySource::File("/k".into()), "/x".into()));
    assert_eq!(default.documents_dir, None, "the caller's default");
    let documents = WorkstationConfig::from_lookup("/d".into(), env(&[("UW_DOCUMENTS_DIR", "/docs")])).expect("documents");
    assert_eq!(documents.documents_dir, Some("/docs".into()));
    let err = WorkstationConfig::from_lookup("/d".into(), env(&[("UW_KEY_SOURCE", "vault:x")])).expect_err("unknown");
    assert!(err.to_string().starts_with("UW_KEY_SOURCE=`vault:x` is not valid"), "{err}");
}

#[test]
fn background_sync_runs_every_minute_unless_told_otherwise() {
    let interval = |value: Option<&str>| {
        let value = value.map(str::to_owned);
        WorkstationConfig::from_lookup("/d".into(), move |name| value.clone().filter(|_| name == "UW_SYNC_INTERVAL_SECS"))
            .map(|c| c.sync_interval)
    };
    assert_eq!(interval(None).expect("default"), Some(uw_workstation::DEFAULT_SYNC_INTERVAL));
    assert_eq!(interval(Some("0")).expect("off"), None);
    assert_eq!(interval(Some("15")).expect("15 s"), Some(std::time::Duration::from_secs(15)));
    for bad in ["-1", "soon", "86401"] {
        let err = interval(Some(bad)).expect_err("refused");
        assert!(err.to_string().starts_with(&format!("UW_SYNC_INTERVAL_SECS=`{bad}` is not valid")), "{err}");
    }
}

/// The real OS keychain (Secret Service + kernel keyring), under a service
/// name no user has. The test command runs tests inside a D-Bus session with
/// an unlocked gnome-keyring; without one this fails with the keychain error.
#[test]
fn keychain_stores_and_returns_the_key_across_entries() {
    let service = format!("uw-workstation-test-{}-{}", std::process::id(), line!());
    let source = KeySource::keychain(&service);
    let _ = source.delete();
    assert_eq!(source.load().expect("keychain reachable"), None);
    let key = StoreKey::generate().expect("key");
    source.store_new(&key).expect("stores in the keychain");
    // A fresh Entry reads it back: the value left this process's memory.
    assert_eq!(KeySource::keychain(&service).load().expect("loads"), Some(key));
    source.delete().expect("deletes");
    assert_eq!(source.load().expect("loads"), None);
}

#[test]
fn keychain_backed_workstation_reopens_its_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let service = format!("uw-workstation-test-{}-{}", std::process::id(), line!());
    let config = WorkstationConfig::new(dir.path().to_owned(), KeySource::keychain(&service));
    let id = Workstation::open(&config)
        .expect("opens with a new keychain key")
        .quick_quote(&request("90001", 2010), TODAY)
        .expect("rates")
        .quote_id;
    let reopened = Workstation::open(&config).expect("reopens with the keychain key");
    assert_eq!(reopened.store().load_quick_quote(id).expect("loads").quote.garaging_zip, "90001");
    config.key_source.delete().expect("cleanup");
    config.key_source.device().delete().expect("cleanup");
}

fn store_with_quotes(path: &Path, key: &StoreKey, n: usize) {
    let mut store = Store::open(path, key).expect("opens");
    for i in 0..n {
        let mut q = quote("94110");
        q.worksheet_json = format!("[{}]", "0,".repeat(200) + &i.to_string());
        store.save_quick_quote(&q).expect("saves");
    }
    // Fold the WAL into the main file so the file holds every page.
    drop(store);
}

#[test]
fn a_truncated_store_is_a_typed_error_and_is_not_touched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ws.db");
    let key = StoreKey::generate().expect("key");
    store_with_quotes(&path, &key, 50);
    let bytes = std::fs::read(&path).expect("read");
    std::fs::write(&path, &bytes[..bytes.len() - 1000]).expect("truncate");
    let err = Store::open(&path, &key).expect_err("truncated");
    assert!(matches!(err, StoreError::Truncated { .. }), "{err:?}");
    assert!(err.to_string().contains("cut short"), "{err}");
    assert_eq!(std::fs::read(&path).expect("read").len(), bytes.len() - 1000, "nothing was written");
}

#[test]
fn a_corrupted_page_is_found_by_the_integrity_check() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ws.db");
    let key = StoreKey::generate().expect("key");
    store_with_quotes(&path, &key, 200);
    Store::open(&path, &key).expect("opens").check().expect("an intact store passes");
    let mut bytes = std::fs::read(&path).expect("read");
    let at = bytes.len() - 2000;
    bytes[at] ^= 0x55;
    std::fs::write(&path, &bytes).expect("corrupt");
    let err = match Store::open(&path, &key) {
        Ok(store) => store.check().expect_err("the damaged page fails its HMAC"),
        Err(e) => e,
    };
    assert!(matches!(err, StoreError::Corrupt { .. } | StoreError::Sqlite { .. }), "{err:?}");
}

/// An independent SQLCipher 4 implementation (the `sqlcipher3` Python
/// package, SQLCipher 4.19, which the test command installs) opens our file
/// with the raw key and reads what we wrote.
#[test]
fn an_independent_sqlcipher_reads_the_store() {
    let python = std::env::var("UW_TEST_SQLCIPHER_PYTHON")
        .expect("UW_TEST_SQLCIPHER_PYTHON names a Python with sqlcipher3; run the README's test command, which installs it");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ws.db");
    let key = StoreKey::generate().expect("key");
    {
        let mut store = Store::open(&path, &key).expect("opens");
        store.save_quick_quote(&quote("90001")).expect("saves");
    }
    let script = r#"
import sys, sqlcipher3
c = sqlcipher3.connect(sys.argv[1])
c.execute('PRAGMA key = "x\'' + sys.argv[2] + '\'"')
c.execute('PRAGMA cipher_compatibility = 4')
print(c.execute("SELECT garaging_zip, premium FROM quick_quote").fetchall())
print(c.execute("SELECT value FROM store_meta WHERE key = 'cipher_compatibility'").fetchone()[0])
"#;
    let out =
        std::process::Command::new(python).args(["-c", script, path.to_str().expect("utf-8"), &key.to_hex()]).output().expect("run python");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "[('90001', '601')]\n4\n");
}
