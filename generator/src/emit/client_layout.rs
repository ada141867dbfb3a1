//! Request builders laid out as text, exactly as prettyplease lays out the
//! tokens of `client.rs`, which stay the way for anything this module cannot
//! lay out with certainty: one method at a time, so a long line costs only
//! that method. `tests/layout.rs` holds both ways to read the same.

use std::collections::HashSet;

use super::client::{
    child_method, operation_docs, operation_methods, parameter_docs, parameter_method, parameters_struct,
};
use super::layout::{string_literal, type_text, Lines};
use super::prettyplease_at;
use crate::model::{Builder, Child, Features, Model, Operation, RequestBody, ResponseBody, Segment};

/// A builder's struct, impl and parameter structs, `depth` modules deep;
/// `None` when the token way must lay out the whole builder.
pub(super) fn builder_text(model: &Model, pages: &HashSet<&str>, builder: &Builder, depth: usize) -> Option<String> {
    if builder.children.is_empty() && builder.operations.is_empty() {
        return None;
    }
    let indent = "    ".repeat(depth);
    let mut out = Lines {
        text: String::with_capacity(4096),
        indent: &indent,
    };
    out.docs(&[format!("Requests on `{}`.", builder.template)])?;
    out.features_cfg(model, &builder.features)?;
    out.code("#[derive(Clone, Debug)]")?;
    out.code_unbreakable(&format!("pub struct {} {{", builder.name));
    out.block(&["    client: GraphClient,", "    path: RequestPath,", "}"])?;
    out.features_cfg(model, &builder.features)?;
    out.code_unbreakable(&format!("impl {} {{", builder.name));
    let method_indent = format!("{indent}    ");
    let mut methods = Lines {
        text: out.text,
        indent: &method_indent,
    };
    for child in &builder.children {
        if !methods.attempt(|out| child_text(model, child, Some(&builder.features), out)) {
            let tokens = child_method(model, child, Some(&builder.features));
            methods.text.push_str(&prettyplease_at(tokens, depth, true).ok()?);
        }
    }
    for &index in &builder.operations {
        let operation = &model.operations[index];
        if !methods.attempt(|out| operation_text(model, pages, operation, &builder.features, out)) {
            let tokens = operation_methods(model, pages, operation, &builder.features);
            methods.text.push_str(&prettyplease_at(tokens, depth, true).ok()?);
        }
    }
    let mut out = Lines {
        text: methods.text,
        indent: &indent,
    };
    out.code("}")?;
    for &index in &builder.operations {
        let operation = &model.operations[index];
        if !out.attempt(|out| parameters_text(model, operation, out)) {
            if let Some(tokens) = parameters_struct(model, operation) {
                out.text.push_str(&prettyplease_at(tokens, depth, false).ok()?);
            }
        }
    }
    Some(out.text)
}

/// The client's methods for the service root's children, `depth` modules
/// deep; `None` when the token way must lay out the whole impl block.
pub(super) fn root_text(model: &Model, depth: usize) -> Option<String> {
    let root = &model.builders[0];
    if root.children.is_empty() {
        return None;
    }
    let indent = "    ".repeat(depth);
    let mut out = Lines {
        text: String::with_capacity(256 * (root.children.len() + 1)),
        indent: &indent,
    };
    out.code("impl GraphClient {")?;
    let method_indent = format!("{indent}    ");
    let mut methods = Lines {
        text: out.text,
        indent: &method_indent,
    };
    for child in &root.children {
        if !methods.attempt(|out| child_text(model, child, None, out)) {
            let tokens = child_method(model, child, None);
            methods.text.push_str(&prettyplease_at(tokens, depth, true).ok()?);
        }
    }
    let mut out = Lines {
        text: methods.text,
        indent: &indent,
    };
    out.code("}")?;
    Some(out.text)
}

