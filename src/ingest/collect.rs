//! The rows of the read submissions checked together: codes against the
//! catalogue, values against their kinds, the same code in two forms,
//! region and period agreement across forms.

use super::codes::{self, CodeText};
use super::workbook::{Row, Submission};
use super::{Inputs, Observation, SubmissionInfo};
use crate::diag::{Diagnostic, Location, quoted};
use crate::methodology::Methodology;

/// Unknown codes listed one by one up to this many per file; more are
/// summarised in one warning.
pub const UNKNOWN_CODES_LISTED: usize = 5;
/// Row diagnostics shown per file; the rest are counted in one line.
pub const MAX_ROW_DIAGNOSTICS: usize = 50;

/// Checks the rows of the read submissions: codes, value types, conflicts,
/// region and period agreement.
pub fn collect(submissions: &[Submission], methodology: &Methodology) -> Inputs {
    let mut out = Inputs::default();
    for s in submissions {
        agree_region(s, &mut out);
        agree_period(s, &mut out);
        out.submissions.push(SubmissionInfo {
            file: s.file.clone(),
            sheet: s.sheet.clone(),
            body: s.meta.body.as_ref().map(|b| b.0.clone()),
            period: s.meta.period.as_ref().map(|p| p.0.code()),
            date: s.meta.date.clone(),
            date_ymd: s.meta.date_ymd,
            author: s.meta.author.clone(),
            rows: s.rows.len(),
        });
        // This file's row diagnostics, bounded (see `bound_row_diagnostics`).
        let mut diags = Vec::new();
        let mut unknown: Vec<&Row> = Vec::new();
        for row in &s.rows {
            let Some(code) = codes::resolve(&row.code, methodology) else {
                unknown.push(row);
                continue;
            };
            let first = diags.len();
            let code_text = code.code.clone();
            look_alike_warning(row, &code, &mut diags);
            if let Some(value) = super::accept::accept(row, &code.code, methodology, &mut diags) {
                record(s, row, code.code, value, &mut out, &mut diags);
            }
            for d in &mut diags[first..] {
                d.code = Some(code_text.as_str().into());
            }
        }
        unknown_codes(&unknown, methodology, &mut out.diagnostics);
        bound_row_diagnostics(diags, &mut out.diagnostics);
    }
    out
}

fn agree_region(s: &Submission, out: &mut Inputs) {
    let Some((region, loc)) = &s.meta.region else {
        return;
    };
    match &out.region {
        None => out.region = Some((region.clone(), loc.clone())),
        Some((r0, l0)) if !crate::names::same(r0, region) => out.diagnostics.push(Diagnostic::error(
            Some(loc.clone()),
            format!(
                "регион {} не совпадает с регионом {} в {l0}",
                quoted(region),
                quoted(r0)
            ),
        )),
        Some(_) => {}
    }
}

fn agree_period(s: &Submission, out: &mut Inputs) {
    let Some((period, loc, note)) = &s.meta.period else {
        return;
    };
    match &out.period {
        None => out.period = Some((*period, loc.clone(), note.clone())),
        Some((p0, l0, note0)) if p0 != period => {
            let how: Vec<String> = [note.as_ref(), note0.as_ref().map(|n| n as &String)]
                .into_iter()
                .flatten()
                .map(|n| format!(" ({n})"))
                .collect();
            out.diagnostics.push(Diagnostic::error(
                Some(loc.clone()),
                format!(
                    "период {} не совпадает с периодом {} в {l0}: все формы одной сборки должны быть за один период{}",
                    period.label(),
                    p0.label(),
                    how.concat()
                ),
            ))
        }
        Some(_) => {}
    }
}

/// A code typed with Cyrillic look-alike letters, taken for the code it
/// spells.
fn look_alike_warning(row: &Row, code: &CodeText, diags: &mut Vec<Diagnostic>) {
    if code.cyrillic.is_empty() {
        return;
    }
    let letters: Vec<String> = code.cyrillic.iter().map(char::to_string).collect();
    diags.push(Diagnostic::warning(
        Some(row.code_loc.clone()),
        format!(
            "в коде русские буквы {}: учтён как {} — исправьте код в форме",
            letters.join(", "),
            code.code
        ),
    ));
}

