//! Policy transactions: endorse, cancel, reinstate, offer a renewal, renew and
//! non-renew, applied by the server, which is authoritative.
//!
//! The money and the rules are `uw_policy`'s ([`Policy::apply`]); this module
//! loads the policy, checks who may do what, re-rates any changed input with
//! the server's own copy of the pack (never trusting the client's premium),
//! refuses a change prepared on an older version with a conflict carrying the
//! current one, and writes the next version, its timeline row and its audit
//! entry in one transaction. A transaction arrives either in a device's push
//! (`policy.transaction`, prepared offline) or online through
//! `POST /v1/policies/{policy_number}/transactions`.

use rust_decimal::Decimal;
use uw_policy::{Policy, Term, Transaction, TransactionKind, Worksheet};
use uw_protocol::{ChangeBody, PolicyDetail, PolicyEvent, PolicySummary, PolicyTransacted, PolicyTransactionRequest, Role};
use uw_rating::Rating;

use crate::audit::Mutation;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::keys::unix_ms;
use crate::storage::{args, SqlRow, TxMode};
use crate::AppState;

/// Why a transaction was not applied.
#[derive(Debug)]
pub enum Refused {
    Rejected {
        code: String,
        reason: String,
    },
    Conflict {
        current_version: u32,
        reason: String,
    },
    /// The rules referred it: it waits for an underwriter as `referral_id`
    /// (written in the caller's transaction, which must commit).
    Referred {
        referral_id: String,
        reason: String,
    },
}

fn rejected(code: &str, reason: impl Into<String>) -> Refused {
    Refused::Rejected { code: code.to_owned(), reason: reason.into() }
}

impl Refused {
    /// As a push operation's outcome.
    pub fn outcome(self) -> uw_protocol::Outcome {
        match self {
            Self::Rejected { code, reason } => uw_protocol::Outcome::Rejected { code, reason },
            Self::Conflict { current_version, reason } => uw_protocol::Outcome::Conflict { current_version, reason },
            Self::Referred { reason, .. } => uw_protocol::Outcome::Rejected { code: "policy.referred".into(), reason },
        }
    }
}

/// A transaction applied but not yet audited: the caller appends the audit
/// entry, then [`Transacted::record`] writes the timeline row and publishes
/// the change with that entry's index.
#[derive(Debug)]
pub struct Transacted {
    pub result: PolicyTransacted,
    /// The agent whose policy it is: they see the change.
    pub owner: String,
    pub worksheet: Worksheet,
    pub user_id: String,
}

impl Transacted {
    pub fn action(&self) -> String {
        format!("policy.{}", self.result.kind)
    }

    /// What the audit entry records.
    pub fn audit_change(&self) -> Result<serde_json::Value, ApiError> {
        Ok(serde_json::json!({ "result": self.result, "worksheet": serde_json::to_value(&self.worksheet).map_err(ApiError::internal)? }))
    }

    /// Writes the timeline row and publishes the change, under audit entry `index`.
    pub async fn record(&self, m: &mut Mutation, index: u64) -> Result<(), ApiError> {
        insert_event(m, &self.result.policy_number, &self.worksheet, &self.user_id, Some(index)).await?;
        m.publish(index, Some(&self.owner), &ChangeBody::PolicyChanged(self.result.clone())).await?;
        Ok(())
    }
}

pub(crate) async fn insert_event(
    m: &mut Mutation,
    number: &str,
    worksheet: &Worksheet,
    user_id: &str,
    index: Option<u64>,
) -> Result<(), ApiError> {
    let index = index.map(i64::try_from).transpose().map_err(ApiError::internal)?;
    insert_rows(m, vec![event_row(m, number, worksheet, user_id, index)?]).await
}

/// The timeline rows of many policies at once (a migration wave's batch):
/// `(policy number, worksheet, audit entry)`, each by `user_id`.
pub(crate) async fn insert_events(m: &mut Mutation, events: &[(String, Worksheet, i64)], user_id: &str) -> Result<(), ApiError> {
    let rows = events
        .iter()
        .map(|(number, worksheet, index)| event_row(m, number, worksheet, user_id, Some(*index)))
        .collect::<Result<Vec<_>, _>>()?;
    insert_rows(m, rows).await
}

