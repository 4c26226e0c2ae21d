//! Online work: referral decisions, publishing rate packs, policies.

use axum::http::StatusCode;
use uw_protocol::{ChangeBody, PackSummary, PolicySummary, PublishPack, Referral, ReferralDecided, ReferralDecision, Role};

use crate::audit::Mutation;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::keys::{rfc3339_ms, unix_ms};
use crate::storage::{args, TxMode};
use crate::AppState;

/// Quotes whose current version is referred and undecided.
pub async fn referrals(state: &AppState, caller: &Caller) -> Result<Vec<Referral>, ApiError> {
    caller.require(&[Role::Underwriter])?;
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let rows = tx
        .fetch(
            "SELECT q.quote_number, q.version, u.username, q.pack_id, q.total, q.reasons, q.input, q.updated_at
             FROM quote_record q JOIN app_user u ON u.user_id = q.user_id WHERE q.status = 'referred' ORDER BY q.updated_at, q.quote_number",
            args![],
        )
        .await?;
    let mut referrals = Vec::with_capacity(rows.len());
    for r in &rows {
        let stored: serde_json::Value = serde_json::from_str(&r.text(6)?).map_err(ApiError::internal)?;
        let (input, erased) = state.vault.open_or_redact(&mut *tx, &stored).await?;
        if erased {
            // Nothing left to decide on: the customer's data was erased.
            continue;
        }
        referrals.push(Referral {
            quote_number: r.text(0)?,
            version: u32::try_from(r.int(1)?).map_err(ApiError::internal)?,
            agent: r.text(2)?,
            pack_id: r.text(3)?,
            total: r.text(4)?.parse().map_err(ApiError::internal)?,
            reasons: serde_json::from_str(&r.text(5)?).map_err(ApiError::internal)?,
            // Only the rating input: the contact details and licence
            // numbers the bind needs stay on the server.
            quote: input.get("quote").cloned().ok_or_else(|| ApiError::internal("a recorded input has no quote"))?,
            referred_at: Some(rfc3339_ms(r.int(7)?)?),
        });
    }
    Ok(referrals)
}

/// An underwriter approves or declines a referred quote's version.
pub async fn decide(
    state: &AppState,
    caller: &Caller,
    quote_number: &str,
    decision: ReferralDecision,
    request_id: &str,
) -> Result<ReferralDecided, ApiError> {
    caller.require(&[Role::Underwriter])?;
    if decision.reason.trim().is_empty() {
        return Err(ApiError::bad_request("referral.reason_required", "reason: say why the quote is approved or declined"));
    }
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    let row =
        m.tx.fetch_optional("SELECT version, status, user_id FROM quote_record WHERE quote_number = $1", args![quote_number])
            .await?
            .ok_or_else(|| ApiError::not_found("quote.not_found", format!("no quote {quote_number} on this server")))?;
    let version = u32::try_from(row.int(0)?).map_err(ApiError::internal)?;
    let status = row.text(1)?;
    let agent = row.text(2)?;
    if version != decision.version {
        return Err(ApiError::conflict(
            "referral.stale_version",
            format!("{quote_number} is at version {version}, not {}; review the current version", decision.version),
        )
        .with_current_version(version));
    }
    if status != "referred" {
        return Err(ApiError::conflict(
            "referral.not_pending",
            format!("{quote_number} version {version} is {status}, not waiting for a referral decision"),
        ));
    }
    if agent == caller.user_id {
        return Err(ApiError::forbidden("an underwriter may not decide a referral on their own quote"));
    }
    let new_status = if decision.approve { "approved" } else { "declined" };
    m.tx.execute(
        "UPDATE quote_record SET status = $2, decided_by = $3, decision_reason = $4, updated_at = $5 WHERE quote_number = $1",
        args![quote_number, new_status, caller.user_id.as_str(), decision.reason.as_str(), unix_ms(m.now)],
    )
    .await?;
    let change =
        serde_json::json!({ "quote_number": quote_number, "version": version, "approved": decision.approve, "reason": decision.reason });
    let action = if decision.approve { "referral.approve" } else { "referral.decline" };
    let index = m.audit(&caller.actor(), action, ("quote", quote_number), &change, None).await?;
    let body =
        ChangeBody::ReferralDecided { quote_number: quote_number.to_owned(), version, approved: decision.approve, reason: decision.reason };
    m.publish(index, Some(&agent), &body).await?;
    m.commit().await?;
    state.log_grew();
    Ok(ReferralDecided { quote_number: quote_number.to_owned(), version, status: new_status.to_owned() })
}

/// Every published pack.
pub async fn packs(state: &AppState, caller: &Caller) -> Result<Vec<PackSummary>, ApiError> {
    caller.require(&Role::ALL)?;
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let rows = tx.fetch("SELECT pack_id, digest, state, product, published_by FROM published_pack ORDER BY pack_id", args![]).await?;
    rows.iter()
        .map(|r| {
            Ok(PackSummary { pack_id: r.text(0)?, digest: r.text(1)?, state: r.text(2)?, product: r.text(3)?, published_by: r.text(4)? })
        })
        .collect()
}

