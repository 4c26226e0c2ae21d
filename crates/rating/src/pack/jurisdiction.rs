//! State law the engine enforces on every pack, whatever the pack says.
//!
//! `for_state` gives a state's rules for a product as a `Jurisdiction`;
//! its `check_*` methods are the tests the compiler's stages run against a
//! pack's coverages, factors, discounts, rules, risk model and refunds, so
//! every state-law decision made at load is made here.
//!
//! A pack's own `[state_rules]` can add restrictions, never remove these.
//! Each rule cites the public regulation it comes from beside it.

use std::ops::Range;
use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Serialize;

use super::table::Table;
use super::{weights, Adjustment, CompareOp, Condition, Coverage, Eligibility, Feature, RefundMethod, RiskUsage, StepKind};

use crate::quote::Product;
use crate::variable::{Value, Variable};

/// A statutory eligibility test the engine implements itself, because its
/// wording is law rather than rating data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Statutory {
    /// California Good Driver (Ins. Code 1861.025): licensed the prior three
    /// years, at most one violation point in three years, no at-fault
    /// accident with bodily injury in three years, no DUI conviction in ten.
    CaGoodDriver,
}

impl Statutory {
    pub(crate) fn parse(name: &str) -> Option<Self> {
        match name {
            "ca-good-driver" => Some(Self::CaGoodDriver),
            _ => None,
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            Self::CaGoodDriver => "ca-good-driver",
        }
    }
}

