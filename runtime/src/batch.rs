//! JSON batching: many calls in `POST /$batch` requests of at most 20, each
//! call's answer read as if it had been sent alone.
//!
//! ```no_run
//! # use graphgen_runtime::{client::GraphClient, path::RequestPath};
//! # async fn run(client: GraphClient) -> Result<(), graphgen_runtime::error::Error> {
//! # let get = |segment| client.call::<serde_json::Value>(reqwest::Method::GET, RequestPath::root().segment("me").segment(segment));
//! // In a generated crate: client.me().manager().get(), client.me().photo().get()
//! let mut batch = client.batch();
//! let manager = batch.add(get("manager"));
//! let photo = batch.add_after(get("photo"), &[manager.id()]);
//! let mut answers = batch.send().await;
//! let manager = answers.take(manager)?.value; // this call's value, or its own error
//! let photo = answers.take(photo);
//! # Ok(()) }
//! ```
//!
//! # How a batch goes
//!
//! - At most 20 calls go in one request; larger sets are split and sent 4 requests at a time
//!   (`.concurrency(n)`). Calls linked with `add_after` (`dependsOn`) travel in the same request
//!   (so at most 20 may be linked); when one fails, Graph answers the others `424`.
//! - Answers are matched by id in whatever order they come. A call answered 429, 503 or 504 is
//!   sent again alone in a later request after its own `Retry-After`, as its retry policy allows,
//!   with the calls that failed only because they depend on it. A `$batch` request throttled or
//!   unavailable as a whole is retried like any call.
//! - No call is dropped in silence: each `take` gives the call's value or its error -
//!   `Error::Graph` with the call's own status, `Error::BatchRequest` when the request carrying it
//!   failed as a whole (it may or may not have run), `Error::BatchItem` when the answer left it
//!   out or it could not be sent (an invalid path parameter, a call it depends on that could not
//!   be sent). Query options, headers, JSON bodies (other bodies as base64) and each call's
//!   retry policy and strictness go with it.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Instant;

use futures_util::StreamExt;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, Url};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::answer::{answer, Decoder, GraphResponse, RawResponse};
use super::bytes::Base64Bytes;
use super::call::{BatchStep, Call};
use super::client::GraphClient;
use super::error::Error;
use super::retry::Retries;
use super::send::{Request, Settings};

/// The most requests Graph takes in one batch.
pub const MAX_BATCH_REQUESTS: usize = 20;

/// How many batch requests are in flight at once by default.
pub const DEFAULT_BATCH_CONCURRENCY: usize = 4;

/// Calls to send together. Build it with [`GraphClient::batch`], add calls
/// with [`add`](Batch::add), and [`send`](Batch::send) it.
#[must_use = "a batch does nothing until it is sent"]
pub struct Batch {
    client: GraphClient,
    steps: Vec<Step>,
    /// The answers of calls that failed before anything was sent.
    answers: Vec<Option<Result<RawResponse, Error>>>,
    concurrency: usize,
}

/// One call of a batch; `None` when it cannot be sent.
struct Step {
    request: Option<BatchStep>,
    after: Vec<usize>,
    settings: Settings,
}

/// A call added to a batch: hand it to [`BatchAnswers::take`] for its answer,
/// or its [`id`](Self::id) to [`Batch::add_after`] for calls that must wait for it.
#[must_use = "the handle is how the call's answer is found"]
pub struct BatchItem<T> {
    index: usize,
    decode: Decoder<T>,
}

impl<T> BatchItem<T> {
    /// The call's place in its batch, for [`Batch::add_after`].
    pub fn id(&self) -> BatchId {
        BatchId(self.index)
    }
}

impl<T> fmt::Debug for BatchItem<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BatchItem").field(&self.index).finish()
    }
}

/// A call's place in its batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct BatchId(usize);

impl GraphClient {
    /// An empty JSON batch sent through this client.
    pub fn batch(&self) -> Batch {
        Batch {
            client: self.clone(),
            steps: Vec::new(),
            answers: Vec::new(),
            concurrency: DEFAULT_BATCH_CONCURRENCY,
        }
    }
}

impl Batch {
    /// Adds a call, built as for sending it alone (`client.users().by_user_id(id).get()`).
    /// Its query options, headers, body, retry policy and strictness go with it.
    pub fn add<T, O>(&mut self, call: Call<T, O>) -> BatchItem<T> {
        self.add_after(call, &[])
    }

