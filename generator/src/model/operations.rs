//! Lowering of paths and operations: the URL tree of request builders, the
//! response types, permissions and clouds.

use std::collections::BTreeSet;

use openapiv3::{Operation as ApiOperation, Parameter, PathItem, ReferenceOr, Response, StatusCode};
use serde_json::Value;

use super::schemas::{doc_lines, At, Lowering};
use super::{Builder, Child, Cloud, Docs, HttpMethod, Operation, Permissions, Scopes, Segment, Type};
use crate::diagnostics::{pointer, Diagnostic};
use crate::load::SourceFile;
use crate::names::{self, Namespace};

/// Methods of the runtime's `GraphClient`, which the root builder's methods join.
const CLIENT_METHODS: &[&str] = &["builder", "call", "clone", "fmt", "new", "service_root"];

const PERMISSION_TYPES: [&str; 3] = ["delegatedWork", "delegatedPersonal", "application"];

struct Found<'a> {
    file: &'a SourceFile,
    template: &'a str,
    method: HttpMethod,
    item: &'a PathItem,
    operation: &'a ApiOperation,
    pointer: String,
}

pub(crate) fn build<'a>(
    files: &'a [SourceFile],
    lowering: &mut Lowering<'a>,
    problems: &mut Vec<Diagnostic>,
) -> (Vec<Operation>, Vec<Builder>) {
    let mut found = collect(files, problems);
    found.sort_by(|a, b| (a.template, a.method).cmp(&(b.template, b.method)));

    let mut tree = Tree::new();
    let mut permission_consts = Namespace::default();
    let mut operations = Vec::with_capacity(found.len());
    for op in &found {
        let before = problems.len();
        let segments = segments(op, problems);
        let response = success_type(op, lowering, problems);
        check_error_responses(op, problems);
        let permissions = permissions(op, problems);
        let clouds = clouds(op, problems);
        if problems.len() > before {
            continue;
        }
        let Some(segments) = segments else { continue };
        let node = tree.node_for(&segments, lowering);
        let operation_id = op
            .operation
            .operation_id
            .clone()
            .unwrap_or_else(|| format!("{} {}", op.method.as_str(), op.template));
        let index = operations.len();
        tree.builders[node].operations.push(index);
        operations.push(Operation {
            method_name: tree.scopes[node].claim(names::operation_method(op.method.as_str())),
            http_method: op.method,
            template: op.template.to_owned(),
            permissions_const: permissions
                .as_ref()
                .map(|_| permission_consts.claim(names::permissions_const(&operation_id))),
            operation_id,
            docs: operation_docs(op.operation),
            doc_url: op.operation.external_docs.as_ref().map(|docs| docs.url.clone()),
            response,
            permissions,
            clouds,
        });
    }
    (operations, tree.builders)
}

fn collect<'a>(files: &'a [SourceFile], problems: &mut Vec<Diagnostic>) -> Vec<Found<'a>> {
    let mut found: Vec<Found> = Vec::new();
    for file in files {
        for (template, item) in &file.document.paths.paths {
            let path_pointer = pointer("/paths", &[template]);
            let ReferenceOr::Item(item) = item else {
                problems.push(file.diagnostic(
                    path_pointer,
                    "a $ref path item is not supported; write the operations inline",
                ));
                continue;
            };
            for (key, method, operation) in [
                ("get", HttpMethod::Get, &item.get),
                ("put", HttpMethod::Put, &item.put),
                ("post", HttpMethod::Post, &item.post),
                ("patch", HttpMethod::Patch, &item.patch),
                ("delete", HttpMethod::Delete, &item.delete),
            ] {
                let Some(operation) = operation else { continue };
                let op_pointer = pointer(&path_pointer, &[key]);
                if let Some(other) = found.iter().find(|f| f.template == template && f.method == method) {
                    problems.push(file.diagnostic(
                        op_pointer,
                        format!(
                            "{} {template} is also defined in {}",
                            method.as_str(),
                            other.file.path.display()
                        ),
                    ));
                    continue;
                }
                found.push(Found {
                    file,
                    template,
                    method,
                    item,
                    operation,
                    pointer: op_pointer,
                });
            }
            for (key, operation) in [("head", &item.head), ("options", &item.options), ("trace", &item.trace)] {
                if operation.is_some() {
                    problems.push(file.diagnostic(
                        pointer(&path_pointer, &[key]),
                        format!("{} operations are not supported", key.to_uppercase()),
                    ));
                }
            }
        }
    }
    found
}

