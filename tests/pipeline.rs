//! What every call goes through besides retries, against a real HTTP server
//! on 127.0.0.1: continuous access evaluation's claims challenges, gzip
//! answers, and the inspection hook.

use std::io::Write;
use std::sync::{Arc, Mutex};

use generated::runtime::auth::{AccessToken, BoxFuture, TokenError, TokenSource};
use generated::{GraphClient, StaticToken};
use graphgen_suite::hostile::{HostileServer, Reply};
use graphgen_suite::local_client;
use graphgen_suite::seed_example;

/// What Graph sends when a session is revoked (Microsoft's CAE documentation's example).
const CHALLENGE: &str = r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwgInZhbHVlIjoiMTYwNDEwNjY1MSJ9fX0=""#;
const CLAIMS: &str = r#"{"access_token":{"nbf":{"essential":true, "value":"1604106651"}}}"#;

/// A token source that can take claims: "old" normally, "fresh" for claims.
#[derive(Default)]
struct ClaimsTokens {
    claims: Mutex<Vec<String>>,
}

impl TokenSource for ClaimsTokens {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, TokenError>> {
        Box::pin(async { Ok(AccessToken::new("old")) })
    }

    fn token_with_claims(&self, claims: &str) -> Option<BoxFuture<'_, Result<AccessToken, TokenError>>> {
        self.claims.lock().unwrap().push(claims.to_owned());
        Some(Box::pin(async { Ok(AccessToken::new("fresh")) }))
    }
}

fn challenged() -> Reply {
    Reply::json(
        401,
        &serde_json::json!({ "error": { "code": "InvalidAuthenticationToken", "message": "Continuous access evaluation resulted in challenge" } }),
    )
    .with_header("WWW-Authenticate", CHALLENGE)
}

fn seed() -> Reply {
    Reply::json(200, &seed_example())
}

fn client(server: &HostileServer, tokens: impl TokenSource + 'static) -> GraphClient {
    local_client(&server.base, tokens).build().unwrap()
}

async fn get(
    client: &GraphClient,
) -> Result<generated::runtime::answer::GraphResponse<generated::models::QrCodePinAuthenticationMethod>, generated::Error>
{
    client
        .users()
        .by_user_id("adele")
        .authentication()
        .qr_code_pin_method()
        .get()
        .send_with_response()
        .await
}

#[tokio::test]
async fn a_claims_challenge_gets_a_token_with_those_claims_and_is_answered_once() {
    let server = HostileServer::start(|request| match request.header("authorization") {
        Some("Bearer fresh") => seed(),
        _ => challenged(),
    })
    .await;
    let tokens = Arc::new(ClaimsTokens::default());
    let response = get(&client(&server, SharedTokens(tokens.clone()))).await.unwrap();
    assert_eq!((response.status, response.attempts), (200, 2));
    assert_eq!(
        *tokens.claims.lock().unwrap(),
        [CLAIMS],
        "the claims, decoded from base64"
    );
    let sent: Vec<Option<String>> = server
        .received()
        .iter()
        .map(|request| request.header("authorization").map(str::to_owned))
        .collect();
    assert_eq!(sent, [Some("Bearer old".to_owned()), Some("Bearer fresh".to_owned())]);
}

#[tokio::test]
async fn a_challenge_that_repeats_is_the_graph_error_after_one_new_token() {
    let server = HostileServer::start(|_| challenged()).await;
    let tokens = Arc::new(ClaimsTokens::default());
    let error = get(&client(&server, SharedTokens(tokens.clone()))).await.unwrap_err();
    assert_eq!(error.status(), Some(401));
    assert_eq!(
        error.as_graph().unwrap().code.as_deref(),
        Some("InvalidAuthenticationToken")
    );
    assert_eq!(tokens.claims.lock().unwrap().len(), 1);
    assert_eq!(server.received().len(), 2);
}

#[tokio::test]
async fn a_token_source_that_cannot_take_claims_gets_the_401_as_before() {
    let server = HostileServer::start(|_| challenged()).await;
    let error = get(&client(&server, StaticToken::new("old"))).await.unwrap_err();
    assert_eq!(error.status(), Some(401));
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn a_401_without_a_claims_challenge_asks_for_no_claims() {
    let server = HostileServer::start(|_| {
        Reply::json(401, &serde_json::json!({ "error": { "code": "InvalidAuthenticationToken", "message": "Access token has expired." } }))
            .with_header("WWW-Authenticate", r#"Bearer realm="", error="invalid_token""#)
    })
    .await;
    let tokens = Arc::new(ClaimsTokens::default());
    assert_eq!(
        get(&client(&server, SharedTokens(tokens.clone())))
            .await
            .unwrap_err()
            .status(),
        Some(401)
    );
    assert!(tokens.claims.lock().unwrap().is_empty());
    assert_eq!(server.received().len(), 1);
}

/// Lets a test keep its token source to look at afterwards.
struct SharedTokens(Arc<ClaimsTokens>);

impl TokenSource for SharedTokens {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, TokenError>> {
        self.0.token()
    }

    fn token_with_claims(&self, claims: &str) -> Option<BoxFuture<'_, Result<AccessToken, TokenError>>> {
        self.0.token_with_claims(claims)
    }
}

#[tokio::test]
async fn gzip_answers_are_asked_for_and_read() {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(seed_example().to_string().as_bytes()).unwrap();
    let compressed = encoder.finish().unwrap();
    let server = HostileServer::start(move |_| Reply::Answer {
        status: 200,
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("content-encoding".into(), "gzip".into()),
        ],
        body: compressed.clone(),
    })
    .await;
    let response = get(&client(&server, StaticToken::new("token"))).await.unwrap();
    assert_eq!(
        serde_json::to_value(&response.value).unwrap()["standardQRCode"]["id"],
        seed_example()["standardQRCode"]["id"]
    );
    assert!(server.received()[0].header("accept-encoding").unwrap().contains("gzip"));
}

#[tokio::test]
async fn the_inspection_hook_sees_every_answer_and_never_the_token() {
    let answered = Arc::new(Mutex::new(0));
    let count = answered.clone();
    let server = HostileServer::start(move |_| {
        let mut count = count.lock().unwrap();
        *count += 1;
        match *count {
            1 => Reply::empty(503).with_header("Retry-After", "0"),
            _ => seed().with_header("request-id", "r-2"),
        }
    })
    .await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let client = GraphClient::builder(StaticToken::new("secret-token"))
        .base_url(format!("{}/v1.0", server.base))
        .inspect(move |exchange| {
            log.lock().unwrap().push((
                exchange.method.to_string(),
                exchange.url.path().to_owned(),
                exchange.status,
                exchange.request_headers.contains_key("authorization"),
                exchange.request_headers.get("client-request-id").is_some(),
                exchange
                    .response_headers
                    .get("request-id")
                    .map(|value| value.to_str().unwrap().to_owned()),
                format!("{exchange:?}").contains("secret-token"),
            ));
        })
        .build()
        .unwrap();
    get(&client).await.unwrap();
    let path = "/v1.0/users/adele/authentication/qrCodePinMethod".to_owned();
    assert_eq!(
        *seen.lock().unwrap(),
        [
            ("GET".to_owned(), path.clone(), 503, false, true, None, false),
            ("GET".to_owned(), path, 200, false, true, Some("r-2".to_owned()), false),
        ]
    );
    assert_eq!(
        server.received()[1].header("authorization"),
        Some("Bearer secret-token"),
        "the token was sent"
    );
}
