//! Four-eyes rate changes: an underwriter submits a draft pack; another
//! underwriter approves it by signing its digest with their own approval key
//! (registered to them by an administrator), and the server verifies the
//! signature and publishes the pack in the same transaction; or rejects it
//! with a comment.
//!
//! **Invariant:** nobody decides their own draft. The author is refused here
//! (`pack.four_eyes`), by the schema's check, and by the desktop before it
//! sends anything; an approval signed with any key but the approver's own
//! registered key is refused (`pack.signature`), so neither an organisation
//! key nor a colleague's key can stand in for a second pair of eyes.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use uw_protocol::{PackDraft, PackDraftDecision, Role, SubmitPackDraft};
use uw_rating::pack::digest::{self, SIGNATURE_FILE};
use uw_rating::{LoadMode, PackFiles};

use crate::audit::{log_time, Mutation};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::keys::unix_ms;
use crate::storage::{args, SqlRow, Tx, TxMode};
use crate::AppState;

const COLUMNS: &str = "d.draft_id, d.pack_id, d.digest, d.state, d.product, d.base_pack_id, a.username, d.submitted_at, d.status, d.note,
     d.impact, v.username, d.decided_at, d.comment, d.files";
const FROM: &str = "pack_draft d JOIN app_user a ON a.user_id = d.author_id LEFT JOIN app_user v ON v.user_id = d.decided_by";

fn ms_text(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).map(log_time).unwrap_or_default()
}

fn draft_of(r: &SqlRow) -> Result<PackDraft, ApiError> {
    Ok(PackDraft {
        draft_id: r.text(0)?,
        pack_id: r.text(1)?,
        digest: r.text(2)?,
        state: r.text(3)?,
        product: r.text(4)?,
        base_pack_id: r.text(5)?,
        author: r.text(6)?,
        submitted_at: ms_text(r.int(7)?),
        status: r.text(8)?,
        note: r.text(9)?,
        impact: r.opt_text(10)?.map(|t| serde_json::from_str(&t)).transpose().map_err(ApiError::internal)?,
        decided_by: r.opt_text(11)?,
        decided_at: r.opt_int(12)?.map(ms_text),
        comment: r.opt_text(13)?,
        files: serde_json::from_str(&r.text(14)?).map_err(ApiError::internal)?,
    })
}

async fn draft_by_id(tx: &mut dyn Tx, draft_id: &str) -> Result<Option<PackDraft>, ApiError> {
    tx.fetch_optional(&format!("SELECT {COLUMNS} FROM {FROM} WHERE d.draft_id = $1"), args![draft_id])
        .await?
        .as_ref()
        .map(draft_of)
        .transpose()
}

fn pack_files(origin: &str, files: &BTreeMap<String, String>) -> PackFiles {
    PackFiles::from_files(format!("draft/{origin}"), files.clone())
}

/// Drafts, newest first; `status` filters (`submitted` for the approval queue).
pub async fn drafts(state: &AppState, caller: &Caller, status: Option<&str>) -> Result<Vec<PackDraft>, ApiError> {
    caller.require(&[Role::Underwriter])?;
    let mut tx = state.storage.begin(TxMode::Read).await?;
    let rows = match status {
        Some(s) => {
            tx.fetch(&format!("SELECT {COLUMNS} FROM {FROM} WHERE d.status = $1 ORDER BY d.submitted_at DESC, d.draft_id"), args![s])
                .await?
        }
        None => tx.fetch(&format!("SELECT {COLUMNS} FROM {FROM} ORDER BY d.submitted_at DESC, d.draft_id"), args![]).await?,
    };
    rows.iter().map(draft_of).collect()
}

