//! The journal of sent messages, `out/mail/sent.jsonl`: one JSON line per
//! message the server accepted (the body, the address, the Message-ID, the
//! SHA-256 of every attachment, the time, the server's reply), written and
//! flushed to disk before the next message is sent. A message is sent when
//! the journal has its kind, body, address and content hash — and, for a
//! reminder, its date: a rebuild that changes a pack makes its message a
//! new one, an unchanged pack stays sent; a reminder made on another day
//! (`remind --today`) is a new message even when its text and form are the
//! same, the same reminders sent twice go once. A build carries the journal
//! over into the new `out/`.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Kind, Outgoing};

/// An attachment as the journal records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentFile {
    pub name: String,
    pub sha256: String,
}

/// One accepted message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub kind: Kind,
    pub slug: String,
    pub body: String,
    pub address: String,
    pub message_id: String,
    pub content_sha256: String,
    /// The message's date (the meeting's for a pack, the reminder's day
    /// for a reminder); journals written before it have none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<(i32, u8, u8)>,
    pub attachments: Vec<SentFile>,
    /// `2026-04-17T09:12:00Z`.
    pub time: String,
    /// The server's reply: `250 2.0.0 Ok: queued as …`.
    pub reply: String,
}

impl Entry {
    pub fn new(o: &Outgoing, address: &str, time: String, reply: String) -> Entry {
        Entry {
            kind: o.kind,
            slug: o.slug.clone(),
            body: o.body.clone(),
            address: address.to_string(),
            message_id: o.message_id.clone(),
            content_sha256: o.content_sha256.clone(),
            date: Some(o.date),
            attachments: o
                .attachments
                .iter()
                .map(|a| SentFile {
                    name: a.name.clone(),
                    sha256: a.sha256.clone(),
                })
                .collect(),
            time,
            reply,
        }
    }

    /// The message's date: as recorded, else (an older journal) the one
    /// its Message-ID begins with (`<20260420.minzdrav.reminder.…>`).
    pub fn date(&self) -> Option<(i32, u8, u8)> {
        self.date.or_else(|| {
            let digits = self.message_id.strip_prefix('<')?.get(..8)?;
            if !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let y = digits[..4].parse().ok()?;
            let m = digits[4..6].parse().ok()?;
            let d = digits[6..].parse().ok()?;
            Some((y, m, d))
        })
    }
}

/// The journal could not be read or written.
#[derive(Debug, thiserror::Error)]
#[error("журнал отправки {}: {}", .path.display(), crate::diag::io_reason(.source))]
pub struct JournalError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

/// The journal of an output folder.
#[derive(Debug, Clone, Default)]
pub struct Journal {
    pub path: PathBuf,
    pub entries: Vec<Entry>,
    /// Lines that are not entries (a line cut off by a crash), skipped.
    pub skipped: usize,
}

impl Journal {
    /// Reads the journal at `path`; none there is an empty one.
    pub fn load(path: &Path) -> Result<Journal, JournalError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(source) => {
                return Err(JournalError {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        let mut j = Journal {
            path: path.to_path_buf(),
            ..Journal::default()
        };
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            match serde_json::from_str::<Entry>(line) {
                Ok(e) => j.entries.push(e),
                Err(_) => j.skipped += 1,
            }
        }
        Ok(j)
    }

    /// Whether `o` was sent to `address`: the same kind, body, address and
    /// content, and for a reminder the same day.
    pub fn is_sent(&self, o: &Outgoing, address: &str) -> bool {
        self.entries.iter().any(|e| {
            e.kind == o.kind
                && e.slug == o.slug
                && e.address.eq_ignore_ascii_case(address)
                && e.content_sha256 == o.content_sha256
                && (o.kind != Kind::Reminder || e.date() == Some(o.date))
        })
    }

    /// Appends `entry` and flushes it to disk before returning.
    pub fn append(&mut self, entry: Entry) -> Result<(), JournalError> {
        let fail = |source| JournalError {
            path: self.path.clone(),
            source,
        };
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        let mut line = serde_json::to_string(&entry).map_err(|e| fail(std::io::Error::other(e.to_string())))?;
        line.push('\n');
        // A line a crash cut off stays a line of its own.
        if std::fs::read(&self.path).is_ok_and(|b| b.last().is_some_and(|c| *c != b'\n')) {
            line.insert(0, '\n');
        }
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)
            .map_err(fail)?;
        f.write_all(line.as_bytes()).map_err(fail)?;
        f.sync_all().map_err(fail)?;
        self.entries.push(entry);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outgoing(kind: Kind, date: (i32, u8, u8)) -> Outgoing {
        Outgoing {
            kind,
            slug: "minzdrav".into(),
            body: "Минздрав".into(),
            to: vec!["minzdrav@zab.example".into()],
            from: "s@zab.example".into(),
            reply_to: None,
            subject: "Напоминание".into(),
            message_id: super::super::message_id(kind, "minzdrav", date, "abcdef0123456789", "s@zab.example"),
            date,
            text_path: "reminders/minzdrav.txt".into(),
            eml_path: "reminders/minzdrav.eml".into(),
            attachments: Vec::new(),
            content_sha256: "abcdef0123456789".into(),
        }
    }

    #[test]
    fn a_reminder_of_another_day_is_a_new_message() {
        let first = outgoing(Kind::Reminder, (2026, 4, 20));
        let journal = Journal {
            entries: vec![Entry::new(&first, "MINZDRAV@zab.example", "t".into(), "250 OK".into())],
            ..Journal::default()
        };
        assert!(journal.is_sent(&first, "minzdrav@zab.example"));
        let later = outgoing(Kind::Reminder, (2026, 4, 27));
        assert!(!journal.is_sent(&later, "minzdrav@zab.example"));
        // A journal line written before the date was recorded: the date of
        // its Message-ID.
        let mut old = journal.clone();
        old.entries[0].date = None;
        assert_eq!(old.entries[0].date(), Some((2026, 4, 20)));
        assert!(old.is_sent(&first, "minzdrav@zab.example"));
        assert!(!old.is_sent(&later, "minzdrav@zab.example"));
        let line = serde_json::to_string(&old.entries[0]).unwrap();
        assert!(!line.contains("\"date\""), "{line}");
        assert_eq!(serde_json::from_str::<Entry>(&line).unwrap(), old.entries[0]);
    }

    #[test]
    fn a_pack_stays_sent_whatever_its_date() {
        let pack = outgoing(Kind::Pack, (2026, 4, 16));
        let journal = Journal {
            entries: vec![Entry::new(&pack, "minzdrav@zab.example", "t".into(), "250 OK".into())],
            ..Journal::default()
        };
        assert!(journal.is_sent(&outgoing(Kind::Pack, (2026, 4, 17)), "minzdrav@zab.example"));
    }
}
