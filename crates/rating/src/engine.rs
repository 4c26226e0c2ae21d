//! Evaluating a compiled pack for a validated quote: no IO, no panics,
//! `Decimal` throughout, and a worksheet line for every operand.
//!
//! Order of evaluation, per coverage and rating unit (a vehicle with its
//! principal driver, or the dwelling): the pack's steps in order, then each
//! eligible discount and surcharge in pack order, then the risk factor where
//! the pack may rate on it, then the coverage rounding, then the coverage
//! minimum. The policy total is the coverage premiums plus fees, raised to the
//! policy minimum if there is one.

use std::collections::BTreeSet;
use std::sync::Arc;

use rust_decimal::prelude::MathematicalOps;
use rust_decimal::Decimal;
use serde::Serialize;
use time::Date;

use crate::error::RatingError;
use crate::pack::jurisdiction::{ElectionKind, ElectionRule, Statutory};
use crate::pack::{
    Action, Adjustment, AssignmentMethod, CompareOp, Condition, Eligibility, FeeBasis, FeeClass, FeeEarning, FeePer, Per, RatePack,
    RiskUsage, StepKind,
};
use crate::quote::{full_years, years_before, ElectionDecision, InputError, InputErrors, Product, ValidQuote, ViolationKind};
use crate::variable::{Value, Variable};
use crate::worksheet::{Key, KeyValue, Line, Noted, Operation, SheetText, Worksheet};

/// A quote's full rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rating {
    /// `name/version@digest` of the pack that rated it.
    pub pack_id: String,
    pub pack_digest: String,
    /// Rated by an unsigned draft pack: a preview, never a final premium.
    pub draft: bool,
    pub coverages: Vec<CoveragePremium>,
    /// Personal auto: every listed driver's part in the rating (empty, and
    /// left out, for homeowners).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub drivers: Vec<DriverAssignment>,
    pub fees: Vec<FeeLine>,
    /// The amount added to reach the policy minimum premium, if any.
    pub minimum_premium_adjustment: Decimal,
    /// Coverage premiums + fees + minimum premium adjustment, for the term.
    pub total: Decimal,
    pub installments: InstallmentSchedule,
    pub risk: Option<RiskScore>,
    pub decision: Decision,
    /// Coverage decisions the law requires in writing that the quote does
    /// not record: the quote rates, and binding waits for them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unsigned: Vec<UnsignedElection>,
}

/// A coverage decision the insured has yet to sign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnsignedElection {
    pub coverage: &'static str,
    pub kind: ElectionKind,
    pub law: &'static str,
    /// What is missing and what to do, in an agent's words.
    pub message: String,
}

impl Rating {
    /// The fees that are fully earned when charged: the premium a policy
    /// prorates is the total less this (a pro-rata fee prorates with it).
    pub fn fee_total(&self) -> Decimal {
        self.fees.iter().filter(|f| f.earning == FeeEarning::FullyEarned).map(|f| f.amount).sum()
    }

    /// Every fee, earned when charged or not.
    pub fn all_fees(&self) -> Decimal {
        self.fees.iter().map(|f| f.amount).sum()
    }
}

/// One coverage's premium for one rating unit, with its worksheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoveragePremium {
    pub coverage: Arc<str>,
    pub name: Arc<str>,
    /// The vehicle (index into the quote's vehicles) for per-vehicle coverages.
    pub vehicle: Option<usize>,
    /// The driver the vehicle is rated with (index into the quote's drivers).
    pub driver: Option<usize>,
    pub limit: Option<Arc<str>>,
    pub deductible: Option<Arc<str>>,
    pub premium: Decimal,
    pub worksheet: Worksheet,
}

/// A worksheet line as the engine writes it, before it is kept compact
/// (see [`Worksheet`]).
#[derive(Debug, Clone)]
struct EngineLine {
    step: Arc<str>,
    operation: Operation,
    table: Option<Arc<str>>,
    key: Option<EngineKey>,
    label: Option<Arc<str>>,
    value: Decimal,
    subtotal: Decimal,
    note: Option<EngineNote>,
}

/// How an engine line's value was reached.
#[derive(Debug, Clone, Copy)]
enum EngineNote {
    Noted(Noted),
    Between(((Decimal, Decimal), (Decimal, Decimal))),
}

/// What an engine line was keyed by.
#[derive(Debug, Clone)]
enum EngineKey {
    One(Variable, Value),
    Two(Variable, Value, Variable, Value),
    Code(Arc<str>),
}

impl std::fmt::Display for EngineKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::One(k, v) => write!(f, "{k}={v}"),
            Self::Two(k1, v1, k2, v2) => write!(f, "{k1}={v1}, {k2}={v2}"),
            Self::Code(code) => f.write_str(code),
        }
    }
}

/// The engine's lines of one coverage premium as a [`Worksheet`], its words
/// numbered in a text of its own.
fn worksheet_of(lines: Vec<EngineLine>) -> Worksheet {
    fn value(text: &mut SheetText, v: Value) -> KeyValue {
        match v {
            Value::Text(t) => KeyValue::Word(text.add(&t)),
            other => KeyValue::of(&other).unwrap_or(KeyValue::Integer(0)),
        }
    }
    let mut text = SheetText::default();
    let lines = lines
        .into_iter()
        .map(|l| {
            let key = l.key.map(|k| match k {
                EngineKey::One(k, v) => Key::One(k, value(&mut text, v)),
                EngineKey::Two(k1, v1, k2, v2) => {
                    let v1 = value(&mut text, v1);
                    Key::Two(k1, v1, k2, value(&mut text, v2))
                }
                EngineKey::Code(c) => Key::Code(text.add(&c)),
            });
            Line {
                step: text.add(&l.step),
                operation: l.operation,
                table: l.table.as_ref().map(|t| text.add(t)),
                key,
                label: l.label.as_ref().map(|x| text.add(x)),
                value: l.value,
                subtotal: l.subtotal,
                note: l.note.map(|n| match n {
                    EngineNote::Noted(n) => n,
                    EngineNote::Between(rows) => Noted::Interpolated(text.add_between(rows)),
                }),
            }
        })
        .collect();
    Worksheet::new(Arc::new(text), lines)
}

/// One driver's part in a personal auto rating: the vehicles rated with
/// them, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DriverAssignment {
    /// Index into the quote's drivers.
    pub driver: usize,
    pub role: DriverRole,
    /// The vehicles rated with this driver (indexes into the quote's vehicles).
    pub vehicles: Vec<usize>,
    /// How the driver ranks: the driver's own factors and discounts applied
    /// to the base rates of the coverages chosen (higher rates higher); an
    /// excluded driver has none.
    pub rank: Option<Decimal>,
}

/// Why a driver is, or is not, rated on a vehicle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DriverRole {
    /// The principal driver the quote names for the vehicles.
    Principal,
    /// Assigned by rank: the highest-rated driver to the highest-rated vehicle.
    Assigned,
    /// Principal on no vehicle, rated on the highest-rated vehicle whose
    /// principal driver rates lower; with no vehicles, rates no higher than
    /// any principal driver.
    Occasional,
    /// More drivers than vehicles, and rates no higher than any assigned driver.
    Excess,
    /// Excluded from cover by name: not rated.
    Excluded,
}

impl DriverRole {
    /// The name ratings use (its JSON form).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Principal => "principal",
            Self::Assigned => "assigned",
            Self::Occasional => "occasional",
            Self::Excess => "excess",
            Self::Excluded => "excluded",
        }
    }
}

/// A fee, surcharge or assessment, stated apart from the coverage premiums.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeeLine {
    pub code: Arc<str>,
    pub name: Arc<str>,
    pub amount: Decimal,
    pub class: FeeClass,
    pub earning: FeeEarning,
    /// How the amount was reached: `2 vehicles x 5.00`, `1.0% of 1200.00`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstallmentSchedule {
    pub plan: String,
    pub name: String,
    pub installments: Vec<Installment>,
    /// What the insured pays in all: the total plus installment fees.
    pub total_payable: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Installment {
    pub number: u32,
    pub due: Date,
    pub premium: Decimal,
    pub fee: Decimal,
    pub amount: Decimal,
}

/// The explainable risk score of the riskiest rating unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskScore {
    /// The unit it describes: `vehicles[0]`, `dwelling`.
    pub unit: String,
    /// Predicted claim frequency, exp(intercept + sum of contributions).
    pub frequency: Decimal,
    /// exp(sum of contributions) before capping.
    pub relativity: Decimal,
    /// The relativity within the pack's caps.
    pub capped_relativity: Decimal,
    pub usage: RiskUsage,
    /// Whether it moved the premium.
    pub applied: bool,
    pub intercept: Decimal,
    pub contributions: Vec<Contribution>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contribution {
    pub variable: Variable,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<String>,
    pub value: Value,
    /// The reference value the contribution is measured from.
    pub base: Decimal,
    pub coefficient: Decimal,
    /// coefficient x (value - base), on the log scale.
    pub contribution: Decimal,
}

/// Accept, refer or decline, with the reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub action: Action,
    pub reasons: Vec<Reason>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Reason {
    pub code: Arc<str>,
    pub action: Action,
    pub message: Arc<str>,
    /// What triggered it: `drivers[1]`, `vehicles[0]`, `dwelling`, `policy`.
    pub subject: String,
}

const N_VARS: usize = Variable::ALL.len();

/// What a unit of facts describes, for messages and reasons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Subject {
    Vehicle(usize),
    Driver(usize),
    /// A driver with a vehicle (underwriting and the risk score).
    DriverWith(usize, usize),
    Dwelling,
}

impl Subject {
    /// What a reason names: the driver, whichever vehicle they drive.
    fn reason(self) -> String {
        match self {
            Self::DriverWith(d, _) => Self::Driver(d).to_string(),
            other => other.to_string(),
        }
    }
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Vehicle(i) => write!(f, "vehicles[{i}]"),
            Self::Driver(i) => write!(f, "drivers[{i}]"),
            Self::DriverWith(d, v) => write!(f, "drivers[{d}] with vehicles[{v}]"),
            Self::Dwelling => f.write_str("dwelling"),
        }
    }
}

/// The values of every variable for one rating unit.
#[derive(Debug, Clone)]
struct Facts {
    values: [Option<Value>; N_VARS],
    subject: Subject,
}

impl Facts {
    fn new(subject: Subject) -> Self {
        Self { values: std::array::from_fn(|_| None), subject }
    }

    fn get(&self, v: Variable) -> Option<&Value> {
        self.values[v as usize].as_ref()
    }
}

/// A fact's value as the quote gives it: text is borrowed, so a sink that
/// encodes it (the compiled plan's) never allocates.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Fact<'q> {
    Integer(i64),
    Decimal(Decimal),
    Text(&'q str),
    Boolean(bool),
}

/// Where the facts of a quote are written: the engine's [`Facts`], or the
/// compiled plan's slots. One derivation serves both.
pub(crate) trait FactSink {
    fn set(&mut self, var: Variable, fact: Fact<'_>);
}

impl Fact<'_> {
    fn value(self) -> Value {
        match self {
            Fact::Integer(n) => Value::Integer(n),
            Fact::Decimal(d) => Value::Decimal(d),
            Fact::Text(t) => Value::Text(Arc::from(t)),
            Fact::Boolean(b) => Value::Boolean(b),
        }
    }
}

