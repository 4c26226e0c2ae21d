/*!
The desktop's sync client: enrollment, push and pull over HTTP, as
`docs/sync-protocol.md` describes, with the wire types of `uw-protocol`.

[`Workstation::enroll`] registers this device's Ed25519 key with a server and
stores the device token and quote-number block; [`Workstation::push`] sends
the outbox in sequence order, at most [`PUSH_BATCH`] operations a request;
[`Workstation::pull`] applies the server's changes page by page, storing the
cursor with each page; [`Workstation::sync`] does both. Every answer is
applied to the store in one transaction (`apply.rs`).

Requests are blocking (`reqwest::blocking`) and carry the protocol version
header and, once enrolled, the device token. Transport failures, `5xx` and
`429` are retried with exponential backoff and full jitter ([`RetryPolicy`]),
honouring `Retry-After`; any other `4xx` is a typed [`SyncError`] with the
server's code, never retried. Before pushing or pulling, the client checks
that the server is the instance the device enrolled with.

**Architecture invariant:** the token and the password never reach a log or
an error message; spans carry counts, sequence numbers and quote numbers only.
*/

use std::time::{Duration, Instant};

use time::OffsetDateTime;
use tracing::instrument;
use uw_protocol::{
    DeviceChallenge, DeviceState, EnrollRequest, EnrollResponse, OpResult, PullResponse, PushRequest, PushResponse, QuoteNumberBlock,
    RenewTokenRequest, RenewTokenResponse, Secret, UserInfo,
};
use uw_rating::{PackRegistry, PackStatus, RatePack};

use crate::store::{Enrollment, OutboxEntry, Store, StoreError};
use crate::{Workstation, WorkstationError};

mod apply;
mod client;
pub mod sign_in;

pub use crate::store::SyncIssue;
pub(crate) use client::{Replay, Server};
pub use client::{RetryPolicy, SyncError};

/// The most operations one push request carries (the protocol's limit).
pub const PUSH_BATCH: usize = uw_protocol::MAX_PUSH_OPERATIONS;

/// The most changes one pull page asks for (the protocol's limit).
pub const PULL_LIMIT: usize = uw_protocol::MAX_PULL_CHANGES;

/// This device's enrollment, as the UI shows it (the token is never given out).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EnrollmentInfo {
    pub server_url: String,
    pub server_instance_id: String,
    pub device_id: String,
    pub device_name: String,
    /// The user the device enrolled as.
    pub user: UserInfo,
    pub token_expires_at: String,
    /// The device's number: its quotes are `QUOT-YYYY-DDDDD-NNNNN`.
    pub device_number: Option<u32>,
    /// A first-scheme block (`QUOT-YYYY-NNNNNN`) from a server before
    /// device numbers, until the device learns its number.
    pub quote_numbers: Option<QuoteNumberBlock>,
    /// The number the next new quote gets this year (on this device's
    /// clock), or `None` when a first-scheme block is used up.
    pub next_quote_number: Option<uw_policy::QuoteNumber>,
    pub enrolled_at: String,
    /// The insurer's legal name (else the organisation's name on its
    /// server), once a sync has brought it.
    pub organisation: Option<String>,
}

/// What a push did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PushReport {
    /// Requests that were answered.
    pub batches: usize,
    /// Operations the server answered for (each is now delivered).
    pub delivered: usize,
    pub accepted: usize,
    pub duplicate: usize,
    /// Rejected and in conflict: each is a [`SyncIssue`].
    pub rejected: usize,
    pub conflict: usize,
    /// Policies the server issued for binds in this push.
    pub policies_issued: Vec<String>,
    /// Operations sent again under new sequence numbers: the store was
    /// restored from a backup and the server held others under the old ones.
    pub rebased: usize,
    /// Quotes made after a restore whose number the server already held
    /// from this device, as (old, new): print their proposals again.
    pub renumbered: Vec<(String, String)>,
}

/// What a pull did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct PullReport {
    /// Pages received and applied.
    pub pages: usize,
    pub changes: usize,
    /// Changes that changed something here.
    pub applied: usize,
    /// Changes with nothing left to do here (already applied, a quote on
    /// another device, a decision on a version since edited).
    pub ignored: usize,
    /// Changes recorded as a [`SyncIssue`] instead (a pack that does not verify, ...).
    pub not_applied: usize,
    /// Packs verified and installed, by id.
    pub packs_installed: Vec<String>,
    /// Where the next pull starts.
    pub cursor: u64,
    /// Policies whose detail (version, timeline) was fetched after the pages.
    pub policies_fetched: Vec<String>,
}

/// How far a sync has got, for a progress bar. Reported after each push
/// batch and each pull page is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum SyncProgress {
    /// Pushing the outbox: the server has answered for `sent` of the `total`
    /// operations that waited when the push began.
    Push { sent: usize, total: usize },
    /// Pulling: `pages` applied so far, holding `changes` changes. How many
    /// remain is not known until the server says there are no more.
    Pull { pages: usize, changes: usize },
}

