//! Lowering of schemas into types: `$ref` resolution, `allOf` flattening,
//! inline types, and the boxing that recursive types need.

use std::collections::{BTreeMap, HashMap};

use openapiv3::{ReferenceOr, Schema, SchemaKind, StringFormat, VariantOrUnknownOrEmpty};

use super::{Component, Docs, EnumDef, Field, PageFields, StructDef, Type, TypeDef, UnionDef, UnionVariant, Variant};
use crate::diagnostics::{pointer, Diagnostic};
use crate::load::SourceFile;
use crate::names::{self, Namespace};

const SCHEMA_REF_PREFIX: &str = "#/components/schemas/";

/// Where a schema is: its file and JSON pointer.
#[derive(Clone, Copy)]
pub(crate) struct At<'a, 'p> {
    pub file: &'a SourceFile,
    pub pointer: &'p str,
}

impl<'a> At<'a, '_> {
    fn diagnostic(&self, tokens: &[&str], message: impl Into<String>) -> Diagnostic {
        self.file.diagnostic(pointer(self.pointer, tokens), message)
    }
}

pub(crate) struct Lowering<'a> {
    components: &'a HashMap<&'a str, Component<'a>>,
    named: &'a HashMap<&'a str, String>,
    type_names: names::TypeNames,
    /// Component schemas already lowered, by schema name: the type a
    /// reference to them means (a union for a polymorphic base).
    lowered: HashMap<&'a str, Type>,
    /// Component schemas lowered as themselves (never as a union).
    plain: HashMap<&'a str, Type>,
    /// Schemas deriving directly from each schema through `allOf`.
    children: HashMap<&'a str, Vec<&'a str>>,
    types: BTreeMap<String, TypeDef>,
    problems: Vec<Diagnostic>,
}

impl<'a> Lowering<'a> {
    pub fn new(
        components: &'a HashMap<&'a str, Component<'a>>,
        named: &'a HashMap<&'a str, String>,
        type_names: names::TypeNames,
    ) -> Self {
        let mut children: HashMap<&str, Vec<&str>> = HashMap::new();
        for (name, component) in components {
            if let Some(parent) = parent_of(component.schema) {
                children.entry(parent).or_default().push(name);
            }
        }
        for list in children.values_mut() {
            list.sort_unstable();
        }
        Self {
            components,
            named,
            type_names,
            lowered: HashMap::new(),
            plain: HashMap::new(),
            children,
            types: BTreeMap::new(),
            problems: Vec::new(),
        }
    }

    /// The generated types, sorted by name, and the problems found on the way.
    pub fn finish(mut self) -> (Vec<TypeDef>, Vec<Diagnostic>) {
        box_recursive_fields(&mut self.types);
        (self.types.into_values().collect(), self.problems)
    }

    /// Claims a type name in the namespace shared by every generated type.
    pub fn claim_type_name(&mut self, base: String) -> String {
        self.type_names.claim(base)
    }

