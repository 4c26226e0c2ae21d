//! The rows a group of pushes reads and writes, batched into multi-row statements.

use super::group_commit::Job;
use crate::audit::Mutation;
use crate::error::ApiError;
use crate::keys::unix_ms;
use crate::storage::{args, SqlRow};

/// A recorded operation: the answer a replay of it gets.
pub(crate) struct Record {
    pub(crate) device_id: String,
    pub(crate) seq: i64,
    pub(crate) op_id: String,
    pub(crate) kind: String,
    pub(crate) digest: [u8; 32],
    pub(crate) outcome: &'static str,
    pub(crate) answer: String,
}

/// The operations a group has applied, and each device's last sequence
/// number, written in a few statements when the group ends; until then
/// replays and reused op ids inside the group are found here.
///
/// Also what the group's operations read, fetched for all of them in a few
/// statements before the first is applied (a round trip for each would cost
/// more than the rest of the work): each device's row with its record of
/// the operation's sequence number (valid for the whole group: revocations
/// take the log head, and the group writes sync records only at its end),
/// and each quote number's block and quote record (dropped once the group
/// writes that quote, so later reads see the write).
#[derive(Default)]
pub(crate) struct Records {
    pub(crate) records: Vec<Record>,
    pub(crate) by_seq: std::collections::HashMap<(String, i64), usize>,
    pub(crate) by_op_id: std::collections::HashMap<(String, String), i64>,
    pub(crate) last_seq: std::collections::BTreeMap<String, i64>,
    /// (device, seq) → the columns of [`DEVICE_READ`].
    pub(crate) devices: std::collections::HashMap<(String, i64), SqlRow>,
    /// Quote number → the columns of [`QUOTE_READ`].
    pub(crate) quotes: std::collections::HashMap<String, SqlRow>,
    /// Quote records to write at the group's end, by quote number.
    pub(crate) quote_writes: std::collections::BTreeMap<String, QuoteWrite>,
    /// The customers the group's quotes are about, read ahead; new ones are
    /// written before the quote records that name them.
    pub(crate) people: crate::personal::People,
    /// (device, year) → the highest serial of its device-numbered quotes
    /// accepted in the group, kept in `device_quote_serial` at the end.
    pub(crate) serials: std::collections::BTreeMap<(String, i32), u32>,
}

/// A quote record to write: the values of [`QUOTE_COLUMNS`].
pub(crate) struct QuoteWrite {
    pub(crate) values: Vec<crate::storage::SqlValue>,
}

pub(crate) const QUOTE_COLUMNS: &str =
    "quote_record (quote_number, device_id, user_id, version, state, product, effective_date, input, pack_id,
    pack_digest, total, decision, reasons, status, updated_at, rated_at, person_id)";

/// Rows per quote upsert: seventeen parameters a row.
const QUOTES_PER_UPSERT: usize = 58;

/// A device, its record of a sequence number, and the sequence number that
/// used an op id, for keys `k(device_id, seq, op_id)`; the key's device and
/// sequence number come last.
const DEVICE_READ: &str = "SELECT d.last_seq, d.revoked_at, s.content_sha256, s.answer, s.op_id,
        (SELECT o.seq FROM sync_op o WHERE o.device_id = k.device_id AND o.op_id = k.op_id), k.device_id, k.seq
    FROM k JOIN device d ON d.device_id = k.device_id
    LEFT JOIN sync_op s ON s.device_id = k.device_id AND s.seq = k.seq";

/// The device a quote number belongs to, and the quote's record, for keys
/// `k(quote_number, year, serial, device_number)`: a device-numbered quote
/// (`QUOT-YYYY-DDDDD-NNNNN`) belongs to the device with that number; one of
/// the first scheme (`device_number` NULL) to the device whose block holds
/// it. Then the quote number, and when the server last rated the quote.
pub(crate) const QUOTE_READ: &str =
    "SELECT COALESCE(dv.device_id, b.device_id), q.user_id, q.version, q.input, q.pack_digest, q.total, q.status,
        k.quote_number, COALESCE(q.rated_at, q.updated_at)
    FROM k LEFT JOIN quote_number_block b ON k.device_number IS NULL AND b.year = k.year AND b.first <= k.serial AND b.last >= k.serial
    LEFT JOIN device dv ON dv.device_number = k.device_number
    LEFT JOIN quote_record q ON q.quote_number = k.quote_number";

const QUOTE_KEY: (&str, [&str; 4]) = ("quote_number, year, serial, device_number", ["TEXT", "BIGINT", "BIGINT", "BIGINT"]);

/// Keys per prefetch statement: at most four parameters a key.
const KEYS_PER_READ: usize = 240;

