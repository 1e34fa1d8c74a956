//! Встроенный компилятор Typst: шрифты, шаблоны, виртуальные файлы данных и
//! экспорт в PDF.
//!
//! The module knows nothing about the deck's content. It compiles a Typst
//! project that lives entirely in memory:
//!
//! - [`Fonts`]: the vendored PT Sans / PT Sans Narrow (plus optional user
//!   font directories), loaded once and shared cheaply (`Arc` inside).
//! - [`Templates`]: virtual path → bytes (`.typ` sources, images, …), either
//!   embedded in the binary or read from a directory; a user directory can be
//!   overlaid on the embedded set.
//! - [`compile_pdf`]: compiles `main` with extra virtual data files (e.g.
//!   `data.json`, read by the template with `json("data.json")`) and exports
//!   a reproducible PDF: the timestamp comes from [`PdfOpts::date`], never
//!   from the clock, so the same input gives byte-identical output.
//!
//! Nothing is ever downloaded: `@preview/…` imports fail with a clear error.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use typst::diag::{FileError, FileResult, PackageError, Severity, SourceDiagnostic, Tracepoint};
use typst::foundations::{Bytes, Datetime, Duration, Smart};
use typst::syntax::{DiagSpan, DiagSpanKind, FileId, Lines, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_kit::files::{FileLoader, FileStore};
use typst_kit::fonts::FontStore;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

/// The vendored fonts (ParaType Free Font License, see
/// `templates/fonts/LICENSE-ParaType.txt`).
const EMBEDDED_FONTS: &[(&str, &[u8])] = &[
    (
        "PTSans-Regular.ttf",
        include_bytes!("../../templates/fonts/PTSans-Regular.ttf"),
    ),
    (
        "PTSans-Bold.ttf",
        include_bytes!("../../templates/fonts/PTSans-Bold.ttf"),
    ),
    (
        "PTSans-Italic.ttf",
        include_bytes!("../../templates/fonts/PTSans-Italic.ttf"),
    ),
    (
        "PTSans-BoldItalic.ttf",
        include_bytes!("../../templates/fonts/PTSans-BoldItalic.ttf"),
    ),
    (
        "PTSansNarrow-Regular.ttf",
        include_bytes!("../../templates/fonts/PTSansNarrow-Regular.ttf"),
    ),
    (
        "PTSansNarrow-Bold.ttf",
        include_bytes!("../../templates/fonts/PTSansNarrow-Bold.ttf"),
    ),
];

/// File extensions treated as fonts (case-insensitive).
const FONT_EXTENSIONS: &[&str] = &["ttf", "otf", "ttc", "otc"];

/// Hint attached to the error of any `@preview/…` (or other package) import.
const PACKAGES_UNSUPPORTED: &str = "пакеты Typst Universe не поддерживаются";

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// A position in a template or data file (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcePos {
    /// Virtual path, e.g. `deck.typ` or `data.json`.
    pub file: String,
    /// 1-based line, if the position could be resolved.
    pub line: Option<usize>,
    /// 1-based column (in characters), if the position could be resolved.
    pub column: Option<usize>,
}

impl fmt::Display for SourcePos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(col)) => write!(f, "{}:{line}:{col}", self.file),
            (Some(line), None) => write!(f, "{}:{line}", self.file),
            _ => f.write_str(&self.file),
        }
    }
}

/// One diagnostic (error or warning) from the Typst compiler or PDF export,
/// with its position already resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateDiagnostic {
    /// `true` for an error, `false` for a warning.
    pub is_error: bool,
    /// Where it happened, if the diagnostic points into a file.
    pub pos: Option<SourcePos>,
    /// The compiler's message (Typst's own text, in English).
    pub message: String,
    /// Hints, each possibly with its own position.
    pub hints: Vec<(Option<SourcePos>, String)>,
    /// Call trace, innermost first (already translated).
    pub trace: Vec<(Option<SourcePos>, String)>,
}

impl TemplateDiagnostic {
    fn write_with_prefix(&self, f: &mut fmt::Formatter<'_>, prefix: &str) -> fmt::Result {
        match &self.pos {
            Some(pos) => write!(f, "{prefix} {pos}: {}", self.message)?,
            None => write!(f, "{prefix}: {}", self.message)?,
        }
        for (pos, hint) in &self.hints {
            match pos {
                Some(pos) => write!(f, "\n  подсказка ({pos}): {hint}")?,
                None => write!(f, "\n  подсказка: {hint}")?,
            }
        }
        for (pos, point) in &self.trace {
            match pos {
                Some(pos) => write!(f, "\n  {point} ({pos})")?,
                None => write!(f, "\n  {point}")?,
            }
        }
        Ok(())
    }
}

