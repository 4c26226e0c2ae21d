use proptest::prelude::*;

use super::*;

fn op(seq: u64, kind: &str, payload: &str, key: &ed25519_dalek::SigningKey) -> PushOp {
    use ed25519_dalek::Signer as _;
    let op_id = format!("{seq:032x}");
    let signature = hex::encode(key.sign(signed_message(seq, &op_id, kind, payload).as_bytes()).to_bytes());
    PushOp { seq, op_id, kind: kind.into(), payload: payload.into(), created_at: "2026-11-24T10:00:00Z".into(), signature }
}

#[test]
fn version_header_is_checked() {
    assert_eq!(check_version(Some("1")), Ok(1));
    assert_eq!(check_version(None), Err(VersionError::Missing));
    assert_eq!(check_version(Some("one")), Err(VersionError::Malformed("one".into())));
    let err = check_version(Some("2")).expect_err("version 2 is refused");
    assert_eq!(err, VersionError::Unsupported { given: 2 });
    assert!(err.to_string().contains("update the workstation"), "{err}");
    assert_eq!(check_version(Some("0")), Err(VersionError::Unsupported { given: 0 }));
}

#[test]
fn signatures_cover_every_field() {
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let good = op(3, "quote.rated", r#"{"a":1}"#, &key);
    assert_eq!(verify_operation(&key.verifying_key(), &good), Ok(()));
    for tampered in [
        PushOp { seq: 4, ..good.clone() },
        PushOp { op_id: "f".repeat(32), ..good.clone() },
        PushOp { kind: "quote.bind_requested".into(), ..good.clone() },
        PushOp { payload: r#"{"a":2}"#.into(), ..good.clone() },
    ] {
        assert_eq!(verify_operation(&key.verifying_key(), &tampered), Err(SignatureError::Invalid));
    }
    assert_eq!(verify_operation(&key.verifying_key(), &PushOp { signature: "zz".into(), ..good.clone() }), Err(SignatureError::Malformed));
    let other = ed25519_dalek::SigningKey::from_bytes(&[8; 32]);
    assert_eq!(verify_operation(&other.verifying_key(), &good), Err(SignatureError::Invalid));
}

#[test]
fn outcomes_have_a_flat_tagged_form() {
    let result =
        OpResult { seq: 5, op_id: "ab".repeat(16), outcome: Outcome::Conflict { current_version: 3, reason: "version 2 is stale".into() } };
    let json = serde_json::to_value(&result).expect("serialize");
    assert_eq!(json["outcome"], "conflict");
    assert_eq!(json["current_version"], 3);
    assert_eq!(json["seq"], 5);
    let issued = Outcome::Accepted {
        result: ServerResult::PolicyIssued {
            quote_number: "QUOT-2026-000001".into(),
            version: 1,
            policy_number: "POL-TX-2026-000001".into(),
            premium: "1234.50".parse().expect("decimal"),
        },
    };
    let json = serde_json::to_value(&issued).expect("serialize");
    assert_eq!(json["result"]["type"], "policy_issued");
    assert_eq!(json["result"]["premium"], "1234.50", "money travels as a decimal string");
}

#[test]
fn secrets_never_print() {
    let request = EnrollRequest {
        username: "ann".into(),
        password: Secret::new("hunter2-hunter2"),
        device_name: "laptop".into(),
        device_public_key: "00".repeat(32),
        key_proof: String::new(),
        second_factor: None,
    };
    let debug = format!("{request:?}");
    assert!(!debug.contains("hunter2"), "{debug}");
    let json = serde_json::to_string(&request).expect("serialize");
    assert!(json.contains("hunter2-hunter2"), "the wire form carries it: {json}");
}

#[test]
fn unknown_fields_are_refused() {
    let err = serde_json::from_str::<PushRequest>(r#"{"operations":[],"premium":"1.00"}"#).expect_err("unknown fields are refused");
    assert!(err.to_string().contains("unknown field `premium`"), "{err}");
}

fn arb_change() -> impl Strategy<Value = ChangeBody> {
    prop_oneof![
        ("[a-z/0-9@]{1,20}", "[0-9a-f]{64}", proptest::collection::btree_map("[a-z_.]{1,12}", ".{0,40}", 0..4))
            .prop_map(|(pack_id, digest, files)| ChangeBody::PackPublished { pack_id, digest, files }),
        ("[a-z0-9-]{1,16}", "[0-9a-f]{64}").prop_map(|(key_id, public_key)| ChangeBody::KeyTrusted { key_id, public_key }),
        "[a-z0-9-]{1,16}".prop_map(|key_id| ChangeBody::KeyRevoked { key_id }),
        ("QUOT-20[0-9]{2}-[0-9]{6}", 1u32..100, any::<bool>(), ".{0,40}")
            .prop_map(|(quote_number, version, approved, reason)| ChangeBody::ReferralDecided { quote_number, version, approved, reason }),
        ("QUOT-20[0-9]{2}-[0-9]{6}", 1u32..100, "POL-[A-Z]{2}-20[0-9]{2}-[0-9]{6}", 0i64..10_000_000, "20[0-9]{2}-[01][0-9]-[0-3][0-9]")
            .prop_map(|(quote_number, version, policy_number, cents, effective_date)| ChangeBody::PolicyIssued {
                quote_number,
                version,
                policy_number,
                premium: rust_decimal::Decimal::new(cents, 2),
                effective_date,
            }),
    ]
}

proptest! {
    #[test]
    fn pull_pages_round_trip(changes in proptest::collection::vec((0u64..1_000_000, arb_change()), 0..8), more: bool) {
        let page = PullResponse {
            cursor: changes.iter().map(|(i, _)| i + 1).max().unwrap_or(0),
            changes: changes.into_iter().map(|(index, body)| Change { index, body }).collect(),
            more,
        };
        let json = serde_json::to_string(&page).expect("serialize");
        let back: PullResponse = serde_json::from_str(&json).expect("deserialize");
        prop_assert_eq!(back, page);
    }

    #[test]
    fn push_batches_round_trip(payloads in proptest::collection::vec(".{0,60}", 0..6)) {
        let key = ed25519_dalek::SigningKey::from_bytes(&[9; 32]);
        let request = PushRequest {
            operations: payloads.iter().enumerate().map(|(i, p)| op(i as u64 + 1, "quote.saved", p, &key)).collect(),
        };
        let back: PushRequest = serde_json::from_str(&serde_json::to_string(&request).expect("serialize")).expect("deserialize");
        for op in &back.operations {
            prop_assert_eq!(verify_operation(&key.verifying_key(), op), Ok(()), "a signature survives the wire");
        }
        prop_assert_eq!(back, request);
    }
}
