//! Change notifications (cargo feature `notifications`): receiving what Graph
//! pushes to a subscription's `notificationUrl`, safely, and keeping the
//! subscription alive.
//!
//! A [`Receiver`] takes each HTTP request (method, path and query, body) from
//! whatever server the application runs, or serves a listener itself
//! ([`Receiver::serve`]), and gives the answer to send:
//!
//! - **The handshake**: `?validationToken=...` is answered `200`, `text/plain`,
//!   with the decoded token, at once.
//! - **Every notification proves itself** before anything is queued: its
//!   `clientState` must be one the receiver was given (compared in constant
//!   time); rich notifications (`encryptedContent`) need `validationTokens`,
//!   JWTs signed by a key of Microsoft's published set ([`SigningKeys`]), for
//!   the application (`aud`), issued to Graph (`azp`/`appid`
//!   [`GRAPH_APP_ID`]), unexpired, one for each tenant whose content came;
//!   the content's `dataSignature` (HMAC-SHA256 with the symmetric key) is
//!   checked in constant time before its `data` is decrypted (the key
//!   unwrapped with RSA-OAEP, SHA-1 and MGF1; AES-CBC, PKCS7, the IV the key's
//!   first 16 bytes). One that fails refuses the whole delivery (`401`) and
//!   nothing of it is queued.
//! - **The deadline**: Graph wants an answer within 3 seconds. The receiver
//!   answers `202` once a delivery is queued for the application
//!   ([`Notifications`], a bounded queue); a delivery that does not fit in the
//!   queue is refused with `503` and `Retry-After`, which Graph retries, so
//!   nothing is dropped in silence, however slow the application is.
//! - **Duplicates**: Graph delivers again what was not answered in time, for
//!   up to 4 hours, and gives no id to every kind of notification. A
//!   notification is recognised by a SHA-256 digest of its JSON as received;
//!   one seen among the last [`ReceiverBuilder::remember`] is delivered with
//!   [`Notification::duplicate`] set, never dropped.
//!
//! [`SubscriptionKeeper`] creates subscriptions, renews them before they
//! expire (within each resource's maximum lifetime, [`max_lifetime`]), and
//! answers lifecycle events: `reauthorizationRequired` reauthorizes,
//! `subscriptionRemoved` creates the subscription again, `missed` tells the
//! application to resynchronize (with a delta query).
//!
//! `N` is the generated `ChangeNotification` model (`spec/notifications.yaml`).

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use aws_lc_rs::cipher::{DecryptionContext, PaddedBlockDecryptingKey, UnboundCipherKey, AES_256};
use aws_lc_rs::rsa::{OaepPrivateDecryptingKey, PrivateDecryptingKey, OAEP_SHA1_MGF1SHA1};
use aws_lc_rs::{constant_time, digest, hmac};
use futures_util::Stream;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::mpsc;

use super::auth::BoxFuture;
use super::bytes::Base64Bytes;
use super::client::GraphClient;
use super::cloud::Cloud;
use super::error::Error;
use super::path::RequestPath;
use super::read::{read_root, FromJson};
use super::secret::Secret;
use super::serve::{self, Answer, Received, Reply};

/// The application id of Microsoft Graph's change-notification service: the
/// `azp` (or `appid`) of every genuine validation token.
pub const GRAPH_APP_ID: &str = "0bf30f3b-4a52-48df-9a82-234910c4a086";

/// How many notifications wait for the application by default.
pub const DEFAULT_CAPACITY: usize = 1024;

/// How many notifications' digests are remembered to mark duplicates, by default.
pub const DEFAULT_REMEMBER: usize = 100_000;

/// The largest delivery read, by default (Graph's rich notifications stay far below).
pub const DEFAULT_MAX_BODY: usize = 4 * 1024 * 1024;

/// The longest validation token answered (Graph's are far shorter).
const MAX_VALIDATION_TOKEN: usize = 4096;

/// How long fetching signing keys may take out of Graph's 3-second deadline.
const KEY_FETCH_TIMEOUT: Duration = Duration::from_secs(2);

/// How long signing keys are used before they are fetched again.
const KEY_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// How soon keys are fetched again for a token naming a key not in the set.
const KEY_RETRY: Duration = Duration::from_secs(300);

/// A key Microsoft signs validation tokens with: an RSA public key of its
/// published set (a JWK's `kid`, `n` and `e`, base64url).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct SigningKey {
    pub kid: String,
    pub n: String,
    pub e: String,
}

