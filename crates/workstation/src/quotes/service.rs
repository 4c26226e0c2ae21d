//! The quoting services the Tauri shell calls: plain Rust, typed errors.
//!
//! Each takes the current instant from the caller, so tests can move time
//! (quote expiry) without touching the clock. Spans carry ids and statuses,
//! never a name, an address or a licence number.

use rust_decimal::Decimal;
use time::{Date, OffsetDateTime};
use tracing::instrument;
use uw_documents::{HurricaneDeductible, PropertyLimit, Proposal, ProposalCoverage, ProposalDriver};
use uw_policy::QuoteStatus;
use uw_rating::{Product, Rating};

use crate::pii::mask_tail;

use crate::quotes::model::{utc_date, QuoteDetail, QuoteFilter, QuoteInput, QuoteSummary, RatedQuote};
use crate::store::RatingRecord;
use crate::store::SyncIssue;
use crate::{Workstation, WorkstationError};

impl Workstation {
    /// Runs `f` in one transaction: every service call inside commits
    /// together, or none does. For bulk work (imports, benchmarks).
    pub fn in_one_transaction<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T, WorkstationError>) -> Result<T, WorkstationError> {
        self.store.begin()?;
        let result = f(self);
        self.store.finish(result.is_ok())?;
        result
    }

    /// Validates `input` and saves it as a new quote (draft, version 1)
    /// with a new quote number.
    #[instrument(skip_all, err(Display))]
    pub fn create_quote(&mut self, input: QuoteInput, now: OffsetDateTime) -> Result<QuoteSummary, WorkstationError> {
        let input = input.validate()?;
        let summary = self.store.create_quote(&input, now)?;
        tracing::info!(quote_number = %summary.quote_number, "quote created");
        Ok(summary)
    }

    /// Validates `input` and saves it as the quote's next version, back in draft.
    #[instrument(skip(self, input, now), err(Display))]
    pub fn update_quote(&mut self, quote_id: i64, input: QuoteInput, now: OffsetDateTime) -> Result<QuoteSummary, WorkstationError> {
        let input = input.validate()?;
        Ok(self.store.update_quote(quote_id, &input, now)?)
    }

    /// Rates the quote's current version with the pack in force on its
    /// effective date, and records the result: rated, referred or declined
    /// by the pack's underwriting rules. Only a draft can be rated; edit a
    /// rated or expired quote to re-rate it.
    #[instrument(skip(self, now), err(Display))]
    pub fn rate_quote(&mut self, quote_id: i64, now: OffsetDateTime) -> Result<RatedQuote, WorkstationError> {
        let summary = self.store.quote_summary(quote_id)?;
        // Fail before rating if the status machine would refuse the result.
        summary.status.apply(uw_policy::QuoteEvent::RatedAccepted).map_err(crate::store::StoreError::from)?;
        let entered = self.store.quote_input(quote_id, summary.version)?;
        let input = entered.clone().validate()?;
        let quote = input.quote();
        let pack = self.packs.select(&quote.state, quote.product, quote.effective_date, quote.renewal)?;
        let rating = uw_rating::rate(pack, quote)?;
        if rating.draft {
            return Err(WorkstationError::DraftPack { pack_id: rating.pack_id });
        }
        let worksheet_json = serde_json::to_string(&rating).map_err(|e| WorkstationError::Internal { message: e.to_string() })?;
        let record = RatingRecord { version: summary.version, input: &entered, rating: &rating, worksheet_json: &worksheet_json };
        let summary = self.store.record_rating(quote_id, &record, now, &self.device_key)?;
        tracing::info!(quote_number = %summary.quote_number, status = %summary.status, "quote rated");
        Ok(RatedQuote { summary, rating })
    }

    /// Re-rates a stored version with the pack that priced it and checks the
    /// result matches what was stored, to the cent and line by line.
    pub fn rerate_version(&self, quote_id: i64, version: u32) -> Result<Rating, WorkstationError> {
        let info = self.store.rating_info(quote_id, version)?.ok_or_else(|| WorkstationError::NotRated { quote_id, version })?;
        let stored = self.store.rating_worksheet(quote_id, version)?.ok_or_else(|| WorkstationError::NotRated { quote_id, version })?;
        let pack = self.packs.by_id(&info.pack_id).ok_or_else(|| WorkstationError::PackNotInstalled { pack_id: info.pack_id.clone() })?;
        let input = self.store.quote_input(quote_id, version)?.validate()?;
        let rating = uw_rating::rate(pack, input.quote())?;
        let again = serde_json::to_string(&rating).map_err(|e| WorkstationError::Internal { message: e.to_string() })?;
        if again != stored {
            return Err(WorkstationError::NotReproducible { quote_id, version, pack_id: info.pack_id });
        }
        Ok(rating)
    }

    /// What the quote screen shows: the quote with its versions (after
    /// expiring what is past its 30 days), its current rating re-rated with
    /// the pack that priced it and checked against the stored worksheet, the
    /// open draft editing it, and what sync reported about it.
    pub fn quote_screen(&mut self, quote_id: i64, now: OffsetDateTime) -> Result<QuoteScreen, WorkstationError> {
        self.expire_quotes(now)?;
        let detail = self.quote(quote_id)?;
        let rated = detail.versions.iter().any(|v| v.version == detail.summary.version && v.rating.is_some());
        let rating = if rated { Some(self.rerate_version(quote_id, detail.summary.version)?) } else { None };
        let draft_id = self.draft_for_quote(quote_id)?;
        let sync_issues = self.quote_sync_issues(quote_id)?;
        Ok(QuoteScreen { detail, rating, draft_id, sync_issues })
    }

    /// A quote with its current input and every version.
    pub fn quote(&self, quote_id: i64) -> Result<QuoteDetail, WorkstationError> {
        Ok(self.store.quote_detail(quote_id)?)
    }

    /// Quotes matching `filter`, most recently changed first.
    pub fn list_quotes(&self, filter: &QuoteFilter) -> Result<Vec<QuoteSummary>, WorkstationError> {
        Ok(self.store.list_quotes(filter)?)
    }

    /// Marks every quote past its 30 days as expired; returns how many.
    #[instrument(skip_all, err(Display))]
    pub fn expire_quotes(&mut self, now: OffsetDateTime) -> Result<usize, WorkstationError> {
        let n = self.store.expire_quotes(now)?;
        tracing::info!(expired = n, today = %utc_date(now), "quotes expired");
        Ok(n)
    }

    /// Queues a bind request for the server. The quote must be rated (or
    /// approved after referral), unexpired, name every vehicle's VIN and
    /// record every coverage decision the state requires in writing.
    #[instrument(skip(self, now), err(Display))]
    pub fn request_bind(&mut self, quote_id: i64, now: OffsetDateTime) -> Result<QuoteSummary, WorkstationError> {
        let summary = self.store.quote_summary(quote_id)?;
        let input = self.store.quote_input(quote_id, summary.version)?;
        let missing: Vec<String> = input
            .quote
            .vehicles
            .iter()
            .enumerate()
            .filter(|(_, v)| v.vin.is_none())
            .map(|(i, _)| format!("quote.vehicles[{i}].vin"))
            .collect();
        if !missing.is_empty() {
            return Err(WorkstationError::InvalidQuote(uw_rating::InputErrors(
                missing.into_iter().map(|path| uw_rating::InputError { path, message: "is required to bind".into() }).collect(),
            )));
        }
        // The signed rejections, offers and lower limits the state requires:
        // the server refuses the bind without them too.
        let unsigned = self.rerate_version(quote_id, summary.version)?.unsigned;
        if !unsigned.is_empty() {
            return Err(WorkstationError::UnsignedElections {
                quote_number: summary.quote_number,
                missing: unsigned.into_iter().map(|u| u.message).collect(),
            });
        }
        let summary = self.store.request_bind(quote_id, now, &self.device_key)?;
        tracing::info!(quote_number = %summary.quote_number, "bind requested");
        Ok(summary)
    }

    /// Records an underwriter's decision on a referred quote, as the server
    /// reports it.
    #[instrument(skip(self, now), err(Display))]
    pub fn record_referral_decision(
        &mut self,
        quote_id: i64,
        approved: bool,
        now: OffsetDateTime,
    ) -> Result<QuoteSummary, WorkstationError> {
        Ok(self.store.record_referral_decision(quote_id, approved, now)?)
    }

    /// The quote proposal for the customer, as PDF bytes. The rating on it
    /// is re-computed from the stored input with the pack that priced it and
    /// must match the stored worksheet, so the document can never show a
    /// premium the store does not hold. Licence numbers and VINs are masked.
    #[instrument(skip(self, now), err(Display))]
    pub fn proposal_pdf(&mut self, quote_id: i64, now: OffsetDateTime) -> Result<Vec<u8>, WorkstationError> {
        let summary = self.store.quote_summary(quote_id)?;
        let showable =
            matches!(summary.status, QuoteStatus::Rated | QuoteStatus::Referred | QuoteStatus::Approved | QuoteStatus::BindRequested);
        if !showable {
            return Err(WorkstationError::NoProposal { quote_number: summary.quote_number, status: summary.status });
        }
        let (Some(rated_on), Some(expires_on)) = (summary.rated_on, summary.expires_on) else {
            return Err(WorkstationError::NotRated { quote_id, version: summary.version });
        };
        let rating = self.rerate_version(quote_id, summary.version)?;
        let input = self.store.quote_input(quote_id, summary.version)?;
        let mut proposal = proposal_document(
            (&summary.quote_number, summary.version, summary.status == QuoteStatus::Referred),
            &input,
            &rating,
            rated_on,
            expires_on,
        );
        proposal.issuer = self.issuer()?;
        proposal.hurricane_deductible = hurricane(&input, &rating)?;
        proposal.property_limits = property_limits(&input, self.packs.by_id(&rating.pack_id));
        let pdf = uw_documents::proposal_pdf(&proposal)?;
        self.store.record_audit_event(
            "quote.proposal_printed",
            &summary.quote_number,
            serde_json::json!({ "version": summary.version, "bytes": pdf.len() }),
            now,
        )?;
        Ok(pdf)
    }

    /// Writes the quote's proposal into `dir` as
    /// `QUOT-YYYY-NNNNNN-vN-proposal.pdf` and returns its path. The file is
    /// written beside its final name and renamed, so a failure never leaves
    /// half a document under that name.
    pub fn save_proposal(
        &mut self,
        quote_id: i64,
        dir: &std::path::Path,
        now: OffsetDateTime,
    ) -> Result<std::path::PathBuf, WorkstationError> {
        let pdf = self.proposal_pdf(quote_id, now)?;
        let summary = self.store.quote_summary(quote_id)?;
        crate::write_beside(dir, &format!("{}-v{}-proposal.pdf", summary.quote_number, summary.version), &pdf)
    }
}

