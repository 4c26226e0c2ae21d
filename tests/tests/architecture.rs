//! The house's rooms: no crate has files that import each other in a loop.
//!
//! Each crate's `src` files are modules; a file imports another when it
//! names a `crate::` path into it (also inside `use crate::{…}` groups).
//! A path resolves to the deepest module file it reaches, so
//! `crate::pack::error::PackError` is `pack/error.rs`. A module and the
//! submodules it declares (`super::`, `self::`, a child by its bare name)
//! are one room's inside and not counted. The crate root (`lib.rs`,
//! `main.rs`) only declares and re-exports its modules, so its own paths
//! are not counted. A name a module re-exports (`pub use model::Quote`, at
//! the root or anywhere) resolves to the file that defines it, so a loop
//! cannot hide behind `crate::Quote`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use uw_system_tests::workspace_root;

/// The crates of the workspace with their `src` folder.
fn crate_sources() -> Vec<PathBuf> {
    let root = workspace_root();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root.join("crates"))
        .expect("crates/")
        .map(|e| e.expect("entry").path().join("src"))
        .chain(["sync-server", "src-tauri", "tests"].iter().map(|d| root.join(d).join("src")))
        .filter(|d| d.is_dir())
        .collect();
    dirs.sort();
    dirs
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `a/b.rs` and `a/b/mod.rs` are module `["a", "b"]`; the root is `[]`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("under src");
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().expect("a file name");
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && !(parts.is_empty() && matches!(stem, "lib" | "main")) {
        parts.push(stem.to_owned());
    }
    parts
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The code of a file without its comments and string literals (a path in
/// a doc comment or a message is not an import).
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '/' if chars.peek() == Some(&'/') => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        out.push('\n');
                        break;
                    }
                }
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for c in chars.by_ref() {
                    if last == '*' && c == '/' {
                        break;
                    }
                    last = c;
                }
            }
            '"' => {
                let mut escaped = false;
                for c in chars.by_ref() {
                    if c == '"' && !escaped {
                        break;
                    }
                    escaped = c == '\\' && !escaped;
                }
                out.push_str("\"\"");
            }
            _ => out.push(c),
        }
    }
    out
}

/// Every path the code names, as segments, starting at `start` (`crate`),
/// with `{…}` groups expanded one level.
fn paths_from(code: &str, start: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    let needle = format!("{start}::");
    let mut at = 0;
    while let Some(i) = code[at..].find(&needle) {
        let begin = at + i;
        at = begin + needle.len();
        if begin > 0 && code[..begin].chars().next_back().is_some_and(|c| is_ident(c) || c == ':') {
            continue;
        }
        let rest = &code[at..];
        let mut prefix = vec![start.to_owned()];
        let mut tail = rest;
        // Segments up to a non-identifier.
        loop {
            let len = tail.find(|c: char| !is_ident(c)).unwrap_or(tail.len());
            if len == 0 {
                break;
            }
            prefix.push(tail[..len].to_owned());
            tail = &tail[len..];
            match tail.strip_prefix("::") {
                Some(more) => tail = more,
                None => break,
            }
        }
        if tail.starts_with('{') {
            let close = tail.find('}').unwrap_or(tail.len());
            for item in tail[1..close].split(',') {
                let item = item.trim();
                let mut path = prefix.clone();
                path.extend(item.split("::").map(|s| s.trim().to_owned()).take_while(|s| !s.is_empty() && s.chars().all(is_ident)));
                found.push(path);
            }
        } else {
            found.push(prefix);
        }
    }
    found
}

