//! Ingest: the ministries' workbooks → checked values, each with the file,
//! sheet and cell it came from.

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

use crate::diag::{Diagnostic, Location, quoted};
use crate::methodology::{IndicatorKind, Methodology};
pub use period::Period;
use value::{CellValue, Decimal};
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
    pub date: Option<String>,
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
    pub period: Option<(Period, Location)>,
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
/// and hidden files; other files are reported as warnings.
fn list_workbooks(
    root: &Path,
    dir: &Path,
    out: &mut Vec<(PathBuf, Format)>,
    diags: &mut Vec<Diagnostic>,
) -> Result<(), IngestError> {
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
        if path.is_dir() {
            list_workbooks(root, &path, out, diags)?;
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
                    diags.push(Diagnostic::warning(
                        Some(Location::file(relative(root, &path))),
                        "файл пропущен: ожидалась книга .xlsx, .xlsm, .xls, .xlsb или .ods",
                    ));
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
    let dir = inputs.join(SUBMISSIONS_DIR);
    let mut diagnostics = Vec::new();
    let mut files = Vec::new();
    if dir.is_dir() {
        list_workbooks(inputs, &dir, &mut files, &mut diagnostics)?;
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

/// Checks the rows of the read submissions: codes, value types, conflicts,
/// region and period agreement.
pub fn collect(submissions: &[Submission], methodology: &Methodology) -> Inputs {
    let mut out = Inputs::default();
    for s in submissions {
        if let Some((region, loc)) = &s.meta.region {
            match &out.region {
                None => out.region = Some((region.clone(), loc.clone())),
                Some((r0, l0)) if !crate::names::same(r0, region) => out.diagnostics.push(Diagnostic::error(
                    Some(loc.clone()),
                    format!(
                        "регион {} не совпадает с регионом {} в {l0}",
                        quoted(region),
                        quoted(r0)
                    ),
                )),
                Some(_) => {}
            }
        }
        if let Some((period, loc)) = &s.meta.period {
            match &out.period {
                None => out.period = Some((*period, loc.clone())),
                Some((p0, l0)) if p0 != period => out.diagnostics.push(Diagnostic::error(
                    Some(loc.clone()),
                    format!(
                        "период {} не совпадает с периодом {} в {l0}: все формы одной сборки должны быть за один период",
                        period.label(),
                        p0.label()
                    ),
                )),
                Some(_) => {}
            }
        }
        out.submissions.push(SubmissionInfo {
            file: s.file.clone(),
            sheet: s.sheet.clone(),
            body: s.meta.body.as_ref().map(|b| b.0.clone()),
            period: s.meta.period.as_ref().map(|p| p.0.code()),
            date: s.meta.date.clone(),
            author: s.meta.author.clone(),
            rows: s.rows.len(),
        });
        // This file's row diagnostics, bounded (see `bound_row_diagnostics`).
        let mut diags = Vec::new();
        let mut unknown: Vec<&workbook::Row> = Vec::new();
        for row in &s.rows {
            if methodology.indicator(&row.code).is_none() {
                unknown.push(row);
                continue;
            }
            let Some(value) = accept(row, methodology, &mut diags) else {
                continue;
            };
            let obs = Observation {
                code: row.code.clone(),
                value,
                location: row.value_loc.clone(),
                body: s.meta.body.as_ref().map(|b| b.0.clone()),
                source: row.source.clone(),
                name: row.name.clone(),
            };
            match out.values.get(&row.code) {
                Some(first) if first.value != value => {
                    diags.push(Diagnostic::error(
                        Some(row.value_loc.clone()),
                        format!(
                            "код {} указан дважды с разными значениями: {} здесь и {} в {}",
                            row.code,
                            crate::fmt::int(value),
                            crate::fmt::int(first.value),
                            first.location
                        ),
                    ));
                }
                Some(first) => {
                    diags.push(Diagnostic::warning(
                        Some(row.value_loc.clone()),
                        format!("код {} уже указан с тем же значением в {}", row.code, first.location),
                    ));
                    out.observations.push(obs);
                }
                None => {
                    out.values.insert(row.code.clone(), obs.clone());
                    out.observations.push(obs);
                }
            }
        }
        unknown_codes(&unknown, &mut out.diagnostics);
        bound_row_diagnostics(diags, &mut out.diagnostics);
    }
    out
}

/// Unknown codes listed one by one up to this many per file; more are
/// summarised in one warning.
pub const UNKNOWN_CODES_LISTED: usize = 5;
/// Row diagnostics shown per file; the rest are counted in one line.
pub const MAX_ROW_DIAGNOSTICS: usize = 50;

/// Warns about the rows of one file whose code is not in the catalogue: one
/// warning per row when there are a few, else one warning that counts them
/// and names the first ones with their cells.
fn unknown_codes(rows: &[&workbook::Row], diags: &mut Vec<Diagnostic>) {
    const HINT: &str = "ожидался код из справочника формы (например, k1.active_audience)";
    if rows.len() <= UNKNOWN_CODES_LISTED {
        for row in rows {
            diags.push(Diagnostic::warning(
                Some(row.value_loc.clone()),
                format!("неизвестный код {}: {HINT} — строка не учтена", quoted(&row.code)),
            ));
        }
        return;
    }
    let n = rows.len() as u64;
    let first: Vec<String> = rows
        .iter()
        .take(UNKNOWN_CODES_LISTED)
        .map(|r| match &r.value_loc.cell {
            Some(cell) => format!("{} ({cell})", quoted(&r.code)),
            None => quoted(&r.code),
        })
        .collect();
    diags.push(Diagnostic::warning(
        Some(Location {
            cell: None,
            ..rows[0].value_loc.clone()
        }),
        format!(
            "{} {} {} — строки не учтены; первые: {}; {HINT}",
            crate::fmt::int(n),
            crate::fmt::plural(n, "неизвестный", "неизвестных", "неизвестных"),
            crate::fmt::plural(n, "код", "кода", "кодов"),
            first.join(", ")
        ),
    ));
}

/// Keeps the first [`MAX_ROW_DIAGNOSTICS`] diagnostics of one file and
/// counts the rest in one closing line (an error when any of them is), so
/// that a sheet of thousands of bad rows gives a readable list.
fn bound_row_diagnostics(mut file_diags: Vec<Diagnostic>, diags: &mut Vec<Diagnostic>) {
    if file_diags.len() <= MAX_ROW_DIAGNOSTICS {
        diags.append(&mut file_diags);
        return;
    }
    let rest = file_diags.split_off(MAX_ROW_DIAGNOSTICS);
    let errors = rest.iter().filter(|d| d.is_error()).count() as u64;
    let warnings = rest.len() as u64 - errors;
    let loc = rest[0].location.as_ref().map(|l| Location {
        cell: None,
        ..l.clone()
    });
    diags.append(&mut file_diags);
    let mut parts = Vec::new();
    if errors > 0 {
        parts.push(crate::fmt::count(errors, "ошибка", "ошибки", "ошибок"));
    }
    if warnings > 0 {
        parts.push(crate::fmt::count(
            warnings,
            "предупреждение",
            "предупреждения",
            "предупреждений",
        ));
    }
    let msg = format!(
        "и ещё {} в этом файле (показаны первые {MAX_ROW_DIAGNOSTICS})",
        parts.join(" и ")
    );
    diags.push(if errors > 0 {
        Diagnostic::error(loc, msg)
    } else {
        Diagnostic::warning(loc, msg)
    });
}

/// Checks one row's value against its code's kind; `None` when the value
/// does not count (with a diagnostic, except for a blank = not submitted).
fn accept(row: &workbook::Row, m: &Methodology, diags: &mut Vec<Diagnostic>) -> Option<u64> {
    let loc = Some(row.value_loc.clone());
    let def = m.indicator(&row.code)?;
    match (&row.value, def.kind) {
        (CellValue::Empty, _) => None,
        (CellValue::Error(e), _) => {
            diags.push(Diagnostic::error(
                loc,
                format!("ошибка формулы {e}: ожидалось число ({}, {})", def.name, def.unit),
            ));
            None
        }
        (CellValue::Text(t), IndicatorKind::Flag) => match t.to_lowercase().as_str() {
            "да" | "yes" | "запущен" | "запущено" => Some(1),
            "нет" | "no" | "не запущен" | "не запущено" => Some(0),
            _ => {
                diags.push(Diagnostic::warning(
                    loc,
                    format!(
                        "ожидалось 1/0 или «да»/«нет», найдено {} — значение не учтено",
                        quoted(t)
                    ),
                ));
                None
            }
        },
        (CellValue::Bool(b), IndicatorKind::Flag) => Some(u64::from(*b)),
        (CellValue::Number { value, percent }, IndicatorKind::Flag) => match (value.as_integer(), percent) {
            (Some(v @ (0 | 1)), false) => Some(v as u64),
            _ => {
                diags.push(Diagnostic::error(
                    loc,
                    format!(
                        "ожидалось 1 (запущен) или 0 (не запущен), найдено {}",
                        show(value, *percent)
                    ),
                ));
                None
            }
        },
        (CellValue::Text(t), IndicatorKind::Count) if value::is_oversized_number(t) => {
            diags.push(Diagnostic::error(
                loc,
                format!(
                    "значение {} больше допустимого {} — вероятно, ошибка ввода",
                    quoted(t),
                    crate::fmt::int(MAX_COUNT)
                ),
            ));
            None
        }
        (CellValue::Text(t), IndicatorKind::Count) => {
            diags.push(Diagnostic::warning(
                loc,
                format!(
                    "ожидалось число ({}, {}), найдено {} — значение считается непредставленным",
                    def.name,
                    def.unit,
                    quoted(t)
                ),
            ));
            None
        }
        (CellValue::Bool(b), IndicatorKind::Count) => {
            diags.push(Diagnostic::error(
                loc,
                format!(
                    "ожидалось целое число ≥ 0, найдено логическое значение {}",
                    if *b { "ИСТИНА" } else { "ЛОЖЬ" }
                ),
            ));
            None
        }
        (CellValue::Date(_), _) => {
            diags.push(Diagnostic::error(
                loc,
                format!("ожидалось число ({}), найдена дата — проверьте формат ячейки", def.unit),
            ));
            None
        }
        (CellValue::Number { value, percent }, IndicatorKind::Count) => {
            let whole = value.as_integer();
            if *percent {
                diags.push(Diagnostic::error(
                    loc,
                    format!(
                        "ожидалось количество ({}), найден процент {} — укажите число, а не долю",
                        def.unit,
                        show(value, true)
                    ),
                ));
                None
            } else if value.mantissa < 0 {
                diags.push(Diagnostic::error(
                    loc,
                    format!(
                        "ожидалось целое число ≥ 0, найдено отрицательное {}",
                        show(value, false)
                    ),
                ));
                None
            } else if whole.is_none() {
                diags.push(Diagnostic::error(
                    loc,
                    format!(
                        "ожидалось целое число ({}), найдено дробное {}",
                        def.unit,
                        show(value, false)
                    ),
                ));
                None
            } else {
                let v = whole.unwrap_or(0);
                if v > MAX_COUNT as i128 {
                    diags.push(Diagnostic::error(
                        loc,
                        format!(
                            "значение {} больше допустимого {} — вероятно, ошибка ввода",
                            show(value, false),
                            crate::fmt::int(MAX_COUNT)
                        ),
                    ));
                    None
                } else {
                    Some(v as u64)
                }
            }
        }
    }
}

/// The largest count accepted (10^10: more than the world's population).
pub const MAX_COUNT: u64 = 10_000_000_000;

fn show(d: &Decimal, percent: bool) -> String {
    if percent {
        let p = Decimal {
            mantissa: d.mantissa,
            scale: d.scale.saturating_sub(2),
        };
        let s = if d.scale >= 2 {
            p.to_string()
        } else {
            format!("{}", d.to_f64() * 100.0)
        };
        format!("«{}%»", s.replace('.', ","))
    } else {
        format!("«{}»", d.to_string().replace('.', ","))
    }
}
