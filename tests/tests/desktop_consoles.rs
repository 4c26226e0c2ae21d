//! The desktop's server consoles against the real `uw-sync-server` (SQLite):
//! an administrator signs in from a workstation, manages users and revokes
//! an agent's device, which can then no longer sync; an auditor exports the
//! audit log, saves it, verifies it offline, sees a tampered copy fail on
//! the changed entry, and proves with a second export that the log only
//! grew. Sync reports its progress batch by batch.

#[path = "../../crates/workstation/tests/common/mod.rs"]
mod common;

use common::good_driver;
use uw_system_tests::system::{codes as code, now, Laptop, Org};
use uw_workstation::console::{audit_exports, verify_audit_export, verify_audit_text};
use uw_workstation::{AuditQuery, AuditVerdict, Role, Secret, SyncProgress, UserChange};

#[test]
fn administrators_and_auditors_work_from_the_desktop_console() {
    let dirs = tempfile::tempdir().expect("tempdir");
    let database = dirs.path().join("server.sqlite3");
    let org = Org::create(&["--sqlite", database.to_str().expect("utf-8")]);
    let server = org.start();

    // An agent's laptop quotes, asks to bind and syncs, hearing the progress.
    let mut agent = Laptop::open(&dirs.path().join("agent"));
    agent.ws.enroll(&server.base_url, "agent", &Secret::new(org.demo.password("agent")), "agent-laptop", now()).expect("enrolls");
    let quote = agent.rated(good_driver());
    agent.ws.request_bind(quote, now()).expect("bind requested");
    let waiting = agent.unsent();
    let mut heard = Vec::new();
    let report = agent.ws.sync_with_progress(now(), &mut |p| heard.push(p)).expect("syncs");
    assert_eq!(report.push.delivered, waiting);
    assert_eq!(heard.first(), Some(&SyncProgress::Push { sent: 0, total: waiting }), "{heard:?}");
    assert!(heard.contains(&SyncProgress::Push { sent: waiting, total: waiting }), "{heard:?}");
    assert_eq!(
        heard.last(),
        Some(&SyncProgress::Pull { pages: report.pull.pages, changes: report.pull.changes }),
        "the last report is the last page: {heard:?}"
    );

    // The administrator works online, from a workstation that never enrolled.
    let mut console = Laptop::open(&dirs.path().join("admin"));
    let refused = console.ws.admin_users().expect_err("no session yet");
    assert_eq!(code(&refused).0, "sync.not_signed_in");
    let wrong = console.ws.sign_in(&server.base_url, "admin", &Secret::new("not the password"), None).expect_err("wrong password");
    assert_eq!(code(&wrong), ("sync.unauthorized", Some("auth.invalid_credentials".into())), "{wrong}");
    assert!(console.ws.session().is_none(), "a failed sign-in leaves no session");
    let session = console.ws.sign_in(&server.base_url, "admin", &Secret::new(org.demo.password("admin")), None).expect("signs in");
    assert_eq!((session.user.username.as_str(), session.user.role), ("admin", Role::Admin));

    let users = console.ws.admin_users().expect("users");
    assert!(users.iter().any(|u| u.username == "agent" && u.role == Role::Agent && !u.disabled), "{users:?}");
    // The list says when each user last signed in with their password: the
    // administrator just did; the auditor never has.
    let admin = users.iter().find(|u| u.username == "admin").expect("the administrator is listed");
    assert!(admin.last_sign_in_at.is_some(), "{admin:?}");
    assert!(users.iter().any(|u| u.username == "auditor" && u.last_sign_in_at.is_none()), "{users:?}");
    let added = console
        .ws
        .admin_add_user("agent3", &Secret::new("a long enough password 3"), Role::Agent, Some("  Buckeye Insurance Agency, LLC "))
        .expect("adds");
    assert_eq!((added.username.as_str(), added.role), ("agent3", Role::Agent));
    assert_eq!(added.agency.as_deref(), Some("Buckeye Insurance Agency, LLC"), "the agency is kept trimmed");
    let bad_agency = console
        .ws
        .admin_change_user("agent3", &UserChange { agency: Some("Two\nlines".into()), ..UserChange::default() })
        .expect_err("bad");
    assert_eq!(code(&bad_agency), ("sync.refused", Some("user.bad_agency".into())), "{bad_agency}");
    let no_agency =
        console.ws.admin_change_user("agent3", &UserChange { agency: Some(String::new()), ..UserChange::default() }).expect("clears");
    assert_eq!(no_agency.agency, None, "an empty agency removes it");
    let again = console.ws.admin_add_user("agent3", &Secret::new("a long enough password 3"), Role::Agent, None).expect_err("duplicate");
    assert_eq!(code(&again).0, "sync.refused", "{again}");
    let promoted =
        console.ws.admin_change_user("agent3", &UserChange { role: Some(Role::Underwriter), ..UserChange::default() }).expect("role");
    assert_eq!(promoted.role, Role::Underwriter);
    let disabled = console.ws.admin_change_user("agent3", &UserChange { disabled: Some(true), ..UserChange::default() }).expect("disable");
    assert!(disabled.disabled);
    let listed = console.ws.admin_users().expect("users");
    assert!(listed.iter().any(|u| u.username == "agent3" && u.role == Role::Underwriter && u.disabled), "{listed:?}");
    let cannot = agent.ws.sign_in("", "agent3", &Secret::new("a long enough password 3"), None).expect_err("disabled user");
    assert_eq!(code(&cannot).0, "sync.unauthorized", "{cannot}");

    // Revoking the agent's device stops its sync at once.
    let devices = console.ws.admin_devices().expect("devices");
    let laptop = devices.iter().find(|d| d.name == "agent-laptop").expect("the agent's laptop is listed");
    assert!(laptop.revoked_at.is_none() && laptop.last_seq >= u64::try_from(waiting).expect("small"), "{laptop:?}");
    let revoked = console.ws.admin_revoke_device(&laptop.device_id).expect("revokes");
    assert!(revoked.revoked_at.is_some());
    let twice = console.ws.admin_revoke_device(&laptop.device_id).expect_err("already revoked");
    assert_eq!(code(&twice), ("sync.refused", Some("device.already_revoked".into())), "{twice}");
    let stopped = agent.ws.sync(now()).expect_err("revoked");
    assert_eq!(code(&stopped).0, "sync.device_revoked", "{stopped}");

    // An agent's session is refused the administrator's calls by the server.
    agent.ws.sign_in("", "agent", &Secret::new(org.demo.password("agent")), None).expect("the agent signs in");
    let forbidden = agent.ws.admin_devices().expect_err("not an administrator");
    assert_eq!(code(&forbidden), ("sync.refused", Some("auth.forbidden".into())), "{forbidden}");
    assert!(console.ws.sign_out());
    assert_eq!(code(&console.ws.admin_users().expect_err("signed out")).0, "sync.not_signed_in");

    // The auditor exports the whole log, saves it and verifies it offline.
    let mut auditor = Laptop::open(&dirs.path().join("auditor"));
    auditor.ws.sign_in(&server.base_url, "auditor", &Secret::new(org.demo.password("auditor")), None).expect("signs in");
    let keys = auditor.ws.audit_keys().expect("keys");
    let key = keys.verifier_keys.first().expect("a verifier key").clone();
    let folder = dirs.path().join("Audit exports");
    let first = auditor.ws.save_audit_export(0, None, None, &folder).expect("exports");
    assert_eq!((first.start, first.end), (0, first.checkpoint_size), "{first:?}");
    assert!(first.checkpoint_size >= 5, "enrollments, quotes, the bind and the administration are logged: {first:?}");
    match verify_audit_export(&folder, &first.file_name, &key, None).expect("verifies") {
        AuditVerdict::Verified { start, end, checkpoint_size, origin, .. } => {
            assert_eq!((start, end, checkpoint_size, origin.as_str()), (0, first.end, first.checkpoint_size, keys.origin.as_str()));
        }
        failed => panic!("an honest export fails: {failed:?}"),
    }

    // A copy with one byte of entry 1 changed fails, naming entry 1.
    let text = std::fs::read_to_string(&first.path).expect("the saved export");
    let header = text.find("\nentry 1 ").expect("entry 1") + 1;
    let body = header + text[header..].find('\n').expect("the entry's bytes") + 1;
    let mut bytes = text.into_bytes();
    let at = body + 2;
    bytes[at] = if bytes[at] == b'a' { b'b' } else { b'a' };
    let tampered_name = format!("audit-export-0-{}-{}9.txt", first.end, first.checkpoint_size);
    std::fs::write(folder.join(&tampered_name), &bytes).expect("write the tampered copy");
    match verify_audit_export(&folder, &tampered_name, &key, None).expect("a verdict") {
        AuditVerdict::Failed { reason } => assert!(reason.contains("entry 1: modified"), "{reason}"),
        verified => panic!("a tampered export verifies: {verified:?}"),
    }
    std::fs::remove_file(folder.join(&tampered_name)).expect("remove the tampered copy");

    // More happens; the next export proves the log only grew since the first.
    console.ws.sign_in(&server.base_url, "admin", &Secret::new(org.demo.password("admin")), None).expect("signs in again");
    console.ws.admin_add_user("agent4", &Secret::new("a long enough password 4"), Role::Agent, None).expect("adds");
    let second = auditor.ws.save_audit_export(first.end, None, Some(&first.file_name), &folder).expect("exports again");
    assert_eq!((second.start, second.consistency_from), (first.end, Some(first.checkpoint_size)), "{second:?}");
    assert!(second.checkpoint_size > first.checkpoint_size);
    match verify_audit_export(&folder, &second.file_name, &key, Some(&first.file_name)).expect("verifies") {
        AuditVerdict::Verified { consistent_with, .. } => assert_eq!(consistent_with, Some(first.checkpoint_size)),
        failed => panic!("{failed:?}"),
    }
    let listed: Vec<String> = audit_exports(&folder).expect("listed").into_iter().map(|f| f.file_name).collect();
    assert_eq!(listed, vec![second.file_name.clone(), first.file_name.clone()], "newest checkpoint first");

    // A key that is not the log's does not verify it.
    let stranger = uw_ledger::NoteSigner::new(&keys.origin, ed25519_dalek::SigningKey::from_bytes(&[3; 32])).expect("signer");
    match verify_audit_export(&folder, &first.file_name, &stranger.verifier().to_string(), None).expect("a verdict") {
        AuditVerdict::Failed { reason } => assert!(reason.contains("checkpoint"), "{reason}"),
        verified => panic!("verified with a stranger's key: {verified:?}"),
    }
    // An export opened from anywhere (a colleague's copy) verifies from its
    // text; a changed copy of it does not.
    let copy = std::fs::read_to_string(&second.path).expect("the second export");
    match verify_audit_text("from a colleague.txt", &copy, &key, &folder, Some(&first.file_name)).expect("a verdict") {
        AuditVerdict::Verified { start, consistent_with, .. } => {
            assert_eq!((start, consistent_with), (first.end, Some(first.checkpoint_size)));
        }
        failed => panic!("{failed:?}"),
    }
    // One byte of its first entry's record changed.
    let line = copy.find(&format!("\nentry {} ", second.start)).expect("its first entry") + 1;
    let at = line + copy[line..].find('\n').expect("the entry's bytes") + 3;
    let mut changed = copy.clone().into_bytes();
    changed[at] = if changed[at] == b'a' { b'b' } else { b'a' };
    let changed = String::from_utf8(changed).expect("still text");
    match verify_audit_text("from a colleague.txt", &changed, &key, &folder, None).expect("a verdict") {
        AuditVerdict::Failed { reason } => assert!(reason.starts_with("from a colleague.txt: "), "{reason}"),
        verified => panic!("a changed copy verifies: {verified:?}"),
    }

    // The auditor browses the log: newest first, a page at a time, with
    // each actor's username.
    let all = auditor.ws.audit_entries(&AuditQuery { limit: Some(200), ..AuditQuery::default() }).expect("entries");
    let size = all.end;
    assert!(size >= second.checkpoint_size && all.start == 0 && all.next_before.is_none(), "{all:?}");
    let indexes: Vec<u64> = all.entries.iter().map(|e| e.index).collect();
    assert_eq!(indexes, (0..size).rev().collect::<Vec<_>>(), "every entry, newest first");
    let added_agent3 = all.entries.iter().find(|e| e.action == "user.add" && e.resource_id == added.user_id).expect("agent3's addition");
    assert_eq!((added_agent3.username.as_deref(), added_agent3.role.as_str()), (Some("admin"), "admin"), "{added_agent3:?}");
    let first_page = auditor.ws.audit_entries(&AuditQuery { limit: Some(2), ..AuditQuery::default() }).expect("a page");
    assert_eq!(first_page.entries.iter().map(|e| e.index).collect::<Vec<_>>(), [size - 1, size - 2]);
    let next = auditor
        .ws
        .audit_entries(&AuditQuery { limit: Some(2), before: first_page.next_before, ..AuditQuery::default() })
        .expect("the next page");
    assert_eq!(next.entries.iter().map(|e| e.index).collect::<Vec<_>>(), [size - 3, size - 4]);
    // By user and action: the administrator's changes to users, and only those.
    let by_admin = auditor
        .ws
        .audit_entries(&AuditQuery { user: Some("ADMIN".into()), action: Some("user".into()), ..AuditQuery::default() })
        .expect("by user and action");
    let expected: Vec<u64> =
        all.entries.iter().filter(|e| e.username.as_deref() == Some("admin") && e.action.starts_with("user.")).map(|e| e.index).collect();
    assert!(expected.len() >= 5, "agent3 added and changed four times, agent4 added: {expected:?}");
    assert_eq!(by_admin.entries.iter().map(|e| e.index).collect::<Vec<_>>(), expected);
    // By resource: every entry about agent3 (added, promoted, disabled, its
    // agency removed; the refused change left none).
    let about =
        auditor.ws.audit_entries(&AuditQuery { resource: Some(added.user_id.clone()), ..AuditQuery::default() }).expect("by resource");
    assert!(about.entries.iter().all(|e| e.resource_id == added.user_id) && about.entries.len() == 4, "{about:?}");
    // By time: nothing after the newest entry; everything before it.
    let newest = time::OffsetDateTime::parse(&all.entries[0].server_time, &time::format_description::well_known::Rfc3339).expect("a time");
    let rfc = |t: time::OffsetDateTime| t.format(&time::format_description::well_known::Rfc3339).expect("formats");
    let later = rfc(newest + time::Duration::milliseconds(1));
    let none = auditor.ws.audit_entries(&AuditQuery { from: Some(later.clone()), ..AuditQuery::default() }).expect("after");
    assert!(none.entries.is_empty() && (none.start, none.end) == (size, size), "{none:?}");
    let range = auditor.ws.audit_range(None, Some(&later)).expect("a range");
    assert_eq!((range.start, range.end), (0, size));
    let bad = auditor.ws.audit_range(Some("yesterday"), None).expect_err("not a time");
    assert_eq!(code(&bad), ("sync.refused", Some("audit.bad_time".into())), "{bad}");

    // The agent is not an auditor.
    let refused = agent.ws.save_audit_export(0, None, None, &folder).expect_err("not an auditor");
    assert_eq!(code(&refused), ("sync.refused", Some("auth.forbidden".into())), "{refused}");
    let refused = agent.ws.audit_entries(&AuditQuery::default()).expect_err("not an auditor");
    assert_eq!(code(&refused), ("sync.refused", Some("auth.forbidden".into())), "{refused}");
}
