//! The reader of submissions (format v1) on workbooks written here: numbers
//! as people type them, errors and warnings with their file, sheet and cell,
//! the folder rules, agreement between submissions.

use std::path::{Path, PathBuf};

use max_rating::diag::{Diagnostic, Severity};
use max_rating::forms::{Cell, Column, SpecRow, SubmissionSpec};
use max_rating::ingest::value::{CellValue, Decimal};
use max_rating::ingest::workbook::{Format as BookFormat, read_submission};
use max_rating::ingest::{Inputs, Period, read_inputs};
use max_rating::methodology::Methodology;
use rust_xlsxwriter::{Format, Formula, Workbook};
use tempfile::TempDir;

// ------------------------------------------------------------------ writing

/// A cell as written by the test.
#[derive(Clone, Debug)]
enum V {
    /// Text.
    S(&'static str),
    /// A number.
    N(f64),
    /// A number formatted as percent.
    Pct(f64),
    /// A formula with its cached result.
    F(&'static str, &'static str),
    /// A logical value.
    B(bool),
    /// Nothing.
    Blank,
}

/// Zero-based (row, column) of an A1 reference.
fn pos(a1: &str) -> (u32, u16) {
    let letters: String = a1.chars().take_while(char::is_ascii_uppercase).collect();
    let col = letters.bytes().fold(0u32, |acc, b| acc * 26 + u32::from(b - b'A' + 1)) - 1;
    let row: u32 = a1[letters.len()..].parse().unwrap();
    (row - 1, col as u16)
}

/// A workbook with the given sheets, each a list of (A1 cell, value).
fn workbook(sheets: &[(&str, Vec<(String, V)>)]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let pct = Format::new().set_num_format("0.0%");
    for (name, cells) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (at, v) in cells {
            let (r, c) = pos(at);
            match v {
                V::S(s) => {
                    ws.write_string(r, c, *s).unwrap();
                }
                V::N(n) => {
                    ws.write_number(r, c, *n).unwrap();
                }
                V::Pct(n) => {
                    ws.write_number_with_format(r, c, *n, &pct).unwrap();
                }
                V::F(f, result) => {
                    ws.write_formula(r, c, Formula::new(*f).set_result(*result)).unwrap();
                }
                V::B(b) => {
                    ws.write_boolean(r, c, *b).unwrap();
                }
                V::Blank => {}
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

const REGION: &str = "Тестовая область";

fn meta(period: &'static str) -> Vec<(&'static str, V)> {
    vec![
        ("Регион:", V::S(REGION)),
        ("Ведомство:", V::S("Тестовое ведомство")),
        ("Период:", V::S(period)),
    ]
}

/// The cells of a sheet «Показатели»: metadata rows (label in A, value in
/// B) from row 1, an empty row, the header «Код | Значение | Показатель»,
/// then one row per (code, value). With `m` metadata rows the value of
/// row `i` is in `B{m + 3 + i}`.
fn form(meta: &[(&'static str, V)], rows: &[(&'static str, V)]) -> Vec<(String, V)> {
    let mut cells = Vec::new();
    for (i, (label, value)) in meta.iter().enumerate() {
        cells.push((format!("A{}", i + 1), V::S(label)));
        cells.push((format!("B{}", i + 1), value.clone()));
    }
    let h = meta.len() + 2;
    cells.push((format!("A{h}"), V::S("Код")));
    cells.push((format!("B{h}"), V::S("Значение")));
    cells.push((format!("C{h}"), V::S("Показатель")));
    for (i, (code, value)) in rows.iter().enumerate() {
        cells.push((format!("A{}", h + 1 + i), V::S(code)));
        cells.push((format!("B{}", h + 1 + i), value.clone()));
        cells.push((format!("C{}", h + 1 + i), V::S("показатель")));
    }
    cells
}

/// A one-sheet submission with the standard metadata (period 2026-Q1):
/// row `i`'s value is in `B{6 + i}`.
fn book(rows: &[(&'static str, V)]) -> Vec<u8> {
    workbook(&[("Показатели", form(&meta("2026-Q1"), rows))])
}

fn book_with(meta: &[(&'static str, V)], rows: &[(&'static str, V)]) -> Vec<u8> {
    workbook(&[("Показатели", form(meta, rows))])
}

/// An inputs folder in a temporary directory.
struct Folder {
    tmp: TempDir,
}

impl Folder {
    fn new() -> Folder {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("submissions")).unwrap();
        Folder { tmp }
    }

    fn path(&self) -> &Path {
        self.tmp.path()
    }

    /// Writes `bytes` to `submissions/<rel>`.
    fn put(&self, rel: &str, bytes: &[u8]) -> PathBuf {
        let p = self.path().join("submissions").join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap();
        p
    }

    fn read(&self) -> Inputs {
        read_inputs(self.path(), &methodology()).unwrap()
    }
}

fn methodology() -> Methodology {
    Methodology::parse(max_rating::methodology::DEFAULT_TOML, "default").unwrap()
}

/// Reads one workbook alone.
fn read_one(bytes: &[u8]) -> Inputs {
    let f = Folder::new();
    f.put("a.xlsx", bytes);
    f.read()
}

// ------------------------------------------------------------------ checking

fn errors(i: &Inputs) -> Vec<&Diagnostic> {
    i.diagnostics.iter().filter(|d| d.severity == Severity::Error).collect()
}

fn warnings(i: &Inputs) -> Vec<&Diagnostic> {
    i.diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .collect()
}

/// The one diagnostic of `severity` at `cell`; asserts that its text names
/// the file, the sheet «Показатели» and the cell.
fn at<'a>(i: &'a Inputs, severity: Severity, file: &str, cell: &str) -> &'a Diagnostic {
    let found: Vec<_> = i
        .diagnostics
        .iter()
        .filter(|d| d.severity == severity && d.location.as_ref().and_then(|l| l.cell.as_deref()) == Some(cell))
        .collect();
    assert_eq!(found.len(), 1, "one {severity:?} at {cell}: {:#?}", i.diagnostics);
    let d = found[0];
    let text = d.to_string();
    assert!(text.contains(file), "file {file} not named: {text}");
    assert!(text.contains("«Показатели»"), "sheet not named: {text}");
    assert!(
        text.contains(&format!("ячейка {cell}")),
        "cell {cell} not named: {text}"
    );
    d
}

fn error_at<'a>(i: &'a Inputs, file: &str, cell: &str) -> &'a Diagnostic {
    at(i, Severity::Error, file, cell)
}

fn warning_at<'a>(i: &'a Inputs, file: &str, cell: &str) -> &'a Diagnostic {
    at(i, Severity::Warning, file, cell)
}

