//! `report.xlsx`: the deck's content as a workbook that a ministry analyst
//! can filter, audit and forward.
//!
//! Sheets: «Сводка» (region, period, the total with its zone, the year
//! targets, the components and a chart), one sheet per component named by
//! its label («К1» …), «Итоги <год>» (last year's measures), «Источники»
//! (every value read, with its file, sheet and cell) and «Замечания» (the
//! diagnostics).
//!
//! Every figure comes from the view model ([`Report`]); nothing is scored
//! here. Where an auditor wants to see the arithmetic, the cell holds a live
//! formula that reproduces the engine's result — shares, band points (in
//! integers, `value·den ≥ num·base`, so that a value exactly at a strict
//! threshold stays in the lower band, as in the engine), criterion points,
//! the component's points, the plan counts, the gaps and the total — and
//! the engine's value is stored as the formula's cached result, so viewers
//! that do not recalculate show the same figures. Only classic functions
//! are used (IF, AND, OR, MAX, SUM, INT, ISNUMBER); a component without data
//! shows «нет данных» instead of a formula, and shares and points are
//! guarded against a zero base.
//!
//! The creation date is the report's document date: the same report gives
//! byte-identical bytes.

use std::collections::BTreeMap;

use rust_xlsxwriter::{
    Chart, ChartDataLabel, ChartFont, ChartFormat, ChartLegendPosition, ChartSolidFill, ChartType, ColNum,
    ConditionalFormatCell, ConditionalFormatCellRule, ConditionalFormatFormula, DocProperties, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Formula, RowNum, Table, TableColumn, TableStyle, Workbook, Worksheet, XlsxError,
};

use crate::rating::Status;
use crate::report::{BandView, BodyView, ComponentView, LevelView, PartView, PlanRow, Report};

/// The text shown where a figure cannot be computed.
const NO_DATA: &str = "нет данных";
/// The text of an empty cell of a plan («not applicable»).
const DASH: &str = "—";

const FMT_INT: &str = "#,##0";
const FMT_PCT: &str = "0.0%";
const FMT_POINTS: &str = "0";

/// Renders the workbook.
pub fn render(report: &Report) -> Result<Vec<u8>, XlsxError> {
    render_scoped(report, None)
}

/// A body's workbook (`out/bodies/<slug>/report.xlsx`): the same sheets,
/// formulas and sources as the main workbook, cut to the body's rows
/// ([`Report::for_body`]). Where the region's figure depends on rows that
/// are not in the book — the total, a component's points when some of its
/// rows belong to other bodies, a criterion whose rows are not all here —
/// the engine's value is written as a value with a note, never a formula
/// over the rows that happen to be present.
pub fn render_body(report: &Report, body: &BodyView) -> Result<Vec<u8>, XlsxError> {
    let part = report.for_body(body);
    render_scoped(&part, Some(Scope { full: report, body }))
}

/// The region's report and the body a workbook is cut for.
#[derive(Clone, Copy)]
struct Scope<'a> {
    full: &'a Report,
    body: &'a BodyView,
}

/// The note beside a region's figure shown as a value in a body's book.
const REGION_VALUE_NOTE: &str = "значение по всем показателям региона (в этой книге — только показатели органа)";

fn render_scoped(report: &Report, scope: Option<Scope<'_>>) -> Result<Vec<u8>, XlsxError> {
    let st = Styles::new(report);
    let mut wb = Workbook::new();
    let (y, m, d) = report.meta.document_date;
    let created = ExcelDateTime::from_ymd(u16::try_from(y).unwrap_or(1900), m, d)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!(
                "Рейтинг внедрения национального мессенджера МАХ — {}",
                report.meta.region
            ))
            .set_subject(format!("{}, {}", report.meta.region, report.meta.period_label))
            .set_author("max-rating")
            .set_keywords("МАХ, MAX, рейтинг, план")
            .set_comment(report.meta.methodology.clone())
            .set_creation_datetime(&created),
    );

    let mut components = Vec::new();
    let mut points_cells = Vec::new();
    for c in &report.components {
        let full = scope.and_then(|s| s.full.components.iter().find(|f| f.id == c.id));
        let (ws, points_cell) = component_sheet(report, c, full, &st)?;
        points_cells.push(points_cell);
        components.push(ws);
    }
    let (summary, chart_cache) = summary_sheet(report, &points_cells, scope.map(|s| s.body), &st)?;
    wb.push_worksheet(summary);
    for ws in components {
        wb.push_worksheet(ws);
    }
    if let Some(ws) = results_sheet(report, &st)? {
        wb.push_worksheet(ws);
    }
    wb.push_worksheet(sources_sheet(report, &st)?);
    wb.push_worksheet(remarks_sheet(report, &st)?);
    let bytes = wb.save_to_buffer()?;
    Ok(match &chart_cache {
        Some(cache) => fill_chart_cache(bytes, cache),
        None => bytes,
    })
}

/// The values a chart series shows, for its cache: `range` as the chart
/// refers to it (`Сводка!$D$16:$D$19`), one value a point (`None`: empty).
struct ChartCache {
    range: String,
    values: Vec<Option<f64>>,
}

/// rust_xlsxwriter caches a chart series' values only for cells holding
/// plain numbers; the points on «Сводка» are formulas, so their series
/// would be stored without values and viewers that draw from the cache
/// (previews, some mobile apps) would show empty bars. This writes the
/// engine's values into that cache. The package is otherwise copied as it
/// is (same compressed bytes, same timestamps), so the output stays
/// deterministic; if anything is not as expected the book is returned
/// unchanged (Excel and LibreOffice redraw from the cells anyway).
fn fill_chart_cache(bytes: Vec<u8>, cache: &ChartCache) -> Vec<u8> {
    use std::io::{Cursor, Read, Write};
    fn rewrite(bytes: &[u8], cache: &ChartCache) -> Option<Vec<u8>> {
        let mut zin = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let series = format!("<c:f>{}</c:f><c:numCache>", cache.range);
        let count = format!("<c:ptCount val=\"{}\"/>", cache.values.len());
        let points: String = cache
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| format!("<c:pt idx=\"{i}\"><c:v>{v}</c:v></c:pt>")))
            .collect();
        let mut filled = false;
        for i in 0..zin.len() {
            let is_chart = zin.by_index_raw(i).ok()?.name().ok()?.starts_with("xl/charts/chart");
            if !is_chart || filled {
                out.raw_copy_file(zin.by_index_raw(i).ok()?).ok()?;
                continue;
            }
            let mut part = zin.by_index(i).ok()?;
            let mut xml = String::new();
            part.read_to_string(&mut xml).ok()?;
            if let Some(at) = xml.find(&series) {
                let after = at + series.len();
                let end = xml[after..].find("</c:numCache>")? + after;
                let insert = xml[after..end].find(&count)? + after + count.len();
                if xml[insert..end].contains("<c:pt ") {
                    return None;
                }
                xml.insert_str(insert, &points);
                filled = true;
            }
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(part.compression())
                .last_modified_time(part.last_modified().unwrap_or_default());
            let name = part.name().ok()?.into_owned();
            drop(part);
            out.start_file(name, opts).ok()?;
            out.write_all(xml.as_bytes()).ok()?;
        }
        if !filled {
            return None;
        }
        Some(out.finish().ok()?.into_inner())
    }
    rewrite(&bytes, cache).unwrap_or(bytes)
}

// ------------------------------------------------------------------ styles

struct Styles {
    title: Format,
    subtitle: Format,
    heading: Format,
    label: Format,
    value: Format,
    value_int: Format,
    total: Format,
    note: Format,
    header: Format,
    text: Format,
    wrap: Format,
    int: Format,
    pct: Format,
    points: Format,
    center: Format,
    long: Format,
    /// Fills in the methodology's colours: (fill colour, format).
    green: Format,
    yellow: Format,
    red: Format,
    green_color: String,
    yellow_color: String,
    red_color: String,
    footer: String,
}

/// A conditional format: the band's colour as fill, white or black text.
fn fill(color: &str) -> Format {
    let light = color_is_light(color);
    Format::new()
        .set_background_color(color)
        .set_font_color(if light { "#000000" } else { "#FFFFFF" })
        .set_bold()
}

