//! Customers, quotes, versions and ratings in the store.
//!
//! Each method is one savepoint: the change, its status transition (from
//! `uw-policy`), its local audit event and, where the server must learn of
//! it, its outbox entry are committed together or not at all. Inside
//! [`Store::in_one_transaction`] the savepoints nest.

use std::path::Path;
use std::str::FromStr;

use ed25519_dalek::SigningKey;
use rusqlite::types::ToSql;
use rusqlite::{params, Connection, OptionalExtension, Savepoint};
use rust_decimal::Decimal;
use serde_json::json;
use time::{Date, OffsetDateTime};
use uw_policy::{expiry_date, QuoteEvent, QuoteNumber, QuoteStatus};
use uw_rating::{Action, Product, Quote, Rating};

use super::{append_outbox, Store, StoreError};
use crate::quotes::model::{
    instant_text, utc_date, AuditEvent, Contact, DriverLicense, QuoteCursor, QuoteDetail, QuoteFilter, QuoteInput, QuoteSummary,
    RatingInfo, ValidInput, VersionInfo,
};

pub(super) const SUMMARY_COLUMNS: &str = "q.id, q.quote_number, q.customer_id, c.name, q.product, q.state, q.effective_date, q.status, \
     q.current_version, q.premium, q.rated_on, q.expires_on, q.created_at, q.updated_at";

/// A rating to record against a quote's current version.
#[derive(Debug)]
pub struct RatingRecord<'a> {
    pub version: u32,
    /// The version's input as rated, for the outbox.
    pub input: &'a QuoteInput,
    pub rating: &'a Rating,
    pub worksheet_json: &'a str,
}

impl Store {
    /// Runs `f` in one transaction: every service call inside commits
    /// together, or none does. For bulk work (imports, benchmarks).
    pub fn in_one_transaction<T>(&mut self, f: impl FnOnce(&mut Self) -> Result<T, StoreError>) -> Result<T, StoreError> {
        self.begin()?;
        let result = f(self);
        self.finish(result.is_ok())?;
        result
    }

    pub(crate) fn begin(&mut self) -> Result<(), StoreError> {
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(|e| self.err(e))
    }

    /// Commits, or rolls back when `commit` is false. A failed rollback is
    /// not reported: the error that caused it matters more, and SQLite rolls
    /// back an unfinished transaction when the connection closes anyway.
    pub(crate) fn finish(&mut self, commit: bool) -> Result<(), StoreError> {
        if commit {
            self.conn.execute_batch("COMMIT").map_err(|e| self.err(e))
        } else {
            let _ = self.conn.execute_batch("ROLLBACK");
            Ok(())
        }
    }

    /// Saves a new customer and quote (status draft, version 1) and numbers it.
    pub fn create_quote(&mut self, input: &ValidInput, now: OffsetDateTime) -> Result<QuoteSummary, StoreError> {
        let err = sql_err(&self.path);
        let at = instant_text(now);
        let sp = self.conn.savepoint().map_err(err)?;
        let quote = input.quote();
        let number = next_quote_number(&sp, utc_date(now).year())?;
        sp.execute(
            "INSERT INTO customer (name, street, city, state, zip, date_of_birth, email, phone, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
            params![
                quote.applicant.name,
                quote.applicant.address.street,
                quote.applicant.address.city,
                quote.applicant.address.state,
                quote.applicant.address.zip,
                input.contact.date_of_birth.map(|d| d.to_string()),
                input.contact.email,
                input.contact.phone,
                at
            ],
        )
        .map_err(err)?;
        let customer_id = sp.last_insert_rowid();
        sp.execute(
            "INSERT INTO quote (quote_number, customer_id, product, state, effective_date, status, current_version, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, 'draft', 1, ?6, ?6)",
            params![number.to_string(), customer_id, quote.product.name(), quote.state, quote.effective_date.to_string(), at],
        )
        .map_err(err)?;
        let quote_id = sp.last_insert_rowid();
        insert_version(&sp, quote_id, 1, input, &at).map_err(err)?;
        audit(&sp, &at, "quote.created", &number.to_string(), json!({ "version": 1 })).map_err(err)?;
        sp.commit().map_err(err)?;
        self.quote_summary(quote_id)
    }

