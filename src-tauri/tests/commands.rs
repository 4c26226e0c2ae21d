//! The commands through Tauri's IPC on the mock runtime, with the app's real
//! context (its capabilities included) and a real encrypted store; and the
//! UI's `api.ts` checked against the registered commands.

use std::str::FromStr as _;

use rust_decimal::Decimal;
use serde_json::{json, Value};
use tauri::test::MockRuntime;
use tauri::webview::InvokeRequest;
use uw_desktop::{AppState, DocumentsDir, ImpactCancel, SignInCancel};
use uw_workstation::{Workstation, WorkstationConfig};

struct TestApp {
    dir: tempfile::TempDir,
    _app: tauri::App<MockRuntime>,
    webview: tauri::WebviewWindow<MockRuntime>,
}

impl TestApp {
    fn start() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        // A key file rather than the keychain: these tests are about the
        // commands; the keychain has tests of its own.
        let config = WorkstationConfig::new(dir.path().join("data"), uw_workstation::KeySource::File(dir.path().join("store.key")));
        let workstation = Workstation::open(&config).expect("open the workstation");
        let app = uw_desktop::with_commands(tauri::test::mock_builder())
            .manage(AppState::new(Ok(workstation)))
            .manage(DocumentsDir(dir.path().join("documents")))
            .manage(ImpactCancel::default())
            .manage(SignInCancel::default())
            .build(uw_desktop::context())
            .expect("build the app");
        let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("main window");
        Self { dir, _app: app, webview }
    }

    /// Invokes `cmd` as the UI does: the answer, or the error value.
    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        self.invoke_from("tauri://localhost", cmd, args)
    }

    /// Invokes `cmd` from a page at `url`.
    fn invoke_from(&self, url: &str, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: url.parse().expect("url"),
            body: tauri::ipc::InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: tauri::test::INVOKE_KEY.into(),
        };
        tauri::test::get_ipc_response(&self.webview, request).map(|body| body.deserialize::<Value>().expect("JSON answer"))
    }
}

fn decimal(value: &Value) -> Decimal {
    Decimal::from_str(value.as_str().unwrap_or_else(|| panic!("{value} is not a decimal string"))).expect("decimal")
}

#[test]
fn rate_quote_answers_a_premium_that_is_the_sum_of_its_parts() {
    let app = TestApp::start();
    let quote = app.invoke("rate_quote", json!({ "zip": "90210", "vehicleYear": 2020 })).expect("rated");
    let premium = decimal(&quote["premium"]);
    let coverages = quote["coverages"].as_array().expect("coverages");
    assert!(!coverages.is_empty(), "{quote}");
    let parts: Decimal = coverages.iter().map(|c| decimal(&c["premium"])).sum::<Decimal>()
        + quote["fees"].as_array().expect("fees").iter().map(|f| decimal(&f["amount"])).sum::<Decimal>();
    assert_eq!(premium, parts, "{quote}");
    assert!(premium > Decimal::ZERO && premium.scale() <= 2, "{premium}");
    assert!(quote["packId"].as_str().expect("packId").starts_with("ca-personal-auto"), "{quote}");
    assert!(["accept", "refer", "decline"].contains(&quote["decision"].as_str().expect("decision")), "{quote}");
    // Saved: the next quote gets the next id.
    let again = app.invoke("rate_quote", json!({ "zip": "90210", "vehicleYear": 2020 })).expect("rated");
    assert_eq!(again["quoteId"].as_i64(), quote["quoteId"].as_i64().map(|id| id + 1));
}

#[test]
fn bad_input_is_the_error_shape_naming_the_field() {
    let app = TestApp::start();
    let error = app.invoke("rate_quote", json!({ "zip": "00000", "vehicleYear": 2020 })).expect_err("refused");
    assert_eq!(error["code"], "input.invalid", "{error}");
    assert!(error["message"].as_str().expect("message").contains("zip"), "{error}");
    assert!(error.get("serverCode").is_none(), "{error}");
    // A missing argument is Tauri's own refusal, before the command runs.
    let error = app.invoke("rate_quote", json!({ "zip": "90210" })).expect_err("refused");
    assert!(error.to_string().contains("vehicleYear"), "{error}");
}

