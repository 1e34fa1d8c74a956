//! Atomic builds: a failed build leaves the previous output folder exactly
//! as it was, inputs are never changed, and two builds on one output folder
//! do not interleave (the lock `out/.max-rating.lock`).

use std::collections::BTreeMap;
use std::path::Path;

use max_rating::app::{AppError, exit};
use max_rating::layout::BUILD_OWNED;
use max_rating::outdir::{self, LOCK_FILE, OutLock};
use max_rating::render::OutputFile;

use crate::common::{bin, inputs_copy};

/// Every file and folder under `dir`: relative path → bytes (folders: None),
/// with the modification time of each file, so that a rewrite with equal
/// bytes shows too.
type Snapshot = BTreeMap<String, (Option<Vec<u8>>, Option<std::time::SystemTime>)>;

fn snapshot(dir: &Path) -> Snapshot {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, (Option<Vec<u8>>, Option<std::time::SystemTime>)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let path = e.path();
            let rel = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            let meta = e.metadata().unwrap();
            if meta.is_dir() {
                out.insert(rel, (None, None));
                walk(root, &path, out);
            } else {
                out.insert(rel, (Some(std::fs::read(&path).unwrap()), meta.modified().ok()));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn assert_same(before: &Snapshot, dir: &Path) {
    let after = snapshot(dir);
    let names = |m: &BTreeMap<String, _>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(before), names(&after), "the entries of {} changed", dir.display());
    for (k, v) in before {
        assert!(after[k] == *v, "{k} changed");
    }
}

/// A successful build of the shipped inputs into `out`.
fn build_ok(inputs: &Path, out: &Path) {
    bin()
        .args(["build", "--inputs"])
        .arg(inputs)
        .arg("--out")
        .arg(out)
        .assert()
        .code(0);
}

// ------------------------------------------------------------------ failed builds

#[test]
fn a_template_error_after_the_rating_leaves_out_byte_identical() {
    let (tmp, dir) = inputs_copy();
    let out = tmp.path().join("out");
    build_ok(&dir, &out);
    let before = snapshot(&out);
    assert!(before.contains_key("rating.json") && before.contains_key("deck.pdf"));
    // The rating succeeds; the deck's template does not compile.
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(dir.join("templates/deck.typ"), "#let x = (\n= Незакрытая скобка\n").unwrap();
    let res = bin()
        .args(["build", "--inputs"])
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert_eq!(res.status.code(), Some(i32::from(exit::RENDER)), "{stderr}");
    assert!(stderr.contains("deck.typ"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_same(&before, &out);
}

#[test]
fn a_data_error_leaves_out_byte_identical() {
    let (tmp, dir) = inputs_copy();
    let out = tmp.path().join("out");
    build_ok(&dir, &out);
    let before = snapshot(&out);
    std::fs::write(dir.join("submissions/mintrans.xlsx"), b"").unwrap();
    bin()
        .args(["build", "--inputs"])
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(i32::from(exit::DATA));
    assert_same(&before, &out);
}

fn file(path: &str, text: &str) -> OutputFile {
    OutputFile {
        path: path.into(),
        bytes: text.as_bytes().to_vec(),
    }
}

/// An output folder with a previous build: two files and a folder.
fn previous(out: &Path) {
    outdir::write_outputs(
        out,
        &[
            file("a.json", "old a"),
            file("b.xlsx", "old b"),
            file("bodies/x/letter.pdf", "old letter"),
        ],
    )
    .unwrap();
}

/// Writes `new` (retiring `retire`) once per entry of `points`, failing just
/// before that entry is moved into place: each time `out` is as `before`.
fn fail_at_each_move(out: &Path, new: &[OutputFile], retire: &[&str], points: &[&str], before: &Snapshot) {
    for &fail_at in points {
        let err = outdir::write_outputs_with(out, new, retire, &mut |top| {
            if top == fail_at {
                Err(std::io::Error::other("сбой для теста"))
            } else {
                Ok(())
            }
        })
        .unwrap_err();
        assert!(matches!(err, AppError::Output { .. }), "{err}");
        assert_eq!(err.exit_code(), exit::OUTPUT);
        assert_same(before, out);
    }
}

#[test]
fn a_failure_between_the_moves_puts_everything_back() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    previous(&out);
    let before = snapshot(&out);
    let new = [
        file("a.json", "new a"),
        file("b.xlsx", "new b"),
        file("bodies/y/letter.pdf", "new letter"),
        file("c.pdf", "new c"),
    ];
    // Fail before each move in turn: the moves done are undone.
    fail_at_each_move(&out, &new, &[], &["a.json", "b.xlsx", "bodies", "c.pdf"], &before);
    // Then it works.
    outdir::write_outputs(&out, &new).unwrap();
    assert_eq!(std::fs::read_to_string(out.join("a.json")).unwrap(), "new a");
    assert!(out.join("bodies/y/letter.pdf").exists());
    assert!(!out.join("bodies/x").exists());
    let hidden: Vec<String> = snapshot(&out).into_keys().filter(|k| k.starts_with('.')).collect();
    assert!(hidden.is_empty(), "{hidden:?}");
}

#[test]
fn a_build_without_packs_retires_the_old_packs_atomically() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    previous(&out);
    std::fs::write(out.join("forms.keep"), "not a build's").unwrap();
    let before = snapshot(&out);
    let new = [file("a.json", "new a"), file("b.xlsx", "new b")];
    // A failure at any move, the retired `bodies` included, puts everything back.
    fail_at_each_move(&out, &new, BUILD_OWNED, &["a.json", "b.xlsx", "bodies"], &before);
    outdir::write_build_outputs(&out, &new).unwrap();
    assert!(!out.join("bodies").exists(), "the packs of the earlier build are gone");
    assert_eq!(std::fs::read_to_string(out.join("a.json")).unwrap(), "new a");
    assert_eq!(
        std::fs::read_to_string(out.join("forms.keep")).unwrap(),
        "not a build's"
    );
    let hidden: Vec<String> = snapshot(&out).into_keys().filter(|k| k.starts_with('.')).collect();
    assert!(hidden.is_empty(), "{hidden:?}");
    // A plain write (the `forms` command) leaves a build's `bodies` alone.
    previous(&out);
    outdir::write_outputs(&out, &[file("forms/x.xlsx", "form")]).unwrap();
    assert!(out.join("bodies/x/letter.pdf").exists());
}

#[test]
fn build_no_packs_after_a_full_build_leaves_no_stale_packs() {
    let (tmp, dir) = inputs_copy();
    let out = tmp.path().join("out");
    build_ok(&dir, &out);
    assert!(out.join("bodies").is_dir());
    bin()
        .args(["build", "--no-packs", "--inputs"])
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(0);
    assert!(!out.join("bodies").exists());
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(!manifest.contains("bodies/"), "{manifest}");
}

#[test]
fn a_failure_while_staging_leaves_out_unchanged() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    previous(&out);
    let before = snapshot(&out);
    // A file and a folder of the same name cannot both be written.
    let err = outdir::write_outputs(&out, &[file("a.json", "new a"), file("a.json/x", "y")]).unwrap_err();
    assert!(matches!(err, AppError::Output { .. }), "{err}");
    assert_same(&before, &out);
    // Paths that would leave the folder are refused.
    for bad in ["../escape.txt", "/abs.txt", "a/../../b", ".max-rating.lock", ""] {
        assert!(outdir::write_outputs(&out, &[file(bad, "x")]).is_err(), "{bad}");
        assert_same(&before, &out);
    }
    assert!(!tmp.path().join("escape.txt").exists());
}

