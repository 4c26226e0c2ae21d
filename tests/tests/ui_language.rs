//! Every error code the user can meet has a sentence in the UI: the
//! desktop's own codes, the policy lifecycle's, and every code the server
//! answers with or refuses an operation with. The codes are read from the
//! source where they are written; the sentences from `ui/src/shared/messages.ts`.

use std::collections::BTreeSet;
use std::path::Path;

use uw_system_tests::workspace_root;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `"area.what"` string literals in `text`.
fn codes_in(text: &str) -> Vec<String> {
    text.split('"')
        .skip(1)
        .step_by(2)
        .filter(|s| {
            let mut parts = s.split('.');
            let (Some(a), Some(b), None) = (parts.next(), parts.next(), parts.next()) else { return false };
            [a, b].iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        })
        .map(str::to_owned)
        .collect()
}

/// The body of `fn code(` in `text`, up to its closing brace at the same indent.
fn code_fn(text: &str) -> &str {
    let at = text.find("fn code(").expect("a `fn code`");
    let indent = text[..at].rsplit('\n').next().map_or(0, str::len);
    let close = format!("\n{}}}", " ".repeat(indent.saturating_sub(4)));
    let end = text[at..].find(&close).map_or(text.len(), |e| at + e);
    &text[at..end]
}

/// Every code a user can be shown.
fn codes() -> BTreeSet<String> {
    let root = workspace_root();
    let mut codes = BTreeSet::new();
    for file in ["crates/workstation/src/error.rs", "crates/workstation/src/sync/client.rs", "crates/policy/src/error.rs"] {
        codes.extend(codes_in(code_fn(&read(&root.join(file)))));
    }
    codes.extend(codes_in(&read(&root.join("crates/protocol/src/codes.rs"))));
    // The server: what its errors answer and what it refuses an operation with.
    let mut files = Vec::new();
    rust_files(&root.join("sync-server/src"), &mut files);
    for file in files {
        let text = read(&file);
        for marker in ["ApiError::", "Outcome::rejected(", "Outcome::Rejected {"] {
            for piece in text.split(marker).skip(1) {
                let call = &piece[..piece.find(')').unwrap_or(piece.len()).min(400)];
                codes.extend(codes_in(call).into_iter().take(1));
            }
        }
    }
    codes
}

/// The codes `messages.ts` has a sentence for.
fn sentences() -> BTreeSet<String> {
    let text = read(&workspace_root().join("ui/src/shared/messages.ts"));
    text.lines()
        .filter_map(|line| line.trim_start().strip_prefix('"').and_then(|rest| rest.split_once("\":")).map(|(code, _)| code.to_owned()))
        .collect()
}

#[test]
fn every_code_a_user_can_meet_has_a_sentence() {
    let codes = codes();
    assert!(codes.len() > 80, "the codes were not read: {codes:?}");
    assert!(codes.contains("rating.no_pack") && codes.contains("user.weak_password") && codes.contains("policy.not_in_force"), "{codes:?}");
    let sentences = sentences();
    let missing: Vec<&String> = codes.difference(&sentences).collect();
    assert!(missing.is_empty(), "ui/src/shared/messages.ts has no sentence for: {missing:?}");
}
