//! A local Microsoft Graph for an application's own tests (cargo feature
//! `testing`, for `[dev-dependencies]`): real HTTP on 127.0.0.1, so the code
//! under test runs the pipeline it runs in production (tokens, retries,
//! paging, batches, uploads), answered the way the test says.
//!
//! ```
//! # use graphgen_runtime::{client::GraphClient, path::RequestPath, testing::TestGraph};
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let graph = TestGraph::<GraphClient>::start().await;
//! let client = graph.client();
//! # let get = || client.call::<serde_json::Value>(reqwest::Method::GET, RequestPath::root().segment("me"));
//! // `get()` is a generated operation's call, for example client.me().get()
//! let me = graph.on(get()).throttle(0).answer(serde_json::json!({ "displayName": "Adele" }));
//! assert_eq!(get().await.unwrap()["displayName"], "Adele");
//! me.assert_requested(2); // the throttled attempt and its retry
//! # }
//! ```
//!
//! What Graph does around a call is done as Graph does it: a collection
//! ([`Answers::items`]) is served in pages with `@odata.nextLink`, a delta
//! query ([`Answers::delta`]) in rounds ending in `@odata.deltaLink`,
//! `$batch` is taken apart and each request answered as if sent alone (the
//! answers out of order), an upload session ([`Answers::upload_session`])
//! stores slices and checks their `Content-Range`. Every request is recorded
//! ([`TestGraph::requests`]) without its token; one that nothing answers gets
//! a `501` naming it and the nearest answer the test registered, and is
//! listed when the graph is dropped.
//!
//! Record and replay against a real tenant is not part of it: answers come
//! from the test, typed, so a test says what it depends on.

use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use reqwest::{Method, Url};
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::auth::{AccessToken, BoxFuture, TokenError, TokenSource};
use super::bytes::Base64Bytes;
use super::call::Call;
use super::client::{ClientBuilder, Examples, GraphClient};
use super::options::Uploads;
use super::paging::Page;
use super::read::{read_root, FromJson};
use super::retry::RetryPolicy;
pub use super::serve::Reply;
use super::serve::{self, Answer, Received};

/// The page size of a collection when neither `$top` nor the test sets one (Graph's for users).
pub const DEFAULT_PAGE_SIZE: usize = 100;

/// A local Graph on 127.0.0.1 for one test; it stops when dropped.
/// `C` is the client it gives: a generated crate's `TestGraph` is this with
/// its `GraphClient`.
pub struct TestGraph<C = GraphClient> {
    shared: Arc<Mutex<State>>,
    service_root: String,
    server: tokio::task::AbortHandle,
    client: PhantomData<fn() -> C>,
}

/// What the graph knows: the answers registered, the requests received, the
/// upload sessions.
struct State {
    /// `http://127.0.0.1:PORT`.
    base: String,
    answers: Vec<Registered>,
    requests: Vec<Recorded>,
    unanswered: Vec<usize>,
    sessions: Vec<Session>,
}