/// What a sync (push, then pull) did.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct SyncReport {
    pub push: PushReport,
    pub pull: PullReport,
    /// The server had been restored from a backup: this device carried on
    /// with it and sent again what it had delivered since the backup.
    pub server_restored: bool,
}

/// A device token this close to its expiry is renewed before it is used.
pub const RENEW_BEFORE: time::Duration = time::Duration::days(30);

/// How long a probe waits for the server to answer.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// Asks the enrolled server whether it is up ([`Workstation::server_probe`]).
pub struct ServerProbe {
    server: Server,
}

impl std::fmt::Debug for ServerProbe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerProbe").finish_non_exhaustive()
    }
}

impl ServerProbe {
    /// Whether the server answered its liveness check, over the same TLS
    /// settings as sync, with no token.
    pub fn reachable(&self) -> bool {
        self.server.get_text("/healthz").is_ok()
    }
}

/// Whether the server refused the device token in a way renewal mends
/// (expired, or revoked with the user's other tokens).
fn token_refused(e: &SyncError) -> bool {
    matches!(e, SyncError::Unauthorized { code, .. } if code == uw_protocol::codes::TOKEN_EXPIRED || code == uw_protocol::codes::INVALID_TOKEN)
}

/// The server URL as stored: `https://host[:port][/path]`, or `http://` to
/// this machine only, no trailing slash.
pub(crate) fn normalize_server_url(text: &str) -> Result<String, WorkstationError> {
    let invalid = |message: String| WorkstationError::InvalidInput { field: "server_url".into(), message };
    let url = reqwest::Url::parse(text.trim()).map_err(|e| invalid(format!("`{}` is not a URL: {e}", text.trim())))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(invalid(format!("`{url}` is not an https:// address of a server")));
    }
    // Passwords, tokens and customers' data never cross a network in clear.
    let host = url.host_str().unwrap_or_default();
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host.trim_start_matches('[').trim_end_matches(']').parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback());
    if url.scheme() == "http" && !loopback {
        return Err(invalid(format!(
            "`{url}` is not encrypted: use the server's https:// address (plain http:// is only for a server on this computer)"
        )));
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("give the server's address only, without credentials, query or fragment".into()));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Checks that `results` answer `sent` one for one, in order.
fn check_results(sent: &[OutboxEntry], results: &[OpResult]) -> Result<(), SyncError> {
    let protocol = |message: String| SyncError::Protocol { request: "POST /v1/sync/push".into(), message };
    if results.len() != sent.len() {
        return Err(protocol(format!("{} results for {} operations", results.len(), sent.len())));
    }
    for (entry, result) in sent.iter().zip(results) {
        if i64::try_from(result.seq).ok() != Some(entry.seq) || result.op_id != entry.op_id {
            return Err(protocol(format!(
                "result for sequence {} ({}) where sequence {} ({}) was sent",
                result.seq, result.op_id, entry.seq, entry.op_id
            )));
        }
    }
    Ok(())
}

/// Checks a pull page against the cursor it was asked for: the cursor never
/// moves back, and every change lies at or after the old cursor and before
/// the new one, in order.
fn check_page(cursor: u64, page: &PullResponse) -> Result<(), SyncError> {
    let protocol = |message: String| SyncError::Protocol { request: "GET /v1/sync/pull".into(), message };
    if page.cursor < cursor {
        return Err(protocol(format!("the cursor went back from {cursor} to {}", page.cursor)));
    }
    if page.changes.len() > PULL_LIMIT {
        return Err(protocol(format!("{} changes, more than the {PULL_LIMIT} asked for", page.changes.len())));
    }
    let mut previous: Option<u64> = None;
    for change in &page.changes {
        if change.index < cursor || change.index >= page.cursor || previous.is_some_and(|p| change.index <= p) {
            return Err(protocol(format!("change at index {} is outside [{cursor}, {}) or out of order", change.index, page.cursor)));
        }
        previous = Some(change.index);
    }
    if page.more && page.changes.is_empty() && page.cursor == cursor {
        return Err(protocol(format!("more changes are announced but the cursor stays at {cursor}")));
    }
    Ok(())
}

