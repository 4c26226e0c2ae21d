//! Embeds every bundled rate pack (`rate-packs/*/`) into the library, so the
//! desktop carries the packs in force without reading files at run time.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rate-packs");
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
    let out = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("bundled_packs.rs");
    std::fs::write(out, code).expect("write bundled_packs.rs");
}
