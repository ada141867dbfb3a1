//! The doc comment of every operation, with its query options, written once the model
//! is built: the description's text, then what graphgen knows beside it
//! (the request line, paging, PATCH, permissions, clouds, the documentation
//! page). Renderers write these lines as they are.

use std::collections::HashSet;

use crate::shape::Shape;
use crate::text;

use super::{
    Docs, Model, Operation, Parameter, ParameterLocation, Permissions, RequestBody, ResponseBody, Scopes, Takes, Type,
    TypeDef,
};

/// Replaces the description's docs of each operation by its
/// whole doc comment.
pub(super) fn complete(model: &mut Model) {
    let pages: HashSet<String> = model
        .types
        .iter()
        .filter_map(|def| match def {
            TypeDef::Struct(def) if def.page.is_some() => Some(def.name.clone()),
            _ => None,
        })
        .collect();
    let pages: HashSet<&str> = pages.iter().map(String::as_str).collect();
    // Upload sessions (`microsoft.graph.uploadSession` and its look-alikes).
    let sessions: HashSet<String> = model
        .types
        .iter()
        .filter_map(|def| match def {
            TypeDef::Struct(def)
                if ["uploadUrl", "nextExpectedRanges"]
                    .iter()
                    .all(|property| def.fields.iter().any(|field| field.json_name == *property)) =>
            {
                Some(def.name.clone())
            }
            _ => None,
        })
        .collect();
    let kinds = ResponseKinds {
        pages: &pages,
        sessions: &sessions,
    };
    for operation in &mut model.operations {
        operation.docs = operation_docs(&kinds, operation);
    }
}

/// What the docs say of the operation's query options and headers: the
/// call's setters, the method's arguments, and the others by name.
fn parameter_docs(parameters: &[Parameter]) -> Vec<String> {
    let mut setters = Vec::new();
    let mut others = Vec::new();
    for parameter in parameters {
        let (kind, by_name) = match parameter.location {
            ParameterLocation::Query => ("query option", "query"),
            ParameterLocation::Header => ("header", "header"),
        };
        let wire = text::code(&parameter.wire_name);
        let what = match &parameter.takes {
            Takes::Setter(setter) => {
                setters.push(format!("[`{0}`](super::runtime::call::Call::{0})", setter.method));
                continue;
            }
            Takes::Argument(argument) => format!("- `{argument}`: the {kind} {wire}"),
            Takes::ByName => {
                format!("- the {kind} {wire}, set with [`{by_name}`](super::runtime::call::Call::{by_name})")
            }
        };
        others.push(match parameter.docs.is_empty() {
            true => format!("{what}."),
            false => format!("{what}: {}", parameter.docs.join(" ")),
        });
    }
    let mut lines = Vec::new();
    if !setters.is_empty() {
        lines.push(format!(
            "Query options and headers, set on the call: {}.",
            setters.join(", ")
        ));
        if !others.is_empty() {
            lines.push(String::new());
        }
    }
    lines.extend(others);
    lines
}

/// The generated types whose answers get a word on how to go on with them.
struct ResponseKinds<'a> {
    /// Pages of a collection.
    pages: &'a HashSet<&'a str>,
    /// Upload sessions.
    sessions: &'a HashSet<String>,
}

