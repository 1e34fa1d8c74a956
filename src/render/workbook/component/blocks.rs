//! Under the plan: the criteria of an additive component (met or not,
//! their points) or the scale of a banded one (the count each band needs),
//! with the formulas the component's points are made of.

use rust_xlsxwriter::{ColNum, RowNum, XlsxError};

use super::super::NO_DATA;
use super::super::formula::{Res, a1, criterion_points, join_fn, lit, meets, min_count, write_formula};
use super::super::layout::text_fills;
use super::{CRIT_MET, CRIT_POINTS, Col, Rows, Sheet};
use crate::report::{CriterionView, LevelView, PlanRow};

impl Sheet<'_> {
    /// The criteria table. Returns the formula of the component's points
    /// (their sum) when every criterion is computed by formula here.
    pub(super) fn criteria_block(&mut self, rows: &Rows) -> Result<Option<String>, XlsxError> {
        let (c, st) = (self.c, self.st);
        self.ws.write_string_with_format(
            rows.block_heading,
            0,
            "Критерии компонента (баллы складываются)",
            &st.heading,
        )?;
        let headers = [
            "Критерий",
            "Кратко",
            "Порог",
            "Баллы при выполнении",
            "Выполнен",
            "Баллы",
        ];
        for (i, h) in headers.iter().enumerate() {
            self.ws
                .write_string_with_format(rows.block_header, i as ColNum, *h, &st.header)?;
        }
        self.ws.set_row_height(rows.block_header, 30)?;
        let mut all_formulas = true;
        for (i, cr) in c.criteria.iter().enumerate() {
            all_formulas &= self.criterion_row(rows, rows.block_header + 1 + i as RowNum, cr)?;
        }
        let first = rows.block_header + 1;
        let last = rows.block_header + c.criteria.len() as RowNum;
        let fills = [("выполнен", &st.green), ("не выполнен", &st.red), (NO_DATA, &st.yellow)];
        text_fills(&mut self.ws, first, last, CRIT_MET, &fills)?;
        Ok((c.points.is_some() && all_formulas)
            .then(|| format!("SUM({}:{})", a1(first, CRIT_POINTS), a1(last, CRIT_POINTS))))
    }

    /// One criterion's row; whether «Выполнен» is a formula.
    fn criterion_row(&mut self, rows: &Rows, rr: RowNum, cr: &CriterionView) -> Result<bool, XlsxError> {
        let st = self.st;
        self.fit.put(&mut self.ws, rr, 0, &cr.name, &st.wrap)?;
        self.ws.write_string_with_format(rr, 1, &cr.short, &st.center)?;
        self.ws.write_string_with_format(rr, 2, &cr.threshold, &st.center)?;
        self.ws
            .write_number_with_format(rr, 3, f64::from(cr.points), &st.points)?;
        let formula = self.met_formula(rows, cr);
        match &formula {
            Some(f) => write_formula(&mut self.ws, rr, CRIT_MET, f, Res::text(&cr.status_label), &st.center)?,
            None => {
                self.ws
                    .write_string_with_format(rr, CRIT_MET, &cr.status_label, &st.center)?;
            }
        }
        let met = a1(rr, CRIT_MET);
        let points = format!(
            "=IF({met}={},{},IF({met}={},0,{}))",
            lit("выполнен"),
            a1(rr, 3),
            lit("не выполнен"),
            lit(NO_DATA)
        );
        write_formula(
            &mut self.ws,
            rr,
            CRIT_POINTS,
            &points,
            criterion_points(cr.passed, cr.points),
            &st.points,
        )?;
        Ok(formula.is_some())
    }

    /// «Выполнен» as a formula: each of the criterion's rows meets its
    /// threshold. None when some of its rows are missing from this book or
    /// lack data.
    fn met_formula(&self, rows: &Rows, cr: &CriterionView) -> Option<String> {
        let of_criterion = |p: &&PlanRow| p.criterion.as_deref() == Some(cr.id.as_str());
        let here: Vec<(usize, &PlanRow)> = self
            .c
            .rows
            .iter()
            .enumerate()
            .filter(|(_, p)| of_criterion(p))
            .collect();
        let all_here = self
            .full
            .is_none_or(|f| f.rows.iter().filter(of_criterion).count() == here.len());
        let complete = !here.is_empty()
            && all_here
            && here
                .iter()
                .all(|(_, p)| p.value.is_some() && p.base.is_some() && !p.levels.is_empty());
        if !complete {
            return None;
        }
        let refs: Vec<(String, String, &LevelView)> = here
            .iter()
            .map(|(j, p)| {
                let pr = rows.plan_first + *j as RowNum;
                (
                    a1(pr, self.lay.col(Col::Value)),
                    a1(pr, self.lay.col(Col::Base)),
                    &p.levels[0],
                )
            })
            .collect();
        let zero = join_fn("OR", refs.iter().map(|(_, b, _)| format!("{b}=0")).collect());
        let met = join_fn("AND", refs.iter().map(|(v, b, l)| meets(v, b, l)).collect());
        Some(format!(
            "=IF({zero},{},IF({met},{},{}))",
            lit(NO_DATA),
            lit("выполнен"),
            lit("не выполнен")
        ))
    }

    /// The scale table of the first (only) measure. Returns the formula of
    /// the component's points (the plan row's points) when it can stand for
    /// the region's.
    pub(super) fn scale_block(&mut self, rows: &Rows) -> Result<Option<String>, XlsxError> {
        let (c, st) = (self.c, self.st);
        let Some(p) = c.rows.first() else {
            return Ok(None);
        };
        self.ws.write_string_with_format(
            rows.block_heading,
            0,
            "Шкала баллов: сколько нужно для каждой полосы",
            &st.heading,
        )?;
        let headers = [
            "Полоса шкалы".to_string(),
            "Порог".into(),
            "Баллы".into(),
            format!("Нужно для полосы, {}", p.unit),
            "Отставание".into(),
            "Достигнута".into(),
        ];
        for (i, h) in headers.iter().enumerate() {
            self.ws
                .write_string_with_format(rows.block_header, i as ColNum, h, &st.header)?;
        }
        self.ws.set_row_height(rows.block_header, 30)?;
        for (i, l) in p.levels.iter().enumerate() {
            self.level_row(rows, rows.block_header + 1 + i as RowNum, i, p, l)?;
        }
        if !p.levels.is_empty() {
            let first = rows.block_header + 1;
            let last = rows.block_header + p.levels.len() as RowNum;
            text_fills(&mut self.ws, first, last, 5, &[("да", &st.green), ("нет", &st.red)])?;
        }
        let computable = c.points.is_some() && p.value.is_some() && p.base.is_some() && !self.partial;
        Ok(computable.then(|| a1(rows.plan_first, self.lay.col(Col::Points))))
    }

    /// One band of the scale: its count, the gap, whether reached.
    fn level_row(&mut self, rows: &Rows, rr: RowNum, i: usize, p: &PlanRow, l: &LevelView) -> Result<(), XlsxError> {
        let st = self.st;
        let v = a1(rows.plan_first, self.lay.col(Col::Value));
        let b = a1(rows.plan_first, self.lay.col(Col::Base));
        let label = self
            .c
            .scale
            .get(i)
            .map(|s| s.label.as_str())
            .unwrap_or(l.threshold.as_str());
        let ws = &mut self.ws;
        ws.write_string_with_format(rr, 0, label, &st.text)?;
        ws.write_string_with_format(rr, 1, &l.threshold, &st.center)?;
        ws.write_number_with_format(rr, 2, f64::from(l.points), &st.points)?;
        match l.count {
            Some(n) => write_formula(ws, rr, 3, &format!("={}", min_count(&b, l)), Res::int(n), &st.int)?,
            None => {
                ws.write_string_with_format(rr, 3, NO_DATA, &st.center)?;
            }
        }
        match (l.count, l.gap) {
            (Some(_), Some(g)) => {
                write_formula(ws, rr, 4, &format!("=MAX(0,{}-{v})", a1(rr, 3)), Res::int(g), &st.int)?
            }
            _ => {
                ws.write_string_with_format(rr, 4, NO_DATA, &st.center)?;
            }
        }
        if p.value.is_none() || p.base.is_none() {
            ws.write_string_with_format(rr, 5, NO_DATA, &st.center)?;
            return Ok(());
        }
        let stored = match (p.share_exact, l.reached) {
            (None, _) => NO_DATA,
            (Some(_), true) => "да",
            (Some(_), false) => "нет",
        };
        let f = format!(
            "=IF({b}=0,{},IF({},{},{}))",
            lit(NO_DATA),
            meets(&v, &b, l),
            lit("да"),
            lit("нет")
        );
        write_formula(ws, rr, 5, &f, Res::text(stored), &st.center)
    }
}
