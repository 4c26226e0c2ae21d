//! Policy changes prepared offline on desktops (`uw-workstation` on SQLCipher
//! stores) and applied by the real `uw-sync-server`, on SQLite and on
//! PostgreSQL: two laptops of one agent change the same policy while the
//! server is down; the first to sync wins and the second gets a conflict, not
//! a silent overwrite; changes stack on a laptop before it syncs; an
//! underwriter non-renews from the desk; a renewal is offered and accepted;
//! each document prints from the policy as the server issued it.

#[path = "../../crates/workstation/tests/common/mod.rs"]
mod common;

use common::good_driver;
use time::{Date, Duration};
use uw_system_tests::system::{now, pdf_text, Laptop, Org};
use uw_system_tests::PostgresDatabase;
use uw_workstation::policies::{CancelReason, NonRenewalReason, PolicyChangeRequest, PolicyStatus};
use uw_workstation::{QuoteInput, QuoteStatus, Secret};

/// `$2,146.34`, as documents print money.
fn usd(amount: rust_decimal::Decimal) -> String {
    let text = format!("{:.2}", amount.round_dp(2));
    let (whole, cents) = text.split_once('.').expect("two places");
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("${grouped}.{cents}")
}

fn starting(on: Date) -> QuoteInput {
    let mut input = good_driver();
    input.quote.effective_date = on;
    input
}

/// A policy bound for `input` through `laptop`'s sync.
fn bound(laptop: &mut Laptop, input: QuoteInput) -> String {
    let id = laptop.rated(input);
    laptop.ws.request_bind(id, now()).expect("bind requested");
    let report = laptop.ws.sync(now()).expect("syncs");
    assert_eq!(laptop.status(id), QuoteStatus::Bound, "{report:?}");
    let number = report.push.policies_issued.first().cloned().expect("a policy is issued");
    assert!(report.pull.policies_fetched.contains(&number), "the new policy's detail is fetched: {report:?}");
    number
}