impl fmt::Display for TemplateDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = if self.is_error {
            "Ошибка в шаблоне"
        } else {
            "Предупреждение в шаблоне"
        };
        self.write_with_prefix(f, prefix)
    }
}

/// A list of diagnostics, displayed one per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<TemplateDiagnostic>);

impl Diagnostics {
    fn fmt_with_prefix(&self, f: &mut fmt::Formatter<'_>, prefix: &str) -> fmt::Result {
        for (i, diag) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            diag.write_with_prefix(f, prefix)?;
        }
        if self.0.is_empty() {
            write!(f, "{prefix}: неизвестная ошибка")?;
        }
        Ok(())
    }
}

/// Errors of the embedded Typst engine. `Display` is in Russian.
#[derive(Debug, thiserror::Error)]
pub enum TypstError {
    /// The template did not compile (syntax, evaluation, layout, or a data
    /// file that failed to parse).
    #[error("{}", DisplayCompile(.0))]
    Compile(Diagnostics),
    /// The document compiled but the PDF could not be written (e.g. a PDF/A
    /// requirement is violated).
    #[error("{}", DisplayExport(.0))]
    Export(Diagnostics),
    /// The main file is neither among the templates nor the data files.
    #[error(
        "Не найден главный файл шаблона «{main}»{}",
        available_list(.available)
    )]
    MissingMain {
        /// The requested main file.
        main: String,
        /// The `.typ` files that are available.
        available: Vec<String>,
    },
    /// A virtual path is not acceptable (backslash, escapes the root, …).
    #[error("Недопустимый путь «{path}» в шаблоне: {reason}")]
    InvalidPath {
        /// The path as given.
        path: String,
        /// Why it is rejected.
        reason: String,
    },
    /// The document date in [`PdfOpts`] is not a calendar date.
    #[error("Недопустимая дата документа: {year:04}-{month:02}-{day:02}")]
    InvalidDate {
        /// Year.
        year: i32,
        /// Month.
        month: u8,
        /// Day.
        day: u8,
    },
    /// The requested PDF standard could not be configured.
    #[error("Не удалось настроить стандарт PDF: {0}")]
    PdfStandard(String),
    /// A font file could not be read or is not a font.
    #[error("Не удалось загрузить шрифт {}: {message}", .path.display())]
    Font {
        /// The font file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A font directory could not be read.
    #[error("Не удалось прочитать каталог шрифтов {}: {source}", .path.display())]
    FontDir {
        /// The directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A template directory or file could not be read.
    #[error("Не удалось прочитать шаблоны {}: {source}", .path.display())]
    TemplateDir {
        /// The directory or file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

struct DisplayCompile<'a>(&'a Diagnostics);

impl fmt::Display for DisplayCompile<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt_with_prefix(f, "Ошибка в шаблоне")
    }
}

struct DisplayExport<'a>(&'a Diagnostics);

impl fmt::Display for DisplayExport<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt_with_prefix(f, "Ошибка при записи PDF")
    }
}

fn available_list(available: &[String]) -> String {
    if available.is_empty() {
        " (шаблонов .typ нет вовсе)".to_string()
    } else {
        format!(" (есть: {})", available.join(", "))
    }
}

// ---------------------------------------------------------------------------
// Fonts
// ---------------------------------------------------------------------------

/// A font book with its fonts, built once and shared (cheap `Clone`,
/// `Send + Sync`).
#[derive(Clone)]
pub struct Fonts {
    store: Arc<FontStore>,
}

impl fmt::Debug for Fonts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Fonts").field("families", &self.families()).finish()
    }
}

impl Fonts {
    /// Only the vendored fonts: PT Sans (regular, bold, italic, bold italic)
    /// and PT Sans Narrow (regular, bold).
    ///
    /// Typst files PT Sans Narrow under the family "PT Sans" with a condensed
    /// width, so templates select it with `text(font: "PT Sans", stretch:
    /// 75%)`; `font: "PT Sans Narrow"` is an unknown family.
    pub fn embedded() -> Fonts {
        let mut store = FontStore::new();
        push_embedded(&mut store);
        Fonts { store: Arc::new(store) }
    }