impl<C: From<GraphClient> + Examples> TestGraph<C> {
    /// Starts a graph on a free port of 127.0.0.1, on the test's tokio runtime.
    ///
    /// # Panics
    /// When no local port can be had.
    pub async fn start() -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("TestGraph listens on a free port of 127.0.0.1");
        let base = format!(
            "http://{}",
            listener.local_addr().expect("a bound listener has an address")
        );
        let shared = Arc::new(Mutex::new(State {
            base: base.clone(),
            answers: Vec::new(),
            requests: Vec::new(),
            unanswered: Vec::new(),
            sessions: Vec::new(),
        }));
        let serving = shared.clone();
        let server = serve::spawn(listener, usize::MAX, move |received| {
            std::future::ready(serve(&serving, received))
        });
        TestGraph {
            shared,
            service_root: format!("{base}/v1.0"),
            server,
            client: PhantomData,
        }
    }

    /// The service root clients call: `http://127.0.0.1:PORT/v1.0`.
    pub fn service_root(&self) -> &str {
        &self.service_root
    }

    /// A client of this graph with the default policy, except that retries
    /// without a `Retry-After` wait milliseconds where Graph's wait seconds.
    pub fn client(&self) -> C {
        self.client_builder().build().expect("a loopback service root is valid")
    }

    /// A builder of such a client, to set the policy the code under test uses.
    /// Its tokens come from [`TestTokens`].
    pub fn client_builder(&self) -> ClientBuilder<C> {
        ClientBuilder::new(TestTokens)
            .base_url(self.service_root.clone())
            .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(5)))
    }

    /// Answers `call`'s method and path (its query options too after
    /// [`Answers::matching_query`]) with what the returned [`Answers`] says.
    /// A later answer of the same request replaces an earlier one.
    pub fn on<T, O>(&self, call: Call<T, O>) -> Answers<T, O> {
        let (method, template, url) = call.described();
        let example = C::EXAMPLES
            .iter()
            .find(|example| example.method == method.as_str() && documents(example.template, &template))
            .map(|example| example.json);
        let target = Url::parse(&format!("{}{url}", self.service_root)).expect("a call's URL parses");
        let (path, query) = below(&target, "/v1.0");
        let shown = format!("{method} {}", shown(&path, &query));
        self.register(Registered {
            method,
            matcher: Matcher::Exact {
                path,
                query: Some(query),
            },
            match_query: false,
            shown,
            replies: Vec::new(),
            next: 0,
            served: Vec::new(),
            example,
        })
    }

    /// Answers every request of `method` on `template`, a path below the
    /// service root whose `{name}` segments match any segment
    /// (`/users/{id}/messages`), when no answer of [`on`](Self::on) does.
    pub fn route(&self, method: Method, template: &str) -> Answers<Value> {
        let segments = template
            .trim_matches('/')
            .split('/')
            .map(|segment| (!(segment.starts_with('{') && segment.ends_with('}'))).then(|| segment.to_owned()))
            .collect();
        self.register(Registered {
            shown: format!("{method} {template}"),
            method,
            matcher: Matcher::Template(segments),
            match_query: false,
            replies: Vec::new(),
            next: 0,
            served: Vec::new(),
            example: None,
        })
    }

    fn register<T, O>(&self, registered: Registered) -> Answers<T, O> {
        let mut state = lock(&self.shared);
        state.answers.push(registered);
        Answers {
            shared: self.shared.clone(),
            index: state.answers.len() - 1,
            types: PhantomData,
        }
    }
}

impl<C> TestGraph<C> {
    /// Every request received so far, in order, batched ones as well as
    /// their `$batch` request.
    pub fn requests(&self) -> Vec<Recorded> {
        lock(&self.shared).requests.clone()
    }

    /// The requests nothing answered (each got a `501`).
    pub fn unanswered(&self) -> Vec<Recorded> {
        let state = lock(&self.shared);
        state.unanswered.iter().map(|&at| state.requests[at].clone()).collect()
    }

    /// The bytes of each upload session's file, in the order the sessions were created.
    pub fn uploads(&self) -> Vec<Vec<u8>> {
        lock(&self.shared)
            .sessions
            .iter()
            .map(|session| session.bytes.clone())
            .collect()
    }

    /// # Panics
    /// When a request had no answer, listing them.
    pub fn assert_all_answered(&self) {
        let unanswered = self.unanswered();
        assert!(unanswered.is_empty(), "{}", unanswered_list(&unanswered));
    }
}

impl<C> Drop for TestGraph<C> {
    fn drop(&mut self) {
        self.server.abort();
        let unanswered = self.unanswered();
        if !unanswered.is_empty() && !std::thread::panicking() {
            eprintln!("{}", unanswered_list(&unanswered));
        }
    }
}

impl<C> fmt::Debug for TestGraph<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestGraph")
            .field("service_root", &self.service_root)
            .finish_non_exhaustive()
    }
}

/// Whether an example of `example` (a description's template) answers a
/// call of `call`: the same template, or `/me` for the `/users/{id}` it
/// stands for (the generator adds `/me` so).
fn documents(example: &str, call: &str) -> bool {
    if example == call {
        return true;
    }
    let Some(rest) = call.strip_prefix("/me") else {
        return false;
    };
    let Some(user) = example.strip_prefix("/users/{") else {
        return false;
    };
    user.split_once('}').is_some_and(|(_, tail)| tail == rest)
}

fn unanswered_list(unanswered: &[Recorded]) -> String {
    let mut text = format!("TestGraph: {} request(s) had no answer:", unanswered.len());
    for request in unanswered {
        text.push_str(&format!("\n  {request}"));
    }
    text
}

