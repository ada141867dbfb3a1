//! Change notifications against a local sender that plays Graph over real
//! HTTP: the handshake, deliveries checked by clientState, validation tokens
//! (JWTs signed by keys the test makes) and encrypted rich content, forged
//! and tampered ones refused whole, duplicates marked, a full queue refused
//! so that Graph delivers again, a burst of thousands; and the subscription
//! keeper against the local Graph.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lc_rs::cipher::{EncryptionContext, PaddedBlockEncryptingKey, UnboundCipherKey, AES_256};
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::hmac;
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use aws_lc_rs::rsa::{KeySize, OaepPublicEncryptingKey, PrivateDecryptingKey, OAEP_SHA1_MGF1SHA1};
use aws_lc_rs::signature::{KeyPair, RsaKeyPair, RSA_PKCS1_SHA256};
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use generated::models::{ChangeNotification, ChangeType, LifecycleEventType, Subscription, User};
use generated::runtime::notifications::{
    max_lifetime, KeeperAction, Lifecycle, Notifications, Receiver, SigningKey, StaticKeys, SubscriptionKeeper,
    GRAPH_APP_ID,
};
use generated::TestGraph;
use reqwest::Method;
use serde_json::{json, Value};

const CLIENT_STATE: &str = "secret-client-state-1b2f";
const APP_ID: &str = "7f2bd1a4-0c41-4c8a-9d0b-3b1a2f4e5c6d";
const TENANT: &str = "84d6f2b3-9a0e-4c1f-b7d8-2e5f6a7b8c9d";
const CERTIFICATE: &str = "graph-notifications-2026";

/// What the test makes once: the app's encryption key pair and Microsoft's
/// token signing key (and a second one, which Microsoft does not publish).
struct Keys {
    decryption_pkcs8: Vec<u8>,
    encryption: OaepPublicEncryptingKey,
    signing: RsaKeyPair,
    impostor: RsaKeyPair,
}

fn keys() -> &'static Keys {
    static KEYS: std::sync::OnceLock<Keys> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        let decryption = PrivateDecryptingKey::generate(KeySize::Rsa2048).unwrap();
        let encryption = OaepPublicEncryptingKey::new(decryption.public_key()).unwrap();
        let signing_key = || {
            let key = aws_lc_rs::rsa::KeyPair::generate(KeySize::Rsa2048).unwrap();
            RsaKeyPair::from_pkcs8(key.as_der().unwrap().as_ref()).unwrap()
        };
        Keys {
            decryption_pkcs8: decryption.as_der().unwrap().as_ref().to_vec(),
            encryption,
            signing: signing_key(),
            impostor: signing_key(),
        }
    })
}

/// Microsoft's key set as the test publishes it: the signing key as `graph-key`.
fn published() -> StaticKeys {
    let public = keys().signing.public_key();
    StaticKeys(vec![SigningKey {
        kid: "graph-key".to_owned(),
        n: URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero()),
        e: URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero()),
    }])
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// A validation token with `claims`, signed by `key` and naming `graph-key`.
fn token(key: &RsaKeyPair, claims: Value) -> String {
    token_of("graph-key", key, claims)
}

/// A validation token with `claims`, signed by `key` and naming `kid`.
fn token_of(kid: &str, key: &RsaKeyPair, claims: Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(json!({"alg": "RS256", "typ": "JWT", "kid": kid}).to_string());
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signed = format!("{header}.{payload}");
    let mut signature = vec![0; key.public_modulus_len()];
    key.sign(
        &RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        signed.as_bytes(),
        &mut signature,
    )
    .unwrap();
    format!("{signed}.{}", URL_SAFE_NO_PAD.encode(signature))
}

/// The claims of a genuine token for this app and tenant.
fn claims() -> Value {
    json!({
        "aud": APP_ID, "azp": GRAPH_APP_ID, "tid": TENANT,
        "iss": format!("https://sts.windows.net/{TENANT}/"),
        "iat": now() - 60, "nbf": now() - 60, "exp": now() + 3600,
    })
}

