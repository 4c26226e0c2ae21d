//! The sync client against a scripted HTTP responder: a `TcpListener` on
//! loopback in a thread that records every request and answers canned JSON
//! built from `uw-protocol`'s wire types. The real server's system tests
//! live in `tests/`; these pin the client's side of the protocol: headers,
//! batches, what each outcome does to the store, the pull cursor, retries,
//! and the refusals.
//!
//! Every test's log goes to one process-wide capture, which
//! `secrets_and_personal_data_never_reach_the_log` searches for the password,
//! the token and the customer's details.

mod common;

use common::{good_driver, referred};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use time::macros::datetime;
use time::OffsetDateTime;
use uw_protocol::{
    Change, ChangeBody, DeviceState, EnrollResponse, OpResult, Outcome, PullResponse, PushRequest, PushResponse, QuoteNumberBlock,
    QuoteSerial, Role, Secret, ServerResult, UserInfo,
};
use uw_workstation::{KeySource, QuoteInput, QuoteStatus, RetryPolicy, StoreKey, Workstation, WorkstationConfig, WorkstationError};

const NOW: OffsetDateTime = datetime!(2026-01-20 15:30:00 UTC);
const INSTANCE: &str = "6f1c0a8e-9b2d-4c3f-a1e7-2d5b8c9f0a14";
const TOKEN: &str = "9c2f4b7d1e8a6c3f5b0d2e4a6c8f1b3d5e7a9c0f2b4d6e8a1c3f5b7d9e0a2c4f";
const PASSWORD: &str = "correct horse battery staple";

// ---------------------------------------------------------------- logging

/// Everything the process-wide subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("lock").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs the capturing subscriber before any test runs workstation
/// code (every test opens a workstation or a responder first), so no call
/// site's interest is cached without it.
fn log() -> &'static Captured {
    static LOG: OnceLock<Captured> = OnceLock::new();
    LOG.get_or_init(|| {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber =
            tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_ansi(false).with_writer(move || writer.clone()).finish();
        tracing::subscriber::set_global_default(subscriber).expect("the only global subscriber");
        captured
    })
}

// ---------------------------------------------------------------- the responder

/// One request as the responder received it.
#[derive(Debug, Clone)]
struct Recorded {
    method: String,
    /// Path and query.
    target: String,
    /// Header names in lower case.
    headers: BTreeMap<String, String>,
    body: String,
}

impl Recorded {
    fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or(&self.target)
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

/// A canned answer.
#[derive(Debug, Clone)]
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
}

impl Reply {
    fn json(status: u16, body: &impl serde::Serialize) -> Self {
        Self { status, headers: Vec::new(), body: serde_json::to_string(body).expect("encode") }
    }

    fn ok(body: &impl serde::Serialize) -> Self {
        Self::json(200, body)
    }

    fn error(status: u16, code: &str, message: &str) -> Self {
        Self::json(status, &serde_json::json!({ "code": code, "message": message }))
    }

    fn with_header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_owned()));
        self
    }
}

type Handler = Box<dyn FnMut(&Recorded) -> Option<Reply> + Send>;

/// An HTTP/1.1 responder on loopback. The handler answers what it knows
/// (`None` for the rest); `/healthz` and `/v1/enroll` have default answers.
struct Responder {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Responder {
    fn start(handler: impl FnMut(&Recorded) -> Option<Reply> + Send + 'static) -> Self {
        log();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("address");
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (seen, stopping) = (requests.clone(), stop.clone());
        let mut handler: Handler = Box::new(handler);
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                if let Some(request) = read_request(&stream) {
                    seen.lock().expect("lock").push(request.clone());
                    let reply = handler(&request).unwrap_or_else(|| default_reply(&request));
                    write_reply(stream, &reply);
                }
            }
        });
        Self { addr, requests, stop, thread: Some(thread) }
    }

    fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().expect("lock").clone()
    }

    /// Requests to `path`, in order.
    fn to(&self, path: &str) -> Vec<Recorded> {
        self.requests().into_iter().filter(|r| r.path() == path).collect()
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn read_request(stream: &TcpStream) -> Option<Recorded> {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    let mut headers = BTreeMap::new();
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
    }
    let length: usize = headers.get("content-length").and_then(|l| l.parse().ok()).unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Recorded { method, target, headers, body: String::from_utf8(body).ok()? })
}

fn write_reply(mut stream: TcpStream, reply: &Reply) {
    let mut head = format!(
        "HTTP/1.1 {} Canned\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
        reply.status,
        reply.body.len()
    );
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(reply.body.as_bytes());
    let _ = stream.flush();
}

fn default_reply(request: &Recorded) -> Reply {
    match (request.method.as_str(), request.path()) {
        ("GET", "/healthz") => health(INSTANCE),
        ("POST", "/v1/enroll") => enrolled_as(1001, 2000),
        _ => Reply::error(404, "not_found", "no such endpoint in this test"),
    }
}

fn health(instance: &str) -> Reply {
    Reply::ok(&serde_json::json!({
        "status": "ok", "version": "0.1.0",
        "database": { "engine": "sqlite", "schema_version": 1, "instance_id": instance },
    }))
}

/// A server of the first numbering scheme: a block of quote numbers.
fn enrolled_as(first: u32, last: u32) -> Reply {
    enrolled(0, vec![], Some(QuoteNumberBlock { year: 2026, first, last }))
}

/// A current server's answer: device number `device`, and the highest
/// serials it holds from the device.
fn enrolled_with_number(device: u32, serials: Vec<QuoteSerial>) -> Reply {
    enrolled(device, serials, None)
}

fn enrolled(device_number: u32, quote_serials: Vec<QuoteSerial>, quote_numbers: Option<QuoteNumberBlock>) -> Reply {
    Reply::ok(&EnrollResponse {
        device_id: "dev-0001".into(),
        token: Secret::new(TOKEN),
        token_expires_at: "2026-04-20T15:30:00Z".into(),
        user: UserInfo { user_id: "user-0001".into(), username: "jsmith".into(), role: Role::Agent },
        server_instance_id: INSTANCE.into(),
        device_number,
        quote_serials,
        quote_numbers,
        recovered: false,
        last_seq: 0,
    })
}

fn pushed(request: &Recorded) -> PushRequest {
    serde_json::from_str(&request.body).expect("a push request")
}