/// The doc comment of an operation: the spec's text, the request line, the
/// permissions and roles, the clouds, the documentation page.
fn operation_docs(kinds: &ResponseKinds<'_>, operation: &Operation) -> Vec<String> {
    let mut docs = operation.docs.clone();
    let paragraph = |docs: &mut Vec<String>, lines: Vec<String>| {
        if !docs.is_empty() {
            docs.push(String::new());
        }
        docs.extend(lines);
    };
    paragraph(
        &mut docs,
        vec![text::code(&format!(
            "{} {}",
            operation.http_method.as_str(),
            operation.template
        ))],
    );
    let paged = match &operation.response {
        ResponseBody::Json(Type::Named(name)) => kinds.pages.contains(name.as_str()),
        ResponseBody::References => true,
        _ => false,
    };
    let parameters = parameter_docs(&operation.parameters);
    if !parameters.is_empty() {
        paragraph(&mut docs, parameters);
    }
    if paged {
        paragraph(
            &mut docs,
            vec![
                "Awaited, this gives the first page. `.collect_all().await` gives every item of every".to_owned(),
                "page, and `.items()` / `.pages()` stream them, following `@odata.nextLink`.".to_owned(),
            ],
        );
    }
    if matches!(&operation.response, ResponseBody::Json(Type::Named(name)) if kinds.sessions.contains(name)) {
        paragraph(
            &mut docs,
            vec![
                "The answer is an upload session: send the file to its `upload_url` with".to_owned(),
                "[`GraphClient::upload`](super::runtime::client::GraphClient::upload), which streams it in slices"
                    .to_owned(),
                "and resumes after a dropped connection.".to_owned(),
            ],
        );
    }
    if let Some(RequestBody::Json { patch: true, .. }) = &operation.body {
        paragraph(
            &mut docs,
            vec![
                "Only the properties that are set are sent; to clear one, send it as `null` with".to_owned(),
                "[`Patch::null`](super::runtime::patch::Patch::null).".to_owned(),
            ],
        );
    }
    if let Some(permissions) = &operation.permissions {
        paragraph(
            &mut docs,
            permission_docs(permissions, operation.permissions_const.as_deref()),
        );
    }
    if operation.unlisted {
        paragraph(
            &mut docs,
            vec!["Permissions: not listed in Microsoft's permissions reference.".to_owned()],
        );
    }
    if !operation.clouds.is_empty() {
        let clouds: Vec<String> = operation
            .clouds
            .iter()
            .map(|cloud| {
                format!(
                    "[`Cloud::{}`](super::runtime::cloud::Cloud::{})",
                    cloud.variant(),
                    cloud.variant()
                )
            })
            .collect();
        paragraph(
            &mut docs,
            vec![format!("Available in the national clouds {}.", clouds.join(", "))],
        );
    }
    if let Some(url) = &operation.doc_url {
        paragraph(&mut docs, vec![text::link("Microsoft's documentation", url)]);
    }
    docs
}

fn permission_docs(permissions: &Permissions, constant: Option<&str>) -> Vec<String> {
    let row = |kind: &str, scopes: &Option<Scopes>| match scopes {
        Some(scopes) => format!(
            "| {kind} | {} | {} |",
            table_cell(&scopes.least.join(", ")),
            table_cell(&if scopes.higher.is_empty() {
                "None.".to_owned()
            } else {
                scopes.higher.join(", ")
            })
        ),
        None => format!("| {kind} | Not supported. | Not supported. |"),
    };
    let mut lines = vec![
        "# Permissions".to_owned(),
        String::new(),
        "| Permission type | Least privileged permissions | Higher privileged permissions |".to_owned(),
        "|---|---|---|".to_owned(),
        row("Delegated (work or school account)", &permissions.delegated_work),
        row(
            "Delegated (personal Microsoft account)",
            &permissions.delegated_personal,
        ),
        row("Application", &permissions.application),
    ];
    if !permissions.roles_for_other_users.is_empty() {
        lines.push(String::new());
        lines.push(format!(
            "A signed-in user acting on another user also needs one of these Microsoft Entra roles: {}.",
            text::markdown(&permissions.roles_for_other_users.join(", "))
        ));
    }
    if let Some(constant) = constant {
        lines.push(String::new());
        lines.push(format!("As data: [`{constant}`](super::permissions::{constant})."));
    }
    lines
}

/// Text placed in a Markdown table cell.
fn table_cell(cell: &str) -> String {
    text::markdown(cell).replace('|', "\\|")
}

/// Doc lines from a schema's description, else its title.
pub(super) fn docs_of(schema: &Shape) -> Docs {
    schema.docs.as_deref().map(text::doc_lines).unwrap_or_default()
}
