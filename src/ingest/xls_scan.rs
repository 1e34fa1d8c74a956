//! A bound on Excel 97–2003 workbooks (.xls) before calamine reads them.
//!
//! calamine trusts the sheet's DIMENSIONS record and reserves memory for the
//! whole area it claims: an 8 KB file that claims four billion rows makes
//! the process abort on the allocation (an abort, not a panic: nothing can
//! catch it). It also builds a dense range over the cells' bounding box, so
//! two cells far apart cost millions of cells. This module reads the
//! workbook stream's record headers once — nothing is kept — and refuses,
//! before calamine sees the file, a sheet whose claimed or real area is
//! larger than the form can be: a value at or below row [`MAX_ROWS`], or
//! more than [`MAX_CELLS`] cells (the limits of the other formats).

use std::io::{Cursor, Read};

pub use super::workbook::{MAX_CELLS, SheetLimit};
use super::workbook::{MAX_FILE_BYTES, MAX_ROWS};

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const FILEPASS: u16 = 0x002F;
const DIMENSIONS: u16 = 0x0200;
const MULRK: u16 = 0x00BD;
const BOUNDSHEET: u16 = 0x0085;
/// Records that carry one cell at (row u16, col u16) and that calamine
/// keeps: NUMBER, LABEL, RSTRING, BOOLERR, RK, LABELSST, FORMULA.
const CELL_RECORDS: [u16; 7] = [0x0203, 0x0204, 0x00D6, 0x0205, 0x027E, 0x00FD, 0x0006];

fn u16_at(d: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_le_bytes([*d.get(i)?, *d.get(i + 1)?]))
}

fn u32_at(d: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes([
        *d.get(i)?,
        *d.get(i + 1)?,
        *d.get(i + 2)?,
        *d.get(i + 3)?,
    ]))
}

/// The bounding box of one sheet's cells.
#[derive(Default)]
struct Area {
    rows: Option<(u32, u32)>,
    cols: Option<(u32, u32)>,
}

impl Area {
    fn add(&mut self, row: u32, first_col: u32, last_col: u32) {
        self.rows = Some(self.rows.map_or((row, row), |(a, b)| (a.min(row), b.max(row))));
        self.cols = Some(
            self.cols
                .map_or((first_col, last_col), |(a, b)| (a.min(first_col), b.max(last_col))),
        );
    }

    fn size(&self) -> (u64, u64) {
        let span = |r: Option<(u32, u32)>| r.map_or(0, |(a, b)| u64::from(b) - u64::from(a) + 1);
        (span(self.rows), span(self.cols))
    }
}

/// Checks the workbook stream of the .xls in `bytes` (an OLE compound file).
pub fn check(bytes: &[u8]) -> Result<(), SheetLimit> {
    // The container parser is third-party code on hostile bytes: a panic
    // in it is an unreadable file, not a crash.
    let stream = super::workbook::guarded(|| workbook_stream(bytes)).flatten();
    scan(&stream.ok_or(SheetLimit::Unreadable)?)
}

fn workbook_stream(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).ok()?;
    let name = ["/Workbook", "/Book"].into_iter().find(|n| file.is_stream(n))?;
    let stream = file.open_stream(name).ok()?;
    let mut out = Vec::new();
    stream.take(MAX_FILE_BYTES).read_to_end(&mut out).ok()?;
    Some(out)
}

