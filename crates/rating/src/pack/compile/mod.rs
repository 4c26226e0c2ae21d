//! [`compile`]: a pack's files checked and compiled into a [`RatePack`], one
//! stage at a time.
//!
//! Each stage reads one part of the raw manifest and names every problem with
//! its line and field through [`Ctx`]; what state law requires, the stages
//! ask of [`Jurisdiction`](super::jurisdiction::Jurisdiction). The stages
//! run in a fixed order, and a pack's first problem in that order is the one
//! reported.

mod adjustments;
mod assignment;
mod coverages;
mod header;
mod plans;
mod points;
mod property;
mod refunds;
mod risk;
mod tables;
mod underwriting;
mod vocabulary;

use std::ops::Range;
use std::str::FromStr;
use std::sync::Arc;

use rust_decimal::Decimal;
use time::Date;
use toml::Spanned;

use self::vocabulary::Vocabulary;
use super::digest::{self, PackDigest, SIGNATURE_FILE};
use super::error::{Location, PackError};
use super::jurisdiction;
use super::raw::{self, RawManifest};
use super::{LoadMode, PackFiles, PackStatus, RatePack, MANIFEST_FILE};

/// Validates pack files and compiles them into a [`RatePack`].
pub fn compile(files: &PackFiles, mode: LoadMode<'_>) -> Result<RatePack, PackError> {
    let (raw, text) = parse_manifest(files)?;
    let ctx = Ctx { files, text };

    let header = header::header(&ctx, &raw)?;
    let (state, product) = (header.info.state.as_str(), header.info.product);
    let law = jurisdiction::for_state(state, product);
    let (points, accident_points) = points::schedule(&ctx, raw.points.as_ref(), product)?;
    let (tables, table_index) = tables::tables(&ctx, &raw.tables)?;
    let vocabulary = Vocabulary::new(&ctx, &law, state, product, raw.state_rules.as_ref())?;
    let coverages = coverages::coverages(&ctx, &raw, &vocabulary, &law, &tables, &table_index)?;
    let discounts = adjustments::adjustments(&ctx, &raw.discounts, "discounts", &vocabulary, &coverages)?;
    let surcharges = adjustments::adjustments(&ctx, &raw.surcharges, "surcharges", &vocabulary, &coverages)?;
    law.check_discounts(&discounts).map_err(|(field, message)| ctx.state_rule(0..0, field, message))?;
    let fees = adjustments::fees(&ctx, &raw.fees, product)?;
    let minimum_premium = raw.minimum_premium.as_ref().map(|m| ctx.decimal(m, "minimum_premium")).transpose()?;
    let plans = plans::plans(&ctx, &raw.installment_plans)?;
    let underwriting = underwriting::rules(&ctx, &raw.underwriting, &vocabulary, &law, state)?;
    law.check_credit_neutral(state, &coverages, &tables, &discounts, &surcharges)
        .map_err(|(field, message)| ctx.state_rule(0..0, field, message))?;
    let risk = raw.risk_model.as_ref().map(|m| risk::model(&ctx, m, &law, &vocabulary, state, &coverages)).transpose()?;
    let assignment = assignment::method(&ctx, raw.driver_assignment.as_ref(), product)?;
    law.check_rated_on(&coverages, &discounts, &surcharges).map_err(|message| ctx.state_rule(0..0, "coverages", message))?;
    let refunds = refunds::refunds(&ctx, raw.refunds.as_ref(), &law)?;
    let property_limits = property::limits(&ctx, raw.property_limits.as_ref(), product)?;
    let digest = digest::digest(files);
    let status = status(files, &digest, mode)?;

    let info = header.info;
    Ok(RatePack {
        id: Arc::from(format!("{}/{}@{}", info.name, info.version, digest.to_hex())),
        info,
        digest,
        status,
        coverage_round: header.coverage_round,
        step_round: header.step_round,
        points,
        accident_points,
        tables,
        coverages,
        discounts,
        surcharges,
        fees,
        minimum_premium,
        plans,
        underwriting,
        risk,
        assignment,
        credit_forbidden: law.credit_forbidden(),
        elections: law.elections,
        refunds,
        property_limits,
    })
}

/// Whether the pack is signed: a verified load needs a signature by one of
/// the trusted keys.
fn status(files: &PackFiles, digest: &PackDigest, mode: LoadMode<'_>) -> Result<PackStatus, PackError> {
    Ok(match mode {
        LoadMode::Draft => PackStatus::Draft,
        LoadMode::Verified(trusted) => {
            let path = files.path_of(SIGNATURE_FILE);
            let text = files.files.get(SIGNATURE_FILE).ok_or_else(|| PackError::Unsigned { path: path.clone() })?;
            let key_id = digest::verify(text, digest, trusted).map_err(|message| PackError::Signature { path, message })?;
            PackStatus::Signed { key_id }
        }
    })
}

/// The manifest's raw form and its text; a syntax or shape error names its line.
pub(crate) fn parse_manifest(files: &PackFiles) -> Result<(RawManifest, &str), PackError> {
    let text = files.files.get(MANIFEST_FILE).ok_or_else(|| PackError::MissingFile { path: files.path_of(MANIFEST_FILE) })?;
    let raw = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |span| line_of(text, span.start));
        PackError::Manifest { at: Location { path: files.path_of(MANIFEST_FILE), line }, message: e.message().to_owned() }
    })?;
    Ok((raw, text))
}

pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Everything the compiler needs to name a line in the manifest.
struct Ctx<'a> {
    files: &'a PackFiles,
    text: &'a str,
}

impl Ctx<'_> {
    fn at(&self, span: Range<usize>) -> Location {
        Location { path: self.files.path_of(MANIFEST_FILE), line: line_of(self.text, span.start) }
    }

    fn invalid(&self, span: Range<usize>, field: impl Into<String>, message: impl Into<String>) -> PackError {
        PackError::Invalid { at: self.at(span), field: field.into(), message: message.into() }
    }

    fn state_rule(&self, span: Range<usize>, field: impl Into<String>, message: impl Into<String>) -> PackError {
        PackError::StateRule { at: self.at(span), field: field.into(), message: message.into() }
    }

    fn decimal(&self, s: &Spanned<String>, field: &str) -> Result<Decimal, PackError> {
        Decimal::from_str(s.get_ref().trim())
            .map_err(|_| self.invalid(s.span(), field, format!("`{}` is not a decimal number", s.get_ref())))
    }

    fn date(&self, s: &Spanned<toml::value::Datetime>, field: &str) -> Result<Date, PackError> {
        raw::toml_date(s.get_ref()).ok_or_else(|| self.invalid(s.span(), field, format!("`{}` is not a date (YYYY-MM-DD)", s.get_ref())))
    }
}
