//! Retention: how long each kind of record is kept, per state, and the job
//! that applies it (daily while the server runs, and `uw-sync-server admin
//! retention run [--dry-run]`).
//!
//! Two kinds (see `migrations/server/*/0017_retention.sql`): a quote never
//! bound is deleted once its rule's days have passed since its last rating;
//! a customer's personal data is erased (their data key destroyed, as a
//! data-subject erasure does) once every record of theirs is past its rule
//! (their unbound quotes purged, their policies ended that long ago). A
//! record no rule covers is kept. Each run that changes anything is one
//! audited mutation, and each agent's desktops drop what it removed at
//! their next sync.

use std::collections::{BTreeMap, HashMap};

use uw_policy::{Policy, PolicyStatus};

use crate::audit::{Actor, Mutation};
use crate::error::ApiError;
use crate::keys::unix_ms;
use crate::storage::{args, TxMode};
use crate::AppState;

/// The kinds of record a rule may name.
pub const KINDS: [&str; 2] = ["unbound_quote", "ended_policy"];

pub use uw_protocol::{RetentionReport, RetentionRule};

/// The rules in force.
pub async fn rules(state: &AppState) -> Result<Vec<RetentionRule>, ApiError> {
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let rows = tx.fetch("SELECT kind, state, days FROM retention_rule ORDER BY kind, state", args![]).await?;
    rows.iter().map(|r| Ok(RetentionRule { kind: r.text(0)?, state: r.text(1)?, days: r.int(2)? })).collect()
}

/// Sets (`days`) or removes (None) the rule for `kind` in `us_state`. Audited.
pub async fn set_rule(
    state: &AppState,
    actor: &Actor,
    (kind, us_state, days): (&str, &str, Option<i64>),
    request_id: &str,
) -> Result<(), ApiError> {
    if !KINDS.contains(&kind) {
        return Err(ApiError::bad_request("retention.kind", format!("kind: `{kind}` is not one of {}", KINDS.join(", "))));
    }
    if us_state != "*" && (us_state.len() != 2 || !us_state.bytes().all(|b| b.is_ascii_uppercase())) {
        return Err(ApiError::bad_request(
            "retention.state",
            format!("state: `{us_state}` is not a two-letter state code such as TX, or *"),
        ));
    }
    if days.is_some_and(|d| d < 1) {
        return Err(ApiError::bad_request("retention.days", "days: keep records at least one day"));
    }
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    match days {
        Some(days) => {
            m.tx.execute(
                "INSERT INTO retention_rule (kind, state, days) VALUES ($1, $2, $3) ON CONFLICT (kind, state) DO UPDATE SET days = excluded.days",
                args![kind, us_state, days],
            )
            .await?
        }
        None => m.tx.execute("DELETE FROM retention_rule WHERE kind = $1 AND state = $2", args![kind, us_state]).await?,
    };
    let change = serde_json::json!({ "kind": kind, "state": us_state, "days": days });
    m.audit(actor, "retention.rule", ("retention_rule", &format!("{kind}/{us_state}")), &change, None).await?;
    m.commit().await?;
    state.log_grew();
    Ok(())
}

/// One record of a customer, as retention sees it.
struct Held {
    quote_number: String,
    user_id: String,
    policy_number: Option<String>,
    /// When its rule's days start: the last rating of an unbound quote, the
    /// end of a policy; None when no rule covers it (kept).
    kept_until: Option<time::Date>,
}

