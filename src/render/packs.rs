//! The bodies' packs: after every meeting the secretariat sends each
//! responsible body its own part, `out/bodies/<slug>/`:
//!
//! - `report.pdf` — a cover letter (to the body, from the working group:
//!   what it must do, by how much and by when), then the body's indicators
//!   in detail. Typst template `pack.typ` on the deck's theme; the data are
//!   served as the virtual file `data.json`, never spliced into markup.
//! - `report.xlsx` — the main workbook cut to the body's rows
//!   ([`crate::render::workbook::render_body`]).
//! - `letter.txt` — the e-mail body, from the Handlebars template
//!   `letter.hbs` (helpers `int`, `percent`, `plural`, `genitive`, `join`).
//!
//! A body with nothing due gets a short pack that says so. Templates are
//! looked up like the deck's (embedded, `<inputs>/../templates`,
//! `<inputs>/templates`, `--templates`), see [`DeckInputs`].
//!
//! Also here: `out/manifest.json`, every file of the build with its size and
//! SHA-256.

use handlebars::Handlebars;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::app::{AppError, OutputFile};
use crate::render::deck::{DATA, DeckError, DeckInputs};
use crate::render::texts::{TextError, TextSet};
use crate::render::typst_engine::{Fonts, PdfOpts, TypstError, compile_pdf_with_warnings};
use crate::report::{BodyRow, BodyView, Report};

/// The pack's main Typst template.
pub const PACK_MAIN: &str = "pack.typ";
/// The letter's template.
pub const LETTER: &str = "letter.hbs";
/// The folder of the packs in the output folder.
pub const BODIES_DIR: &str = "bodies";
/// The manifest of a build.
pub const MANIFEST: &str = "manifest.json";

/// The built-in letter template.
pub const EMBEDDED_LETTER: &str = include_str!("../../templates/letter.hbs");
/// The built-in pack template.
pub const EMBEDDED_PACK: &[u8] = include_bytes!("../../templates/pack.typ");

// ---------------------------------------------------------------------------
// The letter
// ---------------------------------------------------------------------------

/// A parsed letter template.
pub struct Letter {
    file: String,
    registry: Handlebars<'static>,
}

impl std::fmt::Debug for Letter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Letter").field("file", &self.file).finish()
    }
}

impl Letter {
    /// Parses a letter template; `file` names it in errors. Strict mode: a
    /// variable that does not exist is an error with file:line:column.
    pub fn parse(file: &str, src: &str) -> Result<Letter, TextError> {
        let mut registry = Handlebars::new();
        registry.set_strict_mode(true);
        registry.register_escape_fn(handlebars::no_escape);
        crate::render::texts::register_helpers(&mut registry);
        registry.register_template_string(file, src).map_err(|e| {
            let pos = match e.pos() {
                Some((l, c)) => format!("{file}:{l}:{c}"),
                None => file.to_string(),
            };
            TextError {
                message: format!("{pos}: ошибка в шаблоне письма: {}", e.reason()),
            }
        })?;
        Ok(Letter {
            file: file.to_string(),
            registry,
        })
    }

    /// The built-in template.
    pub fn builtin() -> Letter {
        Letter::parse(LETTER, EMBEDDED_LETTER).expect("the built-in letter.hbs parses")
    }

    /// The user's `letter.hbs` among the deck's templates, else the built-in.
    pub fn from_inputs(inputs: &DeckInputs) -> Result<Letter, TextError> {
        match inputs.templates.get(LETTER) {
            Some(bytes) if bytes != EMBEDDED_LETTER.as_bytes() => {
                let src = std::str::from_utf8(bytes).map_err(|_| TextError {
                    message: format!("{LETTER}: файл не в кодировке UTF-8"),
                })?;
                Letter::parse(LETTER, src)
            }
            _ => Ok(Letter::builtin()),
        }
    }

    /// Renders the letter: lines keep their breaks, trailing spaces and
    /// runs of blank lines go, the text ends with one line break.
    pub fn render(&self, ctx: &Value) -> Result<String, TextError> {
        let raw = self.registry.render(&self.file, ctx).map_err(|e| {
            let pos = match (e.line_no, e.column_no) {
                (Some(l), Some(c)) => format!("{}:{l}:{c}", self.file),
                _ => self.file.clone(),
            };
            TextError {
                message: format!("{pos}: шаблон письма: {}", describe(&e)),
            }
        })?;
        Ok(tidy_letter(&raw))
    }
}

fn describe(e: &handlebars::RenderError) -> String {
    use handlebars::RenderErrorReason;
    match e.reason() {
        RenderErrorReason::MissingVariable(Some(v)) => format!("нет переменной «{v}»"),
        RenderErrorReason::MissingVariable(None) => "нет переменной".to_string(),
        RenderErrorReason::HelperNotFound(h) => format!("нет помощника «{h}»"),
        RenderErrorReason::PartialNotFound(p) => format!("нет шаблона «{p}»"),
        other => other.to_string(),
    }
}

