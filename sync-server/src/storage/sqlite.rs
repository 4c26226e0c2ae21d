//! The embedded default: one SQLite file in WAL mode.
//!
//! Migrations run through sqlx (the same `_sqlx_migrations` bookkeeping as
//! PostgreSQL); queries run through rusqlite, inline on the calling task's
//! thread. An indexed SQLite statement takes microseconds, less than the two
//! thread switches that handing it to a driver thread costs: with sqlx's
//! worker thread, those switches were two thirds of the server's CPU under
//! load (docs/benchmarks.md). What can wait on the disk or on another
//! process (`BEGIN IMMEDIATE` behind the administration command line,
//! `COMMIT`'s fsync, a backup) leaves the async worker first.
//!
//! Writers share one connection behind a fair mutex, so they queue in order
//! rather than spin on SQLite's lock; readers take one of a few connections
//! of their own.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use tokio::sync::{Mutex, OwnedMutexGuard, OwnedSemaphorePermit, Semaphore};

use super::{excerpt, SqlRow, SqlValue, Storage, StorageError, Tx, TxMode};

pub(super) static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/server/sqlite");

/// How many read connections the server keeps.
const READERS: usize = 8;
/// How long a statement waits for another process's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// An SQLite database file.
#[derive(Debug, Clone)]
pub struct SqliteStorage {
    path: PathBuf,
    writer: Arc<Mutex<Option<Connection>>>,
    readers: Arc<Readers>,
}

/// Idle read connections, opened on demand up to [`READERS`].
#[derive(Debug)]
struct Readers {
    path: PathBuf,
    idle: std::sync::Mutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
}

impl SqliteStorage {
    /// Opens (creating if missing) and migrates the file at `path`.
    pub async fn open(path: &Path) -> Result<Self, StorageError> {
        let target = format!("sqlite:{}", path.display());
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let migrator = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .map_err(|source| StorageError::Connect { target: target.clone(), source: source.into() })?;
        let migrated = MIGRATIONS.run(&migrator).await;
        migrator.close().await;
        migrated.map_err(|source| StorageError::Migrate { target: target.clone(), source })?;
        let writer = connect(path).map_err(|source| StorageError::Connect { target, source: source.into() })?;
        Ok(Self {
            path: path.to_owned(),
            writer: Arc::new(Mutex::new(Some(writer))),
            readers: Arc::new(Readers {
                path: path.to_owned(),
                idle: std::sync::Mutex::new(Vec::new()),
                permits: Arc::new(Semaphore::new(READERS)),
            }),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// One connection with the server's settings. `synchronous = FULL`: a commit
/// survives a power cut, not only a process crash.
fn connect(path: &Path) -> Result<Connection, rusqlite::Error> {
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}

/// Runs `f`, which may wait on the disk or on another process, off the
/// async worker when the runtime has others to take its tasks.
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(handle) if handle.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => tokio::task::block_in_place(f),
        _ => f(),
    }
}

fn closed() -> StorageError {
    StorageError::Unsupported("the database has been closed: the server is shutting down")
}

#[async_trait::async_trait]
impl Storage for SqliteStorage {
    fn engine(&self) -> &'static str {
        "sqlite"
    }

    async fn begin(&self, mode: TxMode) -> Result<Box<dyn Tx>, StorageError> {
        let slot = match mode {
            TxMode::Write => {
                let guard = self.writer.clone().lock_owned().await;
                if guard.is_none() {
                    return Err(closed());
                }
                Slot::Writer(guard)
            }
            TxMode::Read => {
                let permit = self.readers.permits.clone().acquire_owned().await.map_err(|_| closed())?;
                let idle = self.readers.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner).pop();
                let conn = match idle {
                    Some(conn) => conn,
                    None => connect(&self.readers.path).map_err(|e| sqlite_error("open", e))?,
                };
                Slot::Reader { conn: Some(conn), readers: self.readers.clone(), _permit: permit }
            }
        };
        let mut tx = SqliteTx { slot, open: false };
        // IMMEDIATE takes the write lock now, so the transaction never has to
        // upgrade a read lock (and fail busy) halfway through.
        let begin = if mode == TxMode::Write { "BEGIN IMMEDIATE" } else { "BEGIN" };
        blocking(|| tx.conn().execute_batch(begin)).map_err(|e| sqlite_error(begin, e))?;
        tx.open = true;
        Ok(Box::new(tx))
    }

    async fn query(&self, sql: &str, args: Vec<SqlValue>) -> Result<Vec<SqlRow>, StorageError> {
        self.begin(TxMode::Read).await?.fetch(sql, args).await
    }

    async fn schema_version(&self) -> Result<i64, StorageError> {
        let mut tx = self.begin(TxMode::Read).await?;
        let row = tx.fetch_one("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success", vec![]).await?;
        Ok(row.int(0)?)
    }

    async fn backup(&self, destination: &Path) -> Result<(), StorageError> {
        let sql = "VACUUM INTO ?1";
        let dest = destination.to_str().ok_or(StorageError::Unsupported("the backup path must be UTF-8"))?.to_owned();
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || connect(&path)?.execute(sql, [dest]).map(drop))
            .await
            .map_err(|e| StorageError::Query { sql: sql.into(), source: e.into() })?
            .map_err(|e| sqlite_error(sql, e))
    }

    async fn close(&self) {
        self.writer.lock().await.take();
        self.readers.permits.close();
        self.readers.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    }

    fn file_usage(&self) -> Option<super::FileUsage> {
        let size = |suffix: &str| {
            let mut path = self.path.clone().into_os_string();
            path.push(suffix);
            std::fs::metadata(path).map_or(0, |m| m.len())
        };
        let directory = self.path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let fs = rustix::fs::statvfs(directory).ok()?;
        Some(super::FileUsage { size_bytes: size("") + size("-wal"), available_bytes: fs.f_bavail.saturating_mul(fs.f_frsize) })
    }
}

