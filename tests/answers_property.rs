//! A property of every answer: any JSON value, in any property of the seed's
//! and the family's models at any depth, never fails the object it is in, and
//! what was read is written back without loss.

use generated::models::{AuthenticationMethodCollectionResponse, QrCodePinAuthenticationMethod};
use graphgen_suite::seed_example;
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Map, Value};

/// A page with one method of each type the family describes.
fn family_page() -> Value {
    json!({
        "@odata.nextLink": "https://graph.microsoft.com/v1.0/users/u1/authentication/methods?$skiptoken=x",
        "@odata.count": 6,
        "value": [
            {"@odata.type": "#microsoft.graph.authenticationMethod", "id": "a1", "createdDateTime": "2024-01-01T00:00:00Z"},
            {"@odata.type": "#microsoft.graph.emailAuthenticationMethod", "id": "e1", "emailAddress": "a@contoso.com"},
            {"@odata.type": "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod", "id": "m1",
             "displayName": "Phone", "deviceTag": "SoftwareTokenActivated", "phoneAppVersion": "6.2"},
            {"@odata.type": "#microsoft.graph.passwordAuthenticationMethod", "id": "w1", "password": null},
            {"@odata.type": "#microsoft.graph.phoneAuthenticationMethod", "id": "p1", "phoneNumber": "+1 5555550100",
             "phoneType": "mobile", "smsSignInState": "ready"},
            seed_example()
        ]
    })
}

/// Every place in `value` a property's or an item's value sits.
fn places(value: &Value, here: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                here.push(Step::Key(key.clone()));
                out.push(here.clone());
                places(child, here, out);
                here.pop();
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                here.push(Step::Index(index));
                out.push(here.clone());
                places(child, here, out);
                here.pop();
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn at_mut<'a>(value: &'a mut Value, path: &[Step]) -> &'a mut Value {
    path.iter().fold(value, |value, step| match step {
        Step::Key(key) => &mut value[key.as_str()],
        Step::Index(index) => &mut value[*index],
    })
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        // Strings that look like what Graph's values are made of.
        prop_oneof![
            Just("2020-02-04T07:00:00.0000000"),
            Just("2020-02-04T07:00:00Z"),
            Just("NaN"),
            Just("-INF"),
            Just("12"),
            Just("0.1583"),
            Just("+/8="),
            Just("-_8"),
            Just("#microsoft.graph.emailAuthenticationMethod"),
            Just("microsoft.graph.phoneAuthenticationMethod"),
            Just("DA4C1D35-D7A5-4B1E-8B5F-2D1C7C5B7E11"),
        ]
        .prop_map(|text| Value::String(text.to_owned())),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("@odata.type".to_owned()),
                        Just("id".to_owned()),
                        Just("createdDateTime".to_owned()),
                        "[a-zA-Z]{1,8}"
                    ],
                    inner
                ),
                0..4
            )
            .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Whether `written` keeps everything of `read`: each property and item that
/// was not null is there, equal, or in the form the type writes it
/// (checked by reading both to equal values). A secret takes any value and
/// writes it as its JSON text.
fn keeps(read: &Value, written: Option<&Value>) -> Result<(), String> {
    let Some(written) = written else {
        return if read.is_null() {
            Ok(())
        } else {
            Err(format!("{read} was lost"))
        };
    };
    match (read, written) {
        (Value::Object(read), Value::Object(written)) => read
            .iter()
            .try_for_each(|(key, value)| keeps(value, written.get(key)).map_err(|error| format!("{key}: {error}"))),
        (Value::Array(read), Value::Array(written)) if read.len() == written.len() => read
            .iter()
            .zip(written)
            .enumerate()
            .try_for_each(|(index, (read, written))| {
                keeps(read, Some(written)).map_err(|error| format!("[{index}]: {error}"))
            }),
        // A secret: the JSON text of exactly what was read.
        (Value::Object(_) | Value::Array(_), Value::String(text)) if text.as_str() == read.to_string().as_str() => {
            Ok(())
        }
        (Value::Object(_) | Value::Array(_), _) | (_, Value::Object(_) | Value::Array(_)) => {
            Err(format!("{read} was written as {written}"))
        }
        _ => Ok(()),
    }
}

fn check<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(template: Value, place: usize, odd: Value) {
    let mut all = Vec::new();
    places(&template, &mut Vec::new(), &mut all);
    let mut input = template;
    *at_mut(&mut input, &all[place % all.len()]) = odd;
    let read: T = serde_json::from_value(input.clone()).unwrap_or_else(|error| panic!("{error}: {input}"));
    let written = serde_json::to_value(&read).unwrap();
    if let Err(loss) = keeps(&input, Some(&written)) {
        panic!("{loss}\nread:    {input}\nwritten: {written}");
    }
    let again: T = serde_json::from_value(written.clone()).unwrap();
    assert_eq!(again, read, "the written value reads differently: {written}");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn any_value_in_the_seed_model_is_read_and_written_back(place in any::<usize>(), odd in any_json()) {
        check::<QrCodePinAuthenticationMethod>(seed_example(), place, odd);
    }

    #[test]
    fn any_value_in_a_page_of_every_family_type_is_read_and_written_back(place in any::<usize>(), odd in any_json()) {
        check::<AuthenticationMethodCollectionResponse>(family_page(), place, odd);
    }
}
