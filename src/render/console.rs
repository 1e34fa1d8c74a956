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
    let line = |cells: [&str; 5]| row(&cells, &widths);
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

/// One line of a table: each cell padded to its width, one space between.
fn row(cells: &[&str], widths: &[usize]) -> String {
    cells
        .iter()
        .zip(widths)
        .map(|(c, w)| pad(c, *w))
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end()
        .to_string()
        + "\n"
}

/// The collection status printed by `status`: one row per body that owes
/// a form, the details under it, the summary line; `today` marks the
/// bodies still owing after the due date with the days overdue.
pub fn collection_table(c: &crate::report::collection::CollectionView, title: &str, today: (i32, u8, u8)) -> String {
    let mut out = format!("Сбор форм — {title}");
    if !c.due_text.is_empty() {
        out.push_str(&format!("; срок представления: {}", c.due_text));
    }
    out.push_str("\n\n");
    if c.rows.is_empty() {
        out.push_str("Ни один орган не должен представлять форму: укажите codes в [[bodies]] файла region.toml.\n");
        return out;
    }
    let head = [
        "Орган",
        "Статус",
        "Форма",
        "Дата",
        "Кодов",
        "Получено",
        "Нет",
        "Ошибки",
        "Срок",
    ];
    let widths = [32, 11, 26, 11, 6, 9, 4, 7, 0];
    let line = |cells: [&str; 9]| row(&cells, &widths);
    out.push_str(&line(head));
    out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 30));
    out.push('\n');
    let overdue_days = c.due.as_deref().and_then(crate::region::parse_russian_date).map(|due| {
        let days =
            crate::pace::excel_serial(today.0, today.1, today.2) - crate::pace::excel_serial(due.0, due.1, due.2);
        days as i64
    });
    for row in &c.rows {
        let complete = row.status == crate::collection::FormStatus::Received;
        let term = match overdue_days {
            _ if row.late => "после срока".to_string(),
            Some(d) if d > 0 && !complete => {
                format!("просрочено на {}", crate::fmt::count(d as u64, "день", "дня", "дней"))
            }
            Some(_) if complete => "в срок".to_string(),
            _ => String::new(),
        };
        out.push_str(&line([
            &row.name,
            &row.status_label,
            &row.files_text,
            &row.dates_text,
            &row.owed.len().to_string(),
            &row.received.len().to_string(),
            &row.missing.len().to_string(),
            &row.errors.len().to_string(),
            &term,
        ]));
        if !row.missing.is_empty() {
            out.push_str(&format!("    нет данных: {}\n", row.missing_text));
        }
        if !row.errors.is_empty() {
            out.push_str(&format!("    с ошибками: {}\n", row.errors_text));
        }
        if !row.first_error.is_empty() {
            out.push_str(&format!("    ошибка: {}\n", row.first_error));
        }
    }
    out.push('\n');
    for f in &c.unattributed {
        out.push_str(&format!("Файл {f} с ошибками не удалось отнести ни к одному органу.\n"));
    }
    out.push_str(&format!("Итог: {}.\n", c.summary));
    out
}
