//! The working-group deck (`out/deck.pdf`): every slide of the seed deck,
//! every seed figure where the seed has it, determinism, literal rendering
//! of workbook text, user templates and their errors.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use max_rating::pipeline::{self, Sources};
use max_rating::render::template_set::TEMPLATE_FILES;
use max_rating::render::{TemplateSet, deck};

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

fn cmd() -> Command {
    Command::cargo_bin("max-rating").unwrap()
}

/// Runs `build` and returns the deck's bytes.
fn build(inputs: &Path, out: &Path, extra: &[&str]) -> Vec<u8> {
    cmd()
        .arg("build")
        .arg("--inputs")
        .arg(inputs)
        .arg("--out")
        .arg(out)
        .args(extra)
        .assert()
        .success();
    fs::read(out.join("deck.pdf")).unwrap()
}

/// Text of one page, as a reader sees it: hyphenation breaks joined, every
/// kind of space (the narrow no-break space of numbers included) turned
/// into one plain space. The extractor reports PT Sans' hyphen as U+00AD:
/// followed by a line break it is a hyphenation point, otherwise a hyphen.
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

/// Without any spaces: for figures, whatever spaces the extractor gives.
fn squeeze(s: &str) -> String {
    normalise(s).replace(' ', "")
}

fn pages(pdf: &[u8]) -> Vec<String> {
    pdf_extract::extract_text_from_mem_by_pages(pdf)
        .unwrap()
        .iter()
        .map(|p| normalise(p))
        .collect()
}

fn assert_has(page: &str, needles: &[&str], what: &str) {
    for n in needles {
        assert!(page.contains(n), "{what}: {n:?} not found in {page:?}");
    }
}

fn assert_has_squeezed(page: &str, needles: &[&str], what: &str) {
    let sq = squeeze(page);
    for n in needles {
        let n = squeeze(n);
        assert!(sq.contains(&n), "{what}: {n:?} not found in {sq:?}");
    }
}

const TITLES: &[&str] = &[
    "Подведение итогов 2025 года",
    "Цель и задачи на 2026 год",
    "К1. «Качество и востребованность региональных сервисов»",
    "К2. «Массовое использование приоритетных сервисов»",
    "К3. «Востребованность региональных каналов»",
    "К4. «Внедрение Цифрового ID»",
    "Итоговый расчет рейтинга, целевое значение",
    "Практика регионов: чат-бот МФЦ Мурманской области в МАХ",
    "Необходимые шаги по достижению показателя в 2026 году",
];

