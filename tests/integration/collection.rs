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
