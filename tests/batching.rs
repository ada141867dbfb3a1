//! JSON batching against a real HTTP server on 127.0.0.1 that misbehaves as
//! Graph can: answers out of order, one call throttled with its own
//! `Retry-After`, a batch that itself gets 503, an answer that leaves a call
//! out, and sets larger than one request holds.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use generated::client::QrCodePinMethodRequestBuilder;
use generated::models::QrCodePinAuthenticationMethod;
use generated::runtime::batch::MAX_BATCH_REQUESTS;
use generated::runtime::retry::RetryPolicy;
use generated::{Error, GraphClient, StaticToken};
use graphgen_suite::hostile::{HostileServer, Received, Reply};
use graphgen_suite::local_client;
use graphgen_suite::seed_example;
use serde_json::{json, Value};

fn client(server: &HostileServer) -> GraphClient {
    local_client(&server.base, StaticToken::new("token")).build().unwrap()
}

/// The seed endpoint's requests for user `id`.
fn seed_method(client: &GraphClient, id: impl AsRef<str>) -> QrCodePinMethodRequestBuilder {
    client.users().by_user_id(id).authentication().qr_code_pin_method()
}

/// The calls of a `$batch` request body.
fn calls(request: &Received) -> Vec<Value> {
    request.json()["requests"].as_array().cloned().unwrap_or_default()
}

/// A batch answer of `responses`, in the order given.
fn batch_answer(responses: Vec<Value>) -> Reply {
    Reply::json(200, &json!({ "responses": responses }))
}

fn ok(id: &Value, body: Value) -> Value {
    json!({ "id": id, "status": 200, "headers": { "Content-Type": "application/json" }, "body": body })
}

fn batches(server: &HostileServer) -> Vec<Received> {
    server
        .received()
        .into_iter()
        .filter(|request| request.target == "/v1.0/$batch")
        .collect()
}

