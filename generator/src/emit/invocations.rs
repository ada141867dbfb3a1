//! The invocations of the runtime's `json_object!`, `properties!` and `string_enum!` macros,
//! written as text: an entry a line, so that a one-property change in a
//! description is a one-line change in the generated code (prettyplease
//! would fill the macro's arguments like a paragraph).

use crate::model::{EnumDef, Gate, StructDef};
use crate::names;

/// The `json_object!` invocation that implements `Deserialize` for a struct
/// (through `JsonObject`), laid out `depth` modules deep: a line per property,
/// with the `cfg` of a navigation property's type.
pub(super) fn json_object(def: &StructDef, depth: usize) -> String {
    let head = format!(
        "json_object!({}, {}{}",
        names::simple_name(&def.name),
        def.additional_properties,
        if def.holds_secrets { ", secret" } else { "" }
    );
    let entries = def.fields.iter().map(|field| {
        (
            &field.gate,
            format!("{} => {}", string_literal(&field.json_name), field.name),
        )
    });
    macro_text(&head, entries, &def.gate, depth)
}

/// The `properties!` invocation that declares a struct's property enum, if it
/// has one, laid out `depth` modules deep: a line per property.
pub(super) fn properties(def: &StructDef, depth: usize) -> Option<String> {
    let name = def.properties.as_deref()?;
    let head = format!(
        "properties!({} of {}",
        names::simple_name(name),
        names::simple_name(&def.name)
    );
    let entries = def.fields.iter().filter_map(|field| {
        let variant = field.variant.as_ref()?;
        Some((
            &field.gate,
            format!("{variant} = {} => {}", string_literal(&field.json_name), field.name),
        ))
    });
    let entries: Vec<_> = entries.collect();
    Some(macro_text(&head, entries.into_iter(), &def.gate, depth))
}

/// The `string_enum!` invocation that implements an enum of strings' impls
/// (`as_str`, `From<&str>`, serde), laid out `depth` modules deep.
pub(super) fn string_enum(def: &EnumDef, depth: usize) -> String {
    let head = format!("string_enum!({}, {}", names::simple_name(&def.name), def.unrecognized);
    let entries = def.variants.iter().map(|variant| {
        (
            &ALWAYS,
            format!("{} = {}", variant.name, string_literal(&variant.value)),
        )
    });
    macro_text(&head, entries, &def.gate, depth)
}

/// An invocation `head { entry, ... });` of one of the runtime's macros, an
/// entry a line (after its `cfg`, if any), `depth` modules deep.
fn macro_text<'a>(
    head: &str,
    entries: impl ExactSizeIterator<Item = (&'a Gate, String)>,
    gate: &Gate,
    depth: usize,
) -> String {
    let indent = "    ".repeat(depth);
    let mut out = String::with_capacity(64 * (entries.len() + 2));
    out.push_str(&cfg_line(gate, &indent));
    if entries.len() == 0 {
        out.push_str(&format!("{indent}{head} {{}});\n"));
        return out;
    }
    out.push_str(&format!("{indent}{head} {{\n"));
    for (gate, entry) in entries {
        out.push_str(&cfg_line(gate, &format!("{indent}    ")));
        out.push_str(&format!("{indent}    {entry},\n"));
    }
    out.push_str(&format!("{indent}}});\n"));
    out
}

/// An always compiled enum value's gate.
static ALWAYS: Gate = Gate::always();

/// The line of the `cfg` attribute of `gate`, as prettyplease prints it.
fn cfg_line(gate: &Gate, indent: &str) -> String {
    let Some(features) = gate.features() else {
        return String::new();
    };
    let features: Vec<String> = features
        .iter()
        .map(|feature| format!("feature = {}", string_literal(feature)))
        .collect();
    match features.as_slice() {
        [feature] => format!("{indent}#[cfg({feature})]\n"),
        _ => format!("{indent}#[cfg(any({}))]\n", features.join(", ")),
    }
}

/// A string literal as `quote` writes it and prettyplease prints it.
fn string_literal(value: &str) -> String {
    crate::text::literal(value).to_string()
}
