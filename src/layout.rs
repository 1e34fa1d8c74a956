//! The names of every folder and file the tool reads or writes, in one
//! place: a region's workspace (`inputs/`, `templates/`, `out/`) and the
//! outputs of a build.
//!
//! ```text
//! <workspace>/
//!   inputs/            region.toml, methodology.toml, regions.xlsx,
//!     submissions/     the bodies' forms
//!     slides/          free-form slides (*.typ)
//!     templates/       template overrides (also beside inputs/)
//!   templates/         template overrides
//!   out/               deck.pdf, report.xlsx, rating.json, manifest.json,
//!     bodies/<slug>/   report.pdf, report.xlsx, letter.txt
//!     forms/<slug>.xlsx
//!     mail/            <slug>.eml (drafts), outbox.json, sent.jsonl (journal)
//!     reminders/       <slug>.eml, <slug>.txt, outbox.json (`remind`)
//! ```

use std::path::{Path, PathBuf};

/// The bodies' submissions, inside the inputs folder.
pub const SUBMISSIONS_DIR: &str = "submissions";
/// Free-form slides (`*.typ`), inside the inputs folder.
pub const SLIDES_DIR: &str = "slides";
/// Template overrides: beside the inputs folder and inside it.
pub const TEMPLATES_DIR: &str = "templates";
/// The region's plan, inside the inputs folder.
pub const REGION_FILE: &str = "region.toml";
/// A methodology replacing the built-in one, inside the inputs folder.
pub const METHODOLOGY_FILE: &str = "methodology.toml";
/// The ranking of regions for the deck, inside the inputs folder.
pub const REGIONS_FILE: &str = "regions.xlsx";

/// The working-group deck.
pub const DECK_PDF: &str = "deck.pdf";
/// The workbook with live formulas.
pub const REPORT_XLSX: &str = "report.xlsx";
/// The machine-readable result.
pub const RATING_JSON: &str = "rating.json";
/// Every file of a build with its size and SHA-256.
pub const MANIFEST_JSON: &str = "manifest.json";
/// The bodies' packs: `bodies/<slug>/…`.
pub const BODIES_DIR: &str = "bodies";
/// A pack's PDF (cover letter and the body's indicators).
pub const PACK_PDF: &str = "report.pdf";
/// A pack's workbook.
pub const PACK_XLSX: &str = "report.xlsx";
/// A pack's letter text.
pub const PACK_LETTER: &str = "letter.txt";
/// The blank forms of `forms`: `forms/<slug>.xlsx`.
pub const FORMS_DIR: &str = "forms";
/// The federal ranking of `batch` (workbook).
pub const RANKING_XLSX: &str = "ranking.xlsx";
/// The federal ranking of `batch` (document).
pub const RANKING_PDF: &str = "ranking.pdf";

/// The e-mail drafts of a build and the journal of `send`: `mail/…`.
pub const MAIL_DIR: &str = "mail";
/// The reminders of `remind`: `reminders/…`.
pub const REMINDERS_DIR: &str = "reminders";
/// The list of the messages of a folder (`mail/`, `reminders/`).
pub const OUTBOX_FILE: &str = "outbox.json";
/// The journal of sent messages, `mail/sent.jsonl`.
pub const JOURNAL_FILE: &str = "sent.jsonl";

/// `mail/<slug>.eml`.
pub fn mail_file(slug: &str) -> String {
    format!("{MAIL_DIR}/{slug}.eml")
}

/// `mail/sent.jsonl`.
pub fn journal_file() -> String {
    format!("{MAIL_DIR}/{JOURNAL_FILE}")
}

/// Files of the output folder that outlive every build: a build copies
/// them into the new folder before the swap (the journal of sent mail).
pub const CARRIED: &[&str] = &["mail/sent.jsonl"];

/// The entries of the output folder a build owns although it may not write
/// them: `bodies/` of an earlier build is removed by `build --no-packs`, so
/// that the folder never mixes packs of an older build with a newer deck.
/// The same holds for `mail/` (drafts of packs no longer built). (`forms/`
/// belongs to the `forms` command, `reminders/` to `remind`.)
pub const BUILD_OWNED: &[&str] = &[BODIES_DIR, MAIL_DIR];

/// `bodies/<slug>/<file>`.
pub fn pack_file(slug: &str, file: &str) -> String {
    format!("{BODIES_DIR}/{slug}/{file}")
}

/// `forms/<slug>.xlsx`.
pub fn form_file(slug: &str) -> String {
    format!("{FORMS_DIR}/{slug}.xlsx")
}

/// The body a file of the build is for: `bodies/<slug>/…` → slug.
pub fn body_of(path: &str) -> Option<&str> {
    let rest = path.strip_prefix(BODIES_DIR)?.strip_prefix('/')?;
    let (slug, _) = rest.split_once('/')?;
    Some(slug)
}

/// The user template folders for an inputs folder, in overlay order:
/// `<inputs>/../templates`, then `<inputs>/templates` (existing ones only,
/// each once).
pub fn template_dirs(inputs: &Path) -> Vec<PathBuf> {
    let sibling = inputs
        .canonicalize()
        .ok()
        .and_then(|p| p.parent().map(|p| p.join(TEMPLATES_DIR)));
    let mut dirs: Vec<PathBuf> = Vec::new();
    for d in sibling.into_iter().chain(std::iter::once(inputs.join(TEMPLATES_DIR))) {
        let canon = d.canonicalize().unwrap_or(d.clone());
        if d.is_dir() && !dirs.iter().any(|x| x.canonicalize().ok().as_ref() == Some(&canon)) {
            dirs.push(d);
        }
    }
    dirs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_of_paths() {
        assert_eq!(body_of("bodies/minzdrav/report.pdf"), Some("minzdrav"));
        assert_eq!(body_of(&pack_file("mfc", PACK_LETTER)), Some("mfc"));
        assert_eq!(body_of("deck.pdf"), None);
        assert_eq!(body_of("bodiesx/a/b"), None);
    }
}
