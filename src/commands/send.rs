//! `max-rating send`: delivers the e-mail drafts of the last build (or the
//! reminders) over SMTP, each message once: the journal
//! `out/mail/sent.jsonl` records every accepted one before the next is
//! sent. `--dry-run` only lists what would go.

use std::path::{Path, PathBuf};
use std::time::Duration;

use max_rating::app::exit;
use max_rating::layout::{MAIL_DIR, REMINDERS_DIR, journal_file};
use max_rating::mail::delivery::{self, DeliveryError, Event, Prepared};
use max_rating::mail::journal::Journal;
use max_rating::mail::smtp::{self, PASSWORD_VAR, Security, Server, SmtpError};
use max_rating::outdir::OutLock;

/// What `send` was asked.
pub struct Request {
    pub out: PathBuf,
    pub smtp: Option<String>,
    pub security: Security,
    pub user: Option<String>,
    pub ca_cert: Option<PathBuf>,
    pub dry_run: bool,
    pub force: bool,
    pub reminders: bool,
}

fn size(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} Б")
    } else {
        format!("{} КБ", max_rating::fmt::int(bytes.div_ceil(1024) as u64))
    }
}

fn dry_run(messages: &[Prepared], journal: &Journal, force: bool) -> u8 {
    for m in messages {
        let o = &m.outgoing;
        println!("{}: {}", o.body, o.subject);
        for a in &o.to {
            let mark = if !force && journal.is_sent(o, a) {
                " (уже отправлено)"
            } else {
                ""
            };
            println!("  кому: {a}{mark}");
        }
        for a in &o.attachments {
            println!("  вложение: {} ({})", a.name, size(a.size));
        }
    }
    println!("пробный запуск: ничего не отправлено");
    exit::OK
}

fn server(req: &Request) -> Result<Server, SmtpError> {
    let address = req.smtp.as_deref().unwrap_or_default();
    let (host, port) = Server::parse_address(address, req.security)?;
    let ca_pem = match &req.ca_cert {
        Some(p) => Some(std::fs::read(p).map_err(|_| SmtpError::Certificate(p.display().to_string()))?),
        None => None,
    };
    Ok(Server {
        host,
        port,
        security: req.security,
        user: req.user.clone(),
        password: std::env::var(PASSWORD_VAR).ok().filter(|p| !p.is_empty()),
        ca_pem,
        timeout: Duration::from_secs(60),
    })
}

fn delivery_code(e: &DeliveryError) -> u8 {
    match e {
        DeliveryError::Journal(_) => exit::OUTPUT,
        _ => exit::CONFIG,
    }
}

pub fn run(req: &Request) -> u8 {
    let (folder, hint) = if req.reminders {
        (REMINDERS_DIR, "выполните max-rating remind")
    } else {
        (MAIL_DIR, "выполните max-rating build")
    };
    if !req.dry_run && req.smtp.is_none() {
        eprintln!("ошибка: укажите сервер: --smtp ИМЯ[:ПОРТ] (или --dry-run, чтобы только посмотреть письма)");
        return exit::USAGE;
    }
    if !req.out.is_dir() {
        eprintln!("ошибка: папка результатов {} не найдена: {hint}", req.out.display());
        return exit::CONFIG;
    }
    let _lock = match OutLock::acquire(&req.out) {
        Ok(l) => l,
        Err(e) => return super::fail(&e),
    };
    let prepared = delivery::prepare(&req.out, folder, hint);
    let journal = Journal::load(&req.out.join(journal_file())).map_err(DeliveryError::from);
    let (messages, mut journal) = match (prepared, journal) {
        (Ok(m), Ok(j)) => (m, j),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("ошибка: {e}");
            return delivery_code(&e);
        }
    };
    if journal.skipped > 0 {
        eprintln!(
            "предупреждение: {}: {} строк(и) не прочитано (запись прервана) — такие письма будут отправлены снова",
            journal.path.display(),
            journal.skipped
        );
    }
    if req.dry_run {
        return dry_run(&messages, &journal, req.force);
    }
    send(req, &messages, &mut journal, &req.out)
}

fn send(req: &Request, messages: &[Prepared], journal: &mut Journal, out: &Path) -> u8 {
    let server = match server(req) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("ошибка: {e}");
            return if matches!(e, SmtpError::Address(_)) {
                exit::USAGE
            } else {
                exit::MAIL_SERVER
            };
        }
    };
    let transport = match smtp::transport(&server).and_then(|t| smtp::check(&t, &server).map(|()| t)) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("ошибка: {e}; ничего не отправлено");
            return exit::MAIL_SERVER;
        }
    };
    let mut print = |ev: Event<'_>| match ev {
        Event::Already { .. } => {}
        Event::Sent { message, address } => println!("отправлено: {} <{address}>", message.body),
        Event::Failed { message, error, .. } => eprintln!("не отправлено: {}: {error}", message.body),
    };
    let outcome = match delivery::deliver_all(messages, journal, &transport, &server, req.force, &mut print) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("ошибка: {e}; письмо отправлено, но не записано в журнал — не повторяйте send до проверки");
            return delivery_code(&e);
        }
    };
    let journal_path = out.join(journal_file());
    if outcome.sent == 0 && outcome.failed == 0 && outcome.stopped.is_none() {
        println!(
            "уже отправлено: {} из {} — новых писем нет",
            outcome.already, outcome.total
        );
        return exit::OK;
    }
    println!(
        "отправлено: {}; уже было отправлено: {}; не отправлено: {} из {} (журнал: {})",
        outcome.sent,
        outcome.already,
        outcome.total - outcome.sent - outcome.already,
        outcome.total,
        journal_path.display()
    );
    if let Some(e) = &outcome.stopped {
        if outcome.sent == 0 {
            eprintln!("ошибка: {e}; ничего не отправлено");
            return exit::MAIL_SERVER;
        }
        eprintln!("ошибка: {e}; отправка остановлена — повторите send: отправленные письма не повторятся");
        return exit::MAIL_PARTIAL;
    }
    if outcome.failed > 0 {
        exit::MAIL_PARTIAL
    } else {
        exit::OK
    }
}
