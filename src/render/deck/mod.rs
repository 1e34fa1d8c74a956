//! The working-group deck: `out/deck.pdf`, 16:9, in Russian.
//!
//! The [`Report`] (every figure already computed and formatted) plus the
//! texts of `texts.hbs` (see [`crate::render::wording`]) are serialised into
//! one JSON document, served to the Typst templates as the virtual file
//! `data.json` and read there with `json("data.json")`. Nothing from the
//! workbooks is ever spliced into Typst markup, so a body's name with `#`,
//! `[`, `$` or `*` prints literally.

mod context;
mod plan;

use serde_json::{Map, Value, json};

pub use plan::{Cell, PLAN_COLUMNS, PlanSection, PlanSlide, Row};

use super::typst::{Fonts, PdfOpts};
use super::wording::TextError;
use super::{Pdf, RenderError, TemplateSet, json_bytes};
use crate::methodology::ComponentKind;
use crate::report::Report;
use context::{Ctx, to_value};

/// The main template.
pub const MAIN: &str = "deck.typ";
/// Fixed PDF identifier: same inputs, same bytes.
pub const IDENT: &str = "max-rating-deck";

/// The deck-wide texts of `texts.hbs`, always rendered.
const GLOBAL_TEXTS: &[&str] = &[
    "document_title",
    "document_author",
    "title_date",
    "title_subtitle",
    "footer",
    "goal_title",
    "summary_title",
    "dynamics_title",
    "dynamics_forecast_heading",
    "summary_goal_heading",
    "summary_required_label",
    "summary_current_label",
    "summary_total",
    "summary_target",
    "plan_title",
    "plan_audience_heading",
    "plan_transactional_heading",
    "plan_col_plan",
];

/// The document served as `data.json`: `report` (the whole view model),
/// `texts` (the deck-wide texts of `texts.hbs`), `components` (per
/// component: its texts), `groups` (the components by kind), `plan` (the
/// plan slides as ready tables), `ranking` (or null), `slides` (virtual
/// paths of the free-form slides).
pub fn data(report: &Report, set: &TemplateSet) -> Result<Value, RenderError> {
    build_data(report, set).map_err(|e| set.text_error(e))
}

fn build_data(report: &Report, set: &TemplateSet) -> Result<Value, TextError> {
    let base = match serde_json::to_value(report) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    let cx = Ctx::new(&set.texts, base);
    let mut keys: Vec<&str> = GLOBAL_TEXTS.to_vec();
    if report.results.is_some() {
        keys.push("results_title");
    }
    if report.ranking.is_some() {
        keys.extend(["ranking_title", "ranking_note"]);
    }
    let extra = set.texts.extra_keys();
    keys.extend(extra.iter().map(String::as_str));
    let mut global = Map::new();
    for k in keys {
        global.insert(k.to_string(), json!(cx.text(k, &[])?));
    }
    let mut components = Map::new();
    for c in &report.components {
        let ccx = [("component", to_value(c))];
        components.insert(
            c.id.clone(),
            json!({
                "method_title": cx.text("method_title", &ccx)?,
                "method_max": cx.text("method_max", &ccx)?,
                "method_result": cx.text("method_result", &ccx)?,
                "chart_label": cx.text("chart_label", &ccx)?,
            }),
        );
    }
    let groups: Vec<Value> = [ComponentKind::Audience, ComponentKind::Transactional]
        .into_iter()
        .map(|k| {
            json!({
                "kind": k,
                "label": k.label_plural(),
                "components": report.components.iter().filter(|c| c.kind == k).map(|c| c.id.clone()).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(json!({
        "report": report,
        "texts": global,
        "components": components,
        "groups": groups,
        "plan": plan::plan_slides(&cx, report)?,
        "ranking": report.ranking,
        "slides": set.slides,
    }))
}

/// Renders the deck to PDF. The same report and templates give the same
/// bytes: the document date is the report's, the PDF identifier fixed.
pub fn render(report: &Report, set: &TemplateSet, fonts: &Fonts, pdfa: bool) -> Result<Pdf, RenderError> {
    let data = data(report, set)?;
    let text = |k: &str| data["texts"][k].as_str().unwrap_or_default().to_string();
    let opts = PdfOpts {
        title: text("document_title"),
        author: text("document_author"),
        date: report.meta.document_date,
        pdfa,
        ident: IDENT.into(),
    };
    super::compile_pdf(set, fonts, MAIN, json_bytes(super::DATA_JSON, &data)?, &opts)
}
