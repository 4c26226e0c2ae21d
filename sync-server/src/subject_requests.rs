//! Data-subject requests and where they stand (`subject_request`, migration
//! 0019): a customer's export asks every desktop that may hold their data
//! (the enrolled devices of the users whose quotes are theirs) for what it
//! holds, through the change feed; each desktop answers at its next sync,
//! and the answer is sealed with the customer's data key, so an erasure
//! makes it unrecoverable with the rest. An erasure is recorded here too.
//! Every step is audited.

use uw_protocol::{ChangeBody, SubjectRequest, SubjectRequestAnswer, SubjectRequestDesktop};

use crate::audit::{Actor, Mutation};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::keys::unix_ms;
use crate::storage::{args, Tx, TxMode};
use crate::AppState;

/// What a desktop's answer is sealed as (the associated data).
fn label(request_id: &str, device_id: &str) -> String {
    format!("subject-request/{request_id}/{device_id}")
}

fn not_found(customer_id: &str) -> ApiError {
    ApiError::not_found("customer.not_found", format!("no customer {customer_id} on this server"))
}

/// Asks the desktops that may hold `customer_id`'s data for it. Audited
/// (`customer.export_request`); the request is `ready` at once when no
/// desktop holds any.
pub async fn request_export(state: &AppState, actor: &Actor, customer_id: &str, request_id: &str) -> Result<SubjectRequest, ApiError> {
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    let person =
        m.tx.fetch_optional("SELECT erased_at FROM person WHERE person_id = $1", args![customer_id])
            .await?
            .ok_or_else(|| not_found(customer_id))?;
    if person.opt_int(0)?.is_some() {
        return Err(ApiError::conflict(
            "subject_request.customer_erased",
            format!("customer {customer_id}'s personal data was erased already: nothing is left to export"),
        ));
    }
    let rows =
        m.tx.fetch(
            "SELECT q.user_id, q.quote_number, p.policy_number FROM quote_record q LEFT JOIN policy p ON p.quote_number = q.quote_number
             WHERE q.person_id = $1 ORDER BY q.quote_number",
            args![customer_id],
        )
        .await?;
    let mut by_user: std::collections::BTreeMap<String, (Vec<String>, Vec<String>)> = std::collections::BTreeMap::new();
    for r in &rows {
        let held = by_user.entry(r.text(0)?).or_default();
        held.0.push(r.text(1)?);
        held.1.extend(r.opt_text(2)?);
    }
    let mut devices = Vec::new();
    for user in by_user.keys() {
        let rows = m.tx.fetch("SELECT device_id FROM device WHERE user_id = $1 AND revoked_at IS NULL", args![user.as_str()]).await?;
        for r in rows {
            devices.push(r.text(0)?);
        }
    }
    let id = crate::auth::new_id()?;
    let now = unix_ms(m.now);
    let (status, completed) = if devices.is_empty() { ("ready", Some(now)) } else { ("waiting", None) };
    m.tx.execute(
        "INSERT INTO subject_request (request_id, customer_id, kind, status, requested_at, requested_by, completed_at)
         VALUES ($1, $2, 'export', $3, $4, $5, $6)",
        args![id.as_str(), customer_id, status, now, actor.user_id.as_str(), completed],
    )
    .await?;
    for device in &devices {
        m.tx.execute("INSERT INTO subject_request_desktop (request_id, device_id) VALUES ($1, $2)", args![id.as_str(), device.as_str()])
            .await?;
    }
    let change = serde_json::json!({ "request_id": id, "customer_id": customer_id, "desktops": devices.len() });
    let log_index = m.audit(actor, "customer.export_request", ("customer", customer_id), &change, None).await?;
    for (user, (quote_numbers, policy_numbers)) in by_user {
        let body = ChangeBody::CustomerExportRequested { request_id: id.clone(), quote_numbers, policy_numbers };
        m.publish(log_index, Some(&user), &body).await?;
    }
    let request = read(&mut *m.tx, &id).await?;
    m.commit().await?;
    state.log_grew();
    Ok(request)
}

