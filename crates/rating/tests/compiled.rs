//! The compiled plan (`rate_compiled`, which `rate_total`, `rate_by_coverage`
//! and impact analysis use) charges exactly what the engine
//! (`rate_by_engine`) charges: every coverage's premium and the total, value
//! and scale; and the whole rating it writes for `rate`
//! (`rate_compiled_with_worksheet`) is the engine's, byte for byte as JSON
//! (every worksheet line, driver rank, fee, installment, risk contribution
//! and underwriting reason), also where a risk model rates and where a risk
//! feature reads a text no table keys. On random valid quotes for every
//! bundled pack, with the features the base generator
//! leaves out (excluded drivers, coverages on some vehicles only, price
//! symbols, prior insurance, tenure, payment methods, credit tiers, storm
//! claims, wind and wildfire mitigation). Where the engine refuses a quote,
//! the plan must not answer.

mod common;

use common::random::{build, days_before, shape, EFFECTIVE};
use proptest::prelude::*;
use rust_decimal::Decimal;
use uw_rating::quote::{
    Claim, OpeningProtection, PaymentMethod, PriorInsurance, RoofDeck, RoofShape, RoofToWall, WildfireCommunity, WildfireMeasure,
    WildfireMitigation, WindMitigation,
};
use uw_rating::{
    rate, rate_by_coverage, rate_by_engine, rate_compiled, rate_compiled_with_worksheet, rate_total, Product, Quote, RatePack,
};

/// What the generator varies beyond the base shape.
#[derive(Debug, Clone)]
struct Extras {
    exclude: Option<usize>,
    only_first_vehicle: Option<usize>,
    cost_new: Vec<Option<u32>>,
    prior: Option<(u32, u32)>,
    renewal_years: Option<i64>,
    payment: Option<usize>,
    credit: Option<usize>,
    storm_claim: bool,
    wind: Option<(usize, usize, usize, usize, bool)>,
    wildfire: Option<(usize, usize)>,
}

fn extras() -> impl Strategy<Value = Extras> {
    (
        prop::option::of(0usize..3),
        prop::option::of(0usize..8),
        prop::collection::vec(prop::option::of(5_000u32..260_000), 2),
        prop::option::of((0u32..120, 0u32..90)),
        prop::option::of(0i64..15),
        prop::option::of(0usize..3),
        prop::option::of(0usize..6),
        any::<bool>(),
        prop::option::of((0usize..4, 0usize..5, 0usize..5, 0usize..4, any::<bool>())),
        prop::option::of((0usize..3, 0usize..8)),
    )
        .prop_map(|(exclude, only_first_vehicle, cost_new, prior, renewal_years, payment, credit, storm_claim, wind, wildfire)| {
            Extras { exclude, only_first_vehicle, cost_new, prior, renewal_years, payment, credit, storm_claim, wind, wildfire }
        })
}

fn pick<T: Copy>(all: &[T], i: usize) -> T {
    all[i % all.len()]
}

fn apply(pack: &RatePack, mut q: Quote, x: &Extras) -> Quote {
    if let Some(d) = x.exclude {
        // An excluded driver must not be anyone's principal driver.
        let d = d % q.drivers.len().max(1);
        if q.drivers.len() > 1 && q.vehicles.iter().all(|v| v.principal_driver != d) {
            q.drivers[d].excluded = true;
        }
    }
    if let (Some(k), true) = (x.only_first_vehicle, q.vehicles.len() > 1) {
        let optional: Vec<String> =
            pack.coverages().filter(|c| !c.required && c.per == uw_rating::Per::Vehicle).map(|c| c.code.to_owned()).collect();
        if !optional.is_empty() {
            let code = &optional[k % optional.len()];
            for c in q.coverages.iter_mut().filter(|c| &c.code == code) {
                c.vehicles = Some(vec![0]);
            }
        }
    }
    for (v, cost) in q.vehicles.iter_mut().zip(&x.cost_new) {
        v.cost_new = cost.map(Decimal::from);
    }
    q.prior_insurance = x.prior.map(|(months, lapse_days)| PriorInsurance { carrier: "Prior Mutual".into(), months, lapse_days });
    if let Some(years) = x.renewal_years {
        q.renewal = true;
        q.inception_date = Some(days_before(years * 365 + 10));
    }
    q.payment_method = x.payment.map(|p| pick(PaymentMethod::ALL, p));
    if let Some(c) = x.credit {
        q.credit_tier = Some(["excellent", "good", "average", "fair", "poor", "no-hit"][c].to_owned());
    }
    if x.storm_claim {
        q.prior_claims.push(Claim { date: days_before(200), cause: "Hail".into() });
    }
    if let Some(d) = q.dwelling.as_mut() {
        d.wind_mitigation = x.wind.map(|(shape, deck, wall, opening, swr)| WindMitigation {
            roof_shape: pick(RoofShape::ALL, shape),
            roof_deck: pick(RoofDeck::ALL, deck),
            roof_to_wall: pick(RoofToWall::ALL, wall),
            opening_protection: pick(OpeningProtection::ALL, opening),
            secondary_water_resistance: swr,
        });
        d.wildfire_mitigation = x.wildfire.map(|(community, measures)| WildfireMitigation {
            community: (community > 0).then(|| pick(WildfireCommunity::ALL, community - 1)),
            measures: WildfireMeasure::ALL.iter().copied().take(measures).collect(),
        });
    }
    q
}