/// Answers a push with `outcome(seq)` for each operation.
fn answer_push(request: &Recorded, outcome: impl Fn(u64) -> Outcome) -> Reply {
    let results = pushed(request).operations.into_iter().map(|op| OpResult { seq: op.seq, outcome: outcome(op.seq), op_id: op.op_id });
    Reply::ok(&PushResponse { results: results.collect() })
}

fn accepted(quote_number: &str) -> Outcome {
    Outcome::Accepted { result: ServerResult::QuoteRecorded { quote_number: quote_number.into(), version: 1, status: "rated".into() } }
}

fn page(changes: Vec<(u64, ChangeBody)>, cursor: u64, more: bool) -> Reply {
    Reply::ok(&PullResponse { changes: changes.into_iter().map(|(index, body)| Change { index, body }).collect(), cursor, more })
}

// ---------------------------------------------------------------- the workstation

fn fast_retries(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(10),
        max_retry_after: Duration::from_secs(5),
        timeout: Duration::from_secs(10),
    }
}

fn open(dir: &Path) -> Workstation {
    log();
    let mut ws = Workstation::open(&WorkstationConfig::new(dir.join("data"), KeySource::File(dir.join("store.key"))))
        .expect("opens a new workstation");
    ws.set_retry_policy(fast_retries(3));
    ws
}

fn enroll(ws: &mut Workstation, server: &Responder) {
    ws.enroll(&server.url(), "jsmith", &Secret::new(PASSWORD), "jsmith-laptop", NOW).expect("enrolls");
}

/// A quote created and rated (one `quote.rated` in the outbox).
fn rated(ws: &mut Workstation, input: QuoteInput) -> i64 {
    let id = ws.create_quote(input, NOW).expect("creates").id;
    ws.rate_quote(id, NOW).expect("rates");
    id
}

fn status(ws: &Workstation, id: i64) -> QuoteStatus {
    ws.quote(id).expect("quote").summary.status
}

fn unsent(ws: &Workstation) -> Vec<i64> {
    ws.store().outbox().expect("outbox").into_iter().filter(|e| e.sent_at.is_none()).map(|e| e.seq).collect()
}

/// One row of a query on the store, read with its key like any SQLCipher client.
fn query_row(dir: &Path, sql: &str) -> Option<Vec<String>> {
    let text = std::fs::read_to_string(dir.join("store.key")).expect("key file");
    let key = StoreKey::from_hex(&text, "store.key").expect("key");
    let conn = rusqlite::Connection::open(dir.join("data").join(uw_workstation::STORE_FILE)).expect("open");
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\"; PRAGMA cipher_compatibility = 4;", &*key.to_hex())).expect("key");
    let mut stmt = conn.prepare(sql).expect("prepare");
    let columns = stmt.column_count();
    let mut rows = stmt.query([]).expect("query");
    let row = rows.next().expect("row")?;
    Some((0..columns).map(|i| row.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}")).expect("value")).collect())
}

// ---------------------------------------------------------------- enrollment

#[test]
fn enrollment_stores_the_credentials_and_the_quote_number_block() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    assert_eq!(ws.push(NOW).expect_err("not enrolled").code(), "sync.not_enrolled");
    assert!(ws.enrollment().expect("reads").is_none());
    // Three quotes numbered before enrolling, from the whole range.
    for _ in 0..3 {
        ws.create_quote(good_driver(), NOW).expect("creates");
    }
    let block = Arc::new(Mutex::new((1u32, 1000u32)));
    let granted = block.clone();
    let server = Responder::start(move |r| {
        (r.path() == "/v1/enroll").then(|| {
            let (first, last) = *granted.lock().expect("lock");
            enrolled_as(first, last)
        })
    });

    let info = ws.enroll(&server.url(), " jsmith ", &Secret::new(PASSWORD), "jsmith-laptop", NOW).expect("enrolls");
    assert_eq!(info.device_id, "dev-0001");
    assert_eq!(info.server_instance_id, INSTANCE);
    assert_eq!(info.server_url, server.url().trim_end_matches('/'), "stored without the trailing slash");
    assert_eq!((info.user.username.as_str(), info.user.role), ("jsmith", Role::Agent));
    assert_eq!(info.quote_numbers, Some(QuoteNumberBlock { year: 2026, first: 1, last: 1000 }));
    assert_eq!(info.device_number, None);
    assert_eq!(
        info.next_quote_number.map(|n| n.to_string()).as_deref(),
        Some("QUOT-2026-000004"),
        "numbers 1 to 3 are taken here already; the block never hands them out again"
    );
    assert_eq!(ws.enrollment().expect("reads"), Some(info.clone()));
    assert!(!format!("{info:?}").contains(TOKEN), "the token is never given out");

    let request = &server.to("/v1/enroll")[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.header("uw-protocol-version"), Some("1"));
    assert_eq!(request.header("authorization"), None, "enrollment has no token yet");
    let body: serde_json::Value = serde_json::from_str(&request.body).expect("json");
    assert_eq!(body["username"], "jsmith");
    assert_eq!(body["password"], PASSWORD);
    assert_eq!(body["device_name"], "jsmith-laptop");
    assert_eq!(body["device_public_key"], hex::encode(ws.device_public_key().as_bytes()));
    let proof: [u8; 64] = hex::decode(body["key_proof"].as_str().expect("a key proof")).expect("hex").try_into().expect("64 bytes");
    let message = uw_protocol::enroll_proof_message("jsmith", body["device_public_key"].as_str().expect("key"));
    ws.device_public_key()
        .verify_strict(message.as_bytes(), &ed25519_dalek::Signature::from_bytes(&proof))
        .expect("the device proves it holds its key");
    assert_eq!(ws.create_quote(good_driver(), NOW).expect("creates").quote_number, "QUOT-2026-000004");

    // Enrolling again replaces the block; the new one starts at its first number.
    *block.lock().expect("lock") = (1001, 2000);
    let again = ws.enroll(&server.url(), "jsmith", &Secret::new(PASSWORD), "jsmith-laptop", NOW).expect("enrolls again");
    assert_eq!(again.next_quote_number.map(|n| n.to_string()).as_deref(), Some("QUOT-2026-001001"));
    assert_eq!(ws.create_quote(good_driver(), NOW).expect("creates").quote_number, "QUOT-2026-001001");
    assert_eq!(ws.store().quote_number_block(2026).expect("block"), Some((1002, 2000)));

    // The stored token is what later requests carry.
    ws.pull(NOW).expect_err("the responder has no pull");
    let pull = &server.to("/v1/sync/pull")[0];
    assert_eq!(pull.header("authorization"), Some(format!("Bearer {TOKEN}").as_str()));
}

