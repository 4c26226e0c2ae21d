//! The HTTP transport to the sync server: requests with retries and
//! backoff, `Retry-After`, a pinned certificate authority, and the typed
//! errors a refused or failed request becomes.

use std::time::Duration;

use reqwest::blocking::Client;
use reqwest::header::{HeaderMap, ACCEPT, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use uw_protocol::{ErrorBody, Secret, PROTOCOL_VERSION, VERSION_HEADER};

/// How requests are retried, and how long each may take.
///
/// A failed attempt that may be retried waits a random time between zero
/// and `min(max_delay, base_delay × 2^retry)` ("full jitter"), or what the
/// server's `Retry-After` says on `429`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; at least one is made.
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
    /// The longest `Retry-After` the client waits for. A server asking for
    /// longer (a login rate limit is 15 minutes) gets no retry: the caller
    /// receives [`SyncError::RateLimited`] with the time, for the user.
    pub max_retry_after: Duration,
    /// The limit on one attempt, connection and answer included.
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
            // The server gives each request 30 s; a little more covers the network.
            timeout: Duration::from_secs(35),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (0 for the first retry), given
    /// a uniformly random `random`: full jitter below the capped exponential.
    pub fn backoff(&self, retry: u32, random: u64) -> Duration {
        let ceiling = self.base_delay.saturating_mul(2u32.saturating_pow(retry)).min(self.max_delay);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(random % nanos.saturating_add(1))
    }
}

/// Why sync failed. Every variant has a stable [`SyncError::code`]; the
/// server's own code, when it sent one, is in [`SyncError::server_code`].
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The device has not enrolled with a server.
    #[error("this workstation is not enrolled with a sync server; enroll it first")]
    NotEnrolled,
    /// The server console needs a signed-in session (administrators and
    /// auditors work online and do not enroll devices).
    #[error("sign in to the sync server as {role} first")]
    NotSignedIn { role: &'static str },
    /// No answer from the server, after every attempt.
    #[error("cannot reach the sync server at {url} after {attempts} attempt(s): {message}; check the network and the server address, then try again")]
    Unreachable { url: String, attempts: u32, message: String },
    /// The server refused the credentials or the device token (`401`).
    #[error("the sync server refused the credentials ({code}): {message}")]
    Unauthorized { code: String, message: String },
    /// An administrator revoked this device (`401 auth.device_revoked`).
    #[error("this device was revoked on the sync server: {message}; ask an administrator, then enroll the device again")]
    DeviceRevoked { message: String },
    /// The server limits requests (`429`) for longer than the client waits, or after every attempt.
    #[error("the sync server is limiting requests ({code}): {message}{}", retry_after_text(*retry_after))]
    RateLimited { code: String, message: String, retry_after: Option<Duration> },
    /// The server does not accept this workstation's protocol version (`426`).
    #[error("the sync server does not accept this workstation's protocol version ({code}): {message}")]
    UpgradeRequired { code: String, message: String },
    /// The app is older than the organisation's minimum version (`426
    /// desktop.too_old`): it keeps working offline and syncs once updated.
    #[error("this app is version {running}, and your organisation's server syncs only with {} or later. Your work stays on this laptop and nothing was sent; install the update, then sync again", minimum.as_deref().map_or_else(|| "a newer version".to_owned(), |m| format!("version {m}")))]
    DesktopTooOld { running: String, minimum: Option<String> },
    /// The server refused the request (any other `4xx`).
    #[error("the sync server refused the request with {status} ({code}): {message}")]
    Refused { status: u16, code: String, message: String },
    /// The server failed (`5xx`), after every attempt.
    #[error("the sync server failed with {status} ({code}) after {attempts} attempt(s): {message}; try again later")]
    Server { status: u16, code: String, message: String, attempts: u32 },
    /// The server answered something the protocol does not allow; nothing of that answer was applied.
    #[error(
        "the sync server's answer to {request} breaks the sync protocol: {message}; nothing of it was applied; report this as a defect"
    )]
    Protocol { request: String, message: String },
    /// The server is another instance than the one the device enrolled with.
    #[error("the sync server at {url} is instance {found}, but this device enrolled with instance {enrolled}; nothing was sent or applied. If the server was replaced or restored, ask an administrator before enrolling again")]
    WrongServer { url: String, enrolled: String, found: String },
    /// The server's TLS certificate does not check out: not issued by an
    /// authority this workstation trusts (the operating system's, or the
    /// organisation's pinned one), expired, or for another name.
    #[error("the sync server at {url} did not prove it is your organisation's server: its certificate is not one this workstation trusts, so nothing was sent. Check the server address; if your organisation uses its own certificate authority, ask your administrator to install it ({message})")]
    UntrustedServer { url: String, message: String },
    /// The server expects an earlier operation than the device sent: the
    /// outbox and the server disagree about what was delivered.
    #[error("the sync server refused outbox operation {seq} because it expects an earlier one ({reason}); it and every later operation stay in the outbox; ask an administrator")]
    SequenceGap { seq: u64, reason: String },
}

