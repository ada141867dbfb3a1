//! Permissions as data, so a caller can check a token's scopes or roles
//! before calling.

use crate::text;
use proc_macro2::TokenStream;
use quote::quote;

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
            let cfg = cfg(&operation.gate);
            Some(quote! {
                #docs
                #cfg
                pub const #name: OperationPermissions = OperationPermissions {
                    delegated_work: #delegated_work,
                    delegated_personal: #delegated_personal,
                    application: #application,
                    roles_for_other_users: &[#(#roles),*],
                };
            })
        })
        .collect();
    // The imports are compiled with the constants that use them.
    let mut imports = Imports::default();
    for operation in &model.operations {
        let Some(permissions) = &operation.permissions else {
            continue;
        };
        imports.add("super::runtime::permissions", "OperationPermissions", &operation.gate);
        let scopes = [
            &permissions.delegated_work,
            &permissions.delegated_personal,
            &permissions.application,
        ];
        if scopes.iter().any(|scopes| scopes.is_some()) {
            imports.add("super::runtime::permissions", "Scopes", &operation.gate);
        }
    }
    let import = imports.tokens(quote!());
    quote! {
        #import
        #(#constants)*
    }
}

fn scopes(scopes: &Option<Scopes>) -> TokenStream {
    match scopes {
        Some(Scopes { least, higher }) => quote!(Some(Scopes { least: &[#(#least),*], higher: &[#(#higher),*] })),
        None => quote!(None),
    }
}
