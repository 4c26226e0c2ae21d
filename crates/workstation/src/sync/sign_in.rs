//! Signing in through the organisation's identity provider the way a native
//! app does (RFC 8252): a PKCE verifier (RFC 7636), the system browser, and
//! a one-time listener on a loopback port for the provider's redirect.
//! The server exchanges the code (with the verifier) and checks the ID
//! token; the app never sees a token of the provider's.

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use sha2::Digest as _;
use uw_protocol::Secret;

use crate::WorkstationError;

/// How long the person has to sign in at the provider.
pub const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(5 * 60);

/// What the browser shows once the provider sent the person back.
const DONE_PAGE: &str = "<!doctype html><meta charset=utf-8><title>Signed in</title>\
<p style=\"font:16px system-ui;margin:3em\">You are signed in. Close this window and go back to the Underwriting Workstation.</p>";

fn stopped(message: impl Into<String>) -> WorkstationError {
    WorkstationError::SignInStopped { message: message.into() }
}

/// A PKCE verifier (256 random bits) and its S256 challenge.
pub fn pkce() -> Result<(Secret, String), WorkstationError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| stopped(format!("the random source failed: {e}")))?;
    let verifier = URL_SAFE_NO_PAD.encode(bytes);
    let challenge = URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.as_bytes()));
    Ok((Secret::new(verifier), challenge))
}

/// A sign-in through the organisation's identity provider, started: the
/// provider's page to open, and the loopback port the person comes back to.
/// Waiting ([`Self::wait`]) holds no lock on the workstation.
#[derive(Debug)]
pub struct PendingSignIn {
    pub authorization_url: String,
    server: super::client::Server,
    server_url: String,
    loopback: Loopback,
    state: String,
    verifier: Secret,
}

/// A sign-in the provider sent back: the server finishes it with the code
/// and the PKCE verifier.
#[derive(Debug)]
pub struct ReturnedSignIn {
    pub(crate) server: super::client::Server,
    pub(crate) server_url: String,
    pub(crate) state: String,
    pub(crate) code: Secret,
    pub(crate) verifier: Secret,
}

impl PendingSignIn {
    /// Starts a sign-in through `provider` at `server`.
    pub(crate) fn start(server: super::client::Server, server_url: String, provider: &str) -> Result<Self, WorkstationError> {
        let loopback = Loopback::bind()?;
        let (verifier, code_challenge) = pkce()?;
        let begin = uw_protocol::SsoBegin { provider: provider.to_owned(), redirect_uri: loopback.redirect_uri.clone(), code_challenge };
        let started: uw_protocol::SsoAuthorization =
            server.post("/v1/sso/authorizations", &begin, super::client::Replay::OnlyIfUnprocessed)?;
        Ok(Self { authorization_url: started.authorization_url, server, server_url, loopback, state: started.state, verifier })
    }

    /// Waits (up to `timeout`) for the person to come back from the provider.
    pub fn wait(self, timeout: Duration) -> Result<ReturnedSignIn, WorkstationError> {
        self.wait_or_cancel(timeout, &AtomicBool::new(false))
    }

    /// [`Self::wait`], given up as soon as `cancel` turns true (the person
    /// closed the browser, or chose a password instead).
    pub fn wait_or_cancel(self, timeout: Duration, cancel: &AtomicBool) -> Result<ReturnedSignIn, WorkstationError> {
        let code = self.loopback.wait_for_code_or_cancel(&self.state, timeout, cancel)?;
        Ok(ReturnedSignIn { server: self.server, server_url: self.server_url, state: self.state, code, verifier: self.verifier })
    }
}

/// A listener on 127.0.0.1 at a port the system chose.
#[derive(Debug)]
pub struct Loopback {
    listener: TcpListener,
    pub redirect_uri: String,
}

