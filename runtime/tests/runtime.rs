//! The runtime's building blocks, tested where they are written.

use graphgen_runtime::auth::{AccessToken, StaticToken, TokenSource};
use graphgen_runtime::bytes::Base64Bytes;
use graphgen_runtime::path::RequestPath;
use graphgen_runtime::permissions::{OperationPermissions, PermissionType, Scopes};
use graphgen_runtime::secret::Secret;

#[test]
fn parameters_are_one_encoded_segment_and_debug_shows_the_template() {
    let path = RequestPath::root()
        .segment("users")
        .parameter("user-id", "a/b?c#d%e f@g")
        .segment("authentication");
    assert_eq!(path.encoded(), Ok("/users/a%2Fb%3Fc%23d%25e%20f%40g/authentication"));
    assert_eq!(path.template(), "/users/{user-id}/authentication");
    assert_eq!(format!("{path:?}"), "RequestPath(\"/users/{user-id}/authentication\")");
    assert_eq!(
        RequestPath::root().parameter("id", "ü-._~").encoded(),
        Ok("/%C3%BC-._~"),
        "unreserved characters stay, the rest is UTF-8 percent-encoded"
    );
}

#[test]
fn the_first_invalid_parameter_is_reported() {
    let path = RequestPath::root().parameter("a", "..").parameter("b", "");
    let invalid = path.encoded().unwrap_err();
    assert_eq!((invalid.name, invalid.reason), ("a", "is a dot segment"));
    assert_eq!(path.template(), "/{a}/{b}");
}

#[test]
fn secrets_and_tokens_never_show_in_debug() {
    let secret = Secret::new("1234");
    assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
    assert_eq!(secret.expose(), "1234");
    let token = AccessToken::new("token-value");
    assert!(!format!("{token:?}").contains("token-value"));
    assert!(!format!("{:?}", StaticToken::new("token-value")).contains("token-value"));
}

#[tokio::test]
async fn a_static_token_is_returned_every_time() {
    let source = StaticToken::new("abc");
    for _ in 0..2 {
        assert_eq!(source.token().await.unwrap().expose(), "abc");
    }
}

#[test]
fn base64_is_read_in_both_alphabets_with_or_without_padding() {
    for text in ["-_8=", "-_8", "+/8=", "+/8"] {
        assert_eq!(Base64Bytes::decode(text).unwrap().0, [0xfb, 0xff], "{text}");
    }
    assert!(Base64Bytes::decode("not base64!").is_none());
    let bytes = Base64Bytes(vec![0xfb, 0xff]);
    assert_eq!(bytes.encode(), "+/8=");
    assert_eq!(bytes.encode_url_safe(), "-_8=");
    assert_eq!(format!("{bytes:?}"), "Base64Bytes(2 bytes)");
}

#[test]
fn permission_checks_follow_the_permission_type() {
    const OP: OperationPermissions = OperationPermissions {
        delegated_work: Some(Scopes {
            least: &["A.Read"],
            higher: &["A.ReadWrite"],
        }),
        delegated_personal: None,
        application: Some(Scopes {
            least: &["A.Read.All"],
            higher: &[],
        }),
        roles_for_other_users: &[],
    };
    assert!(
        OP.allows(PermissionType::DelegatedWork, ["a.readwrite"]),
        "scope names are case-insensitive"
    );
    assert!(!OP.allows(PermissionType::DelegatedWork, ["A.Read.All"]));
    assert!(OP.allows(PermissionType::Application, ["A.Read.All"]));
    assert!(!OP.allows(PermissionType::DelegatedPersonal, ["A.Read"]));
}

mod preflight {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use graphgen_runtime::permissions::{OperationPermissions, PermissionType, Preflight, Scopes, TokenPermissions};

    const GET: OperationPermissions = OperationPermissions {
        delegated_work: Some(Scopes {
            least: &["UserAuthMethod-QR.Read"],
            higher: &["UserAuthenticationMethod.Read"],
        }),
        delegated_personal: None,
        application: Some(Scopes {
            least: &["UserAuthMethod-QR.Read.All"],
            higher: &["UserAuthenticationMethod.ReadWrite.All"],
        }),
        roles_for_other_users: &["Global Reader"],
    };

