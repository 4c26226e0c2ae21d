/*!
Helpers for the system tests: finding the workspace's built binaries,
free loopback ports, a sync-server child process, and throwaway PostgreSQL
databases.

The tests drive the real binaries, so the binaries must be built first; the
README's test command does `cargo build --workspace --all-targets` before it
runs the tests.
*/

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The cargo profile directory the running binary lives in (`target/debug`
/// for a test at `target/debug/deps/name-hash` and for a tool at
/// `target/debug/name`).
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the binary knows its own path");
    let dir = exe.parent().expect("the binary has a parent directory");
    if dir.file_name().is_some_and(|name| name == "deps") {
        dir.parent().expect("deps has a parent directory").to_owned()
    } else {
        dir.to_owned()
    }
}

/// A binary of this workspace, built in the same profile as the tests.
pub fn workspace_bin(name: &str) -> PathBuf {
    let path = profile_dir().join(name);
    assert!(path.is_file(), "{} is missing; build it first with `cargo build --workspace --all-targets`", path.display());
    path
}

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ lives in the workspace root").to_owned()
}

/// A port that was free a moment ago on 127.0.0.1.
/// A small xorshift generator for the kill tests, seeded from the OS; the
/// seed is printed so a failing run can be told apart from a flaky one.
#[derive(Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn seeded() -> Self {
        let mut seed = [0u8; 8];
        getrandom::fill(&mut seed).expect("random seed");
        let seed = u64::from_le_bytes(seed) | 1;
        eprintln!("sigkill test seed: {seed:#x}");
        Self(seed)
    }

    /// A number below `n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral port");
    listener.local_addr().expect("local address").port()
}

/// RFC 4648 base 32, as authenticator apps read a key the server shows.
pub fn base32_decode(text: &str) -> Vec<u8> {
    let (mut out, mut buffer, mut bits) = (Vec::new(), 0u32, 0u32);
    for c in text.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'2'..=b'7' => c - b'2' + 26,
            _ => panic!("not base 32: {text}"),
        };
        buffer = (buffer << 5) | u32::from(v);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xff).expect("a byte"));
        }
    }
    out
}

/// A random lower-case hex suffix for names that must not collide.
pub fn unique_suffix() -> String {
    let mut bytes = [0u8; 6];
    getrandom::fill(&mut bytes).expect("random bytes");
    hex::encode(bytes)
}

/// A running `uw-sync-server serve`, killed on drop if still running.
#[derive(Debug)]
pub struct ServerProcess {
    child: Child,
    /// Base URL, `http://127.0.0.1:PORT`.
    pub base_url: String,
    stderr: mpsc::Receiver<String>,
}

/// How a server process ended.
#[derive(Debug)]
pub struct ServerExit {
    pub status: ExitStatus,
    pub stderr: String,
}

impl ServerProcess {
    /// Starts `uw-sync-server serve --listen 127.0.0.1:0 ARGS…` and waits for
    /// it to print the address it bound.
    pub fn start(args: &[&str]) -> Self {
        Self::start_on("127.0.0.1:0", args)
    }

