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

/// Feature names the generated manifest already uses, beside the runtime's own.
const RESERVED: &[&str] = &["default", "full"];

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
        Some(_) if RESERVED.contains(&name.as_str()) || crate::runtime::feature_names().any(|own| own == name) => {
            format!("{name}-api")
        }
        Some(_) => name,
    }
}

pub(super) fn assign(model: &mut Model) {
    mark_navigation(model);
    acts_on(model);
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
        let features: Features = needs(def)
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
        for group in operation_groups(operation) {
            if let Some(types) = requires.get_mut(&feature_name(group)) {
                types.extend(names.iter().copied().map(type_feature));
            }
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
            modules
                .entry(module_feature(operation))
                .or_default()
                .insert(feature_name(&operation.group));
        }
        // A payload type (`x-graphgen-payload`) is compiled by the module
        // defining it, as an operation's types are.
        for (file, ty) in &model.payloads {
            modules.entry(file_feature(file)).or_default().insert(type_feature(ty));
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
    let hints = if on { hints(model) } else { HashMap::new() };
    // A type's own feature, and the feature a user would turn on for it: the
    // same items, since the latter turns on the former, but rustc's note on a
    // type configured out shows this gate.
    let type_gate = |name: &str| {
        if !on {
            return Gate::always();
        }
        let mut gate = Gate::feature(type_feature(name));
        if let Some(hint) = hints.get(name) {
            gate.join(&Gate::feature(hint.clone()));
        }
        gate
    };
    for operation in &mut model.operations {
        let mut gate = Gate::always();
        if on {
            gate = Gate::never();
            for group in operation_groups(operation) {
                gate.join(&Gate::feature(feature_name(group)));
            }
        }
        operation.gate = gate;
    }
    builder_gates(model, on);
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

/// The gates of builders (the operations at and below each node) and of
/// the methods leading to them and calling them, from the operations' gates.
fn builder_gates(model: &mut Model, on: bool) {
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
}

/// Makes the crate fit crates.io (at most 300 features): only the modules
/// (with one file, the parts) stay features, each item compiled by the
/// modules that turn it on, directly or through the parts and types they
/// need. Nothing is lost but the finer features.
pub fn publishable(model: &mut Model) {
    model.publishable = true;
    let on = !model.features.is_empty();
    if !on {
        return;
    }
    let table = &model.feature_table;
    let by_module = !table.modules.is_empty();
    let tops: Vec<String> = match by_module {
        true => table.modules.iter().map(|(module, _)| module.clone()).collect(),
        false => table.parts.iter().map(|(part, _)| part.clone()).collect(),
    };
    // What turns on what: the table's lists, and a base's derived types,
    // which a module answering the base reads typed.
    let mut edges: HashMap<String, Vec<String>> = HashMap::new();
    for (feature, list) in table.modules.iter().chain(&table.parts).chain(&table.types) {
        edges.entry(feature.clone()).or_default().extend(list.iter().cloned());
    }
    for def in &model.types {
        if let TypeDef::Union(union) = def {
            let derived = union.variants.iter().map(|variant| type_feature(&variant.ty));
            edges.entry(type_feature(&union.name)).or_default().extend(derived);
        }
    }
    // For each feature, the top features that turn it on, through any path.
    let mut owners: HashMap<String, Features> = HashMap::new();
    for top in &tops {
        let mut stack = vec![top.clone()];
        let mut seen = HashSet::new();
        while let Some(feature) = stack.pop() {
            if !seen.insert(feature.clone()) {
                continue;
            }
            owners.entry(feature.clone()).or_default().insert(top.clone());
            stack.extend(edges.get(&feature).into_iter().flatten().cloned());
        }
    }
    let map = |gate: &mut Gate| {
        if let Some(features) = &mut gate.0 {
            *features = features
                .iter()
                .flat_map(|feature| match owners.get(feature) {
                    Some(tops) => tops.iter().cloned().collect::<Vec<_>>(),
                    // Turned on by `full` alone.
                    None => vec!["full".to_owned()],
                })
                .collect();
        }
    };
    for operation in &mut model.operations {
        map(&mut operation.gate);
    }
    for def in &mut model.types {
        match def {
            TypeDef::Struct(def) => {
                map(&mut def.gate);
                def.fields.iter_mut().for_each(|field| map(&mut field.gate));
            }
            TypeDef::Enum(def) => map(&mut def.gate),
            TypeDef::Union(def) => {
                map(&mut def.gate);
                def.variants.iter_mut().for_each(|variant| map(&mut variant.gate));
            }
        }
    }
    builder_gates(model, on);
    let features: Vec<(String, Vec<String>)> = tops.iter().map(|top| (top.clone(), Vec::new())).collect();
    model.feature_table = FeatureTable {
        full: tops,
        modules: if by_module { features.clone() } else { Vec::new() },
        parts: if by_module { Vec::new() } else { features },
        types: Vec::new(),
    };
}

/// For each type, the feature a user looks for that compiles it: the module
/// (with one file, the part) whose operations name it most often, and for a
/// type only other types name, that of the nearest type named so, the most
/// named first (`ItemBody` is `mail`'s, as `Message` is).
fn hints(model: &Model) -> HashMap<String, String> {
    // Modules have features where `assign` made them (more than one file).
    let modules = !model.feature_table.modules.is_empty();
    let mut named_by: HashMap<&str, BTreeMap<String, usize>> = HashMap::new();
    for operation in &model.operations {
        let feature = match modules {
            true => module_feature(operation),
            false => feature_name(&operation.group),
        };
        let mut names = Vec::new();
        operation_types(operation, &mut names);
        for name in names {
            *named_by.entry(name).or_default().entry(feature.clone()).or_default() += 1;
        }
    }
    let features: HashSet<&str> = model
        .features
        .iter()
        .map(String::as_str)
        .chain(model.feature_table.modules.iter().map(|(module, _)| module.as_str()))
        .collect();
    // The most often named first, then by name: the order hints spread in.
    let mut direct: Vec<(usize, &str, &str)> = Vec::new();
    for (name, counts) in &named_by {
        let best = counts.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)));
        if let Some((feature, count)) = best {
            if let Some(feature) = features.get(feature.as_str()) {
                direct.push((*count, name, feature));
            }
        }
    }
    direct.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let types: HashMap<&str, &TypeDef> = model.types.iter().map(|def| (def.name(), def)).collect();
    let mut hints: HashMap<&str, &str> = HashMap::new();
    let mut queue: std::collections::VecDeque<&str> = std::collections::VecDeque::new();
    for (_, name, feature) in direct {
        hints.insert(name, feature);
        queue.push_back(name);
    }
    while let Some(name) = queue.pop_front() {
        let hint = hints[name];
        for next in types.get(name).map(|def| needs(def)).unwrap_or_default() {
            if !hints.contains_key(next) {
                hints.insert(next, hint);
                queue.push_back(next);
            }
        }
    }
    hints
        .into_iter()
        .map(|(name, hint)| (name.to_owned(), hint.to_owned()))
        .collect()
}

