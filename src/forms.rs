//! Writing workbooks in submission format v1: the blank forms sent to the
//! bodies (`max-rating forms`), and the reference data set and test
//! fixtures written the way bodies fill them in.

use rust_xlsxwriter::{
    DataValidation, DataValidationRule, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Formula,
    ProtectionOptions, Workbook, XlsxError,
};

use std::collections::BTreeMap;
use std::path::Path;

use crate::app::AppError;
use crate::bodies::Registry;
use crate::diag::{Diagnostic, Location};
use crate::ingest::Period;
use crate::ingest::workbook::SHEET_NAME;
use crate::layout::{RATING_JSON, form_file};
use crate::methodology::IndicatorKind;
use crate::pipeline::Sources;
use crate::region::Region;
use crate::render::OutputFile;
use crate::report::json::RatingJson;

/// A cell value as a body might type it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Number(f64),
    /// A number as text: `22 471`, `14670,0`.
    Text(String),
    /// A formula with its cached result.
    Formula {
        formula: String,
        result: f64,
    },
    /// A number formatted as percent (the value is the fraction).
    Percent(f64),
}

#[derive(Debug, Clone)]
pub struct SpecRow {
    /// Empty for a text line (sub-heading, detail) without a code.
    pub code: String,
    pub name: String,
    pub unit: String,
    pub value: Cell,
    pub source: String,
    pub comment: String,
    /// Blank forms: the kind of value expected (data validation).
    pub kind: Option<IndicatorKind>,
    /// Blank forms: last period's value, shown for reference.
    pub previous: Option<String>,
}

impl SpecRow {
    pub fn new(code: &str, name: &str, unit: &str, value: Cell, source: &str) -> SpecRow {
        SpecRow {
            code: code.into(),
            name: name.into(),
            unit: unit.into(),
            value,
            source: source.into(),
            comment: String::new(),
            kind: None,
            previous: None,
        }
    }

    pub fn comment(mut self, c: &str) -> SpecRow {
        self.comment = c.into();
        self
    }
}

/// The columns of the table, in the order written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    No,
    Name,
    Code,
    Unit,
    Value,
    Source,
    Comment,
    /// Last period's value (blank forms; ignored by the reader).
    Previous,
}

impl Column {
    fn header(self) -> &'static str {
        match self {
            Column::No => "№ п/п",
            Column::Name => "Показатель",
            Column::Code => "Код",
            Column::Unit => "Ед. изм.",
            Column::Value => "Значение",
            Column::Source => "Источник",
            Column::Comment => "Комментарий",
            Column::Previous => "Значение за прошлый период (справочно)",
        }
    }

    fn width(self) -> f64 {
        match self {
            Column::No => 6.0,
            Column::Name => 60.0,
            Column::Code => 32.0,
            Column::Unit => 9.0,
            Column::Value => 14.0,
            Column::Source => 26.0,
            Column::Comment => 30.0,
            Column::Previous => 18.0,
        }
    }
}

/// A whole submission workbook.
#[derive(Debug, Clone)]
pub struct SubmissionSpec {
    pub title: String,
    pub sheet: String,
    /// Metadata rows: label, value (written in columns A and B).
    pub meta: Vec<(String, String)>,
    pub columns: Vec<Column>,
    /// Rows without a code are written as plain text lines (sub-headings,
    /// details).
    pub rows: Vec<SpecRow>,
    /// Extra sheets (name) written before «Показатели».
    pub extra_sheets: Vec<String>,
    /// The document date (creation time), for reproducible bytes.
    pub date: (u16, u8, u8),
    /// Blank forms: protect the sheet (no password), unlock the value
    /// cells, validate them and show an input message.
    pub protect: bool,
    /// Blank forms: the lines of the «Инструкция» sheet.
    pub instructions: Vec<String>,
}