impl FactSink for Facts {
    fn set(&mut self, var: Variable, fact: Fact<'_>) {
        self.values[var as usize] = Some(fact.value());
    }
}

/// One variable's value for a vehicle and a driver of the quote (or the
/// policy and its dwelling), by the same derivation as every other fact.
pub(crate) fn fact_of(pack: &RatePack, q: &ValidQuote, var: Variable, vehicle: Option<usize>, driver: Option<usize>) -> Option<Value> {
    struct Capture(Variable, Option<Value>);
    impl FactSink for Capture {
        fn set(&mut self, var: Variable, fact: Fact<'_>) {
            if var == self.0 {
                self.1 = Some(fact.value());
            }
        }
    }
    let mut capture = Capture(var, None);
    match var.scope() {
        crate::variable::Scope::Policy => write_policy_facts(pack, q, &mut capture),
        crate::variable::Scope::Dwelling => dwelling_facts(&mut capture, q),
        crate::variable::Scope::Vehicle => vehicle.into_iter().for_each(|v| vehicle_facts(&mut capture, q, v)),
        crate::variable::Scope::Driver => driver.into_iter().for_each(|d| driver_facts(pack, &mut capture, q, d)),
        crate::variable::Scope::Coverage => {}
    }
    capture.1
}

fn count(n: usize) -> Fact<'static> {
    Fact::Integer(i64::try_from(n).unwrap_or(i64::MAX))
}

fn policy_facts(pack: &RatePack, q: &ValidQuote, subject: Subject) -> Facts {
    let mut f = Facts::new(subject);
    write_policy_facts(pack, q, &mut f);
    f
}

/// The policy's facts (both products).
pub(crate) fn write_policy_facts(pack: &RatePack, q: &ValidQuote, f: &mut impl FactSink) {
    f.set(Variable::VehicleCount, count(q.vehicles.len()));
    let plan = pack.plans.iter().find(|p| p.code == q.installment_plan);
    f.set(Variable::PaidInFull, Fact::Boolean(plan.is_some_and(|p| p.installments == 1)));
    f.set(Variable::TermMonths, Fact::Integer(i64::from(q.term_months)));
    // A missing credit history is the `no-hit` tier, which state law (Texas
    // 559.052) defines as neutral; packs rate it explicitly.
    f.set(Variable::CreditTier, Fact::Text(q.credit_tier.as_deref().unwrap_or("no-hit")));
    let five_years_ago = years_before(q.effective_date, 5);
    f.set(Variable::PriorClaims5y, count(q.prior_claims.iter().filter(|c| c.date > five_years_ago).count()));
    let three_years_ago = years_before(q.effective_date, 3);
    let chargeable = q.prior_claims.iter().filter(|c| c.date >= three_years_ago && c.date <= q.effective_date && !c.natural_or_appliance());
    f.set(Variable::ChargeableClaims3y, count(chargeable.count()));
    f.set(Variable::Renewal, Fact::Boolean(q.renewal));
    f.set(Variable::Eft, Fact::Boolean(q.payment_method == Some(crate::quote::PaymentMethod::Eft)));
    if let Some(prior) = &q.prior_insurance {
        f.set(Variable::PriorInsuranceMonths, Fact::Integer(i64::from(prior.months)));
        f.set(Variable::LapseDays, Fact::Integer(i64::from(prior.lapse_days)));
    }
    match (q.renewal, q.inception_date) {
        (false, _) => f.set(Variable::TenureYears, Fact::Integer(0)),
        (true, Some(inception)) => f.set(Variable::TenureYears, Fact::Integer(full_years(inception, q.effective_date).max(0))),
        (true, None) => {}
    }
}

pub(crate) fn driver_facts(pack: &RatePack, f: &mut impl FactSink, q: &ValidQuote, driver: usize) {
    let d = &q.drivers[driver];
    let eff = q.effective_date;
    let (three, ten) = (years_before(eff, 3), years_before(eff, 10));
    f.set(Variable::DriverAge, Fact::Integer(full_years(d.date_of_birth, eff)));
    f.set(Variable::YearsLicensed, Fact::Integer(full_years(d.license_date, eff).max(0)));
    // A window of N years runs from the same day N years before the
    // effective date, that day included (Cal. Ins. Code 1861.025(c), 10 CCR
    // 2632.13.1(b)(1)), to the effective date.
    let recent = |date: Date, since: Date| date >= since && date <= eff;
    let violation_points: i64 =
        d.violations.iter().filter(|v| recent(v.date, three)).map(|v| pack.points.get(&v.kind).copied().unwrap_or(0)).sum();
    let at_fault = d.accidents.iter().filter(|a| a.at_fault && recent(a.date, three)).count();
    let accident_points = pack.accident_points * i64::try_from(at_fault).unwrap_or(i64::MAX);
    f.set(Variable::ViolationPoints3y, Fact::Integer(violation_points.saturating_add(accident_points)));
    f.set(Variable::AtFaultAccidents3y, count(at_fault));
    f.set(
        Variable::AtFaultInjuryAccidents3y,
        count(d.accidents.iter().filter(|a| a.at_fault && a.bodily_injury && recent(a.date, three)).count()),
    );
    let duis = |since| d.violations.iter().filter(|v| v.kind == ViolationKind::Dui && recent(v.date, since)).count();
    f.set(Variable::Dui3y, count(duis(three)));
    f.set(Variable::Dui10y, count(duis(ten)));
    // The statute's own point count: one per at-fault accident, and each
    // violation as Veh. Code 12810 counts it.
    let statutory_points: i64 = d.violations.iter().filter(|v| recent(v.date, three)).map(|v| v.kind.california_points()).sum::<i64>()
        + i64::try_from(at_fault).unwrap_or(i64::MAX);
    let injury = d.accidents.iter().any(|a| a.at_fault && a.bodily_injury && recent(a.date, three));
    f.set(
        Variable::CaGoodDriver,
        Fact::Boolean(full_years(d.license_date, eff) >= 3 && statutory_points <= 1 && !injury && duis(ten) == 0),
    );
    f.set(Variable::GoodStudent, Fact::Boolean(d.good_student));
    f.set(Variable::DefensiveDriving, Fact::Boolean(d.defensive_driving));
    if let Some(course) = d.course_date {
        f.set(Variable::CourseYears, Fact::Integer(full_years(course, eff).max(0)));
    }
}

pub(crate) fn vehicle_facts(f: &mut impl FactSink, q: &ValidQuote, vehicle: usize) {
    let v = &q.vehicles[vehicle];
    f.set(Variable::GaragingZip, Fact::Text(v.garaging_zip.as_str()));
    f.set(Variable::ModelYear, Fact::Integer(i64::from(v.year)));
    f.set(Variable::VehicleAge, Fact::Integer(i64::from(q.effective_date.year() - v.year).max(0)));
    f.set(Variable::VehicleUse, Fact::Text(v.usage.name()));
    f.set(Variable::AnnualMiles, Fact::Integer(i64::from(v.annual_miles)));
    f.set(Variable::AntiTheft, Fact::Boolean(v.anti_theft));
    f.set(Variable::PriceSymbol, Fact::Text(v.price_symbol()));
}

pub(crate) fn dwelling_facts(f: &mut impl FactSink, q: &ValidQuote) {
    let Some(d) = &q.dwelling else { return };
    f.set(Variable::DwellingZip, Fact::Text(d.risk_zip(&q.applicant)));
    f.set(Variable::CoverageA, Fact::Decimal(d.coverage_a));
    f.set(Variable::DwellingAge, Fact::Integer(i64::from(q.effective_date.year() - d.year_built).max(0)));
    f.set(Variable::Construction, Fact::Text(d.construction.name()));
    f.set(Variable::ProtectionClass, Fact::Integer(i64::from(d.protection_class)));
    f.set(Variable::RoofAge, Fact::Integer(i64::from(d.roof_age)));
    f.set(Variable::RoofType, Fact::Text(d.roof_type.name()));
    f.set(Variable::SquareFeet, Fact::Integer(i64::from(d.square_feet)));
    let wind = d.wind_mitigation.as_ref();
    let text = |name: Option<&'static str>| Fact::Text(name.unwrap_or("unknown"));
    f.set(Variable::RoofShape, text(wind.map(|w| w.roof_shape.name())));
    f.set(Variable::RoofDeck, text(wind.map(|w| w.roof_deck.name())));
    f.set(Variable::RoofToWall, text(wind.map(|w| w.roof_to_wall.name())));
    f.set(Variable::OpeningProtection, text(wind.map(|w| w.opening_protection.name())));
    f.set(Variable::SecondaryWaterResistance, Fact::Boolean(wind.is_some_and(|w| w.secondary_water_resistance)));
    let fire = d.wildfire_mitigation.as_ref();
    f.set(Variable::WildfireCommunity, Fact::Text(fire.and_then(|w| w.community).map_or("none", |c| c.name())));
    f.set(Variable::WildfireMeasures, Fact::Integer(fire.map_or(0, |w| i64::try_from(w.measures.len()).unwrap_or(i64::MAX))));
}

/// The rating units (each vehicle with the driver it is rated with, or the
/// dwelling), every driver's own facts, and who was rated where.
struct Units {
    rating: Vec<Facts>,
    /// Per driver: only the driver's variables set (empty for homeowners).
    drivers: Vec<Facts>,
    /// Per vehicle: the driver it is rated with.
    rated_with: Vec<usize>,
    assignment: Vec<DriverAssignment>,
}

fn rating_units(pack: &RatePack, q: &ValidQuote, record: bool) -> Units {
    match q.product {
        Product::PersonalAuto => {
            let mut rating: Vec<Facts> = (0..q.vehicles.len())
                .map(|i| {
                    let mut f = policy_facts(pack, q, Subject::Vehicle(i));
                    vehicle_facts(&mut f, q, i);
                    f
                })
                .collect();
            let drivers: Vec<Facts> = (0..q.drivers.len())
                .map(|d| {
                    let mut f = Facts::new(Subject::Driver(d));
                    driver_facts(pack, &mut f, q, d);
                    f
                })
                .collect();
            let (rated_with, assignment) = assign_drivers(pack, q, record, || Comparer::new(pack, q, &rating, &drivers));
            for (unit, d) in rating.iter_mut().zip(&rated_with) {
                copy_driver(unit, &drivers[*d]);
            }
            Units { rating, drivers, rated_with, assignment }
        }
        Product::HomeownersHo3 => {
            let mut f = policy_facts(pack, q, Subject::Dwelling);
            dwelling_facts(&mut f, q);
            Units { rating: vec![f], drivers: Vec::new(), rated_with: Vec::new(), assignment: Vec::new() }
        }
    }
}

/// Sets a unit's driver variables to one driver's.
fn copy_driver(unit: &mut Facts, driver: &Facts) {
    for v in DRIVER_VARS {
        unit.values[*v as usize].clone_from(&driver.values[*v as usize]);
    }
}