#[test]
fn a_device_number_gives_the_device_its_own_series_which_moves_past_what_the_server_holds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    // Quoted offline before enrolling: the local range of the first scheme.
    assert_eq!(ws.create_quote(good_driver(), NOW).expect("creates").quote_number, "QUOT-2026-000001");
    let server = Responder::start(|r| match r.path() {
        "/v1/enroll" => Some(enrolled_with_number(42, vec![QuoteSerial { year: 2026, highest: 7 }])),
        "/v1/devices/me" => Some(Reply::ok(&DeviceState {
            device_id: "dev-0001".into(),
            device_number: 42,
            last_seq: 0,
            quote_serials: vec![QuoteSerial { year: 2026, highest: 12 }, QuoteSerial { year: 2027, highest: 3 }],
        })),
        "/v1/sync/push" => Some(answer_push(r, |_| accepted("QUOT-2026-00042-00008"))),
        _ => None,
    });
    let info = ws.enroll(&server.url(), "jsmith", &Secret::new(PASSWORD), "jsmith-laptop", NOW).expect("enrolls");
    assert_eq!((info.device_number, info.quote_numbers), (Some(42), None));
    // The server recorded serials up to 7 from this device (it was enrolled
    // before, on another install): the series goes on from 8.
    assert_eq!(info.next_quote_number.map(|n| n.to_string()).as_deref(), Some("QUOT-2026-00042-00008"));
    let id = rated(&mut ws, good_driver());
    assert_eq!(ws.quote(id).expect("quote").summary.quote_number.to_string(), "QUOT-2026-00042-00008");
    // A sync learns the server holds 12 already (this store came back from
    // a backup): numbering moves past it, in each year the server names.
    ws.push(NOW).expect("pushes");
    assert_eq!(ws.create_quote(good_driver(), NOW).expect("creates").quote_number, "QUOT-2026-00042-00013");
    let new_year = datetime!(2027-01-02 09:00:00 UTC);
    assert_eq!(ws.create_quote(good_driver(), new_year).expect("creates").quote_number, "QUOT-2027-00042-00004");
    assert_eq!(server.to("/v1/enroll").len(), 1, "the new year needs nothing from the server");
}

#[test]
fn plain_http_is_refused_for_any_server_but_this_computer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let password = Secret::new(PASSWORD);
    for url in ["http://192.0.2.10:8787", "http://sync.example.com", "http://10.0.0.1", "http://[2001:db8::1]:8787"] {
        let err = ws.enroll(url, "jsmith", &password, "laptop", NOW).expect_err(url);
        assert_eq!(err.code(), "input.invalid", "{url}: {err}");
        assert!(err.to_string().contains("https://"), "{url}: the message says what to use instead: {err}");
    }
    // Loopback in every spelling reaches the network layer (nothing listens on port 9).
    for url in ["http://127.0.0.1:9", "http://localhost:9", "http://[::1]:9"] {
        let err = ws.enroll(url, "jsmith", &password, "laptop", NOW).expect_err(url);
        assert_eq!(err.code(), "sync.unreachable", "{url}: {err}");
    }
    assert!(ws.enrollment().expect("reads").is_none());
}

#[test]
fn enrollment_refuses_bad_input_and_bad_answers_without_storing_anything() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let password = Secret::new(PASSWORD);
    for url in ["ftp://example.com", "not a url", "http://user:pw@example.com", "http://example.com/?x=1"] {
        let err = ws.enroll(url, "jsmith", &password, "laptop", NOW).expect_err(url);
        assert_eq!(err.code(), "input.invalid", "{url}: {err}");
    }
    assert_eq!(ws.enroll("http://127.0.0.1:9", "jsmith", &password, " ", NOW).expect_err("no name").code(), "input.invalid");

    let server = Responder::start(|r| match r.path() {
        "/v1/enroll" if r.body.contains("wrong") => Some(Reply::error(401, "auth.invalid_credentials", "wrong username or password")),
        "/v1/enroll" => Some(enrolled_as(2000, 1000)),
        _ => None,
    });
    let err = ws.enroll(&server.url(), "jsmith", &Secret::new("wrong"), "laptop", NOW).expect_err("refused");
    assert_eq!(err.code(), "sync.unauthorized");
    assert!(err.to_string().contains("wrong username or password"), "{err}");
    assert!(!err.to_string().contains(PASSWORD));
    let err = ws.enroll(&server.url(), "jsmith", &password, "laptop", NOW).expect_err("an empty block");
    assert_eq!(err.code(), "sync.protocol", "{err}");
    assert!(ws.enrollment().expect("reads").is_none(), "nothing was stored");
}

// ---------------------------------------------------------------- push

