//! The commands of the command line, as library functions: load the inputs,
//! compute, and write the outputs atomically.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::ingest::{IngestError, Inputs, Period};
use crate::methodology::{Methodology, MethodologyError};
use crate::rating::Rating;
use crate::region::{Region, RegionError};
use crate::report::Report;

/// Exit codes of the command line.
pub mod exit {
    /// Success (warnings allowed).
    pub const OK: u8 = 0;
    /// The submissions have errors: nothing was built.
    pub const DATA: u8 = 1;
    /// Wrong arguments (clap's own code).
    pub const USAGE: u8 = 2;
    /// The methodology, the region plan or the inputs folder is wrong.
    pub const CONFIG: u8 = 3;
    /// The outputs could not be written.
    pub const OUTPUT: u8 = 4;
    /// A template failed to render.
    pub const RENDER: u8 = 5;
    /// The output folder is locked by another build that is still running.
    pub const BUSY: u8 = 6;
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Methodology(#[from] MethodologyError),
    #[error(transparent)]
    Region(#[from] RegionError),
    #[error(transparent)]
    Ingest(#[from] IngestError),
    #[error("в исходных данных есть ошибки ({0}) — выходные файлы не созданы")]
    Data(usize),
    #[error("{0}")]
    NoPeriod(String),
    #[error("не удалось записать {path}: {source}")]
    Output { path: PathBuf, source: std::io::Error },
    #[error("{0}")]
    Render(String),
    #[error("файлы уже существуют (добавьте --force, чтобы перезаписать): {}", .0.join(", "))]
    Exists(Vec<String>),
    #[error(
        "папка {} занята другой сборкой (pid {}) — дождитесь её окончания; если сборка не идёт, удалите {}",
        .out.display(),
        .pid.map_or_else(|| "неизвестен".to_string(), |p| p.to_string()),
        .lock.display()
    )]
    Busy {
        out: PathBuf,
        pid: Option<u32>,
        lock: PathBuf,
    },
}

impl AppError {
    pub fn exit_code(&self) -> u8 {
        match self {
            AppError::Methodology(_) | AppError::Region(_) | AppError::NoPeriod(_) => exit::CONFIG,
            AppError::Ingest(IngestError::NoInputs(_)) => exit::CONFIG,
            AppError::Ingest(IngestError::Io { .. }) => exit::CONFIG,
            AppError::Data(_) => exit::DATA,
            AppError::Output { .. } | AppError::Exists(_) => exit::OUTPUT,
            AppError::Render(_) => exit::RENDER,
            AppError::Busy { .. } => exit::BUSY,
        }
    }
}

/// Where to read from.
#[derive(Debug, Clone)]
pub struct Sources {
    pub inputs: PathBuf,
    /// Replaces the built-in and `inputs/methodology.toml`.
    pub methodology: Option<PathBuf>,
}

/// Everything computed from the inputs.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub methodology: Methodology,
    pub region: Region,
    pub inputs: Inputs,
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

pub fn load_methodology(src: &Sources) -> Result<Methodology, MethodologyError> {
    if let Some(p) = &src.methodology {
        return Methodology::load(p);
    }
    let local = src.inputs.join("methodology.toml");
    if local.is_file() {
        return Methodology::load(&local);
    }
    Methodology::builtin()
}

/// Reads and computes. Data errors are diagnostics, not an `Err`.
pub fn load(src: &Sources) -> Result<Loaded, AppError> {
    let methodology = load_methodology(src)?;
    let region = Region::load_from(&src.inputs)?;
    let mut inputs = crate::ingest::read_inputs(&src.inputs, &methodology)?;
    let period = match (&inputs.period, &region.period) {
        (Some((p, _)), _) => Some(*p),
        (None, Some(text)) => Period::parse(text),
        (None, None) => None,
    };
    if let (Some((p, loc)), Some(text)) = (&inputs.period, &region.period)
        && Period::parse(text).is_some_and(|rp| rp != *p)
    {
        inputs.diagnostics.push(Diagnostic::warning(
            Some(loc.clone()),
            format!(
                "период форм {} отличается от period = «{text}» в region.toml — используется период форм",
                p.label()
            ),
        ));
    }
    let Some(period) = period else {
        // A form that could not be read may be the one with the period:
        // its errors are the message, not the missing period.
        if inputs.has_errors() {
            return Ok(Loaded {
                methodology,
                region,
                inputs,
                rating: None,
                report: None,
            });
        }
        return Err(AppError::NoPeriod(
            "период не указан ни в одной форме (строка «Период» над таблицей), ни в region.toml (period = \"2026-Q1\")"
                .into(),
        ));
    };
    let rating = crate::rating::compute(&methodology, &inputs, period, &region.years);
    let report = Report::build(&methodology, &region, &inputs, &rating);
    Ok(Loaded {
        methodology,
        region,
        inputs,
        rating: Some(rating),
        report: Some(report),
    })
}

/// One output file: a path relative to the output folder and its bytes.
#[derive(Debug, Clone)]
pub struct OutputFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// Options of the renderers (`build`).
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// The inputs folder: its `templates/`, `slides/` and `regions.xlsx`
    /// feed the deck.
    pub inputs: Option<PathBuf>,
    /// `--templates DIR`: replaces templates file by file (over the
    /// embedded ones and `<inputs>/templates/`).
    pub templates: Option<PathBuf>,
    /// `--font-path DIR` (repeatable): extra fonts for the deck.
    pub font_paths: Vec<PathBuf>,
    /// `--pdf-standard a-2b`: write the deck as PDF/A-2b.
    pub pdfa: bool,
    /// `--no-packs`: skip the per-body packs.
    pub no_packs: bool,
    /// Fonts already loaded (`watch`, `batch`: loaded once, shared by every
    /// build); None: load the embedded fonts and `font_paths`.
    pub fonts: Option<crate::render::typst_engine::Fonts>,
}

