//! Change detection for `max-rating watch`: what changed under the inputs
//! folder, the template folders (`<inputs>/../templates`,
//! `<inputs>/templates`, `--templates`) or the `--methodology` file.
//!
//! Changes come from the operating system (`notify`: inotify on Linux) or,
//! with `--poll` or when notifications can't be set up (network folders,
//! the inotify limit), from comparing the modification times and sizes of
//! the files every 0.5 s. Either way they are debounced: [`Watcher::next`]
//! returns once nothing has changed for the debounce time (300 ms by
//! default), so saving a workbook (which editors do in several writes)
//! gives one change.
//!
//! Ignored: anything inside the output folder, hidden files and folders
//! (`.name`, which covers editors' lock and swap files and our own staging
//! folders), Office lock files (`~$name.xlsx`) and editors' temporary files
//! (`name~`, `*.swp`, `*.tmp`, vim's `4913`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant, SystemTime};

use notify::{EventKind, RecursiveMode, Watcher as _};

use crate::layout::TEMPLATES_DIR;

/// Debounce by default: a build starts after 300 ms without changes.
pub const DEBOUNCE: Duration = Duration::from_millis(300);
/// Polling period of `--poll`.
pub const POLL: Duration = Duration::from_millis(500);

/// What to watch.
#[derive(Debug, Clone)]
pub struct Watch {
    pub inputs: PathBuf,
    /// The output folder: its changes are ignored.
    pub out: PathBuf,
    pub templates: Option<PathBuf>,
    pub methodology: Option<PathBuf>,
    /// Some(period): poll instead of the system's notifications.
    pub poll: Option<Duration>,
}

/// One watched place: a folder (recursively) or a single file.
#[derive(Debug, Clone)]
struct Root {
    path: PathBuf,
    /// Shown as `label/relative/path`.
    label: String,
    /// Whether this is a single file (`--methodology`).
    file: bool,
}

/// Which paths matter and how to show them.
#[derive(Debug, Clone)]
struct Filter {
    roots: Vec<Root>,
    out: PathBuf,
}

fn absolute(p: &Path) -> PathBuf {
    if let Ok(c) = p.canonicalize() {
        return c;
    }
    // Not there (yet): canonicalize the parent and keep the name.
    match (p.parent(), p.file_name()) {
        (Some(parent), Some(name)) => {
            let parent = if parent.as_os_str().is_empty() {
                Path::new(".")
            } else {
                parent
            };
            absolute(parent).join(name)
        }
        _ => std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf()),
    }
}

fn label_of(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// Editors' temporary and lock files, hidden entries.
pub fn is_ignored_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    name.starts_with('.')
        || name.starts_with("~$")
        || name.ends_with('~')
        || name == "4913"
        || [".swp", ".swx", ".swo", ".tmp", ".temp", ".part", ".crdownload", ".bak"]
            .iter()
            .any(|ext| lower.ends_with(ext))
}

impl Filter {
    fn new(opts: &Watch) -> Filter {
        let inputs = absolute(&opts.inputs);
        let mut roots = vec![Root {
            label: label_of(&inputs),
            path: inputs.clone(),
            file: false,
        }];
        // `<inputs>/templates` is inside the inputs folder; the sibling may
        // appear later, so it is a root whether it exists or not.
        if let Some(parent) = inputs.parent() {
            let sibling = parent.join(TEMPLATES_DIR);
            roots.push(Root {
                label: TEMPLATES_DIR.into(),
                path: sibling,
                file: false,
            });
        }
        if let Some(t) = &opts.templates {
            let t = absolute(t);
            if !roots.iter().any(|r| t.starts_with(&r.path)) {
                roots.push(Root {
                    label: label_of(&t),
                    path: t,
                    file: false,
                });
            }
        }
        if let Some(m) = &opts.methodology {
            let m = absolute(m);
            if !roots.iter().any(|r| m.starts_with(&r.path)) {
                roots.push(Root {
                    label: label_of(&m),
                    path: m,
                    file: true,
                });
            }
        }
        Filter {
            roots,
            out: absolute(&opts.out),
        }
    }

