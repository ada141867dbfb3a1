//! Large uploads through an upload session (`createUploadSession` of drive
//! items, message and event attachments, print documents): the file goes in
//! slices to the session's pre-authenticated `uploadUrl`, streamed from an
//! [`AsyncRead`], so a file of any size takes one slice of memory.
//!
//! The call of a generated `createUploadSession` operation creates the
//! session and uploads to it in one step, and gives the item created, typed
//! as the operation says ([`Call::upload`](super::call::Call::upload)):
//!
//! ```no_run
//! # use graphgen_runtime::{call::Call, options::{Post, Uploads}};
//! # struct CreateUploadSessionRequestBuilder;
//! # impl Uploads<Post> for CreateUploadSessionRequestBuilder { type Item = serde_json::Value; }
//! # async fn run(
//! #     create_upload_session: Call<serde_json::Value, (CreateUploadSessionRequestBuilder, Post)>,
//! #     file: impl tokio::io::AsyncRead + Unpin + Send + 'static,
//! #     size: u64,
//! # ) -> Result<(), Box<dyn std::error::Error>> {
//! // `create_upload_session` is, in a generated crate,
//! // client.drives().by_drive_id(drive).items().by_drive_item_id(item).create_upload_session().post(&request)
//! // and `file` any `AsyncRead`, `tokio::fs::File::open("video.mp4").await?` for one,
//! // with its `size` from `file.metadata().await?.len()`.
//! let uploaded = create_upload_session
//!     .upload(file, size)
//!     .on_progress(|sent, total| println!("{sent} of {total} bytes"))
//!     .await?;
//! println!("{:?}", uploaded.item); // a DriveItem, in a generated crate
//! # Ok(()) }
//! ```
//!
//! A session created otherwise takes its `uploadUrl`:
//! `client.upload(upload_url, file, size).send::<DriveItem>().await?`
//! ([`GraphClient::upload`]), which also takes a borrowed source (awaiting an
//! upload needs a source of its own, a `'static` one).
//!
//! # How an upload goes
//!
//! - Slices are whole 320 KiB units, at most 60 MiB, sent with `Content-Range: bytes a-b/total`
//!   and no `Authorization` header (the upload URL is pre-authenticated, and a credential: it is
//!   never in `Debug` output or errors). Memory is about two slices whatever the file's size.
//! - A slice answered 429/503/504 is retried by the client's policy; a dropped connection, a
//!   timeout or a 5xx asks the session for `nextExpectedRanges` and goes on from there, at most
//!   5 times in a row without progress (`.max_resumes(n)`).
//! - On an error that will not heal - the session expired or is gone (Graph's 404 as
//!   `Error::Graph`), ranges that contradict what was sent, a source shorter than `size`, too many
//!   failures in a row - the session is cancelled (`DELETE`) and the error returned
//!   (`Error::Upload { reason, uploaded }` for the ones that are not Graph's).

use std::fmt;
use std::future::IntoFuture;
use std::marker::PhantomData;

use reqwest::{Method, Url};
use serde::Deserialize;
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncReadExt};

use super::answer::{self, RawResponse};
use super::auth::BoxFuture;
use super::call::Call;
use super::client::GraphClient;
use super::error::Error;
use super::options::Uploads;
use super::read::FromJson;
use super::retry::Retries;
use super::secret::Secret;
use super::send::Request;

/// Slices are a multiple of this (320 KiB), as OneDrive requires.
pub const SLICE_UNIT: usize = 320 * 1024;

/// The largest slice Graph takes: 60 MiB.
pub const MAX_SLICE: usize = 60 * 1024 * 1024;

/// The slice size unless one is chosen: 5 MiB (16 units).
pub const DEFAULT_SLICE: usize = 16 * SLICE_UNIT;

/// How many times in a row a slice may fail to make progress (a dropped
/// connection, a server error) before the upload gives up, by default.
pub const DEFAULT_MAX_RESUMES: u32 = 5;

/// A file on its way to an upload session: from the call of a generated
/// `createUploadSession` operation ([`Call::upload`]), or to a session's
/// `uploadUrl` ([`GraphClient::upload`]). Awaited, it gives the created `T`.
#[must_use = "an upload does nothing until it is sent"]
pub struct Upload<R, T = Value> {
    client: GraphClient,
    /// Where the file goes; taken when it is sent.
    to: Option<Destination>,
    source: R,
    size: u64,
    slice: usize,
    max_resumes: u32,
    progress: Option<Box<dyn FnMut(u64, u64) + Send>>,
    item: PhantomData<fn() -> T>,
}