/// Everything `build` writes, produced in memory first.
pub fn render_all(loaded: &Loaded, opts: &RenderOptions) -> Result<Vec<OutputFile>, AppError> {
    if loaded.error_count() > 0 {
        return Err(AppError::Data(loaded.error_count()));
    }
    let Some(report) = &loaded.report else {
        return Err(AppError::Data(loaded.error_count().max(1)));
    };
    let mut json = serde_json::to_vec_pretty(&report.rating_json()).map_err(|e| AppError::Render(e.to_string()))?;
    json.push(b'\n');
    let mut files = vec![OutputFile {
        path: "rating.json".into(),
        bytes: json,
    }];
    let bytes = crate::render::workbook::render(report).map_err(|e| AppError::Render(format!("report.xlsx: {e}")))?;
    files.push(OutputFile {
        path: "report.xlsx".into(),
        bytes,
    });
    // The deck: its inputs are read first, then it is rendered.
    use crate::render::{deck, typst_engine::Fonts};
    let deck_inputs = deck::DeckInputs::read(opts.inputs.as_deref(), opts.templates.as_deref(), &report.meta.region)?;
    let fonts = if let Some(shared) = &opts.fonts {
        shared.clone()
    } else if opts.font_paths.is_empty() {
        Fonts::embedded()
    } else {
        Fonts::with_dirs(&opts.font_paths).map_err(deck::DeckError::from)?
    };
    let pdf = deck::render(report, &deck_inputs, &fonts, opts.pdfa)?;
    files.push(OutputFile {
        path: "deck.pdf".into(),
        bytes: pdf,
    });
    // The bodies' packs (bodies/<slug>/…), on the same templates and fonts.
    if !opts.no_packs {
        files.extend(crate::render::packs::render_packs(
            report,
            &deck_inputs,
            &fonts,
            opts.pdfa,
        )?);
    }
    files.push(crate::render::packs::manifest(&files));
    Ok(files)
}