const DRIVER_VARS: &[Variable] = &{
    let mut out = [Variable::YearsLicensed; DRIVER_VAR_COUNT];
    let mut i = 0;
    let mut k = 0;
    while i < Variable::ALL.len() {
        if matches!(Variable::ALL[i].scope(), crate::variable::Scope::Driver) {
            out[k] = Variable::ALL[i];
            k += 1;
        }
        i += 1;
    }
    out
};

const DRIVER_VAR_COUNT: usize = {
    let mut n = 0;
    let mut i = 0;
    while i < Variable::ALL.len() {
        if matches!(Variable::ALL[i].scope(), crate::variable::Scope::Driver) {
            n += 1;
        }
        i += 1;
    }
    n
};

/// Whether every variable an adjustment reads is in `scope` (the statutory
/// Good Driver test reads only the driver's record).
pub(crate) fn adjustment_in_scope(a: &Adjustment, scope: crate::variable::Scope) -> bool {
    match &a.eligibility {
        Eligibility::Statutory(Statutory::CaGoodDriver) => scope == crate::variable::Scope::Driver,
        Eligibility::Conditions(conditions) => conditions.iter().all(|c| c.var.scope() == scope),
    }
}

/// One side's part of each coverage's premium, by the pack's coverage index
/// (zero for a coverage the quote does not choose, or not on the vehicle):
/// for a vehicle, the base rate times the factors of the steps keyed by no
/// driver variable (territory, use, age, limit, deductible) and the discounts
/// and surcharges that read only the vehicle; for a driver, the factors of
/// the steps keyed only by driver variables (record, experience) and the
/// discounts and surcharges that read only the driver. In `f64`, unrounded:
/// a part ranks, it never charges (near ties go to the engine's premiums).
#[expect(clippy::float_arithmetic, reason = "a rank orders drivers and vehicles and never charges; near ties go to the Decimal premiums")]
fn parts(pack: &RatePack, choices: &[ChoiceOf<'_>], facts: &Facts, vehicle: Option<usize>, out: &mut [f64]) {
    use crate::variable::Scope;
    use rust_decimal::prelude::ToPrimitive;
    let side = |v: &Variable| match vehicle {
        None => v.scope() == Scope::Driver,
        Some(_) => v.scope() != Scope::Driver,
    };
    let scope = if vehicle.is_some() { Scope::Vehicle } else { Scope::Driver };
    let f64_of = |d: Decimal| d.to_f64().unwrap_or(1.0);
    // The discounts and surcharges this side earns, each tested once.
    let adjustments: Vec<(&Adjustment, f64)> = pack
        .discounts
        .iter()
        .map(|a| (a, 1.0 - f64_of(a.rate)))
        .chain(pack.surcharges.iter().map(|a| (a, 1.0 + f64_of(a.rate))))
        .filter(|(a, _)| adjustment_in_scope(a, scope) && eligible(a, facts))
        .collect();
    // Coverages share tables (territory, driving record): each table and
    // key once per side.
    let mut seen: Vec<(usize, &[Variable], f64)> = Vec::with_capacity(12);
    for (ci, cov) in pack.coverages.iter().enumerate() {
        out[ci] = 0.0;
        let on_this = |c: &&ChoiceOf<'_>| {
            c.coverage == ci
                && match (vehicle, c.vehicles) {
                    (Some(v), Some(on)) => on.contains(&v),
                    _ => true,
                }
        };
        let Some(choice) = choices.iter().find(on_this) else { continue };
        let get = |var: Variable| match var {
            Variable::Limit => choice.limit.as_ref(),
            Variable::Deductible => choice.deductible.as_ref(),
            other => facts.get(other),
        };
        let mut r = 1.0;
        for step in &cov.steps {
            match &step.kind {
                StepKind::Base(v) if vehicle.is_some() => r = f64_of(*v),
                StepKind::Lookup { table, keys } if keys.iter().all(side) => {
                    let per_coverage = keys.iter().any(|k| k.scope() == Scope::Coverage);
                    if !per_coverage {
                        if let Some((_, _, f)) = seen.iter().find(|(t, k, _)| t == table && *k == keys.as_slice()) {
                            r *= f;
                            continue;
                        }
                    }
                    let t = &pack.tables[*table];
                    let found = match keys.as_slice() {
                        [a] => get(*a).and_then(|x| t.lookup(&[x])),
                        [a, b] => get(*a).zip(get(*b)).and_then(|(x, y)| t.lookup(&[x, y])),
                        _ => None,
                    };
                    let f = found.map_or(1.0, |found| f64_of(found.value));
                    if !per_coverage {
                        seen.push((*table, keys.as_slice(), f));
                    }
                    r *= f;
                }
                _ => {}
            }
        }
        for (a, factor) in &adjustments {
            if a.coverages.as_ref().is_none_or(|c| c.contains(&ci)) {
                r *= factor;
            }
        }
        out[ci] = r;
    }
}

/// A per-vehicle coverage the quote chooses, by the pack's coverage index:
/// its limit and deductible as rating values, and the vehicles it is on.
struct ChoiceOf<'q> {
    /// Index into the pack's coverages.
    coverage: usize,
    limit: Option<Value>,
    deductible: Option<Value>,
    vehicles: Option<&'q [usize]>,
}

/// Every selection of the pack's per-vehicle coverages, with the index of
/// its coverage (a per-vehicle coverage may be selected once per group of
/// vehicles, each with its own deductible). One list, not one per
/// coverage: the ranking builds it for every quote.
fn choices<'q>(pack: &RatePack, q: &'q ValidQuote) -> Vec<ChoiceOf<'q>> {
    let mut out = Vec::with_capacity(q.coverages.len());
    for (ci, cov) in pack.coverages.iter().enumerate().filter(|(_, c)| c.per == Per::Vehicle) {
        out.extend(q.coverages.iter().filter(|c| c.code == *cov.code).map(|choice| ChoiceOf {
            coverage: ci,
            limit: choice.limit.as_deref().map(|l| Value::Text(Arc::from(l))),
            deductible: choice.deductible.as_deref().map(|d| Value::Text(Arc::from(d))),
            vehicles: choice.vehicles.as_deref(),
        }));
    }
    out
}

/// Who each vehicle is rated with, by the pack's method, and every
/// driver's part.
///
/// Both methods choose, among the assignments they allow, the one that
/// gives the highest premium: filed programs word it "drivers are assigned
/// to produce the highest premium", and where ratings multiply it is the
/// highest-rated driver on the highest-rated vehicle, the next on the next.
/// So a worse record, or one more driver, never lowers a premium.
/// `highest-rated` allows any assignment in which each vehicle has a
/// different driver (more drivers than vehicles) or every driver has a
/// vehicle (more vehicles than drivers); `principal` rates each vehicle with
/// its principal driver or, in place of them, one occasional driver (one
/// who is principal on no vehicle). Assignments are compared by an estimate
/// (see [`Comparer`]); those within 1 % of the best by the engine's own
/// premiums. A fleet too large to enumerate (more than 50,000 assignments)
/// is assigned vehicle by vehicle, highest-rated first.
#[expect(clippy::float_arithmetic, reason = "a rank orders drivers and vehicles and never charges; near ties go to the Decimal premiums")]
pub(crate) fn assign_drivers<R: Ranking>(
    pack: &RatePack,
    q: &ValidQuote,
    record: bool,
    ranking: impl FnOnce() -> R,
) -> (Vec<usize>, Vec<DriverAssignment>) {
    let n_vehicles = q.vehicles.len();
    let principal: Vec<usize> = q.vehicles.iter().map(|v| v.principal_driver).collect();
    let is_principal = |d: usize| principal.contains(&d);
    let mut candidates: Vec<usize> = (0..q.drivers.len()).filter(|d| !q.drivers[*d].excluded).collect();
    // Nothing to choose: one driver for every vehicle, or principal drivers
    // and no one else.
    let trivial = match pack.assignment {
        AssignmentMethod::HighestRated => candidates.len() == 1,
        AssignmentMethod::Principal => candidates.iter().all(|&d| is_principal(d)),
    };
    let mut driver_rank: Vec<Option<Decimal>> = vec![None; q.drivers.len()];
    let rated_with: Vec<usize> = if trivial {
        match pack.assignment {
            AssignmentMethod::HighestRated => vec![candidates[0]; n_vehicles],
            AssignmentMethod::Principal => principal.clone(),
        }
    } else {
        let mut compare = ranking();
        let vehicle_rank: Vec<f64> = (0..n_vehicles).map(|v| compare.vehicle_rank(v)).collect();
        let mut vehicle_order: Vec<usize> = (0..n_vehicles).collect();
        vehicle_order.sort_by(|&a, &b| vehicle_rank[b].total_cmp(&vehicle_rank[a]).then(a.cmp(&b)));
        let top = vehicle_order.first().copied().unwrap_or(0);
        let dr = |d: usize| compare.estimate(d, top);
        candidates.sort_by(|&a, &b| dr(b).total_cmp(&dr(a)).then(a.cmp(&b)));
        if record {
            // To the cent, by integer conversion (from_f64 is slow and exact
            // to digits a rank does not have).
            for &d in &candidates {
                #[allow(clippy::cast_possible_truncation)]
                let cents = (compare.estimate(d, top) * 100.0).round() as i64;
                driver_rank[d] = Some(Decimal::new(cents, 2));
            }
        }
        let best = best_assignment(pack, &mut compare, &candidates, &vehicle_order, &principal);
        let mut rated_with = vec![0; n_vehicles];
        for (&d, &v) in best.iter().zip(&vehicle_order) {
            rated_with[v] = d;
        }
        rated_with
    };
    if !record {
        return (rated_with, Vec::new());
    }
    let assignment = (0..q.drivers.len())
        .map(|d| {
            let on: Vec<usize> = (0..n_vehicles).filter(|v| rated_with[*v] == d).collect();
            let role = match (q.drivers[d].excluded, pack.assignment) {
                (true, _) => DriverRole::Excluded,
                (false, AssignmentMethod::Principal) if is_principal(d) => DriverRole::Principal,
                (false, AssignmentMethod::Principal) => DriverRole::Occasional,
                (false, AssignmentMethod::HighestRated) if on.is_empty() => DriverRole::Excess,
                (false, AssignmentMethod::HighestRated) => DriverRole::Assigned,
            };
            DriverAssignment { driver: d, role, vehicles: on, rank: driver_rank[d] }
        })
        .collect();
    (rated_with, assignment)
}

