//! Random valid quotes for every bundled pack (property tests).

use std::sync::OnceLock;

use proptest::prelude::*;
use rust_decimal::Decimal;
use time::Date;
use uw_rating::quote::{
    Accident, Address, Applicant, Construction, CoverageChoice, Driver, Dwelling, RoofType, Vehicle, VehicleUse, Violation, ViolationKind,
};
use uw_rating::{LoadMode, Product, Quote, RatePack};

pub fn packs() -> &'static [RatePack] {
    static PACKS: OnceLock<Vec<RatePack>> = OnceLock::new();
    PACKS.get_or_init(|| {
        super::bundled_pack_dirs().iter().map(|d| RatePack::load_dir(d, LoadMode::Draft).unwrap_or_else(|e| panic!("{e}"))).collect()
    })
}

pub const EFFECTIVE: Date = time::macros::date!(2026 - 06 - 15);

pub fn days_before(days: i64) -> Date {
    EFFECTIVE - time::Duration::days(days)
}

/// Days before the effective date, and a violation kind index.
pub type Incident = (i64, usize);
/// Days before, at fault, bodily injury.
pub type Crash = (i64, bool, bool);
/// Age, years licensed, violations, accidents, good student, defensive driving.
pub type DriverShape = (i64, i64, Vec<Incident>, Vec<Crash>, bool, bool);

#[derive(Debug, Clone)]
pub struct Shape {
    pub pack: usize,
    pub zip: usize,
    pub drivers: Vec<DriverShape>,
    pub vehicles: Vec<(i32, usize, u32, bool, usize)>,
    pub options: Vec<usize>,
    pub term: usize,
    pub plan: usize,
    pub dwelling: (i32, usize, u8, u32, usize, u32, u32),
    pub claims: Vec<i64>,
}

pub fn shape() -> impl Strategy<Value = Shape> {
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

pub fn build(s: &Shape) -> (&'static RatePack, Quote) {
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
