//! Request builders: one type per node of the URL tree, a method per child
//! segment and per operation, so a call reads like the URL it sends.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_attrs, ident, table_cell, type_tokens, Module};
use crate::model::{Builder, Child, Model, Operation, Permissions, Scopes, Segment, Type};

pub fn module(model: &Model) -> Module {
    let mut models = BTreeSet::new();
    for operation in &model.operations {
        if let Some(ty) = &operation.response {
            collect_named(ty, &mut models);
        }
    }
    let model_imports = (!models.is_empty()).then(|| {
        let models = models.iter().map(|name| ident(name));
        quote!(use super::models::{#(#models),*};)
    });
    let method_import = (!model.operations.is_empty()).then(|| {
        quote!(
            use reqwest::Method;
        )
    });
    let call_import = if model.operations.is_empty() {
        quote!(GraphClient)
    } else {
        quote!(Call, GraphClient)
    };

    let root = &model.builders[0];
    let root_methods = root.children.iter().map(|child| child_method(model, child, true));
    let builders = model
        .builders
        .iter()
        .skip(1)
        .map(|builder| builder_tokens(model, builder));
    Module {
        name: "client",
        docs: vec![
            "Request builders, shaped like Graph's URLs: start from a [`GraphClient`] and follow the".to_owned(),
            "path, for example `client.users().by_user_id(id)`. Nothing is sent until the call of".to_owned(),
            "an operation (`get()`, ...) is awaited.".to_owned(),
        ],
        items: quote! {
            #method_import
            #model_imports
            use super::runtime::client::{#call_import};
            use super::runtime::path::RequestPath;

            impl GraphClient {
                #(#root_methods)*
            }

            #(#builders)*
        },
    }
}

fn collect_named(ty: &Type, out: &mut BTreeSet<String>) {
    match ty {
        Type::Named(name) => {
            out.insert(name.clone());
        }
        Type::List(item) => collect_named(item, out),
        _ => {}
    }
}

fn builder_tokens(model: &Model, builder: &Builder) -> TokenStream {
    let name = ident(&builder.name);
    let docs = doc_attrs(&[format!("Requests on `{}`.", builder.template)]);
    let children = builder.children.iter().map(|child| child_method(model, child, false));
    let operations = builder
        .operations
        .iter()
        .map(|&index| operation_method(&model.operations[index]));
    quote! {
        #docs
        #[derive(Clone, Debug)]
        pub struct #name {
            client: GraphClient,
            path: RequestPath,
        }

        impl #name {
            #(#children)*
            #(#operations)*
        }
    }
}

fn child_method(model: &Model, child: &Child, from_client: bool) -> TokenStream {
    let target = ident(&model.builders[child.builder].name);
    let method = ident(&child.method);
    let docs = doc_attrs(&child.docs);
    let (client, base) = if from_client {
        (quote!(self.clone()), quote!(RequestPath::root()))
    } else {
        (quote!(self.client.clone()), quote!(self.path))
    };
    match &child.segment {
        Segment::Fixed(text) => quote! {
            #docs
            pub fn #method(&self) -> #target {
                #target {
                    client: #client,
                    path: #base.segment(#text),
                }
            }
        },
        Segment::Parameter { name, argument } => {
            let argument = ident(argument);
            quote! {
                #docs
                ///
                /// The value is sent as exactly one path segment, percent-encoded.
                pub fn #method(&self, #argument: impl AsRef<str>) -> #target {
                    #target {
                        client: #client,
                        path: #base.parameter(#name, #argument.as_ref()),
                    }
                }
            }
        }
    }
}

fn operation_method(operation: &Operation) -> TokenStream {
    let method = ident(&operation.method_name);
    let http = ident(operation.http_method.as_str());
    let output = match &operation.response {
        Some(ty) => type_tokens(ty),
        None => quote!(()),
    };
    let docs = doc_attrs(&operation_docs(operation));
    quote! {
        #docs
        pub fn #method(&self) -> Call<#output> {
            self.client.call(Method::#http, self.path.clone())
        }
    }
}

/// The doc comment of an operation: the spec's text, the request line, the
/// permissions and roles, the clouds, the documentation page.
fn operation_docs(operation: &Operation) -> Vec<String> {
    let mut docs = operation.docs.clone();
    let paragraph = |docs: &mut Vec<String>, lines: Vec<String>| {
        if !docs.is_empty() {
            docs.push(String::new());
        }
        docs.extend(lines);
    };
    paragraph(
        &mut docs,
        vec![format!("`{} {}`", operation.http_method.as_str(), operation.template)],
    );
    if let Some(permissions) = &operation.permissions {
        paragraph(
            &mut docs,
            permission_docs(permissions, operation.permissions_const.as_deref()),
        );
    }
    if !operation.clouds.is_empty() {
        let clouds: Vec<String> = operation
            .clouds
            .iter()
            .map(|cloud| {
                format!(
                    "[`Cloud::{}`](super::runtime::cloud::Cloud::{})",
                    cloud.variant(),
                    cloud.variant()
                )
            })
            .collect();
        paragraph(
            &mut docs,
            vec![format!("Available in the national clouds {}.", clouds.join(", "))],
        );
    }
    if let Some(url) = &operation.doc_url {
        paragraph(&mut docs, vec![format!("[Microsoft's documentation]({url})")]);
    }
    docs
}

fn permission_docs(permissions: &Permissions, constant: Option<&str>) -> Vec<String> {
    let row = |kind: &str, scopes: &Option<Scopes>| match scopes {
        Some(scopes) => format!(
            "| {kind} | {} | {} |",
            table_cell(&scopes.least.join(", ")),
            table_cell(&if scopes.higher.is_empty() {
                "None.".to_owned()
            } else {
                scopes.higher.join(", ")
            })
        ),
        None => format!("| {kind} | Not supported. | Not supported. |"),
    };
    let mut lines = vec![
        "# Permissions".to_owned(),
        String::new(),
        "| Permission type | Least privileged permissions | Higher privileged permissions |".to_owned(),
        "|---|---|---|".to_owned(),
        row("Delegated (work or school account)", &permissions.delegated_work),
        row(
            "Delegated (personal Microsoft account)",
            &permissions.delegated_personal,
        ),
        row("Application", &permissions.application),
    ];
    if !permissions.roles_for_other_users.is_empty() {
        lines.push(String::new());
        lines.push(format!(
            "A signed-in user acting on another user also needs one of these Microsoft Entra roles: {}.",
            permissions.roles_for_other_users.join(", ")
        ));
    }
    if let Some(constant) = constant {
        lines.push(String::new());
        lines.push(format!("As data: [`{constant}`](super::permissions::{constant})."));
    }
    lines
}
