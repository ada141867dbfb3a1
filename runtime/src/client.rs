//! The client every generated request builder sends through, and its settings.
//!
//! # How every call behaves
//!
//! Every generated client behaves like Microsoft's own Graph SDKs:
//!
//! | behaviour | default | configure |
//! |---|---|---|
//! | Retries | only 429, 503, 504; `Retry-After` (seconds or HTTP date) honoured, else `3 s × 2^(n-1)` plus up to 3 s of jitter; 3 retries (at most 10); 180 s of waiting in all at most, beyond which the last answer is returned; a `Retry-Attempt: n` header on retries | `ClientBuilder::retry_policy(RetryPolicy::default().max_retries(5).base_delay(..).max_total_delay(..))`, per call `.retry(..)`; by cause: `.retry_throttled(false)` (429) or `.retry_unavailable(false)` (503, 504); `RetryPolicy::none()` turns retries off |
//! | Paging | `pages()`, `items()`, `collect_all()` follow `@odata.nextLink`; a link already followed ends them with `Error::PagingLoop` instead of going round forever; a delta query's `@odata.deltaLink` is on the last page, on `items().delta_link()` once the stream ends, and in `collect_delta()` | per call `.max_pages(n)` |
//! | Other errors | 500 and 4XX other than 429 return at once as `Error::Graph` | |
//! | Redirects | 301, 302, 303, 307, 308, at most 5 (then `Error::TooManyRedirects`); 303 becomes GET; the token is sent only to the service root's scheme, host and port, so it never follows a redirect elsewhere | `max_redirects(n)` |
//! | Headers | a fresh UUID `client-request-id` per call (the same on its retries), `SdkVersion` and `User-Agent: graphgen-rust/0.1.0`, `Accept: application/json` | |
//! | Responses | `send_with_response()` gives the value with `status`, `request_id`, `client_request_id`, `date`, `attempts` and every header (`headers`) | |
//! | Timeouts | 100 s per attempt (connect to end of body); `Error::Timeout { after }`; not retried | `timeout(..)`, per call `.timeout(..)` |
//! | Body limit | 64 MiB; `Error::BodyTooLarge` | `max_response_bytes(n)` |
//! | Bodies | a 2XX that is not JSON is `Error::UnexpectedContentType`; malformed JSON, or a body whose whole shape is wrong (a list for an object), `Error::Decode` with the JSON path (`value[3].registeredDateTime`); both with the status and the body's first 200 characters. One value that does not fit its type does not fail the call (below) | `strict(true)`, per call `.strict(..)`: such a value is an `Error::Decode` with its path |
//! | Transport | HTTPS is required for any service root that is not loopback | `allow_insecure_http()` |
//! | Claims challenges (continuous access evaluation) | a `401` with `WWW-Authenticate: ... error="insufficient_claims", claims="<base64>"` asks the token source for a token with those claims (decoded JSON) and sends the request once more; a second challenge, or a source that cannot take claims, is the `Error::Graph` 401 | implement `TokenSource::token_with_claims` (`StaticToken` and `AzureCredential` cannot: `azure_core` 1.1's token options carry no claims) |
//! | Compression | `Accept-Encoding: gzip`; gzip answers are decompressed (the body limit counts decompressed bytes) | |
//! | Inspection | none | `inspect(\|exchange\| ...)`: called with each answer of each attempt and redirect hop: method, URL, request headers as sent (never `Authorization`), status, response headers |
//! | Tokens | the `TokenSource` is asked before every attempt, so refreshed tokens are used; tokens never appear in `Debug`, errors, logs or panics | feature `azure` (off by default): `runtime::azure::AzureCredential` wraps any `azure_core` `TokenCredential` (for example from `azure_identity`), asking for `https://<cloud host>/.default` |
//! | Tracing | a `graph_request` span per call (`tracing`) with `method`, the path *template* (never the user id or UPN, which are personal data), `status`, `attempts`, `duration_ms`; a debug event per retry | any `tracing` subscriber |
//!
//! Redirects and retries are all in memory: request bodies are always replayable. A request whose
//! connection dropped or timed out is never sent again by the client (it may have been carried
//! out): the call ends with `Error::Transport` or `Error::Timeout`.
//!
//! # Delta sync
//!
//! A delta query's last page carries `@odata.deltaLink`: `collect_delta()` gives
//! every item and that link (the last page of `pages()` has it as `delta_link()`, and the stream
//! `items()` returns has it as `delta_link()` once it has ended), and
//! `.starting_at(link)` sends the same call to a saved delta link (or next link) instead:
//!
//! ```ignore
//! let mut link: Option<String> = load_saved_link();
//! loop {
//!     let call = client.users().delta().get();
//!     let call = match &link { Some(link) => call.starting_at(link), None => call };
//!     let round = call.collect_delta().await?;
//!     apply(round.items);
//!     link = round.delta_link; // save it; wait; go again for what changed since
//! }
//! ```