fn event_row(
    m: &Mutation,
    number: &str,
    worksheet: &Worksheet,
    user_id: &str,
    index: Option<i64>,
) -> Result<Vec<crate::storage::SqlValue>, ApiError> {
    Ok(args![
        number,
        worksheet.version,
        worksheet.kind.name(),
        worksheet.effective.to_string(),
        worksheet.amount.to_string(),
        serde_json::to_string(worksheet).map_err(ApiError::internal)?,
        user_id,
        index,
        unix_ms(m.now)
    ])
}

async fn insert_rows(m: &mut Mutation, rows: Vec<Vec<crate::storage::SqlValue>>) -> Result<(), ApiError> {
    // Nine parameters a row, under SQLite's oldest limit of 999 a statement.
    for chunk in rows.chunks(111) {
        let sql = crate::audit::multi_row_insert(
            "policy_transaction (policy_number, version, kind, effective_date, amount, worksheet, user_id, log_index, recorded_at)",
            9,
            chunk.len(),
        );
        m.tx.execute(&sql, chunk.iter().flat_map(|r| r.iter().cloned()).collect()).await?;
    }
    Ok(())
}

/// The columns [`load`] reads.
const POLICY_READ: &str =
    "SELECT p.user_id, p.state, p.product, p.lifecycle, COALESCE(p.input, q.input), COALESCE(p.pack_digest, q.pack_digest),
        p.fees, p.effective_date, q.pack_id
    FROM policy p JOIN quote_record q ON q.quote_number = p.quote_number WHERE p.policy_number = $1";

/// A policy as the server holds it.
struct Loaded {
    owner: String,
    policy: Policy,
    pack_digest: String,
    fees: Decimal,
    /// The rating input in force, with the customer's contact details.
    input: serde_json::Value,
    /// The customer whose data key seals its personal data.
    person: Option<String>,
}

/// Loads `number`, building the lifecycle of a policy bound before it was
/// kept (from its quote's input and pack, rated again) and recording that
/// bind as version 1.
async fn load(state: &AppState, m: &mut Mutation, number: &str) -> Result<Result<Loaded, Refused>, ApiError> {
    let Some(row) = m.tx.fetch_optional(POLICY_READ, args![number]).await? else {
        return Ok(Err(rejected("policy.not_found", format!("no policy {number} on this server"))));
    };
    let stored: serde_json::Value = serde_json::from_str(&row.text(4)?).map_err(ApiError::internal)?;
    let person = crate::personal::sealed_for(&stored).map(str::to_owned);
    let input = match state.vault.open(&mut *m.tx, &stored).await {
        Ok(input) => input,
        Err(crate::personal::PersonalError::Erased { .. }) => return Ok(Err(erased(number))),
        Err(e) => return Err(e.into()),
    };
    let pack_digest = row.text(5)?;
    if let (Some(lifecycle), Some(fees)) = (row.opt_text(3)?, row.opt_text(6)?) {
        let policy: Policy = serde_json::from_str(&lifecycle).map_err(ApiError::internal)?;
        let fees = fees.parse().map_err(ApiError::internal)?;
        return Ok(Ok(Loaded { owner: row.text(0)?, policy, pack_digest, fees, input, person }));
    }
    let (quote, pack, rating) =
        match crate::authority::rerate(&state.packs, m, &input, &row.text(8)?, &pack_digest, crate::authority::PackRule::Term).await? {
            Ok(rated) => rated,
            Err(outcome) => return Err(ApiError::internal(format!("policy {number}: its bind no longer rates: {outcome:?}"))),
        };
    let term = Term::of_months(quote.effective_date, quote.term_months).map_err(ApiError::internal)?;
    let fees = rating.fee_total();
    let bound =
        Policy::bind(number, &row.text(1)?, &row.text(2)?, term, rating.total - fees, pack.refunds()).map_err(ApiError::internal)?;
    // Kept at once, with its timeline row, whatever becomes of the transaction that asked.
    keep_first_version(m, &bound.policy, &stored, &pack_digest, fees).await?;
    insert_event(m, number, &bound.worksheet, &row.text(0)?, None).await?;
    Ok(Ok(Loaded { owner: row.text(0)?, policy: bound.policy, pack_digest, fees, input, person }))
}

