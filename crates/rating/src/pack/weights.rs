//! Factor weights: how much each rating factor moves premiums across the
//! book it is filed for, as California measures it (10 CCR 2632.7 and
//! 2632.8). For one factor with relativities Rᵢ on exposures Eᵢ, balanced so
//! that the exposure-weighted mean is 1, the weight is Σ|Rᵢ/R̄ − 1|·Eᵢ/ΣE.
//! California requires, for each coverage, driving safety record > annual
//! miles > years of experience > each optional factor. The step order in a
//! manifest has no effect on a premium (factors multiply), so the law is
//! checked on these weights, from the exposure each factor table carries.

use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Serialize;

use super::table::Table;
use super::{Coverage, StepKind};
use crate::variable::{Scope, Variable};

/// One factor's weight within a coverage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FactorWeight {
    pub table: Arc<str>,
    pub variable: Variable,
    /// Σ|Rᵢ/R̄ − 1|·Eᵢ/ΣE, to four places; `None` when the table carries no
    /// exposure.
    pub weight: Option<Decimal>,
}

/// A coverage's rating factors and their weights, in step order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoverageWeights {
    pub coverage: Arc<str>,
    pub factors: Vec<FactorWeight>,
}

/// The weight of a table's relativities over its exposure, or `None` when a
/// row has no exposure or the exposures sum to zero.
pub(crate) fn weight(table: &Table) -> Option<Decimal> {
    let rows = table.exposures();
    let mut total = Decimal::ZERO;
    let mut weighted = Decimal::ZERO;
    for (value, exposure) in &rows {
        let e = (*exposure)?;
        total += e;
        weighted += *value * e;
    }
    if total.is_zero() || weighted.is_zero() {
        return None;
    }
    let mean = weighted / total;
    let sum: Decimal = rows.iter().map(|(value, exposure)| (*value / mean - Decimal::ONE).abs() * exposure.unwrap_or_default()).sum();
    Some((sum / total).round_dp(4))
}

/// Whether a step's variable is a rating factor for the weight test: a
/// characteristic of the policy, driver, vehicle or dwelling. The term (a
/// conversion of annual rates) and the coverage's own limit or deductible
/// are not.
fn is_factor(v: Variable) -> bool {
    v != Variable::TermMonths && v.scope() != Scope::Coverage
}

/// The factors of a coverage (one-key table steps on rating factors), with
/// their weights.
pub(crate) fn coverage_weights(coverage: &Coverage, tables: &[Table]) -> CoverageWeights {
    let factors = coverage
        .steps
        .iter()
        .filter_map(|s| match &s.kind {
            StepKind::Lookup { table, keys } | StepKind::BaseTable { table, keys } => match keys.as_slice() {
                [v] if is_factor(*v) => {
                    Some(FactorWeight { table: tables[*table].name.clone(), variable: *v, weight: weight(&tables[*table]) })
                }
                _ => None,
            },
            _ => None,
        })
        .collect();
    CoverageWeights { coverage: coverage.code.clone(), factors }
}

/// A factor table keyed by two variables, one of them a rating factor: the
/// weight test cannot attribute its weight to one factor.
pub(crate) fn two_key_factor(coverage: &Coverage, tables: &[Table]) -> Option<Arc<str>> {
    coverage.steps.iter().find_map(|s| match &s.kind {
        StepKind::Lookup { table, keys } | StepKind::BaseTable { table, keys } if keys.len() > 1 && keys.iter().any(|v| is_factor(*v)) => {
            Some(tables[*table].name.clone())
        }
        _ => None,
    })
}

/// Checks the 2632.8 order: `groups` are the mandatory factors, most
/// weighty first (driving record, annual miles, years licensed), each a
/// list of the variables that measure it and its name. Returns the
/// violation as a sentence naming every weight.
pub(crate) fn check_order(w: &CoverageWeights, groups: &[(&[Variable], &str)]) -> Result<(), String> {
    if let Some(f) = w.factors.iter().find(|f| f.weight.is_none()) {
        return Err(format!(
            "table `{}` carries no exposure; California's factor weights (10 CCR 2632.8) need an `exposure` column on every factor table",
            f.table
        ));
    }
    let of = |f: &FactorWeight| f.weight.unwrap_or_default();
    let group_of = |v: Variable| groups.iter().position(|(vars, _)| vars.contains(&v));
    let mandatory: Vec<(&str, Decimal)> = groups
        .iter()
        .enumerate()
        .filter_map(|(g, (_, name))| {
            let in_group: Vec<&FactorWeight> = w.factors.iter().filter(|f| group_of(f.variable) == Some(g)).collect();
            (!in_group.is_empty()).then(|| (*name, in_group.iter().map(|f| of(f)).sum()))
        })
        .collect();
    let all = || {
        w.factors
            .iter()
            .map(|f| format!("{} {}", group_of(f.variable).map_or(&*f.table, |g| groups[g].1), of(f)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let names: Vec<&str> = groups.iter().map(|(_, n)| *n).collect();
    let rule = format!("10 CCR 2632.8 requires {} > each optional factor", names.join(" > "));
    if mandatory.is_empty() {
        return Err(format!("{} uses none of California's mandatory factors ({}; 10 CCR 2632.5(c))", w.coverage, names.join(", ")));
    }
    for pair in mandatory.windows(2) {
        if pair[1].1 >= pair[0].1 {
            return Err(format!(
                "{}: {} ({}) does not weigh less than {} ({}); {rule}. Weights: {}",
                w.coverage,
                pair[1].0,
                pair[1].1,
                pair[0].0,
                pair[0].1,
                all()
            ));
        }
    }
    let (last_name, last) = mandatory[mandatory.len() - 1];
    if let Some(f) = w.factors.iter().find(|f| group_of(f.variable).is_none() && of(f) >= last) {
        return Err(format!(
            "{}: the optional factor {} ({}) outweighs {last_name} ({last}); {rule}. Weights: {}",
            w.coverage,
            f.table,
            of(f),
            all()
        ));
    }
    Ok(())
}
