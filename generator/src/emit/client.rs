//! Request builders: one type per node of the URL tree, a method per child
//! segment and per operation, so a call reads like the URL it sends.
//!
//! Every method is `#[inline]`: compiled where it is called, not with the
//! crate, so building all of Graph does not compile every operation's
//! answer reading (BENCHMARKS.md, "Compiling a generated crate").

use crate::text;
use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::{cfg, doc_attrs, ident, type_tokens, Imports, Module, Piece};
use crate::model::{
    Builder, Child, Gate, Model, Operation, ParameterLocation, RequestBody, ResponseBody, Segment, Takes, Type,
};

pub fn module(model: &Model) -> Module<'_> {
    let mut pieces = vec![
        Piece::tokens(0, move || imports(model)),
        Piece::tokens(0, move || root_impl(model)),
    ];
    for builder in model.builders.iter().skip(1) {
        pieces.push(Piece::tokens(0, move || builder_tokens(model, builder)));
    }
    Module {
        name: "client",
        docs: vec![
            "Request builders, shaped like Graph's URLs: start from a [`GraphClient`] and follow the".to_owned(),
            "path, for example `client.users().by_user_id(id)`. Nothing is sent until the call of".to_owned(),
            "an operation (`get()`, ...) is awaited.".to_owned(),
        ],
        pieces,
    }
}

/// The imports of the client module, each compiled with the operations that use it.
fn imports(model: &Model) -> TokenStream {
    let mut types: BTreeMap<String, Gate> = BTreeMap::new();
    let mut operations = Gate::never();
    let mut patch: Option<Gate> = None;
    let mut options: Option<Gate> = None;
    for operation in &model.operations {
        if takes_options(operation) {
            options.get_or_insert_with(Gate::never).join(&operation.gate);
        }
        let mut names = BTreeSet::new();
        if let ResponseBody::Json(ty) = &operation.response {
            collect_named(ty, &mut names);
        }
        if let Some(ty) = &operation.uploads {
            collect_named(ty, &mut names);
        }
        if let Some(properties) = &operation.properties {
            names.insert(properties.split("::").next().unwrap_or(properties).to_owned());
        }
        if let Some(RequestBody::Json { ty, patch: is_patch }) = &operation.body {
            collect_named(ty, &mut names);
            if *is_patch {
                patch.get_or_insert_with(Gate::never).join(&operation.gate);
            }
        }
        for name in names {
            types.entry(name).or_insert_with(Gate::never).join(&operation.gate);
        }
        operations.join(&operation.gate);
    }
    let mut imports = Imports::default();
    let has_operations = !model.operations.is_empty();
    for (name, gate) in &types {
        imports.add("super::models", name, gate);
    }
    if has_operations {
        imports.add("super::runtime::call", "Call", &operations);
    }
    if let Some(options) = &options {
        imports.add("super::runtime", "options", options);
    }
    if let Some(patch) = &patch {
        imports.add("super::runtime::patch", "Patch", patch);
    }
    if has_operations {
        imports.add("super::runtime::path", "RequestPath", &operations);
        imports.add("super::runtime::reqwest", "Method", &operations);
    }
    imports.tokens(quote!())
}

/// The client: the runtime's, with the service root's children as methods
/// (a type of the generated code's own, so that code including it can add
/// them while the runtime is a crate of its own).
fn root_impl(model: &Model) -> TokenStream {
    let root_methods = model.builders[0]
        .children
        .iter()
        .map(|child| child_method(model, child, true));
    let examples = examples(model);
    quote! {
        /// A Microsoft Graph client: a service root, a token source, an HTTP connection pool
        /// and the request policy, with the paths of this crate's descriptions. Cloning is
        /// cheap and shares them.
        ///
        /// It is the runtime's [`GraphClient`](super::runtime::client::GraphClient), whose
        /// methods it has too (batches, uploads, calls by URL): its documentation says how
        /// every call behaves.
        #[derive(Clone, Debug)]
        pub struct GraphClient(super::runtime::client::GraphClient);

        impl GraphClient {
            /// A client of `cloud`'s v1.0 endpoint with the default policy.
            pub fn new(
                cloud: super::runtime::cloud::Cloud,
                tokens: impl super::runtime::auth::TokenSource + 'static,
            ) -> Result<Self, super::runtime::error::Error> {
                Self::builder(tokens).cloud(cloud).build()
            }

            /// A builder, to choose the cloud, a custom service root, the HTTP client,
            /// retries, timeouts and limits.
            pub fn builder(
                tokens: impl super::runtime::auth::TokenSource + 'static,
            ) -> super::runtime::client::ClientBuilder<Self> {
                super::runtime::client::ClientBuilder::new(tokens)
            }

            #(#root_methods)*
        }

        impl From<super::runtime::client::GraphClient> for GraphClient {
            fn from(client: super::runtime::client::GraphClient) -> Self {
                Self(client)
            }
        }

        impl std::ops::Deref for GraphClient {
            type Target = super::runtime::client::GraphClient;

            fn deref(&self) -> &Self::Target {
                &self.0
            }
        }

        #examples
    }
}

