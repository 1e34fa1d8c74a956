//! The bodies' packs (`out/bodies/<slug>/`) and the manifest: each pack
//! holds exactly its body's indicators (PDF read back with pdf-extract,
//! XLSX with calamine), every indicator lands in a pack, the letter's
//! helpers, the manifest's hashes, unsafe body names, `--no-packs`, the
//! short pack of a body with nothing due, template errors, determinism.

use max_rating_testkit::book as xlsx_book;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use max_rating::forms::{Cell, SpecRow, SubmissionSpec};
use max_rating::pipeline::{self, Sources};
use max_rating::render::manifest::sha256_hex;
use max_rating::render::wording::Letter;
use max_rating::report::{BodyView, PlanRow, Report};
use serde_json::{Value, json};

// ------------------------------------------------------------------ setup

fn inputs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs")
}

use crate::common::copy_dir;

/// A temporary copy of the reference inputs.
fn inputs_copy() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("inputs");
    copy_dir(&inputs_dir(), &dir);
    (tmp, dir)
}

fn report_of(inputs: &Path) -> Report {
    pipeline::load(&Sources {
        inputs: inputs.to_path_buf(),
        methodology: None,
        history: None,
    })
    .unwrap()
    .report
    .expect("a report")
}

fn cmd() -> Command {
    Command::cargo_bin("max-rating").unwrap()
}

/// Runs `build`, expecting success.
fn build(inputs: &Path, out: &Path, extra: &[&str]) {
    cmd()
        .arg("build")
        .arg("--inputs")
        .arg(inputs)
        .arg("--out")
        .arg(out)
        .args(extra)
        .assert()
        .success();
}

/// A build that must fail with `code`: its stderr.
fn build_fails(inputs: &Path, out: &Path, code: i32) -> String {
    let assert = cmd()
        .arg("build")
        .arg("--inputs")
        .arg(inputs)
        .arg("--out")
        .arg(out)
        .assert()
        .code(code);
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

/// The reference build, once per test binary.
fn reference() -> &'static (tempfile::TempDir, Report) {
    static BUILT: std::sync::OnceLock<(tempfile::TempDir, Report)> = std::sync::OnceLock::new();
    BUILT.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        build(&inputs_dir(), &tmp.path().join("out"), &[]);
        (tmp, report_of(&inputs_dir()))
    })
}

/// Words of a text as a reader sees them: hyphenation breaks joined, every
/// kind of space one plain space. The extractor reports PT Sans' hyphen as
/// U+00AD: followed by a line break it is a hyphenation point, otherwise a
/// hyphen (as in `tests/deck.rs`).
fn normalise(s: &str) -> String {
    let mut t = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{ad}' || (c == '-' && t.ends_with(' ') && chars.peek() == Some(&'\n')) {
            let mut gap = String::new();
            while let Some(w) = chars.peek().copied().filter(|c| c.is_whitespace()) {
                gap.push(w);
                chars.next();
            }
            while t.ends_with(char::is_whitespace) {
                t.pop();
            }
            if !gap.contains('\n') {
                t.push('-');
            }
            continue;
        }
        t.push(c);
    }
    t.split(|c: char| c.is_whitespace() || c == '\u{202F}' || c == '\u{A0}')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn pdf_text(path: &Path) -> String {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    normalise(&pdf_extract::extract_text_from_mem(&bytes).unwrap())
}

fn pdf_pages(path: &Path) -> usize {
    let bytes = fs::read(path).unwrap();
    pdf_extract::extract_text_from_mem_by_pages(&bytes).unwrap().len()
}

/// Whether `n`, written as the tool writes it (`1 434`), stands in `text`
/// as a whole number (not inside `31 434` or `0,1434`).
fn has_number(text: &str, n: u64) -> bool {
    let groups: Vec<String> = max_rating::fmt::int(n).split('\u{202F}').map(String::from).collect();
    let tokens: Vec<&str> = text
        .split(' ')
        .map(|t| t.trim_matches(|c: char| !c.is_alphanumeric() && c != ',' && c != '%'))
        .collect();
    let digits = |t: &str, max: usize| !t.is_empty() && t.len() <= max && t.chars().all(|c| c.is_ascii_digit());
    (0..tokens.len()).any(|i| {
        i + groups.len() <= tokens.len()
            && groups.iter().enumerate().all(|(k, g)| tokens[i + k] == g)
            && !(i > 0 && digits(tokens[i - 1], 3))
            && !tokens
                .get(i + groups.len())
                .is_some_and(|t| t.len() == 3 && digits(t, 3))
    })
}

