//! The federal ranking of `batch`: `ranking.xlsx` (its header row is the
//! one `regions.xlsx` expects, so the file can serve as a region's
//! `regions.xlsx`) and `ranking.pdf` (Typst template `ranking.typ`, data
//! served as the virtual `data.json`).

use rust_xlsxwriter::{DocProperties, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use serde_json::json;

use super::typst::{Fonts, PdfOpts};
use super::{DATA_JSON, OutputFile, RenderError, Rendered, TemplateSet, json_bytes};
use crate::layout::{RANKING_PDF, RANKING_XLSX};
use crate::report::{FederalRanking, RankRow};

/// The main template of the ranking document.
pub const RANKING_MAIN: &str = "ranking.typ";

/// Both files of the ranking.
pub fn render(r: &FederalRanking, set: &TemplateSet, fonts: &Fonts, pdfa: bool) -> Result<Rendered, RenderError> {
    let xlsx = xlsx(r).map_err(|e| RenderError::workbook(RANKING_XLSX, e))?;
    let data = json_bytes(DATA_JSON, &data(r))?;
    let opts = PdfOpts {
        title: r.title(),
        author: "max-rating".into(),
        date: r.date,
        pdfa,
        ident: "max-rating-ranking".into(),
    };
    let pdf = super::compile_pdf(set, fonts, RANKING_MAIN, data, &opts)?;
    Ok(Rendered {
        files: vec![
            OutputFile::new(RANKING_XLSX, xlsx),
            OutputFile::new(RANKING_PDF, pdf.pdf),
        ],
        warnings: pdf.warnings,
    })
}

/// The data of `ranking.typ` (`data.json`): `ranking`, plus `report.bands`
/// and `texts` as `theme.typ` expects them.
pub fn data(r: &FederalRanking) -> serde_json::Value {
    let (y, m, d) = r.date;
    json!({
        "report": { "bands": r.bands },
        "texts": {
            "document_title": r.title(),
            "document_author": "max-rating",
            "title": "Рейтинг внедрения МАХ по субъектам Российской Федерации",
            "subtitle": r.period_label,
            "date": crate::fmt::date(y, m, d),
            "footer": format!("Рейтинг внедрения МАХ · {}", r.period_label),
            "table_title": format!("Рейтинг регионов — {}", r.period_label),
        },
        "ranking": r,
    })
}

/// The formats of the ranking sheet.
struct Styles {
    title: Format,
    note: Format,
    head: Format,
    center: Format,
    name: Format,
    total: Format,
}

impl Styles {
    fn new() -> Styles {
        let cell = Format::new().set_border(FormatBorder::Thin).set_border_color("#CDD3DF");
        let center = cell.clone().set_align(FormatAlign::Center);
        Styles {
            title: Format::new().set_bold().set_font_size(14).set_font_color("#1F3B82"),
            note: Format::new().set_italic().set_font_color("#5E6778"),
            head: Format::new()
                .set_bold()
                .set_font_color("#FFFFFF")
                .set_background_color("#1F3B82")
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_text_wrap()
                .set_border(FormatBorder::Thin)
                .set_border_color("#CDD3DF"),
            name: cell.set_text_wrap(),
            total: center.clone().set_bold(),
            center,
        }
    }
}

/// The header row (4th): Место, Регион, К1…К4, Итого, Зона.
const HEADER_ROW: u32 = 3;

/// The ranking as a workbook: Место, Регион, К1…К4, Итого, Зона.
pub fn xlsx(r: &FederalRanking) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let created = super::workbook::excel_date(r.date)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(r.title())
            .set_creation_datetime(&created),
    );
    let st = Styles::new();
    let ws = wb.add_worksheet();
    ws.set_name("Рейтинг")?;
    ws.write_string_with_format(0, 0, r.title(), &st.title)?;
    ws.write_string_with_format(
        1,
        0,
        format!(
            "Регионов в рейтинге: {}; максимум {} баллов. Равные суммы делят место.",
            r.ranking.count, r.total_max
        ),
        &st.note,
    )?;
    let columns = &r.ranking.columns;
    let mut headers: Vec<String> = vec!["Место".into(), "Регион".into()];
    headers.extend(columns.iter().cloned());
    headers.push("Итого".into());
    headers.push("Зона".into());
    for (i, h) in headers.iter().enumerate() {
        ws.write_string_with_format(HEADER_ROW, i as u16, h, &st.head)?;
    }
    ws.set_row_height(HEADER_ROW, 22)?;
    ws.set_column_width(0, 8)?;
    ws.set_column_width(1, 46)?;
    let ncomp = columns.len() as u16;
    for c in 0..ncomp {
        ws.set_column_width(2 + c, 7)?;
    }
    ws.set_column_width(2 + ncomp, 9)?;
    ws.set_column_width(3 + ncomp, 16)?;
    for (i, row) in r.ranking.rows.iter().enumerate() {
        rank_row(ws, &st, HEADER_ROW + 1 + i as u32, row)?;
    }
    ws.set_freeze_panes(HEADER_ROW + 1, 2)?;
    if !r.ranking.rows.is_empty() {
        ws.autofilter(HEADER_ROW, 0, HEADER_ROW + r.ranking.rows.len() as u32, 3 + ncomp)?;
    }
    wb.save_to_buffer()
}

