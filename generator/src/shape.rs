//! Schemas as graphgen reads them: what lowering a schema into a type looks
//! at, and nothing else. The model matches on these few kinds instead of
//! openapiv3's many ways of writing one thing (`type: object` beside `allOf`,
//! say), and they are far smaller than `openapiv3::Schema` values.

use openapiv3::{ReferenceOr, Schema, SchemaKind, StringFormat, VariantOrUnknownOrEmpty};

/// A schema or a `$ref` to one.
#[derive(Clone, Debug, PartialEq)]
pub enum SchemaRef {
    /// The reference as written, for example `#/components/schemas/microsoft.graph.user`.
    Reference(Box<str>),
    Item(Box<Shape>),
}

/// One schema.
#[derive(Clone, Debug, PartialEq)]
pub struct Shape {
    /// The description, else the title.
    pub docs: Option<Box<str>>,
    pub kind: Kind,
    pub nullable: bool,
    /// `x-graphgen-secret: true`: a string `Debug` must never print.
    pub secret: bool,
    /// `x-graphgen-payload: true` (a component schema): generated though no
    /// operation names it, because Graph sends it elsewhere (to a
    /// notification URL).
    pub payload: bool,
    /// `x-ms-navigationProperty: true`.
    pub navigation: bool,
    /// `x-ms-enum-flags: {isFlags: true}`: values combine, comma-joined.
    pub flags: bool,
    /// The discriminator's mapping (`@odata.type` value, `$ref`), in the
    /// description's order, when the schema has a discriminator.
    pub discriminator: Option<Box<[(String, String)]>>,
    /// Extensions graphgen reads whose value it cannot read, and `x-graphgen-*`
    /// extensions it does not know: each name, and what it must be instead.
    /// Lowering reports each as an error, so that a mark written wrong never
    /// fails open (a secret printed as plain text).
    pub misread: Box<[(String, &'static str)]>,
}

/// What a schema describes.
#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    /// A string, number, integer or boolean that is not an enum.
    Scalar(Scalar),
    /// A string with `enum` values (`null` left out; a list holding only
    /// `null` is an enum without values).
    Enum(Box<[String]>),
    /// An array and its items, if given.
    Array(Option<SchemaRef>),
    /// An object: `type: object` (`typed`), or properties without a type.
    Object {
        properties: Box<[(String, SchemaRef)]>,
        typed: bool,
    },
    AllOf(Box<[SchemaRef]>),
    AnyOf(Box<[SchemaRef]>),
    OneOf(Box<[SchemaRef]>),
    Not,
}

/// The value types of scalars, with their formats read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar {
    String,
    DateTime,
    Date,
    Time,
    Uuid,
    Bytes,
    Bool,
    U8,
    I16,
    I32,
    I64,
    F64,
}

impl Scalar {
    /// A number (of any format) rather than a string or a boolean.
    pub fn is_number(self) -> bool {
        matches!(self, Scalar::U8 | Scalar::I16 | Scalar::I32 | Scalar::I64 | Scalar::F64)
    }
}

impl From<ReferenceOr<Schema>> for SchemaRef {
    fn from(schema: ReferenceOr<Schema>) -> Self {
        match schema {
            ReferenceOr::Reference { reference } => SchemaRef::Reference(reference.into()),
            ReferenceOr::Item(schema) => SchemaRef::Item(Box::new(Shape::from(schema))),
        }
    }
}

impl From<ReferenceOr<Box<Schema>>> for SchemaRef {
    fn from(schema: ReferenceOr<Box<Schema>>) -> Self {
        match schema {
            ReferenceOr::Reference { reference } => SchemaRef::Reference(reference.into()),
            ReferenceOr::Item(schema) => SchemaRef::Item(Box::new(Shape::from(*schema))),
        }
    }
}

