//! Structs, enums and unions laid out as text, exactly as prettyplease lays out their
//! tokens, without building and parsing the tokens: they are most of the
//! models of a large description, and parsing is most of formatting's cost.
//! Anything this module cannot lay out with certainty (a line that might wrap,
//! a doc line prettyplease would write another way) goes the token way.
//! `tests/layout.rs` holds the output of both ways to be the same.

use std::fmt::Write;

use proc_macro2::TokenStream;
use quote::quote;

use crate::diagnostics::Error;

use crate::model::{EnumDef, Features, Field, Model, StructDef, Type, UnionDef};
use crate::names;

/// Code lines up to this width (indentation included) are not wrapped:
/// prettyplease's margin.
const MARGIN: usize = 89;

/// A struct (and its `Page` impl), laid out `depth` modules deep; `None`
/// when the token way must lay it out.
pub(super) fn struct_text(model: &Model, def: &StructDef, cfg: Option<&str>, depth: usize) -> Option<String> {
    let indent = "    ".repeat(depth);
    let mut out = Lines {
        text: String::with_capacity(64 * (def.fields.len() + 4) * (def.docs.len() + 1)),
        indent: &indent,
    };
    out.docs(&def.docs)?;
    out.cfg(cfg)?;
    out.code("#[derive(Clone, Debug, Default, PartialEq, Serialize)]")?;
    out.code(&format!("pub struct {} {{", names::simple_name(&def.name)))?;
    let field_indent = format!("{indent}    ");
    let mut fields = Lines {
        text: out.text,
        indent: &field_indent,
    };
    for field in &def.fields {
        fields.field(model, field)?;
    }
    fields.docs(&["Properties the description does not list, kept as they were received.".to_owned()])?;
    fields.code("#[serde(flatten)]")?;
    fields.code(&format!("pub {}: Map<String, Value>,", def.additional_properties))?;
    let mut out = Lines {
        text: fields.text,
        indent: &indent,
    };
    out.code("}")?;
    if let Some(page) = &def.page {
        let mut item = String::new();
        type_text(&page.item, &mut item);
        out.cfg(cfg)?;
        out.block(&[
            &format!("impl Page for {} {{", names::simple_name(&def.name)),
            &format!("    type Item = {item};"),
            "    fn next_link(&self) -> Option<&str> {",
            &format!("        self.{}.as_deref()", page.next_link),
            "    }",
            &format!("    fn into_items(self) -> Vec<{item}> {{"),
            &format!("        self.{}.unwrap_or_default()", page.items),
            "    }",
            "}",
        ])?;
    }
    Some(out.text)
}

/// The `json_object!` invocation that implements `Deserialize` for a struct
/// (through `JsonObject`), laid out `depth` modules deep: a line per property,
/// with the `cfg` of a navigation property's type.
pub(super) fn json_object_text(model: &Model, def: &StructDef, cfg: Option<&str>, depth: usize) -> String {
    let head = format!(
        "json_object!({}, {}",
        names::simple_name(&def.name),
        def.additional_properties
    );
    let entries = def.fields.iter().map(|field| {
        (
            super::models::navigation_feature(model, field),
            format!("{} => {}", string_literal(&field.json_name), field.name),
        )
    });
    macro_text(&head, entries, cfg, depth)
}

/// The `string_enum!` invocation that implements an enum of strings' impls
/// (`as_str`, `From<&str>`, serde), laid out `depth` modules deep.
pub(super) fn string_enum_text(def: &EnumDef, cfg: Option<&str>, depth: usize) -> String {
    let head = format!("string_enum!({}, {}", names::simple_name(&def.name), def.unrecognized);
    let entries = def
        .variants
        .iter()
        .map(|variant| (None, format!("{} = {}", variant.name, string_literal(&variant.value))));
    macro_text(&head, entries, cfg, depth)
}

/// An invocation `head { entry, ... });` of one of the runtime's macros, an
/// entry a line (after its `cfg`, if any), `depth` modules deep.
fn macro_text<'a>(
    head: &str,
    entries: impl ExactSizeIterator<Item = (Option<&'a str>, String)>,
    cfg: Option<&str>,
    depth: usize,
) -> String {
    let indent = "    ".repeat(depth);
    let mut out = String::with_capacity(64 * (entries.len() + 2));
    if let Some(feature) = cfg {
        out.push_str(&format!("{indent}#[cfg(feature = {})]\n", string_literal(feature)));
    }
    if entries.len() == 0 {
        out.push_str(&format!("{indent}{head} {{}});\n"));
        return out;
    }
    out.push_str(&format!("{indent}{head} {{\n"));
    for (feature, entry) in entries {
        if let Some(feature) = feature {
            out.push_str(&format!("{indent}    #[cfg(feature = {})]\n", string_literal(feature)));
        }
        out.push_str(&format!("{indent}    {entry},\n"));
    }
    out.push_str(&format!("{indent}}});\n"));
    out
}

