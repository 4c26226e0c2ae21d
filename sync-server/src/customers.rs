//! Finding a customer by name, though the server keeps names only
//! encrypted (see [`crate::personal`]): the name's keyed hash finds the
//! customers, their quote records say which quotes and policies are theirs,
//! and the latest quote, opened, says who they are.

use uw_protocol::{CustomerMatch, Role};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::storage::{args, TxMode};
use crate::AppState;

/// The customers named `name` that `caller` may see: an agent, those of
/// their own quotes; an underwriter, all.
pub async fn find(state: &AppState, caller: &Caller, name: &str) -> Result<Vec<CustomerMatch>, ApiError> {
    caller.require(&[Role::Agent, Role::Underwriter])?;
    search(state, (caller.role == Role::Agent).then_some(caller.user_id.as_str()), name).await
}

/// The customers named `name`; with `agent`, only those of that user's quotes.
async fn search(state: &AppState, agent: Option<&str>, name: &str) -> Result<Vec<CustomerMatch>, ApiError> {
    if crate::personal::normalised(name).is_empty() {
        return Err(ApiError::bad_request("customers.name", "name: give the customer's full name, as on their quote"));
    }
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let people = state.vault.find_by_name(&mut *tx, name).await?;
    let mut found = Vec::new();
    for customer_id in people {
        let rows = tx
            .fetch(
                "SELECT q.quote_number, p.policy_number, q.input FROM quote_record q LEFT JOIN policy p ON p.quote_number = q.quote_number
                 WHERE q.person_id = $1 AND ($2 = '' OR q.user_id = $2) ORDER BY q.updated_at, q.quote_number",
                args![customer_id.as_str(), agent.unwrap_or_default()],
            )
            .await?;
        let Some(latest) = rows.last() else { continue };
        let input = state.vault.open_text(&mut *tx, &latest.text(2)?).await?;
        let applicant = &input["quote"]["applicant"];
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_owned();
        let mut quotes: Vec<String> = rows.iter().map(|r| r.text(0)).collect::<Result<_, _>>()?;
        quotes.sort();
        found.push(CustomerMatch {
            customer_id,
            name: text(&applicant["name"]),
            street: text(&applicant["address"]["street"]),
            city: text(&applicant["address"]["city"]),
            state: text(&applicant["address"]["state"]),
            zip: text(&applicant["address"]["zip"]),
            quotes,
            policies: rows.iter().filter_map(|r| r.opt_text(1).transpose()).collect::<Result<_, _>>()?,
        });
    }
    Ok(found)
}

/// The customers named `name`, all agents' (administrators, for a
/// data-subject request).
pub async fn find_as_admin(state: &AppState, caller: &Caller, name: &str) -> Result<Vec<CustomerMatch>, ApiError> {
    caller.require(&[Role::Admin])?;
    search(state, None, name).await
}

/// [`export`] for an administrator; audited as `customer.export`.
pub async fn export_as_admin(
    state: &AppState,
    caller: &Caller,
    customer_id: &str,
    request_id: &str,
) -> Result<serde_json::Value, ApiError> {
    caller.require(&[Role::Admin])?;
    let export = export(state, customer_id).await?;
    audit_export(state, &caller.actor(), customer_id, request_id).await?;
    Ok(export)
}

/// Records that a customer's data was exported: who, when (the data itself
/// is not logged).
pub async fn audit_export(state: &AppState, actor: &crate::audit::Actor, customer_id: &str, request_id: &str) -> Result<(), ApiError> {
    let mut m = crate::audit::Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    m.audit(actor, "customer.export", ("customer", customer_id), &serde_json::json!({ "customer_id": customer_id }), None).await?;
    m.commit().await?;
    state.log_grew();
    Ok(())
}

/// [`erase`] for an administrator.
pub async fn erase_as_admin(
    state: &AppState,
    caller: &Caller,
    customer_id: &str,
    request: &uw_protocol::CustomerErasureRequest,
    request_id: &str,
) -> Result<uw_protocol::CustomerErasure, ApiError> {
    caller.require(&[Role::Admin])?;
    let erasure = erase(state, &caller.actor(), customer_id, &request.reason, request.include_policies, request_id).await?;
    Ok(uw_protocol::CustomerErasure {
        customer_id: customer_id.to_owned(),
        quotes: erasure.quotes,
        policies: erasure.policies,
        log_index: erasure.log_index,
    })
}

/// A customer as the administration command line finds them (the operator
/// reads the database as the server does): id, name and address, quotes
/// and policies, all agents'.
pub async fn find_for_operator(state: &AppState, name: &str) -> Result<Vec<CustomerMatch>, ApiError> {
    search(state, None, name).await
}

