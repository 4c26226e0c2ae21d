//! Production: PostgreSQL, possibly shared by several server replicas. The
//! audit-log head row lock (taken first by every write) serializes their
//! mutations, so the replicas never fork the log.

use std::path::Path;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgRow};
use sqlx::{Column as _, Row as _, TypeInfo as _, ValueRef as _};
use tracing::Instrument as _;

use super::{query_error, SqlRow, SqlValue, Storage, StorageError, Tx, TxMode};

pub(super) static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/server/postgres");

/// A PostgreSQL database.
#[derive(Debug, Clone)]
pub struct PostgresStorage {
    pool: PgPool,
}

impl PostgresStorage {
    /// Connects to `url` and migrates. `redacted` names it in errors.
    pub async fn open(url: &str, redacted: &str) -> Result<Self, StorageError> {
        let options: PgConnectOptions = url.parse().map_err(|e: sqlx::Error| StorageError::BadUrl(e.to_string()))?;
        let pool = PgPoolOptions::new()
            .max_connections(32)
            // No ping before each use: it is a round trip per transaction.
            // A connection that broke (a database restart) fails its next
            // statement instead, is dropped, and the client's retry gets a
            // fresh one; every write the server takes is idempotent.
            .test_before_acquire(false)
            // Also how long start-up waits for an unreachable server.
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|source| StorageError::Connect { target: redacted.to_owned(), source: source.into() })?;
        MIGRATIONS.run(&pool).await.map_err(|source| StorageError::Migrate { target: redacted.to_owned(), source })?;
        Ok(Self { pool })
    }
}

#[async_trait::async_trait]
impl Storage for PostgresStorage {
    fn engine(&self) -> &'static str {
        "postgres"
    }

    async fn begin(&self, _mode: TxMode) -> Result<Box<dyn Tx>, StorageError> {
        let tx = self.pool.begin().await.map_err(|e| query_error("BEGIN", e))?;
        Ok(Box::new(PostgresTx(tx)))
    }

    async fn query(&self, sql: &str, args: Vec<SqlValue>) -> Result<Vec<SqlRow>, StorageError> {
        let rows = bind(sqlx::query(sql), args)
            .fetch_all(&self.pool)
            .instrument(super::statement_span("postgres", sql))
            .await
            .map_err(|e| query_error(sql, e))?;
        rows.iter().map(decode).collect::<Result<_, _>>().map_err(|e| query_error(sql, e))
    }

    async fn schema_version(&self) -> Result<i64, StorageError> {
        let sql = "SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success";
        sqlx::query_scalar(sql).fetch_one(&self.pool).await.map_err(|e| query_error(sql, e))
    }

    async fn backup(&self, _destination: &Path) -> Result<(), StorageError> {
        Err(StorageError::Unsupported("a PostgreSQL database is backed up with pg_dump (see docs/operations.md), not by the server"))
    }

    async fn close(&self) {
        self.pool.close().await;
    }
}

struct PostgresTx(sqlx::Transaction<'static, sqlx::Postgres>);

fn bind<'q>(
    mut query: sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>,
    args: Vec<SqlValue>,
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    for arg in args {
        query = match arg {
            SqlValue::Int(v) => query.bind(v),
            SqlValue::Text(v) => query.bind(v),
            SqlValue::Bytes(v) => query.bind(v),
        };
    }
    query
}

fn decode(row: &PgRow) -> Result<SqlRow, sqlx::Error> {
    let mut values = Vec::with_capacity(row.len());
    for (i, column) in row.columns().iter().enumerate() {
        if row.try_get_raw(i)?.is_null() {
            values.push(SqlValue::Int(None));
            continue;
        }
        values.push(match column.type_info().name() {
            "INT8" => SqlValue::Int(Some(row.try_get(i)?)),
            "INT4" => SqlValue::Int(Some(i64::from(row.try_get::<i32, _>(i)?))),
            "INT2" => SqlValue::Int(Some(i64::from(row.try_get::<i16, _>(i)?))),
            "TEXT" | "VARCHAR" | "NAME" => SqlValue::Text(Some(row.try_get(i)?)),
            "BYTEA" => SqlValue::Bytes(Some(row.try_get(i)?)),
            other => {
                return Err(sqlx::Error::ColumnDecode {
                    index: column.name().to_owned(),
                    source: format!("unsupported PostgreSQL column type {other}").into(),
                })
            }
        });
    }
    Ok(SqlRow::new(values))
}

#[async_trait::async_trait]
impl Tx for PostgresTx {
    async fn execute(&mut self, sql: &str, args: Vec<SqlValue>) -> Result<u64, StorageError> {
        let done = bind(sqlx::query(sql), args)
            .execute(&mut *self.0)
            .instrument(super::statement_span("postgres", sql))
            .await
            .map_err(|e| query_error(sql, e))?;
        Ok(done.rows_affected())
    }

    async fn fetch(&mut self, sql: &str, args: Vec<SqlValue>) -> Result<Vec<SqlRow>, StorageError> {
        let rows = bind(sqlx::query(sql), args)
            .fetch_all(&mut *self.0)
            .instrument(super::statement_span("postgres", sql))
            .await
            .map_err(|e| query_error(sql, e))?;
        rows.iter().map(decode).collect::<Result<_, _>>().map_err(|e| query_error(sql, e))
    }

    async fn commit(self: Box<Self>) -> Result<(), StorageError> {
        self.0.commit().await.map_err(|e| query_error("COMMIT", e))
    }
}
