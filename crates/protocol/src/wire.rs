//! The request and response bodies, endpoint by endpoint. Times are RFC 3339
//! UTC text; money is a decimal string (`"1234.56"`), never a float.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Secret;

/// The schema of a decimal that is not money (a percentage, a score): a
/// decimal string, never a JSON number.
pub(crate) fn decimal(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "string",
        "pattern": "^-?[0-9]+(\\.[0-9]+)?$",
        "description": "A decimal as text, e.g. \"2.50\"; never a JSON number.",
    })
}

/// The schema of money: a decimal string, never a JSON number.
fn money(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "string",
        "pattern": "^-?[0-9]+(\\.[0-9]+)?$",
        "description": "A decimal amount as text, e.g. \"1234.56\"; never a JSON number.",
    })
}

/// What a user may do. The server decides a caller's role from its own
/// records, never from anything the client sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Quotes, requests binds, sees their own policies.
    Agent,
    /// Works referrals, publishes approved rate packs.
    Underwriter,
    /// Users, devices and keys.
    Admin,
    /// Reads and exports the audit log.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Agent, Role::Underwriter, Role::Admin, Role::Auditor];

    pub const fn name(self) -> &'static str {
        match self {
            Self::Agent => "agent",
            Self::Underwriter => "underwriter",
            Self::Admin => "admin",
            Self::Auditor => "auditor",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// Every error body: a stable `code` clients switch on, and a message for
/// people that says what to do when that is knowable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

// ---------------------------------------------------------------- identity

/// `POST /v1/enroll`: a user's credentials and the device's public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnrollRequest {
    pub username: String,
    pub password: Secret,
    /// A name the administrator will recognise: `jsmith-laptop`.
    pub device_name: String,
    /// The device's Ed25519 public key, 64 hexadecimal digits. Every
    /// operation the device pushes must be signed by it.
    pub device_public_key: String,
    /// The device's signature (128 hexadecimal digits) over
    /// [`crate::enroll_proof_message`]: proof that it holds the private key,
    /// so nobody enrolls, or takes over, a key that is not theirs.
    #[serde(default)]
    pub key_proof: String,
    /// The user's second factor, when they enrolled one (see [`LoginRequest`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_factor: Option<Secret>,
}

/// The answer to an enrollment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct EnrollResponse {
    pub device_id: String,
    /// The device token: send it as `Authorization: Bearer <token>`. Shown
    /// once; the server keeps only its hash.
    pub token: Secret,
    pub token_expires_at: String,
    pub user: UserInfo,
    /// The server's instance id: a device notices when it is pointed at a
    /// different server (or a restored one) instead of syncing into it.
    pub server_instance_id: String,
    /// The device's number, fixed for its life and never given to another
    /// device: its quotes are `QUOT-<year>-<device_number>-<serial>`.
    #[serde(default)]
    pub device_number: u32,
    /// The highest serial the server has recorded from this device, per
    /// year: a recovered or restored device numbers on from there.
    #[serde(default)]
    pub quote_serials: Vec<QuoteSerial>,
    /// A block of the first numbering scheme, `QUOT-<year>-<serial>`, from
    /// servers before device numbers; this server sends none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote_numbers: Option<QuoteNumberBlock>,
    /// True when the public key was already enrolled by this user and the
    /// server recovered that device (same id, sequence state and quote
    /// numbers) instead of making a new one.
    #[serde(default)]
    pub recovered: bool,
    /// The highest outbox sequence number the server has processed from
    /// this device (0 for a new device).
    #[serde(default)]
    pub last_seq: u64,
}

/// The highest quote serial the server holds from one device in one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct QuoteSerial {
    pub year: i32,
    pub highest: u32,
}

/// `GET /v1/devices/me`: where the server says this device is. A device
/// restored from a backup learns here how far it really got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DeviceState {
    pub device_id: String,
    pub device_number: u32,
    /// The highest outbox sequence number the server has processed.
    pub last_seq: u64,
    pub quote_serials: Vec<QuoteSerial>,
}

/// `POST /v1/devices/{device_id}/challenge`: a single-use challenge the
/// device signs with its registered key to renew its token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DeviceChallenge {
    /// 64 hexadecimal digits, random.
    pub challenge: String,
    /// RFC 3339; the challenge is refused after this time, and after its first use.
    pub expires_at: String,
}

