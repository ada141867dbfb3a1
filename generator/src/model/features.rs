//! Cargo features, so that a user of a crate generated from a large
//! description compiles only the part they call. Operations are grouped by
//! their first tag (Microsoft tags every operation, `users.authentication`
//! for example), else by their first path segment; each group is a feature.
//! A type, a request builder or an import is compiled when any feature that
//! needs it is on. A description with a single group gets no features.

use std::collections::{BTreeSet, HashMap};

use super::{Features, Model, RequestBody, ResponseBody, Type, TypeDef};

/// Feature names the generated manifest already uses.
const RESERVED: &[&str] = &["default", "full", "azure"];

/// The feature name for a group: `users.authentication` becomes `users-authentication`.
pub fn feature_name(group: &str) -> String {
    let mut name = String::new();
    for c in group.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-').to_owned();
    match name.chars().next() {
        None => "other".to_owned(),
        Some(c) if c.is_ascii_digit() => format!("n{name}"),
        Some(_) if RESERVED.contains(&name.as_str()) => format!("{name}-api"),
        Some(_) => name,
    }
}

pub(super) fn assign(model: &mut Model) {
    let groups: BTreeSet<String> = model.operations.iter().map(|op| feature_name(&op.group)).collect();
    if groups.len() < 2 {
        return;
    }
    model.features = groups.into_iter().collect();
    for operation in &mut model.operations {
        operation.feature = Some(feature_name(&operation.group));
    }

    // Builders: the features of the operations at and below each node. A
    // child always has a higher index than its parent, so one backwards pass suffices.
    for index in (0..model.builders.len()).rev() {
        let mut features: Features = model.builders[index]
            .operations
            .iter()
            .filter_map(|&op| model.operations[op].feature.clone())
            .collect();
        for child in &model.builders[index].children {
            features.extend(model.builders[child.builder].features.iter().cloned());
        }
        model.builders[index].features = features;
    }

    // Types: everything reachable from each feature's operations.
    let edges: HashMap<&str, Vec<&str>> = model
        .types
        .iter()
        .map(|def| {
            let mut out = Vec::new();
            match def {
                TypeDef::Struct(def) => def.fields.iter().for_each(|field| named(&field.ty, &mut out)),
                TypeDef::Union(def) => out.extend(def.variants.iter().map(|variant| variant.ty.as_str())),
                TypeDef::Enum(_) => {}
            }
            (def.name(), out)
        })
        .collect();
    let mut type_features: HashMap<String, Features> = HashMap::new();
    for feature in &model.features {
        let mut stack = Vec::new();
        for operation in model
            .operations
            .iter()
            .filter(|op| op.feature.as_ref() == Some(feature))
        {
            operation_types(operation, &mut stack);
        }
        while let Some(name) = stack.pop() {
            let entry = type_features.entry(name.to_owned()).or_default();
            if entry.insert(feature.clone()) {
                stack.extend(edges.get(name).into_iter().flatten());
            }
        }
    }
    model.type_features = type_features;
}

/// The generated types an operation names directly.
pub fn operation_types<'a>(operation: &'a super::Operation, out: &mut Vec<&'a str>) {
    if let ResponseBody::Json(ty) = &operation.response {
        named(ty, out);
    }
    if let Some(RequestBody::Json { ty, .. }) = &operation.body {
        named(ty, out);
    }
}

/// The generated types a type names.
fn named<'a>(ty: &'a Type, out: &mut Vec<&'a str>) {
    match ty {
        Type::Named(name) | Type::Flags(name) => out.push(name),
        Type::List(item) => named(item, out),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::feature_name;

    #[test]
    fn feature_names() {
        assert_eq!(feature_name("users.authentication"), "users-authentication");
        assert_eq!(feature_name("identity.conditionalAccess"), "identity-conditionalaccess");
        assert_eq!(feature_name("full"), "full-api");
        assert_eq!(feature_name("9lives"), "n9lives");
        assert_eq!(feature_name("..."), "other");
    }
}
