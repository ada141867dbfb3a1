//! Deserializing the seed page's example response: the generated model
//! against a hand-written serde struct of the same shape (same fields, same
//! types, `Option` everywhere; base64 and enums left as strings), side by side
//! in one run.
//! `cargo bench --bench deserialize`; figures in BENCHMARKS.md.

use chrono::{DateTime, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use generated::models::QrCodePinAuthenticationMethod;
use serde::Deserialize;

#[allow(dead_code)] // Read only by serde and `black_box`.
#[derive(Deserialize)]
struct HandMethod {
    #[serde(rename = "@odata.type")]
    odata_type: Option<String>,
    id: Option<String>,
    #[serde(rename = "createdDateTime")]
    created_date_time: Option<DateTime<Utc>>,
    #[serde(rename = "standardQRCode")]
    standard_qr_code: Option<HandQrCode>,
    #[serde(rename = "temporaryQRCode")]
    temporary_qr_code: Option<HandQrCode>,
    pin: Option<HandPin>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct HandQrCode {
    id: Option<String>,
    image: Option<HandImage>,
    #[serde(rename = "startDateTime")]
    start_date_time: Option<DateTime<Utc>>,
    #[serde(rename = "expireDateTime")]
    expire_date_time: Option<DateTime<Utc>>,
    #[serde(rename = "createdDateTime")]
    created_date_time: Option<DateTime<Utc>>,
    #[serde(rename = "lastUsedDateTime")]
    last_used_date_time: Option<DateTime<Utc>>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct HandImage {
    #[serde(rename = "binaryValue")]
    binary_value: Option<String>,
    #[serde(rename = "rawContent")]
    raw_content: Option<String>,
    #[serde(rename = "errorCorrectionLevel")]
    error_correction_level: Option<String>,
    version: Option<i32>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct HandPin {
    code: Option<String>,
    #[serde(rename = "forceChangePinNextSignIn")]
    force_change_pin_next_sign_in: Option<bool>,
    #[serde(rename = "createdDateTime")]
    created_date_time: Option<DateTime<Utc>>,
    #[serde(rename = "updatedDateTime")]
    updated_date_time: Option<DateTime<Utc>>,
}

fn deserialize(c: &mut Criterion) {
    let body = graphgen_suite::seed_example().to_string();
    let mut group = c.benchmark_group("seed example");
    group.bench_function("generated model", |b| {
        b.iter(|| serde_json::from_str::<QrCodePinAuthenticationMethod>(std::hint::black_box(&body)).unwrap())
    });
    group.bench_function("hand-written struct", |b| {
        b.iter(|| serde_json::from_str::<HandMethod>(std::hint::black_box(&body)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, deserialize);
criterion_main!(benches);
