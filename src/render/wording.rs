//! The user-editable wording: `templates/texts.hbs` (the sentences of the
//! deck and of the packs' first page) and `templates/letter.hbs` (the text
//! of a body's letter). Both are Handlebars templates in strict mode, with
//! the same helpers; an error names the file, line and column.
//!
//! `texts.hbs` is an ordinary Handlebars template made of inline partials, one
//! per text:
//!
//! ```handlebars
//! {{#*inline "results_title"}}Подведение итогов {{results.year}} года{{/inline}}
//! ```
//!
//! Each text is rendered on its own, with the variables its place in the
//! deck offers (see the comments in `texts.hbs`), in strict mode: a variable
//! that does not exist is an error naming the file, line and column. The
//! output is plain text — it reaches Typst only as a JSON string, never as
//! markup. Whitespace that contains a line break collapses into one space,
//! so long texts may be wrapped in the file.
//!
//! Helpers (Russian formatting from [`crate::fmt`]):
//! - `{{int n}}` — `22 471` (narrow no-break space between groups);
//! - `{{percent part whole}}` / `{{percent part whole 2}}` — `23,5%`, with
//!   more decimals where a threshold of the methodology is near (49,998%,
//!   never 50% for a share below «≥ 50%»);
//! - `{{plural n "балл" "балла" "баллов"}}` — the word form for `n`;
//! - `{{genitive "Минтранс России"}}` — `Минтранса России` (first word of a
//!   body's name: «Минстрой» → «Минстроя», «Росстат» → «Росстата»;
//!   abbreviations and words ending in a vowel stay as they are);
//! - `{{join list "; "}}` — list items joined;
//! - built-in `eq`, `ne`, `gt`, `lt`, `and`, `or`, `not`, `len`, `if`,
//!   `unless`, `each`, `with`, `lookup`.

use std::collections::BTreeMap;

use handlebars::{
    Context, Handlebars, Helper, HelperResult, Output, RenderContext, RenderError, RenderErrorReason, TemplateError,
};
use serde_json::Value;

use crate::num::Ratio;

/// A text template failed to parse or render. `Display` is Russian and
/// starts with `file:line:col`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct TextError {
    pub message: String,
}

impl TextError {
    pub fn new(message: impl Into<String>) -> TextError {
        TextError {
            message: message.into(),
        }
    }
}

/// One parsed texts file.
pub struct Texts {
    file: String,
    registry: Handlebars<'static>,
    /// Text key → registered template name.
    keys: BTreeMap<String, String>,
    /// Text key → line and column of its body in the file, for a section
    /// registered unpadded (render errors count from the body's start).
    origins: BTreeMap<String, (usize, usize)>,
}

impl std::fmt::Debug for Texts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Texts")
            .field("file", &self.file)
            .field("keys", &self.keys.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// One `{{#*inline "key"}}…{{/inline}}` section of the file.
struct Section {
    key: String,
    body: String,
    /// 1-based line and column where the body starts.
    line: usize,
    col: usize,
    /// Byte offsets of the whole section, `{{#*inline` to `{{/inline}}`.
    start: usize,
    end: usize,
}

fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let before = &src[..offset];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, col)
}

fn sections(file: &str, src: &str) -> Result<Vec<Section>, TextError> {
    const OPEN: &str = "{{#*inline";
    const CLOSE: &str = "{{/inline}}";
    let mut out = Vec::new();
    let mut rest = 0;
    while let Some(found) = src[rest..].find(OPEN) {
        let start = rest + found;
        let (line, col) = line_col(src, start);
        let tag_end = src[start..]
            .find("}}")
            .map(|i| start + i + 2)
            .ok_or_else(|| TextError::new(format!("{file}:{line}:{col}: не закрыт тег {OPEN}")))?;
        let tag = &src[start + OPEN.len()..tag_end - 2];
        let key = tag.trim().trim_matches('~').trim().trim_matches('"').to_string();
        if key.is_empty() || key.contains(char::is_whitespace) || key.contains('"') {
            return Err(TextError::new(format!(
                "{file}:{line}:{col}: ожидалось {{{{#*inline \"имя\"}}}}, найдено «{}»",
                &src[start..tag_end]
            )));
        }
        let body_end = src[tag_end..]
            .find(CLOSE)
            .map(|i| tag_end + i)
            .ok_or_else(|| TextError::new(format!("{file}:{line}:{col}: текст «{key}» не закрыт {CLOSE}")))?;
        if let Some(nested) = src[tag_end..body_end].find(OPEN) {
            let (l, c) = line_col(src, tag_end + nested);
            return Err(TextError::new(format!(
                "{file}:{l}:{c}: новый текст внутри «{key}»: не хватает {CLOSE}"
            )));
        }
        let (bl, bc) = line_col(src, tag_end);
        if out.iter().any(|s: &Section| s.key == key) {
            return Err(TextError::new(format!(
                "{file}:{line}:{col}: текст «{key}» задан дважды"
            )));
        }
        out.push(Section {
            key,
            body: src[tag_end..body_end].to_string(),
            line: bl,
            col: bc,
            start,
            end: body_end + CLOSE.len(),
        });
        rest = body_end + CLOSE.len();
    }
    Ok(out)
}

