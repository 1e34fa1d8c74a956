//! Progress over the recorded periods: the history of the total and the
//! components, and for each plan row the previous value, the change, the
//! growth needed per month to the deadline (exact) and the trend with its
//! forecast (an estimate, labelled so).

use std::collections::BTreeMap;

use serde::Serialize;

use super::{ComponentView, PlanRow};
use crate::history::Record;
use crate::ingest::Period;
use crate::pace::{self, Line};

/// At most this many recorded periods (the current one included) make the
/// trend.
pub const TREND_PERIODS: usize = 6;

/// One period of the history (the current one included).
#[derive(Debug, Clone, Serialize)]
pub struct HistoryPoint {
    /// `2026-Q1`.
    pub period: String,
    /// «1 кв. 2026», short for charts.
    pub short_label: String,
    pub label: String,
    pub total: u32,
    pub band: String,
    /// Points per component id (None: no data).
    pub points: BTreeMap<String, Option<u32>>,
    pub current: bool,
}

/// A measure over the periods of the history (aligned with it).
#[derive(Debug, Clone, Serialize)]
pub struct MeasureSeries {
    pub id: String,
    pub component: String,
    pub name: String,
    pub unit: String,
    pub values: Vec<Option<u64>>,
    pub bases: Vec<Option<u64>>,
}

/// Every plan row's values over the records and the current period.
pub fn measure_series(records: &[Record], components: &[ComponentView]) -> Vec<MeasureSeries> {
    let mut out = Vec::new();
    for c in components {
        for r in &c.rows {
            let past = records.iter().map(|rec| rec.measures.iter().find(|m| m.id == r.id));
            let (mut values, mut bases): (Vec<Option<u64>>, Vec<Option<u64>>) =
                past.map(|m| (m.and_then(|m| m.value), m.and_then(|m| m.base))).unzip();
            values.push(r.value);
            bases.push(r.base);
            out.push(MeasureSeries {
                id: r.id.clone(),
                component: c.id.clone(),
                name: r.name.clone(),
                unit: r.unit.clone(),
                values,
                bases,
            });
        }
    }
    out
}

/// One chart of the dynamics: the total or a component over the periods.
#[derive(Debug, Clone, Serialize)]
pub struct Series {
    pub id: String,
    pub label: String,
    pub max: u32,
    /// The year target (total) or the required minimum (component).
    pub reference: Option<u32>,
    pub reference_label: String,
    pub values: Vec<Option<u32>>,
    pub texts: Vec<String>,
}

/// The value of the previous recorded period.
#[derive(Debug, Clone, Serialize)]
pub struct Previous {
    pub period: String,
    pub label: String,
    pub value: u64,
    /// «76 000».
    pub value_text: String,
}

/// When the trend reaches the target.
#[derive(Debug, Clone, Serialize)]
pub struct Forecast {
    /// `2026-11`; None when the trend never reaches it.
    pub period: Option<String>,
    /// «ноябре 2026 г.», empty when never.
    pub month_label: String,
    pub on_track: bool,
    /// «в графике» / «отстаёт».
    pub status_label: String,
    /// «при текущем темпе цель достигается в ноябре 2026 г.» or «при
    /// текущем темпе к сроку не достигается».
    pub sentence: String,
}

/// A plan row's progress.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Progress {
    pub previous: Option<Previous>,
    /// value − previous value.
    pub change: Option<i64>,
    /// «+1 234», «−50», «0»; empty without a previous period.
    pub change_text: String,
    /// Whole months from the period's end to the deadline.
    pub months_left: u32,
    /// The last month that counts for the deadline (year, month): the last
    /// whole month ending on or before it — the months left end with it,
    /// and a forecast is «в графике» when it is not later.
    pub last_month: (i32, u8),
    /// No month left before the deadline and the target not met.
    pub overdue: bool,
    pub growth_needed_per_month: Option<u64>,
    /// «+5 186 в месяц», «срок наступил: +1 434»; empty when none.
    pub growth_text: String,
    /// The fitted monthly change of the count (None with fewer than two
    /// periods).
    pub trend_per_month: Option<i64>,
    /// «+200 в месяц».
    pub trend_text: String,
    /// None with fewer than two periods or no target.
    pub forecast: Option<Forecast>,
}

/// «+1 234», «−1 234», «0».
fn signed(n: i64) -> String {
    match n.cmp(&0) {
        std::cmp::Ordering::Greater => format!("+{}", crate::fmt::int(n.unsigned_abs())),
        std::cmp::Ordering::Less => format!("−{}", crate::fmt::int(n.unsigned_abs())),
        std::cmp::Ordering::Equal => "0".into(),
    }
}

/// The history of the total and the points: the records and the current
/// period, oldest first.
pub fn history(records: &[Record], current: HistoryPoint) -> Vec<HistoryPoint> {
    let mut out: Vec<HistoryPoint> = records
        .iter()
        .filter_map(|r| {
            let p = r.period()?;
            Some(HistoryPoint {
                period: r.period.clone(),
                short_label: short_label(&p),
                label: p.label(),
                total: r.total,
                band: r.band.clone(),
                points: r.points.clone(),
                current: false,
            })
        })
        .collect();
    out.push(current);
    out
}

/// «янв. 2026», «1 кв. 2026», «2026».
pub fn short_label(p: &Period) -> String {
    match *p {
        Period::Month { year, month } => {
            let name = crate::fmt::month_name(month);
            let short: String = name.chars().take(3).collect();
            format!("{short}. {year}")
        }
        Period::Quarter { year, quarter } => format!("{quarter} кв. {year}"),
        Period::Year { year } => format!("{year}"),
    }
}

