//! Large uploads through an upload session against a real HTTP server on
//! 127.0.0.1 that keeps the session as OneDrive does, and misbehaves: a
//! connection dropped midway through a slice, ranges that contradict what was
//! sent, a session that expires, a slice answered 503.

use std::sync::{Arc, Mutex};

use generated::runtime::options::{Post, Uploads};
use generated::runtime::path::RequestPath;
use generated::runtime::read::{At, Fit, FromJson};
use generated::runtime::upload::{Uploaded, SLICE_UNIT};
use generated::{Call, Error, GraphClient, StaticToken};
use graphgen_suite::hostile::{HostileServer, Received, Reply};
use graphgen_suite::local_client;
use reqwest::Method;
use serde::Deserialize;
use serde_json::{json, Value};

/// The part of a `driveItem` the tests read.
#[derive(Debug, Deserialize, PartialEq)]
struct DriveItem {
    id: String,
    size: u64,
}

impl FromJson for DriveItem {
    const EXPECTED: &'static str = "a driveItem";

    fn read<'de, D: serde::Deserializer<'de>>(deserializer: D, _at: &At<'_>) -> Result<Fit<Self>, D::Error> {
        DriveItem::deserialize(deserializer).map(Ok)
    }
}

/// What goes wrong on the server, and when.
#[derive(Clone, Copy, Default)]
struct Faults {
    /// On this PUT (1-based), keep half the slice and close the connection.
    drop_on: Option<usize>,
    /// On this PUT, answer 202 with a range beyond what was sent.
    wrong_range_on: Option<usize>,
    /// From this PUT on, the session is gone (404).
    expire_on: Option<usize>,
    /// On this PUT, answer 503 once.
    unavailable_on: Option<usize>,
}

#[derive(Default)]
struct Session {
    file: Vec<u8>,
    puts: usize,
}

/// A server with one upload session at `/upload/session` that takes `size` bytes.
async fn session_server(size: usize, faults: Faults) -> (HostileServer, Arc<Mutex<Session>>) {
    let session = Arc::new(Mutex::new(Session::default()));
    let state = session.clone();
    let server = HostileServer::start(move |request| answer(&mut state.lock().unwrap(), request, size, faults)).await;
    (server, session)
}

/// The session's state: 202 after a slice, 200 when asked with GET.
fn ranges(status: u16, next: usize) -> Reply {
    Reply::json(
        status,
        &json!({ "expirationDateTime": "2026-12-02T00:00:00Z", "nextExpectedRanges": [format!("{next}-")] }),
    )
}

fn answer(session: &mut Session, request: &Received, size: usize, faults: Faults) -> Reply {
    match request.method.as_str() {
        "GET" => return ranges(200, session.file.len()),
        "DELETE" => return Reply::empty(204),
        _ => {}
    }
    session.puts += 1;
    let put = Some(session.puts);
    if faults.expire_on.is_some_and(|on| session.puts >= on) {
        return Reply::json(
            404,
            &json!({ "error": { "code": "itemNotFound", "message": "The upload session was not found" } }),
        );
    }
    if put == faults.unavailable_on {
        return Reply::empty(503).with_header("Retry-After", "0");
    }
    let range = request
        .header("content-range")
        .expect("every slice has a Content-Range");
    let (start, rest) = range.strip_prefix("bytes ").unwrap().split_once('-').unwrap();
    let (end, total) = rest.split_once('/').unwrap();
    let (start, end): (usize, usize) = (start.parse().unwrap(), end.parse().unwrap());
    assert_eq!(total, size.to_string());
    assert_eq!(end - start + 1, request.body.len(), "Content-Range matches the body");
    assert_eq!(start, session.file.len(), "each slice starts where the session is");
    if put == faults.drop_on {
        session.file.extend_from_slice(&request.body[..request.body.len() / 2]);
        return Reply::Close;
    }
    if put == faults.wrong_range_on {
        return ranges(202, end + 10 * SLICE_UNIT);
    }
    session.file.extend_from_slice(&request.body);
    if session.file.len() == size {
        return Reply::json(201, &json!({ "id": "01BYE5RZ", "name": "video.mp4", "size": size }));
    }
    ranges(202, session.file.len())
}

fn client(server: &HostileServer) -> GraphClient {
    local_client(&server.base, StaticToken::new("token")).build().unwrap()
}

/// Uploads a file of `sent` bytes announced as `size` bytes, in slices of
/// `units` times 320 KiB, to a session that misbehaves as `faults` say.
async fn upload(
    size: usize,
    sent: usize,
    units: usize,
    faults: Faults,
) -> (HostileServer, Arc<Mutex<Session>>, Result<Uploaded<DriveItem>, Error>) {
    let (server, session) = session_server(size, faults).await;
    let outcome = client(&server)
        .upload(upload_url(&server), file(sent).as_slice(), size as u64)
        .slice_size(units * SLICE_UNIT)
        .send::<DriveItem>()
        .await;
    (server, session, outcome)
}