    /// Adds a call that Graph runs only after the calls `after` succeeded
    /// (`dependsOn`); when one of them fails, this one is answered `424 Failed
    /// Dependency`. Calls that depend on each other travel in the same
    /// request, so at most 20 may be linked.
    pub fn add_after<T, O>(&mut self, call: Call<T, O>, after: &[BatchId]) -> BatchItem<T> {
        let index = self.steps.len();
        let (request, decode, settings) = call.into_batch_step();
        // A call that cannot be sent, and every call that depends on it, has
        // its answer before anything is sent.
        let unsent = after
            .iter()
            .find(|BatchId(before)| self.answers.get(*before).is_none_or(Option::is_some));
        let (request, answer) = match (request, unsent) {
            (Err(error), _) => (None, Some(Err(error))),
            (Ok(_), Some(BatchId(before))) if *before >= index => (
                None,
                Some(Err(Error::BatchItem {
                    reason: format!("it depends on call {before}, which is not an earlier call of this batch"),
                })),
            ),
            (Ok(_), Some(BatchId(before))) => (
                None,
                Some(Err(Error::BatchItem {
                    reason: format!("it was not sent: call {before}, which it depends on, could not be sent"),
                })),
            ),
            (Ok(step), None) => (Some(step), None),
        };
        // Only a call that will be sent keeps its links (all to earlier calls).
        let after = match request {
            Some(_) => after.iter().map(|BatchId(before)| *before).collect(),
            None => Vec::new(),
        };
        self.steps.push(Step {
            request,
            after,
            settings,
        });
        self.answers.push(answer);
        BatchItem { index, decode }
    }

    /// How many batch requests may be in flight at once (default 4, at least 1).
    pub fn concurrency(mut self, requests: usize) -> Self {
        self.concurrency = requests.max(1);
        self
    }

    /// How many calls the batch holds.
    pub fn len(&self) -> usize {
        self.steps.len()
    }

    /// Whether the batch holds no call.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Sends every call, in requests of at most 20, a few at a time. A call
    /// answered 429, 503 or 504 is sent again in a later request after its own
    /// `Retry-After`, as its retry policy allows, and the calls that failed
    /// only because they depend on it go with it. Every call gets an answer:
    /// its own, or the error that kept it from having one.
    pub async fn send(self) -> BatchAnswers {
        let Batch {
            client,
            steps,
            answers,
            concurrency,
        } = self;
        let mut state = Rounds {
            answers,
            sent: vec![0; steps.len()],
            retries: vec![Retries::default(); steps.len()],
            ready_at: vec![Instant::now(); steps.len()],
            steps,
        };
        loop {
            let unanswered = (0..state.steps.len()).filter(|&i| state.answers[i].is_none());
            let Some(next) = unanswered.clone().map(|i| state.ready_at[i]).min() else {
                break;
            };
            // Each call waits for its own `Retry-After`, not for the others'.
            tokio::time::sleep_until(next.into()).await;
            let now = Instant::now();
            let ready: Vec<usize> = unanswered.filter(|&i| state.ready_at[i] <= now).collect();
            let requests = state.pack(&ready);
            let sent: Vec<(Vec<usize>, Result<RawResponse, Error>)> =
                futures_util::stream::iter(requests.into_iter().map(|calls| {
                    let body = state.body(&calls);
                    let client = &client;
                    async move { (calls, post_batch(client, body).await) }
                }))
                .buffer_unordered(concurrency)
                .collect()
                .await;
            state.read(sent);
        }
        BatchAnswers {
            answers: state.answers,
            settings: state.steps.into_iter().map(|step| step.settings).collect(),
        }
    }
}

impl fmt::Debug for Batch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batch")
            .field("calls", &self.steps.len())
            .field("concurrency", &self.concurrency)
            .finish_non_exhaustive()
    }
}

/// What a batch is while it is being sent.
struct Rounds {
    steps: Vec<Step>,
    /// Each call's final answer, once it has one.
    answers: Vec<Option<Result<RawResponse, Error>>>,
    /// How many times each call was sent.
    sent: Vec<u32>,
    /// How far each call is in the retries for its own answer.
    retries: Vec<Retries>,
    /// When each call may be sent (again).
    ready_at: Vec<Instant>,
}

