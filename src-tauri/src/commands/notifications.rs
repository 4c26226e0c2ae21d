//! What sync brought, and where sync stands.

use tauri::{AppHandle, Runtime};
use uw_desktop_api::CommandError;
use uw_workstation::notifications::Notifications;

use crate::app::{now, on_workstation};

#[tauri::command]
pub async fn notifications<R: Runtime>(app: AppHandle<R>) -> Result<Notifications, CommandError> {
    on_workstation(app, |ws| ws.notifications()).await
}

/// Marks every notification up to `up_to` read; returns how many were unread.
#[tauri::command]
pub async fn mark_notifications_read<R: Runtime>(app: AppHandle<R>, up_to: i64) -> Result<usize, CommandError> {
    on_workstation(app, move |ws| ws.mark_notifications_read(up_to, now())).await
}
