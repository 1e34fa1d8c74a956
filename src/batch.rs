//! `max-rating batch DIR`: every subfolder of DIR is one region's inputs.
//! The regions are built in parallel (rayon), sharing one set of fonts and
//! the parsed embedded templates; each region's outputs go to
//! `<out>/<folder>/` through the same atomic [`app::write_outputs`] as
//! `build`. Then the federal summary: `<out>/ranking.xlsx` and
//! `<out>/ranking.pdf` (Typst template `ranking.typ`, data served as the
//! virtual `data.json`).
//!
//! A region that fails is reported and does not stop the others.
//!
//! The folder `DIR/templates` is not a region: it is the templates folder
//! next to every region's inputs (`<inputs>/../templates`), shared by all
//! decks and by the ranking.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::app::{self, AppError, Loaded, OutputFile, RenderOptions, Sources};
use crate::diag::Diagnostic;
use crate::ingest::IngestError;
use crate::render::deck::{self, TEMPLATES_DIR};
use crate::render::typst_engine::{Fonts, PdfOpts, Templates, compile_pdf_with_warnings};
use crate::report::{BandView, Report};

/// The ranking workbook.
pub const RANKING_XLSX: &str = "ranking.xlsx";
/// The ranking document.
pub const RANKING_PDF: &str = "ranking.pdf";
/// The main template of the ranking document.
pub const RANKING_MAIN: &str = "ranking.typ";

// ---------------------------------------------------------------------------
// One region: load, render, write
// ---------------------------------------------------------------------------

/// A region built and written.
#[derive(Debug, Clone)]
pub struct Built {
    pub report: Report,
    /// Paths written, relative to the region's output folder.
    pub files: Vec<String>,
    /// Warnings of reading and computing.
    pub diagnostics: Vec<Diagnostic>,
}

/// A build that failed: the error and the diagnostics found until then
/// (data errors are diagnostics; the error only counts them).
#[derive(Debug)]
pub struct Failure {
    pub error: AppError,
    pub diagnostics: Vec<Diagnostic>,
}

impl From<AppError> for Failure {
    fn from(error: AppError) -> Self {
        Failure {
            error,
            diagnostics: Vec::new(),
        }
    }
}

/// What `build` does: reads and computes, renders everything in memory,
/// then writes `out` atomically. On any error `out` is left as it was.
pub fn build_one(sources: &Sources, opts: &RenderOptions, out: &Path) -> Result<Built, Failure> {
    let loaded: Loaded = app::load(sources)?;
    let diagnostics = loaded.diagnostics();
    let errors = loaded.error_count();
    if errors > 0 {
        return Err(Failure {
            error: AppError::Data(errors),
            diagnostics,
        });
    }
    let files = match app::render_all(&loaded, opts).and_then(|files| {
        app::write_build_outputs(out, &files)?;
        Ok(files)
    }) {
        Ok(f) => f,
        Err(error) => return Err(Failure { error, diagnostics }),
    };
    let Some(report) = loaded.report else {
        return Err(Failure {
            error: AppError::Data(1),
            diagnostics,
        });
    };
    Ok(Built {
        report,
        files: files.into_iter().map(|f: OutputFile| f.path).collect(),
        diagnostics,
    })
}

// ---------------------------------------------------------------------------
// Many regions
// ---------------------------------------------------------------------------

/// Options of `batch`.
#[derive(Debug, Clone, Default)]
pub struct BatchOptions {
    /// The output folder: `<out>/<folder>/…`, `<out>/ranking.*`.
    pub out: PathBuf,
    /// Regions built at once; 0: one per processor core.
    pub jobs: usize,
    /// `--methodology FILE` for every region.
    pub methodology: Option<PathBuf>,
    /// The render options of every region (`inputs` is set per region;
    /// `fonts`, when None, are loaded once here).
    pub render: RenderOptions,
}

