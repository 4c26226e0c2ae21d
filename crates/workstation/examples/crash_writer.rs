//! Test helper for `tests/crash.rs`: saves quotes with their outbox entries
//! forever, printing each committed quote id, until it is killed.
//!
//! Usage: `crash_writer STORE_PATH STORE_KEY_HEX DEVICE_SEED_HEX`

use std::io::Write as _;

use rust_decimal::Decimal;
use uw_workstation::{NewQuickQuote, Store, StoreKey};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, path, key, seed] = args.as_slice() else {
        eprintln!("usage: crash_writer STORE_PATH STORE_KEY_HEX DEVICE_SEED_HEX");
        std::process::exit(2);
    };
    let key = StoreKey::from_hex(key, "argument 2").unwrap_or_else(|e| panic!("{e}"));
    let seed = StoreKey::from_hex(seed, "argument 3").unwrap_or_else(|e| panic!("{e}"));
    let device = ed25519_dalek::SigningKey::from_bytes(seed.as_bytes());
    let mut store = Store::open(std::path::Path::new(path), &key).unwrap_or_else(|e| panic!("{e}"));
    let mut out = std::io::stdout().lock();
    loop {
        let quote = NewQuickQuote {
            garaging_zip: "94110".into(),
            vehicle_year: 2021,
            pack_id: "ca-personal-auto/2026.1@crash".into(),
            premium: Decimal::from(864),
            worksheet_json: "[]".into(),
        };
        let (id, _) = store.save_quick_quote_with_outbox(&quote, &device).unwrap_or_else(|e| panic!("{e}"));
        // Report only after the commit returned.
        if writeln!(out, "{id}").and_then(|()| out.flush()).is_err() {
            return;
        }
    }
}
