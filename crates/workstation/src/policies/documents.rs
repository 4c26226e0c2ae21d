//! A policy's documents on the desktop: the declarations page (new business,
//! endorsement or renewal), the auto ID cards, and the cancellation or
//! non-renewal notice. Each is built from the policy as the server last issued
//! it (its detail, or the bound quote before any detail arrived), with the
//! rating input in force re-rated on its own pack, so a document never shows
//! a premium the server does not hold. Changes prepared here and not yet
//! accepted are not printed.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use time::{Date, OffsetDateTime};
use tracing::instrument;
use uw_documents::{Declarations, DeclarationsKind, EndorsementChange, IdCard, IdCards, Issuer, Notice, NoticeKind, Refund};
use uw_policy::CancelMethod;
use uw_rating::{Operation, Rating};

use crate::quotes::model::{utc_date, QuoteInput};
use crate::{Workstation, WorkstationError};

/// A document of a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum PolicyDocument {
    Declarations,
    IdCards,
    Notice,
}

impl PolicyDocument {
    const fn slug(self) -> &'static str {
        match self {
            Self::Declarations => "declarations",
            Self::IdCards => "id-cards",
            Self::Notice => "notice",
        }
    }
}

impl Workstation {
    /// The insurer documents print, from what the organisation's server last
    /// said (`None` before the first sync, or before an administrator set it).
    pub(crate) fn issuer(&self) -> Result<Option<Issuer>, WorkstationError> {
        Ok(self.store.organisation()?.and_then(|info| {
            let agency = info.agency;
            info.details.map(|d| Issuer {
                address: vec![d.street, format!("{}, {} {}", d.city, d.state, d.zip)],
                legal_name: d.legal_name,
                naic_code: d.naic_code,
                phone: d.phone,
                agency,
            })
        }))
    }

    /// The declarations page of `policy_number` as the server last issued it,
    /// dated `now`: new business, amended by the latest endorsement, or a
    /// renewal. Licence numbers and VINs are masked.
    #[instrument(skip(self, now), err(Display))]
    pub fn declarations_pdf(&mut self, policy_number: &str, now: OffsetDateTime) -> Result<Vec<u8>, WorkstationError> {
        let issued = self.issued_policy(policy_number)?;
        self.declarations_of(policy_number, &issued, now)
    }

    fn declarations_of(&mut self, policy_number: &str, issued: &IssuedPolicy, now: OffsetDateTime) -> Result<Vec<u8>, WorkstationError> {
        let (policy, input, rating) = (&issued.policy, &issued.input, &issued.rating);
        let issued_on = utc_date(now);
        let proposal = crate::quotes::proposal_document((policy_number, policy.version, false), input, rating, issued_on, issued_on);
        let hurricane_deductible = crate::quotes::hurricane(input, rating)?;
        let property_limits = crate::quotes::property_limits(input, self.packs.by_id(&rating.pack_id));
        let kind = match issued.last_event.as_ref().filter(|e| e.kind == "endorse" && e.version == policy.version) {
            Some(event) => DeclarationsKind::Endorsement(EndorsementChange {
                version: event.version,
                effective: parse_date(&event.effective_date, policy_number)?,
                description: worksheet_line(&event.worksheet, "Change").unwrap_or_else(|| "Endorsement".to_owned()),
                amount: event.amount,
                written_premium: policy.written_premium,
            }),
            None if policy.renewals > 0 => DeclarationsKind::Renewal,
            None => DeclarationsKind::NewBusiness,
        };
        let declarations = Declarations {
            kind,
            policy_number: policy_number.to_owned(),
            issued_on,
            product: proposal.product,
            state: proposal.state,
            term_start: policy.term.start,
            term_end: policy.term.end,
            insured_name: proposal.insured_name,
            insured_address: proposal.insured_address,
            issuer: self.issuer()?,
            drivers: proposal.drivers,
            vehicles: proposal.vehicles,
            dwelling: proposal.dwelling,
            property_limits,
            hurricane_deductible,
            coverages: proposal.coverages,
            discounts: discounts(rating),
            fees: proposal.fees,
            total: rating.total,
            installments: proposal.installments,
            pack_id: rating.pack_id.clone(),
            notices: vec!["This declarations page is part of your policy. Read the policy for what it covers and excludes.".to_owned()],
        };
        let pdf = uw_documents::declarations_pdf(&declarations)?;
        self.store.record_audit_event(
            "policy.declarations_printed",
            policy_number,
            serde_json::json!({ "version": policy.version, "bytes": pdf.len() }),
            now,
        )?;
        Ok(pdf)
    }

