//! The command line: `check` and `build` on the shipped inputs and on
//! broken copies, exit codes, messages in Russian.

use std::path::Path;

use calamine::Reader as _;
use max_rating::forms::{Cell, SpecRow, SubmissionSpec};
use max_rating::ingest::workbook::{Format as BookFormat, read_submission};
use predicates::prelude::*;
use rust_xlsxwriter::{Formula, Workbook};
use serde_json::Value;

use crate::common::{bin, inputs, inputs_copy};

/// Минтранс's form with `#DIV/0!` (a formula error) as the value of
/// `k4.orgs.transport`, in cell C6.
pub fn div0_workbook() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Показатели").unwrap();
    ws.write_string(0, 0, "Регион:").unwrap();
    ws.write_string(0, 1, "Забайкальский край").unwrap();
    ws.write_string(1, 0, "Ведомство:").unwrap();
    ws.write_string(1, 1, "Министерство транспорта Забайкальского края")
        .unwrap();
    ws.write_string(2, 0, "Период:").unwrap();
    ws.write_string(2, 1, "1 квартал 2026").unwrap();
    ws.write_string(4, 0, "Показатель").unwrap();
    ws.write_string(4, 1, "Код").unwrap();
    ws.write_string(4, 2, "Значение").unwrap();
    ws.write_string(5, 0, "Общее количество организаций в сфере транспорта")
        .unwrap();
    ws.write_string(5, 1, "k4.orgs.transport").unwrap();
    ws.write_formula(5, 2, Formula::new("=113/0").set_result("#DIV/0!"))
        .unwrap();
    wb.save_to_buffer().unwrap()
}

fn rating_json(out: &Path) -> Value {
    let text = std::fs::read_to_string(out.join("rating.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

// ------------------------------------------------------------------ check

#[test]
fn check_on_shipped_inputs() {
    bin()
        .args(["check", "--inputs"])
        .arg(inputs())
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Итого: 12"))
        .stdout(predicate::str::contains("красная зона"))
        .stdout(predicate::str::contains("цель 2026 года — 50"))
        .stdout(predicate::str::contains(
            "К1 Качество и востребованность региональных сервисов",
        ))
        .stdout(predicate::str::contains("К4 Внедрение Цифрового ID"))
        .stdout(predicate::str::contains("ошибок: 0"));
}

#[test]
fn check_uses_inputs_by_default() {
    // Run from the crate root, where inputs/ is the default.
    bin()
        .arg("check")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Итого: 12"));
}

#[test]
fn check_prints_the_components_with_points() {
    let out = bin().args(["check", "--inputs"]).arg(inputs()).output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let line = |label: &str| {
        stdout
            .lines()
            .find(|l| l.starts_with(label))
            .unwrap_or_else(|| panic!("{label}: {stdout}"))
            .to_string()
    };
    let fields = |l: String| l.split_whitespace().map(String::from).collect::<Vec<_>>();
    // К1 … 5 10 10 ниже минимума
    assert!(
        fields(line("К1")).windows(3).any(|w| w == ["5", "10", "10"]),
        "{stdout}"
    );
    assert!(
        fields(line("К2")).windows(3).any(|w| w == ["0", "40", "20"]),
        "{stdout}"
    );
    assert!(
        fields(line("К3")).windows(3).any(|w| w == ["7", "10", "10"]),
        "{stdout}"
    );
    assert!(
        fields(line("К4")).windows(3).any(|w| w == ["0", "40", "10"]),
        "{stdout}"
    );
}

#[test]
fn check_with_a_formula_error_exits_1_naming_file_sheet_and_cell() {
    let (_tmp, dir) = inputs_copy();
    std::fs::write(dir.join("submissions/mintrans.xlsx"), div0_workbook()).unwrap();
    bin()
        .args(["check", "--inputs"])
        .arg(&dir)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "ошибка: submissions/mintrans.xlsx, лист «Показатели», ячейка C6",
        ))
        .stderr(predicate::str::contains("#DIV/0!"))
        .stderr(predicate::str::contains("ожидалось число"))
        .stdout(predicate::str::contains("ошибок: 1"));
}

#[test]
fn check_with_a_negative_count_exits_1_naming_file_sheet_and_cell() {
    let (_tmp, dir) = inputs_copy();
    let mut s = SubmissionSpec::new(
        "Забайкальский край",
        "Министерство транспорта Забайкальского края",
        "1 квартал 2026",
    );
    s.rows = vec![SpecRow::new(
        "k4.orgs.transport",
        "Организации транспорта",
        "шт.",
        Cell::Text("-113".into()),
        "Минтранс России",
    )];
    let bytes = s.to_xlsx().unwrap();
    // The cell the value was written to.
    let cell = read_submission("x.xlsx", BookFormat::Xlsx, bytes.clone()).unwrap().rows[0]
        .value_loc
        .cell
        .clone()
        .unwrap();
    std::fs::write(dir.join("submissions/mintrans.xlsx"), bytes).unwrap();
    bin()
        .args(["check", "--inputs"])
        .arg(&dir)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "submissions/mintrans.xlsx, лист «Показатели», ячейка {cell}"
        )))
        .stderr(predicate::str::contains("отрицательное"));
}