fn lock(shared: &Mutex<State>) -> MutexGuard<'_, State> {
    // A test that panicked while holding the lock leaves the state as it was.
    shared.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The tokens of a [`TestGraph`]'s clients: a fixed token, and one that
/// carries the claims of a claims challenge, which the graph reads back
/// ([`Recorded::claims`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct TestTokens;

const TEST_TOKEN: &str = "graphgen-test-token";
const CLAIMS_TOKEN: &str = "graphgen-test-token.claims.";

impl TokenSource for TestTokens {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, TokenError>> {
        Box::pin(async { Ok(AccessToken::new(TEST_TOKEN)) })
    }

    fn token_with_claims(&self, claims: &str) -> Option<BoxFuture<'_, Result<AccessToken, TokenError>>> {
        let token = format!("{CLAIMS_TOKEN}{}", Base64Bytes(claims.as_bytes().to_vec()).encode());
        Some(Box::pin(async move { Ok(AccessToken::new(token)) }))
    }
}

/// A request the graph received, less its token.
#[derive(Clone, Debug, PartialEq)]
pub struct Recorded {
    pub method: Method,
    /// The path below the service root (`/users/adele`), or the upload
    /// session's path (`/_upload/1`); percent-encoded as sent.
    pub path: String,
    /// The query options, decoded, in the order sent.
    pub query: Vec<(String, String)>,
    /// The query as sent, percent-encoded (empty without one).
    pub raw_query: String,
    /// The headers, names in lower case, without `authorization`.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Whether a bearer token came with it.
    pub authorized: bool,
    /// The claims its token was asked for after a claims challenge.
    pub claims: Option<String>,
    /// It came inside a `$batch` request.
    pub in_batch: bool,
}

impl Recorded {
    /// A request of `method` to `target`, its path below `root`, without a token.
    fn new(method: Method, target: &Url, root: &str, headers: Vec<(String, String)>, body: Vec<u8>) -> Self {
        let (path, query) = below(target, root);
        Recorded {
            method,
            path,
            query,
            raw_query: target.query().unwrap_or_default().to_owned(),
            headers,
            body,
            authorized: false,
            claims: None,
            in_batch: false,
        }
    }

    /// A query option's value.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(option, _)| option == name)
            .map(|(_, value)| value.as_str())
    }

    /// A header's value (the name in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body as JSON (`null` when it is empty).
    ///
    /// # Panics
    /// When the body is not JSON.
    pub fn json(&self) -> Value {
        if self.body.is_empty() {
            return Value::Null;
        }
        serde_json::from_slice(&self.body).unwrap_or_else(|error| panic!("the body of {self} is not JSON: {error}"))
    }

    /// The body read as the operation's body type (a generated model).
    ///
    /// # Panics
    /// When it does not read as one.
    pub fn body_as<B: FromJson>(&self) -> B {
        read_root(&mut serde_json::Deserializer::from_slice(&self.body))
            .unwrap_or_else(|error| panic!("the body of {self} is not {}: {error}", B::EXPECTED))
    }
}

impl fmt::Display for Recorded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, shown(&self.path, &self.query))?;
        if self.in_batch {
            f.write_str(" (in a $batch)")?;
        }
        Ok(())
    }
}

fn shown(path: &str, query: &[(String, String)]) -> String {
    let mut text = path.to_owned();
    for (index, (name, value)) in query.iter().enumerate() {
        text.push(if index == 0 { '?' } else { '&' });
        text.push_str(&format!("{name}={value}"));
    }
    text
}

/// What answers one request of a test: replies taken in turn, the last one
/// again for every later request. `T` is the call's value.
pub struct Answers<T, O = ()> {
    shared: Arc<Mutex<State>>,
    index: usize,
    types: PhantomData<fn() -> (T, O)>,
}

struct Registered {
    method: Method,
    matcher: Matcher,
    match_query: bool,
    shown: String,
    replies: Vec<Step>,
    next: usize,
    /// The requests it answered (indices of `State::requests`).
    served: Vec<usize>,
    /// The operation's documented answer, where the description has one.
    example: Option<&'static str>,
}

enum Matcher {
    /// A call's path and query options.
    Exact {
        path: String,
        query: Option<Vec<(String, String)>>,
    },
    /// Segments below the service root; `None` matches any.
    Template(Vec<Option<String>>),
}

/// A test's own rule for answering.
type Rule = Arc<dyn Fn(&Recorded) -> Reply + Send + Sync>;