/// The charts of the dynamics slide and sheet: the total, then each
/// component.
pub fn series(
    history: &[HistoryPoint],
    components: &[ComponentView],
    total_max: u32,
    target: Option<u32>,
) -> Vec<Series> {
    let text = |v: Option<u32>| v.map_or_else(|| "—".to_string(), |v| v.to_string());
    let mut out = vec![Series {
        id: "total".into(),
        label: "Итого".into(),
        max: total_max,
        reference: target,
        reference_label: target.map(|t| format!("цель года — {t}")).unwrap_or_default(),
        values: history.iter().map(|h| Some(h.total)).collect(),
        texts: history.iter().map(|h| h.total.to_string()).collect(),
    }];
    for c in components {
        let values: Vec<Option<u32>> = history.iter().map(|h| h.points.get(&c.id).copied().flatten()).collect();
        out.push(Series {
            id: c.id.clone(),
            label: c.label.clone(),
            max: c.max,
            reference: c.required,
            reference_label: c.required.map(|r| format!("минимум — {r}")).unwrap_or_default(),
            texts: values.iter().map(|v| text(*v)).collect(),
            values,
        });
    }
    out
}

/// The progress of one plan row of period `current`: against the records
/// of earlier periods (oldest first) and the row's deadline.
pub fn progress(row: &PlanRow, current: &Period, records: &[Record], deadline: (i32, u8, u8)) -> Progress {
    let months_left = pace::months_left(current, deadline);
    let mut p = Progress {
        months_left,
        last_month: pace::month_of(pace::last_month(deadline)),
        ..Progress::default()
    };
    let earlier: Vec<(Period, u64, u64)> = records
        .iter()
        .filter_map(|r| {
            let (v, b) = r.measure(&row.id)?;
            Some((r.period()?, v, b))
        })
        .collect();
    if let (Some(value), Some((period, prev, _))) = (row.value, earlier.last()) {
        p.change = Some(i64::try_from(value).unwrap_or(i64::MAX) - i64::try_from(*prev).unwrap_or(i64::MAX));
        p.change_text = p.change.map(signed).unwrap_or_default();
        p.previous = Some(Previous {
            period: period.code(),
            label: period.label(),
            value: *prev,
            value_text: crate::fmt::int(*prev),
        });
    }
    if let (Some(target), Some(value)) = (row.target, row.value) {
        p.growth_needed_per_month = pace::growth_needed(target, value, months_left);
        p.overdue = months_left == 0 && p.growth_needed_per_month.is_some();
        p.growth_text = match (p.growth_needed_per_month, p.overdue) {
            (Some(g), true) => format!("срок наступил: +{}", crate::fmt::int(g)),
            (Some(g), false) => format!("+{} в месяц", crate::fmt::int(g)),
            (None, _) => String::new(),
        };
    }
    let (Some(value), Some(base)) = (row.value, row.base.filter(|b| *b > 0)) else {
        return p;
    };
    // The last periods recorded (with or without the row's data), then
    // those of them with data: as the workbook's SLOPE over their rows.
    let recent = &records[records.len().saturating_sub(TREND_PERIODS - 1)..];
    let mut points: Vec<(i64, f64)> = recent
        .iter()
        .filter_map(|r| {
            let (v, b) = r.measure(&row.id)?;
            (b > 0).then(|| Some((pace::end_month(&r.period()?), v as f64 / b as f64)))?
        })
        .collect();
    points.push((pace::end_month(current), value as f64 / base as f64));
    let Some(line) = pace::fit(&points) else {
        return p;
    };
    let per_month = (line.slope * base as f64).round();
    p.trend_per_month = Some(per_month as i64);
    p.trend_text = format!("{} в месяц", signed(per_month as i64));
    p.forecast = forecast(row, &line, current, deadline);
    p
}

/// When the trend reaches the row's target (None without a target).
fn forecast(row: &PlanRow, line: &Line, current: &Period, deadline: (i32, u8, u8)) -> Option<Forecast> {
    let level = row.levels.get(row.target_level?)?;
    let threshold = crate::num::Threshold {
        value: crate::num::Ratio::new(u128::from(level.threshold_num), u128::from(level.threshold_den))?,
        inclusive: level.inclusive,
    };
    let reached = pace::reaches(line, &threshold, pace::end_month(current));
    Some(match reached {
        Some(m) => {
            let (y, mo) = pace::month_of(m);
            // The same last month as the months left: a month reached
            // after the deadline's last whole month is late.
            let on_track = pace::in_time(m, deadline);
            let month_label = format!("{} {y} г.", crate::fmt::month_prepositional(mo));
            Forecast {
                period: Some(format!("{y}-{mo:02}")),
                sentence: if on_track {
                    format!("при текущем темпе цель достигается в {month_label}")
                } else {
                    format!("при текущем темпе к сроку не достигается (цель — только в {month_label})")
                },
                month_label,
                on_track,
                status_label: if on_track {
                    "в графике"
                } else {
                    "отстаёт"
                }
                .into(),
            }
        }
        None => Forecast {
            period: None,
            month_label: String::new(),
            on_track: false,
            status_label: "отстаёт".into(),
            sentence: "при текущем темпе к сроку не достигается".into(),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_numbers() {
        assert_eq!(signed(1_234), "+1\u{202F}234");
        assert_eq!(signed(-50), "−50");
        assert_eq!(signed(0), "0");
    }

    #[test]
    fn short_labels() {
        assert_eq!(short_label(&Period::Month { year: 2026, month: 1 }), "янв. 2026");
        assert_eq!(short_label(&Period::Quarter { year: 2026, quarter: 2 }), "2 кв. 2026");
    }
}
