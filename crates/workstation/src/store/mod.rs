//! The encrypted local store: SQLCipher 4 through rusqlite.
//!
//! Opening checks the key before anything else touches the file, so a wrong
//! key is reported and the file is left exactly as it was. Migrations are the
//! SQL files under `migrations/workstation/`, compiled in and applied in order,
//! each in its own transaction, tracked by `PRAGMA user_version`.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};
use rusqlite::{params, Connection, ErrorCode, OpenFlags, OptionalExtension};
use rust_decimal::Decimal;
use zeroize::Zeroizing;

use crate::key::StoreKey;

mod accounts;
mod book;
mod drafts;
mod notifications;
mod policies;
mod quotes;
mod rate_drafts;
pub(crate) mod subject_requests;
mod support;
mod sync;

pub(crate) use notifications::notify;
pub(crate) use policies::mirror_status;
pub use policies::{NewPolicyChange, PolicyChange, StoredPolicy};
pub use quotes::RatingRecord;
pub(crate) use quotes::{audit, parse_date, sql_err};
pub use rate_drafts::StoredRateDraft;
pub(crate) use sync::{active_keys, pack_files};
pub use sync::{Enrollment, SyncIssue};

/// The workstation migrations, in order. Never edit one that has shipped;
/// add a new file instead.
/// A migration whose text holds this runs with foreign keys off (see `Store::migrate`).
const FOREIGN_KEYS_OFF: &str = "uw-migration: foreign keys off";

pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_quotes.sql", include_str!("../../../../migrations/workstation/0001_quotes.sql")),
    ("0002_store_meta.sql", include_str!("../../../../migrations/workstation/0002_store_meta.sql")),
    ("0003_outbox.sql", include_str!("../../../../migrations/workstation/0003_outbox.sql")),
    ("0004_quoting.sql", include_str!("../../../../migrations/workstation/0004_quoting.sql")),
    ("0005_sync.sql", include_str!("../../../../migrations/workstation/0005_sync.sql")),
    ("0006_quote_draft.sql", include_str!("../../../../migrations/workstation/0006_quote_draft.sql")),
    ("0007_setup.sql", include_str!("../../../../migrations/workstation/0007_setup.sql")),
    ("0008_policy_changes.sql", include_str!("../../../../migrations/workstation/0008_policy_changes.sql")),
    ("0009_rate_drafts.sql", include_str!("../../../../migrations/workstation/0009_rate_drafts.sql")),
    ("0010_server_ca.sql", include_str!("../../../../migrations/workstation/0010_server_ca.sql")),
    ("0011_device_numbers.sql", include_str!("../../../../migrations/workstation/0011_device_numbers.sql")),
    ("0012_decision_refusals.sql", include_str!("../../../../migrations/workstation/0012_decision_refusals.sql")),
    ("0013_accounts_notifications.sql", include_str!("../../../../migrations/workstation/0013_accounts_notifications.sql")),
    ("0014_organisation.sql", include_str!("../../../../migrations/workstation/0014_organisation.sql")),
    ("0015_agency.sql", include_str!("../../../../migrations/workstation/0015_agency.sql")),
    ("0016_dashboard_indexes.sql", include_str!("../../../../migrations/workstation/0016_dashboard_indexes.sql")),
    ("0017_subject_requests.sql", include_str!("../../../../migrations/workstation/0017_subject_requests.sql")),
];

/// SQLCipher settings, pinned: SQLCipher 4's defaults, set explicitly on
/// every open and recorded in `store_meta` by migration 0002.
const CIPHER_SETTINGS: &str = "PRAGMA cipher_compatibility = 4; PRAGMA cipher_page_size = 4096;";
const PAGE_SIZE: u64 = 4096;

/// An open, unlocked, migrated store.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// A quote to be saved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewQuickQuote {
    pub garaging_zip: String,
    pub vehicle_year: i32,
    pub pack_id: String,
    pub premium: Decimal,
    /// The rating worksheet, as JSON.
    pub worksheet_json: String,
}

/// One change for the server, waiting or delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub seq: i64,
    pub op_id: String,
    pub kind: String,
    pub payload: String,
    /// When the device wrote it, by the device's clock.
    pub created_at: String,
    pub signature: String,
    /// When the server answered for it (any outcome); `None` while it waits.
    pub sent_at: Option<String>,
}

impl OutboxEntry {
    /// The entry as the push request carries it.
    pub fn to_push_op(&self) -> uw_protocol::PushOp {
        uw_protocol::PushOp {
            // `seq` is positive (a CHECK in the outbox table).
            seq: u64::try_from(self.seq).unwrap_or_default(),
            op_id: self.op_id.clone(),
            kind: self.kind.clone(),
            payload: self.payload.clone(),
            created_at: self.created_at.clone(),
            signature: self.signature.clone(),
        }
    }

