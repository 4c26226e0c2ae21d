//! The canonical audit-entry encoding: one entry, one byte string.

use proptest::prelude::*;
use uw_ledger::{AuditEntry, EntryError, Role};

fn entry() -> AuditEntry {
    AuditEntry {
        actor_user: "u-1042".into(),
        actor_role: Role::Underwriter,
        actor_device: None,
        action: "quote.approve".into(),
        resource_type: "quote".into(),
        resource_id: "QUOT-2026-000123".into(),
        server_time: "2026-11-23T21:04:05.123Z".into(),
        device_time: None,
        device_signature: None,
        change_sha256: [0x9f; 32],
        request_id: "req-7f3c2a90".into(),
    }
}

#[test]
fn the_documented_form() {
    let bytes = entry().encode().expect("encodes");
    let text = String::from_utf8(bytes.clone()).expect("utf-8");
    assert_eq!(
        text,
        format!(
            "uw-audit-entry/1\nactor-user u-1042\nactor-role underwriter\nactor-device -\naction quote.approve\nresource quote/QUOT-2026-000123\nserver-time 2026-11-23T21:04:05.123Z\ndevice-time -\ndevice-signature -\nchange-sha256 {}\nrequest-id req-7f3c2a90\n",
            "9f".repeat(32)
        )
    );
    assert_eq!(AuditEntry::decode(&bytes).expect("decodes"), entry());
}

#[test]
fn non_canonical_bytes_are_refused_with_their_line() {
    let good = String::from_utf8(entry().encode().expect("encodes")).expect("utf-8");
    let cases = [
        (good.replace("actor-role underwriter", "actor-role Underwriter"), "line 3"),
        (good.replace("action quote.approve\n", "action  quote.approve\n"), "line 5: action"),
        (good.replace("server-time 2026-11-23T21:04:05.123Z", "server-time 2026-11-23T21:04:05Z"), "line 7: server-time"),
        (good.replace("resource quote/", "resource quote:"), "line 6"),
        (good.replace(&"9f".repeat(32), &"9F".repeat(32)), "line 10"),
        (good.trim_end().to_owned(), "does not end in a newline"),
        (good.replace("uw-audit-entry/1", "uw-audit-entry/2"), "line 1: expected `uw-audit-entry/1`"),
        (good.replace("device-time -\n", ""), "expected exactly ten fields"),
    ];
    for (bytes, needle) in cases {
        let err = AuditEntry::decode(bytes.as_bytes()).expect_err(needle);
        assert!(err.to_string().contains(needle), "`{err}` should contain `{needle}`");
    }
}

#[test]
fn values_that_cannot_be_encoded_are_refused() {
    let mut e = entry();
    e.action = "quote approve".into();
    assert!(matches!(e.encode(), Err(EntryError::BadValue { field: "action", .. })));
    let mut e = entry();
    e.server_time = "2026-11-23 21:04:05".into();
    assert!(matches!(e.encode(), Err(EntryError::BadValue { field: "server-time", .. })));
    let mut e = entry();
    e.actor_device = Some("-".into());
    assert!(matches!(e.encode(), Err(EntryError::BadValue { .. })), "`-` is reserved for absent values");
}

fn token() -> impl Strategy<Value = String> {
    "[A-Za-z0-9._:-]{1,24}".prop_filter("`-` alone means absent", |s| s != "-")
}

fn time() -> impl Strategy<Value = String> {
    (2000u32..2100, 1u32..13, 1u32..29, 0u32..24, 0u32..60, 0u32..60, 0u32..1000)
        .prop_map(|(y, mo, d, h, mi, s, ms)| format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z"))
}

proptest! {
    #[test]
    fn encoding_round_trips(user in token(), device in proptest::option::of(token()), action in token(), rtype in "[a-z]{1,12}", rid in token(),
                            server in time(), device_time in proptest::option::of(time()), sig in proptest::option::of(any::<[u8; 32]>()),
                            change in any::<[u8; 32]>(), request in token(), role in 0usize..5) {
        let e = AuditEntry {
            actor_user: user,
            actor_role: [Role::Agent, Role::Underwriter, Role::Admin, Role::Auditor, Role::System][role],
            actor_device: device,
            action,
            resource_type: rtype,
            resource_id: rid,
            server_time: server,
            device_time,
            device_signature: sig.map(|s| { let mut x = [0u8; 64]; x[..32].copy_from_slice(&s); x[32..].copy_from_slice(&s); x }),
            change_sha256: change,
            request_id: request,
        };
        let bytes = e.encode().expect("encodes");
        prop_assert_eq!(AuditEntry::decode(&bytes).expect("decodes"), e);
    }
}
