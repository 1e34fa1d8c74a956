//! `out/rating.json`: the machine-readable result, a typed schema
//! (documented field by field in `docs/rating-json.md`). It is written with
//! sorted keys and read back by `forms` (last period's values). Fields
//! added after the first version are `#[serde(default)]`, so that a
//! rating.json of an older build still reads.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{DiagnosticView, PlanRow, Report};

/// The whole document.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RatingJson {
    pub region: String,
    /// `2026-Q1`.
    pub period: String,
    /// «1 квартал 2026 г.».
    pub period_label: String,
    pub year: i32,
    pub methodology: String,
    pub total: u32,
    pub total_max: u32,
    /// `red` | `yellow` | `green` (the methodology's band ids).
    pub band: String,
    pub year_target: Option<u32>,
    pub targets: Vec<TargetJson>,
    /// Components without data.
    pub incomplete: usize,
    /// The value of every code read.
    pub values: BTreeMap<String, u64>,
    pub components: Vec<ComponentJson>,
    pub diagnostics: Vec<DiagnosticJson>,
    /// The recorded periods and this one, oldest first (newer than the
    /// first version: empty in an older file).
    #[serde(default)]
    pub history: Vec<HistoryJson>,
    /// Who has sent its form (newer than the first version: empty in an
    /// older file).
    #[serde(default)]
    pub collection: CollectionJson,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CollectionJson {
    /// `[collection] due`: `2026-04-10`.
    pub due: Option<String>,
    pub received: usize,
    pub owing: usize,
    pub late: usize,
    /// «формы получены от 6 из 8 органов; без данных: К2 (Минздрав)».
    pub summary: String,
    /// Components without data: `{ component, bodies }`.
    pub no_data: Vec<NoDataJson>,
    pub bodies: Vec<CollectionBodyJson>,
    /// Files with errors that are no body's form.
    pub unattributed: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NoDataJson {
    pub component: String,
    pub bodies: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CollectionBodyJson {
    pub slug: String,
    pub name: String,
    /// `received` | `partial` | `no_form` | `errors`.
    pub status: String,
    pub status_label: String,
    pub files: Vec<FormJson>,
    pub owed: Vec<String>,
    pub received: Vec<String>,
    pub missing: Vec<String>,
    pub errors: Vec<String>,
    /// The first error with its place; null when none.
    pub first_error: Option<String>,
    pub late: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FormJson {
    pub file: String,
    /// «Дата» as written.
    pub date: Option<String>,
    pub late: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HistoryJson {
    pub period: String,
    pub total: u32,
    pub band: String,
    pub points: BTreeMap<String, Option<u32>>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PreviousJson {
    pub period: String,
    pub value: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ForecastJson {
    /// The month the trend reaches the target (`2026-11`); null: never.
    pub period: Option<String>,
    pub on_track: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TargetJson {
    pub year: i32,
    pub target: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ComponentJson {
    pub id: String,
    pub label: String,
    pub name: String,
    /// `audience` | `transactional`.
    pub kind: String,
    pub points: Option<u32>,
    pub max: u32,
    pub required: Option<u32>,
    /// `met` | `below` | `no_data` | `no_requirement`.
    pub status: String,
    pub status_label: String,
    pub reason: String,
    pub combinations: Vec<String>,
    pub indicators: Vec<IndicatorJson>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IndicatorJson {
    pub code: String,
    pub measure: String,
    pub name: String,
    pub unit: String,
    pub criterion: Option<String>,
    pub value: Option<u64>,
    pub base: Option<u64>,
    pub share_percent: Option<f64>,
    pub share_exact: Option<[u64; 2]>,
    pub threshold: String,
    pub target: Option<u64>,
    pub gap: Option<u64>,
    pub levels: Vec<LevelJson>,
    pub responsible: Vec<String>,
    pub missing: Vec<String>,
    /// The previous recorded period's value.
    #[serde(default)]
    pub previous: Option<PreviousJson>,
    /// value − previous value.
    #[serde(default)]
    pub change: Option<i64>,
    /// Whole months from the period's end to the deadline.
    #[serde(default)]
    pub months_left: u32,
    /// ceil((target − value) / months left); null where `target` is null.
    #[serde(default)]
    pub growth_needed_per_month: Option<u64>,
    /// The fitted monthly change of the count (an estimate); null with
    /// fewer than two periods.
    #[serde(default)]
    pub trend_per_month: Option<i64>,
    /// When the trend reaches the target (an estimate); null with fewer
    /// than two periods or no target.
    #[serde(default)]
    pub forecast: Option<ForecastJson>,
    /// The next level that adds points when the minimum is met.
    #[serde(default)]
    pub next_level: Option<LevelJson>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LevelJson {
    pub threshold: String,
    pub points: u32,
    pub count: Option<u64>,
    pub gap: Option<u64>,
    pub reached: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DiagnosticJson {
    /// `error` | `warning`.
    pub severity: String,
    pub file: String,
    pub sheet: String,
    pub cell: String,
    pub message: String,
}

/// A serde enum's name (`met`, `audience`) as the JSON writes it.
fn name_of<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

impl RatingJson {
    pub fn new(r: &Report) -> RatingJson {
        RatingJson {
            region: r.meta.region.clone(),
            period: r.meta.period.clone(),
            period_label: r.meta.period_label.clone(),
            year: r.meta.year,
            methodology: r.meta.methodology.clone(),
            total: r.summary.total,
            total_max: r.summary.total_max,
            band: r.summary.band.id.clone(),
            year_target: r.summary.year_target,
            targets: r
                .targets
                .iter()
                .map(|t| TargetJson {
                    year: t.year,
                    target: t.target,
                })
                .collect(),
            incomplete: r.summary.incomplete,
            values: r.values(),
            components: r
                .components
                .iter()
                .map(|c| ComponentJson {
                    id: c.id.clone(),
                    label: c.label.clone(),
                    name: c.name.clone(),
                    kind: name_of(&c.kind),
                    points: c.points,
                    max: c.max,
                    required: c.required,
                    status: name_of(&c.status),
                    status_label: c.status_label.clone(),
                    reason: c.reason.clone(),
                    combinations: c.combinations.clone(),
                    indicators: c.rows.iter().map(indicator).collect(),
                })
                .collect(),
            diagnostics: r.diagnostics.iter().map(diagnostic).collect(),
            history: r
                .history
                .iter()
                .map(|h| HistoryJson {
                    period: h.period.clone(),
                    total: h.total,
                    band: h.band.clone(),
                    points: h.points.clone(),
                })
                .collect(),
            collection: collection(&r.collection),
        }
    }
}

fn collection(c: &super::collection::CollectionView) -> CollectionJson {
    CollectionJson {
        due: c.due.clone(),
        received: c.received_count,
        owing: c.owing_count,
        late: c.late_count,
        summary: c.summary.clone(),
        no_data: c
            .no_data
            .iter()
            .map(|n| NoDataJson {
                component: n.component.clone(),
                bodies: n.bodies.clone(),
            })
            .collect(),
        bodies: c
            .rows
            .iter()
            .map(|b| CollectionBodyJson {
                slug: b.slug.clone(),
                name: b.name.clone(),
                status: name_of(&b.status),
                status_label: b.status_label.clone(),
                files: b
                    .forms
                    .iter()
                    .map(|f| FormJson {
                        file: f.file.clone(),
                        date: f.date.clone(),
                        late: f.late,
                    })
                    .collect(),
                owed: b.owed.clone(),
                received: b.received.clone(),
                missing: b.missing.clone(),
                errors: b.errors.clone(),
                first_error: (!b.first_error.is_empty()).then(|| b.first_error.clone()),
                late: b.late,
            })
            .collect(),
        unattributed: c.unattributed.clone(),
    }
}

fn indicator(r: &PlanRow) -> IndicatorJson {
    IndicatorJson {
        code: r.code.clone(),
        measure: r.id.clone(),
        name: r.name.clone(),
        unit: r.unit.clone(),
        criterion: r.criterion.clone(),
        value: r.value,
        base: r.base,
        share_percent: r.share_percent,
        share_exact: r.share_exact,
        threshold: r.threshold.clone(),
        target: r.target,
        gap: r.gap,
        levels: r.levels.iter().map(level).collect(),
        responsible: r.responsible.clone(),
        missing: r.missing.clone(),
        previous: r.progress.previous.as_ref().map(|p| PreviousJson {
            period: p.period.clone(),
            value: p.value,
        }),
        change: r.progress.change,
        months_left: r.progress.months_left,
        growth_needed_per_month: r.progress.growth_needed_per_month,
        trend_per_month: r.progress.trend_per_month,
        forecast: r.progress.forecast.as_ref().map(|f| ForecastJson {
            period: f.period.clone(),
            on_track: f.on_track,
        }),
        next_level: r.next_level.and_then(|i| r.levels.get(i)).map(level),
    }
}

fn level(l: &super::LevelView) -> LevelJson {
    LevelJson {
        threshold: l.threshold.clone(),
        points: l.points,
        count: l.count,
        gap: l.gap,
        reached: l.reached,
    }
}

fn diagnostic(d: &DiagnosticView) -> DiagnosticJson {
    DiagnosticJson {
        severity: name_of(&d.severity),
        file: d.file.clone(),
        sheet: d.sheet.clone(),
        cell: d.cell.clone(),
        message: d.message.clone(),
    }
}
