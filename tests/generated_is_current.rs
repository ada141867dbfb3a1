//! `generated/` must be exactly what `graphgen generate spec/*.yaml --out generated` writes.

use graphgen_suite::{root, spec_files};

#[test]
fn generated_crate_matches_the_specs() {
    let files = graphgen::generate_crate(&spec_files(), "generated").unwrap_or_else(|error| panic!("{error}"));
    let stale = graphgen::output::stale_files(&root().join("generated"), &files);
    assert!(
        stale.is_empty(),
        "generated/ is stale; run `cargo run -p graphgen -- generate spec/*.yaml --out generated` and review the diff:\n  {}",
        stale.join("\n  ")
    );
}