#[test]
fn push_sends_the_signed_outbox_in_order_and_binds_issued_policies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let first = rated(&mut ws, good_driver());
    let second = rated(&mut ws, good_driver());
    ws.request_bind(second, NOW).expect("binds");
    let server = Responder::start(|r| {
        (r.path() == "/v1/sync/push").then(|| {
            answer_push(r, |seq| match seq {
                1 => accepted("QUOT-2026-001001"),
                2 => Outcome::Duplicate {
                    result: ServerResult::QuoteRecorded { quote_number: "QUOT-2026-001002".into(), version: 1, status: "rated".into() },
                },
                _ => Outcome::Accepted {
                    result: ServerResult::PolicyIssued {
                        quote_number: "QUOT-2026-000002".into(),
                        version: 1,
                        policy_number: "POL-CA-2026-000017".into(),
                        premium: "1234.50".parse().expect("decimal"),
                    },
                },
            })
        })
    });
    enroll(&mut ws, &server);

    let report = ws.push(NOW).expect("pushes");
    assert_eq!((report.batches, report.delivered, report.accepted, report.duplicate), (1, 3, 2, 1));
    assert_eq!(report.policies_issued, ["POL-CA-2026-000017"]);

    let requests = server.to("/v1/sync/push");
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.header("uw-protocol-version"), Some("1"));
    assert_eq!(request.header("authorization"), Some(format!("Bearer {TOKEN}").as_str()));
    assert_eq!(request.header("content-type"), Some("application/json"));
    let ops = pushed(request).operations;
    let stored = ws.store().outbox().expect("outbox");
    assert_eq!(ops.iter().map(|op| op.seq).collect::<Vec<_>>(), [1, 2, 3]);
    for (op, entry) in ops.iter().zip(&stored) {
        // What the server will verify: the protocol crate's signed message.
        uw_protocol::verify_operation(&ws.device_public_key(), op).expect("signed by this device");
        assert_eq!(
            (op.op_id.as_str(), op.kind.as_str(), op.payload.as_str()),
            (entry.op_id.as_str(), entry.kind.as_str(), entry.payload.as_str())
        );
        assert_eq!(op.created_at, entry.created_at);
        assert!(entry.verify(&ws.device_public_key()));
    }
    assert!(stored.iter().all(|e| e.sent_at.as_deref() == Some("2026-01-20T15:30:00.000Z")), "{stored:?}");
    assert_eq!(ws.store().acked_seq().expect("acked"), 3);
    assert!(
        server.requests().iter().position(|r| r.path() == "/healthz") < server.requests().iter().position(|r| r.path() == "/v1/sync/push"),
        "the server's instance is checked before anything is sent"
    );

    assert_eq!(status(&ws, first), QuoteStatus::Rated);
    assert_eq!(status(&ws, second), QuoteStatus::Bound, "the policy was issued");
    let policy =
        query_row(dir.path(), "SELECT policy_number, quote_id, status, version, effective_date, expiration_date, premium FROM policy")
            .expect("a policy row");
    let term = uw_policy::Term::of_months(good_driver().quote.effective_date, 12).expect("a term");
    assert_eq!(
        policy,
        [
            "Text(\"POL-CA-2026-000017\")",
            &format!("Integer({second})"),
            "Text(\"issued\")",
            "Integer(1)",
            &format!("Text(\"{}\")", term.start),
            &format!("Text(\"{}\")", term.end),
            "Text(\"1234.50\")"
        ]
    );
    let actions: Vec<String> = ws.store().audit_events("QUOT-2026-000002").expect("audit").into_iter().map(|e| e.action).collect();
    assert_eq!(actions.last().map(String::as_str), Some("quote.bound"));
    assert!(ws.sync_issues().expect("issues").is_empty());

    // Nothing left to send: no push request at all.
    let again = ws.push(NOW).expect("pushes nothing");
    assert_eq!(again.batches, 0);
    assert_eq!(server.to("/v1/sync/push").len(), 1);
}

#[test]
fn push_sends_at_most_five_hundred_operations_a_request() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let request = uw_workstation::QuickQuoteRequest { zip: "94110".into(), vehicle_year: 2020 };
    for _ in 0..501 {
        ws.quick_quote(&request, NOW.date()).expect("saves a quick quote");
    }
    let server = Responder::start(|r| {
        (r.path() == "/v1/sync/push").then(|| answer_push(r, |_| Outcome::Accepted { result: ServerResult::Recorded }))
    });
    enroll(&mut ws, &server);

    let report = ws.push(NOW).expect("pushes");
    assert_eq!((report.batches, report.delivered, report.accepted), (2, 501, 501));
    let batches: Vec<Vec<u64>> =
        server.to("/v1/sync/push").iter().map(|r| pushed(r).operations.iter().map(|op| op.seq).collect()).collect();
    assert_eq!(batches.len(), 2);
    assert_eq!(batches[0], (1..=500).collect::<Vec<u64>>());
    assert_eq!(batches[1], [501]);
    assert!(unsent(&ws).is_empty());
    assert_eq!(ws.store().acked_seq().expect("acked"), 501);
}

#[test]
fn rejections_and_conflicts_are_final_shown_with_their_reason_and_release_the_quote() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let plain = rated(&mut ws, good_driver()); // seq 1
    let mismatched = rated(&mut ws, good_driver()); // seq 2
    ws.request_bind(mismatched, NOW).expect("binds"); // seq 3
    let stale = rated(&mut ws, good_driver()); // seq 4
    ws.request_bind(stale, NOW).expect("binds"); // seq 5
    let server = Responder::start(|r| {
        (r.path() == "/v1/sync/push").then(|| {
            answer_push(r, |seq| match seq {
                1 => Outcome::Rejected { code: "sync.bad_payload".into(), reason: "input.quote: missing field `product`".into() },
                3 => Outcome::Rejected {
                    code: "bind.premium_mismatch".into(),
                    reason: "the server rates 1301.00, the device 1300.00; re-rate the quote".into(),
                },
                5 => Outcome::Conflict { current_version: 2, reason: "the server holds version 2".into() },
                _ => accepted("QUOT"),
            })
        })
    });
    enroll(&mut ws, &server);

    let report = ws.push(NOW).expect("pushes");
    assert_eq!((report.delivered, report.accepted, report.rejected, report.conflict), (5, 2, 2, 1));
    assert!(unsent(&ws).is_empty(), "every outcome is final: nothing is sent again");

    let issues = ws.sync_issues().expect("issues");
    type Row<'a> = (Option<i64>, &'a str, &'a str, Option<&'a str>, Option<&'a str>, Option<u32>);
    let summary: Vec<Row<'_>> = issues
        .iter()
        .map(|i| (i.seq, i.kind.as_str(), i.outcome.as_str(), i.code.as_deref(), i.subject.as_deref(), i.current_version))
        .collect();
    assert_eq!(
        summary,
        [
            (Some(5), "quote.bind_requested", "conflict", None, Some("QUOT-2026-000003"), Some(2)),
            (Some(3), "quote.bind_requested", "rejected", Some("bind.premium_mismatch"), Some("QUOT-2026-000002"), None),
            (Some(1), "quote.rated", "rejected", Some("sync.bad_payload"), Some("QUOT-2026-000001"), None),
        ]
    );
    assert_eq!(issues[1].reason, "the server rates 1301.00, the device 1300.00; re-rate the quote");
    assert!(issues.iter().all(|i| i.source == "push" && i.op_id.as_deref().is_some_and(|o| o.len() == 32)));

    // A refused bind is over: the quote is bind rejected and can be edited.
    assert_eq!(status(&ws, plain), QuoteStatus::Rated);
    assert_eq!(status(&ws, mismatched), QuoteStatus::BindRejected);
    assert_eq!(status(&ws, stale), QuoteStatus::BindRejected);
    assert_eq!(ws.update_quote(mismatched, good_driver(), NOW).expect("editable again").status, QuoteStatus::Draft);

    // Dismissed issues leave the list.
    assert!(ws.dismiss_sync_issue(issues[2].id, NOW).expect("dismisses"));
    assert!(!ws.dismiss_sync_issue(issues[2].id, NOW).expect("already dismissed"));
    assert_eq!(ws.sync_issues().expect("issues").len(), 2);
}