#[test]
fn a_new_device_is_not_enrolled_and_has_no_sync_issues() {
    let app = TestApp::start();
    assert_eq!(app.invoke("startup_status", json!({})), Ok(Value::Null));
    assert_eq!(app.invoke("enrollment_status", json!({})), Ok(json!({ "state": "notEnrolled" })));
    assert_eq!(app.invoke("sync_issues", json!({})), Ok(json!([])));
    assert_eq!(app.invoke("dismiss_sync_issue", json!({ "id": 999 })), Ok(json!(false)));
    // Sync reports progress on a channel; without an enrollment it fails before any.
    let error = app.invoke("sync_now", json!({ "onProgress": "__CHANNEL__:7" })).expect_err("not enrolled");
    assert_eq!(error["code"], "sync.not_enrolled", "{error}");
}

#[test]
fn only_the_app_own_pages_may_call_its_commands() {
    let app = TestApp::start();
    assert!(app.invoke("enrollment_status", json!({})).is_ok());
    // The capability grants the commands to the main window's local
    // pages: a remote page loaded into it gets nothing.
    let error = app.invoke_from("https://evil.example", "enrollment_status", json!({})).expect_err("refused");
    assert!(error.to_string().contains("not allowed"), "{error}");
    let error = app.invoke("delete_everything", json!({})).expect_err("refused");
    assert!(error.to_string().contains("delete_everything"), "{error}");
}

/// The wizard's input as the UI sends it: a rateable California auto
/// quote, from the pack's worked examples.
fn wizard_input() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../rate-packs/examples/ca-personal-auto/01-good-driver.json");
    let quote: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("example quote")).expect("JSON");
    json!({ "quote": quote, "contact": { "date_of_birth": null, "email": null, "phone": null }, "licenses": [] })
}

#[test]
fn the_wizard_prices_drafts_saves_and_reopens_a_quote() {
    let app = TestApp::start();
    let mut input = wizard_input();
    // A quote may rate without a VIN; binding it needs one.
    input["quote"]["vehicles"][0]["vin"] = Value::Null;
    let priced = app.invoke("price_quote", json!({ "input": input })).expect("priced");
    let premium = decimal(&priced["premium"]);
    let parts: Decimal = priced["coverages"].as_array().expect("coverages").iter().map(|c| decimal(&c["premium"])).sum::<Decimal>()
        + priced["fees"].as_array().expect("fees").iter().map(|f| decimal(&f["amount"])).sum::<Decimal>()
        + decimal(&priced["minimumPremiumAdjustment"]);
    assert_eq!(premium, parts, "{priced}");
    assert!(decimal(&priced["installments"]["totalPayable"]) >= premium, "{priced}");
    assert_eq!(app.invoke("list_quotes", json!({ "filter": { "limit": 10 } })), Ok(json!([])), "pricing saves nothing");

    let form = json!({ "name": "Maria", "zip": "900" });
    let draft = json!({ "quote_id": null, "product": "personal-auto", "step": 2, "label": "Maria", "form": form });
    let summary = app.invoke("save_draft", json!({ "id": null, "draft": draft })).expect("draft saved");
    let draft_id = summary["id"].as_i64().expect("id");
    let loaded = app.invoke("load_draft", json!({ "id": draft_id })).expect("draft loads");
    assert_eq!(loaded["draft"]["form"], form);

    let saved = app.invoke("save_quote", json!({ "draftId": draft_id, "quoteId": null, "input": input })).expect("saved");
    assert_eq!(decimal(&saved["rating"]["premium"]), premium, "the saved premium is the priced one");
    assert_eq!(app.invoke("list_drafts", json!({})), Ok(json!([])), "the draft became the quote");
    let quote_id = saved["summary"]["id"].as_i64().expect("quote id");
    let reopened = app.invoke("get_quote", json!({ "quoteId": quote_id })).expect("reopens");
    assert_eq!(decimal(&reopened["rating"]["premium"]), premium);
    let entered: uw_workstation::rating::Quote = serde_json::from_value(input["quote"].clone()).expect("quote");
    assert_eq!(reopened["detail"]["input"]["quote"], serde_json::to_value(&entered).expect("JSON"), "reads back as entered");
    assert_eq!(reopened["draftId"], Value::Null);

    let document = app.invoke("save_proposal", json!({ "quoteId": quote_id })).expect("proposal");
    let path = std::path::PathBuf::from(document["path"].as_str().expect("path"));
    assert!(path.starts_with(app.dir.path().join("documents")), "{}", path.display());
    assert!(std::fs::read(&path).expect("written").starts_with(b"%PDF-"));

    let refused = app.invoke("request_bind", json!({ "quoteId": quote_id })).expect_err("no VIN");
    assert_eq!(refused["code"], "input.invalid", "{refused}");
    assert_eq!(refused["fields"][0]["path"], "quote.vehicles[0].vin", "{refused}");
}

