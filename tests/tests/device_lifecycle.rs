//! A real workstation over the years of its life, against a server in this
//! process (so the server's clock can move): enrolling and syncing over
//! HTTPS with a certificate authority made here, renewing its token with its
//! key long after it expired, surviving a password reset and a lost enroll
//! answer, and stopping for good when revoked.

#[path = "../../crates/workstation/tests/common/mod.rs"]
mod common;

use common::good_driver;
use uw_protocol::{Secret, UserChange};
use uw_sync_server::audit::Actor;
use uw_system_tests::inprocess::{InProcessServer, PASSWORD};
use uw_system_tests::system::{codes as code, now, Laptop};
use uw_system_tests::tls::TestCa;

fn live_tokens(server: &InProcessServer, device_id: &str) -> i64 {
    server.block_on(async {
        let rows = server
            .state
            .storage
            .query(
                "SELECT COUNT(*) FROM auth_token WHERE device_id = $1 AND revoked_at IS NULL",
                vec![uw_sync_server::storage::SqlValue::Text(Some(device_id.to_owned()))],
            )
            .await
            .expect("count");
        rows[0].int(0).expect("int")
    })
}

#[test]
fn a_desktop_enrolls_syncs_and_renews_over_https_pinned_to_its_organisation_ca() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = TestCa::new("Acme Mutual Issuing CA");
    let certificate = ca.issue_server(dir.path(), "sync");
    let server = InProcessServer::start(Some(&certificate));
    assert!(server.base_url.starts_with("https://"), "{}", server.base_url);

    let mut laptop = Laptop::open(&dir.path().join("laptop"));
    laptop.ws.set_server_ca(Some(ca.pem()));
    let enrolled =
        laptop.ws.enroll(&server.base_url, "agent1", &Secret::new(PASSWORD), "agent1-laptop", now()).expect("enrolls over HTTPS");
    laptop.rated(good_driver());
    let report = laptop.ws.sync(now()).expect("syncs over HTTPS");
    assert_eq!(report.push.accepted, 1);

    let expires = laptop.ws.renew_device_token(now()).expect("renews over HTTPS");
    assert!(!expires.is_empty());
    assert_eq!(live_tokens(&server, &enrolled.device_id), 1, "the token renewed is revoked");
    assert!(server.audit_actions().iter().any(|a| a == "device.token_renew"));

    // The pin is kept with the enrollment: reopened without it (and the
    // machine's trust store knows nothing of this CA), the laptop still syncs.
    let mut laptop = laptop.reopen();
    laptop.rated(good_driver());
    assert_eq!(laptop.ws.sync(now()).expect("syncs after a restart").push.accepted, 1);
}

#[test]
fn the_operating_system_trust_store_decides_when_nothing_is_pinned() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = TestCa::new("Corporate Root CA");
    let bundle = ca.write_pem(dir.path(), "corporate-bundle.pem");
    // What `update-ca-certificates` does for a corporate CA, for this process
    // only (OpenSSL reads SSL_CERT_FILE once, when the first client is made;
    // nextest runs each test in its own process).
    std::env::set_var("SSL_CERT_FILE", &bundle);
    let certificate = ca.issue_server(dir.path(), "sync");
    let server = InProcessServer::start(Some(&certificate));
    let mut laptop = Laptop::open(&dir.path().join("laptop"));
    laptop.ws.enroll(&server.base_url, "agent1", &Secret::new(PASSWORD), "agent1-laptop", now()).expect("the system store trusts it");
    laptop.rated(good_driver());
    assert_eq!(laptop.ws.sync(now()).expect("syncs").push.accepted, 1);
}

#[test]
fn a_device_whose_token_expired_91_days_ago_renews_and_syncs_without_a_password() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = InProcessServer::start(None);
    let mut laptop = Laptop::open(&dir.path().join("laptop"));
    let enrolled = laptop.ws.enroll(&server.base_url, "agent1", &Secret::new(PASSWORD), "agent1-laptop", now()).expect("enrolls");
    laptop.rated(good_driver());
    laptop.ws.sync(now()).expect("syncs");

    // The server lives 181 days on: the 90-day token expired 91 days ago.
    // The laptop's own clock did not move, so it learns from the server's
    // refusal, renews with its key and pushes again.
    server.state.clock.advance(time::Duration::days(181));
    laptop.rated(good_driver());
    let report = laptop.ws.sync(now()).expect("renews and syncs with no password");
    assert_eq!(report.push.accepted, 1);
    let renewals = server.audit_actions().iter().filter(|a| *a == "device.token_renew").count();
    assert_eq!(renewals, 1);

    // A laptop whose clock agrees renews before the server has to refuse.
    laptop.rated(good_driver());
    let later = now() + time::Duration::days(181 + 80);
    server.state.clock.advance(time::Duration::days(80));
    assert_eq!(laptop.ws.sync(later).expect("syncs").push.accepted, 1);
    assert_eq!(server.audit_actions().iter().filter(|a| *a == "device.token_renew").count(), 2);
    assert_eq!(live_tokens(&server, &enrolled.device_id), 1);
}

