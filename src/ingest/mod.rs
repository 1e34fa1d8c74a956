//! Ingest: the ministries' workbooks → checked values, each with the file,
//! sheet and cell it came from.

mod accept;
pub mod codes;
mod collect;
pub mod ods_scan;
pub mod period;
pub mod regions;
pub mod value;
pub mod workbook;
pub mod xls_scan;

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::diag::{Diagnostic, Location};
use crate::methodology::Methodology;
pub use accept::MAX_COUNT;
pub use collect::{MAX_ROW_DIAGNOSTICS, UNKNOWN_CODES_LISTED, collect};
pub use period::Period;
pub use workbook::{Format, Submission};

use crate::layout::SUBMISSIONS_DIR;

/// One accepted value.
#[derive(Debug, Clone, Serialize)]
pub struct Observation {
    pub code: String,
    pub value: u64,
    #[serde(flatten)]
    pub location: Location,
    /// The submitting body («Ведомство»).
    pub body: Option<String>,
    /// The «Источник» column.
    pub source: Option<String>,
    /// The «Показатель» column.
    pub name: Option<String>,
}

/// What a submission was, for the report.
#[derive(Debug, Clone, Serialize)]
pub struct SubmissionInfo {
    pub file: String,
    pub sheet: String,
    pub body: Option<String>,
    pub period: Option<String>,
    /// «Дата» as written.
    pub date: Option<String>,
    /// «Дата» understood as a date (a date cell, `05.04.2026`,
    /// `2026-04-05`, «5 апреля 2026 г.»).
    #[serde(skip)]
    pub date_ymd: Option<(i32, u8, u8)>,
    pub author: Option<String>,
    pub rows: usize,
}

/// Everything read from the submissions folder.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub submissions: Vec<SubmissionInfo>,
    /// Every accepted value, in reading order (duplicates with equal values
    /// included), for tracing figures back to cells.
    pub observations: Vec<Observation>,
    /// The value of each code (the first accepted one).
    pub values: BTreeMap<String, Observation>,
    pub region: Option<(String, Location)>,
    /// The period of the forms, its cell, and how a date written there was
    /// understood.
    pub period: Option<(Period, Location, Option<String>)>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Inputs {
    pub fn value(&self, code: &str) -> Option<u64> {
        self.values.get(code).map(|o| o.value)
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// A problem that prevents reading the folder at all.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("папка с исходными данными {} не найдена", .0.display())]
    NoInputs(PathBuf),
    #[error("не удалось прочитать {}: {}", .path.display(), crate::diag::io_reason(.source))]
    Io { path: PathBuf, source: std::io::Error },
    #[error("рейтинг регионов {}: {message}", .path.display())]
    Regions { path: PathBuf, message: String },
}

/// Lists the workbook files under `dir`, sorted, skipping lock files (`~$*`)
/// and hidden files; other files are reported as warnings, and so are
/// entries that are not regular files (pipes, sockets, devices), dangling
/// links and links that lead back into a folder already read. `seen` holds
/// the folders read (canonical paths).
fn list_workbooks(
    root: &Path,
    dir: &Path,
    seen: &mut Vec<PathBuf>,
    out: &mut Vec<(PathBuf, Format)>,
    diags: &mut Vec<Diagnostic>,
) -> Result<(), IngestError> {
    if let Ok(canon) = dir.canonicalize() {
        seen.push(canon);
    }
    let entries = std::fs::read_dir(dir).map_err(|source| IngestError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if name.starts_with("~$") || name.starts_with('.') {
            continue;
        }
        let skip = |diags: &mut Vec<Diagnostic>, why: &str| {
            diags.push(Diagnostic::warning(Some(Location::file(relative(root, &path))), why));
        };
        // Follows a link; a dangling one has no metadata.
        let Ok(meta) = std::fs::metadata(&path) else {
            skip(
                diags,
                "ссылка никуда не ведёт (файл или папка, на которые она указывает, не найдены) — пропущена",
            );
            continue;
        };
        if meta.is_dir() {
            let canon = path.canonicalize().unwrap_or_else(|_| path.clone());
            if seen.iter().any(|s| s.starts_with(&canon)) {
                skip(
                    diags,
                    "папка уже прочитана: символическая ссылка ведёт в неё повторно (цикл) — пропущена",
                );
                continue;
            }
            list_workbooks(root, &path, seen, out, diags)?;
            continue;
        }
        if !meta.is_file() {
            skip(diags, "это не обычный файл (канал, сокет или устройство) — пропущен");
            continue;
        }
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().into_owned())
            .unwrap_or_default();
        match Format::from_extension(&ext) {
            Some(f) => out.push((path, f)),
            None => {
                let lower = name.to_lowercase();
                if !(lower.starts_with("readme") || lower.ends_with(".md") || lower.ends_with(".txt")) {
                    skip(
                        diags,
                        "файл пропущен: ожидалась книга .xlsx, .xlsm, .xls, .xlsb или .ods",
                    );
                }
            }
        }
    }
    Ok(())
}

