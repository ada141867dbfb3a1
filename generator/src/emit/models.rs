//! Models: one struct per object schema, one enum per string enum.

use crate::text;
use proc_macro2::TokenStream;
use quote::quote;

use std::collections::{BTreeMap, BTreeSet};

use super::{
    cfg, doc_attrs, doc_line, ident, invocations, mentions, type_path_in, type_tokens_in, Imports, Module, Piece,
};
use crate::model::{EnumDef, Field, Gate, Model, StructDef, Type, TypeDef, UnionDef, UnionVariant};
use crate::names;

/// Where each name the models import comes from, in the order they are imported.
const IMPORTS: &[(&str, &str)] = &[
    ("super::runtime::chrono", "DateTime"),
    ("super::runtime::chrono", "NaiveDate"),
    ("super::runtime::chrono", "NaiveTime"),
    ("super::runtime::chrono", "Utc"),
    ("super::runtime::serde", "Deserialize"),
    ("super::runtime::serde", "Deserializer"),
    ("super::runtime::serde", "Serialize"),
    ("super::runtime::serde", "Serializer"),
    ("super::runtime::serde::de", "MapAccess"),
    ("super::runtime::serde_json", "Map"),
    ("super::runtime::serde_json", "Value"),
    ("super::runtime::bytes", "Base64Bytes"),
    ("super::runtime::object", "json_object"),
    ("super::runtime::object", "other_property"),
    ("super::runtime::object", "property"),
    ("super::runtime::object", "ObjectKey"),
    ("super::runtime::object", "read_object"),
    ("super::runtime::object", "write_object"),
    ("super::runtime::object", "JsonObject"),
    ("super::runtime::object", "ODataType"),
    ("super::runtime::object", "Removed"),
    ("super::runtime::object", "Typed"),
    ("super::runtime::paging", "Page"),
    ("super::runtime::query", "properties"),
    ("super::runtime::query", "Literal"),
    ("super::runtime::query", "PropertyName"),
    ("super::runtime::read", "odata_type"),
    ("super::runtime::read", "read_root"),
    ("super::runtime::read", "read_unrecognized"),
    ("super::runtime::read", "read_variant"),
    ("super::runtime::read", "At"),
    ("super::runtime::read", "Fit"),
    ("super::runtime::read", "FromJson"),
    ("super::runtime::secret", "Secret"),
    ("super::runtime::values", "Flags"),
    ("super::runtime::values", "string_enum"),
    ("super::runtime::values", "Guid"),
    ("super::runtime::values", "Numeric"),
];

/// The names a type's definition uses from [`IMPORTS`].
fn needs(model: &Model, def: &TypeDef) -> BTreeSet<&'static str> {
    let mut out = BTreeSet::new();
    match def {
        TypeDef::Struct(def) => {
            out.extend([
                "Deserialize",
                "Deserializer",
                "Serialize",
                "Serializer",
                "MapAccess",
                "write_object",
                "Map",
                "Value",
                "json_object",
                "property",
                "other_property",
                "ObjectKey",
                "read_object",
                "JsonObject",
                "read_root",
                "At",
                "Fit",
                "FromJson",
            ]);
            if def.page.is_some() {
                out.insert("Page");
            }
            if def.properties.is_some() {
                out.extend(["properties", "PropertyName"]);
            }
            if def.odata_type.is_some() {
                out.insert("ODataType");
            }
            for field in &def.fields {
                for (ty, names) in [
                    (Type::DateTime, &["DateTime", "Utc"][..]),
                    (Type::Date, &["NaiveDate"]),
                    (Type::Time, &["NaiveTime"]),
                    (Type::Uuid, &["Guid"]),
                    (Type::Bytes, &["Base64Bytes"]),
                    (Type::Numeric, &["Numeric"]),
                    (Type::Secret, &["Secret"]),
                    (Type::Removed, &["Removed"]),
                ] {
                    if mentions(&field.ty, &|candidate: &Type| *candidate == ty) {
                        out.extend(names);
                    }
                }
                if mentions(&field.ty, &|candidate: &Type| matches!(candidate, Type::Flags(_))) {
                    out.insert("Flags");
                }
            }
        }
        TypeDef::Enum(_) => out.extend([
            "Deserialize",
            "Deserializer",
            "Serialize",
            "Serializer",
            "string_enum",
            "FromJson",
            "Literal",
        ]),
        TypeDef::Union(def) => {
            out.extend([
                "Deserialize",
                "Deserializer",
                "Serialize",
                "Serializer",
                "Value",
                "odata_type",
                "read_root",
                "read_unrecognized",
                "read_variant",
                "At",
                "Fit",
                "FromJson",
            ]);
            if def.variants.iter().any(|variant| typed_variant(model, variant)) {
                out.insert("Typed");
            }
        }
    }
    out
}

