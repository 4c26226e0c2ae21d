//! The server console: signing in, users, devices, sign-in throttles and pack keys.

use tauri::{AppHandle, Manager, Runtime};
use uw_desktop_api::console::{
    CustomerErasureView, CustomerView, DeviceView, IdentityProviderInput, IdentityProviderView, PackKeyView, PendingKeyView,
    ProviderCheckView, RecoveryCodesView, RetentionReportView, RetentionRuleView, SecondFactorPolicyView, SessionView, SubjectRequestView,
    ThrottleView, TotpSetupView, UserView,
};
use uw_desktop_api::CommandError;
use uw_workstation::{Role, Secret, UserChange};

use crate::app::on_workstation;

/// Signs in to the server console (administrators and auditors work
/// online). An empty `server_url` means the server this device enrolled with.
#[tauri::command]
pub async fn sign_in<R: Runtime>(
    app: AppHandle<R>,
    server_url: String,
    username: String,
    password: Secret,
    second_factor: Option<Secret>,
) -> Result<SessionView, CommandError> {
    on_workstation(app, move |ws| ws.sign_in(&server_url, &username, &password, second_factor.as_ref())).await.map(SessionView::from)
}

/// Signs in to the server console through the organisation's identity
/// provider (the system browser, then back to the app's loopback port).
#[tauri::command]
pub async fn sign_in_with_provider<R: Runtime>(
    app: AppHandle<R>,
    server_url: String,
    provider: String,
) -> Result<SessionView, CommandError> {
    let pending = on_workstation(app.clone(), move |ws| ws.begin_console_provider_sign_in(&server_url, &provider)).await?;
    let back = crate::commands::sync::wait_for_browser(&app, pending).await?;
    on_workstation(app, move |ws| ws.finish_console_provider_sign_in(back)).await.map(SessionView::from)
}

/// Asks the desktops that may hold a customer's data for it (administrators).
#[tauri::command]
pub async fn admin_request_customer_export<R: Runtime>(app: AppHandle<R>, customer_id: String) -> Result<SubjectRequestView, CommandError> {
    on_workstation(app, move |ws| ws.admin_request_customer_export(&customer_id)).await.map(SubjectRequestView::from)
}

/// The latest data-subject requests and where each stands (administrators).
#[tauri::command]
pub async fn admin_subject_requests<R: Runtime>(app: AppHandle<R>) -> Result<Vec<SubjectRequestView>, CommandError> {
    on_workstation(app, |ws| ws.admin_subject_requests()).await.map(|r| r.into_iter().map(SubjectRequestView::from).collect())
}

/// The identity providers the server trusts (administrators).
#[tauri::command]
pub async fn admin_identity_providers<R: Runtime>(app: AppHandle<R>) -> Result<Vec<IdentityProviderView>, CommandError> {
    on_workstation(app, |ws| ws.admin_identity_providers()).await.map(|p| p.into_iter().map(IdentityProviderView::from).collect())
}

/// Adds or changes an identity provider (administrators).
#[tauri::command]
pub async fn admin_set_identity_provider<R: Runtime>(
    app: AppHandle<R>,
    id: String,
    provider: IdentityProviderInput,
) -> Result<IdentityProviderView, CommandError> {
    let change = provider.change()?;
    on_workstation(app, move |ws| ws.admin_set_identity_provider(&id, &change)).await.map(IdentityProviderView::from)
}

/// Removes an identity provider; answers the providers left (administrators).
#[tauri::command]
pub async fn admin_remove_identity_provider<R: Runtime>(app: AppHandle<R>, id: String) -> Result<Vec<IdentityProviderView>, CommandError> {
    on_workstation(app, move |ws| ws.admin_remove_identity_provider(&id))
        .await
        .map(|p| p.into_iter().map(IdentityProviderView::from).collect())
}

/// Asks the providers now whether their people may still sign in (administrators).
#[tauri::command]
pub async fn admin_check_identity_providers<R: Runtime>(app: AppHandle<R>) -> Result<ProviderCheckView, CommandError> {
    on_workstation(app, |ws| ws.admin_check_identity_providers()).await.map(ProviderCheckView::from)
}

#[tauri::command]
pub async fn session_status<R: Runtime>(app: AppHandle<R>) -> Result<Option<SessionView>, CommandError> {
    on_workstation(app, |ws| Ok(ws.session())).await.map(|s| s.map(SessionView::from))
}

