//! Lowering of paths and operations: the URL tree of request builders, the
//! response types, permissions and clouds.

use std::collections::{BTreeSet, HashMap};

use openapiv3::{MediaType, Operation as ApiOperation, Parameter, PathItem, ReferenceOr, Response, StatusCode};

use super::extensions;
use super::filter::PathFilter;
use super::schemas::{At, Lowering};
use super::url_tree::Tree;
use super::{Builder, Docs, HttpMethod, Operation, ParameterLocation, RequestBody, ResponseBody, Segment, Takes, Type};
use crate::diagnostics::{pointer, Diagnostic, Report};
use crate::load::permissions::PermissionsFile;
use crate::load::{PathRef, SourceFile};
use crate::names::{self, Namespace};
use crate::runtime::Setter;
use crate::text::doc_lines;

struct Found<'a> {
    /// Every input file: components are shared between fragments.
    files: &'a [SourceFile],
    file: &'a SourceFile,
    template: &'a str,
    method: HttpMethod,
    item: &'a PathItem,
    operation: &'a ApiOperation,
    pointer: String,
}

/// Operations and request builders, built from the path items in order of
/// path template.
pub(crate) fn build(
    files: &[SourceFile],
    filter: &PathFilter,
    reference: Option<&PermissionsFile>,
    lowering: &mut Lowering<'_>,
) -> (Vec<Operation>, Vec<Builder>) {
    let mut tree = Tree::new();
    let mut permissions = Permissioning {
        consts: Namespace::default(),
        reference,
    };
    let mut operations = Vec::new();
    let items = crate::load::paths_in_order(files);
    let mut found = collect(files, &items, &mut lowering.report);
    let all: Vec<(&str, &str)> = found.iter().map(|op| (op.template, op.method.as_str())).collect();
    for (pattern, near) in filter.unmatched(&all) {
        let hint = match near.as_slice() {
            [] => String::new(),
            paths => format!("; paths near it: {}", paths.join(", ")),
        };
        lowering.report.error(Diagnostic::new(
            "(command line)",
            "",
            format!("--include-path {pattern:?} matches no operation of the descriptions{hint}"),
        ));
    }
    found.retain(|op| filter.selects(op.template, op.method.as_str()));
    found.sort_by(|a, b| (a.template, a.method).cmp(&(b.template, b.method)));
    let mut bodies = Bodies::of(&found, lowering);
    for op in &found {
        lower(op, lowering, &mut bodies, &mut tree, &mut permissions, &mut operations);
    }
    tree.add_me();
    tree.name_builders(lowering);
    (operations, tree.builders)
}

/// Where operations' permissions come from besides their own, and the names
/// of their constants.
struct Permissioning<'r> {
    consts: Namespace,
    reference: Option<&'r PermissionsFile>,
}

/// Adds the operation `op` to `operations` and the builder of its path to `tree`.
fn lower(
    op: &Found,
    lowering: &mut Lowering<'_>,
    bodies: &mut Bodies,
    tree: &mut Tree,
    permissioning: &mut Permissioning,
    operations: &mut Vec<Operation>,
) {
    let before = lowering.report.errors.len();
    let (declared, parameters) = parameters(op, &mut lowering.report);
    let segments = segments(op, &declared, &mut lowering.report);
    let (response, example) = success_type(op, lowering, bodies);
    let body = request_body(op, lowering, bodies);
    check_error_responses(op, &mut lowering.report);
    let at = extensions::Operation {
        file: op.file,
        pointer: &op.pointer,
        operation: op.operation,
    };
    let own = extensions::permissions(&at, &mut lowering.report);
    let (permissions, unlisted) = extensions::with_reference(
        &at,
        own,
        permissioning.reference,
        op.method.as_str(),
        op.template,
        &mut lowering.report,
    );
    let clouds = extensions::clouds(&at, &mut lowering.report);
    if lowering.report.errors.len() > before {
        return;
    }
    let Some(segments) = segments else { return };
    let node = tree.node_for(&segments);
    let operation_id = op
        .operation
        .operation_id
        .clone()
        .unwrap_or_else(|| format!("{} {}", op.method.as_str(), op.template));
    let index = operations.len();
    tree.builders[node].operations.push(index);
    let method_name = tree.scopes[node].claim(names::operation_method(op.method.as_str()));
    let group = op
        .operation
        .tags
        .first()
        .cloned()
        .or_else(|| op.template.trim_start_matches('/').split('/').next().map(str::to_owned))
        .unwrap_or_default();
    operations.push(Operation {
        group,
        acts_on: None,
        module: op.file.file_name(),
        unlisted,
        gate: Default::default(),
        method_gate: Default::default(),
        method_name,
        http_method: op.method,
        body,
        parameters,
        properties: None,
        uploads: None,
        template: op.template.to_owned(),
        permissions_const: permissions
            .as_ref()
            .map(|_| permissioning.consts.claim(names::permissions_const(&operation_id))),
        operation_id,
        docs: operation_docs(op.operation),
        doc_url: op.operation.external_docs.as_ref().map(|docs| docs.url.clone()),
        response,
        example,
        permissions,
        clouds,
    });
}

