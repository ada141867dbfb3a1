//! A small HTTP/1.1 server (hyper) on a bound listener: what the test graph
//! (`testing`) and the change-notification receiver (`notifications`) answer
//! requests through. A handler sees a request whole and decides its answer.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
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
    /// A status, headers (lower-case names) and a body.
    Reply {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Closes the connection without answering.
    Drop,
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
        Err(error) if error.downcast_ref::<http_body_util::LengthLimitError>().is_some() => Answer::Reply {
            status: 413,
            headers: Vec::new(),
            body: Vec::new(),
        },
        Err(_) => Answer::Drop,
    };
    let Answer::Reply { status, headers, body } = answer else {
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
