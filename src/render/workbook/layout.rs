//! Page layout and sheet furniture: print setup, tables, conditional
//! fills, titles, and the row heights of wrapped texts.

use std::collections::BTreeMap;

use rust_xlsxwriter::{
    ColNum, ConditionalFormatFormula, Format, RowNum, Table, TableColumn, TableStyle, Worksheet, XlsxError,
};

use super::formula::{a1, lit};
use super::styles::Styles;
use crate::report::Report;

/// Conditional fills of a text column: each (text, format).
pub(super) fn text_fills(
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
pub(super) fn page_setup(ws: &mut Worksheet, st: &Styles, repeat: Option<(RowNum, RowNum)>) -> Result<(), XlsxError> {
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
pub(super) fn add_table(
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
pub(super) fn table_name(prefix: &str, id: &str) -> String {
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
pub(super) struct Fit {
    widths: Vec<f64>,
    lines: BTreeMap<RowNum, usize>,
}

impl Fit {
    pub fn new(widths: &[f64]) -> Fit {
        Fit {
            widths: widths.to_vec(),
            lines: BTreeMap::new(),
        }
    }

    pub fn need(&mut self, row: RowNum, width: f64, text: &str) {
        let n = line_count(text, width);
        let e = self.lines.entry(row).or_insert(1);
        *e = (*e).max(n);
    }

    /// Writes a wrapped text and notes its height.
    pub fn put<'a>(
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
    pub fn apply(&self, ws: &mut Worksheet) -> Result<(), XlsxError> {
        for (row, n) in &self.lines {
            if *n > 1 {
                ws.set_row_height(*row, 15.0 * *n as f64 + 1.0)?;
            }
        }
        Ok(())
    }
}

/// Title and subtitle rows (0 and 1).
pub(super) fn title_rows(ws: &mut Worksheet, st: &Styles, r: &Report, title: &str) -> Result<(), XlsxError> {
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