fn retry_after_text(retry_after: Option<Duration>) -> String {
    retry_after.map(|d| format!("; try again in {} s", d.as_secs().max(1))).unwrap_or_default()
}

impl SyncError {
    /// A stable, machine-readable code for the UI to switch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotEnrolled => "sync.not_enrolled",
            Self::NotSignedIn { .. } => "sync.not_signed_in",
            Self::Unreachable { .. } => "sync.unreachable",
            Self::Unauthorized { .. } => "sync.unauthorized",
            Self::DeviceRevoked { .. } => "sync.device_revoked",
            Self::RateLimited { .. } => "sync.rate_limited",
            Self::UpgradeRequired { .. } => "sync.upgrade_required",
            Self::DesktopTooOld { .. } => "sync.desktop_too_old",
            Self::Refused { .. } => "sync.refused",
            Self::Server { .. } => "sync.server",
            Self::Protocol { .. } => "sync.protocol",
            Self::WrongServer { .. } => "sync.wrong_server",
            Self::UntrustedServer { .. } => "sync.untrusted_server",
            Self::SequenceGap { .. } => "sync.sequence_gap",
        }
    }

    /// The server's own code (`auth.invalid_credentials`, ...), when it sent one.
    pub fn server_code(&self) -> Option<&str> {
        match self {
            Self::Unauthorized { code, .. }
            | Self::RateLimited { code, .. }
            | Self::UpgradeRequired { code, .. }
            | Self::Refused { code, .. }
            | Self::Server { code, .. } => Some(code),
            Self::DeviceRevoked { .. } => Some(uw_protocol::codes::DEVICE_REVOKED),
            Self::DesktopTooOld { .. } => Some(uw_protocol::codes::DESKTOP_TOO_OLD),
            Self::SequenceGap { .. } => Some(uw_protocol::codes::SEQUENCE_GAP),
            _ => None,
        }
    }
}

/// Whether a request may be sent again after a failure that does not prove
/// the server did nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replay {
    /// Reads, and pushes (the server is idempotent per device and sequence).
    Safe,
    /// Enrollment makes a device each time: retried only when the server
    /// certainly did nothing (no connection, `429`, `502`–`504`).
    OnlyIfUnprocessed,
}

/// One sync server, as this client talks to it.
#[derive(Debug)]
pub(crate) struct Server {
    client: Client,
    /// The base URL, without a trailing slash.
    base: String,
    token: Option<Secret>,
    retry: RetryPolicy,
    /// Sent as `uw-desktop-version`.
    app_version: String,
}

impl Server {
    /// A client for the server at `base`. The server's certificate is
    /// checked against the operating system's trust store, or, when
    /// `pinned_ca` (PEM) is given, against that organisation CA alone.
    pub(crate) fn new(
        base: &str,
        token: Option<Secret>,
        (retry, app_version): (&RetryPolicy, &str),
        pinned_ca: Option<&str>,
    ) -> Result<Self, SyncError> {
        let unusable = |message: String| SyncError::Unreachable { url: base.to_owned(), attempts: 0, message };
        let mut builder = Client::builder()
            .timeout(retry.timeout)
            .connect_timeout(retry.timeout.min(Duration::from_secs(10)))
            // The API never redirects; following one could leave HTTPS.
            .redirect(reqwest::redirect::Policy::none())
            .tls_version_min(reqwest::tls::Version::TLS_1_2);
        if let Some(pem) = pinned_ca {
            let certs = reqwest::Certificate::from_pem_bundle(pem.as_bytes())
                .map_err(|e| unusable(format!("the organisation's certificate authority cannot be read: {}", chain(&e))))?;
            builder = builder.tls_certs_only(certs);
        }
        let client = builder.build().map_err(|e| unusable(format!("cannot build an HTTP client: {}", chain(&e))))?;
        Ok(Self { client, base: base.to_owned(), token, retry: retry.clone(), app_version: app_version.to_owned() })
    }

    /// The same server with another token.
    pub(crate) fn with_token(mut self, token: Secret) -> Self {
        self.token = Some(token);
        self
    }

    pub(crate) fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, SyncError> {
        self.exchange(Method::GET, path, None, Replay::Safe)
    }