/// The rules for one state and product.
#[derive(Debug, Clone, Default)]
pub(crate) struct Jurisdiction {
    /// Variables no step, condition or risk feature may use.
    pub forbidden: Vec<(Variable, &'static str)>,
    /// Coverages every quote must carry (so the pack must mark them required).
    pub required_coverages: Vec<&'static str>,
    /// California's mandatory factors, most weighty first (10 CCR 2632.5(c),
    /// 2632.8): each the variables that measure it and its name. Each
    /// coverage uses at least one, and their weights over the book's
    /// exposure fall in this order, above every optional factor's.
    pub mandatory_factors: Option<Vec<(Vec<Variable>, &'static str)>>,
    /// A discount the pack must carry, with its minimum rate.
    pub mandated_discount: Option<(Statutory, Decimal, &'static str)>,
    /// Where the law lists the factors a pack may use (an allowlist), those
    /// variables and the law; any other is refused wherever it appears.
    pub allowed: Option<(Vec<Variable>, &'static str)>,
    /// Whether the risk score may move the premium.
    pub risk_may_rate: bool,
    /// A table keyed by credit tier must rate `no-hit` at exactly 1 (neutral).
    pub credit_no_hit_neutral: bool,
    /// Credit may not be the sole reason for a refer or decline rule.
    pub credit_not_sole_reason: bool,
    /// Deductibles the named coverage must offer.
    pub offered_deductibles: Option<(&'static str, Vec<&'static str>, &'static str)>,
    /// Coverage decisions the insured must sign before a policy is bound.
    pub elections: Vec<ElectionRule>,
    /// Variables the rating must use (each in a coverage's step or a
    /// discount's or surcharge's condition), and the law that makes it.
    pub must_rate_on: Option<(Vec<Variable>, &'static str)>,
    /// The least share of the pro-rata return (in percent) an insured's
    /// cancellation must get back, and the law.
    pub refund_floor: Option<(Decimal, &'static str)>,
}

/// What the law asks the insured to sign about a coverage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
pub enum ElectionKind {
    /// The coverage is included unless the insured rejects it in writing.
    RejectInWriting,
    /// The insurer must offer the coverage, and the insured accepts or
    /// rejects it.
    Offer,
    /// Uninsured motorist limits are bodily injury's unless the insured
    /// selects lower limits in writing.
    LowerLimitsInWriting,
}

/// A coverage decision the law requires in writing, for one state and product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ElectionRule {
    /// The coverage code packs use.
    pub coverage: &'static str,
    /// The coverage in the insured's words.
    pub name: &'static str,
    pub kind: ElectionKind,
    /// Where the pack does not write the coverage: who does (an accepted
    /// offer is then bought there).
    pub written_by: Option<&'static str>,
    pub law: &'static str,
}

impl ElectionRule {
    const fn new(coverage: &'static str, name: &'static str, kind: ElectionKind, law: &'static str) -> Self {
        Self { coverage, name, kind, written_by: None, law }
    }
}

/// The coverage decisions a state's law requires in writing, for a product.
pub fn elections(state: &str, product: Product) -> Vec<ElectionRule> {
    use ElectionKind::{LowerLimitsInWriting, Offer, RejectInWriting};
    let um = "uninsured motorist";
    match (state, product) {
        ("TX", Product::PersonalAuto) => vec![
            ElectionRule::new("PIP", "personal injury protection", RejectInWriting, "Tex. Ins. Code 1952.152"),
            ElectionRule::new("UM", um, RejectInWriting, "Tex. Ins. Code 1952.101"),
        ],
        ("CA", Product::PersonalAuto) => vec![ElectionRule::new("UM", um, RejectInWriting, "Cal. Ins. Code 11580.2(a)(1)")],
        ("FL", Product::PersonalAuto) => vec![
            ElectionRule::new("UM", um, RejectInWriting, "Fla. Stat. 627.727(1)"),
            ElectionRule::new("UM", um, LowerLimitsInWriting, "Fla. Stat. 627.727(1)"),
        ],
        ("IL", Product::PersonalAuto) => vec![ElectionRule::new("UM", um, LowerLimitsInWriting, "215 ILCS 5/143a-2(1)")],
        ("CA", Product::HomeownersHo3) => vec![ElectionRule {
            written_by: Some("the California Earthquake Authority"),
            ..ElectionRule::new("EARTHQUAKE", "earthquake", Offer, "Cal. Ins. Code 10081, 10086")
        }],
        ("FL", Product::HomeownersHo3) => vec![
            ElectionRule::new("ORDINANCE", "law and ordinance", Offer, "Fla. Stat. 627.7011(1)"),
            ElectionRule::new("SINKHOLE", "sinkhole loss", Offer, "Fla. Stat. 627.706"),
        ],
        _ => Vec::new(),
    }
}

/// A breach of state law a whole pack shows: where (a span of the manifest,
/// empty when the law is simply not met), the field and the sentence.
type Breach = (Range<usize>, String, String);

impl Jurisdiction {
    /// Why the law forbids a credit tier, where it does.
    pub(crate) fn credit_forbidden(&self) -> Option<&'static str> {
        self.forbidden.iter().find(|(v, _)| *v == Variable::CreditTier).map(|(_, why)| *why)
    }

    /// Whether a pack may rate on `var`, written `name`: neither the law nor
    /// the pack's own state rules (`pack_forbids`) forbid it, and where the
    /// law lists the permitted factors, it is one of them.
    pub(crate) fn check_factor(&self, state: &str, var: Variable, name: &str, pack_forbids: &[Variable]) -> Result<(), String> {
        if let Some((_, why)) = self.forbidden.iter().find(|(f, _)| *f == var) {
            return Err(format!("{name} is forbidden in {state}: {why}"));
        }
        if pack_forbids.contains(&var) {
            return Err(format!("{name} is forbidden in {state}: the pack's state rules forbid {name}"));
        }
        if let Some((allowed, why)) = &self.allowed {
            if !allowed.contains(&var) {
                return Err(format!("{name} is not a permitted factor in {state}: {why}"));
            }
        }
        Ok(())
    }

    /// Where the law ranks the mandatory factors (10 CCR 2632.8), a
    /// coverage keys each factor alone and weighs them in the law's order.
    pub(crate) fn check_factor_weights(&self, state: &str, coverage: &Coverage, tables: &[Table]) -> Result<(), String> {
        let Some(groups) = &self.mandatory_factors else { return Ok(()) };
        if let Some(table) = weights::two_key_factor(coverage, tables) {
            return Err(format!(
                "table `{table}` keys a rating factor with a second variable; {state}'s factor weights (10 CCR 2632.8) need one factor per table"
            ));
        }
        let groups: Vec<(&[Variable], &str)> = groups.iter().map(|(vars, name)| (vars.as_slice(), *name)).collect();
        weights::check_order(&weights::coverage_weights(coverage, tables), &groups)
    }

    /// The coverages the law requires (and the pack's own `required`, each
    /// with its span), the ones it makes the insured decide on in writing,
    /// and the deductibles it makes the pack offer.
    pub(crate) fn check_coverages(&self, state: &str, coverages: &[Coverage], required: &[(String, Range<usize>)]) -> Result<(), Breach> {
        for (code, span) in required {
            match coverages.iter().find(|c| &*c.code == code) {
                Some(c) if c.required => {}
                Some(_) => {
                    return Err((
                        span.clone(),
                        "coverages".into(),
                        format!("{code} is required in {state} and must be marked `required = true`"),
                    ))
                }
                None => {
                    return Err((span.clone(), "coverages".into(), format!("{code} is required in {state} but the pack does not rate it")))
                }
            }
        }
        // A coverage the law includes unless rejected, or makes the insurer
        // offer, is one the pack writes (unless someone else writes it).
        for rule in self.elections.iter().filter(|r| r.kind != ElectionKind::LowerLimitsInWriting && r.written_by.is_none()) {
            if !coverages.iter().any(|c| &*c.code == rule.coverage) {
                let what = match rule.kind {
                    ElectionKind::Offer => "must be offered",
                    _ => "is included unless the insured rejects it in writing",
                };
                return Err((
                    0..0,
                    "coverages".into(),
                    format!("no coverage `{}`: in {state}, {} {what} ({})", rule.coverage, rule.name, rule.law),
                ));
            }
        }
        if let Some((code, options, why)) = &self.offered_deductibles {
            let coverage = coverages.iter().find(|c| &*c.code == *code);
            let missing: Vec<&str> =
                options.iter().copied().filter(|o| !coverage.is_some_and(|c| c.deductibles.iter().any(|d| d == o))).collect();
            if !missing.is_empty() {
                return Err((0..0, format!("coverages.{code}.deductibles"), format!("missing {}: {why}", missing.join(", "))));
            }
        }
        Ok(())
    }

    /// The discount the law mandates, at its least rate, on every coverage:
    /// the field and the sentence when the pack falls short.
    pub(crate) fn check_discounts(&self, discounts: &[Adjustment]) -> Result<(), (String, String)> {
        let Some((test, min_rate, why)) = self.mandated_discount else { return Ok(()) };
        match discounts.iter().find(|d| matches!(d.eligibility, Eligibility::Statutory(t) if t == test)) {
            Some(d) if d.rate >= min_rate && d.coverages.is_none() => Ok(()),
            Some(d) => Err((
                format!("discounts.{}", d.code),
                format!(
                    "{why}, applied to every coverage; this pack gives {} on {}",
                    d.rate,
                    if d.coverages.is_some() { "some coverages" } else { "every coverage" }
                ),
            )),
            None => Err(("discounts".into(), format!("{why}: add a discount with eligibility = \"{}\"", test.name()))),
        }
    }

    /// The variables the law makes the rating use, each in a coverage's step
    /// or a discount's or surcharge's condition.
    pub(crate) fn check_rated_on(&self, coverages: &[Coverage], discounts: &[Adjustment], surcharges: &[Adjustment]) -> Result<(), String> {
        let Some((vars, why)) = &self.must_rate_on else { return Ok(()) };
        let in_steps = |v: Variable| {
            coverages.iter().flat_map(|c| &c.steps).any(|step| match &step.kind {
                StepKind::BaseTable { keys, .. } | StepKind::Lookup { keys, .. } => keys.contains(&v),
                _ => false,
            })
        };
        let in_adjustments = |v: Variable| {
            discounts.iter().chain(surcharges).any(|a| matches!(&a.eligibility, Eligibility::Conditions(c) if c.iter().any(|c| c.var == v)))
        };
        let missing: Vec<&str> = vars.iter().filter(|v| !in_steps(**v) && !in_adjustments(**v)).map(|v| v.name()).collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(format!("nothing rates on {}: {why}", missing.join(", ")))
        }
    }

    /// Where credit may not be the sole reason for a refer or decline rule,
    /// a rule (its action and conditions) that rests on credit alone.
    pub(crate) fn check_underwriting_rule(&self, state: &str, action: &str, when: &[Condition]) -> Result<(), String> {
        if self.credit_not_sole_reason && when.iter().all(|c| c.var == Variable::CreditTier) {
            return Err(format!("credit may not be the sole reason to {action} in {state} (Tex. Ins. Code 559.052)"));
        }
        Ok(())
    }

    /// Where a missing credit history must be neutral: a credit tier is keyed
    /// alone by a factor table whose `no-hit` row is exactly 1, and no
    /// discount or surcharge that reads credit reaches a risk without one.
    /// The field and the sentence when the pack falls short.
    pub(crate) fn check_credit_neutral(
        &self,
        state: &str,
        coverages: &[Coverage],
        tables: &[Table],
        discounts: &[Adjustment],
        surcharges: &[Adjustment],
    ) -> Result<(), (String, String)> {
        if !self.credit_no_hit_neutral {
            return Ok(());
        }
        for c in coverages {
            for s in &c.steps {
                if let StepKind::Lookup { table, keys } | StepKind::BaseTable { table, keys } = &s.kind {
                    if !keys.contains(&Variable::CreditTier) {
                        continue;
                    }
                    let name = &tables[*table].name;
                    if keys.len() > 1 || matches!(s.kind, StepKind::BaseTable { .. }) {
                        return Err((
                            format!("tables.{name}"),
                            format!("in {state} credit is keyed alone, by a factor table, so a missing credit history can be seen to be neutral (Tex. Ins. Code 559.052(b))"),
                        ));
                    }
                    if tables[*table].exact_value("no-hit") != Some(Decimal::ONE) {
                        return Err((
                            format!("tables.{name}"),
                            format!("a missing credit history must be neutral in {state}: the `no-hit` row must be exactly 1"),
                        ));
                    }
                }
            }
        }
        // A discount or surcharge that reads credit may not reach a risk
        // with no credit history: it would not be neutral.
        let no_hit = Value::Text(Arc::from("no-hit"));
        for (kind, list) in [("discounts", discounts), ("surcharges", surcharges)] {
            for a in list {
                let Eligibility::Conditions(conditions) = &a.eligibility else { continue };
                let credit: Vec<&Condition> = conditions.iter().filter(|c| c.var == Variable::CreditTier).collect();
                let reaches = |c: &&Condition| match c.op {
                    CompareOp::Eq | CompareOp::In => c.value.contains(&no_hit),
                    CompareOp::Ne => !c.value.contains(&no_hit),
                    _ => true,
                };
                if !credit.is_empty() && credit.iter().all(reaches) {
                    return Err((
                        format!("{kind}.{}", a.code),
                        format!("it applies to a risk with no credit history, which must be neutral in {state} (Tex. Ins. Code 559.052(b)); add credit_tier != \"no-hit\""),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Whether the risk score may move the premium.
    pub(crate) fn check_risk_usage(&self, state: &str, usage: RiskUsage) -> Result<(), String> {
        if usage == RiskUsage::Rate && !self.risk_may_rate {
            return Err(format!("the risk score may not move the premium in {state}; use `inform`"));
        }
        Ok(())
    }

    /// A risk factor that moves the premium stays between
    /// `RISK_FACTOR_FLOOR` and `RISK_FACTOR_CAP`.
    pub(crate) fn check_risk_factors(&self, usage: RiskUsage, min_factor: Decimal, max_factor: Decimal) -> Result<(), String> {
        if usage == RiskUsage::Rate && (min_factor < RISK_FACTOR_FLOOR || max_factor > RISK_FACTOR_CAP || min_factor > max_factor) {
            return Err(format!(
                "a rating risk factor is capped to [{RISK_FACTOR_FLOOR}, {RISK_FACTOR_CAP}]; this pack asks for [{min_factor}, {max_factor}]"
            ));
        }
        Ok(())
    }

    /// Where credit may not be the sole reason to refer, a score that reads
    /// credit may not refer.
    pub(crate) fn check_risk_referral(&self, state: &str, features: &[Feature], refers: bool) -> Result<(), String> {
        if self.credit_not_sole_reason && refers && features.iter().any(|f| f.var == Variable::CreditTier) {
            return Err(format!("a score that reads credit may not refer in {state}: a referral could rest on credit alone (Tex. Ins. Code 559.052(a)(2)); leave credit out or drop refer_above"));
        }
        Ok(())
    }

    /// Whether a cancellation refund method returns at least the share of
    /// the pro-rata return the law guarantees.
    pub(crate) fn check_refund(&self, method: RefundMethod) -> Result<(), String> {
        if let Some((least, why)) = self.refund_floor {
            if method.floor().is_none_or(|f| f < least) {
                return Err(format!("{} returns less than {least}% of pro rata: {why}", method.describe()));
            }
        }
        Ok(())
    }
}

/// Where uninsured motorist limits may not exceed bodily injury's, the law
/// that says so (and the quote may not carry UM without BI).
pub(crate) fn um_bounded_by_bi(state: &str) -> Option<&'static str> {
    match state {
        "NY" => Some("NY Ins. Law 3420(f)(2)(A) writes uninsured motorist cover up to the bodily injury limits"),
        "IL" => Some("215 ILCS 5/143a-2(1) writes uninsured motorist cover up to the bodily injury limits"),
        "FL" => Some("Fla. Stat. 627.727(1) writes uninsured motorist cover up to the bodily injury limits, and only with bodily injury"),
        _ => None,
    }
}

/// The bounds on a risk relativity that is allowed to move the premium.
pub(crate) const RISK_FACTOR_FLOOR: Decimal = Decimal::from_parts(85, 0, 0, false, 2);
pub(crate) const RISK_FACTOR_CAP: Decimal = Decimal::from_parts(115, 0, 0, false, 2);

pub(crate) fn for_state(state: &str, product: Product) -> Jurisdiction {
    let auto = product == Product::PersonalAuto;
    let mut j = Jurisdiction { risk_may_rate: true, elections: elections(state, product), ..Jurisdiction::default() };
    j.required_coverages = match (auto, state) {
        // Florida's compulsory auto coverages are PIP (added below) and
        // property damage liability (Fla. Stat. 627.733, 324.022); bodily
        // injury is optional unless a court or the state requires it
        // (FR-44, SR-22).
        (true, "FL") => vec!["PD"],
        (true, _) => vec!["BI", "PD"],
        (false, _) => vec!["DWELLING", "LIABILITY"],
    };
    match state {
        "CA" => {
            j.forbidden.push((Variable::CreditTier, "California does not allow credit-based insurance scores (Prop 103, 10 CCR 2632.5)"));
            j.risk_may_rate = false;
            if !auto {
                j.must_rate_on = Some((
                    vec![Variable::WildfireMeasures, Variable::WildfireCommunity],
                    "a California homeowners plan that reflects wildfire risk must credit the community and property mitigation of 10 CCR 2644.9",
                ));
            }
            if auto {
                j.forbidden.push((Variable::DriverAge, "age is not among California's permitted auto rating factors (10 CCR 2632.5)"));
                for v in [Variable::PriorInsuranceMonths, Variable::LapseDays] {
                    j.forbidden.push((
                        v,
                        "the absence of prior insurance may not be a criterion for auto rates, premiums or insurability in California (Ins. Code 1861.02(c))",
                    ));
                }
                // 10 CCR 2632.5(c) and (d) list the only factors: driving
                // record, miles, experience; then vehicle characteristics and
                // use, territory (claims frequency and severity by location),
                // academic standing, driver training, persistency. Prior
                // insurance claims (policy.prior_claims_5y) are not among them.
                let allowed = Variable::ALL
                    .iter()
                    .copied()
                    .filter(|v| match v.scope() {
                        crate::variable::Scope::Driver => *v != Variable::DriverAge,
                        crate::variable::Scope::Vehicle | crate::variable::Scope::Coverage => true,
                        // Persistency (years with this insurer) is one of
                        // the optional factors, 2632.5(d)(13).
                        crate::variable::Scope::Policy => {
                            matches!(v, Variable::TermMonths | Variable::Renewal | Variable::VehicleCount | Variable::TenureYears)
                        }
                        crate::variable::Scope::Dwelling => false,
                    })
                    .collect();
                j.allowed = Some((allowed, "California allows only the auto rating factors 10 CCR 2632.5(c) and (d) list"));
                j.mandatory_factors = Some(vec![
                    (
                        vec![
                            Variable::ViolationPoints3y,
                            Variable::AtFaultAccidents3y,
                            Variable::AtFaultInjuryAccidents3y,
                            Variable::Dui3y,
                            Variable::Dui10y,
                        ],
                        "driving record",
                    ),
                    (vec![Variable::AnnualMiles], "annual miles"),
                    (vec![Variable::YearsLicensed], "years licensed"),
                ]);
                j.mandated_discount = Some((
                    Statutory::CaGoodDriver,
                    Decimal::from_parts(20, 0, 0, false, 2),
                    "California Ins. Code 1861.02 requires a Good Driver discount of at least 20%",
                ));
            }
        }
        "HI" if auto => {
            for v in [Variable::DriverAge, Variable::YearsLicensed, Variable::CreditTier] {
                j.forbidden.push((v, "Hawaii does not allow auto rating on age, driving experience or credit (HRS 431:10C-207)"));
            }
        }
        "MA" if auto => j.forbidden.push((Variable::CreditTier, "Massachusetts does not allow credit for auto")),
        "MD" if !auto => j.forbidden.push((Variable::CreditTier, "Maryland does not allow credit for homeowners")),
        "MI" if auto => {
            for v in [Variable::CreditTier, Variable::GaragingZip] {
                j.forbidden.push((v, "Michigan does not allow credit or ZIP code for auto (since 2020)"));
            }
        }
        "TX" => {
            j.credit_no_hit_neutral = true;
            j.credit_not_sole_reason = true;
            if !auto {
                j.forbidden.push((
                    Variable::PriorClaims5y,
                    "Texas lets a homeowners surcharge rest only on claims in the preceding three years that are not weather, acts of God or appliances (Ins. Code 551.107); use policy.chargeable_claims_3y",
                ));
            }
        }
        "FL" => {
            if auto {
                j.required_coverages.push("PIP");
                j.refund_floor = Some((
                    Decimal::from(90),
                    "Florida returns at least 90% of the pro-rata unearned premium when the insured cancels auto (Fla. Stat. 627.7283(4))",
                ));
            } else {
                j.must_rate_on = Some((
                    vec![
                        Variable::RoofShape,
                        Variable::RoofDeck,
                        Variable::RoofToWall,
                        Variable::OpeningProtection,
                        Variable::SecondaryWaterResistance,
                    ],
                    "Florida homeowners rates must credit windstorm loss-reduction features: roof shape, roof-deck and roof-to-wall attachment, opening protection and secondary water resistance (Fla. Stat. 627.0629(1), form OIR-B1-1802)",
                ));
                j.offered_deductibles = Some((
                    "HURRICANE",
                    vec!["500", "2%", "5%", "10%"],
                    "Florida requires hurricane deductibles of $500, 2%, 5% and 10% of Coverage A to be offered (Fla. Stat. 627.701)",
                ));
            }
        }
        "NY" if auto => j.required_coverages.push("PIP"),
        _ => {}
    }
    j
}
