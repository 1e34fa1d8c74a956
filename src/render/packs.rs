//! The bodies' packs: after every meeting the secretariat sends each
//! responsible body its own part, `out/bodies/<slug>/`:
//!
//! - `report.pdf` — a cover letter (to the body, from the working group:
//!   what it must do, by how much and by when), then the body's indicators
//!   in detail. Typst template `pack.typ` on the deck's theme; the data are
//!   served as the virtual file `data.json`, never spliced into markup.
//! - `report.xlsx` — the main workbook cut to the body's rows
//!   ([`crate::render::workbook::render_part`]).
//! - `letter.txt` — the e-mail body, from the Handlebars template
//!   `letter.hbs`.
//!
//! A body with nothing due gets a short pack that says so.

use serde::Serialize;
use serde_json::json;

use super::typst::{Fonts, PdfOpts};
use super::wording::TextError;
use super::{OutputFile, Pdf, RenderError, Rendered, TemplateSet, json_bytes};
use crate::layout::{PACK_LETTER, PACK_PDF, PACK_XLSX, pack_file};
use crate::report::{BodyRow, BodyView, Meta, Report, Summary, TargetView};

/// The pack's main Typst template.
pub const PACK_MAIN: &str = "pack.typ";

/// A row as the letter and the PDF show it: the body's row with its number
/// in the list and the plan's texts.
#[derive(Debug, Serialize)]
pub struct PackRow<'a> {
    #[serde(flatten)]
    pub row: &'a BodyRow,
    /// The number in its list (1-based).
    pub n: usize,
    /// The plan as a number: «1 434», «—».
    pub target_value_text: &'a str,
    /// The plan, or the level reached when it is met.
    pub plan_text: &'a str,
}

/// What the letter and the PDF of a body get (see the comment at the top
/// of `letter.hbs`). The sentences of the PDF's first page are rendered
/// from the `pack_*` texts of `texts.hbs`, with the other fields as their
/// variables.
#[derive(Debug, Serialize)]
pub struct PackContext<'a> {
    pub meta: &'a Meta,
    pub summary: &'a Summary,
    pub targets: &'a [TargetView],
    pub body: &'a BodyView,
    pub due_rows: Vec<PackRow<'a>>,
    pub met_rows: Vec<PackRow<'a>>,
    pub no_data_rows: Vec<PackRow<'a>>,
    pub met_count: usize,
    /// The different deadlines of the rows due, in order.
    pub deadlines: Vec<&'a str>,
    /// The letter's date: «16 апреля 2026 г.».
    pub date_label: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sender: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub intro: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub summary_line: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub title: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub due_line: String,
    /// The letter's заголовок к тексту.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub subject: String,
    /// The pages of the pack's PDF (for the letter's list of attachments;
    /// 0 inside the PDF itself, which counts its own pages).
    pub pdf_pages: usize,
}

fn pack_rows<'a>(rows: impl Iterator<Item = &'a BodyRow>) -> Vec<PackRow<'a>> {
    rows.enumerate()
        .map(|(i, r)| PackRow {
            row: r,
            n: i + 1,
            target_value_text: &r.row.target_value_text,
            plan_text: &r.row.plan_text,
        })
        .collect()
}

impl<'a> PackContext<'a> {
    /// The context of `body`'s pack, its sentences rendered.
    pub fn new(report: &'a Report, body: &'a BodyView, set: &TemplateSet) -> Result<PackContext<'a>, TextError> {
        let meta = &report.meta;
        let mut deadlines: Vec<&str> = body
            .rows
            .iter()
            .filter(|r| r.due)
            .map(|r| r.row.deadline.as_str())
            .collect();
        deadlines.dedup();
        let met = pack_rows(body.rows.iter().filter(|r| !r.due && !r.no_data));
        let (y, m, d) = meta.document_date;
        let mut ctx = PackContext {
            meta,
            summary: &report.summary,
            targets: &report.targets,
            body,
            due_rows: pack_rows(body.rows.iter().filter(|r| r.due)),
            no_data_rows: pack_rows(body.rows.iter().filter(|r| !r.due && r.no_data)),
            met_count: met.len(),
            met_rows: met,
            deadlines,
            date_label: crate::fmt::date(y, m, d),
            sender: String::new(),
            intro: String::new(),
            summary_line: String::new(),
            title: String::new(),
            due_line: String::new(),
            subject: String::new(),
            pdf_pages: 0,
        };
        let hctx = handlebars::Context::wraps(&ctx).map_err(|e| TextError::new(e.to_string()))?;
        let text = |key: &str| set.texts.render_context(key, &hctx);
        let (sender, intro, summary_line, title, due_line) = (
            text("pack_sender")?,
            text("pack_intro")?,
            text("pack_summary")?,
            text("pack_title")?,
            text("pack_due_line")?,
        );
        ctx.sender = sender;
        ctx.intro = intro;
        ctx.summary_line = summary_line;
        ctx.title = title;
        ctx.due_line = due_line;
        ctx.subject = text("pack_subject")?;
        Ok(ctx)
    }
}

