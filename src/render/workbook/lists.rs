//! The list sheets: «Итоги <год>», «Источники», «Замечания».

use rust_xlsxwriter::{ColNum, RowNum, Worksheet, XlsxError};

use super::layout::{Fit, add_table, page_setup, table_name, text_fills, title_rows};
use super::styles::Styles;
use crate::report::Report;

/// Header row of the list sheets (after the title, subtitle and a blank).
pub(super) const LIST_HEADER: RowNum = 3;

pub(super) fn list_sheet(
    name: &str,
    widths: &[f64],
    st: &Styles,
    r: &Report,
    title: &str,
) -> Result<(Worksheet, Fit), XlsxError> {
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

pub(super) fn results_sheet(r: &Report, st: &Styles) -> Result<Option<Worksheet>, XlsxError> {
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

pub(super) fn sources_sheet(r: &Report, st: &Styles) -> Result<Worksheet, XlsxError> {
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

pub(super) fn remarks_sheet(r: &Report, st: &Styles) -> Result<Worksheet, XlsxError> {
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
