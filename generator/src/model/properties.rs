//! Property enums for typed query options: every struct with properties to
//! name gets an enum of them (`User` gets `UserProperty`), and every
//! operation whose query options take property names gets the enum of the
//! items it answers with, so `$select`, `$orderby`, `$expand` and `$filter` are
//! written without strings (the runtime's `query` module).

use std::collections::HashMap;

use super::{Operation, ResponseBody, Takes, Type, TypeDef};
use crate::names::{self, Namespace, TypeNames};

/// Names the enums and their variants (types in name order, so the names
/// are the same whichever operations are generated), then gives each
/// operation its items' enum.
pub(super) fn assign(types: &mut [TypeDef], operations: &mut [Operation], type_names: &mut TypeNames) {
    for def in types.iter_mut() {
        let TypeDef::Struct(def) = def else { continue };
        if def.page.is_some() {
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
    for operation in operations.iter_mut() {
        if has_typed_setter(operation) {
            operation.properties = items_enum(types, &operation.response);
        }
    }
    // `/$count` and `/$ref` filter and sort the items of their collection.
    let listed: HashMap<&str, String> = operations
        .iter()
        .filter_map(|operation| Some((operation.template.as_str(), operation.properties.clone()?)))
        .collect();
    let counted: Vec<Option<String>> = operations
        .iter()
        .map(|operation| match operation.response {
            ResponseBody::Count | ResponseBody::References if operation.properties.is_none() => {
                let template = &operation.template;
                let collection = template.strip_suffix("/$count").or(template.strip_suffix("/$ref"))?;
                listed.get(collection).cloned()
            }
            _ => None,
        })
        .collect();
    for (operation, counted) in operations.iter_mut().zip(counted) {
        if counted.is_some() && has_typed_setter(operation) {
            operation.properties = counted;
        }
    }
}

/// Whether some query option of `operation` takes property names.
fn has_typed_setter(operation: &Operation) -> bool {
    operation
        .parameters
        .iter()
        .any(|parameter| matches!(parameter.takes, Takes::Setter(setter) if setter.properties))
}

/// The property enum of what a response holds: the items of a page, the
/// declared type of a union, or the object itself.
fn items_enum(types: &[TypeDef], response: &ResponseBody) -> Option<String> {
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
                None => return def.properties.clone(),
            },
            TypeDef::Union(def) => name = &def.variants.iter().find(|variant| variant.untagged)?.ty,
            TypeDef::Enum(_) => return None,
        }
    }
    None
}