/// The operations of the path items, each method of a template once. One
/// defined in several files (Microsoft's modules are slices of one API) is
/// one operation, the first file's: definitions that differ only in their
/// documentation merge silently, ones that differ in their tags or
/// operationId with a warning naming both places; any other difference is
/// refused, naming both.
fn collect<'a>(files: &'a [SourceFile], items: &[PathRef<'a>], report: &mut Report) -> Vec<Found<'a>> {
    // Where each method and path template was first defined (in `found`).
    let mut defined: HashMap<(String, HttpMethod), usize> = HashMap::new();
    let mut found: Vec<Found> = Vec::new();
    for &PathRef { template, file, item } in items {
        let path_pointer = pointer("/paths", &[template]);
        let ReferenceOr::Item(item) = item else {
            report.error(file.diagnostic(
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
            match defined.entry((template.to_owned(), method)) {
                std::collections::hash_map::Entry::Occupied(other) => {
                    let first = &found[*other.get()];
                    let place = format!("{} at {}", first.file.path.display(), first.pointer);
                    match redefinition((first.item, first.operation), (item, operation)) {
                        Redefinition::Same => {}
                        Redefinition::Renamed => report.warn(file.diagnostic(
                            op_pointer,
                            format!(
                                "{} {template} is also defined in {place} with other tags or operationId: merged, \
                                 keeping that file's",
                                method.as_str()
                            ),
                        )),
                        Redefinition::Different(what) => report.error(file.diagnostic(
                            op_pointer,
                            format!(
                                "{} {template} is also defined, differently, in {place}: its {what} differ; files \
                                 that share an operation must define it the same way",
                                method.as_str()
                            ),
                        )),
                    }
                    continue;
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(found.len());
                }
            }
            found.push(Found {
                files,
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
                report.error(file.diagnostic(
                    pointer(&path_pointer, &[key]),
                    format!("{} operations are not supported", key.to_uppercase()),
                ));
            }
        }
    }
    found
}

/// How a second definition of an operation differs from the first.
#[derive(Debug, PartialEq, Eq)]
enum Redefinition {
    /// Not at all, or in its documentation only.
    Same,
    /// In its tags or operationId (which name its feature and constant).
    Renamed,
    /// In what it sends or answers.
    Different(&'static str),
}

fn redefinition(first: (&PathItem, &ApiOperation), second: (&PathItem, &ApiOperation)) -> Redefinition {
    let undocumented = |(item, operation): (&PathItem, &ApiOperation)| {
        let mut operation = operation.clone();
        operation.summary = None;
        operation.description = None;
        operation.external_docs = None;
        let mut path_parameters = item.parameters.clone();
        for parameter in operation.parameters.iter_mut().chain(&mut path_parameters) {
            if let ReferenceOr::Item(parameter) = parameter {
                parameter_data(parameter).description = None;
            }
        }
        if let Some(ReferenceOr::Item(body)) = &mut operation.request_body {
            body.description = None;
        }
        for response in operation
            .responses
            .responses
            .values_mut()
            .chain(&mut operation.responses.default)
        {
            if let ReferenceOr::Item(response) = response {
                response.description.clear();
            }
        }
        (path_parameters, operation)
    };
    let ((first_path, mut first), (second_path, mut second)) = (undocumented(first), undocumented(second));
    let differs = [
        ("path parameters", first_path != second_path),
        ("parameters", first.parameters != second.parameters),
        ("request body", first.request_body != second.request_body),
        ("responses", first.responses != second.responses),
        ("extensions", first.extensions != second.extensions),
    ];
    if let Some((what, _)) = differs.iter().find(|(_, differs)| *differs) {
        return Redefinition::Different(what);
    }
    if first == second {
        return Redefinition::Same;
    }
    for operation in [&mut first, &mut second] {
        operation.tags.clear();
        operation.operation_id = None;
    }
    if first == second {
        Redefinition::Renamed
    } else {
        Redefinition::Different("security, servers or other fields")
    }
}

fn parameter_data(parameter: &mut Parameter) -> &mut openapiv3::ParameterData {
    match parameter {
        Parameter::Query { parameter_data, .. }
        | Parameter::Header { parameter_data, .. }
        | Parameter::Path { parameter_data, .. }
        | Parameter::Cookie { parameter_data, .. } => parameter_data,
    }
}

/// The path's segments, checked against its declared path parameters.
fn segments(op: &Found, declared: &BTreeSet<String>, report: &mut Report) -> Option<Vec<Segment>> {
    let file = op.file;
    let path_pointer = pointer("/paths", &[op.template]);
    let fail = |report: &mut Report, message: String| {
        report.error(file.diagnostic(path_pointer.clone(), message));
        None
    };
    let Some(rest) = op.template.strip_prefix('/') else {
        return fail(report, "a path must start with /".to_owned());
    };
    let mut segments = Vec::new();
    let mut used = BTreeSet::new();
    for text in rest.split('/') {
        if text.is_empty() || text == "." || text == ".." || text.contains(['?', '#', '%', ' ']) {
            return fail(report, format!("path segment {text:?} is not a valid fixed segment"));
        }
        let names = match template_parameters(text) {
            Ok(names) => names,
            Err(message) => return fail(report, format!("path segment {text:?}: {message}")),
        };
        if let Some(undeclared) = names.iter().find(|name| !declared.contains(*name)) {
            return fail(
                report,
                format!("path parameter {{{undeclared}}} is not declared in the operation's parameters"),
            );
        }
        used.extend(names.iter().cloned());
        let segment = match names.as_slice() {
            [] => Segment::Fixed(text.to_owned()),
            [name] if text == format!("{{{name}}}") => Segment::Parameter {
                name: name.clone(),
                argument: names::argument_name(name),
            },
            _ => {
                let mut arguments = Namespace::default();
                Segment::Template {
                    text: text.to_owned(),
                    parameters: names
                        .iter()
                        .map(|name| (name.clone(), arguments.claim(names::argument_name(name))))
                        .collect(),
                }
            }
        };
        segments.push(segment);
    }
    // A mistake of Microsoft's own descriptions: the parameter is left out.
    for unused in declared.difference(&used) {
        report.warn(op.file.diagnostic(
            pointer(&op.pointer, &["parameters"]),
            format!("path parameter {unused:?} is declared but not in the path; it is left out"),
        ));
    }
    Some(segments)
}

/// The `{name}` placeholders of a segment, in order.
fn template_parameters(text: &str) -> Result<Vec<String>, &'static str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err("unbalanced }");
        }
        let after = &rest[open + 1..];
        let close = after.find('}').ok_or("unbalanced {")?;
        let name = &after[..close];
        if name.is_empty() || name.contains('{') {
            return Err("not a valid parameter");
        }
        names.push(name.to_owned());
        rest = &after[close + 1..];
    }
    Ok(names)
}

/// The path parameters' names, and the query and header parameters, of the
/// path item and the operation (the operation's win on a clash).
fn parameters(op: &Found, report: &mut Report) -> (BTreeSet<String>, Vec<super::Parameter>) {
    let mut path = BTreeSet::new();
    let mut others: Vec<super::Parameter> = Vec::new();
    let lists = [
        (pointer("/paths", &[op.template, "parameters"]), &op.item.parameters),
        (pointer(&op.pointer, &["parameters"]), &op.operation.parameters),
    ];
    for (list_pointer, list) in lists {
        for (index, parameter) in list.iter().enumerate() {
            let at = pointer(&list_pointer, &[&index.to_string()]);
            let parameter = match parameter {
                ReferenceOr::Item(parameter) => parameter,
                ReferenceOr::Reference { reference } => match component(op, reference, "parameters", |c| &c.parameters)
                {
                    Some((parameter, _, _)) => parameter,
                    None => {
                        report.error(op.file.diagnostic(
                            pointer(&at, &["$ref"]),
                            format!("$ref {reference:?} points to no parameter in components/parameters"),
                        ));
                        continue;
                    }
                },
            };
            let (location, data) = match parameter {
                Parameter::Path { parameter_data, .. } => {
                    path.insert(parameter_data.name.clone());
                    continue;
                }
                Parameter::Query { parameter_data, .. } => (ParameterLocation::Query, parameter_data),
                Parameter::Header { parameter_data, .. } => (ParameterLocation::Header, parameter_data),
                Parameter::Cookie { parameter_data, .. } => {
                    if parameter_data.required {
                        report.error(op.file.diagnostic(at, "cookie parameters are not supported"));
                    }
                    continue;
                }
            };
            let ty = match &data.format {
                openapiv3::ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) => parameter_type(schema),
                _ => Type::String,
            };
            let parameter = super::Parameter {
                wire_name: data.name.clone(),
                // Decided below, once the operation's own have replaced the path item's.
                takes: if data.required {
                    Takes::Argument(String::new())
                } else {
                    Takes::ByName
                },
                location,
                ty,
                docs: data.description.as_deref().map(doc_lines).unwrap_or_default(),
            };
            match others.iter_mut().find(|other| other.wire_name == parameter.wire_name) {
                Some(other) => *other = parameter,
                None => others.push(parameter),
            }
        }
    }
    let mut arguments = Namespace::with_reserved(&["body"]);
    let mut setters = BTreeSet::new();
    for parameter in &mut others {
        parameter.takes = match (&parameter.takes, setter(parameter)) {
            (Takes::Argument(_), _) => Takes::Argument(arguments.claim(names::argument_name(&parameter.wire_name))),
            (_, Some(setter)) if setters.insert(setter.marker) => Takes::Setter(setter),
            _ => Takes::ByName,
        };
    }
    (path, others)
}

/// The runtime's setter trait for an option or header it knows (query
/// options by their exact name, headers ignoring case).
fn setter(parameter: &super::Parameter) -> Option<Setter> {
    let wire = parameter.wire_name.as_str();
    crate::runtime::OPTIONS
        .iter()
        .find(|setter| match parameter.location {
            ParameterLocation::Query => setter.wire.starts_with('$') && setter.wire == wire,
            ParameterLocation::Header => !setter.wire.starts_with('$') && setter.wire.eq_ignore_ascii_case(wire),
        })
        .copied()
}

/// Query and header values are text: strings, numbers, booleans, and lists of
/// those (comma-joined, as `style: form, explode: false` says).
fn parameter_type(schema: &openapiv3::Schema) -> Type {
    use openapiv3::{SchemaKind, Type as T};
    match &schema.schema_kind {
        SchemaKind::Type(T::Boolean(_)) => Type::Bool,
        SchemaKind::Type(T::Integer(integer)) => match &integer.format {
            openapiv3::VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => Type::I32,
            _ => Type::I64,
        },
        SchemaKind::Type(T::Array(array)) => {
            let item = match &array.items {
                Some(ReferenceOr::Item(item)) => parameter_type(item),
                _ => Type::String,
            };
            Type::List(Box::new(if matches!(item, Type::List(_)) {
                Type::String
            } else {
                item
            }))
        }
        _ => Type::String,
    }
}

/// A component of one of `section`'s kinds, looked up in the operation's own
/// file first, then in the other fragments: with the file it is in and its pointer.
fn component<'a, T>(
    op: &Found<'a>,
    reference: &str,
    section: &str,
    pick: fn(&'a openapiv3::Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
) -> Option<(&'a T, &'a SourceFile, String)> {
    let name = reference
        .strip_prefix("#/components/")?
        .strip_prefix(section)?
        .strip_prefix('/')?;
    std::iter::once(op.file)
        .chain(op.files.iter().filter(|file| !std::ptr::eq(*file, op.file)))
        .find_map(|file| match pick(file.document.components.as_ref()?).get(name)? {
            ReferenceOr::Item(item) => Some((item, file, pointer(&format!("/components/{section}"), &[name]))),
            ReferenceOr::Reference { .. } => None,
        })
}

/// A response, inline or from components/responses, with the file and the
/// pointer of where it is written.
fn resolve_response<'a>(
    op: &Found<'a>,
    response: &'a ReferenceOr<Response>,
    inline_pointer: String,
) -> Option<(&'a Response, &'a SourceFile, String)> {
    match response {
        ReferenceOr::Item(response) => Some((response, op.file, inline_pointer)),
        ReferenceOr::Reference { reference } => component(op, reference, "responses", |c| &c.responses),
    }
}