/// The operations' example answers, which a test graph answers with
/// (`runtime::testing`); nothing refers to them outside tests.
fn examples(model: &Model) -> TokenStream {
    let examples: Vec<TokenStream> = model
        .operations
        .iter()
        .filter_map(|operation| {
            let json = operation.example.as_deref()?;
            let method = operation.http_method.as_str();
            let template = &operation.template;
            Some(quote! {
                super::runtime::client::Example { method: #method, template: #template, json: #json }
            })
        })
        .collect();
    if examples.is_empty() {
        return quote! { impl super::runtime::client::Examples for GraphClient {} };
    }
    quote! {
        impl super::runtime::client::Examples for GraphClient {
            const EXAMPLES: &'static [super::runtime::client::Example] = &[#(#examples),*];
        }
    }
}

/// The names to import from the models module: a type at its root, or the
/// first module of a type below it.
fn collect_named(ty: &Type, out: &mut BTreeSet<String>) {
    match ty {
        Type::Named(name) => {
            out.insert(name.split("::").next().unwrap_or(name).to_owned());
        }
        Type::List(item) => collect_named(item, out),
        _ => {}
    }
}

fn builder_tokens(model: &Model, builder: &Builder) -> TokenStream {
    let name = ident(&builder.name);
    let cfg = cfg(&builder.gate);
    let docs = doc_attrs(&[format!("Requests on {}.", text::code(&builder.template))]);
    let children = builder.children.iter().map(|child| child_method(model, child, false));
    let operations = builder
        .operations
        .iter()
        .map(|&index| operation_methods(model, &model.operations[index]));
    let mut markers = Vec::new();
    for &index in &builder.operations {
        let operation = &model.operations[index];
        let gate = super::cfg(&operation.gate);
        let method = ident(operation.http_method.marker());
        if setters(operation).any(|setter| setter.properties) {
            let property = match &operation.properties {
                Some(properties) => type_tokens(&Type::Named(properties.clone())),
                None => quote!(super::runtime::query::AnyProperty),
            };
            markers.push(quote! {
                #gate
                impl options::Properties<options::#method> for #name {
                    type Property = #property;
                }
            });
        }
        if let Some(item) = &operation.uploads {
            let item = match item {
                Type::Json => quote!(super::runtime::serde_json::Value),
                item => type_tokens(item),
            };
            markers.push(quote! {
                #gate
                impl options::Uploads<options::#method> for #name {
                    type Item = #item;
                }
            });
        }
        for setter in setters(operation) {
            let marker = ident(setter.marker);
            markers.push(quote!(#gate impl options::#marker<options::#method> for #name {}));
        }
    }
    // Nothing derived: a builder is made again from the client as cheaply as
    // it would be cloned, and derived `Clone` and `Debug` impls, two per
    // builder, were a fifth of the memory of checking all of v1.0
    // (BENCHMARKS.md, "Compiling a generated crate").
    quote! {
        #docs
        #cfg
        pub struct #name {
            client: GraphClient,
            path: RequestPath,
        }

        #cfg
        impl #name {
            #(#children)*
            #(#operations)*
        }

        #(#markers)*
    }
}

/// Whether the call of `operation` is a `Call<T, (Builder, Method)>`, whose
/// builder says what it takes: setters, or an upload.
fn takes_options(operation: &Operation) -> bool {
    setters(operation).next().is_some() || operation.uploads.is_some()
}

/// The runtime's setters the call of `operation` has.
fn setters(operation: &Operation) -> impl Iterator<Item = crate::runtime::Setter> + '_ {
    operation
        .parameters
        .iter()
        .filter_map(|parameter| match parameter.takes {
            Takes::Setter(setter) => Some(setter),
            _ => None,
        })
}

