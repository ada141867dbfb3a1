//! Where access tokens come from.

use std::fmt;

pub use futures_util::future::BoxFuture;

use super::secret::Secret;

/// An OAuth 2.0 access token for Microsoft Graph. `Debug` never shows it.
#[derive(Clone, Debug)]
pub struct AccessToken(Secret);

impl AccessToken {
    /// Wraps a bearer token.
    pub fn new(token: impl Into<String>) -> Self {
        Self(Secret::new(token))
    }

    /// The raw token, for the `Authorization` header.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

/// Why a token could not be had. Its text must never contain a token.
#[derive(Debug)]
pub struct TokenError {
    message: String,
}

impl TokenError {
    /// A failure described for people.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for TokenError {}

/// Supplies access tokens. The client asks for one before every request, so an
/// implementation that refreshes tokens is always used with a fresh one.
pub trait TokenSource: Send + Sync {
    /// A token valid for the request about to be sent.
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, TokenError>>;

    /// A new token that satisfies a continuous access evaluation challenge:
    /// `claims` is the JSON Graph asked for (decoded from the `claims=` of a
    /// `401` with `error="insufficient_claims"`), to pass to the identity
    /// platform as MSAL's `claims` parameter. The client asks once per call
    /// and sends the request again with the token; `None` (the default) means
    /// this source cannot take claims, and the `401` is the call's answer.
    fn token_with_claims(&self, claims: &str) -> Option<BoxFuture<'_, Result<AccessToken, TokenError>>> {
        let _ = claims;
        None
    }
}

/// A token obtained elsewhere, used as it is for every request.
#[derive(Clone, Debug)]
pub struct StaticToken(AccessToken);

impl StaticToken {
    /// Uses `token` for every request.
    pub fn new(token: impl Into<String>) -> Self {
        Self(AccessToken::new(token))
    }
}

impl TokenSource for StaticToken {
    fn token(&self) -> BoxFuture<'_, Result<AccessToken, TokenError>> {
        let token = self.0.clone();
        Box::pin(async move { Ok(token) })
    }
}
