//! `report.xlsx`: the seed's figures on their sheets, every formula's stored
//! result equal to the engine's value (and to what the formula computes),
//! the sources traced to their cells, band edges, determinism, and — where
//! LibreOffice is installed — the values after a real recalculation.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use calamine::Data;
use max_rating::forms::{Cell, SpecRow, SubmissionSpec};
use max_rating::pipeline::{self, Loaded, Sources};
use max_rating::render::workbook;
use max_rating::report::{ComponentView, Report};

// ------------------------------------------------------------------ setup

fn load(inputs: &Path) -> Loaded {
    pipeline::load(&Sources {
        inputs: inputs.to_path_buf(),
        methodology: None,
        history: None,
    })
    .unwrap()
}

fn seed() -> Loaded {
    load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/inputs")))
}

fn report(l: &Loaded) -> &Report {
    l.report.as_ref().expect("report")
}

/// The workbook of a loaded pipeline.
fn xlsx_of(l: &Loaded) -> Vec<u8> {
    workbook::render(report(l)).expect("the workbook renders")
}

use max_rating_testkit::book as xlsx_book;
use xlsx_book::*;

// ------------------------------------------------------ expected results

/// What a cell must hold: a number or a text.
#[derive(Debug, Clone, PartialEq)]
enum Want {
    Num(f64),
    Text(String),
}

impl Want {
    fn opt(v: Option<u64>) -> Want {
        v.map(|v| Want::Num(v as f64))
            .unwrap_or_else(|| Want::Text("нет данных".into()))
    }

    fn check(&self, d: &Data, what: &str) {
        match self {
            Want::Num(n) => assert_num(d, *n, what),
            Want::Text(t) => assert_eq!(&text(d), t, "{what}"),
        }
    }
}

/// The engine's value of every cell the workbook may compute, by sheet and
/// position, found through the tables' headers.
fn engine_values(book: &Book, r: &Report) -> BTreeMap<(String, (u32, u32)), Want> {
    let mut want = BTreeMap::new();
    let s = book.sheet("Сводка");
    let total_row = s.row_of("Итоговый балл", 0);
    want.insert(("Сводка".into(), (total_row, 1)), Want::Num(f64::from(r.summary.total)));
    want.insert(
        ("Сводка".into(), (s.row_of("Цветовая зона", 0), 1)),
        Want::Text(r.summary.band.name.clone()),
    );
    if let Some(gap) = r.summary.target_gap {
        want.insert(
            ("Сводка".into(), (s.row_of("Не хватает до цели", 0), 1)),
            Want::Num(f64::from(gap)),
        );
    }
    let rows = s.table("Компонент");
    assert_eq!(rows.len(), r.components.len());
    for (row, c) in rows.iter().zip(&r.components) {
        assert_eq!(text(&cell(row, "Компонент").1), c.label);
        want.insert(
            ("Сводка".into(), cell(row, "Баллы").0),
            Want::opt(c.points.map(u64::from)),
        );
        want.insert(
            ("Сводка".into(), cell(row, "Статус").0),
            Want::Text(c.status_label.clone()),
        );
    }
    for c in &r.components {
        component_values(book.sheet(&c.label), c, &mut want);
    }
    dynamics_values(book.sheet("Динамика"), r, &mut want);
    want
}

