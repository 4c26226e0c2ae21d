//! The quoting services on a real SQLCipher store: quote numbers, versions,
//! the status machine, expiry, bind requests, search and PII handling.

mod common;

use common::{good_driver, referred};
use std::path::Path;

use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use uw_workstation::{DriverLicense, KeySource, QuoteFilter, QuoteStatus, StoreError, Workstation, WorkstationConfig, WorkstationError};

/// Rated in January for a February effective date.
const NOW: OffsetDateTime = datetime!(2026-01-20 15:30:00 UTC);

fn open(dir: &Path) -> Workstation {
    Workstation::open(&WorkstationConfig::new(dir.join("data"), KeySource::File(dir.join("store.key")))).expect("opens a new workstation")
}

fn outbox_kinds(ws: &Workstation) -> Vec<String> {
    ws.store().outbox().expect("outbox").into_iter().map(|e| e.kind).collect()
}

#[test]
fn a_quote_is_numbered_rated_versioned_and_queued() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let first = ws.create_quote(good_driver(), NOW).expect("creates");
    let second = ws.create_quote(referred(), NOW).expect("creates");
    assert_eq!(first.quote_number, "QUOT-2026-000001");
    assert_eq!(second.quote_number, "QUOT-2026-000002");
    assert_eq!((first.status, first.version, first.premium), (QuoteStatus::Draft, 1, None));
    assert_eq!(first.customer_name, "Maria Delgado");
    assert!(outbox_kinds(&ws).is_empty(), "drafts stay on the device");

    let rated = ws.rate_quote(first.id, NOW).expect("rates");
    assert_eq!(rated.summary.status, QuoteStatus::Rated);
    assert_eq!(rated.summary.premium, Some(rated.rating.total));
    assert_eq!(rated.summary.rated_on, Some(time::macros::date!(2026 - 01 - 20)));
    assert_eq!(rated.summary.expires_on, Some(time::macros::date!(2026 - 02 - 19)));
    assert!(rated.rating.pack_id.starts_with("ca-personal-auto/"), "{}", rated.rating.pack_id);
    assert!(matches!(ws.rate_quote(first.id, NOW), Err(WorkstationError::Store(StoreError::Status(_)))), "a rated version is not re-rated");

    // The rated version goes to the server, signed by this device.
    let outbox = ws.store().outbox().expect("outbox");
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].kind, "quote.rated");
    assert!(outbox[0].verify(&ws.device_public_key()));
    let payload: serde_json::Value = serde_json::from_str(&outbox[0].payload).expect("json");
    assert_eq!(payload["quote_number"], "QUOT-2026-000001");
    assert_eq!(payload["total"], rated.rating.total.to_string());
    assert_eq!(payload["input"]["licenses"][0]["number"], "D7654321", "the server needs the licence to bind");

    // Editing makes version 2, a draft again; version 1 keeps its rating.
    let mut changed = good_driver();
    changed.quote.vehicles[0].annual_miles = 4_000;
    let v2 = ws.update_quote(first.id, changed.clone(), NOW + Duration::hours(1)).expect("updates");
    assert_eq!((v2.status, v2.version, v2.premium, v2.expires_on), (QuoteStatus::Draft, 2, None, None));
    let detail = ws.quote(first.id).expect("detail");
    assert_eq!(detail.input, changed, "the current version reads back exactly as entered");
    assert_eq!(detail.versions.len(), 2);
    assert_eq!(detail.versions[0].rating.as_ref().map(|r| r.total), Some(rated.rating.total));
    assert!(detail.versions[1].rating.is_none());
    let rerated = ws.rate_quote(first.id, NOW + Duration::hours(2)).expect("rates version 2");
    assert!(rerated.rating.total < rated.rating.total, "fewer miles cost less: {} vs {}", rerated.rating.total, rated.rating.total);

    // Every stored rating re-rates to the same worksheet with its own pack.
    assert_eq!(ws.rerate_version(first.id, 1).expect("reproduces").total, rated.rating.total);
    assert_eq!(ws.rerate_version(first.id, 2).expect("reproduces").total, rerated.rating.total);

    let actions: Vec<String> = ws.store().audit_events("QUOT-2026-000001").expect("audit").into_iter().map(|e| e.action).collect();
    assert_eq!(actions, ["quote.created", "quote.rated", "quote.updated", "quote.rated"]);
}