fn no_diagnostics(i: &Inputs) {
    assert!(i.diagnostics.is_empty(), "{:#?}", i.diagnostics);
}

// ------------------------------------------------------------------ numbers

#[test]
fn text_numbers_with_spaces_and_decimal_commas() {
    let i = read_one(&book(&[
        ("region.internet_users", V::S("691 417")),
        ("k1.active_audience", V::S("22\u{a0}471")),
        ("k3.active_audience", V::S("150\u{2009}964")),
        ("k2.mfc.visitors", V::S("62\u{202f}372")),
        ("k2.mfc.notified_users", V::S("14670,0")),
        ("k2.sick_leave.total", V::S("1 234 567")),
        ("k2.housing.chats_total", V::S(" 2805 ")),
        ("k2.housing.chats_active", V::S("19.0")),
    ]));
    no_diagnostics(&i);
    assert_eq!(i.value("region.internet_users"), Some(691_417));
    assert_eq!(i.value("k1.active_audience"), Some(22_471));
    assert_eq!(i.value("k3.active_audience"), Some(150_964));
    assert_eq!(i.value("k2.mfc.visitors"), Some(62_372));
    assert_eq!(i.value("k2.mfc.notified_users"), Some(14_670));
    assert_eq!(i.value("k2.sick_leave.total"), Some(1_234_567));
    assert_eq!(i.value("k2.housing.chats_total"), Some(2_805));
    assert_eq!(i.value("k2.housing.chats_active"), Some(19));
    // Each value traced to its cell.
    let o = &i.values["k1.active_audience"];
    assert_eq!(o.location.file, "submissions/a.xlsx");
    assert_eq!(o.location.sheet.as_deref(), Some("Показатели"));
    assert_eq!(o.location.cell.as_deref(), Some("B7"));
}

#[test]
fn percent_text_and_percent_formatted_cells_are_numbers() {
    let bytes = book(&[
        ("k2.mfc.notified_users", V::S("23,5%")),
        ("k2.mfc.visitors", V::Pct(0.235)),
        ("k2.sick_leave.total", V::S("5 %")),
    ]);
    // The reader sees numbers: 23,5% → 0,235.
    let s = read_submission("a.xlsx", BookFormat::Xlsx, bytes.clone()).unwrap();
    let values: Vec<_> = s.rows.iter().map(|r| r.value.clone()).collect();
    assert_eq!(
        values,
        vec![
            CellValue::Number {
                value: Decimal {
                    mantissa: 235,
                    scale: 3
                },
                percent: true
            },
            CellValue::Number {
                value: Decimal {
                    mantissa: 235,
                    scale: 3
                },
                percent: true
            },
            CellValue::Number {
                value: Decimal { mantissa: 5, scale: 2 },
                percent: true
            },
        ]
    );
    // A percentage where a count is expected is an error at its cell.
    let i = read_one(&bytes);
    let d = error_at(&i, "a.xlsx", "B6");
    assert!(
        d.message.contains("процент") && d.message.contains("23,5%"),
        "{}",
        d.message
    );
    let d = error_at(&i, "a.xlsx", "B7");
    assert!(
        d.message.contains("процент") && d.message.contains("23,5%"),
        "{}",
        d.message
    );
    let d = error_at(&i, "a.xlsx", "B8");
    assert!(d.message.contains("5%"), "{}", d.message);
    assert_eq!(i.value("k2.mfc.notified_users"), None);
    assert_eq!(i.value("k2.mfc.visitors"), None);
}