/// What answers one request, in turn.
#[derive(Clone)]
enum Step {
    Fixed(Reply),
    By(Rule),
    Drop,
    Collection {
        rounds: Vec<Vec<Value>>,
        delta: bool,
        page_size: Option<usize>,
    },
    UploadSession {
        item: Value,
    },
}

impl<T, O> Answers<T, O> {
    fn push(self, reply: Step) -> Self {
        lock(&self.shared).answers[self.index].replies.push(reply);
        self
    }

    fn edit(self, edit: impl FnOnce(&mut Registered)) -> Self {
        edit(&mut lock(&self.shared).answers[self.index]);
        self
    }

    /// Answers only requests whose query options are the call's (in any
    /// order; the paging tokens aside). Without it the query does not matter.
    pub fn matching_query(self) -> Self {
        self.edit(|registered| registered.match_query = true)
    }

    /// Answers `200` with `value` as JSON.
    pub fn answer(self, value: T) -> Self
    where
        T: Serialize,
    {
        self.answer_with(200, value)
    }

    /// Answers `status` (`201` for a creation) with `value` as JSON.
    pub fn answer_with(self, status: u16, value: T) -> Self
    where
        T: Serialize,
    {
        self.push(Step::Fixed(Reply::json(status, &value)))
    }

    /// Answers `200` with `T::default()`: a model with nothing set.
    pub fn answer_default(self) -> Self
    where
        T: Default + Serialize,
    {
        self.answer(T::default())
    }

    /// Answers `200` with the operation's example answer from its description.
    ///
    /// # Panics
    /// When the description has none.
    pub fn example(self) -> Self {
        let (shown, example) = {
            let state = lock(&self.shared);
            let registered = &state.answers[self.index];
            (registered.shown.clone(), registered.example)
        };
        let example = example.unwrap_or_else(|| {
            panic!("the description of {shown} has no example answer: use answer(..) or answer_default()")
        });
        self.push(Step::Fixed(Reply::raw(200, "application/json", example)))
    }

    /// Answers `204 No Content`.
    pub fn no_content(self) -> Self {
        self.raw(204, "", Vec::new())
    }

    /// Answers `status` with `body` as `content_type` (an empty type sends none).
    pub fn raw(self, status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        self.push(Step::Fixed(Reply::raw(status, content_type, body)))
    }

    /// Answers each request by `rule`: for answers that depend on what came.
    pub fn answer_by(self, rule: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) -> Self {
        self.push(Step::By(Arc::new(rule)))
    }

    /// Answers a Graph error: `status` with `code` in Graph's error body.
    pub fn fail(self, status: u16, code: &str) -> Self {
        let message = format!("{code} (an error the test asked for)");
        self.push(Step::Fixed(Reply::error(status, code, &message)))
    }

    /// Answers `429 Too Many Requests` with `Retry-After: seconds`, as Graph throttles.
    pub fn throttle(self, retry_after_seconds: u64) -> Self {
        self.fail(429, "TooManyRequests")
            .header("Retry-After", &retry_after_seconds.to_string())
    }

    /// Answers `401` with a claims challenge (continuous access evaluation)
    /// asking for `claims` (JSON); the client then asks its token source for
    /// a token with them and sends the request again.
    pub fn claims_challenge(self, claims: &str) -> Self {
        let encoded = Base64Bytes(claims.as_bytes().to_vec()).encode();
        self.fail(401, "InvalidAuthenticationToken").header(
            "WWW-Authenticate",
            &format!(
                "Bearer authorization_uri=\"https://login.microsoftonline.com/common/oauth2/authorize\", error=\"insufficient_claims\", claims=\"{encoded}\""
            ),
        )
    }

    /// Closes the connection without answering, once the request has arrived.
    pub fn drop_connection(self) -> Self {
        self.push(Step::Drop)
    }

    /// Adds a header to the reply set last.
    pub fn header(self, name: &str, value: &str) -> Self {
        self.edit(|registered| {
            if let Some(Step::Fixed(reply)) = registered.replies.last_mut() {
                reply.headers.push((name.to_ascii_lowercase(), value.to_owned()));
            }
        })
    }