/// The refusal of a change to a policy whose customer's data was erased.
fn erased(number: &str) -> Refused {
    rejected(
        "customer.erased",
        format!("the customer of {number} had their personal data erased at their request; the policy can no longer be changed"),
    )
}

/// Writes the first version at bind: called by the bind in the same
/// transaction, with the quote's recorded (sealed) input.
pub async fn bind(
    m: &mut Mutation,
    number: &str,
    (quote, rating, refunds): (&uw_rating::Quote, &Rating, uw_rating::Refunds),
    input: &serde_json::Value,
    user_id: &str,
    index: u64,
) -> Result<(), ApiError> {
    let term = Term::of_months(quote.effective_date, quote.term_months).map_err(ApiError::internal)?;
    let fees = rating.fee_total();
    let bound = Policy::bind(number, &quote.state, quote.product.name(), term, rating.total - fees, refunds).map_err(ApiError::internal)?;
    keep_first_version(m, &bound.policy, input, &rating.pack_digest, fees).await?;
    insert_event(m, number, &bound.worksheet, user_id, Some(index)).await
}

/// Stores a policy's first version with the input (sealed), pack and fees it was bound with.
pub(crate) async fn keep_first_version(
    m: &mut Mutation,
    policy: &Policy,
    input: &serde_json::Value,
    digest: &str,
    fees: Decimal,
) -> Result<(), ApiError> {
    m.tx.execute(
        "UPDATE policy SET lifecycle = $2, input = $3, pack_digest = $4, fees = $5 WHERE policy_number = $1",
        args![
            policy.policy_number.as_str(),
            serde_json::to_string(policy).map_err(ApiError::internal)?,
            input.to_string(),
            digest,
            fees.to_string()
        ],
    )
    .await?;
    Ok(())
}