#[test]
fn a_whole_percent_formatted_cell_is_not_a_count() {
    // 100% is stored as 1: without the number format it would pass as the count 1.
    let i = read_one(&book(&[("k2.mfc.visitors", V::Pct(1.0))]));
    let d = error_at(&i, "a.xlsx", "B6");
    assert!(
        d.message.contains("процент") && d.message.contains("100%"),
        "{}",
        d.message
    );
    assert_eq!(i.value("k2.mfc.visitors"), None);
}

#[test]
fn formula_cells_by_cached_value() {
    let i = read_one(&book(&[
        ("k4.orgs.culture", V::F("=SUM(D10:D12)", "368")),
        ("k4.orgs.trade", V::F("=800+34", "834")),
        ("k4.orgs.transport", V::N(113.0)),
    ]));
    no_diagnostics(&i);
    assert_eq!(i.value("k4.orgs.culture"), Some(368));
    assert_eq!(i.value("k4.orgs.trade"), Some(834));
    assert_eq!(i.value("k4.orgs.transport"), Some(113));
}

#[test]
fn formula_errors_are_errors_with_the_cell() {
    let i = read_one(&book(&[
        ("k4.orgs.culture", V::F("=A1/0", "#DIV/0!")),
        ("k4.orgs.trade", V::S("#REF!")),
        ("k4.orgs.transport", V::F("=NOPE()", "#NAME?")),
        ("k4.scanning.api", V::N(1.0)),
    ]));
    let d = error_at(&i, "a.xlsx", "B6");
    assert!(
        d.message.contains("#DIV/0!") && d.message.contains("ожидалось число"),
        "{}",
        d.message
    );
    assert!(error_at(&i, "a.xlsx", "B7").message.contains("#REF!"));
    assert!(error_at(&i, "a.xlsx", "B8").message.contains("#NAME?"));
    assert_eq!(errors(&i).len(), 3);
    assert!(i.has_errors());
    assert_eq!(i.value("k4.orgs.culture"), None);
    assert_eq!(i.value("k4.scanning.api"), Some(1));
}

#[test]
fn text_that_is_not_a_number_is_a_warning_and_not_submitted() {
    let i = read_one(&book(&[
        ("k3.active_audience", V::S("н/д")),
        ("k1.active_audience", V::S("abc")),
        ("region.internet_users", V::N(1000.0)),
    ]));
    assert!(!i.has_errors(), "{:#?}", i.diagnostics);
    let d = warning_at(&i, "a.xlsx", "B6");
    assert!(
        d.message.contains("«н/д»") && d.message.contains("непредставленным"),
        "{}",
        d.message
    );
    warning_at(&i, "a.xlsx", "B7");
    assert_eq!(i.value("k3.active_audience"), None);
    assert_eq!(i.value("k1.active_audience"), None);
    assert_eq!(i.value("region.internet_users"), Some(1000));
}

#[test]
fn empty_value_is_not_submitted_silently() {
    let i = read_one(&book(&[
        ("k3.active_audience", V::Blank),
        ("k1.active_audience", V::S("  ")),
        ("region.internet_users", V::N(5.0)),
    ]));
    no_diagnostics(&i);
    assert_eq!(i.value("k3.active_audience"), None);
    assert_eq!(i.value("k1.active_audience"), None);
    assert_eq!(i.submissions[0].rows, 3);
}

#[test]
fn counts_must_be_whole_and_not_negative_nor_huge() {
    let i = read_one(&book(&[
        ("k2.sick_leave.total", V::N(-5.0)),
        ("k2.mfc.visitors", V::S("-12")),
        ("k2.housing.chats_total", V::N(12.5)),
        ("k2.housing.channels_base", V::S("136,5")),
        ("k4.orgs.trade", V::N(20_000_000_000.0)),
        ("k4.orgs.culture", V::S("20 000 000 000")),
        ("k4.orgs.transport", V::N(1e16)),
        ("region.internet_users", V::N(1_000_000_000.5)),
        ("k3.active_audience", V::B(true)),
        ("k1.active_audience", V::N(10_000_000_000.0)),
    ]));
    let neg = error_at(&i, "a.xlsx", "B6");
    assert!(
        neg.message.contains("отрицательное") && neg.message.contains("-5"),
        "{}",
        neg.message
    );
    assert!(error_at(&i, "a.xlsx", "B7").message.contains("отрицательное"));
    let frac = error_at(&i, "a.xlsx", "B8");
    assert!(
        frac.message.contains("дробное") && frac.message.contains("12,5"),
        "{}",
        frac.message
    );
    assert!(error_at(&i, "a.xlsx", "B9").message.contains("136,5"));
    assert!(error_at(&i, "a.xlsx", "B10").message.contains("больше допустимого"));
    assert!(error_at(&i, "a.xlsx", "B11").message.contains("больше допустимого"));
    let huge = error_at(&i, "a.xlsx", "B12");
    assert!(huge.message.contains("больше допустимого"), "{}", huge.message);
    let half = error_at(&i, "a.xlsx", "B13");
    assert!(half.message.contains("дробное"), "{}", half.message);
    assert!(error_at(&i, "a.xlsx", "B14").message.contains("логическое"));
    assert_eq!(errors(&i).len(), 9, "{:#?}", i.diagnostics);
    // The largest count accepted.
    assert_eq!(i.value("k1.active_audience"), Some(10_000_000_000));
    for code in [
        "k2.sick_leave.total",
        "k2.housing.chats_total",
        "k4.orgs.trade",
        "k4.orgs.transport",
        "region.internet_users",
    ] {
        assert_eq!(i.value(code), None, "{code}");
    }
}

