//! Notifications and sync runs in the store.

use rusqlite::{params, Connection, OptionalExtension};
use time::OffsetDateTime;

use super::{Store, StoreError};
use crate::notifications::{Notification, NotificationKind, Notifications};
use crate::quotes::model::instant_text;

/// How many sync runs the store keeps.
const SYNC_RUNS_KEPT: i64 = 200;

/// Records a notification; called inside the savepoint that applies the change.
pub(crate) fn notify(
    conn: &Connection,
    kind: NotificationKind,
    subject: &str,
    quote_id: Option<i64>,
    note: Option<&str>,
    at: &str,
) -> rusqlite::Result<()> {
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    conn.execute(
        "INSERT INTO notification (kind, subject, quote_id, note, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![kind.name(), subject, quote_id, note, at],
    )?;
    Ok(())
}

impl Store {
    /// Keeps what the server last said about desktop versions.
    pub fn save_desktop_versions(&mut self, versions: &uw_protocol::DesktopVersions) -> Result<(), StoreError> {
        let text = serde_json::to_string(versions).map_err(|e| StoreError::BadStoredValue {
            table: "store_meta",
            id: 0,
            field: "desktop_versions",
            problem: e.to_string(),
        })?;
        self.conn
            .execute(
                "INSERT INTO store_meta (key, value) VALUES ('desktop_versions', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                params![text],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// What the server last said about desktop versions, if it ever did.
    pub fn desktop_versions(&self) -> Result<Option<uw_protocol::DesktopVersions>, StoreError> {
        let text: Option<String> = self
            .conn
            .query_row("SELECT value FROM store_meta WHERE key = 'desktop_versions'", [], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?;
        text.map(|t| {
            serde_json::from_str(&t).map_err(|e| StoreError::BadStoredValue {
                table: "store_meta",
                id: 0,
                field: "desktop_versions",
                problem: e.to_string(),
            })
        })
        .transpose()
    }

    /// Keeps what the server says about the organisation, replacing the last.
    pub fn save_organisation(&mut self, info: &uw_protocol::OrganisationInfo, now: OffsetDateTime) -> Result<(), StoreError> {
        let details = info.details.as_ref().map(serde_json::to_string).transpose().map_err(|e| StoreError::BadStoredValue {
            table: "organisation_cache",
            id: 1,
            field: "details",
            problem: e.to_string(),
        })?;
        self.conn
            .execute(
                "INSERT INTO organisation_cache (singleton, name, details, fetched_at, agency) VALUES (1, ?1, ?2, ?3, ?4)
                 ON CONFLICT (singleton) DO UPDATE SET name = excluded.name, details = excluded.details, fetched_at = excluded.fetched_at,
                     agency = excluded.agency",
                params![info.name, details, instant_text(now), info.agency.as_deref().filter(|a| !a.is_empty())],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// What the server last said about the organisation, if it ever did.
    pub fn organisation(&self) -> Result<Option<uw_protocol::OrganisationInfo>, StoreError> {
        let row: Option<(String, Option<String>, Option<String>)> = self
            .conn
            .query_row("SELECT name, details, agency FROM organisation_cache WHERE singleton = 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .optional()
            .map_err(|e| self.err(e))?;
        row.map(|(name, details, agency)| {
            let details = details.map(|d| serde_json::from_str(&d)).transpose().map_err(|e| StoreError::BadStoredValue {
                table: "organisation_cache",
                id: 1,
                field: "details",
                problem: e.to_string(),
            })?;
            Ok(uw_protocol::OrganisationInfo { name, details, agency })
        })
        .transpose()
    }

    pub fn notifications(&self, limit: u32) -> Result<Notifications, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT id, kind, subject, quote_id, note, created_at, read_at IS NOT NULL FROM notification ORDER BY id DESC LIMIT ?1",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([limit], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
            })
            .map_err(|e| self.err(e))?;
        let mut items = Vec::new();
        for row in rows {
            let (id, kind, subject, quote_id, note, created_at, read) = row.map_err(|e| self.err(e))?;
            let kind = NotificationKind::from_name(&kind).ok_or_else(|| StoreError::BadStoredValue {
                table: "notification",
                id,
                field: "kind",
                problem: format!("`{kind}` is not a notification kind"),
            })?;
            items.push(Notification { id, kind, subject, quote_id, note, created_at, read });
        }
        let (unread, unread_quotes): (u32, u32) = self
            .conn
            .query_row(
                "SELECT count(*), count(*) FILTER (WHERE kind IN ('policy_issued', 'referral_approved', 'referral_declined'))
                 FROM notification WHERE read_at IS NULL",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(|e| self.err(e))?;
        let open_sync_issues: u32 =
            self.conn.query_row("SELECT count(*) FROM sync_issue WHERE dismissed_at IS NULL", [], |r| r.get(0)).map_err(|e| self.err(e))?;
        let last_synced_at: Option<String> =
            self.conn.query_row("SELECT max(finished_at) FROM sync_run WHERE outcome = 'ok'", [], |r| r.get(0)).map_err(|e| self.err(e))?;
        let last_sync_error: Option<String> = self
            .conn
            .query_row("SELECT code FROM sync_run ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?
            .flatten();
        Ok(Notifications { items, unread, unread_quotes, open_sync_issues, last_synced_at, last_sync_error })
    }

    pub fn mark_notifications_read(&mut self, up_to: i64, now: OffsetDateTime) -> Result<usize, StoreError> {
        self.conn
            .execute("UPDATE notification SET read_at = ?2 WHERE id <= ?1 AND read_at IS NULL", params![up_to, instant_text(now)])
            .map_err(|e| self.err(e))
    }

    /// Records that a sync ran to the end (`error` none) or failed with the error's code.
    pub fn record_sync_run(&mut self, error: Option<&str>, now: OffsetDateTime) -> Result<(), StoreError> {
        let outcome = if error.is_some() { "failed" } else { "ok" };
        self.conn
            .execute("INSERT INTO sync_run (finished_at, outcome, code) VALUES (?1, ?2, ?3)", params![instant_text(now), outcome, error])
            .map_err(|e| self.err(e))?;
        self.conn
            .execute("DELETE FROM sync_run WHERE id <= (SELECT max(id) FROM sync_run) - ?1", [SYNC_RUNS_KEPT])
            .map_err(|e| self.err(e))?;
        Ok(())
    }
}
