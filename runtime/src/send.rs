//! The request pipeline behind every call: token, headers, redirects,
//! retries, timeouts, the body limit and tracing. Microsoft's SDKs do the same
//! in middleware; here it is one loop, shared by every generated operation.

use std::time::{Duration, Instant};

use reqwest::header::{
    HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, LOCATION, USER_AGENT, WWW_AUTHENTICATE,
};
use reqwest::{Method, Response, Url};
use tracing::Instrument;

use super::answer::RawResponse;
use super::auth::{AccessToken, TokenError, TokenSource};
use super::bytes::Base64Bytes;
use super::error::Error;
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

/// What every request of a client goes through: the HTTP client, the
/// service root, the token source, the client's policy and the inspection
/// hook. A `GraphClient` holds one; calls, batches and uploads send through it.
pub(super) struct Pipeline {
    http: reqwest::Client,
    service_root: String,
    service_origin: url::Origin,
    tokens: Box<dyn TokenSource>,
    settings: Settings,
    inspect: Option<Inspector>,
}

impl Pipeline {
    pub(super) fn new(
        http: reqwest::Client,
        service_root: String,
        tokens: Box<dyn TokenSource>,
        settings: Settings,
        inspect: Option<Inspector>,
    ) -> Result<Self, Error> {
        let service_origin = Url::parse(&service_root)
            .map_err(|error| Error::InvalidBaseUrl(format!("{service_root:?}: {error}")))?
            .origin();
        Ok(Pipeline {
            http,
            service_root,
            service_origin,
            tokens,
            settings,
            inspect,
        })
    }

    /// Where requests go, for example `https://graph.microsoft.com/v1.0`.
    pub(super) fn service_root(&self) -> &str {
        &self.service_root
    }

    /// The client's policy.
    pub(super) fn settings(&self) -> Settings {
        self.settings
    }

    /// Sends one call: retries throttled attempts, follows redirects, reads the body.
    pub(super) async fn execute(&self, request: Request<'_>, settings: &Settings) -> Result<RawResponse, Error> {
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
        let result = self.attempts(&request, settings).instrument(span.clone()).await;
        span.record("duration_ms", started.elapsed().as_millis() as u64);
        if let Ok(response) = &result {
            span.record("status", response.status);
            span.record("attempts", response.attempts);
        }
        result
    }

    async fn attempts(&self, request: &Request<'_>, settings: &Settings) -> Result<RawResponse, Error> {
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
                (true, None) => Some(bearer(&self.tokens.token().await.map_err(Error::Token)?)?),
            };
            let attempt = Attempt {
                pipeline: self,
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
                    claims_challenge(response.headers()).and_then(|claims| self.tokens.token_with_claims(&claims))
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
    pipeline: &'a Pipeline,
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
            .pipeline
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
            if url.origin() == self.pipeline.service_origin {
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
        let Some(inspect) = &self.pipeline.inspect else {
            return self.pipeline.http.execute(request).await.map_err(transport);
        };
        let mut shown = request.headers().clone();
        shown.remove(AUTHORIZATION);
        let response = self.pipeline.http.execute(request).await.map_err(transport)?;
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
