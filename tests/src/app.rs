//! The desktop app as the end-to-end tests drive it: a page object over a
//! WebDriver session of the real binary in WebKit, with the steps a user
//! takes (rate, enroll, sync, open a quote, sign in to a console...).

use std::path::Path;
use std::time::Duration;

use serde_json::Value;

use crate::webdriver::{
    Driver, Element, Session, KEY_ARROW_DOWN, KEY_ARROW_UP, KEY_BACKSPACE, KEY_CONTROL, KEY_ENTER, KEY_SHIFT, KEY_SPACE, KEY_TAB,
};
use crate::{workspace_bin, workspace_root};

/// The running app: its WebDriver session and the tauri-driver behind it.
/// Every `Session` call is available on it too.
#[derive(Debug)]
pub struct AppSession {
    session: Session,
    driver: Driver,
    /// Keyboard only (`UW_E2E_KEYBOARD=1`): every click, fill and choice
    /// reaches its element with Tab (or the arrows, in a menu) and acts
    /// with Enter, Space and typed keys, as a user without a mouse does.
    keyboard: bool,
}

impl std::ops::Deref for AppSession {
    type Target = Session;

    fn deref(&self) -> &Session {
        &self.session
    }
}

/// What shows once the app has mounted: the screens, the first-launch
/// choice, or why the store did not open.
const MOUNTED: &str = "document.readyState === 'complete' && (document.querySelector('main[data-startup] #rate') !== null
    || document.querySelector('main[data-startup] #work-offline') !== null
    || document.querySelector('main[data-startup=\"failed\"]') !== null)";

/// Why the app refused an enrollment or a sync: the codes and text it showed.
#[derive(Debug)]
pub struct Shown {
    pub code: String,
    pub server_code: Option<String>,
    pub text: String,
}

impl Shown {
    pub fn from_page(value: &Value) -> Self {
        Self {
            code: value["code"].as_str().unwrap_or_default().to_owned(),
            server_code: value["serverCode"].as_str().map(str::to_owned),
            text: value["text"].as_str().unwrap_or_default().to_owned(),
        }
    }
}

/// The visible text of the page outside `<details>`, matched against the
/// patterns of internal language; answers each match with its context.
const PLAIN_LANGUAGE_SCAN: &str = r#"
const patterns = [
  /[a-z]+\[\d+\]/g,
  /\b[0-9a-f]{64}\b/g,
  /\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g,
  /\b[45]\d\d \(/g,
  /\b(?:HTTP|status) [45]\d\d\b/gi,
  /\bUW-[A-Z]/g,
];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
const found = [];
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const element = node.parentElement;
  if (!element || element.closest('details, script, style, [hidden], [aria-hidden="true"]')) continue;
  const style = window.getComputedStyle(element);
  if (style.display === 'none' || style.visibility === 'hidden') continue;
  const text = node.textContent;
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) {
      found.push({ match: match[0], in: text.trim().slice(0, 160) });
    }
  }
}
return found;
"#;

/// The window size screenshots are taken and reviewed at.
pub const REVIEW_WIDTH: u32 = 1280;
pub const REVIEW_HEIGHT: u32 = 800;

impl AppSession {
    /// Starts the built desktop app on `data_dir` with its key under the
    /// keychain `service`, through tauri-driver, and waits until the UI has
    /// mounted. Documents go to `documents` in the data directory.
    pub fn launch(data_dir: &Path, service: &str) -> Self {
        Self::launch_with_documents(data_dir, service, &data_dir.join("documents"))
    }

    /// [`AppSession::launch`], writing documents (proposals, audit exports) into `documents`.
    pub fn launch_with_documents(data_dir: &Path, service: &str, documents: &Path) -> Self {
        Self::start(&workspace_bin("uw-desktop"), data_dir, service, documents)
    }

    /// Starts the desktop binary `app` (the built one, or one a package installed).
    /// Background sync is off: a journey syncs with "Sync now", so it knows
    /// when the server's answer arrives ([`AppSession::start_syncing_every`] turns it on).
    pub fn start(app: &Path, data_dir: &Path, service: &str, documents: &Path) -> Self {
        Self::start_with_sync_interval(app, data_dir, service, documents, 0)
    }

