//! Reading Graph's answers the way the service really writes them.
//!
//! Every type a generated crate reads implements [`FromJson`]: it takes what
//! Graph is known to send beyond its descriptions (date-times without a zone,
//! numbers as strings, `@odata.type` without its `#`, either base64 alphabet,
//! upper-case GUIDs), and a value that still does not fit its type comes back
//! as it was received ([`Fit`]'s `Err`) instead of failing the whole answer.
//! The nearest object keeps it in its `additional_properties`, under its own
//! name, so a write-back sends it again, and a `tracing` warning names where
//! it was (`value[3].registeredDateTime`). In strict mode such a value is an
//! error naming the same place.
//!
//! Where a value is, [`At`], is a chain of steps on the stack, passed down as
//! values are read: an answer that fits costs no allocation for it.
//!
//! # What Graph sends, and how it reads
//!
//! The models read what the service is known to send
//! beyond its descriptions, and write it back as it came or in Graph's own canonical form:
//!
//! | Graph sends | read as | written back |
//! |---|---|---|
//! | a date-time without a zone, up to 7 (or 9) fractional digits: `2020-02-04T07:00:00.0000000` | UTC | RFC 3339 with `Z` (`2020-02-04T07:00:00Z`): the same instant |
//! | an Int64 or Decimal as a string (`IEEE754Compatible=true`): `"9007199254740993"`, `"0.1583"` | the number | as a JSON number |
//! | `"NaN"`, `"INF"`, `"-INF"` where the description allows them (`Numeric`) | those values | as they came |
//! | `@odata.type` without its `#` | the same type | as it came |
//! | base64 in either alphabet, padded or not | the bytes | the standard alphabet, padded, as Graph writes it |
//! | a GUID in upper case | `Guid`, equal to the same GUID in lower case | in the case it came in |
//! | `GET .../$ref`: `{"value": [{"@odata.id": "https://..."}]}`, where the descriptions say strings | `References` (a page of `Reference { odata_id }`), `Reference` for one | as it came |
//!
//! A value that still does not fit its property's type (a date-time that is not one, an object
//! where a string belongs, `NaN` in a plain `f64`) does not cost the rest of the answer: the
//! property is `None`, the value is kept as received in its object's `additional_properties` under
//! the property's own name, so a write-back sends it again unchanged, and a `tracing` warning names
//! its place (`path=value[2].createdDateTime expected="a date-time" found="a string"`; never the
//! value, which may be personal data). A list with such an item is kept whole the same way. A
//! value that does not fit where nothing can keep it (the body itself) is an `Error::Decode`.
//! With `ClientBuilder::strict(true)` or a call's `.strict(true)`, any such value is an
//! `Error::Decode` naming its path instead. `serde_json::from_str` on a model reads tolerantly too.

use std::cell::RefCell;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A value that was read: `Ok` when it fits its type, `Err` with the value as
/// received when it does not.
pub type Fit<T> = Result<T, Value>;

/// Where a value is in an answer, and how a value that does not fit is met.
#[derive(Clone, Copy)]
pub struct At<'a> {
    parent: Option<&'a At<'a>>,
    step: Step<'a>,
    strict: bool,
}

#[derive(Clone, Copy)]
enum Step<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

impl At<'static> {
    /// The whole answer. `strict`: a value that does not fit is an error.
    pub fn root(strict: bool) -> Self {
        At {
            parent: None,
            step: Step::Root,
            strict,
        }
    }
}

impl<'a> At<'a> {
    /// The property `key` of the object here.
    pub fn key(&'a self, key: &'a str) -> At<'a> {
        At {
            parent: Some(self),
            step: Step::Key(key),
            strict: self.strict,
        }
    }

    /// The item `index` of the list here.
    pub fn index(&'a self, index: usize) -> At<'a> {
        At {
            parent: Some(self),
            step: Step::Index(index),
            strict: self.strict,
        }
    }

    /// Whether a value that does not fit is an error.
    pub fn is_strict(&self) -> bool {
        self.strict
    }

    /// What to do with `raw`, which does not fit where `expected` is: an error
    /// in strict mode or at the top of the answer, otherwise a warning naming
    /// the place (never the value: it may be personal data) and `raw` kept.
    pub fn misfit<T, E: de::Error>(&self, expected: &str, raw: Value) -> Result<Fit<T>, E> {
        if self.strict || self.parent.is_none() {
            let path = self.to_string();
            let error = E::custom(format_args!("{path}: expected {expected}, found {}", kind(&raw)));
            REFUSED_AT.with(|refused| *refused.borrow_mut() = Some(path));
            return Err(error);
        }
        tracing::warn!(
            path = %self,
            expected,
            found = kind(&raw),
            "a value in Graph's answer does not fit its type; it is kept as received in additional_properties"
        );
        Ok(Err(raw))
    }
}