fn story(database_args: &[&str]) {
    let org = Org::create(database_args);
    let server = org.start();
    let dirs = tempfile::tempdir().expect("tempdir");
    let password = Secret::new(org.demo.password("agent"));
    let mut a1 = Laptop::open(&dirs.path().join("a1"));
    let mut a2 = Laptop::open(&dirs.path().join("a2"));
    let mut desk = Laptop::open(&dirs.path().join("desk"));
    a1.ws.enroll(&server.base_url, "agent", &password, "agent-laptop", now()).expect("a1 enrolls");
    a2.ws.enroll(&server.base_url, "agent", &password, "agent-tablet", now()).expect("a2 enrolls");
    desk.ws.enroll(&server.base_url, "underwriter", &Secret::new(org.demo.password("underwriter")), "desk", now()).expect("desk enrolls");
    let today = now().date();

    // A policy starting today, bound from the first laptop; the second opens it by number.
    let policy = bound(&mut a1, starting(today));
    let file = a1.ws.policy_file(&policy).expect("the policy");
    assert_eq!(file.timeline.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(), ["bind"]);
    assert_eq!(file.working.as_ref().map(|p| p.version), Some(1));
    a2.ws.refresh_policy(&policy, now()).expect("a2 fetches the policy");
    assert_eq!(a2.ws.policy_file(&policy).expect("on a2").working.map(|p| p.version), Some(1));
    let written = file.working.expect("working").written_premium;

    // Offline, both laptops change version 1; the first laptop stacks a cancellation on its endorsement.
    let exit = server.terminate();
    assert!(exit.status.success(), "{}", exit.stderr);
    let mut higher_limits = starting(today);
    for c in &mut higher_limits.quote.coverages {
        if c.code == "BI" || c.code == "UM" {
            c.limit = Some("250/500".into());
        }
    }
    let endorse =
        PolicyChangeRequest::Endorse { effective: today, description: "Raise BI and UM to 250/500".into(), input: Box::new(higher_limits) };
    let preview = a1.ws.preview_policy_change(&policy, &endorse, now()).expect("previews");
    assert_eq!(preview.base_version, 1);
    assert!(preview.applied.worksheet.amount > rust_decimal::Decimal::ZERO, "higher limits cost more: {:?}", preview.applied.worksheet);
    assert_eq!(a1.unsent(), 0, "a preview queues nothing");
    let endorsed = a1.ws.prepare_policy_change(&policy, &endorse, now()).expect("endorsed offline");
    assert_eq!((endorsed.base_version, endorsed.policy.version), (1, 2));
    let cancel = PolicyChangeRequest::Cancel { effective: today + Duration::days(10), reason: CancelReason::InsuredRequest };
    let cancelled = a1.ws.prepare_policy_change(&policy, &cancel, now()).expect("cancelled offline, on top");
    assert_eq!((cancelled.base_version, cancelled.policy.status), (2, PolicyStatus::Cancelled));
    assert!(cancelled.amount < rust_decimal::Decimal::ZERO, "a cancellation returns premium");
    let insurer = PolicyChangeRequest::Cancel { effective: today + Duration::days(60), reason: CancelReason::Nonpayment };
    let refused = a1.ws.prepare_policy_change(&policy, &insurer, now()).expect_err("an agent may not cancel for the insurer");
    assert_eq!(refused.code(), "auth.forbidden", "{refused}");
    let too_late = PolicyChangeRequest::Reinstate;
    let not_cancelled = a2.ws.prepare_policy_change(&policy, &too_late, now()).expect_err("a2's version is in force");
    assert_eq!(not_cancelled.code(), "policy.not_cancelled", "{not_cancelled}");
    let mut other = starting(today);
    other.quote.vehicles[0].annual_miles = 4000;
    let a2_endorse = PolicyChangeRequest::Endorse { effective: today, description: "Fewer miles".into(), input: Box::new(other) };
    a2.ws.prepare_policy_change(&policy, &a2_endorse, now()).expect("a2 endorses version 1 offline");
    assert_eq!((a1.unsent(), a2.unsent()), (2, 1));

    // The first laptop syncs first: both its changes are applied, in order.
    let server = org.start();
    let report = a1.ws.sync(now()).expect("a1 syncs");
    assert_eq!((report.push.accepted, report.push.conflict), (2, 0), "{report:?}");
    assert!(report.pull.policies_fetched.contains(&policy), "{report:?}");
    let file = a1.ws.policy_file(&policy).expect("the policy");
    assert_eq!(file.timeline.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(), ["bind", "endorse", "cancel"]);
    assert!(file.changes.iter().all(|c| c.outcome.as_deref() == Some("accepted")), "{:?}", file.changes);
    assert_eq!((file.stored.policy_version, file.stored.status.as_str()), (3, "cancelled"));
    // The server worked out the same money.
    assert_eq!(file.timeline[1].amount, endorsed.amount);
    assert_eq!(file.timeline[2].amount, cancelled.amount);
    let timeline = org.admin(&["policy", &policy]);
    assert!(timeline.contains("v2   endorse") && timeline.contains("v3   cancel"), "{timeline}");

    // The second laptop's change was prepared on version 1: a conflict, not an overwrite.
    let report = a2.ws.sync(now()).expect("a2 syncs");
    assert_eq!((report.push.accepted, report.push.conflict), (0, 1), "{report:?}");
    let issue = a2.ws.sync_issues().expect("issues").into_iter().find(|i| i.subject.as_deref() == Some(policy.as_str())).expect("an issue");
    assert_eq!((issue.outcome.as_str(), issue.current_version), ("conflict", Some(3)), "{issue:?}");
    let file = a2.ws.policy_file(&policy).expect("on a2");
    assert_eq!(file.changes.last().and_then(|c| c.outcome.as_deref()), Some("conflict"));
    assert_eq!(file.working.as_ref().map(|p| (p.version, p.status)), Some((3, PolicyStatus::Cancelled)), "a2 now holds the server's");
    assert_eq!(file.timeline.len(), 3, "and its timeline");
    assert_eq!(file.timeline[1].amount, endorsed.amount, "the server kept a1's endorsement");

    // The cancellation notice prints from the server's record.
    let notice = pdf_text(&a2.ws.notice_pdf(&policy, now()).expect("notice"));
    assert!(notice.contains(&policy) && notice.contains("Maria Delgado") && notice.contains("CX-IR"), "{notice}");
    let returned = usd(-cancelled.amount);
    assert!(notice.contains(&returned), "the refund {returned} is on the notice: {notice}");

    // a2 redoes its work on the current version: reinstate, then the endorsement.
    a2.ws.prepare_policy_change(&policy, &PolicyChangeRequest::Reinstate, now()).expect("reinstated");
    // An endorsement dated before the cancellation took effect would rewrite history: refused.
    let redone = a2.ws.prepare_policy_change(&policy, &a2_endorse, now()).expect_err("out of sequence");
    assert_eq!(redone.code(), "policy.out_of_sequence", "{redone}");
    let report = a2.ws.sync(now()).expect("a2 syncs the reinstatement");
    assert_eq!((report.push.accepted, report.push.conflict), (1, 0), "{report:?}");
    let file = a2.ws.policy_file(&policy).expect("reinstated");
    assert_eq!((file.stored.policy_version, file.stored.status.as_str()), (4, "issued"));
    assert_eq!(
        file.working.as_ref().map(|p| p.written_premium),
        Some(file.timeline[1].amount + written),
        "the reinstatement restores the premium"
    );

    // The amended declarations of an endorsement print from the policy.
    let mut fewer_miles = starting(today);
    for c in &mut fewer_miles.quote.coverages {
        if c.code == "BI" || c.code == "UM" {
            c.limit = Some("250/500".into());
        }
    }
    fewer_miles.quote.vehicles[0].annual_miles = 4000;
    let later = PolicyChangeRequest::Endorse {
        effective: today + Duration::days(10),
        description: "Fewer miles".into(),
        input: Box::new(fewer_miles),
    };
    a2.ws.prepare_policy_change(&policy, &later, now()).expect("endorsed");
    assert_eq!(a2.ws.sync(now()).expect("syncs").push.accepted, 1);
    let declarations = pdf_text(&a2.ws.declarations_pdf(&policy, now()).expect("declarations"));
    assert!(declarations.contains("Amended declarations, endorsement 5") && declarations.contains("Fewer miles"), "{declarations}");
    assert!(declarations.contains("$250,000 / $500,000"), "the coverages in force, in dollars: {declarations}");

    // The underwriter non-renews from the desk; the agent's laptop prints the notice after its sync.
    desk.ws.refresh_policy(&policy, now()).expect("the desk opens the policy");
    let non_renew = PolicyChangeRequest::NonRenew { reason: NonRenewalReason::DrivingRecord };
    desk.ws.prepare_policy_change(&policy, &non_renew, now()).expect("non-renewed");
    assert_eq!(desk.ws.sync(now()).expect("desk syncs").push.accepted, 1);
    let report = a1.ws.sync(now()).expect("a1 pulls");
    assert!(report.pull.policies_fetched.contains(&policy), "{report:?}");
    let notice = pdf_text(&a1.ws.notice_pdf(&policy, now()).expect("non-renewal notice"));
    assert!(notice.contains("NR-DR") && notice.contains(&policy), "{notice}");
    let renew = a1.ws.prepare_policy_change(&policy, &PolicyChangeRequest::OfferRenewal, now()).expect_err("non-renewed");
    assert!(renew.code().starts_with("policy."), "{renew}");

    // A policy near its end: the renewal is offered on the renewal pack in force, accepted and printed.
    // It started 152 days ago, which a bind may do only where the organisation allows it.
    org.admin(&["allow-backdating", "CA", "personal-auto", "--days", "160"]);
    let mut six_months = starting(today - Duration::days(152));
    six_months.quote.term_months = 6;
    let old = bound(&mut a1, six_months);
    let first_term = a1.ws.policy_file(&old).expect("bound").working.expect("version 1").term;
    let offer = a1.ws.prepare_policy_change(&old, &PolicyChangeRequest::OfferRenewal, now()).expect("renewal offered");
    let renewed = a1.ws.prepare_policy_change(&old, &PolicyChangeRequest::Renew, now()).expect("renewal accepted");
    assert_eq!((offer.policy.version, renewed.policy.version, renewed.policy.renewals), (2, 3, 1));
    let report = a1.ws.sync(now()).expect("syncs");
    assert_eq!((report.push.accepted, report.push.rejected), (2, 0), "{report:?}");
    let file = a1.ws.policy_file(&old).expect("renewed");
    assert_eq!(file.working.as_ref().map(|p| p.term.start), Some(first_term.end), "the next term follows on");
    let declarations = pdf_text(&a1.ws.declarations_pdf(&old, now()).expect("renewal declarations"));
    assert!(declarations.contains("Renewal"), "{declarations}");
    drop(server);
}

#[test]
fn offline_policy_changes_conflict_stack_and_print_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("server.sqlite3");
    story(&["--sqlite", path.to_str().expect("utf-8")]);
}

#[test]
fn offline_policy_changes_conflict_stack_and_print_on_postgres() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let db = rt.block_on(PostgresDatabase::create());
    story(&["--database-url", &db.url]);
    rt.block_on(db.drop_database());
}
