//! Migrations: a store written at each earlier schema version upgrades to
//! the current one and keeps every row, value for value.
//!
//! The store at version k is built the way a released application left it:
//! migrations 1..=k applied in order, each followed by the rows that version
//! could write. Adding a migration needs a fixture below (the rows it makes
//! possible) and, if it renames a table, an entry in `RENAMED`.

use std::collections::BTreeMap;
use std::path::Path;

use rusqlite::Connection;
use uw_workstation::{Store, StoreKey, MIGRATIONS};

/// Rows each version could write, applied right after its migration.
fn fixture(version: usize) -> &'static str {
    match version {
        1 => {
            "INSERT INTO quote (created_at, garaging_zip, vehicle_year, pack_id, premium, worksheet) VALUES
                ('2026-01-02T03:04:05.678Z', '94110', 2020, 'ca-personal-auto/2026.1@aa', '601', '{\"total\":\"601\"}'),
                ('2026-01-02T03:04:06.000Z', '90001', 2010, 'ca-personal-auto/2026.1@aa', '942.50', '[]');"
        }
        2 => "",
        3 => {
            "INSERT INTO outbox (seq, op_id, kind, payload, created_at, signature, sent_at) VALUES
                (1, '0123456789abcdef0123456789abcdef', 'quote.saved', '{\"quote_id\":1}', '2026-01-02T03:04:05.678Z', printf('%.128d', 0), NULL),
                (2, 'fedcba9876543210fedcba9876543210', 'quote.saved', '{\"quote_id\":2}', '2026-01-02T03:04:06.000Z', printf('%.128d', 1), '2026-01-03T00:00:00.000Z');"
        }
        4 => {
            "INSERT INTO customer (id, name, street, city, state, zip, date_of_birth, email, phone, created_at, updated_at) VALUES
                (1, 'Maria Delgado', '2417 Echo Park Ave', 'Los Angeles', 'CA', '90026', '1983-07-14', 'maria@example.com', '2135550142',
                 '2026-01-20T15:30:00.000Z', '2026-01-20T15:30:00.000Z');
             INSERT INTO quote_number_block (year, next_serial, last_serial) VALUES (2026, 2, 999999);
             INSERT INTO quote (id, quote_number, customer_id, product, state, effective_date, status, current_version, premium, rated_on,
                                expires_on, created_at, updated_at) VALUES
                (1, 'QUOT-2026-000001', 1, 'personal-auto', 'CA', '2026-02-01', 'rated', 1, '2263', '2026-01-20', '2026-02-19',
                 '2026-01-20T15:30:00.000Z', '2026-01-20T15:30:00.000Z');
             INSERT INTO quote_version (id, quote_id, version, input, created_at) VALUES (1, 1, 1, '{}', '2026-01-20T15:30:00.000Z');
             INSERT INTO driver VALUES (1, 0, 'Maria Delgado', '1983-07-14', '2000-08-02', 'D7654321', 'CA', 0, 0);
             INSERT INTO vehicle VALUES (1, 0, '1HGCV1F39LA151313', 2020, 'Honda', 'Accord', 'commute', 11000, '90026', 0);
             INSERT INTO coverage_selection VALUES (1, 'BI', '100/300', NULL, NULL), (1, 'COLL', NULL, '500', '[0]');
             INSERT INTO rating_result VALUES (1, 'ca-personal-auto/2026.1@aa', printf('%.64d', 0), '2263', 'accept', '{}',
                                               '2026-01-20T15:30:00.000Z', '2026-01-20');
             INSERT INTO trusted_key VALUES ('uw-dev-2026', printf('%.64d', 0), 'bundled', '2026-01-20T15:30:00.000Z');
             INSERT INTO installed_pack VALUES ('ca-personal-auto/2026.1@aa', 'CA', 'personal-auto', printf('%.64d', 0), 'uw-dev-2026',
                                                'bundled', '2026-01-20T15:30:00.000Z');
             INSERT INTO audit_event (at, action, subject, details) VALUES ('2026-01-20T15:30:00.000Z', 'quote.created', 'QUOT-2026-000001', '{}');
             INSERT INTO policy VALUES ('PA-CA-0000001', 1, 1, 'in_force', 1, '2026-02-01', '2027-02-01', '2263', '{}', '2026-01-21T00:00:00.000Z');
             INSERT INTO sync_state VALUES ('pull_cursor', '42');"
        }
        5 => {
            "INSERT INTO sync_enrollment VALUES (1, 'http://127.0.0.1:8080', '6f1c0a8e9b2d4c3f', 'dev-0001', 'jsmith-laptop',
                 printf('%.64d', 7), '2026-04-20T15:30:00Z', 'user-0001', 'jsmith', 'agent', 2026, 1001, 2000, '2026-01-20T15:30:00.000Z');
             INSERT INTO sync_issue (source, seq, op_id, change_index, kind, subject, outcome, code, reason, current_version, received_at)
             VALUES ('push', 1, '0123456789abcdef0123456789abcdef', NULL, 'quote.saved', NULL, 'rejected', 'sync.bad_payload',
                     'quote_id: unknown field', NULL, '2026-01-21T00:00:00.000Z'),
                    ('push', 2, 'fedcba9876543210fedcba9876543210', NULL, 'quote.bind_requested', 'QUOT-2026-000001', 'conflict', NULL,
                     'version 1 is stale', 2, '2026-01-21T00:00:00.000Z'),
                    ('pull', NULL, NULL, 17, 'pack_published', 'ca-personal-auto/2026.2@bb', 'not_applied', 'pack.unverified',
                     'not installed', NULL, '2026-01-21T00:00:00.000Z');
             UPDATE trusted_key SET revoked_at = '2026-01-22T00:00:00.000Z' WHERE key_id = 'uw-dev-2026';
             INSERT INTO synced_pack VALUES ('ca-personal-auto/2026.1@aa', '{\"manifest.toml\":\"format = 1\"}', 12);
             INSERT INTO sync_state VALUES ('acked_seq', '2');"
        }
        6 => {
            "INSERT INTO quote_draft (id, quote_id, product, step, label, form, created_at, updated_at) VALUES
                (1, NULL, 'personal-auto', 2, 'Ann Smith', '{\"name\":\"Ann Smith\",\"zip\":\"9411\"}',
                 '2026-01-22T00:00:00.000Z', '2026-01-22T00:01:00.000Z'),
                (2, 1, 'personal-auto', 5, 'Maria Delgado', '{}', '2026-01-22T00:00:00.000Z', '2026-01-22T00:00:00.000Z');"
        }
        // The migration itself records `enrolled` for a store that has an enrollment.
        7 => "INSERT OR REPLACE INTO workstation_setup (singleton, mode, chosen_at) VALUES (1, 'enrolled', '2026-01-23T00:00:00Z');",
        8 => {
            "UPDATE policy SET policy_version = 2, detail = '{\"summary\":{}}', detail_version = 1, fetched_at = '2026-01-24T00:00:00.000Z';
             INSERT INTO outbox (seq, op_id, kind, payload, created_at, signature, sent_at) VALUES
                (3, '00112233445566778899aabbccddeeff', 'policy.transaction', '{\"policy_number\":\"PA-CA-0000001\"}',
                 '2026-01-24T00:00:00.000Z', printf('%.128d', 2), NULL);
             INSERT INTO policy_change (policy_number, seq, base_version, kind, effective_date, amount, description, policy, worksheet,
                                        input, pack_id, prepared_at, outcome, answered_at) VALUES
                ('PA-CA-0000001', 3, 1, 'cancel', '2026-06-01', '-1367.10', 'Cancelled at the request of the named insured',
                 '{\"policy_number\":\"PA-CA-0000001\",\"state\":\"CA\",\"product\":\"personal-auto\",\"version\":2,\"status\":\"cancelled\",\"term\":{\"start\":\"2026-02-01\",\"end\":\"2027-02-01\"},\"term_premium\":\"2263\",\"written_premium\":\"895.90\",\"charges\":[{\"from\":\"2026-02-01\",\"amount\":\"2263\"}],\"last_effective\":\"2026-06-01\",\"cancellation\":{\"effective\":\"2026-06-01\",\"reason\":\"insured_request\",\"method\":\"short_rate\",\"returned\":\"1367.10\",\"penalty\":\"151.90\",\"processed_on\":\"2026-05-30\",\"notice_days\":0},\"non_renewal\":null,\"renewal_offer\":null,\"renewals\":0}',
                 '{\"kind\":\"cancel\",\"version\":2,\"effective\":\"2026-06-01\",\"lines\":[{\"label\":\"Returned\",\"value\":\"1367.10\"}],\"amount\":\"-1367.10\"}',
                 NULL, NULL, '2026-05-30T00:00:00.000Z', NULL, NULL);"
        }
        9 => {
            "INSERT INTO rate_draft (draft_id, base_pack_id, edits, files, pack_id, digest, note, author, status, impact, submitted_at, sent_at,
                                     created_at, updated_at) VALUES
                ('0a1b2c3d4e5f60718293a4b5', 'ca-personal-auto/2026.1@00', '{\"fields\":{\"version\":\"2026.2\"}}', '{\"manifest.toml\":\"\"}',
                 'ca-personal-auto/2026.2@11', printf('%.64d', 1), 'BI +4%', 'underwriter', 'submitted', '{\"rated\":2}',
                 '2026-01-25T00:00:00.000Z', NULL, '2026-01-25T00:00:00.000Z', '2026-01-25T00:00:00.000Z');
             INSERT INTO approval_key (username, key_id, public_key, created_at) VALUES
                ('underwriter', 'uw1-approval', printf('%.64d', 2), '2026-01-25T00:00:00.000Z');
             INSERT INTO pack_review (draft_id, draft, decision, decided_at, sent_at, fetched_at) VALUES
                ('ffeeddccbbaa', '{\"draft_id\":\"ffeeddccbbaa\"}', '{\"approve\":false,\"comment\":\"no\"}', '2026-01-25T00:00:00.000Z', NULL,
                 '2026-01-25T00:00:00.000Z');"
        }
        10 => "UPDATE sync_enrollment SET server_ca = '-----BEGIN CERTIFICATE-----
