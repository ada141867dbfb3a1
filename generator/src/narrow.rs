//! Finds the innermost node that fails to parse. `openapiv3` flattens
//! extensions into most of its types, and serde loses the error's path at
//! every flattened level, so an error often points at `/paths` as a whole.
//! On that error path only, this walks the YAML value again, parsing each
//! part on its own, and returns the deepest part that still fails.

use openapiv3::{
    Components, MediaType, OpenAPI, Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response, Schema,
};
use serde::de::DeserializeOwned;
use serde_yaml::Value;

use crate::diagnostics::escape_token;

#[derive(Clone, Copy)]
enum Kind {
    Document,
    Components,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Responses,
    Response,
    MediaType,
    Schema,
}

/// The JSON pointer and message of the innermost node of `document` that does
/// not parse, if any part does not.
pub fn innermost_error(document: &Value) -> Option<(String, String)> {
    narrow(document, Kind::Document, String::new())
}

fn parse_error<T: DeserializeOwned>(value: &Value) -> Option<String> {
    // openapiv3 panics on some malformed nodes instead of failing: such a
    // node does not parse either.
    crate::diagnostics::catch_panic(|| serde_yaml::from_value::<T>(value.clone()).err().map(|e| e.to_string()))
        .unwrap_or_else(|_| Some("this is not a valid value here".to_owned()))
}

fn own_error(value: &Value, kind: Kind) -> Option<String> {
    match kind {
        Kind::Document => parse_error::<OpenAPI>(value),
        Kind::Components => parse_error::<Components>(value),
        Kind::PathItem => parse_error::<ReferenceOr<PathItem>>(value),
        Kind::Operation => parse_error::<Operation>(value),
        Kind::Parameter => parse_error::<ReferenceOr<Parameter>>(value),
        Kind::RequestBody => parse_error::<ReferenceOr<RequestBody>>(value),
        Kind::Responses => parse_error::<openapiv3::Responses>(value),
        Kind::Response => parse_error::<ReferenceOr<Response>>(value),
        Kind::MediaType => parse_error::<MediaType>(value),
        Kind::Schema => parse_error::<ReferenceOr<Schema>>(value),
    }
}

/// The parts of a node of `kind` that are parsed as other kinds.
fn children(value: &Value, kind: Kind) -> Vec<(String, &Value, Kind)> {
    let Some(map) = value.as_mapping() else {
        return Vec::new();
    };
    let entries = |key: &str, child: Kind| -> Vec<(String, &Value, Kind)> {
        match map.get(key) {
            Some(Value::Mapping(inner)) => inner
                .iter()
                .filter_map(|(name, value)| {
                    name.as_str()
                        .map(|name| (format!("{key}/{}", escape_token(name)), value, child))
                })
                .collect(),
            Some(Value::Sequence(items)) => items
                .iter()
                .enumerate()
                .map(|(index, value)| (format!("{key}/{index}"), value, child))
                .collect(),
            Some(other) if matches!(child, Kind::Schema) && key == "items" => vec![(key.to_owned(), other, child)],
            _ => Vec::new(),
        }
    };
    let single = |key: &str, child: Kind| {
        map.get(key)
            .map(|value| (key.to_owned(), value, child))
            .into_iter()
            .collect::<Vec<_>>()
    };
    match kind {
        Kind::Document => [entries("paths", Kind::PathItem), single("components", Kind::Components)].concat(),
        Kind::Components => [
            entries("schemas", Kind::Schema),
            entries("responses", Kind::Response),
            entries("parameters", Kind::Parameter),
            entries("requestBodies", Kind::RequestBody),
        ]
        .concat(),
        Kind::PathItem => {
            let mut parts = entries("parameters", Kind::Parameter);
            for method in ["get", "put", "post", "delete", "options", "head", "patch", "trace"] {
                parts.extend(single(method, Kind::Operation));
            }
            parts
        }
        Kind::Operation => [
            entries("parameters", Kind::Parameter),
            single("requestBody", Kind::RequestBody),
            single("responses", Kind::Responses),
        ]
        .concat(),
        Kind::Responses => map
            .iter()
            .filter_map(|(name, value)| {
                let name = match name {
                    Value::String(name) => name.clone(),
                    Value::Number(number) => number.to_string(),
                    _ => return None,
                };
                (!name.starts_with("x-")).then(|| (escape_token(&name), value, Kind::Response))
            })
            .collect(),
        Kind::Response | Kind::RequestBody => entries("content", Kind::MediaType),
        Kind::Parameter | Kind::MediaType => single("schema", Kind::Schema),
        Kind::Schema => [
            entries("properties", Kind::Schema),
            entries("allOf", Kind::Schema),
            entries("anyOf", Kind::Schema),
            entries("oneOf", Kind::Schema),
            single("items", Kind::Schema),
        ]
        .concat(),
    }
}

fn narrow(value: &Value, kind: Kind, pointer: String) -> Option<(String, String)> {
    let message = own_error(value, kind)?;
    for (relative, child, child_kind) in children(value, kind) {
        if let Some(found) = narrow(child, child_kind, format!("{pointer}/{relative}")) {
            return Some(found);
        }
    }
    Some((pointer, message))
}