/// Records that the customer was erased at their request (in the erasure's
/// own transaction): an `erasure` request, done; their exports, erased.
pub async fn record_erasure(tx: &mut dyn Tx, actor: &Actor, customer_id: &str, now: i64) -> Result<(), ApiError> {
    tx.execute(
        "INSERT INTO subject_request (request_id, customer_id, kind, status, requested_at, requested_by, completed_at)
         VALUES ($1, $2, 'erasure', 'done', $3, $4, $3)",
        args![crate::auth::new_id()?.as_str(), customer_id, now, actor.user_id.as_str()],
    )
    .await?;
    tx.execute(
        "UPDATE subject_request SET status = 'erased', completed_at = COALESCE(completed_at, $2) WHERE customer_id = $1 AND kind = 'export'",
        args![customer_id, now],
    )
    .await?;
    Ok(())
}

/// A desktop's answer: what it holds of the customer, sealed with their
/// data key. The request is `ready` once every desktop asked has answered.
pub async fn answer(
    state: &AppState,
    caller: &Caller,
    request_id: &str,
    answer: SubjectRequestAnswer,
    log_request_id: &str,
) -> Result<SubjectRequestDesktop, ApiError> {
    let device_id = caller.device()?.to_owned();
    if !answer.held.is_object() {
        return Err(ApiError::bad_request("subject_request.bad_answer", "held: expected a JSON object"));
    }
    let unknown = || ApiError::not_found("subject_request.not_found", "no data-subject request asks this device for an answer");
    let mut m = Mutation::begin_at(state.storage.as_ref(), log_request_id, state.clock.now()).await?;
    let row =
        m.tx.fetch_optional(
            "SELECT r.customer_id, r.status FROM subject_request r
             JOIN subject_request_desktop d ON d.request_id = r.request_id WHERE r.request_id = $1 AND d.device_id = $2",
            args![request_id, device_id.as_str()],
        )
        .await?
        .ok_or_else(unknown)?;
    let (customer_id, status) = (row.text(0)?, row.text(1)?);
    let now = unix_ms(m.now);
    if status != "erased" {
        let plain = serde_json::to_vec(&answer.held).map_err(ApiError::internal)?;
        let sealed = state.vault.seal_bytes(&mut *m.tx, &customer_id, &label(request_id, &device_id), &plain).await?;
        m.tx.execute(
            "UPDATE subject_request_desktop SET answered_at = $3, held = $4 WHERE request_id = $1 AND device_id = $2",
            args![request_id, device_id.as_str(), now, sealed],
        )
        .await?;
        ready_if_answered(&mut *m.tx, request_id, now).await?;
        let change = serde_json::json!({ "request_id": request_id, "customer_id": customer_id, "device_id": device_id });
        m.audit(&caller.actor(), "customer.export_answer", ("customer", &customer_id), &change, None).await?;
    }
    let request = read(&mut *m.tx, request_id).await?;
    m.commit().await?;
    state.log_grew();
    request.desktops.into_iter().find(|d| d.device_id == device_id).ok_or_else(unknown)
}

/// The request is `ready` once no desktop it waits for is left.
async fn ready_if_answered(tx: &mut dyn Tx, request_id: &str, now: i64) -> Result<(), ApiError> {
    tx.execute(
        "UPDATE subject_request SET status = 'ready', completed_at = $2 WHERE request_id = $1 AND status = 'waiting'
           AND NOT EXISTS (SELECT 1 FROM subject_request_desktop d WHERE d.request_id = $1 AND d.answered_at IS NULL)",
        args![request_id, now],
    )
    .await?;
    Ok(())
}

/// A revoked device will never answer: the requests stop waiting for it
/// (in the revocation's transaction).
pub async fn forget_device(tx: &mut dyn Tx, device_id: &str, now: i64) -> Result<(), ApiError> {
    let waiting =
        tx.fetch("SELECT request_id FROM subject_request_desktop WHERE device_id = $1 AND answered_at IS NULL", args![device_id]).await?;
    tx.execute("DELETE FROM subject_request_desktop WHERE device_id = $1 AND answered_at IS NULL", args![device_id]).await?;
    for row in &waiting {
        ready_if_answered(tx, &row.text(0)?, now).await?;
    }
    Ok(())
}