/// Where an upload goes: a session's `uploadUrl`, or the call creating the session.
enum Destination {
    Url(Secret),
    Session(Box<Call<Value>>),
}

/// What the session answered when the last slice arrived.
#[derive(Clone, Debug, PartialEq)]
pub struct Uploaded<T> {
    /// The item created (a `driveItem`, for example); `None` when the answer
    /// had no body, as attachment sessions answer.
    pub item: Option<T>,
    /// The final status: 200 or 201.
    pub status: u16,
    /// The answer's `Location`, where the service gives the created item's URL.
    pub location: Option<String>,
}

impl GraphClient {
    /// An upload of `size` bytes read from `source` to an upload session's
    /// `uploadUrl`. The URL is pre-authenticated: no token is sent to it.
    pub fn upload<R: AsyncRead + Unpin + Send>(
        &self,
        upload_url: impl Into<Secret>,
        source: R,
        size: u64,
    ) -> Upload<R> {
        Upload::new(self.clone(), Destination::Url(upload_url.into()), source, size)
    }
}

/// The call of a generated `createUploadSession` operation, which says what
/// the upload creates ([`Uploads`]).
impl<S, B: Uploads<M>, M> Call<S, (B, M)> {
    /// Creates the session and uploads `size` bytes read from `source` to
    /// it, in one step: awaited, it gives the created item, typed as the
    /// operation says (a `DriveItem`, an attachment).
    ///
    /// ```no_run
    /// # use graphgen_runtime::{call::Call, options::{Post, Uploads}};
    /// # struct CreateUploadSessionRequestBuilder;
    /// # impl Uploads<Post> for CreateUploadSessionRequestBuilder { type Item = serde_json::Value; }
    /// # async fn run(
    /// #     create_upload_session: Call<serde_json::Value, (CreateUploadSessionRequestBuilder, Post)>,
    /// #     file: impl tokio::io::AsyncRead + Unpin + Send + 'static,
    /// #     size: u64,
    /// # ) -> Result<(), Box<dyn std::error::Error>> {
    /// // `create_upload_session` is client.drives().by_drive_id(drive).items().by_drive_item_id(item)
    /// //     .create_upload_session().post(&request), `file` a `tokio::fs::File`, for one
    /// let uploaded = create_upload_session.upload(file, size).await?;
    /// println!("{:?}", uploaded.item);
    /// # Ok(()) }
    /// ```
    pub fn upload<R: AsyncRead + Unpin + Send>(self, source: R, size: u64) -> Upload<R, B::Item> {
        let client = self.client().clone();
        let session = self.decoded_as::<Value, ()>(answer::json::<Value>);
        Upload::new(client, Destination::Session(Box::new(session)), source, size)
    }
}

impl<R, T> Upload<R, T> {
    fn new(client: GraphClient, to: Destination, source: R, size: u64) -> Self {
        Upload {
            client,
            to: Some(to),
            source,
            size,
            slice: DEFAULT_SLICE,
            max_resumes: DEFAULT_MAX_RESUMES,
            progress: None,
            item: PhantomData,
        }
    }
}

impl<R: AsyncRead + Unpin + Send, T> Upload<R, T> {
    /// The slice size in bytes, rounded down to a multiple of 320 KiB, at
    /// least 320 KiB and at most 60 MiB (default 5 MiB). Memory use is about
    /// two slices, whatever the size of the file.
    pub fn slice_size(mut self, bytes: usize) -> Self {
        self.slice = (bytes / SLICE_UNIT * SLICE_UNIT).clamp(SLICE_UNIT, MAX_SLICE);
        self
    }

    /// How many times in a row a slice may fail without progress before the
    /// upload gives up (default 5).
    pub fn max_resumes(mut self, resumes: u32) -> Self {
        self.max_resumes = resumes;
        self
    }

    /// Calls `progress(bytes the session has, total)` after every slice it took.
    pub fn on_progress(mut self, progress: impl FnMut(u64, u64) + Send + 'static) -> Self {
        self.progress = Some(Box::new(progress));
        self
    }