/// Where the keys that sign validation tokens come from.
pub trait SigningKeys: Send + Sync {
    /// The current set. The receiver caches it for a day, and asks again
    /// (at most every five minutes) when a token names a key not in it.
    fn keys(&self) -> BoxFuture<'_, Result<Vec<SigningKey>, Error>>;
}

/// Keys given by the application, used as they are: for tests, and for
/// machines that cannot reach Microsoft's key set.
#[derive(Clone, Debug, Default)]
pub struct StaticKeys(pub Vec<SigningKey>);

impl SigningKeys for StaticKeys {
    fn keys(&self) -> BoxFuture<'_, Result<Vec<SigningKey>, Error>> {
        let keys = self.0.clone();
        Box::pin(async move { Ok(keys) })
    }
}

/// Microsoft's published key set of a cloud's identity platform
/// (`https://login.microsoftonline.com/common/discovery/v2.0/keys` for the
/// global service), fetched over HTTPS.
#[derive(Clone, Debug)]
pub struct PublishedKeys {
    url: String,
    http: reqwest::Client,
}

impl PublishedKeys {
    /// The key set of `cloud`'s identity platform.
    pub fn new(cloud: Cloud) -> Self {
        let login = match cloud {
            Cloud::Global => "https://login.microsoftonline.com",
            Cloud::UsGovL4 | Cloud::UsGovL5Dod => "https://login.microsoftonline.us",
            Cloud::China => "https://login.chinacloudapi.cn",
        };
        Self::at(format!("{login}/common/discovery/v2.0/keys"))
    }

    /// The key set at `url` (a JWK set), for a proxy or a test.
    pub fn at(url: impl Into<String>) -> Self {
        PublishedKeys {
            url: url.into(),
            http: reqwest::Client::new(),
        }
    }
}

impl SigningKeys for PublishedKeys {
    fn keys(&self) -> BoxFuture<'_, Result<Vec<SigningKey>, Error>> {
        Box::pin(async move {
            #[derive(Deserialize)]
            struct Set {
                keys: Vec<Value>,
            }
            let response = self.http.get(&self.url).send().await.map_err(Error::Transport)?;
            let status = response.status().as_u16();
            let body = response.bytes().await.map_err(Error::Transport)?;
            if status != 200 {
                return Err(Error::Notification(format!("the signing key set answered {status}")));
            }
            let set: Set = serde_json::from_slice(&body)
                .map_err(|error| Error::Notification(format!("the signing key set is not a JWK set: {error}")))?;
            // Keys of other kinds (not RSA, no `kid`) are left out.
            Ok(set
                .keys
                .into_iter()
                .filter_map(|key| serde_json::from_value(key).ok())
                .collect())
        })
    }
}

/// Receives change notifications; cloning shares it. See the [module docs](self).
pub struct Receiver<N> {
    inner: Arc<Inner<N>>,
}

impl<N> Clone for Receiver<N> {
    fn clone(&self) -> Self {
        Receiver {
            inner: self.inner.clone(),
        }
    }
}

struct Inner<N> {
    client_states: Vec<Secret>,
    app_id: Option<String>,
    decryption: Vec<(String, OaepPrivateDecryptingKey)>,
    signing: Option<Arc<dyn SigningKeys>>,
    cached: Mutex<Option<CachedKeys>>,
    seen: Mutex<Seen>,
    queue: mpsc::Sender<Notification<N>>,
    max_body: usize,
}

struct CachedKeys {
    keys: Vec<SigningKey>,
    fetched: Instant,
}

/// The digests of the notifications seen last, oldest first.
struct Seen {
    digests: HashSet<[u8; 32]>,
    order: VecDeque<[u8; 32]>,
    remember: usize,
}

impl Seen {
    fn contains(&self, digest: &[u8; 32]) -> bool {
        self.digests.contains(digest)
    }

    fn insert(&mut self, digest: [u8; 32]) {
        if self.remember == 0 || !self.digests.insert(digest) {
            return;
        }
        self.order.push_back(digest);
        while self.order.len() > self.remember {
            if let Some(oldest) = self.order.pop_front() {
                self.digests.remove(&oldest);
            }
        }
    }
}

/// Configures a [`Receiver`].
pub struct ReceiverBuilder<N> {
    client_states: Vec<Secret>,
    app_id: Option<String>,
    decryption: Vec<(String, OaepPrivateDecryptingKey)>,
    signing: Option<Arc<dyn SigningKeys>>,
    capacity: usize,
    remember: usize,
    max_body: usize,
    notification: std::marker::PhantomData<fn() -> N>,
}

