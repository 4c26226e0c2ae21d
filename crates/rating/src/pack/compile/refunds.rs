//! What the pack files for premium returned when the insured cancels, at no
//! less than the law's floor.

use toml::Spanned;

use super::Ctx;
use crate::pack::error::PackError;
use crate::pack::jurisdiction::Jurisdiction;
use crate::pack::raw::RawRefunds;
use crate::pack::{RefundMethod, Refunds};

/// The refund methods the pack files; where it files none, the state's
/// default applies.
pub(super) fn refunds(ctx: &Ctx<'_>, raw: Option<&Spanned<RawRefunds>>, law: &Jurisdiction) -> Result<Refunds, PackError> {
    let mut refunds = Refunds::default();
    if let Some(raw_refunds) = raw {
        let r = raw_refunds.get_ref();
        for (field, value, slot) in [
            ("refunds.insured_request", &r.insured_request, &mut refunds.insured_request),
            ("refunds.replaced_or_sold", &r.replaced_or_sold, &mut refunds.replaced_or_sold),
        ] {
            let Some(value) = value else { continue };
            let method = RefundMethod::parse(value.get_ref()).ok_or_else(|| {
                ctx.invalid(value.span(), field, format!("`{}` is not pro-rata, short-rate-table or \"N% of pro-rata\"", value.get_ref()))
            })?;
            law.check_refund(method).map_err(|message| ctx.state_rule(value.span(), field, message))?;
            *slot = Some(method);
        }
    }
    Ok(refunds)
}
