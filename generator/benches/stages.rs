//! Each stage of the generator on the seed fragment and on a whole official
//! module, beside the parse floor (the file read with serde_yaml into
//! openapiv3 values, and nothing else): load, model, emit + format (every
//! item through prettyplease, on every core), and all of them.
//! `cargo bench -p graphgen --bench stages`; figures in BENCHMARKS.md.

use std::path::{Path, PathBuf};

use criterion::{criterion_group, criterion_main, Criterion};
use graphgen::{load, model, output, PathFilter};

fn inputs() -> Vec<(&'static str, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let official = root.join("../shared/graph/v1.0/Identity.SignIns.yml");
    let mut inputs = vec![("seed", root.join("spec/qrcodepin.yaml"))];
    if official.exists() {
        inputs.push(("Identity.SignIns", official));
    } else {
        eprintln!("skipped Identity.SignIns: {} is not there", official.display());
    }
    inputs
}

fn stages(c: &mut Criterion) {
    for (name, path) in inputs() {
        let paths = [path];
        let mut report = graphgen::Report::default();
        let files = load::load(&paths, &mut report);
        report.errors().unwrap();
        let filter = PathFilter::default();
        let model = model::build(&files, &filter).unwrap();

        let mut group = c.benchmark_group(name);
        group.sample_size(10);
        let text = std::fs::read_to_string(&paths[0]).unwrap();
        group.bench_function("parse floor", |b| {
            b.iter(|| serde_yaml::from_str::<openapiv3::OpenAPI>(&text).unwrap())
        });
        group.bench_function("load", |b| {
            b.iter(|| load::load(&paths, &mut graphgen::Report::default()))
        });
        group.bench_function("model", |b| b.iter(|| model::build(&files, &filter).unwrap()));
        group.bench_function("emit + format", |b| {
            b.iter(|| output::crate_files(&model, "bench").unwrap())
        });
        group.bench_function("all", |b| b.iter(|| graphgen::generate_crate(&paths, "bench").unwrap()));
        group.finish();
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
