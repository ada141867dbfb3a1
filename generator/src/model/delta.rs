//! The items of delta queries: each gets a typed field for `@removed`, the
//! mark Graph puts on an item that left the collection since the last round.

use std::collections::HashSet;

use super::{Field, Type, TypeDef};
use crate::names::{self, Namespace};

/// The doc of the `@removed` field.
const DOCS: &str = "`@removed`: set in a delta query's answer when the item left the collection since the last round, with the reason.";

/// Adds the `@removed` field to every struct that is an item of a delta
/// query's pages (every type of a union that is one), where the description
/// does not have it already.
pub(super) fn mark_removed(types: &mut [TypeDef]) {
    let mut items: HashSet<String> = HashSet::new();
    for def in types.iter() {
        let TypeDef::Struct(def) = def else { continue };
        if let Some(page) = def.page.as_ref().filter(|page| page.delta_link.is_some()) {
            if let Type::Named(item) = page.item.innermost() {
                items.insert(item.clone());
            }
        }
    }
    // A union's variants: every type a delta query of its items can send.
    let variants: Vec<String> = types
        .iter()
        .filter_map(|def| match def {
            TypeDef::Union(def) if items.contains(&def.name) => Some(&def.variants),
            _ => None,
        })
        .flatten()
        .map(|variant| variant.ty.clone())
        .collect();
    items.extend(variants);
    for def in types.iter_mut() {
        let TypeDef::Struct(def) = def else { continue };
        if !items.contains(&def.name) || def.fields.iter().any(|field| field.json_name == "@removed") {
            continue;
        }
        let taken: Vec<&str> = def.fields.iter().map(|field| field.name.as_str()).collect();
        let mut field_names = Namespace::with_reserved(&taken);
        field_names.claim(names::ADDITIONAL_PROPERTIES_FIELD.to_owned());
        def.fields.push(Field {
            name: field_names.claim("removed".to_owned()),
            json_name: "@removed".to_owned(),
            ty: Type::Removed,
            boxed: false,
            navigation: false,
            variant: None,
            docs: vec![DOCS.to_owned()],
            gate: Default::default(),
        });
    }
}