/// What each module re-exports: a name to the absolute path it stands for
/// (a `*` name for a glob), from its `pub use` and `pub(crate) use` lines.
fn reexports(modules: &BTreeMap<Vec<String>, String>, src: &Path) -> BTreeMap<Vec<String>, BTreeMap<String, Vec<String>>> {
    let mut out: BTreeMap<Vec<String>, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for (module, file) in modules {
        let code = code_only(&std::fs::read_to_string(src.join(file)).expect("source"));
        for keyword in ["pub use ", "pub(crate) use "] {
            let mut at = 0;
            while let Some(i) = code[at..].find(keyword) {
                let begin = at + i + keyword.len();
                let end = code[begin..].find(';').map_or(code.len(), |e| begin + e);
                at = end;
                // One line, single spaces, none around `::`, braces and commas:
                // `model::{Quote, Rating as R}` -> `model::{Quote,Rating as R}`.
                let statement = code[begin..end].split_whitespace().collect::<Vec<_>>().join(" ");
                let statement = ["::", "{", "}", ","]
                    .iter()
                    .fold(statement, |text, token| text.replace(&format!(" {token}"), token).replace(&format!("{token} "), token));
                let (prefix, names) = match statement.split_once('{') {
                    Some((prefix, group)) => (prefix.trim_end_matches("::").to_owned(), group.trim_end_matches('}').to_owned()),
                    None => match statement.rsplit_once("::") {
                        Some((prefix, name)) => (prefix.to_owned(), name.to_owned()),
                        None => continue,
                    },
                };
                let mut base: Vec<String> = Vec::new();
                for (n, segment) in prefix.split("::").enumerate() {
                    match segment {
                        "crate" if n == 0 => {}
                        "self" if n == 0 => base.extend(module.iter().cloned()),
                        "super" => {
                            if base.is_empty() && n == 0 {
                                base.extend(module.iter().cloned());
                            }
                            base.pop();
                        }
                        other if n == 0 => {
                            // A child module by its bare name, else another crate.
                            let mut child = module.clone();
                            child.push(other.to_owned());
                            if !modules.contains_key(&child) && !modules.keys().any(|m| m.starts_with(&child)) {
                                base.clear();
                                base.push(format!("extern:{other}"));
                                continue;
                            }
                            base = child;
                        }
                        other => base.push(other.to_owned()),
                    }
                }
                if base.first().is_some_and(|b| b.starts_with("extern:")) {
                    continue;
                }
                for name in names.split(',').filter(|n| !n.is_empty()) {
                    let (target, name) = name.split_once(" as ").unwrap_or((name, name.rsplit("::").next().unwrap_or(name)));
                    let (name, target) = (name.to_owned(), target.to_owned());
                    let mut path = base.clone();
                    path.extend(target.split("::").map(str::to_owned));
                    out.entry(module.clone()).or_default().insert(name, path);
                }
            }
        }
    }
    out
}

/// The files of one crate that import each other in a loop, each loop once.
fn circles(src: &Path) -> Vec<Vec<String>> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeMap<Vec<String>, String> =
        files.iter().map(|f| (module_of(src, f), f.strip_prefix(src).expect("under src").display().to_string())).collect();
    let reexported = reexports(&modules, src);
    // The deepest module a path reaches; through a name that module
    // re-exports, on to where the name comes from.
    fn resolve(
        path: &[String],
        modules: &BTreeMap<Vec<String>, String>,
        reexported: &BTreeMap<Vec<String>, BTreeMap<String, Vec<String>>>,
        depth: usize,
    ) -> Option<String> {
        let n = (0..=path.len()).rev().find(|n| modules.contains_key(&path[..*n]))?;
        let module = &path[..n];
        if depth < 8 {
            if let Some(exports) = reexported.get(module) {
                let via = path.get(n).and_then(|name| exports.get(name)).or_else(|| exports.get("*").filter(|_| path.len() > n));
                if let Some(target) = via {
                    let mut next = target.clone();
                    if target.last().is_some_and(|t| t == "*") {
                        next.pop();
                        next.extend(path[n..].iter().cloned());
                    } else {
                        next.extend(path[n + 1..].iter().cloned());
                    }
                    if next != path {
                        return resolve(&next, modules, reexported, depth + 1);
                    }
                }
            }
        }
        modules.get(module).cloned()
    }
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let me = module_of(src, file);
        let name = file.strip_prefix(src).expect("under src").display().to_string();
        if me.is_empty() {
            continue;
        }
        let code = code_only(&std::fs::read_to_string(file).expect("source"));
        for path in paths_from(&code, "crate") {
            let Some(to) = resolve(&path[1..], &modules, &reexported, 0) else { continue };
            // A module and its own submodules are one room.
            let to_module = modules.iter().find(|(_, f)| **f == to).map(|(m, _)| m.clone()).unwrap_or_default();
            if to != name && !to_module.is_empty() && !to_module.starts_with(&me) && !me.starts_with(&to_module) {
                edges.entry(name.clone()).or_default().insert(to);
            }
        }
    }
    strongly_connected(&edges).into_iter().filter(|c| c.len() > 1).collect()
}