fn template_error(file: &str, key: Option<&str>, e: &TemplateError) -> TextError {
    let pos = match e.pos() {
        Some((l, c)) => format!("{file}:{l}:{c}"),
        None => file.to_string(),
    };
    let what = key.map(|k| format!(" (текст «{k}»)")).unwrap_or_default();
    TextError::new(format!("{pos}: ошибка в шаблоне текста{what}: {}", e.reason()))
}

/// A render error of text `key`; `origin` is where the text's body starts
/// in the file when it was registered unpadded.
fn render_error(file: &str, key: &str, e: &RenderError, origin: Option<(usize, usize)>) -> TextError {
    let pos = match (origin, e.line_no, e.column_no) {
        (Some((line, col)), Some(l), Some(c)) => {
            let c = if l == 1 { col + c - 1 } else { c };
            format!("{file}:{}:{c}", line + l - 1)
        }
        _ => render_pos(file, e),
    };
    TextError::new(format!("{pos}: текст «{key}»: {}", reason(e, "текста")))
}

/// The stretches of the file outside its sections.
fn gaps<'a>(src: &'a str, sections: &[Section]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut from = 0;
    for s in sections {
        out.push(&src[from..s.start]);
        from = s.end;
    }
    out.push(&src[from..]);
    out
}

/// Collapses whitespace runs that contain a line break into one space,
/// trims the ends and leaves one full stop after an abbreviation
/// ([`crate::fmt::single_stops`]).
fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending = String::new();
    for c in s.chars() {
        if c.is_whitespace() {
            pending.push(c);
        } else {
            if !pending.is_empty() {
                if pending.contains('\n') {
                    out.push(' ');
                } else {
                    out.push_str(&pending);
                }
                pending.clear();
            }
            out.push(c);
        }
    }
    crate::fmt::single_stops(out.trim()).into_owned()
}

/// A Handlebars registry as both files use it: strict (a missing variable
/// is an error), no HTML escaping, the Russian helpers.
fn registry() -> Handlebars<'static> {
    let mut registry = Handlebars::new();
    registry.set_strict_mode(true);
    registry.register_escape_fn(handlebars::no_escape);
    register_helpers(&mut registry);
    registry
}

/// The reason of a render error in Russian.
fn reason(e: &RenderError, partial: &str) -> String {
    match e.reason() {
        RenderErrorReason::MissingVariable(Some(v)) => format!("нет переменной «{v}»"),
        RenderErrorReason::MissingVariable(None) => "нет переменной".to_string(),
        RenderErrorReason::HelperNotFound(h) => format!("нет помощника «{h}»"),
        RenderErrorReason::PartialNotFound(p) => format!("нет {partial} «{p}»"),
        other => other.to_string(),
    }
}

/// `file:line:col` of a render error, or the file alone.
fn render_pos(file: &str, e: &RenderError) -> String {
    match (e.line_no, e.column_no) {
        (Some(l), Some(c)) => format!("{file}:{l}:{c}"),
        _ => file.to_string(),
    }
}

