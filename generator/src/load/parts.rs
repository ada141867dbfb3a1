//! A large description read on every core: the entries of `paths` and of
//! `components.schemas` are cut, by their lines, into parts that serde_yaml
//! reads into `openapiv3` values on threads of their own, and the rest of the
//! document is read once without them. The result is the value that reading
//! the whole file gives. Anything out of the ordinary (flow style, a second
//! document, an alias to an anchor in another part, any error at all) gives
//! `None`, and the caller reads the whole file, which also finds the place of
//! an error. `tests/parts` checks both ways agree on every description here.

use openapiv3::{Components, OpenAPI, Paths};
use serde::Deserialize;

/// Files smaller than this are read whole: threads would cost more than they save.
pub const MIN_SIZE: usize = 64 * 1024;

/// Parts per thread, so that threads finishing early take more.
const PARTS_PER_THREAD: usize = 4;

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

/// Reads `text` in parts on `threads` threads; `None` when it must be read whole.
pub fn parse(text: &str, threads: usize) -> Option<OpenAPI> {
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
    let paths = top_level_block(&lines, "paths:", "paths:\n")?;
    let schemas = schemas_block(&lines)?;

    // The skeleton: every line outside the entries, the two mappings emptied.
    let mut skeleton = String::with_capacity(text.len() / 8);
    let mut line = 0;
    for block in sorted([&paths, &schemas]) {
        skeleton.push_str(span(line, block.key_line));
        skeleton.push_str(lines[block.key_line].trim_end());
        skeleton.push_str(" {}\n");
        line = *block.entries.last()?;
    }
    skeleton.push_str(span(line, lines.len()));

    // The parts: runs of entries of about the same number of lines.
    let per_part = (lines.len() / (threads * PARTS_PER_THREAD)).max(1);
    let mut jobs: Vec<(&Block, usize, usize)> = Vec::new();
    for block in [&paths, &schemas] {
        let mut start = block.entries[0];
        for &next in &block.entries[1..] {
            if next - start >= per_part || next == *block.entries.last()? {
                jobs.push((block, start, next));
                start = next;
            }
        }
    }

    let parts = crate::parallel::map(jobs.len(), threads, |index| {
        let (block, start, end) = jobs[index];
        let mut part = String::from(block.prefix);
        part.push_str(span(start, end));
        if std::ptr::eq(block, &paths) {
            serde_yaml::from_str::<PathsPart>(&part).ok().map(Part::Paths)
        } else {
            serde_yaml::from_str::<ComponentsPart>(&part)
                .ok()
                .map(|part| Part::Schemas(Box::new(part)))
        }
    })?;
    let mut document: OpenAPI = serde_yaml::from_str(&skeleton).ok()?;
    if !document.paths.paths.is_empty() || !document.components.as_ref()?.schemas.is_empty() {
        return None;
    }
    let parts: Vec<Part> = parts.into_iter().collect::<Option<_>>()?;
    // Entries are added in the order of the file; a key given twice keeps its
    // first place and its last value, as reading the whole map does.
    for part in parts {
        match part {
            Part::Paths(part) => {
                document.paths.paths.extend(part.paths.paths);
                document.paths.extensions.extend(part.paths.extensions);
            }
            Part::Schemas(part) => document.components.as_mut()?.schemas.extend(part.components.schemas),
        }
    }
    Some(document)
}

enum Part {
    Paths(PathsPart),
    Schemas(Box<ComponentsPart>),
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
