//! Typed query options against a real HTTP server on 127.0.0.1: the query
//! string sent, byte for byte; values that cannot change a `$filter`'s
//! structure, whatever they hold (a property test that parses what the server
//! received); and advanced directory queries against a server that refuses
//! them, as Graph does, without `ConsistencyLevel: eventual` and `$count=true`.

use generated::models::UserProperty as User;
use generated::{Expanded, Filter, GraphClient, Operand, Search, StaticToken};
use graphgen_suite::local_client;
use proptest::prelude::*;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn client(server: &MockServer) -> GraphClient {
    local_client(&server.uri(), StaticToken::new("token")).build().unwrap()
}

fn users_page() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "value": [{"id": "1", "displayName": "Adele Vance"}],
    }))
}

/// A server that answers `GET /users` with one page.
async fn users_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/users"))
        .respond_with(users_page())
        .mount(&server)
        .await;
    server
}

/// The query string of the one request the server received.
async fn sent_query(server: &MockServer) -> String {
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "{requests:?}");
    requests[0].url.query().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn typed_options_are_sent_byte_for_byte() {
    let server = users_server().await;
    let name = "O'Brien & Co";
    let page = client(&server)
        .users()
        .get()
        .select([User::DisplayName, User::Mail])
        .filter(User::DisplayName.starts_with(name).and(User::AccountEnabled.eq(true)))
        .expand([Expanded::of(User::Manager).select(["displayName"])])
        .top(5)
        .await
        .unwrap();
    assert_eq!(page.value.unwrap()[0].display_name.as_deref(), Some("Adele Vance"));
    assert_eq!(
        sent_query(&server).await,
        "$select=displayName%2Cmail\
         &$filter=startsWith%28displayName%2C%27O%27%27Brien%20%26%20Co%27%29%20and%20accountEnabled%20eq%20true\
         &$expand=manager%28%24select%3DdisplayName%29\
         &$top=5"
    );
    // Nothing advanced: no header, no `$count`.
    let requests = server.received_requests().await.unwrap();
    assert!(!requests[0].headers.contains_key("consistencylevel"));
}

#[tokio::test]
async fn strings_remain_possible_where_a_description_lists_nothing() {
    let server = users_server().await;
    client(&server)
        .users()
        .get()
        .select(["extension_abc_costCenter"])
        .orderby(["displayName desc"])
        .await
        .unwrap();
    assert_eq!(
        sent_query(&server).await,
        "$select=extension_abc_costCenter&$orderby=displayName%20desc"
    );
}

/// Answers as Graph does for directory objects: an advanced query without
/// `ConsistencyLevel: eventual` and `$count=true` is `400 Request_UnsupportedQuery`.
struct Directory;

impl Respond for Directory {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let query: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        let filter = query
            .iter()
            .find(|(name, _)| name == "$filter")
            .map(|(_, value)| value.as_str());
        let has = |name: &str| query.iter().any(|(key, _)| key == name);
        let counting = request.url.path().ends_with("/$count");
        let advanced_word = |token: &Token| match token {
            Token::Word(word) => matches!(word.as_str(), "ne" | "not" | "endsWith") || word.ends_with("/$count"),
            _ => false,
        };
        let advanced = counting
            || has("$search")
            || (has("$filter") && has("$orderby"))
            || filter.is_some_and(|filter| tokens(filter).iter().any(advanced_word));
        let eventual = request
            .headers
            .get("ConsistencyLevel")
            .is_some_and(|value| value.as_bytes() == b"eventual");
        let counted = counting || query.iter().any(|(name, value)| name == "$count" && value == "true");
        if advanced && !(eventual && counted) {
            return ResponseTemplate::new(400).set_body_json(json!({"error": {
                "code": "Request_UnsupportedQuery",
                "message": "Unsupported Query.",
            }}));
        }
        if counting {
            return ResponseTemplate::new(200).set_body_string("42");
        }
        users_page()
    }
}