impl Texts {
    /// Parses a texts file. `file` names it in errors (`texts.hbs`).
    ///
    /// Handlebars' parser finds the line and column of every element by
    /// counting from the start of its source, so a big file costs the square
    /// of its size. Each section and each stretch between sections is
    /// therefore parsed on its own, with positions shifted back into the
    /// file; only when something fails is the whole file parsed as one, so
    /// that the error names its real position.
    pub fn parse(file: &str, src: &str) -> Result<Texts, TextError> {
        let sections = sections(file, src)?;
        match Texts::parse_pieces(file, src, &sections) {
            Some(texts) => Ok(texts),
            None => Texts::parse_whole(file, src, sections),
        }
    }

    /// The quick way: every piece alone; `None` if any piece fails.
    fn parse_pieces(file: &str, src: &str, sections: &[Section]) -> Option<Texts> {
        let mut registry = registry();
        let mut keys = BTreeMap::new();
        let mut origins = BTreeMap::new();
        for (i, gap) in gaps(src, sections).into_iter().enumerate() {
            let name = format!("{file}#gap{i}");
            registry.register_template_string(&name, gap).ok()?;
            registry.unregister_template(&name);
        }
        for s in sections {
            let name = format!("{file}#{}", s.key);
            registry.register_template_string(&name, &s.body).ok()?;
            keys.insert(s.key.clone(), name);
            origins.insert(s.key.clone(), (s.line, s.col));
        }
        Some(Texts {
            file: file.to_string(),
            registry,
            keys,
            origins,
        })
    }

    /// The exact way, for the error's position: the whole file first (a
    /// syntax error anywhere), then each section padded so that positions
    /// inside its body are positions in the file.
    fn parse_whole(file: &str, src: &str, sections: Vec<Section>) -> Result<Texts, TextError> {
        let mut registry = registry();
        registry
            .register_template_string(file, src)
            .map_err(|e| template_error(file, None, &e))?;
        registry.unregister_template(file);
        let mut keys = BTreeMap::new();
        for s in sections {
            let padded = format!("{}{}{}", "\n".repeat(s.line - 1), " ".repeat(s.col - 1), s.body);
            let name = format!("{file}#{}", s.key);
            registry
                .register_template_string(&name, padded)
                .map_err(|e| template_error(file, Some(&s.key), &e))?;
            keys.insert(s.key, name);
        }
        Ok(Texts {
            file: file.to_string(),
            registry,
            keys,
            origins: BTreeMap::new(),
        })
    }

    /// Whether the file defines `key`.
    pub fn has(&self, key: &str) -> bool {
        self.keys.contains_key(key)
    }

    /// All keys, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.keys.keys().map(String::as_str)
    }

    /// Renders one text with `ctx`.
    pub fn render(&self, key: &str, ctx: &Value) -> Result<String, TextError> {
        let name = self.name(key)?;
        self.registry
            .render(name, ctx)
            .map(|s| tidy(&s))
            .map_err(|e| render_error(&self.file, key, &e, self.origins.get(key).copied()))
    }

    /// Renders one text with a ready context: no copy of the data (a
    /// `&Value` is copied into a new context on every call).
    pub fn render_context(&self, key: &str, ctx: &handlebars::Context) -> Result<String, TextError> {
        let name = self.name(key)?;
        self.registry
            .render_with_context(name, ctx)
            .map(|s| tidy(&s))
            .map_err(|e| render_error(&self.file, key, &e, self.origins.get(key).copied()))
    }

    fn name(&self, key: &str) -> Result<&String, TextError> {
        self.keys.get(key).ok_or_else(|| {
            TextError::new(format!(
                "{}: нет текста «{key}» ({{{{#*inline \"{key}\"}}}})",
                self.file
            ))
        })
    }
}

/// Texts of the user's file, falling back to the built-in file for keys the
/// user's file does not define.
#[derive(Debug)]
pub struct TextSet {
    pub user: Option<Texts>,
    /// The built-in file, parsed once per process.
    pub builtin: &'static Texts,
}

impl TextSet {
    pub fn render(&self, key: &str, ctx: &Value) -> Result<String, TextError> {
        match &self.user {
            Some(u) if u.has(key) => u.render(key, ctx),
            _ => self.builtin.render(key, ctx),
        }
    }

