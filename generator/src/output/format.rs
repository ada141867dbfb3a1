//! prettyplease, item by item, and the blank lines between items.

use proc_macro2::TokenStream;
use quote::quote;
use rayon::prelude::*;

use crate::diagnostics::Error;
use crate::emit::{Module, Piece};

/// Formats generated tokens as a Rust file (prettyplease, then a blank line between items).
pub fn format(tokens: TokenStream) -> Result<String, Error> {
    let mut spaced = Spaced::after(String::new());
    spaced.push(&format_at(tokens, 0)?);
    Ok(spaced.out)
}

/// prettyplease's layout of `tokens` (items or inner attributes) nested
/// `depth` modules deep: each line indented as it would be there.
pub(super) fn format_at(tokens: TokenStream, depth: usize) -> Result<String, Error> {
    let mut tokens = tokens;
    for _ in 0..depth {
        tokens = quote!(pub mod m { #tokens });
    }
    let file: syn::File =
        syn::parse2(tokens).map_err(|error| Error::Internal(format!("generated code does not parse: {error}")))?;
    let text = prettyplease::unparse(&file);
    if depth == 0 {
        return Ok(text);
    }
    let lines: Vec<&str> = text.lines().collect();
    let inner = lines.get(depth..lines.len().saturating_sub(depth)).unwrap_or_default();
    Ok(inner.iter().map(|line| format!("{line}\n")).collect())
}

/// A module's items `offset` modules deeper than its top, formatted piece by
/// piece on every core (pieces are independent) and pushed in order.
pub(super) fn push_module(spaced: &mut Spaced, module: &Module, offset: usize) -> Result<(), Error> {
    let texts: Vec<Result<String, Error>> = module
        .pieces
        .par_iter()
        .map(|piece| match piece {
            Piece::Text(text) if offset == 0 => Ok(text.clone()),
            Piece::Text(text) => {
                let indent = "    ".repeat(offset);
                Ok(text.lines().map(|line| format!("{indent}{line}\n")).collect())
            }
            Piece::Items { depth, tokens } => format_at(tokens(), depth + offset),
        })
        .collect();
    for text in texts {
        spaced.push(&text?);
    }
    Ok(())
}

/// Code with a blank line after each item that ends at the left margin (and
/// after the imports and the module docs): prettyplease puts items right
/// after one another, which reads worse. Code is pushed a piece at a time,
/// and spaced as if the pieces were one text.
pub(super) struct Spaced {
    pub(super) out: String,
    /// The last line pushed, to space the next one after it.
    last: Option<String>,
}

impl Spaced {
    /// Spaced code after `out` (a header), which is left as it is.
    pub(super) fn after(out: String) -> Self {
        Spaced { out, last: None }
    }

    pub(super) fn push(&mut self, code: &str) {
        for line in code.lines() {
            if self.last.as_deref().is_some_and(|last| blank_between(last, line)) {
                self.out.push('\n');
            }
            self.last = Some(line.to_owned());
            self.out.push_str(line);
            self.out.push('\n');
        }
    }
}

/// Whether a blank line goes between two lines of generated code.
fn blank_between(line: &str, next: &str) -> bool {
    // A comment never ends an item, even one whose text ends in `;` (`&lt;`).
    let at_margin = !line.starts_with([' ', '/']);
    let ends_item = line == "}" || line == "};" || at_margin && (line.ends_with(';') || line.ends_with("{}"));
    let same_group = line.starts_with("use ") && next.starts_with("use ")
        // The marker impls of one builder (`impl options::Select<options::Get> for ... {}`).
        || line.ends_with("{}") && (next.starts_with("impl ") || next.starts_with("#[cfg"))
        || line.starts_with("pub mod ") && (next.starts_with("pub mod ") || next.starts_with("#["))
        || line.starts_with("pub use ") && next.starts_with("pub use ");
    let after_docs = line.starts_with("//!") && !next.starts_with("//!");
    (ends_item && !same_group && !next.is_empty()) || after_docs
}
