//! The client's runtime policy against a real HTTP server on 127.0.0.1 that
//! misbehaves on purpose: throttling, outages, redirects, dropped and silent
//! connections, bodies that are not what they should be, failing tokens.
//! Every test counts the requests the server received.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use generated::models::QrCodePinAuthenticationMethod;
use generated::runtime::answer::GraphResponse;
use generated::runtime::auth::{AccessToken, BoxFuture, TokenError};
use generated::runtime::retry::RetryPolicy;
use generated::{Error, GraphClient, StaticToken, TokenSource};
use graphgen_suite::seed_example;
use graphgen_suite::{capture_log, local_client};
use tokio::io::AsyncReadExt;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "network-token-c2VjcmV0";
const UPN: &str = "adele@contoso.com";

fn seed() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(seed_example().to_string(), "application/json")
}

fn status(code: u16) -> ResponseTemplate {
    let body = serde_json::json!({"error": {"code": format!("code{code}"), "message": format!("status {code}")}});
    ResponseTemplate::new(code)
        .insert_header("request-id", format!("request-{code}").as_str())
        .set_body_raw(body.to_string(), "application/json")
}

/// Answers with `first` for the first `times` requests, then with `then`.
async fn serve(first: ResponseTemplate, times: u64, then: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(first)
        .up_to_n_times(times)
        .mount(&server)
        .await;
    Mock::given(any()).respond_with(then).mount(&server).await;
    server
}

/// Answers every request with `template`.
async fn always(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(template).mount(&server).await;
    server
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().base_delay(Duration::from_millis(10))
}

fn client_for(base: &str, tokens: impl TokenSource + 'static) -> GraphClient {
    local_client(base, tokens).build().unwrap()
}

fn client(server: &MockServer) -> GraphClient {
    client_for(&server.uri(), StaticToken::new(TOKEN))
}

async fn get(client: &GraphClient) -> Result<GraphResponse<QrCodePinAuthenticationMethod>, Error> {
    client
        .users()
        .by_user_id(UPN)
        .authentication()
        .qr_code_pin_method()
        .get()
        .send_with_response()
        .await
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|value| value.to_str().ok())
}

fn assert_no_token(error: &Error) {
    for text in [error.to_string(), format!("{error:?}")] {
        assert!(!text.contains(TOKEN), "the token leaked: {text}");
    }
}

#[tokio::test]
async fn throttled_twice_with_retry_after_then_success() {
    let server = serve(status(429).insert_header("Retry-After", "1"), 2, seed()).await;
    let started = Instant::now();
    let response = get(&client(&server)).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "Retry-After: 1 was honoured twice"
    );
    assert_eq!(response.attempts, 3);
    assert_eq!(
        response.value.id.as_deref(),
        Some("6C2F8B36-B6F0-46FA-9548-1EBA48BEBBDE")
    );

    let requests = requests(&server).await;
    assert_eq!(requests.len(), 3);
    let attempts: Vec<Option<&str>> = requests
        .iter()
        .map(|request| header(request, "retry-attempt"))
        .collect();
    assert_eq!(attempts, [None, Some("1"), Some("2")]);
    let ids: Vec<&str> = requests
        .iter()
        .map(|request| header(request, "client-request-id").unwrap())
        .collect();
    assert!(
        ids.iter().all(|id| *id == response.client_request_id),
        "one id for every attempt of a call"
    );
    assert!(
        uuid::Uuid::parse_str(ids[0]).is_ok_and(|id| id.get_version_num() == 4),
        "{}",
        ids[0]
    );
}

#[tokio::test]
async fn a_throttling_storm_ends_after_the_retries_with_the_typed_error() {
    let server = always(status(429).insert_header("Retry-After", "0")).await;
    let error = get(&client(&server)).await.unwrap_err();
    assert_eq!(requests(&server).await.len(), 4, "one request and three retries");
    let graph = error.as_graph().unwrap();
    assert_eq!((graph.status, graph.code.as_deref()), (429, Some("code429")));
    assert_no_token(&error);
}

#[tokio::test]
async fn unavailable_once_then_success_with_backoff() {
    let server = serve(status(503), 1, seed()).await;
    let response = get(&client(&server)).await.unwrap();
    assert_eq!((response.attempts, requests(&server).await.len()), (2, 2));
}

#[tokio::test]
async fn gateway_timeout_is_retried_but_500_and_403_are_not() {
    let server = serve(status(504), 1, seed()).await;
    assert_eq!(get(&client(&server)).await.unwrap().attempts, 2);

    for code in [500, 403, 404, 400] {
        let server = always(status(code)).await;
        let error = get(&client(&server)).await.unwrap_err();
        assert_eq!(requests(&server).await.len(), 1, "{code} is returned at once");
        let graph = error.as_graph().unwrap();
        assert_eq!(graph.status, code);
        assert_eq!(graph.code.as_deref(), Some(format!("code{code}").as_str()));
        assert_eq!(graph.request_id.as_deref(), Some(format!("request-{code}").as_str()));
    }
}