async fn read(tx: &mut dyn Tx, request_id: &str) -> Result<SubjectRequest, ApiError> {
    let rows = tx.fetch(&format!("{REQUEST_COLUMNS} WHERE r.request_id = $1"), args![request_id]).await?;
    let row = rows.first().ok_or_else(|| ApiError::not_found("subject_request.not_found", "no such data-subject request"))?;
    with_desktops(tx, row).await
}

const REQUEST_COLUMNS: &str = "SELECT r.request_id, r.customer_id, r.kind, r.status, r.requested_at,
     COALESCE((SELECT username FROM app_user WHERE user_id = r.requested_by), r.requested_by), r.completed_at FROM subject_request r";

async fn with_desktops(tx: &mut dyn Tx, row: &crate::storage::SqlRow) -> Result<SubjectRequest, ApiError> {
    let request_id = row.text(0)?;
    let desktops = tx
        .fetch(
            "SELECT d.device_id, v.name, u.username, d.answered_at FROM subject_request_desktop d
             JOIN device v ON v.device_id = d.device_id JOIN app_user u ON u.user_id = v.user_id
             WHERE d.request_id = $1 ORDER BY u.username, v.name",
            args![request_id.as_str()],
        )
        .await?
        .iter()
        .map(|d| {
            Ok(SubjectRequestDesktop {
                device_id: d.text(0)?,
                device_name: d.text(1)?,
                username: d.text(2)?,
                answered_at: d.opt_int(3)?.map(crate::keys::rfc3339_ms).transpose()?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok(SubjectRequest {
        request_id,
        customer_id: row.text(1)?,
        kind: row.text(2)?,
        status: row.text(3)?,
        requested_at: crate::keys::rfc3339_ms(row.int(4)?)?,
        requested_by: row.text(5)?,
        completed_at: row.opt_int(6)?.map(crate::keys::rfc3339_ms).transpose()?,
        desktops,
    })
}

/// The latest 200 requests, newest first.
pub async fn list(state: &AppState) -> Result<Vec<SubjectRequest>, ApiError> {
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let rows = tx.fetch(&format!("{REQUEST_COLUMNS} ORDER BY r.requested_at DESC, r.request_id LIMIT 200"), args![]).await?;
    let mut requests = Vec::with_capacity(rows.len());
    for row in &rows {
        requests.push(with_desktops(&mut *tx, row).await?);
    }
    Ok(requests)
}

/// What the desktops answered to `customer_id`'s export requests, opened
/// (null once the customer was erased), for the export.
pub async fn desktop_answers(state: &AppState, tx: &mut dyn Tx, customer_id: &str) -> Result<Vec<serde_json::Value>, ApiError> {
    let rows = tx
        .fetch(
            "SELECT d.request_id, d.device_id, v.name, u.username, d.answered_at, d.held FROM subject_request_desktop d
             JOIN subject_request r ON r.request_id = d.request_id JOIN device v ON v.device_id = d.device_id
             JOIN app_user u ON u.user_id = v.user_id
             WHERE r.customer_id = $1 ORDER BY r.requested_at, d.request_id, u.username, v.name",
            args![customer_id],
        )
        .await?;
    let mut answers = Vec::with_capacity(rows.len());
    for r in &rows {
        let (request_id, device_id) = (r.text(0)?, r.text(1)?);
        let held = match r.opt_bytes(5)? {
            Some(sealed) => match state.vault.open_bytes(tx, customer_id, &label(&request_id, &device_id), &sealed).await {
                Ok(plain) => serde_json::from_slice(&plain).map_err(ApiError::internal)?,
                Err(crate::personal::PersonalError::Erased { .. }) => serde_json::Value::Null,
                Err(e) => return Err(e.into()),
            },
            None => serde_json::Value::Null,
        };
        answers.push(serde_json::json!({
            "request_id": request_id, "device_id": device_id, "device_name": r.text(2)?, "username": r.text(3)?,
            "answered_at": r.opt_int(4)?.map(crate::keys::rfc3339_ms).transpose()?, "held": held,
        }));
    }
    Ok(answers)
}