#[test]
fn the_referral_desk_needs_an_enrolled_underwriter_and_a_reason() {
    let app = TestApp::start();
    let error = app.invoke("referrals", json!({})).expect_err("not enrolled");
    assert_eq!(error["code"], "sync.not_enrolled", "{error}");
    let args = json!({ "quoteNumber": "QUOT-2026-000001", "version": 1, "approve": true, "reason": " " });
    let error = app.invoke("decide_referral", args).expect_err("no reason");
    assert_eq!((error["code"].as_str(), error["fields"][0]["path"].as_str()), (Some("input.invalid"), Some("reason")), "{error}");
    let args = json!({ "quoteNumber": "../admin", "version": 1, "approve": true, "reason": "ok" });
    let error = app.invoke("decide_referral", args).expect_err("not a quote number");
    assert_eq!(error["fields"][0]["path"], "quote_number", "{error}");
}

#[test]
fn the_first_launch_choice_is_asked_once_and_kept() {
    let app = TestApp::start();
    assert_eq!(app.invoke("setup_status", json!({})).expect("status"), json!({ "mode": null }));
    assert_eq!(app.invoke("work_offline", json!({})).expect("chosen"), json!({ "mode": "offline" }));
    assert_eq!(app.invoke("setup_status", json!({})).expect("status"), json!({ "mode": "offline" }));
}

#[test]
fn the_server_consoles_need_a_session_and_keep_to_their_folder() {
    let app = TestApp::start();
    assert_eq!(app.invoke("session_status", json!({})).expect("status"), Value::Null);
    for cmd in ["admin_users", "admin_devices", "audit_keys"] {
        let error = app.invoke(cmd, json!({})).expect_err("not signed in");
        assert_eq!(error["code"], "sync.not_signed_in", "{cmd}: {error}");
    }
    // No enrollment to take the address from.
    let error = app.invoke("sign_in", json!({ "serverUrl": "", "username": "a", "password": "p" })).expect_err("no server");
    assert_eq!(error["fields"][0]["path"], "server_url", "{error}");
    // What goes into a request path is checked before anything is sent.
    let error = app.invoke("admin_revoke_device", json!({ "deviceId": "../users" })).expect_err("bad id");
    assert_eq!((error["code"].as_str(), error["fields"][0]["path"].as_str()), (Some("input.invalid"), Some("device_id")), "{error}");
    assert_eq!(app.invoke("audit_exports", json!({})).expect("none yet"), json!([]));
    let args = json!({ "file": "audit-export-0-1-1.txt", "key": "not a key" });
    let error = app.invoke("verify_audit_export", args).expect_err("bad key");
    assert_eq!(error["fields"][0]["path"], "key", "{error}");
    // Only saved exports, by name: nothing outside the folder can be read.
    let signer = uw_ledger::NoteSigner::new("audit.uw.example", ed25519_dalek::SigningKey::from_bytes(&[9; 32])).expect("signer");
    let key = signer.verifier().to_string();
    let error = app.invoke("verify_audit_export", json!({ "file": "../../data/store.db", "key": key })).expect_err("outside");
    assert_eq!(error["fields"][0]["path"], "file", "{error}");
    let error = app.invoke("verify_audit_export", json!({ "file": "audit-export-0-1-1.txt", "key": key })).expect_err("missing");
    assert_eq!(error["code"], "audit.file", "{error}");
    // A file opened from anywhere arrives as its text, never a path; what is
    // not an export fails in a verdict, and `previous` is a saved export's
    // name only.
    let verdict = app.invoke("verify_audit_text", json!({ "name": "notes.txt", "text": "hello", "key": key })).expect("a verdict");
    assert_eq!(verdict["verdict"], "failed", "{verdict}");
    assert!(verdict["reason"].as_str().is_some_and(|r| r.starts_with("notes.txt: ")), "{verdict}");
    let args = json!({ "name": "notes.txt", "text": "hello", "key": key, "previous": "../../data/store.db" });
    let error = app.invoke("verify_audit_text", args).expect_err("outside");
    assert_eq!(error["fields"][0]["path"], "file", "{error}");
    let error = app.invoke("verify_audit_text", json!({ "name": "notes.txt", "text": "hello", "key": "not a key" })).expect_err("bad key");
    assert_eq!(error["fields"][0]["path"], "key", "{error}");
    assert!(!app.dir.path().join("documents").join("Audit exports").exists(), "nothing was written");
}

