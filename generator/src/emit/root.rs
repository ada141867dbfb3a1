//! The crate's root (`lib.rs`) and the runtime's module: what declares the
//! generated modules and the runtime copy, and re-exports what a user names
//! first.

use proc_macro2::TokenStream;
use quote::quote;

use super::{ident, inner_doc_attrs, Module};
use std::collections::HashMap;

use crate::model::{HttpMethod, Model, ResponseBody, Segment, Takes, Type};
use crate::{runtime, text};

/// The items every generated crate re-exports at its root.
fn reexports() -> TokenStream {
    quote! {
        pub use client::GraphClient;
        pub use runtime::auth::{AccessToken, StaticToken, TokenSource};
        pub use runtime::call::Call;
        pub use runtime::cloud::Cloud;
        pub use runtime::error::{Error, GraphError};
        pub use runtime::query::{Expanded, Filter, Operand, Search};
    }
}

/// The crates the runtime re-exports for generated code (as `runtime/src/lib.rs` does).
fn crate_reexports() -> TokenStream {
    quote! {
        /// The crates generated code names, through this module.
        pub use {chrono, reqwest, serde, serde_json};
    }
}

/// The docs of the runtime's module.
fn runtime_docs() -> TokenStream {
    inner_doc_attrs(&[
        "The runtime graphgen copies into every generated crate: the HTTP client, errors, tokens,".to_owned(),
        "clouds and path encoding. It is the same code in every crate, tested once in graphgen.".to_owned(),
    ])
}

/// The chain of calls from the client to `builder` (`.users().by_user_id("id")`),
/// or `None` when a step takes more than one argument.
fn steps_to(model: &Model, builder: usize) -> Option<String> {
    let mut parent = vec![None; model.builders.len()];
    for (index, node) in model.builders.iter().enumerate() {
        for child in &node.children {
            parent[child.builder].get_or_insert((index, child));
        }
    }
    let mut steps = Vec::new();
    let mut at = builder;
    while at != 0 {
        let (up, child) = parent[at]?;
        steps.push(match &child.segment {
            Segment::Fixed(_) => format!(".{}()", child.method),
            Segment::Parameter { .. } => format!(".{}(\"id\")", child.method),
            Segment::Template { .. } => return None,
        });
        at = up;
    }
    steps.reverse();
    Some(steps.concat())
}

/// A crate-level example that runs as a doctest: the client, a call of the
/// description's shortest `GET` and, where one is a page, paging.
fn guide(model: &Model, crate_name: &str) -> Vec<String> {
    let builder_of: HashMap<usize, usize> = model
        .builders
        .iter()
        .enumerate()
        .flat_map(|(index, builder)| builder.operations.iter().map(move |&operation| (operation, index)))
        .collect();
    let is_page =
        |ty: &Type| matches!(ty, Type::Named(name) if model.struct_def(name).is_some_and(|def| def.page.is_some()));
    let mut gets: Vec<(usize, &str, String, bool, bool)> = model
        .operations
        .iter()
        .enumerate()
        .filter(|(_, op)| op.http_method == HttpMethod::Get && op.method_name == "get")
        .filter(|(_, op)| op.parameters.iter().all(|p| !matches!(p.takes, Takes::Argument(_))))
        .filter_map(|(index, op)| {
            let ResponseBody::Json(ty) = &op.response else {
                return None;
            };
            let steps = steps_to(model, *builder_of.get(&index)?)?;
            Some((
                op.template.matches('/').count(),
                op.template.as_str(),
                steps,
                is_page(ty),
                op.parameters
                    .iter()
                    .any(|p| matches!(p.takes, Takes::Setter(setter) if setter.method == "top")),
            ))
        })
        .collect();
    gets.sort();
    let Some(call) = gets.iter().find(|get| !get.3).or(gets.first()) else {
        return Vec::new();
    };
    let krate = crate_name.replace('-', "_");
    let mut lines = vec![
        String::new(),
        "# Calling Graph".to_owned(),
        String::new(),
        "A call is sent when it is awaited; an answer Graph refuses is [`Error::Graph`], with".to_owned(),
        "Graph's `code` and `message` and the request's ids. [`runtime::client`] says how every".to_owned(),
        "call behaves (retries, redirects, timeouts, tokens).".to_owned(),
        String::new(),
        "```".to_owned(),
        format!("use {krate}::{{Cloud, Error, GraphClient, StaticToken}};"),
        String::new(),
        "async fn example(client: &GraphClient) -> Result<(), Error> {".to_owned(),
        format!("    match client{}.get().await {{", call.2),
        "        Ok(value) => println!(\"{value:?}\"),".to_owned(),
        "        Err(Error::Graph(error)) => println!(\"{} {:?}: {:?}\", error.status, error.code, error.message),"
            .to_owned(),
        "        Err(other) => return Err(other),".to_owned(),
        "    }".to_owned(),
    ];
    if let Some(page) = gets.iter().find(|get| get.3) {
        lines.extend([
            "    // Every item of every page, following `@odata.nextLink`.".to_owned(),
            format!(
                "    let mut items = client{}.get(){}.items();",
                page.2,
                if page.4 { ".top(50)" } else { "" }
            ),
            "    while let Some(item) = items.try_next().await? {".to_owned(),
            "        println!(\"{item:?}\");".to_owned(),
            "    }".to_owned(),
        ]);
    }
    lines.extend([
        "    Ok(())".to_owned(),
        "}".to_owned(),
        String::new(),
        "fn main() -> Result<(), Error> {".to_owned(),
        "    let client = GraphClient::new(Cloud::Global, StaticToken::new(\"eyJ0eXAi...\"))?;".to_owned(),
        "    // Run `example(&client)` on an async runtime, tokio for one.".to_owned(),
        "    drop(example(&client));".to_owned(),
        "    Ok(())".to_owned(),
        "}".to_owned(),
        "```".to_owned(),
    ]);
    lines
}