#[test]
fn a_sequence_gap_keeps_the_operations_in_the_outbox() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    for _ in 0..3 {
        rated(&mut ws, good_driver());
    }
    let server = Responder::start(|r| {
        (r.path() == "/v1/sync/push").then(|| {
            answer_push(r, |seq| match seq {
                1 => accepted("QUOT-2026-000001"),
                _ => Outcome::Rejected { code: "sync.sequence_gap".into(), reason: "expected sequence 7".into() },
            })
        })
    });
    enroll(&mut ws, &server);
    let err = ws.push(NOW).expect_err("a gap");
    assert_eq!(err.code(), "sync.sequence_gap");
    assert!(err.to_string().contains("expected sequence 7"), "{err}");
    assert_eq!(unsent(&ws), [2, 3], "the server processed neither; they wait to be sent again");
    assert_eq!(ws.store().acked_seq().expect("acked"), 1);
    assert!(ws.sync_issues().expect("issues").is_empty());
}

#[test]
fn an_answer_that_does_not_match_the_batch_changes_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    rated(&mut ws, good_driver());
    rated(&mut ws, good_driver());
    let server = Responder::start(|r| {
        (r.path() == "/v1/sync/push").then(|| {
            let mut reply: PushResponse = serde_json::from_str(&answer_push(r, |_| accepted("QUOT")).body).expect("json");
            reply.results.swap(0, 1);
            Reply::ok(&reply)
        })
    });
    enroll(&mut ws, &server);
    let err = ws.push(NOW).expect_err("out of order");
    assert_eq!(err.code(), "sync.protocol");
    assert_eq!(unsent(&ws), [1, 2]);
}

// ---------------------------------------------------------------- pull

#[test]
fn pull_resumes_from_the_stored_cursor_after_a_failure() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let referral = rated(&mut ws, referred()); // QUOT-2026-000001, referred
    let bound = rated(&mut ws, good_driver()); // QUOT-2026-000002
    ws.request_bind(bound, NOW).expect("binds");
    let edited = rated(&mut ws, referred()); // QUOT-2026-000003, edited after its referral
    ws.update_quote(edited, referred(), NOW).expect("edits");
    assert_eq!(status(&ws, referral), QuoteStatus::Referred);

    let second_page_fails = Arc::new(AtomicBool::new(true));
    let failing = second_page_fails.clone();
    let test_key = hex::encode(ed25519_dalek::SigningKey::from_bytes(&[42; 32]).verifying_key().as_bytes());
    let server = Responder::start(move |r| {
        (r.path() == "/v1/sync/pull").then(|| match r.target.as_str() {
            "/v1/sync/pull?cursor=0&limit=500" => page(
                vec![
                    (
                        3,
                        ChangeBody::ReferralDecided {
                            quote_number: "QUOT-2026-000001".into(),
                            version: 1,
                            approved: true,
                            reason: "clean record since".into(),
                        },
                    ),
                    (4, ChangeBody::KeyTrusted { key_id: "uw-test-2026".into(), public_key: test_key.clone() }),
                    (
                        5,
                        ChangeBody::ReferralDecided {
                            quote_number: "QUOT-2026-000003".into(),
                            version: 1,
                            approved: false,
                            reason: "stale".into(),
                        },
                    ),
                    (
                        6,
                        ChangeBody::ReferralDecided {
                            quote_number: "QUOT-2026-999999".into(),
                            version: 1,
                            approved: true,
                            reason: "another device's quote".into(),
                        },
                    ),
                ],
                7,
                true,
            ),
            "/v1/sync/pull?cursor=7&limit=500" if failing.load(Ordering::SeqCst) => Reply::error(500, "internal", "internal error"),
            "/v1/sync/pull?cursor=7&limit=500" => page(
                vec![
                    (
                        9,
                        ChangeBody::PolicyIssued {
                            quote_number: "QUOT-2026-000002".into(),
                            version: 1,
                            policy_number: "POL-CA-2026-000018".into(),
                            premium: "1300.00".parse().expect("decimal"),
                            effective_date: "2026-02-01".into(),
                        },
                    ),
                    (
                        10,
                        ChangeBody::ReferralDecided {
                            quote_number: "QUOT-2026-000001".into(),
                            version: 1,
                            approved: true,
                            reason: "replayed".into(),
                        },
                    ),
                ],
                12,
                false,
            ),
            other => Reply::error(400, "test.unexpected", other),
        })
    });
    enroll(&mut ws, &server);

    let err = ws.pull(NOW).expect_err("page 2 fails");
    assert_eq!(err.code(), "sync.server", "{err}");
    assert_eq!(server.to("/v1/sync/pull").len(), 1 + 3, "page 1, then page 2 with every retry");
    assert_eq!(ws.store().pull_cursor().expect("cursor"), 7, "page 1 and its cursor were committed together");
    assert_eq!(status(&ws, referral), QuoteStatus::Approved);
    assert_eq!(status(&ws, edited), QuoteStatus::Draft, "a decision on a version since edited changes nothing");
    assert!(ws.store().active_trusted_keys().expect("keys").iter().any(|(id, _)| id == "uw-test-2026"));

    second_page_fails.store(false, Ordering::SeqCst);
    let before = server.to("/v1/sync/pull").len();
    let report = ws.pull(NOW).expect("pulls");
    let targets: Vec<String> = server.to("/v1/sync/pull")[before..].iter().map(|r| r.target.clone()).collect();
    assert_eq!(targets, ["/v1/sync/pull?cursor=7&limit=500"], "resumes at page 2, never page 1 again");
    assert_eq!((report.pages, report.changes, report.applied, report.ignored, report.cursor), (1, 2, 1, 1, 12));
    assert_eq!(ws.store().pull_cursor().expect("cursor"), 12);
    assert_eq!(status(&ws, bound), QuoteStatus::Bound);
    assert_eq!(status(&ws, referral), QuoteStatus::Approved, "the replayed decision is idempotent");
    let policy = query_row(dir.path(), "SELECT policy_number, premium, expiration_date FROM policy").expect("a policy");
    assert_eq!(policy, ["Text(\"POL-CA-2026-000018\")", "Text(\"1300.00\")", "Text(\"2027-02-01\")"]);
    for request in server.to("/v1/sync/pull") {
        assert_eq!(request.header("uw-protocol-version"), Some("1"));
        assert_eq!(request.header("authorization"), Some(format!("Bearer {TOKEN}").as_str()));
    }
}