/// The allowed map from vehicles (in `vehicle_order`) to drivers with the
/// highest premium; see [`assign_drivers`].
#[expect(clippy::float_arithmetic, reason = "a rank orders drivers and vehicles and never charges; near ties go to the Decimal premiums")]
fn best_assignment(
    pack: &RatePack,
    compare: &mut impl Ranking,
    candidates: &[usize],
    vehicle_order: &[usize],
    principal: &[usize],
) -> Vec<usize> {
    let n_vehicles = vehicle_order.len();
    let is_principal = |d: usize| principal.contains(&d);
    // Every map from vehicles (highest-rated first) to drivers (highest-rated
    // first) the method allows, in that order, so the first of equal
    // premiums puts higher-rated drivers on higher-rated vehicles.
    let allowed = |map: &[usize]| -> bool {
        let used = |d: usize| map.iter().filter(|&&x| x == d).count();
        match pack.assignment {
            AssignmentMethod::HighestRated if candidates.len() >= n_vehicles => candidates.iter().all(|&d| used(d) <= 1),
            AssignmentMethod::HighestRated => candidates.iter().all(|&d| used(d) >= 1),
            AssignmentMethod::Principal => {
                map.iter().zip(vehicle_order).all(|(&d, &v)| d == principal[v] || (!is_principal(d) && used(d) == 1))
            }
        }
    };
    let n = candidates.len();
    let total_maps = n.checked_pow(u32::try_from(n_vehicles).unwrap_or(u32::MAX)).filter(|&t| t <= 50_000);
    let Some(total_maps) = total_maps else {
        // Too many to enumerate: vehicle by vehicle, the highest-rated
        // remaining driver (or the principal driver).
        let mut free = candidates.to_vec();
        return vehicle_order
            .iter()
            .map(|&v| match pack.assignment {
                AssignmentMethod::Principal => principal[v],
                AssignmentMethod::HighestRated => {
                    let pick = free.first().copied().unwrap_or(candidates[n - 1]);
                    free.retain(|&d| d != pick);
                    pick
                }
            })
            .collect();
    };
    // Maps are kept by their number, and spelt out again when needed.
    let spell = |code: usize, map: &mut [usize]| {
        let mut c = code;
        for slot in map.iter_mut().rev() {
            *slot = candidates[c % n];
            c /= n;
        }
    };
    let mut scored: Vec<(usize, f64)> = Vec::new();
    let mut map = vec![0usize; n_vehicles];
    for code in 0..total_maps {
        spell(code, &mut map);
        if allowed(&map) {
            let estimate: f64 = map.iter().zip(vehicle_order).map(|(&d, &v)| compare.estimate(d, v)).sum();
            scored.push((code, estimate));
        }
    }
    let best = scored.iter().map(|(_, e)| *e).fold(f64::NEG_INFINITY, f64::max);
    let mut near = scored.iter().filter(|(_, e)| (best - *e) * 100.0 <= best);
    let (first, second) = (near.next(), near.next());
    let Some(&(first, _)) = first else { return Vec::new() };
    if second.is_none() {
        spell(first, &mut map);
        return map;
    }
    let mut chosen: Option<(usize, Decimal, f64)> = None;
    for &(code, estimate) in scored.iter().filter(|(_, e)| (best - *e) * 100.0 <= best) {
        spell(code, &mut map);
        let exact: Decimal = map.iter().zip(vehicle_order).map(|(&d, &v)| compare.price(d, v)).sum();
        if chosen.as_ref().is_none_or(|(_, e, est)| exact > *e || (exact == *e && estimate > *est)) {
            chosen = Some((code, exact, estimate));
        }
    }
    match chosen {
        Some((code, _, _)) => {
            spell(code, &mut map);
            map
        }
        None => Vec::new(),
    }
}

/// What the driver assignment compares: how vehicles rank, what each
/// vehicle would cost with each driver by estimate, and by the engine's own
/// premium where estimates are too close to call. The engine's [`Comparer`]
/// and the compiled plan's each give the same numbers from their own facts.
pub(crate) trait Ranking {
    /// The sum of a vehicle's parts of every coverage: higher rates higher.
    fn vehicle_rank(&self, v: usize) -> f64;
    /// What vehicle `v` would cost rated with driver `d`, estimated.
    fn estimate(&self, d: usize, v: usize) -> f64;
    /// The premium the engine gives vehicle `v` rated with driver `d`.
    fn price(&mut self, d: usize, v: usize) -> Decimal;
}

/// What a vehicle would cost rated with a driver: an estimate (each
/// coverage's vehicle part times the driver's part times the risk factor the
/// pair would get), and the engine's own premium where estimates are too
/// close for rounding and minimums not to reverse them.
struct Comparer<'a> {
    pack: &'a RatePack,
    q: &'a ValidQuote,
    vehicles: &'a [Facts],
    drivers: &'a [Facts],
    vehicle_parts: Vec<Vec<f64>>,
    /// By driver x vehicles + vehicle.
    estimates: Vec<f64>,
    /// (driver, vehicle) -> the engine's premium, once computed.
    exact: Vec<((usize, usize), Decimal)>,
}

impl<'a> Comparer<'a> {
    #[expect(
        clippy::float_arithmetic,
        reason = "a rank orders drivers and vehicles and never charges; near ties go to the Decimal premiums"
    )]
    fn new(pack: &'a RatePack, q: &'a ValidQuote, vehicles: &'a [Facts], drivers: &'a [Facts]) -> Self {
        use rust_decimal::prelude::ToPrimitive;
        let chosen = choices(pack, q);
        let n = pack.coverages.len();
        let mut vehicle_parts = Vec::with_capacity(vehicles.len());
        for (v, facts) in vehicles.iter().enumerate() {
            let mut buf = vec![0.0; n];
            parts(pack, &chosen, facts, Some(v), &mut buf);
            vehicle_parts.push(buf);
        }
        // The risk model's sum splits into the driver's features and the
        // rest, so a pair's relativity needs no unit of its own.
        let rating_model = pack.risk.as_ref().filter(|m| m.usage == RiskUsage::Rate);
        let rated: Vec<bool> = (0..n).map(|ci| risk_rates(pack, ci)).collect();
        let sum = |facts: &Facts, driver: bool| {
            rating_model.map_or(0.0, |m| {
                risk_sum(m, facts, |var| (var.scope() == crate::variable::Scope::Driver) == driver).to_f64().unwrap_or(0.0)
            })
        };
        let vehicle_risk: Vec<f64> = vehicles.iter().map(|f| sum(f, false)).collect();
        let (lo, hi) = rating_model.map_or((1.0, 1.0), |m| (m.min_factor.to_f64().unwrap_or(1.0), m.max_factor.to_f64().unwrap_or(1.0)));
        let mut estimates = vec![0.0; drivers.len() * vehicles.len()];
        let mut buf = vec![0.0; n];
        for (d, facts) in drivers.iter().enumerate() {
            if q.drivers[d].excluded {
                continue;
            }
            parts(pack, &chosen, facts, None, &mut buf);
            let driver_risk = sum(facts, true);
            for (v, vp) in vehicle_parts.iter().enumerate() {
                let relativity =
                    if rating_model.is_some() { (driver_risk + vehicle_risk[v]).clamp(-20.0, 20.0).exp().clamp(lo, hi) } else { 1.0 };
                estimates[d * vehicles.len() + v] =
                    buf.iter().zip(vp).enumerate().map(|(ci, (a, b))| a * b * if rated[ci] { relativity } else { 1.0 }).sum::<f64>();
            }
        }
        Self { pack, q, vehicles, drivers, vehicle_parts, estimates, exact: Vec::new() }
    }

    /// The unit of vehicle `v` rated with driver `d`.
    fn unit(&self, d: usize, v: usize) -> Facts {
        let mut f = self.vehicles[v].clone();
        copy_driver(&mut f, &self.drivers[d]);
        f
    }
}

impl Ranking for Comparer<'_> {
    fn vehicle_rank(&self, v: usize) -> f64 {
        self.vehicle_parts[v].iter().sum()
    }

    fn estimate(&self, d: usize, v: usize) -> f64 {
        self.estimates[d * self.vehicles.len() + v]
    }

    fn price(&mut self, d: usize, v: usize) -> Decimal {
        if let Some((_, p)) = self.exact.iter().find(|(k, _)| *k == (d, v)) {
            return *p;
        }
        let mut unit = self.unit(d, v);
        let relativity = risk_relativities(self.pack, std::slice::from_ref(&unit))[0];
        let label: Arc<str> = Arc::from("risk score");
        let mut p = Decimal::ZERO;
        for (ci, cov) in self.pack.coverages.iter().enumerate() {
            let on_v = |c: &&crate::quote::CoverageChoice| c.code == *cov.code && c.vehicles.as_ref().is_none_or(|on| on.contains(&v));
            let Some(choice) = self.q.coverages.iter().find(on_v) else { continue };
            if cov.per != Per::Vehicle {
                continue;
            }
            unit.values[Variable::Limit as usize] = choice.limit.as_deref().map(|l| Value::Text(Arc::from(l)));
            unit.values[Variable::Deductible as usize] = choice.deductible.as_deref().map(|d| Value::Text(Arc::from(d)));
            p += rate_coverage(self.pack, ci, &unit, risk_on(self.pack, ci, relativity), &label, false)
                .map_or(Decimal::ZERO, |(premium, _)| premium);
        }
        self.exact.push(((d, v), p));
        p
    }
}

/// Units for underwriting: every vehicle with every driver who is covered,
/// so a rule on any driver's record fires whichever vehicle they drive.
/// Built from the rating units, whose text values are shared rather than
/// copied.
fn underwriting_units(q: &ValidQuote, units: &Units) -> Vec<Facts> {
    match q.product {
        Product::PersonalAuto => {
            let mut out = Vec::with_capacity(units.drivers.len() * units.rating.len());
            for (d, driver) in units.drivers.iter().enumerate() {
                if q.drivers[d].excluded {
                    continue;
                }
                for (v, unit) in units.rating.iter().enumerate() {
                    let mut f = unit.clone();
                    f.subject = Subject::DriverWith(d, v);
                    copy_driver(&mut f, driver);
                    out.push(f);
                }
            }
            out
        }
        Product::HomeownersHo3 => units.rating.clone(),
    }
}

pub(crate) fn compare(op: CompareOp, left: &Value, right: &[Value]) -> bool {
    let ord = |r: &Value| match (left.as_decimal(), r.as_decimal()) {
        (Some(a), Some(b)) => Some(a.cmp(&b)),
        _ => None,
    };
    match op {
        CompareOp::Eq => right.first().is_some_and(|r| left == r || ord(r) == Some(std::cmp::Ordering::Equal)),
        CompareOp::Ne => right.first().is_some_and(|r| !(left == r || ord(r) == Some(std::cmp::Ordering::Equal))),
        CompareOp::Lt => right.first().and_then(ord).is_some_and(std::cmp::Ordering::is_lt),
        CompareOp::Le => right.first().and_then(ord).is_some_and(std::cmp::Ordering::is_le),
        CompareOp::Gt => right.first().and_then(ord).is_some_and(std::cmp::Ordering::is_gt),
        CompareOp::Ge => right.first().and_then(ord).is_some_and(std::cmp::Ordering::is_ge),
        CompareOp::In => right.iter().any(|r| left == r || ord(r) == Some(std::cmp::Ordering::Equal)),
    }
}

fn holds(conditions: &[Condition], facts: &Facts) -> bool {
    conditions.iter().all(|c| facts.get(c.var).is_some_and(|v| compare(c.op, v, &c.value)))
}