fn color_is_light(color: &str) -> bool {
    let hex = color.trim_start_matches('#');
    let channel = |i: usize| {
        hex.get(i..i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .map(f64::from)
    };
    match (channel(0), channel(2), channel(4)) {
        (Some(r), Some(g), Some(b)) => 0.299 * r + 0.587 * g + 0.114 * b > 150.0,
        _ => true,
    }
}

/// The colour of a band by id, else by position (first = worst).
fn band_color(bands: &[BandView], id: &str, fallback: usize) -> String {
    bands
        .iter()
        .find(|b| b.id == id)
        .or_else(|| bands.get(fallback.min(bands.len().saturating_sub(1))))
        .map(|b| b.color.clone())
        .unwrap_or_else(|| "#FFFFFF".into())
}

impl Styles {
    fn new(r: &Report) -> Styles {
        let cell = || {
            Format::new()
                .set_border(FormatBorder::Thin)
                .set_border_color("#A6A6A6")
                .set_align(FormatAlign::Top)
        };
        let n = r.bands.len();
        let green_color = band_color(&r.bands, "green", n.saturating_sub(1));
        let yellow_color = band_color(&r.bands, "yellow", n / 2);
        let red_color = band_color(&r.bands, "red", 0);
        let footer_text = format!("{} · {}", r.meta.region, r.meta.period_label).replace('&', "&&");
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            subtitle: Format::new().set_font_color("#595959"),
            heading: Format::new().set_bold().set_font_size(12).set_font_color("#1F3864"),
            label: Format::new().set_bold().set_align(FormatAlign::Top),
            value: Format::new().set_align(FormatAlign::Left).set_align(FormatAlign::Top),
            value_int: Format::new()
                .set_num_format(FMT_INT)
                .set_align(FormatAlign::Left)
                .set_bold(),
            total: Format::new()
                .set_num_format(FMT_POINTS)
                .set_align(FormatAlign::Left)
                .set_bold()
                .set_font_size(16),
            note: Format::new().set_italic().set_font_color("#595959"),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_font_color("#FFFFFF")
                .set_background_color("#305496")
                .set_border(FormatBorder::Thin)
                .set_border_color("#A6A6A6"),
            text: cell(),
            wrap: cell().set_text_wrap(),
            int: cell().set_num_format(FMT_INT),
            pct: cell().set_num_format(FMT_PCT).set_align(FormatAlign::Right),
            points: cell().set_num_format(FMT_POINTS).set_align(FormatAlign::Center),
            center: cell().set_align(FormatAlign::Center),
            long: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            green: fill(&green_color),
            yellow: fill(&yellow_color),
            red: fill(&red_color),
            green_color,
            yellow_color,
            red_color,
            footer: format!("&L{footer_text}&CЛист «&A»&RСтраница &P из &N"),
        }
    }
}

// ----------------------------------------------------------------- helpers

/// `C5`.
fn a1(row: RowNum, col: ColNum) -> String {
    rust_xlsxwriter::utility::row_col_to_cell(row, col)
}

/// `$C$5`.
fn a1_abs(row: RowNum, col: ColNum) -> String {
    rust_xlsxwriter::utility::row_col_to_cell_absolute(row, col)
}

/// `'К1'!$B$3`: sheet names are always quoted.
fn sheet_ref(sheet: &str, row: RowNum, col: ColNum) -> String {
    format!("'{}'!{}", sheet.replace('\'', "''"), a1_abs(row, col))
}

/// A string literal inside a formula.
fn lit(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// `cell*k`, or `cell` when k = 1.
fn times(cell: &str, k: u64) -> String {
    if k == 1 {
        cell.to_string()
    } else {
        format!("{cell}*{k}")
    }
}

/// `k*cell`, or `cell` when k = 1.
fn k_times(k: u64, cell: &str) -> String {
    if k == 1 {
        cell.to_string()
    } else {
        format!("{k}*{cell}")
    }
}

/// The integer comparison of a threshold: `value·den ≥ num·base` (or `>`).
fn meets(value: &str, base: &str, l: &LevelView) -> String {
    format!(
        "{}{}{}",
        times(value, l.threshold_den),
        if l.inclusive { ">=" } else { ">" },
        k_times(l.threshold_num, base)
    )
}

/// The smallest count meeting a threshold on `base`: `ceil(num·base/den)`
/// for ≥ and `floor(num·base/den) + 1` for >, in integers.
fn min_count(base: &str, l: &LevelView) -> String {
    let prod = k_times(l.threshold_num, base);
    let den = l.threshold_den;
    match (l.inclusive, den) {
        (true, 1) => prod,
        (false, 1) => format!("{prod}+1"),
        (true, _) => format!("INT(({prod}+{})/{den})", den - 1),
        (false, _) => format!("INT({prod}/{den})+1"),
    }
}

/// A stored formula result.
enum Res {
    Num(f64),
    Text(String),
}

impl Res {
    fn int(v: u64) -> Res {
        Res::Num(v as f64)
    }

    fn text(s: &str) -> Res {
        Res::Text(s.to_string())
    }

    fn as_string(&self) -> String {
        match self {
            Res::Num(n) => format!("{n}"),
            Res::Text(t) => t.clone(),
        }
    }
}

fn write_formula(
    ws: &mut Worksheet,
    row: RowNum,
    col: ColNum,
    formula: &str,
    result: Res,
    fmt: &Format,
) -> Result<(), XlsxError> {
    let f = Formula::new(formula).set_result(result.as_string());
    ws.write_formula_with_format(row, col, f, fmt)?;
    Ok(())
}

fn write_int(
    ws: &mut Worksheet,
    row: RowNum,
    col: ColNum,
    v: Option<u64>,
    fmt: &Format,
    text: &Format,
) -> Result<(), XlsxError> {
    match v {
        Some(v) => ws.write_number_with_format(row, col, v as f64, fmt)?,
        None => ws.write_string_with_format(row, col, NO_DATA, text)?,
    };
    Ok(())
}

/// Conditional fills of a text column: each (text, format).
fn text_fills(
    ws: &mut Worksheet,
    first: RowNum,
    last: RowNum,
    col: ColNum,
    rules: &[(&str, &Format)],
) -> Result<(), XlsxError> {
    if last < first {
        return Ok(());
    }
    for (text, fmt) in rules {
        let cf = ConditionalFormatFormula::new()
            .set_rule(format!("={}={}", a1(first, col), lit(text)).as_str())
            .set_format(*fmt);
        ws.add_conditional_format(first, col, last, col, &cf)?;
    }
    Ok(())
}

/// A4 landscape, fit to the page width, the footer, `repeat` rows on every
/// page.
fn page_setup(ws: &mut Worksheet, st: &Styles, repeat: Option<(RowNum, RowNum)>) -> Result<(), XlsxError> {
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_margins(0.4, 0.4, 0.5, 0.6, 0.3, 0.3);
    ws.set_footer(&st.footer);
    if let Some((first, last)) = repeat {
        ws.set_repeat_rows(first, last)?;
    }
    Ok(())
}

/// An Excel table over `first_row..=last_row` with the given headers.
fn add_table(
    ws: &mut Worksheet,
    st: &Styles,
    name: &str,
    first_row: RowNum,
    last_row: RowNum,
    headers: &[String],
    autofilter: bool,
) -> Result<(), XlsxError> {
    let columns: Vec<TableColumn> = headers
        .iter()
        .map(|h| TableColumn::new().set_header(h).set_header_format(&st.header))
        .collect();
    let table = Table::new()
        .set_name(name)
        .set_style(TableStyle::Light9)
        .set_autofilter(autofilter)
        .set_columns(&columns);
    let last_col = ColNum::try_from(headers.len().saturating_sub(1)).unwrap_or(0);
    ws.add_table(first_row, 0, last_row, last_col, &table)?;
    Ok(())
}

/// A table name from an id: letters, digits and `_` only.
fn table_name(prefix: &str, id: &str) -> String {
    let clean: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("{prefix}_{clean}")
}

/// The number of lines a text takes when wrapped in `width` characters
/// (a column width is counted in digits; an average Russian letter of the
/// default font is about as wide).
fn line_count(text: &str, width: f64) -> usize {
    let cap = (width - 1.0).max(1.0);
    let mut lines = 0;
    for para in text.split('\n') {
        let mut len = 0.0f64;
        let mut n = 1;
        for word in para.split_whitespace() {
            let w = word.chars().count() as f64;
            if len > 0.0 && len + 1.0 + w > cap {
                n += 1;
                len = 0.0;
            }
            if len == 0.0 && w > cap {
                n += (w / cap).ceil() as usize - 1;
                len = w % cap;
            } else {
                len += if len > 0.0 { 1.0 + w } else { w };
            }
        }
        lines += n;
    }
    lines.max(1)
}

/// Row heights for wrapped texts: Excel and LibreOffice do not grow a row
/// on opening a file, so the heights are estimated and written.
struct Fit {
    widths: Vec<f64>,
    lines: BTreeMap<RowNum, usize>,
}

impl Fit {
    fn new(widths: &[f64]) -> Fit {
        Fit {
            widths: widths.to_vec(),
            lines: BTreeMap::new(),
        }
    }

    fn need(&mut self, row: RowNum, width: f64, text: &str) {
        let n = line_count(text, width);
        let e = self.lines.entry(row).or_insert(1);
        *e = (*e).max(n);
    }

    /// Writes a wrapped text and notes its height.
    fn put<'a>(
        &mut self,
        ws: &'a mut Worksheet,
        row: RowNum,
        col: ColNum,
        text: impl AsRef<str>,
        fmt: &Format,
    ) -> Result<&'a mut Worksheet, XlsxError> {
        let text = text.as_ref();
        let width = self.widths.get(usize::from(col)).copied().unwrap_or(8.43);
        self.need(row, width, text);
        ws.write_string_with_format(row, col, text, fmt)
    }

    /// Sets the heights of the rows that need more than one line.
    fn apply(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        for (row, n) in &self.lines {
            if *n > 1 {
                ws.set_row_height(*row, 15.0 * *n as f64 + 1.0)?;
            }
        }
        Ok(())
    }
}

