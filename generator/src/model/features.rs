//! Cargo features, so that a user of a crate generated from a large
//! description compiles only the part they call. Operations are grouped by
//! their first tag (Microsoft tags every operation, `users.authentication`
//! for example), else by their first path segment; each group is a feature.
//! A request builder or an import is compiled when any feature that needs it
//! is on; each type has a feature of its own that the features needing it
//! turn on. A description with a single group gets no features.
//!
//! Every item's [`Gate`] is decided here, and only here: emitters print it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::{FeatureTable, Features, Gate, Model, RequestBody, ResponseBody, Type, TypeDef};

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
    mark_navigation(model);
    let groups: BTreeSet<String> = model.operations.iter().map(|op| feature_name(&op.group)).collect();
    if groups.len() < 2 {
        return gates(model);
    }
    model.features = groups.into_iter().collect();

    // Types: one feature each, in the manner of the `windows` crate. A type's
    // feature turns on the features of the types its properties name, and a
    // union's that of its declared type; an API feature those of the types its
    // operations name. Cargo follows the chain, so one API feature compiles
    // what its calls can return. Navigation properties and derived types are
    // no link: Graph sends the former only under `$expand`, and the latter are
    // variants of a non-exhaustive enum; a field or variant exists when its
    // type's feature is on for another reason (features stay additive), and
    // until then the JSON is kept (`additional_properties`, `Unrecognized`).
    let mut requires = BTreeMap::new();
    for def in &model.types {
        let mut names = Vec::new();
        match def {
            TypeDef::Struct(def) => def
                .fields
                .iter()
                .filter(|field| !field.navigation)
                .for_each(|field| named(&field.ty, &mut names)),
            // The declared type only: other variants exist when their types
            // are compiled anyway (the enum is non-exhaustive).
            TypeDef::Union(def) => names.extend(
                def.variants
                    .iter()
                    .filter(|variant| variant.untagged)
                    .map(|variant| variant.ty.as_str()),
            ),
            TypeDef::Enum(_) => {}
        }
        let features: Features = names
            .into_iter()
            .filter(|name| *name != def.name())
            .map(type_feature)
            .collect();
        requires.insert(type_feature(def.name()), features);
    }
    for feature in &model.features {
        requires.insert(feature.clone(), Features::new());
    }
    for operation in &model.operations {
        let mut names = Vec::new();
        operation_types(operation, &mut names);
        if let Some(types) = requires.get_mut(&feature_name(&operation.group)) {
            types.extend(names.into_iter().map(type_feature));
        }
    }

    // Modules: with several files, a feature per file that turns on the API
    // features of its operations, as Microsoft's PowerShell modules divide
    // Graph. A module named as one of its API features (`users-actions`) is
    // that feature, turning on the others too.
    let mut module_parts: BTreeMap<String, Features> = BTreeMap::new();
    if model.sources.len() > 1 {
        let mut modules: BTreeMap<String, Features> = BTreeMap::new();
        for operation in &model.operations {
            let module = feature_name(
                operation
                    .module
                    .rsplit_once('.')
                    .map_or(&operation.module, |(stem, _)| stem),
            );
            modules
                .entry(module)
                .or_default()
                .insert(feature_name(&operation.group));
        }
        for (module, mut features) in modules {
            features.remove(&module);
            module_parts.insert(module, features);
        }
    }
    model.feature_table = table(&model.features, &requires, &module_parts);
    gates(model);
}

/// What each feature of the manifest turns on.
fn table(
    parts: &[String],
    requires: &BTreeMap<String, Features>,
    modules: &BTreeMap<String, Features>,
) -> FeatureTable {
    let is_part = |name: &String| parts.binary_search(name).is_ok();
    let list = |features: &mut dyn Iterator<Item = &String>| features.cloned().collect::<Vec<_>>();
    FeatureTable {
        full: parts
            .iter()
            .chain(requires.keys().filter(|name| !is_part(name)))
            .cloned()
            .collect(),
        modules: modules
            .iter()
            .map(|(module, module_parts)| {
                let own = requires.get(module).filter(|_| is_part(module));
                let turns_on: BTreeSet<&String> = module_parts.iter().chain(own.into_iter().flatten()).collect();
                (module.clone(), list(&mut turns_on.into_iter()))
            })
            .collect(),
        parts: parts
            .iter()
            .filter(|part| !modules.contains_key(*part))
            .map(|part| (part.clone(), list(&mut requires.get(part).into_iter().flatten())))
            .collect(),
        types: requires
            .iter()
            .filter(|(name, _)| !is_part(name))
            .map(|(name, turns_on)| (name.clone(), list(&mut turns_on.iter())))
            .collect(),
    }
}