    /// The path as shown, or None when the change doesn't matter.
    fn shown(&self, path: &Path) -> Option<String> {
        if path.starts_with(&self.out) {
            return None;
        }
        // The innermost root wins (a --templates folder inside inputs is
        // shown as inputs/…, which is fine too).
        let root = self
            .roots
            .iter()
            .filter(|r| path.starts_with(&r.path))
            .max_by_key(|r| r.path.components().count())?;
        let rel = path.strip_prefix(&root.path).ok()?;
        if root.file {
            return rel.as_os_str().is_empty().then(|| root.label.clone());
        }
        let mut shown = root.label.clone();
        for c in rel.components() {
            let name = c.as_os_str().to_string_lossy();
            if is_ignored_name(&name) {
                return None;
            }
            shown.push('/');
            shown.push_str(&name);
        }
        Some(shown)
    }
}

// ---------------------------------------------------------------------------
// Sources of changes
// ---------------------------------------------------------------------------

trait Changes {
    /// Blocks until something relevant changed and then stayed quiet for
    /// `debounce`; returns what changed. None: the source is gone.
    fn next(&mut self, filter: &Filter, debounce: Duration) -> Option<Vec<String>>;
}

struct Notified {
    watcher: notify::RecommendedWatcher,
    rx: Receiver<notify::Result<notify::Event>>,
    /// Folders watched recursively.
    watched: BTreeSet<PathBuf>,
}

fn relevant_kind(kind: &EventKind) -> bool {
    use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind};
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        _ => true,
    }
}

impl Notified {
    fn start(filter: &Filter) -> notify::Result<Notified> {
        let (tx, rx) = channel();
        let watcher = notify::recommended_watcher(tx)?;
        let mut n = Notified {
            watcher,
            rx,
            watched: BTreeSet::new(),
        };
        n.refresh(filter)?;
        // A file, or a folder that may appear later (the sibling
        // `templates/`): watch its parent, not recursively; the filter drops
        // the parent's other entries.
        let mut parents = BTreeSet::new();
        for root in filter.roots.iter().filter(|r| r.file || !r.path.is_dir()) {
            parents.extend(root.path.parent().map(Path::to_path_buf));
        }
        for p in parents {
            if p.is_dir() && !n.watched.iter().any(|w| p.starts_with(w)) {
                n.watcher.watch(&p, RecursiveMode::NonRecursive)?;
            }
        }
        Ok(n)
    }

    /// Watches every root folder that exists now (once).
    fn refresh(&mut self, filter: &Filter) -> notify::Result<()> {
        for root in filter.roots.iter().filter(|r| !r.file) {
            if root.path.is_dir() && !self.watched.contains(&root.path) {
                self.watcher.watch(&root.path, RecursiveMode::Recursive)?;
                self.watched.insert(root.path.clone());
            }
        }
        Ok(())
    }

    fn collect(&self, event: notify::Result<notify::Event>, filter: &Filter, into: &mut BTreeSet<String>) -> bool {
        let Ok(event) = event else {
            return false;
        };
        if !relevant_kind(&event.kind) {
            return false;
        }
        let mut any = false;
        for p in &event.paths {
            if let Some(s) = filter.shown(p) {
                into.insert(s);
                any = true;
            }
        }
        any
    }
}

