//! The reminders of `remind`: for every body whose form is missing,
//! incomplete or wrong, `reminders/<slug>.txt` from `reminder.hbs` (what is
//! missing, what is wrong with file, sheet and cell, the deadline), its
//! blank form `reminders/<slug>.xlsx`, and — when the body has an address
//! and `[mail] from` is set — the draft `reminders/<slug>.eml` with the form
//! attached; `reminders/outbox.json` lists the drafts for `send
//! --reminders`. Reminders are dated today: a reminder of another day is a
//! new message.

use serde::Serialize;

use super::mail::{XLSX_TYPE, attachment};
use super::{OutputFile, RenderError, Rendered, TemplateSet, json_bytes};
use crate::collection::FormStatus;
use crate::diag::Diagnostic;
use crate::layout::{OUTBOX_FILE, REMINDERS_DIR};
use crate::mail::{Kind, Mode, Outbox, Outgoing};
use crate::report::collection::{CodeName, CollectionRow};
use crate::report::{BodyView, Meta, Report};

/// What `reminder.hbs` gets (see the comment at its top).
#[derive(Debug, Serialize)]
pub struct ReminderContext<'a> {
    pub meta: &'a Meta,
    pub body: &'a BodyView,
    pub row: &'a CollectionRow,
    pub missing_rows: &'a [CodeName],
    pub error_rows: &'a [CodeName],
    pub problems: &'a [String],
    pub due_text: &'a str,
    pub overdue_days: u64,
    pub today_label: String,
    pub form_name: String,
}

fn path(slug: &str, ext: &str) -> String {
    format!("{REMINDERS_DIR}/{slug}.{ext}")
}

/// Days from the due date to `today` (0 when not past).
fn overdue(due: Option<&str>, today: (i32, u8, u8)) -> u64 {
    let Some((y, m, d)) = due.and_then(crate::region::parse_russian_date) else {
        return 0;
    };
    let days = crate::pace::excel_serial(today.0, today.1, today.2) - crate::pace::excel_serial(y, m, d);
    if days > 0.0 { days as u64 } else { 0 }
}

/// The bodies that need a reminder, with their views.
pub fn due_reminders(report: &Report) -> Vec<(&CollectionRow, &BodyView)> {
    report
        .collection
        .rows
        .iter()
        .filter(|r| r.status != FormStatus::Received)
        .filter_map(|r| report.body(&r.slug).map(|b| (r, b)))
        .collect()
}

/// The reminders; `forms` are the blank forms of `forms` (`forms/<slug>.xlsx`).
pub fn render(
    report: &Report,
    set: &TemplateSet,
    forms: &[OutputFile],
    today: (i32, u8, u8),
) -> Result<Rendered, RenderError> {
    let mut out = Rendered::default();
    let mut outbox = Outbox::default();
    let mut without: Vec<&str> = Vec::new();
    let mut formless: Vec<&str> = Vec::new();
    let from = report.meta.mail.from.as_deref();
    for (row, body) in due_reminders(report) {
        let period = &report.meta.period;
        let form_name =
            crate::mail::file_name(&format!("Форма МАХ, {} — {}.xlsx", report.meta.period_label, body.name));
        let ctx = ReminderContext {
            meta: &report.meta,
            body,
            row,
            missing_rows: &row.missing_rows,
            error_rows: &row.error_rows,
            problems: &row.problems,
            due_text: &report.collection.due_text,
            overdue_days: overdue(report.collection.due.as_deref(), today),
            today_label: crate::fmt::date(today.0, today.1, today.2),
            form_name: form_name.clone(),
        };
        let letter = set.reminder.render(&ctx).map_err(|e| set.text_error(e))?;
        let text_file = OutputFile::new(path(&body.slug, "txt"), letter.clone().into_bytes());
        let form = forms
            .iter()
            .find(|f| f.path == crate::layout::form_file(&body.slug))
            .map(|f| OutputFile::new(path(&body.slug, "xlsx"), f.bytes.clone()));
        if form.is_none() {
            formless.push(&body.name);
        }
        if let (Some(from), false) = (from, body.emails.is_empty()) {
            let attachments: Vec<_> = form
                .iter()
                .map(|f| {
                    attachment(
                        f,
                        &form_name,
                        &format!("max-rating-form-{period}-{}.xlsx", body.slug),
                        XLSX_TYPE,
                    )
                })
                .collect();
            let fallback = format!("Напоминание: сведения для рейтинга «МАХ» — {}", body.name);
            let (subject, text) = crate::mail::split_letter(&letter, &fallback);
            let content = crate::mail::content_hash(&text, &attachments);
            let o = Outgoing {
                kind: Kind::Reminder,
                slug: body.slug.clone(),
                body: body.name.clone(),
                to: body.emails.clone(),
                from: from.to_string(),
                reply_to: report.meta.mail.reply_to.clone(),
                subject,
                message_id: crate::mail::message_id(Kind::Reminder, &body.slug, today, &content, from),
                date: today,
                text_path: text_file.path.clone(),
                eml_path: path(&body.slug, "eml"),
                attachments,
                content_sha256: content,
            };
            let bytes: Vec<&[u8]> = form.iter().map(|f| f.bytes.as_slice()).collect();
            let eml = crate::mail::message(&o, &text, &bytes, Mode::Draft)
                .map_err(|e| RenderError::Template(e.to_string()))?;
            out.files.push(OutputFile::new(o.eml_path.clone(), eml));
            outbox.messages.push(o);
        } else {
            without.push(&body.name);
        }
        out.files.push(text_file);
        out.files.extend(form);
    }
    if !formless.is_empty() {
        out.warn([Diagnostic::warning(
            None,
            format!(
                "напоминание без пустой формы (форма органа не составлена): {} — приложите форму вручную",
                formless.join(", ")
            ),
        )]);
    }
    if !without.is_empty() {
        let why = if from.is_none() {
            "в region.toml не указан отправитель ([mail] from)"
        } else {
            "нет адреса электронной почты (email в [[bodies]])"
        };
        out.warn([Diagnostic::warning(
            None,
            format!(
                "черновик напоминания не создан ({why}): {} — отправьте текст из reminders/ вручную",
                without.join(", ")
            ),
        )]);
    }
    if !outbox.messages.is_empty() {
        let p = format!("{REMINDERS_DIR}/{OUTBOX_FILE}");
        out.files.push(OutputFile::new(p.clone(), json_bytes(&p, &outbox)?));
    }
    Ok(out)
}
