//! The renderers: everything a build writes, made in memory from the view
//! model ([`crate::report::Report`]) and the template set. Renderers depend
//! on nothing above them: they never read the inputs, never compute a
//! figure, never print; template warnings come back as diagnostics.
//!
//! - [`deck`] — `deck.pdf`, the working-group deck (Typst);
//! - [`workbook`] — `report.xlsx` with live formulas;
//! - [`packs`] — `bodies/<slug>/`: report.pdf, report.xlsx, letter.txt;
//! - [`mail`] — `mail/`: the e-mail drafts of the packs and their outbox;
//! - [`manifest`] — `manifest.json`;
//! - [`ranking`] — the federal ranking of `batch` (xlsx and pdf);
//! - [`console`] — the summary table printed by `check` and `build`;
//! - [`template_set`], [`wording`], [`typst`] — templates, the Handlebars
//!   wording and the embedded Typst compiler.

pub mod cache;
pub mod console;
pub mod deck;
pub mod mail;
pub mod manifest;
pub mod packs;
pub mod ranking;
pub mod reminders;
pub mod template_set;
pub mod typst;
pub mod wording;
pub mod workbook;

use std::path::PathBuf;

use crate::diag::Diagnostic;
use crate::layout::{DECK_PDF, RATING_JSON, REPORT_XLSX};
use crate::report::Report;
pub use template_set::TemplateSet;
use typst::Fonts;

/// One output file: a path relative to the output folder and its bytes.
#[derive(Debug, Clone)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

impl OutputFile {
    pub fn new(path: impl Into<String>, bytes: Vec<u8>) -> OutputFile {
        OutputFile {
            path: path.into(),
            bytes,
        }
    }
}

/// A renderer failed. `Display` is Russian.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// A template (Typst, `texts.hbs`, `letter.hbs`) is wrong; the message
    /// names the file, line and column (and the user's real file).
    #[error("{0}")]
    Template(String),
    /// A file the renderers read (a font, a template folder, the slides)
    /// could not be read.
    #[error("не удалось прочитать {}: {message}", .path.display())]
    Input { path: PathBuf, message: String },
    /// A template, slide or font file links outside its folder.
    #[error("{0}")]
    Outside(String),
    /// A workbook could not be written.
    #[error("{file}: не удалось создать книгу (внутренняя ошибка записи XLSX) — сообщите разработчикам")]
    Workbook { file: String, message: String },
    /// A JSON output could not be serialised.
    #[error("не удалось сформировать {file} (внутренняя ошибка записи JSON) — сообщите разработчикам")]
    Json { file: String, message: String },
    /// A body's folder name is not a plain name.
    #[error("недопустимое имя папки органа «{0}»")]
    Slug(String),
    /// A renderer's thread stopped abnormally.
    #[error("внутренний сбой при создании {0} — сообщите разработчикам")]
    Crash(&'static str),
}

impl RenderError {
    /// Whether the error is about reading an input (exit code 3) rather
    /// than a template (exit code 5).
    pub fn is_input(&self) -> bool {
        matches!(self, RenderError::Input { .. } | RenderError::Outside(_))
    }

    pub(crate) fn from_text(e: wording::TextError) -> RenderError {
        RenderError::Template(e.message)
    }

    pub fn workbook(file: &str, e: rust_xlsxwriter::XlsxError) -> RenderError {
        RenderError::Workbook {
            file: file.to_string(),
            message: e.to_string(),
        }
    }
}

/// Pretty JSON with sorted keys and a final line break: the same value,
/// the same bytes.
pub fn json_bytes<T: serde::Serialize>(file: &str, value: &T) -> Result<Vec<u8>, RenderError> {
    let fail = |e: serde_json::Error| RenderError::Json {
        file: file.to_string(),
        message: e.to_string(),
    };
    // Through a `Value`: its maps are sorted, whatever the field order.
    let value = serde_json::to_value(value).map_err(fail)?;
    let mut bytes = serde_json::to_vec_pretty(&value).map_err(fail)?;
    bytes.push(b'\n');
    Ok(bytes)
}

impl From<typst::TypstError> for RenderError {
    fn from(e: typst::TypstError) -> Self {
        use typst::TypstError as T;
        match e {
            T::Font { path, message } => RenderError::Input { path, message },
            T::FontDir { path, source } | T::TemplateDir { path, source } => RenderError::Input {
                path,
                message: crate::diag::io_reason(&source),
            },
            e @ T::Outside { .. } => RenderError::Outside(e.to_string()),
            other => RenderError::Template(other.to_string()),
        }
    }
}