fn component_values(s: &Sheet, c: &ComponentView, want: &mut BTreeMap<(String, (u32, u32)), Want>) {
    let mut put = |pos: (u32, u32), w: Want| {
        want.insert((s.name.clone(), pos), w);
    };
    put((2, 1), Want::opt(c.points.map(u64::from)));
    put((s.row_of("Статус", 0), 1), Want::Text(c.status_label.clone()));
    let plan = s.table("Показатель");
    assert_eq!(plan.len(), c.rows.len(), "«{}»: plan rows", s.name);
    let year_target = plan
        .first()
        .and_then(|row| row.keys().find(|k| k.starts_with("План ")).cloned());
    for (row, p) in plan.iter().zip(&c.rows) {
        assert_eq!(text(&cell(row, "Показатель").1), p.name);
        put(cell(row, "Значение").0, Want::opt(p.value));
        put(cell(row, "Расчётная база").0, Want::opt(p.base));
        put(
            cell(row, "Доля").0,
            match p.share_exact {
                Some([n, d]) => Want::Num(n as f64 / d as f64),
                None => Want::Text("нет данных".into()),
            },
        );
        if let Some(col) = row.get("Баллы по шкале") {
            let points = if p.share_exact.is_some() {
                Want::Num(f64::from(
                    p.levels.iter().rev().find(|l| l.reached).map(|l| l.points).unwrap_or(0),
                ))
            } else {
                Want::Text("нет данных".into())
            };
            put(col.0, points);
        }
        if let Some(col) = row.get("Баллы критерия") {
            let cr = c
                .criteria
                .iter()
                .find(|cr| Some(&cr.id) == p.criterion.as_ref())
                .unwrap();
            put(col.0, criterion_points(cr.passed, cr.points));
        }
        let target = cell(row, year_target.as_deref().unwrap());
        put(
            target.0,
            p.target
                .map(|t| Want::Num(t as f64))
                .unwrap_or_else(|| Want::Text(text(&target.1))),
        );
        let gap = cell(row, "Отставание от плана");
        put(
            gap.0,
            p.gap
                .map(|g| Want::Num(g as f64))
                .unwrap_or_else(|| Want::Text(text(&gap.1))),
        );
        progress_values(row, p, &mut put);
    }
    if c.criteria.is_empty() {
        let scale = s.table("Полоса шкалы");
        let p = &c.rows[0];
        assert_eq!(scale.len(), p.levels.len());
        for (row, l) in scale.iter().zip(&p.levels) {
            assert_eq!(text(&cell(row, "Порог").1), l.threshold);
            assert_num(&cell(row, "Баллы").1, f64::from(l.points), "band points");
            let need = row.iter().find(|(k, _)| k.starts_with("Нужно для полосы")).unwrap().1;
            put(need.0, Want::opt(l.count));
            put(cell(row, "Отставание").0, Want::opt(l.gap));
            let reached = if p.share_exact.is_none() {
                "нет данных"
            } else if l.reached {
                "да"
            } else {
                "нет"
            };
            put(cell(row, "Достигнута").0, Want::Text(reached.into()));
        }
    } else {
        let crit = s.table("Критерий");
        assert_eq!(crit.len(), c.criteria.len());
        for (row, cr) in crit.iter().zip(&c.criteria) {
            assert_eq!(text(&cell(row, "Кратко").1), cr.short);
            put(cell(row, "Выполнен").0, Want::Text(cr.status_label.clone()));
            put(cell(row, "Баллы").0, criterion_points(cr.passed, cr.points));
        }
    }
}

/// The progress columns of a plan row: the engine's figures where a formula
/// stands, «—» elsewhere.
fn progress_values(row: &xlsx_book::Row, p: &max_rating::report::PlanRow, put: &mut impl FnMut((u32, u32), Want)) {
    let pr = &p.progress;
    let per_month = p
        .target
        .map(|_| Want::Num(pr.growth_needed_per_month.unwrap_or(0) as f64));
    let forecast = pr.forecast.as_ref().map(|f| match &f.period {
        Some(code) => {
            let (y, m) = code.split_once('-').unwrap();
            Want::Num(max_rating::pace::excel_serial(
                y.parse().unwrap(),
                m.parse().unwrap(),
                1,
            ))
        }
        None => Want::Text("к сроку не достигается".into()),
    });
    for (header, w) in [
        (
            "Прошлый период",
            pr.previous.as_ref().map(|x| Want::Num(x.value as f64)),
        ),
        (
            "Изменение",
            pr.previous.as_ref().and(pr.change).map(|c| Want::Num(c as f64)),
        ),
        ("Нужно в месяц до срока", per_month),
        (
            "Темп (тренд) в месяц, оценка",
            pr.trend_per_month.map(|t| Want::Num(t as f64)),
        ),
        ("Прогноз: месяц достижения", forecast),
        (
            "В графике?",
            pr.forecast.as_ref().map(|f| Want::Text(f.status_label.clone())),
        ),
    ] {
        let c = cell(row, header);
        put(c.0, w.unwrap_or_else(|| Want::Text(text(&c.1))));
    }
}

