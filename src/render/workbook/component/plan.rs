//! The plan table of a component's sheet: one row per measure, with live
//! formulas for the value and base (sums of the input cells), the share,
//! the points, the plan count and the gap.

use std::collections::BTreeMap;

use rust_xlsxwriter::{ColNum, RowNum, XlsxError};

use super::super::formula::{Res, a1, criterion_points, lit, meets, min_count, write_formula, write_int};
use super::super::layout::{add_table, table_name};
use super::super::{DASH, NO_DATA};
use super::{CRIT_POINTS, Col, PartCells, Rows, Sheet};
use crate::report::{LevelView, PartView, PlanRow};

impl Sheet<'_> {
    /// The plan table: its heading, header and rows, as an Excel table.
    pub(super) fn plan_table(&mut self, rows: &Rows, cells: &PartCells) -> Result<(), XlsxError> {
        let (r, c, st) = (self.r, self.c, self.st);
        let heading = format!("План на {} год и необходимые шаги", r.meta.year);
        self.ws
            .write_string_with_format(rows.plan_header - 1, 0, heading, &st.heading)?;
        let headers: Vec<String> = self.lay.cols.iter().map(|col| self.header(*col)).collect();
        self.ws.set_row_height(rows.plan_header, 30)?;
        // The criteria table's points cells, by criterion id.
        let criterion_rows: BTreeMap<&str, RowNum> = c
            .criteria
            .iter()
            .enumerate()
            .map(|(i, cr)| (cr.id.as_str(), rows.block_header + 1 + i as RowNum))
            .collect();
        for (i, p) in c.rows.iter().enumerate() {
            let rr = rows.plan_first + i as RowNum;
            for col in self.lay.cols.clone() {
                self.plan_cell(rr, p, col, cells, &criterion_rows)?;
            }
        }
        if c.rows.is_empty() {
            self.ws
                .write_string_with_format(rows.plan_first, 0, "Показатели не заданы методикой", &st.text)?;
        }
        let name = table_name("Plan", &c.id);
        add_table(
            &mut self.ws,
            st,
            &name,
            rows.plan_header,
            rows.plan_last,
            &headers,
            true,
        )
    }

    fn header(&self, col: Col) -> String {
        match col {
            Col::Name => "Показатель".to_string(),
            Col::Criterion => "Критерий".into(),
            Col::Unit => "Ед. изм.".into(),
            Col::Value => "Значение".into(),
            Col::Base => "Расчётная база".into(),
            Col::Share => "Доля".into(),
            Col::Threshold => "Порог".into(),
            Col::Points if self.criteria => "Баллы критерия".into(),
            Col::Points => "Баллы по шкале".into(),
            Col::Target => format!("План {}", self.r.meta.year),
            Col::Gap => "Отставание от плана".into(),
            Col::Previous => "Прошлый период".into(),
            Col::Change => "Изменение".into(),
            Col::PerMonth => "Нужно в месяц до срока".into(),
            Col::Trend => "Темп (тренд) в месяц, оценка".into(),
            Col::Forecast => "Прогноз: месяц достижения".into(),
            Col::OnTrack => "В графике?".into(),
            Col::Responsible => "Ответственные".into(),
            Col::Works => "Необходимые работы".into(),
            Col::Sources => "Источник данных".into(),
        }
    }

    /// One cell of a plan row.
    fn plan_cell(
        &mut self,
        rr: RowNum,
        p: &PlanRow,
        col: Col,
        cells: &PartCells,
        criterion_rows: &BTreeMap<&str, RowNum>,
    ) -> Result<(), XlsxError> {
        let st = self.st;
        let cn = self.lay.col(col);
        let ws = &mut self.ws;
        match col {
            Col::Name => {
                self.fit.put(ws, rr, cn, &p.name, &st.wrap)?;
            }
            Col::Criterion => {
                let short = self
                    .c
                    .criteria
                    .iter()
                    .find(|cr| Some(&cr.id) == p.criterion.as_ref())
                    .map(|cr| cr.short.as_str())
                    .unwrap_or("");
                ws.write_string_with_format(rr, cn, short, &st.center)?;
            }
            Col::Unit => {
                ws.write_string_with_format(rr, cn, &p.unit, &st.center)?;
            }
            Col::Value => self.sum_cell(rr, cn, p.value, &p.numerator_parts, cells)?,
            Col::Base => self.sum_cell(rr, cn, p.base, &p.base_parts, cells)?,
            Col::Share => self.share_cell(rr, p)?,
            Col::Threshold => {
                let next = p.next_level.and_then(|i| p.levels.get(i));
                let t = match (p.threshold.is_empty(), next, self.criteria) {
                    (false, _, _) => p.threshold.clone(),
                    (true, Some(l), _) => format!("{} (следующий уровень)", l.threshold),
                    (true, None, true) => p.levels.first().map_or(DASH.to_string(), |l| l.threshold.clone()),
                    (true, None, false) => DASH.to_string(),
                };
                ws.write_string_with_format(rr, cn, t, &st.center)?;
            }
            Col::Points if self.criteria => self.criterion_points_cell(rr, p, criterion_rows)?,
            Col::Points => self.scale_points_cell(rr, p)?,
            Col::Target => self.target_cell(rr, p)?,
            Col::Gap => self.gap_cell(rr, p)?,
            Col::Previous => self.previous_cell(rr, p)?,
            Col::Change => self.change_cell(rr, p)?,
            Col::PerMonth => self.per_month_cell(rr, p)?,
            Col::Trend => self.trend_cell(rr, p)?,
            Col::Forecast => self.forecast_cell(rr, p)?,
            Col::OnTrack => self.on_track_cell(rr, p)?,
            Col::Responsible => {
                self.fit.put(ws, rr, cn, p.responsible.join(", "), &st.wrap)?;
            }
            Col::Works => {
                self.fit.put(ws, rr, cn, &p.works, &st.wrap)?;
            }
            Col::Sources => {
                self.fit.put(ws, rr, cn, p.sources.join(", "), &st.wrap)?;
            }
        }
        Ok(())
    }

    /// `(value cell, base cell)` of a plan row.
    pub(super) fn value_base(&self, rr: RowNum) -> (String, String) {
        (a1(rr, self.lay.col(Col::Value)), a1(rr, self.lay.col(Col::Base)))
    }

    /// A value or base cell of the plan: the sum of its input cells.
    fn sum_cell(
        &mut self,
        row: RowNum,
        col: ColNum,
        value: Option<u64>,
        parts: &[PartView],
        cells: &PartCells,
    ) -> Result<(), XlsxError> {
        let st = self.st;
        let refs: Option<Vec<String>> = parts
            .iter()
            .map(|p| cells.get(&p.code).map(|(r, c)| a1(*r, *c)))
            .collect();
        match (value, refs) {
            (Some(v), Some(refs)) if !refs.is_empty() && parts.iter().all(|p| p.value.is_some()) => write_formula(
                &mut self.ws,
                row,
                col,
                &format!("={}", refs.join("+")),
                Res::int(v),
                &st.int,
            ),
            (v, _) => write_int(&mut self.ws, row, col, v, &st.int, &st.center),
        }
    }

    fn share_cell(&mut self, rr: RowNum, p: &PlanRow) -> Result<(), XlsxError> {
        let (st, cn) = (self.st, self.lay.col(Col::Share));
        if p.value.is_none() || p.base.is_none() {
            self.ws.write_string_with_format(rr, cn, NO_DATA, &st.text)?;
            return Ok(());
        }
        let (v, b) = self.value_base(rr);
        let res = match p.share_exact {
            Some([n, d]) => Res::Num(n as f64 / d as f64),
            None => Res::text(NO_DATA),
        };
        let f = format!("=IF({b}=0,{},{v}/{b})", lit(NO_DATA));
        // As many decimals as the share needs to stay on its side of the
        // thresholds (one, unless a threshold is near).
        let format = match p.share_digits {
            0 | 1 => st.pct.clone(),
            k => st.pct.clone().set_num_format(format!("0.{}%", "0".repeat(k as usize))),
        };
        write_formula(&mut self.ws, rr, cn, &f, res, &format)
    }

    /// A criterion's points: those of its row in the criteria table.
    fn criterion_points_cell(
        &mut self,
        rr: RowNum,
        p: &PlanRow,
        criterion_rows: &BTreeMap<&str, RowNum>,
    ) -> Result<(), XlsxError> {
        let (st, cn) = (self.st, self.lay.col(Col::Points));
        let cr = self.c.criteria.iter().find(|cr| Some(&cr.id) == p.criterion.as_ref());
        match (cr, p.criterion.as_deref().and_then(|id| criterion_rows.get(id))) {
            (Some(cr), Some(crow)) => {
                let f = format!("={}", a1(*crow, CRIT_POINTS));
                write_formula(
                    &mut self.ws,
                    rr,
                    cn,
                    &f,
                    criterion_points(cr.passed, cr.points),
                    &st.points,
                )
            }
            _ => self.ws.write_string_with_format(rr, cn, DASH, &st.center).map(|_| ()),
        }
    }

    /// A scale's points: the band met, compared in integers.
    fn scale_points_cell(&mut self, rr: RowNum, p: &PlanRow) -> Result<(), XlsxError> {
        let (st, cn) = (self.st, self.lay.col(Col::Points));
        if p.value.is_none() || p.base.is_none() {
            return self
                .ws
                .write_string_with_format(rr, cn, NO_DATA, &st.center)
                .map(|_| ());
        }
        let (v, b) = self.value_base(rr);
        let f = p.levels.iter().fold("0".to_string(), |f, l| {
            format!("IF({},{},{f})", meets(&v, &b, l), l.points)
        });
        let stored = if p.share_exact.is_none() {
            Res::text(NO_DATA)
        } else {
            let reached = p.levels.iter().rev().find(|l| l.reached).map(|l| l.points).unwrap_or(0);
            Res::Num(f64::from(reached))
        };
        let f = format!("=IF({b}=0,{},{f})", lit(NO_DATA));
        write_formula(&mut self.ws, rr, cn, &f, stored, &st.points)
    }

    /// The level of the plan's target (or, the minimum met, of the next
    /// level), its count and its gap.
    pub(super) fn target(p: &PlanRow) -> Option<(&LevelView, u64, Option<u64>)> {
        if let (Some(level), Some(t)) = (p.target_level.and_then(|i| p.levels.get(i)), p.target) {
            return Some((level, t, p.gap));
        }
        let next = p.next_level.and_then(|i| p.levels.get(i))?;
        Some((next, next.count?, next.gap))
    }

    /// No plan: met, or no minimum (—); no base (нет данных).
    fn no_plan(&mut self, rr: RowNum, cn: ColNum, p: &PlanRow) -> Result<(), XlsxError> {
        let text = if p.threshold.is_empty() { DASH } else { NO_DATA };
        self.ws
            .write_string_with_format(rr, cn, text, &self.st.center)
            .map(|_| ())
    }

    fn target_cell(&mut self, rr: RowNum, p: &PlanRow) -> Result<(), XlsxError> {
        let cn = self.lay.col(Col::Target);
        let Some((level, t, _)) = Self::target(p) else {
            return self.no_plan(rr, cn, p);
        };
        let (_, b) = self.value_base(rr);
        let f = format!("={}", min_count(&b, level));
        write_formula(&mut self.ws, rr, cn, &f, Res::int(t), &self.st.int)
    }

    fn gap_cell(&mut self, rr: RowNum, p: &PlanRow) -> Result<(), XlsxError> {
        let cn = self.lay.col(Col::Gap);
        let Some((_, _, Some(g))) = Self::target(p) else {
            return self.no_plan(rr, cn, p);
        };
        let (v, _) = self.value_base(rr);
        let t = a1(rr, self.lay.col(Col::Target));
        write_formula(
            &mut self.ws,
            rr,
            cn,
            &format!("=MAX(0,{t}-{v})"),
            Res::int(g),
            &self.st.int,
        )
    }
}
