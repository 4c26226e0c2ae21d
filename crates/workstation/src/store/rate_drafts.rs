//! Rate drafts, the approval key's public half and the review queue
//! (migration 0009).

use rusqlite::{params, OptionalExtension};
use time::OffsetDateTime;

use super::quotes::sql_err;
use super::{notify, Store, StoreError};
use crate::notifications::NotificationKind;
use crate::quotes::model::instant_text;

/// A draft as stored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
pub struct StoredRateDraft {
    pub draft_id: String,
    pub base_pack_id: String,
    /// The draft's [`DraftEdits`](uw_rating::pack::edit::DraftEdits), to resume editing.
    #[ts(type = "DraftEdits")]
    pub edits: serde_json::Value,
    #[serde(skip)]
    #[ts(skip)]
    pub files: std::collections::BTreeMap<String, String>,
    pub pack_id: String,
    pub digest: String,
    pub note: String,
    pub author: String,
    /// `editing`, `submitted`, `approved` or `rejected`.
    pub status: String,
    #[ts(type = "unknown")]
    pub impact: Option<serde_json::Value>,
    pub submitted_at: Option<String>,
    pub sent_at: Option<String>,
    pub decided_by: Option<String>,
    pub comment: Option<String>,
    pub updated_at: String,
}

fn bad(field: &'static str, problem: impl std::fmt::Display) -> StoreError {
    StoreError::BadStoredValue { table: "rate_draft", id: 0, field, problem: problem.to_string() }
}

const DRAFT_COLUMNS: &str = "draft_id, base_pack_id, edits, files, pack_id, digest, note, author, status, impact, submitted_at, sent_at,
     decided_by, comment, updated_at";

fn draft_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<[Option<String>; 15]> {
    let mut out: [Option<String>; 15] = Default::default();
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = r.get(i)?;
    }
    Ok(out)
}

fn to_draft(row: [Option<String>; 15]) -> Result<StoredRateDraft, StoreError> {
    let [draft_id, base_pack_id, edits, files, pack_id, digest, note, author, status, impact, submitted_at, sent_at, decided_by, comment, updated_at] =
        row;
    let json = |field: &'static str, v: Option<String>| -> Result<serde_json::Value, StoreError> {
        serde_json::from_str(&v.unwrap_or_default()).map_err(|e| bad(field, e))
    };
    Ok(StoredRateDraft {
        draft_id: draft_id.unwrap_or_default(),
        base_pack_id: base_pack_id.unwrap_or_default(),
        edits: json("edits", edits)?,
        files: serde_json::from_str(&files.unwrap_or_default()).map_err(|e| bad("files", e))?,
        pack_id: pack_id.unwrap_or_default(),
        digest: digest.unwrap_or_default(),
        note: note.unwrap_or_default(),
        author: author.unwrap_or_default(),
        status: status.unwrap_or_default(),
        impact: impact.map(|t| serde_json::from_str(&t)).transpose().map_err(|e| bad("impact", e))?,
        submitted_at,
        sent_at,
        decided_by,
        comment,
        updated_at: updated_at.unwrap_or_default(),
    })
}

impl Store {
    /// Creates or replaces a draft that is still being edited.
    pub(crate) fn save_rate_draft(&mut self, d: &StoredRateDraft, now: OffsetDateTime) -> Result<(), StoreError> {
        let err = sql_err(&self.path);
        let at = instant_text(now);
        let files = serde_json::to_string(&d.files).map_err(|e| bad("files", e))?;
        self.conn
            .execute(
                "INSERT INTO rate_draft (draft_id, base_pack_id, edits, files, pack_id, digest, note, author, status, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'editing', ?9, ?9)
                 ON CONFLICT (draft_id) DO UPDATE SET edits = excluded.edits, files = excluded.files, pack_id = excluded.pack_id,
                     digest = excluded.digest, note = excluded.note, updated_at = excluded.updated_at,
                     impact = CASE WHEN rate_draft.digest = excluded.digest THEN rate_draft.impact END
                 WHERE rate_draft.status = 'editing'",
                params![d.draft_id, d.base_pack_id, d.edits.to_string(), files, d.pack_id, d.digest, d.note, d.author, at],
            )
            .map_err(err)?;
        Ok(())
    }

    pub(crate) fn rate_draft(&self, draft_id: &str) -> Result<Option<StoredRateDraft>, StoreError> {
        let err = sql_err(&self.path);
        let row = self
            .conn
            .query_row(&format!("SELECT {DRAFT_COLUMNS} FROM rate_draft WHERE draft_id = ?1"), [draft_id], draft_row)
            .optional()
            .map_err(err)?;
        row.map(to_draft).transpose()
    }

