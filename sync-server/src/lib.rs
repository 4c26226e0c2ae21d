/*!
The sync server: the authority for users, devices, policies and policy
numbers, published rate packs and the tamper-evident audit log.

- [`storage`]: the database trait and its SQLite and PostgreSQL implementations.
- [`audit`]: appends to the RFC 6962 log inside each mutation's transaction;
  [`keys`] signs checkpoints with a key stored encrypted at rest.
- [`auth`] and [`identity`]: passwords, tokens, enrollment, users, devices.
- [`sync`]: push (idempotent per device and sequence, re-rating every
  premium) and pull (a cursor on the log index).
- [`underwriting`]: referral decisions, pack publishing, policies.
- [`http`]: routes and layers; [`metrics`]: Prometheus on its own listener.

**Architecture invariant:** the server never trusts the client's premium,
role or clock: premiums are re-rated with the published pack, the role comes
from the server's own user table, and every time recorded is the server's.

**Architecture invariant:** every mutation appends its audit entry in the
same database transaction as the change, and locks the log head first.
*/

pub mod admin;
pub mod audit;
pub mod auth;
pub mod authority;
pub mod book;
pub mod customers;
pub mod desktop_versions;
pub mod error;
pub mod http;
pub mod identity;
pub mod keys;
pub mod metrics;
pub mod migration;
pub mod openapi;
pub mod organisation;
pub mod pack_keys;
pub mod packs;
pub mod personal;
pub mod policies;
pub mod policy_referrals;
pub mod rate_drafts;
pub mod renewal;
pub mod retention;
pub mod second_factor;
pub mod sso;
pub mod storage;
pub mod subject_requests;
pub mod support;
pub mod sync;
pub mod throttle;
pub mod tls;
pub mod underwriting;

use std::future::Future;
use std::sync::Arc;

use tokio::net::TcpListener;

pub use storage::{DatabaseTarget, Storage, StorageError};