/// An enum of strings, laid out `depth` modules deep; `None`
/// when the token way must lay it out.
pub(super) fn enum_text(def: &EnumDef, cfg: Option<&str>, depth: usize) -> Option<String> {
    let indent = "    ".repeat(depth);
    let mut out = Lines {
        text: String::with_capacity(256 + 64 * def.variants.len()),
        indent: &indent,
    };
    let name = names::simple_name(&def.name);
    let other = &def.unrecognized;
    out.docs(&def.docs)?;
    out.cfg(cfg)?;
    out.code("#[derive(Clone, Debug, PartialEq, Eq, Hash)]")?;
    out.code(&format!("pub enum {name} {{"))?;
    for variant in &def.variants {
        let doc = [format!("`{}`", variant.value)];
        out.nested(|out| {
            out.docs(&doc)?;
            out.code(&format!("{},", variant.name))
        })?;
    }
    out.block(&[
        "    /// A value the description does not list, as received.",
        &format!("    {other}(String),"),
        "}",
    ])?;
    Some(out.text)
}

/// A union of types told apart by `@odata.type`, and its impls, laid out
/// `depth` modules deep; `None` when the token way must lay it out.
pub(super) fn union_text(model: &Model, def: &UnionDef, cfg: Option<&str>, depth: usize) -> Option<String> {
    let indent = "    ".repeat(depth);
    let mut out = Lines {
        text: String::with_capacity(2048 + 600 * def.variants.len()),
        indent: &indent,
    };
    let name = names::simple_name(&def.name);
    let other = &def.unrecognized;
    out.docs(&def.docs)?;
    out.cfg(cfg)?;
    out.code("#[derive(Clone, Debug, PartialEq)]")?;
    if !model.features.is_empty() {
        out.code("#[non_exhaustive]")?;
    }
    out.code(&format!("pub enum {name} {{"))?;
    out.nested(|out| {
        for variant in &def.variants {
            let tags: Vec<String> = variant.tags.iter().map(|tag| format!("`{tag}`")).collect();
            let untagged = if variant.untagged { ", or no `@odata.type`" } else { "" };
            out.docs(&[format!("`@odata.type` {}{untagged}.", tags.join(", "))])?;
            out.cfg(super::models::variant_feature(model, variant))?;
            let line = format!("{}(Box<{}>)", variant.name, variant.ty);
            if out.fits_with_comma(&line) {
                out.code(&format!("{line},"))?;
            } else {
                out.block(&[
                    &format!("{}(", variant.name),
                    &format!("    Box<{}>,", variant.ty),
                    "),",
                ])?;
            }
        }
        out.docs(&[super::models::unrecognized_doc(model).to_owned()])?;
        out.code(&format!("{other}(Value),"))
    })?;
    out.code("}")?;
    out.cfg(cfg)?;
    out.block(&[
        &format!("impl Serialize for {name} {{"),
        "    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {",
        "        match self {",
    ])?;
    let arms = "            ";
    let mut arm = Lines {
        text: std::mem::take(&mut out.text),
        indent: &format!("{indent}{arms}"),
    };
    for variant in &def.variants {
        arm.cfg(super::models::variant_feature(model, variant))?;
        arm.match_arm(
            &format!("Self::{}(value)", variant.name),
            &["value.serialize(serializer)".to_owned()],
        )?;
    }
    out.text = std::mem::take(&mut arm.text);
    out.block(&[
        &format!("            Self::{other}(value) => value.serialize(serializer),"),
        "        }",
        "    }",
        "}",
    ])?;
    out.cfg(cfg)?;
    out.block(&[
        &format!("impl<'de> Deserialize<'de> for {name} {{"),
        "    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {",
        "        let value = Value::deserialize(deserializer)?;",
        "        let tag = value.get(\"@odata.type\").and_then(Value::as_str).map(str::to_owned);",
        "        let result = match tag.as_deref() {",
    ])?;
    arm.text = std::mem::take(&mut out.text);
    for variant in &def.variants {
        let mut patterns: Vec<String> = variant.untagged.then(|| "None".to_owned()).into_iter().collect();
        patterns.extend(variant.tags.iter().map(|tag| format!("Some({})", string_literal(tag))));
        let value = format!("Self::{}(Box::new(value))", variant.name);
        arm.cfg(super::models::variant_feature(model, variant))?;
        arm.match_arm(
            &patterns.join(" | "),
            &[
                "serde_json::from_value(value)".to_owned(),
                format!(".map(|value| {value})"),
                format!(".map(|value| Self::{}(", variant.name),
                "    Box::new(value),".to_owned(),
                "))".to_owned(),
            ],
        )?;
    }
    out.text = arm.text;
    out.block(&[
        &format!("            _ => return Ok(Self::{other}(value)),"),
        "        };",
        "        result.map_err(serde::de::Error::custom)",
        "    }",
        "}",
    ])?;
    Some(out.text)
}