    /// Every rate draft written here, most recently changed first.
    pub fn rate_drafts(&self) -> Result<Vec<StoredRateDraft>, StoreError> {
        let err = sql_err(&self.path);
        let mut stmt =
            self.conn.prepare(&format!("SELECT {DRAFT_COLUMNS} FROM rate_draft ORDER BY updated_at DESC, draft_id")).map_err(err)?;
        let rows = stmt.query_map([], draft_row).map_err(err)?.collect::<Result<Vec<_>, _>>().map_err(err)?;
        rows.into_iter().map(to_draft).collect()
    }

    /// Deletes a draft that is still being edited. Returns whether it was.
    pub(crate) fn discard_rate_draft(&mut self, draft_id: &str) -> Result<bool, StoreError> {
        let err = sql_err(&self.path);
        Ok(self.conn.execute("DELETE FROM rate_draft WHERE draft_id = ?1 AND status = 'editing'", [draft_id]).map_err(err)? == 1)
    }

    /// Queues an edited draft for submission. Returns whether it was editing.
    pub(crate) fn submit_rate_draft(
        &mut self,
        draft_id: &str,
        impact: Option<&serde_json::Value>,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let err = sql_err(&self.path);
        let at = instant_text(now);
        let changed = self
            .conn
            .execute(
                "UPDATE rate_draft SET status = 'submitted', impact = COALESCE(?2, impact), submitted_at = ?3, updated_at = ?3
                 WHERE draft_id = ?1 AND status = 'editing'",
                params![draft_id, impact.map(ToString::to_string), at],
            )
            .map_err(err)?;
        Ok(changed == 1)
    }

    /// Keeps the summary of the latest impact run on a draft still being
    /// edited; returns whether there was one.
    pub(crate) fn record_rate_draft_impact(&mut self, draft_id: &str, impact: &serde_json::Value) -> Result<bool, StoreError> {
        let err = sql_err(&self.path);
        let changed = self
            .conn
            .execute("UPDATE rate_draft SET impact = ?2 WHERE draft_id = ?1 AND status = 'editing'", params![draft_id, impact.to_string()])
            .map_err(err)?;
        Ok(changed == 1)
    }

    /// Submitted drafts sync has not delivered.
    pub(crate) fn unsent_rate_drafts(&self) -> Result<Vec<StoredRateDraft>, StoreError> {
        Ok(self.rate_drafts()?.into_iter().filter(|d| d.status == "submitted" && d.sent_at.is_none()).collect())
    }

    pub(crate) fn mark_rate_draft_sent(&mut self, draft_id: &str, now: OffsetDateTime) -> Result<(), StoreError> {
        let err = sql_err(&self.path);
        self.conn.execute("UPDATE rate_draft SET sent_at = ?2 WHERE draft_id = ?1", params![draft_id, instant_text(now)]).map_err(err)?;
        Ok(())
    }

    /// Records the server's decision on one of this user's drafts.
    pub(crate) fn rate_draft_decided(&mut self, draft: &uw_protocol::PackDraft, now: OffsetDateTime) -> Result<(), StoreError> {
        let err = sql_err(&self.path);
        let at = instant_text(now);
        let sp = self.conn.savepoint().map_err(err)?;
        let changed = sp
            .execute(
                "UPDATE rate_draft SET status = ?2, decided_by = ?3, comment = ?4, sent_at = COALESCE(sent_at, ?5), updated_at = ?5
                 WHERE draft_id = ?1 AND status IN ('submitted', 'approved', 'rejected') AND status <> ?2",
                params![draft.draft_id, draft.status, draft.decided_by, draft.comment, at],
            )
            .map_err(err)?;
        let kind = match draft.status.as_str() {
            "approved" => Some(NotificationKind::DraftApproved),
            "rejected" => Some(NotificationKind::DraftRejected),
            _ => None,
        };
        if let (1, Some(kind)) = (changed, kind) {
            let pack_id: String =
                sp.query_row("SELECT pack_id FROM rate_draft WHERE draft_id = ?1", [&draft.draft_id], |r| r.get(0)).map_err(err)?;
            notify(&sp, kind, &pack_id, None, draft.comment.as_deref(), &at).map_err(err)?;
        }
        sp.commit().map_err(err)?;
        Ok(())
    }

