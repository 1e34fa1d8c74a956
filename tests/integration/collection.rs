//! The collection of forms: `status` on a missing form, a form with an
//! error and an overdue deadline; the «Сбор форм» sheet and `collection` in
//! rating.json agree with it; the deck names the bodies whose data are
//! missing; `remind` writes reminders with the blank form; the covering
//! letter carries the requisites of ГОСТ Р 7.0.97-2025.

use std::path::Path;

use mail_parser::{MessageParser, MimeHeaders};
use max_rating_testkit::book::{self as xlsx_book, text};
use serde_json::Value;

use crate::common::{bin, inputs_copy};
use crate::mail::SmtpServer;

fn status(inputs: &Path, today: &str) -> (i32, String) {
    let run = bin()
        .args(["status", "--today", today, "--inputs"])
        .arg(inputs)
        .output()
        .unwrap();
    (
        run.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&run.stdout).into_owned(),
    )
}

/// The status table's row of a body.
fn row_of<'a>(table: &'a str, body: &str) -> &'a str {
    table
        .lines()
        .find(|l| l.starts_with(body))
        .unwrap_or_else(|| panic!("no row for {body}: {table}"))
}

fn build(inputs: &Path, out: &Path) -> String {
    let run = bin()
        .args(["build", "--no-history", "--inputs"])
        .arg(inputs)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    String::from_utf8_lossy(&run.stdout).into_owned()
}

fn rating(out: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(out.join("rating.json")).unwrap()).unwrap()
}

fn pdf_text(path: &Path) -> String {
    let t = pdf_extract::extract_text_from_mem(&std::fs::read(path).unwrap()).unwrap();
    t.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('\u{202F}', " ")
}

#[test]
fn all_forms_in_on_time() {
    let (_tmp, inputs) = inputs_copy();
    let (code, table) = status(&inputs, "2026-04-20");
    assert_eq!(code, 0);
    assert!(table.contains("срок представления: 10 апреля 2026 г."), "{table}");
    assert!(
        table.contains("Итог: формы получены от 8 из 8 органов; все компоненты рассчитаны."),
        "{table}"
    );
    let mz = row_of(&table, "Минздрав");
    assert!(
        mz.contains("получена") && mz.contains("minzdrav.xlsx") && mz.contains("10.04.2026") && mz.contains("в срок"),
        "{mz}"
    );
    // Bodies without codes owe no form.
    assert!(!table.contains("ОМСУ") && !table.contains("\nРСТ"), "{table}");
}

#[test]
fn a_missing_form_is_named_in_every_output() {
    let (tmp, inputs) = inputs_copy();
    std::fs::remove_file(inputs.join("submissions/minzdrav.xlsx")).unwrap();
    let (code, table) = status(&inputs, "2026-04-20");
    assert_eq!(code, 0, "the status is information, not a failure");
    let mz = row_of(&table, "Минздрав");
    assert!(mz.contains("нет формы") && mz.contains("просрочено на 10 дней"), "{mz}");
    assert!(
        table.contains("нет данных: k2.sick_leave.closed_in_max, k2.sick_leave.total"),
        "{table}"
    );
    assert!(
        table.contains("формы получены от 7 из 8 органов; без данных: К2 (Минздрав)"),
        "{table}"
    );
    // Before the deadline nothing is overdue.
    let (_, early) = status(&inputs, "2026-04-05");
    assert!(!early.contains("просрочено"), "{early}");
    // The build: rating.json, the sheet and the deck say the same.
    let out = tmp.path().join("out");
    let stdout = build(&inputs, &out);
    assert!(
        stdout.contains("Сбор форм: формы получены от 7 из 8 органов; без данных: К2 (Минздрав)"),
        "{stdout}"
    );
    let c = &rating(&out)["collection"];
    assert_eq!(c["due"], "2026-04-10");
    assert_eq!((c["received"].as_u64(), c["owing"].as_u64()), (Some(7), Some(8)));
    assert_eq!(c["no_data"][0]["component"], "К2");
    assert_eq!(c["no_data"][0]["bodies"][0], "Минздрав");
    let bodies = c["bodies"].as_array().unwrap();
    let book = xlsx_book::open(&std::fs::read(out.join("report.xlsx")).unwrap());
    let sheet = book.sheet("Сбор форм").table("№");
    assert_eq!(sheet.len(), bodies.len());
    for (row, b) in sheet.iter().zip(bodies) {
        assert_eq!(text(&xlsx_book::cell(row, "Орган").1), b["name"].as_str().unwrap());
        assert_eq!(
            text(&xlsx_book::cell(row, "Статус").1),
            b["status_label"].as_str().unwrap()
        );
        xlsx_book::assert_num(
            &xlsx_book::cell(row, "Кодов").1,
            b["owed"].as_array().unwrap().len() as f64,
            "owed",
        );
        xlsx_book::assert_num(
            &xlsx_book::cell(row, "Получено").1,
            b["received"].as_array().unwrap().len() as f64,
            "received",
        );
        // The console table has the same status.
        assert!(row_of(&table, b["name"].as_str().unwrap()).contains(b["status_label"].as_str().unwrap()));
    }
    assert_eq!(bodies[0]["status"], "no_form");
    let deck = pdf_text(&out.join("deck.pdf"));
    assert!(
        deck.contains("Нет данных: К2 — не представлены сведения: Минздрав"),
        "{deck}"
    );
}

