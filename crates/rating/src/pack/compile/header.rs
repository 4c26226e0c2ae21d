//! The manifest's header: format, state and product, names, effective dates,
//! filing, terms and rounding.

use toml::Spanned;

use super::Ctx;
use crate::pack::error::PackError;
use crate::pack::raw::{RawManifest, RawRound};
use crate::pack::{FilingType, PackInfo, Round, RoundingMode, FORMAT_VERSION};
use crate::quote::Product;

/// What the header says: the pack's descriptive facts and its rounding.
pub(super) struct Header {
    pub(super) info: PackInfo,
    pub(super) coverage_round: Round,
    pub(super) step_round: Option<Round>,
}

pub(super) fn header(ctx: &Ctx<'_>, raw: &RawManifest) -> Result<Header, PackError> {
    if *raw.format.get_ref() != FORMAT_VERSION {
        return Err(ctx.invalid(
            raw.format.span(),
            "format",
            format!("format {} is not the supported {FORMAT_VERSION}", raw.format.get_ref()),
        ));
    }
    let state = raw.state.get_ref().clone();
    if state.len() != 2 || !state.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(ctx.invalid(raw.state.span(), "state", format!("`{state}` is not a two-letter upper-case state code")));
    }
    let product = match Product::from_name(raw.product.get_ref()) {
        Some(product) => product,
        None => {
            let other = raw.product.get_ref();
            return Err(ctx.invalid(raw.product.span(), "product", format!("`{other}` is not personal-auto or homeowners-ho3")));
        }
    };
    for (field, value) in [("id", &raw.id), ("version", &raw.version)] {
        let v = value.get_ref();
        if v.is_empty() || !v.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b)) {
            return Err(ctx.invalid(value.span(), field, format!("`{v}` must be non-empty letters, digits, `-`, `.` or `_`")));
        }
    }
    let nb = ctx.date(&raw.effective.new_business, "effective.new_business")?;
    let rn = ctx.date(&raw.effective.renewal, "effective.renewal")?;
    let expires = raw.effective.expires.as_ref().map(|e| ctx.date(e, "effective.expires").map(|d| (d, e.span()))).transpose()?;
    if let Some((exp, span)) = &expires {
        if *exp <= nb.max(rn) {
            return Err(ctx.invalid(span.clone(), "effective.expires", format!("{exp} is not after both effective dates")));
        }
    }
    let filing_type = FilingType::parse(raw.filing.filing_type.get_ref()).ok_or_else(|| {
        ctx.invalid(
            raw.filing.filing_type.span(),
            "filing.type",
            format!("`{}` is not one of prior-approval, file-and-use, use-and-file, flex, informational", raw.filing.filing_type.get_ref()),
        )
    })?;
    if raw.filing.reference.get_ref().trim().is_empty() {
        return Err(ctx.invalid(raw.filing.reference.span(), "filing.reference", "must not be empty"));
    }
    let terms = raw.terms.get_ref().clone();
    if terms.is_empty() || terms.iter().any(|t| !matches!(t, 6 | 12)) {
        return Err(ctx.invalid(raw.terms.span(), "terms", "terms are 6 and/or 12 months"));
    }
    if product == Product::HomeownersHo3 && terms != [12] {
        return Err(ctx.invalid(raw.terms.span(), "terms", "homeowners terms are 12 months"));
    }
    let coverage_round = parse_round(ctx, &raw.rounding.coverage, "rounding.coverage")?;
    let step_round = raw.rounding.step.as_ref().map(|r| parse_round(ctx, r, "rounding.step")).transpose()?;
    let info = PackInfo {
        name: raw.id.get_ref().clone(),
        version: raw.version.get_ref().clone(),
        state,
        product,
        effective_new_business: nb,
        effective_renewal: rn,
        expires: expires.map(|(d, _)| d),
        filing_reference: raw.filing.reference.get_ref().clone(),
        filing_type,
        terms,
    };
    Ok(Header { info, coverage_round, step_round })
}

fn parse_round(ctx: &Ctx<'_>, r: &Spanned<RawRound>, field: &str) -> Result<Round, PackError> {
    let mode = RoundingMode::parse(&r.get_ref().mode).ok_or_else(|| {
        ctx.invalid(r.span(), format!("{field}.mode"), format!("`{}` is not one of half-up, half-even, down, up", r.get_ref().mode))
    })?;
    if r.get_ref().places > 6 {
        return Err(ctx.invalid(r.span(), format!("{field}.places"), format!("{} places is more than 6", r.get_ref().places)));
    }
    Ok(Round { places: r.get_ref().places, mode })
}