#[tokio::test]
async fn retries_can_be_turned_off_per_client_and_per_request() {
    let server = always(status(429).insert_header("Retry-After", "0")).await;
    let call = client(&server)
        .users()
        .by_user_id(UPN)
        .authentication()
        .qr_code_pin_method()
        .get();
    assert!(call.retry(RetryPolicy::none()).await.is_err());
    assert_eq!(requests(&server).await.len(), 1);

    let no_retries = GraphClient::builder(StaticToken::new(TOKEN))
        .base_url(format!("{}/v1.0", server.uri()))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    assert!(get(&no_retries).await.is_err());
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_total_delay_cap_is_not_waited_for() {
    let server = always(status(429).insert_header("Retry-After", "3600")).await;
    let capped = fast_retries().max_total_delay(Duration::from_secs(1));
    let call = client(&server)
        .users()
        .by_user_id(UPN)
        .authentication()
        .qr_code_pin_method()
        .get();
    // Not waited for, and not retried: the 429 comes back as it is.
    let error = call.retry(capped).await.unwrap_err();
    assert_eq!(error.status(), Some(429));
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn every_request_names_its_sdk_and_carries_a_fresh_client_request_id() {
    let server = always(seed()).await;
    let client = client(&server);
    let first = get(&client).await.unwrap();
    let second = get(&client).await.unwrap();
    assert_ne!(first.client_request_id, second.client_request_id);
    for request in requests(&server).await {
        assert_eq!(header(&request, "sdkversion"), Some("graphgen-rust/0.1.0"));
        assert_eq!(header(&request, "user-agent"), Some("graphgen-rust/0.1.0"));
        assert_eq!(header(&request, "accept"), Some("application/json"));
        assert!(header(&request, "retry-attempt").is_none());
    }
}

#[tokio::test]
async fn successful_responses_expose_request_id_and_date() {
    let server = always(
        seed()
            .insert_header("request-id", "rid-1")
            .insert_header("date", "Thu, 26 Nov 2026 10:00:00 GMT"),
    )
    .await;
    let response = get(&client(&server)).await.unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(response.request_id.as_deref(), Some("rid-1"));
    assert_eq!(response.date.as_deref(), Some("Thu, 26 Nov 2026 10:00:00 GMT"));
    assert_eq!(response.attempts, 1);
}

#[tokio::test]
async fn a_redirect_to_another_port_is_followed_without_the_token() {
    let target = always(seed()).await;
    let location = format!("{}/v1.0/elsewhere", target.uri());
    let origin = always(ResponseTemplate::new(307).insert_header("Location", location.as_str())).await;
    let response = get(&client(&origin)).await.unwrap();
    assert_eq!(
        response.value.id.as_deref(),
        Some("6C2F8B36-B6F0-46FA-9548-1EBA48BEBBDE")
    );

    let at_origin = requests(&origin).await;
    let at_target = requests(&target).await;
    assert_eq!((at_origin.len(), at_target.len()), (1, 1));
    assert_eq!(
        header(&at_origin[0], "authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(
        header(&at_target[0], "authorization"),
        None,
        "the token must not cross origins"
    );
    assert_eq!(at_target[0].url.path(), "/v1.0/elsewhere");
    assert_eq!(
        header(&at_target[0], "client-request-id"),
        Some(response.client_request_id.as_str())
    );
}

#[tokio::test]
async fn a_redirect_on_the_same_origin_keeps_the_token_and_loops_are_bounded() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::path("/v1.0/moved"))
        .respond_with(seed())
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(308).insert_header("Location", "/v1.0/moved"))
        .mount(&server)
        .await;
    get(&client(&server)).await.unwrap();
    let requests = requests(&server).await;
    assert_eq!(requests.len(), 2);
    assert!(requests
        .iter()
        .all(|request| header(request, "authorization").is_some()));

    let looping = server_answering_redirect_to_itself().await;
    match get(&client(&looping)).await {
        Err(Error::TooManyRedirects { limit: 5 }) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(requests_of(&looping).await, 6, "the first request and five redirects");
}

async fn server_answering_redirect_to_itself() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(302).insert_header("Location", "/v1.0/again"))
        .mount(&server)
        .await;
    server
}

async fn requests_of(server: &MockServer) -> usize {
    requests(server).await.len()
}

/// A raw listener that reads each request and then does `behaviour` with the
/// connection; returns its base URL and the number of connections accepted.
async fn raw_server(close_at_once: bool) -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((mut socket, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            let mut buffer = [0u8; 4096];
            let _ = socket.read(&mut buffer).await;
            if !close_at_once {
                // Hold the connection open and never answer.
                open.push(socket);
            }
        }
    });
    (base, accepted)
}

#[tokio::test]
async fn a_connection_closed_without_an_answer_is_a_transport_error() {
    let (base, accepted) = raw_server(true).await;
    let error = get(&client_for(&base, StaticToken::new(TOKEN))).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert!(!error.to_string().contains("adele"), "no user id in errors: {error}");
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
    assert_no_token(&error);
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let (base, accepted) = raw_server(false).await;
    let client = GraphClient::builder(StaticToken::new(TOKEN))
        .base_url(format!("{base}/v1.0"))
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let call = client
        .users()
        .by_user_id(UPN)
        .authentication()
        .qr_code_pin_method()
        .get();
    match call.timeout(Duration::from_millis(300)).await {
        Err(Error::Timeout { after }) => assert_eq!(after, Duration::from_millis(300)),
        other => panic!("{other:?}"),
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 1, "a timeout is not retried");
}