#[test]
fn a_referral_binds_only_after_approval() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let id = ws.create_quote(referred(), NOW).expect("creates").id;
    let rated = ws.rate_quote(id, NOW).expect("rates");
    assert_eq!(rated.summary.status, QuoteStatus::Referred);
    assert_eq!(rated.rating.decision.action, uw_rating::Action::Refer);
    let err = ws.request_bind(id, NOW).expect_err("a referral cannot be bound");
    assert_eq!(err.code(), "quote.status");
    assert_eq!(err.to_string(), "a quote that is referred cannot be sent for binding");

    let approved = ws.record_referral_decision(id, true, NOW).expect("approves");
    assert_eq!(approved.status, QuoteStatus::Approved);
    let requested = ws.request_bind(id, NOW + Duration::days(1)).expect("binds");
    assert_eq!(requested.status, QuoteStatus::BindRequested);
    assert_eq!(outbox_kinds(&ws), ["quote.rated", "quote.bind_requested"]);
    let sequence: Vec<i64> = ws.store().outbox().expect("outbox").iter().map(|e| e.seq).collect();
    assert_eq!(sequence, [1, 2]);

    // Sent for binding, the quote is frozen.
    let err = ws.update_quote(id, referred(), NOW).expect_err("frozen");
    assert_eq!(err.code(), "quote.status");
}

#[test]
fn binding_requires_every_vin() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let mut input = good_driver();
    input.quote.vehicles[0].vin = None;
    let id = ws.create_quote(input, NOW).expect("creates").id;
    ws.rate_quote(id, NOW).expect("rates on model year alone");
    let err = ws.request_bind(id, NOW).expect_err("no VIN");
    assert_eq!(err.to_string(), "quote.vehicles[0].vin: is required to bind");
    assert_eq!(ws.quote(id).expect("detail").summary.status, QuoteStatus::Rated, "nothing changed");
}

/// B3: California includes uninsured motorist cover unless the insured
/// rejects it in writing (Ins. Code 11580.2(a)(1)). A quote without UM rates,
/// and binds only once the signed rejection is recorded; before, it bound.
#[test]
fn binding_requires_the_insureds_signed_rejection() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let mut input = good_driver();
    input.quote.coverages.retain(|c| c.code != "UM");
    let id = ws.create_quote(input.clone(), NOW).expect("creates").id;
    ws.rate_quote(id, NOW).expect("rates without the form");
    let err = ws.request_bind(id, NOW).expect_err("no signed rejection");
    assert_eq!(err.code(), "quote.unsigned");
    assert_eq!(
        err.to_string(),
        "QUOT-2026-000001 cannot be bound until the insured signs what the law requires: Uninsured motorist is included unless the insured rejects it in writing (Cal. Ins. Code 11580.2(a)(1)): add it, or record the insured's signed rejection"
    );
    assert_eq!(ws.quote(id).expect("detail").summary.status, QuoteStatus::Rated, "nothing changed");
    assert!(!outbox_kinds(&ws).contains(&"quote.bind_requested".to_owned()));
    input.quote.elections.push(uw_rating::Election {
        coverage: "UM".into(),
        decision: uw_rating::ElectionDecision::Rejected,
        form: "CA-UM-REJ 01-26".into(),
        signed_on: input.quote.effective_date,
        signed_by: input.quote.applicant.name.clone(),
    });
    ws.update_quote(id, input, NOW).expect("updates");
    ws.rate_quote(id, NOW).expect("rates");
    assert_eq!(ws.request_bind(id, NOW).expect("binds with the form").status, QuoteStatus::BindRequested);
}