    /// Saves `input` as the quote's next version and returns it to draft.
    pub fn update_quote(&mut self, quote_id: i64, input: &ValidInput, now: OffsetDateTime) -> Result<QuoteSummary, StoreError> {
        let current = self.quote_summary(quote_id)?;
        let status = current.status.apply(QuoteEvent::Edited)?;
        let q = input.quote();
        if q.product != current.product {
            return Err(StoreError::ProductChanged { quote_number: current.quote_number, from: current.product, to: q.product });
        }
        let err = sql_err(&self.path);
        let at = instant_text(now);
        let version = current.version + 1;
        let sp = self.conn.savepoint().map_err(err)?;
        sp.execute(
            "UPDATE customer SET name = ?2, street = ?3, city = ?4, state = ?5, zip = ?6, date_of_birth = ?7, email = ?8, phone = ?9,
                    updated_at = ?10 WHERE id = ?1",
            params![
                current.customer_id,
                q.applicant.name,
                q.applicant.address.street,
                q.applicant.address.city,
                q.applicant.address.state,
                q.applicant.address.zip,
                input.contact.date_of_birth.map(|d| d.to_string()),
                input.contact.email,
                input.contact.phone,
                at
            ],
        )
        .map_err(err)?;
        let changed = sp
            .execute(
                "UPDATE quote SET state = ?2, effective_date = ?3, status = ?4, current_version = ?5, premium = NULL, rated_on = NULL,
                        expires_on = NULL, updated_at = ?6
                 WHERE id = ?1 AND current_version = ?7",
                params![quote_id, q.state, q.effective_date.to_string(), status.name(), version, at, current.version],
            )
            .map_err(err)?;
        if changed != 1 {
            return Err(StoreError::StaleVersion { quote_number: current.quote_number, version: current.version });
        }
        insert_version(&sp, quote_id, version, input, &at).map_err(err)?;
        audit(&sp, &at, "quote.updated", &current.quote_number, json!({ "version": version, "from": current.status.name() }))
            .map_err(err)?;
        sp.commit().map_err(err)?;
        self.quote_summary(quote_id)
    }

