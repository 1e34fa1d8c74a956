//! `remind`: the reminders of the bodies whose forms are missing,
//! incomplete or wrong, written into `out/reminders/` (replaced as a whole,
//! so that a body that has sent its form since has no stale reminder).

use std::path::{Path, PathBuf};

use super::{Sources, load, refuse_out_in_submissions};
use crate::app::AppError;
use crate::diag::Diagnostic;
use crate::layout::REMINDERS_DIR;
use crate::render::TemplateSet;

/// What `remind` wrote.
#[derive(Debug, Default)]
pub struct Reminded {
    /// (body, status label, draft written) of every reminder.
    pub bodies: Vec<(String, String, bool)>,
    pub files: Vec<String>,
    pub warnings: Vec<Diagnostic>,
}

/// Writes the reminders as of `today`.
pub fn remind(src: &Sources, out: &Path, templates: Option<&Path>, today: (i32, u8, u8)) -> Result<Reminded, AppError> {
    refuse_out_in_submissions(src, out)?;
    let loaded = load(src)?;
    let Some(report) = &loaded.report else {
        return Err(AppError::NoPeriod);
    };
    // A reminder carries the body's blank form: a form that cannot be made
    // fails `remind` rather than leave the reminders without it.
    let forms = crate::forms::blank_forms(src, out, Some(&report.meta.period))?;
    let set = TemplateSet::read(Some(&src.inputs), templates)?;
    let mut rendered = crate::render::reminders::render(report, &set, &forms.files, today)?;
    rendered.warnings.splice(0..0, forms.warnings);
    crate::outdir::write_outputs_with(out, &rendered.files, &[REMINDERS_DIR], &mut |_| Ok(()))?;
    let eml: Vec<PathBuf> = rendered
        .files
        .iter()
        .filter(|f| f.path.ends_with(".eml"))
        .map(|f| PathBuf::from(&f.path))
        .collect();
    let bodies = crate::render::reminders::due_reminders(report)
        .into_iter()
        .map(|(row, body)| {
            let draft = eml
                .iter()
                .any(|p| p.file_stem().is_some_and(|s| s == body.slug.as_str()));
            (body.name.clone(), row.status_label.clone(), draft)
        })
        .collect();
    Ok(Reminded {
        bodies,
        files: rendered.files.iter().map(|f| f.path.clone()).collect(),
        warnings: rendered.warnings,
    })
}