/// Tarjan's strongly connected components.
fn strongly_connected(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct State<'a> {
        edges: &'a BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a str) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on_stack.insert(v);
        if let Some(next) = s.edges.get(v) {
            for w in next {
                let w = w.as_str();
                if !s.index.contains_key(w) {
                    visit(s, w);
                    let lw = s.low[w];
                    let lv = s.low.get_mut(v).expect("visited");
                    *lv = (*lv).min(lw);
                } else if s.on_stack.contains(w) {
                    let iw = s.index[w];
                    let lv = s.low.get_mut(v).expect("visited");
                    *lv = (*lv).min(iw);
                }
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.to_owned());
                if w == v {
                    break;
                }
            }
            component.sort();
            s.out.push(component);
        }
    }
    let mut s =
        State { edges, index: BTreeMap::new(), low: BTreeMap::new(), stack: Vec::new(), on_stack: BTreeSet::new(), out: Vec::new() };
    for v in edges.keys() {
        if !s.index.contains_key(v.as_str()) {
            visit(&mut s, v);
        }
    }
    s.out
}

#[test]
fn no_crate_has_files_that_import_each_other_in_a_loop() {
    let mut found = Vec::new();
    for src in crate_sources() {
        for circle in circles(&src) {
            found.push(format!("{}: {}", src.parent().expect("a crate").display(), circle.join(" <-> ")));
        }
    }
    assert!(found.is_empty(), "import circles:\n{}", found.join("\n"));
}

/// The check sees a loop when there is one: two files of a scratch crate
/// that name each other.
#[test]
fn the_check_finds_a_circle() {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = dir.path().join("src");
    std::fs::create_dir_all(src.join("pack")).expect("dirs");
    std::fs::write(src.join("lib.rs"), "mod error;\nmod pack;\n").expect("lib");
    std::fs::write(src.join("error.rs"), "use crate::pack::Location;\npub enum PackError { At(Location) }\n").expect("error");
    std::fs::write(src.join("pack/mod.rs"), "mod table;\nuse crate::error::PackError; // crate::nothing\npub struct Location;\n")
        .expect("pack");
    // A submodule naming its parent is the parent's inside, not a loop.
    std::fs::write(src.join("pack/table.rs"), "use super::Location;\nuse crate::pack::Location as L;\n").expect("table");
    assert_eq!(circles(&src), [vec!["error.rs".to_owned(), "pack/mod.rs".to_owned()]]);
    // Opened as this change opened it: the error on the ground floor.
    std::fs::write(src.join("error.rs"), "pub struct Location;\npub enum PackError { At(Location) }\n").expect("error");
    assert!(circles(&src).is_empty());
    // A loop through the root's re-export is still a loop.
    std::fs::write(src.join("lib.rs"), "mod error;\nmod pack;\npub use pack::Location;\n").expect("lib");
    std::fs::write(src.join("error.rs"), "use crate::Location;\npub enum PackError { At(Location) }\n").expect("error");
    assert_eq!(circles(&src), [vec!["error.rs".to_owned(), "pack/mod.rs".to_owned()]]);
}
