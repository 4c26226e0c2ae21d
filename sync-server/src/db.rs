//! Storage: one type over the two databases the server runs on.
//!
//! SQLite (a single file) is the embedded default; PostgreSQL is for
//! production. Each has its own migration directory under
//! `migrations/server/`, compiled into the binary and applied at start.

use std::path::{Path, PathBuf};

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/server/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/server/postgres");

/// Which database to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    /// An SQLite file, created if missing.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL (`postgres://…`). Its password is never logged.
    Postgres(String),
}

impl DatabaseTarget {
    /// A description safe for logs: the path, or the URL without credentials.
    pub fn redacted(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite:{}", path.display()),
            Self::Postgres(url) => match url.split_once('@') {
                Some((scheme_and_user, host)) => {
                    let scheme = scheme_and_user.split("://").next().unwrap_or("postgres");
                    format!("{scheme}://***@{host}")
                }
                None => url.clone(),
            },
        }
    }
}

/// An open, migrated database.
#[derive(Debug, Clone)]
pub enum Database {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// What `/healthz` reports about the database.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DatabaseHealth {
    pub engine: &'static str,
    pub schema_version: i64,
    pub instance_id: String,
}

/// Why the database could not be opened or used.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The connection URL does not parse.
    #[error("database URL is not valid: {0}; expected postgres://USER:PASSWORD@HOST:PORT/DATABASE")]
    BadUrl(String),
    /// The database refused the connection or does not exist.
    #[error("cannot connect to {target}: {source}")]
    Connect { target: String, source: sqlx::Error },
    /// A migration failed.
    #[error("migrating {target} failed: {source}")]
    Migrate { target: String, source: sqlx::migrate::MigrateError },
    /// A query failed.
    #[error("database query failed: {0}")]
    Query(#[from] sqlx::Error),
    /// The random source failed while making the instance id.
    #[error("cannot generate an instance id: {0}")]
    Random(String),
}

impl Database {
    /// Connects, migrates, and makes sure the server has an instance id.
    pub async fn open(target: &DatabaseTarget) -> Result<Self, DbError> {
        let redacted = target.redacted();
        let db = match target {
            DatabaseTarget::Sqlite(path) => {
                let pool = SqlitePoolOptions::new()
                    .max_connections(8)
                    .connect_with(sqlite_options(path))
                    .await
                    .map_err(|source| DbError::Connect { target: redacted.clone(), source })?;
                SQLITE_MIGRATIONS.run(&pool).await.map_err(|source| DbError::Migrate { target: redacted.clone(), source })?;
                Self::Sqlite(pool)
            }
            DatabaseTarget::Postgres(url) => {
                let options: PgConnectOptions = url.parse().map_err(|e: sqlx::Error| DbError::BadUrl(e.to_string()))?;
                let pool = PgPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(std::time::Duration::from_secs(10))
                    .connect_with(options)
                    .await
                    .map_err(|source| DbError::Connect { target: redacted.clone(), source })?;
                POSTGRES_MIGRATIONS.run(&pool).await.map_err(|source| DbError::Migrate { target: redacted.clone(), source })?;
                Self::Postgres(pool)
            }
        };
        db.ensure_instance_id().await?;
        Ok(db)
    }

    async fn ensure_instance_id(&self) -> Result<(), DbError> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| DbError::Random(e.to_string()))?;
        let id = hex::encode(bytes);
        // The CHECK (singleton = 1) and ON CONFLICT make this a no-op after the
        // first start, even with several replicas starting at once.
        let sql = "INSERT INTO server_instance (singleton, instance_id) VALUES (1, $1) ON CONFLICT (singleton) DO NOTHING";
        match self {
            Self::Sqlite(pool) => {
                sqlx::query(sql).bind(&id).execute(pool).await?;
            }
            Self::Postgres(pool) => {
                sqlx::query(sql).bind(&id).execute(pool).await?;
            }
        }
        Ok(())
    }

    /// Checks the database answers, and reports its schema version and the instance id.
    pub async fn health(&self) -> Result<DatabaseHealth, DbError> {
        let version_sql = "SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success";
        let instance_sql = "SELECT instance_id FROM server_instance WHERE singleton = 1";
        Ok(match self {
            Self::Sqlite(pool) => DatabaseHealth {
                engine: "sqlite",
                schema_version: sqlx::query_scalar(version_sql).fetch_one(pool).await?,
                instance_id: sqlx::query_scalar(instance_sql).fetch_one(pool).await?,
            },
            Self::Postgres(pool) => DatabaseHealth {
                engine: "postgres",
                schema_version: sqlx::query_scalar(version_sql).fetch_one(pool).await?,
                instance_id: sqlx::query_scalar(instance_sql).fetch_one(pool).await?,
            },
        })
    }

    /// Closes every pooled connection; used on shutdown.
    pub async fn close(&self) {
        match self {
            Self::Sqlite(pool) => pool.close().await,
            Self::Postgres(pool) => pool.close().await,
        }
    }
}

fn sqlite_options(path: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .foreign_keys(true)
        .busy_timeout(std::time::Duration::from_secs(5))
}
