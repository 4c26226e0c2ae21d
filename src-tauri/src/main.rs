//! The desktop shell: a Tauri v2 window over `uw-workstation`.
//!
//! **Architecture invariant:** no business logic here. Each command is a few
//! lines that call the workstation and convert its result or error into the
//! DTOs the UI reads. Errors reach the UI as `{code, message}`; TypeScript
//! switches on `code`.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::sync::Mutex;

use serde::Serialize;
use tauri::{AppHandle, Manager, Runtime};
use ts_rs::TS;
use uw_workstation::{
    EnrollmentInfo, QuickQuoteRequest, QuoteNumber, QuoteOutcome, Secret, SyncIssue, SyncReport, Workstation, WorkstationConfig,
    WorkstationError,
};

/// The one error shape every command returns. Switch on `code`, never on `message`.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct CommandError {
    code: &'static str,
    message: String,
    /// The sync server's own code (`auth.invalid_credentials`, ...) when a
    /// sync request was refused; `code` stays the workstation's.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    server_code: Option<String>,
}

impl CommandError {
    fn internal(message: impl Into<String>) -> Self {
        Self { code: "internal", message: message.into(), server_code: None }
    }
}

impl From<&WorkstationError> for CommandError {
    fn from(e: &WorkstationError) -> Self {
        let server_code = match e {
            WorkstationError::Sync(sync) => sync.server_code().map(str::to_owned),
            _ => None,
        };
        Self { code: e.code(), message: e.to_string(), server_code }
    }
}

/// A rated quote as the UI shows it. Money travels as decimal strings so the
/// UI never holds a premium in a JavaScript float.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct QuoteView {
    #[ts(type = "number")]
    quote_id: i64,
    pack_id: String,
    /// The term premium, a decimal string.
    premium: String,
    coverages: Vec<CoverageView>,
    fees: Vec<FeeView>,
    #[ts(type = "string[]")]
    assumptions: &'static [&'static str],
    #[ts(type = "\"accept\" | \"refer\" | \"decline\"")]
    decision: String,
    reasons: Vec<String>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct CoverageView {
    code: String,
    name: String,
    option: Option<String>,
    premium: String,
    worksheet: Vec<WorksheetLineView>,
}

#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct FeeView {
    name: String,
    amount: String,
}

/// One line of a coverage's worksheet.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "WorksheetLine")]
struct WorksheetLineView {
    step: String,
    key: Option<String>,
    label: Option<String>,
    /// Decimal as a string: money never becomes a JavaScript float.
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

/// Whether this device is enrolled with a sync server. The device token
/// never leaves the workstation crate, so it cannot appear here.
#[derive(Debug, Serialize, TS)]
#[serde(tag = "state", rename_all = "camelCase")]
enum EnrollmentStatus {
    NotEnrolled,
    Enrolled(Box<EnrollmentView>),
}

/// This device's enrollment with a sync server. The device token never reaches the UI.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
struct EnrollmentView {
    server_url: String,
    username: String,
    #[ts(type = "\"agent\" | \"underwriter\" | \"admin\" | \"auditor\"")]
    role: &'static str,
    device_id: String,
    device_name: String,
    /// The first and last quote numbers of the block the server granted.
    first_quote_number: String,
    last_quote_number: String,
    /// The number the next new quote gets, or `None` when the block is used up.
    next_quote_number: Option<String>,
    enrolled_at: String,
    token_expires_at: String,
}

impl TryFrom<EnrollmentInfo> for EnrollmentView {
    type Error = WorkstationError;