#[test]
fn a_password_reset_or_a_disable_kills_every_token_but_never_the_laptop() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = InProcessServer::start(None);
    let mut laptop = Laptop::open(&dir.path().join("laptop"));
    laptop.ws.enroll(&server.base_url, "agent1", &Secret::new(PASSWORD), "agent1-laptop", now()).expect("enrolls");
    let admin = Actor::system("test-admin");
    let change = |c: UserChange| {
        server.block_on(uw_sync_server::identity::change_user(&server.state, &admin, "agent1", c, "test")).expect("changes the user")
    };

    change(UserChange { password: Some(Secret::new("a brand new password")), ..UserChange::default() });
    laptop.rated(good_driver());
    assert_eq!(laptop.ws.sync(now()).expect("the laptop keeps syncing after the reset").push.accepted, 1);

    change(UserChange { disabled: Some(true), ..UserChange::default() });
    laptop.rated(good_driver());
    let refused = laptop.ws.sync(now()).expect_err("a disabled user's laptop stops");
    assert_eq!(code(&refused), ("sync.unauthorized", Some("auth.user_disabled".into())), "{refused}");
    change(UserChange { disabled: Some(false), ..UserChange::default() });
    assert_eq!(laptop.ws.sync(now()).expect("re-enabled, it renews and syncs").push.accepted, 1);
}

#[test]
fn a_lost_enroll_answer_and_a_retry_give_one_device_that_carries_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = InProcessServer::start(None);
    let mut laptop = Laptop::open(&dir.path().join("laptop"));
    let first = laptop.ws.enroll(&server.base_url, "agent1", &Secret::new(PASSWORD), "agent1-laptop", now()).expect("enrolls");
    let quote = laptop.rated(good_driver());
    laptop.ws.sync(now()).expect("syncs");
    // The answer to an enrollment is lost, or the app is reinstalled over a
    // surviving keychain: the user enrolls again with the same key.
    let again = laptop.ws.enroll(&server.base_url, "agent1", &Secret::new(PASSWORD), "agent1-laptop", now()).expect("enrolls again");
    assert_eq!(again.device_id, first.device_id, "the same device comes back");
    assert_eq!(again.quote_numbers, first.quote_numbers, "with its quote numbers");
    let devices = server.block_on(uw_sync_server::identity::devices(&server.state)).expect("devices");
    assert_eq!(devices.len(), 1, "one device, not two: {devices:?}");
    assert_eq!(devices[0].last_seq, 1);
    // Its outbox carries on from where the server is.
    let next = laptop.rated(good_driver());
    assert_ne!(laptop.number(next), laptop.number(quote));
    assert_eq!(laptop.ws.sync(now()).expect("syncs").push.accepted, 1);
    assert_eq!(server.block_on(uw_sync_server::identity::devices(&server.state)).expect("devices")[0].last_seq, 2);
}

#[test]
fn a_revoked_device_cannot_renew_or_come_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = InProcessServer::start(None);
    let mut laptop = Laptop::open(&dir.path().join("laptop"));
    let enrolled = laptop.ws.enroll(&server.base_url, "agent1", &Secret::new(PASSWORD), "agent1-laptop", now()).expect("enrolls");
    server
        .block_on(uw_sync_server::identity::revoke_device(&server.state, &Actor::system("test-admin"), &enrolled.device_id, "test"))
        .expect("revokes");
    let refused = laptop.ws.renew_device_token(now()).expect_err("revoked");
    assert_eq!(code(&refused).0, "sync.device_revoked", "{refused}");
    let refused = laptop.ws.sync(now()).expect_err("revoked");
    assert_eq!(code(&refused).0, "sync.device_revoked", "{refused}");
    let refused =
        laptop.ws.enroll(&server.base_url, "agent1", &Secret::new(PASSWORD), "agent1-laptop", now()).expect_err("cannot re-enroll");
    assert_eq!(code(&refused), ("sync.refused", Some("enroll.device_revoked".into())), "{refused}");
}

/// The input of the quote the server holds under `number`, opened.
fn server_input(server: &InProcessServer, number: &str) -> Option<serde_json::Value> {
    server.block_on(async {
        let mut tx = server.state.storage.begin(uw_sync_server::storage::TxMode::Read).await.expect("begin");
        let rows = tx
            .fetch(
                "SELECT input FROM quote_record WHERE quote_number = $1",
                vec![uw_sync_server::storage::SqlValue::Text(Some(number.to_owned()))],
            )
            .await
            .expect("query");
        match rows.first() {
            Some(r) => Some(server.state.vault.open_text(&mut *tx, &r.text(0).expect("text")).await.expect("opens")),
            None => None,
        }
    })
}