/// The outcome of one region.
#[derive(Debug)]
pub struct RegionOutcome {
    /// The region's folder name (inside DIR and inside the output folder).
    pub folder: String,
    pub result: Result<Built, Failure>,
    pub elapsed: Duration,
}

/// One row of the federal ranking.
#[derive(Debug, Clone, Serialize)]
pub struct RankEntry {
    /// Competition rank: equal totals share a rank (1, 2, 2, 4).
    pub rank: usize,
    pub folder: String,
    pub region: String,
    /// Points per component (None: no data), in the order of
    /// [`Ranking::columns`].
    pub points: Vec<Option<u32>>,
    /// `12` or `—`.
    pub points_text: Vec<String>,
    pub total: u32,
    pub band: BandView,
}

/// The federal ranking of the regions built.
#[derive(Debug, Clone, Serialize)]
pub struct Ranking {
    /// Component labels: `К1`…`К4`.
    pub columns: Vec<String>,
    pub rows: Vec<RankEntry>,
    pub count: usize,
    pub total_max: u32,
    /// «1 квартал 2026 г.» (several labels joined when regions differ).
    pub period_label: String,
    /// The colour bands of the methodology.
    pub bands: Vec<BandView>,
    /// Regions per band, in the order of `bands`.
    pub band_counts: Vec<usize>,
    /// The document date (the latest of the regions').
    pub date: (i32, u8, u8),
}

/// Everything `batch` did.
#[derive(Debug)]
pub struct BatchResult {
    /// One per region folder, sorted by folder name.
    pub outcomes: Vec<RegionOutcome>,
    /// The ranking of the regions that were built (None: none was).
    pub ranking: Option<Ranking>,
    /// The summary files written (relative to the output folder), or why
    /// they could not be.
    pub summary: Result<Vec<String>, AppError>,
}

impl BatchResult {
    pub fn failed(&self) -> usize {
        self.outcomes.iter().filter(|o| o.result.is_err()).count()
    }
}

/// The region folders of `dir`: every subfolder, sorted, except hidden
/// ones, `templates/` (shared templates) and the output folder.
pub fn region_dirs(dir: &Path, out: &Path) -> Result<Vec<(String, PathBuf)>, AppError> {
    let io = |source| {
        AppError::Ingest(IngestError::Io {
            path: dir.to_path_buf(),
            source,
        })
    };
    if !dir.is_dir() {
        return Err(AppError::Ingest(IngestError::NoInputs(dir.to_path_buf())));
    }
    let out_canon = out.canonicalize().ok();
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let path = entry.path();
        let Some(name) = entry.file_name().to_str().map(String::from) else {
            continue;
        };
        if name.starts_with('.') || name == TEMPLATES_DIR || !path.is_dir() {
            continue;
        }
        if out_canon.is_some() && path.canonicalize().ok() == out_canon {
            continue;
        }
        dirs.push((name, path));
    }
    dirs.sort();
    Ok(dirs)
}