#[test]
fn a_form_with_an_error_and_a_late_form() {
    let (tmp, inputs) = inputs_copy();
    std::fs::write(inputs.join("submissions/mintrans.xlsx"), crate::cli::div0_workbook()).unwrap();
    // Due a day before the forms' «Дата» (10.04.2026): every form is late.
    let region = std::fs::read_to_string(inputs.join("region.toml")).unwrap();
    std::fs::write(
        inputs.join("region.toml"),
        region.replace("due = 2026-04-10", "due = 2026-04-09"),
    )
    .unwrap();
    let (code, table) = status(&inputs, "2026-04-20");
    assert_eq!(code, 0);
    let mt = row_of(&table, "Минтранс");
    assert!(mt.contains("с ошибками"), "{mt}");
    assert!(
        table.contains("ошибка: submissions/mintrans.xlsx, лист «Показатели», ячейка C6"),
        "{table}"
    );
    assert!(row_of(&table, "Минздрав").contains("после срока"), "{table}");
    assert!(table.contains("Замечаний к формам: 1"), "{table}");
    // remind: the body with the error gets a reminder naming the cell,
    // with its blank form attached.
    let out = tmp.path().join("out");
    let run = bin()
        .args(["remind", "--today", "2026-04-20", "--inputs"])
        .arg(&inputs)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(stdout.contains("напоминание: Минтранс (с ошибками)"), "{stdout}");
    let txt = std::fs::read_to_string(out.join("reminders/mintrans.txt")).unwrap();
    assert!(
        txt.contains("есть ошибки") && txt.contains("ячейка C6") && txt.contains("#DIV/0!"),
        "{txt}"
    );
    assert!(
        txt.contains("Срок представления — 9 апреля 2026 г. (просрочен на 11 дней)"),
        "{txt}"
    );
    let eml = std::fs::read(out.join("reminders/mintrans.eml")).unwrap();
    let parsed = MessageParser::default().parse(&eml).unwrap();
    let att: Vec<_> = parsed.attachments().collect();
    assert_eq!(att.len(), 1);
    assert_eq!(
        att[0].contents(),
        std::fs::read(out.join("reminders/mintrans.xlsx")).unwrap().as_slice()
    );
    assert_eq!(
        att[0].attachment_name(),
        Some("Форма МАХ, 1 квартал 2026 г. — Минтранс.xlsx")
    );
    // The attached form is the body's blank form of `forms`.
    let forms_out = tmp.path().join("forms-out");
    bin()
        .args(["forms", "--inputs"])
        .arg(&inputs)
        .arg("--out")
        .arg(&forms_out)
        .assert()
        .success();
    assert_eq!(
        std::fs::read(forms_out.join("forms/mintrans.xlsx")).unwrap(),
        att[0].contents(),
        "the reminder's form is the blank form"
    );
    let form = xlsx_book::open(att[0].contents());
    assert!(
        form.sheet("Инструкция")
            .values
            .values()
            .any(|v| text(v).contains("Срок представления: 9 апреля 2026 г.")),
        "the blank form states the deadline"
    );
    // send --reminders delivers it, once.
    let server = SmtpServer::start(&tmp.path().join("maildir"), &[]);
    let send = |extra: &[&str]| {
        bin()
            .args(["send", "--reminders", "--tls", "none", "--smtp"])
            .arg(server.address())
            .arg("--out")
            .arg(&out)
            .args(extra)
            .output()
            .unwrap()
    };
    assert!(send(&[]).status.success());
    assert!(send(&[]).status.success());
    let got = server.messages();
    assert_eq!(got.len(), 1);
    assert!(String::from_utf8_lossy(&got[0]).contains("mintrans@zabaykalsky.example"));
}

