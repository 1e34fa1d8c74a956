//! The view model: every figure and text a renderer shows, computed and
//! formatted once. Renderers (deck, workbook, packs, JSON) only lay it out.

use serde::Serialize;

use crate::bodies::Registry;
use crate::diag::{Diagnostic, Severity};
use crate::ingest::Inputs;
use crate::methodology::{ComponentKind, Methodology, Scoring};
use crate::rating::{ComponentResult, Level, MeasureResult, Rating, Status, band_range_label};
use crate::region::Region;

#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub region: String,
    /// «Забайкальского края».
    pub region_genitive: String,
    /// `2026-Q1`.
    pub period: String,
    /// «1 квартал 2026 г.».
    pub period_label: String,
    pub year: i32,
    pub meeting_title: String,
    /// «16 апреля 2026 г.», empty when no date is set.
    pub meeting_date_label: String,
    /// The document date (meeting date, or the last day of the period).
    pub document_date: (i32, u8, u8),
    pub methodology: String,
    pub goal: String,
    pub tasks: Vec<String>,
    /// The default deadline of the plan: «31 декабря 2026 г.».
    pub deadline: String,
    /// Who signs the letters (`[meeting] secretary`), empty when not set.
    pub secretary: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct BandView {
    pub id: String,
    /// «менее 26», «26–50».
    pub label: String,
    /// The zone's name: «красная зона» (the id when it is not a colour
    /// the tool knows).
    pub name: String,
    pub from: u32,
    pub to: u32,
    pub color: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub total: u32,
    pub total_max: u32,
    pub band: BandView,
    pub year_target: Option<u32>,
    /// Points still needed to the year's target.
    pub target_gap: Option<u32>,
    pub incomplete: usize,
    /// «Рассчитаны 4 из 4 компонентов» or «нет данных по 1 компоненту».
    pub completeness: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetView {
    pub year: i32,
    pub target: u32,
    pub current: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct LevelView {
    /// `≥ 5%`, `> 10%`.
    pub threshold: String,
    /// The threshold as an exact fraction `numerator / denominator` of 1
    /// (5% → 1/20), for formulas that compare in integers:
    /// `value * den >= num * base`.
    pub threshold_num: u64,
    pub threshold_den: u64,
    /// `true` for ≥, `false` for >.
    pub inclusive: bool,
    pub points: u32,
    pub count: Option<u64>,
    pub count_text: String,
    pub gap: Option<u64>,
    pub gap_text: String,
    pub reached: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PartView {
    pub code: String,
    pub name: String,
    pub value: Option<u64>,
    pub value_text: String,
    pub responsible: Vec<String>,
    pub source: String,
}

/// One row of the plan: a measure with its value, base, target and owners.
#[derive(Debug, Clone, Serialize)]
pub struct PlanRow {
    pub id: String,
    /// The input code when the measure reads one, else the measure id.
    pub code: String,
    pub name: String,
    pub unit: String,
    pub criterion: Option<String>,
    pub value: Option<u64>,
    pub value_text: String,
    pub base: Option<u64>,
    pub base_text: String,
    pub base_name: String,
    pub share_percent: Option<f64>,
    pub share_text: String,
    /// The share as an exact fraction `[numerator, denominator]`.
    pub share_exact: Option<[u64; 2]>,
    pub threshold: String,
    pub target: Option<u64>,
    /// «69 142 (> 10%)», «—» when met or not defined.
    pub target_text: String,
    pub gap: Option<u64>,
    pub gap_text: String,
    pub levels: Vec<LevelView>,
    pub numerator_parts: Vec<PartView>,
    pub base_parts: Vec<PartView>,
    pub info: Vec<PartView>,
    pub responsible: Vec<String>,
    pub works: String,
    pub deadline: String,
    /// The organisations the figures come from («ООО «МАХ»», «Росстат»).
    pub sources: Vec<String>,
    pub missing: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScaleRow {
    pub label: String,
    pub points: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct CriterionView {
    pub id: String,
    pub name: String,
    pub short: String,
    pub points: u32,
    pub threshold: String,
    pub passed: Option<bool>,
    pub status_label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComponentView {
    pub id: String,
    pub label: String,
    pub name: String,
    pub kind: ComponentKind,
    pub kind_label: String,
    pub max: u32,
    pub required: Option<u32>,
    pub points: Option<u32>,
    pub points_text: String,
    pub status: Status,
    pub status_label: String,
    pub reason: String,
    pub description: String,
    pub criteria_text: Vec<String>,
    pub includes: Vec<String>,
    pub method: String,
    pub scale: Vec<ScaleRow>,
    pub criteria: Vec<CriterionView>,
    /// «ТМК (20 б.)», «МФЦ + ЖКХ (10 + 10 б.)».
    pub combinations: Vec<String>,
    /// The gate criterion's label («Запущены базовые сервисы для граждан»)
    /// when the component has one.
    pub gate: Option<String>,
    pub gate_failed: Vec<String>,
    pub rows: Vec<PlanRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PastMeasureView {
    pub title: String,
    pub status: crate::region::MeasureStatus,
    pub status_label: String,
    pub responsible: Vec<String>,
    pub responsible_text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResultsView {
    pub year: i32,
    pub measures: Vec<PastMeasureView>,
}

/// A value read, with its cell, for the «Источники» table.
#[derive(Debug, Clone, Serialize)]
pub struct SourceRow {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub value: u64,
    pub value_text: String,
    pub file: String,
    pub sheet: String,
    pub cell: String,
    pub body: String,
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct DiagnosticView {
    pub severity: Severity,
    pub severity_label: String,
    pub file: String,
    pub sheet: String,
    pub cell: String,
    pub message: String,
}

/// What a body answers for in one plan row.
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
    pub email: Option<String>,
    /// Its rows in the order of the plan.
    pub rows: Vec<BodyRow>,
    /// Some row has a gap > 0.
    pub due: bool,
    pub due_count: usize,
    pub no_data_count: usize,
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

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub meta: Meta,
    pub summary: Summary,
    pub targets: Vec<TargetView>,
    pub bands: Vec<BandView>,
    pub components: Vec<ComponentView>,
    pub results: Option<ResultsView>,
    pub sources: Vec<SourceRow>,
    pub diagnostics: Vec<DiagnosticView>,
    /// Every responsible body (from `region.toml` and the plan's rows), in
    /// the registry's order, with its rows.
    pub bodies: Vec<BodyView>,
}

/// «красная зона» for the colour ids of the methodology.
fn band_name(id: &str) -> String {
    match id {
        "red" => "красная зона".into(),
        "yellow" => "жёлтая зона".into(),
        "green" => "зелёная зона".into(),
        other => other.into(),
    }
}

fn count_text(v: Option<u64>) -> String {
    v.map(crate::fmt::int).unwrap_or_else(|| "нет данных".into())
}

fn level_view(l: &Level) -> LevelView {
    LevelView {
        threshold: l.threshold_label.clone(),
        threshold_num: u64::try_from(l.threshold.value.numer()).unwrap_or(u64::MAX),
        threshold_den: u64::try_from(l.threshold.value.denom()).unwrap_or(u64::MAX),
        inclusive: l.threshold.inclusive,
        points: l.points,
        count: l.count,
        count_text: count_text(l.count),
        gap: l.gap,
        gap_text: l.gap.map(crate::fmt::int).unwrap_or_else(|| "—".into()),
        reached: l.reached,
    }
}

impl Report {
    pub fn build(m: &Methodology, region: &Region, inputs: &Inputs, rating: &Rating) -> Report {
        let region_name = region
            .region
            .clone()
            .or_else(|| inputs.region.as_ref().map(|r| r.0.clone()))
            .unwrap_or_else(|| "Регион не указан".into());
        let genitive = region.region_genitive.clone().unwrap_or_else(|| region_name.clone());
        let year = rating.year;
        let meeting_date = region.meeting_date();
        let document_date = meeting_date.unwrap_or_else(|| rating.period.last_day());
        let deadline = crate::fmt::date(year, 12, 31);
        let meta = Meta {
            meeting_title: region.meeting.title.clone().unwrap_or_else(|| {
                format!("Заседание рабочей группы по внедрению и популяризации национального мессенджера на территории {genitive}")
            }),
            meeting_date_label: meeting_date.map(|(y, mo, d)| crate::fmt::date(y, mo, d)).unwrap_or_default(),
            region: region_name,
            region_genitive: genitive,
            period: rating.period.code(),
            period_label: rating.period.label(),
            year,
            document_date,
            methodology: m.title.clone(),
            goal: region
                .goal
                .clone()
                .unwrap_or_else(|| format!("ЦЕЛЬ на {year} год: массовое использование сервисов «МАХ» и Цифрового ID")),
            tasks: if region.tasks.is_empty() {
                vec![
                    "популяризация сервисов «МАХ» и обеспечение инфраструктуры приема Цифрового ID".into(),
                    "достижение показателя рейтинга внедрения «МАХ»".into(),
                ]
            } else {
                region.tasks.clone()
            },
            deadline: deadline.clone(),
            secretary: region.meeting.secretary.clone().unwrap_or_default(),
        };
        let band_view = |b: &crate::methodology::ColourBand| BandView {
            id: b.id.clone(),
            label: b.label.clone(),
            name: band_name(&b.id),
            from: b.from,
            to: b.to,
            color: b.color.clone(),
        };
        let bands: Vec<BandView> = m.bands.iter().map(band_view).collect();
        let band = m
            .band_for(rating.total)
            .map(band_view)
            .unwrap_or_else(|| bands[0].clone());
        let scored = rating.components.len() - rating.incomplete;
        let n = rating.components.len() as u64;
        let summary = Summary {
            total: rating.total,
            total_max: rating.total_max,
            band,
            year_target: rating.year_target,
            target_gap: rating.year_target.map(|t| t.saturating_sub(rating.total)),
            incomplete: rating.incomplete,
            completeness: if rating.incomplete == 0 {
                format!(
                    "рассчитаны все {n} {}",
                    crate::fmt::plural(n, "компонент", "компонента", "компонентов")
                )
            } else {
                format!(
                    "нет данных по {} из {n} компонентов: итог неполный (рассчитано {scored})",
                    rating.incomplete
                )
            },
        };
        let components: Vec<ComponentView> = rating
            .components
            .iter()
            .map(|c| component_view(m, region, inputs, c, &deadline))
            .collect();
        let bodies = bodies_view(region, &components);
        let results = (!region.results.measures.is_empty()).then(|| ResultsView {
            year: region.results.year.unwrap_or(year - 1),
            measures: region
                .results
                .measures
                .iter()
                .map(|p| PastMeasureView {
                    title: p.title.clone(),
                    status: p.status,
                    status_label: p.status.label().into(),
                    responsible_text: p.responsible.list().join(", "),
                    responsible: p.responsible.list(),
                })
                .collect(),
        });
        let sources = inputs
            .observations
            .iter()
            .map(|o| {
                let def = m.indicator(&o.code);
                SourceRow {
                    code: o.code.clone(),
                    name: o
                        .name
                        .clone()
                        .or_else(|| def.map(|d| d.name.clone()))
                        .unwrap_or_default(),
                    unit: def.map(|d| d.unit.clone()).unwrap_or_default(),
                    value: o.value,
                    value_text: crate::fmt::int(o.value),
                    file: o.location.file.clone(),
                    sheet: o.location.sheet.clone().unwrap_or_default(),
                    cell: o.location.cell.clone().unwrap_or_default(),
                    body: o.body.clone().unwrap_or_default(),
                    source: o
                        .source
                        .clone()
                        .or_else(|| def.map(|d| d.source.clone()))
                        .unwrap_or_default(),
                }
            })
            .collect();
        let diagnostics = inputs
            .diagnostics
            .iter()
            .chain(&rating.diagnostics)
            .map(diagnostic_view)
            .collect();
        Report {
            meta,
            summary,
            targets: rating
                .targets
                .iter()
                .map(|t| TargetView {
                    year: t.year,
                    target: t.target,
                    current: t.year == year,
                })
                .collect(),
            bands,
            components,
            results,
            sources,
            diagnostics,
            bodies,
        }
    }

    /// The report cut to one body: its components with only its rows, the
    /// sources those rows read, the diagnostics of those sources' files, and
    /// the body alone in `bodies`. Totals, bands and targets stay the
    /// region's (they are the context of the body's part).
    pub fn for_body(&self, body: &BodyView) -> Report {
        let ids = body.row_ids();
        let components: Vec<ComponentView> = self
            .components
            .iter()
            .filter_map(|c| {
                let rows: Vec<PlanRow> = c
                    .rows
                    .iter()
                    .filter(|r| ids.contains(&r.id.as_str()))
                    .cloned()
                    .collect();
                (!rows.is_empty()).then(|| ComponentView { rows, ..c.clone() })
            })
            .collect();
        let codes = body.codes();
        let sources: Vec<SourceRow> = self
            .sources
            .iter()
            .filter(|s| codes.contains(&s.code))
            .cloned()
            .collect();
        let files: Vec<&str> = sources.iter().map(|s| s.file.as_str()).collect();
        let diagnostics = self
            .diagnostics
            .iter()
            .filter(|d| !d.file.is_empty() && files.contains(&d.file.as_str()))
            .cloned()
            .collect();
        Report {
            meta: self.meta.clone(),
            summary: self.summary.clone(),
            targets: self.targets.clone(),
            bands: self.bands.clone(),
            components,
            results: None,
            sources,
            diagnostics,
            bodies: vec![body.clone()],
        }
    }

    /// A body by slug.
    pub fn body(&self, slug: &str) -> Option<&BodyView> {
        self.bodies.iter().find(|b| b.slug == slug)
    }

    /// The value of every code read (first occurrence).
    pub fn values(&self) -> std::collections::BTreeMap<String, u64> {
        let mut map = std::collections::BTreeMap::new();
        for s in &self.sources {
            map.entry(s.code.clone()).or_insert(s.value);
        }
        map
    }

    /// `out/rating.json`: the machine-readable result.
    pub fn rating_json(&self) -> serde_json::Value {
        serde_json::json!({
            "region": self.meta.region,
            "period": self.meta.period,
            "period_label": self.meta.period_label,
            "year": self.meta.year,
            "methodology": self.meta.methodology,
            "total": self.summary.total,
            "total_max": self.summary.total_max,
            "band": self.summary.band.id,
            "year_target": self.summary.year_target,
            "targets": self.targets.iter().map(|t| serde_json::json!({"year": t.year, "target": t.target})).collect::<Vec<_>>(),
            "incomplete": self.summary.incomplete,
            "values": self.values(),
            "components": self.components.iter().map(|c| serde_json::json!({
                "id": c.id,
                "label": c.label,
                "name": c.name,
                "kind": c.kind,
                "points": c.points,
                "max": c.max,
                "required": c.required,
                "status": c.status,
                "status_label": c.status_label,
                "reason": c.reason,
                "combinations": c.combinations,
                "indicators": c.rows.iter().map(indicator_json).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "diagnostics": self.diagnostics.iter().map(|d| serde_json::json!({
                "severity": d.severity, "file": d.file, "sheet": d.sheet, "cell": d.cell, "message": d.message,
            })).collect::<Vec<_>>(),
        })
    }
}

fn indicator_json(r: &PlanRow) -> serde_json::Value {
    let levels: Vec<serde_json::Value> = r
        .levels
        .iter()
        .map(|l| {
            serde_json::json!({
                "threshold": l.threshold, "points": l.points, "count": l.count, "gap": l.gap, "reached": l.reached,
            })
        })
        .collect();
    serde_json::json!({
        "code": r.code,
        "measure": r.id,
        "name": r.name,
        "unit": r.unit,
        "criterion": r.criterion,
        "value": r.value,
        "base": r.base,
        "share_percent": r.share_percent.map(|p| (p * 100.0).round() / 100.0),
        "share_exact": r.share_exact,
        "threshold": r.threshold,
        "target": r.target,
        "gap": r.gap,
        "levels": levels,
        "responsible": r.responsible,
        "missing": r.missing,
    })
}

fn diagnostic_view(d: &Diagnostic) -> DiagnosticView {
    let loc = d.location.clone();
    DiagnosticView {
        severity: d.severity,
        severity_label: d.severity.label().into(),
        file: loc.as_ref().map(|l| l.file.clone()).unwrap_or_default(),
        sheet: loc.as_ref().and_then(|l| l.sheet.clone()).unwrap_or_default(),
        cell: loc.as_ref().and_then(|l| l.cell.clone()).unwrap_or_default(),
        message: d.message.clone(),
    }
}

fn component_view(
    m: &Methodology,
    region: &Region,
    inputs: &Inputs,
    c: &ComponentResult,
    deadline: &str,
) -> ComponentView {
    let def = m.component(&c.id);
    let scale = match def.map(|d| &d.scoring) {
        Some(Scoring::Scale { bands, .. }) => (0..bands.len())
            .map(|i| ScaleRow {
                label: band_range_label(bands, i),
                points: bands[i].points,
            })
            .collect(),
        _ => Vec::new(),
    };
    let points_of = |short: &str| {
        c.criteria
            .iter()
            .find(|cr| cr.short == short)
            .map(|cr| cr.points_max)
            .unwrap_or(0)
    };
    ComponentView {
        id: c.id.clone(),
        label: c.label.clone(),
        name: c.name.clone(),
        kind: c.kind,
        kind_label: c.kind.label().into(),
        max: c.max,
        required: c.required,
        points: c.points,
        points_text: c.points.map(|p| p.to_string()).unwrap_or_else(|| "нет данных".into()),
        status: c.status,
        status_label: c.status.label().into(),
        reason: c.reason.clone(),
        description: def.map(|d| d.description.clone()).unwrap_or_default(),
        criteria_text: def.map(|d| d.criteria_text.clone()).unwrap_or_default(),
        includes: def.map(|d| d.includes.clone()).unwrap_or_default(),
        method: def.map(|d| d.method.clone()).unwrap_or_default(),
        scale,
        criteria: c
            .criteria
            .iter()
            .map(|cr| CriterionView {
                id: cr.id.clone(),
                name: cr.name.clone(),
                short: cr.short.clone(),
                points: cr.points_max,
                threshold: cr.threshold_label.clone(),
                passed: cr.passed,
                status_label: match cr.passed {
                    Some(true) => "выполнен".into(),
                    Some(false) => "не выполнен".into(),
                    None => "нет данных".into(),
                },
            })
            .collect(),
        combinations: c
            .combinations
            .iter()
            .map(|set| {
                let pts: Vec<String> = set.iter().map(|s| points_of(s).to_string()).collect();
                format!("{} ({} б.)", set.join(" + "), pts.join(" + "))
            })
            .collect(),
        gate: def.and_then(|d| d.gate.as_ref()).map(|g| g.label.clone()),
        gate_failed: c.gate_failed.clone(),
        rows: c
            .measures
            .iter()
            .map(|mr| plan_row(m, region, inputs, mr, deadline))
            .collect(),
    }
}

fn part_view(m: &Methodology, region: &Region, inputs: &Inputs, p: &crate::rating::CodeValue) -> PartView {
    PartView {
        code: p.code.clone(),
        name: p.name.clone(),
        value: p.value,
        value_text: count_text(p.value),
        responsible: region.step(&p.code).map(|s| s.responsible.list()).unwrap_or_default(),
        source: source_of(m, inputs, &p.code),
    }
}

fn source_of(m: &Methodology, inputs: &Inputs, code: &str) -> String {
    inputs
        .values
        .get(code)
        .and_then(|o| o.source.clone())
        .or_else(|| m.indicator(code).map(|i| i.source.clone()))
        .unwrap_or_default()
}

fn plan_row(m: &Methodology, region: &Region, inputs: &Inputs, mr: &MeasureResult, deadline: &str) -> PlanRow {
    let step = region
        .step(&mr.id)
        .or_else(|| mr.numerator.first().and_then(|n| region.step(&n.code)));
    let code = if mr.numerator.len() == 1 {
        mr.numerator[0].code.clone()
    } else {
        mr.id.clone()
    };
    let mut responsible = step.map(|s| s.responsible.list()).unwrap_or_default();
    if responsible.is_empty() {
        // Without a plan entry, the bodies that submitted the numerator.
        for n in &mr.numerator {
            if let Some(b) = inputs.values.get(&n.code).and_then(|o| o.body.clone())
                && !responsible.contains(&b)
            {
                responsible.push(b);
            }
        }
    }
    let mut sources: Vec<String> = Vec::new();
    for p in mr.numerator.iter().chain(&mr.base_parts) {
        let s = source_of(m, inputs, &p.code);
        if !s.is_empty() && !sources.contains(&s) {
            sources.push(s);
        }
    }
    let target = mr.target.as_ref();
    PlanRow {
        id: mr.id.clone(),
        code,
        name: mr.name.clone(),
        unit: mr.unit.clone(),
        criterion: mr.criterion.clone(),
        value: mr.value,
        value_text: count_text(mr.value),
        base: mr.base,
        base_text: count_text(mr.base),
        base_name: mr.base_name.clone(),
        share_percent: mr.share.map(|s| s.percent_f64()),
        share_text: mr
            .share
            .map(|s| crate::fmt::percent(&s, 1))
            .unwrap_or_else(|| "нет данных".into()),
        share_exact: mr.value.zip(mr.base).filter(|(_, b)| *b > 0).map(|(v, b)| [v, b]),
        threshold: target.map(|t| t.threshold_label.clone()).unwrap_or_default(),
        target: target.and_then(|t| t.count),
        target_text: match target {
            Some(t) => match t.count {
                Some(c) => format!("{} ({})", crate::fmt::int(c), t.threshold_label),
                None => t.threshold_label.clone(),
            },
            None => "—".into(),
        },
        gap: target.and_then(|t| t.gap),
        gap_text: target
            .and_then(|t| t.gap)
            .map(crate::fmt::int)
            .unwrap_or_else(|| "—".into()),
        levels: mr.levels.iter().map(level_view).collect(),
        numerator_parts: mr.numerator.iter().map(|p| part_view(m, region, inputs, p)).collect(),
        base_parts: mr.base_parts.iter().map(|p| part_view(m, region, inputs, p)).collect(),
        info: mr.info.iter().map(|p| part_view(m, region, inputs, p)).collect(),
        responsible,
        works: step.and_then(|s| s.works.clone()).unwrap_or_default(),
        deadline: step
            .and_then(|s| s.deadline.clone())
            .unwrap_or_else(|| deadline.to_string()),
        sources,
        missing: mr.missing.clone(),
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
pub fn bodies_view(region: &Region, components: &[ComponentView]) -> Vec<BodyView> {
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
                slug: b.slug.clone(),
                name: b.name.clone(),
                full_name: b.full_name.clone(),
                email: b.email.clone(),
                due: due_count > 0,
                due_count,
                no_data_count: rows.iter().filter(|r| r.no_data).count(),
                rows,
            }
        })
        .collect()
}
