//! Policy changes the underwriting rules referred: an agent's endorsement
//! or renewal offer waits for an underwriter, who makes it as prepared or
//! declines it with a note, as a referred quote waits for its decision.
//! Making it runs the whole transaction again as the underwriter, on the
//! version the agent prepared it on; the agent's devices learn the new
//! version on their next pull like any other change.

use uw_protocol::{PolicyReferral, PolicyReferralDecided, PolicyReferralDecision, PolicyTransactionRequest, Role};

use crate::audit::Mutation;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::keys::unix_ms;
use crate::policies::Refused;
use crate::storage::{args, SqlRow, Tx, TxMode};
use crate::AppState;

const COLUMNS: &str = "r.referral_id, r.policy_number, r.base_version, r.kind, u.username, r.requested_at, r.reasons, r.request, r.status";

/// The request kept in `text`, its input opened.
async fn kept_request(state: &AppState, tx: &mut dyn Tx, text: &str) -> Result<serde_json::Value, ApiError> {
    let mut request: serde_json::Value = serde_json::from_str(text).map_err(ApiError::internal)?;
    if let Some(input) = request.get_mut("input").filter(|i| i.is_object()) {
        *input = state.vault.open_or_redact(tx, input).await?.0;
    }
    Ok(request)
}

async fn referral(state: &AppState, tx: &mut dyn Tx, row: &SqlRow) -> Result<PolicyReferral, ApiError> {
    let reasons: Vec<serde_json::Value> = serde_json::from_str(&row.text(6)?).map_err(ApiError::internal)?;
    let mut request = kept_request(state, tx, &row.text(7)?).await?;
    // The underwriter decides on the risk, not on how to reach the customer.
    if let Some(input) = request.get_mut("input").and_then(serde_json::Value::as_object_mut) {
        input.remove("contact");
    }
    Ok(PolicyReferral {
        referral_id: row.text(0)?,
        policy_number: row.text(1)?,
        base_version: u32::try_from(row.int(2)?).map_err(ApiError::internal)?,
        kind: row.text(3)?,
        agent: row.text(4)?,
        requested_at: crate::keys::rfc3339_ms(row.int(5)?)?,
        reasons: reasons.iter().filter_map(|r| r.get("message").and_then(serde_json::Value::as_str).map(str::to_owned)).collect(),
        request,
    })
}

/// The referred changes waiting for a decision, oldest first (underwriters).
pub async fn waiting(state: &AppState, caller: &Caller) -> Result<Vec<PolicyReferral>, ApiError> {
    caller.require(&[Role::Underwriter])?;
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let rows = tx
        .fetch(
            &format!(
                "SELECT {COLUMNS} FROM policy_referral r JOIN app_user u ON u.user_id = r.requested_by
                 WHERE r.status = 'referred' ORDER BY r.requested_at, r.referral_id"
            ),
            args![],
        )
        .await?;
    let mut referrals = Vec::with_capacity(rows.len());
    for row in &rows {
        referrals.push(referral(state, &mut *tx, row).await?);
    }
    Ok(referrals)
}

/// Makes (as prepared, as this underwriter) or declines a referred change.
pub async fn decide(
    state: &AppState,
    caller: &Caller,
    referral_id: &str,
    decision: &PolicyReferralDecision,
    request_id: &str,
) -> Result<PolicyReferralDecided, ApiError> {
    caller.require(&[Role::Underwriter])?;
    if !decision.approve && decision.note.trim().is_empty() {
        return Err(ApiError::bad_request("referral.note", "note: say why the change is declined; the agent reads it"));
    }
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    let row =
        m.tx.fetch_optional(
            &format!("SELECT {COLUMNS} FROM policy_referral r JOIN app_user u ON u.user_id = r.requested_by WHERE r.referral_id = $1"),
            args![referral_id],
        )
        .await?
        .ok_or_else(|| ApiError::not_found("referral.not_found", format!("no referred policy change {referral_id}")))?;
    if row.text(8)? != "referred" {
        return Err(ApiError::conflict("referral.decided", format!("the referred change {referral_id} was {} already", row.text(8)?)));
    }
    let policy_number = row.text(1)?;
    let status = if decision.approve { "approved" } else { "declined" };
    let mut made = None;
    if decision.approve {
        let request: PolicyTransactionRequest =
            serde_json::from_value(kept_request(state, &mut *m.tx, &row.text(7)?).await?).map_err(ApiError::internal)?;
        let transacted = match crate::policies::transact(state, &mut m, caller, &request).await? {
            Ok(t) => t,
            Err(Refused::Conflict { current_version, reason }) => {
                return Err(ApiError::conflict(
                    "policy.stale_version",
                    format!("{reason}. The agent prepared this change on a version since replaced; decline it and ask for it again"),
                )
                .with_current_version(current_version))
            }
            Err(Refused::Rejected { code, reason }) => return Err(ApiError::unprocessable(code, reason)),
            Err(Refused::Referred { reason, .. }) => return Err(ApiError::unprocessable("policy.referred", reason)),
        };
        let change = serde_json::json!({ "referral_id": referral_id, "note": decision.note.trim() });
        let index = m.audit(&caller.actor(), &transacted.action(), ("policy", &policy_number), &transacted.audit_change()?, None).await?;
        transacted.record(&mut m, index).await?;
        m.audit(&caller.actor(), "policy.referral_approved", ("policy", &policy_number), &change, None).await?;
        made = Some(transacted.result);
    } else {
        let change = serde_json::json!({ "referral_id": referral_id, "note": decision.note.trim() });
        m.audit(&caller.actor(), "policy.referral_declined", ("policy", &policy_number), &change, None).await?;
    }
    m.tx.execute(
        "UPDATE policy_referral SET status = $2, decided_by = $3, decided_at = $4, note = $5 WHERE referral_id = $1",
        args![referral_id, status, caller.user_id.as_str(), unix_ms(m.now), decision.note.trim()],
    )
    .await?;
    m.commit().await?;
    state.log_grew();
    Ok(PolicyReferralDecided { referral_id: referral_id.to_owned(), status: status.to_owned(), transacted: made })
}
