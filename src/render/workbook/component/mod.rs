//! One sheet per component («К1» …): its key figures (points, minimum,
//! status, reason, gate, ways to reach the minimum), the plan table with
//! live formulas, the criteria or the scale, the input values the formulas
//! read, and the methodology.

mod blocks;
mod inputs;
mod pace;
mod plan;

use std::collections::BTreeMap;

use rust_xlsxwriter::{ColNum, FormatAlign, RowNum, Worksheet, XlsxError};

use super::dynamics::DynamicsCells;
use super::formula::{Res, a1, lit, sheet_ref, status_formula, write_formula};
use super::layout::{Fit, page_setup, text_fills, title_rows};
use super::styles::Styles;
use super::{NO_DATA, REGION_VALUE_NOTE};
use crate::rating::Status;
use crate::report::{ComponentView, Report};

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
    Previous,
    Change,
    PerMonth,
    Trend,
    Forecast,
    OnTrack,
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
            Col::Value | Col::Base | Col::Target | Col::Gap | Col::Previous | Col::Change => 12.0,
            Col::PerMonth | Col::Trend | Col::Forecast | Col::OnTrack => 12.0,
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
    /// The columns of a component: «Критерий» only with criteria.
    fn new(criteria: bool) -> Layout {
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
            Col::Previous,
            Col::Change,
            Col::PerMonth,
            Col::Trend,
            Col::Forecast,
            Col::OnTrack,
            Col::Responsible,
            Col::Works,
            Col::Sources,
        ]);
        Layout { cols }
    }

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
/// Columns of the criteria table: met or not, points.
const CRIT_MET: ColNum = 4;
const CRIT_POINTS: ColNum = 5;

/// Where each input code of the component is on its sheet.
type PartCells = BTreeMap<String, (RowNum, ColNum)>;

/// The rows where each block of the sheet starts.
#[derive(Clone, Copy)]
struct Rows {
    plan_header: RowNum,
    plan_first: RowNum,
    plan_last: RowNum,
    block_heading: RowNum,
    block_header: RowNum,
    parts_heading: RowNum,
    parts_header: RowNum,
}

/// A component's sheet under construction.
struct Sheet<'a> {
    ws: Worksheet,
    fit: Fit,
    lay: Layout,
    r: &'a Report,
    c: &'a ComponentView,
    /// In a body's book, the component with all its rows.
    full: Option<&'a ComponentView>,
    st: &'a Styles,
    criteria: bool,
    /// Some of the component's rows are not in this book.
    partial: bool,
    /// Where «Динамика» holds the periods' figures.
    dynamics: &'a DynamicsCells,
}

/// `full`: in a body's book, the component with all its rows (`c` holds
/// only the body's); None in the main workbook. Returns the sheet and its
/// points cell for the total.
pub(super) fn component_sheet(
    r: &Report,
    c: &ComponentView,
    full: Option<&ComponentView>,
    st: &Styles,
    dynamics: &DynamicsCells,
) -> Result<(Worksheet, String), XlsxError> {
    let criteria = !c.criteria.is_empty();
    let lay = Layout::new(criteria);
    let widths: Vec<f64> = lay.cols.iter().map(|c| c.width()).collect();
    let mut s = Sheet {
        ws: Worksheet::new(),
        fit: Fit::new(&widths),
        lay,
        r,
        c,
        full,
        st,
        criteria,
        partial: full.is_some_and(|f| f.rows.len() != c.rows.len()),
        dynamics,
    };
    s.heading()?;
    let (next, gate_cell) = s.key_figures()?;
    let rows = s.rows(next);
    let (cells, parts_end) = s.input_values(&rows)?;
    s.plan_table(&rows, &cells)?;
    let formula = if criteria {
        s.criteria_block(&rows)?
    } else {
        s.scale_block(&rows)?
    };
    s.points(formula, gate_cell)?;
    s.methodology(parts_end + 2)?;
    s.fit.apply(&mut s.ws)?;
    s.ws.set_freeze_panes(rows.plan_header + 1, 0)?;
    page_setup(&mut s.ws, st, Some((rows.plan_header, rows.plan_header)))?;
    Ok((s.ws, sheet_ref(&c.label, POINTS_ROW, POINTS_COL)))
}