/// `lib.rs` of a crate holding `emitted`.
pub fn crate_root(model: &Model, emitted: &[Module<'_>], crate_name: &str) -> TokenStream {
    let mut docs = vec![text::markdown(&model.title), String::new()];
    docs.push(format!(
        "Generated by graphgen from {}. Start with a [`GraphClient`] and follow the path of the URL:",
        model
            .sources
            .iter()
            .map(|source| text::code(source))
            .collect::<Vec<_>>()
            .join(", ")
    ));
    if emitted.iter().any(|module| module.name == "permissions") {
        docs.push("see [`client`]. Permissions of each operation are in its documentation and in".to_owned());
        docs.push("[`permissions`] as data.".to_owned());
    } else {
        docs.push("see [`client`].".to_owned());
    }
    let list = |features: &mut dyn Iterator<Item = &String>| {
        features
            .map(|feature| format!("`{feature}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let modules = &model.feature_table.modules;
    if !modules.is_empty() {
        docs.push(String::new());
        docs.push(format!(
            "Each description is a cargo feature, all on by default (`full`): {}. To compile only",
            list(&mut modules.iter().map(|(module, _)| module))
        ));
        if model.publishable {
            docs.push("what you call, turn off the default features and name the ones you need.".to_owned());
        } else {
            docs.push(
                "what you call, turn off the default features and name the ones you need; `Cargo.toml`".to_owned(),
            );
            docs.push("lists their finer parts (the descriptions' tags) and what each turns on.".to_owned());
        }
    } else if !model.features.is_empty() {
        docs.push(String::new());
        docs.push(format!(
            "Each part of the API is a cargo feature, all on by default (`full`): {}. To compile only",
            list(&mut model.features.iter())
        ));
        docs.push("what you call, turn off the default features and name the parts you need.".to_owned());
    }
    docs.extend(guide(model, crate_name));
    let docs = inner_doc_attrs(&docs);
    let declarations = emitted.iter().map(|module| ident(module.name));
    let reexports = reexports();
    // A build script's code has no features of its own: there the test graph
    // is `graphgen_runtime::testing::TestGraph<GraphClient>`.
    let testing = quote! {
        /// A local Graph for the tests of code that calls it (feature `testing`).
        #[cfg(feature = "testing")]
        pub type TestGraph = runtime::testing::TestGraph<client::GraphClient>;
    };
    // prettyplease and rustfmt lay code out differently; `cargo fmt` in a
    // workspace holding the crate must not rewrite what the generator wrote.
    // docs.rs labels each item with the features it needs (`[package.metadata.docs.rs]`).
    let doc_cfg = model
        .publishable
        .then(|| quote! { #![cfg_attr(docsrs, feature(doc_cfg))] });
    quote! {
        #docs
        #doc_cfg
        #(#[rustfmt::skip] pub mod #declarations;)*
        pub mod runtime;
        #reexports
        #testing
    }
}

/// `runtime/mod.rs` of a crate: the runtime's modules, each in its own file.
pub fn runtime_root() -> TokenStream {
    let docs = runtime_docs();
    let reexports = crate_reexports();
    let modules = runtime::MODULES.iter().map(|module| {
        let name = ident(module.name);
        match module.features {
            [] => quote! { pub mod #name; },
            [feature] => quote! { #[cfg(feature = #feature)] pub mod #name; },
            features => quote! { #[cfg(any(#(feature = #features),*))] pub mod #name; },
        }
    });
    // Not `#[rustfmt::skip]` on its declaration: that makes the module
    // macro-expanded, and the runtime's exported macros could not be named by
    // path in it.
    quote! {
        #![cfg_attr(rustfmt, rustfmt::skip)]
        #docs
        #(#modules)*
        #reexports
    }
}

/// What a build script's file holds beside the generated modules: the
/// runtime is the `graphgen-runtime` crate, which the including crate depends
/// on (the one dependency it adds), under the name generated code uses.
pub fn runtime_crate() -> TokenStream {
    let reexports = reexports();
    quote! {
        pub use ::graphgen_runtime as runtime;
        #reexports
    }
}
