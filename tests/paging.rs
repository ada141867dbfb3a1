//! Paging beyond one call, against the local Graph on 127.0.0.1: a delta
//! sync across pages to its delta link and on from it, paging that cannot go
//! round forever, a page limit, and retries chosen by cause.

use std::time::Duration;

use futures_util::TryStreamExt;
use generated::runtime::object::RemovedReason;
use generated::runtime::paging::Page;
use generated::runtime::path::RequestPath;
use generated::runtime::read::{At, Fit, FromJson};
use generated::runtime::retry::RetryPolicy;
use generated::{Call, Error, GraphClient, TestGraph};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};

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

fn delta(client: &GraphClient) -> Call<UsersDelta> {
    client.call(Method::GET, RequestPath::root().segment("users").segment("delta()"))
}

fn ids(items: &[Value]) -> Vec<&str> {
    items.iter().map(|user| user["id"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn a_delta_sync_reads_every_page_hands_over_the_delta_link_and_goes_on_from_it() {
    let graph = TestGraph::start().await;
    let client = graph.client();
    let first = vec![json!({"id": "1"}), json!({"id": "2"}), json!({"id": "3"})];
    let changed = json!({"id": "2", "displayName": "changed"});
    graph
        .on(delta(&client))
        .delta(vec![first, vec![changed.clone()]])
        .page_size(1);

    let round = delta(&client).collect_delta().await.unwrap();
    assert_eq!(ids(&round.items), ["1", "2", "3"]);
    let first_delta = round.delta_link.expect("the last page has the delta link");

    // The pages stream gives the same link on its last page.
    let pages: Vec<UsersDelta> = delta(&client).pages().try_collect().await.unwrap();
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[2].delta_link(), Some(first_delta.as_str()));
    assert!(pages[..2]
        .iter()
        .all(|page| page.delta_link().is_none() && page.next_link().is_some()));

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
    assert_eq!(next.items, [changed]);
    assert_ne!(next.delta_link.as_deref(), Some(first_delta.as_str()));
    assert!(graph.requests().iter().all(|request| request.authorized));
    graph.assert_all_answered();
}

#[tokio::test]
async fn a_next_link_that_repeats_ends_paging_with_an_error() {
    let graph = TestGraph::start().await;
    let root = graph.service_root().to_owned();
    let page = |at: &str, value: i32, next: &str| {
        graph
            .route(Method::GET, at)
            .answer(json!({"value": [value], "@odata.nextLink": format!("{root}{next}")}));
    };
    page("/users/delta()", 1, "/users/a");
    page("/users/a", 2, "/users/b");
    page("/users/b", 3, "/users/a");

    let client = graph.client();
    let error = delta(&client).collect_all().await.unwrap_err();
    assert!(matches!(error, Error::PagingLoop { pages: 3 }), "{error:?}");
    assert!(error.to_string().contains("repeated one already followed"), "{error}");
    assert_eq!(graph.requests().len(), 3);

    // The pages read before the loop was seen are given first.
    let pages: Vec<Result<UsersDelta, Error>> = futures_util::StreamExt::collect(delta(&client).pages()).await;
    assert_eq!(pages.len(), 3);
    assert!(pages[..2].iter().all(Result::is_ok));
    assert!(matches!(pages[2], Err(Error::PagingLoop { .. })));
}

#[tokio::test]
async fn a_page_limit_ends_the_stream() {
    let graph = TestGraph::start().await;
    let client = graph.client();
    graph
        .on(delta(&client))
        .items((0..5).map(|n| json!(n)).collect())
        .page_size(1);
    let items = delta(&client).max_pages(2).collect_all().await.unwrap();
    assert_eq!(items, [json!(0), json!(1)]);
    assert_eq!(graph.requests().len(), 2);

    // Pages and items loop with their own `try_next`, nothing pinned or imported.
    let mut pages = delta(&client).max_pages(3).pages();
    let mut read = Vec::new();
    while let Some(page) = generated::runtime::paging::Pages::try_next(&mut pages).await.unwrap() {
        read.extend(page.value);
    }
    assert_eq!(read, [json!(0), json!(1), json!(2)]);
    let mut items = delta(&client).max_pages(2).items();
    let mut read = Vec::new();
    while let Some(item) = generated::runtime::paging::Items::try_next(&mut items).await.unwrap() {
        read.push(item);
    }
    assert_eq!(read, [json!(0), json!(1)]);
}

/// A graph whose delta query fails once with `status` (`Retry-After: 0`), then answers.
async fn failing_once(status: u16) -> (TestGraph, GraphClient) {
    let graph = TestGraph::start().await;
    let client = graph.client();
    graph
        .on(delta(&client))
        .fail(status, "failing once")
        .header("Retry-After", "0")
        .items(Vec::new());
    (graph, client)
}

#[tokio::test]
async fn retries_are_chosen_by_cause() {
    let no_throttling = RetryPolicy::default()
        .base_delay(Duration::from_millis(10))
        .retry_throttled(false);
    // 429 is not retried, 503 and 504 still are.
    let (graph, client) = failing_once(429).await;
    let error = delta(&client).retry(no_throttling).send().await.unwrap_err();
    assert_eq!(error.as_graph().map(|graph| graph.status), Some(429));
    assert_eq!(graph.requests().len(), 1);
    for status in [503, 504] {
        let (graph, client) = failing_once(status).await;
        delta(&client).retry(no_throttling).send().await.unwrap();
        assert_eq!(graph.requests().len(), 2);
    }
    // And the other way round.
    let (_graph, client) = failing_once(503).await;
    let no_unavailable = RetryPolicy::default().retry_unavailable(false);
    let error = delta(&client).retry(no_unavailable).send().await.unwrap_err();
    assert_eq!(error.as_graph().map(|graph| graph.status), Some(503));
    let (graph, client) = failing_once(429).await;
    delta(&client).retry(no_unavailable).send().await.unwrap();
    assert_eq!(graph.requests().len(), 2);
}

#[tokio::test]
async fn a_generated_delta_query_types_what_was_removed() {
    let graph = TestGraph::start().await;
    let client = graph.client();
    // Raw, as Graph sends it: the reasons are read, not written by the test.
    graph
        .route(Method::GET, "/users/microsoft.graph.delta()")
        .answer(json!({
            "value": [
                {"id": "1", "displayName": "Adele Vance"},
                {"id": "2", "@removed": {"reason": "changed"}},
                {"id": "3", "@removed": {"reason": "deleted"}},
                {"id": "4", "@removed": {"reason": "archived"}},
            ],
            "@odata.deltaLink": format!("{}/users/microsoft.graph.delta()?$deltatoken=d1", graph.service_root()),
        }));
    let round = client.users().delta().get().collect_delta().await.unwrap();
    assert!(round.delta_link.unwrap().ends_with("$deltatoken=d1"));
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