/// The shares of «Динамика»: value / base of each period.
fn dynamics_values(s: &Sheet, r: &Report, want: &mut BTreeMap<(String, (u32, u32)), Want>) {
    let rows = s.table("Период");
    assert_eq!(rows.len(), r.history.len(), "«Динамика»: a row per period");
    for (i, row) in rows.iter().enumerate() {
        for m in &r.measure_history {
            let c = cell(row, &format!("{}: доля", m.name));
            if let (Some(v), Some(b)) = (m.values[i], m.bases[i]) {
                want.insert(
                    (s.name.clone(), c.0),
                    if b == 0 {
                        Want::Text("база 0".into())
                    } else {
                        Want::Num(v as f64 / b as f64)
                    },
                );
            }
        }
    }
}

fn criterion_points(passed: Option<bool>, points: u32) -> Want {
    match passed {
        Some(true) => Want::Num(f64::from(points)),
        Some(false) => Want::Num(0.0),
        None => Want::Text("нет данных".into()),
    }
}

/// Every formula cell holds the engine's value as its stored result, and
/// the formulas use only classic functions.
fn check_formulas_against_engine(book: &Book, r: &Report) -> usize {
    let want = engine_values(book, r);
    let mut n = 0;
    for sheet in book.sheets.values() {
        for (pos, f) in &sheet.formulas {
            assert!(!f.contains("_xlfn"), "«{}» {pos:?}: {f}", sheet.name);
            for name in function_names(f) {
                assert!(
                    [
                        "IF",
                        "AND",
                        "OR",
                        "MAX",
                        "SUM",
                        "INT",
                        "ISNUMBER",
                        "ROUND",
                        "ROUNDUP",
                        "SLOPE",
                        "INTERCEPT",
                        "DATE",
                        "MOD"
                    ]
                    .contains(&name.as_str()),
                    "«{}» {pos:?}: function {name} in {f}",
                    sheet.name
                );
            }
            let w = want
                .get(&(sheet.name.clone(), *pos))
                .unwrap_or_else(|| panic!("«{}» {pos:?}: formula {f} is not a figure of the engine", sheet.name));
            w.check(sheet.get(*pos), &format!("«{}» {pos:?} = {f}", sheet.name));
            n += 1;
        }
    }
    n
}

fn function_names(f: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_str = false;
    let mut word = String::new();
    for ch in f.chars() {
        if ch == '"' {
            in_str = !in_str;
            word.clear();
            continue;
        }
        if in_str {
            continue;
        }
        if ch.is_ascii_alphanumeric() || ch == '_' || ch == '.' {
            word.push(ch);
        } else {
            if ch == '(' && !word.is_empty() {
                out.push(word.clone());
            }
            word.clear();
        }
    }
    out
}

// -------------------------------------------------------------- the seed

