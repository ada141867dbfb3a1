//! Lowering of schemas into types: `$ref` resolution, `allOf` flattening,
//! inline types, and the boxing that recursive types need.

use std::collections::{BTreeMap, HashMap, HashSet};

use indexmap::IndexMap;

use super::docs::docs_of;
use super::{Component, Docs, EnumDef, Field, PageFields, StructDef, Type, TypeDef, UnionDef, UnionVariant, Variant};
use crate::diagnostics::{pointer, Diagnostic, Report};
use crate::load::SourceFile;
use crate::names::{self, Namespace};
use crate::shape::{Kind, Scalar, SchemaRef, Shape};

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
    /// The run's problems and warnings, which lowering the operations adds to too.
    pub(super) report: Report,
    /// How many references are being resolved inside one another now.
    depth: usize,
}

/// How deep references may nest while a type is lowered (a property's type's
/// property's type ..., an alias of an alias, a base of a base): lowering
/// recurses that deep. Graph's own go a few dozen deep.
const MAX_DEPTH: usize = 256;

impl<'a> Lowering<'a> {
    pub fn new(
        components: &'a HashMap<&'a str, Component<'a>>,
        named: &'a HashMap<&'a str, String>,
        type_names: names::TypeNames,
        report: Report,
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
            report,
            depth: 0,
        }
    }

    /// The generated types, sorted by name, the run's report and the names taken.
    pub fn finish(mut self) -> (Vec<TypeDef>, Report, names::TypeNames) {
        super::recursion::box_recursive_fields(&mut self.types);
        (self.types.into_values().collect(), self.report, self.type_names)
    }

    /// Claims a type name in the namespace shared by every generated type.
    pub fn claim_type_name(&mut self, base: String) -> String {
        self.type_names.claim(base)
    }

    /// Whether a type already has the name `path`.
    pub fn type_name_taken(&self, path: &str) -> bool {
        self.type_names.taken(path)
    }

    /// The type of a schema or reference; `context` names an inline type.
    pub fn type_of<'s>(&mut self, at: At<'s, '_>, schema: &'s SchemaRef, context: &str) -> Type {
        match schema {
            SchemaRef::Reference(reference) => self.type_of_reference(at, reference),
            SchemaRef::Item(schema) => self.type_of_schema(at, schema, context),
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
                self.report.error(at.diagnostic(&["$ref"], message));
                None
            }
        }
    }

    /// Lowers every component schema marked `x-graphgen-payload: true`, in
    /// name order, whether or not an operation names it: each type's name,
    /// with the name of the file defining it.
    pub fn lower_payloads(&mut self) -> Vec<(String, String)> {
        let mut payloads: Vec<(&'a str, &'a Component<'a>)> = self
            .components
            .iter()
            .filter(|(_, component)| matches!(component.schema, SchemaRef::Item(schema) if schema.payload))
            .map(|(name, component)| (*name, component))
            .collect();
        payloads.sort_unstable_by_key(|(name, _)| *name);
        let mut lowered = Vec::new();
        for (name, component) in payloads {
            let reference = format!("{SCHEMA_REF_PREFIX}{}", name.replace('~', "~0").replace('/', "~1"));
            let at = At {
                file: component.file,
                pointer: &component.pointer,
            };
            if let Type::Named(ty) = self.type_of_reference(at, &reference) {
                lowered.push((component.file.file_name(), ty));
            }
        }
        lowered
    }

    fn type_of_reference(&mut self, at: At<'_, '_>, reference: &str) -> Type {
        if self.depth >= MAX_DEPTH {
            self.report.error(at.diagnostic(
                &["$ref"],
                format!("schemas refer to one another more than {MAX_DEPTH} deep here; graphgen stops at that"),
            ));
            return Type::Json;
        }
        self.depth += 1;
        let ty = self.resolve(at, reference);
        self.depth -= 1;
        ty
    }

    fn resolve(&mut self, at: At<'_, '_>, reference: &str) -> Type {
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
            holds_secrets: false,
            gate: Default::default(),
        };
        if let Type::Named(base) = base {
            union.variants.push(UnionVariant {
                name: variant_names.claim(names::variant_for_type(&base)),
                tags: vec![format!("#{name}")],
                untagged: true,
                ty: base,
                gate: Default::default(),
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
                    gate: Default::default(),
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
        let SchemaRef::Item(schema) = component.schema else {
            return Vec::new();
        };
        if let Some(mapping) = &schema.discriminator {
            let mut variants = Vec::new();
            for (tag, target) in mapping.iter() {
                let at = pointer(&component.pointer, &["discriminator", "mapping", tag]);
                let target_name = target.strip_prefix(SCHEMA_REF_PREFIX).unwrap_or(target);
                match self.components.get_key_value(target_name) {
                    Some((target_name, _)) if *target_name != name => variants.push((tag.clone(), *target_name)),
                    Some(_) => {}
                    None => self.report.error(component.file.diagnostic(
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
        let mut seen = HashSet::from([name]);
        let mut stack: Vec<&str> = self.children.get(name).cloned().unwrap_or_default();
        stack.reverse();
        while let Some(next) = stack.pop() {
            if !seen.insert(next) {
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
            SchemaRef::Item(schema) => schema,
            SchemaRef::Reference(reference) => {
                // An alias of another component: mark it while resolving so a
                // cycle of aliases ends instead of recursing forever.
                self.plain.insert(name, Type::Json);
                let ty = self.type_of_reference(here, reference);
                self.plain.insert(name, ty.clone());
                return ty;
            }
        };
        if is_struct(schema) || is_enum(schema) {
            self.check_extensions(here, schema);
            let ty = if is_flags(schema) {
                Type::Flags(rust_name.clone())
            } else {
                Type::Named(rust_name.clone())
            };
            // Registered before its fields are lowered, so recursive types resolve.
            self.plain.insert(name, ty.clone());
            self.define(here, schema, rust_name.clone());
            // A type derived from another writes its own `@odata.type` in
            // requests, as Microsoft's SDKs' constructors set it: Graph needs
            // it to know what to create in a collection of the base type.
            if parent_of(component.schema).is_some() {
                if let Some(TypeDef::Struct(def)) = self.types.get_mut(&rust_name) {
                    if def.fields.iter().any(|field| field.json_name == "@odata.type") {
                        def.odata_type = Some(format!("#{name}"));
                    }
                }
            }
            ty
        } else {
            self.plain.insert(name, Type::Json);
            let ty = self.type_of_schema(here, schema, &rust_name);
            self.plain.insert(name, ty.clone());
            ty
        }
    }

    /// Reports the extensions of `schema` that cannot be read.
    fn check_extensions(&mut self, at: At<'_, '_>, schema: &Shape) {
        for (name, expected) in schema.misread.iter() {
            self.report
                .error(at.diagnostic(&[name], format!("{name} cannot be read here: expected {expected}")));
        }
    }

    fn type_of_schema<'s>(&mut self, at: At<'s, '_>, schema: &'s Shape, context: &str) -> Type {
        self.check_extensions(at, schema);
        match &schema.kind {
            Kind::Scalar(scalar) => scalar_type(*scalar),
            Kind::Enum(_) => self.inline(at, schema, context),
            Kind::Array(items) => match items {
                Some(items) => {
                    let item_at = pointer(at.pointer, &["items"]);
                    let item_context = names::item_type_name(context);
                    let item = self.type_of(
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
            Kind::Object { properties, .. } if properties.is_empty() => Type::Json,
            Kind::Object { .. } => self.inline(at, schema, context),
            Kind::AllOf(all_of) => match &all_of[..] {
                [single @ SchemaRef::Reference(_)] => {
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
            Kind::AnyOf(members) | Kind::OneOf(members) => {
                let keyword = if matches!(schema.kind, Kind::AnyOf(_)) {
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
            Kind::Not => Type::Json,
        }
    }

    /// A type defined inline, named after where it appears.
    fn inline<'s>(&mut self, at: At<'s, '_>, schema: &'s Shape, context: &str) -> Type {
        let name = self.type_names.claim(context.to_owned());
        self.define(at, schema, name.clone());
        Type::Named(name)
    }

    fn define<'s>(&mut self, at: At<'s, '_>, schema: &'s Shape, name: String) {
        let docs = docs_of(schema);
        let def = if let Kind::Enum(values) = &schema.kind {
            TypeDef::Enum(enum_def(values, name.clone(), docs))
        } else {
            TypeDef::Struct(self.struct_def(at, schema, name.clone(), docs))
        };
        self.types.insert(name, def);
    }

    fn struct_def<'s>(&mut self, at: At<'s, '_>, schema: &'s Shape, name: String, mut docs: Docs) -> StructDef {
        let mut properties = IndexMap::new();
        let mut chain = Vec::new();
        self.collect_properties(at, schema, &mut chain, &mut properties, &mut docs);

        let properties_from_entity = properties
            .values()
            .any(|property| property.pointer.starts_with(ENTITY_POINTER));
        let mut field_names = Namespace::with_reserved(&[names::ADDITIONAL_PROPERTIES_FIELD]);
        let mut fields = Vec::with_capacity(properties.len());
        for property in properties.into_values() {
            let prop_at = At {
                file: property.file,
                pointer: &property.pointer,
            };
            let context = names::nested_type_name(&name, property.json_name);
            let mut ty = self.type_of(prop_at, property.schema, &context);
            if property.secret() || super::secrets::is_credential(property.json_name) && ty == Type::String {
                if ty == Type::String {
                    ty = Type::Secret;
                } else {
                    self.report.error(prop_at.diagnostic(
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
                variant: None,
                docs: property.docs(),
                gate: Default::default(),
            });
        }
        let page = page_fields(&fields);
        let entity = properties_from_entity;
        StructDef {
            entity,
            odata_type: None,
            name,
            docs,
            fields,
            additional_properties: names::ADDITIONAL_PROPERTIES_FIELD.to_owned(),
            page,
            holds_secrets: false,
            properties: None,
            gate: Default::default(),
        }
    }

    /// Gathers the properties of an object and of its `allOf` bases, bases
    /// first. A property a derived type repeats replaces the base's.
    fn collect_properties<'s>(
        &mut self,
        at: At<'s, '_>,
        schema: &'s Shape,
        chain: &mut Vec<&'a str>,
        out: &mut IndexMap<&'s str, Property<'s>>,
        docs: &mut Docs,
    ) where
        'a: 's,
    {
        let object_properties = match &schema.kind {
            Kind::Object { properties, .. } => properties,
            Kind::AllOf(all_of) => {
                for (index, part) in all_of.iter().enumerate() {
                    let part_at = pointer(at.pointer, &["allOf", &index.to_string()]);
                    let part_at = At {
                        pointer: &part_at,
                        ..at
                    };
                    match part {
                        SchemaRef::Reference(reference) => self.collect_base(part_at, reference, chain, out),
                        SchemaRef::Item(inline) => {
                            self.check_extensions(part_at, inline);
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
                self.report
                    .error(at.diagnostic(&[], "an allOf member must be an object schema"));
                return;
            }
        };
        for (json_name, property) in object_properties.iter() {
            let prop = Property {
                json_name,
                file: at.file,
                pointer: pointer(at.pointer, &["properties", json_name]),
                schema: property,
            };
            // A property a derived type repeats replaces the base's, in its place.
            out.insert(json_name, prop);
        }
    }

    fn collect_base<'s>(
        &mut self,
        at: At<'s, '_>,
        reference: &str,
        chain: &mut Vec<&'a str>,
        out: &mut IndexMap<&'s str, Property<'s>>,
    ) where
        'a: 's,
    {
        let Some((name, component)) = self.component(at, reference) else {
            return;
        };
        if chain.len() >= MAX_DEPTH {
            self.report.error(at.diagnostic(
                &["$ref"],
                format!("the allOf chain is more than {MAX_DEPTH} schemas long; graphgen stops at that"),
            ));
            return;
        }
        if chain.contains(&name) {
            let cycle: Vec<&str> = chain.iter().copied().chain([name]).collect();
            self.report
                .error(at.diagnostic(&["$ref"], format!("the allOf chain is cyclic: {}", cycle.join(" -> "))));
            return;
        }
        let base_at = At {
            file: component.file,
            pointer: &component.pointer,
        };
        chain.push(name);
        match component.schema {
            SchemaRef::Item(base) => self.collect_properties(base_at, base, chain, out, &mut Vec::new()),
            SchemaRef::Reference(reference) => self.collect_base(base_at, reference, chain, out),
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
    schema: &'a SchemaRef,
}

impl Property<'_> {
    fn item(&self) -> Option<&Shape> {
        match self.schema {
            SchemaRef::Item(schema) => Some(schema),
            SchemaRef::Reference(_) => None,
        }
    }

    fn secret(&self) -> bool {
        self.item().is_some_and(|schema| schema.secret)
    }

    fn navigation(&self) -> bool {
        self.item().is_some_and(|schema| schema.navigation)
    }

    fn docs(&self) -> Docs {
        self.item().map(docs_of).unwrap_or_default()
    }
}

/// A collection page: a `value` list and an `@odata.nextLink` string, and
/// the `@odata.deltaLink` string of a delta query's pages.
fn page_fields(fields: &[Field]) -> Option<PageFields> {
    let link = |name: &str| {
        fields
            .iter()
            .find(|field| field.json_name == name && field.ty == Type::String)
            .map(|field| field.name.clone())
    };
    let items = fields.iter().find(|field| field.json_name == "value")?;
    let Type::List(item) = &items.ty else { return None };
    Some(PageFields {
        items: items.name.clone(),
        item: (**item).clone(),
        next_link: link("@odata.nextLink")?,
        delta_link: link("@odata.deltaLink"),
    })
}

fn is_struct(schema: &Shape) -> bool {
    match &schema.kind {
        Kind::Object { properties, typed } => *typed || !properties.is_empty(),
        Kind::AllOf(all_of) => !matches!(&all_of[..], [SchemaRef::Reference(_)]),
        _ => false,
    }
}

/// The first `allOf` reference of a schema: the type it derives from.
fn parent_of(schema: &SchemaRef) -> Option<&str> {
    let SchemaRef::Item(schema) = schema else { return None };
    let Kind::AllOf(all_of) = &schema.kind else {
        return None;
    };
    all_of.iter().find_map(|part| match part {
        SchemaRef::Reference(reference) => reference.strip_prefix(SCHEMA_REF_PREFIX),
        SchemaRef::Item(_) => None,
    })
}

/// The type of a scalar.
fn scalar_type(scalar: Scalar) -> Type {
    match scalar {
        Scalar::String => Type::String,
        Scalar::DateTime => Type::DateTime,
        Scalar::Date => Type::Date,
        Scalar::Time => Type::Time,
        Scalar::Uuid => Type::Uuid,
        Scalar::Bytes => Type::Bytes,
        Scalar::Bool => Type::Bool,
        Scalar::U8 => Type::U8,
        Scalar::I16 => Type::I16,
        Scalar::I32 => Type::I32,
        Scalar::I64 => Type::I64,
        Scalar::F64 => Type::F64,
    }
}

/// Graph's numbers that may be `NaN` or `INF`:
/// `oneOf: [{type: number}, {type: string}, {$ref: ReferenceNumeric}]`.
fn is_numeric(members: &[SchemaRef]) -> bool {
    let number = members.iter().any(|member| {
        matches!(member, SchemaRef::Item(schema) if matches!(schema.kind, Kind::Scalar(scalar) if scalar.is_number()))
    });
    let special = members
        .iter()
        .any(|member| matches!(member, SchemaRef::Reference(reference) if reference.ends_with("/ReferenceNumeric")));
    number && special
}

/// `x-ms-enum-flags: {isFlags: true}`: values combine, comma-joined.
fn is_flags(schema: &Shape) -> bool {
    is_enum(schema) && schema.flags
}

fn is_enum(schema: &Shape) -> bool {
    matches!(schema.kind, Kind::Enum(_))
}

/// `{type: object, nullable: true}` with nothing else: the "or null" of a nullable reference.
fn is_null_marker(member: &SchemaRef) -> bool {
    matches!(member, SchemaRef::Item(schema) if schema.nullable
        && matches!(&schema.kind, Kind::Object { properties, typed: true } if properties.is_empty()))
}

fn enum_def(values: &[String], name: String, docs: Docs) -> EnumDef {
    let mut variant_names = Namespace::with_reserved(&[names::UNRECOGNIZED_VARIANT]);
    let mut variants: Vec<Variant> = Vec::new();
    let mut seen = HashSet::new();
    for value in values {
        if !seen.insert(value.as_str()) {
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
        gate: Default::default(),
    }
}