/// Records a submitted draft. It must compile (unsigned), be a new version
/// of a published pack for the same state and product, and take effect no
/// earlier than its base. Submitting the same draft again answers with what
/// was recorded.
pub async fn submit(state: &AppState, caller: &Caller, request: SubmitPackDraft, request_id: &str) -> Result<PackDraft, ApiError> {
    caller.require(&[Role::Underwriter])?;
    let invalid = |message: String| ApiError::unprocessable("pack.invalid", message);
    if request.draft_id.is_empty()
        || request.draft_id.len() > 64
        || !request.draft_id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    {
        return Err(ApiError::bad_request(
            "pack.draft_id",
            "draft_id must be 1 to 64 letters, digits, `-`, `_` or `.` (it names the draft in paths)",
        ));
    }
    if request.files.contains_key(SIGNATURE_FILE) {
        return Err(invalid("a draft is unsigned: remove the SIGNATURE file; approval signs it".into()));
    }
    let pack = uw_rating::compile(&pack_files(&request.draft_id, &request.files), LoadMode::Draft)
        .map_err(|e| invalid(format!("the draft does not load: {e}")))?;
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    if let Some(existing) = draft_by_id(&mut *m.tx, &request.draft_id).await? {
        if existing.digest == pack.digest().to_hex() && existing.author == caller.username {
            return Ok(existing);
        }
        return Err(ApiError::conflict("pack.draft_exists", format!("draft {} was submitted already with other files", request.draft_id)));
    }
    let base_digest = base_digest(&mut *m.tx, &request.base_pack_id).await?;
    let base = state
        .packs
        .get(&mut *m.tx, &base_digest)
        .await?
        .ok_or_else(|| ApiError::not_found("pack.not_found", format!("base pack {} is not published", request.base_pack_id)))?;
    let (bi, di) = (base.info(), pack.info());
    if bi.name != di.name || bi.state != di.state || bi.product != di.product {
        return Err(invalid(format!(
            "the draft is {} {} {}, but its base is {} {} {}",
            di.name, di.state, di.product, bi.name, bi.state, bi.product
        )));
    }
    if bi.version == di.version {
        return Err(invalid(format!("version: the draft must have a new version; {} is the base's", di.version)));
    }
    if di.effective_new_business < bi.effective_new_business || di.effective_renewal < bi.effective_renewal {
        return Err(invalid("effective: a revision cannot take effect before the pack it revises".into()));
    }
    // The impact summary the approver reads must be of this draft and base:
    // a summary of some other, milder change would mislead the approval.
    if let Some(impact) = &request.impact {
        for (field, expected) in [("draft_pack", pack.id()), ("base_pack", request.base_pack_id.as_str())] {
            let named = impact.get(field).and_then(serde_json::Value::as_str);
            if named.is_some_and(|named| named != expected) || named.is_none() {
                return Err(ApiError::unprocessable(
                    "pack.impact_mismatch",
                    format!(
                        "impact.{field}: the impact run attached is of {}, not of {expected}; run impact on this draft and submit again",
                        named.unwrap_or("no pack")
                    ),
                ));
            }
        }
    }
    // Refused at submission, not at approval: the revision would stop the business.
    if let Some(reason) = crate::packs::same_day_rival(&state.packs, &mut *m.tx, pack.id(), pack.info()).await? {
        return Err(ApiError::new(StatusCode::CONFLICT, "pack.same_day", format!("effective: {reason}")));
    }
    let published: Option<SqlRow> =
        m.tx.fetch_optional("SELECT pack_id FROM published_pack WHERE digest = $1", args![pack.digest().to_hex()]).await?;
    if published.is_some() {
        return Err(ApiError::conflict("pack.exists", "a pack with these files is published already"));
    }
    let impact = request.impact.as_ref().map(serde_json::to_string).transpose().map_err(ApiError::internal)?;
    m.tx.execute(
        "INSERT INTO pack_draft (draft_id, pack_id, digest, state, product, base_pack_id, files, note, impact, author_id, submitted_at, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'submitted')",
        args![
            request.draft_id.as_str(),
            pack.id(),
            pack.digest().to_hex(),
            di.state.as_str(),
            di.product.name(),
            request.base_pack_id.as_str(),
            serde_json::to_string(&request.files).map_err(ApiError::internal)?,
            request.note.as_str(),
            impact,
            caller.user_id.as_str(),
            unix_ms(m.now)
        ],
    )
    .await
    .map_err(|e| match e {
        crate::storage::StorageError::Duplicate { .. } => ApiError::conflict("pack.draft_exists", format!("a draft of {} is submitted already", pack.id())),
        other => other.into(),
    })?;
    let change = serde_json::json!({ "draft_id": request.draft_id, "pack_id": pack.id(), "base_pack_id": request.base_pack_id });
    m.audit(&caller.actor(), "pack.draft_submit", ("pack-draft", &request.draft_id), &change, None).await?;
    let draft =
        draft_by_id(&mut *m.tx, &request.draft_id).await?.ok_or_else(|| ApiError::internal("the draft just recorded is missing"))?;
    m.commit().await?;
    state.log_grew();
    Ok(draft)
}

