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
    assert_eq!(bytes.encode(), "-_8=");
    assert_eq!(bytes.encode_standard(), "+/8=");
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