#[test]
fn every_seed_slide_and_figure_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    let pdf = build(&inputs_dir(), &tmp.path().join("out"), &[]);
    let p = pages(&pdf);
    // Title, results, goal, 4 × methodology, summary, free slide, 3 × plan.
    assert_eq!(p.len(), 12, "{p:#?}");

    // Every slide: the period and its page number in the footer.
    for (i, page) in p.iter().enumerate() {
        assert!(
            page.contains("Забайкальский край · 1 квартал 2026 г."),
            "page {}: no footer in {page:?}",
            i + 1
        );
        assert!(
            page.ends_with(&format!(" {}", i + 1)),
            "page {}: no number in {page:?}",
            i + 1
        );
    }
    let all = p.join("\n");
    for t in TITLES {
        assert!(all.contains(t), "title {t:?} missing");
    }
    assert!(
        !all.contains("Обновленный рейтинг регионов"),
        "no regions.xlsx: no ranking slide"
    );

    // 1. Title.
    assert_has(
        &p[0],
        &[
            "ЗАБАЙКАЛЬСКИЙ КРАЙ",
            "Заседание рабочей группы по внедрению и популяризации национального мессенджера на территории Забайкальского края",
            "16 апреля 2026 г.",
        ],
        "title",
    );
    // 2. Results of 2025: 14 measures with their status.
    assert_has(
        &p[1],
        &[
            "Подведение итогов 2025 года",
            "Перевод 100% рабочих коммуникаций в МАХ",
            "Запуск чат-бота МФЦ в МАХ",
            "Применение «Цифрового ID» для студентов Не реализовано Миннауки",
            "Эксклюзивные сервисы региона в МАХ Реализовано частично Исполнительные органы",
        ],
        "results",
    );
    assert_eq!(p[1].matches("Реализовано частично").count(), 3);
    assert_eq!(p[1].matches("Не реализовано").count(), 1);
    assert_eq!(p[1].matches("Реализовано").count(), 10 + 3);
    // 3. Goal and tasks, the components grouped by type.
    assert_has(
        &p[2],
        &[
            "ЦЕЛЬ на 2026 год: массовое использование сервисов «МАХ» и Цифрового ID",
            "популяризация сервисов «МАХ» и обеспечение инфраструктуры приема Цифрового ID",
            "Аудиторные К1 Качество и востребованность региональных сервисов 10 баллов К3 Востребованность региональных каналов",
            "Транзакционные К2 Массовое использование приоритетных сервисов 40 баллов К4 Внедрение Цифрового ID",
        ],
        "goal",
    );
    // 4–7. Methodology, one slide per component.
    assert_has(
        &p[3],
        &[
            "Тип: Аудиторный",
            "Чат-бот МФЦ",
            "Максимум: 10 баллов",
            "22 471 из 691 417",
        ],
        "К1",
    );
    assert_has_squeezed(&p[3], &["2,5%≤доля<5%5б.", "доля>10%10б."], "К1 scale");
    assert_has(&p[4], &["Тип: Транзакционный", "Максимум: 40 баллов"], "К2");
    assert_has_squeezed(&p[4], &["ТМК:≥5%20б.", "МФЦ:≥50%10б.", "ЖКХ:≥50%10б."], "К2 criteria");
    assert_has(
        &p[5],
        &["Тип: Аудиторный", "Максимум: 10 баллов", "150 964 из 691 417"],
        "К3",
    );
    assert_has(
        &p[6],
        &["Тип: Транзакционный", "Максимум: 40 баллов", "9 из 1 315"],
        "К4",
    );
    // 8. Summary: targets, bands, minimum vs current, total.
    assert_has(
        &p[7],
        &[
            "Цель для Забайкальского края",
            "Год 2026 2027 2028",
            "Целевое значение, балл 50 75 100",
            "более 50 26–50 менее 26",
            "Необходимый минимум в 2026, балл 10 20 10 10",
            "Текущее значение, балл 5 0 7 0",
            "Итог: 12 баллов из 100",
            "не хватает 38 баллов",
            "К1 5 из 10 (минимум 10)",
            "К4 0 из 40 (минимум 10)",
        ],
        "summary",
    );
    // 9. The free-form slide, before the plan.
    assert_has(&p[8], &["Практика регионов", "2 995", "Что умеет бот"], "free slide");
    assert_has_squeezed(&p[8], &["более300000"], "free slide");
    // 10. Plan, audience components: К1 and К3 with the footnotes and base.
    assert_has(
        &p[9],
        &[
            "Аудиторные компоненты",
            "К1. «Качество и востребованность региональных сервисов»",
            "К3. «Востребованность региональных каналов»",
            "* согласно сведениям ООО «МАХ»",
            "** от общего числа интернет-пользователей субъекта Российской Федерации, чел. (согласно сведениям Росстата): 691 417",
        ],
        "plan audience",
    );
    assert_has_squeezed(
        &p[9],
        &[
            "22471*",
            "69142**(>10%)",
            "+46671",
            "150964*",
            "345709**(>50%)",
            "+194745",
            "ВсевладельцысервисовМАХ",
        ],
        "plan audience",
    );
    // 11. К2: three criteria, bases, combinations.
    assert_has(
        &p[10],
        &[
            "Транзакционные компоненты",
            "К2. «Массовое использование приоритетных сервисов»",
            "1. Доля закрытых больничных листов",
            "2. Доля уникальных пользователей, получивших уведомления от МФЦ",
            "3. Доля активных домовых чатов и информационных каналов управляющих компаний",
            "1 квартал 2026 г., по сведениям СФР",
            "по сведениям Минцифры России",
            "ТМК (20 б.) или МФЦ + ЖКХ (10 + 10 б.)",
        ],
        "plan К2",
    );
    assert_has_squeezed(
        &p[10],
        &[
            "01434(≥5%)+1434+160вмесяцМинздрав",
            "28672",
            "14670(23,5%)31186(≥50%)+16516",
            "62372",
            "19(0,7%)1403(≥50%)",
            "2805",
            "5(3,7%)68(≥50%)",
            "67136(планМинстрояРоссии)",
        ],
        "plan К2",
    );
    // 12. К4 under its own name, the scan rows and the sector bases.
    assert_has(
        &p[11],
        &[
            "К4. «Внедрение Цифрового ID»",
            "* согласно сведениям Минтранса России",
            "** согласно сведениям Росстата",
        ],
        "plan К4",
    );
    assert!(
        !p[11].contains("К4. «Массовое использование"),
        "К4 must not carry К2's name"
    );
    assert_has_squeezed(
        &p[11],
        &[
            "APIМАХ,шт.0263(≥20%)+254",
            "9",
            "113*Минтранс",
            "834**Минэкономразвития;РСТ",
            "368**Минкультуры",
        ],
        "plan К4",
    );
}

