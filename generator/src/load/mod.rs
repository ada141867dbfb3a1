//! Stage 1: read the description files and parse them into `openapiv3` values,
//! keeping each file's text so later errors can point into it. Component
//! schemas are kept as [`SchemaRef`]s, graphgen's own smaller form.

use std::path::{Path, PathBuf};

use std::ops::Range;

use indexmap::IndexMap;
use openapiv3::{OpenAPI, PathItem, Paths, ReferenceOr};

use crate::diagnostics::{catch_panic, escape_token, pointer, Diagnostic};
use crate::locate::locate;
use crate::shape::SchemaRef;

mod parts;
pub use parts::parse as parse_in_parts;

/// One input file.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as given by the caller.
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
    /// The parsed description, without its component schemas (in
    /// [`SourceFile::schemas`]). When the file is read in parts, its `paths`
    /// are empty here: [`paths_in_order`] reads them as they are needed.
    pub document: OpenAPI,
    /// The entries of `components.schemas`, in the order of the file.
    pub schemas: IndexMap<String, SchemaRef>,
    /// The entries of `paths` still to read, as text (read in parts only).
    path_entries: Vec<parts::PathEntry>,
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
    let threads = crate::parallel::threads();
    let shapes = |schemas: parts::Schemas| -> Vec<(String, SchemaRef)> {
        schemas
            .into_iter()
            .map(|(name, schema)| (name, schema.into()))
            .collect()
    };
    let (document, schemas, path_entries) = match (text.len() >= parts::MIN_SIZE)
        .then(|| parts::read(&text, threads, shapes))
        .flatten()
    {
        // Entries are added in the order of the file; a key given twice keeps
        // its first place and its last value, as reading the whole map does.
        // The shapes are copied on this thread: left where the reading threads
        // made them, they would pin those threads' allocator arenas for the
        // whole run (measured: 1.2 to 1.8 MiB more at the peak, for a few
        // percent of the time).
        Some((document, parts, entries)) => (
            document,
            parts
                .into_iter()
                .flatten()
                .map(|(name, schema)| (name, schema.clone()))
                .collect(),
            entries,
        ),
        None => {
            let mut document = parse_whole(path, &text)?;
            let schemas = document
                .components
                .as_mut()
                .map(|components| std::mem::take(&mut components.schemas))
                .unwrap_or_default();
            (document, shapes(schemas).into_iter().collect(), Vec::new())
        }
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
        schemas,
        path_entries,
    })
}

/// One path item of an input file.
pub struct PathRef<'p> {
    pub template: &'p str,
    pub file: &'p SourceFile,
    pub item: &'p ReferenceOr<PathItem>,
}

/// The text of path items read at a time. Their values take some fifteen
/// times their text, so runs are small, and the few being read at once little
/// beside the description; serde_yaml's setup is little beside reading this
/// much (runs of 32 KiB took a few percent less time and 1.5 MiB more).
const CHUNK_BYTES: usize = 8 * 1024;

