//! The PDFs of one `watch` session, kept between its builds: a compile
//! whose inputs are the same as in the previous build is not run again.
//!
//! The key of a PDF is a hash of everything that determines its bytes: the
//! template files (all of them, user overrides and slides included), the
//! main file, the data served to Typst (`data.json`) and the export options.
//! The fonts are the session's, loaded once; a cache refuses to serve a
//! different set of fonts (it starts empty for them). The same key gives
//! the bytes a fresh compile would give, so a rebuild from the cache is
//! byte-identical to a full build.
//!
//! Only what the latest build used is kept, so memory stays at about one
//! build's PDFs however long the session runs.

use std::collections::HashMap;
use std::sync::Mutex;

use super::Pdf;
use super::typst::{Fonts, PdfOpts, Templates};

/// A cache of compiled PDFs, shared by the threads of a build.
#[derive(Debug, Default)]
pub struct RenderCache {
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// The build being made; entries record the last build that used them.
    build: u64,
    entries: HashMap<u128, (u64, Pdf)>,
    /// The fonts the entries were made with.
    fonts: Option<u128>,
    /// What the current build took from the cache and what it compiled.
    reused: usize,
    compiled: usize,
}

/// What one build took from the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// PDFs whose inputs had not changed.
    pub reused: usize,
    /// PDFs compiled.
    pub compiled: usize,
}

impl RenderCache {
    pub fn new() -> RenderCache {
        RenderCache::default()
    }

    /// Starts a build: forgets what the previous-but-one build used and
    /// clears the counts.
    pub fn start_build(&self) {
        let mut s = self.lock();
        let previous = s.build;
        s.entries.retain(|_, (used, _)| *used >= previous);
        s.build += 1;
        s.reused = 0;
        s.compiled = 0;
    }

    /// The counts of the current build.
    pub fn stats(&self) -> CacheStats {
        let s = self.lock();
        CacheStats {
            reused: s.reused,
            compiled: s.compiled,
        }
    }

    /// The PDF of `key`, compiled by `compile` when the cache does not hold
    /// it. A failed compile is not kept.
    pub(crate) fn pdf<E>(&self, key: u128, fonts: &Fonts, compile: impl FnOnce() -> Result<Pdf, E>) -> Result<Pdf, E> {
        {
            let mut s = self.lock();
            if s.fonts != Some(fonts.fingerprint()) {
                s.entries.clear();
                s.fonts = Some(fonts.fingerprint());
            }
            let build = s.build;
            if let Some((used, pdf)) = s.entries.get_mut(&key) {
                *used = build;
                let pdf = pdf.clone();
                s.reused += 1;
                return Ok(pdf);
            }
        }
        // Compiled outside the lock: the other threads go on meanwhile.
        let pdf = compile()?;
        let mut s = self.lock();
        let build = s.build;
        s.compiled += 1;
        s.entries.insert(key, (build, pdf.clone()));
        Ok(pdf)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A thread that panicked while holding the lock left whole entries
        // (each insert is one call): the state is still usable.
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The key of a compile: the template files, the main file, the data files
/// and the options.
pub(crate) fn key(templates: &Templates, main: &str, data: &[u8], opts: &PdfOpts) -> u128 {
    let files: Vec<(&str, &[u8])> = templates
        .paths()
        .map(|p| (p, templates.get(p).unwrap_or_default()))
        .collect();
    ::typst::utils::hash128(&(files, main, data, opts))
}