    /// Checks the device's signature, exactly as the server does.
    pub fn verify(&self, key: &VerifyingKey) -> bool {
        self.seq > 0 && uw_protocol::verify_operation(key, &self.to_push_op()).is_ok()
    }
}

/// Appends to the outbox inside the caller's transaction: the next sequence
/// number (gapless, because it is computed in the same transaction that
/// writes it), a fresh client id, and the device's signature.
fn append_outbox(tx: &Connection, kind: &str, payload: &str, device_key: &SigningKey) -> rusqlite::Result<i64> {
    let seq: i64 = tx.query_row("SELECT COALESCE(MAX(seq), 0) + 1 FROM outbox", [], |r| r.get(0))?;
    let mut id = [0u8; 16];
    getrandom::fill(&mut id).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(std::io::Error::other(e.to_string()))))?;
    let op_id = hex::encode(id);
    // The one definition of the signed bytes is the protocol crate's, so the
    // server verifies exactly what the device signed.
    let seq_u64 = u64::try_from(seq).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    let signature = device_key.sign(uw_protocol::signed_message(seq_u64, &op_id, kind, payload).as_bytes());
    tx.execute(
        "INSERT INTO outbox (seq, op_id, kind, payload, created_at, signature) VALUES (?1, ?2, ?3, ?4, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?5)",
        params![seq, op_id, kind, payload, hex::encode(signature.to_bytes())],
    )?;
    Ok(seq)
}

/// A quote as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredQuickQuote {
    pub id: i64,
    pub created_at: String,
    pub quote: NewQuickQuote,
}

