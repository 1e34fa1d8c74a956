//! The memory of periods: `history/<period>.json`, one plain JSON file per
//! built period, in a folder beside the inputs folder (`<inputs>/../history`
//! by default). A record holds every input value with its provenance, the
//! points, the total and band, and each measure's value, base and target.
//!
//! A build records its period only when it succeeds, atomically: the
//! record is staged in the history folder before the outputs are swapped in
//! and renamed into place after (a failed or interrupted build leaves no
//! half-written record; rebuilding a period replaces its record). The time
//! of recording is kept in the record for people and never read back into
//! an output. A file of the folder that is not a record of this region is
//! a warning naming it, never used.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, Location};
use crate::ingest::Period;
use crate::report::Report;

/// The folder of the history beside an inputs folder.
pub const HISTORY_DIR: &str = "history";
/// The version of the record's layout.
pub const SCHEMA: u32 = 1;
/// The `tool` of every record.
pub const TOOL: &str = "max-rating";

/// One recorded period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub schema: u32,
    pub tool: String,
    pub region: String,
    /// `2026-Q1`.
    pub period: String,
    pub period_label: String,
    pub methodology: String,
    pub total: u32,
    pub total_max: u32,
    pub band: String,
    /// Points per component id (null: no data).
    pub points: BTreeMap<String, Option<u32>>,
    /// Every measure of the plan.
    pub measures: Vec<MeasureRecord>,
    /// Every input value with the file, sheet and cell it came from.
    pub values: Vec<ValueRecord>,
    /// When the record was written (UTC, for people; never read back).
    #[serde(default)]
    pub recorded_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MeasureRecord {
    pub id: String,
    pub component: String,
    pub code: String,
    pub value: Option<u64>,
    pub base: Option<u64>,
    pub target: Option<u64>,
    pub threshold: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueRecord {
    pub code: String,
    pub value: u64,
    pub file: String,
    pub sheet: String,
    pub cell: String,
    pub body: String,
}

impl Record {
    /// The record of a built report.
    pub fn of(report: &Report) -> Record {
        Record {
            schema: SCHEMA,
            tool: TOOL.into(),
            region: report.meta.region.clone(),
            period: report.meta.period.clone(),
            period_label: report.meta.period_label.clone(),
            methodology: report.meta.methodology.clone(),
            total: report.summary.total,
            total_max: report.summary.total_max,
            band: report.summary.band.id.clone(),
            points: report.components.iter().map(|c| (c.id.clone(), c.points)).collect(),
            measures: report
                .components
                .iter()
                .flat_map(|c| {
                    c.rows.iter().map(|r| MeasureRecord {
                        id: r.id.clone(),
                        component: c.id.clone(),
                        code: r.code.clone(),
                        value: r.value,
                        base: r.base,
                        target: r.target,
                        threshold: r.threshold.clone(),
                    })
                })
                .collect(),
            values: report
                .sources
                .iter()
                .map(|s| ValueRecord {
                    code: s.code.clone(),
                    value: s.value,
                    file: s.file.clone(),
                    sheet: s.sheet.clone(),
                    cell: s.cell.clone(),
                    body: s.body.clone(),
                })
                .collect(),
            recorded_at: None,
        }
    }

    /// The period, parsed.
    pub fn period(&self) -> Option<Period> {
        Period::parse(&self.period)
    }

    /// The measure `id`'s (value, base), both present.
    pub fn measure(&self, id: &str) -> Option<(u64, u64)> {
        let m = self.measures.iter().find(|m| m.id == id)?;
        Some((m.value?, m.base?))
    }
}

/// The order of periods: by their end, a month before the quarter and the
/// year that end with it.
pub fn period_order(p: &Period) -> (i64, u8) {
    let kind = match p {
        Period::Month { .. } => 0,
        Period::Quarter { .. } => 1,
        Period::Year { .. } => 2,
    };
    (crate::pace::end_month(p), kind)
}

/// The records of a history folder, oldest first, and a warning for each
/// file that is not a record of `region`.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub records: Vec<Record>,
    pub diagnostics: Vec<Diagnostic>,
}

