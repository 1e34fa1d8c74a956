//! The rating methodology as data.
//!
//! The 2026 methodology is built in ([`DEFAULT_TOML`]); a region may replace
//! it with its own file. Loading checks the file for the mistakes a person
//! editing it is likely to make (unordered bands, maxima that don't add up,
//! unknown codes) and explains them in Russian.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::num::{Ratio, Threshold};

/// The built-in methodology (2026).
pub const DEFAULT_TOML: &str = include_str!("default.toml");

#[derive(Debug, thiserror::Error)]
pub enum MethodologyError {
    #[error("не удалось прочитать методику {path}: {}", crate::diag::io_reason(.source))]
    Io { path: String, source: std::io::Error },
    #[error("методика {message}")]
    Syntax { path: String, message: String },
    #[error("методика {path}: {message}")]
    Invalid { path: String, message: String },
}

/// Audience or transactional component (the deck groups them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComponentKind {
    Audience,
    Transactional,
}

impl ComponentKind {
    pub fn label(self) -> &'static str {
        match self {
            ComponentKind::Audience => "Аудиторный",
            ComponentKind::Transactional => "Транзакционный",
        }
    }
    pub fn label_plural(self) -> &'static str {
        match self {
            ComponentKind::Audience => "Аудиторные",
            ComponentKind::Transactional => "Транзакционные",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorKind {
    /// A whole number ≥ 0.
    Count,
    /// 1/0, да/нет.
    Flag,
}

/// One entry of the code catalogue. A `*` in the code stands for one
/// dot-free segment (`k1.service.*.launched`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorDef {
    pub code: String,
    pub name: String,
    pub unit: String,
    pub kind: IndicatorKind,
    #[serde(default)]
    pub source: String,
}

impl IndicatorDef {
    pub fn matches(&self, code: &str) -> bool {
        code_matches(&self.code, code)
    }
}

