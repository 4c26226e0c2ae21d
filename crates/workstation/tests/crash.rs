//! Crash safety of the write-ahead outbox: a child process saving quotes
//! (each with its outbox entry, in one transaction) is killed with SIGKILL at
//! random moments, 200 times. After every kill the store opens, every quote
//! the child reported committed is there, and the outbox has exactly one
//! entry per quote, with sequence numbers 1..n and no gap or duplicate.
//!
//! The child is the `crash_writer` example of this crate, which the test
//! command builds with `cargo build --workspace --all-targets`.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use uw_workstation::{Store, StoreKey};

const KILLS: usize = 200;

fn device_key() -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[3; 32])
}

#[test]
fn killed_at_random_moments_loses_and_duplicates_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ws.db");
    let key = StoreKey::generate().expect("key");
    drop(Store::open(&path, &key).expect("creates"));
    let exe = std::env::current_exe().expect("test binary");
    let writer = exe.parent().and_then(std::path::Path::parent).expect("target profile dir").join("examples/crash_writer");
    assert!(writer.is_file(), "{} is missing; build it with `cargo build --workspace --all-targets`", writer.display());
    let device_seed = hex::encode([3u8; 32]);
    let mut committed: i64 = 0;
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..KILLS {
        let mut child = Command::new(&writer)
            .args([path.to_str().expect("utf-8"), key.to_hex().as_str(), device_seed.as_str()])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn the child");
        // Wait for the child to start committing, then kill it after a
        // pseudo-random extra delay, so kills land at every point of a save.
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let first = lines.next().and_then(Result::ok);
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        std::thread::sleep(Duration::from_micros(seed % 20_000));
        child.kill().expect("SIGKILL");
        child.wait().expect("reap");
        let reported = first.into_iter().chain(lines.map_while(Result::ok)).filter_map(|l| l.trim().parse::<i64>().ok()).max();
        if let Some(max) = reported {
            committed = committed.max(max);
        }

        let store = Store::open(&path, &key).unwrap_or_else(|e| panic!("round {round}: the store does not open after a kill: {e}"));
        // Ids are assigned in order, so the count and the last reported id
        // together show nothing committed was lost.
        let quotes = store.quick_quote_count().expect("count");
        assert!(quotes >= committed, "round {round}: {committed} quotes were reported committed but only {quotes} are stored");
        if committed > 0 {
            store.load_quick_quote(committed).unwrap_or_else(|e| panic!("round {round}: committed quote {committed} is lost: {e}"));
        }
        let outbox = store.outbox().expect("outbox");
        let seqs: Vec<i64> = outbox.iter().map(|e| e.seq).collect();
        let expected: Vec<i64> = (1..=i64::try_from(outbox.len()).expect("fits")).collect();
        assert_eq!(seqs, expected, "round {round}: the outbox sequence has a gap or a duplicate");
        assert_eq!(i64::try_from(outbox.len()).expect("fits"), quotes, "round {round}: every quote has exactly one outbox entry");
        if round % 50 == 0 {
            let public = device_key().verifying_key();
            assert!(outbox.iter().all(|e| e.verify(&public)), "round {round}: every entry carries the device's signature");
        }
    }
    assert!(committed > i64::try_from(KILLS).expect("fits"), "the child committed quotes between kills ({committed})");
}