/// A path relative to the inputs folder, with `/` separators.
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    let reason = |e: std::io::Error| format!("не удалось прочитать файл: {}", crate::diag::io_reason(&e));
    let file = std::fs::File::open(path).map_err(reason)?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    if len > workbook::MAX_FILE_BYTES {
        return Err(format!(
            "файл слишком большой ({} МБ): допускается не более {} МБ",
            len / (1024 * 1024),
            workbook::MAX_FILE_BYTES / (1024 * 1024)
        ));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    file.take(workbook::MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(reason)?;
    Ok(bytes)
}

/// Reads every submission under `<inputs>/submissions` and checks it
/// against the methodology's catalogue.
pub fn read_inputs(inputs: &Path, methodology: &Methodology) -> Result<Inputs, IngestError> {
    if !inputs.is_dir() {
        return Err(IngestError::NoInputs(inputs.to_path_buf()));
    }
    read_submissions(inputs, &inputs.join(SUBMISSIONS_DIR), methodology)
}

/// Reads every submission under `dir`; paths in diagnostics are relative
/// to `inputs` (the folder `dir` is shown from).
pub fn read_submissions(inputs: &Path, dir: &Path, methodology: &Methodology) -> Result<Inputs, IngestError> {
    let dir = dir.to_path_buf();
    let mut diagnostics = Vec::new();
    let mut files = Vec::new();
    if dir.is_dir() {
        list_workbooks(inputs, &dir, &mut Vec::new(), &mut files, &mut diagnostics)?;
    }
    if files.is_empty() {
        diagnostics.push(Diagnostic::warning(
            Some(Location::file(relative(inputs, &dir))),
            "не найдено ни одной формы: ожидались книги .xlsx/.xls/.xlsb/.ods в этой папке — все компоненты без данных",
        ));
    }
    let mut submissions = Vec::new();
    let mut seen: HashMap<Vec<u8>, String> = HashMap::new();
    for (path, format) in files {
        let rel = relative(inputs, &path);
        let bytes = match read_bounded(&path) {
            Ok(b) => b,
            Err(e) => {
                diagnostics.push(Diagnostic::error(Some(Location::file(&rel)), e));
                continue;
            }
        };
        if !bytes.is_empty() {
            if let Some(first) = seen.get(&bytes) {
                diagnostics.push(Diagnostic::warning(
                    Some(Location::file(&rel)),
                    format!("файл совпадает побайтно с {first} — прислан дважды, учтён один раз"),
                ));
                continue;
            }
            seen.insert(bytes.clone(), rel.clone());
        }
        match workbook::read_submission(&rel, format, bytes) {
            Ok(s) => submissions.push(s),
            Err(d) => diagnostics.push(d),
        }
    }
    let mut inputs = collect(&submissions, methodology);
    diagnostics.append(&mut inputs.diagnostics);
    inputs.diagnostics = diagnostics;
    Ok(inputs)
}
