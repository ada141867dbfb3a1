//! Arbitrary text in every text slot of a description - its file name too -
//! either gives a crate that compiles with `-D warnings` and passes clippy, or
//! a placed error and exit 2: never exit 0 with a broken crate, never a panic.
//!
//! Cases are drawn from a fixed seed (`GRAPHGEN_TEXT_SEED` picks another,
//! `GRAPHGEN_TEXT_CASES` how many); the crates of one run are checked by one
//! `cargo clippy` over a scratch workspace, so dependencies compile once.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Value};

/// Characters that broke generated crates before, and markup of every kind
/// the outputs know: Rust, TOML, Markdown, YAML, paths.
const NASTY: &[char] = &[
    '\r', '\n', '\t', '\0', '\u{7f}', '\u{85}', '\u{9b}', '\u{1b}', '\u{202e}', '\u{2066}', '\u{200b}', '\u{feff}',
    '\u{2028}', '\u{ad}', '"', '\\', '`', '*', '/', '#', '[', ']', '<', '>', '{', '}', '|', '$', '@', '\'', ' ', '=',
    '(', ')', ',', '.', ':', '-', '_', 'é', 'ß', '😀', 'a', 'Z', '0',
];

fn text() -> impl Strategy<Value = String> {
    let c = prop_oneof![3 => prop::sample::select(NASTY), 1 => any::<char>()];
    prop::collection::vec(c, 0..14).prop_map(String::from_iter)
}

/// A description with a text slot of each kind, every one drawn from `t`.
/// Unless `raw`, the slots graphgen checks (path segments, parameter names,
/// permission names) hold text it accepts - nasty, but valid - so that most
/// cases reach the compiler; `raw` cases test the refusals.
fn description(t: &mut impl FnMut() -> String, raw: bool) -> Value {
    let valid = |t: &mut dyn FnMut() -> String| {
        let text = t();
        if raw {
            return text;
        }
        let kept: String = text
            .chars()
            .filter(|c| !matches!(c, '/' | '?' | '#' | '%' | ' ' | '{' | '}'))
            .collect();
        format!("v{}", kept.trim())
    };
    let schema = format!("microsoft.graph.{}", t());
    let derived = format!("microsoft.graph.{}", t());
    let enum_schema = format!("microsoft.graph.{}", t());
    let reference =
        |name: &str| json!({ "$ref": format!("#/components/schemas/{}", name.replace('~', "~0").replace('/', "~1")) });
    let mut properties = serde_json::Map::new();
    properties.insert(t(), json!({"type": "string", "description": t()}));
    properties.insert(
        t(),
        json!({"type": "string", "x-graphgen-secret": true, "description": t()}),
    );
    properties.insert(t(), reference(&enum_schema));
    properties.insert("@odata.type".to_owned(), json!({"type": "string"}));
    let mut derived_properties = serde_json::Map::new();
    derived_properties.insert(t(), json!({"type": "integer", "format": "int32", "title": t()}));
    let mut schemas = serde_json::Map::new();
    schemas.insert(
        schema.clone(),
        json!({"title": t(), "description": t(), "type": "object", "properties": properties}),
    );
    schemas.insert(
        derived.clone(),
        json!({"allOf": [reference(&schema), {"type": "object", "properties": derived_properties}]}),
    );
    schemas.insert(
        enum_schema,
        json!({"type": "string", "description": t(), "enum": [t(), t(), t(), "unknownFutureValue"]}),
    );
    let parameter = valid(t);
    let path = format!("/{}/{{{parameter}}}/{}", valid(t), valid(t));
    let scope = valid(t);
    let operation = json!({
        "tags": [t()],
        "summary": t(),
        "description": t(),
        "operationId": t(),
        "externalDocs": {"description": t(), "url": t()},
        "parameters": [
            {"name": parameter, "in": "path", "required": true, "description": t(), "schema": {"type": "string"}},
            {"name": t(), "in": "query", "description": t(), "schema": {"type": "string"}},
            {"name": t(), "in": "header", "description": t(), "schema": {"type": "string"}},
        ],
        "responses": {"200": {"description": t(), "content": {"application/json": {
            "schema": reference(&schema),
            "example": {t(): t(), "nested": [t(), {t(): t()}]},
        }}}},
        "x-graphgen-permissions": {
            "delegatedWork": {"least": [scope], "higher": [valid(t)]},
            "delegatedPersonal": "notSupported",
            "application": {"least": [valid(t)]},
        },
        "x-graphgen-roles-for-other-users": [valid(t), valid(t)],
    });
    let post = json!({
        "tags": [t()],
        "operationId": t(),
        "requestBody": {"content": {"application/json": {"schema": reference(&derived)}}},
        "responses": {"201": {"description": t(), "content": {"application/json": {"schema": reference(&derived)}}}},
    });
    let mut paths = serde_json::Map::new();
    paths.insert(path, json!({"get": operation, "description": t()}));
    paths.insert(format!("/{}", valid(t)), json!({"post": post}));
    json!({
        "openapi": "3.0.1",
        "info": {"title": t(), "description": t(), "version": t()},
        "paths": paths,
        "components": {"schemas": schemas},
    })
}

