//! Faults: the server is killed with SIGKILL at random points while a laptop
//! pushes, over and over, and restarted each time. Afterwards nothing the
//! laptop sent is lost or applied twice, every bind issued exactly one policy
//! under a unique number, and the audit log is one tree with no gap or fork:
//! `uw audit verify` accepts the auditor's export and proves it consistent
//! with checkpoints signed between the crashes.
//!
//! Half the kills land at a random moment; the other half land the moment
//! the server's answer to a push reaches the proxy between the laptop and
//! the server, before the laptop sees it: the server has committed and the
//! device does not know. A push commits once (a group commit), so a random
//! moment would rarely fall in that window.

#[path = "../../crates/workstation/tests/common/mod.rs"]
mod common;

use std::collections::BTreeSet;
use std::io::{Read as _, Write as _};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::good_driver;
use reqwest::StatusCode;
use uw_system_tests::api::ApiClient;
use uw_system_tests::system::{device_signatures, now, Laptop, Org};
use uw_system_tests::{workspace_bin, PostgresDatabase, Rng};
use uw_workstation::{QuoteStatus, Secret};

/// Kills that must land while a push is under way.
const KILLS: usize = 100;

/// A TCP proxy in front of the server. Armed with the server's process id,
/// it kills the server with SIGKILL when the first bytes of an answer to a
/// push arrive, and closes the laptop's connection without forwarding them.
struct Proxy {
    url: String,
    armed: Arc<Mutex<Option<String>>>,
}

impl Proxy {
    fn start(upstream: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let url = format!("http://{}", listener.local_addr().expect("proxy address"));
        let armed = Arc::new(Mutex::new(None));
        let (upstream, shared) = (upstream.to_owned(), armed.clone());
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let (upstream, armed) = (upstream.clone(), shared.clone());
                std::thread::spawn(move || relay(client, &upstream, &armed));
            }
        });
        Self { url, armed }
    }

    /// Kills `pid` at the next answer to a push.
    fn arm(&self, pid: &str) {
        *self.armed.lock().expect("proxy lock") = Some(pid.to_owned());
    }

    /// Whether an armed kill is still waiting (and disarms it).
    fn disarm(&self) -> bool {
        self.armed.lock().expect("proxy lock").take().is_some()
    }
}

fn relay(client: TcpStream, upstream: &str, armed: &Mutex<Option<String>>) {
    // With the server down, the laptop sees its connection closed.
    let Ok(server) = TcpStream::connect(upstream) else { return };
    let pushing = Arc::new(AtomicBool::new(false));
    let (mut from_client, mut to_server) = (client.try_clone().expect("clone"), server.try_clone().expect("clone"));
    let saw_push = pushing.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 65536];
        while let Ok(n @ 1..) = from_client.read(&mut buf) {
            if buf[..n].starts_with(b"POST /v1/sync/push ") {
                saw_push.store(true, Ordering::SeqCst);
            }
            if to_server.write_all(&buf[..n]).is_err() {
                break;
            }
        }
        let _ = to_server.shutdown(Shutdown::Write);
    });
    let (mut from_server, mut to_client) = (server, client);
    let mut buf = [0u8; 65536];
    while let Ok(n @ 1..) = from_server.read(&mut buf) {
        if pushing.swap(false, Ordering::SeqCst) {
            if let Some(pid) = armed.lock().expect("proxy lock").take() {
                Command::new("kill").args(["-KILL", &pid]).status().expect("run kill");
                let _ = to_client.shutdown(Shutdown::Both);
                return;
            }
        }
        if to_client.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = to_client.shutdown(Shutdown::Write);
}

