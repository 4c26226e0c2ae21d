//! The embedded default: one SQLite file in WAL mode. Writers share one
//! connection (they queue in the pool), readers have their own.

use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow, SqliteSynchronous};
use sqlx::{Row as _, TypeInfo as _, ValueRef as _};

use super::{query_error, SqlRow, SqlValue, Storage, StorageError, Tx, TxMode};

pub(super) static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/server/sqlite");

/// An SQLite database file.
#[derive(Debug, Clone)]
pub struct SqliteStorage {
    path: PathBuf,
    reader: SqlitePool,
    writer: SqlitePool,
}

impl SqliteStorage {
    /// Opens (creating if missing) and migrates the file at `path`.
    pub async fn open(path: &Path) -> Result<Self, StorageError> {
        let target = format!("sqlite:{}", path.display());
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a commit survives a power cut, not only a process crash.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        let connect = |max: u32| {
            let options = options.clone();
            let target = target.clone();
            async move {
                SqlitePoolOptions::new()
                    .max_connections(max)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(options)
                    .await
                    .map_err(|source| StorageError::Connect { target, source })
            }
        };
        let writer = connect(1).await?;
        MIGRATIONS.run(&writer).await.map_err(|source| StorageError::Migrate { target: target.clone(), source })?;
        let reader = connect(8).await?;
        Ok(Self { path: path.to_owned(), reader, writer })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[async_trait::async_trait]
impl Storage for SqliteStorage {
    fn engine(&self) -> &'static str {
        "sqlite"
    }

    async fn begin(&self, mode: TxMode) -> Result<Box<dyn Tx>, StorageError> {
        let pool = match mode {
            TxMode::Read => &self.reader,
            TxMode::Write => &self.writer,
        };
        let tx = pool.begin().await.map_err(|e| query_error("BEGIN", e))?;
        Ok(Box::new(SqliteTx(tx)))
    }

    async fn schema_version(&self) -> Result<i64, StorageError> {
        let sql = "SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success";
        sqlx::query_scalar(sql).fetch_one(&self.reader).await.map_err(|e| query_error(sql, e))
    }

    async fn backup(&self, destination: &Path) -> Result<(), StorageError> {
        let sql = "VACUUM INTO $1";
        let dest = destination.to_str().ok_or(StorageError::Unsupported("the backup path must be UTF-8"))?;
        sqlx::query(sql).bind(dest).execute(&self.reader).await.map_err(|e| query_error(sql, e))?;
        Ok(())
    }

    async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}

struct SqliteTx(sqlx::Transaction<'static, sqlx::Sqlite>);

fn bind<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>,
    args: Vec<SqlValue>,
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>> {
    for arg in args {
        query = match arg {
            SqlValue::Int(v) => query.bind(v),
            SqlValue::Text(v) => query.bind(v),
            SqlValue::Bytes(v) => query.bind(v),
        };
    }
    query
}

fn decode(row: &SqliteRow) -> Result<SqlRow, sqlx::Error> {
    let mut values = Vec::with_capacity(row.len());
    for i in 0..row.len() {
        let raw = row.try_get_raw(i)?;
        if raw.is_null() {
            values.push(SqlValue::Int(None));
            continue;
        }
        let type_name = raw.type_info().name().to_owned();
        values.push(match type_name.as_str() {
            "INTEGER" | "INT" | "BIGINT" | "BOOLEAN" => SqlValue::Int(Some(row.try_get(i)?)),
            "TEXT" => SqlValue::Text(Some(row.try_get(i)?)),
            "BLOB" => SqlValue::Bytes(Some(row.try_get(i)?)),
            other => {
                return Err(sqlx::Error::ColumnDecode {
                    index: i.to_string(),
                    source: format!("unsupported SQLite value type {other}").into(),
                })
            }
        });
    }
    Ok(SqlRow::new(values))
}

super::impl_tx!(SqliteTx);