/// Checks, re-rates and applies `request`; writes the policy's next version.
/// The caller audits the result and then calls [`Transacted::record`].
pub async fn transact(
    state: &AppState,
    m: &mut Mutation,
    caller: &Caller,
    request: &PolicyTransactionRequest,
) -> Result<Result<Transacted, Refused>, ApiError> {
    let number = request.policy_number.as_str();
    let loaded = match load(state, m, number).await? {
        Ok(loaded) => loaded,
        Err(refused) => return Ok(Err(refused)),
    };
    match caller.role {
        Role::Underwriter => {}
        Role::Agent if loaded.owner == caller.user_id => {}
        // Another agent's policy is answered as one that does not exist:
        // the answer tells nobody which policy numbers are in use.
        Role::Agent => return Ok(Err(rejected("policy.not_found", format!("no policy {number} on this server")))),
        Role::Admin | Role::Auditor => {
            return Ok(Err(rejected(uw_protocol::codes::FORBIDDEN, "only agents and underwriters change policies")))
        }
    }
    let policy = &loaded.policy;
    if request.base_version != policy.version {
        let reason = format!(
            "{number} was changed since version {} was prepared: the server holds version {}. Open the policy again and redo the change on the current version",
            request.base_version, policy.version
        );
        return Ok(Err(Refused::Conflict { current_version: policy.version, reason }));
    }
    let transaction: Transaction = match serde_json::from_value(request.transaction.clone()) {
        Ok(t) => t,
        Err(e) => return Ok(Err(rejected("sync.bad_payload", format!("transaction: {e}")))),
    };
    let insurer_action = match &transaction {
        Transaction::Cancel { reason, .. } => !reason.insured_initiated(),
        Transaction::NonRenew { .. } => true,
        _ => false,
    };
    if insurer_action && caller.role != Role::Underwriter {
        return Ok(Err(rejected(
            uw_protocol::codes::FORBIDDEN,
            "an insurer's cancellation or a non-renewal is an underwriter's decision; an agent may cancel only at the insured's request",
        )));
    }
    // Undoing a cancellation is for whoever could make it: the insurer's
    // (misrepresentation, non-payment, a changed risk) is an underwriter's.
    if matches!(transaction, Transaction::Reinstate) && caller.role != Role::Underwriter {
        if let Some(cancelled) = policy.cancellation.as_ref().filter(|c| !c.reason.insured_initiated()) {
            return Ok(Err(rejected(
                uw_protocol::codes::FORBIDDEN,
                format!("{number} was cancelled by the insurer ({}); only an underwriter may reinstate it", cancelled.reason.code()),
            )));
        }
    }
    // An agent's endorsement takes effect no earlier than the server's
    // today, less what the organisation allows; an underwriter may correct
    // the record anywhere in the term.
    if let (Transaction::Endorse { effective, .. }, Role::Agent) = (&transaction, caller.role) {
        let allowed = crate::authority::backdate_allowance(m, &policy.state, &policy.product, "endorsement").await?;
        let earliest = m.now.date().checked_sub(time::Duration::days(allowed)).unwrap_or(time::Date::MIN);
        if *effective < earliest {
            return Ok(Err(rejected(
                "policy.backdated",
                format!(
                    "effective: an agent's change to {number} takes effect on {earliest} at the earliest (it says {effective}); an underwriter can make an earlier correction"
                ),
            )));
        }
    }
    let mut new_input = None;
    let mut new_digest = None;
    let mut renewal_fees = None;
    match &transaction {
        Transaction::Endorse { term_premium, .. } => {
            let Some(input) = &request.input else {
                return Ok(Err(rejected("sync.bad_payload", "input: an endorsement carries the changed rating input")));
            };
            let quote = match rate_for(state, m, input, &loaded.pack_digest, policy, false).await? {
                Ok(rated) => rated,
                Err(refused) => return Ok(Err(refused)),
            };
            if let Some(refused) = premium_check(&quote, loaded.fees, *term_premium) {
                return Ok(Err(refused));
            }
            if let Some(refused) = underwriting_check(&quote, caller, "change") {
                return Ok(Err(refer_if_referred(state, m, (caller, loaded.person.as_deref()), request, &quote, refused).await?));
            }
            new_input = Some(keep_contact(input, &loaded.input, caller));
        }
        Transaction::OfferRenewal { premium, pack_id } => {
            let (Some(input), Some(digest)) = (&request.input, &request.pack_digest) else {
                return Ok(Err(rejected(
                    "sync.bad_payload",
                    "input, pack_digest: a renewal offer carries the renewal's rating input and pack",
                )));
            };
            let chosen = match renewal_pack(state, m, policy).await? {
                Ok(pack) => pack,
                Err(refused) => return Ok(Err(refused)),
            };
            if chosen.digest().to_hex() != *digest || chosen.id() != pack_id {
                return Ok(Err(rejected(
                    "policy.renewal_pack",
                    format!(
                        "the renewal rates in force on {} are {}; sync to receive them and rate the renewal with them",
                        policy.term.end,
                        chosen.info().label()
                    ),
                )));
            }
            let rating = match rate_for(state, m, input, digest, policy, true).await? {
                Ok(rated) => rated,
                Err(refused) => return Ok(Err(refused)),
            };
            if let Some(refused) = premium_check(&rating, rating.fee_total(), *premium) {
                return Ok(Err(refused));
            }
            if let Some(refused) = underwriting_check(&rating, caller, "renewal") {
                return Ok(Err(refer_if_referred(state, m, (caller, loaded.person.as_deref()), request, &rating, refused).await?));
            }
            new_input = Some(keep_contact(input, &loaded.input, caller));
            new_digest = Some(digest.clone());
            renewal_fees = Some(rating.fee_total());
        }
        _ => {}
    }
    let applied = match policy.apply(&transaction, m.now.date()) {
        Ok(applied) => applied,
        Err(e) => return Ok(Err(rejected(e.code(), e.to_string()))),
    };
    let next = &applied.policy;
    let status = match next.status {
        uw_policy::PolicyStatus::InForce => "in_force",
        uw_policy::PolicyStatus::Cancelled => "cancelled",
    };
    // Stored sealed for the policy's customer; a renewal offer's input and
    // pack take over when the renewal is accepted.
    let new_input = match new_input {
        Some(input) => Some(state.vault.seal(&mut *m.tx, &input, loaded.person.as_deref(), unix_ms(m.now)).await?.document),
        None => None,
    };
    let (input_now, digest_now, fees_now) = match transaction.kind() {
        TransactionKind::OfferRenewal => (None, None, loaded.fees),
        TransactionKind::Renew => pending_renewal(m, number).await?,
        _ => (new_input.clone(), new_digest.clone(), loaded.fees),
    };
    m.tx.execute(
        "UPDATE policy SET lifecycle = $2, policy_version = $3, status = $4, premium = $5,
             input = COALESCE($6, input), pack_digest = COALESCE($7, pack_digest), fees = $8 WHERE policy_number = $1",
        args![
            number,
            serde_json::to_string(next).map_err(ApiError::internal)?,
            next.version,
            status,
            (next.term_premium + fees_now).to_string(),
            input_now.map(|i| i.to_string()),
            digest_now,
            fees_now.to_string()
        ],
    )
    .await?;
    if transaction.kind() == TransactionKind::OfferRenewal {
        m.tx.execute(
            "INSERT INTO policy_renewal_offer (policy_number, term_start, input, pack_digest, fees) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (policy_number) DO UPDATE SET term_start = excluded.term_start, input = excluded.input,
                 pack_digest = excluded.pack_digest, fees = excluded.fees",
            args![number, next.term.end.to_string(), new_input.map(|i| i.to_string()), new_digest, renewal_fees.map(|f| f.to_string())],
        )
        .await?;
    }
    let result = PolicyTransacted {
        policy_number: number.to_owned(),
        version: next.version,
        kind: transaction.kind().name().to_owned(),
        effective_date: applied.worksheet.effective.to_string(),
        amount: applied.worksheet.amount,
        status: status.to_owned(),
        term_premium: next.term_premium,
        written_premium: next.written_premium,
    };
    Ok(Ok(Transacted { result, owner: loaded.owner, worksheet: applied.worksheet, user_id: caller.user_id.clone() }))
}

