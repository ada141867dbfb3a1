//! One schema defined in several files (fragments that share types,
//! Microsoft's modules, which repeat each other's schemas) becomes one type.
//!
//! Definitions that differ only in their documentation merge silently, and the
//! documentation of the file given first is kept. Definitions where a later
//! one adds something that is safe to add (an enum value, a property, a
//! `nullable`) merge to the union, with a warning naming both places.
//! Anything else is refused, naming both places and the difference.

use std::collections::HashMap;

use crate::diagnostics::{pointer, Report};
use crate::load::SourceFile;
use crate::shape::{Kind, SchemaRef, Shape};

/// The merged definitions of the schemas whose definitions differ, by name;
/// a schema defined once, or the same everywhere, is not in it.
pub(super) fn differing(files: &[SourceFile], report: &mut Report) -> HashMap<String, SchemaRef> {
    let mut first: HashMap<&str, (&SourceFile, &SchemaRef)> = HashMap::new();
    let mut merged: HashMap<String, SchemaRef> = HashMap::new();
    for file in files {
        for (name, schema) in &file.schemas {
            let Some(&(first_file, first_schema)) = first.get(name.as_str()) else {
                first.insert(name, (file, schema));
                continue;
            };
            let current = merged.get(name).unwrap_or(first_schema);
            if current == schema {
                continue;
            }
            let at = pointer("/components/schemas", &[name]);
            let mut added = Vec::new();
            match union(current, schema, "", &mut added) {
                Ok(union) => {
                    if !added.is_empty() {
                        report.warn(file.diagnostic(
                            at.clone(),
                            format!(
                                "schema {name:?} differs from its definition in {} at {at}: merged, adding {}",
                                first_file.path.display(),
                                added.join(", ")
                            ),
                        ));
                    }
                    merged.insert(name.clone(), union);
                }
                Err(difference) => report.error(file.diagnostic(
                    at.clone(),
                    format!(
                        "schema {name:?} is also defined, differently, in {} at {at}: {difference}; \
                         files that share a schema must define it the same way, or only add to it",
                        first_file.path.display()
                    ),
                )),
            }
        }
    }
    merged
}

/// `a` and what `b` adds to it, or why they cannot be one type. `at` is the
/// place inside the schema (for messages); what was added is pushed on `added`.
fn union(a: &SchemaRef, b: &SchemaRef, at: &str, added: &mut Vec<String>) -> Result<SchemaRef, String> {
    match (a, b) {
        (SchemaRef::Reference(x), SchemaRef::Reference(y)) if x == y => Ok(a.clone()),
        (SchemaRef::Item(x), SchemaRef::Item(y)) => Ok(SchemaRef::Item(Box::new(shape_union(x, y, at, added)?))),
        _ => Err(format!(
            "{} is {} in one and {} in the other",
            place(at),
            what(a),
            what(b)
        )),
    }
}

