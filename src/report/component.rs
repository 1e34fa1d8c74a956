//! The view of a component and of its plan rows: every figure formatted,
//! every list a template shows already a list.

use serde::Serialize;

use crate::ingest::Inputs;
use crate::methodology::{ComponentKind, Methodology, Scoring};
use crate::rating::{ComponentResult, Level, MeasureResult, Status, band_range_label};
use crate::region::Region;

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
    /// The share in percent as shown (at least two decimals, more where a
    /// threshold is near): never on the other side of a threshold of the
    /// row's levels than the exact share.
    pub share_percent: Option<f64>,
    /// «23,5%», «49,998%»; «нет данных».
    pub share_text: String,
    /// The decimals `share_text` needs (at least one).
    pub share_digits: u32,
    /// The share as an exact fraction `[numerator, denominator]`.
    pub share_exact: Option<[u64; 2]>,
    pub threshold: String,
    pub target: Option<u64>,
    /// The index in `levels` of the target's level.
    pub target_level: Option<usize>,
    /// When the minimum is met: the index in `levels` of the next level
    /// that adds points.
    pub next_level: Option<usize>,
    /// «69 142 (> 10%)», «—» when met or not defined.
    pub target_text: String,
    /// The target as a number alone: «69 142», «—».
    pub target_value_text: String,
    /// The plan as a reader wants it: the target (`1 434 (≥ 5%)`); when it
    /// is met, the highest level reached.
    pub plan_text: String,
    pub gap: Option<u64>,
    pub gap_text: String,
    pub levels: Vec<LevelView>,
    pub numerator_parts: Vec<PartView>,
    pub base_parts: Vec<PartView>,
    pub info: Vec<PartView>,
    pub responsible: Vec<String>,
    pub works: String,
    /// The works as a list when written «1. … 2. …», else one item.
    pub works_items: Vec<String>,
    pub deadline: String,
    /// The step's own deadline, when region.toml gives one (else 31
    /// December of the period's year).
    #[serde(skip)]
    pub deadline_date: Option<(i32, u8, u8)>,
    /// Against the recorded periods: previous value, change, growth needed
    /// per month, trend and forecast.
    pub progress: super::dynamics::Progress,
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
    /// `criteria_text` and `includes` as bulleted items.
    pub criteria_items: Vec<Bullet>,
    pub includes_items: Vec<Bullet>,
    /// `method` split at «; », each part capitalised (one item when the
    /// method is one sentence).
    pub method_items: Vec<String>,
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

/// A bulleted item: «Заголовок: а; б; в» becomes a head with sub-items.
#[derive(Debug, Clone, Serialize)]
pub struct Bullet {
    /// The whole text.
    pub text: String,
    /// «Заголовок:» when there are sub-items, else empty.
    pub head: String,
    pub items: Vec<String>,
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

pub(super) fn component_view(
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
        criteria_items: def.map(|d| bullets(&d.criteria_text)).unwrap_or_default(),
        includes_items: def.map(|d| bullets(&d.includes)).unwrap_or_default(),
        method_items: def.map(|d| method_items(&d.method)).unwrap_or_default(),
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
    let target = mr.target_level();
    let next = mr.next.and_then(|i| mr.levels.get(i));
    let thresholds: Vec<crate::num::Threshold> = mr.levels.iter().map(|l| l.threshold).collect();
    let levels: Vec<LevelView> = mr.levels.iter().map(level_view).collect();
    let works = step.and_then(|s| s.works.clone()).unwrap_or_default();
    let deadline_date = step.and_then(|s| s.deadline.as_ref()).and_then(|d| d.date());
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
        share_percent: mr.share.map(|s| crate::fmt::share_value(&s, 2, &thresholds)),
        share_text: mr
            .share
            .map(|s| crate::fmt::share(&s, 1, &thresholds))
            .unwrap_or_else(|| "нет данных".into()),
        share_digits: mr.share.map_or(1, |s| crate::fmt::share_digits(&s, 1, &thresholds)),
        share_exact: mr.value.zip(mr.base).filter(|(_, b)| *b > 0).map(|(v, b)| [v, b]),
        threshold: target.map(|t| t.threshold_label.clone()).unwrap_or_default(),
        target: target.and_then(|t| t.count),
        target_level: mr.target,
        next_level: mr.next,
        target_text: match (target, next) {
            (None, Some(n)) => format!("{} — следующий уровень", level_text(n)),
            _ => target_text(target),
        },
        target_value_text: target
            .and_then(|t| t.count)
            .map(crate::fmt::int)
            .unwrap_or_else(|| "—".into()),
        plan_text: match (target, levels.iter().rev().find(|l| l.reached), next) {
            (None, Some(l), Some(n)) => format!(
                "{} ({}); следующий уровень — {}",
                l.count_text,
                l.threshold,
                level_text(n)
            ),
            (None, Some(l), None) => format!("{} ({})", l.count_text, l.threshold),
            _ => target_text(target),
        },
        gap: target.and_then(|t| t.gap),
        gap_text: match (target, next) {
            (Some(t), _) => t.gap.map(crate::fmt::int).unwrap_or_else(|| "—".into()),
            (None, Some(n)) => n.gap.map_or_else(
                || "—".into(),
                |g| format!("+{} до следующего уровня", crate::fmt::int(g)),
            ),
            (None, None) => "—".into(),
        },
        levels,
        numerator_parts: mr.numerator.iter().map(|p| part_view(m, region, inputs, p)).collect(),
        base_parts: mr.base_parts.iter().map(|p| part_view(m, region, inputs, p)).collect(),
        info: mr.info.iter().map(|p| part_view(m, region, inputs, p)).collect(),
        responsible,
        works_items: numbered(&works),
        works,
        deadline: deadline_date.map_or_else(|| deadline.to_string(), |(y, m, d)| crate::fmt::date(y, m, d)),
        deadline_date,
        progress: Default::default(),
        sources,
        missing: mr.missing.clone(),
    }
}

