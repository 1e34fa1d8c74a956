//! `max-rating watch`: builds once, rebuilds on a changed submission, keeps
//! the last good outputs when a build fails. The watcher runs as a child
//! process with a bounded number of builds (`--max-builds`); every wait is
//! bounded.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use max_rating::forms::{Cell, SpecRow, SubmissionSpec};
use serde_json::Value;

const TIMEOUT: Duration = Duration::from_secs(120);

use crate::common::copy_dir;

/// Минздрав's form with the given value of `k2.sick_leave.closed_in_max`.
fn minzdrav(closed: Cell) -> Vec<u8> {
    let mut s = SubmissionSpec::new(
        "Забайкальский край",
        "Министерство здравоохранения Забайкальского края",
        "1 квартал 2026",
    );
    s.rows = vec![
        SpecRow::new("k2.sick_leave.closed_in_max", "Закрыто в МАХ", "шт.", closed, "МИС"),
        SpecRow::new("k2.sick_leave.total", "Всего", "шт.", Cell::Number(28_672.0), "СФР"),
        SpecRow::new(
            "k1.service.doctor_appointment.launched",
            "Запись к врачу",
            "1/0",
            Cell::Number(1.0),
            "Минздрав",
        ),
        SpecRow::new(
            "k1.service.sick_leave_tmk.launched",
            "ТМК",
            "1/0",
            Cell::Number(1.0),
            "Минздрав",
        ),
    ];
    s.to_xlsx().unwrap()
}

fn total(out: &Path) -> u64 {
    let text = std::fs::read_to_string(out.join("rating.json")).unwrap();
    let v: Value = serde_json::from_str(&text).unwrap();
    v["total"].as_u64().unwrap()
}

