//! The `azure` feature: an `azure_core` credential as the client's token source.
#![cfg(feature = "azure")]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use azure_core::time::{Duration, OffsetDateTime};
use graphgen_runtime::auth::TokenSource;
use graphgen_runtime::azure::AzureCredential;
use graphgen_runtime::cloud::Cloud;

/// Issues `azure-token-1`, `azure-token-2`, ... and records the scopes asked for.
#[derive(Debug, Default)]
struct FakeCredential {
    calls: AtomicUsize,
    scopes: Mutex<Vec<String>>,
    fail: bool,
}

#[async_trait::async_trait]
impl TokenCredential for FakeCredential {
    async fn get_token(&self, scopes: &[&str], _: Option<TokenRequestOptions<'_>>) -> azure_core::Result<AccessToken> {
        let call = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        self.scopes
            .lock()
            .unwrap()
            .extend(scopes.iter().map(|scope| (*scope).to_owned()));
        if self.fail {
            return Err(azure_core::Error::with_message(
                azure_core::error::ErrorKind::Credential,
                "no managed identity here",
            ));
        }
        Ok(AccessToken::new(
            format!("azure-token-{call}"),
            OffsetDateTime::now_utc() + Duration::minutes(5),
        ))
    }
}

#[tokio::test]
async fn asks_the_credential_for_the_clouds_default_scope_every_time() {
    let fake = Arc::new(FakeCredential::default());
    let source = AzureCredential::new(fake.clone(), Cloud::UsGovL4);
    assert_eq!(source.token().await.unwrap().expose(), "azure-token-1");
    assert_eq!(source.token().await.unwrap().expose(), "azure-token-2");
    assert_eq!(
        *fake.scopes.lock().unwrap(),
        [
            "https://graph.microsoft.us/.default",
            "https://graph.microsoft.us/.default"
        ]
    );
    assert!(!format!("{source:?}").contains("azure-token"));
}

#[tokio::test]
async fn a_failing_credential_is_a_token_error() {
    let fake = Arc::new(FakeCredential {
        fail: true,
        ..FakeCredential::default()
    });
    let error = AzureCredential::new(fake, Cloud::Global).token().await.unwrap_err();
    assert!(error.to_string().contains("no managed identity here"), "{error}");
}