/// Every item's gate, from the features decided: with none, everything is
/// always compiled.
pub(super) fn gates(model: &mut Model) {
    let on = !model.features.is_empty();
    let type_gate = |name: &str| {
        if on {
            Gate::feature(type_feature(name))
        } else {
            Gate::always()
        }
    };
    for operation in &mut model.operations {
        operation.gate = if on {
            Gate::feature(feature_name(&operation.group))
        } else {
            Gate::always()
        };
    }
    // Builders: the features of the operations at and below each node. A
    // child always has a higher index than its parent, so one backwards pass suffices.
    for index in (0..model.builders.len()).rev() {
        let mut gate = Gate::never();
        for &operation in &model.builders[index].operations {
            gate.join(&model.operations[operation].gate);
        }
        for child in &model.builders[index].children {
            gate.join(&model.builders[child.builder].gate);
        }
        model.builders[index].gate = if on { gate } else { Gate::always() };
    }
    // A method carries a gate of its own only where its impl block's says less.
    for index in 0..model.builders.len() {
        let outer = (index > 0).then(|| model.builders[index].gate.clone());
        for child in 0..model.builders[index].children.len() {
            let target = model.builders[index].children[child].builder;
            let own = model.builders[target].gate.clone();
            model.builders[index].children[child].gate = own.within(outer.as_ref());
        }
        for &operation in &model.builders[index].operations.clone() {
            let own = model.operations[operation].gate.clone();
            model.operations[operation].method_gate = own.within(outer.as_ref());
        }
    }
    let named_gate = |ty: &Type| match ty {
        Type::Named(name) | Type::Flags(name) => type_gate(name),
        Type::List(item) => match &**item {
            Type::Named(name) => type_gate(name),
            _ => Gate::always(),
        },
        _ => Gate::always(),
    };
    for def in &mut model.types {
        let gate = type_gate(def.name());
        match def {
            TypeDef::Struct(def) => {
                def.gate = gate;
                // A navigation property exists when its type is compiled anyway.
                for field in def.fields.iter_mut() {
                    field.gate = if field.navigation {
                        named_gate(&field.ty)
                    } else {
                        Gate::always()
                    };
                }
            }
            TypeDef::Enum(def) => def.gate = gate,
            TypeDef::Union(def) => {
                def.gate = gate;
                // A derived type's variant exists when its type is compiled; the declared type's always.
                for variant in def.variants.iter_mut() {
                    variant.gate = if variant.untagged {
                        Gate::always()
                    } else {
                        type_gate(&variant.ty)
                    };
                }
            }
        }
    }
}

/// Marks the properties of entity types that name entity types (or unions of
/// them) as navigation properties.
fn mark_navigation(model: &mut Model) {
    let structs: HashMap<&str, bool> = model
        .types
        .iter()
        .filter_map(|def| match def {
            TypeDef::Struct(def) => Some((def.name.as_str(), def.entity)),
            _ => None,
        })
        .collect();
    let entities: HashSet<String> = model
        .types
        .iter()
        .filter(|def| match def {
            TypeDef::Struct(def) => def.entity,
            TypeDef::Union(def) => def
                .variants
                .iter()
                .any(|variant| structs.get(variant.ty.as_str()) == Some(&true)),
            TypeDef::Enum(_) => false,
        })
        .map(|def| def.name().to_owned())
        .collect();
    for def in &mut model.types {
        let TypeDef::Struct(def) = def else { continue };
        if !def.entity {
            continue;
        }
        for field in &mut def.fields {
            let mut names = Vec::new();
            named(&field.ty, &mut names);
            if names.iter().any(|name| entities.contains(*name)) {
                field.navigation = true;
            }
        }
    }
}

/// The feature of a type: its path in `models` with `-` for `::`, after
/// `model-` (`model-User`, `model-term_store-Group`). Type paths are unique and
/// use no `-`, and API features have no capitals, so names never collide.
pub fn type_feature(type_name: &str) -> String {
    format!("model-{}", type_name.replace("::", "-"))
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
    use crate::model::Gate;

    #[test]
    fn a_gate_joined_with_always_is_always() {
        let mut gate = Gate::never();
        gate.join(&Gate::feature("mail".to_owned()));
        gate.join(&Gate::feature("users".to_owned()));
        assert_eq!(gate.features().map(|features| features.len()), Some(2));
        let within = gate.clone().within(Some(&gate));
        assert_eq!(within, Gate::always());
        gate.join(&Gate::always());
        assert_eq!(gate, Gate::always());
        assert_eq!(
            Gate::feature("a".to_owned()).within(None),
            Gate::feature("a".to_owned())
        );
    }

    #[test]
    fn feature_names() {
        assert_eq!(feature_name("users.authentication"), "users-authentication");
        assert_eq!(feature_name("identity.conditionalAccess"), "identity-conditionalaccess");
        assert_eq!(feature_name("full"), "full-api");
        assert_eq!(feature_name("9lives"), "n9lives");
        assert_eq!(feature_name("..."), "other");
    }
}
