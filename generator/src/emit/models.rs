//! Models: one struct per object schema, one enum per string enum.

use proc_macro2::TokenStream;
use quote::quote;

use super::{doc_attrs, ident, mentions, type_path, type_tokens, Module};
use crate::model::{EnumDef, Field, Model, StructDef, Type, TypeDef, UnionDef};
use crate::names;

pub fn module(model: &Model) -> Module {
    let fields = || {
        model.types.iter().flat_map(|def| match def {
            TypeDef::Struct(def) => def.fields.iter(),
            TypeDef::Enum(_) | TypeDef::Union(_) => [].iter(),
        })
    };
    let uses = |pick: fn(&Type) -> bool| fields().any(|field| mentions(&field.ty, &pick));
    let has = |pick: fn(&TypeDef) -> bool| model.types.iter().any(pick);
    let has_structs = has(|def| matches!(def, TypeDef::Struct(_)));
    let has_custom_serde = has(|def| matches!(def, TypeDef::Enum(_) | TypeDef::Union(_)));

    let mut imports = Vec::new();
    let chrono: Vec<TokenStream> = [
        (Type::DateTime, quote!(DateTime)),
        (Type::Date, quote!(NaiveDate)),
        (Type::Time, quote!(NaiveTime)),
        (Type::DateTime, quote!(Utc)),
    ]
    .into_iter()
    .filter(|(ty, _)| fields().any(|field| mentions(&field.ty, &|candidate: &Type| candidate == ty)))
    .map(|(_, name)| name)
    .collect();
    if !chrono.is_empty() {
        imports.push(quote!(use chrono::{#(#chrono),*};));
    }
    imports.push(match (has_structs, has_custom_serde) {
        (_, true) => quote!(
            use serde::{Deserialize, Deserializer, Serialize, Serializer};
        ),
        (true, false) => quote!(
            use serde::{Deserialize, Serialize};
        ),
        (false, false) => quote!(),
    });
    if has_structs || has(|def| matches!(def, TypeDef::Union(_))) {
        // Every struct keeps unknown properties in a `Map<String, Value>`; unions keep unknown types as `Value`.
        imports.push(if has_structs {
            quote!(
                use serde_json::{Map, Value};
            )
        } else {
            quote!(
                use serde_json::Value;
            )
        });
    }
    if uses(|ty| *ty == Type::Uuid) {
        imports.push(quote!(
            use uuid::Uuid;
        ));
    }
    if uses(|ty| *ty == Type::Bytes) {
        imports.push(quote!(
            use super::runtime::bytes::Base64Bytes;
        ));
    }
    if uses(|ty| matches!(ty, Type::Flags(_))) {
        imports.push(quote!(
            use super::runtime::values::Flags;
        ));
    }
    if uses(|ty| *ty == Type::Numeric) {
        imports.push(quote!(
            use super::runtime::values::Numeric;
        ));
    }
    if uses(|ty| *ty == Type::Secret) {
        imports.push(quote!(
            use super::runtime::secret::Secret;
        ));
    }
    if has(|def| matches!(def, TypeDef::Struct(def) if def.page.is_some())) {
        imports.push(quote!(
            use super::runtime::client::Page;
        ));
    }

    let definitions = nest(model.types.iter().map(|def| {
        let tokens = match def {
            TypeDef::Struct(def) => struct_tokens(def),
            TypeDef::Enum(def) => enum_tokens(def),
            TypeDef::Union(def) => union_tokens(def),
        };
        (names::module_of(def.name()).to_owned(), tokens)
    }));
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
            #definitions
        },
    }
}

/// Definitions grouped into the modules of their paths: Graph namespaces such
/// as `microsoft.graph.termStore` become `pub mod term_store`. A module sees
/// everything above it through `use super::*`.
fn nest(definitions: impl Iterator<Item = (String, TokenStream)>) -> TokenStream {
    let mut root = Vec::new();
    let mut children: std::collections::BTreeMap<String, Vec<(String, TokenStream)>> = Default::default();
    for (module, tokens) in definitions {
        match module.split_once("::") {
            _ if module.is_empty() => root.push(tokens),
            Some((first, rest)) => children
                .entry(first.to_owned())
                .or_default()
                .push((rest.to_owned(), tokens)),
            None => children.entry(module).or_default().push((String::new(), tokens)),
        }
    }
    let modules = children.into_iter().map(|(name, definitions)| {
        let name = ident(&name);
        let body = nest(definitions.into_iter());
        quote! {
            pub mod #name {
                use super::*;
                #body
            }
        }
    });
    quote! { #(#root)* #(#modules)* }
}

fn struct_tokens(def: &StructDef) -> TokenStream {
    let name = ident(names::simple_name(&def.name));
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
    let name = ident(names::simple_name(&def.name));
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

        impl AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                self.as_str()
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

fn union_tokens(def: &UnionDef) -> TokenStream {
    let name = ident(names::simple_name(&def.name));
    let docs = doc_attrs(&def.docs);
    let unrecognized = ident(&def.unrecognized);
    let variants: Vec<_> = def.variants.iter().map(|variant| ident(&variant.name)).collect();
    let payloads = def.variants.iter().map(|variant| type_path(&variant.ty));
    let variant_docs = def.variants.iter().map(|variant| {
        let tags: Vec<String> = variant.tags.iter().map(|tag| format!("`{tag}`")).collect();
        let untagged = if variant.untagged { ", or no `@odata.type`" } else { "" };
        format!(" `@odata.type` {}{untagged}.", tags.join(", "))
    });
    let arms = def.variants.iter().zip(&variants).map(|(variant, name)| {
        let tags = &variant.tags;
        let none = variant.untagged.then(|| quote!(None |));
        quote! {
            #none #(Some(#tags))|* => serde_json::from_value(value).map(|value| Self::#name(Box::new(value))),
        }
    });
    quote! {
        #docs
        #[derive(Clone, Debug, PartialEq)]
        pub enum #name {
            #(#[doc = #variant_docs] #variants(Box<#payloads>),)*
            /// An object of a type the description does not know, as received.
            #unrecognized(Value),
        }

        impl Serialize for #name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(Self::#variants(value) => value.serialize(serializer),)*
                    Self::#unrecognized(value) => value.serialize(serializer),
                }
            }
        }

        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = Value::deserialize(deserializer)?;
                let tag = value.get("@odata.type").and_then(Value::as_str).map(str::to_owned);
                let result = match tag.as_deref() {
                    #(#arms)*
                    _ => return Ok(Self::#unrecognized(value)),
                };
                result.map_err(serde::de::Error::custom)
            }
        }
    }
}
