//! What a filing reviewer checks in a pack, in one document: the factors of
//! each coverage with their weights (California's 10 CCR 2632.8), the
//! discounts, surcharges and rules with their conditions, the fees and their
//! classes, the minimum premium, the risk model and how it may be used, and
//! the state law the engine enforces on the pack. `uw pack report` prints it.

use rust_decimal::Decimal;
use serde::Serialize;

use super::jurisdiction::{self, Statutory};
use super::weights::{self, FactorWeight};
use super::{
    AssignmentMethod, CompareOp, Condition, Eligibility, FeeBasis, FeeClass, FeeEarning, FeePer, FilingType, Per, RatePack, Refunds,
    RiskBasis, RiskUsage,
};
use crate::quote::Product;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FilingReport {
    pub pack: String,
    pub id: String,
    pub state: String,
    pub product: Product,
    pub filing_reference: String,
    pub filing_type: FilingType,
    pub effective_new_business: String,
    pub effective_renewal: String,
    pub minimum_premium: Option<Decimal>,
    pub driver_assignment: Option<AssignmentMethod>,
    pub coverages: Vec<CoverageReport>,
    pub adjustments: Vec<AdjustmentReport>,
    pub fees: Vec<FeeReport>,
    pub underwriting: Vec<RuleReport>,
    pub risk_model: Option<RiskReport>,
    /// The state law the engine enforces on this pack, whatever it says.
    pub state_law: Vec<String>,
    /// The coverage decisions the law requires in writing, which binding
    /// needs recorded: rejections, answers to offers, lower UM limits.
    pub elections: Vec<String>,
    /// How an insured's cancellation returns premium, as filed (the state's
    /// default where the pack files none).
    pub refunds: Refunds,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoverageReport {
    pub code: String,
    pub name: String,
    pub per: Per,
    pub required: bool,
    pub options: Vec<String>,
    pub factors: Vec<FactorWeight>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AdjustmentReport {
    pub code: String,
    pub name: String,
    /// `discount` or `surcharge`.
    pub kind: &'static str,
    pub rate: Decimal,
    /// Every coverage when empty.
    pub coverages: Vec<String>,
    /// The conditions, or the statutory test.
    pub when: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FeeReport {
    pub code: String,
    pub name: String,
    /// `25.00 per policy`, `10.00 per vehicle (5.00 for six months or less)`, `1% of premium`.
    pub basis: String,
    pub class: FeeClass,
    pub earning: FeeEarning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleReport {
    pub code: String,
    pub action: super::Action,
    pub message: String,
    pub when: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskReport {
    pub usage: RiskUsage,
    /// How a model that rates was fitted, and the coverages it multiplies.
    pub basis: Option<&'static str>,
    pub coverages: Vec<String>,
    pub features: Vec<String>,
    pub refer_above: Option<Decimal>,
}

fn op(op: CompareOp) -> &'static str {
    match op {
        CompareOp::Eq => "==",
        CompareOp::Ne => "!=",
        CompareOp::Lt => "<",
        CompareOp::Le => "<=",
        CompareOp::Gt => ">",
        CompareOp::Ge => ">=",
        CompareOp::In => "in",
    }
}

fn conditions(list: &[Condition]) -> String {
    list.iter()
        .map(|c| {
            let values: Vec<String> = c.value.iter().map(ToString::to_string).collect();
            let value = if c.op == CompareOp::In { format!("[{}]", values.join(", ")) } else { values.join(", ") };
            format!("{} {} {value}", c.var, op(c.op))
        })
        .collect::<Vec<_>>()
        .join(" and ")
}

impl RatePack {
    /// The pack as a filing reviewer reads it.
    pub fn filing_report(&self) -> FilingReport {
        let info = &self.info;
        let code = |i: &usize| self.coverages[*i].code.to_string();
        let adjustments = [(&self.discounts, "discount"), (&self.surcharges, "surcharge")]
            .into_iter()
            .flat_map(|(list, kind)| {
                list.iter().map(move |a| AdjustmentReport {
                    code: a.code.to_string(),
                    name: a.name.to_string(),
                    kind,
                    rate: a.rate,
                    coverages: a.coverages.iter().flatten().map(code).collect(),
                    when: match &a.eligibility {
                        Eligibility::Conditions(c) => conditions(c),
                        Eligibility::Statutory(s @ Statutory::CaGoodDriver) => {
                            format!("{} (Cal. Ins. Code 1861.025, by statute)", s.name())
                        }
                    },
                })
            })
            .collect();
        let fees = self
            .fees
            .iter()
            .map(|f| FeeReport {
                code: f.code.to_string(),
                name: f.name.to_string(),
                basis: match &f.basis {
                    FeeBasis::Flat { amount, per, short_term } => {
                        let per = match per {
                            FeePer::Policy => "policy",
                            FeePer::Vehicle => "vehicle",
                            FeePer::VehicleYear => "vehicle-year",
                        };
                        match short_term {
                            Some(s) => format!("{amount} per {per} ({s} for six months or less)"),
                            None => format!("{amount} per {per}"),
                        }
                    }
                    FeeBasis::OfPremium(rate) => format!("{}% of premium", (*rate * Decimal::ONE_HUNDRED).normalize()),
                },
                class: f.class,
                earning: f.earning,
            })
            .collect();
        let law = jurisdiction::for_state(&info.state, info.product);
        let mut state_law: Vec<String> = law.forbidden.iter().map(|(v, why)| format!("{v} may not be used: {why}")).collect();
        if let Some((_, why)) = &law.allowed {
            state_law.push(format!("only listed factors: {why}"));
        }
        if !law.required_coverages.is_empty() {
            state_law.push(format!("required coverages: {}", law.required_coverages.join(", ")));
        }
        if let Some(groups) = &law.mandatory_factors {
            let names: Vec<&str> = groups.iter().map(|(_, n)| *n).collect();
            state_law.push(format!("factor weights fall {} > each optional factor (10 CCR 2632.8)", names.join(" > ")));
        }
        if let Some((_, rate, why)) = &law.mandated_discount {
            state_law.push(format!("{why} (at least {rate}, on every coverage)"));
        }
        if !law.risk_may_rate {
            state_law.push("the risk score may not move the premium".to_owned());
        }
        if law.credit_no_hit_neutral {
            state_law.push("a missing credit history (no-hit) rates exactly 1".to_owned());
        }
        if law.credit_not_sole_reason {
            state_law.push("credit may not be the sole reason to refer or decline".to_owned());
        }
        if let Some(um) = jurisdiction::um_bounded_by_bi(&info.state).filter(|_| info.product == Product::PersonalAuto) {
            state_law.push(format!("UM within BI: {um}"));
        }
        if let Some((coverage, options, why)) = &law.offered_deductibles {
            state_law.push(format!("{coverage} offers {}: {why}", options.join(", ")));
        }
        let elections = self
            .elections
            .iter()
            .map(|e| {
                let what = match e.kind {
                    jurisdiction::ElectionKind::RejectInWriting => "included unless the insured rejects it in writing".to_owned(),
                    jurisdiction::ElectionKind::Offer => match e.written_by {
                        Some(by) => format!("offered; the insured accepts or rejects it (written by {by})"),
                        None => "offered; the insured accepts or rejects it".to_owned(),
                    },
                    jurisdiction::ElectionKind::LowerLimitsInWriting => {
                        "limits below bodily injury's only on a signed selection".to_owned()
                    }
                };
                format!("{} ({}): {what} ({})", e.coverage, e.name, e.law)
            })
            .collect();
        if let Some((vars, why)) = &law.must_rate_on {
            let names: Vec<&str> = vars.iter().map(|v| v.name()).collect();
            state_law.push(format!("rates on {}: {why}", names.join(", ")));
        }
        if let Some((least, why)) = &law.refund_floor {
            state_law.push(format!("an insured's cancellation returns at least {least}% of pro rata: {why}"));
        }
        FilingReport {
            pack: info.label(),
            id: self.id.to_string(),
            state: info.state.clone(),
            product: info.product,
            filing_reference: info.filing_reference.clone(),
            filing_type: info.filing_type,
            effective_new_business: info.effective_new_business.to_string(),
            effective_renewal: info.effective_renewal.to_string(),
            minimum_premium: self.minimum_premium,
            driver_assignment: (info.product == Product::PersonalAuto).then_some(self.assignment),
            coverages: self
                .coverages
                .iter()
                .map(|c| CoverageReport {
                    code: c.code.to_string(),
                    name: c.name.to_string(),
                    per: c.per,
                    required: c.required,
                    options: c.limits.iter().chain(&c.deductibles).cloned().collect(),
                    factors: weights::coverage_weights(c, &self.tables).factors,
                })
                .collect(),
            adjustments,
            fees,
            underwriting: self
                .underwriting
                .iter()
                .map(|r| RuleReport {
                    code: r.code.to_string(),
                    action: r.action,
                    message: r.message.to_string(),
                    when: conditions(&r.when),
                })
                .collect(),
            risk_model: self.risk.as_ref().map(|m| RiskReport {
                usage: m.usage,
                basis: m.rates.as_ref().map(|(b, _)| match b {
                    RiskBasis::ClassPlanOffset => "class-plan-offset",
                    RiskBasis::ReplacesFactors => "replaces-factors",
                }),
                coverages: m.rates.iter().flat_map(|(_, c)| c.iter().map(code)).collect(),
                features: m
                    .features
                    .iter()
                    .map(|f| match &f.level {
                        Some(level) => format!("{}={level} x {}", f.var, f.coefficient),
                        None => format!("({} - {}) x {}", f.var, f.base, f.coefficient),
                    })
                    .collect(),
                refer_above: m.refer_above,
            }),
            state_law,
            elections,
            refunds: self.refunds,
        }
    }
}