    /// The vendored fonts plus every `.ttf`/`.otf`/`.ttc`/`.otc` file found
    /// (recursively) in `dirs`. Fonts from the directories come first, so a
    /// user's face of the same family and style wins over the vendored one.
    pub fn with_dirs(dirs: &[PathBuf]) -> Result<Fonts, TypstError> {
        let mut store = FontStore::new();
        for dir in dirs {
            let mut files = Vec::new();
            collect_font_files(dir, &mut files)?;
            files.sort();
            for path in files {
                let data = fs::read(&path).map_err(|err| TypstError::Font {
                    path: path.clone(),
                    message: err.to_string(),
                })?;
                let added = push_font_data(&mut store, Bytes::new(data));
                if added == 0 {
                    return Err(TypstError::Font {
                        path,
                        message: "файл не распознан как шрифт".to_string(),
                    });
                }
            }
        }
        push_embedded(&mut store);
        Ok(Fonts { store: Arc::new(store) })
    }

    /// Number of font faces.
    pub fn face_count(&self) -> usize {
        let mut n = 0;
        while self.store.book().info(n).is_some() {
            n += 1;
        }
        n
    }

    /// Font family names as Typst sees them, in book order. Note that Typst
    /// strips width words: PT Sans Narrow is the family "PT Sans" with
    /// `stretch: 75%`.
    pub fn families(&self) -> Vec<String> {
        self.store.book().families().map(|(name, _)| name.to_string()).collect()
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.store.book()
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.store.font(index)
    }
}

fn push_embedded(store: &mut FontStore) {
    for (_, data) in EMBEDDED_FONTS {
        push_font_data(store, Bytes::new(*data));
    }
}

/// Adds every face in `data`; returns how many were added.
fn push_font_data(store: &mut FontStore, data: Bytes) -> usize {
    let mut added = 0;
    for font in Font::iter(data) {
        let info = font.info().clone();
        store.push((font, info));
        added += 1;
    }
    added
}

fn collect_font_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), TypstError> {
    let io_err = |source| TypstError::FontDir {
        path: dir.to_path_buf(),
        source,
    };
    for entry in fs::read_dir(dir).map_err(io_err)? {
        let entry = entry.map_err(io_err)?;
        let path = entry.path();
        let file_type = entry.file_type().map_err(io_err)?;
        if file_type.is_dir() {
            collect_font_files(&path, out)?;
        } else if is_font_file(&path) && fs::metadata(&path).is_ok_and(|m| m.is_file()) {
            out.push(path);
        }
    }
    Ok(())
}

fn is_font_file(path: &Path) -> bool {
    path.extension()
        .and_then(|ext| ext.to_str())
        .is_some_and(|ext| FONT_EXTENSIONS.iter().any(|f| ext.eq_ignore_ascii_case(f)))
}

// ---------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------

/// Virtual file path (relative to the project root, `/`-separated) → bytes.
#[derive(Clone, Default)]
pub struct Templates {
    files: BTreeMap<String, Bytes>,
}

impl fmt::Debug for Templates {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Templates")
            .field("files", &self.files.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Templates {
    /// An empty set.
    pub fn new() -> Templates {
        Templates::default()
    }

    /// From files compiled into the binary, e.g.
    /// `&[("deck.typ", include_bytes!("../../templates/deck.typ"))]`.
    /// Paths are normalised (`./a.typ` and `/a.typ` are `a.typ`).
    pub fn from_embedded(files: &[(&str, &[u8])]) -> Templates {
        let mut templates = Templates::new();
        for (path, data) in files {
            templates
                .files
                .insert(normalize_lenient(path), Bytes::new(data.to_vec()));
        }
        templates
    }

    /// Reads every file under `dir` (recursively). Hidden entries (names
    /// starting with `.`) and font files (`.ttf`, `.otf`, … — load those with
    /// [`Fonts::with_dirs`]) are skipped; symlinked directories are not
    /// followed.
    pub fn from_dir(dir: &Path) -> Result<Templates, TypstError> {
        let mut templates = Templates::new();
        read_template_dir(dir, "", &mut templates)?;
        Ok(templates)
    }

    /// Adds or replaces one file.
    pub fn insert(&mut self, path: &str, data: Vec<u8>) -> Result<(), TypstError> {
        let key = normalize_strict(path)?;
        self.files.insert(key, Bytes::new(data));
        Ok(())
    }

    /// Puts `upper` on top of `self`: files of `upper` replace files with the
    /// same path (user directory over embedded templates).
    pub fn overlay(&mut self, upper: &Templates) {
        for (path, data) in &upper.files {
            self.files.insert(path.clone(), data.clone());
        }
    }

    /// Like [`Templates::overlay`], by value.
    pub fn overlaid_with(mut self, upper: &Templates) -> Templates {
        self.overlay(upper);
        self
    }

    /// The bytes of one file.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files.get(&normalize_lenient(path)).map(|b| b.as_slice())
    }

    /// Whether a file exists.
    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(&normalize_lenient(path))
    }