    /// The type of a schema or reference; `context` names an inline type.
    pub fn type_of<'s>(&mut self, at: At<'s, '_>, schema: &'s ReferenceOr<Schema>, context: &str) -> Type {
        match schema {
            ReferenceOr::Reference { reference } => self.type_of_reference(at, reference),
            ReferenceOr::Item(schema) => self.type_of_schema(at, schema, context),
        }
    }

    fn type_of_boxed<'s>(&mut self, at: At<'s, '_>, schema: &'s ReferenceOr<Box<Schema>>, context: &str) -> Type {
        match schema {
            ReferenceOr::Reference { reference } => self.type_of_reference(at, reference),
            ReferenceOr::Item(schema) => self.type_of_schema(at, schema, context),
        }
    }

    /// The component a `$ref` points to, or a diagnostic at `at`.
    fn component(&mut self, at: At<'_, '_>, reference: &str) -> Option<(&'a str, &'a Component<'a>)> {
        let found = reference
            .strip_prefix(SCHEMA_REF_PREFIX)
            .map(|name| name.replace("~1", "/").replace("~0", "~"))
            .and_then(|name| self.components.get_key_value(name.as_str()));
        match found {
            Some((name, component)) => Some((name, component)),
            None => {
                let message = if reference.starts_with(SCHEMA_REF_PREFIX) {
                    format!("$ref {reference:?} points to no schema in components/schemas of any input file")
                } else {
                    format!("$ref {reference:?} is not supported: graphgen resolves references of the form #/components/schemas/NAME")
                };
                self.problems.push(at.diagnostic(&["$ref"], message));
                None
            }
        }
    }

    fn type_of_reference(&mut self, at: At<'_, '_>, reference: &str) -> Type {
        let Some((name, component)) = self.component(at, reference) else {
            return Type::Json;
        };
        if let Some(ty) = self.lowered.get(name) {
            return ty.clone();
        }
        let variants = self.variants_of(name, component);
        if variants.is_empty() {
            let ty = self.plain_type(name, component);
            self.lowered.insert(name, ty.clone());
            return ty;
        }
        let union_name = self.type_names.claim(names::prefixed("Any", &self.named[name]));
        // Registered first, so a variant that refers back to its base resolves.
        self.lowered.insert(name, Type::Named(union_name.clone()));
        let base = self.plain_type(name, component);
        let mut variant_names = Namespace::with_reserved(&[names::UNRECOGNIZED_VARIANT]);
        let mut union = UnionDef {
            name: union_name.clone(),
            docs: vec![format!(
                "A `{name}` or a type derived from it, told apart by `@odata.type` (boxed to keep the enum small)."
            )],
            variants: Vec::new(),
            unrecognized: names::UNRECOGNIZED_VARIANT.to_owned(),
        };
        if let Type::Named(base) = base {
            union.variants.push(UnionVariant {
                name: variant_names.claim(names::variant_for_type(&base)),
                tags: vec![format!("#{name}")],
                untagged: true,
                ty: base,
            });
        }
        for (tag, variant) in variants {
            let Some(component) = self.components.get(variant) else {
                continue;
            };
            if let Type::Named(ty) = self.plain_type(variant, component) {
                union.variants.push(UnionVariant {
                    name: variant_names.claim(names::variant_for_type(&ty)),
                    tags: vec![tag],
                    untagged: false,
                    ty,
                });
            }
        }
        self.types.insert(union_name.clone(), TypeDef::Union(union));
        Type::Named(union_name)
    }

    /// The types a reference to `name` may hold besides `name` itself, with
    /// their `@odata.type`: the discriminator's mapping when the schema has
    /// one, else every schema deriving from it through `allOf`, as Graph's
    /// own descriptions imply.
    fn variants_of(&mut self, name: &'a str, component: &'a Component<'a>) -> Vec<(String, &'a str)> {
        let ReferenceOr::Item(schema) = component.schema else {
            return Vec::new();
        };
        if let Some(discriminator) = &schema.schema_data.discriminator {
            let mut variants = Vec::new();
            for (tag, target) in &discriminator.mapping {
                let at = pointer(&component.pointer, &["discriminator", "mapping", tag]);
                let target_name = target.strip_prefix(SCHEMA_REF_PREFIX).unwrap_or(target);
                match self.components.get_key_value(target_name) {
                    Some((target_name, _)) if *target_name != name => variants.push((tag.clone(), *target_name)),
                    Some(_) => {}
                    None => self.problems.push(component.file.diagnostic(
                        at,
                        format!(
                            "the discriminator maps {tag:?} to {target:?}, which is no schema in components/schemas"
                        ),
                    )),
                }
            }
            return variants;
        }
        let mut descendants = Vec::new();
        let mut stack: Vec<&str> = self.children.get(name).cloned().unwrap_or_default();
        stack.reverse();
        while let Some(next) = stack.pop() {
            if descendants.iter().any(|(_, seen)| *seen == next) || next == name {
                continue;
            }
            descendants.push((format!("#{next}"), next));
            if let Some(grandchildren) = self.children.get(next) {
                stack.extend(grandchildren.iter().rev());
            }
        }
        descendants.sort_by(|a, b| a.1.cmp(b.1));
        descendants
    }

    /// The type of a component schema as itself: its struct, enum or alias.
    fn plain_type(&mut self, name: &'a str, component: &'a Component<'a>) -> Type {
        if let Some(ty) = self.plain.get(name) {
            return ty.clone();
        }
        let rust_name = self.named[name].clone();
        let here = At {
            file: component.file,
            pointer: &component.pointer,
        };
        let schema = match component.schema {
            ReferenceOr::Item(schema) => schema,
            ReferenceOr::Reference { reference } => {
                // An alias of another component: mark it while resolving so a
                // cycle of aliases ends instead of recursing forever.
                self.plain.insert(name, Type::Json);
                let ty = self.type_of_reference(here, reference);
                self.plain.insert(name, ty.clone());
                return ty;
            }
        };
        if is_struct(schema) || is_enum(schema) {
            let ty = if is_flags(schema) {
                Type::Flags(rust_name.clone())
            } else {
                Type::Named(rust_name.clone())
            };
            // Registered before its fields are lowered, so recursive types resolve.
            self.plain.insert(name, ty.clone());
            self.define(here, schema, rust_name);
            ty
        } else {
            self.plain.insert(name, Type::Json);
            let ty = self.type_of_schema(here, schema, &rust_name);
            self.plain.insert(name, ty.clone());
            ty
        }
    }

    fn type_of_schema<'s>(&mut self, at: At<'s, '_>, schema: &'s Schema, context: &str) -> Type {
        use openapiv3::Type as T;
        match &schema.schema_kind {
            SchemaKind::Type(T::String(string)) if !string.enumeration.is_empty() => self.inline(at, schema, context),
            SchemaKind::Type(T::String(string)) => match &string.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Type::DateTime,
                VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Type::Date,
                VariantOrUnknownOrEmpty::Item(StringFormat::Byte | StringFormat::Binary) => Type::Bytes,
                VariantOrUnknownOrEmpty::Unknown(format) => match format.as_str() {
                    "base64url" => Type::Bytes,
                    "time" => Type::Time,
                    "uuid" => Type::Uuid,
                    _ => Type::String,
                },
                _ => Type::String,
            },
            SchemaKind::Type(T::Number(number)) => match &number.format {
                VariantOrUnknownOrEmpty::Unknown(format) => integer_format(format).unwrap_or(Type::F64),
                _ => Type::F64,
            },
            SchemaKind::Type(T::Integer(integer)) => match &integer.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => Type::I32,
                VariantOrUnknownOrEmpty::Unknown(format) => integer_format(format).unwrap_or(Type::I64),
                _ => Type::I64,
            },
            SchemaKind::Type(T::Boolean(_)) => Type::Bool,
            SchemaKind::Type(T::Array(array)) => match &array.items {
                Some(items) => {
                    let item_at = pointer(at.pointer, &["items"]);
                    let item_context = format!("{context}Item");
                    let item = self.type_of_boxed(
                        At {
                            pointer: &item_at,
                            ..at
                        },
                        items,
                        &item_context,
                    );
                    Type::List(Box::new(item))
                }
                None => Type::List(Box::new(Type::Json)),
            },
            SchemaKind::Type(T::Object(object)) if object.properties.is_empty() => Type::Json,
            SchemaKind::Any(any) if any.properties.is_empty() => Type::Json,
            SchemaKind::Type(T::Object(_)) | SchemaKind::Any(_) => self.inline(at, schema, context),
            SchemaKind::AllOf { all_of } => match all_of.as_slice() {
                [single @ ReferenceOr::Reference { .. }] => {
                    let part_at = pointer(at.pointer, &["allOf", "0"]);
                    self.type_of(
                        At {
                            pointer: &part_at,
                            ..at
                        },
                        single,
                        context,
                    )
                }
                _ => self.inline(at, schema, context),
            },
            SchemaKind::AnyOf { any_of: members } | SchemaKind::OneOf { one_of: members } => {
                let keyword = if matches!(schema.schema_kind, SchemaKind::AnyOf { .. }) {
                    "anyOf"
                } else {
                    "oneOf"
                };
                if is_numeric(members) {
                    return Type::Numeric;
                }
                // Graph writes a nullable reference as `anyOf: [{$ref}, {type: object, nullable: true}]`.
                let mut alternatives = members.iter().enumerate().filter(|(_, member)| !is_null_marker(member));
                match (alternatives.next(), alternatives.next()) {
                    (Some((index, member)), None) => {
                        let member_at = pointer(at.pointer, &[keyword, &index.to_string()]);
                        self.type_of(
                            At {
                                pointer: &member_at,
                                ..at
                            },
                            member,
                            context,
                        )
                    }
                    _ => Type::Json,
                }
            }
            SchemaKind::Not { .. } => Type::Json,
        }
    }

    /// A type defined inline, named after where it appears.
    fn inline<'s>(&mut self, at: At<'s, '_>, schema: &'s Schema, context: &str) -> Type {
        let name = self.type_names.claim(context.to_owned());
        self.define(at, schema, name.clone());
        Type::Named(name)
    }

    fn define<'s>(&mut self, at: At<'s, '_>, schema: &'s Schema, name: String) {
        let docs = docs_of(schema);
        let def = if is_enum(schema) {
            TypeDef::Enum(enum_def(schema, name.clone(), docs))
        } else {
            TypeDef::Struct(self.struct_def(at, schema, name.clone(), docs))
        };
        self.types.insert(name, def);
    }

    fn struct_def<'s>(&mut self, at: At<'s, '_>, schema: &'s Schema, name: String, mut docs: Docs) -> StructDef {
        let mut properties = Vec::new();
        let mut chain = Vec::new();
        self.collect_properties(at, schema, &mut chain, &mut properties, &mut docs);

        let properties_from_entity = properties
            .iter()
            .any(|property| property.pointer.starts_with(ENTITY_POINTER));
        let mut field_names = Namespace::with_reserved(&[names::ADDITIONAL_PROPERTIES_FIELD]);
        let mut fields = Vec::with_capacity(properties.len());
        for property in properties {
            let prop_at = At {
                file: property.file,
                pointer: &property.pointer,
            };
            let context = names::nested_type_name(&name, property.json_name);
            let mut ty = self.type_of_boxed(prop_at, property.schema, &context);
            if property.secret() {
                if ty == Type::String {
                    ty = Type::Secret;
                } else {
                    self.problems.push(prop_at.diagnostic(
                        &["x-graphgen-secret"],
                        "x-graphgen-secret applies only to string properties",
                    ));
                }
            }
            fields.push(Field {
                name: field_names.claim(names::field_name(property.json_name)),
                json_name: property.json_name.to_owned(),
                ty,
                boxed: false,
                navigation: property.navigation(),
                docs: property.docs(),
            });
        }
        let page = page_fields(&fields);
        let entity = properties_from_entity;
        StructDef {
            entity,
            name,
            docs,
            fields,
            additional_properties: names::ADDITIONAL_PROPERTIES_FIELD.to_owned(),
            page,
        }
    }

    /// Gathers the properties of an object and of its `allOf` bases, bases
    /// first. A property a derived type repeats replaces the base's.
    fn collect_properties<'s>(
        &mut self,
        at: At<'s, '_>,
        schema: &'s Schema,
        chain: &mut Vec<&'a str>,
        out: &mut Vec<Property<'s>>,
        docs: &mut Docs,
    ) where
        'a: 's,
    {
        let object_properties = match &schema.schema_kind {
            SchemaKind::Type(openapiv3::Type::Object(object)) => &object.properties,
            SchemaKind::Any(any) => &any.properties,
            SchemaKind::AllOf { all_of } => {
                for (index, part) in all_of.iter().enumerate() {
                    let part_at = pointer(at.pointer, &["allOf", &index.to_string()]);
                    let part_at = At {
                        pointer: &part_at,
                        ..at
                    };
                    match part {
                        ReferenceOr::Reference { reference } => self.collect_base(part_at, reference, chain, out),
                        ReferenceOr::Item(inline) => {
                            if docs.is_empty() {
                                *docs = docs_of(inline);
                            }
                            self.collect_properties(part_at, inline, chain, out, docs);
                        }
                    }
                }
                return;
            }
            _ => {
                self.problems
                    .push(at.diagnostic(&[], "an allOf member must be an object schema"));
                return;
            }
        };
        for (json_name, property) in object_properties {
            let prop = Property {
                json_name,
                file: at.file,
                pointer: pointer(at.pointer, &["properties", json_name]),
                schema: property,
            };
            match out.iter_mut().find(|existing| existing.json_name == json_name) {
                Some(existing) => *existing = prop,
                None => out.push(prop),
            }
        }
    }

    fn collect_base<'s>(
        &mut self,
        at: At<'s, '_>,
        reference: &str,
        chain: &mut Vec<&'a str>,
        out: &mut Vec<Property<'s>>,
    ) where
        'a: 's,
    {
        let Some((name, component)) = self.component(at, reference) else {
            return;
        };
        if chain.contains(&name) {
            let cycle: Vec<&str> = chain.iter().copied().chain([name]).collect();
            self.problems
                .push(at.diagnostic(&["$ref"], format!("the allOf chain is cyclic: {}", cycle.join(" -> "))));
            return;
        }
        let base_at = At {
            file: component.file,
            pointer: &component.pointer,
        };
        chain.push(name);
        match component.schema {
            ReferenceOr::Item(base) => self.collect_properties(base_at, base, chain, out, &mut Vec::new()),
            ReferenceOr::Reference { reference } => self.collect_base(base_at, reference, chain, out),
        }
        chain.pop();
    }
}

