//! The rest of the endpoint family against the local Graph on 127.0.0.1:
//! request bodies (PATCH with explicit nulls, PUT), DELETE with If-Match, the
//! updatePin action (204), and the polymorphic, paged list of methods.

use chrono::{DateTime, Utc};
use generated::models::{
    AnyAuthenticationMethod, AuthenticationPhoneType, QrCode, QrCodePinAuthenticationMethod, QrPin,
    UsersAuthenticationQrCodePinMethodPinUpdatePinRequestBody as UpdatePin,
};
use generated::runtime::patch::Patch;
use generated::runtime::secret::Secret;
use generated::runtime::testing::{Recorded, Reply};
use generated::TestGraph;
use graphgen_suite::adele_methods;
use reqwest::Method;

/// Below Adele's authentication, answered by whatever the test registers.
const BASE: &str = "/users/{id}/authentication";

fn only_request(graph: &TestGraph) -> Recorded {
    let mut requests = graph.requests();
    assert_eq!(requests.len(), 1);
    requests.remove(0)
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

#[tokio::test]
async fn patch_sends_what_is_set_and_the_nulls_asked_for() {
    let graph = TestGraph::start().await;
    let created = serde_json::json!({"id": "q1", "expireDateTime": "2027-02-01T00:00:00Z", "image": {"binaryValue": "iVBORw0KGgo=", "errorCorrectionLevel": "m", "version": 4}});
    graph
        .route(Method::PATCH, &format!("{BASE}/qrCodePinMethod/temporaryQRCode"))
        .raw(201, "application/json", created.to_string());

    let update = QrCode {
        expire_date_time: Some(at("2027-02-01T00:00:00Z")),
        ..Default::default()
    };
    let qr = graph
        .client()
        .users()
        .by_user_id("adele@contoso.com")
        .authentication()
        .qr_code_pin_method()
        .temporary_qr_code()
        .patch(Patch::new(update).null("startDateTime"))
        .await
        .unwrap();
    assert_eq!(qr.image.unwrap().binary_value.unwrap().0, b"\x89PNG\r\n\x1a\n");

    let request = only_request(&graph);
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.json(),
        serde_json::json!({
            "@odata.type": "#microsoft.graph.qrCode",
            "expireDateTime": "2027-02-01T00:00:00Z",
            "startDateTime": null
        }),
        "unset fields are left out; startDateTime is cleared; the type says what is changed"
    );
}

#[tokio::test]
async fn put_creates_the_method_and_the_pin_comes_back_once() {
    let graph = TestGraph::start().await;
    let created = serde_json::json!({
        "@odata.type": "#microsoft.graph.qrCodePinAuthenticationMethod",
        "id": "m1",
        "pin": {"code": "73914026", "forceChangePinNextSignIn": true}
    });
    graph
        .route(Method::PUT, &format!("{BASE}/qrCodePinMethod"))
        .raw(201, "application/json", created.to_string());
    let request_body = QrCodePinAuthenticationMethod {
        standard_qr_code: Some(QrCode {
            expire_date_time: Some(at("2027-01-27T12:00:00Z")),
            ..Default::default()
        }),
        pin: Some(QrPin {
            code: Some(Secret::new("73914026")),
            ..Default::default()
        }),
        ..Default::default()
    };
    let method_ = graph
        .client()
        .users()
        .by_user_id("adele@contoso.com")
        .authentication()
        .qr_code_pin_method()
        .put(&request_body)
        .await
        .unwrap();
    let pin = method_.pin.unwrap();
    assert_eq!(pin.code.as_ref().map(Secret::expose), Some("73914026"));
    assert!(!format!("{pin:?}").contains("73914026"));
    let sent = only_request(&graph).json();
    assert_eq!(sent["pin"]["code"], "73914026");
    assert_eq!(sent["standardQRCode"]["expireDateTime"], "2027-01-27T12:00:00Z");
    // Built with `Default`, the body still says what it is, as Microsoft's
    // SDKs' constructors do: Graph needs it to know what to create. Values
    // inside it are sent as they are.
    assert_eq!(sent["@odata.type"], "#microsoft.graph.qrCodePinAuthenticationMethod");
    assert!(sent["standardQRCode"].get("@odata.type").is_none());
}

