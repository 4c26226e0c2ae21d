//! What the quote wizard needs besides the quoting services: the choices the
//! pack in force offers (with the state's recommendations), VIN and ZIP
//! look-ups, live pricing without saving, and saving the finished wizard.
//!
//! Domain types keep the engine's snake_case JSON; the recommendations are
//! decided here, not in the UI, so they are tested with the packs.

use serde::Serialize;
use time::{Date, OffsetDateTime};
use tracing::instrument;
use uw_rating::refdata::{vin, zip};
use uw_rating::{Per, Product, Rating};

use crate::quotes::model::{QuoteInput, RatedQuote};
use crate::{Workstation, WorkstationError};

/// What the pack in force offers for a state, product and date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct QuoteOptions {
    pub pack_id: String,
    pub state: String,
    pub product: Product,
    /// Policy terms in months.
    pub terms: Vec<u32>,
    pub coverages: Vec<CoverageOption>,
    pub installment_plans: Vec<PlanOption>,
    /// The coverage decisions the state requires the insured to sign.
    pub elections: Vec<ElectionOption>,
}

/// A coverage decision the law requires in writing, as the wizard asks it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ElectionOption {
    pub coverage: String,
    /// The coverage in the insured's words.
    pub name: String,
    pub kind: uw_rating::pack::jurisdiction::ElectionKind,
    /// Who writes the coverage when the pack does not (an accepted offer is
    /// bought there).
    pub written_by: Option<String>,
    pub law: String,
}

/// One coverage the pack rates, with what the wizard preselects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct CoverageOption {
    pub code: String,
    pub name: String,
    /// Rated per vehicle (auto) rather than once per policy.
    pub per_vehicle: bool,
    /// The state requires it: preselected and cannot be removed.
    pub required: bool,
    pub limits: Vec<String>,
    pub deductibles: Vec<String>,
    pub recommendation: Option<Recommendation>,
}

/// What the wizard suggests for a coverage, and why, in words an agent can
/// repeat to a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Recommendation {
    /// Select the coverage even though the state does not require it.
    pub select: bool,
    pub limit: Option<String>,
    pub deductible: Option<String>,
    /// Match the limit chosen for this coverage code (uninsured motorist
    /// equal to bodily injury).
    pub same_limit_as: Option<String>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PlanOption {
    pub code: String,
    pub name: String,
    pub installments: u32,
}

/// What a VIN says before anyone types the rest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct VinInfo {
    pub vin: String,
    /// The maker, when the bundled manufacturer table knows the WMI.
    pub manufacturer: Option<String>,
    /// The model years position 10 can mean, latest first.
    pub model_years: Vec<i32>,
}

/// Where a ZIP code is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ZipInfo {
    pub zip: String,
    pub state: String,
    pub county: String,
}

/// The state-specific recommendation for a coverage, if any.
fn recommendation(state: &str, product: Product, code: &str) -> Option<Recommendation> {
    match (product, code) {
        (Product::PersonalAuto, "UM") => Some(Recommendation {
            select: true,
            limit: None,
            deductible: None,
            same_limit_as: Some("BI".into()),
            reason: "Uninsured motorist limits equal to the bodily injury limits protect the customer as well as the policy protects \
                     others."
                .into(),
        }),
        (Product::HomeownersHo3, "HURRICANE") if state == "FL" => Some(Recommendation {
            select: true,
            limit: None,
            deductible: Some("2%".into()),
            same_limit_as: None,
            reason: "Florida insurers must offer hurricane deductibles of $500, 2%, 5% and 10% of Coverage A (Fla. Stat. 627.701); a \
                     deductible above 10% needs the insured's signed statement."
                .into(),
        }),
        _ => None,
    }
}