fn eligible(adjustment: &Adjustment, facts: &Facts) -> bool {
    match &adjustment.eligibility {
        Eligibility::Conditions(conditions) => holds(conditions, facts),
        Eligibility::Statutory(Statutory::CaGoodDriver) => matches!(facts.get(Variable::CaGoodDriver), Some(Value::Boolean(true))),
    }
}

impl EngineLine {
    /// A line with no table, key, label or note.
    fn plain(step: &Arc<str>, operation: Operation, value: Decimal, subtotal: Decimal) -> Self {
        Self { step: step.clone(), operation, table: None, key: None, label: None, value, subtotal, note: None }
    }
}

fn line_key(keys: &[Variable], values: &[&Value]) -> EngineKey {
    match (keys, values) {
        ([k1, k2], [v1, v2]) => EngineKey::Two(*k1, (*v1).clone(), *k2, (*v2).clone()),
        ([k, ..], [v, ..]) => EngineKey::One(*k, (*v).clone()),
        _ => EngineKey::Code(Arc::from("")),
    }
}

/// Checks the parts of a quote that depend on the pack.
pub(crate) fn check_against_pack(pack: &RatePack, q: &ValidQuote) -> Result<(), RatingError> {
    let info = pack.info();
    if info.state != q.state || info.product != q.product {
        return Err(RatingError::WrongPack {
            pack: pack.id().to_owned(),
            pack_state: info.state.clone(),
            pack_product: info.product.to_string(),
            state: q.state.clone(),
            product: q.product.to_string(),
        });
    }
    let mut problems = Vec::new();
    let mut push = |path: String, message: String| problems.push(InputError { path, message });
    if let (Some(_), Some(why)) = (&q.credit_tier, pack.credit_forbidden) {
        push("credit_tier".into(), format!("must be left out in {}: {why}", info.state));
    }
    if !info.terms.contains(&q.term_months) {
        push("term_months".into(), format!("{} months is not a term this pack offers ({:?})", q.term_months, info.terms));
    }
    match pack.plans.iter().find(|p| p.code == q.installment_plan) {
        None => {
            let offered: Vec<&str> = pack.plans.iter().map(|p| p.code.as_str()).collect();
            push("installment_plan".into(), format!("`{}` is not one of {}", q.installment_plan, offered.join(", ")));
        }
        Some(plan) if q.term_months % plan.installments != 0 => {
            push("installment_plan".into(), format!("{} installments do not divide a {}-month term", plan.installments, q.term_months));
        }
        Some(_) => {}
    }
    for (i, choice) in q.coverages.iter().enumerate() {
        let Some(c) = pack.coverages.iter().find(|c| *c.code == choice.code) else {
            push(format!("coverages[{i}].code"), format!("`{}` is not a coverage of pack {}", choice.code, info.name));
            continue;
        };
        check_option(&mut push, i, "limit", &choice.limit, &c.limits);
        check_option(&mut push, i, "deductible", &choice.deductible, &c.deductibles);
        if choice.vehicles.is_some() && c.per != Per::Vehicle {
            push(format!("coverages[{i}].vehicles"), format!("{} is a policy coverage", c.code));
        }
    }
    if info.product == Product::PersonalAuto {
        if let Some(law) = crate::pack::jurisdiction::um_bounded_by_bi(&info.state) {
            let chosen = |code: &str| q.coverages.iter().position(|c| c.code == code).map(|i| (i, q.coverages[i].limit.as_deref()));
            if let Some((i, Some(um))) = chosen("UM") {
                match chosen("BI") {
                    Some((_, Some(bi))) if !limit_within(um, bi) => {
                        push(format!("coverages[{i}].limit"), format!("UM {um} is above BI {bi}: {law}"));
                    }
                    Some(_) => {}
                    None => push(format!("coverages[{i}]"), format!("UM needs BI: {law}")),
                }
            }
        }
    }
    check_elections(&mut push, pack, q);
    for c in pack.coverages.iter().filter(|c| c.required) {
        match q.coverages.iter().position(|x| x.code == *c.code) {
            None => push("coverages".into(), format!("{} ({}) is required", c.code, c.name)),
            Some(i) => {
                // Every vehicle, each by its own index, over every selection
                // of it: a list with a vehicle twice is as long as the fleet
                // and still leaves one out.
                let selections = || q.coverages.iter().filter(|x| x.code == *c.code);
                if selections().all(|x| x.vehicles.is_some()) {
                    let covered = |v: &usize| selections().any(|x| x.vehicles.as_ref().is_some_and(|on| on.contains(v)));
                    if let Some(missing) = (0..q.vehicles.len()).find(|v| !covered(v)) {
                        push(
                            format!("coverages[{i}].vehicles"),
                            format!("{} is required on every vehicle; vehicle {missing} has none", c.code),
                        );
                    }
                }
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(RatingError::Input(InputErrors(problems)))
    }
}

/// Each signed decision must be one the state's law asks for, and agree
/// with the coverages selected.
fn check_elections(push: &mut impl FnMut(String, String), pack: &RatePack, q: &ValidQuote) {
    let state = &pack.info.state;
    for (i, e) in q.elections.iter().enumerate() {
        let kinds: &[ElectionKind] = match e.decision {
            ElectionDecision::Rejected => &[ElectionKind::RejectInWriting, ElectionKind::Offer],
            ElectionDecision::Accepted => &[ElectionKind::Offer],
            ElectionDecision::LowerLimits => &[ElectionKind::LowerLimitsInWriting],
        };
        let Some(rule) = pack.elections.iter().find(|r| r.coverage == e.coverage && kinds.contains(&r.kind)) else {
            let asked: Vec<String> =
                pack.elections.iter().filter(|r| kinds.contains(&r.kind)).map(|r| format!("{} ({})", r.coverage, r.name)).collect();
            let what = match e.decision {
                ElectionDecision::Rejected => "rejects in writing",
                ElectionDecision::Accepted => "accepts as an offer",
                ElectionDecision::LowerLimits => "selects lower limits for in writing",
            };
            let which = if asked.is_empty() { "none".to_owned() } else { asked.join(", ") };
            push(format!("elections[{i}].coverage"), format!("`{}` is not a coverage the insured {what} in {state}: {which}", e.coverage));
            continue;
        };
        let selected = q.coverages.iter().any(|c| c.code == e.coverage);
        match e.decision {
            ElectionDecision::Rejected if selected => push(
                format!("elections[{i}].decision"),
                format!("{} is rejected, yet selected among the coverages; keep one of the two", e.coverage),
            ),
            ElectionDecision::Accepted if !selected && rule.written_by.is_none() => {
                push(format!("elections[{i}].decision"), format!("{} is accepted: select it among the coverages too", e.coverage));
            }
            ElectionDecision::LowerLimits if !um_below_bi(q) => push(
                format!("elections[{i}].decision"),
                "records lower uninsured motorist limits, but the UM limits selected are not below bodily injury's; remove it".to_owned(),
            ),
            _ => {}
        }
    }
}

fn check_option(push: &mut impl FnMut(String, String), i: usize, what: &str, chosen: &Option<String>, offered: &[String]) {
    match (chosen, offered.is_empty()) {
        (Some(x), true) => push(format!("coverages[{i}].{what}"), format!("`{x}` given, but this coverage has no {what} options")),
        (None, false) => push(format!("coverages[{i}].{what}"), format!("choose one of {}", offered.join(", "))),
        (Some(x), false) if !offered.contains(x) => {
            push(format!("coverages[{i}].{what}"), format!("`{x}` is not one of {}", offered.join(", ")))
        }
        _ => {}
    }
}

/// A risk feature's value for a unit: 1 or 0 for a boolean, and for a text
/// variable equal (or not) to the feature's level; the number otherwise.
fn feature_x(f: &crate::pack::Feature, unit: &Facts) -> Decimal {
    match (unit.get(f.var), &f.level) {
        (Some(Value::Text(t)), Some(level)) => Decimal::from(u8::from(**t == **level)),
        (Some(Value::Boolean(b)), _) => Decimal::from(u8::from(*b)),
        (Some(v), _) => v.as_decimal().unwrap_or(Decimal::ZERO),
        (None, _) => Decimal::ZERO,
    }
}

/// The model's log-scale sum for a unit, over the features `keep` picks.
fn risk_sum(model: &crate::pack::RiskModel, unit: &Facts, keep: impl Fn(Variable) -> bool) -> Decimal {
    model.features.iter().filter(|f| keep(f.var)).map(|f| f.coefficient * (feature_x(f, unit) - f.base)).sum()
}

/// exp of a log-scale sum, clamped first so no input can overflow (+-20 is
/// far beyond any realistic model), to six places.
pub(crate) fn risk_exp(x: Decimal) -> Decimal {
    let limit = Decimal::from(20);
    let x = x.clamp(-limit, limit);
    exp_to_six_places(x).unwrap_or_else(|| x.checked_exp().unwrap_or(Decimal::ONE).round_dp(6))
}

/// e^x to six places, as `x.checked_exp()?.round_dp(6)` gives it, found
/// with `f64` where that is certain: where e^x x 10^6 is far enough from a
/// half (relative to `f64`'s error, a million times over) that the exact
/// value rounds to the same whole number. `None` otherwise (then the
/// library's exp, about a hundred times slower, decides); also near x = 0,
/// whose result's scale the library decides.
#[expect(clippy::float_arithmetic, reason = "a candidate that is used only where it provably rounds as the exact value does")]
fn exp_to_six_places(x: Decimal) -> Option<Decimal> {
    use rust_decimal::prelude::ToPrimitive;
    if x.abs() < Decimal::new(1, 3) {
        return None;
    }
    let y = x.to_f64()?.exp() * 1e6;
    if !(1e3..1e13).contains(&y) {
        return None;
    }
    let from_half = (y - y.floor() - 0.5).abs();
    if from_half <= y * 1e-10 {
        return None;
    }
    #[expect(clippy::cast_possible_truncation, reason = "y is below 10^13")]
    let whole = y.round() as i64;
    Some(Decimal::new(whole, 6))
}

#[cfg(test)]
mod exp_tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 20_000, ..ProptestConfig::default() })]

        /// The fast path gives the library's value and scale wherever it answers.
        #[test]
        fn six_place_exp_is_the_librarys(m in -2_000_000_000i64..2_000_000_000, scale in 0u32..12) {
            let x = Decimal::new(m, scale).clamp(Decimal::from(-20), Decimal::from(20));
            let exact = x.checked_exp().unwrap_or(Decimal::ONE).round_dp(6);
            if let Some(fast) = exp_to_six_places(x) {
                prop_assert_eq!(fast, exact, "e^{}", x);
                prop_assert_eq!(fast.scale(), exact.scale(), "e^{}", x);
            }
            let got = risk_exp(x);
            prop_assert_eq!(got.to_string(), exact.to_string());
        }
    }

    #[test]
    fn the_fast_path_answers_for_ordinary_risk_sums() {
        for x in ["0.3", "-1.25", "2.718", "-0.0421", "4.5"] {
            assert!(exp_to_six_places(x.parse().expect("decimal")).is_some(), "{x}");
        }
        assert_eq!(exp_to_six_places(Decimal::ZERO), None);
    }
}

