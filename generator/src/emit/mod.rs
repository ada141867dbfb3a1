//! Stage 3: the model becomes token streams, one module per kind of output.
//! Emitters only read the model; every name they write was decided there.
//! Public for tools and the stage benchmarks; `output` is the usual way in.

mod client;
mod invocations;
mod models;
mod permissions;
pub mod root;

use std::collections::HashMap;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use crate::model::{Docs, Gate, Model, Type};
use crate::text;

/// One generated module: its documentation and its items, as pieces that
/// can be made and formatted on any thread, in any order.
pub struct Module<'m> {
    /// The module's name, for example `models`.
    pub name: &'static str,
    /// The module's own documentation (`//!`).
    pub docs: Docs,
    pub pieces: Vec<Piece<'m>>,
}

/// A part of a module's file.
pub enum Piece<'m> {
    /// Lines written as text: those that open and close nested modules, and
    /// the runtime macros' invocations (`invocations.rs`).
    Text(String),
    /// Items nested `depth` modules deep in their module, formatted by
    /// prettyplease. Token streams cannot cross threads, so a piece holds
    /// the function that makes them.
    Items {
        depth: usize,
        tokens: Box<dyn Fn() -> TokenStream + Send + Sync + 'm>,
    },
}

impl<'m> Piece<'m> {
    /// Items made by `tokens`, `depth` modules deep.
    pub(crate) fn tokens(depth: usize, tokens: impl Fn() -> TokenStream + Send + Sync + 'm) -> Self {
        Piece::Items {
            depth,
            tokens: Box::new(tokens),
        }
    }
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

/// `#[cfg(feature = ...)]` for an item behind `gate`; nothing for one that
/// is always compiled.
pub(crate) fn cfg(gate: &Gate) -> TokenStream {
    match gate
        .features()
        .map(|features| features.iter().collect::<Vec<_>>())
        .as_deref()
    {
        None => quote!(),
        Some([feature]) => quote!(#[cfg(feature = #feature)]),
        Some(features) => quote!(#[cfg(any(#(feature = #features),*))]),
    }
}

/// The `use` items of a module. Each name is compiled with the items that
/// use it (the join of their gates); names of one path and one gate share an
/// item; items and names keep the order they were first added in.
#[derive(Default)]
pub(crate) struct Imports {
    names: Vec<(&'static str, String, Gate)>,
    /// Where each `(path, name)` is in `names`.
    index: HashMap<(&'static str, String), usize>,
}

impl Imports {
    /// `path::name`, used by an item behind `gate`.
    pub(crate) fn add(&mut self, path: &'static str, name: &str, gate: &Gate) {
        match self.index.get(&(path, name.to_owned())) {
            Some(&at) => self.names[at].2.join(gate),
            None => {
                self.index.insert((path, name.to_owned()), self.names.len());
                self.names.push((path, name.to_owned(), gate.clone()));
            }
        }
    }

    /// The `use` items, each after `attrs`.
    pub(crate) fn tokens(&self, attrs: TokenStream) -> TokenStream {
        let mut groups: Vec<(&str, &Gate, Vec<Ident>)> = Vec::new();
        let mut group_of: HashMap<(&str, &Gate), usize> = HashMap::new();
        for (path, name, gate) in &self.names {
            match group_of.get(&(*path, gate)) {
                Some(&at) => groups[at].2.push(ident(name)),
                None => {
                    group_of.insert((path, gate), groups.len());
                    groups.push((path, gate, vec![ident(name)]));
                }
            }
        }
        let items = groups.iter().map(|(path, gate, names)| {
            let cfg = cfg(gate);
            let path = path.split("::").map(ident);
            match names.as_slice() {
                [name] => quote! { #attrs #cfg use #(#path)::*::#name; },
                _ => quote! { #attrs #cfg use #(#path)::*::{#(#names),*}; },
            }
        });
        quote!(#(#items)*)
    }
}

/// An identifier the model already checked.
pub(crate) fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// `#[doc = "..."]` attributes, one per line.
pub(crate) fn doc_attrs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|line| doc_line(line));
    quote! { #(#[doc = #lines])* }
}

/// `#![doc = "..."]` attributes, one per line.
pub(crate) fn inner_doc_attrs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|line| doc_line(line));
    quote! { #(#![doc = #lines])* }
}

/// What a doc attribute holds for one line: never more than one line, and no
/// hidden character (`text::line`), whatever the model put in it.
pub(crate) fn doc_line(line: &str) -> Literal {
    let line = text::line(line);
    text::literal(&if line.is_empty() { line } else { format!(" {line}") })
}

/// A type path such as `call_records::Session`, relative to the models
/// module (modules below it import everything above them).
pub(crate) fn type_path(path: &str) -> TokenStream {
    let parts = path.split("::").map(ident);
    quote!(#(#parts)::*)
}

/// The Rust type for a model type, written in the models' root module (or
/// outside the models).
pub(crate) fn type_tokens(ty: &Type) -> TokenStream {
    type_tokens_with(ty, &type_path)
}

/// The Rust type for a model type, written in the models' module `module`
/// (`call_records`): see [`type_path_in`].
pub(crate) fn type_tokens_in(model: &Model, ty: &Type, module: &str) -> TokenStream {
    type_tokens_with(ty, &|path| type_path_in(model, path, module))
}

/// A type path written in the models' module `module`: as it is, unless a
/// type or module there or in a module between it and the root has the name
/// the path starts with, which would shadow what `use super::*` brings in;
/// then from the root, through `super::`.
pub(crate) fn type_path_in(model: &Model, path: &str, module: &str) -> TokenStream {
    let first = path.split("::").next().unwrap_or(path);
    let mut scope = module;
    while !scope.is_empty() {
        if model.defines(&format!("{scope}::{first}")) {
            let supers = module.split("::").map(|_| quote!(super::));
            let path = type_path(path);
            return quote!(#(#supers)* #path);
        }
        scope = crate::names::module_of(scope);
    }
    type_path(path)
}

fn type_tokens_with(ty: &Type, type_path: &dyn Fn(&str) -> TokenStream) -> TokenStream {
    match ty {
        Type::String => quote!(String),
        Type::Secret => quote!(Secret),
        Type::Removed => quote!(Removed),
        Type::Bool => quote!(bool),
        Type::U8 => quote!(u8),
        Type::I16 => quote!(i16),
        Type::Numeric => quote!(Numeric),
        Type::Date => quote!(NaiveDate),
        Type::Time => quote!(NaiveTime),
        Type::Uuid => quote!(Guid),
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
            let item = type_tokens_with(item, type_path);
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
