//! Embeds every bundled rate pack into the library, so the desktop carries
//! the packs in force without reading files at run time, and the
//! organisation's pack-signing keys a release build trusts.
//!
//! - `UW_PACKAGE_PACKS`: the directory of packs to embed (each a directory
//!   with `manifest.toml` and its `SIGNATURE`); default `rate-packs/`.
//! - `UW_PACKAGE_PACK_KEYS`: a file of the organisation's pack-signing
//!   public keys, one `KEY_ID HEX` a line (`#` starts a comment); default
//!   none. `scripts/package.sh` sets both when it packages for an organisation.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-env-changed=UW_PACKAGE_PACKS");
    println!("cargo:rerun-if-env-changed=UW_PACKAGE_PACK_KEYS");
    let root = match std::env::var_os("UW_PACKAGE_PACKS") {
        Some(dir) => std::path::PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rate-packs"),
    };
    println!("cargo:rerun-if-changed={}", root.display());
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("rate-packs/ exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.join("manifest.toml").is_file())
        .collect();
    dirs.sort();
    let mut code = String::from(
        "/// Every bundled pack: (directory name, [(file name, text)]).\npub(crate) const BUNDLED_PACKS: &[(&str, &[(&str, &str)])] = &[\n",
    );
    for dir in &dirs {
        println!("cargo:rerun-if-changed={}", dir.display());
        let name = dir.file_name().and_then(|n| n.to_str()).expect("UTF-8 pack directory name");
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .expect("pack directory")
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.is_file()
                    && p.file_name()
                        .and_then(|n| n.to_str())
                        .is_some_and(|n| n == "manifest.toml" || n == "SIGNATURE" || n.ends_with(".csv"))
            })
            .collect();
        files.sort();
        let _ = writeln!(code, "    ({name:?}, &[");
        for file in files {
            println!("cargo:rerun-if-changed={}", file.display());
            let file_name = file.file_name().and_then(|n| n.to_str()).expect("UTF-8 file name");
            let _ = writeln!(
                code,
                "        ({file_name:?}, include_str!({:?})),",
                file.canonicalize().expect("canonical path").display().to_string()
            );
        }
        code.push_str("    ]),\n");
    }
    code.push_str("];\n");
    code.push_str("/// The organisation's pack-signing keys, fixed when the package was built: (key id, hex).\n");
    code.push_str("pub(crate) const ORGANISATION_PACK_KEYS: &[(&str, &str)] = &[\n");
    if let Some(file) = std::env::var_os("UW_PACKAGE_PACK_KEYS") {
        let file = std::path::PathBuf::from(file);
        println!("cargo:rerun-if-changed={}", file.display());
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("UW_PACKAGE_PACK_KEYS: cannot read {}: {e}", file.display()));
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or_default().trim();
            if line.is_empty() {
                continue;
            }
            let (id, key) = line
                .split_once(char::is_whitespace)
                .map(|(id, key)| (id.trim(), key.trim()))
                .filter(|(id, key)| !id.is_empty() && key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit()))
                .unwrap_or_else(|| panic!("{}:{}: expected `KEY_ID HEX` (64 hexadecimal digits)", file.display(), n + 1));
            let _ = writeln!(code, "    ({id:?}, {key:?}),");
        }
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("bundled_packs.rs");
    std::fs::write(out, code).expect("write bundled_packs.rs");
}
