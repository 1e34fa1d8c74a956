//! The demonstration workspace `examples/demo/`: its committed files are
//! what the generator writes, and it builds with dynamics, a forecast and
//! a ranking slide.

use std::path::{Path, PathBuf};

use crate::common::{bin, copy_dir, files_under as files};

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/demo")
}

#[test]
fn the_committed_demo_is_what_the_generator_writes() {
    let tmp = tempfile::tempdir().unwrap();
    max_rating_testkit::demo::write(tmp.path()).unwrap();
    for part in ["inputs", "periods"] {
        let ours = files(&tmp.path().join(part));
        assert_eq!(
            ours,
            files(&demo().join(part)),
            "the files of {part}/ differ: regenerate the demo"
        );
        for f in ours {
            let a = std::fs::read(tmp.path().join(part).join(&f)).unwrap();
            let b = std::fs::read(demo().join(part).join(&f)).unwrap();
            assert!(
                a == b,
                "{part}/{} differs from the generator's: run the demo_workspace example",
                f.display()
            );
        }
    }
}

#[test]
fn the_demo_builds_with_dynamics_forecast_and_ranking() {
    let tmp = tempfile::tempdir().unwrap();
    let history = tmp.path().join("history");
    copy_dir(&demo().join("history"), &history);
    let out = tmp.path().join("out");
    let run = bin()
        .args(["build", "--inputs"])
        .arg(demo().join("inputs"))
        .arg("--out")
        .arg(&out)
        .arg("--history")
        .arg(&history)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let r: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("rating.json")).unwrap()).unwrap();
    let periods: Vec<&str> = r["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["period"].as_str().unwrap())
        .collect();
    assert_eq!(periods, ["2026-01", "2026-02", "2026-03", "2026-04"]);
    assert_eq!(r["region"], "Демонстрационная область");
    let deck = pdf_extract::extract_text_from_mem(&std::fs::read(out.join("deck.pdf")).unwrap()).unwrap();
    let deck = deck.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(deck.contains("Динамика показателей"), "no dynamics slide");
    assert!(deck.contains("при текущем темпе"), "no forecast: {deck}");
    assert!(deck.contains("Образцовый край"), "no ranking slide");
    assert!(!deck.contains("Забайкал"), "the demo shows the reference region");
    assert!(history.join("2026-04.json").exists(), "the build recorded no history");
}
