//! The request pipeline behind every call: token, headers, redirects,
//! retries, timeouts, the body limit and tracing. Microsoft's SDKs do the same
//! in middleware; here it is one loop, shared by every generated operation.

use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, LOCATION, USER_AGENT};
use reqwest::{Method, Response, Url};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use super::auth::TokenError;
use super::client::Inner;
use super::error::Error;
use super::path::RequestPath;
use super::retry::RetryPolicy;

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
}

/// The final response of a call, its body read.
pub(super) struct RawResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    pub attempts: u32,
    pub client_request_id: String,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    }

    /// The body as JSON. An empty body (204 No Content) reads as `null`,
    /// which is what `()` expects.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, Error> {
        if self.body.is_empty() {
            return serde_json::from_slice(b"null").map_err(|source| self.decode_error(source));
        }
        let content_type = self.header("content-type");
        if content_type.as_deref().is_some_and(|value| !value.contains("json")) {
            return Err(Error::UnexpectedContentType {
                status: self.status,
                content_type: content_type.unwrap_or_default(),
                body_start: super::error::body_start(&self.body),
            });
        }
        serde_json::from_slice(&self.body).map_err(|source| self.decode_error(source))
    }

    fn decode_error(&self, source: serde_json::Error) -> Error {
        Error::decode(self.status, &self.headers, &self.body, source)
    }
}

/// Sends one call: retries throttled attempts, follows redirects, reads the body.
pub(super) async fn execute(
    inner: &Inner,
    method: Method,
    path: &RequestPath,
    settings: &Settings,
) -> Result<RawResponse, Error> {
    let encoded = path
        .encoded()
        .map_err(|invalid| Error::InvalidPathParameter(invalid.clone()))?;
    let url = Url::parse(&format!("{}{}", inner.service_root, encoded))
        .map_err(|error| Error::InvalidBaseUrl(error.to_string()))?;
    // The span names the path template, never the path: ids and
    // userPrincipalNames are personal data.
    let span = tracing::info_span!(
        "graph_request",
        method = %method,
        path = path.template(),
        status = tracing::field::Empty,
        attempts = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
    );
    let started = Instant::now();
    let result = attempts(inner, method, url, settings).instrument(span.clone()).await;
    span.record("duration_ms", started.elapsed().as_millis() as u64);
    if let Ok(response) = &result {
        span.record("status", response.status);
        span.record("attempts", response.attempts);
    }
    result
}

async fn attempts(inner: &Inner, method: Method, url: Url, settings: &Settings) -> Result<RawResponse, Error> {
    let client_request_id = uuid::Uuid::new_v4().to_string();
    let mut waited = Duration::ZERO;
    let mut retries = 0;
    loop {
        // Asked before every attempt, so a source that refreshes tokens is used fresh.
        let token = inner.tokens.token().await.map_err(Error::Token)?;
        let mut authorization = HeaderValue::try_from(format!("Bearer {}", token.expose()))
            .map_err(|_| Error::Token(TokenError::new("the token contains characters a header cannot carry")))?;
        authorization.set_sensitive(true);
        let attempt = Attempt {
            inner,
            settings,
            authorization,
            client_request_id: &client_request_id,
            retries,
        };
        let response = attempt.follow_redirects(method.clone(), url.clone()).await?;
        let status = response.status().as_u16();
        if let Some(delay) = settings.retry.delay(retries + 1, waited, status, response.headers()) {
            tracing::debug!(
                status,
                retry = retries + 1,
                delay_ms = delay.as_millis() as u64,
                "retrying"
            );
            drop(response);
            tokio::time::sleep(delay).await;
            waited += delay;
            retries += 1;
            continue;
        }
        let headers = response.headers().clone();
        let body = read_body(response, settings).await?;
        return Ok(RawResponse {
            status,
            headers,
            body,
            attempts: retries + 1,
            client_request_id,
        });
    }
}

/// One attempt of a call, with what every hop of it sends.
struct Attempt<'a> {
    inner: &'a Inner,
    settings: &'a Settings,
    authorization: HeaderValue,
    client_request_id: &'a str,
    retries: u32,
}

impl Attempt<'_> {
    async fn follow_redirects(&self, mut method: Method, mut url: Url) -> Result<Response, Error> {
        let mut hops = 0;
        loop {
            let response = self.send(&method, &url).await?;
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
            }
            url = next;
        }
    }

    async fn send(&self, method: &Method, url: &Url) -> Result<Response, Error> {
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
        if url.origin() == self.inner.service_origin {
            request = request.header(AUTHORIZATION, self.authorization.clone());
        }
        if *method != Method::GET && *method != Method::DELETE {
            request = request.header(CONTENT_TYPE, "application/json");
        }
        request
            .send()
            .await
            .map_err(|error| transport_error(error, self.settings.timeout))
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