    fn try_from(e: EnrollmentInfo) -> Result<Self, WorkstationError> {
        let year = e.quote_numbers.year;
        // The workstation validated the block when it enrolled, so a number
        // that does not format is a defect, not a user error.
        let number = |serial: u32| {
            QuoteNumber::new(year, serial)
                .map(|n| n.to_string())
                .map_err(|err| WorkstationError::Internal { message: format!("stored quote-number block: {err}") })
        };
        Ok(Self {
            first_quote_number: number(e.quote_numbers.first)?,
            last_quote_number: number(e.quote_numbers.last)?,
            next_quote_number: e.next_serial.map(number).transpose()?,
            server_url: e.server_url,
            username: e.user.username,
            role: e.user.role.name(),
            device_id: e.device_id,
            device_name: e.device_name,
            enrolled_at: e.enrolled_at,
            token_expires_at: e.token_expires_at,
        })
    }
}

/// What one "Sync now" (push, then pull) did.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "SyncResult")]
struct SyncResultView {
    /// Outbox operations the server answered for.
    delivered: usize,
    accepted: usize,
    duplicate: usize,
    rejected: usize,
    conflict: usize,
    policies_issued: Vec<String>,
    changes_pulled: usize,
    changes_applied: usize,
    changes_not_applied: usize,
    packs_installed: Vec<String>,
}

impl From<SyncReport> for SyncResultView {
    fn from(r: SyncReport) -> Self {
        Self {
            delivered: r.push.delivered,
            accepted: r.push.accepted,
            duplicate: r.push.duplicate,
            rejected: r.push.rejected,
            conflict: r.push.conflict,
            policies_issued: r.push.policies_issued,
            changes_pulled: r.pull.changes,
            changes_applied: r.pull.applied,
            changes_not_applied: r.pull.not_applied,
            packs_installed: r.pull.packs_installed,
        }
    }
}

/// Something sync could not do, for the agent to read and dismiss.
#[derive(Debug, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(rename = "SyncIssue")]
struct SyncIssueView {
    #[ts(type = "number")]
    id: i64,
    #[ts(type = "\"push\" | \"pull\"")]
    source: String,
    kind: String,
    subject: Option<String>,
    #[ts(type = "\"rejected\" | \"conflict\" | \"not_applied\"")]
    outcome: String,
    code: Option<String>,
    reason: String,
    current_version: Option<u32>,
    received_at: String,
}

impl From<SyncIssue> for SyncIssueView {
    fn from(i: SyncIssue) -> Self {
        Self {
            id: i.id,
            source: i.source,
            kind: i.kind,
            subject: i.subject,
            outcome: i.outcome,
            code: i.code,
            reason: i.reason,
            current_version: i.current_version,
            received_at: i.received_at,
        }
    }
}

/// The workstation, or why it could not be opened. A failed start-up keeps
/// the window up so the agent sees the reason instead of a vanished app.
struct AppState(Result<Mutex<Workstation>, CommandError>);

impl AppState {
    fn with<T>(&self, f: impl FnOnce(&mut Workstation) -> Result<T, WorkstationError>) -> Result<T, CommandError> {
        let workstation = self.0.as_ref().map_err(Clone::clone)?;
        let mut guard = workstation.lock().map_err(|_| CommandError::internal("workstation lock poisoned"))?;
        f(&mut guard).map_err(|e| CommandError::from(&e))
    }
}

/// Runs `f` on the workstation on the async runtime's blocking pool.
///
/// Sync uses blocking HTTP and may take seconds (retries with backoff), so
/// it must run neither inside the async runtime nor on the main thread,
/// where Tauri runs plain synchronous commands and where waiting would
/// freeze the window. Every command goes through here, so none of them waits
/// for the workstation's lock on the main thread while a sync holds it.
async fn on_workstation<R: Runtime, T: Send + 'static>(
    app: AppHandle<R>,
    f: impl FnOnce(&mut Workstation) -> Result<T, WorkstationError> + Send + 'static,
) -> Result<T, CommandError> {
    tauri::async_runtime::spawn_blocking(move || app.state::<AppState>().with(f))
        .await
        .map_err(|e| CommandError::internal(format!("the workstation task failed: {e}")))?
}

fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

#[tauri::command]
async fn startup_status<R: Runtime>(app: AppHandle<R>) -> Result<(), CommandError> {
    on_workstation(app, |_| Ok(())).await
}

#[tauri::command]
async fn rate_quote<R: Runtime>(app: AppHandle<R>, zip: String, vehicle_year: i32) -> Result<QuoteView, CommandError> {
    // The workstation takes the date explicitly; the quote is effective today (UTC).
    let today = now().date();
    on_workstation(app, move |ws| ws.quick_quote(&QuickQuoteRequest { zip, vehicle_year }, today)).await.map(QuoteView::from)
}

#[tauri::command]
async fn enrollment_status<R: Runtime>(app: AppHandle<R>) -> Result<EnrollmentStatus, CommandError> {
    on_workstation(app, |ws| match ws.enrollment()? {
        Some(info) => Ok(EnrollmentStatus::Enrolled(Box::new(info.try_into()?))),
        None => Ok(EnrollmentStatus::NotEnrolled),
    })
    .await
}

/// Enrolls this device. The password arrives as a [`Secret`], so no `Debug`
/// or log line can print it; it is dropped when enrollment ends.
#[tauri::command]
async fn enroll<R: Runtime>(
    app: AppHandle<R>,
    server_url: String,
    username: String,
    password: Secret,
    device_name: String,
) -> Result<EnrollmentView, CommandError> {
    on_workstation(app, move |ws| ws.enroll(&server_url, &username, &password, &device_name, now())?.try_into()).await
}