    pub(crate) fn post<T: DeserializeOwned>(&self, path: &str, body: &impl serde::Serialize, replay: Replay) -> Result<T, SyncError> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| SyncError::Protocol { request: format!("POST {path}"), message: format!("cannot encode the request: {e}") })?;
        self.exchange(Method::POST, path, Some(bytes), replay)
    }

    /// Refuses a server that is not the instance the device enrolled with.
    /// The same server restored from a backup (it names the enrolled
    /// instance among those it had before) is accepted: the new instance id
    /// is returned for the device to adopt.
    pub(super) fn check_instance(&self, enrolled: &str) -> Result<Option<String>, SyncError> {
        let health: serde_json::Value = self.get("/healthz")?;
        let found = health.pointer("/database/instance_id").and_then(serde_json::Value::as_str).ok_or_else(|| SyncError::Protocol {
            request: "GET /healthz".into(),
            message: "the answer has no database.instance_id".into(),
        })?;
        if found == enrolled {
            return Ok(None);
        }
        let restored = health
            .pointer("/database/restored_from")
            .and_then(serde_json::Value::as_array)
            .is_some_and(|before| before.iter().any(|id| id.as_str() == Some(enrolled)));
        if restored {
            return Ok(Some(found.to_owned()));
        }
        Err(SyncError::WrongServer { url: self.base.clone(), enrolled: enrolled.to_owned(), found: found.to_owned() })
    }

    pub(crate) fn patch<T: DeserializeOwned>(&self, path: &str, body: &impl serde::Serialize) -> Result<T, SyncError> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| SyncError::Protocol { request: format!("PATCH {path}"), message: format!("cannot encode the request: {e}") })?;
        // A PATCH sets values: sending it twice leaves the same result.
        self.exchange(Method::PATCH, path, Some(bytes), Replay::Safe)
    }

    pub(crate) fn put<T: DeserializeOwned>(&self, path: &str, body: &impl serde::Serialize) -> Result<T, SyncError> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| SyncError::Protocol { request: format!("PUT {path}"), message: format!("cannot encode the request: {e}") })?;
        // A PUT sets the whole value: sending it twice leaves the same result.
        self.exchange(Method::PUT, path, Some(bytes), Replay::Safe)
    }

    pub(crate) fn delete<T: DeserializeOwned>(&self, path: &str) -> Result<T, SyncError> {
        // Deleting twice leaves the same result (the second is told it is gone).
        self.exchange(Method::DELETE, path, None, Replay::Safe)
    }

    /// A `GET` whose successful answer is text, not JSON (an audit export).
    pub(crate) fn get_text(&self, path: &str) -> Result<String, SyncError> {
        self.exchange_text(Method::GET, path, None, Replay::Safe).map(|(_, text)| text)
    }

    /// Sends one request, retrying as the policy and `replay` allow, and
    /// decodes a successful answer as `T`.
    fn exchange<T: DeserializeOwned>(&self, method: Method, path: &str, body: Option<Vec<u8>>, replay: Replay) -> Result<T, SyncError> {
        let request = format!("{method} {}", path.split('?').next().unwrap_or(path));
        let (status, text) = self.exchange_text(method, path, body, replay)?;
        serde_json::from_str(&text)
            .map_err(|e| SyncError::Protocol { request, message: format!("the {} answer does not decode: {e}", status.as_u16()) })
    }

    /// A `GET` whose successful answer is bytes (an update package).
    pub(crate) fn get_bytes(&self, path: &str) -> Result<Vec<u8>, SyncError> {
        self.exchange_bytes(Method::GET, path, None, Replay::Safe).map(|(_, bytes)| bytes)
    }

    /// Sends one request, retrying as the policy and `replay` allow, and
    /// returns a successful answer's status and body.
    fn exchange_text(&self, method: Method, path: &str, body: Option<Vec<u8>>, replay: Replay) -> Result<(StatusCode, String), SyncError> {
        let (status, bytes) = self.exchange_bytes(method, path, body, replay)?;
        Ok((status, String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())))
    }

    /// [`Server::exchange_text`], the body as bytes.
    fn exchange_bytes(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        replay: Replay,
    ) -> Result<(StatusCode, Vec<u8>), SyncError> {
        let url = format!("{}{path}", self.base);
        let request = format!("{method} {}", path.split('?').next().unwrap_or(path));
        // The request's span; its trace context goes to the server.
        let _span = tracing::info_span!("http.request", request = %request).entered();
        let mut trace = HeaderMap::new();
        uw_telemetry::inject(&mut trace);
        let max_attempts = self.retry.max_attempts.max(1);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let last = attempt >= max_attempts;
            let mut builder = self
                .client
                .request(method.clone(), &url)
                .header(VERSION_HEADER, PROTOCOL_VERSION.to_string())
                .header(uw_protocol::DESKTOP_VERSION_HEADER, self.app_version.as_str())
                .header(ACCEPT, "application/json")
                .headers(trace.clone());
            if let Some(token) = &self.token {
                // `bearer_auth` marks the header sensitive, so reqwest never prints it.
                builder = builder.bearer_auth(token.expose());
            }
            if let Some(bytes) = &body {
                builder = builder.header(CONTENT_TYPE, "application/json").body(bytes.clone());
            }
            let answer = builder.send().and_then(|response| {
                let status = response.status();
                let retry_after = retry_after(response.headers());
                response.bytes().map(|bytes| (status, retry_after, bytes.to_vec()))
            });
            let (status, retry_after, bytes) = match answer {
                Ok(answer) => answer,
                Err(e) => {
                    let text = chain(&e);
                    if certificate_refused(&text) {
                        return Err(SyncError::UntrustedServer { url: self.base.clone(), message: text });
                    }
                    if !last && (replay == Replay::Safe || e.is_connect()) {
                        self.pause(&request, attempt, None, "no answer");
                        continue;
                    }
                    return Err(SyncError::Unreachable { url: self.base.clone(), attempts: attempt, message: chain(&e) });
                }
            };
            if status.is_success() {
                return Ok((status, bytes));
            }
            let ErrorBody { code, message } = error_body(status, &String::from_utf8_lossy(&bytes));
            match status {
                StatusCode::TOO_MANY_REQUESTS => {
                    let waits = retry_after.is_none_or(|wait| wait <= self.retry.max_retry_after);
                    if !last && waits {
                        self.pause(&request, attempt, retry_after, "429");
                        continue;
                    }
                    return Err(SyncError::RateLimited { code, message, retry_after });
                }
                s if s.is_server_error() => {
                    let unprocessed = matches!(s, StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE | StatusCode::GATEWAY_TIMEOUT);
                    if !last && (replay == Replay::Safe || unprocessed) {
                        self.pause(&request, attempt, None, s.as_str());
                        continue;
                    }
                    return Err(SyncError::Server { status: s.as_u16(), code, message, attempts: attempt });
                }
                StatusCode::UNAUTHORIZED if code == uw_protocol::codes::DEVICE_REVOKED => return Err(SyncError::DeviceRevoked { message }),
                StatusCode::UNAUTHORIZED => return Err(SyncError::Unauthorized { code, message }),
                StatusCode::UPGRADE_REQUIRED if code == uw_protocol::codes::DESKTOP_TOO_OLD => {
                    return Err(SyncError::DesktopTooOld { running: self.app_version.clone(), minimum: None });
                }
                StatusCode::UPGRADE_REQUIRED => return Err(SyncError::UpgradeRequired { code, message }),
                s if s.is_client_error() => return Err(SyncError::Refused { status: s.as_u16(), code, message }),
                s => {
                    return Err(SyncError::Protocol { request, message: format!("unexpected status {s}: {code}: {message}") });
                }
            }
        }
    }

    /// Waits before the next attempt: `retry_after` if the server said, else
    /// the policy's backoff.
    fn pause(&self, request: &str, attempt: u32, retry_after: Option<Duration>, why: &str) {
        let delay = retry_after.unwrap_or_else(|| self.retry.backoff(attempt - 1, getrandom::u64().unwrap_or(u64::MAX / 2)));
        tracing::warn!(
            request,
            attempt,
            why,
            delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
            "sync request failed; retrying"
        );
        std::thread::sleep(delay);
    }
}

/// `Retry-After` in seconds. The HTTP-date form is not read; the backoff applies instead.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers.get(RETRY_AFTER)?.to_str().ok()?.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// The server's `{code, message}`, or a stand-in for a body that is not one
/// (a proxy's error page).
fn error_body(status: StatusCode, text: &str) -> ErrorBody {
    serde_json::from_str(text).unwrap_or_else(|_| {
        let excerpt: String = text.chars().take(200).collect();
        ErrorBody {
            code: format!("http.{}", status.as_u16()),
            message: if excerpt.trim().is_empty() { status.to_string() } else { excerpt.trim().to_owned() },
        }
    })
}

/// An error and its causes, one after the other.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Whether a transport error is OpenSSL refusing the server's certificate.
fn certificate_refused(text: &str) -> bool {
    ["certificate verify failed", "certificate has expired", "hostname mismatch", "self-signed certificate", "unable to get local issuer"]
        .iter()
        .any(|needle| text.contains(needle))
}
