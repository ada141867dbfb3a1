//! Stage 1: read the description files and parse them into `openapiv3` values,
//! keeping each file's text so later errors can point into it. Component
//! schemas are kept as [`SchemaRef`]s, graphgen's own smaller form.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use openapiv3::{OpenAPI, PathItem, ReferenceOr};
use rayon::prelude::*;

use crate::diagnostics::{catch_panic, escape_token, Diagnostic, Report};
use crate::locate::locate;
use crate::shape::SchemaRef;

mod budget;
pub mod permissions;

/// One input file.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as given by the caller.
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
    /// The parsed description, without its component schemas (in
    /// [`SourceFile::schemas`]).
    pub document: OpenAPI,
    /// The entries of `components.schemas`, in the order of the file.
    pub schemas: IndexMap<String, SchemaRef>,
}

impl SourceFile {
    /// A diagnostic about the node at `pointer` in this file.
    pub fn diagnostic(&self, pointer: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        let pointer = pointer.into();
        let position = locate(&self.text, &pointer);
        Diagnostic::new(self.path.clone(), pointer, message).at(position)
    }

    /// The name of the file without its folders, for generated headers (which
    /// must not depend on where the input lives).
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default()
    }
}

/// Reads and parses every file, several at once; all problems are reported
/// together, in the order of the files.
pub fn load(paths: &[PathBuf], report: &mut Report) -> Vec<SourceFile> {
    let loaded: Vec<_> = paths.par_iter().map(|path| load_one(path)).collect();
    let mut files = Vec::with_capacity(paths.len());
    for result in loaded {
        match result {
            Ok(file) => files.push(file),
            Err(diagnostic) => report.error(*diagnostic),
        }
    }
    if paths.is_empty() {
        report.error(Diagnostic::new("(command line)", "", "no description files given"));
    }
    files
}

/// A problem at `pointer` (and `position`) in the file at `path`.
fn problem(path: &Path, pointer: String, position: Option<(usize, usize)>, message: String) -> Box<Diagnostic> {
    Box::new(Diagnostic::new(path, pointer, message).at(position))
}

fn load_one(path: &Path) -> Result<SourceFile, Box<Diagnostic>> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| problem(path, String::new(), None, format!("cannot read the file: {error}")))?;
    from_text(path, text)
}

/// Parses `text` as the description file `path` (which is not read: it
/// names the file in diagnostics). What [`load`] does with each file.
pub fn from_text(path: &Path, text: String) -> Result<SourceFile, Box<Diagnostic>> {
    let fail = |pointer, position, message| problem(path, pointer, position, message);
    if text.trim().is_empty() {
        return Err(fail(
            String::new(),
            None,
            "the file is empty; expected an OpenAPI 3.0 description".to_owned(),
        ));
    }
    if let Some((line, version)) = declared_version(&text) {
        if !version.starts_with("3.0") {
            return Err(fail(
                "/openapi".to_owned(),
                Some((line, 1)),
                format!("OpenAPI version {version:?} is not supported; graphgen reads OpenAPI 3.0.x, as Microsoft Graph publishes"),
            ));
        }
    }
    if let Err(over) = budget::check(&text) {
        return Err(fail(String::new(), Some(over.position), over.message));
    }
    let mut document = parse_whole(path, &text)?;
    let schemas = document
        .components
        .as_mut()
        .map(|components| std::mem::take(&mut components.schemas))
        .unwrap_or_default()
        .into_iter()
        .map(|(name, schema)| (name, schema.into()))
        .collect();
    if !document.openapi.starts_with("3.0") {
        return Err(fail(
            "/openapi".to_owned(),
            locate(&text, "/openapi"),
            format!(
                "OpenAPI version {:?} is not supported; graphgen reads OpenAPI 3.0.x",
                document.openapi
            ),
        ));
    }
    Ok(SourceFile {
        path: path.to_path_buf(),
        text,
        document,
        schemas,
    })
}

/// One path item of an input file.
pub struct PathRef<'p> {
    pub template: &'p str,
    pub file: &'p SourceFile,
    pub item: &'p ReferenceOr<PathItem>,
}

/// Every path item of `files` in order of path template (then of file, for a
/// template in several files).
pub fn paths_in_order(files: &[SourceFile]) -> Vec<PathRef<'_>> {
    let mut paths: Vec<PathRef> = files
        .iter()
        .flat_map(|file| {
            file.document
                .paths
                .paths
                .iter()
                .map(move |(template, item)| PathRef { template, file, item })
        })
        .collect();
    // Stable: a template in several files keeps the order of the files.
    paths.sort_by(|a, b| a.template.cmp(b.template));
    paths
}

/// Reads the whole file at once; errors name the innermost failing node.
fn parse_whole(path: &Path, text: &str) -> Result<OpenAPI, Box<Diagnostic>> {
    let fail = |pointer, position, message| problem(path, pointer, position, message);
    // openapiv3 panics on some malformed descriptions instead of failing
    // ("somehow this parsed successfully the second time"): that is a
    // failure to read, placed like any other.
    let parsed = catch_panic(|| serde_path_to_error::deserialize(serde_yaml::Deserializer::from_str(text)));
    let (pointer, syntax_position, message) = match parsed {
        Ok(Ok(document)) => return Ok(document),
        Ok(Err(error)) => (
            json_pointer(error.path()),
            error
                .inner()
                .location()
                .map(|location| (location.line(), location.column())),
            error.into_inner().to_string(),
        ),
        Err(_) => (
            String::new(),
            None,
            "this is not a valid OpenAPI 3.0 description".to_owned(),
        ),
    };
    match catch_panic(|| serde_yaml::from_str::<serde_yaml::Value>(text)) {
        // A document that is valid YAML but not a valid description: find the
        // innermost part that is wrong, which serde's own path often misses.
        Ok(Ok(value)) => {
            if let Some((inner, message)) = crate::narrow::innermost_error(&value) {
                if inner.len() > pointer.len() || syntax_position.is_none() && pointer.is_empty() {
                    let position = locate(text, &inner);
                    return Err(fail(inner, position, message));
                }
            }
        }
        // Not even valid YAML (a key given twice, say): that is what to report.
        Ok(Err(error)) if syntax_position.is_none() => {
            let position = error.location().map(|location| (location.line(), location.column()));
            return Err(fail(pointer, position, error.to_string()));
        }
        _ => {}
    }
    let position = syntax_position.or_else(|| locate(text, &pointer));
    Err(fail(pointer, position, message))
}

/// The `openapi:` version declared at the top level, read without parsing the
/// whole document, so that a 3.1 description gets a clear message rather than
/// whatever part of it fails to fit the 3.0 model.
fn declared_version(text: &str) -> Option<(usize, String)> {
    text.lines().enumerate().find_map(|(index, line)| {
        let value = line.strip_prefix("openapi:")?;
        let value = value.trim().trim_matches(|c| c == '\'' || c == '"');
        Some((index + 1, value.to_owned()))
    })
}

fn json_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } => {
                out.push('/');
                out.push_str(&escape_token(key));
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}
