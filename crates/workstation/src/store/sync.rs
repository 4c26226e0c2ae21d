//! Sync's tables: the enrollment, the sequence and pull cursors, quote
//! number serials after a restore, the sync issues, the trusted keys and the
//! packs sync installed. What a server answer does to them is
//! `crate::sync::apply`.

use std::collections::BTreeMap;

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::json;
use time::OffsetDateTime;
use uw_protocol::{QuoteNumberBlock, QuoteSerial, Role, Secret, UserInfo};
use uw_rating::{PackFiles, TrustedKeys};

use super::quotes::{audit, sql_err};
use super::{Store, StoreError};
use crate::quotes::model::instant_text;

/// The device's enrollment as stored, token included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrollment {
    pub server_url: String,
    pub server_instance_id: String,
    pub device_id: String,
    pub device_name: String,
    /// The device token; [`Secret`] keeps it out of `Debug` output.
    pub token: Secret,
    pub token_expires_at: String,
    pub user: UserInfo,
    /// A block of first-scheme numbers (`QUOT-YYYY-NNNNNN`) a server before
    /// device numbers granted; `None` from a current server.
    pub quote_numbers: Option<QuoteNumberBlock>,
    /// The device's number: its quotes are `QUOT-YYYY-DDDDD-NNNNN`.
    pub device_number: Option<u32>,
    pub enrolled_at: String,
    /// The organisation CA (PEM) the server is pinned to, if any.
    pub server_ca: Option<String>,
}

/// Something from sync the user must see: an operation the server rejected
/// or found in conflict, or a change this device could not apply.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SyncIssue {
    pub id: i64,
    /// `push` or `pull`.
    pub source: String,
    /// The outbox sequence number (push).
    pub seq: Option<i64>,
    pub op_id: Option<String>,
    /// The server's log index (pull).
    pub change_index: Option<u64>,
    /// The operation kind (`quote.bind_requested`) or change kind (`pack_published`).
    pub kind: String,
    /// A quote number, pack id or key id.
    pub subject: Option<String>,
    /// `rejected`, `conflict` or `not_applied`.
    pub outcome: String,
    /// The server's stable code (or the device's, for `not_applied`); none for a conflict.
    pub code: Option<String>,
    pub reason: String,
    /// For a conflict: the version the server holds.
    pub current_version: Option<u32>,
    pub received_at: String,
    /// The quote on this device the issue is about, when its subject is one.
    pub quote_id: Option<i64>,
}

/// Quotes given new numbers, as (old, new).
pub(crate) type Renumbered = Vec<(String, String)>;

impl Store {
    /// The device's enrollment, if it has enrolled.
    pub(crate) fn sync_enrollment(&self) -> Result<Option<Enrollment>, StoreError> {
        self.conn
            .query_row(
                "SELECT server_url, server_instance_id, device_id, device_name, token, token_expires_at, user_id, username, role,
                        block_year, block_first, block_last, enrolled_at, server_ca, device_number
                 FROM sync_enrollment WHERE singleton = 1",
                [],
                |r| {
                    Ok((
                        (r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?),
                        (r.get::<_, String>(4)?, r.get::<_, String>(5)?),
                        (r.get::<_, String>(6)?, r.get::<_, String>(7)?, r.get::<_, String>(8)?),
                        (r.get::<_, Option<i32>>(9)?, r.get::<_, Option<u32>>(10)?, r.get::<_, Option<u32>>(11)?, r.get::<_, String>(12)?),
                        (r.get::<_, Option<String>>(13)?, r.get::<_, Option<u32>>(14)?),
                    ))
                },
            )
            .optional()
            .map_err(|e| self.err(e))?
            .map(
                |(
                    (server_url, server_instance_id, device_id, device_name),
                    (token, token_expires_at),
                    user,
                    block,
                    (server_ca, device_number),
                )| {
                    let (user_id, username, role) = user;
                    let role = Role::from_name(&role).ok_or_else(|| StoreError::BadStoredValue {
                        table: "sync_enrollment",
                        id: 1,
                        field: "role",
                        problem: format!("`{role}` is not a role"),
                    })?;
                    let (year, first, last, enrolled_at) = block;
                    Ok(Enrollment {
                        server_url,
                        server_instance_id,
                        device_id,
                        device_name,
                        token: Secret::new(token),
                        token_expires_at,
                        user: UserInfo { user_id, username, role },
                        quote_numbers: match (year, first, last) {
                            (Some(year), Some(first), Some(last)) => Some(QuoteNumberBlock { year, first, last }),
                            _ => None,
                        },
                        device_number,
                        enrolled_at,
                        server_ca,
                    })
                },
            )
            .transpose()
    }