thread_local! {
    /// Where the last misfit refused on this thread was: the path of an error
    /// that passed through a union's buffered value, which a deserializer
    /// cannot see. Written only when a value is refused.
    static REFUSED_AT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Where the last misfit refused on this thread was, once.
pub fn take_refused_at() -> Option<String> {
    REFUSED_AT.with(|refused| refused.borrow_mut().take())
}

impl fmt::Display for At<'_> {
    /// A JSON path such as `value[3].registeredDateTime`, or `.` for the whole answer.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut steps = Vec::new();
        let mut at = Some(self);
        while let Some(here) = at {
            steps.push(here.step);
            at = here.parent;
        }
        let mut written = false;
        for step in steps.iter().rev() {
            match step {
                Step::Root => {}
                Step::Key(key) if written => write!(f, ".{key}")?,
                Step::Key(key) => f.write_str(key)?,
                Step::Index(index) => write!(f, "[{index}]")?,
            }
            written |= !matches!(step, Step::Root);
        }
        if !written {
            f.write_str(".")?;
        }
        Ok(())
    }
}

/// What kind of JSON value `value` is, for messages.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A type read from Graph's JSON, tolerating what the service sends.
///
/// Most types say only which JSON values they take (`read_str`, `read_i64`,
/// ...); every other value is a misfit, kept as received.
pub trait FromJson: Sized {
    /// What the type takes, for messages: `"a date-time"`.
    const EXPECTED: &'static str;

    /// Whether a value can hold a [`Secret`](super::secret::Secret): an error
    /// about an answer of such a type never shows the answer's body.
    const HOLDS_SECRETS: bool = false;

    /// Reads a value at `at`.
    fn read<'de, D: Deserializer<'de>>(deserializer: D, at: &At<'_>) -> Result<Fit<Self>, D::Error> {
        deserializer.deserialize_any(KindVisitor::<Self>(at, PhantomData))
    }

    /// The value of a JSON boolean, if the type takes it.
    fn read_bool(_value: bool) -> Option<Self> {
        None
    }

    /// The value of a JSON integer, if the type takes it.
    fn read_i64(_value: i64) -> Option<Self> {
        None
    }

    /// The value of a JSON integer above `i64::MAX`, if the type takes it.
    fn read_u64(value: u64) -> Option<Self> {
        i64::try_from(value).ok().and_then(Self::read_i64)
    }

    /// The value of a JSON number with a fraction or exponent, if the type takes it.
    fn read_f64(_value: f64) -> Option<Self> {
        None
    }

    /// The value of a JSON string, if the type takes it.
    fn read_str(_value: &str) -> Option<Self> {
        None
    }

    /// Reads a JSON list.
    fn read_seq<'de, A: SeqAccess<'de>>(seq: A, at: &At<'_>) -> Result<Fit<Self>, A::Error> {
        let raw = Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
        at.misfit(Self::EXPECTED, raw)
    }

    /// Reads a JSON object.
    fn read_map<'de, A: MapAccess<'de>>(map: A, at: &At<'_>) -> Result<Fit<Self>, A::Error> {
        let raw = Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
        at.misfit(Self::EXPECTED, raw)
    }
}

/// Reads a whole value of `T`, as `Deserialize` does for generated types:
/// tolerant inside, an error only when the value as a whole does not fit.
pub fn read_root<'de, D: Deserializer<'de>, T: FromJson>(deserializer: D) -> Result<T, D::Error> {
    T::read(deserializer, &At::root(false))?
        .map_err(|raw| de::Error::custom(format_args!("expected {}, found {}", T::EXPECTED, kind(&raw))))
}

/// `T` read as the value of the next map entry or list item, at `at`.
pub struct Seed<'a, T>(&'a At<'a>, PhantomData<T>);