/// The method stepping to `child`, on the client itself or on a builder.
fn child_method(model: &Model, child: &Child, from_client: bool) -> TokenStream {
    let target = ident(&model.builders[child.builder].name);
    let cfg = cfg(&child.gate);
    let method = ident(&child.method);
    let docs = doc_attrs(&child.docs);
    let (client, base) = if from_client {
        (quote!(self.clone()), quote!(RequestPath::root()))
    } else {
        (quote!(self.client.clone()), quote!(self.path))
    };
    let (arguments, path) = match &child.segment {
        Segment::Fixed(text) => (quote!(), quote!(#base.segment(#text))),
        Segment::Parameter { name, argument } => {
            let argument = ident(argument);
            (
                quote!(#argument: impl AsRef<str>),
                quote!(#base.parameter(#name, #argument.as_ref())),
            )
        }
        Segment::Template { text, parameters } => {
            let names = parameters.iter().map(|(name, _)| name);
            let arguments: Vec<_> = parameters.iter().map(|(_, argument)| ident(argument)).collect();
            (
                quote!(#(#arguments: impl AsRef<str>),*),
                quote!(#base.segment_template(#text, &[#((#names, #arguments.as_ref())),*])),
            )
        }
    };
    let encoding_note = match child.segment {
        Segment::Fixed(_) => quote!(),
        Segment::Parameter { .. } => quote! {
            ///
            /// The value is sent as exactly one path segment, percent-encoded.
        },
        Segment::Template { .. } => quote! {
            ///
            /// Each value is percent-encoded into the segment and cannot change the path.
        },
    };
    quote! {
        #docs
        #encoding_note
        #cfg
        #[inline]
        pub fn #method(&self, #arguments) -> #target {
            #target {
                client: #client,
                path: #path,
            }
        }
    }
}

/// The operation's method: its call, with the setters of the options it takes.
fn operation_methods(model: &Model, operation: &Operation) -> TokenStream {
    let cfg = cfg(&operation.method_gate);
    let method = ident(&operation.method_name);
    let http = ident(operation.http_method.as_str());
    let (output, constructor) = match &operation.response {
        ResponseBody::Json(ty) => (type_tokens(ty), quote!(call)),
        ResponseBody::Empty => (quote!(()), quote!(call)),
        ResponseBody::Bytes => (quote!(Vec<u8>), quote!(call_bytes)),
        ResponseBody::Count => (quote!(i64), quote!(call_count)),
        ResponseBody::Reference => (quote!(super::runtime::object::Reference), quote!(call)),
        ResponseBody::References => (quote!(super::runtime::object::References), quote!(call)),
    };
    let (body_argument, attach_body) = match &operation.body {
        None => (quote!(), quote!()),
        Some(RequestBody::Json {
            ty: body_type,
            patch: false,
        }) => {
            let ty = type_tokens(body_type);
            let typed = typed_body(model, body_type, quote!(body));
            (quote!(body: &#ty,), quote!(.json_body(#typed)))
        }
        Some(RequestBody::Json {
            ty: body_type,
            patch: true,
        }) => {
            let ty = type_tokens(body_type);
            let typed = typed_body(model, body_type, quote!(&body.into()));
            (quote!(body: impl Into<Patch<#ty>>,), quote!(.json_body(#typed)))
        }
        Some(RequestBody::Bytes { content_type }) => (quote!(body: Vec<u8>,), quote!(.bytes_body(body, #content_type))),
    };
    let docs = doc_attrs(&operation.docs);
    let mut arguments = Vec::new();
    let mut required = Vec::new();
    for parameter in &operation.parameters {
        let Takes::Argument(argument) = &parameter.takes else {
            continue;
        };
        let argument = ident(argument);
        // Strings as path parameters are taken; other types as they are.
        let (ty, value) = match &parameter.ty {
            Type::String => (quote!(impl AsRef<str>), quote!(#argument.as_ref())),
            ty => (type_tokens(ty), quote!(#argument)),
        };
        arguments.push(quote!(#argument: #ty,));
        let wire = &parameter.wire_name;
        required.push(match parameter.location {
            ParameterLocation::Query => quote!(.query(#wire, #value)),
            ParameterLocation::Header => quote!(.header(#wire, #value)),
        });
    }
    let (output, accepting) = if takes_options(operation) {
        let marker = ident(operation.http_method.marker());
        (quote!(Call<#output, (Self, options::#marker)>), quote!(.accepting()))
    } else {
        (quote!(Call<#output>), quote!())
    };
    // Directory objects' operations: their advanced queries need `ConsistencyLevel`.
    let advanced = setters(operation)
        .any(|setter| setter.wire == crate::runtime::CONSISTENCY_LEVEL)
        .then(|| quote!(.advanced_queries()));
    quote! {
        #docs
        #cfg
        #[inline]
        pub fn #method(&self, #body_argument #(#arguments)*) -> #output {
            self.client.#constructor(Method::#http, self.path.clone())#attach_body #(#required)* #advanced #accepting
        }
    }
}

/// A request body: a derived type's says what it is (its `@odata.type`)
/// unless its value already does, so that Graph knows what to create or change.
fn typed_body(model: &Model, ty: &Type, body: TokenStream) -> TokenStream {
    match ty {
        Type::Named(name) if model.struct_def(name).is_some_and(|def| def.odata_type.is_some()) => {
            let ty = type_tokens(ty);
            quote!(&super::runtime::object::Typed::<#ty, _>::new(#body))
        }
        _ => body,
    }
}
