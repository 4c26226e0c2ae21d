//! Property tests over every bundled pack: random valid quotes, rated twice.

mod common;

use std::sync::OnceLock;

use proptest::prelude::*;
use rust_decimal::Decimal;
use time::Date;
use uw_rating::quote::{
    Accident, Address, Applicant, Construction, CoverageChoice, Driver, Dwelling, RoofType, Vehicle, VehicleUse, Violation, ViolationKind,
};
use uw_rating::{rate, LoadMode, Product, Quote, RatePack, Rating};

fn packs() -> &'static [RatePack] {
    static PACKS: OnceLock<Vec<RatePack>> = OnceLock::new();
    PACKS.get_or_init(|| {
        common::bundled_pack_dirs().iter().map(|d| RatePack::load_dir(d, LoadMode::Draft).unwrap_or_else(|e| panic!("{e}"))).collect()
    })
}

const EFFECTIVE: Date = time::macros::date!(2026 - 06 - 15);

fn days_before(days: i64) -> Date {
    EFFECTIVE - time::Duration::days(days)
}

/// Days before the effective date, and a violation kind index.
type Incident = (i64, usize);
/// Days before, at fault, bodily injury.
type Crash = (i64, bool, bool);
/// Age, years licensed, violations, accidents, good student, defensive driving.
type DriverShape = (i64, i64, Vec<Incident>, Vec<Crash>, bool, bool);

#[derive(Debug, Clone)]
struct Shape {
    pack: usize,
    zip: usize,
    drivers: Vec<DriverShape>,
    vehicles: Vec<(i32, usize, u32, bool, usize)>,
    options: Vec<usize>,
    term: usize,
    plan: usize,
    dwelling: (i32, usize, u8, u32, usize, u32, u32),
    claims: Vec<i64>,
}

fn shape() -> impl Strategy<Value = Shape> {
    let incident = (1i64..3000, 0usize..7);
    let accident = (1i64..2000, any::<bool>(), any::<bool>());
    let driver =
        (16i64..85, 0i64..60, prop::collection::vec(incident, 0..3), prop::collection::vec(accident, 0..2), any::<bool>(), any::<bool>());
    let vehicle = (1995i32..2027, 0usize..3, 1000u32..40000, any::<bool>(), 0usize..3);
    let dwelling = (1900i32..2026, 0usize..4, 1u8..11, 0u32..30, 0usize..6, 800u32..6000, 80u32..1500);
    (
        0usize..64,
        any::<prop::sample::Index>(),
        prop::collection::vec(driver, 1..4),
        prop::collection::vec(vehicle, 1..3),
        prop::collection::vec(0usize..8, 8),
        0usize..2,
        0usize..4,
        dwelling,
        prop::collection::vec(1i64..1800, 0..3),
    )
        .prop_map(|(pack, zip, drivers, vehicles, options, term, plan, dwelling, claims)| Shape {
            pack,
            zip: zip.index(usize::MAX),
            drivers,
            vehicles,
            options,
            term,
            plan,
            dwelling,
            claims,
        })
}

