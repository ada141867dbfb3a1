//! The notification soak: many thousands of change notifications, in
//! deliveries of 20, from 32 senders at a time, each delivery sent twice (as
//! Graph sends again what it thinks was not answered), over HTTP on
//! 127.0.0.1 to a receiver whose queue is small and whose application reads
//! slower than Graph sends. It checks that no notification is lost, that each
//! is accepted once unmarked and its repeat marked a duplicate, and prints the
//! throughput and resident memory after each quarter (the receiver remembers
//! the last 10,000 digests, so memory must stay flat).
//!
//! `cargo bench --bench notifications_soak` (or `-- NOTIFICATIONS` for another
//! number than 200,000).

use std::time::{Duration, Instant};

use generated::models::ChangeNotification;
use generated::runtime::notifications::Receiver;
use graphgen_suite::memory_kib;
use serde_json::json;

const PER_DELIVERY: usize = 20;
const SENDERS: usize = 32;
const STATE: &str = "soak-client-state";

#[tokio::main]
async fn main() {
    let notifications: usize = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(200_000);
    let deliveries = notifications / PER_DELIVERY;
    let (receiver, mut queue) = Receiver::<ChangeNotification>::builder(STATE)
        .capacity(256)
        .remember(10_000)
        .build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/notifications", listener.local_addr().unwrap());
    let _serving = receiver.serve(listener);
    drop(receiver);

    let started = Instant::now();
    let mut senders = Vec::new();
    for sender in 0..SENDERS {
        let url = url.clone();
        senders.push(tokio::spawn(async move {
            let http = reqwest::Client::new();
            let mut refused = 0u64;
            for delivery in (sender..deliveries).step_by(SENDERS) {
                let value: Vec<_> = (0..PER_DELIVERY)
                    .map(|n| {
                        json!({
                            "subscriptionId": "soak", "changeType": "updated", "clientState": STATE,
                            "resource": format!("users/{}", delivery * PER_DELIVERY + n),
                            "tenantId": "84d6f2b3-9a0e-4c1f-b7d8-2e5f6a7b8c9d",
                        })
                    })
                    .collect();
                let body = json!({ "value": value }).to_string();
                for _ in 0..2 {
                    loop {
                        let status = http.post(&url).body(body.clone()).send().await.unwrap().status();
                        match status.as_u16() {
                            202 => break,
                            503 => {
                                refused += 1;
                                tokio::time::sleep(Duration::from_millis(1)).await;
                            }
                            other => panic!("answered {other}"),
                        }
                    }
                }
            }
            refused
        }));
    }

    let total = deliveries * PER_DELIVERY * 2;
    // Per notification, how often it came unmarked and marked: two bytes each, allocated up front.
    let mut seen: Vec<(u8, u8)> = vec![(0, 0); deliveries * PER_DELIVERY];
    let mut memory = Vec::new();
    let mut received = 0;
    while received < total {
        let notification = queue.next().await.expect("the receiver lives while senders send");
        received += 1;
        let resource = notification.change.resource.unwrap_or_default();
        let number: usize = resource
            .trim_start_matches("users/")
            .parse()
            .expect("the soak's resources are numbered");
        let entry = &mut seen[number];
        if notification.duplicate {
            entry.1 += 1;
        } else {
            entry.0 += 1;
        }
        if received % (total / 4) == 0 {
            memory.push(memory_kib("VmRSS") / 1024);
        }
        // The application is slower than Graph: every 64th notification takes a while.
        if received % 64 == 0 {
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
    }
    let elapsed = started.elapsed();
    let mut refused = 0;
    for sender in senders {
        refused += sender.await.unwrap();
    }
    let lost = seen.iter().filter(|&&(first, _)| first == 0).count();
    let wrong = seen.iter().filter(|&&(first, again)| first > 1 || again != 1).count();
    println!(
        "{notifications} notifications, each delivered twice, {SENDERS} senders, {PER_DELIVERY} a delivery: {:.0} notifications/s accepted; {refused} deliveries refused with 503 (queue full) and sent again; {lost} lost; {wrong} accepted other than once plus one marked repeat; resident MiB after each quarter: {memory:?}",
        total as f64 / elapsed.as_secs_f64()
    );
    assert_eq!(
        (lost, wrong),
        (0, 0),
        "a notification was lost or accepted twice unmarked"
    );
}
