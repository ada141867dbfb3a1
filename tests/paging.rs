//! Paging beyond one call, against a real HTTP server on 127.0.0.1: a delta
//! sync across pages to its delta link and on from it, paging that cannot go
//! round forever, a page limit, and retries chosen by cause.

use std::time::Duration;

use futures_util::TryStreamExt;
use generated::runtime::object::RemovedReason;
use generated::runtime::paging::Page;
use generated::runtime::path::RequestPath;
use generated::runtime::read::{At, Fit, FromJson};
use generated::runtime::retry::RetryPolicy;
use generated::{Call, Error, GraphClient, StaticToken};
use graphgen_suite::local_client;
use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A page of a delta query, as generated for `.../delta()` responses.
#[derive(Debug, Default, Deserialize)]
struct UsersDelta {
    #[serde(default)]
    value: Vec<Value>,
    #[serde(rename = "@odata.nextLink")]
    next_link: Option<String>,
    #[serde(rename = "@odata.deltaLink")]
    delta_link: Option<String>,
}

impl FromJson for UsersDelta {
    const EXPECTED: &'static str = "an object";

    fn read<'de, D: serde::Deserializer<'de>>(deserializer: D, _at: &At<'_>) -> Result<Fit<Self>, D::Error> {
        UsersDelta::deserialize(deserializer).map(Ok)
    }
}

impl Page for UsersDelta {
    type Item = Value;

    fn next_link(&self) -> Option<&str> {
        self.next_link.as_deref()
    }

    fn delta_link(&self) -> Option<&str> {
        self.delta_link.as_deref()
    }

    fn into_items(self) -> Vec<Value> {
        self.value
    }
}

fn client(server: &MockServer) -> GraphClient {
    local_client(&server.uri(), StaticToken::new("token")).build().unwrap()
}

fn delta(client: &GraphClient) -> Call<UsersDelta> {
    client.call(Method::GET, RequestPath::root().segment("users").segment("delta()"))
}

