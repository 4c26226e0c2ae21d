//! Quote numbers at the scale of a carrier: twenty thousand devices in one
//! organisation, an agent who tries to enroll a thousand, and laptops that
//! quote offline across New Year, against a server in this process.

#[path = "../../crates/workstation/tests/common/mod.rs"]
mod common;

use std::collections::BTreeSet;

use proptest::prelude::*;
use reqwest::StatusCode;
use uw_protocol::{NewUser, Role, Secret};
use uw_sync_server::audit::Actor;
use uw_sync_server::storage::SqlValue;
use uw_system_tests::api::{random_key, ApiClient};
use uw_system_tests::inprocess::{InProcessServer, PASSWORD};
use uw_system_tests::system::Laptop;

fn add_users(server: &InProcessServer, prefix: &str, count: usize) -> Vec<String> {
    let names: Vec<String> = (0..count).map(|i| format!("{prefix}{i}")).collect();
    server.block_on(async {
        for name in &names {
            uw_sync_server::identity::add_user(
                &server.state,
                &Actor::system("test-setup"),
                NewUser { username: name.clone(), password: Secret::new(PASSWORD), role: Role::Agent, agency: None },
                "setup",
            )
            .await
            .expect("add user");
        }
    });
    names
}

fn enroll_body(username: &str) -> serde_json::Value {
    uw_system_tests::api::enroll_body(username, PASSWORD, &random_key())
}

#[test]
fn twenty_thousand_devices_in_one_year_each_get_their_own_numbers() {
    let server = InProcessServer::start(None);
    // 19,800 devices enrolled earlier this year, written straight into
    // storage (revoked since, so they do not count against agent1's limit)…
    let agent1: String = server.block_on(async {
        server.state.storage.query("SELECT user_id FROM app_user WHERE username = 'agent1'", vec![]).await.expect("user")[0]
            .text(0)
            .expect("id")
    });
    server.block_on(async {
        let mut tx = server.state.storage.begin(uw_sync_server::storage::TxMode::Write).await.expect("begin");
        for n in 1..=19_800_i64 {
            let mut key = [0u8; 32];
            key[..8].copy_from_slice(&n.to_be_bytes());
            tx.execute(
                "INSERT INTO device (device_id, user_id, name, public_key, enrolled_at, revoked_at, device_number) VALUES ($1, $2, $3, $4, $5, $5, $6)",
                vec![
                    SqlValue::Text(Some(format!("{n:032x}"))),
                    SqlValue::Text(Some(agent1.clone())),
                    SqlValue::Text(Some(format!("old-{n}"))),
                    SqlValue::Bytes(Some(key.to_vec())),
                    SqlValue::Int(Some(1_767_225_600_000 + n)),
                    SqlValue::Int(Some(n)),
                ],
            )
            .await
            .expect("insert device");
        }
        tx.commit().await.expect("commit");
    });
    // …and 200 more through the API, twenty at a time, by twenty agents.
    let agents = add_users(&server, "field", 20);
    let api = ApiClient::new(&server.base_url, None);
    let numbers: Vec<u64> = server.block_on(async {
        let mut numbers = Vec::new();
        for round in 0..10 {
            let mut tasks = Vec::new();
            for agent in &agents {
                let (api, body) = (api.clone(), enroll_body(agent));
                tasks.push(tokio::spawn(async move { api.post("/v1/enroll", &body).await }));
            }
            for task in tasks {
                let (status, answer) = task.await.expect("task");
                assert_eq!(status, StatusCode::OK, "round {round}: {answer}");
                numbers.push(answer["device_number"].as_u64().expect("device_number"));
            }
        }
        numbers
    });
    let distinct: BTreeSet<u64> = numbers.iter().copied().collect();
    assert_eq!(distinct.len(), 200, "every enrollment got its own device number");
    assert_eq!((distinct.first().copied(), distinct.last().copied()), (Some(19_801), Some(20_000)));
    // The 20,000th device quotes like the first.
    let number = uw_policy::QuoteNumber::for_device(2026, 20_000, 1).expect("a number").to_string();
    assert_eq!(number, "QUOT-2026-20000-00001");
    let all: i64 = server.block_on(async {
        server.state.storage.query("SELECT COUNT(DISTINCT device_number) FROM device", vec![]).await.expect("count")[0].int(0).expect("n")
    });
    assert_eq!(all, 20_000);
}