#[test]
fn check_with_a_warning_only_exits_0() {
    let (_tmp, dir) = inputs_copy();
    let mut s = SubmissionSpec::new(
        "Забайкальский край",
        "Министерство транспорта Забайкальского края",
        "1 квартал 2026",
    );
    s.rows = vec![SpecRow::new(
        "k4.orgs.transport",
        "Организации транспорта",
        "шт.",
        Cell::Text("abc".into()),
        "Минтранс России",
    )];
    std::fs::write(dir.join("submissions/mintrans.xlsx"), s.to_xlsx().unwrap()).unwrap();
    // «abc» where a count is expected: a warning, the value is not
    // submitted, К4 has no data; the check itself succeeds.
    bin()
        .args(["check", "--inputs"])
        .arg(&dir)
        .assert()
        .code(0)
        .stderr(predicate::str::contains(
            "предупреждение: submissions/mintrans.xlsx, лист «Показатели», ячейка",
        ))
        .stderr(predicate::str::contains("«abc»"))
        .stdout(predicate::str::contains("нет данных"));
}

#[test]
fn missing_inputs_folder_exits_3() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("нет-такой-папки");
    bin()
        .args(["check", "--inputs"])
        .arg(&missing)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("нет-такой-папки"))
        .stderr(predicate::str::contains("не найдена"));
    bin()
        .args(["build", "--inputs"])
        .arg(&missing)
        .arg("--out")
        .arg(tmp.path().join("out"))
        .assert()
        .code(3);
    assert!(!tmp.path().join("out/rating.json").exists());
}

#[test]
fn bad_methodology_file_exits_3_naming_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("моя_методика.toml");
    std::fs::write(&bad, "id = \n").unwrap();
    bin()
        .args(["check", "--inputs"])
        .arg(inputs())
        .arg("--methodology")
        .arg(&bad)
        .assert()
        .code(3)
        .stderr(predicate::str::contains("моя_методика.toml:1:6"))
        .stderr(predicate::str::contains("значение не указано"))
        .stderr(predicate::str::contains("1 | id ="));
    // A valid TOML that breaks a rule of the methodology.
    let text = max_rating::methodology::DEFAULT_TOML.replacen("total_max = 100", "total_max = 90", 1);
    std::fs::write(&bad, text).unwrap();
    bin()
        .args(["build", "--inputs"])
        .arg(inputs())
        .arg("--methodology")
        .arg(&bad)
        .arg("--out")
        .arg(tmp.path().join("out"))
        .assert()
        .code(3)
        .stderr(predicate::str::contains("моя_методика.toml"))
        .stderr(predicate::str::contains("90"));
    assert!(!tmp.path().join("out/rating.json").exists());
    // A file that does not exist.
    bin()
        .args(["check", "--methodology"])
        .arg(tmp.path().join("нет.toml"))
        .assert()
        .code(3)
        .stderr(predicate::str::contains("нет.toml"));
}

#[test]
fn methodology_variant_changes_the_result() {
    // The built-in methodology written to a file is the same rating.
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("m.toml");
    std::fs::write(&file, max_rating::methodology::DEFAULT_TOML).unwrap();
    bin()
        .args(["check", "--inputs"])
        .arg(inputs())
        .arg("--methodology")
        .arg(&file)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Итого: 12"));
    // К3 from 15%: the seed's 21,8% now gives 10 points.
    let text = max_rating::methodology::DEFAULT_TOML.replacen(
        r#"{ from = "50", inclusive = false, points = 10 }"#,
        r#"{ from = "21", inclusive = false, points = 10 }"#,
        1,
    );
    std::fs::write(&file, text).unwrap();
    bin()
        .args(["check", "--inputs"])
        .arg(inputs())
        .arg("--methodology")
        .arg(&file)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Итого: 15"));
}

