//! One call: what it sends (method, path, query options, headers, body),
//! the policy it overrides, and how it is sent alone or handed to a batch.

use std::fmt;
use std::future::IntoFuture;
use std::marker::PhantomData;
use std::time::Duration;

use percent_encoding::utf8_percent_encode;
use reqwest::{Method, Url};
use serde::Serialize;

use super::answer::{self, answer, Decoder, GraphResponse};
use super::auth::BoxFuture;
use super::client::GraphClient;
use super::error::Error;
use super::path::{RequestPath, UNRESERVED_ONLY};
use super::query;
use super::read::FromJson;
use super::retry::RetryPolicy;
use super::send::{Request, Settings};

/// One request, sent when awaited: `client.users().by_user_id(id).get().await`.
/// The policy of the client applies unless this call overrides it.
///
/// ```no_run
/// # use graphgen_runtime::{client::GraphClient, path::RequestPath, retry::RetryPolicy};
/// # use std::time::Duration;
/// # async fn run(client: GraphClient) -> Result<(), graphgen_runtime::error::Error> {
/// # let get = || client.call::<serde_json::Value>(reqwest::Method::GET, RequestPath::root().segment("organization"));
/// // `get()` is a generated operation's call, for example client.organization().get()
/// let answer = get()
///     .query("$select", "id,displayName")
///     .retry(RetryPolicy::none())
///     .timeout(Duration::from_secs(10))
///     .send_with_response()
///     .await?;
/// println!("{} after {} attempt(s), request-id {:?}", answer.status, answer.attempts, answer.request_id);
/// let value = get().await?; // the value alone
/// # Ok(()) }
/// ```
///
/// `O` says which query options and headers the operation takes, each a setter
/// ([`options`](super::options)): a generated operation's call is a
/// `Call<T, (Builder, Method)>`, one without options a `Call<T>`.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<T, O = ()> {
    client: GraphClient,
    method: Method,
    target: Target,
    query: Vec<(&'static str, String)>,
    headers: Vec<(&'static str, String)>,
    body: Option<Body>,
    policy: Overrides,
    decode: Decoder<T>,
    /// The operation sends `ConsistencyLevel: eventual` for advanced queries.
    eventual: bool,
    options: PhantomData<fn() -> O>,
}

/// What a call chooses over its client's policy.
#[derive(Clone, Copy, Debug, Default)]
struct Overrides {
    retry: Option<RetryPolicy>,
    timeout: Option<Duration>,
    strict: Option<bool>,
    max_pages: Option<usize>,
}

/// Where a call goes: a path below the service root, or a page link Graph gave.
#[derive(Clone)]
enum Target {
    Path(RequestPath),
    NextLink { url: String, template: String },
}

struct Body {
    content_type: &'static str,
    bytes: Result<Vec<u8>, serde_json::Error>,
}

/// The calls generated request builders make: nothing is sent until one is awaited.
impl GraphClient {
    /// A request of `method` on `path` whose successful response body is a
    /// `T` in JSON (an empty body reads as `null`, which `()` expects).
    /// Generated request builders call this; nothing is sent until it is awaited.
    pub fn call<T: FromJson>(&self, method: Method, path: RequestPath) -> Call<T> {
        Call::new(self.clone(), method, path, answer::json::<T>)
    }

    /// A request whose successful response body is raw bytes (`application/octet-stream`).
    pub fn call_bytes(&self, method: Method, path: RequestPath) -> Call<Vec<u8>> {
        Call::new(self.clone(), method, path, answer::bytes)
    }

    /// A request whose successful response body is a count in plain text (`$count`).
    pub fn call_count(&self, method: Method, path: RequestPath) -> Call<i64> {
        Call::new(self.clone(), method, path, answer::count)
    }
}

impl<T, O> fmt::Debug for Call<T, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let template = match &self.target {
            Target::Path(path) => path.template(),
            Target::NextLink { template, .. } => template,
        };
        f.debug_struct("Call")
            .field("method", &self.method)
            .field("path", &template)
            .field("query", &self.query.iter().map(|(name, _)| *name).collect::<Vec<_>>())
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

/// A query option's or header's value as it is sent: lists comma-separated
/// (Graph's `style: form, explode: false`).
pub trait ParameterValue {
    /// The value as text.
    fn into_parameter(self) -> String;
}

impl ParameterValue for String {
    fn into_parameter(self) -> String {
        self
    }
}

impl ParameterValue for &str {
    fn into_parameter(self) -> String {
        self.to_owned()
    }
}

macro_rules! displayed_parameters {
    ($($type:ty),*) => {
        $(impl ParameterValue for $type {
            fn into_parameter(self) -> String {
                self.to_string()
            }
        })*
    };
}

displayed_parameters!(bool, i32, i64, u32, u64, f64);

impl<T: ParameterValue> ParameterValue for Vec<T> {
    fn into_parameter(self) -> String {
        self.into_iter().map(T::into_parameter).collect::<Vec<_>>().join(",")
    }
}

impl<T> Call<T> {
    /// A call of `method` on `path` through `client`, its answer read by `decode`.
    pub(super) fn new(client: GraphClient, method: Method, path: RequestPath, decode: Decoder<T>) -> Self {
        Call {
            client,
            method,
            target: Target::Path(path),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            policy: Overrides::default(),
            decode,
            eventual: false,
            options: PhantomData,
        }
    }
}

impl<T, O> Call<T, O> {
    /// The same call, taking the query options and headers `O2` says
    /// ([`options`](super::options)); generated operations call this.
    pub fn accepting<O2>(self) -> Call<T, O2> {
        let decode = self.decode;
        self.decoded_as(decode)
    }

    /// The same call, its answer read by `decode`, taking the options `O2`.
    pub(super) fn decoded_as<U, O2>(self, decode: Decoder<U>) -> Call<U, O2> {
        Call {
            client: self.client,
            method: self.method,
            target: self.target,
            query: self.query,
            headers: self.headers,
            body: self.body,
            policy: self.policy,
            decode,
            eventual: self.eventual,
            options: PhantomData,
        }
    }

    /// The client the call goes through.
    pub(super) fn client(&self) -> &GraphClient {
        &self.client
    }

    /// Marks the operation as one on directory objects, whose advanced
    /// queries need `ConsistencyLevel: eventual` and `$count=true`: the call
    /// adds them when its query is one ([`query::advanced`]) and it does not
    /// set `ConsistencyLevel` itself. Generated operations whose descriptions
    /// list `ConsistencyLevel` call this.
    pub fn advanced_queries(mut self) -> Self {
        self.eventual = true;
        self
    }

    /// The call as it is sent: with the header and option an advanced query
    /// needs, where its operation takes them and it has not set them.
    pub(super) fn prepared(mut self) -> Self {
        let Target::Path(path) = &self.target else { return self };
        let counting = path.template().ends_with("/$count");
        let set = self
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("ConsistencyLevel"));
        let query = self.query.iter().map(|(name, value)| (*name, value.as_str()));
        if !self.eventual || set || !(counting || query::advanced(query)) {
            return self;
        }
        self.headers.push(("ConsistencyLevel", "eventual".to_owned()));
        if !counting && !self.query.iter().any(|(name, _)| *name == "$count") {
            self.query.push(("$count", "true".to_owned()));
        }
        self
    }

    /// Retries this call with `policy` instead of the client's.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.policy.retry = Some(policy);
        self
    }

    /// Gives each attempt of this call `timeout` instead of the client's.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.policy.timeout = Some(timeout);
        self
    }

    /// Whether a value in the answer that does not fit its type fails this
    /// call, instead of the client's choice ([`ClientBuilder::strict`](super::client::ClientBuilder::strict)).
    pub fn strict(mut self, strict: bool) -> Self {
        self.policy.strict = Some(strict);
        self
    }

    /// Adds a query option (lists comma-separated); the value is
    /// percent-encoded. The setters of [`options`](super::options) are typed
    /// and say which operations take them; this is for the others.
    pub fn query(mut self, name: &'static str, value: impl ParameterValue) -> Self {
        self.query.push((name, value.into_parameter()));
        self
    }

    /// Adds a request header (lists comma-separated), for example `Prefer`.
    pub fn header(mut self, name: &'static str, value: impl ParameterValue) -> Self {
        self.headers.push((name, value.into_parameter()));
        self
    }

    /// Sends `body` as JSON.
    pub fn json_body(mut self, body: &impl Serialize) -> Self {
        self.body = Some(Body {
            content_type: "application/json",
            bytes: serde_json::to_vec(body),
        });
        self
    }

    /// Sends `bytes` as they are, with `content_type`.
    pub fn bytes_body(mut self, bytes: Vec<u8>, content_type: &'static str) -> Self {
        self.body = Some(Body {
            content_type,
            bytes: Ok(bytes),
        });
        self
    }

    /// Reads at most `pages` pages when paged; see [`Call::max_pages`].
    pub(super) fn with_page_limit(mut self, pages: usize) -> Self {
        self.policy.max_pages = Some(pages);
        self
    }

    /// How many pages paging reads at most.
    pub(super) fn page_limit(&self) -> Option<usize> {
        self.policy.max_pages
    }

    /// The same request again, on a page link: same headers and policy, no
    /// query (the link carries it), no body.
    pub(super) fn follow(&self, link: &str) -> Self {
        let template = match &self.target {
            Target::Path(path) => path.template().to_owned(),
            Target::NextLink { template, .. } => template.clone(),
        };
        Call {
            client: self.client.clone(),
            method: Method::GET,
            target: Target::NextLink {
                url: link.to_owned(),
                template,
            },
            query: Vec::new(),
            headers: self.headers.clone(),
            body: None,
            policy: self.policy,
            decode: self.decode,
            eventual: self.eventual,
            options: PhantomData,
        }
    }

    /// Sends the request and decodes the response.
    pub async fn send(self) -> Result<T, Error> {
        self.send_with_response().await.map(|response| response.value)
    }

    /// Sends the request and returns the decoded body with the response's
    /// request-id, client-request-id, date and the number of attempts.
    pub async fn send_with_response(self) -> Result<GraphResponse<T>, Error> {
        self.prepared().send_as_is().await
    }

    /// Sends the request as it stands.
    async fn send_as_is(self) -> Result<GraphResponse<T>, Error> {
        let pipeline = self.client.pipeline();
        let settings = self.settings();
        let (url, template) = match &self.target {
            Target::Path(path) => (
                format!("{}{}", pipeline.service_root(), self.path_and_query(path)?),
                path.template(),
            ),
            Target::NextLink { url, template } => (url.clone(), template.as_str()),
        };
        let url = Url::parse(&url).map_err(|error| Error::InvalidBaseUrl(error.to_string()))?;
        let body = match self.body {
            Some(Body { content_type, bytes }) => Some((content_type, bytes.map_err(Error::Encode)?)),
            None => None,
        };
        let request = Request {
            method: self.method,
            url,
            template,
            headers: &self.headers,
            body: body
                .as_ref()
                .map(|(content_type, bytes)| (*content_type, bytes.as_slice())),
            authenticate: true,
        };
        let raw = pipeline.execute(request, &settings).await?;
        answer(raw, self.decode, settings.strict)
    }

    /// The client's policy with this call's own choices over it.
    fn settings(&self) -> Settings {
        let mut settings = self.client.pipeline().settings();
        settings.retry = self.policy.retry.unwrap_or(settings.retry);
        settings.timeout = self.policy.timeout.unwrap_or(settings.timeout);
        settings.strict = self.policy.strict.unwrap_or(settings.strict);
        settings
    }

    /// The encoded path below the service root with the query options.
    fn path_and_query(&self, path: &RequestPath) -> Result<String, Error> {
        let mut url = path
            .encoded()
            .map_err(|invalid| Error::InvalidPathParameter(invalid.clone()))?
            .to_owned();
        for (index, (name, value)) in self.query.iter().enumerate() {
            url.push(if index == 0 { '?' } else { '&' });
            url.push_str(name);
            url.push('=');
            url.extend(utf8_percent_encode(value, UNRESERVED_ONLY));
        }
        Ok(url)
    }

    /// The method, the path template and the URL below the service root
    /// (with its query) of the call as it is sent, for a test graph to match.
    #[cfg(feature = "testing")]
    pub(super) fn described(self) -> (Method, String, String) {
        let method = self.method.clone();
        let template = match &self.target {
            Target::Path(path) => path.template().to_owned(),
            Target::NextLink { template, .. } => template.clone(),
        };
        let url = match self.into_batch_step().0 {
            Ok(step) => step.url,
            Err(error) => panic!("a call a test answers has a valid path: {error}"),
        };
        (method, template, url)
    }

    /// This call as one request of a JSON batch, and how its answer is read.
    pub(super) fn into_batch_step(self) -> (Result<BatchStep, Error>, Decoder<T>, Settings) {
        self.prepared().into_batch_step_as_is()
    }

    fn into_batch_step_as_is(self) -> (Result<BatchStep, Error>, Decoder<T>, Settings) {
        let settings = self.settings();
        let url = match &self.target {
            Target::Path(path) => self.path_and_query(path),
            Target::NextLink { url, .. } => url
                .strip_prefix(self.client.service_root())
                .map(str::to_owned)
                .ok_or_else(|| {
                    // The link is not shown: it holds ids, which are personal data.
                    Error::InvalidBaseUrl("a batch carries only calls below the client's service root".to_owned())
                }),
        };
        let step = url.and_then(|url| {
            Ok(BatchStep {
                method: self.method,
                url,
                headers: self.headers,
                body: match self.body {
                    Some(Body { content_type, bytes }) => Some((content_type, bytes.map_err(Error::Encode)?)),
                    None => None,
                },
            })
        });
        (step, self.decode, settings)
    }
}

/// A call as one request of a JSON batch: the URL is relative to the service root.
pub(super) struct BatchStep {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<(&'static str, Vec<u8>)>,
}

impl<T: Send + 'static, O> IntoFuture for Call<T, O> {
    type Output = Result<T, Error>;
    type IntoFuture = BoxFuture<'static, Result<T, Error>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.accepting::<()>().send())
    }
}
