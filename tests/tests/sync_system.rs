//! Desktops and the server together: real workstations (`uw-workstation` on
//! SQLCipher stores) sync with the real `uw-sync-server` binary, on SQLite and
//! on PostgreSQL. The devices quote while the server is down, reconnect, push
//! and pull; a referred quote is approved from an underwriter's desktop (its
//! sync client; the agent's desktop is refused the queue) and then
//! bound; a bind whose premium was tampered with on the laptop is refused with
//! its reason; a revoked device is refused.

#[path = "../../crates/workstation/tests/common/mod.rs"]
mod common;

use common::{good_driver, referred};
use reqwest::StatusCode;
use serde_json::json;
use uw_system_tests::api::ApiClient;
use uw_system_tests::system::{device_signatures, now, pdf_text, Laptop, Org};
use uw_system_tests::PostgresDatabase;
use uw_workstation::notifications::NotificationKind;
use uw_workstation::{QuoteStatus, Secret};

fn story(database_args: &[&str]) {
    let org = Org::create(database_args);
    let agent2_password = org.add_user("agent2", "agent");
    let server = org.start();
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let api = ApiClient::new(&server.base_url, None);
    let dirs = tempfile::tempdir().expect("tempdir");
    let mut a = Laptop::open(&dirs.path().join("a"));
    let mut b = Laptop::open(&dirs.path().join("b"));

    // Both laptops enroll while online, each given its own device number.
    let ea = a.ws.enroll(&server.base_url, "agent", &Secret::new(org.demo.password("agent")), "agent-laptop", now()).expect("a enrolls");
    let eb = b.ws.enroll(&server.base_url, "agent2", &Secret::new(&agent2_password), "agent2-laptop", now()).expect("b enrolls");
    let mut desk = Laptop::open(&dirs.path().join("desk"));
    desk.ws
        .enroll(&server.base_url, "underwriter", &Secret::new(org.demo.password("underwriter")), "underwriting-desk", now())
        .expect("the underwriter's desktop enrolls");
    let (da, db) = (ea.device_number.expect("a device number"), eb.device_number.expect("a device number"));
    assert_ne!(da, db, "each device numbers its quotes in its own series");

    // Offline: the server is down; the laptops keep quoting.
    let exit = server.terminate();
    assert!(exit.status.success(), "{}", exit.stderr);
    let clean_a = a.rated(good_driver());
    let referred_a = a.rated(referred());
    a.ws.request_bind(clean_a, now()).expect("bind requested offline");
    let clean_b = b.rated(good_driver());
    b.ws.request_bind(clean_b, now()).expect("bind requested offline");
    assert_eq!(a.status(referred_a), QuoteStatus::Referred);
    let offline = a.ws.sync(now()).expect_err("no server");
    assert_eq!(offline.code(), "sync.unreachable", "{offline}");
    assert_eq!((a.unsent(), b.unsent()), (3, 2), "the work waits in the outboxes");
    for (laptop, id, device) in [(&a, clean_a, da), (&b, clean_b, db)] {
        let number: uw_policy::QuoteNumber = laptop.number(id).parse().expect("a quote number");
        assert_eq!(number.device(), Some(device), "{number} is in its device's series");
    }

    // Reconnect: each pushes its work and pulls; both clean binds are issued.
    let server = org.start();
    let ra = a.ws.sync(now()).expect("a syncs");
    assert_eq!((ra.push.delivered, ra.push.accepted, ra.push.rejected), (3, 3, 0), "{ra:?}");
    let rb = b.ws.sync(now()).expect("b syncs");
    assert_eq!((rb.push.delivered, rb.push.accepted), (2, 2), "{rb:?}");
    let (pa, pb) = (ra.push.policies_issued.clone(), rb.push.policies_issued.clone());
    assert_eq!((pa.len(), pb.len()), (1, 1));
    assert!(pa[0].starts_with("POL-CA-") && pb[0].starts_with("POL-CA-") && pa[0] != pb[0], "{pa:?} {pb:?}");
    assert_eq!(
        (a.status(clean_a), a.status(referred_a), b.status(clean_b)),
        (QuoteStatus::Bound, QuoteStatus::Referred, QuoteStatus::Bound)
    );
    assert_eq!((a.unsent(), b.unsent()), (0, 0));

    rt.block_on(async {
        // Each agent sees only their own policies.
        for (user, password, mine) in [("agent", org.demo.password("agent"), &pa[0]), ("agent2", agent2_password.as_str(), &pb[0])] {
            let (status, policies) = api.login(user, password).await.get("/v1/policies").await;
            assert_eq!(status, StatusCode::OK, "{policies}");
            let numbers: Vec<&str> = policies.as_array().expect("list").iter().filter_map(|p| p["policy_number"].as_str()).collect();
            assert_eq!(numbers, [mine.as_str()], "{user}");
        }
    });

    // The operator's command line shows a policy's timeline, from the bind on.
    let timeline = org.admin(&["policy", &pa[0]]);
    assert!(timeline.starts_with(&format!("{}  CA personal-auto  in force  version 1  agent agent", pa[0])), "{timeline}");
    assert!(timeline.contains("v1   bind") && timeline.contains("Charged at bind"), "{timeline}");
    let detail: serde_json::Value = serde_json::from_str(&org.admin(&["policy", &pa[0], "--json"])).expect("json");
    assert_eq!(detail["timeline"][0]["kind"], "bind");
    assert!(detail["timeline"][0]["log_index"].is_u64(), "{detail}");

    // The agent's desktop prints the bound policy's declarations and ID cards.
    let declarations = a.ws.declarations_pdf(&pa[0], now()).expect("declarations");
    let text = pdf_text(&declarations);
    assert!(text.contains(&pa[0]) && text.contains("Declarations") && text.contains("Total premium for the term"), "{text}");
    // The insurer is the one the server's administrator described, learnt at sync.
    let insurer = "Demo Mutual Insurance Company (demonstration only)";
    assert!(text.contains(&format!("Issued by {insurer}")), "{text}");
    // So is the agency the agent writes for, from their user on the server.
    let agency = "Agency: Demo Insurance Agency (demonstration only)";
    assert!(text.contains(agency), "{text}");
    let cards = a.ws.id_cards_pdf(&pa[0], now()).expect("ID cards");
    let text = pdf_text(&cards);
    assert!(text.contains("CA Insurance Identification Card") && text.contains(&pa[0]), "{text}");
    assert!(text.contains(agency), "the card names the agency: {text}");
    assert!(text.contains(insurer) && !text.contains("Offline Mutual"), "the card names the insurer: {text}");
    match a.ws.declarations_pdf("POL-CA-2026-999999", now()) {
        Err(e) => assert_eq!(e.code(), "policy.not_found", "{e}"),
        Ok(_) => panic!("a policy this desktop never received has no declarations"),
    }

    // The referral queue is the underwriter's: the agent's desktop is refused it.
    match a.ws.referrals() {
        Err(uw_workstation::WorkstationError::Sync(e)) => {
            assert_eq!((e.code(), e.server_code()), ("sync.refused", Some("auth.forbidden")), "{e}")
        }
        other => panic!("an agent must not see the referral queue: {other:?}"),
    }
    // The underwriter's desktop lists the referral and approves it (four eyes: not their quote).
    let number = a.number(referred_a);
    let queue = desk.ws.referrals().expect("the underwriter's queue");
    let referral = queue.iter().find(|r| r.quote_number == number).expect("the referred quote is queued");
    assert!(!referral.reasons.is_empty(), "{referral:?}");
    let referred_at = referral.referred_at.as_deref().expect("the server says when it was referred");
    assert!(time::OffsetDateTime::parse(referred_at, &time::format_description::well_known::Rfc3339).is_ok(), "{referred_at}");
    assert!(referral.quote.get("drivers").is_some() && referral.quote.get("licenses").is_none(), "the rating input, without licences");
    let rating = desk.ws.rate_referral(referral).expect("the desk re-rates the referral with the same pack");
    assert_eq!(rating.total, referral.total, "the desk shows the premium the agent was quoted");
    assert_eq!(rating.decision.action, uw_rating::Action::Refer);
    assert_eq!(referral.agent, "agent");
    let no_reason = desk.ws.decide_referral(&number, referral.version, true, "  ").expect_err("a decision needs a reason");
    assert_eq!(no_reason.code(), "input.invalid", "{no_reason}");
    let decided = desk.ws.decide_referral(&number, referral.version, true, "driving record verified").expect("approved");
    assert_eq!((decided.quote_number.as_str(), decided.status.as_str()), (number.as_str(), "approved"));
    assert!(desk.ws.referrals().expect("queue").iter().all(|r| r.quote_number != number), "a decided quote leaves the queue");

    // The decision reaches the laptop on its next pull; then the bind goes through.
    let pulled = a.ws.sync(now()).expect("a pulls the decision");
    assert!(pulled.pull.applied >= 1, "{pulled:?}");
    assert_eq!(a.status(referred_a), QuoteStatus::Approved);
    // The agent hears of it, with the underwriter's note, on the quote.
    let heard = a.ws.notifications().expect("notifications");
    let news = heard.items.iter().find(|n| n.subject == number).expect("a notification on the referred quote");
    assert_eq!(
        (news.kind, news.quote_id, news.note.as_deref()),
        (NotificationKind::ReferralApproved, Some(referred_a), Some("driving record verified"))
    );
    assert!(heard.unread_quotes >= 1 && heard.last_synced_at.is_some() && heard.last_sync_error.is_none(), "{heard:?}");
    a.ws.mark_notifications_read(news.id, now()).expect("read");
    assert_eq!(a.ws.notifications().expect("notifications").unread_quotes, 0);
    a.ws.request_bind(referred_a, now()).expect("bind the approved quote");
    let bound = a.ws.sync(now()).expect("a binds");
    assert_eq!(bound.push.policies_issued.len(), 1, "{bound:?}");
    assert_eq!(a.status(referred_a), QuoteStatus::Bound);
    let issued = a.ws.notifications().expect("notifications");
    let policy = bound.push.policies_issued[0].as_str();
    let notices: Vec<_> = issued.items.iter().filter(|n| n.kind == NotificationKind::PolicyIssued && n.subject == policy).collect();
    assert_eq!(notices.len(), 1, "one notice for the policy, however often it is reported: {:?}", issued.items);
    assert_eq!(notices[0].quote_id, Some(referred_a));

    // A premium tampered with in the laptop's store: the server re-rates and refuses.
    let tampered = a.rated(good_driver());
    a.ws.sync(now()).expect("the rating is recorded");
    let number = a.number(tampered);
    let a2 = a.reopen();
    let changed = a2.tamper(
        "UPDATE rating_result SET total = '1.00' WHERE version_id IN
           (SELECT v.id FROM quote_version v JOIN quote q ON q.id = v.quote_id WHERE q.quote_number = ?1)",
        [&number],
    );
    assert_eq!(changed, 1);
    let mut a = a2.reopen();
    a.ws.request_bind(tampered, now()).expect("the laptop asks to bind at 1.00");
    let refused = a.ws.sync(now()).expect("syncs");
    assert_eq!((refused.push.rejected, refused.push.policies_issued.len()), (1, 0), "{refused:?}");
    let issue = a.ws.sync_issues().expect("issues").into_iter().find(|i| i.subject.as_deref() == Some(number.as_str())).expect("an issue");
    assert_eq!(issue.code.as_deref(), Some("bind.premium_mismatch"), "{issue:?}");
    assert!(issue.reason.contains("1.00"), "the reason names the premium: {}", issue.reason);
    assert_eq!(a.status(tampered), QuoteStatus::BindRejected);

    // An administrator revokes laptop b: it is refused, and keeps its work.
    rt.block_on(async {
        let admin = api.login("admin", org.demo.password("admin")).await;
        let device = b.ws.enrollment().expect("enrollment").expect("enrolled").device_id;
        let (status, body) = admin.post(&format!("/v1/admin/devices/{device}/revoke"), &json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    });
    b.rated(good_driver());
    let revoked = b.ws.sync(now()).expect_err("revoked");
    assert_eq!(revoked.code(), "sync.device_revoked", "{revoked}");
    assert_eq!(b.ws.notifications().expect("notifications").last_sync_error.as_deref(), Some("sync.device_revoked"));
    assert_eq!(b.unsent(), 1, "nothing is lost: the operation waits for a new enrollment");

    // The audit log holds every accepted operation once, signed by its device.
    let pushed: usize =
        [&a, &b].iter().map(|l| l.ws.store().outbox().expect("outbox").iter().filter(|e| e.sent_at.is_some()).count()).sum();
    let signatures = rt.block_on(device_signatures(&api, ("auditor", org.demo.password("auditor"))));
    assert_eq!(signatures.len(), pushed, "one audit entry per delivered operation");
    drop(server);
}

#[test]
fn two_laptops_quote_offline_then_sync_bind_and_are_revoked_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("server.sqlite3");
    story(&["--sqlite", path.to_str().expect("utf-8")]);
}

#[test]
fn two_laptops_quote_offline_then_sync_bind_and_are_revoked_on_postgres() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let db = rt.block_on(PostgresDatabase::create());
    story(&["--database-url", &db.url]);
    rt.block_on(db.drop_database());
}