/// Title and subtitle rows (0 and 1).
fn title_rows(ws: &mut Worksheet, st: &Styles, r: &Report, title: &str) -> Result<(), XlsxError> {
    ws.write_string_with_format(0, 0, title, &st.title)?;
    ws.set_row_height(0, 21)?;
    ws.write_string_with_format(
        1,
        0,
        format!("{} · {}", r.meta.region, r.meta.period_label),
        &st.subtitle,
    )?;
    Ok(())
}

// ---------------------------------------------------------------- «Сводка»

/// Column of the components table on «Сводка».
const SUM_WIDTHS: [f64; 8] = [26.0, 46.0, 16.0, 10.0, 11.0, 13.0, 17.0, 62.0];

fn summary_sheet(
    r: &Report,
    points_cells: &[String],
    body: Option<&BodyView>,
    st: &Styles,
) -> Result<(Worksheet, Option<ChartCache>), XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name("Сводка")?;
    let mut chart_cache = None;
    let mut fit = Fit::new(&SUM_WIDTHS);
    for (i, w) in SUM_WIDTHS.iter().enumerate() {
        ws.set_column_width(i as ColNum, *w)?;
    }
    let title = match body {
        Some(b) => format!(
            "Рейтинг внедрения национального мессенджера МАХ: показатели органа «{}»",
            b.name
        ),
        None => "Рейтинг внедрения национального мессенджера МАХ".to_string(),
    };
    title_rows(&mut ws, st, r, &title)?;
    let s = &r.summary;
    let mut row: RowNum = 3;
    let mut pair = |ws: &mut Worksheet, label: &str, value: &str| -> Result<RowNum, XlsxError> {
        ws.write_string_with_format(row, 0, label, &st.label)?;
        ws.write_string_with_format(row, 1, value, &st.value)?;
        row += 1;
        Ok(row - 1)
    };
    if let Some(b) = body {
        pair(&mut ws, "Орган", &b.full_name)?;
        let due = if b.due {
            format!(
                "{} {} с отставанием от плана {} года",
                b.due_count,
                crate::fmt::plural(b.due_count as u64, "показатель", "показателя", "показателей"),
                r.meta.year
            )
        } else {
            "отставаний от плана нет".to_string()
        };
        pair(&mut ws, "Поручения", &due)?;
    }
    pair(&mut ws, "Регион", &r.meta.region)?;
    pair(
        &mut ws,
        "Период",
        &format!("{} ({})", r.meta.period_label, r.meta.period),
    )?;
    pair(&mut ws, "Методика", &r.meta.methodology)?;
    if !r.meta.meeting_date_label.is_empty() {
        pair(&mut ws, "Дата заседания", &r.meta.meeting_date_label)?;
    }
    // The total: a SUM of the components' points cells.
    let total_row = row;
    ws.write_string_with_format(total_row, 0, "Итоговый балл", &st.label)?;
    if body.is_some() {
        // Only the body's components are in the book: the total is the
        // region's, as a value.
        ws.write_number_with_format(total_row, 1, f64::from(s.total), &st.total)?;
        ws.write_string_with_format(
            total_row,
            2,
            format!("из {} — {REGION_VALUE_NOTE}", s.total_max),
            &st.note,
        )?;
    } else {
        write_formula(
            &mut ws,
            total_row,
            1,
            &if points_cells.is_empty() {
                "=0".to_string()
            } else {
                format!("=SUM({})", points_cells.join(","))
            },
            Res::Num(f64::from(s.total)),
            &st.total,
        )?;
        ws.write_string_with_format(total_row, 2, format!("из {}", s.total_max), &st.value)?;
    }
    ws.set_row_height(total_row, 21)?;
    let total_cell = a1_abs(total_row, 1);
    for b in &r.bands {
        let cf = ConditionalFormatCell::new()
            .set_rule(ConditionalFormatCellRule::Between(b.from, b.to))
            .set_format(fill(&b.color));
        ws.add_conditional_format(total_row, 1, total_row, 1, &cf)?;
    }
    // The zone, by the bands' lower bounds.
    let zone_row = total_row + 1;
    ws.write_string_with_format(zone_row, 0, "Цветовая зона", &st.label)?;
    let mut bands: Vec<&BandView> = r.bands.iter().collect();
    bands.sort_by_key(|b| b.from);
    let zone_formula = match bands.split_first() {
        Some((lowest, rest)) => {
            let mut f = lit(&lowest.name);
            for b in rest {
                f = format!("IF({total_cell}>={},{},{f})", b.from, lit(&b.name));
            }
            f
        }
        None => lit(""),
    };
    write_formula(
        &mut ws,
        zone_row,
        1,
        &format!("={zone_formula}"),
        Res::text(&s.band.name),
        &st.value,
    )?;
    ws.write_string_with_format(zone_row, 2, format!("({})", s.band.label), &st.value)?;
    for b in &r.bands {
        let cf = ConditionalFormatFormula::new()
            .set_rule(format!("={}={}", a1(zone_row, 1), lit(&b.name)).as_str())
            .set_format(fill(&b.color));
        ws.add_conditional_format(zone_row, 1, zone_row, 1, &cf)?;
    }
    row = zone_row + 1;
    match s.year_target {
        Some(t) => {
            let target_row = row;
            ws.write_string_with_format(target_row, 0, format!("Цель {} года", r.meta.year), &st.label)?;
            ws.write_number_with_format(target_row, 1, f64::from(t), &st.value_int)?;
            ws.write_string_with_format(target_row + 1, 0, "Не хватает до цели", &st.label)?;
            write_formula(
                &mut ws,
                target_row + 1,
                1,
                &format!("=MAX(0,{}-{total_cell})", a1(target_row, 1)),
                Res::Num(f64::from(s.target_gap.unwrap_or(0))),
                &st.value_int,
            )?;
            ws.write_string_with_format(target_row + 1, 2, "баллов", &st.value)?;
            row = target_row + 2;
        }
        None => {
            ws.write_string_with_format(row, 0, format!("Цель {} года", r.meta.year), &st.label)?;
            ws.write_string_with_format(row, 1, "не установлена", &st.value)?;
            row += 1;
        }
    }
    ws.write_string_with_format(row, 0, "Полнота расчёта", &st.label)?;
    ws.write_string_with_format(row, 1, &s.completeness, &st.value)?;
    row += 2;

    // Components.
    let heading = if body.is_some() {
        "Компоненты рейтинга с показателями органа"
    } else {
        "Компоненты рейтинга"
    };
    ws.write_string_with_format(row, 0, heading, &st.heading)?;
    row += 1;
    let header_row = row;
    let headers: Vec<String> = vec![
        "Компонент".into(),
        "Наименование".into(),
        "Тип".into(),
        "Баллы".into(),
        "Максимум".into(),
        format!("Необходимый минимум {}", r.meta.year),
        "Статус".into(),
        "Обоснование".into(),
    ];
    ws.set_row_height(header_row, 30)?;
    for (i, c) in r.components.iter().enumerate() {
        let rr = header_row + 1 + i as RowNum;
        ws.write_string_with_format(rr, 0, &c.label, &st.center)?;
        fit.put(&mut ws, rr, 1, &c.name, &st.wrap)?;
        ws.write_string_with_format(rr, 2, &c.kind_label, &st.text)?;
        write_formula(
            &mut ws,
            rr,
            3,
            &format!("={}", points_cells.get(i).map(String::as_str).unwrap_or("0")),
            match c.points {
                Some(p) => Res::Num(f64::from(p)),
                None => Res::text(NO_DATA),
            },
            &st.points,
        )?;
        ws.write_number_with_format(rr, 4, f64::from(c.max), &st.points)?;
        match c.required {
            Some(req) => {
                ws.write_number_with_format(rr, 5, f64::from(req), &st.points)?;
                write_formula(
                    &mut ws,
                    rr,
                    6,
                    &status_formula(&a1(rr, 3), &a1(rr, 5)),
                    Res::text(&c.status_label),
                    &st.center,
                )?;
            }
            None => {
                ws.write_string_with_format(rr, 5, DASH, &st.center)?;
                ws.write_string_with_format(rr, 6, &c.status_label, &st.center)?;
            }
        }
        fit.put(&mut ws, rr, 7, &c.reason, &st.wrap)?;
    }
    let last = header_row + r.components.len() as RowNum;
    if !r.components.is_empty() {
        add_table(&mut ws, st, "Components", header_row, last, &headers, true)?;
        text_fills(
            &mut ws,
            header_row + 1,
            last,
            6,
            &[
                (Status::Met.label(), &st.green),
                (Status::Below.label(), &st.red),
                (Status::NoData.label(), &st.yellow),
            ],
        )?;
    }
    row = last + 2;

    // Year targets and the zones; the chart beside them.
    let chart_row = row;
    ws.write_string_with_format(row, 0, "Целевые значения по годам", &st.heading)?;
    row += 1;
    let t_header = row;
    for (i, t) in r.targets.iter().enumerate() {
        let rr = t_header + 1 + i as RowNum;
        ws.write_number_with_format(rr, 0, f64::from(t.year), &st.center)?;
        ws.write_number_with_format(rr, 1, f64::from(t.target), &st.points)?;
        ws.write_string_with_format(rr, 2, if t.current { "текущий год" } else { "" }, &st.text)?;
    }
    if !r.targets.is_empty() {
        let last = t_header + r.targets.len() as RowNum;
        add_table(
            &mut ws,
            st,
            "Targets",
            t_header,
            last,
            &["Год".into(), "Целевой балл".into(), "Примечание".into()],
            false,
        )?;
        row = last + 2;
    } else {
        ws.write_string_with_format(row, 0, "Цели не установлены", &st.note)?;
        row += 2;
    }
    ws.write_string_with_format(row, 0, "Цветовые зоны итогового балла", &st.heading)?;
    row += 1;
    let b_header = row;
    for (i, b) in r.bands.iter().enumerate() {
        let rr = b_header + 1 + i as RowNum;
        ws.write_string_with_format(
            rr,
            0,
            &b.name,
            &fill(&b.color)
                .set_border(FormatBorder::Thin)
                .set_border_color("#A6A6A6"),
        )?;
        ws.write_string_with_format(rr, 1, format!("{}–{} ({})", b.from, b.to, b.label), &st.text)?;
    }
    if !r.bands.is_empty() {
        let last = b_header + r.bands.len() as RowNum;
        add_table(
            &mut ws,
            st,
            "Bands",
            b_header,
            last,
            &["Зона".into(), "Баллы".into()],
            false,
        )?;
    }

    // The chart: the components' points against the required minimum.
    if !r.components.is_empty() {
        let first = header_row + 1;
        let last = header_row + r.components.len() as RowNum;
        let mut chart = Chart::new(ChartType::Column);
        chart
            .add_series()
            .set_name("Баллы")
            .set_categories(("Сводка", first, 0, last, 0))
            .set_values(("Сводка", first, 3, last, 3))
            .set_format(ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color("#305496")))
            .set_data_label(ChartDataLabel::new().show_value());
        chart
            .add_series()
            .set_name(format!("Необходимый минимум {}", r.meta.year).as_str())
            .set_categories(("Сводка", first, 0, last, 0))
            .set_values(("Сводка", first, 5, last, 5))
            .set_format(ChartFormat::new().set_solid_fill(ChartSolidFill::new().set_color("#A6A6A6")))
            .set_data_label(ChartDataLabel::new().show_value());
        chart
            .title()
            .set_name("Баллы компонентов и необходимый минимум")
            .set_font(ChartFont::new().set_size(12).set_bold());
        chart.y_axis().set_min(0);
        chart.legend().set_position(ChartLegendPosition::Bottom);
        chart.set_width(640).set_height(300);
        ws.insert_chart(chart_row, 3, &chart)?;
        chart_cache = Some(ChartCache {
            // A one-cell range is written as the cell alone.
            range: if first == last {
                format!("Сводка!$D${}", first + 1)
            } else {
                format!("Сводка!$D${}:$D${}", first + 1, last + 1)
            },
            values: r.components.iter().map(|c| c.points.map(f64::from)).collect(),
        });
    }

    fit.apply(&mut ws)?;
    ws.set_freeze_panes(2, 0)?;
    page_setup(&mut ws, st, Some((header_row, header_row)))?;
    Ok((ws, chart_cache))
}

