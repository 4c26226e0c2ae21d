//! Rate management: impact runs, books, approval keys and the review queue.

use serde::Serialize;
use ts_rs::TS;
use uw_workstation::rates::{ApprovalKey, ImpactSummary, PackReview};
use uw_workstation::rating::impact::ImpactReport;

use crate::quotes::RatingView;

/// An impact run on this workstation: the summary an author attaches to a
/// submitted draft, and the two worksheets of each of the largest increases.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImpactView {
    pub summary: ImpactSummary,
    /// In the order of `summary.largest_increases`.
    pub worksheets: Vec<IncreaseWorksheets>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct IncreaseWorksheets {
    pub id: String,
    pub base: RatingView,
    pub draft: RatingView,
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
pub struct ImpactProgress {
    #[ts(type = "number")]
    pub done: u64,
    #[ts(type = "number")]
    pub total: u64,
}

/// Which book an impact run re-rates.
#[derive(Debug, Clone, serde::Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum BookChoice {
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
pub struct BookFileView {
    pub file_name: String,
    #[ts(type = "number")]
    pub bytes: u64,
}

/// This underwriter's approval key. Making it asks the server to register
/// it; an administrator approves the request on the Admin screen.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ApprovalKeyView {
    pub key_id: String,
    pub public_key: String,
    /// The server has registered it (as of the last sync).
    pub registered: bool,
}

impl From<ApprovalKey> for ApprovalKeyView {
    fn from(k: ApprovalKey) -> Self {
        Self { key_id: k.key_id, public_key: k.public_key, registered: k.registered }
    }
}

/// A draft by another underwriter, awaiting this user's review.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewView {
    pub draft_id: String,
    pub pack_id: String,
    pub base_pack_id: String,
    pub author: String,
    pub submitted_at: String,
    pub note: String,
    /// The author's impact run, without worksheets; none if they ran none.
    pub impact: Option<ImpactSummary>,
    /// Why the author's impact summary could not be read, if it could not.
    pub impact_problem: Option<String>,
    /// This user's decision, waiting for sync.
    pub decision: Option<ReviewDecisionView>,
    /// Why the server refused this user's last decision (it is theirs to make again).
    pub refusal: Option<String>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ReviewDecisionView {
    pub approve: bool,
    pub comment: String,
}

impl From<PackReview> for ReviewView {
    fn from(review: PackReview) -> Self {
        let d = review.draft;
        let (impact, impact_problem) = match review.impact {
            Ok(impact) => (impact, None),
            Err(problem) => (None, Some(problem)),
        };
        Self {
            impact,
            impact_problem,
            draft_id: d.draft_id,
            pack_id: d.pack_id,
            base_pack_id: d.base_pack_id,
            author: d.author,
            submitted_at: d.submitted_at,
            note: d.note,
            decision: review.decision.map(|x| ReviewDecisionView { approve: x.approve, comment: x.comment }),
            refusal: review.refusal,
        }
    }
}