/// Everything the server holds about a customer, for a data-subject
/// request: their quotes (each with its rating input, opened), their
/// policies (detail and timeline), waiting changes to them, and the audit
/// entries about any of these (index, time, actor, action: the entries
/// hold no personal data, and stay in the log), and what desktops answered
/// to export requests (`desktops`). After an erasure, the inputs' personal
/// values and the desktops' answers are null.
pub async fn export(state: &AppState, customer_id: &str) -> Result<serde_json::Value, ApiError> {
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let person = tx
        .fetch_optional("SELECT created_at, erased_at FROM person WHERE person_id = $1", args![customer_id])
        .await?
        .ok_or_else(|| not_found(customer_id))?;
    let rows = tx
        .fetch(
            "SELECT q.quote_number, q.version, q.status, q.state, q.product, q.effective_date, q.total, q.decision, q.reasons,
                    u.username, q.input, q.updated_at, p.policy_number
             FROM quote_record q JOIN app_user u ON u.user_id = q.user_id LEFT JOIN policy p ON p.quote_number = q.quote_number
             WHERE q.person_id = $1 ORDER BY q.quote_number",
            args![customer_id],
        )
        .await?;
    let mut quotes = Vec::with_capacity(rows.len());
    let mut policy_numbers = Vec::new();
    for r in &rows {
        let stored: serde_json::Value = serde_json::from_str(&r.text(10)?).map_err(ApiError::internal)?;
        let (input, _) = state.vault.open_or_redact(&mut *tx, &stored).await?;
        quotes.push(serde_json::json!({
            "quote_number": r.text(0)?, "version": r.int(1)?, "status": r.text(2)?, "state": r.text(3)?, "product": r.text(4)?,
            "effective_date": r.text(5)?, "total": r.text(6)?, "decision": r.text(7)?,
            "reasons": serde_json::from_str::<serde_json::Value>(&r.text(8)?).map_err(ApiError::internal)?,
            "agent": r.text(9)?, "input": input, "updated_at": crate::keys::rfc3339_ms(r.int(11)?)?,
        }));
        policy_numbers.extend(r.opt_text(12)?);
    }
    let mut waiting = Vec::new();
    for number in &policy_numbers {
        let referred = tx
            .fetch(
                "SELECT referral_id, kind, status, request, requested_at FROM policy_referral WHERE policy_number = $1 ORDER BY requested_at",
                args![number.as_str()],
            )
            .await?;
        for r in &referred {
            let mut request: serde_json::Value = serde_json::from_str(&r.text(3)?).map_err(ApiError::internal)?;
            if let Some(input) = request.get_mut("input").filter(|i| i.is_object()) {
                *input = state.vault.open_or_redact(&mut *tx, input).await?.0;
            }
            waiting.push(serde_json::json!({
                "policy_number": number, "referral_id": r.text(0)?, "kind": r.text(1)?, "status": r.text(2)?,
                "requested_at": crate::keys::rfc3339_ms(r.int(4)?)?, "request": request,
            }));
        }
        if let Some(offer) =
            tx.fetch_optional("SELECT term_start, input FROM policy_renewal_offer WHERE policy_number = $1", args![number.as_str()]).await?
        {
            let stored: serde_json::Value = serde_json::from_str(&offer.text(1)?).map_err(ApiError::internal)?;
            let input = state.vault.open_or_redact(&mut *tx, &stored).await?.0;
            waiting.push(serde_json::json!({ "policy_number": number, "renewal_offer": { "term_start": offer.text(0)?, "input": input } }));
        }
    }
    let mut names: std::collections::HashSet<String> = rows.iter().map(|r| r.text(0)).collect::<Result<_, _>>()?;
    names.extend(policy_numbers.iter().cloned());
    names.insert(customer_id.to_owned());
    let entries = entries_about(&mut *tx, &names).await?;
    let desktops = crate::subject_requests::desktop_answers(state, &mut *tx, customer_id).await?;
    let created_at = crate::keys::rfc3339_ms(person.int(0)?)?;
    let erased_at = person.opt_int(1)?.map(crate::keys::rfc3339_ms).transpose()?;
    drop(tx);
    let mut policies = Vec::with_capacity(policy_numbers.len());
    for number in &policy_numbers {
        policies.push(crate::policies::detail_for_operator(state, number).await?);
    }
    Ok(serde_json::json!({
        "customer_id": customer_id,
        "created_at": created_at,
        "erased_at": erased_at,
        "exported_at": crate::audit::log_time(state.clock.now()),
        "quotes": quotes,
        "policies": policies,
        "waiting_changes": waiting,
        "audit_entries": entries,
        "desktops": desktops,
    }))
}