fn status_key(status: &StatusCode) -> String {
    match status {
        StatusCode::Code(code) => code.to_string(),
        StatusCode::Range(range) => format!("{range}XX"),
    }
}

/// The first 2XX response, resolved: with the file and the pointer of where it is written.
fn success_response<'a>(op: &Found<'a>) -> Result<(&'a Response, &'a SourceFile, String), Diagnostic> {
    let responses = &op.operation.responses;
    let success = responses.responses.iter().find(|(status, _)| match status {
        StatusCode::Code(code) => (200..300).contains(code),
        StatusCode::Range(range) => *range == 2,
    });
    let responses_pointer = pointer(&op.pointer, &["responses"]);
    let Some((status, response)) = success else {
        return Err(op
            .file
            .diagnostic(responses_pointer, "the operation has no 2XX response"));
    };
    let response_pointer = pointer(&responses_pointer, &[&status_key(status)]);
    resolve_response(op, response, response_pointer.clone()).ok_or_else(|| {
        op.file.diagnostic(
            pointer(&response_pointer, &["$ref"]),
            "this $ref points to no response in components/responses",
        )
    })
}

/// What the first 2XX response carries, and its example (compact JSON) where
/// the description gives one.
fn success_type(op: &Found<'_>, lowering: &mut Lowering<'_>, bodies: &mut Bodies) -> (ResponseBody, Option<String>) {
    let (resolved, file, response_pointer) = match success_response(op) {
        Ok(found) => found,
        Err(error) => {
            lowering.report.error(error);
            return (ResponseBody::Empty, None);
        }
    };
    let Some((media_type, media)) = resolved.content.iter().next() else {
        return (ResponseBody::Empty, None);
    };
    let example = media
        .example
        .clone()
        .or_else(|| {
            media
                .examples
                .values()
                .find_map(|example| example.as_item()?.value.clone())
        })
        .map(|example| example.to_string());
    let media_pointer = pointer(&response_pointer, &["content", media_type]);
    (
        media_body(op, lowering, bodies, media_type, media, (file, &media_pointer)),
        example,
    )
}

