//! Quoting: the quick quote, the wizard's helpers and live price, saved quotes and proposals.

use tauri::{AppHandle, Manager, Runtime};
use uw_desktop_api::quotes::{QuoteDetailView, QuoteView, RatingView, SavedDocumentView, SavedQuoteView};
use uw_desktop_api::{parse_date, CommandError};
use uw_workstation::rating::Product;
use uw_workstation::{Dashboard, QuickQuoteRequest, QuoteFilter, QuoteInput, QuoteOptions, QuoteSummary, VinInfo, ZipInfo};

use crate::app::{now, on_workstation, DocumentsDir};

#[tauri::command]
pub async fn rate_quote<R: Runtime>(app: AppHandle<R>, zip: String, vehicle_year: i32) -> Result<QuoteView, CommandError> {
    // The workstation takes the date explicitly; the quote is effective today (UTC).
    let today = now().date();
    on_workstation(app, move |ws| ws.quick_quote(&QuickQuoteRequest { zip, vehicle_year }, today)).await.map(QuoteView::from)
}

#[tauri::command]
pub async fn dashboard<R: Runtime>(app: AppHandle<R>) -> Result<Dashboard, CommandError> {
    on_workstation(app, |ws| ws.dashboard(now())).await
}

/// What the pack in force offers for the wizard's coverages step.
#[tauri::command]
pub async fn quote_options<R: Runtime>(
    app: AppHandle<R>,
    state: String,
    product: Product,
    effective_date: String,
    renewal: bool,
) -> Result<QuoteOptions, CommandError> {
    let date = parse_date("effective_date", &effective_date)?;
    on_workstation(app, move |ws| ws.quote_options(&state, product, date, renewal)).await
}

#[tauri::command]
pub async fn decode_vin<R: Runtime>(app: AppHandle<R>, vin: String) -> Result<VinInfo, CommandError> {
    on_workstation(app, move |ws| ws.decode_vin(&vin)).await
}

#[tauri::command]
pub async fn lookup_zip<R: Runtime>(app: AppHandle<R>, zip: String) -> Result<ZipInfo, CommandError> {
    on_workstation(app, move |ws| ws.lookup_zip(&zip)).await
}

/// The live premium: rates the wizard's input and saves nothing.
#[tauri::command]
pub async fn price_quote<R: Runtime>(app: AppHandle<R>, input: QuoteInput) -> Result<RatingView, CommandError> {
    on_workstation(app, move |ws| ws.price(input)).await.map(|r| RatingView::from(&r))
}

/// Saves the finished wizard as a quote (or `quoteId`'s next version), rates
/// it, and deletes the draft it came from.
#[tauri::command]
pub async fn save_quote<R: Runtime>(
    app: AppHandle<R>,
    draft_id: Option<i64>,
    quote_id: Option<i64>,
    input: QuoteInput,
) -> Result<SavedQuoteView, CommandError> {
    on_workstation(app, move |ws| ws.save_quote(draft_id, quote_id, input, now())).await.map(SavedQuoteView::from)
}

#[tauri::command]
pub async fn list_quotes<R: Runtime>(app: AppHandle<R>, filter: QuoteFilter) -> Result<Vec<QuoteSummary>, CommandError> {
    on_workstation(app, move |ws| {
        ws.expire_quotes(now())?;
        ws.list_quotes(&filter)
    })
    .await
}

/// A quote, its versions and its current rating, re-rated with the pack
/// that priced it and checked against the stored worksheet.
#[tauri::command]
pub async fn get_quote<R: Runtime>(app: AppHandle<R>, quote_id: i64) -> Result<QuoteDetailView, CommandError> {
    on_workstation(app, move |ws| ws.quote_screen(quote_id, now())).await.map(QuoteDetailView::from)
}

/// Writes the quote's proposal PDF into the documents folder.
#[tauri::command]
pub async fn save_proposal<R: Runtime>(app: AppHandle<R>, quote_id: i64) -> Result<SavedDocumentView, CommandError> {
    let dir = app.state::<DocumentsDir>().0.clone();
    on_workstation(app, move |ws| ws.save_proposal(quote_id, &dir, now())).await.map(SavedDocumentView::from)
}

/// Queues a bind request for the next sync.
#[tauri::command]
pub async fn request_bind<R: Runtime>(app: AppHandle<R>, quote_id: i64) -> Result<QuoteSummary, CommandError> {
    on_workstation(app, move |ws| ws.request_bind(quote_id, now())).await
}

/// Rates a quote again with the pack in force, as its next version: the
/// action on a bind the server refused for its premium.
#[tauri::command]
pub async fn rerate_quote<R: Runtime>(app: AppHandle<R>, quote_id: i64) -> Result<SavedQuoteView, CommandError> {
    on_workstation(app, move |ws| ws.rerate_quote(quote_id, now())).await.map(SavedQuoteView::from)
}