/// Starts setting up an authenticator app for the signed-in user: the key
/// as a QR code and as text. Not in force until [`confirm_totp`].
#[tauri::command]
pub async fn begin_totp<R: Runtime>(app: AppHandle<R>) -> Result<TotpSetupView, CommandError> {
    on_workstation(app, |ws| ws.begin_totp()).await.map(TotpSetupView::from)
}

/// Confirms the new authenticator app with the code it shows; returns the
/// recovery codes, shown once.
#[tauri::command]
pub async fn confirm_totp<R: Runtime>(app: AppHandle<R>, code: Secret) -> Result<RecoveryCodesView, CommandError> {
    on_workstation(app, move |ws| ws.confirm_totp(&code)).await.map(RecoveryCodesView::from)
}

/// The roles that must sign in with an authenticator app (administrators).
#[tauri::command]
pub async fn admin_second_factor_policy<R: Runtime>(app: AppHandle<R>) -> Result<SecondFactorPolicyView, CommandError> {
    on_workstation(app, |ws| ws.admin_second_factor_policy()).await.map(SecondFactorPolicyView::from)
}

/// Which desktop versions may sync, and the packages the server holds (administrators).
#[tauri::command]
pub async fn admin_desktop_versions<R: Runtime>(app: AppHandle<R>) -> Result<uw_desktop_api::console::DesktopVersionsView, CommandError> {
    on_workstation(app, |ws| ws.admin_desktop_versions()).await.map(Into::into)
}

/// Sets the oldest desktop version that may sync and the recommended one;
/// an empty or missing value clears it (administrators).
#[tauri::command]
pub async fn admin_set_desktop_versions<R: Runtime>(
    app: AppHandle<R>,
    minimum: Option<String>,
    recommended: Option<String>,
) -> Result<uw_desktop_api::console::DesktopVersionsView, CommandError> {
    on_workstation(app, move |ws| ws.admin_set_desktop_versions(minimum, recommended)).await.map(Into::into)
}

/// Sets the roles that must sign in with an authenticator app (administrators).
#[tauri::command]
pub async fn admin_set_second_factor_policy<R: Runtime>(
    app: AppHandle<R>,
    roles: Vec<Role>,
) -> Result<SecondFactorPolicyView, CommandError> {
    on_workstation(app, move |ws| ws.admin_set_second_factor_policy(roles)).await.map(SecondFactorPolicyView::from)
}

/// Removes a user's authenticator app and recovery codes (a lost phone) and
/// ends their sessions (administrators).
#[tauri::command]
pub async fn admin_reset_second_factor<R: Runtime>(app: AppHandle<R>, username: String) -> Result<(), CommandError> {
    on_workstation(app, move |ws| ws.admin_reset_second_factor(&username)).await
}

/// How long each kind of record is kept (administrators).
#[tauri::command]
pub async fn admin_retention_rules<R: Runtime>(app: AppHandle<R>) -> Result<Vec<RetentionRuleView>, CommandError> {
    on_workstation(app, |ws| ws.admin_retention_rules()).await.map(|rules| rules.into_iter().map(RetentionRuleView::from).collect())
}

/// Sets a retention rule, or removes it (`days` null); answers the rules in force (administrators).
#[tauri::command]
pub async fn admin_set_retention_rule<R: Runtime>(
    app: AppHandle<R>,
    kind: String,
    state: String,
    days: Option<i64>,
) -> Result<Vec<RetentionRuleView>, CommandError> {
    on_workstation(app, move |ws| ws.admin_set_retention_rule(&kind, &state, days))
        .await
        .map(|rules| rules.into_iter().map(RetentionRuleView::from).collect())
}

/// Applies the retention rules now, or only reports what would go (administrators).
#[tauri::command]
pub async fn admin_run_retention<R: Runtime>(app: AppHandle<R>, dry_run: bool) -> Result<RetentionReportView, CommandError> {
    on_workstation(app, move |ws| ws.admin_run_retention(dry_run)).await.map(RetentionReportView::from)
}

/// A data-subject request: the customers of an exact name (administrators).
#[tauri::command]
pub async fn admin_find_customers<R: Runtime>(app: AppHandle<R>, name: String) -> Result<Vec<CustomerView>, CommandError> {
    on_workstation(app, move |ws| ws.admin_find_customers(&name)).await.map(|found| found.into_iter().map(CustomerView::from).collect())
}

/// Saves everything the server holds about a customer in the documents
/// folder's "Customer exports"; returns the file's name (administrators).
#[tauri::command]
pub async fn admin_save_customer_export<R: Runtime>(app: AppHandle<R>, customer_id: String) -> Result<String, CommandError> {
    let dir = app.state::<crate::app::DocumentsDir>().customer_exports();
    on_workstation(app, move |ws| ws.admin_save_customer_export(&customer_id, &dir, time::OffsetDateTime::now_utc()))
        .await
        .map(|path| path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default())
}

