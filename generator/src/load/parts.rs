//! A large description read in parts. The entries of `components.schemas` are
//! cut, by their lines, into parts that serde_yaml reads into `openapiv3`
//! values on threads of their own, and the rest of the document is read once
//! without them or the entries of `paths`. Those are kept as text, each with
//! its path template, for the model to read a few at a time as it lowers them
//! ([`super::paths_in_order`]), so the whole of `paths` is never held as
//! values. Put together, the parts are the value that reading the whole file
//! gives. Anything out of the ordinary (flow style, a second document, an
//! alias to an anchor in another part, any error at all) gives `None`, and the
//! whole file is read, which also finds the place of an error.
//! `tests/parts` checks both ways agree on every description here.

use std::ops::Range;

use indexmap::IndexMap;
use openapiv3::{Components, OpenAPI, Paths, ReferenceOr, Schema};
use serde::Deserialize;

/// Files smaller than this are read whole: threads would cost more than they save.
pub const MIN_SIZE: usize = 64 * 1024;

/// What makes entries of `paths` a document of their own.
const PATHS_PREFIX: &str = "paths:\n";

/// The text of a part of the schemas, at most (an entry longer than this is
/// a part of its own): small enough that the values of the parts being read at
/// once are little beside the description, and that threads finishing early
/// take more; large enough that serde_yaml's setup does not count.
const PART_BYTES: usize = 32 * 1024;

#[derive(Deserialize)]
struct PathsPart {
    paths: Paths,
}

#[derive(Deserialize)]
struct ComponentsPart {
    components: Components,
}

/// A block mapping's entries, as line ranges of the text.
struct Block {
    /// The line holding the mapping's key (`paths:`, `  schemas:`).
    key_line: usize,
    /// The text put before a part's lines to make it a document of its own.
    prefix: &'static str,
    /// The first line of each entry, and the line after the last entry.
    entries: Vec<usize>,
}

/// An entry of `paths` left as text: its path template and its lines.
#[derive(Debug)]
pub struct PathEntry {
    pub template: String,
    pub(super) lines: Range<usize>,
}

/// The entries of `components.schemas` of one part, in the order of the file.
pub type Schemas = IndexMap<String, ReferenceOr<Schema>>;

/// Reads `text` in parts on `threads` threads, all but the entries of `paths`,
/// which are given back as text (in the order of the file) for
/// [`parse_paths`] to read a few at a time; `None` when it must be read whole.
/// The document comes back without its component schemas: each part of them
/// is handed to `schemas` on the thread that read it, and what that gives is
/// returned in the order of the file.
pub fn read<S: Send>(
    text: &str,
    threads: usize,
    schemas: impl Fn(Schemas) -> S + Sync,
) -> Option<(OpenAPI, Vec<S>, Vec<PathEntry>)> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    // Where each line starts, and the end: lines `a..b` are `text[starts[a]..starts[b]]`.
    let mut starts = Vec::with_capacity(lines.len() + 1);
    let mut offset = 0;
    for line in &lines {
        starts.push(offset);
        offset += line.len();
    }
    starts.push(offset);
    let span = |a: usize, b: usize| &text[starts[a]..starts[b]];
    if lines
        .iter()
        .any(|line| line.starts_with("---") || line.starts_with("...") || line.starts_with('%'))
    {
        return None;
    }
    let paths = top_level_block(&lines, "paths:", PATHS_PREFIX)?;
    let schema_block = schemas_block(&lines)?;

    // The skeleton: every line outside the entries, the two mappings emptied.
    let mut skeleton = String::with_capacity(text.len() / 8);
    let mut line = 0;
    for block in sorted([&paths, &schema_block]) {
        skeleton.push_str(span(line, block.key_line));
        skeleton.push_str(lines[block.key_line].trim_end());
        skeleton.push_str(" {}\n");
        line = *block.entries.last()?;
    }
    skeleton.push_str(span(line, lines.len()));

    let entries = paths
        .entries
        .windows(2)
        .map(|entry| {
            Some(PathEntry {
                template: entry_key(lines[entry[0]])?,
                lines: starts[entry[0]]..starts[entry[1]],
            })
        })
        .collect::<Option<Vec<_>>>()?;

    // The schemas in parts: runs of entries of about `PART_BYTES` of text.
    let mut jobs: Vec<Range<usize>> = Vec::new();
    let mut start = schema_block.entries[0];
    for &next in &schema_block.entries[1..] {
        if starts[next] - starts[start] >= PART_BYTES || next == *schema_block.entries.last()? {
            jobs.push(starts[start]..starts[next]);
            start = next;
        }
    }
    drop((lines, starts));
    let parts = crate::parallel::map(jobs.len(), threads, |index| {
        let mut part = String::from(schema_block.prefix);
        part.push_str(&text[jobs[index].clone()]);
        let part = read_yaml::<ComponentsPart>(&part)?;
        Some(schemas(part.components.schemas))
    })?;
    let document: OpenAPI = read_yaml(&skeleton)?;
    if !document.paths.paths.is_empty() || !document.components.as_ref()?.schemas.is_empty() {
        return None;
    }
    let parts: Vec<S> = parts.into_iter().collect::<Option<_>>()?;
    Some((document, parts, entries))
}