/// The path's segments, checked against its parameters.
fn segments(op: &Found, problems: &mut Vec<Diagnostic>) -> Option<Vec<Segment>> {
    let file = op.file;
    let path_pointer = pointer("/paths", &[op.template]);
    let fail = |problems: &mut Vec<Diagnostic>, message: String| {
        problems.push(file.diagnostic(path_pointer.clone(), message));
        None
    };
    let Some(rest) = op.template.strip_prefix('/') else {
        return fail(problems, "a path must start with /".to_owned());
    };
    let declared = path_parameters(op, problems);
    let mut segments = Vec::new();
    let mut used = BTreeSet::new();
    for text in rest.split('/') {
        if let Some(name) = text.strip_prefix('{').and_then(|inner| inner.strip_suffix('}')) {
            if name.is_empty() || name.contains(['{', '}']) {
                return fail(problems, format!("path segment {text:?} is not a valid parameter"));
            }
            if !declared.contains(name) {
                return fail(
                    problems,
                    format!("path parameter {{{name}}} is not declared in the operation's parameters"),
                );
            }
            used.insert(name.to_owned());
            segments.push(Segment::Parameter {
                name: name.to_owned(),
                argument: names::argument_name(name),
            });
        } else if text.contains(['{', '}']) {
            return fail(
                problems,
                format!("path segment {text:?} mixes text and a parameter, which graphgen does not support"),
            );
        } else if text.is_empty() || text == "." || text == ".." || text.contains(['?', '#', '%', ' ']) {
            return fail(problems, format!("path segment {text:?} is not a valid fixed segment"));
        } else {
            segments.push(Segment::Fixed(text.to_owned()));
        }
    }
    if let Some(unused) = declared.difference(&used).next() {
        return fail(
            problems,
            format!("path parameter {unused:?} is declared but not in the path"),
        );
    }
    Some(segments)
}

/// Names of the path parameters of the path item and the operation. Other
/// parameters are checked: optional query and header parameters are not
/// generated yet, required ones are refused so no call is generated that
/// cannot succeed.
fn path_parameters(op: &Found, problems: &mut Vec<Diagnostic>) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let lists = [
        (pointer("/paths", &[op.template, "parameters"]), &op.item.parameters),
        (pointer(&op.pointer, &["parameters"]), &op.operation.parameters),
    ];
    for (list_pointer, parameters) in lists {
        for (index, parameter) in parameters.iter().enumerate() {
            let at = pointer(&list_pointer, &[&index.to_string()]);
            let parameter = match parameter {
                ReferenceOr::Item(parameter) => parameter,
                ReferenceOr::Reference { reference } => match resolve_parameter(op.file, reference) {
                    Some(parameter) => parameter,
                    None => {
                        problems.push(op.file.diagnostic(
                            pointer(&at, &["$ref"]),
                            format!("$ref {reference:?} points to no parameter in components/parameters"),
                        ));
                        continue;
                    }
                },
            };
            match parameter {
                Parameter::Path { parameter_data, .. } => {
                    names.insert(parameter_data.name.clone());
                }
                other => {
                    let data = other.parameter_data_ref();
                    if data.required {
                        problems.push(op.file.diagnostic(
                            at,
                            format!(
                                "required parameter {:?} (not in the path) is not supported yet",
                                data.name
                            ),
                        ));
                    }
                }
            }
        }
    }
    names
}

fn resolve_parameter<'a>(file: &'a SourceFile, reference: &str) -> Option<&'a Parameter> {
    let name = reference.strip_prefix("#/components/parameters/")?;
    match file.document.components.as_ref()?.parameters.get(name)? {
        ReferenceOr::Item(parameter) => Some(parameter),
        ReferenceOr::Reference { .. } => None,
    }
}

fn resolve_response<'a>(file: &'a SourceFile, response: &'a ReferenceOr<Response>) -> Option<&'a Response> {
    match response {
        ReferenceOr::Item(response) => Some(response),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/responses/")?;
            match file.document.components.as_ref()?.responses.get(name)? {
                ReferenceOr::Item(response) => Some(response),
                ReferenceOr::Reference { .. } => None,
            }
        }
    }
}

fn status_key(status: &StatusCode) -> String {
    match status {
        StatusCode::Code(code) => code.to_string(),
        StatusCode::Range(range) => format!("{range}XX"),
    }
}

