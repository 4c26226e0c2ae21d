//! The underwriter's desk: referred quotes and referred policy changes.

use tauri::{AppHandle, Runtime};
use uw_desktop_api::desk::{PolicyReferralView, ReferralDecidedView, ReferralView};
use uw_desktop_api::CommandError;

use crate::app::on_workstation;

/// The server's referral queue (underwriters only; the server checks).
#[tauri::command]
pub async fn referrals<R: Runtime>(app: AppHandle<R>) -> Result<Vec<ReferralView>, CommandError> {
    on_workstation(app, |ws| ws.referral_desk()).await.map(|desk| desk.into_iter().map(ReferralView::from).collect())
}

/// Approves or declines a referred quote's version with a reason.
#[tauri::command]
pub async fn decide_referral<R: Runtime>(
    app: AppHandle<R>,
    quote_number: String,
    version: u32,
    approve: bool,
    reason: String,
) -> Result<ReferralDecidedView, CommandError> {
    on_workstation(app, move |ws| ws.decide_referral(&quote_number, version, approve, &reason)).await.map(ReferralDecidedView::from)
}

#[tauri::command]
pub async fn policy_referrals<R: Runtime>(app: AppHandle<R>) -> Result<Vec<PolicyReferralView>, CommandError> {
    on_workstation(app, |ws| ws.policy_referrals()).await.map(|list| list.into_iter().map(PolicyReferralView::from).collect())
}

/// Makes a referred policy change as prepared, or declines it with a note.
#[tauri::command]
pub async fn decide_policy_referral<R: Runtime>(
    app: AppHandle<R>,
    referral_id: String,
    approve: bool,
    note: String,
) -> Result<String, CommandError> {
    on_workstation(app, move |ws| ws.decide_policy_referral(&referral_id, approve, &note)).await.map(|d| d.status)
}