/// A derived type in a polymorphic collection's union writes its own type,
/// unless another is set; what was read keeps what came.
#[test]
fn derived_types_write_their_own_odata_type() {
    let email = AnyAuthenticationMethod::EmailAuthenticationMethod(Box::default());
    assert_eq!(
        serde_json::to_value(&email).unwrap()["@odata.type"],
        "#microsoft.graph.emailAuthenticationMethod"
    );
    let set = QrCodePinAuthenticationMethod {
        odata_type: Some("#microsoft.graph.somethingNewer".to_owned()),
        ..Default::default()
    };
    assert_eq!(
        serde_json::to_value(&set).unwrap()["@odata.type"],
        "#microsoft.graph.somethingNewer"
    );
    // Read and written back, a value keeps what came.
    let read: QrCodePinAuthenticationMethod = serde_json::from_value(serde_json::json!({"id": "m1"})).unwrap();
    assert_eq!(read.odata_type, None);
    assert_eq!(serde_json::to_value(&read).unwrap(), serde_json::json!({"id": "m1"}));
}

#[tokio::test]
async fn delete_sends_if_match_and_reads_204() {
    let graph = TestGraph::start().await;
    graph
        .route(Method::DELETE, &format!("{BASE}/qrCodePinMethod"))
        .no_content();
    let client = graph.client();
    let builder = client
        .users()
        .by_user_id("adele@contoso.com")
        .authentication()
        .qr_code_pin_method();
    builder.delete().if_match("W/\"etag-1\"").await.unwrap();
    let request = only_request(&graph);
    assert_eq!(request.header("if-match"), Some("W/\"etag-1\""));
    assert!(request.body.is_empty());
    assert!(request.header("content-type").is_none());

    // Without it, no If-Match is sent.
    builder.delete().await.unwrap();
    assert!(graph.requests()[1].header("if-match").is_none());
}

#[tokio::test]
async fn update_pin_posts_both_pins_and_returns_no_content() {
    let graph = TestGraph::start().await;
    graph
        .route(
            Method::POST,
            &format!("{BASE}/qrCodePinMethod/pin/microsoft.graph.updatePin"),
        )
        .no_content();
    let body = UpdatePin {
        current_pin: Some(Secret::new("11112222")),
        new_pin: Some(Secret::new("33334444")),
        ..Default::default()
    };
    assert!(!format!("{body:?}").contains("1111") && !format!("{body:?}").contains("3333"));
    let done: () = graph
        .client()
        .users()
        .by_user_id("adele@contoso.com")
        .authentication()
        .qr_code_pin_method()
        .pin()
        .update_pin()
        .post(&body)
        .await
        .unwrap();
    assert_eq!(done, ());
    let sent = only_request(&graph).json();
    assert_eq!(
        sent,
        serde_json::json!({"currentPin": "11112222", "newPin": "33334444"})
    );
}

