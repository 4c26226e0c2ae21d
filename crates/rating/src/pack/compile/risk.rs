//! The risk model: a score from the quote's variables that informs the
//! underwriter or, where the law allows, moves the premium.

use std::str::FromStr;

use rust_decimal::Decimal;
use toml::Spanned;

use super::vocabulary::Vocabulary;
use super::Ctx;
use crate::pack::error::PackError;
use crate::pack::jurisdiction::Jurisdiction;
use crate::pack::raw::RawRiskModel;
use crate::pack::{Coverage, Feature, RiskBasis, RiskModel, RiskUsage, StepKind};
use crate::variable::VarType;

pub(super) fn model(
    ctx: &Ctx<'_>,
    m: &Spanned<RawRiskModel>,
    law: &Jurisdiction,
    vocabulary: &Vocabulary<'_>,
    state: &str,
    coverages: &[Coverage],
) -> Result<RiskModel, PackError> {
    let raw = m.get_ref();
    let usage = match raw.usage.get_ref().as_str() {
        "rate" => RiskUsage::Rate,
        "inform" => RiskUsage::Inform,
        other => return Err(ctx.invalid(raw.usage.span(), "risk_model.usage", format!("`{other}` is not rate or inform"))),
    };
    law.check_risk_usage(state, usage).map_err(|message| ctx.state_rule(raw.usage.span(), "risk_model.usage", message))?;
    let min_factor = raw.min_factor.as_ref().map(|f| ctx.decimal(f, "risk_model.min_factor")).transpose()?.unwrap_or(Decimal::ONE);
    let max_factor = raw.max_factor.as_ref().map(|f| ctx.decimal(f, "risk_model.max_factor")).transpose()?.unwrap_or(Decimal::ONE);
    law.check_risk_factors(usage, min_factor, max_factor).map_err(|message| ctx.state_rule(m.span(), "risk_model", message))?;
    let mut features = Vec::with_capacity(raw.features.len());
    for (i, f) in raw.features.iter().enumerate() {
        let field = format!("risk_model.features[{i}]");
        let feature = f.get_ref();
        let var = vocabulary.resolve(&feature.var, f.span(), &format!("{field}.var"))?;
        let text = var.var_type() == VarType::Text;
        if text != feature.level.is_some() {
            return Err(ctx.invalid(
                f.span(),
                format!("{field}.level"),
                if text {
                    format!("{var} is text; give the `level` this coefficient applies to")
                } else {
                    format!("{var} is not text; it takes no `level`")
                },
            ));
        }
        let coefficient = Decimal::from_str(&feature.coefficient).map_err(|_| {
            ctx.invalid(f.span(), format!("{field}.coefficient"), format!("`{}` is not a decimal number", feature.coefficient))
        })?;
        let base = match &feature.base {
            None => Decimal::ZERO,
            Some(_) if text => {
                return Err(ctx.invalid(f.span(), format!("{field}.base"), format!("{var} is text; an indicator has no base")))
            }
            Some(b) => Decimal::from_str(b)
                .map_err(|_| ctx.invalid(f.span(), format!("{field}.base"), format!("`{b}` is not a decimal number")))?,
        };
        features.push(Feature { var, level: feature.level.clone(), base, coefficient });
    }
    law.check_risk_referral(state, &features, raw.refer_above.is_some())
        .map_err(|message| ctx.state_rule(m.span(), "risk_model.features", message))?;
    let rates = match (usage, &raw.basis, &raw.coverages) {
        (RiskUsage::Inform, None, None) => None,
        (RiskUsage::Inform, _, _) => {
            return Err(ctx.invalid(m.span(), "risk_model", "a model that only informs has no `basis` or `coverages`"));
        }
        (RiskUsage::Rate, Some(basis), Some(list)) => {
            let basis_value = match basis.get_ref().as_str() {
                "class-plan-offset" => RiskBasis::ClassPlanOffset,
                "replaces-factors" => RiskBasis::ReplacesFactors,
                other => {
                    return Err(ctx.invalid(
                        basis.span(),
                        "risk_model.basis",
                        format!("`{other}` is not class-plan-offset or replaces-factors"),
                    ))
                }
            };
            let mut indexes = Vec::with_capacity(list.get_ref().len());
            for code in list.get_ref() {
                let i = coverages
                    .iter()
                    .position(|c| &*c.code == code)
                    .ok_or_else(|| ctx.invalid(list.span(), "risk_model.coverages", format!("no coverage `{code}` in this pack")))?;
                if basis_value == RiskBasis::ReplacesFactors {
                    let priced = coverages[i].steps.iter().find_map(|s| match &s.kind {
                        StepKind::Lookup { keys, .. } | StepKind::BaseTable { keys, .. } => {
                            keys.iter().find(|k| features.iter().any(|f| f.var == **k)).map(|k| (s.label.clone(), *k))
                        }
                        _ => None,
                    });
                    if let Some((label, var)) = priced {
                        return Err(ctx.invalid(
                            list.span(),
                            "risk_model.coverages",
                            format!("{code}'s step `{label}` prices {var}, which a model that replaces factors prices in its place"),
                        ));
                    }
                }
                indexes.push(i);
            }
            if indexes.is_empty() {
                return Err(ctx.invalid(list.span(), "risk_model.coverages", "name the coverages the model multiplies"));
            }
            Some((basis_value, indexes))
        }
        (RiskUsage::Rate, _, _) => {
            return Err(ctx.invalid(
                raw.usage.span(),
                "risk_model",
                "a model that moves the premium says how it was fitted (basis = \"class-plan-offset\" or \"replaces-factors\") and which coverages it multiplies (coverages = [...]): a model fitted apart from the class plan prices its variables twice",
            ));
        }
    };
    Ok(RiskModel {
        usage,
        rates,
        intercept: ctx.decimal(&raw.intercept, "risk_model.intercept")?,
        features,
        min_factor,
        max_factor,
        refer_above: raw.refer_above.as_ref().map(|r| ctx.decimal(r, "risk_model.refer_above")).transpose()?,
    })
}
