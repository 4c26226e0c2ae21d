//! The desktop shell: a Tauri v2 window over `uw-workstation`.
//!
//! **Architecture invariant:** no business logic here. Each command is a few
//! lines that call the workstation and convert its result or error into the
//! DTOs the UI reads. Errors reach the UI as `{code, message}`; TypeScript
//! switches on `code`.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime};
use ts_rs::TS;
use uw_workstation::rate_changes::{BookSource, DraftCheck, EditorPack, ImpactSummary};
use uw_workstation::rating::impact::ImpactReport;
use uw_workstation::rating::pack::edit::{DraftEdits, PackDiff};
use uw_workstation::rating::{Action, Rating, RiskScore};
use uw_workstation::{
    AuditVerdict, Dashboard, DeviceRecord, DraftSummary, EnrollmentInfo, QuickQuoteRequest, QuoteDetail, QuoteDraft, QuoteFilter,
    QuoteInput, QuoteNumber, QuoteOptions, QuoteOutcome, QuoteSummary, Role, Secret, SessionInfo, StoredRateDraft, SyncIssue, SyncProgress,
    SyncReport, UserChange, UserRecord, VinInfo, Workstation, WorkstationConfig, WorkstationError, ZipInfo,
};

/// The one error shape every command returns. Switch on `code`, never on `message`.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct CommandError {
    code: &'static str,
    message: String,
    /// The sync server's own code (`auth.invalid_credentials`, ...) when a
    /// sync request was refused; `code` stays the workstation's.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    server_code: Option<String>,
    /// For `input.invalid` on a quote: each problem with its field path
    /// (`quote.drivers[0].license_date`), so the UI can show it beside its field.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[ts(as = "Option<Vec<FieldError>>", optional)]
    fields: Vec<FieldError>,
}

/// One field's problem.
#[derive(Debug, Clone, Serialize, TS)]
struct FieldError {
    path: String,
    message: String,
}

impl CommandError {
    fn internal(message: impl Into<String>) -> Self {
        Self { code: "internal", message: message.into(), server_code: None, fields: Vec::new() }
    }
}

impl From<&WorkstationError> for CommandError {
    fn from(e: &WorkstationError) -> Self {
        let server_code = match e {
            WorkstationError::Sync(sync) => sync.server_code().map(str::to_owned),
            _ => None,
        };
        let fields = match e {
            WorkstationError::InvalidQuote(errors) => {
                errors.0.iter().map(|f| FieldError { path: f.path.clone(), message: f.message.clone() }).collect()
            }
            WorkstationError::Rating(rating) => match &**rating {
                uw_workstation::rating::RatingError::Input(errors) => {
                    errors.0.iter().map(|f| FieldError { path: format!("quote.{}", f.path), message: f.message.clone() }).collect()
                }
                _ => Vec::new(),
            },
            WorkstationError::InvalidInput { field, message } => vec![FieldError { path: field.clone(), message: message.clone() }],
            WorkstationError::PackDraftInvalid { problem } => {
                let path = problem.key.clone().or_else(|| problem.file.clone()).unwrap_or_default();
                vec![FieldError { path, message: problem.message.clone() }]
            }
            _ => Vec::new(),
        };
        Self { code: e.code(), message: e.to_string(), server_code, fields }
    }
}

/// A rated quote as the UI shows it. Money travels as decimal strings so the
/// UI never holds a premium in a JavaScript float.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct QuoteView {
    #[ts(type = "number")]
    quote_id: i64,
    pack_id: String,
    /// The term premium, a decimal string.
    premium: String,
    coverages: Vec<CoverageView>,
    fees: Vec<FeeView>,
    #[ts(type = "string[]")]
    assumptions: &'static [&'static str],
    #[ts(type = "\"accept\" | \"refer\" | \"decline\"")]
    decision: String,
    reasons: Vec<String>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct CoverageView {
    code: String,
    name: String,
    /// The vehicle (index into the quote's vehicles) of a per-vehicle coverage.
    #[ts(type = "number | null")]
    vehicle: Option<usize>,
    /// The driver that vehicle is rated with (index into the quote's drivers).
    #[ts(type = "number | null")]
    driver: Option<usize>,
    limit: Option<String>,
    deductible: Option<String>,
    /// The limit, or else the deductible, for one-column tables.
    option: Option<String>,
    premium: String,
    worksheet: Vec<WorksheetLineView>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct FeeView {
    name: String,
    amount: String,
}

/// One line of a coverage's worksheet.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "WorksheetLine")]
struct WorksheetLineView {
    step: String,
    operation: String,
    table: Option<String>,
    key: Option<String>,
    label: Option<String>,
    /// Decimal as a string: money never becomes a JavaScript float.
    value: String,
    subtotal: String,
    note: Option<String>,
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
            limit: c.limit.clone(),
            deductible: c.deductible.clone(),
            option: c.limit.clone().or_else(|| c.deductible.clone()),
            premium: c.premium.to_string(),
            worksheet: c
                .worksheet
                .iter()
                .map(|l| WorksheetLineView {
                    step: l.step.to_string(),
                    operation: serde_json::to_value(l.operation).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
                    table: l.table.as_ref().map(|t| t.to_string()),
                    key: l.key.as_ref().map(|k| k.to_string()),
                    label: l.label.as_ref().map(|x| x.to_string()),
                    value: l.value.to_string(),
                    subtotal: l.subtotal.to_string(),
                    note: l.note.clone(),
                })
                .collect(),
        })
        .collect()
}

fn decision_name(action: Action) -> &'static str {
    match action {
        Action::Accept => "accept",
        Action::Refer => "refer",
        Action::Decline => "decline",
    }
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
            decision: decision_name(q.rating.decision.action).to_owned(),
            reasons: q.rating.decision.reasons.iter().map(|x| format!("{}: {}", x.code, x.message)).collect(),
        }
    }
}

/// A full rating as the wizard's review shows it: premium by coverage with
/// each worksheet, fees, the payment schedule, the risk score with its top
/// reasons, and the underwriting decision with its reasons.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct RatingView {
    pack_id: String,
    pack_digest: String,
    /// Rated by an unsigned draft pack: a preview that cannot be saved.
    draft: bool,
    /// The term premium, a decimal string.
    premium: String,
    coverages: Vec<CoverageView>,
    /// Personal auto: who each vehicle is rated with, and every driver's part.
    drivers: Vec<DriverAssignmentView>,
    fees: Vec<FeeView>,
    minimum_premium_adjustment: String,
    installments: InstallmentsView,
    risk: Option<RiskView>,
    #[ts(type = "\"accept\" | \"refer\" | \"decline\"")]
    decision: &'static str,
    reasons: Vec<ReasonView>,
    /// What the insured has yet to sign before the quote can be bound, each
    /// a sentence for the agent.
    unsigned: Vec<String>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct InstallmentsView {
    plan: String,
    name: String,
    total_payable: String,
    payments: Vec<PaymentView>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct PaymentView {
    number: u32,
    due: String,
    amount: String,
}

/// One driver's part in a rating.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct DriverAssignmentView {
    /// Index into the quote's drivers.
    #[ts(type = "number")]
    driver: usize,
    #[ts(type = "\"principal\" | \"assigned\" | \"occasional\" | \"excess\" | \"excluded\"")]
    role: String,
    /// The vehicles rated with this driver (indexes into the quote's vehicles).
    #[ts(type = "Array<number>")]
    vehicles: Vec<usize>,
    /// How the driver ranks (their premium on the highest-rated vehicle), a
    /// decimal string; none for an excluded driver.
    rank: Option<String>,
}

/// An underwriting rule that fired.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct ReasonView {
    code: String,
    #[ts(type = "\"accept\" | \"refer\" | \"decline\"")]
    action: &'static str,
    message: String,
    subject: String,
}

/// The explainable risk score of the riskiest rating unit.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct RiskView {
    unit: String,
    /// Predicted claims per year, a decimal string.
    frequency: String,
    relativity: String,
    capped_relativity: String,
    /// Whether the score moved the premium (or only informs the underwriter).
    applied: bool,
    /// The variables that raised the score most, largest first; none when
    /// nothing raised it above its reference.
    top_reasons: Vec<RiskReasonView>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct RiskReasonView {
    variable: String,
    value: String,
    /// On the log scale; positive raises the predicted frequency.
    contribution: String,
}

/// How many risk contributions the review lists.
const TOP_RISK_REASONS: usize = 3;

fn risk_view(risk: &RiskScore) -> RiskView {
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
                    role: serde_json::to_value(d.role).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
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
            decision: decision_name(r.decision.action),
            reasons: r
                .decision
                .reasons
                .iter()
                .map(|x| ReasonView {
                    code: x.code.to_string(),
                    action: decision_name(x.action),
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
struct SavedQuoteView {
    summary: QuoteSummary,
    rating: RatingView,
}

impl From<uw_workstation::RatedQuote> for SavedQuoteView {
    fn from(rated: uw_workstation::RatedQuote) -> Self {
        Self { rating: RatingView::from(&rated.rating), summary: rated.summary }
    }
}

/// A quote with its input, its versions and, once rated, its current rating.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct QuoteDetailView {
    detail: QuoteDetail,
    rating: Option<RatingView>,
    /// The open draft editing this quote, if any: editing resumes it.
    #[ts(type = "number | null")]
    draft_id: Option<i64>,
    /// What sync reported about it (a refused bind and its reason), newest first.
    sync_issues: Vec<SyncIssueView>,
}

/// A draft and its form, to resume the wizard.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct DraftView {
    summary: DraftSummary,
    draft: QuoteDraft,
}

/// A policy: where it stands, its timeline from the server and the changes
/// prepared on this workstation.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct PolicyView {
    policy_number: String,
    /// `issued` or `cancelled`, as the server last reported.
    status: String,
    /// The newest version the server reported.
    policy_version: u32,
    /// Decimal text: the premium with fees.
    premium: String,
    /// The policy as a new change starts from it: the server's version with
    /// the changes waiting to sync on top. `None` until sync brings the
    /// server's latest version.
    working: Option<uw_workstation::policies::Policy>,
    /// The rating input in force, for an endorsement to start from.
    input: Option<QuoteInput>,
    timeline: Vec<PolicyEventView>,
    changes: Vec<PolicyChangeView>,
    /// When the server's detail was fetched, if ever.
    fetched_at: Option<String>,
}