    /// [`AppSession::launch`] with background sync every `seconds`.
    pub fn start_syncing_every(data_dir: &Path, service: &str, seconds: u32) -> Self {
        Self::start_with_sync_interval(&workspace_bin("uw-desktop"), data_dir, service, &data_dir.join("documents"), seconds)
    }

    /// [`AppSession::launch`] with `env` added to the app's environment
    /// (such as `BROWSER`, the program the app opens web pages with).
    pub fn launch_with_env(data_dir: &Path, service: &str, env: &[(&str, String)]) -> Self {
        Self::start_with_env(&workspace_bin("uw-desktop"), data_dir, service, &data_dir.join("documents"), 0, env)
    }

    fn start_with_sync_interval(app: &Path, data_dir: &Path, service: &str, documents: &Path, seconds: u32) -> Self {
        Self::start_with_env(app, data_dir, service, documents, seconds, &[])
    }

    fn start_with_env(app: &Path, data_dir: &Path, service: &str, documents: &Path, seconds: u32, env: &[(&str, String)]) -> Self {
        let mut all = vec![
            ("UW_DATA_DIR", data_dir.display().to_string()),
            ("UW_KEYCHAIN_SERVICE", service.to_owned()),
            ("UW_DOCUMENTS_DIR", documents.display().to_string()),
            ("UW_SYNC_INTERVAL_SECS", seconds.to_string()),
            ("RUST_LOG", "info".to_owned()),
        ];
        all.extend(env.iter().cloned());
        let driver = Driver::start(&all);
        let session = Session::start(&driver.url, app.to_str().expect("utf-8 path"));
        // The size the screenshots are reviewed at.
        session.set_window_size(REVIEW_WIDTH, REVIEW_HEIGHT);
        let keyboard = std::env::var("UW_E2E_KEYBOARD").is_ok_and(|v| v == "1");
        let app = Self { session, driver, keyboard };
        app.wait_until_mounted();
        app
    }

    /// An app on `dir` enrolled with the server at `server_url` as `username`.
    pub fn enrolled(dir: &Path, service: &str, server_url: &str, username: &str, password: &str) -> Self {
        let app = Self::launch(dir, service);
        app.open_sync_screen();
        app.enroll_in_app(server_url, username, password, &format!("{username}-desk")).expect("enrolls");
        app.sync_in_app().expect("the first sync");
        app
    }

    /// Fails when the screen shows internal language outside a "Details"
    /// disclosure: a field path (`vehicles[0]`), a SHA-256 digest, a
    /// snake_case identifier, an HTTP status with its code, or a `UW-` rule
    /// code. `screen` names the screen in the failure.
    pub fn assert_plain_language(&self, screen: &str) {
        let found = self.execute(PLAIN_LANGUAGE_SCAN);
        let found = found.as_array().cloned().unwrap_or_default();
        assert!(found.is_empty(), "the {screen} screen shows internal language: {}", Value::Array(found));
    }

    /// Fails on any serious or critical accessibility violation
    /// ([`AppSession::accessibility_violations`]), naming the rule and the elements.
    pub fn assert_accessible(&self, screen: &str) {
        let violations = self.accessibility_violations();
        assert!(violations.is_empty(), "the {screen} screen has accessibility violations: {}", Value::Array(violations));
    }