    /// An unsigned JWT with these claims, as a test stands in for Entra ID.
    fn jwt(claims: serde_json::Value) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","alg":"none"}"#);
        let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
        format!("{header}.{payload}.signature")
    }

    #[test]
    fn delegated_scopes_are_checked_against_the_work_account_table() {
        let token = jwt(serde_json::json!({"scp": "User.Read UserAuthenticationMethod.Read", "tid": "contoso-tenant"}));
        let read = TokenPermissions::from_access_token(&token).unwrap();
        assert_eq!(read.kind, PermissionType::DelegatedWork);
        assert_eq!(read.permissions, ["User.Read", "UserAuthenticationMethod.Read"]);
        assert_eq!(read.tenant_id.as_deref(), Some("contoso-tenant"));
        assert_eq!(
            GET.check(&read),
            Preflight::Allowed {
                permission: "UserAuthenticationMethod.Read".to_owned()
            }
        );

        let without = TokenPermissions::from_access_token(&jwt(serde_json::json!({"scp": "User.Read"}))).unwrap();
        assert_eq!(
            GET.check(&without),
            Preflight::Missing {
                kind: PermissionType::DelegatedWork,
                least: &["UserAuthMethod-QR.Read"]
            }
        );
    }

    #[test]
    fn application_roles_and_personal_accounts() {
        let app =
            TokenPermissions::from_access_token(&jwt(serde_json::json!({"roles": ["UserAuthMethod-QR.Read.All"]})))
                .unwrap();
        assert_eq!(app.kind, PermissionType::Application);
        assert!(matches!(GET.check(&app), Preflight::Allowed { .. }));

        let app_without = TokenPermissions::from_access_token(&jwt(serde_json::json!({"roles": []}))).unwrap();
        assert!(matches!(
            GET.check(&app_without),
            Preflight::Missing {
                least: ["UserAuthMethod-QR.Read.All"],
                ..
            }
        ));

        let personal =
            jwt(serde_json::json!({"scp": "UserAuthMethod-QR.Read", "tid": "9188040d-6c67-4c5b-b112-36a304b66dad"}));
        let personal = TokenPermissions::from_access_token(&personal).unwrap();
        assert_eq!(personal.kind, PermissionType::DelegatedPersonal);
        assert_eq!(
            GET.check(&personal),
            Preflight::NotSupported {
                kind: PermissionType::DelegatedPersonal
            }
        );
    }

    #[test]
    fn unreadable_tokens_fail_clearly_without_echoing_the_token() {
        let cases = [
            ("opaque-token-value", "not a JWT"),
            ("a.b", "not a JWT"),
            ("header.!!!.sig", "not base64url"),
            (&*format!("h.{}.s", URL_SAFE_NO_PAD.encode("not json")), "not JSON"),
            (
                &*jwt(serde_json::json!({"sub": "x"})),
                "neither an scp nor a roles claim",
            ),
            (&*jwt(serde_json::json!({"scp": 5})), "scp claim is not a string"),
        ];
        for (token, reason) in cases {
            let error = TokenPermissions::from_access_token(token).unwrap_err();
            let message = error.to_string();
            assert!(message.contains(reason), "{token}: {message}");
            assert!(!message.contains(token), "{message}");
        }
    }
}

mod retry_after {
    use std::time::{Duration, SystemTime};

    use graphgen_runtime::retry::{is_retryable, retry_after};
    use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn seconds_and_http_dates_are_read() {
        let now = httpdate::parse_http_date("Thu, 26 Nov 2026 10:00:00 GMT").unwrap();
        assert_eq!(retry_after(&headers("7"), now), Some(Duration::from_secs(7)));
        assert_eq!(
            retry_after(&headers("Thu, 26 Nov 2026 10:00:30 GMT"), now),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            retry_after(&headers("Thu, 26 Nov 2026 09:00:00 GMT"), now),
            Some(Duration::ZERO),
            "a date in the past means now"
        );
        assert_eq!(retry_after(&headers("soon"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), SystemTime::now()), None);
    }

    #[test]
    fn only_throttling_and_unavailability_are_retried() {
        let retried: Vec<u16> = (100..600).filter(|status| is_retryable(*status)).collect();
        assert_eq!(retried, [429, 503, 504]);
    }
}

#[test]
fn ref_answers_read_as_references() {
    use graphgen_runtime::object::References;
    use graphgen_runtime::paging::Page;

    // As `GET /groups/{id}/members/$ref` answers.
    let page: References = serde_json::from_value(serde_json::json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#directoryObjects",
        "@odata.nextLink": "https://graph.microsoft.com/v1.0/groups/g1/members/$ref?$skiptoken=x",
        "value": [{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/u1"}]
    }))
    .unwrap();
    assert_eq!(
        page.next_link(),
        Some("https://graph.microsoft.com/v1.0/groups/g1/members/$ref?$skiptoken=x")
    );
    let items = page.into_items();
    assert_eq!(
        items[0].odata_id.as_deref(),
        Some("https://graph.microsoft.com/v1.0/directoryObjects/u1")
    );
}
