//! Wizard drafts: saved as the agent types, resumed later.

use tauri::{AppHandle, Runtime};
use uw_desktop_api::quotes::DraftView;
use uw_desktop_api::CommandError;
use uw_workstation::{DraftSummary, QuoteDraft};

use crate::app::{now, on_workstation};

#[tauri::command]
pub async fn save_draft<R: Runtime>(app: AppHandle<R>, id: Option<i64>, draft: QuoteDraft) -> Result<DraftSummary, CommandError> {
    on_workstation(app, move |ws| ws.save_draft(id, &draft, now())).await
}

#[tauri::command]
pub async fn load_draft<R: Runtime>(app: AppHandle<R>, id: i64) -> Result<DraftView, CommandError> {
    on_workstation(app, move |ws| ws.draft(id)).await.map(|(summary, draft)| DraftView { summary, draft })
}

#[tauri::command]
pub async fn list_drafts<R: Runtime>(app: AppHandle<R>) -> Result<Vec<DraftSummary>, CommandError> {
    on_workstation(app, |ws| ws.drafts()).await
}

/// Returns whether the draft existed.
#[tauri::command]
pub async fn discard_draft<R: Runtime>(app: AppHandle<R>, id: i64) -> Result<bool, CommandError> {
    on_workstation(app, move |ws| ws.discard_draft(id)).await
}
