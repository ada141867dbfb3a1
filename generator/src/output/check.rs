//! The drift check: how a crate on disk differs from what graphgen writes.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use super::Files;

/// Files of `out` that differ from `files`: changed, missing, or not
/// generated at all. Only `Cargo.toml` and `src/` are graphgen's; what else
/// is in `out` (`target/`, `Cargo.lock`, a README) is the user's.
pub fn stale_files(out: &Path, files: &Files) -> Vec<String> {
    let mut stale = Vec::new();
    for (relative, contents) in files {
        match fs::read_to_string(out.join(relative)) {
            Ok(existing) if &existing == contents => {}
            Ok(_) => stale.push(format!("{relative} (differs)")),
            Err(_) => stale.push(format!("{relative} (missing)")),
        }
    }
    let mut present = BTreeSet::new();
    list_files(&out.join("src"), "src", &mut present);
    for relative in present {
        if !files.contains_key(&relative) {
            stale.push(format!("{relative} (not generated)"));
        }
    }
    stale
}

pub(super) fn list_files(dir: &Path, prefix: &str, out: &mut BTreeSet<String>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
            list_files(&entry.path(), &relative, out);
        } else {
            out.insert(relative);
        }
    }
}