    /// All virtual paths, sorted.
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.files.keys().map(String::as_str)
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there are no files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

fn read_template_dir(dir: &Path, prefix: &str, out: &mut Templates) -> Result<(), TypstError> {
    let io_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| TypstError::TemplateDir { path, source }
    };
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_err(dir))? {
        entries.push(entry.map_err(io_err(dir))?);
    }
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            // A non-UTF-8 name can't be addressed from Typst anyway.
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let virt = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        let file_type = entry.file_type().map_err(io_err(&path))?;
        if file_type.is_dir() {
            read_template_dir(&path, &virt, out)?;
        } else if !is_font_file(&path) {
            if file_type.is_symlink() && !fs::metadata(&path).is_ok_and(|m| m.is_file()) {
                continue;
            }
            let data = fs::read(&path).map_err(io_err(&path))?;
            // `virt` is built from plain segments; a name with a backslash
            // can't be addressed from Typst, so skip it.
            if let Ok(key) = normalize_strict(&virt) {
                out.files.insert(key, Bytes::new(data));
            }
        }
    }
    Ok(())
}

/// Normalises a virtual path to the form used as a key (`a/b.typ`).
fn normalize_strict(path: &str) -> Result<String, TypstError> {
    VirtualPath::new(path)
        .map(|v| v.get_without_slash().to_string())
        .map_err(|err| TypstError::InvalidPath {
            path: path.to_string(),
            reason: match err {
                typst::syntax::PathError::Escapes => "путь выходит за корень проекта".into(),
                typst::syntax::PathError::Backslash => "обратная косая черта; используйте «/»".into(),
            },
        })
}

fn normalize_lenient(path: &str) -> String {
    let unified = path.replace('\\', "/");
    normalize_strict(&unified).unwrap_or(unified)
}

// ---------------------------------------------------------------------------
// Compilation
// ---------------------------------------------------------------------------

/// PDF export options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfOpts {
    /// Title used only when the template doesn't `set document(title: ..)`.
    pub title: String,
    /// Author used only when the template doesn't `set document(author: ..)`.
    pub author: String,
    /// The document date (year, month, day): PDF timestamp and
    /// `datetime.today()`. Fixed input, never the clock.
    pub date: (i32, u8, u8),
    /// Produce PDF/A-2b.
    pub pdfa: bool,
    /// Stable document identifier (hashed into the PDF's /ID). Empty: derived
    /// from title and author.
    pub ident: String,
}

/// A finished PDF with the compiler's warnings.
#[derive(Debug, Clone)]
pub struct PdfOutput {
    /// The PDF bytes.
    pub pdf: Vec<u8>,
    /// Warnings (e.g. an unknown font family); never fatal.
    pub warnings: Vec<TemplateDiagnostic>,
}

/// Compiles `main` (a path among `templates` or `data`) to PDF.
///
/// `data` are extra virtual files that take precedence over templates of the
/// same path (e.g. `("data.json", bytes)`, read with `json("data.json")`).
pub fn compile_pdf(
    fonts: &Fonts,
    templates: &Templates,
    main: &str,
    data: &[(&str, Vec<u8>)],
    opts: &PdfOpts,
) -> Result<Vec<u8>, TypstError> {
    compile_pdf_with_warnings(fonts, templates, main, data, opts).map(|out| out.pdf)
}

/// Like [`compile_pdf`], but also returns the warnings.
pub fn compile_pdf_with_warnings(
    fonts: &Fonts,
    templates: &Templates,
    main: &str,
    data: &[(&str, Vec<u8>)],
    opts: &PdfOpts,
) -> Result<PdfOutput, TypstError> {
    let result = compile_inner(fonts, templates, main, data, opts);
    // Keep memoised work of recent compiles only; long-running modes
    // (watch, batch) would otherwise grow without bound.
    typst::comemo::evict(10);
    result
}