#[test]
fn flags_read_as_one_or_zero() {
    let i = read_one(&book(&[
        ("k1.service.doctor_appointment.launched", V::S("да")),
        ("k1.service.mfc_bot.launched", V::S("Нет")),
        ("k1.service.direct_line.launched", V::N(1.0)),
        ("k1.service.sick_leave_tmk.launched", V::N(0.0)),
        ("k1.service.own.launched", V::B(true)),
        ("k1.service.bad.launched", V::N(2.0)),
        ("k1.service.odd.launched", V::S("может быть")),
    ]));
    assert_eq!(i.value("k1.service.doctor_appointment.launched"), Some(1));
    assert_eq!(i.value("k1.service.mfc_bot.launched"), Some(0));
    assert_eq!(i.value("k1.service.direct_line.launched"), Some(1));
    assert_eq!(i.value("k1.service.sick_leave_tmk.launched"), Some(0));
    assert_eq!(i.value("k1.service.own.launched"), Some(1));
    assert_eq!(i.value("k1.service.bad.launched"), None);
    assert!(error_at(&i, "a.xlsx", "B11").message.contains("«2»"));
    assert!(warning_at(&i, "a.xlsx", "B12").message.contains("«может быть»"));
}

// ------------------------------------------------------------------ sheets and tables

#[test]
fn missing_sheet_in_a_two_sheet_book_is_an_error() {
    let cells = form(&meta("2026-Q1"), &[("k3.active_audience", V::N(5.0))]);
    let bytes = workbook(&[
        ("Инструкция", vec![("A1".into(), V::S("Заполните лист"))]),
        ("Данные", cells),
    ]);
    let i = read_one(&bytes);
    let e = errors(&i);
    assert_eq!(e.len(), 1, "{:#?}", i.diagnostics);
    let text = e[0].to_string();
    assert!(text.contains("a.xlsx"), "{text}");
    assert!(text.contains("«Показатели»"), "{text}");
    assert!(text.contains("«Инструкция»") && text.contains("«Данные»"), "{text}");
    assert!(i.values.is_empty());
}

#[test]
fn sheet_name_matched_ignoring_case_and_spaces() {
    let cells = form(&meta("2026-Q1"), &[("k3.active_audience", V::N(5.0))]);
    let bytes = workbook(&[
        ("Инструкция", vec![("A1".into(), V::S("Заполните лист"))]),
        (" ПОКАЗАТЕЛИ ", cells),
    ]);
    let i = read_one(&bytes);
    no_diagnostics(&i);
    assert_eq!(i.value("k3.active_audience"), Some(5));
}

#[test]
fn single_sheet_with_another_name_is_accepted() {
    let cells = form(
        &meta("2026-Q1"),
        &[
            ("k3.active_audience", V::N(150_964.0)),
            ("k1.active_audience", V::S("н/д")),
        ],
    );
    let i = read_one(&workbook(&[("Лист1", cells)]));
    assert!(!i.has_errors(), "{:#?}", i.diagnostics);
    assert_eq!(i.value("k3.active_audience"), Some(150_964));
    assert_eq!(i.submissions[0].sheet, "Лист1");
    let w = warnings(&i);
    assert_eq!(w.len(), 1);
    let text = w[0].to_string();
    assert!(
        text.contains("a.xlsx") && text.contains("«Лист1»") && text.contains("ячейка B7"),
        "{text}"
    );
}

#[test]
fn columns_in_another_order_and_optional_columns() {
    // Header in row 3, columns: Комментарий | Значение | Ед. изм. | Код | Источник.
    let cells = vec![
        ("A1".to_string(), V::S("Регион")),
        ("B1".to_string(), V::S(REGION)),
        ("A3".to_string(), V::S("Комментарий")),
        ("B3".to_string(), V::S("Значение")),
        ("C3".to_string(), V::S("Ед. изм.")),
        ("D3".to_string(), V::S("Код")),
        ("E3".to_string(), V::S("Источник")),
        ("A4".to_string(), V::S("справочно")),
        ("B4".to_string(), V::N(691_417.0)),
        ("C4".to_string(), V::S("чел.")),
        ("D4".to_string(), V::S("region.internet_users")),
        ("E4".to_string(), V::S("Росстат")),
        // A row without a code is a text line, not a value.
        ("A5".to_string(), V::S("в т.ч.")),
        ("B5".to_string(), V::N(12.0)),
        ("B6".to_string(), V::S("22 471")),
        ("D6".to_string(), V::S(" K1.Active_Audience ")),
        ("B7".to_string(), V::S("н/д")),
        ("D7".to_string(), V::S("k3.active_audience")),
    ];
    let i = read_one(&workbook(&[("Показатели", cells)]));
    assert_eq!(i.value("region.internet_users"), Some(691_417));
    assert_eq!(i.value("k1.active_audience"), Some(22_471), "codes trimmed, any case");
    let o = &i.values["region.internet_users"];
    assert_eq!(o.location.cell.as_deref(), Some("B4"));
    assert_eq!(o.source.as_deref(), Some("Росстат"));
    assert_eq!(i.submissions[0].rows, 3);
    warning_at(&i, "a.xlsx", "B7");
    assert_eq!(i.diagnostics.len(), 1, "{:#?}", i.diagnostics);
}

