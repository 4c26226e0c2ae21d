//! Two `uw-sync-server` processes over one PostgreSQL database, as replicas
//! behind a load balancer would run: devices enrolled on either push binds at
//! the same time, while an auditor asks both for checkpoints. Every bind gets
//! a policy number of its own (the numbers run without a gap), and every
//! checkpoint either replica signed belongs to one tree: the final export
//! from each replica is proved consistent with all of them.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use reqwest::StatusCode;
use serde_json::json;
use uw_system_tests::api::{bind_payload, rated_payload, tx_auto_example, tx_auto_pack, ApiClient, Device};
use uw_system_tests::system::{refs, Org};
use uw_system_tests::{PostgresDatabase, ServerProcess};

const DEVICES: usize = 8;
const BINDS_PER_DEVICE: usize = 12;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_over_one_postgres_issue_unique_policy_numbers_into_one_log() {
    let db = PostgresDatabase::create().await;
    let org = Org::create(&["--database-url", &db.url]);
    let replicas = [ServerProcess::start(&refs(&org.args)), ServerProcess::start(&refs(&org.args))];
    let apis: Vec<ApiClient> = replicas.iter().map(|r| ApiClient::new(&r.base_url, None)).collect();
    let password = org.demo.password("agent");

    // Devices enroll on alternating replicas and record their ratings.
    let pack = tx_auto_pack();
    let quote = tx_auto_example("01-clean-standard.json");
    let mut devices = Vec::new();
    for i in 0..DEVICES {
        let (mut device, _) =
            Device::enroll(&apis[i % 2], "agent", password).await.unwrap_or_else(|(s, b)| panic!("enroll device {i}: {s} {b}"));
        let mut binds = Vec::new();
        let mut ops = Vec::new();
        for _ in 0..BINDS_PER_DEVICE {
            let rated = rated_payload(&pack, &device.quote_number(), 1, &quote);
            ops.push(device.op("quote.rated", &rated));
            binds.push(bind_payload(&rated));
        }
        let results = device.push(&ops).await;
        assert!(results.iter().all(|r| r["outcome"] == "accepted"), "{results:?}");
        devices.push((device, binds));
    }

    // An auditor asks both replicas for checkpoints while the binds run.
    let auditors =
        [apis[0].login("auditor", org.demo.password("auditor")).await, apis[1].login("auditor", org.demo.password("auditor")).await];
    let binding = Arc::new(AtomicBool::new(true));
    let checkpoints = {
        let (auditors, binding) = (auditors.clone(), binding.clone());
        tokio::spawn(async move {
            let mut notes = Vec::new();
            let mut turn = 0;
            while binding.load(Ordering::Relaxed) {
                let (status, body) = auditors[turn % 2].post("/v1/audit/checkpoints", &json!({})).await;
                assert_eq!(status, StatusCode::OK, "{body}");
                notes.push((turn % 2, body));
                turn += 1;
                tokio::time::sleep(std::time::Duration::from_millis(25)).await;
            }
            notes
        })
    };

    // Every device pushes its binds, one request each, all devices at once.
    let mut tasks = Vec::new();
    for (mut device, binds) in devices {
        tasks.push(tokio::spawn(async move {
            let mut issued = Vec::new();
            for bind in binds {
                let results = device.push_op("quote.bind_requested", &bind).await;
                assert_eq!(results[0]["outcome"], "accepted", "{results:?}");
                issued.push(results[0]["result"]["policy_number"].as_str().expect("a policy number").to_owned());
            }
            issued
        }));
    }
    let mut issued = Vec::new();
    for task in tasks {
        issued.extend(task.await.expect("device task"));
    }
    binding.store(false, Ordering::Relaxed);
    let notes = checkpoints.await.expect("checkpoint task");

    let unique: BTreeSet<&String> = issued.iter().collect();
    assert_eq!(unique.len(), DEVICES * BINDS_PER_DEVICE, "duplicate policy numbers: {issued:?}");
    let serials: BTreeSet<u64> = issued
        .iter()
        .map(|n| n.strip_prefix("POL-TX-").and_then(|n| n.rsplit('-').next()).and_then(|s| s.parse().ok()).expect("POL-TX-YYYY-NNNNNN"))
        .collect();
    let expected: BTreeSet<u64> = (1..=u64::try_from(DEVICES * BINDS_PER_DEVICE).expect("fits")).collect();
    assert_eq!(serials, expected, "the numbers run from 1 without a gap");

    // One tree: each replica's final export is consistent with every
    // checkpoint either replica signed on the way.
    let verifiers = uw_system_tests::system::verifier_keys(&auditors[0]).await;
    assert!(notes.iter().any(|(replica, _)| *replica == 0) && notes.iter().any(|(replica, _)| *replica == 1), "{notes:?}");
    let mut sizes = BTreeSet::new();
    for (i, (replica, checkpoint)) in notes.iter().enumerate() {
        let size = checkpoint["size"].as_u64().expect("size");
        if !sizes.insert(size) {
            continue;
        }
        let other = &auditors[(replica + 1 + i) % 2];
        let (status, export) = other.get(&format!("/v1/audit/export?start=0&previous={size}")).await;
        assert_eq!(status, StatusCode::OK, "{export}");
        let note = checkpoint["note"].as_str().expect("note");
        let verified = uw_ledger::export::verify(export.as_str().expect("text"), &verifiers, Some(note))
            .unwrap_or_else(|e| panic!("replica {replica}'s checkpoint of size {size} is not in the other's tree: {e}"));
        assert_eq!(verified.consistent_with, Some(size));
    }
    assert!(sizes.len() > 1, "the checkpoints saw the log grow: {sizes:?}");

    // Both replicas report the same head.
    let (_, signed) = auditors[0].post("/v1/audit/checkpoints", &json!({})).await;
    let (_, latest) = auditors[1].get("/v1/audit/checkpoint").await;
    assert_eq!((&signed["size"], &signed["root"]), (&latest["size"], &latest["root"]), "{signed} {latest}");
    drop(replicas);
    db.drop_database().await;
}
