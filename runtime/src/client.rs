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

use std::fmt;
use std::marker::PhantomData;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;

use super::auth::TokenSource;
use super::cloud::Cloud;
use super::error::Error;
use super::retry::RetryPolicy;
use super::send::{Exchange, Inspector, Pipeline, Settings};

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
///
/// ```
/// # use graphgen_runtime::{auth::StaticToken, client::GraphClient, cloud::Cloud, retry::RetryPolicy};
/// # use std::time::Duration;
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let client = GraphClient::builder(StaticToken::new("eyJ0eXAi..."))
///     .cloud(Cloud::UsGovL4)
///     .retry_policy(RetryPolicy::default().max_retries(5))
///     .timeout(Duration::from_secs(30))
///     .build()?;
/// assert_eq!(client.service_root(), "https://graph.microsoft.us/v1.0");
///
/// // A test server, or a proxy: plain HTTP only on loopback.
/// let local = GraphClient::builder(StaticToken::new("token"))
///     .base_url("http://127.0.0.1:8080/v1.0")
///     .build()?;
/// assert_eq!(local.service_root(), "http://127.0.0.1:8080/v1.0");
/// assert!(GraphClient::builder(StaticToken::new("token")).base_url("http://example.com/v1.0").build().is_err());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct GraphClient {
    pipeline: Arc<Pipeline>,
}

impl GraphClient {
    /// A client of `cloud`'s v1.0 endpoint with the default policy.
    pub fn new(cloud: Cloud, tokens: impl TokenSource + 'static) -> Result<Self, Error> {
        Self::builder(tokens).cloud(cloud).build()
    }

    /// A builder, to choose the cloud, a custom service root, the HTTP client,
    /// retries, timeouts and limits.
    pub fn builder(tokens: impl TokenSource + 'static) -> ClientBuilder {
        ClientBuilder::new(tokens)
    }

    /// The service root requests go to, for example `https://graph.microsoft.com/v1.0`.
    pub fn service_root(&self) -> &str {
        self.pipeline.service_root()
    }

    /// What every request of this client is sent through.
    pub(super) fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }
}

/// The operations' example answers from their descriptions, which a test
/// graph answers with (`testing::Answers::example`). A generated crate's
/// client lists its own; nothing refers to them outside tests.
pub trait Examples {
    /// Each operation's example, by method and path template.
    const EXAMPLES: &'static [Example] = &[];
}

/// The example answer of one operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Example {
    /// `GET`.
    pub method: &'static str,
    /// `/users/{user-id}/authentication/qrCodePinMethod`.
    pub template: &'static str,
    /// The answer's JSON.
    pub json: &'static str,
}

impl Examples for GraphClient {}

impl fmt::Debug for GraphClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GraphClient")
            .field("service_root", &self.pipeline.service_root())
            .field("settings", &self.pipeline.settings())
            .finish_non_exhaustive()
    }
}

/// Configures a [`GraphClient`], and builds it as `C`: a generated crate's
/// client is the runtime's with the crate's paths (`From<GraphClient>`).
pub struct ClientBuilder<C = GraphClient> {
    tokens: Box<dyn TokenSource>,
    cloud: Cloud,
    api_version: String,
    base_url: Option<String>,
    http: Option<reqwest::Client>,
    allow_insecure_http: bool,
    inspect: Option<Inspector>,
    settings: Settings,
    client: PhantomData<fn() -> C>,
}

impl<C: From<GraphClient>> ClientBuilder<C> {
    /// The default settings, with `tokens`.
    pub fn new(tokens: impl TokenSource + 'static) -> Self {
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
            client: PhantomData,
        }
    }

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
    /// `tracing` warning names where it is). [`Call::strict`](super::call::Call::strict) overrides it.
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
    pub fn build(self) -> Result<C, Error> {
        let service_root = match self.base_url {
            Some(url) => checked_service_root(&url, self.allow_insecure_http)?,
            None => self.cloud.service_root(&self.api_version),
        };
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(Error::Transport)?,
        };
        let pipeline = Pipeline::new(http, service_root, self.tokens, self.settings, self.inspect)?;
        Ok(C::from(GraphClient {
            pipeline: Arc::new(pipeline),
        }))
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
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
