//! The key recovery copy: written with the keys when an organisation
//! recipient is configured, readable by the reference `age` tool, and enough
//! to reopen the store after the keychain is lost.

use age::secrecy::ExposeSecret as _;
use uw_workstation::recovery::{self, RecoveryError};
use uw_workstation::{KeySource, QuickQuoteRequest, Workstation, WorkstationConfig, WorkstationError};

#[test]
fn the_recovery_copy_reopens_a_store_whose_keys_were_lost() {
    let dir = tempfile::tempdir().expect("tempdir");
    let organisation = age::x25519::Identity::generate();
    let key_file = dir.path().join("store.key");
    let config = WorkstationConfig {
        recovery_recipient: Some(organisation.to_public().to_string()),
        ..WorkstationConfig::new(dir.path().join("data"), KeySource::File(key_file.clone()))
    };
    let device_public = {
        let mut ws = Workstation::open(&config).expect("creates");
        ws.quick_quote(&QuickQuoteRequest { zip: "94110".into(), vehicle_year: 2020 }, time::macros::date!(2026 - 03 - 01)).expect("rates");
        ws.device_public_key()
    };
    let copy = dir.path().join("data").join(recovery::RECOVERY_FILE);
    assert!(copy.is_file(), "the copy is written with the keys");

    // The reference tool opens it with the organisation's identity.
    let identity = dir.path().join("org.txt");
    std::fs::write(&identity, format!("{}\n", organisation.to_string().expose_secret())).expect("identity");
    let out = std::process::Command::new("age")
        .args(["-d", "-i", identity.to_str().expect("utf-8"), copy.to_str().expect("utf-8")])
        .output()
        .expect("the `age` tool runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let store_key = std::fs::read_to_string(&key_file).expect("key file");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[..2], ["uw-key-recovery-v1", &format!("store-key {store_key}")]);
    assert!(lines[2].starts_with("device-key ") && lines[2].len() == 11 + 64, "{}", lines[2]);
    assert_eq!(lines.len(), 3);

    // The laptop loses its keys: the store no longer opens.
    std::fs::remove_file(&key_file).expect("lose the store key");
    std::fs::remove_file(dir.path().join("store.key.device")).expect("lose the device key");
    let err = Workstation::open(&config).expect_err("no key");
    assert_eq!(err.code(), "key.missing");

    // A stranger's identity cannot read the copy; the organisation's can.
    let stranger = age::x25519::Identity::generate();
    assert!(matches!(recovery::read(&copy, vec![stranger]), Err(RecoveryError::Age(_))));
    let keys = recovery::read(&copy, vec![organisation.clone()]).expect("reads");
    recovery::restore_into(&keys, &config.key_source).expect("restores the keys");
    let ws = Workstation::open(&config).expect("reopens with the recovered keys");
    assert_eq!(ws.store().quick_quote_count().expect("count"), 1, "nothing was lost");
    assert_eq!(ws.device_public_key(), device_public, "the device keeps its identity");
    drop(ws);

    // Recovery never replaces a live key.
    let err = recovery::restore_into(&keys, &config.key_source).expect_err("a key exists");
    assert!(matches!(err, RecoveryError::KeyExists { .. }), "{err:?}");
}

#[test]
fn a_malformed_recovery_recipient_is_a_configuration_error() {
    let lookup = |name: &str| match name {
        "UW_RECOVERY_RECIPIENT" => Some("age1notarecipient".to_owned()),
        "UW_KEY_SOURCE" => Some("file:/tmp/never-used.key".to_owned()),
        _ => None,
    };
    let err = WorkstationConfig::from_lookup("/tmp/never-used".into(), lookup).expect_err("invalid");
    assert!(err.to_string().contains("UW_RECOVERY_RECIPIENT=`age1notarecipient` is not valid"), "{err}");
    let _ = WorkstationError::from(err);
}
