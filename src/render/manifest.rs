//! `manifest.json`: every file of a build with its size, SHA-256 and the
//! body it is for.

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::{OutputFile, RenderError, json_bytes};
use crate::layout::{MANIFEST_JSON, body_of};

#[derive(Debug, Serialize)]
struct Manifest<'a> {
    files: Vec<Entry<'a>>,
}

#[derive(Debug, Serialize)]
struct Entry<'a> {
    path: &'a str,
    size: usize,
    sha256: String,
    body: Option<&'a str>,
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// `manifest.json`: every file of the build (path, size, SHA-256, the body
/// it is for or null), sorted by path. Same files, same bytes.
pub fn manifest(files: &[OutputFile]) -> Result<OutputFile, RenderError> {
    let mut entries: Vec<Entry<'_>> = files
        .iter()
        .filter(|f| f.path != MANIFEST_JSON)
        .map(|f| Entry {
            path: &f.path,
            size: f.bytes.len(),
            sha256: sha256_hex(&f.bytes),
            body: body_of(&f.path),
        })
        .collect();
    entries.sort_by(|a, b| a.path.cmp(b.path));
    Ok(OutputFile::new(
        MANIFEST_JSON,
        json_bytes(MANIFEST_JSON, &Manifest { files: entries })?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_abc() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn entries_sorted_with_bodies() {
        let files = [
            OutputFile::new("deck.pdf", b"x".to_vec()),
            OutputFile::new("bodies/mfc/letter.txt", b"yy".to_vec()),
        ];
        let m = manifest(&files).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&m.bytes).unwrap();
        assert_eq!(v["files"][0]["path"], "bodies/mfc/letter.txt");
        assert_eq!(v["files"][0]["body"], "mfc");
        assert_eq!(v["files"][1]["body"], serde_json::Value::Null);
        assert_eq!(v["files"][1]["size"], 1);
    }
}