    /// The quote's current version as entered.
    pub fn quote_input(&self, quote_id: i64, version: u32) -> Result<QuoteInput, StoreError> {
        let (version_id, input, customer_id): (i64, String, i64) = self
            .conn
            .query_row(
                "SELECT v.id, v.input, q.customer_id FROM quote_version v JOIN quote q ON q.id = v.quote_id
                 WHERE v.quote_id = ?1 AND v.version = ?2",
                params![quote_id, version],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(|e| self.err(e))?
            .ok_or(StoreError::QuoteNotFound { id: quote_id })?;
        let quote: Quote = serde_json::from_str(&input).map_err(|e| StoreError::BadStoredValue {
            table: "quote_version",
            id: version_id,
            field: "input",
            problem: e.to_string(),
        })?;
        let contact = self
            .conn
            .query_row("SELECT date_of_birth, email, phone FROM customer WHERE id = ?1", [customer_id], |r| {
                Ok((r.get::<_, Option<String>>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, Option<String>>(2)?))
            })
            .map_err(|e| self.err(e))?;
        let date_of_birth = contact.0.map(|d| parse_date(&d)).transpose().map_err(|problem| StoreError::BadStoredValue {
            table: "customer",
            id: customer_id,
            field: "date_of_birth",
            problem,
        })?;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT position, license_number, license_state FROM driver WHERE version_id = ?1 ORDER BY position")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([version_id], |r| Ok((r.get::<_, usize>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, Option<String>>(2)?)))
            .map_err(|e| self.err(e))?;
        let mut licenses = Vec::new();
        for row in rows {
            let (position, number, state) = row.map_err(|e| self.err(e))?;
            if let (Some(number), Some(state)) = (number, state) {
                licenses.resize(position + 1, None);
                licenses[position] = Some(DriverLicense { number, state });
            }
        }
        Ok(QuoteInput { quote, contact: Contact { date_of_birth, email: contact.1, phone: contact.2 }, licenses })
    }

    /// Records the rating of the quote's current version, moves its status
    /// by the rating's decision, and queues it for the server.
    pub fn record_rating(
        &mut self,
        quote_id: i64,
        record: &RatingRecord<'_>,
        now: OffsetDateTime,
        device_key: &SigningKey,
    ) -> Result<QuoteSummary, StoreError> {
        let current = self.quote_summary(quote_id)?;
        let event = match record.rating.decision.action {
            Action::Accept => QuoteEvent::RatedAccepted,
            Action::Refer => QuoteEvent::RatedReferred,
            Action::Decline => QuoteEvent::RatedDeclined,
        };
        let status = current.status.apply(event)?;
        if record.version != current.version {
            return Err(StoreError::StaleVersion { quote_number: current.quote_number, version: record.version });
        }
        let err = sql_err(&self.path);
        let at = instant_text(now);
        let rated_on = utc_date(now);
        let expires_on = expiry_date(rated_on);
        let decision = action_name(record.rating.decision.action);
        let sp = self.conn.savepoint().map_err(err)?;
        sp.execute(
            "INSERT INTO rating_result (version_id, pack_id, pack_digest, total, decision, worksheet, rated_at, rated_on)
             SELECT id, ?3, ?4, ?5, ?6, ?7, ?8, ?9 FROM quote_version WHERE quote_id = ?1 AND version = ?2",
            params![
                quote_id,
                current.version,
                record.rating.pack_id,
                record.rating.pack_digest,
                record.rating.total.to_string(),
                decision,
                record.worksheet_json,
                at,
                rated_on.to_string()
            ],
        )
        .map_err(err)?;
        sp.execute(
            "UPDATE quote SET status = ?2, premium = ?3, rated_on = ?4, expires_on = ?5, updated_at = ?6 WHERE id = ?1",
            params![quote_id, status.name(), record.rating.total.to_string(), rated_on.to_string(), expires_on.to_string(), at],
        )
        .map_err(err)?;
        let reasons: Vec<&str> = record.rating.decision.reasons.iter().map(|r| &*r.code).collect();
        audit(
            &sp,
            &at,
            "quote.rated",
            &current.quote_number,
            json!({ "version": current.version, "pack_id": record.rating.pack_id, "total": record.rating.total.to_string(),
                    "decision": decision, "reasons": reasons }),
        )
        .map_err(err)?;
        let payload = json!({
            "quote_number": current.quote_number,
            "version": current.version,
            "status": status.name(),
            "input": record.input,
            "pack_id": record.rating.pack_id,
            "pack_digest": record.rating.pack_digest,
            "total": record.rating.total.to_string(),
            "decision": decision,
            "reasons": reasons,
            "rated_at": at,
        });
        append_outbox(&sp, "quote.rated", &payload.to_string(), device_key).map_err(err)?;
        sp.commit().map_err(err)?;
        self.quote_summary(quote_id)
    }

    /// Asks the server to bind the quote: the request waits in the outbox.
    /// A quote past its expiry date is marked expired instead, and the
    /// caller gets [`StoreError::Expired`].
    pub fn request_bind(&mut self, quote_id: i64, now: OffsetDateTime, device_key: &SigningKey) -> Result<QuoteSummary, StoreError> {
        let current = self.quote_summary(quote_id)?;
        let today = utc_date(now);
        if let Some(expires_on) = current.expires_on.filter(|e| *e <= today && current.status.can_expire()) {
            self.expire_one(&current, now)?;
            return Err(StoreError::Expired { quote_number: current.quote_number, expires_on });
        }
        let status = current.status.apply(QuoteEvent::BindRequested)?;
        let rating = self.rating_info(quote_id, current.version)?.ok_or(StoreError::QuoteNotFound { id: quote_id })?;
        let input = self.quote_input(quote_id, current.version)?;
        let err = sql_err(&self.path);
        let at = instant_text(now);
        let sp = self.conn.savepoint().map_err(err)?;
        sp.execute("UPDATE quote SET status = ?2, updated_at = ?3 WHERE id = ?1", params![quote_id, status.name(), at]).map_err(err)?;
        audit(
            &sp,
            &at,
            "quote.bind_requested",
            &current.quote_number,
            json!({ "version": current.version, "total": rating.total.to_string() }),
        )
        .map_err(err)?;
        let payload = json!({
            "quote_number": current.quote_number,
            "version": current.version,
            "input": input,
            "pack_id": rating.pack_id,
            "pack_digest": rating.pack_digest,
            "total": rating.total.to_string(),
            "requested_at": at,
        });
        append_outbox(&sp, "quote.bind_requested", &payload.to_string(), device_key).map_err(err)?;
        sp.commit().map_err(err)?;
        self.quote_summary(quote_id)
    }

    /// Records an underwriter's decision on a referred quote.
    pub fn record_referral_decision(&mut self, quote_id: i64, approved: bool, now: OffsetDateTime) -> Result<QuoteSummary, StoreError> {
        let current = self.quote_summary(quote_id)?;
        let status = current.status.apply(if approved { QuoteEvent::Approved } else { QuoteEvent::Declined })?;
        let err = sql_err(&self.path);
        let at = instant_text(now);
        let sp = self.conn.savepoint().map_err(err)?;
        sp.execute("UPDATE quote SET status = ?2, updated_at = ?3 WHERE id = ?1", params![quote_id, status.name(), at]).map_err(err)?;
        let action = if approved { "quote.approved" } else { "quote.declined" };
        audit(&sp, &at, action, &current.quote_number, json!({ "version": current.version })).map_err(err)?;
        sp.commit().map_err(err)?;
        self.quote_summary(quote_id)
    }

    /// Marks every rated, referred or approved quote whose expiry date is on
    /// or before `now`'s date as expired; returns how many.
    pub fn expire_quotes(&mut self, now: OffsetDateTime) -> Result<usize, StoreError> {
        let err = sql_err(&self.path);
        let at = instant_text(now);
        let today = utc_date(now).to_string();
        let sp = self.conn.savepoint().map_err(err)?;
        // One audit event per quote, written before the status changes so
        // the selection still sees them. Both read the open quotes' expiry
        // index: left to itself, SQLite reads every rated quote through the
        // status index (75 ms a dashboard at 100,000 quotes).
        sp.execute(
            "INSERT INTO audit_event (at, action, subject, details)
             SELECT ?1, 'quote.expired', quote_number, json_object('version', current_version, 'expires_on', expires_on, 'from', status)
             FROM quote INDEXED BY quote_open_by_expiry WHERE status IN ('rated', 'referred', 'approved') AND expires_on <= ?2",
            params![at, today],
        )
        .map_err(err)?;
        let n = sp
            .execute(
                "UPDATE quote INDEXED BY quote_open_by_expiry SET status = 'expired', updated_at = ?1
                 WHERE status IN ('rated', 'referred', 'approved') AND expires_on <= ?2",
                params![at, today],
            )
            .map_err(err)?;
        sp.commit().map_err(err)?;
        Ok(n)
    }

    fn expire_one(&mut self, current: &QuoteSummary, now: OffsetDateTime) -> Result<(), StoreError> {
        let status = current.status.apply(QuoteEvent::Expired)?;
        let err = sql_err(&self.path);
        let at = instant_text(now);
        let sp = self.conn.savepoint().map_err(err)?;
        sp.execute("UPDATE quote SET status = ?2, updated_at = ?3 WHERE id = ?1", params![current.id, status.name(), at]).map_err(err)?;
        let details =
            json!({ "version": current.version, "expires_on": current.expires_on.map(|d| d.to_string()), "from": current.status.name() });
        audit(&sp, &at, "quote.expired", &current.quote_number, details).map_err(err)?;
        sp.commit().map_err(err)
    }

    /// Records a local audit event in its own transaction (for actions that
    /// change nothing else, such as printing a proposal).
    pub fn record_audit_event(
        &mut self,
        action: &str,
        subject: &str,
        details: serde_json::Value,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let err = sql_err(&self.path);
        let sp = self.conn.savepoint().map_err(err)?;
        audit(&sp, &instant_text(now), action, subject, details).map_err(err)?;
        sp.commit().map_err(err)
    }

    /// One quote's summary.
    pub fn quote_summary(&self, quote_id: i64) -> Result<QuoteSummary, StoreError> {
        let sql = format!("SELECT {SUMMARY_COLUMNS} FROM quote q JOIN customer c ON c.id = q.customer_id WHERE q.id = ?1");
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let row = stmt.query_row([quote_id], read_summary_row).optional().map_err(|e| self.err(e))?;
        row.ok_or(StoreError::QuoteNotFound { id: quote_id })?
    }

    /// The quote with this number.
    pub fn quote_id_by_number(&self, number: &QuoteNumber) -> Result<i64, StoreError> {
        self.conn
            .query_row("SELECT id FROM quote WHERE quote_number = ?1", [number.to_string()], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?
            .ok_or_else(|| StoreError::QuoteNumberNotFound { number: number.to_string() })
    }

    /// A quote, its current input and every version.
    pub fn quote_detail(&self, quote_id: i64) -> Result<QuoteDetail, StoreError> {
        let summary = self.quote_summary(quote_id)?;
        let input = self.quote_input(quote_id, summary.version)?;
        let versions = self.versions(quote_id, None)?;
        Ok(QuoteDetail { summary, input, versions })
    }

    /// The rating of one version, if it was rated.
    pub fn rating_info(&self, quote_id: i64, version: u32) -> Result<Option<RatingInfo>, StoreError> {
        Ok(self.versions(quote_id, Some(version))?.pop().and_then(|v| v.rating))
    }

    /// The quote's versions (or only `only`), oldest first, with their ratings.
    fn versions(&self, quote_id: i64, only: Option<u32>) -> Result<Vec<VersionInfo>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT v.version, v.created_at, r.pack_id, r.pack_digest, r.total, r.decision, r.rated_at
                 FROM quote_version v LEFT JOIN rating_result r ON r.version_id = v.id
                 WHERE v.quote_id = ?1 AND (?2 IS NULL OR v.version = ?2) ORDER BY v.version",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![quote_id, only], |r| {
                let pack_id: Option<String> = r.get(2)?;
                Ok((r.get::<_, u32>(0)?, r.get::<_, String>(1)?, pack_id, r.get(3)?, r.get::<_, Option<String>>(4)?, r.get(5)?, r.get(6)?))
            })
            .map_err(|e| self.err(e))?;
        let mut versions = Vec::new();
        for row in rows {
            let (version, created_at, pack_id, pack_digest, total, decision, rated_at) = row.map_err(|e| self.err(e))?;
            let rating = match (pack_id, pack_digest, total, decision, rated_at) {
                (Some(pack_id), Some(pack_digest), Some(total), Some(decision), Some(rated_at)) => Some(RatingInfo {
                    pack_id,
                    pack_digest,
                    total: parse_money(&total).map_err(|problem| StoreError::BadStoredValue {
                        table: "rating_result",
                        id: quote_id,
                        field: "total",
                        problem,
                    })?,
                    decision,
                    rated_at,
                }),
                _ => None,
            };
            versions.push(VersionInfo { version, created_at, rating });
        }
        Ok(versions)
    }

    /// The stored worksheet (the rating as JSON) of one version.
    pub fn rating_worksheet(&self, quote_id: i64, version: u32) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row(
                "SELECT r.worksheet FROM rating_result r JOIN quote_version v ON v.id = r.version_id WHERE v.quote_id = ?1 AND v.version = ?2",
                params![quote_id, version],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }

    /// Quotes matching `filter`, most recently changed first.
    pub fn list_quotes(&self, filter: &QuoteFilter) -> Result<Vec<QuoteSummary>, StoreError> {
        if !(1..=500).contains(&filter.limit) {
            return Err(StoreError::BadFilter { field: "limit", message: format!("{} is outside 1..=500", filter.limit) });
        }
        let mut clauses: Vec<String> = Vec::new();
        let mut values: Vec<Box<dyn ToSql>> = Vec::new();
        let mut bind = |clause: &str, value: Box<dyn ToSql>| {
            values.push(value);
            clauses.push(clause.replace('?', &format!("?{}", values.len())));
        };
        if let Some(text) = filter.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            match search_text(text)? {
                Search::Number(prefix) => bind("q.quote_number GLOB ?", Box::new(format!("{prefix}*"))),
                Search::Names(expr) => {
                    bind("q.customer_id IN (SELECT rowid FROM customer_name_fts WHERE customer_name_fts MATCH ?)", Box::new(expr))
                }
            }
        }
        if let Some(status) = filter.status {
            bind("q.status = ?", Box::new(status.name()));
        }
        if let Some(d) = filter.created_from {
            bind("q.created_at >= ?", Box::new(d.to_string()));
        }
        if let Some(d) = filter.created_to {
            // Instants on that day sort before the next day's date.
            bind("q.created_at < ?", Box::new(d.next_day().unwrap_or(d).to_string()));
        }
        if let Some(d) = filter.effective_from {
            bind("q.effective_date >= ?", Box::new(d.to_string()));
        }
        if let Some(d) = filter.effective_to {
            bind("q.effective_date <= ?", Box::new(d.to_string()));
        }
        if let Some(QuoteCursor { updated_at, id }) = &filter.after {
            values.push(Box::new(updated_at.clone()));
            values.push(Box::new(*id));
            let n = values.len();
            clauses.push(format!("(q.updated_at, q.id) < (?{}, ?{n})", n - 1));
        }
        values.push(Box::new(filter.limit));
        let where_sql = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
        // Filter, sort and cut the page on `quote` alone, then join the
        // customer for the page's rows only: a broad date range would
        // otherwise read a customer row for every candidate before sorting.
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM (SELECT * FROM quote q {where_sql} ORDER BY q.updated_at DESC, q.id DESC LIMIT ?{}) q
             JOIN customer c ON c.id = q.customer_id ORDER BY q.updated_at DESC, q.id DESC",
            values.len()
        );
        let mut stmt = self.conn.prepare_cached(&sql).map_err(|e| self.err(e))?;
        let params: Vec<&dyn ToSql> = values.iter().map(|v| v.as_ref()).collect();
        let rows = stmt.query_map(params.as_slice(), read_summary_row).map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row.map_err(|e| self.err(e))??);
        }
        Ok(out)
    }

    /// How many quotes the store holds.
    pub fn quote_count(&self) -> Result<i64, StoreError> {
        self.conn.query_row("SELECT count(*) FROM quote", [], |r| r.get(0)).map_err(|e| self.err(e))
    }

    /// Local audit events about `subject` (a quote number), oldest first.
    pub fn audit_events(&self, subject: &str) -> Result<Vec<AuditEvent>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, at, action, subject, details FROM audit_event WHERE subject = ?1 ORDER BY id")
            .map_err(|e| self.err(e))?;
        let rows = stmt.query_map([subject], read_audit_row).map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row.map_err(|e| self.err(e))??);
        }
        Ok(out)
    }

    /// Records the packs and keys this workstation holds. Idempotent.
    pub fn record_installed_packs(
        &mut self,
        keys: &uw_rating::TrustedKeys,
        packs: &[&uw_rating::RatePack],
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let err = sql_err(&self.path);
        let at = instant_text(now);
        let sp = self.conn.savepoint().map_err(err)?;
        for (id, key) in keys.iter() {
            sp.execute(
                "INSERT INTO trusted_key (key_id, public_key, source, added_at) VALUES (?1, ?2, 'bundled', ?3) ON CONFLICT (key_id) DO NOTHING",
                params![id, hex::encode(key.as_bytes()), at],
            )
            .map_err(err)?;
        }
        for pack in packs {
            let uw_rating::PackStatus::Signed { key_id } = pack.status() else { continue };
            let info = pack.info();
            sp.execute(
                "INSERT INTO installed_pack (pack_id, state, product, digest, key_id, source, installed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'bundled', ?6) ON CONFLICT (pack_id) DO NOTHING",
                params![pack.id(), info.state, info.product.name(), pack.digest().to_string(), key_id, at],
            )
            .map_err(err)?;
        }
        sp.commit().map_err(err)
    }

    /// The ids of the packs recorded as installed.
    pub fn installed_pack_ids(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT pack_id FROM installed_pack ORDER BY pack_id").map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }
}