impl Sheet<'_> {
    /// Name, column widths, title and subtitle, the tab's colour.
    fn heading(&mut self) -> Result<(), XlsxError> {
        let (r, c, st) = (self.r, self.c, self.st);
        self.ws.set_name(&c.label)?;
        for (i, col) in self.lay.cols.iter().enumerate() {
            self.ws.set_column_width(i as ColNum, col.width())?;
        }
        title_rows(&mut self.ws, st, r, &format!("{}. {}", c.label, c.name))?;
        self.ws.write_string_with_format(
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
        let color = match c.status {
            Status::Met => Some(&st.green_color),
            Status::Below => Some(&st.red_color),
            Status::NoData => Some(&st.yellow_color),
            Status::NoRequirement => None,
        };
        if let Some(color) = color {
            self.ws.set_tab_color(color.as_str());
        }
        Ok(())
    }

    /// Points (row 3), the minimum, the status, the reason, the gate and
    /// the ways to reach the minimum. Returns the next free row and the
    /// gate's cell.
    fn key_figures(&mut self) -> Result<(RowNum, Option<String>), XlsxError> {
        let (r, c, st) = (self.r, self.c, self.st);
        let ws = &mut self.ws;
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
            Some(_) => {
                let f = status_formula(&a1(POINTS_ROW, POINTS_COL), &a1(req_row, 1));
                write_formula(ws, status_row, 1, &f, Res::text(&c.status_label), &status_fmt)?
            }
            None => {
                ws.write_string_with_format(status_row, 1, &c.status_label, &status_fmt)?;
            }
        }
        let fills = [
            (Status::Met.label(), &st.green),
            (Status::Below.label(), &st.red),
            (Status::NoData.label(), &st.yellow),
        ];
        text_fills(ws, status_row, status_row, 1, &fills)?;
        let mut row = status_row + 1;
        self.merged_text(row, "Обоснование", &c.reason)?;
        row += 1;
        let gate_cell = self.gate(row)?;
        if gate_cell.is_some() {
            row += 1;
        }
        if !c.combinations.is_empty() {
            self.merged_text(row, "Варианты достижения минимума", &c.combinations.join("; "))?;
            row += 1;
        }
        Ok((row + 2, gate_cell))
    }

    /// The gate's row («Запущены базовые сервисы»: да / нет), if any.
    fn gate(&mut self, row: RowNum) -> Result<Option<String>, XlsxError> {
        let (c, st) = (self.c, self.st);
        let Some(gate) = &c.gate else {
            return Ok(None);
        };
        let status_fmt = st.value.clone().set_align(FormatAlign::Center);
        self.ws.write_string_with_format(row, 0, gate, &st.label)?;
        let ok = c.gate_failed.is_empty();
        self.ws
            .write_string_with_format(row, 1, if ok { "да" } else { "нет" }, &status_fmt)?;
        text_fills(&mut self.ws, row, row, 1, &[("да", &st.green), ("нет", &st.red)])?;
        if !ok {
            let names: Vec<String> = c.gate_failed.iter().map(|n| format!("«{n}»")).collect();
            let text = format!("не запущены: {} — баллы компонента 0", names.join(", "));
            self.ws.write_string_with_format(row, 2, text, &st.value)?;
        }
        Ok(Some(a1(row, 1)))
    }

    /// Row positions: the plan table, then the scale or the criteria, then
    /// the input values.
    fn rows(&self, plan_header: RowNum) -> Rows {
        let c = self.c;
        let plan_last = plan_header + c.rows.len().max(1) as RowNum;
        let block_heading = plan_last + 2;
        let block_len = if self.criteria {
            c.criteria.len()
        } else {
            c.rows.first().map(|p| p.levels.len()).unwrap_or(0)
        };
        let parts_heading = if block_len > 0 {
            block_heading + 1 + block_len as RowNum + 2
        } else {
            block_heading
        };
        Rows {
            plan_header,
            plan_first: plan_header + 1,
            plan_last,
            block_heading,
            block_header: block_heading + 1,
            parts_heading,
            parts_header: parts_heading + 1,
        }
    }

    /// The component's points: the formula over the plan or the criteria
    /// (zeroed by a failed gate), else the engine's value.
    fn points(&mut self, formula: Option<String>, gate_cell: Option<String>) -> Result<(), XlsxError> {
        let (c, st) = (self.c, self.st);
        let points_fmt = st.total.clone().set_align(FormatAlign::Center);
        match (formula, c.points) {
            (Some(f), Some(pts)) => {
                let f = match &gate_cell {
                    Some(g) => format!("=IF({g}={},0,{f})", lit("нет")),
                    None => format!("={f}"),
                };
                write_formula(
                    &mut self.ws,
                    POINTS_ROW,
                    POINTS_COL,
                    &f,
                    Res::Num(f64::from(pts)),
                    &points_fmt,
                )?;
            }
            (_, Some(pts)) => {
                self.ws
                    .write_number_with_format(POINTS_ROW, POINTS_COL, f64::from(pts), &points_fmt)?;
                if self.partial {
                    self.ws
                        .write_string_with_format(POINTS_ROW, 3, REGION_VALUE_NOTE, &st.note)?;
                }
            }
            (_, None) => {
                self.ws
                    .write_string_with_format(POINTS_ROW, POINTS_COL, NO_DATA, &st.value)?;
            }
        }
        Ok(())
    }

    /// The component's description from the methodology.
    fn methodology(&mut self, mut row: RowNum) -> Result<(), XlsxError> {
        let c = self.c;
        self.ws.write_string_with_format(row, 0, "Методика", &self.st.heading)?;
        row += 1;
        for (label, text) in [
            ("Описание", c.description.clone()),
            ("Критерии", c.criteria_text.join("; ")),
            ("В расчёт входят", c.includes.join("; ")),
            ("Метод расчёта", c.method.clone()),
        ] {
            if !text.is_empty() {
                self.merged_text(row, label, &text)?;
                row += 1;
            }
        }
        Ok(())
    }

    /// A label in column A, a wrapped text merged over the other columns.
    fn merged_text(&mut self, row: RowNum, label: &str, text: &str) -> Result<(), XlsxError> {
        self.ws.write_string_with_format(row, 0, label, &self.st.label)?;
        self.ws.merge_range(row, 1, row, self.lay.last(), text, &self.st.long)?;
        self.fit.need(row, self.lay.width_from(1), text);
        Ok(())
    }
}