fn compile_inner(
    fonts: &Fonts,
    templates: &Templates,
    main: &str,
    data: &[(&str, Vec<u8>)],
    opts: &PdfOpts,
) -> Result<PdfOutput, TypstError> {
    let (year, month, day) = opts.date;
    let bad_date = || TypstError::InvalidDate { year, month, day };
    let today = Datetime::from_ymd(year, month, day).ok_or_else(bad_date)?;
    let stamp = Datetime::from_ymd_hms(year, month, day, 0, 0, 0).ok_or_else(bad_date)?;

    let mut data_files = HashMap::new();
    for (path, bytes) in data {
        data_files.insert(normalize_strict(path)?, Bytes::new(bytes.clone()));
    }

    let main_key = normalize_strict(main)?;
    if !data_files.contains_key(&main_key) && !templates.files.contains_key(&main_key) {
        return Err(TypstError::MissingMain {
            main: main.to_string(),
            available: templates
                .paths()
                .filter(|p| p.ends_with(".typ"))
                .map(str::to_owned)
                .collect(),
        });
    }
    let main_id = project_id(&main_key)?;

    let world = EngineWorld {
        library: library(),
        fonts,
        main: main_id,
        files: FileStore::new(MemoryLoader {
            templates,
            data: data_files,
        }),
        today,
    };

    let warned = typst::compile::<PagedDocument>(&world);
    let warnings: Vec<TemplateDiagnostic> = warned.warnings.iter().map(|d| convert(&world, d)).collect();
    let mut document = match warned.output {
        Ok(doc) => doc,
        Err(errors) => {
            return Err(TypstError::Compile(Diagnostics(
                errors.iter().map(|d| convert(&world, d)).collect(),
            )));
        }
    };

    let info = document.info_mut();
    if info.title.is_none() && !opts.title.is_empty() {
        info.title = Some(opts.title.as_str().into());
    }
    if info.author.is_empty() && !opts.author.is_empty() {
        info.author = vec![opts.author.as_str().into()];
    }
    // The timestamp always comes from `opts.date`, even if the template sets
    // `document(date: ..)`, so that the caller controls reproducibility.
    info.date = Smart::Auto;

    let standards = if opts.pdfa {
        PdfStandards::new(&[PdfStandard::A_2b])
    } else {
        PdfStandards::new(&[])
    }
    .map_err(|err| TypstError::PdfStandard(err.message().to_string()))?;

    let options = PdfOptions {
        ident: if opts.ident.is_empty() {
            Smart::Auto
        } else {
            Smart::Custom(opts.ident.clone())
        },
        timestamp: Some(Timestamp::new_utc(stamp)),
        standards,
        ..PdfOptions::default()
    };

    let pdf = typst_pdf::pdf(&document, &options)
        .map_err(|errors| TypstError::Export(Diagnostics(errors.iter().map(|d| convert(&world, d)).collect())))?;
    Ok(PdfOutput { pdf, warnings })
}

/// The standard library, built once per process.
fn library() -> &'static LazyHash<Library> {
    static LIBRARY: OnceLock<LazyHash<Library>> = OnceLock::new();
    LIBRARY.get_or_init(|| LazyHash::new(Library::default()))
}

/// A file id in the project root. Ids are interned process-wide (at most
/// 2^16), so only fixed template/data paths should go through here.
fn project_id(path: &str) -> Result<FileId, TypstError> {
    let vpath = VirtualPath::new(path).map_err(|err| TypstError::InvalidPath {
        path: path.to_string(),
        reason: err.to_string(),
    })?;
    Ok(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

/// Serves templates and data files from memory; refuses packages.
struct MemoryLoader<'a> {
    templates: &'a Templates,
    data: HashMap<String, Bytes>,
}

impl FileLoader for MemoryLoader<'_> {
    fn load(&self, id: FileId) -> FileResult<Bytes> {
        match id.root() {
            VirtualRoot::Package(spec) => Err(FileError::Package(PackageError::Other(Some(typst::ecow::eco_format!(
                "{spec}: {PACKAGES_UNSUPPORTED}, программа работает без сети"
            ))))),
            VirtualRoot::Project => {
                let path = id.vpath().get_without_slash();
                self.data
                    .get(path)
                    .or_else(|| self.templates.files.get(path))
                    .cloned()
                    .ok_or_else(|| FileError::NotFound(PathBuf::from(path)))
            }
        }
    }
}

struct EngineWorld<'a> {
    library: &'static LazyHash<Library>,
    fonts: &'a Fonts,
    main: FileId,
    files: FileStore<MemoryLoader<'a>>,
    today: Datetime,
}