impl SubmissionSpec {
    pub fn new(region: &str, body: &str, period: &str) -> SubmissionSpec {
        SubmissionSpec {
            // The title of a form as a body wrote it (the reference and demo
            // workbooks, test fixtures); the blank forms of `forms` set their
            // own, with «МАХ». Changing it changes the committed workbooks.
            title: "Сведения для расчета рейтинга внедрения национального мессенджера MAX".into(),
            sheet: SHEET_NAME.into(),
            meta: vec![
                ("Регион".into(), region.into()),
                ("Ведомство".into(), body.into()),
                ("Период".into(), period.into()),
            ],
            columns: vec![
                Column::No,
                Column::Name,
                Column::Code,
                Column::Unit,
                Column::Value,
                Column::Source,
                Column::Comment,
            ],
            rows: Vec::new(),
            extra_sheets: Vec::new(),
            date: (2026, 4, 10),
            protect: false,
            instructions: Vec::new(),
        }
    }

    /// Writes the workbook to bytes (xlsx).
    pub fn to_xlsx(&self) -> Result<Vec<u8>, XlsxError> {
        let mut wb = Workbook::new();
        let created = ExcelDateTime::from_ymd(self.date.0, self.date.1, self.date.2)?;
        wb.set_properties(
            &DocProperties::new()
                .set_title(&self.title)
                .set_creation_datetime(&created),
        );
        for name in &self.extra_sheets {
            wb.add_worksheet().set_name(name)?;
        }
        let st = FormStyles::new(self.protect);
        let ws = wb.add_worksheet();
        ws.set_name(&self.sheet)?;
        ws.write_string_with_format(0, 0, &self.title, &st.title)?;
        let mut row = 2u32;
        for (label, value) in &self.meta {
            ws.write_string_with_format(row, 0, format!("{label}:"), &st.bold)?;
            ws.write_string(row, 1, value)?;
            row += 1;
        }
        row += 1;
        for (i, c) in self.columns.iter().enumerate() {
            ws.write_string_with_format(row, i as u16, c.header(), &st.head)?;
            ws.set_column_width(i as u16, c.width())?;
        }
        ws.set_row_height(row, 30)?;
        let mut n = 0;
        for r in &self.rows {
            row += 1;
            if !r.code.is_empty() {
                n += 1;
            }
            for (i, c) in self.columns.iter().enumerate() {
                self.write_cell(ws, &st, row, i as u16, *c, r, n)?;
            }
        }
        if self.protect {
            ws.protect_with_options(&ProtectionOptions {
                format_columns: true,
                format_rows: true,
                ..ProtectionOptions::default()
            });
        }
        if !self.instructions.is_empty() {
            let ins = wb.add_worksheet();
            ins.set_name("Инструкция")?;
            ins.set_column_width(0, 110)?;
            let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
            ins.write_string_with_format(0, 0, "Как заполнить и вернуть форму", &st.title)?;
            for (i, line) in self.instructions.iter().enumerate() {
                ins.write_string_with_format(i as u32 + 2, 0, line, &wrap)?;
            }
            ins.protect();
        }
        wb.save_to_buffer()
    }

    /// One cell of a table row; `n` is the row's number among the coded
    /// rows.
    #[allow(clippy::too_many_arguments)]
    fn write_cell(
        &self,
        ws: &mut rust_xlsxwriter::Worksheet,
        st: &FormStyles,
        row: u32,
        col: u16,
        c: Column,
        r: &SpecRow,
        n: u32,
    ) -> Result<(), XlsxError> {
        let has_code = !r.code.is_empty();
        match c {
            Column::No if has_code => {
                ws.write_number_with_format(row, col, f64::from(n), &st.cell)?;
            }
            Column::No => {
                ws.write_blank(row, col, &st.cell)?;
            }
            Column::Name => {
                ws.write_string_with_format(row, col, &r.name, &st.cell)?;
            }
            Column::Code => {
                ws.write_string_with_format(row, col, &r.code, &st.cell)?;
            }
            Column::Unit => {
                ws.write_string_with_format(row, col, &r.unit, &st.cell)?;
            }
            Column::Source => {
                ws.write_string_with_format(row, col, &r.source, &st.cell)?;
            }
            Column::Comment if self.protect && has_code => {
                let free = st.cell.clone().set_unlocked();
                ws.write_string_with_format(row, col, &r.comment, &free)?;
            }
            Column::Comment => {
                ws.write_string_with_format(row, col, &r.comment, &st.cell)?;
            }
            Column::Previous => {
                ws.write_string_with_format(row, col, r.previous.as_deref().unwrap_or(""), &st.cell)?;
            }
            Column::Value if self.protect && has_code => {
                if r.value == Cell::Empty {
                    ws.write_blank(row, col, &st.num)?;
                }
                ws.add_data_validation(row, col, row, col, &validation(r)?)?;
                if r.value != Cell::Empty {
                    write_value(ws, row, col, &r.value, st)?;
                }
            }
            Column::Value => write_value(ws, row, col, &r.value, st)?,
        }
        Ok(())
    }
}

