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
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest)).expect("tauri-build failed; see the message above");
}