/// `WITH k(columns) AS (VALUES ($1, $2, …), …) query`, with the first row's
/// parameters cast so PostgreSQL knows the columns' types.
fn keyed<const N: usize>(query: &str, columns: &str, types: [&str; N], rows: usize) -> String {
    let mut values = Vec::with_capacity(rows);
    for row in 0..rows {
        let n = row * N;
        let cells: Vec<String> =
            (0..N).map(|c| if row == 0 { format!("CAST(${} AS {})", n + c + 1, types[c]) } else { format!("${}", n + c + 1) }).collect();
        values.push(format!("({})", cells.join(", ")));
    }
    format!("WITH k({columns}) AS (VALUES {}) {query}", values.join(", "))
}

/// The key of [`QUOTE_READ`] for a quote number.
fn quote_key(text: &str, number: uw_policy::QuoteNumber) -> Vec<crate::storage::SqlValue> {
    args![text, number.year(), number.serial(), number.device().map(i64::from)]
}

/// The quote number an operation's payload names, and the rating input a
/// `quote.rated` carries, for the prefetch.
#[derive(serde::Deserialize)]
struct NamesQuote {
    quote_number: String,
    #[serde(default)]
    input: Option<serde_json::Value>,
}

/// Rows per multi-row statement: eight parameters a row stays under
/// SQLite's oldest limit of 999 parameters a statement.
const RECORDS_PER_INSERT: usize = 120;