fn tidy_letter(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank = true; // no blank lines at the start
    for line in s.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            if !blank {
                out.push('\n');
            }
            blank = true;
        } else {
            out.push_str(line);
            out.push('\n');
            blank = false;
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

// ---------------------------------------------------------------------------
// The context of a pack (letter and PDF)
// ---------------------------------------------------------------------------

/// The plan of a row as a reader wants it: the target (`1 434 (≥ 5%)`);
/// when it is met (the plan has no target left), the level reached.
fn plan_text(row: &crate::report::PlanRow) -> String {
    if row.target.is_some() {
        return row.target_text.clone();
    }
    match row.levels.iter().rev().find(|l| l.reached) {
        Some(l) => format!("{} ({})", l.count_text, l.threshold),
        None => row.target_text.clone(),
    }
}

fn rows_json(rows: &[&BodyRow]) -> Vec<Value> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| {
            let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
            if let Value::Object(m) = &mut v {
                m.insert("n".into(), json!(i + 1));
                m.insert(
                    "target_value_text".into(),
                    json!(r.row.target.map(crate::fmt::int).unwrap_or_else(|| "—".into())),
                );
                m.insert("plan_text".into(), json!(plan_text(&r.row)));
            }
            v
        })
        .collect()
}

/// What the letter and the PDF of a body get: `meta`, `summary`, `body`,
/// `due_rows`, `met_rows`, `no_data_rows` (each row with `n`,
/// `target_value_text` and `plan_text`), `met_count`, `deadlines`,
/// `date_label`, and the sentences of the PDF's first page rendered from
/// the `pack_*` texts of `texts.hbs` (`sender`, `intro`, `summary_line`,
/// `title`, `due_line`).
pub fn pack_context(report: &Report, body: &BodyView, texts: &TextSet) -> Result<Value, TextError> {
    let meta = &report.meta;
    let due: Vec<&BodyRow> = body.rows.iter().filter(|r| r.due).collect();
    let no_data: Vec<&BodyRow> = body.rows.iter().filter(|r| !r.due && r.no_data).collect();
    let met: Vec<&BodyRow> = body.rows.iter().filter(|r| !r.due && !r.no_data).collect();
    let mut deadlines: Vec<&str> = due.iter().map(|r| r.row.deadline.as_str()).collect();
    deadlines.dedup();
    let (y, m, d) = meta.document_date;
    let mut ctx = json!({
        "meta": meta,
        "summary": report.summary,
        "targets": report.targets,
        "body": body,
        "due_rows": rows_json(&due),
        "met_rows": rows_json(&met),
        "no_data_rows": rows_json(&no_data),
        "met_count": met.len(),
        "deadlines": deadlines,
        "date_label": crate::fmt::date(y, m, d),
    });
    let hctx = handlebars::Context::from(ctx.clone());
    let mut sentences = Vec::new();
    for (key, text) in [
        ("sender", "pack_sender"),
        ("intro", "pack_intro"),
        ("summary_line", "pack_summary"),
        ("title", "pack_title"),
        ("due_line", "pack_due_line"),
    ] {
        sentences.push((key, texts.render_context(text, &hctx)?));
    }
    if let Value::Object(m) = &mut ctx {
        for (key, text) in sentences {
            m.insert(key.into(), Value::String(text));
        }
    }
    Ok(ctx)
}

// ---------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------

/// A body's `report.pdf`, from its [`pack_context`].
pub fn pack_pdf(
    report: &Report,
    body: &BodyView,
    ctx: &Value,
    inputs: &DeckInputs,
    fonts: &Fonts,
    pdfa: bool,
) -> Result<(Vec<u8>, Vec<String>), DeckError> {
    let part = report.for_body(body);
    let title = format!("{} — {}", ctx["title"].as_str().unwrap_or_default(), body.name);
    let author = ctx["sender"].as_str().unwrap_or_default().to_string();
    let data = json!({
        "report": part,
        "texts": {
            "document_title": title,
            "document_author": author,
            "footer": format!("{} · {} · {}", report.meta.region, report.meta.period_label, body.name),
        },
        "pack": ctx,
    });
    let bytes = serde_json::to_vec(&data).map_err(|e| DeckError::Template(e.to_string()))?;
    let (year, month, day) = report.meta.document_date;
    let opts = PdfOpts {
        title,
        author,
        date: (year, month, day),
        pdfa,
        ident: format!("max-rating-pack-{}", body.slug),
    };
    match compile_pdf_with_warnings(fonts, &inputs.templates, PACK_MAIN, &[(DATA, bytes)], &opts) {
        Ok(out) => Ok((out.pdf, out.warnings.iter().map(|w| w.to_string()).collect())),
        Err(e @ TypstError::Compile(_)) | Err(e @ TypstError::Export(_)) => {
            Err(DeckError::Template(inputs.name_user_files(e.to_string())))
        }
        Err(e) => Err(e.into()),
    }
}

/// A body's `letter.txt`.
pub fn pack_letter(ctx: &Value, letter: &Letter, inputs: &DeckInputs) -> Result<String, AppError> {
    letter
        .render(ctx)
        .map_err(|e| AppError::Render(inputs.name_user_files(e.message)))
}

