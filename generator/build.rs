//! Tells the generator's tests whether Microsoft's descriptions are beside the
//! checkout (`cfg(shared)`), as the end-to-end tests' `build.rs` does: where
//! they are not, the tests that need them are `ignored` with the reason.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(shared)");
    let shared = std::path::Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("../../shared/graph");
    println!("cargo::rerun-if-changed={}", shared.display());
    if shared.join("v1.0").is_dir() {
        println!("cargo::rustc-cfg=shared");
    }
}
