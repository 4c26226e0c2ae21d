/*!
The parts of the system tests that drive the real binaries together: a demo
organisation served by `uw-sync-server` from a fixed address (so it can stop
and start under the devices' stored URL), and laptops running the real
workstation on their own SQLCipher stores.
*/

use std::path::{Path, PathBuf};

use reqwest::StatusCode;
use time::OffsetDateTime;
use uw_workstation::{KeySource, QuoteInput, QuoteStatus, RetryPolicy, StoreKey, Workstation, WorkstationConfig};

use crate::api::ApiClient;
use crate::{free_port, DemoOrg, ServerProcess};

/// A demo organisation on one database, served from a fixed address so the
/// server can stop and start again under the devices' stored URL.
#[derive(Debug)]
pub struct Org {
    pub args: Vec<String>,
    pub demo: DemoOrg,
    pub listen: String,
    _dir: tempfile::TempDir,
}

impl Org {
    pub fn create(database_args: &[&str]) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut args: Vec<String> = database_args.iter().map(|s| (*s).to_owned()).collect();
        args.extend(["--key-file".to_owned(), dir.path().join("server.key").to_str().expect("utf-8").to_owned()]);
        let demo = DemoOrg::create(&refs(&args));
        Self { args, demo, listen: format!("127.0.0.1:{}", free_port()), _dir: dir }
    }

    pub fn start(&self) -> ServerProcess {
        ServerProcess::start_on(&self.listen, &refs(&self.args))
    }

    /// `uw-sync-server admin DATABASE… ARGS…`; returns what it printed.
    pub fn admin(&self, args: &[&str]) -> String {
        let mut all = refs(&self.args);
        all.extend_from_slice(args);
        let output = ServerProcess::admin(&all);
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(output.status.success(), "admin {args:?}: {stdout}{}", String::from_utf8_lossy(&output.stderr));
        stdout
    }

    /// Adds a user and returns the password printed once.
    pub fn add_user(&self, username: &str, role: &str) -> String {
        let printed = self.admin(&["user", "add", username, "--role", role]);
        printed
            .lines()
            .find_map(|l| l.strip_prefix("password (shown once): "))
            .unwrap_or_else(|| panic!("no password printed: {printed}"))
            .to_owned()
    }
}

pub fn refs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// A workstation error's code, and the sync server's own code when it sent one.
pub fn codes(e: &uw_workstation::WorkstationError) -> (&'static str, Option<String>) {
    let server = match e {
        uw_workstation::WorkstationError::Sync(s) => s.server_code().map(str::to_owned),
        _ => None,
    };
    (e.code(), server)
}

/// A laptop: a workstation on its own SQLCipher store (key in a file).
#[derive(Debug)]
pub struct Laptop {
    pub dir: PathBuf,
    pub ws: Workstation,
}

impl Laptop {
    pub fn open(dir: &Path) -> Self {
        let config = WorkstationConfig::new(dir.join("data"), KeySource::File(dir.join("store.key")));
        let mut ws = Workstation::open(&config).expect("opens the workstation");
        ws.set_retry_policy(RetryPolicy {
            max_attempts: 2,
            base_delay: std::time::Duration::from_millis(20),
            max_delay: std::time::Duration::from_millis(100),
            max_retry_after: std::time::Duration::from_secs(1),
            timeout: std::time::Duration::from_secs(30),
        });
        Self { dir: dir.to_owned(), ws }
    }

    pub fn reopen(self) -> Self {
        let dir = self.dir.clone();
        drop(self);
        Self::open(&dir)
    }

    /// A quote created and rated (`quote.rated` waits in the outbox).
    pub fn rated(&mut self, input: QuoteInput) -> i64 {
        let id = self.ws.create_quote(input, now()).expect("creates").id;
        self.ws.rate_quote(id, now()).expect("rates");
        id
    }

    pub fn status(&self, id: i64) -> QuoteStatus {
        self.ws.quote(id).expect("quote").summary.status
    }

    pub fn number(&self, id: i64) -> String {
        self.ws.quote(id).expect("quote").summary.quote_number.to_string()
    }

    pub fn unsent(&self) -> usize {
        self.ws.store().outbox().expect("outbox").iter().filter(|e| e.sent_at.is_none()).count()
    }

    /// Runs SQL on the store with its key, as any SQLCipher client could.
    pub fn tamper(&self, sql: &str, params: impl rusqlite::Params) -> usize {
        let text = std::fs::read_to_string(self.dir.join("store.key")).expect("key file");
        let key = StoreKey::from_hex(&text, "store.key").expect("key");
        tamper_store(&self.dir.join("data"), &key, sql, params)
    }
}

/// Runs `sql` on the encrypted store in `data_dir` behind the workstation's
/// back (the app closed), as someone with the key could; returns the rows changed.
pub fn tamper_store(data_dir: &Path, key: &StoreKey, sql: &str, params: impl rusqlite::Params) -> usize {
    let conn = rusqlite::Connection::open(data_dir.join(uw_workstation::STORE_FILE)).expect("open");
    conn.execute_batch(&format!("PRAGMA key = \"x'{}'\"; PRAGMA cipher_compatibility = 4;", &*key.to_hex())).expect("key");
    conn.execute(sql, params).expect("tamper")
}

/// The server's checkpoint verifier keys, as `auditor` (a logged-in
/// auditor's client) reads them.
pub async fn verifier_keys(auditor: &ApiClient) -> Vec<uw_ledger::NoteVerifier> {
    let (_, keys) = auditor.get("/v1/audit/keys").await;
    keys["verifier_keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| uw_ledger::NoteVerifier::parse(k.as_str().expect("text")).expect("verifier"))
        .collect()
}

/// The device signatures in the audit log, from the export of `auditor`
/// (username, password); asserts none appears twice.
pub async fn device_signatures(api: &ApiClient, auditor: (&str, &str)) -> Vec<[u8; 64]> {
    let auditor = api.login(auditor.0, auditor.1).await;
    let verifiers = verifier_keys(&auditor).await;
    let (status, export) = auditor.get("/v1/audit/export?start=0").await;
    assert_eq!(status, StatusCode::OK, "{export}");
    let verified = uw_ledger::export::verify(export.as_str().expect("text"), &verifiers, None).expect("the export verifies");
    let mut signatures: Vec<[u8; 64]> =
        verified.entries.iter().filter_map(|bytes| uw_ledger::AuditEntry::decode(bytes).expect("entry").device_signature).collect();
    let count = signatures.len();
    signatures.sort_unstable();
    signatures.dedup();
    assert_eq!(signatures.len(), count, "an operation was applied twice");
    signatures
}

/// The text of `pdf` (pdftotext), after `qpdf --check` finds nothing wrong.
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("document.pdf");
    std::fs::write(&path, pdf).expect("write");
    let check = std::process::Command::new("qpdf").arg("--check").arg(&path).output().expect("qpdf (apt-get install qpdf)");
    assert!(check.status.success(), "qpdf --check: {}", String::from_utf8_lossy(&check.stdout));
    let text = std::process::Command::new("pdftotext").arg(&path).arg("-").output().expect("pdftotext (apt-get install poppler-utils)");
    assert!(text.status.success());
    String::from_utf8(text.stdout).expect("utf-8")
}
