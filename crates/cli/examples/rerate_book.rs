//! Times the engine re-rating a whole book, the way `scripts/bench-rating.sh`
//! compares it with the Polars peer: the book (the canonical policy model,
//! JSON Lines) is read and validated once, outside the timing; then every
//! in-force policy is priced on all cores (`rate_total`, the path impact
//! analysis takes), `--repeat` times. Prints one JSON object: the policy
//! count, the book's total premium in cents (the peer prints the same sum),
//! each run's seconds and the process's peak resident memory. Then every
//! `--check-every`th policy (default 1,000th) is rated in full by the engine
//! (`rate`, with its worksheet): the compiled plan's total and coverage
//! premiums (`rate_compiled`) must be the same, value and scale, or the
//! program fails.
//!
//! ```sh
//! cargo run --release -p uw-cli --example rerate_book -- --pack rate-packs/tx-personal-auto --book BOOK.jsonl --repeat 3
//! ```

#![allow(clippy::print_stdout, reason = "the program's answer is the JSON it prints")]

use std::path::PathBuf;
use std::time::Instant;

use rayon::prelude::*;
use rust_decimal::Decimal;
use uw_rating::{rate, rate_compiled, rate_total, LoadMode, RatePack};

fn fail(message: String) -> ! {
    eprintln!("rerate_book: {message}");
    std::process::exit(2)
}

/// The value after `name` on the command line.
fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

/// The process's peak resident set, in MiB (Linux; 0 elsewhere).
fn peak_rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("VmHWM:").map(|v| v.trim().trim_end_matches("kB").trim().to_owned())))
        .and_then(|kib| kib.parse::<u64>().ok())
        .map_or(0, |kib| kib / 1024)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let pack = PathBuf::from(arg(&args, "--pack").unwrap_or_else(|| fail("--pack DIR is required".into())));
    let book = PathBuf::from(arg(&args, "--book").unwrap_or_else(|| fail("--book FILE is required".into())));
    let repeat: usize = arg(&args, "--repeat").map_or(Ok(3), |r| r.parse()).unwrap_or_else(|e| fail(format!("--repeat: {e}")));
    let every: usize =
        arg(&args, "--check-every").map_or(Ok(1000), |r| r.parse()).unwrap_or_else(|e| fail(format!("--check-every: {e}"))).max(1);

    let pack = RatePack::load_dir(&pack, LoadMode::Draft).unwrap_or_else(|e| fail(e.to_string()));
    let started = Instant::now();
    let file = std::fs::File::open(&book).unwrap_or_else(|e| fail(format!("{}: {e}", book.display())));
    let policies = uw_policy::read_book(std::io::BufReader::new(file)).unwrap_or_else(|e| fail(format!("{}: {e}", book.display())));
    let quotes: Vec<_> = policies
        .into_par_iter()
        .filter(|p| p.status == uw_policy::CanonicalStatus::InForce)
        .map(|p| p.valid_rating().unwrap_or_else(|e| fail(format!("policy {}: {e}", p.policy_number))))
        .collect();
    let load_s = started.elapsed().as_secs_f64();
    eprintln!("rerate_book: {} policies read and validated in {load_s:.1} s", quotes.len());

    let mut runs = Vec::with_capacity(repeat);
    let mut total = Decimal::ZERO;
    for run in 0..repeat {
        let started = Instant::now();
        total = quotes.par_iter().map(|q| rate_total(&pack, q).unwrap_or_else(|e| fail(e.to_string()))).sum();
        let seconds = started.elapsed().as_secs_f64();
        eprintln!("rerate_book: run {run}: {seconds:.3} s");
        runs.push(seconds);
    }
    // The plan against the engine's full rating, on a sample of the book.
    let checked = quotes
        .par_iter()
        .step_by(every)
        .map(|q| {
            let full = rate(&pack, q).unwrap_or_else(|e| fail(e.to_string()));
            let mut by_coverage = Vec::new();
            let planned = rate_compiled(&pack, q, &mut by_coverage).unwrap_or_else(|| fail("the plan left a policy to the engine".into()));
            let engine: Vec<Decimal> =
                pack.coverage_codes().map(|code| full.coverages.iter().filter(|c| &*c.coverage == code).map(|c| c.premium).sum()).collect();
            let text = |d: &[Decimal]| d.iter().map(ToString::to_string).collect::<Vec<_>>();
            if planned.to_string() != full.total.to_string() || text(&by_coverage) != text(&engine) {
                fail(format!("the plan charges {planned} {by_coverage:?}, the engine {} {engine:?}", full.total));
            }
        })
        .count();
    eprintln!("rerate_book: {checked} policies (every {every}th) priced the same by the plan and by the engine's full rating");
    let cents = (total * Decimal::ONE_HUNDRED).normalize();
    println!(
        "{}",
        serde_json::json!({
            "policies": quotes.len(),
            "total_cents": cents.to_string(),
            "threads": rayon::current_num_threads(),
            "load_s": load_s,
            "runs_s": runs,
            "peak_rss_mib": peak_rss_mib(),
            "checked": checked,
        })
    );
}
