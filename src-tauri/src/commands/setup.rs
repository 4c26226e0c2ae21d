//! Start-up and the first-launch choice.

use tauri::{AppHandle, Runtime};
use uw_desktop_api::sync::SetupView;
use uw_desktop_api::CommandError;

use crate::app::{now, on_workstation};

#[tauri::command]
pub async fn startup_status<R: Runtime>(app: AppHandle<R>) -> Result<(), CommandError> {
    on_workstation(app, |_| Ok(())).await
}

#[tauri::command]
pub async fn setup_status<R: Runtime>(app: AppHandle<R>) -> Result<SetupView, CommandError> {
    on_workstation(app, |ws| ws.setup_mode()).await.map(|mode| SetupView { mode })
}

/// The first-launch choice to work offline at once.
#[tauri::command]
pub async fn work_offline<R: Runtime>(app: AppHandle<R>) -> Result<SetupView, CommandError> {
    on_workstation(app, |ws| {
        ws.work_offline(now())?;
        ws.setup_mode()
    })
    .await
    .map(|mode| SetupView { mode })
}