#[test]
fn unknown_arguments_exit_2() {
    bin().arg("frobnicate").assert().code(2);
    bin().args(["check", "--nope"]).assert().code(2);
}

#[test]
fn help_is_russian() {
    let out = bin().arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    for s in [
        "Рейтинг внедрения национального мессенджера МАХ",
        "Проверить формы ведомств и показать расчёт",
        "Рассчитать рейтинг и записать презентацию",
        "Записать пустые формы",
        "Создать рабочую папку нового региона",
        "Использование:",
        "Команды:",
        "Показать справку",
        "Коды завершения",
    ] {
        assert!(text.contains(s), "{s}: {text}");
    }
    for english in ["Usage", "Options", "Commands", "Print help", "[default"] {
        assert!(!text.contains(english), "{english}: {text}");
    }
    let out = bin().args(["build", "--help"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Папка для результатов"), "{text}");
    assert!(text.contains("Папка с исходными данными"), "{text}");
    assert!(text.contains("Файл методики"), "{text}");
    for english in ["Usage", "Options", "Print help", "[default", "[OPTIONS]"] {
        assert!(!text.contains(english), "{english}: {text}");
    }
    // Usage errors are Russian too.
    let out = bin().arg("frobnicate").output().unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("неизвестная команда «frobnicate»"), "{err}");
}

/// The commands listed under a help's «Команды:» or «Действия:».
fn listed_commands(help: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut inside = false;
    for line in help.lines() {
        if line == "Команды:" || line == "Действия:" {
            inside = true;
        } else if inside && line.starts_with("  ") {
            if let Some(name) = line.split_whitespace().next() {
                names.push(name.to_string());
            }
        } else {
            inside = false;
        }
    }
    names
}

#[test]
fn every_help_of_every_command_is_russian() {
    // Every command and action the help lists, down the tree.
    let mut queue: Vec<Vec<String>> = vec![Vec::new()];
    let mut seen = 0;
    while let Some(path) = queue.pop() {
        let out = bin().args(&path).arg("--help").output().unwrap();
        let what = format!("max-rating {} --help", path.join(" "));
        assert_eq!(out.status.code(), Some(0), "{what}");
        let text = String::from_utf8(out.stdout).unwrap();
        for russian in ["Использование:", "Параметры:", "-h, --help", "Показать справку"]
        {
            assert!(text.contains(russian), "{what}: no {russian}: {text}");
        }
        for english in [
            "Usage",
            "Options",
            "Commands",
            "Arguments",
            "Print help",
            "Print version",
            "[default",
            "[possible values",
            "[OPTIONS]",
            "COMMAND",
        ] {
            assert!(!text.contains(english), "{what}: {english}: {text}");
        }
        for sub in listed_commands(&text) {
            let mut next = path.clone();
            next.push(sub);
            queue.push(next);
        }
        seen += 1;
    }
    // The root, ten commands and the three actions of history.
    assert_eq!(seen, 14);
    let history = String::from_utf8(bin().args(["history", "--help"]).output().unwrap().stdout).unwrap();
    assert_eq!(listed_commands(&history), ["list", "record", "remove"], "{history}");
    // The options of history are offered after its action too.
    let list = String::from_utf8(bin().args(["history", "list", "--help"]).output().unwrap().stdout).unwrap();
    assert!(
        list.contains("--inputs <ПАПКА>") && list.contains("--history <ПАПКА>"),
        "{list}"
    );
    // No English usage errors either.
    for args in [&["history", "nope"][..], &["help"], &["history", "remove"]] {
        let out = bin().args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.starts_with("ошибка: ") && !err.contains("Usage") && !err.contains("error:"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn history_options_work_before_and_after_the_action() {
    let (tmp, inputs) = inputs_copy();
    let history = tmp.path().join("history-here");
    let forms = inputs.join("submissions");
    let run = |args: &[&str]| {
        let out = bin()
            .args(args.iter().map(|a| match *a {
                "INPUTS" => inputs.as_os_str(),
                "HISTORY" => history.as_os_str(),
                "FORMS" => forms.as_os_str(),
                other => std::ffi::OsStr::new(other),
            }))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let recorded = run(&[
        "history",
        "record",
        "FORMS",
        "--inputs",
        "INPUTS",
        "--history",
        "HISTORY",
    ]);
    assert!(recorded.contains("записан период 2026-Q1"), "{recorded}");
    assert!(
        history.join("2026-Q1.json").is_file(),
        "recorded where --history after the action says"
    );
    for args in [
        &["history", "list", "--inputs", "INPUTS", "--history", "HISTORY"][..],
        &["history", "--inputs", "INPUTS", "--history", "HISTORY", "list"],
        &["history", "--inputs", "INPUTS", "list", "--history", "HISTORY"],
        &["history", "--history", "HISTORY", "--inputs", "INPUTS"],
    ] {
        let listed = run(args);
        assert!(
            listed.contains("История периодов: Забайкальский край") && listed.contains("2026-Q1"),
            "{args:?}: {listed}"
        );
    }
    let removed = run(&[
        "history",
        "remove",
        "2026-Q1",
        "--inputs",
        "INPUTS",
        "--history",
        "HISTORY",
    ]);
    assert!(removed.contains("2026-Q1"), "{removed}");
    assert!(!history.join("2026-Q1.json").exists());
}

/// A closed stdout (`| head` that has stopped reading) ends every command
/// quietly — no panic, no backtrace — with 141, as a Unix tool stopped by
/// SIGPIPE, and the output folder's lock released.
#[test]
fn a_closed_stdout_ends_quietly() {
    let (tmp, inputs) = inputs_copy();
    let out = tmp.path().join("out");
    bin()
        .args(["build", "--no-history", "--inputs"])
        .arg(&inputs)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let exe = assert_cmd::cargo::cargo_bin("max-rating");
    let dir = |p: &Path| p.display().to_string();
    for args in [
        vec!["send".to_string(), "--dry-run".into(), "--out".into(), dir(&out)],
        vec!["check".into(), "--inputs".into(), dir(&inputs)],
        vec![
            "status".into(),
            "--today".into(),
            "2026-04-20".into(),
            "--inputs".into(),
            dir(&inputs),
        ],
        vec!["history".into(), "list".into(), "--inputs".into(), dir(&inputs)],
    ] {
        // A pipe whose reader is gone before the command starts: every
        // write fails with EPIPE.
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let run = std::process::Command::new(&exe)
            .args(&args)
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE") && !stderr.contains("Broken pipe"),
            "{args:?}: {stderr}"
        );
        assert_eq!(run.status.code(), Some(141), "{args:?}: {stderr}");
    }
    assert!(!out.join(".max-rating.lock").exists(), "the lock is released");
    // Help on a closed stdout: no panic either.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let run = std::process::Command::new(&exe)
        .arg("--help")
        .stdout(writer)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&run.stderr).contains("panicked"));
}

// ------------------------------------------------------------------ build

#[test]
fn build_writes_rating_json_with_the_seed_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    bin()
        .args(["build", "--inputs"])
        .arg(inputs())
        .arg("--out")
        .arg(&out)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Итого: 12"))
        .stdout(predicate::str::contains("rating.json"));
    let j = rating_json(&out);
    assert_eq!(j["region"], "Забайкальский край");
    assert_eq!(j["period"], "2026-Q1");
    assert_eq!(j["year"], 2026);
    assert_eq!(j["total"], 12);
    assert_eq!(j["band"], "red");
    assert_eq!(j["year_target"], 50);
    assert_eq!(j["incomplete"], 0);
    let comps = j["components"].as_array().unwrap();
    let expected = [
        ("K1", "Качество и востребованность региональных сервисов", 5, 10, 10),
        ("K2", "Массовое использование приоритетных сервисов", 0, 40, 20),
        ("K3", "Востребованность региональных каналов", 7, 10, 10),
        ("K4", "Внедрение Цифрового ID", 0, 40, 10),
    ];
    assert_eq!(comps.len(), 4);
    for (c, (id, name, points, max, required)) in comps.iter().zip(expected) {
        assert_eq!(c["id"], id);
        assert_eq!(c["name"], name);
        assert_eq!(c["points"], points, "{id}");
        assert_eq!(c["max"], max, "{id}");
        assert_eq!(c["required"], required, "{id}");
        assert_eq!(c["status"], "below", "{id}");
        assert!(c["reason"].as_str().is_some_and(|r| !r.is_empty()), "{id}");
        for ind in c["indicators"].as_array().unwrap() {
            for key in ["code", "value", "base", "share_percent", "target", "gap", "responsible"] {
                assert!(ind.get(key).is_some(), "{id}: indicator without {key}: {ind}");
            }
            assert!(ind["responsible"].is_array());
        }
    }
    let indicators: Vec<&Value> = comps.iter().flat_map(|c| c["indicators"].as_array().unwrap()).collect();
    let find = |code: &str| {
        *indicators
            .iter()
            .find(|i| i["code"] == code)
            .unwrap_or_else(|| panic!("{code}"))
    };
    for (code, value, base, target, gap) in [
        ("k1.active_audience", 22_471, 691_417, 69_142, 46_671),
        ("k2.sick_leave.closed_in_max", 0, 28_672, 1_434, 1_434),
        ("k2.mfc.notified_users", 14_670, 62_372, 31_186, 16_516),
        ("k2.housing.chats_active", 19, 2_805, 1_403, 1_384),
        ("k2.housing.channels_active", 5, 136, 68, 63),
        ("k3.active_audience", 150_964, 691_417, 345_709, 194_745),
        ("k4.scanning", 9, 1_315, 263, 254),
    ] {
        let i = find(code);
        assert_eq!(i["value"], value, "{code}");
        assert_eq!(i["base"], base, "{code}");
        assert_eq!(i["target"], target, "{code}");
        assert_eq!(i["gap"], gap, "{code}");
    }
    assert_eq!(find("k2.mfc.notified_users")["share_percent"], 23.52);
    assert_eq!(
        find("k2.sick_leave.closed_in_max")["responsible"],
        serde_json::json!(["Минздрав"])
    );
    assert_eq!(
        comps[1]["combinations"],
        serde_json::json!(["ТМК (20 б.)", "МФЦ + ЖКХ (10 + 10 б.)"])
    );
    // No staging leftovers.
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn build_on_broken_inputs_exits_1_and_writes_no_rating_json() {
    let (tmp, dir) = inputs_copy();
    std::fs::write(dir.join("submissions/mintrans.xlsx"), div0_workbook()).unwrap();
    let out = tmp.path().join("out");
    bin()
        .args(["build", "--inputs"])
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "submissions/mintrans.xlsx, лист «Показатели», ячейка C6",
        ))
        .stderr(predicate::str::contains("выходные файлы не созданы"));
    assert!(!out.join("rating.json").exists());
}