#[test]
fn a_page_outside_the_cursor_is_refused_and_not_applied() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let referral = rated(&mut ws, referred());
    let server = Responder::start(|r| {
        (r.path() == "/v1/sync/pull").then(|| {
            page(
                vec![(
                    12,
                    ChangeBody::ReferralDecided {
                        quote_number: "QUOT-2026-000001".into(),
                        version: 1,
                        approved: true,
                        reason: "ok".into(),
                    },
                )],
                12,
                false,
            )
        })
    });
    enroll(&mut ws, &server);
    let err = ws.pull(NOW).expect_err("index 12 is not below cursor 12");
    assert_eq!(err.code(), "sync.protocol");
    assert_eq!(status(&ws, referral), QuoteStatus::Referred);
    assert_eq!(ws.store().pull_cursor().expect("cursor"), 0);
}

/// The CA auto pack as version 2099.1 (in force from 2099, so it never
/// competes with the bundled one), signed by `key`.
fn republished_pack(key_id: &str, key: &ed25519_dalek::SigningKey) -> (String, String, BTreeMap<String, String>) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rate-packs/ca-personal-auto");
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("pack directory") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).expect("name").to_owned();
        if name == "manifest.toml" || name.ends_with(".csv") {
            files.insert(name, std::fs::read_to_string(&path).expect("read"));
        }
    }
    let manifest = files["manifest.toml"]
        .replace("version = \"2026.1\"", "version = \"2099.1\"")
        .replace("new_business = 2026-01-01", "new_business = 2099-01-01")
        .replace("renewal = 2026-03-01", "renewal = 2099-03-01");
    files.insert("manifest.toml".into(), manifest);
    let mut pack_files = uw_rating::PackFiles::in_memory("test");
    for (name, text) in &files {
        pack_files.set_file(name, text.clone());
    }
    let digest = uw_rating::pack::digest::digest(&pack_files);
    let signature = uw_rating::pack::digest::sign(&digest, key_id, key);
    pack_files.set_file("SIGNATURE", signature.clone());
    files.insert("SIGNATURE".into(), signature);
    let mut trusted = uw_rating::TrustedKeys::new();
    trusted.add(key_id, key.verifying_key());
    let pack = uw_rating::compile(&pack_files, uw_rating::LoadMode::Verified(&trusted)).expect("the republished pack compiles");
    (pack.id().to_owned(), digest.to_hex(), files)
}

#[test]
fn published_packs_are_verified_before_they_are_installed_and_survive_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let test_key = ed25519_dalek::SigningKey::from_bytes(&[42; 32]);
    let (pack_id, digest, files) = republished_pack("uw-test-2026", &test_key);
    let mut tampered = files.clone();
    tampered.insert("term.csv".into(), files["term.csv"].replace("6,0.50", "6,0.45"));
    assert_ne!(tampered["term.csv"], files["term.csv"]);
    let mut wrong_digest = digest.clone();
    wrong_digest.replace_range(0..2, if digest.starts_with("00") { "11" } else { "00" });
    let published = |digest: &str, files: &BTreeMap<String, String>| ChangeBody::PackPublished {
        pack_id: pack_id.clone(),
        digest: digest.to_owned(),
        files: files.clone(),
    };
    let other_key = hex::encode(ed25519_dalek::SigningKey::from_bytes(&[43; 32]).verifying_key().as_bytes());
    let changes = vec![
        // Not yet trusted: refused.
        (1, published(&digest, &files)),
        (2, ChangeBody::KeyTrusted { key_id: "uw-test-2026".into(), public_key: hex::encode(test_key.verifying_key().as_bytes()) }),
        // A file changed after signing: refused.
        (3, published(&digest, &tampered)),
        // Not the pack announced: refused.
        (4, published(&wrong_digest, &files)),
        (5, published(&digest, &files)),
        // The same key id with another key: refused, the first key stays.
        (6, ChangeBody::KeyTrusted { key_id: "uw-test-2026".into(), public_key: other_key }),
        // Not a key at all.
        (7, ChangeBody::KeyTrusted { key_id: "uw-broken".into(), public_key: "zz".repeat(32) }),
    ];
    let server = Responder::start(move |r| (r.path() == "/v1/sync/pull").then(|| page(changes.clone(), 8, false)));
    enroll(&mut ws, &server);

    let report = ws.pull(NOW).expect("pulls");
    assert_eq!(report.packs_installed, std::slice::from_ref(&pack_id));
    assert_eq!((report.applied, report.not_applied), (2, 5));
    let issues: Vec<(Option<u64>, Option<String>)> =
        ws.sync_issues().expect("issues").into_iter().map(|i| (i.change_index, i.code)).collect();
    assert_eq!(
        issues,
        [
            (Some(7), Some("key.invalid".into())),
            (Some(6), Some("key.conflict".into())),
            (Some(4), Some("pack.mismatch".into())),
            (Some(3), Some("pack.unverified".into())),
            (Some(1), Some("pack.unverified".into())),
        ]
    );
    assert!(ws.packs().packs().iter().any(|p| p.id() == pack_id), "rated with at once");
    assert!(ws.store().installed_pack_ids().expect("ids").contains(&pack_id));
    drop(server);

    // Reopened, the workstation loads and verifies it again.
    drop(ws);
    let mut ws = open(dir.path());
    assert!(ws.packs().packs().iter().any(|p| p.id() == pack_id), "still installed after a restart");

    // Revoking its key takes it out of rating, now and after a restart.
    let server = Responder::start(|r| {
        (r.path() == "/v1/sync/pull").then(|| page(vec![(8, ChangeBody::KeyRevoked { key_id: "uw-test-2026".into() })], 9, false))
    });
    enroll(&mut ws, &server);
    ws.pull(NOW).expect("pulls");
    assert!(!ws.packs().packs().iter().any(|p| p.id() == pack_id), "a revoked key's packs are not rated with");
    assert!(ws.packs().packs().len() >= 10, "the bundled packs stay");
    drop(ws);
    let ws = open(dir.path());
    assert!(!ws.packs().packs().iter().any(|p| p.id() == pack_id));
    assert!(ws.store().revoked_key_ids().expect("revoked").contains(&"uw-test-2026".to_owned()));
}

