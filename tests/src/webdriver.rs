//! A minimal W3C WebDriver client over blocking HTTP, enough to drive the
//! desktop app through `tauri-driver` and `WebKitWebDriver`.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::{collect, free_port};

/// The W3C key under which an element reference is returned.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// WebDriver's code points for the keys [`Session::press`] sends.
pub const KEY_CONTROL: &str = "\u{E009}";
pub const KEY_ENTER: &str = "\u{E007}";
pub const KEY_ESCAPE: &str = "\u{E00C}";
pub const KEY_TAB: &str = "\u{E004}";
pub const KEY_ARROW_DOWN: &str = "\u{E015}";
pub const KEY_ARROW_UP: &str = "\u{E013}";
pub const KEY_SHIFT: &str = "\u{E008}";
pub const KEY_SPACE: &str = "\u{E00D}";
pub const KEY_BACKSPACE: &str = "\u{E003}";
pub const KEY_HOME: &str = "\u{E011}";

/// One WebDriver session.
#[derive(Debug)]
pub struct Session {
    http: reqwest::blocking::Client,
    base: String,
    id: String,
}

/// An element found in the page.
#[derive(Debug, Clone)]
pub struct Element(String);

impl Session {
    /// Creates a session that launches `application` (the built desktop binary).
    pub fn start(driver_url: &str, application: &str) -> Self {
        let http = reqwest::blocking::Client::builder().timeout(Duration::from_secs(120)).build().expect("HTTP client");
        let caps = json!({ "capabilities": { "alwaysMatch": { "tauri:options": { "application": application } } } });
        let base = driver_url.trim_end_matches('/').to_owned();
        let value = request(&http, reqwest::Method::POST, &format!("{base}/session"), Some(&caps)).unwrap_or_else(|e| panic!("{e}"));
        let id = value["sessionId"].as_str().unwrap_or_else(|| panic!("no session id in {value}")).to_owned();
        Self { http, base, id }
    }

