//! Value types Graph's JSON needs beyond serde's: numbers that may be `NaN`
//! or infinite, sets of flag-enum values, and the impls of generated enums of
//! strings (`string_enum!`).

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Implements, for a generated enum of strings, `as_str` (the value as Graph
/// writes it), `AsRef<str>`, `From<&str>` (a value not listed becomes the
/// catch-all variant named first), `Serialize` and `Deserialize`.
///
/// ```ignore
/// string_enum!(ActionState, Unrecognized {
///     None = "none",
///     NotSupported = "notSupported",
/// });
/// ```
#[allow(unused_macros)] // a crate may have no enums
macro_rules! string_enum {
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

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <String as ::serde::Deserialize>::deserialize(deserializer).map(|value| Self::from(value.as_str()))
            }
        }
    };
}
#[allow(unused_imports)] // a crate may have no enums
pub(crate) use string_enum;

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
                match value {
                    "NaN" => Ok(Numeric(f64::NAN)),
                    "INF" => Ok(Numeric(f64::INFINITY)),
                    "-INF" => Ok(Numeric(f64::NEG_INFINITY)),
                    other => other
                        .trim()
                        .parse()
                        .map(Numeric)
                        .map_err(|_| E::invalid_value(de::Unexpected::Str(other), &self)),
                }
            }
        }

        deserializer.deserialize_any(NumericVisitor)
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