impl From<Schema> for Shape {
    fn from(schema: Schema) -> Self {
        use openapiv3::Type as T;
        let data = schema.schema_data;
        let mut misread = Vec::new();
        let mut flag = |name: &str| match data.extensions.get(name) {
            None => false,
            Some(serde_json::Value::Bool(value)) => *value,
            Some(_) => {
                misread.push((name.to_owned(), "true or false"));
                false
            }
        };
        let secret = flag("x-graphgen-secret");
        let payload = flag("x-graphgen-payload");
        let navigation = flag("x-ms-navigationProperty");
        let flags = match data.extensions.get("x-ms-enum-flags") {
            None => false,
            Some(value) => match value.get("isFlags") {
                Some(serde_json::Value::Bool(value)) => *value,
                None if value.is_object() => false,
                _ => {
                    misread.push((
                        "x-ms-enum-flags".to_owned(),
                        "a mapping with `isFlags: true` or `false`",
                    ));
                    false
                }
            },
        };
        for name in data.extensions.keys() {
            if name.starts_with("x-graphgen-") && !matches!(name.as_str(), "x-graphgen-secret" | "x-graphgen-payload") {
                misread.push((
                    name.clone(),
                    "an extension graphgen reads; on a schema, only `x-graphgen-secret` and `x-graphgen-payload`",
                ));
            }
        }
        let list = |members: Vec<ReferenceOr<Schema>>| -> Box<[SchemaRef]> {
            members.into_iter().map(SchemaRef::from).collect()
        };
        let object = |properties: indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>, typed| Kind::Object {
            properties: properties
                .into_iter()
                .map(|(name, schema)| (name, SchemaRef::from(schema)))
                .collect(),
            typed,
        };
        let kind = match schema.schema_kind {
            SchemaKind::Type(T::String(string)) if !string.enumeration.is_empty() => {
                Kind::Enum(string.enumeration.into_iter().flatten().collect())
            }
            SchemaKind::Type(T::String(string)) => Kind::Scalar(match string.format {
                VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Scalar::DateTime,
                VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Scalar::Date,
                VariantOrUnknownOrEmpty::Item(StringFormat::Byte | StringFormat::Binary) => Scalar::Bytes,
                VariantOrUnknownOrEmpty::Unknown(format) => match format.as_str() {
                    "base64url" => Scalar::Bytes,
                    "time" => Scalar::Time,
                    "uuid" => Scalar::Uuid,
                    _ => Scalar::String,
                },
                _ => Scalar::String,
            }),
            SchemaKind::Type(T::Number(number)) => Kind::Scalar(match number.format {
                VariantOrUnknownOrEmpty::Unknown(format) => integer_format(&format).unwrap_or(Scalar::F64),
                _ => Scalar::F64,
            }),
            SchemaKind::Type(T::Integer(integer)) => Kind::Scalar(match integer.format {
                VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => Scalar::I32,
                VariantOrUnknownOrEmpty::Unknown(format) => integer_format(&format).unwrap_or(Scalar::I64),
                _ => Scalar::I64,
            }),
            SchemaKind::Type(T::Boolean(_)) => Kind::Scalar(Scalar::Bool),
            SchemaKind::Type(T::Array(array)) => Kind::Array(array.items.map(SchemaRef::from)),
            SchemaKind::Type(T::Object(object_type)) => object(object_type.properties, true),
            // `type: object` beside `allOf` (Microsoft's newer collection
            // responses): the members, and the properties written beside them.
            SchemaKind::Any(any) if !any.all_of.is_empty() => {
                let mut members: Vec<SchemaRef> = list(any.all_of).into_vec();
                if !any.properties.is_empty() {
                    members.push(SchemaRef::Item(Box::new(Shape {
                        docs: None,
                        kind: object(any.properties, true),
                        nullable: false,
                        secret: false,
                        payload: false,
                        navigation: false,
                        flags: false,
                        discriminator: None,
                        misread: Box::default(),
                    })));
                }
                Kind::AllOf(members.into())
            }
            SchemaKind::Any(any) if !any.any_of.is_empty() && any.properties.is_empty() => {
                Kind::AnyOf(list(any.any_of))
            }
            SchemaKind::Any(any) if !any.one_of.is_empty() && any.properties.is_empty() => {
                Kind::OneOf(list(any.one_of))
            }
            SchemaKind::Any(any) => object(any.properties, false),
            SchemaKind::AllOf { all_of } => Kind::AllOf(list(all_of)),
            SchemaKind::AnyOf { any_of } => Kind::AnyOf(list(any_of)),
            SchemaKind::OneOf { one_of } => Kind::OneOf(list(one_of)),
            SchemaKind::Not { .. } => Kind::Not,
        };
        Shape {
            docs: data.description.or(data.title).map(String::into_boxed_str),
            kind,
            nullable: data.nullable,
            secret,
            payload,
            navigation,
            flags,
            discriminator: data
                .discriminator
                .map(|discriminator| discriminator.mapping.into_iter().collect()),
            misread: misread.into(),
        }
    }
}

