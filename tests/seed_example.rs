//! The seed page's example response, through the generated model.

use chrono::{DateTime, Utc};
use generated::models::{ErrorCorrectionLevel, QrCodeImageDetails, QrCodePinAuthenticationMethod, QrPin};
use generated::runtime::secret::Secret;
use graphgen_suite::seed_example;

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

/// Removes the members whose value is `null`: the model reads `null` and
/// absent alike, and leaves both out when it writes.
fn without_nulls(value: &serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => map
            .iter()
            .filter(|(_, value)| !value.is_null())
            .map(|(key, value)| (key.clone(), without_nulls(value)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
        other => other.clone(),
    }
}

#[test]
fn every_field_of_the_seed_example_is_read() {
    let method: QrCodePinAuthenticationMethod = serde_json::from_value(seed_example()).unwrap();

    assert_eq!(
        method.odata_type.as_deref(),
        Some("#microsoft.graph.qrCodePinAuthenticationMethod")
    );
    assert_eq!(method.id.as_deref(), Some("6C2F8B36-B6F0-46FA-9548-1EBA48BEBBDE"));
    assert_eq!(method.created_date_time, Some(at("2026-01-27T12:00:00Z")));
    assert!(method.additional_properties.is_empty());

    let standard = method.standard_qr_code.as_ref().unwrap();
    assert_eq!(standard.id.as_deref(), Some("6C2F8B36-B6F0-46FA-9548-1EBA48BEBBDE"));
    assert_eq!(standard.image, None, "GET returns image: null");
    assert_eq!(standard.start_date_time, Some(at("2026-01-27T12:00:00Z")));
    assert_eq!(standard.expire_date_time, Some(at("2027-01-27T12:00:00Z")));
    assert_eq!(standard.created_date_time, Some(at("2026-01-27T12:00:00Z")));
    assert_eq!(standard.last_used_date_time, Some(at("2026-01-30T08:15:00Z")));
    assert!(standard.additional_properties.is_empty());

    let temporary = method.temporary_qr_code.as_ref().unwrap();
    assert_eq!(temporary.id.as_deref(), Some("8DF9D1B6-B4BD-4EF8-8E90-2CC63C549C80"));
    assert_eq!(temporary.image, None);
    assert_eq!(temporary.start_date_time, Some(at("2026-01-30T08:00:00Z")));
    assert_eq!(temporary.expire_date_time, Some(at("2026-01-30T18:00:00Z")));
    assert_eq!(temporary.created_date_time, Some(at("2026-01-30T08:00:00Z")));
    assert_eq!(temporary.last_used_date_time, Some(at("2026-01-30T08:15:00Z")));

    let pin = method.pin.as_ref().unwrap();
    assert_eq!(
        pin.code, None,
        "GET returns pin.code: null although the metadata says not nullable"
    );
    assert_eq!(pin.force_change_pin_next_sign_in, Some(false));
    assert_eq!(pin.created_date_time, Some(at("2026-01-27T12:00:00Z")));
    assert_eq!(pin.updated_date_time, Some(at("2026-01-28T09:30:00Z")));
    assert_eq!(pin.id, None);
}

#[test]
fn the_fragment_carries_the_seed_example_verbatim() {
    let Some(page) = graphgen_suite::seed_page_example() else {
        return;
    };
    assert!(page.is_object());
    assert_eq!(seed_example(), page);
}

#[test]
fn round_trip_keeps_every_value_and_unknown_properties() {
    let mut original = seed_example();
    original["signInPolicy"] = serde_json::json!({"mode": "strict", "levels": [1, 2]});
    original["pin"]["lastRotatedBy"] = serde_json::json!("admin@contoso.com");
    original["standardQRCode"]["image"] = serde_json::json!({
        "binaryValue": "iVBORw0KGgo=",
        "errorCorrectionLevel": "quantumResistant",
        "version": 4,
        "futureField": true
    });

    let method: QrCodePinAuthenticationMethod = serde_json::from_value(original.clone()).unwrap();
    let image: &QrCodeImageDetails = method.standard_qr_code.as_ref().unwrap().image.as_ref().unwrap();
    assert_eq!(
        image.error_correction_level,
        Some(ErrorCorrectionLevel::Unrecognized("quantumResistant".to_owned())),
        "an enum value the spec does not know is kept"
    );
    assert_eq!(image.binary_value.as_ref().unwrap().0, b"\x89PNG\r\n\x1a\n");
    assert_eq!(image.additional_properties["futureField"], serde_json::json!(true));
    assert_eq!(
        method.additional_properties["signInPolicy"]["levels"],
        serde_json::json!([1, 2])
    );

    let written = serde_json::to_value(&method).unwrap();
    let mut expected = without_nulls(&original);
    // Binary values are written as base64url; this one has no `+` or `/`, so only padding matters.
    expected["standardQRCode"]["image"]["binaryValue"] = serde_json::json!("iVBORw0KGgo=");
    assert_eq!(written, expected);

    let again: QrCodePinAuthenticationMethod = serde_json::from_value(written).unwrap();
    assert_eq!(again, method);
}

#[test]
fn known_enum_values_and_the_never_used_date_parse() {
    let image: QrCodeImageDetails =
        serde_json::from_str(r#"{"errorCorrectionLevel": "unknownFutureValue", "rawContent": "aGk", "version": 40}"#)
            .unwrap();
    assert_eq!(
        image.error_correction_level,
        Some(ErrorCorrectionLevel::UnknownFutureValue)
    );
    assert_eq!(
        image.raw_content.as_ref().unwrap().0,
        b"hi",
        "unpadded base64 is accepted"
    );
    assert_eq!(image.version, Some(40));

    let pin: QrPin = serde_json::from_str(r#"{"createdDateTime": "0001-01-01T00:00:00Z"}"#).unwrap();
    assert_eq!(pin.created_date_time, Some(at("0001-01-01T00:00:00Z")));
    assert_eq!(
        serde_json::to_value(&pin).unwrap()["createdDateTime"],
        "0001-01-01T00:00:00Z"
    );
}

#[test]
fn the_pin_never_appears_in_debug_output() {
    let pin: QrPin = serde_json::from_str(r#"{"code": "73914026", "forceChangePinNextSignIn": true}"#).unwrap();
    assert_eq!(pin.code.as_ref().map(Secret::expose), Some("73914026"));
    let method = QrCodePinAuthenticationMethod {
        pin: Some(pin.clone()),
        ..Default::default()
    };
    for debug in [format!("{pin:?}"), format!("{pin:#?}"), format!("{method:?}")] {
        assert!(!debug.contains("73914026"), "{debug}");
        assert!(debug.contains("<redacted>"), "{debug}");
    }
    // Serialization is for Graph, not for logs: the code is written as is.
    assert_eq!(serde_json::to_value(&pin).unwrap()["code"], "73914026");
}

/// Code written against a type keeps compiling where a union of it and its
/// derived types is asked for: each variant's type converts into the union.
#[test]
fn a_derived_type_converts_into_its_union() {
    let method: generated::models::QrCodePinAuthenticationMethod = serde_json::from_value(seed_example()).unwrap();
    let any: generated::models::AnyAuthenticationMethod = method.clone().into();
    assert_eq!(
        any,
        generated::models::AnyAuthenticationMethod::QrCodePinAuthenticationMethod(Box::new(method))
    );
}
