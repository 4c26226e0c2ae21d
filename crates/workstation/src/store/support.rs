//! What a support bundle reads from the store: counts and sync state, never
//! a customer's record; and every personal value, so a bundle's free text
//! (logs, sync issues) can be scrubbed of them.

use rusqlite::types::ValueRef;
use serde_json::{json, Value};
use uw_protocol::redact::Redactor;

use super::{Store, StoreError};

/// Columns whose text is personal wherever they are.
const PERSONAL_COLUMNS: &[&str] = &["name", "street", "city", "date_of_birth", "email", "phone", "vin", "license_number", "signed_by"];

impl Store {
    fn tables(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts%' ORDER BY name",
            )
            .map_err(|e| self.err(e))?;
        let names = stmt.query_map([], |r| r.get(0)).map_err(|e| self.err(e))?.collect::<rusqlite::Result<Vec<String>>>();
        names.map_err(|e| self.err(e))
    }

    /// Rows per table, quotes by status, the outbox, the last sync runs and
    /// the open sync issues by kind: no text a user typed.
    pub fn support_summary(&self) -> Result<Value, StoreError> {
        let mut tables = serde_json::Map::new();
        for table in self.tables()? {
            let n: i64 = self.conn.query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| r.get(0)).map_err(|e| self.err(e))?;
            tables.insert(table, json!(n));
        }
        let grouped = |sql: &str| -> Result<Value, StoreError> {
            let mut stmt = self.conn.prepare(sql).map_err(|e| self.err(e))?;
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, Option<String>>(0)?, r.get::<_, i64>(1)?)))
                .map_err(|e| self.err(e))?
                .collect::<rusqlite::Result<Vec<_>>>()
                .map_err(|e| self.err(e))?;
            Ok(Value::Object(rows.into_iter().map(|(k, n)| (k.unwrap_or_else(|| "none".into()), json!(n))).collect()))
        };
        let (unsent, oldest_unsent) = self.outbox_status()?;
        let mut runs =
            self.conn.prepare("SELECT finished_at, outcome, code FROM sync_run ORDER BY id DESC LIMIT 20").map_err(|e| self.err(e))?;
        let runs = runs
            .query_map([], |r| Ok(json!({ "finished_at": r.get::<_, String>(0)?, "outcome": r.get::<_, String>(1)?, "code": r.get::<_, Option<String>>(2)? })))
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))?;
        let size = std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0);
        Ok(json!({
            "file_bytes": size,
            "rows": tables,
            "quotes_by_status": grouped("SELECT status, count(*) FROM quote GROUP BY status")?,
            "outbox": { "unsent": unsent, "oldest_unsent_at": oldest_unsent },
            "sync_runs": runs,
            "sync_issues_by_kind": grouped(
                "SELECT kind || ' ' || outcome || ' ' || coalesce(code, ''), count(*) FROM sync_issue WHERE dismissed_at IS NULL GROUP BY 1"
            )?,
        }))
    }

    /// Every personal value the store holds: the columns that are personal
    /// in any table, and the personal members of every JSON document
    /// (quote inputs, outbox payloads, policies).
    pub fn personal_values(&self, redactor: &mut Redactor) -> Result<(), StoreError> {
        for table in self.tables()? {
            let mut stmt = self.conn.prepare(&format!("SELECT * FROM \"{table}\"")).map_err(|e| self.err(e))?;
            let columns: Vec<String> = stmt.column_names().into_iter().map(str::to_owned).collect();
            let mut rows = stmt.query([]).map_err(|e| self.err(e))?;
            while let Some(row) = rows.next().map_err(|e| self.err(e))? {
                for (i, column) in columns.iter().enumerate() {
                    let Ok(ValueRef::Text(bytes)) = row.get_ref(i) else { continue };
                    let Ok(text) = std::str::from_utf8(bytes) else { continue };
                    if PERSONAL_COLUMNS.contains(&column.as_str()) {
                        redactor.add(text);
                    } else if text.starts_with('{') || text.starts_with('[') {
                        if let Ok(document) = serde_json::from_str::<Value>(text) {
                            redactor.add_document(&document);
                        }
                    }
                }
            }
        }
        Ok(())
    }
}