enum Search {
    Number(String),
    Names(String),
}

/// A quote number prefix, or an FTS5 query in which every word must begin
/// one of the customer's names. Words are reduced to letters and digits, so
/// nothing the agent types is read as FTS5 syntax.
fn search_text(text: &str) -> Result<Search, StoreError> {
    let upper = text.to_uppercase();
    if upper.starts_with("QUOT") {
        if !upper.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase() || b == b'-') || upper.len() > 32 {
            return Err(StoreError::BadFilter {
                field: "text",
                message: "a quote number is QUOT-YYYY-DDDDD-NNNNN (or QUOT-YYYY-NNNNNN)".into(),
            });
        }
        return Ok(Search::Number(upper));
    }
    name_query(text)
        .map(Search::Names)
        .ok_or_else(|| StoreError::BadFilter { field: "text", message: "give a quote number or part of a customer's name".into() })
}

/// An FTS5 query in which every word typed (letters and digits only, at
/// most eight) must begin one of the customer's names; `None` for no word.
pub(super) fn name_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .map(|w| format!("\"{}\"*", w.to_lowercase()))
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// Maps a SQLite error to [`StoreError::Sqlite`] for the store at `path`.
/// Borrows only the path, so it can live beside a savepoint on the connection.
pub(crate) fn sql_err(path: &Path) -> impl Fn(rusqlite::Error) -> StoreError + Copy + '_ {
    move |source| StoreError::Sqlite { path: path.to_owned(), source }
}

