//! Homeowners Coverages B to D as percentages of Coverage A.

use toml::Spanned;

use super::Ctx;
use crate::pack::error::PackError;
use crate::pack::raw::RawPropertyLimits;
use crate::pack::PropertyLimits;
use crate::quote::Product;

/// The percentages the pack files, each above 0 and at most 100; only a
/// homeowners pack may file them.
pub(super) fn limits(
    ctx: &Ctx<'_>,
    raw: Option<&Spanned<RawPropertyLimits>>,
    product: Product,
) -> Result<Option<PropertyLimits>, PackError> {
    let Some(raw) = raw else { return Ok(None) };
    if product != Product::HomeownersHo3 {
        return Err(ctx.invalid(raw.span(), "property_limits", "only a homeowners pack sets Coverages B to D"));
    }
    let r = raw.get_ref();
    let percent = |value: &Spanned<String>, field: &str| {
        let p = ctx.decimal(value, field)?;
        if p <= rust_decimal::Decimal::ZERO || p > rust_decimal::Decimal::ONE_HUNDRED {
            return Err(ctx.invalid(value.span(), field, format!("`{p}` is not a percentage of Coverage A above 0 and at most 100")));
        }
        Ok(p)
    };
    Ok(Some(PropertyLimits {
        other_structures: percent(&r.other_structures, "property_limits.other_structures")?,
        personal_property: percent(&r.personal_property, "property_limits.personal_property")?,
        loss_of_use: percent(&r.loss_of_use, "property_limits.loss_of_use")?,
    }))
}
