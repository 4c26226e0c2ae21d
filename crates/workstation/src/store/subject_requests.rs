//! Data-subject export requests the server sent, and what this device holds
//! of a customer: every row of every table that names one of their quotes,
//! policies or customer records (found by column name, so a table added
//! later is included without a change here).

use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension as _};
use serde_json::{json, Map, Value};

use super::{Store, StoreError};

/// A request waiting for this device's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingSubjectRequest {
    pub request_id: String,
    pub quote_numbers: Vec<String>,
    pub policy_numbers: Vec<String>,
}

/// Keeps a request the change feed brought, to answer after the pull.
pub(crate) fn record(sp: &Connection, request_id: &str, quotes: &[String], policies: &[String], at: &str) -> rusqlite::Result<usize> {
    let list = |v: &[String]| serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
    sp.execute(
        "INSERT INTO subject_request_pending (request_id, quote_numbers, policy_numbers, received_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (request_id) DO NOTHING",
        params![request_id, list(quotes), list(policies), at],
    )
}

/// Tables never part of an answer: this module's own, and full-text
/// indexes (their content is the customer table's).
fn skipped(table: &str) -> bool {
    table == "subject_request_pending" || table.contains("_fts") || table.starts_with("sqlite_")
}

fn json_value(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => json!(i),
        ValueRef::Real(f) => json!(f),
        ValueRef::Text(t) => {
            let text = String::from_utf8_lossy(t).into_owned();
            // JSON columns (inputs, worksheets) stay JSON.
            match text.chars().next() {
                Some('{' | '[') => serde_json::from_str(&text).unwrap_or(Value::String(text)),
                _ => Value::String(text),
            }
        }
        ValueRef::Blob(b) => Value::String(hex::encode(b)),
    }
}

fn rows(conn: &Connection, table: &str, column: &str, values: &[Value]) -> rusqlite::Result<Vec<Value>> {
    let list = Value::Array(values.to_vec()).to_string();
    let mut statement =
        conn.prepare(&format!("SELECT * FROM \"{table}\" WHERE \"{column}\" IN (SELECT value FROM json_each(?1)) ORDER BY rowid"))?;
    let names: Vec<String> = statement.column_names().into_iter().map(str::to_owned).collect();
    let found = statement.query_map([list], |row| {
        let mut object = Map::new();
        for (i, name) in names.iter().enumerate() {
            object.insert(name.clone(), json_value(row.get_ref(i)?));
        }
        Ok(Value::Object(object))
    })?;
    found.collect()
}

