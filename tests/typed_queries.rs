//! Typed query options against the local Graph on 127.0.0.1: the query
//! string sent, byte for byte; values that cannot change a `$filter`'s
//! structure, whatever they hold (a property test that parses what the server
//! received); and advanced directory queries against a server that refuses
//! them, as Graph does, without `ConsistencyLevel: eventual` and `$count=true`.

use generated::models::{User as UserModel, UserProperty as User};
use generated::runtime::testing::{Recorded, Reply};
use generated::{Expanded, Filter, Operand, Search, TestGraph};
use proptest::prelude::*;
use reqwest::Method;

fn adele() -> UserModel {
    UserModel {
        id: Some("1".to_owned()),
        display_name: Some("Adele Vance".to_owned()),
        ..UserModel::default()
    }
}

/// A graph that answers `GET /users` with Adele.
async fn users_graph() -> TestGraph {
    let graph = TestGraph::start().await;
    graph.on(graph.client().users().get()).items(vec![adele()]);
    graph
}

/// The query string of the one request the graph received.
fn sent_query(graph: &TestGraph) -> String {
    let requests = graph.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    requests[0].raw_query.clone()
}

#[tokio::test]
async fn typed_options_are_sent_byte_for_byte() {
    let graph = users_graph().await;
    let name = "O'Brien & Co";
    let page = graph
        .client()
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
        sent_query(&graph),
        "$select=displayName%2Cmail\
         &$filter=startsWith%28displayName%2C%27O%27%27Brien%20%26%20Co%27%29%20and%20accountEnabled%20eq%20true\
         &$expand=manager%28%24select%3DdisplayName%29\
         &$top=5"
    );
    // Nothing advanced: no header, no `$count`.
    assert!(graph.requests()[0].header("consistencylevel").is_none());
}

#[tokio::test]
async fn strings_remain_possible_where_a_description_lists_nothing() {
    let graph = users_graph().await;
    graph
        .client()
        .users()
        .get()
        .select(["extension_abc_costCenter"])
        .orderby(["displayName desc"])
        .await
        .unwrap();
    assert_eq!(
        sent_query(&graph),
        "$select=extension_abc_costCenter&$orderby=displayName%20desc"
    );
}

/// Answers as Graph does for directory objects: an advanced query without
/// `ConsistencyLevel: eventual` and `$count=true` is `400 Request_UnsupportedQuery`.
fn directory(request: &Recorded) -> Reply {
    let filter = request.query("$filter");
    let has = |name: &str| request.query(name).is_some();
    let counting = request.path.ends_with("/$count");
    let advanced_word = |token: &Token| match token {
        Token::Word(word) => matches!(word.as_str(), "ne" | "not" | "endsWith") || word.ends_with("/$count"),
        _ => false,
    };
    let advanced = counting
        || has("$search")
        || (has("$filter") && has("$orderby"))
        || filter.is_some_and(|filter| tokens(filter).iter().any(advanced_word));
    let eventual = request.header("ConsistencyLevel") == Some("eventual");
    let counted = counting || request.query("$count") == Some("true");
    if advanced && !(eventual && counted) {
        return Reply::error(400, "Request_UnsupportedQuery", "Unsupported Query.");
    }
    if counting {
        return Reply::count(42);
    }
    Reply::json(200, &serde_json::json!({ "value": [adele()] }))
}

/// A graph of the directory's users, answering as [`directory`] does.
async fn directory_graph() -> TestGraph {
    let graph = TestGraph::start().await;
    graph.route(Method::GET, "/users").answer_by(directory);
    graph.route(Method::GET, "/users/$count").answer_by(directory);
    graph
}

#[tokio::test]
async fn advanced_queries_work_the_first_time() {
    let graph = directory_graph().await;
    let client = graph.client();
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

    let requests = graph.requests();
    assert_eq!(requests.len(), 9);
    for request in &requests {
        assert_eq!(request.header("ConsistencyLevel"), Some("eventual"), "{request}");
    }
    // `$count=true` once, and not on `/$count`, which counts by itself.
    assert!(requests[6].raw_query.ends_with("&$count=true"), "{}", requests[6]);
    assert_eq!(requests[6].raw_query.matches("count").count(), 1);
    assert!(!requests[7].raw_query.contains("count"));
}

#[tokio::test]
async fn other_queries_keep_strong_consistency_and_a_callers_choice_wins() {
    let graph = directory_graph().await;
    let client = graph.client();
    let users = client.users();
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
    let requests = graph.requests();
    assert!(requests[0].header("ConsistencyLevel").is_none());
    assert_eq!(requests[1].header("ConsistencyLevel"), Some("session"));
    match refused {
        Err(generated::Error::Graph(error)) => assert_eq!(error.code.as_deref(), Some("Request_UnsupportedQuery")),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn every_page_of_an_advanced_query_carries_its_header() {
    let graph = TestGraph::start().await;
    let client = graph.client();
    let search = || client.users().get().search(User::DisplayName.search("a"));
    graph.on(search()).items(vec![adele(), adele()]).page_size(1);
    let users = search().collect_all().await.unwrap();
    assert_eq!(users.len(), 2);
    let requests = graph.requests();
    assert_eq!(requests.len(), 2);
    assert!(requests[1].query("$skiptoken").is_some(), "{}", requests[1]);
    for request in &requests {
        assert_eq!(request.header("ConsistencyLevel"), Some("eventual"));
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
            let graph = users_graph().await;
            let filter: Filter<User> = User::DisplayName.eq(first.as_str()).or(User::Mail.starts_with(&second)).not();
            graph.client().users().get().filter(filter).top(1).await.unwrap();
            graph.requests()[0].query.clone()
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
    let graph = directory_graph().await;
    let client = graph.client();
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
    let query = sent_query(&graph);
    assert!(
        query.contains("startsWith%28displayName%2C%27Ad%27%27%27%29"),
        "{query}"
    );
    assert!(
        query.ends_with("&$orderby=createdDateTime%20desc&$count=true"),
        "{query}"
    );
}

#[tokio::test]
async fn an_advanced_query_in_a_batch_carries_its_header() {
    let graph = users_graph().await;
    let client = graph.client();
    let mut batch = client.batch();
    let advanced = batch.add(client.users().get().filter(User::Mail.ends_with("@contoso.com")));
    let plain = batch.add(client.users().get().filter(User::Mail.eq("adele@contoso.com")));
    let mut answers = batch.send().await;
    assert!(answers.take(advanced).is_ok() && answers.take(plain).is_ok());
    let requests = graph.requests();
    let sent = requests[0].json();
    let calls = sent["requests"].as_array().unwrap();
    assert_eq!(calls[0]["headers"]["ConsistencyLevel"], "eventual", "{sent}");
    assert!(calls[0]["url"].as_str().unwrap().ends_with("&$count=true"), "{sent}");
    assert!(
        calls[1]
            .get("headers")
            .is_none_or(|headers| headers.get("ConsistencyLevel").is_none()),
        "{sent}"
    );
    // The graph answered each as if sent alone.
    assert!(requests[1..].iter().all(|request| request.in_batch));
}