/// What a successful response of `media_type` carries.
fn media_body(
    op: &Found<'_>,
    lowering: &mut Lowering<'_>,
    bodies: &mut Bodies,
    media_type: &str,
    media: &MediaType,
    (file, media_pointer): (&SourceFile, &str),
) -> ResponseBody {
    if media_type.starts_with("text/plain") {
        return ResponseBody::Count;
    }
    if !media_type.contains("json") {
        return ResponseBody::Bytes;
    }
    let Some(ty) = media_type_of(op, lowering, bodies, (file, media_pointer), media, Body::Response) else {
        return ResponseBody::Empty;
    };
    // Graph answers `GET .../$ref` with references, where the descriptions say strings.
    match ty {
        Type::String if is_reference_read(op) => ResponseBody::Reference,
        Type::Named(_) if is_reference_read(op) => ResponseBody::References,
        ty => ResponseBody::Json(ty),
    }
}

fn is_reference_read(op: &Found<'_>) -> bool {
    op.method == HttpMethod::Get && op.template.ends_with("/$ref")
}

/// The request body, resolved: with the file and the pointer of where it is written.
fn declared_body<'a>(
    op: &Found<'a>,
) -> Option<Result<(&'a openapiv3::RequestBody, &'a SourceFile, String), Diagnostic>> {
    let body_pointer = pointer(&op.pointer, &["requestBody"]);
    Some(match op.operation.request_body.as_ref()? {
        ReferenceOr::Item(body) => Ok((body, op.file, body_pointer)),
        ReferenceOr::Reference { reference } => component(op, reference, "requestBodies", |c| &c.request_bodies)
            .ok_or_else(|| {
                op.file.diagnostic(
                    pointer(&body_pointer, &["$ref"]),
                    "this $ref points to no request body in components/requestBodies",
                )
            }),
    })
}

