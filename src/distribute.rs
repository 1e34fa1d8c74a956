//! Both directions of the secretariat's mail: blank submission forms for
//! every body (`forms`), and a new region's working folder (`init`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::app::{AppError, OutputFile, Sources};
use crate::bodies::Registry;
use crate::ingest::Period;
use crate::region::Region;

/// The commented region plan written by `init`.
pub const REGION_TEMPLATE: &str = include_str!("../templates/init/region.toml");
/// The README of an empty submissions folder.
pub const SUBMISSIONS_README: &str = include_str!("../templates/init/submissions-README.md");

/// Reads `rating.json` of a previous build: its period and values.
pub fn previous_build(out: &Path) -> Option<(Option<Period>, BTreeMap<String, u64>)> {
    let text = std::fs::read_to_string(out.join("rating.json")).ok()?;
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    let period = json.get("period").and_then(|p| p.as_str()).and_then(Period::parse);
    let values = json
        .get("values")
        .and_then(|v| v.as_object())
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| v.as_u64().map(|v| (k.clone(), v)))
                .collect()
        })
        .unwrap_or_default();
    Some((period, values))
}

/// One blank form per body, in `forms/<slug>.xlsx`.
pub fn forms(src: &Sources, out: &Path, period: Option<&str>) -> Result<Vec<OutputFile>, AppError> {
    let m = crate::app::load_methodology(src)?;
    let region = Region::load_from(&src.inputs)?;
    let previous = previous_build(out);
    let period = match period {
        Some(p) => Some(Period::parse(p).ok_or_else(|| {
            AppError::NoPeriod(format!(
                "период «{p}» не распознан: ожидалось «2026-Q2», «2026-04» или «2026»"
            ))
        })?),
        None => region
            .period
            .as_deref()
            .and_then(Period::parse)
            .or_else(|| previous.as_ref().and_then(|p| p.0)),
    };
    let Some(period) = period else {
        return Err(AppError::NoPeriod(
            "не указан период форм: задайте --period 2026-Q2 или period в region.toml".into(),
        ));
    };
    let values = previous.map(|p| p.1).unwrap_or_default();
    let region_name = region.region.clone().unwrap_or_default();
    let reg = Registry::new(&region, &[]);
    let date = region
        .meeting_date()
        .map(|(y, m, d)| (u16::try_from(y).unwrap_or(2026), m, d))
        .unwrap_or_else(|| {
            let (y, m, d) = period.last_day();
            (u16::try_from(y).unwrap_or(2026), m, d)
        });
    let mut files = Vec::new();
    for body in &reg.bodies {
        let codes = crate::forms::codes_for(&m, &region, &reg, &body.slug);
        if codes.is_empty() {
            continue;
        }
        let spec = crate::forms::blank_form(&m, &region_name, body, &codes, &period, &values, date);
        let bytes = spec
            .to_xlsx()
            .map_err(|e| AppError::Render(format!("форма {}: {e}", body.slug)))?;
        files.push(OutputFile {
            path: format!("forms/{}.xlsx", body.slug),
            bytes,
        });
    }
    if files.is_empty() {
        return Err(AppError::NoPeriod(
            "ни у одного органа нет кодов для формы: задайте [[bodies]] с codes или [[steps]] с responsible в region.toml".into(),
        ));
    }
    Ok(files)
}

/// What `init` wrote.
#[derive(Debug)]
pub struct InitReport {
    pub written: Vec<PathBuf>,
}

/// Starts a new region's working folder: `inputs/region.toml` (every key
/// commented), `inputs/submissions/README.md`, and an editable copy of the
/// built-in templates in `templates/`. Refuses to overwrite unless `force`.
pub fn init(dir: &Path, templates: &[(&str, &[u8])], force: bool) -> Result<InitReport, AppError> {
    let mut files: Vec<(PathBuf, &[u8])> = vec![
        (dir.join("inputs").join("region.toml"), REGION_TEMPLATE.as_bytes()),
        (
            dir.join("inputs").join("submissions").join("README.md"),
            SUBMISSIONS_README.as_bytes(),
        ),
    ];
    for (path, bytes) in templates {
        files.push((dir.join("templates").join(path), bytes));
    }
    if !force {
        let existing: Vec<String> = files
            .iter()
            .filter(|(p, _)| p.exists())
            .map(|(p, _)| p.display().to_string())
            .collect();
        if !existing.is_empty() {
            return Err(AppError::Exists(existing));
        }
    }
    let mut written = Vec::new();
    for (path, bytes) in files {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| AppError::Output {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        std::fs::write(&path, bytes).map_err(|source| AppError::Output {
            path: path.clone(),
            source,
        })?;
        written.push(path);
    }
    std::fs::create_dir_all(dir.join("out")).map_err(|source| AppError::Output {
        path: dir.join("out"),
        source,
    })?;
    Ok(InitReport { written })
}
