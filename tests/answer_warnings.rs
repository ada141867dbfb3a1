//! The warning a value that does not fit gives, against the local Graph on
//! 127.0.0.1. A binary of its own: tracing decides once, for every thread,
//! whether a warning is wanted, so another test's thread without a subscriber
//! could switch it off here.

use generated::TestGraph;
use graphgen_suite::{adele_methods, capture_log};
use serde_json::json;

#[tokio::test]
async fn a_misfit_is_a_warning_naming_its_place_never_its_value() {
    let (log, _guard) = capture_log(tracing::Level::WARN);

    let body = json!({"value": [
        {"@odata.type": "#microsoft.graph.emailAuthenticationMethod", "id": "e1"},
        {"@odata.type": "#microsoft.graph.phoneAuthenticationMethod", "id": "p1"},
        {"@odata.type": "#microsoft.graph.phoneAuthenticationMethod", "id": "p2", "createdDateTime": "datetime-value"}
    ]});
    let graph = TestGraph::start().await;
    let client = graph.client();
    let methods = || adele_methods(&client);
    // Raw, as Graph sends it: a typed answer could not hold the misfit.
    graph.on(methods()).raw(200, "application/json", body.to_string());
    methods().await.unwrap();

    let log = log.text();
    assert_eq!(log.matches("WARN").count(), 1, "{log}");
    assert!(log.contains("path=value[2].createdDateTime"), "{log}");
    assert!(
        log.contains("expected=\"a date-time\"") && log.contains("found=\"a string\""),
        "{log}"
    );
    // The value itself is not logged: it may be personal data.
    assert!(!log.contains("datetime-value"), "{log}");
}