/// The request body: JSON of a type, or bytes.
fn request_body(op: &Found<'_>, lowering: &mut Lowering<'_>, bodies: &mut Bodies) -> Option<RequestBody> {
    let (body, file, body_pointer) = match declared_body(op)? {
        Ok(found) => found,
        Err(error) => {
            lowering.report.error(error);
            return None;
        }
    };
    let Some((media_type, media)) = body.content.iter().next() else {
        lowering
            .report
            .error(file.diagnostic(body_pointer, "the request body has no content"));
        return None;
    };
    if !media_type.contains("json") {
        return Some(RequestBody::Bytes {
            content_type: media_type.clone(),
        });
    }
    let media_pointer = pointer(&body_pointer, &["content", media_type]);
    let ty = media_type_of(op, lowering, bodies, (file, &media_pointer), media, Body::Request)?;
    Some(RequestBody::Json {
        ty,
        patch: op.method == HttpMethod::Patch,
    })
}

/// The type of a JSON body (`media`, at `media_pointer` in `file`); an
/// inline type takes the name [`Bodies`] gives it, once for every operation
/// that declares it alike.
fn media_type_of<'a>(
    op: &Found<'a>,
    lowering: &mut Lowering<'_>,
    bodies: &mut Bodies,
    (file, media_pointer): (&'a SourceFile, &str),
    media: &'a openapiv3::MediaType,
    body: Body,
) -> Option<Type> {
    let Some(schema) = &media.schema else {
        let what = match body {
            Body::Response => "the response",
            Body::Request => "the request body",
        };
        lowering
            .report
            .error(file.diagnostic(media_pointer, format!("{what} has no schema")));
        return None;
    };
    let kind = bodies.of.get(&(op.pointer.clone(), body)).copied();
    if let Some(ty) = kind.and_then(|kind| bodies.kinds[kind].1.clone()) {
        return Some(ty);
    }
    let schema_pointer = pointer(media_pointer, &["schema"]);
    let context = match kind {
        Some(kind) => bodies.kinds[kind].0.clone(),
        None => body.type_name(op),
    };
    let at = At {
        file,
        pointer: &schema_pointer,
    };
    let ty = lowering.type_of(at, &crate::shape::SchemaRef::from(schema.clone()), &context);
    if let Some(kind) = kind {
        bodies.kinds[kind].1 = Some(ty.clone());
    }
    Some(ty)
}

