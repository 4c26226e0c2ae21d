//! Rate management: the pack editor, drafts, approval keys and the review queue.

use tauri::{AppHandle, Runtime};
use uw_desktop_api::rates::{ApprovalKeyView, ReviewView};
use uw_desktop_api::CommandError;
use uw_workstation::rates::{DraftCheck, EditorPack};
use uw_workstation::rating::pack::edit::{DraftEdits, PackDiff};
use uw_workstation::StoredRateDraft;

use crate::app::{now, on_workstation};

#[tauri::command]
pub async fn open_pack_for_editing<R: Runtime>(app: AppHandle<R>, pack_id: String) -> Result<EditorPack, CommandError> {
    on_workstation(app, move |ws| ws.open_pack_for_editing(&pack_id)).await
}

/// The draft as edited so far: whether it loads (and if not, where) and its diff.
#[tauri::command]
pub async fn check_rate_draft<R: Runtime>(app: AppHandle<R>, base_pack_id: String, edits: DraftEdits) -> Result<DraftCheck, CommandError> {
    on_workstation(app, move |ws| ws.check_rate_draft(&base_pack_id, &edits)).await
}

#[tauri::command]
pub async fn save_rate_draft<R: Runtime>(
    app: AppHandle<R>,
    draft_id: Option<String>,
    base_pack_id: String,
    edits: DraftEdits,
    note: String,
) -> Result<StoredRateDraft, CommandError> {
    on_workstation(app, move |ws| ws.save_rate_draft(draft_id.as_deref(), &base_pack_id, &edits, &note, now())).await
}

#[tauri::command]
pub async fn rate_drafts<R: Runtime>(app: AppHandle<R>) -> Result<Vec<StoredRateDraft>, CommandError> {
    on_workstation(app, |ws| ws.rate_drafts()).await
}

/// Throws away a draft still being edited; returns whether it existed.
#[tauri::command]
pub async fn discard_rate_draft<R: Runtime>(app: AppHandle<R>, draft_id: String) -> Result<bool, CommandError> {
    on_workstation(app, move |ws| ws.discard_rate_draft(&draft_id)).await
}

#[tauri::command]
pub async fn rate_draft_diff<R: Runtime>(app: AppHandle<R>, draft_id: String) -> Result<PackDiff, CommandError> {
    on_workstation(app, move |ws| ws.rate_draft_diff(&draft_id)).await
}

/// Queues a draft for another underwriter's approval, with the impact last run on it.
#[tauri::command]
pub async fn submit_rate_draft<R: Runtime>(app: AppHandle<R>, draft_id: String) -> Result<StoredRateDraft, CommandError> {
    on_workstation(app, move |ws| ws.submit_rate_draft(&draft_id, None, now())).await
}

#[tauri::command]
pub async fn approval_key<R: Runtime>(app: AppHandle<R>) -> Result<Option<ApprovalKeyView>, CommandError> {
    on_workstation(app, |ws| ws.approval_key()).await.map(|k| k.map(ApprovalKeyView::from))
}

#[tauri::command]
pub async fn create_approval_key<R: Runtime>(app: AppHandle<R>, key_id: String) -> Result<ApprovalKeyView, CommandError> {
    on_workstation(app, move |ws| ws.create_approval_key(&key_id, now())).await.map(ApprovalKeyView::from)
}

#[tauri::command]
pub async fn pack_reviews<R: Runtime>(app: AppHandle<R>) -> Result<Vec<ReviewView>, CommandError> {
    on_workstation(app, |ws| ws.pack_review_queue()).await.map(|queue| queue.into_iter().map(ReviewView::from).collect())
}

/// Approves (signing with this user's approval key) or rejects, with a
/// comment, a draft another underwriter wrote; the next sync delivers it.
#[tauri::command]
pub async fn decide_pack_draft<R: Runtime>(
    app: AppHandle<R>,
    draft_id: String,
    approve: bool,
    comment: String,
) -> Result<(), CommandError> {
    on_workstation(app, move |ws| ws.decide_pack_draft(&draft_id, approve, &comment, now())).await
}
