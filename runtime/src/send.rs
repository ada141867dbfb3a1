//! The request pipeline behind every call: token, headers, redirects,
//! retries, timeouts, the body limit and tracing. Microsoft's SDKs do the same
//! in middleware; here it is one loop, shared by every generated operation.

use std::time::{Duration, Instant};

use reqwest::header::{
    HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, LOCATION, USER_AGENT, WWW_AUTHENTICATE,
};
use reqwest::{Method, Response, Url};
use serde::de::Error as _;
use tracing::Instrument;

use super::auth::{AccessToken, TokenError};
use super::bytes::Base64Bytes;
use super::client::Inner;
use super::error::{Error, GraphError};
use super::read::{kind, take_refused_at, At, FromJson};
use super::retry::{Retries, RetryPolicy};

/// The graphgen release this runtime belongs to.
pub const GRAPHGEN_VERSION: &str = "0.1.0";

/// Sent as `SdkVersion` and `User-Agent`, as Microsoft's SDKs name themselves.
const SDK_NAME: &str = "graphgen-rust";

/// The policy one call is sent with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    pub retry: RetryPolicy,
    pub timeout: Duration,
    pub max_redirects: usize,
    pub max_response_bytes: usize,
    /// Whether a value that does not fit its type fails the call.
    pub strict: bool,
}

/// The final response of a call, its body read.
#[derive(Debug)]
pub struct RawResponse {
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: HeaderMap,
    /// The body, as received.
    pub body: Vec<u8>,
    /// How many times the request was sent.
    pub attempts: u32,
    /// The `client-request-id` the request was sent with.
    pub client_request_id: String,
}

impl RawResponse {
    /// A header's value, when it is text.
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    }

    /// The answer as Graph's error, for a status that is not a success.
    pub(super) fn graph_error(&self) -> Error {
        Error::Graph(Box::new(GraphError::from_response(
            self.status,
            &self.headers,
            &self.body,
        )))
    }

    fn content_type_is_not(&self, expected: &str, holds_secrets: bool) -> Option<Error> {
        let content_type = self.header("content-type")?;
        (!content_type.contains(expected)).then(|| Error::UnexpectedContentType {
            status: self.status,
            content_type,
            body_start: super::error::body_start(&self.body, holds_secrets),
        })
    }

    fn decode_error(&self, source: serde_json::Error) -> Error {
        Error::decode(self.status, &self.headers, &self.body, false, ".".to_owned(), source)
    }
}

/// Reads `body` as a `T`: values that do not fit are kept as received unless
/// `strict`. Only when reading fails is the body read again to find where (a
/// JSON path such as `value[3].registeredDateTime`), so a body that fits costs
/// nothing more.
fn from_json<T: FromJson>(response: &RawResponse, body: &[u8], strict: bool) -> Result<T, Error> {
    let error =
        |path: String, source| Error::decode(response.status, &response.headers, body, T::HOLDS_SECRETS, path, source);
    take_refused_at();
    let deserializer = &mut serde_json::Deserializer::from_slice(body);
    let source = match T::read(&mut *deserializer, &At::root(strict)).and_then(|fit| deserializer.end().map(|()| fit)) {
        Ok(Ok(value)) => return Ok(value),
        Ok(Err(raw)) => {
            let message = format!("expected {}, found {} that does not fit", T::EXPECTED, kind(&raw));
            return Err(error(".".to_owned(), serde_json::Error::custom(message)));
        }
        Err(source) => source,
    };
    if let Some(path) = take_refused_at() {
        return Err(error(path, source));
    }
    let mut track = serde_path_to_error::Track::new();
    let deserializer = &mut serde_json::Deserializer::from_slice(body);
    let tracked = serde_path_to_error::Deserializer::new(&mut *deserializer, &mut track);
    let path = match T::read(tracked, &At::root(strict)) {
        Err(_) => track.path().to_string(),
        Ok(_) => ".".to_owned(),
    };
    Err(error(path, source))
}

/// The body as JSON. An empty body (204 No Content) reads as `null`, which
/// is what `()` expects.
pub fn json<T: FromJson>(response: &RawResponse, settings: &Settings) -> Result<T, Error> {
    if response.body.is_empty() {
        return from_json(response, b"null", settings.strict);
    }
    if let Some(error) = response.content_type_is_not("json", T::HOLDS_SECRETS) {
        return Err(error);
    }
    from_json(response, &response.body, settings.strict)
}

/// The body as it is.
pub fn bytes(response: &RawResponse, _settings: &Settings) -> Result<Vec<u8>, Error> {
    Ok(response.body.clone())
}