MIIBszCCAVmgAwIBAgIUQ
-----END CERTIFICATE-----
';",
        11 => {
            "UPDATE sync_enrollment SET device_number = 42;
             INSERT INTO quote_serial (year, next_serial) VALUES (2026, 8);
             INSERT INTO restore_mark (singleton, after_quote, restored_at) VALUES (1, 1, '2026-01-26T00:00:00.000Z');
             INSERT INTO quote (id, quote_number, customer_id, product, state, effective_date, status, current_version, premium, rated_on,
                                expires_on, created_at, updated_at) VALUES
                (2, 'QUOT-2026-00042-00007', 1, 'personal-auto', 'CA', '2026-03-01', 'draft', 1, NULL, NULL, NULL,
                 '2026-01-26T00:00:00.000Z', '2026-01-26T00:00:00.000Z');
             INSERT INTO quote_version (id, quote_id, version, input, created_at) VALUES (2, 2, 1, '{}', '2026-01-26T00:00:00.000Z');"
        }
        12 => {
            "INSERT INTO pack_review_refusal (draft_id, code, reason, refused_at)
                VALUES ('d-1', 'pack.signature', 'the approval''s signature is refused', '2026-01-27T00:00:00.000Z');"
        }
        13 => {
            "INSERT INTO customer_note (customer_id, body, author, created_at)
                VALUES (1, 'Wants a home quote too.', 'jsmith', '2026-01-28T00:00:00.000Z');
             INSERT INTO notification (kind, subject, quote_id, note, created_at, read_at) VALUES
                ('referral_approved', 'QUOT-2026-000001', 1, 'driving record verified', '2026-01-28T00:00:00.000Z', NULL),
                ('pack_installed', 'ca-personal-auto/2026.2@bb', NULL, NULL, '2026-01-28T00:00:00.000Z', '2026-01-28T00:01:00.000Z');
             INSERT INTO sync_run (finished_at, outcome, code) VALUES
                ('2026-01-28T00:00:00.000Z', 'ok', NULL), ('2026-01-28T00:01:00.000Z', 'failed', 'sync.unreachable');"
        }
        14 => {
            "INSERT INTO organisation_cache (singleton, name, details, fetched_at) VALUES
                (1, 'Prairie Mutual', '{\"legal_name\":\"Prairie Mutual Insurance Company\",\"street\":\"1 Main St\",\"city\":\"Springfield\",\"state\":\"IL\",\"zip\":\"62701\",\"naic_code\":\"12345\",\"phone\":null}',
                 '2026-01-29T00:00:00.000Z');"
        }
        15 => "UPDATE organisation_cache SET agency = 'Lincoln Land Insurance Agency, Inc.';",
        // Indexes only: no new rows.
        16 => "",
        17 => {
            "INSERT INTO subject_request_pending (request_id, quote_numbers, policy_numbers, received_at)
             VALUES ('0123456789abcdef0123456789abcdef', '[\"QUOT-2026-000001\"]', '[]', '2026-12-07T12:00:00Z')"
        }
        other => panic!("migration {other} has no fixture: add the rows it makes possible to tests/migrations.rs"),
    }
}

