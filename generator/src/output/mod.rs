//! Stage 4: formatting, and writing that never leaves half an output nor
//! replaces what graphgen did not write.
//!
//! `manifest.rs` writes `Cargo.toml`, `format.rs` formats items with
//! prettyplease, `fs.rs` writes a crate or a file atomically, `check.rs`
//! compares a crate on disk with what graphgen writes.

mod check;
mod format;
mod fs;
mod manifest;

use std::collections::BTreeMap;
use std::path::Path;

pub use check::stale_files;
pub use format::format;
pub use fs::{graphgen_dir, reading, write_crate, write_file};

use crate::diagnostics::Error;
use crate::emit::{self, inner_doc_attrs};
use crate::model::Model;
use crate::runtime;
use crate::text;
use format::{format_at, push_module, Spaced};

/// Files of a generated crate: path relative to the crate root (with `/`) to contents.
pub type Files = BTreeMap<String, String>;

fn header(model: &Model) -> String {
    format!(
        "{} from {}. Do not edit: change the description and regenerate.\n\n",
        fs::MARK_SOURCE,
        text::line(&model.sources.join(", "))
    )
}

/// A complete crate: `Cargo.toml` and `src/`.
pub fn crate_files(model: &Model, crate_name: &str) -> Result<Files, Error> {
    let mut files = Files::new();
    files.insert("Cargo.toml".to_owned(), manifest::manifest(model, crate_name)?);
    let header = header(model);
    let emitted = emit::modules(model);

    let lib = emit::root::crate_root(model, &emitted, crate_name);
    files.insert("src/lib.rs".to_owned(), header.clone() + &format(lib)?);

    for module in &emitted {
        let mut spaced = Spaced::after(header.clone());
        spaced.push(&format_at(inner_doc_attrs(&module.docs), 0)?);
        push_module(&mut spaced, module, 0)?;
        files.insert(format!("src/{}.rs", module.name), spaced.out);
    }

    let runtime_mod = emit::root::runtime_root();
    files.insert("src/runtime/mod.rs".to_owned(), header.clone() + &format(runtime_mod)?);
    // The runtime's doc examples name its crate; in a copy they name the
    // crate's `runtime` module, and run as the crate's doctests.
    let runtime_path = format!("{}::runtime::", crate_name.replace('-', "_"));
    for module in runtime::MODULES {
        files.insert(
            format!("src/runtime/{}.rs", module.name),
            header.clone() + &module.source.replace("graphgen_runtime::", &runtime_path),
        );
    }
    Ok(files)
}

/// Generates a complete crate into the directory `out`, replacing what was
/// there only once every file is written (see [`write_crate`]).
pub fn generate_crate_into(model: &Model, crate_name: &str, out: &Path) -> Result<(), Error> {
    write_crate(out, &crate_files(model, crate_name)?)
}

/// One file of modules, for `include!` from a build script. Inner attributes
/// are not allowed at the top of an included file, so it has no crate docs.
pub fn single_file(model: &Model) -> Result<String, Error> {
    let emitted = emit::modules(model);
    let mut spaced = Spaced::after(header(model));
    for module in &emitted {
        spaced.push(&format!("pub mod {} {{\n", module.name));
        spaced.push(&format_at(inner_doc_attrs(&module.docs), 1)?);
        push_module(&mut spaced, module, 1)?;
        spaced.push("}\n");
    }
    spaced.push(&format_at(emit::root::runtime_crate(), 0)?);
    Ok(spaced.out)
}

/// A crate name derived from the output directory's name (lower-case, kebab).
pub fn default_crate_name(out: &Path) -> String {
    let base = out
        .canonicalize()
        .ok()
        .as_deref()
        .unwrap_or(out)
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    crate::names::crate_name(&base)
}