/// The relativity each rating unit's premium is multiplied by: the capped
/// risk relativity where the pack rates on it, 1 otherwise.
fn risk_relativities(pack: &RatePack, units: &[Facts]) -> Vec<Decimal> {
    match &pack.risk {
        Some(model) if model.usage == RiskUsage::Rate => units
            .iter()
            .map(|unit| risk_exp(risk_sum(model, unit, |_| true)).clamp(model.min_factor, model.max_factor).round_dp(4))
            .collect(),
        _ => vec![Decimal::ONE; units.len()],
    }
}

/// The relativity coverage `ci` is multiplied by: the unit's, where the
/// pack's model rates that coverage, else 1.
fn risk_on(pack: &RatePack, ci: usize, relativity: Decimal) -> Decimal {
    if risk_rates(pack, ci) {
        relativity
    } else {
        Decimal::ONE
    }
}

/// Whether the pack's risk model multiplies coverage `ci`.
pub(crate) fn risk_rates(pack: &RatePack, ci: usize) -> bool {
    pack.risk.as_ref().and_then(|m| m.rates.as_ref()).is_some_and(|(_, coverages)| coverages.contains(&ci))
}

/// The score of the riskiest unit (the highest predicted frequency; the
/// first of equals), with its contributions. For personal auto the units are
/// every covered driver with every vehicle; the model's sum is a driver's
/// features plus the vehicle's and the policy's, so the riskiest pair is the
/// riskiest driver with the riskiest vehicle, found in drivers + vehicles
/// sums rather than drivers x vehicles.
fn riskiest(pack: &RatePack, q: &ValidQuote, units: &Units, underwriting: &[Facts]) -> Option<RiskScore> {
    let model = pack.risk.as_ref()?;
    let best = match q.product {
        Product::PersonalAuto => {
            let driver = |var: Variable| var.scope() == crate::variable::Scope::Driver;
            let covered = (0..q.drivers.len()).filter(|d| !q.drivers[*d].excluded);
            let (dp, ds) = first_max(covered.clone().enumerate().map(|(k, d)| (k, risk_sum(model, &units.drivers[d], driver))))?;
            let (v, vs) = first_max(units.rating.iter().enumerate().map(|(v, u)| (v, risk_sum(model, u, |var| !driver(var)))))?;
            (dp * units.rating.len() + v, ds + vs)
        }
        Product::HomeownersHo3 => first_max(underwriting.iter().enumerate().map(|(i, u)| (i, risk_sum(model, u, |_| true))))?,
    };
    let (i, sum) = best;
    let unit = &underwriting[i];
    let contributions =
        model.features.iter().map(|f| contribution(f, feature_x(f, unit), unit.get(f.var).cloned().unwrap_or(Value::Integer(0)))).collect();
    Some(risk_score(model, unit.subject.to_string(), sum, contributions))
}

/// The index and sum of the highest sum, the first of equals.
pub(crate) fn first_max(sums: impl Iterator<Item = (usize, Decimal)>) -> Option<(usize, Decimal)> {
    sums.fold(None, |best: Option<(usize, Decimal)>, (i, x)| if best.is_none_or(|(_, b)| x > b) { Some((i, x)) } else { best })
}

/// A feature's part of a risk score, for a unit where its value is `x`.
pub(crate) fn contribution(f: &crate::pack::Feature, x: Decimal, value: Value) -> Contribution {
    Contribution {
        variable: f.var,
        level: f.level.clone(),
        value,
        base: f.base,
        coefficient: f.coefficient,
        contribution: f.coefficient * (x - f.base),
    }
}

/// The score of the unit named `unit` whose log-scale sum is `sum`.
pub(crate) fn risk_score(model: &crate::pack::RiskModel, unit: String, sum: Decimal, contributions: Vec<Contribution>) -> RiskScore {
    let relativity = risk_exp(sum);
    RiskScore {
        unit,
        frequency: risk_exp(model.intercept + sum),
        relativity,
        capped_relativity: relativity.clamp(model.min_factor, model.max_factor).round_dp(4),
        usage: model.usage,
        applied: model.usage == RiskUsage::Rate,
        intercept: model.intercept,
        contributions,
    }
}

struct Running<'a> {
    pack: &'a RatePack,
    subtotal: Decimal,
    /// Whether to keep the worksheet; totals-only rating skips it.
    record: bool,
    lines: Vec<EngineLine>,
}

impl Running<'_> {
    fn push(&mut self, step: &Arc<str>, operation: Operation, value: Decimal) {
        if !self.record {
            return;
        }
        self.lines.push(EngineLine::plain(step, operation, value, self.subtotal));
    }

    /// Applies the pack's per-step rounding, if it has one.
    fn step_round(&mut self) {
        if let Some(r) = self.pack.step_round {
            self.subtotal = r.apply(self.subtotal);
            if let Some(line) = self.lines.last_mut() {
                line.subtotal = self.subtotal;
            }
        }
    }
}

/// Rates a validated quote with a pack by the engine alone: the reference
/// the compiled plan is checked against ([`crate::rate`] uses the plan and
/// falls back to this).
pub fn rate_by_engine(pack: &RatePack, quote: &ValidQuote) -> Result<Rating, RatingError> {
    let mut coverages = Vec::new();
    let priced = price(pack, quote, Some(&mut coverages), None)?;
    // The score that refers is the riskiest driver's with any vehicle, as
    // the underwriting rules are: who is rated where must not hide a record.
    let underwriting = underwriting_units(quote, &priced.units);
    let risk = riskiest(pack, quote, &priced.units, &underwriting);
    let mut reasons = BTreeSet::new();
    for rule in &pack.underwriting {
        for unit in underwriting.iter().filter(|unit| holds(&rule.when, unit)) {
            reasons.insert(reason(rule, unit.subject.reason()));
        }
    }
    let good_driver = good_driver_policy(pack, quote, &priced.units);
    Ok(assemble(
        pack,
        quote,
        Assembly {
            coverages,
            drivers: priced.units.assignment,
            minimum_premium_adjustment: priced.minimum_premium_adjustment,
            total: priced.total,
            risk,
            reasons,
            good_driver,
        },
    ))
}

/// What a rating is made of once its coverages are priced: the engine's
/// and the compiled plan's ratings are assembled by [`assemble`].
pub(crate) struct Assembly {
    pub(crate) coverages: Vec<CoveragePremium>,
    pub(crate) drivers: Vec<DriverAssignment>,
    pub(crate) minimum_premium_adjustment: Decimal,
    pub(crate) total: Decimal,
    pub(crate) risk: Option<RiskScore>,
    /// The underwriting rules that fired, each once per subject.
    pub(crate) reasons: BTreeSet<Reason>,
    /// The Good Driver discount's rate on a Good Driver policy.
    pub(crate) good_driver: Option<Decimal>,
}

/// A rating from its priced parts: the decision, the fees, the schedule
/// and the signatures still missing.
pub(crate) fn assemble(pack: &RatePack, quote: &ValidQuote, a: Assembly) -> Rating {
    // California: every person who meets 1861.025 may buy a Good Driver
    // policy from the insurer of their choice, so no rule or score refers or
    // declines one (Ins. Code 1861.02(b)(1)); the reasons stay, as notes.
    let protected = a.good_driver.is_some() && pack.info.state == "CA";
    let decision = decide(pack, a.reasons, a.risk.as_ref(), protected);
    let coverage_premium: Decimal = a.coverages.iter().map(|c| c.premium).sum();
    let fees = fee_lines(pack, quote, coverage_premium + a.minimum_premium_adjustment, a.good_driver);
    let earned: Decimal = fees.iter().filter(|f| f.earning == FeeEarning::FullyEarned).map(|f| f.amount).sum();
    let installments = schedule(pack, quote, a.total, earned);
    Rating {
        pack_id: pack.id().to_owned(),
        pack_digest: pack.digest().to_hex(),
        draft: !pack.is_signed(),
        coverages: a.coverages,
        drivers: a.drivers,
        fees,
        minimum_premium_adjustment: a.minimum_premium_adjustment,
        total: a.total,
        installments,
        risk: a.risk,
        decision,
        unsigned: unsigned_elections(pack, quote),
    }
}

/// The reason an underwriting rule gives for a subject.
pub(crate) fn reason(rule: &crate::pack::Rule, subject: String) -> Reason {
    Reason { code: rule.code.clone(), action: rule.action, message: rule.message.clone(), subject }
}

/// Uninsured motorist limits below bodily injury's, where both are selected.
fn um_below_bi(q: &ValidQuote) -> bool {
    let limit = |code: &str| q.coverages.iter().find(|c| c.code == code).and_then(|c| c.limit.as_deref());
    match (limit("UM"), limit("BI")) {
        (Some(um), Some(bi)) => um != bi && limit_within(um, bi),
        _ => false,
    }
}