/// Where the properties of Graph's root type, `microsoft.graph.entity`, are.
const ENTITY_POINTER: &str = "/components/schemas/microsoft.graph.entity/";

struct Property<'a> {
    json_name: &'a str,
    file: &'a SourceFile,
    pointer: String,
    schema: &'a ReferenceOr<Box<Schema>>,
}

impl Property<'_> {
    fn item(&self) -> Option<&Schema> {
        match self.schema {
            ReferenceOr::Item(schema) => Some(schema),
            ReferenceOr::Reference { .. } => None,
        }
    }

    fn secret(&self) -> bool {
        self.item()
            .and_then(|schema| schema.schema_data.extensions.get("x-graphgen-secret"))
            .is_some_and(|value| value == &serde_json::Value::Bool(true))
    }

    fn navigation(&self) -> bool {
        self.item()
            .and_then(|schema| schema.schema_data.extensions.get("x-ms-navigationProperty"))
            .is_some_and(|value| value == &serde_json::Value::Bool(true))
    }

    fn docs(&self) -> Docs {
        self.item().map(docs_of).unwrap_or_default()
    }
}

/// A collection page: a `value` list and an `@odata.nextLink` string.
fn page_fields(fields: &[Field]) -> Option<PageFields> {
    let items = fields.iter().find(|field| field.json_name == "value")?;
    let next_link = fields
        .iter()
        .find(|field| field.json_name == "@odata.nextLink" && field.ty == Type::String)?;
    let Type::List(item) = &items.ty else { return None };
    Some(PageFields {
        items: items.name.clone(),
        item: (**item).clone(),
        next_link: next_link.name.clone(),
    })
}