#[test]
fn only_documents_saved_in_the_documents_folder_are_opened_printed_or_shown() {
    let app = TestApp::start();
    let documents = app.dir.path().join("documents");
    std::fs::create_dir_all(&documents).expect("documents folder");
    let store = app.dir.path().join("data").join("workstation.db");
    let outside = app.dir.path().join("elsewhere.pdf");
    std::fs::write(&outside, b"%PDF-").expect("a file outside");
    let through = documents.join("..").join("elsewhere.pdf");
    for cmd in ["open_document", "print_document", "show_document_in_folder"] {
        for path in [
            store.display().to_string(),
            outside.display().to_string(),
            through.display().to_string(),
            "/etc/passwd".into(),
            "x.pdf".into(),
        ] {
            let error = app.invoke(cmd, json!({ "path": path })).expect_err("refused");
            assert_eq!(error["code"], "document.not_saved_here", "{cmd} {path}: {error}");
        }
        let gone = documents.join("QUOT-2026-000001-v1-proposal.pdf");
        let error = app.invoke(cmd, json!({ "path": gone.display().to_string() })).expect_err("missing");
        assert_eq!(error["code"], "document.missing", "{cmd}: {error}");
    }
}

#[test]
fn rate_management_needs_an_underwriter_and_reads_books_only_from_their_folder() {
    let app = TestApp::start();
    let error = app.invoke("open_pack_for_editing", json!({ "packId": "ca-personal-auto" })).expect_err("not enrolled");
    assert_eq!(error["code"], "sync.not_enrolled", "{error}");
    assert_eq!(app.invoke("pack_reviews", json!({})), Ok(json!([])));
    assert_eq!(app.invoke("rate_drafts", json!({})), Ok(json!([])));
    assert_eq!(app.invoke("impact_books", json!({})), Ok(json!([])), "no Books folder yet");
    let books = app.dir.path().join("documents").join("Books");
    std::fs::create_dir_all(&books).expect("books folder");
    std::fs::write(books.join("legacy-ca.jsonl"), "").expect("book");
    std::fs::write(books.join("notes.txt"), "").expect("not a book");
    assert_eq!(app.invoke("impact_books", json!({})), Ok(json!([{ "fileName": "legacy-ca.jsonl", "bytes": 0 }])));
    for name in ["../data/store.jsonl", "notes.txt", "", ".jsonl"] {
        let args = json!({ "draftId": "d1", "book": { "kind": "file", "fileName": name }, "onProgress": "__CHANNEL__:7" });
        let error = app.invoke("run_impact", args).expect_err("refused");
        assert_eq!(error["fields"][0]["path"], "file_name", "{name}: {error}");
    }
    let args = json!({ "draftId": "d1", "book": { "kind": "local" }, "onProgress": "__CHANNEL__:7" });
    assert_eq!(app.invoke("run_impact", args).expect_err("not enrolled")["code"], "sync.not_enrolled");
    assert_eq!(app.invoke("cancel_impact", json!({})), Ok(Value::Null));
}

#[test]
fn engine_problems_come_back_by_field_path() {
    let app = TestApp::start();
    let mut input = wizard_input();
    input["quote"]["drivers"][0]["license_date"] = json!("2099-01-01");
    input["quote"]["applicant"]["address"]["zip"] = json!("10001");
    let error = app.invoke("price_quote", json!({ "input": input })).expect_err("refused");
    assert_eq!(error["code"], "input.invalid", "{error}");
    let paths: Vec<&str> = error["fields"].as_array().expect("fields").iter().filter_map(|f| f["path"].as_str()).collect();
    assert!(paths.contains(&"quote.drivers[0].license_date"), "{error}");
    assert!(paths.contains(&"quote.applicant.address.zip"), "{error}");
    // A limit the pack does not offer is the pack's to refuse, by path too.
    let mut input = wizard_input();
    input["quote"]["coverages"][0]["limit"] = json!("1/2");
    let error = app.invoke("price_quote", json!({ "input": input })).expect_err("refused");
    assert!(error["fields"][0]["path"].as_str().expect("path").starts_with("quote.coverages[0]"), "{error}");
    let error =
        app.invoke("quote_options", json!({ "state": "CA", "product": "personal-auto", "effectiveDate": "2026-13-01", "renewal": false }));
    assert_eq!(error.expect_err("bad date")["fields"][0]["path"], "effective_date");
}

