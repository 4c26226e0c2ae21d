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
use crate::pack::jurisdiction::Statutory;
use crate::pack::{Action, Adjustment, CompareOp, Condition, Eligibility, Per, RatePack, RiskUsage, StepKind};
use crate::quote::{full_years, years_before, InputError, InputErrors, Product, ValidQuote, ViolationKind};
use crate::variable::{Value, Variable};

/// A quote's full rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rating {
    /// `name/version@digest` of the pack that rated it.
    pub pack_id: String,
    pub pack_digest: String,
    /// Rated by an unsigned draft pack: a preview, never a final premium.
    pub draft: bool,
    pub coverages: Vec<CoveragePremium>,
    pub fees: Vec<FeeLine>,
    /// The amount added to reach the policy minimum premium, if any.
    pub minimum_premium_adjustment: Decimal,
    /// Coverage premiums + fees + minimum premium adjustment, for the term.
    pub total: Decimal,
    pub installments: InstallmentSchedule,
    pub risk: Option<RiskScore>,
    pub decision: Decision,
}

impl Rating {
    /// The fees charged, in all. Fees are fully earned when charged, so the
    /// premium a policy prorates is the total less this.
    pub fn fee_total(&self) -> Decimal {
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
    pub limit: Option<String>,
    pub deductible: Option<String>,
    pub premium: Decimal,
    pub worksheet: Vec<WorksheetLine>,
}

/// What a worksheet line does to the running premium.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Operation {
    /// Sets the premium to the value.
    Base,
    /// Multiplies by a table's factor.
    Factor,
    /// Multiplies by a fixed factor.
    Multiply,
    /// Adds the value.
    Add,
    /// Raises the premium to at least the value.
    AtLeast,
    /// Lowers the premium to at most the value.
    AtMost,
    /// Multiplies by (1 - value).
    Discount,
    /// Multiplies by (1 + value).
    Surcharge,
    /// Multiplies by the capped risk relativity.
    RiskFactor,
    /// Rounds; the value is the rounded premium.
    Round,
    /// Raises the premium to the coverage minimum.
    Minimum,
}

/// One operand of a premium, as a regulator would read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorksheetLine {
    pub step: Arc<str>,
    pub operation: Operation,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<Arc<str>>,
    /// The rating variables and values used as the key, or the code of a
    /// discount or surcharge.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<LineKey>,
    /// The table row's label (a territory name, say).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<Arc<str>>,
    pub value: Decimal,
    /// The running premium after this line.
    pub subtotal: Decimal,
    /// How the value was reached: an interpolation, a rounding rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What a worksheet line was keyed by; shown as `var=value, var=value` or a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineKey {
    One(Variable, Value),
    Two(Variable, Value, Variable, Value),
    Code(Arc<str>),
}

impl std::fmt::Display for LineKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::One(k, v) => write!(f, "{k}={v}"),
            Self::Two(k1, v1, k2, v2) => write!(f, "{k1}={v1}, {k2}={v2}"),
            Self::Code(code) => f.write_str(code),
        }
    }
}

impl Serialize for LineKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeeLine {
    pub code: Arc<str>,
    pub name: Arc<str>,
    pub amount: Decimal,
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
enum Subject {
    Vehicle(usize),
    Driver(usize),
    Dwelling,
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Vehicle(i) => write!(f, "vehicles[{i}]"),
            Self::Driver(i) => write!(f, "drivers[{i}]"),
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

    fn set(&mut self, v: Variable, value: Value) {
        self.values[v as usize] = Some(value);
    }