/// «выполнено» / «ниже минимума» / «нет данных» from a points cell and the
/// required minimum.
fn status_formula(points: &str, required: &str) -> String {
    format!(
        "=IF(ISNUMBER({points}),IF({points}>={required},{},{}),{})",
        lit(Status::Met.label()),
        lit(Status::Below.label()),
        lit(Status::NoData.label())
    )
}

// ------------------------------------------------------ component sheets

/// The columns of a component's plan table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Name,
    Criterion,
    Unit,
    Value,
    Base,
    Share,
    Threshold,
    Points,
    Target,
    Gap,
    Responsible,
    Works,
    Sources,
}

impl Col {
    fn width(self) -> f64 {
        match self {
            Col::Name => 40.0,
            Col::Criterion => 10.0,
            Col::Unit => 9.0,
            Col::Value | Col::Base | Col::Target | Col::Gap => 12.0,
            Col::Share | Col::Threshold | Col::Points => 11.0,
            Col::Responsible => 22.0,
            Col::Works => 46.0,
            Col::Sources => 22.0,
        }
    }
}

struct Layout {
    cols: Vec<Col>,
}

impl Layout {
    fn col(&self, c: Col) -> ColNum {
        self.cols.iter().position(|x| *x == c).unwrap_or(0) as ColNum
    }

    fn last(&self) -> ColNum {
        self.cols.len().saturating_sub(1) as ColNum
    }

    /// The width of the columns `from..` in characters.
    fn width_from(&self, from: ColNum) -> f64 {
        self.cols.iter().skip(usize::from(from)).map(|c| c.width()).sum()
    }
}

/// The component's points cell on its sheet (row 3, column B).
const POINTS_ROW: RowNum = 2;
const POINTS_COL: ColNum = 1;

/// Where each input code of the component is on its sheet.
type PartCells = BTreeMap<String, (RowNum, ColNum)>;