#[test]
fn build_on_broken_inputs_keeps_the_previous_result() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    bin()
        .args(["build", "--inputs"])
        .arg(inputs())
        .arg("--out")
        .arg(&out)
        .assert()
        .code(0);
    let before = std::fs::read(out.join("rating.json")).unwrap();
    let (_tmp2, dir) = inputs_copy();
    std::fs::write(dir.join("submissions/mintrans.xlsx"), div0_workbook()).unwrap();
    bin()
        .args(["build", "--inputs"])
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(1);
    assert_eq!(std::fs::read(out.join("rating.json")).unwrap(), before);
}

#[test]
fn init_makes_a_workspace_that_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    bin().arg("init").arg(&ws).assert().success();
    for f in [
        "inputs/region.toml",
        "inputs/submissions/README.md",
        "inputs/regions.xlsx",
        "templates/deck.typ",
        "templates/letter.hbs",
    ] {
        assert!(ws.join(f).is_file(), "init wrote no {f}");
    }
    // The blank ranking lists the 89 subjects under the header the deck reads.
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(ws.join("inputs/regions.xlsx")).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<String>> = sheet
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    let header = rows
        .iter()
        .position(|r| r.first().is_some_and(|c| c == "Регион"))
        .expect("no header");
    assert_eq!(rows[header][1..6], ["К1", "К2", "К3", "К4", "Итого"]);
    let subjects: Vec<&String> = rows[header + 1..]
        .iter()
        .filter_map(|r| r.first())
        .filter(|c| !c.is_empty())
        .collect();
    assert_eq!(subjects.len(), 89);
    assert!(subjects.iter().any(|s| s.as_str() == "Забайкальский край"));
    // A second init keeps the files and says which exist.
    let again = bin().arg("init").arg(&ws).assert().failure().get_output().clone();
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    // The new workspace builds: no forms, every component without data, no ranking slide.
    let out = ws.join("out");
    let run = bin()
        .args(["build", "--inputs"])
        .arg(ws.join("inputs"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("рейтинг регионов не заполнен"), "{stderr}");
    assert!(out.join("deck.pdf").is_file());
}
