//! Permissions as data, so a caller can check a token's scopes or roles
//! before calling.

use crate::text;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::HashMap;

use super::{cfg, doc_attrs, ident, Imports, Module, Piece};
use crate::model::{Model, Scopes};

pub fn module(model: &Model) -> Option<Module<'_>> {
    if !model.operations.iter().any(|operation| operation.permissions.is_some()) {
        return None;
    }
    Some(Module {
        name: "permissions",
        docs: vec![
            "The permissions each operation accepts, least privileged first, as Microsoft documents them.".to_owned(),
        ],
        pieces: vec![Piece::tokens(0, move || items(model))],
    })
}

fn items(model: &Model) -> TokenStream {
    // Operations share few distinct sets: each set is a constant of its own,
    // and an operation's constant names it, for checking a constant with a
    // literal of its own takes several times the memory of one naming
    // another (BENCHMARKS.md, "Compiling a generated crate").
    let mut sets: Vec<TokenStream> = Vec::new();
    let mut known: HashMap<String, usize> = HashMap::new();
    let constants: Vec<TokenStream> = model
        .operations
        .iter()
        .filter_map(|operation| {
            let permissions = operation.permissions.as_ref()?;
            let name = ident(operation.permissions_const.as_deref()?);
            let docs = doc_attrs(&[format!(
                "Who may call {} ({}).",
                text::code(&format!("{} {}", operation.http_method.as_str(), operation.template)),
                text::code(&operation.operation_id)
            )]);
            let delegated_work = scopes(&permissions.delegated_work);
            let delegated_personal = scopes(&permissions.delegated_personal);
            let application = scopes(&permissions.application);
            let roles = &permissions.roles_for_other_users;
            let value = quote! {
                OperationPermissions {
                    delegated_work: #delegated_work,
                    delegated_personal: #delegated_personal,
                    application: #application,
                    roles_for_other_users: &[#(#roles),*],
                }
            };
            let index = *known.entry(value.to_string()).or_insert_with(|| {
                sets.push(value);
                sets.len() - 1
            });
            let set = ident(&format!("SET_{index}"));
            let cfg = cfg(&operation.gate);
            Some(quote! {
                #docs
                #cfg
                pub const #name: OperationPermissions = sets::#set;
            })
        })
        .collect();
    let sets = sets.iter().enumerate().map(|(index, value)| {
        let set = ident(&format!("SET_{index}"));
        quote!(pub const #set: OperationPermissions = #value;)
    });
    // The import is compiled with the constants that use it.
    let mut imports = Imports::default();
    for operation in model
        .operations
        .iter()
        .filter(|operation| operation.permissions.is_some())
    {
        imports.add("super::runtime::permissions", "OperationPermissions", &operation.gate);
    }
    let import = imports.tokens(quote!());
    quote! {
        #import
        #(#constants)*

        /// The distinct sets, each compiled whatever features are on.
        #[allow(dead_code, unused_imports)]
        mod sets {
            use super::super::runtime::permissions::{OperationPermissions, Scopes};
            #(#sets)*
        }
    }
}

fn scopes(scopes: &Option<Scopes>) -> TokenStream {
    match scopes {
        Some(Scopes { least, higher }) => quote!(Some(Scopes { least: &[#(#least),*], higher: &[#(#higher),*] })),
        None => quote!(None),
    }
}