#[tokio::test]
async fn answers_out_of_order_come_back_typed_to_their_own_calls() {
    let server = HostileServer::start(|request| {
        let mut answers: Vec<Value> = calls(request)
            .iter()
            .map(|call| match (call["method"].as_str(), call["url"].as_str()) {
                (Some("GET"), Some(url)) if url.contains("adele") => ok(&call["id"], seed_example()),
                (Some("DELETE"), _) => json!({ "id": call["id"], "status": 204, "headers": { "X-Item": "removed" } }),
                (Some("PUT"), _) => json!({ "id": call["id"], "status": 201, "headers": { "Content-Type": "application/json" }, "body": call["body"] }),
                _ => json!({
                    "id": call["id"], "status": 404,
                    "headers": { "Content-Type": "application/json", "request-id": "item-request" },
                    "body": { "error": { "code": "Request_ResourceNotFound", "message": "Resource 'nobody' does not exist." } }
                }),
            })
            .collect();
        answers.reverse();
        batch_answer(answers)
    })
    .await;
    let client = client(&server);
    let created: QrCodePinAuthenticationMethod = serde_json::from_value(seed_example()).unwrap();

    let mut batch = client.batch();
    let adele = batch.add(seed_method(&client, "adele@contoso.com").get());
    let nobody = batch.add(seed_method(&client, "nobody").get().query("$select", "id"));
    let removed = batch.add(seed_method(&client, "megan").delete());
    let put = batch.add(seed_method(&client, "megan").put(&created));
    // Spawned: a batch is a `Send + 'static` future.
    let mut answers = tokio::spawn(batch.send()).await.unwrap();

    let adele = answers.take(adele).unwrap();
    assert_eq!(adele.status, 200);
    assert_eq!(adele.attempts, 1);
    assert_eq!(
        serde_json::to_value(&adele.value).unwrap()["standardQRCode"]["id"],
        seed_example()["standardQRCode"]["id"]
    );
    let error = answers.take(nobody).unwrap_err();
    let graph = error.as_graph().expect("the call's own Graph error");
    assert_eq!(
        (graph.status, graph.code.as_deref()),
        (404, Some("Request_ResourceNotFound"))
    );
    assert_eq!(graph.request_id.as_deref(), Some("item-request"));
    let removed = answers.take(removed).unwrap();
    assert_eq!(
        (removed.status, removed.headers["x-item"].to_str().unwrap()),
        (204, "removed"),
        "the call's own headers"
    );
    let put = answers.take(put).unwrap();
    assert_eq!((put.status, put.value.id.clone()), (201, created.id.clone()));

    let sent = batches(&server);
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].method, "POST");
    assert_eq!(sent[0].header("authorization"), Some("Bearer token"));
    let calls = calls(&sent[0]);
    // Relative to the service root, ids encoded as one segment, query options kept.
    assert_eq!(
        calls[0]["url"],
        "/users/adele%40contoso.com/authentication/qrCodePinMethod"
    );
    assert_eq!(
        calls[1]["url"],
        "/users/nobody/authentication/qrCodePinMethod?$select=id"
    );
    assert_eq!(calls[3]["headers"]["Content-Type"], "application/json");
    assert_eq!(
        calls[3]["body"]["@odata.type"],
        "#microsoft.graph.qrCodePinAuthenticationMethod"
    );
    let ids: HashSet<&str> = calls.iter().map(|call| call["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 4, "every call has its own id");
}

#[tokio::test]
async fn a_throttled_call_is_sent_again_alone_after_its_own_retry_after() {
    let throttled = Arc::new(AtomicUsize::new(0));
    let counter = throttled.clone();
    let server = HostileServer::start(move |request| {
        let answers = calls(request)
            .iter()
            .map(|call| {
                if call["url"].as_str().unwrap().contains("megan") && counter.fetch_add(1, Ordering::SeqCst) == 0 {
                    json!({ "id": call["id"], "status": 429, "headers": { "Retry-After": "1" },
                            "body": { "error": { "code": "TooManyRequests", "message": "Slow down" } } })
                } else {
                    ok(&call["id"], seed_example())
                }
            })
            .collect();
        batch_answer(answers)
    })
    .await;
    let client = client(&server);
    let mut batch = client.batch();
    let items: Vec<_> = ["adele", "megan", "alex"]
        .iter()
        .map(|id| batch.add(seed_method(&client, id).get()))
        .collect();
    let started = Instant::now();
    let mut answers = batch.send().await;
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "waited the call's Retry-After"
    );

    let attempts: Vec<u32> = items
        .into_iter()
        .map(|item| answers.take(item).unwrap().attempts)
        .collect();
    assert_eq!(attempts, [1, 2, 1]);
    let sent = batches(&server);
    assert_eq!(sent.len(), 2);
    let again = calls(&sent[1]);
    assert_eq!(again.len(), 1, "only the throttled call goes again: {again:?}");
    assert!(again[0]["url"].as_str().unwrap().contains("megan"));
}

#[tokio::test]
async fn each_throttled_call_waits_for_its_own_retry_after_only() {
    let answered = Arc::new(AtomicUsize::new(0));
    let counter = answered.clone();
    let server = HostileServer::start(move |request| {
        let first = counter.fetch_add(1, Ordering::SeqCst) == 0;
        let answers = calls(request)
            .iter()
            .map(|call| {
                let wait = if call["url"].as_str().unwrap().contains("adele") {
                    "0"
                } else {
                    "2"
                };
                match first {
                    true => json!({ "id": call["id"], "status": 429, "headers": { "Retry-After": wait } }),
                    false => ok(&call["id"], seed_example()),
                }
            })
            .collect();
        batch_answer(answers)
    })
    .await;
    let client = client(&server);
    let mut batch = client.batch();
    let soon = batch.add(seed_method(&client, "adele").get());
    let later = batch.add(seed_method(&client, "megan").get());
    let started = Instant::now();
    let mut answers = batch.send().await;
    assert!(
        started.elapsed() >= Duration::from_millis(1900),
        "the second call waited its 2 s"
    );
    assert_eq!(
        (
            answers.take(soon).unwrap().attempts,
            answers.take(later).unwrap().attempts
        ),
        (2, 2)
    );
    let sent: Vec<Vec<String>> = batches(&server)
        .iter()
        .map(|request| {
            calls(request)
                .iter()
                .map(|call| call["url"].as_str().unwrap().to_owned())
                .collect()
        })
        .collect();
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert_eq!(
        sent[1].len(),
        1,
        "the call told to wait 0 s went again at once, alone: {sent:?}"
    );
    assert!(sent[1][0].contains("adele") && sent[2][0].contains("megan"), "{sent:?}");
}