/// The registry the workstation rates with: the bundled packs, less any
/// signed by a key the server revoked, plus the packs installed through
/// sync that still verify against the keys trusted now. A synced pack that
/// no longer verifies (its key was revoked) is left out, with a warning.
pub(crate) fn packs_in_force(bundled: PackRegistry, store: &Store) -> Result<PackRegistry, StoreError> {
    let revoked = store.revoked_key_ids()?;
    let synced = store.synced_packs()?;
    if revoked.is_empty() && synced.is_empty() {
        return Ok(bundled);
    }
    let trusted = store.active_trusted_keys()?;
    let mut packs: Vec<RatePack> = bundled.packs().iter().filter(|p| !signed_by_any(p, &revoked)).cloned().collect();
    for (pack_id, files) in synced {
        match uw_rating::compile(&files, uw_rating::LoadMode::Verified(&trusted)) {
            Ok(pack) if !packs.iter().any(|p| p.id() == pack.id()) => packs.push(pack),
            Ok(_) => {}
            Err(e) => tracing::warn!(pack_id, error = %e, "a pack installed through sync no longer verifies; it is not used"),
        }
    }
    Ok(PackRegistry::new(packs))
}

fn signed_by_any(pack: &RatePack, keys: &[String]) -> bool {
    matches!(pack.status(), PackStatus::Signed { key_id } if keys.contains(key_id))
}

fn info(enrollment: Enrollment, next_quote_number: Option<uw_policy::QuoteNumber>) -> EnrollmentInfo {
    EnrollmentInfo {
        server_url: enrollment.server_url,
        server_instance_id: enrollment.server_instance_id,
        device_id: enrollment.device_id,
        device_name: enrollment.device_name,
        user: enrollment.user,
        token_expires_at: enrollment.token_expires_at,
        device_number: enrollment.device_number,
        quote_numbers: enrollment.quote_numbers,
        next_quote_number,
        enrolled_at: enrollment.enrolled_at,
        organisation: None,
    }
}

