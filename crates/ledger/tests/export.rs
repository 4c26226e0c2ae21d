//! The auditor export, built from a log and checked offline; every kind of
//! tampering is detected with the right reason and the first bad index.

use ed25519_dalek::SigningKey;
use uw_ledger::export::{build, checkpoint_of, verify, VerifyError};
use uw_ledger::{AuditEntry, Checkpoint, CheckpointSigner, MemoryStore, MerkleTree, NoteError, NoteSigner, NoteVerifier, Role};

const ORIGIN: &str = "audit.uw.example/log";

fn entry(i: u64) -> Vec<u8> {
    AuditEntry {
        actor_user: format!("u-{}", i % 7),
        actor_role: Role::Agent,
        actor_device: Some(format!("dev-{}", i % 3)),
        action: "quote.rate".into(),
        resource_type: "quote".into(),
        resource_id: format!("QUOT-2026-{i:06}"),
        server_time: format!("2026-11-23T10:{:02}:{:02}.000Z", (i / 60) % 60, i % 60),
        device_time: None,
        device_signature: None,
        change_sha256: [u8::try_from(i % 256).unwrap_or(0); 32],
        request_id: format!("req-{i}"),
    }
    .encode()
    .expect("encodes")
}

struct Log {
    tree: MerkleTree<MemoryStore>,
    signer: CheckpointSigner,
    verifier: NoteVerifier,
}

fn log(size: u64) -> Log {
    let key = NoteSigner::new("audit.uw.example", SigningKey::from_bytes(&[4; 32])).expect("signer");
    let verifier = key.verifier();
    let mut tree = MerkleTree::in_memory();
    for i in 0..size {
        tree.append(&entry(i)).expect("append");
    }
    Log { tree, signer: CheckpointSigner::new(ORIGIN, key, None), verifier }
}

fn export(log: &mut Log, start: u64, end: u64, previous: Option<&Checkpoint>) -> String {
    let note = log.signer.sign(&log.tree).expect("sign");
    let (checkpoint, _) = Checkpoint::open(&note, std::slice::from_ref(&log.verifier)).expect("open");
    let entries: Vec<Vec<u8>> = (start..end).map(entry).collect();
    build(&log.tree, &note, &checkpoint, start, &entries, previous, &[]).expect("builds")
}

/// The text of entry `i`'s block in an export.
fn block(export: &str, i: u64) -> String {
    let start = export.find(&format!("entry {i} ")).expect("entry");
    let end = export[start + 1..].find("\nentry ").or_else(|| export[start + 1..].find("\nend\n")).map(|e| start + 2 + e).expect("next");
    export[start..end].to_owned()
}

#[test]
fn an_honest_export_verifies_with_and_without_a_previous_checkpoint() {
    let mut l = log(40);
    let previous_note = l.signer.sign(&l.tree).expect("sign at 40");
    let (previous, _) = Checkpoint::open(&previous_note, std::slice::from_ref(&l.verifier)).expect("open");
    for i in 40..100 {
        l.tree.append(&entry(i)).expect("append");
    }
    let text = export(&mut l, 10, 70, Some(&previous));
    let ok = verify(&text, std::slice::from_ref(&l.verifier), Some(&previous_note)).expect("verifies");
    assert_eq!((ok.start, ok.end, ok.checkpoint.size, ok.consistent_with), (10, 70, 100, Some(40)));
    assert_eq!(ok.entries[0], entry(10));
    assert!(verify(&text, std::slice::from_ref(&l.verifier), None).is_ok());
    for (start, end) in [(0, 1), (99, 100), (0, 100), (37, 38), (64, 96)] {
        let text = export(&mut l, start, end, None);
        verify(&text, std::slice::from_ref(&l.verifier), None).unwrap_or_else(|e| panic!("{start}..{end}: {e}"));
    }
}

#[test]
fn one_export_checkpoint_is_the_previous_checkpoint_of_the_next_audit() {
    let mut l = log(30);
    let first = export(&mut l, 0, 30, None);
    let (note, checkpoint) = checkpoint_of(&first).expect("a checkpoint");
    assert_eq!((checkpoint.origin.as_str(), checkpoint.size), (ORIGIN, 30));
    for i in 30..45 {
        l.tree.append(&entry(i)).expect("append");
    }
    let second = export(&mut l, 30, 45, Some(&checkpoint));
    let ok = verify(&second, std::slice::from_ref(&l.verifier), Some(&note)).expect("verifies");
    assert_eq!(ok.consistent_with, Some(30));
    // Not an export: the first line is named.
    assert!(matches!(checkpoint_of("hello\n"), Err(VerifyError::Malformed { line: 1, .. })));
}

#[test]
fn a_changed_byte_is_a_modified_entry() {
    let mut l = log(50);
    let text = export(&mut l, 5, 45, None);
    let tampered = text.replacen("resource quote/QUOT-2026-000017", "resource quote/QUOT-2026-000018", 1);
    assert_ne!(tampered, text);
    assert_eq!(verify(&tampered, std::slice::from_ref(&l.verifier), None), Err(VerifyError::Modified { index: 17 }));
}