    pub(crate) fn approval_key(&self, username: &str) -> Result<Option<(String, String)>, StoreError> {
        let err = sql_err(&self.path);
        self.conn
            .query_row("SELECT key_id, public_key FROM approval_key WHERE username = ?1", [username], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
            .map_err(err)
    }

    pub(crate) fn save_approval_key(
        &mut self,
        username: &str,
        key_id: &str,
        public_key: &str,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let err = sql_err(&self.path);
        self.conn
            .execute(
                "INSERT INTO approval_key (username, key_id, public_key, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![username, key_id, public_key, instant_text(now)],
            )
            .map_err(err)?;
        Ok(())
    }

    /// Replaces the review queue with the server's submitted drafts, keeping
    /// any decision not yet delivered.
    pub(crate) fn save_reviews(&mut self, drafts: &[uw_protocol::PackDraft], now: OffsetDateTime) -> Result<(), StoreError> {
        let err = sql_err(&self.path);
        let at = instant_text(now);
        let tx = self.conn.transaction().map_err(err)?;
        tx.execute("DELETE FROM pack_review WHERE decision IS NULL OR sent_at IS NOT NULL", []).map_err(err)?;
        for d in drafts {
            let json = serde_json::to_string(d).map_err(|e| bad("draft", e))?;
            tx.execute(
                "INSERT INTO pack_review (draft_id, draft, fetched_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (draft_id) DO UPDATE SET draft = excluded.draft, fetched_at = excluded.fetched_at",
                params![d.draft_id, json, at],
            )
            .map_err(err)?;
        }
        tx.commit().map_err(err)?;
        Ok(())
    }

    /// The server refused this user's decision on `draft_id`: it is taken
    /// back (they may decide again) and the reason kept until they do.
    pub(crate) fn decision_refused(&mut self, draft_id: &str, code: &str, reason: &str, now: OffsetDateTime) -> Result<(), StoreError> {
        let err = sql_err(&self.path);
        let tx = self.conn.transaction().map_err(err)?;
        tx.execute("UPDATE pack_review SET decision = NULL, decided_at = NULL, sent_at = NULL WHERE draft_id = ?1", [draft_id])
            .map_err(err)?;
        tx.execute(
            "INSERT INTO pack_review_refusal (draft_id, code, reason, refused_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (draft_id) DO UPDATE SET code = excluded.code, reason = excluded.reason, refused_at = excluded.refused_at",
            params![draft_id, code, reason, instant_text(now)],
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(())
    }

    /// Why the server refused this user's last decision on `draft_id`, if it did.
    pub(crate) fn decision_refusal(&self, draft_id: &str) -> Result<Option<String>, StoreError> {
        let err = sql_err(&self.path);
        self.conn.query_row("SELECT reason FROM pack_review_refusal WHERE draft_id = ?1", [draft_id], |r| r.get(0)).optional().map_err(err)
    }

    /// The review queue: each draft with this user's undelivered decision.
    pub(crate) fn reviews(&self) -> Result<Vec<(uw_protocol::PackDraft, Option<uw_protocol::PackDraftDecision>)>, StoreError> {
        let err = sql_err(&self.path);
        let mut stmt = self.conn.prepare("SELECT draft, decision FROM pack_review ORDER BY fetched_at, draft_id").map_err(err)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?)))
            .map_err(err)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(err)?;
        rows.into_iter()
            .map(|(draft, decision)| {
                let draft = serde_json::from_str(&draft).map_err(|e| bad("draft", e))?;
                let decision = decision.map(|d| serde_json::from_str(&d)).transpose().map_err(|e| bad("decision", e))?;
                Ok((draft, decision))
            })
            .collect()
    }

    /// Queues a decision on a draft in the review queue. Returns whether the
    /// draft was there and undecided.
    pub(crate) fn queue_decision(
        &mut self,
        draft_id: &str,
        decision: &uw_protocol::PackDraftDecision,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let err = sql_err(&self.path);
        let json = serde_json::to_string(decision).map_err(|e| bad("decision", e))?;
        let tx = self.conn.transaction().map_err(err)?;
        let changed = tx
            .execute(
                "UPDATE pack_review SET decision = ?2, decided_at = ?3 WHERE draft_id = ?1 AND decision IS NULL",
                params![draft_id, json, instant_text(now)],
            )
            .map_err(err)?;
        if changed == 1 {
            tx.execute("DELETE FROM pack_review_refusal WHERE draft_id = ?1", [draft_id]).map_err(err)?;
        }
        tx.commit().map_err(err)?;
        Ok(changed == 1)
    }

    pub(crate) fn mark_decision_sent(&mut self, draft_id: &str, now: OffsetDateTime) -> Result<(), StoreError> {
        let err = sql_err(&self.path);
        self.conn.execute("UPDATE pack_review SET sent_at = ?2 WHERE draft_id = ?1", params![draft_id, instant_text(now)]).map_err(err)?;
        Ok(())
    }

    /// The latest rating input of every quote of `state` and `product`, by
    /// quote number: the local book for impact analysis.
    pub(crate) fn latest_inputs(&self, state: &str, product: &str) -> Result<Vec<(String, String)>, StoreError> {
        let err = sql_err(&self.path);
        let mut stmt = self
            .conn
            .prepare(
                "SELECT q.quote_number, v.input FROM quote q JOIN quote_version v ON v.quote_id = q.id AND v.version = q.current_version
                 WHERE q.state = ?1 AND q.product = ?2 ORDER BY q.quote_number",
            )
            .map_err(err)?;
        let rows =
            stmt.query_map([state, product], |r| Ok((r.get(0)?, r.get(1)?))).map_err(err)?.collect::<Result<Vec<_>, _>>().map_err(err)?;
        Ok(rows)
    }
}
