//! JSON objects read into generated structs in one pass: each known property
//! into its field, the others into the struct's `additional_properties`.
//! (serde's `flatten` would buffer every property first.) A property whose
//! value does not fit its field's type goes to `additional_properties` too,
//! as received (see [`read`](super::read)).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::paging::Page;
use super::query::Literal;
use super::read::{read_root, At, Fit, FromJson, Seed};
use super::values::string_enum;

/// A generated struct read from a JSON object property by property.
pub trait JsonObject: Default {
    /// Reads the value of the property `key` (at `at`, the object) into its
    /// field, or into the struct's additional properties when no field has
    /// that name. (One method, not two: each is a body per generated struct.)
    fn property<'de, A: MapAccess<'de>>(
        &mut self,
        key: ObjectKey<'de>,
        map: &mut A,
        at: &At<'_>,
    ) -> Result<(), A::Error>;
}

/// Reads the value of the property `key` into `field`, or into `rest` as
/// received when it does not fit.
pub fn property<'de, A: MapAccess<'de>, T: FromJson>(
    map: &mut A,
    at: &At<'_>,
    key: &'static str,
    field: &mut T,
    rest: &mut Map<String, Value>,
) -> Result<(), A::Error> {
    let at = at.key(key);
    match map.next_value_seed(Seed::<T>::new(&at))? {
        Ok(value) => *field = value,
        Err(raw) => {
            rest.insert(key.to_owned(), raw);
        }
    }
    Ok(())
}

/// Reads the value of a property without a field into `rest`, as received.
pub fn other_property<'de, A: MapAccess<'de>>(
    map: &mut A,
    key: ObjectKey<'de>,
    rest: &mut Map<String, Value>,
) -> Result<(), A::Error> {
    let value = map.next_value()?;
    rest.insert(key.into_string(), value);
    Ok(())
}

/// Reads a JSON object into `T`, property by property.
pub fn read_object<'de, A: MapAccess<'de>, T: JsonObject>(mut map: A, at: &At<'_>) -> Result<Fit<T>, A::Error> {
    let mut object = T::default();
    while let Some(key) = map.next_key::<ObjectKey<'de>>()? {
        object.property(key, &mut map, at)?;
    }
    Ok(Ok(object))
}