#[tokio::test]
async fn a_throttled_call_that_stays_throttled_ends_with_its_own_429() {
    let server = HostileServer::start(|request| {
        let answers = calls(request)
            .iter()
            .map(|call| json!({ "id": call["id"], "status": 429, "headers": { "Retry-After": "0" } }))
            .collect();
        batch_answer(answers)
    })
    .await;
    let client = client(&server);
    let mut batch = client.batch();
    let item = batch.add(
        seed_method(&client, "adele")
            .get()
            .retry(RetryPolicy::default().max_retries(2)),
    );
    let error = batch.send().await.take(item).unwrap_err();
    assert_eq!(error.status(), Some(429));
    assert_eq!(
        batches(&server).len(),
        3,
        "sent once and retried twice, as its policy says"
    );
}

#[tokio::test]
async fn a_batch_answered_503_is_retried_whole_and_then_fails_every_call_by_name() {
    let answered = Arc::new(AtomicUsize::new(0));
    let counter = answered.clone();
    let server = HostileServer::start(move |request| {
        if counter.fetch_add(1, Ordering::SeqCst) == 0 {
            return Reply::empty(503).with_header("Retry-After", "0");
        }
        batch_answer(
            calls(request)
                .iter()
                .map(|call| ok(&call["id"], seed_example()))
                .collect(),
        )
    })
    .await;
    let client = client(&server);
    let mut batch = client.batch();
    let item = batch.add(seed_method(&client, "adele").get());
    let answer = batch.send().await.take(item).unwrap();
    assert_eq!(answer.status, 200);
    assert_eq!(answer.attempts, 2, "the call went in both $batch requests");
    assert_eq!(batches(&server).len(), 2);

    let down = HostileServer::start(|_| Reply::empty(503)).await;
    let client = GraphClient::builder(StaticToken::new("token"))
        .base_url(format!("{}/v1.0", down.base))
        .retry_policy(
            RetryPolicy::default()
                .max_retries(1)
                .base_delay(Duration::from_millis(5)),
        )
        .build()
        .unwrap();
    let mut batch = client.batch();
    let items: Vec<_> = (0..3).map(|_| batch.add(seed_method(&client, "adele").get())).collect();
    let mut answers = batch.send().await;
    for item in items {
        let error = answers.take(item).unwrap_err();
        assert!(matches!(error, Error::BatchRequest(_)), "{error:?}");
        assert_eq!(error.status(), Some(503));
    }
    assert_eq!(batches(&down).len(), 2);
}

#[tokio::test]
async fn more_calls_than_one_request_holds_are_split_and_all_answered() {
    let server = HostileServer::start(|request| {
        let answers: Vec<Value> = calls(request)
            .iter()
            .map(|call| {
                ok(
                    &call["id"],
                    json!({ "id": call["url"].as_str().unwrap().split('/').nth(2) }),
                )
            })
            .collect();
        batch_answer(answers)
    })
    .await;
    let client = client(&server);
    let mut batch = client.batch().concurrency(2);
    let items: Vec<_> = (0..45)
        .map(|n| batch.add(seed_method(&client, format!("user{n}")).get()))
        .collect();
    let mut answers = batch.send().await;
    for (n, item) in items.into_iter().enumerate() {
        assert_eq!(
            answers.take(item).unwrap().value.id.as_deref(),
            Some(format!("user{n}").as_str())
        );
    }
    let sizes: Vec<usize> = batches(&server).iter().map(|request| calls(request).len()).collect();
    assert_eq!(sizes.iter().sum::<usize>(), 45);
    assert!(sizes.iter().all(|&size| size <= MAX_BATCH_REQUESTS), "{sizes:?}");
    assert_eq!(sizes.len(), 3);
}

