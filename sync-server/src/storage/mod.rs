//! Storage: a trait over the two databases the server runs on, SQLite (one
//! file, the embedded default) and PostgreSQL (production, several replicas).
//!
//! The trait is deliberately small: transactions that execute SQL and fetch
//! rows of typed values. Every query the server runs is written once, next
//! to the code that needs it, in the SQL both engines accept (`$N`
//! parameters, `RETURNING`, `ON CONFLICT`); the schema differences live in the two
//! migration directories under `migrations/server/`. One test story runs
//! against both implementations.
//!
//! **Architecture invariant:** a write transaction's first statement locks
//! the audit-log head row (see [`crate::audit::Mutation::begin`]). On PostgreSQL
//! that serializes log appends across replicas; on SQLite it takes the write
//! lock at once, so a transaction never has to upgrade a read lock.

mod postgres;
mod sqlite;

use std::fmt;
use std::path::{Path, PathBuf};

pub use postgres::PostgresStorage;
pub use sqlite::SqliteStorage;

/// A value bound to, or read from, a query. Nulls keep their type, because
/// PostgreSQL needs one for every parameter.
#[derive(Clone, PartialEq, Eq)]
pub enum SqlValue {
    Int(Option<i64>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
}

impl fmt::Debug for SqlValue {
    // Values can be PII or secrets' hashes: debug output shows their shape only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int(v) => write!(f, "Int({v:?})"),
            Self::Text(v) => write!(f, "Text({})", v.as_ref().map_or("null".to_owned(), |t| format!("{} chars", t.len()))),
            Self::Bytes(v) => write!(f, "Bytes({})", v.as_ref().map_or("null".to_owned(), |b| format!("{} bytes", b.len()))),
        }
    }
}

impl From<i64> for SqlValue {
    fn from(v: i64) -> Self {
        Self::Int(Some(v))
    }
}
impl From<u32> for SqlValue {
    fn from(v: u32) -> Self {
        Self::Int(Some(i64::from(v)))
    }
}
impl From<i32> for SqlValue {
    fn from(v: i32) -> Self {
        Self::Int(Some(i64::from(v)))
    }
}
impl From<Option<i64>> for SqlValue {
    fn from(v: Option<i64>) -> Self {
        Self::Int(v)
    }
}
impl From<&str> for SqlValue {
    fn from(v: &str) -> Self {
        Self::Text(Some(v.to_owned()))
    }
}
impl From<String> for SqlValue {
    fn from(v: String) -> Self {
        Self::Text(Some(v))
    }
}
impl From<&String> for SqlValue {
    fn from(v: &String) -> Self {
        Self::Text(Some(v.clone()))
    }
}
impl From<Option<&str>> for SqlValue {
    fn from(v: Option<&str>) -> Self {
        Self::Text(v.map(str::to_owned))
    }
}
impl From<Option<String>> for SqlValue {
    fn from(v: Option<String>) -> Self {
        Self::Text(v)
    }
}
impl From<&[u8]> for SqlValue {
    fn from(v: &[u8]) -> Self {
        Self::Bytes(Some(v.to_vec()))
    }
}
impl From<Vec<u8>> for SqlValue {
    fn from(v: Vec<u8>) -> Self {
        Self::Bytes(Some(v))
    }
}
impl<const N: usize> From<&[u8; N]> for SqlValue {
    fn from(v: &[u8; N]) -> Self {
        Self::Bytes(Some(v.to_vec()))
    }
}

/// Builds a parameter list: `args![a, b]`.
#[macro_export]
macro_rules! args {
    ($($value:expr),* $(,)?) => { vec![$($crate::storage::SqlValue::from($value)),*] };
}
pub use crate::args;

/// One result row.
#[derive(Debug, Clone)]
pub struct SqlRow {
    values: Vec<SqlValue>,
}

impl SqlRow {
    pub(crate) fn new(values: Vec<SqlValue>) -> Self {
        Self { values }
    }

    fn value(&self, i: usize) -> Result<&SqlValue, StorageError> {
        self.values.get(i).ok_or(StorageError::Decode { column: i, expected: "a column" })
    }

    pub fn int(&self, i: usize) -> Result<i64, StorageError> {
        self.opt_int(i)?.ok_or(StorageError::Decode { column: i, expected: "a non-null integer" })
    }

