//! Discounts and surcharges, and fees.

use std::sync::Arc;

use rust_decimal::Decimal;
use toml::Spanned;

use super::vocabulary::Vocabulary;
use super::Ctx;
use crate::pack::error::PackError;
use crate::pack::jurisdiction::Statutory;
use crate::pack::raw::{RawAdjustment, RawFee};
use crate::pack::{Adjustment, Coverage, Eligibility, Fee, FeeBasis, FeeClass, FeeEarning, FeePer};
use crate::quote::Product;

/// The discounts or surcharges (`kind`), in manifest order.
pub(super) fn adjustments(
    ctx: &Ctx<'_>,
    list: &[Spanned<RawAdjustment>],
    kind: &str,
    vocabulary: &Vocabulary<'_>,
    coverages: &[Coverage],
) -> Result<Vec<Adjustment>, PackError> {
    let coverage_set = |list: &Option<Spanned<Vec<String>>>, field: &str| -> Result<Option<Vec<usize>>, PackError> {
        let Some(list) = list else { return Ok(None) };
        list.get_ref()
            .iter()
            .map(|code| {
                coverages
                    .iter()
                    .position(|c| &*c.code == code)
                    .ok_or_else(|| ctx.invalid(list.span(), field, format!("no coverage `{code}` in this pack")))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    };
    let mut out: Vec<Adjustment> = Vec::with_capacity(list.len());
    for (i, spanned) in list.iter().enumerate() {
        let a = spanned.get_ref();
        let field = format!("{kind}[{i}]");
        let rate = ctx.decimal(&a.rate, &format!("{field}.rate"))?;
        if rate <= Decimal::ZERO || (kind == "discounts" && rate >= Decimal::ONE) {
            return Err(ctx.invalid(
                a.rate.span(),
                format!("{field}.rate"),
                format!("{rate} is not a fraction between 0 and 1 (0.20 is 20%)"),
            ));
        }
        if out.iter().any(|x| &*x.code == a.code.get_ref()) {
            return Err(ctx.invalid(a.code.span(), format!("{field}.code"), format!("`{}` is defined twice", a.code.get_ref())));
        }
        let eligibility = match (&a.eligibility, a.when.is_empty()) {
            (Some(name), true) => Eligibility::Statutory(Statutory::parse(name.get_ref()).ok_or_else(|| {
                ctx.invalid(
                    name.span(),
                    format!("{field}.eligibility"),
                    format!("`{}` is not a statutory test the engine knows (ca-good-driver)", name.get_ref()),
                )
            })?),
            (Some(name), false) => {
                return Err(ctx.invalid(name.span(), format!("{field}.eligibility"), "give `eligibility` or `when`, not both"))
            }
            (None, _) => Eligibility::Conditions(vocabulary.conditions(&a.when, &field)?),
        };
        out.push(Adjustment {
            code: Arc::from(a.code.get_ref().as_str()),
            name: Arc::from(a.name.as_str()),
            rate,
            coverages: coverage_set(&a.coverages, &format!("{field}.coverages"))?,
            eligibility,
        });
    }
    Ok(out)
}

/// The fees, in manifest order.
pub(super) fn fees(ctx: &Ctx<'_>, list: &[Spanned<RawFee>], product: Product) -> Result<Vec<Fee>, PackError> {
    list.iter().enumerate().map(|(i, f)| fee(ctx, i, f, product)).collect()
}

fn fee(ctx: &Ctx<'_>, i: usize, spanned: &Spanned<RawFee>, product: Product) -> Result<Fee, PackError> {
    let f = spanned.get_ref();
    let field = |name: &str| format!("fees[{i}].{name}");
    let non_negative = |s: &Spanned<String>, name: &str| -> Result<Decimal, PackError> {
        let d = ctx.decimal(s, &field(name))?;
        if d.is_sign_negative() {
            return Err(ctx.invalid(s.span(), field(name), "a fee cannot be negative"));
        }
        Ok(d)
    };
    let choice = |s: &Option<Spanned<String>>, name: &str, options: &[&str]| -> Result<Option<usize>, PackError> {
        let Some(s) = s else { return Ok(None) };
        options
            .iter()
            .position(|o| *o == s.get_ref())
            .map(Some)
            .ok_or_else(|| ctx.invalid(s.span(), field(name), format!("`{}` is not one of {}", s.get_ref(), options.join(", "))))
    };
    let per = match choice(&f.per, "per", &["policy", "vehicle", "vehicle-year"])? {
        None | Some(0) => FeePer::Policy,
        Some(1) => FeePer::Vehicle,
        Some(_) => FeePer::VehicleYear,
    };
    if per != FeePer::Policy && product != Product::PersonalAuto {
        let span = f.per.as_ref().map_or(spanned.span(), Spanned::span);
        return Err(ctx.invalid(span, field("per"), "a homeowners policy has no vehicles"));
    }
    let basis = match (&f.amount, &f.rate) {
        (Some(amount), None) => FeeBasis::Flat {
            amount: non_negative(amount, "amount")?,
            per,
            short_term: f.short_term_amount.as_ref().map(|s| non_negative(s, "short_term_amount")).transpose()?,
        },
        (None, Some(rate)) => {
            let r = non_negative(rate, "rate")?;
            if r >= Decimal::ONE {
                return Err(ctx.invalid(rate.span(), field("rate"), format!("{r} is not a fraction below 1 (0.01 is 1%)")));
            }
            if f.per.is_some() || f.short_term_amount.is_some() {
                return Err(ctx.invalid(spanned.span(), field("rate"), "a fee on the premium has no `per` or `short_term_amount`"));
            }
            FeeBasis::OfPremium(r)
        }
        _ => return Err(ctx.invalid(spanned.span(), format!("fees[{i}]"), "a fee has an `amount` or a `rate`, not both")),
    };
    let class = match choice(&f.class, "class", &["non-premium", "premium"])? {
        None | Some(0) => FeeClass::NonPremium,
        Some(_) => FeeClass::Premium,
    };
    let earning = match choice(&f.earning, "earning", &["fully-earned", "pro-rata"])? {
        None | Some(0) => FeeEarning::FullyEarned,
        Some(_) => FeeEarning::ProRata,
    };
    Ok(Fee { code: Arc::from(f.code.as_str()), name: Arc::from(f.name.as_str()), basis, class, earning })
}