impl Rounds {
    /// Groups the pending calls into requests of at most 20, keeping the calls
    /// linked by `dependsOn` together; a group larger than a request fails.
    fn pack(&mut self, pending: &[usize]) -> Vec<Vec<usize>> {
        // Each call joins the group of the first call it depends on; later
        // links merge groups. Calls only depend on earlier ones.
        let mut group: HashMap<usize, usize> = HashMap::new();
        let mut members: Vec<Vec<usize>> = Vec::new();
        for &index in pending {
            let linked: Vec<usize> = self
                .pending_after(index)
                .filter_map(|before| group.get(&before).copied())
                .collect();
            let into = match linked.first() {
                Some(&first) => first,
                None => {
                    members.push(Vec::new());
                    members.len() - 1
                }
            };
            for &other in linked.iter().skip(1) {
                if other != into {
                    let moved = std::mem::take(&mut members[other]);
                    for &call in &moved {
                        group.insert(call, into);
                    }
                    members[into].extend(moved);
                }
            }
            members[into].push(index);
            group.insert(index, into);
        }
        let mut requests: Vec<Vec<usize>> = Vec::new();
        for mut calls in members.into_iter().filter(|calls| !calls.is_empty()) {
            calls.sort_unstable();
            if calls.len() > MAX_BATCH_REQUESTS {
                for &index in &calls {
                    self.answers[index] = Some(Err(Error::BatchItem {
                        reason: format!(
                            "{} calls depend on each other, and one batch request holds {MAX_BATCH_REQUESTS}",
                            calls.len()
                        ),
                    }));
                }
                continue;
            }
            match requests
                .iter_mut()
                .find(|request| request.len() + calls.len() <= MAX_BATCH_REQUESTS)
            {
                Some(request) => request.extend(calls),
                None => requests.push(calls),
            }
        }
        requests
    }

    /// The calls `index` waits for that have no final answer yet.
    fn pending_after(&self, index: usize) -> impl Iterator<Item = usize> + '_ {
        self.steps[index]
            .after
            .iter()
            .copied()
            .filter(|&before| self.answers[before].is_none())
    }

    /// The `$batch` body for `calls`: ids are the calls' places in the batch.
    fn body(&self, calls: &[usize]) -> Vec<u8> {
        let requests: Vec<Value> = calls
            .iter()
            .map(|&index| {
                let Some(step) = &self.steps[index].request else {
                    unreachable!("calls that cannot be sent have their answer already")
                };
                let mut request = Map::new();
                request.insert("id".into(), index.to_string().into());
                request.insert("method".into(), step.method.as_str().into());
                request.insert("url".into(), step.url.clone().into());
                let after: Vec<Value> = self
                    .pending_after(index)
                    .map(|before| before.to_string().into())
                    .collect();
                if !after.is_empty() {
                    request.insert("dependsOn".into(), after.into());
                }
                let mut headers: Map<String, Value> = step
                    .headers
                    .iter()
                    .map(|(name, value)| ((*name).to_owned(), value.clone().into()))
                    .collect();
                if let Some((content_type, bytes)) = &step.body {
                    headers.insert("Content-Type".into(), (*content_type).into());
                    let body = match serde_json::from_slice::<Value>(bytes) {
                        Ok(json) if content_type.contains("json") => json,
                        _ => Base64Bytes(bytes.clone()).encode().into(),
                    };
                    request.insert("body".into(), body);
                }
                if !headers.is_empty() {
                    request.insert("headers".into(), headers.into());
                }
                Value::Object(request)
            })
            .collect();
        serde_json::to_vec(&serde_json::json!({ "requests": requests })).expect("JSON values always encode")
    }

    /// Takes the answers of one round: each call's final answer, or when it
    /// is to be sent again.
    fn read(&mut self, sent: Vec<(Vec<usize>, Result<RawResponse, Error>)>) {
        let mut round: Vec<Option<RawResponse>> = self.steps.iter().map(|_| None).collect();
        for (calls, outcome) in sent {
            // A `$batch` request the pipeline sent again (a 429 or 503 for the
            // whole request) sent each of its calls again too.
            let times = outcome.as_ref().map_or(1, |raw| raw.attempts.max(1));
            for &index in &calls {
                self.sent[index] += times;
            }
            match outcome.and_then(|raw| split(raw, &calls)) {
                Ok(answers) => {
                    for (index, answer) in calls.into_iter().zip(answers) {
                        match answer {
                            Some(raw) => round[index] = Some(raw),
                            None => {
                                self.answers[index] = Some(Err(Error::BatchItem {
                                    reason: "the batch answer has no response for it".to_owned(),
                                }))
                            }
                        }
                    }
                }
                Err(error) => {
                    let error = Arc::new(error);
                    for index in calls {
                        self.answers[index] = Some(Err(Error::BatchRequest(Arc::clone(&error))));
                    }
                }
            }
        }
        // Calls only depend on earlier ones, so one pass in order sees each
        // call's dependencies decided before the call. A call that failed only
        // because one it depends on is sent again goes with that one.
        let now = Instant::now();
        let mut again: Vec<Option<Instant>> = vec![None; self.steps.len()];
        for index in 0..self.steps.len() {
            let Some(mut raw) = round[index].take() else { continue };
            let retry = self.steps[index].settings.retry;
            // A wait past what `Instant` can hold is not waited for: the answer stands.
            let mut retries = self.retries[index];
            let delay = retries
                .next(&retry, raw.status, &raw.headers)
                .filter(|delay| now.checked_add(*delay).is_some());
            let with = self.steps[index].after.iter().filter_map(|&before| again[before]).max();
            if let Some(delay) = delay {
                self.retries[index] = retries;
                // Never before a call it depends on that is sent again too.
                again[index] = Some(with.map_or(now + delay, |with| with.max(now + delay)));
            } else if let (424, Some(with)) = (raw.status, with) {
                again[index] = Some(with);
            } else {
                raw.attempts = self.sent[index];
                self.answers[index] = Some(Ok(raw));
            }
            if let Some(at) = again[index] {
                self.ready_at[index] = at;
            }
        }
    }
}

