//! The memory of periods: history records, dynamics, pace and forecast in
//! every output, from a workspace of two quarters (the seed's 2026-Q1 and a
//! 2026-Q2), and the history command.

use std::path::{Path, PathBuf};

use max_rating_testkit::book::{self as xlsx_book, text};
use max_rating_testkit::reference::Forms;
use predicates::prelude::*;
use serde_json::Value;

use crate::common::{bin, inputs_copy};

/// The shipped inputs with the forms of 2026-Q`quarter` (`changes` to the
/// seed's figures) and region.toml's period set to it.
fn set_quarter(inputs: &Path, quarter: u8, changes: &[(&str, u64)]) {
    let subs = inputs.join("submissions");
    std::fs::remove_dir_all(&subs).unwrap();
    Forms::seed_quarter(quarter, changes).write(&subs).unwrap();
    let region = std::fs::read_to_string(inputs.join("region.toml")).unwrap();
    let region = region.replacen("period = \"2026-Q1\"", &format!("period = \"2026-Q{quarter}\""), 1);
    std::fs::write(inputs.join("region.toml"), region).unwrap();
}

fn build(inputs: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let run = bin()
        .args(["build", "--inputs"])
        .arg(inputs)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    run
}

fn rating(out: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(out.join("rating.json")).unwrap()).unwrap()
}

fn indicator<'a>(r: &'a Value, code: &str) -> &'a Value {
    r["components"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["indicators"].as_array().unwrap())
        .find(|i| i["code"] == code || i["measure"] == code)
        .unwrap_or_else(|| panic!("no indicator {code}"))
}

fn history_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn pdf_text(path: &Path) -> String {
    let t = pdf_extract::extract_text_from_mem(&std::fs::read(path).unwrap()).unwrap();
    t.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('\u{202F}', " ")
}

#[test]
fn the_seed_growth_needed_per_month() {
    let (tmp, inputs) = inputs_copy();
    let out = tmp.path().join("out");
    build(&inputs, &out, &[]);
    let r = rating(&out);
    for (code, per_month) in [
        ("k1.active_audience", 5_186),
        ("k3.active_audience", 21_639),
        ("k2.sick_leave.closed_in_max", 160),
        ("k2.mfc.notified_users", 1_836),
        ("k2.housing.chats_active", 154),
        ("k2.housing.channels_active", 7),
        ("k4.scanning", 29),
    ] {
        let i = indicator(&r, code);
        assert_eq!(i["growth_needed_per_month"], per_month, "{code}");
        assert_eq!(i["months_left"], 9, "{code}");
        assert!(
            i["previous"].is_null() && i["change"].is_null() && i["trend_per_month"].is_null(),
            "{code}"
        );
        assert!(i["forecast"].is_null(), "{code}");
    }
    assert_eq!(r["history"].as_array().unwrap().len(), 1);
    assert_eq!(r["history"][0]["period"], "2026-Q1");
    // The seed figures are unchanged, and one record was written.
    assert_eq!(r["total"], 12);
    assert_eq!(history_files(&tmp.path().join("history")), ["2026-Q1.json"]);
    // A single period: no dynamics slide.
    assert!(!pdf_text(&out.join("deck.pdf")).contains("Динамика показателей"));
}

/// A workspace of two quarters built: 2026-Q1 as shipped, then 2026-Q2
/// with 600 sick leaves closed via TMK.
fn two_quarters() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let (tmp, inputs) = inputs_copy();
    let out = tmp.path().join("out");
    build(&inputs, &out, &[]);
    set_quarter(&inputs, 2, &[("k2.sick_leave.closed_in_max", 600)]);
    build(&inputs, &out, &[]);
    (tmp, inputs, out)
}

