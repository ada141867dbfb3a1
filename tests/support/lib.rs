//! Helpers shared by the end-to-end tests: where things are, and the seed
//! endpoint's example response.

pub mod hostile;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use generated::client::MethodsRequestBuilder;
use generated::models::AuthenticationMethodCollectionResponse;
use generated::runtime::client::ClientBuilder;
use generated::runtime::options::Get;
use generated::runtime::retry::RetryPolicy;
use generated::{Call, GraphClient, TokenSource};

/// A client of the crate in `generated/` for a test server at `base`
/// (`http://127.0.0.1:PORT`): the service root `base/v1.0`, and retries that
/// wait milliseconds where Graph's would wait seconds. Every test that talks
/// to a local server starts here.
pub fn local_client(base: &str, tokens: impl TokenSource + 'static) -> ClientBuilder<GraphClient> {
    GraphClient::builder(tokens)
        .base_url(format!("{base}/v1.0"))
        .retry_policy(RetryPolicy::default().base_delay(Duration::from_millis(10)))
}

/// The list of Adele's authentication methods, which several tests read.
pub fn adele_methods(
    client: &GraphClient,
) -> Call<AuthenticationMethodCollectionResponse, (MethodsRequestBuilder, Get)> {
    client
        .users()
        .by_user_id("adele@contoso.com")
        .authentication()
        .methods()
        .get()
}

/// What the `tracing` events and closed spans of this thread say, up to
/// `level`, while the guard lives: every test that reads the client's log
/// starts here.
pub fn capture_log(level: tracing::Level) -> (Log, tracing::subscriber::DefaultGuard) {
    let log = Log::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(level)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    (log, tracing::subscriber::set_default(subscriber))
}

/// A log written to memory ([`capture_log`]).
#[derive(Clone, Default)]
pub struct Log(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Log {
    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Log {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The workspace root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A file of `shared/` beside the checkout (the seed page, Microsoft's
/// descriptions), or `None`, having said that the test needing it is skipped
/// and why. A fresh clone has no `shared/`; `scripts/fetch-descriptions.sh`
/// fetches Microsoft's descriptions into it.
pub fn shared_file(relative: &str) -> Option<PathBuf> {
    let path = root().join("../shared").join(relative);
    if path.exists() {
        return Some(path);
    }
    // Written past the test harness's capture, so that a passing run says it.
    let _ = writeln!(
        std::io::stderr(),
        "skipped: {} is not there (it is beside the checkout in CI; scripts/fetch-descriptions.sh fetches Microsoft's descriptions)",
        path.display()
    );
    None
}

/// The hand-written fragments in `spec/`, sorted.
pub fn spec_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("spec"))
        .expect("spec/ exists")
        .map(|entry| entry.expect("spec/ is readable").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();
    files
}

/// The seed endpoint's example response, as the fragment `spec/qrcodepin.yaml`
/// carries it (the documentation page's example, verbatim: `seed_example.rs`
/// checks that where the page is at hand).
pub fn seed_example() -> serde_json::Value {
    let text = std::fs::read_to_string(root().join("spec/qrcodepin.yaml")).expect("spec/qrcodepin.yaml is readable");
    let spec: serde_json::Value = serde_yaml::from_str(&text).expect("spec/qrcodepin.yaml is YAML");
    spec["paths"]["/users/{user-id}/authentication/qrCodePinMethod"]["get"]["responses"]["200"]["content"]
        ["application/json"]["example"]
        .clone()
}

/// The example response printed on the seed documentation page, parsed, if
/// the page is at hand.
pub fn seed_page_example() -> Option<serde_json::Value> {
    let page =
        std::fs::read_to_string(shared_file("seed/get-qrcodepinmethod.txt")?).expect("the seed page is readable");
    let marker = "Content-Type: application/json";
    let start = page.rfind(marker).expect("the seed page shows a JSON response") + marker.len();
    Some(serde_json::from_str(page[start..].trim()).expect("the seed page's example response is JSON"))
}

/// A memory figure of this process from `/proc/self/status` in KiB
/// (`VmRSS`: resident now; `VmHWM`: the peak), or 0 where there is none.
pub fn memory_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}