/// A whole `$batch` request: an error answer is every call's error.
async fn post_batch(client: &GraphClient, body: Vec<u8>) -> Result<RawResponse, Error> {
    let pipeline = client.pipeline();
    let url = Url::parse(&format!("{}/$batch", pipeline.service_root()))
        .map_err(|error| Error::InvalidBaseUrl(error.to_string()))?;
    let request = Request {
        method: Method::POST,
        url,
        template: "/$batch",
        headers: &[],
        body: Some(("application/json", &body)),
        authenticate: true,
    };
    let raw = pipeline.execute(request, &pipeline.settings()).await?;
    if !(200..300).contains(&raw.status) {
        return Err(raw.graph_error());
    }
    Ok(raw)
}

/// One answer of a batch response, as Graph writes it.
#[derive(Deserialize)]
struct ItemAnswer {
    id: String,
    status: u16,
    #[serde(default)]
    headers: HashMap<String, String>,
    #[serde(default)]
    body: Value,
}

/// The answer of each of `calls`, matched by id whatever its order.
fn split(raw: RawResponse, calls: &[usize]) -> Result<Vec<Option<RawResponse>>, Error> {
    #[derive(Deserialize)]
    struct Answers {
        responses: Vec<ItemAnswer>,
    }
    // The batch's body holds every call's answer, secrets included: it is never shown.
    let decode_error = |source| {
        Error::decode(
            raw.status,
            &raw.headers,
            &raw.body,
            true,
            "responses".to_owned(),
            source,
        )
    };
    let answers: Answers = serde_json::from_slice(&raw.body).map_err(decode_error)?;
    let mut by_id: HashMap<String, ItemAnswer> = answers
        .responses
        .into_iter()
        .map(|item| (item.id.clone(), item))
        .collect();
    Ok(calls
        .iter()
        .map(|index| {
            let item = by_id.remove(&index.to_string())?;
            Some(item_response(item, &raw.client_request_id))
        })
        .collect())
}

fn item_response(item: ItemAnswer, client_request_id: &str) -> RawResponse {
    let mut headers = HeaderMap::new();
    for (name, value) in &item.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::try_from(name.as_str()),
            HeaderValue::try_from(value.as_str()),
        ) {
            headers.insert(name, value);
        }
    }
    let json = headers
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .is_none_or(|content_type| content_type.contains("json"));
    let body = match item.body {
        Value::Null => Vec::new(),
        // A body that is not JSON comes as base64 text.
        Value::String(text) if !json => Base64Bytes::decode(&text).map_or_else(|| text.into_bytes(), |bytes| bytes.0),
        value => serde_json::to_vec(&value).expect("JSON values always encode"),
    };
    RawResponse {
        status: item.status,
        headers,
        body,
        attempts: 1,
        client_request_id: client_request_id.to_owned(),
    }
}

/// Each call's answer, taken with the [`BatchItem`] that [`Batch::add`] gave.
pub struct BatchAnswers {
    answers: Vec<Option<Result<RawResponse, Error>>>,
    settings: Vec<Settings>,
}

impl BatchAnswers {
    /// The call's answer, read as if it had been sent alone: its value with its
    /// status and ids, or its own error (a [`GraphError`](super::error::GraphError) with the call's status,
    /// headers and body; [`Error::BatchRequest`] when the request carrying it
    /// failed as a whole). `attempts` counts the times it was sent: in each
    /// `$batch` request it went in, and again each time that request was retried.
    pub fn take<T>(&mut self, item: BatchItem<T>) -> Result<GraphResponse<T>, Error> {
        let taken = self.answers.get_mut(item.index).and_then(Option::take);
        let Some(outcome) = taken else {
            return Err(Error::BatchItem {
                reason: "this batch has no answer for it (taken already, or added to another batch)".to_owned(),
            });
        };
        answer(outcome?, item.decode, self.settings[item.index].strict)
    }

    /// The HTTP status each call was answered with, in the order they were
    /// added (`None` for a call not answered, or taken already).
    pub fn statuses(&self) -> Vec<Option<u16>> {
        self.answers
            .iter()
            .map(|answer| match answer {
                Some(Ok(raw)) => Some(raw.status),
                _ => None,
            })
            .collect()
    }
}

impl fmt::Debug for BatchAnswers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchAnswers")
            .field("statuses", &self.statuses())
            .finish()
    }
}
