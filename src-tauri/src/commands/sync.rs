//! Enrollment with the sync server, sync itself and what it could not do.

use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime};
use uw_desktop_api::console::SignInProviderView;
use uw_desktop_api::sync::{EnrollmentStatus, EnrollmentView, SyncIssueView, SyncResultView};
use uw_desktop_api::CommandError;
use uw_workstation::sync::sign_in;
use uw_workstation::{Secret, SyncProgress};

use crate::app::{now, on_workstation};

#[tauri::command]
pub async fn enrollment_status<R: Runtime>(app: AppHandle<R>) -> Result<EnrollmentStatus, CommandError> {
    on_workstation(app, |ws| match ws.enrollment()? {
        Some(info) => Ok(EnrollmentStatus::Enrolled(Box::new(info.try_into()?))),
        None => Ok(EnrollmentStatus::NotEnrolled),
    })
    .await
}

/// Enrolls this device. The password (and the authenticator code, when the
/// user has an app) arrive as [`Secret`]s, so no `Debug` or log line can
/// print them; they are dropped when enrollment ends.
#[tauri::command]
pub async fn enroll<R: Runtime>(
    app: AppHandle<R>,
    server_url: String,
    username: String,
    password: Secret,
    device_name: String,
    second_factor: Option<Secret>,
) -> Result<EnrollmentView, CommandError> {
    on_workstation(app, move |ws| {
        ws.enroll_with_code(&server_url, (&username, &password, second_factor.as_ref()), &device_name, now())?.try_into()
    })
    .await
}

/// The identity providers the server at `server_url` offers for signing in.
#[tauri::command]
pub async fn sign_in_providers<R: Runtime>(app: AppHandle<R>, server_url: String) -> Result<Vec<SignInProviderView>, CommandError> {
    on_workstation(app, move |ws| ws.sign_in_providers(&server_url)).await.map(|p| p.into_iter().map(SignInProviderView::from).collect())
}

/// Enrolls this device through the organisation's identity provider: the
/// provider's page opens in the system browser, and the app waits (holding
/// no lock) for the person to come back to its loopback port.
#[tauri::command]
pub async fn enroll_with_provider<R: Runtime>(
    app: AppHandle<R>,
    server_url: String,
    provider: String,
    device_name: String,
) -> Result<EnrollmentView, CommandError> {
    let pending = on_workstation(app.clone(), move |ws| ws.begin_provider_sign_in(&server_url, &provider)).await?;
    let back = wait_for_browser(&app, pending).await?;
    on_workstation(app, move |ws| ws.finish_enroll_with_provider(back, &device_name, now())?.try_into()).await
}

/// Opens the provider's page in the browser and waits, holding no lock,
/// until the person comes back or `cancel_provider_sign_in` gives up.
pub(crate) async fn wait_for_browser<R: Runtime>(
    app: &AppHandle<R>,
    pending: sign_in::PendingSignIn,
) -> Result<sign_in::ReturnedSignIn, CommandError> {
    let cancel = app.state::<crate::app::SignInCancel>().0.clone();
    cancel.store(false, std::sync::atomic::Ordering::SeqCst);
    crate::app::off_main(move || {
        sign_in::open_in_browser(&pending.authorization_url)?;
        pending.wait_or_cancel(sign_in::SIGN_IN_TIMEOUT, &cancel)
    })
    .await
}

/// Gives up waiting for the person to come back from the organization's sign-in service.
#[tauri::command]
pub async fn cancel_provider_sign_in<R: Runtime>(app: AppHandle<R>) -> Result<(), CommandError> {
    app.state::<crate::app::SignInCancel>().0.store(true, std::sync::atomic::Ordering::SeqCst);
    Ok(())
}

/// Pushes the outbox and pulls the server's changes, reporting progress on
/// `on_progress` after each batch and page.
#[tauri::command]
pub async fn sync_now<R: Runtime>(app: AppHandle<R>, on_progress: Channel<SyncProgress>) -> Result<SyncResultView, CommandError> {
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
pub async fn sync_issues<R: Runtime>(app: AppHandle<R>) -> Result<Vec<SyncIssueView>, CommandError> {
    on_workstation(app, |ws| ws.sync_issues()).await.map(|issues| issues.into_iter().map(SyncIssueView::from).collect())
}

/// Returns whether the issue was still listed.
#[tauri::command]
pub async fn dismiss_sync_issue<R: Runtime>(app: AppHandle<R>, id: i64) -> Result<bool, CommandError> {
    on_workstation(app, move |ws| ws.dismiss_sync_issue(id, now())).await
}

/// This app's version against what the organisation's server last said:
/// whether sync is refused until it updates, and whether an update is
/// recommended and held by the server.
#[tauri::command]
pub async fn app_update<R: Runtime>(app: AppHandle<R>) -> Result<uw_workstation::update::AppUpdate, CommandError> {
    on_workstation(app, |ws| ws.app_update()).await
}

/// Downloads the newer package from the organisation's server, checks it
/// against the publisher's key built into this app, saves it in the
/// documents folder's `Updates` and hands it to the computer's installer.
/// Answers the saved package's path.
#[tauri::command]
pub async fn install_update<R: Runtime>(app: AppHandle<R>) -> Result<String, CommandError> {
    let dir = app.state::<crate::app::DocumentsDir>().0.join("Updates");
    let package = on_workstation(app, move |ws| ws.download_update(&dir, &uw_workstation::update::ReleaseKeys::built_in())).await?;
    crate::app::off_main({
        let package = package.clone();
        move || crate::commands::files::launch(crate::commands::files::opener(), &[package.as_os_str()])
    })
    .await?;
    Ok(package.display().to_string())
}

/// Writes a support bundle (versions, configuration without secrets, the
/// store's counts and sync state, the recent log; no customer's data) in
/// the documents folder's `Support`, and answers its path.
#[tauri::command]
pub async fn create_support_bundle<R: Runtime>(app: AppHandle<R>) -> Result<String, CommandError> {
    let dir = app.state::<crate::app::DocumentsDir>().0.join("Support");
    on_workstation(app, move |ws| ws.write_support_bundle(&dir, now())).await.map(|p| p.display().to_string())
}