#[test]
fn a_laptop_restored_from_a_week_old_backup_loses_nothing_duplicates_nothing_and_reuses_no_number() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = InProcessServer::start(None);
    let laptop_dir = dir.path().join("laptop");
    let mut laptop = Laptop::open(&laptop_dir);
    laptop.ws.enroll(&server.base_url, "agent1", &Secret::new(PASSWORD), "agent1-laptop", now()).expect("enrolls");
    let mut before = Vec::new();
    for _ in 0..2 {
        let id = laptop.rated(good_driver());
        before.push(laptop.number(id));
    }
    laptop.ws.sync(now()).expect("syncs");

    // Monday's backup.
    let identity = age::x25519::Identity::generate();
    let backup = dir.path().join("monday.age");
    uw_workstation::backup::create(laptop.ws.store(), &backup, &uw_workstation::backup::Lock::Recipients(vec![identity.to_public()]))
        .expect("backs up");

    // The week goes on: more quotes, synced; and one made offline that never
    // reached the server before the disk died.
    let mut week = Vec::new();
    for input in [common::referred(), good_driver()] {
        let id = laptop.rated(input);
        week.push(laptop.number(id));
    }
    laptop.ws.sync(now()).expect("syncs");
    let week_inputs: Vec<serde_json::Value> = week.iter().map(|n| server_input(&server, n).expect("on the server")).collect();

    // Friday: the store comes back from Monday's backup.
    drop(laptop);
    let key =
        uw_workstation::StoreKey::from_hex(&std::fs::read_to_string(laptop_dir.join("store.key")).expect("key"), "store.key").expect("key");
    uw_workstation::backup::restore(
        &backup,
        &uw_workstation::backup::Unlock::Identities(vec![identity]),
        &key,
        &laptop_dir.join("data").join(uw_workstation::STORE_FILE),
    )
    .expect("restores");
    let mut laptop = Laptop::open(&laptop_dir);
    let friday = now() + time::Duration::days(7);

    // Still offline, the agent quotes for a new customer: the store hands out
    // the sequence and quote numbers the lost week already used.
    let new_id = {
        let id = laptop.ws.create_quote(good_driver(), friday).expect("creates").id;
        laptop.ws.rate_quote(id, friday).expect("rates");
        id
    };
    let offline_number = laptop.number(new_id);
    assert!(week.contains(&offline_number), "the restored store reuses {offline_number} (the week used {week:?})");

    // Online again: one sync sets it right.
    let report = laptop.ws.sync(friday).expect("syncs after the restore");
    let renumbered = &report.push.renumbered;
    assert_eq!(renumbered.len(), 1, "{report:?}");
    assert_eq!(renumbered[0].0, offline_number);
    let new_number = laptop.number(new_id);
    assert_eq!(renumbered[0].1, new_number);
    assert!(!before.contains(&new_number) && !week.contains(&new_number), "{new_number} is a number nobody used");
    assert_eq!((report.push.rejected, report.push.conflict), (0, 0), "{report:?}");
    assert!(report.push.rebased >= 1, "the outbox went again under new sequence numbers: {report:?}");
    assert_eq!(laptop.unsent(), 0, "nothing waits");
    assert!(laptop.ws.sync_issues().expect("issues").is_empty(), "no issue is left for the agent to chase");

    // Nothing lost: the week's quotes are on the server as they were, and the
    // new customer's quote under its new number. Nothing duplicated: one
    // record each, every number distinct.
    for (number, input) in week.iter().zip(&week_inputs) {
        assert_eq!(server_input(&server, number).as_ref(), Some(input), "{number} kept its own customer");
    }
    assert!(server_input(&server, &new_number).is_some(), "the new customer's quote reached the server");
    let records: i64 = server.block_on(async {
        server.state.storage.query("SELECT COUNT(*) FROM quote_record", vec![]).await.expect("count")[0].int(0).expect("n")
    });
    assert_eq!(records, 5, "two before the backup, two in the lost week, one after the restore");
    let mut mine: Vec<String> =
        laptop.ws.list_quotes(&Default::default()).expect("quotes").into_iter().map(|q| q.quote_number.to_string()).collect();
    let count = mine.len();
    mine.sort();
    mine.dedup();
    assert_eq!(mine.len(), count, "no two local quotes share a number");
    // The next quote goes on after everything the server has seen.
    let next = laptop.rated(good_driver());
    assert_eq!(laptop.ws.sync(friday).expect("syncs").push.accepted, 1);
    assert!(!week.contains(&laptop.number(next)) && laptop.number(next) != new_number);
}