/// Implements `Serialize`, `Deserialize`, [`FromJson`] and [`JsonObject`] for
/// a generated struct: each JSON property listed into its field (a field of a
/// type behind a feature carries the feature's `cfg`), every other one, and
/// any value that does not fit its field, into the map named first; written
/// back as each field that is set, then that map. The names it uses (serde's
/// `Serialize`, `Serializer`, `Deserialize`, `Deserializer`, `MapAccess`,
/// serde_json's `Map` and `Value`, and this module's and `read`'s helpers)
/// must be in scope where it is used, as in a generated crate's `models`, so
/// that it names no crate: code that includes generated code depends on this
/// runtime alone.
///
/// ```ignore
/// json_object!(Attachment, additional_properties {
///     "contentType" => content_type,
///     "name" => name,
/// });
/// ```
///
/// A struct that can hold a [`Secret`](super::secret::Secret), itself or in a
/// field's type, says so after the map (`additional_properties, secret`), so
/// that errors about its answers never show their body.
#[doc(hidden)]
#[macro_export]
macro_rules! __json_object {
    ($name:ident, $rest:ident { $($(#[$cfg:meta])* $json:literal => $field:ident,)* }) => {
        $crate::__json_object!(@impl $name, $rest, false { $($(#[$cfg])* $json => $field,)* });
    };
    ($name:ident, $rest:ident, secret { $($(#[$cfg:meta])* $json:literal => $field:ident,)* }) => {
        $crate::__json_object!(@impl $name, $rest, true { $($(#[$cfg])* $json => $field,)* });
    };
    (@impl $name:ident, $rest:ident, $secrets:literal { $($(#[$cfg:meta])* $json:literal => $field:ident,)* }) => {
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                #[allow(unused_mut)]
                let mut object = write_object(serializer)?;
                $($(#[$cfg])* object.field($json, &self.$field);)*
                object.end(&self.$rest)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                read_root(deserializer)
            }
        }

        impl FromJson for $name {
            const EXPECTED: &'static str = "an object";
            const HOLDS_SECRETS: bool = $secrets;

            fn read_map<'de, A: MapAccess<'de>>(map: A, at: &At<'_>) -> Result<Fit<Self>, A::Error> {
                read_object(map, at)
            }
        }

        impl JsonObject for $name {
            fn property<'de, A: MapAccess<'de>>(&mut self, key: ObjectKey<'de>, map: &mut A, at: &At<'_>) -> Result<(), A::Error> {
                $crate::__json_object!(@read self, $rest, key, map, at { $($(#[$cfg])* $json => $field,)* })
            }
        }
    };
    // A struct without properties keeps every one it is given.
    (@read $object:ident, $rest:ident, $key:ident, $map:ident, $at:ident {}) => {{
        let _ = $at;
        other_property($map, $key, &mut $object.$rest)
    }};
    // Every property may be behind a feature that is off: nothing then reads
    // `at`, and no arm but the last is left.
    (@read $object:ident, $rest:ident, $key:ident, $map:ident, $at:ident { $($(#[$cfg:meta])* $json:literal => $field:ident,)+ }) => {{
        let _ = &$at;
        match $key.as_str() {
            $($(#[$cfg])* $json => property($map, $at, $json, &mut $object.$field, &mut $object.$rest),)+
            _ => other_property($map, $key, &mut $object.$rest),
        }
    }};
}
#[doc(inline)]
pub use crate::__json_object as json_object;

/// Writes a generated struct as a JSON object (for `json_object!`).
pub fn write_object<S: Serializer>(serializer: S) -> Result<ObjectWriter<S::SerializeMap>, S::Error> {
    serializer
        .serialize_map(None)
        .map(|map| ObjectWriter { map, error: None })
}

/// A generated struct being written: its fields that are set, then the
/// properties it kept. The first error stops the writing and is what
/// [`end`](Self::end) gives, so a struct's `serialize` has no branch per field.
pub struct ObjectWriter<M: SerializeMap> {
    map: M,
    error: Option<M::Error>,
}

impl<M: SerializeMap> ObjectWriter<M> {
    /// `value` under `key`, if it is set and nothing failed before.
    pub fn field<T: Serialize>(&mut self, key: &'static str, value: &Option<T>) {
        if let (Some(value), None) = (value, &self.error) {
            self.error = self.map.serialize_entry(key, value).err();
        }
    }

    /// The properties without a field, and the end of the object; or the
    /// first error.
    pub fn end(mut self, rest: &Map<String, Value>) -> Result<M::Ok, M::Error> {
        if let Some(error) = self.error {
            return Err(error);
        }
        for (key, value) in rest {
            self.map.serialize_entry(key, value)?;
        }
        self.map.end()
    }
}

/// A reference to an object, as `GET .../$ref` answers:
/// `{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/..."}`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reference {
    /// The URL of the object referred to.
    pub odata_id: Option<String>,
    /// Other properties, kept as they were received.
    pub additional_properties: Map<String, Value>,
}

json_object!(Reference, additional_properties {
    "@odata.id" => odata_id,
});

/// A page of references, as `GET .../$ref` of a collection answers.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct References {
    /// The references of this page.
    pub value: Option<Vec<Reference>>,
    /// Where the next page is.
    pub odata_next_link: Option<String>,
    /// How many there are in all, when `$count=true` asked.
    pub odata_count: Option<i64>,
    /// Other properties, kept as they were received.
    pub additional_properties: Map<String, Value>,
}

json_object!(References, additional_properties {
    "value" => value,
    "@odata.nextLink" => odata_next_link,
    "@odata.count" => odata_count,
});

impl Page for References {
    type Item = Reference;

    fn next_link(&self) -> Option<&str> {
        self.odata_next_link.as_deref()
    }

    fn into_items(self) -> Vec<Reference> {
        self.value.unwrap_or_default()
    }
}

/// `@removed`: in the answer of a delta query, the mark of an item that left
/// the collection since the last round. The items of delta queries have it as
/// their field `removed`; the item then carries little more than its `id`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Removed {
    /// Why: [`RemovedReason::Changed`] or [`RemovedReason::Deleted`].
    pub reason: Option<RemovedReason>,
    /// Other properties, kept as they were received.
    pub additional_properties: Map<String, Value>,
}

json_object!(Removed, additional_properties {
    "reason" => reason,
});

/// Why an item of a delta query was removed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RemovedReason {
    /// `changed`: it left the collection but still exists (a user deleted
    /// into the recycle bin, which can be restored for 30 days; a message
    /// moved to another folder).
    Changed,
    /// `deleted`: it is gone for good.
    Deleted,
    /// A reason Graph has added since, as received.
    Unrecognized(String),
}

string_enum!(RemovedReason, Unrecognized {
    Changed = "changed",
    Deleted = "deleted",
});

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

/// A property name, borrowed from the input when it has no escapes.
pub enum ObjectKey<'de> {
    /// Borrowed from the input.
    Borrowed(&'de str),
    /// Unescaped into a string of its own.
    Owned(String),
}

impl ObjectKey<'_> {
    /// The name.
    pub fn as_str(&self) -> &str {
        match self {
            ObjectKey::Borrowed(key) => key,
            ObjectKey::Owned(key) => key,
        }
    }

    fn into_string(self) -> String {
        match self {
            ObjectKey::Borrowed(key) => key.to_owned(),
            ObjectKey::Owned(key) => key,
        }
    }
}

impl<'de> Deserialize<'de> for ObjectKey<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = ObjectKey<'de>;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a property name")
            }

            fn visit_borrowed_str<E>(self, key: &'de str) -> Result<ObjectKey<'de>, E> {
                Ok(ObjectKey::Borrowed(key))
            }

            fn visit_str<E>(self, key: &str) -> Result<ObjectKey<'de>, E> {
                Ok(ObjectKey::Owned(key.to_owned()))
            }

            fn visit_string<E>(self, key: String) -> Result<ObjectKey<'de>, E> {
                Ok(ObjectKey::Owned(key))
            }
        }

        deserializer.deserialize_str(KeyVisitor)
    }
}