#[test]
fn header_without_value_column_is_an_error() {
    let cells = vec![
        ("A2".to_string(), V::S("Код")),
        ("B2".to_string(), V::S("Показатель")),
        ("A3".to_string(), V::S("k3.active_audience")),
    ];
    let i = read_one(&workbook(&[("Показатели", cells)]));
    let e = errors(&i);
    assert_eq!(e.len(), 1);
    let text = e[0].to_string();
    assert!(
        text.contains("a.xlsx") && text.contains("«Показатели»") && text.contains("«Значение»"),
        "{text}"
    );
    assert!(text.contains("ячейка A2"), "{text}");
}

#[test]
fn period_typed_as_a_date_is_its_month() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Показатели").unwrap();
    let date = rust_xlsxwriter::ExcelDateTime::from_ymd(2026, 3, 1).unwrap();
    ws.write_string(0, 0, "Период").unwrap();
    ws.write_datetime_with_format(0, 1, &date, &Format::new().set_num_format("mmmm yyyy"))
        .unwrap();
    ws.write_string(2, 0, "Код").unwrap();
    ws.write_string(2, 1, "Значение").unwrap();
    ws.write_string(3, 0, "k3.active_audience").unwrap();
    ws.write_number(3, 1, 5.0).unwrap();
    let i = read_one(&wb.save_to_buffer().unwrap());
    no_diagnostics(&i);
    assert_eq!(
        i.period.as_ref().map(|p| p.0),
        Some(Period::Month { year: 2026, month: 3 })
    );
    assert_eq!(i.value("k3.active_audience"), Some(5));
}

#[test]
fn metadata_labels_with_colon_and_any_case() {
    let meta = vec![
        ("  РЕГИОН :", V::S(REGION)),
        ("ведомство", V::S("Минздрав")),
        ("ПерИод:", V::S("март 2026")),
        ("Дата :", V::S("10.04.2026")),
        ("ИСПОЛНИТЕЛЬ:", V::S("Петрова А. С.")),
    ];
    let i = read_one(&book_with(&meta, &[("k3.active_audience", V::N(1.0))]));
    no_diagnostics(&i);
    assert_eq!(i.region.as_ref().map(|r| r.0.as_str()), Some(REGION));
    assert_eq!(
        i.period.as_ref().map(|p| p.0),
        Some(Period::Month { year: 2026, month: 3 })
    );
    let s = &i.submissions[0];
    assert_eq!(s.body.as_deref(), Some("Минздрав"));
    assert_eq!(s.period.as_deref(), Some("2026-03"));
    assert_eq!(s.date.as_deref(), Some("10.04.2026"));
    assert_eq!(s.author.as_deref(), Some("Петрова А. С."));
    assert_eq!(i.values["k3.active_audience"].body.as_deref(), Some("Минздрав"));
    // Metadata rows shift the table: the value is below the header.
    assert_eq!(i.values["k3.active_audience"].location.cell.as_deref(), Some("B8"));
}

#[test]
fn russian_period_forms() {
    for (text, expected) in [
        ("2026-03", Period::Month { year: 2026, month: 3 }),
        ("март 2026", Period::Month { year: 2026, month: 3 }),
        ("Март 2026 г.", Period::Month { year: 2026, month: 3 }),
        ("2026-Q1", Period::Quarter { year: 2026, quarter: 1 }),
        ("1 квартал 2026", Period::Quarter { year: 2026, quarter: 1 }),
        ("I квартал 2026 г.", Period::Quarter { year: 2026, quarter: 1 }),
        ("2 квартал 2026 года", Period::Quarter { year: 2026, quarter: 2 }),
        ("2026", Period::Year { year: 2026 }),
    ] {
        let i = read_one(&book_with(&meta(text), &[("k3.active_audience", V::N(1.0))]));
        no_diagnostics(&i);
        assert_eq!(i.period.as_ref().map(|p| p.0), Some(expected), "{text}");
    }
    // A period that is not one is an error at its cell.
    let i = read_one(&book_with(&meta("весна 2026"), &[("k3.active_audience", V::N(1.0))]));
    let d = error_at(&i, "a.xlsx", "B3");
    assert!(
        d.message.contains("«весна 2026»") && d.message.contains("1 квартал 2026"),
        "{}",
        d.message
    );
}

