//! The region's plan: `inputs/region.toml` (optional). Names the region and
//! the meeting, may override the year targets, assigns responsible bodies
//! and required works to indicators, lists last year's measures, and says
//! when the forms are due and who sends the letters ([`mail`]).

pub mod mail;

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::methodology::YearTarget;

use crate::layout::REGION_FILE;

#[derive(Debug, thiserror::Error)]
pub enum RegionError {
    #[error("не удалось прочитать {path}: {}", crate::diag::io_reason(.source))]
    Io { path: String, source: std::io::Error },
    #[error("{message}")]
    Syntax { path: String, message: String },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

/// One name or several: `"Минздрав"` or `["Минздрав", "ОМСУ"]`; a single
/// string may also list several separated by `;`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(untagged)]
pub enum Names {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl Names {
    pub fn list(&self) -> Vec<String> {
        let raw: Vec<&str> = match self {
            Names::None => vec![],
            Names::One(s) => s.split(';').collect(),
            Names::Many(v) => v.iter().flat_map(|s| s.split(';')).collect(),
        };
        raw.into_iter()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect()
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meeting {
    /// The deck's title; by default built from the region's name.
    pub title: Option<String>,
    /// The meeting date, `2026-04-16`.
    pub date: Option<toml::value::Datetime>,
    pub place: Option<String>,
    /// Who signs the letters (name and position).
    pub secretary: Option<String>,
}

/// A responsible body with its stable ASCII slug.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Body {
    pub name: String,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub full_name: Option<String>,
    /// One address or a list: the pack's e-mail draft goes to them.
    #[serde(default)]
    pub email: mail::Addresses,
    /// The addressee of the covering letter, in the dative as the letter
    /// shows it: «Министру здравоохранения Забайкальского края».
    #[serde(default)]
    pub head_position: Option<String>,
    /// «И. О. Фамилии» (dative).
    #[serde(default)]
    pub head_name: Option<String>,
    /// Other spellings that mean this body.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The codes this body submits (its blank form's rows); `[]` for no
    /// form. Without it, the codes of the indicators it is responsible for.
    #[serde(default)]
    pub codes: Option<Vec<String>>,
}

/// Who does what for one measure or code.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// A measure id of the methodology (`k1.active_audience`,
    /// `k2.housing.chats`) or an input code (`k4.orgs.transport`).
    pub key: String,
    #[serde(default)]
    pub responsible: Names,
    #[serde(default)]
    pub works: Option<String>,
    /// A TOML date (`2026-09-30`) or the date as text («30 сентября
    /// 2026 г.», `30.09.2026`).
    #[serde(default)]
    pub deadline: Option<DeadlineDef>,
}

/// A step's deadline as written in region.toml.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum DeadlineDef {
    Date(toml::value::Datetime),
    Text(String),
}

impl DeadlineDef {
    /// The date (year, month, day), when it is one.
    pub fn date(&self) -> Option<(i32, u8, u8)> {
        match self {
            DeadlineDef::Date(d) => d.date.map(|d| (i32::from(d.year), d.month, d.day)),
            DeadlineDef::Text(t) => parse_russian_date(t),
        }
    }
}

/// «30 сентября 2026 г.», «30 сентября 2026», `30.09.2026`, `2026-09-30`.
pub fn parse_russian_date(text: &str) -> Option<(i32, u8, u8)> {
    if let Some(d) = crate::ingest::period::parse_date_text(text) {
        return Some(d);
    }
    let t = text
        .trim()
        .trim_end_matches('.')
        .trim_end_matches(" г")
        .trim_end_matches(" года");
    let words: Vec<&str> = t.split_whitespace().collect();
    let [d, m, y] = words.as_slice() else {
        return None;
    };
    let (d, m, y): (u8, u8, i32) = (d.parse().ok()?, crate::fmt::month_from_name(m)?, y.parse().ok()?);
    ((2000..=2100).contains(&y) && d >= 1 && d <= crate::ingest::period::days_in_month(y, m)).then_some((y, m, d))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureStatus {
    Done,
    Partial,
    NotDone,
}

impl MeasureStatus {
    pub fn label(self) -> &'static str {
        match self {
            MeasureStatus::Done => "Реализовано",
            MeasureStatus::Partial => "Реализовано частично",
            MeasureStatus::NotDone => "Не реализовано",
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PastMeasure {
    pub title: String,
    pub status: MeasureStatus,
    #[serde(default)]
    pub responsible: Names,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Results {
    pub year: Option<i32>,
    #[serde(default)]
    pub measures: Vec<PastMeasure>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// «Забайкальский край».
    pub region: Option<String>,
    /// The genitive, for «на территории Забайкальского края».
    pub region_genitive: Option<String>,
    /// The reporting period when the forms do not say it.
    pub period: Option<String>,
    /// The year's goal statement on the tasks slide.
    pub goal: Option<String>,
    #[serde(default)]
    pub tasks: Vec<String>,
    #[serde(default)]
    pub meeting: Meeting,
    /// Year targets and required minimums that replace the methodology's.
    #[serde(default)]
    pub years: Vec<YearTarget>,
    #[serde(default)]
    pub bodies: Vec<Body>,
    #[serde(default)]
    pub steps: Vec<Step>,
    #[serde(default)]
    pub results: Results,
    #[serde(default)]
    pub collection: mail::Collection,
    #[serde(default)]
    pub mail: mail::Mail,
    #[serde(default)]
    pub sender: mail::Sender,
}

impl Region {
    /// Reads `<inputs>/region.toml`, or returns the defaults when it is absent.
    pub fn load_from(inputs: &Path) -> Result<Region, RegionError> {
        let path = inputs.join(REGION_FILE);
        if !path.exists() {
            return Ok(Region::default());
        }
        let text = std::fs::read_to_string(&path).map_err(|source| RegionError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Region::parse(&text, &path.display().to_string())
    }

    pub fn parse(text: &str, origin: &str) -> Result<Region, RegionError> {
        let r: Region = toml::from_str(text).map_err(|e| RegionError::Syntax {
            path: origin.to_string(),
            message: crate::tomlerr::describe(origin, text, &e),
        })?;
        if let Some(p) = &r.period
            && crate::ingest::Period::parse(p).is_none()
        {
            return Err(RegionError::Invalid {
                path: origin.to_string(),
                message: format!("period = «{p}» не распознан: ожидалось «2026-Q1», «2026-03» или «2026»"),
            });
        }
        for step in &r.steps {
            if let Some(d) = &step.deadline
                && d.date().is_none()
            {
                let shown = match d {
                    DeadlineDef::Text(t) => t.clone(),
                    DeadlineDef::Date(d) => d.to_string(),
                };
                return Err(RegionError::Invalid {
                    path: origin.to_string(),
                    message: format!(
                        "шаг «{}»: срок «{shown}» не является датой — ожидалось 2026-09-30 или «30 сентября 2026 г.»",
                        step.key
                    ),
                });
            }
        }
        if let Some(d) = &r.collection.due
            && d.date().is_none()
        {
            return Err(RegionError::Invalid {
                path: origin.to_string(),
                message: "[collection] due: ожидалась дата вида 2026-04-10 или «10 апреля 2026 г.»".into(),
            });
        }
        if let Some(message) = mail::check_addresses(&r) {
            return Err(RegionError::Invalid {
                path: origin.to_string(),
                message,
            });
        }
        if let Some(d) = &r.meeting.date
            && d.date.is_none()
        {
            return Err(RegionError::Invalid {
                path: origin.to_string(),
                message: "meeting.date: ожидалась дата вида 2026-04-16".into(),
            });
        }
        Ok(r)
    }

    /// The meeting date (year, month, day).
    pub fn meeting_date(&self) -> Option<(i32, u8, u8)> {
        let d = self.meeting.date.as_ref()?.date?;
        Some((i32::from(d.year), d.month, d.day))
    }

    /// The due date of the forms (year, month, day).
    pub fn due_date(&self) -> Option<(i32, u8, u8)> {
        self.collection.due.as_ref()?.date()
    }

    /// The steps for a measure id or a code.
    pub fn step(&self, key: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.key == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split() {
        let n = Names::One("Минэкономразвития; КГАУ «МФЦ Забайкальского края»".into());
        assert_eq!(n.list(), vec!["Минэкономразвития", "КГАУ «МФЦ Забайкальского края»"]);
        assert!(Names::None.list().is_empty());
    }

    #[test]
    fn deadlines_as_dates_or_text() {
        let r = Region::parse(
            "[[steps]]\nkey = \"a\"\ndeadline = 2026-09-30\n[[steps]]\nkey = \"b\"\ndeadline = \"30 сентября 2026 г.\"\n",
            "r.toml",
        )
        .unwrap();
        assert_eq!(r.steps[0].deadline.as_ref().unwrap().date(), Some((2026, 9, 30)));
        assert_eq!(r.steps[1].deadline.as_ref().unwrap().date(), Some((2026, 9, 30)));
        let e = Region::parse("[[steps]]\nkey = \"k2.mfc\"\ndeadline = \"к осени\"\n", "r.toml")
            .unwrap_err()
            .to_string();
        assert!(e.contains("шаг «k2.mfc»") && e.contains("к осени"), "{e}");
        assert_eq!(parse_russian_date("31 декабря 2026"), Some((2026, 12, 31)));
        assert_eq!(parse_russian_date("31 февраля 2026 г."), None);
    }

    #[test]
    fn parse_minimal_and_errors() {
        let r = Region::parse(
            "region = \"Тестовая область\"\n[meeting]\ndate = 2026-04-16\n",
            "r.toml",
        )
        .unwrap();
        assert_eq!(r.meeting_date(), Some((2026, 4, 16)));
        let e = Region::parse("period = \"вчера\"", "r.toml").unwrap_err().to_string();
        assert!(e.contains("вчера"), "{e}");
        let e = Region::parse("regoin = 1", "r.toml").unwrap_err().to_string();
        assert!(e.contains("r.toml"), "{e}");
    }
}
