//! Impact analysis: the books to choose from, a run with progress, and cancelling it.

use std::sync::atomic::Ordering;

use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime};
use uw_desktop_api::rates::{BookChoice, BookFileView, ImpactProgress, ImpactView};
use uw_desktop_api::CommandError;
use uw_workstation::rates::BookSource;

use crate::app::{off_main, on_workstation, DocumentsDir, ImpactCancel};

#[tauri::command]
pub async fn impact_books<R: Runtime>(app: AppHandle<R>) -> Result<Vec<BookFileView>, CommandError> {
    let dir = app.state::<DocumentsDir>().books();
    off_main(move || uw_workstation::rates::book_files(&dir))
        .await
        .map(|books| books.into_iter().map(|(file_name, bytes)| BookFileView { file_name, bytes }).collect())
}

/// Re-rates a book with a draft and its base, reporting progress on
/// `on_progress`. The book is gathered under the workstation's lock; the run
/// itself holds none, so the app stays usable, and `cancel_impact` stops it.
#[tauri::command]
pub async fn run_impact<R: Runtime>(
    app: AppHandle<R>,
    draft_id: String,
    book: BookChoice,
    on_progress: Channel<ImpactProgress>,
) -> Result<ImpactView, CommandError> {
    let source = match book {
        BookChoice::Local => BookSource::Local,
        BookChoice::Server => BookSource::Server,
        BookChoice::File { file_name } => BookSource::File(
            uw_workstation::rates::book_in(&app.state::<DocumentsDir>().books(), &file_name).map_err(|e| CommandError::from(&e))?,
        ),
    };
    let cancel = app.state::<ImpactCancel>().0.clone();
    cancel.store(false, Ordering::SeqCst);
    let id = draft_id.clone();
    let run = on_workstation(app.clone(), move |ws| ws.impact_run(&id, source)).await?;
    let report = off_main(move || {
        run.run(&cancel, &|done, total| {
            // A closed window no longer listens; the run goes on regardless.
            let _ = on_progress.send(ImpactProgress { done, total });
        })
    })
    .await?;
    let view = ImpactView::from(&report);
    // The author's own draft keeps the run's summary for submission.
    on_workstation(app, move |ws| ws.record_rate_draft_impact(&draft_id, &report)).await?;
    Ok(view)
}

/// Stops the impact run in progress; it ends with `impact.cancelled`.
#[tauri::command]
pub async fn cancel_impact<R: Runtime>(app: AppHandle<R>) -> Result<(), CommandError> {
    app.state::<ImpactCancel>().0.store(true, Ordering::SeqCst);
    Ok(())
}