impl From<uw_workstation::policies::PolicyFile> for PolicyView {
    fn from(file: uw_workstation::policies::PolicyFile) -> Self {
        let stored = file.stored;
        Self {
            fetched_at: stored.detail.as_ref().map(|(_, at)| at.clone()),
            policy_number: stored.policy_number,
            status: stored.status,
            policy_version: stored.policy_version,
            premium: stored.premium,
            working: file.working,
            input: file.input,
            timeline: file.timeline.into_iter().map(PolicyEventView::from).collect(),
            changes: file.changes.into_iter().map(PolicyChangeView::from).collect(),
        }
    }
}

/// One transaction in the server's timeline, with its audit entry.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct PolicyEventView {
    version: u32,
    kind: String,
    effective_date: String,
    /// Decimal text: charged (positive) or returned (negative).
    amount: String,
    lines: Vec<uw_workstation::policies::WorksheetLine>,
    recorded_at: String,
    by: String,
    /// The audit log entry that records it.
    #[ts(type = "number | null")]
    log_index: Option<u64>,
}

impl From<uw_workstation::policies::PolicyEvent> for PolicyEventView {
    fn from(e: uw_workstation::policies::PolicyEvent) -> Self {
        // A worksheet this version cannot read is said so, never shown as empty.
        let lines = serde_json::from_value::<uw_workstation::policies::Worksheet>(e.worksheet).map(|w| w.lines).unwrap_or_else(|err| {
            vec![uw_workstation::policies::WorksheetLine { label: "Worksheet".into(), value: format!("cannot be shown: {err}") }]
        });
        Self {
            version: e.version,
            kind: e.kind,
            effective_date: e.effective_date,
            amount: e.amount.to_string(),
            lines,
            recorded_at: e.recorded_at,
            by: e.by,
            log_index: e.log_index,
        }
    }
}

/// A change prepared on this workstation and what the server said.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct PolicyChangeView {
    #[ts(type = "number")]
    id: i64,
    base_version: u32,
    kind: String,
    effective_date: String,
    amount: String,
    description: String,
    worksheet: uw_workstation::policies::Worksheet,
    prepared_at: String,
    /// `accepted`, `rejected` or `conflict`; `None` while it waits to sync.
    outcome: Option<String>,
}

impl From<uw_workstation::policies::PolicyChange> for PolicyChangeView {
    fn from(c: uw_workstation::policies::PolicyChange) -> Self {
        Self {
            id: c.id,
            base_version: c.base_version,
            kind: c.kind,
            effective_date: c.effective_date,
            amount: c.amount.to_string(),
            description: c.description,
            worksheet: c.worksheet,
            prepared_at: c.prepared_at,
            outcome: c.outcome,
        }
    }
}

/// A change worked out for review, not yet queued.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct PolicyChangePreviewView {
    base_version: u32,
    before: uw_workstation::policies::Policy,
    after: uw_workstation::policies::Policy,
    worksheet: uw_workstation::policies::Worksheet,
    description: String,
    /// The rating of an endorsement or a renewal offer.
    rating: Option<RatingView>,
}

impl From<uw_workstation::policies::PreparedChange> for PolicyChangePreviewView {
    fn from(p: uw_workstation::policies::PreparedChange) -> Self {
        Self {
            base_version: p.base_version,
            before: p.before,
            after: p.applied.policy,
            worksheet: p.applied.worksheet,
            description: p.description,
            rating: p.rating.as_ref().map(RatingView::from),
        }
    }
}

/// A document written to disk.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct SavedDocumentView {
    path: String,
}

/// Whether this device is enrolled with a sync server. The device token
/// never leaves the workstation crate, so it cannot appear here.
#[derive(Debug, Serialize, TS)]
#[serde(tag = "state", rename_all = "camelCase")]
enum EnrollmentStatus {
    NotEnrolled,
    Enrolled(Box<EnrollmentView>),
}

/// This device's enrollment with a sync server. The device token never reaches the UI.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct EnrollmentView {
    server_url: String,
    username: String,
    #[ts(type = "\"agent\" | \"underwriter\" | \"admin\" | \"auditor\"")]
    role: &'static str,
    device_id: String,
    device_name: String,
    /// The quote numbers this device hands out, in words: its own series
    /// (`QUOT-2026-00042-NNNNN`), or a first-scheme block.
    quote_numbers: String,
    /// The number the next new quote gets, or `None` when a block is used up.
    next_quote_number: Option<String>,
    enrolled_at: String,
    token_expires_at: String,
}

impl TryFrom<EnrollmentInfo> for EnrollmentView {
    type Error = WorkstationError;

    fn try_from(e: EnrollmentInfo) -> Result<Self, WorkstationError> {
        // The workstation validated the numbers when it enrolled, so one
        // that does not format is a defect, not a user error.
        fn defect(err: impl std::fmt::Display) -> WorkstationError {
            WorkstationError::Internal { message: format!("stored quote numbers: {err}") }
        }
        let quote_numbers = match (e.device_number, e.quote_numbers) {
            (Some(device), _) => {
                let year = e.next_quote_number.map_or_else(|| time::OffsetDateTime::now_utc().year(), QuoteNumber::year);
                let first = QuoteNumber::for_device(year, device, 1).map_err(defect)?.to_string();
                let series = first.rsplit_once('-').map_or(first.as_str(), |(prefix, _)| prefix);
                format!("{series}-NNNNN, this device's own")
            }
            (None, Some(block)) => format!(
                "{} to {}",
                QuoteNumber::new(block.year, block.first).map_err(defect)?,
                QuoteNumber::new(block.year, block.last).map_err(defect)?
            ),
            (None, None) => String::new(),
        };
        Ok(Self {
            quote_numbers,
            next_quote_number: e.next_quote_number.map(|n| n.to_string()),
            server_url: e.server_url,
            username: e.user.username,
            role: e.user.role.name(),
            device_id: e.device_id,
            device_name: e.device_name,
            enrolled_at: e.enrolled_at,
            token_expires_at: e.token_expires_at,
        })
    }
}

/// What one "Sync now" (push, then pull) did.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "SyncResult")]
struct SyncResultView {
    /// Outbox operations the server answered for.
    delivered: usize,
    accepted: usize,
    duplicate: usize,
    rejected: usize,
    conflict: usize,
    policies_issued: Vec<String>,
    changes_pulled: usize,
    changes_applied: usize,
    changes_not_applied: usize,
    packs_installed: Vec<String>,
    /// Quotes made after this laptop was restored from a backup whose number
    /// the server already held: each got a new one (print its proposal again).
    renumbered: Vec<RenumberedQuote>,
    /// The sync server had been restored from a backup; this laptop carried
    /// on and sent again what the server had lost.
    server_restored: bool,
}

/// A quote renumbered by a sync.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct RenumberedQuote {
    was: String,
    now: String,
}

impl From<SyncReport> for SyncResultView {
    fn from(r: SyncReport) -> Self {
        Self {
            delivered: r.push.delivered,
            accepted: r.push.accepted,
            duplicate: r.push.duplicate,
            rejected: r.push.rejected,
            conflict: r.push.conflict,
            policies_issued: r.push.policies_issued,
            changes_pulled: r.pull.changes,
            changes_applied: r.pull.applied,
            changes_not_applied: r.pull.not_applied,
            packs_installed: r.pull.packs_installed,
            renumbered: r.push.renumbered.into_iter().map(|(was, now)| RenumberedQuote { was, now }).collect(),
            server_restored: r.server_restored,
        }
    }
}

/// Something sync could not do, for the agent to read and dismiss.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "SyncIssue")]
struct SyncIssueView {
    #[ts(type = "number")]
    id: i64,
    #[ts(type = "\"push\" | \"pull\"")]
    source: String,
    kind: String,
    subject: Option<String>,
    #[ts(type = "\"rejected\" | \"conflict\" | \"not_applied\"")]
    outcome: String,
    code: Option<String>,
    reason: String,
    current_version: Option<u32>,
    received_at: String,
    /// The quote on this device it is about, to open it from the issue.
    #[ts(type = "number | null")]
    quote_id: Option<i64>,
}

impl From<SyncIssue> for SyncIssueView {
    fn from(i: SyncIssue) -> Self {
        Self {
            id: i.id,
            source: i.source,
            kind: i.kind,
            subject: i.subject,
            outcome: i.outcome,
            code: i.code,
            reason: i.reason,
            current_version: i.current_version,
            received_at: i.received_at,
            quote_id: i.quote_id,
        }
    }
}

/// An impact run on this workstation: the summary an author attaches to a
/// submitted draft, and the two worksheets of each of the largest increases.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct ImpactView {
    summary: ImpactSummary,
    /// In the order of `summary.largest_increases`.
    worksheets: Vec<IncreaseWorksheets>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct IncreaseWorksheets {
    id: String,
    base: RatingView,
    draft: RatingView,
}

impl From<&ImpactReport> for ImpactView {
    fn from(r: &ImpactReport) -> Self {
        Self {
            summary: ImpactSummary::from(r),
            worksheets: r
                .largest_increases
                .iter()
                .map(|c| IncreaseWorksheets { id: c.id.clone(), base: RatingView::from(&c.base), draft: RatingView::from(&c.draft) })
                .collect(),
        }
    }
}

/// How far an impact run is: policies rated (by both packs) of the book.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct ImpactProgress {
    #[ts(type = "number")]
    done: u64,
    #[ts(type = "number")]
    total: u64,
}

/// Which book an impact run re-rates.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
enum BookChoice {
    /// The quotes on this workstation.
    Local,
    /// The server's in-force book.
    Server,
    /// A canonical book in the Books folder, by file name.
    File { file_name: String },
}

