//! The quote wizard's services on a real SQLCipher store: drafts that
//! survive reopening, save-and-rate as one transaction, live pricing, the
//! pack's options with the state's recommendations, and the dashboard.

mod common;

use std::path::Path;

use common::good_driver;
use serde_json::json;
use time::macros::{date, datetime};
use time::OffsetDateTime;
use uw_workstation::rating::Product;
use uw_workstation::{KeySource, QuoteDraft, QuoteStatus, StoreError, Workstation, WorkstationConfig, WorkstationError};

const NOW: OffsetDateTime = datetime!(2026-01-20 15:30:00 UTC);

fn open(dir: &Path) -> Workstation {
    Workstation::open(&WorkstationConfig::new(dir.join("data"), KeySource::File(dir.join("store.key")))).expect("opens a workstation")
}

fn draft(step: u8, form: serde_json::Value) -> QuoteDraft {
    QuoteDraft { quote_id: None, product: Product::PersonalAuto, step, label: "Ann Smith".into(), form }
}

#[test]
fn a_half_finished_draft_survives_closing_the_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let form = json!({ "name": "Ann Smith", "zip": "9411", "vehicles": [{ "vin": "1HGCV1F3" }] });
    let id = {
        let mut ws = open(dir.path());
        let first = ws.save_draft(None, &draft(1, json!({ "name": "Ann" })), NOW).expect("saves a new draft");
        let again = ws.save_draft(Some(first.id), &draft(2, form.clone()), NOW + time::Duration::minutes(1)).expect("saves over it");
        assert_eq!(again.id, first.id, "saving again updates the same draft");
        assert_eq!((again.step, again.created_at.as_str()), (2, first.created_at.as_str()));
        first.id
    };
    let ws = open(dir.path());
    let (summary, saved) = ws.draft(id).expect("the draft is still there");
    assert_eq!(saved.form, form, "the form reads back exactly as it was left, invalid ZIP included");
    assert_eq!((summary.step, summary.label.as_str(), summary.quote_id), (2, "Ann Smith", None));
    assert_eq!(ws.drafts().expect("drafts").iter().map(|d| d.id).collect::<Vec<_>>(), [id]);
}

#[test]
fn a_malformed_draft_is_refused_and_the_saved_one_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let id = ws.save_draft(None, &draft(3, json!({ "name": "Ann" })), NOW).expect("saves").id;
    let refuse = |ws: &mut Workstation, d: QuoteDraft, id: Option<i64>| {
        let e = ws.save_draft(id, &d, NOW).expect_err("refused");
        assert_eq!(e.code(), "input.invalid", "{e}");
        e.to_string()
    };
    assert!(refuse(&mut ws, draft(6, json!({})), Some(id)).contains("step"));
    assert!(refuse(&mut ws, draft(2, json!(["not", "an", "object"])), Some(id)).contains("form"));
    let big = json!({ "notes": "x".repeat(uw_workstation::MAX_DRAFT_BYTES) });
    assert!(refuse(&mut ws, draft(2, big), Some(id)).contains("at most"));
    let mut other_product = draft(2, json!({}));
    other_product.quote_id = Some(999);
    assert!(matches!(ws.save_draft(None, &other_product, NOW), Err(WorkstationError::Store(StoreError::QuoteNotFound { id: 999 }))));
    assert_eq!(ws.draft(id).expect("kept").1.form, json!({ "name": "Ann" }), "a refused save changes nothing");
    assert_eq!(ws.save_draft(Some(12345), &draft(1, json!({})), NOW).expect_err("no such draft").code(), "draft.not_found");
    assert!(ws.discard_draft(id).expect("discards"));
    assert!(!ws.discard_draft(id).expect("already gone"));
}

#[test]
fn saving_the_wizard_rates_the_quote_and_deletes_its_draft_in_one_transaction() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let input = good_driver();
    let priced = ws.price(input.clone()).expect("prices without saving");
    assert_eq!(ws.list_quotes(&Default::default()).expect("list").len(), 0, "pricing saves nothing");

    let draft_id = ws.save_draft(None, &draft(5, json!({ "name": "Maria Delgado" })), NOW).expect("draft").id;
    let saved = ws.save_quote(Some(draft_id), None, input.clone(), NOW).expect("saves and rates");
    assert_eq!(saved.summary.status, QuoteStatus::Rated);
    assert_eq!(saved.rating.total, priced.total, "the saved premium is the one the wizard showed");
    assert!(ws.drafts().expect("drafts").is_empty(), "the draft became the quote");

    // Editing it: a draft tied to the quote, then the next version.
    let mut edited = input.clone();
    edited.quote.vehicles[0].annual_miles = 4_000;
    let mut d = draft(3, json!({}));
    d.quote_id = Some(saved.summary.id);
    let edit_id = ws.save_draft(None, &d, NOW).expect("edit draft").id;
    assert_eq!(ws.save_draft(None, &d, NOW).expect_err("one open draft per quote").code(), "input.invalid");
    let v2 = ws.save_quote(Some(edit_id), Some(saved.summary.id), edited, NOW).expect("saves version 2");
    assert_eq!((v2.summary.version, v2.summary.quote_number.as_str()), (2, saved.summary.quote_number.as_str()));

    // A quote no pack can rate is not saved, and its draft is kept.
    let keep = ws.save_draft(None, &draft(5, json!({ "name": "Bo" })), NOW).expect("draft").id;
    let mut unrateable = input;
    unrateable.quote.effective_date = date!(2019 - 01 - 01);
    for driver in &mut unrateable.quote.drivers {
        driver.violations.clear();
        driver.accidents.clear();
    }
    let e = ws.save_quote(Some(keep), None, unrateable, NOW).expect_err("no pack in force in 2019");
    assert_eq!(e.code(), "rating.no_pack", "{e}");
    assert_eq!(ws.list_quotes(&Default::default()).expect("list").len(), 1, "nothing of the failed save remains");
    assert!(ws.draft(keep).is_ok(), "the draft survives a failed save");
}