impl<N> fmt::Debug for ReceiverBuilder<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReceiverBuilder")
            .field("client_states", &self.client_states.len())
            .field("app_id", &self.app_id)
            .field(
                "decryption_keys",
                &self.decryption.iter().map(|(id, _)| id).collect::<Vec<_>>(),
            )
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

impl<N: FromJson + Send + 'static> ReceiverBuilder<N> {
    /// Also accepts `client_state` (several while subscriptions move from one to another).
    pub fn client_state(mut self, client_state: impl Into<Secret>) -> Self {
        self.client_states.push(client_state.into());
        self
    }

    /// The application's id: the audience of validation tokens. Rich
    /// notifications are refused without it.
    pub fn app_id(mut self, app_id: impl Into<String>) -> Self {
        self.app_id = Some(app_id.into());
        self
    }

    /// The private key (PKCS #8 DER, RSA of 2048 to 4096 bits) of the
    /// certificate given to subscriptions as `encryptionCertificate`, under
    /// the `encryptionCertificateId` they were given.
    pub fn decryption_key(mut self, certificate_id: impl Into<String>, pkcs8_der: &[u8]) -> Result<Self, Error> {
        let key = PrivateDecryptingKey::from_pkcs8(pkcs8_der)
            .map_err(|_| Error::Notification("the decryption key is not an RSA private key in PKCS #8 DER".into()))?;
        if !(2048..=4096).contains(&key.key_size_bits()) {
            return Err(Error::Notification(format!(
                "the decryption key has {} bits; Graph takes 2048 to 4096",
                key.key_size_bits()
            )));
        }
        let key = OaepPrivateDecryptingKey::new(key)
            .map_err(|_| Error::Notification("the decryption key cannot decrypt RSA-OAEP".into()))?;
        self.decryption.push((certificate_id.into(), key));
        Ok(self)
    }

    /// Where validation tokens' signing keys come from (default:
    /// [`PublishedKeys`] of the global service).
    pub fn signing_keys(mut self, keys: impl SigningKeys + 'static) -> Self {
        self.signing = Some(Arc::new(keys));
        self
    }

    /// How many notifications may wait for the application (default [`DEFAULT_CAPACITY`]).
    pub fn capacity(mut self, notifications: usize) -> Self {
        self.capacity = notifications.max(1);
        self
    }

    /// How many notifications are remembered to mark duplicates (default
    /// [`DEFAULT_REMEMBER`]; 32 bytes each).
    pub fn remember(mut self, notifications: usize) -> Self {
        self.remember = notifications;
        self
    }

    /// The largest delivery read (default [`DEFAULT_MAX_BODY`]); a larger one is `413`.
    pub fn max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// The receiver, and the queue of the notifications it accepts.
    pub fn build(self) -> (Receiver<N>, Notifications<N>) {
        let (queue, notifications) = mpsc::channel(self.capacity);
        let signing = match (self.signing, self.app_id.is_some()) {
            (Some(signing), _) => Some(signing),
            (None, true) => Some(Arc::new(PublishedKeys::new(Cloud::Global)) as Arc<dyn SigningKeys>),
            (None, false) => None,
        };
        let inner = Inner {
            client_states: self.client_states,
            app_id: self.app_id,
            decryption: self.decryption,
            signing,
            cached: Mutex::new(None),
            seen: Mutex::new(Seen {
                digests: HashSet::new(),
                order: VecDeque::new(),
                remember: self.remember,
            }),
            queue,
            max_body: self.max_body,
        };
        (
            Receiver { inner: Arc::new(inner) },
            Notifications { queue: notifications },
        )
    }
}

/// An answer in plain text, not to be read as anything else.
fn text(status: u16, text: &str) -> Reply {
    Reply::raw(status, "text/plain; charset=utf-8", text).with_header("x-content-type-options", "nosniff")
}

/// A refusal, said in the answer and in a `tracing` warning.
fn refused(status: u16, why: &str) -> Reply {
    tracing::warn!(status, why, "a change notification delivery was refused");
    text(status, why)
}

