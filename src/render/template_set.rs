//! The template set of a build: every Typst template (embedded, overlaid
//! file by file with the user's folders), the free-form slides, and the
//! parsed wording (`texts.hbs`, `letter.hbs`). Read once per build and
//! shared by the deck, the packs and the federal ranking.
//!
//! Overlay order: the embedded files, `<inputs>/../templates/`,
//! `<inputs>/templates/`, then `--templates DIR`. Free-form slides: every
//! `<inputs>/slides/*.typ`, sorted by name (virtual path `slides/<name>`;
//! other files of that folder, e.g. pictures, are reachable as
//! `/slides/<name>` too).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use super::RenderError;
use super::cache::RenderCache;
use super::typst::{Templates, TypstError};
use super::wording::{Letter, TextError, TextSet, Texts};
use crate::layout::{SLIDES_DIR, template_dirs};

/// The texts template.
pub const TEXTS: &str = "texts.hbs";
/// The letter template.
pub const LETTER: &str = "letter.hbs";
/// The reminder template of `remind`.
pub const REMINDER: &str = "reminder.hbs";

const EMBEDDED_TEXTS: &str = include_str!("../../templates/texts.hbs");
const EMBEDDED_LETTER: &str = include_str!("../../templates/letter.hbs");
const EMBEDDED_REMINDER: &str = include_str!("../../templates/reminder.hbs");

/// The built-in templates (virtual path, bytes): what `--templates` and
/// the user's template folders override file by file, and what `init`
/// copies for editing.
pub const TEMPLATE_FILES: &[(&str, &[u8])] = &[
    ("deck.typ", include_bytes!("../../templates/deck.typ")),
    ("theme.typ", include_bytes!("../../templates/theme.typ")),
    ("plan.typ", include_bytes!("../../templates/plan.typ")),
    ("summary.typ", include_bytes!("../../templates/summary.typ")),
    ("dynamics.typ", include_bytes!("../../templates/dynamics.typ")),
    // The federal ranking of `batch` (out/ranking.pdf), on the same theme.
    ("ranking.typ", include_bytes!("../../templates/ranking.typ")),
    ("texts.hbs", EMBEDDED_TEXTS.as_bytes()),
    // The bodies' packs (out/bodies/<slug>/): report.pdf and letter.txt.
    ("pack.typ", include_bytes!("../../templates/pack.typ")),
    ("letter.hbs", EMBEDDED_LETTER.as_bytes()),
    // The reminders of `remind` (out/reminders/<slug>.txt and .eml).
    ("reminder.hbs", EMBEDDED_REMINDER.as_bytes()),
];

/// Everything the renderers read besides the report.
#[derive(Debug)]
pub struct TemplateSet {
    /// Embedded templates overlaid with the user's, plus `slides/…`.
    pub templates: Templates,
    /// Virtual path → real file, for files the user provided.
    user_files: BTreeMap<String, PathBuf>,
    /// Virtual paths of the free-form slides, sorted.
    pub slides: Vec<String>,
    /// `texts.hbs`: the user's (if any) over the built-in one.
    pub texts: TextSet,
    /// `letter.hbs`: the user's, else the built-in one.
    pub letter: Arc<Letter>,
    /// `reminder.hbs`: the user's, else the built-in one.
    pub reminder: Arc<Letter>,
    /// The PDFs of earlier builds of a `watch` session: a compile whose
    /// inputs did not change is taken from here.
    pub cache: Option<Arc<RenderCache>>,
}

impl TemplateSet {
    /// Only the embedded templates: no user files, no free slides.
    pub fn embedded() -> Result<TemplateSet, RenderError> {
        TemplateSet::from_files(Templates::from_embedded(TEMPLATE_FILES), BTreeMap::new(), Vec::new())
    }

    /// The set of a region's build: the user template folders of `inputs`
    /// (see [`template_dirs`]), its `slides/`, then the `--templates`
    /// folder.
    pub fn read(inputs: Option<&Path>, templates_dir: Option<&Path>) -> Result<TemplateSet, RenderError> {
        let mut dirs: Vec<PathBuf> = inputs.map(template_dirs).unwrap_or_default();
        let slides = inputs.map(|i| i.join(SLIDES_DIR)).filter(|s| s.is_dir());
        let mut layers: Vec<(PathBuf, &str)> = dirs.drain(..).map(|d| (d, "")).collect();
        if let Some(s) = &slides {
            layers.push((s.clone(), SLIDES_DIR));
        }
        if let Some(d) = templates_dir {
            layers.push((d.to_path_buf(), ""));
        }
        let mut templates = Templates::from_embedded(TEMPLATE_FILES);
        let mut user_files = BTreeMap::new();
        for (dir, prefix) in &layers {
            overlay_dir(&mut templates, &mut user_files, dir, prefix)?;
        }
        let slide_names = match &slides {
            Some(s) => slide_paths(s)?,
            None => Vec::new(),
        };
        TemplateSet::from_files(templates, user_files, slide_names)
    }

    /// The set of the federal ranking: the embedded templates, overlaid with
    /// `dirs` in order (existing ones only).
    pub fn from_dirs(dirs: &[&Path]) -> Result<TemplateSet, RenderError> {
        let mut templates = Templates::from_embedded(TEMPLATE_FILES);
        let mut user_files = BTreeMap::new();
        for dir in dirs.iter().filter(|d| d.is_dir()) {
            overlay_dir(&mut templates, &mut user_files, dir, "")?;
        }
        TemplateSet::from_files(templates, user_files, Vec::new())
    }

