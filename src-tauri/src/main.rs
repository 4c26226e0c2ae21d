//! The desktop shell: a Tauri v2 window over `uw-workstation`.
//!
//! **Architecture invariant:** no business logic here. Each command is a few
//! lines that call the workstation and convert its result or error into the
//! DTOs the UI reads. Errors reach the UI as `{code, message}`; TypeScript
//! switches on `code`.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::sync::Mutex;

use serde::Serialize;
use tauri::{Manager, State};
use uw_workstation::{QuickQuoteRequest, QuoteOutcome, Workstation, WorkstationConfig, WorkstationError};

/// The one error shape the UI receives.
#[derive(Debug, Clone, Serialize)]
struct CommandError {
    code: &'static str,
    message: String,
}

impl From<&WorkstationError> for CommandError {
    fn from(e: &WorkstationError) -> Self {
        Self { code: e.code(), message: e.to_string() }
    }
}

/// A rated quote as the UI shows it. Money travels as decimal strings so the
/// UI never holds a premium in a JavaScript float.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct QuoteView {
    quote_id: i64,
    pack_id: String,
    premium: String,
    coverages: Vec<CoverageView>,
    fees: Vec<FeeView>,
    assumptions: &'static [&'static str],
    decision: String,
    reasons: Vec<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct CoverageView {
    code: String,
    name: String,
    option: Option<String>,
    premium: String,
    worksheet: Vec<WorksheetLineView>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct FeeView {
    name: String,
    amount: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct WorksheetLineView {
    step: String,
    key: Option<String>,
    label: Option<String>,
    value: String,
    subtotal: String,
}

impl From<QuoteOutcome> for QuoteView {
    fn from(q: QuoteOutcome) -> Self {
        let r = q.rating;
        Self {
            quote_id: q.quote_id,
            pack_id: q.pack_id,
            premium: q.total.to_string(),
            coverages: r
                .coverages
                .into_iter()
                .map(|c| CoverageView {
                    code: c.coverage.to_string(),
                    name: c.name.to_string(),
                    option: c.limit.or(c.deductible),
                    premium: c.premium.to_string(),
                    worksheet: c
                        .worksheet
                        .into_iter()
                        .map(|l| WorksheetLineView {
                            step: l.step.to_string(),
                            key: l.key.map(|k| k.to_string()),
                            label: l.label.map(|x| x.to_string()),
                            value: l.value.to_string(),
                            subtotal: l.subtotal.to_string(),
                        })
                        .collect(),
                })
                .collect(),
            fees: r.fees.into_iter().map(|f| FeeView { name: f.name.to_string(), amount: f.amount.to_string() }).collect(),
            assumptions: q.assumptions,
            decision: format!("{:?}", r.decision.action).to_lowercase(),
            reasons: r.decision.reasons.into_iter().map(|x| format!("{}: {}", x.code, x.message)).collect(),
        }
    }
}

/// The workstation, or why it could not be opened. A failed start-up keeps
/// the window up so the agent sees the reason instead of a vanished app.
struct AppState(Result<Mutex<Workstation>, CommandError>);

impl AppState {
    fn with<T>(&self, f: impl FnOnce(&mut Workstation) -> Result<T, WorkstationError>) -> Result<T, CommandError> {
        let workstation = self.0.as_ref().map_err(Clone::clone)?;
        let mut guard = workstation.lock().map_err(|_| CommandError { code: "internal", message: "workstation lock poisoned".into() })?;
        f(&mut guard).map_err(|e| CommandError::from(&e))
    }
}

#[tauri::command]
fn startup_status(state: State<'_, AppState>) -> Result<(), CommandError> {
    state.with(|_| Ok(()))
}

#[tauri::command]
fn rate_quote(state: State<'_, AppState>, zip: String, vehicle_year: i32) -> Result<QuoteView, CommandError> {
    // The workstation takes the date explicitly; the quote is effective today (UTC).
    let today = time::OffsetDateTime::now_utc().date();
    state.with(|ws| ws.quick_quote(&QuickQuoteRequest { zip, vehicle_year }, today)).map(QuoteView::from)
}

fn open_workstation(app: &tauri::App) -> Result<Workstation, CommandError> {
    let default_dir = app.path().app_data_dir().map_err(|e| CommandError { code: "store.data_dir", message: e.to_string() })?;
    let config = WorkstationConfig::from_env(default_dir).map_err(|e| CommandError::from(&WorkstationError::from(e)))?;
    tracing::info!(data_dir = %config.data_dir.display(), key_source = %config.key_source, "opening workstation store");
    Workstation::open(&config).map_err(|e| CommandError::from(&e))
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let result = tauri::Builder::default()
        .setup(|app| {
            let workstation = open_workstation(app).map(Mutex::new);
            if let Err(e) = &workstation {
                tracing::error!(code = e.code, "workstation did not open: {}", e.message);
            }
            app.manage(AppState(workstation));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![rate_quote, startup_status])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        tracing::error!("the desktop application failed: {e}");
        std::process::exit(1);
    }
}