#[test]
fn seed_figures_on_their_sheets() {
    let l = seed();
    let r = report(&l);
    let book = open(&xlsx_of(&l));
    assert_eq!(
        book.names,
        [
            "Сводка",
            "К1",
            "К2",
            "К3",
            "К4",
            "Динамика",
            "Итоги 2025",
            "Сбор форм",
            "Источники",
            "Замечания"
        ]
        .map(String::from)
        .to_vec()
    );

    // «Сводка».
    let s = book.sheet("Сводка");
    assert_eq!(text(s.beside("Регион")), "Забайкальский край");
    assert!(text(s.beside("Период")).starts_with("1 квартал 2026 г."));
    assert_num(s.beside("Итоговый балл"), 12.0, "total");
    assert_eq!(text(s.beside("Цветовая зона")), "красная зона");
    assert_num(s.beside("Цель 2026 года"), 50.0, "target");
    assert_num(s.beside("Не хватает до цели"), 38.0, "target gap");
    let comps = s.table("Компонент");
    let expected = [
        ("К1", 5.0, 10.0, 10.0),
        ("К2", 0.0, 40.0, 20.0),
        ("К3", 7.0, 10.0, 10.0),
        ("К4", 0.0, 40.0, 10.0),
    ];
    assert_eq!(comps.len(), 4);
    for (row, (label, points, max, required)) in comps.iter().zip(expected) {
        assert_eq!(text(&cell(row, "Компонент").1), label);
        assert_num(&cell(row, "Баллы").1, points, label);
        assert_num(&cell(row, "Максимум").1, max, label);
        assert_num(&cell(row, "Необходимый минимум 2026").1, required, label);
        assert_eq!(text(&cell(row, "Статус").1), "ниже минимума");
    }
    let targets: Vec<(f64, f64)> = s
        .table("Год")
        .iter()
        .map(|row| {
            (
                num(&cell(row, "Год").1).unwrap(),
                num(&cell(row, "Целевой балл").1).unwrap(),
            )
        })
        .collect();
    assert_eq!(targets, [(2026.0, 50.0), (2027.0, 75.0), (2028.0, 100.0)]);
    let zones: Vec<String> = s.table("Зона").iter().map(|row| text(&cell(row, "Зона").1)).collect();
    assert_eq!(zones, ["красная зона", "жёлтая зона", "зелёная зона"]);

    // One sheet per component: value, base, share, plan, gap, points.
    let plan = |sheet: &str| book.sheet(sheet).table("Показатель");
    let check = |row: &Row, value: f64, base: f64, target: f64, what: &str| {
        assert_num(&cell(row, "Значение").1, value, what);
        assert_num(&cell(row, "Расчётная база").1, base, what);
        assert_num(&cell(row, "План 2026").1, target, what);
        assert_num(&cell(row, "Отставание от плана").1, (target - value).max(0.0), what);
        assert_num(&cell(row, "Доля").1, value / base, what);
    };
    let k1 = plan("К1");
    check(&k1[0], 22_471.0, 691_417.0, 69_142.0, "К1");
    assert_num(&cell(&k1[0], "Баллы по шкале").1, 5.0, "К1 points");
    assert_num(book.sheet("К1").get((2, 1)), 5.0, "К1 component points");
    assert_eq!(text(&cell(&k1[0], "Ответственные").1), "Все владельцы сервисов МАХ");
    assert!(text(&cell(&k1[0], "Необходимые работы").1).starts_with("Популяризация сервисов МАХ"));
    assert_eq!(text(&cell(&k1[0], "Источник данных").1), "ООО «МАХ», Росстат");
    let k1_scale: Vec<f64> = book
        .sheet("К1")
        .table("Полоса шкалы")
        .iter()
        .map(|row| num(&row.iter().find(|(k, _)| k.starts_with("Нужно")).unwrap().1.1).unwrap())
        .collect();
    assert_eq!(k1_scale, [17_286.0, 34_571.0, 69_142.0]);

    let k2 = plan("К2");
    assert_eq!(k2.len(), 4);
    check(&k2[0], 0.0, 28_672.0, 1_434.0, "ТМК");
    check(&k2[1], 14_670.0, 62_372.0, 31_186.0, "МФЦ");
    check(&k2[2], 19.0, 2_805.0, 1_403.0, "домовые чаты");
    check(&k2[3], 5.0, 136.0, 68.0, "каналы УК");
    let share = num(&cell(&k2[1], "Доля").1).unwrap();
    assert!((share - 0.2352).abs() < 0.0001, "МФЦ share {share}");
    assert_eq!(text(&cell(&k2[0], "Ответственные").1), "Минздрав");
    assert_eq!(text(&cell(&k2[2], "Ответственные").1), "Госжилинспекция, ОМСУ");
    for row in &k2 {
        assert_num(&cell(row, "Баллы критерия").1, 0.0, "К2 criterion points");
    }
    assert_num(book.sheet("К2").get((2, 1)), 0.0, "К2 component points");
    let crit: Vec<(String, String)> = book
        .sheet("К2")
        .table("Критерий")
        .iter()
        .map(|row| (text(&cell(row, "Кратко").1), text(&cell(row, "Выполнен").1)))
        .collect();
    assert_eq!(
        crit,
        [("ТМК", "не выполнен"), ("МФЦ", "не выполнен"), ("ЖКХ", "не выполнен")]
            .map(|(a, b)| (a.to_string(), b.to_string()))
    );
    // The existing channels (67) are shown for information.
    let parts = book.sheet("К2").table("Исходный показатель");
    let existing = parts
        .iter()
        .find(|row| text(&cell(row, "Роль в расчёте").1) == "для справки")
        .unwrap();
    assert_num(&cell(existing, "Значение (числитель)").1, 67.0, "existing channels");

    let k3 = plan("К3");
    check(&k3[0], 150_964.0, 691_417.0, 345_709.0, "К3");
    assert_num(&cell(&k3[0], "Баллы по шкале").1, 7.0, "К3 points");
    assert_num(book.sheet("К3").get((2, 1)), 7.0, "К3 component points");

    let k4 = plan("К4");
    check(&k4[0], 9.0, 1_315.0, 263.0, "К4");
    assert_num(&cell(&k4[0], "Баллы по шкале").1, 0.0, "К4 points");
    assert_num(book.sheet("К4").get((2, 1)), 0.0, "К4 component points");
    let k4_parts: Vec<(String, f64)> = book
        .sheet("К4")
        .table("Исходный показатель")
        .iter()
        .map(|row| {
            let v = num(&cell(row, "Значение (числитель)").1)
                .or_else(|| num(&cell(row, "Значение (база)").1))
                .unwrap();
            (text(&cell(row, "Роль в расчёте").1), v)
        })
        .collect();
    assert_eq!(
        k4_parts,
        [
            ("числитель", 0.0),
            ("числитель", 9.0),
            ("база", 113.0),
            ("база", 834.0),
            ("база", 368.0)
        ]
        .map(|(a, b)| (a.to_string(), b))
    );

    // «Итоги 2025».
    let results = book.sheet("Итоги 2025").table("№");
    let measures = &r.results.as_ref().unwrap().measures;
    assert_eq!(results.len(), measures.len());
    assert_eq!(results.len(), 14);
    for (row, m) in results.iter().zip(measures) {
        assert_eq!(text(&cell(row, "Мероприятие").1), m.title);
        assert_eq!(text(&cell(row, "Статус").1), m.status_label);
        assert_eq!(text(&cell(row, "Ответственные").1), m.responsible_text);
    }

    // «Замечания»: none for the seed.
    assert!(r.diagnostics.is_empty());
    assert_eq!(text(book.sheet("Замечания").get((3, 0))), "Замечаний нет");

    // Lists are Excel tables (with their autofilter).
    for (sheet, n) in [("Сводка", 3), ("К1", 1), ("К2", 1), ("Итоги 2025", 1), ("Источники", 1)] {
        assert_eq!(
            book.tables[sheet].len(),
            n,
            "tables on «{sheet}»: {:?}",
            book.tables[sheet]
        );
    }
}

