//! The desktop's log: to standard error, and to `logs/desktop.log` under the
//! data directory once the app knows it (support bundles read it). The file
//! is replaced by a fresh one past 4 MiB, the old kept as `desktop.log.1`.
//! Nothing personal is logged by design; support bundles scrub it anyway.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// Past this size the log starts over (the previous kept as `.1`).
const ROTATE_AT: u64 = 4 * 1024 * 1024;

#[derive(Debug)]
struct Open {
    path: PathBuf,
    file: File,
    written: u64,
}

/// The log file, once opened; writes before that go to standard error only.
#[derive(Debug, Default)]
pub struct LogFile(Mutex<Option<Open>>);

impl LogFile {
    /// The process's log file.
    pub fn global() -> &'static Self {
        static LOG: OnceLock<LogFile> = OnceLock::new();
        LOG.get_or_init(Self::default)
    }

    /// Starts writing to `data_dir`'s log (`uw_workstation::support::LOG_FILE`).
    pub fn open_in(&self, data_dir: &Path) {
        let path = data_dir.join(uw_workstation::support::LOG_FILE);
        let opened =
            path.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|()| OpenOptions::new().create(true).append(true).open(&path));
        match opened {
            Ok(file) => {
                let written = file.metadata().map(|m| m.len()).unwrap_or(0);
                *self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Open { path, file, written });
            }
            Err(e) => tracing::warn!(path = %path.display(), "cannot open the log file; logging to standard error only: {e}"),
        }
    }
}

/// One log record's writer.
#[derive(Debug)]
pub struct Writer(&'static LogFile);

impl Write for Writer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut guard = self.0 .0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(open) = guard.as_mut() {
            if open.written > ROTATE_AT {
                let mut old = open.path.clone().into_os_string();
                old.push(".1");
                let reopened =
                    std::fs::rename(&open.path, &old).and_then(|()| OpenOptions::new().create(true).append(true).open(&open.path));
                if let Ok(file) = reopened {
                    open.file = file;
                    open.written = 0;
                }
            }
            // A log line that cannot be written must not stop the app.
            if open.file.write_all(buf).is_ok() {
                open.written += buf.len() as u64;
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for &'static LogFile {
    type Writer = Writer;

    fn make_writer(&'a self) -> Self::Writer {
        Writer(self)
    }
}
