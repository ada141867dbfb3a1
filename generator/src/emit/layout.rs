//! Plain structs laid out as text, exactly as prettyplease lays out their
//! tokens, without building and parsing the tokens: they are most of the
//! models of a large description, and parsing is most of formatting's cost.
//! Anything this module cannot lay out with certainty (a line that might wrap,
//! a doc line prettyplease would write another way) goes the token way.
//! `tests/layout.rs` holds the output of both ways to be the same.

use std::fmt::Write;

use crate::model::{Field, Model, StructDef, Type};
use crate::names;

/// Code lines up to this width (indentation included) never wrap: prettyplease
/// wraps at 89 columns.
const SAFE_WIDTH: usize = 80;

/// A struct without a page impl, laid out `depth` modules deep; `None` when
/// the token way must lay it out.
pub(super) fn struct_text(model: &Model, def: &StructDef, cfg: Option<&str>, depth: usize) -> Option<String> {
    if def.page.is_some() {
        return None;
    }
    let indent = "    ".repeat(depth);
    let mut out = Lines {
        text: String::with_capacity(64 * (def.fields.len() + 4) * (def.docs.len() + 1)),
        indent: &indent,
    };
    out.docs(&def.docs)?;
    if let Some(feature) = cfg {
        out.code(&format!("#[cfg(feature = {})]", string_literal(feature)))?;
    }
    out.code("#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]")?;
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
    Some(out.text)
}

struct Lines<'a> {
    text: String,
    indent: &'a str,
}

impl Lines<'_> {
    /// A line of code, if it cannot wrap.
    fn code(&mut self, line: &str) -> Option<()> {
        if self.indent.len() + line.len() > SAFE_WIDTH {
            return None;
        }
        self.text.push_str(self.indent);
        self.text.push_str(line);
        self.text.push('\n');
        Some(())
    }

    /// `///` lines as prettyplease writes `#[doc = " line"]`: trailing spaces
    /// trimmed, never wrapped. Control characters go the token way.
    fn docs(&mut self, lines: &[String]) -> Option<()> {
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
            self.code(&format!(
                "#[serde(rename = {}, skip_serializing_if = \"Option::is_none\")]",
                string_literal(&field.json_name)
            ))?;
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
fn string_literal(value: &str) -> String {
    proc_macro2::Literal::string(value).to_string()
}

/// The Rust type for a model type, as `super::type_tokens` and prettyplease write it.
fn type_text(ty: &Type, out: &mut String) {
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