/// Whether a union's variant writes its type's `@odata.type` when the value
/// has none: a derived type's variant, not the declared type's.
fn typed_variant(model: &Model, variant: &UnionVariant) -> bool {
    !variant.untagged
        && model
            .struct_def(&variant.ty)
            .is_some_and(|def| def.odata_type.is_some())
}

pub fn module(model: &Model) -> Module<'_> {
    let mut pieces = vec![Piece::tokens(0, move || imports(model))];
    nest(model, &Tree::of(model), 0, &mut pieces);
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
        pieces,
    }
}

/// The imports the types use.
fn imports(model: &Model) -> TokenStream {
    let mut used: BTreeSet<&str> = BTreeSet::new();
    for def in &model.types {
        used.extend(needs(model, def));
    }
    let mut imports = Imports::default();
    for (source, name) in IMPORTS.iter().filter(|(_, name)| used.contains(name)) {
        imports.add(source, name, &Gate::always());
    }
    // With features, a selection may compile none of the types that use an import.
    let allow = if model.partial() {
        quote!(#[allow(unused_imports)])
    } else {
        quote!()
    };
    imports.tokens(allow)
}

/// Types grouped into the modules of their paths: Graph namespaces such as
/// `microsoft.graph.termStore` become `pub mod term_store`.
#[derive(Default)]
struct Tree<'m> {
    types: Vec<&'m TypeDef>,
    children: BTreeMap<&'m str, Tree<'m>>,
}

impl<'m> Tree<'m> {
    fn of(model: &'m Model) -> Self {
        let mut root = Tree::default();
        for def in &model.types {
            let module = names::module_of(def.name());
            let mut node = &mut root;
            for part in module.split("::").filter(|part| !part.is_empty()) {
                node = node.children.entry(part).or_default();
            }
            node.types.push(def);
        }
        root
    }
}

/// The pieces of a module's types and of the modules below it, which see
/// everything above them through `use super::*`.
fn nest<'m>(model: &'m Model, tree: &Tree<'m>, depth: usize, pieces: &mut Vec<Piece<'m>>) {
    for &def in &tree.types {
        pieces.push(Piece::tokens(depth, move || {
            let cfg = cfg(def.gate());
            match def {
                TypeDef::Struct(def) => struct_tokens(model, def, &cfg),
                TypeDef::Enum(def) => enum_tokens(def, &cfg),
                TypeDef::Union(def) => union_tokens(model, def, &cfg),
            }
        }));
        match def {
            TypeDef::Struct(def) => {
                pieces.push(Piece::Text(invocations::json_object(def, depth)));
                pieces.extend(invocations::properties(def, depth).map(Piece::Text));
            }
            TypeDef::Enum(def) => pieces.push(Piece::Text(invocations::string_enum(def, depth))),
            TypeDef::Union(_) => {}
        }
    }
    let indent = "    ".repeat(depth);
    for (name, child) in &tree.children {
        // With features, a selection may compile none of a module's types.
        let allow = if model.partial() {
            format!("{indent}    #[allow(unused_imports)]\n")
        } else {
            String::new()
        };
        pieces.push(Piece::Text(format!(
            "{indent}pub mod {name} {{\n{allow}{indent}    use super::*;\n"
        )));
        nest(model, child, depth + 1, pieces);
        pieces.push(Piece::Text(format!("{indent}}}\n")));
    }
}