/// The next quote number: from the device's own series once the server
/// gave it a device number, else from the year's block (a first-scheme
/// block granted at enrollment, or an unenrolled device's local range).
pub(super) fn next_quote_number(sp: &Savepoint<'_>, year: i32) -> Result<QuoteNumber, StoreError> {
    let path = || sp.path().map(std::path::PathBuf::from).unwrap_or_default();
    let err = |source| StoreError::Sqlite { path: path(), source };
    let device_number: Option<u32> =
        sp.query_row("SELECT device_number FROM sync_enrollment WHERE singleton = 1", [], |r| r.get(0)).optional().map_err(err)?.flatten();
    if let Some(device_number) = device_number {
        sp.execute("INSERT INTO quote_serial (year, next_serial) VALUES (?1, 1) ON CONFLICT (year) DO NOTHING", [year]).map_err(err)?;
        let next: u32 = sp.query_row("SELECT next_serial FROM quote_serial WHERE year = ?1", [year], |r| r.get(0)).map_err(err)?;
        sp.execute("UPDATE quote_serial SET next_serial = next_serial + 1 WHERE year = ?1", [year]).map_err(err)?;
        return QuoteNumber::for_device(year, device_number, next).map_err(|e| StoreError::BadStoredValue {
            table: "quote_serial",
            id: i64::from(year),
            field: "next_serial",
            problem: e.to_string(),
        });
    }
    sp.execute(
        "INSERT INTO quote_number_block (year, next_serial, last_serial) VALUES (?1, 1, 999999) ON CONFLICT (year) DO NOTHING",
        [year],
    )
    .map_err(err)?;
    let (next, last): (u32, u32) = sp
        .query_row("SELECT next_serial, last_serial FROM quote_number_block WHERE year = ?1", [year], |r| Ok((r.get(0)?, r.get(1)?)))
        .map_err(err)?;
    if next > last {
        return Err(StoreError::QuoteNumbersExhausted { year });
    }
    sp.execute("UPDATE quote_number_block SET next_serial = next_serial + 1 WHERE year = ?1", [year]).map_err(err)?;
    QuoteNumber::new(year, next).map_err(|e| StoreError::BadStoredValue {
        table: "quote_number_block",
        id: i64::from(year),
        field: "next_serial",
        problem: e.to_string(),
    })
}