/// The method that steps to a child builder; `outer` is the features of the
/// builder it is a method of (no cfg when they are the method's), `None` on
/// the client itself.
fn child_text(model: &Model, child: &Child, outer: Option<&Features>, out: &mut Lines) -> Option<()> {
    let target = &model.builders[child.builder];
    out.docs(&child.docs)?;
    let (arguments, link) = match &child.segment {
        Segment::Fixed(text) => (vec![], Link::call("segment", vec![string_literal(text)])),
        Segment::Parameter { name, argument } => {
            out.docs(&[
                String::new(),
                "The value is sent as exactly one path segment, percent-encoded.".to_owned(),
            ])?;
            (
                vec![format!("{argument}: impl AsRef<str>")],
                Link::call("parameter", vec![string_literal(name), format!("{argument}.as_ref()")]),
            )
        }
        Segment::Template { .. } => return None,
    };
    if outer != Some(&target.features) {
        out.features_cfg(model, &target.features)?;
    }
    let mut parameters = vec!["&self".to_owned()];
    parameters.extend(arguments);
    signature(
        out,
        &format!("pub fn {}", child.method),
        &parameters,
        &format!(" -> {}", target.name),
    )?;
    out.nested(|out| {
        out.code_unbreakable(&format!("{} {{", target.name));
        out.nested(|out| match outer {
            Some(_) => {
                out.code("client: self.client.clone(),")?;
                chain(
                    out,
                    "path: ",
                    "self",
                    &[Link::field("path"), link],
                    Ending::TrailingComma,
                )
            }
            None => {
                out.code("client: self.clone(),")?;
                chain(out, "path: ", "RequestPath::root()", &[link], Ending::TrailingComma)
            }
        })?;
        out.code("}")
    })?;
    out.code("}")
}

/// An operation's method, and its `_with` twin when it takes parameters.
fn operation_text(
    model: &Model,
    pages: &HashSet<&str>,
    operation: &Operation,
    outer: &Features,
    out: &mut Lines,
) -> Option<()> {
    let mut output = String::new();
    let constructor = match &operation.response {
        ResponseBody::Json(ty) => {
            type_text(ty, &mut output);
            "call"
        }
        ResponseBody::Empty => {
            output.push_str("()");
            "call"
        }
        ResponseBody::Bytes => {
            output.push_str("Vec<u8>");
            "call_bytes"
        }
        ResponseBody::Count => {
            output.push_str("i64");
            "call_count"
        }
    };
    let returns = format!(" -> Call<{output}>");
    let (body, attach) = match &operation.body {
        None => (None, None),
        Some(RequestBody::Json { ty, patch: false }) => {
            let mut ty_text = String::new();
            type_text(ty, &mut ty_text);
            (
                Some(format!("body: &{ty_text}")),
                Some(Link::call("json_body", vec!["body".to_owned()])),
            )
        }
        Some(RequestBody::Json { ty, patch: true }) => {
            let mut ty_text = String::new();
            type_text(ty, &mut ty_text);
            (
                Some(format!("body: impl Into<Patch<{ty_text}>>")),
                Some(Link::call("json_body", vec!["&body.into()".to_owned()])),
            )
        }
        Some(RequestBody::Bytes { content_type }) => (
            Some("body: Vec<u8>".to_owned()),
            Some(Link::call(
                "bytes_body",
                vec!["body".to_owned(), string_literal(content_type)],
            )),
        ),
    };
    let mut links = vec![
        Link::field("client"),
        Link::call(
            constructor,
            vec![
                format!("Method::{}", operation.http_method.as_str()),
                "self.path.clone()".to_owned(),
            ],
        ),
    ];
    links.extend(attach);
    let mut parameters = vec!["&self".to_owned()];
    parameters.extend(body.clone());
    let feature: Features = operation.feature.iter().cloned().collect();
    let cfg = |out: &mut Lines| match feature == *outer {
        true => Some(()),
        false => out.features_cfg(model, &feature),
    };

    out.docs(&operation_docs(pages, operation))?;
    cfg(out)?;
    signature(out, &format!("pub fn {}", operation.method_name), &parameters, &returns)?;
    let (Some(struct_name), Some(with)) = (&operation.parameters_struct, &operation.method_with_parameters) else {
        out.nested(|out| chain(out, "", "self", &links, Ending::None))?;
        return out.code("}");
    };
    let mut arguments: Vec<String> = body.iter().map(|_| "body".to_owned()).collect();
    arguments.push(format!("{struct_name}::default()"));
    out.nested(|out| parenthesized(out, &format!("self.{with}"), &arguments, ""))?;
    out.code("}")?;

    out.docs(&[format!(
        "[`{}`](Self::{}) with query options and headers.",
        operation.method_name, operation.method_name
    )])?;
    cfg(out)?;
    parameters.push(format!("parameters: {struct_name}"));
    signature(out, &format!("pub fn {with}"), &parameters, &returns)?;
    links.extend(operation.parameters.iter().map(|parameter| {
        Link::call(
            parameter_method(parameter),
            vec![
                string_literal(&parameter.wire_name),
                format!("parameters.{}", parameter.field),
            ],
        )
    }));
    out.nested(|out| chain(out, "", "self", &links, Ending::None))?;
    out.code("}")
}