/// «526 (≥ 40%)»: a level's count and threshold.
fn level_text(l: &Level) -> String {
    match l.count {
        Some(c) => format!("{} ({})", crate::fmt::int(c), l.threshold_label),
        None => l.threshold_label.clone(),
    }
}

/// «69 142 (> 10%)», the threshold alone without a base, «—» without a
/// target.
fn target_text(target: Option<&Level>) -> String {
    match target {
        Some(t) => match t.count {
            Some(c) => format!("{} ({})", crate::fmt::int(c), t.threshold_label),
            None => t.threshold_label.clone(),
        },
        None => "—".into(),
    }
}

/// «1. а. 2. б.» → [«1. а.», «2. б.»]: a numbered list written in one line
/// is split before each number (one or two digits, a point and a space,
/// after a space) and at line breaks; any other text is one item.
pub fn numbered(text: &str) -> Vec<String> {
    if !text.starts_with("1. ") {
        return vec![text.to_string()];
    }
    let mut items = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if !c.is_whitespace() || i == 0 {
            continue;
        }
        let rest: Vec<char> = chars[k + 1..].iter().take(4).map(|&(_, c)| c).collect();
        let is_number = match rest.as_slice() {
            [d, '.', s, ..] if d.is_ascii_digit() && s.is_whitespace() => true,
            [d, e, '.', s] if d.is_ascii_digit() && e.is_ascii_digit() && s.is_whitespace() => true,
            _ => false,
        };
        if is_number {
            items.push(text[start..i].to_string());
            start = i + c.len_utf8();
        }
    }
    items.push(text[start..].to_string());
    // Line breaks written in the text separate items too.
    items.iter().flat_map(|i| i.split('\n')).map(String::from).collect()
}

/// Items «Заголовок: а; б; в» with their sub-items.
fn bullets(items: &[String]) -> Vec<Bullet> {
    items
        .iter()
        .map(|it| {
            let (head, items) = match it.find(": ") {
                Some(colon) => {
                    let parts: Vec<String> = it[colon + 2..].split("; ").map(String::from).collect();
                    if parts.len() > 1 {
                        (it[..colon + 1].to_string(), parts)
                    } else {
                        (String::new(), Vec::new())
                    }
                }
                None => (String::new(), Vec::new()),
            };
            Bullet {
                text: it.clone(),
                head,
                items,
            }
        })
        .collect()
}

/// The method split at «; », each part with a capital first letter.
fn method_items(method: &str) -> Vec<String> {
    let parts: Vec<&str> = method.split("; ").collect();
    if parts.len() < 2 {
        return vec![method.to_string()];
    }
    parts
        .iter()
        .map(|p| {
            let mut chars = p.chars();
            match chars.next() {
                Some(first) => first.to_uppercase().chain(chars).collect(),
                None => String::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_lists_split_before_each_number() {
        assert_eq!(
            numbered("1. Акты. 2. Сканирование: а. 3. Факт"),
            ["1. Акты.", "2. Сканирование: а.", "3. Факт"]
        );
        assert_eq!(numbered("Без номеров 2. здесь"), ["Без номеров 2. здесь"]);
        assert_eq!(numbered("1. один 10. десять"), ["1. один", "10. десять"]);
        assert_eq!(numbered(""), [""]);
    }

    #[test]
    fn bullets_and_method() {
        let b = bullets(&[
            "Что: а; б".to_string(),
            "Просто текст".to_string(),
            "Один: а".to_string(),
        ]);
        assert_eq!(b[0].head, "Что:");
        assert_eq!(b[0].items, ["а", "б"]);
        assert!(b[1].items.is_empty() && b[2].items.is_empty());
        assert_eq!(method_items("доля а; баллы б"), ["Доля а", "Баллы б"]);
        assert_eq!(method_items("одно"), ["одно"]);
    }
}