/// A canonical book in the Books folder.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct BookFileView {
    file_name: String,
    #[ts(type = "number")]
    bytes: u64,
}

/// This underwriter's approval key. Making it asks the server to register
/// it; an administrator approves the request on the Admin screen.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct ApprovalKeyView {
    key_id: String,
    public_key: String,
    /// The server has registered it (as of the last sync).
    registered: bool,
}

impl From<uw_workstation::rate_changes::ApprovalKey> for ApprovalKeyView {
    fn from(k: uw_workstation::rate_changes::ApprovalKey) -> Self {
        Self { key_id: k.key_id, public_key: k.public_key, registered: k.registered }
    }
}

/// A draft by another underwriter, awaiting this user's review.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct ReviewView {
    draft_id: String,
    pack_id: String,
    base_pack_id: String,
    author: String,
    submitted_at: String,
    note: String,
    /// The author's impact run, without worksheets; none if they ran none.
    impact: Option<ImpactSummary>,
    /// Why the author's impact summary could not be read, if it could not.
    impact_problem: Option<String>,
    /// This user's decision, waiting for sync.
    decision: Option<ReviewDecisionView>,
    /// Why the server refused this user's last decision (it is theirs to make again).
    refusal: Option<String>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct ReviewDecisionView {
    approve: bool,
    comment: String,
}

/// The workstation, or why it could not be opened. A failed start-up keeps
/// the window up so the agent sees the reason instead of a vanished app.
struct AppState(Result<Mutex<Workstation>, CommandError>);

impl AppState {
    fn with<T>(&self, f: impl FnOnce(&mut Workstation) -> Result<T, WorkstationError>) -> Result<T, CommandError> {
        let workstation = self.0.as_ref().map_err(Clone::clone)?;
        let mut guard = workstation.lock().map_err(|_| CommandError::internal("workstation lock poisoned"))?;
        f(&mut guard).map_err(|e| CommandError::from(&e))
    }
}

/// Runs `f` on the workstation on the async runtime's blocking pool.
///
/// Sync uses blocking HTTP and may take seconds (retries with backoff), so
/// it must run neither inside the async runtime nor on the main thread,
/// where Tauri runs plain synchronous commands and where waiting would
/// freeze the window. Every command goes through here, so none of them waits
/// for the workstation's lock on the main thread while a sync holds it.
async fn on_workstation<R: Runtime, T: Send + 'static>(
    app: AppHandle<R>,
    f: impl FnOnce(&mut Workstation) -> Result<T, WorkstationError> + Send + 'static,
) -> Result<T, CommandError> {
    tauri::async_runtime::spawn_blocking(move || app.state::<AppState>().with(f))
        .await
        .map_err(|e| CommandError::internal(format!("the workstation task failed: {e}")))?
}

/// Runs file work that needs no workstation (reading saved audit exports)
/// on the blocking pool, without waiting for the workstation's lock.
async fn off_main<T: Send + 'static>(f: impl FnOnce() -> Result<T, WorkstationError> + Send + 'static) -> Result<T, CommandError> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| CommandError::internal(format!("the file task failed: {e}")))?
        .map_err(|e| CommandError::from(&e))
}

fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

#[tauri::command]
async fn startup_status<R: Runtime>(app: AppHandle<R>) -> Result<(), CommandError> {
    on_workstation(app, |_| Ok(())).await
}

#[tauri::command]
async fn rate_quote<R: Runtime>(app: AppHandle<R>, zip: String, vehicle_year: i32) -> Result<QuoteView, CommandError> {
    // The workstation takes the date explicitly; the quote is effective today (UTC).
    let today = now().date();
    on_workstation(app, move |ws| ws.quick_quote(&QuickQuoteRequest { zip, vehicle_year }, today)).await.map(QuoteView::from)
}

#[tauri::command]
async fn enrollment_status<R: Runtime>(app: AppHandle<R>) -> Result<EnrollmentStatus, CommandError> {
    on_workstation(app, |ws| match ws.enrollment()? {
        Some(info) => Ok(EnrollmentStatus::Enrolled(Box::new(info.try_into()?))),
        None => Ok(EnrollmentStatus::NotEnrolled),
    })
    .await
}

/// Enrolls this device. The password arrives as a [`Secret`], so no `Debug`
/// or log line can print it; it is dropped when enrollment ends.
#[tauri::command]
async fn enroll<R: Runtime>(
    app: AppHandle<R>,
    server_url: String,
    username: String,
    password: Secret,
    device_name: String,
) -> Result<EnrollmentView, CommandError> {
    on_workstation(app, move |ws| ws.enroll(&server_url, &username, &password, &device_name, now())?.try_into()).await
}

/// Pushes the outbox and pulls the server's changes, reporting progress on
/// `on_progress` after each batch and page.
#[tauri::command]
async fn sync_now<R: Runtime>(app: AppHandle<R>, on_progress: Channel<SyncProgress>) -> Result<SyncResultView, CommandError> {
    on_workstation(app, move |ws| {
        ws.sync_with_progress(now(), &mut |progress| {
            // A closed window no longer listens; sync goes on regardless.
            let _ = on_progress.send(progress);
        })
    })
    .await
    .map(SyncResultView::from)
}

#[tauri::command]
async fn sync_issues<R: Runtime>(app: AppHandle<R>) -> Result<Vec<SyncIssueView>, CommandError> {
    on_workstation(app, |ws| ws.sync_issues()).await.map(|issues| issues.into_iter().map(SyncIssueView::from).collect())
}

/// Returns whether the issue was still listed.
#[tauri::command]
async fn dismiss_sync_issue<R: Runtime>(app: AppHandle<R>, id: i64) -> Result<bool, CommandError> {
    on_workstation(app, move |ws| ws.dismiss_sync_issue(id, now())).await
}

#[tauri::command]
async fn dashboard<R: Runtime>(app: AppHandle<R>) -> Result<Dashboard, CommandError> {
    on_workstation(app, |ws| ws.dashboard(now())).await
}

/// What the pack in force offers for the wizard's coverages step.
#[tauri::command]
async fn quote_options<R: Runtime>(
    app: AppHandle<R>,
    state: String,
    product: uw_workstation::rating::Product,
    effective_date: String,
    renewal: bool,
) -> Result<QuoteOptions, CommandError> {
    let date = parse_date("effective_date", &effective_date)?;
    on_workstation(app, move |ws| ws.quote_options(&state, product, date, renewal)).await
}

#[tauri::command]
async fn decode_vin<R: Runtime>(app: AppHandle<R>, vin: String) -> Result<VinInfo, CommandError> {
    on_workstation(app, move |ws| ws.decode_vin(&vin)).await
}

#[tauri::command]
async fn lookup_zip<R: Runtime>(app: AppHandle<R>, zip: String) -> Result<ZipInfo, CommandError> {
    on_workstation(app, move |ws| ws.lookup_zip(&zip)).await
}

/// The live premium: rates the wizard's input and saves nothing.
#[tauri::command]
async fn price_quote<R: Runtime>(app: AppHandle<R>, input: QuoteInput) -> Result<RatingView, CommandError> {
    on_workstation(app, move |ws| ws.price(input)).await.map(|r| RatingView::from(&r))
}

/// Saves the finished wizard as a quote (or `quoteId`'s next version), rates
/// it, and deletes the draft it came from.
#[tauri::command]
async fn save_quote<R: Runtime>(
    app: AppHandle<R>,
    draft_id: Option<i64>,
    quote_id: Option<i64>,
    input: QuoteInput,
) -> Result<SavedQuoteView, CommandError> {
    on_workstation(app, move |ws| ws.save_quote(draft_id, quote_id, input, now())).await.map(SavedQuoteView::from)
}

#[tauri::command]
async fn save_draft<R: Runtime>(app: AppHandle<R>, id: Option<i64>, draft: QuoteDraft) -> Result<DraftSummary, CommandError> {
    on_workstation(app, move |ws| ws.save_draft(id, &draft, now())).await
}

#[tauri::command]
async fn load_draft<R: Runtime>(app: AppHandle<R>, id: i64) -> Result<DraftView, CommandError> {
    on_workstation(app, move |ws| ws.draft(id)).await.map(|(summary, draft)| DraftView { summary, draft })
}

#[tauri::command]
async fn list_drafts<R: Runtime>(app: AppHandle<R>) -> Result<Vec<DraftSummary>, CommandError> {
    on_workstation(app, |ws| ws.drafts()).await
}

/// Returns whether the draft existed.
#[tauri::command]
async fn discard_draft<R: Runtime>(app: AppHandle<R>, id: i64) -> Result<bool, CommandError> {
    on_workstation(app, move |ws| ws.discard_draft(id)).await
}

#[tauri::command]
async fn list_quotes<R: Runtime>(app: AppHandle<R>, filter: QuoteFilter) -> Result<Vec<QuoteSummary>, CommandError> {
    on_workstation(app, move |ws| {
        ws.expire_quotes(now())?;
        ws.list_quotes(&filter)
    })
    .await
}

/// A quote, its versions and its current rating, re-rated with the pack
/// that priced it and checked against the stored worksheet.
#[tauri::command]
async fn get_quote<R: Runtime>(app: AppHandle<R>, quote_id: i64) -> Result<QuoteDetailView, CommandError> {
    on_workstation(app, move |ws| {
        ws.expire_quotes(now())?;
        let detail = ws.quote(quote_id)?;
        let rated = detail.versions.iter().any(|v| v.version == detail.summary.version && v.rating.is_some());
        let rating = if rated { Some(RatingView::from(&ws.rerate_version(quote_id, detail.summary.version)?)) } else { None };
        let draft_id = ws.draft_for_quote(quote_id)?;
        let sync_issues = ws.quote_sync_issues(quote_id)?.into_iter().map(SyncIssueView::from).collect();
        Ok(QuoteDetailView { detail, rating, draft_id, sync_issues })
    })
    .await
}