    /// Runs axe-core (the UI's own copy, `ui/node_modules/axe-core`) in the
    /// page against WCAG 2.1 A and AA: the serious and critical violations,
    /// each with its rule, its help and up to five elements.
    pub fn accessibility_violations(&self) -> Vec<Value> {
        // Read and injected once per page: the script is half a megabyte.
        if self.execute("return typeof window.axe === 'undefined'").as_bool() == Some(true) {
            let axe = workspace_root().join("ui/node_modules/axe-core/axe.min.js");
            let source = std::fs::read_to_string(&axe)
                .unwrap_or_else(|e| panic!("{}: {e}; the README's test command installs the UI's dependencies", axe.display()));
            self.execute(&format!("{source}\nreturn null;"));
        }
        let result = self.execute_async(
            "const done = arguments[arguments.length - 1];
             window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
               .then(r => done(r.violations
                 .filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => ({ rule: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')) }))))
               .catch(e => done([{ rule: 'axe-failed', help: String(e) }]));",
        );
        result.as_array().cloned().unwrap_or_else(|| panic!("axe answered {result}"))
    }

    /// Ends the session (which closes the app) and stops tauri-driver;
    /// returns what the app wrote to its log.
    pub fn close(self) -> String {
        self.session.end();
        let log = self.driver.output();
        drop(self.driver);
        log
    }

    /// Waits until React has mounted the app. On a first launch it chooses to
    /// work offline (the agent may enroll later from the Sync screen), as the
    /// choice screen is tested on its own.
    pub fn wait_until_mounted(&self) {
        self.wait_for("the app to load", &format!("return {MOUNTED}"), Duration::from_secs(60));
        if self.execute("return document.querySelector('#work-offline') !== null").as_bool() == Some(true) {
            self.click_on("#work-offline");
            self.wait_for(
                "the screens after the first-launch choice",
                "return document.querySelector('#rate') !== null",
                Duration::from_secs(30),
            );
        }
    }

    /// Types a quote into the form, submits it, and returns the premium shown, or
    /// the error code and text the app showed instead.
    pub fn rate(&self, zip: &str, year: &str) -> Result<String, (String, String)> {
        self.click(&self.find("#nav-quote"));
        for (css, text) in [("#zip", zip), ("#vehicle-year", year)] {
            const ATTEMPTS: usize = 3;
            for attempt in 1..=ATTEMPTS {
                self.fill(css, text);
                // WebKitWebDriver may answer before the page has handled every
                // key: wait until it has, or the press of Rate below can reach
                // the form while it still holds the last quote's ZIP. Once in
                // a few hundred fills it loses a key instead (CI, 2026-12-07:
                // `#zip` never read 98101): type it again.
                let deadline = std::time::Instant::now() + Duration::from_secs(10);
                while self.value_of(css) != text && std::time::Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(50));
                }
                let shown = self.value_of(css);
                if shown == text {
                    break;
                }
                assert!(attempt < ATTEMPTS, "{css} never read {text:?} after {ATTEMPTS} attempts; it reads {shown:?}");
                eprintln!("rate: typed {text:?} into {css}, which reads {shown:?} (a key lost); attempt {attempt} of {ATTEMPTS}");
            }
        }
        // Each submission gets the next sequence number; wait for the answer to this one.
        let seq = self.execute("return Number(document.querySelector('#quick-quote-screen').dataset.seq)").as_u64().expect("data-seq") + 1;
        self.click(&self.find("#rate"));
        let outcome = self.wait_for(
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
            None => {
                Err((outcome["error"].as_str().unwrap_or_default().to_owned(), outcome["text"].as_str().unwrap_or_default().to_owned()))
            }
        }
    }

    /// Reloads the page and waits until the new one has mounted: the app then
    /// asks the store afresh instead of showing what it remembered.
    pub fn reload(&self) {
        // The reload happens after the script has answered; the marker tells the
        // old page from the new one.
        self.execute("window.uwBeforeReload = true; setTimeout(() => location.reload(), 0); return null");
        self.wait_for(
            "the reloaded app to mount",
            &format!("return window.uwBeforeReload === undefined && {MOUNTED}"),
            Duration::from_secs(60),
        );
    }

    /// Clicks the element `css` selects (with the keyboard in keyboard mode).
    pub fn click_on(&self, css: &str) {
        self.click(&self.find(css));
    }

    /// Clicks the first `css` element whose text is `text` (or contains it, when `exact` is false).
    pub fn click_on_text(&self, css: &str, text: &str, exact: bool) {
        let found = self.execute(&format!(
            "const want = {text:?};
             const e = [...document.querySelectorAll({css:?})].find(e => {exact} ? e.textContent === want : e.textContent.includes(want));
             if (!e) return false;
             document.querySelectorAll('[data-e2e-target]').forEach(o => o.removeAttribute('data-e2e-target'));
             e.setAttribute('data-e2e-target', '');
             return true;"
        ));
        assert_eq!(found, Value::Bool(true), "no {css} reading {text:?}");
        self.click_on("[data-e2e-target]");
    }

    /// Clicks `element`; in keyboard mode, reaches it with the keyboard and
    /// presses Enter (Space for a checkbox or radio button).
    pub fn click(&self, element: &Element) {
        if !self.keyboard {
            return self.session.click(element);
        }
        self.focus_by_keyboard(element);
        let kind = self.execute_on(element, "return arguments[0].type ?? ''");
        let key = if matches!(kind.as_str(), Some("checkbox" | "radio")) { KEY_SPACE } else { KEY_ENTER };
        self.press_each(&[key]);
    }

    /// Types `text` into `element` (reached with Tab first, in keyboard mode).
    pub fn type_into(&self, element: &Element, text: &str) {
        if !self.keyboard {
            return self.session.type_into(element, text);
        }
        self.focus_by_keyboard(element);
        // The keys go to the element Tab reached. WebDriver's element "send
        // keys" types them there as key events; one long action sequence
        // lost keys under load in CI.
        self.session.type_into(element, text);
    }

    /// Chooses the file at `path` in the file input `css`, as the system's
    /// file dialog would: WebDriver's element send keys (in keyboard mode
    /// too, after reaching the input with Tab; the dialog itself is the
    /// desktop's, outside the page).
    pub fn choose_file(&self, css: &str, path: &Path) {
        let element = self.find(css);
        if self.keyboard {
            self.focus_by_keyboard(&element);
        }
        self.session.type_into(&element, path.to_str().expect("a UTF-8 path"));
    }

    /// Empties `element` (in keyboard mode: select all, then Backspace).
    pub fn clear(&self, element: &Element) {
        if !self.keyboard {
            return self.session.clear(element);
        }
        self.focus_by_keyboard(element);
        self.press(&[KEY_CONTROL, "a"]);
        self.press_each(&[KEY_BACKSPACE]);
    }

    /// Chooses the option with `value` in the `<select>` found by `css`; in
    /// keyboard mode, with the arrow keys on the focused drop-down.
    pub fn select(&self, css: &str, value: &str) {
        if !self.keyboard {
            return self.session.select(css, value);
        }
        let element = self.find(css);
        self.focus_by_keyboard(&element);
        let steps = self.execute_on(
            &element,
            &format!("const s = arguments[0]; const to = [...s.options].findIndex(o => o.value === {value:?}); return to < 0 ? null : to - s.selectedIndex"),
        );
        let steps = steps.as_i64().unwrap_or_else(|| panic!("no option {value} in {css}"));
        let key = if steps < 0 { KEY_ARROW_UP } else { KEY_ARROW_DOWN };
        self.press_each(&vec![key; usize::try_from(steps.unsigned_abs()).expect("a small count")]);
        let now = self.execute_on(&element, "return arguments[0].value");
        assert_eq!(now.as_str(), Some(value), "the keyboard chose {now} in {css}, not {value}");
    }

    /// Moves the focus to `element` as a keyboard user does: Tab or
    /// Shift+Tab through the page (or the open dialog), or the arrow keys
    /// in a menu or list; fails when the keyboard cannot reach it.
    fn focus_by_keyboard(&self, element: &Element) {
        const DISTANCE: &str = r#"
const target = arguments[0];
if (document.activeElement === target) return { here: true };
const role = target.getAttribute('role');
if (role === 'menuitem' || role === 'option') return { arrows: true };
const dialogs = [...document.querySelectorAll('[role="dialog"], [role="alertdialog"], dialog[open]')].filter(d => d.getClientRects().length > 0);
const scope = dialogs.find(d => d.contains(document.activeElement)) ?? document;
const visible = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
const tabbable = [...scope.querySelectorAll('a[href], button, input, select, textarea, summary, [tabindex]')]
  .filter(e => !e.disabled && e.tabIndex >= 0 && e.type !== 'hidden' && visible(e) && !e.closest('[inert], [hidden]'));
const t = tabbable.indexOf(target);
if (t < 0) return { unreachable: target.outerHTML.slice(0, 160) };
const a = tabbable.indexOf(document.activeElement);
const n = tabbable.length;
if (a < 0) return { forward: t + 1, backward: n - t, n };
return { forward: (t - a + n) % n, backward: (a - t + n) % n, n };
"#;
        let focused = |s: &Self| s.execute_on(element, "return document.activeElement === arguments[0]") == Value::Bool(true);
        let plan = self.execute_on(element, DISTANCE);
        if plan["here"] == true {
            return;
        }
        if plan["arrows"] == true {
            // A menu or list keeps one tab stop; its items take the arrows.
            for _ in 0..60 {
                let on = self.execute_on(
                    element,
                    "const t = arguments[0]; return t.hasAttribute('data-focused') || document.activeElement === t
                       || document.activeElement?.getAttribute('aria-activedescendant') === t.id",
                );
                if on == true {
                    return;
                }
                self.press_each(&[KEY_ARROW_DOWN]);
            }
            panic!("the arrow keys never reached the item: {plan}");
        }
        assert!(plan.get("unreachable").is_none(), "the keyboard cannot reach this element (not in the tab order): {plan}");
        let (forward, backward, n) =
            (plan["forward"].as_u64().unwrap_or(0), plan["backward"].as_u64().unwrap_or(0), plan["n"].as_u64().unwrap_or(0));
        let count = |k: u64| usize::try_from(k).expect("a small count");
        if backward < forward {
            let mut keys = vec![KEY_SHIFT];
            keys.extend(vec![KEY_TAB; count(backward)]);
            self.press(&keys);
        } else {
            self.press_each(&vec![KEY_TAB; count(forward)]);
        }
        if focused(self) {
            return;
        }
        // The page's idea of the tab order can differ from the browser's
        // (a wrap out of the page, a focus trap): step one Tab at a time.
        for _ in 0..(2 * n + 10) {
            self.press_each(&[KEY_TAB]);
            if focused(self) {
                return;
            }
        }
        panic!("Tab never reached the element: {plan}");
    }

    /// Opens the Sync screen and waits until it knows whether the device is enrolled.
    pub fn open_sync_screen(&self) -> String {
        self.click_on("#nav-sync");
        let state = self.wait_for(
            "the sync screen to load the enrollment",
            "const s = document.querySelector('#sync-screen');
             return s && !s.hidden && s.dataset.enrollment !== 'loading' ? s.dataset.enrollment : null;",
            Duration::from_secs(30),
        );
        state.as_str().expect("data-enrollment is text").to_owned()
    }

    /// Fills the enrollment form, submits it and waits for this submission's
    /// answer: the enrolled view's fields, or the error shown next to the form.
    pub fn enroll_in_app(&self, server_url: &str, username: &str, password: &str, device_name: &str) -> Result<Value, Shown> {
        for (css, text) in [
            ("#enroll-server-url", server_url),
            ("#enroll-username", username),
            ("#enroll-password", password),
            ("#enroll-device-name", device_name),
        ] {
            self.fill(css, text);
            self.wait_for(
                &format!("{css} to be typed"),
                &format!("return document.querySelector({css:?}).value === {text:?}"),
                Duration::from_secs(10),
            );
        }
        let seq = self.execute("return Number(document.querySelector('#enroll-form').dataset.seq)").as_u64().expect("data-seq") + 1;
        self.click_on("#enroll");
        let outcome = self.wait_for(
            "the enrollment's answer",
            &format!(
                "const e = document.querySelector('#enroll-error[data-seq=\"{seq}\"]');
                 if (e) return {{ error: {{ code: e.dataset.code, serverCode: e.dataset.serverCode ?? null, text: e.textContent }} }};
                 if (document.querySelector('#sync-screen').dataset.enrollment !== 'enrolled') return null;
                 const field = (id) => document.querySelector(`[data-testid=\"enrollment-${{id}}\"]`).textContent;
                 return {{ enrolled: {{ server: field('server'), username: field('username'), role: field('role'), device: field('device'),
                                       numbers: field('block'), next: field('next') }} }};"
            ),
            Duration::from_secs(60),
        );
        match outcome.get("enrolled") {
            Some(enrolled) => Ok(enrolled.clone()),
            None => Err(Shown::from_page(&outcome["error"])),
        }
    }

    /// Presses "Sync now" and waits for this press's answer: the counts shown,
    /// or the error.
    pub fn sync_in_app(&self) -> Result<Value, Shown> {
        let seq = self.execute("return Number(document.querySelector('#sync-now').dataset.seq)").as_u64().expect("data-seq") + 1;
        self.click_on("#sync-now");
        let outcome = self.wait_for(
            "the sync's answer",
            &format!(
                "const e = document.querySelector('#sync-error[data-seq=\"{seq}\"]');
                 if (e) return {{ error: {{ code: e.dataset.code, serverCode: e.dataset.serverCode ?? null, text: e.textContent }} }};
                 const r = document.querySelector('#sync-result[data-seq=\"{seq}\"]');
                 if (!r) return null;
                 const counts = {{}};
                 for (const dd of r.querySelectorAll('dd[data-testid]')) counts[dd.dataset.testid.replace('sync-', '')] = Number(dd.textContent);
                 return {{ counts }};"
            ),
            Duration::from_secs(120),
        );
        match outcome.get("counts") {
            Some(counts) => Ok(counts.clone()),
            None => Err(Shown::from_page(&outcome["error"])),
        }
    }

    /// The sync issues listed once the list has loaded: kind, subject, code and reason of each row.
    pub fn listed_issues(&self) -> Vec<Value> {
        let rows = self.wait_for(
            "the sync issues",
            "const list = document.querySelector('#sync-issues[data-state=\"loaded\"]');
             if (!list) return null;
             return { rows: [...list.querySelectorAll('tbody tr')].map((tr) => {
               const cells = [...tr.querySelectorAll('td')];
               return { id: Number(tr.dataset.issueId), kind: cells[0].dataset.kind, subject: cells[1].textContent,
                        outcome: cells[2].dataset.outcome, code: cells[3].dataset.code, reason: cells[4].textContent };
             }) };",
            Duration::from_secs(30),
        );
        rows["rows"].as_array().expect("rows").clone()
    }

    /// Keeps pictures of the screen for review in the light and the dark
    /// theme (`target/e2e-screenshots/{name}-light.png`, `-dark.png`), and
    /// checks each for accessibility, its text for internal language
    /// ([`AppSession::assert_plain_language`], [`AppSession::assert_accessible`])
    /// and its layout for a page wider than the window.
    pub fn save_screenshot(&self, name: &str) {
        // The theme the user chose (or none: the system's), put back after.
        let chosen = self.execute("return document.documentElement.dataset.theme ?? null");
        for theme in ["light", "dark"] {
            self.execute(&format!("document.documentElement.dataset.theme = '{theme}'; return null"));
            let path = workspace_root().join("target/e2e-screenshots").join(format!("{name}-{theme}.png"));
            self.screenshot(&path);
            eprintln!("screenshot: {}", path.display());
            // Contrast differs by theme: each is checked.
            self.assert_accessible(&format!("{name} ({theme})"));
        }
        let restore = match chosen.as_str() {
            Some(theme) => format!("document.documentElement.dataset.theme = {theme:?}; return null"),
            None => "delete document.documentElement.dataset.theme; return null".to_owned(),
        };
        self.execute(&restore);
        self.assert_plain_language(name);
        self.assert_fits_the_window(name);
    }

    /// Fails when the page scrolls sideways: the shell keeps every screen
    /// within the window (its tables scroll inside themselves).
    pub fn assert_fits_the_window(&self, screen: &str) {
        let overflow = self.execute("return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assert!(overflow.as_i64().unwrap_or(0) <= 0, "the {screen} screen is {overflow} px wider than the window");
    }

    /// Resizes the window (the reviewed size is 1280×800; the shell must hold at 1024×768).
    pub fn resize(&self, width: u32, height: u32) {
        self.session.set_window_size(width, height);
    }

    /// Replaces the text of the field `css` selects. Under load,
    /// WebKitWebDriver now and then delivers a key twice ("CCA" for "CA",
    /// seen in the keyboard pass on a loaded machine): a field that reads
    /// the text with a letter doubled is emptied and typed again, said on
    /// the test's output. Fields that format what is typed (a phone mask,
    /// money) read otherwise and are left to the journey's own checks.
    pub fn fill(&self, css: &str, text: &str) {
        const ATTEMPTS: usize = 3;
        for attempt in 1..=ATTEMPTS {
            self.fill_once(css, text);
            let shown = self.value_of(css);
            if !doubled_keys(&shown, text) {
                return;
            }
            eprintln!("fill {css}: typed {text:?}, the field reads {shown:?} (a key delivered twice); attempt {attempt} of {ATTEMPTS}");
        }
        panic!("{css} never read {text:?} after {ATTEMPTS} attempts");
    }

    /// One clearing and typing of `fill`.
    fn fill_once(&self, css: &str, text: &str) {
        let field = self.find(css);
        if self.keyboard {
            self.clear(&field);
            return self.type_into(&field, text);
        }
        self.session.clear(&field);
        // WebDriver's clear sets the value without the input event React
        // listens to, so a field the app filled in (driver 1 from the
        // insured) would keep its value in React's state: empty it through
        // the element's own value setter and an input event, as typing does.
        self.execute(&format!(
            "const e = document.querySelector({css:?});
             Object.getOwnPropertyDescriptor(Object.getPrototypeOf(e), 'value').set.call(e, '');
             e.dispatchEvent(new Event('input', {{ bubbles: true }}));
             return null;"
        ));
        self.session.type_into(&field, text);
    }

    /// The value of the input `css` selects.
    pub fn value_of(&self, css: &str) -> String {
        self.execute(&format!("return document.querySelector({css:?})?.value ?? null")).as_str().unwrap_or_default().to_owned()
    }

    /// Waits until the wizard shows step `n` (1 to 5).
    pub fn wait_for_step(&self, n: u32) {
        self.wait_for(
            &format!("wizard step {n}"),
            &format!("return document.querySelector('section.wizard[data-step=\"{n}\"]') !== null"),
            Duration::from_secs(30),
        );
    }

    /// Waits until the draft is saved with everything typed so far.
    pub fn wait_for_draft_saved(&self) {
        // Past the autosave's debounce, then until no save is in flight.
        std::thread::sleep(Duration::from_millis(800));
        self.wait_for(
            "the draft to be saved",
            "return document.querySelector('#draft-state')?.dataset.state === 'saved'",
            Duration::from_secs(30),
        );
    }

    /// Waits for the live premium of the form as it stands and returns it.
    pub fn wait_for_live_premium(&self) -> String {
        std::thread::sleep(Duration::from_millis(400));
        let shown = self.wait_for(
            "the live premium",
            "const p = document.querySelector('#live-premium');
             return p && p.dataset.state === 'priced' ? p.textContent : (p && p.dataset.state === 'failed' ? 'failed: ' + document.body.innerText : null);",
            Duration::from_secs(30),
        );
        let shown = shown.as_str().expect("text").to_owned();
        assert!(!shown.starts_with("failed"), "the engine refused the quote: {shown}");
        shown
    }

    /// Presses "Request bind" on the open quote and waits until it is queued.
    /// Requests the bind through its confirmation: ticks every item of the
    /// checklist, then sends it.
    pub fn request_bind_in_app(&self) {
        self.click_on("#request-bind");
        let items = self.wait_for(
            "the bind confirmation",
            "const c = document.querySelectorAll('#bind-dialog #bind-checklist input[type=checkbox]'); return c.length > 0 ? [...c].map(i => i.id) : null",
            Duration::from_secs(10),
        );
        for id in items.as_array().expect("the checklist's ids") {
            self.click_on(&format!("#{}", id.as_str().expect("an id")));
        }
        self.click_on("#bind-confirm");
        self.wait_for(
            "the bind request",
            "return document.querySelector('#quote-screen')?.dataset.status === 'bind_requested'",
            Duration::from_secs(30),
        );
    }

    /// Opens the quote numbered `number` from the quote list and returns its status.
    pub fn open_quote(&self, number: &str) -> String {
        self.click_on("#nav-quotes");
        self.fill("#quote-search", number);
        self.click_on("#quote-search-go");
        let row = format!("tr[data-quote-number=\"{number}\"] button");
        self.wait_for("the quote in the list", &format!("return document.querySelector({row:?}) !== null"), Duration::from_secs(30));
        self.click_on(&row);
        let status = self.wait_for(
            "the quote screen",
            &format!(
                "const q = document.querySelector('#quote-screen[data-quote-number=\"{number}\"]'); return q ? q.dataset.status : null"
            ),
            Duration::from_secs(30),
        );
        status.as_str().expect("status").to_owned()
    }

    /// Opens the first policy listed on the dashboard.
    pub fn open_policy(&self) {
        self.click_on("#nav-dashboard");
        self.wait_for(
            "the dashboard's policies",
            "return document.querySelector('#policies button[data-policy]') !== null",
            Duration::from_secs(30),
        );
        self.click_on("#policies button[data-policy]");
        self.wait_for(
            "the policy screen",
            "return document.querySelector('section.policy[data-policy]') !== null",
            Duration::from_secs(30),
        );
    }

    /// Signs in on the console screen whose sign-in form is `#sign-in-<role>`.
    pub fn sign_in_in_app(&self, role: &str, server_url: &str, username: &str, password: &str) {
        // The screen asks the workstation for its session before it shows the form.
        self.wait_for(
            "the sign-in form",
            &format!("return document.querySelector('#sign-in-{role}-password') !== null"),
            Duration::from_secs(30),
        );
        self.fill(&format!("#sign-in-{role}-server-url"), server_url);
        self.fill(&format!("#sign-in-{role}-username"), username);
        self.fill(&format!("#sign-in-{role}-password"), password);
        self.click_on(&format!("#sign-in-{role}"));
        let signed_in = self.wait_for(
            "the console session",
            &format!(
                "const e = document.querySelector('#sign-in-{role}-error'); if (e) return {{ error: e.textContent }};
                 const s = document.querySelector('#console-session[data-role=\"{role}\"]'); return s ? {{ ok: s.textContent }} : null;"
            ),
            Duration::from_secs(30),
        );
        assert!(signed_in.get("ok").is_some(), "signing in as {username} failed: {signed_in}");
    }

    /// Sets an input's value as typing would, for React: through the native
    /// setter, then an `input` event. Date inputs take no keystrokes in WebKitGTK.
    pub fn set_value(&self, css: &str, value: &str) {
        if self.keyboard {
            return self.fill(css, value);
        }
        let found = self.execute(&format!(
            "const el = document.querySelector({css:?}); if (!el) return false;
             const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
             Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, {value:?});
             el.dispatchEvent(new Event('input', {{ bubbles: true }}));
             return true;"
        ));
        assert_eq!(found, Value::Bool(true), "no element {css}");
    }

    /// Waits until the rate editor has checked the draft as it stands: `ok` or `problem`.
    pub fn wait_for_check(&self) -> String {
        std::thread::sleep(Duration::from_millis(500));
        let state = self.wait_for(
            "the draft checked",
            "const e = document.querySelector('#rate-editor'); return e && e.dataset.check !== 'checking' ? e.dataset.check : null",
            Duration::from_secs(30),
        );
        state.as_str().expect("data-check").to_owned()
    }
}

/// Whether `shown` is `typed` with some of its keys delivered twice:
/// longer, and the same once runs of one character are collapsed.
fn doubled_keys(shown: &str, typed: &str) -> bool {
    let collapse = |s: &str| {
        let mut out: Vec<char> = s.chars().collect();
        out.dedup();
        out
    };
    shown.chars().count() > typed.chars().count() && collapse(shown) == collapse(typed)
}

#[cfg(test)]
mod tests {
    use super::doubled_keys;

    #[test]
    fn a_key_delivered_twice_is_told_from_a_field_that_formats_what_is_typed() {
        assert!(doubled_keys("CCA", "CA"));
        assert!(doubled_keys("Annna Reyes", "Anna Reyes"));
        assert!(!doubled_keys("CA", "CA"), "as typed");
        assert!(!doubled_keys("C", "CA"), "still arriving");
        assert!(!doubled_keys("(555) 010-0100", "5550100100"), "a phone mask");
        assert!(!doubled_keys("$450,000", "450000"), "money");
    }
}