    /// Starts `uw-sync-server serve --listen LISTEN ARGS…` (a fixed address
    /// survives restarts, as devices store the server's URL) and waits for it
    /// to print the address it bound.
    pub fn start_on(listen: &str, args: &[&str]) -> Self {
        let bin = workspace_bin("uw-sync-server");
        let mut child = Command::new(&bin)
            .args(["serve", "--listen", listen])
            .args(args)
            .env("RUST_LOG", "info")
            .env_remove("UW_SYNC_DATABASE_URL")
            .env_remove("UW_SYNC_SQLITE")
            .env_remove("UW_SYNC_KEY_FILE")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let stderr = collect(child.stderr.take().expect("piped stderr"));
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().expect("piped stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("listening on ") {
                    let _ = tx.send(url.to_owned());
                }
            }
        });
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(base_url) => Self { child, base_url, stderr },
            Err(_) => {
                let _ = child.kill();
                let status = child.wait().expect("wait");
                let log: String = stderr.try_iter().collect();
                panic!("uw-sync-server did not announce its address ({status}); its log:\n{log}");
            }
        }
    }

    /// Runs the server to completion (for arguments that make it fail) and
    /// returns how it ended.
    pub fn run_to_exit(args: &[&str]) -> ServerExit {
        let output = Command::new(workspace_bin("uw-sync-server"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .env_remove("UW_SYNC_DATABASE_URL")
            .env_remove("UW_SYNC_SQLITE")
            .stdin(Stdio::null())
            .output()
            .expect("run uw-sync-server");
        ServerExit { status: output.status, stderr: String::from_utf8_lossy(&output.stderr).into_owned() }
    }

    /// Runs `uw-sync-server admin ARGS…` to completion and returns its output.
    pub fn admin(args: &[&str]) -> std::process::Output {
        Command::new(workspace_bin("uw-sync-server"))
            .arg("admin")
            .args(args)
            .env_remove("UW_SYNC_DATABASE_URL")
            .env_remove("UW_SYNC_SQLITE")
            .env_remove("UW_SYNC_KEY_FILE")
            .stdin(Stdio::null())
            .output()
            .expect("run uw-sync-server admin")
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGKILL: the process dies wherever it is, with no chance to clean up.
    pub fn kill(mut self) -> ExitStatus {
        let _ = self.child.kill();
        self.child.wait().expect("wait for the killed server")
    }

    /// Sends SIGTERM and waits (up to 30 s) for the process to exit.
    pub fn terminate(mut self) -> ServerExit {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-TERM", &pid]).status().expect("run kill");
        assert!(sent.success(), "kill -TERM {pid} failed");
        for _ in 0..300 {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                // Give the reader thread a moment to drain the pipe.
                std::thread::sleep(Duration::from_millis(50));
                return ServerExit { status, stderr: self.stderr.try_iter().collect() };
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("uw-sync-server did not exit within 30 s of SIGTERM");
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The organisation `uw-sync-server admin demo` creates, with the passwords
/// it printed once.
#[derive(Debug, Clone)]
pub struct DemoOrg {
    /// `(role, username, password)` as printed.
    pub users: Vec<(String, String, String)>,
}

impl DemoOrg {
    /// Runs `uw-sync-server admin DATABASE_ARGS… demo --packs rate-packs`.
    pub fn create(database_args: &[&str]) -> Self {
        let packs = workspace_root().join("rate-packs");
        let mut args = database_args.to_vec();
        args.extend(["demo", "--packs", packs.to_str().expect("utf-8 path")]);
        let output = ServerProcess::admin(&args);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "admin demo failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
        let users: Vec<(String, String, String)> = stdout
            .lines()
            .skip_while(|l| !l.contains("credentials (shown once)"))
            .skip(1)
            .filter_map(|l| match l.split_whitespace().collect::<Vec<_>>()[..] {
                [role, user, password] => Some((role.to_owned(), user.to_owned(), password.to_owned())),
                _ => None,
            })
            .collect();
        assert_eq!(users.len(), 4, "admin demo prints four users:\n{stdout}");
        Self { users }
    }

    /// The password printed for `username`.
    pub fn password(&self, username: &str) -> &str {
        self.users.iter().find(|(_, u, _)| u == username).map(|(_, _, p)| p.as_str()).unwrap_or_else(|| panic!("no demo user {username}"))
    }
}

/// Forwards everything `reader` produces to a channel, a line at a time.
pub fn collect(reader: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(reader).lines().map_while(Result::ok) {
            if tx.send(format!("{line}\n")).is_err() {
                break;
            }
        }
    });
    rx
}

/// The environment variable naming the PostgreSQL server tests may use: a URL
/// whose user can create databases, e.g. `postgres://postgres@127.0.0.1:5433/postgres`.
pub const POSTGRES_URL_VAR: &str = "UW_TEST_POSTGRES_URL";

/// A database created for one test on the server named by `UW_TEST_POSTGRES_URL`.
#[derive(Debug)]
pub struct PostgresDatabase {
    admin_url: String,
    name: String,
    /// The URL of the new database.
    pub url: String,
}

impl PostgresDatabase {
    /// Creates a fresh, empty database.
    pub async fn create() -> Self {
        let admin_url = std::env::var(POSTGRES_URL_VAR).unwrap_or_else(|_| {
            panic!("{POSTGRES_URL_VAR} is not set; run the README's test command (scripts/test.sh), which starts a throwaway PostgreSQL")
        });
        let name = format!("uw_test_{}", unique_suffix());
        let mut conn = Self::connect(&admin_url).await;
        sqlx::query(&format!("CREATE DATABASE \"{name}\"")).execute(&mut conn).await.expect("create the test database");
        let (base, _) = admin_url.rsplit_once('/').expect("the URL names a database");
        let url = format!("{base}/{name}");
        Self { admin_url, name, url }
    }

    async fn connect(url: &str) -> sqlx::PgConnection {
        use sqlx::Connection;
        sqlx::PgConnection::connect(url).await.unwrap_or_else(|e| panic!("cannot connect to {POSTGRES_URL_VAR}: {e}"))
    }

    /// Drops the database.
    pub async fn drop_database(self) {
        let mut conn = Self::connect(&self.admin_url).await;
        sqlx::query(&format!("DROP DATABASE \"{}\" WITH (FORCE)", self.name)).execute(&mut conn).await.expect("drop the test database");
    }
}

/// A story run once on each storage engine, as two tests: `story("sqlite")`
/// as the first name and `story("postgres")` as the second (a story is an
/// `async fn(&str)` taking the engine's name). Tests run on a two-worker
/// runtime unless the entry starts with `current_thread:`.
///
/// ```ignore
/// both_engines! {
///     group_commit => group_commit_sqlite, group_commit_postgres;
///     current_thread: limits_hold => limits_hold_sqlite, limits_hold_postgres;
/// }
/// ```
#[macro_export]
macro_rules! both_engines {
    () => {};
    (current_thread: $story:ident => $sqlite:ident, $postgres:ident; $($rest:tt)*) => {
        #[tokio::test]
        async fn $sqlite() {
            $story("sqlite").await;
        }

        #[tokio::test]
        async fn $postgres() {
            $story("postgres").await;
        }

        $crate::both_engines! { $($rest)* }
    };
    ($story:ident => $sqlite:ident, $postgres:ident; $($rest:tt)*) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $sqlite() {
            $story("sqlite").await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $postgres() {
            $story("postgres").await;
        }

        $crate::both_engines! { $($rest)* }
    };
}

pub mod api;
pub mod app;
pub mod inprocess;
pub mod oidc;
pub mod otlp;
pub mod proxy;
pub mod system;
pub mod testserver;
pub mod tls;
pub mod webdriver;