use std::collections::HashSet;
use std::fmt;
use std::future::IntoFuture;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{Stream, TryStreamExt};
use percent_encoding::utf8_percent_encode;
use reqwest::{Method, Url};
use serde::Serialize;

use super::auth::{BoxFuture, TokenSource};
use super::cloud::Cloud;
use super::error::Error;
use super::path::{RequestPath, UNRESERVED_ONLY};
use super::read::FromJson;
use super::retry::RetryPolicy;
use super::send::{self, Exchange, Inspector, RawResponse, Settings};

/// The API version a client addresses unless told otherwise.
pub const DEFAULT_API_VERSION: &str = "v1.0";

/// How long a request may take, from connecting to the end of the body, by default.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(100);

/// How many redirects a request follows by default.
pub const DEFAULT_MAX_REDIRECTS: usize = 5;

/// The largest response body read by default.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// A Microsoft Graph client: a service root, a token source, an HTTP
/// connection pool and the request policy. Cloning is cheap and shares them.
#[derive(Clone)]
pub struct GraphClient {
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    pub(super) http: reqwest::Client,
    pub(super) service_root: String,
    pub(super) service_origin: url::Origin,
    pub(super) tokens: Box<dyn TokenSource>,
    pub(super) settings: Settings,
    pub(super) inspect: Option<Inspector>,
}

impl GraphClient {
    /// A client of `cloud`'s v1.0 endpoint with the default policy.
    pub fn new(cloud: Cloud, tokens: impl TokenSource + 'static) -> Result<Self, Error> {
        Self::builder(tokens).cloud(cloud).build()
    }

    /// A builder, to choose the cloud, a custom service root, the HTTP client,
    /// retries, timeouts and limits.
    pub fn builder(tokens: impl TokenSource + 'static) -> ClientBuilder {
        ClientBuilder {
            tokens: Box::new(tokens),
            cloud: Cloud::Global,
            api_version: DEFAULT_API_VERSION.to_owned(),
            base_url: None,
            http: None,
            allow_insecure_http: false,
            inspect: None,
            settings: Settings {
                retry: RetryPolicy::default(),
                timeout: DEFAULT_TIMEOUT,
                max_redirects: DEFAULT_MAX_REDIRECTS,
                max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
                strict: false,
            },
        }
    }

    /// The service root requests go to, for example `https://graph.microsoft.com/v1.0`.
    pub fn service_root(&self) -> &str {
        &self.inner.service_root
    }
}

impl fmt::Debug for GraphClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GraphClient")
            .field("service_root", &self.inner.service_root)
            .field("settings", &self.inner.settings)
            .finish_non_exhaustive()
    }
}

/// Configures a [`GraphClient`].
pub struct ClientBuilder {
    tokens: Box<dyn TokenSource>,
    cloud: Cloud,
    api_version: String,
    base_url: Option<String>,
    http: Option<reqwest::Client>,
    allow_insecure_http: bool,
    inspect: Option<Inspector>,
    settings: Settings,
}