    fn get(&self, v: Variable) -> Option<&Value> {
        self.values[v as usize].as_ref()
    }
}

fn count(n: usize) -> Value {
    Value::Integer(i64::try_from(n).unwrap_or(i64::MAX))
}

fn policy_facts(q: &ValidQuote, subject: Subject) -> Facts {
    let mut f = Facts::new(subject);
    f.set(Variable::TermMonths, Value::Integer(i64::from(q.term_months)));
    // A missing credit history is the `no-hit` tier, which state law (Texas
    // 559.052) defines as neutral; packs rate it explicitly.
    f.set(Variable::CreditTier, Value::Text(Arc::from(q.credit_tier.as_deref().unwrap_or("no-hit"))));
    let five_years_ago = years_before(q.effective_date, 5);
    f.set(Variable::PriorClaims5y, count(q.prior_claims.iter().filter(|c| c.date > five_years_ago).count()));
    f.set(Variable::Renewal, Value::Boolean(q.renewal));
    f
}

fn driver_facts(pack: &RatePack, f: &mut Facts, q: &ValidQuote, driver: usize) {
    let d = &q.drivers[driver];
    let eff = q.effective_date;
    let (three, ten) = (years_before(eff, 3), years_before(eff, 10));
    f.set(Variable::DriverAge, Value::Integer(full_years(d.date_of_birth, eff)));
    f.set(Variable::YearsLicensed, Value::Integer(full_years(d.license_date, eff).max(0)));
    // A window of N years runs from the same day N years before the
    // effective date, that day included (Cal. Ins. Code 1861.025(c), 10 CCR
    // 2632.13.1(b)(1)), to the effective date.
    let recent = |date: Date, since: Date| date >= since && date <= eff;
    let violation_points: i64 =
        d.violations.iter().filter(|v| recent(v.date, three)).map(|v| pack.points.get(&v.kind).copied().unwrap_or(0)).sum();
    let at_fault = d.accidents.iter().filter(|a| a.at_fault && recent(a.date, three)).count();
    let accident_points = pack.accident_points * i64::try_from(at_fault).unwrap_or(i64::MAX);
    f.set(Variable::ViolationPoints3y, Value::Integer(violation_points.saturating_add(accident_points)));
    f.set(Variable::AtFaultAccidents3y, count(at_fault));
    f.set(
        Variable::AtFaultInjuryAccidents3y,
        count(d.accidents.iter().filter(|a| a.at_fault && a.bodily_injury && recent(a.date, three)).count()),
    );
    let duis = |since| d.violations.iter().filter(|v| v.kind == ViolationKind::Dui && recent(v.date, since)).count();
    f.set(Variable::Dui3y, count(duis(three)));
    f.set(Variable::Dui10y, count(duis(ten)));
    f.set(Variable::GoodStudent, Value::Boolean(d.good_student));
    f.set(Variable::DefensiveDriving, Value::Boolean(d.defensive_driving));
}

fn vehicle_facts(f: &mut Facts, q: &ValidQuote, vehicle: usize) {
    let v = &q.vehicles[vehicle];
    f.set(Variable::GaragingZip, Value::Text(Arc::from(v.garaging_zip.as_str())));
    f.set(Variable::ModelYear, Value::Integer(i64::from(v.year)));
    f.set(Variable::VehicleAge, Value::Integer(i64::from(q.effective_date.year() - v.year).max(0)));
    f.set(Variable::VehicleUse, Value::Text(Arc::from(v.usage.name())));
    f.set(Variable::AnnualMiles, Value::Integer(i64::from(v.annual_miles)));
    f.set(Variable::AntiTheft, Value::Boolean(v.anti_theft));
}

fn dwelling_facts(f: &mut Facts, q: &ValidQuote) {
    let Some(d) = &q.dwelling else { return };
    f.set(Variable::DwellingZip, Value::Text(Arc::from(q.applicant.address.zip.as_str())));
    f.set(Variable::CoverageA, Value::Decimal(d.coverage_a));
    f.set(Variable::DwellingAge, Value::Integer(i64::from(q.effective_date.year() - d.year_built).max(0)));
    f.set(Variable::Construction, Value::Text(Arc::from(d.construction.name())));
    f.set(Variable::ProtectionClass, Value::Integer(i64::from(d.protection_class)));
    f.set(Variable::RoofAge, Value::Integer(i64::from(d.roof_age)));
    f.set(Variable::RoofType, Value::Text(Arc::from(d.roof_type.name())));
    f.set(Variable::SquareFeet, Value::Integer(i64::from(d.square_feet)));
}

/// The rating units: each vehicle with its principal driver, or the dwelling.
fn rating_units(pack: &RatePack, q: &ValidQuote) -> Vec<Facts> {
    match q.product {
        Product::PersonalAuto => q
            .vehicles
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let mut f = policy_facts(q, Subject::Vehicle(i));
                driver_facts(pack, &mut f, q, v.principal_driver);
                vehicle_facts(&mut f, q, i);
                f
            })
            .collect(),
        Product::HomeownersHo3 => {
            let mut f = policy_facts(q, Subject::Dwelling);
            dwelling_facts(&mut f, q);
            vec![f]
        }
    }
}