    /// Stores a new enrollment, replacing any earlier one.
    ///
    /// With a device number (a current server), the year counters of the
    /// device's own series move past every serial the server has recorded
    /// from it (`serials`) and every number of the series this store holds,
    /// so a recovered or reinstalled device never hands a number out twice.
    ///
    /// With a first-scheme block, the block replaces the year's counter, but
    /// never so that the device hands out a number twice: the next serial is
    /// the block's first, or one past the highest number this device already
    /// holds inside the block, or the old counter if that already lies
    /// inside the block, whichever is highest. Numbers the device handed out
    /// before enrolling keep their quotes; they were never the device's to
    /// bind with (see `quote.number_not_allocated`).
    ///
    /// A new server instance or a different user resets the pull cursor:
    /// the old cursor counts another log, or another user's view of it.
    /// Applying pulled changes is idempotent, so pulling again from zero is safe.
    pub(crate) fn save_enrollment(
        &mut self,
        enrollment: &Enrollment,
        serials: &[QuoteSerial],
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let err = sql_err(&self.path);
        let at = instant_text(now);
        let block = enrollment.quote_numbers;
        let sp = self.conn.savepoint().map_err(err)?;
        let previous: Option<(String, String)> = sp
            .query_row("SELECT server_instance_id, user_id FROM sync_enrollment WHERE singleton = 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(err)?;
        if previous.as_ref().is_some_and(|(instance, user)| *instance != enrollment.server_instance_id || *user != enrollment.user.user_id)
        {
            sp.execute("DELETE FROM sync_state WHERE key = 'pull_cursor'", []).map_err(err)?;
        }
        sp.execute(
            "INSERT OR REPLACE INTO sync_enrollment (singleton, server_url, server_instance_id, device_id, device_name, token,
                    token_expires_at, user_id, username, role, block_year, block_first, block_last, enrolled_at, server_ca, device_number)
             VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            params![
                enrollment.server_url,
                enrollment.server_instance_id,
                enrollment.device_id,
                enrollment.device_name,
                enrollment.token.expose(),
                enrollment.token_expires_at,
                enrollment.user.user_id,
                enrollment.user.username,
                enrollment.user.role.name(),
                block.map(|b| b.year),
                block.map(|b| b.first),
                block.map(|b| b.last),
                at,
                enrollment.server_ca,
                enrollment.device_number
            ],
        )
        .map_err(err)?;
        let mut details = json!({ "server_instance_id": enrollment.server_instance_id, "role": enrollment.user.role.name() });
        if let Some(device_number) = enrollment.device_number {
            let moved = fast_forward_serials(&sp, device_number, serials, Held::AlsoStored).map_err(err)?;
            details["device_number"] = json!(device_number);
            details["serials"] = json!(moved);
        }
        if let Some(QuoteNumberBlock { year, first, last }) = block {
            let highest_held: Option<u32> = sp
                .query_row(
                    "SELECT MAX(CAST(substr(quote_number, 11) AS INTEGER)) FROM quote
                     WHERE length(quote_number) = 16 AND substr(quote_number, 6, 4) = printf('%04d', ?1)
                       AND CAST(substr(quote_number, 11) AS INTEGER) BETWEEN ?2 AND ?3",
                    params![year, first, last],
                    |r| r.get(0),
                )
                .map_err(err)?;
            let old_counter: Option<u32> =
                sp.query_row("SELECT next_serial FROM quote_number_block WHERE year = ?1", [year], |r| r.get(0)).optional().map_err(err)?;
            let next = [Some(first), highest_held.map(|n| n + 1), old_counter.filter(|n| (first..=last + 1).contains(n))]
                .into_iter()
                .flatten()
                .max()
                .unwrap_or(first)
                .min(last + 1);
            sp.execute(
                "INSERT INTO quote_number_block (year, next_serial, last_serial) VALUES (?1, ?2, ?3)
                 ON CONFLICT (year) DO UPDATE SET next_serial = excluded.next_serial, last_serial = excluded.last_serial",
                params![year, next, last],
            )
            .map_err(err)?;
            details["quote_numbers"] = json!({ "year": year, "first": first, "last": last });
            details["next_serial"] = json!(next);
        }
        audit(&sp, &at, "device.enrolled", &enrollment.device_id, details).map_err(err)?;
        sp.execute("INSERT OR REPLACE INTO workstation_setup (singleton, mode, chosen_at) VALUES (1, 'enrolled', ?1)", [&at])
            .map_err(err)?;
        sp.commit().map_err(err)?;
        Ok(())
    }