/// Matches a code against a pattern whose `*` segments match any one segment.
pub fn code_matches(pattern: &str, code: &str) -> bool {
    let p: Vec<&str> = pattern.split('.').collect();
    let c: Vec<&str> = code.split('.').collect();
    p.len() == c.len() && p.iter().zip(&c).all(|(p, c)| *p == "*" && !c.is_empty() || p == c)
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColourBand {
    pub id: String,
    pub label: String,
    pub from: u32,
    pub to: u32,
    pub color: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearTarget {
    pub year: i32,
    pub target: u32,
    /// Required minimum per component id.
    #[serde(default)]
    pub required: BTreeMap<String, u32>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceDef {
    pub slug: String,
    pub name: String,
}

/// A share: the sum of the numerator codes over the sum of the base codes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub numerator: Vec<String>,
    pub base: Vec<String>,
    pub base_name: String,
    /// Codes shown beside the measure for information only.
    #[serde(default)]
    pub info: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThresholdDef {
    from: String,
    inclusive: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScaleBandDef {
    from: String,
    inclusive: bool,
    points: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScaleDef {
    measure: Measure,
    bands: Vec<ScaleBandDef>,
}

/// How the parts of a criterion combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Combine {
    /// Each part must reach the threshold on its own.
    #[default]
    Each,
    /// The parts are summed: Σ numerators over Σ bases.
    Pooled,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct CriterionDef {
    id: String,
    name: String,
    #[serde(default)]
    short: String,
    points: u32,
    threshold: ThresholdDef,
    #[serde(default)]
    combine: Combine,
    parts: Vec<Measure>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    /// A code pattern of flags; any flag equal to 0 zeroes the component.
    pub flags: String,
    pub label: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ComponentDef {
    id: String,
    label: String,
    name: String,
    kind: ComponentKind,
    max: u32,
    description: String,
    #[serde(default)]
    criteria: Vec<String>,
    #[serde(default)]
    includes: Vec<String>,
    #[serde(default)]
    method: String,
    gate: Option<Gate>,
    scale: Option<ScaleDef>,
    #[serde(default)]
    criteria_sum: Vec<CriterionDef>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct MethodologyDef {
    id: String,
    title: String,
    total_max: u32,
    bands: Vec<ColourBand>,
    years: Vec<YearTarget>,
    #[serde(default)]
    services: Vec<ServiceDef>,
    indicators: Vec<IndicatorDef>,
    components: Vec<ComponentDef>,
}

/// One band of a points scale: from `threshold` up to the next band's
/// threshold, `points` points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScaleBand {
    pub threshold: Threshold,
    pub points: u32,
}

/// A criterion of an additive component (К2).
#[derive(Debug, Clone)]
pub struct Criterion {
    pub id: String,
    pub name: String,
    pub short: String,
    pub points: u32,
    pub threshold: Threshold,
    pub combine: Combine,
    pub parts: Vec<Measure>,
}

#[derive(Debug, Clone)]
pub enum Scoring {
    /// One share, points by band.
    Scale { measure: Measure, bands: Vec<ScaleBand> },
    /// Independent criteria whose points add up.
    Criteria(Vec<Criterion>),
}

#[derive(Debug, Clone)]
pub struct Component {
    pub id: String,
    pub label: String,
    pub name: String,
    pub kind: ComponentKind,
    pub max: u32,
    pub description: String,
    pub criteria_text: Vec<String>,
    pub includes: Vec<String>,
    pub method: String,
    pub gate: Option<Gate>,
    pub scoring: Scoring,
}

impl Component {
    /// Every measure of the component, in order.
    pub fn measures(&self) -> Vec<&Measure> {
        match &self.scoring {
            Scoring::Scale { measure, .. } => vec![measure],
            Scoring::Criteria(cs) => cs.iter().flat_map(|c| c.parts.iter()).collect(),
        }
    }

    /// Every code the component reads (numerators, bases, info).
    pub fn codes(&self) -> BTreeSet<&str> {
        self.measures()
            .into_iter()
            .flat_map(|m| m.numerator.iter().chain(&m.base).chain(&m.info))
            .map(String::as_str)
            .collect()
    }
}

/// A validated methodology.
#[derive(Debug, Clone)]
pub struct Methodology {
    pub id: String,
    pub title: String,
    pub total_max: u32,
    pub bands: Vec<ColourBand>,
    pub years: Vec<YearTarget>,
    pub services: Vec<ServiceDef>,
    pub indicators: Vec<IndicatorDef>,
    pub components: Vec<Component>,
}

impl Methodology {
    /// The built-in 2026 methodology.
    pub fn builtin() -> Result<Methodology, MethodologyError> {
        Methodology::parse(DEFAULT_TOML, "встроенная методика")
    }

    pub fn load(path: &Path) -> Result<Methodology, MethodologyError> {
        let text = std::fs::read_to_string(path).map_err(|source| MethodologyError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Methodology::parse(&text, &path.display().to_string())
    }

    pub fn parse(text: &str, origin: &str) -> Result<Methodology, MethodologyError> {
        let def: MethodologyDef = toml::from_str(text).map_err(|e| MethodologyError::Syntax {
            path: origin.to_string(),
            message: crate::tomlerr::describe(origin, text, &e),
        })?;
        validate(def).map_err(|message| MethodologyError::Invalid {
            path: origin.to_string(),
            message,
        })
    }

    pub fn indicator(&self, code: &str) -> Option<&IndicatorDef> {
        // Exact entries win over patterns.
        self.indicators
            .iter()
            .find(|i| i.code == code)
            .or_else(|| self.indicators.iter().find(|i| i.matches(code)))
    }

    pub fn component(&self, id: &str) -> Option<&Component> {
        self.components.iter().find(|c| c.id == id)
    }

    pub fn year(&self, year: i32) -> Option<&YearTarget> {
        self.years.iter().find(|y| y.year == year)
    }

    pub fn band_for(&self, total: u32) -> Option<&ColourBand> {
        self.bands.iter().find(|b| b.from <= total && total <= b.to)
    }

    pub fn service_name(&self, slug: &str) -> Option<&str> {
        self.services.iter().find(|s| s.slug == slug).map(|s| s.name.as_str())
    }

    /// The name of `code` as the outputs show it: the catalogue's name; for
    /// a code matched by a pattern, with what its `*` stands for — the
    /// service's name where it is one — so that two codes of one pattern
    /// read apart: `k1.service.mfc_bot.launched` → «Базовый сервис запущен:
    /// Чат-бот МФЦ». None for a code not in the catalogue.
    pub fn indicator_name(&self, code: &str) -> Option<String> {
        let def = self.indicator(code)?;
        if def.code == code {
            return Some(def.name.clone());
        }
        let parts: Vec<&str> = def
            .code
            .split('.')
            .zip(code.split('.'))
            .filter(|(p, _)| *p == "*")
            .map(|(_, c)| self.service_name(c).unwrap_or(c))
            .collect();
        Some(format!("{}: {}", def.name, parts.join(", ")))
    }
}

fn threshold(def: &ThresholdDef, what: &str) -> Result<Threshold, String> {
    let value = Ratio::parse_percent(&def.from).ok_or_else(|| {
        format!(
            "{what}: порог «{}» не является числом процентов (пример: \"2.5\")",
            def.from
        )
    })?;
    if value > Ratio::new(1, 1).unwrap_or(value) {
        return Err(format!("{what}: порог {} больше 100%", def.from));
    }
    Ok(Threshold {
        value,
        inclusive: def.inclusive,
    })
}

/// Checks a parsed file, step by step, and builds the methodology.
fn validate(def: MethodologyDef) -> Result<Methodology, String> {
    if def.components.is_empty() {
        return Err("нет ни одного компонента".into());
    }
    check_colour_bands(&def.bands, def.total_max)?;
    let mut ids = BTreeSet::new();
    let mut components = Vec::new();
    for c in def.components {
        if !ids.insert(c.id.clone()) {
            return Err(format!("компонент {} описан дважды", c.id));
        }
        components.push(component(c)?);
    }
    let max_sum: u32 = components.iter().fold(0u32, |s, c| s.saturating_add(c.max));
    if max_sum != def.total_max {
        return Err(format!(
            "сумма максимумов компонентов {max_sum} не равна максимуму рейтинга {}",
            def.total_max
        ));
    }
    check_years(&def.years, &components, def.total_max)?;
    let m = Methodology {
        id: def.id,
        title: def.title,
        total_max: def.total_max,
        bands: def.bands,
        years: def.years,
        services: def.services,
        indicators: def.indicators,
        components,
    };
    check_codes(&m)?;
    Ok(m)
}

/// Colour bands: ordered, contiguous, covering `0..=total_max`.
fn check_colour_bands(bands: &[ColourBand], total_max: u32) -> Result<(), String> {
    if bands.is_empty() {
        return Err("нет цветовых зон итогового балла (bands)".into());
    }
    let mut next = 0u32;
    for b in bands {
        if b.from > b.to {
            return Err(format!("цветовая зона «{}»: from {} больше to {}", b.id, b.from, b.to));
        }
        if b.from < next {
            return Err(format!(
                "цветовая зона «{}» ({}–{}) пересекается с предыдущей или идёт не по порядку",
                b.id, b.from, b.to
            ));
        }
        if b.from > next {
            return Err(format!(
                "между цветовыми зонами пропуск: значения {}–{} не попадают ни в одну зону",
                next,
                b.from - 1
            ));
        }
        next = b.to.saturating_add(1);
    }
    if next != total_max.saturating_add(1) {
        return Err(format!(
            "цветовые зоны заканчиваются на {}, а максимум рейтинга {total_max}",
            next.saturating_sub(1)
        ));
    }
    Ok(())
}

/// One component: exactly one way of scoring, checked.
fn component(c: ComponentDef) -> Result<Component, String> {
    let what = format!("компонент {}", c.label);
    let scoring = match (c.scale, c.criteria_sum.is_empty()) {
        (Some(_), false) => {
            return Err(format!(
                "{what}: задана и шкала (scale), и сумма критериев (criteria_sum) — нужно одно"
            ));
        }
        (None, true) => return Err(format!("{what}: не задан способ расчёта (scale или criteria_sum)")),
        (Some(s), true) => scale(s, c.max, &what)?,
        (None, false) => criteria(c.criteria_sum, c.max, &what)?,
    };
    Ok(Component {
        id: c.id,
        label: c.label,
        name: c.name,
        kind: c.kind,
        max: c.max,
        description: c.description,
        criteria_text: c.criteria,
        includes: c.includes,
        method: c.method,
        gate: c.gate,
        scoring,
    })
}

/// A scale: bands strictly ascending in threshold and points, the top one
/// giving the component's maximum.
fn scale(s: ScaleDef, max: u32, what: &str) -> Result<Scoring, String> {
    check_measure(&s.measure, what)?;
    if s.bands.is_empty() {
        return Err(format!("{what}: шкала без полос"));
    }
    let mut bands: Vec<ScaleBand> = Vec::new();
    for (i, b) in s.bands.iter().enumerate() {
        let def = ThresholdDef {
            from: b.from.clone(),
            inclusive: b.inclusive,
        };
        let t = threshold(&def, &format!("{what}, полоса {}", i + 1))?;
        if let Some(prev) = bands.last() {
            if t.strictness_cmp(&prev.threshold) != std::cmp::Ordering::Greater {
                return Err(format!(
                    "{what}: полосы шкалы идут не по возрастанию порога (полоса {} «{}» не выше предыдущей) — полосы пересекаются",
                    i + 1,
                    t.label()
                ));
            }
            if b.points <= prev.points {
                return Err(format!(
                    "{what}: баллы полос должны возрастать (полоса {}: {} после {})",
                    i + 1,
                    b.points,
                    prev.points
                ));
            }
        }
        bands.push(ScaleBand {
            threshold: t,
            points: b.points,
        });
    }
    let top = bands.last().map(|b| b.points).unwrap_or(0);
    if top != max {
        return Err(format!(
            "{what}: высшая полоса даёт {top} баллов, а максимум компонента {max}"
        ));
    }
    Ok(Scoring::Scale {
        measure: s.measure,
        bands,
    })
}

/// Criteria whose points add up to the component's maximum.
fn criteria(defs: Vec<CriterionDef>, max: u32, what: &str) -> Result<Scoring, String> {
    let mut list = Vec::new();
    let mut sum = 0u32;
    for cr in defs {
        let cwhat = format!("{what}, критерий «{}»", cr.id);
        if cr.parts.is_empty() {
            return Err(format!("{cwhat}: нет частей (parts)"));
        }
        for p in &cr.parts {
            check_measure(p, &cwhat)?;
        }
        sum = sum.saturating_add(cr.points);
        list.push(Criterion {
            threshold: threshold(&cr.threshold, &cwhat)?,
            short: if cr.short.is_empty() { cr.id.clone() } else { cr.short },
            id: cr.id,
            name: cr.name,
            points: cr.points,
            combine: cr.combine,
            parts: cr.parts,
        });
    }
    if sum != max {
        return Err(format!(
            "{what}: сумма баллов критериев {sum} не равна максимуму компонента {max}"
        ));
    }
    Ok(Scoring::Criteria(list))
}

/// Year targets: each year once, targets and minimums within the maxima.
fn check_years(years: &[YearTarget], components: &[Component], total_max: u32) -> Result<(), String> {
    let mut seen = BTreeSet::new();
    for y in years {
        if !seen.insert(y.year) {
            return Err(format!("год {} указан дважды", y.year));
        }
        if y.target > total_max {
            return Err(format!(
                "целевое значение {} на {} год больше максимума {total_max}",
                y.target, y.year
            ));
        }
        for (cid, v) in &y.required {
            let Some(c) = components.iter().find(|c| &c.id == cid) else {
                return Err(format!(
                    "{} год: необходимый минимум для неизвестного компонента {cid}",
                    y.year
                ));
            };
            if *v > c.max {
                return Err(format!(
                    "{} год: необходимый минимум {cid} ({v}) больше максимума компонента ({})",
                    y.year, c.max
                ));
            }
        }
    }
    Ok(())
}

/// Every code a component reads is a count of the catalogue.
fn check_codes(m: &Methodology) -> Result<(), String> {
    for c in &m.components {
        for code in c.codes() {
            match m.indicator(code) {
                None => {
                    return Err(format!(
                        "компонент {}: код {code} отсутствует в справочнике показателей (indicators)",
                        c.label
                    ));
                }
                Some(i) if i.kind != IndicatorKind::Count => {
                    return Err(format!(
                        "компонент {}: код {code} должен быть количеством (kind = \"count\")",
                        c.label
                    ));
                }
                Some(_) => {}
            }
        }
    }
    Ok(())
}

fn check_measure(m: &Measure, what: &str) -> Result<(), String> {
    if m.numerator.is_empty() || m.base.is_empty() {
        return Err(format!("{what}: у показателя {} нужны numerator и base", m.id));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_is_valid() {
        let m = Methodology::parse(DEFAULT_TOML, "default").unwrap();
        assert_eq!(m.components.len(), 4);
        assert_eq!(m.components.iter().map(|c| c.max).sum::<u32>(), 100);
        assert_eq!(m.band_for(25).unwrap().id, "red");
        assert_eq!(m.band_for(26).unwrap().id, "yellow");
        assert_eq!(m.band_for(50).unwrap().id, "yellow");
        assert_eq!(m.band_for(51).unwrap().id, "green");
        assert!(m.indicator("k1.service.mfc_bot.launched").is_some());
        assert!(m.indicator("k1.service.launched").is_none());
        // Two codes of one pattern read apart: the service's name.
        assert_eq!(
            m.indicator_name("k1.service.mfc_bot.launched").as_deref(),
            Some("Базовый сервис запущен: Чат-бот МФЦ")
        );
        assert_eq!(
            m.indicator_name("k1.service.doctor_appointment.audience").as_deref(),
            Some("Аудитория сервиса (для справки): Запись на прием к врачу")
        );
        assert_eq!(
            m.indicator_name("k1.service.own_bot.launched").as_deref(),
            Some("Базовый сервис запущен: own_bot"),
            "a service the methodology does not list: its slug"
        );
        assert_eq!(
            m.indicator_name("k2.sick_leave.total").as_deref(),
            Some("Закрытые больничные листы всего (расчётная база)")
        );
        assert_eq!(m.indicator_name("k1.service.launched"), None);
    }

    fn broken(from: &str, to: &str) -> String {
        let text = DEFAULT_TOML.replacen(from, to, 1);
        assert_ne!(text, DEFAULT_TOML, "pattern not found: {from}");
        Methodology::parse(&text, "m.toml").unwrap_err().to_string()
    }

    #[test]
    fn rejects_overlapping_colour_bands() {
        let e = broken("from = 26\nto = 50", "from = 20\nto = 50");
        assert!(e.contains("пересекается"), "{e}");
    }

    #[test]
    fn rejects_gap_in_colour_bands() {
        let e = broken("from = 26\nto = 50", "from = 27\nto = 50");
        assert!(e.contains("пропуск"), "{e}");
    }

    #[test]
    fn rejects_unordered_scale() {
        let e = broken(
            r#"{ from = "5", inclusive = true, points = 7 }"#,
            r#"{ from = "2", inclusive = true, points = 7 }"#,
        );
        assert!(e.contains("не по возрастанию"), "{e}");
    }

    #[test]
    fn rejects_maxima_not_adding_up() {
        let e = broken("points = 20\nthreshold", "points = 25\nthreshold");
        assert!(e.contains("сумма баллов критериев"), "{e}");
        let e = broken("total_max = 100", "total_max = 90");
        assert!(e.contains("90"), "{e}");
    }

    #[test]
    fn rejects_unknown_code_and_bad_threshold() {
        let e = broken(r#"numerator = ["k3.active_audience"]"#, r#"numerator = ["k3.nope"]"#);
        assert!(e.contains("k3.nope"), "{e}");
        let e = broken(
            r#"from = "10", inclusive = true, points = 5"#,
            r#"from = "десять", inclusive = true, points = 5"#,
        );
        assert!(e.contains("десять"), "{e}");
    }

    #[test]
    fn syntax_error_is_reported() {
        let e = Methodology::parse("id = ", "x.toml").unwrap_err().to_string();
        assert!(e.contains("x.toml"), "{e}");
    }

    #[test]
    fn patterns() {
        assert!(code_matches("k1.service.*.launched", "k1.service.x.launched"));
        assert!(!code_matches("k1.service.*.launched", "k1.service..launched"));
        assert!(!code_matches("k1.service.*.launched", "k1.service.a.b.launched"));
    }
}