#[test]
fn one_agent_enrolling_a_thousand_devices_cannot_stop_another() {
    let server = InProcessServer::start(None);
    let api = ApiClient::new(&server.base_url, None);
    let (accepted, refused, throttled) = server.block_on(async {
        let (mut accepted, mut refused, mut throttled) = (0, 0, 0);
        for chunk in 0..50 {
            let mut tasks = Vec::new();
            for _ in 0..20 {
                let (api, body) = (api.clone(), enroll_body("agent1"));
                tasks.push(tokio::spawn(async move { api.post("/v1/enroll", &body).await }));
            }
            for task in tasks {
                let (status, answer) = task.await.expect("task");
                match status {
                    StatusCode::OK => accepted += 1,
                    StatusCode::FORBIDDEN if answer["code"] == "enroll.too_many_devices" => refused += 1,
                    // Twenty sign-ins at once for one account from one
                    // address: those beyond the free five wait their turn.
                    StatusCode::TOO_MANY_REQUESTS if answer["code"] == "auth.rate_limited" => throttled += 1,
                    other => panic!("chunk {chunk}: {other} {answer}"),
                }
            }
        }
        (accepted, refused, throttled)
    });
    assert_eq!((accepted, refused + throttled), (10, 990), "a user holds at most ten devices");
    assert!(refused >= 40, "each burst's first sign-ins are answered: {refused} refused, {throttled} throttled");
    let (status, answer) = server.block_on(api.post("/v1/enroll", &enroll_body("agent2")));
    assert_eq!(status, StatusCode::OK, "another agent enrolls as usual: {answer}");
    assert_eq!(answer["device_number"], 11);
}

/// One step of a laptop's life in late December and early January.
#[derive(Debug, Clone)]
enum Step {
    /// Quote on `laptop`, `day` days after 20 December.
    Quote { laptop: usize, day: i64 },
    /// `laptop` comes online and syncs.
    Sync { laptop: usize },
}

fn step(laptops: usize) -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (0..laptops, 0..22_i64).prop_map(|(laptop, day)| Step::Quote { laptop, day }),
        1 => (0..laptops).prop_map(|laptop| Step::Sync { laptop }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, failure_persistence: None, ..ProptestConfig::default() })]

    /// Laptops offline from 20 December to 10 January keep quoting in both
    /// years, in any order of quoting and syncing; after they all sync,
    /// every number is distinct, carries its laptop's device number and the
    /// year of its day, and the server accepted every one.
    #[test]
    fn laptops_offline_across_new_year_keep_quoting_with_unique_numbers(steps in prop::collection::vec(step(3), 1..24)) {
        let server = InProcessServer::start(None);
        let dir = tempfile::tempdir().expect("tempdir");
        let mut laptops: Vec<Laptop> = (0..3).map(|i| Laptop::open(&dir.path().join(format!("l{i}")))).collect();
        let mut devices = Vec::new();
        for (i, laptop) in laptops.iter_mut().enumerate() {
            let user = if i == 2 { "agent2" } else { "agent1" };
            let e = laptop.ws.enroll(&server.base_url, user, &Secret::new(PASSWORD), &format!("l{i}"), uw_system_tests::system::now()).expect("enrolls");
            devices.push(e.device_number.expect("a device number"));
        }
        let start = time::macros::datetime!(2026-12-20 09:00 UTC);
        let mut made: Vec<(usize, String, i32)> = Vec::new();
        for step in steps {
            match step {
                Step::Quote { laptop, day } => {
                    let at = start + time::Duration::days(day);
                    let ws = &mut laptops[laptop].ws;
                    let id = ws.create_quote(common::good_driver(), at).expect("creates").id;
                    ws.rate_quote(id, at).expect("rates");
                    made.push((laptop, ws.quote(id).expect("quote").summary.quote_number.to_string(), at.year()));
                }
                Step::Sync { laptop } => {
                    let report = laptops[laptop].ws.sync(uw_system_tests::system::now()).expect("syncs");
                    prop_assert_eq!(report.push.rejected + report.push.conflict, 0);
                }
            }
        }
        for laptop in &mut laptops {
            let report = laptop.ws.sync(uw_system_tests::system::now()).expect("syncs");
            prop_assert_eq!(report.push.rejected + report.push.conflict, 0);
        }
        let distinct: BTreeSet<&String> = made.iter().map(|(_, n, _)| n).collect();
        prop_assert_eq!(distinct.len(), made.len(), "numbers repeat: {:?}", made);
        for (laptop, number, year) in &made {
            let parsed: uw_policy::QuoteNumber = number.parse().expect("a quote number");
            prop_assert_eq!((parsed.device(), parsed.year()), (Some(devices[*laptop]), *year), "{}", number);
        }
        let recorded: i64 = server.block_on(async {
            server.state.storage.query("SELECT COUNT(*) FROM quote_record", vec![]).await.expect("count")[0].int(0).expect("n")
        });
        prop_assert_eq!(usize::try_from(recorded).expect("count"), made.len());
    }
}