    /// Marks a store just restored from a backup: quotes made from now on
    /// until the next sync may reuse numbers the device handed out after the
    /// backup; that sync renumbers them.
    pub(crate) fn mark_restored(&mut self, now: OffsetDateTime) -> Result<(), StoreError> {
        let err = sql_err(&self.path);
        let sp = self.conn.savepoint().map_err(err)?;
        let highest: i64 = sp.query_row("SELECT COALESCE(MAX(id), 0) FROM quote", [], |r| r.get(0)).map_err(err)?;
        sp.execute(
            "INSERT OR REPLACE INTO restore_mark (singleton, after_quote, restored_at) VALUES (1, ?1, ?2)",
            params![highest, instant_text(now)],
        )
        .map_err(err)?;
        audit(&sp, &instant_text(now), "store.restored", "", json!({ "quotes_up_to": highest })).map_err(err)?;
        sp.commit().map_err(err)?;
        Ok(())
    }

    /// Sends the unsent operations from `from` on again under new sequence
    /// numbers after `server_last` (the highest the server has processed),
    /// signed anew: the server holds other operations under their old
    /// numbers. Returns how many moved.
    pub(crate) fn rebase_unsent(
        &mut self,
        from: i64,
        server_last: u64,
        device_key: &ed25519_dalek::SigningKey,
        now: OffsetDateTime,
    ) -> Result<usize, StoreError> {
        const ASIDE: i64 = 1 << 40;
        let err = sql_err(&self.path);
        let base = i64::try_from(server_last).map_err(|_| StoreError::BadStoredValue {
            table: "sync_state",
            id: 0,
            field: "server_last_seq",
            problem: format!("{server_last} does not fit a sequence number"),
        })? + 1;
        let sp = self.conn.savepoint().map_err(err)?;
        // Sequence numbers are referenced by policy changes and issues; the
        // references are moved with them and checked at commit.
        sp.execute_batch("PRAGMA defer_foreign_keys = ON").map_err(err)?;
        let moving: Vec<(i64, String, String, String)> = {
            let mut stmt =
                sp.prepare("SELECT seq, op_id, kind, payload FROM outbox WHERE seq >= ?1 AND sent_at IS NULL ORDER BY seq").map_err(err)?;
            let rows = stmt.query_map([from], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).map_err(err)?;
            rows.collect::<Result<_, _>>().map_err(err)?
        };
        let occupied: i64 = sp
            .query_row("SELECT COUNT(*) FROM outbox WHERE seq >= ?1 AND sent_at IS NOT NULL", [base.min(from)], |r| r.get(0))
            .map_err(err)?;
        if moving.is_empty() || base <= from || occupied > 0 {
            return Ok(0);
        }
        let renumber = |old: i64, new: i64| -> rusqlite::Result<()> {
            sp.execute("UPDATE outbox SET seq = ?2 WHERE seq = ?1", params![old, new])?;
            sp.execute("UPDATE policy_change SET seq = ?2 WHERE seq = ?1", params![old, new])?;
            sp.execute("UPDATE sync_issue SET seq = ?2 WHERE seq = ?1", params![old, new])?;
            Ok(())
        };
        for (seq, ..) in &moving {
            renumber(*seq, seq + ASIDE).map_err(err)?;
        }
        for (offset, (seq, op_id, kind, payload)) in moving.iter().enumerate() {
            let new = base + i64::try_from(offset).unwrap_or(i64::MAX);
            renumber(seq + ASIDE, new).map_err(err)?;
            let signed = uw_protocol::signed_message(u64::try_from(new).unwrap_or(0), op_id, kind, payload);
            let signature = ed25519_dalek::Signer::sign(device_key, signed.as_bytes());
            sp.execute("UPDATE outbox SET signature = ?2 WHERE seq = ?1", params![new, hex::encode(signature.to_bytes())]).map_err(err)?;
        }
        audit(
            &sp,
            &instant_text(now),
            "outbox.rebased",
            "",
            json!({ "from": from, "to": base, "operations": moving.len(), "server_last_seq": server_last }),
        )
        .map_err(err)?;
        sp.commit().map_err(err)?;
        Ok(moving.len())
    }

