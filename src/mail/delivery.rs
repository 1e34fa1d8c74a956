//! Delivering the messages of an outbox (`out/mail/` after a build,
//! `out/reminders/` after `remind`): each message whose content the journal
//! does not have for its address is built anew (no `X-Unsent`, dated now),
//! sent, and journalled before the next one. Files that changed since the
//! outbox was written are refused: the build is rebuilt first.

use std::path::Path;
use std::time::SystemTime;

use lettre::SmtpTransport;

use super::journal::{Entry, Journal, JournalError};
use super::smtp::{Server, SmtpError};
use super::{Mode, Outbox, Outgoing};
use crate::layout::OUTBOX_FILE;

/// The outbox could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    #[error("в {} нет писем: {hint}", .dir.display())]
    NoOutbox { dir: std::path::PathBuf, hint: String },
    #[error("{}: файл повреждён или записан другой версией программы — {hint}", .path.display())]
    Corrupt { path: std::path::PathBuf, hint: String },
    #[error("{} изменён после того, как было записано письмо «{body}»: {hint}", .path.display())]
    Changed {
        path: std::path::PathBuf,
        body: String,
        hint: String,
    },
    #[error("не удалось прочитать {}: {}", .path.display(), crate::diag::io_reason(.source))]
    Io {
        path: std::path::PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Journal(#[from] JournalError),
}

/// A message ready to go: its outgoing, text and attachments' bytes.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub outgoing: Outgoing,
    pub text: String,
    pub files: Vec<Vec<u8>>,
}

fn read(path: &Path) -> Result<Vec<u8>, DeliveryError> {
    std::fs::read(path).map_err(|source| DeliveryError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// The messages of `out/<folder>/outbox.json` with their files, checked
/// against the hashes the outbox recorded. `hint` says what makes them
/// again («выполните max-rating build»).
pub fn prepare(out: &Path, folder: &str, hint: &str) -> Result<Vec<Prepared>, DeliveryError> {
    let dir = out.join(folder);
    let path = dir.join(OUTBOX_FILE);
    if !path.is_file() {
        return Err(DeliveryError::NoOutbox {
            dir,
            hint: hint.to_string(),
        });
    }
    let outbox: Outbox = serde_json::from_slice(&read(&path)?).map_err(|_| DeliveryError::Corrupt {
        path: path.clone(),
        hint: hint.to_string(),
    })?;
    let mut all = Vec::new();
    for o in outbox.messages {
        let text_path = out.join(&o.text_path);
        let letter = String::from_utf8_lossy(&read(&text_path)?).into_owned();
        let (_, text) = super::split_letter(&letter, &o.subject);
        let mut files = Vec::new();
        for a in &o.attachments {
            let p = out.join(&a.path);
            let bytes = read(&p)?;
            if crate::render::manifest::sha256_hex(&bytes) != a.sha256 {
                return Err(DeliveryError::Changed {
                    path: p,
                    body: o.body.clone(),
                    hint: hint.to_string(),
                });
            }
            files.push(bytes);
        }
        if super::content_hash(&text, &o.attachments) != o.content_sha256 {
            return Err(DeliveryError::Changed {
                path: text_path,
                body: o.body.clone(),
                hint: hint.to_string(),
            });
        }
        all.push(Prepared {
            outgoing: o,
            text,
            files,
        });
    }
    Ok(all)
}

/// What happened to one address.
#[derive(Debug, Clone)]
pub enum Event<'a> {
    /// The journal has it already.
    Already {
        message: &'a Outgoing,
        address: &'a str,
    },
    Sent {
        message: &'a Outgoing,
        address: &'a str,
    },
    Failed {
        message: &'a Outgoing,
        address: &'a str,
        error: SmtpError,
    },
}

/// The outcome of a run.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Addresses in all.
    pub total: usize,
    pub already: usize,
    pub sent: usize,
    /// Addresses whose message failed (the others were still sent).
    pub failed: usize,
    /// The connection or the server failed: the run stopped here.
    pub stopped: Option<SmtpError>,
}

/// Sends every message not yet in the journal (all with `force`),
/// journalling each before the next.
pub fn deliver_all(
    messages: &[Prepared],
    journal: &mut Journal,
    transport: &SmtpTransport,
    server: &Server,
    force: bool,
    on_event: &mut dyn FnMut(Event<'_>),
) -> Result<Outcome, DeliveryError> {
    let mut outcome = Outcome {
        total: messages.iter().map(|m| m.outgoing.to.len()).sum(),
        ..Outcome::default()
    };
    for m in messages {
        let o = &m.outgoing;
        for address in &o.to {
            if !force && journal.is_sent(o, address) {
                outcome.already += 1;
                on_event(Event::Already { message: o, address });
                continue;
            }
            let files: Vec<&[u8]> = m.files.iter().map(Vec::as_slice).collect();
            let bytes = match super::message(o, &m.text, &files, Mode::Send { at: SystemTime::now() }) {
                Ok(b) => b,
                Err(e) => {
                    outcome.failed += 1;
                    on_event(Event::Failed {
                        message: o,
                        address,
                        error: SmtpError::Message(e.to_string()),
                    });
                    continue;
                }
            };
            match super::smtp::deliver(transport, server, &o.from, address, &bytes) {
                Ok(reply) => {
                    journal.append(Entry::new(o, address, crate::history::now_utc(), reply))?;
                    outcome.sent += 1;
                    on_event(Event::Sent { message: o, address });
                }
                Err(error) if error.is_per_message() => {
                    outcome.failed += 1;
                    on_event(Event::Failed {
                        message: o,
                        address,
                        error,
                    });
                }
                Err(error) => {
                    on_event(Event::Failed {
                        message: o,
                        address,
                        error: error.clone(),
                    });
                    outcome.stopped = Some(error);
                    return Ok(outcome);
                }
            }
        }
    }
    Ok(outcome)
}