impl History {
    /// Reads `dir` (a missing folder is an empty history). Files that are
    /// not `.json` are ignored; a `.json` that is not a record of this tool
    /// and region, or of the period its name says, is a warning.
    pub fn load(dir: &Path, region: &str) -> History {
        let mut h = History::default();
        let Ok(entries) = std::fs::read_dir(dir) else {
            return h;
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                !name.starts_with('.') && name.ends_with(".json")
            })
            .collect();
        paths.sort();
        for path in paths {
            match read_record(&path, region) {
                Ok(r) => h.records.push(r),
                Err(why) => h.diagnostics.push(Diagnostic::warning(
                    Some(Location::file(path.display().to_string())),
                    format!("{why} — файл истории пропущен"),
                )),
            }
        }
        h.records.sort_by_key(|r| r.period().map(|p| period_order(&p)));
        h
    }

    /// The records of periods that end before `period`, oldest first.
    pub fn before(&self, period: &Period) -> Vec<Record> {
        let at = period_order(period);
        self.records
            .iter()
            .filter(|r| r.period().is_some_and(|p| period_order(&p) < at))
            .cloned()
            .collect()
    }
}

fn read_record(path: &Path, region: &str) -> Result<Record, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("не удалось прочитать: {}", crate::diag::io_reason(&e)))?;
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("не JSON (строка {}, столбец {})", e.line(), e.column()))?;
    if value.get("tool").and_then(|t| t.as_str()) != Some(TOOL) {
        return Err("это не запись истории max-rating".into());
    }
    let schema = value.get("schema").and_then(|s| s.as_u64());
    if schema != Some(u64::from(SCHEMA)) {
        return Err(format!(
            "запись истории другой версии ({}), ожидалась {SCHEMA}",
            schema.map_or_else(|| "без версии".to_string(), |s| s.to_string())
        ));
    }
    let record: Record = serde_json::from_value(value)
        .map_err(|_| "запись истории повреждена (не хватает полей или они другого вида)".to_string())?;
    let Some(period) = record.period() else {
        return Err(format!("период «{}» не распознан", record.period));
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if stem != period.code() {
        return Err(format!("в файле запись за {}, а имя файла — {stem}", period.code()));
    }
    if !crate::names::same(&record.region, region) {
        return Err(format!("запись другого региона («{}»)", record.region));
    }
    Ok(record)
}

/// The file of a period's record.
pub fn record_path(dir: &Path, period: &str) -> PathBuf {
    dir.join(format!("{period}.json"))
}

/// A record written to a temporary file of the history folder, waiting to
/// be renamed into place ([`Staged::commit`]); removed if dropped.
#[derive(Debug)]
pub struct Staged {
    tmp: PathBuf,
    target: PathBuf,
    committed: bool,
}

/// Why the history could not be written.
#[derive(Debug, thiserror::Error)]
#[error("не удалось записать историю периодов {}: {} — сборка не записана; укажите другую папку (--history ПАПКА) или соберите без истории (--no-history)", .path.display(), crate::diag::io_reason(.source))]
pub struct HistoryError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

impl Staged {
    /// Writes `record` next to its place in `dir` (created if needed).
    pub fn write(dir: &Path, record: &Record) -> Result<Staged, HistoryError> {
        let fail = |path: &Path| {
            let path = path.to_path_buf();
            move |source| HistoryError { path, source }
        };
        std::fs::create_dir_all(dir).map_err(fail(dir))?;
        let target = record_path(dir, &record.period);
        let tmp = dir.join(format!(".{}.json.tmp-{}", record.period, std::process::id()));
        let mut bytes = serde_json::to_vec_pretty(record).map_err(|e| HistoryError {
            path: target.clone(),
            source: std::io::Error::other(format!("не удалось сформировать запись: {e}")),
        })?;
        bytes.push(b'\n');
        std::fs::write(&tmp, bytes).map_err(fail(&tmp))?;
        Ok(Staged {
            tmp,
            target,
            committed: false,
        })
    }