impl Store {
    /// The requests waiting for an answer.
    pub fn pending_subject_requests(&self) -> Result<Vec<PendingSubjectRequest>, StoreError> {
        let mut statement = self
            .conn
            .prepare("SELECT request_id, quote_numbers, policy_numbers FROM subject_request_pending ORDER BY received_at")
            .map_err(|e| self.err(e))?;
        let found = statement
            .query_map([], |r| {
                let list = |text: String| serde_json::from_str::<Vec<String>>(&text).unwrap_or_default();
                Ok(PendingSubjectRequest { request_id: r.get(0)?, quote_numbers: list(r.get(1)?), policy_numbers: list(r.get(2)?) })
            })
            .map_err(|e| self.err(e))?;
        found.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Forgets an answered request.
    pub fn forget_subject_request(&self, request_id: &str) -> Result<(), StoreError> {
        self.conn.execute("DELETE FROM subject_request_pending WHERE request_id = ?1", [request_id]).map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Everything this device holds of the customer of these quotes and
    /// policies: their customer records, all their quotes (those named and
    /// any other of the same customer), and each table's rows that name
    /// one of them (`quote_id`, `customer_id`, `quote_number`,
    /// `policy_number`), as `{ table: [row, …] }`.
    pub fn held_for(&self, quote_numbers: &[String], policy_numbers: &[String]) -> Result<Value, StoreError> {
        let err = |e| self.err(e);
        let numbers = Value::Array(quote_numbers.iter().map(|n| json!(n)).collect()).to_string();
        let mut customers: Vec<Value> = Vec::new();
        {
            let mut statement = self
                .conn
                .prepare("SELECT DISTINCT customer_id FROM quote WHERE quote_number IN (SELECT value FROM json_each(?1)) AND customer_id IS NOT NULL")
                .map_err(err)?;
            let found = statement.query_map([&numbers], |r| r.get::<_, i64>(0)).map_err(err)?;
            for id in found {
                customers.push(json!(id.map_err(err)?));
            }
        }
        let customer_list = Value::Array(customers.clone()).to_string();
        let mut quotes: Vec<Value> = Vec::new();
        let mut all_numbers: Vec<Value> = quote_numbers.iter().map(|n| json!(n)).collect();
        {
            let mut statement = self
                .conn
                .prepare(
                    "SELECT id, quote_number FROM quote WHERE quote_number IN (SELECT value FROM json_each(?1))
                        OR customer_id IN (SELECT value FROM json_each(?2))",
                )
                .map_err(err)?;
            let found = statement
                .query_map([&numbers, &customer_list], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<String>>(1)?)))
                .map_err(err)?;
            for row in found {
                let (id, number) = row.map_err(err)?;
                quotes.push(json!(id));
                if let Some(number) = number.filter(|n| !quote_numbers.contains(n)) {
                    all_numbers.push(json!(number));
                }
            }
        }
        let mut policies: Vec<Value> = policy_numbers.iter().map(|n| json!(n)).collect();
        {
            let ids = Value::Array(quotes.clone()).to_string();
            let mut statement = self
                .conn
                .prepare(
                    "SELECT policy_number FROM policy WHERE quote_id IN (SELECT value FROM json_each(?1))
                        OR customer_id IN (SELECT value FROM json_each(?2))",
                )
                .map_err(err)?;
            let found = statement.query_map([&ids, &customer_list], |r| r.get::<_, String>(0)).map_err(err)?;
            for number in found {
                let number = json!(number.map_err(err)?);
                if !policies.contains(&number) {
                    policies.push(number);
                }
            }
        }
        let tables: Vec<String> = {
            let mut statement = self.conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").map_err(err)?;
            let found = statement.query_map([], |r| r.get(0)).map_err(err)?;
            found.collect::<Result<_, _>>().map_err(err)?
        };
        let mut held = Map::new();
        for table in tables.iter().filter(|t| !skipped(t)) {
            let columns: Vec<String> = {
                let mut statement = self.conn.prepare(&format!("SELECT name FROM pragma_table_info('{table}')")).map_err(err)?;
                let found = statement.query_map([], |r| r.get(0)).map_err(err)?;
                found.collect::<Result<_, _>>().map_err(err)?
            };
            let key = |name: &str| columns.iter().any(|c| c == name);
            let (column, values) = match table.as_str() {
                "customer" => ("id", &customers),
                "quote" => ("id", &quotes),
                _ if key("quote_id") => ("quote_id", &quotes),
                _ if key("customer_id") => ("customer_id", &customers),
                _ if key("quote_number") => ("quote_number", &all_numbers),
                _ if key("policy_number") => ("policy_number", &policies),
                _ => continue,
            };
            let found = rows(&self.conn, table, column, values).map_err(err)?;
            if !found.is_empty() {
                held.insert(table.clone(), Value::Array(found));
            }
        }
        // What the outbox sent or will send of them.
        let outbox = self
            .conn
            .query_row(
                "SELECT json_group_array(json_object('seq', seq, 'kind', kind, 'payload', json(payload))) FROM outbox
                 WHERE json_extract(payload, '$.quote_number') IN (SELECT value FROM json_each(?1))
                    OR json_extract(payload, '$.policy_number') IN (SELECT value FROM json_each(?2))",
                [Value::Array(all_numbers).to_string(), Value::Array(policies).to_string()],
                |r| r.get::<_, String>(0),
            )
            .optional()
            .map_err(err)?
            .and_then(|text| serde_json::from_str::<Value>(&text).ok())
            .filter(|v| v.as_array().is_some_and(|a| !a.is_empty()));
        if let Some(outbox) = outbox {
            held.insert("outbox".into(), outbox);
        }
        Ok(Value::Object(held))
    }
}
