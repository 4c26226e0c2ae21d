//! Documents the workstation saved (proposals, declarations, ID cards,
//! notices, audit exports), found again by the path the UI was given, for
//! opening, printing or showing in their folder.
//!
//! The UI can only name a file inside the documents folder: anything else
//! (a path outside it, through `..` or a link, a folder, a missing file) is
//! refused before the computer's programs see it.

use std::path::{Path, PathBuf};

use crate::WorkstationError;

/// `path` as a PDF inside `documents_dir`, both resolved (links and `..`
/// followed), or why not.
pub fn saved_document(documents_dir: &Path, path: &str) -> Result<PathBuf, WorkstationError> {
    let refused = || WorkstationError::NotASavedDocument { path: path.to_owned() };
    let given = Path::new(path);
    if !given.is_absolute() || given.extension().is_none_or(|e| !["pdf", "txt", "json"].iter().any(|x| e.eq_ignore_ascii_case(x))) {
        return Err(refused());
    }
    let root = documents_dir.canonicalize().map_err(|_| refused())?;
    let file = match given.canonicalize() {
        Ok(file) => file,
        Err(_) if given.starts_with(documents_dir) => return Err(WorkstationError::SavedDocumentMissing { path: given.to_owned() }),
        Err(_) => return Err(refused()),
    };
    if !file.starts_with(&root) || !file.is_file() {
        return Err(refused());
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn only_a_saved_document_inside_the_folder_is_found() {
        let dir = tempfile::tempdir().expect("tempdir");
        let docs = dir.path().join("Documents");
        std::fs::create_dir_all(docs.join("Audit exports")).expect("dirs");
        let proposal = docs.join("QUOT-2026-000001-v1-proposal.pdf");
        std::fs::write(&proposal, b"%PDF-").expect("write");
        let outside = dir.path().join("secret.pdf");
        std::fs::write(&outside, b"%PDF-").expect("write");
        std::os::unix::fs::symlink(&outside, docs.join("link.pdf")).expect("link");

        let text = |path: &Path| path.to_str().expect("a UTF-8 path").to_owned();
        assert_eq!(saved_document(&docs, &text(&proposal)).expect("found"), proposal.canonicalize().expect("exists"));
        let code = |path: &Path| saved_document(&docs, &text(path)).expect_err("refused").code();
        assert_eq!(code(&outside), "document.not_saved_here");
        assert_eq!(code(&docs.join("../secret.pdf")), "document.not_saved_here", "no way out through ..");
        assert_eq!(code(&docs.join("link.pdf")), "document.not_saved_here", "nor through a link");
        assert_eq!(code(&docs.join("Audit exports")), "document.not_saved_here", "a folder is not a document");
        assert_eq!(code(&docs.join("gone.pdf")), "document.missing");
        assert_eq!(code(Path::new("/etc/passwd")), "document.not_saved_here");
        assert_eq!(saved_document(&docs, "relative.pdf").expect_err("refused").code(), "document.not_saved_here");
    }
}