    /// The requests these answers served, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        let state = lock(&self.shared);
        state.answers[self.index]
            .served
            .iter()
            .map(|&at| state.requests[at].clone())
            .collect()
    }

    /// # Panics
    /// Unless these answers served `times` requests, saying what came instead.
    pub fn assert_requested(&self, times: usize) {
        let state = lock(&self.shared);
        let registered = &state.answers[self.index];
        if registered.served.len() != times {
            let mut text = format!(
                "expected {times} request(s) of {}, {} came; TestGraph received:",
                registered.shown,
                registered.served.len()
            );
            if state.requests.is_empty() {
                text.push_str(" nothing");
            }
            for request in &state.requests {
                text.push_str(&format!("\n  {request}"));
            }
            panic!("{text}");
        }
    }
}

impl<P: Page, O> Answers<P, O>
where
    P::Item: Serialize,
{
    /// Answers with a collection of `items`, in pages linked by
    /// `@odata.nextLink`, of the request's `$top` items (else the
    /// [`page_size`](Self::page_size), else [`DEFAULT_PAGE_SIZE`]).
    pub fn items(self, items: Vec<P::Item>) -> Self {
        self.push(Step::Collection {
            rounds: vec![values(items)],
            delta: false,
            page_size: None,
        })
    }

    /// Answers a delta query: each round's changes in pages, its last page
    /// with an `@odata.deltaLink` to the next round; past the last round,
    /// no changes. Items that left carry `@removed` (their `removed`).
    pub fn delta(self, rounds: Vec<Vec<P::Item>>) -> Self {
        self.push(Step::Collection {
            rounds: rounds.into_iter().map(values).collect(),
            delta: true,
            page_size: None,
        })
    }

    /// The page size of the collection set last, when the request has no `$top`.
    pub fn page_size(self, size: usize) -> Self {
        self.edit(|registered| {
            if let Some(Step::Collection { page_size, .. }) = registered.replies.last_mut() {
                *page_size = Some(size.max(1));
            }
        })
    }
}

impl<O> Answers<i64, O> {
    /// Answers `200` with `count` in plain text, as `$count` answers.
    pub fn count(self, count: i64) -> Self {
        self.push(Step::Fixed(Reply::count(count)))
    }
}

impl<S, B: Uploads<M>, M> Answers<S, (B, M)>
where
    B::Item: Serialize,
{
    /// Answers a `createUploadSession` with a session of this graph, which
    /// takes slices as OneDrive does (each `Content-Range` must start where
    /// the last ended; no token may come with them) and answers the last one
    /// `201` with `item`. [`TestGraph::uploads`] holds what arrived.
    pub fn upload_session(self, item: B::Item) -> Self {
        let item = serde_json::to_value(item).expect("a model serializes to JSON");
        self.push(Step::UploadSession { item })
    }
}

fn values<T: Serialize>(items: Vec<T>) -> Vec<Value> {
    items
        .into_iter()
        .map(|item| serde_json::to_value(item).expect("a model serializes to JSON"))
        .collect()
}

/// Answers one request from the graph's state, with the headers Graph sends.
fn serve(shared: &Mutex<State>, received: Received) -> Answer {
    let Received {
        method,
        target,
        headers,
        body,
    } = received;
    let (token, headers): (Vec<_>, Vec<_>) = headers.into_iter().partition(|(name, _)| name == "authorization");
    let token = token.into_iter().next().map(|(_, value)| value);
    let client_request_id = headers
        .iter()
        .find(|(name, _)| name == "client-request-id")
        .map(|(_, value)| value.clone());
    let outcome = {
        let mut state = lock(shared);
        match Url::parse(&format!("{}{target}", state.base)) {
            Ok(target) => {
                let root = if target.path().starts_with("/_upload/") {
                    ""
                } else {
                    "/v1.0"
                };
                let recorded = Recorded {
                    authorized: token.is_some(),
                    claims: token.as_deref().and_then(claims_of),
                    ..Recorded::new(method, &target, root, headers, body)
                };
                state.handle(recorded)
            }
            Err(_) => Answer::Reply(Reply::error(
                400,
                "BadRequest",
                "The request's target is not a URL path",
            )),
        }
    };
    let Answer::Reply(Reply {
        status,
        mut headers,
        body,
    }) = outcome
    else {
        return Answer::Drop;
    };
    headers.push(("request-id".to_owned(), uuid::Uuid::new_v4().to_string()));
    headers.push(("date".to_owned(), httpdate::fmt_http_date(std::time::SystemTime::now())));
    if let Some(id) = client_request_id {
        headers.push(("client-request-id".to_owned(), id));
    }
    Answer::Reply(Reply { status, headers, body })
}