fn build(s: &Shape) -> (&'static RatePack, Quote) {
    let packs = packs();
    let pack = &packs[s.pack % packs.len()];
    let info = pack.info();
    let zips = pack.territory_zips();
    let zip = zips[s.zip % zips.len()].to_owned();
    let term = info.terms[s.term % info.terms.len()];
    let plans: Vec<&str> = pack.installment_plans().filter(|(_, n)| term % n == 0).map(|(c, _)| c).collect();
    let coverages = pack
        .coverages()
        .enumerate()
        .map(|(i, c)| {
            let pick = |list: &[String]| (!list.is_empty()).then(|| list[s.options[i % s.options.len()] % list.len()].clone());
            CoverageChoice { code: c.code.to_owned(), limit: pick(c.limits), deductible: pick(c.deductibles), vehicles: None }
        })
        .collect::<Vec<_>>();
    // Uninsured motorist limits stay within bodily injury's, as the law of
    // several states requires: the lower of the two picks for both.
    let mut coverages = coverages;
    let limit_of = |code: &str, list: &[CoverageChoice]| list.iter().find(|c| c.code == code).and_then(|c| c.limit.clone());
    if let (Some(bi), Some(um)) = (limit_of("BI", &coverages), limit_of("UM", &coverages)) {
        let per_person = |l: &str| l.split('/').next().and_then(|p| p.parse::<u64>().ok()).unwrap_or(0);
        if per_person(&um) > per_person(&bi) {
            let lower = if pack.coverages().any(|c| c.code == "UM" && c.limits.contains(&bi)) { bi } else { um };
            for c in coverages.iter_mut().filter(|c| c.code == "UM") {
                c.limit = Some(lower.clone());
            }
        }
    }
    let auto = info.product == Product::PersonalAuto;
    let drivers = s
        .drivers
        .iter()
        .enumerate()
        .map(|(i, (age, licensed_years, violations, accidents, student, course))| {
            let born = days_before(age * 365 + 100);
            let licensed = (age - 16).clamp(0, *licensed_years);
            Driver {
                name: format!("Driver {i}"),
                date_of_birth: born,
                license_date: days_before(licensed * 365 + 30).max(born + time::Duration::days(16 * 366)),
                violations: violations
                    .iter()
                    .map(|(d, k)| Violation { date: days_before(*d).max(born), kind: ViolationKind::ALL[*k] })
                    .collect(),
                accidents: accidents
                    .iter()
                    .map(|(d, f, i)| Accident { date: days_before(*d).max(born), at_fault: *f, bodily_injury: *i })
                    .collect(),
                good_student: *student,
                defensive_driving: *course,
                course_date: course.then(|| days_before(400)),
                excluded: false,
            }
        })
        .collect::<Vec<_>>();
    let n_drivers = drivers.len();
    let uses = [VehicleUse::Pleasure, VehicleUse::Commute, VehicleUse::Business];
    let (year_built, construction, protection, roof_age, roof, square_feet, thousands) = s.dwelling;
    let quote = Quote {
        product: info.product,
        state: info.state.clone(),
        effective_date: EFFECTIVE,
        term_months: term,
        renewal: false,
        applicant: Applicant {
            name: "Pat".into(),
            address: Address { street: "1 Main".into(), city: "Town".into(), state: info.state.clone(), zip: zip.clone() },
        },
        drivers: if auto { drivers } else { Vec::new() },
        vehicles: if auto {
            s.vehicles
                .iter()
                .map(|(year, usage, miles, anti_theft, principal)| Vehicle {
                    vin: None,
                    year: *year,
                    make: None,
                    model: None,
                    usage: uses[*usage],
                    annual_miles: *miles,
                    garaging_zip: zip.clone(),
                    anti_theft: *anti_theft,
                    principal_driver: principal % n_drivers,
                    cost_new: None,
                })
                .collect()
        } else {
            Vec::new()
        },
        dwelling: (!auto).then(|| Dwelling {
            year_built,
            construction: [Construction::Frame, Construction::Masonry, Construction::MasonryVeneer, Construction::FireResistive]
                [construction],
            protection_class: protection,
            roof_age: roof_age.min(u32::try_from(2026 - year_built).unwrap_or(0)),
            roof_type: [RoofType::AsphaltShingle, RoofType::Metal, RoofType::Tile, RoofType::Slate, RoofType::WoodShake, RoofType::Flat]
                [roof],
            square_feet,
            coverage_a: Decimal::from(thousands) * Decimal::from(1000),
            address: None,
            wind_mitigation: None,
            wildfire_mitigation: None,
        }),
        coverages,
        prior_claims: s.claims.iter().map(|d| uw_rating::quote::Claim { date: days_before(*d), cause: "water".into() }).collect(),
        credit_tier: None,
        installment_plan: plans[s.plan % plans.len()].to_owned(),
        elections: Vec::new(),
        prior_insurance: None,
        inception_date: None,
        payment_method: None,
    };
    (pack, quote)
}

fn rated(pack: &RatePack, quote: Quote) -> Rating {
    let valid = quote.clone().validate().unwrap_or_else(|e| panic!("generated quote is invalid: {e}\n{quote:?}"));
    rate(pack, &valid).unwrap_or_else(|e| panic!("{}: {e}", pack.id()))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn rating_is_deterministic_to_the_byte(s in shape()) {
        let (pack, quote) = build(&s);
        let a = rated(pack, quote.clone());
        let b = rated(pack, quote);
        prop_assert_eq!(serde_json::to_vec(&a).expect("json"), serde_json::to_vec(&b).expect("json"));
    }

    #[test]
    fn total_is_coverages_plus_fees_and_never_negative(s in shape()) {
        let (pack, quote) = build(&s);
        let r = rated(pack, quote);
        let sum: Decimal = r.coverages.iter().map(|c| c.premium).sum::<Decimal>() + r.fees.iter().map(|f| f.amount).sum::<Decimal>();
        prop_assert_eq!(r.total, sum + r.minimum_premium_adjustment);
        prop_assert!(r.coverages.iter().all(|c| !c.premium.is_sign_negative()));
        prop_assert!(!r.minimum_premium_adjustment.is_sign_negative());
        let paid: Decimal = r.installments.installments.iter().map(|i| i.premium).sum();
        prop_assert_eq!(paid, r.total, "installments add up to the total");
        let (pack, quote) = build(&s);
        let total_only = uw_rating::rate_total(pack, &quote.validate().expect("valid")).expect("rates");
        prop_assert_eq!(total_only, r.total, "totals-only rating agrees with the full rating");
    }

    #[test]
    fn a_new_violation_or_accident_never_lowers_the_premium(s in shape(), kind in 0usize..7, accident in any::<bool>(), days in 1i64..1000) {
        let (pack, quote) = build(&s);
        prop_assume!(quote.product == Product::PersonalAuto);
        let before = rated(pack, quote.clone());
        let mut worse = quote;
        let driver = worse.vehicles[0].principal_driver;
        let date = days_before(days).max(worse.drivers[driver].date_of_birth);
        if accident {
            worse.drivers[driver].accidents.push(Accident { date, at_fault: true, bodily_injury: false });
        } else {
            worse.drivers[driver].violations.push(Violation { date, kind: ViolationKind::ALL[kind] });
        }
        let after = rated(pack, worse);
        prop_assert!(after.total >= before.total, "{} -> {} on {}", before.total, after.total, pack.id());
        prop_assert!(after.decision.action >= before.decision.action);
    }
}