#[test]
fn every_source_once_with_its_cell() {
    let l = seed();
    let r = report(&l);
    let book = open(&xlsx_of(&l));
    let rows = book.sheet("Источники").table("№");
    assert_eq!(rows.len(), r.sources.len());
    assert_eq!(rows.len(), l.inputs.observations.len());
    for s in &r.sources {
        let found: Vec<_> = rows
            .iter()
            .filter(|row| {
                text(&cell(row, "Код").1) == s.code
                    && text(&cell(row, "Файл").1) == s.file
                    && text(&cell(row, "Лист").1) == s.sheet
                    && text(&cell(row, "Ячейка").1) == s.cell
            })
            .collect();
        assert_eq!(found.len(), 1, "{} ({}, {}) must appear once", s.code, s.file, s.cell);
        let row = found[0];
        assert_num(&cell(row, "Значение").1, s.value as f64, &s.code);
        assert_eq!(text(&cell(row, "Представивший орган").1), s.body);
        assert_eq!(text(&cell(row, "Источник данных").1), s.source);
        assert_eq!(text(&cell(row, "Показатель").1), s.name);
    }
    // A spot check against the seed: the internet users of the region.
    let users = rows
        .iter()
        .find(|row| text(&cell(row, "Код").1) == "region.internet_users")
        .unwrap();
    assert_num(&cell(users, "Значение").1, 691_417.0, "internet users");
    assert_eq!(text(&cell(users, "Файл").1), "submissions/federal/rosstat.xlsx");
    assert_eq!(text(&cell(users, "Ячейка").1), "E9");
}

