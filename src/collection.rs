//! The collection of forms: which body has sent its form, which codes it
//! owes are in, missing or wrong, and whether its form came after the due
//! date. A body owes a form when it has `codes` in `[[bodies]]` of
//! region.toml; those codes are what it owes.
//!
//! A file is a body's form when its «Ведомство» names the body, when its
//! name is the body's slug (the name `forms` gives the blank form), or when
//! it holds a code the body owes. Pure data: the clock is never read here
//! (the `status` command compares the due date with today itself).

use serde::Serialize;

use crate::bodies::Registry;
use crate::diag::Diagnostic;
use crate::ingest::Inputs;
use crate::region::Region;

/// A date: (year, month, day).
pub type Ymd = (i32, u8, u8);

/// Where a body's form stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FormStatus {
    /// Every code it owes is in.
    Received,
    /// Some codes it owes are missing.
    Partial,
    /// No form and no code from it.
    NoForm,
    /// Its form has errors.
    Errors,
}

impl FormStatus {
    pub fn label(self) -> &'static str {
        match self {
            FormStatus::Received => "получена",
            FormStatus::Partial => "частично",
            FormStatus::NoForm => "нет формы",
            FormStatus::Errors => "с ошибками",
        }
    }
}

/// A form received from a body.
#[derive(Debug, Clone, Serialize)]
pub struct FormFile {
    /// The file, relative to the submissions folder.
    pub file: String,
    /// «Дата» as written in the form.
    pub date: Option<String>,
    /// «Дата» understood as a date.
    pub date_ymd: Option<Ymd>,
    /// Dated after the due date.
    pub late: bool,
}

/// One body that owes a form.
#[derive(Debug, Clone, Serialize)]
pub struct BodyCollection {
    pub slug: String,
    pub name: String,
    pub files: Vec<FormFile>,
    /// The codes it owes, in region.toml's order.
    pub owed: Vec<String>,
    /// Owed codes with an accepted value.
    pub received: Vec<String>,
    /// Owed codes with no value and no error.
    pub missing: Vec<String>,
    /// Owed codes whose row has an error, and — when one of its files has
    /// an error about no row (a file that cannot be read) — every owed code
    /// not received from a file without one.
    pub errors: Vec<String>,
    /// The first error of its forms or rows.
    pub first_error: Option<Diagnostic>,
    /// Its errors, then the warnings about the codes it owes (a value that
    /// is not a number …), in reading order.
    pub problems: Vec<Diagnostic>,
    pub status: FormStatus,
    /// A form of it is dated after the due date.
    pub late: bool,
}

/// The collection status of one build.
#[derive(Debug, Clone, Serialize)]
pub struct Collection {
    /// `[collection] due`.
    pub due: Option<Ymd>,
    pub bodies: Vec<BodyCollection>,
    /// Files with errors that are no body's form (their name, «Ведомство»
    /// and codes match none).
    pub unattributed: Vec<String>,
}

impl Collection {
    /// The status of every body that owes a form, from what was read.
    pub fn new(region: &Region, registry: &Registry, inputs: &Inputs) -> Collection {
        let due = region.due_date();
        let mut attributed: Vec<String> = Vec::new();
        let bodies: Vec<BodyCollection> = region
            .bodies
            .iter()
            .filter_map(|b| {
                let owed = b.codes.clone().filter(|c| !c.is_empty())?;
                let info = registry.find(&b.name)?;
                let body = body_status(&info.slug, &info.name, owed, registry, inputs, due);
                attributed.extend(body.files.iter().map(|f| f.file.clone()));
                Some(body)
            })
            .collect();
        let mut unattributed: Vec<String> = inputs
            .diagnostics
            .iter()
            .filter(|d| d.is_error() && d.code.is_none())
            .filter_map(|d| d.location.as_ref().map(|l| l.file.clone()))
            .filter(|f| is_workbook(f) && !attributed.contains(f))
            .collect();
        unattributed.sort();
        unattributed.dedup();
        Collection {
            due,
            bodies,
            unattributed,
        }
    }

    /// Bodies with a form (whatever its state).
    pub fn received_count(&self) -> usize {
        self.bodies.iter().filter(|b| b.status != FormStatus::NoForm).count()
    }

    /// The bodies that owe `code`.
    pub fn owing(&self, code: &str) -> Vec<&BodyCollection> {
        self.bodies
            .iter()
            .filter(|b| b.owed.iter().any(|c| c == code))
            .collect()
    }
}