fn insert_version(sp: &Savepoint<'_>, quote_id: i64, version: u32, input: &ValidInput, at: &str) -> rusqlite::Result<()> {
    let quote = input.quote();
    let json = serde_json::to_string(quote.quote()).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    sp.execute(
        "INSERT INTO quote_version (quote_id, version, input, created_at) VALUES (?1, ?2, ?3, ?4)",
        params![quote_id, version, json, at],
    )?;
    let version_id = sp.last_insert_rowid();
    let mut driver = sp.prepare_cached(
        "INSERT INTO driver (version_id, position, name, date_of_birth, license_date, license_number, license_state, violations, accidents)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for (i, d) in quote.drivers.iter().enumerate() {
        let license = input.licenses.get(i).and_then(Option::as_ref);
        driver.execute(params![
            version_id,
            i,
            d.name,
            d.date_of_birth.to_string(),
            d.license_date.to_string(),
            license.map(|l| &l.number),
            license.map(|l| &l.state),
            d.violations.len(),
            d.accidents.len()
        ])?;
    }
    let mut vehicle = sp.prepare_cached(
        "INSERT INTO vehicle (version_id, position, vin, year, make, model, usage, annual_miles, garaging_zip, principal_driver)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for (i, v) in quote.vehicles.iter().enumerate() {
        vehicle.execute(params![
            version_id,
            i,
            v.vin,
            v.year,
            v.make,
            v.model,
            v.usage.name(),
            v.annual_miles,
            v.garaging_zip,
            v.principal_driver
        ])?;
    }
    if let Some(d) = &quote.dwelling {
        sp.execute(
            "INSERT INTO dwelling (version_id, year_built, construction, protection_class, roof_type, roof_age, square_feet, coverage_a)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                version_id,
                d.year_built,
                d.construction.name(),
                d.protection_class,
                d.roof_type.name(),
                d.roof_age,
                d.square_feet,
                d.coverage_a.to_string()
            ],
        )?;
    }
    let mut coverage = sp.prepare_cached(
        "INSERT INTO coverage_selection (version_id, code, coverage_limit, deductible, vehicles) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for c in &quote.coverages {
        let vehicles = c.vehicles.as_ref().map(|v| serde_json::Value::from(v.clone()).to_string());
        coverage.execute(params![version_id, c.code, c.limit, c.deductible, vehicles])?;
    }
    Ok(())
}

