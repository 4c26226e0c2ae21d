//! Every listed driver is rated (`../shared/reviews/domain.md`, finding B1):
//! filed auto programs assign the highest-rated driver to the highest-rated
//! vehicle, or rate each vehicle with its principal driver and charge the
//! drivers who are principal on no vehicle. Before this, only each vehicle's
//! principal driver was rated, and a 16-year-old occasional driver with two
//! tickets added nothing.

mod common;

use proptest::prelude::*;
use uw_rating::{DriverRole, LoadMode, Quote, RatePack, Rating, TrustedKeys};

fn bundled(name: &str) -> RatePack {
    let dir = common::bundled_pack_dirs().into_iter().find(|d| d.ends_with(name)).expect("a bundled pack");
    RatePack::load_dir(&dir, LoadMode::Verified(&TrustedKeys::development())).expect("loads")
}

/// Two cars, two adults; each adult the principal driver of one car.
fn household(state: &str, zip: &str, city: &str, coverages: &str, extra_drivers: &str) -> Quote {
    let json = format!(
        r#"{{ "product": "personal-auto", "state": "{state}", "effective_date": "2026-06-01", "term_months": 12,
             "applicant": {{ "name": "Jordan Lee", "address": {{ "street": "500 Elm St", "city": "{city}", "state": "{state}", "zip": "{zip}" }} }},
             "drivers": [
               {{ "name": "Jordan Lee", "date_of_birth": "1979-03-14", "license_date": "1996-05-01" }},
               {{ "name": "Sam Lee", "date_of_birth": "1981-11-02", "license_date": "1999-01-15" }}
               {extra_drivers}
             ],
             "vehicles": [
               {{ "year": 2022, "make": "Toyota", "model": "Camry", "use": "commute", "annual_miles": 14000, "garaging_zip": "{zip}", "principal_driver": 0 }},
               {{ "year": 2015, "make": "Ford", "model": "Focus", "use": "pleasure", "annual_miles": 6000, "garaging_zip": "{zip}", "principal_driver": 1 }}
             ],
             "coverages": {coverages},
             "installment_plan": "pay-in-full" }}"#
    );
    Quote::from_json(&json).expect("a quote")
}

const TX_COVERAGES: &str =
    r#"[ { "code": "BI", "limit": "30/60" }, { "code": "PD", "limit": "25000" }, { "code": "COLL", "deductible": "500" } ]"#;
const CA_COVERAGES: &str =
    r#"[ { "code": "BI", "limit": "30/60" }, { "code": "PD", "limit": "15000" }, { "code": "COLL", "deductible": "500" } ]"#;

/// The review's driver: 16, licensed this year, two speeding tickets.
const YOUTH: &str = r#", { "name": "Riley Lee", "date_of_birth": "2010-02-01", "license_date": "2026-03-01",
    "violations": [ { "date": "2026-04-01", "kind": "speeding" }, { "date": "2026-05-01", "kind": "speeding" } ] }"#;

fn rate(pack: &RatePack, q: Quote) -> Rating {
    uw_rating::rate(pack, &common::valid(q)).expect("rates")
}

fn role(r: &Rating, driver: usize) -> DriverRole {
    r.drivers.iter().find(|d| d.driver == driver).expect("every driver has a part").role
}

#[test]
fn highest_rated_driver_takes_the_highest_rated_vehicle() {
    let pack = bundled("tx-personal-auto");
    let without = rate(&pack, household("TX", "75201", "Dallas", TX_COVERAGES, ""));
    let with = rate(&pack, household("TX", "75201", "Dallas", TX_COVERAGES, YOUTH));
    assert!(with.total > without.total, "the youth must cost something: {} then {}", without.total, with.total);
    // Riley rates highest and takes the newer, higher-rated Camry; the
    // adults take the Focus and one is excess.
    assert_eq!(role(&with, 2), DriverRole::Assigned);
    assert_eq!(with.drivers[2].vehicles, vec![0]);
    let excess: Vec<usize> = with.drivers.iter().filter(|d| d.role == DriverRole::Excess).map(|d| d.driver).collect();
    assert_eq!(excess.len(), 1, "three drivers, two cars: one excess driver: {:?}", with.drivers);
    for c in with.coverages.iter().filter(|c| c.vehicle == Some(0)) {
        assert_eq!(c.driver, Some(2), "the Camry's {} is rated with Riley", c.coverage);
    }
}

#[test]
fn the_declared_principal_driver_does_not_decide_a_highest_rated_rating() {
    let pack = bundled("tx-personal-auto");
    let mut swapped = household("TX", "75201", "Dallas", TX_COVERAGES, YOUTH);
    let declared = rate(&pack, swapped.clone());
    swapped.vehicles[0].principal_driver = 1;
    swapped.vehicles[1].principal_driver = 0;
    assert_eq!(rate(&pack, swapped).total, declared.total);
}