/// Builds every region of `dir` in parallel, then writes the ranking.
/// `on_done` is called (from the worker threads) as each region finishes.
/// An `Err` only when `dir` can't be read or holds no region.
pub fn run(
    dir: &Path,
    opts: &BatchOptions,
    on_done: &(dyn Fn(&RegionOutcome) + Sync),
) -> Result<BatchResult, AppError> {
    let regions = region_dirs(dir, &opts.out)?;
    if regions.is_empty() {
        return Err(AppError::NoPeriod(format!(
            "в папке {} нет ни одной папки региона (ожидались подпапки с submissions/ и region.toml)",
            dir.display()
        )));
    }
    let mut render = opts.render.clone();
    if render.fonts.is_none() {
        render.fonts = Some(load_fonts(&render.font_paths)?);
    }
    let jobs = if opts.jobs == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        opts.jobs
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs.min(regions.len()))
        // Typst recurses deeply on big documents: give workers the main
        // thread's stack size.
        .stack_size(8 << 20)
        .thread_name(|i| format!("max-rating-batch-{i}"))
        .build()
        .map_err(|e| AppError::Render(format!("не удалось запустить потоки: {e}")))?;
    // One loop per worker, each taking the next region. Regions are not
    // rayon tasks on purpose: Typst lays pages out with rayon itself, and a
    // worker waiting for its pages would steal the next region's task and
    // start a second compile on top of the first (measured: 0.7 GB instead
    // of 0.2 GB for 89 regions). The pages' jobs still run on this pool.
    let next = AtomicUsize::new(0);
    let per_worker: Vec<Vec<(usize, RegionOutcome)>> = pool.broadcast(|_| {
        let mut done = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some((folder, path)) = regions.get(i) else {
                break;
            };
            let start = Instant::now();
            let sources = Sources {
                inputs: path.clone(),
                methodology: opts.methodology.clone(),
            };
            let mut render = render.clone();
            render.inputs = Some(path.clone());
            let result = build_one(&sources, &render, &opts.out.join(folder));
            let outcome = RegionOutcome {
                folder: folder.clone(),
                result,
                elapsed: start.elapsed(),
            };
            on_done(&outcome);
            done.push((i, outcome));
        }
        done
    });
    let mut outcomes: Vec<(usize, RegionOutcome)> = per_worker.into_iter().flatten().collect();
    outcomes.sort_by_key(|(i, _)| *i);
    let outcomes: Vec<RegionOutcome> = outcomes.into_iter().map(|(_, o)| o).collect();
    let ranking = ranking(&outcomes);
    let summary = match &ranking {
        Some(r) => {
            let fonts = render.fonts.clone().unwrap_or_else(Fonts::embedded);
            write_summary(dir, &opts.out, r, &fonts, &opts.render)
        }
        None => Ok(Vec::new()),
    };
    Ok(BatchResult {
        outcomes,
        ranking,
        summary,
    })
}

/// The embedded fonts plus those of `dirs`.
pub fn load_fonts(dirs: &[PathBuf]) -> Result<Fonts, AppError> {
    if dirs.is_empty() {
        Ok(Fonts::embedded())
    } else {
        Fonts::with_dirs(dirs).map_err(|e| deck::DeckError::from(e).into())
    }
}

/// The ranking of the regions built: by total, then by name.
pub fn ranking(outcomes: &[RegionOutcome]) -> Option<Ranking> {
    let built: Vec<(&str, &Report)> = outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().ok().map(|b| (o.folder.as_str(), &b.report)))
        .collect();
    let (_, first) = built.first()?;
    let columns: Vec<String> = first.components.iter().map(|c| c.label.clone()).collect();
    let mut rows: Vec<RankEntry> = built
        .iter()
        .map(|(folder, r)| {
            let points: Vec<Option<u32>> = first
                .components
                .iter()
                .map(|c| r.components.iter().find(|x| x.id == c.id).and_then(|x| x.points))
                .collect();
            RankEntry {
                rank: 0,
                folder: folder.to_string(),
                region: r.meta.region.clone(),
                points_text: points
                    .iter()
                    .map(|p| p.map_or_else(|| "—".to_string(), |p| p.to_string()))
                    .collect(),
                points,
                total: r.summary.total,
                band: r.summary.band.clone(),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        b.total
            .cmp(&a.total)
            .then_with(|| a.region.cmp(&b.region))
            .then_with(|| a.folder.cmp(&b.folder))
    });
    for i in 0..rows.len() {
        rows[i].rank = if i > 0 && rows[i].total == rows[i - 1].total {
            rows[i - 1].rank
        } else {
            i + 1
        };
    }
    let mut periods: Vec<String> = built.iter().map(|(_, r)| r.meta.period_label.clone()).collect();
    periods.sort();
    periods.dedup();
    let bands = first.bands.clone();
    let band_counts = bands
        .iter()
        .map(|b| rows.iter().filter(|r| r.band.id == b.id).count())
        .collect();
    Some(Ranking {
        columns,
        count: rows.len(),
        rows,
        total_max: first.summary.total_max,
        period_label: periods.join(", "),
        bands,
        band_counts,
        date: built
            .iter()
            .map(|(_, r)| r.meta.document_date)
            .max()
            .unwrap_or((2026, 1, 1)),
    })
}