    pub fn opt_int(&self, i: usize) -> Result<Option<i64>, StorageError> {
        match self.value(i)? {
            SqlValue::Int(v) => Ok(*v),
            SqlValue::Text(None) | SqlValue::Bytes(None) => Ok(None),
            _ => Err(StorageError::Decode { column: i, expected: "an integer" }),
        }
    }

    pub fn text(&self, i: usize) -> Result<String, StorageError> {
        self.opt_text(i)?.ok_or(StorageError::Decode { column: i, expected: "non-null text" })
    }

    pub fn opt_text(&self, i: usize) -> Result<Option<String>, StorageError> {
        match self.value(i)? {
            SqlValue::Text(v) => Ok(v.clone()),
            SqlValue::Int(None) | SqlValue::Bytes(None) => Ok(None),
            _ => Err(StorageError::Decode { column: i, expected: "text" }),
        }
    }

    pub fn bytes(&self, i: usize) -> Result<Vec<u8>, StorageError> {
        match self.value(i)? {
            SqlValue::Bytes(Some(v)) => Ok(v.clone()),
            _ => Err(StorageError::Decode { column: i, expected: "non-null bytes" }),
        }
    }

    pub fn opt_bytes(&self, i: usize) -> Result<Option<Vec<u8>>, StorageError> {
        match self.value(i)? {
            SqlValue::Bytes(v) => Ok(v.clone()),
            SqlValue::Int(None) | SqlValue::Text(None) => Ok(None),
            _ => Err(StorageError::Decode { column: i, expected: "bytes" }),
        }
    }

    /// A 32-byte hash or key.
    pub fn bytes32(&self, i: usize) -> Result<[u8; 32], StorageError> {
        self.bytes(i)?.try_into().map_err(|_| StorageError::Decode { column: i, expected: "32 bytes" })
    }
}

/// Whether a transaction will write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TxMode {
    Read,
    Write,
}

/// A database: opens transactions.
#[async_trait::async_trait]
pub trait Storage: Send + Sync + fmt::Debug {
    /// `sqlite` or `postgres`.
    fn engine(&self) -> &'static str;
    /// Starts a transaction. Write transactions on SQLite share one
    /// connection behind a fair mutex, so writers queue in order rather than
    /// spin on locks.
    async fn begin(&self, mode: TxMode) -> Result<Box<dyn Tx>, StorageError>;
    /// Runs one read-only query on its own, outside a transaction (a single
    /// statement sees one consistent state by itself). On PostgreSQL that
    /// is one round trip, where `BEGIN`, the query and the end are three.
    async fn query(&self, sql: &str, args: Vec<SqlValue>) -> Result<Vec<SqlRow>, StorageError>;
    /// The number of migrations applied.
    async fn schema_version(&self) -> Result<i64, StorageError>;
    /// A consistent copy of the whole database to `destination` (SQLite's
    /// online backup through `VACUUM INTO`). PostgreSQL is backed up with
    /// `pg_dump` instead (docs/operations.md).
    async fn backup(&self, destination: &Path) -> Result<(), StorageError>;
    /// Closes every pooled connection.
    async fn close(&self);
    /// The database file's size and the room left beside it; `None` where
    /// the database is not a local file (PostgreSQL).
    fn file_usage(&self) -> Option<FileUsage> {
        None
    }
}

/// A local database file's size and the free space on its filesystem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileUsage {
    /// The file with its write-ahead log.
    pub size_bytes: u64,
    /// What an unprivileged process may still write on the filesystem.
    pub available_bytes: u64,
}

/// An open transaction. Dropped without [`Tx::commit`], it rolls back.
#[async_trait::async_trait]
pub trait Tx: Send {
    /// Runs a statement; returns the number of rows changed.
    async fn execute(&mut self, sql: &str, args: Vec<SqlValue>) -> Result<u64, StorageError>;
    /// Runs a query and returns every row.
    async fn fetch(&mut self, sql: &str, args: Vec<SqlValue>) -> Result<Vec<SqlRow>, StorageError>;
    async fn commit(self: Box<Self>) -> Result<(), StorageError>;
}

