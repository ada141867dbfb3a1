//! Whole generated files, reviewed like code: any change to what graphgen
//! writes shows up here as a diff.

use std::path::{Path, PathBuf};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `seed_models.rs` for `src/models.rs` of the seed crate.
fn snapshot_name(prefix: &str, file: &str) -> String {
    format!("{prefix}_{}", file.trim_start_matches("src/").replace('/', "_"))
}

fn generate(spec: PathBuf, crate_name: &str) -> graphgen::Files {
    graphgen::generate_crate(&[spec], crate_name).unwrap_or_else(|error| panic!("{error}"))
}

#[test]
fn seed_fragment() {
    let files = generate(manifest_dir().join("../spec/qrcodepin.yaml"), "generated");
    for file in [
        "Cargo.toml",
        "src/lib.rs",
        "src/models.rs",
        "src/client.rs",
        "src/permissions.rs",
        "src/runtime/mod.rs",
    ] {
        insta::assert_snapshot!(snapshot_name("seed", file), files[file]);
    }
    // The runtime is copied verbatim but for the crate its doc examples name,
    // so it is reviewed where it is written: runtime/src.
    for (file, contents) in &files {
        if let Some(module) = file.strip_prefix("src/runtime/").filter(|name| *name != "mod.rs") {
            let source = std::fs::read_to_string(manifest_dir().join("../runtime/src").join(module)).unwrap();
            let source = source.replace("graphgen_runtime::", "generated::runtime::");
            assert!(
                contents.ends_with(&source),
                "{file} is not a copy of runtime/src/{module}"
            );
        }
    }
}

/// Every fragment of `spec/` together: the family shares the seed's types.
/// (The crate itself is `generated/`, pinned by `tests/generated_is_current.rs`.)
#[test]
fn all_fragments_share_their_types() {
    let mut specs: Vec<PathBuf> = std::fs::read_dir(manifest_dir().join("../spec"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    specs.sort();
    let files = graphgen::generate_crate(&specs, "generated").unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(
        files["src/models.rs"].matches("pub struct QrCode {").count(),
        1,
        "one definition per schema"
    );
}

#[test]
fn hostile_names() {
    let files = generate(manifest_dir().join("tests/fixtures/hostile-names.yaml"), "hostile");
    for file in ["Cargo.toml", "src/lib.rs", "src/models.rs", "src/client.rs"] {
        insta::assert_snapshot!(snapshot_name("hostile", file), files[file]);
    }
    assert!(
        !files.contains_key("src/permissions.rs"),
        "no operation has permissions, so no module"
    );
}

/// Several parts (tags): one cargo feature each, and every item gated by the
/// features that need it.
#[test]
fn features_per_part() {
    let files = generate(manifest_dir().join("tests/fixtures/two-parts.yaml"), "two-parts");
    for file in ["Cargo.toml", "src/models.rs", "src/client.rs", "src/permissions.rs"] {
        insta::assert_snapshot!(snapshot_name("parts", file), files[file]);
    }
}

#[test]
fn build_script_module_has_no_features() {
    // A build script's crate does not declare the parts' features: a module for
    // it gated on them would compile to nothing (and warn of unknown cfgs).
    let spec = manifest_dir().join("tests/fixtures/two-parts.yaml");
    let code = graphgen::generate_module(&[spec], &graphgen::PathFilter::default()).unwrap();
    // The generated modules, before the runtime copied after them.
    let code = code.split("pub mod runtime {").next().unwrap();
    for part in [
        "\"users-user\"",
        "\"groups-group\"",
        "\"model-User\"",
        "allow(unused_imports)",
    ] {
        assert!(!code.contains(part), "{part} in the single-file module");
    }
    assert!(code.contains("pub struct Group {") && code.contains("pub member_of: Option<Vec<Group>>,"));
}

#[test]
fn build_script_module() {
    let spec = manifest_dir().join("../spec/qrcodepin.yaml");
    let code = graphgen::generate_module(&[spec], &graphgen::PathFilter::default()).unwrap();
    // The single file holds the same modules, the runtime crate under the name
    // generated code uses, and no inner attributes at the top, which
    // `include!` would refuse.
    for module in [
        "pub mod client {",
        "pub mod models {",
        "pub mod permissions {",
        "\npub use ::graphgen_runtime as runtime;\n",
        "\npub use client::GraphClient;\n",
    ] {
        assert!(code.contains(module), "{module} missing");
    }
    assert!(!code.contains("pub mod runtime"));
    let first_item = code
        .lines()
        .find(|line| !line.starts_with("//") && !line.is_empty())
        .unwrap();
    assert_eq!(first_item, "pub mod client {");
}
