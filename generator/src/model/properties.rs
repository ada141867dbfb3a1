//! Property enums for typed query options: every struct that is what an
//! operation's typed query options are about gets an enum of its properties
//! (`User` gets `UserProperty`), shared by every such operation, so `$select`,
//! `$orderby`, `$expand` and `$filter` are written without strings (the
//! runtime's `query` module). Other structs get none: an enum nothing takes
//! costs build time and helps no one.

use std::collections::{BTreeSet, HashMap};

use super::{Operation, ResponseBody, Takes, Type, TypeDef};
use crate::names::{self, Namespace, TypeNames};

/// Gives each operation with typed query options the struct of its items,
/// then names those structs' enums and variants (in type order, so that a
/// name does not depend on the order of the operations).
pub(super) fn assign(types: &mut [TypeDef], operations: &mut [Operation], type_names: &mut TypeNames) {
    let mut items: Vec<Option<String>> = operations
        .iter()
        .map(|operation| items_struct(types, &operation.response))
        .collect();
    // `/$count` and `/$ref` filter and sort the items of their collection.
    let listed: HashMap<&str, &String> = operations
        .iter()
        .zip(&items)
        .filter_map(|(operation, item)| Some((operation.template.as_str(), item.as_ref()?)))
        .collect();
    let counted: Vec<Option<String>> = operations
        .iter()
        .zip(&items)
        .map(|(operation, item)| match operation.response {
            ResponseBody::Count | ResponseBody::References if item.is_none() => {
                let template = &operation.template;
                let collection = template.strip_suffix("/$count").or(template.strip_suffix("/$ref"))?;
                listed.get(collection).map(|item| (*item).clone())
            }
            _ => None,
        })
        .collect();
    for ((item, counted), operation) in items.iter_mut().zip(counted).zip(operations.iter()) {
        if counted.is_some() {
            *item = counted;
        }
        if !has_typed_setter(operation) {
            *item = None;
        }
    }
    let needed: BTreeSet<&str> = items.iter().flatten().map(String::as_str).collect();
    for def in types.iter_mut() {
        let TypeDef::Struct(def) = def else { continue };
        if !needed.contains(def.name.as_str()) {
            continue;
        }
        let mut variants = Namespace::with_reserved(&[]);
        for field in &mut def.fields {
            // Control information (`@odata.type`) and instance annotations are not properties.
            if !field.json_name.contains('@') {
                field.variant = Some(variants.claim(names::variant_name(&field.json_name)));
            }
        }
        if def.fields.iter().any(|field| field.variant.is_some()) {
            def.properties = Some(type_names.claim_unshadowed(format!("{}Property", def.name)));
        }
    }
    let enums: HashMap<&str, &String> = types
        .iter()
        .filter_map(|def| match def {
            TypeDef::Struct(def) => Some((def.name.as_str(), def.properties.as_ref()?)),
            _ => None,
        })
        .collect();
    for (operation, item) in operations.iter_mut().zip(&items) {
        operation.properties = item
            .as_deref()
            .and_then(|item| enums.get(item))
            .map(|name| (*name).clone());
    }
}

/// Whether some query option of `operation` takes property names.
fn has_typed_setter(operation: &Operation) -> bool {
    operation
        .parameters
        .iter()
        .any(|parameter| matches!(parameter.takes, Takes::Setter(setter) if setter.properties))
}

/// The struct of what a response holds: the items of a page, the declared
/// type of a union, or the object itself.
fn items_struct(types: &[TypeDef], response: &ResponseBody) -> Option<String> {
    let ResponseBody::Json(ty) = response else { return None };
    let mut name = match ty.innermost() {
        Type::Named(name) => name.as_str(),
        _ => return None,
    };
    // A page's items, then a union's declared type: at most two steps.
    for _ in 0..3 {
        let index = types.binary_search_by(|def| def.name().cmp(name)).ok()?;
        match &types[index] {
            TypeDef::Struct(def) => match &def.page {
                Some(page) => match page.item.innermost() {
                    Type::Named(item) => name = item,
                    _ => return None,
                },
                None => return Some(def.name.clone()),
            },
            TypeDef::Union(def) => name = &def.variants.iter().find(|variant| variant.untagged)?.ty,
            TypeDef::Enum(_) => return None,
        }
    }
    None
}
