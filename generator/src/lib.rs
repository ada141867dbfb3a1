//! graphgen: typed Rust clients for Microsoft Graph, generated from OpenAPI
//! descriptions — hand-written fragments or Microsoft's official ones.
//!
//! Four stages, each in its own module, data flowing one way:
//! [`load`] (files → `openapiv3`) → [`model`] (resolved, named, checked) →
//! `emit` (token streams) → [`output`] (formatted files, atomic writes).
//!
//! From a build script, in the style of `prost-build`:
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), graphgen::Error> {
//!     graphgen::compile(&["spec/qrcodepin.yaml"])
//! }
//! ```
//!
//! and in the crate: `include!(concat!(env!("OUT_DIR"), "/graphgen.rs"));`.

pub mod diagnostics;
pub mod emit;
pub mod load;
mod locate;
pub mod model;
mod names;
mod narrow;
pub mod output;
mod runtime;
pub mod shape;
mod text;

use std::path::{Path, PathBuf};

pub use diagnostics::{Diagnostic, Error, Report};
pub use output::Files;

pub use model::PathFilter;

/// Loads description files and builds the checked model of the operations
/// `filter` selects.
pub fn model(specs: &[PathBuf], filter: &PathFilter) -> Result<model::Model, Error> {
    model_with(specs, filter, None)
}

/// [`model`], with Microsoft's permissions reference (`permissions.json`)
/// giving operations without permissions of their own theirs.
pub fn model_with(specs: &[PathBuf], filter: &PathFilter, permissions: Option<&Path>) -> Result<model::Model, Error> {
    let mut report = Report::default();
    let files = load::load(specs, &mut report);
    let reference = permissions.and_then(|file| match load::permissions::read(file) {
        Ok(reference) => Some(reference),
        Err(problem) => {
            report.error(*problem);
            None
        }
    });
    report.errors()?;
    model::build_with(&files, filter, reference.as_ref(), report).map_err(Error::Input)
}

/// The files of a complete crate generated from `specs`.
pub fn generate_crate(specs: &[PathBuf], crate_name: &str) -> Result<Files, Error> {
    generate_crate_filtered(specs, &PathFilter::default(), crate_name)
}

/// The files of a crate generated from the operations of `specs` that `filter` selects.
pub fn generate_crate_filtered(specs: &[PathBuf], filter: &PathFilter, crate_name: &str) -> Result<Files, Error> {
    output::crate_files(&model(specs, filter)?, crate_name)
}

/// Generates a crate from the operations of `specs` that `filter` selects into
/// the directory `out`, writing files as they are made; `out` is replaced
/// only once all of them are written, and left as it was on any error.
pub fn generate_crate_into(specs: &[PathBuf], filter: &PathFilter, crate_name: &str, out: &Path) -> Result<(), Error> {
    output::generate_crate_into(&model(specs, filter)?, crate_name, out)
}

/// Generates the single-file module that a build script writes to `OUT_DIR`.
/// It has no cargo features (the including crate does not declare them), so
/// `filter` is how a build script picks the parts it compiles. It uses the
/// `graphgen-runtime` crate, the one dependency the including crate adds.
pub fn generate_module(specs: &[PathBuf], filter: &PathFilter) -> Result<String, Error> {
    output::single_file(&model(specs, filter)?.without_features())
}

/// Generates code from `specs` into `$OUT_DIR/graphgen.rs`, for a build script.
pub fn compile(specs: &[impl AsRef<Path>]) -> Result<(), Error> {
    Config::new().compile(specs)
}

/// Settings for build-script generation.
#[derive(Clone, Debug, Default)]
pub struct Config {
    out_dir: Option<PathBuf>,
    file_name: Option<String>,
    include: Vec<String>,
    exclude: Vec<String>,
    strict: bool,
    permissions: Option<PathBuf>,
}

impl Config {
    /// The defaults: `$OUT_DIR/graphgen.rs`.
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes into `dir` instead of `$OUT_DIR`.
    pub fn out_dir(&mut self, dir: impl Into<PathBuf>) -> &mut Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Names the generated file (default `graphgen.rs`).
    pub fn file_name(&mut self, name: impl Into<String>) -> &mut Self {
        self.file_name = Some(name.into());
        self
    }

    /// Generates only operations whose path matches `pattern` (Kiota's globs;
    /// see [`PathFilter`]). May be given several times.
    pub fn include_path(&mut self, pattern: impl Into<String>) -> &mut Self {
        self.include.push(pattern.into());
        self
    }

    /// Leaves out operations whose path matches `pattern`.
    pub fn exclude_path(&mut self, pattern: impl Into<String>) -> &mut Self {
        self.exclude.push(pattern.into());
        self
    }

    /// Gives operations without permissions of their own those of
    /// Microsoft's permissions reference (`permissions.json`).
    pub fn permissions(&mut self, file: impl Into<PathBuf>) -> &mut Self {
        self.permissions = Some(file.into());
        self
    }

    /// Fails on warnings (mistakes graphgen can generate correct code for,
    /// schemas merged by adding to them) instead of passing them to Cargo.
    pub fn strict(&mut self, strict: bool) -> &mut Self {
        self.strict = strict;
        self
    }

    /// Generates the module, telling Cargo to run the build script again when
    /// any description changes, and passing warnings on to Cargo.
    pub fn compile(&self, specs: &[impl AsRef<Path>]) -> Result<(), Error> {
        let specs: Vec<PathBuf> = specs.iter().map(|spec| spec.as_ref().to_path_buf()).collect();
        for spec in &specs {
            println!("cargo:rerun-if-changed={}", spec.display());
        }
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR").map(PathBuf::from).ok_or_else(|| {
                Error::Usage("OUT_DIR is not set: call compile from a build script, or set out_dir".to_owned())
            })?,
        };
        if let Some(file) = &self.permissions {
            println!("cargo:rerun-if-changed={}", file.display());
        }
        let model = model_with(
            &specs,
            &PathFilter::new(&self.include, &self.exclude),
            self.permissions.as_deref(),
        )?;
        if self.strict {
            diagnostics::strict(&model.warnings)?;
        }
        for warning in &model.warnings {
            println!("cargo:warning={warning}");
        }
        let code = output::single_file(&model.without_features())?;
        let file_name = self.file_name.as_deref().unwrap_or("graphgen.rs");
        output::write_file(&out_dir.join(file_name), &code)
    }
}