/// The audit entries whose resource is one of `names`, oldest first.
async fn entries_about(
    tx: &mut dyn crate::storage::Tx,
    names: &std::collections::HashSet<String>,
) -> Result<Vec<serde_json::Value>, ApiError> {
    const BATCH: i64 = 5_000;
    let mut found = Vec::new();
    let mut from = 0i64;
    loop {
        let rows = tx.fetch("SELECT idx, entry FROM audit_entry WHERE idx >= $1 ORDER BY idx LIMIT $2", args![from, BATCH]).await?;
        for row in &rows {
            let entry = uw_ledger::AuditEntry::decode(&row.bytes(1)?).map_err(ApiError::internal)?;
            if names.contains(&entry.resource_id) {
                found.push(serde_json::json!({
                    "index": row.int(0)?, "server_time": entry.server_time, "actor": entry.actor_user,
                    "action": entry.action, "resource_type": entry.resource_type, "resource_id": entry.resource_id,
                }));
            }
        }
        match rows.last() {
            Some(last) if i64::try_from(rows.len()).unwrap_or(0) == BATCH => from = last.int(0)? + 1,
            _ => return Ok(found),
        }
    }
}

/// What an erasure did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erasure {
    pub quotes: Vec<String>,
    pub policies: Vec<String>,
    /// The audit entry that records it.
    pub log_index: u64,
}

/// Erases a customer's personal data at their request by destroying their
/// data key (see [`crate::personal`]): every sealed value of theirs, in the
/// database and in every backup made from now on, is unrecoverable; the
/// quotes and policies stay, without it; the audit log is untouched. Policy
/// changes of theirs waiting for an underwriter are declined. Refused
/// while they hold a policy in force unless `include_policies` (the law
/// may require keeping a policy's records: that is the carrier's call).
/// Audited; each agent's desktops drop the customer at their next sync.
pub async fn erase(
    state: &AppState,
    actor: &crate::audit::Actor,
    customer_id: &str,
    reason: &str,
    include_policies: bool,
    request_id: &str,
) -> Result<Erasure, ApiError> {
    if reason.trim().is_empty() {
        return Err(ApiError::bad_request("customer.reason", "reason: say why the customer's data is erased (their request's reference)"));
    }
    let mut m = crate::audit::Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    let person =
        m.tx.fetch_optional("SELECT erased_at FROM person WHERE person_id = $1", args![customer_id])
            .await?
            .ok_or_else(|| not_found(customer_id))?;
    if person.opt_int(0)?.is_some() {
        return Err(ApiError::conflict("customer.erased", format!("customer {customer_id}'s personal data was erased already")));
    }
    let rows =
        m.tx.fetch(
            "SELECT q.quote_number, q.user_id, p.policy_number, p.status, p.user_id FROM quote_record q
             LEFT JOIN policy p ON p.quote_number = q.quote_number WHERE q.person_id = $1 ORDER BY q.quote_number",
            args![customer_id],
        )
        .await?;
    let mut quotes = Vec::new();
    let mut policies = Vec::new();
    let mut in_force = Vec::new();
    let mut by_user: std::collections::BTreeMap<String, (Vec<String>, Vec<String>)> = std::collections::BTreeMap::new();
    for r in &rows {
        let number = r.text(0)?;
        by_user.entry(r.text(1)?).or_default().0.push(number.clone());
        quotes.push(number);
        if let Some(policy) = r.opt_text(2)? {
            if r.text(3)? == "in_force" {
                in_force.push(policy.clone());
            }
            by_user.entry(r.text(4)?).or_default().1.push(policy.clone());
            policies.push(policy);
        }
    }
    if !in_force.is_empty() && !include_policies {
        return Err(ApiError::conflict(
            "customer.retained",
            format!(
                "customer {customer_id} holds policies in force ({}), whose records the law may require keeping; erase them too only if the carrier decides so (include_policies)",
                in_force.join(", ")
            ),
        ));
    }
    state.vault.erase(&mut *m.tx, customer_id, crate::keys::unix_ms(m.now)).await?;
    crate::subject_requests::record_erasure(&mut *m.tx, actor, customer_id, crate::keys::unix_ms(m.now)).await?;
    for policy in &policies {
        m.tx.execute(
            "UPDATE policy_referral SET status = 'declined', decided_at = $2, note = 'the customer''s personal data was erased at their request'
             WHERE policy_number = $1 AND status = 'referred'",
            args![policy.as_str(), crate::keys::unix_ms(m.now)],
        )
        .await?;
    }
    let change = serde_json::json!({ "customer_id": customer_id, "quotes": quotes, "policies": policies, "reason": reason.trim() });
    let log_index = m.audit(actor, "customer.erase", ("customer", customer_id), &change, None).await?;
    for (user_id, (quote_numbers, policy_numbers)) in by_user {
        let body = uw_protocol::ChangeBody::CustomerErased { quote_numbers, policy_numbers };
        m.publish(log_index, Some(&user_id), &body).await?;
    }
    m.commit().await?;
    state.log_grew();
    Ok(Erasure { quotes, policies, log_index })
}

fn not_found(customer_id: &str) -> ApiError {
    ApiError::not_found("customer.not_found", format!("no customer {customer_id} on this server"))
}