    /// Like [`TextSet::render`], with a ready context.
    pub fn render_context(&self, key: &str, ctx: &handlebars::Context) -> Result<String, TextError> {
        match &self.user {
            Some(u) if u.has(key) => u.render_context(key, ctx),
            _ => self.builtin.render_context(key, ctx),
        }
    }

    /// Keys defined only by the user's file (free texts for custom slides).
    pub fn extra_keys(&self) -> Vec<String> {
        match &self.user {
            Some(u) => u.keys().filter(|k| !self.builtin.has(k)).map(String::from).collect(),
            None => Vec::new(),
        }
    }
}

// ---------------------------------------------------------------------------
// The letter
// ---------------------------------------------------------------------------

/// A parsed letter template (`letter.hbs`): one whole-file template whose
/// output keeps its line breaks.
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
    /// Parses a letter template; `file` names it in errors.
    pub fn parse(file: &str, src: &str) -> Result<Letter, TextError> {
        let mut registry = registry();
        registry.register_template_string(file, src).map_err(|e| {
            let pos = match e.pos() {
                Some((l, c)) => format!("{file}:{l}:{c}"),
                None => file.to_string(),
            };
            TextError::new(format!("{pos}: ошибка в шаблоне письма: {}", e.reason()))
        })?;
        Ok(Letter {
            file: file.to_string(),
            registry,
        })
    }

    /// Renders the letter: lines keep their breaks, trailing spaces and
    /// runs of blank lines go, the text ends with one line break.
    pub fn render<T: serde::Serialize>(&self, ctx: &T) -> Result<String, TextError> {
        let raw = self.registry.render(&self.file, ctx).map_err(|e| {
            TextError::new(format!(
                "{}: шаблон письма: {}",
                render_pos(&self.file, &e),
                reason(&e, "шаблона")
            ))
        })?;
        Ok(tidy_letter(&raw))
    }
}

/// The letter's lines: trailing spaces, runs of blank lines and a second
/// full stop after an abbreviation go.
fn tidy_letter(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank = true; // no blank lines at the start
    for line in s.lines() {
        let line = crate::fmt::single_stops(line.trim_end());
        if line.is_empty() {
            if !blank {
                out.push('\n');
            }
            blank = true;
        } else {
            out.push_str(&line);
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
// Helpers
// ---------------------------------------------------------------------------

fn param<'a>(h: &'a Helper<'_>, name: &'static str, i: usize) -> Result<&'a Value, RenderError> {
    h.param(i)
        .filter(|p| !p.is_value_missing())
        .map(|p| p.value())
        .ok_or_else(|| RenderErrorReason::ParamNotFoundForIndex(name, i).into())
}

fn as_u64(v: &Value, name: &'static str) -> Result<Option<u64>, RenderError> {
    match v {
        Value::Null => Ok(None),
        Value::Number(n) => n
            .as_u64()
            .or_else(|| n.as_f64().filter(|f| *f >= 0.0 && f.fract() == 0.0).map(|f| f as u64))
            .map(Some)
            .ok_or_else(|| RenderErrorReason::InvalidParamType("целое число ≥ 0").into()),
        Value::String(s) => s
            .chars()
            .filter(|c| c.is_ascii_digit())
            .collect::<String>()
            .parse()
            .map(Some)
            .map_err(|_| RenderErrorReason::Other(format!("{name}: «{s}» не число")).into()),
        _ => Err(RenderErrorReason::InvalidParamType("число").into()),
    }
}

fn as_str(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn int_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let v = as_u64(param(h, "int", 0)?, "int")?;
    out.write(&v.map(crate::fmt::int).unwrap_or_else(|| "нет данных".into()))?;
    Ok(())
}

/// The thresholds a context offers (`meta.thresholds`), for `percent`.
fn context_thresholds(ctx: &Context) -> Vec<crate::num::Threshold> {
    let Some(Value::Array(list)) = ctx.data().pointer("/meta/thresholds") else {
        return Vec::new();
    };
    list.iter()
        .filter_map(|t| {
            let num = t.get("num")?.as_u64()?;
            let den = t.get("den")?.as_u64()?;
            Some(crate::num::Threshold {
                value: Ratio::new(u128::from(num), u128::from(den))?,
                inclusive: t.get("inclusive")?.as_bool()?,
            })
        })
        .collect()
}

fn percent_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    ctx: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let part = as_u64(param(h, "percent", 0)?, "percent")?;
    let whole = as_u64(param(h, "percent", 1)?, "percent")?;
    let digits = match h.param(2) {
        Some(p) => as_u64(p.value(), "percent")?.unwrap_or(1).min(6) as u32,
        None => 1,
    };
    let text = match part.zip(whole).and_then(|(p, w)| Ratio::share(p, w)) {
        Some(r) => crate::fmt::share(&r, digits, &context_thresholds(ctx)),
        None => "нет данных".into(),
    };
    out.write(&text)?;
    Ok(())
}