/// Applies a migration as the store's runner does: one that rebuilds a
/// table runs with foreign keys off, and leaves no broken reference.
fn apply(conn: &Connection, name: &str, sql: &str) {
    let keys_off = sql.contains("uw-migration: foreign keys off");
    if keys_off {
        conn.execute_batch("PRAGMA foreign_keys = OFF").expect("foreign keys off");
    }
    conn.execute_batch(sql).unwrap_or_else(|e| panic!("{name}: {e}"));
    if keys_off {
        let broken: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).expect("fk check");
        assert_eq!(broken, 0, "{name} leaves broken references");
        conn.execute_batch("PRAGMA foreign_keys = ON").expect("foreign keys on");
    }
}

/// Tables later migrations renamed: (name before, the version that renamed it, name after).
const RENAMED: &[(&str, usize, &str)] = &[("quote", 4, "quick_quote")];

fn connect(path: &Path, key: &StoreKey) -> Connection {
    let conn = Connection::open(path).expect("open");
    conn.execute_batch(&format!(
        "PRAGMA key = \"x'{}'\"; PRAGMA cipher_compatibility = 4; PRAGMA cipher_page_size = 4096; PRAGMA foreign_keys = ON;",
        &*key.to_hex()
    ))
    .expect("key");
    conn
}

