//! End to end: the real desktop binary in a real WebKit webview, driven
//! through tauri-driver and WebKitWebDriver under the X server the test
//! command provides (Xvfb), with the store's key in the real OS keychain under
//! a test-only service name.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use usd::parse_usd;
use uw_system_tests::webdriver::Session;
use uw_system_tests::{collect, free_port, unique_suffix, workspace_bin};
use uw_workstation::{KeySource, Workstation, WorkstationConfig};

/// `tauri-driver` from `TAURI_DRIVER`, the PATH, or cargo's bin directory.
fn tauri_driver() -> PathBuf {
    if let Some(path) = std::env::var_os("TAURI_DRIVER") {
        return PathBuf::from(path);
    }
    let candidates = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).map(|d| d.join("tauri-driver")).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain(std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo/bin/tauri-driver")));
    for candidate in candidates {
        if candidate.is_file() {
            return candidate;
        }
    }
    panic!("tauri-driver not found; run the README's test command, which installs it (cargo install tauri-driver --locked)")
}

struct Driver {
    child: Child,
    url: String,
}

impl Driver {
    fn start(env: &[(&str, String)]) -> Self {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "DISPLAY is not set; the end-to-end test needs an X server (the README's test command runs it under Xvfb)"
        );
        let (port, native_port) = (free_port(), free_port());
        let mut command = Command::new(tauri_driver());
        command
            .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("start tauri-driver");
        // Keep the pipes drained so the driver and the app never block on them.
        let (out, err) = (collect(child.stdout.take().expect("stdout")), collect(child.stderr.take().expect("stderr")));
        std::thread::spawn(move || out.into_iter().for_each(|line| eprint!("[tauri-driver] {line}")));
        std::thread::spawn(move || err.into_iter().for_each(|line| eprint!("[tauri-driver] {line}")));
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while reqwest::blocking::get(format!("{url}/status")).is_err() {
            assert!(Instant::now() < deadline, "tauri-driver did not start listening on {url}");
            std::thread::sleep(Duration::from_millis(200));
        }
        Self { child, url }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until React has mounted the form.
fn wait_until_mounted(session: &Session) {
    session.wait_for(
        "the app to load",
        "return document.readyState === 'complete' && document.querySelector('main[data-startup] #rate') !== null",
        Duration::from_secs(60),
    );
}

/// Types a quote into the form, submits it, and returns the premium shown, or
/// the error code and text the app showed instead.
fn rate(session: &Session, zip: &str, year: &str) -> Result<String, (String, String)> {
    for (css, text) in [("#zip", zip), ("#vehicle-year", year)] {
        let field = session.find(css);
        session.clear(&field);
        session.type_into(&field, text);
    }
    // Each submission gets the next sequence number; wait for the answer to this one.
    let seq = session.execute("return Number(document.querySelector('main').dataset.seq)").as_u64().expect("data-seq") + 1;
    session.click(&session.find("#rate"));
    let outcome = session.wait_for(
        "a premium or an error",
        &format!(
            "const e = document.querySelector('#quote-error[data-seq=\"{seq}\"]');
             if (e) return {{ error: e.dataset.code, text: e.textContent }};
             const q = document.querySelector('#quote[data-seq=\"{seq}\"] #premium');
             return q ? {{ premium: q.textContent }} : null;"
        ),
        Duration::from_secs(30),
    );
    match outcome["premium"].as_str() {
        Some(premium) => Ok(premium.to_owned()),
        None => Err((outcome["error"].as_str().unwrap_or_default().to_owned(), outcome["text"].as_str().unwrap_or_default().to_owned())),
    }
}

mod usd {
    /// Parses the app's `$1,234.56` display back to cents, independently of the UI code.
    pub fn parse_usd(text: &str) -> Option<u64> {
        let digits = text.strip_prefix('$')?.replace(',', "");
        let (whole, cents) = digits.split_once('.').unwrap_or((&digits, "00"));
        Some(whole.parse::<u64>().ok()? * 100 + cents.parse::<u64>().ok()?)
    }
}

#[test]
fn agent_rates_a_quote_in_the_real_app_and_it_is_saved_encrypted() {
    let data_dir = tempfile::tempdir().expect("tempdir");
    let service = format!("uw-workstation-e2e-{}", unique_suffix());
    let key_source = KeySource::keychain(&service);
    let driver = Driver::start(&[
        ("UW_DATA_DIR", data_dir.path().display().to_string()),
        ("UW_KEYCHAIN_SERVICE", service.clone()),
        ("RUST_LOG", "info".to_owned()),
    ]);
    let app = workspace_bin("uw-desktop");
    let session = Session::start(&driver.url, app.to_str().expect("utf-8 path"));
    wait_until_mounted(&session);
    let startup =
        session.execute("return [document.querySelector('main').dataset.startup, document.querySelector('#startup-error')?.textContent]");
    assert_eq!(startup[0], "ok", "the store did not open: {startup}");

    // The bundled California auto pack, for the quick quote's stated
    // assumptions (clean driver licensed 20 years, 12,000 commute miles, BI
    // 30/60 and PD 15,000, 12 months), worked by hand from its tables, not by
    // the engine under test:
    //   BI 462.00 x 1.00 record x 1.00 miles x 0.95 licensed x 1.42 territory (94110)
    //      x 1.00 use x 1.00 limit x 1.00 term x 0.80 Good Driver = 498.5904 -> 499
    //   PD 338.00 x 1.00 x 1.00 x 0.95 x 1.42 x 1.00 x 1.00 x 1.00 x 0.80 = 364.7696 -> 365
    let premium = rate(&session, "94110", "2020").expect("94110 / 2020 is rateable");
    assert_eq!(premium, "$864");
    assert_eq!(parse_usd(&premium), Some(86_400));
    let decision = session.execute("return document.querySelector('#decision').textContent");
    assert_eq!(decision, "accept");

    // Los Angeles (territory 1.55): BI 462 x 0.95 x 1.55 x 0.80 = 544.236 -> 544,
    // PD 338 x 0.95 x 1.55 x 0.80 = 398.164 -> 398.
    assert_eq!(rate(&session, "90001", "2010").expect("rateable"), "$942");

    // Seattle: no Washington pack is installed, so a typed error, not a price.
    let (code, text) = rate(&session, "98101", "2020").expect_err("no pack for WA");
    assert_eq!(code, "rating.no_pack");
    assert!(text.contains("no personal-auto pack for WA is in force"), "{text}");

    session.end();
    drop(driver);

    // The quotes reached the encrypted store, openable with the keychain key.
    let store_path = data_dir.path().join(uw_workstation::STORE_FILE);
    let header = std::fs::read(&store_path).expect("the app created its store");
    assert!(!header.starts_with(b"SQLite format 3"), "the store must be encrypted");
    let config = WorkstationConfig::new(data_dir.path().to_owned(), key_source.clone());
    let workstation = Workstation::open(&config).expect("the store opens with the key the app put in the keychain");
    let first = workstation.store().load_quick_quote(1).expect("first quote saved");
    assert_eq!((first.quote.garaging_zip.as_str(), first.quote.premium.to_string().as_str()), ("94110", "864"));
    assert!(workstation.store().load_quick_quote(3).is_err(), "the unrateable request must not be saved");
    key_source.delete().expect("remove the test keychain entry");
    key_source.device().delete().expect("remove the test device-key entry");
}