/// A compiled PDF and its template's warnings.
#[derive(Debug, Clone)]
pub struct Pdf {
    pub pdf: Vec<u8>,
    pub warnings: Vec<Diagnostic>,
    pub pages: usize,
}

/// The file Typst templates read their data from.
pub const DATA_JSON: &str = "data.json";

/// Compiles `main` of the template set with `data` served as `data.json`:
/// the PDF and the template's warnings as diagnostics; an error names the
/// user's files it concerns.
pub fn compile_pdf(
    set: &TemplateSet,
    fonts: &Fonts,
    main: &str,
    data: Vec<u8>,
    opts: &typst::PdfOpts,
) -> Result<Pdf, RenderError> {
    let key = set
        .cache
        .as_ref()
        .map(|_| cache::key(&set.templates, main, &data, opts));
    let run = move || -> Result<Pdf, RenderError> {
        let compiled =
            typst::compile(fonts, &set.templates, main, &[(DATA_JSON, data)], opts).map_err(|e| set.typst_error(e))?;
        Ok(Pdf {
            pdf: compiled.pdf,
            warnings: compiled.warnings.iter().map(|w| w.to_diagnostic()).collect(),
            pages: compiled.pages,
        })
    };
    match (&set.cache, key) {
        (Some(cache), Some(key)) => cache.pdf(key, fonts, run),
        _ => run(),
    }
}

/// What a build asks of the renderers.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderFlags {
    /// `--pdf-standard a-2b`: every PDF as PDF/A-2b.
    pub pdfa: bool,
    /// `--no-packs`: no `bodies/`.
    pub no_packs: bool,
    /// Render on the calling thread only: `batch` builds regions in
    /// parallel already, and more threads per region would only hold more
    /// compilations in memory at once.
    pub sequential: bool,
}

/// The files of a build and the templates' warnings (each once).
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub files: Vec<OutputFile>,
    pub warnings: Vec<Diagnostic>,
}

impl Rendered {
    pub(crate) fn warn(&mut self, warnings: impl IntoIterator<Item = Diagnostic>) {
        for w in warnings {
            if !self.warnings.contains(&w) {
                self.warnings.push(w);
            }
        }
    }
}

/// Everything `build` writes, in memory: rating.json, report.xlsx,
/// deck.pdf, the packs (unless `no_packs`) and manifest.json. The deck is
/// compiled beside the packs and the workbook (unless `sequential`).
pub fn render_all(
    report: &Report,
    set: &TemplateSet,
    fonts: &Fonts,
    flags: RenderFlags,
) -> Result<Rendered, RenderError> {
    let mut out = Rendered::default();
    out.files.push(OutputFile::new(
        RATING_JSON,
        json_bytes(RATING_JSON, &report.rating_json())?,
    ));
    let (deck, rest) = both(
        !flags.sequential,
        || deck::render(report, set, fonts, flags.pdfa),
        || -> Result<_, RenderError> {
            let packs = (!flags.no_packs)
                .then(|| packs::render(report, set, fonts, flags.pdfa, !flags.sequential))
                .transpose()?;
            let xlsx = workbook::render(report).map_err(|e| RenderError::workbook(REPORT_XLSX, e))?;
            Ok((xlsx, packs))
        },
    );
    let (deck, (xlsx, packs)) = (deck.ok_or(RenderError::Crash(DECK_PDF))??, rest?);
    out.files.push(OutputFile::new(REPORT_XLSX, xlsx));
    out.warn(deck.warnings);
    out.files.push(OutputFile::new(DECK_PDF, deck.pdf));
    if let Some(packs) = packs {
        out.warn(packs.warnings);
        out.files.extend(packs.files);
        let drafts = mail::drafts(report, &out.files)?;
        out.warn(drafts.warnings);
        out.files.extend(drafts.files);
    }
    out.files.push(manifest::manifest(&out.files)?);
    Ok(out)
}

/// Runs `a` and `b`, on two threads when `parallel`; `None` for `a` if its
/// thread panicked.
fn both<A: Send, B>(parallel: bool, a: impl FnOnce() -> A + Send, b: impl FnOnce() -> B) -> (Option<A>, B) {
    if !parallel {
        return (Some(a()), b());
    }
    std::thread::scope(|scope| {
        let handle = scope.spawn(a);
        let rb = b();
        (handle.join().ok(), rb)
    })
}
