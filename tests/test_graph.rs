//! The local Graph of the `testing` feature, used as an application's tests
//! use it: typed answers by the builders the code calls, errors, throttles,
//! dropped connections, collections in pages, delta rounds, `$batch`, upload
//! sessions, claims challenges, and what it recorded and left unanswered.

use std::time::Duration;

use futures_util::TryStreamExt;
use generated::models::{QrCodePinAuthenticationMethod, QrPin, User, UserCollectionResponse, UserProperty};
use generated::runtime::object::{Removed, RemovedReason};
use generated::runtime::options::{Post, Uploads};
use generated::runtime::path::RequestPath;
use generated::runtime::retry::RetryPolicy;
use generated::runtime::upload::SLICE_UNIT;
use generated::{Call, Error, GraphClient, Operand, TestGraph};
use reqwest::Method;
use serde_json::{json, Value};

fn user(id: &str, name: &str) -> User {
    User {
        id: Some(id.to_owned()),
        display_name: Some(name.to_owned()),
        ..User::default()
    }
}

#[tokio::test]
async fn answers_are_typed_and_requests_recorded() {
    let graph = TestGraph::start().await;
    let client = graph.client();
    let pin = QrPin {
        code: Some("12345678".into()),
        ..QrPin::default()
    };
    let answered = graph
        .on(client
            .users()
            .by_user_id("adele@contoso.com")
            .authentication()
            .qr_code_pin_method()
            .pin()
            .get())
        .answer(pin.clone());

    let got = client
        .users()
        .by_user_id("adele@contoso.com")
        .authentication()
        .qr_code_pin_method()
        .pin()
        .get()
        .await
        .unwrap();
    assert_eq!(got, pin);
    answered.assert_requested(1);
    let sent = &answered.requests()[0];
    assert_eq!(
        sent.path, "/users/adele%40contoso.com/authentication/qrCodePinMethod/pin",
        "as sent"
    );
    assert!(sent.authorized);
    assert!(sent.header("authorization").is_none(), "the token is not recorded");
    assert!(sent.header("client-request-id").is_some());
    assert_eq!(graph.requests(), answered.requests());
}

#[tokio::test]
async fn errors_throttles_drops_and_sequences() {
    let graph = TestGraph::start().await;
    let client = graph.client();
    let get = || client.users().by_user_id("adele").get();

    graph.on(get()).fail(404, "Request_ResourceNotFound");
    let Err(Error::Graph(error)) = get().await else {
        panic!("a 404 is a Graph error")
    };
    assert_eq!(
        (error.status, error.code.as_deref()),
        (404, Some("Request_ResourceNotFound"))
    );

    // A later answer of the same request replaces the earlier one; replies
    // are taken in turn, the last one again.
    let adele = graph.on(get()).throttle(0).throttle(0).answer(user("1", "Adele"));
    let answer = get().send_with_response().await.unwrap();
    assert_eq!(answer.value.display_name.as_deref(), Some("Adele"));
    assert_eq!(answer.attempts, 3, "two throttled attempts and the answer");
    assert_eq!(get().await.unwrap().id.as_deref(), Some("1"));
    adele.assert_requested(4);
    let retried = adele.requests();
    assert_eq!(retried[1].header("retry-attempt"), Some("1"));

    graph.on(get()).drop_connection();
    assert!(
        matches!(get().await, Err(Error::Transport(_))),
        "a dropped connection is not retried"
    );
}

#[tokio::test]
async fn the_query_matters_when_the_test_says_so() {
    let graph = TestGraph::start().await;
    let client = graph.client();
    let filtered = || client.users().get().filter(UserProperty::DisplayName.eq("O'Brien"));
    graph.on(client.users().get()).items(vec![user("1", "anyone")]);
    graph.on(filtered()).matching_query().items(vec![user("2", "O'Brien")]);

    let found = filtered().collect_all().await.unwrap();
    assert_eq!(found[0].id.as_deref(), Some("2"));
    let everyone = client.users().get().top(5).collect_all().await.unwrap();
    assert_eq!(
        everyone[0].id.as_deref(),
        Some("1"),
        "another query falls back on the path's answer"
    );
    let sent = graph.requests();
    assert_eq!(sent[0].query("$filter"), Some("displayName eq 'O''Brien'"));
}

