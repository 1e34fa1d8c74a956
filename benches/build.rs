//! Benchmarks: one region's full build (load, rating, workbook, deck,
//! packs — what `build` does, written to a temporary folder), the batch of
//! 89 synthetic regions, and reading 100 submissions.
//!
//! `cargo bench --bench build` (release profile; the batch takes a while).
//! Only a quick filter: `cargo bench --bench build -- read_100`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use max_rating::pipeline::batch::{self, BatchOptions};
use max_rating::pipeline::{self, Sources};
use max_rating::render::typst::Fonts;

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

criterion_group!(benches, read_100, one_region, batch_89);
criterion_main!(benches);
