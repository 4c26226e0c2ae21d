//! The policy mirror's lifecycle (migration 0008): the server's detail of
//! each policy as last fetched, and the changes this device prepared offline,
//! each written with its outbox entry and audit event in one transaction.

use ed25519_dalek::SigningKey;
use rusqlite::{params, OptionalExtension};
use rust_decimal::Decimal;
use serde_json::json;
use time::OffsetDateTime;
use uw_policy::{Policy, Worksheet};
use uw_protocol::{PolicyDetail, PolicyTransactionRequest};

use super::quotes::{audit, sql_err};
use super::{append_outbox, Store, StoreError};
use crate::quotes::model::{instant_text, QuoteInput};

/// A policy as this workstation holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPolicy {
    pub policy_number: String,
    /// The quote it was bound from, and that quote's bound version.
    pub quote: Option<(i64, u32)>,
    /// `issued` or `cancelled`.
    pub status: String,
    /// The newest version the server reported (1 until it reports a change).
    pub policy_version: u32,
    pub effective_date: String,
    pub expiration_date: String,
    /// Decimal text: the premium with fees.
    pub premium: String,
    /// The server's detail as last fetched, and when.
    pub detail: Option<(PolicyDetail, String)>,
}

impl StoredPolicy {
    /// The server's detail, if it is of the newest version the server reported.
    pub fn current_detail(&self) -> Option<&PolicyDetail> {
        self.detail.as_ref().map(|(d, _)| d).filter(|d| d.summary.policy_version == self.policy_version)
    }
}

/// A change prepared on this device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyChange {
    pub id: i64,
    /// Its outbox sequence number.
    pub seq: i64,
    pub base_version: u32,
    /// `endorse`, `cancel`, `reinstate`, `offer_renewal`, `renew` or `non_renew`.
    pub kind: String,
    pub effective_date: String,
    /// Charged (positive) or returned (negative), as this device worked it out.
    pub amount: Decimal,
    pub description: String,
    /// The policy the change makes, as this device worked it out.
    pub policy: Policy,
    pub worksheet: Worksheet,
    /// What an endorsement or a renewal offer rates, and the pack it was rated with.
    pub rated: Option<(QuoteInput, String)>,
    pub prepared_at: String,
    /// `accepted`, `rejected` or `conflict` once the server answered.
    pub outcome: Option<String>,
    pub answered_at: Option<String>,
}

impl PolicyChange {
    /// Whether the server has yet to answer for it.
    pub fn pending(&self) -> bool {
        self.outcome.is_none()
    }
}

/// A change to record: the request the server will receive and what this
/// device worked out it does.
#[derive(Debug)]
pub struct NewPolicyChange<'a> {
    pub request: &'a PolicyTransactionRequest,
    pub description: &'a str,
    pub policy: &'a Policy,
    pub worksheet: &'a Worksheet,
    pub rated: Option<(&'a QuoteInput, &'a str)>,
}

const CHANGE_COLUMNS: &str = "id, seq, base_version, kind, effective_date, amount, description, policy, worksheet, input, pack_id, \
                              prepared_at, outcome, answered_at";

impl Store {
    /// The policy `policy_number`, if the server has reported it here.
    pub fn stored_policy(&self, policy_number: &str) -> Result<Option<StoredPolicy>, StoreError> {
        let err = sql_err(&self.path);
        let row = self
            .conn
            .query_row(
                "SELECT p.quote_id, p.version, p.status, COALESCE(p.policy_version, 1), p.effective_date, p.expiration_date, p.premium,
                        p.detail, p.fetched_at
                 FROM policy p WHERE p.policy_number = ?1",
                [policy_number],
                |r| {
                    Ok((
                        r.get::<_, Option<i64>>(0)?,
                        r.get::<_, u32>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, u32>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                        r.get::<_, Option<String>>(7)?,
                        r.get::<_, Option<String>>(8)?,
                    ))
                },
            )
            .optional()
            .map_err(err)?;
        let Some((quote_id, quote_version, status, policy_version, effective_date, expiration_date, premium, detail, fetched_at)) = row
        else {
            return Ok(None);
        };
        let detail = match (detail, fetched_at) {
            (Some(text), Some(at)) => Some((
                serde_json::from_str(&text).map_err(|e| StoreError::BadStoredValue {
                    table: "policy",
                    id: 0,
                    field: "detail",
                    problem: format!("{policy_number}: {e}"),
                })?,
                at,
            )),
            _ => None,
        };
        Ok(Some(StoredPolicy {
            policy_number: policy_number.to_owned(),
            quote: quote_id.map(|id| (id, quote_version)),
            status,
            policy_version,
            effective_date,
            expiration_date,
            premium,
            detail,
        }))
    }