#[test]
fn formulas_store_the_engine_values() {
    let l = seed();
    let book = open(&xlsx_of(&l));
    let n = check_formulas_against_engine(&book, report(&l));
    // Shares, points, plans, gaps, scales, criteria, the total …
    assert!(n >= 40, "only {n} formulas");
    let m = check_formulas_compute_their_results(&book);
    assert_eq!(n, m);
    // The total is a SUM over the components' sheets.
    let s = book.sheet("Сводка");
    let total = s.formulas[&(s.row_of("Итоговый балл", 0), 1)].clone();
    assert!(total.starts_with("SUM("), "{total}");
    for label in ["К1", "К2", "К3", "К4"] {
        assert!(total.contains(&format!("'{label}'!$B$3")), "{total}");
    }
    // A share is a division of the row's own cells.
    let k1 = book.sheet("К1");
    let share = k1.table("Показатель")[0]["Доля"].0;
    assert!(k1.formulas[&share].contains('/'), "{}", k1.formulas[&share]);
}

/// The cached values of each series of the chart on «Сводка» (what a
/// viewer that does not recalculate draws): one list a series, `None` for a
/// point without a value.
fn chart_cache(xlsx: &[u8]) -> Vec<Vec<Option<f64>>> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut xml = String::new();
    match zip.by_name("xl/charts/chart1.xml") {
        Ok(mut part) => part.read_to_string(&mut xml).unwrap(),
        // A book without components has no chart.
        Err(_) => return Vec::new(),
    };
    xml.split("<c:val>")
        .skip(1)
        .map(|val| {
            let cache = &val[..val.find("</c:numCache>").unwrap()];
            let count: usize = cache
                .split("<c:ptCount val=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            let mut points = vec![None; count];
            for pt in cache.split("<c:pt idx=\"").skip(1) {
                let idx: usize = pt.split('"').next().unwrap().parse().unwrap();
                let v = pt.split("<c:v>").nth(1).unwrap().split("</c:v>").next().unwrap();
                points[idx] = Some(v.parse().unwrap());
            }
            points
        })
        .collect()
}

#[test]
fn the_chart_caches_the_points_and_minimums() {
    let l = seed();
    let r = report(&l);
    let cache = chart_cache(&xlsx_of(&l));
    let points: Vec<Option<f64>> = r.components.iter().map(|c| c.points.map(f64::from)).collect();
    let required: Vec<Option<f64>> = r.components.iter().map(|c| c.required.map(f64::from)).collect();
    assert_eq!(cache, vec![points, required]);
    assert_eq!(cache[0], [Some(5.0), Some(0.0), Some(7.0), Some(0.0)]);
    // A component without data has no bar; a body's book caches its own.
    for (name, _dir, l, bytes) in edge_workbooks() {
        let want: Vec<Option<f64>> = report(&l).components.iter().map(|c| c.points.map(f64::from)).collect();
        assert_eq!(chart_cache(&bytes)[0], want, "{name}");
    }
    for body in &r.bodies {
        let book = max_rating::render::workbook::render_part(&r.for_body(body), r, body).unwrap();
        let part = r.for_body(body);
        let want: Vec<Option<f64>> = part.components.iter().map(|c| c.points.map(f64::from)).collect();
        let got = chart_cache(&book);
        assert_eq!(got.first().cloned().unwrap_or_default(), want, "{}", body.slug);
    }
}

#[test]
fn same_inputs_same_bytes() {
    let a = xlsx_of(&seed());
    let b = xlsx_of(&seed());
    assert!(a == b, "two renders differ");
}