/// Why a delivery is refused: said in the answer and in a `tracing` warning,
/// never with a value of the delivery.
struct Refusal(u16, &'static str);

impl<N: FromJson + Send + 'static> Receiver<N> {
    /// A receiver accepting notifications that carry `client_state`.
    pub fn builder(client_state: impl Into<Secret>) -> ReceiverBuilder<N> {
        ReceiverBuilder {
            client_states: vec![client_state.into()],
            app_id: None,
            decryption: Vec::new(),
            signing: None,
            capacity: DEFAULT_CAPACITY,
            remember: DEFAULT_REMEMBER,
            max_body: DEFAULT_MAX_BODY,
            notification: std::marker::PhantomData,
        }
    }

    /// The answer to one request to the notification URL: `method`, the path
    /// with its query (`target`), and the body.
    pub async fn handle(&self, method: &str, target: &str, body: &[u8]) -> Reply {
        if let Some(token) = validation_token(target) {
            return match token {
                Some(token) if token.len() <= MAX_VALIDATION_TOKEN => text(200, &token),
                _ => refused(400, "the validation token is not one"),
            };
        }
        if !method.eq_ignore_ascii_case("POST") {
            return refused(405, "notifications are POSTed");
        }
        if body.len() > self.inner.max_body {
            return refused(413, "the delivery is larger than the receiver reads");
        }
        match self.accept(body).await {
            Ok(()) => Reply::raw(202, "", Vec::new()),
            Err(Refusal(503, why)) => refused(503, why).with_header("retry-after", "1"),
            Err(Refusal(status, why)) => refused(status, why),
        }
    }

    /// Serves `listener` (HTTP/1.1; put it behind the TLS of a reverse
    /// proxy, as Graph calls HTTPS only) with [`handle`](Self::handle) until
    /// the handle aborts it.
    pub fn serve(&self, listener: tokio::net::TcpListener) -> tokio::task::AbortHandle {
        let receiver = self.clone();
        let max_body = self.inner.max_body;
        serve::spawn(listener, max_body, move |received: Received| {
            let receiver = receiver.clone();
            async move {
                Answer::Reply(
                    receiver
                        .handle(received.method.as_str(), &received.target, &received.body)
                        .await,
                )
            }
        })
    }

    async fn accept(&self, body: &[u8]) -> Result<(), Refusal> {
        #[derive(Deserialize)]
        struct Delivery {
            value: Vec<Value>,
            #[serde(default, rename = "validationTokens")]
            validation_tokens: Vec<String>,
        }
        let delivery: Delivery = serde_json::from_slice(body)
            .map_err(|_| Refusal(400, "the delivery is not a changeNotificationCollection"))?;
        for item in &delivery.value {
            let state = item.get("clientState").and_then(Value::as_str).unwrap_or_default();
            if !self.inner.knows(state) {
                return Err(Refusal(401, "a notification's clientState is not the subscription's"));
            }
        }
        let rich_tenants: HashSet<&str> = delivery
            .value
            .iter()
            .filter(|item| item.get("encryptedContent").is_some_and(|content| !content.is_null()))
            .map(|item| item.get("tenantId").and_then(Value::as_str).unwrap_or_default())
            .collect();
        if !rich_tenants.is_empty() || !delivery.validation_tokens.is_empty() {
            let tenants = self.validate_tokens(&delivery.validation_tokens).await?;
            if !rich_tenants
                .iter()
                .all(|tenant| tenants.iter().any(|valid| valid.eq_ignore_ascii_case(tenant)))
            {
                return Err(Refusal(401, "rich content came without a valid token of its tenant"));
            }
        }
        let mut accepted = Vec::with_capacity(delivery.value.len());
        for item in delivery.value {
            let content = match item.get("encryptedContent").filter(|content| !content.is_null()) {
                Some(encrypted) => Some(self.inner.decrypt(encrypted)?),
                None => None,
            };
            let digest: [u8; 32] = digest::digest(&digest::SHA256, item.to_string().as_bytes())
                .as_ref()
                .try_into()
                .expect("SHA-256 digests are 32 bytes");
            let subscription_id = item
                .get("subscriptionId")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            let lifecycle = item.get("lifecycleEvent").and_then(Value::as_str).map(Lifecycle::from);
            let change: N = read_root(item).map_err(|_| Refusal(400, "a notification is not a changeNotification"))?;
            accepted.push((digest, subscription_id, lifecycle, change, content));
        }
        // Queued all together or not at all: Graph delivers a refused one again whole.
        let permits = self
            .inner
            .queue
            .try_reserve_many(accepted.len())
            .map_err(|_| Refusal(503, "the application's queue is full; Graph will deliver again"))?;
        let mut seen = self.inner.seen.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        for (permit, (digest, subscription_id, lifecycle, change, content)) in permits.zip(accepted) {
            let duplicate = seen.contains(&digest);
            seen.insert(digest);
            permit.send(Notification {
                change,
                duplicate,
                subscription_id,
                lifecycle,
                content,
            });
        }
        Ok(())
    }

    /// The tenants of the validation tokens, each checked; any token that
    /// fails refuses the delivery.
    async fn validate_tokens(&self, tokens: &[String]) -> Result<Vec<String>, Refusal> {
        let Some(app_id) = &self.inner.app_id else {
            return Err(Refusal(401, "rich notifications need the receiver to know the app id"));
        };
        if tokens.is_empty() {
            return Err(Refusal(401, "rich content came without validation tokens"));
        }
        let mut tenants = Vec::new();
        for token in tokens {
            let header =
                jsonwebtoken::decode_header(token).map_err(|_| Refusal(401, "a validation token is not a JWT"))?;
            if header.alg != jsonwebtoken::Algorithm::RS256 {
                return Err(Refusal(401, "a validation token is not signed with RS256"));
            }
            let kid = header.kid.ok_or(Refusal(401, "a validation token names no key"))?;
            let key = self.signing_key(&kid).await?;
            let key = jsonwebtoken::DecodingKey::from_rsa_components(&key.n, &key.e)
                .map_err(|_| Refusal(503, "a published signing key cannot be read"))?;
            let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
            validation.set_audience(&[app_id]);
            validation.set_required_spec_claims(&["exp", "aud"]);
            #[derive(Deserialize)]
            struct Claims {
                azp: Option<String>,
                appid: Option<String>,
                tid: Option<String>,
            }
            let claims = jsonwebtoken::decode::<Claims>(token, &key, &validation)
                .map_err(|_| Refusal(401, "a validation token is forged, expired or for another app"))?
                .claims;
            if claims.azp.or(claims.appid).as_deref() != Some(GRAPH_APP_ID) {
                return Err(Refusal(401, "a validation token was not issued to Microsoft Graph"));
            }
            tenants.extend(claims.tid);
        }
        Ok(tenants)
    }

    /// The signing key `kid`, from the cached set or a fresh one.
    async fn signing_key(&self, kid: &str) -> Result<SigningKey, Refusal> {
        let find = |cached: &Option<CachedKeys>, fresh_for: Duration| {
            cached
                .as_ref()
                .filter(|cached| cached.fetched.elapsed() < fresh_for)
                .map(|cached| cached.keys.iter().find(|key| key.kid == kid).cloned())
        };
        {
            let cached = self
                .inner
                .cached
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            match find(&cached, KEY_LIFETIME) {
                Some(Some(key)) => return Ok(key),
                // Not in a set fetched moments ago: no key of Microsoft's.
                Some(None) if find(&cached, KEY_RETRY).is_some() => {
                    return Err(Refusal(
                        401,
                        "a validation token names a key Microsoft does not publish",
                    ))
                }
                _ => {}
            }
        }
        let source = self
            .inner
            .signing
            .as_ref()
            .ok_or(Refusal(401, "the receiver has no signing keys"))?;
        let keys = tokio::time::timeout(KEY_FETCH_TIMEOUT, source.keys())
            .await
            .map_err(|_| Refusal(503, "the signing keys did not come in time"))?
            .map_err(|_| Refusal(503, "the signing keys could not be fetched"))?;
        let key = keys.iter().find(|key| key.kid == kid).cloned();
        *self
            .inner
            .cached
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(CachedKeys {
            keys,
            fetched: Instant::now(),
        });
        key.ok_or(Refusal(
            401,
            "a validation token names a key Microsoft does not publish",
        ))
    }
}