fn is_struct(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(openapiv3::Type::Object(_)) => true,
        SchemaKind::Any(any) => !any.properties.is_empty(),
        SchemaKind::AllOf { all_of } => !matches!(all_of.as_slice(), [ReferenceOr::Reference { .. }]),
        _ => false,
    }
}

/// The first `allOf` reference of a schema: the type it derives from.
fn parent_of(schema: &ReferenceOr<Schema>) -> Option<&str> {
    let ReferenceOr::Item(schema) = schema else { return None };
    let SchemaKind::AllOf { all_of } = &schema.schema_kind else {
        return None;
    };
    all_of.iter().find_map(|part| match part {
        ReferenceOr::Reference { reference } => reference.strip_prefix(SCHEMA_REF_PREFIX),
        ReferenceOr::Item(_) => None,
    })
}

/// Integer formats, with their bounds.
fn integer_format(format: &str) -> Option<Type> {
    match format {
        "int8" | "int16" => Some(Type::I16),
        "uint8" => Some(Type::U8),
        "int32" => Some(Type::I32),
        "int64" => Some(Type::I64),
        _ => None,
    }
}

/// Graph's numbers that may be `NaN` or `INF`:
/// `oneOf: [{type: number}, {type: string}, {$ref: ReferenceNumeric}]`.
fn is_numeric(members: &[ReferenceOr<Schema>]) -> bool {
    let number = members.iter().any(|member| {
        matches!(member, ReferenceOr::Item(schema)
            if matches!(schema.schema_kind, SchemaKind::Type(openapiv3::Type::Number(_) | openapiv3::Type::Integer(_))))
    });
    let special = members.iter().any(
        |member| matches!(member, ReferenceOr::Reference { reference } if reference.ends_with("/ReferenceNumeric")),
    );
    number && special
}

