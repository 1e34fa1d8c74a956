//! The sheet «Сбор форм»: one row per body that owes a form — its status,
//! forms and their «Дата», the codes owed, received, missing and wrong, the
//! first error — under the due date and the summary line. The same rows as
//! `status` and `collection` in rating.json; the date is compared with the
//! due date, never with the clock.

use rust_xlsxwriter::{RowNum, Worksheet, XlsxError};

use super::layout::{add_table, text_fills};
use super::lists::{LIST_HEADER, list_sheet};
use super::styles::Styles;
use crate::collection::FormStatus;
use crate::report::Report;

const HEADERS: [&str; 11] = [
    "№",
    "Орган",
    "Статус",
    "Форма",
    "Дата формы",
    "После срока",
    "Кодов",
    "Получено",
    "Нет данных",
    "С ошибками",
    "Первая ошибка",
];

pub(super) fn collection_sheet(r: &Report, st: &Styles) -> Result<Option<Worksheet>, XlsxError> {
    let c = &r.collection;
    if c.rows.is_empty() {
        return Ok(None);
    }
    let (mut ws, mut fit) = list_sheet(
        "Сбор форм",
        &[6.0, 30.0, 13.0, 26.0, 12.0, 10.0, 8.0, 10.0, 34.0, 30.0, 60.0],
        st,
        r,
        "Сбор форм: кто представил сведения",
    )?;
    let due = if c.due_text.is_empty() {
        "срок представления не задан ([collection] due в region.toml)".to_string()
    } else {
        format!("срок представления: {}", c.due_text)
    };
    ws.write_string_with_format(2, 0, format!("{}; {}", c.summary, due), &st.note)?;
    for (i, row) in c.rows.iter().enumerate() {
        let rr = LIST_HEADER + 1 + i as RowNum;
        ws.write_number_with_format(rr, 0, (i + 1) as f64, &st.center)?;
        fit.put(&mut ws, rr, 1, &row.name, &st.wrap)?;
        ws.write_string_with_format(rr, 2, &row.status_label, &st.center)?;
        fit.put(&mut ws, rr, 3, &row.files_text, &st.wrap)?;
        ws.write_string_with_format(rr, 4, &row.dates_text, &st.center)?;
        ws.write_string_with_format(rr, 5, if row.late { "да" } else { "нет" }, &st.center)?;
        ws.write_number_with_format(rr, 6, row.owed.len() as f64, &st.int)?;
        ws.write_number_with_format(rr, 7, row.received.len() as f64, &st.int)?;
        fit.put(&mut ws, rr, 8, &row.missing_text, &st.wrap)?;
        fit.put(&mut ws, rr, 9, &row.errors_text, &st.wrap)?;
        fit.put(&mut ws, rr, 10, &row.first_error, &st.wrap)?;
    }
    let last = LIST_HEADER + c.rows.len() as RowNum;
    let headers: Vec<String> = HEADERS.map(String::from).to_vec();
    add_table(&mut ws, st, "Collection", LIST_HEADER, last, &headers, true)?;
    text_fills(
        &mut ws,
        LIST_HEADER + 1,
        last,
        2,
        &[
            (FormStatus::Received.label(), &st.green),
            (FormStatus::Partial.label(), &st.yellow),
            (FormStatus::NoForm.label(), &st.red),
            (FormStatus::Errors.label(), &st.red),
        ],
    )?;
    text_fills(&mut ws, LIST_HEADER + 1, last, 5, &[("да", &st.yellow)])?;
    fit.apply(&mut ws)?;
    Ok(Some(ws))
}
