//! The view model: every figure and text a renderer shows, computed and
//! formatted once. Renderers (deck, workbook, packs, JSON) only lay it out.
//!
//! - [`Report`] — the region's report: meta, summary, components with
//!   their plan rows ([`component`]), last year's results, sources,
//!   diagnostics, the bodies with their rows ([`bodies`]), the ranking of
//!   regions ([`ranking`]);
//! - [`json`] — `rating.json`, a typed schema over the report.

pub mod bodies;
pub mod collection;
pub mod component;
pub mod dynamics;
pub mod json;
pub mod ranking;

use serde::Serialize;

use crate::diag::{Diagnostic, Severity};
use crate::ingest::Inputs;
use crate::ingest::regions::RegionsTable;
use crate::methodology::Methodology;
use crate::rating::Rating;
use crate::region::Region;
pub use bodies::{BodyRole, BodyRow, BodyView, ComponentBrief};
pub use component::{Bullet, ComponentView, CriterionView, LevelView, PartView, PlanRow, ScaleRow};
pub use ranking::{FederalRanking, RankRow, Ranking};

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
    /// Every threshold of the methodology, for the `percent` helper of the
    /// texts: a share it shows stays on its side of each.
    pub thresholds: Vec<ThresholdView>,
    /// The covering letter's requisites (`[sender]`).
    pub sender: crate::region::mail::Sender,
    /// The e-mail sender (`[mail]`).
    pub mail: crate::region::mail::Mail,
}

/// A threshold as an exact fraction of 1 and its kind (≥ or >).
#[derive(Debug, Clone, Serialize)]
pub struct ThresholdView {
    pub num: u64,
    pub den: u64,
    pub inclusive: bool,
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
    /// The ranking of regions (`regions.xlsx`), the region marked.
    pub ranking: Option<Ranking>,
    /// The recorded periods and the current one, oldest first.
    pub history: Vec<dynamics::HistoryPoint>,
    /// The charts of the dynamics (the total, each component); empty with
    /// one period only.
    pub dynamics: Vec<dynamics::Series>,
    /// Every plan row's value and base over `history`.
    pub measure_history: Vec<dynamics::MeasureSeries>,
    /// Who has sent its form (the bodies with `codes` in region.toml).
    pub collection: collection::CollectionView,
}

/// What the report is built from.
pub struct ReportInputs<'a> {
    pub methodology: &'a Methodology,
    pub region: &'a Region,
    pub inputs: &'a Inputs,
    pub rating: &'a Rating,
    /// `regions.xlsx`, when there is one.
    pub regions: Option<&'a RegionsTable>,
    /// The records of the periods before this one, oldest first.
    pub history: &'a [crate::history::Record],
}

/// «красная зона» for the colour ids of the methodology.
pub fn band_name(id: &str) -> String {
    match id {
        "red" => "красная зона".into(),
        "yellow" => "жёлтая зона".into(),
        "green" => "зелёная зона".into(),
        other => other.into(),
    }
}

fn band_view(b: &crate::methodology::ColourBand) -> BandView {
    BandView {
        id: b.id.clone(),
        label: b.label.clone(),
        name: band_name(&b.id),
        from: b.from,
        to: b.to,
        color: b.color.clone(),
    }
}

