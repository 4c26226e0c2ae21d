//! Quotes, ratings, drafts and saved documents as the quote screens show them.

use serde::Serialize;
use ts_rs::TS;
use uw_workstation::rating::{Rating, RiskScore};
use uw_workstation::{DraftSummary, QuoteDetail, QuoteDraft, QuoteOutcome, QuoteScreen, QuoteSummary, RatedQuote};

use crate::sync::SyncIssueView;

/// A rated quote as the UI shows it. Money travels as decimal strings so the
/// UI never holds a premium in a JavaScript float.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct QuoteView {
    #[ts(type = "number")]
    pub quote_id: i64,
    pub pack_id: String,
    /// The term premium, a decimal string.
    pub premium: String,
    pub coverages: Vec<CoverageView>,
    pub fees: Vec<FeeView>,
    #[ts(type = "string[]")]
    pub assumptions: &'static [&'static str],
    #[ts(type = "\"accept\" | \"refer\" | \"decline\"")]
    pub decision: String,
    pub reasons: Vec<String>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CoverageView {
    pub code: String,
    pub name: String,
    /// The vehicle (index into the quote's vehicles) of a per-vehicle coverage.
    #[ts(type = "number | null")]
    pub vehicle: Option<usize>,
    /// The driver that vehicle is rated with (index into the quote's drivers).
    #[ts(type = "number | null")]
    pub driver: Option<usize>,
    pub limit: Option<String>,
    pub deductible: Option<String>,
    /// The limit, or else the deductible, for one-column tables.
    pub option: Option<String>,
    pub premium: String,
    pub worksheet: Vec<WorksheetLineView>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FeeView {
    pub name: String,
    pub amount: String,
}

/// One line of a coverage's worksheet.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "WorksheetLine")]
pub struct WorksheetLineView {
    pub step: String,
    pub operation: String,
    pub table: Option<String>,
    pub key: Option<String>,
    pub label: Option<String>,
    /// Decimal as a string: money never becomes a JavaScript float.
    pub value: String,
    pub subtotal: String,
    pub note: Option<String>,
}

fn coverage_views(rating: &Rating) -> Vec<CoverageView> {
    rating
        .coverages
        .iter()
        .map(|c| CoverageView {
            code: c.coverage.to_string(),
            name: c.name.to_string(),
            vehicle: c.vehicle,
            driver: c.driver,
            limit: c.limit.as_deref().map(str::to_owned),
            deductible: c.deductible.as_deref().map(str::to_owned),
            option: c.limit.as_deref().or(c.deductible.as_deref()).map(str::to_owned),
            premium: c.premium.to_string(),
            worksheet: c
                .worksheet
                .iter()
                .map(|l| WorksheetLineView {
                    step: l.step.to_string(),
                    operation: l.operation.name().to_owned(),
                    table: l.table.as_ref().map(|t| t.to_string()),
                    key: l.key.as_ref().map(|k| k.to_string()),
                    label: l.label.as_ref().map(|x| x.to_string()),
                    value: l.value.to_string(),
                    subtotal: l.subtotal.to_string(),
                    note: l.note.map(|n| n.to_string()),
                })
                .collect(),
        })
        .collect()
}

impl From<QuoteOutcome> for QuoteView {
    fn from(q: QuoteOutcome) -> Self {
        Self {
            quote_id: q.quote_id,
            pack_id: q.pack_id,
            premium: q.total.to_string(),
            coverages: coverage_views(&q.rating),
            fees: q.rating.fees.iter().map(|f| FeeView { name: f.name.to_string(), amount: f.amount.to_string() }).collect(),
            assumptions: q.assumptions,
            decision: q.rating.decision.action.name().to_owned(),
            reasons: q.rating.decision.reasons.iter().map(|x| format!("{}: {}", x.code, x.message)).collect(),
        }
    }
}

/// A full rating as the wizard's review shows it: premium by coverage with
/// each worksheet, fees, the payment schedule, the risk score with its top
/// reasons, and the underwriting decision with its reasons.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RatingView {
    pub pack_id: String,
    pub pack_digest: String,
    /// Rated by an unsigned draft pack: a preview that cannot be saved.
    pub draft: bool,
    /// The term premium, a decimal string.
    pub premium: String,
    pub coverages: Vec<CoverageView>,
    /// Personal auto: who each vehicle is rated with, and every driver's part.
    pub drivers: Vec<DriverAssignmentView>,
    pub fees: Vec<FeeView>,
    pub minimum_premium_adjustment: String,
    pub installments: InstallmentsView,
    pub risk: Option<RiskView>,
    #[ts(type = "\"accept\" | \"refer\" | \"decline\"")]
    pub decision: &'static str,
    pub reasons: Vec<ReasonView>,
    /// What the insured has yet to sign before the quote can be bound, each
    /// a sentence for the agent.
    pub unsigned: Vec<String>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct InstallmentsView {
    pub plan: String,
    pub name: String,
    pub total_payable: String,
    pub payments: Vec<PaymentView>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct PaymentView {
    pub number: u32,
    pub due: String,
    pub amount: String,
}

/// One driver's part in a rating.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DriverAssignmentView {
    /// Index into the quote's drivers.
    #[ts(type = "number")]
    pub driver: usize,
    #[ts(type = "\"principal\" | \"assigned\" | \"occasional\" | \"excess\" | \"excluded\"")]
    pub role: String,
    /// The vehicles rated with this driver (indexes into the quote's vehicles).
    #[ts(type = "Array<number>")]
    pub vehicles: Vec<usize>,
    /// How the driver ranks, a decimal string: the driver's own factors and
    /// discounts applied to the base rates of the coverages chosen on the
    /// highest-rated vehicle. It orders drivers and is never charged; none
    /// for an excluded driver.
    pub rank: Option<String>,
}

/// An underwriting rule that fired.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReasonView {
    pub code: String,
    #[ts(type = "\"accept\" | \"refer\" | \"decline\"")]
    pub action: &'static str,
    pub message: String,
    pub subject: String,
}