// ---------------------------------------------------------------- retries and refusals

#[test]
fn server_errors_are_retried_with_backoff_until_they_pass() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    rated(&mut ws, good_driver());
    let failures = Arc::new(AtomicUsize::new(2));
    let left = failures.clone();
    let server = Responder::start(move |r| {
        (r.path() == "/v1/sync/push").then(|| {
            if left.load(Ordering::SeqCst) > 0 {
                left.fetch_sub(1, Ordering::SeqCst);
                Reply::error(503, "unavailable", "the database is restarting")
            } else {
                answer_push(r, |_| accepted("QUOT-2026-000001"))
            }
        })
    });
    enroll(&mut ws, &server);
    ws.set_retry_policy(fast_retries(4));
    let report = ws.push(NOW).expect("the third attempt passes");
    assert_eq!(report.accepted, 1);
    let attempts = server.to("/v1/sync/push");
    assert_eq!(attempts.len(), 3);
    assert!(attempts.iter().all(|a| a.body == attempts[0].body), "the same batch each time");

    // Failing on every attempt: the server's code, after exactly max_attempts.
    rated(&mut ws, good_driver());
    failures.store(usize::MAX, Ordering::SeqCst);
    let err = ws.push(NOW).expect_err("always 503");
    assert_eq!(err.code(), "sync.server");
    let WorkstationError::Sync(sync) = &err else { panic!("{err:?}") };
    assert_eq!(sync.server_code(), Some("unavailable"));
    assert_eq!(server.to("/v1/sync/push").len(), 3 + 4);
    assert_eq!(unsent(&ws), [2]);
}

#[test]
fn backoff_is_full_jitter_below_a_capped_exponential() {
    let policy = RetryPolicy::default();
    assert_eq!((policy.base_delay, policy.max_delay), (Duration::from_millis(200), Duration::from_secs(10)));
    for (retry, ceiling) in [(0, 200), (1, 400), (2, 800), (5, 6_400), (6, 10_000), (40, 10_000)] {
        let ceiling = Duration::from_millis(ceiling);
        assert_eq!(policy.backoff(retry, 0), Duration::ZERO);
        assert_eq!(policy.backoff(retry, u64::try_from(ceiling.as_nanos()).expect("fits")), ceiling, "retry {retry}");
        for random in [1, 12_345, u64::MAX / 3, u64::MAX] {
            assert!(policy.backoff(retry, random) <= ceiling, "retry {retry}");
        }
    }
}

#[test]
fn too_many_requests_waits_as_long_as_retry_after_says() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let limited = Arc::new(AtomicUsize::new(1));
    let left = limited.clone();
    let server = Responder::start(move |r| {
        (r.path() == "/v1/sync/pull").then(|| {
            if left.load(Ordering::SeqCst) > 0 {
                left.fetch_sub(1, Ordering::SeqCst);
                Reply::error(429, "rate_limited", "slow down").with_header("retry-after", "1")
            } else {
                page(vec![], 0, false)
            }
        })
    });
    enroll(&mut ws, &server);
    let started = Instant::now();
    ws.pull(NOW).expect("the second attempt passes");
    assert!(started.elapsed() >= Duration::from_secs(1), "waited {:?}", started.elapsed());
    assert_eq!(server.to("/v1/sync/pull").len(), 2);

    // Longer than the client waits: no retry, the time for the user.
    let server = Responder::start(|r| {
        (r.path() == "/v1/sync/pull").then(|| Reply::error(429, "auth.rate_limited", "too many attempts").with_header("retry-after", "900"))
    });
    let other = tempfile::tempdir().expect("tempdir");
    let mut ws = open(other.path());
    enroll(&mut ws, &server);
    let err = ws.pull(NOW).expect_err("rate limited");
    assert_eq!(err.code(), "sync.rate_limited");
    assert!(err.to_string().contains("try again in 900 s"), "{err}");
    assert_eq!(server.to("/v1/sync/pull").len(), 1);
}

#[test]
fn an_expired_token_is_renewed_with_the_device_key_and_the_push_goes_through() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let id = rated(&mut ws, good_driver());
    let number = ws.quote(id).expect("quote").summary.quote_number.to_string();
    let device_key = ws.device_public_key();
    let challenge = "ab".repeat(32);
    let expires_at = "2026-01-20T15:35:00Z";
    let signed = Arc::new(AtomicBool::new(false));
    let verified = signed.clone();
    let server = Responder::start(move |r| match r.path() {
        "/v1/sync/push" if r.header("authorization") == Some("Bearer renewed-token") => Some(answer_push(r, |_| accepted(&number))),
        "/v1/sync/push" => Some(Reply::error(401, "auth.token_expired", "the token has expired")),
        "/v1/devices/dev-0001/challenge" => Some(Reply::ok(&serde_json::json!({ "challenge": "ab".repeat(32), "expires_at": expires_at }))),
        "/v1/devices/dev-0001/token" => {
            let body: serde_json::Value = serde_json::from_str(&r.body).expect("json");
            let signature: [u8; 64] =
                hex::decode(body["signature"].as_str().expect("signature")).expect("hex").try_into().expect("64 bytes");
            let message = uw_protocol::token_renewal_message(INSTANCE, "dev-0001", &challenge, expires_at);
            device_key
                .verify_strict(message.as_bytes(), &ed25519_dalek::Signature::from_bytes(&signature))
                .expect("signed by the device key, over this server, device and challenge");
            verified.store(true, Ordering::SeqCst);
            Some(Reply::ok(&serde_json::json!({ "token": "renewed-token", "token_expires_at": "2026-04-20T15:30:00Z" })))
        }
        _ => None,
    });
    enroll(&mut ws, &server);
    let report = ws.push(NOW).expect("renews and pushes");
    assert_eq!(report.accepted, 1);
    assert!(signed.load(Ordering::SeqCst), "the renewal was signed");
    assert!(server.to("/v1/enroll").len() == 1, "no password was sent again");
    assert_eq!(unsent(&ws), Vec::<i64>::new());
    // The renewed token is kept: the next push starts with it.
    ws.push(NOW).expect("nothing to send");
    let pushes = server.to("/v1/sync/push");
    assert_eq!(pushes.len(), 2, "one refused with the old token, one accepted with the new");
    assert_eq!(pushes[1].header("authorization"), Some("Bearer renewed-token"));
}