struct Watcher {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Watcher {
    fn start(inputs: &Path, out: &Path, extra: &[&str]) -> Watcher {
        let mut child = Command::new(env!("CARGO_BIN_EXE_max-rating"))
            .arg("watch")
            .arg("--inputs")
            .arg(inputs)
            .arg("--out")
            .arg(out)
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, lines) = channel();
        let out_tx = tx.clone();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for l in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = out_tx.send(l);
            }
        });
        std::thread::spawn(move || {
            for l in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(l);
            }
        });
        Watcher {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Waits for a line starting with `prefix`; returns it.
    fn expect(&mut self, prefix: &str) -> String {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.starts_with(prefix) {
                        return line;
                    }
                }
                Err(_) => {
                    let _ = self.child.kill();
                    panic!("no line «{prefix}…» in time; output so far:\n{}", self.seen.join("\n"));
                }
            }
        }
    }

    fn wait(mut self) -> (i32, Vec<String>) {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Drain what is left.
                while let Ok(l) = self.lines.recv_timeout(Duration::from_millis(200)) {
                    self.seen.push(l);
                }
                return (status.code().unwrap_or(-1), self.seen);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("watch did not stop; output:\n{}", self.seen.join("\n"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = tmp.path().join("inputs");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs"), &inputs);
    let out = tmp.path().join("out");
    (tmp, inputs, out)
}

fn rebuilds_on_change(extra: &[&str]) {
    let (_tmp, inputs, out) = setup();
    let mut w = Watcher::start(&inputs, &out, &[&["--max-builds", "3"], extra].concat());
    let first = w.expect("Сборка 1");
    assert!(first.contains("Итого") || first.contains("12 из 100"), "{first}");
    assert_eq!(total(&out), 12);

    // A broken value: the build fails, the outputs stay. An Office lock
    // file written alongside is not a change.
    let subs = inputs.join("submissions");
    std::fs::write(subs.join("~$minzdrav.xlsx"), b"lock").unwrap();
    std::fs::write(subs.join("minzdrav.xlsx"), minzdrav(Cell::Text("#DIV/0!".into()))).unwrap();
    let changed = w.expect("Изменено:");
    assert_eq!(changed, "Изменено: inputs/submissions/minzdrav.xlsx");
    let failed = w.expect("Сборка 2 не удалась");
    assert!(failed.contains("прежние результаты"), "{failed}");
    assert_eq!(total(&out), 12, "the last good outputs are kept");
    assert!(out.join("deck.pdf").is_file());

    // Fixed, with 2 000 of 28 672 sick leaves closed in MAX (7 % ≥ 5 %):
    // К2 gains 20 points.
    std::fs::write(subs.join("minzdrav.xlsx"), minzdrav(Cell::Number(2_000.0))).unwrap();
    let third = w.expect("Сборка 3");
    assert!(third.contains("32 из 100"), "{third}");
    let (code, lines) = w.wait();
    assert_eq!(code, 0, "{}", lines.join("\n"));
    assert_eq!(total(&out), 32);
    assert!(
        lines.iter().any(|l| l.contains("#DIV/0!")),
        "the error names the cell: {}",
        lines.join("\n")
    );
}

#[test]
fn watch_rebuilds_on_a_changed_submission() {
    rebuilds_on_change(&[]);
}

#[test]
fn watch_by_polling() {
    rebuilds_on_change(&["--poll"]);
}

#[test]
fn watch_sees_a_new_template_next_to_inputs() {
    let (tmp, inputs, out) = setup();
    let mut w = Watcher::start(&inputs, &out, &["--max-builds", "2"]);
    w.expect("Сборка 1");
    // A broken deck template in a new folder next to the inputs (moved into
    // place at once): the rebuild fails naming it.
    let staging = tmp.path().join("staging");
    std::fs::create_dir_all(&staging).unwrap();
    std::fs::write(staging.join("deck.typ"), "#let x = (\n").unwrap();
    std::fs::rename(&staging, tmp.path().join("templates")).unwrap();
    w.expect("Сборка 2 не удалась");
    let (code, lines) = w.wait();
    assert_eq!(code, 5, "a template error: {}", lines.join("\n"));
    assert!(lines.iter().any(|l| l.contains("deck.typ")), "{}", lines.join("\n"));
    assert_eq!(total(&out), 12);
}

/// Every file under `dir`, by path relative to it, with its bytes.
fn files_of(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    crate::common::files_under(dir)
        .into_iter()
        .map(|rel| {
            let bytes = std::fs::read(dir.join(&rel)).unwrap();
            (rel, bytes)
        })
        .collect()
}

/// The inode of every file under `dir` (None off Unix).
fn inodes(dir: &Path) -> Option<std::collections::BTreeMap<String, u64>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some(
            crate::common::files_under(dir)
                .into_iter()
                .map(|rel| {
                    let ino = std::fs::metadata(dir.join(&rel)).unwrap().ino();
                    (rel.to_string_lossy().into_owned(), ino)
                })
                .collect(),
        )
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

#[test]
fn a_rebuild_from_the_cache_equals_a_full_build() {
    use max_rating::pipeline::{self, BuildOptions, Sources};
    use max_rating::render::cache::RenderCache;
    use max_rating::render::typst::Fonts;

    let (tmp, inputs, out) = setup();
    let sources = Sources::new(inputs.clone(), None);
    let cache = std::sync::Arc::new(RenderCache::new());
    let cached = BuildOptions {
        cache: Some(cache.clone()),
        ..Default::default()
    };
    let fonts = Fonts::embedded();
    cache.start_build();
    pipeline::build(&sources, &cached, &fonts, &out).unwrap();
    let first = cache.stats();
    assert_eq!(first.reused, 0, "{first:?}");

    // One sick leave closed in MAX (of 28 672: still below 5 %): the points
    // stay, Минздрав's figures and the deck change.
    let before = inodes(&out);
    std::fs::write(inputs.join("submissions/minzdrav.xlsx"), minzdrav(Cell::Number(1.0))).unwrap();
    cache.start_build();
    pipeline::build(&sources, &cached, &fonts, &out).unwrap();
    let second = cache.stats();
    // What did not change is not rewritten: the same file (inode) as before.
    let after = inodes(&out);
    if let (Some(b), Some(a)) = (&before, &after) {
        assert_ne!(b["deck.pdf"], a["deck.pdf"], "the deck changed");
        assert_ne!(b["bodies/minzdrav/report.pdf"], a["bodies/minzdrav/report.pdf"]);
        assert_eq!(
            b["bodies/rosstat/report.pdf"], a["bodies/rosstat/report.pdf"],
            "unchanged pack rewritten"
        );
        assert_eq!(b["bodies/rosstat/letter.txt"], a["bodies/rosstat/letter.txt"]);
    }
    assert_eq!(second.reused + second.compiled, first.compiled, "{second:?}");
    assert!(second.compiled >= 2, "the deck and Минздрав's pack: {second:?}");
    assert!(second.reused >= 8, "the other bodies' packs: {second:?}");

    // The same inputs built from scratch, without a cache: the same bytes.
    let fresh = tmp.path().join("fresh");
    pipeline::build(&sources, &BuildOptions::default(), &fonts, &fresh).unwrap();
    let (a, b) = (files_of(&out), files_of(&fresh));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (path, bytes) in &a {
        assert!(bytes == &b[path], "{} differs from a full build", path.display());
    }
    let deck = pdf_extract::extract_text_from_mem(&a[Path::new("deck.pdf")]).unwrap();
    assert!(deck.contains("Минздрав"), "the deck was rendered");
}