    /// Sends the file slice by slice. A slice throttled or answered 503/504 is
    /// sent again as the client's retry policy says; a dropped connection or a
    /// server error asks the session which bytes it still expects
    /// (`nextExpectedRanges`) and goes on from there. On an error that will
    /// not heal (the session expired or is gone, ranges that contradict what
    /// was sent, a source shorter than `size`, too many failures in a row) the
    /// session is cancelled and the error returned.
    pub async fn send<U: FromJson>(mut self) -> Result<Uploaded<U>, Error> {
        let upload_url = match self.to.take() {
            Some(Destination::Url(url)) => url,
            Some(Destination::Session(call)) => session_url(*call).await?,
            None => return Err(upload_error("the upload was sent already", 0)),
        };
        let url = Url::parse(upload_url.expose())
            .map_err(|error| upload_error(&format!("the upload URL is not a URL: {error}"), 0))?;
        match self.slices(&url).await {
            Ok(raw) => self.finish(raw),
            Err(error) => {
                // Best effort: the session expires on its own if this fails.
                let _ = request(&self.client, Method::DELETE, &url, &[], None).await;
                Err(error)
            }
        }
    }

    async fn slices(&mut self, url: &Url) -> Result<RawResponse, Error> {
        let settings = self.client.pipeline().settings();
        let mut buffer: Vec<u8> = Vec::with_capacity(self.slice);
        // The file offset of `buffer[0]`, and of the next byte the session expects.
        let (mut buffered_from, mut offset) = (0u64, 0u64);
        // Resumes since the session last moved on.
        let mut resumes = Retries::default();
        if self.size == 0 {
            return Err(Error::Upload {
                reason: "an upload session takes at least one byte; an empty file is a simple PUT of its content"
                    .to_owned(),
                uploaded: 0,
            });
        }
        loop {
            self.fill(&mut buffer, &mut buffered_from, offset).await?;
            let end = offset + buffer.len() as u64;
            let range = format!("bytes {offset}-{}/{}", end.saturating_sub(1), self.size);
            let outcome = request(&self.client, Method::PUT, url, &buffer, Some(range)).await;
            let expected = match outcome {
                Ok(raw) if matches!(raw.status, 200 | 201) => return Ok(raw),
                Ok(raw) if raw.status == 202 => next_expected(&raw, offset),
                // Overlapping ranges, or a server error: ask the session where it is.
                Ok(raw) if raw.status == 416 || raw.status >= 500 => Err(raw.graph_error()),
                Ok(raw) => return Err(raw.graph_error()),
                Err(error @ (Error::Transport(_) | Error::Timeout { .. })) => Err(error),
                Err(error) => return Err(error),
            };
            // A slice the session did not take: wait, then ask it where it is.
            let expected = match expected {
                Ok(expected) if expected > offset => Ok(expected),
                Ok(_) => Err(Error::Upload {
                    reason: format!("the session took nothing of the slice at byte {offset}"),
                    uploaded: offset,
                }),
                Err(error) => Err(error),
            };
            let expected = match expected {
                Ok(expected) => {
                    resumes = Retries::default();
                    expected
                }
                Err(error) => {
                    let Some(delay) = resumes.after_failure(&settings.retry, self.max_resumes) else {
                        return Err(error);
                    };
                    tokio::time::sleep(delay).await;
                    match status(&self.client, url).await {
                        Some(expected) if expected <= offset => expected,
                        // Progress the slice made before it broke off counts too.
                        Some(expected) => {
                            resumes = Retries::default();
                            expected
                        }
                        None => continue,
                    }
                }
            };
            if expected > end || expected > self.size {
                return Err(Error::Upload {
                    reason: format!("the session expects byte {expected} next, but only bytes before {end} were sent"),
                    uploaded: offset,
                });
            }
            if expected > offset {
                if let Some(progress) = &mut self.progress {
                    progress(expected, self.size);
                }
            }
            offset = expected;
        }
    }

