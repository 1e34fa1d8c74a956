//! Many regions at once (`max-rating batch DIR`): every subfolder of DIR is
//! one region's inputs. The regions are built in parallel through the same
//! [`super::build`] as `build`, sharing one set of fonts; each region's
//! outputs go to `<out>/<folder>/`. Then the federal summary:
//! `<out>/ranking.xlsx` and `<out>/ranking.pdf`.
//!
//! A region that fails is reported and does not stop the others. The
//! folder `DIR/templates` is not a region: it is the templates folder next
//! to every region's inputs (`<inputs>/../templates`), shared by all decks
//! and by the ranking.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::{BuildOptions, Built, Failure, Sources};
use crate::app::AppError;
use crate::diag::Diagnostic;
use crate::ingest::IngestError;
use crate::layout::TEMPLATES_DIR;
use crate::render::typst::Fonts;
use crate::render::{OutputFile, TemplateSet};
use crate::report::{FederalRanking, Report};

/// Options of `batch`.
#[derive(Debug, Clone, Default)]
pub struct BatchOptions {
    /// The output folder: `<out>/<folder>/…`, `<out>/ranking.*`.
    pub out: PathBuf,
    /// Regions built at once; 0: one per processor core.
    pub jobs: usize,
    /// `--methodology FILE` for every region.
    pub methodology: Option<PathBuf>,
    /// The build options of every region.
    pub build: BuildOptions,
    /// The root of the regions' histories: each region's records go to
    /// `<root>/<region folder>/`; None: no history.
    pub history: Option<PathBuf>,
}

/// `<batch folder>/../history`: the default root of the regions' histories.
pub fn default_history_root(dir: &Path) -> PathBuf {
    super::default_history(dir)
}

/// The outcome of one region.
#[derive(Debug)]
pub struct RegionOutcome {
    /// The region's folder name (inside DIR and inside the output folder).
    pub folder: String,
    pub result: Result<Built, Failure>,
    pub elapsed: Duration,
}

/// Everything `batch` did.
#[derive(Debug)]
pub struct BatchResult {
    /// One per region folder, sorted by folder name.
    pub outcomes: Vec<RegionOutcome>,
    /// The ranking of the regions that were built (None: none was).
    pub ranking: Option<FederalRanking>,
    /// The summary files written (relative to the output folder) and the
    /// ranking template's warnings, or why they could not be written.
    pub summary: Result<(Vec<String>, Vec<Diagnostic>), AppError>,
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

/// Builds every region of `dir` in parallel on `fonts`, then writes the
/// ranking. `on_done` is called (from the worker threads) as each region
/// finishes. An `Err` only when `dir` can't be read or holds no region.
pub fn run(
    dir: &Path,
    opts: &BatchOptions,
    fonts: &Fonts,
    on_done: &(dyn Fn(&RegionOutcome) + Sync),
) -> Result<BatchResult, AppError> {
    let regions = region_dirs(dir, &opts.out)?;
    if regions.is_empty() {
        return Err(AppError::NoRegions(dir.to_path_buf()));
    }
    let outcomes = build_all(&regions, opts, fonts, on_done)?;
    let built: Vec<(&str, &Report)> = outcomes
        .iter()
        .filter_map(|o| o.result.as_ref().ok().map(|b| (o.folder.as_str(), &b.report)))
        .collect();
    let ranking = FederalRanking::new(&built);
    let summary = match &ranking {
        Some(r) => write_summary(dir, opts, r, fonts),
        None => Ok((Vec::new(), Vec::new())),
    };
    Ok(BatchResult {
        outcomes,
        ranking,
        summary,
    })
}

/// Builds the regions on a pool of `opts.jobs` workers, in folder order.
fn build_all(
    regions: &[(String, PathBuf)],
    opts: &BatchOptions,
    fonts: &Fonts,
    on_done: &(dyn Fn(&RegionOutcome) + Sync),
) -> Result<Vec<RegionOutcome>, AppError> {
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
        .map_err(|_| AppError::Threads("система отказала в создании потоков".into()))?;
    // One loop per worker, each taking the next region. Regions are not
    // rayon tasks on purpose: Typst lays pages out with rayon itself, and a
    // worker waiting for its pages would steal the next region's task and
    // start a second compile on top of the first (measured: 0.7 GB instead
    // of 0.2 GB for 89 regions). The pages' jobs still run on this pool.
    let next = AtomicUsize::new(0);
    // The regions are the parallelism: each one renders on its worker.
    let mut build = opts.build.clone();
    build.flags.sequential = true;
    crate::render::typst::keep_memo(3);
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
                history: opts.history.as_ref().map(|root| root.join(folder)),
            };
            let result = super::build(&sources, &build, fonts, &opts.out.join(folder));
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
    Ok(outcomes.into_iter().map(|(_, o)| o).collect())
}

/// Writes `ranking.xlsx` and `ranking.pdf` into the output folder
/// (atomically), on the templates of `DIR/templates/` and `--templates`.
fn write_summary(
    dir: &Path,
    opts: &BatchOptions,
    ranking: &FederalRanking,
    fonts: &Fonts,
) -> Result<(Vec<String>, Vec<Diagnostic>), AppError> {
    let shared = dir.join(TEMPLATES_DIR);
    let mut dirs: Vec<&Path> = vec![shared.as_path()];
    if let Some(user) = opts.build.templates.as_deref() {
        dirs.push(user);
    }
    let set = TemplateSet::from_dirs(&dirs)?;
    let rendered = crate::render::ranking::render(ranking, &set, fonts, opts.build.flags.pdfa)?;
    crate::outdir::write_outputs(&opts.out, &rendered.files)?;
    let files = rendered.files.into_iter().map(|f: OutputFile| f.path).collect();
    Ok((files, rendered.warnings))
}