/// Integer formats, with their bounds.
fn integer_format(format: &str) -> Option<Scalar> {
    match format {
        "int8" | "int16" => Some(Scalar::I16),
        "uint8" => Some(Scalar::U8),
        "int32" => Some(Scalar::I32),
        "int64" => Some(Scalar::I64),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(yaml: &str) -> Shape {
        Shape::from(serde_yaml::from_str::<Schema>(yaml).unwrap())
    }

    #[test]
    fn keeps_what_lowering_reads() {
        let user = shape(
            "description: A user.\ntitle: user\nallOf:\n  - $ref: '#/components/schemas/entity'\n  - type: object\n    properties:\n      pin: {type: string, x-graphgen-secret: true}\n      manager: {anyOf: [{$ref: '#/components/schemas/user'}, {type: object, nullable: true}], x-ms-navigationProperty: true}\n",
        );
        assert_eq!(user.docs.as_deref(), Some("A user."));
        let Kind::AllOf(parts) = &user.kind else {
            panic!("{user:?}")
        };
        assert_eq!(parts[0], SchemaRef::Reference("#/components/schemas/entity".into()));
        let SchemaRef::Item(object) = &parts[1] else {
            panic!("{parts:?}")
        };
        let Kind::Object {
            properties,
            typed: true,
        } = &object.kind
        else {
            panic!("{object:?}")
        };
        let SchemaRef::Item(pin) = &properties[0].1 else {
            panic!()
        };
        assert!(pin.secret && !pin.navigation);
        assert_eq!(pin.kind, Kind::Scalar(Scalar::String));
        let SchemaRef::Item(manager) = &properties[1].1 else {
            panic!()
        };
        assert!(manager.navigation && !manager.secret);
        let Kind::AnyOf(members) = &manager.kind else {
            panic!("{manager:?}")
        };
        let SchemaRef::Item(null) = &members[1] else { panic!() };
        assert!(null.nullable);
    }

    #[test]
    fn reads_formats_enums_and_discriminators() {
        let kind = |yaml: &str| shape(yaml).kind;
        assert_eq!(
            kind("{type: string, format: date-time}"),
            Kind::Scalar(Scalar::DateTime)
        );
        assert_eq!(kind("{type: string, format: base64url}"), Kind::Scalar(Scalar::Bytes));
        assert_eq!(kind("{type: number, format: int16}"), Kind::Scalar(Scalar::I16));
        assert_eq!(kind("{type: number, format: double}"), Kind::Scalar(Scalar::F64));
        assert_eq!(kind("{type: integer, format: int32}"), Kind::Scalar(Scalar::I32));
        assert_eq!(kind("{type: integer}"), Kind::Scalar(Scalar::I64));
        assert_eq!(
            kind("{type: string, enum: [a, null, b]}"),
            Kind::Enum(["a".into(), "b".into()].into())
        );
        assert_eq!(kind("{type: array}"), Kind::Array(None));
        let flags = shape("{type: string, enum: [a], x-ms-enum-flags: {isFlags: true}}");
        assert!(flags.flags);
        let base = shape(
            "{type: object, title: base, discriminator: {propertyName: '@odata.type', mapping: {'#z': '#/components/schemas/z', '#a': '#/components/schemas/a'}}}",
        );
        assert_eq!(base.docs.as_deref(), Some("base"));
        let mapping = base.discriminator.unwrap();
        assert_eq!(mapping[0].0, "#z", "the description's order");
        assert_eq!(mapping[1].1, "#/components/schemas/a");
    }
}
