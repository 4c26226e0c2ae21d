/*!
A real OpenID Connect provider for the tests: the npm package `oidc-provider`
(`tests/oidc-provider/`, installed by the test command) over HTTPS with a
certificate of the test's CA, with test users, and control endpoints that
disable a user, rotate the signing key and tamper with the next ID token.
And a browser for it: follows redirects by hand, keeps cookies, fills in
the sign-in form, and stops at the loopback redirect a native app listens on.
*/

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};
use sha2::Digest as _;

use crate::tls::TestCa;

/// The password of every provider user.
pub const PASSWORD: &str = "correct horse battery staple";

/// The provider's directory in the repository.
pub fn provider_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("oidc-provider")
}

/// A running provider; stopped when dropped.
#[derive(Debug)]
pub struct OidcProvider {
    pub issuer: String,
    /// The CA that issued its certificate (PEM), for the server to trust.
    pub ca_pem: String,
    child: Child,
    _stdin: ChildStdin,
    http: reqwest::Client,
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A client of the provider (the server is one), and a user: username,
/// e-mail and groups (the id is `u-<username>`).
pub fn config(clients: &[&str], users: &[(&str, &str, &[&str])]) -> Value {
    json!({
        "clients": clients.iter().map(|c| json!({ "client_id": c })).collect::<Vec<_>>(),
        "users": users.iter().map(|(name, email, groups)| json!({
            "id": format!("u-{name}"), "username": name, "password": PASSWORD, "email": email,
            "name": name, "groups": groups,
        })).collect::<Vec<_>>(),
    })
}

impl OidcProvider {
    /// Starts the provider with `config` (see [`config`]) under `dir`.
    pub fn start(dir: &Path, config: &Value) -> Self {
        let root = provider_dir();
        assert!(
            root.join("node_modules/oidc-provider").is_dir(),
            "the test OpenID provider is not installed: run the README's test command (it runs `npm ci` in {})",
            root.display()
        );
        let ca = TestCa::new("uw-test-identity-provider-ca");
        let certificate = ca.issue_server(dir, "oidc-provider");
        let config_path = dir.join("oidc-provider.json");
        std::fs::write(&config_path, config.to_string()).expect("write the provider's configuration");
        // Node.js 20 or newer: the test command names it (`UW_TEST_NODE`).
        let node = std::env::var_os("UW_TEST_NODE").unwrap_or_else(|| "node".into());
        let mut child = Command::new(node)
            .arg(root.join("provider.mjs"))
            .arg("--config")
            .arg(&config_path)
            .arg("--cert")
            .arg(&certificate.certificate_chain)
            .arg("--key")
            .arg(&certificate.private_key)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start node (Node.js is installed by the test command)");
        let stdin = child.stdin.take().expect("stdin");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("the provider's first line");
        let ready: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("the provider did not start ({e}): {line:?}"));
        let issuer = ready["issuer"].as_str().expect("issuer").to_owned();
        let ca_pem = ca.pem();
        let http = reqwest::Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(ca_pem.as_bytes()).expect("CA"))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self { issuer, ca_pem, child, _stdin: stdin, http }
    }

    async fn control(&self, path: &str, body: &Value) -> Value {
        let response = self.http.post(format!("{}/__test/{path}", self.issuer)).json(body).send().await.expect("provider control");
        assert!(response.status().is_success(), "provider control {path}: {}", response.status());
        response.json().await.expect("json")
    }

    /// The provider stops honouring `username` (sign-in and refresh tokens).
    pub async fn disable(&self, username: &str) {
        self.control(&format!("users/{username}/disable"), &json!({})).await;
    }

    /// A new signing key signs from now on; returns its `kid`.
    pub async fn rotate(&self) -> String {
        self.control("rotate", &json!({})).await["kid"].as_str().expect("kid").to_owned()
    }

    /// The next token response's ID token is replaced (`audience`,
    /// `expired`, `issuer`, `foreign-key`, `replay`).
    pub async fn tamper(&self, mode: &str) {
        self.control("tamper", &json!({ "mode": mode })).await;
    }

    /// A browser that trusts this provider's certificate.
    pub fn browser(&self) -> Browser {
        Browser::trusting(&self.ca_pem)
    }
}

/// A PKCE verifier and its S256 challenge (RFC 7636).
pub fn pkce() -> (String, String) {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("random");
    let verifier = URL_SAFE_NO_PAD.encode(bytes);
    let challenge = URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// The query parameters of a URL, decoded.
pub fn query(url: &str) -> BTreeMap<String, String> {
    reqwest::Url::parse(url).map(|u| u.query_pairs().into_owned().collect()).unwrap_or_default()
}

/// A person's browser: redirects followed by hand, cookies kept by name.
#[derive(Debug)]
pub struct Browser {
    http: reqwest::Client,
    cookies: BTreeMap<String, String>,
}

impl Browser {
    /// A browser that trusts the CA `ca_pem` (and follows no redirect by itself).
    pub fn trusting(ca_pem: &str) -> Self {
        let http = reqwest::Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(ca_pem.as_bytes()).expect("CA"))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        Self { http, cookies: BTreeMap::new() }
    }

    async fn request(&mut self, method: reqwest::Method, url: &str, form: Option<String>) -> (u16, Option<String>, String) {
        let cookie = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
        let mut request = self.http.request(method, url);
        if !cookie.is_empty() {
            request = request.header("cookie", cookie);
        }
        if let Some(form) = form {
            request = request.header("content-type", "application/x-www-form-urlencoded").body(form);
        }
        let response = request.send().await.unwrap_or_else(|e| panic!("{url}: {e}"));
        for set in response.headers().get_all("set-cookie") {
            let set = set.to_str().expect("ascii cookie");
            let pair = set.split(';').next().unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() || set.to_ascii_lowercase().contains("expires=thu, 01 jan 1970") {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.to_owned(), value.to_owned());
                }
            }
        }
        let status = response.status().as_u16();
        let location = response.headers().get("location").map(|l| l.to_str().expect("ascii location").to_owned());
        (status, location, response.text().await.unwrap_or_default())
    }

    /// Signs `username` in at `authorization_url` and returns where the
    /// provider finally redirects (the app's loopback address with the
    /// code), or `Err` with the page it stopped at.
    pub async fn sign_in(&mut self, authorization_url: &str, username: &str) -> Result<String, String> {
        let origin: String = authorization_url.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
        let absolute = |location: &str| if location.starts_with('/') { format!("{origin}{location}") } else { location.to_owned() };
        let mut url = authorization_url.to_owned();
        let mut form_sent = false;
        for _ in 0..10 {
            if url.starts_with("http://127.0.0.1:") || url.starts_with("http://[::1]:") {
                return Ok(url);
            }
            let (status, location, body) = self.request(reqwest::Method::GET, &url, None).await;
            if let Some(location) = location {
                url = absolute(&location);
                continue;
            }
            if status != 200 || form_sent {
                return Err(format!("{status}: {body}"));
            }
            let action = body.split("action=\"").nth(1).and_then(|rest| rest.split('"').next()).ok_or(format!("no form: {body}"))?;
            let form = format!("username={username}&password={}", PASSWORD.replace(' ', "+"));
            let (status, location, body) = self.request(reqwest::Method::POST, &absolute(action), Some(form)).await;
            form_sent = true;
            match location {
                Some(location) => url = absolute(&location),
                None => return Err(format!("{status}: {body}")),
            }
        }
        Err("too many redirects".into())
    }
}