impl Changes for Notified {
    fn next(&mut self, filter: &Filter, debounce: Duration) -> Option<Vec<String>> {
        let mut changed = BTreeSet::new();
        // Wait for the first relevant change.
        loop {
            let ev = self.rx.recv().ok()?;
            if self.collect(ev, filter, &mut changed) {
                break;
            }
        }
        // Then until quiet for `debounce`.
        let mut quiet_since = Instant::now();
        loop {
            let left = debounce.saturating_sub(quiet_since.elapsed());
            match self.rx.recv_timeout(left) {
                Ok(ev) => {
                    if self.collect(ev, filter, &mut changed) {
                        quiet_since = Instant::now();
                    }
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return None,
            }
        }
        // A templates folder created meanwhile is watched from now on.
        let _ = self.refresh(filter);
        Some(changed.into_iter().collect())
    }
}

/// Modification time, size and kind of every relevant file.
type Snapshot = BTreeMap<PathBuf, (Option<SystemTime>, u64, bool)>;

struct Polled {
    period: Duration,
    last: Snapshot,
}

fn snapshot(filter: &Filter) -> Snapshot {
    fn walk(dir: &Path, filter: &Filter, into: &mut Snapshot) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let path = e.path();
            if filter.shown(&path).is_none() {
                continue;
            }
            let Ok(meta) = e.metadata() else {
                continue;
            };
            into.insert(path.clone(), (meta.modified().ok(), meta.len(), meta.is_dir()));
            if meta.is_dir() {
                walk(&path, filter, into);
            }
        }
    }
    let mut snap = Snapshot::new();
    for root in &filter.roots {
        if root.file {
            if let Ok(meta) = std::fs::metadata(&root.path) {
                snap.insert(root.path.clone(), (meta.modified().ok(), meta.len(), false));
            }
        } else {
            walk(&root.path, filter, &mut snap);
        }
    }
    snap
}

fn diff(a: &Snapshot, b: &Snapshot, filter: &Filter, into: &mut BTreeSet<String>) {
    for (path, meta) in b {
        // A folder's own mtime changes with its entries, which are listed.
        if a.get(path) != Some(meta) && !meta.2 {
            into.extend(filter.shown(path));
        }
    }
    for path in a.keys().filter(|p| !b.contains_key(*p)) {
        into.extend(filter.shown(path));
    }
}

impl Changes for Polled {
    fn next(&mut self, filter: &Filter, debounce: Duration) -> Option<Vec<String>> {
        let mut changed = BTreeSet::new();
        loop {
            std::thread::sleep(self.period);
            let now = snapshot(filter);
            diff(&self.last, &now, filter, &mut changed);
            self.last = now;
            if !changed.is_empty() {
                break;
            }
        }
        loop {
            std::thread::sleep(debounce);
            let now = snapshot(filter);
            let before = changed.len();
            let mut more = BTreeSet::new();
            diff(&self.last, &now, filter, &mut more);
            self.last = now;
            changed.extend(more.iter().cloned());
            if more.is_empty() && changed.len() == before {
                break;
            }
        }
        Some(changed.into_iter().collect())
    }
}

// ---------------------------------------------------------------------------
// The watcher
// ---------------------------------------------------------------------------

/// Watches the places of a [`Watch`] for changes.
pub struct Watcher {
    filter: Filter,
    source: Box<dyn Changes>,
    polling: bool,
}

impl Watcher {
    /// Starts watching. When the system's notifications can't be set up,
    /// polls instead and says why in the second value.
    pub fn start(opts: &Watch) -> (Watcher, Option<String>) {
        let filter = Filter::new(opts);
        let polled = |period| -> Box<dyn Changes> {
            Box::new(Polled {
                period,
                last: snapshot(&filter),
            })
        };
        let (source, polling, fallback): (Box<dyn Changes>, bool, Option<String>) = match opts.poll {
            Some(period) => (polled(period), true, None),
            None => match Notified::start(&filter) {
                Ok(n) => (Box::new(n), false, None),
                Err(e) => (
                    polled(POLL),
                    true,
                    Some(format!(
                        "уведомления об изменениях недоступны ({}); папки опрашиваются каждые {} с",
                        notify_reason(&e),
                        crate::fmt::decimal(POLL.as_millis(), 1000)
                    )),
                ),
            },
        };
        (
            Watcher {
                filter,
                source,
                polling,
            },
            fallback,
        )
    }

