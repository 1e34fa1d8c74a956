//! The e-mail drafts of a build: `mail/<slug>.eml` for every body with an
//! address — To the body, From / Reply-To from `[mail]`, the subject and
//! text of its `letter.txt`, its pack's report.pdf and report.xlsx attached
//! byte for byte, `X-Unsent: 1` — and `mail/outbox.json` listing them for
//! `send`. Message-ID and Date come from the meeting date, the body and the
//! content: the same build gives the same bytes.

use super::{OutputFile, RenderError, json_bytes};
use crate::diag::Diagnostic;
use crate::layout::{MAIL_DIR, OUTBOX_FILE, PACK_LETTER, PACK_PDF, PACK_XLSX, mail_file, pack_file};
use crate::mail::{Attachment, Kind, Mode, Outbox, Outgoing};
use crate::report::{BodyView, Report};

pub const PDF_TYPE: &str = "application/pdf";
pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The drafts, the outbox and a warning naming the bodies left without one.
#[derive(Debug, Default)]
pub struct Drafts {
    pub files: Vec<OutputFile>,
    pub warnings: Vec<Diagnostic>,
}

fn find<'a>(files: &'a [OutputFile], path: &str) -> Option<&'a OutputFile> {
    files.iter().find(|f| f.path == path)
}

/// An attachment of a file of the build.
pub fn attachment(file: &OutputFile, name: &str, ascii_name: &str, content_type: &str) -> Attachment {
    Attachment {
        name: name.to_string(),
        ascii_name: ascii_name.to_string(),
        content_type: content_type.to_string(),
        path: file.path.clone(),
        size: file.bytes.len(),
        sha256: super::manifest::sha256_hex(&file.bytes),
    }
}

fn outgoing(
    report: &Report,
    b: &BodyView,
    from: &str,
    letter: &str,
    attachments: Vec<Attachment>,
) -> (Outgoing, String) {
    let fallback = format!("Рейтинг внедрения «МАХ»: {}", b.name);
    let (subject, text) = crate::mail::split_letter(letter, &fallback);
    let content = crate::mail::content_hash(&text, &attachments);
    let date = report.meta.document_date;
    let o = Outgoing {
        kind: Kind::Pack,
        slug: b.slug.clone(),
        body: b.name.clone(),
        to: b.emails.clone(),
        from: from.to_string(),
        reply_to: report.meta.mail.reply_to.clone(),
        subject,
        message_id: crate::mail::message_id(Kind::Pack, &b.slug, date, &content, from),
        date,
        text_path: pack_file(&b.slug, PACK_LETTER),
        eml_path: mail_file(&b.slug),
        attachments,
        content_sha256: content,
    };
    (o, text)
}

/// The drafts of the packs among `files` (the build's outputs so far).
pub fn drafts(report: &Report, files: &[OutputFile]) -> Result<Drafts, RenderError> {
    let mut out = Drafts::default();
    let with_pack: Vec<&BodyView> = report
        .bodies
        .iter()
        .filter(|b| find(files, &pack_file(&b.slug, PACK_PDF)).is_some())
        .collect();
    if with_pack.is_empty() {
        return Ok(out);
    }
    let Some(from) = report.meta.mail.from.as_deref() else {
        out.warnings.push(Diagnostic::warning(
            None,
            "черновики писем органам не созданы: в region.toml не указан отправитель ([mail] from = \"Секретариат <адрес>\")",
        ));
        return Ok(out);
    };
    let mut outbox = Outbox::default();
    let mut without: Vec<&str> = Vec::new();
    for b in with_pack {
        let (Some(pdf), Some(xlsx), Some(letter)) = (
            find(files, &pack_file(&b.slug, PACK_PDF)),
            find(files, &pack_file(&b.slug, PACK_XLSX)),
            find(files, &pack_file(&b.slug, PACK_LETTER)),
        ) else {
            continue;
        };
        if b.emails.is_empty() {
            without.push(&b.name);
            continue;
        }
        let attachments = vec![
            attachment(pdf, &b.pdf_name, &b.pdf_ascii_name, PDF_TYPE),
            attachment(xlsx, &b.xlsx_name, &b.xlsx_ascii_name, XLSX_TYPE),
        ];
        let letter = String::from_utf8_lossy(&letter.bytes);
        let (o, text) = outgoing(report, b, from, &letter, attachments);
        let eml = crate::mail::message(&o, &text, &[&pdf.bytes, &xlsx.bytes], Mode::Draft)
            .map_err(|e| RenderError::Template(e.to_string()))?;
        out.files.push(OutputFile::new(o.eml_path.clone(), eml));
        outbox.messages.push(o);
    }
    if !without.is_empty() {
        out.warnings.push(Diagnostic::warning(
            None,
            format!(
                "нет адреса электронной почты — черновик письма не создан: {} (email в [[bodies]] файла region.toml)",
                without.join(", ")
            ),
        ));
    }
    if !outbox.messages.is_empty() {
        let path = format!("{MAIL_DIR}/{OUTBOX_FILE}");
        out.files
            .push(OutputFile::new(path.clone(), json_bytes(&path, &outbox)?));
    }
    Ok(out)
}
