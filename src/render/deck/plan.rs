//! The tables of the «Необходимые шаги» slides: rows and cells with every
//! text rendered from `texts.hbs`, footnote marks assigned per slide. The
//! template `plan.typ` only lays them out.

use serde::Serialize;
use serde_json::{Value, json};

use super::context::{Ctx, to_value};
use crate::methodology::ComponentKind;
use crate::render::wording::TextError;
use crate::report::component::numbered;
use crate::report::{ComponentView, PartView, PlanRow, Report};

/// The number of columns of a plan table.
pub const PLAN_COLUMNS: usize = 6;

/// One cell of a plan table. `role` says what it holds (`indicator`,
/// `value`, `target`, `gap`, `responsible`, `works`, `note`, `heading`) so
/// that the template can style columns.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub role: &'static str,
    pub text: String,
    /// The text as lines: the items of a list written «1. … 2. …», else
    /// the text alone.
    pub lines: Vec<String>,
    /// Smaller lines under the text (the change, the pace, the forecast),
    /// each with a tone: `good`, `bad` or empty.
    pub notes: Vec<Note>,
    pub colspan: usize,
    pub rowspan: usize,
}

/// A small line under a cell's text.
#[derive(Debug, Clone, Serialize)]
pub struct Note {
    pub text: String,
    pub tone: &'static str,
}

impl Cell {
    /// Adds `text` as a note unless it is empty.
    fn note(mut self, text: String, tone: &'static str) -> Cell {
        if !text.is_empty() {
            self.notes.push(Note { text, tone });
        }
        self
    }
}

fn span(role: &'static str, text: String, colspan: usize, rowspan: usize) -> Cell {
    Cell {
        role,
        lines: numbered(&text),
        text,
        notes: Vec::new(),
        colspan,
        rowspan,
    }
}

fn cell(role: &'static str, text: String) -> Cell {
    span(role, text, 1, 1)
}

/// One row of a plan table. `kind`: `criterion` (a criterion's heading, one
/// cell over all columns), `heading` (a measure made of parts), `measure`,
/// `part` (one part of a measure), `base` (the base of a measure).
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub kind: &'static str,
    pub cells: Vec<Cell>,
}

/// One component's table on a plan slide.
#[derive(Debug, Clone, Serialize)]
pub struct PlanSection {
    pub component: String,
    pub heading: String,
    pub rows: Vec<Row>,
    /// Sentences under the table (combinations, failed gate).
    pub notes: Vec<String>,
}

/// One plan slide (may run over several pages).
#[derive(Debug, Clone, Serialize)]
pub struct PlanSlide {
    pub kind: ComponentKind,
    pub heading: String,
    pub sections: Vec<PlanSection>,
    pub footnotes: Vec<String>,
}

/// Footnote marks of one slide: «*», «**», … in order of first use.
#[derive(Default)]
struct Marks {
    keys: Vec<String>,
    notes: Vec<String>,
}

impl Marks {
    fn mark(&mut self, key: String, note: impl FnOnce(&str) -> Result<String, TextError>) -> Result<String, TextError> {
        if let Some(i) = self.keys.iter().position(|k| *k == key) {
            return Ok("*".repeat(i + 1));
        }
        let m = "*".repeat(self.keys.len() + 1);
        let text = note(&m)?;
        self.keys.push(key);
        self.notes.push(text);
        Ok(m)
    }

    /// The mark of a source («согласно сведениям …»), none without one.
    fn source(&mut self, cx: &Ctx<'_>, source: &str) -> Result<String, TextError> {
        if source.is_empty() {
            return Ok(String::new());
        }
        self.mark(format!("source:{source}"), |m| {
            cx.text("footnote_source", &[("mark", json!(m)), ("source", json!(source))])
        })
    }
}