/// The claims a test token carries.
fn claims_of(authorization: &str) -> Option<String> {
    let encoded = authorization.strip_prefix("Bearer ")?.strip_prefix(CLAIMS_TOKEN)?;
    Base64Bytes::decode(encoded).map(|bytes| String::from_utf8_lossy(&bytes.0).into_owned())
}

/// A URL's path below `root` (`/v1.0`) and its query options, decoded.
fn below(url: &Url, root: &str) -> (String, Vec<(String, String)>) {
    let path = url.path();
    let path = path.strip_prefix(root).unwrap_or(path);
    let query = url
        .query_pairs()
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    (if path.is_empty() { "/" } else { path }.to_owned(), query)
}

/// The query options that say where in a collection a request is, which
/// matching leaves aside.
const PAGING: [&str; 2] = ["$skiptoken", "$deltatoken"];

fn options_without_paging(query: &[(String, String)]) -> Vec<(String, String)> {
    let mut options: Vec<(String, String)> = query
        .iter()
        .filter(|(name, _)| !PAGING.contains(&name.as_str()))
        .cloned()
        .collect();
    options.sort();
    options
}

impl State {
    /// Records `request` and answers it.
    fn handle(&mut self, request: Recorded) -> Answer {
        let at = self.requests.len();
        self.requests.push(request.clone());
        if request.path.starts_with("/_upload/") {
            return Answer::Reply(self.upload(&request));
        }
        if request.method == Method::POST && request.path == "/$batch" && !request.in_batch {
            return self.batch(&request);
        }
        let Some(index) = self.matching(&request) else {
            self.unanswered.push(at);
            let message = match self.nearest(&request) {
                Some(nearest) => format!("TestGraph has no answer for {request}; the nearest it has is {nearest}"),
                None => format!("TestGraph has no answer for {request}, and none registered"),
            };
            return Answer::Reply(Reply::error(501, "NotImplemented", &message));
        };
        let registered = &mut self.answers[index];
        registered.served.push(at);
        let Some(reply) = registered.replies.get(registered.next).cloned() else {
            let message = format!("TestGraph: the test gave {} no reply", registered.shown);
            return Answer::Reply(Reply::error(501, "NotImplemented", &message));
        };
        registered.next = (registered.next + 1).min(registered.replies.len() - 1);
        self.reply(reply, &request)
    }

    /// The registered answers of `request`: those of its query first, then
    /// those of its path, the latest of each first, then the routes.
    fn matching(&self, request: &Recorded) -> Option<usize> {
        let options = options_without_paging(&request.query);
        let segments: Vec<&str> = request.path.trim_matches('/').split('/').collect();
        let rank = |registered: &Registered| -> Option<u8> {
            if registered.method != request.method {
                return None;
            }
            match &registered.matcher {
                Matcher::Exact { path, query } if *path == request.path => match query {
                    Some(query) if registered.match_query => (options_without_paging(query) == options).then_some(2),
                    _ => Some(1),
                },
                Matcher::Exact { .. } => None,
                Matcher::Template(template) => (template.len() == segments.len()
                    && template
                        .iter()
                        .zip(&segments)
                        .all(|(want, segment)| want.as_deref().is_none_or(|want| want == *segment)))
                .then_some(0),
            }
        };
        let mut best: Option<(u8, usize)> = None;
        for (index, registered) in self.answers.iter().enumerate() {
            if let Some(rank) = rank(registered) {
                if best.is_none_or(|(best_rank, _)| rank >= best_rank) {
                    best = Some((rank, index));
                }
            }
        }
        best.map(|(_, index)| index)
    }

    /// The registered answer most like `request`: the longest shared beginning.
    fn nearest(&self, request: &Recorded) -> Option<&str> {
        let wanted = format!("{} {}", request.method, request.path);
        self.answers
            .iter()
            .max_by_key(|registered| {
                wanted
                    .chars()
                    .zip(registered.shown.chars())
                    .take_while(|(a, b)| a == b)
                    .count()
            })
            .map(|registered| registered.shown.as_str())
    }