/// The decisions `pack`'s state requires in writing that `q` does not record.
fn unsigned_elections(pack: &RatePack, q: &ValidQuote) -> Vec<UnsignedElection> {
    let recorded = |rule: &ElectionRule, d: ElectionDecision| q.elections.iter().any(|e| e.coverage == rule.coverage && e.decision == d);
    let selected = |code: &str| q.coverages.iter().any(|c| c.code == code);
    let required = |code: &str| pack.coverages.iter().any(|c| &*c.code == code && c.required);
    let mut unsigned = Vec::new();
    for rule in &pack.elections {
        let message = match rule.kind {
            ElectionKind::RejectInWriting if !selected(rule.coverage) && !required(rule.coverage) && !recorded(rule, ElectionDecision::Rejected) => {
                let name = capitalised(rule.name);
                format!("{name} is included unless the insured rejects it in writing ({}): add it, or record the insured's signed rejection", rule.law)
            }
            ElectionKind::Offer
                if !selected(rule.coverage) && !recorded(rule, ElectionDecision::Rejected) && !recorded(rule, ElectionDecision::Accepted) =>
            {
                format!("The insured must be offered {} cover ({}): record whether they accepted or rejected it", rule.name, rule.law)
            }
            ElectionKind::LowerLimitsInWriting if um_below_bi(q) && !recorded(rule, ElectionDecision::LowerLimits) => format!(
                "Uninsured motorist limits below bodily injury's need the insured's signed selection of lower limits ({}): record it, or raise them to the bodily injury limits",
                rule.law
            ),
            _ => continue,
        };
        unsigned.push(UnsignedElection { coverage: rule.coverage, kind: rule.kind, law: rule.law, message });
    }
    unsigned
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// The total [`rate`] gives, by the engine without the worksheet, the
/// decision or the schedule, with each coverage's premium added into
/// `by_coverage` (indexed like the pack's coverages) when given: what the
/// compiled plan falls back to (`crate::compiled::rate_total`).
pub(crate) fn engine_total(pack: &RatePack, quote: &ValidQuote, by_coverage: Option<&mut [Decimal]>) -> Result<Decimal, RatingError> {
    price(pack, quote, None, by_coverage).map(|p| p.total)
}

struct Priced {
    units: Units,
    minimum_premium_adjustment: Decimal,
    total: Decimal,
}

/// Prices every selected coverage for every unit; with `coverages`, keeps
/// each premium and its worksheet there.
fn price(
    pack: &RatePack,
    quote: &ValidQuote,
    coverages: Option<&mut Vec<CoveragePremium>>,
    by_coverage: Option<&mut [Decimal]>,
) -> Result<Priced, RatingError> {
    check_against_pack(pack, quote)?;
    let mut units = rating_units(pack, quote, coverages.is_some());
    let relativities = risk_relativities(pack, &units.rating);
    let premium = price_coverages(pack, quote, &mut units, &relativities, coverages, by_coverage, &|_| true)?;
    let (minimum_premium_adjustment, total) = finish(pack, quote, premium, good_driver_policy(pack, quote, &units));
    Ok(Priced { units, minimum_premium_adjustment, total })
}

/// Whether split limits `a` ("100/300", per person and per accident) are
/// each at most `b`'s; limits that do not read as numbers are not compared.
fn limit_within(a: &str, b: &str) -> bool {
    let parts = |l: &str| l.split('/').map(|p| p.trim().parse::<u64>().ok()).collect::<Option<Vec<_>>>();
    match (parts(a), parts(b)) {
        (Some(a), Some(b)) if a.len() == b.len() => a.iter().zip(&b).all(|(x, y)| x <= y),
        _ => true,
    }
}

/// The adjustment up to the pack's minimum premium, and the total with the
/// fees on top: `(adjustment, total)`. A filed minimum premium applies to
/// premium; fees and surcharges are not premium and never count toward it.
///
/// On a California Good Driver policy (`good_driver`: the discount's rate)
/// the minimum premium and the fees carry the discount too, so the total is
/// at least that rate below the same policy's without it (Ins. Code
/// 1861.02(b)(2)).
pub(crate) fn finish(pack: &RatePack, q: &ValidQuote, coverage_premium: Decimal, good_driver: Option<Decimal>) -> (Decimal, Decimal) {
    let keep = good_driver.map_or(Decimal::ONE, |rate| Decimal::ONE - rate);
    let minimum = pack.minimum_premium.map(|m| m * keep);
    let adjustment = minimum.map_or(Decimal::ZERO, |m| (m - coverage_premium).max(Decimal::ZERO));
    let vehicles = Decimal::from(q.vehicles.len());
    let fees =
        pack.fees.iter().map(|f| fee_amount(f, vehicles, q.term_months, coverage_premium + adjustment, good_driver)).sum::<Decimal>();
    (adjustment, coverage_premium + adjustment + fees)
}

/// A flat fee's amount for each policy, vehicle or vehicle-year: its own
/// amount for terms of six months or less, where it has one.
fn flat_fee(amount: Decimal, short_term: Option<Decimal>, term_months: u32) -> Decimal {
    match short_term {
        Some(short) if term_months <= 6 => short,
        _ => amount,
    }
}

/// One fee's amount; see [`fee_lines`].
fn fee_amount(f: &crate::pack::Fee, vehicles: Decimal, term_months: u32, premium: Decimal, good_driver: Option<Decimal>) -> Decimal {
    let half_up = |d: Decimal| d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    let amount = match &f.basis {
        FeeBasis::Flat { amount, per, short_term } => {
            let each = flat_fee(*amount, *short_term, term_months);
            match per {
                FeePer::Policy => each,
                FeePer::Vehicle => each * vehicles,
                FeePer::VehicleYear => half_up(each * vehicles * (Decimal::from(term_months) / Decimal::from(12))),
            }
        }
        FeeBasis::OfPremium(rate) => half_up(*rate * premium),
    };
    good_driver.map_or(amount, |rate| (amount * (Decimal::ONE - rate)).round_dp_with_strategy(2, rust_decimal::RoundingStrategy::ToZero))
}

/// The pack's fees for a quote whose premium (coverage premiums and any
/// minimum premium adjustment) is `premium`: flat per policy, per vehicle or
/// per vehicle-year, or a fraction of the premium; on a Good Driver policy
/// less its discount (rounded down to the cent).
fn fee_lines(pack: &RatePack, q: &ValidQuote, premium: Decimal, good_driver: Option<Decimal>) -> Vec<FeeLine> {
    let vehicles = Decimal::from(q.vehicles.len());
    pack.fees
        .iter()
        .map(|f| {
            let note = match &f.basis {
                FeeBasis::Flat { amount, per, short_term } => {
                    let each = flat_fee(*amount, *short_term, q.term_months);
                    match per {
                        FeePer::Policy => None,
                        FeePer::Vehicle => Some(format!("{vehicles} vehicles x {each}")),
                        FeePer::VehicleYear => {
                            let years = Decimal::from(q.term_months) / Decimal::from(12);
                            Some(format!("{vehicles} vehicles x {each} a year x {years} years"))
                        }
                    }
                }
                FeeBasis::OfPremium(rate) => Some(format!("{}% of {premium}", (*rate * Decimal::ONE_HUNDRED).normalize())),
            };
            let amount = fee_amount(f, vehicles, q.term_months, premium, good_driver);
            FeeLine { code: f.code.clone(), name: f.name.clone(), amount, class: f.class, earning: f.earning, note }
        })
        .collect()
}

/// The rate of the statutory Good Driver discount when every covered
/// driver of the quote qualifies (a Good Driver policy), else `None`.
fn good_driver_policy(pack: &RatePack, q: &ValidQuote, units: &Units) -> Option<Decimal> {
    let covered = units.drivers.iter().enumerate().filter(|(d, _)| !q.drivers[*d].excluded);
    good_driver_rate(pack, covered.map(|(_, facts)| matches!(facts.get(Variable::CaGoodDriver), Some(Value::Boolean(true)))))
}

/// The Good Driver discount's rate when there are covered drivers and
/// each qualifies (`qualifies`, one per covered driver).
pub(crate) fn good_driver_rate(pack: &RatePack, mut qualifies: impl Iterator<Item = bool>) -> Option<Decimal> {
    let rate = pack.discounts.iter().find(|a| matches!(a.eligibility, Eligibility::Statutory(Statutory::CaGoodDriver)))?.rate;
    let mut any = false;
    for good in qualifies.by_ref() {
        any = true;
        if !good {
            return None;
        }
    }
    any.then_some(rate)
}

/// Prices the coverages `wanted` picks (by the pack's coverage index) for
/// every unit the quote selects them on; returns their sum.
fn price_coverages(
    pack: &RatePack,
    quote: &ValidQuote,
    units: &mut Units,
    relativities: &[Decimal],
    mut coverages: Option<&mut Vec<CoveragePremium>>,
    mut by_coverage: Option<&mut [Decimal]>,
    wanted: &dyn Fn(usize) -> bool,
) -> Result<Decimal, RatingError> {
    let record = coverages.is_some();
    let risk_label: Arc<str> = Arc::from("risk score");
    let mut unrated = Vec::new();
    let mut premium_total = Decimal::ZERO;

    for (ci, cov) in pack.coverages.iter().enumerate() {
        if !wanted(ci) {
            continue;
        }
        for (choice_index, choice) in quote.coverages.iter().enumerate().filter(|(_, c)| c.code == *cov.code) {
            let unit_indexes: Vec<usize> = match cov.per {
                Per::Vehicle => choice.vehicles.clone().unwrap_or_else(|| (0..units.rating.len()).collect()),
                Per::Policy => vec![0],
            };
            let limit = choice.limit.as_deref().map(|l| Value::Text(Arc::from(l)));
            let deductible = choice.deductible.as_deref().map(|d| Value::Text(Arc::from(d)));
            for ui in unit_indexes {
                let facts = &mut units.rating[ui];
                facts.values[Variable::Limit as usize].clone_from(&limit);
                facts.values[Variable::Deductible as usize].clone_from(&deductible);
                let facts = &units.rating[ui];
                match rate_coverage(pack, ci, facts, risk_on(pack, ci, relativities[ui]), &risk_label, record) {
                    Ok((premium, worksheet)) => {
                        premium_total += premium;
                        if let Some(slot) = by_coverage.as_deref_mut().and_then(|sums| sums.get_mut(ci)) {
                            *slot += premium;
                        }
                        if let Some(list) = coverages.as_deref_mut() {
                            list.push(CoveragePremium {
                                coverage: cov.code.clone(),
                                name: cov.name.clone(),
                                vehicle: (cov.per == Per::Vehicle).then_some(ui),
                                driver: if cov.per == Per::Vehicle { units.rated_with.get(ui).copied() } else { None },
                                limit: choice.limit.as_deref().map(Arc::from),
                                deductible: choice.deductible.as_deref().map(Arc::from),
                                premium,
                                worksheet: worksheet_of(worksheet),
                            });
                        }
                    }
                    Err(message) => {
                        let path = if cov.per == Per::Vehicle {
                            format!("{} (coverages[{choice_index}] {})", facts.subject, cov.code)
                        } else {
                            format!("coverages[{choice_index}]")
                        };
                        unrated.push(InputError { path, message });
                    }
                }
            }
        }
    }
    if !unrated.is_empty() {
        return Err(RatingError::Input(InputErrors(unrated)));
    }
    Ok(premium_total)
}

/// Which of a draft's coverages must be priced with the draft when a quote
/// is priced with its base too: the rest charge exactly what the base
/// charges, because they, the tables they read and everything that builds
/// the facts they read (violation points, the risk model, discounts,
/// surcharges, rounding) are the same in both packs. Fees and the minimum
/// premium are always the draft's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reprice {
    /// By the draft's coverage index: the base coverage whose premium it
    /// repeats, or `None` when the draft must price it.
    same_as_base: Vec<Option<usize>>,
}

impl Reprice {
    /// What a draft changes, or `None` when it changes what every coverage
    /// reads, so every quote must be priced with both packs in full.
    pub fn between(base: &RatePack, draft: &RatePack) -> Option<Self> {
        let shared = base.info.state == draft.info.state
            && base.info.product == draft.info.product
            && base.points == draft.points
            && base.accident_points == draft.accident_points
            && base.risk == draft.risk
            && base.assignment == draft.assignment
            && base.discounts == draft.discounts
            && base.surcharges == draft.surcharges
            && base.coverage_round == draft.coverage_round
            && base.step_round == draft.step_round
            // Discounts name coverages by index.
            && base.coverages.len() == draft.coverages.len();
        if !shared {
            return None;
        }
        let same_as_base = draft
            .coverages
            .iter()
            .zip(&base.coverages)
            .enumerate()
            .map(|(i, (d, b))| {
                let tables_equal = d.tables().all(|t| base.tables.get(t).is_some_and(|bt| draft.tables.get(t) == Some(bt)));
                (d == b && tables_equal).then_some(i)
            })
            .collect();
        Some(Self { same_as_base })
    }

    /// The codes of the coverages the draft prices itself.
    pub fn repriced<'a>(&'a self, draft: &'a RatePack) -> impl Iterator<Item = &'a str> + 'a {
        self.same_as_base.iter().zip(&draft.coverages).filter(|(same, _)| same.is_none()).map(|(_, c)| c.code.as_ref())
    }
}