async fn answer(server: &MockServer, at: &str, token: Option<&str>, body: Value) {
    let mock = Mock::given(method("GET")).and(path(at));
    let mock = match token {
        Some(token) => mock.and(query_param("$deltatoken", token)),
        None => mock,
    };
    // A link with a token is a more specific match than the same path without.
    let priority = if token.is_some() { 1 } else { 5 };
    mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
        .with_priority(priority)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_delta_sync_reads_every_page_hands_over_the_delta_link_and_goes_on_from_it() {
    let server = MockServer::start().await;
    let uri = server.uri();
    answer(
        &server,
        "/v1.0/users/delta()",
        None,
        json!({"value": [{"id": "1"}], "@odata.nextLink": format!("{uri}/v1.0/users/page2")}),
    )
    .await;
    answer(
        &server,
        "/v1.0/users/page2",
        None,
        json!({"value": [{"id": "2"}], "@odata.nextLink": format!("{uri}/v1.0/users/page3")}),
    )
    .await;
    let first_delta = format!("{uri}/v1.0/users/delta()?$deltatoken=d1");
    answer(
        &server,
        "/v1.0/users/page3",
        None,
        json!({"value": [{"id": "3"}], "@odata.deltaLink": first_delta}),
    )
    .await;
    let second_delta = format!("{uri}/v1.0/users/delta()?$deltatoken=d2");
    answer(
        &server,
        "/v1.0/users/delta()",
        Some("d1"),
        json!({"value": [{"id": "2", "displayName": "changed"}], "@odata.deltaLink": second_delta}),
    )
    .await;

    let client = client(&server);
    let round = delta(&client).collect_delta().await.unwrap();
    let ids: Vec<&str> = round.items.iter().map(|user| user["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["1", "2", "3"]);
    assert_eq!(round.delta_link.as_deref(), Some(first_delta.as_str()));

    // The pages stream gives the same link on its last page.
    let pages: Vec<UsersDelta> = delta(&client).pages().try_collect().await.unwrap();
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[2].delta_link(), Some(first_delta.as_str()));

    // And so does the items stream, once it has ended.
    let mut items = delta(&client).items();
    assert_eq!(items.delta_link(), None);
    let mut read = 0;
    while items.try_next().await.unwrap().is_some() {
        read += 1;
    }
    assert_eq!((read, items.delta_link()), (3, Some(first_delta.as_str())));

    // The next round starts from the saved link, and gives only the changes.
    let next = delta(&client).starting_at(&first_delta).collect_delta().await.unwrap();
    assert_eq!(next.items, [json!({"id": "2", "displayName": "changed"})]);
    assert_eq!(next.delta_link.as_deref(), Some(second_delta.as_str()));
    let sent = server.received_requests().await.unwrap();
    assert!(sent
        .iter()
        .all(|request| request.headers["authorization"] == "Bearer token"));
}

#[tokio::test]
async fn a_next_link_that_repeats_ends_paging_with_an_error() {
    let server = MockServer::start().await;
    let uri = server.uri();
    answer(
        &server,
        "/v1.0/users/delta()",
        None,
        json!({"value": [1], "@odata.nextLink": format!("{uri}/v1.0/users/a")}),
    )
    .await;
    answer(
        &server,
        "/v1.0/users/a",
        None,
        json!({"value": [2], "@odata.nextLink": format!("{uri}/v1.0/users/b")}),
    )
    .await;
    answer(
        &server,
        "/v1.0/users/b",
        None,
        json!({"value": [3], "@odata.nextLink": format!("{uri}/v1.0/users/a")}),
    )
    .await;

    let client = client(&server);
    let error = delta(&client).collect_all().await.unwrap_err();
    assert!(matches!(error, Error::PagingLoop { pages: 3 }), "{error:?}");
    assert!(error.to_string().contains("repeated one already followed"), "{error}");
    assert_eq!(server.received_requests().await.unwrap().len(), 3);

    // The pages read before the loop was seen are given first.
    let pages: Vec<Result<UsersDelta, Error>> = futures_util::StreamExt::collect(delta(&client).pages()).await;
    assert_eq!(pages.len(), 3);
    assert!(pages[..2].iter().all(Result::is_ok));
    assert!(matches!(pages[2], Err(Error::PagingLoop { .. })));
}

#[tokio::test]
async fn a_page_limit_ends_the_stream() {
    let server = MockServer::start().await;
    let uri = server.uri();
    for page in 0..5 {
        let at = if page == 0 {
            "/v1.0/users/delta()".to_owned()
        } else {
            format!("/v1.0/users/p{page}")
        };
        answer(
            &server,
            &at,
            None,
            json!({"value": [page], "@odata.nextLink": format!("{uri}/v1.0/users/p{}", page + 1)}),
        )
        .await;
    }
    let items = delta(&client(&server)).max_pages(2).collect_all().await.unwrap();
    assert_eq!(items, [json!(0), json!(1)]);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    // Pages and items loop with their own `try_next`, nothing pinned or imported.
    let mut pages = delta(&client(&server)).max_pages(3).pages();
    let mut read = Vec::new();
    while let Some(page) = generated::runtime::paging::Pages::try_next(&mut pages).await.unwrap() {
        read.extend(page.value);
    }
    assert_eq!(read, [json!(0), json!(1), json!(2)]);
    let mut items = delta(&client(&server)).max_pages(2).items();
    let mut read = Vec::new();
    while let Some(item) = generated::runtime::paging::Items::try_next(&mut items).await.unwrap() {
        read.push(item);
    }
    assert_eq!(read, [json!(0), json!(1)]);
}

async fn failing_once(status: u16) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(status).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    answer(&server, "/v1.0/users/delta()", None, json!({"value": []})).await;
    server
}

#[tokio::test]
async fn retries_are_chosen_by_cause() {
    let no_throttling = RetryPolicy::default()
        .base_delay(Duration::from_millis(10))
        .retry_throttled(false);
    // 429 is not retried, 503 and 504 still are.
    let server = failing_once(429).await;
    let error = delta(&client(&server)).retry(no_throttling).send().await.unwrap_err();
    assert_eq!(error.as_graph().map(|graph| graph.status), Some(429));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
    for status in [503, 504] {
        let server = failing_once(status).await;
        delta(&client(&server)).retry(no_throttling).send().await.unwrap();
        assert_eq!(server.received_requests().await.unwrap().len(), 2);
    }
    // And the other way round.
    let server = failing_once(503).await;
    let no_unavailable = RetryPolicy::default().retry_unavailable(false);
    let error = delta(&client(&server)).retry(no_unavailable).send().await.unwrap_err();
    assert_eq!(error.as_graph().map(|graph| graph.status), Some(503));
    let server = failing_once(429).await;
    delta(&client(&server)).retry(no_unavailable).send().await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_generated_delta_query_types_what_was_removed() {
    let server = MockServer::start().await;
    let link = format!("{}/v1.0/users/microsoft.graph.delta()?$deltatoken=d1", server.uri());
    answer(
        &server,
        "/v1.0/users/microsoft.graph.delta()",
        None,
        json!({
            "value": [
                {"id": "1", "displayName": "Adele Vance"},
                {"id": "2", "@removed": {"reason": "changed"}},
                {"id": "3", "@removed": {"reason": "deleted"}},
                {"id": "4", "@removed": {"reason": "archived"}},
            ],
            "@odata.deltaLink": link,
        }),
    )
    .await;
    let round = client(&server).users().delta().get().collect_delta().await.unwrap();
    assert_eq!(round.delta_link.as_deref(), Some(link.as_str()));
    let removed: Vec<Option<RemovedReason>> = round
        .items
        .iter()
        .map(|user| user.removed.as_ref().and_then(|removed| removed.reason.clone()))
        .collect();
    assert_eq!(
        removed,
        [
            None,
            Some(RemovedReason::Changed),
            Some(RemovedReason::Deleted),
            Some(RemovedReason::Unrecognized("archived".to_owned())),
        ]
    );
    // Typed, not left among the properties nobody knows.
    assert!(round.items.iter().all(|user| user.additional_properties.is_empty()));
    assert_eq!(round.items[0].display_name.as_deref(), Some("Adele Vance"));
}
