//! Signed notes and checkpoints: our format against an independent
//! implementation of C2SP signed-note (the `signed_note` crate), and the
//! signer's refusal to fork the log.

use base64::Engine as _;
use ed25519_dalek::SigningKey;
use signed_note::{Note, StandardSigner, StandardVerifier, VerifierList};
use uw_ledger::merkle::ProofError;
use uw_ledger::proof::TlogProofError;
use uw_ledger::{Checkpoint, CheckpointSigner, MerkleTree, NoteError, NoteSigner, NoteVerifier, SignError};

fn signer(seed: u8, name: &str) -> NoteSigner {
    NoteSigner::new(name, SigningKey::from_bytes(&[seed; 32])).expect("signer")
}

fn tree_of(n: u64) -> MerkleTree<uw_ledger::MemoryStore> {
    let mut tree = MerkleTree::in_memory();
    for i in 0..n {
        tree.append(format!("entry {i}").as_bytes()).expect("append");
    }
    tree
}

#[test]
fn an_independent_implementation_verifies_our_checkpoints() {
    let ours = signer(7, "audit.uw.example");
    let mut cs = CheckpointSigner::new("audit.uw.example/log", ours.clone(), None);
    let note = cs.sign(&tree_of(10)).expect("signs");
    let theirs = StandardVerifier::new(&ours.verifier().to_string()).expect("they parse our verifier key");
    let parsed = Note::from_bytes(note.as_bytes()).expect("they parse our note");
    let (verified, _) = parsed.verify(&VerifierList::new(vec![Box::new(theirs)])).expect("they verify our signature");
    assert_eq!(verified.len(), 1);
    assert_eq!(parsed.text(), Checkpoint::parse(&String::from_utf8_lossy(parsed.text())).expect("checkpoint").text().as_bytes());
}

#[test]
fn we_verify_an_independent_implementations_notes() {
    let key = SigningKey::from_bytes(&[9; 32]);
    let name = "other.example";
    let vkey = signed_note::new_ed25519_verifier_key(name, &key.verifying_key());
    let mut blob = vec![0x01];
    blob.extend_from_slice(&key.to_bytes());
    let id = signed_note::key_id(name, &[&[0x01u8][..], key.verifying_key().as_bytes()].concat());
    let skey = format!("PRIVATE+KEY+{name}+{id:08x}+{}", base64::engine::general_purpose::STANDARD.encode(blob));
    let their_signer = StandardSigner::new(&skey).expect("their signer");
    let text = Checkpoint { origin: "other.example/log".into(), size: 3, root: [5; 32] }.text();
    let mut note = Note::new(text.as_bytes(), &[]).expect("note");
    note.add_sigs(&[&their_signer]).expect("sign");
    let note = String::from_utf8(note.to_bytes()).expect("utf-8");
    let verifier = NoteVerifier::parse(&vkey).expect("we parse their verifier key");
    let (checkpoint, signers) = Checkpoint::open(&note, &[verifier]).expect("we verify their note");
    assert_eq!((checkpoint.size, signers), (3, vec![name.to_owned()]));
}

#[test]
fn verification_rules_of_signed_notes() {
    let a = signer(1, "a.example");
    let b = signer(2, "b.example");
    let note = a.sign("hello\n").expect("sign");
    // Unknown keys are ignored; with no known key the note is refused.
    assert_eq!(uw_ledger::note::open(&note, &[b.verifier()]), Err(NoteError::NoKnownSignature));
    assert!(uw_ledger::note::open(&note, &[b.verifier(), a.verifier()]).is_ok());
    // A bad signature from a known key rejects the note.
    let tampered = note.replacen("hello", "hellp", 1);
    assert!(matches!(uw_ledger::note::open(&tampered, &[a.verifier()]), Err(NoteError::BadSignature { .. })));
    // A second signature line from an unknown key does not matter.
    let cosigned = format!("{note}{}", b.sign("hello\n").expect("sign").split("\n\n").nth(1).expect("sig"));
    assert!(uw_ledger::note::open(&cosigned, &[a.verifier()]).is_ok());
    // The verifier key text form round-trips and checks its id.
    let text = a.verifier().to_string();
    assert_eq!(NoteVerifier::parse(&text).expect("parses"), a.verifier());
    let wrong_id = format!("a.example+00000000+{}", text.rsplit('+').next().expect("key"));
    assert!(matches!(NoteVerifier::parse(&wrong_id), Err(NoteError::BadKey(_))));
}