/// The numbers of a status row: codes owed, received, missing, wrong.
fn counts(row: &str) -> [usize; 4] {
    let numbers: Vec<usize> = row.split_whitespace().filter_map(|w| w.parse().ok()).collect();
    assert!(numbers.len() >= 4, "{row}");
    [numbers[0], numbers[1], numbers[2], numbers[3]]
}

fn remind(inputs: &Path, out: &Path, today: &str) -> std::process::Output {
    bin()
        .args(["remind", "--today", today, "--inputs"])
        .arg(inputs)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn a_file_that_cannot_be_read_counts_its_codes_as_wrong() {
    let (tmp, inputs) = inputs_copy();
    std::fs::write(inputs.join("submissions/minzdrav.xlsx"), "не книга").unwrap();
    let (code, table) = status(&inputs, "2026-04-20");
    assert_eq!(code, 0);
    let mz = row_of(&table, "Минздрав");
    assert!(mz.contains("с ошибками"), "{mz}");
    // Кодов, Получено, Нет, Ошибки: the status and the columns agree.
    let [owed, received, missing, wrong] = counts(mz.split_once("с ошибками").unwrap().1);
    assert_eq!((owed, received, missing, wrong), (4, 0, 0, 4), "{mz}");
    assert!(
        table.contains("    с ошибками: k2.sick_leave.closed_in_max, k2.sick_leave.total"),
        "{table}"
    );
    assert!(
        !table.contains("    нет данных: k2.sick_leave.closed_in_max"),
        "{table}"
    );
    // The status of every row reads consistently with its counts.
    let statuses = ["получена", "частично", "нет формы", "с ошибками"];
    let rows = table
        .lines()
        .filter(|l| !l.starts_with(' ') && statuses.iter().any(|s| l.contains(s)));
    for line in rows {
        let tail = statuses
            .iter()
            .find_map(|s| line.split_once(s).map(|(_, t)| t))
            .unwrap();
        let [owed, received, missing, wrong] = counts(tail);
        assert_eq!(owed, received + missing + wrong, "{line}");
        assert_eq!(line.contains("с ошибками"), wrong > 0, "{line}");
        assert_eq!(line.contains("получена"), received == owed, "{line}");
    }
    // The reminder lists the codes as wrong, with their names.
    let out = tmp.path().join("out");
    let run = remind(&inputs, &out, "2026-04-20");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let txt = std::fs::read_to_string(out.join("reminders/minzdrav.txt")).unwrap();
    assert!(txt.contains("Сведения с ошибками:\n- Больничные листы"), "{txt}");
    assert!(!txt.contains("Нет данных:"), "{txt}");
}

#[test]
fn reminder_texts_name_each_service_and_end_with_one_stop() {
    let (tmp, inputs) = inputs_copy();
    std::fs::remove_file(inputs.join("submissions/minzdrav.xlsx")).unwrap();
    let out = tmp.path().join("out");
    // Before the due date: the deadline ends its sentence.
    let run = remind(&inputs, &out, "2026-04-05");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let txt = std::fs::read_to_string(out.join("reminders/minzdrav.txt")).unwrap();
    assert!(txt.contains("Срок представления — 10 апреля 2026 г.\n"), "{txt}");
    assert!(txt.contains("до 10 апреля 2026 г. Коды"), "{txt}");
    // Two flags of one pattern read apart: each with its service.
    let items: Vec<&str> = txt.lines().filter(|l| l.starts_with("- ")).collect();
    assert!(
        items.contains(&"- Базовый сервис запущен: Запись на прием к врачу (k1.service.doctor_appointment.launched)")
            && items.contains(
                &"- Базовый сервис запущен: Закрытие больничных и консультации (k1.service.sick_leave_tmk.launched)"
            ),
        "{txt}"
    );
    let mut names: Vec<&str> = items.iter().map(|l| l.rsplit_once(" (").unwrap().0).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), items.len(), "every item reads apart: {txt}");
    // The messenger is «МАХ» in Cyrillic, in the text and in the form.
    assert!(
        txt.contains("через сервис ТМК в МАХ (k2.sick_leave.closed_in_max)"),
        "{txt}"
    );
    let form = xlsx_book::open(&std::fs::read(out.join("reminders/minzdrav.xlsx")).unwrap());
    let form_text: Vec<String> = form.sheet("Показатели").values.values().map(text).collect();
    assert!(
        form_text
            .iter()
            .any(|t| t == "Больничные листы, закрытые через сервис ТМК в МАХ"),
        "{form_text:?}"
    );
    assert!(
        form_text
            .iter()
            .any(|t| t == "Базовый сервис запущен: Запись на прием к врачу"),
        "{form_text:?}"
    );
    // No text of the build or of the reminders has «г..» (a second stop
    // after an abbreviation), nor the messenger in Latin letters.
    build(&inputs, &out);
    let mut texts = vec![txt];
    for dir in ["bodies", "reminders"] {
        for e in walk(&out.join(dir)) {
            if e.extension().is_some_and(|x| x == "txt") {
                texts.push(std::fs::read_to_string(&e).unwrap());
            }
        }
    }
    texts.push(pdf_text(&out.join("deck.pdf")));
    texts.push(pdf_text(&out.join("bodies/minzdrav/report.pdf")));
    let two_stops = |t: &str| {
        t.match_indices("..")
            .any(|(i, _)| !t[i..].starts_with("...") && !t[..i].ends_with('.'))
    };
    for t in &texts {
        assert!(!two_stops(t), "two stops: {t}");
        assert!(
            !t.contains(" MAX") && !t.contains("MAX,") && !t.contains("(MAX"),
            "Latin MAX: {t}"
        );
    }
    // The workbook's texts too (its source list quotes the forms' own row
    // names as the bodies wrote them, so only the stops are checked there).
    let book = xlsx_book::open(&std::fs::read(out.join("report.xlsx")).unwrap());
    for sheet in book.sheets.values() {
        for t in sheet.values.values().map(text) {
            assert!(!two_stops(&t), "two stops in «{}»: {t}", sheet.name);
        }
    }
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut all = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            all.extend(walk(&p));
        } else {
            all.push(p);
        }
    }
    all
}