#[tokio::test]
async fn dependent_calls_travel_together_and_go_again_with_their_throttled_dependency() {
    let rounds = Arc::new(AtomicUsize::new(0));
    let counter = rounds.clone();
    let server = HostileServer::start(move |request| {
        let first = counter.fetch_add(1, Ordering::SeqCst) == 0;
        let answers = calls(request)
            .iter()
            .map(|call| match (first, call.get("dependsOn").is_some()) {
                (true, false) => json!({ "id": call["id"], "status": 429, "headers": { "Retry-After": "0" } }),
                (true, true) => json!({ "id": call["id"], "status": 424, "headers": {} }),
                (false, _) => ok(&call["id"], seed_example()),
            })
            .collect();
        batch_answer(answers)
    })
    .await;
    let client = client(&server);
    let mut batch = client.batch();
    let first = batch.add(seed_method(&client, "adele").get());
    let second = batch.add_after(seed_method(&client, "megan").get(), &[first.id()]);
    let mut answers = batch.send().await;
    assert_eq!(answers.take(first).unwrap().attempts, 2);
    assert_eq!(answers.take(second).unwrap().attempts, 2);
    let sent = batches(&server);
    assert_eq!(sent.len(), 2);
    for request in &sent {
        let calls = calls(request);
        assert_eq!(calls.len(), 2, "linked calls travel in the same request");
        assert_eq!(calls[1]["dependsOn"], json!([calls[0]["id"]]));
    }
}

#[tokio::test]
async fn no_call_is_dropped_in_silence() {
    // The server leaves the second call out of its answer.
    let server = HostileServer::start(|request| {
        let answers = calls(request)
            .iter()
            .filter(|call| !call["url"].as_str().unwrap().contains("megan"))
            .map(|call| ok(&call["id"], seed_example()))
            .collect();
        batch_answer(answers)
    })
    .await;
    let client = client(&server);
    let mut batch = client.batch();
    let answered = batch.add(seed_method(&client, "adele").get());
    let left_out = batch.add(seed_method(&client, "megan").get());
    // A call that cannot be sent fails before anything is, and so does what depends on it.
    let invalid = batch.add(seed_method(&client, "..").get());
    let after_invalid = batch.add_after(seed_method(&client, "alex").get(), &[invalid.id()]);
    // A saved link elsewhere than the service root cannot go in a batch.
    let methods = || client.users().by_user_id("adele").authentication().methods().get();
    let elsewhere =
        batch.add(methods().starting_at("https://elsewhere.example/v1.0/users/adele/authentication/methods"));
    let saved = format!("{}/v1.0/users/adele/authentication/methods?$skiptoken=x", server.base);
    let next_page = batch.add(methods().starting_at(&saved));
    // Linked calls beyond what one request holds.
    let mut chain = vec![batch.add(seed_method(&client, "chain").get())];
    for _ in 0..MAX_BATCH_REQUESTS {
        let last = chain.last().unwrap().id();
        chain.push(batch.add_after(seed_method(&client, "chain").get(), &[last]));
    }
    let mut answers = batch.send().await;
    assert!(answers.take(answered).is_ok());
    assert!(matches!(answers.take(left_out), Err(Error::BatchItem { .. })));
    assert!(matches!(answers.take(invalid), Err(Error::InvalidPathParameter(_))));
    assert_eq!(answers.take(next_page).unwrap().status, 200);
    let error = answers.take(elsewhere).unwrap_err();
    assert!(
        matches!(error, Error::InvalidBaseUrl(_)) && !error.to_string().contains("adele"),
        "{error}"
    );
    let error = answers.take(after_invalid).unwrap_err();
    assert!(error.to_string().contains("could not be sent"), "{error}");
    for link in chain {
        let error = answers.take(link).unwrap_err();
        assert!(error.to_string().contains("depend on each other"), "{error}");
    }
    let sent: Vec<Value> = batches(&server).iter().flat_map(calls).collect();
    assert_eq!(sent.len(), 3, "only the three sendable, unlinked calls went: {sent:?}");
    assert_eq!(
        sent[2]["url"], "/users/adele/authentication/methods?$skiptoken=x",
        "relative to the service root"
    );
}