    /// Operations the server no longer has, after this device adopted a
    /// server restored from a backup (and only then): the server has
    /// processed only up to `server_last`, so everything this device
    /// delivered after it is sent again, in order; the server has never seen
    /// them, so they apply as new. Returns how many.
    pub(crate) fn requeue_after_restore(&mut self, server_last: u64, now: OffsetDateTime) -> Result<usize, StoreError> {
        let err = sql_err(&self.path);
        let last = i64::try_from(server_last).unwrap_or(i64::MAX);
        let sp = self.conn.savepoint().map_err(err)?;
        if sp.execute("DELETE FROM server_restore_pending", []).map_err(err)? == 0 {
            return Ok(0);
        }
        let n = sp.execute("UPDATE outbox SET sent_at = NULL WHERE seq > ?1 AND sent_at IS NOT NULL", [last]).map_err(err)?;
        sp.execute(
            "UPDATE sync_state SET value = ?1 WHERE key = 'acked_seq' AND CAST(value AS INTEGER) > ?2",
            params![last.to_string(), last],
        )
        .map_err(err)?;
        audit(&sp, &instant_text(now), "outbox.requeued", "", json!({ "after": server_last, "operations": n })).map_err(err)?;
        sp.commit().map_err(err)?;
        Ok(n)
    }