/// Records an accepted value: the first one of its code, or a repeat
/// (the same value: a warning; another: an error naming both cells).
fn record(s: &Submission, row: &Row, code: String, value: u64, out: &mut Inputs, diags: &mut Vec<Diagnostic>) {
    let obs = Observation {
        code: code.clone(),
        value,
        location: row.value_loc.clone(),
        body: s.meta.body.as_ref().map(|b| b.0.clone()),
        source: row.source.clone(),
        name: row.name.clone(),
    };
    match out.values.get(&code) {
        Some(first) if first.value != value => diags.push(Diagnostic::error(
            Some(row.value_loc.clone()),
            format!(
                "код {code} указан дважды с разными значениями: {} здесь и {} в {}",
                crate::fmt::int(value),
                crate::fmt::int(first.value),
                first.location
            ),
        )),
        Some(first) => {
            diags.push(Diagnostic::warning(
                Some(row.value_loc.clone()),
                format!("код {code} уже указан с тем же значением в {}", first.location),
            ));
            out.observations.push(obs);
        }
        None => {
            out.values.insert(code, obs.clone());
            out.observations.push(obs);
        }
    }
}

/// Warns about the rows of one file whose code is not in the catalogue: one
/// warning per row (at the code's cell, with the nearest known code) when
/// there are a few, else one warning that counts them and names the first
/// ones with their cells.
fn unknown_codes(rows: &[&Row], m: &Methodology, diags: &mut Vec<Diagnostic>) {
    const HINT: &str = "ожидался код из справочника формы (например, k1.active_audience)";
    if rows.len() <= UNKNOWN_CODES_LISTED {
        for row in rows {
            let hint = match codes::suggest(&row.code, m) {
                Some(near) => format!("возможно, {near}"),
                None => HINT.to_string(),
            };
            diags.push(Diagnostic::warning(
                Some(row.code_loc.clone()),
                format!("неизвестный код {}: {hint} — строка не учтена", quoted(&row.code)),
            ));
        }
        return;
    }
    let n = rows.len() as u64;
    let first: Vec<String> = rows
        .iter()
        .take(UNKNOWN_CODES_LISTED)
        .map(|r| match &r.code_loc.cell {
            Some(cell) => format!("{} ({cell})", quoted(&r.code)),
            None => quoted(&r.code),
        })
        .collect();
    diags.push(Diagnostic::warning(
        Some(Location {
            cell: None,
            ..rows[0].code_loc.clone()
        }),
        format!(
            "{} {} {} — строки не учтены; первые: {}; {HINT}",
            crate::fmt::int(n),
            crate::fmt::plural(n, "неизвестный", "неизвестных", "неизвестных"),
            crate::fmt::plural(n, "код", "кода", "кодов"),
            first.join(", ")
        ),
    ));
}

/// Keeps the first [`MAX_ROW_DIAGNOSTICS`] diagnostics of one file and
/// counts the rest in one closing line (an error when any of them is), so
/// that a sheet of thousands of bad rows gives a readable list.
fn bound_row_diagnostics(mut file_diags: Vec<Diagnostic>, diags: &mut Vec<Diagnostic>) {
    if file_diags.len() <= MAX_ROW_DIAGNOSTICS {
        diags.append(&mut file_diags);
        return;
    }
    let rest = file_diags.split_off(MAX_ROW_DIAGNOSTICS);
    let errors = rest.iter().filter(|d| d.is_error()).count() as u64;
    let warnings = rest.len() as u64 - errors;
    let loc = rest[0].location.as_ref().map(|l| Location {
        cell: None,
        ..l.clone()
    });
    diags.append(&mut file_diags);
    let mut parts = Vec::new();
    if errors > 0 {
        parts.push(crate::fmt::count(errors, "ошибка", "ошибки", "ошибок"));
    }
    if warnings > 0 {
        parts.push(crate::fmt::count(
            warnings,
            "предупреждение",
            "предупреждения",
            "предупреждений",
        ));
    }
    let msg = format!(
        "и ещё {} в этом файле (показаны первые {MAX_ROW_DIAGNOSTICS})",
        parts.join(" и ")
    );
    diags.push(if errors > 0 {
        Diagnostic::error(loc, msg)
    } else {
        Diagnostic::warning(loc, msg)
    });
}
