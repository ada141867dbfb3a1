//! Reads a user's QR code PIN authentication method.
//!
//! ```text
//! GRAPH_TOKEN=... cargo run --bin get_qr_code_pin_method -- --user adele@contoso.com
//! ```
//!
//! On success the method is printed as JSON on stdout (exit 0); on failure the
//! error - status, code, message, request-id - goes to stderr (exit 1). The
//! token is never printed.

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use generated::runtime::retry::RetryPolicy;
use generated::{Cloud, Error, GraphClient, StaticToken};

/// Reads GET /users/{id | userPrincipalName}/authentication/qrCodePinMethod.
#[derive(Parser)]
struct Args {
    /// The service root including the version (default: the Global cloud's v1.0).
    #[arg(long)]
    base_url: Option<String>,
    /// The user's id or userPrincipalName.
    #[arg(long)]
    user: String,
    /// Seconds one attempt may take (default 100).
    #[arg(long)]
    timeout: Option<f64>,
    /// How often a throttled (429) or unavailable (503, 504) request is retried (default 3; 0 turns retries off).
    #[arg(long)]
    max_retries: Option<u32>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args).await {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: &Args) -> Result<String, String> {
    let token = std::env::var("GRAPH_TOKEN").map_err(|_| "error: set GRAPH_TOKEN to an access token".to_owned())?;
    let mut builder = GraphClient::builder(StaticToken::new(token)).cloud(Cloud::Global);
    if let Some(base_url) = &args.base_url {
        builder = builder.base_url(base_url);
    }
    if let Some(seconds) = args.timeout {
        let timeout =
            Duration::try_from_secs_f64(seconds).map_err(|_| format!("error: invalid --timeout {seconds}"))?;
        builder = builder.timeout(timeout);
    }
    if let Some(retries) = args.max_retries {
        builder = builder.retry_policy(RetryPolicy::default().max_retries(retries));
    }
    let client = builder.build().map_err(describe)?;
    let method = client
        .users()
        .by_user_id(&args.user)
        .authentication()
        .qr_code_pin_method()
        .get()
        .await
        .map_err(describe)?;
    serde_json::to_string_pretty(&method).map_err(|error| format!("error: {error}"))
}

fn describe(error: Error) -> String {
    match error.as_graph() {
        Some(graph) => format!(
            "error: HTTP {}\ncode: {}\nmessage: {}\nrequest-id: {}",
            graph.status,
            graph.code.as_deref().unwrap_or("(none)"),
            graph.message.as_deref().unwrap_or("(none)"),
            graph.request_id.as_deref().unwrap_or("(none)"),
        ),
        None => format!("error: {error}"),
    }
}