/// Units for underwriting: every vehicle with every driver, so a rule on any
/// driver's record fires whichever vehicle they drive. Built from the rating
/// units, whose text values are shared rather than copied.
fn underwriting_units(pack: &RatePack, q: &ValidQuote, rating_units: &[Facts]) -> Vec<Facts> {
    match q.product {
        Product::PersonalAuto => {
            let mut units = Vec::with_capacity(q.drivers.len() * rating_units.len());
            for d in 0..q.drivers.len() {
                for unit in rating_units {
                    let mut f = unit.clone();
                    f.subject = Subject::Driver(d);
                    driver_facts(pack, &mut f, q, d);
                    units.push(f);
                }
            }
            units
        }
        Product::HomeownersHo3 => rating_units.to_vec(),
    }
}

fn compare(op: CompareOp, left: &Value, right: &[Value]) -> bool {
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

fn int(facts: &Facts, v: Variable) -> i64 {
    facts.get(v).and_then(Value::as_integer).unwrap_or(0)
}

fn eligible(adjustment: &Adjustment, facts: &Facts) -> bool {
    match &adjustment.eligibility {
        Eligibility::Conditions(conditions) => holds(conditions, facts),
        Eligibility::Statutory(Statutory::CaGoodDriver) => {
            int(facts, Variable::YearsLicensed) >= 3
                && int(facts, Variable::ViolationPoints3y) <= 1
                && int(facts, Variable::AtFaultInjuryAccidents3y) == 0
                && int(facts, Variable::Dui10y) == 0
        }
    }
}

fn line_key(keys: &[Variable], values: &[&Value]) -> LineKey {
    match (keys, values) {
        ([k1, k2], [v1, v2]) => LineKey::Two(*k1, (*v1).clone(), *k2, (*v2).clone()),
        ([k, ..], [v, ..]) => LineKey::One(*k, (*v).clone()),
        _ => LineKey::Code(Arc::from("")),
    }
}

/// Checks the parts of a quote that depend on the pack.
fn check_against_pack(pack: &RatePack, q: &ValidQuote) -> Result<(), RatingError> {
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
    if q.credit_tier.is_some() {
        let law = crate::pack::jurisdiction::for_state(&info.state, info.product);
        if let Some((_, why)) = law.forbidden.iter().find(|(v, _)| *v == Variable::CreditTier) {
            push("credit_tier".into(), format!("must be left out in {}: {why}", info.state));
        }
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
    for c in pack.coverages.iter().filter(|c| c.required) {
        match q.coverages.iter().position(|x| x.code == *c.code) {
            None => push("coverages".into(), format!("{} ({}) is required", c.code, c.name)),
            Some(i) => {
                // Every vehicle, each by its own index: a list with a vehicle
                // twice is as long as the fleet and still leaves one out.
                if let Some(listed) = &q.coverages[i].vehicles {
                    if let Some(missing) = (0..q.vehicles.len()).find(|v| !listed.contains(v)) {
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

/// The riskiest unit's score; the relativity of each unit for rating.
fn risk_scores(pack: &RatePack, units: &[Facts], record: bool) -> (Option<RiskScore>, Vec<Decimal>) {
    let Some(model) = &pack.risk else { return (None, vec![Decimal::ONE; units.len()]) };
    let limit = Decimal::from(20);
    let mut best: Option<RiskScore> = None;
    let mut relativities = Vec::with_capacity(units.len());
    for unit in units {
        let mut sum = Decimal::ZERO;
        let mut contributions = Vec::with_capacity(model.features.len());
        for f in &model.features {
            let value = unit.get(f.var).cloned().unwrap_or(Value::Integer(0));
            let x = match (&value, &f.level) {
                (Value::Text(t), Some(level)) => Decimal::from(u8::from(**t == **level)),
                (Value::Boolean(b), _) => Decimal::from(u8::from(*b)),
                (v, _) => v.as_decimal().unwrap_or(Decimal::ZERO),
            };
            let contribution = f.coefficient * (x - f.base);
            sum += contribution;
            if !record {
                continue;
            }
            contributions.push(Contribution {
                variable: f.var,
                level: f.level.clone(),
                value,
                base: f.base,
                coefficient: f.coefficient,
                contribution,
            });
        }
        // The log-scale sum is clamped before exponentiation so no input can
        // overflow; +-20 is far beyond any realistic model.
        let exp = |x: Decimal| x.clamp(-limit, limit).checked_exp().unwrap_or(Decimal::ONE).round_dp(6);
        let frequency = exp(model.intercept + sum);
        let relativity = exp(sum);
        let capped = relativity.clamp(model.min_factor, model.max_factor).round_dp(4);
        relativities.push(if model.usage == RiskUsage::Rate { capped } else { Decimal::ONE });
        if !record {
            continue;
        }
        let score = RiskScore {
            unit: unit.subject.to_string(),
            frequency,
            relativity,
            capped_relativity: capped,
            usage: model.usage,
            applied: model.usage == RiskUsage::Rate,
            intercept: model.intercept,
            contributions,
        };
        if best.as_ref().is_none_or(|b| score.frequency > b.frequency) {
            best = Some(score);
        }
    }
    (best, relativities)
}

struct Running<'a> {
    pack: &'a RatePack,
    subtotal: Decimal,
    /// Whether to keep the worksheet; totals-only rating skips it.
    record: bool,
    lines: Vec<WorksheetLine>,
}

impl Running<'_> {
    fn push(&mut self, step: &Arc<str>, operation: Operation, value: Decimal) {
        if !self.record {
            return;
        }
        self.lines.push(WorksheetLine {
            step: step.clone(),
            operation,
            table: None,
            key: None,
            label: None,
            value,
            subtotal: self.subtotal,
            note: None,
        });
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

/// Rates a validated quote with a pack.
pub fn rate(pack: &RatePack, quote: &ValidQuote) -> Result<Rating, RatingError> {
    let mut coverages = Vec::new();
    let priced = price(pack, quote, Some(&mut coverages), None)?;
    let installments = schedule(pack, quote, priced.total);
    let decision = decide(pack, quote, &priced.units, priced.risk.as_ref());
    Ok(Rating {
        pack_id: pack.id().to_owned(),
        pack_digest: pack.digest().to_hex(),
        draft: !pack.is_signed(),
        coverages,
        fees: pack.fees.iter().map(|f| FeeLine { code: f.code.clone(), name: f.name.clone(), amount: f.amount }).collect(),
        minimum_premium_adjustment: priced.minimum_premium_adjustment,
        total: priced.total,
        installments,
        risk: priced.risk,
        decision,
    })
}

/// The total [`rate`] gives, by the same code path, without building the
/// worksheet, the decision or the installment schedule: for re-rating a book
/// and impact analysis, where only the premium matters.
pub fn rate_total(pack: &RatePack, quote: &ValidQuote) -> Result<Decimal, RatingError> {
    price(pack, quote, None, None).map(|p| p.total)
}

/// The total [`rate`] gives, and each coverage's premium summed over the
/// rating units, by the same code path and without building worksheets:
/// `by_coverage` is indexed like the pack's coverages (manifest order) and is
/// overwritten, so one buffer serves a whole book.
pub fn rate_by_coverage(pack: &RatePack, quote: &ValidQuote, by_coverage: &mut Vec<Decimal>) -> Result<Decimal, RatingError> {
    by_coverage.clear();
    by_coverage.resize(pack.coverages.len(), Decimal::ZERO);
    price(pack, quote, None, Some(by_coverage)).map(|p| p.total)
}

struct Priced {
    units: Vec<Facts>,
    risk: Option<RiskScore>,
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
    let record = coverages.is_some();
    let mut units = rating_units(pack, quote);
    let (risk, relativities) = risk_scores(pack, &units, record);
    let premium = price_coverages(pack, quote, &mut units, &relativities, coverages, by_coverage, &|_| true)?;
    let (minimum_premium_adjustment, total) = finish(pack, premium);
    Ok(Priced { units, risk, minimum_premium_adjustment, total })
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
fn finish(pack: &RatePack, coverage_premium: Decimal) -> (Decimal, Decimal) {
    let adjustment = pack.minimum_premium.map_or(Decimal::ZERO, |m| (m - coverage_premium).max(Decimal::ZERO));
    let fees = pack.fees.iter().map(|f| f.amount).sum::<Decimal>();
    (adjustment, coverage_premium + adjustment + fees)
}

/// Prices the coverages `wanted` picks (by the pack's coverage index) for
/// every unit the quote selects them on; returns their sum.
fn price_coverages(
    pack: &RatePack,
    quote: &ValidQuote,
    units: &mut [Facts],
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
        let Some((choice_index, choice)) = quote.coverages.iter().enumerate().find(|(_, c)| c.code == *cov.code) else { continue };
        let unit_indexes: Vec<usize> = match cov.per {
            Per::Vehicle => choice.vehicles.clone().unwrap_or_else(|| (0..units.len()).collect()),
            Per::Policy => vec![0],
        };
        let limit = choice.limit.as_deref().map(|l| Value::Text(Arc::from(l)));
        let deductible = choice.deductible.as_deref().map(|d| Value::Text(Arc::from(d)));
        for ui in unit_indexes {
            let facts = &mut units[ui];
            facts.values[Variable::Limit as usize].clone_from(&limit);
            facts.values[Variable::Deductible as usize].clone_from(&deductible);
            let facts = &units[ui];
            match rate_coverage(pack, ci, facts, relativities[ui], &risk_label, record) {
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
                            limit: choice.limit.clone(),
                            deductible: choice.deductible.clone(),
                            premium,
                            worksheet,
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
/// [`rate_by_coverage`] gives for each, and each coverage's premium in
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
    let mut units = rating_units(base, quote);
    let (_, relativities) = risk_scores(base, &units, false);
    base_cov.clear();
    base_cov.resize(base.coverages.len(), Decimal::ZERO);
    draft_cov.clear();
    draft_cov.resize(draft.coverages.len(), Decimal::ZERO);
    let base_premium = price_coverages(base, quote, &mut units, &relativities, None, Some(base_cov), &|_| true)?;
    let only_changed = |ci: usize| reprice.same_as_base.get(ci).is_none_or(Option::is_none);
    let mut draft_premium = price_coverages(draft, quote, &mut units, &relativities, None, Some(draft_cov), &only_changed)?;
    for (ci, same) in reprice.same_as_base.iter().enumerate() {
        if let Some(bi) = same {
            draft_cov[ci] = base_cov[*bi];
            draft_premium += base_cov[*bi];
        }
    }
    Ok((finish(base, base_premium).1, finish(draft, draft_premium).1))
}

fn rate_coverage(
    pack: &RatePack,
    ci: usize,
    facts: &Facts,
    relativity: Decimal,
    risk_label: &Arc<str>,
    record: bool,
) -> Result<(Decimal, Vec<WorksheetLine>), String> {
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
                let note = found.between.map(|((x0, y0), (x1, y1))| format!("interpolated between {x0} = {y0} and {x1} = {y1}"));
                run.lines.push(WorksheetLine {
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
                    line.note = Some(format!("round to {r}"));
                }
                continue;
            }
        }
        run.step_round();
    }
    for (list, operation) in [(&pack.discounts, Operation::Discount), (&pack.surcharges, Operation::Surcharge)] {
        for a in list.iter().filter(|a| a.coverages.as_ref().is_none_or(|c| c.contains(&ci)) && eligible(a, facts)) {
            run.subtotal *= if operation == Operation::Discount { Decimal::ONE - a.rate } else { Decimal::ONE + a.rate };
            run.push(&a.name, operation, a.rate);
            if let Some(line) = run.lines.last_mut() {
                line.key = Some(LineKey::Code(a.code.clone()));
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
        line.note = Some(format!("round to {}", pack.coverage_round));
    }
    if let Some(min) = cov.minimum {
        if run.subtotal < min {
            run.subtotal = min;
            let label: Arc<str> = Arc::from("coverage minimum premium");
            run.push(&label, Operation::Minimum, min);
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

fn decide(pack: &RatePack, quote: &ValidQuote, rating_units: &[Facts], risk: Option<&RiskScore>) -> Decision {
    let mut reasons = BTreeSet::new();
    let units = underwriting_units(pack, quote, rating_units);
    for rule in &pack.underwriting {
        for unit in &units {
            if holds(&rule.when, unit) {
                reasons.insert(Reason {
                    code: rule.code.clone(),
                    action: rule.action,
                    message: rule.message.clone(),
                    subject: unit.subject.to_string(),
                });
            }
        }
    }
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
    let action = reasons.iter().map(|r| r.action).max().unwrap_or(Action::Accept);
    Decision { action, reasons: reasons.into_iter().collect() }
}

/// Splits the total into the plan's installments: equal amounts to the cent,
/// the remainder on the first, due at equal month intervals from the
/// effective date; each installment carries the plan's installment fee.
fn schedule(pack: &RatePack, quote: &ValidQuote, total: Decimal) -> InstallmentSchedule {
    let Some(plan) = pack.plans.iter().find(|p| p.code == quote.installment_plan) else {
        return InstallmentSchedule {
            plan: quote.installment_plan.clone(),
            name: String::new(),
            installments: Vec::new(),
            total_payable: total,
        };
    };
    let n = Decimal::from(plan.installments);
    let each = (total / n).round_dp_with_strategy(2, rust_decimal::RoundingStrategy::ToZero);
    let first = total - each * (n - Decimal::ONE);
    let step_months = quote.term_months / plan.installments;
    let installments: Vec<Installment> = (0..plan.installments)
        .map(|k| {
            let premium = if k == 0 { first } else { each };
            Installment {
                number: k + 1,
                due: add_months(quote.effective_date, step_months * k),
                premium,
                fee: plan.installment_fee,
                amount: premium + plan.installment_fee,
            }
        })
        .collect();
    let total_payable = installments.iter().map(|i| i.amount).sum();
    InstallmentSchedule { plan: plan.code.clone(), name: plan.name.clone(), installments, total_payable }
}

/// The same day `months` later, or the month's last day when it is shorter.
pub(crate) fn add_months(date: Date, months: u32) -> Date {
    let total = i64::from(date.year()) * 12 + i64::from(u8::from(date.month()) - 1) + i64::from(months);
    let year = i32::try_from(total.div_euclid(12)).unwrap_or(date.year());
    let month = time::Month::try_from(u8::try_from(total.rem_euclid(12) + 1).unwrap_or(1)).unwrap_or(date.month());
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(date)
}
