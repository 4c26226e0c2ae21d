//! Choosing the pack in force: by state, product, kind and date.

mod common;

use time::macros::date;
use uw_rating::{compile, LoadMode, PackRegistry, Product, RatePack, SelectError};

fn pack(version: &str, new_business: &str, renewal: &str, expires: Option<&str>) -> RatePack {
    let effective = format!(
        "[effective]\nnew_business = {new_business}\nrenewal = {renewal}\n{}",
        expires.map(|e| format!("expires = {e}\n")).unwrap_or_default()
    );
    let manifest = common::MANIFEST
        .replace("version = \"1\"", &format!("version = \"{version}\""))
        .replace("[effective]\nnew_business = 2026-01-01\nrenewal = 2026-01-01\n", &effective);
    compile(&common::files(&manifest), LoadMode::Draft).expect("compiles")
}

#[test]
fn new_business_and_renewals_switch_on_their_own_dates() {
    let old = pack("2025.1", "2025-01-01", "2025-01-01", Some("2026-04-01"));
    let new = pack("2026.1", "2026-04-01", "2026-06-01", None);
    // The old pack expires for both kinds on 2026-04-01, so renewals between
    // April and June have no pack: the registry says so rather than guess.
    let registry = PackRegistry::new(vec![old, new]);
    let pick = |date, renewal| registry.select("IL", Product::PersonalAuto, date, renewal).map(|p| p.info().version.clone());
    assert_eq!(pick(date!(2026 - 03 - 31), false), Ok("2025.1".into()));
    assert_eq!(pick(date!(2026 - 04 - 01), false), Ok("2026.1".into()));
    assert_eq!(pick(date!(2026 - 03 - 31), true), Ok("2025.1".into()));
    assert!(matches!(pick(date!(2026 - 05 - 01), true), Err(SelectError::NoneInForce { kind: "renewals", .. })));
    assert_eq!(pick(date!(2026 - 06 - 01), true), Ok("2026.1".into()));
    assert!(matches!(pick(date!(2024 - 12 - 31), false), Err(SelectError::NoneInForce { .. })));
    assert!(matches!(registry.select("CA", Product::PersonalAuto, date!(2026 - 05 - 01), false), Err(SelectError::NoneInForce { .. })));
}

#[test]
fn a_later_revision_supersedes_from_its_own_dates() {
    // No expiry on the old pack: the revision takes over new business on
    // 2026-03-01 and renewals on 2026-04-01, as a filing with two dates does.
    let registry = PackRegistry::new(vec![pack("b", "2026-03-01", "2026-04-01", None), pack("a", "2026-01-01", "2026-01-01", None)]);
    let pick = |date, renewal| registry.select("IL", Product::PersonalAuto, date, renewal).map(|p| p.info().version.clone());
    assert_eq!(pick(date!(2026 - 02 - 28), false), Ok("a".into()));
    assert_eq!(pick(date!(2026 - 03 - 01), false), Ok("b".into()));
    assert_eq!(pick(date!(2026 - 03 - 15), true), Ok("a".into()));
    assert_eq!(pick(date!(2026 - 04 - 01), true), Ok("b".into()));
}

#[test]
fn two_packs_taking_effect_the_same_day_are_an_error() {
    let registry = PackRegistry::new(vec![
        pack("a", "2026-01-01", "2026-01-01", None),
        pack("b", "2026-03-01", "2026-03-01", None),
        pack("c", "2026-03-01", "2026-02-01", None),
    ]);
    let err = registry.select("IL", Product::PersonalAuto, date!(2026 - 05 - 01), false).expect_err("ambiguous");
    assert!(matches!(err, SelectError::Ambiguous { .. }));
    assert!(
        err.to_string().contains("both took effect for IL personal-auto new business on or before 2026-05-01 on the same day"),
        "{err}"
    );
    // Renewals are not tied: c took effect for them earlier than b.
    let renewal = registry.select("IL", Product::PersonalAuto, date!(2026 - 05 - 01), true).expect("one renewal pack");
    assert_eq!(renewal.info().version, "b");
}