/// `full`: in a body's book, the component with all its rows (`c` holds
/// only the body's); None in the main workbook.
fn component_sheet(
    r: &Report,
    c: &ComponentView,
    full: Option<&ComponentView>,
    st: &Styles,
) -> Result<(Worksheet, String), XlsxError> {
    // Some of the component's rows are not in this book.
    let partial = full.is_some_and(|f| f.rows.len() != c.rows.len());
    let mut ws = Worksheet::new();
    ws.set_name(&c.label)?;
    let criteria = !c.criteria.is_empty();
    let mut cols = vec![Col::Name];
    if criteria {
        cols.push(Col::Criterion);
    }
    cols.extend([
        Col::Unit,
        Col::Value,
        Col::Base,
        Col::Share,
        Col::Threshold,
        Col::Points,
        Col::Target,
        Col::Gap,
        Col::Responsible,
        Col::Works,
        Col::Sources,
    ]);
    let lay = Layout { cols };
    for (i, col) in lay.cols.iter().enumerate() {
        ws.set_column_width(i as ColNum, col.width())?;
    }
    title_rows(&mut ws, st, r, &format!("{}. {}", c.label, c.name))?;
    ws.write_string_with_format(
        1,
        0,
        format!(
            "{} · {} · {} компонент, максимум {} б.",
            r.meta.region,
            r.meta.period_label,
            c.kind_label.to_lowercase(),
            c.max
        ),
        &st.subtitle,
    )?;
    if let Some(color) = match c.status {
        Status::Met => Some(&st.green_color),
        Status::Below => Some(&st.red_color),
        Status::NoData => Some(&st.yellow_color),
        Status::NoRequirement => None,
    } {
        ws.set_tab_color(color.as_str());
    }

    // Key figures: points (row 3), the minimum, the status; the reason.
    let widths: Vec<f64> = lay.cols.iter().map(|c| c.width()).collect();
    let mut fit = Fit::new(&widths);
    let points_cell = a1(POINTS_ROW, POINTS_COL);
    ws.write_string_with_format(POINTS_ROW, 0, "Баллы", &st.label)?;
    ws.write_string_with_format(POINTS_ROW, 2, format!("из {}", c.max), &st.value)?;
    ws.set_row_height(POINTS_ROW, 21)?;
    let req_row = POINTS_ROW + 1;
    ws.write_string_with_format(
        req_row,
        0,
        format!("Необходимый минимум {} года", r.meta.year),
        &st.label,
    )?;
    match c.required {
        Some(req) => ws.write_number_with_format(req_row, 1, f64::from(req), &st.value_int)?,
        None => ws.write_string_with_format(req_row, 1, "не установлен", &st.value)?,
    };
    let status_row = req_row + 1;
    ws.write_string_with_format(status_row, 0, "Статус", &st.label)?;
    let status_fmt = st.value.clone().set_align(FormatAlign::Center);
    ws.merge_range(status_row, 1, status_row, 3, "", &status_fmt)?;
    match c.required {
        Some(_) => write_formula(
            &mut ws,
            status_row,
            1,
            &status_formula(&points_cell, &a1(req_row, 1)),
            Res::text(&c.status_label),
            &status_fmt,
        )?,
        None => {
            ws.write_string_with_format(status_row, 1, &c.status_label, &status_fmt)?;
        }
    }
    text_fills(
        &mut ws,
        status_row,
        status_row,
        1,
        &[
            (Status::Met.label(), &st.green),
            (Status::Below.label(), &st.red),
            (Status::NoData.label(), &st.yellow),
        ],
    )?;
    let mut row = status_row + 1;
    merged_text(&mut ws, st, &lay, &mut fit, row, "Обоснование", &c.reason)?;
    row += 1;
    let mut gate_cell = None;
    if let Some(gate) = &c.gate {
        ws.write_string_with_format(row, 0, gate, &st.label)?;
        let ok = c.gate_failed.is_empty();
        ws.write_string_with_format(row, 1, if ok { "да" } else { "нет" }, &status_fmt)?;
        text_fills(&mut ws, row, row, 1, &[("да", &st.green), ("нет", &st.red)])?;
        if !ok {
            let names = c
                .gate_failed
                .iter()
                .map(|n| format!("«{n}»"))
                .collect::<Vec<_>>()
                .join(", ");
            ws.write_string_with_format(row, 2, format!("не запущены: {names} — баллы компонента 0"), &st.value)?;
        }
        gate_cell = Some(a1(row, 1));
        row += 1;
    }
    if !c.combinations.is_empty() {
        merged_text(
            &mut ws,
            st,
            &lay,
            &mut fit,
            row,
            "Варианты достижения минимума",
            &c.combinations.join("; "),
        )?;
        row += 1;
    }
    row += 2;

    // Row positions: the plan table, then the scale or the criteria, then
    // the input values.
    let plan_header = row;
    let plan_first = plan_header + 1;
    let plan_last = plan_header + c.rows.len().max(1) as RowNum;
    let mut next = plan_last + 2;
    let block_heading = next;
    let block_header = block_heading + 1;
    let block_len = if criteria {
        c.criteria.len()
    } else {
        c.rows.first().map(|p| p.levels.len()).unwrap_or(0)
    };
    if block_len > 0 {
        next = block_header + block_len as RowNum + 2;
    }
    let parts_heading = next;
    let parts_header = parts_heading + 1;

    // The input values, aligned under the plan's columns.
    let parts = part_rows(c);
    let mut cells: PartCells = BTreeMap::new();
    ws.write_string_with_format(
        parts_heading,
        0,
        "Исходные значения из форм (изменение значения пересчитывает долю, баллы, план и итог)",
        &st.heading,
    )?;
    for (i, col) in lay.cols.iter().enumerate() {
        let caption = match col {
            Col::Name => "Исходный показатель",
            Col::Criterion => "Критерий",
            Col::Unit => "Ед. изм.",
            Col::Value => "Значение (числитель)",
            Col::Base => "Значение (база)",
            Col::Share => "Роль в расчёте",
            Col::Responsible => "Ответственные",
            Col::Works => "Код и место в форме",
            Col::Sources => "Источник данных",
            _ => "",
        };
        ws.write_string_with_format(parts_header, i as ColNum, caption, &st.header)?;
    }
    ws.set_row_height(parts_header, 30)?;
    for (i, (part, role, criterion, unit)) in parts.iter().enumerate() {
        let rr = parts_header + 1 + i as RowNum;
        let value_col = if *role == Role::Base { Col::Base } else { Col::Value };
        for col in &lay.cols {
            let cn = lay.col(*col);
            match col {
                Col::Name => fit.put(&mut ws, rr, cn, &part.name, &st.wrap)?,
                Col::Criterion => ws.write_string_with_format(rr, cn, criterion, &st.center)?,
                Col::Unit => ws.write_string_with_format(rr, cn, unit, &st.center)?,
                Col::Value | Col::Base if *col == value_col => {
                    cells.insert(part.code.clone(), (rr, cn));
                    match part.value {
                        Some(v) => ws.write_number_with_format(rr, cn, v as f64, &st.int)?,
                        None => ws.write_string_with_format(rr, cn, NO_DATA, &st.center)?,
                    }
                }
                Col::Share => ws.write_string_with_format(rr, cn, role.label(), &st.center)?,
                Col::Responsible => fit.put(&mut ws, rr, cn, part.responsible.join(", "), &st.wrap)?,
                Col::Works => fit.put(&mut ws, rr, cn, part_location(r, &part.code), &st.wrap)?,
                Col::Sources => fit.put(&mut ws, rr, cn, &part.source, &st.wrap)?,
                _ => ws.write_blank(rr, cn, &st.text)?,
            };
        }
    }
    let parts_end = parts_header + parts.len() as RowNum;

    // The plan table.
    ws.write_string_with_format(
        plan_header - 1,
        0,
        format!("План на {} год и необходимые шаги", r.meta.year),
        &st.heading,
    )?;
    let mut headers = Vec::new();
    for col in &lay.cols {
        headers.push(match col {
            Col::Name => "Показатель".to_string(),
            Col::Criterion => "Критерий".into(),
            Col::Unit => "Ед. изм.".into(),
            Col::Value => "Значение".into(),
            Col::Base => "Расчётная база".into(),
            Col::Share => "Доля".into(),
            Col::Threshold => "Порог".into(),
            Col::Points => {
                if criteria {
                    "Баллы критерия".into()
                } else {
                    "Баллы по шкале".into()
                }
            }
            Col::Target => format!("План {}", r.meta.year),
            Col::Gap => "Отставание от плана".into(),
            Col::Responsible => "Ответственные".into(),
            Col::Works => "Необходимые работы".into(),
            Col::Sources => "Источник данных".into(),
        });
    }
    ws.set_row_height(plan_header, 30)?;
    // The criteria table's points cells, by criterion id.
    let criterion_rows: BTreeMap<&str, RowNum> = c
        .criteria
        .iter()
        .enumerate()
        .map(|(i, cr)| (cr.id.as_str(), block_header + 1 + i as RowNum))
        .collect();
    const CRIT_POINTS: ColNum = 5;
    const CRIT_MET: ColNum = 4;
    for (i, p) in c.rows.iter().enumerate() {
        let rr = plan_first + i as RowNum;
        let v = a1(rr, lay.col(Col::Value));
        let b = a1(rr, lay.col(Col::Base));
        let has_data = p.value.is_some() && p.base.is_some();
        for col in &lay.cols {
            let cn = lay.col(*col);
            match col {
                Col::Name => {
                    fit.put(&mut ws, rr, cn, &p.name, &st.wrap)?;
                }
                Col::Criterion => {
                    let short = c
                        .criteria
                        .iter()
                        .find(|cr| Some(&cr.id) == p.criterion.as_ref())
                        .map(|cr| cr.short.as_str())
                        .unwrap_or("");
                    ws.write_string_with_format(rr, cn, short, &st.center)?;
                }
                Col::Unit => {
                    ws.write_string_with_format(rr, cn, &p.unit, &st.center)?;
                }
                Col::Value => sum_cell(&mut ws, st, rr, cn, p.value, &p.numerator_parts, &cells)?,
                Col::Base => sum_cell(&mut ws, st, rr, cn, p.base, &p.base_parts, &cells)?,
                Col::Share => {
                    if has_data {
                        let res = match p.share_exact {
                            Some([n, d]) => Res::Num(n as f64 / d as f64),
                            None => Res::text(NO_DATA),
                        };
                        write_formula(
                            &mut ws,
                            rr,
                            cn,
                            &format!("=IF({b}=0,{},{v}/{b})", lit(NO_DATA)),
                            res,
                            &st.pct,
                        )?;
                    } else {
                        ws.write_string_with_format(rr, cn, NO_DATA, &st.text)?;
                    }
                }
                Col::Threshold => {
                    let t = if p.threshold.is_empty() {
                        if criteria {
                            p.levels.first().map(|l| l.threshold.as_str()).unwrap_or(DASH)
                        } else {
                            DASH
                        }
                    } else {
                        p.threshold.as_str()
                    };
                    ws.write_string_with_format(rr, cn, t, &st.center)?;
                }
                Col::Points => {
                    if criteria {
                        let cr = c.criteria.iter().find(|cr| Some(&cr.id) == p.criterion.as_ref());
                        match (cr, p.criterion.as_deref().and_then(|id| criterion_rows.get(id))) {
                            (Some(cr), Some(crow)) => write_formula(
                                &mut ws,
                                rr,
                                cn,
                                &format!("={}", a1(*crow, CRIT_POINTS)),
                                criterion_points(cr.passed, cr.points),
                                &st.points,
                            )?,
                            _ => {
                                ws.write_string_with_format(rr, cn, DASH, &st.center)?;
                            }
                        }
                    } else if has_data {
                        let mut f = "0".to_string();
                        for l in &p.levels {
                            f = format!("IF({},{},{f})", meets(&v, &b, l), l.points);
                        }
                        let stored = if p.share_exact.is_none() {
                            Res::text(NO_DATA)
                        } else {
                            Res::Num(f64::from(
                                p.levels.iter().rev().find(|l| l.reached).map(|l| l.points).unwrap_or(0),
                            ))
                        };
                        write_formula(
                            &mut ws,
                            rr,
                            cn,
                            &format!("=IF({b}=0,{},{f})", lit(NO_DATA)),
                            stored,
                            &st.points,
                        )?;
                    } else {
                        ws.write_string_with_format(rr, cn, NO_DATA, &st.center)?;
                    }
                }
                Col::Target => match (target_level(p), p.target) {
                    (Some(l), Some(t)) => {
                        write_formula(&mut ws, rr, cn, &format!("={}", min_count(&b, l)), Res::int(t), &st.int)?;
                    }
                    // No plan: met, or no minimum (—); no base (нет данных).
                    _ => {
                        let text = if p.threshold.is_empty() { DASH } else { NO_DATA };
                        ws.write_string_with_format(rr, cn, text, &st.center)?;
                    }
                },
                Col::Gap => match (target_level(p), p.target, p.gap) {
                    (Some(_), Some(_), Some(g)) => {
                        let t = a1(rr, lay.col(Col::Target));
                        write_formula(&mut ws, rr, cn, &format!("=MAX(0,{t}-{v})"), Res::int(g), &st.int)?;
                    }
                    _ => {
                        let text = if p.threshold.is_empty() { DASH } else { NO_DATA };
                        ws.write_string_with_format(rr, cn, text, &st.center)?;
                    }
                },
                Col::Responsible => {
                    fit.put(&mut ws, rr, cn, p.responsible.join(", "), &st.wrap)?;
                }
                Col::Works => {
                    fit.put(&mut ws, rr, cn, &p.works, &st.wrap)?;
                }
                Col::Sources => {
                    fit.put(&mut ws, rr, cn, p.sources.join(", "), &st.wrap)?;
                }
            }
        }
    }
    if c.rows.is_empty() {
        ws.write_string_with_format(plan_first, 0, "Показатели не заданы методикой", &st.text)?;
    }
    add_table(
        &mut ws,
        st,
        &table_name("Plan", &c.id),
        plan_header,
        plan_last,
        &headers,
        true,
    )?;

    // The scale or the criteria.
    let mut component_formula: Option<String> = None;
    if criteria {
        ws.write_string_with_format(
            block_heading,
            0,
            "Критерии компонента (баллы складываются)",
            &st.heading,
        )?;
        let ccols = [
            "Критерий",
            "Кратко",
            "Порог",
            "Баллы при выполнении",
            "Выполнен",
            "Баллы",
        ];
        for (i, h) in ccols.iter().enumerate() {
            ws.write_string_with_format(block_header, i as ColNum, *h, &st.header)?;
        }
        ws.set_row_height(block_header, 30)?;
        let mut all_formulas = true;
        for (i, cr) in c.criteria.iter().enumerate() {
            let rr = block_header + 1 + i as RowNum;
            fit.put(&mut ws, rr, 0, &cr.name, &st.wrap)?;
            ws.write_string_with_format(rr, 1, &cr.short, &st.center)?;
            ws.write_string_with_format(rr, 2, &cr.threshold, &st.center)?;
            ws.write_number_with_format(rr, 3, f64::from(cr.points), &st.points)?;
            // The criterion is met when each of its rows meets its threshold.
            let rows: Vec<(usize, &PlanRow)> = c
                .rows
                .iter()
                .enumerate()
                .filter(|(_, p)| p.criterion.as_deref() == Some(cr.id.as_str()))
                .collect();
            let all_here = full.is_none_or(|f| {
                f.rows
                    .iter()
                    .filter(|p| p.criterion.as_deref() == Some(cr.id.as_str()))
                    .count()
                    == rows.len()
            });
            let complete = !rows.is_empty()
                && all_here
                && rows
                    .iter()
                    .all(|(_, p)| p.value.is_some() && p.base.is_some() && !p.levels.is_empty());
            if complete {
                let refs: Vec<(String, String, &LevelView)> = rows
                    .iter()
                    .map(|(j, p)| {
                        let pr = plan_first + *j as RowNum;
                        (a1(pr, lay.col(Col::Value)), a1(pr, lay.col(Col::Base)), &p.levels[0])
                    })
                    .collect();
                let zero = join_fn("OR", refs.iter().map(|(_, b, _)| format!("{b}=0")).collect());
                let met = join_fn("AND", refs.iter().map(|(v, b, l)| meets(v, b, l)).collect());
                write_formula(
                    &mut ws,
                    rr,
                    CRIT_MET,
                    &format!(
                        "=IF({zero},{},IF({met},{},{}))",
                        lit(NO_DATA),
                        lit("выполнен"),
                        lit("не выполнен")
                    ),
                    Res::text(&cr.status_label),
                    &st.center,
                )?;
            } else {
                all_formulas = false;
                ws.write_string_with_format(rr, CRIT_MET, &cr.status_label, &st.center)?;
            }
            let met_cell = a1(rr, CRIT_MET);
            write_formula(
                &mut ws,
                rr,
                CRIT_POINTS,
                &format!(
                    "=IF({met_cell}={},{},IF({met_cell}={},0,{}))",
                    lit("выполнен"),
                    a1(rr, 3),
                    lit("не выполнен"),
                    lit(NO_DATA)
                ),
                criterion_points(cr.passed, cr.points),
                &st.points,
            )?;
        }
        let first = block_header + 1;
        let last = block_header + c.criteria.len() as RowNum;
        text_fills(
            &mut ws,
            first,
            last,
            CRIT_MET,
            &[("выполнен", &st.green), ("не выполнен", &st.red), (NO_DATA, &st.yellow)],
        )?;
        if c.points.is_some() && all_formulas {
            component_formula = Some(format!("SUM({}:{})", a1(first, CRIT_POINTS), a1(last, CRIT_POINTS)));
        }
    } else if let Some(p) = c.rows.first() {
        ws.write_string_with_format(
            block_heading,
            0,
            "Шкала баллов: сколько нужно для каждой полосы",
            &st.heading,
        )?;
        let scols = [
            "Полоса шкалы".to_string(),
            "Порог".into(),
            "Баллы".into(),
            format!("Нужно для полосы, {}", p.unit),
            "Отставание".into(),
            "Достигнута".into(),
        ];
        for (i, h) in scols.iter().enumerate() {
            ws.write_string_with_format(block_header, i as ColNum, h, &st.header)?;
        }
        ws.set_row_height(block_header, 30)?;
        let pr = plan_first;
        let v = a1(pr, lay.col(Col::Value));
        let b = a1(pr, lay.col(Col::Base));
        for (i, l) in p.levels.iter().enumerate() {
            let rr = block_header + 1 + i as RowNum;
            let label = c.scale.get(i).map(|s| s.label.as_str()).unwrap_or(l.threshold.as_str());
            ws.write_string_with_format(rr, 0, label, &st.text)?;
            ws.write_string_with_format(rr, 1, &l.threshold, &st.center)?;
            ws.write_number_with_format(rr, 2, f64::from(l.points), &st.points)?;
            match l.count {
                Some(n) => write_formula(&mut ws, rr, 3, &format!("={}", min_count(&b, l)), Res::int(n), &st.int)?,
                None => {
                    ws.write_string_with_format(rr, 3, NO_DATA, &st.center)?;
                }
            }
            match (l.count, l.gap) {
                (Some(_), Some(g)) => write_formula(
                    &mut ws,
                    rr,
                    4,
                    &format!("=MAX(0,{}-{v})", a1(rr, 3)),
                    Res::int(g),
                    &st.int,
                )?,
                _ => {
                    ws.write_string_with_format(rr, 4, NO_DATA, &st.center)?;
                }
            }
            if p.value.is_some() && p.base.is_some() {
                let stored = if p.share_exact.is_none() {
                    NO_DATA
                } else if l.reached {
                    "да"
                } else {
                    "нет"
                };
                write_formula(
                    &mut ws,
                    rr,
                    5,
                    &format!(
                        "=IF({b}=0,{},IF({},{},{}))",
                        lit(NO_DATA),
                        meets(&v, &b, l),
                        lit("да"),
                        lit("нет")
                    ),
                    Res::text(stored),
                    &st.center,
                )?;
            } else {
                ws.write_string_with_format(rr, 5, NO_DATA, &st.center)?;
            }
        }
        if !p.levels.is_empty() {
            let first = block_header + 1;
            let last = block_header + p.levels.len() as RowNum;
            text_fills(&mut ws, first, last, 5, &[("да", &st.green), ("нет", &st.red)])?;
        }
        if c.points.is_some() && p.value.is_some() && p.base.is_some() && !partial {
            component_formula = Some(a1(pr, lay.col(Col::Points)));
        }
    }

    // The component's points.
    let points_fmt = st.total.clone().set_align(FormatAlign::Center);
    match (component_formula, c.points) {
        (Some(f), Some(pts)) => {
            let f = match &gate_cell {
                Some(g) => format!("=IF({g}={},0,{f})", lit("нет")),
                None => format!("={f}"),
            };
            write_formula(
                &mut ws,
                POINTS_ROW,
                POINTS_COL,
                &f,
                Res::Num(f64::from(pts)),
                &points_fmt,
            )?;
        }
        (_, Some(pts)) => {
            ws.write_number_with_format(POINTS_ROW, POINTS_COL, f64::from(pts), &points_fmt)?;
            if partial {
                ws.write_string_with_format(POINTS_ROW, 3, REGION_VALUE_NOTE, &st.note)?;
            }
        }
        (_, None) => {
            ws.write_string_with_format(POINTS_ROW, POINTS_COL, NO_DATA, &st.value)?;
        }
    }

    // The component's description.
    let mut row = parts_end + 2;
    ws.write_string_with_format(row, 0, "Методика", &st.heading)?;
    row += 1;
    for (label, text) in [
        ("Описание", c.description.clone()),
        ("Критерии", c.criteria_text.join("; ")),
        ("В расчёт входят", c.includes.join("; ")),
        ("Метод расчёта", c.method.clone()),
    ] {
        if !text.is_empty() {
            merged_text(&mut ws, st, &lay, &mut fit, row, label, &text)?;
            row += 1;
        }
    }

    fit.apply(&mut ws)?;
    ws.set_freeze_panes(plan_header + 1, 0)?;
    page_setup(&mut ws, st, Some((plan_header, plan_header)))?;
    Ok((ws, sheet_ref(&c.label, POINTS_ROW, POINTS_COL)))
}

