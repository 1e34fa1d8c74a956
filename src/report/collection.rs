//! The collection status as the outputs show it: one row per body that owes
//! a form, with its texts, and the summary line («формы получены от 6 из 8
//! органов; без данных: К2 (Минздрав)»). The same view feeds `status`, the
//! «Сбор форм» sheet, `collection` in rating.json and the deck's summary.

use serde::Serialize;

use crate::collection::{BodyCollection, Collection, FormStatus};
use crate::rating::Rating;

/// One body's row.
#[derive(Debug, Clone, Serialize)]
pub struct CollectionRow {
    pub slug: String,
    pub name: String,
    pub status: FormStatus,
    /// «получена», «частично», «нет формы», «с ошибками».
    pub status_label: String,
    /// Its forms: «minzdrav.xlsx»; «—» when none.
    pub files_text: String,
    /// The «Дата» of its forms: «05.04.2026»; «—» when none is written.
    pub dates_text: String,
    /// A form is dated after the due date.
    pub late: bool,
    /// Its forms.
    pub forms: Vec<crate::collection::FormFile>,
    pub owed: Vec<String>,
    pub received: Vec<String>,
    pub missing: Vec<String>,
    pub errors: Vec<String>,
    /// The missing codes with their indicators' names.
    pub missing_rows: Vec<CodeName>,
    /// The wrong codes with their indicators' names.
    pub error_rows: Vec<CodeName>,
    /// The codes as texts: «k2.sick_leave.total, …», «—» when none.
    pub missing_text: String,
    pub errors_text: String,
    /// The first error with its place: «minzdrav.xlsx, лист «Показатели»,
    /// ячейка C7: …»; empty when none.
    pub first_error: String,
    /// Every problem of its forms with its place (errors first).
    pub problems: Vec<String>,
}

/// A code with its indicator's name.
#[derive(Debug, Clone, Serialize)]
pub struct CodeName {
    pub code: String,
    pub name: String,
}

