//! Rate management across real desktops (`uw-workstation` on SQLCipher
//! stores) and the real `uw-sync-server`: an underwriter edits the
//! California auto BI base rate, runs impact on a book and submits; the
//! author cannot approve it; a second underwriter approves after sync,
//! signing with the approval key an administrator registered to them; an
//! agent's next sync installs the pack and prices a new quote with it. A
//! pack with one cell changed after signing is refused by an agent's desktop.

#[path = "../../crates/workstation/tests/common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;

use common::good_driver;
use rust_decimal::Decimal;
use uw_rating::pack::edit::DraftEdits;
use uw_system_tests::system::{now, Laptop, Org};
use uw_workstation::rates::BookSource;
use uw_workstation::Secret;

#[test]
fn a_rate_change_is_edited_approved_by_another_underwriter_and_prices_the_next_quote() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("server.sqlite3");
    let org = Org::create(&["--sqlite", db.to_str().expect("utf-8")]);
    let uw2_password = Secret::new(org.add_user("uw2", "underwriter"));
    let server = org.start();
    let enroll = |name: &str, user: &str, password: &Secret| {
        let mut laptop = Laptop::open(&dir.path().join(name));
        laptop.ws.enroll(&server.base_url, user, password, name, now()).expect("enrolls");
        laptop.ws.sync(now()).expect("first sync");
        laptop
    };
    let mut desk1 = enroll("desk1", "underwriter", &Secret::new(org.demo.password("underwriter")));
    let mut desk2 = enroll("desk2", "uw2", &uw2_password);
    let today = now().date();

    // The book on the author's desk: two California quotes.
    let mut second = good_driver();
    second.quote.vehicles[0].annual_miles = 22_000;
    let mut ids = Vec::new();
    for input in [good_driver(), second] {
        let mut input = input;
        input.quote.effective_date = today;
        ids.push(desk1.rated(input));
    }
    // One of them is bound: the server's book.
    desk1.ws.request_bind(ids[0], now()).expect("bind requested");
    desk1.ws.sync(now()).expect("the bind syncs");
    let base_id = desk1.ws.packs().select("CA", uw_rating::Product::PersonalAuto, today, false).expect("CA auto in force").id().to_owned();

    // The editor: the base rate is a field; a bad value points at it.
    let editor = desk1.ws.open_pack_for_editing(&base_id).expect("opens");
    let bi = editor.fields.iter().find(|f| f.key == "coverages.BI.steps.0.value").expect("BI base rate");
    assert_eq!(bi.value, "462.00");
    assert!(editor.tables.iter().any(|t| t.name == "territory" && t.rows.len() > 2000));
    let mut edits = DraftEdits::default();
    edits.fields.insert("coverages.BI.steps.0.value".into(), "4x0.00".into());
    let check = desk1.ws.check_rate_draft(&base_id, &edits).expect("checks");
    let problem = check.problem.expect("a bad rate does not load");
    assert_eq!((problem.file.as_deref(), problem.key.as_deref()), (Some("manifest.toml"), Some("coverages.BI.steps.0.value")));
    let day = today.to_string();
    edits.fields = BTreeMap::from([
        ("coverages.BI.steps.0.value".to_owned(), "480.00".to_owned()),
        ("version".to_owned(), "2026.2".to_owned()),
        ("effective.new_business".to_owned(), day.clone()),
        ("effective.renewal".to_owned(), day),
    ]);
    let check = desk1.ws.check_rate_draft(&base_id, &edits).expect("checks");
    assert!(check.problem.is_none(), "{:?}", check.problem);
    assert_eq!(check.diff.fields.iter().find(|f| f.key.contains("BI")).and_then(|f| f.after.as_deref()), Some("480.00"));
    let same_version =
        DraftEdits { fields: BTreeMap::from([("coverages.BI.steps.0.value".to_owned(), "480.00".to_owned())]), ..DraftEdits::default() };
    let refused = desk1.ws.save_rate_draft(None, &base_id, &same_version, "", now()).expect_err("needs a new version");
    assert_eq!(refused.code(), "input.invalid", "{refused}");
    // A revision keeping the base's effective dates would leave two packs in
    // force the same day (every California auto quote would stop): refused
    // at submission on the desktop, saying what to do.
    let mut same_day = edits.clone();
    same_day.fields.retain(|key, _| !key.starts_with("effective."));
    let clash = desk1.ws.save_rate_draft(None, &base_id, &same_day, "same day", now()).expect("saved");
    let refused = desk1.ws.submit_rate_draft(&clash.draft_id, None, now()).expect_err("same day");
    assert_eq!(refused.code(), "pack.same_day", "{refused}");
    assert!(refused.to_string().contains("later new business date"), "{refused}");
    let draft = desk1.ws.save_rate_draft(None, &base_id, &edits, "BI base rate +3.9% (CA-PA-2026-07)", now()).expect("saved");
    assert!(draft.pack_id.starts_with("ca-personal-auto/2026.2@"));

    // Impact on the local book equals rating each quote with both packs.
    let cancel = AtomicBool::new(false);
    let report = desk1.ws.rate_draft_impact(&draft.draft_id, BookSource::Local, &cancel, &|_, _| {}).expect("impact");
    let (base, new) = desk1.ws.rate_draft_packs(&draft.draft_id).expect("packs");
    let book = desk1.ws.local_book(&base).expect("book");
    assert_eq!((report.rated, book.len()), (2, 2));
    let direct = |pack: &uw_rating::RatePack| book.iter().map(|p| uw_rating::rate(pack, &p.quote).expect("rates").total).sum::<Decimal>();
    assert_eq!((report.total.base_premium, report.total.draft_premium), (direct(&base), direct(&new)));
    assert!(report.total.change > Decimal::ZERO);
    // As the desktop does: the run's summary is kept on the draft, and submitting sends it.
    assert!(desk1.ws.record_rate_draft_impact(&draft.draft_id, &report).expect("recorded"));
    // A new note keeps it; other rates make it stale, so it goes.
    let renoted = desk1.ws.save_rate_draft(Some(&draft.draft_id), &base_id, &edits, "BI base rate +3.9% (CA-PA-2026-07)", now());
    assert!(renoted.expect("saved").impact.is_some(), "the same files keep their impact run");
    let mut other = edits.clone();
    other.fields.insert("coverages.BI.steps.0.value".into(), "490.00".into());
    let changed = desk1.ws.save_rate_draft(Some(&draft.draft_id), &base_id, &other, "", now()).expect("saved");
    assert_eq!(changed.impact, None, "an impact run of other rates is not sent with the draft");
    desk1.ws.save_rate_draft(Some(&draft.draft_id), &base_id, &edits, "BI base rate +3.9% (CA-PA-2026-07)", now()).expect("saved");
    assert!(desk1.ws.record_rate_draft_impact(&draft.draft_id, &report).expect("recorded"));
    let submitted = desk1.ws.submit_rate_draft(&draft.draft_id, None, now()).expect("submitted");
    assert_eq!(submitted.impact, Some(uw_workstation::rates::impact_summary(&report)));
    assert!(!desk1.ws.record_rate_draft_impact(&draft.draft_id, &report).expect("no longer editing"), "a submitted draft is frozen");
    // A draft still being edited can be thrown away; a submitted one is the approvers' to decide.
    assert!(desk1.ws.discard_rate_draft(&clash.draft_id).expect("discarded"));
    assert!(!desk1.ws.discard_rate_draft(&clash.draft_id).expect("already gone"));
    let kept = desk1.ws.discard_rate_draft(&draft.draft_id).expect_err("submitted");
    assert_eq!(kept.code(), "input.invalid", "{kept}");
    let left: Vec<String> = desk1.ws.rate_drafts().expect("drafts").into_iter().map(|d| d.draft_id).collect();
    assert_eq!(left, vec![draft.draft_id.clone()]);

    // The server's book: the bound policy, without names; and the same as a canonical book file.
    let on_server = desk1.ws.rate_draft_impact(&draft.draft_id, BookSource::Server, &cancel, &|_, _| {}).expect("server book");
    assert_eq!((on_server.policies, on_server.rated), (1, 1));
    let server_book = desk1.ws.server_book(&base).expect("server book");
    assert_eq!(server_book[0].quote.quote().applicant.name, "(withheld)");
    assert_eq!(uw_rating::rate(&new, &server_book[0].quote).expect("rates").total, on_server.total.draft_premium);
    let canonical: Vec<uw_policy::CanonicalPolicy> = server_book
        .iter()
        .map(|p| uw_policy::CanonicalPolicy {
            model_version: uw_policy::MODEL_VERSION,
            policy_number: p.id.clone(),
            status: uw_policy::CanonicalStatus::InForce,
            term_start: today,
            // The rating's own term: a book whose term and rating disagree is refused.
            term_end: uw_policy::Term::of_months(today, p.quote.quote().term_months).expect("a term").end,
            written_premium: None,
            source_line: None,
            rating: p.quote.quote().clone(),
        })
        .collect();
    // A cancelled policy in the file is left out, and counted (G5).
    let mut canonical = canonical;
    let mut cancelled = canonical[0].clone();
    cancelled.policy_number.push_str("-CX");
    cancelled.status = uw_policy::CanonicalStatus::Cancelled;
    canonical.push(cancelled);
    let book_path = dir.path().join("book.jsonl");
    let mut out = Vec::new();
    uw_policy::write_book(&canonical, &mut out).expect("book written");
    std::fs::write(&book_path, out).expect("book file");
    let from_file = desk1.ws.rate_draft_impact(&draft.draft_id, BookSource::File(book_path.clone()), &cancel, &|_, _| {}).expect("file");
    assert_eq!(from_file.total, on_server.total);
    assert_eq!((from_file.policies, from_file.not_in_force), (on_server.policies, 1));
    assert_eq!(uw_workstation::rates::ImpactSummary::from(&from_file).not_in_force, 1);
    std::fs::write(&book_path, "{\"model_version\": 1}\nnot json\n").expect("bad book");
    let bad = desk1.ws.rate_draft_impact(&draft.draft_id, BookSource::File(book_path), &cancel, &|_, _| {}).expect_err("bad book");
    assert_eq!(bad.code(), "impact.book_invalid", "{bad}");
    assert!(bad.to_string().contains("book.jsonl") && bad.to_string().contains("line 1"), "{bad}");

    // The author cannot approve their own draft, before or after sync.
    desk1.ws.create_approval_key("uw1-approval", now()).expect("a key");
    let own = desk1.ws.decide_pack_draft(&draft.draft_id, true, "mine", now()).expect_err("four eyes");
    assert_eq!(own.code(), "pack.four_eyes", "{own}");
    desk1.ws.sync(now()).expect("desk1 sends the draft");
    assert!(desk1.ws.rate_drafts().expect("drafts")[0].sent_at.is_some(), "the draft was delivered");
    assert_eq!(desk1.ws.decide_pack_draft(&draft.draft_id, true, "mine", now()).expect_err("still four eyes").code(), "pack.four_eyes");

    // The second underwriter makes an approval key; the desktop asks the
    // server to register it. Until an administrator approves it, an approval
    // with it is refused on the desktop, before it queues.
    let key = desk2.ws.create_approval_key("uw2-approval", now()).expect("a key");
    assert!(!key.registered, "{key:?}");
    desk2.ws.sync(now()).expect("desk2 syncs");
    let waiting_review = desk2.ws.pack_reviews().expect("queue")[0].0.draft_id.clone();
    let early = desk2.ws.decide_pack_draft(&waiting_review, true, "too early", now()).expect_err("not registered");
    assert_eq!(early.code(), "pack.approval_key_unregistered", "{early}");
    assert!(early.to_string().contains("Admin screen"), "{early}");
    // The administrator approves the request on the Admin screen; no hex by hand.
    let mut console = Laptop::open(&dir.path().join("admin-console"));
    console.ws.sign_in(&server.base_url, "admin", &Secret::new(org.demo.password("admin")), None).expect("the administrator signs in");
    let waiting = console.ws.admin_pack_key_requests().expect("requests");
    let asked: Vec<(&str, &str)> = waiting.iter().map(|r| (r.key_id.as_str(), r.username.as_str())).collect();
    assert_eq!(asked, [("uw1-approval", "underwriter"), ("uw2-approval", "uw2")]);
    assert_eq!(waiting[1].public_key, key.public_key);
    console.ws.admin_decide_pack_key_request("uw2-approval", true).expect("approved");
    desk2.ws.sync(now()).expect("desk2 syncs");
    assert!(desk2.ws.approval_key().expect("key").expect("made").registered, "the server's key_trusted reached the desk");

    // A decision the server refuses (here one altered after signing) comes
    // back to its underwriter with the reason; the rest of the sync goes on.
    desk2.ws.decide_pack_draft(&waiting_review, true, "first try", now()).expect("queued");
    assert_eq!(desk2.tamper("UPDATE pack_review SET decision = json_set(decision, '$.signature', 'not a signature')", []), 1);
    desk2.rated(good_driver());
    let report = desk2.ws.sync(now()).expect("the sync goes on");
    assert_eq!(report.push.accepted, 1, "the quote was delivered: {report:?}");
    let refusal = desk2.ws.pack_review_refusal(&waiting_review).expect("refusal").expect("kept");
    assert!(refusal.contains("signature"), "{refusal}");
    let reviews = desk2.ws.pack_reviews().expect("queue");
    assert!(reviews[0].1.is_none(), "the decision is the underwriter's to make again");
    let reviews = desk2.ws.pack_reviews().expect("queue");
    assert_eq!(reviews.len(), 1);
    let (review, _) = &reviews[0];
    assert_eq!((review.author.as_str(), review.note.as_str()), ("underwriter", "BI base rate +3.9% (CA-PA-2026-07)"));
    assert!(review.impact.as_ref().is_some_and(|i| i["rated"] == 2), "the author's impact travels with the draft");
    let seen =
        desk2.ws.rate_draft_impact(&review.draft_id, BookSource::Local, &cancel, &|_, _| {}).expect("the approver can run impact too");
    assert_eq!(seen.draft_pack, draft.pack_id);
    desk2.ws.decide_pack_draft(&review.draft_id, true, "impact reviewed; within the filing", now()).expect("approved");
    desk2.ws.sync(now()).expect("desk2 delivers the approval");
    assert!(desk2.ws.pack_reviews().expect("queue").is_empty());
    desk1.ws.sync(now()).expect("desk1 learns");
    let mine = &desk1.ws.rate_drafts().expect("drafts")[0];
    assert_eq!((mine.status.as_str(), mine.decided_by.as_deref()), ("approved", Some("uw2")));

    // One cell changed after signing, in the server's feed: an agent's
    // desktop refuses the pack, and says why.
    let tampered = {
        let conn = rusqlite::Connection::open(&db).expect("server db");
        conn.busy_timeout(std::time::Duration::from_secs(5)).expect("timeout");
        conn.execute(
            "UPDATE change_feed SET body = replace(body, 'value = \\\"480.00\\\"', 'value = \\\"481.00\\\"') WHERE kind = 'pack_published' AND body LIKE '%2026.2@%'",
            [],
        )
        .expect("tampers")
    };
    assert_eq!(tampered, 1, "the published pack is in the feed");
    let agent_password = Secret::new(org.demo.password("agent"));
    let victim = enroll("victim", "agent", &agent_password);
    assert!(victim.ws.packs().packs().iter().all(|p| p.id() != draft.pack_id), "the tampered pack never prices anything");
    let issues = victim.ws.sync_issues().expect("issues");
    let issue = issues
        .iter()
        .find(|i| i.reason.contains("2026.2") || i.subject.as_deref().is_some_and(|s| s.contains("2026.2")))
        .unwrap_or_else(|| panic!("no issue about the pack: {issues:?}"));
    assert!(issue.reason.contains("changed after signing"), "{}", issue.reason);
    assert_eq!(issue.code.as_deref(), Some("pack.unverified"));
    let conn = rusqlite::Connection::open(&db).expect("server db");
    conn.execute(
        "UPDATE change_feed SET body = replace(body, 'value = \\\"481.00\\\"', 'value = \\\"480.00\\\"') WHERE kind = 'pack_published' AND body LIKE '%2026.2@%'",
        [],
    )
    .expect("restores");

    // An agent's next sync installs the approved pack; a new quote is priced with it.
    let mut agent = enroll("agent", "agent", &agent_password);
    let mut input = good_driver();
    input.quote.effective_date = today;
    let id = agent.ws.create_quote(input, now()).expect("creates").id;
    let rating = agent.ws.rate_quote(id, now()).expect("rates").rating;
    assert_eq!(rating.pack_id, draft.pack_id);
    assert_eq!(rating.pack_digest, draft.digest);
    let bi_base = rating.coverages.iter().find(|c| &*c.coverage == "BI").and_then(|c| c.worksheet.get(0)).map(|l| l.value);
    assert_eq!(bi_base, Some(Decimal::new(48000, 2)));
    let exit = server.terminate();
    assert!(exit.status.success(), "{}", exit.stderr);
}