impl Workstation {
    /// How sync requests are retried.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.retry
    }

    /// Changes how sync requests are retried (tests use milliseconds).
    pub fn set_retry_policy(&mut self, policy: RetryPolicy) {
        self.retry = policy;
    }

    /// This device's enrollment, if it has enrolled.
    /// What the organisation's server last said about it (its name and the
    /// insurer's details documents print), if this device ever synced.
    pub fn organisation(&self) -> Result<Option<uw_protocol::OrganisationInfo>, WorkstationError> {
        Ok(self.store.organisation()?)
    }

    pub fn enrollment(&self) -> Result<Option<EnrollmentInfo>, WorkstationError> {
        let Some(enrollment) = self.store.sync_enrollment()? else { return Ok(None) };
        let next = self.next_quote_number(&enrollment, OffsetDateTime::now_utc().year())?;
        let organisation = self.store.organisation()?.map(|o| o.details.map_or(o.name, |d| d.legal_name));
        Ok(Some(EnrollmentInfo { organisation, ..info(enrollment, next) }))
    }

    /// The number a new quote would get in `year`.
    fn next_quote_number(&self, enrollment: &Enrollment, year: i32) -> Result<Option<uw_policy::QuoteNumber>, WorkstationError> {
        if let Some(device) = enrollment.device_number {
            let serial = self.store.next_device_serial(year)?;
            return Ok(uw_policy::QuoteNumber::for_device(year, device, serial).ok());
        }
        let Some(block) = enrollment.quote_numbers else { return Ok(None) };
        let next = self.store.quote_number_block(block.year)?.and_then(|(next, last)| (next <= last).then_some(next));
        Ok(next.and_then(|n| uw_policy::QuoteNumber::new(block.year, n).ok()))
    }

    /// Enrolls this device with the sync server at `server_url` as
    /// `username`: registers the device's public key, stores the device
    /// token and the server's instance id, and replaces the quote-number
    /// block for the granted year (see `Store::save_enrollment` for how
    /// numbers already handed out are kept). Enrolling again replaces the
    /// previous enrollment.
    pub fn enroll(
        &mut self,
        server_url: &str,
        username: &str,
        password: &Secret,
        device_name: &str,
        now: OffsetDateTime,
    ) -> Result<EnrollmentInfo, WorkstationError> {
        self.enroll_with_code(server_url, (username, password, None), device_name, now)
    }

    /// [`Self::enroll`] with the code of the user's authenticator app (or a
    /// recovery code), which the server asks for (`auth.second_factor_required`)
    /// when the user has one.
    #[instrument(skip_all, err(Display))]
    pub fn enroll_with_code(
        &mut self,
        server_url: &str,
        (username, password, second_factor): (&str, &Secret, Option<&Secret>),
        device_name: &str,
        now: OffsetDateTime,
    ) -> Result<EnrollmentInfo, WorkstationError> {
        let base = normalize_server_url(server_url)?;
        for (field, value) in [("username", username), ("device_name", device_name)] {
            if value.trim().is_empty() {
                return Err(WorkstationError::InvalidInput { field: field.into(), message: "must not be empty".into() });
            }
        }
        let server = Server::new(&base, None, (&self.retry, &self.app_version), self.server_ca.as_deref())?;
        let device_public_key = hex::encode(self.device_public_key().as_bytes());
        let proof = uw_protocol::enroll_proof_message(username.trim(), &device_public_key);
        let request = EnrollRequest {
            username: username.trim().to_owned(),
            password: password.clone(),
            device_name: device_name.trim().to_owned(),
            key_proof: hex::encode(ed25519_dalek::Signer::sign(&self.device_key, proof.as_bytes()).to_bytes()),
            device_public_key,
            second_factor: second_factor.cloned(),
        };
        let response: EnrollResponse = server.post("/v1/enroll", &request, Replay::OnlyIfUnprocessed)?;
        self.save_enrolled(base, response, request.device_name, "POST /v1/enroll", now)
    }

    /// The identity providers the server at `server_url` offers for signing
    /// in (an empty address: the server this device enrolled with).
    pub fn sign_in_providers(&self, server_url: &str) -> Result<Vec<uw_protocol::SsoProvider>, WorkstationError> {
        let base = self.console_server_url(server_url)?;
        Ok(Server::new(&base, None, (&self.retry, &self.app_version), self.server_ca.as_deref())?.get("/v1/sso/providers")?)
    }

    /// Starts enrolling this device through the organisation's identity
    /// provider `provider` (RFC 8252): open the returned page in the system
    /// browser ([`sign_in::open_in_browser`]), wait for the person to come
    /// back ([`sign_in::PendingSignIn::wait`], no lock held), then
    /// [`Self::finish_enroll_with_provider`].
    pub fn begin_provider_sign_in(&self, server_url: &str, provider: &str) -> Result<sign_in::PendingSignIn, WorkstationError> {
        let base = normalize_server_url(server_url)?;
        let server = Server::new(&base, None, (&self.retry, &self.app_version), self.server_ca.as_deref())?;
        sign_in::PendingSignIn::start(server, base, provider)
    }

    /// Finishes an enrollment through the identity provider: the server
    /// exchanges the code and enrolls the device with its key.
    #[instrument(skip_all, err(Display))]
    pub fn finish_enroll_with_provider(
        &mut self,
        back: sign_in::ReturnedSignIn,
        device_name: &str,
        now: OffsetDateTime,
    ) -> Result<EnrollmentInfo, WorkstationError> {
        if device_name.trim().is_empty() {
            return Err(WorkstationError::InvalidInput { field: "device_name".into(), message: "must not be empty".into() });
        }
        let device_public_key = hex::encode(self.device_public_key().as_bytes());
        let proof = uw_protocol::enroll_proof_message(&format!("sso:{}", back.state), &device_public_key);
        let request = uw_protocol::SsoEnroll {
            state: back.state,
            code: back.code,
            code_verifier: back.verifier,
            device_name: device_name.trim().to_owned(),
            key_proof: hex::encode(ed25519_dalek::Signer::sign(&self.device_key, proof.as_bytes()).to_bytes()),
            device_public_key,
        };
        let response: EnrollResponse = back.server.post("/v1/sso/enrollments", &request, Replay::OnlyIfUnprocessed)?;
        self.save_enrolled(back.server_url, response, request.device_name, "POST /v1/sso/enrollments", now)
    }

    /// Begins, opens the page with `open`, waits and finishes, in one call.
    pub fn enroll_with_provider(
        &mut self,
        server_url: &str,
        provider: &str,
        device_name: &str,
        open: &mut dyn FnMut(&str) -> Result<(), WorkstationError>,
        now: OffsetDateTime,
    ) -> Result<EnrollmentInfo, WorkstationError> {
        let pending = self.begin_provider_sign_in(server_url, provider)?;
        open(&pending.authorization_url)?;
        let back = pending.wait(sign_in::SIGN_IN_TIMEOUT)?;
        self.finish_enroll_with_provider(back, device_name, now)
    }

    /// Checks the server's answer to an enrollment and keeps it.
    fn save_enrolled(
        &mut self,
        base: String,
        response: EnrollResponse,
        device_name: String,
        request: &str,
        now: OffsetDateTime,
    ) -> Result<EnrollmentInfo, WorkstationError> {
        let problem = if response.device_id.trim().is_empty() {
            Some("no device id".to_owned())
        } else if response.token.expose().is_empty() {
            Some("no token".to_owned())
        } else if response.server_instance_id.trim().is_empty() {
            Some("no server instance id".to_owned())
        } else if let Some(QuoteNumberBlock { year, first, last }) = response.quote_numbers.filter(|_| response.device_number == 0) {
            (!(2000..=9999).contains(&year) || first == 0 || first > last || last > 999_999)
                .then(|| format!("quote numbers {first}..={last} for {year} are not a block of QUOT-YYYY-NNNNNN numbers"))
        } else if response.device_number == 0 {
            Some("no device number".to_owned())
        } else {
            None
        };
        if let Some(message) = problem {
            return Err(SyncError::Protocol { request: request.into(), message }.into());
        }
        let enrollment = Enrollment {
            server_url: base,
            server_instance_id: response.server_instance_id,
            device_id: response.device_id,
            device_name,
            token: response.token,
            token_expires_at: response.token_expires_at,
            user: response.user,
            device_number: (response.device_number > 0).then_some(response.device_number),
            quote_numbers: if response.device_number > 0 { None } else { response.quote_numbers },
            enrolled_at: crate::quotes::model::instant_text(now),
            server_ca: self.server_ca.clone(),
        };
        self.store.save_enrollment(&enrollment, &response.quote_serials, now)?;
        let next = self.next_quote_number(&enrollment, now.year())?;
        tracing::info!(
            device_id = %enrollment.device_id,
            role = enrollment.user.role.name(),
            recovered = response.recovered,
            last_seq = response.last_seq,
            device_number = enrollment.device_number,
            next = next.map(|n| n.to_string()),
            "device enrolled"
        );
        Ok(info(enrollment, next))
    }

    /// Sends every operation the server has not answered for, in sequence
    /// order, [`PUSH_BATCH`] at a time, and applies each answer in one
    /// transaction. Safe to repeat: the server answers a replay as a duplicate.
    #[instrument(skip_all, err(Display))]
    pub fn push(&mut self, now: OffsetDateTime) -> Result<PushReport, WorkstationError> {
        self.with_device_server(now, |ws, server| ws.push_to(server, now, &mut |_| {}))
    }

    /// Applies the server's changes from the stored cursor on, page by page,
    /// each page and the cursor after it in one transaction: an interrupted
    /// pull resumes where it stopped and never applies a page twice.
    #[instrument(skip_all, err(Display))]
    pub fn pull(&mut self, now: OffsetDateTime) -> Result<PullReport, WorkstationError> {
        self.with_device_server(now, |ws, server| ws.pull_from(server, now, &mut |_| {}))
    }

    /// Pushes, then pulls.
    pub fn sync(&mut self, now: OffsetDateTime) -> Result<SyncReport, WorkstationError> {
        self.sync_with_progress(now, &mut |_| {})
    }

    /// Pushes, then pulls, telling `progress` after each batch and page.
    #[instrument(skip_all, err(Display))]
    pub fn sync_with_progress(
        &mut self,
        now: OffsetDateTime,
        progress: &mut dyn FnMut(SyncProgress),
    ) -> Result<SyncReport, WorkstationError> {
        let result = self.sync_once(now, progress);
        // The "last synced" time and the background sync's backoff read this;
        // failing to note it must not turn a good sync into an error.
        if let Err(e) = self.store.record_sync_run(result.as_ref().err().map(WorkstationError::code), now) {
            tracing::warn!(error = %e, "could not record the sync run");
        }
        result
    }

    fn sync_once(&mut self, now: OffsetDateTime, progress: &mut dyn FnMut(SyncProgress)) -> Result<SyncReport, WorkstationError> {
        self.with_device_server(now, |ws, server| {
            ws.check_desktop_versions(server)?;
            let push = ws.push_to(server, now, progress)?;
            let pull = ws.pull_from(server, now, progress)?;
            ws.answer_subject_requests(server)?;
            // An underwriter's rate drafts and decisions, and the review queue.
            let rate = ws.sync_rate_changes_with(server, now)?;
            // What documents print about the insurer, kept for offline.
            match server.get::<uw_protocol::OrganisationInfo>("/v1/organisation") {
                Ok(info) => ws.store.save_organisation(&info, now)?,
                // A server from before organisation details: keep what we have.
                Err(SyncError::Refused { status: 404, .. }) => {}
                Err(e) => return Err(e.into()),
            }
            tracing::info!(
                drafts_sent = rate.drafts_sent,
                decisions_sent = rate.decisions_sent,
                reviews = rate.reviews,
                "rate changes synced"
            );
            Ok(SyncReport { push, pull, server_restored: std::mem::take(&mut ws.server_restored) })
        })
    }

    /// Answers the data-subject requests the pull brought: sends what this
    /// device holds of each customer, then forgets the request. A request
    /// the server no longer has (404) is forgotten too; any other failure
    /// leaves it for the next sync.
    fn answer_subject_requests(&mut self, server: &Server) -> Result<usize, WorkstationError> {
        let mut answered = 0;
        for request in self.store.pending_subject_requests()? {
            let held = self.store.held_for(&request.quote_numbers, &request.policy_numbers)?;
            let path = format!("/v1/devices/me/subject-requests/{}", request.request_id);
            match server.post::<uw_protocol::SubjectRequestDesktop>(&path, &uw_protocol::SubjectRequestAnswer { held }, Replay::Safe) {
                Ok(_) | Err(SyncError::Refused { status: 404, .. }) => {
                    self.store.forget_subject_request(&request.request_id)?;
                    answered += 1;
                }
                Err(e) => return Err(e.into()),
            }
        }
        if answered > 0 {
            tracing::info!(answered, "data-subject requests answered");
        }
        Ok(answered)
    }

    /// Renews this device's token now: asks the server for a challenge,
    /// signs it with the device key and keeps the new token. Needs no
    /// password, and works whether the old token is valid, expired or was
    /// revoked by a password reset; the server refuses a revoked device and
    /// a disabled user. Returns when the new token expires (RFC 3339).
    #[instrument(skip_all, err(Display))]
    pub fn renew_device_token(&mut self, now: OffsetDateTime) -> Result<String, WorkstationError> {
        let server = self.connect()?;
        self.renew_token_with(&server, now).map(|(_, expires)| expires)
    }

    /// Runs `work` against the enrolled server. A token that expires within
    /// [`RENEW_BEFORE`] is renewed first; one the server refuses as expired
    /// or revoked is renewed once and `work` runs again (pushes and pulls
    /// are safe to repeat).
    fn with_device_server<T>(
        &mut self,
        now: OffsetDateTime,
        mut work: impl FnMut(&mut Self, &Server) -> Result<T, WorkstationError>,
    ) -> Result<T, WorkstationError> {
        let (mut server, restored) = self.connect_noting_restore()?;
        if let Some(instance) = restored {
            // The server came back from a backup: carry on with it. The pull
            // starts over (its log is shorter now) and the next push sends
            // again what the backup lacks.
            self.store.adopt_restored_server(&instance, now)?;
            tracing::warn!(instance = %instance, "the sync server was restored from a backup; this device carries on with it");
            self.server_restored = true;
        }
        let enrollment = self.store.sync_enrollment()?.ok_or(SyncError::NotEnrolled)?;
        let expires = OffsetDateTime::parse(&enrollment.token_expires_at, &time::format_description::well_known::Rfc3339).ok();
        if expires.is_none_or(|at| at - now < RENEW_BEFORE) {
            let (token, _) = self.renew_token_with(&server, now)?;
            server = server.with_token(token);
        }
        match work(self, &server) {
            Err(WorkstationError::Sync(e)) if token_refused(&e) => {
                tracing::info!(code = e.server_code().unwrap_or_default(), "the server refused the device token; renewing it");
                let (token, _) = self.renew_token_with(&server, now)?;
                work(self, &server.with_token(token))
            }
            other => other,
        }
    }

    /// Asks the server where this device is and takes it in: the device
    /// number (a device enrolled under the first numbering scheme learns it
    /// here) and the highest quote serials recorded, which the counters move
    /// past, so a device restored from a backup numbers on without reusing one.
    /// Where the server says this device is (`None` from a server before device numbers).
    fn device_state(server: &Server) -> Result<Option<DeviceState>, WorkstationError> {
        match server.get::<DeviceState>("/v1/devices/me") {
            Ok(state) if state.device_number == 0 => {
                Err(SyncError::Protocol { request: "GET /v1/devices/me".into(), message: "no device number".into() }.into())
            }
            Ok(state) => Ok(Some(state)),
            // A server from before device numbers: it keeps granting blocks.
            Err(SyncError::Refused { status: 404, .. }) => {
                tracing::info!("the server does not say where this device is (a server before device numbers)");
                Ok(None)
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Asks the server where this device is and takes it in, before a push:
    /// the device number (a device enrolled under the first numbering scheme
    /// learns it here); the highest quote serials recorded, which the
    /// counters move past, renumbering any quote made since a restore under
    /// a number the server already holds; and the last sequence number
    /// processed: operations delivered after it (a server restored from a
    /// backup lost them) are sent again. Returns the quotes renumbered.
    fn reconcile_device_state(&mut self, server: &Server, now: OffsetDateTime) -> Result<Vec<(String, String)>, WorkstationError> {
        let Some(state) = Self::device_state(server)? else { return Ok(Vec::new()) };
        let (moved, renumbered) = self.store.reconcile_quote_serials(state.device_number, &state.quote_serials, &self.device_key, now)?;
        if !moved.is_empty() {
            tracing::warn!(?moved, "the server holds later quote numbers of this device than the store did; numbering moved on");
        }
        for (old, new) in &renumbered {
            tracing::warn!(old = %old, new = %new, "a quote made after a restore had a number the server holds; renumbered");
        }
        let requeued = self.store.requeue_after_restore(state.last_seq, now)?;
        if requeued > 0 {
            tracing::warn!(
                requeued,
                server_last_seq = state.last_seq,
                "the server lost operations this device delivered; sending them again"
            );
        }
        Ok(renumbered)
    }

    fn renew_token_with(&mut self, server: &Server, now: OffsetDateTime) -> Result<(Secret, String), WorkstationError> {
        let enrollment = self.store.sync_enrollment()?.ok_or(SyncError::NotEnrolled)?;
        let device_id = enrollment.device_id;
        // The id goes into a request path: letters, digits, `-` and `_` only.
        if device_id.is_empty() || !device_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            return Err(SyncError::Protocol {
                request: "POST /v1/enroll".into(),
                message: format!("device id `{device_id}` is not an id"),
            }
            .into());
        }
        let challenge: DeviceChallenge =
            server.post(&format!("/v1/devices/{device_id}/challenge"), &serde_json::json!({}), Replay::Safe)?;
        if challenge.challenge.len() != 64 || !challenge.challenge.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(SyncError::Protocol {
                request: "POST /v1/devices/{id}/challenge".into(),
                message: "the challenge is not 64 hexadecimal digits".into(),
            }
            .into());
        }
        let message =
            uw_protocol::token_renewal_message(&enrollment.server_instance_id, &device_id, &challenge.challenge, &challenge.expires_at);
        let signature = hex::encode(ed25519_dalek::Signer::sign(&self.device_key, message.as_bytes()).to_bytes());
        let request = RenewTokenRequest { challenge: challenge.challenge, signature };
        // A lost answer leaves the old token revoked; the next sync renews again.
        let renewed: RenewTokenResponse = server.post(&format!("/v1/devices/{device_id}/token"), &request, Replay::OnlyIfUnprocessed)?;
        if renewed.token.expose().is_empty() {
            return Err(SyncError::Protocol { request: "POST /v1/devices/{id}/token".into(), message: "no token".into() }.into());
        }
        self.store.save_renewed_token(&renewed.token, &renewed.token_expires_at, now)?;
        tracing::info!(device_id = %device_id, expires_at = %renewed.token_expires_at, "device token renewed");
        Ok((renewed.token, renewed.token_expires_at))
    }

    /// Sync issues the user has not dismissed, newest first: operations the
    /// server rejected or found in conflict, and changes this device could not apply.
    pub fn sync_issues(&self) -> Result<Vec<SyncIssue>, WorkstationError> {
        Ok(self.store.sync_issues()?)
    }

    /// Marks a sync issue as seen. Returns whether it was still listed.
    pub fn dismiss_sync_issue(&mut self, id: i64, now: OffsetDateTime) -> Result<bool, WorkstationError> {
        Ok(self.store.dismiss_sync_issue(id, now)?)
    }

    /// The enrolled server, checked to be the instance the device enrolled with.
    pub(crate) fn connect(&self) -> Result<Server, WorkstationError> {
        Ok(self.connect_noting_restore()?.0)
    }

    /// A probe of the enrolled server that needs no workstation, so a
    /// background sync can learn whether the server answers without holding
    /// the workstation (and the screens) while the network times out.
    /// `None` when this device is not enrolled.
    pub fn server_probe(&self) -> Result<Option<ServerProbe>, WorkstationError> {
        let Some(enrollment) = self.store.sync_enrollment()? else { return Ok(None) };
        let pinned = enrollment.server_ca.as_deref().or(self.server_ca.as_deref());
        let once = RetryPolicy { max_attempts: 1, timeout: PROBE_TIMEOUT, ..self.retry.clone() };
        Ok(Some(ServerProbe { server: Server::new(&enrollment.server_url, None, (&once, &self.app_version), pinned)? }))
    }

    /// [`Workstation::connect`], with the server's new instance id when it
    /// was restored from a backup since the device last synced.
    fn connect_noting_restore(&self) -> Result<(Server, Option<String>), WorkstationError> {
        let enrollment = self.store.sync_enrollment()?.ok_or(SyncError::NotEnrolled)?;
        // An enrollment from before plain HTTP was refused off this computer
        // does not keep sending tokens and customers' data in clear.
        normalize_server_url(&enrollment.server_url).map_err(|_| WorkstationError::InvalidInput {
            field: "server_url".into(),
            message: format!(
                "this device enrolled with {}, which is not encrypted; enroll it again with the server's https:// address",
                enrollment.server_url
            ),
        })?;
        let pinned = enrollment.server_ca.as_deref().or(self.server_ca.as_deref());
        let server = Server::new(&enrollment.server_url, Some(enrollment.token.clone()), (&self.retry, &self.app_version), pinned)?;
        let restored = server.check_instance(&enrollment.server_instance_id)?;
        Ok((server, restored))
    }

    fn push_to(
        &mut self,
        server: &Server,
        now: OffsetDateTime,
        progress: &mut dyn FnMut(SyncProgress),
    ) -> Result<PushReport, WorkstationError> {
        let started = Instant::now();
        let mut report = PushReport { renumbered: self.reconcile_device_state(server, now)?, ..PushReport::default() };
        let total = usize::try_from(self.store.outbox_status()?.0).unwrap_or(usize::MAX);
        progress(SyncProgress::Push { sent: 0, total });
        loop {
            let batch = self.store.unsent_outbox(PUSH_BATCH)?;
            let (Some(first), Some(last)) = (batch.first(), batch.last()) else { break };
            let (first, last) = (first.seq, last.seq);
            let request = PushRequest { operations: batch.iter().map(OutboxEntry::to_push_op).collect() };
            let response: PushResponse = server.post("/v1/sync/push", &request, Replay::Safe)?;
            check_results(&batch, &response.results)?;
            let applied = apply::apply_push_results(&mut self.store, &batch, &response.results, now)?;
            report.batches += 1;
            report.delivered += applied.delivered();
            report.accepted += applied.accepted;
            report.duplicate += applied.duplicate;
            report.rejected += applied.rejected;
            report.conflict += applied.conflict;
            report.policies_issued.extend(applied.policies_issued.iter().cloned());
            progress(SyncProgress::Push { sent: report.delivered.min(total), total });
            tracing::info!(
                first,
                last,
                accepted = applied.accepted,
                duplicate = applied.duplicate,
                rejected = applied.rejected,
                conflict = applied.conflict,
                "push answered"
            );
            if let Some((seq, reason)) = applied.gap {
                return Err(SyncError::SequenceGap { seq, reason }.into());
            }
            if let Some(seq) = applied.reused {
                // The server holds other operations under these numbers: this
                // store came back from a backup. Send ours after the server's.
                let state = Self::device_state(server)?.ok_or_else(|| SyncError::SequenceGap {
                    seq: u64::try_from(seq).unwrap_or(0),
                    reason: "the server holds another operation under this sequence number".into(),
                })?;
                let moved = self.store.rebase_unsent(seq, state.last_seq, &self.device_key, now)?;
                if moved == 0 {
                    return Err(SyncError::SequenceGap {
                        seq: u64::try_from(seq).unwrap_or(0),
                        reason: format!(
                            "the server holds another operation under sequence {seq} and has processed up to {}",
                            state.last_seq
                        ),
                    }
                    .into());
                }
                tracing::warn!(from = seq, moved, server_last_seq = state.last_seq, "outbox sent again under new sequence numbers");
                report.rebased += moved;
            }
        }
        tracing::info!(
            batches = report.batches,
            delivered = report.delivered,
            elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            "push done"
        );
        Ok(report)
    }

    fn pull_from(
        &mut self,
        server: &Server,
        now: OffsetDateTime,
        progress: &mut dyn FnMut(SyncProgress),
    ) -> Result<PullReport, WorkstationError> {
        let mut report = PullReport::default();
        progress(SyncProgress::Pull { pages: 0, changes: 0 });
        loop {
            let cursor = self.store.pull_cursor()?;
            let page: PullResponse = server.get(&format!("/v1/sync/pull?cursor={cursor}&limit={PULL_LIMIT}"))?;
            check_page(cursor, &page)?;
            let applied = apply::apply_pull_page(&mut self.store, &page, now)?;
            report.pages += 1;
            report.changes += page.changes.len();
            report.applied += applied.applied;
            report.ignored += applied.ignored;
            report.not_applied += applied.not_applied;
            report.packs_installed.extend(applied.installed.iter().map(|p| p.id().to_owned()));
            report.cursor = page.cursor;
            progress(SyncProgress::Pull { pages: report.pages, changes: report.changes });
            tracing::info!(
                cursor,
                next = page.cursor,
                changes = page.changes.len(),
                applied = applied.applied,
                not_applied = applied.not_applied,
                "pull page applied"
            );
            self.update_registry(applied.installed, &applied.revoked_keys);
            if !page.more {
                break;
            }
        }
        // Policies whose version moved (or whose detail never came) are
        // fetched whole, so the next change here starts from the server's.
        for number in self.store.policies_to_fetch()? {
            match self.fetch_policy(server, &number, now) {
                Ok(_) => report.policies_fetched.push(number),
                // The server no longer shows it to this user: the mirror
                // keeps what it had, and a change to it is refused as stale.
                Err(WorkstationError::Sync(e)) if matches!(*e, SyncError::Refused { status: 404, .. }) => {
                    tracing::warn!(policy_number = %number, "the server does not show this policy to this user");
                }
                Err(e) => return Err(e),
            }
        }
        Ok(report)
    }

    /// Adds newly installed packs to the registry and drops packs signed by
    /// keys just revoked, so rating follows the store without reopening.
    fn update_registry(&mut self, installed: Vec<RatePack>, revoked: &[String]) {
        if installed.is_empty() && !self.packs.packs().iter().any(|p| signed_by_any(p, revoked)) {
            return;
        }
        let mut packs: Vec<RatePack> = self.packs.packs().iter().filter(|p| !signed_by_any(p, revoked)).cloned().collect();
        for pack in installed {
            if !packs.iter().any(|p| p.id() == pack.id()) {
                packs.push(pack);
            }
        }
        self.packs = PackRegistry::new(packs);
    }
}
