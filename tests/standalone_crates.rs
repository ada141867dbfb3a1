//! Generated crates build on their own, outside this repository, with
//! crates.io dependencies only, and pass clippy with warnings denied.

use std::path::Path;
use std::process::Command;

use graphgen_suite::{root, spec_files};

fn cargo(args: &[&str], dir: &Path) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let output = Command::new(cargo)
        .args(args)
        .current_dir(dir)
        // One target directory for every standalone build, so dependencies compile once.
        .env("CARGO_TARGET_DIR", root().join("target/standalone"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "cargo {} failed in {}:\n{}",
        args.join(" "),
        dir.display(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Generates into a directory outside the repository, with this workspace's
/// lock file so the dependency versions are the ones tested here.
fn build_standalone(specs: &[std::path::PathBuf], name: &str) {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path().join(name);
    let files = graphgen::generate_crate(specs, name).unwrap_or_else(|error| panic!("{error}"));
    graphgen::output::write_crate(&dir, &files).unwrap();
    std::fs::copy(root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    cargo(&["build", "--quiet"], &dir);
    cargo(
        &[
            "clippy",
            "--quiet",
            "--all-targets",
            "--all-features",
            "--",
            "-D",
            "warnings",
        ],
        &dir,
    );
}

#[test]
fn spec_crate_and_hostile_names_crate_build_alone_without_warnings() {
    build_standalone(&spec_files(), "graph-qrcodepin");
    build_standalone(&[root().join("generator/tests/fixtures/hostile-names.yaml")], "hostile");
}
