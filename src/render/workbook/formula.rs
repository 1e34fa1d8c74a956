//! Formula builders: A1 references, literals, the integer comparisons of
//! thresholds, and writing a formula with its stored result.

use rust_xlsxwriter::{ColNum, Format, Formula, RowNum, Worksheet, XlsxError};

use super::NO_DATA;
use crate::rating::Status;
use crate::report::LevelView;

/// `C5`.
pub(super) fn a1(row: RowNum, col: ColNum) -> String {
    rust_xlsxwriter::utility::row_col_to_cell(row, col)
}

/// `$C$5`.
pub(super) fn a1_abs(row: RowNum, col: ColNum) -> String {
    rust_xlsxwriter::utility::row_col_to_cell_absolute(row, col)
}

/// `'К1'!$B$3`: sheet names are always quoted.
pub(super) fn sheet_ref(sheet: &str, row: RowNum, col: ColNum) -> String {
    format!("'{}'!{}", sheet.replace('\'', "''"), a1_abs(row, col))
}

/// A string literal inside a formula.
pub(super) fn lit(s: &str) -> String {
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
pub(super) fn meets(value: &str, base: &str, l: &LevelView) -> String {
    format!(
        "{}{}{}",
        times(value, l.threshold_den),
        if l.inclusive { ">=" } else { ">" },
        k_times(l.threshold_num, base)
    )
}

/// The smallest count meeting a threshold on `base`: `ceil(num·base/den)`
/// for ≥ and `floor(num·base/den) + 1` for >, in integers.
pub(super) fn min_count(base: &str, l: &LevelView) -> String {
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
pub(super) enum Res {
    Num(f64),
    Text(String),
}

impl Res {
    pub fn int(v: u64) -> Res {
        Res::Num(v as f64)
    }

    pub fn text(s: &str) -> Res {
        Res::Text(s.to_string())
    }

    fn as_string(&self) -> String {
        match self {
            Res::Num(n) => format!("{n}"),
            Res::Text(t) => t.clone(),
        }
    }
}

pub(super) fn write_formula(
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

pub(super) fn write_int(
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

/// `OR(a,b)`, or `a` alone.
pub(super) fn join_fn(name: &str, items: Vec<String>) -> String {
    if items.len() == 1 {
        items.into_iter().next().unwrap_or_default()
    } else {
        format!("{name}({})", items.join(","))
    }
}

pub(super) fn criterion_points(passed: Option<bool>, points: u32) -> Res {
    match passed {
        Some(true) => Res::Num(f64::from(points)),
        Some(false) => Res::Num(0.0),
        None => Res::text(NO_DATA),
    }
}

/// «выполнено» / «ниже минимума» / «нет данных» from a points cell and the
/// required minimum.
pub(super) fn status_formula(points: &str, required: &str) -> String {
    format!(
        "=IF(ISNUMBER({points}),IF({points}>={required},{},{}),{})",
        lit(Status::Met.label()),
        lit(Status::Below.label()),
        lit(Status::NoData.label())
    )
}
