//! Deductibles that differ by vehicle (domain review G1): a policy with
//! collision at $500 on one car and $1,000 on another could not be
//! entered (each coverage code once, with one deductible), so such a
//! policy was rated wrong. A per-vehicle coverage may now be selected once
//! per group of vehicles, each selection with its own deductible; its limit
//! stays the policy's.

mod common;

use rust_decimal::Decimal;
use uw_rating::quote::CoverageChoice;
use uw_rating::{rate, LoadMode, Quote, RatePack, Rating, TrustedKeys};

fn pack() -> RatePack {
    let dir = common::bundled_pack_dirs().into_iter().find(|d| d.ends_with("ca-personal-auto")).expect("CA auto");
    RatePack::load_dir(&dir, LoadMode::Verified(&TrustedKeys::development())).expect("loads")
}

/// The two-vehicle California family, with `coll` as its collision selections.
fn family(coll: &[(&str, &[usize])]) -> Quote {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rate-packs/examples/ca-personal-auto/05-family-two-vehicles.json");
    let mut q = Quote::from_json(&std::fs::read_to_string(path).expect("example")).expect("a quote");
    q.coverages.retain(|c| c.code != "COLL");
    for (deductible, vehicles) in coll {
        q.coverages.push(CoverageChoice {
            code: "COLL".into(),
            limit: None,
            deductible: Some((*deductible).into()),
            vehicles: Some(vehicles.to_vec()),
        });
    }
    q
}

fn collision(r: &Rating, vehicle: usize) -> (Decimal, Option<String>) {
    let c = r.coverages.iter().find(|c| &*c.coverage == "COLL" && c.vehicle == Some(vehicle)).expect("collision on the vehicle");
    (c.premium, c.deductible.as_deref().map(str::to_owned))
}

fn rated(pack: &RatePack, q: Quote) -> Rating {
    rate(pack, &common::valid(q)).expect("rates")
}

#[test]
fn a_collision_deductible_may_differ_by_vehicle() {
    let pack = pack();
    let split = rated(&pack, family(&[("500", &[0]), ("1000", &[1])]));
    let all_500 = rated(&pack, family(&[("500", &[0, 1])]));
    let all_1000 = rated(&pack, family(&[("1000", &[0, 1])]));
    assert_eq!(collision(&split, 0), collision(&all_500, 0));
    assert_eq!(collision(&split, 1), collision(&all_1000, 1));
    assert_eq!(collision(&split, 1).1.as_deref(), Some("1000"));
    assert!(collision(&split, 1).0 < collision(&all_500, 1).0, "the higher deductible costs less");
    assert_eq!(split.total - all_500.total, collision(&split, 1).0 - collision(&all_500, 1).0, "only vehicle 1's collision changes");
}

fn problems(q: Quote) -> Vec<String> {
    q.validate().expect_err("invalid").0.iter().map(ToString::to_string).collect()
}

#[test]
fn selections_of_one_coverage_name_their_vehicles_once_each_and_share_the_limit() {
    assert_eq!(
        problems(family(&[("500", &[0]), ("1000", &[0, 1])])),
        ["coverages[6].vehicles[0]: vehicle 0 already has COLL on coverages[5]"]
    );
    let mut q = family(&[("500", &[0])]);
    q.coverages.push(CoverageChoice { code: "COLL".into(), limit: None, deductible: Some("1000".into()), vehicles: None });
    assert_eq!(
        problems(q),
        ["coverages[6].code: coverage `COLL` is selected twice; to vary it by vehicle, give each selection its own `vehicles`"]
    );
    let mut q = family(&[]);
    let bi = q.coverages.iter().position(|c| c.code == "BI").expect("BI");
    q.coverages[bi].vehicles = Some(vec![0]);
    q.coverages.push(CoverageChoice { code: "BI".into(), limit: Some("30/60".into()), deductible: None, vehicles: Some(vec![1]) });
    assert_eq!(problems(q), ["coverages[5].limit: BI's limit is the policy's: 30/60 here, 250/500 on coverages[0]"]);
}

#[test]
fn a_required_coverage_split_by_vehicle_still_covers_every_vehicle() {
    let pack = pack();
    let mut q = family(&[("500", &[0])]);
    let bi = q.coverages.iter().position(|c| c.code == "BI").expect("BI");
    q.coverages[bi].vehicles = Some(vec![0]);
    let err = rate(&pack, &common::valid(q.clone())).expect_err("vehicle 1 has no BI");
    assert!(err.to_string().contains("BI is required on every vehicle; vehicle 1 has none"), "{err}");
    q.coverages.push(CoverageChoice { code: "BI".into(), limit: Some("250/500".into()), deductible: None, vehicles: Some(vec![1]) });
    let split = rated(&pack, q);
    let whole = rated(&pack, family(&[("500", &[0])]));
    assert_eq!(split.total, whole.total, "BI split over two selections prices as one");
}