/// Every coverage's premium summed over its units, by the pack's coverage
/// order, as the engine's full rating gives them.
fn engine_by_coverage(pack: &RatePack, rating: &uw_rating::Rating) -> Vec<Decimal> {
    pack.coverage_codes().map(|code| rating.coverages.iter().filter(|c| &*c.coverage == code).map(|c| c.premium).sum()).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 768, ..ProptestConfig::default() })]

    #[test]
    fn the_plan_charges_what_the_engine_charges(s in shape(), x in extras()) {
        let (pack, quote) = build(&s);
        let quote = apply(pack, quote, &x);
        prop_assert_eq!(quote.effective_date, EFFECTIVE);
        let Ok(valid) = quote.clone().validate() else {
            // The extras can make a quote the validator refuses (a credit
            // tier where the law forbids one is the pack's to refuse).
            return Ok(());
        };
        let mut by_plan = Vec::new();
        let planned = rate_compiled(pack, &valid, &mut by_plan);
        let written = rate_compiled_with_worksheet(pack, &valid);
        match rate_by_engine(pack, &valid) {
            Err(e) => {
                prop_assert!(planned.is_none(), "{}: the engine refuses ({e}) but the plan answers {planned:?}", pack.id());
                prop_assert!(written.is_none(), "{}: the engine refuses ({e}) but the plan writes a rating", pack.id());
                prop_assert_eq!(rate(pack, &valid).err().map(|e| e.to_string()), Some(e.to_string()));
            }
            Ok(rating) => {
                let Some(written) = written else {
                    return Err(TestCaseError::fail(format!("{}: the plan left a rating the engine writes to the engine", pack.id())));
                };
                let json = |r: &uw_rating::Rating| serde_json::to_string_pretty(r).expect("a rating serializes");
                prop_assert_eq!(json(&written), json(&rating), "the whole rating on {}", pack.id());
                prop_assert_eq!(json(&rate(pack, &valid).expect("rates")), json(&rating));
                let Some(total) = planned else {
                    return Err(TestCaseError::fail(format!("{}: the plan left a quote the engine rates to the engine", pack.id())));
                };
                // The same value and scale: the same text.
                prop_assert_eq!(total.to_string(), rating.total.to_string(), "total on {}", pack.id());
                let engine = engine_by_coverage(pack, &rating);
                prop_assert_eq!(by_plan.iter().map(ToString::to_string).collect::<Vec<_>>(), engine.iter().map(ToString::to_string).collect::<Vec<_>>());
                prop_assert_eq!(rate_total(pack, &valid).ok(), Some(rating.total));
                let mut by_coverage = Vec::new();
                prop_assert_eq!(rate_by_coverage(pack, &valid, &mut by_coverage).ok(), Some(rating.total));
                prop_assert_eq!(by_coverage, engine);
                if pack.info().product == Product::PersonalAuto {
                    prop_assert!(!rating.drivers.is_empty());
                }
            }
        }
    }
}

