//! `uw-load`: a load generator for `uw-sync-server`.
//!
//! ```text
//! uw-load --server http://127.0.0.1:8787 --username agent push --clients 100 --seconds 30
//! uw-load --server http://127.0.0.1:8787 --username agent hold --connections 10000 --seconds 60 --server-pid PID
//! ```
//!
//! `push` enrolls one device per client (each with its own key, token and
//! quote-number block), then every client pushes signed `quote.rated`
//! operations, `--batch` per request, for `--seconds`. Without `--rate`
//! each client pushes again as soon as it has its answer (a closed loop: it
//! measures the most the server can do, and latency is then the queue, by
//! Little's law clients ÷ throughput). With `--rate R` the clients together
//! offer R operations a second, each on its own schedule (an open loop, as
//! devices behave), and a request's latency counts from when it was due,
//! so a server that falls behind is not flattered by clients that wait for
//! it. It prints operations per second and the request latency's p50, p99
//! and maximum. The server re-rates every operation.
//!
//! `hold` keeps `--connections` long polls (`GET /v1/sync/wait`) open at
//! once, re-polling as each answers, while a probe measures `/v1/me`
//! latency; with `--server-pid` it also reports the server's open file
//! descriptors and resident memory at the peak. The long polls share one
//! session token, or with `--devices` each uses its own device's token:
//! `seed-devices` writes the devices into the server's SQLite file first
//! (enrolling 20,000 would measure Argon2, not the connections), and each
//! renews its token with its key. `--ca PEM` trusts that CA alone (HTTPS).
//!
//! `fill-audit` appends `--entries` audit entries straight into a server's
//! database (SQLite file or PostgreSQL URL), 10,000 to a transaction, as the
//! server appends them; `export` then times `GET /v1/audit/export` of a
//! range as an auditor, reading the streamed body to its end.
//!
//! `seed-customers` writes `--count` customers, each with one quote record
//! whose personal values are sealed as the server seals them (with the
//! server's key file), straight into its database; `find-customers` then
//! times `GET /v1/customers?name=` of random ones (as an underwriter).
//!
//! The password comes from `UW_LOAD_PASSWORD`, never the command line.

#![allow(clippy::print_stdout, reason = "a command-line tool reports on stdout")]
#![allow(clippy::float_arithmetic, reason = "rates and milliseconds in a report; no money here")]

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use serde_json::Value;
use uw_system_tests::api::{rated_payload, tx_auto_example, tx_auto_pack, ApiClient, Device};