    /// Puts the record in place (replacing the period's earlier record).
    pub fn commit(mut self) -> Result<PathBuf, HistoryError> {
        std::fs::rename(&self.tmp, &self.target).map_err(|source| HistoryError {
            path: self.target.clone(),
            source,
        })?;
        self.committed = true;
        Ok(self.target.clone())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Removes a period's record; whether there was one.
pub fn remove(dir: &Path, period: &Period) -> Result<bool, HistoryError> {
    let path = record_path(dir, &period.code());
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(source) => Err(HistoryError { path, source }),
    }
}

/// The current time as `2026-12-01T09:52:16Z` (for `recorded_at` only).
/// Today's date (UTC).
pub fn today_utc() -> (i32, u8, u8) {
    let now = now_utc();
    let part = |a: usize, b: usize| now.get(a..b).and_then(|s| s.parse::<i64>().ok()).unwrap_or(1);
    (
        i32::try_from(part(0, 4)).unwrap_or(2026),
        u8::try_from(part(5, 7)).unwrap_or(1),
        u8::try_from(part(8, 10)).unwrap_or(1),
    )
}

pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    let rem = secs % 86_400;
    // Days since 1970-01-01 → date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem / 60 % 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(period: &str, region: &str) -> Record {
        Record {
            schema: SCHEMA,
            tool: TOOL.into(),
            region: region.into(),
            period: period.into(),
            period_label: String::new(),
            methodology: String::new(),
            total: 12,
            total_max: 100,
            band: "red".into(),
            points: BTreeMap::new(),
            measures: Vec::new(),
            values: Vec::new(),
            recorded_at: None,
        }
    }

    #[test]
    fn staged_records_replace_and_vanish_when_dropped() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("history");
        let staged = Staged::write(&dir, &record("2026-Q1", "А")).unwrap();
        assert!(!record_path(&dir, "2026-Q1").exists());
        staged.commit().unwrap();
        drop(Staged::write(&dir, &record("2026-Q2", "А")).unwrap());
        let names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["2026-Q1.json"]);
    }

    #[test]
    fn foreign_and_corrupt_files_are_warnings() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        Staged::write(dir, &record("2026-03", "Край"))
            .unwrap()
            .commit()
            .unwrap();
        Staged::write(dir, &record("2026-Q1", "Край"))
            .unwrap()
            .commit()
            .unwrap();
        Staged::write(dir, &record("2026-02", "Другой край"))
            .unwrap()
            .commit()
            .unwrap();
        std::fs::write(dir.join("2026-04.json"), "{ не json").unwrap();
        std::fs::write(dir.join("notes.json"), "{\"a\": 1}").unwrap();
        std::fs::write(dir.join("README.md"), "записи").unwrap();
        std::fs::copy(dir.join("2026-03.json"), dir.join("2026-05.json")).unwrap();
        let h = History::load(dir, "край");
        let periods: Vec<&str> = h.records.iter().map(|r| r.period.as_str()).collect();
        // By the end of the period: March before the first quarter.
        assert_eq!(periods, ["2026-03", "2026-Q1"]);
        assert_eq!(h.diagnostics.len(), 4, "{:#?}", h.diagnostics);
        let text: Vec<String> = h.diagnostics.iter().map(|d| d.to_string()).collect();
        assert!(
            text.iter()
                .any(|t| t.contains("2026-02.json") && t.contains("другого региона")),
            "{text:?}"
        );
        assert!(
            text.iter().any(|t| t.contains("2026-04.json") && t.contains("не JSON")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.contains("notes.json") && t.contains("не запись истории")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|t| t.contains("2026-05.json") && t.contains("имя файла")),
            "{text:?}"
        );
        let q2 = Period::Quarter { year: 2026, quarter: 2 };
        assert_eq!(h.before(&q2).len(), 2);
        assert_eq!(h.before(&Period::Quarter { year: 2026, quarter: 1 }).len(), 1);
        assert!(History::load(&dir.join("none"), "край").records.is_empty());
    }

    #[test]
    fn now_is_a_timestamp() {
        let t = now_utc();
        assert_eq!(t.len(), 20, "{t}");
        assert!(t.starts_with("20") && t.ends_with('Z'), "{t}");
    }
}