/// `x-ms-enum-flags: {isFlags: true}`: values combine, comma-joined.
fn is_flags(schema: &Schema) -> bool {
    is_enum(schema)
        && schema
            .schema_data
            .extensions
            .get("x-ms-enum-flags")
            .and_then(|flags| flags.get("isFlags"))
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false)
}

fn is_enum(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Type(openapiv3::Type::String(string)) if !string.enumeration.is_empty())
}

/// `{type: object, nullable: true}` with nothing else: the "or null" of a nullable reference.
fn is_null_marker(member: &ReferenceOr<Schema>) -> bool {
    matches!(member, ReferenceOr::Item(schema) if schema.schema_data.nullable
        && matches!(&schema.schema_kind, SchemaKind::Type(openapiv3::Type::Object(object)) if object.properties.is_empty()))
}

fn enum_def(schema: &Schema, name: String, docs: Docs) -> EnumDef {
    let SchemaKind::Type(openapiv3::Type::String(string)) = &schema.schema_kind else {
        unreachable!("enum_def is only called for string enums")
    };
    let mut variant_names = Namespace::with_reserved(&[names::UNRECOGNIZED_VARIANT]);
    let mut variants: Vec<Variant> = Vec::new();
    for value in string.enumeration.iter().flatten() {
        if variants.iter().any(|variant| &variant.value == value) {
            continue;
        }
        variants.push(Variant {
            name: variant_names.claim(names::variant_name(value)),
            value: value.clone(),
        });
    }
    EnumDef {
        name,
        docs,
        variants,
        unrecognized: names::UNRECOGNIZED_VARIANT.to_owned(),
    }
}