/// Every plan row of the report.
fn all_rows(r: &Report) -> Vec<&PlanRow> {
    r.components.iter().flat_map(|c| &c.rows).collect()
}

/// The numerator codes of a row (what its figures are read from).
fn numerator_codes(p: &PlanRow) -> Vec<String> {
    p.numerator_parts.iter().map(|x| x.code.clone()).collect()
}

/// Every figure of a body's own rows: values, bases, targets, gaps, the
/// counts and gaps of their bands, their parts.
fn own_figures(r: &Report, b: &BodyView) -> Vec<u64> {
    let mut out = Vec::new();
    for p in all_rows(r).into_iter().filter(|p| b.row_ids().contains(&p.id.as_str())) {
        out.extend([p.value, p.base, p.target, p.gap].into_iter().flatten());
        for l in &p.levels {
            out.extend([l.count, l.gap].into_iter().flatten());
        }
        for part in p.numerator_parts.iter().chain(&p.base_parts).chain(&p.info) {
            out.extend(part.value);
        }
    }
    out
}

/// All strings and numbers of a workbook.
struct BookText {
    strings: String,
    numbers: Vec<f64>,
}

fn book_text(book: &xlsx_book::Book) -> BookText {
    let mut strings = String::new();
    let mut numbers = Vec::new();
    for s in book.sheets.values() {
        for v in s.values.values() {
            match xlsx_book::num(v) {
                Some(n) => numbers.push(n),
                None => {
                    strings.push_str(&xlsx_book::text(v));
                    strings.push('\n');
                }
            }
        }
    }
    BookText { strings, numbers }
}

// ------------------------------------------------------------------ tests

#[test]
fn each_pack_holds_exactly_its_indicators() {
    let (tmp, r) = reference();
    let out = tmp.path().join("out");
    assert!(r.bodies.len() >= 10, "{} bodies", r.bodies.len());
    for b in &r.bodies {
        let dir = out.join("bodies").join(&b.slug);
        let text = pdf_text(&dir.join("report.pdf"));
        let bytes = fs::read(dir.join("report.xlsx")).unwrap();
        let book = xlsx_book::open(&bytes);
        let bt = book_text(&book);
        let letter = fs::read_to_string(dir.join("letter.txt")).unwrap();
        assert!(
            text.contains(&normalise(&b.full_name)),
            "{}: addressee in the PDF",
            b.slug
        );
        assert!(letter.contains(&b.full_name), "{}: addressee in the letter", b.slug);
        let own: Vec<&str> = b.row_ids();
        let own_codes = b.codes();
        for p in all_rows(r) {
            let mine = own.contains(&p.id.as_str());
            let what = format!("{} / {}", b.slug, p.id);
            if mine {
                assert!(text.contains(&p.code), "{what}: code {} not in the PDF", p.code);
                assert!(text.contains(&normalise(&p.name)), "{what}: name not in the PDF");
                for c in numerator_codes(p) {
                    assert!(bt.strings.contains(&c), "{what}: code {c} not in the XLSX");
                }
                assert!(bt.strings.contains(&p.name), "{what}: name not in the XLSX");
                if let Some(t) = p.target {
                    if b.due {
                        assert!(has_number(&text, t), "{what}: target {t} not in the PDF");
                    }
                    assert!(bt.numbers.contains(&(t as f64)), "{what}: target {t} not in the XLSX");
                }
                if let Some(g) = p.gap.filter(|g| *g > 0) {
                    assert!(has_number(&text, g), "{what}: gap {g} not in the PDF");
                    assert!(
                        letter.contains(&max_rating::fmt::int(g)),
                        "{what}: gap {g} not in the letter"
                    );
                }
                assert!(text.contains(&normalise(&p.deadline)), "{what}: deadline");
            } else {
                assert!(
                    !text.contains(&p.code),
                    "{what}: another body's code {} in the PDF",
                    p.code
                );
                assert!(
                    !text.contains(&normalise(&p.name)),
                    "{what}: another body's row in the PDF"
                );
                assert!(!letter.contains(&p.name), "{what}: another body's row in the letter");
                for c in numerator_codes(p).iter().filter(|c| !own_codes.contains(c)) {
                    assert!(!bt.strings.contains(c.as_str()), "{what}: code {c} in the XLSX");
                    assert!(!text.contains(c.as_str()), "{what}: code {c} in the PDF");
                }
                assert!(!bt.strings.contains(&p.name), "{what}: another body's row in the XLSX");
                // (unless the same number is a figure of the body's own rows:
                // К1's plan > 10% and К3's scale band ≥ 10% of the same base
                // are both 69 142)
                if let Some(t) = p.target.filter(|t| !own_figures(r, b).contains(t)) {
                    assert!(!has_number(&text, t), "{what}: another body's target {t} in the PDF");
                    assert!(
                        !bt.numbers.contains(&(t as f64)),
                        "{what}: another body's target {t} in the XLSX"
                    );
                }
            }
        }
    }
}