/// The body type of the first 2XX response; `None` when it has no body.
fn success_type<'a>(op: &Found<'a>, lowering: &mut Lowering<'a>, problems: &mut Vec<Diagnostic>) -> Option<Type> {
    let responses = &op.operation.responses;
    let success = responses.responses.iter().find(|(status, _)| match status {
        StatusCode::Code(code) => (200..300).contains(code),
        StatusCode::Range(range) => *range == 2,
    });
    let responses_pointer = pointer(&op.pointer, &["responses"]);
    let Some((status, response)) = success else {
        problems.push(
            op.file
                .diagnostic(responses_pointer, "the operation has no 2XX response"),
        );
        return None;
    };
    let response_pointer = pointer(&responses_pointer, &[&status_key(status)]);
    let Some(resolved) = resolve_response(op.file, response) else {
        problems.push(op.file.diagnostic(
            pointer(&response_pointer, &["$ref"]),
            "this $ref points to no response in components/responses",
        ));
        return None;
    };
    if resolved.content.is_empty() {
        return None;
    }
    let Some((media_type, media)) = resolved
        .content
        .iter()
        .find(|(media_type, _)| media_type.contains("json"))
    else {
        let types: Vec<&str> = resolved.content.keys().map(String::as_str).collect();
        problems.push(op.file.diagnostic(
            pointer(&response_pointer, &["content"]),
            format!("only JSON responses are supported; this one is {}", types.join(", ")),
        ));
        return None;
    };
    let media_pointer = pointer(&response_pointer, &["content", media_type]);
    let Some(schema) = &media.schema else {
        problems.push(op.file.diagnostic(media_pointer, "the response has no schema"));
        return None;
    };
    let schema_pointer = pointer(&media_pointer, &["schema"]);
    let context = format!(
        "{}Response",
        names::type_name(op.operation.operation_id.as_deref().unwrap_or(op.template))
    );
    // A response defined in components/responses lives in the same file.
    let at = At {
        file: op.file,
        pointer: &schema_pointer,
    };
    Some(lowering.type_of(at, schema, &context))
}

/// Error responses need not name a type (every Graph error has the same
/// body, which the runtime reads), but a reference among them must resolve.
fn check_error_responses(op: &Found, problems: &mut Vec<Diagnostic>) {
    let responses = &op.operation.responses;
    let errors = responses
        .responses
        .iter()
        .filter(|(status, _)| !matches!(status, StatusCode::Code(200..=299) | StatusCode::Range(2)))
        .map(|(status, response)| (status_key(status), response))
        .chain(
            responses
                .default
                .iter()
                .map(|response| ("default".to_owned(), response)),
        );
    for (key, response) in errors {
        if resolve_response(op.file, response).is_none() {
            problems.push(op.file.diagnostic(
                pointer(&op.pointer, &["responses", &key, "$ref"]),
                "this $ref points to no response in components/responses",
            ));
        }
    }
}

fn operation_docs(operation: &ApiOperation) -> Docs {
    let mut docs = Docs::new();
    if let Some(summary) = &operation.summary {
        docs.extend(doc_lines(summary));
    }
    if let Some(description) = &operation.description {
        if !docs.is_empty() {
            docs.push(String::new());
        }
        docs.extend(doc_lines(description));
    }
    docs
}

/// Reads `x-graphgen-permissions` and `x-graphgen-roles-for-other-users`, and
/// checks them against the operation's `security` requirements.
fn permissions(op: &Found, problems: &mut Vec<Diagnostic>) -> Option<Permissions> {
    let extensions = &op.operation.extensions;
    let value = extensions.get("x-graphgen-permissions")?;
    let at = pointer(&op.pointer, &["x-graphgen-permissions"]);
    let mut fail = |pointer: String, message: String| problems.push(op.file.diagnostic(pointer, message));
    let Some(table) = value.as_object() else {
        fail(
            at,
            "x-graphgen-permissions must be a mapping of permission types".to_owned(),
        );
        return None;
    };
    let mut permissions = Permissions::default();
    for (key, entry) in table {
        let entry_at = pointer(&at, &[key]);
        let scopes = match entry {
            Value::String(text) if text == "notSupported" => None,
            Value::Object(lists) => {
                let mut scopes = Scopes::default();
                for (list_key, list) in lists {
                    let target = match list_key.as_str() {
                        "least" => &mut scopes.least,
                        "higher" => &mut scopes.higher,
                        _ => {
                            fail(
                                pointer(&entry_at, &[list_key]),
                                "expected `least` or `higher`".to_owned(),
                            );
                            continue;
                        }
                    };
                    match string_list(list) {
                        Some(values) => *target = values,
                        None => fail(
                            pointer(&entry_at, &[list_key]),
                            "expected a list of permission names".to_owned(),
                        ),
                    }
                }
                if scopes.least.is_empty() {
                    fail(
                        entry_at.clone(),
                        "a supported permission type needs at least one least privileged permission".to_owned(),
                    );
                }
                Some(scopes)
            }
            _ => {
                fail(
                    entry_at,
                    "expected `notSupported` or a mapping with `least` and `higher`".to_owned(),
                );
                continue;
            }
        };
        match key.as_str() {
            "delegatedWork" => permissions.delegated_work = scopes,
            "delegatedPersonal" => permissions.delegated_personal = scopes,
            "application" => permissions.application = scopes,
            _ => fail(
                entry_at,
                format!(
                    "unknown permission type; expected one of {}",
                    PERMISSION_TYPES.join(", ")
                ),
            ),
        }
    }
    if let Some(roles) = extensions.get("x-graphgen-roles-for-other-users") {
        match string_list(roles) {
            Some(roles) => permissions.roles_for_other_users = roles,
            None => fail(
                pointer(&op.pointer, &["x-graphgen-roles-for-other-users"]),
                "expected a list of Microsoft Entra role names".to_owned(),
            ),
        }
    }
    if let Some(security) = &op.operation.security {
        let declared: BTreeSet<&str> = security
            .iter()
            .flat_map(|requirement| requirement.values().flatten())
            .map(String::as_str)
            .collect();
        let listed: BTreeSet<&str> = [
            &permissions.delegated_work,
            &permissions.delegated_personal,
            &permissions.application,
        ]
        .into_iter()
        .flatten()
        .flat_map(|scopes| scopes.least.iter().chain(&scopes.higher))
        .map(String::as_str)
        .collect();
        if declared != listed {
            let missing: Vec<&str> = listed.difference(&declared).copied().collect();
            let extra: Vec<&str> = declared.difference(&listed).copied().collect();
            fail(
                pointer(&op.pointer, &["security"]),
                format!(
                    "security and x-graphgen-permissions disagree: only in x-graphgen-permissions: [{}]; only in security: [{}]",
                    missing.join(", "),
                    extra.join(", ")
                ),
            );
        }
    }
    Some(permissions)
}

