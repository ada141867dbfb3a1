//! Peak memory of a large upload as the file grows: files of 64 MiB, 512 MiB
//! and 2 GiB, streamed from an `AsyncRead` that makes its bytes as they are
//! read, go through one upload session each to a server on 127.0.0.1 that
//! keeps no more than the slice it is reading. The process's peak resident
//! memory (VmHWM) after each upload is printed: flat means the file never
//! sits in memory.
//!
//! `cargo bench --bench upload_memory`

use std::sync::{Arc, Mutex};
use std::time::Instant;

use generated::runtime::upload::DEFAULT_SLICE;
use generated::{GraphClient, StaticToken};
use graphgen_suite::hostile::{HostileServer, Received, Reply};
use graphgen_suite::memory_kib;
use serde_json::{json, Value};
use tokio::io::AsyncReadExt;

/// An upload session that counts the bytes it took and answers as OneDrive does.
fn session(received: &Mutex<u64>, request: &Received) -> Reply {
    let range = request.header("content-range").unwrap_or_default();
    let total: u64 = range
        .rsplit('/')
        .next()
        .and_then(|total| total.parse().ok())
        .unwrap_or(0);
    let mut received = received.lock().unwrap();
    *received += request.body.len() as u64;
    if *received == total {
        *received = 0;
        return Reply::json(201, &json!({ "id": "item", "size": total }));
    }
    Reply::json(202, &json!({ "nextExpectedRanges": [format!("{}-", *received)] }))
}

fn main() {
    // One thread for the client and the server: the figure is then the
    // upload's memory, not the allocator's per-thread arenas.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let received = Arc::new(Mutex::new(0u64));
        let state = received.clone();
        let server = HostileServer::start_with(move |request| session(&state, request), false).await;
        let client = GraphClient::builder(StaticToken::new("token"))
            .base_url(format!("{}/v1.0", server.base))
            .build()
            .unwrap();
        println!(
            "slice {} MiB; peak resident memory before: {} MiB",
            DEFAULT_SLICE >> 20,
            memory_kib("VmHWM") / 1024
        );
        for size in [64u64 << 20, 512 << 20, 2 << 30] {
            let source = tokio::io::repeat(0x5a).take(size);
            let started = Instant::now();
            let uploaded = client
                .upload(format!("{}/upload/session", server.base), source, size)
                .send::<Value>()
                .await
                .expect("the upload succeeds");
            assert_eq!(uploaded.item.unwrap()["size"], size);
            let elapsed = started.elapsed();
            println!(
                "{:>5} MiB uploaded in {:.2} s ({:.0} MiB/s); peak resident memory so far: {} MiB",
                size >> 20,
                elapsed.as_secs_f64(),
                (size >> 20) as f64 / elapsed.as_secs_f64(),
                memory_kib("VmHWM") / 1024
            );
        }
    });
}