/// `POST /v1/devices/{device_id}/token`: the device's signature over
/// [`crate::token_renewal_message`] for a challenge it was given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RenewTokenRequest {
    pub challenge: String,
    /// Ed25519 signature, 128 hexadecimal digits.
    pub signature: String,
}

/// A renewed device token. Every earlier token of the device is revoked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RenewTokenResponse {
    pub token: Secret,
    pub token_expires_at: String,
}

/// A range of quote numbers reserved for one device: `QUOT-<year>-<first>`
/// through `QUOT-<year>-<last>`, so devices offline at the same time never
/// hand out the same number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct QuoteNumberBlock {
    pub year: i32,
    pub first: u32,
    pub last: u32,
}

/// `POST /v1/sessions`: log in for online work (underwriters, admins,
/// auditors) without enrolling a device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: Secret,
    /// The second factor, for a user who enrolled one: the six digits their
    /// authenticator app shows, or one of their recovery codes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_factor: Option<Secret>,
}

/// A session token for online work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LoginResponse {
    pub token: Secret,
    pub expires_at: String,
    pub user: UserInfo,
    /// The organisation requires a second factor of the user's role and
    /// they have none yet: until they enroll one (`/v1/me/second-factor`),
    /// the session reaches nothing else.
    #[serde(default)]
    pub must_enroll_second_factor: bool,
}

/// `GET /v1/me/second-factor`: where the caller stands with a second factor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SecondFactorStatus {
    /// The organisation requires one of the caller's role.
    pub required: bool,
    /// They have an authenticator app enrolled and confirmed.
    pub enrolled: bool,
    /// Unused recovery codes.
    pub recovery_codes_left: u32,
}

/// `POST /v1/me/second-factor/totp`: a new authenticator key to scan, not in
/// force until a code from it is confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TotpEnrollment {
    /// The key in base 32, for typing into an app that cannot scan.
    pub secret: Secret,
    /// The `otpauth://totp/...` address a QR code carries.
    pub uri: Secret,
    pub digits: u32,
    pub period_seconds: u32,
}

/// `POST /v1/me/second-factor/totp/confirm`: a code from the new key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TotpConfirm {
    pub code: Secret,
}

/// Recovery codes, shown once: each signs in once in place of a code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RecoveryCodes {
    pub codes: Vec<Secret>,
}

/// `GET`/`PUT /v1/admin/second-factor-policy`: the roles that must sign in
/// with a second factor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecondFactorPolicy {
    pub roles: Vec<Role>,
}

/// Who a token belongs to (`GET /v1/me`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UserInfo {
    pub user_id: String,
    pub username: String,
    pub role: Role,
}

// ---------------------------------------------------------------- push

/// `POST /v1/sync/push`: operations from the device's outbox, in sequence
/// order. A batch may start anywhere at or before the first sequence the
/// server has not seen; operations it has seen are answered as duplicates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    pub operations: Vec<PushOp>,
}

/// One outbox entry as the device stored and signed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PushOp {
    /// The device's gapless sequence number, from 1.
    pub seq: u64,
    /// The client id: 32 hexadecimal digits, unique per device.
    pub op_id: String,
    /// `quote.rated`, `quote.bind_requested`, `quote.saved` or `policy.transaction`.
    pub kind: String,
    /// The JSON text exactly as signed.
    pub payload: String,
    /// When the device wrote it, by the device's clock (recorded, never trusted).
    pub created_at: String,
    /// Ed25519 over [`crate::signed_message`], 128 hexadecimal digits.
    pub signature: String,
}

/// The answer to a push: one result per operation, in the order sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PushResponse {
    pub results: Vec<OpResult>,
}

/// What became of one operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OpResult {
    pub seq: u64,
    pub op_id: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// Accepted, duplicate, rejected or conflict. Every outcome is final for its
/// sequence number: the device marks the operation as delivered and shows a
/// rejection or conflict to its user; a replay gets the same answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// Applied now.
    Accepted { result: ServerResult },
    /// Applied before, with the same content: the first answer, again.
    Duplicate { result: ServerResult },
    /// Refused, with a stable code and a reason for the user.
    Rejected { code: String, reason: String },
    /// Refused because it was based on a stale version.
    Conflict { current_version: u32, reason: String },
}