#[test]
fn same_inputs_same_bytes_with_metadata() {
    let tmp = tempfile::tempdir().unwrap();
    let a = build(&inputs_dir(), &tmp.path().join("a"), &[]);
    let b = build(&inputs_dir(), &tmp.path().join("b"), &[]);
    assert!(a == b, "two builds differ");
    let raw = String::from_utf8_lossy(&a);
    assert!(
        raw.contains("Заседание рабочей группы"),
        "no document title in the XMP metadata"
    );
    assert!(
        raw.contains("Рабочая группа по внедрению национального мессенджера, Забайкальский край"),
        "no author"
    );
    assert!(raw.contains("2026-04-16"), "the document date is the meeting date");
    assert!(!raw.contains("pdfaid:part"), "plain PDF by default");

    let pdfa = build(&inputs_dir(), &tmp.path().join("c"), &["--pdf-standard", "a-2b"]);
    let raw = String::from_utf8_lossy(&pdfa);
    assert!(raw.contains("pdfaid:part"), "no PDF/A identification");
    cmd()
        .args(["build", "--pdf-standard", "a-1b", "--out"])
        .arg(tmp.path().join("d"))
        .assert()
        .code(2);
}

/// Workbook and plan text is data, never Typst markup.
#[test]
fn workbook_text_renders_literally() {
    let (_tmp, dir) = inputs_copy();
    let evil_body = r#"Орган #set [x] $y$ *z* _w_ "q" \ @ref <lbl> = eq"#;
    let evil_works = r#"Работа #strong[не жирно] ]] [[ $$ ** __ "кавычки" \\ @label <tag> == #{ 1 + 1 }"#;
    let toml_str = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let region = fs::read_to_string(dir.join("region.toml")).unwrap();
    let region = region
        .replacen(
            "responsible = \"Все владельцы сервисов МАХ\"",
            &format!("responsible = {}", toml_str(evil_body)),
            1,
        )
        .replacen(
            "works = \"Популяризация сервисов МАХ среди населения, повышение их качества и востребованности, включение сервисов в реестр\"",
            &format!("works = {}", toml_str(evil_works)),
            1,
        )
        .replacen(
            "title = \"Уведомления МФЦ в МАХ\"",
            &format!("title = {}", toml_str("Мероприятие = #heading[x] <y> @z")),
            1,
        );
    assert!(region.contains("#set [x]"), "region.toml not patched");
    fs::write(dir.join("region.toml"), region).unwrap();
    let pdf = build(&dir, &dir.join("out"), &[]);
    let p = pages(&pdf);
    assert_eq!(p.len(), 12);
    // The extractor may put spaces between glyphs: compare without spaces.
    assert_has_squeezed(&p[1], &["Мероприятие = #heading[x] <y> @z"], "results");
    // The body's name in a narrow column may wrap: compare without spaces.
    assert_has_squeezed(&p[9], &[evil_body, evil_works], "plan");
}