/// `resource` encrypted as Graph encrypts it: a fresh AES-256 key wrapped with
/// the app's public key, the data signed with HMAC-SHA256.
fn encrypted(resource: &Value) -> Value {
    let mut symmetric = [0u8; 32];
    SystemRandom::new().fill(&mut symmetric).unwrap();
    let iv: [u8; 16] = symmetric[..16].try_into().unwrap();
    let cipher = PaddedBlockEncryptingKey::cbc_pkcs7(UnboundCipherKey::new(&AES_256, &symmetric).unwrap()).unwrap();
    let mut data = resource.to_string().into_bytes();
    cipher
        .less_safe_encrypt(&mut data, EncryptionContext::Iv128(iv.into()))
        .unwrap();
    let signature = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, &symmetric), &data);
    let mut wrapped = vec![0; keys().encryption.ciphertext_size()];
    let wrapped = keys()
        .encryption
        .encrypt(&OAEP_SHA1_MGF1SHA1, &symmetric, &mut wrapped, None)
        .unwrap();
    json!({
        "data": STANDARD.encode(&data),
        "dataKey": STANDARD.encode(wrapped),
        "dataSignature": STANDARD.encode(signature.as_ref()),
        "encryptionCertificateId": CERTIFICATE,
        "encryptionCertificateThumbprint": "07293748CC064953A3052FB978C735FB89E61C3D",
    })
}

/// One change notification of subscription `subscription`.
fn change(subscription: &str, id: usize) -> Value {
    json!({
        "subscriptionId": subscription,
        "subscriptionExpirationDateTime": "2026-12-05T11:00:00Z",
        "changeType": "created",
        "resource": format!("Users/{TENANT}/Messages/{id}"),
        "resourceData": {"@odata.type": "#Microsoft.Graph.Message", "id": id.to_string()},
        "clientState": CLIENT_STATE,
        "tenantId": TENANT,
    })
}

/// A receiver serving 127.0.0.1, with the app's keys and the published set.
async fn receiver(capacity: usize) -> (String, Receiver<ChangeNotification>, Notifications<ChangeNotification>) {
    let (receiver, notifications) = Receiver::<ChangeNotification>::builder(CLIENT_STATE)
        .app_id(APP_ID)
        .decryption_key(CERTIFICATE, &keys().decryption_pkcs8)
        .unwrap()
        .signing_keys(published())
        .capacity(capacity)
        .build();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/notifications", listener.local_addr().unwrap());
    let _serving = receiver.serve(listener);
    (url, receiver, notifications)
}

/// Delivers `body` as Graph does; the status and body of the answer.
async fn deliver(url: &str, body: &Value) -> (u16, String) {
    let answer = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    (answer.status().as_u16(), answer.text().await.unwrap())
}