/// `OR(a,b)`, or `a` alone.
fn join_fn(name: &str, items: Vec<String>) -> String {
    if items.len() == 1 {
        items.into_iter().next().unwrap_or_default()
    } else {
        format!("{name}({})", items.join(","))
    }
}

fn criterion_points(passed: Option<bool>, points: u32) -> Res {
    match passed {
        Some(true) => Res::Num(f64::from(points)),
        Some(false) => Res::Num(0.0),
        None => Res::text(NO_DATA),
    }
}

/// The level of the plan's target (the one giving the required minimum).
fn target_level(p: &PlanRow) -> Option<&LevelView> {
    let t = p.target?;
    p.levels
        .iter()
        .find(|l| l.count == Some(t) && l.threshold == p.threshold)
}

/// A label in column A, a wrapped text merged over the other columns.
fn merged_text(
    ws: &mut Worksheet,
    st: &Styles,
    lay: &Layout,
    fit: &mut Fit,
    row: RowNum,
    label: &str,
    text: &str,
) -> Result<(), XlsxError> {
    ws.write_string_with_format(row, 0, label, &st.label)?;
    ws.merge_range(row, 1, row, lay.last(), text, &st.long)?;
    fit.need(row, lay.width_from(1), text);
    Ok(())
}

/// A value or base cell of the plan: the sum of its input cells.
fn sum_cell(
    ws: &mut Worksheet,
    st: &Styles,
    row: RowNum,
    col: ColNum,
    value: Option<u64>,
    parts: &[PartView],
    cells: &PartCells,
) -> Result<(), XlsxError> {
    let refs: Option<Vec<String>> = parts
        .iter()
        .map(|p| cells.get(&p.code).map(|(r, c)| a1(*r, *c)))
        .collect();
    match (value, refs) {
        (Some(v), Some(refs)) if !refs.is_empty() && parts.iter().all(|p| p.value.is_some()) => {
            write_formula(ws, row, col, &format!("={}", refs.join("+")), Res::int(v), &st.int)
        }
        (v, _) => write_int(ws, row, col, v, &st.int, &st.center),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Numerator,
    Base,
    Info,
}

impl Role {
    fn label(self) -> &'static str {
        match self {
            Role::Numerator => "числитель",
            Role::Base => "база",
            Role::Info => "для справки",
        }
    }
}