/// The formats of a form.
struct FormStyles {
    bold: Format,
    title: Format,
    head: Format,
    cell: Format,
    num: Format,
    pct: Format,
    text_num: Format,
}

impl FormStyles {
    fn new(protect: bool) -> FormStyles {
        let mut num = Format::new()
            .set_border(FormatBorder::Thin)
            .set_num_format("#,##0")
            .set_align(FormatAlign::Top);
        if protect {
            num = num.set_unlocked().set_background_color("#FFF9DB");
        }
        FormStyles {
            bold: Format::new().set_bold(),
            title: Format::new().set_bold().set_font_size(13),
            head: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color("#DCE6F1")
                .set_border(FormatBorder::Thin),
            cell: Format::new()
                .set_border(FormatBorder::Thin)
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            num,
            pct: Format::new().set_border(FormatBorder::Thin).set_num_format("0.0%"),
            text_num: Format::new()
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::Right)
                .set_align(FormatAlign::Top),
        }
    }
}

fn write_value(
    ws: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    col: u16,
    value: &Cell,
    st: &FormStyles,
) -> Result<(), XlsxError> {
    match value {
        Cell::Empty => ws.write_blank(row, col, &st.num)?,
        Cell::Number(v) => ws.write_number_with_format(row, col, *v, &st.num)?,
        Cell::Text(t) => ws.write_string_with_format(row, col, t, &st.text_num)?,
        Cell::Percent(v) => ws.write_number_with_format(row, col, *v, &st.pct)?,
        Cell::Formula { formula, result } => {
            let f = Formula::new(formula).set_result(format!("{result}"));
            ws.write_formula_with_format(row, col, f, &st.num)?
        }
    };
    Ok(())
}

/// The data validation of a blank form's value cell.
fn validation(r: &SpecRow) -> Result<DataValidation, XlsxError> {
    let v = match r.kind {
        Some(IndicatorKind::Flag) => DataValidation::new()
            .allow_whole_number(DataValidationRule::Between(0, 1))
            .set_input_title("Признак")?
            .set_input_message("1 — запущен, 0 — не запущен")?
            .set_error_title("Неверное значение")?
            .set_error_message("Введите 1 или 0")?,
        _ => DataValidation::new()
            .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(0))
            .set_input_title(truncate(&format!("Значение, {}", r.unit), 32))?
            .set_input_message(truncate(
                &format!("{}. Целое число не меньше 0; пусто — нет данных.", r.name),
                250,
            ))?
            .set_error_title("Неверное значение")?
            .set_error_message("Введите целое число не меньше 0 (без пробелов и единиц измерения)")?,
    };
    Ok(v)
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        s.chars().take(n - 1).collect::<String>() + "…"
    }
}