#[test]
fn every_indicator_lands_in_a_pack() {
    let (tmp, r) = reference();
    for p in all_rows(r) {
        let owners: Vec<&BodyView> = r
            .bodies
            .iter()
            .filter(|b| b.row_ids().contains(&p.id.as_str()))
            .collect();
        assert!(!owners.is_empty(), "{}: in no pack", p.id);
        for b in owners {
            assert!(tmp.path().join("out/bodies").join(&b.slug).join("report.pdf").is_file());
        }
    }
    // The seed's owners, a cell naming two bodies split, the catch-alls.
    let slugs_of = |id: &str| -> Vec<&str> {
        r.bodies
            .iter()
            .filter(|b| b.row_ids().contains(&id))
            .map(|b| b.slug.as_str())
            .collect()
    };
    assert_eq!(slugs_of("k2.sick_leave"), ["minzdrav"]);
    assert_eq!(slugs_of("k2.mfc"), ["minekonomrazvitiya", "mfc"]);
    assert_eq!(slugs_of("k2.housing.chats"), ["gzhi", "omsu"]);
    assert_eq!(
        slugs_of("k4.scanning"),
        ["minekonomrazvitiya", "mintrans", "rst", "minkultury"]
    );
    assert_eq!(slugs_of("k1.active_audience"), ["vse-vladeltsy-servisov-makh"]);
    // Минтранс answers for the measure and for its own base part.
    let mintrans = r.body("mintrans").unwrap();
    assert_eq!(mintrans.rows[0].parts, ["k4.orgs.transport"]);
    // Data providers with no rows are bodies too, with nothing due.
    let max = r.body("max").unwrap();
    assert!(max.rows.is_empty() && !max.due);
}

#[test]
fn pack_workbooks_store_and_compute_the_engine_values() {
    let (tmp, r) = reference();
    for b in &r.bodies {
        let bytes = fs::read(tmp.path().join("out/bodies").join(&b.slug).join("report.xlsx")).unwrap();
        let book = xlsx_book::open(&bytes);
        // Every formula computes its stored result over the cells of this
        // book: none sums a subset of a component's criteria.
        xlsx_book::check_formulas_compute_their_results(&book);
        let summary = book.sheet("Сводка");
        xlsx_book::assert_num(
            summary.beside("Итоговый балл"),
            f64::from(r.summary.total),
            "the region's total",
        );
        assert!(
            !summary.formulas.contains_key(&(summary.row_of("Итоговый балл", 0), 1)),
            "{}: the total of a body's book is a value",
            b.slug
        );
        let part = r.for_body(b);
        let labels: Vec<&str> = part.components.iter().map(|c| c.label.as_str()).collect();
        for c in &r.components {
            assert_eq!(
                book.names.contains(&c.label),
                labels.contains(&c.label.as_str()),
                "{}: sheet {}",
                b.slug,
                c.label
            );
        }
        for c in &part.components {
            let s = book.sheet(&c.label);
            let full = r.components.iter().find(|f| f.id == c.id).unwrap();
            match full.points {
                Some(p) => xlsx_book::assert_num(s.get((2, 1)), f64::from(p), "component points"),
                None => assert_eq!(xlsx_book::text(s.get((2, 1))), "нет данных"),
            }
            if full.rows.len() != c.rows.len() {
                assert!(
                    !s.formulas.contains_key(&(2, 1)),
                    "{} {}: points over a subset of rows",
                    b.slug,
                    c.label
                );
                assert!(xlsx_book::text(s.get((2, 3))).contains("только показатели органа"));
            }
        }
    }
}