/// The input a change stores: an underwriter never sees the customer's
/// contact details (see [`detail`]), so theirs keep the ones in force.
fn keep_contact(input: &serde_json::Value, in_force: &serde_json::Value, caller: &Caller) -> serde_json::Value {
    let mut input = input.clone();
    if caller.role == Role::Underwriter {
        if let (Some(object), Some(contact)) = (input.as_object_mut(), in_force.get("contact")) {
            object.insert("contact".into(), contact.clone());
        }
    }
    input
}

/// The input, pack and fees of the renewal offer being accepted.
async fn pending_renewal(m: &mut Mutation, number: &str) -> Result<(Option<serde_json::Value>, Option<String>, Decimal), ApiError> {
    let row = m.tx.fetch_one("SELECT input, pack_digest, fees FROM policy_renewal_offer WHERE policy_number = $1", args![number]).await?;
    let input = serde_json::from_str(&row.text(0)?).map_err(ApiError::internal)?;
    Ok((Some(input), Some(row.text(1)?), row.text(2)?.parse().map_err(ApiError::internal)?))
}

/// Rates `input` with the pack `digest` after checking it is this policy's
/// risk: same state and product, effective on the term's start (or, for a
/// renewal, the next term's).
async fn rate_for(
    state: &AppState,
    m: &mut Mutation,
    input: &serde_json::Value,
    digest: &str,
    policy: &Policy,
    renewal_offer: bool,
) -> Result<Result<Rating, Refused>, ApiError> {
    let Some(pack) = state.packs.get(&mut *m.tx, digest).await? else {
        return Ok(Err(rejected("rating.pack_unknown", format!("pack_digest: no published pack has digest {digest}"))));
    };
    let (quote, _pack, rating) =
        match crate::authority::rerate(&state.packs, m, input, pack.id(), digest, crate::authority::PackRule::Term).await? {
            Ok(rated) => rated,
            Err(outcome) => {
                return Ok(Err(match outcome {
                    uw_protocol::Outcome::Rejected { code, reason } => Refused::Rejected { code, reason },
                    other => rejected("rating.failed", format!("{other:?}")),
                }))
            }
        };
    // A renewal offer rates the next term; an endorsement rates the term in
    // force, which is itself a renewal once the policy has renewed.
    let starts = if renewal_offer { policy.term.end } else { policy.term.start };
    let renewal = renewal_offer || policy.renewals > 0;
    if quote.state != policy.state || quote.product.name() != policy.product || quote.effective_date != starts || quote.renewal != renewal {
        return Ok(Err(rejected(
            "policy.input_mismatch",
            format!(
                "input.quote: must be {} {} effective {starts}{} (got {} {} effective {})",
                policy.state,
                policy.product,
                if renewal { ", marked as a renewal" } else { "" },
                quote.state,
                quote.product.name(),
                quote.effective_date
            ),
        )));
    }
    Ok(Ok(rating))
}