    /// The changes prepared here for `policy_number`, oldest first.
    pub fn policy_changes(&self, policy_number: &str) -> Result<Vec<PolicyChange>, StoreError> {
        let err = sql_err(&self.path);
        let mut stmt = self
            .conn
            .prepare_cached(&format!("SELECT {CHANGE_COLUMNS} FROM policy_change WHERE policy_number = ?1 ORDER BY id"))
            .map_err(err)?;
        let rows = stmt.query_map([policy_number], read_change).map_err(err)?;
        let mut changes = Vec::new();
        for row in rows {
            changes.push(row.map_err(err)??);
        }
        Ok(changes)
    }

    /// Records a prepared change: its outbox entry (`policy.transaction`,
    /// signed), its row and its audit event, in one transaction.
    pub fn record_policy_change(
        &mut self,
        change: &NewPolicyChange<'_>,
        device_key: &SigningKey,
        now: OffsetDateTime,
    ) -> Result<PolicyChange, StoreError> {
        let err = sql_err(&self.path);
        let at = instant_text(now);
        let payload = to_json("payload", change.request)?;
        let policy = to_json("policy", change.policy)?;
        let worksheet = to_json("worksheet", change.worksheet)?;
        let input = change.rated.map(|(input, _)| to_json("input", input)).transpose()?;
        let number = change.request.policy_number.as_str();
        let kind = change.worksheet.kind.name();
        let sp = self.conn.savepoint().map_err(err)?;
        let seq = append_outbox(&sp, "policy.transaction", &payload, device_key).map_err(err)?;
        sp.execute(
            "INSERT INTO policy_change (policy_number, seq, base_version, kind, effective_date, amount, description, policy, worksheet,
                                        input, pack_id, prepared_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            params![
                number,
                seq,
                change.request.base_version,
                kind,
                change.worksheet.effective.to_string(),
                change.worksheet.amount.to_string(),
                change.description,
                policy,
                worksheet,
                input,
                change.rated.map(|(_, pack)| pack),
                at
            ],
        )
        .map_err(err)?;
        let id = sp.last_insert_rowid();
        audit(
            &sp,
            &at,
            "policy.change_prepared",
            number,
            json!({ "kind": kind, "base_version": change.request.base_version, "amount": change.worksheet.amount.to_string(), "seq": seq }),
        )
        .map_err(err)?;
        sp.commit().map_err(err)?;
        let mut stmt = self.conn.prepare_cached(&format!("SELECT {CHANGE_COLUMNS} FROM policy_change WHERE id = ?1")).map_err(err)?;
        stmt.query_row([id], read_change).map_err(err)?
    }