/// The methods of the requests the server received, in order.
fn methods(server: &HostileServer) -> Vec<String> {
    server.received().into_iter().map(|request| request.method).collect()
}

/// A file whose bytes are not all alike, so a misplaced slice shows.
fn file(size: usize) -> Vec<u8> {
    (0..size).map(|at| (at % 251) as u8).collect()
}

fn upload_url(server: &HostileServer) -> String {
    // On the service root's own origin, to show that no token goes to it even there.
    format!("{}/upload/session?sig=secret", server.base)
}

#[tokio::test]
async fn a_file_goes_up_in_slices_with_progress_and_without_a_token() {
    let size = 3 * SLICE_UNIT + 12_345;
    let (server, session) = session_server(size, Faults::default()).await;
    let source = file(size);
    let progress = Arc::new(Mutex::new(Vec::new()));
    let seen = progress.clone();
    // Spawned: an upload is a `Send + 'static` future when its source is.
    let upload = client(&server)
        .upload(upload_url(&server), std::io::Cursor::new(source.clone()), size as u64)
        .slice_size(SLICE_UNIT + 1000)
        .on_progress(move |sent, total| seen.lock().unwrap().push((sent, total)))
        .send::<DriveItem>();
    let uploaded = tokio::spawn(upload).await.unwrap().unwrap();

    assert_eq!(uploaded.status, 201);
    assert_eq!(
        uploaded.item,
        Some(DriveItem {
            id: "01BYE5RZ".into(),
            size: size as u64
        })
    );
    assert!(
        session.lock().unwrap().file == source,
        "the session has the file, byte for byte"
    );
    let received = server.received();
    assert_eq!(received.len(), 4);
    for request in &received {
        assert_eq!(request.method, "PUT");
        assert_eq!(request.target, "/upload/session?sig=secret");
        assert_eq!(
            request.header("authorization"),
            None,
            "the upload URL is pre-authenticated"
        );
    }
    let lengths: Vec<usize> = received.iter().map(|request| request.body.len()).collect();
    assert_eq!(
        lengths,
        [SLICE_UNIT, SLICE_UNIT, SLICE_UNIT, 12_345],
        "slices are whole 320 KiB units"
    );
    let total = size as u64;
    let unit = SLICE_UNIT as u64;
    assert_eq!(
        *progress.lock().unwrap(),
        [(unit, total), (2 * unit, total), (3 * unit, total), (total, total)]
    );
}

#[tokio::test]
async fn a_connection_dropped_midway_resumes_from_the_next_expected_range() {
    let size = 4 * SLICE_UNIT;
    let faults = Faults {
        drop_on: Some(2),
        ..Faults::default()
    };
    let (server, session, uploaded) = upload(size, size, 2, faults).await;
    assert_eq!(uploaded.unwrap().item.unwrap().size, size as u64);
    assert!(
        session.lock().unwrap().file == file(size),
        "the file arrived intact after the resume"
    );
    assert_eq!(
        methods(&server),
        ["PUT", "PUT", "GET", "PUT"],
        "asked the session where it was, then went on"
    );
    let resumed = &server.received()[3];
    assert_eq!(
        resumed.header("content-range"),
        Some(format!("bytes {}-{}/{size}", 3 * SLICE_UNIT, size - 1).as_str())
    );
}

#[tokio::test]
async fn a_slice_answered_503_is_sent_again() {
    let size = 2 * SLICE_UNIT;
    let faults = Faults {
        unavailable_on: Some(2),
        ..Faults::default()
    };
    let (server, session, uploaded) = upload(size, size, 1, faults).await;
    assert_eq!(uploaded.unwrap().status, 201);
    assert!(session.lock().unwrap().file == file(size));
    assert_eq!(methods(&server), ["PUT", "PUT", "PUT"]);
}

#[tokio::test]
async fn ranges_that_contradict_what_was_sent_stop_the_upload_and_cancel_the_session() {
    let size = 3 * SLICE_UNIT;
    let faults = Faults {
        wrong_range_on: Some(1),
        ..Faults::default()
    };
    let (server, _, uploaded) = upload(size, size, 1, faults).await;
    let error = uploaded.unwrap_err();
    let Error::Upload { reason, uploaded } = &error else {
        panic!("{error:?}")
    };
    assert!(reason.contains("expects byte"), "{reason}");
    assert_eq!(*uploaded, 0);
    assert!(
        !error.to_string().contains("secret"),
        "the upload URL is a credential: {error}"
    );
    assert_eq!(methods(&server), ["PUT", "DELETE"]);
    assert_eq!(server.received()[1].header("authorization"), None);
}

