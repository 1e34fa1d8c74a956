//! `max-rating history`: the recorded periods (list), recording past
//! periods from their own forms without rendering (record), removing one
//! period (remove).

use std::path::{Path, PathBuf};

use max_rating::app::{AppError, exit};
use max_rating::history::{History, Record, Staged};
use max_rating::ingest::Period;
use max_rating::layout::SUBMISSIONS_DIR;
use max_rating::pipeline::{self, Sources};
use max_rating::region::Region;
use max_rating::report::Report;

/// The history folder and the region's name.
fn folder_and_region(sources: &Sources) -> Result<(PathBuf, String), AppError> {
    let dir = sources
        .history
        .clone()
        .unwrap_or_else(|| pipeline::default_history(&sources.inputs));
    let region = Region::load_from(&sources.inputs)?;
    let name = region.region.clone().unwrap_or_else(|| "Регион не указан".into());
    Ok((dir, name))
}

pub fn list(sources: &Sources) -> u8 {
    let (dir, region) = match folder_and_region(sources) {
        Ok(x) => x,
        Err(e) => return super::fail(&e),
    };
    let history = History::load(&dir, &region);
    super::print_diagnostics(&history.diagnostics);
    if history.records.is_empty() {
        println!("В истории {} нет записанных периодов.", dir.display());
        return exit::OK;
    }
    println!("История периодов: {} ({})", region, dir.display());
    for r in &history.records {
        println!(
            "  {:<8} {:<22} {:>3} из {} ({})",
            r.period,
            r.period_label,
            r.total,
            r.total_max,
            max_rating::report::band_name(&r.band)
        );
    }
    exit::OK
}

/// The forms folder of a past period: `DIR/submissions` when DIR holds
/// one, else DIR itself.
fn submissions_of(dir: &Path) -> PathBuf {
    let inner = dir.join(SUBMISSIONS_DIR);
    if inner.is_dir() { inner } else { dir.to_path_buf() }
}

pub fn record(sources: &Sources, folders: &[PathBuf]) -> u8 {
    let (dir, _) = match folder_and_region(sources) {
        Ok(x) => x,
        Err(e) => return super::fail(&e),
    };
    let mut code = exit::OK;
    for folder in folders {
        let subs = submissions_of(folder);
        let loaded = match pipeline::load_with(sources, Some(&subs)) {
            Ok(l) => l,
            Err(e) => {
                code = code.max(super::fail(&e));
                continue;
            }
        };
        if loaded.inputs.period.is_none() {
            code = code.max(super::fail(&max_rating::app::AppError::NoFolderPeriod(folder.clone())));
            continue;
        }
        let (errors, _) = super::print_diagnostics(&loaded.diagnostics());
        let Some(report) = loaded.report.as_ref().filter(|_| errors == 0) else {
            eprintln!(
                "ошибка: {}: в формах есть ошибки ({errors}) — период не записан",
                folder.display()
            );
            code = code.max(exit::DATA);
            continue;
        };
        match write(&dir, report) {
            Ok(path) => println!(
                "записан период {} ({}): {} из {} — {}",
                report.meta.period,
                report.meta.period_label,
                report.summary.total,
                report.summary.total_max,
                path.display()
            ),
            Err(e) => code = code.max(super::fail(&e)),
        }
    }
    code
}

fn write(dir: &Path, report: &Report) -> Result<PathBuf, AppError> {
    let mut record = Record::of(report);
    record.recorded_at = Some(max_rating::history::now_utc());
    Ok(Staged::write(dir, &record)?.commit()?)
}

pub fn remove(sources: &Sources, period: &str) -> u8 {
    let (dir, _) = match folder_and_region(sources) {
        Ok(x) => x,
        Err(e) => return super::fail(&e),
    };
    let Some(p) = Period::parse(period) else {
        return super::fail(&AppError::UnknownPeriod(period.to_string()));
    };
    match max_rating::history::remove(&dir, &p) {
        Ok(true) => {
            println!("удалена запись периода {} из {}", p.code(), dir.display());
            exit::OK
        }
        Ok(false) => {
            println!("записи периода {} в {} нет", p.code(), dir.display());
            exit::OK
        }
        Err(e) => super::fail(&AppError::History(e)),
    }
}
