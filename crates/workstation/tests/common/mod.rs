//! Quote inputs shared by the workstation's test binaries (and the system
//! tests in `tests/`, which include this file by path).

#![allow(dead_code, reason = "each test binary uses the helpers it needs")]

use std::path::Path;

use uw_workstation::{Contact, DriverLicense, QuoteInput};

/// A rating input from `rate-packs/examples`.
pub fn example(name: &str) -> uw_rating::Quote {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .find(|dir| dir.join("rate-packs/examples").is_dir())
        .expect("the workspace holds rate-packs/examples");
    let path = root.join("rate-packs/examples").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    uw_rating::Quote::from_json(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A clean California auto quote with full contact and licence details (PII).
pub fn good_driver() -> QuoteInput {
    QuoteInput {
        quote: from_tomorrow(example("ca-personal-auto/01-good-driver.json")),
        contact: Contact {
            date_of_birth: Some(time::macros::date!(1983 - 07 - 14)),
            email: Some("maria.delgado@example.com".into()),
            phone: Some("(213) 555-0142".into()),
        },
        licenses: vec![Some(DriverLicense { number: "D7654321".into(), state: "CA".into() })],
    }
}

/// A quote the California pack refers to an underwriter.
pub fn referred() -> QuoteInput {
    QuoteInput {
        quote: from_tomorrow(example("ca-personal-auto/04-referred-new-business-driver.json")),
        contact: Contact::default(),
        licenses: vec![],
    }
}

/// `quote` taking effect tomorrow by the UTC calendar the sync server keeps:
/// the examples' dates are long past, and a server binds no cover that
/// started before its today (a test crossing midnight keeps a good date).
pub fn from_tomorrow(mut quote: uw_rating::Quote) -> uw_rating::Quote {
    quote.effective_date = time::OffsetDateTime::now_utc().date().next_day().expect("a date after today");
    quote
}