    /// Takes in where the server says this device is: its device number
    /// (learnt once by a device enrolled under the first scheme) and the
    /// highest quote serial recorded per year, which the counters move past.
    /// Returns the years whose counter moved, with the new next serial, and
    /// the quotes renumbered after a restore, as (old, new).
    pub(crate) fn reconcile_quote_serials(
        &mut self,
        device_number: u32,
        serials: &[QuoteSerial],
        device_key: &ed25519_dalek::SigningKey,
        now: OffsetDateTime,
    ) -> Result<(Vec<(i32, u32)>, Renumbered), StoreError> {
        let err = sql_err(&self.path);
        let sp = self.conn.savepoint().map_err(err)?;
        let known: Option<Option<u32>> =
            sp.query_row("SELECT device_number FROM sync_enrollment WHERE singleton = 1", [], |r| r.get(0)).optional().map_err(err)?;
        let Some(known) = known else { return Ok((Vec::new(), Vec::new())) };
        if known != Some(device_number) {
            sp.execute("UPDATE sync_enrollment SET device_number = ?1 WHERE singleton = 1", [device_number]).map_err(err)?;
            audit(&sp, &instant_text(now), "device.number_learnt", "", json!({ "device_number": device_number, "was": known }))
                .map_err(err)?;
        }
        // Quotes numbered after a restore, before this sync, whose number the
        // server already holds from this device (quotes made after the
        // backup): each gets the next free number, before anything is sent.
        let restored_after: Option<i64> =
            sp.query_row("SELECT after_quote FROM restore_mark WHERE singleton = 1", [], |r| r.get(0)).optional().map_err(err)?;
        let at = instant_text(now);
        let mut renumbered = Vec::new();
        if let Some(after) = restored_after {
            let held: BTreeMap<i32, u32> = serials.iter().map(|s| (s.year, s.highest)).collect();
            let newer: Vec<(i64, String)> = {
                let mut stmt = sp.prepare("SELECT id, quote_number FROM quote WHERE id > ?1 ORDER BY id").map_err(err)?;
                let rows = stmt.query_map([after], |r| Ok((r.get(0)?, r.get(1)?))).map_err(err)?;
                rows.collect::<Result<_, _>>().map_err(err)?
            };
            let moved = fast_forward_serials(&sp, device_number, serials, Held::ServerOnly).map_err(err)?;
            if !moved.is_empty() {
                audit(&sp, &at, "quote.serials_moved", "", json!({ "moved": moved })).map_err(err)?;
            }
            for (id, number) in newer {
                let Ok(parsed) = number.parse::<uw_policy::QuoteNumber>() else { continue };
                let reused = parsed.device() == Some(device_number) && held.get(&parsed.year()).is_some_and(|h| parsed.serial() <= *h);
                if reused {
                    let new = super::quotes::next_quote_number(&sp, parsed.year())?.to_string();
                    renumber_quote(&sp, id, &number, &new, device_key, &at)?;
                    renumbered.push((number, new));
                }
            }
            sp.execute("DELETE FROM restore_mark", []).map_err(err)?;
            sp.commit().map_err(err)?;
            return Ok((moved, renumbered));
        }
        let moved = fast_forward_serials(&sp, device_number, serials, Held::ServerOnly).map_err(err)?;
        if !moved.is_empty() {
            audit(&sp, &at, "quote.serials_moved", "", json!({ "moved": moved })).map_err(err)?;
        }
        sp.commit().map_err(err)?;
        Ok((moved, renumbered))
    }

    /// Carries on with the enrolled server after it was restored from a
    /// backup under a new instance id: the pull starts over, as the server's
    /// log is shorter now (applying pulled changes again is idempotent).
    pub(crate) fn adopt_restored_server(&mut self, instance_id: &str, now: OffsetDateTime) -> Result<(), StoreError> {
        let err = sql_err(&self.path);
        let sp = self.conn.savepoint().map_err(err)?;
        let before: String =
            sp.query_row("SELECT server_instance_id FROM sync_enrollment WHERE singleton = 1", [], |r| r.get(0)).map_err(err)?;
        sp.execute("UPDATE sync_enrollment SET server_instance_id = ?1 WHERE singleton = 1", [instance_id]).map_err(err)?;
        sp.execute("DELETE FROM sync_state WHERE key = 'pull_cursor'", []).map_err(err)?;
        sp.execute("INSERT OR REPLACE INTO server_restore_pending (singleton, adopted_at) VALUES (1, ?1)", [instant_text(now)])
            .map_err(err)?;
        audit(&sp, &instant_text(now), "server.restored", instance_id, json!({ "previous_instance_id": before })).map_err(err)?;
        sp.commit().map_err(err)?;
        Ok(())
    }

