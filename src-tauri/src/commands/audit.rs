//! The audit log: its keys, exports saved in the documents folder, and offline verification.

use tauri::{AppHandle, Manager, Runtime};
use uw_desktop_api::console::{AuditKeysView, AuditVerdictView, ExportFileView, SavedExportView};
use uw_desktop_api::CommandError;

use crate::app::{off_main, on_workstation, DocumentsDir};

#[tauri::command]
pub async fn audit_keys<R: Runtime>(app: AppHandle<R>) -> Result<AuditKeysView, CommandError> {
    on_workstation(app, |ws| ws.audit_keys()).await.map(AuditKeysView::from)
}

/// Asks the server for entries `start..end` (to the log's end without
/// `end`), with a consistency proof from the saved export `previous`, and
/// saves it.
#[tauri::command]
pub async fn save_audit_export<R: Runtime>(
    app: AppHandle<R>,
    start: u64,
    end: Option<u64>,
    previous: Option<String>,
) -> Result<SavedExportView, CommandError> {
    let dir = app.state::<DocumentsDir>().audit_exports();
    on_workstation(app, move |ws| ws.save_audit_export(start, end, previous.as_deref(), &dir)).await.map(SavedExportView::from)
}

/// The saved audit exports, newest checkpoint first.
#[tauri::command]
pub async fn audit_exports<R: Runtime>(app: AppHandle<R>) -> Result<Vec<ExportFileView>, CommandError> {
    let dir = app.state::<DocumentsDir>().audit_exports();
    off_main(move || uw_workstation::console::audit_exports(&dir)).await.map(|files| files.into_iter().map(ExportFileView::from).collect())
}

/// Verifies a saved export offline against the log's verifier key and,
/// with `previous`, an earlier export's checkpoint.
#[tauri::command]
pub async fn verify_audit_export<R: Runtime>(
    app: AppHandle<R>,
    file: String,
    key: String,
    previous: Option<String>,
) -> Result<AuditVerdictView, CommandError> {
    let dir = app.state::<DocumentsDir>().audit_exports();
    off_main(move || uw_workstation::console::verify_audit_export(&dir, &file, &key, previous.as_deref())).await.map(AuditVerdictView::from)
}
