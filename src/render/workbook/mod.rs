//! `report.xlsx`: the deck's content as a workbook that a ministry analyst
//! can filter, audit and forward.
//!
//! Sheets: «Сводка» (region, period, the total with its zone, the year
//! targets, the components and a chart), one sheet per component named by
//! its label («К1» …), «Итоги <год>» (last year's measures), «Источники»
//! (every value read, with its file, sheet and cell), «Сбор форм» (who has
//! sent its form; the region's book only) and «Замечания» (the diagnostics).
//!
//! Every figure comes from the view model ([`Report`]); nothing is scored
//! here. Where an auditor wants to see the arithmetic, the cell holds a live
//! formula that reproduces the engine's result — shares, band points (in
//! integers, `value·den ≥ num·base`, so that a value exactly at a strict
//! threshold stays in the lower band, as in the engine), criterion points,
//! the component's points, the plan counts, the gaps and the total — and
//! the engine's value is stored as the formula's cached result, so viewers
//! that do not recalculate show the same figures. Only classic functions
//! are used (IF, AND, OR, MAX, SUM, INT, ISNUMBER); a component without data
//! shows «нет данных» instead of a formula, and shares and points are
//! guarded against a zero base.
//!
//! The creation date is the report's document date: the same report gives
//! byte-identical bytes.

mod chart_cache;
mod collection;
mod component;
mod dynamics;
mod formula;
mod layout;
mod lists;
mod styles;
mod summary;

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Workbook, XlsxError};

use crate::report::{BodyView, Report};
use styles::Styles;

/// The text shown where a figure cannot be computed.
const NO_DATA: &str = "нет данных";
/// The text of an empty cell of a plan («not applicable»).
const DASH: &str = "—";

const FMT_INT: &str = "#,##0";
const FMT_PCT: &str = "0.0%";
const FMT_POINTS: &str = "0";

/// The note beside a region's figure shown as a value in a body's book.
const REGION_VALUE_NOTE: &str = "значение по всем показателям региона (в этой книге — только показатели органа)";

/// Renders the workbook.
pub fn render(report: &Report) -> Result<Vec<u8>, XlsxError> {
    render_scoped(report, None)
}

/// A body's workbook (`out/bodies/<slug>/report.xlsx`) from its part of the
/// report ([`Report::for_body`]): the same sheets, formulas and sources as
/// the main workbook, cut to the body's rows. Where the region's figure
/// depends on rows that are not in the book — the total, a component's
/// points when some of its rows belong to other bodies, a criterion whose
/// rows are not all here — the engine's value is written as a value with a
/// note, never a formula over the rows that happen to be present.
pub fn render_part(part: &Report, full: &Report, body: &BodyView) -> Result<Vec<u8>, XlsxError> {
    render_scoped(part, Some(Scope { full, body }))
}

/// The region's report and the body a workbook is cut for.
#[derive(Clone, Copy)]
struct Scope<'a> {
    full: &'a Report,
    body: &'a BodyView,
}

/// A document date as the workbook's creation time; a year Excel cannot
/// hold is an error, never a silent substitute.
pub(crate) fn excel_date((y, m, d): (i32, u8, u8)) -> Result<ExcelDateTime, XlsxError> {
    let year = u16::try_from(y).map_err(|_| XlsxError::DateTimeRangeError(format!("год {y} вне диапазона Excel")))?;
    ExcelDateTime::from_ymd(year, m, d)
}

fn render_scoped(report: &Report, scope: Option<Scope<'_>>) -> Result<Vec<u8>, XlsxError> {
    let st = Styles::new(report);
    let mut wb = Workbook::new();
    let created = excel_date(report.meta.document_date)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(format!(
                "Рейтинг внедрения национального мессенджера МАХ — {}",
                report.meta.region
            ))
            .set_subject(format!("{}, {}", report.meta.region, report.meta.period_label))
            .set_author("max-rating")
            .set_keywords("МАХ, MAX, рейтинг, план")
            .set_comment(report.meta.methodology.clone())
            .set_creation_datetime(&created),
    );
    let (dynamics, dynamics_cells) = dynamics::dynamics_sheet(report, &st)?;
    let mut components = Vec::new();
    let mut points_cells = Vec::new();
    for c in &report.components {
        let full = scope.and_then(|s| s.full.components.iter().find(|f| f.id == c.id));
        let (ws, points_cell) = component::component_sheet(report, c, full, &st, &dynamics_cells)?;
        points_cells.push(points_cell);
        components.push(ws);
    }
    let (summary, chart_cache) = summary::summary_sheet(report, &points_cells, scope.map(|s| s.body), &st)?;
    wb.push_worksheet(summary);
    for ws in components {
        wb.push_worksheet(ws);
    }
    wb.push_worksheet(dynamics);
    if let Some(ws) = lists::results_sheet(report, &st)? {
        wb.push_worksheet(ws);
    }
    if scope.is_none()
        && let Some(ws) = collection::collection_sheet(report, &st)?
    {
        wb.push_worksheet(ws);
    }
    wb.push_worksheet(lists::sources_sheet(report, &st)?);
    wb.push_worksheet(lists::remarks_sheet(report, &st)?);
    let bytes = wb.save_to_buffer()?;
    Ok(match &chart_cache {
        Some(cache) => chart_cache::fill_chart_cache(bytes, cache),
        None => bytes,
    })
}
