//! The sheet «Динамика»: a row per recorded period (the current one last)
//! with the total, the components' points and every plan row's value, base
//! and share (a formula), and a line chart of the total and the points.
//! The plan tables' change, trend and forecast formulas read its cells.

use std::collections::BTreeMap;

use rust_xlsxwriter::{Chart, ChartLegendPosition, ChartType, ColNum, Format, RowNum, Worksheet, XlsxError};

use super::formula::{Res, a1, lit, write_formula};
use super::layout::{Fit, add_table, page_setup, title_rows};
use super::styles::Styles;
use crate::report::Report;

/// The sheet's name.
pub(super) const SHEET: &str = "Динамика";
/// The header row; the periods follow it.
const HEADER: RowNum = 3;
/// The share of a zero base (a text, which SLOPE skips).
const NO_BASE: &str = "база 0";
/// Column of the month index of each period's end.
pub(super) const MONTH_COL: ColNum = 1;

/// Where a plan row's figures are on «Динамика».
#[derive(Debug, Clone, Copy)]
pub(super) struct MeasureCols {
    pub value: ColNum,
    pub share: ColNum,
}

/// The layout of «Динамика» that the plan tables refer to.
#[derive(Debug, Clone, Default)]
pub(super) struct DynamicsCells {
    /// Plan row id → its columns.
    pub measures: BTreeMap<String, MeasureCols>,
    /// The rows of the periods: the first and the current (last) one.
    pub first: RowNum,
    pub last: RowNum,
}

impl DynamicsCells {
    /// The row of history entry `i`.
    pub fn row(&self, i: usize) -> RowNum {
        self.first + i as RowNum
    }
}

/// The sheet and its layout.
pub(super) fn dynamics_sheet(r: &Report, st: &Styles) -> Result<(Worksheet, DynamicsCells), XlsxError> {
    let mut ws = Worksheet::new();
    ws.set_name(SHEET)?;
    title_rows(
        &mut ws,
        st,
        r,
        "Динамика по периодам: итог, баллы компонентов, значения и доли показателей",
    )?;
    let mut headers: Vec<String> = vec!["Период".into(), "Месяц окончания (номер)".into(), "Итого".into()];
    headers.extend(r.components.iter().map(|c| c.label.clone()));
    let first_measure_col = headers.len() as ColNum;
    let mut cells = DynamicsCells {
        first: HEADER + 1,
        last: HEADER + r.history.len().max(1) as RowNum,
        ..DynamicsCells::default()
    };
    for (k, m) in r.measure_history.iter().enumerate() {
        let base = first_measure_col + 3 * k as ColNum;
        headers.extend([
            format!("{}: значение, {}", m.name, m.unit),
            format!("{}: база", m.name),
            format!("{}: доля", m.name),
        ]);
        cells.measures.insert(
            m.id.clone(),
            MeasureCols {
                value: base,
                share: base + 2,
            },
        );
    }
    let mut widths = vec![18.0, 12.0, 9.0];
    widths.extend(r.components.iter().map(|_| 8.0));
    widths.extend(std::iter::repeat_n(14.0, 3 * r.measure_history.len()));
    for (i, w) in widths.iter().enumerate() {
        ws.set_column_width(i as ColNum, *w)?;
    }
    for (i, h) in r.history.iter().enumerate() {
        let rr = cells.row(i);
        let month = crate::pace::month_index_of_code(&h.period).unwrap_or(0);
        ws.write_string_with_format(rr, 0, &h.label, &st.text)?;
        ws.write_number_with_format(rr, MONTH_COL, month as f64, &st.center)?;
        ws.write_number_with_format(rr, 2, f64::from(h.total), &st.points)?;
        for (j, c) in r.components.iter().enumerate() {
            let col = 3 + j as ColNum;
            match h.points.get(&c.id).copied().flatten() {
                Some(p) => ws.write_number_with_format(rr, col, f64::from(p), &st.points)?,
                None => ws.write_string_with_format(rr, col, "нет данных", &st.center)?,
            };
        }
        for m in &r.measure_history {
            measure_cells(&mut ws, st, rr, i, m, cells.measures[&m.id])?;
        }
    }
    let mut fit = Fit::new(&widths);
    fit.need(
        HEADER,
        14.0,
        &headers
            .iter()
            .max_by_key(|h| h.chars().count())
            .cloned()
            .unwrap_or_default(),
    );
    add_table(&mut ws, st, "Dynamics", HEADER, cells.last, &headers, true)?;
    if r.history.len() > 1 {
        chart(&mut ws, r, &cells)?;
    }
    fit.apply(&mut ws)?;
    ws.set_freeze_panes(HEADER + 1, 1)?;
    page_setup(&mut ws, st, Some((HEADER, HEADER)))?;
    Ok((ws, cells))
}

/// One period's value, base and share (a formula) of a plan row.
fn measure_cells(
    ws: &mut Worksheet,
    st: &Styles,
    rr: RowNum,
    i: usize,
    m: &crate::report::dynamics::MeasureSeries,
    cols: MeasureCols,
) -> Result<(), XlsxError> {
    let (value, base) = (m.values.get(i).copied().flatten(), m.bases.get(i).copied().flatten());
    let put = |ws: &mut Worksheet, col: ColNum, v: Option<u64>| match v {
        Some(v) => ws.write_number_with_format(rr, col, v as f64, &st.int).map(|_| ()),
        None => ws
            .write_string_with_format(rr, col, "нет данных", &st.center)
            .map(|_| ()),
    };
    put(ws, cols.value, value)?;
    put(ws, cols.value + 1, base)?;
    match (value, base) {
        (Some(v), Some(b)) => {
            let (vc, bc) = (a1(rr, cols.value), a1(rr, cols.value + 1));
            let result = if b == 0 {
                Res::text(NO_BASE)
            } else {
                Res::Num(v as f64 / b as f64)
            };
            let format = Format::new().set_num_format("0.00%");
            write_formula(
                ws,
                rr,
                cols.share,
                &format!("=IF({bc}=0,{},{vc}/{bc})", lit(NO_BASE)),
                result,
                &format,
            )?;
        }
        _ => {
            ws.write_string_with_format(rr, cols.share, "", &st.text)?;
        }
    }
    Ok(())
}

/// A line chart of the total and the components' points over the periods.
fn chart(ws: &mut Worksheet, r: &Report, cells: &DynamicsCells) -> Result<(), XlsxError> {
    let mut chart = Chart::new(ChartType::Line);
    for (col, name) in std::iter::once((2, "Итого".to_string())).chain(
        r.components
            .iter()
            .enumerate()
            .map(|(j, c)| (3 + j as ColNum, c.label.clone())),
    ) {
        chart
            .add_series()
            .set_name(name.as_str())
            .set_categories((SHEET, cells.first, 0, cells.last, 0))
            .set_values((SHEET, cells.first, col, cells.last, col));
    }
    chart.title().set_name("Итог и баллы компонентов по периодам");
    chart.y_axis().set_min(0);
    chart.legend().set_position(ChartLegendPosition::Bottom);
    chart.set_width(640).set_height(300);
    ws.insert_chart(cells.last + 3, 0, &chart).map(|_| ())
}