#[derive(Debug, Parser)]
#[command(name = "uw-load", about = "Load generator for uw-sync-server")]
struct Args {
    /// The server's base URL.
    #[arg(long)]
    server: String,
    /// An agent or underwriter.
    #[arg(long, default_value = "agent")]
    username: String,
    /// The user's password.
    #[arg(long, env = "UW_LOAD_PASSWORD", hide_env_values = true, default_value = "")]
    password: String,
    /// A PEM certificate authority to trust alone (an HTTPS server with a
    /// certificate of the organisation's own CA).
    #[arg(long)]
    ca: Option<std::path::PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Concurrent devices pushing signed operations.
    Push {
        #[arg(long, default_value_t = 100)]
        clients: usize,
        #[arg(long, default_value_t = 30)]
        seconds: u64,
        /// Operations per push request.
        #[arg(long, default_value_t = 1)]
        batch: usize,
        /// Operations a second that all clients together offer; without it,
        /// each client pushes again as soon as it is answered.
        #[arg(long)]
        rate: Option<f64>,
    },
    /// Long polls held open at once.
    Hold {
        #[arg(long, default_value_t = 10_000)]
        connections: usize,
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// The server's process id, to report its descriptors and memory.
        #[arg(long)]
        server_pid: Option<u32>,
        /// Hold each long poll with its own device's token: the devices
        /// `seed-devices` wrote, each renewing its token with its key first.
        #[arg(long)]
        devices: bool,
    },
    /// Writes `count` enrolled devices of `--username` straight into a
    /// server's SQLite file (enrolling them would measure Argon2, not the
    /// connections); their keys come from their numbers, so `hold --devices`
    /// can sign their token renewals.
    SeedDevices {
        #[arg(long)]
        sqlite: std::path::PathBuf,
        #[arg(long, default_value_t = 20_000)]
        count: usize,
    },
    /// Appends audit entries straight into a server's database.
    FillAudit {
        /// An SQLite file, or a postgres:// URL.
        #[arg(long)]
        database: String,
        #[arg(long, default_value_t = 1_000_000)]
        entries: u64,
    },
    /// Guesses passwords: `--attempts` wrong-password logins from
    /// `--addresses` client addresses (named in `X-Forwarded-For`, for a
    /// server that trusts this machine as its proxy), `--concurrency` at a
    /// time, at the accounts `--accounts` (comma-separated).
    Brute {
        #[arg(long, default_value_t = 1000)]
        attempts: usize,
        #[arg(long, default_value_t = 50)]
        addresses: usize,
        #[arg(long, default_value_t = 20)]
        concurrency: usize,
        #[arg(long, default_value = "agent,admin,underwriter")]
        accounts: String,
        /// Spread the attempts evenly over this many seconds (0: as fast as answered).
        #[arg(long, default_value_t = 0)]
        seconds: u64,
    },
    /// Writes `count` customers, each with a quote record sealed with the
    /// server's key file, straight into its database.
    SeedCustomers {
        /// An SQLite file, or a postgres:// URL.
        #[arg(long)]
        database: String,
        #[arg(long)]
        key_file: std::path::PathBuf,
        #[arg(long, default_value_t = 100_000)]
        count: u64,
    },
    /// Times look-ups of random seeded customers by exact name (as an
    /// underwriter: `--username underwriter`).
    FindCustomers {
        /// How many customers `seed-customers` wrote.
        #[arg(long, default_value_t = 100_000)]
        count: u64,
        #[arg(long, default_value_t = 1_000)]
        samples: usize,
    },
    /// Times an audit export (as an auditor: `--username auditor`).
    Export {
        #[arg(long, default_value_t = 0)]
        start: u64,
        #[arg(long)]
        end: Option<u64>,
    },
}

/// Appends `entries` audit entries, 10,000 to a transaction.
async fn fill_audit(database: &str, entries: u64) -> Result<(), String> {
    let target = if database.starts_with("postgres://") || database.starts_with("postgresql://") {
        uw_sync_server::DatabaseTarget::Postgres(database.to_owned())
    } else {
        uw_sync_server::DatabaseTarget::Sqlite(database.into())
    };
    let storage = uw_sync_server::storage::open(&target).await.map_err(|e| e.to_string())?;
    let actor = uw_sync_server::audit::Actor::system("uw-load");
    let started = Instant::now();
    let mut done = 0;
    while done < entries {
        let batch = (entries - done).min(10_000);
        let mut m = uw_sync_server::audit::Mutation::begin(storage.as_ref(), "uw-load-fill").await.map_err(|e| e.to_string())?;
        for i in 0..batch {
            let n = done + i;
            let change = serde_json::json!({ "quote_number": format!("QUOT-2026-00001-{:05}", n % 100_000), "total": "1234.56", "n": n });
            m.audit(&actor, "quote.rated", ("quote", &format!("Q{n}")), &change, None).await.map_err(|e| e.to_string())?;
        }
        m.commit().await.map_err(|e| e.to_string())?;
        done += batch;
        if done % 100_000 == 0 || done == entries {
            println!("{done} entries appended ({:.1} s)", started.elapsed().as_secs_f64());
        }
    }
    storage.close().await;
    Ok(())
}

/// The device the seeded customers' quotes come from.
const SEED_DEVICE: &str = "5eed0000000000000000000000c05700";

/// The name of seeded customer `n`.
fn customer_name(n: u64) -> String {
    format!("Avery Loadtest-{n:06}")
}