#[test]
fn letter_helpers_format_russian_numbers_and_plurals() {
    let src = "{{#each ns}}{{int this}} {{plural this \"организация\" \"организации\" \"организаций\"}} {{percent this 200}}\n{{/each}}";
    let letter = Letter::parse("letter.hbs", src).unwrap();
    let out = letter
        .render(&json!({"ns": [1, 2, 5, 11, 21, 22, 25, 101, 111, 1434, 69142]}))
        .unwrap();
    let want = [
        "1 организация 0,5%",
        "2 организации 1%",
        "5 организаций 2,5%",
        "11 организаций 5,5%",
        "21 организация 10,5%",
        "22 организации 11%",
        "25 организаций 12,5%",
        "101 организация 50,5%",
        "111 организаций 55,5%",
        "1\u{202F}434 организации 717%",
        "69\u{202F}142 организации 34\u{202F}571%",
    ];
    assert_eq!(out, want.join("\n") + "\n");
}

#[test]
fn letter_errors_name_file_and_line() {
    let err = Letter::parse("letter.hbs", "Строка\n{{#if x}}\n").unwrap_err();
    assert!(err.message.starts_with("letter.hbs:"), "{err}");
    assert!(err.message.contains("ошибка в шаблоне письма"), "{err}");
    let letter = Letter::parse("letter.hbs", "a\nb {{body.nmae}}\n").unwrap();
    let err = letter.render(&json!({"body": {"name": "x"}})).unwrap_err();
    assert!(err.message.starts_with("letter.hbs:2:"), "{err}");
    assert!(err.message.contains("body.nmae"), "{err}");

    // Through the command line: exit 5 with the user's file and line.
    let (tmp, inputs) = inputs_copy();
    let templates = tmp.path().join("templates");
    fs::create_dir_all(&templates).unwrap();
    fs::write(templates.join("letter.hbs"), "Здравствуйте!\n\n{{body.nmae}}\n").unwrap();
    let stderr = build_fails(&inputs, &tmp.path().join("out"), 5);
    assert!(stderr.contains("letter.hbs:3:"), "{stderr}");
    assert!(
        stderr.contains(&templates.join("letter.hbs").display().to_string()),
        "{stderr}"
    );
    assert!(!tmp.path().join("out/deck.pdf").exists(), "nothing is written");

    // A broken pack.typ: exit 5 with file:line.
    fs::remove_file(templates.join("letter.hbs")).unwrap();
    fs::write(templates.join("pack.typ"), "#import \"theme.typ\": *\n\n#pack.nope\n").unwrap();
    let assert = cmd()
        .arg("build")
        .arg("--inputs")
        .arg(&inputs)
        .arg("--out")
        .arg(tmp.path().join("out"))
        .assert()
        .code(5);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains("pack.typ:3:"), "{stderr}");
}

