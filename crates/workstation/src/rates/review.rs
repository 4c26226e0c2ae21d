//! Four eyes: approval keys, the review queue, and deciding another
//! underwriter's draft.

use time::OffsetDateTime;
use uw_protocol::{PackDraft, PackDraftDecision};
use uw_rating::pack::digest::{self, SIGNATURE_FILE};
use uw_rating::pack::edit::Problem;
use uw_rating::{LoadMode, PackFiles};

use super::impact::ImpactSummary;
use super::invalid;
use crate::sync::Replay;
use crate::{StoreKey, Workstation, WorkstationError};

impl Workstation {
    /// This user's approval key, if made, and whether the server has
    /// registered it (as this workstation last heard).
    pub fn approval_key(&self) -> Result<Option<ApprovalKey>, WorkstationError> {
        let user = self.signed_in()?;
        let Some((key_id, public_key)) = self.store.approval_key(&user.username)? else { return Ok(None) };
        let registered = self.store.key_is_trusted(&key_id, &public_key)?;
        Ok(Some(ApprovalKey { key_id, public_key, registered }))
    }

    /// Makes this underwriter's approval key (the seed goes to the keychain,
    /// beside the store key) and asks the server to register it; an
    /// administrator approves the request on the Admin screen. Called again
    /// with the key made, it asks again (after a failed request).
    pub fn create_approval_key(&mut self, key_id: &str, now: OffsetDateTime) -> Result<ApprovalKey, WorkstationError> {
        let user = self.require_underwriter()?;
        let (key_id, public_key) = match self.store.approval_key(&user.username)? {
            Some(existing) => existing,
            None => {
                if key_id.is_empty() || key_id.len() > 64 || !key_id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b)) {
                    return Err(invalid("key_id", "a key id is letters, digits, `-`, `.` or `_`"));
                }
                let seed = StoreKey::generate()?;
                self.approval_source.store_new(&seed)?;
                let public = hex::encode(ed25519_dalek::SigningKey::from_bytes(seed.as_bytes()).verifying_key().as_bytes());
                self.store.save_approval_key(&user.username, key_id, &public, now)?;
                (key_id.to_owned(), public)
            }
        };
        if !self.store.key_is_trusted(&key_id, &public_key)? {
            let seed = self.approval_source.load()?.ok_or_else(|| WorkstationError::NoApprovalKey { username: user.username.clone() })?;
            let signing = ed25519_dalek::SigningKey::from_bytes(seed.as_bytes());
            let message = uw_protocol::approval_key_proof_message(&user.username, &key_id, &public_key);
            let proof = hex::encode(ed25519_dalek::Signer::sign(&signing, message.as_bytes()).to_bytes());
            let request = uw_protocol::ApprovalKeyRequest { key_id: key_id.clone(), public_key: public_key.clone(), proof };
            let server = self.connect()?;
            let _: uw_protocol::PendingApprovalKey = server.post("/v1/pack-keys/requests", &request, Replay::Safe)?;
        }
        let registered = self.store.key_is_trusted(&key_id, &public_key)?;
        Ok(ApprovalKey { key_id, public_key, registered })
    }

    /// Drafts by other underwriters awaiting review, as last synced, each
    /// with this user's decision if it is still waiting for sync.
    pub fn pack_reviews(&self) -> Result<Vec<(PackDraft, Option<PackDraftDecision>)>, WorkstationError> {
        Ok(self.store.reviews()?)
    }

    /// The review queue as the approver reads it: each draft with this
    /// user's decision waiting for sync, the server's refusal of their last
    /// one, and the author's impact summary. A summary that does not read is
    /// reported on its draft rather than failing the whole queue; the
    /// approver can run impact themselves.
    pub fn pack_review_queue(&self) -> Result<Vec<PackReview>, WorkstationError> {
        let mut queue = Vec::new();
        for (mut draft, decision) in self.pack_reviews()? {
            let refusal = self.pack_review_refusal(&draft.draft_id)?;
            let impact = draft
                .impact
                .take()
                .map(|v| serde_json::from_value::<ImpactSummary>(v).map_err(|e| format!("the author's impact summary does not read: {e}")))
                .transpose();
            queue.push(PackReview { draft, decision, refusal, impact });
        }
        Ok(queue)
    }

    /// Why the server refused this user's last decision on `draft_id`, if
    /// it did (the decision is back with them to make again).
    pub fn pack_review_refusal(&self, draft_id: &str) -> Result<Option<String>, WorkstationError> {
        Ok(self.store.decision_refusal(draft_id)?)
    }

    /// Approves (signing the draft's digest with this user's approval key)
    /// or rejects a draft under review; the next sync delivers the decision.
    /// The author of a draft cannot decide it.
    pub fn decide_pack_draft(&mut self, draft_id: &str, approve: bool, comment: &str, now: OffsetDateTime) -> Result<(), WorkstationError> {
        let user = self.require_underwriter()?;
        if self.store.rate_draft(draft_id)?.is_some() {
            return Err(WorkstationError::FourEyes {
                message: format!("{} wrote draft {draft_id}; another underwriter must approve or reject it", user.username),
            });
        }
        let (draft, decided) = self
            .store
            .reviews()?
            .into_iter()
            .find(|(d, _)| d.draft_id == draft_id)
            .ok_or_else(|| WorkstationError::RateDraftNotFound { draft_id: draft_id.to_owned() })?;
        if draft.author == user.username {
            return Err(WorkstationError::FourEyes {
                message: format!("{} wrote draft {draft_id}; another underwriter must approve or reject it", user.username),
            });
        }
        if decided.is_some() || draft.status != "submitted" {
            return Err(invalid("status", format!("draft {draft_id} is decided already")));
        }
        if !approve && comment.trim().is_empty() {
            return Err(invalid("comment", "say why the draft is rejected; the author reads it"));
        }
        let signature = if approve {
            let (key_id, public) = self
                .store
                .approval_key(&user.username)?
                .ok_or_else(|| WorkstationError::NoApprovalKey { username: user.username.clone() })?;
            let seed = self.approval_source.load()?.ok_or_else(|| WorkstationError::NoApprovalKey { username: user.username.clone() })?;
            let key = ed25519_dalek::SigningKey::from_bytes(seed.as_bytes());
            if hex::encode(key.verifying_key().as_bytes()) != public {
                return Err(WorkstationError::NoApprovalKey { username: user.username.clone() });
            }
            // An approval the server cannot check is refused here, before it queues.
            if !self.store.key_is_trusted(&key_id, &public)? {
                return Err(WorkstationError::ApprovalKeyNotRegistered { key_id });
            }
            // Sign what the files are, not what the server says they are.
            let files = PackFiles::from_files(
                format!("draft/{draft_id}"),
                draft.files.iter().filter(|(name, _)| *name != SIGNATURE_FILE).map(|(n, t)| (n.clone(), t.clone())),
            );
            let pack = uw_rating::compile(&files, LoadMode::Draft)
                .map_err(|e| WorkstationError::PackDraftInvalid { problem: Box::new(Problem::locate(&e, &files)) })?;
            if pack.digest().to_hex() != draft.digest {
                return Err(invalid(
                    "digest",
                    format!("draft {draft_id}'s files digest to {}, not the {} the server announced", pack.digest(), draft.digest),
                ));
            }
            self.refuse_same_day(&pack)?;
            Some(digest::sign(&pack.digest(), &key_id, &key))
        } else {
            None
        };
        let decision = PackDraftDecision { approve, comment: comment.trim().to_owned(), signature };
        if !self.store.queue_decision(draft_id, &decision, now)? {
            return Err(invalid("status", format!("draft {draft_id} is decided already")));
        }
        tracing::info!(draft_id, approve, "rate draft decision queued");
        Ok(())
    }
}

/// A draft by another underwriter in this user's review queue.
#[derive(Debug)]
pub struct PackReview {
    /// The draft as last synced (its `impact` taken out into `impact`).
    pub draft: PackDraft,
    /// This user's decision, waiting for sync.
    pub decision: Option<PackDraftDecision>,
    /// Why the server refused this user's last decision (it is theirs to make again).
    pub refusal: Option<String>,
    /// The author's impact run, or why its summary does not read.
    pub impact: Result<Option<ImpactSummary>, String>,
}

/// An underwriter's approval key as this workstation knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalKey {
    pub key_id: String,
    /// The Ed25519 public key, 64 hex digits.
    pub public_key: String,
    /// The server has announced it as trusted, and not revoked it.
    pub registered: bool,
}