pub(crate) fn audit(sp: &Connection, at: &str, action: &str, subject: &str, details: serde_json::Value) -> rusqlite::Result<()> {
    sp.prepare_cached("INSERT INTO audit_event (at, action, subject, details) VALUES (?1, ?2, ?3, ?4)")?.execute(params![
        at,
        action,
        subject,
        details.to_string()
    ])?;
    Ok(())
}

fn action_name(action: Action) -> &'static str {
    match action {
        Action::Accept => "accept",
        Action::Refer => "refer",
        Action::Decline => "decline",
    }
}

/// Reads `id, at, action, subject, details` from `audit_event`; details
/// that are not JSON are a typed error naming the row.
pub(super) fn read_audit_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<AuditEvent, StoreError>> {
    let (id, at, action, subject, details): (i64, String, String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?);
    Ok(serde_json::from_str(&details)
        .map(|details| AuditEvent { id, at, action, subject, details })
        .map_err(|e| StoreError::BadStoredValue { table: "audit_event", id, field: "details", problem: e.to_string() }))
}

pub(crate) fn parse_date(text: &str) -> Result<Date, String> {
    uw_rating::dates::parse_date(text).map_err(|e| format!("`{text}` is not a date: {e}"))
}

fn parse_money(text: &str) -> Result<Decimal, String> {
    Decimal::from_str(text).map_err(|e| format!("`{text}` is not an amount: {e}"))
}

