//! What must never be printed: which properties are secrets, and which types
//! can hold one. A secret's `Debug` shows nothing of it, and an error about an
//! answer whose type can hold one never shows the answer's body.

use std::collections::HashMap;

use super::{Type, TypeDef};

/// String properties that carry a credential in Graph's models, whatever the
/// description marks: a pre-authenticated upload URL, a password, a client
/// secret, an access token, the state a change notification proves itself
/// with. `x-graphgen-secret: true` marks any other.
const CREDENTIALS: &[&str] = &[
    "accessToken",
    "clientSecret",
    "clientState",
    "currentPassword",
    "newPassword",
    "password",
    "secretText",
    "uploadUrl",
];

/// Whether the property `json_name` is a credential by its name alone.
pub(super) fn is_credential(json_name: &str) -> bool {
    CREDENTIALS.contains(&json_name)
}

/// Marks every struct and union that can hold a [`Type::Secret`], in a field
/// of its own or of any type it names (derived types included).
pub(super) fn mark_holders(types: &mut [TypeDef]) {
    let index: HashMap<String, usize> = types
        .iter()
        .enumerate()
        .map(|(at, def)| (def.name().to_owned(), at))
        .collect();
    // Who names each type: a holder makes everyone who names it a holder.
    let mut named_by: Vec<Vec<usize>> = vec![Vec::new(); types.len()];
    let mut holders = Vec::new();
    for (at, def) in types.iter().enumerate() {
        let mut secret = false;
        let mut name = |ty: &Type| match ty.innermost() {
            Type::Secret => secret = true,
            Type::Named(target) => {
                if let Some(&target) = index.get(target.as_str()) {
                    named_by[target].push(at);
                }
            }
            _ => {}
        };
        match def {
            TypeDef::Struct(def) => def.fields.iter().for_each(|field| name(&field.ty)),
            TypeDef::Union(def) => def
                .variants
                .iter()
                .for_each(|variant| name(&Type::Named(variant.ty.clone()))),
            TypeDef::Enum(_) => {}
        }
        if secret {
            holders.push(at);
        }
    }
    let mut holds = vec![false; types.len()];
    while let Some(at) = holders.pop() {
        if !std::mem::replace(&mut holds[at], true) {
            holders.extend(named_by[at].iter().copied().filter(|&by| !holds[by]));
        }
    }
    for (def, holds) in types.iter_mut().zip(holds) {
        match def {
            TypeDef::Struct(def) => def.holds_secrets = holds,
            TypeDef::Union(def) => def.holds_secrets = holds,
            TypeDef::Enum(_) => {}
        }
    }
}