/// The plan slides: the audience components share one slide (as in the
/// seed deck), each transactional component gets its own.
pub(super) fn plan_slides(cx: &Ctx<'_>, report: &Report) -> Result<Vec<PlanSlide>, TextError> {
    let mut plan = Vec::new();
    let audience: Vec<&ComponentView> = report
        .components
        .iter()
        .filter(|c| c.kind == ComponentKind::Audience)
        .collect();
    if !audience.is_empty() {
        let mut marks = Marks::default();
        let sections = audience
            .iter()
            .map(|c| plan_section(cx, c, &mut marks))
            .collect::<Result<Vec<_>, _>>()?;
        plan.push(PlanSlide {
            kind: ComponentKind::Audience,
            heading: cx.text("plan_audience_heading", &[])?,
            sections,
            footnotes: marks.notes,
        });
    }
    for c in report
        .components
        .iter()
        .filter(|c| c.kind == ComponentKind::Transactional)
    {
        let mut marks = Marks::default();
        let section = plan_section(cx, c, &mut marks)?;
        plan.push(PlanSlide {
            kind: ComponentKind::Transactional,
            heading: cx.text("plan_transactional_heading", &[])?,
            sections: vec![section],
            footnotes: marks.notes,
        });
    }
    Ok(plan)
}

fn first_source(parts: &[PartView]) -> String {
    parts
        .iter()
        .map(|p| p.source.clone())
        .find(|s| !s.is_empty())
        .unwrap_or_default()
}

fn plan_section(cx: &Ctx<'_>, c: &ComponentView, marks: &mut Marks) -> Result<PlanSection, TextError> {
    let comp = to_value(c);
    let ccx = [("component", comp.clone())];
    let mut rows = Vec::new();
    let mut last_criterion: Option<&str> = None;
    for r in &c.rows {
        if let Some(id) = r.criterion.as_deref()
            && last_criterion != Some(id)
        {
            last_criterion = Some(id);
            if let Some((n, cr)) = c.criteria.iter().enumerate().find(|(_, cr)| cr.id == id) {
                let text = cx.text(
                    "plan_criterion_heading",
                    &[
                        ("component", comp.clone()),
                        ("criterion", to_value(cr)),
                        ("number", json!(n + 1)),
                    ],
                )?;
                rows.push(Row {
                    kind: "criterion",
                    cells: vec![span("heading", text, PLAN_COLUMNS, 1)],
                });
            }
        }
        let m = MeasureCx::new(cx, c, &comp, r, marks)?;
        rows.extend(if m.multi { m.part_rows(marks)? } else { m.single_rows()? });
    }
    let mut notes = Vec::new();
    if !c.gate_failed.is_empty() {
        notes.push(cx.text("plan_gate", &ccx)?);
    }
    if !c.combinations.is_empty() {
        notes.push(cx.text("plan_combinations", &ccx)?);
    }
    Ok(PlanSection {
        component: c.id.clone(),
        heading: cx.text("plan_component_heading", &ccx)?,
        rows,
        notes,
    })
}

/// One measure's texts: its context (the component, the row, the marks of
/// its value and base, their sources).
struct MeasureCx<'c, 'a> {
    cx: &'c Ctx<'a>,
    row: &'c PlanRow,
    vars: Vec<(&'static str, Value)>,
    /// Made of several parts (К4): a heading and a row per part.
    multi: bool,
    /// A component of criteria (К2): the base has its own row.
    criteria_style: bool,
}

impl<'c, 'a> MeasureCx<'c, 'a> {
    fn new(
        cx: &'c Ctx<'a>,
        c: &ComponentView,
        comp: &Value,
        r: &'c PlanRow,
        marks: &mut Marks,
    ) -> Result<MeasureCx<'c, 'a>, TextError> {
        let row = to_value(r);
        let source = first_source(&r.numerator_parts);
        let base_source = first_source(&r.base_parts);
        let multi = r.numerator_parts.len() > 1 || r.base_parts.len() > 1;
        let criteria_style = !c.criteria.is_empty();
        let (value_mark, base_mark) = if multi || criteria_style {
            (String::new(), String::new())
        } else {
            let vm = marks.source(cx, &source)?;
            let bm = if r.base_parts.is_empty() {
                String::new()
            } else {
                let codes: Vec<&str> = r.base_parts.iter().map(|p| p.code.as_str()).collect();
                marks.mark(format!("base:{}:{base_source}", codes.join("+")), |m| {
                    cx.text(
                        "footnote_base",
                        &[
                            ("component", comp.clone()),
                            ("row", row.clone()),
                            ("mark", json!(m)),
                            ("source", json!(source)),
                            ("base_source", json!(base_source)),
                        ],
                    )
                })?
            };
            (vm, bm)
        };
        Ok(MeasureCx {
            cx,
            row: r,
            vars: vec![
                ("component", comp.clone()),
                ("row", row),
                ("value_mark", json!(value_mark)),
                ("base_mark", json!(base_mark)),
                ("source", json!(source)),
                ("base_source", json!(base_source)),
            ],
            multi,
            criteria_style,
        })
    }