impl Store {
    /// Opens (or creates) the store at `path` with `key`.
    pub fn open(path: &Path, key: &StoreKey) -> Result<Self, StoreError> {
        // A store is whole pages; anything else was cut short (a copy
        // interrupted, a disk full) and must not be opened as if it were fine.
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.len() % PAGE_SIZE != 0 {
                return Err(StoreError::Truncated { path: path.to_owned(), len: meta.len() });
            }
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let sql_err = |source| StoreError::Sqlite { path: path.to_owned(), source };
        let conn = Connection::open_with_flags(path, flags).map_err(sql_err)?;
        // The raw-key form `x'…'` skips SQLCipher's passphrase derivation. The
        // hex comes from our own bytes, so formatting it into SQL is safe.
        let pragma = Zeroizing::new(format!("PRAGMA key = \"x'{}'\"; {CIPHER_SETTINGS}", hex::encode(key.as_bytes())));
        conn.execute_batch(&pragma).map_err(sql_err)?;
        // The first read decrypts page 1; a wrong key fails here, before any write.
        match conn.query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get::<_, i64>(0)) {
            Ok(_) => {}
            Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == ErrorCode::NotADatabase => {
                return Err(StoreError::WrongKey { path: path.to_owned() });
            }
            Err(source) => return Err(sql_err(source)),
        }
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;").map_err(sql_err)?;
        let mut store = Self { conn, path: path.to_owned() };
        store.migrate()?;
        store.check_recorded_settings()?;
        store.refresh_statistics_if_stale()?;
        Ok(store)
    }

    /// Gives the query planner table statistics once the quote table has
    /// at least 1,000 rows, and again each time it doubles. Without them
    /// SQLite guesses that a date-range index is selective and sorts every
    /// quote in the range (130 ms at 100,000 quotes) instead of walking the
    /// most-recent index and stopping at a page (docs/benchmarks.md).
    /// `analysis_limit` keeps ANALYZE to a sample: about 50 ms at 100,000.
    fn refresh_statistics_if_stale(&mut self) -> Result<(), StoreError> {
        let quotes: i64 = self.conn.query_row("SELECT COALESCE(MAX(id), 0) FROM quote", [], |r| r.get(0)).map_err(|e| self.err(e))?;
        if quotes < 1000 {
            return Ok(());
        }
        let has_stats: bool = self
            .conn
            .query_row("SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'", [], |r| r.get::<_, i64>(0))
            .map_err(|e| self.err(e))?
            > 0;
        let recorded: i64 = if has_stats {
            let stat: Option<String> = self
                .conn
                .query_row("SELECT stat FROM sqlite_stat1 WHERE tbl = 'quote' AND idx = 'quote_by_updated'", [], |r| r.get(0))
                .optional()
                .map_err(|e| self.err(e))?;
            stat.and_then(|s| s.split(' ').next().and_then(|n| n.parse().ok())).unwrap_or(0)
        } else {
            0
        };
        if quotes >= recorded.saturating_mul(2) {
            self.conn.execute_batch("PRAGMA analysis_limit = 400; ANALYZE;").map_err(|e| self.err(e))?;
        }
        Ok(())
    }

    /// A savepoint on the store's connection, for a change made of several
    /// statements that must land together (`crate::sync::apply`).
    pub(crate) fn savepoint(&mut self) -> rusqlite::Result<rusqlite::Savepoint<'_>> {
        self.conn.savepoint()
    }

    /// Where the store's file is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn check_recorded_settings(&self) -> Result<(), StoreError> {
        let recorded: Option<String> = self
            .conn
            .query_row("SELECT value FROM store_meta WHERE key = 'cipher_compatibility'", [], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?;
        match recorded.as_deref() {
            Some("4") => Ok(()),
            other => Err(StoreError::CipherSettings { path: self.path.clone(), recorded: other.unwrap_or("nothing").to_owned() }),
        }
    }

    /// Verifies every page's HMAC (`PRAGMA cipher_integrity_check`) and the
    /// database structure (`PRAGMA integrity_check`). Reads the whole file.
    pub fn check(&self) -> Result<(), StoreError> {
        let mut problems: Vec<String> = Vec::new();
        let mut stmt = self.conn.prepare("PRAGMA cipher_integrity_check").map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(|e| self.err(e))?;
        for row in rows {
            problems.push(row.map_err(|e| self.err(e))?);
        }
        if problems.is_empty() {
            let mut stmt = self.conn.prepare("PRAGMA integrity_check").map_err(|e| self.err(e))?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(|e| self.err(e))?;
            for row in rows {
                let row = row.map_err(|e| self.err(e))?;
                if row != "ok" {
                    problems.push(row);
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(StoreError::Corrupt { path: self.path.clone(), problems })
        }
    }

    /// Writes a consistent copy of the store to `dest` (which must not
    /// exist), encrypted with the same key.
    pub fn snapshot_into(&self, dest: &Path) -> Result<(), StoreError> {
        let dest_text = dest
            .to_str()
            .ok_or_else(|| StoreError::Sqlite { path: dest.to_owned(), source: rusqlite::Error::InvalidPath(dest.to_owned()) })?;
        self.conn.execute("VACUUM INTO ?1", [dest_text]).map_err(|e| self.err(e))?;
        Ok(())
    }

    /// The number of migrations applied.
    pub fn schema_version(&self) -> Result<usize, StoreError> {
        let v: i64 = self.conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| self.err(e))?;
        Ok(usize::try_from(v).unwrap_or(usize::MAX))
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let current = self.schema_version()?;
        if current > MIGRATIONS.len() {
            return Err(StoreError::TooNew { path: self.path.clone(), found: current, known: MIGRATIONS.len() });
        }
        for (index, (name, sql)) in MIGRATIONS.iter().enumerate().skip(current) {
            let path = self.path.clone();
            let fail = |source| StoreError::Migration { path: path.clone(), migration: (*name).to_owned(), source };
            // A migration that rebuilds a table runs with foreign keys off
            // (SQLite cannot switch them inside a transaction), and must
            // leave every reference intact: checked before it commits.
            let keys_off = sql.contains(FOREIGN_KEYS_OFF);
            if keys_off {
                self.conn.execute_batch("PRAGMA foreign_keys = OFF").map_err(fail)?;
            }
            let result = (|| {
                let tx = self.conn.transaction()?;
                tx.execute_batch(sql)?;
                if keys_off {
                    let broken: Option<String> = tx.query_row("PRAGMA foreign_key_check", [], |r| r.get(0)).optional()?;
                    if let Some(table) = broken {
                        return Err(rusqlite::Error::SqliteFailure(
                            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
                            Some(format!("the migration leaves a broken reference in {table}")),
                        ));
                    }
                }
                tx.pragma_update(None, "user_version", index + 1)?;
                tx.commit()
            })();
            if keys_off {
                self.conn.execute_batch("PRAGMA foreign_keys = ON").map_err(fail)?;
            }
            result.map_err(fail)?;
        }
        Ok(())
    }

    /// Saves a quote and returns its id.
    pub fn save_quick_quote(&mut self, quote: &NewQuickQuote) -> Result<i64, StoreError> {
        self.conn
            .execute(
                "INSERT INTO quick_quote (created_at, garaging_zip, vehicle_year, pack_id, premium, worksheet)
                 VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?1, ?2, ?3, ?4, ?5)",
                params![quote.garaging_zip, quote.vehicle_year, quote.pack_id, quote.premium.to_string(), quote.worksheet_json],
            )
            .map_err(|e| self.err(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// Saves a quote and its outbox entry in one transaction: both are
    /// committed or neither is. Returns the quote id and the outbox sequence
    /// number.
    pub fn save_quick_quote_with_outbox(&mut self, quote: &NewQuickQuote, device_key: &SigningKey) -> Result<(i64, i64), StoreError> {
        let path = self.path.clone();
        let err = |source| StoreError::Sqlite { path: path.clone(), source };
        let tx = self.conn.transaction().map_err(err)?;
        tx.execute(
            "INSERT INTO quick_quote (created_at, garaging_zip, vehicle_year, pack_id, premium, worksheet)
             VALUES (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?1, ?2, ?3, ?4, ?5)",
            params![quote.garaging_zip, quote.vehicle_year, quote.pack_id, quote.premium.to_string(), quote.worksheet_json],
        )
        .map_err(err)?;
        let quote_id = tx.last_insert_rowid();
        let payload =
            serde_json::json!({ "quote_id": quote_id, "pack_id": quote.pack_id, "premium": quote.premium.to_string() }).to_string();
        let seq = append_outbox(&tx, "quote.saved", &payload, device_key).map_err(err)?;
        tx.commit().map_err(err)?;
        Ok((quote_id, seq))
    }

    /// How many quotes the store holds.
    pub fn quick_quote_count(&self) -> Result<i64, StoreError> {
        self.conn.query_row("SELECT count(*) FROM quick_quote", [], |r| r.get(0)).map_err(|e| self.err(e))
    }

    /// Every outbox entry, in sequence order.
    pub fn outbox(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        self.outbox_where("1 ORDER BY seq", [])
    }

    /// How many outbox entries wait for the server, and when the server last
    /// answered for one (UTC instant text), for the dashboard.
    pub fn outbox_status(&self) -> Result<(u64, Option<String>), StoreError> {
        // Two index reads (migration 0016), not a scan of every payload;
        // without statistics SQLite would scan the table for the count.
        let unsent: i64 = self
            .conn
            .query_row("SELECT count(*) FROM outbox INDEXED BY outbox_unsent WHERE sent_at IS NULL", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        let last: Option<String> =
            self.conn.query_row("SELECT max(sent_at) FROM outbox WHERE sent_at IS NOT NULL", [], |r| r.get(0)).map_err(|e| self.err(e))?;
        Ok((unsent.unsigned_abs(), last))
    }

    /// The policies the server reported, latest effective date first, at most `limit`.
    pub fn policies(&self, limit: u32) -> Result<Vec<crate::quotes::model::PolicySummary>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT p.policy_number, q.quote_number, p.status, p.version, p.effective_date, p.expiration_date, p.premium \
                 FROM policy p LEFT JOIN quote q ON q.id = p.quote_id ORDER BY p.effective_date DESC, p.policy_number LIMIT ?1",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([limit], |r| {
                Ok(crate::quotes::model::PolicySummary {
                    policy_number: r.get(0)?,
                    quote_number: r.get(1)?,
                    status: r.get(2)?,
                    version: r.get(3)?,
                    effective_date: r.get(4)?,
                    expiration_date: r.get(5)?,
                    premium: r.get(6)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// The quote a policy was bound from, and its term: (quote id, effective date, expiration date).
    pub fn policy_quote(&self, policy_number: &str) -> Result<Option<(i64, String, String)>, StoreError> {
        self.conn
            .query_row(
                "SELECT quote_id, effective_date, expiration_date FROM policy WHERE policy_number = ?1 AND quote_id IS NOT NULL",
                [policy_number],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Outbox entries the server has not answered for, in sequence order, at most `limit`.
    pub fn unsent_outbox(&self, limit: usize) -> Result<Vec<OutboxEntry>, StoreError> {
        self.outbox_where("sent_at IS NULL ORDER BY seq LIMIT ?1", [i64::try_from(limit).unwrap_or(i64::MAX)])
    }

    fn outbox_where(&self, condition: &str, params: impl rusqlite::Params) -> Result<Vec<OutboxEntry>, StoreError> {
        let sql = format!("SELECT seq, op_id, kind, payload, created_at, signature, sent_at FROM outbox WHERE {condition}");
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params, |r| {
                Ok(OutboxEntry {
                    seq: r.get(0)?,
                    op_id: r.get(1)?,
                    kind: r.get(2)?,
                    payload: r.get(3)?,
                    created_at: r.get(4)?,
                    signature: r.get(5)?,
                    sent_at: r.get(6)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// Loads a quote by id.
    pub fn load_quick_quote(&self, id: i64) -> Result<StoredQuickQuote, StoreError> {
        let row = self
            .conn
            .query_row(
                "SELECT created_at, garaging_zip, vehicle_year, pack_id, premium, worksheet FROM quick_quote WHERE id = ?1",
                [id],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i32>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                    ))
                },
            )
            .optional()
            .map_err(|e| self.err(e))?
            .ok_or(StoreError::QuickQuoteNotFound { id })?;
        let (created_at, garaging_zip, vehicle_year, pack_id, premium, worksheet_json) = row;
        let premium = Decimal::from_str(&premium).map_err(|_| StoreError::BadValue { id, field: "premium", value: premium.clone() })?;
        Ok(StoredQuickQuote { id, created_at, quote: NewQuickQuote { garaging_zip, vehicle_year, pack_id, premium, worksheet_json } })
    }

    fn err(&self, source: rusqlite::Error) -> StoreError {
        StoreError::Sqlite { path: self.path.clone(), source }
    }
}

/// Why the store could not be opened, read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The key does not decrypt the file, or the file is not a workstation store.
    #[error("cannot decrypt {}: the key does not match this store, or the file is not a workstation store; the file was left unchanged", path.display())]
    WrongKey { path: PathBuf },
    /// The store was written by a newer version of the application.
    #[error("{} has schema version {found} but this application knows only {known}; upgrade the application", path.display())]
    TooNew { path: PathBuf, found: usize, known: usize },
    /// A migration failed; its transaction was rolled back.
    #[error("{}: migration {migration} failed: {source}", path.display())]
    Migration { path: PathBuf, migration: String, source: rusqlite::Error },
    /// No quote has this id.
    #[error("no quote with id {id}")]
    QuickQuoteNotFound { id: i64 },
    /// A stored value does not parse; the file was altered outside the application.
    #[error("quote {id}: stored {field} `{value}` is not valid")]
    BadValue { id: i64, field: &'static str, value: String },
    /// The file's length is not a whole number of pages.
    #[error("{} is {len} bytes, not a whole number of 4096-byte pages: the file was cut short; restore it from a backup", path.display())]
    Truncated { path: PathBuf, len: u64 },
    /// Pages fail their HMAC or the structure is damaged.
    #[error("{} is damaged: {}; restore it from a backup", path.display(), problems.join("; "))]
    Corrupt { path: PathBuf, problems: Vec<String> },
    /// The store records other SQLCipher settings than this application uses.
    #[error("{} records SQLCipher compatibility {recorded}, not 4; it was written by another application", path.display())]
    CipherSettings { path: PathBuf, recorded: String },
    /// No quote has this id.
    #[error("no quote with id {id}")]
    QuoteNotFound { id: i64 },
    /// No customer has this id.
    #[error("no customer with id {id}")]
    CustomerNotFound { id: i64 },
    /// No quote has this number.
    #[error("no quote numbered {number}")]
    QuoteNumberNotFound { number: String },
    /// The status machine does not allow this now.
    #[error(transparent)]
    Status(#[from] uw_policy::StatusError),
    /// The quote was changed since the caller read it.
    #[error("{quote_number} is no longer at version {version}; reload it and try again")]
    StaleVersion { quote_number: String, version: u32 },
    /// A quote cannot change product; start a new quote.
    #[error("{quote_number} is a {from} quote and cannot become {to}; start a new quote")]
    ProductChanged { quote_number: String, from: uw_rating::Product, to: uw_rating::Product },
    /// The quote's 30 days ran out; it was marked expired.
    #[error("{quote_number} expired on {expires_on}; edit it to re-rate it on the pack in force")]
    Expired { quote_number: String, expires_on: time::Date },
    /// This device has handed out every quote number it holds for the year.
    #[error("no quote numbers left for {year} on this device; sync to get a new block")]
    QuoteNumbersExhausted { year: i32 },
    /// A list filter is malformed.
    #[error("filter {field}: {message}")]
    BadFilter { field: &'static str, message: String },
    /// A stored value does not parse: the file was altered outside the application.
    #[error("{table} row {id}: stored {field} is not valid: {problem}")]
    BadStoredValue { table: &'static str, id: i64, field: &'static str, problem: String },
    /// No draft has this id.
    #[error("no quote draft with id {id}")]
    DraftNotFound { id: i64 },
    /// A draft to save is malformed.
    #[error("draft {field}: {message}")]
    BadDraft { field: &'static str, message: String },
    /// Any other SQLite failure.
    #[error("{}: {source}", path.display())]
    Sqlite { path: PathBuf, source: rusqlite::Error },
}
