//! Request builders: one type per node of the URL tree, a method per child
//! segment and per operation, so a call reads like the URL it sends.

use crate::text;
use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use super::{cfg, doc_attrs, ident, type_tokens, Imports, Module, Piece};
use crate::model::{
    Builder, Child, Gate, Model, Operation, Parameter, ParameterLocation, RequestBody, ResponseBody, Segment, Type,
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
    for operation in &model.operations {
        let mut names = BTreeSet::new();
        if let ResponseBody::Json(ty) = &operation.response {
            collect_named(ty, &mut names);
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
    let parameter_structs = builder
        .operations
        .iter()
        .filter_map(|&index| parameters_struct(&model.operations[index]));
    quote! {
        #docs
        #cfg
        #[derive(Clone, Debug)]
        pub struct #name {
            client: GraphClient,
            path: RequestPath,
        }

        #cfg
        impl #name {
            #(#children)*
            #(#operations)*
        }

        #(#parameter_structs)*
    }
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
        pub fn #method(&self, #arguments) -> #target {
            #target {
                client: #client,
                path: #path,
            }
        }
    }
}

/// The operation's method, and its `_with` twin when it takes parameters.
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
    let (body_argument, body_name, attach_body) = match &operation.body {
        None => (quote!(), quote!(), quote!()),
        Some(RequestBody::Json {
            ty: body_type,
            patch: false,
        }) => {
            let ty = type_tokens(body_type);
            let typed = typed_body(model, body_type, quote!(body));
            (quote!(body: &#ty,), quote!(body,), quote!(.json_body(#typed)))
        }
        Some(RequestBody::Json {
            ty: body_type,
            patch: true,
        }) => {
            let ty = type_tokens(body_type);
            let typed = typed_body(model, body_type, quote!(&body.into()));
            (
                quote!(body: impl Into<Patch<#ty>>,),
                quote!(body,),
                quote!(.json_body(#typed)),
            )
        }
        Some(RequestBody::Bytes { content_type }) => (
            quote!(body: Vec<u8>,),
            quote!(body,),
            quote!(.bytes_body(body, #content_type)),
        ),
    };
    let docs = doc_attrs(&operation.docs);
    let call = quote!(self.client.#constructor(Method::#http, self.path.clone())#attach_body);
    let (Some(struct_name), Some(with)) = (&operation.parameters_struct, &operation.method_with_parameters) else {
        return quote! {
            #docs
            #cfg
            pub fn #method(&self, #body_argument) -> Call<#output> {
                #call
            }
        };
    };
    let struct_name = ident(struct_name);
    let with = ident(with);
    let with_docs = doc_attrs(&[format!(
        "[`{}`](Self::{}) with query options and headers.",
        operation.method_name, operation.method_name
    )]);
    let apply = operation.parameters.iter().map(|parameter| {
        let field = ident(&parameter.field);
        let wire = &parameter.wire_name;
        let add = ident(parameter_method(parameter));
        quote!(.#add(#wire, parameters.#field))
    });
    quote! {
        #docs
        #cfg
        pub fn #method(&self, #body_argument) -> Call<#output> {
            self.#with(#body_name #struct_name::default())
        }

        #with_docs
        #cfg
        pub fn #with(&self, #body_argument parameters: #struct_name) -> Call<#output> {
            #call #(#apply)*
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

/// The runtime's `Call` method that adds a parameter when it is set.
fn parameter_method(parameter: &Parameter) -> &'static str {
    match parameter.location {
        ParameterLocation::Query => "query_option",
        ParameterLocation::Header => "header_option",
    }
}

fn parameters_struct(operation: &Operation) -> Option<TokenStream> {
    let name = ident(operation.parameters_struct.as_deref()?);
    let cfg = cfg(&operation.gate);
    let docs = doc_attrs(&[format!(
        "Query options and headers of {}; unset ones are not sent.",
        text::code(&format!("{} {}", operation.http_method.as_str(), operation.template))
    )]);
    let fields = operation.parameters.iter().map(|parameter| {
        let field = ident(&parameter.field);
        let ty = type_tokens(&parameter.ty);
        let docs = doc_attrs(&parameter.docs);
        quote! {
            #docs
            pub #field: Option<#ty>,
        }
    });
    Some(quote! {
        #docs
        #cfg
        #[derive(Clone, Debug, Default)]
        pub struct #name {
            #(#fields)*
        }
    })
}