#[test]
fn two_periods_in_every_output() {
    let (tmp, inputs, out) = two_quarters();
    let r = rating(&out);
    let sick = indicator(&r, "k2.sick_leave.closed_in_max");
    assert_eq!(sick["previous"]["period"], "2026-Q1");
    assert_eq!(sick["previous"]["value"], 0);
    assert_eq!(sick["change"], 600);
    assert_eq!(sick["trend_per_month"], 200);
    assert_eq!(sick["forecast"]["period"], "2026-11");
    assert_eq!(sick["forecast"]["on_track"], true);
    assert_eq!(sick["growth_needed_per_month"], 139);
    let periods: Vec<&str> = r["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["period"].as_str().unwrap())
        .collect();
    assert_eq!(periods, ["2026-Q1", "2026-Q2"]);
    // The deck: the dynamics slide and the pace in the plan.
    let deck = pdf_text(&out.join("deck.pdf"));
    assert!(deck.contains("Динамика показателей"), "no dynamics slide");
    assert!(
        deck.contains("при текущем темпе цель достигается в ноябре 2026 г."),
        "{deck}"
    );
    assert!(
        deck.contains("+139 в месяц") && deck.contains("+600 за период"),
        "{deck}"
    );
    // The workbook: «Динамика» with both periods, formulas computing their results.
    let bytes = std::fs::read(out.join("report.xlsx")).unwrap();
    let book = xlsx_book::open(&bytes);
    let dyn_rows = book.sheet("Динамика").table("Период");
    assert_eq!(dyn_rows.len(), 2);
    assert_eq!(text(&xlsx_book::cell(&dyn_rows[1], "Период").1), "2 квартал 2026 г.");
    assert!(xlsx_book::check_formulas_compute_their_results(&book) > 50);
    let k2 = book.sheet("К2").table("Показатель");
    let tmk = &k2[0];
    xlsx_book::assert_num(&xlsx_book::cell(tmk, "Изменение").1, 600.0, "change");
    xlsx_book::assert_num(&xlsx_book::cell(tmk, "Темп (тренд) в месяц, оценка").1, 200.0, "trend");
    xlsx_book::assert_num(&xlsx_book::cell(tmk, "Нужно в месяц до срока").1, 139.0, "per month");
    assert_eq!(text(&xlsx_book::cell(tmk, "В графике?").1), "в графике");
    // Recalculated by LibreOffice where it is installed.
    if let Some(converted) = crate::workbook::recalculate(&[("two".into(), bytes.clone())]) {
        let theirs = xlsx_book::open(&converted[0]);
        for sheet in book.sheets.values() {
            for (pos, f) in &sheet.formulas {
                let what = format!("«{}» {pos:?} = {f}", sheet.name);
                match xlsx_book::num(sheet.get(*pos)) {
                    Some(x) => xlsx_book::assert_num(theirs.sheet(&sheet.name).get(*pos), x, &what),
                    None => assert_eq!(
                        text(theirs.sheet(&sheet.name).get(*pos)),
                        text(sheet.get(*pos)),
                        "{what}"
                    ),
                }
            }
        }
    }
    // The pack and the letter of the body.
    let letter = std::fs::read_to_string(out.join("bodies/minzdrav/letter.txt")).unwrap();
    assert!(
        letter.contains("Прошлый период (1 квартал 2026 г.): 0 шт., изменение +600"),
        "{letter}"
    );
    assert!(letter.contains("+139 в месяц"), "{letter}");
    assert!(
        letter.contains("при текущем темпе цель достигается в ноябре 2026 г."),
        "{letter}"
    );
    let pack = pdf_text(&out.join("bodies/minzdrav/report.pdf"));
    assert!(
        pack.contains("изменение +600") && pack.contains("ноябре 2026"),
        "{pack}"
    );
    let history = tmp.path().join("history");
    // Rebuilding Q2 leaves exactly two records.
    build(&inputs, &out, &[]);
    assert_eq!(history_files(&history), ["2026-Q1.json", "2026-Q2.json"]);
    // Rebuilding Q1 leaves Q2's record as it was.
    let q2 = std::fs::read(history.join("2026-Q2.json")).unwrap();
    set_quarter(&inputs, 1, &[]);
    let region = std::fs::read_to_string(inputs.join("region.toml")).unwrap();
    std::fs::write(inputs.join("region.toml"), region.replacen("2026-Q2", "2026-Q1", 1)).unwrap();
    build(&inputs, &tmp.path().join("out-q1"), &[]);
    assert_eq!(history_files(&history), ["2026-Q1.json", "2026-Q2.json"]);
    assert_eq!(std::fs::read(history.join("2026-Q2.json")).unwrap(), q2);
    // Q1's deck knows nothing of the later quarter.
    let q1 = rating(&tmp.path().join("out-q1"));
    assert_eq!(q1["history"].as_array().unwrap().len(), 1);
}

/// The forecast's «в графике» and the months left use one last month: the
/// last whole month ending on or before the deadline. The trend of the
/// example reaches 1 434 sick leaves in November 2026: in time for 30
/// November, late for 15 November (November's figure is known on 30
/// November), and November is counted in the months left only for the
/// first.
#[test]
fn the_deadline_month_counts_only_when_it_ends_in_time() {
    for (deadline, months, per_month, on_track, sentence) in [
        (
            "2026-11-30",
            5,
            167,
            true,
            "при текущем темпе цель достигается в ноябре 2026 г.",
        ),
        (
            "2026-11-15",
            4,
            209,
            false,
            "при текущем темпе к сроку не достигается (цель — только в ноябре 2026 г.)",
        ),
    ] {
        let (tmp, inputs) = inputs_copy();
        let region = std::fs::read_to_string(inputs.join("region.toml")).unwrap();
        let step = "key = \"k2.sick_leave\"\n";
        assert!(region.contains(step));
        std::fs::write(
            inputs.join("region.toml"),
            region.replacen(step, &format!("{step}deadline = {deadline}\n"), 1),
        )
        .unwrap();
        let out = tmp.path().join("out");
        build(&inputs, &out, &[]);
        set_quarter(&inputs, 2, &[("k2.sick_leave.closed_in_max", 600)]);
        build(&inputs, &out, &[]);
        let r = rating(&out);
        let sick = indicator(&r, "k2.sick_leave.closed_in_max");
        assert_eq!(sick["months_left"], months, "{deadline}");
        // ceil((1 434 − 600) / months left).
        assert_eq!(sick["growth_needed_per_month"], per_month, "{deadline}");
        assert_eq!(sick["forecast"]["period"], "2026-11", "{deadline}");
        assert_eq!(sick["forecast"]["on_track"], on_track, "{deadline}");
        let letter = std::fs::read_to_string(out.join("bodies/minzdrav/letter.txt")).unwrap();
        assert!(letter.contains(sentence), "{deadline}: {letter}");
        assert!(
            letter.contains(&format!("+{per_month} в месяц")),
            "{deadline}: {letter}"
        );
    }
}

#[test]
fn a_falling_trend_never_reaches_the_target() {
    let (tmp, inputs) = inputs_copy();
    let out = tmp.path().join("out");
    set_quarter(&inputs, 1, &[("k2.mfc.notified_users", 20_000)]);
    build(&inputs, &out, &[]);
    set_quarter(&inputs, 2, &[("k2.mfc.notified_users", 18_000)]);
    build(&inputs, &out, &[]);
    let r = rating(&out);
    let mfc = indicator(&r, "k2.mfc.notified_users");
    assert_eq!(mfc["change"], -2_000);
    assert!(mfc["forecast"]["period"].is_null());
    assert_eq!(mfc["forecast"]["on_track"], false);
    let deck = pdf_text(&out.join("deck.pdf"));
    assert!(deck.contains("к сроку не достигается"), "{deck}");
    let letter = std::fs::read_to_string(out.join("bodies/mfc/letter.txt")).unwrap();
    assert!(letter.contains("при текущем темпе к сроку не достигается"), "{letter}");
}

#[test]
fn a_corrupt_or_foreign_history_file_is_a_warning() {
    let (tmp, inputs) = inputs_copy();
    let history = tmp.path().join("history");
    std::fs::create_dir_all(&history).unwrap();
    std::fs::write(history.join("2025-Q4.json"), "{ испорчено").unwrap();
    std::fs::write(history.join("notes.json"), "[1, 2]").unwrap();
    let out = tmp.path().join("out");
    let run = build(&inputs, &out, &[]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("2025-Q4.json") && stderr.contains("не JSON"),
        "{stderr}"
    );
    assert!(
        stderr.contains("notes.json") && stderr.contains("не запись истории"),
        "{stderr}"
    );
    assert_eq!(rating(&out)["history"].as_array().unwrap().len(), 1);
}

#[test]
fn months_and_quarters_mix_and_bases_change() {
    let (tmp, inputs) = inputs_copy();
    let out = tmp.path().join("out");
    // A month, then the quarter that ends after it, with another base.
    let mut march = Forms::seed_quarter(1, &[("k2.sick_leave.closed_in_max", 100)]);
    march.period_text = "март 2026".into();
    march.period_code = "2026-03".into();
    march.period_label = "март 2026 г.".into();
    let subs = inputs.join("submissions");
    std::fs::remove_dir_all(&subs).unwrap();
    march.write(&subs).unwrap();
    let region = std::fs::read_to_string(inputs.join("region.toml")).unwrap();
    std::fs::write(
        inputs.join("region.toml"),
        region.replacen("period = \"2026-Q1\"\n", "", 1),
    )
    .unwrap();
    build(&inputs, &out, &[]);
    set_quarter(
        &inputs,
        2,
        &[("k2.sick_leave.closed_in_max", 700), ("k2.sick_leave.total", 30_000)],
    );
    build(&inputs, &out, &[]);
    let r = rating(&out);
    let periods: Vec<&str> = r["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["period"].as_str().unwrap())
        .collect();
    assert_eq!(periods, ["2026-03", "2026-Q2"]);
    let sick = indicator(&r, "k2.sick_leave.closed_in_max");
    assert_eq!(sick["previous"]["period"], "2026-03");
    assert_eq!(sick["change"], 600);
    // Fitted on shares: (700/30000 − 100/28672) / 3 months × 30 000.
    let expected = ((700.0 / 30_000.0 - 100.0 / 28_672.0) / 3.0 * 30_000.0_f64).round() as i64;
    assert_eq!(sick["trend_per_month"], expected);
}

#[test]
fn a_period_after_the_deadline_is_overdue() {
    let (tmp, inputs) = inputs_copy();
    let out = tmp.path().join("out");
    set_quarter(&inputs, 4, &[]);
    build(&inputs, &out, &[]);
    let r = rating(&out);
    let sick = indicator(&r, "k2.sick_leave.closed_in_max");
    assert_eq!(sick["months_left"], 0);
    assert_eq!(sick["growth_needed_per_month"], 1_434, "the whole gap");
    let deck = pdf_text(&out.join("deck.pdf"));
    assert!(deck.contains("срок наступил: +1 434"), "{deck}");
}

#[test]
fn history_that_cannot_be_written_fails_the_build_and_keeps_out() {
    let (tmp, inputs) = inputs_copy();
    let out = tmp.path().join("out");
    build(&inputs, &out, &["--no-history"]);
    assert!(!tmp.path().join("history").exists(), "--no-history writes none");
    let before = std::fs::read(out.join("rating.json")).unwrap();
    let blocked = tmp.path().join("blocked");
    std::fs::write(&blocked, "a file, not a folder").unwrap();
    set_quarter(&inputs, 2, &[("k2.sick_leave.closed_in_max", 600)]);
    bin()
        .args(["build", "--inputs"])
        .arg(&inputs)
        .arg("--out")
        .arg(&out)
        .arg("--history")
        .arg(blocked.join("h"))
        .assert()
        .code(4)
        .stderr(predicate::str::contains("не удалось записать историю периодов"));
    assert_eq!(
        std::fs::read(out.join("rating.json")).unwrap(),
        before,
        "out/ as it was"
    );
    // `check` writes no history.
    bin().args(["check", "--inputs"]).arg(&inputs).assert().success();
    assert!(!tmp.path().join("history").exists());
}

#[test]
fn the_history_command_lists_records_and_removes() {
    let (tmp, inputs) = inputs_copy();
    // Last year's folder recorded without rendering.
    let past = tmp.path().join("past-q1");
    Forms::seed().write(&past.join("submissions")).unwrap();
    set_quarter(&inputs, 2, &[("k2.sick_leave.closed_in_max", 600)]);
    bin()
        .args(["history", "--inputs"])
        .arg(&inputs)
        .arg("record")
        .arg(&past)
        .assert()
        .success()
        .stdout(predicate::str::contains("записан период 2026-Q1"));
    bin()
        .args(["history", "--inputs"])
        .arg(&inputs)
        .assert()
        .success()
        .stdout(predicate::str::contains("2026-Q1").and(predicate::str::contains("12 из 100 (красная зона)")));
    let out = tmp.path().join("out");
    build(&inputs, &out, &[]);
    assert_eq!(indicator(&rating(&out), "k2.sick_leave.closed_in_max")["change"], 600);
    bin()
        .args(["history", "--inputs"])
        .arg(&inputs)
        .args(["remove", "2026-Q1"])
        .assert()
        .success()
        .stdout(predicate::str::contains("удалена запись периода 2026-Q1"));
    assert_eq!(history_files(&tmp.path().join("history")), ["2026-Q2.json"]);
    // A folder whose forms give no period is refused.
    let bare = tmp.path().join("bare");
    Forms::seed().write(&bare).unwrap();
    for f in [
        "mfc.xlsx",
        "minzdrav.xlsx",
        "gzhi.xlsx",
        "mintrans.xlsx",
        "minkult.xlsx",
        "minek_rst.xlsx",
    ] {
        std::fs::remove_file(bare.join(f)).unwrap();
    }
    std::fs::remove_file(bare.join("federal/max_platform.xlsx")).unwrap();
    bin()
        .args(["history", "--inputs"])
        .arg(&inputs)
        .arg("record")
        .arg(&bare)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("нет строки «Период»"));
}

#[test]
fn a_met_minimum_shows_the_next_level() {
    let (tmp, inputs) = inputs_copy();
    // К4 at 20%: the minimum (10 points) is met; the next band is ≥ 40%.
    set_quarter(&inputs, 1, &[("k4.scanning.api", 254)]);
    let out = tmp.path().join("out");
    build(&inputs, &out, &["--no-history"]);
    let r = rating(&out);
    let k4 = indicator(&r, "k4.scanning");
    assert!(k4["target"].is_null());
    assert_eq!(k4["next_level"]["threshold"], "≥ 40%");
    assert_eq!(k4["next_level"]["count"], 526);
    // The deck's narrow cell hyphenates: compare without spaces and hyphens.
    let deck: String = pdf_text(&out.join("deck.pdf"))
        .chars()
        .filter(|c| !c.is_whitespace() && !['-', '\u{ad}'].contains(c))
        .collect();
    assert!(deck.contains("526(≥40%)—следующийуровень"), "{deck}");
}

#[test]
fn batch_regions_keep_their_own_histories() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("regions");
    max_rating_testkit::synth::write_regions(&dir, 3, 2).unwrap();
    let out = tmp.path().join("out");
    bin().arg("batch").arg(&dir).arg("--out").arg(&out).assert().success();
    let root = tmp.path().join("history");
    let mut folders = history_files(&root);
    folders.sort();
    assert_eq!(folders.len(), 2, "{folders:?}");
    for f in &folders {
        assert_eq!(history_files(&root.join(f)).len(), 1, "{f}");
    }
    bin()
        .arg("batch")
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .arg("--no-history")
        .assert()
        .success();
    let other = tmp.path().join("elsewhere");
    bin()
        .arg("batch")
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .arg("--history")
        .arg(&other)
        .assert()
        .success();
    assert_eq!(history_files(&other), folders);
}
