//! The agent's dashboard figures on a real SQLCipher store.

mod common;

use common::{good_driver, referred};
use std::path::Path;

use rust_decimal::Decimal;
use time::macros::{date, datetime};
use time::{Duration, OffsetDateTime};
use uw_workstation::{KeySource, QuoteDraft, Workstation, WorkstationConfig};

/// A Wednesday.
const NOW: OffsetDateTime = datetime!(2026-01-21 15:30:00 UTC);

fn open(dir: &Path) -> Workstation {
    Workstation::open(&WorkstationConfig::new(dir.join("data"), KeySource::File(dir.join("store.key")))).expect("opens a new workstation")
}

#[test]
fn the_book_counts_work_in_progress_referrals_and_averages_premiums_exactly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let empty = ws.dashboard(NOW).expect("dashboard").book;
    assert_eq!((empty.in_progress, empty.referrals_waiting, empty.bound_this_month), (0, 0, 0));
    assert_eq!((empty.conversion_percent, empty.average_premium), (None, None), "nothing rated: no rates to show");
    assert_eq!(empty.weeks.len(), 8);
    assert_eq!(empty.weeks.last().map(|w| w.starts), Some(date!(2026 - 01 - 19)), "this week, from Monday");

    // Last week: one clean quote rated. This week: a referred one rated, one left a draft.
    let clean = ws.create_quote(good_driver(), NOW - Duration::days(7)).expect("clean");
    let clean = ws.rate_quote(clean.id, NOW - Duration::days(7)).expect("rates");
    let refer = ws.create_quote(referred(), NOW).expect("referred");
    let refer = ws.rate_quote(refer.id, NOW).expect("rates");
    ws.create_quote(good_driver(), NOW).expect("a draft quote");
    let unfinished = QuoteDraft {
        quote_id: None,
        product: uw_workstation::rating::Product::PersonalAuto,
        step: 1,
        label: "Ann Smith".into(),
        form: serde_json::json!({ "name": "Ann Smith" }),
    };
    ws.save_draft(None, &unfinished, NOW).expect("an unfinished wizard");

    let book = ws.dashboard(NOW).expect("dashboard").book;
    assert_eq!(book.in_progress, 4, "two rated, one draft quote and one unfinished wizard: {book:?}");
    assert_eq!(book.referrals_waiting, 1);
    assert_eq!(book.bound_this_month, 0);
    assert_eq!(book.conversion_percent.as_deref(), Some("0.0"));
    let mut mean = ((clean.rating.total + refer.rating.total) / Decimal::TWO)
        .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    mean.rescale(2);
    assert_eq!(book.average_premium, Some(mean.to_string()), "the mean of the two premiums, to the cent");
    let by_week: Vec<u32> = book.weeks.iter().map(|w| w.quoted).collect();
    assert_eq!(by_week, [0, 0, 0, 0, 0, 0, 1, 2]);

    // Near the end of its 30 days, the clean quote is expiring; after them, it is not open.
    let late = NOW - Duration::days(7) + Duration::days(25);
    let expiring = ws.dashboard(late).expect("dashboard").book.expiring;
    assert_eq!(expiring.iter().map(|q| q.id).collect::<Vec<_>>(), [clean.summary.id], "the referred quote has longer to go");
    let after = ws.dashboard(NOW + Duration::days(40)).expect("dashboard").book;
    assert!(after.expiring.is_empty(), "expired quotes are no longer open: {after:?}");
}