#[test]
fn an_occasional_driver_is_rated_on_the_highest_rated_vehicle_their_record_outranks() {
    let pack = bundled("ca-personal-auto");
    let without = rate(&pack, household("CA", "90012", "Los Angeles", CA_COVERAGES, ""));
    let with = rate(&pack, household("CA", "90012", "Los Angeles", CA_COVERAGES, YOUTH));
    assert!(with.total > without.total, "the youth must cost something: {} then {}", without.total, with.total);
    assert_eq!(role(&with, 2), DriverRole::Occasional);
    assert_eq!(with.drivers[2].vehicles, vec![0], "the Camry, the higher-rated car");
    assert_eq!(role(&with, 0), DriverRole::Principal);
    assert!(with.drivers[0].vehicles.is_empty(), "Jordan's Camry is rated with Riley");
}

#[test]
fn an_excluded_driver_is_listed_but_never_rated() {
    let pack = bundled("tx-personal-auto");
    let without = rate(&pack, household("TX", "75201", "Dallas", TX_COVERAGES, ""));
    let excluded = YOUTH.replacen("\"name\"", "\"excluded\": true, \"name\"", 1);
    let with = rate(&pack, household("TX", "75201", "Dallas", TX_COVERAGES, &excluded));
    assert_eq!(with.total, without.total);
    assert_eq!(role(&with, 2), DriverRole::Excluded);
    assert_eq!(with.drivers[2].rank, None);
    // Nor can an excluded driver be a vehicle's principal driver.
    let mut q = household("TX", "75201", "Dallas", TX_COVERAGES, &excluded);
    q.vehicles[1].principal_driver = 2;
    let err = q.validate().expect_err("an excluded principal driver");
    assert!(err.to_string().contains("vehicles[1].principal_driver"), "{err}");
    assert!(err.to_string().contains("excluded"), "{err}");
}

fn extra_driver(age: i32, licensed_years: i32, tickets: usize, good_student: bool) -> String {
    let born = 2026 - age;
    let licensed = 2026 - licensed_years;
    let violations: Vec<String> = (0..tickets).map(|k| format!(r#"{{ "date": "2025-0{}-01", "kind": "speeding" }}"#, k + 1)).collect();
    format!(
        r#", {{ "name": "Added", "date_of_birth": "{born}-01-15", "license_date": "{licensed}-01-20", "good_student": {good_student},
              "violations": [ {} ] }}"#,
        violations.join(", ")
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Adding a driver never lowers the premium, with either method, when
    /// every vehicle already has its own driver: both choose the assignment
    /// with the highest premium, and one more driver only adds choices.
    /// (With fewer drivers than vehicles it can: the new driver must then
    /// drive one of them, and the rating's `drivers` says which.)
    #[test]
    fn adding_a_driver_never_lowers_the_premium(
        pack in prop::sample::select(vec!["tx-personal-auto", "ca-personal-auto", "ny-personal-auto", "il-personal-auto"]),
        age in 16i32..80,
        licensed in 0i32..40,
        tickets in 0usize..3,
        good_student: bool,
    ) {
        let licensed = licensed.min(age - 15);
        let (state, zip, city, coverages) = match pack {
            "tx-personal-auto" => ("TX", "75201", "Dallas", TX_COVERAGES),
            "ca-personal-auto" => ("CA", "90012", "Los Angeles", CA_COVERAGES),
            "ny-personal-auto" => ("NY", "10001", "New York", r#"[ { "code": "BI", "limit": "25/50" }, { "code": "PD", "limit": "10000" }, { "code": "PIP", "limit": "50000" }, { "code": "UM", "limit": "25/50" } ]"#),
            _ => ("IL", "60601", "Chicago", r#"[ { "code": "BI", "limit": "25/50" }, { "code": "PD", "limit": "20000" }, { "code": "UM", "limit": "25/50" } ]"#),
        };
        let p = bundled(pack);
        let before = rate(&p, household(state, zip, city, coverages, ""));
        let after = rate(&p, household(state, zip, city, coverages, &extra_driver(age, licensed, tickets, good_student)));
        prop_assert!(after.total >= before.total, "{pack}: {} before, {} after adding {:?}", before.total, after.total, after.drivers);
    }
}

#[test]
fn with_more_vehicles_than_drivers_every_driver_drives_one() {
    let pack = bundled("tx-personal-auto");
    let mut q = household("TX", "75201", "Dallas", TX_COVERAGES, YOUTH);
    let mut third = q.vehicles[1].clone();
    third.year = 2010;
    q.vehicles.push(third.clone());
    q.vehicles.push(third);
    let r = rate(&pack, q);
    assert!(
        r.drivers.iter().all(|d| d.role == DriverRole::Assigned && !d.vehicles.is_empty()),
        "four cars, three drivers: {:?}",
        r.drivers
    );
    // The fourth car goes where it costs most: to Riley, the highest-rated.
    assert_eq!(r.drivers[2].vehicles.len(), 2, "{:?}", r.drivers);
    assert!(r.drivers[2].rank > r.drivers[0].rank);
}