fn is_workbook(file: &str) -> bool {
    let lower = file.to_lowercase();
    [".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// The file's name without folders and extension: `federal/rosstat.xlsx` → `rosstat`.
fn stem(file: &str) -> &str {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    name.rsplit_once('.').map_or(name, |(s, _)| s)
}

/// The files that are `slug`'s forms: by «Ведомство», by name, or by the
/// codes they hold; files that could not be read count by name only.
fn body_files(slug: &str, owed: &[String], registry: &Registry, inputs: &Inputs) -> Vec<String> {
    let mut files: Vec<String> = Vec::new();
    for s in &inputs.submissions {
        let named = s
            .body
            .as_deref()
            .and_then(|n| registry.find(n))
            .is_some_and(|i| i.slug == slug);
        let holds = inputs
            .observations
            .iter()
            .any(|o| o.location.file == s.file && owed.contains(&o.code));
        if named || holds || stem(&s.file).eq_ignore_ascii_case(slug) {
            files.push(s.file.clone());
        }
    }
    for d in inputs.diagnostics.iter().filter(|d| d.is_error()) {
        if let Some(l) = &d.location
            && is_workbook(&l.file)
            && stem(&l.file).eq_ignore_ascii_case(slug)
        {
            files.push(l.file.clone());
        }
    }
    files.sort();
    files.dedup();
    files
}

fn body_status(
    slug: &str,
    name: &str,
    owed: Vec<String>,
    registry: &Registry,
    inputs: &Inputs,
    due: Option<Ymd>,
) -> BodyCollection {
    let file_names = body_files(slug, &owed, registry, inputs);
    let files: Vec<FormFile> = file_names
        .iter()
        .map(|f| {
            let info = inputs.submissions.iter().find(|s| &s.file == f);
            let date_ymd = info.and_then(|s| s.date_ymd);
            FormFile {
                file: f.clone(),
                date: info.and_then(|s| s.date.clone()),
                date_ymd,
                late: matches!((date_ymd, due), (Some(d), Some(due)) if d > due),
            }
        })
        .collect();
    // Errors of its rows, and errors of its files that are about no row.
    let errors_of = |d: &&Diagnostic| {
        d.is_error()
            && match d.code.as_deref() {
                Some(c) => owed.iter().any(|o| o == c),
                None => d.location.as_ref().is_some_and(|l| file_names.contains(&l.file)),
            }
    };
    let own_errors: Vec<&Diagnostic> = inputs.diagnostics.iter().filter(errors_of).collect();
    // Files with an error about no row (unreadable, no table, another
    // region…): what they hold cannot be trusted, and a code they should
    // hold may be missing because of it. So every owed code not received
    // from a clean file counts as wrong — the row then reads «с ошибками»
    // with as many wrong codes as it says, never with none.
    let broken_files: Vec<&str> = own_errors
        .iter()
        .filter(|d| d.code.is_none())
        .filter_map(|d| d.location.as_ref().map(|l| l.file.as_str()))
        .collect();
    let from_broken_file = |c: &String| {
        inputs
            .values
            .get(c)
            .is_none_or(|o| broken_files.contains(&o.location.file.as_str()))
    };
    let errors: Vec<String> = owed
        .iter()
        .filter(|c| {
            own_errors.iter().any(|d| d.code.as_deref() == Some(c.as_str()))
                || (!broken_files.is_empty() && from_broken_file(c))
        })
        .cloned()
        .collect();
    let received: Vec<String> = owed
        .iter()
        .filter(|c| inputs.values.contains_key(*c) && !errors.contains(c))
        .cloned()
        .collect();
    let missing: Vec<String> = owed
        .iter()
        .filter(|c| !received.contains(c) && !errors.contains(c))
        .cloned()
        .collect();
    let status = if !own_errors.is_empty() {
        FormStatus::Errors
    } else if files.is_empty() && received.is_empty() {
        FormStatus::NoForm
    } else if !missing.is_empty() {
        FormStatus::Partial
    } else {
        FormStatus::Received
    };
    let warnings = inputs
        .diagnostics
        .iter()
        .filter(|d| !d.is_error() && d.code.as_deref().is_some_and(|c| owed.iter().any(|o| o == c)));
    let problems: Vec<Diagnostic> = own_errors.iter().copied().chain(warnings).cloned().collect();
    BodyCollection {
        problems,
        slug: slug.to_string(),
        name: name.to_string(),
        late: files.iter().any(|f| f.late),
        first_error: own_errors.first().map(|d| (*d).clone()),
        files,
        owed,
        received,
        missing,
        errors,
        status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Location;
    use crate::ingest::{Observation, SubmissionInfo};

    fn region() -> Region {
        Region::parse(
            r#"
[collection]
due = 2026-04-10
[[bodies]]
name = "Минздрав"
slug = "minzdrav"
codes = ["a", "b"]
[[bodies]]
name = "Минтранс"
slug = "mintrans"
codes = ["c"]
[[bodies]]
name = "ОМСУ"
codes = []
"#,
            "r.toml",
        )
        .unwrap()
    }

    fn obs(code: &str, file: &str) -> Observation {
        Observation {
            code: code.into(),
            value: 1,
            location: Location::file(file),
            body: None,
            source: None,
            name: None,
        }
    }

    fn info(file: &str, body: Option<&str>, date: Option<Ymd>) -> SubmissionInfo {
        SubmissionInfo {
            file: file.into(),
            sheet: "Показатели".into(),
            body: body.map(String::from),
            period: None,
            date: date.map(|(y, m, d)| format!("{d:02}.{m:02}.{y}")),
            date_ymd: date,
            author: None,
            rows: 1,
        }
    }

    #[test]
    fn statuses_of_bodies() {
        let region = region();
        let reg = Registry::new(&region, &[]);
        let mut inputs = Inputs::default();
        inputs
            .submissions
            .push(info("zdrav.xlsx", Some("Минздрав"), Some((2026, 4, 11))));
        let o = obs("a", "zdrav.xlsx");
        inputs.values.insert("a".into(), o.clone());
        inputs.observations.push(o);
        let c = Collection::new(&region, &reg, &inputs);
        assert_eq!(c.bodies.len(), 2, "a body with no codes owes no form");
        let zdrav = &c.bodies[0];
        assert_eq!(zdrav.status, FormStatus::Partial);
        assert_eq!(zdrav.missing, ["b"]);
        assert!(zdrav.late, "dated after the due date");
        assert_eq!(c.bodies[1].status, FormStatus::NoForm);
        assert_eq!(c.received_count(), 1);
        // An error in a row of a code Минтранс owes, in a file named after it.
        inputs
            .submissions
            .push(info("mintrans.xlsx", None, Some((2026, 4, 10))));
        let mut d = Diagnostic::error(Some(Location::file("mintrans.xlsx")), "ошибка формулы");
        d.code = Some("c".into());
        inputs.diagnostics.push(d);
        inputs
            .diagnostics
            .push(Diagnostic::error(Some(Location::file("чужой.xlsx")), "файл повреждён"));
        let c = Collection::new(&region, &reg, &inputs);
        let trans = &c.bodies[1];
        assert_eq!(trans.status, FormStatus::Errors);
        assert_eq!(trans.errors, ["c"]);
        assert!(!trans.late, "dated on the due date");
        assert_eq!(trans.first_error.as_ref().unwrap().message, "ошибка формулы");
        assert_eq!(c.unattributed, ["чужой.xlsx"]);
    }

    #[test]
    fn a_file_level_error_makes_the_codes_it_should_hold_wrong() {
        let region = region();
        let reg = Registry::new(&region, &[]);
        // Минздрав's file cannot be read: an error with no code.
        let mut inputs = Inputs::default();
        inputs.diagnostics.push(Diagnostic::error(
            Some(Location::file("minzdrav.xlsx")),
            "файл повреждён",
        ));
        let c = Collection::new(&region, &reg, &inputs);
        let zdrav = &c.bodies[0];
        assert_eq!(zdrav.status, FormStatus::Errors);
        assert_eq!(zdrav.errors, ["a", "b"], "its codes are wrong, not missing");
        assert!(zdrav.missing.is_empty() && zdrav.received.is_empty());
        assert_eq!(
            zdrav.errors.len() + zdrav.missing.len() + zdrav.received.len(),
            zdrav.owed.len()
        );
        // A code received from another, clean file stays received; a value
        // read from the broken file is not trusted.
        inputs.submissions.push(info("zdrav-a.xlsx", Some("Минздрав"), None));
        let o = obs("a", "zdrav-a.xlsx");
        inputs.values.insert("a".into(), o.clone());
        inputs.observations.push(o);
        let c = Collection::new(&region, &reg, &inputs);
        let zdrav = &c.bodies[0];
        assert_eq!(zdrav.status, FormStatus::Errors);
        assert_eq!(
            (zdrav.received.as_slice(), zdrav.errors.as_slice()),
            (&["a".to_string()][..], &["b".to_string()][..])
        );
        let broken = obs("a", "minzdrav.xlsx");
        inputs.values.insert("a".into(), broken);
        let c = Collection::new(&region, &reg, &inputs);
        assert_eq!(c.bodies[0].errors, ["a", "b"]);
    }
}