#[test]
fn unknown_code_is_a_warning_with_the_cell() {
    let i = read_one(&book(&[("k9.something", V::N(5.0)), ("k3.active_audience", V::N(7.0))]));
    assert!(!i.has_errors());
    let d = warning_at(&i, "a.xlsx", "A6");
    assert!(
        d.message.contains("«k9.something»") && d.message.contains("неизвестный код"),
        "{}",
        d.message
    );
    assert!(!i.values.contains_key("k9.something"));
    assert_eq!(i.value("k3.active_audience"), Some(7));
}

// ------------------------------------------------------------------ the folder

#[test]
fn lock_and_hidden_files_skipped_subfolders_read() {
    let f = Folder::new();
    f.put("a.xlsx", &book(&[("k3.active_audience", V::N(7.0))]));
    // Conflicting values in a lock file and a hidden file: not read.
    f.put("~$a.xlsx", &book(&[("k3.active_audience", V::N(8.0))]));
    f.put(".a.xlsx", &book(&[("k3.active_audience", V::N(9.0))]));
    f.put("federal/b.xlsx", &book(&[("region.internet_users", V::N(1000.0))]));
    f.put("federal/~$b.xlsx", b"not a workbook at all");
    f.put("README.md", b"notes");
    let i = f.read();
    no_diagnostics(&i);
    let files: Vec<_> = i.submissions.iter().map(|s| s.file.as_str()).collect();
    assert_eq!(files, vec!["submissions/a.xlsx", "submissions/federal/b.xlsx"]);
    assert_eq!(i.value("k3.active_audience"), Some(7));
    assert_eq!(i.value("region.internet_users"), Some(1000));
    assert_eq!(
        i.values["region.internet_users"].location.file,
        "submissions/federal/b.xlsx"
    );
}

#[test]
fn other_files_and_broken_workbooks() {
    let f = Folder::new();
    f.put("a.xlsx", &book(&[("k3.active_audience", V::N(7.0))]));
    f.put("notes.docx", b"PK\x03\x04 not ours");
    f.put("broken.xlsx", b"this is not a zip");
    f.put("empty.ods", b"");
    let i = f.read();
    assert_eq!(i.value("k3.active_audience"), Some(7));
    let named = |name: &str, sev: Severity| {
        i.diagnostics
            .iter()
            .filter(|d| d.severity == sev && d.location.as_ref().is_some_and(|l| l.file.ends_with(name)))
            .count()
    };
    assert_eq!(named("notes.docx", Severity::Warning), 1, "{:#?}", i.diagnostics);
    assert_eq!(named("broken.xlsx", Severity::Error), 1, "{:#?}", i.diagnostics);
    assert_eq!(named("empty.ods", Severity::Error), 1, "{:#?}", i.diagnostics);
}

#[test]
fn no_submissions_is_a_warning_and_no_folder_is_fatal() {
    // An empty submissions folder (a region just set up with `init`) is a
    // warning: every component is then «нет данных».
    let f = Folder::new();
    let i = f.read();
    assert!(errors(&i).is_empty());
    assert_eq!(i.diagnostics.len(), 1);
    assert!(i.diagnostics[0].to_string().contains("submissions"));
    assert!(i.diagnostics[0].to_string().contains("не найдено ни одной формы"));
    let missing = f.path().join("nope");
    let e = read_inputs(&missing, &methodology()).unwrap_err().to_string();
    assert!(e.contains("nope") && e.contains("не найдена"), "{e}");
}

#[test]
fn byte_identical_file_counted_once() {
    let f = Folder::new();
    let bytes = book(&[("k3.active_audience", V::N(7.0))]);
    f.put("a.xlsx", &bytes);
    f.put("copy/a (1).xlsx", &bytes);
    let i = f.read();
    assert!(!i.has_errors());
    assert_eq!(i.submissions.len(), 1);
    let w = warnings(&i);
    assert_eq!(w.len(), 1);
    assert!(
        w[0].to_string().contains("a (1).xlsx") && w[0].message.contains("submissions/a.xlsx"),
        "{}",
        w[0]
    );
}

// ------------------------------------------------------------------ across submissions

#[test]
fn conflicting_values_name_both_cells() {
    let f = Folder::new();
    f.put("a.xlsx", &book(&[("k2.mfc.visitors", V::N(62_372.0))]));
    f.put(
        "b.xlsx",
        &book(&[("k3.active_audience", V::N(1.0)), ("k2.mfc.visitors", V::S("62 373"))]),
    );
    let i = f.read();
    let d = error_at(&i, "b.xlsx", "B7");
    let text = d.to_string();
    assert!(text.contains("k2.mfc.visitors"), "{text}");
    assert!(
        text.contains("submissions/a.xlsx, лист «Показатели», ячейка B6"),
        "first cell not named: {text}"
    );
    assert!(
        text.contains("submissions/b.xlsx, лист «Показатели», ячейка B7"),
        "second cell not named: {text}"
    );
    assert!(
        text.contains("62\u{202f}372") && text.contains("62\u{202f}373"),
        "{text}"
    );
    assert_eq!(errors(&i).len(), 1);
}