fn shape_union(a: &Shape, b: &Shape, at: &str, added: &mut Vec<String>) -> Result<Shape, String> {
    let same_marks =
        a.secret == b.secret && a.flags == b.flags && a.discriminator == b.discriminator && a.misread == b.misread;
    if !same_marks {
        return Err(format!("{} differs in its extensions or discriminator", place(at)));
    }
    let kind = match (&a.kind, &b.kind) {
        (Kind::Enum(x), Kind::Enum(y)) => {
            let mut values = x.to_vec();
            for value in y.iter().filter(|value| !x.contains(value)) {
                added.push(format!("enum value {value:?} to {}", place(at)));
                values.push(value.clone());
            }
            Kind::Enum(values.into())
        }
        (
            Kind::Object {
                properties: x,
                typed: typed_x,
            },
            Kind::Object {
                properties: y,
                typed: typed_y,
            },
        ) if typed_x == typed_y => {
            let mut properties = Vec::with_capacity(x.len());
            for (name, schema) in x.iter() {
                let inner = format!("{at}/properties/{name}");
                match y.iter().find(|(other, _)| other == name) {
                    Some((_, other)) => properties.push((name.clone(), union(schema, other, &inner, added)?)),
                    None => properties.push((name.clone(), schema.clone())),
                }
            }
            for (name, schema) in y.iter().filter(|(name, _)| !x.iter().any(|(other, _)| other == name)) {
                added.push(format!("property {name:?} to {}", place(at)));
                properties.push((name.clone(), schema.clone()));
            }
            Kind::Object {
                properties: properties.into(),
                typed: *typed_x,
            }
        }
        (Kind::AllOf(x), Kind::AllOf(y)) => Kind::AllOf(members(x, y, &format!("{at}/allOf"), added)?),
        (Kind::AnyOf(x), Kind::AnyOf(y)) => Kind::AnyOf(members(x, y, &format!("{at}/anyOf"), added)?),
        (Kind::OneOf(x), Kind::OneOf(y)) => Kind::OneOf(members(x, y, &format!("{at}/oneOf"), added)?),
        (Kind::Array(Some(x)), Kind::Array(Some(y))) => Kind::Array(Some(union(x, y, &format!("{at}/items"), added)?)),
        (x, y) if x == y => x.clone(),
        _ => return Err(format!("{} has another type", place(at))),
    };
    if b.nullable && !a.nullable {
        added.push(format!("nullable to {}", place(at)));
    }
    Ok(Shape {
        docs: a.docs.clone(),
        kind,
        nullable: a.nullable || b.nullable,
        secret: a.secret,
        payload: a.payload || b.payload,
        navigation: a.navigation || b.navigation,
        flags: a.flags,
        discriminator: a.discriminator.clone(),
        misread: a.misread.clone(),
    })
}

fn members(x: &[SchemaRef], y: &[SchemaRef], at: &str, added: &mut Vec<String>) -> Result<Box<[SchemaRef]>, String> {
    if x.len() != y.len() {
        return Err(format!(
            "{} has {} members in one and {} in the other",
            place(at),
            x.len(),
            y.len()
        ));
    }
    x.iter()
        .zip(y)
        .enumerate()
        .map(|(index, (x, y))| union(x, y, &format!("{at}/{index}"), added))
        .collect()
}

fn place(at: &str) -> String {
    if at.is_empty() {
        "the schema".to_owned()
    } else {
        format!("`{at}`")
    }
}

fn what(schema: &SchemaRef) -> String {
    match schema {
        SchemaRef::Reference(reference) => format!("a $ref to {reference}"),
        SchemaRef::Item(_) => "a schema".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(yaml: &str) -> SchemaRef {
        SchemaRef::from(serde_yaml::from_str::<openapiv3::ReferenceOr<openapiv3::Schema>>(yaml).unwrap())
    }

    #[test]
    fn documentation_differences_merge_silently_keeping_the_first() {
        let a = shape(
            "{type: object, description: Azure AD, properties: {trustType: {type: string, description: Azure AD}}}",
        );
        let b = shape("{type: object, description: Microsoft Entra ID, properties: {trustType: {type: string, description: Microsoft Entra ID}}}");
        let mut added = Vec::new();
        assert_eq!(union(&a, &b, "", &mut added).unwrap(), a);
        assert!(added.is_empty());
    }

    #[test]
    fn enum_values_and_properties_are_added_and_said() {
        let a = shape("{type: object, properties: {kind: {type: string, enum: [a, b]}}}");
        let b = shape("{type: object, properties: {kind: {type: string, enum: [a, b, c]}, more: {type: integer}}}");
        let mut added = Vec::new();
        let merged = union(&a, &b, "", &mut added).unwrap();
        assert_eq!(
            merged,
            shape("{type: object, properties: {kind: {type: string, enum: [a, b, c]}, more: {type: integer}}}")
        );
        assert_eq!(
            added,
            [
                "enum value \"c\" to `/properties/kind`",
                "property \"more\" to the schema"
            ]
        );
    }

    #[test]
    fn another_type_is_refused_with_the_place() {
        let a = shape("{type: object, properties: {size: {type: string}}}");
        let b = shape("{type: object, properties: {size: {type: integer}}}");
        let error = union(&a, &b, "", &mut Vec::new()).unwrap_err();
        assert_eq!(error, "`/properties/size` has another type");
        let r = shape("{$ref: '#/components/schemas/x'}");
        assert!(union(&a, &r, "", &mut Vec::new())
            .unwrap_err()
            .contains("a $ref to #/components/schemas/x"));
    }
}