/// The explainable risk score of the riskiest rating unit.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RiskView {
    pub unit: String,
    /// Predicted claims per year, a decimal string.
    pub frequency: String,
    pub relativity: String,
    pub capped_relativity: String,
    /// Whether the score moved the premium (or only informs the underwriter).
    pub applied: bool,
    /// The variables that raised the score most, largest first; none when
    /// nothing raised it above its reference.
    pub top_reasons: Vec<RiskReasonView>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RiskReasonView {
    pub variable: String,
    pub value: String,
    /// On the log scale; positive raises the predicted frequency.
    pub contribution: String,
}

/// How many risk contributions the review lists.
const TOP_RISK_REASONS: usize = 3;

/// The risk score as the review shows it: the unit, the rounded frequency
/// and relativities, and the (at most three) variables that raised it most.
pub fn risk_view(risk: &RiskScore) -> RiskView {
    let mut contributions: Vec<_> = risk.contributions.iter().collect();
    contributions.sort_by_key(|c| std::cmp::Reverse(c.contribution));
    RiskView {
        unit: risk.unit.clone(),
        frequency: risk.frequency.round_dp(4).to_string(),
        relativity: risk.relativity.round_dp(3).to_string(),
        capped_relativity: risk.capped_relativity.round_dp(3).to_string(),
        applied: risk.applied,
        top_reasons: contributions
            .into_iter()
            .filter(|c| c.contribution.is_sign_positive() && !c.contribution.is_zero())
            .take(TOP_RISK_REASONS)
            .map(|c| RiskReasonView {
                variable: c.variable.to_string(),
                value: c.level.clone().unwrap_or_else(|| c.value.to_string()),
                contribution: c.contribution.round_dp(4).to_string(),
            })
            .collect(),
    }
}

impl From<&Rating> for RatingView {
    fn from(r: &Rating) -> Self {
        Self {
            pack_id: r.pack_id.clone(),
            pack_digest: r.pack_digest.clone(),
            draft: r.draft,
            premium: r.total.to_string(),
            coverages: coverage_views(r),
            drivers: r
                .drivers
                .iter()
                .map(|d| DriverAssignmentView {
                    driver: d.driver,
                    role: d.role.name().to_owned(),
                    vehicles: d.vehicles.clone(),
                    rank: d.rank.map(|r| r.to_string()),
                })
                .collect(),
            fees: r.fees.iter().map(|f| FeeView { name: f.name.to_string(), amount: f.amount.to_string() }).collect(),
            minimum_premium_adjustment: r.minimum_premium_adjustment.to_string(),
            installments: InstallmentsView {
                plan: r.installments.plan.clone(),
                name: r.installments.name.clone(),
                total_payable: r.installments.total_payable.to_string(),
                payments: r
                    .installments
                    .installments
                    .iter()
                    .map(|i| PaymentView { number: i.number, due: i.due.to_string(), amount: i.amount.to_string() })
                    .collect(),
            },
            risk: r.risk.as_ref().map(risk_view),
            decision: r.decision.action.name(),
            reasons: r
                .decision
                .reasons
                .iter()
                .map(|x| ReasonView {
                    code: x.code.to_string(),
                    action: x.action.name(),
                    message: x.message.to_string(),
                    subject: x.subject.clone(),
                })
                .collect(),
            unsigned: r.unsigned.iter().map(|u| u.message.clone()).collect(),
        }
    }
}

/// A quote just saved and rated.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedQuoteView {
    pub summary: QuoteSummary,
    pub rating: RatingView,
}

impl From<RatedQuote> for SavedQuoteView {
    fn from(rated: RatedQuote) -> Self {
        Self { rating: RatingView::from(&rated.rating), summary: rated.summary }
    }
}

/// A quote with its input, its versions and, once rated, its current rating.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct QuoteDetailView {
    pub detail: QuoteDetail,
    pub rating: Option<RatingView>,
    /// The open draft editing this quote, if any: editing resumes it.
    #[ts(type = "number | null")]
    pub draft_id: Option<i64>,
    /// What sync reported about it (a refused bind and its reason), newest first.
    pub sync_issues: Vec<SyncIssueView>,
}

impl From<QuoteScreen> for QuoteDetailView {
    fn from(screen: QuoteScreen) -> Self {
        Self {
            detail: screen.detail,
            rating: screen.rating.as_ref().map(RatingView::from),
            draft_id: screen.draft_id,
            sync_issues: screen.sync_issues.into_iter().map(SyncIssueView::from).collect(),
        }
    }
}

/// A draft and its form, to resume the wizard.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DraftView {
    pub summary: DraftSummary,
    pub draft: QuoteDraft,
}

/// A document written to disk.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedDocumentView {
    pub path: String,
}

impl From<std::path::PathBuf> for SavedDocumentView {
    fn from(path: std::path::PathBuf) -> Self {
        Self { path: path.display().to_string() }
    }
}
