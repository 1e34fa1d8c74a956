//! The rating and the plan, in exact arithmetic.
//!
//! For every component: its points with the reason, its status against the
//! year's required minimum; for every measure: the share today and the count
//! needed for each band (the plan), with the gap to today's value.

use serde::Serialize;

use crate::diag::Diagnostic;
use crate::ingest::{Inputs, Period};
use crate::methodology::{
    Combine, Component, ComponentKind, Criterion, Measure, Methodology, ScaleBand, Scoring, code_matches,
};
use crate::num::{Ratio, Threshold};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The required minimum is reached.
    Met,
    /// Below the required minimum.
    Below,
    /// Some input is missing: the component is not scored.
    NoData,
    /// The year has no required minimum for the component.
    NoRequirement,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Met => "выполнено",
            Status::Below => "ниже минимума",
            Status::NoData => "нет данных",
            Status::NoRequirement => "минимум не установлен",
        }
    }
}

/// The count needed for one band or criterion.
#[derive(Debug, Clone, Serialize)]
pub struct Level {
    #[serde(skip)]
    pub threshold: Threshold,
    /// `≥ 5%`, `> 10%`.
    pub threshold_label: String,
    pub points: u32,
    /// The smallest count that meets the threshold (None without a base).
    pub count: Option<u64>,
    /// `count − value`, 0 when reached (None without data).
    pub gap: Option<u64>,
    pub reached: bool,
}

