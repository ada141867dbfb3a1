//! What a hostile server can send, against a real HTTP server on 127.0.0.1:
//! waits no clock can hold, and answers that must not leak the secrets they
//! carry into an error's `Display` or `Debug`.

use generated::runtime::error::WITHHELD;
use generated::runtime::path::RequestPath;
use generated::{Error, GraphClient, StaticToken};
use graphgen_suite::hostile::{HostileServer, Reply};
use graphgen_suite::local_client;
use graphgen_suite::seed_example;
use reqwest::Method;
use serde_json::{json, Value};

/// A PIN no error may show.
const PIN: &str = "80524937";

fn client(server: &HostileServer, strict: bool) -> GraphClient {
    local_client(&server.base, StaticToken::new("token"))
        .strict(strict)
        .build()
        .unwrap()
}

/// The seed example with a PIN that the server should never have sent.
fn with_pin() -> Value {
    let mut body = seed_example();
    body["pin"]["code"] = json!(PIN);
    body
}

/// `Retry-After: 1`, then a wait of `u64::MAX` seconds, then success.
fn throttled_then_forever() -> impl Fn(&generated_answers::Count) -> Reply {
    |count| match count.next() {
        0 => Reply::json(429, &json!({"error": {"code": "TooManyRequests", "message": "wait"}}))
            .with_header("Retry-After", "1"),
        1 => Reply::json(429, &json!({"error": {"code": "TooManyRequests", "message": "wait"}}))
            .with_header("Retry-After", "18446744073709551615"),
        _ => Reply::json(200, &seed_example()),
    }
}

mod generated_answers {
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// How many requests came before this one.
    #[derive(Default)]
    pub struct Count(AtomicUsize);

    impl Count {
        pub fn next(&self) -> usize {
            self.0.fetch_add(1, Ordering::SeqCst)
        }
    }
}

#[tokio::test]
async fn a_retry_after_no_clock_can_hold_ends_the_retries_without_a_panic() {
    let count = generated_answers::Count::default();
    let answer = throttled_then_forever();
    let server = HostileServer::start(move |_| answer(&count)).await;
    let error = get_pin_method(&server, false).await;
    assert_eq!(error.status(), Some(429), "the last answer stands: {error}");
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn a_batch_item_told_to_wait_forever_keeps_its_answer_without_a_panic() {
    let count = generated_answers::Count::default();
    let server = HostileServer::start(move |request| {
        let call = &request.json()["requests"][0];
        let seconds = match count.next() {
            0 => "1",
            _ => "18446744073709551615",
        };
        Reply::json(
            200,
            &json!({"responses": [{"id": call["id"], "status": 429, "headers": {"Retry-After": seconds},
                "body": {"error": {"code": "TooManyRequests", "message": "wait"}}}]}),
        )
    })
    .await;
    let client = client(&server, false);
    let mut batch = client.batch();
    let item = batch.add(
        client
            .users()
            .by_user_id("adele")
            .authentication()
            .qr_code_pin_method()
            .get(),
    );
    let mut answers = batch.send().await;
    let error = answers.take(item).unwrap_err();
    assert_eq!(error.status(), Some(429), "{error}");
    assert_eq!(server.received().len(), 2);
}

/// Asserts that neither `Display` nor `Debug` of `error` shows the PIN, and
/// that the body was withheld.
fn assert_withheld(error: &Error) {
    for shown in [error.to_string(), format!("{error:?}")] {
        assert!(!shown.contains(PIN), "the PIN leaked: {shown}");
        assert!(shown.contains(WITHHELD), "{shown}");
    }
}

async fn get_pin_method(server: &HostileServer, strict: bool) -> Error {
    client(server, strict)
        .users()
        .by_user_id("adele")
        .authentication()
        .qr_code_pin_method()
        .get()
        .await
        .unwrap_err()
}

#[tokio::test]
async fn an_answer_holding_a_secret_that_does_not_decode_is_not_shown_in_the_error() {
    // Strict mode and a date that is not one.
    let server = HostileServer::start(|_| {
        let mut body = with_pin();
        body["createdDateTime"] = json!("yesterday");
        Reply::json(200, &body)
    })
    .await;
    let error = get_pin_method(&server, true).await;
    assert!(
        matches!(error, Error::Decode { ref path, .. } if path == "createdDateTime"),
        "{error:?}"
    );
    assert_withheld(&error);

    // JSON that breaks off after the PIN.
    let server = HostileServer::start(|_| {
        let text = with_pin().to_string();
        let cut = text.find(PIN).unwrap() + PIN.len() + 1;
        Reply::raw(200, "application/json", &text.as_bytes()[..cut])
    })
    .await;
    let error = get_pin_method(&server, false).await;
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert_withheld(&error);

    // An HTML page that carries it.
    let server = HostileServer::start(|_| Reply::raw(200, "text/html", format!("<html>{}</html>", with_pin()))).await;
    let error = get_pin_method(&server, false).await;
    assert!(matches!(error, Error::UnexpectedContentType { .. }), "{error:?}");
    assert_withheld(&error);
}

#[tokio::test]
async fn an_answer_without_secrets_still_shows_its_start() {
    let server = HostileServer::start(|_| Reply::raw(200, "text/html", "<html>maintenance</html>")).await;
    let error = client(&server, false)
        .call::<Value>(Method::GET, RequestPath::root().segment("organization"))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::UnexpectedContentType { body_start, .. } if body_start == "<html>maintenance</html>"),
        "{error:?}"
    );
}
