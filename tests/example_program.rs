//! The `get_qr_code_pin_method` example, run as a user would run it, against a
//! real HTTP server on 127.0.0.1: what it prints and how it exits, and that its
//! options reach the client. How the client retries and times out is
//! `network_faults.rs`'s.

use std::path::PathBuf;
use std::process::Output;

use graphgen_suite::seed_example;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "example-token-c2VjcmV0";

/// The example program, built by cargo with this test.
fn example() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_get_qr_code_pin_method"))
}

async fn run(base_url: &str, user: &str) -> Output {
    run_with(base_url, user, &[]).await
}

async fn run_with(base_url: &str, user: &str, extra: &[&str]) -> Output {
    let (base_url, user) = (base_url.to_owned(), user.to_owned());
    let extra: Vec<String> = extra.iter().map(|arg| (*arg).to_owned()).collect();
    tokio::task::spawn_blocking(move || {
        std::process::Command::new(example())
            .args(["--base-url", &base_url, "--user", &user])
            .args(&extra)
            .env("GRAPH_TOKEN", TOKEN)
            .output()
            .unwrap()
    })
    .await
    .unwrap()
}

fn assert_no_token(output: &Output) {
    for stream in [&output.stdout, &output.stderr] {
        assert!(
            !String::from_utf8_lossy(stream).contains(TOKEN),
            "the token was printed"
        );
    }
}

#[tokio::test]
async fn prints_the_method_as_json() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/users/adele%40contoso.com/authentication/qrCodePinMethod"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_raw(seed_example().to_string(), "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let output = run(&format!("{}/v1.0", server.uri()), "adele@contoso.com").await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed["id"], "6C2F8B36-B6F0-46FA-9548-1EBA48BEBBDE");
    assert_eq!(printed["pin"]["forceChangePinNextSignIn"], false);
    assert_no_token(&output);
}

#[tokio::test]
async fn reports_a_graph_error_and_exits_1() {
    let server = MockServer::start().await;
    let body = serde_json::json!({"error": {"code": "Authorization_RequestDenied", "message": "Insufficient privileges to complete the operation."}});
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("request-id", "5b1e0c3a-0000-4000-8000-00000000000a")
                .set_body_raw(body.to_string(), "application/json"),
        )
        .mount(&server)
        .await;
    let output = run(&format!("{}/v1.0", server.uri()), "adele@contoso.com").await;
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    for expected in [
        "HTTP 403",
        "Authorization_RequestDenied",
        "Insufficient privileges to complete the operation.",
        "5b1e0c3a-0000-4000-8000-00000000000a",
    ] {
        assert!(stderr.contains(expected), "{expected} missing from {stderr}");
    }
    assert_no_token(&output);
}

#[tokio::test]
async fn reports_an_unreachable_server_and_exits_1() {
    // A listener that is bound and then dropped leaves a port nothing answers on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = run(&format!("http://127.0.0.1:{port}/v1.0"), "adele@contoso.com").await;
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).starts_with("error: request failed"));
    assert_no_token(&output);
}

fn throttled() -> ResponseTemplate {
    let body = serde_json::json!({"error": {"code": "TooManyRequests", "message": "Too many requests."}});
    ResponseTemplate::new(429)
        .insert_header("Retry-After", "0")
        .insert_header("request-id", "9d0c3b1a-0000-4000-8000-000000000429")
        .set_body_raw(body.to_string(), "application/json")
}

#[tokio::test]
async fn a_throttling_storm_exits_1_after_the_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(throttled())
        .mount(&server)
        .await;
    let output = run_with(
        &format!("{}/v1.0", server.uri()),
        "adele@contoso.com",
        &["--max-retries", "2"],
    )
    .await;
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    for expected in ["HTTP 429", "TooManyRequests", "9d0c3b1a-0000-4000-8000-000000000429"] {
        assert!(stderr.contains(expected), "{expected} missing from {stderr}");
    }
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        3,
        "one request and two retries"
    );
    assert_no_token(&output);
}

#[tokio::test]
async fn a_silent_server_times_out_and_exits_1() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/v1.0", listener.local_addr().unwrap());
    let holder = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    let output = run_with(&base, "adele@contoso.com", &["--timeout", "0.5"]).await;
    holder.abort();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no answer within 0.5 s"), "{stderr}");
    assert_no_token(&output);
}