    /// The auto ID cards of `policy_number`, one per vehicle, VIN in full.
    #[instrument(skip(self, now), err(Display))]
    pub fn id_cards_pdf(&mut self, policy_number: &str, now: OffsetDateTime) -> Result<Vec<u8>, WorkstationError> {
        let issued = self.issued_policy(policy_number)?;
        self.id_cards_of(policy_number, &issued, now)
    }

    fn id_cards_of(&mut self, policy_number: &str, issued: &IssuedPolicy, now: OffsetDateTime) -> Result<Vec<u8>, WorkstationError> {
        let quote = &issued.input.quote;
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
        // A card must name the insurer: its legal name, else the
        // organisation's name on its server; never one made up here.
        let organisation =
            self.store.organisation()?.ok_or_else(|| WorkstationError::OrganisationUnknown { policy_number: policy_number.to_owned() })?;
        let agency = organisation.agency;
        let (insurer, naic_code) = match organisation.details {
            Some(d) => (d.legal_name, d.naic_code),
            None => (organisation.name, None),
        };
        let document = IdCards {
            policy_number: policy_number.to_owned(),
            issued_on: utc_date(now),
            insurer,
            naic_code,
            agency,
            insured_name: quote.applicant.name.clone(),
            term_start: issued.policy.term.start,
            term_end: issued.policy.term.end,
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

    /// The notice of a cancelled policy's cancellation, or of a policy's
    /// non-renewal, as the server recorded it.
    #[instrument(skip(self, now), err(Display))]
    pub fn notice_pdf(&mut self, policy_number: &str, now: OffsetDateTime) -> Result<Vec<u8>, WorkstationError> {
        let issued = self.issued_policy(policy_number)?;
        self.notice_of(policy_number, &issued, now)
    }

    fn notice_of(&mut self, policy_number: &str, issued: &IssuedPolicy, now: OffsetDateTime) -> Result<Vec<u8>, WorkstationError> {
        let policy = &issued.policy;
        let quote = &issued.input.quote;
        let rules = uw_policy::product_rules(&policy.state, &policy.product)?;
        let (kind, mailed_on, effective, reason_code, reason, notice_days, refund) = match (&policy.cancellation, &policy.non_renewal) {
            (Some(c), _) => (
                NoticeKind::Cancellation,
                c.processed_on,
                c.effective,
                c.reason.code(),
                c.reason.description(),
                c.notice_days,
                Some(Refund {
                    method: method_text(c.method, policy.refund_method(c.reason, rules)),
                    returned: c.returned,
                    penalty: c.penalty,
                }),
            ),
            (None, Some(n)) => {
                (NoticeKind::NonRenewal, n.mailed_on, n.effective, n.reason.code(), n.reason.description(), n.notice_days, None)
            }
            (None, None) => {
                return Err(WorkstationError::NoNotice { policy_number: policy_number.to_owned() });
            }
        };
        let address = &quote.applicant.address;
        let issuer = self.issuer()?;
        let questions = match &issuer {
            Some(i) => format!("Questions about this notice: call your agent or {}.", i.legal_name),
            None => "Questions about this notice: call your agent.".to_owned(),
        };
        let notice = Notice {
            kind,
            policy_number: policy_number.to_owned(),
            product: policy.product.clone(),
            state: policy.state.clone(),
            mailed_on,
            effective,
            insured_name: quote.applicant.name.clone(),
            insured_address: vec![address.street.clone(), format!("{}, {} {}", address.city, address.state, address.zip)],
            reason_code: reason_code.to_owned(),
            reason: reason.to_owned(),
            notice_days,
            authority: rules.authority.to_owned(),
            refund,
            issuer,
            notices: vec![questions],
        };
        let pdf = uw_documents::notice_pdf(&notice)?;
        self.store.record_audit_event(
            "policy.notice_printed",
            policy_number,
            serde_json::json!({ "kind": kind.slug(), "version": policy.version }),
            now,
        )?;
        Ok(pdf)
    }

    /// Writes a document of the policy into `dir` as
    /// `POL-…-vN-declarations.pdf` (or `id-cards`, `notice`) and returns its
    /// path; written beside its final name and renamed, as proposals are.
    pub fn save_policy_document(
        &mut self,
        policy_number: &str,
        document: PolicyDocument,
        dir: &std::path::Path,
        now: OffsetDateTime,
    ) -> Result<std::path::PathBuf, WorkstationError> {
        let issued = self.issued_policy(policy_number)?;
        let pdf = match document {
            PolicyDocument::Declarations => self.declarations_of(policy_number, &issued, now)?,
            PolicyDocument::IdCards => self.id_cards_of(policy_number, &issued, now)?,
            PolicyDocument::Notice => self.notice_of(policy_number, &issued, now)?,
        };
        let version = issued.policy.version;
        crate::write_beside(dir, &format!("{policy_number}-v{version}-{}.pdf", document.slug()), &pdf)
    }

    /// The policy as the server last issued it, with its input in force re-rated on its pack.
    fn issued_policy(&self, policy_number: &str) -> Result<IssuedPolicy, WorkstationError> {
        let stored = self
            .store
            .stored_policy(policy_number)?
            .ok_or_else(|| WorkstationError::PolicyNotFound { policy_number: policy_number.to_owned() })?;
        let issued = self.issued(&stored)?;
        let (input, pack_id) = issued.rated.ok_or_else(|| crate::policies::needs_sync(&stored))?;
        let pack = self.packs.by_id(&pack_id).ok_or_else(|| WorkstationError::PackNotInstalled { pack_id: pack_id.clone() })?;
        let rating = crate::policies::rate(pack, &input)?;
        let last_event = stored.current_detail().and_then(|d| d.timeline.last().cloned());
        Ok(IssuedPolicy { policy: issued.policy, input, rating, last_event })
    }
}

/// A policy as issued, for its documents.
struct IssuedPolicy {
    policy: uw_policy::Policy,
    input: QuoteInput,
    rating: Rating,
    /// The server's latest transaction, when its detail is here.
    last_event: Option<uw_protocol::PolicyEvent>,
}

fn parse_date(text: &str, policy_number: &str) -> Result<Date, WorkstationError> {
    uw_rating::dates::parse_date(text)
        .map_err(|e| WorkstationError::Internal { message: format!("the server's timeline of {policy_number} has the date `{text}`: {e}") })
}

/// The value of a transaction worksheet's line, by label.
fn worksheet_line(worksheet: &serde_json::Value, label: &str) -> Option<String> {
    let worksheet: uw_policy::Worksheet = serde_json::from_value(worksheet.clone()).ok()?;
    worksheet.lines.into_iter().find(|l| l.label == label).map(|l| l.value)
}

/// How a cancellation returned premium, in words for the notice.
fn method_text(method: CancelMethod, filed: Option<uw_rating::RefundMethod>) -> String {
    match method {
        CancelMethod::Flat => "flat".to_owned(),
        CancelMethod::ProRata => "pro rata".to_owned(),
        CancelMethod::ShortRate => match filed {
            Some(uw_rating::RefundMethod::PercentOfProRata { percent }) => format!("short rate: {percent}% of pro rata"),
            _ => "short rate: the standard short-rate table".to_owned(),
        },
    }
}

/// Each discount the worksheet applied, with the coverages it applied to.
fn discounts(rating: &Rating) -> Vec<(String, String)> {
    let mut applied: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for coverage in &rating.coverages {
        for line in coverage.worksheet.iter().filter(|l| l.operation == Operation::Discount) {
            let name = line.label.unwrap_or(line.step);
            let percent = (line.value * Decimal::ONE_HUNDRED).normalize();
            let names = applied.entry(format!("{name} {percent}%")).or_default();
            if !names.iter().any(|n| n == &*coverage.name) {
                names.push(coverage.name.to_string());
            }
        }
    }
    applied.into_iter().map(|(discount, coverages)| (discount, coverages.join(", "))).collect()
}