/// Writes `ranking.xlsx` and `ranking.pdf` into `out` (atomically).
fn write_summary(
    dir: &Path,
    out: &Path,
    ranking: &Ranking,
    fonts: &Fonts,
    render: &RenderOptions,
) -> Result<Vec<String>, AppError> {
    let xlsx = ranking_xlsx(ranking).map_err(|e| AppError::Render(format!("{RANKING_XLSX}: {e}")))?;
    let templates = ranking_templates(dir, render.templates.as_deref()).map_err(AppError::from)?;
    let pdf = ranking_pdf(ranking, &templates, fonts, render.pdfa)?;
    let files = vec![
        OutputFile {
            path: RANKING_XLSX.into(),
            bytes: xlsx,
        },
        OutputFile {
            path: RANKING_PDF.into(),
            bytes: pdf,
        },
    ];
    app::write_outputs(out, &files)?;
    Ok(files.into_iter().map(|f| f.path).collect())
}

/// The embedded templates, overlaid with `DIR/templates/` and then the
/// `--templates` folder.
pub fn ranking_templates(dir: &Path, user: Option<&Path>) -> Result<Templates, deck::DeckError> {
    let mut templates = deck::embedded_templates();
    let shared = dir.join(TEMPLATES_DIR);
    for d in [Some(shared.as_path()), user].into_iter().flatten() {
        if d.is_dir() {
            templates.overlay(&Templates::from_dir(d)?);
        }
    }
    Ok(templates)
}

/// The title of the ranking.
fn ranking_title(r: &Ranking) -> String {
    format!(
        "Рейтинг внедрения МАХ по субъектам Российской Федерации — {}",
        r.period_label
    )
}

/// The ranking as a workbook: Место, Регион, К1…К4, Итого, Зона. The header
/// row is the one `regions.xlsx` expects, so the file can serve as a
/// region's `regions.xlsx`.
pub fn ranking_xlsx(r: &Ranking) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook};
    let mut wb = Workbook::new();
    let (y, m, d) = r.date;
    let created = ExcelDateTime::from_ymd(u16::try_from(y).unwrap_or(2026), m, d)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(ranking_title(r))
            .set_creation_datetime(&created),
    );
    let ws = wb.add_worksheet();
    ws.set_name("Рейтинг")?;
    let title = Format::new().set_bold().set_font_size(14).set_font_color("#1F3B82");
    let note = Format::new().set_italic().set_font_color("#5E6778");
    let head = Format::new()
        .set_bold()
        .set_font_color("#FFFFFF")
        .set_background_color("#1F3B82")
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_text_wrap()
        .set_border(FormatBorder::Thin)
        .set_border_color("#CDD3DF");
    let cell = Format::new().set_border(FormatBorder::Thin).set_border_color("#CDD3DF");
    let center = cell.clone().set_align(FormatAlign::Center);
    let name = cell.clone().set_text_wrap();
    let total = center.clone().set_bold();

    ws.write_string_with_format(0, 0, ranking_title(r), &title)?;
    ws.write_string_with_format(
        1,
        0,
        format!(
            "Регионов в рейтинге: {}; максимум {} баллов. Равные суммы делят место.",
            r.count, r.total_max
        ),
        &note,
    )?;
    let header_row = 3u32;
    let mut headers: Vec<String> = vec!["Место".into(), "Регион".into()];
    headers.extend(r.columns.iter().cloned());
    headers.push("Итого".into());
    headers.push("Зона".into());
    for (i, h) in headers.iter().enumerate() {
        ws.write_string_with_format(header_row, i as u16, h, &head)?;
    }
    ws.set_row_height(header_row, 22)?;
    ws.set_column_width(0, 8)?;
    ws.set_column_width(1, 46)?;
    let ncomp = r.columns.len() as u16;
    for c in 0..ncomp {
        ws.set_column_width(2 + c, 7)?;
    }
    ws.set_column_width(2 + ncomp, 9)?;
    ws.set_column_width(3 + ncomp, 16)?;
    for (i, row) in r.rows.iter().enumerate() {
        let n = header_row + 1 + i as u32;
        ws.write_number_with_format(n, 0, row.rank as f64, &center)?;
        ws.write_string_with_format(n, 1, &row.region, &name)?;
        for (c, p) in row.points.iter().enumerate() {
            let col = 2 + c as u16;
            match p {
                Some(p) => ws.write_number_with_format(n, col, f64::from(*p), &center)?,
                None => ws.write_string_with_format(n, col, "—", &center)?,
            };
        }
        ws.write_number_with_format(n, 2 + ncomp, f64::from(row.total), &total)?;
        let band = center
            .clone()
            .set_background_color(light(&row.band.color).as_str())
            .set_font_color(row.band.color.as_str());
        ws.write_string_with_format(n, 3 + ncomp, &row.band.name, &band)?;
    }
    ws.set_freeze_panes(header_row + 1, 2)?;
    if !r.rows.is_empty() {
        ws.autofilter(header_row, 0, header_row + r.rows.len() as u32, 3 + ncomp)?;
    }
    wb.save_to_buffer()
}

