//! The runtime's macros for generated models (`json_object!`, `string_enum!`)
//! and the values of operations' parameters, used as generated code uses
//! them: through the runtime's paths, with the names they use in scope.

use graphgen_runtime::call::ParameterValue;
use graphgen_runtime::object::{
    json_object, other_property, property, read_object, write_object, JsonObject, ObjectKey,
};
use graphgen_runtime::query::Literal;
use graphgen_runtime::read::{read_root, At, Fit, FromJson};
use graphgen_runtime::serde::de::MapAccess;
use graphgen_runtime::serde::{Deserialize, Deserializer, Serialize, Serializer};
use graphgen_runtime::values::string_enum;

use serde_json::{json, Map, Value};

#[derive(Debug, Default, PartialEq)]
struct Attachment {
    content_type: Option<String>,
    size: Option<i32>,
    #[cfg(any())]
    never: Option<String>,
    rest: Map<String, Value>,
}

json_object!(Attachment, rest {
    "contentType" => content_type,
    "size" => size,
    #[cfg(any())]
    "never" => never,
});

#[derive(Debug, Default, PartialEq)]
struct Empty {
    rest: Map<String, Value>,
}

json_object!(Empty, rest {});

/// Every property behind a feature that is off, as when a struct's only
/// property is a navigation property of a type not compiled: the impls
/// compile without a warning (clippy checks this file with warnings denied).
#[derive(Debug, Default, PartialEq)]
struct AllOff {
    #[cfg(any())]
    never: Option<String>,
    rest: Map<String, Value>,
}

json_object!(AllOff, rest {
    #[cfg(any())]
    "never" => never,
});

#[test]
fn a_struct_whose_properties_are_all_off_keeps_them_as_received() {
    let read: AllOff = serde_json::from_value(json!({"never": "x"})).unwrap();
    assert_eq!(read.rest["never"], "x");
}

#[test]
fn listed_properties_go_to_fields_and_the_rest_to_the_map() {
    let read: Attachment =
        serde_json::from_value(json!({"contentType": "text/plain", "size": 3, "never": "kept", "isInline": true}))
            .unwrap();
    assert_eq!(read.content_type.as_deref(), Some("text/plain"));
    assert_eq!(read.size, Some(3));
    // A property whose field is compiled out is kept like an unknown one.
    assert_eq!(
        read.rest,
        json!({"never": "kept", "isInline": true}).as_object().unwrap().clone()
    );
    // A value that does not fit its field is kept as received, under its name.
    let odd: Attachment = serde_json::from_value(json!({"size": "three", "contentType": 7})).unwrap();
    assert_eq!((odd.size, odd.content_type), (None, None));
    assert_eq!(
        odd.rest,
        json!({"size": "three", "contentType": 7}).as_object().unwrap().clone()
    );
    // Numbers as strings fit.
    let read: Attachment = serde_json::from_value(json!({"size": "3"})).unwrap();
    assert_eq!(read.size, Some(3));
    let empty: Empty = serde_json::from_value(json!({"a": 1})).unwrap();
    assert_eq!(empty.rest.len(), 1);
    assert!(serde_json::from_value::<Empty>(json!([1])).is_err());
}

#[test]
fn strict_reading_names_the_place_of_a_misfit() {
    let json = r#"{"contentType": "a", "size": true}"#;
    let read = Attachment::read(&mut serde_json::Deserializer::from_str(json), &At::root(true));
    let error = read.expect_err("strict reading refuses the misfit").to_string();
    assert!(
        error.starts_with("size: expected a whole number, found a boolean"),
        "{error}"
    );
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum State {
    NotSupported,
    Done,
    Unrecognized(String),
}

string_enum!(State, Unrecognized {
    NotSupported = "notSupported",
    Done = "done",
});

#[test]
fn values_round_trip_and_unknown_ones_are_kept() {
    assert_eq!(State::from("notSupported"), State::NotSupported);
    assert_eq!(State::Done.as_ref(), "done");
    let mut literal = String::new();
    State::Unrecognized("it's".to_owned()).write_literal(&mut literal);
    assert_eq!(literal, "'it''s'", "a filter value, quoted as a string");
    let read: Vec<State> = serde_json::from_str(r#"["done", "later"]"#).unwrap();
    assert_eq!(read, [State::Done, State::Unrecognized("later".to_owned())]);
    assert_eq!(serde_json::to_string(&read).unwrap(), r#"["done","later"]"#);
    assert!(serde_json::from_str::<State>("1").is_err());
}

#[test]
fn lists_are_sent_comma_separated_and_values_as_written() {
    assert_eq!(
        vec!["id".to_owned(), "displayName".to_owned()].into_parameter(),
        "id,displayName"
    );
    assert_eq!(vec![1_i64, 20].into_parameter(), "1,20");
    assert_eq!(Vec::<String>::new().into_parameter(), "");
    assert_eq!(true.into_parameter(), "true");
    assert_eq!(25_i32.into_parameter(), "25");
    assert_eq!("eventual".into_parameter(), "eventual");
}