impl<N> Inner<N> {
    fn knows(&self, state: &str) -> bool {
        // Every configured state is compared, so the time taken says nothing of which matched.
        self.client_states.iter().fold(false, |known, expected| {
            constant_time::verify_slices_are_equal(expected.expose().as_bytes(), state.as_bytes()).is_ok() | known
        })
    }

    /// The resource of a notification's `encryptedContent`, its signature checked.
    fn decrypt(&self, encrypted: &Value) -> Result<Value, Refusal> {
        let field = |name: &str| {
            encrypted
                .get(name)
                .and_then(Value::as_str)
                .ok_or(Refusal(400, "encrypted content lacks a field"))
        };
        let certificate = field("encryptionCertificateId")?;
        let key = self
            .decryption
            .iter()
            .find(|(id, _)| id == certificate)
            .map(|(_, key)| key)
            .ok_or(Refusal(
                401,
                "encrypted content names a certificate the receiver has no key for",
            ))?;
        let base64 = |name: &str| {
            field(name).and_then(|text| {
                Base64Bytes::decode(text)
                    .map(|bytes| bytes.0)
                    .ok_or(Refusal(400, "encrypted content is not base64"))
            })
        };
        let (data_key, data, signature) = (base64("dataKey")?, base64("data")?, base64("dataSignature")?);
        let mut unwrapped = vec![0; key.key_size_bytes()];
        let symmetric = key
            .decrypt(&OAEP_SHA1_MGF1SHA1, &data_key, &mut unwrapped, None)
            .map_err(|_| Refusal(401, "the content's key does not decrypt with the receiver's key"))?;
        hmac::verify(&hmac::Key::new(hmac::HMAC_SHA256, symmetric), &data, &signature)
            .map_err(|_| Refusal(401, "the content's dataSignature does not match its data"))?;
        let iv: [u8; 16] = symmetric
            .get(..16)
            .and_then(|iv| iv.try_into().ok())
            .ok_or(Refusal(401, "the content's key is too short"))?;
        let cipher = UnboundCipherKey::new(&AES_256, symmetric)
            .and_then(PaddedBlockDecryptingKey::cbc_pkcs7)
            .map_err(|_| Refusal(401, "the content's key is not an AES-256 key"))?;
        let mut buffer = data;
        let plain = cipher
            .decrypt(&mut buffer, DecryptionContext::Iv128(iv.into()))
            .map_err(|_| Refusal(401, "the content does not decrypt"))?;
        serde_json::from_slice(plain).map_err(|_| Refusal(400, "the decrypted content is not JSON"))
    }
}