#[test]
fn a_deleted_entry_is_missing() {
    let mut l = log(50);
    let text = export(&mut l, 5, 45, None);
    let tampered = text.replacen(&block(&text, 20), "", 1);
    assert_eq!(verify(&tampered, std::slice::from_ref(&l.verifier), None), Err(VerifyError::Missing { index: 20 }));
    let last = text.replacen(&block(&text, 44), "", 1);
    assert_eq!(verify(&last, std::slice::from_ref(&l.verifier), None), Err(VerifyError::Missing { index: 44 }));
}

#[test]
fn two_swapped_entries_are_reordered() {
    let mut l = log(50);
    let text = export(&mut l, 5, 45, None);
    let (a, b) = (block(&text, 12), block(&text, 13));
    let swapped = text.replacen(&format!("{a}{b}"), &format!("{b}{a}"), 1);
    assert_eq!(verify(&swapped, std::slice::from_ref(&l.verifier), None), Err(VerifyError::Reordered { index: 12, found: 13 }));
    // Swapping the contents with their hashes but keeping the index labels in
    // order no longer rebuilds the signed root.
    let relabelled = text.replacen(
        &format!("{a}{b}"),
        &format!("{}{}", b.replacen("entry 13 ", "entry 12 ", 1), a.replacen("entry 12 ", "entry 13 ", 1)),
        1,
    );
    assert_eq!(verify(&relabelled, std::slice::from_ref(&l.verifier), None), Err(VerifyError::RootMismatch));
    // Swapping only the contents, under the listed hashes, names the position.
    let (ha, hb) = (&a[..a.find('\n').expect("line")], &b[..b.find('\n').expect("line")]);
    let contents_only = text.replacen(
        &format!("{a}{b}"),
        &format!("{ha}{}{hb}{}", &b[b.find('\n').expect("line")..], &a[a.find('\n').expect("line")..]),
        1,
    );
    assert_eq!(verify(&contents_only, std::slice::from_ref(&l.verifier), None), Err(VerifyError::Reordered { index: 12, found: 13 }));
}

#[test]
fn an_appended_forged_entry_is_extra() {
    let mut l = log(50);
    let text = export(&mut l, 5, 45, None);
    let forged = entry(999);
    let line = format!("entry 45 {} {}\n{}\n", "00".repeat(32), forged.len(), String::from_utf8(forged).expect("utf-8"));
    let tampered = text.replacen("end\n", &format!("{line}end\n"), 1);
    assert_eq!(verify(&tampered, std::slice::from_ref(&l.verifier), None), Err(VerifyError::Extra { index: 45 }));
}

#[test]
fn a_checkpoint_from_an_unknown_key_is_refused() {
    let mut l = log(20);
    let text = export(&mut l, 0, 20, None);
    let stranger = NoteSigner::new("audit.uw.example", SigningKey::from_bytes(&[5; 32])).expect("signer").verifier();
    assert_eq!(verify(&text, &[stranger], None), Err(VerifyError::Checkpoint(NoteError::NoKnownSignature)));
}

#[test]
fn a_fork_is_detected() {
    let mut honest = log(30);
    let honest_note = honest.signer.sign(&honest.tree).expect("sign");
    // The same key signs a different history of the same size (a server that
    // lost its signer state, or a malicious one).
    let key = NoteSigner::new("audit.uw.example", SigningKey::from_bytes(&[4; 32])).expect("signer");
    let mut forked_tree = MerkleTree::in_memory();
    for i in 0..30 {
        forked_tree.append(&if i == 7 { entry(1000) } else { entry(i) }).expect("append");
    }
    let mut forked = Log { tree: forked_tree, signer: CheckpointSigner::new(ORIGIN, key, None), verifier: honest.verifier.clone() };
    let (previous, _) = Checkpoint::open(&honest_note, std::slice::from_ref(&honest.verifier)).expect("open");
    let text = export(&mut forked, 0, 5, Some(&previous));
    assert_eq!(verify(&text, std::slice::from_ref(&honest.verifier), Some(&honest_note)), Err(VerifyError::Fork { size: 30 }));
    // A later checkpoint of the forked log is inconsistent with the honest one.
    forked.tree.append(&entry(30)).expect("append");
    let text = export(&mut forked, 0, 5, Some(&previous));
    assert!(matches!(
        verify(&text, std::slice::from_ref(&honest.verifier), Some(&honest_note)),
        Err(VerifyError::Inconsistent { previous: 30, .. })
    ));
    let _ = &mut honest;
}

#[test]
fn a_wrong_origin_is_refused() {
    let mut l = log(10);
    let text = export(&mut l, 0, 10, None);
    let tampered = text.replacen(&format!("origin {ORIGIN}"), "origin other.example/log", 1);
    assert!(matches!(verify(&tampered, std::slice::from_ref(&l.verifier), None), Err(VerifyError::WrongOrigin { .. })));
}