impl Outcome {
    /// A refusal with its stable code and the reason for the user.
    pub fn rejected(code: &str, reason: impl Into<String>) -> Self {
        Self::Rejected { code: code.to_owned(), reason: reason.into() }
    }

    /// The stable name used in metrics and logs.
    pub const fn name(&self) -> &'static str {
        match self {
            Self::Accepted { .. } => "accepted",
            Self::Duplicate { .. } => "duplicate",
            Self::Rejected { .. } => "rejected",
            Self::Conflict { .. } => "conflict",
        }
    }
}

/// What the server did with an accepted operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerResult {
    /// A rated quote, re-rated and recorded; `status` is the server's.
    QuoteRecorded { quote_number: String, version: u32, status: String },
    /// A bind: the policy the server issued.
    PolicyIssued {
        quote_number: String,
        version: u32,
        policy_number: String,
        #[schemars(schema_with = "money")]
        premium: Decimal,
    },
    /// A policy transaction the server applied.
    PolicyTransacted(PolicyTransacted),
    /// Recorded in the audit log, with nothing else to report.
    Recorded,
}

/// The payload of a `quote.rated` operation, as the desktop writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct QuoteRatedPayload {
    pub quote_number: String,
    pub version: u32,
    pub status: String,
    /// The quote input: `quote` (the rating input) plus the contact and
    /// licence details the policy needs.
    pub input: serde_json::Value,
    pub pack_id: String,
    pub pack_digest: String,
    #[schemars(schema_with = "money")]
    pub total: Decimal,
    pub decision: String,
    pub reasons: Vec<String>,
    pub rated_at: String,
}

/// The payload of a `quote.bind_requested` operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BindRequestedPayload {
    pub quote_number: String,
    pub version: u32,
    pub input: serde_json::Value,
    pub pack_id: String,
    pub pack_digest: String,
    #[schemars(schema_with = "money")]
    pub total: Decimal,
    pub requested_at: String,
}

// ---------------------------------------------------------------- pull

/// `GET /v1/sync/pull?cursor=N&limit=M`: changes visible to the caller from
/// log index `cursor` on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PullResponse {
    pub changes: Vec<Change>,
    /// Where the next pull starts. Every log index below it has been
    /// examined, so resuming from it never skips a change.
    pub cursor: u64,
    /// More changes wait: pull again at once.
    pub more: bool,
}

/// One change, at the audit-log index of the mutation that made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Change {
    pub index: u64,
    #[serde(flatten)]
    pub body: ChangeBody,
}

/// What changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", content = "body", rename_all = "snake_case")]
pub enum ChangeBody {
    /// A signed rate pack was published; its files, to install after
    /// verifying the signature against trusted keys.
    PackPublished { pack_id: String, digest: String, files: BTreeMap<String, String> },
    /// A pack-signing key the desktop should trust.
    KeyTrusted { key_id: String, public_key: String },
    /// A pack-signing key the desktop must stop trusting.
    KeyRevoked { key_id: String },
    /// An underwriter decided one of the caller's referred quotes.
    ReferralDecided { quote_number: String, version: u32, approved: bool, reason: String },
    /// A transaction changed one of the caller's policies.
    PolicyChanged(PolicyTransacted),
    /// A customer's personal data was erased at their request: the device
    /// drops what it holds of these quotes and policies.
    CustomerErased { quote_numbers: Vec<String>, policy_numbers: Vec<String> },
    /// A data-subject request asks for everything held about a customer:
    /// the device sends what it holds of these quotes and policies (and of
    /// their customer) to `POST /v1/devices/me/subject-requests/{request_id}`.
    CustomerExportRequested { request_id: String, quote_numbers: Vec<String>, policy_numbers: Vec<String> },
    /// The server bound one of the caller's quotes.
    PolicyIssued {
        quote_number: String,
        version: u32,
        policy_number: String,
        #[schemars(schema_with = "money")]
        premium: Decimal,
        effective_date: String,
    },
}

/// `GET /v1/sync/wait?cursor=N`: answered as soon as the log passes `cursor`,
/// or after the server's long-poll timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct WaitResponse {
    /// The log's size now; larger than `cursor` when something changed.
    pub log_size: u64,
    pub changed: bool,
}

// ---------------------------------------------------------------- underwriting

