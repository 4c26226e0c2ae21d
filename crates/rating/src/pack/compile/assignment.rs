//! How a personal auto pack assigns drivers to vehicles.

use toml::Spanned;

use super::Ctx;
use crate::pack::error::PackError;
use crate::pack::raw::RawAssignment;
use crate::pack::AssignmentMethod;
use crate::quote::Product;

/// The method the pack names, or principal-driver assignment.
pub(super) fn method(ctx: &Ctx<'_>, raw: Option<&Spanned<RawAssignment>>, product: Product) -> Result<AssignmentMethod, PackError> {
    Ok(match (raw, product) {
        (None, _) => AssignmentMethod::Principal,
        (Some(a), Product::PersonalAuto) => AssignmentMethod::parse(a.get_ref().method.get_ref()).ok_or_else(|| {
            ctx.invalid(
                a.get_ref().method.span(),
                "driver_assignment.method",
                format!("`{}` is not highest-rated or principal", a.get_ref().method.get_ref()),
            )
        })?,
        (Some(a), Product::HomeownersHo3) => {
            return Err(ctx.invalid(a.span(), "driver_assignment", "a homeowners pack has no drivers to assign"))
        }
    })
}
