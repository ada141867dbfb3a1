//! The HTTP client every generated request builder sends through.

use std::fmt;
use std::future::IntoFuture;
use std::marker::PhantomData;
use std::sync::Arc;

use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION};
use reqwest::{Method, Url};
use serde::de::DeserializeOwned;

use super::auth::{BoxFuture, TokenError, TokenSource};
use super::cloud::Cloud;
use super::error::{Error, GraphError};
use super::path::RequestPath;

/// The API version a client addresses unless told otherwise.
pub const DEFAULT_API_VERSION: &str = "v1.0";

/// A Microsoft Graph client: a service root, a token source and an HTTP
/// connection pool. Cloning is cheap and shares all three.
#[derive(Clone)]
pub struct GraphClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    service_root: String,
    tokens: Box<dyn TokenSource>,
}

impl GraphClient {
    /// A client of `cloud`'s v1.0 endpoint.
    pub fn new(cloud: Cloud, tokens: impl TokenSource + 'static) -> Result<Self, Error> {
        Self::builder(tokens).cloud(cloud).build()
    }

    /// A builder, to choose the cloud, a custom service root or the HTTP client.
    pub fn builder(tokens: impl TokenSource + 'static) -> ClientBuilder {
        ClientBuilder {
            tokens: Box::new(tokens),
            cloud: Cloud::Global,
            api_version: DEFAULT_API_VERSION.to_owned(),
            base_url: None,
            http: None,
        }
    }

    /// The service root requests go to, for example `https://graph.microsoft.com/v1.0`.
    pub fn service_root(&self) -> &str {
        &self.inner.service_root
    }

    /// A request of `method` on `path` whose successful response body is a `T`.
    /// Generated request builders call this; nothing is sent until it is awaited.
    pub fn call<T>(&self, method: Method, path: RequestPath) -> Call<T> {
        Call {
            client: self.clone(),
            method,
            path,
            output: PhantomData,
        }
    }
}

impl fmt::Debug for GraphClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GraphClient")
            .field("service_root", &self.inner.service_root)
            .finish_non_exhaustive()
    }
}

/// Configures a [`GraphClient`].
pub struct ClientBuilder {
    tokens: Box<dyn TokenSource>,
    cloud: Cloud,
    api_version: String,
    base_url: Option<String>,
    http: Option<reqwest::Client>,
}

impl ClientBuilder {
    /// The national cloud to call (default: [`Cloud::Global`]).
    pub fn cloud(mut self, cloud: Cloud) -> Self {
        self.cloud = cloud;
        self
    }

    /// The API version of the cloud's endpoint (default: `v1.0`).
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = version.into();
        self
    }

    /// A custom service root including the version, for example a proxy or a
    /// test server: `http://127.0.0.1:8080/v1.0`. It replaces the cloud.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The `reqwest` client to send with, for custom TLS or proxy settings.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<GraphClient, Error> {
        let service_root = match self.base_url {
            Some(url) => checked_service_root(&url)?,
            None => self.cloud.service_root(&self.api_version),
        };
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder().build().map_err(Error::Transport)?,
        };
        Ok(GraphClient {
            inner: Arc::new(Inner {
                http,
                service_root,
                tokens: self.tokens,
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("cloud", &self.cloud)
            .field("api_version", &self.api_version)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

fn checked_service_root(url: &str) -> Result<String, Error> {
    let parsed = Url::parse(url).map_err(|error| Error::InvalidBaseUrl(format!("{url:?}: {error}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::InvalidBaseUrl(format!(
            "{url:?}: the scheme must be http or https"
        )));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::InvalidBaseUrl(format!(
            "{url:?}: a service root has no query or fragment"
        )));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

/// One request, sent when awaited: `client.users().by_user_id(id).get().await`.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<T> {
    client: GraphClient,
    method: Method,
    path: RequestPath,
    output: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Call<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("method", &self.method)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl<T: DeserializeOwned> Call<T> {
    /// Sends the request and decodes the response.
    pub async fn send(self) -> Result<T, Error> {
        let encoded = self
            .path
            .encoded()
            .map_err(|invalid| Error::InvalidPathParameter(invalid.clone()))?;
        let inner = &self.client.inner;
        let url = Url::parse(&format!("{}{}", inner.service_root, encoded))
            .map_err(|error| Error::InvalidBaseUrl(error.to_string()))?;
        let token = inner.tokens.token().await.map_err(Error::Token)?;
        let mut authorization = HeaderValue::try_from(format!("Bearer {}", token.expose()))
            .map_err(|_| Error::Token(TokenError::new("the token contains characters a header cannot carry")))?;
        authorization.set_sensitive(true);

        let response = inner
            .http
            .request(self.method, url)
            .header(ACCEPT, "application/json")
            .header(AUTHORIZATION, authorization)
            .send()
            .await
            .map_err(|error| Error::Transport(error.without_url()))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|error| Error::Transport(error.without_url()))?;
        if !(200..300).contains(&status) {
            return Err(Error::Graph(Box::new(GraphError::from_response(
                status, &headers, &body,
            ))));
        }
        // An empty body (204 No Content) reads as JSON `null`, which is what `()` expects.
        let json: &[u8] = if body.is_empty() { b"null" } else { &body };
        serde_json::from_slice(json).map_err(|source| Error::decode(status, &headers, &body, source))
    }
}

impl<T: DeserializeOwned + Send + 'static> IntoFuture for Call<T> {
    type Output = Result<T, Error>;
    type IntoFuture = BoxFuture<'static, Result<T, Error>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