#[tokio::test]
async fn advanced_queries_work_the_first_time() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(Directory).mount(&server).await;
    let client = client(&server);
    let users = client.users();
    users.get().filter(User::Mail.ends_with("@contoso.com")).await.unwrap();
    users.get().filter(User::DisplayName.ne("a")).await.unwrap();
    users.get().filter(User::AccountEnabled.eq(true).not()).await.unwrap();
    users.get().filter(User::ProxyAddresses.count().eq(0)).await.unwrap();
    users
        .get()
        .filter(User::DisplayName.starts_with("A"))
        .orderby([User::DisplayName])
        .await
        .unwrap();
    users.get().search(User::DisplayName.search("Adele")).await.unwrap();
    users
        .get()
        .search(Search::raw("\"mail:adele\""))
        .count(true)
        .await
        .unwrap();
    assert_eq!(
        users
            .count()
            .get()
            .filter(User::Mail.ends_with("@contoso.com"))
            .await
            .unwrap(),
        42
    );
    // A string filter is read the same way.
    users.get().filter("endsWith(mail,'@contoso.com')").await.unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 9);
    for request in &requests {
        assert_eq!(
            request.headers.get("ConsistencyLevel").unwrap(),
            "eventual",
            "{}",
            request.url
        );
    }
    // `$count=true` once, and not on `/$count`, which counts by itself.
    assert!(
        requests[6].url.query().unwrap().ends_with("&$count=true"),
        "{}",
        requests[6].url
    );
    assert_eq!(requests[6].url.query().unwrap().matches("count").count(), 1);
    assert!(!requests[7].url.query().unwrap().contains("count"));
}

#[tokio::test]
async fn other_queries_keep_strong_consistency_and_a_callers_choice_wins() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(Directory).mount(&server).await;
    let users = client(&server).users();
    // A word of the query in a value is not the query's.
    users
        .get()
        .filter(User::DisplayName.eq("not ne endsWith("))
        .await
        .unwrap();
    let refused = users
        .get()
        .search(Search::words("x"))
        .consistency_level("session")
        .await;
    let requests = server.received_requests().await.unwrap();
    assert!(!requests[0].headers.contains_key("ConsistencyLevel"));
    assert_eq!(requests[1].headers.get("ConsistencyLevel").unwrap(), "session");
    match refused {
        Err(generated::Error::Graph(error)) => assert_eq!(error.code.as_deref(), Some("Request_UnsupportedQuery")),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn every_page_of_an_advanced_query_carries_its_header() {
    let server = MockServer::start().await;
    let next = format!("{}/users?$skiptoken=2", server.uri());
    Mock::given(method("GET"))
        .and(wiremock::matchers::query_param("$skiptoken", "2"))
        .respond_with(users_page())
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{"id": "0"}],
            "@odata.nextLink": next,
        })))
        .mount(&server)
        .await;
    let users = client(&server)
        .users()
        .get()
        .search(User::DisplayName.search("a"))
        .collect_all()
        .await
        .unwrap();
    assert_eq!(users.len(), 2);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.headers.get("ConsistencyLevel").unwrap(), "eventual");
    }
}

/// A token of a `$filter`: a word, an operator character, or a string literal.
#[derive(Debug, PartialEq)]
enum Token {
    Word(String),
    Punct(char),
    Text(String),
}

/// Reads a `$filter` as OData does: `'...'` with `''` inside is one string.
fn tokens(filter: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut chars = filter.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            ' ' => {}
            '\'' => {
                let mut text = String::new();
                loop {
                    match chars.next() {
                        Some('\'') if chars.peek() == Some(&'\'') => {
                            chars.next();
                            text.push('\'');
                        }
                        Some('\'') => break,
                        Some(c) => text.push(c),
                        None => panic!("unterminated literal in {filter:?}"),
                    }
                }
                out.push(Token::Text(text));
            }
            '(' | ')' | ',' => out.push(Token::Punct(c)),
            _ => {
                let mut word = c.to_string();
                while let Some(&next) = chars.peek() {
                    if matches!(next, ' ' | '\'' | '(' | ')' | ',') {
                        break;
                    }
                    word.push(next);
                    chars.next();
                }
                out.push(Token::Word(word));
            }
        }
    }
    out
}