impl Report {
    pub fn build(src: &ReportInputs<'_>) -> Report {
        let meta = meta(src);
        let deadline = meta.deadline.clone();
        let components: Vec<ComponentView> = src
            .rating
            .components
            .iter()
            .map(|c| component::component_view(src.methodology, src.region, src.inputs, c, &deadline))
            .collect();
        let mut components = components;
        for c in &mut components {
            for r in &mut c.rows {
                let deadline = r.deadline_date.unwrap_or((meta.year, 12, 31));
                r.progress = dynamics::progress(r, &src.rating.period, src.history, deadline);
            }
        }
        let mut bodies = bodies::bodies_view(src.region, &components, meta.year);
        bodies::name_letters(&mut bodies, &meta, &src.rating.period);
        let ranking = src
            .regions
            .map(|t| Ranking::from_table(t, &meta.region))
            .filter(|r| r.count > 0);
        let summary = summary(src);
        let history = dynamics::history(
            src.history,
            dynamics::HistoryPoint {
                period: meta.period.clone(),
                short_label: dynamics::short_label(&src.rating.period),
                label: meta.period_label.clone(),
                total: summary.total,
                band: summary.band.id.clone(),
                points: components.iter().map(|c| (c.id.clone(), c.points)).collect(),
                current: true,
            },
        );
        let dynamics = if history.len() > 1 {
            dynamics::series(&history, &components, summary.total_max, summary.year_target)
        } else {
            Vec::new()
        };
        let registry = crate::bodies::Registry::new(src.region, &[]);
        let collection = collection::CollectionView::new(
            &crate::collection::Collection::new(src.region, &registry, src.inputs),
            Some(src.rating),
            &|code| indicator_name(src.methodology, code),
        );
        Report {
            collection,
            measure_history: dynamics::measure_series(src.history, &components),
            history,
            dynamics,
            summary,
            targets: src
                .rating
                .targets
                .iter()
                .map(|t| TargetView {
                    year: t.year,
                    target: t.target,
                    current: t.year == meta.year,
                })
                .collect(),
            bands: src.methodology.bands.iter().map(band_view).collect(),
            results: results(src.region, meta.year),
            sources: sources(src.methodology, src.inputs),
            diagnostics: src
                .inputs
                .diagnostics
                .iter()
                .chain(&src.rating.diagnostics)
                .map(diagnostic_view)
                .collect(),
            meta,
            components,
            bodies,
            ranking,
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
            ranking: None,
            collection: collection::CollectionView {
                rows: self
                    .collection
                    .rows
                    .iter()
                    .filter(|r| r.slug == body.slug)
                    .cloned()
                    .collect(),
                ..self.collection.clone()
            },
            history: self.history.clone(),
            dynamics: Vec::new(),
            measure_history: self
                .measure_history
                .iter()
                .filter(|m| ids.contains(&m.id.as_str()))
                .cloned()
                .collect(),
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
    pub fn rating_json(&self) -> json::RatingJson {
        json::RatingJson::new(self)
    }
}

impl Report {
    /// The region's name: region.toml's, else the forms', else «Регион не
    /// указан».
    pub fn region_name(region: &Region, inputs: &Inputs) -> String {
        region
            .region
            .clone()
            .or_else(|| inputs.region.as_ref().map(|r| r.0.clone()))
            .unwrap_or_else(|| "Регион не указан".into())
    }
}

fn meta(src: &ReportInputs<'_>) -> Meta {
    let (region, rating) = (src.region, src.rating);
    let region_name = Report::region_name(region, src.inputs);
    let genitive = region.region_genitive.clone().unwrap_or_else(|| region_name.clone());
    let year = rating.year;
    let meeting_date = region.meeting_date();
    Meta {
        meeting_title: region.meeting.title.clone().unwrap_or_else(|| {
            format!("Заседание рабочей группы по внедрению и популяризации национального мессенджера на территории {genitive}")
        }),
        meeting_date_label: meeting_date.map(|(y, mo, d)| crate::fmt::date(y, mo, d)).unwrap_or_default(),
        region: region_name,
        region_genitive: genitive,
        period: rating.period.code(),
        period_label: rating.period.label(),
        year,
        document_date: meeting_date.unwrap_or_else(|| rating.period.last_day()),
        methodology: src.methodology.title.clone(),
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
        deadline: crate::fmt::date(year, 12, 31),
        secretary: region.meeting.secretary.clone().unwrap_or_default(),
        thresholds: thresholds(src.methodology),
        sender: region.sender.clone(),
        mail: region.mail.clone(),
    }
}

fn thresholds(m: &Methodology) -> Vec<ThresholdView> {
    use crate::methodology::Scoring;
    let mut all: Vec<ThresholdView> = Vec::new();
    for c in &m.components {
        let ts: Vec<crate::num::Threshold> = match &c.scoring {
            Scoring::Scale { bands, .. } => bands.iter().map(|b| b.threshold).collect(),
            Scoring::Criteria(list) => list.iter().map(|cr| cr.threshold).collect(),
        };
        for t in ts {
            let v = ThresholdView {
                num: u64::try_from(t.value.numer()).unwrap_or(u64::MAX),
                den: u64::try_from(t.value.denom()).unwrap_or(u64::MAX),
                inclusive: t.inclusive,
            };
            if !all
                .iter()
                .any(|a| a.num == v.num && a.den == v.den && a.inclusive == v.inclusive)
            {
                all.push(v);
            }
        }
    }
    all
}

fn summary(src: &ReportInputs<'_>) -> Summary {
    let rating = src.rating;
    let band = src
        .methodology
        .band_for(rating.total)
        .or_else(|| src.methodology.bands.first())
        .map(band_view)
        .unwrap_or_else(|| BandView {
            id: rating.band.clone(),
            label: String::new(),
            name: band_name(&rating.band),
            from: 0,
            to: rating.total_max,
            color: "#5E6778".into(),
        });
    let scored = rating.components.len() - rating.incomplete;
    let n = rating.components.len() as u64;
    Summary {
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
    }
}

fn results(region: &Region, year: i32) -> Option<ResultsView> {
    (!region.results.measures.is_empty()).then(|| ResultsView {
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
    })
}

/// The name of the indicator of `code` (the code itself when the
/// methodology does not know it).
pub fn indicator_name(m: &Methodology, code: &str) -> String {
    m.indicator_name(code).unwrap_or_else(|| code.to_string())
}

fn sources(m: &Methodology, inputs: &Inputs) -> Vec<SourceRow> {
    inputs
        .observations
        .iter()
        .map(|o| {
            let def = m.indicator(&o.code);
            SourceRow {
                code: o.code.clone(),
                name: o.name.clone().or_else(|| m.indicator_name(&o.code)).unwrap_or_default(),
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
        .collect()
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
