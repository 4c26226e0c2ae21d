//! Accounts and the global search.

use tauri::{AppHandle, Runtime};
use uw_desktop_api::CommandError;
use uw_workstation::accounts::{CustomerRecord, SearchResults};

use crate::app::{now, on_workstation};

/// How many results each group of the search shows.
const SEARCH_RESULTS_PER_GROUP: u32 = 6;

/// Customers, quotes, policies and vehicles matching `text`, as typed.
#[tauri::command]
pub async fn search<R: Runtime>(app: AppHandle<R>, text: String) -> Result<SearchResults, CommandError> {
    on_workstation(app, move |ws| ws.search(&text, SEARCH_RESULTS_PER_GROUP)).await
}

/// The account of the person on customer row `customer_id`.
#[tauri::command]
pub async fn customer<R: Runtime>(app: AppHandle<R>, customer_id: i64) -> Result<CustomerRecord, CommandError> {
    on_workstation(app, move |ws| ws.customer_record(customer_id)).await
}

#[tauri::command]
pub async fn add_customer_note<R: Runtime>(app: AppHandle<R>, customer_id: i64, body: String) -> Result<CustomerRecord, CommandError> {
    on_workstation(app, move |ws| ws.add_customer_note(customer_id, &body, now())).await
}