/// The component's input values, once each, in the order of the plan rows:
/// (part, role, criterion short name, unit).
fn part_rows(c: &ComponentView) -> Vec<(PartView, Role, String, String)> {
    let mut out: Vec<(PartView, Role, String, String)> = Vec::new();
    for p in &c.rows {
        let short = c
            .criteria
            .iter()
            .find(|cr| Some(&cr.id) == p.criterion.as_ref())
            .map(|cr| cr.short.clone())
            .unwrap_or_default();
        for (parts, role) in [
            (&p.numerator_parts, Role::Numerator),
            (&p.base_parts, Role::Base),
            (&p.info, Role::Info),
        ] {
            for part in parts {
                if !out.iter().any(|(q, _, _, _)| q.code == part.code) {
                    out.push((part.clone(), role, short.clone(), p.unit.clone()));
                }
            }
        }
    }
    out
}

/// `k1.active_audience · submissions/…/max_platform.xlsx, «Показатели», E10`.
fn part_location(r: &Report, code: &str) -> String {
    match r.sources.iter().find(|s| s.code == code) {
        Some(s) => {
            let mut at = format!("{code} · {}", s.file);
            if !s.sheet.is_empty() {
                at.push_str(&format!(", «{}»", s.sheet));
            }
            if !s.cell.is_empty() {
                at.push_str(&format!(", {}", s.cell));
            }
            at
        }
        None => format!("{code} · не представлен"),
    }
}

