//! Sync in the background: every interval while the server answers, with
//! backoff while it does not, telling the window after each attempt.
//!
//! The workstation is locked only for the sync itself. Whether the server
//! answers is asked first without the lock ([`uw_workstation::ServerProbe`]),
//! so a laptop off the network never holds the screens while a connection
//! times out.

use std::time::Duration;

use tauri::{AppHandle, Emitter, Runtime};
use uw_desktop_api::sync::{BackgroundSyncEvent, SyncResultView, BACKGROUND_SYNC_EVENT};
use uw_desktop_api::CommandError;
use uw_workstation::{ServerProbe, SyncReport};

/// The first wait after the app starts: the window loads first.
const FIRST_ATTEMPT: Duration = Duration::from_secs(5);
/// The wait after the first failure; it doubles with each failure after.
const FIRST_RETRY: Duration = Duration::from_secs(30);
/// The longest wait between attempts while the server does not answer.
const MAX_RETRY: Duration = Duration::from_secs(15 * 60);

/// The wait before the next attempt after `failures` failures in a row.
pub fn backoff(interval: Duration, failures: u32) -> Duration {
    if failures == 0 {
        return interval;
    }
    let doubled = FIRST_RETRY.saturating_mul(1u32.checked_shl(failures - 1).unwrap_or(u32::MAX));
    doubled.min(MAX_RETRY).max(interval.min(MAX_RETRY))
}

/// Starts the background sync on its own thread; it runs until the app
/// exits. `probe` and `sync` reach the workstation (each holds it only for
/// its own call).
pub fn start<R: Runtime>(
    app: AppHandle<R>,
    interval: Duration,
    probe: impl Fn() -> Result<Option<ServerProbe>, CommandError> + Send + 'static,
    sync: impl Fn() -> Result<SyncReport, CommandError> + Send + 'static,
) {
    let spawned = std::thread::Builder::new().name("background-sync".into()).spawn(move || {
        let mut wait = FIRST_ATTEMPT;
        let mut failures = 0u32;
        loop {
            std::thread::sleep(wait);
            let probe = match probe() {
                Ok(Some(probe)) => probe,
                // Not enrolled, or the store did not open: nothing to sync.
                Ok(None) | Err(_) => {
                    wait = interval;
                    continue;
                }
            };
            if !probe.reachable() {
                failures += 1;
                wait = backoff(interval, failures);
                tracing::debug!(failures, wait_secs = wait.as_secs(), "sync server unreachable; background sync waits");
                emit(&app, BackgroundSyncEvent::Unreachable { retry_in_seconds: wait.as_secs() });
                continue;
            }
            match sync() {
                Ok(report) => {
                    failures = 0;
                    wait = interval;
                    emit(&app, BackgroundSyncEvent::Synced { result: SyncResultView::from(report) });
                }
                Err(error) => {
                    failures += 1;
                    wait = backoff(interval, failures);
                    tracing::warn!(code = error.code, failures, "background sync failed");
                    emit(&app, BackgroundSyncEvent::Failed { error, retry_in_seconds: wait.as_secs() });
                }
            }
        }
    });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "background sync did not start; \"Sync now\" still works");
    }
}

fn emit<R: Runtime>(app: &AppHandle<R>, event: BackgroundSyncEvent) {
    // A window that closed no longer listens; the sync goes on.
    let _ = app.emit(BACKGROUND_SYNC_EVENT, event);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_from_thirty_seconds_to_fifteen_minutes_and_resets() {
        let minute = Duration::from_secs(60);
        let waits: Vec<u64> = (0..9).map(|f| backoff(minute, f).as_secs()).collect();
        assert_eq!(waits, [60, 60, 60, 120, 240, 480, 900, 900, 900]);
        assert_eq!(backoff(Duration::from_secs(10), 1), FIRST_RETRY);
        assert_eq!(backoff(minute, u32::MAX), MAX_RETRY);
    }
}