/// Every command `ui/src/api.ts` calls, with the argument names it passes:
/// each `call<T>("name", { a, b: x })` (or `call<T>("name")`).
fn api_ts_calls() -> Vec<(String, Vec<String>, usize)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/api.ts");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let line_of = |at: usize| text[..at].matches('\n').count() + 1;
    let mut calls = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find("call<") {
        let at = from + found;
        from = at + "call<".len();
        // Skip the result type to the `(` that opens the arguments.
        let mut depth = 1;
        let mut rest = text[from..].char_indices();
        let open = loop {
            match rest.next() {
                Some((_, '<')) => depth += 1,
                Some((i, '>')) => {
                    depth -= 1;
                    if depth == 0 {
                        break from + i + 1;
                    }
                }
                Some(_) => {}
                None => panic!("api.ts:{}: unterminated call<", line_of(at)),
            }
        };
        let args = text[open..].trim_start();
        let Some(args) = args.strip_prefix('(') else { continue }; // `call<T>(command: string, ...)`: the helper itself
        let args = args.trim_start();
        let Some(args) = args.strip_prefix('"') else { continue };
        let name_end = args.find('"').expect("closing quote");
        let name = args[..name_end].to_owned();
        let after = args[name_end + 1..].trim_start();
        let mut keys = Vec::new();
        if let Some(object) = after.strip_prefix(',').map(str::trim_start) {
            let object =
                object.strip_prefix('{').unwrap_or_else(|| panic!("api.ts:{}: {name}'s arguments are not an object literal", line_of(at)));
            let mut depth = 0;
            let mut start = 0;
            let mut end = None;
            for (i, c) in object.char_indices() {
                match c {
                    '{' | '(' | '[' => depth += 1,
                    ')' | ']' => depth -= 1,
                    '}' if depth == 0 => {
                        end = Some(i);
                        break;
                    }
                    '}' => depth -= 1,
                    _ => {}
                }
                if c == ',' && depth == 0 {
                    keys.push(object[start..i].to_owned());
                    start = i + 1;
                }
            }
            let end = end.unwrap_or_else(|| panic!("api.ts:{}: {name}'s arguments do not close", line_of(at)));
            keys.push(object[start..end].to_owned());
            keys = keys.into_iter().map(|k| k.split(':').next().unwrap_or_default().trim().to_owned()).filter(|k| !k.is_empty()).collect();
            for key in &keys {
                assert!(
                    key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                    "api.ts:{}: {name} passes `{key}`; name each argument (no spreads) so it can be checked",
                    line_of(at)
                );
            }
        }
        calls.push((name, keys, line_of(at)));
    }
    calls
}

/// `ui/src/api.ts` cannot disagree with the registered commands: it calls
/// each one, only those, with exactly the arguments the command takes.
#[test]
fn api_ts_calls_exactly_the_registered_commands_with_their_arguments() {
    let calls = api_ts_calls();
    assert!(calls.len() >= uw_desktop::COMMANDS.len(), "api.ts calls {} commands", calls.len());
    for (name, keys, line) in &calls {
        let command = uw_desktop::COMMANDS
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("api.ts:{line}: `{name}` is not a registered command"));
        let mut passed: Vec<&str> = keys.iter().map(String::as_str).collect();
        let mut taken: Vec<&str> = command.args.to_vec();
        passed.sort_unstable();
        taken.sort_unstable();
        assert_eq!(passed, taken, "api.ts:{line}: `{name}` takes {:?} (src-tauri/src/commands/{}.rs)", command.args, command.module);
    }
    for command in uw_desktop::COMMANDS {
        assert!(
            calls.iter().any(|(name, ..)| name == command.name),
            "`{}` (src-tauri/src/commands/{}.rs) is registered but api.ts never calls it",
            command.name,
            command.module
        );
    }
}

/// The generated list, the registration and the capability agree: every
/// listed command is reachable from the app's own pages (a missing
/// argument is the command's refusal, not Tauri's "not found" or "not
/// allowed").
#[test]
fn every_listed_command_is_registered_and_allowed() {
    let app = TestApp::start();
    for command in uw_desktop::COMMANDS {
        let answer = app.invoke(command.name, json!({}));
        if let Err(error) = answer {
            let text = error.to_string();
            assert!(!text.contains("not allowed") && !text.contains("not found"), "{}: {text}", command.name);
        }
    }
}
