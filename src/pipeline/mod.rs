//! The build pipeline, one for `build`, `watch` and `batch`: read the
//! inputs and compute ([`load`]), render everything in memory, then write
//! the output folder atomically under its lock ([`build`]).
//!
//! ```text
//! inputs/ ──ingest──▶ Inputs ──rating──▶ Rating ──report──▶ Report
//!                                                            │ render
//!                                               out/ ◀─outdir─┘
//! ```

pub mod batch;
pub mod remind;

use std::path::{Path, PathBuf};

use crate::app::AppError;
use crate::diag::Diagnostic;
use crate::ingest::regions::RegionsTable;
use crate::ingest::{IngestError, Inputs, Period};
use crate::layout::{METHODOLOGY_FILE, REGIONS_FILE};
use crate::methodology::{Methodology, MethodologyError};
use crate::outdir::{self, OutLock};
use crate::rating::Rating;
use crate::region::Region;
use crate::render::typst::Fonts;
use crate::render::{RenderFlags, Rendered, TemplateSet};
use crate::report::{Report, ReportInputs};

/// Where to read from.
#[derive(Debug, Clone)]
pub struct Sources {
    pub inputs: PathBuf,
    /// Replaces the built-in and `inputs/methodology.toml`.
    pub methodology: Option<PathBuf>,
    /// The history of periods: read for the dynamics, and where `build`
    /// records its period; None: no history (`--no-history`).
    pub history: Option<PathBuf>,
}

impl Sources {
    /// The inputs folder with the default history beside it
    /// (`<inputs>/../history`).
    pub fn new(inputs: PathBuf, methodology: Option<PathBuf>) -> Sources {
        Sources {
            history: Some(default_history(&inputs)),
            inputs,
            methodology,
        }
    }
}

/// `<inputs>/../history`.
pub fn default_history(inputs: &Path) -> PathBuf {
    let abs = inputs
        .canonicalize()
        .or_else(|_| std::path::absolute(inputs))
        .unwrap_or_else(|_| inputs.to_path_buf());
    abs.parent().unwrap_or(&abs).join(crate::history::HISTORY_DIR)
}

/// Everything computed from the inputs.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The inputs folder.
    pub inputs_dir: PathBuf,
    pub methodology: Methodology,
    pub region: Region,
    pub inputs: Inputs,
    /// `<inputs>/regions.xlsx`, when there is one.
    pub regions: Option<RegionsTable>,
    /// The recorded periods before this build's.
    pub history: Vec<crate::history::Record>,
    /// None when the period is unknown or the data have errors.
    pub rating: Option<Rating>,
    pub report: Option<Report>,
}

impl Loaded {
    /// Every diagnostic: reading, then computing.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut all = self.inputs.diagnostics.clone();
        if let Some(r) = &self.rating {
            all.extend(r.diagnostics.iter().cloned());
        }
        all
    }

    pub fn error_count(&self) -> usize {
        self.diagnostics().iter().filter(|d| d.is_error()).count()
    }
}

/// The methodology: `--methodology`, else `<inputs>/methodology.toml`, else
/// the built-in one.
pub fn load_methodology(src: &Sources) -> Result<Methodology, MethodologyError> {
    if let Some(p) = &src.methodology {
        return Methodology::load(p);
    }
    let local = src.inputs.join(METHODOLOGY_FILE);
    if local.is_file() {
        return Methodology::load(&local);
    }
    Methodology::builtin()
}

/// The period of the build: the forms', else region.toml's (a warning when
/// they differ).
fn period(inputs: &mut Inputs, region: &Region) -> Option<Period> {
    let from_region = region.period.as_deref().and_then(Period::parse);
    match (&inputs.period, from_region) {
        (Some((p, loc, _)), Some(rp)) if rp != *p => {
            let (p, loc) = (*p, loc.clone());
            inputs.diagnostics.push(Diagnostic::warning(
                Some(loc),
                format!(
                    "период форм {} отличается от period = «{}» в region.toml — используется период форм",
                    p.label(),
                    region.period.as_deref().unwrap_or_default()
                ),
            ));
            Some(p)
        }
        (Some((p, _, _)), _) => Some(*p),
        (None, rp) => rp,
    }
}

/// Reads and computes. Data errors are diagnostics, not an `Err`.
pub fn load(src: &Sources) -> Result<Loaded, AppError> {
    load_with(src, None)
}

