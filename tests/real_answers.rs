//! What Graph really sends, against the local Graph on 127.0.0.1: values
//! the descriptions do not foresee are read, and one that still does not fit
//! its type never costs the rest of the answer.

use generated::models::AnyAuthenticationMethod;
use generated::{Error, GraphClient, TestGraph};
use graphgen_suite::adele_methods;
use serde_json::{json, Value};

async fn serve(body: Value) -> TestGraph {
    serve_raw(body.to_string()).await
}

/// A graph answering the authentication methods of any user with `body`, as it is.
async fn serve_raw(body: String) -> TestGraph {
    let graph = TestGraph::start().await;
    graph
        .route(reqwest::Method::GET, "/users/{id}/authentication/methods")
        .raw(200, "application/json", body);
    graph
}

fn client(graph: &TestGraph, strict: bool) -> GraphClient {
    graph.client_builder().strict(strict).build().unwrap()
}

/// A page as Graph sends it: an Int64 as a string (`IEEE754Compatible=true`),
/// `@odata.type` without its `#`, a date-time without a zone, base64 in the
/// standard alphabet, a number as a string, and one date-time that is not one.
fn page() -> Value {
    json!({
        "@odata.count": "3",
        "value": [
            {
                "@odata.type": "microsoft.graph.emailAuthenticationMethod",
                "id": "e1",
                "emailAddress": "adele@contoso.com",
                "createdDateTime": "2020-02-04T07:00:00.0000000"
            },
            {
                "@odata.type": "#microsoft.graph.qrCodePinAuthenticationMethod",
                "id": "q1",
                "standardQRCode": {
                    "id": "c1",
                    "image": {"binaryValue": "+/8=", "version": "4"},
                    "startDateTime": "2019-09-27T01:01:04.566"
                }
            },
            {
                "@odata.type": "#microsoft.graph.phoneAuthenticationMethod",
                "id": "p1",
                "phoneType": "mobile",
                "createdDateTime": "datetime-value"
            }
        ]
    })
}

#[tokio::test]
async fn what_graph_sends_is_read_and_a_misfit_is_kept_where_it_was() {
    let graph = serve(page()).await;
    let page = adele_methods(&client(&graph, false)).await.unwrap();
    assert_eq!(page.odata_count, Some(3));
    let items = page.value.unwrap();

    let AnyAuthenticationMethod::EmailAuthenticationMethod(email) = &items[0] else {
        panic!("{:?}", items[0])
    };
    assert_eq!(
        email.created_date_time.unwrap().to_rfc3339(),
        "2020-02-04T07:00:00+00:00"
    );
    assert!(email.additional_properties.is_empty());

    let AnyAuthenticationMethod::QrCodePinAuthenticationMethod(qr) = &items[1] else {
        panic!("{:?}", items[1])
    };
    let code = qr.standard_qr_code.as_ref().unwrap();
    let image = code.image.as_ref().unwrap();
    assert_eq!(image.binary_value.as_ref().unwrap().0, [0xfb, 0xff]);
    assert_eq!(image.version, Some(4));
    assert_eq!(code.start_date_time.unwrap().timestamp_subsec_millis(), 566);

    // The date-time that is not one: its field is empty, the value is kept
    // under its name, and written back as it came.
    let AnyAuthenticationMethod::PhoneAuthenticationMethod(phone) = &items[2] else {
        panic!("{:?}", items[2])
    };
    assert_eq!(phone.created_date_time, None);
    assert_eq!(phone.additional_properties["createdDateTime"], "datetime-value");
    assert!(phone.phone_type.is_some());
    let written = serde_json::to_value(&items[2]).unwrap();
    assert_eq!(written, self::page()["value"][2]);
}

#[tokio::test]
async fn strict_mode_refuses_a_misfit_and_names_where_it_is() {
    let graph = serve(page()).await;
    let error = adele_methods(&client(&graph, true)).await.unwrap_err();
    let Error::Decode { status, path, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!((*status, path.as_str()), (200, "value[2].createdDateTime"));
    assert!(
        error.to_string().contains("expected a date-time, found a string"),
        "{error}"
    );

    // Per call, either way.
    assert!(adele_methods(&client(&graph, true)).strict(false).await.is_ok());
    let error = adele_methods(&client(&graph, false)).strict(true).await.unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
}

#[tokio::test]
async fn a_wrong_shape_or_broken_json_is_an_error_that_says_where() {
    // A list where the page should be: nowhere to keep it.
    let graph = serve(json!([1, 2])).await;
    let error = adele_methods(&client(&graph, false)).await.unwrap_err();
    let Error::Decode { path, .. } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(path, ".");
    assert!(
        error.to_string().contains("expected an object, found a list"),
        "{error}"
    );

    // Broken JSON deep in a large answer: the path to it, and only the start of the body.
    let mut body = page();
    body["value"][0]["emailAddress"] = json!("x".repeat(10_000));
    let text = body
        .to_string()
        .replace("\"phoneType\":\"mobile\"", "\"phoneType\":mobile");
    let graph = serve_raw(text).await;
    let error = adele_methods(&client(&graph, false)).await.unwrap_err();
    let Error::Decode {
        status,
        path,
        body_start,
        ..
    } = &error
    else {
        panic!("{error:?}")
    };
    assert_eq!((*status, path.as_str()), (200, "value[2].phoneType"));
    assert!(body_start.chars().count() <= 201, "{}", body_start.len());
}

#[tokio::test]
async fn an_object_of_a_kind_no_description_knows_is_kept_whole() {
    let mut body = page();
    body["value"][1] = json!({"@odata.type": "#microsoft.graph.fido2AuthenticationMethod", "model": "Key"});
    body["value"][2] = json!("not an object");
    let graph = serve(body.clone()).await;
    let page = adele_methods(&client(&graph, false)).await.unwrap();
    // The list held a value that is no method at all: it is kept whole, as received.
    assert_eq!(page.value, None);
    assert_eq!(page.additional_properties["value"][1], body["value"][1]);
    assert_eq!(page.additional_properties["value"][2], "not an object");
}