#[test]
fn build_writes_the_workbook() {
    let l = seed();
    let fonts = max_rating::render::typst::Fonts::embedded();
    let files = pipeline::render(&l, &Default::default(), &fonts).unwrap().files;
    let xlsx: Vec<_> = files.iter().filter(|f| f.path == "report.xlsx").collect();
    assert_eq!(xlsx.len(), 1, "render_all writes report.xlsx once");
    assert!(xlsx[0].bytes == xlsx_of(&l), "render_all writes the renderer's bytes");
}

// ------------------------------------------------------ synthetic inputs

/// Submissions with the given values (a missing code is not submitted),
/// one workbook per body, in a fresh folder.
fn synthetic(values: &[(&str, u64)]) -> (tempfile::TempDir, Loaded) {
    let dir = tempfile::tempdir().unwrap();
    let subs = dir.path().join("submissions");
    std::fs::create_dir_all(&subs).unwrap();
    let mut spec = SubmissionSpec::new("Тестовая область", "Министерство цифрового развития", "1 квартал 2026");
    spec.rows = values
        .iter()
        .map(|(code, v)| SpecRow::new(code, code, "шт.", Cell::Number(*v as f64), "тест"))
        .collect();
    std::fs::write(subs.join("test.xlsx"), spec.to_xlsx().unwrap()).unwrap();
    let l = load(dir.path());
    (dir, l)
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

/// The band-edge cases: (name, changes to the base values, expected points
/// К1..К4 with None for «нет данных»).
#[allow(clippy::type_complexity)]
fn edge_cases() -> Vec<(&'static str, Vec<(&'static str, Option<u64>)>, [Option<u32>; 4])> {
    vec![
        // Exactly at the thresholds: 10% (strict next band) stays 7, 50%
        // stays 7, 70% of organisations stays 20; ≥ 5% and ≥ 50% pass.
        ("edges", vec![], [Some(7), Some(30), Some(7), Some(20)]),
        // One above: into the strict bands; one below the inclusive ones.
        (
            "edges+1",
            vec![
                ("k1.active_audience", Some(101)),
                ("k3.active_audience", Some(501)),
                ("k4.scanning.goskan", Some(401)),
                ("k2.sick_leave.closed_in_max", Some(4)),
                ("k2.mfc.notified_users", Some(49)),
                ("k2.housing.channels_active", Some(50)),
            ],
            [Some(10), Some(10), Some(10), Some(40)],
        ),
        // Just below the lowest bands (2.5%, 10%, 20%); a missing value and
        // a zero base give «нет данных» without errors.
        (
            "below",
            vec![
                ("k1.active_audience", Some(24)),
                ("k3.active_audience", None),
                ("k4.scanning.api", Some(0)),
                ("k4.scanning.goskan", Some(199)),
                ("k2.mfc.visitors", Some(0)),
            ],
            [Some(0), None, None, Some(0)],
        ),
        // Exactly at the lowest bands; a basic service not launched zeroes
        // К1 through its gate.
        (
            "lowest",
            vec![
                ("k1.active_audience", Some(25)),
                ("k3.active_audience", Some(100)),
                ("k4.scanning.api", Some(0)),
                ("k4.scanning.goskan", Some(200)),
                ("k1.service.mfc_bot.launched", Some(0)),
            ],
            [Some(0), Some(30), Some(5), Some(10)],
        ),
    ]
}

fn edge_workbooks() -> Vec<(String, tempfile::TempDir, Loaded, Vec<u8>)> {
    edge_cases()
        .into_iter()
        .map(|(name, changes, want)| {
            let mut values = base_values();
            for (code, v) in &changes {
                match v {
                    Some(v) => {
                        values.insert(code, *v);
                    }
                    None => {
                        values.remove(code);
                    }
                }
            }
            let list: Vec<(&str, u64)> = values.into_iter().collect();
            let (dir, l) = synthetic(&list);
            let r = report(&l);
            let got: Vec<Option<u32>> = r.components.iter().map(|c| c.points).collect();
            assert_eq!(got, want, "{name}: the engine's points");
            let bytes = xlsx_of(&l);
            (name.to_string(), dir, l, bytes)
        })
        .collect()
}