impl Loopback {
    pub fn bind() -> Result<Self, WorkstationError> {
        let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| stopped(format!("cannot listen on a loopback port: {e}")))?;
        let port = listener.local_addr().map_err(|e| stopped(e.to_string()))?.port();
        listener.set_nonblocking(true).map_err(|e| stopped(e.to_string()))?;
        Ok(Self { listener, redirect_uri: format!("http://127.0.0.1:{port}/callback") })
    }

    /// Waits for the provider's redirect carrying `state` and returns its
    /// code. Requests for anything else (a favicon, a stranger's guess
    /// without the state) are answered 404 and do not end the wait.
    pub fn wait_for_code(&self, state: &str, timeout: Duration) -> Result<Secret, WorkstationError> {
        self.wait_for_code_or_cancel(state, timeout, &AtomicBool::new(false))
    }

    /// [`Self::wait_for_code`], given up as soon as `cancel` turns true.
    pub fn wait_for_code_or_cancel(&self, state: &str, timeout: Duration, cancel: &AtomicBool) -> Result<Secret, WorkstationError> {
        let deadline = Instant::now() + timeout;
        loop {
            if cancel.load(Ordering::SeqCst) {
                return Err(stopped("the sign-in was cancelled"));
            }
            match self.listener.accept() {
                Ok((stream, _)) => {
                    if let Some(answer) = answer(stream, state) {
                        return answer;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    if Instant::now() >= deadline {
                        return Err(stopped("nobody finished signing in at the provider in time"));
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(e) => return Err(stopped(format!("the loopback listener failed: {e}"))),
            }
        }
    }
}

/// Reads one request; `Some` when it is the redirect for `state`.
fn answer(mut stream: TcpStream, state: &str) -> Option<Result<Secret, WorkstationError>> {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut buffer = [0u8; 8192];
    let mut read = 0;
    while read < buffer.len() {
        match stream.read(&mut buffer[read..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => read += n,
        }
        if buffer[..read].windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    let request = String::from_utf8_lossy(&buffer[..read]);
    let target = request.lines().next().and_then(|line| line.strip_prefix("GET ")).and_then(|rest| rest.split(' ').next());
    let params: Vec<(String, String)> = target
        .filter(|t| t.starts_with("/callback?"))
        .and_then(|t| reqwest::Url::parse(&format!("http://127.0.0.1{t}")).ok())
        .map(|url| url.query_pairs().into_owned().collect())
        .unwrap_or_default();
    let param = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let ours = param("state").is_some_and(|given| given.len() == state.len() && constant_time_eq(given, state));
    if !ours {
        let _ = stream.write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        return None;
    }
    let page = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n{DONE_PAGE}",
        DONE_PAGE.len()
    );
    let _ = stream.write_all(page.as_bytes());
    Some(match (param("code"), param("error")) {
        (Some(code), None) if !code.is_empty() => Ok(Secret::new(code.to_owned())),
        (_, Some(error)) => Err(stopped(format!(
            "the identity provider said {error}{}",
            param("error_description").map(|d| format!(": {d}")).unwrap_or_default()
        ))),
        _ => Err(stopped("the identity provider sent no code")),
    })
}

fn constant_time_eq(a: &str, b: &str) -> bool {
    a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Opens `url` in the person's browser: the command named by `$BROWSER`
/// when it is set (the convention `git`, Python and `xdg-open` follow;
/// the first of a `:`-separated list, `%s` replaced by the address or the
/// address appended), else the system's default browser.
pub fn open_in_browser(url: &str) -> Result<(), WorkstationError> {
    let chosen = std::env::var("BROWSER").ok().and_then(|list| list.split(':').map(str::trim).find(|c| !c.is_empty()).map(str::to_owned));
    let mut command = match chosen {
        Some(browser) => {
            let mut words = browser.split_whitespace();
            let mut command = std::process::Command::new(words.next().unwrap_or_default());
            let mut placed = false;
            for word in words {
                placed |= word.contains("%s");
                command.arg(word.replace("%s", url));
            }
            if !placed {
                command.arg(url);
            }
            command
        }
        None => default_browser(url),
    };
    command
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map(drop)
        .map_err(|e| stopped(format!("cannot open the web browser: {e}")))
}

fn default_browser(url: &str) -> std::process::Command {
    #[cfg(target_os = "macos")]
    let mut command = std::process::Command::new("open");
    #[cfg(target_os = "windows")]
    let mut command = {
        let mut c = std::process::Command::new("rundll32");
        c.arg("url.dll,FileProtocolHandler");
        c
    };
    #[cfg(not(any(target_os = "macos", target_os = "windows")))]
    let mut command = std::process::Command::new("xdg-open");
    command.arg(url);
    command
}

#[cfg(test)]
mod tests {
    use super::*;

    fn send(redirect: &str, path: &str) -> String {
        let address = redirect.trim_start_matches("http://").split('/').next().expect("address").to_owned();
        let mut stream = TcpStream::connect(address).expect("connect");
        stream.write_all(format!("GET {path} HTTP/1.1\r\nhost: x\r\n\r\n").as_bytes()).expect("write");
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer
    }

    #[test]
    fn the_redirect_with_our_state_gives_the_code_and_others_are_ignored() {
        let loopback = Loopback::bind().expect("bind");
        let redirect = loopback.redirect_uri.clone();
        let browser = std::thread::spawn(move || {
            let stranger = send(&redirect, "/callback?code=stolen&state=guess");
            let ours = send(&redirect, "/callback?code=c%2F1&state=s-1&iss=https%3A%2F%2Fidp");
            (stranger, ours)
        });
        let code = loopback.wait_for_code("s-1", Duration::from_secs(10)).expect("a code");
        assert_eq!(code.expose(), "c/1");
        let (stranger, ours) = browser.join().expect("browser");
        assert!(stranger.starts_with("HTTP/1.1 404"), "{stranger}");
        assert!(ours.contains("You are signed in"), "{ours}");
    }

    #[test]
    fn a_refusal_or_no_answer_stops_the_sign_in() {
        let loopback = Loopback::bind().expect("bind");
        let redirect = loopback.redirect_uri.clone();
        let browser = std::thread::spawn(move || send(&redirect, "/callback?error=access_denied&state=s-2"));
        let refused = loopback.wait_for_code("s-2", Duration::from_secs(10)).expect_err("refused");
        assert!(refused.to_string().contains("access_denied"), "{refused}");
        browser.join().expect("browser");
        let timed_out = loopback.wait_for_code("s-3", Duration::from_millis(100)).expect_err("no answer");
        assert_eq!(timed_out.code(), "sso.stopped");
        let cancelled = loopback.wait_for_code_or_cancel("s-4", Duration::from_secs(60), &AtomicBool::new(true)).expect_err("cancelled");
        assert!(cancelled.to_string().contains("cancelled"), "{cancelled}");
    }

    #[test]
    fn the_challenge_is_the_verifier_s_sha_256() {
        let (verifier, challenge) = pkce().expect("pkce");
        assert_eq!(verifier.expose().len(), 43);
        assert_eq!(challenge, URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier.expose().as_bytes())));
    }
}