/// The connection a transaction holds.
enum Slot {
    Writer(OwnedMutexGuard<Option<Connection>>),
    Reader { conn: Option<Connection>, readers: Arc<Readers>, _permit: OwnedSemaphorePermit },
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Slot::Reader { conn, readers, .. } = self {
            if let Some(conn) = conn.take() {
                if !readers.permits.is_closed() {
                    readers.idle.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push(conn);
                }
            }
        }
    }
}

struct SqliteTx {
    slot: Slot,
    /// BEGIN ran and neither COMMIT nor ROLLBACK has.
    open: bool,
}

impl SqliteTx {
    fn conn(&self) -> &Connection {
        let conn = match &self.slot {
            Slot::Writer(guard) => guard.as_ref(),
            Slot::Reader { conn, .. } => conn.as_ref(),
        };
        // Both are Some while the slot exists: `begin` checked the writer
        // under its lock, and a reader's connection leaves only on drop.
        conn.unwrap_or_else(|| unreachable!("a transaction's connection is present until it drops"))
    }

    /// Prepares `sql` and binds `args`: `$N` is the N-th argument, as in
    /// PostgreSQL (SQLite numbers named parameters by first appearance).
    fn run<T>(
        &self,
        sql: &str,
        args: &[SqlValue],
        mut each: impl FnMut(&rusqlite::Row<'_>, usize) -> Result<T, StorageError>,
    ) -> Result<Vec<T>, StorageError> {
        let fail = |e| sqlite_error(sql, e);
        let mut stmt = self.conn().prepare_cached(sql).map_err(fail)?;
        for i in 1..=stmt.parameter_count() {
            let n = match stmt.parameter_name(i) {
                Some(name) => name
                    .trim_start_matches(['$', '?'])
                    .parse::<usize>()
                    .map_err(|_| StorageError::Unsupported("a query parameter is not $N"))?,
                None => i,
            };
            let value = args.get(n.wrapping_sub(1)).ok_or(StorageError::Unsupported("a query has fewer arguments than parameters"))?;
            stmt.raw_bind_parameter(i, value).map_err(fail)?;
        }
        let columns = stmt.column_count();
        let mut rows = stmt.raw_query();
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(fail)? {
            out.push(each(row, columns)?);
        }
        Ok(out)
    }
}

impl rusqlite::ToSql for SqlValue {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            SqlValue::Int(Some(v)) => ValueRef::Integer(*v),
            SqlValue::Text(Some(v)) => ValueRef::Text(v.as_bytes()),
            SqlValue::Bytes(Some(v)) => ValueRef::Blob(v),
            SqlValue::Int(None) | SqlValue::Text(None) | SqlValue::Bytes(None) => ValueRef::Null,
        }))
    }
}

fn decode(sql: &str, row: &rusqlite::Row<'_>, columns: usize) -> Result<SqlRow, StorageError> {
    let mut values = Vec::with_capacity(columns);
    for i in 0..columns {
        values.push(match row.get_ref(i).map_err(|e| sqlite_error(sql, e))? {
            ValueRef::Null => SqlValue::Int(None),
            ValueRef::Integer(v) => SqlValue::Int(Some(v)),
            ValueRef::Text(t) => {
                SqlValue::Text(Some(String::from_utf8(t.to_vec()).map_err(|_| StorageError::Decode { column: i, expected: "UTF-8 text" })?))
            }
            ValueRef::Blob(b) => SqlValue::Bytes(Some(b.to_vec())),
            ValueRef::Real(_) => return Err(StorageError::Decode { column: i, expected: "an integer, text or bytes, not a real" }),
        });
    }
    Ok(SqlRow::new(values))
}

#[async_trait::async_trait]
impl Tx for SqliteTx {
    async fn execute(&mut self, sql: &str, args: Vec<SqlValue>) -> Result<u64, StorageError> {
        let _span = super::statement_span("sqlite", sql).entered();
        // Stepped to the end, so `RETURNING` statements run here too.
        self.run(sql, &args, |_, _| Ok(()))?;
        Ok(self.conn().changes())
    }

    async fn fetch(&mut self, sql: &str, args: Vec<SqlValue>) -> Result<Vec<SqlRow>, StorageError> {
        let _span = super::statement_span("sqlite", sql).entered();
        self.run(sql, &args, |row, columns| decode(sql, row, columns))
    }

    async fn commit(mut self: Box<Self>) -> Result<(), StorageError> {
        blocking(|| self.conn().execute_batch("COMMIT")).map_err(|e| sqlite_error("COMMIT", e))?;
        self.open = false;
        Ok(())
    }
}

impl Drop for SqliteTx {
    fn drop(&mut self) {
        if self.open && !self.conn().is_autocommit() {
            // Nothing to report to: the transaction's work is discarded
            // either way, and the next BEGIN fails loudly if this did not.
            let _ = self.conn().execute_batch("ROLLBACK");
        }
    }
}

/// Maps a rusqlite error, turning constraint violations into their own variants.
fn sqlite_error(sql: &str, error: rusqlite::Error) -> StorageError {
    use rusqlite::ffi;
    if let rusqlite::Error::SqliteFailure(e, message) = &error {
        let message = message.clone().unwrap_or_else(|| e.to_string());
        match e.extended_code {
            ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => return StorageError::Duplicate { constraint: message },
            ffi::SQLITE_CONSTRAINT_CHECK | ffi::SQLITE_CONSTRAINT_FOREIGNKEY => return StorageError::Constraint { message },
            _ => {}
        }
    }
    StorageError::Query { sql: excerpt(sql), source: error.into() }
}