/// A body's `report.pdf`, from its part of the report and its context.
pub fn pack_pdf(
    report: &Report,
    part: &Report,
    ctx: &PackContext<'_>,
    set: &TemplateSet,
    fonts: &Fonts,
    pdfa: bool,
) -> Result<Pdf, RenderError> {
    let body = ctx.body;
    let title = format!("{} — {}", ctx.title, body.name);
    let data = json!({
        "report": part,
        "texts": {
            "document_title": title,
            "document_author": ctx.sender,
            "footer": format!("{} · {} · {}", report.meta.region, report.meta.period_label, body.name),
        },
        "pack": ctx,
    });
    let opts = PdfOpts {
        title,
        author: ctx.sender.clone(),
        date: report.meta.document_date,
        pdfa,
        ident: format!("max-rating-pack-{}", body.slug),
    };
    super::compile_pdf(set, fonts, PACK_MAIN, json_bytes(super::DATA_JSON, &data)?, &opts)
}

/// One body's three files and its PDF's warnings.
fn pack_files(
    report: &Report,
    body: &BodyView,
    set: &TemplateSet,
    fonts: &Fonts,
    pdfa: bool,
) -> Result<Rendered, RenderError> {
    let mut ctx = PackContext::new(report, body, set).map_err(|e| set.text_error(e))?;
    let part = report.for_body(body);
    let pdf = pack_pdf(report, &part, &ctx, set, fonts, pdfa)?;
    ctx.pdf_pages = pdf.pages;
    let xlsx_path = pack_file(&body.slug, PACK_XLSX);
    let xlsx = super::workbook::render_part(&part, report, body).map_err(|e| RenderError::workbook(&xlsx_path, e))?;
    let letter = set.letter.render(&ctx).map_err(|e| set.text_error(e))?;
    Ok(Rendered {
        files: vec![
            OutputFile::new(pack_file(&body.slug, PACK_LETTER), letter.into_bytes()),
            OutputFile::new(pack_file(&body.slug, PACK_PDF), pdf.pdf),
            OutputFile::new(xlsx_path, xlsx),
        ],
        warnings: pdf.warnings,
    })
}

/// Every body's pack, `bodies/<slug>/…`, in the order of `report.bodies`.
/// The packs are compiled in parallel on the shared fonts when `parallel`.
pub fn render(
    report: &Report,
    set: &TemplateSet,
    fonts: &Fonts,
    pdfa: bool,
    parallel: bool,
) -> Result<Rendered, RenderError> {
    // Slugs come from the registry; refuse anything that is not a plain
    // folder name rather than write outside `bodies/`.
    if let Some(b) = report.bodies.iter().find(|b| !crate::bodies::is_safe_slug(&b.slug)) {
        return Err(RenderError::Slug(b.slug.clone()));
    }
    let bodies: Vec<&BodyView> = report.bodies.iter().collect();
    let threads = if parallel {
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    } else {
        1
    }
    .clamp(1, 8)
    .min(bodies.len().max(1));
    let chunk = bodies.len().div_ceil(threads).max(1);
    let results: Vec<Result<Rendered, RenderError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = bodies
            .chunks(chunk)
            .map(|group| {
                scope.spawn(move || {
                    group
                        .iter()
                        .map(|b| pack_files(report, b, set, fonts, pdfa))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|_| vec![Err(RenderError::Crash("пакета органа"))])
            })
            .collect()
    });
    let mut out = Rendered::default();
    for r in results {
        let r = r?;
        out.files.extend(r.files);
        out.warn(r.warnings);
    }
    Ok(out)
}
