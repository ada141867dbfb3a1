//! Values that must never reach logs: `Debug` prints a placeholder.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A secret string, such as a PIN or an access token.
///
/// `Debug` and `Display` never show the value; call [`Secret::expose`] to read
/// it. It serializes as the plain string so a model round-trips unchanged.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret value. Every call site that reads it is a place to review.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

/// A secret takes any value, so that none of it lands in a map whose `Debug`
/// would print it: a string as it is, anything else as its JSON text.
impl super::read::FromJson for Secret {
    const EXPECTED: &'static str = "a string";
    const HOLDS_SECRETS: bool = true;

    fn read<'de, D: Deserializer<'de>>(
        deserializer: D,
        _at: &super::read::At<'_>,
    ) -> Result<super::read::Fit<Self>, D::Error> {
        Ok(Ok(match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(text) => Self(text),
            other => Self(other.to_string()),
        }))
    }
}
