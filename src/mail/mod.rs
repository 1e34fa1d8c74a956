//! E-mail: the messages the tool writes (the packs' drafts after a build,
//! the reminders of `remind`), the outbox that lists them, the journal of
//! what was sent ([`journal`]) and delivery over SMTP ([`smtp`]).
//!
//! A message is built with lettre's builder from an [`Outgoing`] (who,
//! what, which files) and the bytes of its text and attachments. The same
//! function makes the draft a build writes (`X-Unsent: 1`, dated by the
//! meeting, so that the same inputs give the same bytes) and the message
//! `send` delivers (no `X-Unsent`, dated now), so what is sent is what was
//! reviewed.

pub mod delivery;
pub mod journal;
pub mod smtp;

use std::fmt::Write as _;
use std::time::{Duration, SystemTime};

use lettre::message::header::{self, ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use serde::{Deserialize, Serialize};

/// What a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A body's pack after the meeting.
    Pack,
    /// A reminder to send the form.
    Reminder,
}

/// A file attached to a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The name the recipient sees (UTF-8).
    pub name: String,
    /// The ASCII fallback name, for clients that cannot read the first.
    pub ascii_name: String,
    pub content_type: String,
    /// Where the file is, relative to the output folder.
    pub path: String,
    pub size: usize,
    pub sha256: String,
}

/// One message to write or send: listed in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outgoing {
    pub kind: Kind,
    /// The body's slug and name.
    pub slug: String,
    pub body: String,
    pub to: Vec<String>,
    pub from: String,
    pub reply_to: Option<String>,
    pub subject: String,
    /// `<…@…>`: derived from the date, the body and the content.
    pub message_id: String,
    /// The draft's date (year, month, day).
    pub date: (i32, u8, u8),
    /// The text, relative to the output folder.
    pub text_path: String,
    /// The draft, relative to the output folder.
    pub eml_path: String,
    pub attachments: Vec<Attachment>,
    /// SHA-256 over the text and the attachments: a message whose content
    /// changed is a new message.
    pub content_sha256: String,
}

/// The outbox of a build or of `remind`: every message written.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Outbox {
    pub messages: Vec<Outgoing>,
}

/// A message could not be built.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("адрес «{0}» не является адресом электронной почты")]
    Address(String),
    #[error("письмо для «{body}» не сформировано: {reason}")]
    Build { body: String, reason: String },
}

/// The subject and the text of a letter rendered by `letter.hbs` or
/// `reminder.hbs`: a first line «Тема: …» is the subject, the lines down to
/// the first blank one are the letter's heading (in the e-mail they are
/// its headers), the rest is the text. Without «Тема:» the whole is the
/// text and `fallback` the subject.
pub fn split_letter(letter: &str, fallback: &str) -> (String, String) {
    let Some(rest) = letter.strip_prefix("Тема:") else {
        return (fallback.to_string(), letter.trim_start().to_string());
    };
    let (first, after) = rest.split_once('\n').unwrap_or((rest, ""));
    let mut lines = after.lines().peekable();
    // The heading: «Кому», «От», «Дата» … down to the first blank line.
    while lines.peek().is_some_and(|l| l.trim().is_empty()) {
        lines.next();
    }
    let mut body: Vec<&str> = Vec::new();
    let mut heading = true;
    for l in lines {
        if heading && l.trim().is_empty() {
            heading = false;
            continue;
        }
        if !heading {
            body.push(l);
        }
    }
    let text = if body.is_empty() {
        after.trim().to_string()
    } else {
        body.join("\n")
    };
    (first.trim().to_string(), text.trim_start().to_string() + "\n")
}

/// SHA-256 (hex) over a text and attachment hashes.
pub fn content_hash(text: &str, attachments: &[Attachment]) -> String {
    let mut all = Vec::from(text.as_bytes());
    for a in attachments {
        all.extend_from_slice(a.name.as_bytes());
        all.extend_from_slice(a.sha256.as_bytes());
    }
    crate::render::manifest::sha256_hex(&all)
}

/// `<20260416.minzdrav.pack.1a2b3c4d5e6f@zabaykalsky.example>`: the date, the
/// body, the kind and the content, at the sender's domain.
pub fn message_id(kind: Kind, slug: &str, date: (i32, u8, u8), content: &str, from: &str) -> String {
    let domain = from
        .rsplit('@')
        .next()
        .map(|d| d.trim_end_matches('>').trim())
        .filter(|d| !d.is_empty() && d.is_ascii() && !d.contains(' '))
        .unwrap_or("max-rating.invalid");
    let kind = match kind {
        Kind::Pack => "pack",
        Kind::Reminder => "reminder",
    };
    let (y, m, d) = date;
    let short = content.get(..12).unwrap_or(content);
    format!("<{y:04}{m:02}{d:02}.{slug}.{kind}.{short}@{domain}>")
}

/// A date at 09:00 Moscow time (06:00 UTC) as a point in time.
pub fn date_time((y, m, d): (i32, u8, u8)) -> SystemTime {
    let days = crate::pace::excel_serial(y, m, d) - 25_569.0;
    let secs = (days.max(0.0) as u64) * 86_400 + 6 * 3_600;
    SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
}

/// `X-Unsent: 1`: Outlook opens the file as a draft with a Send button.
#[derive(Debug, Clone)]
struct XUnsent;

impl Header for XUnsent {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("X-Unsent")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(XUnsent)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "1".into())
    }
}

