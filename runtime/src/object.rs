//! JSON objects read into generated structs in one pass: each known property
//! into its field, the others into the struct's `additional_properties`.
//! (serde's `flatten` would buffer every property first.)

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

/// A generated struct read from a JSON object property by property.
pub trait JsonObject: Default {
    /// Reads the value of the property `key` into its field; `false` when no
    /// field has that name (the value is then still to be read).
    fn property<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error>;

    /// Where properties without a field go.
    fn additional_properties(&mut self) -> &mut Map<String, Value>;

    /// Reads a JSON object.
    fn read<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ObjectVisitor(PhantomData))
    }
}

/// Implements `Deserialize` and [`JsonObject`] for a generated struct: each
/// JSON property listed into its field (a field of a type behind a feature
/// carries the feature's `cfg`), every other one into the map named first.
/// `JsonObject` must be in scope where it is used, as in a generated crate's
/// `models`.
///
/// ```ignore
/// json_object!(Attachment, additional_properties {
///     "contentType" => content_type,
///     "name" => name,
/// });
/// ```
#[allow(unused_macros)] // a crate may have no models
macro_rules! json_object {
    ($name:ident, $rest:ident { $($(#[$cfg:meta])* $json:literal => $field:ident,)* }) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                JsonObject::read(deserializer)
            }
        }

        impl JsonObject for $name {
            fn property<'de, A: ::serde::de::MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
                json_object!(@read self, key, map { $($(#[$cfg])* $json => $field,)* })
            }

            fn additional_properties(&mut self) -> &mut ::serde_json::Map<String, ::serde_json::Value> {
                &mut self.$rest
            }
        }
    };
    // A struct without properties reads none.
    (@read $object:ident, $key:ident, $map:ident {}) => {{
        let _ = ($key, $map);
        Ok(false)
    }};
    (@read $object:ident, $key:ident, $map:ident { $($(#[$cfg:meta])* $json:literal => $field:ident,)+ }) => {{
        match $key {
            $($(#[$cfg])* $json => $object.$field = $map.next_value()?,)+
            _ => return Ok(false),
        }
        Ok(true)
    }};
}
#[allow(unused_imports)] // a crate may have no models
pub(crate) use json_object;

/// A type derived from another in Graph's type hierarchy: it writes its own
/// `@odata.type` when its field is not set, as Microsoft's SDKs set it in
/// every derived type's constructor, so that Graph knows what to create in a
/// collection of the base type.
pub trait ODataType {
    /// For example `#microsoft.graph.emailAuthenticationMethod`.
    const ODATA_TYPE: &'static str;
}

/// `value` as a request sends it, or as a member of a polymorphic collection:
/// with `T`'s `@odata.type` when it has none, so that Graph knows what to
/// create or change. Values read from Graph keep what came wherever else they
/// are written.
pub struct Typed<'a, T, V: ?Sized>(&'a V, PhantomData<T>);

impl<'a, T: ODataType, V: Serialize + ?Sized> Typed<'a, T, V> {
    /// `value`, to be written with `T`'s `@odata.type` if it has none.
    pub fn new(value: &'a V) -> Self {
        Typed(value, PhantomData)
    }
}

impl<T: ODataType, V: Serialize + ?Sized> Serialize for Typed<'_, T, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut json = serde_json::to_value(self.0).map_err(serde::ser::Error::custom)?;
        if let Value::Object(map) = &mut json {
            map.entry("@odata.type")
                .or_insert_with(|| Value::String(T::ODATA_TYPE.to_owned()));
        }
        json.serialize(serializer)
    }
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: JsonObject> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut object = T::default();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if !object.property(key.as_str(), &mut map)? {
                let value = map.next_value()?;
                object.additional_properties().insert(key.into_string(), value);
            }
        }
        Ok(object)
    }
}

/// A property name, borrowed from the input when it has no escapes.
enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(key) => key,
            Key::Owned(key) => key,
        }
    }

    fn into_string(self) -> String {
        match self {
            Key::Borrowed(key) => key.to_owned(),
            Key::Owned(key) => key,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a property name")
            }

            fn visit_borrowed_str<E>(self, key: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(key))
            }

            fn visit_str<E>(self, key: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(key.to_owned()))
            }

            fn visit_string<E>(self, key: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(key))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}