fn sigkill_story(database_args: &[&str]) {
    let org = Org::create(database_args);
    let dirs = tempfile::tempdir().expect("tempdir");
    let mut laptop = Laptop::open(&dirs.path().join("laptop"));
    let server = org.start();
    let proxy = Proxy::start(&org.listen);
    laptop.ws.enroll(&proxy.url, "agent", &Secret::new(org.demo.password("agent")), "agent-laptop", now()).expect("enrolls");
    drop(server);

    let mut rng = Rng::seeded();
    let mut rated: Vec<i64> = Vec::new();
    let mut bound: Vec<i64> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let (mut kills, mut rounds, mut duplicates) = (0, 0, 0);
    while kills < KILLS {
        rounds += 1;
        assert!(rounds <= 4 * KILLS, "only {kills} of {rounds} kills landed during a push");
        // The agent keeps working between the crashes: new ratings, and binds
        // of quotes rated earlier (whether or not the server has them yet).
        for _ in 0..4 {
            rated.push(laptop.rated(good_driver()));
        }
        for _ in 0..2 {
            let id = rated.remove(usize::try_from(rng.below(rated.len() as u64)).expect("index"));
            laptop.ws.request_bind(id, now()).expect("bind requested");
            bound.push(id);
        }
        // Now and then, with the server down, a checkpoint to prove the final log against.
        if rounds % 15 == 0 {
            notes.push(org.admin(&["checkpoint"]));
        }
        let server = org.start();
        let pid = server.pid().to_string();
        let pushed = if rounds % 2 == 0 {
            proxy.arm(&pid);
            let pushed = laptop.ws.push(now());
            assert!(!proxy.disarm(), "a push reached the server and was answered");
            pushed
        } else {
            let delay = Duration::from_millis(rng.below(250));
            let killer = std::thread::spawn(move || {
                std::thread::sleep(delay);
                Command::new("kill").args(["-KILL", &pid]).status().expect("run kill")
            });
            let pushed = laptop.ws.push(now());
            assert!(killer.join().expect("killer").success());
            pushed
        };
        let status = server.kill();
        assert!(!status.success(), "the server died of SIGKILL: {status:?}");
        match pushed {
            Ok(report) => duplicates += report.duplicate,
            Err(e) => {
                assert_eq!(e.code(), "sync.unreachable", "a crash looks like a lost connection, nothing else: {e}");
                kills += 1;
            }
        }
    }
    eprintln!("{kills} kills during a push in {rounds} rounds; {} checkpoints between crashes", notes.len());

    // The server comes back for good: the laptop delivers the rest and pulls.
    let server = org.start();
    let mut delivered = false;
    for _ in 0..5 {
        duplicates += laptop.ws.sync(now()).expect("syncs").push.duplicate;
        if laptop.unsent() == 0 {
            delivered = true;
            break;
        }
    }
    assert!(delivered, "{} operations still unsent", laptop.unsent());
    // Operations the server committed but could not answer before it died
    // came back as duplicates: the kills did land between commit and reply.
    eprintln!("{duplicates} operations were answered as duplicates after a crash");
    assert!(duplicates > 0, "no kill landed between a commit and its answer; the test proved less than it claims");
    assert!(laptop.ws.sync_issues().expect("issues").is_empty(), "{:?}", laptop.ws.sync_issues());
    let numbers: BTreeSet<String> = bound.iter().map(|id| laptop.number(*id)).collect();
    for id in &bound {
        assert_eq!(laptop.status(*id), QuoteStatus::Bound, "{}", laptop.number(*id));
    }
    for id in &rated {
        assert_eq!(laptop.status(*id), QuoteStatus::Rated, "{}", laptop.number(*id));
    }

    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let api = ApiClient::new(&server.base_url, None);
    rt.block_on(async {
        // Every bind issued one policy, under a number of its own.
        let agent = api.login("agent", org.demo.password("agent")).await;
        let (status, policies) = agent.get("/v1/policies").await;
        assert_eq!(status, StatusCode::OK, "{policies}");
        let policies = policies.as_array().expect("list");
        let policy_numbers: BTreeSet<&str> = policies.iter().filter_map(|p| p["policy_number"].as_str()).collect();
        let quote_numbers: BTreeSet<String> = policies.iter().filter_map(|p| p["quote_number"].as_str().map(str::to_owned)).collect();
        assert_eq!((policies.len(), policy_numbers.len()), (bound.len(), bound.len()), "policies: {policies:?}");
        assert_eq!(quote_numbers, numbers);

        // Every operation in the outbox is in the audit log exactly once.
        let outbox: BTreeSet<Vec<u8>> =
            laptop.ws.store().outbox().expect("outbox").iter().map(|e| hex::decode(&e.signature).expect("hex signature")).collect();
        let logged: BTreeSet<Vec<u8>> =
            device_signatures(&api, ("auditor", org.demo.password("auditor"))).await.iter().map(|s| s.to_vec()).collect();
        assert_eq!(outbox.len(), rated.len() + 2 * bound.len(), "one rating per quote and one bind request per bind");
        assert_eq!(logged, outbox, "the log holds exactly the device's operations");

        // `uw audit verify` accepts the whole log and proves it consistent with
        // every checkpoint signed between the crashes: no gap, no fork.
        let auditor = api.login("auditor", org.demo.password("auditor")).await;
        let (_, keys) = auditor.get("/v1/audit/keys").await;
        let work = tempfile::tempdir().expect("tempdir");
        let key_file = work.path().join("log.pub");
        std::fs::write(&key_file, keys["verifier_keys"][0].as_str().expect("a verifier key")).expect("write key");
        assert!(!notes.is_empty());
        for note in &notes {
            let checkpoint = uw_ledger::Checkpoint::parse(note.split("\n\n").next().expect("body")).expect("checkpoint");
            let (status, export) = auditor.get(&format!("/v1/audit/export?start=0&previous={}", checkpoint.size)).await;
            assert_eq!(status, StatusCode::OK, "{export}");
            let bundle = work.path().join("export.txt");
            std::fs::write(&bundle, export.as_str().expect("text")).expect("write export");
            let previous = work.path().join("previous.note");
            std::fs::write(&previous, format!("{}\n", note.trim_end())).expect("write note");
            let output = Command::new(workspace_bin("uw"))
                .args(["audit", "verify"])
                .arg(&bundle)
                .arg("--key")
                .arg(&key_file)
                .arg("--previous")
                .arg(&previous)
                .output()
                .expect("run uw audit verify");
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert!(output.status.success(), "uw audit verify: {stdout}{}", String::from_utf8_lossy(&output.stderr));
            assert!(stdout.contains(&format!("consistent with your previous checkpoint of size {}", checkpoint.size)), "{stdout}");
        }
    });
    drop(server);
}

#[test]
fn sigkill_during_pushes_loses_nothing_and_applies_nothing_twice_on_sqlite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("server.sqlite3");
    sigkill_story(&["--sqlite", path.to_str().expect("utf-8")]);
}

#[test]
fn sigkill_during_pushes_loses_nothing_and_applies_nothing_twice_on_postgres() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let db = rt.block_on(PostgresDatabase::create());
    sigkill_story(&["--database-url", &db.url]);
    rt.block_on(db.drop_database());
}
