//! Helpers shared by the integration tests: the shipped inputs, the binary,
//! and copies of folders.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

/// The shipped reference inputs.
pub fn inputs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs")
}

/// The `max-rating` binary, run from the project root.
pub fn bin() -> Command {
    let mut c = Command::cargo_bin("max-rating").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// Copies a folder recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    max_rating_testkit::copy_dir(from, to).unwrap();
}

/// A copy of the shipped inputs in a temporary folder.
pub fn inputs_copy() -> (TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("inputs");
    copy_dir(&inputs(), &dir);
    (tmp, dir)
}

/// Every file under `dir`, relative, sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}