impl dyn Storage + '_ {
    /// [`Storage::query`] for exactly one row.
    pub async fn query_one(&self, sql: &str, args: Vec<SqlValue>) -> Result<SqlRow, StorageError> {
        at_most_one(sql, self.query(sql, args).await?)?.ok_or_else(|| StorageError::NoRow { sql: excerpt(sql) })
    }

    /// [`Storage::query`] for at most one row.
    pub async fn query_optional(&self, sql: &str, args: Vec<SqlValue>) -> Result<Option<SqlRow>, StorageError> {
        at_most_one(sql, self.query(sql, args).await?)
    }
}

fn at_most_one(sql: &str, mut rows: Vec<SqlRow>) -> Result<Option<SqlRow>, StorageError> {
    if rows.len() > 1 {
        return Err(StorageError::TooManyRows { sql: excerpt(sql) });
    }
    Ok(rows.pop())
}

impl dyn Tx + '_ {
    /// At most one row.
    pub async fn fetch_optional(&mut self, sql: &str, args: Vec<SqlValue>) -> Result<Option<SqlRow>, StorageError> {
        at_most_one(sql, self.fetch(sql, args).await?)
    }

    /// Exactly one row.
    pub async fn fetch_one(&mut self, sql: &str, args: Vec<SqlValue>) -> Result<SqlRow, StorageError> {
        self.fetch_optional(sql, args).await?.ok_or_else(|| StorageError::NoRow { sql: excerpt(sql) })
    }
}

/// Which database to open.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseTarget {
    /// An SQLite file, created if missing.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL (`postgres://…`). Its password is never logged.
    Postgres(String),
}

impl fmt::Debug for DatabaseTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl DatabaseTarget {
    /// A description safe for logs: the path, or the URL without credentials.
    pub fn redacted(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite:{}", path.display()),
            Self::Postgres(url) => {
                // The user and password end at the last `@` (a password may
                // hold one); a password may also come as a query parameter.
                let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url.as_str()));
                let (user, host) = match rest.rsplit_once('@') {
                    Some((_, host)) => ("***@", host),
                    None => ("", rest),
                };
                let (host, query) = host.split_once('?').map_or((host, None), |(h, q)| (h, Some(q)));
                let query = query.map_or_else(String::new, |q| {
                    let parameters: Vec<String> = q
                        .split('&')
                        .map(|parameter| match parameter.split_once('=') {
                            Some((name, _)) if !matches!(name.to_ascii_lowercase().as_str(), "host" | "port" | "dbname" | "sslmode") => {
                                format!("{name}=***")
                            }
                            _ => parameter.to_owned(),
                        })
                        .collect();
                    format!("?{}", parameters.join("&"))
                });
                format!("{scheme}://{user}{host}{query}")
            }
        }
    }
}

/// Connects to `target` and applies its migrations.
/// Connects to `target`, applies its migrations, and makes sure the server
/// has an instance id.
pub async fn open(target: &DatabaseTarget) -> Result<std::sync::Arc<dyn Storage>, StorageError> {
    let storage: std::sync::Arc<dyn Storage> = match target {
        DatabaseTarget::Sqlite(path) => std::sync::Arc::new(SqliteStorage::open(path).await?),
        DatabaseTarget::Postgres(url) => std::sync::Arc::new(PostgresStorage::open(url, &target.redacted()).await?),
    };
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|_| StorageError::Unsupported("the random source failed"))?;
    let mut tx = storage.begin(TxMode::Write).await?;
    // The CHECK (singleton = 1) and ON CONFLICT make this a no-op after the
    // first start, even with several replicas starting at once.
    tx.execute(
        "INSERT INTO server_instance (singleton, instance_id) VALUES (1, $1) ON CONFLICT (singleton) DO NOTHING",
        args![hex::encode(bytes)],
    )
    .await?;
    tx.commit().await?;
    Ok(storage)
}

/// The server's instance id (changed by a declared restore).
pub async fn instance_id(tx: &mut dyn Tx) -> Result<String, StorageError> {
    tx.fetch_one("SELECT instance_id FROM server_instance WHERE singleton = 1", args![]).await?.text(0)
}

