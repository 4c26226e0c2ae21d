//! Catastrophe mitigation credits (domain review D1, D4). Florida rate
//! filings for homes must credit windstorm loss-reduction features (Fla.
//! Stat. 627.0629(1); the features of form OIR-B1-1802), and a California
//! plan that reflects wildfire risk must credit the community and property
//! measures of 10 CCR 2644.9. Before, a quote could not carry any of them
//! and no pack could credit them.

mod common;

use rust_decimal::Decimal;
use uw_rating::quote::{
    OpeningProtection, RoofDeck, RoofShape, RoofToWall, WildfireCommunity, WildfireMeasure, WildfireMitigation, WindMitigation,
};
use uw_rating::{compile, rate, LoadMode, PackFiles, Quote, RatePack, Rating, TrustedKeys};

fn dir(name: &str) -> std::path::PathBuf {
    common::bundled_pack_dirs().into_iter().find(|d| d.ends_with(name)).expect("a bundled pack")
}

fn pack(name: &str) -> RatePack {
    RatePack::load_dir(&dir(name), LoadMode::Verified(&TrustedKeys::development())).expect("loads")
}

fn example(name: &str) -> Quote {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rate-packs/examples").join(name);
    Quote::from_json(&std::fs::read_to_string(path).expect("example")).expect("a quote")
}

fn premium(r: &Rating, coverage: &str) -> Decimal {
    r.coverages.iter().filter(|c| &*c.coverage == coverage).map(|c| c.premium).sum()
}

fn rated(pack: &RatePack, q: Quote) -> Rating {
    rate(pack, &common::valid(q)).expect("rates")
}

fn with_wind(mut q: Quote, wind: Option<WindMitigation>) -> Quote {
    q.dwelling.as_mut().expect("a dwelling").wind_mitigation = wind;
    q
}

#[test]
fn florida_wind_mitigation_credits_the_hurricane_premium() {
    let pack = pack("fl-homeowners-ho3");
    let q = example("fl-homeowners-ho3/05-wind-mitigated-tampa.json");
    let mitigated = rated(&pack, q.clone());
    let uninspected = rated(&pack, with_wind(q.clone(), None));
    // Hip roof 0.80 x deck C 0.90 x double wraps 0.82 x impact-rated
    // openings 0.78 x secondary water barrier 0.95.
    let credit = premium(&mitigated, "HURRICANE") / premium(&uninspected, "HURRICANE");
    assert!(credit < Decimal::new(45, 2) && credit > Decimal::new(42, 2), "{credit}");
    assert_eq!(premium(&mitigated, "DWELLING"), premium(&uninspected, "DWELLING"), "wind credits are for wind");
    // The weakest answer to every question is no credit, never a surcharge,
    // and each stronger feature lowers the premium on its own.
    let weakest = WindMitigation {
        roof_shape: RoofShape::Other,
        roof_deck: RoofDeck::A,
        roof_to_wall: RoofToWall::ToeNails,
        opening_protection: OpeningProtection::None,
        secondary_water_resistance: false,
    };
    let base = premium(&rated(&pack, with_wind(q.clone(), Some(weakest.clone()))), "HURRICANE");
    assert_eq!(base, premium(&uninspected, "HURRICANE"));
    let stronger = [
        WindMitigation { roof_shape: RoofShape::Hip, ..weakest.clone() },
        WindMitigation { roof_deck: RoofDeck::D, ..weakest.clone() },
        WindMitigation { roof_to_wall: RoofToWall::Clips, ..weakest.clone() },
        WindMitigation { opening_protection: OpeningProtection::Basic, ..weakest.clone() },
        WindMitigation { secondary_water_resistance: true, ..weakest.clone() },
    ];
    for w in stronger {
        let p = premium(&rated(&pack, with_wind(q.clone(), Some(w.clone()))), "HURRICANE");
        assert!(p < base, "{w:?}: {p} is not below {base}");
    }
}

/// The bundled pack `name` compiled without its step keyed by `variable`.
fn without_step(name: &str, variable: &str) -> Result<RatePack, uw_rating::PackError> {
    let mut files = PackFiles::read_dir(&dir(name)).expect("files");
    let manifest = files.file("manifest.toml").expect("manifest");
    let step = manifest.lines().find(|l| l.contains(&format!("keys = [\"{variable}\"]"))).expect("the step").to_owned();
    files.set_file("manifest.toml", manifest.replace(&format!("{step}\n"), ""));
    compile(&files, LoadMode::Draft)
}

#[test]
fn a_florida_homeowners_pack_must_credit_wind_mitigation() {
    let err = without_step("fl-homeowners-ho3", "dwelling.opening_protection").expect_err("no opening protection credit");
    assert!(err.to_string().contains("nothing rates on dwelling.opening_protection"), "{err}");
    assert!(err.to_string().contains("Fla. Stat. 627.0629(1)"), "{err}");
}

fn with_fire(mut q: Quote, fire: Option<WildfireMitigation>) -> Quote {
    q.dwelling.as_mut().expect("a dwelling").wildfire_mitigation = fire;
    q
}

#[test]
fn california_wildfire_mitigation_credits_every_measure_and_the_community() {
    let pack = pack("ca-homeowners-ho3");
    let q = example("ca-homeowners-ho3/05-wildfire-mitigated-grass-valley.json");
    let none = premium(&rated(&pack, with_fire(q.clone(), None)), "DWELLING");
    let mut last = none;
    let mut measures = Vec::new();
    for m in WildfireMeasure::ALL {
        measures.push(*m);
        let p = premium(
            &rated(&pack, with_fire(q.clone(), Some(WildfireMitigation { community: None, measures: measures.clone() }))),
            "DWELLING",
        );
        assert!(p < last, "adding {} lowers the premium: {p} against {last}", m.name());
        last = p;
    }
    for c in WildfireCommunity::ALL {
        let p = premium(
            &rated(&pack, with_fire(q.clone(), Some(WildfireMitigation { community: Some(*c), measures: Vec::new() }))),
            "DWELLING",
        );
        assert!(p < none, "{}: {p} against {none}", c.name());
    }
    // Listing a measure twice is an input error, not a second credit.
    let twice = with_fire(
        q,
        Some(WildfireMitigation { community: None, measures: vec![WildfireMeasure::ClassARoof, WildfireMeasure::ClassARoof] }),
    );
    let errors = twice.validate().expect_err("twice").to_string();
    assert_eq!(errors, "dwelling.wildfire_mitigation.measures[1]: class-a-roof is listed twice");
}

#[test]
fn a_california_homeowners_pack_must_credit_wildfire_mitigation() {
    let err = without_step("ca-homeowners-ho3", "dwelling.wildfire_measures").expect_err("no wildfire measures credit");
    assert!(err.to_string().contains("nothing rates on dwelling.wildfire_measures"), "{err}");
    assert!(err.to_string().contains("10 CCR 2644.9"), "{err}");
}