/// The server's clock: the system's, moved by a fixed offset only by tests
/// and restore drills that need a server living months ahead (nothing in
/// the API or the command line moves it).
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_ms: Arc<std::sync::atomic::AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> time::OffsetDateTime {
        time::OffsetDateTime::now_utc() + time::Duration::milliseconds(self.offset_ms.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// Moves the clock forward (or back, with a negative duration).
    pub fn advance(&self, by: time::Duration) {
        let ms = i64::try_from(by.whole_milliseconds()).unwrap_or(i64::MAX);
        self.offset_ms.fetch_add(ms, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Shared state of every handler.
#[derive(Debug, Clone)]
pub struct AppState {
    pub storage: Arc<dyn Storage>,
    pub keys: Arc<keys::KeyEncryption>,
    /// Customers' personal data, sealed at rest with the key-encryption identity's vault keys.
    pub vault: Arc<personal::Vault>,
    pub packs: packs::PackCache,
    pub metrics: metrics::Metrics,
    /// Pushes waiting for their group commit.
    pub pushes: Arc<sync::PushQueue>,
    /// The number of migrations this build applies; `/readyz` compares.
    pub expected_schema_version: i64,
    log_changed: Arc<tokio::sync::Notify>,
    /// The log's size as this process last saw it (see [`watch_log_size`]).
    log_size: Arc<tokio::sync::watch::Sender<u64>>,
    /// Becomes true when the server starts shutting down.
    stopping: Arc<tokio::sync::watch::Sender<bool>>,
    /// Reverse proxies whose `X-Forwarded-For` is believed (see [`tls::client_address`]).
    pub trusted_proxies: Arc<[ipnet::IpNet]>,
    /// What identity and tokens take as now.
    pub clock: Clock,
    /// Devices one user may have enrolled and not revoked.
    pub max_devices_per_user: i64,
    /// The identity providers reached so far (discovery documents and keys).
    pub sso: Arc<sso::provider::Remotes>,
    /// The oldest desktop that may sync, as this replica last read it.
    pub desktop_minimum: Arc<desktop_versions::MinimumCache>,
}

impl AppState {
    pub fn new(storage: Arc<dyn Storage>, keys: keys::KeyEncryption, expected_schema_version: i64) -> Self {
        let keys = Arc::new(keys);
        Self {
            storage,
            vault: Arc::new(personal::Vault::new(keys.clone())),
            keys,
            packs: packs::PackCache::default(),
            metrics: metrics::Metrics::default(),
            pushes: Arc::new(sync::PushQueue::default()),
            expected_schema_version,
            log_changed: Arc::new(tokio::sync::Notify::new()),
            log_size: Arc::new(tokio::sync::watch::channel(0).0),
            stopping: Arc::new(tokio::sync::watch::channel(false).0),
            trusted_proxies: Arc::from(Vec::new()),
            clock: Clock::default(),
            max_devices_per_user: identity::MAX_ACTIVE_DEVICES_PER_USER,
            sso: Arc::new(sso::provider::Remotes::default()),
            desktop_minimum: Arc::new(desktop_versions::MinimumCache::default()),
        }
    }

    /// Believes `X-Forwarded-For` from peers in these networks.
    #[must_use]
    pub fn with_trusted_proxies(mut self, networks: Vec<ipnet::IpNet>) -> Self {
        self.trusted_proxies = Arc::from(networks);
        self
    }

    /// Tells the log watcher this process appended to the log.
    pub fn log_grew(&self) {
        self.log_changed.notify_one();
    }

    /// The log's size as last seen; changes as it grows, whichever replica appended.
    pub fn watch_log(&self) -> tokio::sync::watch::Receiver<u64> {
        self.log_size.subscribe()
    }

    /// Turns true when the server begins to shut down.
    pub fn watch_stopping(&self) -> tokio::sync::watch::Receiver<bool> {
        self.stopping.subscribe()
    }
}

/// Signs a checkpoint of the log as it is now (the endpoint, exports and the
/// periodic task all use this).
pub async fn sign_checkpoint_now(state: &AppState, request_id: &str) -> Result<(String, uw_ledger::Checkpoint), error::ApiError> {
    let mut m = audit::Mutation::begin_at(state.storage.as_ref(), request_id, state.clock.now()).await?;
    let signed = keys::sign_checkpoint(&mut m, &state.keys).await?;
    m.commit().await?;
    // Outside the database: a restored database cannot make the server
    // forget how far it signed (see `keys::check_witness`).
    keys::write_witness(&state.keys.witness_path(), &signed.0, &signed.1)?;
    Ok(signed)
}

/// How the API listener speaks.
#[derive(Debug, Clone)]
pub enum Transport {
    /// Plain HTTP: on loopback, or behind a TLS-terminating reverse proxy.
    Http,
    /// TLS terminated here with this certificate (reloadable).
    Tls(axum_server::tls_openssl::OpenSSLConfig),
}

/// How long a client may take to send a request's headers.
pub const HEADER_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

/// Serves the API on `listener` over plain HTTP (see [`serve_over`]).
pub async fn serve(
    listener: TcpListener,
    metrics: Option<TcpListener>,
    state: AppState,
    checkpoint_every: std::time::Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_over(listener, Transport::Http, metrics, state, checkpoint_every, shutdown).await
}

/// Serves the API on `listener` and the metrics on `metrics` until
/// `shutdown` resolves, signing a checkpoint every `checkpoint_every` while
/// the log grows; then finishes the requests in flight and closes the database.
pub async fn serve_over(
    listener: TcpListener,
    transport: Transport,
    metrics: Option<TcpListener>,
    state: AppState,
    checkpoint_every: std::time::Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let storage = state.storage.clone();
    let stop_rx = state.watch_stopping();
    let stopping = state.stopping.clone();
    let checkpoints = tokio::spawn(periodic_checkpoints(state.clone(), checkpoint_every, stop_rx.clone()));
    let watcher = tokio::spawn(watch_log_size(state.clone(), stop_rx.clone()));
    let retention = tokio::spawn(retention::daily(state.clone(), stop_rx.clone()));
    let providers = tokio::spawn(sso::periodic(state.clone(), stop_rx.clone()));
    // Waves a crash left running go on; a wave is idempotent batch by batch.
    tokio::spawn(migration::resume(state.clone()));
    let metrics_task = metrics.map(|listener| {
        let mut stop = stop_rx.clone();
        let app = http::metrics_router(state.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = stop.wait_for(|s| *s).await;
                })
                .await;
        })
    });
    let app = http::router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let shutdown = async move {
        shutdown.await;
        // Long polls answer at once; the periodic tasks stop.
        stopping.send_replace(true);
    };
    match transport {
        Transport::Http => axum::serve(listener, app).with_graceful_shutdown(shutdown).await?,
        Transport::Tls(config) => {
            let handle = axum_server::Handle::new();
            let stopper = handle.clone();
            tokio::spawn(async move {
                shutdown.await;
                stopper.graceful_shutdown(None);
            });
            let mut server = axum_server::from_tcp(listener.into_std()?)?
                .acceptor(axum_server::tls_openssl::OpenSSLAcceptor::new(config))
                .handle(handle);
            server.http_builder().http1().header_read_timeout(HEADER_READ_TIMEOUT);
            server.serve(app).await?;
        }
    }
    let _ = checkpoints.await;
    let _ = watcher.await;
    let _ = retention.await;
    let _ = providers.await;
    if let Some(task) = metrics_task {
        let _ = task.await;
    }
    storage.close().await;
    Ok(())
}

/// How often the log watcher reads the log's size when this process did not
/// append: another replica over the same PostgreSQL may have.
pub const LOG_POLL: std::time::Duration = std::time::Duration::from_secs(1);

/// Keeps [`AppState::watch_log`] current: reads the log's size when this
/// process appended and every [`LOG_POLL`], so one query serves every
/// waiting device instead of one per device.
async fn watch_log_size(state: AppState, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        let size = match state.storage.begin(storage::TxMode::Read).await {
            Ok(mut tx) => audit::log_size(&mut *tx).await.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        match size {
            Ok(size) => {
                state.log_size.send_if_modified(|seen| {
                    let grew = size > *seen;
                    if grew {
                        *seen = size;
                    }
                    grew
                });
            }
            Err(e) => tracing::warn!(error = %e, "cannot read the log size for long polls"),
        }
        tokio::select! {
            _ = stop.wait_for(|s| *s) => return,
            () = state.log_changed.notified() => {}
            () = tokio::time::sleep(LOG_POLL) => {}
        }
    }
}

async fn periodic_checkpoints(state: AppState, every: std::time::Duration, mut stop: tokio::sync::watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = stop.wait_for(|s| *s) => return,
            () = tokio::time::sleep(every) => {}
        }
        if let Err(e) = sign_checkpoint_now(&state, "periodic-checkpoint").await {
            tracing::error!(error = %e.message, "periodic checkpoint failed");
        }
    }
}

/// Resolves on SIGTERM or SIGINT (Ctrl-C).
pub async fn shutdown_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    tokio::select! {
        () = terminate => tracing::info!("SIGTERM received, shutting down"),
        result = tokio::signal::ctrl_c() => match result {
            Ok(()) => tracing::info!("interrupt received, shutting down"),
            Err(e) => tracing::error!("cannot listen for Ctrl-C: {e}"),
        },
    }
}
