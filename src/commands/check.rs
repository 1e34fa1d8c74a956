//! `max-rating check`: reads the forms, prints the diagnostics and the
//! summary table; writes nothing.

use max_rating::app::exit;
use max_rating::pipeline::{self, Sources};
use max_rating::render::console::summary_table;

pub fn run(sources: &Sources) -> u8 {
    let loaded = match pipeline::load(sources) {
        Ok(l) => l,
        Err(e) => return super::fail(&e),
    };
    let (errors, warnings) = super::print_diagnostics(&loaded.diagnostics());
    if let Some(report) = &loaded.report {
        print!("{}", summary_table(report));
    }
    println!(
        "Форм прочитано: {}; ошибок: {errors}; предупреждений: {warnings}.",
        loaded.inputs.submissions.len()
    );
    if errors > 0 { exit::DATA } else { exit::OK }
}
