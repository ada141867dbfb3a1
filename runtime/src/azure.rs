//! Tokens from the Azure SDK for Rust: any `azure_core` `TokenCredential`
//! (those of `azure_identity`, for example) as a [`TokenSource`]. Only with
//! the `azure` cargo feature, which is off by default.

use std::fmt;
use std::sync::Arc;

use azure_core::credentials::TokenCredential;

use super::auth::{AccessToken, BoxFuture, TokenError, TokenSource};
use super::cloud::Cloud;

/// An Azure credential asked for a Graph token before every request; the
/// credential caches and refreshes tokens itself.
#[derive(Clone)]
pub struct AzureCredential {
    credential: Arc<dyn TokenCredential>,
    scopes: Vec<String>,
}

impl AzureCredential {
    /// Tokens for `cloud`'s Graph with the app's configured permissions
    /// (the `/.default` scope, for example `https://graph.microsoft.com/.default`).
    pub fn new(credential: Arc<dyn TokenCredential>, cloud: Cloud) -> Self {
        Self::with_scopes(credential, [format!("{}/.default", cloud.host())])
    }

    /// Tokens for explicit scopes, for example `User.Read` in a delegated flow.
    pub fn with_scopes(credential: Arc<dyn TokenCredential>, scopes: impl IntoIterator<Item = String>) -> Self {
        Self {
            credential,
            scopes: scopes.into_iter().collect(),
        }
    }
}

impl fmt::Debug for AzureCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AzureCredential")
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

// Claims challenges: `azure_core` 1.1's `TokenRequestOptions` has no field
// for claims, so this source keeps `token_with_claims`' default (it cannot
// take them) and a challenged call ends with Graph's 401.
impl TokenSource for AzureCredential {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, TokenError>> {
        Box::pin(async move {
            let scopes: Vec<&str> = self.scopes.iter().map(String::as_str).collect();
            let token = self
                .credential
                .get_token(&scopes, None)
                .await
                .map_err(|error| TokenError::new(format!("the Azure credential failed: {error}")))?;
            Ok(AccessToken::new(token.token.secret()))
        })
    }
}
