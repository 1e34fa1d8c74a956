//! The output folder's mechanics: every build's files are written to a
//! staging folder first and swapped into place only when all are ready, so
//! a failed build leaves the folder as it was; one build at a time holds the
//! folder's lock ([`OutLock`]).

mod lock;

use std::path::Path;

pub use lock::{LOCK_FILE, OutLock};

use crate::app::AppError;
use crate::layout::{BUILD_OWNED, CARRIED};
use crate::render::OutputFile;

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

/// [`write_outputs`] for a build: also retires the [`BUILD_OWNED`] entries
/// this build did not write, in the same atomic swap, and keeps the
/// [`CARRIED`] files (the journal of sent mail) in the new folder.
pub fn write_build_outputs(out: &Path, files: &[OutputFile]) -> Result<(), AppError> {
    let _lock = if OutLock::is_held(out) {
        None
    } else {
        Some(OutLock::acquire(out)?)
    };
    let mut carried: Vec<OutputFile> = Vec::new();
    for path in CARRIED {
        let from = out.join(path);
        if !files.iter().any(|f| f.path == *path) && std::fs::symlink_metadata(&from).is_ok_and(|m| m.is_file()) {
            let bytes = std::fs::read(&from).map_err(io_error(&from))?;
            carried.push(OutputFile::new(*path, bytes));
        }
    }
    if carried.is_empty() {
        return write_outputs_with(out, files, BUILD_OWNED, &mut |_| Ok(()));
    }
    let all: Vec<OutputFile> = files.iter().cloned().chain(carried).collect();
    write_outputs_with(out, &all, BUILD_OWNED, &mut |_| Ok(()))
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
    ensure_dir(out)?;
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

pub(crate) fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> AppError + use<> {
    let path = path.to_path_buf();
    move |source| AppError::Output { path, source }
}

/// Creates the output folder (and its parents) unless it exists; a file in
/// its place is said to be a file.
pub(crate) fn ensure_dir(out: &Path) -> Result<(), AppError> {
    if std::fs::metadata(out).is_ok_and(|m| !m.is_dir()) {
        return Err(AppError::OutNotDir(out.to_path_buf()));
    }
    std::fs::create_dir_all(out).map_err(|source| {
        // A parent that is a file.
        match out
            .ancestors()
            .skip(1)
            .find(|a| std::fs::metadata(a).is_ok_and(|m| !m.is_dir()))
        {
            Some(file) => AppError::OutNotDir(file.to_path_buf()),
            None => AppError::Output {
                path: out.to_path_buf(),
                source,
            },
        }
    })
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

/// Writes the files into `staging`. A file whose bytes equal those already
/// in the output folder (`staging`'s parent) is linked instead of written:
/// it keeps its inode and time, so the swap does not rewrite what did not
/// change (synchronised folders and file managers see only the changes).
fn write_staged(staging: &Path, files: &[OutputFile]) -> Result<(), AppError> {
    let out = staging.parent();
    for f in files {
        let path = staging.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io_error(parent))?;
        }
        if let Some(old) = out.map(|o| o.join(&f.path))
            && unchanged(&old, &f.bytes)
            && std::fs::hard_link(&old, &path).is_ok()
        {
            continue;
        }
        std::fs::write(&path, &f.bytes).map_err(io_error(&path))?;
    }
    Ok(())
}

/// Whether `path` is a plain file (not a link) holding exactly `bytes`.
fn unchanged(path: &Path, bytes: &[u8]) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
        && std::fs::read(path).is_ok_and(|old| old == bytes)
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
