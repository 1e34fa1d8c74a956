//! The commands of the command line, one file each: they call the library
//! and print (results on stdout, diagnostics and errors on stderr).

pub mod batch;
pub mod build;
pub mod check;
pub mod forms;
pub mod history;
pub mod init;
pub mod out;
pub mod remind;
pub mod send;
pub mod status;
pub mod watch;

use max_rating::app::AppError;
use max_rating::diag::Diagnostic;
use max_rating::report::Report;

/// Prints `ошибка: …` and returns the error's exit code.
pub fn fail(e: &AppError) -> u8 {
    eprintln!("ошибка: {e}");
    e.exit_code()
}

/// Prints every diagnostic on stderr; returns (errors, warnings).
pub fn print_diagnostics(diags: &[Diagnostic]) -> (usize, usize) {
    for d in diags {
        eprintln!("{d}");
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    (errors, diags.len() - errors)
}

/// `1,25 с`.
pub fn seconds(d: std::time::Duration) -> String {
    format!("{:.2} с", d.as_secs_f64()).replace('.', ",")
}

/// `Республика Адыгея: 37 из 100 (жёлтая зона)`.
pub fn total_line(report: &Report) -> String {
    format!(
        "{}: {} из {} ({})",
        report.meta.region, report.summary.total, report.summary.total_max, report.summary.band.name
    )
}