#[test]
fn broken_user_template_names_file_and_line_and_writes_nothing() {
    let (tmp, dir) = inputs_copy();
    fs::create_dir_all(dir.join("templates")).unwrap();
    fs::write(
        dir.join("templates/deck.typ"),
        "#import \"theme.typ\": *\n\n#slide(title: \"Сломанный\")[\n  #no-such-function()\n]\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("rating.json"), "old").unwrap();
    let assert = cmd()
        .arg("build")
        .arg("--inputs")
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .assert()
        .code(5);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains("deck.typ:4:4"), "{stderr}");
    assert!(stderr.contains("no-such-function"), "{stderr}");
    assert!(
        stderr.contains(&dir.join("templates").join("deck.typ").display().to_string()),
        "{stderr}"
    );
    assert!(!out.join("deck.pdf").exists(), "deck.pdf written");
    assert_eq!(
        fs::read_to_string(out.join("rating.json")).unwrap(),
        "old",
        "out/ touched"
    );
    let left: Vec<_> = fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left.len(), 1, "{left:?}");
}

#[test]
fn broken_text_template_is_a_render_error() {
    let (tmp, dir) = inputs_copy();
    let templates = tmp.path().join("my-templates");
    fs::create_dir_all(&templates).unwrap();
    fs::write(
        templates.join("texts.hbs"),
        "{{!-- опечатка --}}\n{{#*inline \"plan_title\"}}Шаги на {{meta.yaer}} год{{/inline}}\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let assert = cmd()
        .arg("build")
        .arg("--inputs")
        .arg(&dir)
        .arg("--out")
        .arg(&out)
        .arg("--templates")
        .arg(&templates)
        .assert()
        .code(5);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(stderr.contains("texts.hbs:2:34"), "{stderr}");
    assert!(stderr.contains("meta.yaer"), "{stderr}");
    assert!(!out.join("deck.pdf").exists());
}

#[test]
fn user_texts_and_slides_override_file_by_file() {
    let (tmp, dir) = inputs_copy();
    // <inputs>/templates/texts.hbs changes one text; the rest stays built-in.
    fs::create_dir_all(dir.join("templates")).unwrap();
    fs::write(
        dir.join("templates/texts.hbs"),
        "{{#*inline \"plan_title\"}}Что сделать в {{meta.year}} году: {{int 691417}}{{/inline}}\n\
         {{#*inline \"my_note\"}}Итог {{summary.total}} {{plural summary.total \"балл\" \"балла\" \"баллов\"}}{{/inline}}\n",
    )
    .unwrap();
    // A second free slide that reads the data and a user text; slides go
    // in name order.
    fs::write(
        dir.join("slides/00-first.typ"),
        "#import \"/theme.typ\": *\n#slide(title: [Первый свободный])[#texts.my_note — #report.meta.region]\n",
    )
    .unwrap();
    // --templates wins over <inputs>/templates.
    let over = tmp.path().join("over");
    fs::create_dir_all(&over).unwrap();
    let builtin = String::from_utf8(
        TEMPLATE_FILES
            .iter()
            .find(|(p, _)| *p == "summary.typ")
            .unwrap()
            .1
            .to_vec(),
    )
    .unwrap();
    fs::write(
        over.join("summary.typ"),
        builtin.replace(
            "#let summary-slide() = slide(title: texts.summary_title, {",
            "#let summary-slide() = slide(title: [Свой итог], {",
        ),
    )
    .unwrap();
    let pdf = build(&dir, &tmp.path().join("out"), &["--templates", over.to_str().unwrap()]);
    let p = pages(&pdf);
    assert_eq!(p.len(), 13);
    let all = p.join("\n");
    assert!(all.contains("Что сделать в 2026 году: 691 417"), "user text not used");
    assert!(all.contains("Подведение итогов 2025 года"), "built-in texts lost");
    assert!(
        all.contains("Свой итог") && !all.contains("Итоговый расчет рейтинга"),
        "--templates not applied"
    );
    assert!(
        p[8].contains("Первый свободный") && p[8].contains("Итог 12 баллов — Забайкальский край"),
        "{}",
        p[8]
    );
    assert!(p[9].contains("Практика регионов"), "slides not in name order");
}

fn write_regions(path: &Path, rows: &[(&str, [f64; 4])]) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write(0, 0, "Рейтинг регионов (тестовые данные)").unwrap();
    for (i, h) in ["Регион", "K1", "К2", "К3", "К4"].iter().enumerate() {
        ws.write(1, i as u16, *h).unwrap();
    }
    for (r, (name, k)) in rows.iter().enumerate() {
        ws.write(2 + r as u32, 0, *name).unwrap();
        for (j, v) in k.iter().enumerate() {
            ws.write(2 + r as u32, 1 + j as u16, *v).unwrap();
        }
    }
    wb.save(path).unwrap();
}

