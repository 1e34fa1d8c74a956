//! The lock of an output folder: one build at a time per folder.

use std::path::{Path, PathBuf};

use crate::app::AppError;

use super::io_error;

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
        super::ensure_dir(out)?;
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
