//! A bound on OpenDocument spreadsheets before calamine reads them.
//!
//! calamine reads an .ods whole and expands `table:number-rows-repeated` and
//! `table:number-columns-repeated` into a dense range: a 1 KB file that
//! repeats one valued cell over 40 000 rows and 2 000 columns makes 80
//! million cells (gigabytes, tens of seconds). This module streams
//! `content.xml` once, without building anything, and finds the area the
//! valued cells of each sheet cover, so that such a file is refused with a
//! message before calamine sees it: a value at or below row [`MAX_ROWS`]
//! (the same limit as for .xlsx), or an area of more than [`MAX_CELLS`]
//! cells.

use std::io::{BufRead, BufReader, Cursor};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::workbook::{MAX_CELLS, MAX_ROWS, SheetLimit};

/// The area the valued cells of one sheet cover so far.
#[derive(Default)]
struct Area {
    first_row: Option<u64>,
    /// One past the last valued row.
    end_row: u64,
    first_col: Option<u64>,
    /// One past the last valued column.
    end_col: u64,
}

impl Area {
    fn cells(&self) -> u64 {
        let rows = self.end_row - self.first_row.unwrap_or(self.end_row);
        let cols = self.end_col - self.first_col.unwrap_or(self.end_col);
        rows.saturating_mul(cols)
    }
}

/// `number-rows-repeated` / `number-columns-repeated`, 1 when absent or
/// not a number (calamine then refuses the file itself).
fn repeats(e: &BytesStart<'_>, name: &str) -> u64 {
    e.try_get_attribute(name)
        .ok()
        .flatten()
        .and_then(|a| a.value.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .max(1)
}

/// Whether a cell holds something calamine keeps: a typed value or a
/// formula. (A cell with content but no type is found by its content.)
fn typed(e: &BytesStart<'_>) -> bool {
    matches!(e.try_get_attribute("office:value-type"), Ok(Some(_)))
        || matches!(e.try_get_attribute("table:formula"), Ok(Some(_)))
}

fn sheet_name(e: &BytesStart<'_>) -> String {
    e.try_get_attribute("table:name")
        .ok()
        .flatten()
        .and_then(|a| quick_xml::escape::unescape(&a.value).ok().map(|v| v.into_owned()))
        .unwrap_or_default()
}

fn to_u32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Checks every sheet of the .ods in `bytes` (a zip archive already checked
/// by the caller for its unpacked size).
pub fn check(bytes: &[u8]) -> Result<(), SheetLimit> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| SheetLimit::Unreadable)?;
    let content = archive.by_name("content.xml").map_err(|_| SheetLimit::Unreadable)?;
    scan(BufReader::new(content))
}