/// The codes a body submits: its configured `codes`, or else the input codes
/// of every step it is responsible for (a measure's numerator codes, or the
/// code itself).
pub fn codes_for(
    m: &crate::methodology::Methodology,
    region: &crate::region::Region,
    reg: &crate::bodies::Registry,
    slug: &str,
) -> Vec<String> {
    let configured = region
        .bodies
        .iter()
        .find(|b| reg.find(&b.name).is_some_and(|i| i.slug == slug))
        .and_then(|b| b.codes.clone());
    let derive = configured.is_none();
    let mut codes: Vec<String> = configured.unwrap_or_default();
    if derive {
        for step in &region.steps {
            if !step
                .responsible
                .list()
                .iter()
                .any(|n| reg.find(n).is_some_and(|i| i.slug == slug))
            {
                continue;
            }
            let measure = m
                .components
                .iter()
                .flat_map(|c| c.measures())
                .find(|ms| ms.id == step.key);
            match measure {
                Some(ms) => codes.extend(ms.numerator.iter().cloned()),
                None => codes.push(step.key.clone()),
            }
        }
    }
    if derive {
        // A code another body is configured to submit is theirs: two forms
        // must never carry the same code.
        let claimed: std::collections::BTreeSet<&String> =
            region.bodies.iter().flat_map(|b| b.codes.iter().flatten()).collect();
        codes.retain(|c| !claimed.contains(c));
    }
    let mut seen = std::collections::BTreeSet::new();
    codes.retain(|c| seen.insert(c.clone()));
    codes
}

/// The lines of the «Инструкция» sheet.
pub fn instructions(period: &crate::ingest::Period, deadline: Option<&str>) -> Vec<String> {
    let mut lines = vec![
        format!("1. Заполните на листе «{SHEET_NAME}» столбец «Значение» (жёлтые ячейки) за период: {}.", period.label()),
        "2. Вводите целые числа без пробелов, единиц измерения и процентов: например, 22471. Для признаков запуска сервиса — 1 (запущен) или 0 (не запущен).".into(),
        "3. Если данных нет, оставьте ячейку пустой и поясните причину в столбце «Комментарий». Не пишите «н/д», «нет» или 0 вместо отсутствующих данных.".into(),
        "4. Не меняйте коды, названия показателей, строки «Регион», «Ведомство», «Период» и порядок столбцов: по ним программа находит значения. Лист защищён без пароля только от случайных правок.".into(),
        "5. Столбец «Значение за прошлый период» — справочный: сверьте с ним новое значение; резкое расхождение поясните в комментарии.".into(),
        "6. Сохраните книгу в формате .xlsx (можно .xls или .ods) и отправьте её секретариату рабочей группы, не переименовывая лист.".into(),
    ];
    if let Some(d) = deadline {
        lines.push(format!("7. Срок представления: {d}."));
    }
    lines
}

/// A blank submission form for one body: submission format v1, metadata
/// prefilled, one row per code, value cells unlocked and validated.
pub fn blank_form(
    m: &crate::methodology::Methodology,
    region_name: &str,
    body: &crate::bodies::BodyInfo,
    codes: &[String],
    period: &crate::ingest::Period,
    previous: &std::collections::BTreeMap<String, u64>,
    date: (u16, u8, u8),
) -> SubmissionSpec {
    let mut spec = SubmissionSpec::new(region_name, &body.full_name, &period.code());
    spec.meta.push(("Дата".into(), String::new()));
    spec.meta.push(("Исполнитель".into(), String::new()));
    spec.title = format!(
        "Форма представления сведений для расчета рейтинга внедрения МАХ: {}",
        body.name
    );
    spec.columns = vec![
        Column::No,
        Column::Name,
        Column::Code,
        Column::Unit,
        Column::Value,
        Column::Source,
        Column::Comment,
        Column::Previous,
    ];
    spec.protect = true;
    spec.date = date;
    spec.instructions = instructions(period, None);
    for code in codes {
        let def = m.indicator(code);
        let mut row = SpecRow::new(
            code,
            &m.indicator_name(code).unwrap_or_else(|| code.clone()),
            &def.map(|d| d.unit.clone()).unwrap_or_default(),
            Cell::Empty,
            &def.map(|d| d.source.clone()).unwrap_or_default(),
        );
        row.kind = def.map(|d| d.kind);
        row.previous = previous.get(code).map(|v| crate::fmt::int(*v));
        spec.rows.push(row);
    }
    spec
}