    fn t(&self, key: &str) -> Result<String, TextError> {
        self.cx.text(key, &self.vars)
    }

    /// The value's cell with the change since the previous period.
    fn value_cell(&self, key: &str, rowspan: usize) -> Result<Cell, TextError> {
        Ok(span("value", self.t(key)?, 1, rowspan).note(self.t("plan_change")?, ""))
    }

    /// The gap's cell with the growth needed per month and the forecast.
    fn gap_cell(&self, rowspan: usize) -> Result<Cell, TextError> {
        let tone = match &self.row.progress.forecast {
            Some(f) if f.on_track => "good",
            Some(_) => "bad",
            None => "",
        };
        Ok(span("gap", self.t("plan_gap")?, 1, rowspan)
            .note(self.t("plan_pace")?, "")
            .note(self.t("plan_forecast")?, tone))
    }

    fn part_text(&self, key: &str, p: &PartView, mark: &str) -> Result<String, TextError> {
        let mut extra = self.vars.clone();
        extra.push(("part", to_value(p)));
        extra.push(("mark", json!(mark)));
        self.cx.text(key, &extra)
    }

    /// A measure of one value and one base: its row, and under a criterion
    /// the row of its base.
    fn single_rows(&self) -> Result<Vec<Row>, TextError> {
        let mut out = vec![Row {
            kind: "measure",
            cells: vec![
                cell("indicator", self.t("plan_indicator")?),
                self.value_cell("plan_value", 1)?,
                cell("target", self.t("plan_target")?),
                self.gap_cell(1)?,
                cell("responsible", self.t("plan_responsible")?),
                cell("works", self.t("plan_works")?),
            ],
        }];
        if self.criteria_style && !self.row.base_parts.is_empty() {
            out.push(Row {
                kind: "base",
                cells: vec![
                    cell("indicator", self.t("plan_base_label")?),
                    cell("value", self.t("plan_base_value")?),
                    cell("target", self.t("plan_base_plan")?),
                    span("note", self.t("plan_base_note")?, PLAN_COLUMNS - 3, 1),
                ],
            });
        }
        Ok(out)
    }

    /// A measure made of parts (К4): heading, one row per numerator part,
    /// then one row per base part with its own responsible bodies.
    fn part_rows(&self, marks: &mut Marks) -> Result<Vec<Row>, TextError> {
        let r = self.row;
        let mut out = vec![Row {
            kind: "heading",
            cells: vec![
                span("heading", self.t("plan_measure_heading")?, PLAN_COLUMNS, 1).note(self.t("plan_change")?, ""),
            ],
        }];
        let n = r.numerator_parts.len().max(1);
        let bases = if r.base_parts.len() > 1 { r.base_parts.len() } else { 0 };
        for (i, p) in r.numerator_parts.iter().enumerate() {
            let mut cells = vec![
                cell("indicator", self.part_text("plan_part_indicator", p, "")?),
                cell("value", self.part_text("plan_part_value", p, "")?),
            ];
            if i == 0 {
                cells.push(span("target", self.t("plan_target")?, 1, n));
                cells.push(self.gap_cell(n)?);
                cells.push(span("responsible", self.t("plan_responsible")?, 1, n));
                cells.push(span("works", self.t("plan_works")?, 1, n + bases));
            }
            out.push(Row { kind: "part", cells });
        }
        if bases > 0 {
            for p in &r.base_parts {
                let mark = marks.source(self.cx, &p.source)?;
                out.push(Row {
                    kind: "base",
                    cells: vec![
                        span("indicator", self.part_text("plan_base_part", p, &mark)?, 4, 1),
                        cell("responsible", p.responsible.join("; ")),
                    ],
                });
            }
        }
        Ok(out)
    }
}