pub(super) fn parse_product(text: &str) -> Result<Product, String> {
    Product::from_name(text).ok_or_else(|| format!("`{text}` is not a product"))
}

/// Reads a summary row. Column reads fail as SQLite errors; a stored value
/// that does not parse is a typed error naming the column, not a panic.
pub(super) fn read_summary_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<QuoteSummary, StoreError>> {
    let id: i64 = r.get(0)?;
    let (quote_number, customer_id, customer_name, state, version, created_at, updated_at) =
        (r.get(1)?, r.get(2)?, r.get(3)?, r.get(5)?, r.get(8)?, r.get(12)?, r.get(13)?);
    let product: String = r.get(4)?;
    let effective: String = r.get(6)?;
    let status: String = r.get(7)?;
    let premium: Option<String> = r.get(9)?;
    let rated_on: Option<String> = r.get(10)?;
    let expires_on: Option<String> = r.get(11)?;
    let bad = |field: &'static str| move |problem: String| StoreError::BadStoredValue { table: "quote", id, field, problem };
    let parsed = (|| {
        Ok(QuoteSummary {
            id,
            quote_number,
            customer_id,
            customer_name,
            product: parse_product(&product).map_err(bad("product"))?,
            state,
            effective_date: parse_date(&effective).map_err(bad("effective_date"))?,
            status: QuoteStatus::from_str(&status).map_err(bad("status"))?,
            version,
            premium: premium.as_deref().map(parse_money).transpose().map_err(bad("premium"))?,
            rated_on: rated_on.as_deref().map(parse_date).transpose().map_err(bad("rated_on"))?,
            expires_on: expires_on.as_deref().map(parse_date).transpose().map_err(bad("expires_on"))?,
            created_at,
            updated_at,
        })
    })();
    Ok(parsed)
}