/// The `validationToken` of a handshake, decoded: `None` when the target has
/// none, `Some(None)` when it is not text.
fn validation_token(target: &str) -> Option<Option<String>> {
    let query = target.split_once('?')?.1;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "validationToken")
        .map(|(_, token)| Some(token.into_owned()).filter(|token| !token.chars().any(char::is_control)))
}

/// A lifecycle event (`lifecycleEvent`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Lifecycle {
    /// `reauthorizationRequired`: reauthorize the subscription or renew it.
    ReauthorizationRequired,
    /// `subscriptionRemoved`: create the subscription again.
    SubscriptionRemoved,
    /// `missed`: notifications were lost; resynchronize (with a delta query).
    Missed,
    /// An event Graph has added since, as received.
    Unrecognized(String),
}

impl From<&str> for Lifecycle {
    fn from(event: &str) -> Self {
        match event {
            "reauthorizationRequired" => Lifecycle::ReauthorizationRequired,
            "subscriptionRemoved" => Lifecycle::SubscriptionRemoved,
            "missed" => Lifecycle::Missed,
            other => Lifecycle::Unrecognized(other.to_owned()),
        }
    }
}

/// One notification the receiver accepted.
pub struct Notification<N> {
    /// The notification as Graph sent it (the generated `ChangeNotification`).
    pub change: N,
    /// Delivered before: Graph sends again what was not answered in time.
    pub duplicate: bool,
    /// The subscription it belongs to.
    pub subscription_id: String,
    /// For a lifecycle notification, what happened.
    pub lifecycle: Option<Lifecycle>,
    content: Option<Value>,
}

impl<N> Notification<N> {
    /// The decrypted resource of a rich notification, read as `R` (the
    /// generated model of the subscribed resource, a `ChatMessage`, a `User`).
    pub fn content<R: FromJson>(&self) -> Option<Result<R, Error>> {
        let content = self.content.as_ref()?;
        Some(
            read_root(content)
                .map_err(|error| Error::Notification(format!("the decrypted content is not {}: {error}", R::EXPECTED))),
        )
    }
}

impl<N: fmt::Debug> fmt::Debug for Notification<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The decrypted content is the resource itself, personal data: never shown.
        f.debug_struct("Notification")
            .field("change", &self.change)
            .field("duplicate", &self.duplicate)
            .field("subscription_id", &self.subscription_id)
            .field("lifecycle", &self.lifecycle)
            .field("content", &self.content.as_ref().map(|_| "<decrypted>"))
            .finish()
    }
}

