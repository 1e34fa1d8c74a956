//! The working-group deck: `out/deck.pdf`, 16:9, in Russian.
//!
//! Data flow: the [`Report`] (every figure already computed and formatted)
//! plus the texts of `texts.hbs` (Handlebars, see [`super::texts`]) are
//! serialised into one JSON document, served to the Typst templates as the
//! virtual file `data.json` and read there with `json("data.json")`. Nothing
//! from the workbooks is ever spliced into Typst markup, so a body's name
//! with `#`, `[`, `$` or `*` prints literally.
//!
//! Templates: `templates/*.typ` and `templates/texts.hbs` are compiled into
//! the binary; `<inputs>/templates/` and then `--templates DIR` replace them
//! file by file. Free-form slides: every `<inputs>/slides/*.typ`, sorted by
//! name, is included before the plan slides (virtual path `slides/<name>`;
//! other files of that folder, e.g. pictures, are reachable as
//! `/slides/<name>` too). The ranking of regions comes from
//! `<inputs>/regions.xlsx`, read here before rendering.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::methodology::ComponentKind;
use crate::render::texts::{TextError, TextSet, Texts};
use crate::render::typst_engine::{Fonts, PdfOpts, Templates, TypstError, compile_pdf_with_warnings};
use crate::report::{ComponentView, PartView, PlanRow, Report};

/// The main template.
pub const MAIN: &str = "deck.typ";
/// The texts template.
pub const TEXTS: &str = "texts.hbs";
/// The file the templates read the data from.
pub const DATA: &str = "data.json";
/// Folder (in the inputs folder) of user templates.
pub const TEMPLATES_DIR: &str = "templates";
/// Folder (in the inputs folder) of free-form slides.
pub const SLIDES_DIR: &str = "slides";
/// The optional ranking of regions in the inputs folder.
pub const REGIONS_FILE: &str = "regions.xlsx";
/// Fixed PDF identifier: same inputs, same bytes.
pub const IDENT: &str = "max-rating-deck";

const EMBEDDED_TEXTS: &str = include_str!("../../templates/texts.hbs");

/// The built-in templates (virtual path, bytes): what `--templates` and
/// `<inputs>/templates/` override file by file.
pub const TEMPLATE_FILES: &[(&str, &[u8])] = &[
    ("deck.typ", include_bytes!("../../templates/deck.typ")),
    ("theme.typ", include_bytes!("../../templates/theme.typ")),
    ("plan.typ", include_bytes!("../../templates/plan.typ")),
    ("summary.typ", include_bytes!("../../templates/summary.typ")),
    // The federal ranking of `batch` (out/ranking.pdf), on the same theme.
    ("ranking.typ", include_bytes!("../../templates/ranking.typ")),
    ("texts.hbs", EMBEDDED_TEXTS.as_bytes()),
    // The bodies' packs (out/bodies/<slug>/): report.pdf and letter.txt.
    ("pack.typ", crate::render::packs::EMBEDDED_PACK),
    ("letter.hbs", crate::render::packs::EMBEDDED_LETTER.as_bytes()),
];

/// The templates compiled into the binary.
pub fn embedded_templates() -> Templates {
    Templates::from_embedded(TEMPLATE_FILES)
}