#[tokio::test]
async fn an_expired_session_is_the_graph_error_and_is_cancelled() {
    let size = 3 * SLICE_UNIT;
    let faults = Faults {
        expire_on: Some(2),
        ..Faults::default()
    };
    let (server, _, uploaded) = upload(size, size, 1, faults).await;
    let error = uploaded.unwrap_err();
    let graph = error.as_graph().expect("Graph's own error");
    assert_eq!((graph.status, graph.code.as_deref()), (404, Some("itemNotFound")));
    assert_eq!(methods(&server), ["PUT", "PUT", "DELETE"]);
}

#[tokio::test]
async fn a_source_shorter_than_announced_stops_and_cancels() {
    let size = 2 * SLICE_UNIT;
    let (server, _, uploaded) = upload(size, size - 100, 1, Faults::default()).await;
    let error = uploaded.unwrap_err();
    assert!(error.to_string().contains("the source ended"), "{error}");
    assert_eq!(
        methods(&server),
        ["PUT", "DELETE"],
        "the first slice went; the second could not be read"
    );
}

#[tokio::test]
async fn a_connection_that_keeps_dropping_ends_after_the_resumes() {
    let server = HostileServer::start(|request| match request.method.as_str() {
        "PUT" => Reply::Close,
        "GET" => ranges(200, 0),
        _ => Reply::empty(204),
    })
    .await;
    let size = SLICE_UNIT;
    let error = client(&server)
        .upload(upload_url(&server), file(size).as_slice(), size as u64)
        .max_resumes(2)
        .send::<DriveItem>()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    let puts = server
        .received()
        .iter()
        .filter(|request| request.method == "PUT")
        .count();
    assert_eq!(puts, 3, "sent once and resumed twice");
}

/// A `createUploadSession` operation, as generated code declares one: its
/// upload creates a `DriveItem`.
struct CreateUploadSessionRequestBuilder;

impl Uploads<Post> for CreateUploadSessionRequestBuilder {
    type Item = DriveItem;
}

fn create_upload_session(client: &GraphClient) -> Call<Value, (CreateUploadSessionRequestBuilder, Post)> {
    let path = RequestPath::root()
        .segment("drives")
        .parameter("drive-id", "d1")
        .segment("items")
        .parameter("driveItem-id", "root:/video.mp4:")
        .segment("microsoft.graph.createUploadSession");
    client.call(Method::POST, path).accepting()
}

/// A server that creates a session at `/upload/session` on POST (answering
/// with `session`, in which `{url}` is the upload URL) and keeps it.
async fn creating_server(size: usize, session: Value) -> (HostileServer, Arc<Mutex<Session>>) {
    let state = Arc::new(Mutex::new(Session::default()));
    let kept = state.clone();
    let base = Arc::new(Mutex::new(String::new()));
    let known = base.clone();
    let server = HostileServer::start(move |request| match request.method.as_str() {
        "POST" => {
            let url = format!("{}/upload/session?sig=secret", known.lock().unwrap());
            Reply::json(
                200,
                &serde_json::from_str::<Value>(&session.to_string().replace("{url}", &url)).unwrap(),
            )
        }
        _ => answer(&mut kept.lock().unwrap(), request, size, Faults::default()),
    })
    .await;
    *base.lock().unwrap() = server.base.clone();
    (server, state)
}

#[tokio::test]
async fn the_call_creating_a_session_uploads_to_it_in_one_step() {
    let size = 2 * SLICE_UNIT + 7;
    let (server, session) = creating_server(
        size,
        json!({ "uploadUrl": "{url}", "expirationDateTime": "2026-12-02T00:00:00Z" }),
    )
    .await;
    let uploaded = create_upload_session(&client(&server))
        .upload(std::io::Cursor::new(file(size)), size as u64)
        .slice_size(SLICE_UNIT)
        .await
        .unwrap();
    // The item is typed as the operation says, without naming it here.
    let item: Option<DriveItem> = uploaded.item;
    assert_eq!(item.map(|item| item.size), Some(size as u64));
    assert!(session.lock().unwrap().file == file(size));
    let received = server.received();
    assert_eq!(methods(&server), ["POST", "PUT", "PUT", "PUT"]);
    assert_eq!(
        received[0].target,
        "/v1.0/drives/d1/items/root%3A%2Fvideo.mp4%3A/microsoft.graph.createUploadSession"
    );
    assert!(
        received[0].header("authorization").is_some(),
        "the session is created with the token"
    );
    assert!(received[1..].iter().all(|put| put.header("authorization").is_none()));
}

#[tokio::test]
async fn a_session_without_an_upload_url_is_an_error_that_says_so() {
    let (server, _) = creating_server(10, json!({ "expirationDateTime": "2026-12-02T00:00:00Z" })).await;
    let error = create_upload_session(&client(&server))
        .upload(std::io::Cursor::new(file(10)), 10)
        .await
        .unwrap_err();
    match error {
        Error::Upload { reason, uploaded: 0 } => assert!(reason.contains("no uploadUrl"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(methods(&server), ["POST"], "nothing is uploaded, nothing cancelled");
}