/// A colour lightened towards white (80 %), for a band's cell fill.
fn light(hex: &str) -> String {
    let h = hex.trim_start_matches('#');
    if h.len() != 6 || !h.is_ascii() {
        return "#FFFFFF".into();
    }
    let ch = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).unwrap_or(255);
    let mix = |c: u8| 255 - ((255 - u32::from(c)) * 20 / 100) as u8;
    format!("#{:02X}{:02X}{:02X}", mix(ch(0)), mix(ch(2)), mix(ch(4)))
}

/// The data of `ranking.typ` (`data.json`): `ranking`, plus `report.bands`
/// and `texts` as `theme.typ` expects them.
pub fn ranking_data(r: &Ranking) -> serde_json::Value {
    let title = ranking_title(r);
    let (y, m, d) = r.date;
    serde_json::json!({
        "report": { "bands": r.bands },
        "texts": {
            "document_title": title,
            "document_author": "max-rating",
            "title": "Рейтинг внедрения МАХ по субъектам Российской Федерации",
            "subtitle": r.period_label,
            "date": crate::fmt::date(y, m, d),
            "footer": format!("Рейтинг внедрения МАХ · {}", r.period_label),
            "table_title": format!("Рейтинг регионов — {}", r.period_label),
        },
        "ranking": r,
    })
}

/// Renders `ranking.pdf`.
pub fn ranking_pdf(r: &Ranking, templates: &Templates, fonts: &Fonts, pdfa: bool) -> Result<Vec<u8>, AppError> {
    let data = ranking_data(r);
    let mut bytes = serde_json::to_vec_pretty(&data).map_err(|e| AppError::Render(e.to_string()))?;
    bytes.push(b'\n');
    let opts = PdfOpts {
        title: ranking_title(r),
        author: "max-rating".into(),
        date: r.date,
        pdfa,
        ident: "max-rating-ranking".into(),
    };
    let out = compile_pdf_with_warnings(fonts, templates, RANKING_MAIN, &[(deck::DATA, bytes)], &opts)
        .map_err(|e| AppError::from(deck::DeckError::from(e)))?;
    for w in &out.warnings {
        eprintln!("{RANKING_PDF}: {w}");
    }
    Ok(out.pdf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn light_colours() {
        assert_eq!(light("#000000"), "#CCCCCC");
        assert_eq!(light("#FFFFFF"), "#FFFFFF");
        assert_eq!(light("bad"), "#FFFFFF");
    }
}