    /// Makes `buffer` the slice that starts at `offset`, reading what it lacks.
    async fn fill(&mut self, buffer: &mut Vec<u8>, buffered_from: &mut u64, offset: u64) -> Result<(), Error> {
        if offset < *buffered_from {
            return Err(Error::Upload {
                reason: format!(
                    "the session asks again for byte {offset}, which was read from the source and let go (slices are not kept once the session has them)"
                ),
                uploaded: offset,
            });
        }
        let consumed = ((offset - *buffered_from) as usize).min(buffer.len());
        buffer.drain(..consumed);
        *buffered_from = offset;
        let want = (self.size - offset).min(self.slice as u64) as usize;
        while buffer.len() < want {
            let start = buffer.len();
            buffer.resize(want, 0);
            let read = self.source.read(&mut buffer[start..]).await;
            let read = match read {
                Ok(read) => read,
                Err(error) => {
                    return Err(Error::Upload {
                        reason: format!("reading the source failed: {error}"),
                        uploaded: offset,
                    })
                }
            };
            buffer.truncate(start + read);
            if read == 0 {
                return Err(Error::Upload {
                    reason: format!(
                        "the source ended at byte {}, before the {} bytes announced",
                        offset + start as u64,
                        self.size
                    ),
                    uploaded: offset,
                });
            }
        }
        buffer.truncate(want);
        Ok(())
    }

    fn finish<U: FromJson>(&mut self, raw: RawResponse) -> Result<Uploaded<U>, Error> {
        if let Some(progress) = &mut self.progress {
            progress(self.size, self.size);
        }
        let item = match raw.body.is_empty() {
            true => None,
            false => Some(answer::json::<U>(&raw, self.client.pipeline().settings().strict)?),
        };
        Ok(Uploaded {
            item,
            status: raw.status,
            location: raw.header("location"),
        })
    }
}

impl<R, T> fmt::Debug for Upload<R, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The upload URL is a credential: it is never shown.
        f.debug_struct("Upload")
            .field("size", &self.size)
            .field("slice", &self.slice)
            .field("max_resumes", &self.max_resumes)
            .finish_non_exhaustive()
    }
}

impl<R, T> IntoFuture for Upload<R, T>
where
    R: AsyncRead + Unpin + Send + 'static,
    T: FromJson + Send + 'static,
{
    type Output = Result<Uploaded<T>, Error>;
    type IntoFuture = BoxFuture<'static, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send::<T>())
    }
}

/// Creates the session: its `uploadUrl`, or an error that says it has none.
async fn session_url(call: Call<Value>) -> Result<Secret, Error> {
    let answer = call.send().await?;
    match answer.get("uploadUrl").and_then(Value::as_str) {
        Some(url) => Ok(Secret::new(url)),
        None => Err(upload_error(
            "the answer of createUploadSession has no uploadUrl to upload to",
            0,
        )),
    }
}

fn upload_error(reason: &str, uploaded: u64) -> Error {
    Error::Upload {
        reason: reason.to_owned(),
        uploaded,
    }
}

/// Asks the session which byte it expects next; `None` when it cannot say.
async fn status(client: &GraphClient, url: &Url) -> Option<u64> {
    match request(client, Method::GET, url, &[], None).await {
        Ok(raw) if raw.status == 200 => next_expected(&raw, 0).ok(),
        _ => None,
    }
}

/// One request to the upload URL, with no token, through the client's pipeline.
async fn request(
    client: &GraphClient,
    method: Method,
    url: &Url,
    body: &[u8],
    range: Option<String>,
) -> Result<RawResponse, Error> {
    let pipeline = client.pipeline();
    let headers: Vec<(&'static str, String)> = range.into_iter().map(|range| ("Content-Range", range)).collect();
    let request = Request {
        method,
        url: url.clone(),
        template: "{uploadUrl}",
        headers: &headers,
        body: (!headers.is_empty()).then_some(("application/octet-stream", body)),
        authenticate: false,
    };
    pipeline.execute(request, &pipeline.settings()).await
}

/// The first byte of the session's `nextExpectedRanges` (`["26214400-"]`,
/// `["0-1023", "2048-"]`): where the next slice starts.
fn next_expected(raw: &RawResponse, offset: u64) -> Result<u64, Error> {
    #[derive(Deserialize)]
    struct Session {
        #[serde(rename = "nextExpectedRanges", default)]
        next_expected_ranges: Vec<String>,
    }
    let wrong = |reason: String| Error::Upload {
        reason,
        uploaded: offset,
    };
    let session: Session = serde_json::from_slice(&raw.body)
        .map_err(|error| wrong(format!("the session's answer is not an upload session: {error}")))?;
    let first = session
        .next_expected_ranges
        .first()
        .ok_or_else(|| wrong("the session expects no more bytes, yet did not answer with the item".to_owned()))?;
    first
        .split('-')
        .next()
        .and_then(|start| start.trim().parse().ok())
        .ok_or_else(|| {
            wrong(format!(
                "the session's next expected range {first:?} is not a byte range"
            ))
        })
}