#[test]
fn the_pack_offers_state_required_coverages_and_recommendations() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = open(dir.path());
    let ca = ws.quote_options("CA", Product::PersonalAuto, date!(2026 - 02 - 01), false).expect("CA auto");
    assert!(ca.pack_id.starts_with("ca-personal-auto/"), "{}", ca.pack_id);
    let bi = ca.coverages.iter().find(|c| c.code == "BI").expect("BI");
    assert!(bi.required && bi.per_vehicle && bi.limits.contains(&"100/300".to_owned()));
    let um = ca.coverages.iter().find(|c| c.code == "UM").expect("UM");
    let rec = um.recommendation.as_ref().expect("UM is recommended");
    assert_eq!((rec.select, rec.same_limit_as.as_deref()), (true, Some("BI")));
    assert!(ca.installment_plans.iter().any(|p| p.code == "pay-in-full" && p.installments == 1));

    let fl = ws.quote_options("FL", Product::HomeownersHo3, date!(2026 - 02 - 01), false).expect("FL homeowners");
    let hurricane = fl.coverages.iter().find(|c| c.code == "HURRICANE").expect("FL rates hurricane");
    assert!(hurricane.required);
    assert_eq!(hurricane.recommendation.as_ref().and_then(|r| r.deductible.as_deref()), Some("2%"));
    let ca_home = ws.quote_options("CA", Product::HomeownersHo3, date!(2026 - 02 - 01), false).expect("CA homeowners");
    assert!(ca_home.coverages.iter().all(|c| c.recommendation.is_none()), "no hurricane deductible outside Florida");

    let e = ws.quote_options("WA", Product::PersonalAuto, date!(2026 - 02 - 01), false).expect_err("no WA pack");
    assert_eq!(e.code(), "rating.no_pack");
}

#[test]
fn vin_and_zip_lookups_fill_the_form_or_name_the_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ws = open(dir.path());
    let vin = ws.decode_vin(" 1HGCV1F39LA151313 ").expect("decodes");
    assert_eq!((vin.manufacturer.as_deref(), vin.model_years.first()), (Some("Honda"), Some(&2020)));
    let e = ws.decode_vin("1HGCV1F39LA151314").expect_err("bad check digit");
    assert!(matches!(&e, WorkstationError::InvalidInput { field, .. } if field == "vin"), "{e}");
    let zip = ws.lookup_zip("94110").expect("looks up");
    assert_eq!(zip.state, "CA");
    let e = ws.lookup_zip("9411").expect_err("malformed");
    assert!(matches!(&e, WorkstationError::InvalidInput { field, .. } if field == "zip"), "{e}");
}

#[test]
fn the_dashboard_shows_drafts_quotes_packs_and_what_waits_to_sync() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let empty = ws.dashboard(NOW).expect("dashboard");
    assert!(empty.recent_quotes.is_empty() && empty.drafts.is_empty() && empty.policies.is_empty());
    assert_eq!((empty.outbox_pending, empty.last_delivery_at.as_deref()), (0, None));
    assert!(empty.packs.iter().any(|p| p.state == "CA" && p.product == Product::PersonalAuto && p.in_force), "{:?}", empty.packs);

    ws.save_draft(None, &draft(2, json!({})), NOW).expect("draft");
    let saved = ws.save_quote(None, None, good_driver(), NOW).expect("saved");
    let board = ws.dashboard(NOW).expect("dashboard");
    assert_eq!(board.drafts.len(), 1);
    assert_eq!(board.recent_quotes.iter().map(|q| q.id).collect::<Vec<_>>(), [saved.summary.id]);
    assert_eq!(board.outbox_pending, 1, "the rated quote waits for the server");

    // Thirty days on, the quote shows as expired, not as open.
    let later = ws.dashboard(NOW + time::Duration::days(31)).expect("dashboard");
    assert_eq!(later.recent_quotes[0].status, QuoteStatus::Expired);
}