#[test]
fn a_failed_first_build_creates_no_output_folder() {
    let (tmp, dir) = inputs_copy();
    std::fs::write(dir.join("submissions/mintrans.xlsx"), b"not a workbook").unwrap();
    let out = tmp.path().join("new/out");
    bin()
        .args(["build", "--inputs"])
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(i32::from(exit::DATA));
    assert!(!out.exists());
}

// ------------------------------------------------------------------ crashed runs

#[test]
fn leftovers_of_a_crashed_run_are_cleaned_up() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    previous(&out);
    // A run that crashed mid-swap: its staging folder, and `b.xlsx` set
    // aside with nothing moved in its place yet.
    std::fs::create_dir_all(out.join(".staging-999999/bodies")).unwrap();
    std::fs::write(out.join(".staging-999999/a.json"), "half").unwrap();
    std::fs::create_dir_all(out.join(".old-999999")).unwrap();
    std::fs::rename(out.join("b.xlsx"), out.join(".old-999999/b.xlsx")).unwrap();
    std::fs::write(out.join(".old-999999/a.json"), "older a").unwrap();
    outdir::write_outputs(&out, &[file("c.pdf", "new c")]).unwrap();
    // b.xlsx is back; a.json (which had been replaced) is the current one.
    assert_eq!(std::fs::read_to_string(out.join("b.xlsx")).unwrap(), "old b");
    assert_eq!(std::fs::read_to_string(out.join("a.json")).unwrap(), "old a");
    assert_eq!(std::fs::read_to_string(out.join("c.pdf")).unwrap(), "new c");
    let hidden: Vec<String> = snapshot(&out).into_keys().filter(|k| k.starts_with('.')).collect();
    assert!(hidden.is_empty(), "{hidden:?}");
}

#[test]
fn a_build_after_a_crash_cleans_the_staging_folder() {
    let (tmp, dir) = inputs_copy();
    let out = tmp.path().join("out");
    std::fs::create_dir_all(out.join(".staging-4000000")).unwrap();
    std::fs::write(out.join(".staging-4000000/rating.json"), "half-written").unwrap();
    build_ok(&dir, &out);
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
    assert!(
        std::fs::read_to_string(out.join("rating.json"))
            .unwrap()
            .contains("\"total\"")
    );
}

// ------------------------------------------------------------------ inputs

