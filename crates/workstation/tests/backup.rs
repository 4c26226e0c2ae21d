//! Backups: age-encrypted snapshots that the reference `age` tool decrypts,
//! that restore to the same data, and that are refused when tampered with
//! before anything is replaced.

use std::path::Path;
use std::str::FromStr;

use age::secrecy::ExposeSecret as _;
use rust_decimal::Decimal;
use uw_workstation::backup::{self, BackupError, Lock, Unlock};
use uw_workstation::{NewQuickQuote, Store, StoreKey};

fn quote(zip: &str, premium: i64) -> NewQuickQuote {
    NewQuickQuote {
        garaging_zip: zip.into(),
        vehicle_year: 2020,
        pack_id: "ca-personal-auto/2026.1@abc".into(),
        premium: Decimal::from(premium),
        worksheet_json: "[]".into(),
    }
}

fn zips(path: &Path, key: &StoreKey) -> Vec<(String, Decimal)> {
    let store = Store::open(path, key).expect("opens");
    (1..).map_while(|id| store.load_quick_quote(id).ok()).map(|q| (q.quote.garaging_zip, q.quote.premium)).collect()
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
            store.save_quick_quote(&quote(zip, 500 + i64::try_from(i).unwrap_or(0))).expect("saves");
        }
        backup::create(&store, &dir.path().join("ws.backup"), &Lock::Recipients(vec![auditor.to_public()])).expect("backs up");
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
        store.save_quick_quote(&quote("96001", 999)).expect("saves");
    }
    assert_eq!(zips(&db, &key).len(), 4);
    backup::verify(&dir.path().join("ws.backup"), &Unlock::Identities(vec![auditor.clone()]), &key).expect("verifies");
    backup::restore(&dir.path().join("ws.backup"), &Unlock::Identities(vec![auditor]), &key, &db).expect("restores");
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
        store.save_quick_quote(&quote("94110", 601)).expect("saves");
        backup::create(&store, &path, &Lock::Recipients(vec![owner.to_public()])).expect("backs up");
        store.save_quick_quote(&quote("90001", 700)).expect("saves after the backup");
    }
    let before = std::fs::read(&db).expect("read");

    let mut bytes = std::fs::read(&path).expect("read");
    let at = bytes.len() - 100;
    bytes[at] ^= 0x01;
    let tampered = dir.path().join("tampered.backup");
    std::fs::write(&tampered, bytes).expect("write");
    let err = backup::restore(&tampered, &Unlock::Identities(vec![owner.clone()]), &key, &db).expect_err("tampered");
    assert!(matches!(err, BackupError::Decrypt { .. }), "{err:?}");
    assert!(err.to_string().contains("nothing was replaced"), "{err}");
    assert_eq!(std::fs::read(&db).expect("read"), before);

    let stranger = age::x25519::Identity::generate();
    assert!(matches!(backup::restore(&path, &Unlock::Identities(vec![stranger]), &key, &db), Err(BackupError::Decrypt { .. })));
    let wrong_key = StoreKey::generate().expect("key");
    assert!(matches!(backup::restore(&path, &Unlock::Identities(vec![owner]), &wrong_key, &db), Err(BackupError::Snapshot(_))));
    assert_eq!(std::fs::read(&db).expect("read"), before);
    assert_eq!(zips(&db, &key).len(), 2);
}

/// Runs the reference `age -d` on `input`, typing `passphrase` at its
/// terminal prompt (age reads passphrases only from a terminal; `script`
/// gives it one).
fn reference_age_decrypt_with_passphrase(input: &Path, output: &Path, passphrase: &str) -> bool {
    use std::io::Write as _;
    let command = format!("age -d -o '{}' '{}'", output.display(), input.display());
    let mut child = std::process::Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .expect("`script` (util-linux) runs");
    std::thread::sleep(std::time::Duration::from_millis(500));
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(format!("{passphrase}\n").as_bytes()).expect("type the passphrase");
    drop(stdin);
    child.wait().expect("waits").success()
}

#[test]
fn a_passphrase_backup_restores_and_the_reference_tool_opens_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("ws.db");
    let key = StoreKey::generate().expect("key");
    let path = dir.path().join("ws.backup");
    let passphrase = || age::secrecy::SecretString::from("correct horse battery staple".to_owned());
    {
        let mut store = Store::open(&db, &key).expect("opens");
        store.save_quick_quote(&quote("94110", 601)).expect("saves");
        let err = backup::create(&store, &path, &Lock::Passphrase("too short".to_owned().into())).expect_err("weak");
        assert!(matches!(err, BackupError::WeakPassphrase { chars: 9 }), "{err:?}");
        assert!(!path.exists(), "nothing is written for a refused backup");
        backup::create(&store, &path, &Lock::Passphrase(passphrase())).expect("backs up");
        store.save_quick_quote(&quote("90001", 700)).expect("saves after the backup");
    }
    // The work factor is pinned in the file's header.
    let header = std::fs::read(&path).expect("read");
    let header = String::from_utf8_lossy(&header[..80]);
    assert!(header.contains("-> scrypt ") && header.lines().nth(1).is_some_and(|l| l.ends_with(" 18")), "{header}");

    let plain = dir.path().join("plain.db");
    assert!(reference_age_decrypt_with_passphrase(&path, &plain, "correct horse battery staple"), "age -d refused the passphrase");
    assert_eq!(zips(&plain, &key).len(), 1);

    let before = std::fs::read(&db).expect("read");
    let wrong = Unlock::Passphrase("correct horse battery stapler".to_owned().into());
    assert!(matches!(backup::restore(&path, &wrong, &key, &db), Err(BackupError::Decrypt { .. })));
    assert_eq!(std::fs::read(&db).expect("read"), before, "a wrong passphrase replaces nothing");
    backup::restore(&path, &Unlock::Passphrase(passphrase()), &key, &db).expect("restores");
    assert_eq!(zips(&db, &key), [("94110".to_owned(), Decimal::from(601))]);
}

#[test]
fn a_passphrase_backup_demanding_more_work_than_pinned_is_refused() {
    use std::io::Write as _;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("costly.backup");
    let mut recipient = age::scrypt::Recipient::new("correct horse battery staple".to_owned().into());
    recipient.set_work_factor(backup::PASSPHRASE_WORK_FACTOR + 1);
    let encryptor = age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient)).expect("encryptor");
    let mut writer = encryptor.wrap_output(std::fs::File::create(&path).expect("create")).expect("wrap");
    writer.write_all(b"not even a store").expect("write");
    writer.finish().expect("finish");
    let err =
        backup::verify(&path, &Unlock::Passphrase("correct horse battery staple".to_owned().into()), &StoreKey::generate().expect("key"))
            .expect_err("refused");
    assert!(matches!(err, BackupError::Decrypt { .. }), "{err:?}");
    assert!(err.to_string().contains("demands scrypt work factor 19"), "{err}");
}