#[test]
fn revoked_devices_and_refused_renewals_are_not_retried() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    rated(&mut ws, good_driver());
    let revoked = Arc::new(AtomicBool::new(false));
    let is_revoked = revoked.clone();
    let server = Responder::start(move |r| match r.path() {
        "/v1/sync/push" if is_revoked.load(Ordering::SeqCst) => {
            Some(Reply::error(401, "auth.device_revoked", "this device was revoked on 2026-01-19"))
        }
        "/v1/sync/push" => Some(Reply::error(401, "auth.token_expired", "the token has expired")),
        "/v1/devices/dev-0001/challenge" => Some(Reply::ok(&serde_json::json!({ "challenge": "cd".repeat(32), "expires_at": "x" }))),
        "/v1/devices/dev-0001/token" => Some(Reply::error(401, "auth.user_disabled", "this user is disabled; ask an administrator")),
        _ => None,
    });
    enroll(&mut ws, &server);
    let err = ws.push(NOW).expect_err("the user is disabled");
    assert_eq!(err.code(), "sync.unauthorized");
    let WorkstationError::Sync(sync) = &err else { panic!("{err:?}") };
    assert_eq!(sync.server_code(), Some("auth.user_disabled"));
    assert_eq!(server.to("/v1/sync/push").len(), 1, "a 401 is never retried blindly");
    assert_eq!(server.to("/v1/devices/dev-0001/token").len(), 1, "one renewal, not a loop");

    revoked.store(true, Ordering::SeqCst);
    let err = ws.push(NOW).expect_err("revoked");
    assert_eq!(err.code(), "sync.device_revoked");
    assert_eq!(server.to("/v1/sync/push").len(), 2);
    assert_eq!(server.to("/v1/devices/dev-0001/token").len(), 1, "a revoked device does not try to renew");
    assert_eq!(unsent(&ws), [1], "nothing was marked delivered");
}

#[test]
fn an_unreachable_server_is_a_typed_error_after_every_attempt() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let server = Responder::start(|_| None);
    enroll(&mut ws, &server);
    drop(server); // Nothing listens there any more.
    let err = ws.sync(NOW).expect_err("no server");
    assert_eq!(err.code(), "sync.unreachable", "{err}");
    assert!(err.to_string().contains("after 3 attempt(s)"), "{err}");
}

#[test]
fn a_different_server_instance_is_refused_before_anything_is_sent() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    rated(&mut ws, good_driver());
    let replaced = Arc::new(AtomicBool::new(false));
    let is_replaced = replaced.clone();
    let server = Responder::start(move |r| {
        (r.path() == "/healthz" && is_replaced.load(Ordering::SeqCst)).then(|| health("0000aaaa-restored-elsewhere"))
    });
    enroll(&mut ws, &server);
    replaced.store(true, Ordering::SeqCst);
    for err in [ws.push(NOW).expect_err("refused"), ws.pull(NOW).expect_err("refused"), ws.sync(NOW).expect_err("refused")] {
        assert_eq!(err.code(), "sync.wrong_server");
        assert!(err.to_string().contains("0000aaaa-restored-elsewhere") && err.to_string().contains(INSTANCE), "{err}");
    }
    assert!(server.to("/v1/sync/push").is_empty() && server.to("/v1/sync/pull").is_empty());
    assert_eq!(unsent(&ws), [1]);
}

#[test]
fn sync_pushes_then_pulls() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let id = rated(&mut ws, referred());
    let server = Responder::start(|r| match r.path() {
        "/v1/sync/push" => Some(answer_push(r, |_| Outcome::Accepted {
            result: ServerResult::QuoteRecorded { quote_number: "QUOT-2026-000001".into(), version: 1, status: "referred".into() },
        })),
        "/v1/sync/pull" => Some(page(
            vec![(
                2,
                ChangeBody::ReferralDecided {
                    quote_number: "QUOT-2026-000001".into(),
                    version: 1,
                    approved: false,
                    reason: "prior losses".into(),
                },
            )],
            3,
            false,
        )),
        _ => None,
    });
    enroll(&mut ws, &server);
    let report = ws.sync(NOW).expect("syncs");
    assert_eq!((report.push.accepted, report.pull.applied, report.pull.cursor), (1, 1, 3));
    assert_eq!(status(&ws, id), QuoteStatus::Declined);
    let order: Vec<String> = server.requests().iter().map(|r| r.path().to_owned()).collect();
    assert_eq!(
        order,
        ["/v1/enroll", "/healthz", "/v1/desktop/versions", "/v1/devices/me", "/v1/sync/push", "/v1/sync/pull", "/v1/organisation"],
        "one instance check, the desktop versions (this server has none) and one device state for both, then what documents print about the insurer (none either)"
    );
}

// ---------------------------------------------------------------- logs

#[test]
fn secrets_and_personal_data_never_reach_the_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut ws = open(dir.path());
    let id = rated(&mut ws, good_driver());
    ws.request_bind(id, NOW).expect("binds");
    let server = Responder::start(|r| {
        (r.path() == "/v1/sync/push").then(|| Reply::error(401, "auth.token_expired", "the device token expired; enroll again"))
    });
    enroll(&mut ws, &server);
    ws.push(NOW).expect_err("expired");
    let log = String::from_utf8(log().0.lock().expect("lock").clone()).expect("utf-8");
    assert!(log.contains("device enrolled") && log.contains("dev-0001"), "the client logs what it does:\n{log}");
    for secret in [PASSWORD, TOKEN, "Maria", "Delgado", "D7654321", "maria.delgado", "555-0142", "1983-07-14"] {
        assert!(!log.contains(secret), "`{secret}` leaked into the log:\n{log}");
    }
}