/// `GET /v1/referrals`: quotes waiting for an underwriter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Referral {
    pub quote_number: String,
    pub version: u32,
    pub agent: String,
    pub pack_id: String,
    #[schemars(schema_with = "money")]
    pub total: Decimal,
    pub reasons: Vec<String>,
    /// The version's rating input, the engine's quote JSON, without the
    /// customer's contact details or licence numbers: the underwriter's
    /// desktop re-rates it with `pack_id` to show the worksheet.
    pub quote: serde_json::Value,
    /// When the version was referred (RFC 3339), for the queue's ages. A
    /// server from before it was sent leaves it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referred_at: Option<String>,
}

/// `POST /v1/referrals/{quote_number}/decision`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralDecision {
    /// The version the underwriter looked at; a newer one is a conflict.
    pub version: u32,
    pub approve: bool,
    pub reason: String,
}

/// The answer to a referral decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ReferralDecided {
    pub quote_number: String,
    pub version: u32,
    pub status: String,
}

/// A conflict's body (`409`): the version the server holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ConflictBody {
    pub code: String,
    pub message: String,
    pub current_version: u32,
}

/// `POST /v1/packs`: publish a signed rate pack (its files by name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishPack {
    pub files: BTreeMap<String, String>,
}

/// A published pack (`GET /v1/packs`, and the answer to a publish).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PackSummary {
    pub pack_id: String,
    pub digest: String,
    pub state: String,
    pub product: String,
    pub published_by: String,
}

/// `POST /v1/pack-drafts`: an underwriter submits a draft rate pack for
/// another underwriter's approval. `draft_id` is chosen by the desktop, so a
/// resubmission after a lost answer is recognised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitPackDraft {
    pub draft_id: String,
    /// The published pack the draft was edited from.
    pub base_pack_id: String,
    /// The draft's files, unsigned.
    pub files: BTreeMap<String, String>,
    /// The author's note to the approver: what changed and why.
    pub note: String,
    /// The author's impact run, as the desktop reported it.
    #[serde(default)]
    pub impact: Option<serde_json::Value>,
}

/// A draft on the server (`GET /v1/pack-drafts`, and the answer to a submit
/// or a decision).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PackDraft {
    pub draft_id: String,
    /// `name/version@digest` of the draft's files.
    pub pack_id: String,
    pub digest: String,
    pub state: String,
    pub product: String,
    pub base_pack_id: String,
    /// The author's username.
    pub author: String,
    /// RFC 3339 UTC.
    pub submitted_at: String,
    /// `submitted`, `approved` or `rejected`.
    pub status: String,
    pub note: String,
    pub impact: Option<serde_json::Value>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub comment: Option<String>,
    pub files: BTreeMap<String, String>,
}

/// `POST /v1/pack-drafts/{draft_id}/decision`: approve (with the approver's
/// detached signature over the draft's digest) or reject (with a comment).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackDraftDecision {
    pub approve: bool,
    pub comment: String,
    /// The `SIGNATURE` file's text; required to approve.
    #[serde(default)]
    pub signature: Option<String>,
}

/// `POST /v1/admin/pack-keys`: trust a pack-signing key; with `username`, as
/// that underwriter's approval key, the only key their approvals may use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterPackKey {
    pub key_id: String,
    /// The Ed25519 public key, 64 hex digits.
    pub public_key: String,
    #[serde(default)]
    pub username: Option<String>,
}

/// A policy change the underwriting rules referred, waiting for an
/// underwriter (`GET /v1/policy-referrals`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PolicyReferral {
    pub referral_id: String,
    pub policy_number: String,
    /// The policy version the agent prepared it on.
    pub base_version: u32,
    /// `endorse` or `offer_renewal`.
    pub kind: String,
    /// The agent who asked.
    pub agent: String,
    pub requested_at: String,
    /// The rules' reasons, as sentences.
    pub reasons: Vec<String>,
    /// The agent's `PolicyTransactionRequest`, without the customer's contact details.
    pub request: serde_json::Value,
}

/// An underwriter's decision on a referred policy change
/// (`POST /v1/policy-referrals/{referral_id}/decision`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyReferralDecision {
    pub approve: bool,
    /// Why; required to decline (the agent reads it).
    #[serde(default)]
    pub note: String,
}

/// What became of a referred policy change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PolicyReferralDecided {
    pub referral_id: String,
    /// `approved` (made) or `declined`.
    pub status: String,
    /// The policy's new version, when it was made.
    pub transacted: Option<PolicyTransacted>,
}