/// Streams `content.xml`.
pub fn scan(content: impl BufRead) -> Result<(), SheetLimit> {
    let mut reader = Reader::from_reader(content);
    let mut buf = Vec::new();
    // Depth of `table:table` (a table inside a cell is not a sheet).
    let mut depth = 0usize;
    let mut sheet = String::new();
    let mut area = Area::default();
    let mut row = 0u64;
    // Within a row: its repeat count, the next column, the valued span.
    let mut row_repeats = 1u64;
    let mut col = 0u64;
    let mut row_first_col: Option<u64> = None;
    let mut row_end_col = 0u64;
    // An untyped cell element that is still open: its columns, valued if
    // anything is inside it.
    let mut untyped: Option<(u64, u64)> = None;
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|_| SheetLimit::Unreadable)?;
        match event {
            Event::Start(e) if e.name().as_ref() == "table:table" => {
                depth += 1;
                if depth == 1 {
                    sheet = sheet_name(&e);
                    area = Area::default();
                    row = 0;
                }
            }
            Event::End(e) if e.name().as_ref() == "table:table" => {
                depth = depth.saturating_sub(1);
            }
            Event::Start(e) if depth == 1 && e.name().as_ref() == "table:table-row" => {
                row_repeats = repeats(&e, "table:number-rows-repeated");
                col = 0;
                row_first_col = None;
                row_end_col = 0;
            }
            Event::Empty(e) if depth == 1 && e.name().as_ref() == "table:table-row" => {
                row = row.saturating_add(repeats(&e, "table:number-rows-repeated"));
            }
            Event::Start(ref e) | Event::Empty(ref e)
                if depth == 1 && matches!(e.name().as_ref(), "table:table-cell" | "table:covered-table-cell") =>
            {
                let n = repeats(e, "table:number-columns-repeated");
                let end = col.saturating_add(n);
                if typed(e) {
                    row_first_col.get_or_insert(col);
                    row_end_col = end;
                } else if matches!(event, Event::Start(_)) {
                    untyped = Some((col, end));
                }
                col = end;
            }
            Event::End(e)
                if depth == 1 && matches!(e.name().as_ref(), "table:table-cell" | "table:covered-table-cell") =>
            {
                untyped = None;
            }
            Event::Start(_) | Event::Empty(_) if untyped.is_some() => {
                // Content inside an untyped cell: calamine may read it.
                if let Some((start, end)) = untyped.take() {
                    row_first_col.get_or_insert(start);
                    row_end_col = end;
                }
            }
            Event::End(e) if depth == 1 && e.name().as_ref() == "table:table-row" => {
                if let Some(first_col) = row_first_col {
                    let last = row.saturating_add(row_repeats - 1);
                    if last >= u64::from(MAX_ROWS) {
                        return Err(SheetLimit::TooLong {
                            sheet,
                            row: to_u32(row.max(u64::from(MAX_ROWS))),
                            col: to_u32(first_col),
                        });
                    }
                    area.first_row.get_or_insert(row);
                    area.end_row = last + 1;
                    area.first_col = Some(area.first_col.map_or(first_col, |c| c.min(first_col)));
                    area.end_col = area.end_col.max(row_end_col);
                    if area.cells() > MAX_CELLS {
                        let rows = area.end_row - area.first_row.unwrap_or(0);
                        let cols = area.end_col - area.first_col.unwrap_or(0);
                        return Err(SheetLimit::TooLarge { sheet, rows, cols });
                    }
                }
                row = row.saturating_add(row_repeats);
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
        buf.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(rows: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content><office:body><office:spreadsheet><table:table table:name="Показатели">{rows}</table:table></office:spreadsheet></office:body></office:document-content>"#
        )
    }

    fn run(rows: &str) -> Result<(), SheetLimit> {
        scan(doc(rows).as_bytes())
    }

    const VALUE: &str =
        r#"<table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell>"#;

    #[test]
    fn an_ordinary_sheet_passes() {
        let row = format!("<table:table-row>{VALUE}{VALUE}</table:table-row>");
        // LibreOffice's trailing empty rows and columns cost nothing.
        let tail = r#"<table:table-row table:number-rows-repeated="1048570"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#;
        assert_eq!(run(&format!("{}{tail}", row.repeat(40))), Ok(()));
    }

    #[test]
    fn a_value_repeated_down_past_the_row_limit_is_too_long() {
        let rows = format!(
            r#"<table:table-row>{VALUE}</table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell/>{VALUE}</table:table-row>"#
        );
        assert_eq!(
            run(&rows),
            Err(SheetLimit::TooLong {
                sheet: "Показатели".into(),
                row: MAX_ROWS,
                col: 1
            })
        );
    }

    #[test]
    fn the_row_limit_is_exact() {
        // Rows 0 … MAX_ROWS−1 valued: allowed (the area is 1 column wide).
        let ok = format!(r#"<table:table-row table:number-rows-repeated="{MAX_ROWS}">{VALUE}</table:table-row>"#);
        assert_eq!(run(&ok), Ok(()));
        let over = format!(
            r#"<table:table-row table:number-rows-repeated="{}">{VALUE}</table:table-row>"#,
            MAX_ROWS + 1
        );
        assert!(matches!(run(&over), Err(SheetLimit::TooLong { row, .. }) if row == MAX_ROWS));
    }

    #[test]
    fn a_value_repeated_across_and_down_is_too_large() {
        let rows = r#"<table:table-row table:number-rows-repeated="40000"><table:table-cell table:number-columns-repeated="2000" office:value-type="float" office:value="1"/></table:table-row>"#;
        let Err(SheetLimit::TooLarge { rows, cols, .. }) = run(rows) else {
            panic!("not refused");
        };
        assert!(rows * cols > MAX_CELLS && cols == 2000, "{rows} × {cols}");
    }

    #[test]
    fn the_area_limit_is_exact() {
        let cols = crate::ingest::workbook::MAX_COLS;
        let cell = format!(
            r#"<table:table-cell table:number-columns-repeated="{cols}" office:value-type="float" office:value="1"/>"#
        );
        let ok = format!(r#"<table:table-row table:number-rows-repeated="{MAX_ROWS}">{cell}</table:table-row>"#);
        assert_eq!(run(&ok), Ok(()));
        let wider = format!(
            r#"<table:table-row table:number-rows-repeated="{MAX_ROWS}">{cell}<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>"#
        );
        assert!(matches!(run(&wider), Err(SheetLimit::TooLarge { .. })));
    }

    #[test]
    fn garbage_is_unreadable_not_a_panic() {
        assert_eq!(scan(&b"<a><b></a>"[..]), Err(SheetLimit::Unreadable));
        assert_eq!(check(b"not a zip"), Err(SheetLimit::Unreadable));
        // A repeat count past u64 reads as 1 (calamine refuses it itself);
        // the largest u64 saturates instead of overflowing.
        let huge = r#"<table:table-row table:number-rows-repeated="99999999999999999999999"><table:table-cell office:value-type="float" table:number-columns-repeated="18446744073709551615"/></table:table-row>"#;
        assert!(
            matches!(run(huge), Err(SheetLimit::TooLarge { rows: 1, .. })),
            "{:?}",
            run(huge)
        );
    }

    #[test]
    fn untyped_cells_count_only_with_content() {
        // Styled empty cells written open-and-closed: nothing to read.
        let empty = r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="16384" table:style-name="ce1"></table:table-cell></table:table-row>"#;
        assert_eq!(run(empty), Ok(()));
        let text = r#"<table:table-row table:number-rows-repeated="1000000"><table:table-cell table:number-columns-repeated="3"><text:p>x</text:p></table:table-cell></table:table-row>"#;
        assert!(matches!(run(text), Err(SheetLimit::TooLong { .. })), "{:?}", run(text));
    }
}
