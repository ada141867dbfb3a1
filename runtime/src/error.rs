//! Errors of the generated client: what Graph said, or why it could not be asked.

use std::fmt;

use reqwest::header::HeaderMap;
use serde::Deserialize;

use super::auth::TokenError;
use super::path::InvalidParameter;

/// How many characters of an unexpected body an error keeps for its message.
const BODY_START_CHARS: usize = 200;

/// Why a call failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Graph answered with an error status.
    Graph(Box<GraphError>),
    /// A path parameter cannot be sent as one segment; nothing was sent.
    InvalidPathParameter(InvalidParameter),
    /// The token source failed; nothing was sent.
    Token(TokenError),
    /// The request body could not be encoded as JSON; nothing was sent.
    Encode(serde_json::Error),
    /// The service root given to the client is not a usable URL.
    InvalidBaseUrl(String),
    /// The request could not be sent or its response not received.
    Transport(reqwest::Error),
    /// No complete answer came within the timeout of an attempt.
    Timeout {
        /// The timeout that ran out.
        after: std::time::Duration,
    },
    /// The response body is larger than the client accepts.
    BodyTooLarge {
        /// The HTTP status of the response.
        status: u16,
        /// The limit, in bytes.
        limit: usize,
    },
    /// More redirects than the client follows.
    TooManyRedirects {
        /// The limit.
        limit: usize,
    },
    /// A collection's `@odata.nextLink` repeated a link already followed:
    /// paging stopped instead of going round forever.
    PagingLoop {
        /// How many pages had been read.
        pages: usize,
    },
    /// The `$batch` request that carried this call failed as a whole (after
    /// its own retries): the call may or may not have run.
    BatchRequest(std::sync::Arc<Error>),
    /// A change notification's key, content or subscription could not be
    /// used (`runtime::notifications`); the text never holds a secret.
    Notification(String),
    /// A call of a batch has no answer of its own, and why: it could not be
    /// sent, or the batch's answer left it out.
    BatchItem {
        /// What happened to it.
        reason: String,
    },
    /// A large upload stopped (its session cancelled): the source or the
    /// session's answers made going on impossible.
    Upload {
        /// What went wrong.
        reason: String,
        /// How many bytes the session had confirmed.
        uploaded: u64,
    },
    /// A successful response whose body is not JSON.
    UnexpectedContentType {
        /// The HTTP status of the response.
        status: u16,
        /// The response's `Content-Type`.
        content_type: String,
        /// The first characters of the body, or [`WITHHELD`].
        body_start: String,
    },
    /// A successful response whose body is not the JSON the operation describes.
    Decode {
        /// The HTTP status of the response.
        status: u16,
        /// Where in the body: a JSON path such as `value[3].registeredDateTime`
        /// (`.` for the whole body).
        path: String,
        /// The response's `Content-Type`, when it had one.
        content_type: Option<String>,
        /// The first characters of the body, or [`WITHHELD`].
        body_start: String,
        /// What the JSON parser said.
        source: serde_json::Error,
    },
}

impl Error {
    /// The Graph error, when the server answered with one.
    pub fn as_graph(&self) -> Option<&GraphError> {
        match self {
            Error::Graph(error) => Some(error),
            _ => None,
        }
    }

    /// The HTTP status of the response, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Graph(error) => Some(error.status),
            Error::Decode { status, .. }
            | Error::BodyTooLarge { status, .. }
            | Error::UnexpectedContentType { status, .. } => Some(*status),
            Error::Transport(error) => error.status().map(|status| status.as_u16()),
            Error::BatchRequest(error) => error.status(),
            _ => None,
        }
    }

    pub(super) fn decode(
        status: u16,
        headers: &HeaderMap,
        body: &[u8],
        holds_secrets: bool,
        path: String,
        source: serde_json::Error,
    ) -> Self {
        Error::Decode {
            status,
            path,
            content_type: header(headers, "content-type"),
            body_start: body_start(body, holds_secrets),
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Graph(error) => error.fmt(f),
            Error::InvalidPathParameter(invalid) => {
                write!(
                    f,
                    "path parameter `{}` {}; nothing was sent",
                    invalid.name, invalid.reason
                )
            }
            Error::Token(error) => write!(f, "no access token: {error}"),
            Error::InvalidBaseUrl(reason) => write!(f, "invalid base URL: {reason}"),
            Error::Encode(error) => write!(f, "the request body cannot be encoded: {error}"),
            Error::Transport(error) => write!(f, "request failed: {error}"),
            Error::Timeout { after } => write!(f, "no answer within {} s", after.as_secs_f64()),
            Error::BodyTooLarge { status, limit } => {
                write!(f, "HTTP {status}: the response body is larger than {limit} bytes")
            }
            Error::TooManyRedirects { limit } => write!(f, "more than {limit} redirects"),
            Error::PagingLoop { pages } => write!(
                f,
                "after {pages} pages, the next page's link repeated one already followed; paging stopped"
            ),
            Error::BatchRequest(error) => write!(f, "the batch request carrying this call failed: {error}"),
            Error::BatchItem { reason } => write!(f, "no answer for this call of the batch: {reason}"),
            Error::Notification(reason) => write!(f, "change notifications: {reason}"),
            Error::Upload { reason, uploaded } => {
                write!(
                    f,
                    "the upload stopped after {uploaded} bytes and its session was cancelled: {reason}"
                )
            }
            Error::UnexpectedContentType {
                status,
                content_type,
                body_start,
            } => write!(
                f,
                "HTTP {status}: expected JSON, got {content_type:?}; body starts with {body_start:?}"
            ),
            Error::Decode {
                status,
                path,
                content_type,
                body_start,
                source,
            } => write!(
                f,
                "HTTP {status}: unexpected response body ({}) at {path}: {source}; body starts with {body_start:?}",
                content_type.as_deref().unwrap_or("no content type"),
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Token(error) => Some(error),
            Error::Transport(error) => Some(error),
            Error::Decode { source, .. } | Error::Encode(source) => Some(source),
            Error::BatchRequest(error) => Some(&**error),
            _ => None,
        }
    }
}

