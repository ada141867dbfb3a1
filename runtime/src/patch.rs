//! PATCH bodies: properties left unset are not sent, properties named in
//! [`Patch::null`] are sent as `null`, which clears them on the server.

use serde::ser::Error as _;
use serde::{Serialize, Serializer};

/// A PATCH body: a model, and the JSON properties to clear.
#[derive(Clone, Debug, PartialEq)]
pub struct Patch<T> {
    value: T,
    nulls: Vec<String>,
}

impl<T> Patch<T> {
    /// Sends the properties of `value` that are set (`Some`), and nothing else.
    pub fn new(value: T) -> Self {
        Self {
            value,
            nulls: Vec::new(),
        }
    }

    /// Also sends `json_name` (the property's name in Graph's JSON, for
    /// example `"expireDateTime"`) as `null`, replacing any value set for it.
    pub fn null(mut self, json_name: impl Into<String>) -> Self {
        self.nulls.push(json_name.into());
        self
    }
}

impl<T> From<T> for Patch<T> {
    fn from(value: T) -> Self {
        Self::new(value)
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.nulls.is_empty() {
            return self.value.serialize(serializer);
        }
        let mut object = match serde_json::to_value(&self.value).map_err(S::Error::custom)? {
            serde_json::Value::Object(object) => object,
            _ => return Err(S::Error::custom("only an object can be sent with null properties")),
        };
        for name in &self.nulls {
            object.insert(name.clone(), serde_json::Value::Null);
        }
        object.serialize(serializer)
    }
}