/// Writes the files into `out` atomically: all of them are first written to
/// a staging folder inside `out`, then each top-level entry is moved into
/// place (the previous one set aside until all are in). On any failure `out`
/// is left as it was: before the moves nothing in it has changed, and a
/// failed move puts back what was already replaced. The staging folder is
/// removed on every path; those of a crashed run are cleaned up first.
///
/// Runs under the folder's lock ([`OutLock`]): taken here unless this
/// process already holds it (as `build` does for the whole build).
pub fn write_outputs(out: &Path, files: &[OutputFile]) -> Result<(), AppError> {
    write_outputs_with(out, files, &[], &mut |_| Ok(()))
}

/// The top-level entries of `out` that a build owns although it may not
/// write them: `bodies/` of an earlier build is removed by `build --no-packs`,
/// so that `out/` never mixes packs of an older build with a newer deck.
/// (`forms/` is not among them: it belongs to the `forms` command.)
pub const BUILD_OWNED: &[&str] = &["bodies"];

/// [`write_outputs`] for a build: also retires the [`BUILD_OWNED`] entries
/// this build did not write, in the same atomic swap.
pub fn write_build_outputs(out: &Path, files: &[OutputFile]) -> Result<(), AppError> {
    write_outputs_with(out, files, BUILD_OWNED, &mut |_| Ok(()))
}

/// [`write_outputs`] with a hook called before each top-level entry is moved
/// into place (tests inject a failure there).
#[doc(hidden)]
pub fn write_outputs_with(
    out: &Path,
    files: &[OutputFile],
    retire: &[&str],
    before_move: &mut dyn FnMut(&str) -> std::io::Result<()>,
) -> Result<(), AppError> {
    let _lock = if OutLock::is_held(out) {
        None
    } else {
        Some(OutLock::acquire(out)?)
    };
    std::fs::create_dir_all(out).map_err(io_error(out))?;
    recover_stale(out)?;
    for f in files {
        if !is_plain_relative(&f.path) {
            return Err(AppError::Output {
                path: out.join(&f.path),
                source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "недопустимый путь выходного файла"),
            });
        }
    }
    let pid = std::process::id();
    let staging = out.join(format!("{STAGING_PREFIX}{pid}"));
    let trash = out.join(format!("{OLD_PREFIX}{pid}"));
    let _ = remove_any(&staging);
    let result = write_staged(&staging, files).and_then(|()| {
        let mut tops: Vec<&str> = files.iter().filter_map(|f| f.path.split('/').next()).collect();
        // Entries to retire: set aside like replaced ones, with nothing new put in.
        tops.extend(
            retire
                .iter()
                .copied()
                .filter(|r| is_plain_relative(r) && !r.contains('/')),
        );
        tops.sort_unstable();
        tops.dedup();
        swap_in(out, &staging, &trash, &tops, before_move)
    });
    let _ = remove_any(&staging);
    if result.is_ok()
        || std::fs::read_dir(&trash)
            .map(|mut d| d.next().is_none())
            .unwrap_or(true)
    {
        let _ = remove_any(&trash);
    }
    result
}

/// The staging folder of a build inside the output folder: `.staging-<pid>`.
const STAGING_PREFIX: &str = ".staging-";
/// Where the replaced entries wait until all new ones are in: `.old-<pid>`.
const OLD_PREFIX: &str = ".old-";

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> AppError + use<> {
    let path = path.to_path_buf();
    move |source| AppError::Output { path, source }
}

/// `a/b.pdf`: relative, no `..`, no empty or hidden component.
fn is_plain_relative(path: &str) -> bool {
    !path.is_empty()
        && path
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != ".." && !c.starts_with('.') && !c.contains('\\'))
        && Path::new(path).is_relative()
}

fn remove_any(path: &Path) -> std::io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

fn write_staged(staging: &Path, files: &[OutputFile]) -> Result<(), AppError> {
    for f in files {
        let path = staging.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io_error(parent))?;
        }
        std::fs::write(&path, &f.bytes).map_err(io_error(&path))?;
    }
    Ok(())
}