#[tokio::test]
async fn a_success_that_is_not_json_is_a_typed_error() {
    let server = always(ResponseTemplate::new(200).set_body_raw("<html>login</html>", "text/html")).await;
    match get(&client(&server)).await {
        Err(Error::UnexpectedContentType {
            status,
            content_type,
            body_start,
        }) => {
            assert_eq!(
                (status, content_type.as_str(), body_start.as_str()),
                (200, "text/html", generated::runtime::error::WITHHELD)
            );
        }
        other => panic!("{other:?}"),
    }
    let server = always(ResponseTemplate::new(200).set_body_raw("{\"id\": ", "application/json")).await;
    assert!(matches!(
        get(&client(&server)).await,
        Err(Error::Decode { status: 200, .. })
    ));
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused() {
    let big = serde_json::json!({"id": "x".repeat(4096)}).to_string();
    let server = always(ResponseTemplate::new(200).set_body_raw(big, "application/json")).await;
    let client = GraphClient::builder(StaticToken::new(TOKEN))
        .base_url(format!("{}/v1.0", server.uri()))
        .max_response_bytes(1024)
        .build()
        .unwrap();
    match get(&client).await {
        Err(Error::BodyTooLarge {
            status: 200,
            limit: 1024,
        }) => {}
        other => panic!("{other:?}"),
    }
}

/// Hands out `token-1`, `token-2`, ... or fails, counting the calls.
struct CountingTokens {
    calls: AtomicUsize,
    fail: bool,
}

impl TokenSource for CountingTokens {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, TokenError>> {
        let call = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        let fail = self.fail;
        Box::pin(async move {
            if fail {
                Err(TokenError::new("the credential expired and could not be refreshed"))
            } else {
                Ok(AccessToken::new(format!("token-{call}")))
            }
        })
    }
}

#[tokio::test]
async fn a_failing_token_source_sends_nothing() {
    let server = always(seed()).await;
    let tokens = CountingTokens {
        calls: AtomicUsize::new(0),
        fail: true,
    };
    let error = get(&client_for(&server.uri(), tokens)).await.unwrap_err();
    assert!(matches!(error, Error::Token(_)), "{error:?}");
    assert!(error.to_string().contains("could not be refreshed"), "{error}");
    assert!(requests(&server).await.is_empty());
}

#[tokio::test]
async fn a_retry_asks_for_a_fresh_token() {
    let server = serve(status(503).insert_header("Retry-After", "0"), 1, seed()).await;
    let tokens = CountingTokens {
        calls: AtomicUsize::new(0),
        fail: false,
    };
    get(&client_for(&server.uri(), tokens)).await.unwrap();
    let sent: Vec<Option<String>> = requests(&server)
        .await
        .iter()
        .map(|request| header(request, "authorization").map(str::to_owned))
        .collect();
    assert_eq!(
        sent,
        [Some("Bearer token-1".to_owned()), Some("Bearer token-2".to_owned())]
    );
}

#[test]
fn plain_http_is_refused_except_on_loopback_or_when_allowed() {
    let build = |url: &str| GraphClient::builder(StaticToken::new(TOKEN)).base_url(url).build();
    assert!(matches!(
        build("http://graph.contoso.com/v1.0"),
        Err(Error::InvalidBaseUrl(_))
    ));
    for loopback in [
        "http://127.0.0.1:1/v1.0",
        "http://127.1.2.3/v1.0",
        "http://[::1]:8/v1.0",
        "http://localhost/v1.0",
    ] {
        assert!(build(loopback).is_ok(), "{loopback}");
    }
    let allowed = GraphClient::builder(StaticToken::new(TOKEN))
        .base_url("http://graph.contoso.com/v1.0")
        .allow_insecure_http()
        .build();
    assert!(allowed.is_ok());
}

#[tokio::test]
async fn tracing_names_the_path_template_never_the_user() {
    let (log, _guard) = capture_log(tracing::Level::DEBUG);

    let server = serve(status(429).insert_header("Retry-After", "0"), 1, seed()).await;
    get(&client(&server)).await.unwrap();
    let log = log.text();
    assert!(log.contains("graph_request"), "{log}");
    assert!(
        log.contains("path=\"/users/{user-id}/authentication/qrCodePinMethod\""),
        "{log}"
    );
    assert!(
        log.contains("method=GET") && log.contains("status=200") && log.contains("attempts=2"),
        "{log}"
    );
    assert!(log.contains("duration_ms="), "{log}");
    assert!(log.contains("retrying"), "{log}");
    assert!(
        !log.contains("adele") && !log.contains("contoso"),
        "personal data in the log: {log}"
    );
    assert!(!log.contains(TOKEN), "{log}");
}