/// An underwriter asks for their approval key to be registered
/// (`POST /v1/pack-keys/requests`); an administrator approves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalKeyRequest {
    pub key_id: String,
    /// The Ed25519 public key, 64 hex digits.
    pub public_key: String,
    /// The key's signature (hex) over [`crate::approval_key_proof_message`].
    pub proof: String,
}

/// An approval key waiting for an administrator (`GET /v1/admin/pack-key-requests`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PendingApprovalKey {
    pub key_id: String,
    pub public_key: String,
    pub username: String,
    pub requested_at: String,
}

/// A pack-signing key the server trusts or trusted (`GET /v1/admin/pack-keys`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PackKeyRecord {
    pub key_id: String,
    pub public_key: String,
    /// The underwriter whose approval key it is; none for an organisation key.
    pub username: Option<String>,
    pub trusted_at: String,
    pub revoked_at: Option<String>,
}

/// A policy (`GET /v1/policies`): agents see their own, underwriters all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PolicySummary {
    pub policy_number: String,
    pub quote_number: String,
    pub version: u32,
    pub state: String,
    pub product: String,
    #[schemars(schema_with = "money")]
    pub premium: Decimal,
    pub effective_date: String,
    pub agent: String,
    /// The policy's own version: 1 at bind, one more per transaction.
    pub policy_version: u32,
    /// `in_force` or `cancelled`.
    pub status: String,
}

/// A policy transaction (`policy.transaction` in a push, or
/// `POST /v1/policies/{policy_number}/transactions`): the version it was
/// prepared on, the transaction and, when it changes what is rated, the
/// input the server re-rates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyTransactionRequest {
    pub policy_number: String,
    /// The policy version the change was prepared on; an older one is a
    /// conflict carrying the current version.
    pub base_version: u32,
    /// A `uw_policy::Transaction`: `{"kind": "endorse", "effective": "2026-09-01",
    /// "term_premium": "912.00", "description": "Add a car"}`, `cancel`
    /// (`effective`, `reason`), `reinstate`, `offer_renewal` (`premium`,
    /// `pack_id`), `renew`, `non_renew` (`reason`).
    pub transaction: serde_json::Value,
    /// For `endorse` and `offer_renewal`: the whole rating input (`quote`
    /// plus contact and licences), which the server rates itself.
    pub input: Option<serde_json::Value>,
    /// For `offer_renewal`: the renewal pack the premium was rated with.
    pub pack_digest: Option<String>,
}

/// What a policy transaction did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PolicyTransacted {
    pub policy_number: String,
    /// The version the transaction made.
    pub version: u32,
    /// `bind`, `endorse`, `cancel`, `reinstate`, `offer_renewal`, `renew`, `non_renew`.
    pub kind: String,
    pub effective_date: String,
    /// Charged (positive) or returned (negative).
    #[schemars(schema_with = "money")]
    pub amount: Decimal,
    /// `in_force` or `cancelled`.
    pub status: String,
    #[schemars(schema_with = "money")]
    pub term_premium: Decimal,
    #[schemars(schema_with = "money")]
    pub written_premium: Decimal,
}

/// `GET /v1/policies/{policy_number}`: the policy now and its whole history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PolicyDetail {
    pub summary: PolicySummary,
    /// The `uw_policy::Policy` at its current version.
    pub policy: serde_json::Value,
    /// The rating input in force.
    pub input: serde_json::Value,
    pub pack_id: String,
    /// Every transaction from the bind on, oldest first.
    pub timeline: Vec<PolicyEvent>,
}

/// One transaction in a policy's timeline, with its audit entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct PolicyEvent {
    pub version: u32,
    pub kind: String,
    pub effective_date: String,
    #[schemars(schema_with = "money")]
    pub amount: Decimal,
    /// The `uw_policy::Worksheet`.
    pub worksheet: serde_json::Value,
    pub recorded_at: String,
    pub by: String,
    /// The audit log entry that records it; none only for the bind of a
    /// policy bound before the server kept timelines (its entry is the
    /// `policy.bind` one).
    pub log_index: Option<u64>,
}

// ---------------------------------------------------------------- admin

/// `POST /v1/admin/users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub username: String,
    pub password: Secret,
    pub role: Role,
    /// The agency an agent writes for, as documents print it ("Buckeye
    /// Insurance Agency, LLC"); none for the carrier's own staff.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
}