async fn seed_customers(database: &str, key_file: &std::path::Path, count: u64) -> Result<(), String> {
    use uw_sync_server::storage::args;
    let target = if database.starts_with("postgres://") || database.starts_with("postgresql://") {
        uw_sync_server::DatabaseTarget::Postgres(database.to_owned())
    } else {
        uw_sync_server::DatabaseTarget::Sqlite(database.into())
    };
    let storage = uw_sync_server::storage::open(&target).await.map_err(|e| e.to_string())?;
    let keys = uw_sync_server::keys::KeyEncryption::load(key_file).map_err(|e| e.to_string())?;
    let vault = uw_sync_server::personal::Vault::new(Arc::new(keys));
    let fail = |e: uw_sync_server::storage::StorageError| e.to_string();
    let mut tx = storage.begin(uw_sync_server::storage::TxMode::Write).await.map_err(fail)?;
    let user = tx.fetch_one("SELECT user_id FROM app_user WHERE username = 'agent'", args![]).await.map_err(fail)?.text(0).map_err(fail)?;
    let key = ed25519_dalek::SigningKey::from_bytes(&[7u8; 32]);
    tx.execute(
        "INSERT INTO device (device_id, user_id, name, public_key, enrolled_at, device_number) VALUES ($1, $2, 'seed', $3, 0, 99999)",
        args![SEED_DEVICE, user.as_str(), key.verifying_key().as_bytes()],
    )
    .await
    .map_err(fail)?;
    tx.commit().await.map_err(fail)?;
    let template = serde_json::json!({ "quote": tx_auto_example("01-clean-standard.json"), "contact": {
        "date_of_birth": "1980-01-01", "email": "avery@example.com", "phone": "(512) 555-0100" }, "licenses": [] });
    let started = Instant::now();
    let mut done = 0;
    while done < count {
        let batch = (count - done).min(1_000);
        let mut tx = storage.begin(uw_sync_server::storage::TxMode::Write).await.map_err(fail)?;
        for n in done..done + batch {
            let mut input = template.clone();
            input["quote"]["applicant"]["name"] = customer_name(n).into();
            input["quote"]["applicant"]["address"]["street"] = format!("{} Main St", n % 9_000 + 100).into();
            let sealed = vault.seal(&mut *tx, &input, None, 0).await.map_err(|e| e.to_string())?;
            tx.execute(
                "INSERT INTO quote_record (quote_number, device_id, user_id, version, state, product, effective_date, input, pack_id,
                     pack_digest, total, decision, reasons, status, updated_at, rated_at, person_id)
                 VALUES ($1, $5, $2, 1, 'TX', 'personal-auto', '2026-12-08', $3, 'seed', 'seed', '1000.00', 'accept', '[]', 'rated', 0, 0, $4)",
                args![format!("QUOT-2026-99999-{n:05}"), user.as_str(), sealed.document.to_string(), sealed.person_id, SEED_DEVICE],
            )
            .await
            .map_err(fail)?;
        }
        tx.commit().await.map_err(fail)?;
        done += batch;
        if done % 10_000 == 0 || done == count {
            println!("{done} customers sealed and written ({:.1} s)", started.elapsed().as_secs_f64());
        }
    }
    storage.close().await;
    Ok(())
}

async fn find_customers(api: &ApiClient, username: &str, password: &str, count: u64, samples: usize) -> Result<(), String> {
    let session = api.login(username, password).await;
    let mut latencies = Vec::with_capacity(samples);
    // A fixed pseudo-random sequence (an LCG): the same customers each run.
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    for _ in 0..samples {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let name = customer_name((state >> 33) % count);
        let started = Instant::now();
        let (status, found) = session.get(&format!("/v1/customers?name={}", name.replace(' ', "%20"))).await;
        latencies.push(u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX));
        if !status.is_success() || found.as_array().map(Vec::len) != Some(1) {
            return Err(format!("{name}: {status} {found}"));
        }
    }
    let (p50, p99, max) = percentiles(&mut latencies);
    println!("find {samples} customers by exact name among {count}: p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.2} ms");
    Ok(())
}

/// Sends wrong-password logins; prints how many reached the password check
/// (401) and how many were told to wait (429).
/// The shape of a brute-force run.
#[derive(Debug, Clone, Copy)]
struct Guesses {
    attempts: usize,
    addresses: usize,
    concurrency: usize,
    seconds: u64,
}