async fn base_digest(tx: &mut dyn Tx, pack_id: &str) -> Result<String, ApiError> {
    tx.fetch_optional("SELECT digest FROM published_pack WHERE pack_id = $1", args![pack_id])
        .await?
        .map(|r| r.text(0))
        .transpose()?
        .ok_or_else(|| ApiError::not_found("pack.not_found", format!("base pack {pack_id} is not published")))
}

/// Approves (verifies the approver's signature, publishes) or rejects a
/// submitted draft. Never the author's own.
pub async fn decide(
    state: &AppState,
    caller: &Caller,
    draft_id: &str,
    decision: PackDraftDecision,
    request_id: &str,
) -> Result<PackDraft, ApiError> {
    caller.require(&[Role::Underwriter])?;
    let mut m = Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    let draft = draft_by_id(&mut *m.tx, draft_id)
        .await?
        .ok_or_else(|| ApiError::not_found("pack.draft_not_found", format!("no draft {draft_id}")))?;
    if draft.author == caller.username {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "pack.four_eyes",
            format!("{} wrote draft {draft_id}; another underwriter must approve or reject it", caller.username),
        ));
    }
    if draft.status != "submitted" {
        return Err(ApiError::conflict("pack.decided", format!("draft {draft_id} was {} already", draft.status)));
    }
    let now = unix_ms(m.now);
    if !decision.approve {
        if decision.comment.trim().is_empty() {
            return Err(ApiError::bad_request("pack.comment", "a rejection needs a comment for the author"));
        }
        m.tx.execute(
            "UPDATE pack_draft SET status = 'rejected', decided_by = $1, decided_at = $2, comment = $3 WHERE draft_id = $4",
            args![caller.user_id.as_str(), now, decision.comment.as_str(), draft_id],
        )
        .await?;
        let change = serde_json::json!({ "draft_id": draft_id, "pack_id": draft.pack_id, "comment": decision.comment });
        m.audit(&caller.actor(), "pack.draft_reject", ("pack-draft", draft_id), &change, None).await?;
    } else {
        let signature = decision
            .signature
            .as_deref()
            .ok_or_else(|| ApiError::bad_request("pack.signature", "an approval carries the approver's signature"))?;
        // Only the approver's own, unrevoked approval keys count.
        let keys = crate::packs::approval_keys(&mut *m.tx, &caller.user_id).await?;
        let mut files = pack_files(draft_id, &draft.files);
        let d = digest::digest(&files);
        let signer = digest::verify(signature, &d, &keys).map_err(|e| {
            ApiError::unprocessable(
                "pack.signature",
                format!("the approval's signature is refused: {e}; sign with your own registered approval key"),
            )
        })?;
        files.set_file(SIGNATURE_FILE, signature.to_owned());
        m.tx.execute(
            "UPDATE pack_draft SET status = 'approved', decided_by = $1, decided_at = $2, comment = $3 WHERE draft_id = $4",
            args![caller.user_id.as_str(), now, decision.comment.as_str(), draft_id],
        )
        .await?;
        let change = serde_json::json!({ "draft_id": draft_id, "pack_id": draft.pack_id, "key_id": signer, "comment": decision.comment });
        m.audit(&caller.actor(), "pack.draft_approve", ("pack-draft", draft_id), &change, None).await?;
        crate::underwriting::publish_in(&state.packs, &mut m, &caller.actor(), &caller.username, files.files().clone(), &keys).await?;
    }
    let decided = draft_by_id(&mut *m.tx, draft_id).await?.ok_or_else(|| ApiError::internal("the draft just decided is missing"))?;
    m.commit().await?;
    state.log_grew();
    Ok(decided)
}