/// The struct of an operation's query options and headers.
fn parameters_text(model: &Model, operation: &Operation, out: &mut Lines) -> Option<()> {
    let Some(name) = &operation.parameters_struct else {
        return Some(());
    };
    if operation.parameters.is_empty() {
        return None;
    }
    out.docs(&[format!(
        "Query options and headers of `{} {}`; unset ones are not sent.",
        operation.http_method.as_str(),
        operation.template
    )])?;
    out.features_cfg(model, &operation.feature.iter().cloned().collect())?;
    out.code("#[derive(Clone, Debug, Default)]")?;
    out.code_unbreakable(&format!("pub struct {name} {{"));
    out.nested(|out| {
        for parameter in &operation.parameters {
            out.docs(&parameter_docs(parameter))?;
            let mut ty = String::new();
            type_text(&parameter.ty, &mut ty);
            out.code(&format!("pub {}: Option<{ty}>,", parameter.field))?;
        }
        Some(())
    })?;
    out.code("}")
}

/// Whether prettyplease has no place to break `text`: a path, maybe called
/// without arguments (`Name::default()`), a reference to one, or a
/// parameter of such a type.
fn unbreakable(text: &str) -> bool {
    !text.contains(['<', ',', '('])
        || text
            .strip_suffix("()")
            .is_some_and(|path| !path.contains(['<', ',', '(', ' ']))
}

/// `head(parameters) returns {` on a line, or with a parameter per line.
pub(super) fn signature(out: &mut Lines, head: &str, parameters: &[String], returns: &str) -> Option<()> {
    parenthesized(out, head, parameters, &format!("{returns} {{"))
}

/// `head(items)tail` on a line, or with an item per line. An item or a tail
/// with nowhere to break stays whole however wide, as in prettyplease.
fn parenthesized(out: &mut Lines, head: &str, items: &[String], tail: &str) -> Option<()> {
    let one = format!("{head}({}){tail}", items.join(", "));
    if out.fits(&one) {
        return out.code(&one);
    }
    out.code(&format!("{head}("))?;
    for item in items {
        if unbreakable(item) {
            out.code_unbreakable(&format!("    {item},"));
        } else {
            out.code(&format!("    {item},"))?;
        }
    }
    let close = format!("){tail}");
    if unbreakable(tail) {
        out.code_unbreakable(&close);
        Some(())
    } else {
        out.code(&close)
    }
}

/// A link of a method chain: `.field`, or `.method(arguments)`.
struct Link {
    name: String,
    arguments: Option<Vec<String>>,
}

impl Link {
    fn field(name: &str) -> Self {
        Link {
            name: format!(".{name}"),
            arguments: None,
        }
    }

    fn call(name: &str, arguments: Vec<String>) -> Self {
        Link {
            name: format!(".{name}"),
            arguments: Some(arguments),
        }
    }

    fn text(&self) -> String {
        match &self.arguments {
            None => self.name.clone(),
            Some(arguments) => format!("{}({})", self.name, arguments.join(", ")),
        }
    }
}

/// What follows an expression.
#[derive(Clone, Copy)]
enum Ending {
    None,
    /// The comma after the last field of a struct expression, which does not
    /// count toward the width.
    TrailingComma,
}

/// `receiver.link.link` on a line, or a link per line below the receiver,
/// the last one's arguments a line each if it is still too wide. An
/// expression that begins its line keeps a short receiver (`self`) with its
/// first link, as prettyplease does.
fn chain(out: &mut Lines, prefix: &str, receiver: &str, links: &[Link], ending: Ending) -> Option<()> {
    let (receiver, links) = match links.split_first() {
        Some((first, rest)) if prefix.is_empty() && receiver.len() <= 4 => {
            (format!("{receiver}{}", first.text()), rest)
        }
        _ => (receiver.to_owned(), links),
    };
    let end = |out: &mut Lines, line: String| match ending {
        Ending::None => out.code(&line),
        Ending::TrailingComma => out.code_then_comma(&line),
    };
    let one = format!("{prefix}{receiver}{}", links.iter().map(Link::text).collect::<String>());
    if out.fits(&one) {
        return end(out, one);
    }
    let (last, links) = links.split_last()?;
    out.code(&format!("{prefix}{receiver}"))?;
    for link in links {
        out.code(&format!("    {}", link.text()))?;
    }
    let whole = format!("    {}", last.text());
    if out.fits(&whole) {
        return end(out, whole);
    }
    let arguments = last.arguments.as_ref()?;
    let (final_argument, arguments) = arguments.split_last()?;
    out.code(&format!("    {}(", last.name))?;
    for argument in arguments {
        out.code(&format!("        {argument},"))?;
    }
    out.code_then_comma(&format!("        {final_argument}"))?;
    end(out, "    )".to_owned())
}