    /// Keeps the server's detail of a policy: the mirror's status, premium,
    /// term and version follow it. A policy this workstation has not heard of
    /// (another device's bind, or an underwriter opening it by number) joins
    /// the mirror without a local quote.
    pub fn save_policy_detail(&mut self, detail: &PolicyDetail, now: OffsetDateTime) -> Result<(), StoreError> {
        let err = sql_err(&self.path);
        let text = to_json("detail", detail)?;
        let policy: Policy = serde_json::from_value(detail.policy.clone()).map_err(|e| StoreError::BadStoredValue {
            table: "policy",
            id: 0,
            field: "detail",
            problem: format!("the server's policy {} does not read: {e}", detail.summary.policy_number),
        })?;
        let at = instant_text(now);
        let summary = &detail.summary;
        let document = json!({
            "quote_number": summary.quote_number, "version": summary.version, "policy_number": summary.policy_number,
            "premium": summary.premium.to_string(), "effective_date": summary.effective_date,
        });
        self.conn
            .execute(
                "INSERT INTO policy (policy_number, quote_id, customer_id, status, version, effective_date, expiration_date, premium, document,
                                     synced_at, policy_version, detail, detail_version, fetched_at)
                 VALUES (?1, NULL, NULL, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?9, ?8)
                 ON CONFLICT (policy_number) DO UPDATE SET status = excluded.status, premium = excluded.premium,
                     effective_date = excluded.effective_date, expiration_date = excluded.expiration_date,
                     detail = excluded.detail, detail_version = excluded.detail_version, fetched_at = excluded.fetched_at,
                     policy_version = max(COALESCE(policy.policy_version, 1), excluded.policy_version)",
                params![
                    summary.policy_number,
                    mirror_status(&summary.status),
                    summary.version,
                    policy.term.start.to_string(),
                    policy.term.end.to_string(),
                    summary.premium.to_string(),
                    document.to_string(),
                    at,
                    summary.policy_version,
                    text
                ],
            )
            .map_err(err)?;
        Ok(())
    }

    /// Policies whose server detail is missing or older than the newest
    /// version the server reported: the next sync fetches them.
    pub fn policies_to_fetch(&self) -> Result<Vec<String>, StoreError> {
        let err = sql_err(&self.path);
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT policy_number FROM policy WHERE detail IS NULL OR detail_version < COALESCE(policy_version, 1) ORDER BY policy_number",
            )
            .map_err(err)?;
        let rows = stmt.query_map([], |r| r.get(0)).map_err(err)?;
        rows.collect::<Result<Vec<String>, _>>().map_err(err)
    }
}

/// The mirror's status for the server's: `in_force` shows as `issued`, as
/// it did before the server kept a lifecycle.
pub(crate) fn mirror_status(server: &str) -> &'static str {
    if server == "cancelled" {
        "cancelled"
    } else {
        "issued"
    }
}

fn read_change(r: &rusqlite::Row<'_>) -> rusqlite::Result<Result<PolicyChange, StoreError>> {
    let id: i64 = r.get(0)?;
    let bad = |field: &'static str, problem: String| StoreError::BadStoredValue { table: "policy_change", id, field, problem };
    let amount: String = r.get(5)?;
    let policy: String = r.get(7)?;
    let worksheet: String = r.get(8)?;
    let input: Option<String> = r.get(9)?;
    let pack_id: Option<String> = r.get(10)?;
    let parsed = (|| {
        let amount = amount.parse::<Decimal>().map_err(|e| bad("amount", e.to_string()))?;
        let policy = serde_json::from_str(&policy).map_err(|e| bad("policy", e.to_string()))?;
        let worksheet = serde_json::from_str(&worksheet).map_err(|e| bad("worksheet", e.to_string()))?;
        let rated = match (input, pack_id) {
            (Some(input), Some(pack)) => Some((serde_json::from_str(&input).map_err(|e| bad("input", e.to_string()))?, pack)),
            _ => None,
        };
        Ok((amount, policy, worksheet, rated))
    })();
    Ok(match parsed {
        Err(e) => Err(e),
        Ok((amount, policy, worksheet, rated)) => Ok(PolicyChange {
            id,
            seq: r.get(1)?,
            base_version: r.get(2)?,
            kind: r.get(3)?,
            effective_date: r.get(4)?,
            amount,
            description: r.get(6)?,
            policy,
            worksheet,
            rated,
            prepared_at: r.get(11)?,
            outcome: r.get(12)?,
            answered_at: r.get(13)?,
        }),
    })
}

/// JSON text for a column of `policy_change` or `policy`. These types always
/// serialise; an error here is a defect, reported rather than hidden.
fn to_json(field: &'static str, value: &impl serde::Serialize) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::BadStoredValue {
        table: "policy_change",
        id: 0,
        field,
        problem: format!("cannot be written as JSON: {e}"),
    })
}