/// [`load`], the forms read from `submissions` instead of
/// `<inputs>/submissions` (a past period's folder, recorded by `history
/// record`).
pub fn load_with(src: &Sources, submissions: Option<&Path>) -> Result<Loaded, AppError> {
    let methodology = load_methodology(src)?;
    let region = Region::load_from(&src.inputs)?;
    let inputs = match submissions {
        Some(dir) if !dir.is_dir() => return Err(IngestError::NoInputs(dir.to_path_buf()).into()),
        Some(dir) => crate::ingest::read_submissions(dir.parent().unwrap_or(dir), dir, &methodology)?,
        None => crate::ingest::read_inputs(&src.inputs, &methodology)?,
    };
    let regions_file = src.inputs.join(REGIONS_FILE);
    let regions = if regions_file.is_file() {
        Some(crate::ingest::regions::read(&regions_file)?)
    } else {
        None
    };
    let mut inputs = inputs;
    if regions.as_ref().is_some_and(|t| t.rows.is_empty()) {
        inputs.diagnostics.push(Diagnostic::warning(
            Some(crate::diag::Location::file(REGIONS_FILE)),
            "рейтинг регионов не заполнен (ни у одного региона нет баллов) — слайд рейтинга не показан",
        ));
    }
    let mut loaded = Loaded {
        inputs_dir: src.inputs.clone(),
        methodology,
        region,
        inputs,
        regions,
        history: Vec::new(),
        rating: None,
        report: None,
    };
    // A past period's folder has its own period: region.toml's is this
    // one's.
    let period = match submissions {
        Some(_) => loaded.inputs.period.as_ref().map(|p| p.0),
        None => period(&mut loaded.inputs, &loaded.region),
    };
    let Some(period) = period else {
        // A form that could not be read may be the one with the period:
        // its errors are the message, not the missing period.
        return match submissions {
            _ if loaded.inputs.has_errors() => Ok(loaded),
            Some(dir) => Err(AppError::NoFolderPeriod(dir.to_path_buf())),
            None => Err(AppError::NoPeriod),
        };
    };
    let rating = crate::rating::compute(&loaded.methodology, &loaded.inputs, period, &loaded.region.years);
    let region_name = Report::region_name(&loaded.region, &loaded.inputs);
    if let Some(dir) = &src.history {
        let history = crate::history::History::load(dir, &region_name);
        loaded.inputs.diagnostics.extend(history.diagnostics.iter().cloned());
        loaded.history = history.before(&period);
    }
    loaded.report = Some(Report::build(&ReportInputs {
        methodology: &loaded.methodology,
        region: &loaded.region,
        inputs: &loaded.inputs,
        rating: &rating,
        regions: loaded.regions.as_ref(),
        history: &loaded.history,
    }));
    loaded.rating = Some(rating);
    Ok(loaded)
}

/// What a build renders with, besides the inputs.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// `--templates DIR`: replaces templates file by file (over the
    /// embedded ones and the inputs' template folders).
    pub templates: Option<PathBuf>,
    pub flags: RenderFlags,
    /// `watch`: the PDFs of the session's earlier builds.
    pub cache: Option<std::sync::Arc<crate::render::cache::RenderCache>>,
}

/// Renders a loaded build that has no data errors.
pub fn render(loaded: &Loaded, opts: &BuildOptions, fonts: &Fonts) -> Result<Rendered, AppError> {
    let errors = loaded.error_count();
    let Some(report) = loaded.report.as_ref().filter(|_| errors == 0) else {
        return Err(AppError::Data(errors.max(1)));
    };
    let mut set = TemplateSet::read(Some(&loaded.inputs_dir), opts.templates.as_deref())?;
    set.cache = opts.cache.clone();
    Ok(crate::render::render_all(report, &set, fonts, opts.flags)?)
}

/// An output folder inside the submissions folder would be read back as
/// forms by the next build: refused.
pub fn refuse_out_in_submissions(src: &Sources, out: &Path) -> Result<(), AppError> {
    let submissions = src.inputs.join(crate::layout::SUBMISSIONS_DIR);
    let (Ok(subs), Ok(out_abs)) = (submissions.canonicalize(), std::path::absolute(out)) else {
        return Ok(());
    };
    // The output folder may not exist yet: its nearest existing ancestor.
    let existing = out_abs.ancestors().find_map(|a| a.canonicalize().ok().map(|c| (a, c)));
    let inside = existing.is_some_and(|(a, c)| {
        let rest = out_abs.strip_prefix(a).unwrap_or(Path::new(""));
        c.join(rest).starts_with(&subs)
    });
    if inside {
        return Err(AppError::OutInsideSubmissions {
            out: out.to_path_buf(),
            submissions,
        });
    }
    Ok(())
}

/// A region built and written.
#[derive(Debug, Clone)]
pub struct Built {
    pub report: Report,
    /// Paths written, relative to the output folder.
    pub files: Vec<String>,
    /// Warnings of reading, computing and rendering.
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

/// What `build` does: holds the output folder's lock, reads and computes,
/// renders everything in memory, then writes `out` atomically. On any
/// error `out` is left as it was.
pub fn build(src: &Sources, opts: &BuildOptions, fonts: &Fonts, out: &Path) -> Result<Built, Failure> {
    refuse_out_in_submissions(src, out)?;
    let lock = OutLock::acquire(out)?;
    let loaded = load(src)?;
    let mut diagnostics: Vec<Diagnostic> = lock.taken_over.iter().map(|w| Diagnostic::warning(None, w)).collect();
    diagnostics.extend(loaded.diagnostics());
    let fail = |error, diagnostics| Err(Failure { error, diagnostics });
    let rendered = match render(&loaded, opts, fonts) {
        Ok(r) => r,
        Err(error) => return fail(error, diagnostics),
    };
    diagnostics.extend(rendered.warnings);
    // The period's record is staged first: a history that cannot be written
    // fails the build before anything in `out` changes.
    let staged = match (&src.history, &loaded.report) {
        (Some(dir), Some(report)) => {
            let mut record = crate::history::Record::of(report);
            record.recorded_at = Some(crate::history::now_utc());
            match crate::history::Staged::write(dir, &record) {
                Ok(s) => Some(s),
                Err(e) => return fail(AppError::History(e), diagnostics),
            }
        }
        _ => None,
    };
    if let Err(error) = outdir::write_build_outputs(out, &rendered.files) {
        return fail(error, diagnostics);
    }
    if let Some(staged) = staged
        && let Err(e) = staged.commit()
    {
        return fail(AppError::History(e), diagnostics);
    }
    match loaded.report {
        Some(report) => Ok(Built {
            report,
            files: rendered.files.into_iter().map(|f| f.path).collect(),
            diagnostics,
        }),
        None => fail(AppError::Data(1), diagnostics),
    }
}
