//! Models: one struct per object schema, one enum per string enum.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_attrs, ident, mentions, type_tokens, Module};
use crate::model::{EnumDef, Field, Model, StructDef, Type, TypeDef};

pub fn module(model: &Model) -> Module {
    let fields = || {
        model.types.iter().flat_map(|def| match def {
            TypeDef::Struct(def) => def.fields.iter(),
            TypeDef::Enum(_) => [].iter(),
        })
    };
    let uses = |pick: fn(&Type) -> bool| fields().any(|field| mentions(&field.ty, &pick));
    let has_structs = model.types.iter().any(|def| matches!(def, TypeDef::Struct(_)));
    let has_enums = model.types.iter().any(|def| matches!(def, TypeDef::Enum(_)));

    let mut imports = Vec::new();
    if uses(|ty| *ty == Type::DateTime) {
        imports.push(quote!(
            use chrono::{DateTime, Utc};
        ));
    }
    imports.push(match (has_structs, has_enums) {
        (true, true) => quote!(
            use serde::{Deserialize, Deserializer, Serialize, Serializer};
        ),
        (true, false) => quote!(
            use serde::{Deserialize, Serialize};
        ),
        (false, true) => quote!(
            use serde::{Deserialize, Deserializer, Serialize, Serializer};
        ),
        (false, false) => quote!(),
    });
    if has_structs {
        // Every struct keeps unknown properties in a `Map<String, Value>`.
        imports.push(quote!(
            use serde_json::{Map, Value};
        ));
    }
    if uses(|ty| *ty == Type::Bytes) {
        imports.push(quote!(
            use super::runtime::bytes::Base64Bytes;
        ));
    }
    if uses(|ty| *ty == Type::Secret) {
        imports.push(quote!(
            use super::runtime::secret::Secret;
        ));
    }
    if model
        .types
        .iter()
        .any(|def| matches!(def, TypeDef::Struct(def) if def.page.is_some()))
    {
        imports.push(quote!(
            use super::runtime::client::Page;
        ));
    }

    let definitions = model.types.iter().map(|def| match def {
        TypeDef::Struct(def) => struct_tokens(def),
        TypeDef::Enum(def) => enum_tokens(def),
    });
    Module {
        name: "models",
        docs: vec![
            "The types of the description's schemas.".to_owned(),
            String::new(),
            "Every property is optional: Graph leaves out what `$select` does not ask for, and sends".to_owned(),
            "`null` for some properties its metadata calls non-nullable. Properties the description".to_owned(),
            "does not know are kept in `additional_properties`, so a read-modify-write round trip".to_owned(),
            "loses nothing.".to_owned(),
        ],
        items: quote! {
            #(#imports)*
            #(#definitions)*
        },
    }
}

fn struct_tokens(def: &StructDef) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc_attrs(&def.docs);
    let fields = def.fields.iter().map(field_tokens);
    let extra = ident(&def.additional_properties);
    let page = def.page.as_ref().map(|page| {
        let item = type_tokens(&page.item);
        let items = ident(&page.items);
        let next_link = ident(&page.next_link);
        quote! {
            impl Page for #name {
                type Item = #item;

                fn next_link(&self) -> Option<&str> {
                    self.#next_link.as_deref()
                }

                fn into_items(self) -> Vec<#item> {
                    self.#items.unwrap_or_default()
                }
            }
        }
    });
    quote! {
        #docs
        #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
        pub struct #name {
            #(#fields)*
            /// Properties the description does not list, kept as they were received.
            #[serde(flatten)]
            pub #extra: Map<String, Value>,
        }

        #page
    }
}

fn field_tokens(field: &Field) -> TokenStream {
    let name = ident(&field.name);
    let docs = doc_attrs(&field.docs);
    let mut ty = type_tokens(&field.ty);
    if field.boxed {
        ty = quote!(Box<#ty>);
    }
    let rename = (field.name != field.json_name).then(|| {
        let json = &field.json_name;
        quote!(rename = #json,)
    });
    quote! {
        #docs
        #[serde(#rename skip_serializing_if = "Option::is_none")]
        pub #name: Option<#ty>,
    }
}

fn enum_tokens(def: &EnumDef) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc_attrs(&def.docs);
    let unrecognized = ident(&def.unrecognized);
    let variants: Vec<_> = def.variants.iter().map(|variant| ident(&variant.name)).collect();
    let values: Vec<&str> = def.variants.iter().map(|variant| variant.value.as_str()).collect();
    let variant_docs = values.iter().map(|value| format!(" `{value}`"));
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#[doc = #variant_docs] #variants,)*
            /// A value the description does not list, as received.
            #unrecognized(String),
        }

        impl #name {
            /// The value as Graph writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#variants => #values,)*
                    Self::#unrecognized(value) => value,
                }
            }
        }

        impl From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#values => Self::#variants,)*
                    other => Self::#unrecognized(other.to_owned()),
                }
            }
        }

        impl Serialize for #name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                String::deserialize(deserializer).map(|value| Self::from(value.as_str()))
            }
        }
    }
}