/// The body as a count in plain text, as `$count` answers.
pub fn count(response: &RawResponse, _settings: &Settings) -> Result<i64, Error> {
    if let Some(error) = response.content_type_is_not("text/plain", false) {
        return Err(error);
    }
    let text = String::from_utf8_lossy(&response.body);
    // Graph may start the text with a byte order mark. A count is a JSON number too.
    serde_json::from_str(text.trim_start_matches('\u{feff}').trim()).map_err(|source| response.decode_error(source))
}

/// What one call sends.
pub(super) struct Request<'a> {
    pub method: Method,
    pub url: Url,
    /// The path template, for tracing.
    pub template: &'a str,
    pub headers: &'a [(&'static str, String)],
    /// The content type and the bytes.
    pub body: Option<(&'static str, &'a [u8])>,
    /// Whether the request carries a token (to the service root's origin
    /// only). A pre-authenticated upload URL gets none.
    pub authenticate: bool,
}

/// One request as it was sent and the status and headers of its answer, as
/// the inspection hook sees them ([`ClientBuilder::inspect`](super::client::ClientBuilder::inspect)).
/// The `Authorization` header is never among the request headers shown.
#[derive(Debug)]
pub struct Exchange<'a> {
    /// The request's method.
    pub method: &'a Method,
    /// Where the request went (with ids: personal data).
    pub url: &'a Url,
    /// The headers sent, less `Authorization`.
    pub request_headers: &'a HeaderMap,
    /// The answer's HTTP status.
    pub status: u16,
    /// The answer's headers.
    pub response_headers: &'a HeaderMap,
}

/// A user's inspection hook, called for every answer of every attempt and redirect hop.
pub(super) type Inspector = std::sync::Arc<dyn Fn(&Exchange<'_>) + Send + Sync>;

/// Sends one call: retries throttled attempts, follows redirects, reads the body.
pub(super) async fn execute(inner: &Inner, request: Request<'_>, settings: &Settings) -> Result<RawResponse, Error> {
    // The span names the path template, never the path: ids and
    // userPrincipalNames are personal data.
    let span = tracing::info_span!(
        "graph_request",
        method = %request.method,
        path = request.template,
        status = tracing::field::Empty,
        attempts = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
    );
    let started = Instant::now();
    let result = attempts(inner, &request, settings).instrument(span.clone()).await;
    span.record("duration_ms", started.elapsed().as_millis() as u64);
    if let Ok(response) = &result {
        span.record("status", response.status);
        span.record("attempts", response.attempts);
    }
    result
}

async fn attempts(inner: &Inner, request: &Request<'_>, settings: &Settings) -> Result<RawResponse, Error> {
    let client_request_id = uuid::Uuid::new_v4().to_string();
    let mut retries = Retries::default();
    let mut sent = 0;
    // The token that answered a claims challenge, used for the rest of the call.
    let mut claims_token: Option<AccessToken> = None;
    loop {
        let authorization = match (request.authenticate, &claims_token) {
            (false, _) => None,
            (true, Some(token)) => Some(bearer(token)?),
            // Asked before every attempt, so a source that refreshes tokens is used fresh.
            (true, None) => Some(bearer(&inner.tokens.token().await.map_err(Error::Token)?)?),
        };
        let attempt = Attempt {
            inner,
            settings,
            request,
            authorization,
            client_request_id: &client_request_id,
            retries: retries.made,
        };
        let response = attempt.follow_redirects().await?;
        sent += 1;
        let status = response.status().as_u16();
        if status == 401 && request.authenticate && claims_token.is_none() {
            if let Some(asked) =
                claims_challenge(response.headers()).and_then(|claims| inner.tokens.token_with_claims(&claims))
            {
                tracing::debug!("answering a claims challenge with a new token");
                drop(response);
                claims_token = Some(asked.await.map_err(Error::Token)?);
                continue;
            }
        }
        if let Some(delay) = retries.next(&settings.retry, status, response.headers()) {
            tracing::debug!(
                status,
                retry = retries.made,
                delay_ms = delay.as_millis() as u64,
                "retrying"
            );
            drop(response);
            tokio::time::sleep(delay).await;
            continue;
        }
        let headers = response.headers().clone();
        let body = read_body(response, settings).await?;
        return Ok(RawResponse {
            status,
            headers,
            body,
            attempts: sent,
            client_request_id,
        });
    }
}

fn bearer(token: &AccessToken) -> Result<HeaderValue, Error> {
    let mut authorization = HeaderValue::try_from(format!("Bearer {}", token.expose()))
        .map_err(|_| Error::Token(TokenError::new("the token contains characters a header cannot carry")))?;
    authorization.set_sensitive(true);
    Ok(authorization)
}

/// The claims a continuous access evaluation challenge asks for, decoded:
/// `WWW-Authenticate: Bearer ..., error="insufficient_claims", claims="<base64 JSON>"`.
fn claims_challenge(headers: &HeaderMap) -> Option<String> {
    headers.get_all(WWW_AUTHENTICATE).iter().find_map(|value| {
        let value = value.to_str().ok()?;
        if !value.contains("insufficient_claims") {
            return None;
        }
        let start = value.find("claims=\"")? + "claims=\"".len();
        let encoded = &value[start..start + value[start..].find('"')?];
        String::from_utf8(Base64Bytes::decode(encoded)?.0).ok()
    })
}

/// One attempt of a call, with what every hop of it sends.
struct Attempt<'a> {
    inner: &'a Inner,
    settings: &'a Settings,
    request: &'a Request<'a>,
    authorization: Option<HeaderValue>,
    client_request_id: &'a str,
    retries: u32,
}

