//! The plan table's progress columns: the previous period's value and the
//! change (from «Динамика»), the growth needed per month to the deadline
//! (ROUNDUP), the trend (SLOPE over the last recorded periods, an
//! estimate) and the month its line reaches the target (INTERCEPT, SLOPE,
//! DATE), with «в графике» / «отстаёт».

use rust_xlsxwriter::{Format, RowNum, XlsxError};

use super::super::DASH;
use super::super::dynamics::{MONTH_COL, SHEET};
use super::super::formula::{Res, a1, a1_abs, lit, write_formula};
use super::{Col, Sheet};
use crate::report::PlanRow;

/// At most this many periods make the trend (as in the view model).
const TREND_PERIODS: usize = crate::report::dynamics::TREND_PERIODS;

impl Sheet<'_> {
    fn dash(&mut self, rr: RowNum, col: Col) -> Result<(), XlsxError> {
        let cn = self.lay.col(col);
        self.ws
            .write_string_with_format(rr, cn, DASH, &self.st.center)
            .map(|_| ())
    }

    /// `'Динамика'!$X$5`.
    fn dyn_ref(row: RowNum, col: u16) -> String {
        format!("'{SHEET}'!{}", a1_abs(row, col))
    }

    /// The history index of the previous period with the row's value.
    fn previous_index(&self, p: &PlanRow) -> Option<usize> {
        let series = self.r.measure_history.iter().find(|m| m.id == p.id)?;
        let current = series.values.len().checked_sub(1)?;
        series.values[..current].iter().rposition(|v| v.is_some())
    }

    pub(super) fn previous_cell(&mut self, rr: RowNum, p: &PlanRow) -> Result<(), XlsxError> {
        let cols = self.dynamics.measures.get(&p.id).copied();
        let (Some(prev), Some(i), Some(cols)) = (&p.progress.previous, self.previous_index(p), cols) else {
            return self.dash(rr, Col::Previous);
        };
        let f = format!("={}", Self::dyn_ref(self.dynamics.row(i), cols.value));
        let cn = self.lay.col(Col::Previous);
        write_formula(&mut self.ws, rr, cn, &f, Res::int(prev.value), &self.st.int)
    }

    pub(super) fn change_cell(&mut self, rr: RowNum, p: &PlanRow) -> Result<(), XlsxError> {
        let Some(change) = p.progress.change.filter(|_| p.progress.previous.is_some()) else {
            return self.dash(rr, Col::Change);
        };
        let (v, _) = self.value_base(rr);
        let prev = a1(rr, self.lay.col(Col::Previous));
        let cn = self.lay.col(Col::Change);
        let format = self.st.int.clone().set_num_format("+#,##0;−#,##0;0");
        write_formula(
            &mut self.ws,
            rr,
            cn,
            &format!("={v}-{prev}"),
            Res::Num(change as f64),
            &format,
        )
    }

    pub(super) fn per_month_cell(&mut self, rr: RowNum, p: &PlanRow) -> Result<(), XlsxError> {
        if p.target.is_none() || p.value.is_none() {
            return self.dash(rr, Col::PerMonth);
        }
        let (v, _) = self.value_base(rr);
        let t = a1(rr, self.lay.col(Col::Target));
        let months = p.progress.months_left;
        let f = if months == 0 {
            format!("=MAX(0,{t}-{v})")
        } else {
            format!("=IF({t}-{v}<=0,0,ROUNDUP(({t}-{v})/{months},0))")
        };
        let stored = Res::int(p.progress.growth_needed_per_month.unwrap_or(0));
        let cn = self.lay.col(Col::PerMonth);
        write_formula(&mut self.ws, rr, cn, &f, stored, &self.st.int)
    }

    /// `'Динамика'!$S$a:$S$b` and the months beside it, over the last
    /// recorded periods.
    fn trend_ranges(&self, p: &PlanRow) -> Option<(String, String)> {
        let cols = self.dynamics.measures.get(&p.id)?;
        let n = self.r.history.len();
        let first = self.dynamics.row(n.saturating_sub(TREND_PERIODS));
        let last = self.dynamics.row(n.checked_sub(1)?);
        let range = |c: u16| format!("'{SHEET}'!{}:{}", a1_abs(first, c), a1_abs(last, c));
        Some((range(cols.share), range(MONTH_COL)))
    }

    pub(super) fn trend_cell(&mut self, rr: RowNum, p: &PlanRow) -> Result<(), XlsxError> {
        let (Some(trend), Some((y, x))) = (p.progress.trend_per_month, self.trend_ranges(p)) else {
            return self.dash(rr, Col::Trend);
        };
        let (_, b) = self.value_base(rr);
        let f = format!("=ROUND(SLOPE({y},{x})*{b},0)");
        let cn = self.lay.col(Col::Trend);
        let format = self.st.int.clone().set_num_format("+#,##0;−#,##0;0");
        write_formula(&mut self.ws, rr, cn, &f, Res::Num(trend as f64), &format)
    }

    pub(super) fn forecast_cell(&mut self, rr: RowNum, p: &PlanRow) -> Result<(), XlsxError> {
        let level = p.target_level.and_then(|i| p.levels.get(i));
        let (Some(forecast), Some((y, x)), Some(level)) = (&p.progress.forecast, self.trend_ranges(p), level) else {
            return self.dash(rr, Col::Forecast);
        };
        let current = crate::pace::month_index_of_code(&self.r.meta.period).unwrap_or(0);
        let t = format!("{}/{}", level.threshold_num, level.threshold_den);
        let crossing = format!("({t}-INTERCEPT({y},{x}))/SLOPE({y},{x})");
        let month = if level.inclusive {
            format!("ROUNDUP({crossing},0)")
        } else {
            format!("INT({crossing})+1")
        };
        let m = format!("MAX({},{month})", current + 1);
        let f = format!(
            "=IF(SLOPE({y},{x})<=0,{},DATE(INT(({m}-1)/12),MOD({m}-1,12)+1,1))",
            lit("к сроку не достигается")
        );
        let stored = match &forecast.period {
            Some(code) => {
                let (yy, mm) = crate::pace::month_of(crate::pace::month_index_of_code(code).unwrap_or(current));
                Res::Num(crate::pace::excel_serial(yy, mm, 1))
            }
            None => Res::text("к сроку не достигается"),
        };
        let cn = self.lay.col(Col::Forecast);
        let format = Format::new()
            .set_num_format("mm.yyyy")
            .set_border(rust_xlsxwriter::FormatBorder::Thin)
            .set_border_color("#A6A6A6")
            .set_align(rust_xlsxwriter::FormatAlign::Center);
        write_formula(&mut self.ws, rr, cn, &f, stored, &format)
    }

    pub(super) fn on_track_cell(&mut self, rr: RowNum, p: &PlanRow) -> Result<(), XlsxError> {
        let Some(forecast) = &p.progress.forecast else {
            return self.dash(rr, Col::OnTrack);
        };
        let (dy, dm) = p.progress.last_month;
        let fc = a1(rr, self.lay.col(Col::Forecast));
        let f = format!(
            "=IF(ISNUMBER({fc}),IF({fc}<=DATE({dy},{dm},1),{},{}),{})",
            lit("в графике"),
            lit("отстаёт"),
            lit("отстаёт")
        );
        let cn = self.lay.col(Col::OnTrack);
        write_formula(
            &mut self.ws,
            rr,
            cn,
            &f,
            Res::text(&forecast.status_label),
            &self.st.center,
        )
    }
}
