//! The quick quote: a garaging ZIP and a model year, the rest assumed.

use rust_decimal::Decimal;
use serde::Serialize;
use time::Date;
use uw_rating::quote::{Address, Applicant, CoverageChoice, Driver, Vehicle, VehicleUse};
use uw_rating::refdata::zip;
use uw_rating::{PackRegistry, Product, Quote, Rating};

use crate::store::NewQuickQuote;
use crate::{Workstation, WorkstationError};

/// A quick quote: a garaging ZIP and a model year. Everything else is one of
/// the [`QUICK_QUOTE_ASSUMPTIONS`], which the UI shows with the premium.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickQuoteRequest {
    pub zip: String,
    pub vehicle_year: i32,
}

/// What a quick quote assumes; shown to the agent beside the premium.
pub const QUICK_QUOTE_ASSUMPTIONS: &[&str] = &[
    "one driver, 40 years old, licensed 20 years, no violations or accidents",
    "the vehicle is used to commute, 12,000 miles a year, no anti-theft device",
    "only the coverages the state requires, at the lowest limits the rate pack offers",
    "a 12-month term, paid in full, effective today",
];

impl QuickQuoteRequest {
    /// The full quote these assumptions describe, effective `today`.
    pub fn to_quote(&self, registry: &PackRegistry, today: Date) -> Result<Quote, WorkstationError> {
        let state = zip::lookup(&self.zip)
            .map_err(|e| WorkstationError::InvalidInput { field: "zip".into(), message: e.to_string() })?
            .state
            .to_owned();
        let pack = registry.select(&state, Product::PersonalAuto, today, false)?;
        let coverages = pack
            .coverages()
            .filter(|c| c.required)
            .map(|c| CoverageChoice {
                code: c.code.to_owned(),
                limit: c.limits.first().cloned(),
                deductible: c.deductibles.first().cloned(),
                vehicles: None,
            })
            .collect();
        let years_ago = |n: i32| today.replace_year(today.year() - n).unwrap_or(today);
        Ok(Quote {
            product: Product::PersonalAuto,
            state: state.clone(),
            effective_date: today,
            term_months: 12,
            renewal: false,
            applicant: Applicant {
                name: "Quick quote".into(),
                address: Address { street: "(not given)".into(), city: "(not given)".into(), state, zip: self.zip.clone() },
            },
            drivers: vec![Driver {
                name: "Quick quote driver".into(),
                date_of_birth: years_ago(40),
                license_date: years_ago(20),
                violations: Vec::new(),
                accidents: Vec::new(),
                good_student: false,
                defensive_driving: false,
                course_date: None,
                excluded: false,
            }],
            vehicles: vec![Vehicle {
                vin: None,
                year: self.vehicle_year,
                make: None,
                model: None,
                usage: VehicleUse::Commute,
                annual_miles: 12_000,
                garaging_zip: self.zip.clone(),
                anti_theft: false,
                principal_driver: 0,
                cost_new: None,
            }],
            dwelling: None,
            coverages,
            prior_claims: Vec::new(),
            credit_tier: None,
            installment_plan: "pay-in-full".into(),
            elections: Vec::new(),
            prior_insurance: None,
            inception_date: None,
            payment_method: None,
        })
    }
}

/// A rated, saved quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuoteOutcome {
    pub quote_id: i64,
    pub pack_id: String,
    pub total: Decimal,
    pub rating: Rating,
    pub assumptions: &'static [&'static str],
}

impl Workstation {
    /// Builds a quick quote, rates it with the pack in force `today`, and saves it.
    pub fn quick_quote(&mut self, request: &QuickQuoteRequest, today: Date) -> Result<QuoteOutcome, WorkstationError> {
        let quote = request.to_quote(&self.packs, today)?.validate()?;
        let pack = self.packs.select(&quote.state, quote.product, quote.effective_date, quote.renewal)?;
        let rating = uw_rating::rate(pack, &quote)?;
        if rating.draft {
            return Err(WorkstationError::DraftPack { pack_id: rating.pack_id });
        }
        let worksheet_json = serde_json::to_string(&rating).map_err(|e| WorkstationError::Internal { message: e.to_string() })?;
        let (quote_id, _seq) = self.store.save_quick_quote_with_outbox(
            &NewQuickQuote {
                garaging_zip: request.zip.clone(),
                vehicle_year: request.vehicle_year,
                pack_id: rating.pack_id.clone(),
                premium: rating.total,
                worksheet_json,
            },
            &self.device_key,
        )?;
        Ok(QuoteOutcome { quote_id, pack_id: rating.pack_id.clone(), total: rating.total, rating, assumptions: QUICK_QUOTE_ASSUMPTIONS })
    }
}
