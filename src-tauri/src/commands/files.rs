//! Saved documents opened, printed or shown in their folder by the
//! computer's own programs. Only a file the workstation saved in the
//! documents folder may be named (`uw_workstation::saved`).

use std::process::{Command, Stdio};

use tauri::{AppHandle, Manager, Runtime};
use uw_desktop_api::CommandError;
use uw_workstation::saved::saved_document;
use uw_workstation::WorkstationError;

use crate::app::{off_main, DocumentsDir};

/// Starts `program` with `args` and leaves it running (a viewer or a file
/// manager stays open after the command returns); reaps it when it exits.
pub(crate) fn launch(program: &'static str, args: &[&std::ffi::OsStr]) -> Result<(), WorkstationError> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| WorkstationError::DesktopProgram { program, message: e.to_string() })?;
    std::thread::spawn(move || {
        let _ = child.wait();
    });
    Ok(())
}

/// The program that opens a file with the user's chosen application.
pub(crate) fn opener() -> &'static str {
    if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    }
}

/// Opens the saved document in the computer's viewer.
#[tauri::command]
pub async fn open_document<R: Runtime>(app: AppHandle<R>, path: String) -> Result<(), CommandError> {
    let dir = app.state::<DocumentsDir>().0.clone();
    off_main(move || {
        let file = saved_document(&dir, &path)?;
        launch(opener(), &[file.as_os_str()])
    })
    .await
}

/// Shows the folder that holds the saved document.
#[tauri::command]
pub async fn show_document_in_folder<R: Runtime>(app: AppHandle<R>, path: String) -> Result<(), CommandError> {
    let dir = app.state::<DocumentsDir>().0.clone();
    off_main(move || {
        let file = saved_document(&dir, &path)?;
        if cfg!(target_os = "macos") {
            return launch("open", &["-R".as_ref(), file.as_os_str()]);
        }
        let folder = file.parent().unwrap_or(&file).to_owned();
        launch(opener(), &[folder.as_os_str()])
    })
    .await
}

/// Sends the saved document to the computer's default printer (CUPS `lp`),
/// and answers once the printer queue has it.
#[tauri::command]
pub async fn print_document<R: Runtime>(app: AppHandle<R>, path: String) -> Result<(), CommandError> {
    let dir = app.state::<DocumentsDir>().0.clone();
    off_main(move || {
        let file = saved_document(&dir, &path)?;
        let failed = |message: String| WorkstationError::DesktopProgram { program: "lp", message };
        let out = Command::new("lp").arg("--").arg(&file).stdin(Stdio::null()).output().map_err(|e| failed(e.to_string()))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(failed(String::from_utf8_lossy(&out.stderr).trim().to_owned()))
        }
    })
    .await
}