#[test]
fn user_templates_override_the_packs() {
    let (tmp, inputs) = inputs_copy();
    let templates = inputs.join("templates");
    fs::create_dir_all(&templates).unwrap();
    fs::write(
        templates.join("pack.typ"),
        "#import \"theme.typ\": *\n#set text(font: \"PT Sans\")\nСвой шаблон: #data.pack.body.name, поручений #data.pack.due_rows.len()\n",
    )
    .unwrap();
    fs::write(
        templates.join("letter.hbs"),
        "Письмо для {{body.name}}: {{body.due_count}} {{plural body.due_count \"поручение\" \"поручения\" \"поручений\"}}\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    build(&inputs, &out, &[]);
    let text = pdf_text(&out.join("bodies/gzhi/report.pdf"));
    assert!(text.contains("Свой шаблон: Госжилинспекция, поручений 2"), "{text}");
    assert_eq!(
        fs::read_to_string(out.join("bodies/gzhi/letter.txt")).unwrap(),
        "Письмо для Госжилинспекция: 2 поручения\n"
    );
    // `init` copies the pack's templates for editing.
    let names: Vec<&str> = max_rating::render::template_set::TEMPLATE_FILES
        .iter()
        .map(|(n, _)| *n)
        .collect();
    assert!(
        names.contains(&"pack.typ") && names.contains(&"letter.hbs"),
        "{names:?}"
    );
}

#[test]
fn manifest_lists_every_file_with_its_hash() {
    let (tmp, _) = reference();
    let out = tmp.path().join("out");
    let manifest: Value = serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    let entries = manifest["files"].as_array().unwrap();
    let mut on_disk = Vec::new();
    fn walk(dir: &Path, root: &Path, acc: &mut Vec<String>) {
        for e in fs::read_dir(dir).unwrap() {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().to_string();
            if name.starts_with('.') {
                continue;
            }
            if e.file_type().unwrap().is_dir() {
                walk(&e.path(), root, acc);
            } else {
                acc.push(
                    e.path()
                        .strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    walk(&out, &out, &mut on_disk);
    on_disk.retain(|p| p != "manifest.json");
    on_disk.sort();
    let listed: Vec<String> = entries
        .iter()
        .map(|e| e["path"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, on_disk, "the manifest lists every file, sorted by path");
    for e in entries {
        let path = e["path"].as_str().unwrap();
        let bytes = fs::read(out.join(path)).unwrap();
        assert_eq!(e["size"].as_u64(), Some(bytes.len() as u64), "{path}");
        assert_eq!(e["sha256"].as_str(), Some(sha256_hex(&bytes).as_str()), "{path}");
        let body = path
            .strip_prefix("bodies/")
            .map(|p| p.split('/').next().unwrap().to_string());
        assert_eq!(e["body"].as_str().map(String::from), body, "{path}");
    }
    assert!(listed.contains(&"deck.pdf".to_string()));
    assert!(listed.contains(&"bodies/minzdrav/report.pdf".to_string()));
}

#[test]
fn no_packs_writes_none() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    build(&inputs_dir(), &out, &["--no-packs"]);
    assert!(!out.join("bodies").exists());
    assert!(out.join("deck.pdf").is_file());
    let manifest: Value = serde_json::from_slice(&fs::read(out.join("manifest.json")).unwrap()).unwrap();
    for e in manifest["files"].as_array().unwrap() {
        assert!(e["body"].is_null(), "{e}");
    }
}

/// Reference plan (region.toml) over synthetic submissions.
fn synthetic(values: &[(&str, u64)], region_toml: &str) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = tmp.path().join("inputs");
    let subs = inputs.join("submissions");
    fs::create_dir_all(&subs).unwrap();
    fs::write(inputs.join("region.toml"), region_toml).unwrap();
    let mut spec = SubmissionSpec::new(
        "Забайкальский край",
        "Министерство цифрового развития",
        "1 квартал 2026",
    );
    spec.rows = values
        .iter()
        .map(|(code, v)| SpecRow::new(code, code, "шт.", Cell::Number(*v as f64), "тест"))
        .collect();
    fs::write(subs.join("test.xlsx"), spec.to_xlsx().unwrap()).unwrap();
    (tmp, inputs)
}

fn base_values() -> BTreeMap<&'static str, u64> {
    BTreeMap::from([
        ("region.internet_users", 1_000),
        ("k1.active_audience", 100),
        ("k3.active_audience", 500),
        ("k2.sick_leave.closed_in_max", 5),
        ("k2.sick_leave.total", 100),
        ("k2.mfc.notified_users", 50),
        ("k2.mfc.visitors", 100),
        ("k2.housing.chats_active", 50),
        ("k2.housing.chats_total", 100),
        ("k2.housing.channels_active", 49),
        ("k2.housing.channels_base", 100),
        ("k4.scanning.api", 300),
        ("k4.scanning.goskan", 400),
        ("k4.orgs.transport", 200),
        ("k4.orgs.trade", 500),
        ("k4.orgs.culture", 300),
    ])
}

#[test]
fn the_first_page_wording_comes_from_texts_hbs() {
    let (tmp, inputs) = inputs_copy();
    let templates = inputs.join("templates");
    fs::create_dir_all(&templates).unwrap();
    // Only two texts: the rest fall back to the built-in file.
    fs::write(
        templates.join("texts.hbs"),
        "{{#*inline \"pack_title\"}}Поручения органу «{{body.name}}» на {{meta.year}} год{{/inline}}\n\
         {{#*inline \"pack_due_line\"}}Показателей с отставанием: {{body.due_count}};\n  сроков: {{len deadlines}}{{/inline}}\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    build(&inputs, &out, &[]);
    let text = pdf_text(&out.join("bodies/gzhi/report.pdf"));
    assert!(
        text.contains("Поручения органу «Госжилинспекция» на 2026 год"),
        "{text}"
    );
    assert!(text.contains("Показателей с отставанием: 2; сроков: 1"), "{text}");
    // The built-in sentences are still there.
    assert!(text.contains("По итогам заседания рабочей группы"), "{text}");
    // A mistake in such a text names the file, line and column.
    fs::write(
        templates.join("texts.hbs"),
        "{{#*inline \"pack_intro\"}}\n  {{body.nmae}}{{/inline}}\n",
    )
    .unwrap();
    let stderr = build_fails(&inputs, &tmp.path().join("out2"), 5);
    assert!(stderr.contains("texts.hbs:2:3"), "{stderr}");
}

#[test]
fn a_body_with_nothing_due_gets_the_short_pack() {
    let region = fs::read_to_string(inputs_dir().join("region.toml")).unwrap();
    let values: Vec<(&str, u64)> = base_values().into_iter().collect();
    let (tmp, inputs) = synthetic(&values, &region);
    let r = report_of(&inputs);
    // ТМК: 5 of 100 meets ≥ 5% — Минздрав's only row is met.
    let mz = r.body("minzdrav").unwrap();
    assert_eq!(mz.rows.len(), 1);
    assert!(!mz.due && !mz.rows[0].no_data, "{:?}", mz.rows[0].row.gap);
    // К1: 100 of 1 000 is not > 10% — its owners have something due.
    assert!(r.body("vse-vladeltsy-servisov-makh").unwrap().due);
    let out = tmp.path().join("out");
    build(&inputs, &out, &[]);
    let dir = out.join("bodies/minzdrav");
    let text = pdf_text(&dir.join("report.pdf"));
    assert!(text.contains("достигнуты — новых поручений нет"), "{text}");
    assert!(!text.contains("Нужно ещё"), "{text}");
    assert_eq!(pdf_pages(&dir.join("report.pdf")), 1, "a short pack is one page");
    let letter = fs::read_to_string(dir.join("letter.txt")).unwrap();
    assert!(letter.contains("достигнуты — новых поручений нет"), "{letter}");
    assert!(!letter.contains("Нужно ещё"), "{letter}");
    // A body without rows (a data provider) gets the short pack too.
    let (rtmp, r) = reference();
    assert!(!r.body("rosstat").unwrap().due);
    let dir = rtmp.path().join("out/bodies/rosstat");
    let text = pdf_text(&dir.join("report.pdf"));
    assert!(text.contains("поручений по итогам заседания нет"), "{text}");
    assert_eq!(pdf_pages(&dir.join("report.pdf")), 1);
    let letter = fs::read_to_string(dir.join("letter.txt")).unwrap();
    assert!(letter.contains("не закреплены показатели плана"), "{letter}");
    // A body with something due: the covering letter on the first page
    // says what, by how much and by when; the annex says how.
    let pages = {
        let bytes = fs::read(rtmp.path().join("out/bodies/minzdrav/report.pdf")).unwrap();
        pdf_extract::extract_text_from_mem_by_pages(&bytes).unwrap()
    };
    let first = normalise(&pages[0]);
    for needle in ["1 434", "31 декабря 2026 г.", "Приложение:"] {
        assert!(first.contains(needle), "{needle:?} not on the first page: {first}");
    }
    let annex = normalise(&pages[1]);
    for needle in [
        "Приложение к письму",
        "Что нужно сделать в 2026 году",
        "+1 434",
        "Что сделать:",
    ] {
        assert!(annex.contains(needle), "{needle:?} not in the annex: {annex}");
    }
}

#[test]
fn unsafe_body_names_get_safe_folders() {
    let region = r#"
region = "Забайкальский край"
period = "2026-Q1"

[[bodies]]
name = "Злой орган"
slug = "../evil"

[[steps]]
key = "k2.sick_leave"
responsible = ["../../etc/passwd", "Отдел: \"А/Б\"", "..", "Злой орган", "C:\\Windows\\system32", "con"]
works = "Проверить"
"#;
    let values: Vec<(&str, u64)> = base_values().into_iter().collect();
    let (tmp, inputs) = synthetic(&values, region);
    let r = report_of(&inputs);
    let out = tmp.path().join("out");
    build(&inputs, &out, &[]);
    let mut dirs: Vec<String> = fs::read_dir(out.join("bodies"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    dirs.sort();
    let mut slugs: Vec<String> = r.bodies.iter().map(|b| b.slug.clone()).collect();
    slugs.sort();
    assert_eq!(dirs, slugs);
    // Six named in the plan, and the body that submitted the rows without one.
    assert_eq!(r.bodies.len(), 7, "{slugs:?}");
    for s in &slugs {
        assert!(max_rating::bodies::is_safe_slug(s), "{s}");
        assert!(
            !s.contains("..") && !s.contains('/') && !s.contains('\\') && !s.contains(':'),
            "{s}"
        );
        assert!(out.join("bodies").join(s).join("report.pdf").is_file(), "{s}");
    }
    // Nothing outside the temporary folder's inputs/, out/ and history/.
    let mut top: Vec<String> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    top.sort();
    assert_eq!(top, ["history", "inputs", "out"]);
    assert!(!out.join("evil").exists() && !tmp.path().join("evil").exists());
    assert!(!slugs.contains(&"con".to_string()), "a Windows device name: {slugs:?}");
    // The names print literally in their packs.
    let weird = r.bodies.iter().find(|b| b.name == "Отдел: \"А/Б\"").unwrap();
    let text = pdf_text(&out.join("bodies").join(&weird.slug).join("report.pdf"));
    assert!(text.contains("Отдел: \"А/Б\""), "{text}");
    assert!(text.contains("больничных листов"), "{text}");
}

#[test]
fn packs_are_deterministic() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    build(&inputs_dir(), &a, &[]);
    build(&inputs_dir(), &b, &[]);
    let ma = fs::read(a.join("manifest.json")).unwrap();
    let mb = fs::read(b.join("manifest.json")).unwrap();
    assert_eq!(ma, mb, "same inputs, same manifest");
    let manifest: Value = serde_json::from_slice(&ma).unwrap();
    for e in manifest["files"].as_array().unwrap() {
        let p = e["path"].as_str().unwrap();
        assert_eq!(fs::read(a.join(p)).unwrap(), fs::read(b.join(p)).unwrap(), "{p}");
    }
    // In process too: the packs of one report render to the same bytes.
    let loaded = pipeline::load(&Sources {
        inputs: inputs_dir(),
        methodology: None,
        history: None,
    })
    .unwrap();
    let fonts = max_rating::render::typst::Fonts::embedded();
    let one = pipeline::render(&loaded, &Default::default(), &fonts).unwrap().files;
    let two = pipeline::render(&loaded, &Default::default(), &fonts).unwrap().files;
    assert_eq!(one.len(), two.len());
    for (x, y) in one.iter().zip(&two) {
        assert_eq!(x.path, y.path);
        assert!(x.bytes == y.bytes, "{}", x.path);
    }
    let from_cli = fs::read(a.join("bodies/minzdrav/report.pdf")).unwrap();
    let in_process = one.iter().find(|f| f.path == "bodies/minzdrav/report.pdf").unwrap();
    assert!(in_process.bytes == from_cli);
}