/// The types whose features a type's feature turns on: those its properties
/// name, navigation properties aside, and a union's declared type only (other
/// variants exist when their types are compiled anyway: the enum is non-exhaustive).
fn needs(def: &TypeDef) -> Vec<&str> {
    let mut names = Vec::new();
    match def {
        TypeDef::Struct(def) => def
            .fields
            .iter()
            .filter(|field| !field.navigation)
            .for_each(|field| named(&field.ty, &mut names)),
        TypeDef::Union(def) => names.extend(
            def.variants
                .iter()
                .filter(|variant| variant.untagged)
                .map(|variant| variant.ty.as_str()),
        ),
        TypeDef::Enum(_) => {}
    }
    names
}

/// The feature of the module (the file) an operation comes from.
fn module_feature(operation: &super::Operation) -> String {
    file_feature(&operation.module)
}

/// The module feature of the file `file` (`Mail.yml`: `mail`).
fn file_feature(file: &str) -> String {
    feature_name(file.rsplit_once('.').map_or(file, |(stem, _)| stem))
}

/// The groups whose features compile an operation: its own and that of what
/// it acts on.
fn operation_groups(operation: &super::Operation) -> impl Iterator<Item = &String> {
    std::iter::once(&operation.group).chain(&operation.acts_on)
}