impl ClientBuilder {
    /// The national cloud to call (default: [`Cloud::Global`]).
    pub fn cloud(mut self, cloud: Cloud) -> Self {
        self.cloud = cloud;
        self
    }

    /// The API version of the cloud's endpoint (default: `v1.0`).
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = version.into();
        self
    }

    /// A custom service root including the version, for example a proxy or a
    /// test server: `http://127.0.0.1:8080/v1.0`. It replaces the cloud.
    /// It must be HTTPS unless it is a loopback address or
    /// [`allow_insecure_http`](Self::allow_insecure_http) is called.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Permits a plain-HTTP service root that is not a loopback address.
    /// Tokens then cross the network unencrypted: only for trusted networks.
    pub fn allow_insecure_http(mut self) -> Self {
        self.allow_insecure_http = true;
        self
    }

    /// The `reqwest` client to send with, for custom TLS or proxy settings.
    /// It should not follow redirects itself (`redirect::Policy::none()`):
    /// the Graph client follows them, dropping the token across origins.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// How throttled (429) and unavailable (503, 504) responses are retried
    /// (default: [`RetryPolicy::default`]; [`RetryPolicy::none`] turns retries off).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.settings.retry = policy;
        self
    }

    /// How long one attempt may take, connecting to the end of the body (default 100 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = timeout;
        self
    }

    /// How many redirects one attempt follows (default 5).
    pub fn max_redirects(mut self, redirects: usize) -> Self {
        self.settings.max_redirects = redirects;
        self
    }

    /// The largest response body accepted (default 64 MiB).
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.settings.max_response_bytes = bytes;
        self
    }

    /// Whether a value in an answer that does not fit its type fails the call
    /// with [`Error::Decode`] naming where it is (default `false`: the value is
    /// kept as received in its object's `additional_properties`, and a
    /// `tracing` warning names where it is). [`Call::strict`] overrides it.
    pub fn strict(mut self, strict: bool) -> Self {
        self.settings.strict = strict;
        self
    }

    /// Calls `inspect` with every answer the client receives (each retry and
    /// redirect hop too): the request's method, URL and headers as sent (never
    /// `Authorization`), and the answer's status and headers. For logging,
    /// metrics or a test's assertions; it runs on the request's task, so it
    /// should return quickly.
    pub fn inspect(mut self, inspect: impl Fn(&Exchange<'_>) + Send + Sync + 'static) -> Self {
        self.inspect = Some(Arc::new(inspect));
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<GraphClient, Error> {
        let service_root = match self.base_url {
            Some(url) => checked_service_root(&url, self.allow_insecure_http)?,
            None => self.cloud.service_root(&self.api_version),
        };
        let service_origin = Url::parse(&service_root)
            .map_err(|error| Error::InvalidBaseUrl(format!("{service_root:?}: {error}")))?
            .origin();
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(Error::Transport)?,
        };
        Ok(GraphClient {
            inner: Arc::new(Inner {
                http,
                service_root,
                service_origin,
                tokens: self.tokens,
                settings: self.settings,
                inspect: self.inspect,
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("cloud", &self.cloud)
            .field("api_version", &self.api_version)
            .field("base_url", &self.base_url)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

fn checked_service_root(url: &str, allow_insecure_http: bool) -> Result<String, Error> {
    let invalid = |reason: &str| Error::InvalidBaseUrl(format!("{url:?}: {reason}"));
    let parsed = Url::parse(url).map_err(|error| invalid(&error.to_string()))?;
    match parsed.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&parsed) => {}
        "http" => {
            return Err(invalid(
                "plain HTTP is only allowed for loopback addresses unless allow_insecure_http() is called",
            ))
        }
        _ => return Err(invalid("the scheme must be https (or http)")),
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(invalid("a service root has no query or fragment"));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(address)) => IpAddr::V4(address).is_loopback(),
        Some(url::Host::Ipv6(address)) => IpAddr::V6(address).is_loopback(),
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// A successful response: the decoded body and what the server said about it.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphResponse<T> {
    /// The decoded body.
    pub value: T,
    /// The HTTP status, for example 200.
    pub status: u16,
    /// The `request-id` Microsoft support asks for.
    pub request_id: Option<String>,
    /// The `client-request-id` this call was sent with.
    pub client_request_id: String,
    /// The response's `Date` header.
    pub date: Option<String>,
    /// How many times the request was sent (1 when it was not retried).
    pub attempts: u32,
    /// Every header of the answer (`ETag`, `Location`, ...); in a batch, the call's own.
    pub headers: reqwest::header::HeaderMap,
}

/// One request, sent when awaited: `client.users().by_user_id(id).get().await`.
/// The policy of the client applies unless this call overrides it.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<T> {
    client: GraphClient,
    method: Method,
    target: Target,
    query: Vec<(&'static str, String)>,
    headers: Vec<(&'static str, String)>,
    body: Option<Body>,
    retry: Option<RetryPolicy>,
    timeout: Option<Duration>,
    strict: Option<bool>,
    max_pages: Option<usize>,
    decode: Decoder<T>,
}

/// Turns the final response of a call into its value.
pub type Decoder<T> = fn(&RawResponse, &Settings) -> Result<T, Error>;

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

impl GraphClient {
    fn call_decoded<T>(&self, method: Method, path: RequestPath, decode: Decoder<T>) -> Call<T> {
        Call {
            client: self.clone(),
            method,
            target: Target::Path(path),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            retry: None,
            timeout: None,
            strict: None,
            max_pages: None,
            decode,
        }
    }

    /// A request of `method` on `path` whose successful response body is a
    /// `T` in JSON (an empty body reads as `null`, which `()` expects).
    /// Generated request builders call this; nothing is sent until it is awaited.
    pub fn call<T: FromJson>(&self, method: Method, path: RequestPath) -> Call<T> {
        self.call_decoded(method, path, send::json::<T>)
    }

    /// A request whose successful response body is raw bytes (`application/octet-stream`).
    pub fn call_bytes(&self, method: Method, path: RequestPath) -> Call<Vec<u8>> {
        self.call_decoded(method, path, send::bytes)
    }

    /// A request whose successful response body is a count in plain text (`$count`).
    pub fn call_count(&self, method: Method, path: RequestPath) -> Call<i64> {
        self.call_decoded(method, path, send::count)
    }
}

impl<T> fmt::Debug for Call<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let template = match &self.target {
            Target::Path(path) => path.template(),
            Target::NextLink { template, .. } => template,
        };
        f.debug_struct("Call")
            .field("method", &self.method)
            .field("path", &template)
            .field("query", &self.query.iter().map(|(name, _)| *name).collect::<Vec<_>>())
            .field("retry", &self.retry)
            .field("timeout", &self.timeout)
            .field("strict", &self.strict)
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
    /// Retries this call with `policy` instead of the client's.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Gives each attempt of this call `timeout` instead of the client's.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Whether a value in the answer that does not fit its type fails this
    /// call, instead of the client's choice ([`ClientBuilder::strict`]).
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = Some(strict);
        self
    }

    /// Adds a query option, for example `$top`; the value is percent-encoded.
    pub fn query(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.query.push((name, value.into()));
        self
    }

    /// Adds a request header, for example `ConsistencyLevel: eventual`.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// Adds a query option when it is set (lists comma-separated), as the
    /// operations' `..._with` methods do with their parameters.
    pub fn query_option(self, name: &'static str, value: Option<impl ParameterValue>) -> Self {
        match value {
            Some(value) => self.query(name, value.into_parameter()),
            None => self,
        }
    }

    /// Adds a request header when it is set (lists comma-separated).
    pub fn header_option(self, name: &'static str, value: Option<impl ParameterValue>) -> Self {
        match value {
            Some(value) => self.header(name, value.into_parameter()),
            None => self,
        }
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

    /// The same request again, on a page link: same headers and policy, no
    /// query (the link carries it), no body.
    fn follow(&self, link: &str) -> Self {
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
            retry: self.retry,
            timeout: self.timeout,
            strict: self.strict,
            max_pages: self.max_pages,
            decode: self.decode,
        }
    }

    /// Sends the request and decodes the response.
    pub async fn send(self) -> Result<T, Error> {
        self.send_with_response().await.map(|response| response.value)
    }

    /// Sends the request and returns the decoded body with the response's
    /// request-id, client-request-id, date and the number of attempts.
    pub async fn send_with_response(self) -> Result<GraphResponse<T>, Error> {
        let inner = &self.client.inner;
        let settings = self.settings();
        let (url, template) = match &self.target {
            Target::Path(path) => (
                format!("{}{}", inner.service_root, self.path_and_query(path)?),
                path.template(),
            ),
            Target::NextLink { url, template } => (url.clone(), template.as_str()),
        };
        let url = Url::parse(&url).map_err(|error| Error::InvalidBaseUrl(error.to_string()))?;
        let body = match self.body {
            Some(Body { content_type, bytes }) => Some((content_type, bytes.map_err(Error::Encode)?)),
            None => None,
        };
        let request = send::Request {
            method: self.method,
            url,
            template,
            headers: &self.headers,
            body: body
                .as_ref()
                .map(|(content_type, bytes)| (*content_type, bytes.as_slice())),
            authenticate: true,
        };
        let raw = send::execute(inner, request, &settings).await?;
        answer(raw, self.decode, &settings)
    }

    /// The client's policy with this call's own choices over it.
    fn settings(&self) -> Settings {
        let mut settings = self.client.inner.settings;
        settings.retry = self.retry.unwrap_or(settings.retry);
        settings.timeout = self.timeout.unwrap_or(settings.timeout);
        settings.strict = self.strict.unwrap_or(settings.strict);
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

    /// This call as one request of a JSON batch, and how its answer is read.
    pub(super) fn into_batch_step(self) -> (Result<BatchStep, Error>, Decoder<T>, Settings) {
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

/// The final answer to a call, as its caller gets it: an error status is a
/// [`GraphError`](super::error::GraphError), any other is decoded.
pub(super) fn answer<T>(raw: RawResponse, decode: Decoder<T>, settings: &Settings) -> Result<GraphResponse<T>, Error> {
    if !(200..300).contains(&raw.status) {
        return Err(raw.graph_error());
    }
    let value = decode(&raw, settings)?;
    Ok(GraphResponse {
        value,
        status: raw.status,
        request_id: raw.header("request-id"),
        date: raw.header("date"),
        attempts: raw.attempts,
        client_request_id: raw.client_request_id,
        headers: raw.headers,
    })
}

impl<T: Send + 'static> IntoFuture for Call<T> {
    type Output = Result<T, Error>;
    type IntoFuture = BoxFuture<'static, Result<T, Error>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// A page of a collection: its items and the link to the next page.
/// Generated collection responses implement it.
pub trait Page: Send + 'static {
    /// The type of the items.
    type Item: Send + 'static;

    /// `@odata.nextLink`: where the next page is, if there is one.
    fn next_link(&self) -> Option<&str>;

    /// `@odata.deltaLink`: on the last page of a delta query, where the next
    /// round of changes starts.
    fn delta_link(&self) -> Option<&str> {
        None
    }

    /// The items of this page.
    fn into_items(self) -> Vec<Self::Item>;
}

/// Every item of a collection, and the `@odata.deltaLink` its last page gave.
#[derive(Clone, Debug, PartialEq)]
pub struct Collected<T> {
    /// The items of every page, in order.
    pub items: Vec<T>,
    /// Where the next round of a delta query starts: save it, and start the
    /// next sync from it with [`Call::starting_at`].
    pub delta_link: Option<String>,
}

impl<P: Page> Call<P> {
    /// The same call sent to a link Graph gave earlier instead: a saved
    /// `@odata.deltaLink` (the changes since) or `@odata.nextLink` (the rest
    /// of a collection). The token still goes only to the service root's origin.
    pub fn starting_at(self, link: &str) -> Self {
        self.follow(link)
    }

    /// Reads at most `pages` pages; the stream ends after them.
    pub fn max_pages(mut self, pages: usize) -> Self {
        self.max_pages = Some(pages);
        self
    }

    /// Every page, following `@odata.nextLink`, as a stream. Each page is a
    /// call of its own, with the same headers, retries and timeout. A link
    /// already followed ends the stream with [`Error::PagingLoop`]; the last
    /// page of a delta query has its [`delta_link`](Page::delta_link).
    pub fn pages(self) -> impl Stream<Item = Result<P, Error>> + Send + 'static {
        let limit = self.max_pages.unwrap_or(usize::MAX);
        let state = Paging {
            next: Some(self),
            seen: HashSet::new(),
            read: 0,
        };
        futures_util::stream::try_unfold(state, move |mut state| async move {
            let Some(call) = state.next.take() else { return Ok(None) };
            if state.read >= limit {
                return Ok(None);
            }
            let template = call.follow("");
            let page = call.send().await?;
            state.read += 1;
            if let Some(link) = page.next_link() {
                if !state.seen.insert(link.to_owned()) {
                    return Err(Error::PagingLoop { pages: state.read });
                }
                state.next = Some(template.follow(link));
            }
            Ok(Some((page, state)))
        })
    }

    /// Every item of every page, as a stream. Once it has ended,
    /// [`Items::delta_link`] is the last page's `@odata.deltaLink`.
    pub fn items(self) -> Items<P> {
        Items {
            pages: Box::pin(self.pages()),
            current: Vec::new().into_iter(),
            delta_link: None,
        }
    }

    /// Every item of every page, collected.
    pub async fn collect_all(self) -> Result<Vec<P::Item>, Error> {
        self.items().try_collect().await
    }

    /// Every item of every page, and the `@odata.deltaLink` of the last one:
    /// one round of a delta sync.
    pub async fn collect_delta(self) -> Result<Collected<P::Item>, Error> {
        let mut items = self.items();
        let mut collected = Vec::new();
        while let Some(item) = items.try_next().await? {
            collected.push(item);
        }
        Ok(Collected {
            items: collected,
            delta_link: items.delta_link,
        })
    }
}

/// The items of a collection, page after page: a `Stream` of
/// `Result<item, Error>` from [`Call::items`].
#[must_use = "streams do nothing unless polled"]
pub struct Items<P: Page> {
    pages: std::pin::Pin<Box<dyn Stream<Item = Result<P, Error>> + Send>>,
    current: std::vec::IntoIter<P::Item>,
    delta_link: Option<String>,
}

impl<P: Page> Items<P> {
    /// The `@odata.deltaLink` of the last page read, once the stream has
    /// reached it: where the next round of a delta sync starts.
    pub fn delta_link(&self) -> Option<&str> {
        self.delta_link.as_deref()
    }
}

// Nothing inside is ever pinned: the page stream is boxed, items are moved out.
impl<P: Page> Unpin for Items<P> {}

impl<P: Page> Stream for Items<P> {
    type Item = Result<P::Item, Error>;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.current.next() {
                return std::task::Poll::Ready(Some(Ok(item)));
            }
            match futures_util::ready!(this.pages.as_mut().poll_next(cx)) {
                Some(Ok(page)) => {
                    if let Some(link) = page.delta_link() {
                        this.delta_link = Some(link.to_owned());
                    }
                    this.current = page.into_items().into_iter();
                }
                Some(Err(error)) => return std::task::Poll::Ready(Some(Err(error))),
                None => return std::task::Poll::Ready(None),
            }
        }
    }
}

impl<P: Page> fmt::Debug for Items<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("buffered", &self.current.len())
            .field("delta_link", &self.delta_link.is_some())
            .finish_non_exhaustive()
    }
}

struct Paging<P> {
    next: Option<Call<P>>,
    /// The links followed so far.
    seen: HashSet<String>,
    read: usize,
}