    /// Keeps a renewed device token (the old one is revoked on the server).
    pub(crate) fn save_renewed_token(&mut self, token: &Secret, expires_at: &str, now: OffsetDateTime) -> Result<(), StoreError> {
        let err = sql_err(&self.path);
        let at = instant_text(now);
        let sp = self.conn.savepoint().map_err(err)?;
        let device_id: String = sp
            .query_row(
                "UPDATE sync_enrollment SET token = ?1, token_expires_at = ?2 WHERE singleton = 1 RETURNING device_id",
                params![token.expose(), expires_at],
                |r| r.get(0),
            )
            .map_err(err)?;
        audit(&sp, &at, "device.token_renewed", &device_id, json!({ "expires_at": expires_at })).map_err(err)?;
        sp.commit().map_err(err)?;
        Ok(())
    }

    /// How the workstation was set up on its first launch (`offline` or
    /// `enrolled`), or `None` before the choice.
    pub fn setup_mode(&self) -> Result<Option<String>, StoreError> {
        self.conn
            .query_row("SELECT mode FROM workstation_setup WHERE singleton = 1", [], |r| r.get(0))
            .optional()
            .map_err(sql_err(&self.path))
    }

    /// Records the first-launch choice. Enrolling replaces `offline`;
    /// choosing `offline` never replaces `enrolled`.
    pub(crate) fn record_setup(&mut self, mode: &str, now: OffsetDateTime) -> Result<(), StoreError> {
        self.conn
            .execute(
                "INSERT INTO workstation_setup (singleton, mode, chosen_at) VALUES (1, ?1, ?2)
                 ON CONFLICT (singleton) DO UPDATE SET mode = excluded.mode, chosen_at = excluded.chosen_at
                 WHERE workstation_setup.mode <> 'enrolled'",
                params![mode, instant_text(now)],
            )
            .map(drop)
            .map_err(sql_err(&self.path))
    }