/// Prices a quote with a base pack and its draft at once, with the draft
/// pricing only the coverages [`Reprice`] says it changed: the totals
/// [`crate::rate_by_coverage`] gives for each, and each coverage's premium in
/// `base_cov` and `draft_cov` (indexed like each pack's coverages).
pub fn rate_pair(
    base: &RatePack,
    draft: &RatePack,
    reprice: &Reprice,
    quote: &ValidQuote,
    base_cov: &mut Vec<Decimal>,
    draft_cov: &mut Vec<Decimal>,
) -> Result<(Decimal, Decimal), RatingError> {
    check_against_pack(base, quote)?;
    check_against_pack(draft, quote)?;
    let mut units = rating_units(base, quote, false);
    let relativities = risk_relativities(base, &units.rating);
    base_cov.clear();
    base_cov.resize(base.coverages.len(), Decimal::ZERO);
    draft_cov.clear();
    draft_cov.resize(draft.coverages.len(), Decimal::ZERO);
    let base_premium = price_coverages(base, quote, &mut units, &relativities, None, Some(base_cov), &|_| true)?;
    // A draft that ranks drivers or vehicles differently rates vehicles with
    // other drivers, and then every coverage is the draft's own.
    let (draft_rated_with, _) = assign_drivers(draft, quote, false, || Comparer::new(draft, quote, &units.rating, &units.drivers));
    if draft_rated_with != units.rated_with {
        for (unit, d) in units.rating.iter_mut().zip(&draft_rated_with) {
            copy_driver(unit, &units.drivers[*d]);
        }
        units.rated_with = draft_rated_with;
        let relativities = risk_relativities(draft, &units.rating);
        let draft_premium = price_coverages(draft, quote, &mut units, &relativities, None, Some(draft_cov), &|_| true)?;
        return Ok((
            finish(base, quote, base_premium, good_driver_policy(base, quote, &units)).1,
            finish(draft, quote, draft_premium, good_driver_policy(draft, quote, &units)).1,
        ));
    }
    let only_changed = |ci: usize| reprice.same_as_base.get(ci).is_none_or(Option::is_none);
    let mut draft_premium = price_coverages(draft, quote, &mut units, &relativities, None, Some(draft_cov), &only_changed)?;
    for (ci, same) in reprice.same_as_base.iter().enumerate() {
        if let Some(bi) = same {
            draft_cov[ci] = base_cov[*bi];
            draft_premium += base_cov[*bi];
        }
    }
    Ok((
        finish(base, quote, base_premium, good_driver_policy(base, quote, &units)).1,
        finish(draft, quote, draft_premium, good_driver_policy(draft, quote, &units)).1,
    ))
}

fn rate_coverage(
    pack: &RatePack,
    ci: usize,
    facts: &Facts,
    relativity: Decimal,
    risk_label: &Arc<str>,
    record: bool,
) -> Result<(Decimal, Vec<EngineLine>), String> {
    let cov = &pack.coverages[ci];
    let capacity = if record { cov.steps.len() + 6 } else { 0 };
    let mut run = Running { pack, subtotal: Decimal::ZERO, record, lines: Vec::with_capacity(capacity) };
    for step in &cov.steps {
        match &step.kind {
            StepKind::Base(v) => {
                run.subtotal = *v;
                run.push(&step.label, Operation::Base, *v);
            }
            StepKind::BaseTable { table, keys } | StepKind::Lookup { table, keys } => {
                let t = &pack.tables[*table];
                let mut values: Vec<&Value> = Vec::with_capacity(keys.len());
                for k in keys {
                    values.push(facts.get(*k).ok_or_else(|| format!("{k} has no value for this quote, but table `{}` needs it", t.name))?);
                }
                let found =
                    t.lookup(&values).ok_or_else(|| format!("{}: no row of table `{}` matches", line_key(keys, &values), t.name))?;
                let base = matches!(step.kind, StepKind::BaseTable { .. });
                run.subtotal = if base { found.value } else { run.subtotal * found.value };
                if !record {
                    run.step_round();
                    continue;
                }
                let note = found.between.map(EngineNote::Between);
                run.lines.push(EngineLine {
                    step: step.label.clone(),
                    operation: if base { Operation::Base } else { Operation::Factor },
                    table: Some(t.name.clone()),
                    key: Some(line_key(keys, &values)),
                    label: found.label,
                    value: found.value,
                    subtotal: run.subtotal,
                    note,
                });
            }
            StepKind::Multiply(v) => {
                run.subtotal *= *v;
                run.push(&step.label, Operation::Multiply, *v);
            }
            StepKind::Add(v) => {
                run.subtotal += *v;
                run.push(&step.label, Operation::Add, *v);
            }
            StepKind::AtLeast(v) => {
                run.subtotal = run.subtotal.max(*v);
                run.push(&step.label, Operation::AtLeast, *v);
            }
            StepKind::AtMost(v) => {
                run.subtotal = run.subtotal.min(*v);
                run.push(&step.label, Operation::AtMost, *v);
            }
            StepKind::Round(r) => {
                run.subtotal = r.apply(run.subtotal);
                run.push(&step.label, Operation::Round, run.subtotal);
                if let Some(line) = run.lines.last_mut() {
                    line.note = Some(EngineNote::Noted(Noted::RoundTo(*r)));
                }
                continue;
            }
        }
        run.step_round();
    }
    for (list, operation) in [(&pack.discounts, Operation::Discount), (&pack.surcharges, Operation::Surcharge)] {
        // The statutory Good Driver discount comes last, below.
        let in_loop = |a: &&Adjustment| !matches!(a.eligibility, Eligibility::Statutory(Statutory::CaGoodDriver));
        for a in list.iter().filter(in_loop).filter(|a| a.coverages.as_ref().is_none_or(|c| c.contains(&ci)) && eligible(a, facts)) {
            run.subtotal *= if operation == Operation::Discount { Decimal::ONE - a.rate } else { Decimal::ONE + a.rate };
            run.push(&a.name, operation, a.rate);
            if let Some(line) = run.lines.last_mut() {
                line.key = Some(EngineKey::Code(a.code.clone()));
            }
            run.step_round();
        }
    }
    if relativity != Decimal::ONE {
        run.subtotal *= relativity;
        run.push(risk_label, Operation::RiskFactor, relativity);
        run.step_round();
    }
    run.subtotal = pack.coverage_round.apply(run.subtotal);
    let round_label: Arc<str> = Arc::from("coverage rounding");
    run.push(&round_label, Operation::Round, run.subtotal);
    if let Some(line) = run.lines.last_mut() {
        line.note = Some(EngineNote::Noted(Noted::RoundTo(pack.coverage_round)));
    }
    if let Some(min) = cov.minimum {
        if run.subtotal < min {
            run.subtotal = min;
            let label: Arc<str> = Arc::from("coverage minimum premium");
            run.push(&label, Operation::Minimum, min);
        }
    }
    // California's Good Driver discount: on the rounded premium (and after
    // any coverage minimum), rounded down, so the premium is at least its
    // rate below what the same coverage costs without it, to the cent (Ins.
    // Code 1861.02(b)(2)).
    for a in pack.discounts.iter().filter(|a| matches!(a.eligibility, Eligibility::Statutory(Statutory::CaGoodDriver))) {
        if a.coverages.as_ref().is_none_or(|c| c.contains(&ci)) && eligible(a, facts) {
            let down = crate::pack::Round { places: pack.coverage_round.places, mode: crate::pack::RoundingMode::Down };
            run.subtotal = down.apply(run.subtotal * (Decimal::ONE - a.rate));
            run.push(&a.name, Operation::Discount, a.rate);
            if let Some(line) = run.lines.last_mut() {
                line.key = Some(EngineKey::Code(a.code.clone()));
                line.note = Some(EngineNote::Noted(Noted::OnRounded(down)));
            }
        }
    }
    // Discounts can never push a premium below zero, but an `add` step with a
    // negative amount could; a premium is never negative.
    if run.subtotal.is_sign_negative() {
        run.subtotal = Decimal::ZERO;
        let label: Arc<str> = Arc::from("premium floor");
        run.push(&label, Operation::AtLeast, Decimal::ZERO);
    }
    Ok((run.subtotal, run.lines))
}

/// Accept, refer or decline: the rules' reasons, the risk score's where it
/// is above the pack's threshold, none of them binding on a protected Good
/// Driver policy.
fn decide(pack: &RatePack, mut reasons: BTreeSet<Reason>, risk: Option<&RiskScore>, good_driver_protected: bool) -> Decision {
    if let (Some(model), Some(score)) = (&pack.risk, risk) {
        if let Some(threshold) = model.refer_above {
            if score.frequency > threshold {
                reasons.insert(Reason {
                    code: Arc::from("UW-RISK-SCORE"),
                    action: Action::Refer,
                    message: Arc::from(format!(
                        "predicted claim frequency {} is above the referral threshold {threshold}",
                        score.frequency
                    )),
                    subject: score.unit.clone(),
                });
            }
        }
    }
    if good_driver_protected {
        reasons = reasons
            .into_iter()
            .map(|r| Reason {
                action: Action::Accept,
                message: Arc::from(format!("{} (not applied: a Good Driver may not be refused, Cal. Ins. Code 1861.02(b)(1))", r.message)),
                ..r
            })
            .collect();
    }
    let action = reasons.iter().map(|r| r.action).max().unwrap_or(Action::Accept);
    Decision { action, reasons: reasons.into_iter().collect() }
}

/// Splits the total into the plan's installments: the fees earned when
/// charged (`upfront`) on the first, the rest in equal amounts to the cent,
/// the remainder on the first, due at equal month intervals from the
/// effective date; each installment carries the plan's installment fee.
fn schedule(pack: &RatePack, quote: &ValidQuote, total: Decimal, upfront: Decimal) -> InstallmentSchedule {
    let Some(plan) = pack.plans.iter().find(|p| p.code == quote.installment_plan) else {
        return InstallmentSchedule {
            plan: quote.installment_plan.clone(),
            name: String::new(),
            installments: Vec::new(),
            total_payable: total,
        };
    };
    let n = Decimal::from(plan.installments);
    let spread = total - upfront;
    let each = (spread / n).round_dp_with_strategy(2, rust_decimal::RoundingStrategy::ToZero);
    let first = spread - each * (n - Decimal::ONE) + upfront;
    let step_months = quote.term_months / plan.installments;
    let installments: Vec<Installment> = (0..plan.installments)
        .map(|k| {
            let premium = if k == 0 { first } else { each };
            Installment {
                number: k + 1,
                due: crate::dates::add_months(quote.effective_date, step_months * k).unwrap_or(Date::MAX),
                premium,
                fee: plan.installment_fee,
                amount: premium + plan.installment_fee,
            }
        })
        .collect();
    let total_payable = installments.iter().map(|i| i.amount).sum();
    InstallmentSchedule { plan: plan.code.clone(), name: plan.name.clone(), installments, total_payable }
}