/// A request body or a success response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Body {
    Request,
    Response,
}

impl Body {
    /// The name of an operation's inline type of this body, after its
    /// operation id or path (`UserSendMailRequestBody`).
    fn type_name(self, op: &Found<'_>) -> String {
        names::body_type_name(
            op.operation.operation_id.as_deref().unwrap_or(op.template),
            self.suffix(),
        )
    }

    fn suffix(self) -> &'static str {
        match self {
            Body::Request => "RequestBody",
            Body::Response => "Response",
        }
    }

    /// The JSON schema of an operation's body of this kind, where it is written inline.
    fn inline_schema<'a>(self, op: &Found<'a>) -> Option<&'a openapiv3::ReferenceOr<openapiv3::Schema>> {
        let content = match self {
            Body::Request => &declared_body(op)?.ok()?.0.content,
            Body::Response => &success_response(op).ok()?.0.content,
        };
        let (media_type, media) = content.iter().next()?;
        let schema = media.schema.as_ref().filter(|_| media_type.contains("json"))?;
        matches!(schema, ReferenceOr::Item(_)).then_some(schema)
    }
}

/// Inline bodies that several operations declare alike are one type: Graph
/// repeats an action under every path that reaches it (`accept` on an event
/// of a user's calendar, of a group's, ...), each with the same body.
/// Operations share a type when their action (an operation id's last word)
/// and their inline schema are the same; the type is named by the last words
/// their own names share (`TentativelyAcceptRequestBody`), or, where another
/// type has that name or wants it, the first operation's.
struct Bodies {
    /// Each operation's body (by the operation's pointer) that shares a type: its kind.
    of: HashMap<(String, Body), usize>,
    /// Each kind's type name and, once lowered, its type.
    kinds: Vec<(String, Option<Type>)>,
}

