//! The input values of a component's sheet, aligned under the plan's
//! columns: each code once, with its role (numerator, base, for
//! information), its body, its place in the form and its source. The plan's
//! formulas read these cells, so changing a value recomputes the sheet.

use std::collections::BTreeMap;

use rust_xlsxwriter::{ColNum, RowNum, XlsxError};

use super::super::NO_DATA;
use super::{Col, PartCells, Rows, Sheet};
use crate::report::{ComponentView, PartView, Report};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Numerator,
    Base,
    Info,
}

impl Role {
    fn label(self) -> &'static str {
        match self {
            Role::Numerator => "числитель",
            Role::Base => "база",
            Role::Info => "для справки",
        }
    }
}

/// One input value: the part, its role, the criterion's short name, the
/// unit.
struct InputRow {
    part: PartView,
    role: Role,
    criterion: String,
    unit: String,
}

/// The component's input values, once each, in the order of the plan rows.
fn part_rows(c: &ComponentView) -> Vec<InputRow> {
    let mut out: Vec<InputRow> = Vec::new();
    for p in &c.rows {
        let short = c
            .criteria
            .iter()
            .find(|cr| Some(&cr.id) == p.criterion.as_ref())
            .map(|cr| cr.short.clone())
            .unwrap_or_default();
        for (parts, role) in [
            (&p.numerator_parts, Role::Numerator),
            (&p.base_parts, Role::Base),
            (&p.info, Role::Info),
        ] {
            for part in parts {
                if !out.iter().any(|q| q.part.code == part.code) {
                    out.push(InputRow {
                        part: part.clone(),
                        role,
                        criterion: short.clone(),
                        unit: p.unit.clone(),
                    });
                }
            }
        }
    }
    out
}

/// `k1.active_audience · submissions/…/max_platform.xlsx, «Показатели», E10`.
fn part_location(r: &Report, code: &str) -> String {
    match r.sources.iter().find(|s| s.code == code) {
        Some(s) => {
            let mut at = format!("{code} · {}", s.file);
            if !s.sheet.is_empty() {
                at.push_str(&format!(", «{}»", s.sheet));
            }
            if !s.cell.is_empty() {
                at.push_str(&format!(", {}", s.cell));
            }
            at
        }
        None => format!("{code} · не представлен"),
    }
}

impl Sheet<'_> {
    /// The input values table. Returns where each code's value is and the
    /// table's last row.
    pub(super) fn input_values(&mut self, rows: &Rows) -> Result<(PartCells, RowNum), XlsxError> {
        let st = self.st;
        self.ws.write_string_with_format(
            rows.parts_heading,
            0,
            "Исходные значения из форм (изменение значения пересчитывает долю, баллы, план и итог)",
            &st.heading,
        )?;
        for (i, col) in self.lay.cols.iter().enumerate() {
            let caption = match col {
                Col::Name => "Исходный показатель",
                Col::Criterion => "Критерий",
                Col::Unit => "Ед. изм.",
                Col::Value => "Значение (числитель)",
                Col::Base => "Значение (база)",
                Col::Share => "Роль в расчёте",
                Col::Responsible => "Ответственные",
                Col::Works => "Код и место в форме",
                Col::Sources => "Источник данных",
                _ => "",
            };
            self.ws
                .write_string_with_format(rows.parts_header, i as ColNum, caption, &st.header)?;
        }
        self.ws.set_row_height(rows.parts_header, 30)?;
        let mut cells: PartCells = BTreeMap::new();
        let inputs = part_rows(self.c);
        for (i, input) in inputs.iter().enumerate() {
            let rr = rows.parts_header + 1 + i as RowNum;
            for col in self.lay.cols.clone() {
                self.input_cell(rr, input, col, &mut cells)?;
            }
        }
        Ok((cells, rows.parts_header + inputs.len() as RowNum))
    }

    fn input_cell(&mut self, rr: RowNum, input: &InputRow, col: Col, cells: &mut PartCells) -> Result<(), XlsxError> {
        let st = self.st;
        let cn = self.lay.col(col);
        let part = &input.part;
        let value_col = if input.role == Role::Base {
            Col::Base
        } else {
            Col::Value
        };
        let ws = &mut self.ws;
        match col {
            Col::Name => self.fit.put(ws, rr, cn, &part.name, &st.wrap)?,
            Col::Criterion => ws.write_string_with_format(rr, cn, &input.criterion, &st.center)?,
            Col::Unit => ws.write_string_with_format(rr, cn, &input.unit, &st.center)?,
            Col::Value | Col::Base if col == value_col => {
                cells.insert(part.code.clone(), (rr, cn));
                match part.value {
                    Some(v) => ws.write_number_with_format(rr, cn, v as f64, &st.int)?,
                    None => ws.write_string_with_format(rr, cn, NO_DATA, &st.center)?,
                }
            }
            Col::Share => ws.write_string_with_format(rr, cn, input.role.label(), &st.center)?,
            Col::Responsible => self.fit.put(ws, rr, cn, part.responsible.join(", "), &st.wrap)?,
            Col::Works => self.fit.put(ws, rr, cn, part_location(self.r, &part.code), &st.wrap)?,
            Col::Sources => self.fit.put(ws, rr, cn, &part.source, &st.wrap)?,
            _ => ws.write_blank(rr, cn, &st.text)?,
        };
        Ok(())
    }
}
