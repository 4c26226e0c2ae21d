fn main() {
    // Declaring the app's commands makes Tauri generate `allow-*` permissions
    // for them and deny any command a capability does not grant.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "rate_quote",
        "startup_status",
        "enrollment_status",
        "enroll",
        "sync_now",
        "sync_issues",
        "dismiss_sync_issue",
        "dashboard",
        "quote_options",
        "decode_vin",
        "lookup_zip",
        "price_quote",
        "save_quote",
        "save_draft",
        "load_draft",
        "list_drafts",
        "discard_draft",
        "list_quotes",
        "get_quote",
        "save_proposal",
        "request_bind",
        "referrals",
        "decide_referral",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)).expect("tauri-build failed; see the message above");
}