/// An error response from Graph, with the OData error body when it had one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphError {
    /// The HTTP status, for example 403.
    pub status: u16,
    /// Graph's error code, for example `Authorization_RequestDenied`.
    pub code: Option<String>,
    /// Graph's message for people.
    pub message: Option<String>,
    /// The `request-id` Microsoft support asks for (response header, else body).
    pub request_id: Option<String>,
    /// The `client-request-id` this request was sent with, as the server echoed it.
    pub client_request_id: Option<String>,
    /// When the server handled the request.
    pub date: Option<String>,
    /// The parsed OData error body, when the body was one.
    pub body: Option<ODataError>,
    /// The body exactly as received.
    pub raw_body: String,
}

impl GraphError {
    pub(super) fn from_response(status: u16, headers: &HeaderMap, body: &[u8]) -> Self {
        let parsed: Option<ODataError> = serde_json::from_slice(body).ok();
        let inner = parsed.as_ref().and_then(|odata| odata.error.inner_error.as_ref());
        let from_inner = |pick: fn(&InnerError) -> &Option<String>| inner.and_then(|inner| pick(inner).clone());
        GraphError {
            status,
            code: parsed.as_ref().map(|odata| odata.error.code.clone()),
            message: parsed.as_ref().map(|odata| odata.error.message.clone()),
            request_id: header(headers, "request-id").or_else(|| from_inner(|inner| &inner.request_id)),
            client_request_id: header(headers, "client-request-id")
                .or_else(|| from_inner(|inner| &inner.client_request_id)),
            date: from_inner(|inner| &inner.date).or_else(|| header(headers, "date")),
            body: parsed,
            raw_body: String::from_utf8_lossy(body).into_owned(),
        }
    }
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        match &self.message {
            Some(message) => write!(f, ": {message}")?,
            None => write!(
                f,
                ": body starts with {:?}",
                body_start(self.raw_body.as_bytes(), false)
            )?,
        }
        if let Some(request_id) = &self.request_id {
            write!(f, " (request-id {request_id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for GraphError {}

/// Graph's error body: `{"error": {...}}`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ODataError {
    /// The error itself.
    pub error: MainError,
}

/// The `error` object of an OData error body.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct MainError {
    /// The error code.
    pub code: String,
    /// The message for people.
    pub message: String,
    /// What the error is about, when Graph says.
    #[serde(default)]
    pub target: Option<String>,
    /// Further errors.
    #[serde(default)]
    pub details: Vec<ErrorDetails>,
    /// Diagnostics from the service.
    #[serde(default, rename = "innerError")]
    pub inner_error: Option<InnerError>,
}

/// One entry of `details`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct ErrorDetails {
    /// The error code.
    pub code: String,
    /// The message for people.
    pub message: String,
    /// What the error is about, when Graph says.
    #[serde(default)]
    pub target: Option<String>,
}

/// The `innerError` object: the identifiers Microsoft support asks for.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct InnerError {
    /// The request's id on the server.
    #[serde(default, rename = "request-id")]
    pub request_id: Option<String>,
    /// The id the client sent in `client-request-id`.
    #[serde(default, rename = "client-request-id")]
    pub client_request_id: Option<String>,
    /// When the server handled the request.
    #[serde(default)]
    pub date: Option<String>,
}

fn header(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

/// The start of a body for an error's message, or [`WITHHELD`] when the
/// answer's type holds secrets.
pub(super) fn body_start(body: &[u8], holds_secrets: bool) -> String {
    if holds_secrets {
        return WITHHELD.to_owned();
    }
    String::from_utf8_lossy(body).chars().take(BODY_START_CHARS).collect()
}

/// What an error shows instead of the body of an answer whose type holds a
/// [`Secret`](super::secret::Secret) (a PIN, a password): nothing of it.
pub const WITHHELD: &str = "<withheld: the answer's type holds secrets>";