async fn brute(api: &ApiClient, guesses: Guesses, accounts: &str) -> Result<(), String> {
    let Guesses { attempts, addresses, concurrency, seconds } = guesses;
    let accounts: Vec<String> = accounts.split(',').map(|a| a.trim().to_owned()).filter(|a| !a.is_empty()).collect();
    if accounts.is_empty() || addresses == 0 || concurrency == 0 {
        return Err("--accounts, --addresses and --concurrency must not be empty or zero".into());
    }
    let next = Arc::new(AtomicUsize::new(0));
    let (checked, waited, other) = (Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)), Arc::new(AtomicU64::new(0)));
    let began = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (api, accounts, next, checked, waited, other) =
            (api.clone(), accounts.clone(), next.clone(), checked.clone(), waited.clone(), other.clone());
        tasks.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= attempts {
                    break;
                }
                if seconds > 0 {
                    let due = began + Duration::from_secs_f64(seconds as f64 * i as f64 / attempts as f64);
                    tokio::time::sleep_until(due.into()).await;
                }
                let address = format!("198.18.{}.{}", (i % addresses) / 250, (i % addresses) % 250 + 1);
                let response = api
                    .http
                    .post(format!("{}/v1/sessions", api.base))
                    .header(uw_protocol::VERSION_HEADER, "1")
                    .header("x-forwarded-for", address)
                    .json(&serde_json::json!({ "username": accounts[i % accounts.len()], "password": format!("guess {i}") }))
                    .send()
                    .await;
                match response.map(|r| r.status().as_u16()) {
                    Ok(401) => checked.fetch_add(1, Ordering::Relaxed),
                    Ok(429) => waited.fetch_add(1, Ordering::Relaxed),
                    _ => other.fetch_add(1, Ordering::Relaxed),
                };
            }
        }));
    }
    for task in tasks {
        task.await.map_err(|e| e.to_string())?;
    }
    println!(
        "{attempts} guesses from {addresses} addresses in {:.1} s: {} reached the password check, {} were told to wait, {} other",
        began.elapsed().as_secs_f64(),
        checked.load(Ordering::Relaxed),
        waited.load(Ordering::Relaxed),
        other.load(Ordering::Relaxed)
    );
    Ok(())
}

/// Times one export; prints the entries, bytes and seconds.
async fn export(api: &ApiClient, username: &str, password: &str, start: u64, end: Option<u64>) -> Result<(), String> {
    let session = api.login(username, password).await;
    let path = match end {
        Some(end) => format!("/v1/audit/export?start={start}&end={end}"),
        None => format!("/v1/audit/export?start={start}"),
    };
    let began = Instant::now();
    let response = session
        .http
        .get(format!("{}{path}", session.base))
        .bearer_auth(session.token.as_deref().unwrap_or_default())
        .header(uw_protocol::VERSION_HEADER, "1")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = response.status();
    let first_byte = began.elapsed();
    let body = response.bytes().await.map_err(|e| e.to_string())?;
    let total = began.elapsed();
    if !status.is_success() {
        return Err(format!("{status}: {}", String::from_utf8_lossy(&body[..body.len().min(500)])));
    }
    let entries = body.split(|b| *b == b'\n').filter(|line| line.starts_with(b"entry ")).count();
    let ends = body.ends_with(b"end\n");
    println!(
        "exported {entries} entries, {:.1} MB, first byte after {:.2} s, all in {:.2} s; complete: {ends}",
        body.len() as f64 / 1e6,
        first_byte.as_secs_f64(),
        total.as_secs_f64()
    );
    Ok(())
}

/// The key of seeded device `i`: SHA-256 of its name, as a seed.
fn seeded_key(i: usize) -> ed25519_dalek::SigningKey {
    use sha2::Digest as _;
    ed25519_dalek::SigningKey::from_bytes(&sha2::Sha256::digest(format!("uw-load-device-{i}").as_bytes()).into())
}

fn seeded_id(i: usize) -> String {
    format!("{:032x}", 0xface_0000_0000_u64 + i as u64)
}

fn seed_devices(sqlite: &std::path::Path, username: &str, count: usize) -> Result<(), String> {
    let mut conn = rusqlite::Connection::open(sqlite).map_err(|e| format!("{}: {e}", sqlite.display()))?;
    let tx = conn.transaction().map_err(|e| e.to_string())?;
    let user: String = tx
        .query_row("SELECT user_id FROM app_user WHERE username = ?1", [username], |r| r.get(0))
        .map_err(|e| format!("{username}: {e}"))?;
    let first: i64 = tx.query_row("SELECT COALESCE(MAX(device_number), 0) + 1 FROM device", [], |r| r.get(0)).map_err(|e| e.to_string())?;
    for i in 0..count {
        let key = seeded_key(i);
        tx.execute(
            "INSERT INTO device (device_id, user_id, name, public_key, enrolled_at, device_number) VALUES (?1, ?2, ?3, ?4, 0, ?5)",
            rusqlite::params![seeded_id(i), user, format!("load-{i}"), key.verifying_key().as_bytes().to_vec(), first + i as i64],
        )
        .map_err(|e| e.to_string())?;
    }
    tx.commit().map_err(|e| e.to_string())?;
    println!("seeded {count} devices of {username}");
    Ok(())
}