#[test]
fn equal_duplicate_is_a_warning() {
    let f = Folder::new();
    f.put("a.xlsx", &book(&[("k2.mfc.visitors", V::N(62_372.0))]));
    f.put(
        "b.xlsx",
        &book(&[("k3.active_audience", V::N(1.0)), ("k2.mfc.visitors", V::S("62 372"))]),
    );
    let i = f.read();
    assert!(!i.has_errors(), "{:#?}", i.diagnostics);
    let d = warning_at(&i, "b.xlsx", "B7");
    assert!(
        d.message.contains("submissions/a.xlsx, лист «Показатели», ячейка B6"),
        "{}",
        d.message
    );
    assert_eq!(i.value("k2.mfc.visitors"), Some(62_372));
    assert_eq!(
        i.values["k2.mfc.visitors"].location.file, "submissions/a.xlsx",
        "the first one kept"
    );
    assert_eq!(i.observations.iter().filter(|o| o.code == "k2.mfc.visitors").count(), 2);
}

#[test]
fn region_disagreement_names_both_files() {
    let f = Folder::new();
    f.put("a.xlsx", &book(&[("k3.active_audience", V::N(1.0))]));
    let other = vec![("Регион:", V::S("Другая область")), ("Период:", V::S("2026-Q1"))];
    f.put("b.xlsx", &book_with(&other, &[("region.internet_users", V::N(1.0))]));
    let i = f.read();
    let e = errors(&i);
    assert_eq!(e.len(), 1, "{:#?}", i.diagnostics);
    let text = e[0].to_string();
    assert!(
        text.contains("submissions/a.xlsx") && text.contains("submissions/b.xlsx"),
        "{text}"
    );
    assert!(text.contains("«Другая область»") && text.contains(REGION), "{text}");
    assert!(
        text.contains("«Показатели»") && text.matches("ячейка B1").count() == 2,
        "{text}"
    );
}

#[test]
fn period_disagreement_names_both_files() {
    let f = Folder::new();
    f.put("a.xlsx", &book(&[("k3.active_audience", V::N(1.0))]));
    f.put(
        "b.xlsx",
        &book_with(&meta("2 квартал 2026"), &[("region.internet_users", V::N(1.0))]),
    );
    let i = f.read();
    let e = errors(&i);
    assert_eq!(e.len(), 1, "{:#?}", i.diagnostics);
    let text = e[0].to_string();
    assert!(
        text.contains("submissions/a.xlsx") && text.contains("submissions/b.xlsx"),
        "{text}"
    );
    assert!(text.contains("ячейка B3") && text.contains("«Показатели»"), "{text}");
    assert!(
        text.contains("2 квартал 2026") && text.contains("1 квартал 2026"),
        "{text}"
    );
}

#[test]
fn same_region_and_period_written_differently_agree() {
    let f = Folder::new();
    f.put("a.xlsx", &book(&[("k3.active_audience", V::N(1.0))]));
    let same = vec![
        ("регион", V::S("  тестовая   ОБЛАСТЬ ")),
        ("период", V::S("1 квартал 2026 г.")),
    ];
    f.put("b.xlsx", &book_with(&same, &[("region.internet_users", V::N(1.0))]));
    // A body that leaves region and period out.
    f.put(
        "c.xlsx",
        &book_with(&[("Ведомство", V::S("Росстат"))], &[("k1.active_audience", V::N(1.0))]),
    );
    let i = f.read();
    no_diagnostics(&i);
    assert_eq!(
        i.period.as_ref().map(|p| p.0),
        Some(Period::Quarter { year: 2026, quarter: 1 })
    );
    assert_eq!(i.submissions.len(), 3);
}

// ------------------------------------------------------------------ the standard form

#[test]
fn standard_form_written_by_forms_is_read_back() {
    let mut s = SubmissionSpec::new(REGION, "Министерство", "1 квартал 2026");
    s.columns = vec![Column::Code, Column::Value, Column::Name, Column::Unit, Column::Source];
    s.rows = vec![
        SpecRow::new(
            "region.internet_users",
            "Интернет-пользователи",
            "чел.",
            Cell::Number(691_417.0),
            "Росстат",
        ),
        SpecRow::new(
            "k1.active_audience",
            "Аудитория",
            "чел.",
            Cell::Text("22\u{202f}471".into()),
            "ООО «МАХ»",
        ),
        SpecRow::new(
            "k2.mfc.notified_users",
            "Уведомления",
            "чел.",
            Cell::Text("14670,0".into()),
            "МФЦ",
        ),
        SpecRow::new(
            "k4.orgs.culture",
            "Культура",
            "шт.",
            Cell::Formula {
                formula: "=200+168".into(),
                result: 368.0,
            },
            "Росстат",
        ),
        SpecRow::new("k2.mfc.visitors", "Посетители", "чел.", Cell::Empty, "Минцифры"),
    ];
    let i = read_one(&s.to_xlsx().unwrap());
    no_diagnostics(&i);
    assert_eq!(i.value("region.internet_users"), Some(691_417));
    assert_eq!(i.value("k1.active_audience"), Some(22_471));
    assert_eq!(i.value("k2.mfc.notified_users"), Some(14_670));
    assert_eq!(i.value("k4.orgs.culture"), Some(368));
    assert_eq!(i.value("k2.mfc.visitors"), None);
    assert_eq!(i.region.as_ref().map(|r| r.0.as_str()), Some(REGION));
    assert_eq!(
        i.period.as_ref().map(|p| p.0),
        Some(Period::Quarter { year: 2026, quarter: 1 })
    );
    assert_eq!(
        i.values["k1.active_audience"].location.cell.as_deref().map(|c| &c[..1]),
        Some("B")
    );
}

