//! The console summary table printed by `check` and `build`.

use crate::report::Report;

fn pad(s: &str, width: usize) -> String {
    let n = s.chars().count();
    if n >= width {
        s.to_string()
    } else {
        format!("{s}{}", " ".repeat(width - n))
    }
}

/// A table: component, points, max, required minimum, status; then the
/// total with its band and the year target.
pub fn summary_table(r: &Report) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "{} — {} (методика: {})\n\n",
        r.meta.region, r.meta.period_label, r.meta.methodology
    ));
    let head = ["Компонент", "Баллы", "Макс.", "Минимум", "Статус"];
    let widths = [52, 11, 6, 8, 22];
    let line = |cells: [&str; 5]| {
        cells
            .iter()
            .zip(widths)
            .map(|(c, w)| pad(c, w))
            .collect::<Vec<_>>()
            .join(" ")
            .trim_end()
            .to_string()
            + "\n"
    };
    out.push_str(&line(head));
    out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 4));
    out.push('\n');
    for c in &r.components {
        let name = format!("{} {}", c.label, c.name);
        let required = c.required.map(|v| v.to_string()).unwrap_or_else(|| "—".into());
        out.push_str(&line([
            &name,
            &c.points_text,
            &c.max.to_string(),
            &required,
            &c.status_label,
        ]));
    }
    out.push('\n');
    let target = match r.summary.year_target {
        Some(t) => format!("; цель {} года — {t}", r.meta.year),
        None => String::new(),
    };
    out.push_str(&format!(
        "Итого: {} из {} ({}){target}; {}\n",
        r.summary.total, r.summary.total_max, r.summary.band.name, r.summary.completeness
    ));
    out
}