#[tokio::test]
async fn collections_come_in_pages_and_deltas_in_rounds() {
    let graph = TestGraph::start().await;
    let client = graph.client();
    let users: Vec<User> = (0..25).map(|n| user(&n.to_string(), "someone")).collect();
    let listing = graph.on(client.users().get()).items(users.clone()).page_size(10);

    let all = client.users().get().collect_all().await.unwrap();
    assert_eq!(all, users);
    assert_eq!(listing.requests().len(), 3, "pages of 10, 10 and 5");
    let by_top: Vec<UserCollectionResponse> = client.users().get().top(20).pages().try_collect().await.unwrap();
    assert_eq!(
        by_top
            .iter()
            .map(|page| page.value.as_ref().map_or(0, Vec::len))
            .collect::<Vec<_>>(),
        [20, 5]
    );

    let gone = User {
        id: Some("3".to_owned()),
        removed: Some(Removed {
            reason: Some(RemovedReason::Deleted),
            ..Removed::default()
        }),
        ..User::default()
    };
    graph
        .on(client.users().delta().get())
        .delta(vec![users[..3].to_vec(), vec![gone.clone()]])
        .page_size(2);
    let first = client.users().delta().get().collect_delta().await.unwrap();
    assert_eq!(first.items, users[..3].to_vec());
    let link = first.delta_link.expect("a round ends with a delta link");
    let second = client
        .users()
        .delta()
        .get()
        .starting_at(&link)
        .collect_delta()
        .await
        .unwrap();
    assert_eq!(second.items, [gone]);
    let third = client
        .users()
        .delta()
        .get()
        .starting_at(&second.delta_link.unwrap())
        .collect_delta()
        .await
        .unwrap();
    assert!(third.items.is_empty(), "no changes after the last round");
    graph.assert_all_answered();
}

#[tokio::test]
async fn a_batch_is_answered_call_by_call_with_throttling() {
    let graph = TestGraph::start().await;
    let client = graph.client();
    let get = |id: &str| client.users().by_user_id(id).get();
    graph.on(get("adele")).answer(user("1", "Adele"));
    let megan = graph.on(get("megan")).throttle(0).answer(user("2", "Megan"));

    let mut batch = client.batch();
    let adele_item = batch.add(get("adele"));
    let megan_item = batch.add(get("megan"));
    let nobody_item = batch.add(get("nobody"));
    let mut answers = batch.send().await;

    assert_eq!(answers.take(adele_item).unwrap().value.id.as_deref(), Some("1"));
    let megan_answer = answers.take(megan_item).unwrap();
    assert_eq!(megan_answer.value.id.as_deref(), Some("2"));
    assert_eq!(megan_answer.attempts, 2, "throttled in the batch, then retried");
    let Err(Error::Graph(nobody)) = answers.take(nobody_item) else {
        panic!("nothing answers nobody")
    };
    assert_eq!(nobody.status, 501);
    let message = nobody.message.unwrap();
    assert!(message.contains("GET /users/nobody"), "{message}");
    assert!(message.contains("the nearest it has is GET /users/megan"), "{message}");
    assert!(megan.requests().iter().all(|request| request.in_batch));
    let batches = graph.requests().iter().filter(|r| r.path == "/$batch").count();
    assert_eq!(batches, 2);
    assert_eq!(graph.unanswered().len(), 1);
}

/// A `createUploadSession` whose upload creates a user, for the tests.
struct CreateSession;

impl Uploads<Post> for CreateSession {
    type Item = User;
}

fn create_session(client: &GraphClient) -> Call<Value, (CreateSession, Post)> {
    client
        .call::<Value>(Method::POST, RequestPath::root().segment("createUploadSession"))
        .accepting()
}

#[tokio::test]
async fn uploads_go_to_a_session_that_checks_every_slice() {
    let graph = TestGraph::start().await;
    let client = graph.client();
    let create = || create_session(&client);
    graph.on(create()).upload_session(user("file", "uploaded"));

    let file: Vec<u8> = (0..700_000u32).map(|n| (n % 251) as u8).collect();
    let uploaded = create()
        .upload(std::io::Cursor::new(file.clone()), file.len() as u64)
        .slice_size(SLICE_UNIT)
        .await
        .unwrap();
    assert_eq!(uploaded.item.unwrap().id.as_deref(), Some("file"));
    assert_eq!(graph.uploads(), [file]);
    let slices: Vec<_> = graph
        .requests()
        .into_iter()
        .filter(|r| r.method == Method::PUT)
        .collect();
    assert_eq!(slices.len(), 3, "slices of 320 KiB");
    assert_eq!(slices[1].header("content-range"), Some("bytes 327680-655359/700000"));
    assert!(
        slices.iter().all(|slice| !slice.authorized),
        "no token goes to an upload URL"
    );
}