#[derive(Debug, thiserror::Error)]
pub enum DeckError {
    /// A text template (`texts.hbs`) failed.
    #[error("{0}")]
    Text(#[from] TextError),
    /// A Typst template failed, or fonts/templates could not be read.
    #[error("{0}")]
    Typst(#[from] TypstError),
    /// A Typst template failed; the message names user-provided files.
    #[error("{0}")]
    Template(String),
    /// An input of the deck (regions.xlsx, slides/) could not be read.
    #[error("не удалось прочитать {}: {message}", .path.display())]
    Input { path: PathBuf, message: String },
}

impl From<DeckError> for crate::app::AppError {
    fn from(e: DeckError) -> Self {
        use crate::app::AppError;
        use crate::ingest::IngestError;
        let io = |path: PathBuf, message: String| {
            AppError::Ingest(IngestError::Io {
                path,
                source: std::io::Error::new(std::io::ErrorKind::InvalidData, message),
            })
        };
        match e {
            DeckError::Input { path, message } => io(path, message),
            DeckError::Typst(TypstError::Font { path, message }) => io(path, message),
            DeckError::Typst(TypstError::FontDir { path, source })
            | DeckError::Typst(TypstError::TemplateDir { path, source }) => {
                AppError::Ingest(IngestError::Io { path, source })
            }
            other => AppError::Render(other.to_string()),
        }
    }
}

// ---------------------------------------------------------------------------
// Inputs of the deck
// ---------------------------------------------------------------------------

/// Ranking of regions (`regions.xlsx`), sorted by total, best first.
#[derive(Debug, Clone, Serialize)]
pub struct Ranking {
    /// Component columns found (`К1`…`К4`), in order.
    pub columns: Vec<String>,
    pub rows: Vec<RankRow>,
    pub count: usize,
    /// Rank of the own region, if it is in the table.
    pub own_rank: Option<usize>,
    pub own_region: String,
    /// The largest total (scale of the bars).
    pub max_total: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct RankRow {
    /// Competition rank: equal totals share a rank (1, 2, 2, 4).
    pub rank: usize,
    pub region: String,
    /// Texts of the component columns, `—` when empty.
    pub values: Vec<String>,
    pub total: f64,
    pub total_text: String,
    pub own: bool,
}

/// Everything the deck reads besides the report: templates, free slides and
/// the ranking of regions. Read before rendering.
#[derive(Debug, Clone)]
pub struct DeckInputs {
    /// Embedded templates overlaid with the user's, plus `slides/…`.
    pub templates: Templates,
    /// Virtual path → real file, for files the user provided.
    pub user_files: BTreeMap<String, PathBuf>,
    /// Virtual paths of the free-form slides, sorted.
    pub slides: Vec<String>,
    pub ranking: Option<Ranking>,
}

impl DeckInputs {
    /// Only the embedded templates: no free slides, no ranking.
    pub fn embedded() -> DeckInputs {
        DeckInputs {
            templates: embedded_templates(),
            user_files: BTreeMap::new(),
            slides: Vec::new(),
            ranking: None,
        }
    }

    /// Reads `<inputs>/templates/`, `<inputs>/slides/`, `<inputs>/regions.xlsx`
    /// (each optional) and then the `--templates` folder.
    pub fn read(
        inputs: Option<&Path>,
        templates_dir: Option<&Path>,
        own_region: &str,
    ) -> Result<DeckInputs, DeckError> {
        let mut deck = DeckInputs::embedded();
        if let Some(inputs) = inputs {
            // `templates/` next to the inputs folder (as `init` lays out a
            // region's folder), then one inside it.
            for local in template_dirs(inputs) {
                deck.overlay_dir(&local, "")?;
            }
            let slides = inputs.join(SLIDES_DIR);
            if slides.is_dir() {
                deck.overlay_dir(&slides, SLIDES_DIR)?;
                let mut names: Vec<String> = std::fs::read_dir(&slides)
                    .map_err(|e| DeckError::Input {
                        path: slides.clone(),
                        message: e.to_string(),
                    })?
                    .filter_map(|e| e.ok())
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
                    .filter_map(|e| e.file_name().to_str().map(String::from))
                    .filter(|n| !n.starts_with('.') && n.to_lowercase().ends_with(".typ"))
                    .collect();
                names.sort();
                deck.slides = names.into_iter().map(|n| format!("{SLIDES_DIR}/{n}")).collect();
            }
            let regions = inputs.join(REGIONS_FILE);
            if regions.is_file() {
                deck.ranking = Some(read_ranking(&regions, own_region)?);
            }
        }
        if let Some(dir) = templates_dir {
            deck.overlay_dir(dir, "")?;
        }
        Ok(deck)
    }

    /// Appends to a template error the real paths of the user's files it
    /// mentions.
    pub fn name_user_files(&self, mut msg: String) -> String {
        let used: Vec<String> = self
            .user_files
            .iter()
            .filter(|(virt, _)| msg.contains(virt.as_str()))
            .map(|(virt, real)| format!("\n  {virt} — файл {}", real.display()))
            .collect();
        for u in used {
            msg.push_str(&u);
        }
        msg
    }

    fn overlay_dir(&mut self, dir: &Path, prefix: &str) -> Result<(), DeckError> {
        let user = Templates::from_dir(dir)?;
        let mut prefixed = Templates::new();
        for path in user.paths() {
            let virt = if prefix.is_empty() {
                path.to_string()
            } else {
                format!("{prefix}/{path}")
            };
            let bytes = user.get(path).unwrap_or_default().to_vec();
            prefixed.insert(&virt, bytes)?;
            self.user_files.insert(virt, dir.join(path));
        }
        self.templates.overlay(&prefixed);
        Ok(())
    }

    /// The texts: the user's `texts.hbs` (if any) over the built-in one.
    pub fn texts(&self) -> Result<TextSet, TextError> {
        // The built-in file is parsed once per process (Handlebars' parser
        // is a few per cent of a region's build, and `batch` builds many).
        static BUILTIN: std::sync::OnceLock<Result<Texts, TextError>> = std::sync::OnceLock::new();
        let builtin = BUILTIN
            .get_or_init(|| Texts::parse(TEXTS, EMBEDDED_TEXTS))
            .as_ref()
            .map_err(Clone::clone)?;
        let user = match self.templates.get(TEXTS) {
            Some(bytes) if bytes != EMBEDDED_TEXTS.as_bytes() => {
                let src = std::str::from_utf8(bytes).map_err(|_| TextError {
                    message: format!("{TEXTS}: файл не в кодировке UTF-8"),
                })?;
                Some(Texts::parse(TEXTS, src)?)
            }
            _ => None,
        };
        Ok(TextSet { user, builtin })
    }
}

/// Normalises a region's name for matching: case, `ё`, spaces, dashes.
fn region_key(s: &str) -> String {
    s.to_lowercase()
        .replace('ё', "е")
        .replace(['—', '–', '-'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn number_of(cell: &calamine::Data) -> Option<f64> {
    use calamine::Data;
    match cell {
        Data::Int(i) => Some(*i as f64),
        Data::Float(f) => Some(*f),
        Data::String(s) => {
            let t: String = s
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .replace(',', ".");
            if t.is_empty() { None } else { t.parse().ok() }
        }
        _ => None,
    }
}

fn text_of(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::String(s) => s.trim().to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// A points value with at most two decimals: `12`, `12,5`.
fn points_text(v: f64) -> String {
    let scaled = (v.max(0.0) * 100.0).round() as u128;
    crate::fmt::decimal(scaled, 100)
}

/// Reads the ranking of regions: a sheet with a header row holding
/// «Регион» and «К1»…«К4» and/or «Итого» (Latin K accepted), then one row per
/// region. Without «Итого» the total is the sum of the component columns.
/// The user template folders for an inputs folder, in overlay order:
/// `<inputs>/../templates`, then `<inputs>/templates` (existing ones only,
/// each once).
pub fn template_dirs(inputs: &Path) -> Vec<PathBuf> {
    let sibling = inputs
        .canonicalize()
        .ok()
        .and_then(|p| p.parent().map(|p| p.join(TEMPLATES_DIR)));
    let mut dirs: Vec<PathBuf> = Vec::new();
    for d in sibling.into_iter().chain(std::iter::once(inputs.join(TEMPLATES_DIR))) {
        let canon = d.canonicalize().unwrap_or(d.clone());
        if d.is_dir() && !dirs.iter().any(|x| x.canonicalize().ok().as_ref() == Some(&canon)) {
            dirs.push(d);
        }
    }
    dirs
}

pub fn read_ranking(path: &Path, own_region: &str) -> Result<Ranking, DeckError> {
    use calamine::Reader;
    let fail = |message: String| DeckError::Input {
        path: path.to_path_buf(),
        message,
    };
    let mut wb = calamine::open_workbook_auto(path).map_err(|e| fail(e.to_string()))?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or_else(|| fail("в книге нет листов".into()))?
        .map_err(|e| fail(e.to_string()))?;
    let rows: Vec<&[calamine::Data]> = range.rows().collect();
    let header_at = rows
        .iter()
        .take(20)
        .position(|r| {
            r.iter()
                .any(|c| matches!(region_key(&text_of(c)).as_str(), "регион" | "субъект" | "субъект рф"))
        })
        .ok_or_else(|| fail("не найдена строка заголовка со столбцом «Регион»".into()))?;
    let header = rows[header_at];
    let mut region_col = None;
    let mut total_col = None;
    let mut comp_cols: Vec<(String, usize)> = Vec::new();
    for (i, c) in header.iter().enumerate() {
        let key = region_key(&text_of(c)).replace('k', "к");
        match key.as_str() {
            "регион" | "субъект" | "субъект рф" if region_col.is_none() => region_col = Some(i),
            "итого" | "итог" | "всего" | "сумма" | "итоговый балл" => {
                total_col = Some(i)
            }
            k if k.len() > 2 && k.starts_with('к') && k[2..].chars().all(|d| d.is_ascii_digit()) => {
                comp_cols.push((format!("К{}", &k[2..]), i));
            }
            _ => {}
        }
    }
    let region_col = region_col.ok_or_else(|| fail("нет столбца «Регион»".into()))?;
    if total_col.is_none() && comp_cols.is_empty() {
        return Err(fail("нет столбцов «Итого» или «К1»…«К4»".into()));
    }
    let own = region_key(own_region);
    let mut out: Vec<RankRow> = Vec::new();
    for (n, r) in rows[header_at + 1..].iter().enumerate() {
        let name = r.get(region_col).map(text_of).unwrap_or_default();
        if name.is_empty() {
            continue;
        }
        let cell = |i: usize| r.get(i).unwrap_or(&calamine::Data::Empty);
        let mut values = Vec::new();
        let mut sum = 0.0;
        for (_, i) in &comp_cols {
            match number_of(cell(*i)) {
                Some(v) => {
                    sum += v;
                    values.push(points_text(v));
                }
                None => values.push("—".into()),
            }
        }
        let total = match total_col {
            Some(i) => number_of(cell(i))
                .ok_or_else(|| fail(format!("строка {}: «Итого» для «{name}» не число", header_at + n + 2)))?,
            None => sum,
        };
        out.push(RankRow {
            rank: 0,
            own: region_key(&name) == own,
            region: name,
            values,
            total,
            total_text: points_text(total),
        });
    }
    if out.is_empty() {
        return Err(fail("в таблице нет ни одного региона".into()));
    }
    out.sort_by(|a, b| b.total.total_cmp(&a.total).then_with(|| a.region.cmp(&b.region)));
    for i in 0..out.len() {
        out[i].rank = if i > 0 && out[i].total == out[i - 1].total {
            out[i - 1].rank
        } else {
            i + 1
        };
    }
    Ok(Ranking {
        columns: comp_cols.into_iter().map(|(l, _)| l).collect(),
        count: out.len(),
        own_rank: out.iter().find(|r| r.own).map(|r| r.rank),
        own_region: out
            .iter()
            .find(|r| r.own)
            .map(|r| r.region.clone())
            .unwrap_or_else(|| own_region.to_string()),
        max_total: out.iter().map(|r| r.total).fold(0.0, f64::max),
        rows: out,
    })
}

// ---------------------------------------------------------------------------
// The deck view: report + rendered texts + plan tables
// ---------------------------------------------------------------------------

/// One cell of a plan table. `role` says what it holds (`indicator`,
/// `value`, `target`, `gap`, `responsible`, `works`, `note`, `heading`) so
/// that the template can style columns.
#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub role: &'static str,
    pub text: String,
    pub colspan: usize,
    pub rowspan: usize,
}

fn cell(role: &'static str, text: String) -> Cell {
    Cell {
        role,
        text,
        colspan: 1,
        rowspan: 1,
    }
}

fn span(role: &'static str, text: String, colspan: usize, rowspan: usize) -> Cell {
    Cell {
        role,
        text,
        colspan,
        rowspan,
    }
}

/// One row of a plan table. `kind`: `criterion` (a criterion's heading, one
/// cell over all columns), `heading` (a measure made of parts), `measure`,
/// `part` (one part of a measure), `base` (the base of a measure).
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub kind: &'static str,
    pub cells: Vec<Cell>,
}

/// One component's table on a plan slide.
#[derive(Debug, Clone, Serialize)]
pub struct PlanSection {
    pub component: String,
    pub heading: String,
    pub rows: Vec<Row>,
    /// Sentences under the table (combinations, failed gate).
    pub notes: Vec<String>,
}

/// One plan slide (may run over several pages).
#[derive(Debug, Clone, Serialize)]
pub struct PlanSlide {
    pub kind: ComponentKind,
    pub heading: String,
    pub sections: Vec<PlanSection>,
    pub footnotes: Vec<String>,
}

/// The number of columns of a plan table.
pub const PLAN_COLUMNS: usize = 6;

/// Footnote marks of one slide: «*», «**», … in order of first use.
#[derive(Default)]
struct Marks {
    keys: Vec<String>,
    notes: Vec<String>,
}

impl Marks {
    fn mark(&mut self, key: String, note: impl FnOnce(&str) -> Result<String, TextError>) -> Result<String, TextError> {
        if let Some(i) = self.keys.iter().position(|k| *k == key) {
            return Ok("*".repeat(i + 1));
        }
        let m = "*".repeat(self.keys.len() + 1);
        let text = note(&m)?;
        self.keys.push(key);
        self.notes.push(text);
        Ok(m)
    }
}

/// The context of the texts: the report's fields plus a few per call. One
/// Handlebars context is reused: the extras are put in and taken out again
/// around each render, so the whole report is not copied per text.
struct Ctx<'a> {
    texts: &'a TextSet,
    cx: std::cell::RefCell<handlebars::Context>,
}

impl<'a> Ctx<'a> {
    fn new(texts: &'a TextSet, base: Map<String, Value>) -> Ctx<'a> {
        Ctx {
            texts,
            cx: std::cell::RefCell::new(handlebars::Context::from(Value::Object(base))),
        }
    }

    fn text(&self, key: &str, extra: &[(&str, Value)]) -> Result<String, TextError> {
        let mut cx = self.cx.borrow_mut();
        let mut saved: Vec<(String, Option<Value>)> = Vec::with_capacity(extra.len());
        if let Value::Object(m) = cx.data_mut() {
            for (k, v) in extra {
                let old = m.insert((*k).to_string(), v.clone());
                if !saved.iter().any(|(s, _)| s == k) {
                    saved.push(((*k).to_string(), old));
                }
            }
        }
        let out = self.texts.render_context(key, &cx);
        if let Value::Object(m) = cx.data_mut() {
            for (k, old) in saved.into_iter().rev() {
                match old {
                    Some(v) => m.insert(k, v),
                    None => m.remove(&k),
                };
            }
        }
        out
    }
}

fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

fn first_source(parts: &[PartView]) -> String {
    parts
        .iter()
        .map(|p| p.source.clone())
        .find(|s| !s.is_empty())
        .unwrap_or_default()
}

fn plan_section(cx: &Ctx<'_>, c: &ComponentView, marks: &mut Marks) -> Result<PlanSection, TextError> {
    let comp = to_value(c);
    let ccx = [("component", comp.clone())];
    let mut rows = Vec::new();
    let mut last_criterion: Option<&str> = None;
    for r in &c.rows {
        if let Some(id) = r.criterion.as_deref()
            && last_criterion != Some(id)
        {
            last_criterion = Some(id);
            if let Some((n, cr)) = c.criteria.iter().enumerate().find(|(_, cr)| cr.id == id) {
                let text = cx.text(
                    "plan_criterion_heading",
                    &[
                        ("component", comp.clone()),
                        ("criterion", to_value(cr)),
                        ("number", json!(n + 1)),
                    ],
                )?;
                rows.push(Row {
                    kind: "criterion",
                    cells: vec![span("heading", text, PLAN_COLUMNS, 1)],
                });
            }
        }
        rows.extend(measure_rows(cx, c, &comp, r, marks)?);
    }
    let mut notes = Vec::new();
    if !c.gate_failed.is_empty() {
        notes.push(cx.text("plan_gate", &ccx)?);
    }
    if !c.combinations.is_empty() {
        notes.push(cx.text("plan_combinations", &ccx)?);
    }
    Ok(PlanSection {
        component: c.id.clone(),
        heading: cx.text("plan_component_heading", &ccx)?,
        rows,
        notes,
    })
}

fn measure_rows(
    cx: &Ctx<'_>,
    c: &ComponentView,
    comp: &Value,
    r: &PlanRow,
    marks: &mut Marks,
) -> Result<Vec<Row>, TextError> {
    let row = to_value(r);
    let source = first_source(&r.numerator_parts);
    let base_source = first_source(&r.base_parts);
    let multi = r.numerator_parts.len() > 1 || r.base_parts.len() > 1;
    let criteria_style = !c.criteria.is_empty();
    let (value_mark, base_mark) = if multi || criteria_style {
        (String::new(), String::new())
    } else {
        let vm = if source.is_empty() {
            String::new()
        } else {
            marks.mark(format!("source:{source}"), |m| {
                cx.text("footnote_source", &[("mark", json!(m)), ("source", json!(source))])
            })?
        };
        let bm = if r.base_parts.is_empty() {
            String::new()
        } else {
            let key = format!(
                "base:{}:{base_source}",
                r.base_parts
                    .iter()
                    .map(|p| p.code.as_str())
                    .collect::<Vec<_>>()
                    .join("+")
            );
            marks.mark(key, |m| {
                cx.text(
                    "footnote_base",
                    &[
                        ("component", comp.clone()),
                        ("row", row.clone()),
                        ("mark", json!(m)),
                        ("source", json!(source)),
                        ("base_source", json!(base_source)),
                    ],
                )
            })?
        };
        (vm, bm)
    };
    let rcx = [
        ("component", comp.clone()),
        ("row", row.clone()),
        ("value_mark", json!(value_mark)),
        ("base_mark", json!(base_mark)),
        ("source", json!(source)),
        ("base_source", json!(base_source)),
    ];
    let t = |key: &str| cx.text(key, &rcx);
    let mut out = Vec::new();
    if !multi {
        out.push(Row {
            kind: "measure",
            cells: vec![
                cell("indicator", t("plan_indicator")?),
                cell("value", t("plan_value")?),
                cell("target", t("plan_target")?),
                cell("gap", t("plan_gap")?),
                cell("responsible", t("plan_responsible")?),
                cell("works", t("plan_works")?),
            ],
        });
        if criteria_style && !r.base_parts.is_empty() {
            out.push(Row {
                kind: "base",
                cells: vec![
                    cell("indicator", t("plan_base_label")?),
                    cell("value", t("plan_base_value")?),
                    cell("target", t("plan_base_plan")?),
                    span("note", t("plan_base_note")?, PLAN_COLUMNS - 3, 1),
                ],
            });
        }
        return Ok(out);
    }
    // A measure made of parts (К4): heading, one row per numerator part,
    // then one row per base part with its own responsible bodies.
    out.push(Row {
        kind: "heading",
        cells: vec![span("heading", t("plan_measure_heading")?, PLAN_COLUMNS, 1)],
    });
    let n = r.numerator_parts.len().max(1);
    let bases = if r.base_parts.len() > 1 { r.base_parts.len() } else { 0 };
    let part_text = |key: &str, p: &PartView, mark: &str| {
        let mut extra = rcx.to_vec();
        extra.push(("part", to_value(p)));
        extra.push(("mark", json!(mark)));
        cx.text(key, &extra)
    };
    for (i, p) in r.numerator_parts.iter().enumerate() {
        let mut cells = vec![
            cell("indicator", part_text("plan_part_indicator", p, "")?),
            cell("value", part_text("plan_part_value", p, "")?),
        ];
        if i == 0 {
            cells.push(span("target", t("plan_target")?, 1, n));
            cells.push(span("gap", t("plan_gap")?, 1, n));
            cells.push(span("responsible", t("plan_responsible")?, 1, n));
            cells.push(span("works", t("plan_works")?, 1, n + bases));
        }
        out.push(Row { kind: "part", cells });
    }
    if bases > 0 {
        for p in &r.base_parts {
            let mark = if p.source.is_empty() {
                String::new()
            } else {
                marks.mark(format!("source:{}", p.source), |m| {
                    cx.text("footnote_source", &[("mark", json!(m)), ("source", json!(p.source))])
                })?
            };
            out.push(Row {
                kind: "base",
                cells: vec![
                    span("indicator", part_text("plan_base_part", p, &mark)?, 4, 1),
                    cell("responsible", p.responsible.join("; ")),
                ],
            });
        }
    }
    Ok(out)
}

/// The document served as `data.json`: `report` (the whole view model),
/// `texts` (the deck-wide texts of `texts.hbs`), `components` (per
/// component: its texts), `plan` (the plan slides as ready tables),
/// `ranking` (or null), `slides` (virtual paths of the free-form slides).
pub fn deck_data(
    report: &Report,
    texts: &TextSet,
    ranking: Option<&Ranking>,
    slides: &[String],
) -> Result<Value, TextError> {
    let mut base = match serde_json::to_value(report) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    base.insert("ranking".into(), ranking.map(to_value).unwrap_or(Value::Null));
    let cx = Ctx::new(texts, base);

    let mut global = Map::new();
    let mut keys: Vec<&str> = vec![
        "document_title",
        "document_author",
        "title_date",
        "title_subtitle",
        "footer",
        "goal_title",
        "summary_title",
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
    if report.results.is_some() {
        keys.push("results_title");
    }
    if ranking.is_some() {
        keys.extend(["ranking_title", "ranking_note"]);
    }
    let extra = texts.extra_keys();
    keys.extend(extra.iter().map(String::as_str));
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

    // Plan slides: the audience components share one slide (as in the
    // seed deck), each transactional component gets its own.
    let mut plan = Vec::new();
    let audience: Vec<&ComponentView> = report
        .components
        .iter()
        .filter(|c| c.kind == ComponentKind::Audience)
        .collect();
    if !audience.is_empty() {
        let mut marks = Marks::default();
        let sections = audience
            .iter()
            .map(|c| plan_section(&cx, c, &mut marks))
            .collect::<Result<Vec<_>, _>>()?;
        plan.push(PlanSlide {
            kind: ComponentKind::Audience,
            heading: cx.text("plan_audience_heading", &[])?,
            sections,
            footnotes: marks.notes,
        });
    }
    for c in report
        .components
        .iter()
        .filter(|c| c.kind == ComponentKind::Transactional)
    {
        let mut marks = Marks::default();
        let section = plan_section(&cx, c, &mut marks)?;
        plan.push(PlanSlide {
            kind: ComponentKind::Transactional,
            heading: cx.text("plan_transactional_heading", &[])?,
            sections: vec![section],
            footnotes: marks.notes,
        });
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
        "plan": plan,
        "ranking": ranking,
        "slides": slides,
    }))
}

/// The deck's data file as bytes (pretty JSON, stable key order).
pub fn deck_json(report: &Report, inputs: &DeckInputs) -> Result<Vec<u8>, DeckError> {
    let texts = inputs.texts()?;
    let data = deck_data(report, &texts, inputs.ranking.as_ref(), &inputs.slides)?;
    let mut bytes = serde_json::to_vec_pretty(&data).map_err(|e| DeckError::Template(e.to_string()))?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Renders the deck to PDF bytes. The same report and inputs give the same
/// bytes: the document date is the report's, the PDF identifier fixed.
pub fn render(report: &Report, inputs: &DeckInputs, fonts: &Fonts, pdfa: bool) -> Result<Vec<u8>, DeckError> {
    let texts = inputs.texts()?;
    let data = deck_data(report, &texts, inputs.ranking.as_ref(), &inputs.slides)?;
    let title = data["texts"]["document_title"].as_str().unwrap_or_default().to_string();
    let author = data["texts"]["document_author"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let bytes = serde_json::to_vec_pretty(&data).map_err(|e| DeckError::Template(e.to_string()))?;
    let (year, month, day) = report.meta.document_date;
    let opts = PdfOpts {
        title,
        author,
        date: (year, month, day),
        pdfa,
        ident: IDENT.into(),
    };
    match compile_pdf_with_warnings(fonts, &inputs.templates, MAIN, &[(DATA, bytes)], &opts) {
        Ok(out) => {
            for w in &out.warnings {
                eprintln!("{w}");
            }
            Ok(out.pdf)
        }
        Err(e @ TypstError::Compile(_)) | Err(e @ TypstError::Export(_)) => {
            Err(DeckError::Template(inputs.name_user_files(e.to_string())))
        }
        Err(e) => Err(e.into()),
    }
}
