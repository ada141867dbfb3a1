//! The drift check: how a crate on disk differs from what graphgen writes.

use std::fs;
use std::path::Path;

use super::fs::{walk, Entry};
use super::Files;

/// Files of `out` that differ from `files`: changed, missing, not generated
/// at all, or not plain files. Only `Cargo.toml` and `src/` are graphgen's;
/// what else is in `out` (`target/`, `Cargo.lock`, a README) is the user's.
/// Links, FIFOs and devices are never followed or read, and a file is read
/// only when its size is the expected one.
pub fn stale_files(out: &Path, files: &Files) -> Vec<String> {
    let mut stale = Vec::new();
    for (relative, contents) in files {
        let path = out.join(relative);
        match fs::symlink_metadata(&path) {
            Err(_) => stale.push(format!("{relative} (missing)")),
            Ok(meta) if !meta.file_type().is_file() => stale.push(format!("{relative} (not a plain file)")),
            Ok(meta) if meta.len() != contents.len() as u64 => stale.push(format!("{relative} (differs)")),
            Ok(_) => match fs::read(&path) {
                Ok(existing) if existing == contents.as_bytes() => {}
                _ => stale.push(format!("{relative} (differs)")),
            },
        }
    }
    let mut present = Vec::new();
    if fs::symlink_metadata(out.join("src")).is_ok_and(|meta| meta.is_dir()) {
        let _ = walk(out, Path::new("src"), &mut present);
    }
    for (path, kind) in present {
        let relative = path.to_string_lossy().replace('\\', "/");
        match kind {
            Entry::Dir => {}
            Entry::Other => stale.push(format!("{relative} (not a plain file)")),
            Entry::File if !files.contains_key(&relative) => stale.push(format!("{relative} (not generated)")),
            Entry::File => {}
        }
    }
    stale
}