impl World for EngineWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        self.fonts.book()
    }

    fn main(&self) -> FileId {
        self.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        self.files.source(id)
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        self.files.file(id)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.font(index)
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

// ---------------------------------------------------------------------------
// Diagnostics
// ---------------------------------------------------------------------------

fn convert(world: &EngineWorld<'_>, diag: &SourceDiagnostic) -> TemplateDiagnostic {
    let mut hints: Vec<(Option<SourcePos>, String)> = diag
        .hints
        .iter()
        .map(|h| (locate(world, h.span), h.v.to_string()))
        .collect();
    if diag.message.contains(PACKAGES_UNSUPPORTED) {
        hints.push((
            None,
            "скопируйте нужный код в каталог шаблонов и импортируйте его по \
             относительному пути"
                .to_string(),
        ));
    }
    TemplateDiagnostic {
        is_error: diag.severity == Severity::Error,
        pos: locate(world, diag.span),
        message: diag.message.to_string(),
        hints,
        trace: diag
            .trace
            .iter()
            .map(|t| (locate(world, t.span.into()), translate_trace(&t.v)))
            .collect(),
    }
}

fn translate_trace(point: &Tracepoint) -> String {
    match point {
        Tracepoint::Call(Some(name)) => format!("при вызове `{name}`"),
        Tracepoint::Call(None) => "при вызове функции".to_string(),
        Tracepoint::Show(name) => format!("при отображении элемента {name}"),
        Tracepoint::Import(name) => format!("при импорте `{name}`"),
        Tracepoint::Include(name) => format!("при включении `{name}`"),
    }
}

fn display_path(id: FileId) -> String {
    match id.root() {
        VirtualRoot::Project => id.vpath().get_without_slash().to_string(),
        VirtualRoot::Package(spec) => format!("{spec}/{}", id.vpath().get_without_slash()),
    }
}

/// Resolves a span to file:line:column (1-based).
fn locate(world: &EngineWorld<'_>, span: DiagSpan) -> Option<SourcePos> {
    let id = span.id()?;
    let mut pos = SourcePos {
        file: display_path(id),
        line: None,
        column: None,
    };
    let line_col = world.range(span).and_then(|range| match span.get() {
        DiagSpanKind::Detached => None,
        DiagSpanKind::Number { .. } => world.source(id).ok()?.lines().byte_to_line_column(range.start),
        DiagSpanKind::Range { .. } => {
            let bytes = world.file(id).ok()?;
            let text = std::str::from_utf8(bytes.as_slice()).ok()?;
            Lines::new(text).byte_to_line_column(range.start)
        }
    });
    if let Some((line, col)) = line_col {
        pos.line = Some(line + 1);
        pos.column = Some(col + 1);
    }
    Some(pos)
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    const DECK: &str = r#"#let d = json("data.json")
#set document(title: d.title, author: "Тест")
#set page(width: 200mm, height: 120mm, margin: 10mm)
#set text(font: "PT Sans", lang: "ru", size: 14pt)
= #d.title
Привет, мир! Дата: #datetime.today().display("[day].[month].[year]")

#text(stretch: 75%)[Узкий шрифт: #d.regions.join(", ")]

*Жирный* и _курсив_.
"#;

    const DATA: &str = r#"{"title": "Рейтинг внедрения", "regions": ["Тверская область", "Якутия"]}"#;

    fn opts(pdfa: bool) -> PdfOpts {
        PdfOpts {
            title: "Рейтинг".into(),
            author: "Автор".into(),
            date: (2025, 3, 14),
            pdfa,
            ident: "max-rating-test".into(),
        }
    }

    fn templates() -> Templates {
        Templates::from_embedded(&[("deck.typ", DECK.as_bytes())])
    }

    fn data() -> Vec<(&'static str, Vec<u8>)> {
        vec![("data.json", DATA.as_bytes().to_vec())]
    }

    fn text_of(pdf: &[u8]) -> String {
        let text = pdf_extract::extract_text_from_mem(pdf).expect("pdf text");
        // Normalise whitespace so that line breaks don't matter.
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn fonts_are_embedded() {
        let fonts = Fonts::embedded();
        // Typst folds "PT Sans Narrow" into the family "PT Sans" (stretch 75%).
        assert_eq!(fonts.families(), ["PT Sans"]);
        assert_eq!(fonts.face_count(), 6);
        let book = fonts.book();
        let narrow = (0..fonts.face_count())
            .filter_map(|i| book.info(i))
            .filter(|info| info.variant.stretch.to_ratio().get() < 0.8)
            .count();
        assert_eq!(narrow, 2, "PT Sans Narrow regular and bold");
        fn send_sync<T: Send + Sync + Clone>() {}
        send_sync::<Fonts>();
        send_sync::<Templates>();
    }

    #[test]
    fn compiles_cyrillic_deterministically() {
        let fonts = Fonts::embedded();
        let start = std::time::Instant::now();
        let out = compile_pdf_with_warnings(&fonts, &templates(), "deck.typ", &data(), &opts(false))
            .unwrap_or_else(|e| panic!("{e}"));
        let first = start.elapsed();
        assert!(out.pdf.starts_with(b"%PDF"));
        assert!(out.warnings.is_empty(), "{:?}", out.warnings);

        let start = std::time::Instant::now();
        let again =
            compile_pdf(&fonts, &templates(), "deck.typ", &data(), &opts(false)).unwrap_or_else(|e| panic!("{e}"));
        let second = start.elapsed();
        eprintln!("compile: first {first:?}, second {second:?}");
        assert_eq!(out.pdf, again, "two compiles must give identical bytes");

        let text = text_of(&out.pdf);
        for needle in [
            "Рейтинг внедрения",
            "Привет, мир!",
            "14.03.2025",
            "Узкий шрифт: Тверская область, Якутия",
            "Жирный",
            "курсив",
        ] {
            assert!(text.contains(needle), "{needle:?} not in {text:?}");
        }
        // Title from the template, date from opts, never from the clock.
        let raw = String::from_utf8_lossy(&out.pdf);
        assert!(raw.contains("2025-03-14") || raw.contains("D:20250314"), "no date");
    }

    #[test]
    fn both_pt_fonts_are_used() {
        let fonts = Fonts::embedded();
        let pdf =
            compile_pdf(&fonts, &templates(), "deck.typ", &data(), &opts(false)).unwrap_or_else(|e| panic!("{e}"));
        let raw = String::from_utf8_lossy(&pdf);
        assert!(raw.contains("PTSans-Regular"), "PT Sans not embedded");
        assert!(raw.contains("PTSans-Narrow"), "PT Sans Narrow not embedded");
        assert!(raw.contains("PTSans-Bold"), "PT Sans Bold not embedded");
        assert!(raw.contains("PTSans-Italic"), "PT Sans Italic not embedded");
    }

    #[test]
    fn different_date_changes_only_by_input() {
        let fonts = Fonts::embedded();
        let mut other = opts(false);
        other.date = (2024, 12, 31);
        let a = compile_pdf(&fonts, &templates(), "deck.typ", &data(), &opts(false)).unwrap();
        let b = compile_pdf(&fonts, &templates(), "deck.typ", &data(), &other).unwrap();
        assert_ne!(a, b);
        assert!(text_of(&b).contains("31.12.2024"));
    }

    #[test]
    fn broken_template_names_file_line_column() {
        let fonts = Fonts::embedded();
        let broken = "= Заголовок\n\nТекст\n#let x = 1\nещё #foo и всё\n";
        let templates = Templates::from_embedded(&[("deck.typ", broken.as_bytes())]);
        let err = compile_pdf(&fonts, &templates, "deck.typ", &[], &opts(false)).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, TypstError::Compile(_)), "{err:?}");
        assert!(
            msg.starts_with("Ошибка в шаблоне deck.typ:5:6: unknown variable: foo"),
            "{msg}"
        );
    }

    #[test]
    fn error_in_imported_module_and_data() {
        let fonts = Fonts::embedded();
        let main = "#import \"lib/util.typ\": f\n#f()\n";
        let util = "#let f() = {\n  let y = 1 + \"a\"\n  y\n}\n";
        let templates = Templates::from_embedded(&[("deck.typ", main.as_bytes()), ("lib/util.typ", util.as_bytes())]);
        let err = compile_pdf(&fonts, &templates, "deck.typ", &[], &opts(false)).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("Ошибка в шаблоне lib/util.typ:2:11:"), "{msg}");
        assert!(msg.contains("deck.typ:2:2"), "{msg}");

        // A JSON syntax error points into data.json.
        let templates = Templates::from_embedded(&[("deck.typ", b"#json(\"data.json\")")]);
        let bad = vec![("data.json", b"{\n  \"a\": 1,\n  oops\n}".to_vec())];
        let err = compile_pdf(&fonts, &templates, "deck.typ", &bad, &opts(false)).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("data.json:3:"), "{msg}");
    }

    #[test]
    fn missing_main_and_packages() {
        let fonts = Fonts::embedded();
        let err = compile_pdf(&fonts, &templates(), "other.typ", &[], &opts(false)).unwrap_err();
        assert!(matches!(err, TypstError::MissingMain { .. }));
        assert_eq!(
            err.to_string(),
            "Не найден главный файл шаблона «other.typ» (есть: deck.typ)"
        );

        let pkg =
            Templates::from_embedded(&[("deck.typ", "#import \"@preview/cetz:0.3.4\": canvas\nТекст".as_bytes())]);
        let err = compile_pdf(&fonts, &pkg, "deck.typ", &[], &opts(false)).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("пакеты Typst Universe не поддерживаются"), "{msg}");
        assert!(msg.contains("deck.typ:1:9"), "{msg}");

        let err = compile_pdf(&fonts, &templates(), "../deck.typ", &[], &opts(false)).unwrap_err();
        assert!(matches!(err, TypstError::InvalidPath { .. }), "{err:?}");

        let mut bad_date = opts(false);
        bad_date.date = (2025, 2, 30);
        let err = compile_pdf(&fonts, &templates(), "deck.typ", &data(), &bad_date).unwrap_err();
        assert!(matches!(err, TypstError::InvalidDate { .. }), "{err:?}");
    }

    #[test]
    fn pdfa_2b() {
        let fonts = Fonts::embedded();
        let a = compile_pdf(&fonts, &templates(), "deck.typ", &data(), &opts(true)).unwrap_or_else(|e| panic!("{e}"));
        let b = compile_pdf(&fonts, &templates(), "deck.typ", &data(), &opts(true)).unwrap();
        assert_eq!(a, b);
        let raw = String::from_utf8_lossy(&a);
        assert!(raw.contains("pdfaid:part"), "no PDF/A identification");
        assert!(raw.contains("OutputIntent"), "no output intent");
        assert!(text_of(&a).contains("Привет, мир!"));
    }

    #[test]
    fn title_and_author_fallback() {
        let fonts = Fonts::embedded();
        let plain = Templates::from_embedded(&[("deck.typ", "#set text(font: \"PT Sans\")\nБез заголовка".as_bytes())]);
        let pdf = compile_pdf(&fonts, &plain, "deck.typ", &[], &opts(true)).unwrap();
        let raw = String::from_utf8_lossy(&pdf);
        // XMP metadata is plain UTF-8 text.
        assert!(raw.contains("Рейтинг"), "title fallback missing");
        assert!(raw.contains("Автор"), "author fallback missing");
    }

    #[test]
    fn templates_overlay_and_dir() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("parts")).unwrap();
        fs::create_dir_all(dir.path().join(".git")).unwrap();
        fs::write(dir.path().join("deck.typ"), "#include \"parts/p.typ\"").unwrap();
        fs::write(
            dir.path().join("parts/p.typ"),
            "#set text(font: \"PT Sans\")\nИз каталога",
        )
        .unwrap();
        fs::write(dir.path().join(".git/HEAD"), "x").unwrap();
        let user = Templates::from_dir(dir.path()).unwrap();
        assert_eq!(user.paths().collect::<Vec<_>>(), ["deck.typ", "parts/p.typ"]);

        let embedded = Templates::from_embedded(&[("deck.typ", b"embedded"), ("./extra.typ", b"x")]);
        let merged = embedded.overlaid_with(&user);
        assert_eq!(merged.len(), 3);
        assert!(merged.contains("extra.typ"));
        assert_eq!(merged.get("deck.typ"), Some(&b"#include \"parts/p.typ\""[..]));

        let fonts = Fonts::embedded();
        let pdf = compile_pdf(&fonts, &merged, "deck.typ", &[], &opts(false)).unwrap();
        assert!(text_of(&pdf).contains("Из каталога"));

        let missing = Templates::from_dir(&dir.path().join("nope")).unwrap_err();
        assert!(missing.to_string().starts_with("Не удалось прочитать шаблоны"));
    }

    #[test]
    fn fonts_from_dirs() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(
            dir.path().join("Narrow.TTF"),
            include_bytes!("../../templates/fonts/PTSansNarrow-Regular.ttf"),
        )
        .unwrap();
        let fonts = Fonts::with_dirs(&[dir.path().to_path_buf()]).unwrap();
        assert_eq!(fonts.face_count(), 7);
        // The user's face comes first, so it wins a tie with the vendored one.
        let first = fonts.book().info(0).map(|i| i.variant.stretch.to_ratio().get());
        assert_eq!(first, Some(0.75));

        fs::write(dir.path().join("broken.otf"), b"not a font").unwrap();
        let err = Fonts::with_dirs(&[dir.path().to_path_buf()]).unwrap_err();
        assert!(matches!(err, TypstError::Font { .. }), "{err:?}");
        let err = Fonts::with_dirs(&[dir.path().join("none")]).unwrap_err();
        assert!(matches!(err, TypstError::FontDir { .. }), "{err:?}");
    }
}
