//! Binary values, which Graph sends as base64 strings (`format: base64url`).
//!
//! Graph's descriptions say base64url, yet the service sends the standard
//! alphabet with padding, and Microsoft's SDKs write that: values are read in
//! either alphabet, padded or not, and written in the standard one.

use std::fmt;

use base64::engine::general_purpose::{STANDARD, URL_SAFE};
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

const LENIENT: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const READ_STANDARD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, LENIENT);
const READ_URL_SAFE: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, LENIENT);

/// Bytes carried in JSON as base64 text.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Base64Bytes(pub Vec<u8>);

impl Base64Bytes {
    /// Decodes base64 text in either alphabet, padded or not.
    pub fn decode(text: &str) -> Option<Self> {
        READ_URL_SAFE
            .decode(text)
            .or_else(|_| READ_STANDARD.decode(text))
            .ok()
            .map(Self)
    }

    /// The base64 text in the standard alphabet (padded) that this value
    /// serializes to, as Graph writes it.
    pub fn encode(&self) -> String {
        STANDARD.encode(&self.0)
    }

    /// The base64url text (padded).
    pub fn encode_url_safe(&self) -> String {
        URL_SAFE.encode(&self.0)
    }
}

impl fmt::Debug for Base64Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Base64Bytes({} bytes)", self.0.len())
    }
}

impl Serialize for Base64Bytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.encode())
    }
}

impl<'de> Deserialize<'de> for Base64Bytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::decode(&text).ok_or_else(|| D::Error::custom("invalid base64 text"))
    }
}

impl super::read::FromJson for Base64Bytes {
    const EXPECTED: &'static str = "base64 text";

    fn read_str(value: &str) -> Option<Self> {
        Self::decode(value)
    }
}