#[test]
fn altered_leaf_hashes_do_not_rebuild_the_root() {
    let mut l = log(16);
    let text = export(&mut l, 0, 16, None);
    // Forge entry 3 and its listed hash together.
    let forged = entry(333);
    let b = block(&text, 3);
    let replacement =
        format!("entry 3 {} {}\n{}\n", hex::encode(uw_ledger::leaf_hash(&forged)), forged.len(), String::from_utf8(forged).expect("utf-8"));
    let tampered = text.replacen(&b, &replacement, 1);
    assert_eq!(verify(&tampered, std::slice::from_ref(&l.verifier), None), Err(VerifyError::RootMismatch));
}

/// A log restored from a backup goes on under a new origin, linked to the
/// old origin's last checkpoint: an auditor's checkpoint of the old origin
/// within what the backup kept is proved consistent; one beyond it is
/// answered with the loss and the new origin, never as a silent fork.
#[test]
fn a_restored_log_answers_old_checkpoints_with_its_link_to_the_old_origin() {
    let key = || NoteSigner::new("audit.uw.example", SigningKey::from_bytes(&[4; 32])).expect("signer");
    let verifier = key().verifier();
    let verifiers = std::slice::from_ref(&verifier);
    // The old log: 120 entries, checkpoints at 50 and 120.
    let mut old = MerkleTree::in_memory();
    let mut old_signer = CheckpointSigner::new(ORIGIN, key(), None);
    for i in 0..50 {
        old.append(&entry(i)).expect("append");
    }
    let at_50 = old_signer.sign(&old).expect("sign");
    for i in 50..120 {
        old.append(&entry(i)).expect("append");
    }
    let at_120 = old_signer.sign(&old).expect("sign");
    // The backup held 100 entries; after the restore the log goes on as a
    // new origin with a link entry, then more.
    let new_origin = format!("{ORIGIN}/restored-1");
    let mut restored = MerkleTree::in_memory();
    for i in 0..100 {
        restored.append(&entry(i)).expect("append");
    }
    for i in 1000..1003 {
        restored.append(&entry(i)).expect("append");
    }
    let mut new_signer = CheckpointSigner::new(&new_origin, key(), None);
    let note = new_signer.sign(&restored).expect("sign");
    let (checkpoint, _) = Checkpoint::open(&note, verifiers).expect("open");
    let links = [uw_ledger::export::RestoreLink { note: at_120.clone(), restored_size: 100 }];
    let entries: Vec<Vec<u8>> = (1000..1003).map(entry).collect();
    let export_from = |previous: &str| {
        let (p, _) = Checkpoint::open(previous, verifiers).expect("open");
        let from = (p.size <= 100).then_some(&p);
        build(&restored, &note, &checkpoint, 100, &entries, from, &links).expect("builds")
    };

    // Within the backup: consistent, and the restore is reported.
    let verified = verify(&export_from(&at_50), verifiers, Some(&at_50)).expect("the old checkpoint within the backup holds");
    assert_eq!(verified.consistent_with, Some(50));
    let restore = verified.restored.expect("the restore is reported");
    assert_eq!((restore.from_origin.as_str(), restore.restored_size, restore.last_size), (ORIGIN, 100, 120));

    // Beyond it: the loss, the old and the new origin, plainly.
    let lost = verify(&export_from(&at_50), verifiers, Some(&at_120)).expect_err("entries 100..120 are gone");
    assert_eq!(lost, VerifyError::LostInRestore { origin: ORIGIN.into(), size: 120, restored: 100, last: 120, now: new_origin.clone() });
    assert!(lost.to_string().contains("restored from a backup"), "{lost}");

    // Without the link the old origin is simply another log.
    let unlinked = build(&restored, &note, &checkpoint, 100, &entries, None, &[]).expect("builds");
    assert!(matches!(verify(&unlinked, verifiers, Some(&at_50)), Err(VerifyError::WrongOrigin { .. })));

    // A link cannot launder a fork: a restored log whose first entries
    // differ from the old log's fails the consistency proof.
    let mut forged = MerkleTree::in_memory();
    for i in 0..100 {
        forged.append(&entry(i + 7)).expect("append");
    }
    let mut forged_signer = CheckpointSigner::new(&new_origin, key(), None);
    let forged_note = forged_signer.sign(&forged).expect("sign");
    let (forged_checkpoint, _) = Checkpoint::open(&forged_note, verifiers).expect("open");
    let (p50, _) = Checkpoint::open(&at_50, verifiers).expect("open");
    let forged_export = build(&forged, &forged_note, &forged_checkpoint, 90, &(97..107).map(entry).collect::<Vec<_>>(), Some(&p50), &links)
        .expect("builds");
    assert!(matches!(verify(&forged_export, verifiers, Some(&at_50)), Err(VerifyError::Inconsistent { previous: 50, .. })));
}