#[test]
fn quotes_expire_thirty_days_after_rating() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let swept = ws.create_quote(good_driver(), NOW).expect("creates").id;
    let bound_late = ws.create_quote(good_driver(), NOW).expect("creates").id;
    let draft = ws.create_quote(good_driver(), NOW).expect("creates").id;
    ws.rate_quote(swept, NOW).expect("rates");
    ws.rate_quote(bound_late, NOW).expect("rates");

    assert_eq!(ws.expire_quotes(NOW + Duration::days(29)).expect("sweeps"), 0, "day 30 of 30 is still valid");
    assert_eq!(ws.list_quotes(&QuoteFilter { status: Some(QuoteStatus::Rated), ..QuoteFilter::default() }).expect("list").len(), 2);

    // Binding on day 31 finds it expired, marks it so, and queues nothing.
    let err = ws.request_bind(bound_late, NOW + Duration::days(30)).expect_err("expired");
    assert_eq!(err.code(), "quote.expired");
    assert_eq!(err.to_string(), "QUOT-2026-000002 expired on 2026-02-19; edit it to re-rate it on the pack in force");
    assert_eq!(ws.quote(bound_late).expect("detail").summary.status, QuoteStatus::Expired);
    assert_eq!(outbox_kinds(&ws), ["quote.rated", "quote.rated"]);

    assert_eq!(ws.expire_quotes(NOW + Duration::days(30)).expect("sweeps"), 1);
    assert_eq!(ws.quote(swept).expect("detail").summary.status, QuoteStatus::Expired);
    assert_eq!(ws.quote(draft).expect("detail").summary.status, QuoteStatus::Draft, "an unrated draft never expires");
    let last = ws.store().audit_events("QUOT-2026-000001").expect("audit").pop().expect("an event");
    assert_eq!(last.action, "quote.expired");
    assert_eq!(last.details["expires_on"], "2026-02-19");

    // An expired quote comes back by editing and re-rating.
    let revived = ws.update_quote(swept, good_driver(), NOW + Duration::days(31)).expect("edits");
    assert_eq!(revived.status, QuoteStatus::Draft);
    let rated = ws.rate_quote(swept, NOW + Duration::days(31)).expect("re-rates");
    assert_eq!(rated.summary.expires_on, Some(time::macros::date!(2026 - 03 - 22)));
}

#[test]
fn bad_input_names_every_field_and_saves_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let mut input = good_driver();
    input.contact.email = Some("maria at example".into());
    input.licenses = vec![Some(DriverLicense { number: "D7-65".into(), state: "California".into() }), None];
    input.quote.vehicles[0].garaging_zip = "9002".into();
    let err = ws.create_quote(input, NOW).expect_err("invalid");
    assert_eq!(err.code(), "input.invalid");
    let text = err.to_string();
    for path in [
        "quote.vehicles[0].garaging_zip",
        "contact.email",
        "licenses[0].number",
        "licenses[0].state",
        "licenses: has 2 entries for 1 drivers",
    ] {
        assert!(text.contains(path), "{path} missing from:\n{text}");
    }
    assert_eq!(ws.store().quote_count().expect("count"), 0);
}

#[test]
fn search_by_name_number_status_and_dates_with_pages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let names = ["Maria Delgado", "Mario Delgado-Ruiz", "Ann Smith", "Zoë Smithers", "Jordan Reyes"];
    let mut ids = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let mut input = good_driver();
        input.quote.applicant.name = (*name).into();
        input.quote.effective_date = time::macros::date!(2026 - 02 - 01) + Duration::days(i64::try_from(i).expect("small"));
        ids.push(ws.create_quote(input, NOW + Duration::days(i64::try_from(i).expect("small"))).expect("creates").id);
    }
    ws.rate_quote(ids[2], NOW + Duration::days(10)).expect("rates");

    let find = |ws: &Workstation, filter: QuoteFilter| -> Vec<String> {
        ws.list_quotes(&filter).expect("lists").into_iter().map(|s| s.customer_name).collect()
    };
    let text = |t: &str| QuoteFilter { text: Some(t.into()), ..QuoteFilter::default() };
    assert_eq!(find(&ws, text("smi")), ["Ann Smith", "Zoë Smithers"]);
    assert_eq!(find(&ws, text("zoe")), ["Zoë Smithers"], "diacritics are folded");
    assert_eq!(find(&ws, text("mar DEL")), ["Mario Delgado-Ruiz", "Maria Delgado"]);
    assert_eq!(find(&ws, text("ruiz")), ["Mario Delgado-Ruiz"]);
    assert_eq!(find(&ws, text("\"smi* OR x")), Vec::<String>::new(), "FTS syntax is not interpreted");
    assert_eq!(find(&ws, text("QUOT-2026-000005")), ["Jordan Reyes"]);
    assert_eq!(find(&ws, text("quot-2026-00000")).len(), 5);
    assert_eq!(find(&ws, QuoteFilter { status: Some(QuoteStatus::Rated), ..QuoteFilter::default() }), ["Ann Smith"]);
    let effective = QuoteFilter {
        effective_from: Some(time::macros::date!(2026 - 02 - 02)),
        effective_to: Some(time::macros::date!(2026 - 02 - 03)),
        ..QuoteFilter::default()
    };
    assert_eq!(find(&ws, effective), ["Ann Smith", "Mario Delgado-Ruiz"]);
    let created = QuoteFilter { created_to: Some(time::macros::date!(2026 - 01 - 21)), ..QuoteFilter::default() };
    assert_eq!(find(&ws, created), ["Mario Delgado-Ruiz", "Maria Delgado"]);
    assert_eq!(ws.list_quotes(&QuoteFilter { limit: 0, ..QuoteFilter::default() }).expect_err("limit").code(), "input.invalid");
    assert_eq!(ws.list_quotes(&text("QUOT-2026-*")).expect_err("glob").code(), "input.invalid");

    // Pages of two cover every quote once, newest change first.
    let mut seen = Vec::new();
    let mut filter = QuoteFilter { limit: 2, ..QuoteFilter::default() };
    loop {
        let page = ws.list_quotes(&filter).expect("page");
        let Some(last) = page.last() else { break };
        filter.after = Some(last.cursor());
        seen.extend(page.into_iter().map(|s| s.customer_name));
    }
    assert_eq!(seen, ["Ann Smith", "Jordan Reyes", "Zoë Smithers", "Mario Delgado-Ruiz", "Maria Delgado"]);
}

