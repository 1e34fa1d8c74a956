//! `max-rating remind`: a reminder for every body whose form is missing,
//! incomplete or wrong — text, e-mail draft and its blank form — in
//! `out/reminders/`; `send --reminders` delivers the drafts.

use std::path::Path;

use max_rating::app::exit;
use max_rating::pipeline::Sources;

pub fn run(sources: &Sources, out: &Path, templates: Option<&Path>, today: Option<(i32, u8, u8)>) -> u8 {
    let today = today.unwrap_or_else(max_rating::history::today_utc);
    let done = match max_rating::pipeline::remind::remind(sources, out, templates, today) {
        Ok(d) => d,
        Err(e) => return super::fail(&e),
    };
    super::print_diagnostics(&done.warnings);
    if done.bodies.is_empty() {
        println!("все формы получены — напоминания не нужны");
        return exit::OK;
    }
    for (body, status, draft) in &done.bodies {
        let how = if *draft {
            "текст и черновик письма"
        } else {
            "только текст"
        };
        println!("напоминание: {body} ({status}) — {how}");
    }
    println!(
        "записано в {}; отправить: max-rating send --reminders --smtp СЕРВЕР",
        out.join(max_rating::layout::REMINDERS_DIR).display()
    );
    exit::OK
}
