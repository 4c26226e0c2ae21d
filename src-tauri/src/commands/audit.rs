//! The audit log: its keys, exports saved in the documents folder, and offline verification.

use tauri::{AppHandle, Manager, Runtime};
use uw_desktop_api::console::{AuditEntryPageView, AuditKeysView, AuditVerdictView, ExportFileView, SavedExportView};
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

/// A page of the log's entries, newest first: by a span of time (RFC 3339
/// instants, `to` exclusive), user, action and resource.
#[tauri::command]
#[allow(clippy::too_many_arguments, reason = "each filter is one field of the auditor's search")]
pub async fn audit_entries<R: Runtime>(
    app: AppHandle<R>,
    from: Option<String>,
    to: Option<String>,
    user: Option<String>,
    action: Option<String>,
    resource: Option<String>,
    before: Option<u64>,
) -> Result<AuditEntryPageView, CommandError> {
    let query = uw_workstation::AuditQuery { from, to, user, action, resource, before, limit: Some(ENTRIES_PER_PAGE) };
    on_workstation(app, move |ws| ws.audit_entries(&query)).await.map(AuditEntryPageView::from)
}

/// Entries the auditor's log screen shows a page at a time.
const ENTRIES_PER_PAGE: u32 = 50;

/// Exports the entries recorded from `from` up to `to` (RFC 3339 instants)
/// and saves the export, as [`save_audit_export`] does for a range of entries.
#[tauri::command]
pub async fn save_audit_export_between<R: Runtime>(
    app: AppHandle<R>,
    from: Option<String>,
    to: Option<String>,
    previous: Option<String>,
) -> Result<SavedExportView, CommandError> {
    let dir = app.state::<DocumentsDir>().audit_exports();
    on_workstation(app, move |ws| {
        let range = ws.audit_range(from.as_deref(), to.as_deref())?;
        if range.start >= range.end {
            return Err(uw_workstation::WorkstationError::InvalidInput {
                field: "dates".into(),
                message: "no entry was recorded between these dates".into(),
            });
        }
        ws.save_audit_export(range.start, Some(range.end), previous.as_deref(), &dir)
    })
    .await
    .map(SavedExportView::from)
}

/// Verifies an export the auditor opened from any folder: the page reads
/// the file they chose in the system's file dialog and sends its `text` and
/// `name`; `previous` is a saved export's name. No path crosses from the
/// page, so the page can name no file to read.
#[tauri::command]
pub async fn verify_audit_text<R: Runtime>(
    app: AppHandle<R>,
    name: String,
    text: String,
    key: String,
    previous: Option<String>,
) -> Result<AuditVerdictView, CommandError> {
    let dir = app.state::<DocumentsDir>().audit_exports();
    off_main(move || uw_workstation::console::verify_audit_text(&name, &text, &key, &dir, previous.as_deref()))
        .await
        .map(AuditVerdictView::from)
}