#[tauri::command]
async fn sync_now<R: Runtime>(app: AppHandle<R>) -> Result<SyncResultView, CommandError> {
    on_workstation(app, |ws| ws.sync(now())).await.map(SyncResultView::from)
}

#[tauri::command]
async fn sync_issues<R: Runtime>(app: AppHandle<R>) -> Result<Vec<SyncIssueView>, CommandError> {
    on_workstation(app, |ws| ws.sync_issues()).await.map(|issues| issues.into_iter().map(SyncIssueView::from).collect())
}

/// Returns whether the issue was still listed.
#[tauri::command]
async fn dismiss_sync_issue<R: Runtime>(app: AppHandle<R>, id: i64) -> Result<bool, CommandError> {
    on_workstation(app, move |ws| ws.dismiss_sync_issue(id, now())).await
}

fn open_workstation(app: &tauri::App) -> Result<Workstation, CommandError> {
    let default_dir =
        app.path().app_data_dir().map_err(|e| CommandError { code: "store.data_dir", message: e.to_string(), server_code: None })?;
    let config = WorkstationConfig::from_env(default_dir).map_err(|e| CommandError::from(&WorkstationError::from(e)))?;
    tracing::info!(data_dir = %config.data_dir.display(), key_source = %config.key_source, "opening workstation store");
    Workstation::open(&config).map_err(|e| CommandError::from(&e))
}