    /// The folders and files watched that exist now, as paths.
    pub fn roots(&self) -> Vec<String> {
        self.filter
            .roots
            .iter()
            .filter(|r| r.path.exists())
            .map(|r| r.path.display().to_string())
            .collect()
    }

    /// Whether changes are found by polling.
    pub fn polling(&self) -> bool {
        self.polling
    }

    /// Blocks until something relevant changed and then stayed quiet for
    /// `debounce`; returns what changed (shown relative to their watched
    /// folder's parent, e.g. `inputs/submissions/mfc.xlsx`), sorted. None:
    /// the source of changes is gone.
    pub fn next(&mut self, debounce: Duration) -> Option<Vec<String>> {
        self.source.next(&self.filter, debounce)
    }
}

/// Why notifications failed, in Russian.
fn notify_reason(e: &notify::Error) -> String {
    match &e.kind {
        notify::ErrorKind::Io(io) => crate::diag::io_reason(io),
        notify::ErrorKind::MaxFilesWatch => "исчерпан лимит наблюдаемых файлов системы".into(),
        notify::ErrorKind::PathNotFound => "папка не найдена".into(),
        _ => "системный механизм уведомлений не работает".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(dir: &Path) -> Filter {
        let inputs = dir.join("inputs");
        std::fs::create_dir_all(inputs.join("submissions")).unwrap();
        Filter::new(&Watch {
            inputs,
            out: dir.join("inputs/out"),
            templates: None,
            methodology: Some(dir.join("m.toml")),
            poll: None,
        })
    }

    #[test]
    fn what_is_shown_and_what_is_ignored() {
        let tmp = tempfile::tempdir().unwrap();
        let f = filter(tmp.path());
        let d = f.roots[0].path.parent().unwrap().to_path_buf();
        let shown = |p: &str| f.shown(&d.join(p));
        assert_eq!(
            shown("inputs/submissions/mfc.xlsx").as_deref(),
            Some("inputs/submissions/mfc.xlsx")
        );
        assert_eq!(shown("templates/deck.typ").as_deref(), Some("templates/deck.typ"));
        assert_eq!(shown("m.toml").as_deref(), Some("m.toml"));
        assert_eq!(shown("other.toml"), None);
        assert_eq!(shown("out/rating.json"), None);
        assert_eq!(shown("inputs/out/rating.json"), None, "the output folder");
        assert_eq!(shown("inputs/submissions/~$mfc.xlsx"), None);
        assert_eq!(shown("inputs/submissions/.~lock.mfc.xlsx#"), None);
        assert_eq!(shown("inputs/.git/HEAD"), None);
        assert_eq!(shown("templates/deck.typ.swp"), None);
        assert_eq!(shown("templates/deck.typ~"), None);
        assert_eq!(shown("templates/4913"), None);
    }

    #[test]
    fn polling_sees_changes_and_new_files() {
        let tmp = tempfile::tempdir().unwrap();
        let f = filter(tmp.path());
        let subs = tmp.path().join("inputs/submissions");
        std::fs::write(subs.join("a.xlsx"), b"1").unwrap();
        let before = snapshot(&f);
        std::fs::write(subs.join("a.xlsx"), b"22").unwrap();
        std::fs::write(subs.join("~$a.xlsx"), b"lock").unwrap();
        std::fs::create_dir_all(tmp.path().join("templates")).unwrap();
        std::fs::write(tmp.path().join("templates/deck.typ"), b"x").unwrap();
        let after = snapshot(&f);
        let mut changed = BTreeSet::new();
        diff(&before, &after, &f, &mut changed);
        assert_eq!(
            changed.into_iter().collect::<Vec<_>>(),
            ["inputs/submissions/a.xlsx", "templates/deck.typ"]
        );
    }
}
