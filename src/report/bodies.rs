//! The bodies of the plan: each responsible body with the rows it answers
//! for, as it is sent its pack.

use serde::Serialize;

use super::component::{ComponentView, PartView, PlanRow};
use crate::bodies::Registry;
use crate::rating::Status;
use crate::region::Region;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BodyRole {
    /// Named among the measure's responsible bodies.
    Measure,
    /// Named only for a part of the measure (a base part such as
    /// `k4.orgs.transport`, or a numerator part).
    Part,
}

/// A component as the context of a body's row: its points and minimum.
#[derive(Debug, Clone, Serialize)]
pub struct ComponentBrief {
    pub id: String,
    pub label: String,
    pub name: String,
    pub kind_label: String,
    pub points: Option<u32>,
    pub points_text: String,
    pub max: u32,
    pub required: Option<u32>,
    pub status: Status,
    pub status_label: String,
}

/// One plan row of a body, with the body's role in it.
#[derive(Debug, Clone, Serialize)]
pub struct BodyRow {
    pub component: ComponentBrief,
    pub role: BodyRole,
    /// «ответственный за показатель», «ответственный за часть расчётной
    /// базы: Организации транспорта».
    pub role_label: String,
    /// The codes of the parts the body is named for (may be empty).
    pub parts: Vec<String>,
    /// The plan has a target the value has not reached yet (gap > 0).
    pub due: bool,
    /// The value or the base is missing: no plan could be computed.
    pub no_data: bool,
    pub row: PlanRow,
}

/// A responsible body and its part of the plan: what the secretariat sends
/// it after the meeting.
#[derive(Debug, Clone, Serialize)]
pub struct BodyView {
    /// Stable ASCII slug, safe as a folder name.
    pub slug: String,
    pub name: String,
    pub full_name: String,
    /// The addresses of its e-mail draft (none: no draft).
    pub emails: Vec<String>,
    /// The addresses as one text, «a@x.example, b@x.example»; none without.
    pub email: Option<String>,
    /// The covering letter's addressee (dative), where given.
    pub head_position: Option<String>,
    pub head_name: Option<String>,
    /// The covering letter's registration number (`[sender] registration`
    /// with `{n}` its number in the mailing); empty: a blank to fill in.
    pub letter_number: String,
    /// The letter's date as the requisite shows it, `16.04.2026`; empty
    /// (a blank to fill in) without a registration number.
    pub letter_date: String,
    /// The names of its pack's files as a recipient gets them, with their
    /// ASCII fallbacks.
    pub pdf_name: String,
    pub pdf_ascii_name: String,
    pub xlsx_name: String,
    pub xlsx_ascii_name: String,
    /// Its rows in the order of the plan.
    pub rows: Vec<BodyRow>,
    /// Some row has a gap > 0.
    pub due: bool,
    pub due_count: usize,
    pub no_data_count: usize,
    /// «2 показателя с отставанием от плана 2026 года» / «отставаний от
    /// плана нет».
    pub due_text: String,
}

impl BodyView {
    /// The ids of the plan rows of the body.
    pub fn row_ids(&self) -> Vec<&str> {
        self.rows.iter().map(|r| r.row.id.as_str()).collect()
    }

    /// The input codes the body's rows read (numerator, base, information).
    pub fn codes(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for r in &self.rows {
            for p in r.row.numerator_parts.iter().chain(&r.row.base_parts).chain(&r.row.info) {
                if !out.contains(&p.code) {
                    out.push(p.code.clone());
                }
            }
        }
        out
    }
}

fn component_brief(c: &ComponentView) -> ComponentBrief {
    ComponentBrief {
        id: c.id.clone(),
        label: c.label.clone(),
        name: c.name.clone(),
        kind_label: c.kind_label.clone(),
        points: c.points,
        points_text: c.points_text.clone(),
        max: c.max,
        required: c.required,
        status: c.status,
        status_label: c.status_label.clone(),
    }
}