/// Writes the quote's proposal PDF into the documents folder.
#[tauri::command]
async fn save_proposal<R: Runtime>(app: AppHandle<R>, quote_id: i64) -> Result<SavedDocumentView, CommandError> {
    let dir = app.state::<DocumentsDir>().0.clone();
    on_workstation(app, move |ws| ws.save_proposal(quote_id, &dir, now()))
        .await
        .map(|path| SavedDocumentView { path: path.display().to_string() })
}

/// A policy with its timeline and the changes prepared here.
#[tauri::command]
async fn policy_file<R: Runtime>(app: AppHandle<R>, policy_number: String) -> Result<PolicyView, CommandError> {
    on_workstation(app, move |ws| ws.policy_file(&policy_number)).await.map(PolicyView::from)
}

/// Fetches the policy's latest version and timeline from the server.
#[tauri::command]
async fn refresh_policy<R: Runtime>(app: AppHandle<R>, policy_number: String) -> Result<PolicyView, CommandError> {
    on_workstation(app, move |ws| {
        ws.refresh_policy(&policy_number, now())?;
        ws.policy_file(&policy_number)
    })
    .await
    .map(PolicyView::from)
}

/// Works out a policy change for review without queueing it.
#[tauri::command]
async fn preview_policy_change<R: Runtime>(
    app: AppHandle<R>,
    policy_number: String,
    change: uw_workstation::policies::PolicyChangeRequest,
) -> Result<PolicyChangePreviewView, CommandError> {
    on_workstation(app, move |ws| ws.preview_policy_change(&policy_number, &change, now())).await.map(PolicyChangePreviewView::from)
}

/// Queues a policy change for the next sync; returns the policy as it now stands here.
#[tauri::command]
async fn prepare_policy_change<R: Runtime>(
    app: AppHandle<R>,
    policy_number: String,
    change: uw_workstation::policies::PolicyChangeRequest,
) -> Result<PolicyView, CommandError> {
    on_workstation(app, move |ws| {
        ws.prepare_policy_change(&policy_number, &change, now())?;
        ws.policy_file(&policy_number)
    })
    .await
    .map(PolicyView::from)
}

/// Writes a document of the policy into the documents folder.
#[tauri::command]
async fn save_policy_document<R: Runtime>(
    app: AppHandle<R>,
    policy_number: String,
    document: uw_workstation::PolicyDocument,
) -> Result<SavedDocumentView, CommandError> {
    let dir = app.state::<DocumentsDir>().0.clone();
    on_workstation(app, move |ws| ws.save_policy_document(&policy_number, document, &dir, now()))
        .await
        .map(|path| SavedDocumentView { path: path.display().to_string() })
}

/// Queues a bind request for the next sync.
#[tauri::command]
async fn request_bind<R: Runtime>(app: AppHandle<R>, quote_id: i64) -> Result<QuoteSummary, CommandError> {
    on_workstation(app, move |ws| ws.request_bind(quote_id, now())).await
}

/// A referred quote in the underwriter's queue, as the server reports it.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct ReferralView {
    quote_number: String,
    version: u32,
    agent: String,
    pack_id: String,
    /// The term premium, a decimal string.
    total: String,
    reasons: Vec<String>,
    /// The input re-rated here with the same pack: worksheet, risk reasons.
    rating: Option<RatingView>,
    /// Why it could not be re-rated here (the pack is not installed, say).
    rating_error: Option<String>,
}

/// What the server recorded for a referral decision.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct ReferralDecidedView {
    quote_number: String,
    version: u32,
    status: String,
}

/// The server's referral queue (underwriters only; the server checks).
#[tauri::command]
async fn referrals<R: Runtime>(app: AppHandle<R>) -> Result<Vec<ReferralView>, CommandError> {
    on_workstation(app, |ws| {
        let list = ws.referrals()?;
        Ok(list
            .into_iter()
            .map(|r| {
                let (rating, rating_error) = match ws.rate_referral(&r) {
                    Ok(rating) => (Some(RatingView::from(&rating)), None),
                    Err(e) => (None, Some(e.to_string())),
                };
                ReferralView {
                    quote_number: r.quote_number,
                    version: r.version,
                    agent: r.agent,
                    pack_id: r.pack_id,
                    total: r.total.to_string(),
                    reasons: r.reasons,
                    rating,
                    rating_error,
                }
            })
            .collect())
    })
    .await
}

/// Approves or declines a referred quote's version with a reason.
#[tauri::command]
async fn decide_referral<R: Runtime>(
    app: AppHandle<R>,
    quote_number: String,
    version: u32,
    approve: bool,
    reason: String,
) -> Result<ReferralDecidedView, CommandError> {
    on_workstation(app, move |ws| ws.decide_referral(&quote_number, version, approve, &reason)).await.map(|d| ReferralDecidedView {
        quote_number: d.quote_number,
        version: d.version,
        status: d.status,
    })
}

/// Rates a quote again with the pack in force, as its next version: the
/// action on a bind the server refused for its premium.
#[tauri::command]
async fn rerate_quote<R: Runtime>(app: AppHandle<R>, quote_id: i64) -> Result<SavedQuoteView, CommandError> {
    on_workstation(app, move |ws| ws.rerate_quote(quote_id, now())).await.map(SavedQuoteView::from)
}

/// How the workstation was set up on its first launch.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct SetupView {
    /// `null` until the agent chooses: the first-launch screen shows.
    #[ts(type = "\"offline\" | \"enrolled\" | null")]
    mode: Option<String>,
}

#[tauri::command]
async fn setup_status<R: Runtime>(app: AppHandle<R>) -> Result<SetupView, CommandError> {
    on_workstation(app, |ws| ws.setup_mode()).await.map(|mode| SetupView { mode })
}

/// The first-launch choice to work offline at once.
#[tauri::command]
async fn work_offline<R: Runtime>(app: AppHandle<R>) -> Result<SetupView, CommandError> {
    on_workstation(app, |ws| {
        ws.work_offline(now())?;
        ws.setup_mode()
    })
    .await
    .map(|mode| SetupView { mode })
}

/// A signed-in server console session. The token stays in the workstation.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct SessionView {
    server_url: String,
    username: String,
    #[ts(type = "\"agent\" | \"underwriter\" | \"admin\" | \"auditor\"")]
    role: &'static str,
    expires_at: String,
}

impl From<SessionInfo> for SessionView {
    fn from(s: SessionInfo) -> Self {
        Self { server_url: s.server_url, username: s.user.username, role: s.user.role.name(), expires_at: s.expires_at }
    }
}

/// Signs in to the server console (administrators and auditors work
/// online). An empty `server_url` means the server this device enrolled with.
#[tauri::command]
async fn sign_in<R: Runtime>(
    app: AppHandle<R>,
    server_url: String,
    username: String,
    password: Secret,
) -> Result<SessionView, CommandError> {
    on_workstation(app, move |ws| ws.sign_in(&server_url, &username, &password)).await.map(SessionView::from)
}

#[tauri::command]
async fn session_status<R: Runtime>(app: AppHandle<R>) -> Result<Option<SessionView>, CommandError> {
    on_workstation(app, |ws| Ok(ws.session())).await.map(|s| s.map(SessionView::from))
}

/// Forgets the console session. Returns whether there was one.
#[tauri::command]
async fn sign_out<R: Runtime>(app: AppHandle<R>) -> Result<bool, CommandError> {
    on_workstation(app, |ws| Ok(ws.sign_out())).await
}

/// A user as the administrator sees it.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct UserView {
    user_id: String,
    username: String,
    #[ts(type = "\"agent\" | \"underwriter\" | \"admin\" | \"auditor\"")]
    role: &'static str,
    disabled: bool,
}

impl From<UserRecord> for UserView {
    fn from(u: UserRecord) -> Self {
        Self { user_id: u.user_id, username: u.username, role: u.role.name(), disabled: u.disabled }
    }
}

/// A device as the administrator sees it.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct DeviceView {
    device_id: String,
    username: String,
    name: String,
    /// The device's Ed25519 public key, hex (not a secret).
    public_key: String,
    enrolled_at: String,
    revoked_at: Option<String>,
    #[ts(type = "number")]
    last_seq: u64,
}

impl From<DeviceRecord> for DeviceView {
    fn from(d: DeviceRecord) -> Self {
        Self {
            device_id: d.device_id,
            username: d.username,
            name: d.name,
            public_key: d.public_key,
            enrolled_at: d.enrolled_at,
            revoked_at: d.revoked_at,
            last_seq: d.last_seq,
        }
    }
}

#[tauri::command]
async fn admin_users<R: Runtime>(app: AppHandle<R>) -> Result<Vec<UserView>, CommandError> {
    on_workstation(app, |ws| ws.admin_users()).await.map(|users| users.into_iter().map(UserView::from).collect())
}

#[tauri::command]
async fn admin_add_user<R: Runtime>(app: AppHandle<R>, username: String, password: Secret, role: Role) -> Result<UserView, CommandError> {
    on_workstation(app, move |ws| ws.admin_add_user(&username, &password, role)).await.map(UserView::from)
}

/// Changes any of a user's role, disabled flag and password.
#[tauri::command]
async fn admin_change_user<R: Runtime>(
    app: AppHandle<R>,
    username: String,
    role: Option<Role>,
    disabled: Option<bool>,
    password: Option<Secret>,
) -> Result<UserView, CommandError> {
    on_workstation(app, move |ws| ws.admin_change_user(&username, &UserChange { role, disabled, password })).await.map(UserView::from)
}

#[tauri::command]
async fn admin_devices<R: Runtime>(app: AppHandle<R>) -> Result<Vec<DeviceView>, CommandError> {
    on_workstation(app, |ws| ws.admin_devices()).await.map(|devices| devices.into_iter().map(DeviceView::from).collect())
}

/// A policy change the underwriting rules referred, for the underwriter's desk.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct PolicyReferralView {
    referral_id: String,
    policy_number: String,
    base_version: u32,
    kind: String,
    agent: String,
    requested_at: String,
    reasons: Vec<String>,
    /// The change as the agent described it.
    description: Option<String>,
    effective: Option<String>,
}