#[tokio::test]
async fn claims_challenges_examples_defaults_and_routes() {
    let graph = TestGraph::start().await;
    let client = graph.client();
    let method = || client.me().authentication().qr_code_pin_method().get();
    let challenged = graph
        .on(method())
        .claims_challenge(r#"{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}"#)
        .example();

    let got: QrCodePinAuthenticationMethod = method().await.unwrap();
    assert_eq!(
        got.id.as_deref(),
        Some("6C2F8B36-B6F0-46FA-9548-1EBA48BEBBDE"),
        "the description's example"
    );
    let sent = challenged.requests();
    assert_eq!(sent[0].claims, None);
    assert!(sent[1].claims.as_deref().unwrap().contains("essential"));

    graph.on(client.users().by_user_id("new").get()).answer_default();
    assert_eq!(client.users().by_user_id("new").get().await.unwrap(), User::default());

    let anyone = graph
        .route(Method::PATCH, "/users/{id}/authentication/qrCodePinMethod/pin")
        .answer(json!({ "code": "87654321" }));
    let pin = QrPin {
        code: Some("87654321".into()),
        ..QrPin::default()
    };
    let changed = client
        .users()
        .by_user_id("megan")
        .authentication()
        .qr_code_pin_method()
        .pin()
        .patch(pin.clone())
        .await
        .unwrap();
    assert_eq!(changed.code, pin.code);
    let patched: QrPin = anyone.requests()[0].body_as();
    assert_eq!(patched.code, pin.code);
}

#[tokio::test]
async fn what_nothing_answers_is_a_501_naming_it() {
    let graph = TestGraph::start().await;
    let client = graph
        .client_builder()
        .retry_policy(RetryPolicy::none())
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let Err(Error::Graph(error)) = client.users().by_user_id("ghost").get().await else {
        panic!("an unanswered request is a Graph error");
    };
    assert_eq!(error.status, 501);
    assert!(error.message.unwrap().contains("GET /users/ghost, and none registered"));
    assert_eq!(graph.unanswered()[0].path, "/users/ghost");
    let listed = std::panic::catch_unwind(|| graph.assert_all_answered()).unwrap_err();
    assert!(listed.downcast_ref::<String>().unwrap().contains("GET /users/ghost"));
}

#[tokio::test]
async fn an_upload_session_refuses_a_slice_out_of_place_or_with_a_token() {
    let graph = TestGraph::start().await;
    let client = graph.client();
    let create = || create_session(&client);
    graph.on(create()).upload_session(user("file", "uploaded"));
    let session = create().await.unwrap();
    let url = session["uploadUrl"].as_str().unwrap();
    let http = reqwest::Client::new();
    let put = |range: &str, body: &'static [u8]| http.put(url).header("Content-Range", range).body(body);
    assert_eq!(
        put("bytes 2-3/4", b"cd").send().await.unwrap().status(),
        416,
        "not where the last slice ended"
    );
    assert_eq!(
        put("bytes 0-2/4", b"ab").send().await.unwrap().status(),
        416,
        "a range of another length"
    );
    let with_token = put("bytes 0-1/4", b"ab").bearer_auth("token").send().await.unwrap();
    assert_eq!(with_token.status(), 401, "an upload URL takes no token");
    assert_eq!(put("bytes 0-1/4", b"ab").send().await.unwrap().status(), 202);
    let last = put("bytes 2-3/4", b"cd").send().await.unwrap();
    assert_eq!(last.status(), 201);
    let item: Value = serde_json::from_slice(&last.bytes().await.unwrap()).unwrap();
    assert_eq!(item["id"], "file");
    assert_eq!(graph.uploads(), [b"abcd".to_vec()]);
}

/// The README's example, as it is written there.
mod readme {
    use generated::models::{User, UserProperty};
    use generated::{Error, GraphClient, Operand, TestGraph};

    // The code under test.
    async fn enabled_users(client: &GraphClient) -> Result<Vec<User>, Error> {
        client
            .users()
            .get()
            .filter(UserProperty::AccountEnabled.eq(true))
            .collect_all()
            .await
    }

    #[tokio::test]
    async fn lists_every_enabled_user() {
        let graph = TestGraph::start().await;
        let client = graph.client();
        let adele = User {
            display_name: Some("Adele".into()),
            ..User::default()
        };
        // Throttled once, then 250 users in pages of 100 linked by @odata.nextLink.
        graph.on(client.users().get()).throttle(0).items(vec![adele; 250]);
        assert_eq!(enabled_users(&client).await.unwrap().len(), 250);
        assert_eq!(graph.requests()[1].query("$filter"), Some("accountEnabled eq true"));
        // And the pages were Graph's: 100, 100 and 50 after the throttled attempt.
        assert_eq!(graph.requests().len(), 4);
    }
}
