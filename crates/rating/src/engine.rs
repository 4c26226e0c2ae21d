//! Evaluating a compiled pack: no IO, no panics, `Decimal` throughout.

use rust_decimal::Decimal;
use serde::Serialize;

use crate::error::RatingError;
use crate::pack::{InputField, InputValue, RatePack};

/// What the skeleton rates: one vehicle garaged at a ZIP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingInput {
    pub garaging_zip: String,
    pub vehicle_year: i32,
}

impl RatingInput {
    fn value(&self, field: InputField) -> InputValue<'_> {
        match field {
            InputField::GaragingZip => InputValue::Text(&self.garaging_zip),
            InputField::VehicleYear => InputValue::Integer(i64::from(self.vehicle_year)),
        }
    }
}

/// One operand of a premium, as a regulator would read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorksheetLine {
    /// What this line does: `base rate`, `factor`, `round`.
    pub operation: &'static str,
    /// The table looked up, if any.
    pub table: Option<String>,
    /// The quote field and its value used as the lookup key.
    pub key: Option<String>,
    /// The operand: a rate, a factor, or the rounded amount.
    pub value: Decimal,
    /// The running premium after this line.
    pub subtotal: Decimal,
}

/// A coverage's premium with the worksheet that explains it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoveragePremium {
    pub pack_id: String,
    pub coverage: String,
    /// The coverage's name as the pack spells it, for documents and the UI.
    pub coverage_name: String,
    pub premium: Decimal,
    pub worksheet: Vec<WorksheetLine>,
}

/// Prices one coverage: the base rate times each step's factor, rounded as
/// the pack's rounding rule says (rounding only at the end).
pub fn price_coverage(pack: &RatePack, coverage: &str, input: &RatingInput) -> Result<CoveragePremium, RatingError> {
    let cov = pack
        .coverages
        .iter()
        .find(|c| c.code == coverage)
        .ok_or_else(|| RatingError::UnknownCoverage { pack: pack.id(), coverage: coverage.to_owned() })?;
    let mut subtotal = cov.base_rate;
    let mut worksheet = vec![WorksheetLine { operation: "base rate", table: None, key: None, value: cov.base_rate, subtotal }];
    for step in &cov.steps {
        let table = &pack.tables[step.table];
        let key = input.value(step.input);
        let factor = table.lookup.get(&key).ok_or_else(|| RatingError::NotRated {
            pack: pack.id(),
            table: table.name.clone(),
            field: step.input.to_string(),
            value: key.to_string(),
        })?;
        subtotal *= factor;
        worksheet.push(WorksheetLine {
            operation: "factor",
            table: Some(table.name.clone()),
            key: Some(format!("{}={key}", step.input)),
            value: factor,
            subtotal,
        });
    }
    let premium = pack.rounding.apply(subtotal);
    worksheet.push(WorksheetLine { operation: "round", table: None, key: None, value: premium, subtotal: premium });
    Ok(CoveragePremium { pack_id: pack.id(), coverage: cov.code.clone(), coverage_name: cov.name.clone(), premium, worksheet })
}

/// The premium of every coverage in the pack, plus their total.
pub fn price_all(pack: &RatePack, input: &RatingInput) -> Result<(Decimal, Vec<CoveragePremium>), RatingError> {
    let premiums = pack.coverage_codes().map(|code| price_coverage(pack, code, input)).collect::<Result<Vec<_>, _>>()?;
    let total = premiums.iter().map(|p| p.premium).sum();
    Ok((total, premiums))
}