/// One input code's contribution to a measure.
#[derive(Debug, Clone, Serialize)]
pub struct CodeValue {
    pub code: String,
    pub name: String,
    pub value: Option<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MeasureResult {
    pub id: String,
    pub name: String,
    pub unit: String,
    /// The criterion this measure belongs to (additive components).
    pub criterion: Option<String>,
    pub numerator: Vec<CodeValue>,
    pub base_parts: Vec<CodeValue>,
    pub info: Vec<CodeValue>,
    pub base_name: String,
    pub value: Option<u64>,
    pub base: Option<u64>,
    #[serde(skip)]
    pub share: Option<Ratio>,
    /// Every band's (or the criterion's) count.
    pub levels: Vec<Level>,
    /// The index in `levels` of the level that gives the component its
    /// required minimum (for an additive component: the criterion's own
    /// threshold); None where the minimum is met or not defined.
    pub target: Option<usize>,
    /// When the minimum is met: the index of the next level that adds
    /// points (the next band of a scale; a criterion not met).
    pub next: Option<usize>,
    /// Codes not submitted.
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CriterionResult {
    pub id: String,
    pub name: String,
    pub short: String,
    pub points_max: u32,
    /// None when data are missing.
    pub passed: Option<bool>,
    pub threshold_label: String,
    pub combine: Combine,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComponentResult {
    pub id: String,
    pub label: String,
    pub name: String,
    pub kind: ComponentKind,
    pub max: u32,
    pub required: Option<u32>,
    /// None when data are missing.
    pub points: Option<u32>,
    pub status: Status,
    pub reason: String,
    pub measures: Vec<MeasureResult>,
    pub criteria: Vec<CriterionResult>,
    /// Minimal sets of criteria (by short name) whose points reach the
    /// required minimum (additive components).
    pub combinations: Vec<Vec<String>>,
    /// Basic services marked as not launched (the gate).
    pub gate_failed: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct YearGoal {
    pub year: i32,
    pub target: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rating {
    pub period: Period,
    pub year: i32,
    pub components: Vec<ComponentResult>,
    /// Sum of the scored components.
    pub total: u32,
    pub total_max: u32,
    pub band: String,
    pub year_target: Option<u32>,
    pub targets: Vec<YearGoal>,
    /// Components without data.
    pub incomplete: usize,
    #[serde(skip)]
    pub diagnostics: Vec<Diagnostic>,
}

/// The year targets and minimums in force: the region's override for a year
/// replaces the methodology's entry for that year.
pub fn years(m: &Methodology, overrides: &[crate::methodology::YearTarget]) -> Vec<crate::methodology::YearTarget> {
    let mut out: Vec<_> = m
        .years
        .iter()
        .filter(|y| !overrides.iter().any(|o| o.year == y.year))
        .cloned()
        .chain(overrides.iter().cloned())
        .collect();
    out.sort_by_key(|y| y.year);
    out
}

/// Computes the rating for `period`.
pub fn compute(
    m: &Methodology,
    inputs: &Inputs,
    period: Period,
    overrides: &[crate::methodology::YearTarget],
) -> Rating {
    let year = period.year();
    let years = years(m, overrides);
    let this_year = years.iter().find(|y| y.year == year);
    let mut diagnostics = Vec::new();
    let components: Vec<ComponentResult> = m
        .components
        .iter()
        .map(|c| {
            let required = this_year.and_then(|y| y.required.get(&c.id).copied());
            component(m, c, inputs, required, &mut diagnostics)
        })
        .collect();
    let total = components.iter().filter_map(|c| c.points).sum();
    let incomplete = components.iter().filter(|c| c.points.is_none()).count();
    let band = m.band_for(total).map(|b| b.id.clone()).unwrap_or_default();
    Rating {
        period,
        year,
        total,
        total_max: m.total_max,
        band,
        year_target: this_year.map(|y| y.target),
        targets: years
            .iter()
            .map(|y| YearGoal {
                year: y.year,
                target: y.target,
            })
            .collect(),
        incomplete,
        components,
        diagnostics,
    }
}

fn code_values(codes: &[String], m: &Methodology, inputs: &Inputs) -> Vec<CodeValue> {
    codes
        .iter()
        .map(|c| CodeValue {
            code: c.clone(),
            name: m.indicator_name(c).unwrap_or_default(),
            value: inputs.value(c),
        })
        .collect()
}

fn sum(parts: &[CodeValue]) -> Option<u64> {
    parts.iter().map(|p| p.value).sum::<Option<u64>>()
}

/// Evaluates a measure's value, base and share, with its levels.
fn measure(
    m: &Methodology,
    def: &Measure,
    criterion: Option<&str>,
    levels: &[(Threshold, u32)],
    inputs: &Inputs,
    diagnostics: &mut Vec<Diagnostic>,
) -> MeasureResult {
    let numerator = code_values(&def.numerator, m, inputs);
    let base_parts = code_values(&def.base, m, inputs);
    let value = sum(&numerator);
    let base = sum(&base_parts);
    let mut missing: Vec<String> = numerator
        .iter()
        .chain(&base_parts)
        .filter(|p| p.value.is_none())
        .map(|p| p.code.clone())
        .collect();
    if base == Some(0) {
        let loc = def
            .base
            .first()
            .and_then(|c| inputs.values.get(c))
            .map(|o| o.location.clone());
        diagnostics.push(Diagnostic::warning(
            loc,
            format!("расчётная база «{}» равна нулю — долю посчитать нельзя", def.base_name),
        ));
        missing.extend(def.base.iter().cloned());
    }
    if let (Some(v), Some(b)) = (value, base)
        && v > b
        && b > 0
    {
        let loc = def
            .numerator
            .first()
            .and_then(|c| inputs.values.get(c))
            .map(|o| o.location.clone());
        diagnostics.push(Diagnostic::warning(
                loc,
                format!(
                    "значение «{}» ({}) больше расчётной базы «{}» ({}): доля больше 100% — проверьте данные (значение не ограничивается)",
                    def.name,
                    crate::fmt::int(v),
                    def.base_name,
                    crate::fmt::int(b)
                ),
            ));
    }
    let share = match (value, base) {
        (Some(v), Some(b)) if b > 0 => Ratio::share(v, b),
        _ => None,
    };
    let levels = levels
        .iter()
        .map(|(t, points)| {
            let count = base.filter(|b| *b > 0).map(|b| t.min_count(b));
            let reached = matches!((value, base), (Some(v), Some(b)) if t.is_met(v, b));
            Level {
                threshold: *t,
                threshold_label: t.label(),
                points: *points,
                count,
                gap: match (count, value) {
                    (Some(c), Some(v)) => Some(c.saturating_sub(v)),
                    _ => None,
                },
                reached,
            }
        })
        .collect();
    MeasureResult {
        id: def.id.clone(),
        name: def.name.clone(),
        unit: def.unit.clone(),
        criterion: criterion.map(String::from),
        info: code_values(&def.info, m, inputs),
        numerator,
        base_parts,
        base_name: def.base_name.clone(),
        value,
        base,
        share,
        levels,
        target: None,
        next: None,
        missing,
    }
}

impl MeasureResult {
    /// The level of the target, if any.
    pub fn target_level(&self) -> Option<&Level> {
        self.target.and_then(|i| self.levels.get(i))
    }
}

/// `2,5% ≤ доля < 5%`: the range of band `i` of a scale.
pub fn band_range_label(bands: &[ScaleBand], i: usize) -> String {
    let lower = |t: &Threshold| {
        format!(
            "{} {} доля",
            crate::fmt::percent(&t.value, 2),
            if t.inclusive { "≤" } else { "<" }
        )
    };
    let upper = |t: &Threshold| {
        format!(
            "{} {}",
            if t.inclusive { "<" } else { "≤" },
            crate::fmt::percent(&t.value, 2)
        )
    };
    match (bands.get(i), bands.get(i + 1)) {
        (Some(b), Some(n)) => format!("{} {}", lower(&b.threshold), upper(&n.threshold)),
        (Some(b), None) => format!("доля {}", b.threshold.label()),
        _ => String::new(),
    }
}

/// What scoring gives a component before the gate.
struct Scored {
    measures: Vec<MeasureResult>,
    points: Option<u32>,
    reason: String,
    criteria: Vec<CriterionResult>,
    combinations: Vec<Vec<String>>,
}

fn component(
    m: &Methodology,
    c: &Component,
    inputs: &Inputs,
    required: Option<u32>,
    diagnostics: &mut Vec<Diagnostic>,
) -> ComponentResult {
    let mut scored = match &c.scoring {
        Scoring::Scale { measure: def, bands } => score_scale(m, def, bands, inputs, diagnostics),
        Scoring::Criteria(list) => score_criteria(m, list, required, inputs, diagnostics),
    };
    let gate_failed = match &c.gate {
        Some(gate) => apply_gate(m, gate, inputs, &mut scored),
        None => Vec::new(),
    };
    let status = status_of(scored.points, required);
    if scored.points.is_none() {
        diagnostics.push(Diagnostic::warning(
            None,
            format!("компонент {} «{}» не рассчитан: {}", c.label, c.name, scored.reason),
        ));
    }
    match required {
        Some(req) if status != Status::Met => set_targets(&mut scored.measures, req),
        _ => set_next_levels(&mut scored.measures, scored.points),
    }
    ComponentResult {
        id: c.id.clone(),
        label: c.label.clone(),
        name: c.name.clone(),
        kind: c.kind,
        max: c.max,
        required,
        points: scored.points,
        status,
        reason: scored.reason,
        measures: scored.measures,
        criteria: scored.criteria,
        combinations: scored.combinations,
        gate_failed,
    }
}

/// A scale component: one share, the points of the highest band it meets.
fn score_scale(
    m: &Methodology,
    def: &Measure,
    bands: &[ScaleBand],
    inputs: &Inputs,
    diagnostics: &mut Vec<Diagnostic>,
) -> Scored {
    let levels: Vec<(Threshold, u32)> = bands.iter().map(|b| (b.threshold, b.points)).collect();
    let mr = measure(m, def, None, &levels, inputs, diagnostics);
    let (points, reason) = match (mr.share, mr.value, mr.base) {
        (Some(share), Some(v), Some(b)) => {
            let thresholds: Vec<Threshold> = bands.iter().map(|b| b.threshold).collect();
            let share_text = format!(
                "доля {} ({} из {})",
                crate::fmt::share(&share, 2, &thresholds),
                crate::fmt::int(v),
                crate::fmt::int(b)
            );
            match bands.iter().rposition(|band| band.threshold.is_met(v, b)) {
                Some(i) => (
                    Some(bands[i].points),
                    format!(
                        "{share_text}: полоса «{}» — {} б.",
                        band_range_label(bands, i),
                        bands[i].points
                    ),
                ),
                None => (
                    Some(0),
                    format!(
                        "{share_text}: ниже порога {} — 0 б.",
                        bands.first().map(|b| b.threshold.label()).unwrap_or_default()
                    ),
                ),
            }
        }
        _ => (None, missing_reason(&mr.missing, m)),
    };
    Scored {
        measures: vec![mr],
        points,
        reason,
        criteria: Vec::new(),
        combinations: Vec::new(),
    }
}

/// An additive component: independent criteria whose points add up.
fn score_criteria(
    m: &Methodology,
    list: &[Criterion],
    required: Option<u32>,
    inputs: &Inputs,
    diagnostics: &mut Vec<Diagnostic>,
) -> Scored {
    let mut measures = Vec::new();
    let mut criteria = Vec::new();
    let mut total = Some(0u32);
    let mut parts_text = Vec::new();
    for cr in list {
        let evaluated = criterion_measures(m, cr, inputs, diagnostics);
        let passed = if evaluated.iter().any(|e| e.share.is_none()) {
            None
        } else {
            Some(evaluated.iter().all(|e| e.levels.iter().all(|l| l.reached)))
        };
        parts_text.push(criterion_text(cr, &evaluated, passed));
        total = match (total, passed) {
            (Some(t), Some(true)) => Some(t + cr.points),
            (Some(t), Some(false)) => Some(t),
            _ => None,
        };
        criteria.push(CriterionResult {
            id: cr.id.clone(),
            name: cr.name.clone(),
            short: cr.short.clone(),
            points_max: cr.points,
            passed,
            threshold_label: cr.threshold.label(),
            combine: cr.combine,
        });
        measures.extend(evaluated);
    }
    let combinations = match required {
        Some(req) => minimal_combinations(list.iter().map(|c| (c.short.clone(), c.points)).collect(), req),
        None => Vec::new(),
    };
    let mut reason = parts_text.join("; ");
    if total.is_none() {
        let missing: Vec<String> = measures.iter().flat_map(|mr| mr.missing.clone()).collect();
        reason = format!("{}. {reason}", missing_reason(&missing, m));
    }
    Scored {
        measures,
        points: total,
        reason,
        criteria,
        combinations,
    }
}

/// The measures of one criterion: each part on its own, or all pooled.
fn criterion_measures(
    m: &Methodology,
    cr: &Criterion,
    inputs: &Inputs,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<MeasureResult> {
    let levels = [(cr.threshold, cr.points)];
    match cr.combine {
        Combine::Each => cr
            .parts
            .iter()
            .map(|p| measure(m, p, Some(&cr.id), &levels, inputs, diagnostics))
            .collect(),
        Combine::Pooled => {
            let joined = |f: fn(&Measure) -> &str| cr.parts.iter().map(f).collect::<Vec<_>>().join(" + ");
            let pooled = Measure {
                id: cr.id.clone(),
                name: joined(|p| &p.name),
                unit: cr.parts.first().map(|p| p.unit.clone()).unwrap_or_default(),
                numerator: cr.parts.iter().flat_map(|p| p.numerator.clone()).collect(),
                base: cr.parts.iter().flat_map(|p| p.base.clone()).collect(),
                base_name: joined(|p| &p.base_name),
                info: cr.parts.iter().flat_map(|p| p.info.clone()).collect(),
            };
            vec![measure(m, &pooled, Some(&cr.id), &levels, inputs, diagnostics)]
        }
    }
}

/// «ТМК: 0% и …, нужно ≥ 5% — не выполнен, 0 б.».
fn criterion_text(cr: &Criterion, evaluated: &[MeasureResult], passed: Option<bool>) -> String {
    let shares = evaluated
        .iter()
        .map(|e| match e.share {
            Some(s) => crate::fmt::share(&s, 1, &[cr.threshold]),
            None => "нет данных".into(),
        })
        .collect::<Vec<_>>()
        .join(" и ");
    match passed {
        Some(true) => format!(
            "{}: {shares} {} — выполнен, {} б.",
            cr.short,
            cr.threshold.label(),
            cr.points
        ),
        Some(false) => format!(
            "{}: {shares}, нужно {} — не выполнен, 0 б.",
            cr.short,
            cr.threshold.label()
        ),
        None => format!("{}: нет данных", cr.short),
    }
}

/// The gate: a basic service marked as not launched zeroes the component.
/// Returns the services not launched.
fn apply_gate(m: &Methodology, gate: &crate::methodology::Gate, inputs: &Inputs, scored: &mut Scored) -> Vec<String> {
    let mut failed = Vec::new();
    for (code, obs) in &inputs.values {
        if code_matches(&gate.flags, code) && obs.value == 0 {
            let slug = code.split('.').nth(2).unwrap_or(code);
            failed.push(m.service_name(slug).unwrap_or(slug).to_string());
        }
    }
    if !failed.is_empty() {
        let names = failed.iter().map(|n| format!("«{n}»")).collect::<Vec<_>>().join(", ");
        scored.reason = format!(
            "не выполнен критерий «{}»: не запущен(ы) {names} — 0 б. ({})",
            gate.label, scored.reason
        );
        if scored.points.is_some() {
            scored.points = Some(0);
        }
    }
    failed
}

fn status_of(points: Option<u32>, required: Option<u32>) -> Status {
    match (points, required) {
        (None, _) => Status::NoData,
        (Some(_), None) => Status::NoRequirement,
        (Some(p), Some(r)) if p >= r => Status::Met,
        (Some(_), Some(_)) => Status::Below,
    }
}

/// Targets: for each measure the level that gives the required minimum
/// (for a criterion: its own threshold).
/// When the minimum is met (or none is set): the next band above the
/// points of a scale, and each criterion not met.
fn set_next_levels(measures: &mut [MeasureResult], points: Option<u32>) {
    let Some(points) = points else {
        return;
    };
    for mr in measures {
        mr.next = if mr.criterion.is_some() {
            mr.levels.iter().position(|l| !l.reached)
        } else {
            mr.levels.iter().position(|l| l.points > points && !l.reached)
        };
    }
}

fn set_targets(measures: &mut [MeasureResult], required: u32) {
    for mr in measures {
        mr.target = mr
            .levels
            .iter()
            .position(|l| l.points >= required || mr.criterion.is_some());
    }
}

fn missing_reason(missing: &[String], m: &Methodology) -> String {
    let mut list: Vec<String> = missing
        .iter()
        .map(|c| match m.indicator_name(c) {
            Some(name) => format!("{c} ({name})"),
            None => c.clone(),
        })
        .collect();
    list.dedup();
    format!("нет данных: не представлены {}", list.join(", "))
}

/// Minimal sets of criteria whose points add up to at least `required`:
/// no proper subset of a listed set suffices. Ordered by size, then by
/// the criteria's order.
pub fn minimal_combinations(criteria: Vec<(String, u32)>, required: u32) -> Vec<Vec<String>> {
    let n = criteria.len().min(16);
    let mut sets: Vec<u32> = Vec::new();
    let total = |mask: u32| -> u32 { (0..n).filter(|i| mask & (1 << i) != 0).map(|i| criteria[i].1).sum() };
    let mut masks: Vec<u32> = (1..(1u32 << n)).collect();
    masks.sort_by_key(|m| (m.count_ones(), std::cmp::Reverse(m.reverse_bits())));
    for mask in masks {
        if total(mask) >= required && !sets.iter().any(|s| s & mask == *s) {
            sets.push(mask);
        }
    }
    sets.iter()
        .map(|mask| {
            (0..n)
                .filter(|i| mask & (1 << i) != 0)
                .map(|i| criteria[i].0.clone())
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests;