/// The bodies of the plan: the registry of `region.toml` plus every name
/// met in the rows (measures and parts); each body with the rows it is
/// named in, as responsible for the measure or for a part of it.
pub fn bodies_view(region: &Region, components: &[ComponentView], year: i32) -> Vec<BodyView> {
    let mut names: Vec<String> = Vec::new();
    for r in components.iter().flat_map(|c| &c.rows) {
        let parts = r.numerator_parts.iter().chain(&r.base_parts);
        for n in r.responsible.iter().chain(parts.flat_map(|p| &p.responsible)) {
            if !names.contains(n) {
                names.push(n.clone());
            }
        }
    }
    let registry = Registry::new(region, &names);
    let is = |slug: &str, list: &[String]| list.iter().any(|n| registry.find(n).is_some_and(|b| b.slug == slug));
    registry
        .bodies
        .iter()
        .map(|b| {
            let mut rows = Vec::new();
            for c in components {
                for r in &c.rows {
                    let measure = is(&b.slug, &r.responsible);
                    let parts: Vec<&PartView> = r
                        .numerator_parts
                        .iter()
                        .chain(&r.base_parts)
                        // A part counts on its own only when it has its own
                        // owners (K4's sectors), not the measure's again.
                        .filter(|p| p.code != r.id && p.responsible != r.responsible && is(&b.slug, &p.responsible))
                        .collect();
                    if !measure && parts.is_empty() {
                        continue;
                    }
                    let part_names = parts
                        .iter()
                        .map(|p| format!("«{}»", p.name))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let role_label = match (measure, parts.is_empty()) {
                        (true, true) => "ответственный за показатель".to_string(),
                        (true, false) => format!("ответственный за показатель и за его часть {part_names}"),
                        (false, _) => format!("ответственный за часть показателя {part_names}"),
                    };
                    rows.push(BodyRow {
                        component: component_brief(c),
                        role: if measure { BodyRole::Measure } else { BodyRole::Part },
                        role_label,
                        parts: parts.iter().map(|p| p.code.clone()).collect(),
                        due: r.gap.is_some_and(|g| g > 0),
                        no_data: r.value.is_none() || r.base.is_none(),
                        row: r.clone(),
                    });
                }
            }
            let due_count = rows.iter().filter(|r| r.due).count();
            BodyView {
                due_text: due_text(due_count, year),
                slug: b.slug.clone(),
                name: b.name.clone(),
                full_name: b.full_name.clone(),
                email: (!b.emails.is_empty()).then(|| b.emails.join(", ")),
                emails: b.emails.clone(),
                letter_number: String::new(),
                letter_date: String::new(),
                pdf_name: String::new(),
                pdf_ascii_name: String::new(),
                xlsx_name: String::new(),
                xlsx_ascii_name: String::new(),
                head_position: b.head_position.clone(),
                head_name: b.head_name.clone(),
                due: due_count > 0,
                due_count,
                no_data_count: rows.iter().filter(|r| r.no_data).count(),
                rows,
            }
        })
        .collect()
}

fn due_text(due: usize, year: i32) -> String {
    if due == 0 {
        return "отставаний от плана нет".to_string();
    }
    format!(
        "{due} {} с отставанием от плана {year} года",
        crate::fmt::plural(due as u64, "показатель", "показателя", "показателей")
    )
}

/// Numbers the covering letters (`[sender] registration`, `{n}` the body's
/// place in the list) and names the files each body receives:
/// «Рейтинг МАХ, 1 квартал 2026 г. — Минздрав.pdf» and
/// `max-rating-2026-Q1-minzdrav.pdf`.
pub fn name_letters(bodies: &mut [BodyView], meta: &super::Meta, period: &crate::ingest::Period) {
    let (y, m, d) = meta.document_date;
    for (i, b) in bodies.iter_mut().enumerate() {
        if let Some(pattern) = &meta.sender.registration {
            b.letter_number = pattern.replace("{n}", &(i + 1).to_string());
            b.letter_date = format!("{d:02}.{m:02}.{y}");
        }
        let stem = crate::mail::file_name(&format!("Рейтинг МАХ, {} — {}", period.label(), b.name));
        let ascii = format!("max-rating-{}-{}", period.code(), b.slug);
        b.pdf_name = format!("{stem}.pdf");
        b.xlsx_name = format!("{stem}.xlsx");
        b.pdf_ascii_name = format!("{ascii}.pdf");
        b.xlsx_ascii_name = format!("{ascii}.xlsx");
    }
}
