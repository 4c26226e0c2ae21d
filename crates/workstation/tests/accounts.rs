//! Accounts, customer notes and the global search on a real SQLCipher store.

mod common;

use common::{example, from_tomorrow, good_driver};
use std::path::Path;

use time::macros::datetime;
use time::{Duration, OffsetDateTime};
use uw_workstation::rating::Product;
use uw_workstation::{Contact, KeySource, QuoteInput, Workstation, WorkstationConfig, WorkstationError};

const NOW: OffsetDateTime = datetime!(2026-01-20 15:30:00 UTC);

fn open(dir: &Path) -> Workstation {
    Workstation::open(&WorkstationConfig::new(dir.join("data"), KeySource::File(dir.join("store.key")))).expect("opens a new workstation")
}

/// Maria Delgado's home, at the address of her auto quote, with no date of birth.
fn marias_home() -> QuoteInput {
    let mut quote = from_tomorrow(example("ca-homeowners-ho3/01-standard-los-angeles.json"));
    let auto = good_driver().quote.applicant;
    quote.applicant = auto;
    QuoteInput { quote, contact: Contact::default(), licenses: vec![] }
}

/// Another Maria Delgado: same name, another birthday, another street.
fn other_maria() -> QuoteInput {
    let mut input = good_driver();
    input.contact.date_of_birth = Some(time::macros::date!(1990 - 02 - 01));
    input.quote.applicant.address.street = "80 Sunset Blvd".into();
    input.quote.vehicles[0].vin = Some("2T1BURHEXLC012345".into());
    input
}

#[test]
fn an_account_gathers_a_persons_auto_and_home_and_keeps_others_apart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let auto = ws.create_quote(good_driver(), NOW).expect("auto");
    let home = ws.create_quote(marias_home(), NOW + Duration::minutes(1)).expect("home");
    let other = ws.create_quote(other_maria(), NOW + Duration::minutes(2)).expect("other");

    let record = ws.customer_record(auto.customer_id).expect("account");
    let mut numbers: Vec<&str> = record.quotes.iter().map(|q| q.quote_number.as_str()).collect();
    numbers.sort_unstable();
    assert_eq!(numbers, [auto.quote_number.as_str(), home.quote_number.as_str()], "the other Maria is another person");
    assert_eq!(record.opportunity, None, "she has both products");
    assert_eq!(record.person.date_of_birth.as_deref(), None, "name and contact come from the newest row, her home quote");
    assert!(record.activity.iter().any(|e| e.action == "quote.created" && e.subject == home.quote_number));

    let theirs = ws.customer_record(other.customer_id).expect("account");
    assert_eq!(theirs.quotes.len(), 1);
    assert_eq!(theirs.opportunity, Some(Product::HomeownersHo3), "an auto-only customer could add a home");

    assert!(matches!(ws.customer_record(9_999), Err(WorkstationError::Store(uw_workstation::StoreError::CustomerNotFound { id: 9_999 }))));
}

#[test]
fn notes_are_kept_signed_and_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let auto = ws.create_quote(good_driver(), NOW).expect("auto");
    let home = ws.create_quote(marias_home(), NOW).expect("home");
    ws.add_customer_note(auto.customer_id, "  Wants a quote on her home too. ", NOW).expect("note");
    let record = ws.add_customer_note(home.customer_id, "Sent the home proposal.", NOW + Duration::hours(1)).expect("note");
    let bodies: Vec<&str> = record.notes.iter().map(|n| n.body.as_str()).collect();
    assert_eq!(bodies, ["Sent the home proposal.", "Wants a quote on her home too."], "newest first, trimmed, from both rows");
    assert_eq!(record.notes[0].author, None, "not enrolled: no user to sign with");

    for bad in ["", "   ", &"x".repeat(4_001)] {
        let err = ws.add_customer_note(auto.customer_id, bad, NOW).expect_err("refused");
        assert!(matches!(&err, WorkstationError::InvalidInput { field, .. } if field == "note"), "{err}");
    }
    assert_eq!(ws.customer_record(auto.customer_id).expect("account").notes.len(), 2, "a refused note is not kept");
    assert!(ws.add_customer_note(9_999, "lost", NOW).is_err());
}

#[test]
fn one_box_finds_people_quotes_and_vins() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let auto = ws.create_quote(good_driver(), NOW).expect("auto");
    ws.create_quote(marias_home(), NOW).expect("home");
    let other = ws.create_quote(other_maria(), NOW).expect("other");

    let found = ws.search("mar delg", 6).expect("search");
    assert_eq!(found.customers.len(), 2, "two people named Maria Delgado: {:?}", found.customers);
    let first = found.customers.iter().find(|c| c.quotes == 2).expect("the Maria with two quotes");
    assert_eq!(first.products.len(), 2);
    assert_eq!(found.quotes.len(), 3);

    let by_number = ws.search(&auto.quote_number.to_lowercase(), 6).expect("search");
    assert_eq!(by_number.quotes.iter().map(|q| q.id).collect::<Vec<_>>(), [auto.id]);
    assert!(by_number.customers.is_empty());

    // A VIN by its start, by its last six characters, and in full.
    for part in ["1HGCV1", "151313", "1HGCV1F39LA151313", "1hgcv1f39la151313"] {
        let hits = ws.search(part, 6).expect("search").vehicles;
        assert_eq!(hits.iter().map(|v| v.quote_id).collect::<Vec<_>>(), [auto.id], "{part}");
    }
    assert_eq!(ws.search("012345", 6).expect("search").vehicles[0].quote_id, other.id);

    // What finds nothing says so quietly; what is not a search is refused.
    assert_eq!(ws.search("QUOT-20@@", 6).expect("search").quotes.len(), 0);
    assert_eq!(ws.search("POL-CA-2026", 6).expect("search").policies.len(), 0);
    assert!(ws.search("   ", 6).expect("search").customers.is_empty());
    assert!(ws.search("x", 0).is_err());
    assert!(ws.search(&"a".repeat(101), 6).is_err());
}