impl Bodies {
    fn of(found: &[Found<'_>], lowering: &Lowering<'_>) -> Bodies {
        // Each kind: its body and its operations' pointers and own names;
        // found by its action, its body and its schema's text (a schema's
        // JSON is the same exactly when the schemas are).
        let mut by_schema: HashMap<(&str, Body, String), usize> = HashMap::new();
        let mut kinds: Vec<(Body, Vec<(String, String)>)> = Vec::new();
        for op in found {
            for body in [Body::Request, Body::Response] {
                let Some(schema) = body.inline_schema(op) else { continue };
                let Ok(text) = serde_json::to_string(schema) else {
                    continue;
                };
                let id = op.operation.operation_id.as_deref().unwrap_or(op.template);
                let action = id.rsplit(['.', '_']).next().unwrap_or(id);
                let kind = *by_schema.entry((action, body, text)).or_insert_with(|| {
                    kinds.push((body, Vec::new()));
                    kinds.len() - 1
                });
                kinds[kind].1.push((op.pointer.clone(), body.type_name(op)));
            }
        }
        let wanted: Vec<String> = kinds
            .iter()
            .map(|(_, members)| {
                let names: Vec<&str> = members.iter().map(|(_, name)| name.as_str()).collect();
                names::shared_name(&names).to_owned()
            })
            .collect();
        let mut wanted_by: HashMap<&str, usize> = HashMap::new();
        for name in &wanted {
            *wanted_by.entry(name).or_default() += 1;
        }
        let mut bodies = Bodies {
            of: HashMap::new(),
            kinds: Vec::new(),
        };
        for ((body, members), name) in kinds.iter().zip(&wanted) {
            // A name of the suffix alone says nothing of the action.
            let taken = wanted_by[name.as_str()] > 1 || lowering.type_name_taken(name) || name == body.suffix();
            let name = if members.len() > 1 && !taken {
                name
            } else {
                &members[0].1
            };
            for (at, _) in members {
                bodies.of.insert((at.clone(), *body), bodies.kinds.len());
            }
            bodies.kinds.push((name.clone(), None));
        }
        bodies
    }
}

/// Error responses need not name a type (every Graph error has the same
/// body, which the runtime reads), but a reference among them must resolve.
fn check_error_responses(op: &Found, report: &mut Report) {
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
        if resolve_response(op, response, String::new()).is_none() {
            report.error(op.file.diagnostic(
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

#[cfg(test)]
mod tests {
    use crate::model::{self, Model, PathFilter, RequestBody, Type};

    /// The model of a description whose operations are `(path, operationId, body properties)`.
    fn model_of(operations: &[(&str, &str, &str)]) -> Model {
        let mut text = String::from("openapi: 3.0.1\ninfo: {title: t, version: v1.0}\npaths:\n");
        for (path, id, properties) in operations {
            let parameters: Vec<String> = path
                .split('/')
                .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}').map(str::to_owned))
                .map(|name| format!("{{name: {name}, in: path, required: true, schema: {{type: string}}}}"))
                .collect();
            text.push_str(&format!(
                "  '{path}':\n    post:\n      operationId: {id}\n      parameters: [{}]\n      \
                 requestBody: {{content: {{application/json: {{schema: {{type: object, properties: {properties}}}}}}}}}\n      \
                 responses: {{'204': {{description: done}}}}\n",
                parameters.join(", ")
            ));
        }
        let file = crate::load::from_text(std::path::Path::new("t.yaml"), text).unwrap();
        model::build(&[file], &PathFilter::default()).unwrap()
    }

    /// Each operation's request body type, by operationId.
    fn bodies(model: &Model) -> Vec<(&str, &str)> {
        model
            .operations
            .iter()
            .map(|op| match &op.body {
                Some(RequestBody::Json {
                    ty: Type::Named(name), ..
                }) => (op.operation_id.as_str(), name.as_str()),
                other => panic!("{}: {other:?}", op.operation_id),
            })
            .collect()
    }

    #[test]
    fn an_action_declared_alike_under_several_paths_has_one_body_type() {
        let attachment = "{AttachmentItem: {type: string}}";
        let model = model_of(&[
            (
                "/drives/{drive-id}/items/{item-id}/createUploadSession",
                "drive.item_createUploadSession",
                "{item: {type: string}}",
            ),
            (
                "/users/{user-id}/events/{event-id}/attachments/createUploadSession",
                "user.event.attachment_createUploadSession",
                attachment,
            ),
            (
                "/users/{user-id}/messages/{message-id}/attachments/createUploadSession",
                "user.message.attachment_createUploadSession",
                attachment,
            ),
            // Another action with the same body is another type.
            ("/users/{user-id}/uploadAttachment", "user_uploadAttachment", attachment),
        ]);
        assert_eq!(
            bodies(&model),
            [
                (
                    "drive.item_createUploadSession",
                    "DriveItemCreateUploadSessionRequestBody"
                ),
                (
                    "user.event.attachment_createUploadSession",
                    "AttachmentCreateUploadSessionRequestBody"
                ),
                (
                    "user.message.attachment_createUploadSession",
                    "AttachmentCreateUploadSessionRequestBody"
                ),
                ("user_uploadAttachment", "UserUploadAttachmentRequestBody"),
            ]
        );
        assert_eq!(
            model.types.len(),
            3,
            "{:?}",
            model.types.iter().map(|def| def.name()).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_shared_name_another_type_has_is_not_taken() {
        let groups = "{groupIds: {type: array, items: {type: string}}}";
        let model = model_of(&[
            ("/checkMemberGroups", "checkMemberGroups", "{ids: {type: string}}"),
            (
                "/groups/{group-id}/checkMemberGroups",
                "group_checkMemberGroups",
                groups,
            ),
            ("/users/{user-id}/checkMemberGroups", "user_checkMemberGroups", groups),
        ]);
        assert_eq!(
            bodies(&model),
            [
                ("checkMemberGroups", "CheckMemberGroupsRequestBody"),
                ("group_checkMemberGroups", "GroupCheckMemberGroupsRequestBody"),
                ("user_checkMemberGroups", "GroupCheckMemberGroupsRequestBody"),
            ]
        );
    }
}