/// `PATCH /v1/admin/users/{username}`: any of them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    pub role: Option<Role>,
    pub disabled: Option<bool>,
    pub password: Option<Secret>,
    /// A new agency; an empty one removes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
}

/// What documents print about the insurer: `PUT /v1/admin/organisation`
/// (administrators) sets it; `GET /v1/organisation` reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationDetails {
    /// The insurer's legal name: "Demo Mutual Insurance Company".
    pub legal_name: String,
    pub street: String,
    pub city: String,
    /// Two-letter state code.
    pub state: String,
    /// Five digits, or ZIP+4.
    pub zip: String,
    /// The NAIC company code, five digits.
    pub naic_code: Option<String>,
    pub phone: Option<String>,
}

/// `GET /v1/organisation`: any signed-in user or device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct OrganisationInfo {
    /// The organisation's name on this server.
    pub name: String,
    /// `None` until an administrator sets them.
    pub details: Option<OrganisationDetails>,
    /// The agency of the user asking (a device asks as its user), which
    /// their documents print; none when the administrator set none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
}

/// A user as the administrator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct UserRecord {
    pub user_id: String,
    pub username: String,
    pub role: Role,
    pub disabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    /// When they last signed in with their password (RFC 3339); `None` if
    /// never since the server began recording it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sign_in_at: Option<String>,
    /// They have a confirmed second factor.
    #[serde(default)]
    pub second_factor: bool,
    /// The identity provider they sign in through (its display name), if
    /// any: they have no password of their own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_in_service: Option<String>,
}

/// A device as the administrator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DeviceRecord {
    pub device_id: String,
    pub username: String,
    pub name: String,
    pub public_key: String,
    pub enrolled_at: String,
    pub revoked_at: Option<String>,
    /// The highest sequence number the server has processed from it.
    pub last_seq: u64,
    /// When it last called the server (to five minutes); `None` if never
    /// since the server began recording it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen_at: Option<String>,
}

/// Failed sign-ins counted for an account, an address or an account at an
/// address (`GET /v1/admin/login-throttles`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginThrottle {
    /// The account name as typed (lower case), when the count is an account's.
    pub account: Option<String>,
    /// The client address, when the count is an address's.
    pub address: Option<String>,
    pub failures: u32,
    /// Sign-ins here wait until this time (RFC 3339); none when they may go ahead.
    pub waiting_until: Option<String>,
    pub last_failure_at: String,
}

/// Clears the throttles naming an account, an address, or both
/// (`POST /v1/admin/login-throttles/clear`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClearLoginThrottles {
    pub account: Option<String>,
    pub address: Option<String>,
}

/// How many throttles were cleared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct LoginThrottlesCleared {
    pub cleared: u64,
}

// ---------------------------------------------------------------- audit

/// A signed checkpoint of the audit log (`GET /v1/audit/checkpoint`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CheckpointResponse {
    /// The C2SP signed note, as text.
    pub note: String,
    pub size: u64,
    /// The Merkle root, hexadecimal.
    pub root: String,
}

/// An RFC 9162 proof: sibling hashes in hexadecimal, nearest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ProofResponse {
    pub hashes: Vec<String>,
}

/// The keys that verify the log's checkpoints, current and retired, as note
/// verifier keys (`name+id+base64`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AuditKeys {
    pub origin: String,
    pub verifier_keys: Vec<String>,
}

/// One audit log entry as an auditor browses it (`GET /v1/audit/entries`):
/// the entry's fields, decoded, with the acting user's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AuditEntryRecord {
    /// Its place in the log, from 0.
    pub index: u64,
    /// When the server recorded it (`YYYY-MM-DDTHH:MM:SS.mmmZ`).
    pub server_time: String,
    /// The acting user's id, or the system actor's name (`admin-cli`).
    pub actor: String,
    /// The acting user's username; none for the server and its command line.
    pub username: Option<String>,
    /// `agent`, `underwriter`, `admin`, `auditor` or `system`.
    pub role: String,
    pub device_id: Option<String>,
    /// The dotted action: `policy.bind`, `user.change`.
    pub action: String,
    pub resource_type: String,
    pub resource_id: String,
    /// When the device says it happened, for actions made offline.
    pub device_time: Option<String>,
    pub request_id: String,
}

