/*!
A thin client of the sync server's HTTP API for the system tests and the load
tool: JSON requests with the protocol version header, and a device that signs
its operations the way the desktop does (the signed message comes from
`uw-protocol`, the one definition both sides use).
*/

use std::path::PathBuf;

use ed25519_dalek::{Signer as _, SigningKey};
use reqwest::StatusCode;
use serde_json::{json, Value};
use uw_rating::{LoadMode, Quote, RatePack, TrustedKeys};

use crate::workspace_root;

/// A JSON client of one server, with an optional bearer token.
#[derive(Debug, Clone)]
pub struct ApiClient {
    pub base: String,
    pub http: reqwest::Client,
    pub token: Option<String>,
}

impl ApiClient {
    pub fn new(base: &str, token: Option<&str>) -> Self {
        Self { base: base.to_owned(), http: reqwest::Client::new(), token: token.map(str::to_owned) }
    }

    /// The same server and connection pool with another token.
    pub fn with_token(&self, token: Option<&str>) -> Self {
        Self { base: self.base.clone(), http: self.http.clone(), token: token.map(str::to_owned) }
    }

    /// Sends a request; the body is JSON when it parses, else a JSON string.
    /// Panics when the server cannot be reached (use [`ApiClient::try_send`]
    /// where that is expected).
    pub async fn send(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> (StatusCode, Value) {
        self.try_send(method.clone(), path, body).await.unwrap_or_else(|e| panic!("{method} {path}: {e}"))
    }

    /// Sends a request, or says why no answer came.
    pub async fn try_send(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> Result<(StatusCode, Value), String> {
        let mut request = self.http.request(method, format!("{}{path}", self.base)).header(uw_protocol::VERSION_HEADER, "1");
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.map_err(|e| e.to_string())?;
        let status = response.status();
        let text = response.text().await.map_err(|e| e.to_string())?;
        Ok((status, serde_json::from_str(&text).unwrap_or(Value::String(text))))
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    /// Logs in and returns a client holding the session token.
    pub async fn login(&self, username: &str, password: &str) -> Self {
        let (status, body) = self.with_token(None).post("/v1/sessions", &json!({ "username": username, "password": password })).await;
        assert_eq!(status, StatusCode::OK, "login as {username}: {body}");
        self.with_token(body["token"].as_str())
    }
}

/// A fresh random Ed25519 key.
pub fn random_key() -> SigningKey {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).expect("random");
    SigningKey::from_bytes(&seed)
}

/// The body of `POST /v1/enroll` for `key`, with the key's proof of possession.
pub fn enroll_body(username: &str, password: &str, key: &SigningKey) -> Value {
    let public = hex::encode(key.verifying_key().as_bytes());
    let proof = hex::encode(key.sign(uw_protocol::enroll_proof_message(username, &public).as_bytes()).to_bytes());
    json!({ "username": username, "password": password, "device_name": format!("{username}-laptop"),
            "device_public_key": public, "key_proof": proof })
}

/// The device's answer to a renewal `challenge` (`POST /v1/devices/{id}/challenge`),
/// signed by `key` for `device_id`: the body of `POST /v1/devices/{id}/token`.
pub fn renewal(server_instance: &str, device_id: &str, challenge: &Value, key: &SigningKey) -> Value {
    let (text, expires) = (challenge["challenge"].as_str().expect("challenge"), challenge["expires_at"].as_str().expect("expiry"));
    let message = uw_protocol::token_renewal_message(server_instance, device_id, text, expires);
    json!({ "challenge": text, "signature": hex::encode(key.sign(message.as_bytes()).to_bytes()) })
}

/// An enrolled desktop: its key, token, next sequence number and quote numbers.
#[derive(Debug)]
pub struct Device {
    pub key: SigningKey,
    pub client: ApiClient,
    pub device_id: String,
    pub next_seq: u64,
    /// The year its quote numbers carry (the test machine's clock).
    pub year: i32,
    /// The device's number, which its quote numbers carry.
    pub device_number: u32,
    pub next_quote: u32,
}

impl Device {
    /// Enrolls a new device key as `username`; returns the device and the
    /// server's answer.
    pub async fn enroll(server: &ApiClient, username: &str, password: &str) -> Result<(Self, Value), (StatusCode, Value)> {
        let key = random_key();
        let body = enroll_body(username, password, &key);
        let (status, answer) = server.with_token(None).post("/v1/enroll", &body).await;
        if status != StatusCode::OK {
            return Err((status, answer));
        }
        Ok((Self::enrolled(server, key, &answer), answer))
    }

    /// The device an enrollment answer (`EnrollResponse`) made of `key`.
    pub fn enrolled(server: &ApiClient, key: SigningKey, answer: &Value) -> Self {
        let device_number = answer["device_number"].as_u64().and_then(|n| u32::try_from(n).ok()).filter(|n| *n > 0);
        Self {
            key,
            client: server.with_token(answer["token"].as_str()),
            device_id: answer["device_id"].as_str().expect("device_id").to_owned(),
            next_seq: 1,
            year: time::OffsetDateTime::now_utc().year(),
            device_number: device_number.unwrap_or_else(|| panic!("device_number: {answer}")),
            next_quote: 1,
        }
    }

    /// The next operation, signed, with a fresh sequence number and op id.
    pub fn op(&mut self, kind: &str, payload: &Value) -> Value {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.signed(seq, &format!("{:032x}", u128::from(seq) | (u128::from(self.device_number) << 64)), kind, &payload.to_string())
    }

    /// An operation signed with this device's key, exactly as given.
    pub fn signed(&self, seq: u64, op_id: &str, kind: &str, payload: &str) -> Value {
        let signature = hex::encode(self.key.sign(uw_protocol::signed_message(seq, op_id, kind, payload).as_bytes()).to_bytes());
        json!({ "seq": seq, "op_id": op_id, "kind": kind, "payload": payload, "created_at": "2026-11-24T09:30:00.000Z", "signature": signature })
    }

    /// Pushes `ops`; panics unless the server answers 200.
    pub async fn push(&self, ops: &[Value]) -> Vec<Value> {
        let (status, body) = self.client.post("/v1/sync/push", &json!({ "operations": ops })).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["results"].as_array().expect("results").clone()
    }

    pub async fn push_op(&mut self, kind: &str, payload: &Value) -> Vec<Value> {
        let op = self.op(kind, payload);
        self.push(&[op]).await
    }

    /// The next quote number of this device's own series.
    pub fn quote_number(&mut self) -> String {
        let n = uw_policy::QuoteNumber::for_device(self.year, self.device_number, self.next_quote).expect("a quote number");
        self.next_quote += 1;
        n.to_string()
    }
}

/// The bundled Texas personal auto pack, verified with the development key.
pub fn tx_auto_pack() -> RatePack {
    RatePack::load_dir(&workspace_root().join("rate-packs/tx-personal-auto"), LoadMode::Verified(&TrustedKeys::development()))
        .expect("pack")
}

/// A Texas personal auto example input from `rate-packs/examples`, taking
/// effect tomorrow (by the UTC calendar the server keeps): a bind may not
/// start cover before the server's today, and a test that crosses midnight
/// must not find its quote backdated.
pub fn tx_auto_example(name: &str) -> Value {
    let path: PathBuf = workspace_root().join("rate-packs/examples/tx-personal-auto").join(name);
    let mut quote: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("example")).expect("json");
    quote["effective_date"] = json!(next_effective_date().to_string());
    quote
}

/// Tomorrow by the UTC calendar: an effective date a bind accepts today.
pub fn next_effective_date() -> time::Date {
    time::OffsetDateTime::now_utc().date().next_day().expect("a date after today")
}

/// A `quote.rated` payload as the desktop writes it, with the desktop's own rating.
pub fn rated_payload(pack: &RatePack, quote_number: &str, version: u32, quote: &Value) -> Value {
    let valid = Quote::from_json(&quote.to_string()).and_then(Quote::validate).expect("valid quote");
    let rating = uw_rating::rate(pack, &valid).expect("rates");
    let decision = format!("{:?}", rating.decision.action).to_lowercase();
    let status = match decision.as_str() {
        "accept" => "rated",
        "refer" => "referred",
        _ => "declined",
    };
    json!({
        "quote_number": quote_number, "version": version, "status": status,
        "input": { "quote": quote, "contact": { "email": "someone@example.com" }, "licenses": [] },
        "pack_id": rating.pack_id, "pack_digest": rating.pack_digest, "total": rating.total.to_string(),
        "decision": decision, "reasons": rating.decision.reasons.iter().map(|r| r.code.to_string()).collect::<Vec<_>>(),
        "rated_at": "2026-11-24T09:30:00Z",
    })
}

/// The `quote.bind_requested` payload for a rated quote.
pub fn bind_payload(rated: &Value) -> Value {
    json!({ "quote_number": rated["quote_number"], "version": rated["version"], "input": rated["input"],
            "pack_id": rated["pack_id"], "pack_digest": rated["pack_digest"], "total": rated["total"],
            "requested_at": "2026-11-24T09:31:00Z" })
}

/// A revision of the bundled Texas auto pack, unsigned: `version`, the BI
/// base rate `bi_base`, and the new-business and renewal effective dates.
pub fn tx_draft_effective(version: &str, bi_base: &str, new_business: &str, renewal: &str) -> uw_rating::PackFiles {
    let base = uw_rating::PackFiles::read_dir(&workspace_root().join("rate-packs/tx-personal-auto")).expect("reads");
    let mut edits = uw_rating::pack::edit::DraftEdits::default();
    edits.fields.insert("version".into(), version.into());
    edits.fields.insert("coverages.BI.steps.0.value".into(), bi_base.into());
    edits.fields.insert("effective.new_business".into(), new_business.into());
    edits.fields.insert("effective.renewal".into(), renewal.into());
    edits.apply(&base).expect("applies")
}

/// The term premium the Texas auto pack gives `quote`, less the fees earned
/// when charged (the MVCPA fee, earned over the term, prorates with the
/// premium): what a policy transaction claims.
pub fn term_premium(quote: &Value) -> String {
    let valid = uw_rating::Quote::from_json(&quote.to_string()).and_then(uw_rating::Quote::validate).expect("valid quote");
    let rating = uw_rating::rate(&tx_auto_pack(), &valid).expect("rates");
    (rating.total - rating.fee_total()).to_string()
}

/// A policy transaction request, as a device prepares it.
pub fn policy_request(policy_number: &str, base_version: u32, transaction: Value, input: Option<&Value>) -> Value {
    json!({ "policy_number": policy_number, "base_version": base_version, "transaction": transaction, "input": input, "pack_digest": null })
}

/// The operation of `doc` that serves `method` on the concrete `path` (a
/// query string is ignored; `{name}` segments match any segment).
pub fn openapi_operation<'a>(doc: &'a Value, method: &str, path: &str) -> Option<(&'a str, &'a Value)> {
    let path = path.split('?').next().unwrap_or(path);
    let segments: Vec<&str> = path.split('/').collect();
    doc["paths"].as_object()?.iter().find_map(|(template, item)| {
        let parts: Vec<&str> = template.split('/').collect();
        let matches =
            parts.len() == segments.len() && parts.iter().zip(&segments).all(|(t, s)| t == s || (t.starts_with('{') && t.ends_with('}')));
        let operation = item.get(method.to_ascii_lowercase())?;
        matches.then_some((template.as_str(), operation))
    })
}

/// Checks with independent tools (openapi-spec-validator and jsonschema, in
/// the Python the README's test command installs, named by `UW_TEST_PYTHON`)
/// that `doc` is valid OpenAPI 3.1 and that each `(label, schema, instance)`
/// validates. Panics with every failure.
pub fn check_openapi(doc: &Value, samples: &[(String, Value, Value)]) {
    let python = std::env::var("UW_TEST_PYTHON")
        .expect("UW_TEST_PYTHON names a Python with openapi-spec-validator; run the README's test command, which installs it");
    let dir = tempfile::tempdir().expect("tempdir");
    let input = dir.path().join("openapi-check.json");
    let samples: Vec<Value> =
        samples.iter().map(|(label, schema, instance)| json!({ "label": label, "schema": schema, "instance": instance })).collect();
    std::fs::write(&input, json!({ "document": doc, "samples": samples }).to_string()).expect("write the input");
    let output = std::process::Command::new(python)
        .arg(workspace_root().join("tests/python/check_openapi.py"))
        .arg(&input)
        .output()
        .expect("run check_openapi.py");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "the OpenAPI check failed:\n{stdout}{}", String::from_utf8_lossy(&output.stderr));
}