/// A token for seeded device `i`, renewed with its key (no password).
async fn device_token(api: &ApiClient, instance: &str, i: usize) -> Result<String, String> {
    use ed25519_dalek::Signer as _;
    let id = seeded_id(i);
    let (status, challenge) = api.post(&format!("/v1/devices/{id}/challenge"), &serde_json::json!({})).await;
    if !status.is_success() {
        return Err(format!("challenge: {status} {challenge}"));
    }
    let (text, expires) = (challenge["challenge"].as_str().unwrap_or_default(), challenge["expires_at"].as_str().unwrap_or_default());
    let message = uw_protocol::token_renewal_message(instance, &id, text, expires);
    let signature = hex::encode(seeded_key(i).sign(message.as_bytes()).to_bytes());
    let (status, renewed) =
        api.post(&format!("/v1/devices/{id}/token"), &serde_json::json!({ "challenge": text, "signature": signature })).await;
    renewed["token"].as_str().map(str::to_owned).ok_or_else(|| format!("renew: {status} {renewed}"))
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let args = Args::parse();
    let ca = match &args.ca {
        Some(file) => {
            let pem = std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?;
            Some(reqwest::Certificate::from_pem(&pem).map_err(|e| format!("{}: {e}", file.display()))?)
        }
        None => None,
    };
    let client = move || {
        let builder = reqwest::Client::builder();
        match &ca {
            Some(ca) => builder.tls_certs_only([ca.clone()]),
            None => builder,
        }
        .build()
        .unwrap_or_default()
    };
    let api = ApiClient { http: client(), ..ApiClient::new(&args.server, None) };
    match args.command {
        Command::Push { clients, seconds, batch, rate } => {
            push(&api, &args.username, &args.password, Load { clients, seconds, batch, rate }).await
        }
        Command::Hold { connections, seconds, server_pid, devices } => {
            hold(&api, &client, &args.username, &args.password, Hold { connections, seconds, server_pid, devices }).await
        }
        Command::SeedDevices { sqlite, count } => seed_devices(&sqlite, &args.username, count),
        Command::FillAudit { database, entries } => fill_audit(&database, entries).await,
        Command::Brute { attempts, addresses, concurrency, accounts, seconds } => {
            brute(&api, Guesses { attempts, addresses, concurrency, seconds }, &accounts).await
        }
        Command::Export { start, end } => export(&api, &args.username, &args.password, start, end).await,
        Command::SeedCustomers { database, key_file, count } => seed_customers(&database, &key_file, count).await,
        Command::FindCustomers { count, samples } => find_customers(&api, &args.username, &args.password, count, samples).await,
    }
}

/// The shape of a hold run.
#[derive(Debug, Clone, Copy)]
struct Hold {
    connections: usize,
    seconds: u64,
    server_pid: Option<u32>,
    devices: bool,
}

/// Latency percentiles of `samples` (microseconds), sorted in place.
fn percentiles(samples: &mut [u64]) -> (f64, f64, f64) {
    samples.sort_unstable();
    let at = |q: usize| samples.get((samples.len() * q / 100).min(samples.len().saturating_sub(1))).copied().unwrap_or(0);
    let ms = |us: u64| Duration::from_micros(us).as_secs_f64() * 1000.0;
    (ms(at(50)), ms(at(99)), ms(samples.last().copied().unwrap_or(0)))
}

/// The shape of a push run.
#[derive(Debug, Clone, Copy)]
struct Load {
    clients: usize,
    seconds: u64,
    batch: usize,
    rate: Option<f64>,
}