    fn reply(&mut self, step: Step, request: &Recorded) -> Answer {
        match step {
            Step::Fixed(reply) => Answer::Reply(reply),
            Step::By(rule) => Answer::Reply(rule(request)),
            Step::Drop => Answer::Drop,
            Step::Collection {
                rounds,
                delta,
                page_size,
            } => Answer::Reply(self.page(&rounds, delta, page_size, request)),
            Step::UploadSession { item } => {
                self.sessions.push(Session {
                    bytes: Vec::new(),
                    total: None,
                    item,
                    open: true,
                });
                let url = format!("{}/_upload/{}?tempauth=test", self.base, self.sessions.len());
                Answer::Reply(session_answer(200, Some(&url), 0))
            }
        }
    }

    /// One page of a collection, where the request's `$skiptoken` and
    /// `$deltatoken` say.
    fn page(&self, rounds: &[Vec<Value>], delta: bool, page_size: Option<usize>, request: &Recorded) -> Reply {
        let number = |name: &str| request.query(name).and_then(|value| value.parse::<usize>().ok());
        let round = number("$deltatoken").unwrap_or(0);
        let offset = number("$skiptoken").unwrap_or(0);
        let size = number("$top")
            .filter(|&top| top > 0)
            .or(page_size)
            .unwrap_or(DEFAULT_PAGE_SIZE);
        let items: &[Value] = rounds.get(round).map_or(&[], Vec::as_slice);
        let page: Vec<Value> = items.iter().skip(offset).take(size).cloned().collect();
        let link = |token: (&str, usize), keep: bool| {
            let mut query: Vec<(String, String)> = if keep {
                request
                    .query
                    .iter()
                    .filter(|(name, _)| !PAGING.contains(&name.as_str()))
                    .cloned()
                    .collect()
            } else {
                Vec::new()
            };
            if delta && token.0 == "$skiptoken" {
                query.push(("$deltatoken".to_owned(), round.to_string()));
            }
            query.push((token.0.to_owned(), token.1.to_string()));
            let mut url = Url::parse(&format!("{}/v1.0{}", self.base, request.path)).expect("a received path parses");
            url.query_pairs_mut().extend_pairs(query);
            Value::String(url.into())
        };
        let mut body = Map::new();
        body.insert("value".to_owned(), Value::Array(page));
        if offset + size < items.len() {
            body.insert("@odata.nextLink".to_owned(), link(("$skiptoken", offset + size), true));
        } else if delta {
            let next = (round + 1).min(rounds.len());
            body.insert("@odata.deltaLink".to_owned(), link(("$deltatoken", next), false));
        }
        Reply::json(200, &body)
    }

    /// A `$batch`: each request answered as if sent alone, the answers in
    /// reverse order (Graph gives no order); a request whose `dependsOn`
    /// failed is `424`. A dropped connection drops the whole batch.
    fn batch(&mut self, request: &Recorded) -> Answer {
        #[derive(serde::Deserialize)]
        struct Batch {
            requests: Vec<Item>,
        }
        #[derive(serde::Deserialize)]
        struct Item {
            id: String,
            method: String,
            url: String,
            #[serde(default)]
            headers: Map<String, Value>,
            #[serde(default)]
            body: Option<Value>,
            #[serde(default, rename = "dependsOn")]
            depends_on: Vec<String>,
        }
        let Ok(batch) = serde_json::from_slice::<Batch>(&request.body) else {
            return bad_request("the $batch body is not {\"requests\": [...]}");
        };
        let mut statuses: Vec<(String, u16)> = Vec::new();
        let mut answers = Vec::new();
        for step in batch.requests {
            let failed = step.depends_on.iter().any(|id| {
                statuses
                    .iter()
                    .any(|(done, status)| done == id && !(200..300).contains(status))
            });
            let (status, headers, body) = if failed {
                (424, Vec::new(), Vec::new())
            } else {
                let Ok(method) = Method::from_bytes(step.method.as_bytes()) else {
                    return bad_request("a batched request has an invalid method");
                };
                let Ok(target) = Url::parse(&format!("{}/v1.0{}", self.base, step.url)) else {
                    return bad_request("a batched request's url is not a path below the service root");
                };
                let headers: Vec<(String, String)> = step
                    .headers
                    .iter()
                    .map(|(name, value)| (name.to_ascii_lowercase(), value.as_str().unwrap_or_default().to_owned()))
                    .collect();
                let json = headers
                    .iter()
                    .find(|(name, _)| name == "content-type")
                    .is_none_or(|(_, value)| value.contains("json"));
                let body = match step.body {
                    None => Vec::new(),
                    Some(Value::String(text)) if !json => Base64Bytes::decode(&text).map_or(text.into_bytes(), |b| b.0),
                    Some(value) => value.to_string().into_bytes(),
                };
                let item = Recorded {
                    authorized: request.authorized,
                    claims: request.claims.clone(),
                    in_batch: true,
                    ..Recorded::new(method, &target, "/v1.0", headers, body)
                };
                match self.handle(item) {
                    Answer::Drop => return Answer::Drop,
                    Answer::Reply(Reply { status, headers, body }) => (status, headers, body),
                }
            };
            statuses.push((step.id.clone(), status));
            let json = headers
                .iter()
                .find(|(name, _)| name == "content-type")
                .is_none_or(|(_, value)| value.contains("json"));
            let mut answer = Map::new();
            answer.insert("id".to_owned(), step.id.into());
            answer.insert("status".to_owned(), status.into());
            answer.insert(
                "headers".to_owned(),
                Value::Object(headers.into_iter().map(|(name, value)| (name, value.into())).collect()),
            );
            if !body.is_empty() {
                let body = match serde_json::from_slice::<Value>(&body) {
                    Ok(value) if json => value,
                    _ => Base64Bytes(body).encode().into(),
                };
                answer.insert("body".to_owned(), body);
            }
            answers.push(Value::Object(answer));
        }
        answers.reverse();
        Answer::Reply(Reply::json(200, &json!({ "responses": answers })))
    }