#[tauri::command]
async fn policy_referrals<R: Runtime>(app: AppHandle<R>) -> Result<Vec<PolicyReferralView>, CommandError> {
    on_workstation(app, |ws| ws.policy_referrals()).await.map(|list| {
        list.into_iter()
            .map(|r| {
                let text = |key: &str| r.request["transaction"].get(key).and_then(serde_json::Value::as_str).map(str::to_owned);
                PolicyReferralView {
                    description: text("description"),
                    effective: text("effective"),
                    referral_id: r.referral_id,
                    policy_number: r.policy_number,
                    base_version: r.base_version,
                    kind: r.kind,
                    agent: r.agent,
                    requested_at: r.requested_at,
                    reasons: r.reasons,
                }
            })
            .collect()
    })
}

/// Makes a referred policy change as prepared, or declines it with a note.
#[tauri::command]
async fn decide_policy_referral<R: Runtime>(
    app: AppHandle<R>,
    referral_id: String,
    approve: bool,
    note: String,
) -> Result<String, CommandError> {
    on_workstation(app, move |ws| ws.decide_policy_referral(&referral_id, approve, &note)).await.map(|d| d.status)
}

/// Failed sign-ins counted for an account, an address, or an account at an address.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct ThrottleView {
    account: Option<String>,
    address: Option<String>,
    failures: u32,
    /// Sign-ins there wait until this time; none when they may go ahead.
    waiting_until: Option<String>,
    last_failure_at: String,
}

#[tauri::command]
async fn admin_login_throttles<R: Runtime>(app: AppHandle<R>) -> Result<Vec<ThrottleView>, CommandError> {
    on_workstation(app, |ws| ws.admin_login_throttles()).await.map(|throttles| {
        throttles
            .into_iter()
            .map(|t| ThrottleView {
                account: t.account,
                address: t.address,
                failures: t.failures,
                waiting_until: t.waiting_until,
                last_failure_at: t.last_failure_at,
            })
            .collect()
    })
}

#[tauri::command]
async fn admin_clear_login_throttles<R: Runtime>(
    app: AppHandle<R>,
    account: Option<String>,
    address: Option<String>,
) -> Result<u64, CommandError> {
    on_workstation(app, move |ws| ws.admin_clear_login_throttles(account.as_deref(), address.as_deref())).await
}

/// An approval key an underwriter asked to register.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct PendingKeyView {
    key_id: String,
    public_key: String,
    username: String,
    requested_at: String,
}

/// A pack-signing key the server trusts or trusted.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct PackKeyView {
    key_id: String,
    public_key: String,
    /// The underwriter whose approval key it is; none for an organisation key.
    username: Option<String>,
    trusted_at: String,
    revoked_at: Option<String>,
}

impl From<uw_workstation::PackKeyRecord> for PackKeyView {
    fn from(k: uw_workstation::PackKeyRecord) -> Self {
        Self { key_id: k.key_id, public_key: k.public_key, username: k.username, trusted_at: k.trusted_at, revoked_at: k.revoked_at }
    }
}

#[tauri::command]
async fn admin_pack_key_requests<R: Runtime>(app: AppHandle<R>) -> Result<Vec<PendingKeyView>, CommandError> {
    on_workstation(app, |ws| ws.admin_pack_key_requests()).await.map(|requests| {
        requests
            .into_iter()
            .map(|r| PendingKeyView { key_id: r.key_id, public_key: r.public_key, username: r.username, requested_at: r.requested_at })
            .collect()
    })
}

#[tauri::command]
async fn admin_decide_pack_key_request<R: Runtime>(app: AppHandle<R>, key_id: String, approve: bool) -> Result<(), CommandError> {
    on_workstation(app, move |ws| ws.admin_decide_pack_key_request(&key_id, approve)).await
}

#[tauri::command]
async fn admin_pack_keys<R: Runtime>(app: AppHandle<R>) -> Result<Vec<PackKeyView>, CommandError> {
    on_workstation(app, |ws| ws.admin_pack_keys()).await.map(|keys| keys.into_iter().map(PackKeyView::from).collect())
}

#[tauri::command]
async fn admin_revoke_pack_key<R: Runtime>(app: AppHandle<R>, key_id: String) -> Result<PackKeyView, CommandError> {
    on_workstation(app, move |ws| ws.admin_revoke_pack_key(&key_id)).await.map(PackKeyView::from)
}

#[tauri::command]
async fn admin_revoke_device<R: Runtime>(app: AppHandle<R>, device_id: String) -> Result<DeviceView, CommandError> {
    on_workstation(app, move |ws| ws.admin_revoke_device(&device_id)).await.map(DeviceView::from)
}

/// The audit log's origin and the verifier keys the server publishes.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct AuditKeysView {
    origin: String,
    verifier_keys: Vec<String>,
}

#[tauri::command]
async fn audit_keys<R: Runtime>(app: AppHandle<R>) -> Result<AuditKeysView, CommandError> {
    on_workstation(app, |ws| ws.audit_keys()).await.map(|k| AuditKeysView { origin: k.origin, verifier_keys: k.verifier_keys })
}

/// An audit export saved in the documents folder.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct SavedExportView {
    file_name: String,
    path: String,
    #[ts(type = "number")]
    start: u64,
    #[ts(type = "number")]
    end: u64,
    #[ts(type = "number")]
    checkpoint_size: u64,
    #[ts(type = "number | null")]
    consistency_from: Option<u64>,
}

/// A saved audit export.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct ExportFileView {
    file_name: String,
    #[ts(type = "number")]
    bytes: u64,
}

/// What verifying an export found; a failure names the first bad entry.
#[derive(Debug, Serialize, TS)]
#[serde(tag = "verdict", rename_all = "camelCase", rename_all_fields = "camelCase")]
enum AuditVerdictView {
    Verified {
        origin: String,
        #[ts(type = "number")]
        start: u64,
        #[ts(type = "number")]
        end: u64,
        #[ts(type = "number")]
        checkpoint_size: u64,
        root: String,
        signers: Vec<String>,
        #[ts(type = "number | null")]
        consistent_with: Option<u64>,
    },
    Failed {
        reason: String,
    },
}

impl From<AuditVerdict> for AuditVerdictView {
    fn from(v: AuditVerdict) -> Self {
        match v {
            AuditVerdict::Verified { origin, start, end, checkpoint_size, root, signers, consistent_with } => {
                Self::Verified { origin, start, end, checkpoint_size, root, signers, consistent_with }
            }
            AuditVerdict::Failed { reason } => Self::Failed { reason },
        }
    }
}

/// Where audit exports are saved: a folder under the documents folder.
fn audit_dir<R: Runtime>(app: &AppHandle<R>) -> std::path::PathBuf {
    app.state::<DocumentsDir>().0.join("Audit exports")
}

/// Asks the server for entries `start..end` (to the log's end without
/// `end`), with a consistency proof from the saved export `previous`, and
/// saves it.
#[tauri::command]
async fn save_audit_export<R: Runtime>(
    app: AppHandle<R>,
    start: u64,
    end: Option<u64>,
    previous: Option<String>,
) -> Result<SavedExportView, CommandError> {
    let dir = audit_dir(&app);
    on_workstation(app, move |ws| ws.save_audit_export(start, end, previous.as_deref(), &dir)).await.map(|e| SavedExportView {
        file_name: e.file_name,
        path: e.path.display().to_string(),
        start: e.start,
        end: e.end,
        checkpoint_size: e.checkpoint_size,
        consistency_from: e.consistency_from,
    })
}

/// The saved audit exports, newest checkpoint first.
#[tauri::command]
async fn audit_exports<R: Runtime>(app: AppHandle<R>) -> Result<Vec<ExportFileView>, CommandError> {
    let dir = audit_dir(&app);
    off_main(move || uw_workstation::console::audit_exports(&dir))
        .await
        .map(|files| files.into_iter().map(|f| ExportFileView { file_name: f.file_name, bytes: f.bytes }).collect())
}

/// Verifies a saved export offline against the log's verifier key and,
/// with `previous`, an earlier export's checkpoint.
#[tauri::command]
async fn verify_audit_export<R: Runtime>(
    app: AppHandle<R>,
    file: String,
    key: String,
    previous: Option<String>,
) -> Result<AuditVerdictView, CommandError> {
    let dir = audit_dir(&app);
    off_main(move || uw_workstation::console::verify_audit_export(&dir, &file, &key, previous.as_deref())).await.map(AuditVerdictView::from)
}

/// Where canonical books for impact analysis are kept: a folder under the documents folder.
fn books_dir<R: Runtime>(app: &AppHandle<R>) -> std::path::PathBuf {
    app.state::<DocumentsDir>().0.join("Books")
}

/// Set to stop the impact run in progress.
struct ImpactCancel(Arc<AtomicBool>);

#[tauri::command]
async fn open_pack_for_editing<R: Runtime>(app: AppHandle<R>, pack_id: String) -> Result<EditorPack, CommandError> {
    on_workstation(app, move |ws| ws.open_pack_for_editing(&pack_id)).await
}

/// The draft as edited so far: whether it loads (and if not, where) and its diff.
#[tauri::command]
async fn check_rate_draft<R: Runtime>(app: AppHandle<R>, base_pack_id: String, edits: DraftEdits) -> Result<DraftCheck, CommandError> {
    on_workstation(app, move |ws| ws.check_rate_draft(&base_pack_id, &edits)).await
}

#[tauri::command]
async fn save_rate_draft<R: Runtime>(
    app: AppHandle<R>,
    draft_id: Option<String>,
    base_pack_id: String,
    edits: DraftEdits,
    note: String,
) -> Result<StoredRateDraft, CommandError> {
    on_workstation(app, move |ws| ws.save_rate_draft(draft_id.as_deref(), &base_pack_id, &edits, &note, now())).await
}

#[tauri::command]
async fn rate_drafts<R: Runtime>(app: AppHandle<R>) -> Result<Vec<StoredRateDraft>, CommandError> {
    on_workstation(app, |ws| ws.rate_drafts()).await
}