#[test]
fn band_edges_store_and_compute_the_engine_points() {
    for (name, _dir, l, bytes) in edge_workbooks() {
        let r = report(&l);
        let book = open(&bytes);
        check_formulas_against_engine(&book, r);
        check_formulas_compute_their_results(&book);
        let s = book.sheet("Сводка");
        assert_num(s.beside("Итоговый балл"), f64::from(r.summary.total), &name);
        for c in &r.components {
            let cellv = book.sheet(&c.label).get((2, 1)).clone();
            match c.points {
                Some(p) => assert_num(&cellv, f64::from(p), &format!("{name} {}", c.label)),
                None => assert_eq!(text(&cellv), "нет данных", "{name} {}", c.label),
            }
        }
        if name == "below" {
            let remarks = book.sheet("Замечания").table("№");
            assert_eq!(remarks.len(), r.diagnostics.len());
            assert!(!remarks.is_empty());
        }
    }
}

// --------------------------------------------------------- LibreOffice

fn soffice() -> Option<PathBuf> {
    ["soffice", "libreoffice"].iter().find_map(|name| {
        std::env::var_os("PATH")?
            .to_str()?
            .split(':')
            .map(|d| Path::new(d).join(name))
            .find(|p| p.is_file())
    })
}

/// Converts the workbooks with LibreOffice, recalculating every formula
/// on load, and returns the converted bytes in the same order.
pub(crate) fn recalculate(files: &[(String, Vec<u8>)]) -> Option<Vec<Vec<u8>>> {
    let Some(bin) = soffice() else {
        eprintln!("NOTE: soffice/libreoffice not installed — recalculation check skipped");
        return None;
    };
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("profile");
    std::fs::create_dir_all(profile.join("user")).unwrap();
    // Always recalculate OOXML and ODF files on load.
    std::fs::write(
        profile.join("user/registrymodifications.xcu"),
        r#"<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"#,
    )
    .unwrap();
    let src = dir.path().join("src");
    let out = dir.path().join("out");
    std::fs::create_dir_all(&src).unwrap();
    let mut paths = Vec::new();
    for (name, bytes) in files {
        let p = src.join(format!("{name}.xlsx"));
        std::fs::write(&p, bytes).unwrap();
        paths.push(p);
    }
    let status = std::process::Command::new(bin)
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--norestore", "--convert-to", "xlsx", "--outdir"])
        .arg(&out)
        .args(&paths)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("soffice runs");
    assert!(status.success(), "soffice failed: {status}");
    Some(
        files
            .iter()
            .map(|(name, _)| std::fs::read(out.join(format!("{name}.xlsx"))).expect("converted workbook"))
            .collect(),
    )
}

/// A workbook whose stored result is wrong on purpose: proves that the
/// conversion recalculates.
fn probe() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_number(0, 0, 20.0).unwrap();
    ws.write_formula(0, 1, rust_xlsxwriter::Formula::new("=A1*2+1").set_result("5"))
        .unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn libreoffice_recalculation_matches_the_stored_results() {
    let mut files = vec![("probe".to_string(), probe())];
    let seed = seed();
    files.push(("seed".to_string(), xlsx_of(&seed)));
    let edges = edge_workbooks();
    for (name, _, _, bytes) in &edges {
        files.push((name.clone(), bytes.clone()));
    }
    let Some(converted) = recalculate(&files) else {
        return;
    };
    let probe_book = open(&converted[0]);
    let probe_sheet = probe_book.sheets.values().next().unwrap();
    assert_num(
        probe_sheet.get((0, 1)),
        41.0,
        "LibreOffice did not recalculate the probe",
    );
    let mut checked = 0;
    for ((name, original), recalculated) in files.iter().zip(&converted).skip(1) {
        let ours = open(original);
        let theirs = open(recalculated);
        for sheet in ours.sheets.values() {
            let other = theirs.sheet(&sheet.name);
            for (pos, f) in &sheet.formulas {
                let what = format!("{name} «{}» {pos:?} = {f}", sheet.name);
                let stored = sheet.get(*pos);
                let recalc = other.get(*pos);
                match num(stored) {
                    Some(x) => assert_num(recalc, x, &what),
                    None => assert_eq!(text(recalc), text(stored), "{what}"),
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked}");
}