/// Text being written at an indentation.
pub(super) struct Lines<'a> {
    pub(super) text: String,
    pub(super) indent: &'a str,
}

impl Lines<'_> {
    /// Whether a line at this indentation stays unwrapped.
    pub(super) fn fits(&self, line: &str) -> bool {
        self.indent.len() + line.len() <= MARGIN
    }

    /// A line prettyplease has no place to break, however long.
    pub(super) fn code_unbreakable(&mut self, line: &str) {
        self.text.push_str(self.indent);
        self.text.push_str(line);
        self.text.push('\n');
    }

    /// A line ending in a trailing comma, which prettyplease does not count
    /// when it decides whether the line fits.
    pub(super) fn code_then_comma(&mut self, line: &str) -> Option<()> {
        if !self.fits(line) {
            return None;
        }
        self.text.push_str(self.indent);
        self.text.push_str(line);
        self.text.push_str(",\n");
        Some(())
    }

    /// Whether `line` followed by a comma stays unwrapped: an enum variant's
    /// comma counts (a variant one past the margin with it breaks).
    pub(super) fn fits_with_comma(&self, line: &str) -> bool {
        self.indent.len() + line.len() < MARGIN
    }

    /// The arm's comma is what prettyplease writes when the arm's last break
    /// does not break, and is not counted: `pattern => expression` on a line
    /// may end one past the margin with it.
    pub(super) fn match_arm(&mut self, pattern: &str, expression: &[String]) -> Option<()> {
        let whole: String = expression.iter().take(2).map(String::as_str).collect();
        let line = format!("{pattern} => {whole}");
        if self.fits(&line) {
            self.code_unbreakable(&format!("{line},"));
            return Some(());
        }
        self.code(&format!("{pattern} => {{"))?;
        self.nested(|out| {
            if out.fits(&whole) {
                return out.code(&whole);
            }
            let [receiver, link, rest @ ..] = expression else {
                return out.code(&whole);
            };
            out.code(receiver)?;
            if out.fits(&format!("    {link}")) || rest.is_empty() {
                return out.code(&format!("    {link}"));
            }
            rest.iter().try_for_each(|line| out.code(&format!("    {line}")))
        })?;
        self.code("}")
    }

    /// Runs `write`; when it gives up, takes back what it wrote.
    pub(super) fn attempt(&mut self, write: impl FnOnce(&mut Self) -> Option<()>) -> bool {
        let length = self.text.len();
        let done = write(self).is_some();
        if !done {
            self.text.truncate(length);
        }
        done
    }

    /// `#[cfg(...)]` as `emit::cfg` writes it for `features`.
    pub(super) fn features_cfg(&mut self, model: &Model, features: &Features) -> Option<()> {
        if model.features.is_empty() {
            return Some(());
        }
        if features.len() == 1 {
            return self.cfg(features.iter().next().map(String::as_str));
        }
        let list: Vec<String> = features
            .iter()
            .map(|feature| format!("feature = {}", string_literal(feature)))
            .collect();
        let one = format!("#[cfg(any({}))]", list.join(", "));
        if self.fits(&one) {
            return self.code(&one);
        }
        let middle = format!("    any({})", list.join(", "));
        if self.fits(&middle) {
            return self.block(&["#[cfg(", &middle, ")]"]);
        }
        self.block(&["#[cfg(", "    any("])?;
        for (index, item) in list.iter().enumerate() {
            let comma = if index + 1 < list.len() { "," } else { "" };
            self.code(&format!("        {item}{comma}"))?;
        }
        self.block(&["    )", ")]"])
    }

    pub(super) fn cfg(&mut self, feature: Option<&str>) -> Option<()> {
        match feature {
            Some(feature) => self.code(&format!("#[cfg(feature = {})]", string_literal(feature))),
            None => Some(()),
        }
    }

    pub(super) fn block(&mut self, lines: &[&str]) -> Option<()> {
        lines.iter().try_for_each(|line| self.code(line))
    }

    /// Lines one level deeper.
    pub(super) fn nested(&mut self, write: impl FnOnce(&mut Lines) -> Option<()>) -> Option<()> {
        let indent = format!("{}    ", self.indent);
        let mut inner = Lines {
            text: std::mem::take(&mut self.text),
            indent: &indent,
        };
        let result = write(&mut inner);
        self.text = inner.text;
        result
    }

    /// A line of code, if it cannot wrap.
    pub(super) fn code(&mut self, line: &str) -> Option<()> {
        if self.indent.len() + line.len() > MARGIN {
            return None;
        }
        self.text.push_str(self.indent);
        self.text.push_str(line);
        self.text.push('\n');
        Some(())
    }

    /// `///` lines as prettyplease writes `#[doc = " line"]`: trailing spaces
    /// trimmed, never wrapped. Control characters go the token way.
    pub(super) fn docs(&mut self, lines: &[String]) -> Option<()> {
        for line in lines {
            if line.chars().any(char::is_control) {
                return None;
            }
            self.text.push_str(self.indent);
            self.text.push_str("///");
            if !line.is_empty() {
                self.text.push(' ');
                self.text.push_str(line.trim_end_matches(' '));
            }
            self.text.push('\n');
        }
        Some(())
    }

    fn field(&mut self, model: &Model, field: &Field) -> Option<()> {
        self.docs(&field.docs)?;
        if let Some(feature) = super::models::navigation_feature(model, field) {
            self.code(&format!("#[cfg(feature = {})]", string_literal(feature)))?;
        }
        if field.name == field.json_name {
            self.code("#[serde(skip_serializing_if = \"Option::is_none\")]")?;
        } else {
            let rename = format!("rename = {}", string_literal(&field.json_name));
            let line = format!("#[serde({rename}, skip_serializing_if = \"Option::is_none\")]");
            if self.indent.len() + line.len() <= MARGIN {
                self.code(&line)?;
            } else {
                // Too wide: prettyplease puts each argument on a line of its own.
                self.code("#[serde(")?;
                self.code(&format!("    {rename},"))?;
                self.code("    skip_serializing_if = \"Option::is_none\"")?;
                self.code(")]")?;
            }
        }
        let mut ty = String::new();
        type_text(&field.ty, &mut ty);
        if field.boxed {
            ty = format!("Box<{ty}>");
        }
        self.code(&format!("pub {}: Option<{ty}>,", field.name))
    }
}