#[tauri::command]
async fn rate_draft_diff<R: Runtime>(app: AppHandle<R>, draft_id: String) -> Result<PackDiff, CommandError> {
    on_workstation(app, move |ws| ws.rate_draft_diff(&draft_id)).await
}

#[tauri::command]
async fn impact_books<R: Runtime>(app: AppHandle<R>) -> Result<Vec<BookFileView>, CommandError> {
    let dir = books_dir(&app);
    off_main(move || uw_workstation::rate_changes::book_files(&dir))
        .await
        .map(|books| books.into_iter().map(|(file_name, bytes)| BookFileView { file_name, bytes }).collect())
}

/// Re-rates a book with a draft and its base, reporting progress on
/// `on_progress`. The book is gathered under the workstation's lock; the run
/// itself holds none, so the app stays usable, and `cancel_impact` stops it.
#[tauri::command]
async fn run_impact<R: Runtime>(
    app: AppHandle<R>,
    draft_id: String,
    book: BookChoice,
    on_progress: Channel<ImpactProgress>,
) -> Result<ImpactView, CommandError> {
    let source = match book {
        BookChoice::Local => BookSource::Local,
        BookChoice::Server => BookSource::Server,
        BookChoice::File { file_name } => {
            BookSource::File(uw_workstation::rate_changes::book_in(&books_dir(&app), &file_name).map_err(|e| CommandError::from(&e))?)
        }
    };
    let cancel = app.state::<ImpactCancel>().0.clone();
    cancel.store(false, Ordering::SeqCst);
    let id = draft_id.clone();
    let run = on_workstation(app.clone(), move |ws| ws.impact_run(&id, source)).await?;
    let report = off_main(move || {
        run.run(&cancel, &|done, total| {
            // A closed window no longer listens; the run goes on regardless.
            let _ = on_progress.send(ImpactProgress { done, total });
        })
    })
    .await?;
    let view = ImpactView::from(&report);
    // The author's own draft keeps the run's summary for submission.
    on_workstation(app, move |ws| ws.record_rate_draft_impact(&draft_id, &report)).await?;
    Ok(view)
}

/// Stops the impact run in progress; it ends with `impact.cancelled`.
#[tauri::command]
async fn cancel_impact<R: Runtime>(app: AppHandle<R>) -> Result<(), CommandError> {
    app.state::<ImpactCancel>().0.store(true, Ordering::SeqCst);
    Ok(())
}

/// Queues a draft for another underwriter's approval, with the impact last run on it.
#[tauri::command]
async fn submit_rate_draft<R: Runtime>(app: AppHandle<R>, draft_id: String) -> Result<StoredRateDraft, CommandError> {
    on_workstation(app, move |ws| ws.submit_rate_draft(&draft_id, None, now())).await
}

#[tauri::command]
async fn approval_key<R: Runtime>(app: AppHandle<R>) -> Result<Option<ApprovalKeyView>, CommandError> {
    on_workstation(app, |ws| ws.approval_key()).await.map(|k| k.map(ApprovalKeyView::from))
}

#[tauri::command]
async fn create_approval_key<R: Runtime>(app: AppHandle<R>, key_id: String) -> Result<ApprovalKeyView, CommandError> {
    on_workstation(app, move |ws| ws.create_approval_key(&key_id, now())).await.map(ApprovalKeyView::from)
}

#[tauri::command]
async fn pack_reviews<R: Runtime>(app: AppHandle<R>) -> Result<Vec<ReviewView>, CommandError> {
    let reviews = on_workstation(app, |ws| {
        let reviews = ws.pack_reviews()?;
        let mut with_refusals = Vec::with_capacity(reviews.len());
        for (d, decision) in reviews {
            let refusal = ws.pack_review_refusal(&d.draft_id)?;
            with_refusals.push((d, decision, refusal));
        }
        Ok(with_refusals)
    })
    .await?;
    Ok(reviews
        .into_iter()
        .map(|(d, decision, refusal)| {
            // A summary that does not read is reported on its draft rather
            // than failing the whole queue; the approver can run impact.
            let (impact, impact_problem) = match d.impact.map(serde_json::from_value::<ImpactSummary>) {
                None => (None, None),
                Some(Ok(summary)) => (Some(summary), None),
                Some(Err(e)) => (None, Some(format!("the author's impact summary does not read: {e}"))),
            };
            ReviewView {
                impact,
                impact_problem,
                draft_id: d.draft_id,
                pack_id: d.pack_id,
                base_pack_id: d.base_pack_id,
                author: d.author,
                submitted_at: d.submitted_at,
                note: d.note,
                decision: decision.map(|x| ReviewDecisionView { approve: x.approve, comment: x.comment }),
                refusal,
            }
        })
        .collect())
}

/// Approves (signing with this user's approval key) or rejects, with a
/// comment, a draft another underwriter wrote; the next sync delivers it.
#[tauri::command]
async fn decide_pack_draft<R: Runtime>(app: AppHandle<R>, draft_id: String, approve: bool, comment: String) -> Result<(), CommandError> {
    on_workstation(app, move |ws| ws.decide_pack_draft(&draft_id, approve, &comment, now())).await
}

fn parse_date(field: &str, text: &str) -> Result<time::Date, CommandError> {
    uw_workstation::rating::dates::parse_date(text).map_err(|e| {
        CommandError::from(&WorkstationError::InvalidInput {
            field: field.to_owned(),
            message: format!("`{text}` is not a YYYY-MM-DD date: {e}"),
        })
    })
}

/// Where documents (proposals) are written: `UW_DOCUMENTS_DIR`, else the
/// user's documents folder, else the data directory's `documents`.
struct DocumentsDir(std::path::PathBuf);

fn documents_dir<R: Runtime>(app: &tauri::App<R>) -> std::path::PathBuf {
    if let Some(dir) = std::env::var_os("UW_DOCUMENTS_DIR").filter(|d| !d.is_empty()) {
        return dir.into();
    }
    match app.path().document_dir() {
        Ok(dir) => dir.join("Underwriting Workstation"),
        Err(_) => app.path().app_data_dir().map(|d| d.join("documents")).unwrap_or_else(|_| std::path::PathBuf::from("documents")),
    }
}

fn open_workstation(app: &tauri::App) -> Result<Workstation, CommandError> {
    let default_dir = app.path().app_data_dir().map_err(|e| CommandError {
        code: "store.data_dir",
        message: e.to_string(),
        server_code: None,
        fields: Vec::new(),
    })?;
    let config = WorkstationConfig::from_env(default_dir).map_err(|e| CommandError::from(&WorkstationError::from(e)))?;
    tracing::info!(data_dir = %config.data_dir.display(), key_source = %config.key_source, "opening workstation store");
    Workstation::open(&config).map_err(|e| CommandError::from(&e))
}

