//! Permissions as data, so a caller can check a token's scopes or roles
//! before calling.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_attrs, ident, Module};
use crate::model::{Model, Scopes};

pub fn module(model: &Model) -> Option<Module> {
    let constants: Vec<TokenStream> = model
        .operations
        .iter()
        .filter_map(|operation| {
            let permissions = operation.permissions.as_ref()?;
            let name = ident(operation.permissions_const.as_deref()?);
            let docs = doc_attrs(&[format!(
                "Who may call `{} {}` (`{}`).",
                operation.http_method.as_str(),
                operation.template,
                operation.operation_id
            )]);
            let delegated_work = scopes(&permissions.delegated_work);
            let delegated_personal = scopes(&permissions.delegated_personal);
            let application = scopes(&permissions.application);
            let roles = &permissions.roles_for_other_users;
            Some(quote! {
                #docs
                pub const #name: OperationPermissions = OperationPermissions {
                    delegated_work: #delegated_work,
                    delegated_personal: #delegated_personal,
                    application: #application,
                    roles_for_other_users: &[#(#roles),*],
                };
            })
        })
        .collect();
    if constants.is_empty() {
        return None;
    }
    let any_scopes = model
        .operations
        .iter()
        .filter_map(|op| op.permissions.as_ref())
        .any(|permissions| {
            permissions.delegated_work.is_some()
                || permissions.delegated_personal.is_some()
                || permissions.application.is_some()
        });
    let import = if any_scopes {
        quote!(
            use super::runtime::permissions::{OperationPermissions, Scopes};
        )
    } else {
        quote!(
            use super::runtime::permissions::OperationPermissions;
        )
    };
    Some(Module {
        name: "permissions",
        docs: vec![
            "The permissions each operation accepts, least privileged first, as Microsoft documents them.".to_owned(),
        ],
        items: quote! {
            #import
            #(#constants)*
        },
    })
}

fn scopes(scopes: &Option<Scopes>) -> TokenStream {
    match scopes {
        Some(Scopes { least, higher }) => quote!(Some(Scopes { least: &[#(#least),*], higher: &[#(#higher),*] })),
        None => quote!(None),
    }
}