fn string_list(value: &Value) -> Option<Vec<String>> {
    value
        .as_array()?
        .iter()
        .map(|item| item.as_str().filter(|text| !text.trim().is_empty()).map(str::to_owned))
        .collect()
}

fn clouds(op: &Found, problems: &mut Vec<Diagnostic>) -> Vec<Cloud> {
    let Some(value) = op.operation.extensions.get("x-graphgen-clouds") else {
        return Vec::new();
    };
    let at = pointer(&op.pointer, &["x-graphgen-clouds"]);
    let known: Vec<&str> = Cloud::ALL.iter().map(|(name, _)| *name).collect();
    let Some(names) = string_list(value) else {
        problems.push(
            op.file
                .diagnostic(at, format!("expected a list of clouds: {}", known.join(", "))),
        );
        return Vec::new();
    };
    let mut clouds = Vec::new();
    for (index, name) in names.iter().enumerate() {
        match Cloud::ALL.iter().find(|(known, _)| known == name) {
            Some((_, cloud)) if !clouds.contains(cloud) => clouds.push(*cloud),
            Some(_) => {}
            None => problems.push(op.file.diagnostic(
                pointer(&at, &[&index.to_string()]),
                format!("unknown cloud {name:?}; expected one of {}", known.join(", ")),
            )),
        }
    }
    clouds
}

/// The URL tree, built as operations are added.
struct Tree {
    builders: Vec<Builder>,
    /// Method names taken on each builder.
    scopes: Vec<Namespace>,
    /// The segments leading to each builder.
    paths: Vec<Vec<Segment>>,
}

impl Tree {
    fn new() -> Self {
        Self {
            builders: vec![Builder {
                name: String::new(),
                template: String::new(),
                children: Vec::new(),
                operations: Vec::new(),
            }],
            scopes: vec![Namespace::with_reserved(CLIENT_METHODS)],
            paths: vec![Vec::new()],
        }
    }

    fn node_for(&mut self, segments: &[Segment], lowering: &mut Lowering) -> usize {
        let mut node = 0;
        for (depth, segment) in segments.iter().enumerate() {
            if let Some(child) = self.builders[node]
                .children
                .iter()
                .find(|child| &child.segment == segment)
            {
                node = child.builder;
                continue;
            }
            let path = segments[..=depth].to_vec();
            let texts: Vec<String> = path.iter().map(segment_text).collect();
            let template: String = texts.iter().map(|text| format!("/{text}")).collect();
            let index = self.builders.len();
            self.builders.push(Builder {
                name: lowering.claim_type_name(names::builder_name(&texts)),
                template: template.clone(),
                children: Vec::new(),
                operations: Vec::new(),
            });
            self.scopes.push(Namespace::default());
            self.paths.push(path);
            let (method, docs) = match segment {
                Segment::Fixed(text) => (names::segment_method(text), vec![format!("`{template}`")]),
                Segment::Parameter { name, .. } => (
                    names::parameter_method(name),
                    vec![format!("`{template}`: one item, by its `{name}`.")],
                ),
            };
            let method = self.scopes[node].claim(method);
            self.builders[node].children.push(Child {
                method,
                segment: segment.clone(),
                builder: index,
                docs,
            });
            node = index;
        }
        node
    }
}

fn segment_text(segment: &Segment) -> String {
    match segment {
        Segment::Fixed(text) => text.clone(),
        Segment::Parameter { name, .. } => format!("{{{name}}}"),
    }
}