#[test]
fn the_signer_refuses_to_fork_the_log() {
    let mut cs = CheckpointSigner::new("audit.uw.example/log", signer(3, "audit.uw.example"), None);
    let tree = tree_of(20);
    cs.sign(&tree_of(10)).expect("signs 10");
    cs.sign(&tree).expect("signs 20, which extends 10");
    // A different history of the same length is refused.
    let mut forked = MerkleTree::in_memory();
    for i in 0..25u64 {
        forked.append(if i == 3 { b"rewritten".to_vec() } else { format!("entry {i}").into_bytes() }.as_slice()).expect("append");
    }
    assert!(matches!(cs.sign(&forked), Err(SignError::Inconsistent { .. })));
    assert!(matches!(cs.sign(&tree_of(15)), Err(SignError::Inconsistent { .. })), "a shrunken tree is refused");
    assert_eq!(cs.last().map(|c| c.size), Some(20));
}

#[test]
fn checkpoints_parse_strictly() {
    let c = Checkpoint { origin: "o".into(), size: 42, root: [1; 32] };
    assert_eq!(Checkpoint::parse(&c.text()).expect("parses"), c);
    assert!(
        matches!(Checkpoint::parse("o\n042\nAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE=\n"), Err(NoteError::Checkpoint(_))),
        "leading zero"
    );
    assert!(matches!(Checkpoint::parse("o\n42\nAQE=\n"), Err(NoteError::Checkpoint(_))), "short root");
}

proptest::proptest! {
    /// Flipping any bit of a checkpoint's signature (or its text) is detected.
    #[test]
    fn any_flipped_bit_in_a_signed_checkpoint_is_detected(bit in 0usize..(68 * 8), in_text in proptest::bool::ANY, text_bit in 0usize..64) {
        use base64::Engine as _;
        let s = signer(6, "audit.uw.example");
        let mut cs = CheckpointSigner::new("audit.uw.example/log", s.clone(), None);
        let note = cs.sign(&tree_of(9)).expect("signs");
        let tampered = if in_text {
            let mut bytes = note.clone().into_bytes();
            let i = text_bit % note.find("\n\n").expect("text");
            bytes[i] ^= 1 << (text_bit % 7);
            String::from_utf8_lossy(&bytes).into_owned()
        } else {
            let (text, sig_line) = note.split_at(note.find("\n\n").expect("text") + 2);
            let b64 = sig_line.trim_end().rsplit(' ').next().expect("sig");
            let mut blob = base64::engine::general_purpose::STANDARD.decode(b64).expect("base64");
            blob[bit / 8] ^= 1 << (bit % 8);
            format!("{text}\u{2014} audit.uw.example {}\n", base64::engine::general_purpose::STANDARD.encode(blob))
        };
        let opened = Checkpoint::open(&tampered, &[s.verifier()]);
        proptest::prop_assert!(matches!(
                opened,
                Err(NoteError::Malformed(_) | NoteError::Checkpoint(_) | NoteError::BadSignature { .. } | NoteError::NoKnownSignature)
            ), "{:?}", opened);
    }
}

#[test]
fn a_single_record_tlog_proof_round_trips_and_detects_tampering() {
    let s = signer(2, "audit.uw.example");
    let tree = tree_of(37);
    let mut cs = CheckpointSigner::new("audit.uw.example/log", s.clone(), None);
    let note = cs.sign(&tree).expect("signs");
    let (checkpoint, _) = Checkpoint::open(&note, &[s.verifier()]).expect("open");
    let proof = uw_ledger::proof::build(&tree, 21, &note, &checkpoint, Some(b"policy PA-123")).expect("builds");
    assert!(proof.starts_with("c2sp.org/tlog-proof@v1\nextra "), "{proof}");
    let ok = uw_ledger::proof::verify(&proof, b"entry 21", "audit.uw.example/log", &[s.verifier()]).expect("verifies");
    assert_eq!((ok.index, ok.extra.as_deref()), (21, Some(&b"policy PA-123"[..])));
    let another_entry = uw_ledger::proof::verify(&proof, b"entry 22", "audit.uw.example/log", &[s.verifier()]);
    assert!(matches!(another_entry, Err(TlogProofError::Inclusion(ProofError::RootMismatch))), "another entry: {another_entry:?}");
    let another_log = uw_ledger::proof::verify(&proof, b"entry 21", "other.example/log", &[s.verifier()]);
    assert!(matches!(another_log, Err(TlogProofError::WrongOrigin { .. })), "another log: {another_log:?}");
    assert!(
        uw_ledger::proof::verify(&proof.replacen("index 21", "index 20", 1), b"entry 21", "audit.uw.example/log", &[s.verifier()]).is_err()
    );
}
