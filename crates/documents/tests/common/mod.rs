//! Reading PDFs back with the tools a reviewer would use: poppler-utils
//! (`pdftotext`, `pdfinfo`, `pdffonts`) and `qpdf --check`; and golden files.
//!
//! The tools are required, not optional: without them the tests fail, telling you
//! what to install, rather than silently checking nothing.
#![allow(clippy::unwrap_used, dead_code)]

pub mod fixtures;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Writes `pdf` to a fresh file under cargo's scratch directory for integration tests.
pub fn write_pdf(pdf: &[u8]) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "uw-documents-{}-{}.pdf",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    ));
    std::fs::write(&path, pdf).unwrap();
    path
}

/// Runs a poppler tool on `pdf` and returns its stdout; fails the test if the tool is
/// missing or fails.
pub fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    let path = write_pdf(pdf);
    let output = Command::new(tool).args(args).arg(&path).args(if tool == "pdftotext" { &["-"][..] } else { &[][..] }).output();
    let output = output.unwrap_or_else(|e| {
        panic!("`{tool}` could not be run ({e}). These tests need poppler-utils: install it with `apt-get install -y poppler-utils`.")
    });
    assert!(output.status.success(), "{tool} {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    let _ = std::fs::remove_file(&path);
    String::from_utf8(output.stdout).unwrap()
}

pub fn text_of(pdf: &[u8]) -> String {
    poppler("pdftotext", &["-layout"], pdf)
}

pub fn page_count(pdf: &[u8]) -> usize {
    let info = poppler("pdfinfo", &[], pdf);
    let line = info.lines().find(|l| l.starts_with("Pages:")).unwrap_or_else(|| panic!("no Pages: line in pdfinfo output:\n{info}"));
    line["Pages:".len()..].trim().parse().unwrap()
}

/// Runs `qpdf --check` on `pdf` and fails the test unless qpdf finds no errors or warnings.
pub fn qpdf_check(pdf: &[u8]) {
    let path = write_pdf(pdf);
    let output = Command::new("qpdf")
        .arg("--check")
        .arg(&path)
        .output()
        .unwrap_or_else(|e| panic!("`qpdf` could not be run ({e}). These tests need it: install it with `apt-get install -y qpdf`."));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("No syntax or stream encoding errors found"),
        "qpdf --check failed (status {}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let _ = std::fs::remove_file(&path);
}

/// Compares `pdf` with `tests/golden/<name>.pdf`, byte for byte. With
/// `UW_UPDATE_GOLDEN=1` the file is written instead: review the new PDF, then commit it.
pub fn assert_golden(name: &str, pdf: &[u8]) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(format!("{name}.pdf"));
    if std::env::var_os("UW_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, pdf).unwrap();
        return;
    }
    let golden = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e}. Render it with UW_UPDATE_GOLDEN=1, review it, and commit it.", path.display()));
    if golden != pdf {
        let got = write_pdf(pdf);
        panic!(
            "{name}: the PDF differs from {} ({} bytes now, {} in the golden file); the new one is at {}. \
             If the change is intended, re-run with UW_UPDATE_GOLDEN=1 and review the PDF.",
            path.display(),
            pdf.len(),
            golden.len(),
            got.display()
        );
    }
}