/// The app's commands on `builder`: the real runtime in `main`, the mock
/// runtime in the command tests.
fn with_commands<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        rate_quote,
        startup_status,
        enrollment_status,
        enroll,
        sync_now,
        sync_issues,
        dismiss_sync_issue,
        dashboard,
        quote_options,
        decode_vin,
        lookup_zip,
        price_quote,
        save_quote,
        save_draft,
        load_draft,
        list_drafts,
        discard_draft,
        list_quotes,
        get_quote,
        save_proposal,
        policy_file,
        refresh_policy,
        preview_policy_change,
        prepare_policy_change,
        save_policy_document,
        request_bind,
        referrals,
        decide_referral,
        rerate_quote,
        setup_status,
        work_offline,
        sign_in,
        session_status,
        sign_out,
        admin_users,
        admin_add_user,
        admin_change_user,
        admin_devices,
        admin_revoke_device,
        admin_pack_key_requests,
        policy_referrals,
        decide_policy_referral,
        admin_login_throttles,
        admin_clear_login_throttles,
        admin_decide_pack_key_request,
        admin_pack_keys,
        admin_revoke_pack_key,
        audit_keys,
        save_audit_export,
        audit_exports,
        verify_audit_export,
        open_pack_for_editing,
        check_rate_draft,
        save_rate_draft,
        rate_drafts,
        rate_draft_diff,
        impact_books,
        run_impact,
        cancel_impact,
        submit_rate_draft,
        approval_key,
        create_approval_key,
        pack_reviews,
        decide_pack_draft
    ])
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let result = with_commands(tauri::Builder::default())
        .setup(|app| {
            let workstation = open_workstation(app).map(Mutex::new);
            if let Err(e) = &workstation {
                tracing::error!(code = e.code, "workstation did not open: {}", e.message);
            }
            app.manage(AppState(workstation));
            app.manage(DocumentsDir(documents_dir(app)));
            app.manage(ImpactCancel(Arc::default()));
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        tracing::error!("the desktop application failed: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The TypeScript declarations of every type a command takes or returns.
    fn bindings() -> String {
        let cfg = ts_rs::Config::new();
        let mut out = String::from(
            "// Generated from the Rust types in src-tauri/src/main.rs by the test\n\
             // `bindings_are_current`; do not edit. To regenerate:\n\
             //   UW_UPDATE_BINDINGS=1 cargo test -p uw-desktop bindings_are_current\n",
        );
        macro_rules! decls {
            ($($t:ty),* $(,)?) => { [$((<$t>::docs(), <$t>::decl(&cfg))),*] };
        }
        use uw_workstation::rating::pack::jurisdiction::ElectionKind;
        use uw_workstation::rating::quote as q;
        use uw_workstation::{
            Contact, CoverageOption, DriverLicense, ElectionOption, PackSummary, PlanOption, PolicySummary, QuoteCursor, QuoteStatus,
            RatingInfo, Recommendation, VersionInfo,
        };
        let decls = decls![
            CommandError,
            FieldError,
            WorksheetLineView,
            CoverageView,
            FeeView,
            QuoteView,
            EnrollmentView,
            EnrollmentStatus,
            SyncResultView,
            RenumberedQuote,
            SyncIssueView,
            // The quote as the wizard enters it: the engine's own types.
            q::Product,
            q::Quote,
            q::Applicant,
            q::Address,
            q::Driver,
            q::ViolationKind,
            q::Violation,
            q::Accident,
            q::VehicleUse,
            q::Vehicle,
            q::Construction,
            q::RoofType,
            q::Dwelling,
            q::CoverageChoice,
            q::Claim,
            q::Election,
            q::ElectionDecision,
            q::WindMitigation,
            q::RoofShape,
            q::RoofDeck,
            q::RoofToWall,
            q::OpeningProtection,
            q::WildfireMitigation,
            q::WildfireCommunity,
            q::WildfireMeasure,
            q::PriorInsurance,
            q::PaymentMethod,
            QuoteInput,
            Contact,
            DriverLicense,
            // Quotes as the store reports them.
            QuoteStatus,
            QuoteSummary,
            QuoteCursor,
            QuoteFilter,
            RatingInfo,
            VersionInfo,
            QuoteDetail,
            QuoteDraft,
            DraftSummary,
            DraftView,
            // The wizard's helpers and the dashboard.
            QuoteOptions,
            CoverageOption,
            ElectionOption,
            ElectionKind,
            Recommendation,
            PlanOption,
            VinInfo,
            ZipInfo,
            PolicySummary,
            PackSummary,
            Dashboard,
            // Ratings and saved quotes.
            RatingView,
            InstallmentsView,
            PaymentView,
            ReasonView,
            RiskView,
            RiskReasonView,
            DriverAssignmentView,
            SavedQuoteView,
            QuoteDetailView,
            SavedDocumentView,
            PolicyView,
            PolicyEventView,
            PolicyChangeView,
            PolicyChangePreviewView,
            uw_workstation::PolicyDocument,
            uw_workstation::policies::PolicyChangeRequest,
            uw_workstation::policies::Policy,
            uw_workstation::policies::PolicyStatus,
            uw_workstation::policies::Worksheet,
            uw_workstation::policies::WorksheetLine,
            uw_workstation::policies::TransactionKind,
            uw_workstation::policies::Term,
            uw_workstation::policies::Charge,
            uw_workstation::policies::Cancellation,
            uw_workstation::policies::CancelMethod,
            uw_workstation::policies::NonRenewal,
            uw_workstation::policies::RenewalOffer,
            uw_workstation::policies::CancelReason,
            uw_workstation::rating::Refunds,
            uw_workstation::rating::RefundMethod,
            uw_workstation::policies::NonRenewalReason,
            ReferralView,
            ReferralDecidedView,
            // Sync progress, first launch, and the server consoles.
            SyncProgress,
            SetupView,
            SessionView,
            UserView,
            DeviceView,
            PendingKeyView,
            PolicyReferralView,
            ThrottleView,
            PackKeyView,
            AuditKeysView,
            SavedExportView,
            ExportFileView,
            AuditVerdictView,
            // Rate management: the editor, impact analysis and approvals.
            uw_workstation::rating::pack::edit::FieldKind,
            uw_workstation::rating::pack::edit::ManifestField,
            uw_workstation::rating::pack::edit::TableGrid,
            DraftEdits,
            EditorPack,
            uw_workstation::rating::pack::edit::Problem,
            PackDiff,
            uw_workstation::rating::pack::edit::FieldChange,
            uw_workstation::rating::pack::edit::TableDiff,
            uw_workstation::rating::pack::edit::CellChange,
            uw_workstation::rating::pack::edit::RowChange,
            uw_workstation::rating::pack::edit::LineChange,
            DraftCheck,
            StoredRateDraft,
            uw_workstation::rating::impact::ImpactFailure,
            uw_workstation::rating::impact::ImpactGroup,
            uw_workstation::rate_changes::IncreaseSummary,
            ImpactSummary,
            IncreaseWorksheets,
            ImpactView,
            ImpactProgress,
            BookChoice,
            BookFileView,
            ApprovalKeyView,
            ReviewView,
            ReviewDecisionView,
        ];
        for (docs, decl) in decls {
            out.push('\n');
            if let Some(docs) = docs {
                out.push_str(&docs);
            }
            out.push_str("export ");
            out.push_str(&decl);
            out.push('\n');
        }
        out
    }

    /// The UI's `src/bindings.ts` is what the Rust types generate: a type
    /// changed on one side only fails here, not at run time.
    #[test]
    fn bindings_are_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
        let generated = bindings();
        if std::env::var_os("UW_UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &generated).expect("write ui/src/bindings.ts");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{} is not what the Rust types generate; run `UW_UPDATE_BINDINGS=1 cargo test -p uw-desktop bindings_are_current` and commit it",
            path.display()
        );
    }
}

/// The commands through Tauri's IPC on the mock runtime, with the app's real
/// context (its capabilities included) and a real encrypted store.
#[cfg(test)]
mod command_tests {
    use std::str::FromStr as _;

    use rust_decimal::Decimal;
    use serde_json::{json, Value};
    use tauri::test::MockRuntime;
    use tauri::webview::InvokeRequest;

    use super::*;

    struct TestApp {
        dir: tempfile::TempDir,
        _app: tauri::App<MockRuntime>,
        webview: tauri::WebviewWindow<MockRuntime>,
    }

    impl TestApp {
        fn start() -> Self {
            let dir = tempfile::tempdir().expect("temporary directory");
            // A key file rather than the keychain: these tests are about the
            // commands; the keychain has tests of its own.
            let config = WorkstationConfig::new(dir.path().join("data"), uw_workstation::KeySource::File(dir.path().join("store.key")));
            let workstation = Workstation::open(&config).expect("open the workstation");
            let app = with_commands(tauri::test::mock_builder())
                .manage(AppState(Ok(Mutex::new(workstation))))
                .manage(DocumentsDir(dir.path().join("documents")))
                .manage(ImpactCancel(Arc::default()))
                .build(tauri::generate_context!())
                .expect("build the app");
            let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("main window");
            Self { dir, _app: app, webview }
        }

        /// Invokes `cmd` as the UI does: the answer, or the error value.
        fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
            self.invoke_from("tauri://localhost", cmd, args)
        }

        /// Invokes `cmd` from a page at `url`.
        fn invoke_from(&self, url: &str, cmd: &str, args: Value) -> Result<Value, Value> {
            let request = InvokeRequest {
                cmd: cmd.into(),
                callback: tauri::ipc::CallbackFn(0),
                error: tauri::ipc::CallbackFn(1),
                url: url.parse().expect("url"),
                body: tauri::ipc::InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: tauri::test::INVOKE_KEY.into(),
            };
            tauri::test::get_ipc_response(&self.webview, request).map(|body| body.deserialize::<Value>().expect("JSON answer"))
        }
    }

    fn decimal(value: &Value) -> Decimal {
        Decimal::from_str(value.as_str().unwrap_or_else(|| panic!("{value} is not a decimal string"))).expect("decimal")
    }

    #[test]
    fn rate_quote_answers_a_premium_that_is_the_sum_of_its_parts() {
        let app = TestApp::start();
        let quote = app.invoke("rate_quote", json!({ "zip": "90210", "vehicleYear": 2020 })).expect("rated");
        let premium = decimal(&quote["premium"]);
        let coverages = quote["coverages"].as_array().expect("coverages");
        assert!(!coverages.is_empty(), "{quote}");
        let parts: Decimal = coverages.iter().map(|c| decimal(&c["premium"])).sum::<Decimal>()
            + quote["fees"].as_array().expect("fees").iter().map(|f| decimal(&f["amount"])).sum::<Decimal>();
        assert_eq!(premium, parts, "{quote}");
        assert!(premium > Decimal::ZERO && premium.scale() <= 2, "{premium}");
        assert!(quote["packId"].as_str().expect("packId").starts_with("ca-personal-auto"), "{quote}");
        assert!(["accept", "refer", "decline"].contains(&quote["decision"].as_str().expect("decision")), "{quote}");
        // Saved: the next quote gets the next id.
        let again = app.invoke("rate_quote", json!({ "zip": "90210", "vehicleYear": 2020 })).expect("rated");
        assert_eq!(again["quoteId"].as_i64(), quote["quoteId"].as_i64().map(|id| id + 1));
    }

    #[test]
    fn bad_input_is_the_error_shape_naming_the_field() {
        let app = TestApp::start();
        let error = app.invoke("rate_quote", json!({ "zip": "00000", "vehicleYear": 2020 })).expect_err("refused");
        assert_eq!(error["code"], "input.invalid", "{error}");
        assert!(error["message"].as_str().expect("message").contains("zip"), "{error}");
        assert!(error.get("serverCode").is_none(), "{error}");
        // A missing argument is Tauri's own refusal, before the command runs.
        let error = app.invoke("rate_quote", json!({ "zip": "90210" })).expect_err("refused");
        assert!(error.to_string().contains("vehicleYear"), "{error}");
    }

    #[test]
    fn a_new_device_is_not_enrolled_and_has_no_sync_issues() {
        let app = TestApp::start();
        assert_eq!(app.invoke("startup_status", json!({})), Ok(Value::Null));
        assert_eq!(app.invoke("enrollment_status", json!({})), Ok(json!({ "state": "notEnrolled" })));
        assert_eq!(app.invoke("sync_issues", json!({})), Ok(json!([])));
        assert_eq!(app.invoke("dismiss_sync_issue", json!({ "id": 999 })), Ok(json!(false)));
        // Sync reports progress on a channel; without an enrollment it fails before any.
        let error = app.invoke("sync_now", json!({ "onProgress": "__CHANNEL__:7" })).expect_err("not enrolled");
        assert_eq!(error["code"], "sync.not_enrolled", "{error}");
    }

    #[test]
    fn only_the_app_own_pages_may_call_its_commands() {
        let app = TestApp::start();
        assert!(app.invoke("enrollment_status", json!({})).is_ok());
        // The capability grants the commands to the main window's local
        // pages: a remote page loaded into it gets nothing.
        let error = app.invoke_from("https://evil.example", "enrollment_status", json!({})).expect_err("refused");
        assert!(error.to_string().contains("not allowed"), "{error}");
        let error = app.invoke("delete_everything", json!({})).expect_err("refused");
        assert!(error.to_string().contains("delete_everything"), "{error}");
    }

    /// The wizard's input as the UI sends it: a rateable California auto
    /// quote, from the pack's worked examples.
    fn wizard_input() -> Value {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../rate-packs/examples/ca-personal-auto/01-good-driver.json");
        let quote: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("example quote")).expect("JSON");
        json!({ "quote": quote, "contact": { "date_of_birth": null, "email": null, "phone": null }, "licenses": [] })
    }

    #[test]
    fn the_wizard_prices_drafts_saves_and_reopens_a_quote() {
        let app = TestApp::start();
        let mut input = wizard_input();
        // A quote may rate without a VIN; binding it needs one.
        input["quote"]["vehicles"][0]["vin"] = Value::Null;
        let priced = app.invoke("price_quote", json!({ "input": input })).expect("priced");
        let premium = decimal(&priced["premium"]);
        let parts: Decimal = priced["coverages"].as_array().expect("coverages").iter().map(|c| decimal(&c["premium"])).sum::<Decimal>()
            + priced["fees"].as_array().expect("fees").iter().map(|f| decimal(&f["amount"])).sum::<Decimal>()
            + decimal(&priced["minimumPremiumAdjustment"]);
        assert_eq!(premium, parts, "{priced}");
        assert!(decimal(&priced["installments"]["totalPayable"]) >= premium, "{priced}");
        assert_eq!(app.invoke("list_quotes", json!({ "filter": { "limit": 10 } })), Ok(json!([])), "pricing saves nothing");

        let form = json!({ "name": "Maria", "zip": "900" });
        let draft = json!({ "quote_id": null, "product": "personal-auto", "step": 2, "label": "Maria", "form": form });
        let summary = app.invoke("save_draft", json!({ "id": null, "draft": draft })).expect("draft saved");
        let draft_id = summary["id"].as_i64().expect("id");
        let loaded = app.invoke("load_draft", json!({ "id": draft_id })).expect("draft loads");
        assert_eq!(loaded["draft"]["form"], form);

        let saved = app.invoke("save_quote", json!({ "draftId": draft_id, "quoteId": null, "input": input })).expect("saved");
        assert_eq!(decimal(&saved["rating"]["premium"]), premium, "the saved premium is the priced one");
        assert_eq!(app.invoke("list_drafts", json!({})), Ok(json!([])), "the draft became the quote");
        let quote_id = saved["summary"]["id"].as_i64().expect("quote id");
        let reopened = app.invoke("get_quote", json!({ "quoteId": quote_id })).expect("reopens");
        assert_eq!(decimal(&reopened["rating"]["premium"]), premium);
        let entered: uw_workstation::rating::Quote = serde_json::from_value(input["quote"].clone()).expect("quote");
        assert_eq!(reopened["detail"]["input"]["quote"], serde_json::to_value(&entered).expect("JSON"), "reads back as entered");
        assert_eq!(reopened["draftId"], Value::Null);

        let document = app.invoke("save_proposal", json!({ "quoteId": quote_id })).expect("proposal");
        let path = std::path::PathBuf::from(document["path"].as_str().expect("path"));
        assert!(path.starts_with(app.dir.path().join("documents")), "{}", path.display());
        assert!(std::fs::read(&path).expect("written").starts_with(b"%PDF-"));

        let refused = app.invoke("request_bind", json!({ "quoteId": quote_id })).expect_err("no VIN");
        assert_eq!(refused["code"], "input.invalid", "{refused}");
        assert_eq!(refused["fields"][0]["path"], "quote.vehicles[0].vin", "{refused}");
    }

    #[test]
    fn the_referral_desk_needs_an_enrolled_underwriter_and_a_reason() {
        let app = TestApp::start();
        let error = app.invoke("referrals", json!({})).expect_err("not enrolled");
        assert_eq!(error["code"], "sync.not_enrolled", "{error}");
        let args = json!({ "quoteNumber": "QUOT-2026-000001", "version": 1, "approve": true, "reason": " " });
        let error = app.invoke("decide_referral", args).expect_err("no reason");
        assert_eq!((error["code"].as_str(), error["fields"][0]["path"].as_str()), (Some("input.invalid"), Some("reason")), "{error}");
        let args = json!({ "quoteNumber": "../admin", "version": 1, "approve": true, "reason": "ok" });
        let error = app.invoke("decide_referral", args).expect_err("not a quote number");
        assert_eq!(error["fields"][0]["path"], "quote_number", "{error}");
    }

    #[test]
    fn the_first_launch_choice_is_asked_once_and_kept() {
        let app = TestApp::start();
        assert_eq!(app.invoke("setup_status", json!({})).expect("status"), json!({ "mode": null }));
        assert_eq!(app.invoke("work_offline", json!({})).expect("chosen"), json!({ "mode": "offline" }));
        assert_eq!(app.invoke("setup_status", json!({})).expect("status"), json!({ "mode": "offline" }));
    }

    #[test]
    fn the_server_consoles_need_a_session_and_keep_to_their_folder() {
        let app = TestApp::start();
        assert_eq!(app.invoke("session_status", json!({})).expect("status"), Value::Null);
        for cmd in ["admin_users", "admin_devices", "audit_keys"] {
            let error = app.invoke(cmd, json!({})).expect_err("not signed in");
            assert_eq!(error["code"], "sync.not_signed_in", "{cmd}: {error}");
        }
        // No enrollment to take the address from.
        let error = app.invoke("sign_in", json!({ "serverUrl": "", "username": "a", "password": "p" })).expect_err("no server");
        assert_eq!(error["fields"][0]["path"], "server_url", "{error}");
        // What goes into a request path is checked before anything is sent.
        let error = app.invoke("admin_revoke_device", json!({ "deviceId": "../users" })).expect_err("bad id");
        assert_eq!((error["code"].as_str(), error["fields"][0]["path"].as_str()), (Some("input.invalid"), Some("device_id")), "{error}");
        assert_eq!(app.invoke("audit_exports", json!({})).expect("none yet"), json!([]));
        let args = json!({ "file": "audit-export-0-1-1.txt", "key": "not a key" });
        let error = app.invoke("verify_audit_export", args).expect_err("bad key");
        assert_eq!(error["fields"][0]["path"], "key", "{error}");
        // Only saved exports, by name: nothing outside the folder can be read.
        let signer = uw_ledger::NoteSigner::new("audit.uw.example", ed25519_dalek::SigningKey::from_bytes(&[9; 32])).expect("signer");
        let key = signer.verifier().to_string();
        let error = app.invoke("verify_audit_export", json!({ "file": "../../data/store.db", "key": key })).expect_err("outside");
        assert_eq!(error["fields"][0]["path"], "file", "{error}");
        let error = app.invoke("verify_audit_export", json!({ "file": "audit-export-0-1-1.txt", "key": key })).expect_err("missing");
        assert_eq!(error["code"], "audit.file", "{error}");
        assert!(!app.dir.path().join("documents").join("Audit exports").exists(), "nothing was written");
    }

    #[test]
    fn rate_management_needs_an_underwriter_and_reads_books_only_from_their_folder() {
        let app = TestApp::start();
        let error = app.invoke("open_pack_for_editing", json!({ "packId": "ca-personal-auto" })).expect_err("not enrolled");
        assert_eq!(error["code"], "sync.not_enrolled", "{error}");
        assert_eq!(app.invoke("pack_reviews", json!({})), Ok(json!([])));
        assert_eq!(app.invoke("rate_drafts", json!({})), Ok(json!([])));
        assert_eq!(app.invoke("impact_books", json!({})), Ok(json!([])), "no Books folder yet");
        let books = app.dir.path().join("documents").join("Books");
        std::fs::create_dir_all(&books).expect("books folder");
        std::fs::write(books.join("legacy-ca.jsonl"), "").expect("book");
        std::fs::write(books.join("notes.txt"), "").expect("not a book");
        assert_eq!(app.invoke("impact_books", json!({})), Ok(json!([{ "fileName": "legacy-ca.jsonl", "bytes": 0 }])));
        for name in ["../data/store.jsonl", "notes.txt", "", ".jsonl"] {
            let args = json!({ "draftId": "d1", "book": { "kind": "file", "fileName": name }, "onProgress": "__CHANNEL__:7" });
            let error = app.invoke("run_impact", args).expect_err("refused");
            assert_eq!(error["fields"][0]["path"], "file_name", "{name}: {error}");
        }
        let args = json!({ "draftId": "d1", "book": { "kind": "local" }, "onProgress": "__CHANNEL__:7" });
        assert_eq!(app.invoke("run_impact", args).expect_err("not enrolled")["code"], "sync.not_enrolled");
        assert_eq!(app.invoke("cancel_impact", json!({})), Ok(Value::Null));
    }

    #[test]
    fn engine_problems_come_back_by_field_path() {
        let app = TestApp::start();
        let mut input = wizard_input();
        input["quote"]["drivers"][0]["license_date"] = json!("2099-01-01");
        input["quote"]["applicant"]["address"]["zip"] = json!("10001");
        let error = app.invoke("price_quote", json!({ "input": input })).expect_err("refused");
        assert_eq!(error["code"], "input.invalid", "{error}");
        let paths: Vec<&str> = error["fields"].as_array().expect("fields").iter().filter_map(|f| f["path"].as_str()).collect();
        assert!(paths.contains(&"quote.drivers[0].license_date"), "{error}");
        assert!(paths.contains(&"quote.applicant.address.zip"), "{error}");
        // A limit the pack does not offer is the pack's to refuse, by path too.
        let mut input = wizard_input();
        input["quote"]["coverages"][0]["limit"] = json!("1/2");
        let error = app.invoke("price_quote", json!({ "input": input })).expect_err("refused");
        assert!(error["fields"][0]["path"].as_str().expect("path").starts_with("quote.coverages[0]"), "{error}");
        let error = app
            .invoke("quote_options", json!({ "state": "CA", "product": "personal-auto", "effectiveDate": "2026-13-01", "renewal": false }));
        assert_eq!(error.expect_err("bad date")["fields"][0]["path"], "effective_date");
    }
}