#[tokio::test]
async fn the_methods_list_follows_three_pages_of_mixed_subtypes() {
    use futures_util::StreamExt;

    let graph = TestGraph::start().await;
    let next = format!(
        "{}/users/adele%40contoso.com/authentication/methods",
        graph.service_root()
    );
    // Three pages as Graph sends them, raw: the tokens are Graph's to choose.
    graph
        .route(Method::GET, &format!("{BASE}/methods"))
        .answer_by(move |request| {
            let (items, next) = match request.query("$skiptoken") {
                None => (
                    serde_json::json!([
                        {"@odata.type": "#microsoft.graph.emailAuthenticationMethod", "id": "e1", "emailAddress": "adele@fabrikam.com"},
                        {"@odata.type": "#microsoft.graph.qrCodePinAuthenticationMethod", "id": "q1", "pin": {"code": null}}
                    ]),
                    Some(format!("{next}?$skiptoken=page2")),
                ),
                Some("page2") => (
                    serde_json::json!([
                        {"@odata.type": "#microsoft.graph.phoneAuthenticationMethod", "id": "p1", "phoneNumber": "+1 5555551234", "phoneType": "mobile"},
                        {"@odata.type": "#microsoft.graph.fido2AuthenticationMethod", "id": "f1", "model": "Key 5"}
                    ]),
                    Some(format!("{next}?$skiptoken=page3")),
                ),
                Some(_) => (
                    serde_json::json!([{"id": "base-without-type"}, {"@odata.type": "#microsoft.graph.passwordAuthenticationMethod", "id": "pw"}]),
                    None,
                ),
            };
            let mut body = serde_json::json!({"value": items});
            if let Some(next) = next {
                body["@odata.nextLink"] = next.into();
            }
            Reply::json(200, &body)
        });
    let client = graph.client();

    let call = || adele_methods(&client).top(2);

    let first = call().await.unwrap();
    assert_eq!(first.value.as_ref().unwrap().len(), 2);
    assert!(first.odata_next_link.is_some());

    let all = call().collect_all().await.unwrap();
    assert_eq!(all.len(), 6);
    match &all[0] {
        AnyAuthenticationMethod::EmailAuthenticationMethod(email) => {
            assert_eq!(email.email_address.as_deref(), Some("adele@fabrikam.com"))
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(&all[1], AnyAuthenticationMethod::QrCodePinAuthenticationMethod(qr) if qr.pin.as_ref().unwrap().code.is_none())
    );
    match &all[2] {
        AnyAuthenticationMethod::PhoneAuthenticationMethod(phone) => {
            assert_eq!(phone.phone_type, Some(AuthenticationPhoneType::Mobile))
        }
        other => panic!("{other:?}"),
    }
    match &all[3] {
        AnyAuthenticationMethod::Unrecognized(raw) => {
            assert_eq!(raw["model"], "Key 5", "an unknown type keeps its JSON")
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(&all[4], AnyAuthenticationMethod::AuthenticationMethod(base) if base.id.as_deref() == Some("base-without-type"))
    );
    assert!(matches!(
        &all[5],
        AnyAuthenticationMethod::PasswordAuthenticationMethod(_)
    ));

    // Re-serializing keeps the @odata.type of each, and the unknown one as it was.
    let written = serde_json::to_value(&all).unwrap();
    assert_eq!(written[0]["@odata.type"], "#microsoft.graph.emailAuthenticationMethod");
    assert_eq!(
        written[3],
        serde_json::json!({"@odata.type": "#microsoft.graph.fido2AuthenticationMethod", "id": "f1", "model": "Key 5"})
    );

    let pages: Vec<_> = call().pages().collect().await;
    assert_eq!(pages.len(), 3);
    let requests = graph.requests();
    // 1 first page alone, 3 for collect_all, 3 for pages().
    assert_eq!(requests.len(), 7);
    assert!(requests.iter().all(|request| request.authorized));
    assert_eq!(requests[0].raw_query, "$top=2");
}

#[tokio::test]
async fn query_options_are_encoded_and_joined() {
    let graph = TestGraph::start().await;
    graph
        .route(Method::GET, &format!("{BASE}/methods"))
        .answer(serde_json::json!({"value": [], "@odata.count": 0}));
    let page = graph
        .client()
        .users()
        .by_user_id("adele@contoso.com")
        .authentication()
        .methods()
        .get()
        .filter("id eq 'a&b=c' or id eq '#1+2'")
        .count(true)
        .select(["id", "createdDateTime"])
        .await
        .unwrap();
    assert_eq!(page.odata_count, Some(0));
    let request = only_request(&graph);
    assert_eq!(
        request.raw_query,
        "$filter=id%20eq%20%27a%26b%3Dc%27%20or%20id%20eq%20%27%231%2B2%27&$count=true&$select=id%2CcreatedDateTime"
    );
}