impl Workstation {
    /// The coverages, limits, deductibles, terms and payment plans of the
    /// pack in force for `state` and `product` on `effective_date`.
    pub fn quote_options(
        &self,
        state: &str,
        product: Product,
        effective_date: Date,
        renewal: bool,
    ) -> Result<QuoteOptions, WorkstationError> {
        let pack = self.packs.select(state, product, effective_date, renewal)?;
        Ok(QuoteOptions {
            pack_id: pack.id().to_owned(),
            state: state.to_owned(),
            product,
            terms: pack.info().terms.clone(),
            coverages: pack
                .coverages()
                .map(|c| CoverageOption {
                    code: c.code.to_owned(),
                    name: c.name.to_owned(),
                    per_vehicle: c.per == Per::Vehicle,
                    required: c.required,
                    limits: c.limits.to_vec(),
                    deductibles: c.deductibles.to_vec(),
                    recommendation: recommendation(state, product, c.code),
                })
                .collect(),
            installment_plans: pack
                .installment_plan_options()
                .map(|(code, name, installments)| PlanOption { code: code.to_owned(), name: name.to_owned(), installments })
                .collect(),
            elections: pack
                .elections()
                .iter()
                .map(|e| ElectionOption {
                    coverage: e.coverage.to_owned(),
                    name: e.name.to_owned(),
                    kind: e.kind,
                    written_by: e.written_by.map(str::to_owned),
                    law: e.law.to_owned(),
                })
                .collect(),
        })
    }

    /// Decodes a VIN's check digit, maker and model year.
    pub fn decode_vin(&self, text: &str) -> Result<VinInfo, WorkstationError> {
        let decoded =
            vin::decode(text.trim()).map_err(|e| WorkstationError::InvalidInput { field: "vin".into(), message: e.to_string() })?;
        let mut model_years = decoded.model_years.clone();
        model_years.sort_unstable_by_key(|y| std::cmp::Reverse(*y));
        Ok(VinInfo { vin: decoded.vin.clone(), manufacturer: decoded.manufacturer.map(str::to_owned), model_years })
    }

    /// The state and county of a ZIP code.
    pub fn lookup_zip(&self, text: &str) -> Result<ZipInfo, WorkstationError> {
        let place = zip::lookup(text.trim()).map_err(|e| WorkstationError::InvalidInput { field: "zip".into(), message: e.to_string() })?;
        Ok(ZipInfo { zip: text.trim().to_owned(), state: place.state.to_owned(), county: place.county.to_owned() })
    }

    /// Rates `input` with the pack in force, saving nothing: the wizard's
    /// live premium. A draft pack's rating comes back marked `draft`.
    pub fn price(&self, input: QuoteInput) -> Result<Rating, WorkstationError> {
        let input = input.validate()?;
        let quote = input.quote();
        let pack = self.packs.select(&quote.state, quote.product, quote.effective_date, quote.renewal)?;
        Ok(uw_rating::rate(pack, quote)?)
    }

    /// Saves a finished wizard: a new quote, or the next version of
    /// `quote_id`; rates it; and deletes the draft it came from. All in one
    /// transaction, so a quote that cannot be rated is not saved and its
    /// draft is kept.
    #[instrument(skip(self, input, now), err(Display))]
    pub fn save_quote(
        &mut self,
        draft_id: Option<i64>,
        quote_id: Option<i64>,
        input: QuoteInput,
        now: OffsetDateTime,
    ) -> Result<RatedQuote, WorkstationError> {
        self.in_one_transaction(|ws| {
            let summary = match quote_id {
                Some(id) => ws.update_quote(id, input, now)?,
                None => ws.create_quote(input, now)?,
            };
            let rated = ws.rate_quote(summary.id, now)?;
            if let Some(draft_id) = draft_id {
                ws.store.discard_draft(draft_id)?;
            }
            Ok(rated)
        })
    }

    /// Rates a quote again with the pack in force now, as its next version
    /// with the same input: what an agent does when the server refused a
    /// bind because its premium disagreed (`bind.premium_mismatch`), or a
    /// quote expired. The quote may then be bound again. Nothing changes
    /// if the input no longer rates.
    pub fn rerate_quote(&mut self, quote_id: i64, now: OffsetDateTime) -> Result<RatedQuote, WorkstationError> {
        let summary = self.store.quote_summary(quote_id)?;
        let input = self.store.quote_input(quote_id, summary.version)?;
        self.save_quote(None, Some(quote_id), input, now)
    }

    /// What sync reported about a quote (a refused bind, a conflict),
    /// newest first, dismissed or not.
    pub fn quote_sync_issues(&self, quote_id: i64) -> Result<Vec<crate::SyncIssue>, WorkstationError> {
        Ok(self.store.quote_sync_issues(quote_id)?)
    }
}