/// Erases a customer's personal data at their request (administrators).
#[tauri::command]
pub async fn admin_erase_customer<R: Runtime>(
    app: AppHandle<R>,
    customer_id: String,
    reason: String,
    include_policies: bool,
) -> Result<CustomerErasureView, CommandError> {
    on_workstation(app, move |ws| ws.admin_erase_customer(&customer_id, &reason, include_policies)).await.map(CustomerErasureView::from)
}

/// Forgets the console session. Returns whether there was one.
#[tauri::command]
pub async fn sign_out<R: Runtime>(app: AppHandle<R>) -> Result<bool, CommandError> {
    on_workstation(app, |ws| Ok(ws.sign_out())).await
}

#[tauri::command]
pub async fn admin_users<R: Runtime>(app: AppHandle<R>) -> Result<Vec<UserView>, CommandError> {
    on_workstation(app, |ws| ws.admin_users()).await.map(|users| users.into_iter().map(UserView::from).collect())
}

#[tauri::command]
pub async fn admin_add_user<R: Runtime>(
    app: AppHandle<R>,
    username: String,
    password: Secret,
    role: Role,
    agency: Option<String>,
) -> Result<UserView, CommandError> {
    on_workstation(app, move |ws| ws.admin_add_user(&username, &password, role, agency.as_deref())).await.map(UserView::from)
}

/// Changes any of a user's role, disabled flag, password and agency (an
/// empty agency removes it).
#[tauri::command]
pub async fn admin_change_user<R: Runtime>(
    app: AppHandle<R>,
    username: String,
    role: Option<Role>,
    disabled: Option<bool>,
    password: Option<Secret>,
    agency: Option<String>,
) -> Result<UserView, CommandError> {
    on_workstation(app, move |ws| ws.admin_change_user(&username, &UserChange { role, disabled, password, agency }))
        .await
        .map(UserView::from)
}

#[tauri::command]
pub async fn admin_devices<R: Runtime>(app: AppHandle<R>) -> Result<Vec<DeviceView>, CommandError> {
    on_workstation(app, |ws| ws.admin_devices()).await.map(|devices| devices.into_iter().map(DeviceView::from).collect())
}

#[tauri::command]
pub async fn admin_login_throttles<R: Runtime>(app: AppHandle<R>) -> Result<Vec<ThrottleView>, CommandError> {
    on_workstation(app, |ws| ws.admin_login_throttles()).await.map(|throttles| throttles.into_iter().map(ThrottleView::from).collect())
}

#[tauri::command]
pub async fn admin_clear_login_throttles<R: Runtime>(
    app: AppHandle<R>,
    account: Option<String>,
    address: Option<String>,
) -> Result<u64, CommandError> {
    on_workstation(app, move |ws| ws.admin_clear_login_throttles(account.as_deref(), address.as_deref())).await
}

#[tauri::command]
pub async fn admin_pack_key_requests<R: Runtime>(app: AppHandle<R>) -> Result<Vec<PendingKeyView>, CommandError> {
    on_workstation(app, |ws| ws.admin_pack_key_requests()).await.map(|requests| requests.into_iter().map(PendingKeyView::from).collect())
}

#[tauri::command]
pub async fn admin_decide_pack_key_request<R: Runtime>(app: AppHandle<R>, key_id: String, approve: bool) -> Result<(), CommandError> {
    on_workstation(app, move |ws| ws.admin_decide_pack_key_request(&key_id, approve)).await
}

#[tauri::command]
pub async fn admin_pack_keys<R: Runtime>(app: AppHandle<R>) -> Result<Vec<PackKeyView>, CommandError> {
    on_workstation(app, |ws| ws.admin_pack_keys()).await.map(|keys| keys.into_iter().map(PackKeyView::from).collect())
}

#[tauri::command]
pub async fn admin_revoke_pack_key<R: Runtime>(app: AppHandle<R>, key_id: String) -> Result<PackKeyView, CommandError> {
    on_workstation(app, move |ws| ws.admin_revoke_pack_key(&key_id)).await.map(PackKeyView::from)
}

#[tauri::command]
pub async fn admin_revoke_device<R: Runtime>(app: AppHandle<R>, device_id: String) -> Result<DeviceView, CommandError> {
    on_workstation(app, move |ws| ws.admin_revoke_device(&device_id)).await.map(DeviceView::from)
}