/// Moves each top-level entry from `staging` into `out`, setting the
/// previous one aside in `trash`; on a failure, undoes the moves done.
fn swap_in(
    out: &Path,
    staging: &Path,
    trash: &Path,
    tops: &[&str],
    before_move: &mut dyn FnMut(&str) -> std::io::Result<()>,
) -> Result<(), AppError> {
    // (entry, previous set aside, new one in place)
    let mut done: Vec<(&str, bool, bool)> = Vec::new();
    let mut step = || -> Result<(), AppError> {
        for &top in tops {
            let dest = out.join(top);
            before_move(top).map_err(io_error(&dest))?;
            let had_old = std::fs::symlink_metadata(&dest).is_ok();
            if had_old {
                std::fs::create_dir_all(trash).map_err(io_error(trash))?;
                std::fs::rename(&dest, trash.join(top)).map_err(io_error(&dest))?;
            }
            done.push((top, had_old, false));
            let new = staging.join(top);
            if std::fs::symlink_metadata(&new).is_err() {
                // A retired entry: this build wrote nothing under it.
                continue;
            }
            std::fs::rename(&new, &dest).map_err(io_error(&dest))?;
            if let Some(last) = done.last_mut() {
                last.2 = true;
            }
        }
        Ok(())
    };
    let result = step();
    if result.is_err() {
        for &(top, had_old, placed) in done.iter().rev() {
            let dest = out.join(top);
            if placed {
                let _ = remove_any(&dest);
            }
            if had_old {
                let _ = std::fs::rename(trash.join(top), &dest);
            }
        }
    }
    result
}

/// Cleans up after a run that crashed in this folder (called under the
/// lock, so no live build owns them): staging folders are removed, and the
/// entries a crashed swap had set aside are put back where nothing replaced
/// them.
fn recover_stale(out: &Path) -> Result<(), AppError> {
    let entries = std::fs::read_dir(out).map_err(io_error(out))?;
    for e in entries.filter_map(Result::ok) {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        if name.starts_with(STAGING_PREFIX) || name.starts_with(&format!("{LOCK_FILE}.")) {
            remove_any(&path).map_err(io_error(&path))?;
        } else if name.starts_with(OLD_PREFIX) && path.is_dir() {
            for old in std::fs::read_dir(&path)
                .map_err(io_error(&path))?
                .filter_map(Result::ok)
            {
                let dest = out.join(old.file_name());
                if std::fs::symlink_metadata(&dest).is_err() {
                    std::fs::rename(old.path(), &dest).map_err(io_error(&dest))?;
                }
            }
            remove_any(&path).map_err(io_error(&path))?;
        }
    }
    Ok(())
}

/// The lock file of the output folder.
pub const LOCK_FILE: &str = ".max-rating.lock";

/// Output folders whose lock this process holds.
static HELD: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// The lock of an output folder: `<out>/.max-rating.lock`, created with
/// `create_new` and holding the process id, removed when dropped. A lock
/// whose process no longer runs (checked in `/proc` on Linux; elsewhere a
/// lock is always taken as live) is taken over, and said so in
/// [`OutLock::taken_over`]. The output folder is created if needed, and
/// removed again on drop when it was created here and is still empty.
#[derive(Debug)]
pub struct OutLock {
    out: PathBuf,
    lock: PathBuf,
    key: PathBuf,
    created_out: bool,
    /// A warning when a stale lock was taken over.
    pub taken_over: Option<String>,
}

