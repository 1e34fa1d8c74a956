//! The embedded Typst compiler: fonts, templates, in-memory data files and
//! the export to PDF.
//!
//! The module knows nothing about the deck's content. It compiles a Typst
//! project that lives entirely in memory:
//!
//! - [`Fonts`]: the vendored PT Sans / PT Sans Narrow (plus optional user
//!   font folders), loaded once and shared cheaply.
//! - [`Templates`]: virtual path → bytes (`.typ` sources, images, …), either
//!   embedded in the binary or read from a folder; a user folder can be
//!   overlaid on the embedded set.
//! - [`compile`]: compiles `main` with extra virtual data files (`data.json`,
//!   read by the template with `json("data.json")`) and exports a
//!   reproducible PDF: the timestamp comes from [`PdfOpts::date`], never from
//!   the clock, so the same input gives byte-identical output. The
//!   compiler's warnings come back with the PDF.

mod compile;
mod diagnostics;
mod files;
mod fonts;
mod world;

use std::fmt;
use std::path::PathBuf;

pub use compile::{Compiled, PdfOpts, compile, keep_memo};
pub use diagnostics::{Diagnostics, SourcePos, TemplateDiagnostic};
pub use files::Templates;
pub use fonts::Fonts;

/// Whether `path` (a file found in folder `root`) resolves inside `root`:
/// a link to a file elsewhere does not.
pub(crate) fn inside(root: &std::path::Path, path: &std::path::Path) -> Result<(), TypstError> {
    let outside = || TypstError::Outside {
        path: path.to_path_buf(),
        root: root.to_path_buf(),
    };
    let (Ok(root_c), Ok(path_c)) = (root.canonicalize(), path.canonicalize()) else {
        return Err(outside());
    };
    if path_c.starts_with(&root_c) {
        Ok(())
    } else {
        Err(outside())
    }
}

/// Errors of the embedded Typst engine. `Display` is in Russian.
#[derive(Debug, thiserror::Error)]
pub enum TypstError {
    /// The template did not compile (syntax, evaluation, layout, or a data
    /// file that failed to parse).
    #[error("{}", DisplayWith(.0, "в шаблоне"))]
    Compile(Diagnostics),
    /// The document compiled but the PDF could not be written (e.g. a PDF/A
    /// requirement is violated).
    #[error("{}", DisplayWith(.0, "не удалось записать PDF: шаблон"))]
    Export(Diagnostics),
    /// The main file is neither among the templates nor the data files.
    #[error("не найден главный файл шаблона «{main}»{}", available_list(.available))]
    MissingMain {
        /// The requested main file.
        main: String,
        /// The `.typ` files that are available.
        available: Vec<String>,
    },
    /// A virtual path is not acceptable (backslash, escapes the root, …).
    #[error("недопустимый путь «{path}» в шаблоне: {reason}")]
    InvalidPath {
        /// The path as given.
        path: String,
        /// Why it is rejected.
        reason: String,
    },
    /// The document date in [`PdfOpts`] is not a calendar date.
    #[error("недопустимая дата документа: {year:04}-{month:02}-{day:02}")]
    InvalidDate { year: i32, month: u8, day: u8 },
    /// The requested PDF standard could not be configured.
    #[error("не удалось настроить стандарт PDF: {0}")]
    PdfStandard(String),
    /// A font file could not be read or is not a font.
    #[error("не удалось загрузить шрифт {}: {message}", .path.display())]
    Font { path: PathBuf, message: String },
    /// A font folder could not be read.
    #[error("не удалось прочитать папку шрифтов {}: {}", .path.display(), crate::diag::io_reason(.source))]
    FontDir { path: PathBuf, source: std::io::Error },
    /// A file of a template or font folder is a link that leads outside
    /// the folder.
    #[error(
        "{} — символическая ссылка ведёт за пределы папки {}: такие файлы не читаются (скопируйте файл в папку)",
        .path.display(),
        .root.display()
    )]
    Outside { path: PathBuf, root: PathBuf },
    /// A template folder or file could not be read.
    #[error("не удалось прочитать шаблоны {}: {}", .path.display(), crate::diag::io_reason(.source))]
    TemplateDir { path: PathBuf, source: std::io::Error },
}

impl TypstError {
    /// Whether the error is in a template (as opposed to reading fonts or
    /// template folders).
    pub fn is_template_error(&self) -> bool {
        !matches!(
            self,
            TypstError::Font { .. }
                | TypstError::FontDir { .. }
                | TypstError::TemplateDir { .. }
                | TypstError::Outside { .. }
        )
    }
}

struct DisplayWith<'a>(&'a Diagnostics, &'static str);

impl fmt::Display for DisplayWith<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt_with_prefix(f, self.1)
    }
}

fn available_list(available: &[String]) -> String {
    if available.is_empty() {
        " (шаблонов .typ нет вовсе)".to_string()
    } else {
        format!(" (есть: {})", available.join(", "))
    }
}