#[test]
fn ranking_slide_only_with_regions_xlsx() {
    let (tmp, dir) = inputs_copy();
    write_regions(
        &dir.join("regions.xlsx"),
        &[
            ("Регион А", [10.0, 20.0, 10.0, 10.0]),
            ("Забайкальский край", [5.0, 0.0, 7.0, 0.0]),
            ("Регион Б", [7.0, 10.0, 5.0, 0.5]),
            ("Регион В", [5.0, 0.0, 7.0, 0.0]),
        ],
    );
    let pdf = build(&dir, &tmp.path().join("out"), &[]);
    let p = pages(&pdf);
    assert_eq!(p.len(), 13);
    assert_has(
        &p[2],
        &[
            "Обновленный рейтинг регионов внедрения многофункционального сервиса обмена информацией",
            "1 Регион А 10 20 10 10 50",
            "2 Регион Б 7 10 5 0,5 22,5",
            "Забайкальский край 5 0 7 0 12",
            "Забайкальский край: 3 место из 4",
        ],
        "ranking",
    );

    // A workbook without the columns is a clear input error (exit 3).
    let mut wb = rust_xlsxwriter::Workbook::new();
    wb.add_worksheet().write(0, 0, "Регион").unwrap();
    wb.save(dir.join("regions.xlsx")).unwrap();
    let assert = cmd()
        .arg("build")
        .arg("--inputs")
        .arg(&dir)
        .arg("--out")
        .arg(tmp.path().join("out2"))
        .assert()
        .code(3);
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).to_string();
    assert!(
        stderr.contains("regions.xlsx") && stderr.contains("«Итого»"),
        "{stderr}"
    );
}

#[test]
fn missing_font_dir_is_a_config_error() {
    let tmp = tempfile::tempdir().unwrap();
    cmd()
        .args(["build", "--font-path"])
        .arg(tmp.path().join("no-fonts"))
        .arg("--out")
        .arg(tmp.path().join("out"))
        .assert()
        .code(3);
    // An existing (empty) folder is fine: the built-in PT Sans stays.
    fs::create_dir_all(tmp.path().join("fonts")).unwrap();
    build(
        &inputs_dir(),
        &tmp.path().join("out"),
        &["--font-path", tmp.path().join("fonts").to_str().unwrap()],
    );
}

/// The data reach Typst as one JSON document with the texts rendered.
#[test]
fn data_json_carries_report_and_rendered_texts() {
    let loaded = pipeline::load(&Sources {
        inputs: inputs_dir(),
        methodology: None,
        history: None,
    })
    .unwrap();
    let report = loaded.report.unwrap();
    let set = TemplateSet::embedded().unwrap();
    let v = deck::data(&report, &set).unwrap();
    assert_eq!(v["report"]["meta"]["region"], "Забайкальский край");
    assert_eq!(
        v["texts"]["plan_title"],
        "Необходимые шаги по достижению показателя в 2026 году"
    );
    assert_eq!(v["texts"]["title_date"], "16 апреля 2026 г.");
    let k1 = &v["plan"][0]["sections"][0];
    assert_eq!(k1["component"], "K1");
    assert_eq!(k1["rows"][0]["cells"][1]["text"], "22\u{202F}471*");
    assert_eq!(k1["rows"][0]["cells"][2]["text"], "69\u{202F}142** (> 10%)");
    assert_eq!(v["plan"][0]["footnotes"][0], "* согласно сведениям ООО «МАХ»");
    assert_eq!(v["plan"].as_array().unwrap().len(), 3);
    assert_eq!(v["plan"][2]["sections"][0]["heading"], "К4. «Внедрение Цифрового ID»");
    assert_eq!(v["components"]["K2"]["method_max"], "40 баллов");
    assert!(v["ranking"].is_null());
    // Same input, same bytes.
    assert_eq!(v, deck::data(&report, &set).unwrap());
}
