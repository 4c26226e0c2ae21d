//! The coverages and their rating steps, then the coverages state law and
//! the pack's own state rules require.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use toml::Spanned;

use super::vocabulary::Vocabulary;
use super::Ctx;
use crate::pack::error::PackError;
use crate::pack::jurisdiction::Jurisdiction;
use crate::pack::raw::{RawManifest, RawStep};
use crate::pack::table::{KeyMatch, Table};
use crate::pack::{Coverage, Per, Round, RoundingMode, Step, StepKind};
use crate::quote::Product;
use crate::variable::{VarType, Variable};

/// The coverages in manifest order, each checked against the law's factor
/// order and the pack's allowed deductibles; then the required coverages.
pub(super) fn coverages(
    ctx: &Ctx<'_>,
    raw: &RawManifest,
    vocabulary: &Vocabulary<'_>,
    law: &Jurisdiction,
    tables: &[Table],
    table_index: &HashMap<String, usize>,
) -> Result<Vec<Coverage>, PackError> {
    let state = raw.state.get_ref();
    let product = vocabulary.product();
    let mut coverages: Vec<Coverage> = Vec::with_capacity(raw.coverages.len());
    for (i, spanned) in raw.coverages.iter().enumerate() {
        let c = spanned.get_ref();
        let code = c.code.get_ref();
        if code.is_empty() || !code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-') {
            return Err(ctx.invalid(
                c.code.span(),
                format!("coverages[{i}].code"),
                format!("`{code}` must be upper-case letters, digits or `-`"),
            ));
        }
        if coverages.iter().any(|x| &*x.code == code) {
            return Err(ctx.invalid(c.code.span(), format!("coverages[{i}].code"), format!("coverage `{code}` is defined twice")));
        }
        let per = match (c.per.get_ref().as_str(), product) {
            ("vehicle", Product::PersonalAuto) => Per::Vehicle,
            ("policy", _) => Per::Policy,
            (other, _) => {
                return Err(ctx.invalid(
                    c.per.span(),
                    format!("coverages[{i}].per"),
                    format!("`{other}` is not `policy`{}", if product == Product::PersonalAuto { " or `vehicle`" } else { "" }),
                ))
            }
        };
        let minimum = c.minimum.as_ref().map(|m| ctx.decimal(m, &format!("coverages[{i}].minimum"))).transpose()?;
        let mut steps = Vec::with_capacity(c.steps.len());
        for (j, s) in c.steps.iter().enumerate() {
            steps.push(step(ctx, vocabulary, tables, table_index, &format!("coverages[{i}].steps[{j}]"), j == 0, s)?);
        }
        if steps.is_empty() {
            return Err(ctx.invalid(spanned.span(), format!("coverages[{i}].steps"), "a coverage needs at least a base step"));
        }
        let coverage = Coverage {
            code: Arc::from(code.as_str()),
            name: Arc::from(c.name.as_str()),
            per,
            required: c.required,
            limits: c.limits.clone(),
            deductibles: c.deductibles.clone(),
            minimum,
            steps,
        };
        law.check_factor_weights(state, &coverage, tables)
            .map_err(|message| ctx.state_rule(spanned.span(), format!("coverages[{i}].steps"), message))?;
        if let Some(allowed) = raw.state_rules.as_ref().and_then(|r| r.get_ref().allowed_deductibles.get(code.as_str())) {
            if let Some(bad) = c.deductibles.iter().find(|d| !allowed.contains(d)) {
                return Err(ctx.state_rule(
                    spanned.span(),
                    format!("coverages[{i}].deductibles"),
                    format!("deductible `{bad}` is not allowed for {code} by the state rules"),
                ));
            }
        }
        coverages.push(coverage);
    }

    // Required coverages: the law's, then the pack's own; the coverages the
    // law makes the insured decide on in writing; the deductibles it makes
    // the pack offer.
    let mut required: Vec<(String, Range<usize>)> = law.required_coverages.iter().map(|c| ((*c).to_owned(), 0..0)).collect();
    if let Some(rules) = &raw.state_rules {
        required.extend(rules.get_ref().required_coverages.iter().map(|c| (c.clone(), rules.span())));
    }
    law.check_coverages(state, &coverages, &required).map_err(|(span, field, message)| ctx.state_rule(span, field, message))?;
    Ok(coverages)
}

