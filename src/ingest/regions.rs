//! `regions.xlsx`: the ranking of regions shown on the deck's ranking
//! slide. Read through the same guarded reader as the forms
//! ([`super::workbook::open_sheet`]); the `ranking.xlsx` that `batch`
//! writes is accepted as it is.
//!
//! The first sheet: a header row (among the first 20) holding «Регион»
//! (or «Субъект», «Субъект РФ») and «К1»…«К4» and/or «Итого» (Latin K
//! accepted), then one row per region. Without «Итого» a region's total is
//! the sum of its component columns; a region with no figures at all is not
//! ranked (the blank table `init` writes lists every subject).

use std::path::Path;

use calamine::Data;

use super::IngestError;
use super::value::{CellValue, cell_text, classify};
use super::workbook::{Format, open_sheet};
use crate::names::key;

/// One region of the table.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionsRow {
    pub name: String,
    /// Points per component column (None: empty or not a number).
    pub points: Vec<Option<f64>>,
    pub total: f64,
}

/// The ranking table as read, in the file's order.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionsTable {
    /// Component columns found (`К1`…`К4`), in order.
    pub columns: Vec<String>,
    pub rows: Vec<RegionsRow>,
}

/// The header cells of the table.
struct Header {
    row: usize,
    region: usize,
    total: Option<usize>,
    components: Vec<(String, usize)>,
}

/// Reads `regions.xlsx` (or another workbook format by its extension).
pub fn read(path: &Path) -> Result<RegionsTable, IngestError> {
    let fail = |message: String| IngestError::Regions {
        path: path.to_path_buf(),
        message,
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().into_owned())
        .unwrap_or_default();
    let format =
        Format::from_extension(&ext).ok_or_else(|| fail("ожидалась книга .xlsx, .xls, .xlsb или .ods".into()))?;
    let bytes = super::read_bounded(path).map_err(fail)?;
    let first = |names: &[String]| {
        names
            .first()
            .cloned()
            .ok_or_else(|| crate::diag::Diagnostic::error(None, "в книге нет листов"))
    };
    let sheet = open_sheet(&name, format, bytes, &first).map_err(|d| fail(d.message))?;
    let rows: Vec<&[Data]> = sheet.range.rows().collect();
    let header = header(&rows).map_err(fail)?;
    let mut table = RegionsTable {
        columns: header.components.iter().map(|(l, _)| l.clone()).collect(),
        rows: Vec::new(),
    };
    for (n, r) in rows[header.row + 1..].iter().enumerate() {
        if let Some(row) = region_row(r, &header).map_err(|m| fail(format!("строка {}: {m}", header.row + n + 2)))?
        {
            table.rows.push(row);
        }
    }
    Ok(table)
}

fn is_region_header(k: &str) -> bool {
    matches!(k, "регион" | "субъект" | "субъект рф")
}

/// Finds the header row and its columns.
fn header(rows: &[&[Data]]) -> Result<Header, String> {
    let at = rows
        .iter()
        .take(20)
        .position(|r| r.iter().any(|c| is_region_header(&key(&cell_text(c)))))
        .ok_or_else(|| "не найдена строка заголовка со столбцом «Регион»".to_string())?;
    let mut region = None;
    let mut total = None;
    let mut components = Vec::new();
    for (i, c) in rows[at].iter().enumerate() {
        let k = key(&cell_text(c));
        if is_region_header(&k) {
            region.get_or_insert(i);
        } else if matches!(k.as_str(), "итого" | "итог" | "всего" | "сумма" | "итоговый балл")
        {
            total = Some(i);
        } else if let Some(n) = component_number(&k) {
            components.push((format!("К{n}"), i));
        }
    }
    let region = region.ok_or_else(|| "нет столбца «Регион»".to_string())?;
    if total.is_none() && components.is_empty() {
        return Err("нет столбцов «Итого» или «К1»…«К4»".into());
    }
    Ok(Header {
        row: at,
        region,
        total,
        components,
    })
}

/// `к1` or `k1` → `1`.
fn component_number(k: &str) -> Option<&str> {
    let digits = k.strip_prefix('к').or_else(|| k.strip_prefix('k'))?;
    (!digits.is_empty() && digits.chars().all(|d| d.is_ascii_digit())).then_some(digits)
}

/// A cell as a number of points: a number, or text written as one.
fn number(cell: &Data) -> Option<f64> {
    match classify(cell) {
        CellValue::Number { value, percent: false } => Some(value.to_f64()),
        _ => None,
    }
}

/// One region's row; None for a row without a name.
fn region_row(r: &[Data], h: &Header) -> Result<Option<RegionsRow>, String> {
    let cell = |i: usize| r.get(i).unwrap_or(&Data::Empty);
    let name = cell_text(cell(h.region));
    if name.is_empty() {
        return Ok(None);
    }
    let points: Vec<Option<f64>> = h.components.iter().map(|(_, i)| number(cell(*i))).collect();
    let total_cell = h.total.map(cell).filter(|c| !matches!(classify(c), CellValue::Empty));
    let total = match total_cell {
        Some(c) => number(c).ok_or_else(|| format!("«Итого» для «{name}» не число"))?,
        // A region not filled in yet (the blank table of `init`).
        None if points.iter().all(Option::is_none) => return Ok(None),
        None => points.iter().flatten().sum(),
    };
    Ok(Some(RegionsRow { name, points, total }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn component_headers() {
        assert_eq!(component_number("к1"), Some("1"));
        assert_eq!(component_number("k12"), Some("12"));
        assert_eq!(component_number("к"), None);
        assert_eq!(component_number("кх"), None);
    }
}