impl OutLock {
    /// Takes the lock of `out`, or fails with [`AppError::Busy`].
    pub fn acquire(out: &Path) -> Result<OutLock, AppError> {
        use std::io::Write;
        let created_out = !out.exists();
        std::fs::create_dir_all(out).map_err(io_error(out))?;
        let key = lock_key(out);
        let lock = out.join(LOCK_FILE);
        let me = std::process::id();
        let busy = |pid| AppError::Busy {
            out: out.to_path_buf(),
            pid,
            lock: lock.clone(),
        };
        let mut guard = OutLock {
            out: out.to_path_buf(),
            lock: lock.clone(),
            key: key.clone(),
            created_out,
            taken_over: None,
        };
        {
            let held = HELD.lock().unwrap_or_else(|e| e.into_inner());
            if held.contains(&key) {
                // Not ours to release: leave the folder and the lock alone.
                guard.created_out = false;
                guard.key = PathBuf::new();
                guard.lock = PathBuf::new();
                return Err(busy(Some(me)));
            }
        }
        for _ in 0..5 {
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&lock) {
                Ok(mut f) => {
                    HELD.lock().unwrap_or_else(|e| e.into_inner()).push(key);
                    if let Err(e) = writeln!(f, "{me}") {
                        let _ = std::fs::remove_file(&lock);
                        return Err(io_error(&lock)(e));
                    }
                    return Ok(guard);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = read_holder(&lock);
                    if let Some(pid) = holder
                        && pid != me
                        && process_runs(pid)
                    {
                        guard.created_out = false;
                        guard.lock = PathBuf::new();
                        return Err(busy(Some(pid)));
                    }
                    // Stale: set it aside under a name of our own, check that
                    // it is still the stale one, and drop it.
                    let aside = out.join(format!("{LOCK_FILE}.stale-{me}"));
                    match std::fs::rename(&lock, &aside) {
                        Ok(()) => {
                            let now = read_holder(&aside);
                            if now != holder && now.is_some_and(|p| p != me && process_runs(p)) {
                                // Another build took it over meanwhile: give it back.
                                let _ = std::fs::hard_link(&aside, &lock);
                                let _ = std::fs::remove_file(&aside);
                                guard.created_out = false;
                                guard.lock = PathBuf::new();
                                return Err(busy(now));
                            }
                            let _ = std::fs::remove_file(&aside);
                            guard.taken_over = Some(match holder {
                                Some(pid) => format!(
                                    "папка {} была занята сборкой (pid {pid}), которая уже не работает — блокировка снята",
                                    out.display()
                                ),
                                None => format!(
                                    "в папке {} была повреждённая блокировка {LOCK_FILE} — снята",
                                    out.display()
                                ),
                            });
                        }
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                        Err(e) => return Err(io_error(&lock)(e)),
                    }
                }
                Err(e) => return Err(io_error(&lock)(e)),
            }
        }
        guard.created_out = false;
        guard.lock = PathBuf::new();
        Err(busy(read_holder(&lock)))
    }

    /// Whether this process holds the lock of `out`.
    pub fn is_held(out: &Path) -> bool {
        let key = lock_key(out);
        HELD.lock().unwrap_or_else(|e| e.into_inner()).contains(&key)
    }
}

impl Drop for OutLock {
    fn drop(&mut self) {
        if self.lock.as_os_str().is_empty() {
            return;
        }
        let mut held = HELD.lock().unwrap_or_else(|e| e.into_inner());
        let ours = held.iter().position(|k| *k == self.key);
        if let Some(i) = ours {
            held.remove(i);
            if read_holder(&self.lock) == Some(std::process::id()) {
                let _ = std::fs::remove_file(&self.lock);
            }
        }
        drop(held);
        if self.created_out {
            // Only when empty: a failed first build leaves no out/ behind.
            let _ = std::fs::remove_dir(&self.out);
        }
    }
}

/// The key of an output folder in [`HELD`]: its canonical path.
fn lock_key(out: &Path) -> PathBuf {
    std::fs::canonicalize(out)
        .or_else(|_| std::path::absolute(out))
        .unwrap_or_else(|_| out.to_path_buf())
}

/// The process id in a lock file; waits a moment for one being written.
fn read_holder(lock: &Path) -> Option<u32> {
    for attempt in 0..5 {
        match std::fs::read_to_string(lock) {
            Ok(text) => {
                if let Ok(pid) = text.trim().parse() {
                    return Some(pid);
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(_) => {}
        }
        if attempt < 4 {
            std::thread::sleep(std::time::Duration::from_millis(40));
        }
    }
    None
}

/// Whether process `pid` runs: `/proc/<pid>` exists. Without `/proc` (not
/// Linux) every process is taken as running, so a lock is never stolen.
fn process_runs(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return true;
    }
    proc.join(pid.to_string()).exists()
}