/// One rating step (`field`); a coverage's first step, and only its first,
/// is `base`.
fn step(
    ctx: &Ctx<'_>,
    vocabulary: &Vocabulary<'_>,
    tables: &[Table],
    table_index: &HashMap<String, usize>,
    field: &str,
    first: bool,
    step: &Spanned<RawStep>,
) -> Result<Step, PackError> {
    let s = step.get_ref();
    let value = || {
        s.value.as_ref().ok_or_else(|| ctx.invalid(step.span(), format!("{field}.value"), format!("`{}` needs a value", s.op.get_ref())))
    };
    let table_keys = || -> Result<(usize, Vec<Variable>), PackError> {
        let t = s
            .table
            .as_ref()
            .ok_or_else(|| ctx.invalid(step.span(), format!("{field}.table"), format!("`{}` needs a table", s.op.get_ref())))?;
        let index = *table_index.get(t.get_ref()).ok_or_else(|| {
            ctx.invalid(t.span(), format!("{field}.table"), format!("no table named `{}` is declared under [tables]", t.get_ref()))
        })?;
        let keys = s.keys.as_ref().ok_or_else(|| ctx.invalid(step.span(), format!("{field}.keys"), "a table step needs keys"))?;
        let table = &tables[index];
        if keys.get_ref().len() != table.keys.len() {
            return Err(ctx.invalid(
                keys.span(),
                format!("{field}.keys"),
                format!("table `{}` has {} key(s) but the step gives {}", t.get_ref(), table.keys.len(), keys.get_ref().len()),
            ));
        }
        let mut vars = Vec::with_capacity(keys.get_ref().len());
        for (k, name) in keys.get_ref().iter().enumerate() {
            let v = vocabulary.resolve(name, keys.span(), &format!("{field}.keys[{k}]"))?;
            let (column, m) = &table.keys[k];
            let fits = match m {
                KeyMatch::Exact => true,
                KeyMatch::Band => v.var_type() == VarType::Integer,
                KeyMatch::Interpolate => matches!(v.var_type(), VarType::Integer | VarType::Decimal),
            };
            if !fits {
                return Err(ctx.invalid(
                    keys.span(),
                    format!("{field}.keys[{k}]"),
                    format!("{name} is {} but column `{column}` of table `{}` is matched by {m:?}", v.var_type(), t.get_ref()),
                ));
            }
            vars.push(v);
        }
        Ok((index, vars))
    };
    let kind = match s.op.get_ref().as_str() {
        "base" if s.table.is_some() => {
            let (table, keys) = table_keys()?;
            StepKind::BaseTable { table, keys }
        }
        "base" => StepKind::Base(ctx.decimal(value()?, &format!("{field}.value"))?),
        "lookup" => {
            let (table, keys) = table_keys()?;
            StepKind::Lookup { table, keys }
        }
        "multiply" => StepKind::Multiply(ctx.decimal(value()?, &format!("{field}.value"))?),
        "add" => StepKind::Add(ctx.decimal(value()?, &format!("{field}.value"))?),
        "at-least" => StepKind::AtLeast(ctx.decimal(value()?, &format!("{field}.value"))?),
        "at-most" => StepKind::AtMost(ctx.decimal(value()?, &format!("{field}.value"))?),
        "round" => {
            let places = s.places.ok_or_else(|| ctx.invalid(step.span(), format!("{field}.places"), "`round` needs places"))?;
            let mode_text = s.mode.clone().ok_or_else(|| ctx.invalid(step.span(), format!("{field}.mode"), "`round` needs a mode"))?;
            let mode = RoundingMode::parse(&mode_text).ok_or_else(|| {
                ctx.invalid(step.span(), format!("{field}.mode"), format!("`{mode_text}` is not one of half-up, half-even, down, up"))
            })?;
            StepKind::Round(Round { places, mode })
        }
        other => {
            return Err(ctx.invalid(
                s.op.span(),
                format!("{field}.op"),
                format!("`{other}` is not one of base, lookup, multiply, add, at-least, at-most, round"),
            ))
        }
    };
    let is_base = matches!(kind, StepKind::Base(_) | StepKind::BaseTable { .. });
    if first != is_base {
        return Err(ctx.invalid(s.op.span(), format!("{field}.op"), "a coverage's first step, and only its first step, is `base`"));
    }
    let label = s.label.clone().unwrap_or_else(|| match &kind {
        StepKind::Lookup { table, .. } | StepKind::BaseTable { table, .. } => tables[*table].name.to_string(),
        _ => s.op.get_ref().clone(),
    });
    Ok(Step { label: Arc::from(label), kind })
}
