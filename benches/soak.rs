//! The soak run: many thousands of calls, dozens at a time, through one
//! client against a server on 127.0.0.1 that throttles 3% of requests
//! (`Retry-After: 0`) and drops 1% of connections without an answer. It checks
//! that every call ends exactly once (a value or a typed error), that no POST
//! whose connection dropped was sent again, and prints resident memory after
//! each quarter of the calls and the throughput beside the same calls made
//! with bare reqwest (no retries, no pipeline).
//!
//! `cargo bench --bench soak` (or `-- CALLS` for another number than 100,000).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use generated::models::{QrCodePinAuthenticationMethod, UsersAuthenticationQrCodePinMethodPinUpdatePinRequestBody};
use generated::runtime::retry::RetryPolicy;
use generated::runtime::secret::Secret;
use generated::{Error, GraphClient, StaticToken};
use graphgen_suite::hostile::{HostileServer, Received, Reply};
use graphgen_suite::memory_kib;
use graphgen_suite::seed_example;

const CONCURRENCY: usize = 64;

/// What the server did with each POST, by its `client-request-id`.
type PostLog = Arc<Mutex<HashMap<String, Vec<&'static str>>>>;

async fn server(hostile: bool, posts: PostLog) -> HostileServer {
    let seed = seed_example().to_string().into_bytes();
    let counter = AtomicU64::new(0);
    let handler = move |request: &Received| {
        let n = counter.fetch_add(1, Ordering::Relaxed) % 100;
        let (reply, label) = match (hostile, n) {
            (true, 0..=2) => (Reply::empty(429).with_header("Retry-After", "0"), "throttled"),
            (true, 50) => (Reply::Close, "closed"),
            _ if request.method == "POST" => (Reply::empty(204), "answered"),
            _ => (
                Reply::Answer {
                    status: 200,
                    headers: vec![("content-type".into(), "application/json".into())],
                    body: seed.clone(),
                },
                "answered",
            ),
        };
        // Only where connections drop: the log grows with the calls, and the
        // clean run's memory figure is the client's alone.
        if let (true, true, Some(id)) = (hostile, request.method == "POST", request.header("client-request-id")) {
            posts.lock().unwrap().entry(id.to_owned()).or_default().push(label);
        }
        reply
    };
    HostileServer::start_with(handler, false).await
}

/// How a run of calls ended.
#[derive(Debug, Default)]
struct Tally {
    answered: usize,
    dropped: usize,
    throttled: usize,
    other: usize,
}

impl Tally {
    fn total(&self) -> usize {
        self.answered + self.dropped + self.throttled + self.other
    }
}

/// Every fifth call is a POST (updatePin), the rest GETs of the seed endpoint.
async fn graphgen_calls(client: &GraphClient, from: usize, count: usize, tally: &mut Tally) {
    let body = UsersAuthenticationQrCodePinMethodPinUpdatePinRequestBody {
        current_pin: Some(Secret::new("1234")),
        new_pin: Some(Secret::new("5678")),
        ..Default::default()
    };
    let outcomes: Vec<Result<(), Error>> = futures_util::stream::iter(from..from + count)
        .map(|n| {
            let method = client
                .users()
                .by_user_id(format!("user{n}"))
                .authentication()
                .qr_code_pin_method();
            let body = &body;
            async move {
                if n % 5 == 0 {
                    method.pin().update_pin().post(body).await
                } else {
                    method.get().await.map(|_| ())
                }
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    for outcome in outcomes {
        match outcome {
            Ok(()) => tally.answered += 1,
            Err(Error::Transport(_)) => tally.dropped += 1,
            Err(error) if error.status() == Some(429) => tally.throttled += 1,
            Err(_) => tally.other += 1,
        }
    }
}

async fn bare_calls(http: &reqwest::Client, base: &str, count: usize, tally: &mut Tally) {
    let outcomes: Vec<Result<u16, reqwest::Error>> = futures_util::stream::iter(0..count)
        .map(|n| async move {
            let url = format!("{base}/v1.0/users/user{n}/authentication/qrCodePinMethod");
            if n % 5 == 0 {
                let response = http
                    .post(format!("{url}/pin/updatePin"))
                    .bearer_auth("token")
                    .header("content-type", "application/json")
                    .body(r#"{"currentPin":"1234","newPin":"5678"}"#)
                    .send()
                    .await?;
                Ok(response.status().as_u16())
            } else {
                let response = http.get(url).bearer_auth("token").send().await?;
                let status = response.status().as_u16();
                let body = response.bytes().await?;
                if status == 200 {
                    let _: QrCodePinAuthenticationMethod = serde_json::from_slice(&body).expect("the seed model");
                }
                Ok(status)
            }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    for outcome in outcomes {
        match outcome {
            Ok(200 | 204) => tally.answered += 1,
            Ok(429) => tally.throttled += 1,
            Ok(_) => tally.other += 1,
            Err(_) => tally.dropped += 1,
        }
    }
}

async fn soak(calls: usize, hostile: bool) {
    let posts: PostLog = Arc::default();
    let server = server(hostile, posts.clone()).await;
    let client = GraphClient::builder(StaticToken::new("token"))
        .base_url(format!("{}/v1.0", server.base))
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(1)))
        .build()
        .unwrap();
    let mut tally = Tally::default();
    let mut resident = Vec::new();
    let started = Instant::now();
    for quarter in 0..4 {
        graphgen_calls(&client, quarter * calls / 4, calls / 4, &mut tally).await;
        resident.push(memory_kib("VmRSS") / 1024);
    }
    let graphgen = started.elapsed();
    assert_eq!(tally.total(), calls / 4 * 4, "every call ended exactly once: {tally:?}");
    assert_eq!(
        tally.other, 0,
        "only answers, dropped connections and spent retries: {tally:?}"
    );
    let resent_after_drop = posts
        .lock()
        .unwrap()
        .values()
        .filter(|sent| {
            sent.iter()
                .position(|label| *label == "closed")
                .is_some_and(|at| at + 1 < sent.len())
        })
        .count();
    assert_eq!(
        resent_after_drop, 0,
        "a POST whose connection dropped is never sent again"
    );
    let dropped_posts = posts
        .lock()
        .unwrap()
        .values()
        .filter(|sent| sent.contains(&"closed"))
        .count();

    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut bare = Tally::default();
    let started = Instant::now();
    bare_calls(&http, &server.base, calls / 4 * 4, &mut bare).await;
    let bare_time = started.elapsed();

    let rate = |tally: &Tally, time: Duration| tally.total() as f64 / time.as_secs_f64();
    println!(
        "{:<8} graphgen {:>7.0} calls/s ({:?}), bare reqwest {:>7.0} calls/s ({:?}), ratio {:.2}; resident MiB after each quarter {:?}; POSTs dropped and not resent: {}",
        if hostile { "hostile" } else { "clean" },
        rate(&tally, graphgen),
        tally,
        rate(&bare, bare_time),
        bare,
        rate(&tally, graphgen) / rate(&bare, bare_time),
        resident,
        dropped_posts,
    );
}

fn main() {
    // `cargo bench` passes `--bench`; a number among the arguments is the call count.
    let calls = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(100_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        soak(calls, false).await;
        soak(calls, true).await;
    });
}