fn pack_files(
    report: &Report,
    body: &BodyView,
    inputs: &DeckInputs,
    letter: &Letter,
    texts: &TextSet,
    fonts: &Fonts,
    pdfa: bool,
) -> Result<(Vec<OutputFile>, Vec<String>), AppError> {
    let dir = format!("{BODIES_DIR}/{}", body.slug);
    let ctx = pack_context(report, body, texts).map_err(|e| AppError::Render(inputs.name_user_files(e.message)))?;
    let (pdf, warnings) = pack_pdf(report, body, &ctx, inputs, fonts, pdfa)?;
    let xlsx = crate::render::workbook::render_body(report, body)
        .map_err(|e| AppError::Render(format!("{dir}/report.xlsx: {e}")))?;
    let text = pack_letter(&ctx, letter, inputs)?;
    Ok((
        vec![
            OutputFile {
                path: format!("{dir}/letter.txt"),
                bytes: text.into_bytes(),
            },
            OutputFile {
                path: format!("{dir}/report.pdf"),
                bytes: pdf,
            },
            OutputFile {
                path: format!("{dir}/report.xlsx"),
                bytes: xlsx,
            },
        ],
        warnings,
    ))
}

/// Every body's pack, `bodies/<slug>/…`, in the order of `report.bodies`.
/// The packs are compiled in parallel on the shared fonts; warnings of the
/// template are printed once each.
pub fn render_packs(
    report: &Report,
    inputs: &DeckInputs,
    fonts: &Fonts,
    pdfa: bool,
) -> Result<Vec<OutputFile>, AppError> {
    let letter = Letter::from_inputs(inputs).map_err(|e| AppError::Render(inputs.name_user_files(e.message)))?;
    let texts = inputs
        .texts()
        .map_err(|e| AppError::Render(inputs.name_user_files(e.message)))?;
    for b in &report.bodies {
        // Slugs come from the registry; refuse anything that is not a plain
        // folder name rather than write outside `bodies/`.
        if !crate::bodies::is_safe_slug(&b.slug) {
            return Err(AppError::Render(format!("недопустимое имя папки органа «{}»", b.slug)));
        }
    }
    let bodies: Vec<&BodyView> = report.bodies.iter().collect();
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .clamp(1, 8)
        .min(bodies.len().max(1));
    let chunk = bodies.len().div_ceil(threads).max(1);
    type PackResult = Result<(Vec<OutputFile>, Vec<String>), AppError>;
    let results: Vec<PackResult> = std::thread::scope(|scope| {
        let handles: Vec<_> = bodies
            .chunks(chunk)
            .map(|group| {
                let letter = &letter;
                let texts = &texts;
                scope.spawn(move || {
                    group
                        .iter()
                        .map(|b| pack_files(report, b, inputs, letter, texts, fonts, pdfa))
                        .collect::<Vec<PackResult>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|_| vec![Err(AppError::Render("сбой при создании пакета органа".into()))])
            })
            .collect()
    });
    let mut files = Vec::new();
    let mut warned: Vec<String> = Vec::new();
    for r in results {
        let (f, warnings) = r?;
        files.extend(f);
        for w in warnings {
            if !warned.contains(&w) {
                eprintln!("{w}");
                warned.push(w);
            }
        }
    }
    Ok(files)
}

// ---------------------------------------------------------------------------
// The manifest
// ---------------------------------------------------------------------------

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The body a file of the build is for: `bodies/<slug>/…` → slug.
pub fn body_of(path: &str) -> Option<&str> {
    let rest = path.strip_prefix(BODIES_DIR)?.strip_prefix('/')?;
    let (slug, _) = rest.split_once('/')?;
    Some(slug)
}

/// `manifest.json`: every file of the build (path, size, SHA-256, the body
/// it is for or null), sorted by path. Same files, same bytes.
pub fn manifest(files: &[OutputFile]) -> OutputFile {
    let mut entries: Vec<(&str, Value)> = files
        .iter()
        .filter(|f| f.path != MANIFEST)
        .map(|f| {
            (
                f.path.as_str(),
                json!({
                    "path": f.path,
                    "size": f.bytes.len(),
                    "sha256": sha256_hex(&f.bytes),
                    "body": body_of(&f.path),
                }),
            )
        })
        .collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let doc = json!({ "files": entries.into_iter().map(|(_, v)| v).collect::<Vec<_>>() });
    let mut bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    bytes.push(b'\n');
    OutputFile {
        path: MANIFEST.into(),
        bytes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidies_letters() {
        assert_eq!(tidy_letter("\n\n a  \n\n\n\nb\n\n"), " a\n\nb\n");
        assert_eq!(tidy_letter(""), "");
    }

    #[test]
    fn bodies_of_paths() {
        assert_eq!(body_of("bodies/minzdrav/report.pdf"), Some("minzdrav"));
        assert_eq!(body_of("deck.pdf"), None);
        assert_eq!(body_of("bodiesx/a/b"), None);
    }

    #[test]
    fn sha256_of_abc() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
