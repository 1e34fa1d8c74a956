//! `max-rating batch DIR`: every region of DIR built in parallel, then the
//! federal ranking; a progress bar when stdout is a terminal.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use max_rating::app::{AppError, exit};
use max_rating::pipeline::batch::{self, BatchOptions, RegionOutcome};
use max_rating::render::typst::Fonts;

fn progress_bar(count: usize) -> Option<ProgressBar> {
    (std::io::stdout().is_terminal() && count > 0).then(|| {
        let pb = ProgressBar::with_draw_target(Some(count as u64), ProgressDrawTarget::stdout());
        if let Ok(style) =
            ProgressStyle::with_template("{bar:40.blue/white} {pos}/{len} регионов · {elapsed} · осталось ~{eta}")
        {
            pb.set_style(style);
        }
        pb
    })
}

/// Prints one region's outcome above the progress bar.
fn report(o: &RegionOutcome, bar: Option<&ProgressBar>) {
    let (out, err) = match &o.result {
        Ok(built) => (
            Some(format!(
                "готово: {} — {}, {}",
                o.folder,
                super::total_line(&built.report),
                super::seconds(o.elapsed)
            )),
            built
                .diagnostics
                .iter()
                .map(|d| format!("регион {}: {d}", o.folder))
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        Err(f) => {
            let mut msg = format!("ошибка: регион {}: {}", o.folder, f.error);
            for d in f.diagnostics.iter().filter(|d| d.is_error()) {
                msg.push_str(&format!("\n  {d}"));
            }
            (None, msg)
        }
    };
    let print = || {
        if !err.is_empty() {
            eprintln!("{err}");
        }
        if let Some(line) = &out {
            println!("{line}");
        }
    };
    match bar {
        Some(pb) => {
            pb.suspend(print);
            pb.inc(1);
        }
        None => print(),
    }
}

pub fn run(dir: &Path, opts: BatchOptions, font_paths: &[PathBuf]) -> u8 {
    let start = std::time::Instant::now();
    let fonts = match Fonts::load(font_paths) {
        Ok(f) => f,
        Err(e) => return super::fail(&AppError::Render(e.into())),
    };
    let count = batch::region_dirs(dir, &opts.out).map(|d| d.len()).unwrap_or(0);
    let bar = progress_bar(count);
    let result = batch::run(dir, &opts, &fonts, &|o| report(o, bar.as_ref()));
    if let Some(pb) = &bar {
        pb.finish_and_clear();
    }
    let result = match result {
        Ok(r) => r,
        Err(e) => return super::fail(&e),
    };
    let failed: Vec<&str> = result
        .outcomes
        .iter()
        .filter(|o| o.result.is_err())
        .map(|o| o.folder.as_str())
        .collect();
    let mut code = exit::OK;
    match &result.summary {
        Ok((files, warnings)) => {
            super::print_diagnostics(warnings);
            for f in files {
                println!("записан {}", opts.out.join(f).display());
            }
        }
        Err(e) => code = super::fail(e),
    }
    println!(
        "Собрано регионов: {} из {} за {}{}",
        result.outcomes.len() - failed.len(),
        result.outcomes.len(),
        super::seconds(start.elapsed()),
        if failed.is_empty() {
            String::new()
        } else {
            format!("; не собраны ({}): {}", failed.len(), failed.join(", "))
        }
    );
    match (code, failed.is_empty()) {
        (exit::OK, true) => exit::OK,
        (exit::OK, false) => exit::DATA,
        (c, _) => c,
    }
}
