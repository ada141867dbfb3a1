//! The generated client against a real HTTP server on 127.0.0.1.

use generated::models::QrCodePinAuthenticationMethod;
use generated::{Cloud, Error, GraphClient, StaticToken};
use graphgen_suite::local_client;
use graphgen_suite::seed_example;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.c2VjcmV0LXRva2Vu.";

fn client(server: &MockServer) -> GraphClient {
    local_client(&server.uri(), StaticToken::new(TOKEN)).build().unwrap()
}

async fn server_answering(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(template).mount(&server).await;
    server
}

fn seed_response() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(seed_example().to_string(), "application/json")
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

async fn get(client: &GraphClient, user: &str) -> Result<QrCodePinAuthenticationMethod, Error> {
    client
        .users()
        .by_user_id(user)
        .authentication()
        .qr_code_pin_method()
        .get()
        .await
}

#[tokio::test]
async fn sends_method_path_and_headers_and_returns_the_typed_model() {
    let server = server_answering(seed_response()).await;
    let method = get(&client(&server), "adele@contoso.com").await.unwrap();
    assert_eq!(method, serde_json::from_value(seed_example()).unwrap());

    let requests = requests(&server).await;
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(
        request.url.path(),
        "/v1.0/users/adele%40contoso.com/authentication/qrCodePinMethod"
    );
    assert_eq!(request.url.query(), None);
    assert_eq!(request.headers["authorization"], format!("Bearer {TOKEN}").as_str());
    assert_eq!(request.headers["accept"], "application/json");
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn path_parameters_stay_one_segment() {
    let server = server_answering(seed_response()).await;
    let client = client(&server);
    let cases = [
        (
            "adele_contoso.com#EXT#@fabrikam.onmicrosoft.com",
            "adele_contoso.com%23EXT%23%40fabrikam.onmicrosoft.com",
        ),
        ("../../me", "..%2F..%2Fme"),
        ("a/../b?select=pin#frag%2F", "a%2F..%2Fb%3Fselect%3Dpin%23frag%252F"),
        ("x y+z", "x%20y%2Bz"),
        (
            "7c4999ca-a540-47ab-9ab9-8c362f5bf0fe",
            "7c4999ca-a540-47ab-9ab9-8c362f5bf0fe",
        ),
    ];
    for (user, _) in cases {
        get(&client, user).await.unwrap();
    }
    let paths: Vec<String> = requests(&server)
        .await
        .iter()
        .map(|request| request.url.path().to_owned())
        .collect();
    let expected: Vec<String> = cases
        .iter()
        .map(|(_, encoded)| format!("/v1.0/users/{encoded}/authentication/qrCodePinMethod"))
        .collect();
    assert_eq!(paths, expected);
}

#[tokio::test]
async fn dot_segments_and_empty_ids_are_refused_before_sending() {
    let server = server_answering(seed_response()).await;
    let client = client(&server);
    for user in ["", ".", ".."] {
        match get(&client, user).await {
            Err(Error::InvalidPathParameter(invalid)) => assert_eq!(invalid.name, "user-id"),
            other => panic!("{user:?} gave {other:?}"),
        }
    }
    assert!(requests(&server).await.is_empty(), "nothing may be sent");
}

fn graph_error(status: u16, code: &str, message: &str) -> ResponseTemplate {
    let body = serde_json::json!({
        "error": {
            "code": code,
            "message": message,
            "innerError": {
                "date": "2026-11-26T10:00:00",
                "request-id": "0a8a3b4c-0000-4000-8000-000000000001",
                "client-request-id": "0a8a3b4c-0000-4000-8000-000000000002"
            }
        }
    });
    ResponseTemplate::new(status)
        .insert_header("request-id", "0a8a3b4c-0000-4000-8000-000000000001")
        .set_body_raw(body.to_string(), "application/json")
}

#[tokio::test]
async fn error_statuses_become_typed_graph_errors() {
    let cases = [
        (
            403,
            "Authorization_RequestDenied",
            "Insufficient privileges to complete the operation.",
        ),
        (
            404,
            "Request_ResourceNotFound",
            "Resource 'nobody@contoso.com' does not exist.",
        ),
    ];
    for (status, code, message) in cases {
        let server = server_answering(graph_error(status, code, message)).await;
        let error = get(&client(&server), "nobody@contoso.com").await.unwrap_err();
        assert_eq!(error.status(), Some(status));
        let graph = error.as_graph().unwrap_or_else(|| panic!("{error:?}"));
        assert_eq!(graph.code.as_deref(), Some(code));
        assert_eq!(graph.message.as_deref(), Some(message));
        assert_eq!(
            graph.request_id.as_deref(),
            Some("0a8a3b4c-0000-4000-8000-000000000001")
        );
        assert_eq!(
            graph.client_request_id.as_deref(),
            Some("0a8a3b4c-0000-4000-8000-000000000002")
        );
        assert_eq!(graph.date.as_deref(), Some("2026-11-26T10:00:00"));
        assert!(graph.raw_body.contains(code));
        let shown = error.to_string();
        assert!(
            shown.contains(&status.to_string()) && shown.contains(code) && shown.contains(message),
            "{shown}"
        );
        assert!(shown.contains("0a8a3b4c-0000-4000-8000-000000000001"), "{shown}");
        for text in [shown, format!("{error:?}")] {
            assert!(!text.contains("c2VjcmV0LXRva2Vu"), "the token leaked: {text}");
        }
        assert_eq!(requests(&server).await.len(), 1);
    }
}

#[tokio::test]
async fn an_error_without_an_odata_body_is_still_typed() {
    let server = server_answering(ResponseTemplate::new(502).set_body_string("<html>Bad Gateway</html>")).await;
    let error = get(&client(&server), "adele@contoso.com").await.unwrap_err();
    let graph = error.as_graph().unwrap();
    assert_eq!((graph.status, graph.code.as_deref()), (502, None));
    assert_eq!(graph.raw_body, "<html>Bad Gateway</html>");
    assert!(error.to_string().contains("Bad Gateway"), "{error}");
}

#[tokio::test]
async fn a_success_body_that_is_not_the_model_is_a_decode_error() {
    let server = server_answering(ResponseTemplate::new(200).set_body_raw("{\"pin\": 42", "application/json")).await;
    match get(&client(&server), "adele@contoso.com").await {
        Err(Error::Decode { status, body_start, .. }) => {
            assert_eq!(status, 200);
            // The model holds the PIN: nothing of the body is shown.
            assert_eq!(body_start, generated::runtime::error::WITHHELD);
        }
        other => panic!("{other:?}"),
    }

    // In strict mode, a value of the wrong type says where it is, with the
    // status and the start of the body.
    let body = r#"{"id": "m1", "pin": {"forceChangePinNextSignIn": "yes"}}"#;
    let server = server_answering(ResponseTemplate::new(200).set_body_raw(body, "application/json")).await;
    let error = client(&server)
        .users()
        .by_user_id("adele@contoso.com")
        .authentication()
        .qr_code_pin_method()
        .get()
        .strict(true)
        .await
        .unwrap_err();
    match &error {
        Error::Decode { status, path, .. } => {
            assert_eq!(*status, 200);
            assert_eq!(path, "pin.forceChangePinNextSignIn");
        }
        other => panic!("{other:?}"),
    }
    let message = error.to_string();
    assert!(
        message.starts_with("HTTP 200: unexpected response body (application/json) at pin.forceChangePinNextSignIn: "),
        "{message}"
    );
}

#[test]
fn clouds_and_base_urls() {
    let global = GraphClient::new(Cloud::Global, StaticToken::new(TOKEN)).unwrap();
    assert_eq!(global.service_root(), "https://graph.microsoft.com/v1.0");
    let roots: Vec<String> = Cloud::ALL.iter().map(|cloud| cloud.service_root("v1.0")).collect();
    assert_eq!(
        roots,
        [
            "https://graph.microsoft.com/v1.0",
            "https://graph.microsoft.us/v1.0",
            "https://dod-graph.microsoft.us/v1.0",
            "https://microsoftgraph.chinacloudapi.cn/v1.0",
        ]
    );
    let china = GraphClient::builder(StaticToken::new(TOKEN))
        .cloud(Cloud::China)
        .build()
        .unwrap();
    assert_eq!(china.service_root(), "https://microsoftgraph.chinacloudapi.cn/v1.0");
    let custom = GraphClient::builder(StaticToken::new(TOKEN))
        .base_url("http://127.0.0.1:9/beta/")
        .build()
        .unwrap();
    assert_eq!(custom.service_root(), "http://127.0.0.1:9/beta");
    for bad in [
        "not a url",
        "ftp://graph.microsoft.com/v1.0",
        "https://graph.microsoft.com/v1.0?x=1",
    ] {
        let error = GraphClient::builder(StaticToken::new(TOKEN))
            .base_url(bad)
            .build()
            .unwrap_err();
        assert!(matches!(error, Error::InvalidBaseUrl(_)), "{bad}: {error:?}");
    }
    assert!(!format!("{global:?}").contains("c2VjcmV0LXRva2Vu"));
}

#[test]
fn permissions_are_data() {
    use generated::permissions::USERS_AUTHENTICATION_GET_QR_CODE_PIN_METHOD as GET;
    use generated::runtime::permissions::PermissionType;

    let work = GET.delegated_work.unwrap();
    assert_eq!(work.least, ["UserAuthMethod-QR.Read"]);
    assert_eq!(work.higher.len(), 7);
    assert_eq!(GET.delegated_personal, None);
    assert_eq!(GET.application.unwrap().least, ["UserAuthMethod-QR.Read.All"]);
    assert_eq!(
        GET.roles_for_other_users,
        [
            "Global Reader",
            "Authentication Administrator",
            "Privileged Authentication Administrator"
        ]
    );
    assert!(GET.allows(
        PermissionType::DelegatedWork,
        ["User.Read", "UserAuthenticationMethod.Read"]
    ));
    assert!(!GET.allows(PermissionType::DelegatedWork, ["User.Read"]));
    assert!(!GET.allows(PermissionType::DelegatedPersonal, ["UserAuthMethod-QR.Read"]));
    assert!(!GET.allows(PermissionType::Application, ["UserAuthMethod-QR.Read"]));
}

/// `/me` reaches every request of `/users/{user-id}`, sent to `/me/...`.
#[tokio::test]
async fn me_sends_the_same_requests_to_me() {
    let server = server_answering(seed_response()).await;
    let method = client(&server)
        .me()
        .authentication()
        .qr_code_pin_method()
        .get()
        .await
        .unwrap();
    assert_eq!(method, serde_json::from_value(seed_example()).unwrap());
    let requests = requests(&server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method.as_str(), "GET");
    assert_eq!(requests[0].url.path(), "/v1.0/me/authentication/qrCodePinMethod");
}
