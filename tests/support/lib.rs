//! Helpers shared by the end-to-end tests: where things are, and the seed
//! page's example response.

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `shared/`, beside the checkout: the seed page and Microsoft's descriptions.
pub fn shared() -> PathBuf {
    root().join("../shared")
}

/// The hand-written fragments in `spec/`, sorted.
pub fn spec_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("spec"))
        .expect("spec/ exists")
        .map(|entry| entry.expect("spec/ is readable").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();
    files
}

/// The example response body printed on the seed documentation page, parsed.
pub fn seed_example() -> serde_json::Value {
    let page =
        std::fs::read_to_string(shared().join("seed/get-qrcodepinmethod.txt")).expect("the seed page is readable");
    let marker = "Content-Type: application/json";
    let start = page.rfind(marker).expect("the seed page shows a JSON response") + marker.len();
    serde_json::from_str(page[start..].trim()).expect("the seed page's example response is JSON")
}
