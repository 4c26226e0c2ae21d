/*!
A sync server inside the test process, on its own runtime threads, so a test
can move the server's clock (see `uw_sync_server::Clock`) and serve over TLS
with certificates it made, while real workstations (blocking clients) talk
to it from the test's own thread.
*/

use std::time::Duration;

use uw_protocol::{NewUser, Role, Secret};
use uw_sync_server::audit::Actor;
use uw_sync_server::keys::KeyEncryption;
use uw_sync_server::{admin, identity, pack_keys, storage, AppState, DatabaseTarget, Transport};

use crate::tls::ServerCertificate;
use crate::workspace_root;

/// Every user of the in-process organisation has this password.
pub const PASSWORD: &str = "in-process password 1";

/// A demo-like organisation (agents `agent1` and `agent2`, underwriter
/// `uw1`, administrator `admin1`; the development pack key trusted and the
/// California auto pack published) served on 127.0.0.1 from SQLite.
#[derive(Debug)]
pub struct InProcessServer {
    /// `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`.
    pub base_url: String,
    pub state: AppState,
    runtime: tokio::runtime::Runtime,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    _dir: tempfile::TempDir,
}

impl InProcessServer {
    /// Starts the server, over TLS with `certificate` when given.
    pub fn start(certificate: Option<&ServerCertificate>) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
        let dir = tempfile::tempdir().expect("tempdir");
        let target = DatabaseTarget::Sqlite(dir.path().join("server.sqlite3"));
        let (state, listener) = runtime.block_on(async {
            let storage = storage::open(&target).await.expect("open the database");
            let keys = KeyEncryption::create(&dir.path().join("server.key")).expect("key file");
            let state = AppState::new(storage, keys, storage::migration_count(&target));
            admin::init(&state, "In-Process Org").await.expect("init");
            let actor = Actor::system("test-setup");
            // Sessions here sign in with passwords alone: these servers test other
            // things (`tests/tests/second_factor.rs` tests the policy `admin init` sets).
            uw_sync_server::second_factor::set_policy(&state, &actor, &uw_protocol::SecondFactorPolicy { roles: Vec::new() }, "setup")
                .await
                .expect("policy");
            for (name, role) in [("agent1", Role::Agent), ("agent2", Role::Agent), ("uw1", Role::Underwriter), ("admin1", Role::Admin)] {
                identity::add_user(
                    &state,
                    &actor,
                    NewUser { username: name.into(), password: Secret::new(PASSWORD), role, agency: None },
                    "setup",
                )
                .await
                .expect("add user");
            }
            let dev_key = std::fs::read_to_string(workspace_root().join("rate-packs/keys/uw-dev-2026.pub")).expect("dev key");
            pack_keys::trust_pack_key(&state, &actor, "uw-dev-2026", dev_key.trim(), None, "setup").await.expect("trust key");
            admin::publish_packs(&state, &actor, &workspace_root().join("rate-packs/ca-personal-auto")).await.expect("publish");
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
            (state, listener)
        });
        let port = listener.local_addr().expect("addr").port();
        let (transport, scheme) = match certificate {
            Some(c) => (Transport::Tls(uw_sync_server::tls::config(&c.tls_files()).expect("the certificate loads")), "https"),
            None => (Transport::Http, "http"),
        };
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let serving = state.clone();
        let task = runtime.spawn(async move {
            uw_sync_server::serve_over(listener, transport, None, serving, Duration::from_secs(3600), async move {
                let _ = stopped.await;
            })
            .await
        });
        Self { base_url: format!("{scheme}://127.0.0.1:{port}"), state, runtime, stop: Some(stop), task: Some(task), _dir: dir }
    }

    /// Runs a future on the server's runtime (direct calls into the server's modules).
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// Runs SQL on the server's database; returns the rows changed.
    pub fn execute(&self, sql: &str, args: Vec<uw_sync_server::storage::SqlValue>) -> u64 {
        self.block_on(async {
            let mut tx = self.state.storage.begin(storage::TxMode::Write).await.expect("begin");
            let n = tx.execute(sql, args).await.expect("execute");
            tx.commit().await.expect("commit");
            n
        })
    }

    /// The audit log's actions, in order.
    pub fn audit_actions(&self) -> Vec<String> {
        self.block_on(async {
            let rows = self.state.storage.query("SELECT entry FROM audit_entry ORDER BY idx", vec![]).await.expect("query");
            rows.iter().map(|r| uw_ledger::AuditEntry::decode(&r.bytes(0).expect("bytes")).expect("entry").action).collect()
        })
    }
}

impl Drop for InProcessServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = self.runtime.block_on(async { tokio::time::timeout(Duration::from_secs(10), task).await });
        }
    }
}