impl Records {
    /// Reads, in a few statements, what the operations of `jobs` will read.
    pub(crate) async fn prefetch<'a>(
        &mut self,
        vault: &crate::personal::Vault,
        m: &mut Mutation,
        jobs: impl Iterator<Item = &'a Job>,
    ) -> Result<(), crate::personal::PersonalError> {
        let mut ops = Vec::new();
        let mut quotes = Vec::new();
        let mut identities = Vec::new();
        for job in jobs {
            for checked in &job.operations {
                let op = &checked.op;
                let Ok(seq) = i64::try_from(op.seq) else { continue };
                ops.push(args![job.device_id.as_str(), seq, op.op_id.as_str()]);
                if matches!(op.kind.as_str(), "quote.rated" | "quote.bind_requested") {
                    // A payload that names no valid quote number is refused
                    // when it is applied; there is nothing to read for it.
                    let Ok(named) = serde_json::from_str::<NamesQuote>(&op.payload) else { continue };
                    if let Ok(number) = named.quote_number.parse::<uw_policy::QuoteNumber>() {
                        quotes.push(quote_key(&named.quote_number, number));
                    }
                    if let Some(identity) = match &named.input {
                        Some(input) if op.kind == "quote.rated" => vault.identity(&mut *m.tx, input).await?,
                        _ => None,
                    } {
                        identities.push(identity);
                    }
                }
            }
        }
        for chunk in ops.chunks(KEYS_PER_READ) {
            let sql = keyed(DEVICE_READ, "device_id, seq, op_id", ["TEXT", "BIGINT", "TEXT"], chunk.len());
            for row in m.tx.fetch(&sql, chunk.concat()).await? {
                self.devices.insert((row.text(6)?, row.int(7)?), row);
            }
        }
        let mut person_ids = Vec::new();
        for chunk in quotes.chunks(KEYS_PER_READ) {
            let sql = keyed(QUOTE_READ, QUOTE_KEY.0, QUOTE_KEY.1, chunk.len());
            for row in m.tx.fetch(&sql, chunk.concat()).await? {
                // The customer a recorded quote was sealed for (the member
                // the vault writes), without parsing the whole document.
                if let Some(input) = row.opt_text(3)? {
                    const MARK: &str = "\"sealed_for\":\"";
                    if let Some(at) = input.find(MARK) {
                        person_ids.extend(input.get(at + MARK.len()..at + MARK.len() + 32).map(str::to_owned));
                    }
                }
                self.quotes.insert(row.text(7)?, row);
            }
        }
        identities.sort_unstable();
        identities.dedup();
        person_ids.sort_unstable();
        person_ids.dedup();
        vault.read_ahead(&mut *m.tx, &mut self.people, &identities, &person_ids).await
    }

    /// The [`DEVICE_READ`] row for an operation: prefetched, or read now.
    pub(crate) async fn device_row(&self, m: &mut Mutation, device_id: &str, seq: i64, op_id: &str) -> Result<SqlRow, ApiError> {
        if let Some(row) = self.devices.get(&(device_id.to_owned(), seq)) {
            return Ok(row.clone());
        }
        let sql = keyed(DEVICE_READ, "device_id, seq, op_id", ["TEXT", "BIGINT", "TEXT"], 1);
        Ok(m.tx.fetch_one(&sql, args![device_id, seq, op_id]).await?)
    }

    /// The [`QUOTE_READ`] row for a quote number: prefetched and not written
    /// since, or read now.
    pub(crate) async fn quote_row(&self, m: &mut Mutation, text: &str, number: uw_policy::QuoteNumber) -> Result<SqlRow, ApiError> {
        if let Some(row) = self.quotes.get(text) {
            return Ok(row.clone());
        }
        let sql = keyed(QUOTE_READ, QUOTE_KEY.0, QUOTE_KEY.1, 1);
        Ok(m.tx.fetch_one(&sql, quote_key(text, number)).await?)
    }

    /// The group wrote `number`'s quote record: later reads go to the database.
    pub(crate) fn wrote_quote(&mut self, number: &str) {
        self.quotes.remove(number);
    }

    /// Records a quote for the group's end: `row` (the columns of
    /// [`QUOTE_READ`]) is what later reads in the group see meanwhile. A
    /// second write of the same quote replaces the first.
    pub(crate) fn write_quote(&mut self, number: &str, write: QuoteWrite, row: SqlRow) {
        self.quotes.insert(number.to_owned(), row);
        self.quote_writes.insert(number.to_owned(), write);
    }

    /// Writes the pending quote records: one multi-row upsert; and each
    /// device's highest serial of the year, which a restored device numbers on from.
    pub(crate) async fn write_quotes(&mut self, m: &mut Mutation) -> Result<(), crate::storage::StorageError> {
        let serials = std::mem::take(&mut self.serials);
        let serials: Vec<Vec<crate::storage::SqlValue>> =
            serials.into_iter().map(|((device, year), highest)| args![device, year, highest]).collect();
        for chunk in serials.chunks(RECORDS_PER_INSERT) {
            let sql = format!(
                "{} ON CONFLICT (device_id, year) DO UPDATE SET highest =
                     CASE WHEN excluded.highest > device_quote_serial.highest THEN excluded.highest ELSE device_quote_serial.highest END",
                crate::audit::multi_row_insert("device_quote_serial (device_id, year, highest)", 3, chunk.len())
            );
            m.tx.execute(&sql, chunk.concat()).await?;
        }
        self.people.write(&mut *m.tx).await?;
        let writes: Vec<QuoteWrite> = std::mem::take(&mut self.quote_writes).into_values().collect();
        for chunk in writes.chunks(QUOTES_PER_UPSERT) {
            let sql = format!(
                "{} ON CONFLICT (quote_number) DO UPDATE SET version = excluded.version, state = excluded.state, product = excluded.product,
                     effective_date = excluded.effective_date, input = excluded.input, pack_id = excluded.pack_id,
                     pack_digest = excluded.pack_digest, total = excluded.total, decision = excluded.decision, reasons = excluded.reasons,
                     status = excluded.status, decided_by = NULL, decision_reason = NULL, updated_at = excluded.updated_at,
                     rated_at = excluded.rated_at, person_id = excluded.person_id",
                crate::audit::multi_row_insert(QUOTE_COLUMNS, 17, chunk.len())
            );
            m.tx.execute(&sql, chunk.iter().flat_map(|w| w.values.iter().cloned()).collect()).await?;
        }
        Ok(())
    }

    pub(crate) fn add(&mut self, record: Record) {
        let key = (record.device_id.clone(), record.seq);
        self.by_op_id.insert((record.device_id.clone(), record.op_id.clone()), record.seq);
        self.last_seq.insert(record.device_id.clone(), record.seq);
        self.by_seq.insert(key, self.records.len());
        self.records.push(record);
    }

    /// This group's record of `device_id`'s operation `seq`, if it applied one.
    pub(crate) fn replay(&self, device_id: &str, seq: i64) -> Option<&Record> {
        self.by_seq.get(&(device_id.to_owned(), seq)).map(|&i| &self.records[i])
    }

    pub(crate) async fn write(&mut self, m: &mut Mutation) -> Result<(), crate::storage::StorageError> {
        self.write_quotes(m).await?;
        let now = unix_ms(m.now);
        for chunk in self.records.chunks(RECORDS_PER_INSERT) {
            let mut values = Vec::with_capacity(chunk.len() * 8);
            for r in chunk {
                values.extend(args![
                    r.device_id.as_str(),
                    r.seq,
                    r.op_id.as_str(),
                    r.kind.as_str(),
                    &r.digest,
                    r.outcome,
                    r.answer.as_str(),
                    now
                ]);
            }
            let sql = crate::audit::multi_row_insert(
                "sync_op (device_id, seq, op_id, kind, content_sha256, outcome, answer, received_at)",
                8,
                chunk.len(),
            );
            m.tx.execute(&sql, values).await?;
        }
        let devices: Vec<_> = self.last_seq.iter().collect();
        for chunk in devices.chunks(RECORDS_PER_INSERT * 3) {
            let mut sql = "UPDATE device SET last_seq = CASE device_id".to_owned();
            let mut values = Vec::with_capacity(chunk.len() * 2);
            for (i, (device_id, seq)) in chunk.iter().enumerate() {
                sql.push_str(&format!(" WHEN ${} THEN ${}", 2 * i + 1, 2 * i + 2));
                values.extend(args![device_id.as_str(), **seq]);
            }
            sql.push_str(" END WHERE device_id IN (");
            sql.push_str(&(0..chunk.len()).map(|i| format!("${}", 2 * i + 1)).collect::<Vec<_>>().join(", "));
            sql.push(')');
            m.tx.execute(&sql, values).await?;
        }
        Ok(())
    }
}
