//! Accounts, customer notes and the global search, in the store. The rule
//! that makes rows one person is `crate::accounts::PersonRow::same_person`.

use std::collections::BTreeSet;

use rusqlite::{params, params_from_iter, OptionalExtension};
use time::OffsetDateTime;
use uw_rating::Product;

use super::quotes::{name_query, parse_product, read_audit_row, read_summary_row, SUMMARY_COLUMNS};
use super::{Store, StoreError};
use crate::accounts::{opportunity, CustomerHit, CustomerNote, CustomerRecord, Person, PersonRow, PolicyHit, SearchResults, VehicleHit};
use crate::quotes::model::instant_text;
use crate::quotes::{AuditEvent, PolicySummary, QuoteFilter, QuoteSummary};

/// How many name matches the search groups into accounts; enough for a
/// page of distinct people even when one person has many quotes.
const NAME_CANDIDATES: u32 = 200;

const PERSON_COLUMNS: &str = "id, name, street, city, state, zip, date_of_birth, email, phone, updated_at";

fn read_person(r: &rusqlite::Row<'_>) -> rusqlite::Result<PersonRow> {
    Ok(PersonRow {
        id: r.get(0)?,
        person: Person {
            name: r.get(1)?,
            street: r.get(2)?,
            city: r.get(3)?,
            state: r.get(4)?,
            zip: r.get(5)?,
            date_of_birth: r.get(6)?,
            email: r.get(7)?,
            phone: r.get(8)?,
        },
        updated_at: r.get(9)?,
    })
}

/// `?, ?, ?` for `n` values.
fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

impl Store {
    /// See [`crate::Workstation::search`]. An empty text finds nothing.
    pub fn search(&self, text: &str, per_group: u32) -> Result<SearchResults, StoreError> {
        let mut found = SearchResults { customers: Vec::new(), quotes: Vec::new(), policies: Vec::new(), vehicles: Vec::new() };
        let text = text.trim();
        if text.is_empty() {
            return Ok(found);
        }
        let upper = text.to_uppercase();
        if upper.starts_with("QUOT") {
            // A malformed number finds nothing rather than failing the box.
            found.quotes = match self.list_quotes(&QuoteFilter { text: Some(upper), limit: per_group, ..QuoteFilter::default() }) {
                Err(StoreError::BadFilter { .. }) => Vec::new(),
                other => other?,
            };
            return Ok(found);
        }
        let plain = upper.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if upper.starts_with("POL") && plain {
            found.policies = self.policies_by_number(&upper, per_group)?;
            return Ok(found);
        }
        let vin_like = (6..=17).contains(&upper.len())
            && upper.bytes().all(|b| b.is_ascii_alphanumeric())
            && upper.bytes().any(|b| b.is_ascii_digit())
            && !upper.bytes().any(|b| matches!(b, b'I' | b'O' | b'Q'));
        if vin_like {
            found.vehicles = self.vehicles_by_vin(&upper, per_group)?;
        }
        // One letter is not yet a name: it would match a fifth of the book.
        if text.chars().any(char::is_alphabetic) && text.chars().filter(|c| c.is_alphanumeric()).count() >= 2 {
            let candidates = self.name_candidates(text)?;
            found.quotes = self.quotes_of(&candidates, per_group)?;
            found.customers = self.accounts_among(candidates, per_group)?;
        }
        Ok(found)
    }

    /// The newest quotes of the customer rows `candidates`.
    fn quotes_of(&self, candidates: &[PersonRow], limit: u32) -> Result<Vec<QuoteSummary>, StoreError> {
        if candidates.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM quote q JOIN customer c ON c.id = q.customer_id
             WHERE q.customer_id IN ({}) ORDER BY q.updated_at DESC, q.id DESC LIMIT {limit}",
            placeholders(candidates.len())
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let mut quotes = Vec::new();
        for row in stmt.query_map(params_from_iter(candidates.iter().map(|c| c.id)), read_summary_row).map_err(|e| self.err(e))? {
            quotes.push(row.map_err(|e| self.err(e))??);
        }
        Ok(quotes)
    }