/// JSON text with every character outside printable ASCII escaped as YAML
/// double-quoted strings escape them, so that the YAML reader (which refuses
/// some raw control characters in a file) reads the exact text.
fn yaml_escaped(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c as u32 {
            0x20..=0x7e | 0x0a => out.push(c),
            code @ 0..=0xffff => out.push_str(&format!("\\u{code:04x}")),
            code => out.push_str(&format!("\\U{code:08x}")),
        }
    }
    out
}

/// A file name from arbitrary text: no folder separator, no NUL, not too long.
fn file_name(text: &str) -> String {
    let mut name: String = text.chars().filter(|c| *c != '/' && *c != '\0').collect();
    while name.len() > 200 {
        name.pop();
    }
    format!("{name}.json")
}

fn cargo(dir: &Path, args: &[&str]) -> std::process::Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    Command::new(cargo)
        .args(args)
        .current_dir(dir)
        .env(
            "CARGO_TARGET_DIR",
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/standalone"),
        )
        // As tests/standalone_crates.rs builds, so the dependencies built there serve here.
        .env("RUSTFLAGS", "-D warnings")
        .env("RUSTDOCFLAGS", "-D warnings")
        .output()
        .unwrap()
}

#[test]
fn arbitrary_text_in_every_slot_compiles_or_is_a_placed_error() {
    let seed: u64 = std::env::var("GRAPHGEN_TEXT_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or(20261202);
    let cases: usize = std::env::var("GRAPHGEN_TEXT_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(8);
    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes));
    let strategy = text();
    let mut draw = || strategy.new_tree(&mut runner).unwrap().current();

    let scratch = tempfile::tempdir().unwrap();
    let workspace = scratch.path();
    let mut members = Vec::new();
    let mut refused = 0;
    for case in 0..cases {
        let spec = description(&mut draw, case % 4 == 3);
        let dir = workspace.join(format!("case{case}"));
        fs::create_dir_all(&dir).unwrap();
        let spec_path: PathBuf = dir.join(file_name(&draw()));
        let spec_text = yaml_escaped(&serde_json::to_string_pretty(&spec).unwrap());
        fs::write(&spec_path, &spec_text).unwrap();
        let out = workspace.join(format!("crate{case}"));
        let output = Command::new(env!("CARGO_BIN_EXE_graphgen"))
            .arg("generate")
            .arg(&spec_path)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        match output.status.code() {
            Some(0) => members.push((format!("crate{case}"), spec_text)),
            Some(2) => {
                refused += 1;
                assert!(
                    stderr.contains("error: "),
                    "case {case}: exit 2 without an error:\n{stderr}"
                );
                assert!(
                    !stderr.chars().any(|c| c == '\u{1b}' || c == '\r' || c == '\u{202e}'),
                    "case {case}: the message carries characters a terminal acts on: {stderr:?}"
                );
                assert!(!out.exists(), "case {case}: refused, yet {} was written", out.display());
            }
            other => panic!("case {case}: exit {other:?}\n{stderr}\nthe description:\n{spec_text}"),
        }
    }
    assert!(
        members.len() * 2 >= cases,
        "most cases should generate ({refused} of {cases} refused): the test would test little"
    );
    let list: Vec<String> = members.iter().map(|(name, _)| format!("{name:?}")).collect();
    fs::write(
        workspace.join("Cargo.toml"),
        format!("[workspace]\nmembers = [{}]\nresolver = \"2\"\n", list.join(", ")),
    )
    .unwrap();
    fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock"),
        workspace.join("Cargo.lock"),
    )
    .unwrap();
    let output = cargo(
        workspace,
        &[
            "clippy",
            "--quiet",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        let failing: Vec<&(String, String)> = members
            .iter()
            .filter(|(name, _)| stderr.contains(name.as_str()))
            .collect();
        let kept = scratch.keep();
        panic!(
            "a generated crate does not pass clippy (kept in {}):\n{stderr}\ndescriptions:\n{failing:#?}",
            kept.display()
        );
    }
}

