//! Reading an answer: the final response of a call, its status turned into
//! Graph's error or its body decoded into the call's value.

use reqwest::header::HeaderMap;
use serde::de::Error as _;

use super::error::{Error, GraphError};
use super::read::{kind, take_refused_at, At, FromJson};

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
    /// How many times the request was sent (1 when it was not retried; in a
    /// batch, the `$batch` requests the call went in and their retries).
    pub attempts: u32,
    /// Every header of the answer (`ETag`, `Location`, ...); in a batch, the call's own.
    pub headers: HeaderMap,
}

/// Turns the final response of a call into its value; the flag is whether a
/// value that does not fit its type fails the call (`strict`).
pub type Decoder<T> = fn(&RawResponse, bool) -> Result<T, Error>;

/// The final answer to a call, as its caller gets it: an error status is a
/// [`GraphError`], any other is decoded.
pub(super) fn answer<T>(raw: RawResponse, decode: Decoder<T>, strict: bool) -> Result<GraphResponse<T>, Error> {
    if !(200..300).contains(&raw.status) {
        return Err(raw.graph_error());
    }
    let value = decode(&raw, strict)?;
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
pub fn json<T: FromJson>(response: &RawResponse, strict: bool) -> Result<T, Error> {
    if response.body.is_empty() {
        return from_json(response, b"null", strict);
    }
    if let Some(error) = response.content_type_is_not("json", T::HOLDS_SECRETS) {
        return Err(error);
    }
    from_json(response, &response.body, strict)
}

/// The body as it is.
pub fn bytes(response: &RawResponse, _strict: bool) -> Result<Vec<u8>, Error> {
    Ok(response.body.clone())
}

/// The body as a count in plain text, as `$count` answers.
pub fn count(response: &RawResponse, _strict: bool) -> Result<i64, Error> {
    if let Some(error) = response.content_type_is_not("text/plain", false) {
        return Err(error);
    }
    let text = String::from_utf8_lossy(&response.body);
    // Graph may start the text with a byte order mark. A count is a JSON number too.
    serde_json::from_str(text.trim_start_matches('\u{feff}').trim()).map_err(|source| response.decode_error(source))
}