/// What a previous build's `rating.json` gives the blank forms.
#[derive(Debug, Clone, Default)]
pub struct PreviousBuild {
    pub period: Option<Period>,
    /// The value of every code read.
    pub values: BTreeMap<String, u64>,
}

/// The period and the values of a previous build's `rating.json` in `out`:
/// None when there is none; a warning naming the file when it is there
/// but cannot be used (then the forms show no previous values). A file of
/// an older build, without the fields added since, is read.
pub fn previous_build(out: &Path) -> Result<Option<PreviousBuild>, Diagnostic> {
    let path = out.join(RATING_JSON);
    let unusable = |why: String| {
        Diagnostic::warning(
            Some(Location::file(path.display().to_string())),
            format!("прошлая сборка не прочитана: {why} — значения прошлого периода в формах не показаны"),
        )
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(unusable(crate::diag::io_reason(&e))),
    };
    let json: RatingJson = serde_json::from_str(&text).map_err(|e| {
        let at = format!("строка {}, столбец {}", e.line(), e.column());
        unusable(match e.classify() {
            serde_json::error::Category::Data => {
                format!("нет нужного поля или у поля другой вид ({at}) — файл записан другой программой или версией")
            }
            _ => format!("файл не JSON или оборван ({at})"),
        })
    })?;
    Ok(Some(PreviousBuild {
        period: Period::parse(&json.period),
        values: json.values,
    }))
}

/// The blank forms and what went wrong on the way without stopping them.
#[derive(Debug, Default)]
pub struct BlankForms {
    /// `forms/<slug>.xlsx`.
    pub files: Vec<OutputFile>,
    /// A previous `rating.json` that could not be used.
    pub warnings: Vec<Diagnostic>,
}

/// One blank form per body that submits codes, `forms/<slug>.xlsx`, for
/// `period` (else region.toml's, else the previous build's), with the
/// previous build's values shown for reference.
pub fn blank_forms(src: &Sources, out: &Path, period: Option<&str>) -> Result<BlankForms, AppError> {
    let m = crate::pipeline::load_methodology(src)?;
    let region = Region::load_from(&src.inputs)?;
    let mut warnings = Vec::new();
    let previous = previous_build(out).unwrap_or_else(|w| {
        warnings.push(w);
        None
    });
    let period = match period {
        Some(p) => Period::parse(p).ok_or_else(|| AppError::UnknownPeriod(p.to_string()))?,
        None => region
            .period
            .as_deref()
            .and_then(Period::parse)
            .or_else(|| previous.as_ref().and_then(|p| p.period))
            .ok_or(AppError::NoFormPeriod)?,
    };
    let values = previous.map(|p| p.values).unwrap_or_default();
    let region_name = region.region.clone().unwrap_or_default();
    let reg = Registry::new(&region, &[]);
    let date = form_date(region.meeting_date().unwrap_or_else(|| period.last_day()))?;
    let mut files = Vec::new();
    for body in &reg.bodies {
        let codes = codes_for(&m, &region, &reg, &body.slug);
        if codes.is_empty() {
            continue;
        }
        let mut spec = blank_form(&m, &region_name, body, &codes, &period, &values, date);
        if let Some((y, mo, d)) = region.due_date() {
            spec.instructions = instructions(&period, Some(&crate::fmt::date(y, mo, d)));
        }
        let bytes = spec
            .to_xlsx()
            .map_err(|e| crate::render::RenderError::workbook(&form_file(&body.slug), e))?;
        files.push(OutputFile::new(form_file(&body.slug), bytes));
    }
    if files.is_empty() {
        return Err(AppError::NoFormCodes);
    }
    Ok(BlankForms { files, warnings })
}

/// A date as the forms' creation date (a year Excel can hold).
fn form_date((y, m, d): (i32, u8, u8)) -> Result<(u16, u8, u8), AppError> {
    let year = u16::try_from(y).map_err(|_| AppError::UnknownPeriod(format!("{y}")))?;
    Ok((year, m, d))
}
