//! Stage 1: read the description files and parse them into `openapiv3` values,
//! keeping each file's text so later errors can point into it.

use std::path::{Path, PathBuf};

use openapiv3::OpenAPI;

use crate::diagnostics::{escape_token, Diagnostic};
use crate::locate::locate;

mod parts;
pub use parts::parse as parse_in_parts;

/// One input file.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as given by the caller.
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
    /// The parsed description.
    pub document: OpenAPI,
}

impl SourceFile {
    /// A diagnostic about the node at `pointer` in this file.
    pub fn diagnostic(&self, pointer: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        let pointer = pointer.into();
        Diagnostic {
            file: self.path.clone(),
            position: locate(&self.text, &pointer),
            pointer,
            message: message.into(),
        }
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

/// Reads and parses every file; all problems are reported together.
pub fn load(paths: &[PathBuf]) -> Result<Vec<SourceFile>, Vec<Diagnostic>> {
    let mut files = Vec::with_capacity(paths.len());
    let mut problems = Vec::new();
    for path in paths {
        match load_one(path) {
            Ok(file) => files.push(file),
            Err(diagnostic) => problems.push(*diagnostic),
        }
    }
    if files.is_empty() && problems.is_empty() {
        problems.push(Diagnostic {
            file: PathBuf::from("(command line)"),
            pointer: String::new(),
            position: None,
            message: "no description files given".to_owned(),
        });
    }
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(problems)
    }
}

/// A problem at `pointer` (and `position`) in the file at `path`.
fn problem(path: &Path, pointer: String, position: Option<(usize, usize)>, message: String) -> Box<Diagnostic> {
    Box::new(Diagnostic {
        file: path.to_path_buf(),
        pointer,
        position,
        message,
    })
}

fn load_one(path: &Path) -> Result<SourceFile, Box<Diagnostic>> {
    let fail = |pointer, position, message| problem(path, pointer, position, message);
    let text = std::fs::read_to_string(path)
        .map_err(|error| fail(String::new(), None, format!("cannot read the file: {error}")))?;
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
    let threads = crate::parallel::threads();
    let document = match (text.len() >= parts::MIN_SIZE && threads > 1)
        .then(|| parts::parse(&text, threads))
        .flatten()
    {
        Some(document) => document,
        None => parse_whole(path, &text)?,
    };
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
    })
}

/// Reads the whole file at once; errors name the innermost failing node.
fn parse_whole(path: &Path, text: &str) -> Result<OpenAPI, Box<Diagnostic>> {
    let fail = |pointer, position, message| problem(path, pointer, position, message);
    let deserializer = serde_yaml::Deserializer::from_str(text);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let pointer = json_pointer(error.path());
        let syntax_position = error
            .inner()
            .location()
            .map(|location| (location.line(), location.column()));
        // A document that is valid YAML but not a valid description: find the
        // innermost part that is wrong, which serde's own path often misses.
        if let Ok(value) = serde_yaml::from_str::<serde_yaml::Value>(text) {
            if let Some((inner, message)) = crate::narrow::innermost_error(&value) {
                if inner.len() > pointer.len() {
                    let position = locate(text, &inner);
                    return fail(inner, position, message);
                }
            }
        }
        let position = syntax_position.or_else(|| locate(text, &pointer));
        fail(pointer, position, error.into_inner().to_string())
    })
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