fn rank_row(ws: &mut Worksheet, st: &Styles, n: u32, row: &RankRow) -> Result<(), XlsxError> {
    ws.write_number_with_format(n, 0, row.rank as f64, &st.center)?;
    ws.write_string_with_format(n, 1, &row.region, &st.name)?;
    let ncomp = row.points.len() as u16;
    for (c, p) in row.points.iter().enumerate() {
        let col = 2 + c as u16;
        match p {
            Some(p) => ws.write_number_with_format(n, col, *p, &st.center)?,
            None => ws.write_string_with_format(n, col, "—", &st.center)?,
        };
    }
    ws.write_number_with_format(n, 2 + ncomp, row.total, &st.total)?;
    if let Some(b) = &row.band {
        let band = st
            .center
            .clone()
            .set_background_color(light(&b.color).as_str())
            .set_font_color(b.color.as_str());
        ws.write_string_with_format(n, 3 + ncomp, &b.name, &band)?;
    }
    Ok(())
}

/// A blank `regions.xlsx` for a new workspace: the header the deck reads
/// (Регион, К1…К4, Итого) and a row for each subject of the Russian
/// Federation, the figures to be filled in (a region left empty is not
/// ranked).
pub fn blank_regions() -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let created = super::workbook::excel_date((2026, 1, 1))?;
    wb.set_properties(
        &DocProperties::new()
            .set_title("Рейтинг регионов для слайда презентации")
            .set_creation_datetime(&created),
    );
    let st = Styles::new();
    let ws = wb.add_worksheet();
    ws.set_name("Рейтинг")?;
    ws.write_string_with_format(
        0,
        0,
        "Рейтинг регионов (заполните баллы; пустые строки не учитываются)",
        &st.title,
    )?;
    ws.write_string_with_format(
        1,
        0,
        "Источник: федеральный рейтинг (можно подставить ranking.xlsx, который пишет max-rating batch)",
        &st.note,
    )?;
    let headers = ["Регион", "К1", "К2", "К3", "К4", "Итого"];
    for (i, h) in headers.iter().enumerate() {
        ws.write_string_with_format(HEADER_ROW, i as u16, *h, &st.head)?;
        ws.set_column_width(i as u16, if i == 0 { 46 } else { 8 })?;
    }
    for (i, name) in crate::subjects::SUBJECTS.iter().enumerate() {
        let row = HEADER_ROW + 1 + i as u32;
        ws.write_string_with_format(row, 0, *name, &st.name)?;
        for c in 1..headers.len() as u16 {
            ws.write_blank(row, c, &st.center)?;
        }
    }
    ws.set_freeze_panes(HEADER_ROW + 1, 1)?;
    wb.save_to_buffer()
}

/// A colour lightened towards white (80 %), for a band's cell fill.
fn light(hex: &str) -> String {
    let h = hex.trim_start_matches('#');
    if h.len() != 6 || !h.is_ascii() {
        return "#FFFFFF".into();
    }
    let ch = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).unwrap_or(255);
    let mix = |c: u8| 255 - ((255 - u32::from(c)) * 20 / 100) as u8;
    format!("#{:02X}{:02X}{:02X}", mix(ch(0)), mix(ch(2)), mix(ch(4)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn light_colours() {
        assert_eq!(light("#000000"), "#CCCCCC");
        assert_eq!(light("#FFFFFF"), "#FFFFFF");
        assert_eq!(light("bad"), "#FFFFFF");
    }
}