/// The proposal's contents: what the customer may see, PII masked.
/// The proposal of a quote version; its parts are also the policy documents'
/// (`policies/documents.rs`), which pass the policy's own number and no referral.
pub(crate) fn proposal_document(
    (quote_number, version, referred): (&str, u32, bool),
    input: &QuoteInput,
    rating: &Rating,
    rated_on: Date,
    expires_on: Date,
) -> Proposal {
    let quote = &input.quote;
    let address = &quote.applicant.address;
    let vehicle_label = |i: usize| {
        quote
            .vehicles
            .get(i)
            .map(|v| format!("{} {}", v.year, [v.make.as_deref(), v.model.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ")))
    };
    let coverages = rating
        .coverages
        .iter()
        .map(|c| ProposalCoverage {
            description: match c.vehicle.and_then(vehicle_label) {
                Some(vehicle) => format!("{} ({})", c.name, vehicle.trim_end()),
                None => c.name.to_string(),
            },
            limit: c.limit.as_deref().map(uw_documents::format_limit),
            deductible: c.deductible.as_deref().map(uw_documents::format_deductible),
            premium: c.premium,
        })
        .collect();
    let mut fees: Vec<(String, Decimal)> = rating.fees.iter().map(|f| (f.name.to_string(), f.amount)).collect();
    if !rating.minimum_premium_adjustment.is_zero() {
        fees.push(("Minimum premium adjustment".into(), rating.minimum_premium_adjustment));
    }
    let installments = rating.installments.installments.iter().map(|i| (format!("Payment {} due {}", i.number, i.due), i.amount)).collect();
    let mut notices = vec![
        "This is a proposal, not a policy. Coverage begins only when the carrier binds it and issues a policy number.".to_owned(),
        format!(
            "Premiums are quoted for the information given and may change if it is incomplete or inaccurate. Valid through {}.",
            expires_on.previous_day().unwrap_or(expires_on)
        ),
    ];
    if referred {
        notices.push("This quote has been referred to an underwriter and cannot be bound until it is approved.".into());
    }
    Proposal {
        quote_number: quote_number.to_owned(),
        version,
        prepared_on: rated_on,
        valid_until: expires_on.previous_day().unwrap_or(expires_on),
        product: match quote.product {
            Product::PersonalAuto => "Personal auto".into(),
            Product::HomeownersHo3 => "Homeowners (HO-3)".into(),
        },
        state: quote.state.clone(),
        effective_date: quote.effective_date,
        term_months: quote.term_months,
        insured_name: quote.applicant.name.clone(),
        insured_address: vec![address.street.clone(), format!("{}, {} {}", address.city, address.state, address.zip)],
        // The caller adds the insurer it knows, the pack's Coverages B to D
        // and Florida's hurricane deductible.
        issuer: None,
        hurricane_deductible: None,
        property_limits: Vec::new(),
        drivers: quote
            .drivers
            .iter()
            .enumerate()
            .map(|(i, d)| ProposalDriver {
                name: d.name.clone(),
                license: input
                    .licenses
                    .get(i)
                    .and_then(Option::as_ref)
                    .map_or_else(|| "not given".to_owned(), |l| format!("{} {}", l.state, l.masked())),
            })
            .collect(),
        vehicles: quote
            .vehicles
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let label = vehicle_label(i).unwrap_or_default();
                match &v.vin {
                    Some(vin) => format!("{}, VIN {}", label.trim_end(), mask_tail(vin)),
                    None => label.trim_end().to_owned(),
                }
            })
            .collect(),
        // Its limit, Coverage A, is under "Property coverages".
        dwelling: quote.dwelling.as_ref().map(|d| {
            format!("Built {}, {} construction, {} sq ft, {} roof", d.year_built, d.construction.name(), d.square_feet, d.roof_type.name())
        }),
        coverages,
        fees,
        total: rating.total,
        installments,
        pack_id: rating.pack_id.clone(),
        notices,
    }
}

/// The quote screen's data, in one call ([`crate::Workstation::quote_screen`]).
#[derive(Debug)]
pub struct QuoteScreen {
    pub detail: QuoteDetail,
    /// The current version's rating, once rated.
    pub rating: Option<Rating>,
    /// The open draft editing this quote, if any: editing resumes it.
    pub draft_id: Option<i64>,
    /// What sync reported about it (a refused bind and its reason), newest first.
    pub sync_issues: Vec<SyncIssue>,
}

/// Florida: the hurricane deductible in dollars (a percentage is of Coverage A).
/// A home's Coverage A and, where the pack that rated it files them as
/// percentages of A, Coverages B to D; nothing for a car.
pub(crate) fn property_limits(input: &QuoteInput, pack: Option<&uw_rating::RatePack>) -> Vec<PropertyLimit> {
    let Some(dwelling) = input.quote.dwelling.as_ref() else { return Vec::new() };
    let limit = |letter: &str, name: &str, limit: Decimal| PropertyLimit { letter: letter.to_owned(), name: name.to_owned(), limit };
    let mut limits = vec![limit("A", "Dwelling", dwelling.coverage_a)];
    if let Some(percentages) = pack.and_then(uw_rating::RatePack::property_limits) {
        limits.extend(percentages.amounts(dwelling.coverage_a).into_iter().map(|(letter, name, amount)| limit(letter, name, amount)));
    }
    limits
}

pub(crate) fn hurricane(input: &QuoteInput, rating: &Rating) -> Result<Option<HurricaneDeductible>, WorkstationError> {
    let quote = &input.quote;
    let (Product::HomeownersHo3, "FL", Some(dwelling)) = (quote.product, quote.state.as_str(), quote.dwelling.as_ref()) else {
        return Ok(None);
    };
    let Some(basis) = rating.coverages.iter().find(|c| &*c.coverage == "HURRICANE").and_then(|c| c.deductible.clone()) else {
        return Ok(None);
    };
    let unreadable = || {
        WorkstationError::Document(uw_documents::DocumentError::Pdf(format!(
            "the hurricane deductible {basis:?} is neither an amount nor a percentage of Coverage A"
        )))
    };
    let amount = match basis.strip_suffix('%') {
        Some(percent) => percent.trim().parse::<Decimal>().map_err(|_| unreadable())? * dwelling.coverage_a / Decimal::ONE_HUNDRED,
        None => basis.trim().trim_start_matches('$').replace(',', "").parse::<Decimal>().map_err(|_| unreadable())?,
    };
    Ok(Some(HurricaneDeductible { basis: basis.to_string(), amount: amount.round_dp(2) }))
}