impl<'a, T> Seed<'a, T> {
    /// Reads a `T` at `at`.
    pub fn new(at: &'a At<'a>) -> Self {
        Seed(at, PhantomData)
    }
}

impl<'de, T: FromJson> DeserializeSeed<'de> for Seed<'_, T> {
    type Value = Fit<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Fit<T>, D::Error> {
        T::read(deserializer, self.0)
    }
}

/// Hands each kind of JSON value to the `read_*` of `T`.
struct KindVisitor<'a, T>(&'a At<'a>, PhantomData<T>);

impl<'a, T: FromJson> KindVisitor<'a, T> {
    fn taken<E: de::Error>(&self, value: Option<T>, raw: impl FnOnce() -> Value) -> Result<Fit<T>, E> {
        match value {
            Some(value) => Ok(Ok(value)),
            None => self.0.misfit(T::EXPECTED, raw()),
        }
    }
}

impl<'de, T: FromJson> Visitor<'de> for KindVisitor<'_, T> {
    type Value = Fit<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTED)
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Fit<T>, E> {
        self.taken(T::read_bool(value), || Value::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Fit<T>, E> {
        self.taken(T::read_i64(value), || Value::from(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Fit<T>, E> {
        self.taken(T::read_u64(value), || Value::from(value))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Fit<T>, E> {
        self.taken(T::read_f64(value), || Value::from(value))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Fit<T>, E> {
        self.taken(T::read_str(value), || Value::String(value.to_owned()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Fit<T>, E> {
        self.0.misfit(T::EXPECTED, Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Fit<T>, E> {
        self.0.misfit(T::EXPECTED, Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Fit<T>, D::Error> {
        T::read(deserializer, self.0)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Fit<T>, A::Error> {
        T::read_seq(seq, self.0)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Fit<T>, A::Error> {
        T::read_map(map, self.0)
    }
}

impl<T: FromJson> FromJson for Option<T> {
    const EXPECTED: &'static str = T::EXPECTED;
    const HOLDS_SECRETS: bool = T::HOLDS_SECRETS;

    fn read<'de, D: Deserializer<'de>>(deserializer: D, at: &At<'_>) -> Result<Fit<Self>, D::Error> {
        struct OptionVisitor<'a, T>(&'a At<'a>, PhantomData<T>);

        impl<'de, T: FromJson> Visitor<'de> for OptionVisitor<'_, T> {
            type Value = Fit<Option<T>>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "null or {}", T::EXPECTED)
            }

            fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Ok(None))
            }

            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Ok(None))
            }

            fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
                Ok(T::read(deserializer, self.0)?.map(Some))
            }
        }

        deserializer.deserialize_option(OptionVisitor::<T>(at, PhantomData))
    }
}

impl<T: FromJson> FromJson for Box<T> {
    const EXPECTED: &'static str = T::EXPECTED;
    const HOLDS_SECRETS: bool = T::HOLDS_SECRETS;

    fn read<'de, D: Deserializer<'de>>(deserializer: D, at: &At<'_>) -> Result<Fit<Self>, D::Error> {
        Ok(T::read(deserializer, at)?.map(Box::new))
    }
}

/// A list keeps what it read when one item does not fit: the whole list is
/// then the misfit, as received except that the items before the odd one are
/// written back from their values.
impl<T: FromJson + Serialize> FromJson for Vec<T> {
    const EXPECTED: &'static str = "a list";
    const HOLDS_SECRETS: bool = T::HOLDS_SECRETS;

    fn read_seq<'de, A: SeqAccess<'de>>(mut seq: A, at: &At<'_>) -> Result<Fit<Self>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        loop {
            let item_at = at.index(items.len());
            match seq.next_element_seed(Seed::<T>::new(&item_at))? {
                None => return Ok(Ok(items)),
                Some(Ok(item)) => items.push(item),
                Some(Err(odd)) => {
                    let mut raw = Vec::with_capacity(items.len() + 1);
                    for item in &items {
                        raw.push(serde_json::to_value(item).map_err(de::Error::custom)?);
                    }
                    raw.push(odd);
                    while let Some(rest) = seq.next_element::<Value>()? {
                        raw.push(rest);
                    }
                    return Ok(Err(Value::Array(raw)));
                }
            }
        }
    }
}

impl FromJson for Value {
    const EXPECTED: &'static str = "any JSON value";

    fn read<'de, D: Deserializer<'de>>(deserializer: D, _at: &At<'_>) -> Result<Fit<Self>, D::Error> {
        Value::deserialize(deserializer).map(Ok)
    }
}

/// An answer without a body, or one whose body nobody reads.
impl FromJson for () {
    const EXPECTED: &'static str = "nothing";

    fn read<'de, D: Deserializer<'de>>(deserializer: D, _at: &At<'_>) -> Result<Fit<Self>, D::Error> {
        IgnoredAny::deserialize(deserializer).map(|_| Ok(()))
    }
}

impl FromJson for String {
    const EXPECTED: &'static str = "a string";

    fn read_str(value: &str) -> Option<Self> {
        Some(value.to_owned())
    }
}

impl FromJson for bool {
    const EXPECTED: &'static str = "true or false";

    fn read_bool(value: bool) -> Option<Self> {
        Some(value)
    }
}

/// Whole numbers: JSON integers, and strings of them (Graph writes Int64 as a
/// string when asked for `IEEE754Compatible=true`). Written back as numbers.
macro_rules! whole_numbers {
    ($($type:ty),*) => {
        $(impl FromJson for $type {
            const EXPECTED: &'static str = "a whole number";

            fn read_i64(value: i64) -> Option<Self> {
                value.try_into().ok()
            }

            fn read_u64(value: u64) -> Option<Self> {
                value.try_into().ok()
            }

            fn read_str(value: &str) -> Option<Self> {
                value.trim().parse().ok()
            }
        })*
    };
}

whole_numbers!(u8, i16, i32, i64);

/// A double: a JSON number, or a string of a finite one (Graph writes Decimal
/// as a string when asked for `IEEE754Compatible=true`). Written back as a
/// number. `NaN` and the infinities do not fit an `f64` field, whose JSON
/// cannot carry them: they are kept as received. Graph's descriptions give
/// numbers that may be `NaN` the type [`Numeric`](super::values::Numeric).
impl FromJson for f64 {
    const EXPECTED: &'static str = "a number";

    fn read_i64(value: i64) -> Option<Self> {
        Some(value as f64)
    }

    fn read_u64(value: u64) -> Option<Self> {
        Some(value as f64)
    }

    fn read_f64(value: f64) -> Option<Self> {
        Some(value)
    }

    fn read_str(value: &str) -> Option<Self> {
        value.trim().parse().ok().filter(|value: &f64| value.is_finite())
    }
}

/// Date-times as RFC 3339, and without a zone, which Graph means as UTC
/// (`2020-02-04T07:00:00.0000000`; any number of fractional digits up to 9).
/// Written back in RFC 3339 with `Z`.
impl FromJson for chrono::DateTime<chrono::Utc> {
    const EXPECTED: &'static str = "a date-time";

    fn read_str(value: &str) -> Option<Self> {
        chrono::DateTime::parse_from_rfc3339(value)
            .map(|time| time.to_utc())
            .or_else(|_| {
                chrono::NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%.f").map(|time| time.and_utc())
            })
            .ok()
    }
}

impl FromJson for chrono::NaiveDate {
    const EXPECTED: &'static str = "a date";

    fn read_str(value: &str) -> Option<Self> {
        value.parse().ok()
    }
}

impl FromJson for chrono::NaiveTime {
    const EXPECTED: &'static str = "a time of day";

    fn read_str(value: &str) -> Option<Self> {
        value.parse().ok()
    }
}

/// The value of `@odata.type` in `value`, without the `#` Graph usually
/// (not always) writes before it: `microsoft.graph.user`.
pub fn odata_type(value: &Value) -> Option<&str> {
    let tag = value.get("@odata.type")?.as_str()?;
    Some(tag.strip_prefix('#').unwrap_or(tag))
}

/// A member of a union read from the JSON value it was told apart by.
pub fn read_variant<T: FromJson, U, E: de::Error>(value: Value, at: &At<'_>, wrap: fn(T) -> U) -> Result<Fit<U>, E> {
    Ok(T::read(value, at).map_err(E::custom)?.map(wrap))
}

/// An object of a type a union does not know; any other value does not fit.
pub fn read_unrecognized<U, E: de::Error>(value: Value, at: &At<'_>, wrap: fn(Value) -> U) -> Result<Fit<U>, E> {
    if value.is_object() {
        Ok(Ok(wrap(value)))
    } else {
        at.misfit("an object", value)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Utc};

    use super::*;

    fn read<T: FromJson>(json: &str, strict: bool) -> Result<Fit<T>, serde_json::Error> {
        let root = At::root(strict);
        let list = root.key("value");
        let at = list.index(3);
        T::read(&mut serde_json::Deserializer::from_str(json), &at)
    }

    #[test]
    fn paths_read_as_json_paths() {
        let root = At::root(false);
        assert_eq!(root.to_string(), ".");
        let value = root.key("value");
        let item = value.index(3);
        let field = item.key("registeredDateTime");
        assert_eq!(field.to_string(), "value[3].registeredDateTime");
        assert_eq!(At::root(false).index(0).to_string(), "[0]");
    }

    #[test]
    fn date_times_without_a_zone_are_utc() {
        let zoneless: DateTime<Utc> = read(r#""2020-02-04T07:00:00.0000000""#, true).unwrap().unwrap();
        assert_eq!(zoneless.to_rfc3339(), "2020-02-04T07:00:00+00:00");
        let shifted: DateTime<Utc> = read(r#""2019-09-27T01:01:04.566""#, true).unwrap().unwrap();
        assert_eq!(shifted.timestamp_subsec_millis(), 566);
        let offset: DateTime<Utc> = read(r#""2020-02-04T09:00:00+02:00""#, true).unwrap().unwrap();
        assert_eq!(offset, zoneless);
        assert!(read::<DateTime<Utc>>(r#""datetime-value""#, false).unwrap().is_err());
    }

    #[test]
    fn numbers_are_read_from_strings() {
        assert_eq!(
            read::<i64>(r#""9007199254740993""#, true).unwrap().unwrap(),
            9_007_199_254_740_993
        );
        assert_eq!(read::<i32>("42", true).unwrap().unwrap(), 42);
        assert!(read::<i32>("4294967296", false).unwrap().is_err());
        assert_eq!(read::<f64>(r#""0.1583""#, true).unwrap().unwrap(), 0.1583);
        assert_eq!(read::<f64>("7", true).unwrap().unwrap(), 7.0);
        assert_eq!(read::<f64>(r#""NaN""#, false).unwrap(), Err(Value::from("NaN")));
    }

    #[test]
    fn a_misfit_is_kept_or_refused_by_mode() {
        assert_eq!(
            read::<String>("{\"a\": 1}", false).unwrap(),
            Err(serde_json::json!({"a": 1}))
        );
        let error = read::<String>("{\"a\": 1}", true).unwrap_err().to_string();
        assert!(
            error.starts_with("value[3]: expected a string, found an object"),
            "{error}"
        );
        // At the top of an answer there is nowhere to keep it.
        let error = String::read(&mut serde_json::Deserializer::from_str("1"), &At::root(false)).unwrap_err();
        assert!(
            error.to_string().starts_with(".: expected a string, found a number"),
            "{error}"
        );
    }

    #[test]
    fn a_list_with_an_odd_item_is_kept_whole() {
        let fit = read::<Vec<DateTime<Utc>>>(r#"["2020-02-04T07:00:00Z", 5, "x"]"#, false).unwrap();
        assert_eq!(fit, Err(serde_json::json!(["2020-02-04T07:00:00Z", 5, "x"])));
        let fit = read::<Option<Vec<i64>>>(r#"[1, "2"]"#, true).unwrap();
        assert_eq!(fit, Ok(Some(vec![1, 2])));
        assert_eq!(read::<Option<Vec<i64>>>("null", true).unwrap(), Ok(None));
    }

    #[test]
    fn odata_type_is_read_with_or_without_its_hash() {
        let with = serde_json::json!({"@odata.type": "#microsoft.graph.user"});
        let without = serde_json::json!({"@odata.type": "microsoft.graph.user"});
        assert_eq!(odata_type(&with), Some("microsoft.graph.user"));
        assert_eq!(odata_type(&without), Some("microsoft.graph.user"));
        assert_eq!(odata_type(&serde_json::json!("x")), None);
    }
}
