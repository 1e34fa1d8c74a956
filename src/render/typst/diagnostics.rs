//! The compiler's errors and warnings, with their spans resolved to
//! file:line:column (1-based) and framed in Russian.

use std::fmt;

use typst::diag::{Severity, SourceDiagnostic, Tracepoint};
use typst::syntax::{DiagSpan, DiagSpanKind, FileId, Lines, VirtualRoot};
use typst::{World, WorldExt};

use super::world::{EngineWorld, PACKAGES_UNSUPPORTED};

/// A position in a template or data file (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcePos {
    /// Virtual path, e.g. `deck.typ` or `data.json`.
    pub file: String,
    /// 1-based line, if the position could be resolved.
    pub line: Option<usize>,
    /// 1-based column (in characters), if the position could be resolved.
    pub column: Option<usize>,
}

impl fmt::Display for SourcePos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(line), Some(col)) => write!(f, "{}:{line}:{col}", self.file),
            (Some(line), None) => write!(f, "{}:{line}", self.file),
            _ => f.write_str(&self.file),
        }
    }
}

/// One diagnostic (error or warning) from the Typst compiler or PDF export,
/// with its position already resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateDiagnostic {
    /// `true` for an error, `false` for a warning.
    pub is_error: bool,
    /// Where it happened, if the diagnostic points into a file.
    pub pos: Option<SourcePos>,
    /// The compiler's message (Typst's own text, in English).
    pub message: String,
    /// Hints, each possibly with its own position.
    pub hints: Vec<(Option<SourcePos>, String)>,
    /// Call trace, innermost first (already translated).
    pub trace: Vec<(Option<SourcePos>, String)>,
}

impl TemplateDiagnostic {
    /// `в шаблоне deck.typ:5:6: unknown variable: foo` and the hints and
    /// trace on the following lines.
    fn write_with_prefix(&self, f: &mut fmt::Formatter<'_>, prefix: &str) -> fmt::Result {
        match &self.pos {
            Some(pos) => write!(f, "{prefix} {pos}: {}", self.message)?,
            None => write!(f, "{prefix}: {}", self.message)?,
        }
        for (pos, hint) in &self.hints {
            match pos {
                Some(pos) => write!(f, "\n  подсказка ({pos}): {hint}")?,
                None => write!(f, "\n  подсказка: {hint}")?,
            }
        }
        for (pos, point) in &self.trace {
            match pos {
                Some(pos) => write!(f, "\n  {point} ({pos})")?,
                None => write!(f, "\n  {point}")?,
            }
        }
        Ok(())
    }

    /// The warning as a diagnostic of the build (printed by the commands).
    pub fn to_diagnostic(&self) -> crate::diag::Diagnostic {
        crate::diag::Diagnostic::warning(None, self.to_string())
    }
}

impl fmt::Display for TemplateDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_with_prefix(f, "в шаблоне")
    }
}

/// A list of diagnostics, displayed one per line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<TemplateDiagnostic>);

impl Diagnostics {
    pub(super) fn fmt_with_prefix(&self, f: &mut fmt::Formatter<'_>, prefix: &str) -> fmt::Result {
        for (i, diag) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            diag.write_with_prefix(f, prefix)?;
        }
        if self.0.is_empty() {
            write!(f, "{prefix}: неизвестная ошибка")?;
        }
        Ok(())
    }
}

pub(super) fn convert(world: &EngineWorld<'_>, diag: &SourceDiagnostic) -> TemplateDiagnostic {
    let mut hints: Vec<(Option<SourcePos>, String)> = diag
        .hints
        .iter()
        .map(|h| (locate(world, h.span), h.v.to_string()))
        .collect();
    if diag.message.contains(PACKAGES_UNSUPPORTED) {
        hints.push((
            None,
            "скопируйте нужный код в каталог шаблонов и импортируйте его по \
             относительному пути"
                .to_string(),
        ));
    }
    TemplateDiagnostic {
        is_error: diag.severity == Severity::Error,
        pos: locate(world, diag.span),
        message: diag.message.to_string(),
        hints,
        trace: diag
            .trace
            .iter()
            .map(|t| (locate(world, t.span.into()), translate_trace(&t.v)))
            .collect(),
    }
}

fn translate_trace(point: &Tracepoint) -> String {
    match point {
        Tracepoint::Call(Some(name)) => format!("при вызове `{name}`"),
        Tracepoint::Call(None) => "при вызове функции".to_string(),
        Tracepoint::Show(name) => format!("при отображении элемента {name}"),
        Tracepoint::Import(name) => format!("при импорте `{name}`"),
        Tracepoint::Include(name) => format!("при включении `{name}`"),
    }
}

fn display_path(id: FileId) -> String {
    match id.root() {
        VirtualRoot::Project => id.vpath().get_without_slash().to_string(),
        VirtualRoot::Package(spec) => format!("{spec}/{}", id.vpath().get_without_slash()),
    }
}

/// Resolves a span to file:line:column (1-based).
fn locate(world: &EngineWorld<'_>, span: DiagSpan) -> Option<SourcePos> {
    let id = span.id()?;
    let mut pos = SourcePos {
        file: display_path(id),
        line: None,
        column: None,
    };
    let line_col = world.range(span).and_then(|range| match span.get() {
        DiagSpanKind::Detached => None,
        DiagSpanKind::Number { .. } => world.source(id).ok()?.lines().byte_to_line_column(range.start),
        DiagSpanKind::Range { .. } => {
            let bytes = world.file(id).ok()?;
            let text = std::str::from_utf8(bytes.as_slice()).ok()?;
            Lines::new(text).byte_to_line_column(range.start)
        }
    });
    if let Some((line, col)) = line_col {
        pos.line = Some(line + 1);
        pos.column = Some(col + 1);
    }
    Some(pos)
}