/// Every row of every ordinary table, as text, keyed by table.
fn dump(conn: &Connection) -> BTreeMap<String, (Vec<String>, Vec<String>)> {
    let mut tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%'")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    tables.retain(|t| !t.starts_with("customer_name_fts"));
    tables
        .into_iter()
        .map(|table| {
            let stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).expect("select");
            let columns: Vec<String> = stmt.column_names().into_iter().map(str::to_owned).collect();
            let rows = rows_of(conn, &table, &columns);
            (table, (columns, rows))
        })
        .collect()
}

fn rows_of(conn: &Connection, table: &str, columns: &[String]) -> Vec<String> {
    let list = columns.iter().map(|c| format!("quote(\"{c}\")")).collect::<Vec<_>>().join(" || '|' || ");
    let mut rows: Vec<String> = conn
        .prepare(&format!("SELECT {list} FROM \"{table}\""))
        .expect("select")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    rows.sort();
    rows
}

#[test]
fn upgrading_from_every_earlier_version_keeps_every_row() {
    for from in 1..MIGRATIONS.len() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("ws.db");
        let key = StoreKey::generate().expect("key");
        let before = {
            let conn = connect(&path, &key);
            for (index, (name, sql)) in MIGRATIONS.iter().enumerate().take(from) {
                apply(&conn, name, sql);
                conn.pragma_update(None, "user_version", index + 1).expect("version");
                conn.execute_batch(fixture(index + 1)).unwrap_or_else(|e| panic!("fixture for {name}: {e}"));
            }
            dump(&conn)
        };
        assert!(before.values().any(|(_, rows)| !rows.is_empty()), "version {from} has fixture rows");

        let store = Store::open(&path, &key).unwrap_or_else(|e| panic!("upgrading from version {from}: {e}"));
        assert_eq!(store.schema_version().expect("version"), MIGRATIONS.len());
        // A store in use has made its first-launch choice: enrolled once
        // enrollments exist (version 5), else working offline.
        let expected = if from >= 5 { "enrolled" } else { "offline" };
        assert_eq!(store.setup_mode().expect("setup").as_deref(), Some(expected), "first-launch choice after upgrading from {from}");
        store.check().expect("the upgraded store passes its integrity checks");
        drop(store);

        let conn = connect(&path, &key);
        for (table, (columns, rows)) in before {
            let now = RENAMED.iter().find(|(old, at, _)| *old == table && *at > from).map_or(table.as_str(), |(_, _, new)| new);
            assert_eq!(rows_of(&conn, now, &columns), rows, "table {table} (now {now}) after upgrading from version {from}");
        }
        let violations: i64 = conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).expect("fk check");
        assert_eq!(violations, 0, "upgrading from version {from} left foreign key violations");
    }
}

#[test]
fn the_current_fixture_satisfies_every_constraint() {
    // The newest fixture must itself be valid, or the test above proves
    // nothing about the newest tables.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("ws.db");
    let key = StoreKey::generate().expect("key");
    let conn = connect(&path, &key);
    for (index, (name, sql)) in MIGRATIONS.iter().enumerate() {
        apply(&conn, name, sql);
        conn.pragma_update(None, "user_version", index + 1).expect("version");
        conn.execute_batch(fixture(index + 1)).unwrap_or_else(|e| panic!("fixture for {name}: {e}"));
    }
    drop(conn);
    let store = Store::open(&path, &key).expect("opens at the current version");
    assert_eq!(store.quote_count().expect("count"), 2, "both numbering schemes fit the quote table");
    assert_eq!(store.quick_quote_count().expect("count"), 2);
    assert_eq!(store.outbox().expect("outbox").len(), 3);
    let changes = store.policy_changes("PA-CA-0000001").expect("the fixture's change reads");
    assert_eq!(changes.iter().map(|c| (c.kind.as_str(), c.base_version, c.pending())).collect::<Vec<_>>(), [("cancel", 1, true)]);
    let drafts = store.rate_drafts().expect("the fixture's draft reads");
    assert_eq!(
        drafts.iter().map(|d| (d.status.as_str(), d.note.as_str(), d.impact.clone())).collect::<Vec<_>>(),
        [("submitted", "BI +4%", Some(serde_json::json!({ "rated": 2 })))]
    );
}