/// The entries of `paths` read from `text`; `None` when they cannot be read
/// on their own. An entry given twice keeps its last value, as in the file.
pub fn parse_paths<'e>(text: &str, entries: impl IntoIterator<Item = &'e PathEntry>) -> Option<Paths> {
    let mut part = String::from(PATHS_PREFIX);
    for entry in entries {
        part.push_str(&text[entry.lines.clone()]);
    }
    read_yaml::<PathsPart>(&part).map(|part| part.paths)
}

/// Reads the whole of `text` in parts on `threads` threads: the document that
/// reading it whole gives, or `None`.
pub fn parse(text: &str, threads: usize) -> Option<OpenAPI> {
    let (mut document, parts, entries) = read(text, threads, |schemas| schemas)?;
    document.paths = parse_paths(text, &entries)?;
    // Entries are added in the order of the file; a key given twice keeps its
    // first place and its last value, as reading the whole map does.
    document
        .components
        .as_mut()?
        .schemas
        .extend(parts.into_iter().flatten());
    Some(document)
}

/// The key of a mapping entry that begins on `line`. Plain keys are taken as written; anything else
/// is read by serde_yaml.
fn entry_key(line: &str) -> Option<String> {
    let line = line.trim();
    if let Some(key) = line.strip_suffix(':') {
        let plain = (key.starts_with('/') || key.starts_with("x-"))
            && !key.contains(": ")
            && !key.contains(" #")
            && !key.contains('\t')
            && !key.ends_with(' ');
        if plain {
            return Some(key.to_owned());
        }
    }
    let mut keys = read_yaml::<indexmap::IndexMap<String, serde_yaml::Value>>(line)?;
    match (keys.pop(), keys.is_empty()) {
        (Some((key, _)), true) => Some(key),
        _ => None,
    }
}

fn sorted(mut blocks: [&Block; 2]) -> [&Block; 2] {
    blocks.sort_by_key(|block| block.key_line);
    blocks
}

/// Leading spaces of a line that holds content (not blank, not a comment).
fn content_indent(line: &str) -> Option<usize> {
    let trimmed = line.trim_start_matches(' ');
    if trimmed.trim().is_empty() || trimmed.starts_with('#') {
        None
    } else {
        Some(line.len() - trimmed.len())
    }
}

/// The entries of the mapping under the line `key` at column 0.
fn top_level_block(lines: &[&str], key: &str, prefix: &'static str) -> Option<Block> {
    let key_line = lines.iter().position(|line| line.trim_end() == key)?;
    block_entries(lines, key_line, 0, prefix)
}

/// The entries of `schemas:` directly under `components:` at column 0.
fn schemas_block(lines: &[&str]) -> Option<Block> {
    let components = lines.iter().position(|line| line.trim_end() == "components:")?;
    let child_indent = lines[components + 1..].iter().find_map(|line| content_indent(line))?;
    if child_indent == 0 {
        return None;
    }
    let key = format!("{}schemas:", " ".repeat(child_indent));
    let mut key_line = None;
    for (index, line) in lines.iter().enumerate().skip(components + 1) {
        match content_indent(line) {
            Some(0) => break,
            Some(indent) if indent == child_indent && line.trim_end() == key => {
                key_line = Some(index);
                break;
            }
            _ => {}
        }
    }
    // Parts are read as `components:` with `schemas:` at the file's own indentation.
    let prefix: &'static str = match child_indent {
        2 => "components:\n  schemas:\n",
        4 => "components:\n    schemas:\n",
        _ => return None,
    };
    block_entries(lines, key_line?, child_indent, prefix)
}

/// The entries of the block mapping whose key is on `key_line`, at `indent`:
/// lines more indented than the key, up to the first content line that is
/// not; each entry begins on a content line at the entries' indentation.
fn block_entries(lines: &[&str], key_line: usize, indent: usize, prefix: &'static str) -> Option<Block> {
    let mut entries = Vec::new();
    let mut entry_indent = None;
    let mut end = lines.len();
    for (index, line) in lines.iter().enumerate().skip(key_line + 1) {
        let Some(this) = content_indent(line) else { continue };
        if this <= indent {
            end = index;
            break;
        }
        let entry_indent = *entry_indent.get_or_insert(this);
        if this == entry_indent {
            entries.push(index);
        } else if this < entry_indent {
            return None;
        }
    }
    if entries.is_empty() {
        return None;
    }
    // Blank lines and comments before the next key stay with the last entry.
    entries.push(end);
    Some(Block {
        key_line,
        prefix,
        entries,
    })
}

/// A part read by serde_yaml, or `None` (the file is then read whole, which
/// reports what is wrong), also when the reading panics.
fn read_yaml<T: serde::de::DeserializeOwned>(text: &str) -> Option<T> {
    crate::diagnostics::catch_panic(|| serde_yaml::from_str(text).ok())
        .ok()
        .flatten()
}