#[test]
fn a_reminder_of_another_day_is_sent_again() {
    let (tmp, inputs) = inputs_copy();
    std::fs::remove_file(inputs.join("submissions/minzdrav.xlsx")).unwrap();
    let out = tmp.path().join("out");
    let server = SmtpServer::start(&tmp.path().join("maildir"), &[]);
    let send = || {
        let run = bin()
            .args(["send", "--reminders", "--tls", "none", "--smtp"])
            .arg(server.address())
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        String::from_utf8_lossy(&run.stdout).into_owned()
    };
    // Before the due date the text does not change from day to day.
    assert!(remind(&inputs, &out, "2026-04-01").status.success());
    let first = std::fs::read_to_string(out.join("reminders/minzdrav.txt")).unwrap();
    assert!(send().contains("отправлено: Минздрав"));
    assert!(send().contains("уже отправлено: 1 из 1"), "the same reminders go once");
    assert_eq!(server.messages().len(), 1);
    // A week later: the same text and form, but a new reminder.
    assert!(remind(&inputs, &out, "2026-04-08").status.success());
    let second = std::fs::read_to_string(out.join("reminders/minzdrav.txt")).unwrap();
    let text_of = |letter: &str| letter.split_once("\n\nУважаемые").map(|(_, t)| t.to_string());
    assert_eq!(
        text_of(&first),
        text_of(&second),
        "only the date in the heading differs"
    );
    assert_ne!(first, second);
    let dry = bin()
        .args(["send", "--reminders", "--dry-run", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&dry.stdout).contains("(уже отправлено)"),
        "{}",
        String::from_utf8_lossy(&dry.stdout)
    );
    assert!(send().contains("отправлено: Минздрав"));
    assert!(send().contains("уже отправлено: 1 из 1"));
    let got = server.messages();
    assert_eq!(got.len(), 2);
    let ids: Vec<String> = got
        .iter()
        .map(|m| {
            MessageParser::default()
                .parse(m)
                .unwrap()
                .message_id()
                .unwrap()
                .to_string()
        })
        .collect();
    assert!(
        ids.iter().any(|i| i.starts_with("20260401.")) && ids.iter().any(|i| i.starts_with("20260408.")),
        "{ids:?}"
    );
    // The journal records each reminder's day.
    let journal = std::fs::read_to_string(out.join("mail/sent.jsonl")).unwrap();
    assert_eq!(journal.lines().count(), 2);
    assert!(journal.contains("\"date\":[2026,4,8]"), "{journal}");
}

