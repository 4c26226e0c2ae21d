//! Desktop benchmarks, as recorded in `docs/benchmarks.md`
//! (`scripts/bench-desktop.sh` runs this under Xvfb with a private keyring):
//!
//! - **Launch to interactive**: from asking WebKitWebDriver for a session
//!   (which starts the app) until the dashboard has loaded from the
//!   encrypted store and answers input. The first launch, which makes the
//!   store and its keys, is reported apart from the later ones. WebDriver's
//!   own session set-up is inside the figure, so it is an upper bound.
//! - **Recalculation round trip**: the wizard's `price_quote` call from the
//!   page through the IPC, the engine and back, timed in the page with
//!   `performance.now()`, for a California auto quote whose annual mileage
//!   changes on every call (the wizard's debounce is not included).
//!
//! Usage: `uw-desktop-bench [LAUNCHES] [PRICES]` (default 10 and 500).
//! `UW_BENCH_APP` names another build of the app to time, such as the
//! release binary of a package built for an organisation (its California
//! auto pack signed with the organisation's key, which that build trusts).

#![allow(clippy::print_stdout, reason = "a command-line tool reports on stdout")]
#![allow(clippy::float_arithmetic, reason = "milliseconds in a report; no money here")]

use std::time::{Duration, Instant};

use serde_json::Value;
use uw_system_tests::webdriver::{Driver, Session};
use uw_system_tests::{unique_suffix, workspace_bin, workspace_root};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = (p / 100.0 * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let launches: usize = args.next().map_or(10, |a| a.parse().expect("LAUNCHES is a number"));
    let prices: usize = args.next().map_or(500, |a| a.parse().expect("PRICES is a number"));
    let data_dir = tempfile::tempdir().expect("temporary data directory");
    let service = format!("uw-desktop-bench-{}", unique_suffix());
    let app = std::env::var_os("UW_BENCH_APP").map_or_else(|| workspace_bin("uw-desktop"), std::path::PathBuf::from);
    println!("timing {}", app.display());
    let env =
        [("UW_DATA_DIR", data_dir.path().display().to_string()), ("UW_KEYCHAIN_SERVICE", service.clone()), ("RUST_LOG", "warn".to_owned())];

    let mut times = Vec::with_capacity(launches);
    let mut in_page = Vec::with_capacity(launches);
    let mut last = None;
    for i in 0..launches.max(1) {
        let driver = Driver::start(&env);
        let started = Instant::now();
        let session = Session::start(&driver.url, app.to_str().expect("utf-8 path"));
        // Interactive: the dashboard loaded, or on the very first launch the
        // choice to work offline or enroll.
        let page_ms = session.wait_for(
            "the dashboard or the first-launch choice",
            "if (document.querySelector('main[data-startup=\"ok\"] #work-offline')) return performance.now();
             const d = document.querySelector('main[data-startup=\"ok\"] #dashboard');
             return d && d.querySelector('[aria-busy]') === null ? performance.now() : null;",
            Duration::from_secs(60),
        );
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        in_page.push(page_ms.as_f64().expect("milliseconds"));
        if i == 0 {
            session.click(&session.find("#work-offline"));
            session.wait_for("the dashboard", "return document.querySelector('#dashboard') !== null", Duration::from_secs(30));
        }
        if i + 1 == launches.max(1) {
            last = Some((driver, session));
        } else {
            session.end();
            drop(driver);
        }
    }
    let (driver, session) = last.expect("at least one launch");

    let example = workspace_root().join("rate-packs/examples/ca-personal-auto/01-good-driver.json");
    let quote: Value = serde_json::from_str(&std::fs::read_to_string(&example).expect("example quote")).expect("JSON");
    let input = serde_json::json!({ "quote": quote, "contact": { "date_of_birth": null, "email": null, "phone": null }, "licenses": [] });
    session.execute(&format!(
        "window.uwBench = null;
         (async () => {{
           const input = {input};
           const invoke = window.__TAURI_INTERNALS__.invoke;
           const times = [];
           for (let i = 0; i < {n}; i++) {{
             input.quote.vehicles[0].annual_miles = 8000 + (i % 500) * 10;
             const start = performance.now();
             const rating = await invoke('price_quote', {{ input }});
             times.push(performance.now() - start);
             if (!rating.premium) throw new Error('no premium');
           }}
           window.uwBench = times;
         }})().catch(e => {{ window.uwBench = String(e); }});
         return null;",
        n = prices + 20
    ));
    let answer = session.wait_for("the pricing run", "return window.uwBench", Duration::from_secs(600));
    let mut round_trips: Vec<f64> = answer
        .as_array()
        .unwrap_or_else(|| panic!("the pricing run failed: {answer}"))
        .iter()
        .skip(20) // warm-up
        .map(|v| v.as_f64().expect("milliseconds"))
        .collect();
    session.end();
    drop(driver);
    round_trips.sort_by(f64::total_cmp);

    let first = times[0];
    let mut later: Vec<f64> = times[1..].to_vec();
    later.sort_by(f64::total_cmp);
    let mut later_page: Vec<f64> = in_page[1..].to_vec();
    later_page.sort_by(f64::total_cmp);
    println!("launch to interactive dashboard (ms): first launch (creates the store and keys) {first:.0}");
    if !later.is_empty() {
        println!(
            "  later launches ({}): median {:.0}, max {:.0}; of which in the page (navigation start to dashboard): median {:.0}",
            later.len(),
            percentile(&later, 50.0),
            later[later.len() - 1],
            percentile(&later_page, 50.0)
        );
    }
    println!(
        "price_quote round trip (ms, {} calls): p50 {:.2}, p95 {:.2}, p99 {:.2}, max {:.2}",
        round_trips.len(),
        percentile(&round_trips, 50.0),
        percentile(&round_trips, 95.0),
        percentile(&round_trips, 99.0),
        round_trips[round_trips.len() - 1]
    );
    let key = uw_workstation::KeySource::keychain(&service);
    let _ = key.delete();
    let _ = key.device().delete();
}