#[test]
fn the_proposal_shows_the_stored_premium_with_pii_masked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let id = ws.create_quote(good_driver(), NOW).expect("creates").id;
    assert_eq!(ws.proposal_pdf(id, NOW).expect_err("a draft has no proposal").code(), "quote.status");
    let rated = ws.rate_quote(id, NOW).expect("rates");
    let pdf = ws.proposal_pdf(id, NOW).expect("renders");
    assert!(pdf.starts_with(b"%PDF-"));
    let text = pdf_text(dir.path(), &pdf);
    let total = uw_documents::format_money(rated.rating.total).expect("money");
    for expected in ["QUOT-2026-000001", "Maria Delgado", "CA ••••4321", "VIN ••••1313", total.as_str(), "Valid", "February 18, 2026"]
    {
        assert!(text.contains(expected), "`{expected}` missing from the proposal:\n{text}");
    }
    assert!(!text.contains("D7654321") && !text.contains("1HGCV1F39LA151313"), "licence and VIN must be masked:\n{text}");
    // Limits read as money, and an unsynced workstation says it does not know the insurer yet.
    assert!(text.contains("$100,000 / $300,000") || text.contains("$30,000 / $60,000"), "split limits in dollars:\n{text}");
    assert!(!text.contains("100/300") && !text.contains("30/60"), "no raw split limits:\n{text}");
    assert!(text.contains("print here once this workstation has synced"), "{text}");
    let last = ws.store().audit_events("QUOT-2026-000001").expect("audit").pop().expect("event");
    assert_eq!(last.action, "quote.proposal_printed");
}

fn pdf_text(dir: &Path, pdf: &[u8]) -> String {
    let path = dir.join("document.pdf");
    std::fs::write(&path, pdf).expect("write");
    let out =
        std::process::Command::new("pdftotext").args(["-layout", path.to_str().expect("utf-8"), "-"]).output().expect("pdftotext runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_florida_home_proposal_shows_the_hurricane_deductible_in_dollars_and_coverages_a_to_d() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let quote = common::from_tomorrow(common::example("fl-homeowners-ho3/01-standard-orlando.json"));
    let input = uw_workstation::QuoteInput { quote, contact: uw_workstation::Contact::default(), licenses: vec![] };
    let coverage_a = input.quote.dwelling.as_ref().expect("a dwelling").coverage_a;
    let id = ws.create_quote(input, NOW).expect("creates").id;
    let rated = ws.rate_quote(id, NOW).expect("rates");
    let basis = rated
        .rating
        .coverages
        .iter()
        .find(|c| &*c.coverage == "HURRICANE")
        .and_then(|c| c.deductible.clone())
        .expect("a hurricane deductible");
    let text = pdf_text(dir.path(), &ws.proposal_pdf(id, NOW).expect("renders"));
    let percent: rust_decimal::Decimal = basis.trim_end_matches('%').parse().expect("a percentage");
    let dollars = uw_documents::format_money((coverage_a * percent / rust_decimal::Decimal::ONE_HUNDRED).round_dp(2)).expect("money");
    assert!(
        text.contains("Hurricane deductible") && text.contains(&format!("{dollars} ({basis} of Coverage A)")),
        "{dollars} {basis}:\n{text}"
    );
    // Coverages B to D, at the pack's 10%, 50% and 20% of Coverage A ($380,000).
    assert_eq!(coverage_a, rust_decimal::Decimal::new(380_000, 0), "the example's Coverage A");
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for line in [
        "Coverage A · Dwelling $380,000",
        "Coverage B · Other structures $38,000",
        "Coverage C · Personal property $190,000",
        "Coverage D · Loss of use $76,000",
    ] {
        assert!(flat.contains(line), "{line:?} is missing:\n{text}");
    }
}