#[test]
fn inputs_are_never_changed() {
    let (tmp, dir) = inputs_copy();
    // Templates next to the inputs too.
    std::fs::create_dir_all(dir.join("templates")).unwrap();
    std::fs::write(dir.join("templates/README.md"), "шаблоны").unwrap();
    let before = snapshot(&dir);
    let out = tmp.path().join("out");
    build_ok(&dir, &out);
    bin().args(["check", "--inputs"]).arg(&dir).assert().code(0);
    // A failing build too.
    std::fs::write(dir.join("submissions/zz.xlsx"), b"").unwrap();
    let mut before_fail = before.clone();
    before_fail.insert(
        "submissions/zz.xlsx".into(),
        (
            Some(Vec::new()),
            std::fs::metadata(dir.join("submissions/zz.xlsx"))
                .unwrap()
                .modified()
                .ok(),
        ),
    );
    bin()
        .args(["build", "--inputs"])
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(i32::from(exit::DATA));
    assert_same(&before_fail, &dir);
}

// ------------------------------------------------------------------ the lock

/// A process that runs until dropped: its pid is a live build's.
struct Live(std::process::Child);

impl Live {
    fn new() -> Live {
        Live(std::process::Command::new("sleep").arg("60").spawn().unwrap())
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The pid of a process that has ended.
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn a_held_lock_makes_a_second_build_busy() {
    let (tmp, dir) = inputs_copy();
    let out = tmp.path().join("out");
    build_ok(&dir, &out);
    let live = Live::new();
    let pid = live.0.id();
    std::fs::write(out.join(LOCK_FILE), format!("{pid}\n")).unwrap();
    let before = snapshot(&out);
    let res = bin()
        .args(["build", "--inputs"])
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert_eq!(res.status.code(), Some(i32::from(exit::BUSY)), "{stderr}");
    assert!(
        stderr.contains(&format!("папка {} занята другой сборкой (pid {pid})", out.display())),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    // Nothing touched, the other build's lock included.
    assert_same(&before, &out);
    // `forms` writes into the same folder: busy too.
    bin()
        .args(["forms", "--inputs"])
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(i32::from(exit::BUSY));
    assert_same(&before, &out);
    drop(live);
}

#[test]
fn a_stale_lock_is_taken_over_with_a_warning() {
    let (tmp, dir) = inputs_copy();
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let pid = dead_pid();
    std::fs::write(out.join(LOCK_FILE), format!("{pid}\n")).unwrap();
    let res = bin()
        .args(["build", "--inputs"])
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert_eq!(res.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "предупреждение: папка {} была занята сборкой (pid {pid}), которая уже не работает",
            out.display()
        )),
        "{stderr}"
    );
    assert!(out.join("rating.json").exists());
    assert!(!out.join(LOCK_FILE).exists(), "the lock is removed on exit");
    // A lock file with no pid in it (a crash while it was written) too.
    std::fs::write(out.join(LOCK_FILE), "").unwrap();
    build_ok(&dir, &out);
    assert!(!out.join(LOCK_FILE).exists());
}

#[test]
fn the_lock_in_one_process() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let lock = OutLock::acquire(&out).unwrap();
    assert!(lock.taken_over.is_none());
    let text = std::fs::read_to_string(out.join(LOCK_FILE)).unwrap();
    assert_eq!(text.trim(), std::process::id().to_string());
    assert!(OutLock::is_held(&out));
    // Held: a second lock is refused, and writing goes on under the first.
    let err = OutLock::acquire(&out).unwrap_err();
    assert_eq!(err.exit_code(), exit::BUSY);
    assert!(err.to_string().contains("занята другой сборкой"), "{err}");
    outdir::write_outputs(&out, &[file("a.json", "a")]).unwrap();
    assert!(out.join(LOCK_FILE).exists());
    drop(lock);
    assert!(!out.join(LOCK_FILE).exists());
    assert!(!OutLock::is_held(&out));
    // A folder the lock created is removed with it when left empty.
    let fresh = tmp.path().join("fresh");
    drop(OutLock::acquire(&fresh).unwrap());
    assert!(!fresh.exists());
}

#[test]
fn two_builds_at_once_do_not_interleave() {
    let (tmp, dir) = inputs_copy();
    let out = tmp.path().join("out");
    for _ in 0..3 {
        let spawn = || {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("max-rating"))
                .args(["build", "--inputs"])
                .arg(&dir)
                .arg("--out")
                .arg(&out)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        let results: Vec<(Option<i32>, String)> = [a, b]
            .into_iter()
            .map(|c| {
                let o = c.wait_with_output().unwrap();
                (o.status.code(), String::from_utf8_lossy(&o.stderr).into_owned())
            })
            .collect();
        // Each either built or was refused as busy; at least one built.
        for (code, stderr) in &results {
            assert!(
                *code == Some(0) || (*code == Some(i32::from(exit::BUSY)) && stderr.contains("занята другой сборкой")),
                "{code:?}: {stderr}"
            );
        }
        assert!(results.iter().any(|(c, _)| *c == Some(0)));
        let names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.starts_with('.')), "{names:?}");
        for f in ["rating.json", "report.xlsx", "deck.pdf"] {
            assert!(out.join(f).exists(), "{f}");
        }
    }
}