impl Attempt<'_> {
    async fn follow_redirects(&self) -> Result<Response, Error> {
        let (mut method, mut url, mut body) =
            (self.request.method.clone(), self.request.url.clone(), self.request.body);
        let mut hops = 0;
        loop {
            let response = self.send(&method, &url, body).await?;
            let status = response.status().as_u16();
            if !matches!(status, 301 | 302 | 303 | 307 | 308) {
                return Ok(response);
            }
            let Some(next) = response
                .headers()
                .get(LOCATION)
                .and_then(|value| value.to_str().ok())
                .and_then(|location| url.join(location).ok())
            else {
                // A redirect without a usable Location is the answer itself.
                return Ok(response);
            };
            hops += 1;
            if hops > self.settings.max_redirects {
                return Err(Error::TooManyRedirects {
                    limit: self.settings.max_redirects,
                });
            }
            if status == 303 {
                method = Method::GET;
                body = None;
            }
            url = next;
        }
    }

    async fn send(&self, method: &Method, url: &Url, body: Option<(&'static str, &[u8])>) -> Result<Response, Error> {
        let mut request = self
            .inner
            .http
            .request(method.clone(), url.clone())
            .timeout(self.settings.timeout)
            .header(ACCEPT, "application/json")
            .header("client-request-id", self.client_request_id)
            .header("SdkVersion", format!("{SDK_NAME}/{GRAPHGEN_VERSION}"))
            .header(USER_AGENT, format!("{SDK_NAME}/{GRAPHGEN_VERSION}"));
        if self.retries > 0 {
            request = request.header("Retry-Attempt", self.retries);
        }
        // The token only ever goes to the service root's scheme, host and port;
        // a redirect elsewhere is followed without it (and without cookies,
        // which this client never sets).
        if let Some(authorization) = &self.authorization {
            if url.origin() == self.inner.service_origin {
                request = request.header(AUTHORIZATION, authorization.clone());
            }
        }
        for (name, value) in self.request.headers {
            request = request.header(*name, value.as_str());
        }
        if let Some((content_type, bytes)) = body {
            request = request.header(CONTENT_TYPE, content_type).body(bytes.to_vec());
        }
        let transport = |error| transport_error(error, self.settings.timeout);
        let request = request.build().map_err(transport)?;
        let Some(inspect) = &self.inner.inspect else {
            return self.inner.http.execute(request).await.map_err(transport);
        };
        let mut shown = request.headers().clone();
        shown.remove(AUTHORIZATION);
        let response = self.inner.http.execute(request).await.map_err(transport)?;
        inspect(&Exchange {
            method,
            url,
            request_headers: &shown,
            status: response.status().as_u16(),
            response_headers: response.headers(),
        });
        Ok(response)
    }
}

async fn read_body(mut response: Response, settings: &Settings) -> Result<Vec<u8>, Error> {
    let limit = settings.max_response_bytes;
    let status = response.status().as_u16();
    if response.content_length().is_some_and(|length| length > limit as u64) {
        return Err(Error::BodyTooLarge { status, limit });
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|error| transport_error(error, settings.timeout))?
    {
        if body.len() + chunk.len() > limit {
            return Err(Error::BodyTooLarge { status, limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn transport_error(error: reqwest::Error, timeout: Duration) -> Error {
    if error.is_timeout() {
        Error::Timeout { after: timeout }
    } else {
        // The URL holds the user's id or userPrincipalName: personal data.
        Error::Transport(error.without_url())
    }
}
