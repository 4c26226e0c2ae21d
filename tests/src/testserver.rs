//! A sync server in this test process on SQLite or PostgreSQL, set up with
//! an organisation, two users of each working role, an administrator, an
//! auditor, the development pack key and the Texas auto pack: the API tests
//! and the security suite drive it over HTTP and can move its clock. It
//! trusts 127.0.0.1 as its reverse proxy, so a test can sign in "from" any
//! address with `X-Forwarded-For`.

use serde_json::Value;
use uw_protocol::{NewUser, Role, Secret};
use uw_sync_server::audit::Actor;
use uw_sync_server::keys::KeyEncryption;
use uw_sync_server::{admin, identity, pack_keys, storage, AppState, DatabaseTarget};

use crate::api::{ApiClient, Device};
use crate::{workspace_root, PostgresDatabase};

/// Every test user's password.
pub const PASSWORD: &str = "correct horse battery";

/// A served [`AppState`] with its database (dropped at [`TestServer::stop`]).
#[derive(Debug)]
pub struct TestServer {
    pub base: String,
    pub state: AppState,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
    _dir: tempfile::TempDir,
    postgres: Option<PostgresDatabase>,
}

impl TestServer {
    pub async fn start(engine: &str) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        let (target, postgres) = match engine {
            "sqlite" => (DatabaseTarget::Sqlite(dir.path().join("server.sqlite3")), None),
            _ => {
                let db = PostgresDatabase::create().await;
                (DatabaseTarget::Postgres(db.url.clone()), Some(db))
            }
        };
        let storage = storage::open(&target).await.expect("open the database");
        let keys = KeyEncryption::create(&dir.path().join("server.key")).expect("key file");
        // As if behind a reverse proxy on this machine: a request's
        // `X-Forwarded-For` names its client; without one, it is 127.0.0.1.
        let proxy = uw_sync_server::tls::parse_networks(&["127.0.0.1/32".to_owned()]).expect("network");
        let state = AppState::new(storage, keys, storage::migration_count(&target)).with_trusted_proxies(proxy);
        admin::init(&state, "Test Org").await.expect("init");
        let actor = Actor::system("test-setup");
        // Sessions here sign in with passwords alone: these servers test other
        // things (`tests/tests/second_factor.rs` tests the policy `admin init` sets).
        uw_sync_server::second_factor::set_policy(&state, &actor, &uw_protocol::SecondFactorPolicy { roles: Vec::new() }, "setup")
            .await
            .expect("policy");
        for (name, role) in [
            ("agent1", Role::Agent),
            ("agent2", Role::Agent),
            ("uw1", Role::Underwriter),
            ("uw2", Role::Underwriter),
            ("admin1", Role::Admin),
            ("auditor1", Role::Auditor),
        ] {
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
        admin::publish_packs(&state, &actor, &workspace_root().join("rate-packs/tx-personal-auto")).await.expect("publish");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let serving = state.clone();
        let task = tokio::spawn(async move {
            uw_sync_server::serve(listener, None, serving, std::time::Duration::from_secs(3600), async move {
                let _ = stopped.await;
            })
            .await
            .expect("serve");
        });
        Self { base, state, stop: Some(stop), task, _dir: dir, postgres }
    }

    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let task = std::mem::replace(&mut self.task, tokio::spawn(async {}));
        task.await.expect("server task");
        if let Some(db) = self.postgres.take() {
            db.drop_database().await;
        }
    }

    /// The audit log's actions, in order.
    pub async fn audit_actions(&self) -> Vec<String> {
        let rows = self.state.storage.query("SELECT entry FROM audit_entry ORDER BY idx", vec![]).await.expect("query");
        rows.iter().map(|r| uw_ledger::AuditEntry::decode(&r.bytes(0).expect("bytes")).expect("entry").action).collect()
    }

    pub fn client(&self, token: Option<&str>) -> ApiClient {
        ApiClient::new(&self.base, token)
    }

    pub async fn login(&self, username: &str) -> ApiClient {
        self.client(None).login(username, PASSWORD).await
    }
}

/// `username`'s new device, enrolled with a fresh key.
pub async fn enroll(server: &TestServer, username: &str) -> (Device, Value) {
    Device::enroll(&server.client(None), username, PASSWORD)
        .await
        .unwrap_or_else(|(status, body)| panic!("enroll {username}: {status} {body}"))
}