// ------------------------------------------------------------------ .ods and .xls

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// The workbook the .ods and .xls fixtures were converted from (see
/// tests/fixtures/README.md).
fn fixture_spec() -> SubmissionSpec {
    let mut s = SubmissionSpec::new(REGION, "ООО «МАХ»", "1 квартал 2026");
    s.rows = vec![
        SpecRow::new(
            "region.internet_users",
            "Интернет-пользователи региона",
            "чел.",
            Cell::Number(691_417.0),
            "Росстат",
        ),
        SpecRow::new(
            "k1.active_audience",
            "Активная аудитория региональных сервисов",
            "чел.",
            Cell::Text("22\u{a0}471".into()),
            "ООО «МАХ»",
        ),
        SpecRow::new(
            "k3.active_audience",
            "Активная аудитория региональных каналов",
            "чел.",
            Cell::Number(150_964.0),
            "ООО «МАХ»",
        ),
        SpecRow::new(
            "k2.mfc.notified_users",
            "Уведомления МФЦ",
            "чел.",
            Cell::Text("14670,0".into()),
            "МФЦ",
        ),
        SpecRow::new(
            "k4.orgs.culture",
            "Организации культуры",
            "шт.",
            Cell::Formula {
                formula: "=200+168".into(),
                result: 368.0,
            },
            "Росстат",
        ),
        SpecRow::new(
            "k2.housing.chats_total",
            "Домовые чаты всего",
            "шт.",
            Cell::Text("н/д".into()),
            "ООО «МАХ»",
        ),
    ];
    s
}

/// Regenerates `tests/fixtures/submission.xlsx`, the source of the .ods and
/// .xls fixtures: `cargo test --test ingest -- --ignored write_fixture_source`.
#[test]
#[ignore]
fn write_fixture_source() {
    std::fs::write(fixture("submission.xlsx"), fixture_spec().to_xlsx().unwrap()).unwrap();
}

fn check_fixture(name: &str) {
    let f = Folder::new();
    f.put(name, &std::fs::read(fixture(name)).unwrap());
    let i = f.read();
    assert!(!i.has_errors(), "{name}: {:#?}", i.diagnostics);
    assert_eq!(i.submissions.len(), 1);
    assert_eq!(i.value("region.internet_users"), Some(691_417), "{name}");
    assert_eq!(i.value("k1.active_audience"), Some(22_471), "{name}");
    assert_eq!(i.value("k3.active_audience"), Some(150_964), "{name}");
    assert_eq!(i.value("k2.mfc.notified_users"), Some(14_670), "{name}");
    assert_eq!(i.value("k4.orgs.culture"), Some(368), "{name}");
    assert_eq!(i.value("k2.housing.chats_total"), None, "{name}");
    assert_eq!(i.region.as_ref().map(|r| r.0.as_str()), Some(REGION));
    assert_eq!(
        i.period.as_ref().map(|p| p.0),
        Some(Period::Quarter { year: 2026, quarter: 1 })
    );
    assert_eq!(i.submissions[0].body.as_deref(), Some("ООО «МАХ»"));
    // The «н/д» warning names the .ods/.xls file and the same cell as in
    // the source workbook.
    let source = read_one(&std::fs::read(fixture("submission.xlsx")).unwrap());
    let cell = source.diagnostics[0].location.as_ref().unwrap().cell.clone().unwrap();
    let w = warning_at(&i, name, &cell);
    assert!(w.message.contains("«н/д»"));
    assert_eq!(i.diagnostics.len(), 1, "{:#?}", i.diagnostics);
    // Same cells as the source.
    for (code, o) in &source.values {
        assert_eq!(i.values[code].location.cell, o.location.cell, "{name}: {code}");
    }
}

#[test]
fn ods_fixture() {
    check_fixture("submission.ods");
}

#[test]
fn xls_fixture() {
    check_fixture("submission.xls");
}

#[test]
fn fixture_source_is_current() {
    // The fixtures were converted from this workbook; if the form writer
    // changes, the source still reads the same.
    let i = read_one(&std::fs::read(fixture("submission.xlsx")).unwrap());
    assert_eq!(i.value("k1.active_audience"), Some(22_471));
    assert_eq!(i.values.len(), 5);
}