    fn call(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> Value {
        request(&self.http, method, &format!("{}/session/{}{path}", self.base, self.id), body).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Runs a synchronous script in the page and returns its result.
    pub fn execute(&self, script: &str) -> Value {
        self.call(reqwest::Method::POST, "/execute/sync", Some(&json!({ "script": script, "args": [] })))
    }

    /// Runs a synchronous script with `element` as `arguments[0]`.
    pub fn execute_on(&self, element: &Element, script: &str) -> Value {
        self.call(reqwest::Method::POST, "/execute/sync", Some(&json!({ "script": script, "args": [{ ELEMENT_KEY: element.0 }] })))
    }

    /// Presses each of `keys` once, in order, in one action sequence.
    pub fn press_each(&self, keys: &[&str]) {
        if keys.is_empty() {
            return;
        }
        let actions: Vec<Value> =
            keys.iter().flat_map(|k| [json!({ "type": "keyDown", "value": k }), json!({ "type": "keyUp", "value": k })]).collect();
        let body = json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] });
        self.call(reqwest::Method::POST, "/actions", Some(&body));
    }

    /// Runs an asynchronous script: it answers by calling its last argument
    /// (`arguments[arguments.length - 1]`) with the result.
    pub fn execute_async(&self, script: &str) -> Value {
        self.call(reqwest::Method::POST, "/execute/async", Some(&json!({ "script": script, "args": [] })))
    }

    /// Polls `script` until it returns a truthy value, or panics after
    /// `timeout`. Errors count as "not yet": while the webview is still
    /// loading, WebKitWebDriver answers scripts with `no such frame`.
    pub fn wait_for(&self, what: &str, script: &str, timeout: Duration) -> Value {
        let start = Instant::now();
        let url = format!("{}/session/{}/execute/sync", self.base, self.id);
        let body = json!({ "script": script, "args": [] });
        loop {
            let last = match request(&self.http, reqwest::Method::POST, &url, Some(&body)) {
                Ok(value) if !(value.is_null() || value == json!(false) || value == json!("")) => return value,
                Ok(value) => value.to_string(),
                Err(e) => e,
            };
            if start.elapsed() >= timeout {
                let page = request(
                    &self.http,
                    reqwest::Method::POST,
                    &url,
                    Some(
                        &json!({ "script": "return [location.href, document.body ? document.body.innerText.slice(0, 500) : null]", "args": [] }),
                    ),
                );
                panic!("timed out after {timeout:?} waiting for {what}; last answer: {last}; the page: {page:?}");
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Finds one element by CSS selector.
    pub fn find(&self, css: &str) -> Element {
        let value = self.call(reqwest::Method::POST, "/element", Some(&json!({ "using": "css selector", "value": css })));
        Element(value[ELEMENT_KEY].as_str().unwrap_or_else(|| panic!("no element for `{css}`: {value}")).to_owned())
    }

    /// Types `text` into an element.
    pub fn type_into(&self, element: &Element, text: &str) {
        self.call(reqwest::Method::POST, &format!("/element/{}/value", element.0), Some(&json!({ "text": text })));
    }

    /// Clears an element's value.
    pub fn clear(&self, element: &Element) {
        self.call(reqwest::Method::POST, &format!("/element/{}/clear", element.0), Some(&json!({})));
    }

    /// Clicks an element.
    pub fn click(&self, element: &Element) {
        self.call(reqwest::Method::POST, &format!("/element/{}/click", element.0), Some(&json!({})));
    }

    /// Presses `keys` together as a chord (held in order, released in
    /// reverse), as the keyboard sends them to the focused element. Special
    /// keys are WebDriver's code points: [`KEY_CONTROL`], [`KEY_ENTER`], ….
    pub fn press(&self, keys: &[&str]) {
        let mut actions: Vec<Value> = keys.iter().map(|k| json!({ "type": "keyDown", "value": k })).collect();
        actions.extend(keys.iter().rev().map(|k| json!({ "type": "keyUp", "value": k })));
        let body = json!({ "actions": [{ "type": "key", "id": "keyboard", "actions": actions }] });
        self.call(reqwest::Method::POST, "/actions", Some(&body));
    }

    /// Sets the window's outer size in CSS pixels.
    pub fn set_window_size(&self, width: u32, height: u32) {
        self.call(reqwest::Method::POST, "/window/rect", Some(&json!({ "width": width, "height": height })));
    }

    /// Saves a PNG of the window to `path`, creating its directory.
    pub fn screenshot(&self, path: &std::path::Path) {
        use base64::Engine as _;
        let value = self.call(reqwest::Method::GET, "/screenshot", None);
        let encoded = value.as_str().unwrap_or_else(|| panic!("no screenshot in {value}"));
        let png = base64::engine::general_purpose::STANDARD.decode(encoded).expect("the screenshot is base64");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("screenshot directory");
        }
        std::fs::write(path, png).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }

    /// Chooses the option with `value` in the `<select>` found by `css`.
    /// WebKitWebDriver cannot click an option of a native drop-down, so the
    /// value is set the way the browser sets it and a `change` event tells
    /// the page, as a user's choice would.
    pub fn select(&self, css: &str, value: &str) {
        let script = format!(
            "const el = document.querySelector({css:?}); if (!el) return 'no element';
             if (![...el.options].some(o => o.value === {value:?})) return 'no option';
             Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value').set.call(el, {value:?});
             el.dispatchEvent(new Event('change', {{ bubbles: true }})); return 'ok';"
        );
        let answer = self.execute(&script);
        assert_eq!(answer, "ok", "select {value} in {css}");
    }

    /// Ends the session, which closes the app.
    pub fn end(self) {
        request(&self.http, reqwest::Method::DELETE, &format!("{}/session/{}", self.base, self.id), None).unwrap_or_else(|e| panic!("{e}"));
    }
}

/// Sends one WebDriver command and returns its `value`, or the error the
/// driver answered. Transport errors are retried: tauri-driver occasionally
/// drops a connection under load.
fn request(http: &reqwest::blocking::Client, method: reqwest::Method, url: &str, body: Option<&Value>) -> Result<Value, String> {
    let mut last_error = String::new();
    for attempt in 0..5 {
        if attempt > 0 {
            std::thread::sleep(Duration::from_millis(500));
        }
        let mut builder = http.request(method.clone(), url);
        if let Some(body) = body {
            builder = builder.json(body);
        }
        match builder.send() {
            Ok(response) => {
                let status = response.status();
                let value: Value = response.json().map_err(|e| format!("{method} {url}: body is not JSON: {e}"))?;
                if !status.is_success() {
                    return Err(format!("{method} {url} failed with {status}: {value}"));
                }
                return Ok(value["value"].clone());
            }
            Err(e) => last_error = e.to_string(),
        }
    }
    Err(format!("{method} {url}: no answer after 5 attempts: {last_error}"))
}

/// `tauri-driver` from `TAURI_DRIVER`, the PATH, or cargo's bin directory.
pub fn tauri_driver() -> PathBuf {
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

#[derive(Debug)]
pub struct Driver {
    child: Child,
    /// Where the driver listens.
    pub url: String,
    /// Everything the driver and the app it launched wrote, for checks that
    /// no secret reached a log.
    output: Arc<Mutex<String>>,
}

impl Driver {
    /// Starts `tauri-driver` with `env` added to the app's environment.
    pub fn start(env: &[(&str, String)]) -> Self {
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
        let output = Arc::new(Mutex::new(String::new()));
        for lines in [collect(child.stdout.take().expect("stdout")), collect(child.stderr.take().expect("stderr"))] {
            let output = Arc::clone(&output);
            std::thread::spawn(move || {
                for line in lines {
                    eprint!("[tauri-driver] {line}");
                    output.lock().expect("output lock").push_str(&line);
                }
            });
        }
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        while reqwest::blocking::get(format!("{url}/status")).is_err() {
            assert!(Instant::now() < deadline, "tauri-driver did not start listening on {url}");
            std::thread::sleep(Duration::from_millis(200));
        }
        Self { child, url, output }
    }

    /// What the driver and the app have written so far.
    pub fn output(&self) -> String {
        self.output.lock().expect("output lock").clone()
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