    /// The next serial and the last one of `year`'s quote-number block, if the year has one.
    pub fn quote_number_block(&self, year: i32) -> Result<Option<(u32, u32)>, StoreError> {
        self.conn
            .query_row("SELECT next_serial, last_serial FROM quote_number_block WHERE year = ?1", [year], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(|e| self.err(e))
    }

    /// The next serial of `year` in this device's own series (1 before the first quote of the year).
    pub fn next_device_serial(&self, year: i32) -> Result<u32, StoreError> {
        self.conn
            .query_row("SELECT next_serial FROM quote_serial WHERE year = ?1", [year], |r| r.get(0))
            .optional()
            .map(|n| n.unwrap_or(1))
            .map_err(|e| self.err(e))
    }

    /// Where the next pull starts: the server's log index, 0 before the first pull.
    pub fn pull_cursor(&self) -> Result<u64, StoreError> {
        self.sync_state_number("pull_cursor")
    }

    /// The highest outbox sequence the server has answered for.
    pub fn acked_seq(&self) -> Result<u64, StoreError> {
        self.sync_state_number("acked_seq")
    }

    fn sync_state_number(&self, key: &'static str) -> Result<u64, StoreError> {
        let text: Option<String> =
            self.conn.query_row("SELECT value FROM sync_state WHERE key = ?1", [key], |r| r.get(0)).optional().map_err(|e| self.err(e))?;
        text.map_or(Ok(0), |t| {
            t.parse().map_err(|_| StoreError::BadStoredValue {
                table: "sync_state",
                id: 0,
                field: key,
                problem: format!("`{t}` is not a number"),
            })
        })
    }

    /// Issues the user has not dismissed, newest first.
    pub fn sync_issues(&self) -> Result<Vec<SyncIssue>, StoreError> {
        self.issues_where("i.dismissed_at IS NULL", None)
    }

    /// Every sync issue about a quote, dismissed or not, newest first: what
    /// the quote screen shows beside its status.
    pub fn quote_sync_issues(&self, quote_id: i64) -> Result<Vec<SyncIssue>, StoreError> {
        self.issues_where("q.id = ?1", Some(quote_id))
    }

    fn issues_where(&self, condition: &str, quote_id: Option<i64>) -> Result<Vec<SyncIssue>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!(
                "SELECT i.id, i.source, i.seq, i.op_id, i.change_index, i.kind, i.subject, i.outcome, i.code, i.reason,
                        i.current_version, i.received_at, q.id
                 FROM sync_issue i LEFT JOIN quote q ON q.quote_number = i.subject
                 WHERE {condition} ORDER BY i.id DESC"
            ))
            .map_err(|e| self.err(e))?;
        let params: Vec<i64> = quote_id.into_iter().collect();
        let rows = stmt
            .query_map(rusqlite::params_from_iter(params), |r| {
                Ok(SyncIssue {
                    id: r.get(0)?,
                    source: r.get(1)?,
                    seq: r.get(2)?,
                    op_id: r.get(3)?,
                    change_index: r.get(4)?,
                    kind: r.get(5)?,
                    subject: r.get(6)?,
                    outcome: r.get(7)?,
                    code: r.get(8)?,
                    reason: r.get(9)?,
                    current_version: r.get(10)?,
                    received_at: r.get(11)?,
                    quote_id: r.get(12)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// Marks an issue as seen; it leaves [`Store::sync_issues`]. Returns
    /// whether there was such an undismissed issue.
    pub(crate) fn dismiss_sync_issue(&mut self, id: i64, now: OffsetDateTime) -> Result<bool, StoreError> {
        let changed = self
            .conn
            .execute("UPDATE sync_issue SET dismissed_at = ?2 WHERE id = ?1 AND dismissed_at IS NULL", params![id, instant_text(now)])
            .map_err(|e| self.err(e))?;
        Ok(changed > 0)
    }

    /// The pack-signing keys this workstation trusts now: bundled and synced, not revoked.
    pub fn active_trusted_keys(&self) -> Result<TrustedKeys, StoreError> {
        active_keys(&self.conn).map_err(|e| self.err(e))
    }

    /// Whether the server announced `key_id` with `public_key` and has not revoked it.
    pub fn key_is_trusted(&self, key_id: &str, public_key: &str) -> Result<bool, StoreError> {
        self.conn
            .query_row(
                "SELECT 1 FROM trusted_key WHERE key_id = ?1 AND public_key = ?2 AND revoked_at IS NULL",
                params![key_id, public_key.to_ascii_lowercase()],
                |_| Ok(()),
            )
            .optional()
            .map(|found| found.is_some())
            .map_err(|e| self.err(e))
    }

    /// Keys the server revoked.
    pub fn revoked_key_ids(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt =
            self.conn.prepare("SELECT key_id FROM trusted_key WHERE revoked_at IS NOT NULL ORDER BY key_id").map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }

    /// The files of every pack installed through sync, by pack id.
    pub(crate) fn synced_packs(&self) -> Result<Vec<(String, PackFiles)>, StoreError> {
        let mut stmt = self.conn.prepare("SELECT pack_id, files FROM synced_pack ORDER BY change_index").map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))).map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (pack_id, files) = row.map_err(|e| self.err(e))?;
            let files: BTreeMap<String, String> = serde_json::from_str(&files).map_err(|e| StoreError::BadStoredValue {
                table: "synced_pack",
                id: 0,
                field: "files",
                problem: format!("{pack_id}: {e}"),
            })?;
            out.push((pack_id.clone(), pack_files(&pack_id, &files)));
        }
        Ok(out)
    }
}

/// The pack files of a synced pack; errors name `sync/<pack id>/<file>`.
pub(crate) fn pack_files(pack_id: &str, files: &BTreeMap<String, String>) -> PackFiles {
    PackFiles::from_files(format!("sync/{pack_id}"), files.clone())
}

pub(crate) fn active_keys(conn: &Connection) -> rusqlite::Result<TrustedKeys> {
    let mut keys = TrustedKeys::new();
    let mut stmt = conn.prepare_cached("SELECT key_id, public_key FROM trusted_key WHERE revoked_at IS NULL")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    for row in rows {
        let (id, public_key) = row?;
        if !crate::may_trust_key(&id, &public_key) {
            continue;
        }
        // A stored key that does not parse verifies nothing; the CHECK on
        // the table makes that a file altered outside the application.
        let _ = keys.add_hex(&id, &public_key);
    }
    Ok(keys)
}