async fn push(api: &ApiClient, username: &str, password: &str, load: Load) -> Result<(), String> {
    let Load { clients, seconds, batch, rate } = load;
    if rate.is_some_and(|r| !(r.is_finite() && r > 0.0)) {
        return Err("--rate: expected a positive number of operations a second".into());
    }
    let started = Instant::now();
    // Four at a time: the server lets an account sign in five times at once
    // from one address before the next waits its turn.
    let enrolling = Arc::new(tokio::sync::Semaphore::new(4));
    let mut enrollments = Vec::new();
    for _ in 0..clients {
        let (api, username, password, enrolling) = (api.clone(), username.to_owned(), password.to_owned(), enrolling.clone());
        enrollments.push(tokio::spawn(async move {
            let _permit = enrolling.acquire().await.map_err(|e| e.to_string())?;
            Device::enroll(&api, &username, &password).await.map(|(d, _)| d).map_err(|(s, b)| format!("enroll: {s} {b}"))
        }));
    }
    let mut devices = Vec::new();
    for task in enrollments {
        devices.push(task.await.map_err(|e| e.to_string())??);
    }
    println!("enrolled {clients} devices in {:.1} s", started.elapsed().as_secs_f64());

    // One rating, reused with each device's quote numbers: the server still
    // re-rates every operation.
    let template = rated_payload(&tx_auto_pack(), "QUOT-2026-000001", 1, &tx_auto_example("01-clean-standard.json"));
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let ops = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(AtomicU64::new(0));
    let began = Instant::now();
    let mut tasks = Vec::new();
    // Open loop: each client's requests are due every `interval`, the
    // clients' schedules spread evenly over one interval.
    let interval = rate.map(|r| Duration::from_secs_f64(clients as f64 * batch as f64 / r));
    for (i, mut device) in devices.into_iter().enumerate() {
        let (template, ops, failures) = (template.clone(), ops.clone(), failures.clone());
        let mut due = interval.map(|every| began + every.mul_f64(i as f64 / clients as f64));
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while due.unwrap_or_else(Instant::now) < deadline {
                if let Some(at) = due {
                    tokio::time::sleep_until(at.into()).await;
                }
                let batch_ops: Vec<Value> = (0..batch)
                    .map(|_| {
                        let mut payload = template.clone();
                        payload["quote_number"] = Value::String(device.quote_number());
                        device.op("quote.rated", &payload)
                    })
                    .collect();
                let sent = due.unwrap_or_else(Instant::now);
                if let (Some(at), Some(every)) = (due.as_mut(), interval) {
                    *at += every;
                }
                let answer = device
                    .client
                    .try_send(reqwest::Method::POST, "/v1/sync/push", Some(&serde_json::json!({ "operations": batch_ops })))
                    .await;
                latencies.push(u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX));
                match answer {
                    Ok((status, body)) if status.is_success() => {
                        let results = body["results"].as_array().cloned().unwrap_or_default();
                        let accepted = results.iter().filter(|r| r["outcome"] == "accepted").count() as u64;
                        ops.fetch_add(accepted, Ordering::Relaxed);
                        failures.fetch_add(batch as u64 - accepted, Ordering::Relaxed);
                    }
                    _ => {
                        failures.fetch_add(batch as u64, Ordering::Relaxed);
                    }
                }
            }
            latencies
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(task.await.map_err(|e| e.to_string())?);
    }
    let elapsed = began.elapsed().as_secs_f64();
    let (p50, p99, max) = percentiles(&mut latencies);
    let done = ops.load(Ordering::Relaxed);
    println!(
        "push: {clients} clients, batch {batch}, {}: {done} operations accepted in {elapsed:.1} s = {:.0} ops/s; {} requests, latency p50 {p50:.1} ms, p99 {p99:.1} ms, max {max:.1} ms; {} failed",
        rate.map_or_else(|| "closed loop".to_owned(), |r| format!("offered {r:.0} ops/s")),
        done as f64 / elapsed,
        latencies.len(),
        failures.load(Ordering::Relaxed)
    );
    Ok(())
}

/// Open descriptors and resident memory (kB) of a process.
fn process_usage(pid: u32) -> Option<(usize, u64)> {
    let fds = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss = status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?.split_whitespace().next()?.parse().ok()?;
    Some((fds, rss))
}