/// Microsoft tags an action or function by the entity set its path starts
/// from (`users.Actions` for `sendMail`, `reply` and `move` alike), not by
/// what it acts on, so a part such as `users-message` would lack them. Such an
/// operation joins, beside its own, the group of what it acts on: the group
/// that serves (answers a `GET` with) the first type it returns or sends, or
/// that a property of its request body names (`sendMail` sends a `message`:
/// `users.message`); failing that, the group of the nearest path above it
/// (`/users/{user-id}` for `changePassword`).
fn acts_on(model: &mut Model) {
    let catch_all = |group: &str| group.ends_with(".Actions") || group.ends_with(".Functions");
    let structs: HashMap<&str, &super::StructDef> = model
        .types
        .iter()
        .filter_map(|def| match def {
            TypeDef::Struct(def) => Some((def.name.as_str(), def)),
            _ => None,
        })
        .collect();
    // A page stands for its items.
    let served_type = |ty: &Type| -> Option<String> {
        let mut names = Vec::new();
        named(ty, &mut names);
        let name = *names.first()?;
        match structs.get(name).and_then(|def| def.page.as_ref()) {
            Some(page) => {
                let mut items = Vec::new();
                named(&page.item, &mut items);
                items.first().map(|item| (*item).to_owned())
            }
            None => Some(name.to_owned()),
        }
    };
    let mut serving: HashMap<String, BTreeMap<&str, usize>> = HashMap::new();
    let mut at_path: HashMap<&str, &str> = HashMap::new();
    for operation in model.operations.iter().filter(|op| !catch_all(&op.group)) {
        at_path.entry(&operation.template).or_insert(&operation.group);
        if operation.http_method != super::HttpMethod::Get {
            continue;
        }
        if let ResponseBody::Json(ty) = &operation.response {
            if let Some(name) = served_type(ty) {
                *serving.entry(name).or_default().entry(&operation.group).or_default() += 1;
            }
        }
    }
    // The group serving a type most often (the first by name among equals).
    let server = |name: &str| {
        serving.get(name).and_then(|groups| {
            groups
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(group, _)| (*group).to_owned())
        })
    };
    let mut decided = Vec::new();
    for operation in &model.operations {
        if !catch_all(&operation.group) {
            decided.push(None);
            continue;
        }
        let mut candidates = Vec::new();
        if let ResponseBody::Json(ty) = &operation.response {
            candidates.extend(served_type(ty));
        }
        if let Some(RequestBody::Json { ty, .. }) = &operation.body {
            let mut names = Vec::new();
            named(ty, &mut names);
            for name in names {
                candidates.push(name.to_owned());
                let fields = structs.get(name).map(|def| def.fields.as_slice()).unwrap_or_default();
                candidates.extend(fields.iter().filter_map(|field| served_type(&field.ty)));
            }
        }
        let by_type = candidates.iter().find_map(|name| server(name));
        let by_path = || {
            let mut path = operation.template.as_str();
            while let Some((parent, _)) = path.rsplit_once('/') {
                if let Some(group) = at_path.get(parent) {
                    return Some((*group).to_owned());
                }
                path = parent;
            }
            None
        };
        decided.push(by_type.or_else(by_path).filter(|group| *group != operation.group));
    }
    for (operation, acts_on) in model.operations.iter_mut().zip(decided) {
        operation.acts_on = acts_on;
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
    if let Some(ty) = &operation.uploads {
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
        // The runtime's own features (`azure`, `notifications`, `testing`) are never a part's.
        assert_eq!(feature_name("azure"), "azure-api");
        assert_eq!(feature_name("Notifications"), "notifications-api");
        assert_eq!(feature_name("testing"), "testing-api");
        assert_eq!(feature_name("9lives"), "n9lives");
        assert_eq!(feature_name("..."), "other");
    }
}
