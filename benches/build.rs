//! Benchmarks: one region's full build (load, rating, workbook, deck,
//! packs — what `build` does, written to a temporary folder), a `watch`
//! rebuild after one changed cell, the batch of 89 synthetic regions, and
//! reading 100 submissions.
//!
//! `cargo bench --bench build` (release profile; the batch takes a while).
//! Only a quick filter: `cargo bench --bench build -- read_100`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use max_rating::pipeline::batch::{self, BatchOptions};
use max_rating::pipeline::{self, BuildOptions, Sources};
use max_rating::render::cache::RenderCache;
use max_rating::render::typst::Fonts;
use max_rating_testkit::reference::Forms;

fn shipped_inputs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("inputs")
}

fn one_region(c: &mut Criterion) {
    let out = tempfile::tempdir().unwrap();
    let inputs = shipped_inputs();
    let sources = Sources {
        inputs,
        methodology: None,
        history: None,
    };
    let fonts = Fonts::embedded();
    let mut g = c.benchmark_group("build");
    g.sample_size(20).measurement_time(Duration::from_secs(10));
    g.bench_function("one_region_full_build", |b| {
        b.iter(|| {
            let loaded = pipeline::load(&sources).unwrap();
            let files = pipeline::render(&loaded, &Default::default(), &fonts).unwrap().files;
            max_rating::outdir::write_outputs(out.path(), &files).unwrap();
            files.len()
        })
    });
    g.finish();
}

/// `watch`: the seed region built once, then rebuilt after one cell of
/// Минздрав's form changes (two values in turn), with the session's cache.
fn watch_rebuild(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let inputs = tmp.path().join("inputs");
    max_rating_testkit::copy_dir(&shipped_inputs(), &inputs).unwrap();
    let form = inputs.join("submissions/minzdrav.xlsx");
    let variants: Vec<Vec<u8>> = [0, 1]
        .iter()
        .map(|v| {
            let forms = Forms::seed_quarter(1, &[("k2.sick_leave.closed_in_max", *v)]);
            let (_, spec) = forms
                .workbooks()
                .into_iter()
                .find(|(name, _)| *name == "minzdrav.xlsx")
                .unwrap();
            spec.to_xlsx().unwrap()
        })
        .collect();
    let sources = Sources::new(inputs, None);
    let opts = BuildOptions {
        cache: Some(Arc::new(RenderCache::new())),
        ..Default::default()
    };
    let fonts = Fonts::embedded();
    let out = tmp.path().join("out");
    pipeline::build(&sources, &opts, &fonts, &out).unwrap();
    let mut turn = 0;
    let mut g = c.benchmark_group("watch");
    g.sample_size(20).measurement_time(Duration::from_secs(10));
    g.bench_function("watch_rebuild_one_cell", |b| {
        b.iter_batched(
            || {
                turn += 1;
                std::fs::write(&form, &variants[turn % 2]).unwrap();
            },
            |()| {
                if let Some(cache) = &opts.cache {
                    cache.start_build();
                }
                pipeline::build(&sources, &opts, &fonts, &out).unwrap().files.len()
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn batch_89(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("regions");
    max_rating_testkit::synth::write_regions(&dir, 1, 89).unwrap();
    let opts = BatchOptions {
        out: tmp.path().join("out"),
        ..Default::default()
    };
    let fonts = Fonts::embedded();
    let mut g = c.benchmark_group("batch");
    // About 15 s per run on 2 cores: 10 runs.
    g.sample_size(10).measurement_time(Duration::from_secs(160));
    g.bench_function("batch_89_regions", |b| {
        b.iter(|| {
            let r = batch::run(&dir, &opts, &fonts, &|_| {}).unwrap();
            assert_eq!(r.failed(), 0);
            r.outcomes.len()
        })
    });
    g.finish();
}

fn read_100(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(
        max_rating_testkit::synth::write_submissions(tmp.path(), 1, 100).unwrap(),
        100
    );
    let m = max_rating::methodology::Methodology::builtin().unwrap();
    let mut g = c.benchmark_group("ingest");
    g.bench_function("read_100_submissions", |b| {
        b.iter(|| {
            let inputs = max_rating::ingest::read_inputs(tmp.path(), &m).unwrap();
            assert_eq!(inputs.submissions.len(), 100);
        })
    });
    g.finish();
}

criterion_group!(benches, read_100, one_region, watch_rebuild, batch_89);
criterion_main!(benches);