/// `Content-Disposition: attachment` with the ASCII name as `filename` and
/// the UTF-8 one as RFC 2231 `filename*` beside it.
#[derive(Debug, Clone)]
struct Disposition {
    raw: String,
    encoded: String,
}

impl Disposition {
    fn new(name: &str, ascii: &str) -> Disposition {
        let ascii: String = ascii
            .chars()
            .filter(|c| c.is_ascii_graphic() && *c != '"' && *c != '\\' || *c == ' ')
            .collect();
        let mut encoded = String::new();
        {
            let line_len = "Content-Disposition: ".len();
            let mut w = email_encoding::headers::writer::EmailWriter::new(&mut encoded, line_len, 0, false);
            // Writing to a String cannot fail. The UTF-8 name first: parsers
            // that know RFC 2231 take it, the others the ASCII one after it.
            if name == ascii {
                let _ = write!(w, "attachment; filename=\"{ascii}\"");
            } else {
                let _ = write!(w, "attachment;");
                w.space();
                let _ = email_encoding::headers::rfc2231::encode("filename", name, &mut w);
                let _ = write!(w, ";");
                let _ = w.new_line();
                let _ = write!(w, " filename=\"{ascii}\"");
            }
        }
        let encoded = encoded.trim_end_matches(';').to_string();
        Disposition {
            raw: format!("attachment; filename=\"{ascii}\""),
            encoded,
        }
    }
}

impl Header for Disposition {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Disposition")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(Disposition {
            raw: s.to_string(),
            encoded: s.to_string(),
        })
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::dangerous_new_pre_encoded(Self::name(), self.raw.clone(), self.encoded.clone())
    }
}

fn mailbox(text: &str) -> Result<Mailbox, MailError> {
    text.parse::<Mailbox>()
        .map_err(|_| MailError::Address(text.to_string()))
}

/// How a message is made: a draft to open and send by hand, or the
/// message `send` delivers now.
#[derive(Debug, Clone, Copy)]
pub enum Mode {
    /// `X-Unsent: 1`, dated by the outgoing's date.
    Draft,
    /// Dated `at`.
    Send { at: SystemTime },
}

/// The RFC 5322 bytes of `o` with its text and the attachments' bytes
/// (in the order of `o.attachments`).
pub fn message(o: &Outgoing, text: &str, files: &[&[u8]], mode: Mode) -> Result<Vec<u8>, MailError> {
    let failed = |reason: String| MailError::Build {
        body: o.body.clone(),
        reason,
    };
    let mut b = lettre::Message::builder()
        .from(mailbox(&o.from)?)
        .subject(o.subject.clone())
        .message_id(Some(o.message_id.clone()))
        .user_agent("max-rating".into());
    for to in &o.to {
        b = b.to(mailbox(to)?);
    }
    if let Some(r) = &o.reply_to {
        b = b.reply_to(mailbox(r)?);
    }
    b = match mode {
        Mode::Draft => b.date(date_time(o.date)).header(XUnsent),
        Mode::Send { at } => b.date(at),
    };
    let boundary = format!(
        "=_max-rating_{}",
        o.content_sha256.get(..24).unwrap_or(&o.content_sha256)
    );
    let mut parts = MultiPart::mixed()
        .boundary(boundary)
        .singlepart(SinglePart::plain(text.to_string()));
    for (a, bytes) in o.attachments.iter().zip(files) {
        let ct = ContentType::parse(&format!("{}; name=\"{}\"", a.content_type, a.ascii_name))
            .map_err(|_| failed(format!("тип вложения «{}»", a.content_type)))?;
        let part = SinglePart::builder()
            .header(ct)
            .header(Disposition::new(&a.name, &a.ascii_name))
            .header(header::ContentTransferEncoding::Base64)
            .body(bytes.to_vec());
        parts = parts.singlepart(part);
    }
    let m = b.multipart(parts).map_err(|e| failed(e.to_string()))?;
    Ok(m.formatted())
}

/// A file name without the characters Windows refuses: `/\:*?"<>|`.
pub fn file_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if "/\\:*?\"<>|".contains(c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_split_into_subject_and_text() {
        let (s, t) = split_letter(
            "Тема: о рейтинге\n\nКому: Минздрав\nДата: 16 апреля\n\nУважаемые коллеги!\n\nТекст.\n",
            "x",
        );
        assert_eq!(s, "о рейтинге");
        assert_eq!(t, "Уважаемые коллеги!\n\nТекст.\n");
        let (s, t) = split_letter("Просто текст\n", "тема");
        assert_eq!((s.as_str(), t.as_str()), ("тема", "Просто текст\n"));
    }

    #[test]
    fn message_ids_and_dates_are_fixed() {
        let id = message_id(
            Kind::Pack,
            "minzdrav",
            (2026, 4, 16),
            "abcdef0123456789",
            "Секретариат <s@zab.example>",
        );
        assert_eq!(id, "<20260416.minzdrav.pack.abcdef012345@zab.example>");
        let t = date_time((2026, 4, 16))
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        assert_eq!(t, 1_776_319_200);
    }

    #[test]
    fn attachment_names_have_an_ascii_fallback() {
        let d = Disposition::new("Рейтинг МАХ — Минздрав.pdf", "max-rating-minzdrav.pdf");
        assert!(
            d.encoded.ends_with("filename=\"max-rating-minzdrav.pdf\""),
            "{}",
            d.encoded
        );
        assert!(d.encoded.contains("filename*0*=utf-8''"), "{}", d.encoded);
        assert!(d.encoded.is_ascii());
        assert!(d.encoded.lines().all(|l| l.len() <= 78), "{}", d.encoded);
    }
}