async fn hold(
    api: &ApiClient,
    client: &(impl Fn() -> reqwest::Client + Send + Sync + Clone + 'static),
    username: &str,
    password: &str,
    shape: Hold,
) -> Result<(), String> {
    let Hold { connections, seconds, server_pid, devices } = shape;
    // Each long poll with its own device token, renewed with the device's key.
    let tokens: Vec<String> = if devices {
        let started = Instant::now();
        let (_, health) = api.get("/healthz").await;
        let instance = health["database"]["instance_id"].as_str().ok_or("healthz: no instance id")?.to_owned();
        let renewing = Arc::new(tokio::sync::Semaphore::new(64));
        let mut tasks = Vec::new();
        for i in 0..connections {
            let (api, instance, renewing) = (api.clone(), instance.clone(), renewing.clone());
            tasks.push(tokio::spawn(async move {
                let _permit = renewing.acquire().await.map_err(|e| e.to_string())?;
                device_token(&api, &instance, i).await
            }));
        }
        let mut tokens = Vec::with_capacity(connections);
        for task in tasks {
            tokens.push(task.await.map_err(|e| e.to_string())??);
        }
        println!("renewed {connections} device tokens in {:.1} s", started.elapsed().as_secs_f64());
        tokens
    } else {
        Vec::new()
    };
    let session = if devices { api.with_token(tokens.first().map(String::as_str)) } else { api.login(username, password).await };
    // The log's size now: polls from there wait until it grows.
    let (status, head) = session.get("/v1/sync/wait?cursor=0&timeout=1").await;
    let size = head["log_size"].as_u64().ok_or_else(|| format!("wait: {status} {head}"))?;
    // The hold lasts `seconds` after every poll is open; opening them takes
    // about a second per 5,000.
    let opening = Duration::from_millis(u64::try_from(connections).unwrap_or(u64::MAX) / 5 + 10_000);
    let deadline = Instant::now() + opening + Duration::from_secs(seconds);
    // A few HTTP clients shared by all polls: each poll in flight still has a
    // connection of its own, and building a TLS client per poll would
    // measure the client's certificate loading, not the server.
    let clients: Vec<reqwest::Client> = (0..64).map(|_| client()).collect();
    let open = Arc::new(AtomicUsize::new(0));
    let answered = Arc::new(AtomicU64::new(0));
    let failures = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..connections {
        // Each poller has its own client (its own connection), opened in waves
        // so the listen backlog is not flooded.
        if i % 500 == 0 && i > 0 {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let http = clients[i % clients.len()].clone();
        let client = match tokens.get(i) {
            Some(token) => ApiClient { http, ..session.with_token(Some(token)) },
            None => ApiClient { http, ..session.clone() },
        };
        let (open, answered, failures) = (open.clone(), answered.clone(), failures.clone());
        tasks.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                open.fetch_add(1, Ordering::Relaxed);
                let answer = client.try_send(reqwest::Method::GET, &format!("/v1/sync/wait?cursor={size}&timeout=25"), None).await;
                open.fetch_sub(1, Ordering::Relaxed);
                match answer {
                    Ok((status, _)) if status.is_success() => answered.fetch_add(1, Ordering::Relaxed),
                    _ => {
                        tokio::time::sleep(Duration::from_millis(500)).await;
                        failures.fetch_add(1, Ordering::Relaxed)
                    }
                };
            }
        }));
    }
    // Probe while they are held, from when all are open.
    while open.load(Ordering::Relaxed) < connections && started.elapsed() < opening {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!("opened {} of {connections} long polls in {:.1} s", open.load(Ordering::Relaxed), started.elapsed().as_secs_f64());
    let mut latencies = Vec::new();
    let (mut peak_fds, mut peak_rss, mut min_open) = (0, 0, usize::MAX);
    tokio::time::sleep(Duration::from_secs(2)).await;
    while Instant::now() + Duration::from_secs(1) < deadline {
        let sent = Instant::now();
        let (status, _) = session.get("/v1/me").await;
        if status.is_success() {
            latencies.push(u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX));
        }
        min_open = min_open.min(open.load(Ordering::Relaxed));
        if let Some((fds, rss)) = server_pid.and_then(process_usage) {
            peak_fds = peak_fds.max(fds);
            peak_rss = peak_rss.max(rss);
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for task in tasks {
        let _ = task.await;
    }
    let (p50, p99, max) = percentiles(&mut latencies);
    println!(
        "hold: {connections} long polls for {seconds} s: at least {min_open} open throughout; {} answered, {} failed; probe GET /v1/me p50 {p50:.1} ms, p99 {p99:.1} ms, max {max:.1} ms",
        answered.load(Ordering::Relaxed),
        failures.load(Ordering::Relaxed)
    );
    if server_pid.is_some() {
        println!("server at peak: {peak_fds} open descriptors, {:.0} MiB resident", peak_rss as f64 / 1024.0);
    }
    Ok(())
}