/// Applies the rules as of the server's today: deletes the unbound quotes
/// past theirs and erases the customers whose every record is past its
/// rule. With `dry_run`, only says what it would do.
pub async fn apply(state: &AppState, actor: &Actor, dry_run: bool, request_id: &str) -> Result<RetentionReport, ApiError> {
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    let today = m.now.date();
    let rules: HashMap<(String, String), i64> =
        m.tx.fetch("SELECT kind, state, days FROM retention_rule", args![])
            .await?
            .iter()
            .map(|r| Ok(((r.text(0)?, r.text(1)?), r.int(2)?)))
            .collect::<Result<_, ApiError>>()?;
    let mut report = RetentionReport { dry_run, ..RetentionReport::default() };
    if rules.is_empty() {
        return Ok(report);
    }
    let days = |kind: &str, us_state: &str| {
        rules.get(&(kind.to_owned(), us_state.to_owned())).or_else(|| rules.get(&(kind.to_owned(), "*".to_owned()))).copied()
    };
    let rows =
        m.tx.fetch(
            "SELECT q.quote_number, q.state, q.status, q.updated_at, q.user_id, q.person_id, p.policy_number, p.lifecycle, pe.erased_at
             FROM quote_record q LEFT JOIN policy p ON p.quote_number = q.quote_number LEFT JOIN person pe ON pe.person_id = q.person_id
             ORDER BY q.quote_number",
            args![],
        )
        .await?;
    let mut customers: BTreeMap<String, Vec<Held>> = BTreeMap::new();
    let mut purge: Vec<(String, String)> = Vec::new();
    for r in &rows {
        let (number, us_state, status) = (r.text(0)?, r.text(1)?, r.text(2)?);
        let kept_until = if status == "bound" {
            let ended = match r.opt_text(7)? {
                Some(lifecycle) => {
                    let policy: Policy = serde_json::from_str(&lifecycle).map_err(ApiError::internal)?;
                    Some(match (&policy.status, &policy.cancellation) {
                        (PolicyStatus::Cancelled, Some(c)) => c.effective,
                        _ => policy.term.end,
                    })
                }
                // Bound before lifecycles were kept: its end is unknown until a transaction builds it.
                None => None,
            };
            ended.zip(days("ended_policy", &us_state)).and_then(|(end, d)| end.checked_add(time::Duration::days(d)))
        } else {
            let rated = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(r.int(3)?) * 1_000_000).map_err(ApiError::internal)?;
            days("unbound_quote", &us_state).and_then(|d| rated.date().checked_add(time::Duration::days(d)))
        };
        if status != "bound" && kept_until.is_some_and(|until| until < today) {
            purge.push((number.clone(), r.text(4)?));
        }
        if let (Some(person), None) = (r.opt_text(5)?, r.opt_int(8)?) {
            customers.entry(person).or_default().push(Held {
                quote_number: number,
                user_id: r.text(4)?,
                policy_number: r.opt_text(6)?,
                kept_until,
            });
        }
    }
    let mut erased: Vec<(String, Vec<Held>)> = Vec::new();
    for (person, held) in customers {
        if held.iter().all(|h| h.kept_until.is_some_and(|until| until < today)) {
            erased.push((person, held));
        }
    }
    report.deleted_quotes = purge.iter().map(|(n, _)| n.clone()).collect();
    report.erased_customers = erased.iter().map(|(p, _)| p.clone()).collect();
    if dry_run || (purge.is_empty() && erased.is_empty()) {
        return Ok(report);
    }
    for (number, _) in &purge {
        m.tx.execute("DELETE FROM quote_record WHERE quote_number = $1", args![number.as_str()]).await?;
    }
    let now = unix_ms(m.now);
    for (person, _) in &erased {
        state.vault.erase(&mut *m.tx, person, now).await?;
    }
    let change = serde_json::json!({
        "deleted_quotes": report.deleted_quotes, "erased_customers": report.erased_customers,
        "rules": rules.iter().map(|((k, s), d)| format!("{k}/{s}={d}")).collect::<std::collections::BTreeSet<_>>(),
    });
    let index = m.audit(actor, "retention.apply", ("retention", &today.to_string()), &change, None).await?;
    // Each agent's desktops drop what is gone: the deleted quotes, and the
    // erased customers' quotes and policies.
    let mut by_user: BTreeMap<String, (Vec<String>, Vec<String>)> = BTreeMap::new();
    for (number, user) in &purge {
        by_user.entry(user.clone()).or_default().0.push(number.clone());
    }
    for held in erased.iter().flat_map(|(_, held)| held) {
        let entry = by_user.entry(held.user_id.clone()).or_default();
        if !entry.0.contains(&held.quote_number) {
            entry.0.push(held.quote_number.clone());
        }
        entry.1.extend(held.policy_number.clone());
    }
    for (user, (quote_numbers, policy_numbers)) in by_user {
        m.publish(index, Some(&user), &uw_protocol::ChangeBody::CustomerErased { quote_numbers, policy_numbers }).await?;
    }
    m.commit().await?;
    state.log_grew();
    report.log_index = Some(index);
    Ok(report)
}

/// Applies the rules once a day while the server runs, the first time a
/// minute after it starts.
pub(crate) async fn daily(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    let mut wait = std::time::Duration::from_secs(60);
    loop {
        tokio::select! {
            _ = stop.wait_for(|s| *s) => return,
            () = tokio::time::sleep(wait) => {}
        }
        wait = std::time::Duration::from_secs(24 * 60 * 60);
        match apply(&state, &Actor::system("retention"), false, "retention-daily").await {
            Ok(report) if report.log_index.is_some() => tracing::info!(
                deleted_quotes = report.deleted_quotes.len(),
                erased_customers = report.erased_customers.len(),
                "retention applied"
            ),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e.message, "retention failed"),
        }
    }
}
