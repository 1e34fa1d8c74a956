//! `max-rating build`: the whole build of one region into the output folder.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use max_rating::app::{AppError, exit};
use max_rating::layout::{BODIES_DIR, MAIL_DIR, body_of};
use max_rating::pipeline::{self, BuildOptions, Sources};
use max_rating::render::console::summary_table;
use max_rating::render::typst::Fonts;

pub fn run(sources: &Sources, out: &Path, opts: &BuildOptions, font_paths: &[PathBuf]) -> u8 {
    let fonts = match Fonts::load(font_paths) {
        Ok(f) => f,
        Err(e) => return super::fail(&AppError::Render(e.into())),
    };
    let built = match pipeline::build(sources, opts, &fonts, out) {
        Ok(b) => b,
        Err(f) => {
            super::print_diagnostics(&f.diagnostics);
            return super::fail(&f.error);
        }
    };
    super::print_diagnostics(&built.diagnostics);
    print!("{}", summary_table(&built.report));
    let mut packs = BTreeSet::new();
    let mut drafts = 0;
    for f in &built.files {
        match body_of(f) {
            Some(slug) => {
                packs.insert(slug);
            }
            None if f.starts_with(MAIL_DIR) => drafts += usize::from(f.ends_with(".eml")),
            None => println!("записан {}", out.join(f).display()),
        }
    }
    if !packs.is_empty() {
        println!("пакеты органов: {} в {}", packs.len(), out.join(BODIES_DIR).display());
    }
    if drafts > 0 {
        println!(
            "черновики писем: {drafts} в {} (отправить: max-rating send --smtp СЕРВЕР)",
            out.join(MAIL_DIR).display()
        );
    }
    println!(
        "{}",
        built.report.collection.summary.replacen("формы", "Сбор форм: формы", 1)
    );
    exit::OK
}
