//! Any bytes, read as a server's answer (status, headers, body), served on
//! 127.0.0.1 to the generated client as it calls, batches and uploads: the
//! runtime must never panic, whatever a server sends, and no error may show
//! the PIN an answer carried.
//!
//! Input: byte 0 picks the call, bytes 1-2 the status; then header lines
//! (`name: value`) up to an empty line; the rest is the body. Every request of
//! an execution gets the same answer. `Location` headers are pointed back at
//! the same server, so that no execution sends anything beyond loopback.

#![no_main]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use generated::runtime::retry::RetryPolicy;
use generated::{GraphClient, StaticToken};
use libfuzzer_sys::fuzz_target;

/// A PIN a fuzzed body may carry; no error may show it.
const PIN: &str = "80524937";

/// The answer the server gives now, as bytes on the wire.
static ANSWER: Mutex<Vec<u8>> = Mutex::new(Vec::new());

/// The server's address, started once.
fn server() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                std::thread::spawn(move || {
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                    let mut request = Vec::new();
                    let mut buffer = [0u8; 8192];
                    // One request per connection: read the head and any body, then answer and close.
                    while let Ok(read) = stream.read(&mut buffer) {
                        if read == 0 {
                            break;
                        }
                        request.extend_from_slice(&buffer[..read]);
                        if let Some(end) = find(&request, b"\r\n\r\n") {
                            let length = content_length(&request[..end]);
                            if request.len() >= end + 4 + length {
                                break;
                            }
                        }
                    }
                    let answer = ANSWER.lock().unwrap().clone();
                    let _ = stream.write_all(&answer);
                });
            }
        });
        base
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|window| window == needle)
}

fn content_length(head: &[u8]) -> usize {
    String::from_utf8_lossy(head)
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0)
}

/// The HTTP answer `data` describes.
fn answer(data: &[u8], base: &str) -> Vec<u8> {
    let status = u16::from_be_bytes([data[1], data[2]]) % 600;
    let rest = &data[3..];
    let (head, body) = match find(rest, b"\n\n") {
        Some(end) => (&rest[..end], &rest[end + 2..]),
        None => (&rest[..0], rest),
    };
    let mut out = format!(
        "HTTP/1.1 {status} Fuzzed\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    )
    .into_bytes();
    for line in String::from_utf8_lossy(head).lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if name.eq_ignore_ascii_case("content-length") || name.eq_ignore_ascii_case("connection") {
            continue;
        }
        if name.eq_ignore_ascii_case("location") {
            // Only ever back to this server: a path of its own.
            let path: String = value
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '/')
                .collect();
            out.extend_from_slice(format!("location: {base}/{}\r\n", path.trim_start_matches('/')).as_bytes());
            continue;
        }
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    })
}

fn assert_no_pin(error: &generated::Error) {
    // An answer of a type that holds the PIN never shows its body in an error.
    if matches!(
        error,
        generated::Error::Decode { .. } | generated::Error::UnexpectedContentType { .. }
    ) {
        assert!(!format!("{error} {error:?}").contains(PIN), "{error:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let base = server();
    *ANSWER.lock().unwrap() = answer(data, base);
    let client = GraphClient::builder(StaticToken::new("token"))
        .base_url(format!("{base}/v1.0"))
        .retry_policy(
            RetryPolicy::default()
                .base_delay(Duration::from_millis(1))
                .max_total_delay(Duration::from_millis(20)),
        )
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap();
    runtime().block_on(async {
        let method = client.users().by_user_id("adele").authentication().qr_code_pin_method();
        match data[0] % 4 {
            0 => {
                if let Err(error) = method.get().await {
                    assert_no_pin(&error);
                }
            }
            1 => {
                if let Err(error) = method.get().strict(true).send_with_response().await {
                    assert_no_pin(&error);
                }
            }
            2 => {
                let mut batch = client.batch();
                let first = batch.add(method.get());
                let second = batch.add(
                    client
                        .users()
                        .by_user_id("megan")
                        .authentication()
                        .qr_code_pin_method()
                        .get(),
                );
                let mut answers = batch.send().await;
                for item in [first, second] {
                    if let Err(error) = answers.take(item) {
                        assert_no_pin(&error);
                    }
                }
            }
            _ => {
                let source: &[u8] = &[7u8; 1000];
                let _ = client
                    .upload(format!("{base}/upload"), source, 1000)
                    .send::<serde_json::Value>()
                    .await;
            }
        }
    });
});
