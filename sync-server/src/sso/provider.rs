//! Talking to an OpenID Connect provider over HTTPS: its discovery document
//! (OpenID Connect Discovery 1.0), its published keys, and its token
//! endpoint (the authorization-code grant with PKCE, and refreshes).
//!
//! Each provider's discovery document and keys are kept for an hour; a token
//! signed with a key the server has not seen makes it read the keys again
//! at once (the provider rotated them).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Deserialize;
use zeroize::Zeroizing;

use super::id_token::{self, JwkSet, TokenError};
use crate::error::ApiError;
use crate::second_factor::percent;

/// How long a discovery document and key set are believed.
const KEEP_FOR: Duration = Duration::from_secs(60 * 60);
/// How long the server waits for a provider.
const TIMEOUT: Duration = Duration::from_secs(10);

/// A provider's configuration, as stored.
#[derive(Clone)]
pub struct Config {
    pub id: String,
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<Zeroizing<String>>,
    pub ca_certificate: Option<String>,
}

// Tokens and secrets never reach a log: their Debug shows only what they are.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config").field("id", &self.id).field("issuer", &self.issuer).finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Tokens(redacted)")
    }
}

impl std::fmt::Debug for Refreshed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Active(_) => f.write_str("Active"),
            Self::Ended(error) => write!(f, "Ended({error})"),
        }
    }
}

impl Config {
    /// What, if changed, makes the cached documents stale.
    fn fingerprint(&self) -> String {
        format!("{}\n{}", self.issuer, self.ca_certificate.as_deref().unwrap_or_default())
    }
}

/// The discovery document's members this server uses.
#[derive(Debug, Clone, Deserialize)]
pub struct Discovery {
    pub issuer: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub jwks_uri: String,
}

/// A token endpoint's answer.
#[derive(Deserialize)]
pub struct Tokens {
    pub id_token: Option<String>,
    pub refresh_token: Option<String>,
}

#[derive(Deserialize)]
struct TokenRefusal {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

/// What the provider said of a refresh.
pub enum Refreshed {
    /// The person may still sign in; a new refresh token when it rotated them.
    Active(Option<String>),
    /// The provider refused the refresh token (`invalid_grant`): the person
    /// was disabled, removed or signed out everywhere.
    Ended(String),
}

/// One provider, reached.
#[derive(Debug)]
pub struct Remote {
    http: reqwest::Client,
    pub discovery: Discovery,
    keys: tokio::sync::RwLock<(JwkSet, Instant)>,
    fetched: Instant,
}

/// The providers reached so far, by id.
#[derive(Default)]
pub struct Remotes {
    cache: tokio::sync::Mutex<HashMap<String, (String, Arc<Remote>)>>,
    /// Held while refresh tokens are used: providers rotate them at each
    /// use and treat a second use of one as theft (ending the person's
    /// grant), so two checks must never send the same token.
    pub checking: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Remotes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Remotes")
    }
}

pub fn unreachable(provider: &str, detail: impl std::fmt::Display) -> ApiError {
    tracing::warn!(provider, error = %detail, "identity provider unreachable");
    ApiError::new(
        axum::http::StatusCode::BAD_GATEWAY,
        "sso.provider_unreachable",
        format!("the identity provider `{provider}` cannot be reached or gave an answer the server cannot read; try again later"),
    )
}

impl Remotes {
    /// The provider's documents, read now or within the last hour.
    pub async fn get(&self, config: &Config) -> Result<Arc<Remote>, ApiError> {
        if let Some((fingerprint, remote)) = self.cache.lock().await.get(&config.id) {
            if *fingerprint == config.fingerprint() && remote.fetched.elapsed() < KEEP_FOR {
                return Ok(remote.clone());
            }
        }
        // Reached without the lock held: a slow provider delays only its own sign-ins.
        let remote = Arc::new(Remote::reach(config).await?);
        self.cache.lock().await.insert(config.id.clone(), (config.fingerprint(), remote.clone()));
        Ok(remote)
    }

    /// Forgets a provider (its configuration changed or it was removed).
    pub async fn forget(&self, id: &str) {
        self.cache.lock().await.remove(id);
    }
}

/// Endpoints must be HTTPS: codes, tokens and keys never cross in clear.
fn https(provider: &str, what: &str, url: &str) -> Result<(), ApiError> {
    if url.starts_with("https://") {
        Ok(())
    } else {
        Err(unreachable(provider, format!("its {what} `{url}` is not an https:// address")))
    }
}

