//! `max-rating init DIR`: a new region's workspace — `inputs/region.toml`
//! with every key commented, `inputs/submissions/README.md`, a blank
//! `inputs/regions.xlsx` listing the 89 subjects, an editable copy of the
//! built-in templates in `templates/`, and `out/`. Existing
//! files are not overwritten without `--force`.

use std::path::{Path, PathBuf};

use max_rating::app::{AppError, exit};
use max_rating::layout::{REGION_FILE, REGIONS_FILE, SUBMISSIONS_DIR, TEMPLATES_DIR};
use max_rating::render::template_set::TEMPLATE_FILES;

/// The commented region plan.
const REGION_TEMPLATE: &str = include_str!("../../templates/init/region.toml");
/// The README of an empty submissions folder.
const SUBMISSIONS_README: &str = include_str!("../../templates/init/submissions-README.md");

pub fn run(dir: &Path, force: bool) -> u8 {
    match write(dir, force) {
        Ok(written) => {
            for p in &written {
                println!("создан {}", p.display());
            }
            let inputs = dir.join("inputs");
            println!(
                "Готово. Положите формы ведомств в {}, заполните {} и запустите: max-rating build --inputs {} --out {}",
                inputs.join(SUBMISSIONS_DIR).display(),
                inputs.join(REGION_FILE).display(),
                inputs.display(),
                dir.join("out").display()
            );
            exit::OK
        }
        Err(e) => super::fail(&e),
    }
}

fn write(dir: &Path, force: bool) -> Result<Vec<PathBuf>, AppError> {
    let inputs = dir.join("inputs");
    let regions = max_rating::render::ranking::blank_regions()
        .map_err(|e| max_rating::render::RenderError::workbook(REGIONS_FILE, e))?;
    let mut files: Vec<(PathBuf, &[u8])> = vec![
        (inputs.join(REGION_FILE), REGION_TEMPLATE.as_bytes()),
        (
            inputs.join(SUBMISSIONS_DIR).join("README.md"),
            SUBMISSIONS_README.as_bytes(),
        ),
        (inputs.join(REGIONS_FILE), &regions),
    ];
    for (path, bytes) in TEMPLATE_FILES {
        files.push((dir.join(TEMPLATES_DIR).join(path), bytes));
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
    let output = |path: &Path| {
        let path = path.to_path_buf();
        move |source| AppError::Output { path, source }
    };
    let mut written = Vec::new();
    for (path, bytes) in files {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(output(parent))?;
        }
        std::fs::write(&path, bytes).map_err(output(&path))?;
        written.push(path);
    }
    let out = dir.join("out");
    std::fs::create_dir_all(&out).map_err(output(&out))?;
    Ok(written)
}