/// Which numbers a counter must move past.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Held {
    /// Only the server's: the counter handed out every number of the series
    /// this store holds, so it is past them already (every sync).
    ServerOnly,
    /// The server's and every number of the series the store holds: the
    /// store may hold numbers its counter did not give (an enrollment).
    AlsoStored,
}

/// Moves each year's counter of the device's own series past the server's
/// highest serial (and, with [`Held::AlsoStored`], past every number of the
/// series the store holds). Returns the years whose counter moved, with the
/// new next serial.
fn fast_forward_serials(conn: &Connection, device_number: u32, serials: &[QuoteSerial], held: Held) -> rusqlite::Result<Vec<(i32, u32)>> {
    let mut highest: BTreeMap<i32, u32> = BTreeMap::new();
    for s in serials {
        let h = highest.entry(s.year).or_insert(0);
        *h = (*h).max(s.highest);
    }
    if held == Held::AlsoStored {
        let mut stored = conn.prepare("SELECT quote_number FROM quote")?;
        for number in stored.query_map([], |r| r.get::<_, String>(0))? {
            if let Ok(n) = number?.parse::<uw_policy::QuoteNumber>() {
                if n.device() == Some(device_number) {
                    let h = highest.entry(n.year()).or_insert(0);
                    *h = (*h).max(n.serial());
                }
            }
        }
    }
    let mut moved = Vec::new();
    for (year, high) in highest {
        let next = high.saturating_add(1);
        let before: Option<u32> =
            conn.query_row("SELECT next_serial FROM quote_serial WHERE year = ?1", [year], |r| r.get(0)).optional()?;
        if before.is_none_or(|b| b < next) {
            conn.execute(
                "INSERT INTO quote_serial (year, next_serial) VALUES (?1, ?2) ON CONFLICT (year) DO UPDATE SET next_serial = excluded.next_serial",
                params![year, next],
            )?;
            moved.push((year, next));
        }
    }
    Ok(moved)
}

/// Gives a quote that was never sent a new number: the quote, and every
/// operation still waiting in the outbox that names it (signed again).
fn renumber_quote(
    sp: &Connection,
    id: i64,
    old: &str,
    new: &str,
    device_key: &ed25519_dalek::SigningKey,
    at: &str,
) -> Result<(), StoreError> {
    let err = |source| StoreError::Sqlite { path: sp.path().map(Into::into).unwrap_or_default(), source };
    sp.execute("UPDATE quote SET quote_number = ?2 WHERE id = ?1", params![id, new]).map_err(err)?;
    let waiting: Vec<(i64, String, String, String)> = {
        let mut stmt = sp.prepare("SELECT seq, op_id, kind, payload FROM outbox WHERE sent_at IS NULL ORDER BY seq").map_err(err)?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).map_err(err)?;
        rows.collect::<Result<_, _>>().map_err(err)?
    };
    for (seq, op_id, kind, payload) in waiting {
        let Ok(mut value) = serde_json::from_str::<serde_json::Value>(&payload) else { continue };
        if value.get("quote_number").and_then(serde_json::Value::as_str) != Some(old) {
            continue;
        }
        value["quote_number"] = json!(new);
        let text = value.to_string();
        let signed = uw_protocol::signed_message(u64::try_from(seq).unwrap_or(0), &op_id, &kind, &text);
        let signature = ed25519_dalek::Signer::sign(device_key, signed.as_bytes());
        sp.execute("UPDATE outbox SET payload = ?2, signature = ?3 WHERE seq = ?1", params![seq, text, hex::encode(signature.to_bytes())])
            .map_err(err)?;
    }
    audit(
        sp,
        at,
        "quote.renumbered",
        new,
        json!({ "was": old, "why": "the server holds the old number from this device: the store was restored from a backup" }),
    )
    .map_err(err)?;
    Ok(())
}