/// The notifications a [`Receiver`] accepted, in order; it ends when every
/// clone of the receiver is dropped.
pub struct Notifications<N> {
    queue: mpsc::Receiver<Notification<N>>,
}

impl<N> Notifications<N> {
    /// The next notification.
    pub async fn next(&mut self) -> Option<Notification<N>> {
        self.queue.recv().await
    }
}

impl<N> Stream for Notifications<N> {
    type Item = Notification<N>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.queue.poll_recv(cx)
    }
}

impl<N> fmt::Debug for Notifications<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notifications").finish_non_exhaustive()
    }
}

/// The longest a subscription to `resource` may live, from Microsoft's table
/// of maximum lifetimes (minutes): security alerts 43,200; drive items and
/// SharePoint lists 42,300; users, groups and other directory objects 41,760;
/// Teams chats, channels and chat messages 4,320; Outlook messages, events
/// and contacts 4,230; Teams shifts 360; presence 60. A resource not in the
/// table gets the shortest, an hour.
pub fn max_lifetime(resource: &str) -> Duration {
    let resource = resource.trim_start_matches('/').to_ascii_lowercase();
    let segments: Vec<&str> = resource
        .split(['/', '?'])
        .map(|segment| segment.split('(').next().unwrap_or(segment))
        .collect();
    let first = segments.first().copied().unwrap_or_default();
    let any = |names: &[&str]| segments.iter().any(|segment| names.contains(segment));
    let minutes = if first == "security" && any(&["alerts"]) {
        43_200
    } else if any(&["presence", "presences"]) {
        60
    } else if any(&["shifts", "schedule"]) {
        360
    } else if matches!(first, "chats" | "teams") || any(&["channels", "chatmessages", "getallmessages"]) {
        4_320
    } else if any(&["drive", "drives", "root", "lists"]) {
        42_300
    } else if any(&["messages", "events", "contacts", "mailfolders"]) {
        4_230
    } else if matches!(
        first,
        "users" | "groups" | "directoryobjects" | "applications" | "serviceprincipals" | "devices"
    ) {
        41_760
    } else {
        60
    };
    Duration::from_secs(minutes * 60)
}

/// What the application should do after a lifecycle event the keeper handled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeeperAction {
    /// Nothing: the keeper did what the event asked.
    Done,
    /// Notifications were missed: resynchronize `resource` (with a delta query).
    Resynchronize { resource: String },
}

/// Keeps subscriptions alive: creates them, renews them before they expire,
/// and answers lifecycle events. Cloning shares it.
#[derive(Clone)]
pub struct SubscriptionKeeper {
    client: GraphClient,
    kept: Arc<Mutex<HashMap<String, Kept>>>,
}

struct Kept {
    /// The creation request, for creating it again.
    request: Value,
    resource: String,
    expires: SystemTime,
}

