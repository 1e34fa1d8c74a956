//! E-mail: the drafts of a build parsed back with a MIME parser, and
//! `send` against a real SMTP server on the loopback (aiosmtpd, started by
//! the tests themselves: `tests/smtp/server.py`) — delivered once, resumed
//! after a dropped connection, a rejected recipient, a wrong password.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use mail_parser::{MessageParser, MimeHeaders};
use serde_json::Value;

use crate::common::{bin, inputs_copy};

/// A real SMTP server for one test; stops when dropped.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    pub maildir: PathBuf,
}

impl SmtpServer {
    /// Starts `tests/smtp/server.py` with `args`, storing mail in `maildir`.
    /// Fails the test with the reason when it cannot start.
    pub fn start(maildir: &Path, args: &[&str]) -> SmtpServer {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp/server.py");
        let mut child = Command::new("python3")
            .arg(&script)
            .arg("--maildir")
            .arg(maildir)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start the SMTP test server: python3 not runnable ({e})"));
        let mut line = String::new();
        let stdout = child.stdout.take().unwrap();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let Some(port) = line.strip_prefix("PORT ").and_then(|p| p.trim().parse().ok()) else {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "cannot start the SMTP test server (tests/smtp/server.py): {}\ninstall it with: python3 -m pip install aiosmtpd",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        SmtpServer {
            child,
            port,
            maildir: maildir.to_path_buf(),
        }
    }

    /// `127.0.0.1:<port>`.
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The messages received, as stored.
    pub fn messages(&self) -> Vec<Vec<u8>> {
        received(&self.maildir)
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The messages of a Maildir, sorted by their bytes.
pub fn received(maildir: &Path) -> Vec<Vec<u8>> {
    let mut all: Vec<Vec<u8>> = ["new", "cur"]
        .iter()
        .filter_map(|d| std::fs::read_dir(maildir.join(d)).ok())
        .flatten()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    all.sort();
    all
}

/// A fresh build of a copy of the reference inputs (with the drafts).
fn built() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let (tmp, inputs) = inputs_copy();
    let out = tmp.path().join("out");
    build(&inputs, &out);
    (tmp, inputs, out)
}

fn build(inputs: &Path, out: &Path) -> std::process::Output {
    let run = bin()
        .args(["build", "--no-history", "--inputs"])
        .arg(inputs)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    run
}

fn outbox(out: &Path, folder: &str) -> Vec<Value> {
    let v: Value = serde_json::from_slice(&std::fs::read(out.join(folder).join("outbox.json")).unwrap()).unwrap();
    v["messages"].as_array().unwrap().clone()
}

fn send(out: &Path, server: &SmtpServer, extra: &[&str]) -> std::process::Output {
    bin()
        .args(["send", "--tls", "none", "--smtp"])
        .arg(server.address())
        .arg("--out")
        .arg(out)
        .args(extra)
        .env_remove("MAX_RATING_SMTP_PASSWORD")
        .output()
        .unwrap()
}

fn text(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The journal's entries.
fn journal(out: &Path) -> Vec<Value> {
    match std::fs::read_to_string(out.join("mail/sent.jsonl")) {
        Ok(t) => t.lines().map(|l| serde_json::from_str(l).unwrap()).collect(),
        Err(_) => Vec::new(),
    }
}

/// The recipient of a received message.
fn recipient(bytes: &[u8]) -> String {
    let m = MessageParser::default().parse(bytes).unwrap();
    m.to()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap()
        .to_string()
}

#[test]
fn drafts_parse_back_with_their_attachments_and_names() {
    let (tmp, inputs, out) = built();
    let messages = outbox(&out, "mail");
    // Every body with an address has a draft; the reference has eight.
    assert_eq!(messages.len(), 8);
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    for m in &messages {
        let eml_path = m["eml_path"].as_str().unwrap();
        assert!(
            manifest.contains(&format!("\"{eml_path}\"")),
            "manifest lacks {eml_path}"
        );
        let raw = std::fs::read(out.join(eml_path)).unwrap();
        let parsed = MessageParser::default().parse(&raw).unwrap();
        assert_eq!(parsed.header_raw("X-Unsent").map(str::trim), Some("1"));
        assert_eq!(parsed.subject(), m["subject"].as_str());
        assert_eq!(
            parsed.from().and_then(|a| a.first()).and_then(|a| a.address()),
            Some("secretariat@zabaykalsky.example")
        );
        let to: Vec<&str> = parsed.to().unwrap().iter().filter_map(|a| a.address()).collect();
        let expected: Vec<&str> = m["to"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert_eq!(to, expected);
        assert_eq!(
            parsed.message_id().map(|s| format!("<{s}>")),
            m["message_id"].as_str().map(String::from)
        );
        let date = parsed.date().unwrap();
        assert_eq!((date.year, date.month, date.day), (2026, 4, 16), "dated by the meeting");
        // The text is the letter without its heading.
        let letter = std::fs::read_to_string(out.join(m["text_path"].as_str().unwrap())).unwrap();
        let body_text = parsed.body_text(0).unwrap().replace("\r\n", "\n");
        assert!(
            letter.ends_with(body_text.trim_end()) || letter.contains(body_text.trim()),
            "{body_text}"
        );
        assert!(body_text.starts_with("Уважаемые коллеги!"), "{body_text}");
        // Attachments byte for byte, with both names.
        let atts: Vec<_> = parsed.attachments().collect();
        let expected = m["attachments"].as_array().unwrap();
        assert_eq!(atts.len(), 2);
        let raw_text = String::from_utf8_lossy(&raw);
        for (a, e) in atts.iter().zip(expected) {
            let file = std::fs::read(out.join(e["path"].as_str().unwrap())).unwrap();
            assert!(
                a.contents() == file.as_slice(),
                "{} differs from its pack file",
                e["path"]
            );
            assert_eq!(a.attachment_name(), e["name"].as_str(), "the UTF-8 name");
            let ascii = e["ascii_name"].as_str().unwrap();
            assert!(ascii.is_ascii() && ascii.starts_with("max-rating-2026-Q1-"));
            assert_eq!(
                a.content_type().and_then(|c| c.attribute("name")),
                Some(ascii),
                "ASCII name on Content-Type"
            );
            assert!(
                raw_text.contains(&format!("filename=\"{ascii}\"")),
                "ASCII filename beside filename*"
            );
        }
    }
    // Bodies without an address: one warning naming them, no draft.
    let run = build(&inputs, &tmp.path().join("out2"));
    let stderr = String::from_utf8_lossy(&run.stderr);
    let warning: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("нет адреса электронной почты"))
        .collect();
    assert_eq!(warning.len(), 1, "{stderr}");
    assert!(
        warning[0].contains("ОМСУ") && warning[0].contains("ООО «МАХ»"),
        "{stderr}"
    );
    assert!(!out.join("mail/omsu.eml").exists() && !out.join("mail/max.eml").exists());
    // Same inputs, same bytes.
    for m in &messages {
        let p = m["eml_path"].as_str().unwrap();
        assert_eq!(
            std::fs::read(out.join(p)).unwrap(),
            std::fs::read(tmp.path().join("out2").join(p)).unwrap(),
            "{p}"
        );
    }
}

#[test]
fn send_delivers_every_draft_exactly_once() {
    let (tmp, inputs, out) = built();
    let server = SmtpServer::start(&tmp.path().join("maildir"), &[]);
    // --dry-run lists and sends nothing.
    let dry = send(&out, &server, &["--dry-run"]);
    assert!(dry.status.success(), "{}", text(&dry));
    assert!(text(&dry).contains("кому: minzdrav@zabaykalsky.example") && text(&dry).contains("вложение: Рейтинг МАХ"));
    assert!(server.messages().is_empty());
    let first = send(&out, &server, &[]);
    assert!(first.status.success(), "{}", text(&first));
    let got = server.messages();
    assert_eq!(got.len(), 8, "{}", text(&first));
    // What arrived is the draft without X-Unsent, attachments byte-equal.
    for m in outbox(&out, "mail") {
        let to = m["to"][0].as_str().unwrap();
        let raw = got
            .iter()
            .find(|g| recipient(g) == to)
            .unwrap_or_else(|| panic!("nothing for {to}"));
        let parsed = MessageParser::default().parse(raw).unwrap();
        assert!(parsed.header_raw("X-Unsent").is_none());
        for (a, e) in parsed.attachments().zip(m["attachments"].as_array().unwrap()) {
            let file = std::fs::read(out.join(e["path"].as_str().unwrap())).unwrap();
            assert!(a.contents() == file.as_slice());
        }
    }
    let entries = journal(&out);
    assert_eq!(entries.len(), 8);
    assert!(entries.iter().all(|e| e["reply"].as_str().unwrap().starts_with("250")));
    // Again: nothing new.
    let second = send(&out, &server, &[]);
    assert!(second.status.success());
    assert!(text(&second).contains("уже отправлено: 8 из 8"), "{}", text(&second));
    assert_eq!(server.messages().len(), 8);
    // An unchanged rebuild keeps the journal and the messages sent.
    build(&inputs, &out);
    assert_eq!(journal(&out).len(), 8, "the journal survives the rebuild");
    assert!(text(&send(&out, &server, &[])).contains("уже отправлено: 8 из 8"));
    // A rebuild that changes one body's pack makes only its message new.
    let region = std::fs::read_to_string(inputs.join("region.toml")).unwrap();
    std::fs::write(
        inputs.join("region.toml"),
        region.replace("head_name = \"И. О. Фамилии\"", "head_name = \"П. П. Петрову\""),
    )
    .unwrap();
    build(&inputs, &out);
    let third = send(&out, &server, &[]);
    assert!(third.status.success(), "{}", text(&third));
    let got = server.messages();
    assert_eq!(got.len(), 9, "{}", text(&third));
    assert_eq!(
        got.iter()
            .filter(|g| recipient(g) == "minzdrav@zabaykalsky.example")
            .count(),
        2
    );
    // --force sends everything again.
    let forced = send(&out, &server, &["--force"]);
    assert!(forced.status.success());
    assert_eq!(server.messages().len(), 17);
}

#[test]
fn a_run_cut_off_resumes_with_the_rest() {
    let (tmp, _inputs, out) = built();
    let maildir = tmp.path().join("maildir");
    {
        let dropping = SmtpServer::start(&maildir, &["--drop-after", "3"]);
        let run = send(&out, &dropping, &[]);
        assert_eq!(run.status.code(), Some(8), "{}", text(&run));
        // Said as a broken connection, not as a wrong port or protocol,
        // with the way on: the next send resumes.
        let t = text(&run);
        assert!(
            t.contains(&format!("соединение с сервером {} прервано", dropping.address()))
                && t.contains("сервер закрыл соединение")
                && t.contains("отправка остановлена — повторите send: отправленные письма не повторятся"),
            "{t}"
        );
        assert!(!t.contains("не по протоколу SMTP") && !t.contains("--tls"), "{t}");
        assert_eq!(dropping.messages().len(), 3);
        assert_eq!(journal(&out).len(), 3, "exactly the accepted ones are journalled");
    }
    let server = SmtpServer::start(&maildir, &[]);
    let run = send(&out, &server, &[]);
    assert!(run.status.success(), "{}", text(&run));
    assert!(
        text(&run).contains("отправлено: 5; уже было отправлено: 3"),
        "{}",
        text(&run)
    );
    let got = server.messages();
    assert_eq!(got.len(), 8);
    let mut to: Vec<String> = got.iter().map(|g| recipient(g)).collect();
    to.sort();
    to.dedup();
    assert_eq!(to.len(), 8, "nobody got two: {to:?}");
}

#[test]
fn a_rejected_recipient_fails_alone() {
    let (tmp, _inputs, out) = built();
    let server = SmtpServer::start(&tmp.path().join("maildir"), &["--reject", "gzhi@zabaykalsky.example"]);
    let run = send(&out, &server, &[]);
    assert_eq!(run.status.code(), Some(8), "{}", text(&run));
    let t = text(&run);
    assert!(
        t.contains("не отправлено: Госжилинспекция: сервер отклонил письмо для gzhi@zabaykalsky.example (код 550)"),
        "{t}"
    );
    assert_eq!(server.messages().len(), 7);
    assert!(journal(&out).iter().all(|e| e["slug"] != "gzhi"));
}

#[test]
fn a_wrong_password_sends_nothing() {
    let (tmp, _inputs, out) = built();
    let server = SmtpServer::start(
        &tmp.path().join("maildir"),
        &["--user", "secretariat", "--password", "верный-пароль"],
    );
    let with = |password: Option<&str>| {
        let mut c = bin();
        c.args(["send", "--tls", "none", "--user", "secretariat", "--smtp"])
            .arg(server.address())
            .arg("--out")
            .arg(&out);
        match password {
            Some(p) => c.env("MAX_RATING_SMTP_PASSWORD", p),
            None => c.env_remove("MAX_RATING_SMTP_PASSWORD"),
        };
        c.output().unwrap()
    };
    let wrong = with(Some("неверный-пароль"));
    assert_eq!(wrong.status.code(), Some(9), "{}", text(&wrong));
    let t = text(&wrong);
    assert!(t.contains("отклонил имя пользователя или пароль"), "{t}");
    assert!(!t.contains("неверный-пароль"), "the password is never printed");
    assert!(server.messages().is_empty() && journal(&out).is_empty());
    let none = with(None);
    assert_eq!(none.status.code(), Some(9));
    assert!(text(&none).contains("MAX_RATING_SMTP_PASSWORD"), "{}", text(&none));
    // Without --user a server that requires login says so.
    let anonymous = send(&out, &server, &[]);
    assert_ne!(anonymous.status.code(), Some(0), "{}", text(&anonymous));
    assert!(server.messages().is_empty());
    let right = with(Some("верный-пароль"));
    assert!(right.status.success(), "{}", text(&right));
    assert_eq!(server.messages().len(), 8);
}

#[test]
fn an_unreachable_server_is_one_russian_message() {
    let (_tmp, _inputs, out) = built();
    // A port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let run = bin()
        .args(["send", "--tls", "none", "--smtp"])
        .arg(format!("127.0.0.1:{port}"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(9));
    let t = text(&run);
    assert!(
        t.contains("не удалось подключиться к серверу") && t.contains("ничего не отправлено"),
        "{t}"
    );
    assert!(!t.contains("Connection refused") && !t.contains("os error"), "{t}");
    assert!(journal(&out).is_empty());
    // No build yet: no drafts to send.
    let empty = tempfile::tempdir().unwrap();
    let run = bin()
        .args(["send", "--dry-run", "--out"])
        .arg(empty.path())
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(3));
    assert!(text(&run).contains("выполните max-rating build"), "{}", text(&run));
}
