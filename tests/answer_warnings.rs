//! The warning a value that does not fit gives, against a real HTTP server on
//! 127.0.0.1. A binary of its own: tracing decides once, for every thread,
//! whether a warning is wanted, so another test's thread without a subscriber
//! could switch it off here.

use std::sync::{Arc, Mutex};

use generated::{GraphClient, StaticToken};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_misfit_is_a_warning_naming_its_place_never_its_value() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

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
    let client = GraphClient::builder(StaticToken::new("token"))
        .base_url(format!("{}/v1.0", server.uri()))
        .build()
        .unwrap();
    client
        .users()
        .by_user_id("adele@contoso.com")
        .authentication()
        .methods()
        .get()
        .await
        .unwrap();

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert_eq!(log.matches("WARN").count(), 1, "{log}");
    assert!(log.contains("path=value[2].createdDateTime"), "{log}");
    assert!(
        log.contains("expected=\"a date-time\"") && log.contains("found=\"a string\""),
        "{log}"
    );
    // The value itself is not logged: it may be personal data.
    assert!(!log.contains("datetime-value"), "{log}");
}