/// Every path item of `files` in order of path template (then of file, for a
/// template in several files), handed to `each` a run at a time. Items of a
/// file read in parts are read here, on every core, a few runs ahead of
/// `each`, and dropped once it is done with them, so the values of all paths
/// are never held at once. A run that does not read on its own has the file
/// read whole: what is wrong in it is reported as reading it whole reports it.
pub fn paths_in_order(files: &[SourceFile], mut each: impl FnMut(&[PathRef<'_>])) -> Result<(), Vec<Diagnostic>> {
    /// A path template of a file: the index of its item in the document, or
    /// of its entry still to read.
    struct Key<'f> {
        template: &'f str,
        file: usize,
        entry: Option<usize>,
    }
    let mut keys: Vec<Key> = Vec::new();
    for (file_index, file) in files.iter().enumerate() {
        keys.extend(file.document.paths.paths.keys().map(|template| Key {
            template,
            file: file_index,
            entry: None,
        }));
        keys.extend(file.path_entries.iter().enumerate().map(|(index, entry)| Key {
            template: &entry.template,
            file: file_index,
            entry: Some(index),
        }));
    }
    // Stable: a template written twice in a file keeps the order of the file.
    keys.sort_by(|a, b| (a.template, a.file).cmp(&(b.template, b.file)));

    // Runs of keys, never splitting a template.
    let mut runs: Vec<Range<usize>> = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (index, key) in keys.iter().enumerate() {
        if bytes >= CHUNK_BYTES && key.template != keys[index - 1].template {
            runs.push(start..index);
            (start, bytes) = (index, 0);
        }
        if let Some(entry) = key.entry {
            bytes += files[key.file].path_entries[entry].lines.len();
        }
    }
    runs.push(start..keys.len());

    // A run's entries read, file by file: `None` for a file whose entries do not read.
    let read = |run: usize| -> Vec<(usize, Option<Paths>)> {
        let mut out: Vec<(usize, Option<Paths>)> = Vec::new();
        for (file_index, file) in files.iter().enumerate() {
            let entries: Vec<&parts::PathEntry> = keys[runs[run].clone()]
                .iter()
                .filter(|key| key.file == file_index)
                .filter_map(|key| Some(&file.path_entries[key.entry?]))
                .collect();
            if !entries.is_empty() {
                out.push((file_index, parts::parse_paths(&file.text, entries)));
            }
        }
        out
    };
    let mut whole: Vec<Option<OpenAPI>> = files.iter().map(|_| None).collect();
    let mut failed = None;
    let mut run_index = 0;
    let threads = crate::parallel::threads();
    let take = |parsed: Vec<(usize, Option<Paths>)>| {
        let run = &keys[runs[run_index].clone()];
        run_index += 1;
        let mut parts: Vec<Option<&Paths>> = files.iter().map(|_| None).collect();
        for (file_index, paths) in &parsed {
            parts[*file_index] = paths.as_ref();
        }
        // A file whose run did not read, or read without one of its
        // templates, is read whole from here on.
        for key in run {
            let unread = key.entry.is_some()
                && whole[key.file].is_none()
                && !parts[key.file].is_some_and(|paths| paths.paths.contains_key(key.template));
            if unread {
                let file = &files[key.file];
                match parse_whole(&file.path, &file.text) {
                    Ok(document) => whole[key.file] = Some(document),
                    Err(problem) => {
                        failed = Some(*problem);
                        return false;
                    }
                }
            }
        }
        let mut items = Vec::with_capacity(run.len());
        for (index, key) in run.iter().enumerate() {
            // A template written twice in one file: its last value, as in the file.
            if run
                .get(index + 1)
                .is_some_and(|next| next.template == key.template && next.file == key.file)
            {
                continue;
            }
            let file = &files[key.file];
            let paths = match (key.entry, &whole[key.file], parts[key.file]) {
                (None, _, _) => Some(&file.document.paths),
                (Some(_), Some(document), _) => Some(&document.paths),
                (Some(_), None, paths) => paths,
            };
            match paths.and_then(|paths| paths.paths.get_key_value(key.template)) {
                Some((template, item)) => items.push(PathRef { template, file, item }),
                None => {
                    // The template read off the entry's first line is not the
                    // key the whole file has: never drop the path in silence.
                    failed = Some(file.diagnostic(
                        pointer("/paths", &[key.template]),
                        "this path's key could not be read on its own; write it as a plain or quoted string",
                    ));
                    return false;
                }
            }
        }
        each(&items);
        true
    };
    crate::parallel::ordered(runs.len(), threads, threads + 1, read, take).ok_or_else(|| {
        files
            .iter()
            .map(|file| {
                file.diagnostic(
                    "/paths",
                    "internal error (please report it): a thread reading paths panicked",
                )
            })
            .collect::<Vec<_>>()
    })?;
    match failed {
        Some(problem) => Err(vec![problem]),
        None => Ok(()),
    }
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