#[tokio::test]
async fn the_handshake_echoes_the_token_as_plain_text() {
    let (url, _receiver, _notifications) = receiver(8).await;
    let answer = reqwest::Client::new()
        .post(format!("{url}?validationToken=Validation%3A%20Testing%20client%20application%20reachability%20for%20subscription%20Request-Id%3A%2025&other=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    assert!(answer.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    assert_eq!(answer.headers()["x-content-type-options"], "nosniff");
    assert_eq!(
        answer.text().await.unwrap(),
        "Validation: Testing client application reachability for subscription Request-Id: 25"
    );
}

#[tokio::test]
async fn notifications_are_typed_and_a_second_delivery_is_marked() {
    let (url, _receiver, mut notifications) = receiver(8).await;
    let delivery = json!({"value": [change("sub-1", 1), change("sub-1", 2)]});
    assert_eq!(deliver(&url, &delivery).await.0, 202);
    let first = notifications.next().await.unwrap();
    assert_eq!(first.change.change_type, Some(ChangeType::Created));
    assert_eq!(first.subscription_id, "sub-1");
    assert_eq!(first.change.resource_data.as_ref().unwrap().id.as_deref(), Some("1"));
    assert!(!first.duplicate && first.lifecycle.is_none() && first.content::<User>().is_none());
    assert!(!format!("{first:?}").contains(CLIENT_STATE), "clientState is a secret");
    assert!(!notifications.next().await.unwrap().duplicate);

    // Graph delivers again what it thinks was not answered.
    assert_eq!(deliver(&url, &delivery).await.0, 202);
    assert!(notifications.next().await.unwrap().duplicate);
    assert!(notifications.next().await.unwrap().duplicate);
}

#[tokio::test]
async fn a_forged_client_state_refuses_the_whole_delivery() {
    let (url, _receiver, mut notifications) = receiver(8).await;
    let mut forged = change("sub-1", 2);
    forged["clientState"] = json!("secret-client-state-1b2e");
    for value in [
        json!([change("sub-1", 1), forged]),
        json!([{"subscriptionId": "sub-1"}]),
    ] {
        let (status, why) = deliver(&url, &json!({ "value": value })).await;
        assert_eq!(status, 401, "{why}");
        assert!(!why.contains(CLIENT_STATE));
    }
    assert_eq!(deliver(&url, &json!({"no": "value"})).await.0, 400);
    // Nothing of them was queued: the next is the first genuine one.
    assert_eq!(deliver(&url, &json!({"value": [change("sub-1", 3)]})).await.0, 202);
    let next = notifications.next().await.unwrap();
    assert_eq!(next.change.resource_data.unwrap().id.as_deref(), Some("3"));
}

/// A rich delivery of `user`'s change, with `tokens`.
fn rich(tokens: Vec<String>, content: Value) -> Value {
    let mut item = change("sub-rich", 7);
    item["encryptedContent"] = content;
    json!({ "value": [item], "validationTokens": tokens })
}

#[tokio::test]
async fn rich_content_is_verified_and_decrypted_into_the_model() {
    let (url, _receiver, mut notifications) = receiver(8).await;
    let user = json!({"id": "7", "displayName": "Adele Vance", "mail": "adele@contoso.com"});
    let delivery = rich(vec![token(&keys().signing, claims())], encrypted(&user));
    let (status, why) = deliver(&url, &delivery).await;
    assert_eq!(status, 202, "{why}");
    let notification = notifications.next().await.unwrap();
    let decrypted: User = notification.content().unwrap().unwrap();
    assert_eq!(decrypted.display_name.as_deref(), Some("Adele Vance"));
    assert!(
        !format!("{notification:?}").contains("Adele"),
        "the content is never shown"
    );
}

#[tokio::test]
async fn tampered_content_and_tokens_that_are_not_microsofts_are_refused() {
    let (url, _receiver, mut notifications) = receiver(8).await;
    let user = json!({"id": "7", "displayName": "Adele Vance"});
    let genuine = || token(&keys().signing, claims());
    let with = |change: &dyn Fn(&mut Value)| {
        let mut claims = claims();
        change(&mut claims);
        token(&keys().signing, claims)
    };

    let mut tampered = encrypted(&user);
    let mut data = STANDARD.decode(tampered["data"].as_str().unwrap()).unwrap();
    data[0] ^= 1;
    tampered["data"] = STANDARD.encode(data).into();
    let mut resigned = encrypted(&user);
    resigned["dataSignature"] = STANDARD.encode([0u8; 32]).into();
    let mut other_certificate = encrypted(&user);
    other_certificate["encryptionCertificateId"] = "someone-else".into();

    let user_content = || encrypted(&user);
    let refused: Vec<(&str, &str, Value)> = vec![
        (
            "data changed after signing",
            "dataSignature",
            rich(vec![genuine()], tampered),
        ),
        (
            "a signature of other data",
            "dataSignature",
            rich(vec![genuine()], resigned),
        ),
        (
            "a certificate the app has no key for",
            "no key for",
            rich(vec![genuine()], other_certificate),
        ),
        ("no token", "without validation tokens", rich(vec![], user_content())),
        (
            "a key Microsoft does not publish",
            "forged",
            rich(vec![token(&keys().impostor, claims())], user_content()),
        ),
        (
            "expired",
            "expired",
            rich(vec![with(&|c| c["exp"] = json!(now() - 3600))], user_content()),
        ),
        (
            "for another app",
            "another app",
            rich(vec![with(&|c| c["aud"] = json!("another-app"))], user_content()),
        ),
        (
            "not issued to Graph",
            "not issued to Microsoft Graph",
            rich(vec![with(&|c| c["azp"] = json!(APP_ID))], user_content()),
        ),
        (
            "of another tenant",
            "token of its tenant",
            rich(vec![with(&|c| c["tid"] = json!("another"))], user_content()),
        ),
        (
            "not a JWT",
            "not a JWT",
            rich(vec!["not.a.token".to_owned()], user_content()),
        ),
        (
            "beside a forged one",
            "forged",
            rich(vec![genuine(), token(&keys().impostor, claims())], user_content()),
        ),
    ];
    for (case, reason, delivery) in refused {
        let (status, why) = deliver(&url, &delivery).await;
        assert_eq!(status, 401, "{case}: {why}");
        assert!(why.contains(reason), "{case}: {why}");
    }
    // Nothing was queued: the next is a genuine one.
    assert_eq!(deliver(&url, &rich(vec![genuine()], encrypted(&user))).await.0, 202);
    assert!(notifications.next().await.unwrap().content::<User>().unwrap().is_ok());
}

#[tokio::test]
async fn a_slow_application_makes_graph_deliver_again_and_nothing_is_lost() {
    let (url, _receiver, mut notifications) = receiver(2).await;
    assert_eq!(
        deliver(&url, &json!({"value": [change("sub-1", 1), change("sub-1", 2)]}))
            .await
            .0,
        202
    );
    // The application has not read the first two: the queue is full.
    let (status, _) = deliver(&url, &json!({"value": [change("sub-1", 3)]})).await;
    assert_eq!(status, 503);
    notifications.next().await.unwrap();
    notifications.next().await.unwrap();
    // Delivered again, it is accepted - and not marked: it was never accepted before.
    assert_eq!(deliver(&url, &json!({"value": [change("sub-1", 3)]})).await.0, 202);
    assert!(!notifications.next().await.unwrap().duplicate);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_deliveries_loses_nothing_and_marks_every_repeat() {
    const DELIVERIES: usize = 200;
    const PER_DELIVERY: usize = 10;
    let (url, _receiver, mut notifications) = receiver(64).await;
    let reader = tokio::spawn(async move {
        let mut seen = std::collections::HashMap::<String, (usize, usize)>::new();
        while let Some(notification) = notifications.next().await {
            let id = notification.change.resource_data.unwrap().id.unwrap();
            let entry = seen.entry(id).or_default();
            if notification.duplicate {
                entry.1 += 1;
            } else {
                entry.0 += 1;
            }
            if seen.values().map(|(first, again)| first + again).sum::<usize>() == DELIVERIES * PER_DELIVERY * 2 {
                break;
            }
        }
        seen
    });
    // Dozens of deliveries at a time, each sent twice; a refused one (the
    // queue full) is sent again, as Graph does.
    let mut senders = Vec::new();
    for sender in 0..20 {
        let url = url.clone();
        senders.push(tokio::spawn(async move {
            for delivery in (sender..DELIVERIES).step_by(20) {
                let body = json!({"value": (0..PER_DELIVERY).map(|n| change("sub-1", delivery * PER_DELIVERY + n)).collect::<Vec<_>>()});
                for _ in 0..2 {
                    loop {
                        match deliver(&url, &body).await.0 {
                            202 => break,
                            503 => tokio::time::sleep(Duration::from_millis(5)).await,
                            other => panic!("answered {other}"),
                        }
                    }
                }
            }
        }));
    }
    for sender in senders {
        sender.await.unwrap();
    }
    let seen = tokio::time::timeout(Duration::from_secs(60), reader)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(seen.len(), DELIVERIES * PER_DELIVERY, "none lost");
    assert!(
        seen.values().all(|&(first, again)| first == 1 && again == 1),
        "each accepted once, its repeat marked"
    );
}

#[test]
fn lifetimes_follow_microsofts_table() {
    let minutes = |resource: &str| max_lifetime(resource).as_secs() / 60;
    assert_eq!(minutes("users"), 41_760);
    assert_eq!(minutes("/groups/{id}/members"), 41_760);
    assert_eq!(minutes("me/mailFolders('Inbox')/messages"), 4_230);
    assert_eq!(minutes("users/adele@contoso.com/events"), 4_230);
    assert_eq!(minutes("chats/getAllMessages"), 4_320);
    assert_eq!(minutes("teams/{id}/channels/{id}/messages"), 4_320);
    assert_eq!(minutes("me/drive/root"), 42_300);
    assert_eq!(minutes("communications/presences/{id}"), 60);
    assert_eq!(minutes("security/alerts?$filter=status eq 'New'"), 43_200);
    assert_eq!(minutes("something/new"), 60);
}

/// A subscription as an application asks for it.
fn subscription() -> Subscription {
    Subscription {
        change_type: Some("created,updated".to_owned()),
        notification_url: Some("https://app.contoso.com/notifications".to_owned()),
        lifecycle_notification_url: Some("https://app.contoso.com/lifecycle".to_owned()),
        resource: Some("users/adele@contoso.com/messages".to_owned()),
        client_state: Some(CLIENT_STATE.into()),
        ..Subscription::default()
    }
}

#[tokio::test]
async fn the_keeper_creates_renews_and_answers_lifecycle_events() {
    let graph = TestGraph::start().await;
    let client = graph.client();
    let expires = |minutes: u64| {
        chrono::DateTime::<chrono::Utc>::from(SystemTime::now() + Duration::from_secs(minutes * 60))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    // Graph grants less than asked: the subscription expires within the margin.
    let created = graph
        .route(Method::POST, "/subscriptions")
        .answer(json!({"id": "sub-1", "expirationDateTime": expires(30)}))
        .answer(json!({"id": "sub-2", "expirationDateTime": expires(4_000)}));
    let renewed = graph
        .route(Method::PATCH, "/subscriptions/{id}")
        .answer(json!({"expirationDateTime": expires(4_000)}));
    let reauthorized = graph
        .route(Method::POST, "/subscriptions/{id}/microsoft.graph.reauthorize")
        .no_content();

    let keeper = SubscriptionKeeper::new(&client);
    assert_eq!(keeper.create(&subscription()).await.unwrap(), "sub-1");
    let asked = created.requests()[0].json();
    assert_eq!(asked["resource"], "users/adele@contoso.com/messages");
    assert_eq!(asked["clientState"], CLIENT_STATE);
    let asked_for = chrono::DateTime::parse_from_rfc3339(asked["expirationDateTime"].as_str().unwrap()).unwrap();
    let lifetime = asked_for.timestamp() - now() as i64;
    assert!(
        (4_229 * 60..=4_230 * 60).contains(&lifetime),
        "Outlook messages live 4,230 minutes: {lifetime}"
    );

    assert_eq!(keeper.renew_due().await.unwrap(), ["sub-1"]);
    assert_eq!(renewed.requests()[0].path, "/subscriptions/sub-1");
    assert!(
        keeper.renew_due().await.unwrap().is_empty(),
        "renewed, it is no longer due"
    );

    let lifecycle = |event: &str| {
        let mut item = change("sub-1", 0);
        item["lifecycleEvent"] = event.into();
        item
    };
    let (url, _receiver, mut notifications) = receiver(8).await;
    let events =
        json!({"value": [lifecycle("reauthorizationRequired"), lifecycle("missed"), lifecycle("subscriptionRemoved")]});
    assert_eq!(deliver(&url, &events).await.0, 202);

    let reauthorize = notifications.next().await.unwrap();
    assert_eq!(reauthorize.lifecycle, Some(Lifecycle::ReauthorizationRequired));
    assert_eq!(
        reauthorize.change.lifecycle_event,
        Some(LifecycleEventType::ReauthorizationRequired)
    );
    assert_eq!(keeper.on_lifecycle(&reauthorize).await.unwrap(), KeeperAction::Done);
    assert_eq!(
        reauthorized.requests()[0].path,
        "/subscriptions/sub-1/microsoft.graph.reauthorize"
    );
    assert_eq!(renewed.requests().len(), 2, "reauthorized, then renewed");

    let missed = notifications.next().await.unwrap();
    assert_eq!(
        keeper.on_lifecycle(&missed).await.unwrap(),
        KeeperAction::Resynchronize {
            resource: "users/adele@contoso.com/messages".to_owned()
        }
    );

    let removed = notifications.next().await.unwrap();
    assert_eq!(keeper.on_lifecycle(&removed).await.unwrap(), KeeperAction::Done);
    assert_eq!(created.requests().len(), 2, "created again");
    assert_eq!(
        created.requests()[1].json()["notificationUrl"],
        "https://app.contoso.com/notifications"
    );
    let kept: Vec<String> = keeper.subscriptions().into_iter().map(|(id, _)| id).collect();
    assert_eq!(kept, ["sub-2"]);
    graph.assert_all_answered();
}

#[tokio::test]
async fn published_keys_are_fetched_once_and_again_for_an_unknown_key() {
    let graph = TestGraph::start().await;
    let set = |keys: &StaticKeys| json!({"keys": keys.0.iter().map(|key| json!({"kty": "RSA", "use": "sig", "kid": key.kid, "n": key.n, "e": key.e})).collect::<Vec<_>>()});
    // An EC key of the set is left out; the RSA one is used.
    let mut published_set = set(&published());
    published_set["keys"]
        .as_array_mut()
        .unwrap()
        .insert(0, json!({"kty": "EC", "crv": "P-256", "x": "x", "y": "y"}));
    let fetched = graph.route(Method::GET, "/keys").answer(published_set);
    let (receiver, mut notifications) = Receiver::<ChangeNotification>::builder(CLIENT_STATE)
        .app_id(APP_ID)
        .decryption_key(CERTIFICATE, &keys().decryption_pkcs8)
        .unwrap()
        .signing_keys(generated::runtime::notifications::PublishedKeys::at(format!(
            "{}/keys",
            graph.service_root()
        )))
        .build();
    let user = json!({"id": "7"});
    for _ in 0..2 {
        let delivery = rich(vec![token(&keys().signing, claims())], encrypted(&user));
        let response = receiver
            .handle("POST", "/notifications", delivery.to_string().as_bytes())
            .await;
        assert_eq!(response.status, 202, "{}", String::from_utf8_lossy(&response.body));
        notifications.next().await.unwrap();
    }
    fetched.assert_requested(1);
    // A token naming a key the set fetched moments ago does not have: refused,
    // without fetching again (that waits five minutes, for a key Microsoft rotates in).
    let delivery = rich(
        vec![token_of("rotated-key", &keys().impostor, claims())],
        encrypted(&user),
    );
    let unknown = |delivery: &Value| {
        let receiver = receiver.clone();
        let body = delivery.to_string();
        async move { receiver.handle("POST", "/notifications", body.as_bytes()).await.status }
    };
    assert_eq!(unknown(&delivery).await, 401);
    assert_eq!(unknown(&delivery).await, 401);
    fetched.assert_requested(1);
}

/// The README's example, as it is written there, against the local Graph
/// and a delivery as Graph sends it.
mod readme {
    use generated::models::{ChangeNotification, Subscription};
    use generated::runtime::notifications::{KeeperAction, Receiver, SubscriptionKeeper};
    use generated::{Error, GraphClient};
    use std::time::Duration;

    async fn watch_messages(
        client: &GraphClient,
        listener: tokio::net::TcpListener,
        key: &[u8],
        certificate: &str,
    ) -> Result<(), Error> {
        let state = "a-long-random-secret-of-yours";
        let (receiver, mut notifications) = Receiver::<ChangeNotification>::builder(state)
            .app_id("11111111-2222-3333-4444-555555555555") // your app registration
            .decryption_key("my-certificate", key)? // PKCS #8 DER of the certificate's private key
            .build();
        let _serving = receiver.serve(listener); // behind your HTTPS reverse proxy
        let keeper = SubscriptionKeeper::new(client);
        keeper
            .create(&Subscription {
                change_type: Some("created,updated".into()),
                resource: Some("users/adele@contoso.com/messages?$select=subject".into()),
                notification_url: Some("https://app.contoso.com/notifications".into()),
                lifecycle_notification_url: Some("https://app.contoso.com/notifications".into()),
                client_state: Some(state.into()),
                include_resource_data: Some(true),
                encryption_certificate: Some(certificate.into()), // base64 of the certificate
                encryption_certificate_id: Some("my-certificate".into()),
                ..Subscription::default()
            })
            .await?;
        let _renewing = keeper.run(Duration::from_secs(600)); // renews before each expiry
        while let Some(notification) = notifications.next().await {
            if notification.duplicate {
                continue; // Graph delivered it again: it was handled the first time
            }
            if notification.lifecycle.is_some() {
                if let KeeperAction::Resynchronize { resource } = keeper.on_lifecycle(&notification).await? {
                    println!("missed changes of {resource}: sync it with a delta query");
                }
            } else if let Some(Ok(message)) = notification.content::<serde_json::Value>() {
                println!("{:?}: {}", notification.change.change_type, message["subject"]);
            }
        }
        Ok(())
    }

    #[tokio::test]
    async fn subscribes_and_receives() {
        let graph = generated::TestGraph::start().await;
        let created = graph
            .route(reqwest::Method::POST, "/subscriptions")
            .answer(serde_json::json!({"id": "sub-1", "expirationDateTime": "2026-12-06T10:00:00Z"}));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/notifications", listener.local_addr().unwrap());
        let client = graph.client();
        let key = super::keys().decryption_pkcs8.clone();
        let watching = tokio::spawn(async move { watch_messages(&client, listener, &key, "MIIC...").await });
        while created.requests().is_empty() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert_eq!(created.requests()[0].json()["includeResourceData"], true);
        let handshake = reqwest::get(format!("{url}?validationToken=abc")).await.unwrap();
        assert_eq!(handshake.text().await.unwrap(), "abc");
        let mut item = super::change("sub-1", 1);
        item["clientState"] = "a-long-random-secret-of-yours".into();
        let (status, why) = super::deliver(&url, &serde_json::json!({"value": [item]})).await;
        assert_eq!(status, 202, "{why}");
        assert!(!watching.is_finished());
        watching.abort();
    }
}
