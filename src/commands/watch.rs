//! `max-rating watch`: builds once, then rebuilds on every change of the
//! forms, region.toml, the templates or the methodology, until Ctrl-C. A
//! failed build leaves the previous outputs in place (the pipeline writes
//! atomically, only after everything rendered). The fonts are loaded once;
//! Typst's memoisation cache is trimmed after every compile, so a long
//! session does not grow.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use max_rating::app::{AppError, exit};
use max_rating::ingest::IngestError;
use max_rating::pipeline::{self, BuildOptions, Sources};
use max_rating::render::cache::{CacheStats, RenderCache};
use max_rating::render::typst::Fonts;
use max_rating::watcher::{DEBOUNCE, POLL, Watch, Watcher};

/// How to watch.
pub struct Mode {
    /// Poll every 0,5 s instead of the system's notifications.
    pub poll: bool,
    /// Stop after this many builds (tests).
    pub max_builds: Option<usize>,
}

pub fn run(sources: &Sources, out: &Path, opts: &BuildOptions, font_paths: &[PathBuf], mode: Mode) -> u8 {
    let fonts = match Fonts::load(font_paths) {
        Ok(f) => f,
        Err(e) => return super::fail(&AppError::Render(e.into())),
    };
    if !sources.inputs.is_dir() {
        return super::fail(&AppError::Ingest(IngestError::NoInputs(sources.inputs.clone())));
    }
    // Watch first, then build: a change during the first build is seen.
    let (mut watcher, fallback) = Watcher::start(&Watch {
        inputs: sources.inputs.clone(),
        out: out.to_path_buf(),
        templates: opts.templates.clone(),
        methodology: sources.methodology.clone(),
        poll: mode.poll.then_some(POLL),
    });
    if let Some(msg) = fallback {
        eprintln!("предупреждение: {msg}");
    }
    let how = if watcher.polling() {
        "опрос каждые 0,5 с"
    } else {
        "уведомления системы"
    };
    println!("Слежение ({how}) за: {}. Выход — Ctrl-C.", watcher.roots().join(", "));
    // The PDFs whose inputs did not change are kept between builds.
    let cache = Arc::new(RenderCache::new());
    let opts = BuildOptions {
        cache: Some(cache.clone()),
        ..opts.clone()
    };
    let mut n = 0;
    loop {
        n += 1;
        cache.start_build();
        let last = build_once(n, sources, &opts, &fonts, out, &cache);
        if mode.max_builds.is_some_and(|max| n >= max) {
            return last;
        }
        let Some(changed) = watcher.next(DEBOUNCE) else {
            return last;
        };
        println!("Изменено: {}", changed.join(", "));
    }
}

/// Build number `n`; prints its outcome and returns its exit code.
fn build_once(n: usize, sources: &Sources, opts: &BuildOptions, fonts: &Fonts, out: &Path, cache: &RenderCache) -> u8 {
    let start = Instant::now();
    match pipeline::build(sources, opts, fonts, out) {
        Ok(built) => {
            super::print_diagnostics(&built.diagnostics);
            println!(
                "Сборка {n}: {} — {}{}; результаты в {}",
                super::total_line(&built.report),
                super::seconds(start.elapsed()),
                reused(cache.stats()),
                out.display()
            );
            exit::OK
        }
        Err(failure) => {
            super::print_diagnostics(&failure.diagnostics);
            eprintln!("ошибка: {}", failure.error);
            println!(
                "Сборка {n} не удалась ({}); прежние результаты в {} сохранены. Жду изменений…",
                super::seconds(start.elapsed()),
                out.display()
            );
            failure.error.exit_code()
        }
    }
}

/// «, PDF без изменений: 11 из 13» when some PDFs came from the cache.
fn reused(stats: CacheStats) -> String {
    if stats.reused == 0 {
        return String::new();
    }
    format!(
        ", PDF без изменений: {} из {}",
        stats.reused,
        stats.reused + stats.compiled
    )
}
