//! Policies: the policy file, changes prepared offline, and policy documents.

use tauri::{AppHandle, Manager, Runtime};
use uw_desktop_api::policies::{PolicyChangePreviewView, PolicyView};
use uw_desktop_api::quotes::SavedDocumentView;
use uw_desktop_api::CommandError;
use uw_workstation::policies::PolicyChangeRequest;
use uw_workstation::PolicyDocument;

use crate::app::{now, on_workstation, DocumentsDir};

/// A policy with its timeline and the changes prepared here.
#[tauri::command]
pub async fn policy_file<R: Runtime>(app: AppHandle<R>, policy_number: String) -> Result<PolicyView, CommandError> {
    on_workstation(app, move |ws| ws.policy_file(&policy_number)).await.map(PolicyView::from)
}

/// Fetches the policy's latest version and timeline from the server.
#[tauri::command]
pub async fn refresh_policy<R: Runtime>(app: AppHandle<R>, policy_number: String) -> Result<PolicyView, CommandError> {
    on_workstation(app, move |ws| {
        ws.refresh_policy(&policy_number, now())?;
        ws.policy_file(&policy_number)
    })
    .await
    .map(PolicyView::from)
}

/// Works out a policy change for review without queueing it.
#[tauri::command]
pub async fn preview_policy_change<R: Runtime>(
    app: AppHandle<R>,
    policy_number: String,
    change: PolicyChangeRequest,
) -> Result<PolicyChangePreviewView, CommandError> {
    on_workstation(app, move |ws| ws.preview_policy_change(&policy_number, &change, now())).await.map(PolicyChangePreviewView::from)
}

/// Queues a policy change for the next sync; returns the policy as it now stands here.
#[tauri::command]
pub async fn prepare_policy_change<R: Runtime>(
    app: AppHandle<R>,
    policy_number: String,
    change: PolicyChangeRequest,
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
pub async fn save_policy_document<R: Runtime>(
    app: AppHandle<R>,
    policy_number: String,
    document: PolicyDocument,
) -> Result<SavedDocumentView, CommandError> {
    let dir = app.state::<DocumentsDir>().0.clone();
    on_workstation(app, move |ws| ws.save_policy_document(&policy_number, document, &dir, now())).await.map(SavedDocumentView::from)
}