fn plural_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let n = as_u64(param(h, "plural", 0)?, "plural")?.unwrap_or(0);
    let one = as_str(param(h, "plural", 1)?);
    let few = as_str(param(h, "plural", 2)?);
    let many = as_str(param(h, "plural", 3)?);
    out.write(crate::fmt::plural(n, &one, &few, &many))?;
    Ok(())
}

fn join_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    let list = param(h, "join", 0)?;
    let sep = h.param(1).map(|p| as_str(p.value())).unwrap_or_else(|| ", ".into());
    let text = match list {
        Value::Array(items) => items.iter().map(as_str).collect::<Vec<_>>().join(&sep),
        other => as_str(other),
    };
    out.write(&text)?;
    Ok(())
}

fn genitive_helper(
    h: &Helper<'_>,
    _: &Handlebars<'_>,
    _: &Context,
    _: &mut RenderContext<'_, '_>,
    out: &mut dyn Output,
) -> HelperResult {
    out.write(&genitive(&as_str(param(h, "genitive", 0)?)))?;
    Ok(())
}

fn register_helpers(r: &mut Handlebars<'static>) {
    r.register_helper("int", Box::new(int_helper));
    r.register_helper("percent", Box::new(percent_helper));
    r.register_helper("plural", Box::new(plural_helper));
    r.register_helper("join", Box::new(join_helper));
    r.register_helper("genitive", Box::new(genitive_helper));
}