/// A string literal as `quote` writes it and prettyplease prints it.
pub(super) fn string_literal(value: &str) -> String {
    proc_macro2::Literal::string(value).to_string()
}

/// The Rust type for a model type, as `super::type_tokens` and prettyplease write it.
pub(super) fn type_text(ty: &Type, out: &mut String) {
    let name = match ty {
        Type::String => "String",
        Type::Secret => "Secret",
        Type::Bool => "bool",
        Type::U8 => "u8",
        Type::I16 => "i16",
        Type::Numeric => "Numeric",
        Type::Date => "NaiveDate",
        Type::Time => "NaiveTime",
        Type::Uuid => "Uuid",
        Type::I32 => "i32",
        Type::I64 => "i64",
        Type::F64 => "f64",
        Type::DateTime => "DateTime<Utc>",
        Type::Bytes => "Base64Bytes",
        Type::Json => "Value",
        Type::Named(name) => name,
        Type::Flags(name) => {
            let _ = write!(out, "Flags<{name}>");
            return;
        }
        Type::List(item) => {
            out.push_str("Vec<");
            type_text(item, out);
            out.push('>');
            return;
        }
    };
    out.push_str(name);
}

/// prettyplease's layout of `tokens` (items or inner attributes; with
/// `in_impl`, the items of an impl block) nested `depth` modules deep, without
/// the blank lines that `output` adds between items.
pub(crate) fn prettyplease_at(tokens: TokenStream, depth: usize, in_impl: bool) -> Result<String, Error> {
    let mut tokens = if in_impl { quote!(impl m { #tokens }) } else { tokens };
    for _ in 0..depth {
        tokens = quote!(pub mod m { #tokens });
    }
    let file: syn::File =
        syn::parse2(tokens).map_err(|error| Error::Internal(format!("generated code does not parse: {error}")))?;
    let text = prettyplease::unparse(&file);
    let wrappers = depth + usize::from(in_impl);
    if wrappers == 0 {
        return Ok(text);
    }
    let lines: Vec<&str> = text.lines().collect();
    let inner = lines
        .get(wrappers..lines.len().saturating_sub(wrappers))
        .unwrap_or_default();
    Ok(inner.iter().map(|line| format!("{line}\n")).collect())
}
