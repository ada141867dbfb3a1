//! Stage 3: the model becomes token streams, one module per kind of output.
//! Emitters only read the model; every name they write was decided there.
//! Public for tools and the stage benchmarks; `output` is the usual way in.

mod client;
mod client_layout;
mod layout;

pub(crate) use layout::prettyplease_at;
mod models;
mod permissions;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::{Docs, Model, Type};

static TOKENS_ONLY: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Lays every piece out from its tokens, with prettyplease: the reference the
/// text layouts must match byte for byte (`tests/layout.rs`). For tests only.
#[doc(hidden)]
pub fn set_tokens_only(on: bool) {
    TOKENS_ONLY.store(on, std::sync::atomic::Ordering::Relaxed);
}

/// Whether pieces may be written as text.
pub(crate) fn text_allowed() -> bool {
    !TOKENS_ONLY.load(std::sync::atomic::Ordering::Relaxed)
}

/// One generated module: its documentation and its items, as pieces that
/// can be made and laid out on any thread, in any order.
pub struct Module<'m> {
    /// The module's name, for example `models`.
    pub name: &'static str,
    /// The module's own documentation (`//!`).
    pub docs: Docs,
    pub pieces: Vec<Piece<'m>>,
}

/// A part of a module's file.
pub enum Piece<'m> {
    /// Lines laid out already (those that open and close nested modules).
    Text(String),
    /// Items nested `depth` modules deep in their module. Token streams cannot
    /// cross threads, so a piece holds the functions that make them: their
    /// text when it can (exactly as prettyplease would lay out the tokens,
    /// given the depth in the file, deeper when the module is itself nested as
    /// in the single file for build scripts), else their tokens.
    Items {
        depth: usize,
        text: Option<Box<dyn Fn(usize) -> Option<String> + Send + Sync + 'm>>,
        tokens: Box<dyn Fn() -> TokenStream + Send + Sync + 'm>,
    },
}

type TextFn<'m> = dyn Fn(usize) -> Option<String> + Send + Sync + 'm;

impl<'m> Piece<'m> {
    /// Items laid out from their tokens only.
    pub(crate) fn tokens(depth: usize, tokens: impl Fn() -> TokenStream + Send + Sync + 'm) -> Self {
        Piece::Items {
            depth,
            text: None,
            tokens: Box::new(tokens),
        }
    }

    /// Items written as text by `text` when it can, else from `tokens`.
    pub(crate) fn text_or_tokens(
        depth: usize,
        text: impl Fn(usize) -> Option<String> + Send + Sync + 'm,
        tokens: impl Fn() -> TokenStream + Send + Sync + 'm,
    ) -> Self {
        Piece::Items {
            depth,
            text: Some(Box::new(text) as Box<TextFn<'m>>),
            tokens: Box::new(tokens),
        }
    }

    /// The piece's items `depth` modules deep: their text when allowed and
    /// written, else `None` (lay out the tokens).
    pub(crate) fn text_at(&self, depth: usize) -> Option<String> {
        match self {
            Piece::Items { text: Some(text), .. } if text_allowed() => text(depth),
            _ => None,
        }
    }
}

/// How many of the model's pieces of items are written as text, and how many
/// there are: the rest are laid out from their tokens by prettyplease. For
/// the tests, which check that the text ways are taken, not only that they
/// agree with the tokens.
#[doc(hidden)]
pub fn pieces_written_as_text(model: &Model) -> (usize, usize) {
    let (mut text, mut all) = (0, 0);
    for module in modules(model) {
        for piece in &module.pieces {
            if let Piece::Items { depth, .. } = piece {
                all += 1;
                text += usize::from(piece.text_at(*depth).is_some());
            }
        }
    }
    (text, all)
}

/// The generated modules, in the order `lib.rs` declares them.
pub fn modules(model: &Model) -> Vec<Module<'_>> {
    EMITTERS.iter().filter_map(|emit| emit(model)).collect()
}

/// One emitter per module, in the order `lib.rs` declares them; each gives
/// `None` when its module would be empty.
pub const EMITTERS: [for<'m> fn(&'m Model) -> Option<Module<'m>>; 3] = [
    |model| Some(client::module(model)),
    |model| Some(models::module(model)),
    permissions::module,
];

/// `#[cfg(any(feature = ...))]` for code that `features` need; nothing when
/// the crate has no features. Everything a feature needs carries it, so with
/// no feature on, no generated item and no import is compiled.
pub(crate) fn cfg(model: &Model, features: &crate::model::Features) -> TokenStream {
    if model.features.is_empty() {
        return quote!();
    }
    match features.len() {
        1 => {
            let feature = features.iter().next();
            quote!(#[cfg(feature = #feature)])
        }
        _ => {
            let features = features.iter();
            quote!(#[cfg(any(#(feature = #features),*))])
        }
    }
}

/// An identifier the model already checked.
pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// `#[doc = "..."]` attributes, one per line.
pub(crate) fn doc_attrs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|line| {
        if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        }
    });
    quote! { #(#[doc = #lines])* }
}

/// `#![doc = "..."]` attributes, one per line.
pub(crate) fn inner_doc_attrs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|line| {
        if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        }
    });
    quote! { #(#![doc = #lines])* }
}

/// A type path such as `call_records::Session`, relative to the models
/// module (modules below it import everything above them).
pub(crate) fn type_path(path: &str) -> TokenStream {
    let parts = path.split("::").map(ident);
    quote!(#(#parts)::*)
}

/// The Rust type for a model type.
pub(crate) fn type_tokens(ty: &Type) -> TokenStream {
    match ty {
        Type::String => quote!(String),
        Type::Secret => quote!(Secret),
        Type::Bool => quote!(bool),
        Type::U8 => quote!(u8),
        Type::I16 => quote!(i16),
        Type::Numeric => quote!(Numeric),
        Type::Date => quote!(NaiveDate),
        Type::Time => quote!(NaiveTime),
        Type::Uuid => quote!(Uuid),
        Type::Flags(name) => {
            let name = type_path(name);
            quote!(Flags<#name>)
        }
        Type::I32 => quote!(i32),
        Type::I64 => quote!(i64),
        Type::F64 => quote!(f64),
        Type::DateTime => quote!(DateTime<Utc>),
        Type::Bytes => quote!(Base64Bytes),
        Type::Json => quote!(Value),
        Type::Named(name) => type_path(name),
        Type::List(item) => {
            let item = type_tokens(item);
            quote!(Vec<#item>)
        }
    }
}

/// Whether `ty` mentions a type that `pick` selects.
pub(crate) fn mentions(ty: &Type, pick: &impl Fn(&Type) -> bool) -> bool {
    match ty {
        Type::List(item) => mentions(item, pick),
        other => pick(other),
    }
}

/// Escapes text placed in a Markdown table cell.
pub(crate) fn table_cell(text: &str) -> String {
    text.replace('|', "\\|")
}