/// The genitive of a body's name, for «согласно сведениям …»: only the first
/// word changes, and only when it is a word (not an abbreviation) ending in
/// a consonant: «Росстат» → «Росстата», «Минстрой России» → «Минстроя
/// России», «Минцифры России», «СФР», «ООО «МАХ»» unchanged.
pub fn genitive(name: &str) -> String {
    let name = name.trim();
    let (first, rest) = match name.find(char::is_whitespace) {
        Some(i) => (&name[..i], &name[i..]),
        None => (name, ""),
    };
    let letters: Vec<char> = first.chars().collect();
    let is_word = letters.len() > 1
        && letters.iter().all(|c| c.is_alphabetic() || *c == '-')
        && letters[1..].iter().any(|c| c.is_lowercase());
    if !is_word {
        return name.to_string();
    }
    let last = letters[letters.len() - 1];
    let stem: String = letters[..letters.len() - 1].iter().collect();
    // «Минцифры», «Минэкономразвития»: the short names of ministries ending
    // in a vowel are already genitive inside.
    let ministry = first.starts_with("Мин");
    let changed = match last {
        'й' | 'ь' => format!("{stem}я"),
        _ if ministry && "аеёиоуыэюя".contains(last) => first.to_string(),
        'я' if stem.ends_with('и') => format!("{stem}и"),
        'а' if stem.ends_with(['г', 'к', 'х', 'ж', 'ш', 'ч', 'щ']) => format!("{stem}и"),
        'а' => format!("{stem}ы"),
        c if "еёиоуыэюя".contains(c) => first.to_string(),
        _ => format!("{first}а"),
    };
    format!("{changed}{rest}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tidies_letters() {
        assert_eq!(tidy_letter("\n\n a  \n\n\n\nb\n\n"), " a\n\nb\n");
        assert_eq!(tidy_letter(""), "");
        // A sentence ending in an abbreviation keeps one stop.
        assert_eq!(
            tidy_letter("Срок — 10 апреля 2026 г..\nНет: 5 шт.. Ещё...\n"),
            "Срок — 10 апреля 2026 г.\nНет: 5 шт. Ещё...\n"
        );
        assert_eq!(tidy("до 1 мая 2026 г.\n  ."), "до 1 мая 2026 г. .");
        assert_eq!(tidy("срок — 1 мая 2026 г.."), "срок — 1 мая 2026 г.");
    }

    #[test]
    fn letters_render_with_lines_and_name_errors() {
        let l = Letter::parse("letter.hbs", "Тема: {{x}}\n\n\n{{int n}}  \n").unwrap();
        assert_eq!(
            l.render(&json!({"x": "а", "n": 1500})).unwrap(),
            "Тема: а\n\n1\u{202F}500\n"
        );
        let e = l.render(&json!({"n": 1})).unwrap_err();
        assert!(e.message.starts_with("letter.hbs:1:"), "{e}");
        assert!(Letter::parse("letter.hbs", "{{#if}}").is_err());
    }

    #[test]
    fn genitives() {
        for (n, g) in [
            ("Росстат", "Росстата"),
            ("Минтранс России", "Минтранса России"),
            ("Минстрой России", "Минстроя России"),
            ("Минцифры России", "Минцифры России"),
            ("Минэкономразвития", "Минэкономразвития"),
            ("СФР", "СФР"),
            ("ООО «МАХ»", "ООО «МАХ»"),
            ("КГАУ «МФЦ Забайкальского края»", "КГАУ «МФЦ Забайкальского края»"),
            ("Минздрав", "Минздрава"),
            (
                "Госжилинспекция Забайкальского края",
                "Госжилинспекции Забайкальского края",
            ),
        ] {
            assert_eq!(genitive(n), g);
        }
    }

    #[test]
    fn renders_sections_with_helpers() {
        let src = "{{!-- комментарий --}}\n{{#*inline \"a\"}}Итого {{int n}}\n   {{plural n \"балл\" \"балла\" \"баллов\"}}{{/inline}}\n\
                   {{#*inline \"b\"}}{{percent 14670 62372}} и {{join xs \"; \"}} <&>{{/inline}}\n";
        let t = Texts::parse("texts.hbs", src).unwrap();
        assert_eq!(t.keys().collect::<Vec<_>>(), ["a", "b"]);
        let ctx = json!({"n": 22475, "xs": ["А", "Б"]});
        assert_eq!(t.render("a", &ctx).unwrap(), "Итого 22\u{202F}475 баллов");
        assert_eq!(t.render("b", &ctx).unwrap(), "23,5% и А; Б <&>");
    }

    #[test]
    fn percent_stays_on_its_side_of_the_thresholds_in_the_context() {
        let t = Texts::parse("texts.hbs", "{{#*inline \"a\"}}{{percent v b}}{{/inline}}").unwrap();
        let ge50 = json!({"meta": {"thresholds": [{"num": 1, "den": 2, "inclusive": true}]}, "v": 15000, "b": 30001});
        assert_eq!(t.render("a", &ge50).unwrap(), "49,998%");
        let mut at = ge50.clone();
        at["v"] = json!(15001);
        assert_eq!(t.render("a", &at).unwrap(), "50%");
        // Without thresholds in the context: one decimal, as asked.
        assert_eq!(t.render("a", &json!({"v": 15000, "b": 30001})).unwrap(), "50%");
    }

    #[test]
    fn strict_mode_names_file_line_col() {
        let src = "{{#*inline \"a\"}}ok{{/inline}}\n\n{{#*inline \"title\"}}\nПодведение {{meta.yaer}}{{/inline}}\n";
        let t = Texts::parse("texts.hbs", src).unwrap();
        let err = t.render("title", &json!({"meta": {"year": 2026}})).unwrap_err();
        assert!(
            err.message.starts_with("texts.hbs:4:12: текст «title»: нет переменной"),
            "{err}"
        );
        assert!(err.message.contains("meta.yaer"), "{err}");

        let err = Texts::parse("texts.hbs", "x\n{{#*inline \"a\"}}{{#if}}{{/inline}}").unwrap_err();
        assert!(err.message.starts_with("texts.hbs:2:"), "{err}");
        let err = Texts::parse("t.hbs", "{{#*inline \"a\"}}без конца").unwrap_err();
        assert!(err.message.starts_with("t.hbs:1:"), "{err}");
    }
}
