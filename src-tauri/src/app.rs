//! The app's state and how commands reach the workstation.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use tauri::{AppHandle, Manager, Runtime};
use uw_desktop_api::CommandError;
use uw_workstation::{Workstation, WorkstationConfig, WorkstationError};

/// The workstation, or why it could not be opened. A failed start-up keeps
/// the window up so the agent sees the reason instead of a vanished app.
pub struct AppState(Result<Mutex<Workstation>, CommandError>);

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Ok(_) => f.write_str("AppState(open)"),
            Err(e) => f.debug_tuple("AppState").field(e).finish(),
        }
    }
}

impl AppState {
    pub fn new(workstation: Result<Workstation, CommandError>) -> Self {
        Self(workstation.map(Mutex::new))
    }

    fn with<T>(&self, f: impl FnOnce(&mut Workstation) -> Result<T, WorkstationError>) -> Result<T, CommandError> {
        let workstation = self.0.as_ref().map_err(Clone::clone)?;
        let mut guard = workstation.lock().map_err(|_| CommandError::internal("workstation lock poisoned"))?;
        f(&mut guard).map_err(|e| CommandError::from(&e))
    }
}

/// Where documents are written and books read: `UW_DOCUMENTS_DIR`, else the
/// user's documents folder, else the data directory's `documents`.
#[derive(Debug)]
pub struct DocumentsDir(pub PathBuf);

impl DocumentsDir {
    /// Where audit exports are saved.
    pub fn audit_exports(&self) -> PathBuf {
        self.0.join("Audit exports")
    }

    /// Where customers' data exported for their requests are saved.
    pub fn customer_exports(&self) -> PathBuf {
        self.0.join("Customer exports")
    }

    /// Where canonical books for impact analysis are kept.
    pub fn books(&self) -> PathBuf {
        self.0.join("Books")
    }
}

/// Set to stop the impact run in progress.
#[derive(Debug, Default)]
pub struct ImpactCancel(pub Arc<AtomicBool>);

/// Turned on to give up waiting for the person to come back from the
/// organization's sign-in service (`cancel_provider_sign_in`).
#[derive(Debug, Default)]
pub struct SignInCancel(pub Arc<AtomicBool>);

/// Runs `f` on the workstation on the async runtime's blocking pool.
///
/// Sync uses blocking HTTP and may take seconds (retries with backoff), so
/// it must run neither inside the async runtime nor on the main thread,
/// where Tauri runs plain synchronous commands and where waiting would
/// freeze the window. Every command goes through here, so none of them waits
/// for the workstation's lock on the main thread while a sync holds it.
pub async fn on_workstation<R: Runtime, T: Send + 'static>(
    app: AppHandle<R>,
    f: impl FnOnce(&mut Workstation) -> Result<T, WorkstationError> + Send + 'static,
) -> Result<T, CommandError> {
    tauri::async_runtime::spawn_blocking(move || app.state::<AppState>().with(f))
        .await
        .map_err(|e| CommandError::internal(format!("the workstation task failed: {e}")))?
}

/// Runs file work that needs no workstation (reading saved audit exports)
/// on the blocking pool, without waiting for the workstation's lock.
pub async fn off_main<T: Send + 'static>(f: impl FnOnce() -> Result<T, WorkstationError> + Send + 'static) -> Result<T, CommandError> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| CommandError::internal(format!("the file task failed: {e}")))?
        .map_err(|e| CommandError::from(&e))
}

pub fn now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

/// The app's commands on `builder`: the real runtime in [`run`], the mock
/// runtime in the command tests.
pub fn with_commands<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder.invoke_handler(crate::commands::handler!())
}

/// The app's configuration, icons, capabilities and embedded UI.
pub fn context<R: Runtime>() -> tauri::Context<R> {
    tauri::generate_context!()
}

/// Opens the workstation and runs the window until it closes.
pub fn run() -> tauri::Result<()> {
    with_commands(tauri::Builder::default())
        .setup(|app| {
            let config = open_config(app);
            let documents = documents_dir(app, config.as_ref().ok());
            let sync_interval = config.as_ref().ok().and_then(|c| c.sync_interval);
            if let Ok(config) = &config {
                crate::logs::LogFile::global().open_in(&config.data_dir);
            }
            let workstation = config.and_then(|config| {
                tracing::info!(data_dir = %config.data_dir.display(), key_source = %config.key_source, "opening workstation store");
                let version = app.package_info().version.to_string();
                Workstation::open(&config).and_then(|mut ws| ws.set_app_version(&version).map(|()| ws)).map_err(|e| CommandError::from(&e))
            });
            if let Err(e) = &workstation {
                tracing::error!(code = e.code, "workstation did not open: {}", e.message);
            }
            app.manage(AppState::new(workstation));
            app.manage(DocumentsDir(documents));
            app.manage(ImpactCancel::default());
            app.manage(SignInCancel::default());
            match sync_interval {
                Some(interval) => {
                    let (probing, syncing) = (app.handle().clone(), app.handle().clone());
                    crate::background::start(
                        app.handle().clone(),
                        interval,
                        move || probing.state::<AppState>().with(|ws| ws.server_probe()),
                        move || syncing.state::<AppState>().with(|ws| ws.sync(now())),
                    );
                }
                None => tracing::info!("background sync is off (UW_SYNC_INTERVAL_SECS=0)"),
            }
            Ok(())
        })
        .run(context())
}

fn open_config<R: Runtime>(app: &tauri::App<R>) -> Result<WorkstationConfig, CommandError> {
    let default_dir = app.path().app_data_dir().map_err(|e| CommandError {
        code: "store.data_dir",
        message: e.to_string(),
        server_code: None,
        fields: Vec::new(),
    })?;
    WorkstationConfig::from_env(default_dir).map_err(|e| CommandError::from(&WorkstationError::from(e)))
}

fn documents_dir<R: Runtime>(app: &tauri::App<R>, config: Option<&WorkstationConfig>) -> PathBuf {
    // Read from the variable itself when the configuration did not load (or
    // the value is not UTF-8): the documents folder serves the screens that
    // need no workstation (audit exports, impact books) all the same.
    let configured = config.and_then(|c| c.documents_dir.clone());
    if let Some(dir) = configured.or_else(|| std::env::var_os("UW_DOCUMENTS_DIR").filter(|d| !d.is_empty()).map(PathBuf::from)) {
        return dir;
    }
    match app.path().document_dir() {
        Ok(dir) => dir.join("Underwriting Workstation"),
        Err(_) => app.path().app_data_dir().map(|d| d.join("documents")).unwrap_or_else(|_| PathBuf::from("documents")),
    }
}