/// Walks the BIFF records of a workbook stream.
pub fn scan(stream: &[u8]) -> Result<(), SheetLimit> {
    let mut pos = 0usize;
    // Substream depth (a chart inside a sheet opens another BOF).
    let mut depth = 0usize;
    // Index of the current top-level substream; the globals are −1, so the
    // first sheet is 0.
    let mut substream: Option<usize> = None;
    let mut area = Area::default();
    // Sheet names from the globals' BOUNDSHEET records, in stream order.
    let mut names: Vec<String> = Vec::new();
    while pos + 4 <= stream.len() {
        let typ = u16_at(stream, pos).unwrap_or(0);
        let len = usize::from(u16_at(stream, pos + 2).unwrap_or(0));
        let data = &stream[pos + 4..(pos + 4 + len).min(stream.len())];
        pos += 4 + len;
        let index = substream.unwrap_or(0).saturating_sub(1);
        let sheet = || names.get(index).cloned().unwrap_or_else(|| format!("№{}", index + 1));
        match typ {
            BOF => {
                depth += 1;
                if depth == 1 {
                    substream = Some(substream.map_or(0, |s| s + 1));
                    area = Area::default();
                }
            }
            EOF => depth = depth.saturating_sub(1),
            // The rest of the stream is encrypted: calamine says so.
            FILEPASS => return Ok(()),
            BOUNDSHEET if depth == 1 && substream == Some(0) => names.push(sheet_name(data)),
            _ if depth != 1 || substream.is_none_or(|s| s == 0) => {}
            DIMENSIONS => check_dimensions(data, sheet)?,
            MULRK => {
                if let (Some(row), Some(first), Some(last)) = (
                    u16_at(data, 0),
                    u16_at(data, 2),
                    data.len().checked_sub(2).and_then(|i| u16_at(data, i)),
                ) {
                    cell(
                        &mut area,
                        sheet,
                        u32::from(row),
                        u32::from(first),
                        u32::from(last.max(first)),
                    )?;
                }
            }
            t if CELL_RECORDS.contains(&t) => {
                if let (Some(row), Some(col)) = (u16_at(data, 0), u16_at(data, 2)) {
                    cell(&mut area, sheet, u32::from(row), u32::from(col), u32::from(col))?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The name in a BOUNDSHEET8 record: offset u32, state u8, type u8, then a
/// ShortXLUnicodeString (length u8, flags u8: bit 0 — UTF-16LE, otherwise
/// one byte a character).
fn sheet_name(d: &[u8]) -> String {
    let (Some(&len), Some(&flags)) = (d.get(6), d.get(7)) else {
        return String::new();
    };
    let chars = d.get(8..).unwrap_or_default();
    let len = usize::from(len);
    if flags & 1 == 1 {
        let units: Vec<u16> = chars
            .chunks_exact(2)
            .take(len)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        chars.iter().take(len).map(|&b| char::from(b)).collect()
    }
}

fn cell(
    area: &mut Area,
    sheet: impl Fn() -> String,
    row: u32,
    first_col: u32,
    last_col: u32,
) -> Result<(), SheetLimit> {
    if row >= MAX_ROWS {
        return Err(SheetLimit::TooLong {
            sheet: sheet(),
            row,
            col: first_col,
        });
    }
    area.add(row, first_col, last_col);
    let (rows, cols) = area.size();
    within_limit(rows, cols, sheet)
}

/// `rows × cols` at most [`MAX_CELLS`].
fn within_limit(rows: u64, cols: u64, sheet: impl Fn() -> String) -> Result<(), SheetLimit> {
    if rows.saturating_mul(cols) > MAX_CELLS {
        return Err(SheetLimit::TooLarge {
            sheet: sheet(),
            rows,
            cols,
        });
    }
    Ok(())
}

/// The area calamine reserves for a DIMENSIONS record (its own reading of
/// the record: BIFF5 u16 fields, BIFF8 u32 rows; a first column past 0xFF
/// or after the last one reads as 0).
fn check_dimensions(d: &[u8], sheet: impl Fn() -> String) -> Result<(), SheetLimit> {
    let fields = match d.len() {
        10 => (
            u16_at(d, 0).map(u32::from),
            u16_at(d, 2).map(u32::from),
            u16_at(d, 4).map(u32::from),
            u16_at(d, 6).map(u32::from),
        ),
        14 | 16 => (
            u32_at(d, 0),
            u32_at(d, 4),
            u16_at(d, 8).map(u32::from),
            u16_at(d, 10).map(u32::from),
        ),
        // calamine refuses other lengths itself.
        _ => return Ok(()),
    };
    let (Some(first_row), Some(end_row), Some(mut first_col), Some(end_col)) = fields else {
        return Ok(());
    };
    if first_col > 0xFF || end_col < first_col {
        first_col = 0;
    }
    if end_row == 0 || end_col == 0 {
        return Ok(());
    }
    if first_row > end_row - 1 {
        return Err(SheetLimit::BadDimensions { sheet: sheet() });
    }
    within_limit(u64::from(end_row - first_row), u64::from(end_col - first_col), sheet)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(typ: u16, data: &[u8]) -> Vec<u8> {
        let mut r = typ.to_le_bytes().to_vec();
        r.extend((data.len() as u16).to_le_bytes());
        r.extend(data);
        r
    }

    fn dims(first_row: u32, end_row: u32, first_col: u16, end_col: u16) -> Vec<u8> {
        let mut d = first_row.to_le_bytes().to_vec();
        d.extend(end_row.to_le_bytes());
        d.extend(first_col.to_le_bytes());
        d.extend(end_col.to_le_bytes());
        d.extend([0, 0]);
        record(DIMENSIONS, &d)
    }

    fn number(row: u16, col: u16) -> Vec<u8> {
        let mut d = row.to_le_bytes().to_vec();
        d.extend(col.to_le_bytes());
        d.extend([0; 10]);
        record(0x0203, &d)
    }

    /// Globals, then one sheet made of `records`.
    fn stream(records: &[Vec<u8>]) -> Vec<u8> {
        let mut s = record(BOF, &[0; 16]);
        s.extend(record(EOF, &[]));
        s.extend(record(BOF, &[0; 16]));
        for r in records {
            s.extend(r);
        }
        s.extend(record(EOF, &[]));
        s
    }

    #[test]
    fn an_ordinary_sheet_passes() {
        let mut recs = vec![dims(0, 40, 0, 6)];
        recs.extend((0..40).map(|r| number(r, 1)));
        assert_eq!(scan(&stream(&recs)), Ok(()));
    }

    #[test]
    fn a_lying_dimensions_record_is_refused() {
        // Four billion rows: calamine would abort on the reservation.
        let Err(SheetLimit::TooLarge { sheet, rows, cols }) = scan(&stream(&[dims(0, 0xFFFF_FFF0, 0, 0xFFFF)])) else {
            panic!("not refused");
        };
        assert_eq!((sheet.as_str(), rows, cols), ("№1", 0xFFFF_FFF0, 0xFFFF));
        // First row after the last: calamine's subtraction would overflow.
        assert_eq!(
            scan(&stream(&[dims(10, 5, 0, 3)])),
            Err(SheetLimit::BadDimensions { sheet: "№1".into() })
        );
    }

    #[test]
    fn the_area_limit_is_exact() {
        let cols = (MAX_CELLS / u64::from(MAX_ROWS)) as u16;
        assert_eq!(scan(&stream(&[dims(0, MAX_ROWS, 0, cols)])), Ok(()));
        assert!(matches!(
            scan(&stream(&[dims(0, MAX_ROWS, 0, cols + 1)])),
            Err(SheetLimit::TooLarge { .. })
        ));
    }

    #[test]
    fn cells_far_apart_are_refused() {
        // Within the row limit, but 49 000 × 256 cells between them.
        let recs = [number(0, 0), number(49_000, 255)];
        assert!(matches!(scan(&stream(&recs)), Err(SheetLimit::TooLarge { .. })));
        // A cell at the row limit is too long, one row above it is not.
        assert!(scan(&stream(&[number(MAX_ROWS as u16 - 1, 0)])).is_ok());
        assert_eq!(
            scan(&stream(&[number(MAX_ROWS as u16, 2)])),
            Err(SheetLimit::TooLong {
                sheet: "№1".into(),
                row: MAX_ROWS,
                col: 2
            })
        );
    }

    #[test]
    fn the_second_sheet_is_named_and_charts_are_skipped() {
        let boundsheet = |name: &str| {
            let units: Vec<u16> = name.encode_utf16().collect();
            let mut d = vec![0u8; 6];
            d.extend([units.len() as u8, 1]);
            d.extend(units.iter().flat_map(|u| u.to_le_bytes()));
            record(BOUNDSHEET, &d)
        };
        let mut s = record(BOF, &[0; 16]);
        s.extend(boundsheet("Инструкция"));
        s.extend(boundsheet("Показатели"));
        s.extend(record(EOF, &[]));
        s.extend(record(BOF, &[0; 16]));
        s.extend(number(0, 0));
        s.extend(record(EOF, &[]));
        s.extend(record(BOF, &[0; 16]));
        // A chart substream inside the sheet: its records are not cells.
        s.extend(record(BOF, &[0; 16]));
        s.extend(number(60_000, 0));
        s.extend(record(EOF, &[]));
        s.extend(number(60_000, 1));
        s.extend(record(EOF, &[]));
        assert_eq!(
            scan(&s),
            Err(SheetLimit::TooLong {
                sheet: "Показатели".into(),
                row: 60_000,
                col: 1
            })
        );
    }

    #[test]
    fn truncated_and_encrypted_streams_do_not_fail_the_scan() {
        let mut s = stream(&[number(0, 0)]);
        s.truncate(s.len() - 3);
        assert_eq!(scan(&s), Ok(()));
        assert_eq!(scan(&[1, 2, 3]), Ok(()));
        let mut enc = record(BOF, &[0; 16]);
        enc.extend(record(FILEPASS, &[1, 2, 3]));
        enc.extend(dims(0, 0xFFFF_FFF0, 0, 0xFFFF));
        assert_eq!(scan(&enc), Ok(()));
        assert_eq!(check(b"not an OLE file"), Err(SheetLimit::Unreadable));
    }
}