#[test]
fn a_reminder_whose_form_cannot_be_made_fails() {
    let (tmp, inputs) = inputs_copy();
    std::fs::remove_file(inputs.join("submissions/minzdrav.xlsx")).unwrap();
    // A region name longer than a workbook cell holds (32 767 characters):
    // the blank form cannot be written.
    let region = std::fs::read_to_string(inputs.join("region.toml")).unwrap();
    std::fs::write(
        inputs.join("region.toml"),
        region.replacen(
            "region = \"Забайкальский край\"",
            &format!("region = \"{}\"", "Я".repeat(33_000)),
            1,
        ),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let run = remind(&inputs, &out, "2026-04-20");
    assert!(
        !run.status.success(),
        "a reminder without its form is not written silently"
    );
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("ошибка: forms/minzdrav.xlsx"), "{stderr}");
    assert!(!out.join("reminders").exists(), "nothing written");
}

#[test]
fn no_reminders_when_every_form_is_in() {
    let (tmp, inputs) = inputs_copy();
    let out = tmp.path().join("out");
    let run = bin()
        .args(["remind", "--inputs"])
        .arg(&inputs)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(run.status.success());
    assert!(String::from_utf8_lossy(&run.stdout).contains("все формы получены — напоминания не нужны"));
    assert!(!out.join("reminders").exists());
}

#[test]
fn the_covering_letter_has_the_requisites() {
    let (tmp, inputs) = inputs_copy();
    let out = tmp.path().join("out");
    build(&inputs, &out);
    let pdf = std::fs::read(out.join("bodies/minzdrav/report.pdf")).unwrap();
    let pages = pdf_extract::extract_text_from_mem_by_pages(&pdf).unwrap();
    let first = pages[0]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('\u{202F}', " ");
    for needle in [
        // The letterhead.
        "Секретариат рабочей группы по внедрению",
        "ул. Примерная, д. 1, г. Чита, 672000",
        "+7 (3022) 00-00-00",
        "secretariat@zabaykalsky.example",
        // Date and registration number: Минздрав is the first letter.
        "16.04.2026",
        "№ 01-12/1",
        // The addressee.
        "Министру здравоохранения Забайкальского края",
        "И. О. Фамилии",
        // The заголовок к тексту, the text, the annex, the signature, the executor.
        "О рейтинге внедрения национального мессенджера «МАХ» за 1 квартал 2026 г.",
        "Уважаемые коллеги!",
        "Приложение: 1. Показатели органа и план на 1 л. в 1 экз.",
        "Рейтинг МАХ, 1 квартал 2026 г. — Минздрав.xlsx",
        "Секретарь рабочей группы",
        "И. О. Фамилия",
        "Фамилия Имя Отчество",
        "+7 (3022) 00-00-01",
    ] {
        let squeeze = |s: &str| s.replace(' ', "");
        assert!(
            squeeze(&first).contains(&squeeze(needle)),
            "{needle:?} not in the letter: {first}"
        );
    }
    assert_eq!(pages.len(), 2);
    // The letter's text and the e-mail's say the same.
    let letter = std::fs::read_to_string(out.join("bodies/minzdrav/letter.txt")).unwrap();
    assert!(letter.contains("Дата: 16 апреля 2026 г., № 01-12/1"), "{letter}");
    assert!(letter.contains("на 2 л. в 1 экз."), "{letter}");
    let eml = std::fs::read(out.join("mail/minzdrav.eml")).unwrap();
    let parsed = MessageParser::default().parse(&eml).unwrap();
    let body = parsed.body_text(0).unwrap().replace("\r\n", "\n");
    let (_, rest) = letter.split_once("\n\nУважаемые").unwrap();
    assert_eq!(body, format!("Уважаемые{rest}"));
    // Without a registration pattern: blanks to fill in by hand.
    let region = std::fs::read_to_string(inputs.join("region.toml")).unwrap();
    std::fs::write(
        inputs.join("region.toml"),
        region.replace("registration = \"01-12/{n}\"\n", ""),
    )
    .unwrap();
    build(&inputs, &out);
    let first = pdf_text(&out.join("bodies/minzdrav/report.pdf"));
    assert!(!first.contains("01-12/") && !first.contains("16.04.2026"), "{first}");
    assert!(first.contains("№") && first.contains("На №"), "{first}");
}