/// Publishes a pack signed outside the approval workflow (a filing tool):
/// administrators only, only with an organisation key, and only when the
/// organisation has turned direct publishing on (`uw-sync-server admin
/// direct-publishing on`); otherwise one person could change rates alone.
/// An underwriter's approval key publishes nothing by itself: rate changes
/// go through [`crate::rate_drafts`], where someone other than the author
/// approves. Every desktop receives the pack on its next pull.
pub async fn publish(state: &AppState, caller: &Caller, request: PublishPack, request_id: &str) -> Result<PackSummary, ApiError> {
    caller.require(&[Role::Admin])?;
    if !direct_publishing(state).await? {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "pack.direct_publishing_off",
            "rates change through a draft that another underwriter approves; this organisation does not let an administrator publish a pack alone",
        ));
    }
    publish_as(state, &caller.actor(), &caller.username, request, request_id).await
}

/// Whether the organisation lets an administrator publish a pack alone.
pub async fn direct_publishing(state: &AppState) -> Result<bool, ApiError> {
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let row = tx.fetch_optional("SELECT direct_publishing FROM organisation WHERE singleton = 1", args![]).await?;
    Ok(match row {
        Some(row) => row.int(0)? == 1,
        None => false,
    })
}

/// Publishes as any actor (the administration command line uses this);
/// `publisher` is recorded by name. The signature must verify against an
/// organisation key.
pub async fn publish_as(
    state: &AppState,
    actor: &crate::audit::Actor,
    publisher: &str,
    request: PublishPack,
    request_id: &str,
) -> Result<PackSummary, ApiError> {
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    let keys = crate::packs::organisation_keys(&mut *m.tx).await?;
    let summary = publish_in(&state.packs, &mut m, actor, publisher, request.files, &keys).await?;
    m.commit().await?;
    state.log_grew();
    Ok(summary)
}

/// Publishes within `m`: compiles the files, verifying the signature against
/// `keys`, records the pack (immutable: a second publish of the same id or
/// digest is refused) and sends it to every desktop.
pub async fn publish_in(
    cache: &crate::packs::PackCache,
    m: &mut Mutation,
    actor: &crate::audit::Actor,
    publisher: &str,
    files: std::collections::BTreeMap<String, String>,
    keys: &uw_rating::TrustedKeys,
) -> Result<PackSummary, ApiError> {
    let pack = crate::packs::compile("upload", &files, keys)
        .map_err(|e| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "pack.invalid", format!("the pack is refused: {e}")))?;
    if let Some(reason) = crate::packs::same_day_rival(cache, &mut *m.tx, pack.id(), pack.info()).await? {
        return Err(ApiError::new(StatusCode::CONFLICT, "pack.same_day", reason));
    }
    let digest = pack.digest().to_hex();
    let summary = PackSummary {
        pack_id: pack.id().to_owned(),
        digest: digest.clone(),
        state: pack.info().state.clone(),
        product: pack.info().product.name().to_owned(),
        published_by: publisher.to_owned(),
    };
    let inserted = m
        .tx
        .execute(
            "INSERT INTO published_pack (pack_id, digest, state, product, files, published_by, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT DO NOTHING",
            args![
                summary.pack_id.as_str(),
                digest.as_str(),
                summary.state.as_str(),
                summary.product.as_str(),
                serde_json::to_string(&files).map_err(ApiError::internal)?,
                publisher,
                unix_ms(m.now)
            ],
        )
        .await?;
    if inserted == 0 {
        return Err(ApiError::conflict(
            "pack.exists",
            format!("pack {} (or one with digest {digest}) is published already", summary.pack_id),
        ));
    }
    let change = serde_json::json!({ "pack_id": summary.pack_id, "digest": digest });
    let index = m.audit(actor, "pack.publish", ("pack", &summary.pack_id), &change, None).await?;
    let body = ChangeBody::PackPublished { pack_id: summary.pack_id.clone(), digest, files };
    m.publish(index, None, &body).await?;
    Ok(summary)
}

/// Policies: an agent's own, or all for underwriters and auditors.
pub async fn policies(state: &AppState, caller: &Caller) -> Result<Vec<PolicySummary>, ApiError> {
    caller.require(&[Role::Agent, Role::Underwriter, Role::Auditor])?;
    let own = caller.role == Role::Agent;
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let rows = tx
        .fetch(
            "SELECT p.policy_number, p.quote_number, p.version, p.state, p.product, p.premium, p.effective_date, u.username,
                    p.policy_version, p.status
             FROM policy p JOIN app_user u ON u.user_id = p.user_id WHERE ($1 = 0 OR p.user_id = $2) ORDER BY p.policy_number",
            args![i64::from(own), caller.user_id.as_str()],
        )
        .await?;
    rows.iter().map(crate::policies::summary_of).collect()
}