/// The device's premium must be the server's to the cent.
fn premium_check(rating: &Rating, fees: Decimal, claimed: Decimal) -> Option<Refused> {
    let premium = rating.total - fees;
    (premium != claimed).then(|| {
        rejected(
            "policy.premium_mismatch",
            format!("term_premium: the device says {claimed} but the server's rating gives {premium}; the premium must match to the cent"),
        )
    })
}

/// The underwriting rules decide a change or a renewal as they decide a new
/// quote: a decline is refused; a referral is an underwriter's to make.
fn underwriting_check(rating: &Rating, caller: &Caller, what: &str) -> Option<Refused> {
    let reasons = || rating.decision.reasons.iter().map(|r| r.message.as_ref()).collect::<Vec<_>>().join("; ");
    match rating.decision.action {
        uw_rating::Action::Accept => None,
        uw_rating::Action::Decline => {
            Some(rejected("policy.declined", format!("the underwriting rules decline this {what}: {}", reasons())))
        }
        uw_rating::Action::Refer if caller.role == Role::Underwriter => None,
        uw_rating::Action::Refer => Some(rejected(
            "policy.referred",
            format!(
                "the underwriting rules refer this {what} to an underwriter ({}); it waits for their decision, which reaches the policy when you next sync",
                reasons()
            ),
        )),
    }
}

/// A referral refusal becomes a waiting referral: the agent's request is
/// kept (its input sealed for the policy's customer), with the rules'
/// reasons, for an underwriter to make or decline.
async fn refer_if_referred(
    state: &AppState,
    m: &mut Mutation,
    (caller, person): (&Caller, Option<&str>),
    request: &PolicyTransactionRequest,
    rating: &Rating,
    refused: Refused,
) -> Result<Refused, ApiError> {
    let Refused::Rejected { code, reason } = refused else { return Ok(refused) };
    if code != "policy.referred" {
        return Ok(Refused::Rejected { code, reason });
    }
    let mut id = [0u8; 16];
    getrandom::fill(&mut id).map_err(ApiError::internal)?;
    let referral_id = hex::encode(id);
    let reasons: Vec<serde_json::Value> = rating
        .decision
        .reasons
        .iter()
        .filter(|r| r.action == uw_rating::Action::Refer)
        .map(|r| serde_json::json!({ "code": &*r.code, "message": &*r.message }))
        .collect();
    let kind = request.transaction.get("kind").and_then(serde_json::Value::as_str).unwrap_or("change").to_owned();
    let mut kept = serde_json::to_value(request).map_err(ApiError::internal)?;
    if let Some(input) = kept.get_mut("input").filter(|i| i.is_object()) {
        *input = state.vault.seal(&mut *m.tx, input, person, unix_ms(m.now)).await?.document;
    }
    m.tx.execute(
        "INSERT INTO policy_referral (referral_id, policy_number, base_version, kind, request, reasons, requested_by, requested_at, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'referred')",
        args![
            referral_id.as_str(),
            request.policy_number.as_str(),
            request.base_version,
            kind.as_str(),
            kept.to_string(),
            serde_json::to_string(&reasons).map_err(ApiError::internal)?,
            caller.user_id.as_str(),
            unix_ms(m.now)
        ],
    )
    .await?;
    Ok(Refused::Referred { referral_id, reason })
}