    fn from_files(
        templates: Templates,
        user_files: BTreeMap<String, PathBuf>,
        slides: Vec<String>,
    ) -> Result<TemplateSet, RenderError> {
        let mut set = TemplateSet {
            texts: TextSet {
                user: None,
                builtin: builtin_texts()?,
            },
            letter: builtin_letter(&BUILTIN_LETTER, LETTER, EMBEDDED_LETTER)?,
            reminder: builtin_letter(&BUILTIN_REMINDER, REMINDER, EMBEDDED_REMINDER)?,
            templates,
            user_files,
            slides,
            cache: None,
        };
        set.texts.user = set
            .user_source(TEXTS, EMBEDDED_TEXTS)?
            .map(|src| Texts::parse(TEXTS, src))
            .transpose()
            .map_err(|e| set.text_error(e))?;
        if let Some(src) = set.user_source(LETTER, EMBEDDED_LETTER)? {
            set.letter = Arc::new(Letter::parse(LETTER, src).map_err(|e| set.text_error(e))?);
        }
        if let Some(src) = set.user_source(REMINDER, EMBEDDED_REMINDER)? {
            set.reminder = Arc::new(Letter::parse(REMINDER, src).map_err(|e| set.text_error(e))?);
        }
        Ok(set)
    }

    /// The user's version of an embedded text file, when it differs.
    fn user_source(&self, file: &str, embedded: &str) -> Result<Option<&str>, RenderError> {
        match self.templates.get(file) {
            Some(bytes) if bytes != embedded.as_bytes() => std::str::from_utf8(bytes)
                .map(Some)
                .map_err(|_| self.text_error(TextError::new(format!("{file}: файл не в кодировке UTF-8")))),
            _ => Ok(None),
        }
    }

    /// Appends to a template error the real paths of the user's files it
    /// mentions.
    pub fn name_user_files(&self, mut msg: String) -> String {
        let used: Vec<String> = self
            .user_files
            .iter()
            .filter(|(virt, _)| msg.contains(virt.as_str()))
            .map(|(virt, real)| format!("\n  {virt} — файл {}", real.display()))
            .collect();
        for u in used {
            msg.push_str(&u);
        }
        msg
    }

    /// A wording error, with the user's files named.
    pub fn text_error(&self, e: TextError) -> RenderError {
        RenderError::Template(self.name_user_files(e.message))
    }

    /// A Typst error, with the user's files named.
    pub fn typst_error(&self, e: TypstError) -> RenderError {
        if e.is_template_error() {
            RenderError::Template(self.name_user_files(e.to_string()))
        } else {
            RenderError::from(e)
        }
    }
}

/// The built-in `texts.hbs`, parsed once per process (Handlebars' parser is
/// a few per cent of a region's build, and `batch` builds many).
fn builtin_texts() -> Result<&'static Texts, RenderError> {
    static BUILTIN: OnceLock<Result<Texts, TextError>> = OnceLock::new();
    BUILTIN
        .get_or_init(|| Texts::parse(TEXTS, EMBEDDED_TEXTS))
        .as_ref()
        .map_err(|e| RenderError::from_text(e.clone()))
}

static BUILTIN_LETTER: OnceLock<Result<Arc<Letter>, TextError>> = OnceLock::new();
static BUILTIN_REMINDER: OnceLock<Result<Arc<Letter>, TextError>> = OnceLock::new();

/// A built-in letter template, parsed once per process (`batch` reads a
/// template set for every region).
fn builtin_letter(
    cell: &'static OnceLock<Result<Arc<Letter>, TextError>>,
    file: &str,
    src: &str,
) -> Result<Arc<Letter>, RenderError> {
    cell.get_or_init(|| Letter::parse(file, src).map(Arc::new))
        .clone()
        .map_err(RenderError::from_text)
}

/// Overlays the files of `dir` (under `prefix/`) and records their real
/// paths.
fn overlay_dir(
    templates: &mut Templates,
    user_files: &mut BTreeMap<String, PathBuf>,
    dir: &Path,
    prefix: &str,
) -> Result<(), RenderError> {
    let user = Templates::from_dir(dir)?;
    let mut prefixed = Templates::new();
    for path in user.paths() {
        let virt = if prefix.is_empty() {
            path.to_string()
        } else {
            format!("{prefix}/{path}")
        };
        prefixed.insert(&virt, user.get(path).unwrap_or_default().to_vec())?;
        user_files.insert(virt, dir.join(path));
    }
    templates.overlay(&prefixed);
    Ok(())
}

/// The virtual paths of the free-form slides: `slides/<name>.typ`, sorted.
fn slide_paths(slides: &Path) -> Result<Vec<String>, RenderError> {
    let entries = std::fs::read_dir(slides).map_err(|e| RenderError::Input {
        path: slides.to_path_buf(),
        message: crate::diag::io_reason(&e),
    })?;
    let mut names: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().to_str().map(String::from))
        .filter(|n| !n.starts_with('.') && n.to_lowercase().ends_with(".typ"))
        .collect();
    names.sort();
    Ok(names.into_iter().map(|n| format!("{SLIDES_DIR}/{n}")).collect())
}