/// The app's commands on `builder`: the real runtime in `main`, the mock
/// runtime in the command tests.
fn with_commands<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(tauri::generate_handler![
        rate_quote,
        startup_status,
        enrollment_status,
        enroll,
        sync_now,
        sync_issues,
        dismiss_sync_issue
    ])
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let result = with_commands(tauri::Builder::default())
        .setup(|app| {
            let workstation = open_workstation(app).map(Mutex::new);
            if let Err(e) = &workstation {
                tracing::error!(code = e.code, "workstation did not open: {}", e.message);
            }
            app.manage(AppState(workstation));
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        tracing::error!("the desktop application failed: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The TypeScript declarations of every type a command takes or returns.
    fn bindings() -> String {
        let cfg = ts_rs::Config::new();
        let mut out = String::from(
            "// Generated from the Rust types in src-tauri/src/main.rs by the test\n\
             // `bindings_are_current`; do not edit. To regenerate:\n\
             //   UW_UPDATE_BINDINGS=1 cargo test -p uw-desktop bindings_are_current\n",
        );
        let decls = [
            (CommandError::docs(), CommandError::decl(&cfg)),
            (WorksheetLineView::docs(), WorksheetLineView::decl(&cfg)),
            (CoverageView::docs(), CoverageView::decl(&cfg)),
            (FeeView::docs(), FeeView::decl(&cfg)),
            (QuoteView::docs(), QuoteView::decl(&cfg)),
            (EnrollmentView::docs(), EnrollmentView::decl(&cfg)),
            (EnrollmentStatus::docs(), EnrollmentStatus::decl(&cfg)),
            (SyncResultView::docs(), SyncResultView::decl(&cfg)),
            (SyncIssueView::docs(), SyncIssueView::decl(&cfg)),
        ];
        for (docs, decl) in decls {
            out.push('\n');
            if let Some(docs) = docs {
                out.push_str(&docs);
            }
            out.push_str("export ");
            out.push_str(&decl);
            out.push('\n');
        }
        out
    }

    /// The UI's `src/bindings.ts` is what the Rust types generate: a type
    /// changed on one side only fails here, not at run time.
    #[test]
    fn bindings_are_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings.ts");
        let generated = bindings();
        if std::env::var_os("UW_UPDATE_BINDINGS").is_some() {
            std::fs::write(&path, &generated).expect("write ui/src/bindings.ts");
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "{} is not what the Rust types generate; run `UW_UPDATE_BINDINGS=1 cargo test -p uw-desktop bindings_are_current` and commit it",
            path.display()
        );
    }
}

/// The commands through Tauri's IPC on the mock runtime, with the app's real
/// context (its capabilities included) and a real encrypted store.
#[cfg(test)]
mod command_tests {
    use std::str::FromStr as _;

    use rust_decimal::Decimal;
    use serde_json::{json, Value};
    use tauri::test::MockRuntime;
    use tauri::webview::InvokeRequest;

    use super::*;

    struct TestApp {
        _dir: tempfile::TempDir,
        _app: tauri::App<MockRuntime>,
        webview: tauri::WebviewWindow<MockRuntime>,
    }

    impl TestApp {
        fn start() -> Self {
            let dir = tempfile::tempdir().expect("temporary directory");
            // A key file rather than the keychain: these tests are about the
            // commands; the keychain has tests of its own.
            let config = WorkstationConfig::new(dir.path().join("data"), uw_workstation::KeySource::File(dir.path().join("store.key")));
            let workstation = Workstation::open(&config).expect("open the workstation");
            let app = with_commands(tauri::test::mock_builder())
                .manage(AppState(Ok(Mutex::new(workstation))))
                .build(tauri::generate_context!())
                .expect("build the app");
            let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("main window");
            Self { _dir: dir, _app: app, webview }
        }

        /// Invokes `cmd` as the UI does: the answer, or the error value.
        fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
            self.invoke_from("tauri://localhost", cmd, args)
        }

        /// Invokes `cmd` from a page at `url`.
        fn invoke_from(&self, url: &str, cmd: &str, args: Value) -> Result<Value, Value> {
            let request = InvokeRequest {
                cmd: cmd.into(),
                callback: tauri::ipc::CallbackFn(0),
                error: tauri::ipc::CallbackFn(1),
                url: url.parse().expect("url"),
                body: tauri::ipc::InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: tauri::test::INVOKE_KEY.into(),
            };
            tauri::test::get_ipc_response(&self.webview, request).map(|body| body.deserialize::<Value>().expect("JSON answer"))
        }
    }

    fn decimal(value: &Value) -> Decimal {
        Decimal::from_str(value.as_str().unwrap_or_else(|| panic!("{value} is not a decimal string"))).expect("decimal")
    }

    #[test]
    fn rate_quote_answers_a_premium_that_is_the_sum_of_its_parts() {
        let app = TestApp::start();
        let quote = app.invoke("rate_quote", json!({ "zip": "90210", "vehicleYear": 2020 })).expect("rated");
        let premium = decimal(&quote["premium"]);
        let coverages = quote["coverages"].as_array().expect("coverages");
        assert!(!coverages.is_empty(), "{quote}");
        let parts: Decimal = coverages.iter().map(|c| decimal(&c["premium"])).sum::<Decimal>()
            + quote["fees"].as_array().expect("fees").iter().map(|f| decimal(&f["amount"])).sum::<Decimal>();
        assert_eq!(premium, parts, "{quote}");
        assert!(premium > Decimal::ZERO && premium.scale() <= 2, "{premium}");
        assert!(quote["packId"].as_str().expect("packId").starts_with("ca-personal-auto"), "{quote}");
        assert!(["accept", "refer", "decline"].contains(&quote["decision"].as_str().expect("decision")), "{quote}");
        // Saved: the next quote gets the next id.
        let again = app.invoke("rate_quote", json!({ "zip": "90210", "vehicleYear": 2020 })).expect("rated");
        assert_eq!(again["quoteId"].as_i64(), quote["quoteId"].as_i64().map(|id| id + 1));
    }

    #[test]
    fn bad_input_is_the_error_shape_naming_the_field() {
        let app = TestApp::start();
        let error = app.invoke("rate_quote", json!({ "zip": "00000", "vehicleYear": 2020 })).expect_err("refused");
        assert_eq!(error["code"], "input.invalid", "{error}");
        assert!(error["message"].as_str().expect("message").contains("zip"), "{error}");
        assert!(error.get("serverCode").is_none(), "{error}");
        // A missing argument is Tauri's own refusal, before the command runs.
        let error = app.invoke("rate_quote", json!({ "zip": "90210" })).expect_err("refused");
        assert!(error.to_string().contains("vehicleYear"), "{error}");
    }

    #[test]
    fn a_new_device_is_not_enrolled_and_has_no_sync_issues() {
        let app = TestApp::start();
        assert_eq!(app.invoke("startup_status", json!({})), Ok(Value::Null));
        assert_eq!(app.invoke("enrollment_status", json!({})), Ok(json!({ "state": "notEnrolled" })));
        assert_eq!(app.invoke("sync_issues", json!({})), Ok(json!([])));
        assert_eq!(app.invoke("dismiss_sync_issue", json!({ "id": 999 })), Ok(json!(false)));
        let error = app.invoke("sync_now", json!({})).expect_err("not enrolled");
        assert_eq!(error["code"], "sync.not_enrolled", "{error}");
    }

    #[test]
    fn only_the_app_own_pages_may_call_its_commands() {
        let app = TestApp::start();
        assert!(app.invoke("enrollment_status", json!({})).is_ok());
        // The capability grants the commands to the main window's local
        // pages: a remote page loaded into it gets nothing.
        let error = app.invoke_from("https://evil.example", "enrollment_status", json!({})).expect_err("refused");
        assert!(error.to_string().contains("not allowed"), "{error}");
        let error = app.invoke("delete_everything", json!({})).expect_err("refused");
        assert!(error.to_string().contains("delete_everything"), "{error}");
    }
}
