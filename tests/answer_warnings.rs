//! The warning a value that does not fit gives, against a real HTTP server on
//! 127.0.0.1. A binary of its own: tracing decides once, for every thread,
//! whether a warning is wanted, so another test's thread without a subscriber
//! could switch it off here.

use generated::StaticToken;
use graphgen_suite::{capture_log, local_client};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_misfit_is_a_warning_naming_its_place_never_its_value() {
    let (log, _guard) = capture_log(tracing::Level::WARN);

    let body = json!({"value": [
        {"@odata.type": "#microsoft.graph.emailAuthenticationMethod", "id": "e1"},
        {"@odata.type": "#microsoft.graph.phoneAuthenticationMethod", "id": "p1"},
        {"@odata.type": "#microsoft.graph.phoneAuthenticationMethod", "id": "p2", "createdDateTime": "datetime-value"}
    ]});
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_raw(body.to_string(), "application/json"))
        .mount(&server)
        .await;
    let client = local_client(&server.uri(), StaticToken::new("token")).build().unwrap();
    client
        .users()
        .by_user_id("adele@contoso.com")
        .authentication()
        .methods()
        .get()
        .await
        .unwrap();

    let log = log.text();
    assert_eq!(log.matches("WARN").count(), 1, "{log}");
    assert!(log.contains("path=value[2].createdDateTime"), "{log}");
    assert!(
        log.contains("expected=\"a date-time\"") && log.contains("found=\"a string\""),
        "{log}"
    );
    // The value itself is not logged: it may be personal data.
    assert!(!log.contains("datetime-value"), "{log}");
}