/// The published pack in force for renewals of `policy` at its term's end:
/// the latest revision, as for new business.
async fn renewal_pack(
    state: &AppState,
    m: &mut Mutation,
    policy: &Policy,
) -> Result<Result<std::sync::Arc<uw_rating::RatePack>, Refused>, ApiError> {
    let Some(product) = uw_rating::Product::from_name(&policy.product) else {
        return Err(ApiError::internal(format!("policy {} has product {}", policy.policy_number, policy.product)));
    };
    Ok(match crate::packs::in_force(&state.packs, &mut *m.tx, &policy.state, product, policy.term.end, true).await? {
        Ok(pack) => Ok(pack),
        Err(e @ uw_rating::SelectError::NoneInForce { .. }) => Err(rejected("rating.no_pack", e.to_string())),
        Err(e @ uw_rating::SelectError::Ambiguous { .. }) => Err(rejected("rating.pack_ambiguous", e.to_string())),
    })
}

/// Applies a transaction online (`POST /v1/policies/{number}/transactions`).
pub async fn transact_online(
    state: &AppState,
    caller: &Caller,
    request: PolicyTransactionRequest,
    request_id: &str,
) -> Result<PolicyTransacted, ApiError> {
    caller.require(&[Role::Agent, Role::Underwriter])?;
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    let transacted = match transact(state, &mut m, caller, &request).await? {
        Ok(t) => t,
        Err(Refused::Conflict { current_version, reason }) => {
            return Err(ApiError::conflict("policy.stale_version", reason).with_current_version(current_version))
        }
        Err(Refused::Rejected { code, reason }) => return Err(ApiError::unprocessable(code, reason)),
        Err(Refused::Referred { referral_id, reason }) => {
            // Kept for an underwriter: the referral is written and audited.
            let change = serde_json::json!({ "referral_id": referral_id, "reason": reason });
            m.audit(&caller.actor(), "policy.transaction.referred", ("policy", &request.policy_number), &change, None).await?;
            m.commit().await?;
            state.log_grew();
            return Err(ApiError::unprocessable("policy.referred", reason));
        }
    };
    let index =
        m.audit(&caller.actor(), &transacted.action(), ("policy", &request.policy_number), &transacted.audit_change()?, None).await?;
    transacted.record(&mut m, index).await?;
    m.commit().await?;
    state.log_grew();
    Ok(transacted.result)
}

/// A policy with its timeline: its agent, or any underwriter or auditor.
pub async fn detail(state: &AppState, caller: &Caller, number: &str) -> Result<PolicyDetail, ApiError> {
    caller.require(&[Role::Agent, Role::Underwriter, Role::Auditor])?;
    let mut detail = read_detail(state, number, (caller.role == Role::Agent).then_some(caller.user_id.as_str())).await?;
    // Least privilege (docs/sync-protocol.md, authorization matrix): the
    // owning agent, who deals with the customer, sees everything.
    // Underwriters decide on the risk (the rating input: drivers, their
    // records, vehicles, the address) and may cancel for a suspended
    // licence, so they see licence numbers but not the customer's email,
    // phone or contact date of birth. Auditors see the evidence (the rating
    // input, the worksheets, the timeline) and neither.
    if let Some(input) = detail.input.as_object_mut() {
        match caller.role {
            Role::Agent => {}
            Role::Underwriter => {
                input.remove("contact");
            }
            Role::Auditor | Role::Admin => {
                input.remove("contact");
                input.remove("licenses");
            }
        }
    }
    Ok(detail)
}

