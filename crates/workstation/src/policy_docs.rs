//! A bound policy's documents on the desktop: the declarations page and the
//! auto ID cards, built from the quote version the server bound, re-rated with
//! the pack that priced it (so a document never shows a premium the store
//! does not hold).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use time::{Date, OffsetDateTime};
use tracing::instrument;
use uw_documents::{Declarations, DeclarationsKind, HurricaneDeductible, IdCard, IdCards};
use uw_rating::{Operation, Product, Rating};

use crate::quoting::{utc_date, QuoteInput, QuoteSummary};
use crate::{Workstation, WorkstationError};

/// The company named on ID cards.
pub const INSURER_NAME: &str = "Offline Mutual Insurance Company";

impl Workstation {
    /// The declarations page of `policy_number` as the server bound it, dated `now`.
    /// Licence numbers and VINs are masked.
    #[instrument(skip(self, now), err(Display))]
    pub fn declarations_pdf(&mut self, policy_number: &str, now: OffsetDateTime) -> Result<Vec<u8>, WorkstationError> {
        let (summary, input, rating, term) = self.bound(policy_number)?;
        let issued_on = utc_date(now);
        let proposal = crate::services::proposal_document(&summary, &input, &rating, issued_on, issued_on);
        let hurricane_deductible = hurricane(&input, &rating)?;
        let declarations = Declarations {
            kind: DeclarationsKind::NewBusiness,
            policy_number: policy_number.to_owned(),
            issued_on,
            product: proposal.product,
            state: proposal.state,
            term_start: term.0,
            term_end: term.1,
            insured_name: proposal.insured_name,
            insured_address: proposal.insured_address,
            drivers: proposal.drivers,
            vehicles: proposal.vehicles,
            dwelling: proposal.dwelling,
            hurricane_deductible,
            coverages: proposal.coverages,
            discounts: discounts(&rating),
            fees: proposal.fees,
            total: rating.total,
            installments: proposal.installments,
            pack_id: rating.pack_id.clone(),
            notices: vec!["This declarations page is part of your policy. Read the policy for what it covers and excludes.".to_owned()],
        };
        let pdf = uw_documents::declarations_pdf(&declarations)?;
        self.store.record_audit_event("policy.declarations_printed", policy_number, serde_json::json!({ "bytes": pdf.len() }), now)?;
        Ok(pdf)
    }

    /// The auto ID cards of `policy_number`, one per vehicle, VIN in full.
    #[instrument(skip(self, now), err(Display))]
    pub fn id_cards_pdf(&mut self, policy_number: &str, now: OffsetDateTime) -> Result<Vec<u8>, WorkstationError> {
        let (_summary, input, _rating, term) = self.bound(policy_number)?;
        let quote = &input.quote;
        let cards = quote
            .vehicles
            .iter()
            .map(|v| IdCard {
                state: quote.state.clone(),
                vehicle: format!(
                    "{} {}",
                    v.year,
                    [v.make.as_deref(), v.model.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ")
                )
                .trim_end()
                .to_owned(),
                vin: v.vin.clone().unwrap_or_else(|| "not given".to_owned()),
            })
            .collect();
        let document = IdCards {
            policy_number: policy_number.to_owned(),
            issued_on: utc_date(now),
            insurer: INSURER_NAME.to_owned(),
            insured_name: quote.applicant.name.clone(),
            term_start: term.0,
            term_end: term.1,
            cards,
            notice: format!("Keep this card in the vehicle. It is evidence of the insurance {} law requires.", quote.state),
        };
        let pdf = uw_documents::id_cards_pdf(&document)?;
        self.store.record_audit_event(
            "policy.id_cards_printed",
            policy_number,
            serde_json::json!({ "cards": document.cards.len() }),
            now,
        )?;
        Ok(pdf)
    }

    /// The bound quote, its bound version's input and re-rating, and the policy's term.
    fn bound(&mut self, policy_number: &str) -> Result<(QuoteSummary, QuoteInput, Rating, (Date, Date)), WorkstationError> {
        let (quote_id, start, end) = self
            .store
            .policy_quote(policy_number)?
            .ok_or_else(|| WorkstationError::PolicyNotFound { policy_number: policy_number.to_owned() })?;
        let summary = self.store.quote_summary(quote_id)?;
        let rating = self.rerate_version(quote_id, summary.version)?;
        let input = self.store.quote_input(quote_id, summary.version)?;
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let date = |text: &str| {
            Date::parse(text, &format).map_err(|_| WorkstationError::PolicyNotFound { policy_number: policy_number.to_owned() })
        };
        Ok((summary, input, rating, (date(&start)?, date(&end)?)))
    }
}

/// Each discount the worksheet applied, with the coverages it applied to.
fn discounts(rating: &Rating) -> Vec<(String, String)> {
    let mut applied: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for coverage in &rating.coverages {
        for line in coverage.worksheet.iter().filter(|l| l.operation == Operation::Discount) {
            let name = line.label.as_deref().unwrap_or(&line.step);
            let percent = (line.value * Decimal::ONE_HUNDRED).normalize();
            let names = applied.entry(format!("{name} {percent}%")).or_default();
            if !names.iter().any(|n| n == &*coverage.name) {
                names.push(coverage.name.to_string());
            }
        }
    }
    applied.into_iter().map(|(discount, coverages)| (discount, coverages.join(", "))).collect()
}

/// Florida: the hurricane deductible in dollars (a percentage is of Coverage A).
fn hurricane(input: &QuoteInput, rating: &Rating) -> Result<Option<HurricaneDeductible>, WorkstationError> {
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
    Ok(Some(HurricaneDeductible { basis, amount: amount.round_dp(2) }))
}