    /// A request to an upload session's URL, as OneDrive answers it.
    fn upload(&mut self, request: &Recorded) -> Reply {
        let number = request.path.trim_start_matches("/_upload/").parse::<usize>().ok();
        let Some(session) = number
            .and_then(|n| self.sessions.get_mut(n.wrapping_sub(1)))
            .filter(|s| s.open)
        else {
            return Reply::error(404, "itemNotFound", "The upload session was not found");
        };
        if request.authorized {
            return Reply::error(
                401,
                "InvalidAuthenticationToken",
                "An upload URL is pre-authenticated: no Authorization header may come with it",
            );
        }
        match request.method.as_str() {
            "GET" => return session_answer(200, None, session.bytes.len()),
            "DELETE" => {
                session.open = false;
                return Reply::raw(204, "", Vec::new());
            }
            "PUT" => {}
            _ => return Reply::error(405, "invalidRequest", "An upload session takes PUT, GET and DELETE"),
        }
        let Some((first, last, total)) = request.header("content-range").and_then(content_range) else {
            return Reply::error(
                400,
                "invalidRequest",
                "A slice needs Content-Range: bytes first-last/total",
            );
        };
        let fits = first == session.bytes.len() as u64
            && last >= first
            && last - first + 1 == request.body.len() as u64
            && last < total
            && session.total.is_none_or(|known| known == total);
        if !fits {
            return Reply::error(
                416,
                "invalidRange",
                &format!(
                    "The slice bytes {first}-{last}/{total} with {} bytes does not follow the {} bytes received",
                    request.body.len(),
                    session.bytes.len()
                ),
            );
        }
        session.total = Some(total);
        session.bytes.extend_from_slice(&request.body);
        if session.bytes.len() as u64 == total {
            session.open = false;
            return Reply::json(201, &session.item);
        }
        session_answer(202, None, session.bytes.len())
    }
}

/// An upload session of the graph.
struct Session {
    bytes: Vec<u8>,
    total: Option<u64>,
    item: Value,
    open: bool,
}

fn session_answer(status: u16, url: Option<&str>, next: usize) -> Reply {
    let expires = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now() + Duration::from_secs(3600));
    let mut body = json!({
        "expirationDateTime": expires.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "nextExpectedRanges": [format!("{next}-")],
    });
    if let Some(url) = url {
        body["uploadUrl"] = url.into();
    }
    Reply::json(status, &body)
}

/// `bytes first-last/total`.
fn content_range(value: &str) -> Option<(u64, u64, u64)> {
    let (range, total) = value.strip_prefix("bytes ")?.split_once('/')?;
    let (first, last) = range.split_once('-')?;
    Some((first.parse().ok()?, last.parse().ok()?, total.parse().ok()?))
}

fn bad_request(message: &str) -> Answer {
    Answer::Reply(Reply::error(400, "BadRequest", message))
}