/// A page of audit log entries, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AuditEntryPage {
    pub entries: Vec<AuditEntryRecord>,
    /// Pass as `before` for the next page; none when the range is exhausted.
    pub next_before: Option<u64>,
    /// The range of entries the dates select, `start..end` (the whole log
    /// without dates).
    pub start: u64,
    pub end: u64,
}

/// The entries recorded in a span of time (`GET /v1/audit/range`): an
/// export of `start..end` covers them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct AuditRange {
    pub start: u64,
    pub end: u64,
    /// The log's size when the range was found.
    pub log_size: u64,
}

/// `GET /v1/book?state=CA&product=personal-auto[&after=NUMBER][&limit=N]`:
/// one page of the in-force book of a state and product, for an
/// underwriter's impact analysis; policy numbers ascending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BookPage {
    pub policies: Vec<BookEntry>,
    /// Ask again with `after=` this to get the next page; none on the last.
    pub next_after: Option<String>,
}

/// `GET /v1/customers?name=Jane%20Doe`: the customers of that exact name
/// (compared without case or extra spaces), found through a keyed hash of
/// the name, since the server keeps names only encrypted. An agent sees the
/// customers of their own quotes; an underwriter everyone's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CustomerMatch {
    /// The server's id of the customer (the person whose data key seals their data).
    pub customer_id: String,
    /// The named insured as the latest quote gives them.
    pub name: String,
    pub street: String,
    pub city: String,
    pub state: String,
    pub zip: String,
    /// Their quotes (that the caller may see), oldest number first.
    pub quotes: Vec<String>,
    /// Their policies (that the caller may see).
    pub policies: Vec<String>,
}

/// `POST /v1/admin/customers/{customer_id}/erase`: a data-subject request
/// to erase a customer's personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerErasureRequest {
    /// Why: the request's reference, kept in the audit log.
    pub reason: String,
    /// Erase even though the customer holds policies in force (whose
    /// records the law may require keeping): the carrier's decision.
    #[serde(default)]
    pub include_policies: bool,
}

/// What an erasure did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct CustomerErasure {
    pub customer_id: String,
    pub quotes: Vec<String>,
    pub policies: Vec<String>,
    /// The audit entry that records it.
    pub log_index: u64,
}

/// `GET /v1/admin/retention-rules`: how long one kind of record is kept in
/// one state (`*`: every state without its own rule). Kinds:
/// `unbound_quote` (a quote never bound, from its last rating) and
/// `ended_policy` (a policy, from its cancellation or its term's end).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RetentionRule {
    pub kind: String,
    pub state: String,
    pub days: i64,
}

/// `PUT /v1/admin/retention-rules`: sets a rule, or removes it (`days` null).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetentionRuleChange {
    pub kind: String,
    pub state: String,
    pub days: Option<i64>,
}

/// `POST /v1/admin/retention/run`: apply the rules now, or only report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RetentionRun {
    #[serde(default)]
    pub dry_run: bool,
}

/// What a retention run did, or would do (`dry_run`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct RetentionReport {
    pub dry_run: bool,
    /// Quotes never bound, past their rule: deleted.
    pub deleted_quotes: Vec<String>,
    /// Customers whose every record is past its rule: personal data erased.
    pub erased_customers: Vec<String>,
    /// The audit entry of a run that changed something.
    pub log_index: Option<u64>,
}

/// One policy of the book: its number and the quote in force, with the
/// names and the street withheld (rating reads neither).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct BookEntry {
    pub policy_number: String,
    /// The rating input in force (a quote: the latest endorsement's, else the bound one).
    pub quote: serde_json::Value,
}

// ---------------------------------------------------------------- single sign-on

/// `GET /v1/sso/providers`: an identity provider people may sign in with,
/// as the sign-in screen names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SsoProvider {
    pub id: String,
    pub display_name: String,
}

/// `POST /v1/sso/authorizations`: starts a sign-in through a provider. The
/// client (the desktop, a native app: RFC 8252) made a PKCE verifier and
/// listens on a loopback port for the provider's redirect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SsoBegin {
    pub provider: String,
    /// `http://127.0.0.1:<port>/<path>` or `http://[::1]:<port>/<path>`.
    pub redirect_uri: String,
    /// BASE64URL(SHA-256(code_verifier)), the S256 method of RFC 7636.
    pub code_challenge: String,
}

