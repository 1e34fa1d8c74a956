//! One row's value checked against its code's kind: a count (a whole
//! number from 0 to [`MAX_COUNT`]) or a flag (1/0, да/нет). A blank is «not
//! submitted» with no message; everything else that does not count is a
//! diagnostic at the value's cell.

use super::value::{CellValue, Decimal};
use super::workbook::Row;
use crate::diag::{Diagnostic, quoted};
use crate::methodology::{IndicatorDef, IndicatorKind, Methodology};

/// The largest count accepted (10^10: more than the world's population).
pub const MAX_COUNT: u64 = 10_000_000_000;

/// The value of `row` for `code`, or None (with a diagnostic, except for a
/// blank).
pub(super) fn accept(row: &Row, code: &str, m: &Methodology, diags: &mut Vec<Diagnostic>) -> Option<u64> {
    let def = m.indicator(code)?;
    if row.value == CellValue::Empty {
        return None;
    }
    // The code's own name, for a message: «Базовый сервис запущен: Чат-бот МФЦ».
    let name = || m.indicator_name(code).unwrap_or_else(|| def.name.clone());
    let checked = match (common(&row.value, &name, def), def.kind) {
        (Some(problem), _) => Err(problem),
        (None, IndicatorKind::Flag) => flag(&row.value),
        (None, IndicatorKind::Count) => count(&row.value, &name, def),
    };
    checked.map_err(|p| diags.push(p.at(row))).ok()
}

/// A problem found before the value is taken for a count or a flag.
enum Problem {
    Error(String),
    Warning(String),
}

impl Problem {
    fn at(self, row: &Row) -> Diagnostic {
        let loc = Some(row.value_loc.clone());
        match self {
            Problem::Error(m) => Diagnostic::error(loc, m),
            Problem::Warning(m) => Diagnostic::warning(loc, m),
        }
    }
}

/// What is wrong whatever the kind: a formula error, a formula without a
/// saved result, a date.
fn common(value: &CellValue, name: &dyn Fn() -> String, def: &IndicatorDef) -> Option<Problem> {
    match value {
        CellValue::Error(e) => Some(Problem::Error(format!(
            "ошибка формулы {e}: ожидалось число ({}, {})",
            name(),
            def.unit
        ))),
        CellValue::Uncomputed(f) => Some(Problem::Error(format!(
            "в ячейке формула {} без сохранённого значения (книга сохранена программой, которая не пересчитывает формулы) — откройте книгу в Excel или LibreOffice и сохраните её (формулы пересчитаются), затем отправьте заново",
            quoted(&format!("={}", f.trim_start_matches('=')))
        ))),
        CellValue::Date(_) => Some(Problem::Error(format!(
            "ожидалось число ({}), найдена дата — проверьте формат ячейки",
            def.unit
        ))),
        _ => None,
    }
}

fn flag(value: &CellValue) -> Result<u64, Problem> {
    match value {
        CellValue::Text(t) => match t.to_lowercase().as_str() {
            "да" | "yes" | "запущен" | "запущено" => Ok(1),
            "нет" | "no" | "не запущен" | "не запущено" => Ok(0),
            _ => Err(Problem::Warning(format!(
                "ожидалось 1/0 или «да»/«нет», найдено {} — значение не учтено",
                quoted(t)
            ))),
        },
        CellValue::Bool(b) => Ok(u64::from(*b)),
        CellValue::Number { value, percent } => match (value.as_integer(), percent) {
            (Some(v @ (0 | 1)), false) => Ok(v as u64),
            _ => Err(Problem::Error(format!(
                "ожидалось 1 (запущен) или 0 (не запущен), найдено {}",
                show(value, *percent)
            ))),
        },
        CellValue::Huge(f) => Err(Problem::Error(format!(
            "ожидалось 1 (запущен) или 0 (не запущен), найдено {}",
            quoted(&format!("{f:e}"))
        ))),
        _ => Err(Problem::Error("ожидалось 1 (запущен) или 0 (не запущен)".into())),
    }
}

/// `значение … больше допустимого 10 000 000 000`.
fn too_large(shown: &str) -> Problem {
    Problem::Error(format!(
        "значение {shown} больше допустимого {} — вероятно, ошибка ввода",
        crate::fmt::int(MAX_COUNT)
    ))
}

fn count(value: &CellValue, name: &dyn Fn() -> String, def: &IndicatorDef) -> Result<u64, Problem> {
    match value {
        CellValue::Text(t) if super::value::is_oversized_number(t) => Err(too_large(&quoted(t))),
        CellValue::Text(t) => Err(Problem::Warning(format!(
            "ожидалось число ({}, {}), найдено {} — значение считается непредставленным",
            name(),
            def.unit,
            quoted(t)
        ))),
        CellValue::Huge(f) => Err(too_large(&quoted(&format!("{f:e}").replace('.', ",")))),
        CellValue::Bool(b) => Err(Problem::Error(format!(
            "ожидалось целое число ≥ 0, найдено логическое значение {}",
            if *b { "ИСТИНА" } else { "ЛОЖЬ" }
        ))),
        CellValue::Number { value, percent: true } => Err(Problem::Error(format!(
            "ожидалось количество ({}), найден процент {} — укажите число, а не долю",
            def.unit,
            show(value, true)
        ))),
        CellValue::Number { value, .. } if value.mantissa < 0 => Err(Problem::Error(format!(
            "ожидалось целое число ≥ 0, найдено отрицательное {}",
            show(value, false)
        ))),
        CellValue::Number { value, .. } => match value.as_integer() {
            None => Err(Problem::Error(format!(
                "ожидалось целое число ({}), найдено дробное {}",
                def.unit,
                show(value, false)
            ))),
            Some(v) if v > i128::from(MAX_COUNT) => Err(too_large(&show(value, false))),
            Some(v) => Ok(v as u64),
        },
        _ => Err(Problem::Error(format!("ожидалось целое число ≥ 0 ({})", def.unit))),
    }
}

fn show(d: &Decimal, percent: bool) -> String {
    if percent {
        let p = Decimal {
            mantissa: d.mantissa,
            scale: d.scale.saturating_sub(2),
        };
        let s = if d.scale >= 2 {
            p.to_string()
        } else {
            format!("{}", d.to_f64() * 100.0)
        };
        format!("«{}%»", s.replace('.', ","))
    } else {
        format!("«{}»", d.to_string().replace('.', ","))
    }
}