    fn policies_by_number(&self, prefix: &str, limit: u32) -> Result<Vec<PolicyHit>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT p.policy_number, c.name, p.customer_id, p.status, p.effective_date FROM policy p
                 LEFT JOIN customer c ON c.id = p.customer_id WHERE p.policy_number GLOB ?1 ORDER BY p.policy_number LIMIT ?2",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![format!("{prefix}*"), limit], |r| {
                Ok(PolicyHit {
                    policy_number: r.get(0)?,
                    customer_name: r.get(1)?,
                    customer_id: r.get(2)?,
                    status: r.get(3)?,
                    effective_date: r.get(4)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Vehicles on quotes' current versions whose VIN starts with `part`
    /// or, failing that, ends with it (agents read the last six characters
    /// off an ID card). Both walk an index: the VIN's, in VIN order, and
    /// the one on its last six characters (migration 0013).
    fn vehicles_by_vin(&self, part: &str, limit: u32) -> Result<Vec<VehicleHit>, StoreError> {
        let select = |condition: &str| {
            format!(
                "SELECT v.vin, v.year, COALESCE(v.make, ''), COALESCE(v.model, ''), q.id, q.quote_number, c.name
                 FROM vehicle v JOIN quote_version qv ON qv.id = v.version_id
                 JOIN quote q ON q.id = qv.quote_id AND q.current_version = qv.version
                 JOIN customer c ON c.id = q.customer_id
                 WHERE v.vin IS NOT NULL AND {condition} ORDER BY v.vin LIMIT ?3"
            )
        };
        let read = |r: &rusqlite::Row<'_>| {
            Ok(VehicleHit {
                vin: r.get(0)?,
                year: r.get(1)?,
                make: r.get(2)?,
                model: r.get(3)?,
                quote_id: r.get(4)?,
                quote_number: r.get(5)?,
                customer_name: r.get(6)?,
            })
        };
        // The prefix as a range, so the VIN index answers it in order.
        let mut stmt = self.conn.prepare_cached(&select("v.vin >= ?1 AND v.vin < ?2")).map_err(|e| self.err(e))?;
        let hits: Vec<VehicleHit> = stmt
            .query_map(params![part, format!("{part}\u{7f}"), limit], read)
            .map_err(|e| self.err(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.err(e))?;
        if !hits.is_empty() || part.len() == 17 {
            return Ok(hits);
        }
        let last_six = &part[part.len() - 6..];
        let mut stmt =
            self.conn.prepare_cached(&select("substr(v.vin, 12) = ?1 AND substr(v.vin, -length(?2)) = ?2")).map_err(|e| self.err(e))?;
        let hits = stmt
            .query_map(params![last_six, part, limit], read)
            .map_err(|e| self.err(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.err(e))?;
        Ok(hits)
    }

    /// The newest customer rows whose name matches every word typed (each
    /// word a name's prefix), at most [`NAME_CANDIDATES`].
    fn name_candidates(&self, text: &str) -> Result<Vec<PersonRow>, StoreError> {
        let Some(query) = name_query(text) else { return Ok(Vec::new()) };
        // The newest matches straight from the index: FTS5 walks its
        // doclists by rowid and stops at the limit, where ordering the
        // customer rows would read every match ("ma" matches thousands).
        let sql = format!(
            "SELECT {PERSON_COLUMNS} FROM customer WHERE id IN
                 (SELECT rowid FROM customer_name_fts WHERE customer_name_fts MATCH ?1 ORDER BY rowid DESC LIMIT ?2)
             ORDER BY id DESC"
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let candidates = stmt
            .query_map(params![query, NAME_CANDIDATES], read_person)
            .map_err(|e| self.err(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.err(e))?;
        Ok(candidates)
    }

    /// The distinct accounts among `candidates`, newest first, at most `limit`.
    fn accounts_among(&self, candidates: Vec<PersonRow>, limit: u32) -> Result<Vec<CustomerHit>, StoreError> {
        let mut anchors: Vec<PersonRow> = Vec::new();
        for row in candidates {
            if anchors.len() == limit as usize {
                break;
            }
            if !anchors.iter().any(|a| a.same_person(&row)) {
                anchors.push(row);
            }
        }
        anchors
            .into_iter()
            .map(|anchor| {
                let ids: Vec<i64> = self.account_rows(&anchor)?.iter().map(|r| r.id).collect();
                let products = self.account_products(&ids)?;
                let sql = format!("SELECT count(*) FROM policy WHERE customer_id IN ({})", placeholders(ids.len()));
                let policies: u32 = self.conn.query_row(&sql, params_from_iter(ids.iter()), |r| r.get(0)).map_err(|e| self.err(e))?;
                let quotes = u32::try_from(products.len()).unwrap_or(u32::MAX);
                let mut distinct: Vec<Product> = Vec::new();
                for p in products {
                    if !distinct.contains(&p) {
                        distinct.push(p);
                    }
                }
                Ok(CustomerHit {
                    customer_id: anchor.id,
                    name: anchor.person.name,
                    city: anchor.person.city,
                    state: anchor.person.state,
                    quotes,
                    policies,
                    products: distinct,
                })
            })
            .collect()
    }

    /// Every customer row of `anchor`'s account, newest first (the anchor among them).
    fn account_rows(&self, anchor: &PersonRow) -> Result<Vec<PersonRow>, StoreError> {
        let sql =
            format!("SELECT {PERSON_COLUMNS} FROM customer WHERE lower(trim(name)) = lower(trim(?1)) ORDER BY updated_at DESC, id DESC");
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows: Vec<PersonRow> = stmt
            .query_map([&anchor.person.name], read_person)
            .map_err(|e| self.err(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.err(e))?;
        Ok(rows.into_iter().filter(|r| r.id == anchor.id || anchor.same_person(r)).collect())
    }

    /// The product of each of the rows' quotes.
    fn account_products(&self, ids: &[i64]) -> Result<Vec<Product>, StoreError> {
        let sql = format!("SELECT product FROM quote WHERE customer_id IN ({})", placeholders(ids.len()));
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let names: Vec<String> = stmt
            .query_map(params_from_iter(ids.iter()), |r| r.get(0))
            .map_err(|e| self.err(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.err(e))?;
        names
            .iter()
            .map(|name| {
                parse_product(name).map_err(|problem| StoreError::BadStoredValue { table: "quote", id: 0, field: "product", problem })
            })
            .collect()
    }

    /// The account of customer row `customer_id`.
    pub fn customer_record(&self, customer_id: i64) -> Result<CustomerRecord, StoreError> {
        let anchor = self
            .conn
            .query_row(&format!("SELECT {PERSON_COLUMNS} FROM customer WHERE id = ?1"), [customer_id], read_person)
            .optional()
            .map_err(|e| self.err(e))?
            .ok_or(StoreError::CustomerNotFound { id: customer_id })?;
        let rows = self.account_rows(&anchor)?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let newest = rows.first().cloned().unwrap_or_else(|| anchor.clone());
        let list = placeholders(ids.len());

        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM quote q JOIN customer c ON c.id = q.customer_id
             WHERE q.customer_id IN ({list}) ORDER BY q.updated_at DESC, q.id DESC"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let mut quotes: Vec<QuoteSummary> = Vec::new();
        for row in stmt.query_map(params_from_iter(ids.iter()), read_summary_row).map_err(|e| self.err(e))? {
            quotes.push(row.map_err(|e| self.err(e))??);
        }

        let sql = format!(
            "SELECT p.policy_number, q.quote_number, p.status, p.version, p.effective_date, p.expiration_date, p.premium
             FROM policy p LEFT JOIN quote q ON q.id = p.quote_id
             WHERE p.customer_id IN ({list}) ORDER BY p.effective_date DESC, p.policy_number"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let policies: Vec<PolicySummary> = stmt
            .query_map(params_from_iter(ids.iter()), |r| {
                Ok(PolicySummary {
                    policy_number: r.get(0)?,
                    quote_number: r.get(1)?,
                    status: r.get(2)?,
                    version: r.get(3)?,
                    effective_date: r.get(4)?,
                    expiration_date: r.get(5)?,
                    premium: r.get(6)?,
                })
            })
            .map_err(|e| self.err(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.err(e))?;

        let sql = format!("SELECT id, body, author, created_at FROM customer_note WHERE customer_id IN ({list}) ORDER BY id DESC");
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let notes: Vec<CustomerNote> = stmt
            .query_map(params_from_iter(ids.iter()), |r| {
                Ok(CustomerNote { id: r.get(0)?, body: r.get(1)?, author: r.get(2)?, created_at: r.get(3)? })
            })
            .map_err(|e| self.err(e))?
            .collect::<Result<_, _>>()
            .map_err(|e| self.err(e))?;

        let subjects: BTreeSet<&str> =
            quotes.iter().map(|q| q.quote_number.as_str()).chain(policies.iter().map(|p| p.policy_number.as_str())).collect();
        let activity = self.latest_audit_events(&subjects, 50)?;
        let products: Vec<Product> = quotes.iter().map(|q| q.product).collect();
        Ok(CustomerRecord { customer_id, person: newest.person, opportunity: opportunity(&products), quotes, policies, notes, activity })
    }

    /// The newest `limit` audit events about any of `subjects`, newest first.
    fn latest_audit_events(&self, subjects: &BTreeSet<&str>, limit: u32) -> Result<Vec<AuditEvent>, StoreError> {
        if subjects.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id, at, action, subject, details FROM audit_event WHERE subject IN ({}) ORDER BY id DESC LIMIT {limit}",
            placeholders(subjects.len())
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in stmt.query_map(params_from_iter(subjects.iter()), read_audit_row).map_err(|e| self.err(e))? {
            out.push(row.map_err(|e| self.err(e))??);
        }
        Ok(out)
    }

    /// Keeps a note on customer row `customer_id`.
    pub fn add_customer_note(
        &mut self,
        customer_id: i64,
        body: &str,
        author: Option<&str>,
        now: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        let exists: Option<i64> = self
            .conn
            .query_row("SELECT id FROM customer WHERE id = ?1", [customer_id], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?;
        if exists.is_none() {
            return Err(StoreError::CustomerNotFound { id: customer_id });
        }
        self.conn
            .execute(
                "INSERT INTO customer_note (customer_id, body, author, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![customer_id, body, author, instant_text(now)],
            )
            .map_err(|e| self.err(e))?;
        Ok(self.conn.last_insert_rowid())
    }
}
