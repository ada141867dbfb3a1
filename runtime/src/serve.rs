//! A small HTTP/1.1 server (hyper) on a bound listener: what the test graph
//! (`testing`) and the change-notification receiver (`notifications`) answer
//! requests through. A handler sees a request whole and decides its answer.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use serde::Serialize;
use serde_json::json;
use tokio::net::TcpListener;

/// A request as it arrived: header names in lower case.
pub struct Received {
    pub method: reqwest::Method,
    /// The path and query, as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    /// A header's value (the name in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header == name)
            .map(|(_, value)| value.as_str())
    }
}

/// What a handler does with a request.
pub enum Answer {
    /// An answer.
    Reply(Reply),
    /// Closes the connection without answering.
    Drop,
}

/// One answer: a status, headers and a body. The test graph's answers and the
/// notification receiver's are made of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    /// Names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    /// `status` with `value` as JSON.
    pub fn json(status: u16, value: &impl Serialize) -> Self {
        let body = serde_json::to_vec(value).expect("a model serializes to JSON");
        Reply::raw(status, "application/json", body)
    }

    /// `status` with `body` as `content_type` (an empty type sends none).
    pub fn raw(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        let headers = if content_type.is_empty() {
            Vec::new()
        } else {
            vec![("content-type".to_owned(), content_type.to_owned())]
        };
        Reply {
            status,
            headers,
            body: body.into(),
        }
    }

    /// `200` with a count in plain text, as `$count` answers.
    pub fn count(count: i64) -> Self {
        Reply::raw(200, "text/plain", count.to_string())
    }

    /// A Graph error: `status` with `code` and `message` in Graph's error body.
    pub fn error(status: u16, code: &str, message: &str) -> Self {
        Reply::json(status, &json!({ "error": { "code": code, "message": message } }))
    }

    /// The same answer with one more header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_ascii_lowercase(), value.to_owned()));
        self
    }
}

/// A body over the server's limit, or a connection closed on purpose.
#[derive(Debug)]
struct Closed;

impl fmt::Display for Closed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the connection was closed without an answer")
    }
}

impl std::error::Error for Closed {}

/// Serves `listener` on the current tokio runtime until the returned handle
/// aborts it: each request read whole (a body over `max_body` bytes gets
/// `413`) and answered by `handle`.
pub fn spawn<H, F>(listener: TcpListener, max_body: usize, handle: H) -> tokio::task::AbortHandle
where
    H: Fn(Received) -> F + Send + Sync + 'static,
    F: Future<Output = Answer> + Send + 'static,
{
    let handle = Arc::new(handle);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let _ = stream.set_nodelay(true);
            let handle = handle.clone();
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request| {
                    let handle = handle.clone();
                    async move { answer(request, max_body, &*handle).await }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    })
    .abort_handle()
}

async fn answer<H, F>(
    request: hyper::Request<Incoming>,
    max_body: usize,
    handle: &H,
) -> Result<hyper::Response<Full<Bytes>>, Closed>
where
    H: Fn(Received) -> F,
    F: Future<Output = Answer>,
{
    let (parts, body) = request.into_parts();
    let answer = match Limited::new(body, max_body).collect().await {
        Ok(body) => {
            let received = Received {
                method: parts.method,
                target: parts
                    .uri
                    .path_and_query()
                    .map_or("/", |target| target.as_str())
                    .to_owned(),
                headers: parts
                    .headers
                    .iter()
                    .map(|(name, value)| {
                        (
                            name.as_str().to_owned(),
                            String::from_utf8_lossy(value.as_bytes()).into_owned(),
                        )
                    })
                    .collect(),
                body: body.to_bytes().to_vec(),
            };
            handle(received).await
        }
        Err(error) if error.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
            Answer::Reply(Reply::raw(413, "", Vec::new()))
        }
        Err(_) => Answer::Drop,
    };
    let Answer::Reply(Reply { status, headers, body }) = answer else {
        return Err(Closed);
    };
    let mut response = hyper::Response::builder().status(status);
    for (name, value) in headers {
        response = response.header(name, value);
    }
    Ok(response
        .body(Full::new(Bytes::from(body)))
        .unwrap_or_else(|_| hyper::Response::new(Full::new(Bytes::new()))))
}