impl fmt::Debug for SubscriptionKeeper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kept = self.kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        f.debug_struct("SubscriptionKeeper")
            .field("subscriptions", &kept.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// The renewal margin of a lifetime: a tenth of it, at most an hour, before expiry.
fn margin(lifetime: Duration) -> Duration {
    (lifetime / 10).min(Duration::from_secs(3600))
}

fn rfc3339(time: SystemTime) -> String {
    chrono::DateTime::<chrono::Utc>::from(time).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl SubscriptionKeeper {
    /// A keeper that sends through `client`.
    pub fn new(client: &GraphClient) -> Self {
        SubscriptionKeeper {
            client: client.clone(),
            kept: Arc::default(),
        }
    }

    /// Creates a subscription from `subscription` (the generated
    /// `Subscription`: `changeType`, `notificationUrl`, `resource`,
    /// `clientState`, ...), lasting as long as its resource allows, and keeps
    /// it. Gives the subscription's id.
    pub async fn create(&self, subscription: &impl serde::Serialize) -> Result<String, Error> {
        let request = serde_json::to_value(subscription).map_err(Error::Encode)?;
        self.create_from(request).await
    }

    async fn create_from(&self, mut request: Value) -> Result<String, Error> {
        let resource = request
            .get("resource")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::Notification("a subscription names its resource".into()))?
            .to_owned();
        let expires = SystemTime::now() + max_lifetime(&resource);
        request["expirationDateTime"] = rfc3339(expires).into();
        let created: Value = self
            .client
            .call(reqwest::Method::POST, RequestPath::root().segment("subscriptions"))
            .json_body(&request)
            .await?;
        let id = created
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::Notification("the created subscription has no id".into()))?
            .to_owned();
        let expires = expiry_of(&created).unwrap_or(expires);
        self.lock().insert(
            id.clone(),
            Kept {
                request,
                resource,
                expires,
            },
        );
        Ok(id)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Kept>> {
        self.kept.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The subscriptions kept, with when each expires.
    pub fn subscriptions(&self) -> Vec<(String, SystemTime)> {
        let mut kept: Vec<(String, SystemTime)> = self
            .lock()
            .iter()
            .map(|(id, kept)| (id.clone(), kept.expires))
            .collect();
        kept.sort();
        kept
    }

    /// Renews the subscription `id` for as long as its resource allows.
    pub async fn renew(&self, id: &str) -> Result<(), Error> {
        let resource = self
            .lock()
            .get(id)
            .map(|kept| kept.resource.clone())
            .ok_or_else(|| Error::Notification("the keeper does not keep that subscription".into()))?;
        let expires = SystemTime::now() + max_lifetime(&resource);
        let renewed: Value = self
            .client
            .call(
                reqwest::Method::PATCH,
                RequestPath::root()
                    .segment("subscriptions")
                    .parameter("subscription-id", id),
            )
            .json_body(&json!({ "expirationDateTime": rfc3339(expires) }))
            .await?;
        if let Some(kept) = self.lock().get_mut(id) {
            kept.expires = expiry_of(&renewed).unwrap_or(expires);
        }
        Ok(())
    }

    /// Renews every subscription within its margin of expiry (a tenth of its
    /// lifetime, at most an hour); gives the ids renewed. Call it
    /// periodically, or let [`run`](Self::run) do so.
    pub async fn renew_due(&self) -> Result<Vec<String>, Error> {
        let now = SystemTime::now();
        let due: Vec<String> = self
            .lock()
            .iter()
            .filter(|(_, kept)| {
                let margin = margin(max_lifetime(&kept.resource));
                kept.expires.duration_since(now).map_or(true, |left| left <= margin)
            })
            .map(|(id, _)| id.clone())
            .collect();
        for id in &due {
            self.renew(id).await?;
        }
        Ok(due)
    }

    /// Renews subscriptions as they come due, checking every `every`, until
    /// the handle aborts it; a failed renewal is a `tracing` warning and is
    /// tried again at the next check.
    pub fn run(&self, every: Duration) -> tokio::task::AbortHandle {
        let keeper = self.clone();
        tokio::spawn(async move {
            loop {
                if let Err(error) = keeper.renew_due().await {
                    tracing::warn!(%error, "a subscription could not be renewed");
                }
                tokio::time::sleep(every).await;
            }
        })
        .abort_handle()
    }

    /// Does what a lifecycle notification asks: reauthorizes
    /// (`reauthorizationRequired`, then renews), creates the subscription again
    /// (`subscriptionRemoved`; the new id replaces the old), or says to
    /// resynchronize (`missed`).
    pub async fn on_lifecycle<N>(&self, notification: &Notification<N>) -> Result<KeeperAction, Error> {
        let id = notification.subscription_id.as_str();
        match &notification.lifecycle {
            None | Some(Lifecycle::Unrecognized(_)) => Ok(KeeperAction::Done),
            Some(Lifecycle::ReauthorizationRequired) => {
                self.client
                    .call::<()>(
                        reqwest::Method::POST,
                        RequestPath::root()
                            .segment("subscriptions")
                            .parameter("subscription-id", id)
                            .segment("microsoft.graph.reauthorize"),
                    )
                    .await?;
                if self.lock().contains_key(id) {
                    self.renew(id).await?;
                }
                Ok(KeeperAction::Done)
            }
            Some(Lifecycle::SubscriptionRemoved) => {
                let removed = self.lock().remove(id);
                if let Some(kept) = removed {
                    self.create_from(kept.request).await?;
                }
                Ok(KeeperAction::Done)
            }
            Some(Lifecycle::Missed) => {
                let resource = self.lock().get(id).map(|kept| kept.resource.clone());
                Ok(KeeperAction::Resynchronize {
                    resource: resource.unwrap_or_default(),
                })
            }
        }
    }
}

fn expiry_of(subscription: &Value) -> Option<SystemTime> {
    let text = subscription.get("expirationDateTime")?.as_str()?;
    chrono::DateTime::parse_from_rfc3339(text).ok().map(SystemTime::from)
}
