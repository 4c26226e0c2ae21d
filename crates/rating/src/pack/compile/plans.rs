//! Installment plans: a pack needs at least one.

use rust_decimal::Decimal;
use toml::Spanned;

use super::Ctx;
use crate::pack::error::PackError;
use crate::pack::raw::RawPlan;
use crate::pack::Plan;

/// The installment plans, in manifest order.
pub(super) fn plans(ctx: &Ctx<'_>, list: &[Spanned<RawPlan>]) -> Result<Vec<Plan>, PackError> {
    let mut plans: Vec<Plan> = Vec::with_capacity(list.len());
    for (i, p) in list.iter().enumerate() {
        let p = p.get_ref();
        let n = *p.installments.get_ref();
        if n == 0 || n > 12 {
            return Err(ctx.invalid(
                p.installments.span(),
                format!("installment_plans[{i}].installments"),
                format!("{n} is not 1 to 12 installments"),
            ));
        }
        if plans.iter().any(|x| &x.code == p.code.get_ref()) {
            return Err(ctx.invalid(
                p.code.span(),
                format!("installment_plans[{i}].code"),
                format!("`{}` is defined twice", p.code.get_ref()),
            ));
        }
        let fee = p
            .installment_fee
            .as_ref()
            .map(|f| ctx.decimal(f, &format!("installment_plans[{i}].installment_fee")))
            .transpose()?
            .unwrap_or(Decimal::ZERO);
        plans.push(Plan { code: p.code.get_ref().clone(), name: p.name.clone(), installments: n, installment_fee: fee });
    }
    if plans.is_empty() {
        return Err(ctx.invalid(0..0, "installment_plans", "a pack needs at least one installment plan"));
    }
    Ok(plans)
}