/// A bundled pack with one edit to its manifest.
fn edited(name: &str, from: &str, to: &str) -> RatePack {
    let dir = common::bundled_pack_dirs().into_iter().find(|d| d.ends_with(name)).expect("the bundled pack");
    let mut files = uw_rating::PackFiles::read_dir(&dir).expect("files");
    let manifest = files.file("manifest.toml").expect("manifest");
    assert!(manifest.contains(from), "{name}'s manifest has `{from}`");
    files.set_file("manifest.toml", manifest.replace(from, to));
    uw_rating::compile(&files, uw_rating::LoadMode::Draft).expect("compiles")
}

/// Texas personal auto with its risk model rating bodily injury and
/// property damage (the bundled models only inform): the relativity's
/// worksheet line and the premium it moves.
fn tx_auto_rating_on_risk() -> &'static RatePack {
    static PACK: std::sync::OnceLock<RatePack> = std::sync::OnceLock::new();
    PACK.get_or_init(|| {
        edited(
            "tx-personal-auto",
            "[risk_model]\nusage = \"inform\"\n",
            "[risk_model]\nusage = \"rate\"\nmin_factor = \"0.90\"\nmax_factor = \"1.10\"\nbasis = \"class-plan-offset\"\ncoverages = [\"BI\", \"PD\"]\n",
        )
    })
}

/// Texas homeowners with a risk feature on a text no table of the pack
/// keys (the wildfire community): a contribution's value is the quote's own
/// text, which the plan's words do not hold.
fn tx_home_scoring_an_unkeyed_text() -> &'static RatePack {
    static PACK: std::sync::OnceLock<RatePack> = std::sync::OnceLock::new();
    PACK.get_or_init(|| {
        edited(
            "tx-homeowners-ho3",
            "  { var = \"dwelling.construction\", level = \"frame\", coefficient = \"0.10\" },\n",
            "  { var = \"dwelling.construction\", level = \"frame\", coefficient = \"0.10\" },\n  { var = \"dwelling.wildfire_community\", level = \"firewise-usa\", coefficient = \"-0.05\" },\n",
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_plan_writes_what_the_engine_writes_where_the_risk_score_rates(mut s in shape(), x in extras(), home in any::<bool>()) {
        let (bundled, pack) =
            if home { ("tx-homeowners-ho3/", tx_home_scoring_an_unkeyed_text()) } else { ("tx-personal-auto/", tx_auto_rating_on_risk()) };
        s.pack = common::random::packs().iter().position(|p| p.id().starts_with(bundled)).expect("the bundled pack");
        let (_, quote) = build(&s);
        let Ok(valid) = apply(pack, quote, &x).validate() else { return Ok(()) };
        let json = |r: &uw_rating::Rating| serde_json::to_string_pretty(r).expect("a rating serializes");
        match rate_by_engine(pack, &valid) {
            Err(_) => prop_assert!(rate_compiled_with_worksheet(pack, &valid).is_none()),
            Ok(rating) => {
                let written = rate_compiled_with_worksheet(pack, &valid);
                prop_assert!(written.is_some(), "the plan left a rating the engine writes to the engine");
                prop_assert_eq!(written.as_ref().map(json), Some(json(&rating)));
            }
        }
    }
}

/// Every bundled pack has a plan: a quote the engine rates is answered by
/// the plan, not left to the engine.
#[test]
fn every_bundled_pack_compiles_to_a_plan() {
    for pack in common::random::packs() {
        let (_, quote) = (0..64)
            .map(|i| {
                let s = common::random::Shape {
                    pack: 0,
                    zip: i,
                    drivers: vec![(40, 20, Vec::new(), Vec::new(), false, false)],
                    vehicles: vec![(2020, 0, 10_000, false, 0)],
                    options: vec![0; 8],
                    term: 0,
                    plan: 0,
                    dwelling: (1990, 0, 3, 5, 0, 2000, 300),
                    claims: Vec::new(),
                };
                (i, s)
            })
            .find_map(|(_, mut s)| {
                let index = common::random::packs().iter().position(|p| p.id() == pack.id())?;
                s.pack = index;
                let (p, q) = build(&s);
                let valid = q.validate().ok()?;
                rate(p, &valid).ok().map(|_| (p, valid))
            })
            .unwrap_or_else(|| panic!("no quote rates on {}", pack.id()));
        let mut by_coverage = Vec::new();
        assert!(rate_compiled(pack, &quote, &mut by_coverage).is_some(), "{} has no plan", pack.id());
        assert!(rate_compiled_with_worksheet(pack, &quote).is_some(), "{} has no plan for whole ratings", pack.id());
    }
}