fn struct_tokens(model: &Model, def: &StructDef, cfg: &TokenStream) -> TokenStream {
    let name = ident(names::simple_name(&def.name));
    let docs = doc_attrs(&def.docs);
    let module = names::module_of(&def.name);
    let fields = def.fields.iter().map(|field| field_tokens(model, field, module));
    let extra = ident(&def.additional_properties);
    let page = def.page.as_ref().map(|page| {
        let item = type_tokens_in(model, &page.item, module);
        let items = ident(&page.items);
        let next_link = ident(&page.next_link);
        let delta_link = page.delta_link.as_ref().map(|field| {
            let field = ident(field);
            quote! {
                fn delta_link(&self) -> Option<&str> {
                    self.#field.as_deref()
                }
            }
        });
        quote! {
            #cfg
            impl Page for #name {
                type Item = #item;

                fn next_link(&self) -> Option<&str> {
                    self.#next_link.as_deref()
                }

                #delta_link

                fn into_items(self) -> Vec<#item> {
                    self.#items.unwrap_or_default()
                }
            }
        }
    });
    let odata_type = def.odata_type.as_ref().map(|odata_type| {
        quote! {
            #cfg
            impl ODataType for #name {
                const ODATA_TYPE: &'static str = #odata_type;
            }
        }
    });
    quote! {
        #docs
        #cfg
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct #name {
            #(#fields)*
            /// Properties the description does not list, kept as they were received.
            pub #extra: Map<String, Value>,
        }

        #page
        #odata_type
    }
}

fn field_tokens(model: &Model, field: &Field, module: &str) -> TokenStream {
    let name = ident(&field.name);
    let docs = doc_attrs(&field.docs);
    let cfg = cfg(&field.gate);
    let mut ty = type_tokens_in(model, &field.ty, module);
    if field.boxed {
        ty = quote!(Box<#ty>);
    }
    quote! {
        #docs
        #cfg
        pub #name: Option<#ty>,
    }
}

fn enum_tokens(def: &EnumDef, cfg: &TokenStream) -> TokenStream {
    let name = ident(names::simple_name(&def.name));
    let docs = doc_attrs(&def.docs);
    let unrecognized = ident(&def.unrecognized);
    let variants: Vec<_> = def.variants.iter().map(|variant| ident(&variant.name)).collect();
    let variant_docs = def.variants.iter().map(|variant| doc_line(&text::code(&variant.value)));
    quote! {
        #docs
        #cfg
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#[doc = #variant_docs] #variants,)*
            /// A value the description does not list, as received.
            #unrecognized(String),
        }
    }
}

/// The doc of a union's variant for JSON it cannot type.
fn unrecognized_doc(model: &Model) -> &'static str {
    if model.partial() {
        "An object of a type the description does not know, or whose feature is off, as received."
    } else {
        "An object of a type the description does not know, as received."
    }
}