/// Where to send the person's browser, and the state that comes back with
/// the provider's redirect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SsoAuthorization {
    pub authorization_url: String,
    pub state: String,
    /// When the sign-in must be finished by (RFC 3339).
    pub expires_at: String,
}

/// `POST /v1/sso/sessions`: finishes a sign-in with the code the provider
/// redirected back with and the PKCE verifier; answered by a session
/// ([`LoginResponse`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SsoComplete {
    pub state: String,
    pub code: Secret,
    pub code_verifier: Secret,
}

/// `POST /v1/sso/enrollments`: finishes a sign-in and enrolls a device with
/// it; answered like [`EnrollRequest`]. The key proof signs
/// [`crate::enroll_proof_message`] with `sso:<state>` for the username.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SsoEnroll {
    pub state: String,
    pub code: Secret,
    pub code_verifier: Secret,
    pub device_name: String,
    pub device_public_key: String,
    pub key_proof: String,
}

/// A provider's claim value that gives a role (first match wins).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SsoRoleRule {
    /// A value of the roles claim, such as a group name.
    pub value: String,
    pub role: Role,
}

/// `GET /v1/admin/identity-providers`: an OpenID Connect provider the
/// server trusts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct IdentityProvider {
    pub id: String,
    pub display_name: String,
    /// The issuer exactly as the provider's ID tokens name it (`https://…`).
    pub issuer: String,
    pub client_id: String,
    /// A client secret is kept (never shown again).
    pub has_client_secret: bool,
    /// The claim whose value is a user's username (`email`, `preferred_username`, `upn`).
    pub username_claim: String,
    /// The claim listing the person's groups or roles.
    pub roles_claim: String,
    pub role_rules: Vec<SsoRoleRule>,
    /// A person with no user yet gets one at first sign-in (else an administrator adds them first).
    pub create_users: bool,
    /// The agency of agents created at first sign-in.
    pub agency: Option<String>,
    /// Scopes asked for besides `openid profile email offline_access` (such as `groups`).
    pub extra_scopes: Vec<String>,
    /// A CA certificate (PEM) the provider's HTTPS is checked against, besides the system's.
    pub ca_certificate: Option<String>,
}

/// `PUT /v1/admin/identity-providers/{id}`: adds or changes a provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IdentityProviderChange {
    pub display_name: String,
    pub issuer: String,
    pub client_id: String,
    /// For a confidential client; `None` keeps the one stored (if any).
    #[serde(default)]
    pub client_secret: Option<Secret>,
    /// Forget the stored client secret (a public client).
    #[serde(default)]
    pub remove_client_secret: bool,
    pub username_claim: String,
    pub roles_claim: String,
    pub role_rules: Vec<SsoRoleRule>,
    #[serde(default)]
    pub create_users: bool,
    #[serde(default)]
    pub agency: Option<String>,
    #[serde(default)]
    pub extra_scopes: Vec<String>,
    #[serde(default)]
    pub ca_certificate: Option<String>,
}

/// `POST /v1/admin/identity-providers/check`: what a check of the people
/// signed in through providers found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SsoCheckReport {
    /// People the provider still knows.
    pub still_active: u32,
    /// People the provider no longer lets sign in: their sessions and devices end.
    pub ended: Vec<String>,
    /// People whose provider could not be reached (checked again next time).
    pub unreachable: u32,
}

// ---------------------------------------------------------------- data-subject requests

/// `GET /v1/admin/subject-requests`: a data-subject request and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SubjectRequest {
    pub request_id: String,
    pub customer_id: String,
    /// `export` or `erasure`.
    pub kind: String,
    /// `waiting` (for desktops that hold the customer's data), `ready`
    /// (everything is in), `done` (an erasure), `erased` (an export whose
    /// customer was erased since: what it gathered is unrecoverable).
    pub status: String,
    pub requested_at: String,
    pub requested_by: String,
    pub completed_at: Option<String>,
    /// The desktops asked for what they hold, and when each answered.
    pub desktops: Vec<SubjectRequestDesktop>,
}

/// A desktop asked for what it holds of a customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct SubjectRequestDesktop {
    pub device_id: String,
    pub device_name: String,
    pub username: String,
    pub answered_at: Option<String>,
}

/// `POST /v1/devices/me/subject-requests/{request_id}`: what the device
/// holds of the customer (its quotes, policies, customer records, notes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SubjectRequestAnswer {
    pub held: serde_json::Value,
}