/// How many migrations this build carries for `target`'s engine.
pub fn migration_count(target: &DatabaseTarget) -> i64 {
    let n = match target {
        DatabaseTarget::Sqlite(_) => sqlite::MIGRATIONS.iter().count(),
        DatabaseTarget::Postgres(_) => postgres::MIGRATIONS.iter().count(),
    };
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Why the database could not be opened or used.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The connection URL does not parse.
    #[error("database URL is not valid: {0}; expected postgres://USER:PASSWORD@HOST:PORT/DATABASE")]
    BadUrl(String),
    /// The database refused the connection or does not exist.
    #[error("cannot connect to {target}: {source}")]
    Connect { target: String, source: Box<dyn std::error::Error + Send + Sync> },
    /// A migration failed.
    #[error("migrating {target} failed: {source}")]
    Migrate { target: String, source: sqlx::migrate::MigrateError },
    /// A unique constraint refused a row: a concurrent insert won.
    #[error("a row with this key exists already ({constraint})")]
    Duplicate { constraint: String },
    /// A CHECK or FOREIGN KEY constraint refused a row.
    #[error("the database refused the row: {message}")]
    Constraint { message: String },
    /// A query failed.
    #[error("query `{sql}` failed: {source}")]
    Query { sql: String, source: Box<dyn std::error::Error + Send + Sync> },
    /// A column did not hold what the code expected: the schema and the code disagree.
    #[error("column {column} is not {expected}")]
    Decode { column: usize, expected: &'static str },
    #[error("query `{sql}` returned no row")]
    NoRow { sql: String },
    #[error("query `{sql}` returned more than one row")]
    TooManyRows { sql: String },
    /// A database-engine feature the other engine lacks.
    #[error("{0}")]
    Unsupported(&'static str),
}

/// A statement's name for traces: its verb and the table it names first
/// (`SELECT audit_entry`, `INSERT sync_op`), never its values (which are
/// bound parameters, not in the text, anyway).
pub(crate) struct StatementName<'a>(pub(crate) &'a str);

impl fmt::Display for StatementName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let words: Vec<&str> = self.0.split_whitespace().take(40).collect();
        let verb = words.first().map_or("SQL", |w| w.trim_start_matches('('));
        let table = words
            .windows(2)
            .find(|w| matches!(w[0].to_ascii_uppercase().as_str(), "FROM" | "INTO" | "UPDATE" | "JOIN"))
            .map(|w| w[1].trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '_'))
            .filter(|t| !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        match table {
            Some(table) => write!(f, "{} {table}", verb.to_ascii_uppercase()),
            None => f.write_str(&verb.to_ascii_uppercase()),
        }
    }
}

/// The span a statement runs in: made only inside a trace being recorded
/// (traces on, and this one sampled).
pub(crate) fn statement_span(engine: &'static str, sql: &str) -> tracing::Span {
    if !uw_telemetry::recording() {
        return tracing::Span::none();
    }
    tracing::debug_span!("db.statement", db.system = engine, db.operation.name = %StatementName(sql))
}

/// The first words of a statement, for error messages.
pub(crate) fn excerpt(sql: &str) -> String {
    let flat: String = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.len() > 80 {
        let mut end = 80;
        while !flat.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}…", &flat[..end])
    } else {
        flat
    }
}

/// Maps a sqlx (PostgreSQL) error, turning constraint violations into their own variants.
pub(crate) fn query_error(sql: &str, error: sqlx::Error) -> StorageError {
    if let sqlx::Error::Database(db) = &error {
        if db.is_unique_violation() {
            return StorageError::Duplicate { constraint: db.constraint().map_or_else(|| db.message().to_owned(), str::to_owned) };
        }
        if db.is_check_violation() || db.is_foreign_key_violation() {
            return StorageError::Constraint { message: db.message().to_owned() };
        }
    }
    StorageError::Query { sql: excerpt(sql), source: error.into() }
}

#[cfg(test)]
mod tests {
    use super::DatabaseTarget;

    /// Attack test 36: no password reaches a log line or an error message.
    #[test]
    fn a_redacted_database_url_holds_no_password() {
        let redact = |url: &str| DatabaseTarget::Postgres(url.to_owned()).redacted();
        assert_eq!(redact("postgres://u:p@ss@db.example/uw"), "postgres://***@db.example/uw");
        assert_eq!(
            redact("postgres://db.example/uw?password=secret&sslmode=require"),
            "postgres://db.example/uw?password=***&sslmode=require"
        );
        assert_eq!(
            redact("postgresql://uw@db.example:5432/uw?user=uw&passfile=/x"),
            "postgresql://***@db.example:5432/uw?user=***&passfile=***"
        );
        assert_eq!(redact("postgres://db.example/uw"), "postgres://db.example/uw");
    }
}