/// A policy with its timeline, for the server's administration command
/// line (which reads the database directly, as its operator can).
pub async fn detail_for_operator(state: &AppState, number: &str) -> Result<PolicyDetail, ApiError> {
    read_detail(state, number, None).await
}

/// `number`'s detail; with `owner`, only if that user's (else not found).
async fn read_detail(state: &AppState, number: &str, owner: Option<&str>) -> Result<PolicyDetail, ApiError> {
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let row = tx
        .fetch_optional(
            "SELECT p.policy_number, p.quote_number, p.version, p.state, p.product, p.premium, p.effective_date, u.username,
                    p.policy_version, p.status, p.user_id, p.lifecycle, COALESCE(p.input, q.input), q.pack_digest, COALESCE(p.pack_digest, q.pack_digest)
             FROM policy p JOIN app_user u ON u.user_id = p.user_id JOIN quote_record q ON q.quote_number = p.quote_number
             WHERE p.policy_number = $1",
            args![number],
        )
        .await?
        .ok_or_else(|| ApiError::not_found("policy.not_found", format!("no policy {number} on this server")))?;
    if owner.is_some_and(|owner| row.text(10).is_ok_and(|user| user != owner)) {
        return Err(ApiError::not_found("policy.not_found", format!("no policy {number} on this server")));
    }
    let summary = summary_of(&row)?;
    let digest = row.text(14)?;
    let pack_id = tx
        .fetch_optional("SELECT pack_id FROM published_pack WHERE digest = $1", args![digest.as_str()])
        .await?
        .map(|r| r.text(0))
        .transpose()?
        .unwrap_or(digest);
    let events = tx
        .fetch(
            "SELECT t.version, t.kind, t.effective_date, t.amount, t.worksheet, t.recorded_at, u.username, t.log_index
             FROM policy_transaction t JOIN app_user u ON u.user_id = t.user_id WHERE t.policy_number = $1 ORDER BY t.version",
            args![number],
        )
        .await?;
    let timeline = events
        .iter()
        .map(|r| {
            Ok(PolicyEvent {
                version: u32::try_from(r.int(0)?).map_err(ApiError::internal)?,
                kind: r.text(1)?,
                effective_date: r.text(2)?,
                amount: r.text(3)?.parse().map_err(ApiError::internal)?,
                worksheet: serde_json::from_str(&r.text(4)?).map_err(ApiError::internal)?,
                recorded_at: crate::audit::log_time(
                    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(r.int(5)?) * 1_000_000).map_err(ApiError::internal)?,
                ),
                by: r.text(6)?,
                log_index: r.opt_int(7)?.map(u64::try_from).transpose().map_err(ApiError::internal)?,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    let policy = match row.opt_text(11)? {
        Some(text) => serde_json::from_str(&text).map_err(ApiError::internal)?,
        None => serde_json::Value::Null,
    };
    let stored: serde_json::Value = serde_json::from_str(&row.text(12)?).map_err(ApiError::internal)?;
    // A customer whose data was erased: the input without it.
    let (input, _) = state.vault.open_or_redact(&mut *tx, &stored).await?;
    Ok(PolicyDetail { summary, policy, input, pack_id, timeline })
}

/// A [`PolicySummary`] from the columns policy_number through status.
pub fn summary_of(r: &SqlRow) -> Result<PolicySummary, ApiError> {
    Ok(PolicySummary {
        policy_number: r.text(0)?,
        quote_number: r.text(1)?,
        version: u32::try_from(r.int(2)?).map_err(ApiError::internal)?,
        state: r.text(3)?,
        product: r.text(4)?,
        premium: r.text(5)?.parse().map_err(ApiError::internal)?,
        effective_date: r.text(6)?,
        agent: r.text(7)?,
        policy_version: u32::try_from(r.int(8)?).map_err(ApiError::internal)?,
        status: r.text(9)?,
    })
}