// ------------------------------------------------------------ list sheets

/// Header row of the list sheets (after the title, subtitle and a blank).
const LIST_HEADER: RowNum = 3;

fn list_sheet(name: &str, widths: &[f64], st: &Styles, r: &Report, title: &str) -> Result<(Worksheet, Fit), XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(name)?;
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(i as ColNum, *w)?;
    }
    title_rows(&mut ws, st, r, title)?;
    ws.set_row_height(LIST_HEADER, 30)?;
    ws.set_freeze_panes(LIST_HEADER + 1, 0)?;
    page_setup(&mut ws, st, Some((LIST_HEADER, LIST_HEADER)))?;
    Ok((ws, Fit::new(widths)))
}

fn results_sheet(r: &Report, st: &Styles) -> Result<Option<Worksheet>, XlsxError> {
    let Some(res) = &r.results else {
        return Ok(None);
    };
    let (mut ws, mut fit) = list_sheet(
        &format!("Итоги {}", res.year),
        &[6.0, 70.0, 24.0, 50.0],
        st,
        r,
        &format!("Подведение итогов {} года", res.year),
    )?;
    for (i, m) in res.measures.iter().enumerate() {
        let rr = LIST_HEADER + 1 + i as RowNum;
        ws.write_number_with_format(rr, 0, (i + 1) as f64, &st.center)?;
        fit.put(&mut ws, rr, 1, &m.title, &st.wrap)?;
        ws.write_string_with_format(rr, 2, &m.status_label, &st.center)?;
        fit.put(&mut ws, rr, 3, &m.responsible_text, &st.wrap)?;
    }
    let headers: Vec<String> = ["№", "Мероприятие", "Статус", "Ответственные"]
        .map(String::from)
        .to_vec();
    if res.measures.is_empty() {
        ws.write_string_with_format(LIST_HEADER + 1, 0, "Мероприятий нет", &st.note)?;
    } else {
        let last = LIST_HEADER + res.measures.len() as RowNum;
        add_table(
            &mut ws,
            st,
            &table_name("Results", &res.year.to_string()),
            LIST_HEADER,
            last,
            &headers,
            true,
        )?;
        use crate::region::MeasureStatus;
        text_fills(
            &mut ws,
            LIST_HEADER + 1,
            last,
            2,
            &[
                (MeasureStatus::Done.label(), &st.green),
                (MeasureStatus::Partial.label(), &st.yellow),
                (MeasureStatus::NotDone.label(), &st.red),
            ],
        )?;
    }
    fit.apply(&mut ws)?;
    Ok(Some(ws))
}

fn sources_sheet(r: &Report, st: &Styles) -> Result<Worksheet, XlsxError> {
    let (mut ws, mut fit) = list_sheet(
        "Источники",
        &[6.0, 38.0, 50.0, 9.0, 13.0, 36.0, 14.0, 9.0, 36.0, 28.0],
        st,
        r,
        "Источники: каждое значение из форм с файлом, листом и ячейкой",
    )?;
    for (i, s) in r.sources.iter().enumerate() {
        let rr = LIST_HEADER + 1 + i as RowNum;
        ws.write_number_with_format(rr, 0, (i + 1) as f64, &st.center)?;
        ws.write_string_with_format(rr, 1, &s.code, &st.text)?;
        fit.put(&mut ws, rr, 2, &s.name, &st.wrap)?;
        ws.write_string_with_format(rr, 3, &s.unit, &st.center)?;
        ws.write_number_with_format(rr, 4, s.value as f64, &st.int)?;
        fit.put(&mut ws, rr, 5, &s.file, &st.wrap)?;
        ws.write_string_with_format(rr, 6, &s.sheet, &st.text)?;
        ws.write_string_with_format(rr, 7, &s.cell, &st.center)?;
        fit.put(&mut ws, rr, 8, &s.body, &st.wrap)?;
        fit.put(&mut ws, rr, 9, &s.source, &st.wrap)?;
    }
    let headers: Vec<String> = [
        "№",
        "Код",
        "Показатель",
        "Ед. изм.",
        "Значение",
        "Файл",
        "Лист",
        "Ячейка",
        "Представивший орган",
        "Источник данных",
    ]
    .map(String::from)
    .to_vec();
    if r.sources.is_empty() {
        ws.write_string_with_format(LIST_HEADER, 0, "Значений не прочитано", &st.note)?;
    } else {
        add_table(
            &mut ws,
            st,
            "Sources",
            LIST_HEADER,
            LIST_HEADER + r.sources.len() as RowNum,
            &headers,
            true,
        )?;
    }
    fit.apply(&mut ws)?;
    Ok(ws)
}

fn remarks_sheet(r: &Report, st: &Styles) -> Result<Worksheet, XlsxError> {
    let (mut ws, mut fit) = list_sheet(
        "Замечания",
        &[6.0, 18.0, 36.0, 14.0, 9.0, 90.0],
        st,
        r,
        "Замечания к исходным данным и расчёту",
    )?;
    if r.diagnostics.is_empty() {
        ws.write_string_with_format(LIST_HEADER, 0, "Замечаний нет", &st.label)?;
        return Ok(ws);
    }
    for (i, d) in r.diagnostics.iter().enumerate() {
        let rr = LIST_HEADER + 1 + i as RowNum;
        ws.write_number_with_format(rr, 0, (i + 1) as f64, &st.center)?;
        ws.write_string_with_format(rr, 1, &d.severity_label, &st.center)?;
        fit.put(&mut ws, rr, 2, &d.file, &st.wrap)?;
        ws.write_string_with_format(rr, 3, &d.sheet, &st.text)?;
        ws.write_string_with_format(rr, 4, &d.cell, &st.center)?;
        fit.put(&mut ws, rr, 5, &d.message, &st.wrap)?;
    }
    let last = LIST_HEADER + r.diagnostics.len() as RowNum;
    let headers: Vec<String> = ["№", "Вид", "Файл", "Лист", "Ячейка", "Замечание"]
        .map(String::from)
        .to_vec();
    add_table(&mut ws, st, "Remarks", LIST_HEADER, last, &headers, true)?;
    text_fills(
        &mut ws,
        LIST_HEADER + 1,
        last,
        1,
        &[
            (crate::diag::Severity::Error.label(), &st.red),
            (crate::diag::Severity::Warning.label(), &st.yellow),
        ],
    )?;
    fit.apply(&mut ws)?;
    Ok(ws)
}