/// Root paths named as the client's own methods (`/upload`, `/batch`,
/// `/call_count`) get methods of other names, not a second `upload`.
#[test]
fn root_segments_never_take_a_method_of_the_client() {
    let scratch = tempfile::tempdir().unwrap();
    let mut paths = serde_json::Map::new();
    for segment in ["upload", "batch", "call_count", "builder"] {
        let ok = json!({"description": "OK", "content": {"application/json": {"schema": {"type": "object", "properties": {"x": {"type": "string"}}}}}});
        paths.insert(
            format!("/{segment}"),
            json!({"get": {"operationId": format!("{segment}.get"), "responses": {"200": ok}}}),
        );
    }
    let spec = json!({"openapi": "3.0.1", "info": {"title": "t", "version": "v1"}, "paths": paths});
    let path = scratch.path().join("roots.json");
    fs::write(&path, spec.to_string()).unwrap();
    let files = graphgen::generate_crate(&[path], "roots").unwrap();
    let client = &files["src/client.rs"];
    for method in ["upload2", "batch2", "call_count2", "builder2"] {
        assert!(client.contains(&format!("pub fn {method}(")), "{method}:\n{client}");
    }
    // The generated client's own `builder` is the only one.
    for (taken, own) in [("upload", 0), ("batch", 0), ("call_count", 0), ("builder", 1)] {
        assert_eq!(client.matches(&format!("pub fn {taken}(")).count(), own, "{taken}");
    }
}

/// A description of an upload session (`uploadUrl`, a pre-authenticated URL)
/// and a PIN marked with a string where the mark takes a boolean.
fn session_spec(secret_mark: Value) -> Value {
    json!({
        "openapi": "3.0.1",
        "info": {"title": "t", "version": "v1"},
        "paths": {"/sessions": {"post": {
            "operationId": "sessions.create",
            "responses": {"200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/microsoft.graph.uploadSession"}}}}},
        }}},
        "components": {"schemas": {"microsoft.graph.uploadSession": {"type": "object", "properties": {
            "uploadUrl": {"type": "string"},
            "nextExpectedRanges": {"type": "array", "items": {"type": "string"}},
            "pin": {"type": "string", "x-graphgen-secret": secret_mark},
        }}}},
    })
}

#[test]
fn credentials_are_secrets_and_a_mark_of_the_wrong_type_is_refused() {
    let scratch = tempfile::tempdir().unwrap();
    let path = scratch.path().join("sessions.json");
    fs::write(&path, session_spec(json!(true)).to_string()).unwrap();
    let files = graphgen::generate_crate(std::slice::from_ref(&path), "sessions").unwrap();
    let models = &files["src/models.rs"];
    assert!(models.contains("pub upload_url: Option<Secret>,"), "{models}");
    assert!(models.contains("pub pin: Option<Secret>,"), "{models}");
    assert!(
        models.contains("json_object!(UploadSession, additional_properties, secret {"),
        "{models}"
    );

    // `x-graphgen-secret: "true"` once made the PIN a plain String that Debug printed.
    fs::write(&path, session_spec(json!("true")).to_string()).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_graphgen"))
        .arg("generate")
        .arg(&path)
        .arg("--out")
        .arg(scratch.path().join("out"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("/components/schemas/microsoft.graph.uploadSession/properties/pin/x-graphgen-secret")
            && stderr.contains("expected true or false"),
        "{stderr}"
    );
}