fn union_tokens(model: &Model, def: &UnionDef, cfg: &TokenStream) -> TokenStream {
    let name = ident(names::simple_name(&def.name));
    let docs = doc_attrs(&def.docs);
    let unrecognized = ident(&def.unrecognized);
    let unrecognized_doc = doc_line(unrecognized_doc(model));
    // Variants come and go with features, so matches need a wildcard arm.
    let non_exhaustive = model.partial().then(|| quote!(#[non_exhaustive]));
    let variant_cfgs: Vec<_> = def.variants.iter().map(|variant| super::cfg(&variant.gate)).collect();
    let variants: Vec<_> = def.variants.iter().map(|variant| ident(&variant.name)).collect();
    let holds_secrets = def.holds_secrets.then(|| {
        quote!(
            const HOLDS_SECRETS: bool = true;
        )
    });
    let module = names::module_of(&def.name);
    let payloads: Vec<TokenStream> = def
        .variants
        .iter()
        .map(|variant| type_path_in(model, &variant.ty, module))
        .collect();
    // A value of a variant's type is the union's value too, so code written
    // against the type keeps compiling when derived types turn it into a union.
    let conversions = def
        .variants
        .iter()
        .zip(&variants)
        .zip(&payloads)
        .zip(&variant_cfgs)
        .filter(|(((variant, _), _), _)| def.variants.iter().filter(|other| other.ty == variant.ty).count() == 1)
        .map(|(((_, variant), payload), variant_cfg)| {
            quote! {
                #cfg
                #variant_cfg
                impl From<#payload> for #name {
                    fn from(value: #payload) -> Self {
                        Self::#variant(Box::new(value))
                    }
                }
            }
        });
    let variant_docs = def.variants.iter().map(|variant| {
        let tags: Vec<String> = variant.tags.iter().map(|tag| text::code(tag)).collect();
        let untagged = if variant.untagged { ", or no `@odata.type`" } else { "" };
        doc_line(&format!("`@odata.type` {}{untagged}.", tags.join(", ")))
    });
    // A derived type's variant says what it is, unless its value already does.
    let serialize_arms: Vec<TokenStream> = def
        .variants
        .iter()
        .map(|variant| {
            if typed_variant(model, variant) {
                let ty = type_path_in(model, &variant.ty, module);
                quote!(Typed::<#ty, _>::new(value.as_ref()).serialize(serializer))
            } else {
                quote!(value.serialize(serializer))
            }
        })
        .collect();
    let arms = def
        .variants
        .iter()
        .zip(&variants)
        .zip(&variant_cfgs)
        .map(|((variant, name), cfg)| {
            // Graph sometimes leaves out the `#`: both spellings are one type.
            let tags = variant.tags.iter().map(|tag| tag.strip_prefix('#').unwrap_or(tag));
            let none = variant.untagged.then(|| quote!(None |));
            quote! {
                #cfg
                #none #(Some(#tags))|* => read_variant(value, at, |value| Self::#name(Box::new(value))),
            }
        });
    quote! {
        #docs
        #cfg
        #[derive(Clone, Debug, PartialEq)]
        #non_exhaustive
        pub enum #name {
            #(#[doc = #variant_docs] #variant_cfgs #variants(Box<#payloads>),)*
            #[doc = #unrecognized_doc]
            #unrecognized(Value),
        }

        #(#conversions)*

        #cfg
        impl Serialize for #name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#variant_cfgs Self::#variants(value) => #serialize_arms,)*
                    Self::#unrecognized(value) => value.serialize(serializer),
                }
            }
        }

        #cfg
        impl FromJson for #name {
            const EXPECTED: &'static str = "an object";
            #holds_secrets

            fn read<'de, D: Deserializer<'de>>(deserializer: D, at: &At<'_>) -> Result<Fit<Self>, D::Error> {
                let value = Value::deserialize(deserializer)?;
                match odata_type(&value) {
                    #(#arms)*
                    _ => read_unrecognized(value, at, Self::#unrecognized),
                }
            }
        }

        #cfg
        impl<'de> Deserialize<'de> for #name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                read_root(deserializer)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    /// A type named as an import would be shadowed by it: every type name the
    /// models import is one no schema's type may take.
    #[test]
    fn imported_type_names_are_reserved() {
        for (_, name) in super::IMPORTS {
            if name.starts_with(|c: char| c.is_ascii_uppercase()) {
                assert!(
                    crate::names::RESERVED_TYPES.contains(name),
                    "{name} is imported but not reserved"
                );
            }
        }
    }
}