fn word(text: &str) -> Token {
    Token::Word(text.to_owned())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    /// Whatever two strings hold, the filter Graph receives has the
    /// structure the code wrote, with the strings as its two literals (and,
    /// `not` being an advanced query, the `$count` that asks for).
    #[test]
    fn no_value_changes_the_structure_of_a_filter(first in any::<String>(), second in ".*['()&,;=$ ].*") {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let received = runtime.block_on(async {
            let server = users_server().await;
            let filter: Filter<User> = User::DisplayName.eq(first.as_str()).or(User::Mail.starts_with(&second)).not();
            client(&server).users().get().filter(filter).top(1).await.unwrap();
            let requests = server.received_requests().await.unwrap();
            let query: Vec<(String, String)> = requests[0].url.query_pairs().into_owned().collect();
            query
        });
        let options: Vec<&str> = received.iter().map(|(name, _)| name.as_str()).collect();
        prop_assert_eq!(options, ["$filter", "$top", "$count"]);
        let (name, filter) = &received[0];
        prop_assert_eq!(name, "$filter");
        let expected = vec![
            word("not"), Token::Punct('('),
            word("displayName"), word("eq"), Token::Text(first.clone()),
            word("or"),
            word("startsWith"), Token::Punct('('), word("mail"), Token::Punct(','), Token::Text(second.clone()), Token::Punct(')'),
            Token::Punct(')'),
        ];
        prop_assert_eq!(tokens(filter), expected);
    }
}

/// The README's example, as it is written there, against the directory.
#[tokio::test]
async fn the_readme_example_lists_users_the_first_time() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(Directory).mount(&server).await;
    let client = client(&server);
    let typed = "Ad'";
    let mut users = client
        .users()
        .get()
        .select([User::DisplayName, User::Mail])
        .filter(User::DisplayName.starts_with(typed).and(User::AccountEnabled.eq(true)))
        .orderby([User::CreatedDateTime.desc()])
        .items();
    let mut names = Vec::new();
    while let Some(user) = users.try_next().await.unwrap() {
        names.push(user.display_name);
    }
    assert_eq!(names, [Some("Adele Vance".to_owned())]);
    let query = sent_query(&server).await;
    assert!(
        query.contains("startsWith%28displayName%2C%27Ad%27%27%27%29"),
        "{query}"
    );
    assert!(
        query.ends_with("&$orderby=createdDateTime%20desc&$count=true"),
        "{query}"
    );
}

/// Answers a `$batch` with each request's users page, as Graph would.
struct BatchOfUsers;

impl Respond for BatchOfUsers {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        let responses: Vec<serde_json::Value> = body["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|call| {
                json!({
                    "id": call["id"], "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": {"value": [{"id": "1"}]},
                })
            })
            .collect();
        ResponseTemplate::new(200).set_body_json(json!({ "responses": responses }))
    }
}

#[tokio::test]
async fn an_advanced_query_in_a_batch_carries_its_header() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1.0/$batch"))
        .respond_with(BatchOfUsers)
        .mount(&server)
        .await;
    let client = client(&server);
    let mut batch = client.batch();
    let advanced = batch.add(client.users().get().filter(User::Mail.ends_with("@contoso.com")));
    let plain = batch.add(client.users().get().filter(User::Mail.eq("adele@contoso.com")));
    let mut answers = batch.send().await;
    assert!(answers.take(advanced).is_ok() && answers.take(plain).is_ok());
    let requests = server.received_requests().await.unwrap();
    let sent: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    let calls = sent["requests"].as_array().unwrap();
    assert_eq!(calls[0]["headers"]["ConsistencyLevel"], "eventual", "{sent}");
    assert!(calls[0]["url"].as_str().unwrap().ends_with("&$count=true"), "{sent}");
    assert!(
        calls[1]
            .get("headers")
            .is_none_or(|headers| headers.get("ConsistencyLevel").is_none()),
        "{sent}"
    );
}
