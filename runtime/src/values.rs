//! Value types Graph's JSON needs beyond serde's: numbers that may be `NaN`
//! or infinite, sets of flag-enum values, GUIDs that keep their case, and the
//! impls of generated enums of strings (`string_enum!`).

use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use uuid::Uuid;

use super::read::FromJson;

/// Implements, for a generated enum of strings, `as_str` (the value as Graph
/// writes it), `AsRef<str>`, `From<&str>` (a value not listed becomes the
/// catch-all variant named first), `Serialize`, `Deserialize`, `FromJson` and
/// `Literal` (a `$filter` value, written as a string).
///
/// ```ignore
/// string_enum!(ActionState, Unrecognized {
///     None = "none",
///     NotSupported = "notSupported",
/// });
/// ```
/// Like `json_object!`, it names serde's traits as they are in scope where it
/// is used, and no crate.
#[doc(hidden)]
#[macro_export]
macro_rules! __string_enum {
    ($name:ident, $other:ident { $($variant:ident = $value:literal,)* }) => {
        impl $name {
            /// The value as Graph writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)*
                    Self::$other(value) => value,
                }
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($value => Self::$variant,)*
                    other => Self::$other(other.to_owned()),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <String as Deserialize>::deserialize(deserializer).map(|value| Self::from(value.as_str()))
            }
        }

        impl FromJson for $name {
            const EXPECTED: &'static str = "a string";

            fn read_str(value: &str) -> Option<Self> {
                Some(Self::from(value))
            }
        }

        impl Literal for $name {
            fn write_literal(&self, out: &mut String) {
                self.as_str().write_literal(out)
            }
        }
    };
}
#[doc(inline)]
pub use crate::__string_enum as string_enum;

/// A number Graph may send as a JSON number or as `"NaN"`, `"INF"` or
/// `"-INF"` (its `ReferenceNumeric`), and sometimes as a numeric string.
#[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd)]
pub struct Numeric(pub f64);

impl Serialize for Numeric {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            value if value.is_nan() => serializer.serialize_str("NaN"),
            value if value == f64::INFINITY => serializer.serialize_str("INF"),
            value if value == f64::NEG_INFINITY => serializer.serialize_str("-INF"),
            value => serializer.serialize_f64(value),
        }
    }
}

impl<'de> Deserialize<'de> for Numeric {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NumericVisitor;

        impl Visitor<'_> for NumericVisitor {
            type Value = Numeric;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number, or \"NaN\", \"INF\" or \"-INF\"")
            }

            fn visit_f64<E: de::Error>(self, value: f64) -> Result<Numeric, E> {
                Ok(Numeric(value))
            }

            fn visit_i64<E: de::Error>(self, value: i64) -> Result<Numeric, E> {
                Ok(Numeric(value as f64))
            }

            fn visit_u64<E: de::Error>(self, value: u64) -> Result<Numeric, E> {
                Ok(Numeric(value as f64))
            }

            fn visit_str<E: de::Error>(self, value: &str) -> Result<Numeric, E> {
                Numeric::read_str(value).ok_or_else(|| E::invalid_value(de::Unexpected::Str(value), &self))
            }
        }

        deserializer.deserialize_any(NumericVisitor)
    }
}

/// A JSON number, or a string of one, or `"NaN"`, `"INF"`, `"-INF"`.
impl FromJson for Numeric {
    const EXPECTED: &'static str = "a number, or \"NaN\", \"INF\" or \"-INF\"";

    fn read_i64(value: i64) -> Option<Self> {
        Some(Numeric(value as f64))
    }

    fn read_u64(value: u64) -> Option<Self> {
        Some(Numeric(value as f64))
    }

    fn read_f64(value: f64) -> Option<Self> {
        Some(Numeric(value))
    }

    fn read_str(value: &str) -> Option<Self> {
        match value {
            "NaN" => Some(Numeric(f64::NAN)),
            "INF" => Some(Numeric(f64::INFINITY)),
            "-INF" => Some(Numeric(f64::NEG_INFINITY)),
            other => other
                .trim()
                .parse()
                .ok()
                .filter(|value: &f64| value.is_finite())
                .map(Numeric),
        }
    }
}

/// The values of a flags enum (`x-ms-enum-flags`), which Graph joins with
/// commas in one string: `"email,sms"`. Values the description does not know
/// are kept by the enum's own `Unrecognized` variant.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Flags<T>(pub Vec<T>);

impl<T> Default for Flags<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T: AsRef<str>> Serialize for Flags<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let joined: Vec<&str> = self.0.iter().map(AsRef::as_ref).collect();
        serializer.serialize_str(&joined.join(","))
    }
}

impl<'de, T: for<'a> From<&'a str>> Deserialize<'de> for Flags<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(Self(
            text.split(',')
                .map(str::trim)
                .filter(|value| !value.is_empty())
                .map(T::from)
                .collect(),
        ))
    }
}

impl<T: for<'a> From<&'a str>> FromJson for Flags<T> {
    const EXPECTED: &'static str = "a string";

    fn read_str(value: &str) -> Option<Self> {
        Some(Self(
            value
                .split(',')
                .map(str::trim)
                .filter(|value| !value.is_empty())
                .map(T::from)
                .collect(),
        ))
    }
}

/// A GUID. Graph writes GUIDs in lower case and sometimes in upper case; a
/// `Guid` compares by value and is written back in the case it was read in
/// (other spellings, such as braces, are written in the usual lower-case form).
#[derive(Clone, Copy)]
pub struct Guid {
    uuid: Uuid,
    upper: bool,
}

impl Guid {
    /// A GUID written in lower case.
    pub fn new(uuid: Uuid) -> Self {
        Guid { uuid, upper: false }
    }

    /// The value.
    pub fn as_uuid(&self) -> Uuid {
        self.uuid
    }
}

impl From<Uuid> for Guid {
    fn from(uuid: Uuid) -> Self {
        Guid::new(uuid)
    }
}

impl From<Guid> for Uuid {
    fn from(guid: Guid) -> Self {
        guid.uuid
    }
}

impl FromStr for Guid {
    type Err = uuid::Error;

    fn from_str(text: &str) -> Result<Self, uuid::Error> {
        let uuid = Uuid::parse_str(text)?;
        let upper =
            text.bytes().any(|byte| byte.is_ascii_uppercase()) && !text.bytes().any(|byte| byte.is_ascii_lowercase());
        Ok(Guid { uuid, upper })
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.upper {
            fmt::Display::fmt(&self.uuid.hyphenated().encode_upper(&mut Uuid::encode_buffer()), f)
        } else {
            fmt::Display::fmt(&self.uuid.hyphenated(), f)
        }
    }
}

impl fmt::Debug for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Guid({self})")
    }
}

impl PartialEq for Guid {
    fn eq(&self, other: &Self) -> bool {
        self.uuid == other.uuid
    }
}

impl Eq for Guid {}

impl Hash for Guid {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.uuid.hash(state);
    }
}

impl Serialize for Guid {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Guid {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(de::Error::custom)
    }
}

impl FromJson for Guid {
    const EXPECTED: &'static str = "a GUID";

    fn read_str(value: &str) -> Option<Self> {
        value.parse().ok()
    }
}