impl Remote {
    async fn reach(config: &Config) -> Result<Self, ApiError> {
        let mut builder = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("uw-sync-server/", env!("CARGO_PKG_VERSION")));
        if let Some(pem) = &config.ca_certificate {
            let certificate = reqwest::Certificate::from_pem(pem.as_bytes()).map_err(|e| unreachable(&config.id, e))?;
            builder = builder.add_root_certificate(certificate);
        }
        let http = builder.build().map_err(|e| unreachable(&config.id, e))?;
        let url = format!("{}/.well-known/openid-configuration", config.issuer.trim_end_matches('/'));
        let discovery: Discovery = get_json(&http, &config.id, &url).await?;
        // OpenID Connect Discovery §4.3: the document must name the issuer
        // it was read from, or an impostor's endpoints would be believed.
        if discovery.issuer != config.issuer {
            return Err(unreachable(&config.id, format!("its discovery document names the issuer `{}`", discovery.issuer)));
        }
        https(&config.id, "authorization endpoint", &discovery.authorization_endpoint)?;
        https(&config.id, "token endpoint", &discovery.token_endpoint)?;
        https(&config.id, "key set", &discovery.jwks_uri)?;
        let keys: JwkSet = get_json(&http, &config.id, &discovery.jwks_uri).await?;
        Ok(Self { http, discovery, keys: tokio::sync::RwLock::new((keys, Instant::now())), fetched: Instant::now() })
    }

    /// Checks an ID token's signature against the published keys, reading
    /// them again once when the token names a key not seen yet.
    pub async fn verify(&self, provider: &str, token: &str) -> Result<serde_json::Map<String, serde_json::Value>, TokenError> {
        let read_at = {
            let keys = self.keys.read().await;
            match id_token::parse(token)?.verify(&keys.0) {
                Err(TokenError::UnknownKey(_)) => keys.1,
                other => return other,
            }
        };
        let mut keys = self.keys.write().await;
        // Another request may have read them meanwhile.
        if keys.1 == read_at {
            match get_json::<JwkSet>(&self.http, provider, &self.discovery.jwks_uri).await {
                Ok(fresh) => *keys = (fresh, Instant::now()),
                Err(e) => tracing::warn!(provider, error = %e.message, "cannot read the provider's keys again"),
            }
        }
        id_token::parse(token)?.verify(&keys.0)
    }

    async fn token_request(&self, config: &Config, form: &[(&str, &str)]) -> Result<Result<Tokens, TokenRefusal>, ApiError> {
        let mut request = self.http.post(&self.discovery.token_endpoint).header("accept", "application/json");
        let mut form: Vec<(&str, &str)> = form.to_vec();
        // A confidential client authenticates with HTTP Basic (RFC 6749
        // §2.3.1, `client_secret_basic`); a public one names itself.
        match &config.client_secret {
            Some(secret) => {
                request = request.basic_auth(percent(&config.client_id), Some(percent(secret)));
            }
            None => form.push(("client_id", &config.client_id)),
        }
        let body = form.iter().map(|(k, v)| format!("{k}={}", percent(v))).collect::<Vec<_>>().join("&");
        let response = request
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .map_err(|e| unreachable(&config.id, e))?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(|e| unreachable(&config.id, e))?;
        if status.is_success() {
            return serde_json::from_slice(&bytes).map(Ok).map_err(|e| unreachable(&config.id, e));
        }
        match serde_json::from_slice::<TokenRefusal>(&bytes) {
            Ok(refusal) if status.is_client_error() => Ok(Err(refusal)),
            _ => Err(unreachable(&config.id, format!("its token endpoint answered {status}"))),
        }
    }

    /// Exchanges an authorization code (with its PKCE verifier).
    pub async fn exchange_code(&self, config: &Config, code: &str, verifier: &str, redirect_uri: &str) -> Result<Tokens, ApiError> {
        let form = [("grant_type", "authorization_code"), ("code", code), ("code_verifier", verifier), ("redirect_uri", redirect_uri)];
        self.token_request(config, &form).await?.map_err(|refusal| {
            tracing::warn!(provider = config.id, error = refusal.error, "the identity provider refused a code");
            ApiError::unauthorized(
                "sso.code_refused",
                format!(
                    "the identity provider refused the sign-in ({}); start the sign-in again",
                    refusal.error_description.unwrap_or(refusal.error)
                ),
            )
        })
    }

    /// Asks whether the person of `refresh_token` may still sign in.
    pub async fn refresh(&self, config: &Config, refresh_token: &str) -> Result<Refreshed, ApiError> {
        let form = [("grant_type", "refresh_token"), ("refresh_token", refresh_token)];
        match self.token_request(config, &form).await? {
            Ok(tokens) => Ok(Refreshed::Active(tokens.refresh_token)),
            Err(refusal) if refusal.error == "invalid_grant" => Ok(Refreshed::Ended(refusal.error)),
            Err(refusal) => Err(unreachable(&config.id, format!("its token endpoint refused a refresh: {}", refusal.error))),
        }
    }
}

async fn get_json<T: serde::de::DeserializeOwned>(http: &reqwest::Client, provider: &str, url: &str) -> Result<T, ApiError> {
    let response = http.get(url).header("accept", "application/json").send().await.map_err(|e| unreachable(provider, e))?;
    if !response.status().is_success() {
        return Err(unreachable(provider, format!("{url} answered {}", response.status())));
    }
    response.json().await.map_err(|e| unreachable(provider, format!("{url}: {e}")))
}