/// Doc lines from a schema's description, else its title.
pub(crate) fn docs_of(schema: &Schema) -> Docs {
    let data = &schema.schema_data;
    data.description
        .as_deref()
        .or(data.title.as_deref())
        .map(doc_lines)
        .unwrap_or_default()
}

/// Splits text into doc comment lines. No description may become a Markdown
/// code block, which rustdoc would compile and run as a doctest: leading
/// spaces are dropped and fence markers are escaped. Control characters are
/// dropped.
pub(crate) fn doc_lines(text: &str) -> Docs {
    let mut lines: Docs = text
        .lines()
        .map(|line| {
            line.trim()
                .chars()
                .filter(|c| !c.is_control())
                .collect::<String>()
                .replace("```", "\\`\\`\\`")
                .replace("~~~", "\\~\\~\\~")
        })
        .collect();
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// A struct that contains itself, directly or through other structs, has
/// infinite size; the fields that close such a cycle are boxed. Cycles are the
/// strongly connected components of the "field of type" graph (lists already
/// sit behind a pointer and do not count).
fn box_recursive_fields(types: &mut BTreeMap<String, TypeDef>) {
    let names: Vec<String> = types.keys().cloned().collect();
    let index: HashMap<String, usize> = names.iter().enumerate().map(|(i, name)| (name.clone(), i)).collect();
    let edges: Vec<Vec<usize>> = types
        .values()
        .map(|def| match def {
            TypeDef::Struct(def) => def
                .fields
                .iter()
                .filter_map(|field| match &field.ty {
                    Type::Named(target) => index.get(target).copied(),
                    _ => None,
                })
                .collect(),
            TypeDef::Enum(_) | TypeDef::Union(_) => Vec::new(),
        })
        .collect();
    let component = strongly_connected(&edges);
    for (i, name) in names.iter().enumerate() {
        if let Some(TypeDef::Struct(def)) = types.get_mut(name) {
            for field in &mut def.fields {
                if let Type::Named(target) = &field.ty {
                    field.boxed = index.get(target).is_some_and(|&j| component[j] == component[i]);
                }
            }
        }
    }
}

/// Tarjan's algorithm, iterative so deep type graphs cannot overflow the stack.
/// Returns the component number of every node.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let (mut order, mut low, mut component) = (vec![UNSEEN; n], vec![0; n], vec![UNSEEN; n]);
    let (mut on_stack, mut stack) = (vec![false; n], Vec::new());
    let (mut next_order, mut next_component) = (0, 0);
    for root in 0..n {
        if order[root] != UNSEEN {
            continue;
        }
        let mut work = vec![(root, 0)];
        while let Some(&mut (node, ref mut edge)) = work.last_mut() {
            if *edge == 0 && order[node] == UNSEEN {
                order[node] = next_order;
                low[node] = next_order;
                next_order += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&next) = edges[node].get(*edge) {
                *edge += 1;
                if order[next] == UNSEEN {
                    work.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(order[next]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == order[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

#[cfg(test)]
mod tests {
    use super::strongly_connected;

    #[test]
    fn cycles_share_a_component() {
        // 0 -> 1 -> 2 -> 0, 3 -> 3, 4 alone.
        let component = strongly_connected(&[vec![1], vec![2], vec![0, 4], vec![3], vec![]]);
        assert_eq!(component[0], component[1]);
        assert_eq!(component[1], component[2]);
        assert_ne!(component[0], component[4]);
        assert_ne!(component[3], component[4]);
    }
}