/// A component left without data, and the bodies whose codes are missing.
#[derive(Debug, Clone, Serialize)]
pub struct NoDataView {
    /// «К2».
    pub component: String,
    /// The bodies owing its missing codes, by name.
    pub bodies: Vec<String>,
    /// «К2 (Минздрав)».
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CollectionView {
    /// `2026-04-10`, none without `[collection] due`.
    pub due: Option<String>,
    /// «10 апреля 2026 г.»; empty without a due date.
    pub due_text: String,
    pub rows: Vec<CollectionRow>,
    /// Bodies with a form / bodies that owe one.
    pub received_count: usize,
    pub owing_count: usize,
    /// Bodies whose form came after the due date.
    pub late_count: usize,
    pub no_data: Vec<NoDataView>,
    /// Files with errors that are no body's form.
    pub unattributed: Vec<String>,
    /// «формы получены от 6 из 8 органов; без данных: К2 (Минздрав)».
    pub summary: String,
    /// For the deck: «Нет данных: К2 — не представлены сведения Минздрав»;
    /// empty when every component has data.
    pub no_data_note: String,
}

fn codes_text(codes: &[String]) -> String {
    if codes.is_empty() {
        "—".into()
    } else {
        codes.join(", ")
    }
}

/// «minzdrav.xlsx, лист «Показатели», ячейка C7: …».
fn placed(d: &crate::diag::Diagnostic) -> String {
    match &d.location {
        Some(l) => format!("{l}: {}", d.message),
        None => d.message.clone(),
    }
}

fn code_names(codes: &[String], names: &dyn Fn(&str) -> String) -> Vec<CodeName> {
    codes
        .iter()
        .map(|c| CodeName {
            code: c.clone(),
            name: names(c),
        })
        .collect()
}

fn row(b: &BodyCollection, names: &dyn Fn(&str) -> String) -> CollectionRow {
    // Within the submissions folder, as the secretariat saved them.
    let files: Vec<&str> = b
        .files
        .iter()
        .map(|f| f.file.strip_prefix("submissions/").unwrap_or(&f.file))
        .collect();
    let dates: Vec<String> = b
        .files
        .iter()
        .map(|f| match (f.date_ymd, &f.date) {
            (Some((y, m, d)), _) => format!("{d:02}.{m:02}.{y}"),
            (None, Some(t)) => t.clone(),
            (None, None) => "—".into(),
        })
        .collect();
    CollectionRow {
        slug: b.slug.clone(),
        name: b.name.clone(),
        status: b.status,
        status_label: b.status.label().into(),
        files_text: if files.is_empty() {
            "—".into()
        } else {
            files.join(", ")
        },
        dates_text: if dates.is_empty() {
            "—".into()
        } else {
            dates.join(", ")
        },
        late: b.late,
        forms: b.files.clone(),
        owed: b.owed.clone(),
        received: b.received.clone(),
        missing: b.missing.clone(),
        errors: b.errors.clone(),
        missing_rows: code_names(&b.missing, names),
        error_rows: code_names(&b.errors, names),
        missing_text: codes_text(&b.missing),
        errors_text: codes_text(&b.errors),
        first_error: b.first_error.as_ref().map(placed).unwrap_or_default(),
        problems: b.problems.iter().map(placed).collect(),
    }
}

/// The components without data and who owes what they miss.
fn no_data(c: &Collection, rating: Option<&Rating>) -> Vec<NoDataView> {
    rating
        .map(|r| r.components.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|comp| comp.points.is_none())
        .map(|comp| {
            let mut bodies: Vec<String> = Vec::new();
            for code in comp.measures.iter().flat_map(|m| &m.missing) {
                for b in c.owing(code) {
                    if !bodies.contains(&b.name) {
                        bodies.push(b.name.clone());
                    }
                }
            }
            let text = if bodies.is_empty() {
                comp.label.clone()
            } else {
                format!("{} ({})", comp.label, bodies.join(", "))
            };
            NoDataView {
                component: comp.label.clone(),
                bodies,
                text,
            }
        })
        .collect()
}

impl CollectionView {
    /// The view of `c`; the components without data come from `rating`
    /// (none when the forms could not be rated).
    /// `names` gives an indicator's name by its code.
    pub fn new(c: &Collection, rating: Option<&Rating>, names: &dyn Fn(&str) -> String) -> CollectionView {
        let rows: Vec<CollectionRow> = c.bodies.iter().map(|b| row(b, names)).collect();
        let no_data = no_data(c, rating);
        let owing = rows.len();
        let received = c.received_count();
        let mut summary = format!(
            "формы получены от {received} из {owing} {}",
            crate::fmt::plural(owing as u64, "органа", "органов", "органов")
        );
        if no_data.is_empty() {
            summary.push_str("; все компоненты рассчитаны");
        } else {
            let parts: Vec<&str> = no_data.iter().map(|n| n.text.as_str()).collect();
            summary.push_str(&format!("; без данных: {}", parts.join(", ")));
        }
        let no_data_note = if no_data.is_empty() {
            String::new()
        } else {
            let parts: Vec<String> = no_data
                .iter()
                .map(|n| match n.bodies.as_slice() {
                    [] => format!("{} — не представлены исходные данные", n.component),
                    names => format!("{} — не представлены сведения: {}", n.component, names.join(", ")),
                })
                .collect();
            format!("Нет данных: {}", parts.join("; "))
        };
        CollectionView {
            due: c.due.map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
            due_text: c.due.map(|(y, m, d)| crate::fmt::date(y, m, d)).unwrap_or_default(),
            late_count: rows.iter().filter(|r| r.late).count(),
            received_count: received,
            owing_count: owing,
            rows,
            no_data,
            unattributed: c.unattributed.clone(),
            summary,
            no_data_note,
        }
    }
}
